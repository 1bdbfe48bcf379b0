# `make screenshots`: renders every vignette and the Word/HTML reports of
# both bundled studies, then photographs the HTML pages with headless
# Chromium, so that a person can look at what a reader will see. Writes to
# screenshots/. Not part of CI (needs Chromium: apt-get install chromium).
suppressPackageStartupMessages(library(vcfoutcomes))
out <- normalizePath("screenshots", mustWork = FALSE)
dir.create(out, showWarnings = FALSE)
pages <- character()

vignettes <- list.files("vignettes", pattern = "\\.Rmd$", full.names = TRUE)
for (rmd in vignettes) {
  html <- rmarkdown::render(rmd, output_dir = out, intermediates_dir = tempdir(), quiet = TRUE,
                            envir = new.env())
  pages <- c(pages, html)
}

boot <- vcf_boot_control(B = 2000, seed = 2026)
pv <- vcf_analyze(vcf_cohort(pv_edema), boot = boot)
bkp <- vcf_analyze(vcf_cohort(bkp_osteonecrosis), boot = boot)
for (study in list(list(fit = pv, name = "pv_edema", title = "PV bone-marrow-edema study"),
                   list(fit = bkp, name = "bkp_osteonecrosis", title = "BKP osteonecrosis study"))) {
  vcf_report(study$fit, file.path(out, paste0("report_", study$name, ".docx")), title = study$title)
  html <- file.path(out, paste0("report_", study$name, ".html"))
  vcf_report(study$fit, html, title = study$title)
  pages <- c(pages, html)
}
reproductions <- lapply(c("pv_edema", "bkp_osteonecrosis"), vcf_reproduce, boot = boot)
html <- file.path(out, "report_reproductions.html")
vcf_report(list(`PV study: published and reproduced` = reproductions[[1]],
                `BKP study: published and reproduced` = reproductions[[2]]),
           html, title = "Reproductions")
pages <- c(pages, html)

browser <- Sys.which(c("chromium", "chromium-browser", "google-chrome"))
browser <- browser[nzchar(browser)][1]
if (is.na(browser)) {
  cat("No Chromium found: the HTML pages are in", out, "\n")
  quit(status = 0)
}
# Each page in tiles of 1100 x 1400 pixels (page_1.png, page_2.png, ...):
# a wrapper page shows the page shifted up in an iframe, as Chromium's
# --screenshot takes the window only.
profile <- tempfile("chromium-profile")
shoot <- function(url, png) {
  args <- c("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--allow-file-access-from-files", paste0("--user-data-dir=", profile),
            "--window-size=1100,1400", paste0("--screenshot=", png), url)
  system2(browser, args, stdout = FALSE, stderr = FALSE)
}
wrapper <- tempfile(fileext = ".html")
for (page in pages) {
  for (k in seq_len(6L)) {
    writeLines(paste0("<html><body style='margin:0;overflow:hidden'><iframe src='file://",
                      normalizePath(page), "' style='border:0;width:1100px;height:40000px;",
                      "margin-top:-", (k - 1L) * 1400L, "px'></iframe></body></html>"), wrapper)
    png <- sub("\\.html$", paste0("_", k, ".png"), page)
    status <- shoot(paste0("file://", wrapper), png)
    cat(if (status == 0) "wrote" else "FAILED", png, "\n")
  }
}
unlink(c(profile, wrapper), recursive = TRUE)
