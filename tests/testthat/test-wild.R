# Wild cluster bootstrap (vcf_boot_wild / vcf_boot_lm(method = "wild")) and
# CR2: against a brute-force R implementation that refits lm() per
# replicate on the same weights, and against clubSandwich.

wild_data <- function(G, seed, extra = 10, k_binary = TRUE) {
  set.seed(seed)
  d <- data.frame(patient = c(seq_len(G), sample(G, extra, TRUE)))
  n <- nrow(d)
  d$age <- round(stats::rnorm(n, 72, 8))
  d$bme <- stats::rbinom(n, 1, 0.4)
  d$relief <- 2 + 0.8 * d$bme + 0.02 * d$age + stats::rnorm(n) +
    stats::rnorm(G, 0, 0.7)[d$patient]
  d[sample(n), ]
}

# The CR1 t statistic of coefficient j against r.
ref_t <- function(X, y, cl, j, r, w = NULL) {
  fit <- if (is.null(w)) lm(y ~ 0 + X) else lm(y ~ 0 + X, weights = w)
  ww <- if (is.null(w)) rep(1, length(y)) else w
  M <- solve(crossprod(X * sqrt(ww)))
  S <- rowsum(X * (ww * resid(fit)), cl)
  G <- nrow(S); N <- sum(ww > 0); k <- ncol(X)
  V <- M %*% crossprod(S) %*% M * G / (G - 1) * (N - 1) / (N - k)
  unname((coef(fit)[j] - r) / sqrt(V[j, j]))
}

# Brute force: for each replicate build y* from the (restricted or not)
# fit and its residuals times the cluster weights, refit with lm(), and
# compare |t*| with |t|.
ref_wild_p <- function(X, y, cl, j, r, W, restricted, w = NULL) {
  ww <- if (is.null(w)) rep(1, length(y)) else w
  if (restricted) {
    yr <- y - r * X[, j]
    fit0 <- lm(yr ~ 0 + X[, -j, drop = FALSE], weights = ww)
    base <- y - resid(fit0)
    centre <- r
  } else {
    fit0 <- lm(y ~ 0 + X, weights = ww)
    base <- fitted(fit0)
    centre <- coef(fit0)[[j]]
  }
  u <- y - base
  t_obs <- ref_t(X, y, cl, j, r, w)
  t_star <- vapply(seq_len(nrow(W)), function(b) {
    ref_t(X, base + W[b, cl] * u, cl, j, centre, w)
  }, numeric(1))
  mean(t_star^2 >= t_obs^2 * (1 - 1e-10))
}

ref_design <- function(f, d) {
  list(X = model.matrix(f, d), y = model.response(model.frame(f, d)),
       cl = match(d$patient, unique(d$patient)))
}

test_that("WCR and WCU p-values equal a brute-force lm() refit per replicate", {
  for (k in 1:6) {
    d <- wild_data(8 + 2 * k, 40 + k)
    f <- if (k %% 2) relief ~ bme + age else relief ~ bme
    ref <- ref_design(f, d)
    G <- max(ref$cl)
    set.seed(k)
    dist <- c("rademacher", "webb", "mammen", "normal")[(k - 1) %% 4 + 1]
    W <- matrix(switch(dist,
                       rademacher = sample(c(-1, 1), 99 * G, TRUE),
                       webb = sample(c(-sqrt(1.5), -1, -sqrt(0.5), sqrt(0.5), 1, sqrt(1.5)),
                                     99 * G, TRUE),
                       mammen = ifelse(runif(99 * G) < (sqrt(5) + 1) / (2 * sqrt(5)),
                                       -(sqrt(5) - 1) / 2, (sqrt(5) + 1) / 2),
                       normal = rnorm(99 * G)), 99, G)
    null <- c(0.3, 0.5, 0.01)[seq_len(ncol(ref$X))]
    for (variant in c("wcr", "wcu")) {
      fit <- vcf_boot_wild(f, d, cluster = "patient", variant = variant, null = null,
                           weights_matrix = W)
      expect_equal(fit$B, 99L)
      for (j in seq_len(ncol(ref$X))) {
        p_ref <- ref_wild_p(ref$X, ref$y, ref$cl, j, null[j], W, variant == "wcr")
        expect_equal(fit$coefficients$p.value[j], p_ref, tolerance = 1e-10)
      }
      expect_equal(fit$coefficients$statistic,
                   vapply(seq_len(ncol(ref$X)), function(j)
                     ref_t(ref$X, ref$y, ref$cl, j, null[j]), numeric(1)),
                   tolerance = 1e-10)
    }
  }
})

test_that("case weights: the wild bootstrap of the weighted fit equals the brute force", {
  d <- wild_data(14, 7)
  d$w <- stats::runif(nrow(d), 0.3, 2)
  ref <- ref_design(relief ~ bme + age, d)
  set.seed(2)
  W <- matrix(sample(c(-1, 1), 60 * 14, TRUE), 60, 14)
  fit <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", weights = "w",
                       null = 0.4, weights_matrix = W)
  for (j in 1:3) {
    expect_equal(fit$coefficients$p.value[j],
                 ref_wild_p(ref$X, ref$y, ref$cl, j, 0.4, W, TRUE, w = d$w),
                 tolerance = 1e-10)
  }
  expect_equal(fit$t0, coef(lm(relief ~ bme + age, d, weights = w)), tolerance = 1e-10)
})

test_that("test-inversion intervals sit where the brute-force p-value crosses 1 - level", {
  for (k in 1:2) {
    d <- wild_data(10 + 3 * k, 60 + k)
    ref <- ref_design(relief ~ bme + age, d)
    G <- max(ref$cl)
    set.seed(k)
    W <- matrix(sample(c(-1, 1), 99 * G, TRUE), 99, G)
    for (variant in c("wcr", "wcu")) {
      fit <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", variant = variant,
                           weights_matrix = W, level = 0.9)
      for (j in 1:3) {
        ci <- unlist(fit$coefficients[j, c("conf.low", "conf.high")])
        eps <- 1e-6 * fit$coefficients$std.error[j]
        p <- function(r) ref_wild_p(ref$X, ref$y, ref$cl, j, r, W, variant == "wcr")
        expect_gt(p(ci[1] + eps), 0.1)
        expect_lte(p(ci[1] - eps), 0.1)
        expect_gt(p(ci[2] - eps), 0.1)
        expect_lte(p(ci[2] + eps), 0.1)
      }
    }
  }
  # WCU inverts to estimate -/+ a quantile of |t*| times the CR1 SE
  d <- wild_data(20, 3)
  fit <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", variant = "wcu", B = 999,
                       dist = "webb", seed = 5)
  half <- fit$coefficients$conf.high - fit$coefficients$estimate
  low <- fit$coefficients$estimate - fit$coefficients$conf.low
  expect_equal(half, low, tolerance = 1e-8)
})

test_that("Rademacher enumeration: all 2^G sign patterns when 2^G <= B", {
  d <- wild_data(9, 11, extra = 6)
  fit <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 999, seed = 1)
  expect_true(fit$enumerated)
  expect_equal(fit$B, 512L)
  W <- vcfoutcomes:::wild_weights(fit)
  expect_equal(nrow(unique(W)), 512L)
  expect_true(all(W %in% c(-1, 1)))
  given <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", weights_matrix = W)
  expect_identical(given$coefficients, fit$coefficients)
  # the identity pattern reproduces t: p can be no smaller than 2 / 2^G
  far <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 999, null = 100)
  expect_equal(far$coefficients$p.value[2], 2 / 512)
  # webb weights are drawn, not enumerated
  expect_false(vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 999,
                             dist = "webb", seed = 1)$enumerated)
})

test_that("drawn weights follow their laws and equal weights_matrix replicate for replicate", {
  d <- wild_data(70, 12)
  for (dist in c("rademacher", "webb", "mammen", "normal")) {
    fit <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 400, dist = dist,
                         seed = 9)
    W <- vcfoutcomes:::wild_weights(fit)
    expect_equal(dim(W), c(400L, 70L))
    expect_equal(mean(W), 0, tolerance = 0.03)
    expect_equal(mean(W^2), 1, tolerance = 0.03)
    if (dist == "mammen") expect_equal(mean(W^3), 1, tolerance = 0.1)
    if (dist == "rademacher") expect_true(all(W %in% c(-1, 1)))
    if (dist == "webb") expect_setequal(unique(round(W^2, 12)), c(0.5, 1, 1.5))
    if (dist == "normal") expect_gt(stats::shapiro.test(W[1:4000])$p.value, 1e-4)
    given <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", weights_matrix = W)
    expect_identical(given$coefficients$p.value, fit$coefficients$p.value)
  }
})

test_that("results are bit-identical for any number of threads", {
  d <- wild_data(64, 13, extra = 25)
  a <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 5000, seed = 3,
                     threads = 1, dist = "webb")
  b <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 5000, seed = 3,
                     threads = 2, dist = "webb")
  expect_identical(a$coefficients, b$coefficients)
  expect_identical(a$tests, b$tests)
  # Rademacher weights take the sign tables: identical too
  a <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 5000, seed = 3,
                     threads = 1)
  b <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 5000, seed = 3,
                     threads = 2)
  expect_identical(a$tests, b$tests)
  expect_identical(a$coefficients, b$coefficients)
  # and set.seed() governs seed = NULL
  set.seed(4)
  c1 <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 300)
  set.seed(4)
  c2 <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 300)
  expect_identical(c1$coefficients, c2$coefficients)
})

test_that("vcf_boot_lm(method = 'wild') is vcf_boot_wild()", {
  d <- wild_data(15, 14)
  a <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", method = "wild", B = 999,
                   dist = "webb", null = 0.2, seed = 2)
  b <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 999, dist = "webb",
                     null = 0.2, seed = 2)
  expect_s3_class(a, "vcf_wild")
  expect_identical(a$coefficients, b$coefficients)
  # testing a subset: the same numbers for the tested coefficient
  one <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 999, dist = "webb",
                       null = 0.2, seed = 2, parm = "bme")
  expect_identical(one$coefficients, b$coefficients[2, ], ignore_attr = TRUE)
  expect_equal(rownames(confint(one)), "bme")
  expect_equal(nrow(tidy(one)), 1)
  expect_equal(confint(one, type = "cr2"), confint(b, type = "cr2"))
  expect_error(confint(one, "(Intercept)"), class = "vcf_error_parm")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient", parm = "age"),
               class = "vcf_error_parm")
  # no cluster: every row is its own cluster (the heteroskedastic wild bootstrap)
  e <- vcf_boot_lm(relief ~ bme, d, method = "wild", B = 199, dist = "mammen", seed = 1)
  expect_equal(e$n_clusters, nrow(d))
})

test_that("CR2 and Satterthwaite df equal clubSandwich", {
  skip_if_not_installed("clubSandwich")
  for (k in 1:8) {
    d <- wild_data(6 + 4 * k, 80 + k, extra = 3 * k)
    if (k == 3) d$patient[d$patient == 1] <- 2   # clusters of unequal size
    f <- if (k %% 2) relief ~ bme + age else relief ~ bme * age
    m <- lm(f, d)
    V <- clubSandwich::vcovCR(m, cluster = d$patient, type = "CR2")
    ct <- clubSandwich::coef_test(m, vcov = V, test = "Satterthwaite")
    fit <- vcf_boot_lm(f, d, cluster = "patient", B = 50, type = "norm", seed = 1)
    ours <- vcov(fit, type = "CR2")
    expect_equal(unname(ours), unname(as.matrix(V)), tolerance = 1e-8, ignore_attr = TRUE)
    expect_equal(unname(attr(ours, "df")), ct$df_Satt, tolerance = 1e-8)
    ci <- confint(fit, type = "cr2")
    q <- stats::qt(0.975, ct$df_Satt)
    expect_equal(unname(ci[, 1]), ct$beta - q * ct$SE, tolerance = 1e-8)
    expect_equal(unname(ci[, 2]), ct$beta + q * ct$SE, tolerance = 1e-8)
    wf <- vcf_boot_wild(f, d, cluster = "patient", B = 99, seed = 1)
    expect_equal(unname(confint(wf, type = "cr2")), unname(ci[, 1:2]), tolerance = 1e-10,
                 ignore_attr = TRUE)
  }
  # a singleton cluster with leverage one: the pseudo-inverse square root
  d <- wild_data(12, 5)
  d$solo <- as.integer(d$patient == d$patient[1])
  d$patient[d$solo == 1] <- d$patient[1]
  d <- d[!(duplicated(d$patient) & d$solo == 1), ]
  m <- lm(relief ~ bme + solo, d)
  V <- clubSandwich::vcovCR(m, cluster = d$patient, type = "CR2")
  fit <- vcf_boot_lm(relief ~ bme + solo, d, cluster = "patient", B = 20, type = "norm",
                     seed = 1)
  expect_equal(unname(vcov(fit, type = "CR2")), unname(as.matrix(V)), tolerance = 1e-8,
               ignore_attr = TRUE)
})

test_that("CR1 vcov equals the sandwich with G/(G-1) (N-1)/(N-k)", {
  d <- wild_data(18, 15)
  fit <- vcf_boot_lm(relief ~ bme + age, d, cluster = "patient", B = 20, type = "norm",
                     seed = 1)
  ref <- ref_design(relief ~ bme + age, d)
  m <- lm(relief ~ bme + age, d)
  M <- solve(crossprod(ref$X))
  S <- rowsum(ref$X * resid(m), ref$cl)
  V <- M %*% crossprod(S) %*% M * 18 / 17 * (nrow(d) - 1) / (nrow(d) - 3)
  expect_equal(unname(vcov(fit, type = "CR1")), unname(V), tolerance = 1e-10)
  ci <- confint(fit, type = "cr1")
  expect_equal(unname(ci[, 2] - coef(m)), unname(stats::qt(0.975, 17) * sqrt(diag(V))),
               tolerance = 1e-10)
})

test_that("methods of vcf_wild: coef, confint at other levels, tidy, glance, augment", {
  d <- wild_data(16, 16)
  fit <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 999,
                       dist = "webb", seed = 1)
  expect_equal(coef(fit), coef(lm(relief ~ bme + age, d)), tolerance = 1e-10)
  ci <- confint(fit)
  expect_equal(dimnames(ci), dimnames(confint(lm(relief ~ bme + age, d))))
  ci80 <- confint(fit, level = 0.8)
  expect_true(all(ci80[, 1] > ci[, 1] & ci80[, 2] < ci[, 2]))
  expect_equal(confint(fit, "bme"), ci["bme", , drop = FALSE], ignore_attr = TRUE)
  td <- tidy(fit)
  expect_named(td, c("term", "estimate", "std.error", "null", "statistic", "p.value",
                     "conf.low", "conf.high", "conf.level", "conf.method"))
  expect_equal(td$conf.low, unname(ci[, 1]))
  expect_equal(tidy(fit, type = "cr2")$conf.high, unname(confint(fit, type = "cr2")[, 2]))
  gl <- glance(fit)
  expect_equal(gl$n_clusters, 16)
  expect_equal(gl$B, 999)
  au <- augment(fit, data = d)
  expect_equal(au$.fitted, unname(fitted(lm(relief ~ bme + age, d))), tolerance = 1e-10)
  expect_equal(au$.resid, unname(resid(lm(relief ~ bme + age, d))), tolerance = 1e-10)
  nd <- augment(fit, newdata = d[1:3, ])
  expect_equal(nd$.fitted, au$.fitted[1:3])
  expect_output(print(summary(fit)), "CR2")
  expect_snapshot(print(vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 99,
                                      dist = "webb", seed = 1)))
})

test_that("augment() of a pairs fit: fitted values, residuals, bootstrap SE", {
  d <- wild_data(20, 17)
  d$age[3] <- NA
  fit <- vcf_boot_lm(relief ~ bme + age, d, cluster = "patient", B = 200, type = "perc",
                     seed = 1)
  m <- lm(relief ~ bme + age, d)
  au <- augment(fit, data = d)
  expect_true(is.na(au$.fitted[3]))
  expect_equal(au$.fitted[-3], unname(fitted(m)), tolerance = 1e-10)
  expect_equal(au$.resid[-3], unname(resid(m)), tolerance = 1e-10)
  X <- model.matrix(m)
  expect_equal(au$.std.error[-3], unname(apply(X %*% t(fit$t), 1, stats::sd)),
               tolerance = 1e-10)
  expect_equal(nrow(augment(fit)), nrow(d) - 1)
  expect_error(augment(fit, data = d[-1, ]), class = "vcf_error_data")
  expect_error(augment(fit, data = d, newdata = d), class = "vcf_error_argument")
})

test_that("bad wild and CR2 arguments raise classed errors", {
  d <- wild_data(10, 18)
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient", dist = "gauss"),
               class = "vcf_error_argument")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient", variant = "x"),
               class = "vcf_error_argument")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 1e8),
               class = "vcf_error_argument")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient", null = c(1, 2, 3)),
               class = "vcf_error_null")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient", null = NA),
               class = "vcf_error_null")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient",
                             weights_matrix = matrix(1, 5, 3)),
               class = "vcf_error_weights_matrix")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = "patient",
                             weights_matrix = matrix(NA_real_, 5, 10)),
               class = "vcf_error_weights_matrix")
  expect_error(vcf_boot_wild(relief ~ bme, d, cluster = rep(1, nrow(d))),
               class = "vcf_error_too_few_clusters")
  expect_error(vcf_boot_lm(relief ~ bme, d, method = "wild", strata = "bme"),
               class = "vcf_error_method")
  expect_error(vcf_boot_lm(relief ~ bme, d, method = "wild", nonsense = 1),
               class = "vcf_error_argument")
  expect_error(vcf_boot_lm(relief ~ bme, d, dist = "webb"), class = "vcf_error_argument")
  expect_error(vcf_boot_lm(relief ~ bme, d, method = "jackknife"),
               class = "vcf_error_argument")
  d$w <- 1
  fw <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", weights = "w", B = 20,
                    type = "norm", seed = 1)
  expect_error(vcov(fw, type = "CR2"), class = "vcf_error_cr2_weights")
  expect_error(vcov(fw, type = "HC3"), class = "vcf_error_argument")
  fit <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 99, seed = 1)
  expect_error(confint(fit, type = "perc"), class = "vcf_error_argument")
  expect_error(confint(fit, parm = "nope"), class = "vcf_error_parm")
  expect_error(confint(fit, level = 2), class = "vcf_error_argument")
  # 1 - 1e-300 is 1 in double: no interval level (it reached C as alpha = 1)
  expect_error(confint(fit, level = 1e-300), class = "vcf_error_argument")
  expect_error(tidy(fit, conf.level = 1e-300), class = "vcf_error_argument")
  expect_error(tidy(fit, conf.int = NA), class = "vcf_error_argument")
  expect_snapshot(error = TRUE, {
    vcf_boot_wild(relief ~ bme, d, cluster = "patient", dist = "gauss")
    vcf_boot_wild(relief ~ bme, d, cluster = "patient", null = c(1, 2, 3))
    vcf_boot_wild(relief ~ bme, d, cluster = "patient", weights_matrix = matrix(1, 5, 3))
    vcf_boot_wild(relief ~ bme, d, cluster = rep(1, nrow(d)))
    vcf_boot_lm(relief ~ bme, d, method = "wild", nonsense = 1)
    vcov(fw, type = "CR2")
    confint(fit, parm = "nope")
  })
})

test_that("the BME-pain relation reports WCR and CR2 beside the pairs bootstrap", {
  d <- wild_data(20, 19)
  data <- data.frame(patient = d$patient, vas_decrease = d$relief,
                     bme_similar = d$bme)
  data$bme_similar[data$patient %in% unique(data$patient[data$bme_similar == 1])[-(1:3)]] <- 0L
  ctl <- vcf_boot_control(B = 999, seed = 4, threads = 1)
  rel <- vcfoutcomes:::relation_fits(data, "bme_similar", "vas_decrease", "0 to 3", ctl)
  fd <- data.frame(y = data$vas_decrease, x = data$bme_similar, patient = data$patient)
  w <- vcf_boot_wild(y ~ x, fd, cluster = "patient", B = 999, seed = 4, threads = 1)
  expect_equal(rel$wcr_p, w$coefficients$p.value[2])
  expect_equal(c(rel$wcr_low, rel$wcr_high), unname(confint(w, "x")[1, ]))
  cr2 <- confint(vcf_boot_lm(y ~ x, fd, cluster = "patient", B = 20, type = "norm",
                             seed = 1), "x", type = "cr2")
  expect_equal(c(rel$cr2_low, rel$cr2_high), unname(cr2[1, ]))
  expect_equal(rel$cr2_df, unname(attr(cr2, "df")))
  expect_equal(rel$n_clusters_1, 3L)
  expect_match(rel$cluster_note, "fewer than 5 clusters in bme_similar = 1 \\(3 patients\\)")
  data$bme_similar <- d$bme
  rel <- vcfoutcomes:::relation_fits(data, "bme_similar", "vas_decrease", "0 to 3", ctl)
  expect_true(is.na(rel$cluster_note))
  expect_true(rel$n_clusters_1 >= 5 && rel$n_clusters_0 >= 5)
})

test_that("wild methods reject objects that are not well-formed fits with a classed error", {
  d <- wild_data(12, 31)
  fit <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 99, seed = 1)
  fake <- structure(list(a = 1), class = "vcf_wild")
  expect_error(coef(fake), class = "vcf_error_object")
  expect_error(vcov(fake), class = "vcf_error_object")
  expect_error(confint(fake), class = "vcf_error_object")
  expect_error(summary(fake), class = "vcf_error_object")
  expect_error(print(fake), class = "vcf_error_object")
  expect_error(tidy(fake), class = "vcf_error_object")
  expect_error(glance(fake), class = "vcf_error_object")
  expect_error(augment(fake), class = "vcf_error_object")
  damaged <- fit
  damaged$coefficients <- damaged$coefficients["term"]
  expect_error(print(damaged), class = "vcf_error_object")
  expect_error(tidy(fit, conf.level = 2), class = "vcf_error_argument")
  expect_error(tidy(fit, conf.int = NA), class = "vcf_error_argument")
  expect_s3_class(tidy(fit), "data.frame")
})

# The fast paths of src/wild.c against the plain ones ------------------------

wild_fit_internal <- function(f, d, B, variant, dist, seed, tables, weights_matrix = NULL,
                              null = 0, level = 0.95) {
  vcfoutcomes:::wild_fit(f, d, "patient", B, TRUE, variant, dist, null, level, seed, 1L,
                         NULL, weights_matrix, rlang::current_env(), tables = tables)
}

test_that("Rademacher sign tables equal the cluster loop (drawn, enumerated, given)", {
  cases <- list(list(G = 2, k = 1), list(G = 7, k = 2), list(G = 13, k = 3),
                list(G = 64, k = 2), list(G = 65, k = 4), list(G = 150, k = 5),
                list(G = 40, k = 6), list(G = 9, k = 3))
  for (i in seq_along(cases)) {
    G <- cases[[i]]$G
    k <- cases[[i]]$k
    set.seed(100 + i)
    n <- G + 25
    d <- data.frame(patient = c(seq_len(G), sample(G, 25, TRUE)))
    X <- matrix(stats::rnorm(n * 6), n, 6)
    d <- cbind(d, as.data.frame(X))
    d$y <- drop(X[, 1:2] %*% c(0.3, -0.2)) + stats::rnorm(n) + stats::rnorm(G)[d$patient]
    f <- if (k == 1) y ~ 1 else stats::reformulate(paste0("V", seq_len(k - 1)), "y")
    B <- if (G == 9) 512 else 499    # G = 9: all 2^9 sign patterns
    for (variant in c("wcr", "wcu")) {
      fast <- wild_fit_internal(f, d, B, variant, "rademacher", i, TRUE, null = 0.1)
      slow <- wild_fit_internal(f, d, B, variant, "rademacher", i, FALSE, null = 0.1)
      expect_equal(fast$enumerated, 2^G <= B)
      for (j in seq_along(fast$tests)) {
        a <- fast$tests[[j]]$stats
        b <- slow$tests[[j]]$stats
        # Q00, Q11 and the products are sums of squares: compare on their scale
        scale <- apply(abs(b), 1, max) + 1e-300
        expect_lt(max(abs(a - b) / scale), 1e-11)
      }
      expect_identical(fast$coefficients$p.value, slow$coefficients$p.value)
      se <- fast$coefficients$std.error
      expect_equal(fast$coefficients$conf.low / se, slow$coefficients$conf.low / se,
                   tolerance = 1e-8)
      expect_equal(fast$coefficients$conf.high / se, slow$coefficients$conf.high / se,
                   tolerance = 1e-8)
      # a +-1 weights matrix takes the tables too: the drawn fit reproduced
      W <- vcfoutcomes:::wild_weights(fast)
      given <- wild_fit_internal(f, d, nrow(W), variant, "rademacher", i, TRUE,
                                 weights_matrix = W, null = 0.1)
      expect_identical(given$tests[[1]]$stats, fast$tests[[1]]$stats)
    }
  }
})

test_that("the pruned interval search returns exactly what evaluating every replicate returns", {
  for (i in 1:12) {
    G <- c(3, 4, 6, 9, 12, 20, 33, 64, 64, 80, 17, 25)[i]
    d <- wild_data(G, 200 + i, extra = 5 + i)
    f <- if (i %% 3 == 0) relief ~ bme else relief ~ bme + age
    dist <- c("rademacher", "webb", "mammen", "normal")[i %% 4 + 1]
    variant <- if (i %% 5 == 0) "wcu" else "wcr"
    fit <- suppressWarnings(vcf_boot_wild(f, d, cluster = "patient", B = 1999, seed = i,
                                          dist = dist, variant = variant, threads = 1))
    for (run in fit$tests) {
      for (alpha in c(0.01, 0.05, 0.2, 0.5)) {
        pruned <- vcfoutcomes:::wild_ci(run, fit$adj, alpha, prune = TRUE)
        plain <- vcfoutcomes:::wild_ci(run, fit$adj, alpha, prune = FALSE)
        expect_identical(pruned, plain)
      }
    }
  }
})

test_that("at each reported end the bootstrap p-value is above 1 - level, just beyond it not", {
  for (i in 1:6) {
    d <- wild_data(c(8, 15, 30, 64, 64, 100)[i], 300 + i, extra = 20)
    dist <- if (i %% 2) "rademacher" else "webb"
    for (variant in c("wcr", "wcu")) {
      fit <- vcf_boot_wild(relief ~ bme + age, d, cluster = "patient", B = 9999, seed = i,
                           dist = dist, variant = variant, level = 0.9, threads = 1)
      for (j in seq_along(fit$tests)) {
        run <- fit$tests[[j]]
        ends <- unlist(fit$coefficients[j, c("conf.low", "conf.high")])
        if (!all(is.finite(ends))) next
        eps <- 1e-6 * fit$coefficients$std.error[j]
        p <- vcfoutcomes:::wild_pvalue(run, fit$adj, c(ends, ends[1] - eps, ends[2] + eps))
        expect_true(all(p[1:2] > 0.1))
        expect_true(all(p[3:4] <= 0.1))
      }
    }
  }
})
