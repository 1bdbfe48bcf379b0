# vcf_report(): every table and figure of an analysis (or of a list of
# tables and figures) in one Word or HTML file, numbered, with footnotes and
# a methods paragraph written from what was run.

#' Write every table and figure into one Word or HTML document
#'
#' Writes the tables of a [vcf_analyze()] result (Table 1, the follow-up
#' tables, the BME-pain relation, the paired comparisons and the findings)
#' and its figures, each with a numbered caption, the tables with their
#' footnotes, after a methods paragraph generated from what was actually
#' run: the tests used on each table, the bootstrap settings and seed, and
#' the software versions. A list of `vcf_table`s and ggplots (a
#' [vcf_reproduce()] or [vcf_audit()] result is turned into a table) gives
#' the same document for any selection. Word output uses `officer` and
#' `flextable`; HTML output the same flextables with the figures embedded.
#'
#' @param x A `vcf_analysis`, or a list of `vcf_table`s, data frames and
#'   ggplots (names are used as captions for those without one).
#' @param file Path ending in ".docx" or ".html".
#' @param title Title of the document (not empty).
#' @param style P-value style for every table (see [vcf_format_p()]);
#'   `NULL` keeps each table's own.
#' @param figure_width Figure width: "single" (85 mm) or "double" (174 mm).
#' @return `file`, invisibly.
#' @examples
#' if (requireNamespace("officer", quietly = TRUE) &&
#'     requireNamespace("flextable", quietly = TRUE)) {
#'   # A list of tables; an analysis from vcf_analyze() adds its figures
#'   # and a methods paragraph.
#'   file <- tempfile(fileext = ".docx")
#'   vcf_report(list(vcf_table1(vcf_cohort(bkp_osteonecrosis))), file)
#'   unlink(file)
#' }
#' @export
vcf_report <- function(x, file, title = "Results", style = NULL, figure_width = "double") {
  check_output_file(file)
  check_string(title)
  if (!nzchar(trimws(title))) {
    vcf_abort(c("{.arg title} must not be empty.", i = "It heads the document and names it."),
              "argument")
  }
  if (!is.null(style)) check_string(style, choices = p_styles)
  check_string(figure_width, choices = names(journal_widths))
  ext <- tolower(tools::file_ext(file))
  if (!ext %in% c("docx", "html")) {
    vcf_abort(c("{.arg file} must end in .docx or .html.", x = "It ends in {.val {ext}}."),
              c("file_type", "argument"))
  }
  rlang::check_installed("flextable", "to write reports")
  items <- report_items(x)
  methods <- report_methods(x, items)
  if (ext == "docx") {
    rlang::check_installed("officer", "to write Word reports")
    report_docx(items, methods, file, title, style, journal_widths[[figure_width]])
  } else {
    report_html(items, methods, file, title, style, journal_widths[[figure_width]])
  }
  invisible(file)
}

# The tables and figures, each with its kind, caption and object.
report_items <- function(x, call = rlang::caller_env()) {
  if (inherits(x, "vcf_analysis")) {
    tables <- analysis_tables(x)
    figures <- analysis_figures(x)
    return(c(lapply(tables, function(t) list(kind = "table", object = t, caption = NULL)),
             lapply(figures, function(f) list(kind = "figure", object = f$plot, caption = f$caption))))
  }
  if (inherits(x, c("vcf_table", "vcf_reproduction", "vcf_audit")) || is.data.frame(x) ||
      inherits(x, "ggplot")) {
    x <- list(x)
  }
  if (!is.list(x) || !length(x)) {
    vcf_abort("{.arg x} must be a {.cls vcf_analysis} or a list of tables and ggplots.",
              c("type", "argument"), call = call)
  }
  names <- names(x) %||% rep("", length(x))
  items <- list()
  for (i in seq_along(x)) {
    item <- x[[i]]
    caption <- if (nzchar(names[i])) names[i]
    if (inherits(item, "ggplot")) {
      items[[i]] <- list(kind = "figure", object = item, caption = caption %||% "")
    } else if (is.data.frame(item)) {
      table <- as_vcf_table(item)
      if (!is.null(caption) && is.null(attr(table, "caption"))) attr(table, "caption") <- caption
      items[[i]] <- list(kind = "table", object = table, caption = NULL)
    } else {
      vcf_abort(c("Element {i} of {.arg x} is neither a table nor a ggplot.",
                  x = "It is a {.cls {class(item)}}."), c("type", "argument"), call = call)
    }
  }
  items
}

# The figures of an analysis with their legends.
analysis_figures <- function(x) {
  out <- list()
  fu <- x$followup
  if (!is.null(fu$bme_classes)) {
    out$bme <- list(plot = vcf_plot_bme(fu),
                    caption = "Extent of bone marrow edema (BME) in the treated VCF per visit.")
  }
  first <- if (!is.null(x$relation)) attr(x$relation, "group")
  if (!is.null(fu$pain) && any(!is.na(fu$pain$median))) {
    out$vas <- list(plot = vcf_plot_vas(fu, group = first),
                    caption = "Median pain on the visual analog scale (VAS) per visit.")
  }
  if (!is.null(fu$analgesics)) {
    out$analgesics <- list(plot = vcf_plot_analgesics(fu, group = first),
                           caption = "Pain medication per visit.")
  }
  outcomes <- intersect(c("height_pct", "vas", "odi"),
                        cohort_vars(x$cohort, c("visit", "patient_visit")))
  if (length(x$cohort$visit_levels) >= 2L && length(outcomes) &&
      is.null(fu$bme_classes)) {
    out$outcomes <- list(plot = vcf_plot_outcomes(x$cohort),
                         caption = "Outcomes per visit: means with 95% confidence intervals.")
  }
  out
}

# Methods text ------------------------------------------------------------------

report_methods <- function(x, items) {
  tables <- Filter(function(i) i$kind == "table", items)
  objects <- lapply(tables, `[[`, "object")
  sentences <- character()
  t1 <- Filter(function(t) inherits(t, "vcf_table1"), objects)
  for (t in t1) {
    used <- unique(t$test[!is.na(t$test)])
    if (length(used)) {
      sentences <- c(sentences, paste0(
        "Characteristics were compared between groups with the ",
        join_words(tolower_first(test_label(used))),
        if (any(t$low_expected %in% TRUE)) " (chi-square tests with expected counts below 5 are footnoted)",
        if (isTRUE(attr(t, "fisher_fallback")))
          "; Fisher's exact test replaced the chi-square test where an expected count was below 5",
        "."))
    }
  }
  paired <- Filter(function(t) inherits(t, "vcf_paired_table"), objects)
  if (length(paired)) {
    used <- unique(unlist(lapply(paired, `[[`, "test")))
    sentences <- c(sentences, paste0("Outcomes at two visits were compared with the ",
                                     join_words(tolower_first(test_label(used))),
                                     ", with 95% confidence intervals (CIs) of the mean difference."))
  }
  relation <- Filter(function(t) inherits(t, "vcf_relation_table"), objects)
  if (length(relation)) {
    r <- relation[[1]]
    boot <- if (inherits(x, "vcf_analysis")) x$boot
    sentences <- c(sentences, paste0(
      "The relation between change in BME extent and change in pain per interval was estimated ",
      "by linear regression with classical 95% CIs and t tests of the coefficient",
      if (!is.null(boot)) paste0(", and ", boot_type_label(boot$type[1]), " bootstrap 95% CIs from ",
                                 boot$B, " replicates resampling patients",
                                 if (!is.null(boot$seed)) paste0(" (seed ", boot$seed, ")")),
      "."))
  }
  if (any(vapply(objects, inherits, logical(1), "vcf_findings_table"))) {
    sentences <- c(sentences, "Proportions are given with exact (Clopper-Pearson) 95% CIs.")
  }
  if (length(sentences)) sentences <- c(sentences, "All tests were two-sided.")
  info <- tryCatch(vcf_build_info(), error = function(e) list())
  sentences <- c(sentences, paste0(
    "Analyses used ", R.version.string, " and the vcfoutcomes package, version ",
    utils::packageVersion("vcfoutcomes"),
    if (!is.null(info$gsl_version)) paste0(" (GNU Scientific Library ", info$gsl_version, ")"), "."))
  paste(sentences, collapse = " ")
}

join_words <- function(x) {
  x <- unique(x)
  if (length(x) <= 1L) return(x)
  paste0(paste(x[-length(x)], collapse = ", "), " and ", x[length(x)])
}

tolower_first <- function(x) {
  keep <- grepl("^(Student|Welch|Wilcoxon|Pearson|Fisher|Mann)", x)
  ifelse(keep, x, paste0(tolower(substr(x, 1L, 1L)), substring(x, 2L)))
}

# Word -----------------------------------------------------------------------------

report_docx <- function(items, methods, file, title, style, width_mm) {
  doc <- officer::read_docx()
  doc <- officer::body_add_par(doc, title, style = "heading 1")
  doc <- officer::body_add_par(doc, "Statistical methods", style = "heading 2")
  doc <- officer::body_add_par(doc, methods, style = "Normal")
  counter <- c(table = 0L, figure = 0L)
  for (item in items) {
    counter[item$kind] <- counter[item$kind] + 1L
    if (item$kind == "table") {
      layout <- layout_of(item$object, style)
      caption <- paste0("Table ", counter[["table"]], ". ", layout$caption)
      doc <- officer::body_add_par(doc, caption, style = "table title")
      layout$caption <- ""
      doc <- flextable::body_add_flextable(doc, layout_flextable(layout), align = "left")
      doc <- officer::body_add_par(doc, "", style = "Normal")
    } else {
      doc <- officer::body_add_gg(doc, value = item$object, width = width_mm / 25.4,
                                  height = 0.6 * width_mm / 25.4, res = 300)
      caption <- paste0("Figure ", counter[["figure"]], ". ", item$caption)
      doc <- officer::body_add_par(doc, caption, style = "graphic title")
    }
  }
  print(doc, target = file)
}

# HTML ------------------------------------------------------------------------------

report_html <- function(items, methods, file, title, style, width_mm) {
  escape <- function(s) {
    s <- gsub("&", "&amp;", s, fixed = TRUE)
    s <- gsub("<", "&lt;", s, fixed = TRUE)
    gsub(">", "&gt;", s, fixed = TRUE)
  }
  parts <- c("<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
             paste0("<title>", escape(title), "</title>"),
             "<style>body{font-family:Arial,sans-serif;max-width:250mm;margin:2em auto;font-size:10pt}",
             "p.caption{font-weight:bold;margin-top:2em}</style></head><body>",
             paste0("<h1>", escape(title), "</h1>"), "<h2>Statistical methods</h2>",
             paste0("<p>", escape(methods), "</p>"))
  counter <- c(table = 0L, figure = 0L)
  for (item in items) {
    counter[item$kind] <- counter[item$kind] + 1L
    if (item$kind == "table") {
      layout <- layout_of(item$object, style)
      parts <- c(parts, paste0("<p class=\"caption\">Table ", counter[["table"]], ". ",
                               escape(layout$caption), "</p>"))
      layout$caption <- ""
      parts <- c(parts, flextable_html(layout_flextable(layout)))
    } else {
      rlang::check_installed("knitr", "to embed figures in HTML reports")
      png <- tempfile(fileext = ".png")
      vcf_save_plot(item$object, png, width = width_mm, height = 0.6 * width_mm, dpi = 300)
      parts <- c(parts, paste0("<p><img style=\"width:", width_mm, "mm\" src=\"",
                               knitr::image_uri(png), "\" alt=\"Figure ", counter[["figure"]],
                               "\"></p>"),
                 paste0("<p class=\"caption\">Figure ", counter[["figure"]], ". ",
                        escape(item$caption), "</p>"))
      unlink(png)
    }
  }
  write_output_lines(c(parts, "</body></html>"), file)
}
