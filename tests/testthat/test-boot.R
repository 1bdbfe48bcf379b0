# vcf_boot_lm(): replicate parity with boot::boot, intervals against
# boot::boot.ci, resampling designs, determinism, degenerate and fallback
# paths, errors and methods.

boot_data <- function(n, seed, clusters = NULL) {
  set.seed(seed)
  d <- data.frame(bme = factor(sample(c("decreased", "similar"), n, TRUE)),
                  age = round(stats::rnorm(n, 72, 8)),
                  sex = factor(sample(c("female", "male"), n, TRUE)))
  d$relief <- 2 + 1.5 * (d$bme == "similar") + 0.03 * d$age + stats::rnorm(n, 0, 2)
  d$patient <- if (is.null(clusters)) seq_len(n) else
    c(seq_len(clusters), sample(clusters, n - clusters, TRUE))
  d
}

# 0/1 codes: boot's lm() fails on a factor left with one level in a resample.
boot_numeric <- function(d) {
  d$bme <- as.integer(d$bme == "similar")
  d$sex <- as.integer(d$sex == "male")
  d
}

boot_formulas <- list(relief ~ bme, relief ~ bme + age, relief ~ bme * sex,
                      log(relief + 10) ~ bme + poly(age, 2, raw = TRUE))

test_that("t0 equals coef(lm()) with factors, interactions and weights", {
  for (k in 1:8) {
    d <- boot_data(30 + 5 * k, 100 + k)
    f <- boot_formulas[[(k - 1) %% 4 + 1]]
    fit <- vcf_boot_lm(f, d, B = 20, type = "norm", seed = 1, threads = 1)
    expect_equal(fit$t0, coef(lm(f, d)), tolerance = 1e-10)
    d$w <- stats::runif(nrow(d), 0.2, 3)
    fit_w <- vcf_boot_lm(f, d, B = 20, type = "norm", seed = 1, weights = "w")
    expect_equal(fit_w$t0, coef(lm(f, d, weights = w)), tolerance = 1e-10)
  }
  # a large offset in a column does not spoil the centred cross-products
  d <- boot_data(50, 7)
  d$age <- d$age + 1e6
  expect_equal(vcf_boot_lm(relief ~ age + bme, d, B = 10, type = "norm", seed = 1)$t0,
               coef(lm(relief ~ age + bme, d)), tolerance = 1e-10)
  # no intercept (no centring then)
  d <- boot_data(50, 8)
  expect_equal(vcf_boot_lm(relief ~ 0 + age + bme, d, B = 10, type = "norm", seed = 1)$t0,
               coef(lm(relief ~ 0 + age + bme, d)), tolerance = 1e-10)
})

test_that("replicates equal boot::boot with an lm statistic on 100 data sets", {
  skip_if_not_installed("boot")
  for (k in 1:100) {
    n <- 12 + (k * 7) %% 40
    d <- boot_numeric(boot_data(n, k))
    f <- boot_formulas[[k %% 3 + 1]]
    set.seed(k)
    # lm() itself for a quarter of the sets; for the rest the same QR through
    # .lm.fit() on lm's design matrix, to keep the test fast
    stat <- if (k %% 4 == 0) function(x, i) coef(lm(f, data = x[i, ])) else {
      X <- model.matrix(f, d)
      y <- model.response(model.frame(f, d))
      function(x, i) {
        cf <- .lm.fit(X[i, , drop = FALSE], y[i])
        out <- cf$coefficients[order(cf$pivot)]
        out[cf$pivot[seq_len(ncol(X)) > cf$rank]] <- NA
        out
      }
    }
    b <- boot::boot(d, stat, R = 199)
    idx <- boot::boot.array(b, indices = TRUE)
    fit <- vcf_boot_lm(f, d, indices = idx, type = "perc")
    ok <- stats::complete.cases(b$t)
    expect_equal(unname(fit$t[ok, ]), unname(b$t[ok, ]), tolerance = 1e-10)
    # boot's lm drops an aliased column; vcf_boot_lm calls the replicate degenerate
    expect_true(all(is.na(fit$t[!ok, ])))
    expect_equal(fit$degenerate, sum(!ok))
  }
})

test_that("intervals equal boot::boot.ci (perc, basic, norm, BCa with boot's influence)", {
  skip_if_not_installed("boot")
  types <- c("norm", "basic", "perc", "bca")
  for (k in 1:12) {
    d <- boot_numeric(boot_data(25 + 3 * k, 500 + k))
    d$site <- rep(c("a", "b", "c"), length.out = nrow(d))
    if (k %% 4 == 0) d$age[c(2, 9)] <- NA          # rows dropped by the model frame
    f <- boot_formulas[[k %% 2 + 1]]
    strata <- if (k %% 3 == 0) d$site
    set.seed(k)
    b <- if (is.null(strata)) {
      boot::boot(d, function(x, i) coef(lm(f, data = x[i, ])), R = 299)
    } else {
      boot::boot(d, function(x, i) coef(lm(f, data = x[i, ])), R = 299,
                 strata = as.integer(factor(strata)))
    }
    fit <- vcf_boot_lm(f, d, strata = strata, indices = boot::boot.array(b, indices = TRUE),
                       type = types, influence = "regression")
    for (j in seq_along(fit$t0)) {
      ci <- suppressWarnings(boot::boot.ci(b, index = j, type = types))
      ours <- fit$intervals[fit$intervals$term == names(fit$t0)[j], ]
      expect_equal(ours$lower, c(ci$normal[2], ci$basic[4], ci$percent[4], ci$bca[4]),
                   tolerance = 1e-8)
      expect_equal(ours$upper, c(ci$normal[3], ci$basic[5], ci$percent[5], ci$bca[5]),
                   tolerance = 1e-8)
      expect_equal(ours$replicates, rep(ci$R, 4))
    }
  }
})

test_that("studentized intervals follow boot's stud.ci with classical OLS SE", {
  skip_if_not_installed("boot")
  d <- boot_data(40, 11)
  fit <- vcf_boot_lm(relief ~ bme + age, d, B = 499, type = "stud", seed = 3)
  ref <- summary(lm(relief ~ bme + age, d))$coefficients[, 2]
  expect_equal(fit$se0, ref, tolerance = 1e-10)
  rows <- vcfoutcomes:::boot_indices(fit)
  for (r in c(1, 17, 250)) {
    s <- summary(lm(relief ~ bme + age, d[rows[[r]], ]))$coefficients[, 2]
    expect_equal(fit$se[r, ], s, tolerance = 1e-8)
  }
  b <- boot::boot(d, function(x, i) 0, R = 499)   # a shell for boot.ci
  for (j in 1:3) {
    b$t0 <- c(fit$t0[j], fit$se0[j]^2)
    b$t <- cbind(fit$t[, j], fit$se[, j]^2)
    ci <- boot::boot.ci(b, type = "stud", index = 1:2)
    expect_equal(unlist(confint(fit, type = "stud")[j, ]), ci$student[4:5],
                 tolerance = 1e-8, ignore_attr = TRUE)
  }
})

test_that("cluster resampling draws whole clusters; CR1 SE per replicate", {
  d <- boot_data(89, 5, clusters = 64)
  fit <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = 200,
                     type = c("perc", "stud"), seed = 9, threads = 2)
  expect_equal(fit$resampling, "cluster")
  expect_equal(fit$n_units, 64)
  sizes <- table(d$patient)
  rows <- vcfoutcomes:::boot_indices(fit)
  for (r in seq_along(rows)) {
    drawn <- d$patient[rows[[r]]]
    counts <- table(factor(rows[[r]], levels = seq_len(nrow(d))))
    # every row of a cluster appears as often as the cluster was drawn
    per_cluster <- tapply(as.vector(counts), d$patient, function(x) length(unique(x)))
    expect_true(all(per_cluster == 1))
    expect_equal(sum(table(drawn) / sizes[names(table(drawn))]), 64)
  }
  # the drawn rows are the replicate: refit them with lm
  for (r in c(1, 50, 200)) {
    expect_equal(fit$t[r, ], coef(lm(relief ~ bme, d[rows[[r]], ])), tolerance = 1e-10)
  }
  # CR1 with the drawn clusters as clusters
  cr1 <- function(dd, cl) {
    X <- model.matrix(~ bme, dd)
    e <- resid(lm(relief ~ bme, dd))
    bread <- solve(crossprod(X))
    scores <- rowsum(X * e, cl)
    G <- nrow(scores); N <- nrow(X); p <- ncol(X)
    sqrt(diag(bread %*% crossprod(scores) %*% bread) * G / (G - 1) * (N - 1) / (N - p))
  }
  expect_equal(unname(fit$se0), unname(cr1(d, d$patient)), tolerance = 1e-10)
  for (r in c(3, 99)) {
    dr <- d[rows[[r]], ]
    # rows come cluster by cluster, so a new draw starts where the cluster changes
    # or the same cluster repeats after all its rows
    run <- cumsum(c(TRUE, diff(rows[[r]]) <= 0 | diff(dr$patient) != 0))
    expect_equal(unname(fit$se[r, ]), unname(cr1(dr, run)), tolerance = 1e-8)
  }
})

test_that("stratified resampling keeps each stratum's size; clusters nest in strata", {
  d <- boot_data(60, 21, clusters = 40)
  d$centre <- ifelse(d$patient <= 15, "A", "B")
  fit <- vcf_boot_lm(relief ~ bme, d, strata = ~ centre, B = 100, type = "perc", seed = 2)
  rows <- vcfoutcomes:::boot_indices(fit)
  expect_true(all(vapply(rows, function(r) identical(table(d$centre[r]), table(d$centre)),
                         logical(1))))
  fit_cs <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", strata = "centre", B = 100,
                        type = "perc", seed = 2)
  expect_equal(fit_cs$resampling, "cluster within strata")
  rows <- vcfoutcomes:::boot_indices(fit_cs)
  n_clusters <- tapply(d$patient, d$centre, function(x) length(unique(x)))
  for (r in rows[1:20]) {
    dr <- d[r, ]
    runs <- cumsum(c(TRUE, diff(r) <= 0 | diff(dr$patient) != 0))
    drawn_centre <- tapply(dr$centre, runs, `[`, 1)
    expect_equal(as.vector(table(drawn_centre)[names(n_clusters)]), as.vector(n_clusters))
  }
  twice <- which(d$patient == d$patient[duplicated(d$patient)][1])
  d$centre[twice[1]] <- if (d$centre[twice[1]] == "A") "B" else "A"  # spans both strata
  expect_error(vcf_boot_lm(relief ~ bme, d, cluster = "patient", strata = "centre", B = 10,
                           seed = 1), class = "vcf_error_nesting")
})

test_that("results are identical for any number of threads and chunking", {
  d <- boot_data(89, 8, clusters = 64)
  a <- vcf_boot_lm(relief ~ bme + age, d, cluster = "patient", B = 500,
                   type = c("bca", "stud"), seed = 123, threads = 1)
  b <- vcf_boot_lm(relief ~ bme + age, d, cluster = "patient", B = 500,
                   type = c("bca", "stud"), seed = 123, threads = 2)
  expect_identical(a$t, b$t)
  expect_identical(a$se, b$se)
  expect_identical(a$intervals, b$intervals)
  setup <- vcfoutcomes:::boot_setup(relief ~ bme + age, d, cluster = "patient",
                                    type = "stud", B = 500, seed = 123)
  whole <- vcfoutcomes:::boot_run(setup$model, 1, 500, threads = 2)
  parts <- lapply(list(c(1, 137), c(138, 300), c(301, 500)), function(e)
    vcfoutcomes:::boot_run(setup$model, e[1], e[2], threads = 1))
  expect_identical(whole$t, do.call(rbind, lapply(parts, `[[`, "t")))
  expect_identical(whole$t, a$t, ignore_attr = TRUE)
  # seed = NULL is governed by set.seed()
  set.seed(99)
  c1 <- vcf_boot_lm(relief ~ bme, d, B = 50, type = "perc")
  set.seed(99)
  c2 <- vcf_boot_lm(relief ~ bme, d, B = 50, type = "perc")
  expect_identical(c1$t, c2$t)
  expect_identical(c1$seed, c2$seed)
  expect_false(identical(c1$t, vcf_boot_lm(relief ~ bme, d, B = 50, type = "perc")$t))
})

test_that("chunks on future workers equal one run (sequential and multisession)", {
  skip_on_cran()
  skip_if_not_installed("future")
  skip_if_not_installed("future.apply")
  d <- boot_data(60, 31, clusters = 40)
  setup <- vcfoutcomes:::boot_setup(relief ~ bme, d, cluster = "patient", type = "perc",
                                    B = 400, seed = 77)
  whole <- vcfoutcomes:::boot_run(setup$model, 1, 400)$t
  chunks <- list(c(1, 200), c(201, 400))
  run_chunks <- function() {
    parts <- future.apply::future_lapply(chunks, function(e, model)
      vcfoutcomes:::boot_run(model, e[1], e[2], threads = 1)$t,
      model = setup$model, future.seed = NULL)
    do.call(rbind, parts)
  }
  old <- future::plan(future::sequential)
  on.exit(future::plan(old), add = TRUE)
  expect_identical(run_chunks(), whole)
  future::plan(future::multisession, workers = 2)
  expect_identical(run_chunks(), whole)
})

test_that("degenerate replicates are NA, counted, excluded and reported", {
  d <- data.frame(x = c(1, rep(0, 11)), y = c(5, stats::rnorm(11)))
  fit <- vcf_boot_lm(y ~ x, d, B = 300, type = c("perc", "norm"), seed = 4)
  rows <- vcfoutcomes:::boot_indices(fit)
  constant <- vapply(rows, function(r) length(unique(d$x[r])) == 1L, logical(1))
  expect_true(any(constant))
  expect_equal(fit$degenerate, sum(constant))
  expect_equal(is.na(fit$t[, "x"]), constant)
  expect_equal(unique(fit$intervals$replicates), 300 - sum(constant))
  expect_output(print(fit), paste0(sum(constant), " degenerate"))
  expect_equal(unname(vcov(fit)), unname(stats::cov(fit$t[!constant, ])))
})

test_that("BCa falls back to percentile with a classed warning when undefined", {
  d <- boot_data(30, 12)
  fit <- vcf_boot_lm(relief ~ bme, d, B = 200, type = c("bca", "perc"), seed = 5)
  fit$t[, 2] <- fit$t0[2] + abs(fit$t[, 2] - fit$t0[2]) + 0.01   # all above t0
  expect_warning(iv <- vcfoutcomes:::boot_intervals(fit, c("bca", "perc"), 0.95),
                 class = "vcf_warning_bca_fallback")
  slope <- iv[iv$term == "bmesimilar", ]
  expect_equal(slope$lower[1], slope$lower[2])
  expect_equal(slope$upper[1], slope$upper[2])
  expect_match(slope$note[1], "percentile")
  # norm.inter at the extremes: a classed warning, never an error
  expect_warning(vcf_boot_lm(relief ~ bme, d, B = 20, type = "perc", seed = 1),
                 class = "vcf_warning_extreme_order")
})

test_that("jackknife acceleration uses leave-one-cluster-out fits", {
  d <- boot_data(50, 13, clusters = 35)
  fit <- vcf_boot_lm(relief ~ bme, d, cluster = ~ patient, B = 300, seed = 6)
  ids <- unique(d$patient)
  jack <- t(vapply(ids, function(g) coef(lm(relief ~ bme, d[d$patient != g, ])), numeric(2)))
  L <- (length(ids) - 1) * (matrix(colMeans(jack), length(ids), 2, byrow = TRUE) - jack)
  expect_equal(sort(fit$L[, 2]), sort(L[, 2]), tolerance = 1e-8)
  a <- sum(L[, 2]^3) / (6 * sum(L[, 2]^2)^1.5)
  w <- stats::qnorm(mean(fit$t[, 2] < fit$t0[2]))
  z <- stats::qnorm(c(0.025, 0.975))
  adj <- stats::pnorm(w + (w + z) / (1 - a * (w + z)))
  expect_equal(unname(confint(fit)[2, ]),
               vcfoutcomes:::boot_norm_inter(fit$t[, 2], adj), ignore_attr = TRUE)
})

test_that("methods: confint, coef, vcov, summary, tidy, glance, plot", {
  d <- boot_data(40, 14, clusters = 30)
  fit <- vcf_boot_lm(relief ~ bme + age, d, cluster = "patient", B = 399,
                     type = c("bca", "perc", "norm"), seed = 8)
  ci <- confint(fit)
  expect_equal(dimnames(ci), dimnames(confint(lm(relief ~ bme + age, d))))
  expect_equal(attr(ci, "type"), "bca")
  expect_equal(confint(fit, "age", type = "perc")[1, ],
               unlist(fit$intervals[fit$intervals$term == "age" & fit$intervals$type == "perc",
                                    c("lower", "upper")]), ignore_attr = TRUE)
  ci90 <- confint(fit, level = 0.9, type = "perc")
  expect_true(all(ci90[, 1] > ci[, 1] - 1) && all(ci90[, 2] - ci90[, 1] < confint(fit, type = "perc")[, 2] - confint(fit, type = "perc")[, 1]))
  expect_error(confint(fit, type = "stud"), class = "vcf_error_type")
  expect_equal(coef(fit), fit$t0)
  expect_equal(vcov(fit), stats::cov(fit$t))
  td <- tidy(fit, type = c("bca", "perc"))
  expect_equal(nrow(td), 6)
  expect_named(td, c("term", "estimate", "std.error", "bias", "conf.low", "conf.high",
                     "conf.level", "conf.method", "replicates"))
  expect_equal(td$std.error[td$conf.method == "bca"], unname(apply(fit$t, 2, stats::sd)))
  gl <- glance(fit)
  expect_equal(nrow(gl), 1)
  expect_equal(gl$n_units, 30)
  expect_output(print(summary(fit)), "percentile intervals")
  p <- plot(fit)
  expect_s3_class(p, "ggplot")
  expect_silent(ggplot2::ggplot_build(p))
  expect_snapshot(print(vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = 99,
                                    type = "perc", seed = 1)))
})

test_that("vcf_boot_control validates its settings", {
  ctl <- vcf_boot_control(B = 999, type = c("bca", "stud"), seed = 3, threads = 2)
  expect_s3_class(ctl, "vcf_boot_control")
  expect_identical(ctl$B, 999L)
  expect_error(vcf_boot_control(B = 1), class = "vcf_error_argument")
  expect_error(vcf_boot_control(type = "bc"), class = "vcf_error_type")
  expect_error(vcf_boot_control(level = 1), class = "vcf_error_argument")
  expect_error(vcf_boot_control(threads = 0), class = "vcf_error_argument")
})

test_that("bad arguments raise classed errors naming the argument", {
  d <- boot_data(20, 15, clusters = 12)
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 1), class = "vcf_error_argument")
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 10.5), class = "vcf_error_argument")
  expect_error(vcf_boot_lm(relief ~ bme, d, level = 1.2), class = "vcf_error_argument")
  expect_error(vcf_boot_lm(relief ~ bme, d, type = "bc"), class = "vcf_error_type")
  expect_error(vcf_boot_lm(relief ~ nope, d), class = "vcf_error_unknown_column")
  expect_error(vcf_boot_lm(relief ~ bme, d, cluster = "nope"), class = "vcf_error_unknown_column")
  expect_error(vcf_boot_lm(relief ~ bme, d, cluster = 1:3), class = "vcf_error_length")
  cl <- d$patient; cl[4] <- NA
  expect_error(vcf_boot_lm(relief ~ bme, d, cluster = cl), class = "vcf_error_missing_value")
  expect_error(vcf_boot_lm(relief ~ bme, d, strata = c(NA, d$sex[-1])),
               class = "vcf_error_missing_value")
  expect_error(vcf_boot_lm(relief ~ bme * sex + age, d[1:4, ]), class = "vcf_error_too_few_rows")
  d$bme2 <- d$bme
  expect_error(vcf_boot_lm(relief ~ bme + bme2, d), class = "vcf_error_rank_deficient")
  idx <- matrix(1L, 5, 20)
  expect_error(vcf_boot_lm(relief ~ bme, d, indices = idx[, 1:10]), class = "vcf_error_indices")
  idx[2, 3] <- 21L
  expect_error(vcf_boot_lm(relief ~ bme, d, indices = idx), class = "vcf_error_indices")
  expect_error(vcf_boot_lm(relief ~ bme, d, indices = matrix(1L, 5, 20), B = 6),
               class = "vcf_error_indices")
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 10, influence = "regression"),
               class = "vcf_error_influence")
  expect_snapshot(error = TRUE, {
    vcf_boot_lm(relief ~ bme, d, B = 1)
    vcf_boot_lm(relief ~ bme, d, level = 0)
    vcf_boot_lm(relief ~ bme, d, type = c("bca", "bootstrap-t"))
    vcf_boot_lm(relief ~ bme + pain, d)
    vcf_boot_lm(relief ~ bme, d, cluster = cl)
    vcf_boot_lm(relief ~ bme, d, strata = 1:3)
    vcf_boot_lm(relief ~ bme * sex + age, d[1:4, ])
    vcf_boot_lm(relief ~ bme, d, indices = idx)
    vcf_boot_lm(relief ~ bme, d, indices = matrix(1L, 5, 3))
  })
})

test_that("non-finite data, bad strata, bad formulas: classed errors", {
  d <- boot_data(30, 16, clusters = 20)
  d$relief[4] <- Inf
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 10), class = "vcf_error_not_finite")
  d <- boot_data(30, 16, clusters = 20)
  d$age[7] <- -Inf
  expect_error(vcf_boot_lm(relief ~ age, d, B = 10), class = "vcf_error_not_finite")
  expect_error(vcf_boot_lm(relief ~ age, d, method = "wild", B = 10),
               class = "vcf_error_not_finite")
  d <- boot_data(40, 16, clusters = 20)
  expect_error(vcf_boot_lm(relief ~ bme, d, cluster = "patient", strata = seq_len(40),
                           B = 10), class = "vcf_error_nesting")
  expect_error(vcf_boot_lm(relief ~ log(sex), d, B = 10), class = "vcf_error_formula")
  d$bme2 <- d$bme
  err <- tryCatch(vcf_boot_lm(relief ~ bme + age + bme2, d, B = 10), error = identity)
  expect_s3_class(err, "vcf_error_rank_deficient")
  expect_match(conditionMessage(err), "bme2similar")
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 2^31 - 1, influence = "regression",
                           cluster = "patient"), class = "vcf_error_too_large")
  expect_snapshot(error = TRUE, {
    vcf_boot_lm(relief ~ bme, d, cluster = "patient", strata = seq_len(40), B = 10)
    vcf_boot_lm(relief ~ bme + age + bme2, d, B = 10)
  })
  d$relief[2] <- NaN          # NaN is missing: the row is dropped, as lm() does
  fit <- vcf_boot_lm(relief ~ bme, d, B = 10, type = "norm", seed = 1)
  expect_equal(fit$nobs, 39)
})

test_that("the full-sample fit is GSL's pivoted QR, equal to lm() and its (X'X)^-1", {
  for (k in 1:5) {
    d <- boot_data(25 + 10 * k, 300 + k)
    d$w <- stats::runif(nrow(d), 0.1, 2)
    f <- boot_formulas[[k %% 4 + 1]]
    m <- lm(f, d, weights = w)
    fit <- vcf_boot_lm(f, d, weights = "w", B = 10, type = "norm", seed = 1)
    expect_equal(fit$ols$coef, coef(m), tolerance = 1e-10)
    expect_equal(fit$ols$residuals, unname(resid(m)), tolerance = 1e-10)
    expect_equal(unname(fit$ols$cov_unscaled), unname(summary(m)$cov.unscaled),
                 tolerance = 1e-10)
    expect_equal(fit$t0, fit$ols$coef, tolerance = 1e-12)
  }
})

test_that("method arguments are validated with classed errors", {
  d <- boot_data(30, 17, clusters = 20)
  fit <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = 50, type = "norm", seed = 1)
  expect_error(confint(fit, parm = "nope"), class = "vcf_error_parm")
  expect_error(confint(fit, parm = 5), class = "vcf_error_parm")
  expect_error(confint(fit, level = NA), class = "vcf_error_argument")
  expect_error(confint(fit, type = "cr3"), class = "vcf_error_type")
  expect_error(vcov(fit, type = "hc0"), class = "vcf_error_argument")
  expect_error(tidy(fit, conf.int = "yes"), class = "vcf_error_argument")
  expect_error(tidy(fit, conf.level = 5), class = "vcf_error_argument")
  expect_error(plot(fit, bins = 0), class = "vcf_error_argument")
  expect_error(plot(fit, type = "bca"), class = "vcf_error_type")
  expect_error(augment(fit, newdata = 1:3), class = "vcf_error_type")
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 10, nonsense = 1), class = "vcf_error_argument")
  expect_equal(confint(fit, 2), confint(fit, "bmesimilar"))
})

test_that("threads: the option vcfoutcomes.threads and OMP_THREAD_LIMIT set the default", {
  withr::local_options(vcfoutcomes.threads = 1)
  expect_equal(vcf_threads(), 1L)
  expect_equal(vcf_threads(1), 1L)
  d <- boot_data(60, 18, clusters = 40)
  a <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = 300, type = "perc", seed = 2)
  withr::local_options(vcfoutcomes.threads = NULL)
  b <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = 300, type = "perc", seed = 2,
                   threads = 2)
  expect_identical(a$t, b$t)
  withr::local_options(vcfoutcomes.threads = "many")
  expect_error(vcf_threads(), class = "vcf_error_option")
  expect_error(vcf_boot_lm(relief ~ bme, d, B = 10), class = "vcf_error_option")
  withr::local_options(vcfoutcomes.threads = NULL)
  skip_on_cran()
  skip_if_not_installed("callr")
  if (!vcfoutcomes:::vcf_build_info()$openmp) skip("built without OpenMP")
  limited <- callr::r(function() vcfoutcomes::vcf_threads(8), libpath = .libPaths(),
                      env = c(callr::rcmd_safe_env(), OMP_THREAD_LIMIT = "1"))
  expect_equal(limited, 1L)
})

test_that(".Call entry points refuse out-of-range sizes before casting or allocating", {
  d <- boot_data(30, 19, clusters = 20)
  setup <- vcfoutcomes:::boot_setup(relief ~ bme, d, cluster = "patient", type = "perc",
                                    B = 10, seed = 1)
  m <- setup$model
  run <- function(first, last) {
    .Call(vcfoutcomes:::C_boot_run, m$S, m$p, m$extras, m$shift, m$shift_y, m$intercept,
          m$se_mode, m$strata_off, c(0, 1), first, last, 1L, NULL)
  }
  expect_error(run(1e300, 1e300), "2\\^53")
  expect_error(run(1, Inf), "2\\^53")
  expect_error(run(1.5, 3), "whole")
  expect_error(run(1, 2^40), "2\\^31")
  expect_error(.Call(vcfoutcomes:::C_boot_draws, m$strata_off, c(0, 1), 1, 1e300), "2\\^53")
  expect_error(.Call(vcfoutcomes:::C_boot_unit_sums, 1, 1, NULL, 1L, 1L, numeric(2e5), 0,
                     FALSE), "1 to 1000")
  expect_equal(dim(run(3, 7)$t), c(5L, 2L))
})

test_that("a long vcf_boot_lm(B = 1e6) stops within a second of an interrupt", {
  skip_on_cran()
  skip_if_not_installed("callr")
  flag <- tempfile()
  proc <- callr::r_bg(function(flag) {
    library(vcfoutcomes)
    set.seed(1)
    d <- data.frame(x = stats::rnorm(1e4), y = stats::rnorm(1e4))
    writeLines("started", flag)
    out <- tryCatch(vcf_boot_lm(y ~ x, d, B = 1e6, type = "perc", seed = 1),
                    interrupt = function(e) "interrupted")
    list(result = if (is.character(out)) out else "finished", usable = sum(1:10))
  }, args = list(flag = flag), libpath = .libPaths())
  on.exit(proc$kill(), add = TRUE)
  waited <- 0
  while (!file.exists(flag) && waited < 60) {
    Sys.sleep(0.05)
    waited <- waited + 0.05
  }
  Sys.sleep(1.5)                     # well inside the replicates by now
  expect_true(proc$is_alive())
  sent <- Sys.time()
  proc$interrupt()
  proc$wait(10000)
  elapsed <- as.double(difftime(Sys.time(), sent, units = "secs"))
  expect_false(proc$is_alive())
  out <- proc$get_result()
  expect_equal(out$result, "interrupted")
  expect_equal(out$usable, 55L)
  expect_lt(elapsed, 1)
})

test_that("methods reject objects that are not well-formed fits with a classed error", {
  d <- boot_data(30, 21)
  fit <- vcf_boot_lm(relief ~ bme + age, d, B = 49, type = "perc", seed = 1)
  fake <- structure(list(), class = "vcf_boot")
  expect_error(coef(fake), class = "vcf_error_object")
  expect_error(vcov(fake), class = "vcf_error_object")
  expect_error(confint(fake), class = "vcf_error_object")
  expect_error(summary(fake), class = "vcf_error_object")
  expect_error(print(fake), class = "vcf_error_object")
  expect_error(tidy(fake), class = "vcf_error_object")
  expect_error(tidy(fake, conf.int = FALSE), class = "vcf_error_object")
  # type is checked with or without intervals; a level must leave 1 - level
  # below 1 (fuzz)
  expect_error(tidy(fit, conf.int = FALSE, type = factor(c("b", "a", NA))),
               class = "vcf_error_argument")
  expect_equal(nrow(tidy(fit, conf.int = FALSE, type = "perc")), 3L)
  expect_error(confint(fit, level = 1e-300), class = "vcf_error_argument")
  expect_equal(dim(confint(fit, level = 1e-6)), c(3L, 2L))
  expect_error(glance(fake), class = "vcf_error_object")
  expect_error(augment(fake), class = "vcf_error_object")
  expect_error(plot(fake), class = "vcf_error_object")
  expect_error(tidy.vcf_boot(list(a = 1)), class = "vcf_error_object")
  # A dropped part, and replicates that do not match the coefficients.
  damaged <- fit
  damaged$intervals <- NULL
  expect_error(summary(damaged), class = "vcf_error_object")
  damaged <- fit
  damaged$t <- damaged$t[, 1L, drop = FALSE]
  expect_error(vcov(damaged), class = "vcf_error_object")
  expect_snapshot(error = TRUE, tidy(fake))
  # The fit itself still passes.
  expect_s3_class(summary(fit), "summary.vcf_boot")
})

test_that("method arguments are checked with classed errors", {
  d <- boot_data(30, 21)
  fit <- vcf_boot_lm(relief ~ bme + age, d, B = 49, type = "perc", seed = 1)
  expect_error(confint(fit, parm = c(-1, 0, 1)), class = "vcf_error_parm")
  expect_error(confint(fit, parm = ~x), class = "vcf_error_parm")
  expect_error(tidy(fit, conf.int = list(TRUE)), class = "vcf_error_argument")
  expect_error(tidy(fit, conf.int = 2^62), class = "vcf_error_argument")
  expect_error(plot(fit, bins = function() 1), class = "vcf_error_argument")
  expect_error(plot(fit, bins = c(1, 2, 3)), class = "vcf_error_argument")
  expect_error(plot(fit, bins = 0), class = "vcf_error_argument")
})
