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
