# Reading the sheets clinicians keep (.xlsx/.xls through readxl, .csv/.tsv
# through data.table::fread) and shaping wide layouts (one column per visit)
# into the long table vcf_cohort() works on. Every data row keeps the row
# number the spreadsheet shows, so that problems can be reported there.

sheet_extensions <- c("xlsx", "xlsm", "xls", "csv", "tsv", "txt")

is_sheet_path <- function(x) is.character(x) && length(x) == 1L && !is.na(x)

# Reads `path` into list(df, row): `df` the columns under the header (names
# from one or two header rows), `row` the spreadsheet row of each data row.
read_sheet <- function(path, sheet = NULL, header = NULL, name = "data",
                       call = rlang::caller_env()) {
  if (!file.exists(path)) {
    vcf_abort(c("{.arg {name}} is a path, but there is no file {.file {path}}.",
                i = "Give a data frame, or the path of an .xlsx, .xls, .csv or .tsv file."),
              c("file", "argument"), call = call)
  }
  ext <- tolower(regmatches(basename(path), regexpr("[^.]*$", basename(path))))
  if (!grepl(".", basename(path), fixed = TRUE)) ext <- ""
  if (!ext %in% sheet_extensions) {
    vcf_abort(c("{.arg {name}} must be an .xlsx, .xls, .csv or .tsv file.",
                x = "{.file {basename(path)}} has extension {.val {ext}}."),
              c("file", "argument"), call = call)
  }
  cells <- if (ext %in% c("xlsx", "xlsm", "xls")) {
    read_excel_cells(path, sheet, name, call)
  } else {
    if (!is.null(sheet)) {
      vcf_abort("{.arg sheet} applies to .xlsx and .xls files, not to {.file {basename(path)}}.",
                c("sheet", "argument"), call = call)
    }
    read_text_cells(path, ext, call)
  }
  sheet_table(cells, header, path, call)
}

need_package <- function(pkg, what, call) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    vcf_abort(c("Reading {what} needs the {.pkg {pkg}} package.",
                i = "Install it with {.code install.packages(\"{pkg}\")}."),
              c("dependency", "argument"), call = call)
  }
}

# Cells of a spreadsheet as list(value = list of columns of cells, kind =
# character matrix of "empty", "text", "number", "date", "logical").
read_excel_cells <- function(path, sheet, name, call) {
  need_package("readxl", ".xlsx and .xls files", call)
  sheets <- tryCatch(readxl::excel_sheets(path), error = function(e) {
    vcf_abort(c("{.file {basename(path)}} could not be read as a spreadsheet.",
                x = conditionMessage(e)), c("file", "argument"), call = call)
  })
  if (is.null(sheet)) sheet <- sheets[1L]
  ok <- (is.character(sheet) && length(sheet) == 1L && !is.na(sheet) && sheet %in% sheets) ||
    (is.numeric(sheet) && length(sheet) == 1L && !is.na(sheet) && sheet %in% seq_along(sheets))
  if (!ok) {
    vcf_abort(c("{.arg sheet} must name a sheet of {.file {basename(path)}} (or give its number).",
                x = "It is {format_arg(sheet)}.",
                i = "Sheets: {.val {sheets}}."),
              c("sheet", "argument"), call = call)
  }
  # An explicit range starting at A1 keeps leading empty rows, so that row
  # i of the result is row i of the sheet.
  cells <- suppressMessages(readxl::read_excel(
    path, sheet = sheet, col_names = FALSE, col_types = "list",
    range = readxl::cell_limits(c(1L, 1L), c(NA, NA)), .name_repair = "minimal"))
  cols <- lapply(cells, function(col) lapply(col, excel_cell))
  kind <- vapply(cols, function(col) vapply(col, `[[`, "", "kind"), character(nrow(cells)))
  value <- lapply(cols, function(col) lapply(col, `[[`, "value"))
  list(value = value, kind = matrix(kind, nrow = nrow(cells)))
}

excel_cell <- function(x) {
  if (length(x) != 1L || is.na(x)) return(list(kind = "empty", value = NA))
  if (inherits(x, "POSIXct") || inherits(x, "Date")) {
    return(list(kind = "date", value = as.Date(format(x, "%Y-%m-%d"))))
  }
  if (is.logical(x)) return(list(kind = "logical", value = x))
  if (is.numeric(x)) return(list(kind = "number", value = as.double(x)))
  text <- trimws(as.character(x))
  if (!nzchar(text)) return(list(kind = "empty", value = NA))
  list(kind = "text", value = text)
}

read_text_cells <- function(path, ext, call) {
  need_package("data.table", ".csv and .tsv files", call)
  sep <- if (ext == "tsv") "\t" else "auto"
  # Everything as text: numbers stored as text, decimal commas and missing
  # markers are read by the column's own rules later. skip = 0 and
  # blank.lines.skip = FALSE keep line i as row i.
  dt <- tryCatch(
    data.table::fread(path, header = FALSE, colClasses = "character", sep = sep,
                      fill = TRUE, blank.lines.skip = FALSE, skip = 0, na.strings = NULL,
                      strip.white = FALSE, encoding = "UTF-8", showProgress = FALSE),
    error = function(e) {
      vcf_abort(c("{.file {basename(path)}} could not be read as a delimited text file.",
                  x = conditionMessage(e)), c("file", "argument"), call = call)
    },
    warning = function(w) {
      vcf_abort(c("{.file {basename(path)}} could not be read as a delimited text file.",
                  x = conditionMessage(w)), c("file", "argument"), call = call)
    })
  value <- lapply(text_cells_utf8(as.list(dt), path, call), function(col) {
    col <- trimws(col)
    as.list(ifelse(is.na(col) | col == "", NA, col))
  })
  kind <- vapply(value, function(col) ifelse(vapply(col, is.na, TRUE), "empty", "text"),
                 character(nrow(dt)))
  list(value = value, kind = matrix(kind, nrow = nrow(dt)))
}

# Text files are read as UTF-8. Excel on Windows saves CSV in Windows-1252
# (German umlauts, French accents), whose accented letters are not UTF-8:
# such cells are decoded as Windows-1252, with a classed warning saying so.
# Bytes that are neither (a binary file named .csv) are a classed error.
text_cells_utf8 <- function(columns, path, call) {
  bad_cells <- function(col) which(!is.na(col) & !validUTF8(col))
  bad <- lapply(columns, bad_cells)
  if (!any(lengths(bad))) return(columns)
  for (j in which(lengths(bad) > 0L)) {
    decoded <- iconv(columns[[j]][bad[[j]]], from = "CP1252", to = "UTF-8")
    if (anyNA(decoded)) {
      row <- bad[[j]][which(is.na(decoded))[1L]]
      vcf_abort(c("{.file {safe_path(basename(path))}} is not a text file in UTF-8 or Windows-1252.",
                  x = "Row {row}, column {j} holds bytes that are neither.",
                  i = "Save the sheet as CSV (UTF-8), or give the .xlsx file itself."),
                c("file", "argument"), call = call)
    }
    columns[[j]][bad[[j]]] <- decoded
  }
  rows <- sort(unique(unlist(bad)))
  vcf_warn(c("{.file {safe_path(basename(path))}} is not UTF-8: read as Windows-1252 (Excel's CSV on Windows).",
             i = "Decoded cells in {describe_rows(rows)}; check their accents, or save the sheet as CSV (UTF-8)."),
           c("encoding", "input"))
  columns
}

# Finds the header row(s), names the columns and returns the data below.
sheet_table <- function(cells, header, path, call) {
  kind <- cells$kind
  filled <- kind != "empty"
  if (!any(filled)) {
    vcf_abort("{.file {basename(path)}} has no cells.", c("empty", "input"), call = call)
  }
  if (is.null(header)) header <- find_header(kind, cells$value)
  if (!is.numeric(header) || !length(header) || length(header) > 2L || anyNA(header) ||
      any(header < 1) || any(header > nrow(kind)) || any(header != round(header)) ||
      (length(header) == 2L && header[2L] != header[1L] + 1)) {
    vcf_abort(c("{.arg header} must be the spreadsheet row of the column names, or two consecutive rows.",
                x = "It is {format_arg(header)}; the sheet has {nrow(kind)} rows."),
              c("header", "argument"), call = call)
  }
  names <- header_names(cells$value, kind, header)
  body <- seq.int(max(header) + 1L, length.out = max(0L, nrow(kind) - max(header)))
  body <- body[rowSums(filled[body, , drop = FALSE]) > 0L]
  used <- nzchar(names) | colSums(filled[body, , drop = FALSE]) > 0L
  empty_name <- which(used & !nzchar(names))
  names[empty_name] <- paste0("column ", excel_column(empty_name))
  names <- unique_names(names)
  cols <- lapply(which(used), function(j) sheet_column(cells$value[[j]][body], kind[body, j]))
  df <- as.data.frame(stats::setNames(cols, names[used]), stringsAsFactors = FALSE,
                      optional = TRUE)
  names(df) <- names[used]
  if (!nrow(df)) {
    vcf_abort(c("{.file {basename(path)}} has no data rows under its header (row{?s} {header}).",
                i = "For a workbook, choose the sheet that holds the cohort with {.arg sheet}."),
              c("empty", "input"), call = call)
  }
  list(df = df, row = body, header = header)
}

# The header is the first row that fills at least half as many cells as the
# fullest row, with at least two cells, mostly text (title rows above it are
# single merged cells). A second header row follows when the first leaves
# gaps (merged group headers such as "VAS" over "pre", "3m") that the next
# row fills, and the next row holds only text.
find_header <- function(kind, value) {
  n_filled <- rowSums(kind != "empty")
  n_text <- rowSums(kind == "text")
  candidates <- which(n_filled >= max(2L, ceiling(max(n_filled) / 2)) & n_text >= n_filled / 2)
  h <- if (length(candidates)) candidates[1L] else which(n_filled > 0L)[1L]
  if (h < nrow(kind)) {
    this <- kind[h, ] != "empty"
    nxt <- kind[h + 1L, ]
    span <- seq(min(which(this)), ncol(kind))
    gaps <- span[!this[span] & nxt[span] != "empty"]
    next_text <- nxt[nxt != "empty"]
    looks_number <- vapply(value, function(col) {
      v <- col[[h + 1L]]
      !is.na(v) && is.character(v) && grepl("^-?[0-9]+([.,][0-9]+)?$", v)
    }, logical(1L))
    if (length(gaps) && length(next_text) && all(next_text == "text") && !any(looks_number)) {
      h <- c(h, h + 1L)
    }
  }
  h
}

header_names <- function(value, kind, header) {
  text <- function(r) vapply(seq_along(value), function(j) {
    if (kind[r, j] == "empty") "" else cell_label(value[[j]][[r]])
  }, character(1L))
  top <- text(header[1L])
  if (length(header) == 1L) return(clean_name(top))
  bottom <- text(header[2L])
  # A merged group header covers the empty cells to its right.
  group <- top
  for (j in seq_along(group)[-1L]) if (!nzchar(group[j])) group[j] <- group[j - 1L]
  clean_name(ifelse(nzchar(bottom), ifelse(nzchar(group), paste(group, bottom), bottom), top))
}

cell_label <- function(v) {
  if (inherits(v, "Date")) return(format(v))
  if (is.numeric(v)) return(format_number_text(v))
  as.character(v)
}

clean_name <- function(x) trimws(gsub("[[:space:]]+", " ", x))

unique_names <- function(x) {
  seen <- duplicated(x)
  for (i in which(seen)) x[i] <- paste0(x[i], " (", sum(x[seq_len(i)] == x[i]), ")")
  x
}

excel_column <- function(j) {
  vapply(j, function(k) {
    out <- ""
    while (k > 0) {
      out <- paste0(LETTERS[(k - 1L) %% 26L + 1L], out)
      k <- (k - 1L) %/% 26L
    }
    out
  }, character(1L))
}

# One column of cells: numbers, dates or logicals when all its cells are,
# else text (numbers and dates written as text).
sheet_column <- function(cells, kind) {
  present <- kind != "empty"
  kinds <- unique(kind[present])
  if (!length(kinds)) return(rep(NA, length(cells)))
  if (identical(kinds, "number")) {
    return(vapply(cells, function(v) if (is.numeric(v)) v else NA_real_, numeric(1L)))
  }
  if (identical(kinds, "date")) {
    out <- rep(as.Date(NA), length(cells))
    out[present] <- do.call(c, cells[present])
    return(out)
  }
  if (identical(kinds, "logical")) {
    return(vapply(cells, function(v) if (is.logical(v)) v else NA, logical(1L)))
  }
  out <- rep(NA_character_, length(cells))
  out[present] <- vapply(cells[present], function(v) {
    if (is.logical(v)) if (v) "TRUE" else "FALSE" else cell_label(v)
  }, character(1L))
  out
}

# Own (unmapped) columns of a sheet read from a file: yes/no words (in the
# languages logical columns read) become logicals, numbers stored as text
# (decimal comma too) become numbers and dates written as text
# (2020-01-31, 31.01.2020, 31/01/2020) become dates, when every filled cell
# of the column reads so. Date-times become dates everywhere.
guess_column <- function(x, from_file) {
  if (inherits(x, "POSIXt")) return(as.Date(format(x, "%Y-%m-%d")))
  if (!is.character(x)) return(x)
  text <- trimws(x)
  text[tolower(text) %in% na_strings] <- NA
  filled <- !is.na(text)
  if (!any(filled)) return(x)
  date <- parse_date_text(text[filled])
  if (!anyNA(date)) {
    out <- rep(as.Date(NA), length(x))
    out[filled] <- date
    return(out)
  }
  if (from_file) {
    word <- tolower(text[filled])
    if (all(word %in% c(yes_words, no_words)) && !all(word %in% c("0", "1"))) {
      out <- rep(NA, length(x))
      out[filled] <- word %in% yes_words
      return(out)
    }
    num <- parse_number_text(text[filled])
    if (!anyNA(num)) {
      out <- rep(NA_real_, length(x))
      out[filled] <- num
      return(out)
    }
    x <- ifelse(filled, text, NA_character_)
  }
  x
}

parse_date_text <- function(x) {
  out <- rep(as.Date(NA), length(x))
  iso <- grepl("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", x)
  dot <- grepl("^[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{4}$", x)
  out[iso] <- as.Date(x[iso], format = "%Y-%m-%d", optional = TRUE)
  out[dot] <- as.Date(gsub("/", ".", x[dot], fixed = TRUE), format = "%d.%m.%Y", optional = TRUE)
  out
}

# Numbers written as text: "7", " 7.5 ", "7,5" (a decimal comma: one comma
# between digits and no dot). Anything else is NA.
parse_number_text <- function(x) {
  text <- trimws(x)
  comma <- grepl("^[-+]?[0-9]+,[0-9]+$", text)
  text[comma] <- sub(",", ".", text[comma], fixed = TRUE)
  ok <- grepl("^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$", text)
  out <- rep(NA_real_, length(x))
  out[ok] <- as.numeric(text[ok])
  out
}

# Wide layouts ---------------------------------------------------------------

#' Map an outcome recorded in one column per visit
#'
#' In a wide sheet each visit of an outcome has its own column ("VAS pre",
#' "VAS 3m", "VAS 12 mo"). Map such an outcome in [vcf_cohort()] either
#' with a named vector, `vas = c("0" = "VAS pre", "3" = "VAS 3m")` (names
#' are the visits, values the columns), or with `vcf_wide()`: a regular
#' expression matched against the column names whose first capture group
#' is the visit, `vas = vcf_wide("^VAS (.*)$")`. The visit labels are read
#' as described in [vcf_cohort()] (section Visits).
#'
#' @param pattern A regular expression with one capture group.
#' @param ignore.case Match the column names in any case.
#' @return An object of class `vcf_wide`.
#' @seealso [vcf_cohort()]
#' @examples
#' sheet <- data.frame(ID = c("P1", "P2"), Level = c("L1", "Th12"),
#'                     `VAS pre` = c(8, 7), `VAS 3m` = c(3, 2),
#'                     check.names = FALSE)
#' cohort <- vcf_cohort(sheet, patient = "ID", level = "Level",
#'                      vas = vcf_wide("^VAS (.*)$"))
#' cohort$patient_visits
#' @export
vcf_wide <- function(pattern, ignore.case = TRUE) {
  check_string(pattern)
  check_flag(ignore.case)
  ok <- tryCatch({
    grepl(pattern, "", ignore.case = ignore.case)
    TRUE
  }, error = function(e) FALSE, warning = function(w) FALSE)
  if (!ok || !grepl("\\((?!\\?)", pattern, perl = TRUE)) {
    vcf_abort(c("{.arg pattern} must be a regular expression with one capture group, the visit, such as {.code \"^VAS (.*)$\"}.",
                x = "It is {.val {pattern}}."),
              c("pattern", "argument"))
  }
  structure(list(pattern = pattern, ignore.case = ignore.case), class = "vcf_wide")
}

#' @export
print.vcf_wide <- function(x, ...) {
  cat("<vcf_wide> columns matching ", x$pattern, "; the capture is the visit\n", sep = "")
  invisible(x)
}

# Columns of a wide mapping: a named character vector (visit -> column).
wide_columns <- function(spec, var, names, call) {
  if (inherits(spec, "vcf_wide")) {
    m <- regmatches(names, regexec(spec$pattern, names, ignore.case = spec$ignore.case))
    hit <- lengths(m) >= 2L
    if (!any(hit)) {
      shown <- paste0("\"", utils::head(names, 12L), "\"", collapse = ", ")
      vcf_abort(c("{.arg {var}} = vcf_wide({.val {spec$pattern}}) matches no column.",
                  i = "Columns: {shown}{if (length(names) > 12L) ', ...' else ''}."),
                c("missing_column", "input"), call = call)
    }
    visits <- trimws(vapply(m[hit], `[[`, "", 2L))
    return(stats::setNames(names[hit], visits))
  }
  spec
}

# Turns wide columns into long rows. Without a visit column each row
# becomes one row per visit; with one, a wide value goes to the row of the
# same patient, level and visit (a new row when there is none). `source`
# records, per long row, the column each wide value came from.
widen_table <- function(t, wide, long_map, call) {
  df <- t$df
  cols <- lapply(names(wide), function(var) wide_columns(wide[[var]], var, names(df), call))
  names(cols) <- names(wide)
  missing <- setdiff(unlist(cols, use.names = FALSE), names(df))
  if (length(missing)) {
    vcf_abort(c("Mapped columns must be in {.arg data}.",
                x = "Not found: {.val {missing}}."),
              c("missing_column", "input"), call = call)
  }
  clash <- intersect(names(wide), c(names(df)[!names(df) %in% unlist(cols)], long_map))
  if (length(clash)) {
    vcf_abort(c("{.arg data} has a column `{clash[1]}` and columns mapped to `{clash[1]}` per visit.",
                i = "Rename or drop one of them."),
              c("duplicate_column", "input"), call = call)
  }
  used <- unique(unlist(cols, use.names = FALSE))
  base <- df[setdiff(names(df), used)]
  visit_col <- if ("visit" %in% names(long_map)) long_map[["visit"]] else "visit"
  if (visit_col %in% names(base)) {
    return(widen_into_long(t, base, cols, visit_col, long_map, df))
  }
  labels <- unique(unlist(lapply(cols, names), use.names = FALSE))
  n <- nrow(df)
  rows <- rep(seq_len(n), each = length(labels))
  out <- base[rows, , drop = FALSE]
  out[[visit_col]] <- rep(labels, times = n)
  source <- list()
  for (var in names(cols)) {
    col_of_row <- unname(cols[[var]][out[[visit_col]]])
    value <- rep(NA, nrow(out))
    have <- !is.na(col_of_row)
    for (col in unique(col_of_row[have])) {
      at <- which(col_of_row %in% col)
      value <- merge_column(value, at, df[[col]][rows[at]])
    }
    out[[var]] <- value
    source[[var]] <- col_of_row
  }
  rownames(out) <- NULL
  t$df <- out
  t$row <- t$row[rows]
  t$source <- source
  t
}

same_cell <- function(a, b) {
  text <- function(v) if (is.numeric(v)) format_number_text(v) else trimws(as.character(v))
  identical(text(a), text(b))
}

# Values from several columns into one vector (numbers stay numbers, else
# text).
merge_column <- function(value, at, x) {
  if (all(is.na(value)) && !is.character(value) && !inherits(value, "Date")) {
    value <- if (is.numeric(x)) rep(NA_real_, length(value)) else
      if (is.logical(x)) rep(NA, length(value)) else rep(NA_character_, length(value))
  }
  if (is.numeric(value) && !is.numeric(x) || is.logical(value) && !is.logical(x)) {
    value <- ifelse(is.na(value), NA_character_, as.character(value))
  }
  if (is.character(value) && !is.character(x)) {
    x <- if (is.numeric(x)) format_number_text(x) else as.character(x)
  }
  value[at] <- x
  value
}

widen_into_long <- function(t, base, cols, visit_col, long_map, df) {
  key_col <- function(canon) if (canon %in% names(long_map)) long_map[[canon]] else canon
  pcol <- key_col("patient")
  lcol <- key_col("level")
  text <- function(x) if (is.null(x)) rep("", nrow(base)) else trimws(as.character(x))
  row_key <- paste(text(base[[pcol]]), toupper(text(base[[lcol]])),
                   visit_match_key(base[[visit_col]]), sep = "\r")
  out <- base
  out_row <- t$row
  source <- lapply(cols, function(x) rep(NA_character_, nrow(out)))
  for (var in names(cols)) out[[var]] <- rep(NA, nrow(out))
  for (var in names(cols)) {
    for (label in names(cols[[var]])) {
      col <- cols[[var]][[label]]
      x <- df[[col]]
      for (r in which(!is.na(x) & !(is.character(x) & trimws(as.character(x)) == ""))) {
        key <- paste(text(base[[pcol]])[r], toupper(text(base[[lcol]]))[r],
                     visit_match_key(label), sep = "\r")
        target <- match(key, row_key)
        if (is.na(target)) {
          new <- base[r, , drop = FALSE]
          new[] <- lapply(new, function(v) v[NA_integer_])
          new[[pcol]] <- base[[pcol]][r]
          if (!is.null(base[[lcol]])) new[[lcol]] <- base[[lcol]][r]
          new[[visit_col]] <- label
          for (v in names(cols)) new[[v]] <- NA
          out <- rbind(out, new)
          out_row <- c(out_row, t$row[r])
          source <- lapply(source, function(s) c(s, NA_character_))
          row_key <- c(row_key, key)
          target <- length(row_key)
        }
        if (is.na(out[[var]][target])) {
          out[[var]] <- merge_column(out[[var]], target, x[r])
          source[[var]][target] <- col
        } else if (!same_cell(out[[var]][target], x[r])) {
          note_problem(list(name = t$name, row = t$row[r]), 1L, col, x[r],
                       paste0("different from the ", var, " already given for this visit (",
                              cell_text(out[[var]][target]), ")"),
                       "give one value per patient and visit", "inconsistent")
        }
      }
    }
  }
  rownames(out) <- NULL
  t$df <- out
  t$row <- out_row
  t$source <- source
  t
}
