# Property tests of the reconstruction engine: targets come from random
# samples (so a reconstruction exists), and every returned sample is checked
# against every constraint with base R.

# Is x within half a unit of the printed value `reported` at `digits`? A
# statistic exactly halfway counts, as documented.
rounds_to <- function(x, reported, digits) {
  abs(x - reported) <= 0.5 * 10^-digits + 1e-9
}

on_grid <- function(x, granularity) {
  all(abs(x / granularity - round(x / granularity)) < 1e-7)
}

random_target <- function() {
  granularity <- sample(c(1, 1, 0.5, 0.1), 1)
  n <- sample(c(2:12, 15, 20, 30, 45, 61, 80), 1)
  lo <- sample(0:5, 1)
  hi <- lo + sample(c(1:10, 20, 50), 1)
  grid <- seq(lo, hi, by = granularity)
  # uniform, skewed or clumped samples
  prob <- switch(sample(3, 1), rep(1, length(grid)),
                 rev(seq_along(grid))^2, dnorm(seq_along(grid), sample(length(grid), 1), 2))
  x <- sample(grid, n, replace = TRUE, prob = prob)
  digits <- sample(1:2, 1)
  list(x = x, n = n, granularity = granularity, digits = digits,
       mean = round(mean(x), digits), sd = if (n > 1) round(stats::sd(x), digits),
       min = min(x), max = max(x), lo = lo, hi = hi)
}

test_that("vcf_sprite meets every constraint on 500 random feasible targets", {
  set.seed(20240601)
  failures <- character()
  for (i in 1:500) {
    tg <- random_target()
    use_sd <- tg$n > 1 && i %% 5 != 0
    attain <- i %% 2 == 0
    # without attain_range, use the scale bounds, which the sample lies in
    lo <- if (attain) tg$min else tg$lo
    hi <- if (attain) tg$max else tg$hi
    res <- vcf_sprite(tg$n, tg$mean, if (use_sd) tg$sd, lo, hi,
                      digits = tg$digits, k = 2, granularity = tg$granularity,
                      attain_range = attain)
    ok <- is.matrix(res) && identical(dim(res), c(2L, as.integer(tg$n))) &&
      all(apply(res, 1, function(x) {
        on_grid(x, tg$granularity) && all(x >= lo - 1e-9 & x <= hi + 1e-9) &&
          rounds_to(mean(x), tg$mean, tg$digits) &&
          (!use_sd || rounds_to(stats::sd(x), tg$sd, tg$digits)) &&
          (!attain || (any(abs(x - lo) < 1e-9) && any(abs(x - hi) < 1e-9))) &&
          !is.unsorted(x)
      }))
    if (!ok) failures <- c(failures, sprintf("target %d: n=%d mean=%s sd=%s", i,
                                             tg$n, tg$mean, format(tg$sd)))
  }
  expect_equal(failures, character())
})

test_that("vcf_sprite finds n = 61, VAS 0-10 with one decimal", {
  set.seed(7)
  res <- vcf_sprite(61, mean = 4.37, sd = 2.11, min = 0, max = 10, digits = 2,
                    granularity = 0.1, k = 20)
  expect_equal(dim(res), c(20L, 61L))
  expect_true(all(rounds_to(rowMeans(res), 4.37, 2)))
  expect_true(all(rounds_to(apply(res, 1, stats::sd), 2.11, 2)))
  expect_true(all(res >= 0 & res <= 10))
  expect_true(on_grid(res, 0.1))
  # independent starts give different samples
  expect_gt(nrow(unique(res)), 1)
})

test_that("vcf_sprite follows set.seed() and leaves no trace otherwise", {
  set.seed(11)
  a <- vcf_sprite(30, 5.2, 2.1, 0, 10, k = 5)
  set.seed(11)
  b <- vcf_sprite(30, 5.2, 2.1, 0, 10, k = 5)
  expect_identical(a, b)
  c <- vcf_sprite(30, 5.2, 2.1, 0, 10, k = 5)
  expect_false(identical(a, c))
})

test_that("vcf_sprite handles edge cases", {
  set.seed(1)
  # one value; a constant sample; SD exactly zero
  expect_equal(vcf_sprite(1, 4, min = 0, max = 10, digits = 0), matrix(4, 1, 1))
  expect_equal(vcf_sprite(5, 3, sd = 0, min = 3, max = 3),
               matrix(3, 1, 5))
  expect_equal(vcf_sprite(4, 2, sd = 0, min = 0, max = 10)[1, ], rep(2, 4))
  # all values at the bounds
  x <- vcf_sprite(10, 5, sd = 5.27, min = 0, max = 10, digits = 2)
  expect_equal(sort(x[1, ]), rep(c(0, 10), each = 5))
  # granularity 0.5 and a mean only reachable on that grid
  y <- vcf_sprite(3, 1.17, min = 0, max = 3, digits = 2, granularity = 0.5)
  expect_true(rounds_to(mean(y), 1.17, 2) && on_grid(y, 0.5))
})

test_that("infeasible targets get classed errors saying why", {
  expect_error(vcf_sprite(10, 3.45, min = 0, max = 10, digits = 2),
               class = "vcf_error_grim")
  expect_error(vcf_sprite(10, 3.45, min = 0, max = 10, digits = 2),
               class = "vcf_error_infeasible")
  expect_error(vcf_sprite(10, 3.5, sd = 8, min = 0, max = 10),
               class = "vcf_error_sd_range")
  expect_error(vcf_sprite(10, 3.5, sd = 0.1, min = 0, max = 10),
               class = "vcf_error_sd_range")
  expect_error(vcf_sprite(10, 5, min = 6, max = 2), class = "vcf_error_bounds")
  expect_error(vcf_sprite(10, 11, min = 0, max = 10), class = "vcf_error_bounds")
  # attaining 0 and 10 forces the mean of 5 values to at least 2
  expect_error(vcf_sprite(5, 1, min = 0, max = 10, attain_range = TRUE),
               class = "vcf_error_bounds")
  expect_error(vcf_sprite(1, 5, min = 0, max = 10, attain_range = TRUE),
               class = "vcf_error_bounds")
  expect_error(vcf_sprite(1, 5, sd = 1, min = 0, max = 10),
               class = "vcf_error_sd_range")
  expect_error(vcf_sprite(10, 5.123, min = 0, max = 10, digits = 2),
               class = "vcf_error_digits")
  expect_error(vcf_sprite(10, 5, min = 0, max = 10, granularity = 0.3),
               class = "vcf_error_granularity")
  expect_error(vcf_sprite(10, 5, min = 0.25, max = 10, granularity = 0.1),
               class = "vcf_error_granularity")
  expect_error(vcf_sprite(0, 5, min = 0, max = 10), class = "vcf_error_argument")
  expect_error(vcf_sprite(10, NA, min = 0, max = 10), class = "vcf_error_argument")
  expect_snapshot(vcf_sprite(10, 3.45, min = 0, max = 10, digits = 2), error = TRUE)
  expect_snapshot(vcf_sprite(10, 3.5, sd = 8, min = 0, max = 10), error = TRUE)
  expect_snapshot(vcf_sprite(10, 5, min = 6, max = 2), error = TRUE)
})

test_that("random infeasible targets are all rejected", {
  set.seed(99)
  for (i in 1:100) {
    n <- sample(2:40, 1)
    # a mean strictly between two reachable means of n integers
    s <- sample(0:(10 * n - 1), 1)
    mean_bad <- (s + 0.5) / n
    digits <- ceiling(log10(n)) + 2
    target <- round(mean_bad, digits)
    reachable <- abs(round((0:(10 * n)) / n, digits) - target) <= 0.5 * 10^-digits + 1e-12
    if (any(reachable)) next
    expect_error(vcf_sprite(n, target, min = 0, max = 10, digits = digits),
                 class = "vcf_error_grim")
  }
  for (i in 1:50) {
    n <- sample(3:40, 1)
    x <- sample(0:10, n, replace = TRUE)
    m <- round(mean(x), 1)
    # beyond the two-point maximum SD of a mean in [0, 10]
    sd_max <- sqrt((m + 0.05) * (10 - m + 0.05) * n / (n - 1))
    expect_error(vcf_sprite(n, m, sd = round(sd_max + 0.5, 1), min = 0, max = 10),
                 class = "vcf_error_sd_range")
  }
})

paired_target <- function() {
  n <- sample(c(8:20, 30, 45, 61), 1)
  nv <- sample(2:3, 1)
  granularity <- sample(c(1, 1, 0.1), 1)
  top <- sample(c(10, 20, 100), 1)
  base <- stats::runif(n, 0, top)
  x <- sapply(seq_len(nv), function(v) {
    shift <- stats::runif(1, -top / 4, top / 4)
    noise <- stats::rnorm(n, 0, top / sample(c(4, 10, 30), 1))
    pmin(top, pmax(0, round((base + shift + noise) / granularity) * granularity))
  })
  list(x = x, n = n, nv = nv, granularity = granularity)
}

test_that("vcf_sprite_paired meets every constraint on random feasible targets", {
  set.seed(424242)
  checked <- 0
  failures <- character()
  for (i in 1:150) {
    tg <- paired_target()
    x <- tg$x
    pairs <- cbind(seq_len(tg$nv - 1), seq_len(tg$nv - 1) + 1)
    d <- x[, pairs[, 1], drop = FALSE] - x[, pairs[, 2], drop = FALSE]
    if (any(apply(d, 2, stats::sd) == 0)) next
    t <- round(colMeans(d) / (apply(d, 2, stats::sd) / sqrt(tg$n)), 2)
    means <- round(colMeans(x), 1)
    mins <- apply(x, 2, min)
    maxs <- apply(x, 2, max)
    res <- vcf_sprite_paired(tg$n, means, mins, maxs, digits = 1, t = t,
                             granularity = tg$granularity)
    checked <- checked + 1
    t_res <- vapply(seq_len(nrow(pairs)), function(p)
      unname(stats::t.test(res[, pairs[p, 1]], res[, pairs[p, 2]], paired = TRUE)$statistic), 0)
    ok <- identical(dim(res), c(as.integer(tg$n), as.integer(tg$nv))) &&
      on_grid(res, tg$granularity) &&
      all(rounds_to(colMeans(res), means, 1)) &&
      all(abs(apply(res, 2, min) - mins) < 1e-9) &&
      all(abs(apply(res, 2, max) - maxs) < 1e-9) &&
      all(rounds_to(t_res, t, 2))
    if (!ok) failures <- c(failures, sprintf("target %d", i))
  }
  expect_gt(checked, 100)
  expect_equal(failures, character())
})

test_that("vcf_sprite_paired reproduces the BKP study's three visits", {
  set.seed(5)
  res <- vcf_sprite_paired(61, means = c(pre = 80.9, post = 31.4, final = 25.3),
                           mins = c(73, 15, 13), maxs = c(90, 45, 40),
                           t = c(18.49, 2.01), k = 3)
  expect_equal(dim(res), c(61L, 3L, 3L))
  expect_equal(dimnames(res)[[2]], c("pre", "post", "final"))
  for (s in 1:3) {
    x <- res[, , s]
    expect_true(all(rounds_to(colMeans(x), c(80.9, 31.4, 25.3), 1)))
    expect_equal(unname(apply(x, 2, range)), cbind(c(73, 90), c(15, 45), c(13, 40)))
    expect_equal(round(unname(stats::t.test(x[, 1], x[, 2], paired = TRUE)$statistic), 2), 18.49)
    expect_equal(round(unname(stats::t.test(x[, 2], x[, 3], paired = TRUE)$statistic), 2), 2.01)
  }
})

test_that("vcf_sprite_paired honours visit SDs, chosen pairs and one decimal", {
  set.seed(8)
  res <- vcf_sprite_paired(25, means = c(a = 6.3, b = 4.1, c = 3.2),
                           mins = c(2, 0, 0), maxs = c(10, 9, 8),
                           sds = c(2.1, NA, 2.5), t = c(5.12, 4.4),
                           t_digits = c(2, 1), pairs = rbind(c(1, 2), c(1, 3)),
                           granularity = 0.1)
  expect_true(rounds_to(stats::sd(res[, "a"]), 2.1, 1))
  expect_true(rounds_to(stats::sd(res[, "c"]), 2.5, 1))
  expect_true(on_grid(res, 0.1))
  expect_true(rounds_to(stats::t.test(res[, 1], res[, 2], paired = TRUE)$statistic, 5.12, 2))
  expect_true(rounds_to(stats::t.test(res[, 1], res[, 3], paired = TRUE)$statistic, 4.4, 1))
  set.seed(8)
  again <- vcf_sprite_paired(25, means = c(a = 6.3, b = 4.1, c = 3.2),
                             mins = c(2, 0, 0), maxs = c(10, 9, 8),
                             sds = c(2.1, NA, 2.5), t = c(5.12, 4.4),
                             t_digits = c(2, 1), pairs = rbind(c(1, 2), c(1, 3)),
                             granularity = 0.1)
  expect_identical(res, again)
})

test_that("vcf_sprite_paired rejects impossible targets with classed errors", {
  # means fall, so the first-minus-second t cannot be negative
  expect_error(vcf_sprite_paired(20, c(5, 3), c(0, 0), c(10, 10), t = -2),
               class = "vcf_error_t_range")
  expect_error(vcf_sprite_paired(10, c(3.45, 3), c(0, 0), c(10, 10), digits = 2),
               class = "vcf_error_grim")
  expect_error(vcf_sprite_paired(10, c(5, 3), c(0, 4), c(10, 2)),
               class = "vcf_error_bounds")
  expect_error(vcf_sprite_paired(10, c(5, 3), c(0, 0), c(10, 10), t = c(1, 2)),
               class = "vcf_error_argument")
  expect_error(vcf_sprite_paired(10, 5, 0, 10), class = "vcf_error_argument")
  expect_error(vcf_sprite_paired(10, c(5, 3), c(0, 0), c(10, 10),
                                 pairs = rbind(c(1, 1))),
               class = "vcf_error_argument")
  # a t needing more spread than the ranges allow: found by nobody
  expect_error(vcf_sprite_paired(10, c(5, 4.9), c(4, 4), c(6, 6), t = 0.01,
                                 max_iter = 1e5),
               class = "vcf_error_not_found")
  expect_snapshot(vcf_sprite_paired(20, c(pre = 5, post = 3), c(0, 0), c(10, 10), t = -2),
                  error = TRUE)
  # sd(d) is discrete: with n = 30 and these means no t rounds to 19.50, while
  # a t printed to one decimal is reachable
  expect_error(vcf_sprite_paired(30, c(7.9, 2.4), c(6, 0), c(9, 4), t = 19.5),
               class = "vcf_error_t_range")
  expect_snapshot(vcf_sprite_paired(30, c(7.9, 2.4), c(6, 0), c(9, 4), t = 19.5),
                  error = TRUE)
  x <- vcf_sprite_paired(30, c(7.9, 2.4), c(6, 0), c(9, 4), t = 19.5, t_digits = 1)
  expect_true(rounds_to(stats::t.test(x[, 1], x[, 2], paired = TRUE)$statistic, 19.5, 1))
})

test_that("vcf_counts matches a brute-force reference for every rule", {
  set.seed(3)
  ref <- function(p, n, digits, rule) {
    x <- 100 * (0:n) / n
    h <- 10^-digits
    k <- 0:n
    switch(rule,
      round = k[abs(x - p) <= h / 2 + 1e-9],
      up_or_down = k[abs(x - p) < h - 1e-9],
      truncate = k[x >= p - 1e-9 & x < p + h - 1e-9]
    )
  }
  for (i in 1:300) {
    n <- sample(c(1:200, 1000), 1)
    digits <- sample(0:1, 1)
    k <- sample(0:n, 1)
    rule <- sample(c("round", "up_or_down", "truncate"), 1)
    p <- switch(rule, round = round(100 * k / n, digits),
                up_or_down = (if (runif(1) < .5) floor else ceiling)(100 * k / n * 10^digits) / 10^digits,
                truncate = floor(100 * k / n * 10^digits + 1e-9) / 10^digits)
    got <- vcf_counts(p, n, digits, rule)
    expect_equal(got, as.integer(ref(p, n, digits, rule)))
    expect_true(k %in% got)
  }
  # the BKP study's percentages with n = 61
  expect_equal(vcf_counts(c(54, 73, 68, 32), 61),
               list(33L, integer(), integer(), integer()))
  expect_equal(vcf_counts(73, 61, rounding = "truncate"), 45L)
  expect_equal(vcf_counts(68, 61, rounding = "up_or_down"), c(41L, 42L))
  # exact thirds: 1/3 is 33.3...%, never 33.4
  expect_equal(vcf_counts(33.3, 3, 1), 1L)
  expect_equal(vcf_counts(33.4, 3, 1), integer())
  expect_equal(vcf_counts(50, 1), integer())
  expect_equal(vcf_counts(c(0, 100), 7), list(0L, 7L))
  expect_error(vcf_counts(120, 10), class = "vcf_error_argument")
  expect_error(vcf_counts(50, 0), class = "vcf_error_argument")
  expect_error(vcf_counts(50, 10, rounding = "ceiling"))
})

test_that("sizes, bounds and budgets are refused up front when infinite or absurd", {
  # non-finite budgets and sizes: classed, before any search starts
  expect_error(vcf_sprite(10, 5, min = 0, max = 10, max_iter = Inf), class = "vcf_error_limit")
  expect_error(vcf_sprite(10, 5, min = 0, max = 10, max_iter = 1e11), class = "vcf_error_limit")
  expect_error(vcf_sprite(10, 5, min = 0, max = 10, max_iter = NaN), class = "vcf_error_limit")
  expect_error(vcf_sprite_paired(10, c(5, 4), c(0, 0), c(10, 10), max_iter = Inf),
               class = "vcf_error_limit")
  expect_error(vcf_sprite(1e7, 5, min = 0, max = 10), class = "vcf_error_limit")
  expect_error(vcf_sprite(2000, 5, min = 0, max = 10, k = 1e6), class = "vcf_error_limit")
  expect_error(vcf_sprite_paired(2e5, c(5, 4), c(0, 0), c(10, 10), k = 1e4),
               class = "vcf_error_limit")
  # infinite or astronomically large bounds and statistics
  expect_error(vcf_sprite(10, 5, min = -Inf, max = 10), class = "vcf_error_argument")
  expect_error(vcf_sprite(10, 5, min = 0, max = Inf), class = "vcf_error_argument")
  expect_error(vcf_sprite(10, Inf, min = 0, max = 10), class = "vcf_error_argument")
  expect_error(vcf_sprite(10, 5, sd = Inf, min = 0, max = 10), class = "vcf_error_argument")
  expect_error(vcf_sprite(10, 5, min = -1e300, max = 1e300), class = "vcf_error_bounds")
  expect_error(vcf_sprite(10, 1e300, min = 0, max = 10), class = "vcf_error_limit")
  expect_error(vcf_sprite_paired(10, c(5, Inf), c(0, 0), c(10, 10)), class = "vcf_error_argument")
  expect_error(vcf_sprite_paired(10, c(5, 4), c(0, -Inf), c(10, 10)), class = "vcf_error_argument")
  expect_error(vcf_sprite_paired(10, c(5, 4), c(0, 0), c(10, 10), t = Inf),
               class = "vcf_error_argument")
  expect_error(vcf_sprite_paired(10, c(5, 4), c(0, 0), c(10, 10), sds = c(-1, NA)),
               class = "vcf_error_argument")
  expect_error(vcf_sprite_paired(10, c(5, 4), c(0, 0), c(10, 10), pairs = list(mean, 1)),
               class = "vcf_error_argument")
  # a grid so fine that the totals could not be listed
  expect_error(vcf_sprite(2000, 1, min = 0, max = 1, digits = 0, granularity = 1e-6),
               class = "vcf_error_limit")
  expect_snapshot(vcf_sprite(10, 5, min = 0, max = 10, max_iter = Inf), error = TRUE)
  expect_snapshot(vcf_sprite(1e7, 5, min = 0, max = 10), error = TRUE)
})

test_that("the C entry points check their arguments before converting them", {
  sprite <- function(n = 10L, lo = 0L, hi = 10L, smin = 50, smax = 50, dlo = 0, dhi = -1,
                     attain = FALSE, k = 1L, max_iter = 1e5, seed = c(1, 2)) {
    .Call(vcfoutcomes:::C_reconstruct_sprite, n, lo, hi, smin, smax, dlo, dhi, attain, k,
          max_iter, seed)
  }
  expect_equal(dim(sprite()), c(1L, 10L))
  expect_equal(sum(sprite()), 50)
  expect_error(sprite(max_iter = Inf), "max_iter")
  expect_error(sprite(max_iter = 0), "max_iter")
  expect_error(sprite(smin = -Inf), "smin")
  expect_error(sprite(smax = 2^62), "smax")
  expect_error(sprite(smin = 50.5, smax = 60), "whole number")
  expect_error(sprite(smin = 60, smax = 50), "must not exceed")
  expect_error(sprite(lo = -.Machine$integer.max, hi = .Machine$integer.max), "2\\^30")
  expect_error(sprite(n = 0L), "`n`")
  expect_error(sprite(k = 2147483647L, n = 2L), "`k` must be in")
  expect_error(sprite(k = 1073741824L, n = 4L, lo = 0L, hi = 0L, smin = 0, smax = 0), "matrix")
  paired <- function(n = 10L, lo = c(0L, 0L), hi = c(10L, 10L), smin = c(50, 40),
                     smax = c(50, 40), attain = c(FALSE, FALSE), pa = 0L, pb = 1L,
                     tlo = -100, thi = 100, k = 1L, max_iter = 1e5) {
    .Call(vcfoutcomes:::C_reconstruct_paired, n, lo, hi, smin, smax, c(0, 0), c(-1, -1),
          attain, pa, pb, tlo, thi, k, max_iter, c(3, 4))
  }
  expect_length(paired(), 20L)
  expect_error(paired(max_iter = Inf), "max_iter")
  expect_error(paired(smin = c(50, -2^62)), "smin")
  expect_error(paired(smax = c(50, NaN)), "smax")
  expect_error(paired(tlo = NaN), "tlo")
  expect_error(paired(attain = c(NA, FALSE)), "attain")
  expect_error(paired(lo = rep(0L, 9), hi = rep(10L, 9)), "1 to 8")
  expect_error(paired(k = .Machine$integer.max, n = 2L^30), "longest vector|`n`")
})

test_that("vcf_counts refuses bad rules and huge n with classed errors, and stays exact", {
  expect_error(vcf_counts(50, 10, rounding = 0), class = "vcf_error_rounding")
  expect_error(vcf_counts(50, 10, rounding = c("round", "truncate")), class = "vcf_error_argument")
  expect_error(vcf_counts(50, 10, rounding = NA_character_), class = "vcf_error_argument")
  expect_snapshot(vcf_counts(50, 10, rounding = 0), error = TRUE)
  expect_error(vcf_counts(50, Inf), class = "vcf_error_argument")
  expect_error(vcf_counts(50, 3e9), class = "vcf_error_limit")
  expect_error(vcf_counts(50, 1e8, digits = 6), class = "vcf_error_limit")
  # a large n is answered from the window around n * p / 100, without
  # listing 0:n; checked against the exact rule on that window
  got <- vcf_counts(33.3333333, 3e7, digits = 6)
  k <- 9999990:10000010
  expect_equal(got, as.integer(k[abs(2 * k * 1e8 - 2 * 33333333 * 3e7) <= 3e7]))
  expect_equal(vcf_counts(50, 4e7, digits = 6), 20000000L)
  expect_equal(vcf_counts(50, 4e7), as.integer(19800000:20200000))
  expect_equal(vcf_counts(50, 4e7, rounding = "truncate"), as.integer(2e7:20399999))
  expect_equal(vcf_counts(50, 4e7, rounding = "up_or_down"), as.integer(19600001:20399999))
})

test_that("vcf_counts refuses more than a million pairs up front", {
  expect_error(vcf_counts(50, rep(10, 1e6 + 1)), class = "vcf_error_work_limit")
  expect_length(vcf_counts(50, rep(10, 3)), 3L)
})
