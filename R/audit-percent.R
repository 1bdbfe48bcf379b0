# Percentages: can some count k of n give the printed percentage?

# Percentages ---------------------------------------------------------------

#' Check a percentage against its denominator and count
#'
#' Asks whether some count `k` of `n` gives the printed percentage
#' (`100 k / n` rounded to `digits` decimals) and, when `count` is given,
#' whether the printed count is such a `k`.
#'
#' @param percent Printed percentages in \[0, 100\], numeric or character
#'   (`"24.2"`; then `digits` defaults to the printed decimals).
#' @param n Denominators (whole numbers >= 1).
#' @param count Printed counts (whole numbers >= 0), or `NULL`; an `NA` count
#'   checks that row's percentage alone.
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
  if (identical(rounding, c("round", "truncate", "up_or_down"))) rounding <- "round"
  check_string(rounding, choices = c("round", "truncate", "up_or_down"))
  if (is.character(percent) && missing(digits)) digits <- NULL
  rep_pct <- as_reported(percent, digits, "percent")
  check_values(rep_pct$value, "percent", min = 0, max = 100)
  check_whole(n, "n", min = 1)
  if (is.null(count)) count <- NA_real_
  check_whole(count, "count")
  args <- recycle_args(percent = rep_pct$value, n = n, count = as.numeric(count),
                       digits = rep_pct$digits)
  check_whole(args$digits, "digits", max = 13)
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
           paste0("no count out of ", args$n, " gives ", printed, "%",
                  ifelse(has_count, paste0(" (the printed count is ", args$count, ")"), "")),
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


# The counts k of n whose percentage rounds (either way at a tie) to the
# printed one: k_min, k_max (NA when none). Internal, unvalidated: for the
# table audit, which calls it many times with numbers it has checked.
percent_counts <- function(percent, n, digits) {
  len <- length(percent)
  n <- rep_len(as.numeric(n), len)
  digits <- rep_len(as.integer(digits), len)
  res <- .Call(C_audit_grim, round(as.numeric(percent) * 10^digits),
               digits + 2L, n, 0L)
  sums <- res[[1L]]
  none <- is.na(sums) | sums == 0
  k_min <- pmax(ifelse(none, NA_real_, res[[2L]] + 1), 0)
  k_max <- pmin(ifelse(none, NA_real_, res[[3L]] - 1), n)
  bad <- is.na(k_min) | is.na(k_max) | k_min > k_max
  k_min[bad] <- NA
  k_max[bad] <- NA
  list(k_min = k_min, k_max = k_max)
}
