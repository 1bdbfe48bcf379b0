# vcf_audit --------------------------------------------------------------------


test_that("vcf_audit finds the PV study's slip in women and nothing else", {
  a <- vcf_audit(pv_table1())
  expect_s3_class(a, "vcf_audit")
  bad <- a[a$verdict != "consistent", ]
  expect_equal(nrow(bad), 1L)
  expect_equal(bad$check, "sum")
  expect_equal(strsplit(bad$ids, ", ")[[1]][1:3], c("w_t", "w_a", "w_b"))
  expect_match(bad$detail, "complement 33 - 8 = 25")
  # the three count/percent pairs and the n sum are each consistent
  expect_equal(sum(a$check == "percent" & a$verdict == "consistent"), 3L)
  expect_true(any(a$check == "sum-n" & a$verdict == "consistent"))
  expect_true(any(a$check == "range" & a$verdict == "consistent"))
  # 7.6 vs (31 * 7.4 + 33 * 7.8) / 64 = 7.606
  expect_true(any(a$check == "weighted-mean" & a$verdict == "consistent"))
  expect_equal(summary(a)$inconsistent, 1L)
})

test_that("vcf_audit finds the BKP study's decision error with df from the pairs", {
  a <- vcf_audit(bkp_table2())
  p <- a[a$check == "p", ]
  expect_equal(p$verdict, "decision-error")
  expect_equal(p$ids, "t, p")
  expect_match(p$detail, "t\\(60\\) = 2.12")
  expect_match(p$detail, "fits df = 10")
  # an explicit df wins over n
  x <- rbind(bkp_table2(), published(id = "df", source = "Table 2", row = "VAS",
                                     column = "df", statistic = "df", value = 9,
                                     digits = 0L, n = 61))
  expect_match(vcf_audit(x)$detail[vcf_audit(x)$check == "p"], "t\\(9\\)")
})

test_that("vcf_audit checks GRIM, CI, regression and categorical sums", {
  x <- published(
    id = c("m1", "m0", "b", "lo", "hi", "g_a", "g_b", "l1", "l2", "l3", "vm", "vn"),
    source = c(rep("Table 3", 5), rep("Table 4", 3), rep("Table 1", 4)),
    row = c(rep("ODI", 5), "Shape: wedge", "Shape: biconcave", "Shape: crush",
            "VAS score", "VAS score", "Level: T12", "Level: L1")[c(1:5, 6:8, 9, 10, 11, 12)],
    column = c("PV", "BKP", "Coefficient", "Coefficient", "Coefficient",
               "Total", "Total", "Total", "Total", "Total", "Total", "Total"),
    statistic = c("mean", "mean", "coef", "ci_low", "ci_high", "percent", "percent",
                  "percent", "mean", "n", "percent", "percent"),
    value = c(30.1, 34.5, -4.4, -7.9, -5.0, 45, 40, 16, 5.19, 28, 60, 45),
    digits = c(1L, 1L, 1L, 1L, 1L, 0L, 0L, 0L, 2L, 0L, 0L, 0L))
  x$row[9:10] <- "VAS score"
  x$source[9:10] <- "Table 5"
  x$row[11:12] <- c("Level: T12", "Level: L1")
  a <- vcf_audit(x)
  expect_equal(a$verdict[a$check == "regression"], "consistent")
  expect_equal(a$verdict[a$check == "ci"], "inconsistent")
  expect_equal(a$verdict[a$check == "grim"], "inconsistent")
  ps <- a[a$check == "percent-sum", ]
  expect_equal(ps$verdict[ps$source == "Table 4"], "consistent")
  expect_equal(ps$verdict[ps$source == "Table 1"], "inconsistent")
  # GRIM is not applied to rows that need not be whole numbers
  expect_false(any(vcf_audit(x, integer_pattern = NULL)$check == "grim"))
})

test_that("vcf_audit is robust to rows it cannot interpret", {
  x <- rbind(pv_table1(),
             published(id = c("z1", "z2", "z3", "z4"), source = c("Results", "Results", NA, "Fig 2"),
                       row = c("Odd", "Odd", NA, "Curve"), column = c("x", "y", NA, NA),
                       statistic = c("kappa", "t", "mean", NA), value = c(0.7, 2.1, NA, 3),
                       digits = NA_integer_))
  a <- vcf_audit(x)
  expect_s3_class(a, "vcf_audit")
  expect_equal(a$verdict[grepl("z2", a$ids)], "not-checkable")
  expect_equal(attr(a, "n_numbers"), nrow(pv_table1()) + 4L)
  empty <- vcf_audit(published(id = "a", source = "S", row = "r", column = "c",
                               statistic = "mean", value = 1, digits = 0L))
  expect_equal(nrow(empty), 0L)
  expect_output(print(empty), "0 inconsistent")
})

test_that("vcf_audit rejects malformed tables with classed errors", {
  expect_error(vcf_audit(list(1)), class = "vcf_error_type")
  expect_error(vcf_audit(data.frame(id = 1)), class = "vcf_error_columns")
  x <- pv_table1(); x$id[2] <- x$id[1]
  expect_error(vcf_audit(x), class = "vcf_error_duplicate_key")
  expect_snapshot(vcf_audit(x), error = TRUE)
  expect_snapshot(vcf_grim("3.x", 10), error = TRUE)
})

test_that("print lists inconsistencies first", {
  a <- vcf_audit(rbind(pv_table1(), bkp_table2()))
  expect_snapshot(print(a))
  out <- capture.output(print(a))
  expect_match(out[1], "^<vcf_audit> 28 reported numbers")
  expect_lt(grep("Decision errors", out), grep("^Consistent", out))
})

# Structure-aware audit ---------------------------------------------------------

test_that("planted errors in small printed tables are all flagged, clean tables never", {
  tables <- planted_tables()
  expect_gte(length(tables), 20L)
  kinds <- vapply(tables, `[[`, "", "kind")
  expect_true(all(c("sum", "range", "weighted mean", "coefficient", "chi-square p", "t p") %in% kinds))
  for (p in tables) {
    clean <- vcf_audit(vcf_parse_table(p$clean, formats = p$formats))
    expect_equal(nrow(bad_findings(clean)), 0L, info = p$name)
    planted <- vcf_parse_table(p$planted, formats = p$formats)
    found <- bad_findings(vcf_audit(planted))
    ids <- planted$id[planted$row == p$row & planted$column == p$column]
    named <- vapply(strsplit(found$ids, ", "), function(x) any(x %in% ids), NA)
    expect_true(any(named), info = p$name)
    # every finding explains itself in one sentence and names its numbers
    expect_true(all(grepl("^[A-Z].*\\.$", found$explanation)), info = p$name)
  }
})

test_that("the audit of the published PV tables finds the contradictions a reader finds", {
  a <- vcf_audit(vcf_published("pv_edema"))
  bad <- bad_findings(a)
  has <- function(check, id) any(bad$check == check & grepl(id, bad$ids, fixed = TRUE))
  # 24 + 8 women do not make 49; the printed p = .9 fits 25 of 33, not 8
  expect_true(has("sum", "pv.t1.women_count.b"))
  women <- bad[bad$check == "chisq-p", ]
  expect_equal(women$verdict, "decision-error")
  expect_match(women$detail, "8/25 of 33")
  # 31 + 59 treated VCF are 90, not 89
  expect_true(has("sum-n", "pv.t1.vcf_treated_n.b"))
  # grade in subgroup B: 29%, 29% and 41% of 59 are 17 + 17 + 24 = 58 fractures
  expect_true(has("percent-sum", "pv.t1.grade_moderate_percent.b"))
  # cement: subgroup B's minimum 0.8 mL is below the total minimum 1.0 mL
  expect_true(has("range", "pv.t1.cement_ml_min.b"))
  # Table 3: coefficient 1.3 but the group means 6.3 and 6.0 differ by 0.3
  expect_true(has("regression", "pv.t3.decrease_vs_similar_coef.vas.0_3"))
  # relations from the structure file are applied, and hold where they should
  expect_true(all(a$verdict[a$check %in% c("equal", "between", "within")] == "consistent"))
  expect_gt(sum(a$check == "between"), 10L)
  expect_false(any(vcf_audit(vcf_published("pv_edema"), structure = FALSE)$check == "equal"))
})

test_that("the BKP tables: the three Table 2 p values contradict their t for 61 pairs", {
  a <- vcf_audit(vcf_published("bkp_osteonecrosis"))
  p <- a[a$check == "p" & grepl("bkp.t2", a$ids), ]
  expect_equal(sort(p$verdict), c("decision-error", "decision-error", "inconsistent"))
  # Table 1 and Table 2 print the post-operative values alike
  expect_equal(unique(a$verdict[a$check == "equal"]), "consistent")
  expect_equal(sum(a$check == "equal"), 10L)
})

test_that("an n beside a percentage is its count, never its denominator", {
  x <- published(id = c("n", "w_n", "w_pct"), source = "Table 1",
                 row = c("Patients", "Women, n (%)", "Women, n (%)"), column = "Total",
                 statistic = c("n", "n", "percent"), value = c(40, 31, 81), digits = 0L)
  a <- vcf_audit(x)
  pct <- a[a$check == "percent", ]
  expect_equal(pct$verdict, "inconsistent")
  expect_equal(pct$ids, "w_n, w_pct, n")
  expect_match(pct$detail, "read as its count")
  # without a denominator the percentage is not checked, and says why
  a <- vcf_audit(x[-1, ])
  expect_equal(a$verdict[a$check == "percent"], "not-checkable")
  expect_match(a$detail[a$check == "percent"], "no denominator")
})

test_that("a statistic printed with an inequality is checked as an interval", {
  x <- published(id = c("m1", "m2", "t", "p"), source = "Table 2", row = "VAS",
                 column = c("Pre-operative", "Post-operative", "t", "p"),
                 statistic = c("mean", "mean", "t", "p"), value = c(7.8, 3.2, 2.2, 0.2),
                 reported = c("7.8", "3.2", "<2.2", ".20"), digits = c(1L, 1L, 1L, 2L), n = 61)
  expect_equal(vcf_audit(x)$verdict[vcf_audit(x)$check == "p"], "consistent")
  # read as t = 2.2 (p = .03 with df 60) the same p would not fit
  y <- x; y$reported[3] <- "2.2"
  expect_equal(vcf_audit(y)$verdict[vcf_audit(y)$check == "p"], "decision-error")
  # t < 2.2 allows p down to .03: p = .01 fits no t below 2.2
  x$value[4] <- 0.01; x$reported[4] <- ".01"
  expect_equal(vcf_audit(x)$verdict[vcf_audit(x)$check == "p"], "inconsistent")
})

test_that("structure tables are validated", {
  x <- pv_table1()
  expect_error(vcf_audit(x, structure = data.frame(a = 1)), class = "vcf_error_structure")
  expect_error(vcf_audit(x, structure = data.frame(relation = "bigger", total = "n_t", parts = "n_a")),
               class = "vcf_error_structure")
  s <- data.frame(relation = c("equal", "between"), total = c("n_a", "age_t"),
                  parts = c("n_b", "age_a age_b"), note = "")
  a <- vcf_audit(x, structure = s)
  expect_equal(a$verdict[a$check == "equal"], "inconsistent")
  expect_equal(a$verdict[a$check == "between"], "consistent")
  expect_error(vcf_audit(x, integer_pattern = 3), class = "vcf_error_argument")
})

test_that("one printed digit changed in the published tables: the audit alone flags >= 60%", {
  skip_on_cran()
  set.seed(16)
  res <- rbind(audit_perturbation("pv_edema", sample_one = TRUE),
               audit_perturbation("bkp_osteonecrosis", sample_one = TRUE))
  cells <- vcf_published("pv_edema")
  expect_equal(sum(res$study == "pv_edema"),
               sum(grepl("^Table", cells$source) & !is.na(cells$value)))
  expect_true(all(res$printed != res$changed))
  expect_gte(mean(res$flagged), 0.6)
})

test_that("vcf_audit and its summary refuse invalid alpha and objects (fuzz)", {
  expect_error(vcf_audit(data.frame(a = 1), alpha = 0), class = "vcf_error_range")
  expect_error(summary(structure(data.frame(a = 1), class = c("vcf_audit", "data.frame"))),
               class = "vcf_error_type")
})

test_that("summary.vcf_audit refuses an audit that lost its attributes (fuzz)", {
  a <- structure(data.frame(verdict = "consistent"), class = c("vcf_audit", "data.frame"))
  expect_error(summary(a), class = "vcf_error_type")
})
