# Study tables: Table 1 by subgroup (vcf_table1) and paired comparisons
# between two visits (vcf_paired). Summaries come from src/tables.c, tests
# from vcf_compare() (src/htest.c); this file only shapes and formats.

# Grouped summaries (C) ---------------------------------------------------------

# Integer codes 1..G of `group` among `groups` (NA elsewhere). A factor whose
# levels are `groups`, or a plain integer vector (taken as the codes), is used
# as it is, without matching strings.
group_codes <- function(group, groups) {
  if (is.factor(group) && identical(levels(group), groups)) return(as.integer(group))
  if (is.integer(group) && !is.factor(group)) return(group)
  match(as.character(group), groups)
}

# One row per group: n, mean, sd, median, min, max, missing.
summarise_numeric <- function(x, group, groups) {
  out <- .Call(C_tables_numeric, as.double(x), as.integer(group_codes(group, groups)),
               as.integer(length(groups)))
  colnames(out) <- c("n", "mean", "sd", "median", "min", "max", "missing")
  out <- as.data.frame(out)
  out$group <- groups
  out
}

# Counts of each level (rows, last row = missing) per group (columns).
count_levels <- function(x, group, groups) {
  x <- as.factor(x)
  out <- .Call(C_tables_counts, as.integer(x), as.integer(group_codes(group, groups)),
               as.integer(max(nlevels(x), 1L)), as.integer(length(groups)))
  dimnames(out) <- list(c(levels(x), "<missing>")[seq_len(nrow(out))], groups)
  if (nlevels(x) == 0L) out <- out[-1L, , drop = FALSE]
  out
}

# Table 1 ---------------------------------------------------------------------

#' Table 1: characteristics by subgroup
#'
#' Describes patients and treated fractures overall and by subgroup, with
#' p-values, as a journal's Table 1. Patient characteristics are counted
#' per patient and fracture characteristics per treated fracture (as the PV
#' study counts BME extent, shape, grade and cement volume), and outcomes at
#' the first visit (initial VAS, initial pain medication) per patient.
#'
#' Continuous variables get a "median (range)" row and a "mean" row and are
#' tested by the pooled (Student) unpaired t-test; categorical variables get
#' one "n (%)" row per level and are tested by Pearson's chi-square without
#' continuity correction, as the PV study did. Choose other tests per
#' variable with `tests`, e.g. `tests = c(age = "welch", sex = "fisher")`
#' (the names of [vcf_compare()]: "t", "welch", "ranksum", "chisq", "yates",
#' "fisher"). Missing values are left out of each variable's summary and
#' test, and counted in the `missing` column of the `values` attribute.
#'
#' @param cohort A [vcf_cohort()], or a data frame with one row per unit
#'   (for registries that are not longitudinal).
#' @param by Subgroups: `NULL` for none, the name of a patient-level column
#'   (or a column of the data frame), a factor with one element per patient
#'   such as [vcf_subgroup()] returns, or `"subgroup"` for the PV study's
#'   default rule.
#' @param vars Variables to describe; `NULL` for every canonical patient and
#'   fracture characteristic present, the outcomes at the first visit, and
#'   the user's own patient and fracture columns.
#' @param total Include the `Total` column.
#' @param tests Named character vector of tests per variable.
#' @param style P-value style for printing: "ajnr", "nejm", "jama" or
#'   "lancet" (see [vcf_format_p()]).
#' @return A `vcf_table`: a data frame with `characteristic`, `level`,
#'   `statistic`, `Total`, one character column per group, `p_value` and
#'   `test`; attribute `values` holds every number in long numeric form.
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' tab <- vcf_table1(cohort, by = vcf_subgroup(cohort))
#' tab
#' @export
vcf_table1 <- function(cohort, by = NULL, vars = NULL, total = TRUE,
                       tests = NULL, style = "ajnr") {
  check_flag(total)
  check_string(style, choices = p_styles)
  units <- table1_units(cohort)
  group <- table1_groups(by, cohort, units)
  by_column <- is.character(by) && length(by) == 1L && by %in% names(units$patient)
  vars <- table1_vars(vars, units, exclude = if (by_column) by)
  tests <- check_tests(tests, vars)
  groups <- if (is.null(group$patient)) character() else levels(group$patient)

  unit_of <- ifelse(vars %in% names(units$patient), "patient", "fracture")
  prepared <- lapply(stats::setNames(vars, vars), function(var)
    table1_prepare(var, units[[unit_of[var == vars]]][[var]]))
  test_results <- list()
  for (unit in unique(unit_of)) {
    test_results <- c(test_results, table1_tests(prepared[unit_of == unit], group[[unit]],
                                                 groups, tests))
  }
  blocks <- list(table1_count_row(units, group, groups))
  for (i in seq_along(vars)) {
    blocks[[i + 1L]] <- table1_block(vars[i], prepared[[i]], group[[unit_of[i]]], groups,
                                     unit_of[i], test_results[[vars[i]]])
  }
  rows <- do.call(rbind, lapply(blocks, `[[`, "rows"))
  values <- do.call(rbind, lapply(blocks, `[[`, "values"))
  if (!total) rows$Total <- NULL
  rownames(rows) <- NULL
  structure(rows, values = values, style = style,
            class = c("vcf_table1", "vcf_table", "data.frame"))
}

# Unit tables: one row per patient and one per treated fracture, with the
# first visit's outcomes attached.
table1_units <- function(cohort) {
  if (inherits(cohort, "vcf_cohort")) {
    patients <- subgroup_variables(cohort)
    patients$multiple_treated <- patients$n_treated > 1L
    first <- cohort$visit_levels[1]
    baseline <- cohort$patient_visits[cohort$patient_visits$visit == first, , drop = FALSE]
    baseline <- baseline[, setdiff(names(baseline), c("visit", "month")), drop = FALSE]
    patients <- merge(patients, baseline, by = "patient", all.x = TRUE, sort = FALSE)
    fractures <- cohort$fractures
    if ("treated" %in% names(fractures)) fractures <- fractures[fractures$treated %in% TRUE, , drop = FALSE]
    fbase <- cohort$visits[cohort$visits$visit == first, , drop = FALSE]
    fbase <- fbase[, setdiff(names(fbase), c("visit", "month")), drop = FALSE]
    fractures <- merge(fractures, fbase, by = c("patient", "level"), all.x = TRUE, sort = FALSE)
    fractures <- fractures[order(fractures$patient, fractures$level), , drop = FALSE]
    patients <- patients[match(cohort$patients$patient, patients$patient), , drop = FALSE]
    list(patient = patients, fracture = fractures, cohort = TRUE)
  } else if (is.data.frame(cohort)) {
    data <- as.data.frame(cohort, stringsAsFactors = FALSE)
    list(patient = data, fracture = data[0, , drop = FALSE], cohort = FALSE)
  } else {
    vcf_abort("{.arg cohort} must be a {.cls vcf_cohort} or a data frame, not {.cls {class(cohort)}}.",
              c("type", "argument"), call = rlang::caller_env())
  }
}

table1_groups <- function(by, cohort, units, call = rlang::caller_env()) {
  if (is.null(by)) return(list(patient = NULL, fracture = NULL))
  group <- patient_groups(by, units$patient, if (units$cohort) cohort, call = call)
  fracture <- if (nrow(units$fracture) && units$cohort)
    group[match(units$fracture$patient, units$patient$patient)] else NULL
  list(patient = group, fracture = fracture)
}

# Subgroups as a factor with one element per row of `patients`, from `by`:
# the name of a column of `patients`, "subgroup" for the PV study's rule
# (with a cohort), or a vector with one element per patient such as
# vcf_subgroup() returns. A yes/no column splits into "no" and "yes", in
# that order, so that the first group is the one without the property.
patient_groups <- function(by, patients, cohort = NULL, call = rlang::caller_env()) {
  if (is.character(by) && length(by) == 1L) {
    if (identical(by, "subgroup") && !is.null(cohort) && !"subgroup" %in% names(patients)) {
      group <- vcf_subgroup(cohort)
    } else if (by %in% names(patients)) {
      group <- patients[[by]]
    } else {
      vcf_abort(c("{.arg by} names an unknown column {.val {by}}.",
                  i = "Columns: {.field {names(patients)}}."),
                c("unknown_column", "argument"), call = call)
    }
  } else {
    group <- by
    if (length(group) != nrow(patients)) {
      vcf_abort("{.arg by} must have one element per patient ({nrow(patients)}), not {length(group)}.",
                c("length", "argument"), call = call)
    }
  }
  if (inherits(group, "vcf_subgroup")) group <- unclass_subgroup(group)
  if (is.logical(group)) group <- factor(ifelse(group, "yes", "no"), levels = c("no", "yes"))
  group <- droplevels(as.factor(group))
  if (nlevels(group) < 1L) {
    vcf_abort("{.arg by} has no non-missing group.", c("groups", "argument"), call = call)
  }
  group
}

table1_default_vars <- c("age", "sex", "n_treated", "fracture_age", "bme_class",
                         "shape", "genant_grade", "cement", "cement_ml", "vas",
                         "analgesic", "odi", "height_pct", "multiple_treated",
                         "new_vcf", "pain_other_level")
table1_internal <- c("patient", "level", "treated", "n_fractures", "procedure",
                     "visit", "month", "bme_pct", "bright_rim", "subgroup")

# The variables to describe; by default every one present except `exclude`
# (the grouping column).
table1_vars <- function(vars, units, exclude = NULL, call = rlang::caller_env()) {
  available <- union(names(units$patient), names(units$fracture))
  if (is.null(vars)) {
    user <- setdiff(available, c(table1_default_vars, table1_internal))
    vars <- setdiff(c(intersect(table1_default_vars, available), user), exclude)
    if (!units$cohort) vars <- setdiff(vars, "n_treated")
    return(vars)
  }
  if (!is.character(vars)) {
    vcf_abort("{.arg vars} must be a character vector of column names.",
              c("type", "argument"), call = call)
  }
  unknown <- setdiff(vars, available)
  if (length(unknown)) {
    vcf_abort(c("{.arg vars} names unknown column{?s} {.val {unknown}}.",
                i = "Available: {.field {available}}."),
              c("unknown_column", "argument"), call = call)
  }
  vars
}

check_tests <- function(tests, vars, call = rlang::caller_env()) {
  if (is.null(tests)) return(list())
  tests <- as.list(tests)
  if (is.null(names(tests)) || any(names(tests) == "")) {
    vcf_abort("{.arg tests} must be named by variable, e.g. {.code c(age = \"welch\")}.",
              c("type", "argument"), call = call)
  }
  unknown <- setdiff(names(tests), vars)
  if (length(unknown)) {
    vcf_abort("{.arg tests} names variable{?s} not in the table: {.val {unknown}}.",
              c("unknown_column", "argument"), call = call)
  }
  tests
}

table1_labels <- c(
  age = "Age (y)", sex = "Sex", n_treated = "No. of VCF treated",
  fracture_age = "Age of treated VCF (months)",
  bme_class = "Extent of BME in treated VCF", shape = "Shape of treated VCF",
  genant_grade = "Genant grade of treated VCF", cement = "Cement",
  cement_ml = "Injected cement volume (mL)", vas = "Initial VAS for pain",
  analgesic = "Initial pain medication", odi = "Initial ODI",
  height_pct = "Initial anterior height (%)",
  multiple_treated = "Patients with multiple treated VCF",
  new_vcf = "Patients with new VCF after treatment",
  pain_other_level = "Patients with pain at another untreated level")

variable_label <- function(var) {
  if (var %in% names(table1_labels)) table1_labels[[var]] else var
}

table1_count_row <- function(units, group, groups) {
  patients <- units$patient
  counts <- c(nrow(patients),
              if (length(groups)) tabulate(group_codes(group$patient, groups), length(groups)))
  table1_rows("No. of patients", NA, "n", counts, groups, unit = "patient",
              values = long_values("No. of patients", NA, "n", c("Total", groups), counts))
}

# A variable as Table 1 shows it: Genant grades as named classes, yes/no
# for logicals, numbers as they are, anything else as a factor.
table1_prepare <- function(var, x) {
  if (var == "genant_grade" && is.numeric(x)) {
    return(factor(x, levels = 0:3, labels = c("none", "mild", "moderate", "severe")))
  }
  if (var == "n_treated" || (is.numeric(x) && !is.logical(x))) return(x)
  if (is.logical(x)) return(factor(ifelse(x, "yes", "no"), levels = c("yes", "no")))
  as.factor(x)
}

# The tests of one unit's variables between the groups, in one vcf_compare()
# call so that the groups are coded once. A variable gets no test when there
# are fewer than two groups, or when it is categorical with one observed
# level (nothing to compare).
table1_tests <- function(prepared, group, groups, tests) {
  if (length(groups) < 2L || is.null(group)) return(list())
  prepared <- prepared[names(prepared) != "n_treated"]
  testable <- vapply(prepared, function(x) {
    is.numeric(x) || sum(tabulate(as.integer(x)[!is.na(group)], nlevels(x)) > 0L) >= 2L
  }, logical(1))
  prepared <- prepared[testable]
  if (!length(prepared)) return(list())
  names_in <- paste0("v", seq_along(prepared))
  chosen <- vapply(names(prepared), function(v) {
    tests[[v]] %||% if (is.numeric(prepared[[v]])) "t" else "chisq"
  }, "")
  data <- structure(c(list(.group = group), stats::setNames(prepared, names_in)),
                    class = "data.frame", row.names = c(NA, -length(group)))
  res <- withCallingHandlers(
    vcf_compare(data, by = ".group", vars = names_in, tests = stats::setNames(chosen, names_in)),
    vcf_warning = function(w) {
      vcf_warn(c("Table 1:", conditionMessage(w)), c("test", "table"))
      invokeRestart("muffleWarning")
    })
  out <- lapply(seq_along(prepared), function(i) {
    list(test = res$test[i], statistic = res$statistic[i], df = res$df[i],
         p_value = res$p_value[i])
  })
  stats::setNames(out, names(prepared))
}

table1_block <- function(var, x, group, groups, unit, test) {
  label <- variable_label(var)
  if (var == "n_treated") {
    codes <- group_codes(group, groups)
    counts <- c(sum(x), vapply(seq_along(groups), function(g) sum(x[codes %in% g]), numeric(1)))
    return(table1_rows(label, NA, "n", counts, groups, unit = "fracture",
                       values = long_values(label, NA, "n", c("Total", groups), counts)))
  }
  if (is.numeric(x)) {
    table1_continuous(label, x, group, groups, unit, test)
  } else {
    table1_categorical(label, x, group, groups, unit, test)
  }
}

table1_continuous <- function(label, x, group, groups, unit, test_result) {
  all_groups <- c("Total", groups)
  stats <- summarise_numeric(x, rep.int(1L, length(x)), "Total")
  if (length(groups)) stats <- rbind(stats, summarise_numeric(x, group, groups))
  digits <- if (all(is.na(x) | x == round(x))) 0L else 1L
  cells <- sprintf("%s (%s-%s)", format_fixed(stats$median, digits),
                   format_fixed(stats$min, digits), format_fixed(stats$max, digits))
  means <- format_fixed(stats$mean, 1L)
  values <- do.call(rbind, lapply(c("n", "median", "min", "max", "mean", "sd", "missing"),
                                  function(s) long_values(label, NA, s, all_groups, stats[[s]])))
  rows <- rbind(
    table1_rows(label, NA, "median (range)", cells, groups, unit, test_result)$rows,
    table1_rows(label, NA, "mean", means, groups, unit)$rows)
  list(rows = rows, values = rbind(values, test_values(label, test_result)))
}

table1_categorical <- function(label, x, group, groups, unit, test_result) {
  all_groups <- c("Total", groups)
  counts <- count_levels(x, rep.int(1L, length(x)), "Total")
  if (length(groups)) counts <- cbind(counts, count_levels(x, group, groups))
  # Levels never observed are left out (as droplevels() would).
  observed <- counts[levels(x), , drop = FALSE]
  observed <- observed[observed[, "Total"] > 0, , drop = FALSE]
  shown <- if (identical(levels(x), c("yes", "no"))) "yes" else rownames(observed)
  n <- colSums(observed)
  percent <- sweep(observed, 2L, ifelse(n > 0, n, NA), "/") * 100
  rows <- list()
  values <- list()
  for (i in seq_along(shown)) {
    lev <- shown[i]
    count <- if (lev %in% rownames(observed)) observed[lev, ] else rep(0, length(all_groups))
    pct <- if (lev %in% rownames(observed)) percent[lev, ] else rep(0, length(all_groups))
    cells <- sprintf("%d (%s)", as.integer(count), format_fixed(pct, 0L))
    rows[[i]] <- table1_rows(label, lev, "n (%)", cells, groups, unit,
                             if (i == 1L) test_result)$rows
    values[[i]] <- rbind(long_values(label, lev, "count", all_groups, count),
                         long_values(label, lev, "percent", all_groups, pct))
  }
  values[[length(values) + 1L]] <- rbind(
    long_values(label, NA, "n", all_groups, n),
    long_values(label, NA, "missing", all_groups, counts["<missing>", ]),
    test_values(label, test_result))
  list(rows = do.call(rbind, rows), values = do.call(rbind, values))
}

table1_rows <- function(label, level, statistic, cells, groups, unit,
                        test = NULL, values = NULL) {
  rows <- data.frame(characteristic = label, level = level, statistic = statistic,
                     Total = cells[1], stringsAsFactors = FALSE)
  for (i in seq_along(groups)) rows[[groups[i]]] <- cells[i + 1L]
  rows$p_value <- if (is.null(test)) NA_real_ else test$p_value
  rows$test <- if (is.null(test)) NA_character_ else test$test
  rows$unit <- unit
  list(rows = rows, values = values)
}

long_values <- function(label, level, statistic, groups, value) {
  data.frame(characteristic = label, level = level, statistic = statistic,
             group = groups, value = as.numeric(value), stringsAsFactors = FALSE)
}

test_values <- function(label, test) {
  if (is.null(test)) return(NULL)
  long_values(label, NA, c("statistic", "df", "p"), "P value",
              c(test$statistic, test$df, test$p_value))
}


# Paired tables -----------------------------------------------------------------

#' Paired comparisons between two visits
#'
#' For each outcome, the mean, minimum and maximum at two visits, the mean
#' difference (`from` minus `to`) with its 95% confidence interval, and the
#' paired t-test (or the Wilcoxon signed-rank test, for ordinal outcomes
#' such as the analgesic class). Patient outcomes (VAS, ODI, analgesic) are
#' paired per patient, fracture outcomes (height, BME) per fracture. Pairs
#' with a missing visit are dropped and counted in `n_dropped`.
#'
#' Results equal `t.test(x, y, paired = TRUE)` and
#' `wilcox.test(x, y, paired = TRUE)` with `x` the `from` visit.
#'
#' @param cohort A [vcf_cohort()].
#' @param from,to Visit labels (levels of the cohort's visit factor).
#' @param outcomes Outcome columns; `NULL` for every numeric outcome present
#'   among `height_pct`, `vas`, `odi`, `bme_pct`.
#' @param test "t" or "wilcoxon".
#' @param style P-value style for printing.
#' @return A `vcf_table` with one row per outcome: `outcome`, `n_pairs`,
#'   `n_dropped`, `from_mean`, `from_min`, `from_max`, `to_mean`, `to_min`,
#'   `to_max`, `mean_diff`, `ci_low`, `ci_high`, `statistic`, `df`,
#'   `p_value`, `test`.
#' @examples
#' bkp <- vcf_cohort(bkp_osteonecrosis)
#' vcf_paired(bkp, "pre-op", "post-op")
#' @export
vcf_paired <- function(cohort, from, to, outcomes = NULL, test = "t", style = "ajnr") {
  check_cohort(cohort)
  check_string(from, choices = cohort$visit_levels)
  check_string(to, choices = cohort$visit_levels)
  check_string(test, choices = c("t", "wilcoxon"))
  check_string(style, choices = p_styles)
  if (from == to) {
    vcf_abort("{.arg from} and {.arg to} must be different visits.", c("visit", "argument"))
  }
  available <- cohort_vars(cohort, c("visit", "patient_visit"))
  if (is.null(outcomes)) {
    outcomes <- intersect(c("height_pct", "vas", "odi", "bme_pct"), available)
  }
  unknown <- setdiff(outcomes, available)
  if (length(unknown) || !length(outcomes)) {
    vcf_abort(c("{.arg outcomes} must name visit outcomes of the cohort.",
                x = if (length(unknown)) "Unknown: {.val {unknown}}." else "None found.",
                i = "Available: {.field {available}}."),
              c("unknown_column", "argument"))
  }
  rows <- lapply(outcomes, paired_outcome, cohort = cohort, from = from, to = to, test = test)
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  structure(out, from = from, to = to, style = style,
            class = c("vcf_paired_table", "vcf_table", "data.frame"))
}

paired_outcome <- function(outcome, cohort, from, to, test) {
  unit <- cohort_unit(cohort, outcome)
  data <- cohort_table(cohort, unit)
  id <- if (unit == "visit") paste(data$patient, data$level, sep = "/") else data$patient
  value <- outcome_values(data[[outcome]])
  if (!is.numeric(value)) {
    vcf_abort("Outcome {.field {outcome}} is not numeric or ordinal.", c("type", "argument"),
              call = rlang::caller_env(2))
  }
  ids <- unique(id)
  before <- value[data$visit == from][match(ids, id[data$visit == from])]
  after <- value[data$visit == to][match(ids, id[data$visit == to])]
  complete <- !is.na(before) & !is.na(after)
  n_pairs <- sum(complete)
  before <- before[complete]
  after <- after[complete]
  both <- summarise_numeric(c(before, after), rep(c("from", "to"), each = n_pairs), c("from", "to"))
  diff <- summarise_numeric(before - after, rep("d", n_pairs), "d")
  pairs <- data.frame(value = c(before, after), visit = rep(c("from", "to"), each = n_pairs),
                      pair = rep(seq_len(n_pairs), 2L))
  res <- vcf_compare(pairs, by = "visit", vars = "value", paired_by = "pair",
                     tests = c(value = if (test == "t") "paired_t" else "signrank"))
  half_width <- stats::qt(0.975, n_pairs - 1) * diff$sd / sqrt(n_pairs)
  data.frame(outcome = outcome, n_pairs = n_pairs, n_dropped = length(ids) - n_pairs,
             from_mean = both$mean[1], from_min = both$min[1], from_max = both$max[1],
             to_mean = both$mean[2], to_min = both$min[2], to_max = both$max[2],
             mean_diff = diff$mean, ci_low = diff$mean - half_width,
             ci_high = diff$mean + half_width, statistic = res$statistic,
             df = res$df, p_value = res$p_value, test = res$test,
             stringsAsFactors = FALSE)
}

# Formatting ------------------------------------------------------------------

p_styles <- c("ajnr", "nejm", "jama", "lancet")

#' Format p-values in a journal's style
#'
#' * "ajnr": no leading zero, two decimals with trailing zeros dropped
#'   (".02", ".5"), three below .01, "<.001" below .001.
#' * "jama": no leading zero, two decimals (".02", ".50"), three below .01,
#'   "<.001".
#' * "nejm": leading zero, two decimals, three below 0.01, "<0.001".
#' * "lancet": leading zero, two significant digits, "<0.0001".
#'
#' @param p Numeric p-values.
#' @param style One of "ajnr", "nejm", "jama", "lancet".
#' @return Character vector; `NA` gives "".
#' @examples
#' vcf_format_p(c(0.5, 0.02, 0.0042, 0.00001), "ajnr")
#' vcf_format_p(c(0.5, 0.02, 0.0042, 0.00001), "nejm")
#' @export
vcf_format_p <- function(p, style = "ajnr") {
  check_string(style, choices = p_styles)
  if (!is.numeric(p)) vcf_abort("{.arg p} must be numeric.", c("type", "argument"))
  bad <- which(!is.na(p) & (p < 0 | p > 1))
  if (length(bad)) {
    vcf_abort(c("{.arg p} must lie in [0, 1].", x = "At {describe_rows(bad, p[bad])}."),
              c("range", "argument"))
  }
  fixed <- format_fixed(p, ifelse(!is.na(p) & p < 0.01, 3L, 2L))
  out <- switch(style,
    ajnr = {
      x <- sub("\\.?0+$", "", fixed)
      x <- sub("^0", "", x)
      ifelse(p < 0.001, "<.001", ifelse(x == "", "0", x))
    },
    jama = ifelse(p < 0.001, "<.001", sub("^0", "", fixed)),
    nejm = ifelse(p < 0.001, "<0.001", fixed),
    lancet = ifelse(p < 0.0001, "<0.0001", formatC(signif(p, 2), format = "fg", digits = 2, flag = "#")))
  out[is.na(p)] <- ""
  out
}

#' @export
format.vcf_table1 <- function(x, style = attr(x, "style") %||% "ajnr", ...) {
  out <- as.data.frame(unclass_table(x), stringsAsFactors = FALSE)
  out$characteristic[duplicated(out$characteristic)] <- ""
  out$level[is.na(out$level)] <- ""
  out$`P value` <- vcf_format_p(out$p_value, style)
  out$p_value <- NULL
  out$test <- NULL
  out$unit <- NULL
  out
}

#' @export
format.vcf_paired_table <- function(x, style = attr(x, "style") %||% "ajnr", ...) {
  # Ranges of whole numbers print without decimals, as the studies print them.
  cell <- function(m, lo, hi) {
    d <- ifelse(lo == round(lo) & hi == round(hi), 0L, 1L)
    sprintf("%s (%s~%s)", format_fixed(m, 1L), format_fixed(lo, d), format_fixed(hi, d))
  }
  is_t <- x$test == "paired_t"
  out <- data.frame(
    Outcome = vapply(x$outcome, variable_label_paired, ""),
    from = cell(x$from_mean, x$from_min, x$from_max),
    to = cell(x$to_mean, x$to_min, x$to_max),
    `Mean difference (95% CI)` = sprintf("%s (%s to %s)", format_fixed(x$mean_diff, 1L),
                                         format_fixed(x$ci_low, 1L), format_fixed(x$ci_high, 1L)),
    statistic = ifelse(is_t, formatC(x$statistic, format = "f", digits = 2),
                       format(x$statistic)),
    p = vcf_format_p(x$p_value, style),
    n = x$n_pairs,
    check.names = FALSE, stringsAsFactors = FALSE,
    row.names = NULL
  )
  names(out)[2:3] <- c(attr(x, "from"), attr(x, "to"))
  names(out)[5] <- if (all(is_t)) "t" else "statistic"
  out
}

variable_label_paired <- function(var) {
  labels <- c(height_pct = "Anterior vertebral body height (%)",
              vas = "Visual analog scale for pain", odi = "Oswestry disability index",
              bme_pct = "BME extent (%)", analgesic = "Analgesic class (0-3)")
  if (var %in% names(labels)) labels[[var]] else var
}

unclass_table <- function(x) {
  attr(x, "values") <- NULL
  class(x) <- "data.frame"
  x
}

#' @export
print.vcf_table <- function(x, ...) {
  out <- format(x, ...)
  kind <- if (inherits(x, "vcf_paired_table")) "paired comparisons" else "Table 1"
  cat("<vcf_table: ", kind, ">\n", sep = "")
  print(out, row.names = FALSE, right = FALSE)
  if (inherits(x, "vcf_paired_table") && any(x$n_dropped > 0)) {
    cat("Pairs dropped for a missing visit: ",
        paste0(x$outcome, " ", x$n_dropped, collapse = ", "), "\n", sep = "")
  }
  invisible(x)
}

#' @export
as.data.frame.vcf_table <- function(x, ...) unclass_table(x)

# HTML export -------------------------------------------------------------------

#' Write a table as HTML (for the web, or to open in Word)
#'
#' Renders a data frame or a `vcf_table` (in its journal layout, see
#' [vcf_table1()]) as a plain HTML table with no external dependencies.
#' Word opens the file as an editable table.
#'
#' @param x A `vcf_table` or data frame.
#' @param file Path to write, or `NULL` to return the HTML as a string.
#' @param caption Optional caption.
#' @return The HTML (invisibly when written to `file`).
#' @examples
#' html <- vcf_html(data.frame(a = 1:2, b = c("x", "<y>")), caption = "Example")
#' cat(html)
#' @export
vcf_html <- function(x, file = NULL, caption = NULL) {
  if (!is.data.frame(x)) {
    vcf_abort("{.arg x} must be a data frame or {.cls vcf_table}.", c("type", "argument"))
  }
  shown <- if (inherits(x, "vcf_table")) format(x) else x
  escape <- function(s) {
    s <- gsub("&", "&amp;", as.character(s), fixed = TRUE)
    s <- gsub("<", "&lt;", s, fixed = TRUE)
    gsub(">", "&gt;", s, fixed = TRUE)
  }
  cell <- function(v) ifelse(is.na(v), "", escape(v))
  header <- paste0("<tr>", paste0("<th>", escape(names(shown)), "</th>", collapse = ""), "</tr>")
  body <- vapply(seq_len(nrow(shown)), function(i) {
    paste0("<tr>", paste0("<td>", vapply(shown, function(col) cell(format_cell(col[i])), ""),
                          "</td>", collapse = ""), "</tr>")
  }, "")
  html <- paste(c(
    "<table style=\"border-collapse:collapse;font-family:sans-serif;font-size:10pt\">",
    if (!is.null(caption)) paste0("<caption>", escape(caption), "</caption>"),
    "<thead>", header, "</thead>", "<tbody>", body, "</tbody>", "</table>"),
    collapse = "\n")
  if (is.null(file)) return(html)
  writeLines(html, file)
  invisible(html)
}

format_cell <- function(v) {
  if (is.na(v)) return(NA_character_)
  if (is.numeric(v)) format(signif(v, 4)) else as.character(v)
}
