# GRIM -------------------------------------------------------------------------

test_that("vcf_grim gets hand-worked cases right", {
  # 28 values: 145/28 = 5.1786 and 146/28 = 5.2143, so 5.19 is impossible
  g <- vcf_grim(c("5.19", "5.18", "5.21", "3.50"), n = c(28, 28, 28, 20))
  expect_equal(g$verdict, c("inconsistent", "consistent", "consistent", "consistent"))
  expect_equal(g$expected[1], "5.18 or 5.21")
  expect_false(g$consistent[1])
  # trailing zeros count: "3.50" has 2 decimals, numeric 3.5 needs digits
  expect_equal(vcf_grim("3.50", 20)$digits, 2L)
  expect_error(vcf_grim(3.5, 20), class = "vcf_error_digits")
  # n >= 10^digits: nothing can be detected
  expect_equal(vcf_grim("3.5", 200)$verdict, "not-checkable")
  expect_true(is.na(vcf_grim("3.5", 200)$consistent))
  # items: 2.53 with 10 people x 3 items: sums of 30 items -> 76/30 = 2.5333
  expect_equal(vcf_grim("2.53", 10, items = 3)$verdict, "consistent")
  expect_equal(vcf_grim("2.52", 10, items = 3)$verdict, "inconsistent")
  # negative means are mirrored
  expect_equal(vcf_grim(c("-5.19", "-5.18"), 28)$verdict, c("inconsistent", "consistent"))
  # NA input is not checkable, not an error
  expect_equal(vcf_grim(c(NA, 5.18), 28, digits = 2)$verdict, c("not-checkable", "consistent"))
})

test_that("vcf_grim honours the rounding convention at ties", {
  # 1/4 = 0.25 exactly: "0.3" if halves go up, "0.2" if down or to even
  expect_equal(vcf_grim("0.3", 4, rounding = "up")$verdict, "consistent")
  expect_equal(vcf_grim("0.3", 4, rounding = "down")$verdict, "inconsistent")
  expect_equal(vcf_grim("0.3", 4, rounding = "even")$verdict, "inconsistent")
  expect_equal(vcf_grim("0.2", 4, rounding = "even")$verdict, "consistent")
  expect_equal(vcf_grim(c("0.2", "0.3"), 4)$verdict, c("consistent", "consistent"))
  # truncation: 7/8 = 0.875 -> "0.8"
  expect_equal(vcf_grim("0.8", 8, rounding = "truncate")$verdict, "consistent")
  expect_equal(vcf_grim("0.9", 8, rounding = "truncate")$verdict, "inconsistent")
})

test_that("vcf_grim agrees with enumeration on random inputs", {
  set.seed(1)
  n <- sample(2:99, 2000, replace = TRUE)
  mean <- round(runif(2000, 0, 10), 2)
  ours <- vcf_grim(mean, n, digits = 2)$verdict
  expect_equal(ours == "consistent", grim_ref(mean, n, rep(2, 2000)))
})



# GRIMMER ----------------------------------------------------------------------

test_that("sums of squares of n integers: exact for n <= 4, gap-free for n >= 5", {
  rep_c <- function(s, q, n) vcfoutcomes:::audit_representable(s, q, n)
  for (n in 2:6) {
    reach <- reachable(n, -8, 8)
    for (s in 0:(n - 1)) {
      q0 <- floor(s / n); qmin <- n * q0^2 + 2 * q0 * (s - n * q0) + (s - n * q0)
      qs <- seq(qmin, qmin + 40)
      truth <- paste(s, qs) %in% paste(reach$s, reach$q)
      ours <- vapply(qs, function(q) rep_c(s, q, n), logical(1))
      expect_equal(ours, truth, info = paste("n =", n, "s =", s))
    }
  }
  # the known gap: four integers with sum 2 never have sum of squares 8
  expect_false(rep_c(2, 8, 4))
  expect_true(rep_c(2, 10, 4))
})

test_that("vcf_grimmer gets hand-worked cases right", {
  # n = 10, mean 3.50 (S = 35): SD 1.30 needs Q in [137.59, 137.83]: no integer
  g <- vcf_grimmer(c("3.50", "3.50", "5.19"), c("1.30", "1.35", "1.60"), n = c(10, 10, 28))
  expect_equal(g$verdict, c("inconsistent", "consistent", "inconsistent"))
  expect_equal(g$reason, c("sd-range", NA, "GRIM"))
  # Q = 139 from 1.35: 10 * 139 - 35^2 = 165, sqrt(165 / 90) = 1.354
  expect_match(g$expected[1], "1.27 or 1.35")
  # parity: n = 5, mean 1.20 (S = 6): Q = 9 gives SD sqrt((45 - 36) / 20) = 0.67;
  # 9 is odd but S is even, so 0.67 is impossible; Q = 10 (2, 2, 1, 1, 0)
  # gives sqrt(14 / 20) = 0.84
  p <- vcf_grimmer(c("1.20", "1.20"), c("0.67", "0.84"), n = 5)
  expect_equal(p$verdict, c("inconsistent", "consistent"))
  expect_equal(p$reason[1], "parity")
  # attainability: 4 integers, sum 2, Q = 8 -> SD sqrt((32 - 4) / 12) = 1.53
  a <- vcf_grimmer("0.50", "1.53", n = 4)
  expect_equal(a$verdict, "inconsistent")
  expect_equal(a$reason, "attainable")
  expect_equal(vcf_grimmer("0.50", "1.73", n = 4)$verdict, "consistent")  # Q = 10
  # SD 0 needs identical values
  expect_equal(vcf_grimmer(c("3.00", "3.50"), c("0.00", "0.00"), n = 4)$verdict,
               c("consistent", "inconsistent"))
  expect_error(vcf_grimmer("3.5", "-1", 10), class = "vcf_error_range")
})

test_that("vcf_grimmer is exact for small n: brute force over all data sets", {
  for (n in 3:4) {
    reach <- reachable(n, -6, 14)
    # every (mean, SD) that some data set gives, rounded to 2 decimals
    ok <- reach$s / n >= 2 & reach$s / n <= 6
    m <- sprintf("%.2f", reach$s[ok] / n)
    s <- sprintf("%.2f", sqrt(pmax(n * reach$q[ok] - reach$s[ok]^2, 0) / (n * (n - 1))))
    truth <- unique(paste(m, s))
    truth_sd <- as.numeric(sub(".* ", "", truth))
    # candidates: each achievable mean with SDs 0.00 .. 2.50 (values then stay
    # within [-6, 14], so the brute force sees every data set)
    cand <- expand.grid(m = unique(m), s = sprintf("%.2f", seq(0, 2.5, by = 0.01)),
                        stringsAsFactors = FALSE)
    ours <- vcf_grimmer(cand$m, cand$s, n = n)$verdict == "consistent"
    expect_equal(ours, paste(cand$m, cand$s) %in% truth, info = paste("n =", n))
  }
})


# Randomized: simulated data pass, perturbed digits are caught ---------------

test_that("means and SDs of simulated integer data always pass; perturbations are caught", {
  set.seed(4)
  k <- 3000
  n <- sample(5:60, k, replace = TRUE)
  data <- lapply(n, function(m) sample(0:10, m, replace = TRUE, prob = 11:1))
  mean <- sprintf("%.2f", vapply(data, mean, 0))
  sd <- sprintf("%.2f", vapply(data, stats::sd, 0))
  expect_true(all(vcf_grim(mean, n)$verdict == "consistent"))
  expect_true(all(vcf_grimmer(mean, sd, n)$verdict == "consistent"))
  items <- vapply(data, function(d) round(mean(d)), 0)  # unused; keeps RNG stream fixed
  # one digit of the mean perturbed: GRIM can only see it when n < 100
  bad_mean <- perturb_digit(mean)
  caught <- vcf_grim(bad_mean, n)$verdict == "inconsistent"
  rate_grim <- mean(caught)
  # the chance that a random 2-decimal mean is impossible is 1 - n/100
  expect_gt(rate_grim, 0.5)
  expect_gt(mean(caught[n < 20]), 0.75)
  # one digit of the SD perturbed: GRIMMER
  bad_sd <- perturb_digit(sd)
  caught_sd <- vcf_grimmer(mean, bad_sd, n)$verdict == "inconsistent"
  rate_grimmer <- mean(caught_sd)
  expect_gt(mean(caught_sd[n <= 10]), 0.5)
})


test_that("GRIMMER searches are bounded, closed-form for n = 2, and validated", {
  # n = 2: two integers with sum s have sum of squares (s^2 + d^2) / 2, so a
  # huge SD costs nothing (once an hours-long loop)
  r <- vcf_grimmer("12345", "999999999999", n = 2)
  expect_equal(r$verdict, "consistent")
  # brute force for n = 2: the SDs two integers with sum 7 can give
  d <- seq(1, 41, by = 2)
  sds <- sprintf("%.2f", d / sqrt(2))
  expect_true(all(vcf_grimmer(rep("3.50", length(d)), sds, n = 2)$verdict == "consistent"))
  expect_equal(vcf_grimmer("3.50", "1.00", n = 2)$verdict, "inconsistent")
  # the work bound: a mean of 5 for 1e8 integer values allows 1e8 sums
  one <- vcf_grimmer("5.21", "1.60", n = c(1, NA, 28))
  expect_equal(one$verdict, c("not-checkable", "not-checkable", "consistent"))
  expect_equal(one$detail[1:2], c("an SD needs n >= 2", "missing, unusable or too large input"))
  expect_snapshot(vcf_grimmer("5", "0", n = 1e8), error = TRUE)
  expect_error(vcf_grimmer("5", "0", n = 1e8), class = "vcf_error_work_limit")
  expect_error(vcf_grimmer("3.5", "1.2", n = Inf), class = "vcf_error_range")
  expect_error(vcf_grimmer("3.5", "1.2", n = 2e9), class = "vcf_error_range")
  expect_error(vcf_grimmer("3.5", "1.2", n = 10, threads = 0), class = "vcf_error_argument")
  expect_error(vcf_grimmer(Inf, "1.2", n = 10, digits = 1), class = "vcf_error_range")
  expect_error(vcf_grim("3.5", n = 10, items = 0), class = "vcf_error_range")
  expect_error(vcf_grim(3.5, n = 10, digits = 99), class = "vcf_error_range")
  # threads do not change results
  m <- sprintf("%.2f", runif(300, 1, 9)); s <- sprintf("%.2f", runif(300, 0.5, 3))
  expect_identical(vcf_grimmer(m, s, n = 12, threads = 1), vcf_grimmer(m, s, n = 12, threads = 2))
  # the internal API refuses what it cannot convert exactly
  expect_error(vcfoutcomes:::audit_representable(1e300, 4, 3), class = "vcf_error_argument")
  expect_error(.Call(vcfoutcomes:::C_audit_representable, 1e300, 4, 3L), "whole number")
})

test_that("GRIM and GRIMMER refuse missing items and digits, empty n and absurd sizes (fuzz)", {
  expect_error(vcf_grim("5.2", 10, items = NA), class = "vcf_error_range")
  expect_error(vcf_grim(5.2, 10, digits = NA), class = "vcf_error_digits")
  expect_error(vcf_grimmer("5.2", "1.1", 10, items = NA), class = "vcf_error_range")
  expect_error(vcf_grimmer("5.2", "1.1", numeric(0)), class = "vcf_error_length")
  expect_error(vcf_grimmer("5.2", "1.1", 10, threads = 0), class = "vcf_error_argument")
  expect_error(vcf_grimmer("5.2", "1.1", 10, digits = rep(1, 2e6)),
               class = "vcf_error_work_limit")
})

test_that("GRIMMER takes an array of items as a plain vector (fuzz)", {
  a <- vcf_grimmer("5.21", "1.60", 28, items = array(1, c(1, 1, 1, 1)))
  b <- vcf_grimmer("5.21", "1.60", 28, items = 1)
  expect_identical(a, b)
})
