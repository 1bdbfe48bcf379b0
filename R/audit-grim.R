# GRIM and GRIMMER: can a mean (and SD) of integer data round as printed?
# The searches run in C (src/audit.c) in exact integer arithmetic.

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
#' @param n Sample sizes (whole numbers >= 1; `NA` makes that row not
#'   checkable). One call takes at most 1e6 rows (class
#'   `vcf_error_work_limit` beyond).
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
  check_whole(n, "n", min = 1, max = 1e15)
  check_whole(items, "items", min = 1, max = 1e6)
  check_no_na(items, "items")
  args <- recycle_args(mean = rep_mean$value, n = n, digits = rep_mean$digits,
                       items = items)
  check_whole(args$digits, "digits", max = 15)
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
#' @param n Sample sizes (whole numbers >= 1; `NA` makes that row not
#'   checkable, and so does `n = 1`, for which an SD is not defined). One
#'   call takes at most 1e6 rows (class `vcf_error_work_limit` beyond).
#' @param sd Reported standard deviations, character or numeric.
#' @param digits Decimals of the mean (and of the SD unless `sd_digits` is
#'   given); defaults to those of the character input.
#' @param sd_digits Decimals of the SD.
#' @param threads Threads for the C search: `NULL` (the default) uses one
#'   thread for short inputs and the package's shared default otherwise (see
#'   the `vcfoutcomes.threads` option); a whole number >= 1 fixes it.
#' @section Work bound:
#' One search tries at most 2e7 sums and sums of squares (about a tenth of a
#' second). A (mean, SD, n) that would need more, such as an SD of
#' 999999999999 with a mean of 12345, is refused with an error of class
#' `vcf_error_work_limit` naming the rows, rather than searched for hours.
#' Long inputs are searched in blocks and can be interrupted.
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
                        rounding = "up_or_down", threads = NULL) {
  check_string(rounding, choices = rounding_modes)
  if (!is.null(threads)) check_number(threads, min = 1, max = 1024, integer = TRUE)
  rep_mean <- as_reported(mean, digits, "mean")
  rep_sd <- as_reported(sd, sd_digits, "sd")
  check_whole(n, "n", min = 1, max = 1e9)
  check_whole(items, "items", min = 1, max = 1000)
  check_no_na(items, "items")
  args <- recycle_args(mean = rep_mean$value, sd = rep_sd$value, n = n,
                       digits = rep_mean$digits, sd_digits = rep_sd$digits,
                       items = items)
  check_whole(args$digits, "digits", max = 15)
  check_whole(args$sd_digits, "sd_digits", max = 15)
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
               grimmer_threads(threads, length(args$mean)))
  code <- res[[1L]]
  over <- which(code %in% 2L)
  if (length(over)) {
    vcf_abort(c("The GRIMMER search exceeds its work bound (2e7 steps per row).",
                x = "Too much work at {describe_rows(over)}: mean {printed_mean[over[1]]}, SD {printed_sd[over[1]]}, n = {args$n[over[1]]}.",
                i = "A large n (many possible sums) or a large SD (many sums of squares) leaves too much to try; check the printed values."),
              c("work_limit", "argument"))
  }
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
  detail[which(is.na(code) & args$n %in% 1)] <- "an SD needs n >= 2"
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


# Threads for the C search: one for short inputs (a thread team costs more
# than it saves), else 0, which src/vcf.h's vcf_threads() turns into the
# package's shared default.
grimmer_threads <- function(threads, len) {
  if (!is.null(threads)) return(as.integer(threads))
  if (len < 256L) 1L else 0L
}

#' Can n integers have sum s and sum of squares q?
#'
#' Internal API of the GRIMMER search (src/audit.c), used by the tests to
#' check the exact search for n <= 4 and the gap-free rule for n >= 5
#' against brute force. `s` and `q` are whole numbers (|s|, q <= 1e15), `n`
#' in 1..1e6.
#' @return `TRUE` or `FALSE`.
#' @noRd
audit_representable <- function(s, q, n) {
  check_number(s, min = -1e15, max = 1e15, integer = TRUE)
  check_number(q, min = 0, max = 1e15, integer = TRUE)
  check_number(n, min = 1, max = 1e6, integer = TRUE)
  .Call(C_audit_representable, as.numeric(s), as.numeric(q), as.integer(n))
}
