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
})


test_that("vcf_check_p refuses impossible p and digits instead of looping", {
  expect_error(vcf_check_p(2, 10, p = Inf), class = "vcf_error_range")
  expect_error(vcf_check_p(2, 10, p = -Inf), class = "vcf_error_range")
  expect_error(vcf_check_p(2, 10, p = 0.05, p_digits = NA), class = "vcf_error_digits")
  expect_error(vcf_check_p(2, 10, p = "2"), class = "vcf_error_range")
  expect_error(vcf_check_p(2, 10, p = TRUE), class = "vcf_error_type")
  expect_error(vcf_check_p(Inf, 10, p = 0.05), class = "vcf_error_range")
  expect_error(vcf_check_p(2, -3, p = 0.05), class = "vcf_error_range")
  expect_error(vcf_check_p(2, 10, p = 0.05, tails = 3), class = "vcf_error_tails")
  expect_error(vcf_check_p(2, 10, p = 0.05, comparison = "~"), class = "vcf_error_comparison")
  expect_error(vcf_check_p(2, 10, p = 0.05, digits = -1), class = "vcf_error_range")
  expect_snapshot(vcf_check_p(2, 10, p = "<.000"), error = TRUE)
  expect_error(vcf_check_p(2, 10, p = "<.000"), class = "vcf_error_p_bound")
  expect_error(vcf_check_p(2, 10, p = ">1"), class = "vcf_error_p_bound")
})

test_that("a statistic printed with an inequality is checked as an interval", {
  # t < 2.2 with df 10: p > 2 * pt(-2.2, 10) = 0.052, up to 1
  r <- vcf_check_p("<2.2", 10, ".20")
  expect_equal(r$verdict, "consistent")
  expect_equal(r$p_min, 2 * stats::pt(-2.2, 10))
  expect_equal(r$p_max, 1)
  expect_equal(r$statistic, "<2.2")
  # p = .01 would need t > 3.1: not inside [0, 2.2), and on the other side of alpha
  expect_equal(vcf_check_p("<2.2", 10, ".01")$verdict, "decision-error")
  # t > 10 with df 10: p < 2 * pt(-10, 10) = 1.6e-6
  expect_equal(vcf_check_p(">10", 10, "<.001")$verdict, "consistent")
  expect_equal(vcf_check_p(">10", 10, ".04")$verdict, "inconsistent")
  # "<2.2" is not read as "= 2.2": that would give p in [0.0515, 0.0533]
  expect_false(isTRUE(all.equal(vcf_check_p("<2.2", 10, ".20")$p_max,
                                vcf_check_p("2.2", 10, ".20")$p_max)))
})

test_that("vcf_check_p refuses alpha 0, missing digits and absurd sizes (fuzz)", {
  expect_error(vcf_check_p(2.1, 20, 0.05, alpha = 0), class = "vcf_error_range")
  expect_error(vcf_check_p(2.1, 20, 0.05, alpha = 1), class = "vcf_error_range")
  expect_error(vcf_check_p(2.1, 20, 0.05, p_digits = c(1, NA)), class = "vcf_error_digits")
  expect_error(vcf_check_p(2.1, rep(20, 2e6), 0.05), class = "vcf_error_work_limit")
})

test_that("vcf_check_p refuses non-numeric tails and non-character comparison (fuzz)", {
  expect_error(vcf_check_p(2.12, 60, "0.0601", tails = mean), class = "vcf_error_type")
  expect_error(vcf_check_p(2.12, 60, "0.0601", tails = "2"), class = "vcf_error_type")
  expect_error(vcf_check_p(2.12, 60, "0.0601", comparison = ~x), class = "vcf_error_comparison")
})

test_that("the work limit applies before 1e7 printed values are parsed (fuzz)", {
  expect_error(vcf_check_p(.Machine$integer.max, 60, p = as.double(seq_len(2e6))),
               class = "vcf_error_work_limit")
  expect_error(vcf_check_p(as.character(seq_len(2e6)), 60, p = "0.05"),
               class = "vcf_error_work_limit")
})

test_that("tails is one per check, recycled like the other arguments", {
  both <- vcf_check_p(2.12, 60, "0.0601", tails = c(1, 2))
  expect_equal(nrow(both), 2L)
  expect_equal(both$p_computed, c(1, 2) * stats::pt(-2.12, 60))
  # an array is read as its values, as the other arguments are
  expect_identical(vcf_check_p(2.12, 60, "0.0601", tails = array(c(1, 2), c(1, 1, 2))), both)
  expect_error(vcf_check_p(2.12, 60, "0.0601", tails = c(1, 2, 0)), class = "vcf_error_tails")
  expect_error(vcf_check_p(c(2.12, 1), 60, "0.0601", tails = c(1, 2, 2)),
               class = "vcf_error_length")
})
