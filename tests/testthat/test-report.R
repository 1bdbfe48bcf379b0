# vcf_report(), flextable and HTML rendering of vcf_tables.

pv_fit <- function() {
  vcf_analyze(vcf_cohort(pv_edema), boot = vcf_boot_control(B = 99, seed = 3))
}

test_that("a Word report reads back with captions, header n, footnotes and every p-value", {
  skip_if_not_installed("officer")
  skip_if_not_installed("flextable")
  fit <- pv_fit()
  file <- tempfile(fileext = ".docx")
  on.exit(unlink(file))
  expect_identical(vcf_report(fit, file, title = "PV results"), file)
  doc <- officer::docx_summary(officer::read_docx(file))
  paragraphs <- doc$text[doc$content_type == "paragraph"]
  expect_true("PV results" %in% paragraphs)
  # Numbered captions, tables then figures, in order.
  tables <- grep("^Table [0-9]+\\. ", paragraphs, value = TRUE)
  figures <- grep("^Figure [0-9]+\\. ", paragraphs, value = TRUE)
  expect_equal(as.integer(sub("^Table ([0-9]+).*", "\\1", tables)), seq_along(tables))
  expect_equal(as.integer(sub("^Figure ([0-9]+).*", "\\1", figures)), seq_along(figures))
  expect_equal(length(tables), length(vcfoutcomes:::analysis_tables(fit)))
  expect_equal(length(figures), 3L)
  expect_match(tables[1], "Characteristics of patients")
  # The methods paragraph says what was run.
  methods <- paragraphs[which(paragraphs == "Statistical methods") + 1L]
  expect_match(methods, "Wilcoxon rank-sum", fixed = TRUE)
  expect_match(methods, "BCa bootstrap 95% CIs from 99 replicates resampling patients (seed 3)",
               fixed = TRUE)
  expect_match(methods, R.version.string, fixed = TRUE)
  # Table 1: header n, footnotes and each p-value as formatted.
  cells <- doc[doc$content_type == "table cell", ]
  first <- cells[cells$doc_index == min(cells$doc_index), ]
  header <- first$text[first$is_header]
  expect_equal(header, c("Characteristic", "Total (n = 64)", "Subgroup A (n = 31)",
                         "Subgroup B (n = 33)", "P value"))
  layout <- vcfoutcomes:::table_layout(fit$table1)
  p_col <- first[!first$is_header & first$cell_id == 5L, ]
  p_col <- p_col[order(p_col$row_id), ]
  want <- paste0(layout$body[, 5], layout$marks)
  want[layout$body[, 5] == ""] <- ""
  expect_equal(p_col$text[seq_along(want)], want)
  footer <- first$text[!first$is_header & first$row_id > length(want) + 1L]
  expect_true(all(paste0(names(layout$footnotes), " ", layout$footnotes) %in% footer))
  expect_true(any(grepl("^a Wilcoxon rank-sum", footer)))
  expect_true(any(grepl("Fracture characteristics are per treated VCF", footer)))
  expect_false(any(grepl("e-[0-9]", cells$text)))
  expect_false(any(grepl("boot_used|boot_degenerate", cells$text)))
})

test_that("the relation table in the report carries every p-value", {
  skip_if_not_installed("officer")
  skip_if_not_installed("flextable")
  fit <- pv_fit()
  file <- tempfile(fileext = ".docx")
  on.exit(unlink(file))
  vcf_report(list(fit$relation), file)
  cells <- officer::docx_summary(officer::read_docx(file))
  cells <- cells[cells$content_type == "table cell" & !cells$is_header, ]
  p <- cells$text[cells$cell_id == 7L]
  shown <- p[grepl("a$", p)]
  expect_equal(sub("a$", "", shown), vcf_format_p(fit$relation$p_value))
  expect_false(anyNA(tidy(fit)$p.value[tidy(fit)$analysis == "relation"]))
})

test_that("a report of a list of tables and figures, in HTML", {
  skip_if_not_installed("flextable")
  skip_if_not_installed("knitr")
  cohort <- vcf_cohort(bkp_osteonecrosis)
  file <- tempfile(fileext = ".html")
  on.exit(unlink(file))
  vcf_report(list(vcf_paired(cohort, "pre-op", "post-op"),
                  `Outcomes per visit` = vcf_plot_outcomes(cohort),
                  `Registry` = data.frame(site = c("a", "b"), p = c(0.2, 1e-12))),
             file, style = "nejm")
  html <- paste(readLines(file, encoding = "UTF-8"), collapse = "\n")
  expect_match(html, "Table 1. Outcomes at pre-op and post-op", fixed = TRUE)
  expect_match(html, "Figure 1. Outcomes per visit", fixed = TRUE)
  expect_match(html, "Table 2. Registry", fixed = TRUE)
  expect_match(html, "&lt;0.001", fixed = TRUE)
  expect_match(html, "data:image/png;base64,", fixed = TRUE)
  expect_false(grepl("1e-12", html, fixed = TRUE))
  expect_error(vcf_report(list(1), file), class = "vcf_error_type")
  expect_error(vcf_report(cohort, tempfile(fileext = ".rtf")), class = "vcf_error_file_type")
  expect_snapshot(vcf_report(list(1), file), error = TRUE)
  expect_error(vcf_report(list(), file, title = " "), class = "vcf_error_argument")
})

test_that("flextable renders header n, indented levels, marks and footnotes", {
  skip_if_not_installed("flextable")
  cohort <- vcf_cohort(pv_edema)
  tab <- vcf_table1(cohort, by = vcf_subgroup(cohort), vars = c("age", "sex"))
  ft <- flextable::as_flextable(tab)
  expect_s3_class(ft, "flextable")
  expect_equal(flextable::nrow_part(ft, "body"), 4L)
  expect_equal(flextable::nrow_part(ft, "footer"), 3L)
  html <- vcf_html(tab)
  headers <- regmatches(html, gregexpr("<th[^>]*><p[^>]*><span[^>]*>[^<]*</span>", html))[[1]]
  expect_equal(sub(".*>([^<]*)</span>$", "\\1", headers),
               c("Characteristic", "Total (n = 64)", "Subgroup A (n = 31)",
                 "Subgroup B (n = 33)", "P value"))
  expect_match(html, "Wilcoxon rank-sum", fixed = TRUE)
  expect_match(html, "Percentages are of", fixed = TRUE)
  # The mark is a raised run of its own after the p-value.
  expect_match(html, "\\.35</span><span class=\"[^\"]+\">a</span>")
  expect_match(html, "padding-left:17pt", fixed = TRUE)
  escaped <- vcf_html(data.frame(a = c(1.5, NA), b = c("x", "<y>")), caption = "T & C")
  expect_match(escaped, "&lt;y&gt;", fixed = TRUE)
  expect_match(escaped, "T &amp; C", fixed = TRUE)
  path <- tempfile(fileext = ".html")
  on.exit(unlink(path))
  vcf_html(vcf_paired(vcf_cohort(bkp_osteonecrosis), "pre-op", "post-op"), path)
  expect_true(any(grepl("34.7 (18\u201353)", readLines(path, encoding = "UTF-8"), fixed = TRUE)))
  expect_error(vcf_html(1:3), class = "vcf_error_type")
})

test_that("knit_print renders vcf_tables in R Markdown", {
  skip_if_not_installed("knitr")
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available())
  rmd <- tempfile(fileext = ".Rmd")
  writeLines(c("---", "title: t", "output: html_document", "---", "",
               "```{r, echo = FALSE}", "library(vcfoutcomes)",
               "cohort <- vcf_cohort(pv_edema)",
               "vcf_table1(cohort, by = vcf_subgroup(cohort), vars = c('age', 'sex'))",
               "vcf_reproduce('bkp_osteonecrosis', boot = vcf_boot_control(B = 99, seed = 1))",
               "```"), rmd)
  out <- rmarkdown::render(rmd, quiet = TRUE, output_dir = tempdir())
  on.exit(unlink(c(rmd, out)))
  html <- paste(readLines(out, encoding = "UTF-8"), collapse = "\n")
  expect_match(html, "Subgroup A (n = 31)", fixed = TRUE)
  expect_match(html, "Published quantity", fixed = TRUE)
  expect_false(grepl("<vcf_table>", html, fixed = TRUE))
  md <- knitr::knit(text = c("```{r, echo = FALSE}",
                             "vcfoutcomes::vcf_paired(vcfoutcomes::vcf_cohort(vcfoutcomes::bkp_osteonecrosis), 'pre-op', 'post-op')",
                             "```"), quiet = TRUE)
  expect_match(md, "|Outcome", fixed = TRUE)
  expect_match(md, "^a^ Paired t test", fixed = TRUE)
})

test_that("vcf_html and vcf_report check file and caption with classed errors", {
  skip_if_not_installed("flextable")
  d <- data.frame(a = 1:2, b = c("x", "<y>"))
  expect_error(vcf_html(d, file = 3), class = "vcf_error_argument")
  expect_error(vcf_html(d, file = tempdir()), class = "vcf_error_file")
  expect_error(vcf_html(d, file = strrep("a", 5000)), class = "vcf_error_file")
  expect_error(vcf_html(d, file = file.path(tempfile(), "x.html")), class = "vcf_error_file")
  expect_error(vcf_html(d, caption = 3), class = "vcf_error_argument")
  expect_error(vcf_html(d, caption = c("a", "b")), class = "vcf_error_argument")
  expect_snapshot(error = TRUE, vcf_html(d, file = ""))
  expect_error(vcf_report(list(), tempdir()), class = "vcf_error_file")
  expect_error(vcf_report(list(), file.path(tempfile(), "r.html")), class = "vcf_error_file")
})

test_that("as_vcf_table rejects what it cannot turn into a table with a classed error", {
  expect_error(as_vcf_table(Inf), class = "vcf_error_type")
  expect_error(as_vcf_table(list(a = 1)), class = "vcf_error_type")
  expect_error(as_vcf_table(data.frame()), class = "vcf_error_empty")
  skip_if_not_installed("flextable")
  expect_error(vcf_html(data.frame()), class = "vcf_error_empty")
})
