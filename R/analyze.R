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
#'   analgesic class decrease, each with the classical 95% interval, a
#'   bootstrap interval (BCa by default, resampling patients) from
#'   [vcf_boot_lm()], the restricted wild cluster bootstrap p-value for a
#'   zero slope and its test-inversion interval (`wcr_p`, `wcr_low`,
#'   `wcr_high`, from [vcf_boot_wild()]: Rademacher weights, Webb's below
#'   12 patients) and the CR2 interval with Satterthwaite degrees of freedom
#'   (`cr2_low`, `cr2_high`, `cr2_df`). `n_clusters_1` and `n_clusters_0`
#'   count the patients of each predictor group, and `cluster_note` says
#'   when a group has fewer than 5 (as the PV study's "similar BME" group
#'   at 0-3 months), where cluster-robust intervals are unreliable.
#' * With numeric outcomes over visits: paired comparisons between
#'   consecutive visits and between the first visit and each later one
#'   ([vcf_paired()]), with the Wilcoxon signed-rank test for the analgesic
#'   class.
#' * Imaging findings and other yes/no or categorical patient or fracture
#'   columns: percentages with exact (Clopper-Pearson) 95% intervals.
#'
#' @param cohort A [vcf_cohort()].
#' @param subgroup `NULL` (the default rule when it applies), a factor per
#'   patient (such as [vcf_subgroup()] returns), or a column name. A
#'   fracture- or visit-level column must have one value per patient; when it
#'   varies within a patient the error says how to choose (the first
#'   fracture, any or all, with [vcf_subgroup()]'s `fracture` argument).
#' @param boot Bootstrap settings from [vcf_boot_control()].
#' @param ... Passed to [vcf_table1()]: `total`, `tests`, `style`.
#' Every analysis runs on the visits where its outcome is observed: an
#' outcome recorded only before treatment and at 12 months is compared
#' between those two visits. `coverage` gives the n of every outcome at
#' every visit and each paired table its `n_pairs`. What cannot run (an
#' outcome seen at one visit, a pair with fewer than two complete pairs, a
#' test that fails on these data, dates or free text among the `extra`
#' columns) is listed in `skipped` with the reason: any cohort that
#' [vcf_cohort()] accepts can be analysed.
#'
#' Only canonical columns and the own columns listed in `extra` of
#' [vcf_cohort()] enter Table 1 and the findings.
#'
#' @return A `vcf_analysis`: a list with `cohort`, `subgroup`, `table1`,
#'   `followup`, `relation`, `paired`, `findings`, `coverage` (a data frame
#'   of `outcome`, `unit`, `visit` and `n` observed), `skipped` (a data
#'   frame of `analysis` and `reason`) and `timing`, with `print`,
#'   `summary`, `plot`, `as.data.frame` and `tidy` methods.
#' @examples
#' fit <- vcf_analyze(vcf_cohort(pv_edema), boot = vcf_boot_control(B = 499, seed = 1))
#' fit
#' head(as.data.frame(fit, "relation"))
#' @export
vcf_analyze <- function(cohort, subgroup = NULL, boot = vcf_boot_control(), ...) {
  check_cohort(cohort)
  if (!inherits(boot, "vcf_boot_control")) {
    vcf_abort(c("{.arg boot} must come from {.fn vcf_boot_control}.",
                x = "It is {format_arg(boot)}."), c("type", "argument"))
  }
  table1_args <- check_table1_dots(list(...))
  started <- proc.time()[["elapsed"]]
  # Analyses the cohort's variables do not support are recorded, not run.
  skipped <- list()
  record_skipped <- function(analysis, reason) {
    skipped[[length(skipped) + 1L]] <<- data.frame(analysis = analysis, reason = reason,
                                                   stringsAsFactors = FALSE)
  }
  # Runs one part; a failure on these data is recorded, never raised.
  run_part <- function(analysis, expr) {
    tryCatch(expr, error = function(e) {
      record_skipped(analysis, paste("could not run:", conditionMessage(e)))
      NULL
    })
  }
  # `by` stays in the form it was given (a column name is then left out of
  # Table 1); `groups` is its factor with one element per patient.
  by <- analysis_subgroup(cohort, subgroup, record_skipped)
  groups <- if (is.null(by) || inherits(by, "vcf_subgroup")) by else followup_groups(by, cohort)

  out <- list(cohort = cohort, subgroup = groups, table1 = NULL, followup = NULL,
              relation = NULL, paired = NULL, findings = NULL, coverage = NULL)
  out$boot <- boot
  vars <- analysis_table1_vars(cohort, by, record_skipped)
  out$table1 <- run_part("Table 1", do.call(vcf_table1, c(list(cohort, by = by, vars = vars),
                                                          table1_args)))

  coverage <- analysis_coverage(cohort)
  out$coverage <- coverage
  has_visits <- length(cohort$visit_levels) >= 2L
  has_bme <- any(c("bme_pct", "bme_class") %in% names(cohort$visits))
  if (has_visits) {
    out$followup <- run_part("follow-up", vcf_followup(cohort, by = by))
  } else {
    record_skipped("follow-up", "the cohort has a single visit")
  }
  bme_visits <- observed_visits(coverage, "bme_pct", "bme_class")
  vas_visits <- observed_visits(coverage, "vas")
  both <- intersect(bme_visits, vas_visits)
  if (length(both) >= 2L) {
    # On the visits where BME and VAS were both recorded.
    out$relation <- run_part("BME-pain relation",
                             bme_pain_relation(cohort_at_visits(cohort, both), by, boot))
  } else {
    record_skipped("BME-pain relation", "needs BME and VAS observed together at two or more visits")
  }
  if (!has_bme) record_skipped("BME evolution", "the cohort has no BME extent")
  out$paired <- analysis_paired(cohort, coverage, record_skipped)
  if (is.null(out$paired) && !any(grepl("^paired", vapply(skipped, `[[`, "", "analysis")))) {
    record_skipped("paired tables", "needs height, VAS, ODI or analgesics over two or more visits")
  }
  out$findings <- run_part("imaging findings", analysis_findings(cohort, record_skipped))
  if (is.null(out$findings)) {
    record_skipped("imaging findings",
                   "no yes/no or categorical own columns listed in `extra` of vcf_cohort()")
  }
  if (!is.null(out$findings)) {
    class(out$findings) <- c("vcf_findings_table", "vcf_table", "data.frame")
  }
  out$skipped <- if (length(skipped)) do.call(rbind, skipped) else
    data.frame(analysis = character(), reason = character())
  out$timing <- proc.time()[["elapsed"]] - started
  structure(out, class = "vcf_analysis")
}

# `...` of vcf_analyze() goes to vcf_table1(); its names are checked here so
# that a misspelt argument is an error, not a skipped Table 1.
check_table1_dots <- function(dots, call = rlang::caller_env()) {
  allowed <- c("total", "tests", "style")
  nms <- names(dots)
  if (length(dots) && (is.null(nms) || any(!nms %in% allowed))) {
    bad <- if (is.null(nms)) "(unnamed)" else ifelse(nzchar(nms), nms, "(unnamed)")[!nms %in% allowed]
    vcf_abort(c("{.arg ...} passes arguments to {.fn vcf_table1}: {.arg {allowed}}.",
                x = "Not one of them: {.val {bad}}."),
              c("unknown_argument", "argument"), call = call)
  }
  if (!is.null(dots$total)) check_flag(dots$total, arg = "total", call = call)
  if (!is.null(dots$style)) check_string(dots$style, arg = "style", choices = p_styles, call = call)
  if (!is.null(dots$tests) && (!is.character(dots$tests) || is.null(names(dots$tests)))) {
    vcf_abort("{.arg tests} must be a named character vector, e.g. {.code c(age = \"welch\")}.",
              c("type", "argument"), call = call)
  }
  dots
}

# The subgroups: as given, else the PV study's rule when the cohort has its
# variables, else none (recorded as skipped). A column name is resolved to
# one value per patient (an error when it varies within a patient).
analysis_subgroup <- function(cohort, subgroup, record_skipped, call = rlang::caller_env()) {
  if (!is.null(subgroup) && !(is.character(subgroup) && length(subgroup) == 1L)) {
    n <- nrow(cohort$patients)
    if (!is.atomic(subgroup) || is.null(subgroup)) {
      vcf_abort(c("{.arg subgroup} must be a column name or one value per patient.",
                  x = "It is {format_arg(subgroup)}."), c("type", "argument"), call = call)
    }
    if (length(subgroup) != n) {
      vcf_abort(c("{.arg subgroup} must have one value per patient ({n}).",
                  x = "It has {length(subgroup)}."), c("length", "argument"), call = call)
    }
  }
  if (!is.null(subgroup)) return(subgroup_by(subgroup, cohort, arg = "subgroup", call = call))
  if (all(c("new_vcf", "pain_other_level") %in% names(cohort$patients))) {
    return(vcf_subgroup(cohort))
  }
  record_skipped("subgroups", "no `subgroup` given and the cohort lacks new_vcf / pain_other_level for the default rule")
  NULL
}

# Observed values per outcome and visit (visit outcomes per fracture,
# patient x visit outcomes per patient).
analysis_coverage <- function(cohort) {
  rows <- list()
  for (unit in c("visit", "patient_visit")) {
    df <- cohort_table(cohort, unit)
    for (var in intersect(c("bme_pct", "bme_class", "height_pct", "vas", "analgesic", "odi"),
                          names(df))) {
      n <- tabulate(as.integer(df$visit)[!is.na(df[[var]])], length(cohort$visit_levels))
      rows[[length(rows) + 1L]] <- data.frame(outcome = var, unit = unit,
                                              visit = cohort$visit_levels, n = n,
                                              stringsAsFactors = FALSE)
    }
  }
  if (!length(rows)) {
    return(data.frame(outcome = character(), unit = character(), visit = character(),
                      n = integer(), stringsAsFactors = FALSE))
  }
  do.call(rbind, rows)
}

# The cohort restricted to some of its visits (kept in their order).
cohort_at_visits <- function(cohort, visits) {
  keep <- cohort$visit_levels[cohort$visit_levels %in% visits]
  if (length(keep) == length(cohort$visit_levels)) return(cohort)
  for (part in c("visits", "patient_visits")) {
    tab <- cohort[[part]]
    tab <- tab[as.character(tab$visit) %in% keep, , drop = FALSE]
    tab$visit <- factor(as.character(tab$visit), levels = keep, ordered = TRUE)
    rownames(tab) <- NULL
    cohort[[part]] <- tab
  }
  cohort$visit_levels <- keep
  cohort
}

observed_visits <- function(coverage, ...) {
  at <- coverage[coverage$outcome %in% c(...) & coverage$n > 0L, , drop = FALSE]
  unique(at$visit)
}

# Table 1's variables: the canonical characteristics present, and the own
# columns listed in `extra` (never dates or free text); variables with no
# value at all are left out, and every left-out one is recorded.
analysis_table1_vars <- function(cohort, by, record_skipped) {
  units <- table1_units(cohort)
  available <- union(names(units$patient), names(units$fracture))
  cols <- cohort$columns
  own <- cols$name[!cols$canonical]
  analysed <- cols$name[cols$analysed %in% TRUE]
  user <- setdiff(available, c(table1_default_vars, table1_internal))
  user <- user[!user %in% own | user %in% analysed]
  by_column <- if (is.character(by) && length(by) == 1L) by
  vars <- setdiff(c(intersect(table1_default_vars, available), user), by_column)
  keep <- vapply(vars, function(v) {
    x <- if (v %in% names(units$patient)) units$patient[[v]] else units$fracture[[v]]
    why <- untabulated_reason(x, v %in% own)
    if (!is.null(why)) record_skipped(paste("Table 1:", v), why)
    is.null(why)
  }, logical(1L))
  vars[keep]
}

# Why a variable cannot be tabulated, or NULL.
untabulated_reason <- function(x, own) {
  if (is.null(x) || all(is.na(x))) return("no values")
  if (inherits(x, c("Date", "POSIXt"))) return("dates are not tabulated")
  if (own && is_free_text(x)) return("free text is not tabulated")
  NULL
}

# Text with many different values (more than 8, or more than 4 that are
# more than a third of the values) is free text, not categories.
is_free_text <- function(x) {
  if (!is.character(x) && !is.factor(x)) return(FALSE)
  x <- as.character(x[!is.na(x)])
  k <- length(unique(x))
  k > 8L || (k > 4L && k > length(x) / 3)
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
  class(out) <- c("vcf_relation_table", "vcf_table", "data.frame")
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
                      statistic = NA_real_, p_value = NA_real_,
                      boot_low = NA_real_, boot_high = NA_real_, boot_type = boot$type[1],
                      boot_used = NA_integer_, boot_degenerate = NA_integer_,
                      wcr_p = NA_real_, wcr_low = NA_real_, wcr_high = NA_real_,
                      cr2_low = NA_real_, cr2_high = NA_real_, cr2_df = NA_real_,
                      n_clusters_1 = length(unique(d$patient[x == 1])),
                      n_clusters_0 = length(unique(d$patient[x == 0])),
                      cluster_note = NA_character_,
                      note = NA_character_, stringsAsFactors = FALSE)
    row$cluster_note <- relation_cluster_note(predictor, row$n_clusters_1, row$n_clusters_0)
    if (length(unique(x)) < 2L || nrow(d) < 3L) {
      row$note <- "predictor has a single value or too few rows: not estimable"
      return(row)
    }
    fit <- stats::lm(y ~ x)
    row$coef <- stats::coef(fit)[["x"]]
    ci <- stats::confint(fit, "x", level = boot$level)
    row$ci_low <- ci[1]
    row$ci_high <- ci[2]
    # The classical t test of the coefficient, for tidy() and the tables.
    row[c("statistic", "p_value")] <- as.list(summary(fit)$coefficients["x", 3:4])
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
    cr2 <- stats::confint(b, parm = "x", level = boot$level, type = "cr2")
    row$cr2_low <- cr2[1, 1]
    row$cr2_high <- cr2[1, 2]
    row$cr2_df <- attr(cr2, "df")[[1]]
    wcr <- relation_wcr(fit_data, boot)
    row$wcr_p <- wcr$p.value
    row$wcr_low <- wcr$conf.low
    row$wcr_high <- wcr$conf.high
    row
  })
  do.call(rbind, rows)
}

# The restricted wild cluster bootstrap of the slope (H0: slope = 0) with
# test-inversion interval: Rademacher weights (all sign patterns when
# 2^G <= B), Webb's six-point weights below 12 patients.
relation_wcr <- function(fit_data, boot) {
  G <- length(unique(fit_data$patient))
  w <- vcf_boot_wild(y ~ x, fit_data, cluster = "patient", B = max(boot$B, 99L),
                     dist = if (G < 12L) "webb" else "rademacher",
                     level = boot$level, seed = boot$seed, threads = boot$threads,
                     parm = "x")
  w$coefficients
}

# Cluster-robust inference rests on the clusters of each predictor group;
# with fewer than 5 patients in a group it says so.
relation_cluster_note <- function(predictor, n1, n0) {
  few <- c(n1, n0) < 5L
  if (!any(few)) return(NA_character_)
  groups <- paste0(predictor, " = ", c(1, 0), " (", c(n1, n0), " patient",
                   ifelse(c(n1, n0) == 1, "", "s"), ")")[few]
  paste0("fewer than 5 clusters in ", paste(groups, collapse = " and "),
         ": cluster-robust intervals are unreliable; prefer the WCR interval")
}

# Paired tables and findings --------------------------------------------------

# Paired comparisons per outcome on the visits where it is observed:
# consecutive observed visits and the first observed visit against each
# later one. Pairs with fewer than two complete pairs are recorded as
# skipped; so are outcomes observed at fewer than two visits.
analysis_paired <- function(cohort, coverage, record_skipped) {
  visits <- cohort$visit_levels
  outcomes <- intersect(c("height_pct", "vas", "odi", "analgesic"), coverage$outcome)
  plan <- list()
  for (outcome in outcomes) {
    seen <- observed_visits(coverage, outcome)
    seen <- visits[visits %in% seen]
    if (length(seen) < 2L) {
      record_skipped(paste("paired:", outcome),
                     paste0("observed at ", length(seen), " visit", if (length(seen) != 1L) "s",
                            if (length(seen)) paste0(" (", paste(seen, collapse = ", "), ")"),
                            "; needs two"))
      next
    }
    pairs <- unique(rbind(data.frame(from = seen[-length(seen)], to = seen[-1L]),
                          data.frame(from = seen[1L], to = seen[-1L])))
    for (i in seq_len(nrow(pairs))) {
      n <- complete_pairs(cohort, outcome, pairs$from[i], pairs$to[i])
      key <- paste(pairs$from[i], pairs$to[i], sep = " to ")
      if (n < 2L) {
        record_skipped(paste0("paired: ", outcome, ", ", key),
                       paste0(n, " complete pair", if (n != 1L) "s", "; needs two"))
        next
      }
      if (outcome == "analgesic") key <- paste(key, "(analgesic)")
      plan[[key]] <- c(plan[[key]], outcome)
    }
  }
  if (!length(plan)) return(NULL)
  # Consecutive visits first, then baseline against later visits, as printed.
  from <- match(sub(" to .*$", "", names(plan)), visits)
  to <- match(sub(" \\(analgesic\\)$", "", sub("^.* to ", "", names(plan))), visits)
  first <- to - from == 1L
  plan <- plan[order(!first, ifelse(first, from, to), grepl("analgesic", names(plan)))]
  tables <- list()
  for (key in names(plan)) {
    pair <- strsplit(sub(" \\(analgesic\\)$", "", key), " to ", fixed = TRUE)[[1L]]
    test <- if (grepl("(analgesic)", key, fixed = TRUE)) "wilcoxon" else "t"
    tab <- paired_table(cohort, pair[1L], pair[2L], plan[[key]], test, key, record_skipped)
    if (!is.null(tab)) tables[[key]] <- tab
  }
  if (length(tables)) tables else NULL
}

complete_pairs <- function(cohort, outcome, from, to) {
  unit <- cohort_unit(cohort, outcome)
  data <- cohort_table(cohort, unit)
  id <- if (unit == "visit") paste(data$patient, data$level, sep = "/") else data$patient
  ok <- !is.na(data[[outcome]])
  sum(id[ok & data$visit == from] %in% id[ok & data$visit == to])
}

# One pair's table; an outcome whose test cannot run (all differences
# equal, for instance) is recorded and left out.
paired_table <- function(cohort, from, to, outcomes, test, key, record_skipped) {
  attempt <- function(vars) {
    tryCatch(suppressWarnings(vcf_paired(cohort, from, to, outcomes = vars, test = test)),
             error = function(e) e)
  }
  tab <- attempt(outcomes)
  if (!inherits(tab, "error")) return(tab)
  ok <- character()
  for (var in outcomes) {
    one <- attempt(var)
    if (inherits(one, "error")) {
      record_skipped(paste0("paired: ", var, ", ", key), paste("could not run:", conditionMessage(one)))
    } else {
      ok <- c(ok, var)
    }
  }
  if (!length(ok)) return(NULL)
  tab <- attempt(ok)
  if (inherits(tab, "error")) NULL else tab
}

finding_exclude <- c("patient", "level", "treated", "procedure", "sex", "shape",
                     "genant_grade", "cement", "new_vcf", "pain_other_level",
                     "bme_class", "analgesic", "subgroup")

# Percentages with exact intervals for the own yes/no and categorical
# patient or fracture columns listed in `extra` (free text and dates left
# out, and recorded).
analysis_findings <- function(cohort, record_skipped = function(...) NULL) {
  cols <- cohort$columns
  candidates <- cols$name[cols$unit %in% c("patient", "fracture") & !cols$canonical &
                            cols$analysed %in% TRUE]
  candidates <- setdiff(candidates, finding_exclude)
  rows <- list()
  for (var in candidates) {
    unit <- cohort_unit(cohort, var)
    x <- cohort_table(cohort, unit)[[var]]
    if (!(is.logical(x) || is.factor(x) || is.character(x))) next
    why <- untabulated_reason(x, TRUE)
    if (!is.null(why)) {
      record_skipped(paste("finding:", var), why)
      next
    }
    x <- x[!is.na(x)]
    levels_shown <- if (is.logical(x)) TRUE else sort(unique(as.character(x)))
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
