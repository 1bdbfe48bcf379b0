# Relations between the numbers of a table: sums, ranges, weighted means,
# percentage sums, confidence intervals and regression coefficients.

# Relations between numbers -------------------------------------------------

as_parts <- function(x) if (is.list(x)) x else list(x)

#' Relations between the numbers of a table
#'
#' Checks that published numbers agree with each other, each within the
#' rounding of the printed values. Several small functions with one output
#' format (`verdict`, `expected`, `detail`), each vectorised over checks:
#' arguments holding several numbers per check (`parts`, `means`, ...) take
#' a list with one numeric vector per check, or a plain vector for a single
#' check. A missing number (`NA`) in a check makes that check
#' `"not-checkable"` (a table cell left blank), not an error; digits must not
#' be missing. One call takes at most 100,000 checks (and 100,000 numbers
#' per check); longer input is refused with class `vcf_error_work_limit`.
#'
#' * `vcf_check_sum()`: subgroup counts (not negative) must add up to the
#'   total. When they
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
#'   either sign of the difference is accepted: one value for all checks, or
#'   one per check (recycled like the other arguments).
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
  # counts: a negative part or total is a typo, not a number to add up
  parts <- check_parts(parts, "parts", min = 0)
  check_values(total, "total", min = 0)
  check_printed_digits(digits, "digits")
  check_printed_digits(total_digits, "total_digits")
  if (!is.null(n)) n <- check_parts(n, "n", min = 0)
  args <- recycle_args(max_len = audit_max_checks_r, parts = parts, total = total, digits = digits,
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
  min <- check_parts(min, "min"); max <- check_parts(max, "max")
  check_values(total_min, "total_min")
  check_values(total_max, "total_max")
  len <- length(min)
  median <- if (is.null(median)) rep(list(NULL), len) else check_parts(median, "median")
  if (is.null(total_median)) total_median <- NA
  check_values(total_median, "total_median")
  check_flags(partition, "partition")
  args <- recycle_args(max_len = audit_max_checks_r, min = min, max = max, total_min = total_min,
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
  means <- check_parts(means, "means"); n <- check_parts(n, "n", min = 0)
  check_values(total_mean, "total_mean")
  check_printed_digits(digits, "digits")
  check_printed_digits(total_digits, "total_digits")
  for (i in seq_along(n)) {
    check_whole(n[[i]], paste0("n[[", i, "]]"))
    if (!anyNA(n[[i]]) && length(n[[i]]) && sum(n[[i]]) == 0) {
      vcf_abort("{.arg n} must not be all zero: a weighted mean needs some weight (check {i}).",
                c("range", "argument"))
    }
  }
  args <- recycle_args(max_len = audit_max_checks_r, means = means, n = n, total_mean = total_mean, digits = digits,
                       total_digits = total_digits)
  check_paired_parts(args$means, args$n, "means", "n")
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
  percents <- check_parts(percents, "percents", min = 0, max = 100)
  check_printed_digits(digits, "digits")
  check_whole(digits, "digits", max = 13)
  len <- length(percents)
  counts <- if (is.null(counts)) rep(list(NULL), len) else check_parts(counts, "counts", min = 0)
  for (k in counts) if (!is.null(k)) check_whole(k, "counts")
  if (is.null(n)) n <- NA
  check_whole(n, "n", min = 1)
  args <- recycle_args(max_len = audit_max_checks_r, percents = percents, digits = digits, counts = counts, n = n)
  given <- !vapply(args$counts, is.null, TRUE)
  check_paired_parts(args$percents[given], args$counts[given], "percents", "counts")
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
  check_values(estimate, "estimate")
  check_values(lower, "lower")
  check_values(upper, "upper")
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
  check_values(coef, "coef")
  check_values(mean1, "mean1")
  check_values(mean0, "mean0")
  check_whole(digits, "digits", max = 15)
  check_whole(coef_digits, "coef_digits", max = 15)
  check_printed_digits(digits, "digits")
  check_printed_digits(coef_digits, "coef_digits")
  check_flags(sign_known, "sign_known")
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


# Relations in a table (used by vcf_audit() in audit-table.R) ----------------

# Regression coefficients ---------------------------------------------------

audit_coefficients <- function(d) {
  co <- d[d$statistic == "coef", , drop = FALSE]
  bind_findings(lapply(seq_len(nrow(co)), function(i) {
    cf <- co[i, , drop = FALSE]
    if (grepl("adjust|multivariabl|multivariat|multiple", paste(cf$source, cf$row, cf$column),
              ignore.case = TRUE)) return(NULL)
    means <- coefficient_means(d, cf)
    if (is.null(means)) return(NULL)
    res <- vcf_check_regression(cf$value, means$value[1L], means$value[2L],
                                digits = max(means$digits), coef_digits = cf$digits,
                                sign_known = FALSE)
    finding_rows("regression", rbind(cf, means), res, id_list(cf$id, means$id),
                 reported = paste0("coef ", cf$value, "; means ", paste(means$value, collapse = ", ")))
  }))
}

# The two group means a coefficient compares: the two subgroup means of its
# block, or the means in the rows "A" and "B" of a coefficient row "A vs B",
# in the same column.
coefficient_means <- function(d, cf) {
  pair <- regmatches(cf$variable, regexec("^(.+?)\\s+vs\\.?\\s+(.+)$", cf$variable))[[1L]]
  if (length(pair) == 3L) {
    pick <- function(r) d[d$source == cf$source & d$row == r & d$column == cf$column &
                            d$group_key == cf$group_key & d$statistic == "mean", , drop = FALSE]
    means <- rbind(pick(pair[2L]), pick(pair[3L]))
    if (nrow(means) == 2L) return(means)
    return(NULL)
  }
  means <- d[d$block == cf$block & d$statistic == "mean" & !d$total & !d$p_col, , drop = FALSE]
  if (nrow(means) == 2L) means else NULL
}

# Relations listed in a structure table -------------------------------------

audit_structure <- function(structure, x) {
  if (isFALSE(structure)) return(NULL)
  if (is.null(structure)) {
    study <- attr(x, "study")
    if (is.null(study)) return(NULL)
    path <- system.file("extdata", "published", paste0(study, "_structure.csv"),
                        package = "vcfoutcomes")
    if (!nzchar(path)) return(NULL)
    structure <- utils::read.csv(path, stringsAsFactors = FALSE)
  }
  if (!is.data.frame(structure) || !all(c("relation", "total", "parts") %in% names(structure))) {
    vcf_abort("{.arg structure} must be a data frame with columns {.field relation}, {.field total} and {.field parts}.",
              c("structure", "argument"))
  }
  bad <- which(!structure$relation %in% listed_relations)
  if (length(bad)) {
    vcf_abort(c("{.field relation} must be one of {paste0('\"', listed_relations, '\"', collapse = ', ')}.",
                x = "Not so at {describe_rows(bad, structure$relation[bad])}."),
              c("structure", "argument"))
  }
  structure
}

listed_relations <- c("between", "sum", "within", "equal", "denominator")

audit_listed <- function(d, relations) {
  if (is.null(relations) || !nrow(relations)) return(NULL)
  bind_findings(lapply(seq_len(nrow(relations)), function(i) {
    r <- relations[i, , drop = FALSE]
    total <- d[d$id == r$total, , drop = FALSE]
    part_ids <- strsplit(trimws(r$parts), "\\s+")[[1L]]
    parts <- d[d$id %in% part_ids, , drop = FALSE]
    if (nrow(total) != 1L || !nrow(parts)) return(NULL)
    note <- if (!is.null(r$note) && !is.na(r$note) && nzchar(r$note)) paste0(" (", r$note, ")") else ""
    if (r$relation == "denominator") return(listed_denominator(total, parts, note))
    if (r$relation == "equal") return(listed_equal(total, parts, note))
    if (nrow(parts) != length(part_ids)) return(NULL)
    parts <- parts[match(part_ids, parts$id), , drop = FALSE]
    res <- switch(r$relation,
      between = check_between(total$value, total$digits, parts$value, max(parts$digits)),
      sum = vcf_check_sum(parts$value, total$value, digits = max(parts$digits),
                          total_digits = total$digits),
      within = {
        inside <- total$value >= parts$value[1L] && total$value <= parts$value[2L]
        list(verdict = if (inside) "consistent" else "inconsistent",
             expected = paste0("within [", parts$value[1L], ", ", parts$value[2L], "]"),
             detail = paste0(total$value, if (inside) " lies" else " does not lie",
                             " within the printed range [", parts$value[1L], ", ",
                             parts$value[2L], "]"))
      })
    res$detail <- paste0(res$detail, note)
    finding_rows(r$relation, rbind(total, parts), res, id_list(total$id, parts$id),
                 reported = paste0(total$value, " vs ", paste(parts$value, collapse = ", ")))
  }))
}

# A count printed in one row is the denominator of percentages in others.
listed_denominator <- function(total, parts, note) {
  pct <- parts[parts$statistic == "percent" & parts$value >= 0 & parts$value <= 100, , drop = FALSE]
  if (!nrow(pct) || !whole(total$value)) return(NULL)
  res <- vcf_check_percent(pct$value, total$value, digits = pct$digits, rounding = "up_or_down")
  res$detail <- paste0(res$detail, "; the denominator is ", total$id, note)
  finding_rows_at(pct, "denominator", res, paste(pct$id, total$id, sep = ", "),
                  reported = paste0(pct$value, "% of ", total$value))
}

# The same quantity printed twice must be printed alike (within rounding).
listed_equal <- function(total, parts, note) {
  bind_findings(lapply(seq_len(nrow(parts)), function(j) {
    # Printed with the same decimals, the same number prints alike; else
    # the finer one must round to the coarser.
    tol <- if (total$digits == parts$digits[j]) 1e-9 else
      half_unit(min(total$digits, parts$digits[j])) + 1e-9
    same <- abs(total$value - parts$value[j]) <= tol
    res <- list(verdict = if (same) "consistent" else "inconsistent",
                expected = as.character(total$value),
                detail = paste0(parts$id[j], " = ", parts$value[j],
                                if (same) " agrees with " else " differs from ",
                                total$id, " = ", total$value, note))
    finding_rows("equal", rbind(total, parts[j, , drop = FALSE]), res,
                 id_list(total$id, parts$id[j]),
                 reported = paste0(total$value, " vs ", parts$value[j]))
  }))
}

