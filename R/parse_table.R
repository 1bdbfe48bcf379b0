# vcf_parse_table(): a data frame shaped like a printed table into the
# format of vcf_published(), with every number's role stated, never guessed.

# What the numbers of a cell are, by the format written in the row label
# ("Women, n (%)") or given in `formats`.
table_formats <- list(
  "n (%)" = c("count", "percent"),
  "%" = "percent",
  "n" = "n",
  "count" = "count",
  "mean (SD)" = c("mean", "sd"),
  "mean \u00b1 SD" = c("mean", "sd"),
  "mean (range)" = c("mean", "min", "max"),
  "median (range)" = c("median", "min", "max"),
  "median (IQR)" = c("median", "q1", "q3"),
  "mean" = "mean",
  "median" = "median",
  "coef (95% CI)" = c("coef", "ci_low", "ci_high"),
  "coef" = "coef",
  "t" = "t",
  "p" = "p")

# Formats recognised at the end of a row label, most specific first.
label_formats <- c(
  "n \\(%\\)|no\\.? \\(%\\)|number \\(%\\)" = "n (%)",
  "mean\\s*\\(sd\\)|mean\\s*(\u00b1|\\+/-)\\s*sd" = "mean (SD)",
  "mean\\s*\\(range\\)" = "mean (range)",
  "median\\s*\\((range|min.?max)\\)" = "median (range)",
  "median\\s*\\(iqr\\)" = "median (IQR)",
  "\\(%\\)|%$" = "%",
  "coef[a-z]*\\s*\\(95% ?ci\\)|\\(95% ?ci\\)" = "coef (95% CI)",
  "mean$" = "mean",
  "median$" = "median")

#' Read a printed table into the published-numbers format
#'
#' Turns a data frame shaped like a table in a paper (one column of row
#' labels, one column per printed column, cells as printed: `"49 (77)"`,
#' `"70 (47-88)"` with a hyphen or an en dash, `"3.0 (1.0-4.5)"`, `"6.3"`,
#' `"<.001"`, `".95"`) into
#' the format of [vcf_published()], ready for [vcf_audit()].
#'
#' Every number gets an explicit role. The role of a row's numbers comes from
#' `formats` or from the format written at the end of its label ("Women,
#' n (%)", "Age, mean (SD)", "Stay, median (IQR)", "Cement, median
#' (range)"); a cell holding a different count of numbers than its format,
#' or a row whose format cannot be told, is an error (class
#' `vcf_error_cell` or `vcf_error_format`) naming the row and column: the
#' parser never guesses. A column's n comes from `n`, from its header
#' ("Group A (n = 31)") or from a row labelled "n"; the count of an
#' `n (%)` cell is the numerator, never the denominator. Columns named like
#' "P value" hold p values; a column named "t" (or "F", "chi2", "z") holds
#' test statistics.
#'
#' A number printed with an inequality (`"<.001"`, `"t < 2.2"`) keeps it in
#' the `comparison` column and is checked as an interval; a p printed as
#' `"<.000"` names no possible p and is refused (class `vcf_error_p_bound`).
#'
#' @param df A data frame: the first column holds row labels, the others
#'   the printed cells (character; numbers are taken as printed).
#' @param source Name of the table (the `source` column of the result).
#' @param formats Named character vector: row label -> format, one of
#'   `"n (%)"`, `"%"`, `"n"`, `"count"`, `"mean (SD)"`, `"mean (range)"`,
#'   `"median (range)"`, `"median (IQR)"`, `"mean"`, `"median"`,
#'   `"coef (95% CI)"`, `"coef"`, `"t"`, `"p"`. Overrides the labels.
#' @param n Named numeric vector: column name -> n. Overrides headers and
#'   an "n" row.
#' @return A data frame with the columns of [vcf_published()]: `id`,
#'   `source`, `row`, `column`, `group`, `statistic`, `value`, `reported`,
#'   `digits`, `n` and `comparison`.
#' @examples
#' tab <- data.frame(
#'   characteristic = c("Women, n (%)", "Age, median (range)", "VAS, mean (SD)"),
#'   "Total (n = 64)" = c("49 (77)", "70 (47-88)", "8.7 (1.4)"),
#'   "Group A (n = 31)" = c("24 (77)", "70 (47-88)", "8.2 (1.6)"),
#'   "Group B (n = 33)" = c("25 (76)", "70 (51-88)", "9.1 (1.1)"),
#'   "P value" = c(".9", ".5", ".01"), check.names = FALSE)
#' x <- vcf_parse_table(tab, source = "Table 1")
#' vcf_audit(x)
#' @export
vcf_parse_table <- function(df, source = "Table", formats = NULL, n = NULL) {
  parse_check_input(df, source, formats, n)
  labels <- as.character(df[[1L]])
  columns <- names(df)[-1L]
  col_n <- parse_column_n(df, columns, n)
  is_n_row <- grepl("^\\s*(n|no\\.? of patients|patients,? n|number of patients)\\s*$",
                    labels, ignore.case = TRUE)
  rows <- list()
  for (i in which(!is_n_row)) {
    fmt <- parse_row_format(labels[i], formats, i)
    for (j in seq_along(columns)) {
      text <- as.character(df[[j + 1L]][i])
      rows[[length(rows) + 1L]] <- parse_cell(text, labels[i], columns[j], fmt, col_n[[j]],
                                              source, i, j)
    }
  }
  # The n row itself: sizes are printed numbers too.
  for (j in seq_along(columns)) {
    if (!is.na(col_n[[j]])) {
      rows[[length(rows) + 1L]] <- data.frame(
        id = paste0("n.c", j), source = source, row = "n", column = columns[j], group = NA_character_,
        statistic = "n", value = col_n[[j]], reported = as.character(col_n[[j]]), digits = 0L,
        n = NA_real_, comparison = "=", stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, rows)
  if (is.null(out)) out <- data.frame(id = character(), source = character(), row = character(),
                                      column = character(), group = character(),
                                      statistic = character(), value = numeric(),
                                      reported = character(), digits = integer(), n = numeric(),
                                      comparison = character())
  rownames(out) <- NULL
  out
}

parse_check_input <- function(df, source, formats, n, call = rlang::caller_env()) {
  if (!is.data.frame(df) || ncol(df) < 2L) {
    vcf_abort("{.arg df} must be a data frame with a column of row labels and at least one column of cells.",
              c("type", "input"), call = call)
  }
  check_string(source, call = call)
  if (!is.null(formats)) {
    if (!is.character(formats) || is.null(names(formats))) {
      vcf_abort("{.arg formats} must be a named character vector (row label -> format).",
                c("type", "argument"), call = call)
    }
    bad <- which(!formats %in% names(table_formats))
    if (length(bad)) {
      vcf_abort(c("{.arg formats} names unknown formats.",
                  x = "Not known: {describe_rows(bad, formats[bad])}.",
                  i = "Known: {paste0('\"', names(table_formats), '\"', collapse = ', ')}."),
                c("format", "argument"), call = call)
    }
  }
  if (!is.null(n)) {
    if (!is.numeric(n) || is.null(names(n))) {
      vcf_abort("{.arg n} must be a named numeric vector (column -> n).",
                c("type", "argument"), call = call)
    }
    check_whole(n, "n", min = 1)
  }
  invisible(df)
}

# n per column: argument, else header "(n = 31)", else an "n" row.
parse_column_n <- function(df, columns, n) {
  labels <- as.character(df[[1L]])
  n_row <- which(grepl("^\\s*(n|no\\.? of patients|patients,? n|number of patients)\\s*$",
                       labels, ignore.case = TRUE))
  lapply(seq_along(columns), function(j) {
    if (!is.null(n) && columns[j] %in% names(n)) return(unname(n[[columns[j]]]))
    hit <- regmatches(columns[j], regexec("\\(?\\bn\\s*=\\s*([0-9]+)\\)?", columns[j], ignore.case = TRUE))[[1L]]
    if (length(hit) == 2L) return(as.numeric(hit[2L]))
    if (length(n_row)) {
      v <- suppressWarnings(as.numeric(gsub("[^0-9.]", "", df[[j + 1L]][n_row[1L]])))
      if (!is.na(v)) return(v)
    }
    NA_real_
  })
}

parse_row_format <- function(label, formats, i, call = rlang::caller_env()) {
  if (!is.null(formats) && label %in% names(formats)) return(formats[[label]])
  for (pattern in names(label_formats)) {
    if (grepl(pattern, label, ignore.case = TRUE)) return(label_formats[[pattern]])
  }
  NA_character_
}

# The numbers of a printed cell with their decimals and any inequality:
# "70 (47\u201388)" -> 70, 47, 88; "-4.4 to 1.7" -> -4.4, 1.7; "<.001" -> 0.001 "<".
parse_numbers <- function(text) {
  t <- gsub("\u2212", "-", text)
  t <- gsub("\u2013|\u2014|~|\\bto\\b", " ~ ", t)
  # a hyphen between two numbers separates them ("1.0-4.5")
  t <- gsub("([0-9.])\\s*-\\s*(?=[0-9.])", "\\1 ~ ", t, perl = TRUE)
  cmp <- if (grepl("^\\s*[A-Za-z]*\\s*<", t)) "<" else if (grepl("^\\s*[A-Za-z]*\\s*>", t)) ">" else "="
  hits <- regmatches(t, gregexpr("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)", t))[[1L]]
  digits <- ifelse(grepl("\\.", hits), nchar(sub("^[^.]*\\.", "", hits)), 0L)
  list(value = as.numeric(sub("^(-?)\\.", "\\10.", hits)), digits = as.integer(digits),
       comparison = cmp)
}

parse_cell <- function(text, label, column, fmt, col_n, source, i, j,
                       call = rlang::caller_env()) {
  if (is.na(text) || !nzchar(trimws(text)) || grepl("^\\s*(-|\u2013|NA|n/?a)\\s*$", text, ignore.case = TRUE)) {
    return(NULL)
  }
  nums <- parse_numbers(text)
  if (!length(nums$value)) return(NULL)
  test_col <- c(t = "t", f = "f", chi2 = "chisq", `chi-square` = "chisq", z = "z")[
    tolower(trimws(column))]
  roles <- if (is_p_label(column)) "p" else if (!is.na(test_col)) unname(test_col) else
    if (is.na(fmt)) NULL else table_formats[[fmt]]
  if (is.null(roles)) {
    if (length(nums$value) == 1L && !grepl("[()]", text)) {
      vcf_abort(c("Cannot tell what the number in row {.val {label}}, column {.val {column}} is.",
                  x = "The row label names no format and the cell is {.val {text}}.",
                  i = "Give it, e.g. {.code formats = c(\"{label}\" = \"mean\")}."),
                c("format", "input"), call = call)
    }
    vcf_abort(c("Cannot tell what the numbers in row {.val {label}}, column {.val {column}} are.",
                x = "The row label names no format and the cell is {.val {text}}.",
                i = "Give it, e.g. {.code formats = c(\"{label}\" = \"n (%)\")}: the parser does not guess which number is a count and which a denominator."),
              c("format", "input"), call = call)
  }
  if (length(roles) == 2L && identical(roles, c("count", "percent")) && length(nums$value) == 1L &&
      grepl("%", text)) {
    roles <- "percent"
  }
  if (length(nums$value) != length(roles)) {
    vcf_abort(c("Row {.val {label}}, column {.val {column}}: the cell {.val {text}} holds {length(nums$value)} number{?s}, its format {.val {paste(roles, collapse = ', ')}} {length(roles)}.",
                i = "Correct the cell or give the row's format in {.arg formats}."),
              c("cell", "input"), call = call)
  }
  if (roles[1L] == "p") {
    if ((nums$comparison == "<" && nums$value[1L] <= 0) || (nums$comparison == ">" && nums$value[1L] >= 1)) {
      vcf_abort(c("Row {.val {label}}, column {.val {column}}: {.val {text}} names no possible p value.",
                  i = "A p printed as \"<.000\" is a typesetting error; give the bound the authors meant."),
                c("p_bound", "input"), call = call)
    }
  }
  single <- length(roles) == 1L
  data.frame(id = paste0("r", i, "c", j, ".", roles), source = source, row = label, column = column,
             group = NA_character_, statistic = roles, value = nums$value, reported = text,
             digits = nums$digits,
             n = if (roles[1L] %in% c("p", "t", "f", "chisq", "z")) NA_real_ else col_n,
             comparison = if (single) nums$comparison else "=", stringsAsFactors = FALSE)
}
