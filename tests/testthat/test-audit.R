# Reference implementations in plain R -----------------------------------------

# GRIM by enumeration: does some integer sum S give S / N rounding to the
# printed value (either way at a tie)?
grim_ref <- function(mean, n, digits) {
  vapply(seq_along(mean), function(i) {
    N <- n[i]
    s <- floor(mean[i] * N) + (-2:2)
    any(abs(round(s / N * 10^digits[i], 9) - round(mean[i] * 10^digits[i])) <= 0.5)
  }, logical(1))
}

# All (sum, sum of squares) pairs of n integers in [lo, hi], by DP.
reachable <- function(n, lo, hi) {
  sets <- list("0 0")
  cur <- data.frame(s = 0, q = 0)
  for (i in seq_len(n)) {
    nxt <- do.call(rbind, lapply(lo:hi, function(v) data.frame(s = cur$s + v, q = cur$q + v^2)))
    cur <- unique(nxt)
  }
  cur
}

perturb_digit <- function(text) {
  # change the last printed digit by +1 or -1 (9 -> 8, 0 -> 1)
  vapply(text, function(t) {
    last <- as.integer(substring(t, nchar(t)))
    new <- if (last == 9L) 8L else if (last == 0L) 1L else last + sample(c(-1L, 1L), 1L)
    paste0(substring(t, 1L, nchar(t) - 1L), new)
  }, "", USE.NAMES = FALSE)
}

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

# scrutiny is optional (it does not install on every R 4.2 machine); it is
# looked up at run time so that R CMD check does not require it.
scrutiny_fun <- function(name) getExportedValue("scrutiny", name)

test_that("vcf_grim agrees with scrutiny::grim_map", {
  skip_if_not_installed("scrutiny")
  skip_if_not_installed("tibble")
  set.seed(2)
  n <- sample(2:99, 1000, replace = TRUE)
  mean <- sprintf("%.2f", runif(1000, 0, 10))
  theirs <- suppressWarnings(scrutiny_fun("grim_map")(tibble::tibble(x = mean, n = n)))$consistency
  expect_equal(vcf_grim(mean, n)$verdict == "consistent", theirs)
})

# GRIMMER ----------------------------------------------------------------------

test_that("sums of squares of n integers: exact for n <= 4, gap-free for n >= 5", {
  rep_c <- function(s, q, n) .Call(vcfoutcomes:::C_audit_representable, as.numeric(s),
                                   as.numeric(q), as.integer(n))
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

test_that("vcf_grimmer agrees with scrutiny::grimmer_map outside its test 3", {
  skip_if_not_installed("scrutiny")
  skip_if_not_installed("tibble")
  set.seed(3)
  k <- 600
  n <- sample(5:60, k, replace = TRUE)
  mean <- sprintf("%.2f", runif(k, 1, 6))
  sd <- sprintf("%.2f", runif(k, 0.5, 2.5))
  theirs <- suppressWarnings(scrutiny_fun("grimmer_map")(tibble::tibble(x = mean, sd = sd, n = n)))
  ours <- vcf_grimmer(mean, sd, n)
  # scrutiny's test 3 has a known false-positive bug (its issue 80), and it
  # tries one sum where several are possible: compare where neither applies.
  single_sum <- n * 1 < 100
  use <- !grepl("test 3", theirs$reason) & single_sum
  expect_gt(sum(use), 400)
  expect_equal(ours$verdict[use] == "consistent", theirs$consistency[use])
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
  message(sprintf("detection: GRIM %.1f%% (n < 20: %.1f%%), GRIMMER on the SD %.1f%% (n <= 10: %.1f%%)",
                  100 * rate_grim, 100 * mean(caught[n < 20]), 100 * rate_grimmer,
                  100 * mean(caught_sd[n <= 10])))
})

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

# p values ---------------------------------------------------------------------

test_that("vcf_check_p gets the BKP case and hand-worked cases right", {
  # BKP Table 2: t = 2.12 with 61 pairs (df 60) has p = 0.038, not 0.0601;
  # two-sided p = 0.0601 needs df = 10: pt(-2.115, 10) * 2 = 0.0605 and
  # pt(-2.125, 10) * 2 = 0.0595, while df 9 gives > 0.0625 and df 11 < 0.0581
  r <- vcf_check_p(2.12, df = 60, p = "0.0601")
  expect_equal(r$verdict, "decision-error")
  expect_true(r$decision_error)
  expect_equal(c(r$df_min, r$df_max), c(10, 10))
  expect_equal(r$p_computed, 2 * stats::pt(-2.12, 60))
  # "<.0001" means p < 0.0001
  expect_equal(vcf_check_p("10.0", 40, "<.0001")$verdict, "consistent")
  expect_equal(vcf_check_p("2.00", 40, "<.0001")$verdict, "decision-error")
  expect_equal(vcf_check_p("2.00", 40, "<.10")$verdict, "consistent")
  # ">": reported not significant
  expect_equal(vcf_check_p("1.10", 40, ">.05")$verdict, "consistent")
  # rounding of the statistic: t = 2.0 means [1.95, 2.05]
  expect_equal(vcf_check_p("2.0", 30, ".050")$verdict, "consistent")
  # F, chi-square, z, r
  expect_equal(vcf_check_p(c("4.10", "1.5"), df = cbind(2, 40), p = c(".024", ".23"),
                           test = "F")$verdict, c("consistent", "consistent"))
  expect_equal(vcf_check_p("6.12", 2, ".047", test = "chisq")$verdict, "consistent")
  expect_equal(vcf_check_p("1.96", NA, ".05", test = "z")$verdict, "consistent")
  expect_equal(vcf_check_p(".45", 28, ".013", test = "r")$verdict, "consistent")
  # one-sided
  expect_equal(vcf_check_p("1.70", 30, ".05", tails = 1)$verdict, "consistent")
  # missing df: not checkable
  expect_equal(vcf_check_p("2.00", NA, ".05")$verdict, "not-checkable")
  expect_error(vcf_check_p(2, 10, 0.05, test = "q"), class = "vcf_error_test")
})

test_that("vcf_check_p agrees with statcheck on APA strings", {
  skip_if_not_installed("statcheck")
  set.seed(6)
  k <- 300
  type <- sample(c("t", "F", "r", "chi2"), k, replace = TRUE)
  df1 <- ifelse(type == "F", sample(1:4, k, TRUE), ifelse(type == "chi2", sample(1:6, k, TRUE), NA))
  df2 <- ifelse(type %in% c("t", "F", "r"), sample(8:120, k, TRUE), NA)
  stat <- ifelse(type == "r", runif(k, 0.05, 0.6), ifelse(type == "t", runif(k, 0.5, 4),
                                                        runif(k, 0.5, 12)))
  stat_txt <- ifelse(type == "r", sub("^0", "", sprintf("%.2f", stat)), sprintf("%.2f", stat))
  p_true <- vcfoutcomes:::p_from_stat(c(t = "t", F = "F", r = "r", chi2 = "chisq")[type],
                                      as.numeric(stat_txt), df1, df2, rep(2, k))
  p_rep <- round(p_true, 3)
  # about a third perturbed in the last digit
  shift <- sample(c(0, 0, -0.002, 0.003, 0.01), k, TRUE)
  p_rep <- pmin(pmax(p_rep + shift, 0.001), 0.999)
  p_txt <- sub("^0", "", sprintf("%.3f", p_rep))
  df_txt <- ifelse(type == "F", paste0(df1, ", ", df2), ifelse(type == "chi2", df1, df2))
  apa <- paste0(ifelse(type == "chi2", "chi2", type), "(", df_txt, ") = ", stat_txt,
                ", p = ", p_txt)
  sc <- statcheck::statcheck(apa, messages = FALSE)
  expect_equal(nrow(sc), k)
  sc <- sc[order(as.integer(sc$source)), ]
  test <- c(t = "t", F = "F", r = "r", chi2 = "chisq")[type]
  ours <- vcf_check_p(stat_txt, df = cbind(df1, ifelse(is.na(df2), df1, df2)), p = p_txt,
                      test = test)
  expect_equal(ours$verdict != "consistent", sc$error)
  expect_equal(ours$verdict == "decision-error", sc$decision_error)
  expect_gt(sum(sc$error), 30)
})

test_that("p values of simulated t tests pass; perturbed ones are mostly caught", {
  set.seed(7)
  k <- 500
  n <- sample(8:60, k, TRUE)
  tt <- vapply(n, function(m) stats::t.test(stats::rnorm(m, 0.4))$statistic, 0)
  t_txt <- sprintf("%.2f", tt)
  p_txt <- sprintf("%.3f", 2 * stats::pt(-abs(tt), n - 1))
  ok <- as.numeric(p_txt) >= 0.001
  r <- vcf_check_p(t_txt[ok], n[ok] - 1, p_txt[ok])
  expect_true(all(r$verdict == "consistent"))
  bad <- vcf_check_p(t_txt[ok], n[ok] - 1, perturb_digit(p_txt[ok]))
  rate <- mean(bad$verdict != "consistent")
  # a last-digit change of p is invisible when p's range over the t interval
  # spans several units of the last digit; most are caught
  expect_gt(rate, 0.3)
  message(sprintf("detection: p values with one digit perturbed %.1f%%", 100 * rate))
})

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
})

# vcf_audit --------------------------------------------------------------------

published <- function(...) {
  x <- data.frame(..., stringsAsFactors = FALSE)
  if (is.null(x$group)) x$group <- NA_character_
  if (is.null(x$reported)) x$reported <- as.character(x$value)
  if (is.null(x$n)) x$n <- NA_real_
  x
}

# Miniature of the PV study's Table 1, with its known slip in women.
pv_table1 <- function() {
  published(
    id = c("n_t", "n_a", "n_b", "w_t", "wp_t", "w_a", "wp_a", "w_b", "wp_b",
           "age_t", "age_a", "age_b", "min_t", "min_a", "min_b", "max_t", "max_a", "max_b",
           "vas_t", "vas_a", "vas_b", "p_w"),
    source = "Table 1",
    row = c(rep("Patients", 3), rep("Women (%)", 6), rep("Median age (y) (range)", 9),
            rep("VAS score", 3), "Women (%)"),
    column = c("Total Group", "Subgroup A", "Subgroup B", "Total Group", "Total Group",
               "Subgroup A", "Subgroup A", "Subgroup B", "Subgroup B",
               rep(c("Total Group", "Subgroup A", "Subgroup B"), 4), "P value"),
    statistic = c("n", "n", "n", rep(c("count", "percent"), 3), rep("median", 3),
                  rep("min", 3), rep("max", 3), rep("mean", 3), "p"),
    value = c(64, 31, 33, 49, 77, 24, 77, 8, 24, 72, 70, 75, 55, 55, 60, 90, 88, 90,
              7.6, 7.4, 7.8, 0.001),
    reported = c("64", "31", "33", "49 (77)", "49 (77)", "24 (77)", "24 (77)", "8 (24)",
                 "8 (24)", "72 (55-90)", "72 (55-90)", "70 (55-88)", "70 (55-88)",
                 "75 (60-90)", "75 (60-90)", "72 (55-90)", "70 (55-88)", "75 (60-90)",
                 "7.6", "7.4", "7.8", "<.001"),
    digits = c(rep(0L, 18), 1L, 1L, 1L, 3L))
}

bkp_table2 <- function() {
  published(
    id = c("pre", "pre_sd", "post", "post_sd", "t", "p"), source = "Table 2",
    row = "VAS", column = c("Pre-operative", "Pre-operative", "Post-operative",
                            "Post-operative", "t", "P"),
    statistic = c("mean", "sd", "mean", "sd", "t", "p"),
    value = c(7.8, 1.1, 3.2, 1.4, 2.12, 0.0601),
    reported = c("7.8 (1.1)", "7.8 (1.1)", "3.2 (1.4)", "3.2 (1.4)", "2.12", "0.0601"),
    digits = c(1L, 1L, 1L, 1L, 2L, 4L), n = 61)
}

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
