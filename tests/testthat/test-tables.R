# Grouped summaries (src/summary.c) against R -----------------------------------

r_summary <- function(x, g, groups) {
  t(vapply(groups, function(k) {
    v <- x[!is.na(g) & g == k]
    miss <- sum(is.na(v))
    v <- v[!is.na(v)]
    if (!length(v)) return(c(0, NA, NA, NA, NA, NA, miss))
    c(length(v), mean(v), if (length(v) > 1) stats::sd(v) else NA,
      stats::median(v), min(v), max(v), miss)
  }, numeric(7)))
}

test_that("summarise_numeric matches R on random, tied and edge inputs", {
  set.seed(1)
  for (i in 1:200) {
    n <- sample(c(0:3, 10, 101, 1000), 1)
    x <- switch(sample(3, 1),
                stats::rnorm(n, 50, 10),
                as.double(sample(0:3, n, replace = TRUE)),   # heavy ties
                round(stats::rexp(n), 1))
    x[stats::runif(n) < 0.1] <- NA
    groups <- c("A", "B", "C")
    g <- sample(c(groups, NA), n, replace = TRUE, prob = c(0.45, 0.45, 0.05, 0.05))
    got <- vcfoutcomes:::summarise_numeric(x, g, groups)
    want <- r_summary(x, g, groups)
    expect_equal(unname(as.matrix(got[, 1:7])), unname(want), tolerance = 1e-12)
  }
})

test_that("summarise_numeric handles one element, zeros and huge values", {
  got <- vcfoutcomes:::summarise_numeric(c(0, 0, 0), c("a", "a", "a"), "a")
  expect_equal(unlist(got[1, 1:7]), c(n = 3, mean = 0, sd = 0, median = 0, min = 0,
                                      max = 0, missing = 0))
  one <- vcfoutcomes:::summarise_numeric(7, "a", "a")
  expect_true(is.na(one$sd))
  expect_equal(one$median, 7)
  huge <- c(1e300, 1e300, -1e300)
  expect_equal(vcfoutcomes:::summarise_numeric(huge, rep("a", 3), "a")$median, 1e300)
  x <- stats::rnorm(1e5)
  expect_equal(vcfoutcomes:::summarise_numeric(x, rep("a", 1e5), "a")$median,
               stats::median(x))
})

test_that("count_levels matches table() including missing values", {
  set.seed(2)
  for (i in 1:100) {
    n <- sample(c(0, 1, 5, 200), 1)
    x <- factor(sample(c("a", "b", "c", NA), n, replace = TRUE), levels = c("a", "b", "c"))
    g <- sample(c("G1", "G2"), n, replace = TRUE)
    got <- vcfoutcomes:::count_levels(x, g, c("G1", "G2"))
    want <- table(addNA(x, ifany = FALSE), factor(g, levels = c("G1", "G2")))
    expect_equal(unname(got), unname(matrix(as.vector(want), ncol = 2)))
  }
})

test_that("change_class classes decrease, similar and increase", {
  before <- c(75, 25, 20, 0, NA, 10)
  after <- c(25, 25, 21, 0, 3, NA)
  expect_equal(as.character(vcfoutcomes:::change_class(before, after)),
               c("decrease", "similar", "increase", "similar", NA, NA))
  expect_equal(as.character(vcfoutcomes:::change_class(20, 21, tolerance = 1)), "similar")
})

test_that("the C entry points reject bad arguments instead of crashing", {
  expect_error(.Call(vcfoutcomes:::C_summary_numeric, "a", 1L, 1L), "must be of type double")
  expect_error(.Call(vcfoutcomes:::C_summary_numeric, 1, 1:2, 1L), "length")
  expect_error(.Call(vcfoutcomes:::C_summary_numeric, 1, 1L, 0L), "at least 1")
  expect_error(.Call(vcfoutcomes:::C_summary_counts, 1L, 1L, NA_integer_, 1L), "NA")
  expect_error(.Call(vcfoutcomes:::C_summary_change, 1, 1, -1), "negative")
})

# P-value styles ------------------------------------------------------------------

test_that("format_p follows each journal style", {
  p <- c(0.5, 0.95, 0.02, 0.0042, 0.0004, 0.00001, NA)
  expect_equal(vcf_format_p(p, "ajnr"), c(".5", ".95", ".02", ".004", "<.001", "<.001", ""))
  expect_equal(vcf_format_p(p, "jama"), c(".50", ".95", ".02", ".004", "<.001", "<.001", ""))
  expect_equal(vcf_format_p(p, "nejm"), c("0.50", "0.95", "0.02", "0.004", "<0.001", "<0.001", ""))
  expect_equal(vcf_format_p(p, "lancet"), c("0.50", "0.95", "0.020", "0.0042", "0.00040", "<0.0001", ""))
  expect_error(vcf_format_p(1.2), class = "vcf_error_range")
  expect_error(vcf_format_p(0.1, "apa"), class = "vcf_error_argument")
})
