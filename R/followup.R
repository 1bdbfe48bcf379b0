# BME and pain over follow-up (vcf_followup): BME class distribution and
# resolution per visit, change per interval, class transitions, median VAS
# and analgesic use per visit. Change classes and counts come from
# src/summary.c.

#' BME and pain evolution over follow-up visits
#'
#' Summarises a cohort with repeated visits as the PV study does in its
#' Figure 1, Table 2 and Figures 4 and 5.
#'
#' * `bme_classes`: per visit, the BME class distribution of the treated
#'   fractures (none / minor / moderate / severe) with counts, denominators
#'   and percentages; `resolution` the share whose BME has resolved (class
#'   none).
#' * `intervals`: per interval between consecutive visits, in long form
#'   (`outcome`, `change`, `count`, `n`, `value`): the number of treated
#'   fractures with BME at the interval's start and the share whose BME
#'   extent decreased, stayed similar or increased; the mean VAS decrease;
#'   the shares of patients whose VAS and analgesic class decreased, stayed
#'   similar or increased. Every row states its denominator `n`, because a
#'   study's own denominators are not always the same.
#' * `transitions`: counts of BME class transitions per interval, and
#'   `returned`, the fractures whose BME came back after it had resolved.
#' * `pain`: median VAS and the analgesic class distribution per visit.
#'
#' BME change compares `bme_pct` at the two visits (`change_on = "pct"`,
#' similar when within `tolerance` percentage points) or the BME class
#' (`change_on = "class"`). Pain change compares VAS and the analgesic
#' class (0-3); a decrease is an improvement. Fractures or patients missing
#' either visit are left out of that interval's denominators.
#'
#' @param cohort A [vcf_cohort()] with visits.
#' @param by Subgroups as in [vcf_table1()]: `NULL`, a column name,
#'   `"subgroup"`, or a factor with one element per patient. A fracture- or
#'   visit-level column must have one value per patient (else an error says
#'   how to choose with [vcf_subgroup()]'s `fracture`).
#' @param change_on "pct" or "class".
#' @param tolerance Percentage points (0-100) within which BME extent counts
#'   as similar (with `change_on = "pct"`).
#' @return A `vcf_followup` list of data frames: `bme_classes`,
#'   `resolution`, `intervals`, `transitions`, `returned`, `pain`,
#'   `analgesics`.
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' fu <- vcf_followup(cohort, by = vcf_subgroup(cohort))
#' fu$resolution
#' @export
vcf_followup <- function(cohort, by = NULL, change_on = "pct", tolerance = 0) {
  check_cohort(cohort)
  check_string(change_on, choices = c("pct", "class"))
  check_number(tolerance, min = 0, max = 100)
  group <- followup_groups(by, cohort)
  visits <- cohort$visit_levels
  if (length(visits) < 2L) {
    vcf_abort("{.arg cohort} has a single visit; follow-up needs at least two.",
              c("visits", "input"))
  }
  fractures <- followup_fractures(cohort, group)
  patients <- cohort$patient_visits
  patients$group <- group[match(patients$patient, names(group))]
  groups <- levels(group)

  out <- list(bme_classes = NULL, resolution = NULL, intervals = NULL,
              transitions = NULL, returned = NULL, pain = NULL, analgesics = NULL)
  # Each outcome is summarised on the visits where it was recorded.
  bme_visits <- if (!is.null(fractures)) observed_at(fractures, "bme_class", visits)
  if (length(bme_visits)) {
    out$bme_classes <- followup_classes(fractures, bme_visits, groups)
    out$resolution <- followup_resolution(out$bme_classes)
    out$transitions <- if (length(bme_visits) >= 2L) {
      followup_transitions(fractures, bme_visits, groups)
    }
    out$returned <- followup_returned(fractures, bme_visits)
  }
  out$intervals <- followup_intervals(fractures, patients, visits, groups,
                                      change_on, tolerance)
  pain <- followup_pain(patients, visits, groups)
  out$pain <- pain$vas
  out$analgesics <- pain$analgesic
  structure(out, visits = visits, groups = groups, class = "vcf_followup")
}

followup_groups <- function(by, cohort, call = rlang::caller_env()) {
  ids <- cohort$patients$patient
  group <- if (is.null(by)) factor(rep("All", length(ids))) else
    patient_groups(subgroup_by(by, cohort, call = call), cohort$patients, cohort, call = call)
  names(group) <- ids
  group
}

# Treated fractures x visits with BME, and their group; NULL without BME.
followup_fractures <- function(cohort, group) {
  visits <- cohort$visits
  if (!"bme_pct" %in% names(visits) && !"bme_class" %in% names(visits)) return(NULL)
  if ("treated" %in% names(cohort$fractures)) {
    treated <- cohort$fractures[cohort$fractures$treated %in% TRUE, c("patient", "level")]
    keep <- paste(visits$patient, visits$level) %in% paste(treated$patient, treated$level)
    visits <- visits[keep, , drop = FALSE]
  }
  if (!"bme_class" %in% names(visits)) visits$bme_class <- vcf_bme_class(visits$bme_pct)
  visits$group <- group[match(visits$patient, names(group))]
  visits$fracture <- paste(visits$patient, visits$level, sep = "/")
  visits
}

followup_classes <- function(fractures, visits, groups) {
  rows <- list()
  for (v in visits) {
    at <- fractures[fractures$visit == v, , drop = FALSE]
    counts <- count_levels(factor(at$bme_class, levels = bme_class_levels),
                           at$group, groups)
    for (g in groups) {
      n <- sum(counts[bme_class_levels, g])
      rows[[length(rows) + 1L]] <- data.frame(
        group = g, visit = v, class = bme_class_levels,
        count = counts[bme_class_levels, g], n = n,
        percent = if (n > 0) 100 * counts[bme_class_levels, g] / n else NA_real_,
        stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, rows)
  out$visit <- factor(out$visit, levels = visits, ordered = TRUE)
  out$class <- factor(out$class, levels = bme_class_levels, ordered = TRUE)
  rownames(out) <- NULL
  out
}

followup_resolution <- function(classes) {
  out <- classes[classes$class == "none", c("group", "visit", "count", "n", "percent")]
  names(out)[names(out) == "count"] <- "resolved"
  rownames(out) <- NULL
  out
}

# Values of `var` at two visits for the same units (matched by `id`), with
# each unit's group when `data` has one.
at_visits <- function(data, id, var, from, to) {
  ids <- unique(data[[id]])
  before <- data[data$visit == from, , drop = FALSE]
  after <- data[data$visit == to, , drop = FALSE]
  data.frame(id = ids,
             group = if ("group" %in% names(data)) data$group[match(ids, data[[id]])] else NA,
             before = before[[var]][match(ids, before[[id]])],
             after = after[[var]][match(ids, after[[id]])],
             stringsAsFactors = FALSE)
}

# Numbers for a visit outcome: ordinal classes (analgesic) become their
# codes 0, 1, ...; numbers stay as they are.
outcome_values <- function(x) if (is.factor(x)) as.integer(x) - 1L else x

# BME of every treated fracture at two visits: its change (decrease,
# similar or increase: on bme_pct within `tolerance` percentage points, or on
# the class) and its class at both ends.
bme_change <- function(fractures, from, to, change_on = "pct", tolerance = 0) {
  on_pct <- change_on == "pct" && "bme_pct" %in% names(fractures)
  value <- at_visits(fractures, "fracture", if (on_pct) "bme_pct" else "bme_class", from, to)
  class <- at_visits(fractures, "fracture", "bme_class", from, to)
  data.frame(fracture = value$id, group = value$group,
             patient = fractures$patient[match(value$id, fractures$fracture)],
             start_class = class$before, end_class = class$after,
             change = change_class(outcome_values(value$before), outcome_values(value$after),
                                   if (on_pct) tolerance else 0),
             stringsAsFactors = FALSE)
}

change_class <- function(before, after, tolerance = 0) {
  code <- .Call(C_summary_change, as.double(before), as.double(after), as.double(tolerance))
  factor(code, levels = c(-1L, 0L, 1L), labels = c("decrease", "similar", "increase"))
}

change_rows <- function(outcome, change, group, groups, interval) {
  counts <- count_levels(change, group, groups)
  rows <- lapply(groups, function(g) {
    n <- sum(counts[levels(change), g])
    data.frame(group = g, interval = interval, outcome = outcome,
               change = levels(change), count = counts[levels(change), g], n = n,
               value = if (n > 0) 100 * counts[levels(change), g] / n else NA_real_,
               stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

# The visits (in order) at which `var` has a value.
observed_at <- function(data, var, visits) {
  if (is.null(data[[var]])) return(character())
  visits[visits %in% as.character(data$visit[!is.na(data[[var]])])]
}

# Consecutive pairs of the visits where an outcome was recorded.
visit_intervals <- function(visits) {
  if (length(visits) < 2L) return(data.frame(from = character(), to = character()))
  data.frame(from = visits[-length(visits)], to = visits[-1L], stringsAsFactors = FALSE)
}

followup_intervals <- function(fractures, patients, visits, groups, change_on, tolerance) {
  seen <- list(bme = if (!is.null(fractures)) observed_at(fractures, "bme_class", visits),
               vas = observed_at(patients, "vas", visits),
               analgesic = observed_at(patients, "analgesic", visits))
  rows <- list()
  for (outcome in names(seen)) {
    steps <- visit_intervals(seen[[outcome]])
    for (i in seq_len(nrow(steps))) {
      rows[[length(rows) + 1L]] <- interval_rows(outcome, fractures, patients, steps$from[i],
                                                 steps$to[i], groups, change_on, tolerance)
    }
  }
  out <- do.call(rbind, rows)
  if (!is.null(out)) {
    # In visit order of the intervals, as before: by start, then outcome.
    order_key <- match(sub(" to .*$", "", out$interval), visits)
    out <- out[order(order_key, match(sub("^.* to ", "", out$interval), visits),
                     match(out$outcome, c("bme", "vas_mean_decrease", "vas", "analgesic"))), ]
    rownames(out) <- NULL
  }
  out
}

interval_rows <- function(outcome, fractures, patients, from, to, groups, change_on,
                          tolerance) {
  interval <- paste(from, to, sep = " to ")
  if (outcome == "bme") {
    bme <- bme_change(fractures, from, to, change_on, tolerance)
    bme <- bme[!is.na(bme$start_class) & bme$start_class != "none" & !is.na(bme$change), ]
    return(change_rows("bme", bme$change, bme$group, groups, interval))
  }
  pair <- at_visits(patients, "patient", outcome, from, to)
  pair <- pair[!is.na(pair$before) & !is.na(pair$after), , drop = FALSE]
  if (outcome == "analgesic") {
    return(change_rows("analgesic",
                       change_class(outcome_values(pair$before), outcome_values(pair$after)),
                       pair$group, groups, interval))
  }
  stats <- summarise_numeric(pair$before - pair$after, pair$group, groups)
  rbind(data.frame(group = groups, interval = interval, outcome = "vas_mean_decrease",
                   change = NA_character_, count = NA_real_, n = stats$n, value = stats$mean,
                   stringsAsFactors = FALSE),
        change_rows("vas", change_class(pair$before, pair$after), pair$group, groups,
                    interval))
}

followup_transitions <- function(fractures, visits, groups) {
  rows <- list()
  for (i in seq_len(length(visits) - 1L)) {
    pair <- at_visits(fractures, "fracture", "bme_class", visits[i], visits[i + 1L])
    pair <- pair[!is.na(pair$before) & !is.na(pair$after), , drop = FALSE]
    for (g in groups) {
      in_group <- pair$group %in% g
      counts <- count_levels(factor(pair$after[in_group], levels = bme_class_levels),
                             as.character(pair$before[in_group]), bme_class_levels)
      rows[[length(rows) + 1L]] <- data.frame(
        group = g, interval = paste(visits[i], visits[i + 1L], sep = " to "),
        from_class = rep(bme_class_levels, each = 4L),
        to_class = rep(bme_class_levels, times = 4L),
        count = as.vector(counts[bme_class_levels, bme_class_levels]),
        stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

# Fractures whose BME returns after it had resolved: the check that resolved
# BME never comes back.
followup_returned <- function(fractures, visits) {
  f <- fractures[order(fractures$fracture, match(fractures$visit, visits)), , drop = FALSE]
  known <- !is.na(f$bme_class)
  resolved <- known & f$bme_class == "none"
  # BME present at a visit at or after the fracture's first resolved visit.
  seen_resolved <- stats::ave(resolved, f$fracture, FUN = cumsum) > 0
  back <- which(known & f$bme_class != "none" & seen_resolved)
  back <- back[!duplicated(f$fracture[back])]
  first_resolved <- which(resolved)
  first_resolved <- first_resolved[!duplicated(f$fracture[first_resolved])]
  data.frame(patient = f$patient[back], level = as.character(f$level[back]),
             resolved_at = as.character(f$visit[first_resolved][
               match(f$fracture[back], f$fracture[first_resolved])]),
             returned_at = as.character(f$visit[back]), stringsAsFactors = FALSE)
}

followup_pain <- function(patients, visits, groups) {
  vas <- NULL
  analgesic <- NULL
  for (v in visits) {
    at <- patients[patients$visit == v, , drop = FALSE]
    if ("vas" %in% names(at)) {
      stats <- summarise_numeric(at$vas, at$group, groups)
      vas <- rbind(vas, data.frame(group = groups, visit = v, n = stats$n,
                                   median = stats$median, mean = stats$mean,
                                   min = stats$min, max = stats$max,
                                   stringsAsFactors = FALSE))
    }
    if ("analgesic" %in% names(at)) {
      counts <- count_levels(factor(at$analgesic, levels = analgesic_levels), at$group, groups)
      for (g in groups) {
        n <- sum(counts[analgesic_levels, g])
        analgesic <- rbind(analgesic, data.frame(
          group = g, visit = v, analgesic = analgesic_levels,
          count = counts[analgesic_levels, g], n = n,
          percent = if (n > 0) 100 * counts[analgesic_levels, g] / n else NA_real_,
          stringsAsFactors = FALSE))
      }
    }
  }
  if (!is.null(vas)) vas$visit <- factor(vas$visit, levels = visits, ordered = TRUE)
  if (!is.null(analgesic)) {
    analgesic$visit <- factor(analgesic$visit, levels = visits, ordered = TRUE)
    analgesic$analgesic <- factor(analgesic$analgesic, levels = analgesic_levels, ordered = TRUE)
    rownames(analgesic) <- NULL
  }
  list(vas = vas, analgesic = analgesic)
}

#' @export
print.vcf_followup <- function(x, ...) {
  cat("<vcf_followup> visits: ", paste(attr(x, "visits"), collapse = ", "),
      "; groups: ", paste(attr(x, "groups"), collapse = ", "), "\n", sep = "")
  if (!is.null(x$resolution)) {
    cat("\nBME resolved (% of treated fractures):\n")
    res <- x$resolution
    res$percent <- round(res$percent)
    print(res, row.names = FALSE)
  }
  if (!is.null(x$intervals)) {
    cat("\nChange per interval:\n")
    iv <- x$intervals
    iv$value <- round(iv$value, 1)
    print(iv, row.names = FALSE)
  }
  if (!is.null(x$returned)) {
    if (nrow(x$returned)) {
      cat("\nBME returned after resolution in ", nrow(x$returned), " fracture(s).\n", sep = "")
    } else {
      cat("\nResolved BME never returned.\n")
    }
  }
  invisible(x)
}
