# Shared helpers of the comparison-test tests (test-compare.R): the
# relative tolerance, a collector of our results beside base R's, and the
# random data generators.

tol <- 1e-10
n_cases <- 240

# Element-wise relative comparison in one expectation: compared as lists,
# every element is held to the relative tolerance on its own (a vector would
# be compared on its mean difference).
expect_each_equal <- function(actual, expected, what) {
  expect_equal(as.list(actual), as.list(expected), tolerance = tol, label = what)
}

# Collects our results and base R's, case by case, for expect_each_equal().
collector <- function() {
  env <- new.env()
  env$ours <- list()
  env$base <- list()
  env$add <- function(name, ours, base) {
    env$ours[[name]] <- c(env$ours[[name]], ours)
    env$base[[name]] <- c(env$base[[name]], base)
  }
  env$check <- function(min_cases = 200) {
    for (name in names(env$ours)) {
      expect_each_equal(env$ours[[name]], env$base[[name]], name)
    }
    expect_gte(length(env$ours$p_value), min_cases)
  }
  env
}

# Group sizes: n = 2 in all, tiny, unequal, moderate and (a few) large.
random_sizes <- function(i, min_each = 1L) {
  switch(i %% 6 + 1,
    c(1L, 1L) + (min_each - 1L) * c(1L, 1L),
    sample(min_each:4, 2, TRUE),
    c(sample(min_each:5, 1), sample(20:60, 1)),
    sample(5:49, 2, TRUE),
    sample(50:400, 2, TRUE),
    if (i %% 50 == 5) c(sample(5000:20000, 1), sample(100:30000, 1)) else
      sample(10:120, 2, TRUE))
}

# Values with a random location and scale; every third case rounded so that
# ties (and, for paired data, zero differences) are common.
random_values <- function(n, i) {
  x <- stats::rnorm(n, mean = stats::runif(1, -100, 100), sd = stats::rexp(1, 0.1))
  if (i %% 3 == 0) x <- round(x / stats::sd(c(x, 1, 2)) * 2)
  if (i %% 7 == 0) x <- round(stats::rexp(n, 0.2))  # skewed, zeros
  x
}

with_groups <- function(x, y) {
  g <- factor(rep(c("a", "b"), c(length(x), length(y))))
  idx <- sample(length(g))  # interleave the groups
  list(x = c(x, y)[idx], g = g[idx])
}

# One random data set per case through our rank test and base R's
# wilcox.test(): statistic, p-value and method equal; a case without an
# answer in base R (p NaN: all tied) is one without an answer here. Both
# the exact and the normal branch must be exercised.
expect_rank_test_equal <- function(seed, make_data, ours, base, min_each = 30) {
  set.seed(seed)
  cl <- collector()
  seen <- c(exact = 0, approx = 0)
  for (i in seq_len(n_cases)) {
    d <- make_data(i)
    ref <- suppressWarnings(base(d))
    res <- ours(d)
    if (is.nan(ref$p.value)) {
      cl$add("no answer", res$status, vcfoutcomes:::status_code("all_tied"))
      next
    }
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("method", res$method, ref$method)
    kind <- if (res$exact == 1) "exact" else "approx"
    seen[kind] <- seen[kind] + 1
  }
  cl$check()
  expect_true(all(seen > min_each))
}
