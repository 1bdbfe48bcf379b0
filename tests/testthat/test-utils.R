test_that("vcf_level parses names, Th- spelling and VerSe codes", {
  expect_equal(as.character(vcf_level(c("T12", "t12", "Th12", "th 12", "L1"))),
               c("T12", "T12", "T12", "T12", "L1"))
  expect_equal(as.character(vcf_level(c(1L, 7L, 8L, 19L, 20L, 24L, 25L, 28L))),
               c("C1", "C7", "T1", "T12", "L1", "L5", "L6", "T13"))
  expect_equal(as.character(vcf_level(c("20", "28"))), c("L1", "T13"))
  expect_true(all(is.na(vcf_level(c("X1", "T14", "26", "", NA)))))
  # the factor runs cranial to caudal, T13 between T12 and L1
  expect_true(vcf_level("T13") > vcf_level("T12") && vcf_level("T13") < vcf_level("L1"))
})

test_that("verse_code inverts vcf_level for every code", {
  codes <- c(1:25, 28L)
  expect_equal(vcfoutcomes:::verse_code(vcf_level(codes)), codes)
})

test_that("vcf_bme_class classes the edges as documented", {
  pct <- c(0, 1e-9, 0.4, 1, 24, 24.6, 24.999, 25, 74, 74.9, 75, 99.5, 100, NA)
  expected <- c("none", rep("minor", 6), rep("moderate", 3),
                rep("severe", 3), NA)
  expect_equal(as.character(vcf_bme_class(pct)), expected)
  expect_true(is.ordered(vcf_bme_class(50)))
  expect_equal(levels(vcf_bme_class(50)), c("none", "minor", "moderate", "severe"))
  expect_length(vcf_bme_class(numeric()), 0)
})

test_that("vcf_bme_class rejects out-of-range and non-numeric input", {
  expect_error(vcf_bme_class(c(10, 120, -1)), class = "vcf_error_range")
  expect_error(vcf_bme_class("50"), class = "vcf_error_type")
  expect_snapshot(vcf_bme_class(c(10, 120, -1)), error = TRUE)
})

test_that("the compiled core is registered and reports its build", {
  info <- vcfoutcomes:::vcf_build_info()
  expect_match(info$gsl_version, "^[0-9]+\\.[0-9]+")
  expect_type(info$openmp, "logical")
})

test_that("messages show a few values of anything, as valid text", {
  show <- vcfoutcomes:::show_values
  expect_equal(show(1:3), "1, 2, 3")
  expect_equal(show(as.double(1:1e6)), "1, 2, 3, 4, 5 and 999995 more")
  expect_equal(show(c("a", NA)), "\"a\", NA")
  expect_equal(show(list(1, 2)), "a list of length 2")
  expect_equal(show(function() 1), "a function")
  expect_equal(show(integer()), "an empty integer")
  bytes <- rawToChar(as.raw(c(0x61, 0xff, 0xfe)))
  expect_equal(show(bytes), "\"a<ff><fe>\"")
  expect_true(validUTF8(show(strrep("\u00e9", 1e5))))
  expect_lte(nchar(show(strrep("a", 1e6))), 70)
  # check_string refuses bytes that are not text, and says so
  expect_error(vcfoutcomes:::check_string(bytes, "x"), "not valid UTF-8", class = "vcf_error_argument")
  latin <- iconv("caf\u00e9", "UTF-8", "latin1")
  expect_identical(vcfoutcomes:::check_string(latin, "x"), latin)
})

test_that("cohort methods and plots refuse damaged or wrong arguments", {
  cohort <- vcf_cohort(bkp_osteonecrosis)
  damaged <- cohort
  damaged$visits <- NULL
  expect_error(summary(damaged), class = "vcf_error_object")
  expect_error(as.data.frame(damaged), class = "vcf_error_object")
  expect_error(vcf_plot_outcomes(cohort, outcomes = function() 1), class = "vcf_error_unknown_column")
  expect_error(vcf_plot_outcomes(cohort, outcomes = NA_character_), class = "vcf_error_unknown_column")
  expect_error(vcf_check_p(2.12, 60, "0.0601", p_digits = function() 1), class = "vcf_error_type")
})

test_that("a pattern that is not a regular expression is a classed error", {
  d <- data.frame(row = "Age", a = "61 (7)")
  expect_error(vcf_audit(d, integer_pattern = "(unclosed"), class = "vcf_error_pattern")
  expect_error(vcf_audit(d, integer_pattern = strrep("a(", 1e4)), class = "vcf_error_pattern")
  # many unknown subgroups are reported by their first names, at once
  data <- data.frame(group = c("a", "b"), value = 1:2)
  expect_error(vcfoutcomes:::subset_groups(data, as.character(1:1e5)),
               "and 99995 more", class = "vcf_error_unknown_group")
})

test_that("vcf_paired refuses outcomes that are not names", {
  cohort <- vcf_cohort(bkp_osteonecrosis)
  expect_error(vcf_paired(cohort, "pre-op", "final", outcomes = y ~ x), class = "vcf_error_type")
  expect_error(vcf_paired(cohort, "pre-op", "final", outcomes = NA_character_), class = "vcf_error_type")
  expect_error(vcf_paired(cohort, "pre-op", "final", outcomes = as.character(1:1e5)),
               "and 99995 more", class = "vcf_error_unknown_column")
})
