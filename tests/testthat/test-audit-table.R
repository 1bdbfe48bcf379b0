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
