# `make demo`: runs what vcfoutcomes can do on its bundled and example data
# and writes the results to demo-output/. It grows as capabilities land.
suppressPackageStartupMessages(library(vcfoutcomes))
out <- "demo-output"
dir.create(out, showWarnings = FALSE)
written <- character()
write_csv <- function(x, name) {
  path <- file.path(out, name)
  utils::write.csv(x, path, row.names = FALSE)
  written <<- c(written, path)
}

# BME classes of the PV study, edges included.
pct <- c(0, 0.4, 24.6, 25, 74.9, 75, 100)
write_csv(data.frame(bme_pct = pct, bme_class = vcf_bme_class(pct)),
          "bme_classes.csv")

cat("demo: wrote", length(written), "files:\n")
cat(paste0("  ", written, "\n"), sep = "")
