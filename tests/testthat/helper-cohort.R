# Shared by the cohort tests: the corpus of sheets written by
# data-raw/sheets.R, and a check of one paired comparison of an analysis
# against base R on vectors the test reshaped by hand.
sheet_path <- function(name) test_path("fixtures", "sheets", name)

expect_paired_base <- function(fit, comparison, outcome, before, after) {
  paired <- as.data.frame(fit, "paired")
  row <- paired[paired$comparison == comparison & paired$outcome == outcome, , drop = FALSE]
  expect_equal(nrow(row), 1L, info = paste(comparison, outcome))
  ok <- !is.na(before) & !is.na(after)
  base <- stats::t.test(before[ok], after[ok], paired = TRUE)
  expect_equal(row$n_pairs, sum(ok), info = paste(comparison, outcome))
  expect_equal(row$from_mean, mean(before[ok]), tolerance = 1e-10)
  expect_equal(row$to_mean, mean(after[ok]), tolerance = 1e-10)
  expect_equal(row$mean_diff, mean(before[ok] - after[ok]), tolerance = 1e-10)
  expect_equal(row$statistic, unname(base$statistic), tolerance = 1e-10)
  expect_equal(row$p_value, base$p.value, tolerance = 1e-10)
  expect_equal(c(row$ci_low, row$ci_high), as.vector(base$conf.int), tolerance = 1e-10)
}

# Small and fast bootstrap settings for analyses in tests.
quick_boot <- function() vcf_boot_control(B = 2, type = "norm", seed = 1)
