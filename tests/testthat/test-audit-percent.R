# Percentages ------------------------------------------------------------------

test_that("vcf_check_percent gets hand-worked cases right", {
  pv <- vcf_check_percent(c(77, 77, 24), n = c(64, 31, 33), count = c(49, 24, 8))
  expect_equal(pv$verdict, rep("consistent", 3))
  expect_equal(pv$k_min, c(49, 24, 8))
  # 25/33 = 75.8% prints 76, not 24; the complement 8/33 is 24%
  c25 <- vcf_check_percent(24, 33, count = 25)
  expect_equal(c25$verdict, "inconsistent")
  expect_match(c25$detail, "complement 8/33")
  # no count of 10 gives 33.3%; 33.3% of 9 is 3
  expect_equal(vcf_check_percent("33.3", c(10, 9))$verdict, c("inconsistent", "consistent"))
  expect_equal(vcf_check_percent("33.3", 9)$k_min, 3)
  # 1/8 = 12.5%: prints 13 when halves round up, 12 under truncation
  expect_equal(vcf_check_percent(13, 8, 1)$verdict, "consistent")
  expect_equal(vcf_check_percent(12, 8, 1)$verdict, "inconsistent")
  expect_equal(vcf_check_percent(12, 8, 1, rounding = "truncate")$verdict, "consistent")
  expect_equal(vcf_check_percent(12, 8, 1, rounding = "up_or_down")$verdict, "consistent")
  # a count above n is never consistent
  expect_equal(vcf_check_percent(100, 5, 6)$verdict, "inconsistent")
})

test_that("vcf_check_percent agrees with enumeration", {
  set.seed(5)
  n <- sample(1:150, 1000, replace = TRUE)
  pct <- round(runif(1000, 0, 100), 1)
  truth <- vapply(seq_along(n), function(i) {
    k <- 0:n[i]
    any(abs(100 * k / n[i] - pct[i]) <= 0.05 + 1e-9)
  }, logical(1))
  ours <- vcf_check_percent(pct, n, digits = 1, rounding = "up_or_down")$verdict == "consistent"
  expect_equal(ours, truth)
})


test_that("percentage checks refuse impossible input with classed errors", {
  expect_error(vcf_check_percent(101, n = 10), class = "vcf_error_range")
  expect_error(vcf_check_percent(-1, n = 10), class = "vcf_error_range")
  expect_error(vcf_check_percent(50, n = 10, rounding = "up"), class = "vcf_error_argument")
  expect_error(vcf_check_percent(50, n = 0), class = "vcf_error_range")
  expect_error(vcf_check_percent(50, n = 10, count = -2), class = "vcf_error_range")
  expect_error(vcf_check_percent("5x", n = 10), class = "vcf_error_type")
  expect_equal(vcf_check_percent(50, n = 10, rounding = "truncate")$verdict, "consistent")
})

test_that("vcf_check_percent refuses missing digits and bad rounding (fuzz)", {
  expect_error(vcf_check_percent(50, 10, digits = NA), class = "vcf_error_digits")
  expect_error(vcf_check_percent(50, 10, rounding = 0), class = "vcf_error_argument")
})

test_that("vcf_check_percent refuses a logical percent (fuzz)", {
  expect_error(vcf_check_percent(TRUE, 64, digits = 0), class = "vcf_error_type")
})
