# p values recomputed from printed test statistics and their df.

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
#' A statistic printed with an inequality (`"<2.2"`, `"> 10"`) stands for
#' the interval it names (`[0, 2.2)`, `(10, Inf)`): the check asks whether
#' any statistic in it gives the reported p. A p printed as `"<.000"` (or
#' `"< 0"`) names no possible p and is refused, as is a p outside \[0, 1\].
#'
#' @param statistic Test statistics, numeric or character as printed
#'   (`"2.12"`, `"<2.2"`).
#' @param df Degrees of freedom: for t and r the (second) df, for chi-square
#'   its df, for F a two-column matrix or data frame (df1, df2), or a length
#'   2 vector for a single F. Positive; `NA` makes the check not checkable.
#' @param p Reported p values in \[0, 1\], numeric or character (`"<.0001"`,
#'   `".02"`; the comparison is then read from the text). `NA` (in `p` or
#'   `statistic`) makes the check not checkable.
#' @param test `"t"`, `"F"`, `"chisq"`, `"z"` or `"r"`.
#' @param comparison `"="`, `"<"` or `">"` for numeric `p`.
#' @param digits Decimals of the statistic (default: as printed).
#' @param p_digits Decimals of p (default: as printed), whole numbers in
#'   \[0, 15\].
#' @param alpha Significance level for decision errors.
#' @param tails 1 or 2, for t, z and r: one value for all checks, or one per
#'   check (recycled like the other arguments; any dimensions are dropped).
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
  args <- p_check_args(statistic, df, p, test, comparison, digits, alpha, tails, p_digits)
  ranges <- p_ranges(args)
  judged <- p_judge(args, ranges, alpha)
  dfr <- df_search(args$test, ranges$stat_lo, ranges$stat_hi, args)
  dfr$lo[!judged$checkable | args$test == "z"] <- NA
  dfr$hi[!judged$checkable | args$test == "z"] <- NA
  out <- new_check(test = args$test, statistic = p_statistic_text(args),
                   df1 = args$df1, df2 = args$df2, p = args$p,
                   comparison = args$comparison, p_computed = ranges$p_at,
                   p_min = ranges$p_min, p_max = ranges$p_max,
                   verdict = judged$verdict, expected = p_expected(args, ranges, judged),
                   detail = p_detail(args, ranges, judged, dfr, alpha))
  out$decision_error <- ifelse(judged$checkable, judged$decision, NA)
  out$df_min <- dfr$lo
  out$df_max <- dfr$hi
  out[, c("test", "statistic", "df1", "df2", "p", "comparison", "p_computed",
          "p_min", "p_max", "verdict", "decision_error", "df_min", "df_max",
          "expected", "detail")]
}

# Step 1: validate and recycle every argument into one list of vectors.
p_check_args <- function(statistic, df, p, test, comparison, digits, alpha, tails,
                         p_digits, call = rlang::caller_env()) {
  check_alpha(alpha, call = call)
  # the work limit comes first: parsing 1e7 printed values alone takes minutes
  check_work(NROW(df), "df", call = call)
  check_work(length(statistic), "statistic", call = call)
  check_work(length(p), "p", call = call)
  if (!is.character(comparison) && !is.factor(comparison)) {
    vcf_abort("{.arg comparison} must be character, not {.cls {class(comparison)}}.",
              c("comparison", "argument"), call = call)
  }
  if (!is.numeric(tails)) {
    vcf_abort("{.arg tails} must be 1 or 2, not {.cls {class(tails)}}.",
              c("type", "argument"), call = call)
  }
  if (!is.character(test) && !is.factor(test)) {
    vcf_abort("{.arg test} must be character, not {.cls {class(test)}}.",
              c("test", "argument"), call = call)
  }
  test_name <- unname(test_aliases[as.character(test)])
  bad <- which(is.na(test_name))
  if (length(bad)) {
    vcf_abort(c("{.arg test} must be one of \"t\", \"F\", \"chisq\", \"z\", \"r\".",
                x = "Not so at {describe_rows(bad, test[bad])}."),
              c("test", "argument"), call = call)
  }
  if (is.null(digits) && is.numeric(statistic)) digits <- decimals_of(statistic)
  stat <- p_parse_statistic(statistic, digits, call)
  pv <- p_parse_p(p, comparison, p_digits, call)
  dfs <- p_split_df(df, length(stat$value), test_name, call)
  check_in(tails, "tails", c(1, 2), call = call)
  args <- recycle_args(test = test_name, statistic = stat$value, digits = stat$digits,
                       stat_comparison = stat$comparison, df1 = dfs$df1, df2 = dfs$df2,
                       p = pv$value, comparison = pv$comparison, p_digits = pv$digits,
                       tails = tails, call = call)
  check_in(args$comparison, "comparison", c("=", "<", ">"), call = call)
  check_printed_digits(args$digits[!is.na(args$statistic)], "digits", call = call)
  check_printed_digits(args$p_digits[!is.na(args$p)], "p_digits", call = call)
  impossible <- which(!is.na(args$p) & ((args$comparison == "<" & args$p <= 0) |
                                          (args$comparison == ">" & args$p >= 1)))
  if (length(impossible)) {
    vcf_abort(c("{.arg p} names no possible p value.",
                x = "\"p {args$comparison[impossible[1]]} {args$p[impossible[1]]}\" at {describe_rows(impossible)}: a p value lies in [0, 1].",
                i = "A p printed as \"<.000\" is a typesetting error; give the bound the authors meant."),
              c("p_bound", "argument"), call = call)
  }
  tst <- args$test
  args$df1[tst %in% c("t", "r", "z")] <- NA
  args$df2[tst %in% c("chisq", "z")] <- NA
  args
}

# A statistic as printed: "2.12" is the interval [2.115, 2.125]; "<2.2" is
# [0, 2.2) and ">10" is (10, Inf), checked as such.
p_parse_statistic <- function(statistic, digits, call) {
  if (is.factor(statistic)) statistic <- as.character(statistic)
  comparison <- rep("=", length(statistic))
  if (is.character(statistic)) {
    parsed <- parse_reported(statistic)
    comparison <- ifelse(is.na(parsed$comparison), "=", parsed$comparison)
  }
  rep_stat <- as_reported(statistic, digits, "statistic", call = call)
  check_values(rep_stat$value, "statistic", call = call)
  list(value = rep_stat$value, digits = rep_stat$digits, comparison = comparison)
}

p_parse_p <- function(p, comparison, p_digits, call) {
  if (!is.null(p_digits) && !is.numeric(p_digits) && !(is.logical(p_digits) && all(is.na(p_digits)))) {
    vcf_abort("{.arg p_digits} must be whole numbers in [0, 15], not {.cls {class(p_digits)}}.",
              c("type", "argument"), call = call)
  }
  if (is.factor(p)) p <- as.character(p)
  if (is.character(p)) {
    parsed <- parse_reported(p)
    bad <- which(is.na(parsed$value) & !is.na(p))
    if (length(bad)) {
      vcf_abort(c("{.arg p} must hold printed p values.",
                  x = "Not a number at {describe_rows(bad, p[bad])}."),
                c("type", "argument"), call = call)
    }
    value <- parsed$value
    comparison <- ifelse(grepl("[<>]", p), parsed$comparison, comparison)
    if (is.null(p_digits)) p_digits <- parsed$digits
  } else if (is.numeric(p) || (is.logical(p) && all(is.na(p)))) {
    value <- as.numeric(p)
    if (is.null(p_digits)) p_digits <- decimals_of(value)
  } else {
    vcf_abort("{.arg p} must be numeric or character, not {.cls {class(p)}}.",
              c("type", "argument"), call = call)
  }
  check_values(value, "p", min = 0, max = 1, call = call)
  if (!is.character(comparison)) {
    vcf_abort("{.arg comparison} must be character, not {.cls {class(comparison)}}.",
              c("comparison", "argument"), call = call)
  }
  list(value = value, comparison = comparison, digits = p_digits)
}

p_split_df <- function(df, len, test_name, call) {
  if (is.matrix(df) || is.data.frame(df)) {
    if (ncol(df) != 2L) {
      vcf_abort("{.arg df} as a matrix must have two columns (df1, df2), not {ncol(df)}.",
                c("length", "argument"), call = call)
    }
    df1 <- df[, 1L]; df2 <- df[, 2L]
  } else if (length(df) == 2L && len == 1L && all(test_name == "F")) {
    df1 <- df[1L]; df2 <- df[2L]
  } else {
    df1 <- df2 <- df
  }
  for (d in list(df1, df2)) check_values(d, "df", min = 0, call = call)
  bad <- which(!is.na(df1) & df1 <= 0 | !is.na(df2) & df2 <= 0)
  if (length(bad)) {
    vcf_abort(c("{.arg df} must be positive.", x = "Not so at {describe_rows(bad)}."),
              c("range", "argument"), call = call)
  }
  list(df1 = as.numeric(df1), df2 = as.numeric(df2))
}

# Step 2: the p values the statistic's interval allows.
p_ranges <- function(args) {
  h <- half_unit(args$digits)
  a <- abs(args$statistic)
  stat_lo <- ifelse(args$stat_comparison == "<", 0, pmax(a - h, 0))
  stat_hi <- ifelse(args$stat_comparison == ">", Inf,
                    ifelse(args$test == "r", pmin(a + h, 1), a + h))
  if (any(args$stat_comparison == "<")) {
    stat_hi[args$stat_comparison == "<"] <- a[args$stat_comparison == "<"]
  }
  if (any(args$stat_comparison == ">")) {
    stat_lo[args$stat_comparison == ">"] <- a[args$stat_comparison == ">"]
  }
  list(stat_lo = stat_lo, stat_hi = stat_hi,
       p_at = p_from_stat(args$test, a, args$df1, args$df2, args$tails),
       p_min = p_from_stat(args$test, stat_hi, args$df1, args$df2, args$tails),
       p_max = p_from_stat(args$test, stat_lo, args$df1, args$df2, args$tails))
}

# Does a p range [p_min, p_max] meet the reported p (its rounding interval,
# or the side of its bound)?
p_fits <- function(args, p_min, p_max, idx = seq_along(args$p)) {
  hp <- half_unit(args$p_digits[idx])
  p <- args$p[idx]
  cmp <- args$comparison[idx]
  eps <- 1e-12
  ifelse(cmp == "=", p_max >= p - hp - eps & p_min <= p + hp + eps,
         ifelse(cmp == "<", p_min < p + eps, p_max > p - eps))
}

# Step 3: verdicts. An inconsistent p on the other side of alpha is a
# decision error; p = alpha counts as significant, as in statcheck.
p_judge <- function(args, ranges, alpha) {
  consistent <- p_fits(args, ranges$p_min, ranges$p_max)
  tst <- args$test
  needs_df <- (tst %in% c("t", "r", "F") & is.na(args$df2)) |
    (tst %in% c("F", "chisq") & is.na(args$df1))
  checkable <- !is.na(consistent) & !needs_df & !is.na(args$p) & !is.na(args$statistic)
  reported_sig <- ifelse(args$comparison == ">", ifelse(args$p >= alpha, FALSE, NA),
                         ifelse(args$p <= alpha, TRUE,
                                ifelse(args$comparison == "<", NA, FALSE)))
  computed_sig <- ranges$p_at <= alpha
  # A statistic given as a bound is significant only if its whole interval is.
  computed_sig <- ifelse(args$stat_comparison == "=", computed_sig,
                         ifelse(ranges$p_max <= alpha, TRUE,
                                ifelse(ranges$p_min > alpha, FALSE, NA)))
  decision <- checkable & !consistent & !is.na(reported_sig) & !is.na(computed_sig) &
    reported_sig != computed_sig
  verdict <- ifelse(!checkable, "not-checkable",
                    ifelse(consistent, "consistent",
                           ifelse(decision, "decision-error", "inconsistent")))
  list(consistent = consistent, checkable = checkable, needs_df = needs_df,
       reported_sig = reported_sig, computed_sig = computed_sig,
       decision = decision, verdict = verdict)
}

# Step 4: the words.
p_label <- function(test) c(t = "t", F = "F", chisq = "chi-square", z = "z", r = "r")[test]

p_statistic_text <- function(args) {
  text <- format_fixed(args$statistic, args$digits)
  ifelse(args$stat_comparison == "=", text, paste0(args$stat_comparison, text))
}

p_range_text <- function(args, ranges) {
  sig_digits <- pmax(args$p_digits + 1L, 3L)
  ifelse(abs(ranges$p_max - ranges$p_min) < 10^(-sig_digits - 1),
         format_p(ranges$p_at, sig_digits),
         paste0(format_p(ranges$p_min, sig_digits), " to ",
                format_p(ranges$p_max, sig_digits)))
}

p_expected <- function(args, ranges, judged) {
  ifelse(judged$checkable, paste0("p = ", p_range_text(args, ranges)), NA_character_)
}

p_detail <- function(args, ranges, judged, dfr, alpha) {
  tst <- args$test
  label <- p_label(tst)
  df_text <- ifelse(tst == "F", paste0("(", args$df1, ", ", args$df2, ")"),
                    ifelse(tst == "z", "",
                           paste0("(", ifelse(tst == "chisq", args$df1, args$df2), ")")))
  relation <- ifelse(args$stat_comparison == "=", " = ", paste0(" ", args$stat_comparison, " "))
  stat_text <- paste0(label, df_text, relation, format_fixed(args$statistic, args$digits))
  p_text <- paste0("p ", args$comparison, " ", format_fixed(args$p, args$p_digits))
  tail_text <- ifelse(tst %in% c("t", "z", "r"),
                      ifelse(args$tails == 2, "two-sided ", "one-sided "), "")
  df_fit <- ifelse(is.na(dfr$lo), "no df makes the reported p fit",
                   ifelse(dfr$lo == dfr$hi, paste0("the reported p fits df = ", dfr$lo),
                          paste0("the reported p fits df ", dfr$lo, " to ", dfr$hi)))
  side <- paste0(" and lies on the other side of alpha = ", alpha, " (reported ",
                 ifelse(judged$reported_sig %in% TRUE, "significant", "not significant"),
                 ", recomputed ",
                 ifelse(judged$computed_sig %in% TRUE, "significant", "not significant"), ")")
  fit_text <- ifelse(judged$consistent %in% TRUE, " fits",
                     paste0(" does not fit", ifelse(judged$decision, side, ""),
                            ifelse(tst == "z", "", paste0("; ", df_fit))))
  ifelse(!judged$checkable,
         ifelse(judged$needs_df, paste0(label, " needs its degrees of freedom"),
                "missing statistic or p"),
         paste0(stat_text, " gives ", tail_text, "p = ", p_range_text(args, ranges),
                "; reported ", p_text, fit_text))
}

format_p <- function(p, digits) {
  ifelse(p < 10^(-digits), formatC(p, format = "e", digits = 1), format_fixed(p, digits))
}

# The whole df for which the reported p would fit. For t, r and chi-square
# the p at a fixed statistic is monotone in df (falling for t and r, rising
# for chi-square), so "p_max(df) reaches the reported interval" and
# "p_min(df) reaches it" each hold on a half-line, found by bisection. For F
# (df2 varies, df1 fixed) the grid 1..5000 is scanned.
df_search <- function(tst, stat_lo, stat_hi, args) {
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
  # An undefined predicate (NA) counts as FALSE, so the invariant below
  # holds and the loop halves [lo, hi] every round: at most 25 rounds for
  # max_df = 1e7, capped at 64 all the same.
  pred_na <- pred
  pred <- function(df, i) pred_na(df, i) %in% TRUE
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
  open <- is.na(out)
  # invariant: pred(lo) != pred(hi); lo is on the side of at_lo
  rounds <- 0L
  while (any(open) && rounds < 64L) {
    rounds <- rounds + 1L
    mid <- floor((lo + hi) / 2)
    done <- open & (hi - lo <= 1)
    out[done] <- if (first) hi[done] else lo[done]
    open <- open & !done
    if (!any(open)) break
    v <- pred(mid[open], idx[open])
    same_as_lo <- v == at_lo[open]
    t_idx <- which(open)
    lo[t_idx[same_as_lo]] <- mid[t_idx[same_as_lo]]
    hi[t_idx[!same_as_lo]] <- mid[t_idx[!same_as_lo]]
  }
  out
}


# p values in a table (used by vcf_audit() in audit-table.R): a printed
# statistic with its p, and p values recomputed from printed counts or means.

audit_tests <- function(d, alpha) {
  with_tests <- d[d$block %in% d$block[d$statistic %in% test_stats], , drop = FALSE]
  blocks <- split(with_tests, factor(with_tests$block, levels = unique(with_tests$block)))
  bind_findings(c(lapply(blocks, block_statistic_tests, alpha = alpha),
                  list(recomputed_tests(d, alpha))))
}

# A printed statistic with its p (and df) per group of the block.
block_statistic_tests <- function(b, alpha) {
  tests <- b[b$statistic %in% test_stats, , drop = FALSE]
  bind_findings(lapply(unique(tests$group_key), function(g) {
    bg <- b[b$group_key == g | (b$group_key == "" & !g %in% b$group_key[b$statistic == "p"]), ]
    ts <- bg[bg$statistic %in% test_stats, , drop = FALSE]
    ps <- bg[bg$statistic == "p", , drop = FALSE]
    if (nrow(ts) != 1L || nrow(ps) != 1L) {
      if (!nrow(ts)) return(NULL)
      res <- list(verdict = "not-checkable", expected = NA,
                  detail = paste0("found ", nrow(ts), " test statistic(s) and ", nrow(ps),
                                  " p value(s); cannot pair them"))
      return(finding_rows("p", ts, res, id_list(ts$id, ps$id),
                          reported = paste(ts$reported, collapse = "; ")))
    }
    statistic_p(ts, ps, bg, b, alpha)
  }))
}

# The df of a test: printed, else from the sizes of the compared cells.
test_df <- function(test, ts, ps, bg, b) {
  df1 <- bg[bg$statistic == "df1", , drop = FALSE]
  df2 <- bg[bg$statistic == "df2", , drop = FALSE]
  dfs <- bg[bg$statistic == "df", , drop = FALSE]
  out <- list(d1 = NA, d2 = NA, ids = character(), note = "", welch_lo = NA)
  if (test == "F") {
    if (nrow(df1) && nrow(df2)) {
      out[c("d1", "d2")] <- list(df1$value[1L], df2$value[1L]); out$ids <- c(df1$id[1L], df2$id[1L])
    } else if (nrow(dfs) == 2L) {
      out[c("d1", "d2")] <- list(dfs$value[1L], dfs$value[2L]); out$ids <- dfs$id
    }
    return(out)
  }
  if (nrow(dfs)) {
    out$d1 <- out$d2 <- dfs$value[1L]; out$ids <- dfs$id[1L]
    return(out)
  }
  if (!test %in% c("t", "r")) return(out)
  # Two compared cells give n1 + n2 - 2 (down to min(n) - 1 for Welch), or
  # n - 1 for two visits of the same patients; one n gives n - 1.
  desc <- b[!b$p_col & !b$total & b$statistic %in% descriptive_stats, , drop = FALSE]
  cells <- cell_list(desc)
  sizes <- lapply(cells, cell_size)
  sub_n <- vapply(sizes, `[[`, 0, "n")
  own_n <- stats::na.omit(c(ts$n, ps$n))
  visits <- grepl(visit_pattern, vapply(cells, function(c) c[[1L]]$label, ""), ignore.case = TRUE)
  if (test == "t" && length(cells) == 2L && !anyNA(sub_n) && all(visits) && sub_n[1L] == sub_n[2L]) {
    out$d2 <- sub_n[1L] - 1
    out$ids <- stats::na.omit(vapply(sizes, `[[`, "", "id"))
    out$note <- paste0(" (paired: df = n - 1 from n = ", sub_n[1L], " at both visits)")
  } else if (test == "t" && length(cells) == 2L && !anyNA(sub_n)) {
    out$d2 <- sum(sub_n) - 2; out$welch_lo <- min(sub_n) - 1
    out$ids <- stats::na.omit(vapply(sizes, `[[`, "", "id"))
    out$note <- paste0(" (df from n = ", sub_n[1L], " + ", sub_n[2L], " - 2",
                       "; Welch df down to ", out$welch_lo, " accepted)")
  } else if (length(own_n)) {
    out$d2 <- if (test == "r") own_n[1L] - 2 else own_n[1L] - 1
    out$note <- paste0(" (df = n - ", if (test == "r") 2 else 1, " from n = ", own_n[1L], ")")
  }
  out
}

statistic_p <- function(ts, ps, bg, b, alpha) {
  test <- c(t = "t", f = "F", chisq = "chisq", z = "z", r = "r")[[ts$statistic]]
  df <- test_df(test, ts, ps, bg, b)
  stat_text <- paste0(if (ts$comparison != "=") ts$comparison,
                      format_fixed(ts$value, ts$digits))
  res <- tryCatch(
    vcf_check_p(stat_text, df = if (test == "F") cbind(df$d1, df$d2) else
      if (test == "chisq") df$d1 else df$d2, p = ps$value, test = test,
      comparison = ps$comparison, p_digits = ps$digits, alpha = alpha),
    vcf_error = function(e) {
      list(verdict = "not-checkable", expected = NA, df_min = NA,
           detail = paste0("the p value cannot be checked: ", conditionMessage(e)))
    })
  if (!is.na(df$welch_lo) && res$verdict != "consistent" && !is.na(res$df_min) &&
      res$df_min <= df$d2 && res$df_max >= df$welch_lo) {
    res$verdict <- "consistent"
    res$detail <- paste0(res$detail, "; a Welch test with df in [", df$welch_lo, ", ", df$d2,
                         "] would fit")
  }
  res$detail <- paste0(res$detail, df$note)
  finding_rows("p", rbind(ts[, names(ps)], ps), res, id_list(ts$id, ps$id, df$ids),
               reported = paste0(ts$statistic, " ", ts$comparison, " ", ts$value, ", p ",
                                 ps$comparison, " ", ps$value))
}

# p values printed without a statistic, recomputed from the counts or the
# means the table prints for the groups it compares.
recomputed_tests <- function(d, alpha) {
  has_stat <- unique(d$block[d$statistic %in% test_stats])
  ps <- d[d$statistic == "p" & d$p_col & !d$block %in% has_stat, , drop = FALSE]
  bind_findings(lapply(seq_len(nrow(ps)), function(i) {
    p <- ps[i, , drop = FALSE]
    groups <- compared_cells(d, p)
    if (is.null(groups)) return(NULL)
    if (all(c("mean", "sd") %in% groups$statistic)) return(t_from_means(groups, p, alpha))
    if (any(groups$statistic %in% c("count", "percent"))) return(chisq_from_counts(groups, p, alpha))
    NULL
  }))
}

# The subgroup numbers a p compares: those of its categorical variable
# ("Variable: level" rows) or of its own block.
compared_cells <- function(d, p) {
  categorical <- if (grepl(":", p$row) && p$variable == p$row) sub("\\s*:.*$", "", p$row) else NA
  rows <- if (!is.na(categorical)) {
    d$source == p$source & d$variable == d$row &
      startsWith(d$row, paste0(categorical, ":"))
  } else d$block == p$block
  g <- d[rows & !d$p_col & !d$total & d$statistic %in% descriptive_stats, , drop = FALSE]
  g <- g[g$slot == g$slot[1L], , drop = FALSE]
  if (length(unique(g$arm)) < 2L) return(NULL)
  g$level <- if (!is.na(categorical)) g$row else "yes"
  g
}

# Counts per level and group: printed, or every count the percentage and n
# allow. NULL when some group lacks its n or a count.
count_options <- function(g) {
  arms <- unique(g$arm); levels <- unique(g$level)
  n <- vapply(arms, function(a) { v <- stats::na.omit(g$n[g$arm == a]); if (length(v)) v[1L] else NA }, 0)
  if (anyNA(n) || any(n < 1) || any(n != round(n))) return(NULL)
  recs <- as_records(g)
  opts <- vector("list", length(levels) * length(arms))
  k <- 0L
  for (lv in levels) for (j in seq_along(arms)) {
    k <- k + 1L
    cell <- recs[g$level == lv & g$arm == arms[j]]
    count <- cell_stat(cell, "count"); pct <- cell_stat(cell, "percent")
    opts[[k]] <- if (!is.null(count)) count$value else if (!is.null(pct)) {
      r <- percent_counts(pct$value, n[[j]], pct$digits)
      if (is.na(r$k_min)) return(NULL) else seq(r$k_min, r$k_max)
    } else return(NULL)
  }
  list(arms = arms, levels = levels, n = n, options = opts)
}

chisq_from_counts <- function(g, p, alpha) {
  co <- count_options(g)
  if (is.null(co)) return(NULL)
  combos <- expand.grid(co$options, KEEP.OUT.ATTRS = FALSE)
  if (nrow(combos) > 500L) return(NULL)
  tables <- lapply(seq_len(nrow(combos)), function(r) {
    m <- matrix(unlist(combos[r, ]), nrow = length(co$levels), byrow = TRUE)
    rest <- co$n - colSums(m)
    if (any(rest < 0)) return(NULL)
    if (any(rest > 0)) m <- rbind(m, rest)        # the unprinted category
    m[rowSums(m) > 0, , drop = FALSE]
  })
  tables <- Filter(function(m) !is.null(m) && nrow(m) >= 2L, tables)
  if (!length(tables)) return(NULL)
  two_by_two <- all(vapply(tables, function(m) all(dim(m) == 2L), NA))
  tests <- list(
    "Pearson chi-square" = function(m) suppressWarnings(stats::chisq.test(m, correct = FALSE)$p.value),
    "chi-square with Yates' correction" = if (two_by_two)
      function(m) suppressWarnings(stats::chisq.test(m, correct = TRUE)$p.value),
    "Fisher's exact test" = function(m) tryCatch(stats::fisher.test(m)$p.value, error = function(e) NA))
  tests <- Filter(Negate(is.null), tests)
  ranges <- lapply(tests, function(f) range(vapply(tables, f, 0), na.rm = TRUE))
  counts_text <- paste(vapply(seq_along(co$arms), function(j) {
    paste0(co$arms[j], " ", paste(tables[[1L]][, j], collapse = "/"), " of ", co$n[[j]])
  }, ""), collapse = " vs ")
  judge_recomputed("chisq-p", g, p, ranges, alpha,
                   paste0("counts ", counts_text,
                          if (length(tables) > 1L) paste0(" (", length(tables), " count tables fit the percentages)")))
}

t_from_means <- function(g, p, alpha) {
  arms <- unique(g$arm)
  if (length(arms) != 2L) return(NULL)
  recs <- as_records(g)
  get <- function(a, stat) cell_stat(recs[g$arm == a], stat)
  m <- lapply(arms, get, "mean"); s <- lapply(arms, get, "sd")
  n <- vapply(arms, function(a) cell_size(recs[g$arm == a])$n, 0)
  if (any(vapply(c(m, s), is.null, NA)) || anyNA(n) || any(n < 2)) return(NULL)
  mv <- vapply(m, `[[`, 0, "value"); sv <- vapply(s, `[[`, 0, "value")
  hm <- half_unit(vapply(m, `[[`, 0L, "digits")); hs <- half_unit(vapply(s, `[[`, 0L, "digits"))
  diff_lo <- max(abs(mv[1] - mv[2]) - sum(hm), 0); diff_hi <- abs(mv[1] - mv[2]) + sum(hm)
  s_lo <- pmax(sv - hs, 0); s_hi <- sv + hs
  pooled_se <- function(s) sqrt(((n[1] - 1) * s[1]^2 + (n[2] - 1) * s[2]^2) / (sum(n) - 2) * sum(1 / n))
  welch_se <- function(s) sqrt(sum(s^2 / n))
  p_range <- function(se_fun, df_lo, df_hi) {
    t_hi <- diff_hi / se_fun(s_lo); t_lo <- diff_lo / se_fun(s_hi)
    sort(c(2 * stats::pt(-t_hi, df_hi), 2 * stats::pt(-t_lo, df_lo)))
  }
  ranges <- list("pooled t test" = p_range(pooled_se, sum(n) - 2, sum(n) - 2),
                 "Welch t test" = p_range(welch_se, min(n) - 1, sum(n) - 2))
  judge_recomputed("t-p", g, p, ranges, alpha,
                   paste0("means ", mv[1], " (SD ", sv[1], ", n = ", n[1], ") and ", mv[2],
                          " (SD ", sv[2], ", n = ", n[2], ")"))
}

# Which recomputed p ranges meet the printed p; a p none fits, printed on
# the other side of alpha from every test, is a decision error.
judge_recomputed <- function(check, g, p, ranges, alpha, what) {
  hp <- half_unit(p$digits)
  fits <- vapply(ranges, function(r) switch(p$comparison,
    "=" = r[2] >= p$value - hp - 1e-12 && r[1] <= p$value + hp + 1e-12,
    "<" = r[1] < p$value + 1e-12,
    ">" = r[2] > p$value - 1e-12), NA)
  fits[is.na(fits)] <- FALSE
  reported_sig <- if (p$comparison == ">") FALSE else if (p$value <= alpha) TRUE else
    if (p$comparison == "<") NA else FALSE
  computed_sig <- vapply(ranges, function(r) if (r[2] <= alpha) TRUE else if (r[1] > alpha) FALSE else NA, NA)
  decision <- !any(fits) && !is.na(reported_sig) && all(!is.na(computed_sig)) &&
    all(computed_sig != reported_sig)
  shown <- paste0(names(ranges), " p = ", vapply(ranges, function(r) {
    if (abs(r[2] - r[1]) < 5e-5) format_p(r[1], 4) else paste0(format_p(r[1], 4), " to ", format_p(r[2], 4))
  }, ""), collapse = "; ")
  p_text <- paste0("p ", p$comparison, " ", format_fixed(p$value, p$digits))
  res <- list(
    verdict = if (any(fits)) "consistent" else if (decision) "decision-error" else "inconsistent",
    expected = shown,
    detail = paste0(what, " give ", shown, "; the reported ", p_text,
                    if (any(fits)) paste0(" fits the ", paste(names(ranges)[fits], collapse = " and the "))
                    else paste0(" fits none of them",
                                if (decision) paste0(", and every one is on the other side of alpha = ", alpha))))
  finding_rows(check, rbind(g[, names(p)], p), res, id_list(g$id, g$n_id, p$id),
               reported = p_text)
}

