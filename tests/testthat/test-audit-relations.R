# Relations --------------------------------------------------------------------

test_that("relation checks get hand-worked cases right", {
  s <- vcf_check_sum(list(c(24, 8), c(24, 25)), total = c(49, 49), n = list(c(31, 33), c(31, 33)))
  expect_equal(s$verdict, c("inconsistent", "consistent"))
  expect_match(s$detail[1], "33 - 8 = 25")
  expect_equal(vcf_check_sum(c(10, 11, 12), 34)$verdict, "inconsistent")
  # rounded parts: 10.4 + 11.4 + 12.4 = 34.2 may print as 34 with 0-decimal total
  expect_equal(vcf_check_sum(c(10.4, 11.4, 12.4), 34, digits = 1, total_digits = 0)$verdict,
               "consistent")
  r <- vcf_check_range(list(c(55, 61), c(50, 61)), list(c(88, 93), c(88, 90)), 55, 90)
  expect_equal(r$verdict, c("inconsistent", "inconsistent"))
  expect_equal(vcf_check_range(list(c(55, 61)), list(c(88, 90)), 55, 90, partition = TRUE)$verdict,
               "consistent")
  expect_equal(vcf_check_range(list(c(55, 61)), list(c(88, 89)), 55, 90, partition = TRUE)$verdict,
               "inconsistent")
  expect_equal(vcf_check_range(numeric(), numeric(), NA, NA, median = list(c(70, 75)),
                               total_median = c(76))$verdict, "inconsistent")
  # (31 * 71.2 + 33 * 74.0) / 64 = 72.64
  w <- vcf_check_weighted_mean(list(c(71.2, 74.0), c(71.2, 74.0)), n = list(c(31, 33)),
                               total_mean = c(72.6, 73.0), digits = 1)
  expect_equal(w$verdict, c("consistent", "inconsistent"))
  expect_equal(vcf_check_percent_sum(list(c(12, 40, 33, 16), c(12, 40, 33, 18)))$verdict,
               c("consistent", "inconsistent"))
  expect_equal(vcf_check_percent_sum(c(50, 50), counts = c(10, 11), n = 20)$verdict, "inconsistent")
  expect_equal(vcf_check_ci(c(1.2, 3.4, 1), c(0.5, 3.5, 2), c(1.9, 5, 1))$verdict,
               c("consistent", "inconsistent", "inconsistent"))
  g <- vcf_check_regression(c(-1.3, 1.3, -1.6), 3.1, 4.4, digits = 1)
  expect_equal(g$verdict, c("consistent", "inconsistent", "inconsistent"))
  expect_equal(vcf_check_regression(1.3, 3.1, 4.4, digits = 1, sign_known = FALSE)$verdict,
               "consistent")
  # sign_known is one per check, recycled like the other arguments
  expect_equal(vcf_check_regression(1.3, 3.1, 4.4, digits = 1,
                                    sign_known = c(TRUE, FALSE))$verdict,
               c("inconsistent", "consistent"))
})


test_that("relation checks validate every argument with classed errors", {
  expect_snapshot(vcf_check_percent_sum(c(-1, 101)), error = TRUE)
  expect_error(vcf_check_percent_sum(c(-1, 101)), class = "vcf_error_range")
  expect_error(vcf_check_percent_sum(c(50, 50), counts = list(c(1.5, 2))), class = "vcf_error_range")
  expect_error(vcf_check_weighted_mean(list(c(71.2, 74)), n = list(c(-31, 33)),
                                       total_mean = 117.4, digits = 1),
               class = "vcf_error_range")
  expect_error(vcf_check_weighted_mean(list(c(71.2, 74)), n = list(c(0, 0)),
                                       total_mean = 72, digits = 1),
               class = "vcf_error_range")
  expect_error(vcf_check_weighted_mean(list(c(71.2, 74)), n = list(c(31.5, 33)),
                                       total_mean = 72, digits = 1),
               class = "vcf_error_range")
  expect_error(vcf_check_sum(list(c("a", "b")), 3), class = "vcf_error_type")
  expect_error(vcf_check_sum(c(1, Inf), 3), class = "vcf_error_range")
  expect_error(vcf_check_sum(c(1, 2), 3, digits = -1), class = "vcf_error_range")
  expect_error(vcf_check_range(list(c(1, 2)), list(c(3, 4)), 0, 5, partition = NA),
               class = "vcf_error_type")
  expect_error(vcf_check_range(list(c(1, NaN)), list(c(3, 4)), 0, 5), class = "vcf_error_range")
  expect_error(vcf_check_ci("1", 0, 2), class = "vcf_error_type")
  expect_error(vcf_check_ci(1, -Inf, 2), class = "vcf_error_range")
  expect_error(vcf_check_regression(1, 2, 1, digits = 1, sign_known = "yes"),
               class = "vcf_error_type")
  expect_error(vcf_check_regression(1, 2, 1, digits = 1.5), class = "vcf_error_range")
  # missing values stay allowed: that check is not checkable
  expect_equal(vcf_check_ci(NA, 0, 2)$verdict, "not-checkable")
})

test_that("relation checks refuse missing digits, absurd sizes and empty arguments (fuzz)", {
  expect_error(vcf_check_sum(c(1, 2), 3, digits = NA), class = "vcf_error_digits")
  expect_error(vcf_check_sum(rep(1, 2e5), 3), class = "vcf_error_work_limit")
  expect_error(vcf_check_sum(c(1, 2), total = c(3, 3, 3), n = c(-1, 0, 1)),
               class = "vcf_error_range")
  expect_error(vcf_check_weighted_mean(c(71.2, 74), c(31, 33), 72.6, digits = 1,
                                       total_digits = NA), class = "vcf_error_digits")
  expect_error(vcf_check_percent_sum(c(50, 50), digits = c(1, NA)), class = "vcf_error_digits")
  expect_error(vcf_check_percent_sum(c(50, 50), n = rep(100, 2e5)),
               class = "vcf_error_work_limit")
  expect_error(vcf_check_percent_sum(c(50, 50), digits = 2^62), class = "vcf_error_range")
  expect_error(vcf_check_percent_sum("a"), class = "vcf_error_type")
  # a classed list is not a list of parts (a data frame, a fit, a fake object)
  expect_snapshot(vcf_check_percent_sum(structure(list(coef = 1), class = "vcf_boot")),
                  error = TRUE)
  expect_error(vcf_check_sum(data.frame(a = 1, b = 2), 3), class = "vcf_error_type")
  expect_equal(vcf_check_sum(I(list(c(24, 8))), 32)$verdict, "consistent")
  expect_error(vcf_check_range(list(), 3, 1, 4), class = "vcf_error_length")
  expect_error(vcf_check_range(1, 3, 1, rep(NA_real_, 2e5)), class = "vcf_error_work_limit")
  expect_error(vcf_check_regression(-1.3, 3.1, 4.4, digits = c(1, NA)),
               class = "vcf_error_digits")
  expect_error(vcf_check_regression(-1.3, 3.1, 4.4, digits = 1, coef_digits = NA),
               class = "vcf_error_digits")
})

test_that("per-check vectors must pair up and n is a sample size (fuzz)", {
  expect_error(vcf_check_weighted_mean(list(c(71.2, 74)), n = double(0), 72.6, 1),
               class = "vcf_error_length")
  expect_error(vcf_check_percent_sum(c(12, 40, 33, 16), counts = integer(0)),
               class = "vcf_error_length")
  expect_error(vcf_check_percent_sum(c(12, 40, 33, 16), n = 0L), class = "vcf_error_range")
  expect_error(vcf_check_regression(numeric(0), 3.1, 4.4, digits = 1), class = "vcf_error_length")
})

test_that("vcf_check_sum refuses negative counts", {
  expect_error(vcf_check_sum(c(24, -8), 16), class = "vcf_error_argument")
  expect_error(vcf_check_sum(list(c(1, 2), c(3, -1)), c(3, 2)), class = "vcf_error_argument")
  expect_error(vcf_check_sum(c(24, 8), -32), class = "vcf_error_argument")
  expect_equal(vcf_check_sum(c(24, 0), 24)$verdict, "consistent")
})
