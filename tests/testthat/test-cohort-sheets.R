# The corpus of realistic sheets (data-raw/sheets.R): each is read in one
# vcf_cohort() call, and the paired comparisons of vcf_analyze() equal
# base R's t.test() on a copy of the sheet reshaped by hand here.
skip_if_not_installed("readxl")
skip_if_not_installed("data.table")

read_xlsx_raw <- function(name, ...) {
  as.data.frame(readxl::read_excel(sheet_path(name), ...), check.names = FALSE)
}

# Values of `col` at `visit` for each id of `ids`, from a long table.
at_visit <- function(df, id_col, visit_col, col, visit, ids) {
  at <- df[df[[visit_col]] == visit, , drop = FALSE]
  at[[col]][match(ids, at[[id_col]])]
}

test_that("wide.xlsx: second sheet, header under merged title rows, ODI at two visits", {
  co <- vcf_cohort(sheet_path("wide.xlsx"), sheet = "FU", patient = "Patient", age = "Age",
                   sex = "Sex", level = "Level", vas = vcf_wide("^VAS (.*)$"),
                   odi = vcf_wide("^ODI (.*)$"))
  expect_equal(co$visit_levels, c("pre", "3m", "12 mo"))
  expect_equal(unique(co$patient_visits$month), c(0, 3, 12))
  expect_s3_class(co$patients$`Date of surgery`, "Date")
  expect_false(co$columns$analysed[co$columns$name == "Comment"])
  expect_equal(co$columns$source[co$columns$name == "vas"], "VAS pre, VAS 3m, VAS 12 mo")
  fit <- vcf_analyze(co, boot = quick_boot())
  raw <- read_xlsx_raw("wide.xlsx", sheet = "FU", skip = 3)
  expect_paired_base(fit, "pre to 3m", "vas", raw$`VAS pre`, raw$`VAS 3m`)
  expect_paired_base(fit, "3m to 12 mo", "vas", raw$`VAS 3m`, raw$`VAS 12 mo`)
  expect_paired_base(fit, "pre to 12 mo", "odi", raw$`ODI pre`, raw$`ODI 12 mo`)
  # ODI exists before treatment and at 12 months only: no 3m pair, and the
  # coverage says so
  expect_false(any(grepl("odi", fit$paired[["pre to 3m"]]$outcome)))
  cov <- fit$coverage[fit$coverage$outcome == "odi", ]
  expect_equal(cov$n, c(16L, 0L, 16L))
  # own columns are not in Table 1
  expect_false(any(c("Comment", "Date of surgery") %in% fit$table1$characteristic))
  # the default sheet is the first, which holds no cohort
  expect_error(vcf_cohort(sheet_path("wide.xlsx"), patient = "Patient"),
               class = "vcf_error_empty")
  expect_error(vcf_cohort(sheet_path("wide.xlsx"), sheet = "Baseline"), class = "vcf_error_sheet")
  expect_snapshot(vcf_cohort(sheet_path("wide.xlsx"), sheet = 3), error = TRUE)
})

test_that("long.csv: a long comma-separated sheet with canonical names", {
  co <- vcf_cohort(sheet_path("long.csv"))
  expect_equal(co$visit_levels, c("baseline", "3 months", "12 months"))
  fit <- vcf_analyze(co, boot = quick_boot())
  raw <- utils::read.csv(sheet_path("long.csv"))
  ids <- unique(raw$patient)
  v <- function(visit) at_visit(raw, "patient", "visit", "vas", visit, ids)
  expect_paired_base(fit, "baseline to 3 months", "vas", v("baseline"), v("3 months"))
  expect_paired_base(fit, "baseline to 12 months", "vas", v("baseline"), v("12 months"))
  expect_s3_class(fit$followup, "vcf_followup")
  expect_false(is.null(fit$relation))
  expect_equal(nrow(co$patients), length(ids))
})

test_that("long_semicolon.csv: semicolons, decimal commas, trailing spaces", {
  co <- vcf_cohort(sheet_path("long_semicolon.csv"), patient = "ID", level = "Level",
                   visit = "Visit", vas = "VAS", bme_pct = "BME %")
  raw <- utils::read.csv2(sheet_path("long_semicolon.csv"), check.names = FALSE)
  expect_equal(sort(unique(as.character(co$fractures$level))), sort(unique(trimws(raw$Level))))
  expect_true(any(co$patient_visits$vas %% 1 != 0))
  fit <- vcf_analyze(co, boot = quick_boot())
  ids <- unique(raw$ID)
  v <- function(visit) at_visit(raw, "ID", "Visit", "VAS", visit, ids)
  expect_paired_base(fit, "pre-op to 3 mo", "vas", v("pre-op"), v("3 mo"))
  expect_paired_base(fit, "3 mo to 12 mo", "vas", v("3 mo"), v("12 mo"))
})

test_that("windows1252.csv: Excel's CSV on Windows is decoded, with a warning", {
  path <- sheet_path("windows1252.csv")
  level <- "Wirbelk\u00f6rper"
  expect_warning(co <- vcf_cohort(path, patient = "Patient", level = level,
                                  visit = "Untersuchung", vas = "Schmerz (VAS)"),
                 class = "vcf_warning_encoding")
  raw <- utils::read.csv2(path, check.names = FALSE, fileEncoding = "CP1252")
  expect_equal(co$columns$source[co$columns$name == "level"], level)
  expect_equal(sort(co$patient_visits$vas), sort(raw[["Schmerz (VAS)"]]))
  remarks <- co$patient_visits$Bemerkung
  expect_setequal(remarks[!is.na(remarks)], raw$Bemerkung[nzchar(raw$Bemerkung)])
  expect_true(all(validUTF8(remarks[!is.na(remarks)])))
  # bytes that are neither UTF-8 nor Windows-1252: a binary file named .csv
  junk <- withr::local_tempfile(fileext = ".csv")
  writeBin(as.raw(c(0x50, 0x4b, 0x03, 0x04, 0x81, 0x8d, 0x0a, 0x41, 0x0a)), junk)
  expect_error(vcf_cohort(junk), class = "vcf_error_file")
})

test_that("mixed.xlsx: long VAS rows and wide ODI columns in one sheet", {
  co <- vcf_cohort(sheet_path("mixed.xlsx"), patient = "Study ID", level = "Level",
                   visit = "Visit", vas = "VAS",
                   odi = c(pre = "ODI pre", "12m" = "ODI 12 months"))
  expect_equal(co$visit_levels, c("pre", "3m", "12m"))
  fit <- vcf_analyze(co, boot = quick_boot())
  raw <- read_xlsx_raw("mixed.xlsx")
  ids <- unique(raw$`Study ID`)
  first <- raw[raw$Visit == "pre", ]
  expect_paired_base(fit, "pre to 12m", "odi", first$`ODI pre`[match(ids, first$`Study ID`)],
                     first$`ODI 12 months`[match(ids, first$`Study ID`)])
  v <- function(visit) at_visit(raw, "Study ID", "Visit", "VAS", visit, ids)
  expect_paired_base(fit, "pre to 3m", "vas", v("pre"), v("3m"))
  # a wide label is matched to the long one by its month
  co2 <- vcf_cohort(sheet_path("mixed.xlsx"), patient = "Study ID", level = "Level",
                    visit = "Visit", vas = "VAS",
                    odi = c(baseline = "ODI pre", "12 months" = "ODI 12 months"))
  expect_equal(co2$patient_visits$odi, co$patient_visits$odi)
  # wide values repeated on a patient's rows must agree
  raw$`ODI pre`[2] <- raw$`ODI pre`[1]
  expect_equal(vcf_cohort(raw, patient = "Study ID", level = "Level", visit = "Visit",
                          odi = c(pre = "ODI pre"))$patient_visits$odi,
               co$patient_visits$odi * c(1, NA, NA))
  raw$`ODI pre`[2] <- raw$`ODI pre`[1] + 1
  err <- expect_error(vcf_cohort(raw, patient = "Study ID", level = "Level", visit = "Visit",
                                 odi = c(pre = "ODI pre")), class = "vcf_error_inconsistent")
  expect_equal(err$problems$row, 2L)
  expect_equal(err$problems$column, "ODI pre")
})

test_that("two_header.xlsx: group headers merged over visit headers", {
  co <- vcf_cohort(sheet_path("two_header.xlsx"), patient = "ID", level = "Level",
                   age = "Age", vas = vcf_wide("^VAS (.*)$"), odi = vcf_wide("^ODI (.*)$"))
  expect_equal(co$columns$source[co$columns$name == "vas"],
               "VAS pre, VAS 3 months, VAS 12 months")
  expect_true("Remarks" %in% names(co$patients))
  raw <- read_xlsx_raw("two_header.xlsx", skip = 4, col_names = FALSE,
                       .name_repair = "minimal")
  names(raw) <- c("id", "level", "age", "v0", "v3", "v12", "o0", "o12", "remarks")
  fit <- vcf_analyze(co, boot = quick_boot())
  expect_paired_base(fit, "pre to 3 months", "vas", raw$v0, raw$v3)
  expect_paired_base(fit, "pre to 12 months", "odi", raw$o0, raw$o12)
  # the same with the header rows given
  given <- vcf_cohort(sheet_path("two_header.xlsx"), header = 3:4, patient = "ID",
                      level = "Level", vas = vcf_wide("^VAS (.*)$"))
  expect_equal(given$patient_visits$vas, co$patient_visits$vas)
  expect_error(vcf_cohort(sheet_path("two_header.xlsx"), header = c(3, 5)),
               class = "vcf_error_header")
})

test_that("german.xlsx: w/m, Th levels, ja/nein, German visit labels", {
  co <- vcf_cohort(sheet_path("german.xlsx"), patient = "Pat-Nr", age = "Alter",
                   sex = "Geschlecht", level = "Hoehe", new_vcf = "Neue Fraktur",
                   vas = vcf_wide("^VAS (.*)$"), extra = "Diabetes")
  raw <- read_xlsx_raw("german.xlsx")
  expect_equal(as.character(co$patients$sex), ifelse(raw$Geschlecht == "w", "female", "male"))
  expect_equal(co$patients$new_vcf, raw$`Neue Fraktur` == "ja")
  expect_equal(co$patients$Diabetes, raw$Diabetes == "ja")
  expect_equal(as.character(co$fractures$level), sub("^Th", "T", raw$Hoehe))
  expect_equal(co$visit_levels, c("0", "3 Monate", "12 Monate"))
  expect_equal(unique(co$patient_visits$month), c(0, 3, 12))
  fit <- vcf_analyze(co, subgroup = "new_vcf", boot = quick_boot())
  expect_paired_base(fit, "0 to 3 Monate", "vas", raw$`VAS 0`, raw$`VAS 3 Monate`)
  expect_paired_base(fit, "0 to 12 Monate", "vas", raw$`VAS 0`, raw$`VAS 12 Monate`)
  diabetes <- fit$findings[fit$findings$variable == "Diabetes", ]
  expect_equal(diabetes$count, sum(raw$Diabetes == "ja"))
})

test_that("dutch.csv: m/v, ja/nee, Dutch visit labels", {
  co <- vcf_cohort(sheet_path("dutch.csv"), patient = "Patientnummer", age = "Leeftijd",
                   sex = "Geslacht", level = "Niveau", new_vcf = "Nieuwe fractuur",
                   vas = vcf_wide("^VAS (.*)$"), extra = "Diabetes")
  raw <- utils::read.csv2(sheet_path("dutch.csv"), check.names = FALSE)
  expect_equal(as.character(co$patients$sex), ifelse(raw$Geslacht == "v", "female", "male"))
  expect_equal(co$patients$Diabetes, raw$Diabetes == "ja")
  expect_equal(co$visit_levels, c("0", "3 maanden", "1 jaar"))
  expect_equal(unique(co$patient_visits$month), c(0, 3, 12))
  fit <- vcf_analyze(co, boot = quick_boot())
  expect_paired_base(fit, "3 maanden to 1 jaar", "vas", raw$`VAS 3 maanden`, raw$`VAS 1 jaar`)
})

test_that("missing_visits.xlsx: n.a., -, ? and empty cells are missing visits", {
  co <- vcf_cohort(sheet_path("missing_visits.xlsx"), patient = "Patient", level = "Level",
                   vas = vcf_wide("^VAS (.*)$"))
  raw <- read_xlsx_raw("missing_visits.xlsx")
  num <- function(x) suppressWarnings(as.numeric(ifelse(x %in% c("n.a.", "-", "?"), NA, x)))
  expect_equal(sum(is.na(co$patient_visits$vas)), 6L)
  fit <- vcf_analyze(co, boot = quick_boot())
  expect_paired_base(fit, "pre to 3m", "vas", num(raw$`VAS pre`), num(raw$`VAS 3m`))
  expect_paired_base(fit, "3m to 12m", "vas", num(raw$`VAS 3m`), num(raw$`VAS 12m`))
  expect_paired_base(fit, "pre to 12m", "vas", num(raw$`VAS pre`), num(raw$`VAS 12m`))
})

test_that("odi_two_visits.tsv: numeric visits, ODI at 0 and 12 only", {
  co <- vcf_cohort(sheet_path("odi_two_visits.tsv"))
  expect_equal(co$visit_levels, c("0", "3", "12"))
  raw <- utils::read.delim(sheet_path("odi_two_visits.tsv"))
  ids <- unique(raw$patient)
  v <- function(col, visit) at_visit(raw, "patient", "visit", col, visit, ids)
  fit <- vcf_analyze(co, boot = quick_boot())
  expect_paired_base(fit, "0 to 12", "odi", v("odi", 0), v("odi", 12))
  expect_paired_base(fit, "0 to 3", "vas", v("vas", 0), v("vas", 3))
  expect_false("odi" %in% fit$paired[["0 to 3"]]$outcome)
  # numeric visits are accepted by vcf_paired(), as numbers or text
  tab <- vcf_paired(co, from = 0, to = 12, outcomes = "odi")
  base <- stats::t.test(v("odi", 0), v("odi", 12), paired = TRUE)
  expect_equal(tab$statistic, unname(base$statistic), tolerance = 1e-10)
  expect_equal(vcf_paired(co, "0", "12", outcomes = "odi")$p_value, tab$p_value)
  expect_error(vcf_paired(co, from = 1, to = 12), class = "vcf_error_visit")
  expect_snapshot(vcf_paired(co, from = 1, to = 12), error = TRUE)
})

test_that("per_fracture.xlsx: a subgroup that varies within a patient says how to choose", {
  co <- vcf_cohort(sheet_path("per_fracture.xlsx"), patient = "Patient", age = "Age",
                   level = "Level", visit = "Visit", vas = "VAS", bme_pct = "BME %",
                   procedure = "Procedure")
  expect_error(vcf_analyze(co, subgroup = "procedure"), class = "vcf_error_subgroup_level")
  expect_snapshot(vcf_analyze(co, subgroup = "procedure", boot = quick_boot()), error = TRUE)
  expect_error(vcf_followup(co, by = "procedure"), class = "vcf_error_subgroup_level")
  raw <- read_xlsx_raw("per_fracture.xlsx")
  for (how in c("first", "any", "all")) {
    groups <- vcf_subgroup(co, procedure == "BKP", fracture = how)
    f <- unique(raw[c("Patient", "Level", "Procedure")])
    f <- f[order(f$Patient, match(f$Level, c("T12", "L1", "L2"))), ]
    expected <- vapply(split(f$Procedure == "BKP", f$Patient), switch(how,
      first = function(x) x[1], any = any, all = all), logical(1))
    expect_equal(unname(as.character(groups)), unname(ifelse(expected[names(groups)], "A", "B")))
  }
  fit <- vcf_analyze(co, subgroup = vcf_subgroup(co, procedure == "BKP", fracture = "any"),
                     boot = quick_boot())
  expect_s3_class(fit, "vcf_analysis")
  # fracture-level columns with one value per patient are usable as they are
  one <- co
  one$fractures$procedure <- factor("PV", levels = c("PV", "BKP"))
  expect_s3_class(vcf_analyze(one, subgroup = "procedure", boot = quick_boot()), "vcf_analysis")
  expect_error(vcf_analyze(co, subgroup = "nope"), class = "vcf_error_unknown_column")
})

test_that("final_visit.xlsx: 'final' and 'FU1' need the user's order", {
  map <- list(sheet_path("final_visit.xlsx"), patient = "ID", level = "Level",
              vas = vcf_wide("^VAS (.*)$"))
  expect_error(do.call(vcf_cohort, map), class = "vcf_error_visit_order")
  expect_snapshot(do.call(vcf_cohort, map), error = TRUE)
  co <- do.call(vcf_cohort, c(map, list(visits = c("pre", "FU1", "final"))))
  expect_equal(co$visit_levels, c("pre", "FU1", "final"))
  co_month <- do.call(vcf_cohort, c(map, list(visits = c(pre = 0, FU1 = 3, final = 18))))
  expect_equal(unique(co_month$patient_visits$month), c(0, 3, 18))
  raw <- read_xlsx_raw("final_visit.xlsx")
  fit <- vcf_analyze(co, boot = quick_boot())
  expect_paired_base(fit, "FU1 to final", "vas", raw$`VAS FU1`, raw$`VAS final`)
})

test_that("numeric_visits.csv: visits named by numbers, own dates and free text", {
  co <- vcf_cohort(sheet_path("numeric_visits.csv"), patient = "id",
                   vas = c("0" = "VAS_0", "3" = "VAS_3", "12" = "VAS_12"),
                   extra = c("diabetes", "surgery", "comment"))
  expect_s3_class(co$patients$surgery, "Date")
  expect_type(co$patients$diabetes, "logical")
  raw <- utils::read.csv(sheet_path("numeric_visits.csv"))
  expect_equal(co$patients$surgery, as.Date(raw$surgery, format = "%d.%m.%Y"))
  fit <- vcf_analyze(co, boot = quick_boot())
  expect_paired_base(fit, "0 to 3", "vas", raw$VAS_0, raw$VAS_3)
  # dates and free text are never tabulated, even when listed in `extra`
  expect_true(all(c("Table 1: surgery", "Table 1: comment") %in% fit$skipped$analysis))
  expect_equal(unique(fit$findings$variable), "diabetes")
  expect_false(any(c("surgery", "comment") %in% fit$table1$characteristic))
  tab <- vcf_paired(co, from = 0, to = 3)
  base <- stats::t.test(raw$VAS_0, raw$VAS_3, paired = TRUE)
  expect_equal(tab$p_value, base$p.value, tolerance = 1e-10)
})

test_that("errors.xlsx: one error lists all 15 problems with their spreadsheet rows", {
  read_errors <- function() {
    vcf_cohort(sheet_path("errors.xlsx"), patient = "Patient", age = "Age", sex = "Sex",
               level = "Level", new_vcf = "New fracture",
               analgesic = c(pre = "Painkillers pre"), vas = vcf_wide("^VAS (.*)$"),
               odi = c(pre = "ODI pre"), bme_pct = c(pre = "BME pre"))
  }
  err <- expect_error(read_errors(), class = "vcf_error_cohort")
  expect_s3_class(err, "vcf_error_input")
  p <- err$problems
  expect_s3_class(p, "data.frame")
  expect_equal(nrow(p), 15L)
  # header on row 3 under a title: the data start on row 4
  expect_equal(p$row, c(4:14, 16:18, 20))
  expect_equal(p$column, c("VAS pre", "VAS 3m", "VAS 12 mo", "Sex", "Level", "Level",
                           "Patient", "Age", "Age", "ODI pre", "New fracture", "Patient",
                           "Painkillers pre", "BME pre", "Age"))
  expect_setequal(p$kind, c("type", "range", "unknown_value", "unknown_level", "missing_key",
                            "duplicate_key", "inconsistent"))
  for (kind in unique(p$kind)) expect_s3_class(err, paste0("vcf_error_", kind))
  expect_snapshot(read_errors(), error = TRUE)
})

test_that("more problems than the limit are summarised, all in cnd$problems", {
  df <- data.frame(patient = sprintf("P%02d", 1:30), level = "L1", vas = "x")
  err <- expect_error(vcf_cohort(df), class = "vcf_error_cohort")
  expect_equal(nrow(err$problems), 30L)
  expect_match(conditionMessage(err), "and 10 more; all 30")
  expect_equal(lengths(regmatches(conditionMessage(err), gregexpr("Row [0-9]+", conditionMessage(err)))), 20L)
})

test_that("cell rules: numbers as text, decimal commas, ranges, missing markers, levels", {
  df <- data.frame(patient = c(" P1 ", "P2", "P3", "P4", "P5", "P6"),
                   level = c("Th12", "th 11", "L1", "D12", "T12", "l2"),
                   vas = c(" 7 ", "7,5", "n.a.", "-", "?", "8.0"),
                   sex = c("w", "M", "weiblich", "v", "m", "Female"),
                   new_vcf = c("ja", "nein", "nee", "Yes", "", "0"))
  co <- vcf_cohort(df)
  expect_equal(co$patients$patient, paste0("P", 1:6))
  expect_equal(as.character(co$fractures$level), c("T12", "T11", "L1", "T12", "T12", "L2"))
  expect_equal(co$patient_visits$vas, c(7, 7.5, NA, NA, NA, 8))
  expect_equal(as.character(co$patients$sex),
               c("female", "male", "female", "female", "male", "female"))
  expect_equal(co$patients$new_vcf, c(TRUE, FALSE, FALSE, TRUE, NA, FALSE))
  df$vas[1] <- "7-8"
  df$level[2] <- "L1/L2"
  err <- expect_error(vcf_cohort(df), class = "vcf_error_cohort")
  expect_equal(err$problems$problem, c("a range, not one number", "two levels in one cell"))
  expect_match(err$problems$fix[1], "7.5")
})

test_that("every argument of vcf_cohort is checked", {
  df <- data.frame(patient = 1:2, level = "L1")
  expect_error(vcf_cohort(NULL), class = "vcf_error_type")
  expect_error(vcf_cohort(NA), class = "vcf_error_type")
  expect_error(vcf_cohort(c("a.csv", "b.csv")), class = "vcf_error_type")
  expect_error(vcf_cohort(df, patients = 3), class = "vcf_error_type")
  expect_error(vcf_cohort(df, extra = 1), class = "vcf_error_type")
  expect_error(vcf_cohort(df, extra = NA_character_), class = "vcf_error_type")
  expect_error(vcf_cohort(df, visits = list()), class = "vcf_error_visits")
  expect_error(vcf_cohort(df, visits = c(a = -1)), class = "vcf_error_visits")
  expect_error(vcf_cohort(df, visits = c(a = 1, a = 2)), class = "vcf_error_visits")
  expect_error(vcf_cohort(df, vas = vcf_wide("x(.*)")), class = "vcf_error_missing_column")
  expect_snapshot(vcf_cohort(df, extra = "bmi"), error = TRUE)
})

test_that("files that cannot be read are classed errors naming them", {
  expect_error(vcf_cohort(tempfile(fileext = ".xlsx")), class = "vcf_error_file")
  txt <- tempfile(fileext = ".sav")
  writeLines("x", txt)
  expect_error(vcf_cohort(txt), class = "vcf_error_file")
  expect_error(vcf_cohort(sheet_path("long.csv"), sheet = "x"), class = "vcf_error_sheet")
  expect_error(vcf_cohort(data.frame(patient = 1, level = "L1"), sheet = 1),
               class = "vcf_error_sheet")
  expect_error(vcf_cohort(data.frame(patient = 1, level = "L1"), header = 1),
               class = "vcf_error_header")
  expect_error(vcf_cohort(sheet_path("long.csv"), header = 0), class = "vcf_error_header")
  bad <- tempfile(fileext = ".xlsx")
  writeLines("not a workbook", bad)
  expect_error(vcf_cohort(bad), class = "vcf_error_file")
})

test_that("vcf_wide() and wide mappings are checked", {
  expect_error(vcf_wide("^VAS"), class = "vcf_error_pattern")
  expect_error(vcf_wide("(["), class = "vcf_error_pattern")
  expect_error(vcf_wide(1), class = "vcf_error_argument")
  expect_output(print(vcf_wide("^VAS (.*)$")), "capture is the visit")
  df <- data.frame(id = "P1", level = "L1", `VAS pre` = 5, check.names = FALSE)
  expect_error(vcf_cohort(df, patient = "id", vas = vcf_wide("^ODI (.*)$")),
               class = "vcf_error_missing_column")
  expect_error(vcf_cohort(df, patient = "id", vas = c(pre = "VAS post")),
               class = "vcf_error_missing_column")
  expect_error(vcf_cohort(df, patient = "id", level = c(a = "level")), class = "vcf_error_type")
  expect_error(vcf_cohort(df, patient = "id", vas = c(pre = "VAS pre", "3" = "VAS pre")),
               class = "vcf_error_type")
  co <- vcf_cohort(df, patient = "id", vas = c(pre = "VAS pre"))
  expect_equal(co$patient_visits$vas, 5)
})
