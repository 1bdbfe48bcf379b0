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
    "female, male (also F/M, woman/man; any case)",
    "TRUE/FALSE (also yes/no, y/n, 1/0)",
    "TRUE/FALSE (also yes/no, y/n, 1/0)",
    "C1-C7, T1-T13, L1-L6 (also t12, Th12, VerSe codes 1-25 and 28)",
    "TRUE/FALSE (also yes/no, y/n, 1/0)",
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
    "TRUE/FALSE (also yes/no, y/n, 1/0)",
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
               also = c("F", "M", "woman", "man"),
               dict = c(f = "female", female = "female", woman = "female",
                        women = "female", m = "male", male = "male",
                        man = "male", men = "male")),
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

# Text read as a missing value in canonical columns (after trimming, any case).
na_strings <- c("", "na", "n/a", "nan", ".")

norm_text <- function(x) gsub("[[:space:]_.-]+", "", tolower(x))

#' Build a validated VCF cohort
#'
#' `vcf_cohort()` turns a table with one row per patient x fracture level x
#' visit (or separate patient, fracture and visit tables) into a `vcf_cohort`
#' object: the data every table, figure and analysis of the package works
#' on. It checks the data and says exactly which rows are wrong.
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
#' Numeric columns accept numbers and numeric text ("7", "7.5"); `""`, `"NA"`,
#' `"N/A"`, `"NaN"` and `"."` are missing. Logical columns accept
#' TRUE/FALSE, yes/no, y/n and 1/0 in any case. Factor columns accept the
#' spellings given in [vcf_variables], in any case.
#'
#' @section The user's own columns:
#' Columns that are not canonical are kept unchanged. Their unit is inferred
#' from where they vary, ignoring missing values: constant within each patient
#' gives `patient`; else constant within each patient x level gives
#' `fracture`; else constant within each patient x visit gives
#' `patient_visit`; else `visit`. Columns of the `patients` and `fractures`
#' tables have the unit of their table. `$columns` records every column's
#' unit. When every patient has one fracture, fracture-level columns are
#' inferred as patient-level, which describes the same data.
#'
#' @section Visits:
#' The visit order comes from, in this order of preference:
#' 1. an ordered factor: its level order;
#' 2. numbers (or numeric text such as "0", "3"): numeric order;
#' 3. a `month` column: the median month of each visit (ties broken by the
#'    labels as in 4);
#' 4. labels with a time: "baseline", "pre-op", "preoperative", "before",
#'    "screening" and "admission" are month 0; "3 mo", "3 months", "3m",
#'    "month 3", "M3", "6 weeks", "2 days post-op", "1 year" are read with
#'    their unit; "post-op" alone comes right after month 0, and "final",
#'    "last" or "end" come last.
#'
#' Visits that none of these can order are an error. When `month` is absent
#' and every visit label gives an explicit time (as "baseline", "3 mo",
#' "12 months"), `month` is derived from the labels. When `visit` is absent
#' and each fracture has a single row, the cohort has one visit,
#' `"baseline"`. The first visit is the baseline: every fracture needs a row
#' there (outcomes may be missing). Untreated fractures usually have only
#' that row.
#'
#' @section Checks:
#' Errors have class `vcf_error_input` (or `vcf_error_argument` for the
#' arguments themselves), `vcf_error` and one of these subclasses:
#' `vcf_error_type` (`data` is not a data frame, or a non-numeric value in a
#' numeric column), `vcf_error_empty`, `vcf_error_unknown_variable` (a name
#' in `...` that is not canonical), `vcf_error_missing_column` (a mapped
#' column that is not in the data), `vcf_error_duplicate_column`,
#' `vcf_error_wrong_table` (for example `vas` in the `patients` table),
#' `vcf_error_missing_key`, `vcf_error_unknown_level`,
#' `vcf_error_duplicate_key`, `vcf_error_unmatched_key` (separate tables
#' that do not match), `vcf_error_range`, `vcf_error_unknown_value` (an
#' unrecognized factor or logical value), `vcf_error_inconsistent` (a
#' patient-level value that differs between a patient's rows, a
#' fracture-level value within a fracture, or a patient x visit value such
#' as `vas` between a patient's fracture rows at one visit),
#' `vcf_error_visit_order`, `vcf_error_no_baseline` and
#' `vcf_error_bme_class` (`bme_class` disagreeing with `bme_pct`). Messages
#' name the column, the first offending rows (row numbers of the table as
#' given) with their values, and what was expected.
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
#' @param data A data frame, tibble or data.table: the long table, one row
#'   per patient x fracture level x visit, with patient- and fracture-level
#'   columns repeated (or given on some rows only). With `patients` or
#'   `fractures`, the visit table.
#' @param ... Column mapping, `canonical = "user column"`, such as
#'   `patient = "Study ID", vas = "VAS_score"`. It applies to all tables.
#' @param patients Optional table with one row per patient: `patient` and
#'   patient-level columns.
#' @param fractures Optional table with one row per fracture: `patient`,
#'   `level` and fracture-level (or patient-level) columns. Fractures with no
#'   row in `data` get a row at the first visit with missing outcomes.
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
#'     and `source` (the user's column name; `NA` when derived) of every
#'     column.
#'
#'   Rows are sorted by patient (numbers in identifiers in numeric order),
#'   level and visit. Absent canonical columns stay absent.
#' @seealso [vcf_variables], [vcf_level()], [vcf_bme_class()]
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
#' cohort <- vcf_cohort(df, patient = "id", vas = "VAS_score")
#' cohort
#' summary(cohort)
#' cohort$columns
#' @export
vcf_cohort <- function(data, ..., patients = NULL, fractures = NULL) {
  call <- rlang::current_env()
  map <- cohort_mapping(list(...), call)
  input <- list(data = data, patients = patients, fractures = fractures)
  input <- input[!vapply(input, is.null, logical(1L))]
  tabs <- lapply(names(input), function(nm) cohort_input_table(input[[nm]], nm, call))
  names(tabs) <- names(input)
  tabs <- cohort_rename(tabs, map, call)
  check_table_columns(tabs, map, call)

  tabs <- lapply(tabs, cohort_table_keys, map = map, call = call)
  tabs <- lapply(tabs, cohort_coerce, map = map, call = call)
  visit <- cohort_visit_key(tabs$data, map, call)
  tabs$data <- visit$table
  for (nm in names(tabs)) tabs[[nm]] <- cohort_check_table(tabs[[nm]], map, call)
  tabs <- cohort_match_tables(tabs, call)

  cohort <- cohort_build(tabs, visit, map)
  cohort <- cohort_bme_class(cohort, tabs$data, map, call)
  cohort_suspicious(cohort, tabs$data)
  cohort
}

# Arguments and input tables ----------------------------------------------------

cohort_mapping <- function(dots, call) {
  if (!length(dots)) return(character())
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
                i = "Your own columns need no mapping: they are kept as they are."),
              c("unknown_variable", "argument"), call = call)
  }
  ok <- vapply(dots, function(v) is.character(v) && length(v) == 1L && !is.na(v),
               logical(1L))
  if (!all(ok)) {
    bad <- nms[!ok]
    vcf_abort(c("Each mapping in {.arg ...} must be a single column name (a string).",
                x = "Not a single string for {.val {bad}}."),
              c("type", "argument"), call = call)
  }
  map <- unlist(dots)
  if (anyDuplicated(nms)) {
    vcf_abort(c("Each canonical variable can be mapped once.",
                x = "Mapped more than once: {.val {unique(nms[duplicated(nms)])}}."),
              c("duplicate_column", "argument"), call = call)
  }
  if (anyDuplicated(map)) {
    twice <- unique(map[duplicated(map)])
    vcf_abort(c("Each column can be mapped to one canonical variable.",
                x = "Column {.val {twice}} is mapped to {.val {names(map)[map %in% twice]}}."),
              c("duplicate_column", "argument"), call = call)
  }
  map
}

cohort_input_table <- function(x, name, call) {
  if (!is.data.frame(x)) {
    what <- format_arg(x)
    vcf_abort(c("{.arg {name}} must be a data frame, tibble or data.table.",
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
  list(name = name, df = x, row = seq_len(nrow(x)))
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
  id <- if (is.double(raw)) {
    ifelse(is.na(raw), NA_character_, formatC(raw, format = "fg", digits = 15))
  } else {
    as.character(raw)
  }
  id <- trimws(id)
  id[!is.na(id) & id == ""] <- NA
  check_missing_key(id, "patient", t, map, call)
  t$patient <- id
  if ("level" %in% need) {
    raw <- t$df[["level"]]
    lev <- vcf_level(raw)
    missing <- is.na(raw) | trimws(as.character(raw)) == ""
    check_missing_key(ifelse(missing, NA, 1L), "level", t, map, call)
    bad <- which(is.na(lev))
    if (length(bad)) {
      where <- describe_rows(t$row[bad], raw[bad])
      label <- col_label("level", map, t$name)
      vcf_abort(c("Column {label} holds unknown vertebral levels.",
                  x = "Not a level at {where}.",
                  i = "Expected C1-C7, T1-T13, L1-L6 (also \"t12\", \"Th12\") or VerSe codes 1-25, 28."),
                c("unknown_level", "input"), call = call)
    }
    t$level <- lev
  }
  t$df <- t$df[setdiff(names(t$df), c("patient", "level"))]
  t
}

check_missing_key <- function(x, key, t, map, call) {
  bad <- which(is.na(x))
  if (length(bad)) {
    label <- col_label(key, map, t$name)
    where <- describe_rows(t$row[bad])
    vcf_abort(c("Column {label} is a key and cannot be missing.",
                x = "Missing at {where}."),
              c("missing_key", "input"), call = call)
  }
}

# Keys as shown in messages, and as matched (patient ids and visit labels may
# hold spaces).
key_text <- function(...) paste(..., sep = " ")
key_of <- function(...) paste(..., sep = "\r")

check_duplicate_keys <- function(key, t, what, call) {
  dup <- duplicated(key) | duplicated(key, fromLast = TRUE)
  if (any(dup)) {
    rows <- which(dup)
    rows <- rows[order(match(key[rows], unique(key[rows])))]
    where <- describe_rows(t$row[rows], gsub("\r", " ", key[rows], fixed = TRUE))
    tname <- t$name
    vcf_abort(c("{.arg {tname}} must have one row per {what}.",
                x = "Repeated at {where}."),
              c("duplicate_key", "input"), call = call)
  }
}

# Visits ----------------------------------------------------------------------------

cohort_visit_key <- function(t, map, call) {
  frac <- paste(t$patient, t$level, sep = "\r")
  if (!"visit" %in% names(t$df)) {
    dup <- duplicated(frac) | duplicated(frac, fromLast = TRUE)
    if (any(dup)) {
      rows <- which(dup)
      rows <- rows[order(match(frac[rows], unique(frac[rows])))]
      where <- describe_rows(t$row[rows], key_text(t$patient, t$level)[rows])
      vcf_abort(c("{.arg data} has no `visit` column, but fractures have several rows.",
                  x = "Same patient and level at {where}.",
                  i = "Name the visit column `visit`, or map it, e.g. visit = \"Your column\"."),
                c("missing_key", "input"), call = call)
    }
    t$visit <- factor(rep("baseline", length(t$row)), levels = "baseline", ordered = TRUE)
    return(list(table = t, levels = "baseline", derived = TRUE, month = NULL))
  }
  raw <- t$df[["visit"]]
  missing <- is.na(raw) | trimws(as.character(raw)) == ""
  check_missing_key(ifelse(missing, NA, 1L), "visit", t, map, call)
  month <- t$df[["month"]]
  ord <- visit_order(raw, month, t, map, call)
  t$visit <- ord$visit
  t$df[["visit"]] <- NULL
  c(list(table = t, derived = FALSE), ord[c("levels", "month")])
}

visit_order <- function(raw, month, t, map, call) {
  if (is.ordered(raw)) {
    lev <- levels(raw)[levels(raw) %in% as.character(raw)]
    label <- as.character(raw)
  } else if (is.numeric(raw)) {
    label <- as.character(raw)
    lev <- as.character(sort(unique(raw)))
  } else {
    label <- trimws(as.character(raw))
    u <- unique(label)
    num <- suppressWarnings(as.numeric(u))
    if (!anyNA(num)) {
      lev <- u[order(num)]
      if (anyDuplicated(num[order(num)])) lev <- NULL
    } else {
      lev <- NULL
    }
    if (is.null(lev)) lev <- visit_order_text(u, label, month, t, map, call)
  }
  parsed <- parse_visit_text(lev)
  derived <- if (is.null(month) && all(parsed$explicit)) {
    parsed$month[match(label, lev)]
  }
  list(visit = factor(label, levels = lev, ordered = TRUE), levels = lev,
       month = derived)
}

# Orders unordered visit labels by their median month, ties broken by the
# labels' own times, or by the labels alone.
visit_order_text <- function(u, label, month, t, map, call) {
  text_key <- parse_visit_text(u)$key
  month_key <- rep(NA_real_, length(u))
  if (!is.null(month)) {
    m <- suppressWarnings(as.numeric(as.character(month)))
    month_key <- vapply(u, function(v) {
      x <- m[label == v & !is.na(m)]
      if (length(x)) stats::median(x) else NA_real_
    }, numeric(1L), USE.NAMES = FALSE)
  }
  primary <- if (!anyNA(month_key)) month_key else text_key
  secondary <- if (!anyNA(month_key)) text_key else rep(0, length(u))
  placed <- !is.na(primary)
  tie <- duplicated(cbind(primary, secondary)) |
    duplicated(cbind(primary, secondary), fromLast = TRUE)
  tie[is.na(tie)] <- FALSE
  unplaced <- !placed | tie | (is.na(secondary) & (duplicated(primary) |
                                                    duplicated(primary, fromLast = TRUE)))
  if (any(unplaced)) {
    bad <- u[unplaced]
    rows <- match(bad, label)
    where <- describe_rows(t$row[rows], bad)
    label_v <- col_label("visit", map, t$name)
    why <- if (any(!placed)) "cannot be placed in time" else "fall on the same time"
    vcf_abort(c("Column {label_v} holds visits that cannot be ordered: they {why}.",
                x = "At {where}.",
                i = "Give `visit` as an ordered factor, add a `month` column, or use labels such as \"baseline\", \"3 mo\", \"12 months\"."),
              c("visit_order", "input"), call = call)
  }
  u[order(primary, secondary)]
}

#' Read times from visit labels
#'
#' Returns `key` (months, for ordering; `NA` when the label has no time),
#' `month` (months when `explicit`) and `explicit` (the label states a time,
#' or is a baseline word).
#' @noRd
parse_visit_text <- function(x) {
  text <- gsub("[[:space:]_]+", " ", tolower(trimws(as.character(x))))
  n <- length(text)
  key <- rep(NA_real_, n)
  explicit <- rep(FALSE, n)
  per_unit <- c(d = 1 / 30.4375, w = 7 / 30.4375, m = 1, y = 12)
  num <- "([0-9]+(\\.[0-9]+)?)"
  unit <- "(days?|d|weeks?|wks?|w|months?|mon|mos?|m|years?|yrs?|y)"
  after <- regexec(paste0(num, " ?-? ?", unit, "(\\b|$)"), text)
  before <- regexec(paste0("(^|\\b)", unit, " ?-? ?", num), text)
  for (i in seq_len(n)) {
    a <- regmatches(text[i], after[i])[[1L]]
    b <- regmatches(text[i], before[i])[[1L]]
    if (length(a)) {
      value <- as.numeric(a[2L]); u <- substr(a[4L], 1L, 1L)
    } else if (length(b)) {
      value <- as.numeric(b[4L]); u <- substr(b[3L], 1L, 1L)
    } else {
      next
    }
    key[i] <- value * per_unit[[u]]
    explicit[i] <- TRUE
  }
  baseline <- grepl("^(baseline|base line|pre ?-?op.*|pre ?-?treatment|pre ?-?intervention.*|before.*|screening|admission|initial)$", text)
  post <- grepl("^(post ?-?op.*|post ?-?treatment|post ?-?intervention.*|after.*|immediately.*)$", text)
  final <- grepl("(^|\\b)(final|last|end)(\\b|$)", text)
  free <- is.na(key)
  key[free & baseline] <- 0
  explicit[free & baseline] <- TRUE
  key[free & post] <- 1e-6
  key[free & final & !baseline & !post] <- Inf
  list(key = key, month = ifelse(explicit, key, NA_real_), explicit = explicit)
}

# Types -----------------------------------------------------------------------------

cohort_coerce <- function(t, map, call) {
  for (nm in intersect(names(t$df), vcf_variables$name)) {
    if (nm == "visit") next
    t$df[[nm]] <- coerce_canonical(t$df[[nm]], nm, t, map, call)
  }
  t
}

coerce_canonical <- function(x, name, t, map, call) {
  spec <- vcf_variables[match(name, vcf_variables$name), ]
  label <- col_label(name, map, t$name)
  all_missing <- all(is.na(x))
  switch(spec$type,
    numeric = ,
    integer = coerce_number(x, spec, label, t, call),
    logical = coerce_logical(x, label, t, call),
    factor = ,
    ordered = coerce_choice(x, name, label, t, call),
    character = if (all_missing) rep(NA_character_, length(x)) else as.character(x))
}

coerce_number <- function(x, spec, label, t, call) {
  raw <- x
  if (is.factor(x)) x <- as.character(x)
  if (is.numeric(x)) {
    value <- as.double(x)
  } else if (is.character(x)) {
    text <- trimws(x)
    text[tolower(text) %in% na_strings] <- NA
    value <- suppressWarnings(as.numeric(text))
    bad <- which(!is.na(text) & is.na(value))
    if (length(bad)) {
      where <- describe_rows(t$row[bad], raw[bad])
      vcf_abort(c("Column {label} must be numeric.",
                  x = "Not a number at {where}."),
                c("type", "input"), call = call)
    }
  } else if (all(is.na(x))) {
    value <- rep(NA_real_, length(x))
  } else {
    what <- class(raw)[1L]
    vcf_abort(c("Column {label} must be numeric, not {.cls {what}}."),
              c("type", "input"), call = call)
  }
  integer <- spec$type == "integer"
  bad <- which(!is.na(value) & (!is.finite(value) | value < spec$min |
                                  value > spec$max |
                                  (integer & value != round(value))))
  if (length(bad)) {
    range <- if (is.finite(spec$max)) {
      paste0("[", spec$min, ", ", spec$max, "]")
    } else {
      paste0(">= ", spec$min)
    }
    what <- paste0(if (integer) "a whole number" else "a finite number", " ",
                   if (is.finite(spec$max)) "in " else "", range,
                   if (nzchar(spec$measure)) paste0(" (", spec$measure, ")") else "")
    where <- describe_rows(t$row[bad], raw[bad])
    vcf_abort(c("Column {label} must be {what}.",
                x = "Out of range at {where}."),
              c("range", "input"), call = call)
  }
  if (integer) as.integer(value) else value
}

coerce_logical <- function(x, label, t, call) {
  if (is.logical(x)) return(x)
  raw <- x
  text <- tolower(trimws(as.character(x)))
  text[text %in% na_strings] <- NA
  value <- rep(NA, length(x))
  value[text %in% c("true", "t", "yes", "y", "1")] <- TRUE
  value[text %in% c("false", "f", "no", "n", "0")] <- FALSE
  bad <- which(!is.na(text) & is.na(value))
  if (length(bad)) {
    where <- describe_rows(t$row[bad], raw[bad])
    vcf_abort(c("Column {label} must be TRUE or FALSE.",
                x = "Not recognized at {where}.",
                i = "Accepted: TRUE/FALSE, yes/no, y/n, 1/0 (any case)."),
              c("unknown_value", "input"), call = call)
  }
  value
}

coerce_choice <- function(x, name, label, t, call) {
  spec <- choice_spec(name)
  raw <- x
  if (is.factor(x)) x <- as.character(x)
  value <- rep(NA_character_, length(x))
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
    where <- describe_rows(t$row[bad], raw[bad])
    levels <- paste0("\"", spec$levels, "\"", collapse = ", ")
    also <- spec$also
    accepted <- paste0(levels,
                       if (length(also)) paste0(" (also ", paste0("\"", also, "\"", collapse = ", "), ")"),
                       if (spec$codes) paste0(", or codes 0-", length(spec$levels) - 1L),
                       "; any case")
    vcf_abort(c("Column {label} must be one of {accepted}.",
                x = "Not recognized at {where}."),
              c("unknown_value", "input"), call = call)
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

cohort_check_table <- function(t, map, call) {
  patient <- t$patient
  if (t$name == "patients") {
    check_duplicate_keys(patient, t, "patient", call)
    t$unit <- stats::setNames(rep("patient", ncol(t$df)), names(t$df))
    return(t)
  }
  level <- as.character(t$level)
  groups <- list(patient = group_id(patient), fracture = group_id(patient, level))
  if (t$name == "fractures") {
    check_duplicate_keys(key_of(patient, level), t, "patient x level", call)
  } else {
    visit <- as.character(t$visit)
    check_duplicate_keys(key_of(patient, level, visit), t,
                         "patient x level x visit", call)
    groups$patient_visit <- group_id(patient, visit)
  }
  unit <- character()
  for (nm in names(t$df)) {
    x <- t$df[[nm]]
    canon <- match(nm, vcf_variables$name)
    if (!is.na(canon)) {
      u <- vcf_variables$unit[canon]
      if (!is.null(groups[[u]])) check_constant(x, groups[[u]], nm, u, t, map, call)
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

check_constant <- function(x, g, name, unit, t, map, call) {
  bad <- group_mismatch(x, g)
  if (!length(bad)) return(invisible())
  label <- col_label(name, map, t$name)
  shown <- utils::head(bad, 3L)
  lines <- vapply(shown, function(b) {
    rows <- which(g == b & !is.na(x))
    who <- switch(unit,
                  patient = paste0("patient \"", t$patient[rows[1L]], "\""),
                  fracture = paste0("patient \"", t$patient[rows[1L]], "\" level ",
                                    t$level[rows[1L]]),
                  patient_visit = paste0("patient \"", t$patient[rows[1L]],
                                         "\" visit \"", t$visit[rows[1L]], "\""))
    paste0("Differs within ", who, " at ", describe_rows(t$row[rows], x[rows]), ".")
  }, character(1L))
  if (length(bad) > 3L) lines <- c(lines, paste0("... and ", length(bad) - 3L, " more."))
  what <- unit_label(unit)
  vcf_abort(c("Column {label} is a {what} variable and must have one value per {what}.",
              stats::setNames(lines, rep("x", length(lines))),
              i = "Missing values are ignored, so the value may be given on some rows only."),
            c("inconsistent", "input"), call = call)
}

# Matching separate tables ---------------------------------------------------------------

cohort_match_tables <- function(tabs, call) {
  data <- tabs$data
  data$added <- rep(FALSE, length(data$row))
  if (!is.null(tabs$fractures)) {
    fr <- tabs$fractures
    fkey <- key_of(fr$patient, fr$level)
    dkey <- key_of(data$patient, data$level)
    bad <- which(!dkey %in% fkey)
    if (length(bad)) {
      where <- describe_rows(data$row[bad], key_text(data$patient, data$level)[bad])
      vcf_abort(c("Every fracture in {.arg data} must be in {.arg fractures}.",
                  x = "Not in {.arg fractures}: {where}."),
                c("unmatched_key", "input"), call = call)
    }
    extra <- which(!fkey %in% dkey)
    if (length(extra)) {
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
    }
  }
  if (!is.null(tabs$patients)) {
    pt <- tabs$patients
    for (other in list(data, tabs$fractures)) {
      if (is.null(other)) next
      bad <- which(!other$patient %in% pt$patient & !is.na(other$row))
      if (length(bad)) {
        where <- describe_rows(other$row[bad], other$patient[bad])
        oname <- other$name
        vcf_abort(c("Every patient in {.arg {oname}} must be in {.arg patients}.",
                    x = "Not in {.arg patients}: {where}."),
                  c("unmatched_key", "input"), call = call)
      }
    }
    bad <- which(!pt$patient %in% data$patient)
    if (length(bad)) {
      where <- describe_rows(pt$row[bad], pt$patient[bad])
      vcf_abort(c("Every patient in {.arg patients} needs a fracture.",
                  x = "No fracture for {where}."),
                c("unmatched_key", "input"), call = call)
    }
  }
  check_baseline(data, call)
  tabs$data <- data
  tabs
}

check_baseline <- function(t, call) {
  g <- group_id(t$patient, as.character(t$level))
  first <- as.integer(tapply(as.integer(t$visit), g, min))
  bad <- which(first[g] > 1L & !duplicated(g))
  if (length(bad)) {
    base <- levels(t$visit)[1L]
    where <- describe_rows(t$row[bad], key_text(t$patient, t$level, t$visit)[bad])
    vcf_abort(c("Every fracture needs a row at the first visit, {.val {base}}.",
                x = "Fracture{?s} seen first at a later visit: {where}.",
                i = "Add a row at {.val {base}} (its outcomes may be missing)."),
              c("no_baseline", "input"), call = call)
  }
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

cohort_build <- function(tabs, visit, map) {
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
  columns$source[columns$name == "visit" & visit$derived] <- NA
  columns$source[columns$name == "month" & month_derived] <- NA
  columns$unit <- factor(columns$unit, levels = cohort_unit_names)
  columns <- columns[order(columns$unit, match(columns$name, c(vcf_variables$name, columns$name))), ]
  columns$unit <- as.character(columns$unit)
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
cohort_bme_class <- function(cohort, data, map, call) {
  v <- cohort$visits
  if (is.null(v[["bme_pct"]])) return(cohort)
  derived <- vcf_bme_class(v[["bme_pct"]])
  if (is.null(v[["bme_class"]])) {
    at <- match("bme_pct", names(v))
    cohort$visits <- cbind(v[seq_len(at)], bme_class = derived,
                           v[-seq_len(at)])
    at <- match("bme_pct", cohort$columns$name)
    row <- data.frame(name = "bme_class", unit = "visit", canonical = TRUE,
                      source = NA_character_, stringsAsFactors = FALSE)
    cohort$columns <- rbind(cohort$columns[seq_len(at), ], row,
                            cohort$columns[-seq_len(at), ])
    rownames(cohort$columns) <- NULL
    return(cohort)
  }
  bad <- which(!is.na(v[["bme_class"]]) & !is.na(derived) &
                 as.character(v[["bme_class"]]) != as.character(derived))
  if (length(bad)) {
    rows <- visit_rows(cohort, data)[bad]
    label <- col_label("bme_class", map)
    where <- describe_rows(rows, paste0(v[["bme_class"]][bad], " (bme_pct ", v[["bme_pct"]][bad], ")"))
    vcf_abort(c("Column {label} must agree with `bme_pct` as classed by {.fn vcf_bme_class}.",
                x = "Disagrees at {where}.",
                i = "Classes: none 0%, minor (0, 25), moderate [25, 75), severe [75, 100]."),
              c("bme_class", "input"), call = call)
  }
  cohort
}

# Rows of the user's `data` behind each row of `cohort$visits`.
visit_rows <- function(cohort, data) {
  v <- cohort$visits
  data$row[match(key_of(v$patient, v$level, v$visit),
                 key_of(data$patient, data$level, data$visit))]
}

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
  invisible(x)
}

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
