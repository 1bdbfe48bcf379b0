# Methods of vcf_analysis (the result of vcf_analyze()): print, summary,
# as.data.frame, tidy, glance, plot and autoplot.

#' @export
print.vcf_analysis <- function(x, ...) {
  check_analysis(x)
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
  check_analysis(object, "object")
  structure(list(tables = analysis_tables(object), skipped = object$skipped),
            class = "summary.vcf_analysis")
}

#' @export
print.summary.vcf_analysis <- function(x, ...) {
  for (name in names(x$tables)) {
    print(x$tables[[name]], ...)
    cat("\n")
  }
  if (nrow(x$skipped)) {
    cat("Skipped:\n")
    cat(paste0("  ", x$skipped$analysis, ": ", x$skipped$reason, "\n"), sep = "")
  }
  invisible(x)
}

# Every table of an analysis as a vcf_table, named, in the order a
# manuscript shows them.
analysis_tables <- function(x) {
  out <- list(table1 = x$table1)
  fu <- x$followup
  if (!is.null(fu)) {
    first <- if (!is.null(x$relation)) attr(x$relation, "group")
    for (part in c("intervals", "resolution", "pain")) {
      if (!is.null(fu[[part]])) out[[part]] <- as_vcf_table(fu, part, group = first)
    }
  }
  if (!is.null(x$relation)) out$relation <- x$relation
  for (key in unique(sub(" \\(analgesic\\)$", "", names(x$paired)))) {
    out[[paste("paired", key)]] <- combine_paired(x$paired[names(x$paired) %in%
                                                            c(key, paste(key, "(analgesic)"))])
  }
  if (!is.null(x$findings)) out$findings <- x$findings
  out
}

# Paired tables between the same two visits (the outcomes by t, the
# analgesic class by signed rank) as one table.
combine_paired <- function(tables) {
  if (length(tables) == 1L) return(tables[[1]])
  out <- do.call(rbind, lapply(tables, unclass_table))
  rownames(out) <- NULL
  attributes(out)[c("from", "to", "style")] <- attributes(tables[[1]])[c("from", "to", "style")]
  class(out) <- class(tables[[1]])
  out
}

analysis_parts <- c("table1", "bme_classes", "resolution", "intervals", "transitions",
                    "returned", "pain", "analgesics", "relation", "paired", "findings",
                    "skipped")

#' @export
as.data.frame.vcf_analysis <- function(x, row.names = NULL, optional = FALSE,
                                       which = "table1", ...) {
  check_analysis(x)
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

#' Tidy and glance at an analysis
#'
#' `tidy()` gives one row per estimate: the relation's regression
#' coefficients (with the classical t test's p-value, then the bootstrap
#' interval in a second row), the paired mean differences and the findings'
#' percentages with exact intervals. `glance()` gives one row describing
#' what was run.
#'
#' @param x A `vcf_analysis`.
#' @param ... Unused.
#' @return `tidy()`: a data frame with `analysis`, `term`, `estimate`,
#'   `conf.low`, `conf.high`, `statistic`, `p.value`, `n`, `method`.
#'   `glance()`: a one-row data frame with `n_patients`, `n_fractures`,
#'   `n_visits`, `n_groups`, `n_tables`, `n_skipped`, `tests`, `boot_B`,
#'   `boot_type`, `boot_level`, `boot_seed`, `time`.
#' @examples
#' fit <- vcf_analyze(vcf_cohort(bkp_osteonecrosis), boot = vcf_boot_control(B = 99, seed = 1))
#' head(tidy(fit))
#' glance(fit)
#' @name vcf_analysis-broom
NULL

#' @rdname vcf_analysis-broom
#' @method tidy vcf_analysis
#' @export
tidy.vcf_analysis <- function(x, ...) {
  check_analysis(x)
  rows <- list()
  if (!is.null(x$relation)) {
    r <- x$relation
    term <- paste(r$interval, r$predictor, r$outcome, sep = ": ")
    p <- if ("p_value" %in% names(r)) r$p_value else NA_real_
    stat <- if ("statistic" %in% names(r)) r$statistic else NA_real_
    rows$relation <- data.frame(analysis = "relation", term = term, estimate = r$coef,
                                conf.low = r$ci_low, conf.high = r$ci_high, statistic = stat,
                                p.value = p, n = r$n, method = "OLS, t test",
                                stringsAsFactors = FALSE)
    rows$relation_boot <- data.frame(analysis = "relation (bootstrap)", term = term,
                                     estimate = r$coef, conf.low = r$boot_low,
                                     conf.high = r$boot_high, statistic = stat, p.value = p,
                                     n = r$n, method = paste0("bootstrap (", r$boot_type, ")"),
                                     stringsAsFactors = FALSE)
  }
  for (name in names(x$paired)) {
    p <- x$paired[[name]]
    rows[[name]] <- data.frame(analysis = "paired", term = paste(name, p$outcome, sep = ": "),
                               estimate = p$mean_diff, conf.low = p$ci_low, conf.high = p$ci_high,
                               statistic = p$statistic, p.value = p$p_value, n = p$n_pairs,
                               method = unname(test_label(p$test)), stringsAsFactors = FALSE)
  }
  if (!is.null(x$findings)) {
    f <- x$findings
    rows$findings <- data.frame(analysis = "finding", term = paste(f$variable, f$level, sep = ": "),
                                estimate = f$percent, conf.low = f$ci_low, conf.high = f$ci_high,
                                statistic = NA_real_, p.value = NA_real_, n = f$n,
                                method = "exact binomial (Clopper-Pearson) interval",
                                stringsAsFactors = FALSE)
  }
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

#' @rdname vcf_analysis-broom
#' @method glance vcf_analysis
#' @export
glance.vcf_analysis <- function(x, ...) {
  check_analysis(x)
  boot <- x$boot
  t1 <- x$table1
  tests <- if (is.null(t1$test)) character() else unique(t1$test[!is.na(t1$test)])
  data.frame(n_patients = nrow(x$cohort$patients), n_fractures = nrow(x$cohort$fractures),
             n_visits = length(x$cohort$visit_levels),
             n_groups = if (is.null(x$subgroup)) 0L else nlevels(x$subgroup),
             n_tables = length(analysis_tables(x)), n_skipped = nrow(x$skipped),
             tests = paste(tests, collapse = ", "),
             boot_B = boot$B %||% NA_integer_, boot_type = paste(boot$type %||% NA, collapse = ", "),
             boot_level = boot$level %||% NA_real_, boot_seed = boot$seed %||% NA_real_,
             time = x$timing, stringsAsFactors = FALSE)
}

# The parts of an analysis its methods read; optional parts (followup,
# relation, paired, findings, subgroup) may be NULL.
analysis_fit_parts <- list(
  cohort = function(v) inherits(v, "vcf_cohort") && is.data.frame(v$patients) &&
    is.data.frame(v$fractures),
  table1 = is.data.frame,
  skipped = function(v) is.data.frame(v) && all(c("analysis", "reason") %in% names(v)),
  timing = function(v) is.numeric(v) && length(v) == 1L,
  followup = function(v) is.null(v) || is.list(v),
  relation = function(v) is.null(v) || is.data.frame(v),
  paired = function(v) is.null(v) || is.list(v),
  findings = function(v) is.null(v) || is.data.frame(v))

check_analysis <- function(x, arg = "x", call = rlang::caller_env()) {
  if (!inherits(x, "vcf_analysis")) {
    vcf_abort(c("{.arg {arg}} must be a {.cls vcf_analysis} from {.fn vcf_analyze}.",
                x = "It is {.val {format_arg(x)}}."),
              c("type", "argument"), call = call)
  }
  check_object(x, "vcf_analysis", analysis_fit_parts, arg, "vcf_analyze", call)
}
