# Auditing published statistics: GRIM, GRIMMER, percentages, p values from
# test statistics, relations between numbers of a table, and vcf_audit(),
# which runs every check that a table of reported statistics allows.
#
# Every check returns a data frame with `verdict` ("consistent",
# "inconsistent", "decision-error", "not-checkable"), `expected` and a
# human-readable `detail`. Reported numbers stand for their rounding
# interval: 3.45 printed with two decimals is any value in [3.445, 3.455].

verdicts <- c("consistent", "inconsistent", "decision-error", "not-checkable")

# Helpers -------------------------------------------------------------------

# Parse printed numbers: "<.0001" -> value 1e-04, comparison "<", 4 digits;
# "3.50" -> 3.5 with 2 digits (trailing zeros count); "\u22120.5" -> -0.5.
parse_reported <- function(x) {
  text <- trimws(as.character(x))
  text <- gsub("\u2212|\u2013", "-", text)
  text <- sub("^[pP]\\s*", "", text)
  comparison <- ifelse(grepl("^<", text), "<",
                       ifelse(grepl("^>", text), ">", "="))
  number <- sub("^[<>=\u2264\u2265]+\\s*", "", text)
  number <- gsub("[%[:space:]]", "", number)
  number <- sub("^(-?)\\.", "\\10.", number)
  value <- suppressWarnings(as.numeric(number))
  digits <- ifelse(grepl("\\.", number), nchar(sub("^[^.]*\\.", "", number)), 0L)
  digits[is.na(value)] <- NA_integer_
  list(value = value, digits = as.integer(digits), comparison = comparison)
}

# Decimals of numbers as R prints them (trailing zeros are lost: 2.10 -> 1).
decimals_of <- function(x) {
  if (is.character(x)) return(parse_reported(x)$digits)
  out <- rep(NA_integer_, length(x))
  ok <- !is.na(x) & is.finite(x)
  text <- vapply(x[ok], function(v) format(v, scientific = FALSE, digits = 15, trim = TRUE),
                 character(1))
  text <- ifelse(grepl("\\.", text), sub("0+$", "", text), paste0(text, "."))
  out[ok] <- nchar(sub("^[^.]*\\.", "", text))
  out
}

# A reported value as number and digits, from character or numeric input.
as_reported <- function(x, digits, arg, call = rlang::caller_env()) {
  if (is.factor(x)) x <- as.character(x)
  if (is.character(x)) {
    parsed <- parse_reported(x)
    bad <- which(!is.na(x) & is.na(parsed$value))
    if (length(bad)) {
      vcf_abort(c("{.arg {arg}} must hold printed numbers.",
                  x = "Not a number at {describe_rows(bad, x[bad])}."),
                c("type", "argument"), call = call)
    }
    value <- parsed$value
    d <- if (is.null(digits)) parsed$digits else digits
  } else if (is.numeric(x) || is.logical(x)) {
    value <- as.numeric(x)
    if (is.null(digits)) {
      vcf_abort(c("{.arg digits} is needed when {.arg {arg}} is numeric.",
                  i = "Give the decimals as printed, or pass {.arg {arg}} as text such as \"3.50\"."),
                c("digits", "argument"), call = call)
    }
    d <- digits
  } else {
    vcf_abort("{.arg {arg}} must be numeric or character, not {.cls {class(x)}}.",
              c("type", "argument"), call = call)
  }
  list(value = value, digits = d)
}

check_whole <- function(x, arg, min = 0, call = rlang::caller_env()) {
  if (!is.numeric(x)) {
    vcf_abort("{.arg {arg}} must be numeric, not {.cls {class(x)}}.",
              c("type", "argument"), call = call)
  }
  bad <- which(!is.na(x) & (x != round(x) | x < min))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} must hold whole numbers >= {min}.",
                x = "Not so at {describe_rows(bad, x[bad])}."),
              c("range", "argument"), call = call)
  }
  invisible(x)
}

recycle_args <- function(..., call = rlang::caller_env()) {
  args <- list(...)
  lengths <- lengths(args)
  len <- if (any(lengths == 0L)) 0L else max(lengths)
  bad <- names(args)[lengths != 1L & lengths != len]
  if (length(bad)) {
    vcf_abort(c("Arguments must have length 1 or a common length ({len}).",
                x = "{.arg {bad}} ha{?s/ve} length{?s} {lengths[bad]}."),
              c("length", "argument"), call = call)
  }
  lapply(args, function(a) if (length(a) == len) a else rep(a, len))
}

rounding_modes <- c("up_or_down", "up", "down", "even", "truncate")

fmt <- function(x, digits) {
  out <- rep("NA", length(x))
  ok <- !is.na(x)
  out[ok] <- sprintf("%.*f", as.integer(rep_len(digits, length(x))[ok]), x[ok])
  out
}

# Half-width of the rounding interval of a number printed with `digits`.
half_unit <- function(digits) 0.5 * 10^(-digits)

new_check <- function(..., verdict, expected, detail) {
  out <- data.frame(..., stringsAsFactors = FALSE)
  out$verdict <- verdict
  out$expected <- expected
  out$detail <- detail
  rownames(out) <- NULL
  out
}

# GRIM ----------------------------------------------------------------------

#' GRIM test: can a mean of integer data round to the reported value?
#'
#' A mean of `n` integers (or of `n` scores that are each the mean of `items`
#' integer items) is a multiple of `1 / (n * items)`. `vcf_grim()` asks
#' whether any such multiple rounds to the reported mean. The test is done in
#' exact integer arithmetic on the rounding interval of the printed value,
#' so it does not depend on binary floating point.
#'
#' GRIM can only detect anything when `n * items < 10^digits`: with more
#' values every mean of that precision is possible, and the verdict is
#' `"not-checkable"`.
#'
#' @param mean Reported means: character as printed (`"3.50"`, so trailing
#'   zeros count) or numeric together with `digits`.
#' @param n Sample sizes (whole numbers >= 1).
#' @param digits Decimals as printed. Defaults to the decimals of the
#'   character `mean`; required for numeric `mean`.
#' @param items Number of integer items averaged into each score.
#' @param rounding How the authors rounded: `"up_or_down"` (either way at a
#'   tie, the default), `"up"` (half away from zero), `"down"` (half toward
#'   zero), `"even"` (half to even) or `"truncate"`.
#' @return A data frame with one row per mean: `mean`, `n`, `items`,
#'   `digits`, `verdict`, `consistent` (logical, `NA` when not checkable),
#'   `expected` (for an impossible mean, the nearest possible ones) and
#'   `detail`.
#' @seealso [vcf_grimmer()] for a mean with its SD, [vcf_audit()].
#' @examples
#' vcf_grim(c("5.19", "5.18", "3.50"), n = c(28, 28, 20))
#' vcf_grim(2.5, n = 10, digits = 2, items = 3)
#' @export
vcf_grim <- function(mean, n, digits = NULL, items = 1, rounding = "up_or_down") {
  check_string(rounding, choices = rounding_modes)
  rep_mean <- as_reported(mean, digits, "mean")
  check_whole(n, "n", min = 1)
  check_whole(items, "items", min = 1)
  args <- recycle_args(mean = rep_mean$value, n = n, digits = rep_mean$digits,
                       items = items)
  check_whole(args$digits, "digits")
  printed <- if (is.character(mean)) rep_len(mean, length(args$mean)) else
    fmt(args$mean, args$digits)
  total <- as.numeric(args$n) * args$items
  res <- .Call(C_audit_grim, round(args$mean * 10^args$digits),
               as.integer(args$digits), total,
               match(rounding, rounding_modes) - 1L)
  sums <- res[[1L]]
  informative <- total < 10^args$digits
  verdict <- ifelse(is.na(sums), "not-checkable",
                    ifelse(sums == 0, "inconsistent",
                           ifelse(informative, "consistent", "not-checkable")))
  below <- res[[2L]] / total
  above <- res[[3L]] / total
  expected <- ifelse(verdict == "inconsistent",
                     paste(fmt(below, args$digits), "or", fmt(above, args$digits)),
                     printed)
  what <- ifelse(args$items > 1,
                 paste0(args$n, " \u00d7 ", args$items, " = ", total, " items"),
                 paste0("n = ", args$n))
  detail <- ifelse(
    is.na(sums), "missing or unusable input",
    ifelse(verdict == "inconsistent",
           paste0("no sum of integers gives mean ", printed, " with ", what,
                  ": the nearest possible means are ", fmt(below, 4), " (",
                  fmt(below, args$digits), ") and ", fmt(above, 4), " (",
                  fmt(above, args$digits), ")"),
           ifelse(informative,
                  paste0("mean ", printed, " with ", what, " is possible (sum ",
                         ifelse(sums == 1, "", "one of "), round(args$mean * total), ")"),
                  paste0("every mean with ", args$digits, " decimals is possible when ",
                         what, " >= 10^", args$digits))))
  add_consistent(new_check(mean = printed, n = args$n, items = args$items,
                           digits = args$digits, verdict = verdict,
                           expected = expected, detail = detail))
}

add_consistent <- function(out) {
  out$consistent <- ifelse(out$verdict == "not-checkable", NA,
                           out$verdict == "consistent")
  out[, c(setdiff(names(out), c("verdict", "consistent", "expected", "detail")),
          "verdict", "consistent", "expected", "detail")]
}

# GRIMMER -------------------------------------------------------------------

#' GRIMMER test: can a mean and SD of integer data both round as reported?
#'
#' For data of `n` integers (item sums when `items > 1`) with sum `S` and sum
#' of squares `Q`, the mean is `S / (n * items)` and the sample SD is
#' `sqrt((n Q - S^2) / (n (n - 1))) / items`. `vcf_grimmer()` searches, in
#' exact integer arithmetic in C, every sum `S` that GRIM allows; for each,
#' the rounding interval of the SD gives a range of integer `Q`, which must
#' also
#' * have the parity of `S` (because `y^2` and `y` have the same parity), as
#'   in Anaya's GRIMMER;
#' * be at least the smallest sum of squares of `n` integers with sum `S`
#'   (the values as equal as possible);
#' * for `n <= 4`, be an actual sum of `n` squares with sum `S` (there are
#'   gaps: four integers with sum 2 never have a sum of squares of 8, 16, 24,
#'   ...), found by an exhaustive search.
#'
#' @section Where it is conservative:
#' For `n >= 5` every `Q` passing the parity and minimum conditions is taken
#' as attainable; the package tests confirm this exhaustively for
#' `n = 5, ..., 9` up to `Q - Q_min = 400` but it is not proven in general.
#' The scale's limits (for example 0-10) are not known to the test, so an SD
#' too large for a bounded scale is not caught. For `n <= 4` the exact search
#' has a work budget; should it run out (only for SDs of thousands of
#' units) the combination is passed. Unlike scrutiny's `grimmer_map()`,
#' which tests one sum, every sum compatible with the mean is tried, so
#' when `n * items > 10^digits` the verdict is never a false alarm.
#'
#' @inheritParams vcf_grim
#' @param sd Reported standard deviations, character or numeric.
#' @param digits Decimals of the mean (and of the SD unless `sd_digits` is
#'   given); defaults to those of the character input.
#' @param sd_digits Decimals of the SD.
#' @param threads Threads for the C search (0: all).
#' @return A data frame with one row per (mean, SD, n): `mean`, `sd`, `n`,
#'   `items`, `verdict`, `consistent`, `reason` (`"GRIM"`: the mean alone is
#'   impossible; `"sd-range"`: no integer sum of squares gives the SD;
#'   `"parity"`; `"attainable"`: the sums of squares that give the SD are
#'   not attainable by `n` integers), `expected` (nearest possible SDs) and
#'   `detail`.
#' @examples
#' vcf_grimmer(c("3.50", "3.50"), c("1.30", "1.36"), n = c(10, 10))
#' vcf_grimmer("5.21", "1.60", n = 28)
#' @export
vcf_grimmer <- function(mean, sd, n, digits = NULL, items = 1, sd_digits = digits,
                        rounding = "up_or_down", threads = 1L) {
  check_string(rounding, choices = rounding_modes)
  check_number(threads, min = 0, integer = TRUE)
  rep_mean <- as_reported(mean, digits, "mean")
  rep_sd <- as_reported(sd, sd_digits, "sd")
  check_whole(n, "n", min = 1)
  check_whole(items, "items", min = 1)
  args <- recycle_args(mean = rep_mean$value, sd = rep_sd$value, n = n,
                       digits = rep_mean$digits, sd_digits = rep_sd$digits,
                       items = items)
  check_whole(args$digits, "digits")
  check_whole(args$sd_digits, "sd_digits")
  bad <- which(!is.na(args$sd) & args$sd < 0)
  if (length(bad)) {
    vcf_abort(c("{.arg sd} must not be negative.",
                x = "Negative at {describe_rows(bad, args$sd[bad])}."),
              c("range", "argument"))
  }
  printed_mean <- if (is.character(mean)) rep_len(mean, length(args$mean)) else
    fmt(args$mean, args$digits)
  printed_sd <- if (is.character(sd)) rep_len(sd, length(args$sd)) else
    fmt(args$sd, args$sd_digits)
  res <- .Call(C_audit_grimmer, round(args$mean * 10^args$digits),
               as.integer(args$digits), round(args$sd * 10^args$sd_digits),
               as.integer(args$sd_digits), as.numeric(args$n),
               as.integer(args$items), match(rounding, rounding_modes) - 1L,
               as.integer(threads))
  code <- res[[1L]]
  reason <- c("attainable", "parity", "sd-range", "GRIM", "")[
    match(code, c(-3L, -2L, -1L, 0L, 1L))]
  verdict <- ifelse(is.na(code), "not-checkable",
                    ifelse(code == 1L, "consistent", "inconsistent"))
  sd_text <- function(v) ifelse(is.na(v), NA, fmt(v, args$sd_digits))
  near <- ifelse(is.na(res[[2L]]) & is.na(res[[3L]]), "none",
                 ifelse(is.na(res[[2L]]), sd_text(res[[3L]]),
                        ifelse(is.na(res[[3L]]), sd_text(res[[2L]]),
                               paste(sd_text(res[[2L]]), "or", sd_text(res[[3L]])))))
  grim <- vcf_grim(printed_mean, args$n, args$digits, args$items, rounding)
  expected <- ifelse(code %in% 0L, grim$expected,
                     ifelse(verdict == "inconsistent", paste0("SD ", near), printed_sd))
  what <- paste0("mean ", printed_mean, ", SD ", printed_sd, ", n = ", args$n,
                 ifelse(args$items > 1, paste0(" (", args$items, " items)"), ""))
  why <- c(
    GRIM = "the mean alone is impossible (GRIM)",
    `sd-range` = "no integer sum of squares gives an SD that rounds to it",
    parity = "the sums of squares that give the SD have the wrong parity for the sum",
    attainable = "the sums of squares that give the SD cannot be reached by n integers")
  detail <- ifelse(
    is.na(code), "missing, unusable or too large input",
    ifelse(verdict == "consistent", paste0(what, ": integer data can give both"),
           paste0(what, ": ", why[reason],
                  ifelse(code %in% 0L, "", paste0("; the nearest possible SDs are ", near)))))
  out <- new_check(mean = printed_mean, sd = printed_sd, n = args$n, items = args$items,
                   verdict = verdict, expected = expected, detail = detail)
  out$reason <- ifelse(reason == "", NA_character_, reason)
  out <- add_consistent(out)
  out[, c("mean", "sd", "n", "items", "verdict", "consistent", "reason",
          "expected", "detail")]
}

# Percentages ---------------------------------------------------------------

#' Check a percentage against its denominator and count
#'
#' Asks whether some count `k` of `n` gives the printed percentage
#' (`100 k / n` rounded to `digits` decimals) and, when `count` is given,
#' whether the printed count is such a `k`.
#'
#' @param percent Printed percentages, numeric or character (`"24.2"`; then
#'   `digits` defaults to the printed decimals).
#' @param n Denominators.
#' @param count Printed counts, or `NULL`.
#' @param digits Decimals of the percentage.
#' @param rounding `"round"` (half up), `"truncate"` or `"up_or_down"`
#'   (either way at a tie).
#' @return A data frame: `percent`, `n`, `count`, `verdict`, `consistent`,
#'   `k_min`, `k_max` (the counts that give the percentage), `expected` and
#'   `detail`.
#' @examples
#' # PV study, Table 1: women 49 (77%) of 64, 24 (77%) of 31, 8 (24%) of 33
#' vcf_check_percent(c(77, 77, 24), n = c(64, 31, 33), count = c(49, 24, 8))
#' vcf_check_percent("33.3", n = 10)
#' @export
vcf_check_percent <- function(percent, n, count = NULL, digits = 0,
                              rounding = c("round", "truncate", "up_or_down")) {
  rounding <- match.arg(rounding)
  if (is.character(percent) && missing(digits)) digits <- NULL
  rep_pct <- as_reported(percent, digits, "percent")
  check_whole(n, "n", min = 1)
  if (is.null(count)) count <- NA_real_
  check_whole(count, "count")
  args <- recycle_args(percent = rep_pct$value, n = n, count = as.numeric(count),
                       digits = rep_pct$digits)
  check_whole(args$digits, "digits")
  mode <- c(round = 1L, truncate = 4L, up_or_down = 0L)[[rounding]]
  # k / n * 100 in the percentage's interval <=> k / (100 n) ... as GRIM
  # with mantissa in units of 10^-(digits + 2) of a proportion.
  res <- .Call(C_audit_grim, round(args$percent * 10^args$digits),
               as.integer(args$digits + 2L), as.numeric(args$n), mode)
  sums <- res[[1L]]
  k_min <- ifelse(is.na(sums) | sums == 0, NA_real_, res[[2L]] + 1)
  k_max <- ifelse(is.na(sums) | sums == 0, NA_real_, res[[3L]] - 1)
  k_min <- pmax(k_min, 0)
  k_max <- pmin(k_max, args$n)
  possible <- !is.na(k_min) & k_min <= k_max
  has_count <- !is.na(args$count)
  count_ok <- has_count & possible & args$count >= k_min & args$count <= k_max
  printed <- fmt(args$percent, args$digits)
  verdict <- ifelse(is.na(args$percent) | is.na(args$n), "not-checkable",
                    ifelse(!possible, "inconsistent",
                           ifelse(has_count & !count_ok, "inconsistent", "consistent")))
  actual <- 100 * args$count / args$n
  counts_text <- ifelse(possible,
                        ifelse(k_min == k_max, paste0("k = ", k_min),
                               paste0("k = ", k_min, "..", k_max)),
                        "no k")
  expected <- ifelse(has_count,
                     paste0(fmt(actual, args$digits), "% for ", args$count, "/", args$n),
                     counts_text)
  complement <- has_count & !count_ok & possible &
    (args$n - args$count) >= k_min & (args$n - args$count) <= k_max
  detail <- ifelse(
    verdict == "not-checkable", "missing percentage or denominator",
    ifelse(!possible,
           paste0("no count out of ", args$n, " gives ", printed, "%"),
           ifelse(has_count & !count_ok,
                  paste0(args$count, "/", args$n, " = ", fmt(actual, args$digits + 1L),
                         "%, not ", printed, "% (", counts_text, " would give it)",
                         ifelse(complement, paste0("; the percentage fits the complement ",
                                                   args$n - args$count, "/", args$n), "")),
                  paste0(printed, "% of ", args$n, " is ", counts_text,
                         ifelse(has_count, paste0(", as printed (", args$count, ")"), "")))))
  out <- new_check(percent = printed, n = args$n, count = args$count,
                   verdict = verdict, expected = expected, detail = detail)
  out$k_min <- ifelse(possible, k_min, NA_real_)
  out$k_max <- ifelse(possible, k_max, NA_real_)
  out <- add_consistent(out)
  out[, c("percent", "n", "count", "verdict", "consistent", "k_min", "k_max",
          "expected", "detail")]
}

# p values ------------------------------------------------------------------

test_aliases <- c(t = "t", f = "F", F = "F", chisq = "chisq", chi2 = "chisq",
                  `chi-square` = "chisq", x2 = "chisq", z = "z", Z = "z", r = "r")

p_from_stat <- function(test, stat, df1, df2, tails) {
  stat <- abs(stat)
  p <- rep(NA_real_, length(stat))
  i <- test == "t"
  p[i] <- tails[i] * stats::pt(-stat[i], df2[i])
  i <- test == "z"
  p[i] <- tails[i] * stats::pnorm(-stat[i])
  i <- test == "r"
  r <- pmin(stat[i], 1)
  p[i] <- tails[i] * stats::pt(-r * sqrt(df2[i] / pmax(1 - r^2, 0)), df2[i])
  i <- test == "F"
  p[i] <- stats::pf(stat[i], df1[i], df2[i], lower.tail = FALSE)
  i <- test == "chisq"
  p[i] <- stats::pchisq(stat[i], df1[i], lower.tail = FALSE)
  pmin(p, 1)
}

#' Recompute a p value from its test statistic and degrees of freedom
#'
#' Recomputes p from a t, F, chi-square, z or correlation r statistic, giving
#' the statistic its printed rounding interval as statcheck does (a printed
#' t = 2.12 is any value in \[2.115, 2.125\]). The reported p is consistent
#' when its own rounding interval (or, for `"<"` and `">"`, its bound) meets
#' the recomputed range. An inconsistent p on the other side of `alpha` from
#' the recomputed one is a decision error. p = `alpha` counts as
#' significant, as in statcheck.
#'
#' The degrees of freedom that would make the reported p consistent are also
#' given (`df_min`, `df_max`; `Inf` when any large df fits), searched by
#' bisection over whole df up to 10^7 (the p of t, r and chi-square is
#' monotone in df) and over df2 = 1, ..., 5000 for F.
#'
#' @param statistic Test statistics, numeric or character as printed.
#' @param df Degrees of freedom: for t and r the (second) df, for chi-square
#'   its df, for F a two-column matrix or data frame (df1, df2), or a length
#'   2 vector for a single F.
#' @param p Reported p values, numeric or character (`"<.0001"`, `".02"`;
#'   the comparison is then read from the text).
#' @param test `"t"`, `"F"`, `"chisq"`, `"z"` or `"r"`.
#' @param comparison `"="`, `"<"` or `">"` for numeric `p`.
#' @param digits Decimals of the statistic (default: as printed).
#' @param p_digits Decimals of p (default: as printed).
#' @param alpha Significance level for decision errors.
#' @param tails 1 or 2, for t, z and r.
#' @return A data frame: `test`, `statistic`, `df1`, `df2`, `p`, `comparison`,
#'   `p_computed` (at the printed statistic), `p_min`, `p_max`, `verdict`,
#'   `decision_error`, `df_min`, `df_max`, `expected` and `detail`.
#' @examples
#' # BKP study, Table 2: t = 2.12 for 61 pairs, printed p = 0.0601
#' vcf_check_p(2.12, df = 60, p = "0.0601")
#' vcf_check_p(c("4.10", "1.5"), df = cbind(2, 40), p = c("<.001", ".23"), test = "F")
#' @export
vcf_check_p <- function(statistic, df, p, test = "t", comparison = "=", digits = NULL,
                        alpha = 0.05, tails = 2, p_digits = NULL) {
  check_number(alpha, min = 0, max = 1)
  test_name <- unname(test_aliases[as.character(test)])
  bad <- which(is.na(test_name))
  if (length(bad)) {
    vcf_abort(c("{.arg test} must be one of \"t\", \"F\", \"chisq\", \"z\", \"r\".",
                x = "Not so at {describe_rows(bad, test[bad])}."),
              c("test", "argument"))
  }
  if (is.null(digits) && is.numeric(statistic)) digits <- decimals_of(statistic)
  rep_stat <- as_reported(statistic, digits, "statistic")
  if (is.character(p)) {
    parsed <- parse_reported(p)
    if (any(is.na(parsed$value) & !is.na(p))) {
      bad <- which(is.na(parsed$value) & !is.na(p))
      vcf_abort(c("{.arg p} must hold printed p values.",
                  x = "Not a number at {describe_rows(bad, p[bad])}."),
                c("type", "argument"))
    }
    p_value <- parsed$value
    p_comparison <- ifelse(grepl("[<>]", p), parsed$comparison, comparison)
    if (is.null(p_digits)) p_digits <- parsed$digits
  } else {
    p_value <- as.numeric(p)
    p_comparison <- comparison
    if (is.null(p_digits)) p_digits <- decimals_of(p_value)
  }
  if (is.matrix(df) || is.data.frame(df)) {
    df1 <- as.numeric(df[, 1L]); df2 <- as.numeric(df[, 2L])
  } else if (length(df) == 2L && length(rep_stat$value) == 1L && all(test_name == "F")) {
    df1 <- df[1L]; df2 <- df[2L]
  } else {
    df1 <- df2 <- as.numeric(df)
  }
  args <- recycle_args(test = test_name, statistic = rep_stat$value,
                       digits = rep_stat$digits, df1 = df1, df2 = df2, p = p_value,
                       comparison = p_comparison, p_digits = p_digits, tails = tails)
  bad <- which(!args$comparison %in% c("=", "<", ">"))
  if (length(bad)) {
    vcf_abort(c("{.arg comparison} must be \"=\", \"<\" or \">\".",
                x = "Not so at {describe_rows(bad, args$comparison[bad])}."),
              c("comparison", "argument"))
  }
  if (!all(args$tails %in% c(1, 2))) {
    vcf_abort("{.arg tails} must be 1 or 2.", c("tails", "argument"))
  }
  tst <- args$test
  args$df1[tst %in% c("t", "r", "z")] <- NA
  args$df2[tst %in% c("chisq", "z")] <- NA
  h <- half_unit(args$digits)
  a <- abs(args$statistic)
  stat_lo <- pmax(a - h, 0)
  stat_hi <- ifelse(tst == "r", pmin(a + h, 1), a + h)
  p_at <- p_from_stat(tst, a, args$df1, args$df2, args$tails)
  p_min <- p_from_stat(tst, stat_hi, args$df1, args$df2, args$tails)
  p_max <- p_from_stat(tst, stat_lo, args$df1, args$df2, args$tails)
  hp <- half_unit(args$p_digits)
  eps <- 1e-12
  fits <- function(pmin_, pmax_) {
    ifelse(args$comparison == "=",
           pmax_ >= args$p - hp - eps & pmin_ <= args$p + hp + eps,
           ifelse(args$comparison == "<", pmin_ < args$p + eps, pmax_ > args$p - eps))
  }
  consistent <- fits(p_min, p_max)
  needs_df <- (tst %in% c("t", "r", "F") & is.na(args$df2)) |
    (tst %in% c("F", "chisq") & is.na(args$df1))
  checkable <- !is.na(consistent) & !needs_df & !is.na(args$p) & !is.na(a) &
    !is.na(args$p_digits) & !is.na(args$digits)
  reported_sig <- ifelse(args$comparison == ">", ifelse(args$p >= alpha, FALSE, NA),
                         ifelse(args$p <= alpha, TRUE,
                                ifelse(args$comparison == "<", NA, FALSE)))
  computed_sig <- p_at <= alpha
  decision <- checkable & !consistent & !is.na(reported_sig) & reported_sig != computed_sig
  verdict <- ifelse(!checkable, "not-checkable",
                    ifelse(consistent, "consistent",
                           ifelse(decision, "decision-error", "inconsistent")))
  dfr <- df_search(tst, stat_lo, stat_hi, args, fits)
  dfr$lo[!checkable | tst == "z"] <- NA
  dfr$hi[!checkable | tst == "z"] <- NA

  df_text <- ifelse(tst == "F", paste0("(", args$df1, ", ", args$df2, ")"),
                    ifelse(tst == "z", "", paste0("(", ifelse(tst == "chisq", args$df1, args$df2), ")")))
  label <- c(t = "t", F = "F", chisq = "chi-square", z = "z", r = "r")[tst]
  stat_text <- paste0(label, df_text, " = ", fmt(args$statistic, args$digits))
  p_text <- paste0("p ", args$comparison, " ", fmt(args$p, args$p_digits))
  sig_digits <- pmax(args$p_digits + 1L, 3L)
  range_text <- ifelse(abs(p_max - p_min) < 10^(-sig_digits - 1),
                       format_p(p_at, sig_digits),
                       paste0(format_p(p_min, sig_digits), " to ", format_p(p_max, sig_digits)))
  tail_text <- ifelse(tst %in% c("t", "z", "r"),
                      ifelse(args$tails == 2, "two-sided ", "one-sided "), "")
  df_fit <- ifelse(is.na(dfr$lo), "no df makes the reported p fit",
                   ifelse(dfr$lo == dfr$hi, paste0("the reported p fits df = ", dfr$lo),
                          paste0("the reported p fits df ", dfr$lo, " to ", dfr$hi)))
  expected <- ifelse(checkable, paste0("p = ", range_text), NA_character_)
  detail <- ifelse(
    !checkable, ifelse(needs_df, paste0(label, " needs its degrees of freedom"),
                       "missing statistic or p"),
    paste0(stat_text, " gives ", tail_text, "p = ", range_text, "; reported ", p_text,
           ifelse(consistent, " fits",
                  paste0(" does not fit",
                         ifelse(decision,
                                paste0(" and lies on the other side of alpha = ", alpha,
                                       " (reported ", ifelse(reported_sig, "significant", "not significant"),
                                       ", recomputed ", ifelse(computed_sig, "significant", "not significant"), ")"),
                                ""),
                         ifelse(tst == "z", "", paste0("; ", df_fit))))))
  new_check(test = tst, statistic = fmt(args$statistic, args$digits),
            df1 = args$df1, df2 = args$df2, p = args$p, comparison = args$comparison,
            p_computed = p_at, p_min = p_min, p_max = p_max,
            verdict = verdict, expected = expected, detail = detail) |>
    (\(out) {
      out$decision_error <- ifelse(checkable, decision, NA)
      out$df_min <- dfr$lo
      out$df_max <- dfr$hi
      out[, c("test", "statistic", "df1", "df2", "p", "comparison", "p_computed",
              "p_min", "p_max", "verdict", "decision_error", "df_min", "df_max",
              "expected", "detail")]
    })()
}

format_p <- function(p, digits) {
  ifelse(p < 10^(-digits), formatC(p, format = "e", digits = 1), fmt(p, digits))
}

# The whole df for which the reported p would fit. For t, r and chi-square
# the p at a fixed statistic is monotone in df (falling for t and r, rising
# for chi-square), so "p_max(df) reaches the reported interval" and
# "p_min(df) reaches it" each hold on a half-line, found by bisection. For F
# (df2 varies, df1 fixed) the grid 1..5000 is scanned.
df_search <- function(tst, stat_lo, stat_hi, args, fits) {
  len <- length(tst)
  lo <- hi <- rep(NA_real_, len)
  max_df <- 1e7
  pr <- function(df, idx, stat) {
    df1 <- ifelse(tst[idx] == "chisq", df, args$df1[idx])
    df2 <- ifelse(tst[idx] == "chisq", NA, df)
    p_from_stat(tst[idx], stat[idx], df1, df2, args$tails[idx])
  }
  mono <- which(tst %in% c("t", "r", "chisq") & !is.na(args$p) & !is.na(stat_lo))
  if (length(mono)) {
    # Condition A: p_max(df) >= lower end of the reported interval (or > p
    # for ">"); condition B: p_min(df) <= upper end (or < p for "<").
    cond <- function(df, idx, which_cond) {
      hp <- half_unit(args$p_digits[idx])
      cmp <- args$comparison[idx]
      if (which_cond == "A") {
        v <- pr(df, idx, stat_lo)
        ifelse(cmp == "<", TRUE, ifelse(cmp == ">", v > args$p[idx] - 1e-12,
                                        v >= args$p[idx] - hp - 1e-12))
      } else {
        v <- pr(df, idx, stat_hi)
        ifelse(cmp == ">", TRUE, ifelse(cmp == "<", v < args$p[idx] + 1e-12,
                                        v <= args$p[idx] + hp + 1e-12))
      }
    }
    rising <- tst[mono] == "chisq"
    # For falling p: A holds for df <= a (last true), B for df >= b (first
    # true). For rising p the roles swap.
    first_true <- function(idx, which_cond) bisect(function(df, i) cond(df, i, which_cond), idx, max_df, TRUE)
    last_true <- function(idx, which_cond) bisect(function(df, i) cond(df, i, which_cond), idx, max_df, FALSE)
    a_last <- last_true(mono, "A"); b_first <- first_true(mono, "B")
    a_first <- first_true(mono, "A"); b_last <- last_true(mono, "B")
    lo[mono] <- ifelse(rising, a_first, b_first)
    hi[mono] <- ifelse(rising, b_last, a_last)
  }
  for (i in which(tst == "F" & !is.na(args$df1) & !is.na(args$p) & !is.na(stat_lo))) {
    grid <- seq_len(5000)
    pmin_ <- stats::pf(stat_hi[i], args$df1[i], grid, lower.tail = FALSE)
    pmax_ <- stats::pf(stat_lo[i], args$df1[i], grid, lower.tail = FALSE)
    hp <- half_unit(args$p_digits[i])
    ok <- switch(args$comparison[i],
                 "=" = pmax_ >= args$p[i] - hp - 1e-12 & pmin_ <= args$p[i] + hp + 1e-12,
                 "<" = pmin_ < args$p[i] + 1e-12,
                 ">" = pmax_ > args$p[i] - 1e-12)
    if (any(ok)) {
      lo[i] <- min(grid[ok])
      hi[i] <- if (ok[length(ok)]) Inf else max(grid[ok])
    }
  }
  empty <- !is.na(lo) & !is.na(hi) & (lo > hi | is.infinite(lo))
  lo[empty] <- NA
  hi[empty] <- NA
  list(lo = lo, hi = hi)
}

# Vectorised bisection over whole df in [1, max_df] for predicates monotone
# in df. first = TRUE: the first df where pred is TRUE (pred FALSE then
# TRUE), Inf if none. first = FALSE: the last df where pred is TRUE (TRUE
# then FALSE), Inf if still TRUE at max_df, 0 if never.
bisect <- function(pred, idx, max_df, first) {
  lo <- rep(1, length(idx)); hi <- rep(max_df, length(idx))
  at_lo <- pred(lo, idx); at_hi <- pred(hi, idx)
  out <- rep(NA_real_, length(idx))
  if (first) {
    out[at_lo] <- 1
    out[!at_lo & !at_hi] <- Inf
  } else {
    out[!at_lo] <- 0
    out[at_lo & at_hi] <- Inf
  }
  todo <- is.na(out)
  # invariant: pred(lo) != pred(hi); lo is on the side of at_lo
  while (any(todo)) {
    mid <- floor((lo + hi) / 2)
    done <- todo & (hi - lo <= 1)
    out[done] <- if (first) hi[done] else lo[done]
    todo <- todo & !done
    if (!any(todo)) break
    v <- pred(mid[todo], idx[todo])
    same_as_lo <- v == at_lo[todo]
    t_idx <- which(todo)
    lo[t_idx[same_as_lo]] <- mid[t_idx[same_as_lo]]
    hi[t_idx[!same_as_lo]] <- mid[t_idx[!same_as_lo]]
  }
  out
}
