# Bootstrapped linear regression: vcf_boot_lm() and its methods.
#
# R builds the design (model.frame/model.matrix, the resampling units and
# strata) and computes the intervals; src/boot.c draws the resamples and
# solves each replicate's least squares from cross-products (src/ols.c),
# with one random stream per replicate (src/rng.c).

# Arguments --------------------------------------------------------------------

boot_types <- c("perc", "basic", "norm", "bca", "stud")

boot_type_labels <- c(perc = "percentile", basic = "basic", norm = "normal",
                      bca = "BCa", stud = "studentized")

check_boot_B <- function(B, call = rlang::caller_env()) {
  check_number(B, "B", min = 2, max = .Machine$integer.max, integer = TRUE,
               call = call)
  as.integer(B)
}

check_boot_type <- function(type, call = rlang::caller_env()) {
  ok <- is.character(type) && length(type) >= 1L && !anyNA(type) &&
    all(type %in% boot_types) && !anyDuplicated(type)
  if (!ok) {
    shown <- if (is.character(type)) unique(setdiff(type, boot_types)) else character()
    vcf_abort(c("{.arg type} must be one or more of {.val {boot_types}}, without repeats.",
                x = if (length(shown)) "Unknown: {show_values(shown)}." else
                  "It is {.val {format_arg(type)}}."),
              c("type", "argument"), call = call)
  }
  type
}

check_boot_level <- function(level, call = rlang::caller_env()) {
  # at least 1e-15, so that 1 - level is below 1 (1 - 1e-300 is 1 in double)
  ok <- is.numeric(level) && length(level) == 1L && !is.na(level) &&
    level >= 1e-15 && level < 1
  if (!ok) {
    vcf_abort(c("{.arg level} must be a number strictly between 0 and 1 (at least 1e-15).",
                x = "It is {.val {format_arg(level)}}."),
              "argument", call = call)
  }
  as.double(level)
}

check_boot_seed <- function(seed, call = rlang::caller_env()) {
  if (is.null(seed)) return(NULL)
  check_number(seed, "seed", min = 0, max = 2^53, integer = TRUE, call = call)
  as.double(seed)
}

check_boot_threads <- function(threads, call = rlang::caller_env()) {
  if (is.null(threads)) {
    check_threads_option(call)
    return(NULL)
  }
  check_number(threads, "threads", min = 1, max = 1024, integer = TRUE,
               call = call)
  as.integer(threads)
}

# The option vcfoutcomes.threads, when set, must be a whole number >= 1.
check_threads_option <- function(call = rlang::caller_env()) {
  opt <- getOption("vcfoutcomes.threads")
  if (is.null(opt)) return(invisible(NULL))
  ok <- is.numeric(opt) && length(opt) == 1L && !is.na(opt) && opt >= 1 &&
    opt <= 1e6 && opt == round(opt)
  if (!ok) {
    vcf_abort(c("The option {.code vcfoutcomes.threads} must be a whole number >= 1 or unset.",
                x = "It is {.val {format_arg(opt)}}.",
                i = "Reset it with {.code options(vcfoutcomes.threads = NULL)}."),
              c("option", "argument"), call = call)
  }
  invisible(as.integer(opt))
}

#' Number of threads a call uses
#'
#' The number of OpenMP threads that a function with a `threads` argument
#' (such as [vcf_boot_lm()]) uses: `threads` when given, else the option
#' `vcfoutcomes.threads`, else all that OpenMP offers; capped by the
#' `OMP_THREAD_LIMIT` environment variable (see [vcfoutcomes-package]).
#' Results never depend on it.
#'
#' @param threads `NULL` (the default count) or a whole number >= 1.
#' @return An integer, 1 when the package was built without OpenMP.
#' @examples
#' vcf_threads()
#' old <- options(vcfoutcomes.threads = 1)
#' vcf_threads()
#' options(old)
#' @export
vcf_threads <- function(threads = NULL) {
  threads <- check_boot_threads(threads)
  .Call(C_boot_threads, if (is.null(threads)) 0L else threads)
}

#' Settings of the bootstrap
#'
#' Validates the bootstrap settings shared by [vcf_boot_lm()] and the
#' analyses that call it, so that a bad setting fails before any work.
#'
#' @inheritParams vcf_boot_lm
#' @return A list of class `vcf_boot_control` with elements `B` (integer),
#'   `type`, `level`, `seed` (`NULL` or a whole number) and `threads`
#'   (`NULL` or an integer).
#' @examples
#' vcf_boot_control(B = 999, type = c("bca", "perc"), seed = 1)
#' @export
vcf_boot_control <- function(B = 2000, type = "bca", level = 0.95, seed = NULL,
                             threads = NULL) {
  structure(list(B = check_boot_B(B), type = check_boot_type(type),
                 level = check_boot_level(level), seed = check_boot_seed(seed),
                 threads = check_boot_threads(threads)),
            class = "vcf_boot_control")
}

#' @export
print.vcf_boot_control <- function(x, ...) {
  cat("<vcf_boot_control> B = ", x$B, ", type = ",
      paste(x$type, collapse = ", "), ", level = ", x$level, ", seed = ",
      if (is.null(x$seed)) "NULL (from set.seed())" else format(x$seed, digits = 16),
      ", threads = ", if (is.null(x$threads)) "default" else x$threads, "\n",
      sep = "")
  invisible(x)
}

# A cluster, strata or weights argument: a column name, a one-sided formula
# or a vector with one value per row of `data`.
boot_variable <- function(x, data, arg, call) {
  if (is.null(x)) return(NULL)
  if (inherits(x, "formula")) {
    if (length(x) != 2L) {
      vcf_abort("{.arg {arg}} must be a one-sided formula such as {.code ~ patient}.",
                "argument", call = call)
    }
    unknown <- setdiff(all.vars(x), names(data))
    if (length(unknown)) {
      vcf_abort(c("{.arg {arg}} names {cli::qty(unknown)}{?a column/columns} not in {.arg data}: {.val {unknown}}.",
                  i = "Columns of {.arg data}: {.val {names(data)}}."),
                c("unknown_column", "input"), call = call)
    }
    x <- eval(x[[2L]], data, environment(x))
  } else if (is.character(x) && length(x) == 1L && nrow(data) != 1L) {
    if (!x %in% names(data)) {
      vcf_abort(c("{.arg {arg}} names a column not in {.arg data}: {.val {x}}.",
                  i = "Columns of {.arg data}: {.val {names(data)}}."),
                c("unknown_column", "input"), call = call)
    }
    x <- data[[x]]
  }
  if (!is.atomic(x) && !is.factor(x) || length(x) != nrow(data)) {
    vcf_abort(c("{.arg {arg}} must be a column name, a one-sided formula or a vector with one value per row of {.arg data} ({nrow(data)}).",
                x = "It has length {length(x)}."),
              c("length", "argument"), call = call)
  }
  if (anyNA(x)) {
    bad <- which(is.na(x))
    vcf_abort(c("{.arg {arg}} must not contain missing values.",
                x = "Missing at {describe_rows(bad)}."),
              c("missing_value", "argument"), call = call)
  }
  x
}

# The design: model frame, matrix, units and strata ---------------------------

boot_design <- function(formula, data, cluster, strata, weights, call) {
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    vcf_abort(c("{.arg formula} must be a two-sided formula such as {.code y ~ x}.",
                x = "It is {.val {format_arg(formula)}}."),
              "argument", call = call)
  }
  if (!is.data.frame(data)) {
    vcf_abort(c("{.arg data} must be a data frame.",
                x = "It is {.val {format_arg(data)}}."),
              c("type", "argument"), call = call)
  }
  unknown <- setdiff(all.vars(formula), c(names(data), "."))
  if (length(unknown)) {
    vcf_abort(c("{.arg formula} names {cli::qty(unknown)}{?a column/columns} not in {.arg data}: {.val {unknown}}.",
                i = "Columns of {.arg data}: {.val {names(data)}}."),
              c("unknown_column", "input"), call = call)
  }
  cluster <- boot_variable(cluster, data, "cluster", call)
  strata <- boot_variable(strata, data, "strata", call)
  weights <- boot_variable(weights, data, "weights", call)
  if (!is.null(weights) && (!is.numeric(weights) || any(!is.finite(weights)) ||
                            any(weights < 0) || all(weights == 0))) {
    vcf_abort("{.arg weights} must be finite, non-negative and not all zero.",
              c("range", "argument"), call = call)
  }

  mf <- tryCatch(stats::model.frame(formula, data = data, na.action = stats::na.omit,
                                    drop.unused.levels = TRUE),
                 error = function(e) {
                   vcf_abort(c("{.arg formula} cannot be evaluated in {.arg data}.",
                               x = "{conditionMessage(e)}"),
                             c("formula", "input"), call = call)
                 })
  if (!is.null(stats::model.offset(mf))) {
    vcf_abort("{.arg formula} must not contain an offset.", "argument",
              call = call)
  }
  dropped <- attr(mf, "na.action")
  keep <- if (is.null(dropped)) seq_len(nrow(data)) else
    seq_len(nrow(data))[-as.integer(dropped)]
  y <- stats::model.response(mf)
  if (!is.numeric(y) || !is.null(dim(y)) && NCOL(y) > 1L) {
    vcf_abort("The response of {.arg formula} must be a numeric vector.",
              c("type", "input"), call = call)
  }
  terms <- attr(mf, "terms")
  X <- tryCatch(stats::model.matrix(terms, mf), error = function(e) {
    vcf_abort(c("The design matrix of {.arg formula} cannot be built.",
                x = "{conditionMessage(e)}"),
              c("formula", "input"), call = call)
  })
  n <- nrow(X)
  p <- ncol(X)
  if (p == 0L) {
    vcf_abort("{.arg formula} must have at least one coefficient.",
              "argument", call = call)
  }
  if (n < p || n == p) {
    vcf_abort(c("{.arg data} must have more complete rows than coefficients.",
                x = "It has {n} complete row{?s} for {p} coefficient{?s}."),
              c("too_few_rows", "input"), call = call)
  }
  list(X = X, y = as.double(y), terms = terms, keep = keep, n_data = nrow(data),
       cluster = if (!is.null(cluster)) cluster[keep],
       strata = if (!is.null(strata)) strata[keep],
       strata_data = strata,
       weights = if (!is.null(weights)) as.double(weights[keep]),
       xlevels = stats::.getXlevels(terms, mf))
}

# Resampling units (rows or clusters), numbered so that each stratum's units
# are contiguous; strata_off[h] .. strata_off[h + 1] - 1 (0-based) are the
# units of stratum h.
boot_units <- function(design, call) {
  n <- length(design$y)
  unit <- if (is.null(design$cluster)) seq_len(n) else
    match(design$cluster, unique(design$cluster))
  n_units <- max(unit)
  if (is.null(design$strata)) {
    return(list(unit = unit, n_units = n_units, strata_off = c(0L, n_units),
                unit_stratum = rep(1L, n_units)))
  }
  stratum <- match(design$strata, unique(design$strata))
  unit_stratum <- stratum[!duplicated(unit)]       # units in order 1..U
  split_units <- unit_stratum[unit] != stratum
  if (any(split_units)) {
    bad <- unique(design$cluster[split_units])
    # (plural words chosen here: cli would take the values as the quantity)
    what <- paste0(if (length(bad) == 1L) "Cluster " else "Clusters ",
                   paste(format_values(utils::head(bad, 5L)), collapse = ", "),
                   if (length(bad) > 5L) paste0(" (", length(bad), " in all)"),
                   if (length(bad) == 1L) " spans" else " span")
    vcf_abort(c("Every cluster must lie within one stratum.",
                x = "{what} several strata."),
              c("nesting", "input"), call = call)
  }
  order_units <- order(unit_stratum, seq_len(n_units))
  renumber <- integer(n_units)
  renumber[order_units] <- seq_len(n_units)
  list(unit = renumber[unit], n_units = n_units,
       strata_off = c(0L, cumsum(tabulate(unit_stratum, max(unit_stratum)))),
       unit_stratum = unit_stratum[order_units])
}

check_boot_indices <- function(indices, n_data, B, B_given, call) {
  ok <- is.matrix(indices) && is.numeric(indices) && ncol(indices) == n_data &&
    nrow(indices) >= 2L
  if (!ok) {
    shape <- if (is.matrix(indices)) paste(nrow(indices), "x", ncol(indices)) else
      format_arg(indices)
    vcf_abort(c("{.arg indices} must be a numeric B x n matrix with B >= 2 and n = nrow(data) = {n_data}, like {.code boot::boot.array(b, indices = TRUE)}.",
                x = "It is {shape}."),
              c("indices", "argument"), call = call)
  }
  bad <- which(is.na(indices) | indices < 1 | indices > n_data |
                 indices != round(indices))
  if (length(bad)) {
    vcf_abort(c("{.arg indices} must hold row numbers of {.arg data}, whole numbers in [1, {n_data}].",
                x = "{length(bad)} value{?s} out of range, first {.val {indices[bad[1]]}}."),
              c("indices", "argument"), call = call)
  }
  if (B_given && B != nrow(indices)) {
    vcf_abort(c("{.arg B} must equal the number of rows of {.arg indices} when both are given.",
                x = "{.arg B} is {B}; {.arg indices} has {nrow(indices)} rows."),
              c("indices", "argument"), call = call)
  }
  storage.mode(indices) <- "integer"
  indices
}

# The engine -------------------------------------------------------------------

# Seed as the two 32-bit halves that C joins into one 64-bit integer.
boot_seed_halves <- function(seed) {
  hi <- floor(seed / 2^32)
  c(hi, seed - hi * 2^32)
}

# Replicates first..last of a prepared model (see vcf_boot_lm's body):
# replicate r always uses random stream r, so any split into chunks, run in
# any process, gives the same replicates as one run.
boot_run <- function(model, first, last, threads = NULL, indices = NULL) {
  .Call(C_boot_run, model$S, model$p, model$extras, model$shift,
        model$shift_y, model$intercept, model$se_mode, model$strata_off,
        boot_seed_halves(model$seed), as.double(first), as.double(last),
        if (is.null(threads)) 0L else as.integer(threads), indices)
}

# All B replicates, in chunks with progress (progressr) for long runs.
boot_run_all <- function(model, B, threads, indices) {
  work <- as.double(B) * model$n_draws * model$q
  # Small runs take a few ms on one thread, less than starting and syncing a
  # team costs on a busy machine; results do not depend on threads.
  if (is.null(threads) && as.double(B) * model$n_draws < 5e6) threads <- 1L
  n_chunks <- if (is.null(indices) && work > 5e8) min(50L, ceiling(work / 2e8)) else 1L
  if (n_chunks == 1L) return(boot_run(model, 1, B, threads, indices))
  edges <- unique(round(seq(0, B, length.out = n_chunks + 1L)))
  progress <- progressr::progressor(steps = length(edges) - 1L)
  t <- matrix(NA_real_, B, model$p)
  se <- if (model$se_mode > 0L) matrix(NA_real_, B, model$p)
  degenerate <- 0L
  for (k in seq_len(length(edges) - 1L)) {
    rows <- (edges[k] + 1):edges[k + 1L]
    part <- boot_run(model, edges[k] + 1, edges[k + 1L], threads)
    t[rows, ] <- part$t
    if (!is.null(se)) se[rows, ] <- part$se
    degenerate <- degenerate + part$degenerate
    progress(sprintf("bootstrap replicates %d-%d of %d", rows[1L],
                     edges[k + 1L], B))
  }
  list(t = t, se = se, degenerate = degenerate)
}

# Everything before the replicates: design, units, the C model (unit sums,
# shifts, strata) and the full-data fit. `model` is what boot_run() needs.
boot_setup <- function(formula, data, cluster = NULL, strata = NULL,
                       weights = NULL, type = "bca", influence = "jackknife",
                       indices = NULL, B = 2000L, B_given = TRUE, seed = NULL,
                       call = rlang::caller_env()) {
  design <- boot_design(formula, data, cluster, strata, weights, call)
  if (!is.null(indices)) {
    if (!is.null(design$cluster)) {
      vcf_abort("{.arg indices} and {.arg cluster} cannot be used together: {.arg indices} gives the resampled rows.",
                c("indices", "argument"), call = call)
    }
    indices <- check_boot_indices(indices, design$n_data, B, B_given, call)
    B <- nrow(indices)
  }
  units <- boot_units(design, call)
  X <- design$X
  p <- ncol(X)
  intercept <- attr(design$terms, "intercept") == 1L &&
    colnames(X)[1L] == "(Intercept)"
  shift <- if (intercept) c(0, colMeans(X[, -1L, drop = FALSE])) else numeric(p)
  shift_y <- if (intercept) mean(design$y) else 0
  se_mode <- if (!"stud" %in% type) 0L else if (is.null(design$cluster)) 1L else 2L
  extras <- se_mode > 0L
  jack <- "bca" %in% type && influence == "jackknife"
  if ("bca" %in% type && influence == "regression") {
    n_reg <- if (is.null(indices)) units$n_units else design$n_data
    if (as.double(B) * n_reg > 2^31 - 1) {
      vcf_abort(c("{.arg influence} = {.val regression} needs a B x units frequency matrix, too large here.",
                  x = "{.arg B} is {B} for {n_reg} units."),
                c("too_large", "argument"), call = call)
    }
    if (B <= n_reg + 1L) {
      vcf_abort(c("{.arg influence} = {.val regression} needs more replicates than resampling units.",
                  x = "{.arg B} is {B} for {n_reg} units."),
                c("influence", "argument"), call = call)
    }
  }

  ols <- boot_qr_fit(design, call)
  boot_check_work(B, units$n_units, p, call)
  S <- .Call(C_boot_unit_sums, X, design$y, design$weights, units$unit,
             units$n_units, shift, shift_y, extras)
  full <- .Call(C_boot_full, S, p, extras, shift, shift_y, intercept, se_mode,
                jack)
  if (full$deficient) boot_abort_rank(call)

  if (is.null(indices)) {
    if (is.null(seed)) seed <- boot_draw_seed()
    index_units <- NULL
  } else {
    seed <- NA_real_
    row_unit <- integer(design$n_data)
    row_unit[design$keep] <- units$unit
    index_units <- matrix(row_unit[t(indices)], ncol = B)
  }
  model <- list(S = S, p = p, q = nrow(S), extras = extras, shift = shift,
                shift_y = shift_y, intercept = intercept, se_mode = se_mode,
                strata_off = as.integer(units$strata_off),
                seed = if (is.na(seed)) 0 else seed,
                n_draws = if (is.null(index_units)) units$n_units else nrow(index_units))
  list(design = design, units = units, model = model, full = full,
       indices = indices, index_units = index_units, B = B, seed = seed,
       se_mode = se_mode, X = X, ols = boot_model_data(design, units, ols))
}

# A 53-bit seed from R's generator, so that set.seed() governs the streams.
boot_draw_seed <- function() {
  draw <- sample.int(.Machine$integer.max, 2L) - 1
  floor(draw[1L] / 2^9) * 2^31 + draw[2L]
}

# Refuse runs whose replicate matrix could not be held: B x p doubles (4 GB
# at most, so that the intervals' copies fit as well).
boot_check_work <- function(B, n_units, p, call) {
  cells <- as.double(B) * p
  if (cells > 2^31 - 1 || cells * 8 > 4e9) {
    vcf_abort(c("{.arg B} is too large for this model: {format(B, big.mark = ',')} replicates of {p} coefficient{?s} would not fit in memory.",
                i = "Use fewer replicates (B = 1e5 gives Monte Carlo error below 0.001 on a 95% interval end's tail probability)."),
              c("too_large", "argument"), call = call)
  }
  invisible(TRUE)
}

#' Bootstrapped linear regression
#'
#' Fits a linear model by least squares and bootstraps its coefficients with
#' case, cluster or stratified resampling, in compiled code. It gives the
#' same replicates as `boot::boot()` with an `lm()` statistic when handed the
#' same resamples, thousands of times faster.
#'
#' @section Design:
#' `formula` and `data` behave as in [lm()]: factors, interactions and
#' transformations are expanded by [model.matrix()], and rows with missing
#' values in the model variables are dropped. Every variable of `formula`
#' must be a column of `data`. `cluster`, `strata` and `weights` each take a
#' column name (`"patient"`), a one-sided formula (`~ patient`) or a vector
#' with one value per row of `data`; they must not contain `NA`. Weights are
#' case weights as in `lm(weights = )`: each drawn row carries its weight.
#'
#' @section Resampling:
#' * Case resampling (default): each replicate draws n rows with replacement.
#' * `cluster`: each replicate draws as many clusters as there are, with
#'   replacement, and takes all rows of every drawn cluster (a cluster drawn
#'   twice contributes its rows twice), so its number of rows varies.
#' * `strata`: rows (or clusters) are drawn within each stratum, keeping the
#'   stratum's number of rows (or clusters). With both `cluster` and
#'   `strata`, clusters are drawn within strata; every cluster must lie in
#'   one stratum.
#' * `indices`: a B x n matrix of 1-based row numbers of `data` (n =
#'   `nrow(data)`), such as `boot::boot.array(b, indices = TRUE)`; replicate
#'   r uses the rows of row r. `B` is then `nrow(indices)` and `seed` is not
#'   used; `cluster` is not allowed, `strata` is used for the influence
#'   values only.
#'
#' @section Pairs or wild:
#' `method = "pairs"` resamples rows or whole clusters. With few clusters
#' (below about 30-50), clusters of very unequal size, or a binary
#' predictor that is 1 in few clusters, pairs cluster intervals tend to
#' under-cover; use `method = "wild"` (the restricted wild cluster
#' bootstrap, [vcf_boot_wild()], which returns p-values and test-inversion
#' intervals) or the CR2 interval `confint(fit, type = "cr2")`, which any
#' fit offers. `bench/coverage.R` in the sources compares their coverage.
#'
#' A replicate whose design is rank-deficient (for example a binary
#' predictor that is constant in the resample) is *degenerate*: its
#' coefficients are `NA`, it is counted (`$degenerate`, `print()`), and it
#' is left out of the intervals, which report how many replicates they used.
#'
#' @section Computation:
#' Each resampling unit (row or cluster) is summarised once by its
#' cross-products `X'WX` and `X'Wy`; a replicate adds up the sums of its
#' drawn units and solves the p x p normal equations by Cholesky. Columns
#' are centred at their full-data means first when the model has an
#' intercept, which keeps the normal equations well conditioned; estimates
#' agree with `lm()` to about 1e-13 on well-conditioned designs. A column
#' whose residual, after projection on the previous columns, has a squared
#' norm below 1e-10 of its own makes a replicate degenerate. The
#' full-sample fit itself (`t0`, residuals, CR2) uses GSL's column-pivoted
#' QR; a design whose rank is below its number of columns is an error of
#' class `vcf_error_rank_deficient` naming the aliased coefficients.
#' Replicates run in parallel on `threads` OpenMP threads (default: all).
#' Long runs report progress through the \pkg{progressr} package (wrap the
#' call in `progressr::with_progress()`) and can be interrupted.
#'
#' @section Reproducibility:
#' Replicate r draws from its own random stream (xoshiro256** seeded by
#' SplitMix64 from the pair (`seed`, r)), so the replicates are bit-identical
#' for any number of threads, and a run of replicates 1..B equals any split
#' of 1..B into chunks computed separately, e.g. on `future` workers. With
#' `seed = NULL`, the seed is one draw from R's random number generator
#' (53 bits from two `sample.int()` draws), so [set.seed()] governs the
#' result; the seed used is returned as `$seed`.
#'
#' @section Intervals:
#' `type` may hold several of `"perc"`, `"basic"`, `"norm"`, `"bca"` and
#' `"stud"`. They follow `boot::boot.ci()`, including its interpolation of
#' order statistics on the normal quantile scale, and equal its intervals
#' when given the same replicates:
#' * `"norm"`: bias-corrected normal interval, `2 t0 - mean(t) -/+ z sd(t)`.
#' * `"basic"`: `2 t0` minus the percentile interval's ends.
#' * `"perc"`: order statistics of the replicates.
#' * `"bca"`: bias correction `z0 = qnorm(mean(t < t0))` and acceleration
#'   `a = sum(L^3) / (6 sum(L^2)^1.5)` from influence values L. With
#'   `influence = "jackknife"` (default) L comes from the jackknife over the
#'   resampling units (clusters when `cluster` is given, within strata when
#'   `strata` is given): `L_i = (G_h - 1) (mean_h(t_(-j)) - t_(-i))` for unit
#'   i in stratum h with G_h units, as in Efron and Tibshirani (1993, eq.
#'   14.15). `boot::boot.ci()` instead regresses the replicates on the
#'   resampling frequencies (`boot::empinf(type = "reg")`);
#'   `influence = "regression"` does the same (over the units), giving
#'   `boot.ci()`'s BCa interval exactly. It needs B larger than the number
#'   of units, and the two differ by Monte Carlo error in the acceleration.
#'   When BCa is undefined (every replicate on one side of the estimate, or
#'   no finite acceleration) the interval falls back to the percentile
#'   interval with a warning of class `vcf_warning_bca_fallback`.
#' * `"stud"`: `t0 - se0 q`, with q the quantiles of `(t - t0) / se` over
#'   the replicates, where se is each replicate's standard error: the
#'   classical OLS standard error for case (and stratified) resampling and
#'   the CR1 cluster-robust standard error, `G/(G-1) (N-1)/(N-p)` times the
#'   sandwich with the drawn clusters as clusters, for cluster resampling.
#'
#' @param formula A model formula, as for [lm()].
#' @param data A data frame holding every variable of `formula`.
#' @param cluster Optional resampling clusters (for example patients who
#'   contribute several vertebrae): a column name, a one-sided formula or a
#'   vector with one value per row of `data`.
#' @param strata Optional strata, given like `cluster`.
#' @param B Number of bootstrap replicates, a whole number >= 2.
#' @param type Interval types, one or more of `"perc"`, `"basic"`, `"norm"`,
#'   `"bca"` and `"stud"`.
#' @param level Confidence level, strictly between 0 and 1.
#' @param seed `NULL` (take the seed from R's random number generator) or a
#'   whole number in \[0, 2^53\].
#' @param threads Number of threads; `NULL` uses the default count (the
#'   option `vcfoutcomes.threads`, else all that OpenMP offers, capped by
#'   `OMP_THREAD_LIMIT`; see [vcf_threads()]), or one for small runs
#'   (under 5 million drawn units in all).
#' @param indices Optional B x n matrix of 1-based row numbers of `data`
#'   giving the resamples (see Resampling).
#' @param weights Optional case weights, given like `cluster`.
#' @param influence How BCa's acceleration is estimated: `"jackknife"` over
#'   the resampling units, or `"regression"` of the replicates on the
#'   resampling frequencies, as `boot::boot.ci()` does.
#' @param method `"pairs"` (default: case, cluster or stratified resampling
#'   of rows or clusters) or `"wild"` (the wild cluster bootstrap, see
#'   [vcf_boot_wild()]).
#' @param ... With `method = "wild"`: `variant`, `dist`, `null`,
#'   `weights_matrix` and `parm` of [vcf_boot_wild()]. Otherwise unused (an error).
#' @return An object of class `vcf_boot`, a list with, among others:
#'   `t0` (the estimates, equal to `coef(lm())`), `t` (the B x p matrix of
#'   replicates, `NA` rows for degenerate ones), `se0` and `se` (standard
#'   errors, for `"stud"`), `degenerate` (count), `intervals` (a data frame
#'   of every interval with the number of replicates it used), `seed`,
#'   `resampling`, `nobs`, `n_units`, `n_strata` and `ols` (the
#'   full-sample QR fit: `coef`, `residuals`, `cov_unscaled` = (X'WX)^-1,
#'   the design and the clusters, used by CR2 and `augment()`). Methods:
#'   [coef()], [confint()] (bootstrap types, `"cr2"`, `"cr1"`), [vcov()]
#'   (covariance of the replicates, or `type = "CR2"`/`"CR1"`), `print()`,
#'   `summary()`, [tidy()], [glance()], [augment()] and `plot()`. With
#'   `method = "wild"`, a `vcf_wild` object instead (see
#'   [vcf_boot_wild()]).
#' @examples
#' set.seed(1)
#' d <- data.frame(patient = rep(1:30, length.out = 40),
#'                 bme = rep(c("decreased", "similar"), 20),
#'                 relief = rnorm(40, 3, 2))
#' fit <- vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = 999,
#'                    type = c("bca", "perc"), seed = 42, threads = 1)
#' fit
#' confint(fit)
#' confint(fit, type = "perc")
#' @export
vcf_boot_lm <- function(formula, data, cluster = NULL, strata = NULL, B = 2000,
                        type = "bca", level = 0.95, seed = NULL, threads = NULL,
                        indices = NULL, weights = NULL,
                        influence = c("jackknife", "regression"),
                        method = c("pairs", "wild"), ...) {
  call <- rlang::current_env()
  B_given <- !missing(B)
  method <- check_choice(method, c("pairs", "wild"), "method", call)
  if (method == "wild") {
    return(boot_lm_wild(formula, data, cluster, strata, B, B_given, level, seed,
                        threads, indices, weights, list(...), call))
  }
  if (...length()) {
    vcf_abort(c("Arguments in {.arg ...} are for {.code method = \"wild\"} only.",
                x = "Unused: {.arg {names(list(...))}}."),
              "argument", call = call)
  }
  if (is.null(indices) || B_given) B <- check_boot_B(B)
  type <- check_boot_type(type)
  level <- check_boot_level(level)
  seed <- check_boot_seed(seed)
  threads <- check_boot_threads(threads)
  if (!is.character(influence) || !length(influence)) {
    check_string(influence, choices = c("jackknife", "regression"))
  }
  influence <- influence[1L]
  check_string(influence, choices = c("jackknife", "regression"))

  setup <- boot_setup(formula, data, cluster, strata, weights, type, influence,
                      indices, B, B_given, seed, call)
  design <- setup$design
  units <- setup$units
  model <- setup$model
  full <- setup$full
  indices <- setup$indices
  index_units <- setup$index_units
  B <- setup$B
  seed <- setup$seed
  se_mode <- setup$se_mode
  X <- setup$X
  run <- boot_run_all(model, B, threads, index_units)

  coef_names <- colnames(X)
  # t0 comes from the same centred normal equations as the replicates, so
  # a replicate that redraws the sample equals t0 bit for bit and BCa's
  # count of replicates below t0 is not moved by rounding; it agrees with
  # the QR fit (setup$ols) to about 1e-13.
  t0 <- stats::setNames(full$coef, coef_names)
  colnames(run$t) <- coef_names
  if (!is.null(run$se)) colnames(run$se) <- coef_names

  L <- NULL
  if ("bca" %in% type) {
    L <- if (influence == "jackknife") {
      boot_influence_jack(full$jack, units$unit_stratum)
    } else if (is.null(indices)) {
      draws <- .Call(C_boot_draws, model$strata_off, boot_seed_halves(model$seed),
                     1, as.double(B))
      freq <- matrix(tabulate(draws + units$n_units * (col(draws) - 1L),
                              units$n_units * B), B, units$n_units, byrow = TRUE)
      boot_influence_reg(run$t, freq, units$unit_stratum)
    } else {
      freq <- matrix(tabulate(t(indices) + design$n_data * (col(t(indices)) - 1L),
                              design$n_data * B), B, design$n_data, byrow = TRUE)
      boot_influence_reg(run$t, freq, if (is.null(design$strata_data)) 
        rep(1L, design$n_data) else design$strata_data)
    }
    colnames(L) <- coef_names
  }

  resampling <- if (!is.null(indices)) "indices" else if (!is.null(design$cluster)) {
    if (is.null(design$strata)) "cluster" else "cluster within strata"
  } else if (!is.null(design$strata)) "strata" else "case"
  row_unit <- rep(NA_integer_, design$n_data)
  row_unit[design$keep] <- units$unit
  fit <- list(
    t0 = t0, t = run$t, se0 = if (se_mode > 0L) stats::setNames(full$se, coef_names),
    se = run$se, B = B, degenerate = run$degenerate,
    R = B - run$degenerate, type = type, level = level, influence = influence,
    L = L, se_type = c(NA, "classical", "CR1")[se_mode + 1L],
    resampling = resampling, nobs = length(design$y), n_units = units$n_units,
    n_strata = length(units$strata_off) - 1L, weighted = !is.null(design$weights),
    seed = seed, threads = threads, formula = formula, terms = design$terms,
    call = match.call(), ols = setup$ols,
    design = list(row_unit = row_unit, strata_off = model$strata_off,
                  indices = indices))
  class(fit) <- "vcf_boot"
  fit$intervals <- boot_intervals(fit, type, level)
  fit
}

# The pivoted QR found full rank but the centred normal equations are too
# close to singular for the replicates' Cholesky (see ols.c's tolerance).
# vcf_boot_lm(method = "wild"): the pairs-only arguments must be unset and
# `...` holds vcf_boot_wild()'s own (variant, dist, null, weights_matrix).
boot_lm_wild <- function(formula, data, cluster, strata, B, B_given, level,
                         seed, threads, indices, weights, dots, call) {
  if (!is.null(strata) || !is.null(indices)) {
    vcf_abort("{.arg strata} and {.arg indices} are for {.code method = \"pairs\"}.",
              c("method", "argument"), call = call)
  }
  known <- c("variant", "dist", "null", "weights_matrix", "parm")
  unknown <- setdiff(names(dots), known)
  if (length(dots) && (is.null(names(dots)) || any(names(dots) == "") || length(unknown))) {
    vcf_abort(c("{.arg ...} takes only {.arg {known}} with {.code method = \"wild\"}.",
                x = "Unknown: {.val {if (length(unknown)) unknown else 'an unnamed argument'}}."),
              "argument", call = call)
  }
  variant <- check_choice(dots$variant %||% wild_variants, wild_variants, "variant", call)
  dist <- check_choice(dots$dist %||% wild_dists, wild_dists, "dist", call)
  weights_matrix <- dots$weights_matrix
  if (is.null(weights_matrix) || B_given) B <- check_wild_B(B, call)
  level <- check_boot_level(level, call)
  seed <- check_boot_seed(seed, call)
  threads <- check_boot_threads(threads, call)
  wild_fit(formula, data, cluster, B, B_given, variant, dist, dots$null %||% 0,
           level, seed, threads, weights, weights_matrix, call, dots$parm)
}

boot_abort_rank <- function(call) {
  vcf_abort(c("The design matrix of {.arg formula} is rank-deficient in {.arg data}.",
              x = "It is numerically close to collinear."),
            c("rank_deficient", "input"), call = call)
}

# Influence values --------------------------------------------------------------

# Jackknife over the units: L_i = (G_h - 1) (mean_h - t_(-i)) within stratum h.
boot_influence_jack <- function(jack, unit_stratum) {
  L <- jack
  for (h in unique(unit_stratum)) {
    in_h <- unit_stratum == h
    g <- sum(in_h)
    centre <- colMeans(jack[in_h, , drop = FALSE], na.rm = TRUE)
    L[in_h, ] <- (g - 1) * (matrix(centre, g, ncol(jack), byrow = TRUE) -
                              jack[in_h, , drop = FALSE])
  }
  L
}

# boot:::empinf.reg for every column of t at once: regression of the finite
# replicates on the resampling frequencies divided by the stratum sizes,
# without the first unit of each stratum, then centred within strata.
boot_influence_reg <- function(t, freq, strata) {
  ok <- stats::complete.cases(t)
  stratum <- match(strata, unique(strata))
  ns <- tabulate(stratum)
  n <- ncol(freq)
  Xf <- freq[ok, , drop = FALSE] / matrix(ns[stratum], sum(ok), n, byrow = TRUE)
  inc <- which(duplicated(stratum))
  fit <- stats::lm.fit(cbind(1, Xf[, inc, drop = FALSE]), t[ok, , drop = FALSE])
  beta <- as.matrix(fit$coefficients)[-1L, , drop = FALSE]
  L <- matrix(0, n, ncol(t))
  L[inc, ] <- beta
  L - (rowsum(L, stratum) / ns)[stratum, , drop = FALSE]
}

# Intervals -----------------------------------------------------------------------

# boot:::norm.inter on finite replicates: order statistics interpolated on
# the normal quantile scale. Like boot, only the order statistics it needs
# are placed, by a partial sort. Returns the values with attribute
# "extreme" when an end uses the smallest or largest replicate.
boot_norm_inter <- function(t, alpha) {
  R <- length(t)
  rk <- (R + 1) * alpha
  k <- trunc(rk)
  ok <- !is.na(k)
  need <- k[ok & k > 0 & k < R]
  tstar <- sort.int(t, partial = sort(unique(c(1, R, need, need + 1))))
  out <- rep(NA_real_, length(alpha))
  ints <- ok & k == rk & k >= 1 & k <= R
  out[ints] <- tstar[k[ints]]
  low <- ok & k <= 0
  high <- ok & k >= R
  out[low] <- tstar[1L]
  out[high] <- tstar[R]
  mid <- which(ok & !ints & !low & !high)
  if (length(mid)) {
    km <- k[mid]
    z <- stats::qnorm(alpha[mid])
    z1 <- stats::qnorm(km / (R + 1))
    z2 <- stats::qnorm((km + 1) / (R + 1))
    tk <- tstar[km]
    out[mid] <- tk + (z - z1) / (z2 - z1) * (tstar[km + 1L] - tk)
  }
  attr(out, "extreme") <- !all(ok & rk > 1 & rk < R)
  out
}

# One coefficient's intervals of the given types: a list of vectors with
# one element per type.
boot_ci_one <- function(t, t0, types, level, L = NULL, se = NULL, se0 = NULL) {
  finite <- is.finite(t)
  tf <- t[finite]
  R <- length(tf)
  alpha <- (1 + c(-level, level)) / 2
  k <- length(types)
  lower <- upper <- rep(NA_real_, k)
  used <- rep(R, k)
  note <- character(k)
  extreme <- FALSE
  for (i in seq_len(k)) {
    type <- types[[i]]
    ci <- c(NA_real_, NA_real_)
    if (R < 2L) {
      ci <- c(NA_real_, NA_real_)
    } else if (type == "perc") {
      ci <- boot_norm_inter(tf, alpha)
    } else if (type == "basic") {
      q <- boot_norm_inter(tf, rev(alpha))
      ci <- 2 * t0 - q
    } else if (type == "norm") {
      merr <- stats::sd(tf) * stats::qnorm((1 + level) / 2)
      ci <- 2 * t0 - mean(tf) + c(-merr, merr)
    } else if (type == "stud") {
      ok <- finite & is.finite(se) & se > 0
      used[i] <- sum(ok)
      if (used[i] >= 2L && is.finite(se0)) {
        ci <- t0 - se0 * boot_norm_inter((t[ok] - t0) / se[ok], rev(alpha))
      }
    } else if (type == "bca") {
      w <- stats::qnorm(sum(tf < t0) / R)
      Lf <- L[is.finite(L)]
      a <- sum(Lf^3) / (6 * sum(Lf^2)^1.5)
      zalpha <- stats::qnorm(alpha)
      adj <- stats::pnorm(w + (w + zalpha) / (1 - a * (w + zalpha)))
      if (!is.finite(w) || !is.finite(a) || anyNA(adj)) {
        note[i] <- if (!is.finite(w)) "BCa undefined (all replicates on one side of the estimate): percentile" else
          "BCa undefined (no finite acceleration): percentile"
        ci <- boot_norm_inter(tf, alpha)
      } else {
        ci <- boot_norm_inter(tf, adj)
      }
    }
    extreme <- extreme || isTRUE(attr(ci, "extreme"))
    lower[i] <- ci[[1L]]
    upper[i] <- ci[[2L]]
  }
  list(lower = lower, upper = upper, replicates = used, note = note,
       extreme = extreme)
}

# Every interval of a fit as a data frame, with the warnings they raise.
boot_intervals <- function(fit, types, level) {
  terms <- names(fit$t0)
  cis <- lapply(seq_along(terms), function(j) {
    boot_ci_one(fit$t[, j], fit$t0[[j]], types, level,
                L = if (!is.null(fit$L)) fit$L[, j],
                se = if (!is.null(fit$se)) fit$se[, j],
                se0 = if (!is.null(fit$se0)) fit$se0[[j]])
  })
  pick <- function(name) unlist(lapply(cis, `[[`, name), use.names = FALSE)
  n_rows <- length(terms) * length(types)
  out <- list2DF(list(term = rep(terms, each = length(types)),
                      type = rep(types, length(terms)), level = rep(level, n_rows),
                      lower = pick("lower"), upper = pick("upper"),
                      replicates = pick("replicates"), note = pick("note")))
  extreme <- terms[vapply(cis, `[[`, logical(1), "extreme")]
  fallback <- out$term[out$note != ""]
  if (length(fallback)) {
    vcf_warn(c("The BCa interval is undefined for {.val {unique(fallback)}}; the percentile interval is used instead.",
               i = "Every replicate lies on one side of the estimate, or the acceleration is not finite."),
             "bca_fallback")
  }
  if (length(extreme)) {
    vcf_warn(c("Extreme order statistics are used as interval ends for {.val {extreme}}.",
               i = "Increase {.arg B} for intervals that do not rest on the smallest or largest replicate."),
             "extreme_order")
  }
  out
}

boot_type_arg <- function(type, object, call = rlang::caller_env()) {
  type <- check_boot_type(type, call = call)
  if (length(type) != 1L) {
    vcf_abort("{.arg type} must be a single interval type.", c("type", "argument"),
              call = call)
  }
  if (type == "bca" && !"bca" %in% object$type) {
    vcf_abort(c("This fit has no BCa influence values.",
                i = "Refit with {.code type = \"bca\"}."),
              c("type", "argument"), call = call)
  }
  if (type == "stud" && is.null(object$se)) {
    vcf_abort(c("This fit has no replicate standard errors.",
                i = "Refit with {.code type = \"stud\"}."),
              c("type", "argument"), call = call)
  }
  type
}

# Methods ------------------------------------------------------------------------

# The parts of a vcf_boot fit its methods read; a list given the class by
# hand, or a fit with a part dropped, is a classed error.
boot_fit_parts <- list(
  t0 = function(v) is.numeric(v) && length(v) >= 1L && !is.null(names(v)),
  t = function(v) is.matrix(v) && is.numeric(v),
  type = function(v) is.character(v) && length(v) >= 1L && all(v %in% boot_types),
  level = function(v) is.numeric(v) && length(v) == 1L && !is.na(v) && v > 0 && v < 1,
  intervals = function(v) is.data.frame(v) &&
    all(c("term", "type", "lower", "upper", "replicates") %in% names(v)),
  B = function(v) is.numeric(v) && length(v) == 1L,
  R = function(v) is.numeric(v) && length(v) == 1L,
  nobs = function(v) is.numeric(v) && length(v) == 1L,
  degenerate = function(v) is.numeric(v) && length(v) == 1L,
  resampling = function(v) is.character(v) && length(v) == 1L,
  ols = is.list)

check_boot_fit <- function(x, arg = "x", call = rlang::caller_env()) {
  check_object(x, "vcf_boot", boot_fit_parts, arg, "vcf_boot_lm", call)
  if (ncol(x$t) != length(x$t0)) {
    vcf_abort(c("{.arg {arg}} is not a well-formed {.cls vcf_boot} object.",
                x = "Its replicates have {ncol(x$t)} column{?s} for {length(x$t0)} coefficient{?s}."),
              c("object", "argument"), call = call)
  }
  invisible(x)
}

#' Methods for bootstrapped regressions
#'
#' @param object,x A `vcf_boot` object from [vcf_boot_lm()].
#' @param parm Coefficients, by name or position; all by default.
#' @param level Confidence level; intervals at another level than the fit's
#'   are recomputed from the stored replicates.
#' @param type `confint()`: an interval type, one of the fit's types
#'   (default: its first), or `"cr2"` (CR2 cluster-robust standard errors
#'   with Satterthwaite degrees of freedom, Bell and McCaffrey 2002;
#'   Pustejovsky and Tipton 2018) or `"cr1"` (CR1 with G - 1 degrees of
#'   freedom), computed from the full-sample fit and the clusters (rows
#'   when the fit has no `cluster`). `tidy()` and `plot()` take several
#'   bootstrap types. `vcov()`: `"boot"` (default; the covariance of the
#'   replicates), `"CR2"` or `"CR1"`.
#' @param conf.int,conf.level As for broom's `tidy()` methods.
#' @param bins Number of histogram bins.
#' @param data,newdata For `augment()`: the data frame the model was fitted
#'   to (columns are added, `NA` on rows the model dropped), or new data to
#'   predict; by default the model's design matrix.
#' @param ... Unused.
#' @return `coef()`: the estimates. `confint()`: a matrix with one row per
#'   coefficient and columns for the lower and upper limits, labelled in
#'   percent as by [confint.lm()], with attributes `type` and `replicates`
#'   (the replicates each interval used), or `df` for CR2/CR1. `vcov()`: the
#'   covariance matrix of the non-degenerate replicates, or the CR2 (with
#'   attribute `df`, the Satterthwaite degrees of freedom per coefficient)
#'   or CR1 sandwich. `augment()`: the data with `.fitted`, `.resid`,
#'   `.cluster` (resampling unit) and `.std.error` (the bootstrap standard
#'   deviation of the fitted value); for `newdata`, `.fitted` and
#'   `.std.error`. `tidy()`: a data frame with one row per
#'   coefficient and interval type (`term`, `estimate`, `std.error` (the
#'   bootstrap standard deviation), `bias`, `conf.low`, `conf.high`,
#'   `conf.level`, `conf.method`, `replicates`). `glance()`: a one-row data
#'   frame describing the bootstrap. `plot()`: a ggplot of the replicates'
#'   histograms, one panel per coefficient, with the estimate (solid) and
#'   the interval limits (dashed).
#' @name vcf_boot-methods
NULL

#' @rdname vcf_boot-methods
#' @export
coef.vcf_boot <- function(object, ...) {
  check_boot_fit(object, "object")
  object$t0
}

#' @rdname vcf_boot-methods
#' @export
vcov.vcf_boot <- function(object, type = c("boot", "CR2", "CR1"), ...) {
  check_boot_fit(object, "object")
  type <- check_choice(type, c("boot", "CR2", "CR1"), "type", rlang::current_env())
  if (type == "CR1") return(boot_cr1(object$ols))
  if (type == "CR2") {
    cr <- boot_cr2(object$ols)
    return(structure(cr$vcov, df = cr$df))
  }
  stats::cov(object$t[stats::complete.cases(object$t), , drop = FALSE])
}

#' @rdname vcf_boot-methods
#' @export
confint.vcf_boot <- function(object, parm, level = object$level,
                             type = object$type[1L], ...) {
  call <- rlang::current_env()
  check_boot_fit(object, "object", call)
  level <- check_boot_level(level, call)
  terms <- check_parm(if (missing(parm)) NULL else parm, names(object$t0), call)
  at <- match(terms, names(object$t0))
  if (is.character(type) && length(type) == 1L && type %in% c("cr2", "cr1")) {
    ci <- boot_analytic_ci(object$ols, type, level, call)
    out <- ci_matrix(ci$lower[at], ci$upper[at], terms, level)
    attr(out, "type") <- type
    attr(out, "df") <- stats::setNames(ci$df[at], terms)
    return(out)
  }
  type <- boot_type_arg(type, object, call)
  iv <- boot_interval_table(object, type, level)
  iv <- iv[match(terms, iv$term), , drop = FALSE]
  out <- ci_matrix(iv$lower, iv$upper, terms, level)
  attr(out, "type") <- type
  attr(out, "replicates") <- stats::setNames(iv$replicates, terms)
  out
}

#' @rdname vcf_boot-methods
#' @method augment vcf_boot
#' @export
augment.vcf_boot <- function(x, data = NULL, newdata = NULL, ...) {
  call <- rlang::current_env()
  check_boot_fit(x, "x", call)
  out <- boot_augment(x$ols, x$terms, data, newdata, call)
  # The bootstrap standard deviation of each fitted value, from the
  # non-degenerate replicates.
  X <- if (is.null(newdata)) x$ols$X else {
    tt <- stats::delete.response(x$terms)
    stats::model.matrix(tt, stats::model.frame(tt, newdata, na.action = stats::na.pass,
                                               xlev = x$ols$xlevels),
                        xlev = x$ols$xlevels)
  }
  ok <- stats::complete.cases(x$t)
  fits <- X %*% t(x$t[ok, , drop = FALSE])
  sd_fit <- sqrt(rowSums((fits - rowMeans(fits))^2) / max(1, sum(ok) - 1))
  if (is.null(data) || !is.null(newdata)) {
    out$.std.error <- sd_fit
  } else {
    out$.std.error <- NA_real_
    out$.std.error[x$ols$keep] <- sd_fit
  }
  out
}

boot_interval_table <- function(object, type, level) {
  if (isTRUE(all.equal(level, object$level)) && all(type %in% object$intervals$type)) {
    return(object$intervals[object$intervals$type %in% type, , drop = FALSE])
  }
  boot_intervals(object, type, level)
}

#' @export
print.vcf_boot <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  check_boot_fit(x)
  cat("<vcf_boot> Bootstrapped linear regression\n")
  cat("Formula:    ", paste(deparse(x$formula), collapse = " "), "\n", sep = "")
  cat("Resampling: ", boot_describe_resampling(x), "\n", sep = "")
  cat("Replicates: ", x$B, if (x$degenerate) paste0(", of which ", x$degenerate,
      " degenerate (rank-deficient, excluded)") else ", none degenerate", "\n", sep = "")
  type <- x$type[1L]
  iv <- x$intervals[x$intervals$type == type, , drop = FALSE]
  cat("Intervals:  ", format(100 * x$level), "% ", boot_type_labels[[type]],
      if (type == "bca") paste0(" (", x$influence, " acceleration)"),
      if (type == "stud") paste0(" (", x$se_type, " SE)"),
      ", from ", boot_count_text(iv$replicates), " replicates\n", sep = "")
  tab <- boot_coef_table(x, type)
  print(format(tab, digits = digits), quote = FALSE, right = TRUE)
  notes <- unique(iv$note[iv$note != ""])
  if (length(notes)) cat("Note: ", paste(notes, collapse = "; "), "\n", sep = "")
  invisible(x)
}

boot_count_text <- function(counts) {
  if (length(unique(counts)) == 1L) format(counts[1L]) else
    paste(min(counts), "to", max(counts))
}

boot_describe_resampling <- function(x) {
  rows <- paste(x$nobs, "rows")
  switch(x$resampling,
         case = paste0("cases (", rows, ")"),
         cluster = paste0("clusters (", x$n_units, " clusters, ", rows, ")"),
         strata = paste0("cases within ", x$n_strata, " strata (", rows, ")"),
         "cluster within strata" = paste0("clusters within ", x$n_strata,
                                          " strata (", x$n_units, " clusters, ",
                                          rows, ")"),
         indices = paste0("given indices (", rows, ")"))
}

boot_coef_table <- function(x, type) {
  ok <- stats::complete.cases(x$t)
  iv <- x$intervals[x$intervals$type == type, , drop = FALSE]
  alpha <- (1 - x$level) / 2
  tab <- cbind(Estimate = x$t0,
               Bias = colMeans(x$t[ok, , drop = FALSE]) - x$t0,
               "Boot SE" = apply(x$t[ok, , drop = FALSE], 2L, stats::sd),
               iv$lower, iv$upper)
  colnames(tab)[4:5] <- paste(format(100 * c(alpha, 1 - alpha), trim = TRUE,
                                     scientific = FALSE, digits = 3), "%")
  tab
}

#' @export
summary.vcf_boot <- function(object, ...) {
  check_boot_fit(object, "object")
  tables <- lapply(object$type, function(type) boot_coef_table(object, type))
  names(tables) <- object$type
  structure(list(fit = object, tables = tables), class = "summary.vcf_boot")
}

#' @export
print.summary.vcf_boot <- function(x, digits = max(3L, getOption("digits") - 3L),
                                   ...) {
  fit <- x$fit
  cat("<vcf_boot> Bootstrapped linear regression: summary\n")
  cat("Formula:    ", paste(deparse(fit$formula), collapse = " "), "\n", sep = "")
  cat("Resampling: ", boot_describe_resampling(fit), "\n", sep = "")
  cat("Replicates: ", fit$B, " (", fit$degenerate, " degenerate, excluded)",
      if (!is.na(fit$seed)) paste0("; seed ", format(fit$seed, digits = 16)), "\n",
      sep = "")
  for (type in names(x$tables)) {
    iv <- fit$intervals[fit$intervals$type == type, , drop = FALSE]
    cat("\n", format(100 * fit$level), "% ", boot_type_labels[[type]], " intervals",
        if (type == "bca") paste0(" (", fit$influence, " acceleration)"),
        if (type == "stud") paste0(" (", fit$se_type, " SE)"),
        ", from ", boot_count_text(iv$replicates), " replicates:\n", sep = "")
    print(format(x$tables[[type]], digits = digits), quote = FALSE, right = TRUE)
    notes <- unique(iv$note[iv$note != ""])
    if (length(notes)) cat("Note: ", paste(notes, collapse = "; "), "\n", sep = "")
  }
  invisible(x)
}

#' @importFrom generics tidy glance
#' @export
generics::tidy

#' @export
generics::glance

#' @importFrom generics augment
#' @export
generics::augment

#' @rdname vcf_boot-methods
#' @method tidy vcf_boot
#' @export
tidy.vcf_boot <- function(x, conf.int = TRUE, conf.level = x$level,
                          type = x$type[1L], ...) {
  check_boot_fit(x)
  check_flag(conf.int, "conf.int")
  type <- check_boot_type(type)
  ok <- stats::complete.cases(x$t)
  base <- data.frame(term = names(x$t0), estimate = unname(x$t0),
                     std.error = unname(apply(x$t[ok, , drop = FALSE], 2L, stats::sd)),
                     bias = unname(colMeans(x$t[ok, , drop = FALSE]) - x$t0),
                     stringsAsFactors = FALSE)
  if (!conf.int) return(base)
  conf.level <- check_boot_level(conf.level)
  for (one in type) boot_type_arg(one, x)
  iv <- boot_interval_table(x, type, conf.level)
  out <- merge(base, iv, by = "term", sort = FALSE)
  out <- out[order(match(out$term, base$term), match(out$type, type)), ]
  data.frame(out[c("term", "estimate", "std.error", "bias")],
             conf.low = out$lower, conf.high = out$upper,
             conf.level = out$level, conf.method = out$type,
             replicates = out$replicates, row.names = NULL,
             stringsAsFactors = FALSE)
}

#' @rdname vcf_boot-methods
#' @method glance vcf_boot
#' @export
glance.vcf_boot <- function(x, ...) {
  check_boot_fit(x)
  data.frame(nobs = x$nobs, resampling = x$resampling, n_units = x$n_units,
             n_strata = x$n_strata, B = x$B, degenerate = x$degenerate,
             replicates = x$R, type = paste(x$type, collapse = ","),
             level = x$level, seed = x$seed, stringsAsFactors = FALSE)
}

#' @rdname vcf_boot-methods
#' @importFrom rlang .data
#' @export
plot.vcf_boot <- function(x, type = x$type, bins = 30L, ...) {
  check_boot_fit(x)
  type <- check_boot_type(type)
  check_number(bins, "bins", min = 1, max = 1e4, integer = TRUE)
  for (one in type) boot_type_arg(one, x)
  terms <- names(x$t0)
  reps <- data.frame(term = factor(rep(terms, each = nrow(x$t)), levels = terms),
                     value = as.vector(x$t))
  reps <- reps[is.finite(reps$value), , drop = FALSE]
  iv <- boot_interval_table(x, type, x$level)
  ends <- data.frame(term = factor(rep(iv$term, 2L), levels = terms),
                     interval = factor(boot_type_labels[rep(iv$type, 2L)],
                                       levels = boot_type_labels[type]),
                     value = c(iv$lower, iv$upper))
  est <- data.frame(term = factor(terms, levels = terms), value = unname(x$t0))
  ggplot2::ggplot(reps, ggplot2::aes(x = .data$value)) +
    ggplot2::geom_histogram(bins = bins, fill = "grey75", colour = "white") +
    ggplot2::geom_vline(data = est, ggplot2::aes(xintercept = .data$value)) +
    ggplot2::geom_vline(data = ends, ggplot2::aes(xintercept = .data$value,
                                                  colour = .data$interval),
                        linetype = "dashed") +
    ggplot2::facet_wrap(ggplot2::vars(.data$term), scales = "free") +
    ggplot2::labs(x = "Replicate value", y = "Count",
                  colour = paste0(format(100 * x$level), "% interval"),
                  title = paste0("Bootstrap replicates (B = ", x$B, ", ",
                                 x$R, " used)"))
}

# Internal API (used by the tests and by audits of a fit, not exported):
# the resamples of a fit, a list of B integer vectors
# of row numbers of `data`, in the order they were drawn (whole clusters
# when resampling clusters).
boot_indices <- function(fit) {
  d <- fit$design
  if (!is.null(d$indices)) return(lapply(seq_len(nrow(d$indices)), function(r) d$indices[r, ]))
  draws <- .Call(C_boot_draws, d$strata_off, boot_seed_halves(fit$seed), 1,
                 as.double(fit$B))
  used <- which(!is.na(d$row_unit))
  unit_rows <- split(used, d$row_unit[used])
  lapply(seq_len(ncol(draws)), function(r) unlist(unit_rows[draws[, r]], use.names = FALSE))
}
