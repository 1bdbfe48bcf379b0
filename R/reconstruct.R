# Reconstruction engine: individual-level samples consistent with published
# summaries (SPRITE-style search in src/reconstruct.c) and the counts that
# are consistent with a published percentage.
#
# Values are handled on an integer grid of "units" (value / granularity), so
# every rounding window of a mean, SD or paired t becomes a window on exact
# integer sums before the C search starts.

#' Reconstruct samples consistent with a reported mean, SD and range
#'
#' `vcf_sprite()` searches for samples of `n` values on a grid of step
#' `granularity` in `[min, max]` whose mean (and SD, when given) round to the
#' reported values. It follows SPRITE (Heathers et al. 2018): a random sample
#' with the right total is drawn, and pairs of values are then moved one step
#' apart or together until the SD falls in its rounding window. The search
#' runs in C with its own random number generator seeded from R's, so results
#' follow [set.seed()].
#'
#' A reported value is matched when the sample statistic lies within half a
#' unit of its last printed digit; a statistic exactly halfway is accepted,
#' as the table may have rounded half up or half to even. The SD is the
#' sample SD (denominator `n - 1`).
#'
#' The work is bounded up front: `n` and `k` at most 1e6 (and `k * n` at
#' most 1e8 values), `max_iter` a finite number in \[1, 1e10\]; larger or non-finite
#' values are refused with class `vcf_error_limit`. The search checks for
#' interrupts, so a long one can be stopped.
#'
#' When no sample can exist, the error says why, with class
#' `vcf_error_infeasible` and one of `vcf_error_bounds` (`min > max`, or a
#' mean outside the range), `vcf_error_grim` (no total of `n` grid values has
#' a mean that rounds to `mean`), `vcf_error_sd_range` (the SD is outside
#' what the mean and range allow). When a sample may exist but the search did
#' not find one within `max_iter` steps, the class is `vcf_error_not_found`.
#'
#' @param n Sample size, a whole number in \[1, 1e6\].
#' @param mean Reported mean (finite).
#' @param sd Reported SD (finite, >= 0), or `NULL` to leave the spread free.
#' @param min,max Reported (or scale) bounds (finite); on the grid of
#'   `granularity`.
#' @param digits Digits to which the mean (and SD) were printed: one number
#'   for both, or `c(mean, sd)`.
#' @param k Number of samples, a whole number in \[1, 1e6\].
#' @param granularity Step of the values: 1 for integers, 0.1 for one
#'   decimal, 0.5 for halves (any 1/m with m a whole number).
#' @param attain_range If `TRUE`, every sample contains `min` and `max`, as a
#'   published range is made of observed values.
#' @param max_iter Budget of search steps per sample, a finite number in
#'   \[1, 1e10\].
#' @return A `k` x `n` numeric matrix, one sample per row, values sorted
#'   ascending. Samples are drawn independently and may repeat when few
#'   exist.
#' @seealso [vcf_sprite_paired()] for visits of the same patients,
#'   [vcf_counts()] for percentages.
#' @examples
#' set.seed(1)
#' x <- vcf_sprite(61, mean = 7.9, sd = 0.9, min = 6, max = 9, k = 3)
#' rowMeans(x)
#' apply(x, 1, sd)
#' # VAS 0-10 with one decimal
#' vcf_sprite(20, mean = 4.37, sd = 2.11, min = 0, max = 10, digits = 2,
#'            granularity = 0.1)
#' # GRIM-impossible: no 10 integers have a mean of 3.45
#' try(vcf_sprite(10, mean = 3.45, min = 0, max = 10, digits = 2))
#' @export
vcf_sprite <- function(n, mean, sd = NULL, min, max, digits = 1, k = 1,
                       granularity = 1, attain_range = FALSE, max_iter = 1e7) {
  check_finite(n, min = 1, max = max_samples, integer = TRUE)
  check_finite(mean)
  if (!is.null(sd)) check_finite(sd, min = 0)
  check_finite(min)
  check_finite(max)
  check_finite(k, min = 1, max = max_samples, integer = TRUE)
  check_flag(attain_range)
  check_max_iter(max_iter)
  check_result_size(n * k, "{.arg k} x {.arg n}")
  digits <- check_digits(digits, 2L)
  n <- as.integer(n)
  m <- grid_units(granularity)
  spec <- visit_spec(n, mean, sd, min, max, digits[1L], digits[2L], m,
                     attain_range, what = NULL)
  res <- .Call(C_reconstruct_sprite, n, as.integer(spec$lo), as.integer(spec$hi),
               as.double(spec$smin), as.double(spec$smax),
               spec$dlo, spec$dhi, attain_range, as.integer(k),
               as.double(max_iter), rng_seed_pair())
  if (is.null(res)) {
    vcf_abort(c("No sample was found within {.arg max_iter} = {max_iter} steps.",
                i = "The mean, SD and range are each feasible; the grid may have no
                     sample meeting all of them at once, or a larger
                     {.arg max_iter} may find one."),
              c("not_found", "reconstruct"))
  }
  if (m == 1L) res else res / m
}

#' Reconstruct paired visits consistent with reported means, ranges and t
#'
#' `vcf_sprite_paired()` builds the values of one variable for the same `n`
#' patients at two or more visits so that each visit's mean (and SD, when
#' given) rounds to the reported value, each visit's range is the reported
#' range, and the paired t statistic between visits rounds to the reported
#' one. The paired t of visits `a` and `b` is that of `t.test(x[, a],
#' x[, b], paired = TRUE)`: `mean(d) / (sd(d) / sqrt(n))` with
#' `d = x[, a] - x[, b]`, so its sign follows the order of the pair.
#'
#' The search, in C, picks visit totals whose paired differences can reach
#' each t window, draws each visit's values, then swaps values of one visit
#' between two patients (which changes `sd(d)` but no visit's mean or range)
#' and moves a step of value from one patient to another within a visit
#' (which keeps the mean but changes the spread) until every t rounds right.
#' Results follow [set.seed()]. Errors are classed as for [vcf_sprite()];
#' a t that no visit totals allow has class `vcf_error_t_range`. That is a
#' GRIM-like test of the t: with the visit totals fixed, `sd(d)` can only
#' take values from whole sums of squared differences, so a t printed to 2
#' decimals is often unreachable for small `n`.
#'
#' @param n Number of patients, a whole number in \[2, 1e6\].
#' @param means,mins,maxs Reported mean, minimum and maximum per visit (2 to
#'   8 visits, finite); names of `means` name the result's columns.
#' @param digits Digits of the printed means (and SDs), recycled per visit.
#' @param t Reported paired t statistics, one per pair, `NA` for a pair
#'   without one; `NULL` for none.
#' @param t_digits Digits of the printed t statistics, recycled per pair.
#' @param pairs Visit pairs the t statistics compare: a two-column matrix of
#'   visit indices, one row per t (first minus second). Default: consecutive
#'   visits.
#' @param sds Optional reported SD per visit (`NA` where not reported).
#' @param granularity Step of the values, shared by all visits of the
#'   variable (1: integers, 0.1: one decimal).
#' @param attain_range If `TRUE` (default), each visit's min and max occur.
#' @param k Number of reconstructions, a whole number in \[1, 1e6\] (and
#'   `n` x visits x `k` at most 1e8 values).
#' @param max_iter Budget of search steps per reconstruction, a finite
#'   number in \[1, 1e10\] (as for [vcf_sprite()], larger or non-finite
#'   values are refused with class `vcf_error_limit`).
#' @return For `k = 1` an `n` x visits matrix (patients in rows); otherwise
#'   an `n` x visits x `k` array.
#' @examples
#' set.seed(3)
#' x <- vcf_sprite_paired(30, means = c(pre = 7.9, post = 2.4),
#'                        mins = c(6, 0), maxs = c(9, 4), t = 19.5,
#'                        t_digits = 1)
#' colMeans(x)
#' t.test(x[, "pre"], x[, "post"], paired = TRUE)$statistic
#' @export
vcf_sprite_paired <- function(n, means, mins, maxs, digits = 1, t = NULL,
                              t_digits = 2, pairs = NULL, sds = NULL,
                              granularity = 1, attain_range = TRUE, k = 1,
                              max_iter = 1e8) {
  check_finite(n, min = 2, max = max_samples, integer = TRUE)
  n <- as.integer(n)
  nv <- length(means)
  if (!is.numeric(means) || nv < 2L || nv > 8L || !all(is.finite(means))) {
    vcf_abort(c("{.arg means} must be 2 to 8 finite numbers, one per visit.",
                x = "It is {.val {format_arg(means)}}."), "argument")
  }
  check_visit_vector(mins, nv)
  check_visit_vector(maxs, nv)
  if (!is.null(sds)) check_visit_vector(sds, nv, allow_na = TRUE)
  if (!is.null(sds) && any(sds < 0, na.rm = TRUE)) {
    vcf_abort(c("{.arg sds} must not be negative.",
                x = "It is {.val {format_arg(sds)}}."), "argument")
  }
  check_finite(k, min = 1, max = max_samples, integer = TRUE)
  check_max_iter(max_iter)
  check_result_size(n * nv * k, "{.arg n} x visits x {.arg k}")
  check_flag(attain_range)
  digits <- rep_len(check_digits(digits, nv), nv)
  m <- grid_units(granularity)
  pairs <- check_pairs(pairs, nv)
  if (is.null(t)) t <- rep(NA_real_, nrow(pairs))
  if (!is.numeric(t) || length(t) != nrow(pairs) || any(is.infinite(t))) {
    vcf_abort(c("{.arg t} must have one finite value (or NA) per pair ({nrow(pairs)}).",
                x = "It is {.val {format_arg(t)}}."), "argument")
  }
  t_digits <- rep_len(check_digits(t_digits, length(t)), length(t))
  keep <- !is.na(t)
  pairs <- pairs[keep, , drop = FALSE]
  t_digits <- t_digits[keep]
  t <- t[keep]

  visit_names <- names(means)
  if (is.null(visit_names)) visit_names <- paste0("visit", seq_len(nv))
  specs <- lapply(seq_len(nv), function(v) {
    sd_v <- if (is.null(sds) || is.na(sds[v])) NULL else sds[v]
    visit_spec(n, means[[v]], sd_v, mins[[v]], maxs[[v]], digits[v], digits[v],
               m, attain_range, what = visit_names[v])
  })
  field <- function(name) vapply(specs, function(s) as.double(s[[name]]), 0)
  half <- 0.5 * 10^-t_digits
  tlo <- t - half * (1 + 1e-12)
  thi <- t + half * (1 + 1e-12)
  check_t_windows(n, specs, pairs, formatC(t, format = "f", digits = t_digits),
                  tlo, thi, visit_names)

  res <- .Call(C_reconstruct_paired, n, as.integer(field("lo")),
               as.integer(field("hi")), field("smin"), field("smax"),
               field("dlo"), field("dhi"), rep(attain_range, nv),
               as.integer(pairs[, 1L] - 1L), as.integer(pairs[, 2L] - 1L),
               as.double(tlo), as.double(thi), as.integer(k),
               as.double(max_iter), rng_seed_pair())
  if (length(res) == 1L) {
    vcf_abort(c("No paired sample was found within {.arg max_iter} = {max_iter} steps.",
                i = "Each visit and each t is feasible on its own; together
                     they may need a spread of the differences that the ranges
                     cannot give, or a larger {.arg max_iter}."),
              c("not_found", "reconstruct"))
  }
  res <- if (m == 1L) res else res / m
  if (k == 1) {
    matrix(res, n, nv, dimnames = list(NULL, visit_names))
  } else {
    array(res, c(n, nv, k), dimnames = list(NULL, visit_names, NULL))
  }
}

#' Counts consistent with a reported percentage
#'
#' Every count `k` in `0:n` whose percentage `100 * k / n`, printed to
#' `digits`, gives the reported `percent` under a rounding rule:
#' `"round"` (to nearest; a value exactly halfway may go either way),
#' `"up_or_down"` (the printed value is the floor or the ceiling, as when a
#' table rounded some values up and others down) or `"truncate"` (digits cut
#' off). Integer arithmetic, so 1/3 and 2/3 are never misjudged.
#'
#' @param percent Reported percentage(s), 0-100.
#' @param n Denominator(s), whole numbers in \[1, 2^31), recycled with
#'   `percent`. So that every product stays exact, `n * 100 * 10^digits`
#'   must also be below 2^52 (n below about 4.5e7 for 6 digits); larger
#'   values are refused with class `vcf_error_limit`. At most 1e6
#'   (percent, n) pairs per call (class `vcf_error_work_limit` beyond).
#' @param digits Digits of the printed percentage, a whole number in
#'   \[0, 6\].
#' @param rounding The rounding rule, one of `"round"` (the default),
#'   `"up_or_down"`, `"truncate"`.
#' @return For a single percentage, an integer vector of counts (empty when
#'   none fits). For several, a list of such vectors.
#' @examples
#' vcf_counts(73, 61)                        # none: 44 is 72.1%, 45 is 73.8%
#' vcf_counts(73, 61, rounding = "truncate") # 45
#' vcf_counts(c(54, 90, 8), 61)
#' @export
vcf_counts <- function(percent, n, digits = 0,
                       rounding = c("round", "up_or_down", "truncate")) {
  rounding <- check_rounding(rounding)
  if (!is.numeric(percent) || !length(percent) || anyNA(percent) ||
      any(percent < 0 | percent > 100)) {
    vcf_abort(c("{.arg percent} must be numbers in [0, 100].",
                x = "It is {.val {format_arg(percent)}}."), "argument")
  }
  if (!is.numeric(n) || !length(n) || anyNA(n) || any(!is.finite(n)) ||
      any(n < 1 | n != round(n))) {
    vcf_abort(c("{.arg n} must be whole numbers >= 1.",
                x = "It is {.val {format_arg(n)}}."), "argument")
  }
  check_number(digits, min = 0, max = 6, integer = TRUE)
  scale <- 10^digits
  if (any(n * 100 * scale >= 2^52) || any(n > .Machine$integer.max)) {
    vcf_abort(c("{.arg n} is too large for exact counts at {digits} digit{?s}.",
                x = "{.arg n} must be below 2^31 and {.arg n} * 100 * 10^{.arg digits} below 2^52; the largest {.arg n} is {format(max(n), scientific = FALSE)}."),
              c("limit", "argument"))
  }
  len <- max(length(percent), length(n))
  if (len > max_samples) {
    vcf_abort(c("{.arg percent} and {.arg n} give more than 1e6 pairs.",
                x = "They give {len}; split the call."), c("work_limit", "argument"))
  }
  percent <- rep_len(percent, len)
  n <- rep_len(n, len)
  out <- lapply(seq_len(len), function(i) {
    p <- round(percent[i] * scale)
    # only counts near n * p / (100 * scale) can print as p: every rule
    # keeps k within n / (100 * scale) of it (one more each side for the
    # rounding of this division), and the exact test below decides
    centre <- n[i] * p / (100 * scale)
    reach <- n[i] / (100 * scale) + 1
    k <- seq(max(0, floor(centre - reach)), min(n[i], ceiling(centre + reach)))
    # 100 * k / n printed as p / scale, compared exactly on integers
    a <- k * 100 * scale
    ok <- switch(rounding,
      round = abs(2 * a - 2 * p * n[i]) <= n[i],
      up_or_down = abs(a - p * n[i]) < n[i],
      truncate = a >= p * n[i] & a < (p + 1) * n[i]
    )
    as.integer(k[ok])
  })
  if (len == 1L) out[[1L]] else out
}

# Helpers ---------------------------------------------------------------------

# Largest n and k (samples, reconstructions) and max_iter: they bound the
# memory and the time a call may take before it is interrupted.
max_samples <- 1e6
max_iterations <- 1e10
max_values <- 1e8

# check_number() for finite values: Inf is never a valid size, bound or
# reported statistic here.
check_finite <- function(x, arg = rlang::caller_arg(x), min = -Inf, max = Inf,
                         integer = FALSE, call = rlang::caller_env()) {
  scalar <- is.numeric(x) && length(x) == 1L && !is.na(x)
  if (scalar && (is.infinite(x) || x > max || x < min)) {
    # a size beyond its bound is a limit; any other non-finite value is
    # simply not a valid number
    class <- if (is.finite(max) && x > max) c("limit", "argument") else "argument"
    vcf_abort(c("{.arg {arg}} must be a finite {if (integer) 'whole ' else ''}number in [{min}, {format(max, scientific = max >= 1e5)}].",
                x = "It is {format(x, digits = 15)}."), class, call = call)
  }
  check_number(x, arg = arg, min = min, max = max, integer = integer, call = call)
}

check_max_iter <- function(max_iter, call = rlang::caller_env()) {
  if (!is.numeric(max_iter) || length(max_iter) != 1L || is.na(max_iter) ||
      max_iter < 1 || max_iter > max_iterations) {
    vcf_abort(c("{.arg max_iter} must be a finite number of steps in [1, 1e10].",
                x = "It is {.val {format_arg(max_iter)}}.",
                i = "The search checks for interrupts; a budget beyond 1e10 steps would run for hours."),
              c("limit", "argument"), call = call)
  }
  invisible(max_iter)
}

check_result_size <- function(size, what, call = rlang::caller_env()) {
  if (size > max_values) {
    vcf_abort(c(paste0(what, " must be at most 1e8 values."),
                x = "It is {format(size, big.mark = ',', scientific = FALSE)}."),
              c("limit", "argument"), call = call)
  }
  invisible(size)
}

check_rounding <- function(rounding, call = rlang::caller_env()) {
  choices <- c("round", "up_or_down", "truncate")
  if (identical(rounding, choices)) return("round")
  if (!is.character(rounding) || length(rounding) != 1L || is.na(rounding) ||
      !rounding %in% choices) {
    vcf_abort(c("{.arg rounding} must be one of {.val {choices}}.",
                x = "It is {.val {format_arg(rounding)}}."), c("rounding", "argument"),
              call = call)
  }
  rounding
}

# Two numbers from R's RNG that seed the C generator.
rng_seed_pair <- function() floor(stats::runif(2L) * 2^31)

grid_units <- function(granularity, call = rlang::caller_env()) {
  check_number(granularity, min = 1e-6, max = 1, call = call)
  m <- round(1 / granularity)
  if (abs(m * granularity - 1) > 1e-9) {
    vcf_abort(c("{.arg granularity} must be 1/m for a whole number m (1, 0.5, 0.1, ...).",
                x = "It is {granularity}."), c("granularity", "argument"),
              call = call)
  }
  as.integer(m)
}

check_digits <- function(digits, max_len, call = rlang::caller_env()) {
  if (!is.numeric(digits) || !length(digits) || length(digits) > max_len ||
      anyNA(digits) || any(digits < 0 | digits > 6 | digits != round(digits))) {
    vcf_abort(c("{.arg digits} must be whole numbers in [0, 6], at most {max_len}.",
                x = "It is {.val {format_arg(digits)}}."), "argument", call = call)
  }
  rep_len(as.integer(digits), max_len)
}

check_visit_vector <- function(x, nv, allow_na = FALSE, arg = rlang::caller_arg(x),
                               call = rlang::caller_env()) {
  if (!is.numeric(x) || length(x) != nv || (!allow_na && anyNA(x)) ||
      any(is.infinite(x))) {
    vcf_abort(c("{.arg {arg}} must be {nv} finite number{?s}, one per visit.",
                x = "It is {.val {format_arg(x)}}."), "argument", call = call)
  }
  invisible(x)
}

check_pairs <- function(pairs, nv, call = rlang::caller_env()) {
  if (is.null(pairs)) return(cbind(seq_len(nv - 1L), seq_len(nv - 1L) + 1L))
  if (is.list(pairs) && !is.data.frame(pairs)) {
    pairs <- tryCatch(do.call(rbind, pairs), error = function(e) NULL)
  }
  if (!is.numeric(pairs) || !is.matrix(pairs) || ncol(pairs) != 2L ||
      anyNA(pairs) || any(pairs < 1 | pairs > nv | pairs != round(pairs)) ||
      any(pairs[, 1L] == pairs[, 2L]) || nrow(pairs) > 28L) {
    vcf_abort(c("{.arg pairs} must be a two-column matrix of distinct visit indices in 1..{nv}.",
                x = "It is {.val {format_arg(pairs)}}."), "argument", call = call)
  }
  storage.mode(pairs) <- "integer"
  pairs
}

# Integer value of a reported number on its printed digits; errors when the
# number has more digits than stated.
printed_integer <- function(x, digits, arg, call) {
  v <- round(x * 10^digits)
  if (!is.finite(v) || abs(v) > 2^50) {
    vcf_abort(c("{.arg {arg}} = {x} is too large to be a reported value.",
                i = "Its printed digits must fit 2^50."), c("limit", "argument"), call = call)
  }
  if (abs(x * 10^digits - v) > 1e-6 * max(1, abs(v))) {
    vcf_abort(c("{.arg {arg}} = {x} has more than {digits} decimal{?s}.",
                i = "Give the value as printed and its {.arg digits}."),
              c("digits", "argument"), call = call)
  }
  v
}

# Exact windows of one variable (or visit) in grid units: the bounds lo, hi,
# the totals smin..smax whose mean rounds to `mean`, and the window
# dlo..dhi on n * sum(x^2) - sum(x)^2 from the SD (dhi = -1 without SD).
visit_spec <- function(n, mean, sd, min, max, digits, sd_digits, m, attain,
                       what, call = rlang::caller_env()) {
  where <- if (is.null(what)) "" else paste0(" at visit \"", what, "\"")
  if (min > max) {
    vcf_abort(c("{.arg min} must not exceed {.arg max}{where}.",
                x = "It is {min} > {max}."), c("bounds", "infeasible"),
              call = call)
  }
  lo <- min * m
  hi <- max * m
  if (abs(lo - round(lo)) > 1e-9 || abs(hi - round(hi)) > 1e-9) {
    vcf_abort(c("{.arg min} and {.arg max}{where} must lie on the grid of step {1 / m}.",
                x = "They are {min} and {max}."), c("granularity", "argument"),
              call = call)
  }
  lo <- round(lo)
  hi <- round(hi)
  if (max(abs(lo), abs(hi)) * n > 2^31 || max(abs(lo), abs(hi)) > 1e6) {
    vcf_abort("The range{where} is too large for the integer grid.",
              c("bounds", "argument"), call = call)
  }
  if (attain && n == 1L && lo < hi) {
    vcf_abort("One value cannot attain both {.arg min} = {min} and {.arg max} = {max}{where}.",
              c("bounds", "infeasible"), call = call)
  }
  attain <- attain && n >= 2L && lo < hi
  range_lo <- if (attain) lo + hi + (n - 2) * lo else n * lo
  range_hi <- if (attain) lo + hi + (n - 2) * hi else n * hi
  r <- printed_integer(mean, digits, "mean", call)
  den <- 2 * 10^digits
  smin <- ceiling((2 * r - 1) * n * m / den)
  smax <- floor((2 * r + 1) * n * m / den)
  if (smin > smax) {
    vcf_abort(c("No {n} value{?s} on a grid of step {1 / m} have a mean that rounds to {mean}{where} (GRIM).",
                i = "Means of {n} such values move in steps of {format(1 / (n * m), digits = 4)}."),
              c("grim", "infeasible"), call = call)
  }
  if (smax < range_lo || smin > range_hi) {
    vcf_abort(c("A mean of {mean}{where} is impossible with values in [{min}, {max}].",
                i = if (attain) "Both {min} and {max} must occur in the sample."),
              c("bounds", "infeasible"), call = call)
  }
  smin <- max(smin, range_lo)
  smax <- min(smax, range_hi)
  if (smax - smin + 1 > max_totals) {
    vcf_abort(c("The mean of {mean}{where} leaves {format(smax - smin + 1, big.mark = ',')} possible totals on a grid of step {1 / m}.",
                i = "At most {format(max_totals, big.mark = ',', scientific = FALSE)} are searched: use a coarser {.arg granularity} or the printed {.arg digits}."),
              c("limit", "argument"), call = call)
  }
  dlo <- 0
  dhi <- -1
  if (!is.null(sd)) {
    if (n < 2L) {
      vcf_abort("An SD needs {.arg n} >= 2.", c("sd_range", "infeasible"),
                call = call)
    }
    rs <- printed_integer(sd, sd_digits, "sd", call) / 10^sd_digits
    hs <- 0.5 * 10^-sd_digits
    nn <- n * (n - 1) * m^2
    dlo <- nn * max(0, rs - hs)^2 * (1 - 1e-12)
    dhi <- nn * (rs + hs)^2 * (1 + 1e-12)
    s <- seq(smin, smax)
    achievable <- d_range(n, s, lo, hi, attain)
    if (!any(achievable$max >= dlo & achievable$min <= dhi)) {
      sd_min <- sqrt(min(achievable$min) / (n * (n - 1))) / m
      sd_max <- sqrt(max(achievable$max) / (n * (n - 1))) / m
      vcf_abort(c("An SD of {sd}{where} is impossible with a mean of {mean} and values in [{min}, {max}].",
                  i = "The SD can range from {format(sd_min, digits = 4)} to {format(sd_max, digits = 4)}."),
                c("sd_range", "infeasible"), call = call)
    }
  }
  list(lo = lo, hi = hi, smin = smin, smax = smax, dlo = dlo, dhi = dhi,
       n = n, m = m)
}

# Most totals whose SD range is examined (one double each, in R).
max_totals <- 1e7

# Smallest and largest n * sum(x^2) - s^2 for totals s (vectorised), as in C.
d_range <- function(n, s, lo, hi, attain) {
  f <- if (attain) 2L else 0L
  cnt <- n - f
  t <- s - if (attain) lo + hi else 0
  fixed <- if (attain) lo^2 + hi^2 else 0
  if (cnt == 0L) return(list(min = n * fixed - s^2, max = n * fixed - s^2))
  q <- floor(t / cnt)
  rem <- t - q * cnt
  qmin <- fixed + (cnt - rem) * q^2 + rem * (q + 1)^2
  if (hi == lo) {
    qmax <- fixed + cnt * lo^2
  } else {
    above <- t - cnt * lo
    at_hi <- floor(above / (hi - lo))
    mid <- lo + above - at_hi * (hi - lo)
    at_lo <- cnt - at_hi - 1
    qmax <- ifelse(at_lo < 0, fixed + cnt * hi^2,
                   fixed + at_hi * hi^2 + mid^2 + pmax(at_lo, 0) * lo^2)
  }
  list(min = n * qmin - s^2, max = n * qmax - s^2)
}

# Is any pair of visit totals compatible with each t window? (sum(d^2) has
# the parity of sum(d); the t window maps to a window on sum(d^2).)
check_t_windows <- function(n, specs, pairs, t_text, tlo, thi, visit_names,
                            call = rlang::caller_env()) {
  for (p in seq_len(nrow(pairs))) {
    a <- specs[[pairs[p, 1L]]]
    b <- specs[[pairs[p, 2L]]]
    # every difference of a total of a and a total of b, each once
    sd <- seq(a$smin - b$smax, a$smax - b$smin)
    if (!any(qd_window_ok(n, sd, tlo[p], thi[p]))) {
      sign_ok <- (sd > 0 & thi[p] > 0) | (sd < 0 & tlo[p] < 0) |
        (sd == 0 & tlo[p] <= 0 & thi[p] >= 0)
      why <- if (!any(sign_ok)) {
        c(i = "The means give the opposite sign: t is for the first visit minus the second.")
      } else {
        c(i = "With {n} patients, sum(d^2) is a whole number (in grid units) of the
               parity of sum(d), so sd(d) and t take discrete values; none of them
               rounds to {t_text[p]} with means that round to the reported ones.")
      }
      vcf_abort(c("No visit totals give a paired t that rounds to {t_text[p]} for \"{visit_names[pairs[p, 1L]]}\" - \"{visit_names[pairs[p, 2L]]}\".",
                  why),
                c("t_range", "infeasible"), call = call)
    }
  }
  invisible(TRUE)
}

qd_window_ok <- function(n, sd, tlo, thi) {
  ok <- logical(length(sd))
  zero <- sd == 0
  ok[zero] <- tlo <= 0 & thi >= 0
  pos <- sd > 0
  neg <- sd < 0
  a <- ifelse(pos, pmax(tlo, 0), pmax(-thi, 0))
  b <- ifelse(pos, thi, -tlo)
  valid <- (pos & thi > 0) | (neg & tlo < 0)
  lo <- (sd^2 * (n - 1) / b^2 + sd^2) / n
  hi <- ifelse(a > 0, (sd^2 * (n - 1) / a^2 + sd^2) / n, Inf)
  first <- ceiling(lo)
  first <- first + (abs(first - sd) %% 2)
  ok[!zero] <- (valid & first <= hi)[!zero]
  ok
}
