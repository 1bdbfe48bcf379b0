# vcf_analyze(): every analysis a cohort's variables support, in one call.

#' Analyse a cohort in one call
#'
#' Runs every analysis that the cohort's variables support, and says what
#' was skipped and why:
#'
#' * Table 1 by subgroup ([vcf_table1()]); the subgroups are `subgroup`, or
#'   the PV study's rule ([vcf_subgroup()]) when the cohort records new VCF
#'   and pain at other levels.
#' * With BME over two or more visits: BME evolution and resolution, the
#'   change per interval, class transitions, and median VAS and analgesic
#'   use per visit ([vcf_followup()]); and the relation between BME change
#'   and pain change per interval in the first subgroup (as the PV study's
#'   Table 3): similar vs decreased BME extent (`bme_similar`, 1 for
#'   similar; similar includes fractures without BME at both ends of the
#'   interval, as the study's counts imply; the rare increases are left
#'   out), and BME absent vs present at
#'   the interval's end, regressed against the VAS decrease and the
#'   analgesic class decrease, each with the classical 95% interval and a
#'   bootstrap interval (BCa by default, resampling patients) from
#'   [vcf_boot_lm()].
#' * With numeric outcomes over visits: paired comparisons between
#'   consecutive visits and between the first visit and each later one
#'   ([vcf_paired()]), with the Wilcoxon signed-rank test for the analgesic
#'   class.
#' * Imaging findings and other yes/no or categorical patient or fracture
#'   columns: percentages with exact (Clopper-Pearson) 95% intervals.
#'
#' @param cohort A [vcf_cohort()].
#' @param subgroup `NULL` (the default rule when it applies), a factor per
#'   patient, or a patient-level column name.
#' @param boot Bootstrap settings from [vcf_boot_control()].
#' @param ... Passed to [vcf_table1()] (e.g. `tests`, `style`).
#' @return A `vcf_analysis`: a list with `cohort`, `subgroup`, `table1`,
#'   `followup`, `relation`, `paired`, `findings`, `skipped` and `timing`,
#'   with `print`, `summary`, `plot`, `as.data.frame` and `tidy` methods.
#' @examples
#' fit <- vcf_analyze(vcf_cohort(pv_edema), boot = vcf_boot_control(B = 499, seed = 1))
#' fit
#' head(as.data.frame(fit, "relation"))
#' @export
vcf_analyze <- function(cohort, subgroup = NULL, boot = vcf_boot_control(), ...) {
  check_cohort(cohort)
  if (!inherits(boot, "vcf_boot_control")) {
    vcf_abort("{.arg boot} must come from {.fn vcf_boot_control}.", c("type", "argument"))
  }
  started <- proc.time()[["elapsed"]]
  # Analyses the cohort's variables do not support are recorded, not run.
  skipped <- list()
  record_skipped <- function(analysis, reason) {
    skipped[[length(skipped) + 1L]] <<- data.frame(analysis = analysis, reason = reason)
  }
  # `by` stays in the form it was given (a column name is then left out of
  # Table 1); `groups` is its factor with one element per patient.
  by <- analysis_subgroup(cohort, subgroup, record_skipped)
  groups <- if (is.null(by) || inherits(by, "vcf_subgroup")) by else followup_groups(by, cohort)

  out <- list(cohort = cohort, subgroup = groups, table1 = NULL, followup = NULL,
              relation = NULL, paired = NULL, findings = NULL)
  out$table1 <- vcf_table1(cohort, by = by, ...)

  has_visits <- length(cohort$visit_levels) >= 2L
  has_bme <- any(c("bme_pct", "bme_class") %in% names(cohort$visits))
  if (has_visits) {
    out$followup <- vcf_followup(cohort, by = by)
  } else {
    record_skipped("follow-up", "the cohort has a single visit")
  }
  if (has_visits && has_bme && "vas" %in% names(cohort$patient_visits)) {
    out$relation <- bme_pain_relation(cohort, by, boot)
  } else {
    record_skipped("BME-pain relation", "needs BME and VAS over two or more visits")
  }
  if (!has_bme) record_skipped("BME evolution", "the cohort has no BME extent")
  numeric_outcomes <- intersect(c("height_pct", "vas", "odi"),
                                c(names(cohort$visits), names(cohort$patient_visits)))
  if (has_visits && length(numeric_outcomes)) {
    out$paired <- analysis_paired(cohort, numeric_outcomes)
  } else {
    record_skipped("paired tables", "needs height, VAS or ODI over two or more visits")
  }
  out$findings <- analysis_findings(cohort)
  if (is.null(out$findings)) record_skipped("imaging findings", "no yes/no or categorical finding columns")
  out$skipped <- if (length(skipped)) do.call(rbind, skipped) else
    data.frame(analysis = character(), reason = character())
  out$timing <- proc.time()[["elapsed"]] - started
  structure(out, class = "vcf_analysis")
}

# The subgroups: as given, else the PV study's rule when the cohort has its
# variables, else none (recorded as skipped).
analysis_subgroup <- function(cohort, subgroup, record_skipped) {
  if (!is.null(subgroup)) return(subgroup)
  if (all(c("new_vcf", "pain_other_level") %in% names(cohort$patients))) {
    return(vcf_subgroup(cohort))
  }
  record_skipped("subgroups", "no `subgroup` given and the cohort lacks new_vcf / pain_other_level for the default rule")
  NULL
}

# BME change vs pain change (PV Table 3) -------------------------------------

bme_pain_relation <- function(cohort, group, boot) {
  visits <- cohort$visit_levels
  fractures <- followup_fractures(cohort, followup_groups(group, cohort))
  first_group <- levels(fractures$group)[1]
  fractures <- fractures[fractures$group %in% first_group, , drop = FALSE]
  pv <- cohort$patient_visits
  rows <- list()
  for (i in seq_len(length(visits) - 1L)) {
    from <- visits[i]
    to <- visits[i + 1L]
    bme <- bme_change(fractures, from, to)
    # A patient outcome's decrease over the interval, for each fracture.
    decrease <- function(var) {
      pair <- at_visits(pv, "patient", var, from, to)
      at <- match(bme$patient, pair$id)
      outcome_values(pair$before)[at] - outcome_values(pair$after)[at]
    }
    data <- data.frame(patient = bme$patient, vas_decrease = decrease("vas"))
    if ("analgesic" %in% names(pv)) data$analgesic_decrease <- decrease("analgesic")
    # Coded as the study's ordinal change (less < same): similar = 1 against
    # decrease = 0, so the coefficient is mean(similar) - mean(decrease), on
    # which the published intervals are centred. Increases are left out.
    data$bme_similar <- ifelse(bme$change == "increase", NA_integer_,
                               as.integer(bme$change == "similar"))
    data$bme_absent <- as.integer(bme$end_class == "none")
    interval <- paste(from, to, sep = " to ")
    outcomes <- intersect(c("vas_decrease", "analgesic_decrease"), names(data))
    rows[[length(rows) + 1L]] <- relation_fits(data, "bme_similar", outcomes,
                                               interval, boot)
    rows[[length(rows) + 1L]] <- relation_fits(data, "bme_absent", outcomes, interval, boot)
  }
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  attr(out, "group") <- first_group
  out
}

relation_fits <- function(data, predictor, outcomes, interval, boot) {
  rows <- lapply(outcomes, function(outcome) {
    d <- data[!is.na(data[[predictor]]) & !is.na(data[[outcome]]), , drop = FALSE]
    x <- d[[predictor]]
    y <- d[[outcome]]
    # Group means of the decrease and the shares with a decrease (> 0), for
    # predictor 0 (first row) and 1 (second row); NA for an empty group.
    means <- summarise_numeric(y, x + 1L, c("0", "1"))$mean
    shares <- 100 * summarise_numeric(as.double(y > 0), x + 1L, c("0", "1"))$mean
    row <- data.frame(interval = interval, predictor = predictor, outcome = outcome,
                      n = nrow(d), n_patients = length(unique(d$patient)),
                      mean_1 = means[2], mean_0 = means[1],
                      pct_decrease_1 = shares[2], pct_decrease_0 = shares[1],
                      coef = NA_real_, ci_low = NA_real_, ci_high = NA_real_,
                      boot_low = NA_real_, boot_high = NA_real_, boot_type = boot$type[1],
                      boot_used = NA_integer_, boot_degenerate = NA_integer_,
                      note = NA_character_, stringsAsFactors = FALSE)
    if (length(unique(x)) < 2L || nrow(d) < 3L) {
      row$note <- "predictor has a single value or too few rows: not estimable"
      return(row)
    }
    fit <- stats::lm(y ~ x)
    row$coef <- stats::coef(fit)[["x"]]
    ci <- stats::confint(fit, "x", level = boot$level)
    row$ci_low <- ci[1]
    row$ci_high <- ci[2]
    fit_data <- data.frame(y = y, x = x, patient = d$patient)
    b <- withCallingHandlers(
      vcf_boot_lm(y ~ x, fit_data, cluster = "patient", B = boot$B, type = boot$type,
                  level = boot$level, seed = boot$seed, threads = boot$threads),
      vcf_warning = function(w) {
        row$note <<- conditionMessage(w)
        invokeRestart("muffleWarning")
      })
    bci <- stats::confint(b, parm = "x", type = boot$type[1])
    row$boot_low <- bci[1, 1]
    row$boot_high <- bci[1, 2]
    row$boot_degenerate <- b$degenerate
    row$boot_used <- b$B - b$degenerate
    row
  })
  do.call(rbind, rows)
}

# Paired tables and findings --------------------------------------------------

analysis_paired <- function(cohort, outcomes) {
  visits <- cohort$visit_levels
  pairs <- unique(rbind(
    data.frame(from = visits[-length(visits)], to = visits[-1L]),
    data.frame(from = visits[1], to = visits[-1L])))
  tables <- list()
  for (i in seq_len(nrow(pairs))) {
    key <- paste(pairs$from[i], pairs$to[i], sep = " to ")
    tables[[key]] <- vcf_paired(cohort, pairs$from[i], pairs$to[i], outcomes = outcomes)
    if ("analgesic" %in% names(cohort$patient_visits)) {
      tables[[paste(key, "(analgesic)")]] <- vcf_paired(cohort, pairs$from[i], pairs$to[i],
                                                        outcomes = "analgesic", test = "wilcoxon")
    }
  }
  tables
}

finding_exclude <- c("patient", "level", "treated", "procedure", "sex", "shape",
                     "genant_grade", "cement", "new_vcf", "pain_other_level",
                     "bme_class", "analgesic", "subgroup")

analysis_findings <- function(cohort) {
  candidates <- setdiff(cohort_vars(cohort, c("patient", "fracture")), finding_exclude)
  rows <- list()
  for (var in candidates) {
    unit <- cohort_unit(cohort, var)
    x <- cohort_table(cohort, unit)[[var]]
    if (!(is.logical(x) || is.factor(x) || is.character(x))) next
    x <- x[!is.na(x)]
    if (!length(x)) next
    levels_shown <- if (is.logical(x)) TRUE else sort(unique(as.character(x)))
    if (length(levels_shown) > 8L) next
    for (lev in levels_shown) {
      k <- sum(as.character(x) == as.character(lev))
      n <- length(x)
      ci <- clopper_pearson(k, n)
      rows[[length(rows) + 1L]] <- data.frame(
        variable = var, level = if (isTRUE(lev)) "yes" else as.character(lev), unit = unit,
        count = k, n = n, percent = 100 * k / n, ci_low = 100 * ci[1],
        ci_high = 100 * ci[2], stringsAsFactors = FALSE)
    }
  }
  if (!length(rows)) return(NULL)
  do.call(rbind, rows)
}

# Methods -----------------------------------------------------------------------

#' @export
print.vcf_analysis <- function(x, ...) {
  cohort <- x$cohort
  cat("<vcf_analysis> ", nrow(cohort$patients), " patients, ", nrow(cohort$fractures),
      " fractures, visits: ", paste(cohort$visit_levels, collapse = ", "), "\n", sep = "")
  if (!is.null(x$subgroup)) {
    tab <- table(unclass_subgroup(x$subgroup))
    cat("Subgroups: ", paste0(names(tab), " ", tab, collapse = ", "), "\n", sep = "")
  }
  cat("Table 1: ", nrow(x$table1), " rows\n", sep = "")
  if (!is.null(x$followup$resolution)) {
    res <- x$followup$resolution
    res <- stats::aggregate(cbind(resolved, n) ~ visit, data = res, FUN = sum)
    cat("BME resolved: ", paste0(res$visit, " ", round(100 * res$resolved / res$n), "%",
                                 collapse = ", "), "\n", sep = "")
  }
  if (!is.null(x$relation)) {
    cat("BME-pain relation (subgroup ", attr(x$relation, "group"), "): ",
        nrow(x$relation), " regressions with classical and bootstrap intervals\n", sep = "")
  }
  if (!is.null(x$paired)) cat("Paired tables: ", paste(names(x$paired), collapse = "; "), "\n", sep = "")
  if (!is.null(x$findings)) cat("Findings: ", length(unique(x$findings$variable)), " variables\n", sep = "")
  if (nrow(x$skipped)) {
    cat("Skipped:\n")
    cat(paste0("  ", x$skipped$analysis, ": ", x$skipped$reason, "\n"), sep = "")
  }
  cat(sprintf("Time: %.2f s\n", x$timing))
  invisible(x)
}

#' @export
summary.vcf_analysis <- function(object, ...) {
  structure(list(table1 = object$table1, relation = object$relation,
                 paired = object$paired, findings = object$findings,
                 skipped = object$skipped),
            class = "summary.vcf_analysis")
}

#' @export
print.summary.vcf_analysis <- function(x, ...) {
  print(x$table1)
  if (!is.null(x$relation)) {
    cat("\nBME change vs pain change:\n")
    rel <- x$relation
    num <- vapply(rel, is.numeric, logical(1))
    rel[num] <- lapply(rel[num], round, 2)
    print(rel[, c("interval", "predictor", "outcome", "n", "mean_1", "mean_0", "coef",
                  "ci_low", "ci_high", "boot_low", "boot_high")], row.names = FALSE)
  }
  for (name in names(x$paired)) {
    cat("\n", name, "\n", sep = "")
    print(x$paired[[name]])
  }
  if (!is.null(x$findings)) {
    cat("\nFindings (exact 95% CI):\n")
    f <- x$findings
    f[c("percent", "ci_low", "ci_high")] <- lapply(f[c("percent", "ci_low", "ci_high")], round, 1)
    print(f, row.names = FALSE)
  }
  invisible(x)
}

analysis_parts <- c("table1", "bme_classes", "resolution", "intervals", "transitions",
                    "returned", "pain", "analgesics", "relation", "paired", "findings",
                    "skipped")

#' @export
as.data.frame.vcf_analysis <- function(x, row.names = NULL, optional = FALSE,
                                       which = "table1", ...) {
  # as.data.frame(x, "relation"): the part may come as the second argument.
  if (is.character(row.names) && length(row.names) == 1L && row.names %in% analysis_parts) {
    which <- row.names
  }
  check_string(which, choices = analysis_parts)
  part <- if (which %in% names(x$followup)) x$followup[[which]] else x[[which]]
  if (is.null(part)) {
    vcf_abort("The analysis has no {.field {which}}; see {.code x$skipped}.",
              c("missing_part", "argument"))
  }
  if (which == "paired") {
    part <- do.call(rbind, Map(function(name, tab) cbind(comparison = name, unclass_table(tab)),
                               names(part), part))
    rownames(part) <- NULL
  }
  if (inherits(part, "vcf_table")) part <- unclass_table(part)
  as.data.frame(part, stringsAsFactors = FALSE)
}

#' Tidy the estimates of an analysis
#'
#' @param x A `vcf_analysis`.
#' @param ... Unused.
#' @return A data frame with one row per estimate: `analysis`, `term`,
#'   `estimate`, `conf.low`, `conf.high`, `statistic`, `p.value`, `n`.
#' @method tidy vcf_analysis
#' @export
tidy.vcf_analysis <- function(x, ...) {
  rows <- list()
  if (!is.null(x$relation)) {
    r <- x$relation
    rows$relation <- data.frame(analysis = "relation",
                                term = paste(r$interval, r$predictor, r$outcome, sep = ": "),
                                estimate = r$coef, conf.low = r$ci_low, conf.high = r$ci_high,
                                statistic = NA_real_, p.value = NA_real_, n = r$n)
    rows$relation_boot <- transform(rows$relation, analysis = "relation (bootstrap)",
                                    conf.low = r$boot_low, conf.high = r$boot_high)
  }
  for (name in names(x$paired)) {
    p <- x$paired[[name]]
    rows[[name]] <- data.frame(analysis = "paired", term = paste(name, p$outcome, sep = ": "),
                               estimate = p$mean_diff, conf.low = p$ci_low, conf.high = p$ci_high,
                               statistic = p$statistic, p.value = p$p_value, n = p$n_pairs)
  }
  if (!is.null(x$findings)) {
    f <- x$findings
    rows$findings <- data.frame(analysis = "finding", term = paste(f$variable, f$level, sep = ": "),
                                estimate = f$percent, conf.low = f$ci_low, conf.high = f$ci_high,
                                statistic = NA_real_, p.value = NA_real_, n = f$n)
  }
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

#' @export
plot.vcf_analysis <- function(x, which = c("bme", "vas", "analgesics", "outcomes"),
                              group = NULL, ...) {
  which <- match.arg(which)
  switch(which,
    bme = vcf_plot_bme(x$followup %||% stop_missing("follow-up"), group),
    vas = vcf_plot_vas(x$followup %||% stop_missing("follow-up"), group),
    analgesics = vcf_plot_analgesics(x$followup %||% stop_missing("follow-up"), group),
    outcomes = vcf_plot_outcomes(x$cohort))
}

stop_missing <- function(what) {
  vcf_abort("The analysis has no {what}.", c("missing_part", "argument"),
            call = rlang::caller_env(2))
}
