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
  x <- as.character(x)
  # Fast path for plain numbers ("3.50", "-0.2"), most of any long input.
  simple <- grepl("^-?[0-9]*\\.?[0-9]+$", x)
  if (all(simple | is.na(x))) {
    dot <- regexpr(".", x, fixed = TRUE)
    digits <- ifelse(dot > 0, nchar(x) - dot, 0L)
    return(list(value = as.numeric(x), digits = as.integer(digits),
                comparison = rep("=", length(x))))
  }
  text <- trimws(x)
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
    format_fixed(args$mean, args$digits)
  total <- as.numeric(args$n) * args$items
  res <- .Call(C_audit_grim, round(args$mean * 10^args$digits),
               as.integer(args$digits), total,
               match(rounding, rounding_modes) - 1L)
  sums <- res[[1L]]
  informative <- total < 10^args$digits
  verdict <- ifelse(is.na(sums), "not-checkable",
                    ifelse(sums == 0, "inconsistent",
                           ifelse(informative, "consistent", "not-checkable")))
  # Text is built only for the rows that need it: this is most of the time
  # for a million means.
  what <- paste0("n = ", args$n)
  it <- args$items > 1
  what[it] <- paste0(args$n[it], " \u00d7 ", args$items[it], " = ", total[it], " items")
  expected <- printed
  detail <- rep("missing or unusable input", length(sums))
  i <- which(verdict == "inconsistent")
  below <- res[[2L]][i] / total[i]
  above <- res[[3L]][i] / total[i]
  expected[i] <- paste(format_fixed(below, args$digits[i]), "or", format_fixed(above, args$digits[i]))
  detail[i] <- paste0("no sum of integers gives mean ", printed[i], " with ", what[i],
                      ": the nearest possible means are ", format_fixed(below, 4), " (",
                      format_fixed(below, args$digits[i]), ") and ", format_fixed(above, 4), " (",
                      format_fixed(above, args$digits[i]), ")")
  i <- which(verdict == "consistent")
  detail[i] <- paste0("mean ", printed[i], " with ", what[i], " is possible (sum ",
                      ifelse(sums[i] == 1, "", "one of "), round(args$mean[i] * total[i]), ")")
  i <- which(verdict == "not-checkable" & !is.na(sums))
  detail[i] <- paste0("every mean with ", args$digits[i], " decimals is possible when ",
                      what[i], " >= 10^", args$digits[i])
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
    format_fixed(args$mean, args$digits)
  printed_sd <- if (is.character(sd)) rep_len(sd, length(args$sd)) else
    format_fixed(args$sd, args$sd_digits)
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
  near <- rep("", length(code))
  i <- which(verdict == "inconsistent" & !code %in% 0L)
  lo_sd <- format_fixed(res[[2L]][i], args$sd_digits[i]); hi_sd <- format_fixed(res[[3L]][i], args$sd_digits[i])
  near[i] <- ifelse(is.na(res[[2L]][i]) & is.na(res[[3L]][i]), "none",
                    ifelse(is.na(res[[2L]][i]), hi_sd,
                           ifelse(is.na(res[[3L]][i]), lo_sd, paste(lo_sd, "or", hi_sd))))
  expected <- printed_sd
  expected[i] <- paste0("SD ", near[i])
  g0 <- which(code %in% 0L)
  if (length(g0)) {
    expected[g0] <- vcf_grim(printed_mean[g0], args$n[g0], args$digits[g0], args$items[g0],
                             rounding)$expected
  }
  why <- c(
    GRIM = "the mean alone is impossible (GRIM)",
    `sd-range` = "no integer sum of squares gives an SD that rounds to it",
    parity = "the sums of squares that give the SD have the wrong parity for the sum",
    attainable = "the sums of squares that give the SD cannot be reached by n integers")
  what <- function(i) {
    paste0("mean ", printed_mean[i], ", SD ", printed_sd[i], ", n = ", args$n[i],
           ifelse(args$items[i] > 1, paste0(" (", args$items[i], " items)"), ""))
  }
  detail <- rep("missing, unusable or too large input", length(code))
  i <- which(verdict == "consistent")
  detail[i] <- paste0(what(i), ": integer data can give both")
  i <- which(verdict == "inconsistent")
  detail[i] <- paste0(what(i), ": ", why[reason[i]],
                      ifelse(code[i] %in% 0L, "",
                             paste0("; the nearest possible SDs are ", near[i])))
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
  printed <- format_fixed(args$percent, args$digits)
  verdict <- ifelse(is.na(args$percent) | is.na(args$n), "not-checkable",
                    ifelse(!possible, "inconsistent",
                           ifelse(has_count & !count_ok, "inconsistent", "consistent")))
  actual <- 100 * args$count / args$n
  counts_text <- ifelse(possible,
                        ifelse(k_min == k_max, paste0("k = ", k_min),
                               paste0("k = ", k_min, "..", k_max)),
                        "no k")
  expected <- ifelse(has_count,
                     paste0(format_fixed(actual, args$digits), "% for ", args$count, "/", args$n),
                     counts_text)
  complement <- has_count & !count_ok & possible &
    (args$n - args$count) >= k_min & (args$n - args$count) <= k_max
  detail <- ifelse(
    verdict == "not-checkable", "missing percentage or denominator",
    ifelse(!possible,
           paste0("no count out of ", args$n, " gives ", printed, "%"),
           ifelse(has_count & !count_ok,
                  paste0(args$count, "/", args$n, " = ", format_fixed(actual, args$digits + 1L),
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
  stat_text <- paste0(label, df_text, " = ", format_fixed(args$statistic, args$digits))
  p_text <- paste0("p ", args$comparison, " ", format_fixed(args$p, args$p_digits))
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
  new_check(test = tst, statistic = format_fixed(args$statistic, args$digits),
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
  ifelse(p < 10^(-digits), formatC(p, format = "e", digits = 1), format_fixed(p, digits))
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

# Relations between numbers -------------------------------------------------

as_parts <- function(x) if (is.list(x)) x else list(x)

#' Relations between the numbers of a table
#'
#' Checks that published numbers agree with each other, each within the
#' rounding of the printed values. Several small functions with one output
#' format (`verdict`, `expected`, `detail`), each vectorised over checks:
#' arguments holding several numbers per check (`parts`, `means`, ...) take
#' a list with one numeric vector per check, or a plain vector for a single
#' check.
#'
#' * `vcf_check_sum()`: subgroup counts must add up to the total. When they
#'   do not and the subgroups' denominators `n` are given, a subgroup count
#'   whose complement (`n - count`) would make the sum right is named: the
#'   usual slip of printing the other category.
#' * `vcf_check_range()`: subgroup minima and maxima must lie within the
#'   total's range (and, when the subgroups partition the total, the
#'   extremes must coincide); the total median must lie between the smallest
#'   and largest subgroup median.
#' * `vcf_check_weighted_mean()`: the total mean must be the n-weighted mean
#'   of the subgroup means (also for percentages of subgroups).
#' * `vcf_check_percent_sum()`: the percentages of a categorical variable
#'   must add to 100 within their rounding; its counts, if given, to `n`.
#' * `vcf_check_ci()`: a confidence interval must contain its estimate.
#' * `vcf_check_regression()`: the coefficient of a simple regression on a
#'   binary predictor must equal the difference of the two group means.
#'
#' @param parts,counts,means,percents Lists of numeric vectors (one per
#'   check) or one numeric vector.
#' @param total,total_mean Reported totals (one per check).
#' @param digits Decimals of the printed parts; 0 (counts) means exact.
#' @param total_digits Decimals of the printed total.
#' @param n For `vcf_check_sum()`, subgroup denominators (list like `parts`);
#'   for `vcf_check_weighted_mean()`, the subgroup sizes; for
#'   `vcf_check_percent_sum()`, the variable's denominator.
#' @param min,max Lists of subgroup minima and maxima.
#' @param total_min,total_max The total's range.
#' @param median,total_median Optional subgroup medians (list) and total
#'   median.
#' @param partition Whether the subgroups make up the total exactly (then
#'   the total's extremes must be the subgroups' extremes).
#' @param estimate,lower,upper Estimate and its confidence limits.
#' @param coef Reported regression coefficient.
#' @param mean1,mean0 Means of the groups coded 1 and 0.
#' @param sign_known If `FALSE` the coding of the groups is unknown and
#'   either sign of the difference is accepted.
#' @param coef_digits Decimals of the coefficient.
#' @return A data frame, one row per check, with `reported`, `verdict`,
#'   `expected` and `detail`.
#' @name vcf_check_relations
#' @examples
#' # PV study, Table 1, women: 24 of 31 and 8 of 33 do not make 49 of 64
#' vcf_check_sum(c(24, 8), total = 49, n = list(c(31, 33)))
#' vcf_check_range(min = list(c(55, 61)), max = list(c(88, 93)),
#'                 total_min = 55, total_max = 90)
#' vcf_check_weighted_mean(list(c(71.2, 74.0)), n = list(c(31, 33)),
#'                         total_mean = 72.6, digits = 1)
#' vcf_check_percent_sum(c(12, 40, 33, 16))
#' vcf_check_ci(estimate = c(1.2, 3.4), lower = c(0.5, 3.5), upper = c(1.9, 5))
#' vcf_check_regression(coef = -1.3, mean1 = 3.1, mean0 = 4.4, digits = 1)
NULL

#' @rdname vcf_check_relations
#' @export
vcf_check_sum <- function(parts, total, digits = 0, total_digits = digits, n = NULL) {
  parts <- as_parts(parts)
  args <- recycle_args(parts = parts, total = total, digits = digits,
                       total_digits = total_digits)
  n_parts <- if (is.null(n)) rep(list(NULL), length(args$parts)) else
    rep_len(as_parts(n), length(args$parts))
  res <- lapply(seq_along(args$parts), function(i) {
    p <- as.numeric(args$parts[[i]]); tot <- args$total[[i]]
    if (anyNA(p) || is.na(tot) || !length(p)) {
      return(list("not-checkable", NA_character_, "missing parts or total"))
    }
    # Counts (0 decimals) are exact; other parts carry their rounding.
    tol <- if (args$digits[i] == 0 && args$total_digits[i] == 0) 1e-9 else
      length(p) * half_unit(args$digits[i]) + half_unit(args$total_digits[i]) + 1e-9
    s <- sum(p)
    text <- paste0(paste(p, collapse = " + "), " = ", s)
    if (abs(s - tot) <= tol) {
      return(list("consistent", format(s), paste0(text, ", the total ", tot)))
    }
    hint <- ""
    ni <- n_parts[[i]]
    if (length(ni) == length(p) && !anyNA(ni)) {
      fix <- which(vapply(seq_along(p), function(j) {
        q <- p; q[j] <- ni[j] - p[j]; abs(sum(q) - tot) <= tol
      }, logical(1)))
      if (length(fix)) {
        j <- fix[1L]
        hint <- paste0("; with the complement ", ni[j], " - ", p[j], " = ", ni[j] - p[j],
                       " in place of ", p[j], " the sum is ", tot,
                       ", so ", p[j], " is probably the other category's count")
      }
    }
    list("inconsistent", format(s), paste0(text, ", not the total ", tot, hint))
  })
  new_check(reported = vapply(seq_along(args$parts), function(i)
    paste0(paste(args$parts[[i]], collapse = " + "), " vs ", args$total[[i]]), ""),
    verdict = vapply(res, `[[`, "", 1L), expected = vapply(res, `[[`, "", 2L),
    detail = vapply(res, `[[`, "", 3L))
}

#' @rdname vcf_check_relations
#' @export
vcf_check_range <- function(min, max, total_min, total_max, median = NULL,
                            total_median = NULL, partition = FALSE) {
  min <- as_parts(min); max <- as_parts(max)
  len <- length(min)
  median <- if (is.null(median)) rep(list(NULL), len) else as_parts(median)
  if (is.null(total_median)) total_median <- NA
  args <- recycle_args(min = min, max = max, total_min = total_min,
                       total_max = total_max, median = median,
                       total_median = total_median, partition = partition)
  res <- lapply(seq_along(args$min), function(i) {
    mn <- as.numeric(args$min[[i]]); mx <- as.numeric(args$max[[i]])
    tmn <- args$total_min[[i]]; tmx <- args$total_max[[i]]
    md <- as.numeric(args$median[[i]]); tmd <- args$total_median[[i]]
    problems <- character()
    checked <- FALSE
    if (length(mn) && !anyNA(mn) && !is.na(tmn)) {
      checked <- TRUE
      if (any(mn < tmn)) problems <- c(problems, paste0("a subgroup minimum (", min(mn),
                                                        ") is below the total minimum ", tmn))
      else if (isTRUE(args$partition[[i]]) && min(mn) != tmn)
        problems <- c(problems, paste0("the total minimum ", tmn, " is no subgroup's minimum (",
                                       paste(mn, collapse = ", "), ")"))
    }
    if (length(mx) && !anyNA(mx) && !is.na(tmx)) {
      checked <- TRUE
      if (any(mx > tmx)) problems <- c(problems, paste0("a subgroup maximum (", max(mx),
                                                        ") is above the total maximum ", tmx))
      else if (isTRUE(args$partition[[i]]) && max(mx) != tmx)
        problems <- c(problems, paste0("the total maximum ", tmx, " is no subgroup's maximum (",
                                       paste(mx, collapse = ", "), ")"))
    }
    if (length(md) >= 2L && !anyNA(md) && !is.na(tmd)) {
      checked <- TRUE
      if (tmd < min(md) || tmd > max(md)) {
        problems <- c(problems, paste0("the total median ", tmd, " is outside the subgroup medians (",
                                       paste(md, collapse = ", "), ")"))
      }
    }
    expected <- paste0("[", if (length(mn)) base::min(mn) else "?", ", ",
                       if (length(mx)) base::max(mx) else "?", "]")
    if (!checked) return(list("not-checkable", NA_character_, "missing limits"))
    if (length(problems)) return(list("inconsistent", expected, paste(problems, collapse = "; ")))
    list("consistent", expected, "the subgroup ranges lie within the total's range")
  })
  new_check(reported = paste0("[", args$total_min, ", ", args$total_max, "]"),
            verdict = vapply(res, `[[`, "", 1L), expected = vapply(res, `[[`, "", 2L),
            detail = vapply(res, `[[`, "", 3L))
}

#' @rdname vcf_check_relations
#' @export
vcf_check_weighted_mean <- function(means, n, total_mean, digits, total_digits = digits) {
  means <- as_parts(means); n <- as_parts(n)
  args <- recycle_args(means = means, n = n, total_mean = total_mean, digits = digits,
                       total_digits = total_digits)
  res <- lapply(seq_along(args$means), function(i) {
    m <- as.numeric(args$means[[i]]); w <- as.numeric(args$n[[i]]); tm <- args$total_mean[[i]]
    if (!length(m) || length(m) != length(w) || anyNA(m) || anyNA(w) || is.na(tm)) {
      return(list("not-checkable", NA_character_, "missing means or sizes"))
    }
    wm <- sum(w * m) / sum(w)
    h <- half_unit(args$digits[i]); ht <- half_unit(args$total_digits[i])
    lo <- wm - h; hi <- wm + h
    expected <- paste0(format_fixed(wm, args$total_digits[i]), " (", format_fixed(lo, args$total_digits[i] + 1L),
                       " to ", format_fixed(hi, args$total_digits[i] + 1L), ")")
    text <- paste0("the n-weighted mean of ", paste(m, collapse = ", "), " (n = ",
                   paste(w, collapse = ", "), ") is ", format_fixed(wm, args$total_digits[i] + 2L))
    if (tm + ht + 1e-9 >= lo && tm - ht - 1e-9 <= hi) {
      return(list("consistent", expected, paste0(text, ", matching the total ", tm)))
    }
    list("inconsistent", expected, paste0(text, ", which cannot round to the total ", tm))
  })
  new_check(reported = as.character(args$total_mean),
            verdict = vapply(res, `[[`, "", 1L), expected = vapply(res, `[[`, "", 2L),
            detail = vapply(res, `[[`, "", 3L))
}

#' @rdname vcf_check_relations
#' @export
vcf_check_percent_sum <- function(percents, digits = 0, counts = NULL, n = NULL) {
  percents <- as_parts(percents)
  len <- length(percents)
  counts <- if (is.null(counts)) rep(list(NULL), len) else as_parts(counts)
  if (is.null(n)) n <- NA
  args <- recycle_args(percents = percents, digits = digits, counts = counts, n = n)
  res <- lapply(seq_along(args$percents), function(i) {
    p <- as.numeric(args$percents[[i]]); k <- as.numeric(args$counts[[i]]); ni <- args$n[[i]]
    if (length(p) < 2L || anyNA(p)) return(list("not-checkable", NA_character_,
                                                "fewer than two percentages"))
    tol <- length(p) * half_unit(args$digits[i]) + 1e-9
    s <- sum(p)
    problems <- character()
    if (abs(s - 100) > tol) {
      problems <- c(problems, paste0("the percentages add to ", s, ", more than ",
                                     signif(tol, 3), " from 100"))
    }
    if (length(k) == length(p) && !anyNA(k) && !is.na(ni) && sum(k) != ni) {
      problems <- c(problems, paste0("the counts add to ", sum(k), ", not n = ", ni))
    }
    expected <- paste0("100 +/- ", signif(tol, 3))
    if (length(problems)) return(list("inconsistent", expected, paste(problems, collapse = "; ")))
    list("consistent", expected, paste0("the percentages add to ", s, ", 100 within rounding"))
  })
  new_check(reported = vapply(args$percents, function(p) paste(p, collapse = " + "), ""),
            verdict = vapply(res, `[[`, "", 1L), expected = vapply(res, `[[`, "", 2L),
            detail = vapply(res, `[[`, "", 3L))
}

#' @rdname vcf_check_relations
#' @export
vcf_check_ci <- function(estimate, lower, upper) {
  args <- recycle_args(estimate = as.numeric(estimate), lower = as.numeric(lower),
                       upper = as.numeric(upper))
  ok <- !is.na(args$estimate) & !is.na(args$lower) & !is.na(args$upper)
  inside <- args$lower <= args$estimate & args$estimate <= args$upper
  verdict <- ifelse(!ok, "not-checkable", ifelse(inside, "consistent", "inconsistent"))
  detail <- ifelse(!ok, "missing estimate or limits",
                   ifelse(inside, paste0(args$estimate, " lies within [", args$lower, ", ",
                                         args$upper, "]"),
                          ifelse(args$lower > args$upper,
                                 paste0("the lower limit ", args$lower, " exceeds the upper ",
                                        args$upper),
                                 paste0("the estimate ", args$estimate, " lies outside its CI [",
                                        args$lower, ", ", args$upper, "]"))))
  new_check(reported = paste0(args$estimate, " [", args$lower, ", ", args$upper, "]"),
            verdict = verdict,
            expected = ifelse(ok, paste0("within [", args$lower, ", ", args$upper, "]"), NA),
            detail = detail)
}

#' @rdname vcf_check_relations
#' @export
vcf_check_regression <- function(coef, mean1, mean0, digits, coef_digits = digits,
                                 sign_known = TRUE) {
  args <- recycle_args(coef = as.numeric(coef), mean1 = as.numeric(mean1),
                       mean0 = as.numeric(mean0), digits = digits,
                       coef_digits = coef_digits, sign_known = sign_known)
  d <- args$mean1 - args$mean0
  tol <- 2 * half_unit(args$digits) + half_unit(args$coef_digits) + 1e-9
  ok <- !is.na(args$coef) & !is.na(d)
  fits <- abs(args$coef - d) <= tol
  fits_rev <- !args$sign_known & abs(args$coef + d) <= tol
  verdict <- ifelse(!ok, "not-checkable",
                    ifelse(fits | fits_rev, "consistent", "inconsistent"))
  shown <- pmax(args$digits, args$coef_digits)
  expected <- ifelse(!ok, NA, ifelse(args$sign_known, format_fixed(d, shown),
                                     paste0("+/-", format_fixed(abs(d), shown))))
  detail <- ifelse(
    !ok, "missing coefficient or means",
    paste0("the difference of the group means ", args$mean1, " - ", args$mean0, " = ",
           format_fixed(d, shown + 1L), " (+/- ", signif(tol, 2), " for rounding)",
           ifelse(verdict == "consistent",
                  paste0(" matches the coefficient ", args$coef,
                         ifelse(fits, "", " with the groups coded the other way")),
                  paste0(" differs from the coefficient ", args$coef,
                         "; only an unadjusted model on the same patients must match"))))
  new_check(reported = as.character(args$coef), verdict = verdict, expected = expected,
            detail = detail)
}

# vcf_audit -----------------------------------------------------------------

stat_aliases <- c(
  "%" = "percent", pct = "percent", proportion = "percent", percentage = "percent",
  number = "count", no = "count", frequency = "count", freq = "count", k = "count",
  "p value" = "p", "p-value" = "p", pvalue = "p", p_value = "p",
  chi2 = "chisq", "chi-square" = "chisq", x2 = "chisq", chisquare = "chisq",
  beta = "coef", b = "coef", estimate = "coef", coefficient = "coef",
  lower = "ci_low", ci_lower = "ci_low", lcl = "ci_low", ci_lo = "ci_low",
  upper = "ci_high", ci_upper = "ci_high", ucl = "ci_high", ci_hi = "ci_high",
  std = "sd", "standard deviation" = "sd", minimum = "min", maximum = "max",
  "f" = "f")

# Row labels of measures that are whole numbers per patient, for which GRIM
# and GRIMMER apply (pain scores, disability indices, counts).
audit_integer_pattern <- "\\b(VAS|NRS|score|ODI|RMDQ|number|count|levels?|fractures)\\b"

audit_columns <- c("id", "source", "row", "column", "group", "statistic",
                       "value", "reported", "digits", "n")

#' Audit a table of published statistics
#'
#' Runs every consistency check that the structure of a table of reported
#' statistics allows and returns one row per finding. The input is the
#' format of [vcf_published()]: one row per printed number with columns
#' `id`, `source` ("Table 1"), `row` (the variable), `column` ("Total",
#' "Subgroup A", "P value"), `group` (subgroup or visit, or `NA`),
#' `statistic` (`n`, `count`, `percent`, `mean`, `sd`, `median`, `min`,
#' `max`, `t`, `f`, `chisq`, `z`, `r`, `df`, `p`, `coef`, `ci_low`,
#' `ci_high`, ...), `value`, `reported` (the printed text), `digits` and
#' `n` (the denominator, where known).
#'
#' Numbers are grouped into cells (source, row, column, group) and blocks
#' (source, row). What is checked:
#' * in a cell: a count with its percentage and n ([vcf_check_percent()]); a
#'   percentage with its n; a mean with its n (GRIM) or with SD and n
#'   (GRIMMER), for rows whose label matches `integer_pattern` (measures
#'   that are whole numbers per patient); the order of min, median, mean
#'   and max; a confidence interval around its estimate;
#' * in a block: a column named like "Total" against the other columns
#'   (subgroups; p-value columns excluded): counts and n must add up, the
#'   total mean or percentage must be the n-weighted mean of the subgroups',
#'   subgroup ranges must lie in the total's, the total median between the
#'   subgroup medians. When `group` carries the subgroups (and the columns
#'   are visits), a group named like "Total" is compared with the other
#'   groups of its column;
#' * a test statistic with its p ([vcf_check_p()]); the df come from `df`
#'   (`df1`, `df2`) numbers of the block, else from n: `n - 1` for one
#'   sample or pairs, `n1 + n2 - 2` for two groups, accepting any df down to
#'   `min(n1, n2) - 1` (Welch);
#' * a regression coefficient in a block with two subgroup means
#'   ([vcf_check_regression()], either coding), unless the labels say it is
#'   adjusted;
#' * the percentages of a categorical variable, when its levels are rows
#'   named "variable: level" (or share a `variable` column), must add to 100.
#'
#' Rows it cannot interpret are left out; checks it recognises but cannot do
#' (a t without df or n) are reported as "not-checkable".
#'
#' @param x A data frame in the format of [vcf_published()].
#' @param alpha Significance level for decision errors.
#' @param integer_pattern Regular expression (case-insensitive) on `row`
#'   selecting means of whole-number data for GRIM/GRIMMER; `NULL` for none.
#'   A logical column `integer` in `x` overrides it.
#' @return A data frame of class `vcf_audit`, one row per finding: `check`,
#'   `source`, `row`, `column`, `verdict`, `ids` (comma-separated ids of the
#'   numbers involved), `reported`, `expected`, `detail`. Attributes
#'   `n_numbers` and `n_checked` count the table's numbers and those that
#'   entered a check.
#' @examples
#' x <- data.frame(
#'   id = paste0("w", 1:6), source = "Table 1", row = "Women, n (%)",
#'   column = rep(c("Total", "Group A", "Group B"), each = 2), group = NA,
#'   statistic = rep(c("count", "percent"), 3),
#'   value = c(49, 77, 24, 77, 8, 24),
#'   reported = rep(c("49 (77)", "24 (77)", "8 (24)"), each = 2),
#'   digits = 0L, n = rep(c(64, 31, 33), each = 2))
#' vcf_audit(x)
#' @export
vcf_audit <- function(x, alpha = 0.05, integer_pattern = audit_integer_pattern) {
  check_number(alpha, min = 0, max = 1)
  d <- audit_input(x)
  n_numbers <- nrow(x)
  is_integer <- if (!is.null(d$integer)) as.logical(d$integer) else
    if (is.null(integer_pattern)) rep(FALSE, nrow(d)) else
      grepl(integer_pattern, d$row, ignore.case = TRUE)
  d$is_integer <- !is.na(is_integer) & is_integer
  findings <- list()
  add <- function(check, cells, res, ids, reported = res$reported) {
    findings[[length(findings) + 1L]] <<- data.frame(
      check = check, source = cells$source[1L], row = cells$row[1L],
      column = paste(unique(cells$label), collapse = " | "),
      verdict = res$verdict, ids = ids, reported = reported,
      expected = as.character(res$expected), detail = res$detail,
      stringsAsFactors = FALSE)
  }
  blocks <- split(d, factor(paste(d$source, d$row, sep = "\r"),
                            levels = unique(paste(d$source, d$row, sep = "\r"))))
  for (b in blocks) audit_block(b, add, alpha)
  audit_categorical(d, add)
  out <- if (length(findings)) do.call(rbind, findings) else
    data.frame(check = character(), source = character(), row = character(),
               column = character(), verdict = character(), ids = character(),
               reported = character(), expected = character(), detail = character())
  rownames(out) <- NULL
  checked_ids <- unique(unlist(strsplit(out$ids[out$verdict != "not-checkable"], ", ")))
  structure(out, class = c("vcf_audit", "data.frame"), n_numbers = n_numbers,
            n_checked = length(intersect(checked_ids, d$id)))
}

audit_input <- function(x, call = rlang::caller_env()) {
  if (!is.data.frame(x)) {
    vcf_abort("{.arg x} must be a data frame of published numbers, not {.cls {class(x)}}.",
              c("type", "input"), call = call)
  }
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  needed <- c("id", "source", "row", "column", "statistic", "value")
  missing_cols <- setdiff(needed, names(x))
  if (length(missing_cols)) {
    vcf_abort(c("{.arg x} lacks column{?s} {.field {missing_cols}}.",
                i = "It needs {.field {audit_columns}} (as {.fn vcf_published} returns)."),
              c("columns", "input"), call = call)
  }
  for (col in setdiff(audit_columns, names(x))) x[[col]] <- NA
  x$id <- as.character(x$id)
  dup <- which(duplicated(x$id) | is.na(x$id))
  if (length(dup)) {
    vcf_abort(c("{.field id} must be unique and not missing.",
                x = "Duplicated or missing at {describe_rows(dup, x$id[dup])}."),
              c("duplicate_key", "input"), call = call)
  }
  for (col in c("source", "row", "column", "group", "reported")) {
    x[[col]] <- as.character(x[[col]])
  }
  x$value <- suppressWarnings(as.numeric(x$value))
  x$n <- suppressWarnings(as.numeric(x$n))
  stat <- trimws(tolower(as.character(x$statistic)))
  stat <- ifelse(stat %in% names(stat_aliases), stat_aliases[stat], stat)
  x$statistic <- unname(stat)
  x$digits <- suppressWarnings(as.integer(x$digits))
  miss <- is.na(x$digits) & !is.na(x$value)
  x$digits[miss] <- decimals_of(x$value[miss])
  x$source[is.na(x$source)] <- ""
  x$row[is.na(x$row)] <- ""
  x$column[is.na(x$column)] <- ""
  # p comparison from the printed text ("<.0001")
  rep_text <- ifelse(is.na(x$reported), "", x$reported)
  x$comparison <- ifelse(x$statistic == "p" & grepl("<", rep_text), "<",
                         ifelse(x$statistic == "p" & grepl(">", rep_text), ">", "="))
  x$n_id <- NA_character_
  # Denominators from "n" numbers of the same source, column and group
  nrows <- x[x$statistic == "n" & !is.na(x$value), ]
  if (nrow(nrows)) {
    key <- paste(x$source, x$column, x$group, sep = "\r")
    nkey <- paste(nrows$source, nrows$column, nrows$group, sep = "\r")
    single <- names(which(tapply(nrows$value, nkey, function(v) length(unique(v)) == 1L)))
    fill <- is.na(x$n) & key %in% single & x$statistic != "n"
    hit <- match(key[fill], nkey)
    x$n[fill] <- nrows$value[hit]
    x$n_id[fill] <- nrows$id[hit]
  }
  x <- x[!is.na(x$value) & !is.na(x$statistic), , drop = FALSE]
  x
}

is_total_label <- function(x) grepl("^\\s*(total|overall|all\\b|whole|entire)", x, ignore.case = TRUE)
is_p_label <- function(x) grepl("^\\s*p(\\s*[- ]?\\s*val(ue)?)?\\s*$|p[ -]?value", x, ignore.case = TRUE)
descriptive_stats <- c("n", "count", "percent", "mean", "sd", "median", "min", "max",
                       "q1", "q3", "iqr")
test_stats <- c("t", "f", "chisq", "z", "r")
visit_pattern <- "pre|post|baseline|follow|month|week|day|year|visit|before|after|final|initial|\\bmo\\b"

id_list <- function(...) {
  ids <- unique(stats::na.omit(c(...)))
  paste(ids, collapse = ", ")
}

# Per-block audit: cells, total vs subgroups, tests, regression.
audit_block <- function(b, add, alpha) {
  b$group_key <- ifelse(is.na(b$group), "", b$group)
  b$label <- ifelse(b$group_key == "", b$column,
                    ifelse(b$column == "", b$group_key, paste(b$column, b$group_key, sep = " / ")))
  cell_key <- paste(b$column, b$group_key, sep = "\r")
  cells <- split(b, factor(cell_key, levels = unique(cell_key)))
  get <- function(cell, stat) {
    r <- cell[cell$statistic == stat, , drop = FALSE]
    if (nrow(r)) r[1L, , drop = FALSE] else NULL
  }
  cell_n <- function(cell) {
    r <- get(cell, "n")
    if (!is.null(r)) return(list(n = r$value, id = r$id))
    nn <- cell$n[!is.na(cell$n)]
    if (length(nn)) return(list(n = nn[1L], id = cell$n_id[!is.na(cell$n)][1L]))
    list(n = NA_real_, id = NA_character_)
  }
  for (cell in cells) audit_cell(cell, get, cell_n(cell), add)

  # Total vs subgroups
  info <- data.frame(key = names(cells), column = vapply(cells, function(c) c$column[1L], ""),
                     group = vapply(cells, function(c) c$group_key[1L], ""),
                     descriptive = vapply(cells, function(c) any(c$statistic %in% descriptive_stats), NA),
                     stringsAsFactors = FALSE)
  info$p_col <- is_p_label(info$column)
  info$total_col <- is_total_label(info$column)
  info$total_grp <- is_total_label(info$group)
  for (i in which((info$total_col | info$total_grp) & info$descriptive & !info$p_col)) {
    subs <- if (info$total_col[i]) {
      which(!info$total_col & !info$total_grp & !info$p_col & info$descriptive &
              info$group == info$group[i])
    } else {
      which(!info$total_grp & !info$total_col & !info$p_col & info$descriptive &
              info$column == info$column[i])
    }
    if (length(subs) >= 2L) audit_total(cells[[i]], cells[subs], get, cell_n, add)
  }

  # Tests: statistic with p (and df) per group within the block
  tests <- b[b$statistic %in% test_stats, , drop = FALSE]
  for (g in unique(tests$group_key)) {
    bg <- b[b$group_key == g | (b$group_key == "" & !g %in% b$group_key[b$statistic == "p"]), ]
    ts <- bg[bg$statistic %in% test_stats, , drop = FALSE]
    ps <- bg[bg$statistic == "p", , drop = FALSE]
    if (nrow(ts) != 1L || nrow(ps) != 1L) {
      if (nrow(ts) >= 1L) {
        add("p", ts, list(verdict = "not-checkable", expected = NA,
                          detail = paste0("found ", nrow(ts), " test statistic(s) and ", nrow(ps),
                                          " p value(s); cannot pair them")),
            id_list(ts$id, ps$id), reported = paste(ts$reported, collapse = "; "))
      }
      next
    }
    audit_test(ts, ps, bg, info, cells, cell_n, add, alpha)
  }

  # Regression coefficient vs two subgroup means
  co <- b[b$statistic == "coef", , drop = FALSE]
  means <- b[b$statistic == "mean" & !is_total_label(b$column) & !is_total_label(b$group_key) &
               !is_p_label(b$column), , drop = FALSE]
  adjusted <- grepl("adjust|multivariabl|multivariat|multiple", paste(b$source[1L], b$row[1L],
                                                                       co$column, co$group),
                    ignore.case = TRUE)
  if (nrow(co) == 1L && nrow(means) == 2L && !any(adjusted)) {
    res <- vcf_check_regression(co$value, means$value[1L], means$value[2L],
                                digits = max(means$digits), coef_digits = co$digits,
                                sign_known = FALSE)
    add("regression", rbind(co, means), res, id_list(co$id, means$id),
        reported = paste0("coef ", co$value, "; means ", paste(means$value, collapse = ", ")))
  }
}

audit_cell <- function(cell, get, nn, add) {
  count <- get(cell, "count"); pct <- get(cell, "percent")
  n <- nn$n
  if (!is.null(pct) && !is.na(n) && n >= 1 && n == round(n)) {
    cnt <- if (!is.null(count) && count$value == round(count$value) && count$value >= 0) count$value else NULL
    res <- vcf_check_percent(pct$value, n, cnt, digits = pct$digits, rounding = "up_or_down")
    add("percent", cell, res, id_list(count$id, pct$id, nn$id),
        reported = paste0(if (!is.null(cnt)) paste0(cnt, " "), "(", res$percent, "%) of ", n))
  }
  mean <- get(cell, "mean"); sd <- get(cell, "sd")
  if (!is.null(mean) && isTRUE(mean$is_integer) && !is.na(n) && n >= 1 && n == round(n)) {
    if (!is.null(sd) && n >= 2) {
      res <- vcf_grimmer(mean$value, sd$value, n, digits = mean$digits, sd_digits = sd$digits)
      add("grimmer", cell, res, id_list(mean$id, sd$id, nn$id),
          reported = paste0(res$mean, " (", res$sd, "), n = ", n))
    } else {
      res <- vcf_grim(mean$value, n, digits = mean$digits)
      # n >= 10^digits: GRIM has nothing to say, so no finding
      if (res$verdict != "not-checkable") {
        add("grim", cell, res, id_list(mean$id, nn$id), reported = paste0(res$mean, ", n = ", n))
      }
    }
  }
  # Order of location statistics within the cell
  ord <- c("min", "q1", "median", "q3", "max")
  present <- lapply(ord, get, cell = cell)
  names(present) <- ord
  present <- Filter(Negate(is.null), present)
  if (!is.null(mean) && !is.null(present$min) && !is.null(present$max)) present$mean <- mean
  if (length(present) >= 2L) {
    v <- vapply(present, function(r) r$value, 0)
    mm <- c(min = -Inf, max = Inf)
    bad <- character()
    core <- v[intersect(ord, names(v))]
    if (is.unsorted(core)) bad <- c(bad, paste0(paste(names(core), collapse = " <= "), " fails"))
    if ("mean" %in% names(v) && (v[["mean"]] < v[["min"]] || v[["mean"]] > v[["max"]])) {
      bad <- c(bad, "the mean lies outside [min, max]")
    }
    res <- list(verdict = if (length(bad)) "inconsistent" else "consistent",
                expected = paste(names(v), collapse = " <= "),
                detail = if (length(bad)) paste(bad, collapse = "; ") else
                  paste0(paste(names(v), v, sep = " ", collapse = ", "), " are in order"))
    add("order", cell, res, id_list(vapply(present, function(r) r$id, "")),
        reported = paste(v, collapse = ", "))
  }
  if (!is.null(sd) && sd$value < 0) {
    add("order", cell, list(verdict = "inconsistent", expected = ">= 0",
                            detail = "a standard deviation is never negative"), sd$id,
        reported = as.character(sd$value))
  }
  p <- get(cell, "p")
  if (!is.null(p) && (p$value < 0 || p$value > 1)) {
    add("order", cell, list(verdict = "inconsistent", expected = "in [0, 1]",
                            detail = "a p value lies between 0 and 1"), p$id,
        reported = as.character(p$value))
  }
  # Confidence interval around its estimate
  lo <- get(cell, "ci_low"); hi <- get(cell, "ci_high")
  est <- Filter(Negate(is.null), lapply(c("coef", "mean", "median", "or", "hr", "rr",
                                          "difference"), get, cell = cell))
  if (!is.null(lo) && !is.null(hi) && length(est)) {
    e <- est[[1L]]
    res <- vcf_check_ci(e$value, lo$value, hi$value)
    add("ci", cell, res, id_list(e$id, lo$id, hi$id))
  }
}

audit_total <- function(total, subs, get, cell_n, add) {
  all_cells <- do.call(rbind, c(list(total), subs))
  tn <- cell_n(total); sn <- lapply(subs, cell_n)
  sub_n <- vapply(sn, `[[`, 0, "n")
  n_ids <- c(tn$id, vapply(sn, `[[`, "", "id"))
  n_known <- !is.na(tn$n) && !anyNA(sub_n)
  partition <- n_known && sum(sub_n) == tn$n
  for (stat in c("n", "count")) {
    tv <- get(total, stat); sv <- lapply(subs, get, stat = stat)
    if (is.null(tv) || any(vapply(sv, is.null, NA))) next
    parts <- vapply(sv, function(r) r$value, 0)
    ids <- id_list(tv$id, vapply(sv, function(r) r$id, ""))
    if (stat == "count" && n_known && !partition) {
      add("sum", all_cells, list(verdict = "not-checkable", expected = NA,
                                 detail = paste0("the subgroups' n (", paste(sub_n, collapse = " + "),
                                                 ") do not make the total n ", tn$n)),
          ids, reported = paste(parts, collapse = " + "))
      next
    }
    res <- vcf_check_sum(parts, tv$value, n = if (stat == "count" && !anyNA(sub_n)) list(sub_n))
    if (stat == "count" && !n_known) res$detail <- paste0(res$detail, " (assuming the subgroups make up the total)")
    add(if (stat == "n") "sum-n" else "sum", all_cells, res,
        if (stat == "count") id_list(ids, n_ids) else ids)
  }
  # n-weighted means and percentages
  for (stat in c("mean", "percent")) {
    tv <- get(total, stat); sv <- lapply(subs, get, stat = stat)
    if (is.null(tv) || any(vapply(sv, is.null, NA))) next
    if (stat == "percent" && !is.null(get(total, "count")) &&
        !any(vapply(lapply(subs, get, stat = "count"), is.null, NA))) next
    if (!partition) {
      add("weighted-mean", all_cells,
          list(verdict = "not-checkable", expected = NA,
               detail = "needs the n of every subgroup, adding up to the total n"),
          id_list(tv$id, vapply(sv, function(r) r$id, "")), reported = as.character(tv$value))
      next
    }
    res <- vcf_check_weighted_mean(vapply(sv, function(r) r$value, 0), sub_n, tv$value,
                                   digits = max(vapply(sv, function(r) r$digits, 0L)),
                                   total_digits = tv$digits)
    add("weighted-mean", all_cells, res, id_list(tv$id, vapply(sv, function(r) r$id, ""), n_ids))
  }
  # Ranges and medians
  tmin <- get(total, "min"); tmax <- get(total, "max"); tmed <- get(total, "median")
  smin <- lapply(subs, get, stat = "min"); smax <- lapply(subs, get, stat = "max")
  smed <- lapply(subs, get, stat = "median")
  have <- function(l) !any(vapply(l, is.null, NA))
  vals <- function(l) vapply(l, function(r) r$value, 0)
  ids <- function(l) vapply(l, function(r) r$id, "")
  use_range <- !is.null(tmin) && !is.null(tmax) && have(smin) && have(smax)
  use_med <- !is.null(tmed) && have(smed) && (partition || !n_known)
  if (use_range || use_med) {
    res <- vcf_check_range(if (use_range) vals(smin) else numeric(),
                           if (use_range) vals(smax) else numeric(),
                           if (use_range) tmin$value else NA, if (use_range) tmax$value else NA,
                           median = if (use_med) vals(smed), total_median = if (use_med) tmed$value,
                           partition = partition)
    add("range", all_cells, res,
        id_list(if (use_range) c(tmin$id, tmax$id, ids(smin), ids(smax)),
                if (use_med) c(tmed$id, ids(smed))))
  }
}

audit_test <- function(ts, ps, bg, info, cells, cell_n, add, alpha) {
  test <- c(t = "t", f = "F", chisq = "chisq", z = "z", r = "r")[[ts$statistic]]
  df1 <- bg[bg$statistic == "df1", , drop = FALSE]
  df2 <- bg[bg$statistic == "df2", , drop = FALSE]
  dfs <- bg[bg$statistic == "df", , drop = FALSE]
  used <- c(ts$id, ps$id)
  note <- ""
  welch_lo <- NA
  d1 <- NA; d2 <- NA
  if (test == "F") {
    if (nrow(df1) && nrow(df2)) {
      d1 <- df1$value[1L]; d2 <- df2$value[1L]; used <- c(used, df1$id[1L], df2$id[1L])
    } else if (nrow(dfs) == 2L) {
      d1 <- dfs$value[1L]; d2 <- dfs$value[2L]; used <- c(used, dfs$id)
    }
  } else if (nrow(dfs)) {
    d1 <- d2 <- dfs$value[1L]; used <- c(used, dfs$id[1L])
  } else if (test %in% c("t", "r")) {
    # Infer df from the sizes: two subgroup columns give n1 + n2 - 2 (down
    # to min(n) - 1 for Welch); one n (pairs, one sample) gives n - 1.
    subs <- which(!info$total_col & !info$total_grp & !info$p_col & info$descriptive)
    sub_n <- vapply(cells[subs], function(c) cell_n(c)$n, 0)
    own_n <- c(ts$n, ps$n)
    own_n <- own_n[!is.na(own_n)]
    visits <- grepl(visit_pattern, info$column[subs], ignore.case = TRUE)
    if (test == "t" && length(subs) == 2L && !anyNA(sub_n) && all(visits) &&
        sub_n[1L] == sub_n[2L]) {
      d2 <- sub_n[1L] - 1
      used <- c(used, stats::na.omit(vapply(cells[subs], function(c) cell_n(c)$id, "")))
      note <- paste0(" (paired: df = n - 1 from n = ", sub_n[1L], " at both visits)")
    } else if (test == "t" && length(subs) == 2L && !anyNA(sub_n)) {
      d2 <- sum(sub_n) - 2; welch_lo <- min(sub_n) - 1
      used <- c(used, stats::na.omit(vapply(cells[subs], function(c) cell_n(c)$id, "")))
      note <- paste0(" (df from n = ", sub_n[1L], " + ", sub_n[2L], " - 2",
                     "; Welch df down to ", welch_lo, " accepted)")
    } else if (length(own_n)) {
      d2 <- if (test == "r") own_n[1L] - 2 else own_n[1L] - 1
      note <- paste0(" (df = n - ", if (test == "r") 2 else 1, " from n = ", own_n[1L], ")")
    }
  }
  res <- vcf_check_p(ts$value, df = if (test == "F") cbind(d1, d2) else
    if (test == "chisq") d1 else d2, p = ps$value, test = test,
    comparison = ps$comparison, digits = ts$digits, p_digits = ps$digits, alpha = alpha)
  if (!is.na(welch_lo) && res$verdict != "consistent" && !is.na(res$df_min) &&
      res$df_min <= d2 && res$df_max >= welch_lo) {
    res$verdict <- "consistent"
    res$detail <- paste0(res$detail, "; a Welch test with df in [", welch_lo, ", ", d2,
                         "] would fit")
  }
  res$detail <- paste0(res$detail, note)
  add("p", rbind(ts[, names(ps)], ps), res, id_list(used),
      reported = paste0(ts$statistic, " = ", ts$value, ", p ", ps$comparison, " ", ps$value))
}

# Categorical variables: rows "variable: level" (or a `variable` column),
# percentages in the same source, column and group must add to 100.
audit_categorical <- function(d, add) {
  pct <- d[d$statistic == "percent", , drop = FALSE]
  if (!nrow(pct)) return(invisible())
  variable <- if (!is.null(pct$variable)) as.character(pct$variable) else
    ifelse(grepl(":", pct$row), sub("\\s*:.*$", "", pct$row), NA)
  keep <- !is.na(variable) & variable != ""
  pct <- pct[keep, , drop = FALSE]; variable <- variable[keep]
  if (!nrow(pct)) return(invisible())
  pct$label <- ifelse(is.na(pct$group), pct$column, paste(pct$column, pct$group, sep = " / "))
  key <- paste(pct$source, variable, pct$column, pct$group, sep = "\r")
  for (k in unique(key)) {
    g <- pct[key == k, , drop = FALSE]
    if (nrow(g) < 2L) next
    cnt <- d[d$statistic == "count" & d$source == g$source[1L] & d$row %in% g$row &
               d$column == g$column[1L] & (is.na(d$group) & is.na(g$group[1L]) |
                                             d$group %in% g$group[1L]), , drop = FALSE]
    cnt <- cnt[match(g$row, cnt$row), , drop = FALSE]
    n <- unique(stats::na.omit(g$n))
    res <- vcf_check_percent_sum(g$value, digits = max(g$digits),
                                 counts = if (!anyNA(cnt$value)) list(cnt$value),
                                 n = if (length(n) == 1L) n else NA)
    cells <- g
    cells$row <- variable[key == k][1L]
    add("percent-sum", cells, res, id_list(g$id, if (!anyNA(cnt$value)) cnt$id))
  }
}

#' @export
format.vcf_audit <- function(x, ...) {
  n_find <- nrow(x)
  n_dec <- sum(x$verdict == "decision-error")
  n_inc <- sum(x$verdict == "inconsistent")
  n_nc <- sum(x$verdict == "not-checkable")
  paste0(attr(x, "n_numbers"), " reported numbers, ", attr(x, "n_checked"),
         " checked in ", n_find - n_nc, " findings: ", n_inc, " inconsistent, ",
         n_dec, " decision error", if (n_dec != 1L) "s", ", ", n_nc, " not checkable")
}

#' @export
print.vcf_audit <- function(x, ...) {
  cat("<vcf_audit> ", format(x), "\n", sep = "")
  line <- function(r) {
    cat("  [", r$source, " | ", r$row, " | ", r$column, "] ", r$check, ": ",
        r$detail, " (ids ", r$ids, ")\n", sep = "")
  }
  for (v in c("decision-error", "inconsistent")) {
    rows <- x[x$verdict == v, , drop = FALSE]
    if (!nrow(rows)) next
    cat(if (v == "decision-error") "Decision errors:\n" else "Inconsistent:\n")
    for (i in seq_len(nrow(rows))) line(rows[i, ])
  }
  ok <- x[x$verdict == "consistent", , drop = FALSE]
  if (nrow(ok)) {
    tab <- table(ok$check)
    cat("Consistent: ", paste0(names(tab), " ", tab, collapse = ", "), "\n", sep = "")
  }
  nc <- x[x$verdict == "not-checkable", , drop = FALSE]
  if (nrow(nc)) {
    cat("Not checkable:\n")
    for (i in seq_len(nrow(nc))) line(nc[i, ])
  }
  invisible(x)
}

#' @export
summary.vcf_audit <- function(object, ...) {
  data.frame(numbers = attr(object, "n_numbers"), checked = attr(object, "n_checked"),
             findings = nrow(object),
             consistent = sum(object$verdict == "consistent"),
             inconsistent = sum(object$verdict == "inconsistent"),
             decision_errors = sum(object$verdict == "decision-error"),
             not_checkable = sum(object$verdict == "not-checkable"))
}
