# Wild cluster bootstrap (WCR/WCU) and CR2 cluster-robust inference for
# linear models: vcf_boot_wild() (also reached as vcf_boot_lm(method =
# "wild")), vcov(type = "CR2") and confint(type = "cr2"). R builds the
# design and the clusters' cross-products; src/wild.c computes the
# replicates' statistics, the p-values, the test-inversion intervals and
# CR2.

wild_dists <- c("rademacher", "webb", "mammen", "normal")
wild_variants <- c("wcr", "wcu")

# Arguments -----------------------------------------------------------------

check_wild_null <- function(null, p, names, call) {
  ok <- is.numeric(null) && length(null) %in% c(1L, p) && !anyNA(null) &&
    all(is.finite(null))
  if (!ok) {
    vcf_abort(c("{.arg null} must be finite numbers: one, or one per coefficient ({p}).",
                x = "It is {.val {format_arg(null)}}."),
              c("null", "argument"), call = call)
  }
  stats::setNames(rep_len(as.double(null), p), names)
}

check_weights_matrix <- function(weights_matrix, G, B, B_given, call) {
  ok <- is.matrix(weights_matrix) && is.numeric(weights_matrix) &&
    ncol(weights_matrix) == G && nrow(weights_matrix) >= 1L
  if (!ok) {
    shape <- if (is.matrix(weights_matrix))
      paste(nrow(weights_matrix), "x", ncol(weights_matrix)) else format_arg(weights_matrix)
    vcf_abort(c("{.arg weights_matrix} must be a numeric B x G matrix with one column per cluster (G = {G}).",
                x = "It is {shape}."),
              c("weights_matrix", "argument"), call = call)
  }
  bad <- which(!is.finite(weights_matrix))
  if (length(bad)) {
    vcf_abort(c("{.arg weights_matrix} must be finite.",
                x = "{length(bad)} value{?s} not finite, first {.val {weights_matrix[bad[1]]}}."),
              c("weights_matrix", "argument"), call = call)
  }
  if (B_given && B != nrow(weights_matrix)) {
    vcf_abort(c("{.arg B} must equal the number of rows of {.arg weights_matrix} when both are given.",
                x = "{.arg B} is {B}; {.arg weights_matrix} has {nrow(weights_matrix)} rows."),
              c("weights_matrix", "argument"), call = call)
  }
  storage.mode(weights_matrix) <- "double"
  weights_matrix
}

# The hypothesis "coefficient j = null" in the centred parametrisation of
# the cross-products (boot.R centres every non-intercept column and the
# response when the model has an intercept): slopes are unchanged; the
# intercept is t'b_c + shift_y with t = (1, -shift[-1]).
wild_contrast <- function(j, p, intercept, shift, shift_y) {
  R <- numeric(p)
  if (intercept && j == 1L) {
    R <- c(1, -shift[-1L])
    return(list(R = R, offset = shift_y))
  }
  R[j] <- 1
  list(R = R, offset = 0)
}

# The wild bootstrap ----------------------------------------------------------

#' Wild cluster bootstrap of a linear model
#'
#' Tests `H0: beta_j = null` for every coefficient of a least-squares fit
#' with the wild cluster bootstrap, restricted (WCR, the null imposed) or
#' unrestricted (WCU), and inverts the test into confidence intervals. Also
#' reached as `vcf_boot_lm(..., method = "wild")`.
#'
#' @section Which bootstrap:
#' The pairs cluster bootstrap ([vcf_boot_lm()], the default `method =
#' "pairs"`) redraws whole patients. It needs no model for the errors and
#' works well with many clusters of similar size, but with few clusters
#' (below about 30-50), very unequal cluster sizes, or a binary predictor
#' that is 1 in few clusters, many resamples lack the variation the
#' estimate rests on and its intervals under-cover. The wild cluster
#' bootstrap keeps the design fixed and flips the sign (or scales) each
#' cluster's residuals, so every replicate has the original predictors.
#' WCR with Rademacher or Webb weights is the recommended choice with few or
#' unequal clusters (Cameron, Gelbach and Miller 2008; MacKinnon and Webb
#' 2017; Roodman et al. 2019). With fewer than about 12 clusters prefer
#' Webb's six-point weights (Rademacher weights then give few distinct
#' replicates). CR2 intervals with Satterthwaite degrees of freedom
#' (`confint(fit, type = "cr2")`) are a fast analytic alternative with
#' similar small-sample behaviour (Bell and McCaffrey 2002; Pustejovsky and
#' Tipton 2018).
#'
#' @section Method:
#' The statistic is `t = (b_j - null) / se_j` with the CR1 cluster-robust
#' standard error (`G/(G-1) (N-1)/(N-k)` times the sandwich). A replicate
#' multiplies each cluster's residuals by one weight `v_g` and refits:
#' WCR uses the residuals of the fit restricted to `beta_j = null` and
#' centres the replicate statistic at `null`; WCU uses the unrestricted
#' residuals and centres it at `b_j`. The p-value is the share of the B
#' replicates with `|t*| >= |t|` (ties to 1e-10 relative count as at least
#' as extreme). Weights: Rademacher (+1 or -1), Webb's six points
#' (+-sqrt(1/2), +-1, +-sqrt(3/2)), Mammen's two points, or standard
#' normal. With Rademacher weights and `2^G <= B`, the 2^G sign patterns
#' are enumerated instead of drawn (`B` becomes 2^G; the p-value is then
#' exact and can be no smaller than `2 / 2^G`).
#'
#' The interval is the set of nulls r the test does not reject at `1 -
#' level` (p > 1 - level), found by bisection on the bootstrap p-value; it
#' is infinite on a side where no null is rejected (too few clusters for
#' the level). Each replicate is summarised by five numbers from which the
#' p-value of any null follows in O(B) (Roodman et al. 2019): a replicate
#' costs O(G k) after one pass over the rows, whatever n is.
#'
#' @section Reproducibility:
#' Replicate r draws its weights from random stream r of `seed`, as in
#' [vcf_boot_lm()], so results are bit-identical for any `threads`.
#' `weights_matrix` (B x G, one column per cluster in order of first
#' appearance in `data`) gives the weights instead.
#'
#' @inheritParams vcf_boot_lm
#' @param B Number of replicates (at most 10 million); with Rademacher
#'   weights and `2^G <= B` all 2^G sign patterns are used instead.
#' @param variant `"wcr"` (restricted, the default) or `"wcu"`.
#' @param dist Weight distribution: `"rademacher"`, `"webb"`, `"mammen"`
#'   or `"normal"`.
#' @param null Values of the coefficients under the null hypothesis: one
#'   number, or one per coefficient.
#' @param weights_matrix Optional B x G matrix of weights, one row per
#'   replicate and one column per cluster (clusters in order of first
#'   appearance).
#' @param parm Coefficients to test, by name or position; all by default.
#'   Each costs one pass over the replicates.
#' @return An object of class `vcf_wild`: a list with `coefficients` (a
#'   data frame with one row per tested coefficient: `term`, `estimate`, `std.error` (CR1), `null`,
#'   `statistic`, `p.value`, `conf.low`, `conf.high`), `B`, `enumerated`,
#'   `variant`, `dist`, `level`, `n_clusters`, `nobs` and `seed`. Methods:
#'   [coef()], [confint()] (`type = "wild"`, `"cr2"` or `"cr1"`), [vcov()]
#'   (`type = "CR1"` or `"CR2"`), `print()`, `summary()`, [tidy()],
#'   [glance()] and [augment()].
#' @references
#' Cameron, Gelbach and Miller (2008). Bootstrap-based improvements for
#' inference with clustered errors. Review of Economics and Statistics 90,
#' 414-427.
#'
#' Roodman, Nielsen, MacKinnon and Webb (2019). Fast and wild: bootstrap
#' inference in Stata using boottest. Stata Journal 19, 4-60.
#'
#' Pustejovsky and Tipton (2018). Small-sample methods for cluster-robust
#' variance estimation and hypothesis testing in fixed effects models.
#' Journal of Business and Economic Statistics 36, 672-683.
#' @examples
#' set.seed(1)
#' d <- data.frame(patient = rep(1:20, length.out = 30),
#'                 bme = rep(c(0, 1), 15), relief = rnorm(30, 3, 2))
#' fit <- vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = 999,
#'                      seed = 1, threads = 1)
#' fit
#' confint(fit)
#' confint(fit, type = "cr2")
#' @export
vcf_boot_wild <- function(formula, data, cluster = NULL, B = 9999,
                          variant = c("wcr", "wcu"),
                          dist = c("rademacher", "webb", "mammen", "normal"),
                          null = 0, level = 0.95, seed = NULL, threads = NULL,
                          weights = NULL, weights_matrix = NULL, parm = NULL) {
  call <- rlang::current_env()
  B_given <- !missing(B)
  if (is.null(weights_matrix) || B_given) B <- check_wild_B(B, call)
  variant <- check_choice(variant, wild_variants, "variant", call)
  dist <- check_choice(dist, wild_dists, "dist", call)
  level <- check_boot_level(level, call)
  seed <- check_boot_seed(seed, call)
  threads <- check_boot_threads(threads, call)
  wild_fit(formula, data, cluster, B, B_given, variant, dist, null, level,
           seed, threads, weights, weights_matrix, call, parm)
}

check_wild_B <- function(B, call) {
  check_number(B, "B", min = 2, max = 1e7, integer = TRUE, call = call)
  as.integer(B)
}

check_choice <- function(x, choices, arg, call) {
  if (is.character(x) && length(x) == length(choices) && identical(x, choices)) {
    return(choices[1L])
  }
  check_string(x, arg, choices = choices, call = call)
  x
}

# `tables = FALSE` turns off the Rademacher sign tables of src/wild.c (the
# tests hold them to the cluster loop).
wild_fit <- function(formula, data, cluster, B, B_given, variant, dist, null,
                     level, seed, threads, weights, weights_matrix, call,
                     parm = NULL, tables = TRUE) {
  design <- boot_design(formula, data, cluster, NULL, weights, call)
  ols <- boot_qr_fit(design, call)
  units <- boot_units(design, call)
  X <- design$X
  p <- ncol(X)
  G <- units$n_units
  if (G < 2L) {
    vcf_abort(c("The wild cluster bootstrap needs two clusters or more.",
                x = "{.arg cluster} has one cluster."),
              c("too_few_clusters", "input"), call = call)
  }
  null <- check_wild_null(null, p, colnames(X), call)
  tested <- match(check_parm(parm, colnames(X), call), colnames(X))
  enumerated <- FALSE
  if (!is.null(weights_matrix)) {
    weights_matrix <- check_weights_matrix(weights_matrix, G, B, B_given, call)
    B <- nrow(weights_matrix)
    seed <- NA_real_
  } else {
    if (dist == "rademacher" && G <= 30L && 2^G <= B) {
      B <- as.integer(2^G)
      enumerated <- TRUE
    }
    if (is.null(seed)) seed <- boot_draw_seed()
  }
  intercept <- attr(design$terms, "intercept") == 1L &&
    colnames(X)[1L] == "(Intercept)"
  shift <- if (intercept) c(0, colMeans(X[, -1L, drop = FALSE])) else numeric(p)
  shift_y <- if (intercept) mean(design$y) else 0
  S <- .Call(C_boot_unit_sums, X, design$y, design$weights, units$unit, G,
             shift, shift_y, FALSE)
  n_used <- if (is.null(design$weights)) length(design$y) else sum(design$weights > 0)
  adj <- G / (G - 1) * (n_used - 1) / (n_used - p)
  restricted <- variant == "wcr"
  wtype <- match(dist, wild_dists) - 1L
  thr <- if (is.null(threads)) 0L else threads
  if (is.null(threads) && as.double(B) * G * p < 2e6) thr <- 1L
  alpha <- 1 - level
  tests <- lapply(tested, function(j) {
    h <- wild_contrast(j, p, intercept, shift, shift_y)
    run <- .Call(C_boot_wild_stats, S, p, h$R, restricted, wtype, as.double(B),
                 boot_seed_halves(if (is.na(seed)) 0 else seed), enumerated,
                 weights_matrix, adj, thr, tables)
    run$offset <- h$offset
    run
  })
  est <- ols$coef
  # one p-value and one interval per tested coefficient, then one data frame
  se <- vapply(tests, `[[`, numeric(1), "se")
  pv <- vapply(seq_along(tested), function(i)
    wild_pvalue(tests[[i]], adj, null[[tested[[i]]]]), numeric(1))
  ci <- vapply(tests, wild_ci, numeric(2), adj = adj, alpha = alpha)
  coefs <- data.frame(term = colnames(X)[tested], estimate = unname(est[tested]),
                      std.error = se, null = unname(null[tested]),
                      statistic = unname(est[tested] - null[tested]) / se,
                      p.value = pv, conf.low = ci[1L, ], conf.high = ci[2L, ],
                      stringsAsFactors = FALSE)
  structure(list(
    coefficients = coefs, t0 = stats::setNames(est, colnames(X)),
    tests = tests, adj = adj, B = B, enumerated = enumerated,
    weights_matrix = weights_matrix,
    variant = variant, dist = dist, level = level, n_clusters = G,
    nobs = length(design$y), seed = seed, threads = threads,
    formula = formula, terms = design$terms, call = match.call(),
    ols = boot_model_data(design, units, ols)),
    class = "vcf_wild")
}

# Internal API (used by the tests and by audits of a fit): the B x G
# matrix of weights a fit used, replicate by replicate, clusters in order
# of first appearance.
wild_weights <- function(fit) {
  if (!is.null(fit$weights_matrix)) return(fit$weights_matrix)
  .Call(C_boot_wild_weights, match(fit$dist, wild_dists) - 1L,
        as.integer(fit$n_clusters), as.double(fit$B),
        boot_seed_halves(if (is.na(fit$seed)) 0 else fit$seed), fit$enumerated)
}

# Bootstrap p-values of the nulls r of one coefficient.
wild_pvalue <- function(run, adj, r) {
  .Call(C_boot_wild_pvalue, run$stats, run$theta, run$sigma, run$se, adj,
        as.double(r) - run$offset)
}

# The test-inversion interval of one coefficient at level 1 - alpha;
# prune = FALSE is the plain search the pruned one must equal (tests).
wild_ci <- function(run, adj, alpha, prune = TRUE) {
  .Call(C_boot_wild_ci, run$stats, run$theta, run$sigma, run$se, adj, alpha,
        prune) + run$offset
}

# What CR2, augment() and the methods need of a fit: design, response,
# weights, clusters (units) and the QR fit.
boot_model_data <- function(design, units, ols) {
  list(X = design$X, y = design$y, weights = design$weights,
       unit = units$unit, n_units = units$n_units, keep = design$keep,
       n_data = design$n_data, xlevels = design$xlevels,
       coef = ols$coef, residuals = ols$residuals,
       cov_unscaled = ols$cov_unscaled)
}

# The full-sample fit (pivoted QR, rank detection); a rank-deficient design
# is an error naming the aliased columns.
boot_qr_fit <- function(design, call) {
  X <- design$X
  bad <- which(!is.finite(design$y))
  if (length(bad)) {
    vcf_abort(c("The response of {.arg formula} must be finite.",
                x = "Not finite at {describe_rows(design$keep[bad], design$y[bad])}."),
              c("not_finite", "input"), call = call)
  }
  bad_cells <- which(!is.finite(X), arr.ind = TRUE)
  if (length(bad_cells)) {
    cols <- unique(colnames(X)[bad_cells[, 2L]])
    rows <- sort(unique(bad_cells[, 1L]))
    vcf_abort(c("The predictors of {.arg formula} must be finite.",
                x = "{.val {cols}} not finite at {describe_rows(design$keep[rows])}."),
              c("not_finite", "input"), call = call)
  }
  storage.mode(X) <- "double"
  fit <- .Call(C_boot_qr, X, design$y, design$weights, 1e-7)
  if (fit$rank < ncol(X)) {
    aliased <- colnames(X)[fit$pivot[-seq_len(fit$rank)]]
    vcf_abort(c("The design matrix of {.arg formula} is rank-deficient in {.arg data}.",
                x = "Aliased {cli::qty(length(aliased))}coefficient{?s}: {.val {aliased}}."),
              c("rank_deficient", "input"), call = call)
  }
  fit$coef <- stats::setNames(fit$coef, colnames(X))
  fit
}

# CR2 ----------------------------------------------------------------------------

# CR2 covariance and Satterthwaite df of a fit's `model` (boot_model_data).
boot_cr2 <- function(model, call = rlang::caller_env()) {
  if (!is.null(model$weights)) {
    vcf_abort(c("CR2 is implemented for unweighted fits only.",
                i = "Refit without {.arg weights}, or use {.code type = \"CR1\"}."),
              c("cr2_weights", "argument"), call = call)
  }
  sizes <- tabulate(model$unit, model$n_units)
  if (max(sizes) > 5000L) {
    vcf_abort(c("CR2 needs an eigen-decomposition per cluster; clusters must have at most 5000 rows.",
                x = "The largest has {max(sizes)}."),
              c("cr2_size", "input"), call = call)
  }
  ord <- order(model$unit) - 1L
  off <- c(0L, cumsum(sizes))
  out <- .Call(C_boot_cr2, model$X, model$residuals, as.integer(ord),
               as.integer(off), model$cov_unscaled)
  dimnames(out$vcov) <- list(colnames(model$X), colnames(model$X))
  names(out$df) <- colnames(model$X)
  out
}

# CR1 covariance: G/(G-1) (N-1)/(N-k) M [sum_g s_g s_g'] M.
boot_cr1 <- function(model) {
  X <- model$X
  w <- if (is.null(model$weights)) 1 else model$weights
  scores <- rowsum(X * (w * model$residuals), model$unit, reorder = FALSE)
  G <- model$n_units
  N <- if (is.null(model$weights)) nrow(X) else sum(model$weights > 0)
  k <- ncol(X)
  M <- model$cov_unscaled
  V <- M %*% crossprod(scores) %*% M * (G / (G - 1) * (N - 1) / (N - k))
  dimnames(V) <- list(colnames(X), colnames(X))
  V
}

# Analytic intervals: CR2 with Satterthwaite df, or CR1 with G - 1 df.
boot_analytic_ci <- function(model, type, level, call) {
  est <- model$coef
  if (type == "cr2") {
    cr <- boot_cr2(model, call)
    se <- sqrt(diag(cr$vcov))
    df <- cr$df
  } else {
    se <- sqrt(diag(boot_cr1(model)))
    df <- rep(model$n_units - 1, length(est))
  }
  q <- stats::qt((1 + level) / 2, df)
  list(estimate = est, se = se, df = df, lower = est - q * se, upper = est + q * se)
}

ci_matrix <- function(lower, upper, terms, level) {
  alpha <- (1 - level) / 2
  out <- cbind(lower, upper)
  dimnames(out) <- list(terms, paste(format(100 * c(alpha, 1 - alpha), trim = TRUE,
                                            scientific = FALSE, digits = 3), "%"))
  out
}

check_parm <- function(parm, terms, call) {
  if (missing(parm) || is.null(parm)) return(terms)
  ok <- (is.numeric(parm) && !anyNA(parm) && all(parm >= 1 & parm <= length(terms)) &&
           all(parm == round(parm))) ||
    (is.character(parm) && !anyNA(parm) && all(parm %in% terms))
  if (!ok || !length(parm)) {
    vcf_abort(c("{.arg parm} must name coefficients or give their positions.",
                i = "Coefficients: {.val {terms}}.",
                x = "It is {.val {format_arg(parm)}}."),
              c("parm", "argument"), call = call)
  }
  if (is.numeric(parm)) terms[parm] else parm
}

# Methods of vcf_wild -----------------------------------------------------------

# The parts of a vcf_wild fit its methods read.
wild_fit_parts <- list(
  t0 = function(v) is.numeric(v) && length(v) >= 1L && !is.null(names(v)),
  coefficients = function(v) is.data.frame(v) &&
    all(c("term", "estimate", "std.error", "null", "statistic", "p.value", "conf.low",
          "conf.high") %in% names(v)),
  tests = is.list,
  level = function(v) is.numeric(v) && length(v) == 1L && !is.na(v) && v > 0 && v < 1,
  B = function(v) is.numeric(v) && length(v) == 1L,
  n_clusters = function(v) is.numeric(v) && length(v) == 1L && !is.na(v),
  nobs = function(v) is.numeric(v) && length(v) == 1L,
  variant = function(v) is.character(v) && length(v) == 1L,
  dist = function(v) is.character(v) && length(v) == 1L,
  enumerated = function(v) is.logical(v) && length(v) == 1L && !is.na(v),
  ols = is.list)

check_wild_fit <- function(x, arg = "x", call = rlang::caller_env()) {
  check_object(x, "vcf_wild", wild_fit_parts, arg, "vcf_boot_wild", call)
}

#' Methods for wild cluster bootstrap fits
#'
#' @param object,x A `vcf_wild` object from [vcf_boot_wild()].
#' @param parm Coefficients, by name or position; all by default.
#' @param level,conf.level Confidence level.
#' @param type `confint()`: `"wild"` (test inversion, the default), `"cr2"`
#'   (CR2 with Satterthwaite degrees of freedom) or `"cr1"` (CR1 with G - 1
#'   degrees of freedom). `vcov()`: `"CR1"` (default) or `"CR2"`.
#' @param conf.int Whether `tidy()` adds intervals.
#' @param data,newdata For `augment()`: the data to add columns to (the
#'   fit's rows by default), or new data to predict.
#' @param ... Unused.
#' @return `coef()`: the estimates. `confint()`: a matrix of interval
#'   limits. `vcov()`: the cluster-robust covariance (with attribute `df`
#'   for CR2: Satterthwaite degrees of freedom per coefficient). `tidy()`:
#'   one row per coefficient with `term`, `estimate`, `std.error` (CR1),
#'   `null`, `statistic`, `p.value` (wild bootstrap), `conf.low`,
#'   `conf.high`, `conf.level`, `conf.method`. `glance()`: one row
#'   describing the bootstrap. `augment()`: the data with `.fitted` and
#'   `.resid` (and `.cluster`).
#' @name vcf_wild-methods
NULL

#' @rdname vcf_wild-methods
#' @export
coef.vcf_wild <- function(object, ...) {
  check_wild_fit(object, "object")
  object$t0
}

#' @rdname vcf_wild-methods
#' @export
vcov.vcf_wild <- function(object, type = c("CR1", "CR2"), ...) {
  check_wild_fit(object, "object")
  type <- check_choice(type, c("CR1", "CR2"), "type", rlang::current_env())
  if (type == "CR1") return(boot_cr1(object$ols))
  cr <- boot_cr2(object$ols)
  structure(cr$vcov, df = cr$df)
}

#' @rdname vcf_wild-methods
#' @export
confint.vcf_wild <- function(object, parm, level = object$level,
                             type = c("wild", "cr2", "cr1"), ...) {
  call <- rlang::current_env()
  check_wild_fit(object, "object", call)
  level <- check_boot_level(level, call)
  type <- check_choice(type, c("wild", "cr2", "cr1"), "type", call)
  terms <- names(object$t0)
  if (type == "wild") {
    tested <- object$coefficients$term
    parm <- check_parm(if (missing(parm)) NULL else parm, tested, call)
    at <- match(parm, tested)
    if (isTRUE(all.equal(level, object$level))) {
      lower <- object$coefficients$conf.low[at]
      upper <- object$coefficients$conf.high[at]
    } else {
      ends <- vapply(object$tests[at], wild_ci, numeric(2), adj = object$adj,
                     alpha = 1 - level)
      lower <- ends[1L, ]
      upper <- ends[2L, ]
    }
  } else {
    parm <- check_parm(if (missing(parm)) NULL else parm, terms, call)
    at <- match(parm, terms)
    ci <- boot_analytic_ci(object$ols, type, level, call)
    lower <- ci$lower[at]
    upper <- ci$upper[at]
  }
  out <- ci_matrix(lower, upper, parm, level)
  attr(out, "type") <- type
  out
}

#' @export
print.vcf_wild <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  check_wild_fit(x)
  cat("<vcf_wild> Wild cluster bootstrap of a linear model\n")
  cat("Formula:    ", paste(deparse(x$formula), collapse = " "), "\n", sep = "")
  cat("Bootstrap:  ", wild_describe(x), "\n", sep = "")
  cf <- x$coefficients
  tab <- cbind(Estimate = cf$estimate, "CR1 SE" = cf$std.error, Null = cf$null,
               t = cf$statistic, "Boot p" = cf$p.value, cf$conf.low, cf$conf.high)
  alpha <- (1 - x$level) / 2
  colnames(tab)[6:7] <- paste(format(100 * c(alpha, 1 - alpha), trim = TRUE,
                                     scientific = FALSE, digits = 3), "%")
  rownames(tab) <- cf$term
  print(format(tab, digits = digits), quote = FALSE, right = TRUE)
  if (x$n_clusters < 12L) {
    cat("Note: ", x$n_clusters, " clusters; with fewer than about 12, prefer dist = \"webb\".\n",
        sep = "")
  }
  invisible(x)
}

wild_describe <- function(x) {
  paste0(toupper(x$variant), ", ", x$dist, " weights, ",
         if (x$enumerated) paste0("all ", x$B, " sign patterns") else
           paste0("B = ", x$B),
         ", ", x$n_clusters, " clusters, ", x$nobs, " rows; ",
         format(100 * x$level), "% intervals by test inversion")
}

#' @export
summary.vcf_wild <- function(object, ...) {
  check_wild_fit(object, "object")
  cr2 <- boot_analytic_ci(object$ols, "cr2", object$level, rlang::current_env())
  cr2_tab <- data.frame(term = names(cr2$estimate), estimate = unname(cr2$estimate),
                        std.error = unname(cr2$se), df = unname(cr2$df),
                        conf.low = unname(cr2$lower), conf.high = unname(cr2$upper),
                        stringsAsFactors = FALSE)
  structure(list(fit = object, cr2 = cr2_tab), class = "summary.vcf_wild")
}

#' @export
print.summary.vcf_wild <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  print(x$fit, digits = digits)
  cat("\nCR2 (Satterthwaite df) ", format(100 * x$fit$level), "% intervals:\n", sep = "")
  tab <- as.matrix(x$cr2[-1L])
  rownames(tab) <- x$cr2$term
  print(format(tab, digits = digits), quote = FALSE, right = TRUE)
  invisible(x)
}

#' @rdname vcf_wild-methods
#' @method tidy vcf_wild
#' @export
tidy.vcf_wild <- function(x, conf.int = TRUE, conf.level = x$level,
                          type = c("wild", "cr2", "cr1"), ...) {
  call <- rlang::current_env()
  check_wild_fit(x, "x", call)
  check_flag(conf.int, "conf.int", call = call)
  type <- check_choice(type, c("wild", "cr2", "cr1"), "type", call)
  if (conf.int) conf.level <- check_boot_level(conf.level, call)
  out <- x$coefficients[c("term", "estimate", "std.error", "null", "statistic",
                          "p.value")]
  if (!conf.int) return(out)
  ci <- stats::confint(x, parm = out$term, level = conf.level, type = type)
  out$conf.low <- unname(ci[, 1L])
  out$conf.high <- unname(ci[, 2L])
  out$conf.level <- conf.level
  out$conf.method <- type
  out
}

#' @rdname vcf_wild-methods
#' @method glance vcf_wild
#' @export
glance.vcf_wild <- function(x, ...) {
  check_wild_fit(x)
  data.frame(nobs = x$nobs, n_clusters = x$n_clusters, variant = x$variant,
             dist = x$dist, B = x$B, enumerated = x$enumerated, level = x$level,
             seed = x$seed, stringsAsFactors = FALSE)
}

#' @rdname vcf_wild-methods
#' @method augment vcf_wild
#' @export
augment.vcf_wild <- function(x, data = NULL, newdata = NULL, ...) {
  check_wild_fit(x)
  boot_augment(x$ols, x$terms, data, newdata, rlang::current_env())
}

# augment() for both fit classes: `.fitted`, `.resid` and `.cluster` for the
# fit's rows (or `data`, with NA on rows the model frame dropped), or
# `.fitted` for `newdata`.
boot_augment <- function(model, terms, data, newdata, call, extra = NULL) {
  if (!is.null(data) && !is.null(newdata)) {
    vcf_abort("Give {.arg data} or {.arg newdata}, not both.", "argument", call = call)
  }
  coef <- model$coef
  if (!is.null(newdata)) {
    if (!is.data.frame(newdata)) {
      vcf_abort(c("{.arg newdata} must be a data frame.", x = "It is {.val {format_arg(newdata)}}."),
                c("type", "argument"), call = call)
    }
    tt <- stats::delete.response(terms)
    mf <- tryCatch(stats::model.frame(tt, newdata, na.action = stats::na.pass,
                                      xlev = model$xlevels),
                   error = function(e) vcf_abort(c("{.arg newdata} does not fit the model.",
                                                   x = conditionMessage(e)),
                                                 c("newdata", "argument"), call = call))
    X <- stats::model.matrix(tt, mf, xlev = model$xlevels)
    out <- newdata
    out$.fitted <- drop(X %*% coef)
    return(out)
  }
  fitted <- drop(model$X %*% coef)
  if (is.null(data)) {
    out <- as.data.frame(model$X)
    out$.fitted <- fitted
    out$.resid <- model$residuals
    out$.cluster <- model$unit
    return(out)
  }
  if (!is.data.frame(data) || nrow(data) != model$n_data) {
    vcf_abort(c("{.arg data} must be the data frame the model was fitted to ({model$n_data} rows).",
                x = "It is {.val {format_arg(data)}}{if (is.data.frame(data)) paste0(' with ', nrow(data), ' rows') else ''}."),
              c("data", "argument"), call = call)
  }
  out <- data
  out$.fitted <- NA_real_
  out$.resid <- NA_real_
  out$.cluster <- NA_integer_
  out$.fitted[model$keep] <- fitted
  out$.resid[model$keep] <- model$residuals
  out$.cluster[model$keep] <- model$unit
  out
}
