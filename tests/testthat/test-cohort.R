# A small synthetic cohort: P1 has a treated T12 followed over three visits
# and an untreated L1 seen at baseline only; P2 and P3 have one treated
# fracture each. P3 misses VAS at 3 mo and BME at 12 mo.
long_cohort <- function() {
  data.frame(
    patient = c("P1", "P1", "P1", "P1", "P2", "P2", "P2", "P3", "P3", "P3"),
    level = c("T12", "T12", "T12", "L1", "L2", "L2", "L2", "T11", "T11", "T11"),
    visit = c("0 mo", "3 mo", "12 mo", "0 mo", "0 mo", "3 mo", "12 mo",
              "0 mo", "3 mo", "12 mo"),
    age = c(71, 71, 71, 71, 64, 64, 64, 80, 80, 80),
    sex = c("F", "F", "F", "F", "male", "male", "male", "Woman", "Woman", "Woman"),
    treated = c(TRUE, TRUE, TRUE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE),
    procedure = c("PV", "PV", "PV", NA, "vertebroplasty", "vertebroplasty",
                  "vertebroplasty", "bkp", "bkp", "bkp"),
    bme_pct = c(60, 20, 0, NA, 80, 40, 10, 30, 5, NA),
    vas = c(8, 4, 2, 8, 7, 3, 1, 9, NA, 2),
    analgesic = c("opioid", "NSAID", "none", "opioid", 3, 1, 0, "Opiate",
                  "paracetamol", "no"),
    bmi = c(24.1, 24.1, 24.1, 24.1, 30.2, 30.2, 30.2, 22, 22, 22),
    stringsAsFactors = FALSE
  )
}

# An input error of the given subclass, with the full class chain: either
# raised at once (a problem with the call) or one of the sheet's problems
# in the single vcf_error_cohort report.
expect_cohort_error <- function(expr, class) {
  err <- expect_error(expr, class = paste0("vcf_error_", class))
  expect_s3_class(err, "vcf_error_input")
  expect_s3_class(err, "vcf_error")
  if (inherits(err, "vcf_error_cohort")) {
    expect_equal(class(err)[1L], "vcf_error_cohort")
    expect_true(class %in% err$problems$kind)
    expect_equal(utils::tail(class(err), 5L), c("vcf_error_input", "vcf_error",
                                                  "rlang_error", "error", "condition"))
  } else {
    expect_equal(class(err)[1:3], c(paste0("vcf_error_", class), "vcf_error_input",
                                    "vcf_error"))
  }
}

# Structure ----------------------------------------------------------------------

test_that("a long table becomes patients, fractures, visits and patient visits", {
  co <- vcf_cohort(long_cohort())
  expect_s3_class(co, "vcf_cohort")
  expect_named(co, c("patients", "fractures", "visits", "patient_visits",
                     "visit_levels", "columns"))
  expect_equal(co$visit_levels, c("0 mo", "3 mo", "12 mo"))

  expect_equal(co$patients$patient, c("P1", "P2", "P3"))
  expect_equal(co$patients$age, c(71, 64, 80))
  expect_equal(co$patients$sex, factor(c("female", "male", "female"),
                                       levels = c("female", "male")))
  expect_equal(co$patients$bmi, c(24.1, 30.2, 22))

  expect_equal(nrow(co$fractures), 4L)
  expect_equal(as.character(co$fractures$level), c("T12", "L1", "L2", "T11"))
  expect_true(is.ordered(co$fractures$level))
  expect_equal(co$fractures$treated, c(TRUE, FALSE, TRUE, TRUE))
  expect_equal(as.character(co$fractures$procedure), c("PV", NA, "PV", "BKP"))
  expect_equal(levels(co$fractures$procedure), c("PV", "BKP"))

  expect_equal(nrow(co$visits), 10L)
  expect_true(is.ordered(co$visits$visit))
  expect_equal(levels(co$visits$visit), co$visit_levels)
  # sorted by patient, level (cranial to caudal), visit
  expect_equal(as.character(co$visits$level[1:4]), c("T12", "T12", "T12", "L1"))
  expect_equal(as.character(co$visits$visit[1:4]), c("0 mo", "3 mo", "12 mo", "0 mo"))
  expect_equal(co$visits$bme_pct, c(60, 20, 0, NA, 80, 40, 10, 30, 5, NA))
  expect_equal(co$visits$bme_class, vcf_bme_class(co$visits$bme_pct))
  # month derived from the labels
  expect_equal(co$visits$month, c(0, 3, 12, 0, 0, 3, 12, 0, 3, 12))

  pv <- co$patient_visits
  expect_equal(nrow(pv), 9L)
  expect_equal(pv$vas, c(8, 4, 2, 7, 3, 1, 9, NA, 2))
  expect_equal(as.character(pv$analgesic),
               c("opiate", "NSAID", "none", "opiate", "paracetamol", "none",
                 "opiate", "paracetamol", "none"))
  expect_true(is.ordered(pv$analgesic))
  expect_equal(levels(pv$analgesic), c("none", "paracetamol", "NSAID", "opiate"))
  expect_equal(pv$month, c(0, 3, 12, 0, 3, 12, 0, 3, 12))
})

test_that("$columns records unit, canonical and source of every column", {
  co <- vcf_cohort(long_cohort())
  cols <- co$columns
  expect_named(cols, c("name", "unit", "canonical", "source", "analysed"))
  # own columns are kept but analysed only when listed in `extra`
  expect_false(cols$analysed[cols$name == "bmi"])
  expect_true(all(cols$analysed[cols$name != "bmi"]))
  with_bmi <- vcf_cohort(long_cohort(), extra = "bmi")$columns
  expect_true(with_bmi$analysed[with_bmi$name == "bmi"])
  expect_error(vcf_cohort(long_cohort(), extra = "BMI"), class = "vcf_error_missing_column")
  unit <- stats::setNames(cols$unit, cols$name)
  expect_equal(unit[c("patient", "age", "sex", "bmi", "level", "treated",
                      "procedure", "visit", "bme_pct", "bme_class", "month",
                      "vas", "analgesic")],
               c(patient = "patient", age = "patient", sex = "patient",
                 bmi = "patient", level = "fracture", treated = "fracture",
                 procedure = "fracture", visit = "visit", bme_pct = "visit",
                 bme_class = "visit", month = "patient_visit",
                 vas = "patient_visit", analgesic = "patient_visit"))
  expect_false(cols$canonical[cols$name == "bmi"])
  expect_true(all(cols$canonical[cols$name != "bmi"]))
  # derived columns have no source
  expect_true(is.na(cols$source[cols$name == "bme_class"]))
  expect_true(is.na(cols$source[cols$name == "month"]))
  expect_equal(cols$source[cols$name == "vas"], "vas")
  expect_false(anyDuplicated(cols$name) > 0)
})

test_that("data.frame, tibble and data.table input give the same cohort", {
  df <- long_cohort()
  ref <- vcf_cohort(df)
  skip_if_not_installed("tibble")
  expect_equal(vcf_cohort(tibble::as_tibble(df)), ref)
  skip_if_not_installed("data.table")
  expect_equal(vcf_cohort(data.table::as.data.table(df)), ref)
  expect_s3_class(vcf_cohort(data.table::as.data.table(df))$visits, "data.frame")
  expect_false(inherits(vcf_cohort(data.table::as.data.table(df))$visits, "data.table"))
})

test_that("a factor or numeric patient id becomes text and sorts naturally", {
  df <- long_cohort()
  df$patient <- c(10, 10, 10, 10, 2, 2, 2, 1e5, 1e5, 1e5)
  co <- vcf_cohort(df)
  expect_equal(co$patients$patient, c("2", "10", "100000"))
  df$patient <- factor(rep(c("P10", "P2", "P1"), c(4, 3, 3)))
  expect_equal(vcf_cohort(df)$patients$patient, c("P1", "P2", "P10"))
})

test_that("as.data.frame() gives back a long table that rebuilds the cohort", {
  co <- vcf_cohort(long_cohort())
  long <- as.data.frame(co)
  expect_equal(nrow(long), 10L)
  expect_equal(names(long)[1:3], c("patient", "level", "visit"))
  expect_equal(long$age, c(71, 71, 71, 71, 64, 64, 64, 80, 80, 80))
  expect_equal(long$vas[4], 8) # the untreated L1 carries P1's baseline VAS
  again <- vcf_cohort(long)
  co$columns$source <- NULL
  again$columns$source <- NULL
  expect_equal(again, co)
})

# Column mapping -------------------------------------------------------------------

test_that("... maps the user's column names to canonical ones", {
  df <- long_cohort()
  names(df)[names(df) == "patient"] <- "Study ID"
  names(df)[names(df) == "vas"] <- "VAS_score"
  names(df)[names(df) == "level"] <- "Vertebra"
  co <- vcf_cohort(df, patient = "Study ID", vas = "VAS_score", level = "Vertebra")
  ref <- vcf_cohort(long_cohort())
  expect_equal(co$patient_visits, ref$patient_visits)
  expect_equal(co$visits, ref$visits)
  src <- stats::setNames(co$columns$source, co$columns$name)
  expect_equal(src[c("patient", "vas", "level", "age")],
               c(patient = "Study ID", vas = "VAS_score", level = "Vertebra",
                 age = "age"))
  # mapping a column to its own name is harmless
  expect_equal(vcf_cohort(long_cohort(), vas = "vas")$patient_visits,
               ref$patient_visits)
})

test_that("bad mappings are classed errors", {
  df <- long_cohort()
  expect_error(vcf_cohort(df, paitent = "patient"), class = "vcf_error_unknown_variable")
  expect_error(vcf_cohort(df, paitent = "patient"), class = "vcf_error_argument")
  expect_snapshot(vcf_cohort(df, paitent = "patient", pain = "vas"), error = TRUE)
  expect_snapshot(vcf_cohort(df, "patient"), error = TRUE)
  expect_error(vcf_cohort(df, "patient"), class = "vcf_error_unknown_variable")

  expect_cohort_error(vcf_cohort(df, vas = "VAS_score"), "missing_column")
  expect_snapshot(vcf_cohort(df, vas = "VAS_score"), error = TRUE)

  expect_error(vcf_cohort(df, vas = 3), class = "vcf_error_type")
  expect_snapshot(vcf_cohort(df, vas = c("a", "b")), error = TRUE)
  expect_error(vcf_cohort(df, vas = "bmi", odi = "bmi"),
               class = "vcf_error_duplicate_column")
  expect_snapshot(vcf_cohort(df, vas = "bmi", odi = "bmi"), error = TRUE)
  expect_error(vcf_cohort(df, vas = "bmi", vas = "age"),
               class = "vcf_error_duplicate_column")

  # mapping onto a canonical column that is already there
  expect_cohort_error(vcf_cohort(df, vas = "bmi"), "duplicate_column")
  expect_snapshot(vcf_cohort(df, vas = "bmi"), error = TRUE)
})

test_that("data must be a non-empty data frame with unique column names", {
  expect_error(vcf_cohort(list(patient = 1)), class = "vcf_error_type")
  expect_error(vcf_cohort(list(patient = 1)), class = "vcf_error_argument")
  expect_snapshot(vcf_cohort(matrix(1:4, 2)), error = TRUE)
  expect_cohort_error(vcf_cohort(long_cohort()[0, ]), "empty")
  expect_snapshot(vcf_cohort(long_cohort()[0, ]), error = TRUE)
  df <- long_cohort()
  names(df)[names(df) == "bmi"] <- "age"
  expect_cohort_error(vcf_cohort(df), "duplicate_column")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

# The user's own columns ----------------------------------------------------------------

test_that("the unit of the user's own columns is inferred from where they vary", {
  df <- long_cohort()
  df$site <- c("A", "A", "A", "A", "B", "B", "B", "A", "A", "A")          # patient
  df$cement_brand <- c("X", "X", "X", "Y", "X", "X", "X", "Z", "Z", "Z")  # fracture
  df$sleep <- c(5, 6, 7, 5, 4, 4, 8, 6, 6, 7)                             # patient x visit
  df$reader <- c("r1", "r2", "r1", "r2", "r1", "r1", "r2", "r2", "r1", "r2") # visit
  df$tscore <- c(-2.5, NA, NA, NA, NA, -3.1, NA, NA, NA, NA)              # patient, sparse
  df$all_na <- NA
  co <- vcf_cohort(df)
  unit <- stats::setNames(co$columns$unit, co$columns$name)
  expect_equal(unit[c("site", "cement_brand", "sleep", "reader", "tscore", "all_na")],
               c(site = "patient", cement_brand = "fracture",
                 sleep = "patient_visit", reader = "visit", tscore = "patient",
                 all_na = "patient"))
  expect_equal(co$patients$site, c("A", "B", "A"))
  expect_equal(co$patients$tscore, c(-2.5, -3.1, NA))
  expect_equal(co$fractures$cement_brand, c("X", "Y", "X", "Z"))
  expect_equal(co$patient_visits$sleep, c(5, 6, 7, 4, 4, 8, 6, 6, 7))
  expect_equal(co$visits$reader, df$reader)
  expect_false(any(co$columns$canonical[co$columns$name %in% c("site", "reader")]))
  # a factor or Date column keeps its class
  df$clinic <- factor(df$site)
  df$op_date <- as.Date("2020-01-01") + c(0, 0, 0, 0, 5, 5, 5, 9, 9, 9)
  co <- vcf_cohort(df)
  expect_s3_class(co$patients$op_date, "Date")
  expect_equal(co$patients$clinic, factor(c("A", "B", "A")))
})

test_that("canonical values may be given on some rows only", {
  df <- long_cohort()
  df$age[c(2, 3, 4)] <- NA
  df$procedure[c(1, 2)] <- NA
  co <- vcf_cohort(df)
  expect_equal(co$patients$age, c(71, 64, 80))
  expect_equal(as.character(co$fractures$procedure), c("PV", NA, "PV", "BKP"))
})

# Separate tables ------------------------------------------------------------------------------

test_that("separate patient, fracture and visit tables give the same cohort", {
  df <- long_cohort()
  patients <- unique(df[c("patient", "age", "sex", "bmi")])
  fractures <- unique(df[c("patient", "level", "treated", "procedure")])
  visits <- df[c("patient", "level", "visit", "bme_pct", "vas", "analgesic")]
  co <- vcf_cohort(visits, patients = patients, fractures = fractures)
  ref <- vcf_cohort(df)
  expect_equal(co$patients, ref$patients)
  expect_equal(co$fractures, ref$fractures)
  expect_equal(co$visits, ref$visits)
  expect_equal(co$patient_visits, ref$patient_visits)
  expect_equal(co$columns[order(co$columns$name), ],
               ref$columns[order(ref$columns$name), ], ignore_attr = TRUE)
})

test_that("separate tables: own columns take their table's unit, mapping applies to all", {
  df <- long_cohort()
  patients <- data.frame(ID = c("P1", "P2", "P3"), age = c(71, 64, 80),
                         smoker = c("no", "no", "yes"))
  fractures <- data.frame(ID = c("P1", "P1", "P2", "P3"),
                          level = c("T12", "L1", "L2", "T11"),
                          treated = c(1, 0, 1, 1),
                          note = c("a", "a", "b", "c"))
  visits <- df[c("patient", "level", "visit", "vas")]
  names(visits)[1] <- "ID"
  co <- vcf_cohort(visits, patient = "ID", patients = patients, fractures = fractures)
  unit <- stats::setNames(co$columns$unit, co$columns$name)
  # `note` is constant within P1 but lives in the fracture table
  expect_equal(unit[c("smoker", "note", "age", "treated")],
               c(smoker = "patient", note = "fracture", age = "patient",
                 treated = "fracture"))
  expect_equal(co$fractures$note, c("a", "a", "b", "c"))
})

test_that("fractures without visit rows get a baseline row", {
  df <- long_cohort()
  visits <- df[df$level != "L1", c("patient", "level", "visit", "bme_pct", "vas")]
  fractures <- unique(df[c("patient", "level", "treated")])
  co <- vcf_cohort(visits, fractures = fractures)
  expect_equal(nrow(co$visits), 10L)
  l1 <- co$visits[co$visits$level == "L1", ]
  expect_equal(as.character(l1$visit), "0 mo")
  expect_true(is.na(l1$bme_pct))
  expect_equal(l1$month, 0) # from P1's other rows at baseline
  expect_equal(co$patient_visits$vas, c(8, 4, 2, 7, 3, 1, 9, NA, 2))
})

test_that("separate tables that do not fit together are classed errors", {
  df <- long_cohort()
  patients <- unique(df[c("patient", "age")])
  fractures <- unique(df[c("patient", "level", "treated")])
  visits <- df[c("patient", "level", "visit", "vas")]

  expect_cohort_error(vcf_cohort(visits, patients = patients[1:2, ]), "unmatched_key")
  expect_snapshot(vcf_cohort(visits, patients = patients[1:2, ]), error = TRUE)
  extra <- rbind(patients, data.frame(patient = "P9", age = 50))
  expect_cohort_error(vcf_cohort(visits, patients = extra), "unmatched_key")
  expect_snapshot(vcf_cohort(visits, patients = extra), error = TRUE)
  expect_cohort_error(vcf_cohort(visits, fractures = fractures[-1, ]), "unmatched_key")
  expect_snapshot(vcf_cohort(visits, fractures = fractures[-1, ]), error = TRUE)

  # a column in two tables
  expect_cohort_error(vcf_cohort(df, patients = patients), "duplicate_column")
  expect_snapshot(vcf_cohort(df, patients = patients), error = TRUE)
  # a visit variable in the patient table
  expect_cohort_error(vcf_cohort(visits[-4], patients = unique(df[c("patient", "vas")])[1:3, ]),
                      "wrong_table")
  bad <- data.frame(patient = c("P1", "P2", "P3"), vas = 1, bme_pct = 2)
  expect_snapshot(vcf_cohort(visits[-4], patients = bad), error = TRUE)
  # duplicated keys in the side tables
  expect_cohort_error(vcf_cohort(visits, patients = patients[c(1, 1, 2, 3), ]),
                      "duplicate_key")
  expect_snapshot(vcf_cohort(visits, patients = patients[c(1, 1, 2, 3), ]), error = TRUE)
  expect_cohort_error(vcf_cohort(visits, fractures = fractures[c(1, 2, 2, 3, 4), ]),
                      "duplicate_key")
  # keys missing from a side table
  expect_cohort_error(vcf_cohort(visits, fractures = fractures[-2]), "missing_key")
  expect_snapshot(vcf_cohort(visits, fractures = fractures[-2]), error = TRUE)
  # a patient-level value that differs between a patient's fractures
  fr <- fractures
  fr$age <- c(71, 72, 64, 80)
  expect_cohort_error(vcf_cohort(visits, fractures = fr), "inconsistent")
  expect_snapshot(vcf_cohort(visits, fractures = fr), error = TRUE)
  expect_error(vcf_cohort(visits, patients = "P1"), class = "vcf_error_file")
})

# Levels --------------------------------------------------------------------------------------

test_that("levels are parsed from names, Th- spellings and VerSe codes", {
  df <- long_cohort()
  df$level <- c("t12", "Th12", "19", "20", "L 2", "l2", "21", "Th11", "T11", "18")
  co <- vcf_cohort(df)
  expect_equal(as.character(co$fractures$level), c("T12", "L1", "L2", "T11"))
  df$level <- c(19, 19, 19, 20, 21, 21, 21, 18, 18, 18)
  expect_equal(as.character(vcf_cohort(df)$fractures$level), c("T12", "L1", "L2", "T11"))
})

test_that("unknown or missing levels are classed errors naming rows", {
  df <- long_cohort()
  df$level[c(2, 5)] <- c("T14", "X1")
  expect_cohort_error(vcf_cohort(df), "unknown_level")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$level[3] <- NA
  expect_cohort_error(vcf_cohort(df), "missing_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df$level <- NULL
  expect_cohort_error(vcf_cohort(df), "missing_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

# Keys -----------------------------------------------------------------------------------------------

test_that("missing patient ids and a missing patient column are errors", {
  df <- long_cohort()
  df$patient[c(2, 7)] <- c(NA, " ")
  expect_cohort_error(vcf_cohort(df), "missing_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df$patient <- NULL
  expect_cohort_error(vcf_cohort(df), "missing_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

test_that("duplicated patient x level x visit keys are an error", {
  df <- long_cohort()
  df <- df[c(1:10, 2), ]
  expect_cohort_error(vcf_cohort(df), "duplicate_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  # spellings of one level are the same key
  df <- long_cohort()
  df$level[2] <- "Th12"
  df$visit[2] <- "0 mo"
  expect_cohort_error(vcf_cohort(df), "duplicate_key")
})

test_that("visit is required only when fractures have several rows", {
  df <- long_cohort()
  df$visit <- NULL
  expect_cohort_error(vcf_cohort(df), "missing_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  one <- long_cohort()[c(1, 4, 5, 8), ]
  one$visit <- NULL
  co <- vcf_cohort(one)
  expect_equal(co$visit_levels, "baseline")
  expect_equal(nrow(co$visits), 4L)
  expect_true(is.na(co$columns$source[co$columns$name == "visit"]))
  df <- long_cohort()
  df$visit[4] <- NA
  expect_cohort_error(vcf_cohort(df), "missing_key")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

test_that("a fracture with follow-up but no baseline is an error", {
  df <- long_cohort()[-c(1, 8), ]
  expect_cohort_error(vcf_cohort(df), "no_baseline")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

# Visits -----------------------------------------------------------------------------------------------

test_that("visit order comes from an ordered factor, numbers, month or labels", {
  df <- long_cohort()
  # ordered factor: its order, even against the labels
  df$visit <- factor(df$visit, levels = c("12 mo", "3 mo", "0 mo"), ordered = TRUE)
  df2 <- df[df$visit == "12 mo" | df$level == "L1", ]
  df2 <- long_cohort()
  df2$visit <- factor(df2$visit, levels = c("0 mo", "3 mo", "12 mo", "24 mo"), ordered = TRUE)
  co <- vcf_cohort(df2)
  expect_equal(co$visit_levels, c("0 mo", "3 mo", "12 mo")) # unused level dropped

  # numbers and numeric text: numeric order, no month derived
  df <- long_cohort()
  df$visit <- c(1, 2, 10, 1, 1, 2, 10, 1, 2, 10)
  co <- vcf_cohort(df)
  expect_equal(co$visit_levels, c("1", "2", "10"))
  expect_null(co$visits$month)
  df$visit <- as.character(df$visit)
  expect_equal(vcf_cohort(df)$visit_levels, c("1", "2", "10"))

  # unordered text with month: ordered by month
  df <- long_cohort()
  df$visit <- rep(c("first", "second", "third", "first", "first", "second", "third",
                    "first", "second", "third"))
  df$month <- c(0, 3.2, 12, 0, 0, 2.9, 13, 0, 3, 11.5)
  co <- vcf_cohort(df)
  expect_equal(co$visit_levels, c("first", "second", "third"))
  expect_equal(co$patient_visits$month, c(0, 3.2, 12, 0, 2.9, 13, 0, 3, 11.5))
  expect_equal(co$columns$source[co$columns$name == "month"], "month")

  # labels with times, in any spelling
  df <- long_cohort()
  df$visit <- rep(c("Baseline", "6 weeks", "1 year"), length.out = 10)[
    c(1, 2, 3, 1, 1, 2, 3, 1, 2, 3)]
  co <- vcf_cohort(df)
  expect_equal(co$visit_levels, c("Baseline", "6 weeks", "1 year"))
  expect_equal(co$visits$month[1:3], c(0, 6 * 7 / 30.4375, 12))

  # pre-op < post-op < final: "final" needs the user's order (visits =), or
  # a month column
  df <- long_cohort()
  df$visit <- c("pre-op", "post-op", "final", "pre-op", "final", "pre-op", "post-op",
                "pre-op", "post-op", "final")
  expect_cohort_error(vcf_cohort(df), "visit_order")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  co <- vcf_cohort(df, visits = c("Pre-op", "post-op", "final"))
  expect_equal(co$visit_levels, c("pre-op", "post-op", "final"))
  expect_null(co$visits$month) # visits without months give none
  co <- vcf_cohort(df, visits = c(final = 24, "pre-op" = 0, "post-op" = 0.07))
  expect_equal(co$visit_levels, c("pre-op", "post-op", "final"))
  expect_equal(co$patient_visits$month, c(0, 0.07, 24, 0, 0.07, 24, 0, 0.07, 24))
  expect_error(vcf_cohort(df, visits = c("pre-op", "final")), class = "vcf_error_visit_order")
  expect_error(vcf_cohort(df, visits = c("a", "a")), class = "vcf_error_visits")
  expect_error(vcf_cohort(df, visits = c(a = 1, b = NA)), class = "vcf_error_argument")
  df$month <- c(0, 0.07, 30, 0, 53, 0, 0.07, 0, 0.07, 18)
  co <- vcf_cohort(df)
  expect_equal(co$visit_levels, c("pre-op", "post-op", "final"))
})

test_that("parse_visit_text reads the documented spellings", {
  parse <- vcfoutcomes:::parse_visit_text
  x <- c("baseline", "Pre-op", "preoperative", "3 mo", "3mo", "3 months", "12-month",
         "month 6", "M6", "6 weeks", "6wk", "2 days post-op", "1 year", "2y",
         "post-op", "final", "Final follow-up", "visit A", "1.5 months")
  res <- parse(x)
  expect_equal(res$key, c(0, 0, 0, 3, 3, 3, 12, 6, 6, 42 / 30.4375, 42 / 30.4375,
                          2 / 30.4375, 12, 24, 1e-6, NA, NA, NA, 1.5))
  expect_equal(res$explicit, c(rep(TRUE, 14), FALSE, FALSE, FALSE, FALSE, TRUE))
  # the labels of issue 12, and German / Dutch units
  y <- c("0", "pre", "pre-op", "baseline", "before", "post", "post-op", "2 d", "3m",
         "3 months", "12 mo", "1 y", "final", "FU1", "6 Monate", "1 jaar", "2 weken",
         "3,5 mo", "5")
  res <- parse(y)
  expect_equal(res$month, c(0, 0, 0, 0, 0, NA, NA, 2 / 30.4375, 3, 3, 12, 12, NA, NA,
                            6, 12, 14 / 30.4375, 3.5, NA))
  expect_equal(res$kind, c(rep("baseline", 5), "post", "post", rep("time", 5), "unknown",
                           "unknown", rep("time", 4), "number"))
  expect_equal(res$key[19], 5)
})

test_that("visits that cannot be ordered are a classed error", {
  df <- long_cohort()
  df$visit <- c("first", "second", "third", "first", "first", "second", "third",
                "first", "second", "third")
  expect_cohort_error(vcf_cohort(df), "visit_order")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  # an unordered factor is not trusted either
  df$visit <- factor(df$visit)
  expect_cohort_error(vcf_cohort(df), "visit_order")
  # labels at the same time
  df <- long_cohort()
  df$visit <- c("baseline", "3 mo", "3 months", "baseline", "baseline", "3 mo",
                "3 months", "baseline", "3 mo", "3 months")
  expect_cohort_error(vcf_cohort(df), "visit_order")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

# Types, ranges and values ---------------------------------------------------------------------------

test_that("numeric text is accepted, other text is a classed error", {
  df <- long_cohort()
  df$vas <- c("8", "4", "2", "8", " 7 ", "3", "1", "9", "NA", "2.5")
  co <- vcf_cohort(df)
  expect_equal(co$patient_visits$vas, c(8, 4, 2, 7, 3, 1, 9, NA, 2.5))
  df$vas[c(2, 6)] <- c("7a", "three")
  expect_cohort_error(vcf_cohort(df), "type")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$age <- factor(df$age)
  expect_equal(vcf_cohort(df)$patients$age, c(71, 64, 80))
  df$age <- as.Date("2020-01-01")
  expect_cohort_error(vcf_cohort(df), "type")
  expect_snapshot(vcf_cohort(df), error = TRUE)
})

test_that("values out of range are classed errors naming rows and values", {
  df <- long_cohort()
  df$vas[c(2, 5)] <- c(11, -1)
  expect_cohort_error(vcf_cohort(df), "range")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$bme_pct[1] <- 120
  expect_cohort_error(vcf_cohort(df), "range")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$age <- 150
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$odi <- c(10, 20, 101, 10, 5, 5, 5, 1, 1, 1)
  expect_cohort_error(vcf_cohort(df), "range")
  df <- long_cohort()
  df$genant_grade <- c(2, 2, 2, 1, 4, 4, 4, 1, 1, 1)
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df$genant_grade <- c(2, 2, 2, 1, 1.5, 1.5, 1.5, 1, 1, 1)
  expect_cohort_error(vcf_cohort(df), "range")
  df$genant_grade <- c(2, 2, 2, 1, 3, 3, 3, 0, 0, 0)
  expect_identical(vcf_cohort(df)$fractures$genant_grade, c(2L, 1L, 3L, 0L))
  df <- long_cohort()
  df$cement_ml <- c(4, 4, 4, NA, -1, -1, -1, 3, 3, 3)
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df$cement_ml <- c(4, 4, 4, NA, Inf, Inf, Inf, 3, 3, 3)
  expect_cohort_error(vcf_cohort(df), "range")
  df <- long_cohort()
  df$height_pct <- c(80, 85, 85, NA, 60, 70, 250, 90, 90, 90)
  expect_cohort_error(vcf_cohort(df), "range")
  df <- long_cohort()
  df$month <- c(0, 3, 12, 0, 0, 3, 12, 0, -3, 12)
  expect_cohort_error(vcf_cohort(df), "range")
})

test_that("factor-like columns accept their spellings", {
  df <- long_cohort()
  df$sex <- rep(c("f", "FEMALE", "M"), c(4, 3, 3))
  df$shape <- rep(c("Wedge", "biconcave", "CRUSH"), c(4, 3, 3))
  df$procedure <- rep(c("PV", "Kyphoplasty", "Balloon kyphoplasty"), c(4, 3, 3))
  df$analgesic <- c(0, 1, 2, 0, 3, "acetaminophen", "Opiates", "NSAIDs", "None", "no")
  df$new_vcf <- rep(c("yes", "No", "Y"), c(4, 3, 3))
  df$pain_other_level <- rep(c(1, 0, NA), c(4, 3, 3))
  df$bright_rim <- c("TRUE", "false", "t", NA, "F", "n", "1", "0", "", "yes")
  df$cement <- rep(c("PMMA", "Osteopal", NA), c(4, 3, 3))
  co <- vcf_cohort(df)
  expect_equal(as.character(co$patients$sex), c("female", "female", "male"))
  expect_equal(as.character(co$fractures$shape), c("wedge", "wedge", "biconcave", "crush"))
  expect_equal(levels(co$fractures$shape), c("wedge", "biconcave", "crush"))
  expect_equal(as.character(co$fractures$procedure), c("PV", "PV", "BKP", "BKP"))
  expect_equal(as.character(co$patient_visits$analgesic),
               c("none", "paracetamol", "NSAID", "opiate", "paracetamol", "opiate",
                 "NSAID", "none", "none"))
  expect_equal(co$patients$new_vcf, c(TRUE, FALSE, TRUE))
  expect_equal(co$patients$pain_other_level, c(TRUE, FALSE, NA))
  expect_equal(co$visits$bright_rim, c(TRUE, FALSE, TRUE, NA, FALSE, FALSE, TRUE,
                                       FALSE, NA, TRUE))
  expect_equal(co$fractures$cement, c("PMMA", "PMMA", "Osteopal", NA))
  # bme_class given as codes or names, agreeing with bme_pct
  df$bme_class <- c(2, "minor", "None", NA, "severe", "moderate", 1, "Moderate", 1, NA)
  co <- vcf_cohort(df)
  expect_equal(co$visits$bme_class, vcf_bme_class(co$visits$bme_pct))
  expect_equal(co$columns$source[co$columns$name == "bme_class"], "bme_class")
})

test_that("unrecognized factor and logical values are classed errors", {
  df <- long_cohort()
  df$sex <- rep(c("F", "x", "unknown"), c(4, 3, 3))
  expect_cohort_error(vcf_cohort(df), "unknown_value")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$analgesic[c(3, 6)] <- c("morphine", 4)
  expect_cohort_error(vcf_cohort(df), "unknown_value")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$shape <- "round"
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$procedure[5:7] <- "surgery"
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$treated[c(2, 3)] <- NA
  df$treated <- as.character(df$treated)
  df$treated[c(5:7)] <- "maybe"
  expect_cohort_error(vcf_cohort(df), "unknown_value")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df <- long_cohort()
  df$bright_rim <- 2
  expect_cohort_error(vcf_cohort(df), "unknown_value")
})

test_that("bme_class that disagrees with bme_pct is a classed error", {
  df <- long_cohort()
  df$bme_class <- as.character(vcf_bme_class(df$bme_pct))
  df$bme_class[c(2, 9)] <- c("severe", "none")
  expect_cohort_error(vcf_cohort(df), "bme_class")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  # bme_class alone is kept as given
  df$bme_pct <- NULL
  co <- vcf_cohort(df)
  expect_equal(as.character(co$visits$bme_class), df$bme_class)
})

# Consistency ------------------------------------------------------------------------------------------

test_that("a patient-level value that differs within a patient is an error", {
  df <- long_cohort()
  df$age[3] <- 72
  expect_cohort_error(vcf_cohort(df), "inconsistent")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  df$sex[6] <- "F"
  df$age[9] <- 81
  df$new_vcf <- c(TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE)
  expect_snapshot(vcf_cohort(df), error = TRUE)
  # with many patients the message says how many more
  many <- do.call(rbind, lapply(1:6, function(i) {
    d <- long_cohort()[1:3, ]
    d$patient <- paste0("Q", i)
    d$age <- c(60, 61, 60)
    d
  }))
  expect_snapshot(vcf_cohort(many), error = TRUE)
})

test_that("fracture-level and patient x visit values must be constant", {
  df <- long_cohort()
  df$treated[2] <- FALSE
  expect_cohort_error(vcf_cohort(df), "inconsistent")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  # vas is per patient and visit: P1's untreated L1 disagrees at baseline
  df <- long_cohort()
  df$vas[4] <- 5
  expect_cohort_error(vcf_cohort(df), "inconsistent")
  expect_snapshot(vcf_cohort(df), error = TRUE)
  # ... but may be missing there
  df$vas[4] <- NA
  expect_equal(vcf_cohort(df)$patient_visits$vas[1], 8)
  df <- long_cohort()
  df$month <- c(0, 3, 12, 1, 0, 3, 12, 0, 3, 12)
  expect_cohort_error(vcf_cohort(df), "inconsistent")
})

# Warnings ------------------------------------------------------------------------------------------------

test_that("BME that returns after it resolved gives a classed warning", {
  df <- long_cohort()
  df$bme_pct <- c(60, 0, 15, NA, 80, 40, 10, 30, 5, NA)
  expect_warning(vcf_cohort(df), class = "vcf_warning_bme_return")
  expect_warning(vcf_cohort(df), class = "vcf_warning_suspicious")
  expect_snapshot(co <- vcf_cohort(df))
  expect_equal(co$visits$bme_pct, df$bme_pct) # the data are kept
  # resolution that lasts, or missing values in between, are fine
  df$bme_pct <- c(60, 0, NA, NA, 80, 0, 0, 30, NA, 5)
  expect_no_warning(vcf_cohort(df))
})

test_that("treated fractures without BME at baseline give a classed warning", {
  df <- long_cohort()
  df$bme_pct <- c(0, 0, 0, 0, 80, 40, 10, 30, 5, NA)
  # the untreated L1 without BME is not suspicious
  expect_warning(vcf_cohort(df), class = "vcf_warning_no_baseline_bme")
  expect_snapshot(co <- vcf_cohort(df))
  df$treated[1:3] <- FALSE
  expect_no_warning(vcf_cohort(df))
})

test_that("months that go back in time give a classed warning", {
  df <- long_cohort()
  df$visit <- c("A", "B", "C", "A", "A", "B", "C", "A", "B", "C")
  df$visit <- factor(df$visit, levels = c("A", "B", "C"), ordered = TRUE)
  df$month <- c(0, 6, 3, 0, 0, 3, 12, 0, 3, 12)
  expect_warning(vcf_cohort(df), class = "vcf_warning_month_order")
  expect_snapshot(co <- vcf_cohort(df))
})

# Missing outcomes, summary and printing ---------------------------------------------------------------

test_that("summary() counts observed values per visit and variable", {
  df <- long_cohort()
  df$odi <- NA_real_
  df$age[df$patient == "P3"] <- NA
  co <- vcf_cohort(df)
  s <- summary(co)
  expect_s3_class(s, "summary.vcf_cohort")
  expect_equal(s$counts, list(patients = 3L, fractures = 4L, treated = 3L,
                              untreated = 1L, visits = 3L))
  expect_equal(s$visits$patients, c(3L, 3L, 3L))
  expect_equal(s$visits$fractures, c(4L, 3L, 3L))
  expect_equal(s$visits$treated, c(3L, 3L, 3L))
  comp <- s$completeness
  expect_named(comp, c("variable", "unit", "visit", "n", "observed", "missing"))
  get <- function(var, visit = NA) {
    row <- comp[comp$variable == var & (if (is.na(visit)) is.na(comp$visit) else
      comp$visit %in% visit), ]
    c(row$n, row$observed, row$missing)
  }
  # bme: untreated L1 has none at baseline; P3 misses 12 mo
  expect_equal(get("bme_pct", "0 mo"), c(4, 3, 1))
  expect_equal(get("bme_pct", "12 mo"), c(3, 2, 1))
  # vas: per patient and visit; P3 misses 3 mo
  expect_equal(get("vas", "0 mo"), c(3, 3, 0))
  expect_equal(get("vas", "3 mo"), c(3, 2, 1))
  expect_equal(get("odi", "12 mo"), c(3, 0, 3))
  expect_equal(get("age"), c(3, 2, 1))
  expect_equal(get("treated"), c(4, 4, 0))
  # recomputed independently from the long table
  long <- df
  for (v in c("0 mo", "3 mo", "12 mo")) {
    pv <- unique(long[long$visit == v, c("patient", "vas")])
    pv <- pv[!duplicated(pv$patient), ]
    expect_equal(get("vas", v)[2], sum(!is.na(pv$vas)))
    expect_equal(get("bme_pct", v)[2], sum(!is.na(long$bme_pct[long$visit == v])))
  }
  expect_snapshot(print(s))
})

test_that("print and format show counts, visits and completeness", {
  df <- long_cohort()
  df$site <- rep(c("A", "B", "C"), c(4, 3, 3))
  co <- vcf_cohort(df)
  expect_snapshot(print(co))
  out <- format(co)
  expect_type(out, "character")
  expect_match(out[2], "3 patients, 4 fractures (3 treated, 1 untreated), 3 visits",
               fixed = TRUE)
  expect_output(expect_identical(print(co), co), "vcf_cohort")
  # without `treated`
  df$treated <- NULL
  expect_match(format(vcf_cohort(df))[2], "treated not recorded", fixed = TRUE)
  # one patient, one fracture, one visit
  one <- data.frame(patient = "A", level = "L1", age = NA)
  expect_snapshot(print(vcf_cohort(one)))
  expect_snapshot(print(summary(vcf_cohort(one))))
})

# Canonical variables and accessors -----------------------------------------------------------------------

test_that("vcf_variables documents every canonical variable in one place", {
  v <- vcf_variables
  expect_named(v, c("name", "unit", "type", "measure", "min", "max", "values",
                    "description"))
  expect_false(anyDuplicated(v$name) > 0)
  expect_true(all(v$unit %in% c("patient", "fracture", "visit", "patient_visit")))
  expect_equal(v$name[v$unit == "patient"],
               c("patient", "age", "sex", "new_vcf", "pain_other_level"))
  expect_equal(v$name[v$unit == "patient_visit"], c("month", "vas", "analgesic", "odi"))
  numeric <- v$type %in% c("numeric", "integer")
  expect_true(all(!is.na(v$min[numeric]) & !is.na(v$max[numeric])))
  expect_true(all(is.na(v$min[!numeric])))
  expect_equal(v$max[v$name == "vas"], 10)
  expect_equal(v$max[v$name == "bme_pct"], 100)
  # the written-out vocabularies agree with the shared ones
  expect_match(v$values[v$name == "analgesic"],
               paste(vcfoutcomes:::analgesic_levels, collapse = " < "), fixed = TRUE)
  expect_match(v$values[v$name == "bme_class"],
               paste(vcfoutcomes:::bme_class_levels, collapse = " < "), fixed = TRUE)
  expect_true(all(nzchar(v$description)))
})

test_that("internal accessors give units, tables, variables and subsets", {
  df <- long_cohort()
  df$site <- rep(c("A", "B", "C"), c(4, 3, 3))
  co <- vcf_cohort(df)
  unit <- vcfoutcomes:::cohort_unit
  expect_equal(unit(co, c("age", "site", "vas", "bme_pct", "treated")),
               c(age = "patient", site = "patient", vas = "patient_visit",
                 bme_pct = "visit", treated = "fracture"))
  expect_error(unit(co, c("age", "nope")), class = "vcf_error_unknown_variable")
  expect_snapshot(unit(co, "nope"), error = TRUE)
  expect_identical(vcfoutcomes:::cohort_table(co, "patient_visit"), co$patient_visits)
  expect_identical(vcfoutcomes:::cohort_table(co, "fracture"), co$fractures)
  expect_equal(vcfoutcomes:::cohort_vars(co, "patient"), c("age", "sex", "bmi", "site"))
  expect_equal(vcfoutcomes:::cohort_vars(co, "patient", canonical = FALSE), c("bmi", "site"))
  expect_error(vcfoutcomes:::check_cohort(df), class = "vcf_error_type")
  expect_silent(vcfoutcomes:::check_cohort(co))
})

test_that("a larger random cohort is built consistently with its long table", {
  set.seed(42)
  n <- 300
  pat <- rep(sprintf("S%03d", seq_len(n)), each = 1)
  nfr <- sample(1:3, n, replace = TRUE)
  fr <- data.frame(patient = rep(pat, nfr),
                   level = unlist(lapply(nfr, function(k) sample(c("T10", "T11", "T12", "L1", "L2"), k))))
  fr$treated <- !duplicated(fr$patient) | stats::runif(nrow(fr)) < 0.2
  visits <- c("0 mo", "3 mo", "6 mo", "12 mo")
  long <- do.call(rbind, lapply(seq_len(nrow(fr)), function(i) {
    k <- if (fr$treated[i]) 4 else 1
    data.frame(fr[rep(i, k), ], visit = visits[seq_len(k)])
  }))
  age <- stats::setNames(round(stats::runif(n, 55, 90)), pat)
  long$age <- age[long$patient]
  vas <- stats::setNames(sample(c(0:10, NA), n * 4, replace = TRUE),
                         paste(rep(pat, each = 4), visits))
  long$vas <- unname(vas[paste(long$patient, long$visit)])
  long$bme_pct <- ifelse(long$treated, round(stats::runif(nrow(long), 1, 100)), NA)
  long <- long[sample(nrow(long)), ]
  co <- vcf_cohort(long)
  expect_equal(nrow(co$patients), n)
  expect_equal(nrow(co$fractures), nrow(fr))
  expect_equal(sum(co$fractures$treated), sum(fr$treated))
  expect_equal(nrow(co$visits), nrow(long))
  expect_equal(unname(co$patients$age), unname(age[co$patients$patient]))
  key <- paste(co$patient_visits$patient, co$patient_visits$visit)
  expect_equal(co$patient_visits$vas, unname(vas[key]))
  # rows are sorted
  o <- order(co$visits$patient, as.integer(co$visits$level), as.integer(co$visits$visit))
  expect_equal(o, seq_len(nrow(co$visits)))
  back <- as.data.frame(co)
  m <- match(paste(back$patient, back$level, back$visit),
             paste(long$patient, vcf_level(long$level), long$visit))
  expect_equal(back$bme_pct, long$bme_pct[m])
})

test_that("every spelling shown in an error message is accepted", {
  for (name in c("sex", "procedure", "shape", "analgesic", "bme_class")) {
    spec <- vcfoutcomes:::choice_spec(name)
    shown <- c(spec$levels, spec$also)
    key <- vcfoutcomes:::norm_text(shown)
    expect_true(all(key %in% names(spec$dict) | tolower(shown) %in% names(spec$dict)),
                info = name)
    expect_true(all(spec$dict %in% spec$levels), info = name)
  }
})

test_that("visit ties in month are broken by the labels; BKP-style visits order", {
  df <- long_cohort()
  df$visit <- c("pre-op", "post-op", "final", "pre-op", "pre-op", "post-op", "final",
                "pre-op", "post-op", "final")
  df$month <- c(0, 0, 20, 0, 0, 0, 31, 0, 0, 18)
  co <- vcf_cohort(df)
  expect_equal(co$visit_levels, c("pre-op", "post-op", "final"))
  df$month <- NULL
  df$visit <- sub("post-op", "2 days post-op", df$visit)
  expect_cohort_error(vcf_cohort(df), "visit_order")
  co <- vcf_cohort(df, visits = c("pre-op", "2 days post-op", "final"))
  expect_equal(co$visit_levels, c("pre-op", "2 days post-op", "final"))
  expect_null(co$visits$month)
  df$visit <- sub("final", "12 mo", df$visit)
  co <- vcf_cohort(df)
  expect_equal(co$visit_levels, c("pre-op", "2 days post-op", "12 mo"))
  expect_equal(co$patient_visits$month[1:3], c(0, 2 / 30.4375, 12))
  # an unordered factor with month is ordered by month
  df <- long_cohort()
  df$visit <- factor(c("a", "b", "c", "a", "a", "b", "c", "a", "b", "c"),
                     levels = c("c", "b", "a"))
  df$month <- c(0, 3, 12, 0, 0, 3, 12, 0, 3, 12)
  expect_equal(vcf_cohort(df)$visit_levels, c("a", "b", "c"))
})

test_that("patient ids and visit labels with spaces are distinct keys", {
  df <- data.frame(patient = c("S 1", "S 1", "S", "S"),
                   level = "L1",
                   visit = factor(c("1 3 mo", "1 6 mo", "1 3 mo", "1 6 mo"),
                                  levels = c("1 3 mo", "1 6 mo"), ordered = TRUE),
                   vas = c(1, 2, 3, 4))
  co <- vcf_cohort(df)
  expect_equal(co$patients$patient, c("S", "S 1"))
  expect_equal(co$patient_visits$vas, c(3, 4, 1, 2))
})
