# The comparison-test engine against base R: every statistic and p-value
# must equal t.test(), chisq.test(), fisher.test() and wilcox.test() to 1e-10
# relative on the same data, on >= 200 random data sets per test covering
# ties, zeros, unequal n, n = 2 and large n. Shared helpers (tolerance,
# collector, random data) are in helper-compare.R.

compare_t2 <- vcfoutcomes:::compare_t2
compare_paired_t <- vcfoutcomes:::compare_paired_t
compare_chisq <- vcfoutcomes:::compare_chisq
compare_fisher <- vcfoutcomes:::compare_fisher
compare_signrank <- vcfoutcomes:::compare_signrank
compare_ranksum <- vcfoutcomes:::compare_ranksum
status_code <- vcfoutcomes:::status_code

test_that("pooled and Welch t-tests equal t.test() on random data", {
  set.seed(101)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    for (welch in c(FALSE, TRUE)) {
      n <- random_sizes(i, min_each = if (welch) 2L else 1L)
      if (!welch && sum(n) < 3) n <- c(n[1], n[2] + 1L)
      x <- random_values(n[1], i)
      y <- random_values(n[2], i) + (i %% 4) * stats::rnorm(1)
      if (i %% 5 == 0) x[1] <- NA  # dropped
      ref <- tryCatch(stats::t.test(x, y, var.equal = !welch), error = function(e) NULL)
      d <- with_groups(x, y)
      res <- compare_t2(d$x, d$g, var_equal = !welch)
      if (is.null(ref) || is.nan(ref$statistic)) {  # constant: no answer
        cl$add("no answer", res$status != status_code("ok"), TRUE)
        next
      }
      cl$add("status", res$status, status_code("ok"))
      cl$add("statistic", res$statistic, unname(ref$statistic))
      cl$add("df", res$df, unname(ref$parameter))
      cl$add("p_value", res$p_value, ref$p.value)
      cl$add("means", c(res$mean1, res$mean2), unname(ref$estimate))
      cl$add("n", res$n, sum(!is.na(x)) + length(y))
    }
  }
  cl$check(min_cases = 400)
})

test_that("t-tests stay exact on data far from zero, sorted, or with a wild first value", {
  set.seed(102)
  cases <- list(
    offset = list(1e8 + stats::rnorm(3000), 1e8 + 0.05 + stats::rnorm(2000)),
    sorted = list(sort(stats::rexp(5000)), sort(stats::rexp(4000) * 1.1)),
    wild = list(c(1e9, stats::rnorm(999)), c(-1e9, stats::rnorm(999))),
    tiny = list(1e-100 * stats::rnorm(40), 1e-100 * stats::rnorm(30)),
    far_tail = list(stats::rnorm(20000, 0), stats::rnorm(20000, 0.45)))
  for (nm in names(cases)) {
    x <- cases[[nm]][[1]]
    y <- cases[[nm]][[2]]
    d <- with_groups(x, y)
    for (var_equal in c(TRUE, FALSE)) {
      ref <- stats::t.test(x, y, var.equal = var_equal)
      res <- compare_t2(d$x, d$g, var_equal = var_equal)
      expect_equal(res$statistic, unname(ref$statistic), tolerance = tol, info = nm)
      expect_equal(res$df, unname(ref$parameter), tolerance = tol, info = nm)
      expect_equal(res$p_value, ref$p.value, tolerance = tol, info = nm)
    }
  }
})

test_that("integer columns give the t-test of their double values", {
  set.seed(103)
  x <- sample(c(0:20, NA), 300, TRUE)
  g <- sample(c("u", "v"), 300, TRUE)
  expect_identical(compare_t2(x, g), compare_t2(as.double(x), g))
  ref <- stats::t.test(x[g == "u"], x[g == "v"], var.equal = TRUE)
  expect_equal(compare_t2(x, g)$p_value, ref$p.value, tolerance = tol)
})

test_that("paired t-test equals t.test(paired = TRUE) on random data", {
  set.seed(104)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    n <- max(2L, random_sizes(i, 2L)[1])
    x <- random_values(n, i)
    y <- x + if (i %% 3 == 0) round(stats::rnorm(n)) else stats::rnorm(n, 0.3, stats::rexp(1))
    if (i %% 5 == 0) y[sample(n, 1)] <- NA
    ref <- tryCatch(stats::t.test(x, y, paired = TRUE), error = function(e) NULL)
    res <- compare_paired_t(x, y)
    if (is.null(ref) || is.nan(ref$statistic)) {  # constant differences
      cl$add("no answer", res$status %in% status_code(c("too_few", "constant")), TRUE)
      next
    }
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("df", res$df, unname(ref$parameter))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("estimate", res$estimate, unname(ref$estimate))
  }
  cl$check()
})

random_table_data <- function(i, n_groups = NULL) {
  r <- if (is.null(n_groups)) sample(2:5, 1) else 2L
  k <- if (is.null(n_groups)) sample(2:4, 1) else n_groups
  n <- switch(i %% 4 + 1, sample(4:15, 1), sample(16:80, 1), sample(80:600, 1),
              if (i %% 40 == 3) 20000L else sample(100:2000, 1))
  repeat {
    x <- factor(sample(letters[seq_len(r)], n, TRUE, prob = stats::runif(r)))
    g <- factor(sample(LETTERS[seq_len(k)], n, TRUE, prob = stats::runif(k)))
    if (i %% 6 == 0) x[sample(n, 2)] <- NA
    ok <- !is.na(x)
    if (nlevels(droplevels(x[ok])) >= 2 && nlevels(droplevels(g[ok])) >= 2) break
  }
  list(x = x, g = g)
}

test_that("Pearson chi-square (r x c) equals chisq.test(correct = FALSE)", {
  set.seed(105)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    d <- random_table_data(i)
    ref <- suppressWarnings(stats::chisq.test(d$x, d$g, correct = FALSE))
    res <- compare_chisq(d$x, d$g)
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("df", res$df, unname(ref$parameter))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("n", res$n, sum(ref$observed))
    cl$add("low expected noted", !is.na(res$note), any(ref$expected < 5))
  }
  cl$check()
})

test_that("Yates' correction follows chisq.test()'s rule", {
  set.seed(106)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    d <- random_table_data(i, n_groups = if (i %% 10 == 0) 3L else 2L)
    ref <- suppressWarnings(stats::chisq.test(d$x, d$g, correct = TRUE))
    res <- compare_chisq(d$x, d$g, correct = TRUE)
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("method", res$method, ref$method)
  }
  cl$check()
})

test_that("Fisher's exact test (2 x 2) equals fisher.test(): p-value and odds ratio", {
  set.seed(107)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    d <- random_table_data(i, n_groups = 2L)
    if (i %% 9 == 0) {  # a zero cell: odds ratio 0 or Inf
      d$x[d$x == "a" & d$g == "A"] <- "b"
      if (nlevels(droplevels(d$x)) < 2) next
    }
    ref <- stats::fisher.test(d$x, d$g)
    res <- compare_fisher(d$x, d$g)
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("odds ratio", res$estimate, unname(ref$estimate))
  }
  cl$check()
  # symmetric margins: the tolerance decides which equal probabilities count
  x <- factor(rep(c("a", "b", "a", "b"), c(5, 5, 5, 5)))
  g <- factor(rep(c("A", "B"), each = 10))
  expect_equal(compare_fisher(x, g)$p_value, stats::fisher.test(x, g)$p.value,
               tolerance = tol)
})

test_that("signed-rank test equals wilcox.test(paired = TRUE), exact and approximate", {
  expect_rank_test_equal(108, function(i) {
    n <- max(2L, random_sizes(i, 2L)[1])
    x <- random_values(n, i)
    y <- x + switch(i %% 3 + 1, stats::rnorm(n, 0.2), round(stats::rnorm(n)),
                    stats::rnorm(n) * (stats::runif(n) > 0.2))
    if (i %% 5 == 0) x[sample(n, 1)] <- NA
    list(x = x, y = y)
  }, ours = function(d) compare_signrank(d$x, d$y),
  base = function(d) stats::wilcox.test(d$x, d$y, paired = TRUE))
})

test_that("rank-sum test equals wilcox.test(), exact and approximate", {
  expect_rank_test_equal(109, function(i) {
    n <- random_sizes(i)
    x <- random_values(n[1], i)
    y <- random_values(n[2], i) + stats::rnorm(1)
    if (i %% 3 == 0) y <- round(y)
    if (i %% 5 == 0) x[1] <- NA
    if (all(is.na(x))) x <- c(x, 1)
    mixed <- with_groups(x, y)
    list(x = x, y = y, values = mixed$x, g = mixed$g)
  }, ours = function(d) compare_ranksum(d$values, d$g),
  base = function(d) stats::wilcox.test(d$x, d$y))
})

test_that("many variables in one call give the results of one call each", {
  set.seed(110)
  g <- sample(c("p", "q"), 500, TRUE)
  X <- replicate(5, stats::rnorm(500), simplify = FALSE)
  X[[3]][1:20] <- NA
  all <- compare_t2(X, g, var_equal = FALSE)
  one <- do.call(rbind, lapply(X, compare_t2, g = g, var_equal = FALSE))
  expect_equal(all, one)
  F <- replicate(4, factor(sample(letters[1:3], 500, TRUE)), simplify = FALSE)
  expect_equal(compare_chisq(F, g)[, 1:7],
               do.call(rbind, lapply(F, compare_chisq, g = g))[, 1:7])
})

test_that("chi-square count tables are table(x, g)", {
  x <- factor(c("a", "b", "a", NA, "c", "a"), levels = c("a", "b", "c", "d"))
  g <- c("u", "v", "v", "u", "u", NA)
  tab <- attr(compare_chisq(x, g), "tables")[[1]]
  ref <- table(x, factor(g))
  expect_equal(unname(tab), unname(matrix(ref, nrow = 4)))
  expect_equal(dimnames(tab), list(c("a", "b", "c", "d"), c("u", "v")))
})

test_that("p-values in the far tails are Rmath's, as base R's", {
  # t (GSL's t CDF misses pt() here by 7.5e-9), chi-square and normal tails
  x <- c(rep(0, 50), 0.05 * (1:50))
  y <- c(rep(3, 50), 3 + 0.05 * (1:50))
  d <- with_groups(x, y)
  ref <- stats::t.test(x, y, var.equal = TRUE)
  expect_lt(ref$p.value, 1e-30)
  expect_equal(compare_t2(d$x, d$g)$p_value, ref$p.value, tolerance = tol)
  f <- factor(rep(c("u", "v", "u", "v"), c(400, 10, 10, 400)))
  g <- rep(c("a", "b"), each = 410)
  ref <- stats::chisq.test(f, g, correct = FALSE)
  expect_lt(ref$p.value, 1e-100)
  expect_equal(compare_chisq(f, g)$p_value, ref$p.value, tolerance = tol)
  z <- c(1:60, 200 + 1:60)
  ref <- stats::wilcox.test(z[1:60], z[61:120], exact = FALSE)
  expect_equal(compare_ranksum(z, rep(c("a", "b"), each = 60))$p_value, ref$p.value,
               tolerance = tol)
})

# vcf_compare --------------------------------------------------------------------

make_data <- function(n = 60, seed = 1) {
  set.seed(seed)
  data.frame(group = sample(c("PV", "BKP"), n, TRUE),
             age = round(stats::rnorm(n, 75, 8)),
             bme = stats::rexp(n, 0.05),
             sex = factor(sample(c("female", "male"), n, TRUE)),
             shape = sample(c("wedge", "biconcave", "crush"), n, TRUE),
             new_vcf = sample(c(TRUE, FALSE, NA), n, TRUE),
             stringsAsFactors = FALSE)
}

test_that("vcf_compare defaults to pooled t and Pearson chi-square, as base R", {
  d <- make_data()
  res <- vcf_compare(d, by = "group")
  expect_named(res, c("variable", "test", "statistic", "df", "p_value", "n",
                      "method", "estimate", "ci_low", "ci_high", "alternative",
                      "note"))
  expect_equal(res$variable, c("age", "bme", "sex", "shape", "new_vcf"))
  expect_equal(res$test, c("t", "t", "chisq", "chisq", "chisq"))
  g <- factor(d$group)
  ref_t <- stats::t.test(d$age[g == "BKP"], d$age[g == "PV"], var.equal = TRUE)
  expect_equal(res$statistic[1], unname(ref_t$statistic), tolerance = tol)
  expect_equal(res$p_value[1], ref_t$p.value, tolerance = tol)
  expect_equal(res$estimate[1], unname(diff(rev(ref_t$estimate))), tolerance = tol)
  ref_c <- suppressWarnings(stats::chisq.test(d$new_vcf, g, correct = FALSE))
  expect_equal(res$p_value[5], ref_c$p.value, tolerance = tol)
  expect_equal(res$n[5], sum(!is.na(d$new_vcf)))
  ref_s <- suppressWarnings(stats::chisq.test(d$shape, g, correct = FALSE))
  expect_equal(res$statistic[4], unname(ref_s$statistic), tolerance = tol)
})

test_that("vcf_compare runs the tests named per variable", {
  d <- make_data(80, seed = 2)
  res <- vcf_compare(d, by = "group", vars = c("age", "bme", "sex"),
                     tests = list(age = "welch", bme = "ranksum", sex = "fisher"))
  expect_equal(res$test, c("welch", "ranksum", "fisher"))
  g <- factor(d$group)
  expect_equal(res$p_value[1], stats::t.test(age ~ g, d)$p.value, tolerance = tol)
  expect_equal(res$p_value[2], stats::wilcox.test(bme ~ g, d)$p.value, tolerance = tol)
  ref_f <- stats::fisher.test(d$sex, g)
  expect_equal(res$p_value[3], ref_f$p.value, tolerance = tol)
  expect_equal(res$estimate[3], unname(ref_f$estimate), tolerance = tol)
  expect_true(is.na(res$df[2]) && is.na(res$statistic[3]))
  # a single unnamed test applies to every variable
  expect_equal(vcf_compare(d, "group", vars = c("age", "bme"), tests = "welch")$test,
               c("welch", "welch"))
  # a numeric variable under a categorical test is tabulated
  d$score <- sample(1:3, nrow(d), TRUE)
  res <- vcf_compare(d, "group", vars = "score", tests = c(score = "chisq"))
  expect_equal(res$p_value, suppressWarnings(stats::chisq.test(d$score, g, correct = FALSE))$p.value,
               tolerance = tol)
})

test_that("vcf_compare pairs rows by paired_by for paired t and signed-rank", {
  set.seed(3)
  pre <- data.frame(id = sample(1:30), visit = "pre", vas = sample(3:10, 30, TRUE))
  post <- data.frame(id = 1:30, visit = "post", vas = sample(0:6, 30, TRUE))
  post$vas[4] <- NA
  d <- rbind(pre, post[-7, ])  # patient 7 has no post row
  d$visit <- factor(d$visit, levels = c("pre", "post"))
  d$vas2 <- d$vas * 1.5
  res <- vcf_compare(d, by = "visit", paired_by = "id",
                     tests = c(vas = "paired_t", vas2 = "signrank"))
  x <- pre$vas[order(pre$id)][-7]
  y <- post$vas[-7]
  ref_t <- stats::t.test(x, y, paired = TRUE)
  expect_equal(res$statistic[1], unname(ref_t$statistic), tolerance = tol)
  expect_equal(res$p_value[1], ref_t$p.value, tolerance = tol)
  expect_equal(res$n[1], 28)
  ref_w <- suppressWarnings(stats::wilcox.test(1.5 * x, 1.5 * y, paired = TRUE))
  expect_equal(res$statistic[2], unname(ref_w$statistic), tolerance = tol)
  expect_equal(res$p_value[2], ref_w$p.value, tolerance = tol)
  # the default for numeric variables with paired_by is the paired t-test
  expect_equal(vcf_compare(d, by = "visit", vars = "vas", paired_by = "id")$test, "paired_t")
})

test_that("vcf_compare works on a large registry and with more than two groups", {
  set.seed(4)
  n <- 2e5
  d <- data.frame(g = factor(sample(c("a", "b", "c"), n, TRUE)),
                  f = factor(sample(c("x", "y", "z", "w"), n, TRUE)))
  res <- vcf_compare(d, by = "g")
  ref <- stats::chisq.test(d$f, d$g, correct = FALSE)
  expect_equal(res$statistic, unname(ref$statistic), tolerance = tol)
  expect_equal(res$p_value, ref$p.value, tolerance = tol)
  d2 <- data.frame(g = sample(c("a", "b"), n, TRUE), x = stats::rnorm(n))
  res <- vcf_compare(d2, by = "g")
  ref <- stats::t.test(x ~ g, d2, var.equal = TRUE)
  expect_equal(res$p_value, ref$p.value, tolerance = tol)
})

# Inputs without an answer -------------------------------------------------------

test_that("variables without an answer give NA and one classed warning", {
  d <- data.frame(group = rep(c("a", "b"), each = 6),
                  const = 5,
                  all_na = NA_real_,
                  one_group = c(1:6, rep(NA, 6)),
                  one_level = factor(rep("x", 12)),
                  fine = c(1, 4, 2, 6, 3, 5, 9, 8, 7, 9, 12, 10))
  expect_warning(res <- vcf_compare(d, by = "group"), class = "vcf_warning_no_answer")
  expect_equal(is.na(res$p_value), c(TRUE, TRUE, TRUE, TRUE, FALSE))
  expect_equal(res$note[1:4], c("data are essentially constant", "all values missing",
                                "observed in fewer than 2 groups",
                                "fewer than 2 observed levels"))
  expect_true(all(is.na(res$statistic[1:4])))
  expect_snapshot(vcf_compare(d, by = "group"))
  # rank tests: all tied, all differences zero
  d2 <- data.frame(group = rep(c("a", "b"), each = 4), id = rep(1:4, 2), x = 3)
  expect_warning(r <- vcf_compare(d2, "group", vars = "x", tests = c(x = "ranksum")),
                 class = "vcf_warning_no_answer")
  expect_equal(r$note, "all values tied or all differences zero")
  expect_warning(r <- vcf_compare(d2, "group", vars = "x", paired_by = "id",
                                  tests = c(x = "signrank")),
                 class = "vcf_warning_no_answer")
  expect_true(is.na(r$p_value))
  # Fisher's test of a 2 x 3 table: the r x c test, without an estimate
  d3 <- data.frame(group = rep(c("a", "b"), each = 6), f = rep(c("x", "y", "z"), 4))
  r <- vcf_compare(d3, "group", tests = c(f = "fisher"))
  expect_equal(r$p_value, stats::fisher.test(d3$f, d3$group)$p.value, tolerance = tol)
  expect_true(is.na(r$estimate) && is.na(r$alternative))
  # Welch with one observation in a group, pooled with n = 2
  d4 <- data.frame(group = c("a", "b", "b"), x = c(1, 2, 4))
  expect_warning(r <- vcf_compare(d4, "group", tests = "welch"), class = "vcf_warning_no_answer")
  expect_equal(r$note, "not enough observations")
  expect_equal(vcf_compare(d4, "group")$p_value,
               stats::t.test(1, c(2, 4), var.equal = TRUE)$p.value, tolerance = tol)
})

test_that("inputs with no answer at all are classed errors", {
  d <- make_data()
  expect_error(vcf_compare(d[d$group == "PV", ], by = "group"), class = "vcf_error_groups")
  d3 <- d
  d3$group[1:5] <- "third"
  expect_error(vcf_compare(d3, by = "group", vars = "age"), class = "vcf_error_groups")
  expect_error(vcf_compare(d, by = "group", tests = c(sex = "t")), class = "vcf_error_type")
  d$age[c(3, 9)] <- c(Inf, -Inf)
  expect_error(vcf_compare(d, by = "group", vars = "age"), class = "vcf_error_value")
  expect_error(vcf_compare(d, by = "grp"), class = "vcf_error_column")
  expect_error(vcf_compare(d, by = "group", vars = "nope"), class = "vcf_error_column")
  expect_error(vcf_compare(d, by = "group", tests = c(bme = "anova")), class = "vcf_error_test")
  expect_error(vcf_compare(d, by = "group", tests = c(bme = "paired_t")),
               class = "vcf_error_paired_by")
  expect_error(vcf_compare(list(a = 1), by = "a"), class = "vcf_error_argument")
  d$when <- Sys.Date()
  expect_error(vcf_compare(d, by = "group", vars = "when"), class = "vcf_error_type")
  dup <- data.frame(id = c(1, 1, 2, 1, 2), t = c("a", "a", "a", "b", "b"), x = 1:5)
  expect_error(vcf_compare(dup, "t", paired_by = "id"), class = "vcf_error_duplicate_key")
  nopair <- data.frame(id = 1:4, t = c("a", "a", "b", "b"), x = 1:4)
  expect_error(vcf_compare(nopair, "t", paired_by = "id"), class = "vcf_error_pairs")
  expect_error(compare_t2(1:3, c("a", "b")), class = "vcf_error_length")
  expect_error(compare_t2(letters[1:4], c("a", "b", "a", "b")), class = "vcf_error_type")
})

test_that("error messages name the argument, the values and what was expected", {
  d <- make_data()
  expect_snapshot(vcf_compare(d[d$group == "PV", ], by = "group"), error = TRUE)
  expect_snapshot(vcf_compare(d, by = "group", tests = c(sex = "t", shape = "welch")),
                  error = TRUE)
  d$age[c(3, 9)] <- c(Inf, -Inf)
  expect_snapshot(vcf_compare(d, by = "group", vars = "age"), error = TRUE)
  expect_snapshot(vcf_compare(d, by = "group", tests = c(bme = "anova")), error = TRUE)
  dup <- data.frame(id = c(1, 1, 2, 1, 2), t = c("a", "a", "a", "b", "b"), x = 1:5)
  expect_snapshot(vcf_compare(dup, "t", paired_by = "id"), error = TRUE)
})

# Statuses and Clopper-Pearson -----------------------------------------------

test_that("status names and notes come from C, one code per name", {
  tab <- vcfoutcomes:::status_table()
  expect_equal(tab$code, seq_len(nrow(tab)) - 1L)
  expect_false(anyDuplicated(tab$name) > 0)
  expect_equal(status_code(c("ok", "nonfinite")), match(c("ok", "nonfinite"), tab$name) - 1L)
  expect_equal(vcfoutcomes:::status_note(status_code("all_tied")),
               "all values tied or all differences zero")
  expect_true(is.na(vcfoutcomes:::status_note(NA)))
  expect_error(status_code("no such status"), class = "vcf_error_internal")
})

cp_reference <- function(k, n, level) {
  alpha <- (1 - level) / 2
  cbind(ifelse(k == 0, 0, stats::qbeta(alpha, k, n - k + 1)),
        ifelse(k == n, 1, stats::qbeta(1 - alpha, k + 1, n - k)))
}

test_that("Clopper-Pearson bounds equal qbeta() and binom.test() on random and edge inputs", {
  set.seed(111)
  clopper_pearson <- vcfoutcomes:::clopper_pearson
  n <- c(sample(1:30, 300, TRUE), sample(31:5000, 200, TRUE))
  k <- vapply(n, function(m) sample(0:m, 1), 1)
  edge_n <- c(1, 1, 2, 5, 5, 1000, 1000, 1e6)
  edge_k <- c(0, 1, 1, 0, 5, 1, 999, 3)
  n <- c(n, edge_n)
  k <- c(k, edge_k)
  level <- sample(c(0.8, 0.9, 0.95, 0.99, 0.999), length(n), TRUE)
  ours <- clopper_pearson(k, n, level)
  ref <- cp_reference(k, n, level)
  expect_equal(as.list(unname(ours)), as.list(ref), tolerance = 1e-9)
  expect_equal(ours[k == 0, "low"], rep(0, sum(k == 0)))
  expect_equal(ours[k == n, "high"], rep(1, sum(k == n)))
  for (i in c(1:20, length(n) - 0:7)) {
    expect_equal(unname(ours[i, ]),
                 as.numeric(stats::binom.test(k[i], n[i], conf.level = level[i])$conf.int),
                 tolerance = 1e-9)
  }
  expect_equal(unname(clopper_pearson(c(3, NA), c(10, 10))[2, ]), c(NA_real_, NA_real_))
  expect_error(clopper_pearson(11, 10), class = "vcf_error_value")
  expect_error(clopper_pearson(1.5, 10), class = "vcf_error_value")
  expect_error(clopper_pearson(1, 10, level = 1), class = "vcf_error_value")
  expect_error(clopper_pearson("1", 10), class = "vcf_error_type")
  expect_error(clopper_pearson(1:2, 10), class = "vcf_error_length")
  expect_snapshot(clopper_pearson(c(1, 12), c(10, 10)), error = TRUE)
})

# Base R's options: alternative, mu, conf.level, exact, correct, conf.int -----

compare_opts <- vcfoutcomes:::compare_opts
compare_gof <- vcfoutcomes:::compare_gof

random_opts <- function(i) {
  list(alternative = c("two.sided", "less", "greater")[i %% 3 + 1],
       mu = if (i %% 4 == 0) 0 else round(stats::rnorm(1, sd = 2), 1),
       conf.level = c(0.95, 0.9, 0.99, 0.8)[i %% 4 + 1],
       exact = list(NULL, TRUE, FALSE)[[i %% 3 + 1]],
       correct = i %% 5 != 0)
}

opts_vector <- function(o, mu = o$mu) {
  compare_opts(o$alternative, mu, o$conf.level, o$exact, o$correct, TRUE)
}

add_htest <- function(cl, res, ref, estimate = unname(ref$estimate)) {
  cl$add("statistic", res$statistic, unname(ref$statistic))
  cl$add("p_value", res$p_value, ref$p.value)
  cl$add("ci", c(res$ci_low, res$ci_high), as.numeric(ref$conf.int))
  cl$add("estimate", res$estimate, estimate)
  cl$add("method", res$method, ref$method)
  cl$add("alternative", res$alternative, ref$alternative)
}

test_that("t-tests equal t.test() under every alternative, mu and conf.level", {
  set.seed(112)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    o <- random_opts(i)
    n <- random_sizes(i, min_each = 2L)
    x <- random_values(n[1], i)
    y <- random_values(n[2], i) + stats::rnorm(1)
    d <- with_groups(x, y)
    yp <- x + y[1] + stats::rnorm(n[1])
    for (kind in c("pooled", "welch", "one", "paired")) {
      ref <- tryCatch(switch(kind,
        pooled = stats::t.test(x, y, var.equal = TRUE, alternative = o$alternative,
                               mu = o$mu, conf.level = o$conf.level),
        welch = stats::t.test(x, y, alternative = o$alternative, mu = o$mu,
                              conf.level = o$conf.level),
        one = stats::t.test(x, alternative = o$alternative, mu = o$mu,
                            conf.level = o$conf.level),
        paired = stats::t.test(x, yp, paired = TRUE, alternative = o$alternative,
                               mu = o$mu, conf.level = o$conf.level)),
        error = function(e) NULL)
      if (is.null(ref)) next
      res <- switch(kind,
        pooled = compare_t2(d$x, d$g, TRUE, opts_vector(o)),
        welch = compare_t2(d$x, d$g, FALSE, opts_vector(o)),
        one = compare_paired_t(x, NULL, opts_vector(o)),
        paired = compare_paired_t(x, yp, opts_vector(o)))
      est <- if (kind %in% c("pooled", "welch")) unname(diff(rev(ref$estimate))) else
        unname(ref$estimate)
      add_htest(cl, res, ref, est)
      cl$add("df", res$df, unname(ref$parameter))
    }
  }
  cl$check(min_cases = 800)
})

test_that("Wilcoxon tests equal wilcox.test(conf.int = TRUE) under every option", {
  set.seed(113)
  cl <- collector()
  seen <- c(exact = 0, approx = 0)
  for (i in seq_len(n_cases)) {
    o <- random_opts(i)
    # exact = TRUE tabulates (n1 n2)^2 / 8 doubles: samples kept small there
    n <- pmin(random_sizes(i, 2L), if (isTRUE(o$exact)) 80L else 300L)
    x <- random_values(n[1], i)
    y <- random_values(n[2], i) + stats::rnorm(1)
    if (i %% 11 == 0) x[1] <- Inf  # ranked as the largest value
    d <- with_groups(x, y)
    yp <- x[seq_len(n[1])] + if (i %% 3 == 0) round(stats::rnorm(n[1])) else stats::rnorm(n[1])
    for (kind in c("ranksum", "one", "paired")) {
      args <- list(alternative = o$alternative, mu = o$mu, exact = o$exact,
                   correct = o$correct, conf.int = all(is.finite(x)) || kind == "paired",
                   conf.level = o$conf.level)
      ref <- tryCatch(suppressWarnings(switch(kind,
        ranksum = do.call(stats::wilcox.test, c(list(x, y), args)),
        one = do.call(stats::wilcox.test, c(list(x), args)),
        paired = do.call(stats::wilcox.test, c(list(x, yp, paired = TRUE), args)))),
        error = function(e) NULL)
      if (is.null(ref) || is.nan(ref$p.value)) next
      res <- switch(kind,
        ranksum = compare_ranksum(d$x, d$g, opts_vector(o)),
        one = compare_signrank(x, NULL, opts_vector(o)),
        paired = compare_signrank(x, yp, opts_vector(o)))
      if (!args$conf.int) {
        ref$conf.int <- c(NA_real_, NA_real_)
        ref$estimate <- NA_real_
      }
      add_htest(cl, res, ref)
      kind_seen <- if (res$exact == 1) "exact" else "approx"
      seen[kind_seen] <- seen[kind_seen] + 1
    }
  }
  cl$check(min_cases = 500)
  expect_true(all(seen > 100))
})

test_that("Fisher's 2 x 2 test equals fisher.test() under every alternative, or and conf.level", {
  set.seed(114)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    o <- random_opts(i)
    d <- random_table_data(i, n_groups = 2L)
    if (i %% 9 == 0) {  # a zero cell
      d$x[d$x == "a" & d$g == "A"] <- "b"
      if (nlevels(droplevels(d$x)) < 2) next
    }
    or <- c(1, 0.5, 2, 3.7)[i %% 4 + 1]
    ref <- stats::fisher.test(d$x, d$g, alternative = o$alternative, or = or,
                              conf.level = o$conf.level)
    if (nlevels(droplevels(d$x[!is.na(d$x)])) > 2) next
    res <- compare_fisher(d$x, d$g, opts_vector(o, mu = or))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("ci", c(res$ci_low, res$ci_high), as.numeric(ref$conf.int))
    cl$add("estimate", res$estimate, unname(ref$estimate))
  }
  cl$check(min_cases = 40)
})

test_that("Fisher's r x c test equals fisher.test() (network algorithm)", {
  set.seed(115)
  cl <- collector()
  for (i in seq_len(120)) {
    r <- sample(2:4, 1)
    k <- sample(2:4, 1)
    if (r == 2 && k == 2) k <- 3
    n <- sample(c(8:40, 41:120), 1)
    x <- factor(sample(letters[seq_len(r)], n, TRUE, prob = stats::runif(r) + 0.2))
    g <- factor(sample(LETTERS[seq_len(k)], n, TRUE, prob = stats::runif(k) + 0.2))
    x <- droplevels(x)
    g <- droplevels(g)
    if (nlevels(x) < 2 || nlevels(g) < 2 || (nlevels(x) == 2 && nlevels(g) == 2)) next
    ref <- stats::fisher.test(x, g, workspace = 2e7)
    res <- compare_fisher(x, g)
    cl$add("p_value", res$p_value, ref$p.value)
  }
  cl$check(min_cases = 80)
})

test_that("goodness of fit equals chisq.test(table(x), p = p)", {
  set.seed(116)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    k <- sample(2:6, 1)
    x <- factor(sample(letters[seq_len(k)], sample(5:500, 1), TRUE), levels = letters[seq_len(k)])
    w <- stats::runif(k) + 0.05
    rescale <- i %% 2 == 0
    p <- if (i %% 5 == 0) NULL else if (rescale) w else w / sum(w)
    ref <- suppressWarnings(if (is.null(p)) stats::chisq.test(table(x)) else
      stats::chisq.test(table(x), p = p, rescale.p = rescale))
    res <- compare_gof(x, p, rescale)
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("df", res$df, unname(ref$parameter))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("method", res$method, ref$method)
  }
  cl$check()
})

# R's own test cases ----------------------------------------------------------

test_that("every expressible case of R's regression tests and help pages is equal", {
  source(test_path("fixtures", "rsource-cases.R"), local = TRUE)
  ids <- vapply(rsource_cases, `[[`, "", "id")
  expect_false(anyDuplicated(ids) > 0)
  expressible <- Filter(function(x) x$expressible, rsource_cases)
  passed <- 0
  for (cs in expressible) {
    ref <- tryCatch(suppressWarnings(cs$base()), error = function(e) e)
    if (cs$no_answer) {
      res <- tryCatch(cs$ours(), vcf_error = function(e) e)
      expect_true(inherits(ref, "error") || is.nan(ref$p.value), label = cs$id)
      expect_true(inherits(res, "vcf_error") || (is.na(res$p_value) && !is.na(res$note)),
                  label = cs$id)
      passed <- passed + 1
      next
    }
    res <- cs$ours()
    expect_equal(nrow(res), 1L, label = cs$id)
    ours <- list(p = res$p_value, method = res$method)
    base <- list(p = ref$p.value, method = ref$method)
    if (!is.null(ref$statistic)) {
      ours$statistic <- res$statistic
      base$statistic <- unname(ref$statistic)
    }
    if (!is.null(ref$parameter)) {
      ours$df <- res$df
      base$df <- unname(ref$parameter)
    }
    if (!is.null(ref$estimate)) {
      ours$estimate <- res$estimate
      base$estimate <- if (length(ref$estimate) == 2L) unname(ref$estimate[1] - ref$estimate[2]) else
        unname(ref$estimate)
    }
    if (!is.null(ref$conf.int)) {
      ours$ci <- c(res$ci_low, res$ci_high)
      base$ci <- as.numeric(ref$conf.int)
    }
    if (!is.null(ref$alternative) && !is.na(res$alternative)) {
      ours$alternative <- res$alternative
      base$alternative <- ref$alternative
    }
    text <- c("method", "alternative")
    num_ours <- as.list(unlist(ours[setdiff(names(ours), text)]))
    num_base <- as.list(unlist(base[setdiff(names(base), text)]))
    ok <- isTRUE(all.equal(num_ours, num_base, tolerance = tol)) &&
      identical(ours[intersect(names(ours), text)], base[intersect(names(base), text)])
    expect_equal(num_ours, num_base, tolerance = tol, label = cs$id)
    expect_identical(ours[intersect(names(ours), text)], base[intersect(names(base), text)],
                     label = cs$id)
    passed <- passed + ok
  }
  # the count reported in the closing note of issue 15
  counts <- c(found = length(rsource_cases), expressible = length(expressible),
              passing = passed)
  expect_equal(counts[["passing"]], counts[["expressible"]])
  expect_gte(counts[["expressible"]], 87)
})

test_that("every option of vcf_compare() is checked, with a classed error naming it", {
  d <- make_data()
  bad <- list(list(alternative = "sideways"), list(alternative = NA_character_),
              list(mu = NA), list(mu = Inf), list(mu = "1"), list(conf.level = 1),
              list(conf.level = c(0.9, 0.95)), list(exact = NA), list(exact = "yes"),
              list(correct = NA), list(conf.int = 1:2), list(or = -1),
              list(rescale.p = NA))
  for (args in bad) {
    expect_error(do.call(vcf_compare, c(list(d, by = "group"), args)),
                 class = "vcf_error_argument", label = names(args))
  }
  expect_error(vcf_compare(d, vars = "age", tests = "welch"), class = "vcf_error_test")
  expect_error(vcf_compare(d, vars = "sex", p = c(0.5, 0.6)), class = "vcf_error_value")
  expect_error(vcf_compare(d, vars = "sex", p = c(0.2, 0.3, 0.5)), class = "vcf_error_length")
  expect_error(vcf_compare(d, vars = "sex", p = c(-1, 2)), class = "vcf_error_value")
  expect_error(vcf_compare(d, by = "group", vars = "sex", p = c(0.5, 0.5)),
               class = "vcf_error_argument")
  expect_error(vcf_compare(d, vars = "age", paired_by = "sex"), class = "vcf_error_paired_by")
  expect_snapshot(vcf_compare(d, by = "group", alternative = "sideways"), error = TRUE)
  expect_snapshot(vcf_compare(d, by = "group", conf.level = 1), error = TRUE)
  expect_snapshot(vcf_compare(d, vars = "sex", p = c(0.5, 0.6)), error = TRUE)
  expect_snapshot(vcf_compare(d, vars = "age", tests = "welch"), error = TRUE)
})

test_that("one-sample rows through vcf_compare() equal t.test(), wilcox.test() and chisq.test()", {
  d <- make_data(80, seed = 5)
  res <- vcf_compare(d, vars = c("age", "bme", "sex"), tests = c(bme = "signrank"),
                     mu = 74, alternative = "greater", conf.level = 0.9)
  ref_t <- stats::t.test(d$age, mu = 74, alternative = "greater", conf.level = 0.9)
  ref_w <- suppressWarnings(stats::wilcox.test(d$bme, mu = 74, alternative = "greater",
                                               conf.int = TRUE, conf.level = 0.9))
  ref_c <- stats::chisq.test(table(d$sex))
  expect_equal(res$p_value, c(ref_t$p.value, ref_w$p.value, ref_c$p.value), tolerance = tol)
  expect_equal(c(res$ci_low[1:2], res$estimate[1:2]),
               c(ref_t$conf.int[1], ref_w$conf.int[1], ref_t$estimate, ref_w$estimate),
               tolerance = tol, ignore_attr = TRUE)
  expect_equal(res$alternative, c("greater", "greater", NA))
  expect_equal(res$method, c(ref_t$method, ref_w$method, ref_c$method))
})

test_that("a table beyond the network's limits is a classed no answer, not a hang", {
  set.seed(117)
  x <- factor(sample(letters[1:6], 3000, TRUE))
  g <- factor(sample(LETTERS[1:8], 3000, TRUE))
  res <- suppressWarnings(vcf_compare(data.frame(x, g), "g", tests = "fisher"))
  expect_true(is.na(res$p_value))
  expect_equal(res$note, "table too large for the exact test")
})

test_that("digits.rank ranks signif(x, digits.rank) as wilcox.test() does", {
  set.seed(118)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    o <- random_opts(i)
    digits <- c(1, 2, 3, 5, 9, Inf)[i %% 6 + 1]
    n <- sample(c(3:30, 60), 2, TRUE)
    # values on a grid blurred by noise far below the rounding: ties only
    # after signif(), of either sign
    grid <- function(m) round(stats::rnorm(m, sd = 3), 1) + stats::rnorm(m, sd = 1e-11)
    x <- grid(n[1])
    y <- grid(n[2])
    d <- with_groups(x, y)
    opts <- compare_opts(o$alternative, o$mu, o$conf.level, o$exact, o$correct, TRUE,
                         digits.rank = digits)
    args <- list(alternative = o$alternative, mu = o$mu, conf.level = o$conf.level,
                 exact = o$exact, correct = o$correct, conf.int = TRUE,
                 digits.rank = digits)
    ref <- suppressWarnings(do.call(stats::wilcox.test, c(list(x, y), args)))
    add_htest(cl, compare_ranksum(d$x, d$g, opts), ref)
    ref1 <- suppressWarnings(do.call(stats::wilcox.test, c(list(x), args)))
    add_htest(cl, compare_signrank(x, NULL, opts), ref1)
  }
  cl$check()
  expect_error(vcf_compare(make_data(), "group", digits.rank = NA), class = "vcf_error_argument")
  expect_error(vcf_compare(make_data(), "group", digits.rank = "3"), class = "vcf_error_argument")
})
