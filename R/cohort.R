# The cohort data model: vcf_cohort() turns a user's long table (or separate
# patient, fracture and visit tables) into a validated `vcf_cohort`, the
# object every table and analysis function works on.

# Canonical variables ----------------------------------------------------------
# Levels are written out here (not taken from utils.R) because this object is
# built when the package is installed, before utils.R is sourced; a test
# checks that they agree with `analgesic_levels` and `bme_class_levels`.

#' Canonical variables of a VCF cohort
#'
#' The variables [vcf_cohort()] knows by name, with their unit of analysis,
#' type, measurement unit, allowed range and accepted spellings. Columns with
#' other names are the user's own: they are kept, and their unit is inferred
#' from where they vary.
#'
#' Units of analysis:
#' * `patient`: one value per patient, repeated on every row of the patient.
#' * `fracture`: one value per patient x vertebral level.
#' * `visit`: one value per patient x level x visit (a fracture at a visit),
#'   and the keys `visit` itself.
#' * `patient_visit`: one value per patient x visit (the same on all of a
#'   patient's fracture rows at that visit), such as pain scores.
#'
#' @format A data frame with one row per canonical variable and columns
#' \describe{
#'   \item{name}{canonical column name.}
#'   \item{unit}{unit of analysis: `"patient"`, `"fracture"`, `"visit"` or
#'     `"patient_visit"`.}
#'   \item{type}{type in the cohort: `"character"`, `"numeric"`,
#'     `"integer"`, `"logical"`, `"factor"` or `"ordered"`.}
#'   \item{measure}{measurement unit (`"years"`, `"months"`, `"%"`, ...), or
#'     `""`.}
#'   \item{min, max}{allowed range of numeric variables (inclusive), `NA`
#'     for others.}
#'   \item{values}{the values of factors and the spellings accepted on input.}
#'   \item{description}{what the variable records.}
#' }
#' @seealso [vcf_cohort()]
#' @examples
#' vcf_variables[, c("name", "unit", "type", "min", "max")]
#' @export
vcf_variables <- data.frame(
  name = c("patient", "age", "sex", "new_vcf", "pain_other_level",
           "level", "treated", "procedure", "fracture_age", "shape",
           "genant_grade", "cement", "cement_ml",
           "visit", "month", "bme_pct", "bme_class", "height_pct", "bright_rim",
           "vas", "analgesic", "odi"),
  unit = c(rep("patient", 5L), rep("fracture", 8L), "visit", "patient_visit",
           rep("visit", 4L), rep("patient_visit", 3L)),
  type = c("character", "numeric", "factor", "logical", "logical",
           "ordered", "logical", "factor", "numeric", "factor",
           "integer", "character", "numeric",
           "ordered", "numeric", "numeric", "ordered", "numeric", "logical",
           "numeric", "ordered", "numeric"),
  measure = c("", "years", "", "", "",
              "", "", "", "months", "",
              "grade", "", "mL",
              "", "months", "%", "", "%", "",
              "points", "", "%"),
  min = c(NA, 0, NA, NA, NA,
          NA, NA, NA, 0, NA,
          0, NA, 0,
          NA, 0, 0, NA, 0, NA,
          0, NA, 0),
  max = c(NA, 120, NA, NA, NA,
          NA, NA, NA, Inf, NA,
          3, NA, Inf,
          NA, Inf, 100, NA, 200, NA,
          10, NA, 100),
  values = c(
    "any identifier (numbers become text)",
    "",
    "female, male (also F/M, woman/man, w (weiblich), v (vrouw); any case)",
    "TRUE/FALSE (also yes/no, y/n, 1/0, ja/nein, ja/nee)",
    "TRUE/FALSE (also yes/no, y/n, 1/0, ja/nein, ja/nee)",
    "C1-C7, T1-T13, L1-L6 (also t12, Th12, VerSe codes 1-25 and 28)",
    "TRUE/FALSE (also yes/no, y/n, 1/0, ja/nein, ja/nee)",
    "PV, BKP (also VP, KP, vertebroplasty, kyphoplasty)",
    "",
    "wedge, biconcave, crush",
    "0 none, 1 mild, 2 moderate, 3 severe",
    "any text",
    "",
    "ordered factor, numbers, or labels such as baseline, 3 mo, 12 months",
    "",
    "",
    "none < minor < moderate < severe (or codes 0-3)",
    "",
    "TRUE/FALSE (also yes/no, y/n, 1/0, ja/nein, ja/nee)",
    "",
    "none < paracetamol < NSAID < opiate (also no, acetaminophen, opioid; or codes 0-3)",
    ""),
  description = c(
    "patient identifier (key)",
    "age at treatment",
    "sex",
    "new vertebral compression fracture during follow-up",
    "pain at another, untreated level during follow-up",
    "vertebral level of the fracture (key)",
    "fracture treated by PV or BKP",
    "procedure: percutaneous vertebroplasty or balloon kyphoplasty",
    "age of the fracture at treatment",
    "fracture shape",
    "Genant semiquantitative grade",
    "cement product or type",
    "cement volume injected",
    "visit (key)",
    "months since treatment (0 at baseline)",
    "bone marrow edema extent, % of the vertebral body volume excluding cement",
    "BME class as vcf_bme_class(); derived from bme_pct when absent",
    "vertebral body height, %",
    "bright rim sign around the cement",
    "pain on a visual analogue scale",
    "strongest analgesic class taken",
    "Oswestry disability index"),
  stringsAsFactors = FALSE
)

cohort_unit_names <- c("patient", "fracture", "visit", "patient_visit")

# How each unit reads in messages and printed output.
unit_label <- function(unit) {
  c(patient = "patient", fracture = "patient x level",
    visit = "patient x level x visit", patient_visit = "patient x visit")[unit]
}

# Accepted spellings of the factor-like canonical variables, normalized by
# norm_text(); `codes` are the integer codes 0, 1, ... of the levels, where
# numbers are accepted.
choice_spec <- function(name) {
  switch(name,
    sex = list(levels = c("female", "male"), ordered = FALSE, codes = FALSE,
               also = c("F", "M", "woman", "man", "w", "v"),
               dict = c(f = "female", female = "female", woman = "female",
                        women = "female", w = "female", weiblich = "female",
                        frau = "female", v = "female", vrouw = "female",
                        m = "male", male = "male", man = "male", men = "male",
                        mann = "male", maennlich = "male", "m\u00e4nnlich" = "male")),
    procedure = list(levels = c("PV", "BKP"), ordered = FALSE, codes = FALSE,
                     also = c("VP", "KP", "vertebroplasty", "kyphoplasty",
                              "balloon kyphoplasty"),
                     dict = c(pv = "PV", vp = "PV", vertebroplasty = "PV",
                              percutaneousvertebroplasty = "PV",
                              bkp = "BKP", kp = "BKP", kyphoplasty = "BKP",
                              balloonkyphoplasty = "BKP")),
    shape = list(levels = c("wedge", "biconcave", "crush"), ordered = FALSE,
                 codes = FALSE, also = character(),
                 dict = c(wedge = "wedge", biconcave = "biconcave",
                          crush = "crush")),
    analgesic = list(levels = analgesic_levels, ordered = TRUE, codes = TRUE,
                     also = c("no", "acetaminophen", "NSAIDs", "opioid"),
                     dict = c(none = "none", no = "none",
                              paracetamol = "paracetamol",
                              acetaminophen = "paracetamol",
                              nsaid = "NSAID", nsaids = "NSAID",
                              opiate = "opiate", opiates = "opiate",
                              opioid = "opiate", opioids = "opiate")),
    bme_class = list(levels = bme_class_levels, ordered = TRUE, codes = TRUE,
                     also = character(),
                     dict = stats::setNames(bme_class_levels, bme_class_levels)))
}

# Text read as a missing value in every column of a sheet (after trimming,
# any case).
na_strings <- c("", "na", "n/a", "n.a.", "n.a", "nan", ".", "-", "--", "?", "??",
                "unknown", "missing")

# Yes/no spellings read by logical columns (English, German, Dutch, French).
yes_words <- c("true", "t", "yes", "y", "1", "ja", "j", "oui")
no_words <- c("false", "f", "no", "n", "0", "nein", "nee", "non")

norm_text <- function(x) gsub("[[:space:]_.-]+", "", tolower(x))

#' Build a validated VCF cohort
#'
#' `vcf_cohort()` turns a spreadsheet or a table with one row per patient x
#' fracture level x visit, one row per patient or fracture with one column
#' per visit, or separate patient, fracture and visit tables, into a
#' `vcf_cohort` object: the data every table, figure and analysis of the
#' package works on. It checks the whole sheet first and reports every
#' problem at once, with the row the spreadsheet shows.
#'
#' @section Files:
#' `data` may be the path of an `.xlsx`/`.xls` file (read with the
#' \pkg{readxl} package; choose the sheet with `sheet`) or a `.csv`/`.tsv`
#' file (read with \pkg{data.table}'s `fread()`; comma, semicolon or tab
#' separated, decimal point or comma; UTF-8, or Windows-1252 as Excel saves
#' CSV on Windows, read with a `vcf_warning_encoding`). The header is found automatically:
#' the first row that fills at least half as many cells as the fullest row,
#' mostly with text, so merged title rows above it are skipped. When it
#' leaves gaps under merged group headers ("VAS" over "pre", "3m") that the
#' next row fills with text, the two rows are joined ("VAS pre", "VAS 3m").
#' Give `header` (the spreadsheet row, or two consecutive rows) when the
#' guess is wrong. Row numbers in messages are the spreadsheet's own; for a
#' data frame they are its row numbers.
#'
#' @section Wide sheets:
#' An outcome recorded in one column per visit is mapped with a named
#' vector, `vas = c("0" = "VAS pre", "3" = "VAS 3m")`, or with
#' [vcf_wide()], `vas = vcf_wide("^VAS (.*)$")`, whose capture is the
#' visit. Without a `visit` column, each row (a patient, or a patient's
#' fracture with `level`) becomes one row per visit. With a `visit` column
#' (long and wide mixed), each wide value goes to the row of the same
#' patient, level and visit, matched by the visit's month where the label
#' gives one ("3m" and "3 months" match) or else by its text; rows are added
#' where there is none.
#'
#' @section Canonical variables:
#' The canonical variables, with their unit, type, measurement unit, range
#' and accepted spellings, are listed in [vcf_variables]. In short:
#' * patient: `patient` (key), `age` (years, 0-120), `sex` (female/male),
#'   `new_vcf`, `pain_other_level` (logical);
#' * fracture: `level` (key; "T12", "t12", "Th12", "L1" or VerSe codes),
#'   `treated` (logical), `procedure` (PV/BKP), `fracture_age` (months, >= 0),
#'   `shape` (wedge/biconcave/crush), `genant_grade` (0-3), `cement` (text),
#'   `cement_ml` (mL, >= 0);
#' * visit: `visit` (key), `month` (months since treatment, >= 0, one value
#'   per patient x visit);
#' * fracture x visit: `bme_pct` (0-100), `bme_class` (none < minor <
#'   moderate < severe), `height_pct` (0-200), `bright_rim` (logical);
#' * patient x visit: `vas` (0-10), `analgesic` (none < paracetamol < NSAID <
#'   opiate, or codes 0-3), `odi` (0-100).
#'
#' @section Cell values:
#' Every cell is trimmed of leading and trailing spaces. `""`, `"NA"`,
#' `"N/A"`, `"n.a."`, `"NaN"`, `"."`, `"-"`, `"--"`, `"?"`, `"unknown"` and
#' `"missing"` (any case) are missing values. Numeric columns read numbers
#' and numbers stored as text, with a decimal point or a decimal comma
#' (`"7,5"` is 7.5); a range such as `"7-8"` is reported (enter one number),
#' as is any other text. Logical columns read TRUE/FALSE, yes/no, y/n, 1/0
#' and ja/nein (German), ja/nee (Dutch), oui/non, in any case. `sex` reads
#' f/m, female/male, woman/man, w (weiblich), v (vrouw). `level` reads
#' "T12", "Th12", "Th 12", "D12" and VerSe codes; a cell naming two levels
#' ("L1/L2") is reported: give each fracture its own row. Own columns that
#' hold only dates (date cells, or text such as 2020-01-31 or 31.01.2020)
#' become dates; from files, own columns that hold only numbers (as text
#' too) become numbers and only yes/no words become logical.
#'
#' @section The user's own columns:
#' Columns that are not canonical are kept. They are analysed by
#' [vcf_analyze()] only when listed in `extra`; dates and free text are never
#' tabulated. Their unit is inferred from where they vary, ignoring missing
#' values: constant within each patient gives `patient`; else constant within
#' each patient x level gives `fracture`; else constant within each patient x
#' visit gives `patient_visit`; else `visit`. Columns of the `patients` and
#' `fractures` tables have the unit of their table. `$columns` records every
#' column's unit and whether it is analysed. When every patient has one
#' fracture, fracture-level columns are inferred as patient-level, which
#' describes the same data.
#'
#' @section Visits:
#' The visit order comes from, in this order of preference:
#' 1. `visits`: the labels in order, `visits = c("pre", "FU1", "final")`, or
#'    their months, `visits = c(pre = 0, FU1 = 3, final = 12)` (which also
#'    gives `month`);
#' 2. an ordered factor: its level order;
#' 3. numbers (or numeric text such as "0", "3"): numeric order; they give
#'    no month, as they may be visit numbers;
#' 4. a `month` column: the median month of each visit (ties broken by the
#'    labels as in 5);
#' 5. labels with a time: "0", "pre", "pre-op", "baseline", "before",
#'    "screening" and "admission" are month 0; a number with a unit is read
#'    in months: "2 d" (days / 30.4375), "6 weeks" (weeks x 7 / 30.4375),
#'    "3m", "3 months", "12 mo", "month 6", "M6", "1 y" (years x 12), also
#'    German and Dutch units; "post" or "post-op" alone comes right after
#'    month 0, with no month.
#'
#' Labels that none of these can place ("final", "FU1") are reported, with
#' the `visits =` call that would order them. When `month` is absent and
#' some visit label states a time after baseline, `month` is derived from the
#' labels (missing for the visits whose label has none). When `visit` is
#' absent and each fracture has a single row, the cohort has one visit,
#' `"baseline"`. The first visit is the baseline: every fracture needs a row
#' there (outcomes may be missing).
#'
#' @section Problems:
#' Problems in the cells (unreadable values, values out of range, missing or
#' repeated keys, values that differ where they must agree, visits that
#' cannot be ordered, fractures without a baseline row) are collected over
#' the whole sheet and raised once, as an error of class
#' `vcf_error_cohort`, `vcf_error_input`, `vcf_error` and one class per kind
#' of problem found (`vcf_error_type`, `vcf_error_range`,
#' `vcf_error_unknown_value`, `vcf_error_unknown_level`,
#' `vcf_error_missing_key`, `vcf_error_duplicate_key`,
#' `vcf_error_inconsistent`, `vcf_error_visit_order`,
#' `vcf_error_no_baseline`, `vcf_error_unmatched_key`,
#' `vcf_error_bme_class`). Its message lists the first 20 problems, each
#' with its row, column, value and fix; `cnd$problems` is a data frame of all
#' of them (`table`, `row`, `column`, `value`, `problem`, `fix`, `kind`) that
#' a script can write to a file. Problems with the call itself (a mapping
#' naming a column that does not exist, a file that cannot be read) are
#' raised at once, with class `vcf_error_argument` or `vcf_error_input` and
#' a specific subclass (`vcf_error_unknown_variable`,
#' `vcf_error_missing_column`, `vcf_error_duplicate_column`,
#' `vcf_error_wrong_table`, `vcf_error_empty`, `vcf_error_file`,
#' `vcf_error_sheet`, `vcf_error_header`, `vcf_error_visits`,
#' `vcf_error_dependency`).
#'
#' Legal but suspicious data gives warnings of class `vcf_warning`,
#' `vcf_warning_suspicious` and one of `vcf_warning_bme_return` (BME above 0
#' after it had resolved to 0 in the same fracture),
#' `vcf_warning_no_baseline_bme` (a treated fracture without BME at
#' baseline) and `vcf_warning_month_order` (months that decrease along the
#' visit order within a patient).
#'
#' Missing outcomes are allowed; `summary()` shows their completeness per
#' visit and variable.
#'
#' @param data A data frame, tibble or data.table, or the path of an .xlsx,
#'   .xls, .csv or .tsv file: the long table (one row per patient x fracture
#'   level x visit, with patient- and fracture-level columns repeated or
#'   given on some rows only), or a wide one (see Wide sheets). With
#'   `patients` or `fractures`, the visit table.
#' @param ... Column mapping, `canonical = "user column"`, such as
#'   `patient = "Study ID", vas = "VAS_score"`; for an outcome with one
#'   column per visit, a named vector `vas = c("0" = "VAS pre", "3" = "VAS
#'   3m")` or `vas = vcf_wide("^VAS (.*)$")`. It applies to all tables.
#' @param patients Optional table (or file) with one row per patient:
#'   `patient` and patient-level columns.
#' @param fractures Optional table (or file) with one row per fracture:
#'   `patient`, `level` and fracture-level (or patient-level) columns.
#'   Fractures with no row in `data` get a row at the first visit with
#'   missing outcomes.
#' @param sheet For an .xlsx/.xls `data`: the sheet's name or number
#'   (default the first).
#' @param header For a file `data`: the spreadsheet row of the column names,
#'   or two consecutive rows; `NULL` finds it.
#' @param visits `NULL`, the visit labels in order, or months named by visit
#'   label (see Visits).
#' @param extra Names of own columns to analyse in [vcf_analyze()] (Table 1
#'   and findings), such as `c("diabetes", "smoker")`.
#' @return An object of class `vcf_cohort`, a list with
#'   * `patients`: one row per patient, `patient` and patient-level columns;
#'   * `fractures`: one row per fracture, `patient`, `level` (ordered factor
#'     as [vcf_level()]) and fracture-level columns;
#'   * `visits`: one row per patient x level x visit, `patient`, `level`,
#'     `visit` (ordered factor), `month` and fracture x visit columns;
#'   * `patient_visits`: one row per patient x visit, `patient`, `visit`,
#'     `month` and patient x visit columns;
#'   * `visit_levels`: the visits in order;
#'   * `columns`: a data frame with the `name`, `unit`, whether `canonical`,
#'     `source` (the user's column name; `NA` when derived; for a wide
#'     outcome its columns joined by ", ") and whether `analysed` of every
#'     column.
#'
#'   Rows are sorted by patient (numbers in identifiers in numeric order),
#'   level and visit. Absent canonical columns stay absent.
#' @seealso [vcf_variables], [vcf_wide()], [vcf_level()], [vcf_bme_class()],
#'   [vcf_analyze()]
#' @examples
#' df <- data.frame(
#'   id = c("P1", "P1", "P1", "P2", "P2"),
#'   level = c("T12", "T12", "L1", "Th11", "Th11"),
#'   visit = c("baseline", "3 mo", "baseline", "baseline", "3 mo"),
#'   age = c(71, 71, 71, 64, 64),
#'   treated = c(TRUE, TRUE, FALSE, TRUE, TRUE),
#'   bme_pct = c(40, 10, NA, 80, 0),
#'   VAS_score = c(8, 3, 8, 7, 2),
#'   bmi = c(24.1, 24.1, 24.1, 30.2, 30.2)
#' )
#' cohort <- vcf_cohort(df, patient = "id", vas = "VAS_score", extra = "bmi")
#' cohort
#' summary(cohort)
#' cohort$columns
#'
#' # A wide sheet from a file, every problem reported at once
#' path <- system.file("extdata", "example_cohort.xlsx", package = "vcfoutcomes")
#' if (requireNamespace("readxl", quietly = TRUE)) {
#'   wide <- vcf_cohort(path, patient = "Patient", level = "Level",
#'                      vas = vcf_wide("^VAS (.*)$"), odi = vcf_wide("^ODI (.*)$"))
#'   wide
#' }
#' @export
vcf_cohort <- function(data, ..., patients = NULL, fractures = NULL, sheet = NULL,
                       header = NULL, visits = NULL, extra = NULL) {
  call <- rlang::current_env()
  if (is.null(data)) cohort_input_table(data, "data", NULL, NULL, call)
  map <- cohort_mapping(list(...), call)
  user_visits <- check_visits_arg(visits, call)
  if (!is.null(sheet) && !is_sheet_path(data)) {
    vcf_abort("{.arg sheet} applies when {.arg data} is the path of an .xlsx or .xls file.",
              c("sheet", "argument"), call = call)
  }
  if (!is.null(header) && !is_sheet_path(data)) {
    vcf_abort("{.arg header} applies when {.arg data} is the path of a file.",
              c("header", "argument"), call = call)
  }
  input <- list(data = data, patients = patients, fractures = fractures)
  input <- input[!vapply(input, is.null, logical(1L))]
  tabs <- lapply(names(input), function(nm) {
    cohort_input_table(input[[nm]], nm, if (nm == "data") sheet, if (nm == "data") header, call)
  })
  names(tabs) <- names(input)
  extra <- check_extra(extra, tabs, call)

  problems_start(tabs)
  on.exit(problems_stop(), add = TRUE)
  if (length(map$wide)) tabs$data <- widen_table(tabs$data, map$wide, map$long, call)
  tabs <- cohort_rename(tabs, map$long, call)
  check_table_columns(tabs, map$long, call)
  tabs <- lapply(tabs, cohort_own_types)
  tabs <- lapply(tabs, cohort_table_keys, map = map$long, call = call)
  tabs <- lapply(tabs, cohort_coerce, map = map$long)
  tabs <- lapply(tabs, function(t) table_subset(t, !is.na(t$patient) & !is_missing_level(t)))
  visit <- cohort_visit_key(tabs$data, map$long, user_visits, call)
  tabs$data <- table_subset(visit$table, !is.na(visit$table$visit))
  visit$month <- if (!is.null(visit$month)) visit$month[!is.na(visit$table$visit)]
  for (nm in names(tabs)) tabs[[nm]] <- cohort_check_table(tabs[[nm]], map$long)
  tabs <- cohort_match_tables(tabs)
  if (problems_found()) {
    # Build what can be built, to find the problems that need the cohort,
    # then report everything.
    cohort <- tryCatch(cohort_build(tabs, visit, map, extra), error = function(e) NULL)
    if (!is.null(cohort)) cohort_bme_class(cohort, tabs$data, map$long)
    problems_raise(call)
  }
  cohort <- cohort_build(tabs, visit, map, extra)
  cohort <- cohort_bme_class(cohort, tabs$data, map$long)
  problems_raise(call)
  cohort_suspicious(cohort, tabs$data)
  cohort
}

# Problems ---------------------------------------------------------------------
# Cell problems found during one vcf_cohort() call are collected here and
# raised together by problems_raise().

problem_log <- new.env(parent = emptyenv())
problem_limit <- 20L

problems_start <- function(tabs) {
  problem_log$items <- list()
  problem_log$columns <- unique(unlist(lapply(tabs, function(t) names(t$df))))
}

problems_stop <- function() {
  problem_log$items <- list()
  problem_log$columns <- NULL
}

problems_found <- function() length(problem_log$items) > 0L

# Notes problems at positions `at` of table `t` (one per position).
# `column` is one name, or one per row of `t` (wide outcomes); `value`,
# `problem` and `fix` are one, or one per position.
note_problem <- function(t, at, column, value, problem, fix, kind) {
  if (!length(at)) return(invisible())
  n <- length(at)
  if (length(column) > 1L) column <- column[at]
  problem_log$items[[length(problem_log$items) + 1L]] <- data.frame(
    table = t$name, row = as.integer(t$row[at]), column = rep_len(as.character(column), n),
    value = rep_len(cell_text(value), n), problem = rep_len(problem, n),
    fix = rep_len(fix, n), kind = rep_len(kind, n), stringsAsFactors = FALSE)
  invisible()
}

cell_text <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  text <- if (is.numeric(x)) format_number_text(x) else as.character(x)
  ifelse(is.na(text), "empty", paste0("\"", text, "\""))
}

problems_raise <- function(call) {
  if (!problems_found()) return(invisible())
  p <- do.call(rbind, problem_log$items)
  col_at <- match(p$column, problem_log$columns)
  p <- p[order(match(p$table, c("data", "fractures", "patients")), is.na(p$row), p$row,
               col_at, method = "radix"), , drop = FALSE]
  # A cell of a wide sheet feeds several long rows: report it once.
  p <- p[!duplicated(p[c("table", "row", "column", "value", "problem")]), , drop = FALSE]
  rownames(p) <- NULL
  n <- nrow(p)
  shown <- utils::head(p, problem_limit)
  where <- ifelse(is.na(shown$row), "Column", paste0("Row ", shown$row, ","))
  where <- ifelse(shown$table == "data", where,
                  paste0("`", shown$table, "` ", tolower(substr(where, 1L, 1L)),
                         substring(where, 2L)))
  lines <- paste0(where, " `", shown$column, "`: ", shown$value, " is ", shown$problem,
                  ". Fix: ", shown$fix, ".")
  lines <- gsub("([{}])", "\\1\\1", lines)
  more <- if (n > problem_limit) {
    c(i = paste0("... and ", n - problem_limit, " more; all ", n,
                 " are in the condition's `problems` data frame."))
  } else {
    c(i = "All problems are in the condition's `problems` data frame.")
  }
  kinds <- unique(p$kind)
  head_line <- paste0("The sheet has ", n, " problem", if (n > 1L) "s",
                      "; fix ", if (n > 1L) "them" else "it", ", then call vcf_cohort() again.")
  vcf_abort(c(head_line, stats::setNames(lines, rep("x", length(lines))), more),
            c("cohort", kinds, "input"), problems = p, call = call)
}

# Arguments and input tables ----------------------------------------------------

# `...` as list(long = c(canonical = "column"), wide = list(canonical =
# c(visit = "column") or a vcf_wide)).
cohort_mapping <- function(dots, call) {
  empty <- list(long = character(), wide = list())
  if (!length(dots)) return(empty)
  nms <- names(dots)
  if (is.null(nms) || any(nms == "")) {
    unnamed <- if (is.null(nms)) seq_along(dots) else which(nms == "")
    vcf_abort(c("Every argument in {.arg ...} must be named: canonical = \"user column\".",
                x = "Argument{?s} {unnamed} {?is/are} unnamed."),
              c("unknown_variable", "argument"), call = call)
  }
  unknown <- setdiff(nms, vcf_variables$name)
  if (length(unknown)) {
    known <- paste(vcf_variables$name, collapse = ", ")
    vcf_abort(c("{.arg ...} maps canonical variables to your columns, and {.val {unknown}} {?is not a canonical variable/are not canonical variables}.",
                i = "Canonical variables: {known}.",
                i = "Your own columns need no mapping: they are kept as they are (list those to analyse in {.arg extra})."),
              c("unknown_variable", "argument"), call = call)
  }
  if (anyDuplicated(nms)) {
    vcf_abort(c("Each canonical variable can be mapped once.",
                x = "Mapped more than once: {.val {unique(nms[duplicated(nms)])}}."),
              c("duplicate_column", "argument"), call = call)
  }
  is_wide <- vapply(dots, function(v) inherits(v, "vcf_wide") ||
                      (is.character(v) && !is.null(names(v))), logical(1L))
  ok <- vapply(seq_along(dots), function(i) {
    v <- dots[[i]]
    if (inherits(v, "vcf_wide")) return(TRUE)
    if (!is.character(v) || !length(v) || anyNA(v) || any(!nzchar(v))) return(FALSE)
    if (!is_wide[i]) return(length(v) == 1L)
    all(nzchar(trimws(names(v)))) && !anyDuplicated(v) && !anyDuplicated(names(v))
  }, logical(1L))
  if (!all(ok)) {
    bad <- nms[!ok]
    vcf_abort(c("Each mapping in {.arg ...} must be a single column name (a string), a vector naming one column per visit, {.code c(\"0\" = \"VAS pre\", \"3\" = \"VAS 3m\")}, or {.code vcf_wide(\"^VAS (.*)$\")}.",
                x = "Not such a mapping for {.val {bad}}."),
              c("type", "argument"), call = call)
  }
  keys_wide <- intersect(nms[is_wide], c("patient", "level", "visit", "month"))
  if (length(keys_wide)) {
    vcf_abort(c("{.val {keys_wide}} cannot be mapped per visit: map {?it/them} to one column.",
                i = "Outcomes such as vas, odi, bme_pct or height_pct can have one column per visit."),
              c("type", "argument"), call = call)
  }
  long <- unlist(dots[!is_wide])
  if (is.null(long)) long <- character()
  all_cols <- c(long, unlist(lapply(dots[is_wide], function(v) if (is.character(v)) unname(v))))
  if (anyDuplicated(all_cols)) {
    twice <- unique(all_cols[duplicated(all_cols)])
    owners <- nms[vapply(dots, function(v) is.character(v) && any(v %in% twice), logical(1L))]
    vcf_abort(c("Each column can be mapped to one canonical variable.",
                x = "Column {.val {twice}} is mapped to {.val {owners}}."),
              c("duplicate_column", "argument"), call = call)
  }
  list(long = long, wide = dots[is_wide])
}

cohort_input_table <- function(x, name, sheet, header, call) {
  if (is_sheet_path(x)) {
    read <- read_sheet(x, sheet, header, name, call)
    return(list(name = name, df = read$df, row = read$row, from_file = TRUE))
  }
  if (!is.data.frame(x)) {
    what <- format_arg(x)
    vcf_abort(c("{.arg {name}} must be a data frame, tibble or data.table, or the path of an .xlsx, .xls, .csv or .tsv file.",
                x = "It is {what}."),
              c("type", "argument"), call = call)
  }
  nms <- names(x)
  x <- as.data.frame(x, stringsAsFactors = FALSE, optional = TRUE)
  names(x) <- nms
  rownames(x) <- NULL
  if (nrow(x) == 0L) {
    vcf_abort("{.arg {name}} has no rows.", c("empty", "input"), call = call)
  }
  if (anyDuplicated(nms)) {
    vcf_abort(c("Column names of {.arg {name}} must be unique.",
                x = "Repeated: {.val {unique(nms[duplicated(nms)])}}."),
              c("duplicate_column", "input"), call = call)
  }
  list(name = name, df = x, row = seq_len(nrow(x)), from_file = FALSE)
}

check_extra <- function(extra, tabs, call) {
  if (is.null(extra)) return(character())
  if (!is.character(extra) || anyNA(extra)) {
    vcf_abort(c("{.arg extra} must name your own columns to analyse, e.g. {.code extra = c(\"diabetes\", \"smoker\")}.",
                x = "It is {format_arg(extra)}."),
              c("type", "argument"), call = call)
  }
  have <- unique(unlist(lapply(tabs, function(t) names(t$df))))
  missing <- setdiff(extra, have)
  if (length(missing)) {
    shown <- paste0("\"", utils::head(have, 12L), "\"", collapse = ", ")
    vcf_abort(c("{.arg extra} names column{?s} not in the data: {.val {missing}}.",
                i = "Columns: {shown}{if (length(have) > 12L) ', ...' else ''}."),
              c("missing_column", "argument"), call = call)
  }
  unique(extra)
}

# Own columns: dates become dates; from files, numbers and yes/no words
# stored as text become numbers and logicals.
cohort_own_types <- function(t) {
  for (nm in setdiff(names(t$df), vcf_variables$name)) {
    t$df[[nm]] <- guess_column(t$df[[nm]], isTRUE(t$from_file))
  }
  t
}

table_subset <- function(t, keep) {
  keep <- which(keep)
  if (length(keep) == length(t$row)) return(t)
  t$df <- t$df[keep, , drop = FALSE]
  rownames(t$df) <- NULL
  for (f in c("row", "patient", "level", "visit", "added")) {
    if (!is.null(t[[f]])) t[[f]] <- t[[f]][keep]
  }
  if (!is.null(t$source)) t$source <- lapply(t$source, function(s) s[keep])
  t
}

is_missing_level <- function(t) {
  if (is.null(t$level)) rep(FALSE, length(t$row)) else is.na(t$level)
}

cohort_rename <- function(tabs, map, call) {
  found <- vapply(map, function(col) any(vapply(tabs, function(t) col %in% names(t$df),
                                                logical(1L))), logical(1L))
  if (!all(found)) {
    missing <- map[!found]
    have <- unique(unlist(lapply(tabs, function(t) names(t$df))))
    shown <- paste0("\"", utils::head(have, 12L), "\"", collapse = ", ")
    if (length(have) > 12L) shown <- paste0(shown, ", ...")
    tables <- paste0("`", names(tabs), "`", collapse = ", ")
    what <- paste0("\"", missing, "\" (for `", names(missing), "`)", collapse = ", ")
    vcf_abort(c("Mapped columns must be in {tables}.",
                x = "Not found: {what}.",
                i = "Columns: {shown}."),
              c("missing_column", "input"), call = call)
  }
  for (i in seq_along(tabs)) {
    nms <- names(tabs[[i]]$df)
    for (canon in names(map)) {
      at <- match(map[[canon]], nms)
      if (is.na(at) || map[[canon]] == canon) next
      if (canon %in% nms) {
        tname <- tabs[[i]]$name
        vcf_abort(c("{.arg {tname}} has a column `{canon}` and a column {.val {map[[canon]]}} mapped to `{canon}`.",
                    i = "Rename or drop one of them."),
                  c("duplicate_column", "input"), call = call)
      }
      nms[at] <- canon
    }
    names(tabs[[i]]$df) <- nms
  }
  tabs
}

# Which canonical units each table may hold, and the keys it must have.
table_units <- list(patients = "patient", fractures = c("patient", "fracture"),
                    data = cohort_unit_names)

check_table_columns <- function(tabs, map, call) {
  keys <- c("patient", "level", "visit")
  for (t in tabs) {
    canon <- intersect(names(t$df), setdiff(vcf_variables$name, "patient"))
    unit <- vcf_variables$unit[match(canon, vcf_variables$name)]
    wrong <- canon[!unit %in% table_units[[t$name]]]
    if (t$name != "data" && length(wrong)) {
      tname <- t$name
      what <- paste0(wrong, " (", unit_label(unit[!unit %in% table_units[[t$name]]]), ")",
                     collapse = ", ")
      vcf_abort(c("{.arg {tname}} holds variables of a finer unit than its rows: {what}.",
                  i = "Put them in {.arg data}, the table with a row per patient x level x visit."),
                c("wrong_table", "input"), call = call)
    }
  }
  if (length(tabs) > 1L) {
    cols <- lapply(tabs, function(t) setdiff(names(t$df), keys))
    all_cols <- unlist(cols, use.names = FALSE)
    twice <- unique(all_cols[duplicated(all_cols)])
    if (length(twice)) {
      where <- names(cols)[vapply(cols, function(cl) twice[1L] %in% cl, logical(1L))]
      where <- paste0("`", where, "`", collapse = " and ")
      vcf_abort(c("Each column must be in one table only.",
                  x = "Column `{twice[1L]}` is in {where}."),
                c("duplicate_column", "input"), call = call)
    }
  }
  invisible()
}

# How a column is named in messages: its canonical name, the user's name if
# mapped, and the table when it is not `data`.
col_label <- function(name, map, table = "data") {
  label <- if (name %in% names(map) && map[[name]] != name) {
    paste0("`", map[[name]], "` (mapped to `", name, "`)")
  } else {
    paste0("`", name, "`")
  }
  if (table != "data") label <- paste0(label, " of `", table, "`")
  label
}

# The user's column behind canonical column `name` at positions `at` of `t`
# (a wide outcome comes from a different column at each visit).
col_name <- function(t, name, map, at = NULL) {
  if (!is.null(t$source[[name]])) {
    src <- t$source[[name]]
    return(if (is.null(at)) src else src[at])
  }
  if (name %in% names(map)) map[[name]] else name
}

# Keys ------------------------------------------------------------------------------

cohort_table_keys <- function(t, map, call) {
  need <- switch(t$name, patients = "patient", c("patient", "level"))
  for (key in need) {
    if (!key %in% names(t$df)) {
      tname <- t$name
      hint <- paste0("Name it `", key, "`, or map it, e.g. ", key, " = \"Your column\".")
      vcf_abort(c("{.arg {tname}} has no `{key}` column.",
                  i = hint),
                c("missing_key", "input"), call = call)
    }
  }
  raw <- t$df[["patient"]]
  id <- if (is.double(raw)) format_number_text(raw) else as.character(raw)
  id <- trimws(id)
  id[!is.na(id) & tolower(id) %in% na_strings] <- NA
  bad <- which(is.na(id))
  note_problem(t, bad, col_name(t, "patient", map), raw[bad], "a missing patient id",
               "enter the patient's id on every row", "missing_key")
  t$patient <- id
  if ("level" %in% need) t$level <- level_key(t, map)
  t$df <- t$df[setdiff(names(t$df), c("patient", "level"))]
  t
}

level_key <- function(t, map) {
  raw <- t$df[["level"]]
  if (!is.numeric(raw) && !is.character(raw) && !is.factor(raw)) raw <- as.character(raw)
  text <- trimws(as.character(raw))
  missing <- is.na(raw) | is.na(text) | tolower(text) %in% na_strings
  lev <- vcf_level(if (is.numeric(raw)) raw else text)
  lev[missing] <- NA
  column <- col_name(t, "level", map)
  at <- which(missing)
  note_problem(t, at, column, raw[at], "a missing level",
               "enter the vertebral level of the fracture (e.g. T12, L1)", "missing_key")
  listed <- which(!missing & is.na(lev) & is_level_list(text))
  note_problem(t, listed, column, raw[listed], "two levels in one cell",
               "give each fractured level its own row", "unknown_level")
  bad <- setdiff(which(!missing & is.na(lev)), listed)
  note_problem(t, bad, column, raw[bad], "not a vertebral level",
               "use C1-C7, T1-T13 (also Th12), L1-L6 or VerSe codes 1-25, 28", "unknown_level")
  lev
}

# Keys as shown in messages, and as matched (patient ids and visit labels may
# hold spaces).
key_text <- function(...) paste(..., sep = " ")
key_of <- function(...) paste(..., sep = "\r")

# Notes rows that repeat an earlier row's key, and returns which rows to
# keep (the first of each key).
check_duplicate_keys <- function(key, t, what, column, shown = NULL) {
  if (is.null(shown)) shown <- key
  first <- match(key, key)
  dup <- which(first != seq_along(key))
  if (length(dup)) {
    note_problem(t, dup, column, gsub("\r", " ", shown[dup], fixed = TRUE),
                 paste0("a repeated ", what, " (first on row ", t$row[first[dup]], ")"),
                 paste0("keep one row per ", what, ", or correct the key"),
                 "duplicate_key")
  }
  first == seq_along(key)
}

# Types -----------------------------------------------------------------------------

cohort_coerce <- function(t, map) {
  for (nm in intersect(names(t$df), vcf_variables$name)) {
    if (nm == "visit") next
    t$df[[nm]] <- coerce_canonical(t$df[[nm]], nm, t, map)
  }
  t
}

coerce_canonical <- function(x, name, t, map) {
  spec <- vcf_variables[match(name, vcf_variables$name), ]
  column <- col_name(t, name, map)
  switch(spec$type,
    numeric = ,
    integer = coerce_number(x, spec, column, t),
    logical = coerce_logical(x, column, t),
    factor = ,
    ordered = coerce_choice(x, name, column, t),
    character = {
      text <- if (is.numeric(x)) format_number_text(x) else trimws(as.character(x))
      text[tolower(text) %in% na_strings] <- NA
      text
    })
}

# Whole-column types that no cell rule reads (dates in a number column, and
# the like): one problem per column.
wrong_column_type <- function(x, column, t, expected) {
  at <- which(!is.na(x))[1L]
  if (is.na(at)) return(invisible())
  what <- if (inherits(x, "Date")) "a date" else paste0("a ", class(x)[1L], " value")
  if (length(column) > 1L) column <- column[at]
  note_problem(t, at, column, format(x[at]), paste0(what, " in a column of ", expected),
               paste0("enter ", expected, ", or map another column"), "type")
}

coerce_number <- function(x, spec, column, t) {
  raw <- x
  if (is.factor(x)) x <- as.character(x)
  integer <- spec$type == "integer"
  if (is.numeric(x)) {
    value <- as.double(x)
  } else if (is.character(x)) {
    text <- trimws(x)
    text[tolower(text) %in% na_strings] <- NA
    value <- parse_number_text(text)
    bad <- which(!is.na(text) & is.na(value))
    range <- bad[grepl("^[0-9]+([.,][0-9]+)? ?(-|\u2013|to|bis|tot) ?[0-9]+([.,][0-9]+)?$",
                       text[bad])]
    if (length(range)) {
      ends <- strsplit(sub(" ?(-|\u2013|to|bis|tot) ?", "|", text[range]), "|", fixed = TRUE)
      mid <- vapply(ends, function(e) mean(parse_number_text(e)), numeric(1L))
      note_problem(t, range, column, raw[range], "a range, not one number",
                   paste0("enter one number (e.g. the midpoint, ", format_number_text(mid), ")"),
                   "type")
    }
    other <- setdiff(bad, range)
    note_problem(t, other, column, raw[other], "not a number",
                 "enter a number (decimal point or comma), or leave the cell empty if missing",
                 "type")
  } else if (all(is.na(x))) {
    value <- rep(NA_real_, length(x))
  } else {
    wrong_column_type(x, column, t, "numbers")
    value <- rep(NA_real_, length(x))
  }
  bad <- which(!is.na(value) & (!is.finite(value) | value < spec$min | value > spec$max |
                                  (integer & value != round(value))))
  if (length(bad)) {
    range <- if (is.finite(spec$max)) {
      paste0("[", spec$min, ", ", spec$max, "]")
    } else {
      paste0(">= ", spec$min)
    }
    unit <- if (nzchar(spec$measure)) paste0(" ", spec$measure) else ""
    what <- if (integer) "a whole number" else "a number"
    whole <- integer & is.finite(value[bad]) & value[bad] >= spec$min & value[bad] <= spec$max
    problem <- ifelse(whole, "not a whole number", paste0("outside ", range, unit))
    note_problem(t, bad, column, raw[bad], problem,
                 paste0("enter ", what, " in ", range, unit, ", or leave the cell empty if missing"),
                 "range")
    value[bad] <- NA
  }
  if (integer) as.integer(value) else value
}

coerce_logical <- function(x, column, t) {
  if (is.logical(x)) return(x)
  raw <- x
  text <- if (is.numeric(x)) format_number_text(x) else tolower(trimws(as.character(x)))
  text[text %in% na_strings] <- NA
  value <- rep(NA, length(x))
  value[text %in% yes_words] <- TRUE
  value[text %in% no_words] <- FALSE
  bad <- which(!is.na(text) & is.na(value))
  note_problem(t, bad, column, raw[bad], "not a yes/no value",
               "enter yes/no (also TRUE/FALSE, y/n, 1/0, ja/nein, ja/nee), or leave the cell empty if missing",
               "unknown_value")
  value
}

coerce_choice <- function(x, name, column, t) {
  spec <- choice_spec(name)
  raw <- x
  if (is.factor(x)) x <- as.character(x)
  if (is.numeric(x) || is.logical(x)) {
    text <- ifelse(is.na(x), NA, format(x, trim = TRUE, digits = 15))
  } else {
    text <- trimws(as.character(x))
  }
  key <- norm_text(text)
  key[is.na(text) | tolower(text) %in% na_strings] <- NA
  value <- unname(spec$dict[key])
  if (spec$codes) {
    code <- suppressWarnings(as.numeric(key))
    is_code <- !is.na(code) & code == round(code) & code >= 0 &
      code < length(spec$levels)
    value[is_code] <- spec$levels[code[is_code] + 1L]
  }
  bad <- which(!is.na(key) & is.na(value))
  if (length(bad)) {
    also <- spec$also
    accepted <- paste0(paste(spec$levels, collapse = ", "),
                       if (length(also)) paste0(" (also ", paste(also, collapse = ", "), ")"),
                       if (spec$codes) paste0(", or codes 0-", length(spec$levels) - 1L),
                       "; any case")
    note_problem(t, bad, column, raw[bad], paste0("not a known ", name),
                 paste0("enter one of ", accepted), "unknown_value")
  }
  factor(value, levels = spec$levels, ordered = spec$ordered)
}

# Consistency within tables -------------------------------------------------------------

# Groups (ids 1..n in order of first appearance) whose non-missing values
# differ.
group_mismatch <- function(x, g) {
  ok <- which(!is.na(x))
  if (!length(ok)) return(integer())
  first <- ok[match(g[ok], g[ok])]
  a <- x[ok]
  b <- x[first]
  differ <- if (is.list(a)) {
    !mapply(identical, a, b)
  } else {
    if (is.factor(a)) {
      a <- as.character(a)
      b <- as.character(b)
    }
    d <- a != b
    d[is.na(d)] <- TRUE
    d
  }
  unique(g[ok][differ])
}

group_id <- function(...) {
  key <- paste(..., sep = "\r")
  match(key, unique(key))
}

cohort_check_table <- function(t, map) {
  patient <- t$patient
  if (t$name == "patients") {
    keep <- check_duplicate_keys(patient, t, "patient", col_name(t, "patient", map))
    t <- table_subset(t, keep)
    t$unit <- stats::setNames(rep("patient", ncol(t$df)), names(t$df))
    return(t)
  }
  level <- as.character(t$level)
  if (t$name == "fractures") {
    keep <- check_duplicate_keys(key_of(patient, level), t, "patient x level",
                                 col_name(t, "patient", map))
  } else {
    # In a wide sheet a repeated row repeats all its visits: name it once.
    wide <- !is.null(t$source)
    keep <- check_duplicate_keys(key_of(patient, level, as.character(t$visit)), t,
                                 if (wide) "patient x level" else "patient x level x visit",
                                 col_name(t, "patient", map),
                                 shown = if (wide) key_of(patient, level))
  }
  t <- table_subset(t, keep)
  patient <- t$patient
  level <- as.character(t$level)
  groups <- list(patient = group_id(patient), fracture = group_id(patient, level))
  if (t$name == "data") groups$patient_visit <- group_id(patient, as.character(t$visit))
  unit <- character()
  for (nm in names(t$df)) {
    x <- t$df[[nm]]
    canon <- match(nm, vcf_variables$name)
    if (!is.na(canon)) {
      u <- vcf_variables$unit[canon]
      if (!is.null(groups[[u]])) check_constant(x, groups[[u]], nm, u, t, map)
      unit[nm] <- u
    } else if (t$name == "fractures") {
      unit[nm] <- "fracture"
    } else {
      unit[nm] <- infer_unit(x, groups)
    }
  }
  t$unit <- unit
  t
}

infer_unit <- function(x, groups) {
  for (u in c("patient", "fracture", "patient_visit")) {
    if (!is.null(groups[[u]]) && !length(group_mismatch(x, groups[[u]]))) return(u)
  }
  "visit"
}

# Notes the rows whose value differs from the first value of their group.
check_constant <- function(x, g, name, unit, t, map) {
  bad <- group_mismatch(x, g)
  if (!length(bad)) return(invisible())
  ok <- which(!is.na(x))
  first <- ok[match(g, g[ok])]
  value <- if (is.factor(x)) as.character(x) else x
  differs <- which(g %in% bad & !is.na(x) & !is.na(first) & value != value[first])
  what <- unit_label(unit)
  note_problem(t, differs, col_name(t, name, map), x[differs],
               paste0("different from row ", t$row[first[differs]], " (",
                      cell_text(x[first[differs]]), ") of the same ", what),
               paste0("give one value per ", what, " (the value may be on one row only)"),
               "inconsistent")
}

# Matching separate tables ---------------------------------------------------------------

cohort_match_tables <- function(tabs) {
  data <- tabs$data
  data$added <- rep(FALSE, length(data$row))
  if (!is.null(tabs$fractures)) {
    fr <- tabs$fractures
    fkey <- key_of(fr$patient, fr$level)
    dkey <- key_of(data$patient, data$level)
    bad <- which(!dkey %in% fkey)
    note_problem(data, bad, "level", key_text(data$patient, data$level)[bad],
                 "a fracture that is not in `fractures`",
                 "add the fracture to `fractures`, or correct the patient or level",
                 "unmatched_key")
    extra <- which(!fkey %in% dkey)
    if (length(extra) && length(levels(data$visit))) {
      # A fracture without visit rows gets its baseline row, as untreated
      # fractures have in the long table.
      n <- length(extra)
      df <- data$df[rep(NA_integer_, n), , drop = FALSE]
      rownames(df) <- NULL
      data$df <- rbind(data$df, df)
      data$patient <- c(data$patient, fr$patient[extra])
      data$level <- c(data$level, fr$level[extra])
      data$visit <- c(data$visit, factor(rep(levels(data$visit)[1L], n),
                                         levels = levels(data$visit), ordered = TRUE))
      data$row <- c(data$row, rep(NA_integer_, n))
      data$added <- c(data$added, rep(TRUE, n))
      if (!is.null(data$source)) {
        data$source <- lapply(data$source, function(s) c(s, rep(NA_character_, n)))
      }
    }
  }
  if (!is.null(tabs$patients)) {
    pt <- tabs$patients
    for (other in list(data, tabs$fractures)) {
      if (is.null(other)) next
      bad <- which(!other$patient %in% pt$patient & !is.na(other$row))
      note_problem(other, bad, "patient", other$patient[bad],
                   "a patient who is not in `patients`",
                   "add the patient to `patients`, or correct the id", "unmatched_key")
    }
    bad <- which(!pt$patient %in% data$patient)
    note_problem(pt, bad, "patient", pt$patient[bad], "a patient without a fracture",
                 "add the patient's fractures, or remove the patient", "unmatched_key")
  }
  check_baseline(data)
  tabs$data <- data
  tabs
}

check_baseline <- function(t) {
  if (!length(t$row)) return(invisible())
  g <- group_id(t$patient, as.character(t$level))
  first <- as.integer(tapply(as.integer(t$visit), g, min))
  bad <- which(first[g] > 1L & !duplicated(g))
  base <- levels(t$visit)[1L]
  note_problem(t, bad, "visit", key_text(t$patient, t$level, t$visit)[bad],
               paste0("a fracture seen first after the first visit, \"", base, "\""),
               paste0("add a row at \"", base, "\" for it (its outcomes may be empty)"),
               "no_baseline")
}

# Building the object ------------------------------------------------------------------------

# The row of each group to take a value from: the first with a value, else
# the group's first row (NA when the group has no row).
pick_rows <- function(x, g, ng) {
  first_any <- match(seq_len(ng), g)
  ok <- which(!is.na(x))
  first_ok <- ok[match(seq_len(ng), g[ok])]
  ifelse(is.na(first_ok), first_any, first_ok)
}

collapse_columns <- function(df, cols, g, ng) {
  out <- lapply(cols, function(nm) {
    x <- df[[nm]]
    x[pick_rows(x, g, ng)]
  })
  names(out) <- cols
  out
}

patient_order <- function(id) {
  num <- suppressWarnings(as.numeric(id))
  if (!anyNA(num)) return(order(num, id, method = "radix"))
  stem <- sub("[0-9]+$", "", id)
  tail <- suppressWarnings(as.numeric(sub("^.*?([0-9]+)$", "\\1", id)))
  tail[stem == id] <- NA
  order(stem, tail, id, method = "radix", na.last = FALSE)
}

canonical_order <- function(cols) {
  canon <- match(cols, vcf_variables$name)
  cols[order(is.na(canon), canon, method = "radix")]
}

new_data_frame <- function(cols) {
  df <- as.data.frame(lapply(cols, function(x) x), stringsAsFactors = FALSE,
                      optional = TRUE)
  if (!length(cols)) df <- data.frame(row.names = integer())
  names(df) <- names(cols)
  rownames(df) <- NULL
  df
}

cohort_build <- function(tabs, visit, map, extra) {
  wide <- map$wide
  map <- map$long
  data <- tabs$data
  src <- list(data = data, fractures = tabs$fractures, patients = tabs$patients)
  src <- src[!vapply(src, is.null, logical(1L))]
  unit_of <- unlist(lapply(src, function(t) t$unit), use.names = FALSE)
  names(unit_of) <- unlist(lapply(src, function(t) names(t$unit)), use.names = FALSE)
  table_of <- unlist(lapply(src, function(t) rep(t$name, length(t$unit))), use.names = FALSE)
  names(table_of) <- names(unit_of)
  month_derived <- !is.null(visit$month)
  if (month_derived) {
    data$df[["month"]] <- c(visit$month, rep(NA_real_, sum(data$added)))
    unit_of["month"] <- "patient_visit"
    table_of["month"] <- "data"
  }
  unit_of <- unit_of[canonical_order(names(unit_of))]

  # patients
  ids <- unique(unlist(lapply(src, function(t) t$patient), use.names = FALSE))
  ids <- ids[patient_order(ids)]
  patients <- list(patient = ids)
  for (nm in names(unit_of)[unit_of == "patient"]) {
    t <- src[[table_of[[nm]]]]
    g <- match(t$patient, ids)
    patients[nm] <- collapse_columns(t$df, nm, g, length(ids))
  }

  # fractures: every patient x level of data (which includes `fractures`)
  prank <- match(data$patient, ids)
  fkey <- key_of(data$patient, data$level)
  o <- order(prank, as.integer(data$level), as.integer(data$visit))
  fk <- unique(fkey[o])
  first <- o[match(fk, fkey[o])]
  fractures <- list(patient = data$patient[first], level = data$level[first])
  for (nm in names(unit_of)[unit_of == "fracture"]) {
    t <- src[[table_of[[nm]]]]
    g <- match(key_of(t$patient, t$level), fk)
    fractures[nm] <- collapse_columns(t$df, nm, g, length(fk))
  }

  # patient visits
  pvkey <- key_of(data$patient, as.character(data$visit))
  pk <- unique(pvkey[o])
  pfirst <- o[match(pk, pvkey[o])]
  patient_visits <- list(patient = data$patient[pfirst], visit = data$visit[pfirst])
  gpv <- match(pvkey, pk)
  for (nm in names(unit_of)[unit_of == "patient_visit"]) {
    patient_visits[nm] <- collapse_columns(data$df, nm, gpv, length(pk))
  }

  # fracture visits
  visits <- list(patient = data$patient[o], level = data$level[o], visit = data$visit[o])
  if (!is.null(patient_visits[["month"]])) visits[["month"]] <- patient_visits[["month"]][gpv[o]]
  for (nm in names(unit_of)[unit_of == "visit"]) {
    visits[[nm]] <- data$df[[nm]][o]
  }

  columns <- rbind(
    data.frame(name = c("patient", "level", "visit"),
               unit = c("patient", "fracture", "visit"), stringsAsFactors = FALSE),
    data.frame(name = names(unit_of), unit = unname(unit_of), stringsAsFactors = FALSE))
  columns$canonical <- columns$name %in% vcf_variables$name
  columns$source <- ifelse(columns$name %in% names(map), map[columns$name], columns$name)
  for (nm in intersect(names(wide), columns$name)) {
    columns$source[columns$name == nm] <- paste(unique(stats::na.omit(data$source[[nm]])),
                                                collapse = ", ")
  }
  columns$source[columns$name == "visit" & visit$derived] <- NA
  columns$source[columns$name == "month" & month_derived] <- NA
  columns$unit <- factor(columns$unit, levels = cohort_unit_names)
  columns <- columns[order(columns$unit, match(columns$name, c(vcf_variables$name, columns$name))), ]
  columns$unit <- as.character(columns$unit)
  columns$analysed <- columns$canonical | columns$name %in% extra
  rownames(columns) <- NULL

  structure(list(patients = new_data_frame(patients),
                 fractures = new_data_frame(fractures),
                 visits = new_data_frame(visits),
                 patient_visits = new_data_frame(patient_visits),
                 visit_levels = levels(data$visit),
                 columns = columns),
            class = "vcf_cohort")
}

# bme_class is derived from bme_pct when absent, and must agree when both are
# given.
cohort_bme_class <- function(cohort, data, map) {
  v <- cohort$visits
  if (is.null(v[["bme_pct"]])) return(cohort)
  derived <- vcf_bme_class(v[["bme_pct"]])
  if (is.null(v[["bme_class"]])) {
    at <- match("bme_pct", names(v))
    cohort$visits <- cbind(v[seq_len(at)], bme_class = derived,
                           v[-seq_len(at)])
    at <- match("bme_pct", cohort$columns$name)
    row <- data.frame(name = "bme_class", unit = "visit", canonical = TRUE,
                      source = NA_character_, analysed = TRUE, stringsAsFactors = FALSE)
    cohort$columns <- rbind(cohort$columns[seq_len(at), ], row,
                            cohort$columns[-seq_len(at), ])
    rownames(cohort$columns) <- NULL
    return(cohort)
  }
  bad <- which(!is.na(v[["bme_class"]]) & !is.na(derived) &
                 as.character(v[["bme_class"]]) != as.character(derived))
  if (length(bad)) {
    at <- visit_positions(cohort, data)[bad]
    note_problem(data, at, col_name(data, "bme_class", map),
                 paste0(v[["bme_class"]][bad], " with bme_pct ", v[["bme_pct"]][bad]),
                 "a BME class that disagrees with `bme_pct`",
                 "classes are none 0%, minor (0, 25), moderate [25, 75), severe [75, 100]; correct the class or the percentage",
                 "bme_class")
  }
  cohort
}

# Positions in the user's `data` behind each row of `cohort$visits`, and
# their spreadsheet rows.
visit_positions <- function(cohort, data) {
  v <- cohort$visits
  match(key_of(v$patient, v$level, v$visit), key_of(data$patient, data$level, data$visit))
}

visit_rows <- function(cohort, data) data$row[visit_positions(cohort, data)]

# Suspicious data -------------------------------------------------------------------------

cohort_suspicious <- function(cohort, data) {
  v <- cohort$visits
  rows <- visit_rows(cohort, data)
  g <- group_id(v$patient, as.character(v$level))
  if (!is.null(v[["bme_pct"]])) {
    zero <- !is.na(v[["bme_pct"]]) & v[["bme_pct"]] == 0
    before <- stats::ave(as.integer(zero), g, FUN = cumsum) - zero
    back <- which(before > 0 & !is.na(v[["bme_pct"]]) & v[["bme_pct"]] > 0)
    if (length(back)) {
      where <- describe_rows(rows[back], v[["bme_pct"]][back])
      vcf_warn(c("`bme_pct` returns after it had resolved to 0 in the same fracture.",
                 i = "BME above 0 after a visit with 0 at {where}."),
               c("bme_return", "suspicious"))
    }
  }
  treated <- cohort$fractures[["treated"]]
  if (!is.null(treated) && !is.null(v[["bme_class"]])) {
    treated <- treated[match(key_of(v$patient, v$level),
                             key_of(cohort$fractures$patient, cohort$fractures$level))]
    bad <- which(as.integer(v$visit) == 1L & v[["bme_class"]] %in% "none" &
                   treated %in% TRUE)
    if (length(bad)) {
      shown <- if (!is.null(v[["bme_pct"]])) v[["bme_pct"]][bad] else v[["bme_class"]][bad]
      where <- describe_rows(rows[bad], shown)
      vcf_warn(c("Treated fractures without BME at baseline.",
                 i = "No BME at {where}."),
               c("no_baseline_bme", "suspicious"))
    }
  }
  pv <- cohort$patient_visits
  if (!is.null(pv[["month"]])) {
    gp <- match(pv$patient, unique(pv$patient))
    ok <- !is.na(pv[["month"]])
    last <- stats::ave(ifelse(ok, pv[["month"]], -Inf), gp, FUN = cummax)
    prev <- c(-Inf, last[-length(last)])
    prev[!duplicated(gp)] <- -Inf
    bad <- which(ok & pv[["month"]] < prev)
    if (length(bad)) {
      drow <- data$row[match(key_of(pv$patient[bad], pv$visit[bad]),
                             key_of(data$patient, data$visit))]
      where <- describe_rows(drow, pv[["month"]][bad])
      vcf_warn(c("`month` decreases along the visit order within a patient.",
                 i = "Earlier than a previous visit at {where}."),
               c("month_order", "suspicious"))
    }
  }
  invisible()
}

# Accessors for the table functions ------------------------------------------------------------

is_cohort <- function(x) inherits(x, "vcf_cohort")

check_cohort <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  if (!is_cohort(x)) {
    what <- format_arg(x)
    vcf_abort(c("{.arg {arg}} must be a {.cls vcf_cohort} from {.fn vcf_cohort}.",
                x = "It is {what}."),
              c("type", "argument"), call = call)
  }
  # a cohort with a part dropped or replaced by hand
  check_object(x, "vcf_cohort", cohort_parts, arg = arg, from = "vcf_cohort", call = call)
}

# The parts of a vcf_cohort object and what each must be.
cohort_parts <- list(
  patients = function(p) is.data.frame(p) && "patient" %in% names(p),
  fractures = function(p) is.data.frame(p) && all(c("patient", "level") %in% names(p)),
  visits = function(p) is.data.frame(p) && all(c("patient", "level", "visit") %in% names(p)),
  patient_visits = function(p) is.data.frame(p) && all(c("patient", "visit") %in% names(p)),
  visit_levels = function(p) is.character(p) && !anyNA(p),
  columns = function(p) is.data.frame(p) && "name" %in% names(p))

#' Unit of a cohort column: "patient", "fracture", "visit" or "patient_visit"
#' @noRd
cohort_unit <- function(cohort, var, call = rlang::caller_env()) {
  unit <- cohort$columns$unit[match(var, cohort$columns$name)]
  if (anyNA(unit)) {
    bad <- var[is.na(unit)]
    vcf_abort(c("{.val {bad}} {?is/are} not {?a column/columns} of the cohort.",
                i = "Columns: {.val {cohort$columns$name}}."),
              c("unknown_variable", "argument"), call = call)
  }
  stats::setNames(unit, var)
}

#' The cohort's table of one unit
#' @noRd
cohort_table <- function(cohort, unit) {
  switch(unit, patient = cohort$patients, fracture = cohort$fractures,
         visit = cohort$visits, patient_visit = cohort$patient_visits)
}

#' Non-key columns of a unit (all units when NULL)
#' @noRd
cohort_vars <- function(cohort, unit = NULL, canonical = NULL) {
  cols <- cohort$columns
  keep <- !cols$name %in% c("patient", "level", "visit", "month")
  if (!is.null(unit)) keep <- keep & cols$unit %in% unit
  if (!is.null(canonical)) keep <- keep & cols$canonical == canonical
  cols$name[keep]
}

#' The long table of a cohort
#'
#' One row per patient x level x visit, with patient, fracture and patient x
#' visit columns repeated, in the layout [vcf_cohort()] reads.
#' @param x A `vcf_cohort`.
#' @param row.names,optional,... Unused; for compatibility with the generic.
#' @return A data frame.
#' @examples
#' df <- data.frame(patient = c(1, 1, 2), level = c("T12", "T12", "L1"),
#'                  visit = c("0 mo", "3 mo", "0 mo"), vas = c(7, 2, 6))
#' as.data.frame(vcf_cohort(df))
#' @export
as.data.frame.vcf_cohort <- function(x, row.names = NULL, optional = FALSE, ...) {
  check_cohort(x)
  v <- x$visits
  p <- x$patients[match(v$patient, x$patients$patient), -1L, drop = FALSE]
  f <- x$fractures[match(key_of(v$patient, v$level),
                         key_of(x$fractures$patient, x$fractures$level)),
                   -(1:2), drop = FALSE]
  pv <- x$patient_visits[match(key_of(v$patient, v$visit),
                               key_of(x$patient_visits$patient,
                                        x$patient_visits$visit)),
                         setdiff(names(x$patient_visits), c("patient", "visit", "month")),
                         drop = FALSE]
  out <- cbind(v[c("patient", "level", "visit")], p, f,
               v[setdiff(names(v), c("patient", "level", "visit"))], pv)
  keys <- c("patient", "level", "visit")
  out <- out[c(keys, setdiff(intersect(x$columns$name, names(out)), keys))]
  rownames(out) <- NULL
  out
}

# Completeness --------------------------------------------------------------------------------

#' Observed values per visit and variable
#' @noRd
cohort_completeness <- function(cohort) {
  out <- list()
  for (unit in c("patient", "fracture")) {
    df <- cohort_table(cohort, unit)
    for (nm in cohort_vars(cohort, unit)) {
      out[[length(out) + 1L]] <- data.frame(
        variable = nm, unit = unit, visit = NA_character_, n = nrow(df),
        observed = sum(!is.na(df[[nm]])), stringsAsFactors = FALSE)
    }
  }
  for (unit in c("visit", "patient_visit")) {
    df <- cohort_table(cohort, unit)
    vars <- cohort_vars(cohort, unit)
    if (unit == "patient_visit" && "month" %in% names(df)) vars <- c("month", vars)
    for (nm in vars) {
      n <- tabulate(as.integer(df$visit), length(cohort$visit_levels))
      obs <- tabulate(as.integer(df$visit)[!is.na(df[[nm]])], length(cohort$visit_levels))
      out[[length(out) + 1L]] <- data.frame(
        variable = nm, unit = unit, visit = cohort$visit_levels, n = n,
        observed = obs, stringsAsFactors = FALSE)
    }
  }
  res <- do.call(rbind, out)
  if (is.null(res)) {
    res <- data.frame(variable = character(), unit = character(), visit = character(),
                      n = integer(), observed = integer(), stringsAsFactors = FALSE)
  }
  res$missing <- res$n - res$observed
  rownames(res) <- NULL
  res
}

cohort_counts <- function(cohort) {
  f <- cohort$fractures
  treated <- if (is.null(f[["treated"]])) NA_integer_ else sum(f[["treated"]] %in% TRUE)
  untreated <- if (is.null(f[["treated"]])) NA_integer_ else sum(f[["treated"]] %in% FALSE)
  list(patients = nrow(cohort$patients), fractures = nrow(f), treated = treated,
       untreated = untreated, visits = length(cohort$visit_levels))
}

# Methods ----------------------------------------------------------------------------------------

fracture_text <- function(n) {
  text <- paste0(n$fractures, " fracture", if (n$fractures != 1L) "s")
  if (is.na(n$treated)) return(paste0(text, " (treated not recorded)"))
  unknown <- n$fractures - n$treated - n$untreated
  paste0(text, " (", n$treated, " treated, ", n$untreated, " untreated",
         if (unknown > 0L) paste0(", ", unknown, " unknown"), ")")
}

# A variable x visit grid of "observed/n".
completeness_grid <- function(comp, visit_levels) {
  comp <- comp[!is.na(comp$visit), , drop = FALSE]
  if (!nrow(comp)) return(character())
  vars <- unique(comp$variable)
  cell <- paste0(comp$observed, "/", comp$n)
  grid <- matrix("", length(vars), length(visit_levels))
  grid[cbind(match(comp$variable, vars), match(comp$visit, visit_levels))] <- cell
  grid <- rbind(visit_levels, grid)
  first <- format(c("", vars))
  body <- apply(grid, 2L, function(col) formatC(col, width = max(nchar(col))))
  if (!is.matrix(body)) body <- matrix(body, nrow = nrow(grid))
  paste0("  ", first, "  ", apply(body, 1L, paste, collapse = "  "))
}

#' @export
format.vcf_cohort <- function(x, ...) {
  n <- cohort_counts(x)
  comp <- cohort_completeness(x)
  vars <- split(x$columns$name[!x$columns$name %in% c("patient", "level", "visit")],
                factor(x$columns$unit[!x$columns$name %in% c("patient", "level", "visit")],
                       levels = cohort_unit_names))
  var_lines <- vapply(names(vars), function(u) {
    paste0("  ", format(paste0(unit_label(u), ":"), width = 25L),
           if (length(vars[[u]])) paste(vars[[u]], collapse = ", ") else "-")
  }, character(1L))
  static <- comp[is.na(comp$visit) & comp$missing > 0L, , drop = FALSE]
  c("<vcf_cohort>",
    paste0(n$patients, " patient", if (n$patients != 1L) "s", ", ", fracture_text(n),
           ", ", n$visits, " visit", if (n$visits != 1L) "s"),
    paste0("Visits: ", paste(x$visit_levels, collapse = " < ")),
    "Variables:", unname(var_lines),
    if (any(!is.na(comp$visit))) c("Completeness by visit (observed/rows):",
                                   completeness_grid(comp, x$visit_levels)),
    if (nrow(static)) paste0("Incomplete: ",
                             paste0(static$variable, " ", static$observed, "/", static$n,
                                    collapse = ", ")))
}

#' @export
print.vcf_cohort <- function(x, ...) {
  cat(format(x, ...), sep = "\n")
  invisible(x)
}

#' Summarise a VCF cohort
#'
#' Counts of patients, fractures and visits, rows per visit, and the
#' completeness of every variable per visit.
#' @param object A `vcf_cohort` from [vcf_cohort()].
#' @param ... Unused.
#' @return An object of class `summary.vcf_cohort`: a list with `counts`
#'   (patients, fractures, treated, untreated, visits), `visits` (a data frame
#'   with the patients and fractures seen at each visit) and `completeness` (a
#'   data frame with `variable`, `unit`, `visit` (`NA` for patient and
#'   fracture variables), `n` rows, `observed` and `missing` values).
#' @examples
#' df <- data.frame(patient = c(1, 1, 2, 2), level = "L1",
#'                  visit = c("0 mo", "3 mo", "0 mo", "3 mo"),
#'                  vas = c(7, 2, 6, NA))
#' summary(vcf_cohort(df))
#' @export
summary.vcf_cohort <- function(object, ...) {
  check_cohort(object)
  v <- object$visits
  per_visit <- data.frame(
    visit = object$visit_levels,
    patients = tabulate(as.integer(object$patient_visits$visit), length(object$visit_levels)),
    fractures = tabulate(as.integer(v$visit), length(object$visit_levels)),
    stringsAsFactors = FALSE)
  if (!is.null(object$fractures[["treated"]])) {
    treated <- object$fractures[["treated"]][match(key_of(v$patient, v$level),
                                              key_of(object$fractures$patient,
                                                       object$fractures$level))]
    per_visit$treated <- tabulate(as.integer(v$visit)[treated %in% TRUE],
                                  length(object$visit_levels))
  }
  structure(list(counts = cohort_counts(object), visits = per_visit,
                 completeness = cohort_completeness(object),
                 columns = object$columns),
            class = "summary.vcf_cohort")
}

#' @export
format.summary.vcf_cohort <- function(x, ...) {
  n <- x$counts
  comp <- x$completeness
  static <- comp[is.na(comp$visit), , drop = FALSE]
  user <- x$columns$name[!x$columns$canonical]
  c("<summary of vcf_cohort>",
    paste0(n$patients, " patient", if (n$patients != 1L) "s", ", ", fracture_text(n),
           ", ", n$visits, " visit", if (n$visits != 1L) "s"),
    if (length(user)) paste0("Own columns: ",
                             paste0(user, " (", x$columns$unit[!x$columns$canonical], ")",
                                    collapse = ", ")),
    "Rows per visit:",
    paste0("  ", utils::capture.output(print(x$visits, row.names = FALSE))),
    if (nrow(static)) c("Patient and fracture variables (observed/rows):",
                        paste0("  ", format(static$variable), "  ",
                               static$observed, "/", static$n,
                               ifelse(static$missing > 0L,
                                      paste0("  (", static$missing, " missing)"), ""))),
    if (any(!is.na(comp$visit))) c("Completeness by visit (observed/rows):",
                                   completeness_grid(comp, x$visits$visit)))
}

#' @export
print.summary.vcf_cohort <- function(x, ...) {
  cat(format(x, ...), sep = "\n")
  invisible(x)
}
