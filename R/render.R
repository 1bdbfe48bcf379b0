# Renderers of vcf_table layouts (R/layout.R): the console (print, fitted to
# the width), format() for knitr::kable(), flextable (and through it Word,
# PowerPoint and HTML), knit_print() for R Markdown and vcf_html(). The
# flextable and knitr methods are registered for their generics when those
# packages are loaded (both are suggested, not imported).

#' Tables of every analysis as one kind of object
#'
#' Every table the package makes is a `vcf_table`: [vcf_table1()],
#' [vcf_paired()] and, through `as_vcf_table()`, the follow-up tables, the
#' BME-pain relation, the findings of a [vcf_analyze()] result, a
#' [vcf_reproduce()] comparison and a [vcf_audit()]. A `vcf_table` prints in
#' a journal's layout fitted to the console width, renders with
#' `flextable::as_flextable()` (and so to Word, PowerPoint and HTML), with
#' `knitr` in R Markdown (HTML, PDF and Word), as markdown with
#' `knitr::kable(format(x))`, and goes into a report with [vcf_report()].
#'
#' @param x An object to turn into a table: a `vcf_table`, a `vcf_analysis`
#'   (with `which`), a `vcf_followup` (with `which` and `group`), a
#'   `vcf_reproduction`, a `vcf_audit` or a data frame.
#' @param which The part: for an analysis "table1", "relation", "findings",
#'   "paired" (the first paired table; see `x$paired` for all) or a
#'   follow-up part; for a follow-up "intervals", "resolution",
#'   "bme_classes", "transitions", "pain" or "analgesics".
#' @param group For follow-up parts, the subgroups to keep (`NULL` for all).
#' @param caption A caption to use instead of the default one.
#' @param ... Unused.
#' @return A `vcf_table`.
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' fu <- vcf_followup(cohort, by = vcf_subgroup(cohort))
#' as_vcf_table(fu, "resolution")
#' as_vcf_table(data.frame(x = c(1.5, 2), p = c(0.04, 1e-9)))
#' @export
as_vcf_table <- function(x, ...) UseMethod("as_vcf_table")

#' @rdname as_vcf_table
#' @export
as_vcf_table.vcf_table <- function(x, caption = NULL, ...) {
  if (!is.null(caption)) attr(x, "caption") <- check_caption(caption)
  x
}

#' @rdname as_vcf_table
#' @export
as_vcf_table.default <- function(x, ...) {
  vcf_abort(c("{.arg x} must be a data frame, a {.cls vcf_table}, a {.cls vcf_followup}, a {.cls vcf_reproduction} or a {.cls vcf_audit}.",
              x = "It is {.val {format_arg(x)}}."),
            c("type", "argument"))
}

#' @rdname as_vcf_table
#' @export
as_vcf_table.data.frame <- function(x, caption = NULL, ...) {
  if (!ncol(x)) {
    vcf_abort(c("{.arg x} must have at least one column.", x = "It has none."),
              c("empty", "input"))
  }
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  rownames(x) <- NULL
  structure(x, caption = check_caption(caption), class = c("vcf_table", "data.frame"))
}

#' @rdname as_vcf_table
#' @export
as_vcf_table.vcf_followup <- function(x, which = "intervals", group = NULL, caption = NULL, ...) {
  parts <- c("intervals", "resolution", "bme_classes", "transitions", "pain", "analgesics")
  check_string(which, choices = parts)
  part <- x[[which]]
  if (is.null(part)) {
    vcf_abort("The follow-up has no {.field {which}}: the cohort lacks the variables for it.",
              c("missing_part", "argument"))
  }
  part <- subset_groups(part, group)
  rownames(part) <- NULL
  structure(part, part = which, caption = check_caption(caption),
            class = c("vcf_followup_table", "vcf_table", "data.frame"))
}

#' @rdname as_vcf_table
#' @export
as_vcf_table.vcf_reproduction <- function(x, caption = NULL, ...) {
  out <- as.data.frame(unclass(x)[c("id", "source", "row", "column", "statistic", "reported",
                                    "published", "reproduced", "status", "reason")],
                       stringsAsFactors = FALSE)
  structure(out, caption = check_caption(caption),
            class = c("vcf_reproduction_table", "vcf_table", "data.frame"))
}

#' @rdname as_vcf_table
#' @export
as_vcf_table.vcf_audit <- function(x, caption = NULL, ...) {
  out <- as.data.frame(unclass(x)[c("check", "source", "row", "column", "verdict", "ids",
                                    "reported", "expected", "detail")],
                       stringsAsFactors = FALSE)
  structure(out, summary = paste0(format(x), "."), caption = check_caption(caption),
            class = c("vcf_audit_table", "vcf_table", "data.frame"))
}

check_caption <- function(caption, call = rlang::caller_env()) {
  if (!is.null(caption)) check_string(caption, call = call)
  caption
}

# The layout with the user's caption, if any.
layout_of <- function(x, style = NULL, call = rlang::caller_env()) {
  if (!is.data.frame(x)) {
    vcf_abort(c("{.arg x} must be a {.cls vcf_table} (a data frame).",
                x = "It is {.val {format_arg(x)}}."),
              c("object", "argument"), call = call)
  }
  if (!is.null(style)) check_string(style, choices = p_styles, call = call)
  caption <- attr(x, "caption")
  if (!is.null(caption) && !(is.character(caption) && length(caption) == 1L)) {
    vcf_abort(c("{.arg x} has a malformed caption attribute.",
                x = "It is {.val {format_arg(caption)}}."),
              c("object", "argument"), call = call)
  }
  # A table whose columns were dropped or changed by hand cannot be laid
  # out; say so rather than fail inside the layout.
  layout <- tryCatch(table_layout(x, style = style), error = function(e) {
    if (inherits(e, "vcf_error")) stop(e)
    vcf_abort(c("{.arg x} is not a well-formed {.cls {class(x)[1L]}}.",
                x = conditionMessage(e)),
              c("object", "argument"), call = call)
  })
  if (!is.null(caption)) layout$caption <- caption
  layout
}

# format(): a data frame for knitr::kable() -------------------------------------

#' Render a `vcf_table`: text, markdown, flextable, R Markdown, HTML
#'
#' * `format(x)`: the table as a character data frame in its journal
#'   layout, for `knitr::kable(format(x))`; levels are indented with
#'   non-breaking spaces, footnote marks follow the p-values (as pandoc
#'   superscripts with `markup = "markdown"`), and the footnotes are in
#'   attribute `notes`.
#' * `print(x)`: the table fitted to `getOption("width")`, labels and
#'   numbers side by side (long labels wrap); tables longer than `n` rows
#'   show their first rows and how many more there are.
#' * `flextable::as_flextable(x)`: a formatted flextable with group n in the
#'   headers, indented levels, test footnotes and notes; save it with
#'   `flextable::save_as_docx()`, `save_as_pptx()` or `save_as_html()`.
#' * In R Markdown and Quarto a `vcf_table` renders by itself
#'   (`knitr::knit_print()`): a flextable for HTML and Word output, a
#'   LaTeX table with notes for PDF, markdown otherwise.
#'
#' @param x A `vcf_table` (see [as_vcf_table()]).
#' @param style P-value style (see [vcf_format_p()]); `NULL` for the
#'   table's own.
#' @param markup "plain" or "markdown".
#' @param n Most rows to print in full.
#' @param width Console width.
#' @param ... Unused.
#' @return `format()`: a data frame of text. `print()`: `x`, invisibly.
#'   `as_flextable()`: a flextable.
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' tab <- vcf_table1(cohort, by = vcf_subgroup(cohort))
#' print(tab, width = 60)
#' head(format(tab))
#' if (requireNamespace("flextable", quietly = TRUE)) flextable::as_flextable(tab)
#' @name vcf_table_render
NULL

#' @rdname vcf_table_render
#' @export
format.vcf_table <- function(x, style = NULL, markup = "plain", ...) {
  check_string(markup, choices = c("plain", "markdown"))
  layout <- layout_of(x, style)
  body <- layout$body
  body[, 1] <- paste0(strrep("\u00a0\u00a0\u00a0", layout$indent), body[, 1])
  if (!is.na(layout$mark_col)) {
    marked <- layout$marks != "" & body[, layout$mark_col] != ""
    sup <- if (markup == "markdown") paste0("^", layout$marks, "^") else paste0(" ", layout$marks)
    body[marked, layout$mark_col] <- paste0(body[marked, layout$mark_col], sup[marked])
  }
  out <- as.data.frame(body, stringsAsFactors = FALSE)
  names(out) <- layout$header
  attr(out, "notes") <- layout_notes(layout)
  out
}

layout_notes <- function(layout) {
  c(if (length(layout$footnotes)) paste0(names(layout$footnotes), " ", layout$footnotes),
    layout$notes)
}

# print(): the console ---------------------------------------------------------

#' @rdname vcf_table_render
#' @export
print.vcf_table <- function(x, style = NULL, n = 40L, width = getOption("width"), ...) {
  check_number(n, min = 1, integer = TRUE)
  check_number(width, min = 20, integer = TRUE)
  layout <- layout_of(x, style)
  cat(console_lines(layout, n = n, width = width), sep = "\n")
  invisible(x)
}

console_lines <- function(layout, n, width) {
  body <- layout$body
  total_rows <- nrow(body)
  shown <- if (total_rows > n) seq_len(max(1L, n - 10L)) else seq_len(total_rows)
  if (!is.na(layout$mark_col)) {
    marked <- layout$marks != "" & body[, layout$mark_col] != ""
    body[marked, layout$mark_col] <- paste0(body[marked, layout$mark_col], " ", layout$marks[marked])
  }
  body <- body[shown, , drop = FALSE]
  indent <- layout$indent[shown]
  header <- strsplit(sub(" \\(n = ", "\n(n = ", layout$header), "\n", fixed = TRUE)
  cells <- seq_len(ncol(body))[-1L]
  # Headers wider than their column wrap onto more lines.
  for (j in cells) {
    widest <- max(text_width(body[, j]), 10L)
    header[[j]] <- unlist(lapply(header[[j]], function(h)
      if (text_width(h) > widest) strwrap(h, widest) else h))
  }
  cell_width <- vapply(cells, function(j)
    max(text_width(c(body[, j], header[[j]])), 1L), integer(1))
  label_need <- max(text_width(c(paste0(strrep("  ", indent), body[, 1]), header[[1]])))
  # Columns that do not fit beside a label column of at least 16 characters
  # go to a further panel, each with the labels again.
  panels <- split_panels(cell_width, width - min(label_need, max(16L, width %/% 3L)))
  lines <- strwrap(paste0("<vcf_table>", if (nzchar(layout$caption)) paste0(" ", layout$caption)),
                   width = width, exdent = 2L)
  for (cols in panels) {
    used <- sum(cell_width[cols] + 2L)
    label_width <- max(8L, min(label_need, width - used))
    lines <- c(lines, console_panel(body, header, indent, cols + 1L, cell_width[cols], label_width))
  }
  if (total_rows > length(shown)) {
    lines <- c(lines, paste0("# \u2026 ", total_rows - length(shown), " more rows (print(x, n = ",
                             total_rows, ") shows all)"))
  }
  notes <- layout_notes(layout)
  if (length(notes)) lines <- c(lines, strwrap(notes, width = width, exdent = 2L))
  lines
}

text_width <- function(x) as.integer(nchar(x, type = "width"))

split_panels <- function(widths, room) {
  panels <- list()
  current <- integer()
  used <- 0L
  for (j in seq_along(widths)) {
    if (length(current) && used + widths[j] + 2L > room) {
      panels[[length(panels) + 1L]] <- current
      current <- integer()
      used <- 0L
    }
    current <- c(current, j)
    used <- used + widths[j] + 2L
  }
  c(panels, list(current))
}

pad <- function(x, width, right = FALSE) {
  gap <- pmax(0L, width - text_width(x))
  if (right) paste0(strrep(" ", gap), x) else paste0(x, strrep(" ", gap))
}

console_panel <- function(body, header, indent, cols, widths, label_width) {
  depth <- max(lengths(header[c(1L, cols)]))
  head_lines <- vapply(seq_len(depth), function(k) {
    pieces <- vapply(seq_along(cols), function(i) {
      h <- header[[cols[i]]]
      pad(if (k <= length(h)) h[k] else "", widths[i], right = TRUE)
    }, "")
    first <- if (k <= length(header[[1]])) header[[1]][k] else ""
    paste0(pad(first, label_width), paste0("  ", pieces, collapse = ""))
  }, "")
  rule <- strrep("\u2500", label_width + sum(widths + 2L))
  rows <- unlist(lapply(seq_len(nrow(body)), function(r) {
    prefix <- strrep("  ", indent[r])
    label <- strwrap(body[r, 1], width = max(4L, label_width - nchar(prefix)), exdent = 4L)
    if (!length(label)) label <- ""
    label <- paste0(prefix, label)
    cells <- paste0("  ", vapply(seq_along(cols), function(i) pad(body[r, cols[i]], widths[i], TRUE), ""),
                    collapse = "")
    c(paste0(pad(label[1], label_width), cells), if (length(label) > 1L) label[-1L])
  }))
  c(rule, head_lines, rule, rows, rule)
}

# flextable ---------------------------------------------------------------------

#' @rdname vcf_table_render
#' @exportS3Method flextable::as_flextable
as_flextable.vcf_table <- function(x, style = NULL, ...) {
  rlang::check_installed("flextable", "to render tables with flextable")
  layout_flextable(layout_of(x, style))
}

layout_flextable <- function(layout) {
  body <- as.data.frame(layout$body, stringsAsFactors = FALSE)
  keys <- paste0("c", seq_along(layout$header))
  names(body) <- keys
  ft <- flextable::flextable(body)
  ft <- flextable::set_header_labels(ft, values = stats::setNames(as.list(layout$header), keys))
  ft <- flextable::theme_booktabs(ft)
  # Journal rules: thin black lines above and below the header and at the
  # end of the body, none between rows; compact rows.
  rule <- officer::fp_border(color = "black", width = 0.75)
  ft <- flextable::border_remove(ft)
  ft <- flextable::hline_top(ft, border = rule, part = "header")
  ft <- flextable::hline_bottom(ft, border = rule, part = "header")
  ft <- flextable::hline_bottom(ft, border = rule, part = "body")
  ft <- flextable::padding(ft, padding.top = 1.5, padding.bottom = 1.5, part = "all")
  ft <- flextable::font(ft, fontname = "Arial", part = "all")
  ft <- flextable::fontsize(ft, size = 9, part = "all")
  ft <- flextable::bold(ft, part = "header")
  ft <- flextable::align(ft, j = seq_along(keys)[-1L], align = "center", part = "all")
  ft <- flextable::align(ft, j = 1L, align = "left", part = "all")
  ft <- flextable::valign(ft, valign = "bottom", part = "header")
  for (level in setdiff(unique(layout$indent), 0L)) {
    ft <- flextable::padding(ft, i = which(layout$indent == level), j = 1L,
                             padding.left = 5 + 12 * level)
  }
  marked <- which(layout$marks != "" & !is.na(layout$mark_col) &
                    layout$body[, max(1L, layout$mark_col)] != "")
  for (i in marked) {
    ft <- flextable::compose(ft, i = i, j = layout$mark_col, value = flextable::as_paragraph(
      layout$body[i, layout$mark_col], flextable::as_sup(layout$marks[i])))
  }
  for (k in seq_along(layout$footnotes)) {
    ft <- flextable::add_footer_lines(ft, values = "")
    ft <- flextable::compose(ft, i = k, j = 1L, part = "footer", value = flextable::as_paragraph(
      flextable::as_sup(names(layout$footnotes)[k]), " ", layout$footnotes[[k]]))
  }
  if (length(layout$notes)) ft <- flextable::add_footer_lines(ft, values = layout$notes)
  ft <- flextable::fontsize(ft, size = 8, part = "footer")
  ft <- flextable::padding(ft, padding.top = 0.5, padding.bottom = 0.5, part = "footer")
  ft <- flextable::font(ft, fontname = "Arial", part = "footer")
  if (nzchar(layout$caption)) ft <- flextable::set_caption(ft, caption = layout$caption)
  ft <- flextable::autofit(ft)
  # Let the browser or Word size the columns to the page (fixed widths
  # measured with a substitute font wrap cells needlessly).
  ft <- flextable::set_table_properties(ft, layout = "autofit")
  flextable::fix_border_issues(ft)
}

# knitr --------------------------------------------------------------------------

#' @rdname vcf_table_render
#' @param options Chunk options (from knitr).
#' @exportS3Method knitr::knit_print
knit_print.vcf_table <- function(x, options = NULL, ...) {
  to <- knitr::pandoc_to() %||% ""
  if ((knitr::is_html_output() || to %in% c("docx", "pptx")) &&
      requireNamespace("flextable", quietly = TRUE)) {
    return(knitr::knit_print(as_flextable.vcf_table(x), options = options, ...))
  }
  knit_text_table(x, latex = knitr::is_latex_output())
}

#' @rdname vcf_table_render
#' @exportS3Method knitr::knit_print
knit_print.vcf_reproduction <- function(x, options = NULL, ...) {
  knit_print.vcf_table(as_vcf_table(x), options = options, ...)
}

#' @rdname vcf_table_render
#' @exportS3Method knitr::knit_print
knit_print.vcf_audit <- function(x, options = NULL, ...) {
  knit_print.vcf_table(as_vcf_table(x), options = options, ...)
}

# kable with the caption and the footnotes below (LaTeX or markdown).
knit_text_table <- function(x, latex) {
  table <- format(x, markup = if (latex) "plain" else "markdown")
  layout <- layout_of(x)
  notes <- if (latex) attr(table, "notes") else
    c(if (length(layout$footnotes)) paste0("^", names(layout$footnotes), "^ ", layout$footnotes),
      layout$notes)
  if (latex) {
    escaped <- knitr::kable(table, format = "latex", booktabs = TRUE,
                            caption = layout$caption, align = c("l", rep("c", ncol(table) - 1L)))
    text <- c(escaped, if (length(notes)) paste0("\\begin{flushleft}\\footnotesize ",
                                                 paste(latex_escape(notes), collapse = "\\\\ "),
                                                 "\\end{flushleft}"))
  } else {
    text <- c(knitr::kable(table, format = "pipe", caption = layout$caption,
                           align = c("l", rep("c", ncol(table) - 1L))), "",
              if (length(notes)) paste0(notes, "  "))
  }
  knitr::asis_output(paste(text, collapse = "\n"))
}

latex_escape <- function(x) {
  x <- gsub("([%&#_$])", "\\\\\\1", x)
  x <- gsub("\u03c7\u00b2", "$\\\\chi^2$", x)
  gsub("\u2212", "$-$", x)
}

# HTML ----------------------------------------------------------------------------

#' Write a table as HTML (for the web, or to open in Word)
#'
#' A thin wrapper: renders a `vcf_table` (or a data frame, through
#' [as_vcf_table()]) with `flextable::as_flextable()` as a self-contained
#' HTML table, with group n in the headers, footnotes and caption.
#'
#' @param x A `vcf_table` or data frame.
#' @param file Path to write, or `NULL` to return the HTML as a string.
#' @param caption Optional caption (else the table's own).
#' @return The HTML (invisibly when written to `file`).
#' @examples
#' if (requireNamespace("flextable", quietly = TRUE)) {
#'   html <- vcf_html(data.frame(a = 1:2, b = c("x", "<y>")), caption = "Example")
#'   substr(html, 1, 60)
#' }
#' @export
vcf_html <- function(x, file = NULL, caption = NULL) {
  if (!is.data.frame(x)) {
    vcf_abort("{.arg x} must be a data frame or {.cls vcf_table}.", c("type", "argument"))
  }
  if (!is.null(file)) check_output_file(file)
  if (!is.null(caption)) check_string(caption)
  rlang::check_installed("flextable", "to write HTML tables")
  x <- as_vcf_table(x, caption = caption)
  html <- flextable_html(as_flextable.vcf_table(x))
  if (is.null(file)) return(html)
  write_output_lines(c("<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"></head><body>",
                       html, "</body></html>"), file)
  invisible(html)
}

flextable_html <- function(ft) {
  paste(as.character(flextable::htmltools_value(ft, ft.shadow = FALSE)), collapse = "\n")
}
