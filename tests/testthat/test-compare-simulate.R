# simulate.p.value: Monte Carlo p-values of vcf_compare() against base R's
# chisq.test() and fisher.test() run after the same set.seed(), on random
# tables, margins, seeds and numbers of replicates.

# A random r x c table as rows of data (levels of v by groups g), with
# empty rows and columns now and then (dropped by both sides).
random_table_data <- function(i) {
  r <- sample(2:5, 1)
  k <- sample(2:4, 1)
  n <- sample(c(4:30, 60, 150), 1)
  v <- factor(sample(seq_len(r), n, TRUE, prob = stats::runif(r) + 0.1), levels = seq_len(r))
  g <- factor(sample(seq_len(k), n, TRUE), levels = seq_len(k))
  data.frame(v = v, g = g)
}

test_that("simulated chi-square p-values equal chisq.test(simulate.p.value = TRUE)", {
  set.seed(201)
  cl <- collector()
  for (i in seq_len(n_cases)) {
    d <- random_table_data(i)
    B <- sample(c(1, 2, 17, 500, 2000), 1)
    seed <- sample.int(1e6, 1)
    test <- if (i %% 4 == 0) "yates" else "chisq"
    tab <- table(d$v, d$g)
    tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
    if (any(dim(tab) < 2)) next
    set.seed(seed)
    ref <- stats::chisq.test(tab, simulate.p.value = TRUE, B = B, correct = test == "yates")
    after_ref <- stats::runif(1)
    set.seed(seed)
    res <- suppressWarnings(vcf_compare(d, "g", tests = test, simulate.p.value = TRUE, B = B))
    # the generator is left where base R leaves it
    expect_identical(stats::runif(1), after_ref)
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("df", is.na(res$df), TRUE)
    cl$add("method", res$method, ref$method)
  }
  cl$check(min_cases = 150)
})

test_that("simulated Fisher p-values equal fisher.test(simulate.p.value = TRUE)", {
  set.seed(202)
  cl <- collector()
  two <- 0
  for (i in seq_len(n_cases)) {
    d <- random_table_data(i)
    B <- sample(c(1, 3, 99, 2000), 1)
    seed <- sample.int(1e6, 1)
    tab <- table(d$v, d$g)
    tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
    if (any(dim(tab) < 2)) next
    set.seed(seed)
    ref <- stats::fisher.test(tab, simulate.p.value = TRUE, B = B)
    set.seed(seed)
    res <- vcf_compare(d, "g", tests = "fisher", simulate.p.value = TRUE, B = B)
    two <- two + all(dim(tab) == 2)
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("method", res$method, ref$method)
    cl$add("estimate", res$estimate, if (is.null(ref$estimate)) NA_real_ else unname(ref$estimate))
  }
  cl$check(min_cases = 150)
  expect_gt(two, 5)  # 2 x 2 tables keep the exact test, as fisher.test()
})

test_that("simulated goodness-of-fit p-values equal chisq.test(p = p, simulate.p.value = TRUE)", {
  set.seed(203)
  cl <- collector()
  for (i in seq_len(120)) {
    k <- sample(2:6, 1)
    x <- factor(sample(letters[seq_len(k)], sample(3:200, 1), TRUE), levels = letters[seq_len(k)])
    w <- stats::runif(k) + 0.05
    rescale <- i %% 2 == 0
    p <- if (i %% 5 == 0) NULL else if (rescale) w else w / sum(w)
    B <- sample(c(1, 7, 300, 2000), 1)
    seed <- sample.int(1e6, 1)
    set.seed(seed)
    ref <- if (is.null(p)) stats::chisq.test(table(x), simulate.p.value = TRUE, B = B) else
      stats::chisq.test(table(x), p = p, rescale.p = rescale, simulate.p.value = TRUE, B = B)
    set.seed(seed)
    res <- vcf_compare(data.frame(x = x), p = p, rescale.p = rescale,
                       simulate.p.value = TRUE, B = B)
    cl$add("statistic", res$statistic, unname(ref$statistic))
    cl$add("p_value", res$p_value, ref$p.value)
    cl$add("method", res$method, ref$method)
    # the draws in chunks of a few replicates are the draws of one sample.int()
    set.seed(seed)
    chunked <- compare_gof(x, p, rescale,
                           B = B, chunk = 3 * length(x))
    cl$add("chunked", chunked$p_value, ref$p.value)
  }
  cl$check(min_cases = 100)
})

test_that("several variables draw in turn, as successive base R calls", {
  set.seed(204)
  d <- data.frame(g = sample(c("a", "b", "c"), 80, TRUE),
                  u = sample(c("x", "y", "z"), 80, TRUE),
                  v = sample(c("p", "q"), 80, TRUE),
                  w = sample(1:4, 80, TRUE))
  set.seed(9)
  res <- vcf_compare(d, "g", tests = c(u = "chisq", v = "fisher", w = "chisq"),
                     simulate.p.value = TRUE, B = 500)
  set.seed(9)
  ref_u <- stats::chisq.test(d$u, d$g, simulate.p.value = TRUE, B = 500)
  ref_w <- stats::chisq.test(d$w, d$g, simulate.p.value = TRUE, B = 500)
  ref_v <- stats::fisher.test(d$v, d$g, simulate.p.value = TRUE, B = 500)
  expect_equal(res$p_value, c(ref_u$p.value, ref_v$p.value, ref_w$p.value), tolerance = tol)
  expect_equal(res$method, c(ref_u$method, ref_v$method, ref_w$method))
})

test_that("a table with a single observed level or group still has no answer", {
  d <- data.frame(g = c("a", "a", "b"), v = c("x", "x", "x"))
  expect_warning(res <- vcf_compare(d, "g", simulate.p.value = TRUE),
                 class = "vcf_warning_no_answer")
  expect_true(is.na(res$p_value))
})

test_that("B and simulate.p.value are checked, with classed errors", {
  d <- data.frame(g = rep(c("a", "b"), 10), v = rep(c("x", "y", "y", "z"), 5))
  for (B in list(0, -1, 2.5, NA, Inf, "100", c(10, 20), 2^31, 1e7 + 1, NULL, factor(3))) {
    expect_error(vcf_compare(d, "g", simulate.p.value = TRUE, B = B),
                 class = "vcf_error_replicates", label = format_arg(B))
  }
  expect_error(vcf_compare(d, "g", simulate.p.value = NA), class = "vcf_error_argument")
  # B is not looked at without simulation, as in base R
  expect_silent(vcf_compare(d, "g", tests = "fisher", B = 0))
  expect_snapshot(vcf_compare(d, "g", simulate.p.value = TRUE, B = 2.5), error = TRUE)
  expect_snapshot(vcf_compare(d, "g", simulate.p.value = "yes"), error = TRUE)
})

test_that("the C entry points refuse malformed tables", {
  # B beyond the work limit (a date given as B: 1.8e9 tables) is refused
  expect_error(.Call(C_compare_table_sim, matrix(c(1, 2, 2, 1), 2), 1e7 + 1, FALSE), "1e\\+07|10000000")
  expect_error(.Call(C_compare_table_sim, matrix(c(1, 2, 2, 1), 2), as.double(Sys.time()), TRUE),
               "whole number")
  expect_error(.Call(C_compare_table_sim, matrix(c(1, 0, 2, 0), 2), 10, FALSE), "empty row")
  expect_error(.Call(C_compare_table_sim, matrix(c(1, 2.5, 2, 1), 2), 10, FALSE), "whole counts")
  expect_error(.Call(C_compare_table_sim, matrix(1:4 + 0, 1), 10, TRUE), "2 rows")
  expect_error(.Call(C_compare_table_sim, matrix(1:4 + 0, 2), 0, TRUE), "`B`")
  expect_error(.Call(C_compare_gof_sim, 1:5, 2L, c(1, 1), 1), "whole tables")
  expect_error(.Call(C_compare_gof_sim, c(1L, 3L), 2L, c(1, 1), 1), "codes")
})
