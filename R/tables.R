# Study tables: Table 1 by subgroup (vcf_table1) and paired comparisons
# between two visits (vcf_paired). Summaries come from src/tables.c, tests
# from vcf_compare() (src/compare.c); this file only shapes and formats.

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
#' Continuous variables get one row whose label names the statistic shown
#' (`continuous`: "median (range)" by default) and categorical variables
#' one "n (%)" row per level, indented under the variable.
#'
#' @section Tests:
#' The test follows the statistic shown: a variable shown as a median is
#' compared with the Wilcoxon rank-sum test and one shown as a mean with
#' Student's t-test; categorical variables with Pearson's chi-square, or
#' Fisher's exact test when an expected count is below 5 (as
#' `chisq.test()` warns). Choose tests per variable with `tests`, e.g.
#' `tests = c(age = "welch", sex = "fisher")` (the names of
#' [vcf_compare()]: "t", "welch", "ranksum", "chisq", "yates", "fisher"),
#' or for every continuous or categorical variable with the names
#' `.continuous` and `.categorical`: a study reproduced with its own tests
#' uses `tests = c(.continuous = "t", .categorical = "chisq")`. Tests given
#' explicitly are used as given; a chi-square with expected counts below 5
#' then gets its own footnote. Each test used gets a footnote, marked on the
#' p-values it produced.
#'
#' Missing values are left out of each variable's summary and test, and
#' counted in the `missing` rows of the `values` attribute.
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
#' @param tests Named character vector of tests per variable (see Tests).
#' @param style P-value style for printing (see [vcf_format_p()]).
#' @param continuous Statistic shown for continuous variables:
#'   "median_range", "median_iqr", "mean_sd" or "mean_range".
#' @return A `vcf_table` (class `vcf_table1`): a data frame with one row
#'   per printed row, `variable`, `characteristic`, `level`, `statistic`,
#'   `Total`, one character column per group, `p_value`, `test` and
#'   `low_expected` (a chi-square with expected counts below 5); attribute
#'   `values` holds every number (n, mean, SD, median, quartiles, range,
#'   counts, percentages, tests) in long numeric form, and `n` the
#'   patients and treated fractures per column. It prints in a journal's
#'   layout and renders with [flextable::as_flextable()], `knitr` and
#'   [vcf_report()].
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' tab <- vcf_table1(cohort, by = vcf_subgroup(cohort))
#' tab
#' @export
vcf_table1 <- function(cohort, by = NULL, vars = NULL, total = TRUE,
                       tests = NULL, style = "ajnr", continuous = "median_range") {
  check_flag(total)
  check_string(style, choices = p_styles)
  check_string(continuous, choices = names(continuous_statistics))
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
                                                 groups, tests, continuous))
  }
  blocks <- list(table1_count_row(units, group, groups))
  for (i in seq_along(vars)) {
    blocks[[i + 1L]] <- table1_block(vars[i], prepared[[i]], group[[unit_of[i]]], groups,
                                     unit_of[i], test_results[[vars[i]]], continuous)
  }
  rows <- do.call(rbind, lapply(blocks, `[[`, "rows"))
  values <- do.call(rbind, lapply(blocks, `[[`, "values"))
  if (!total) rows$Total <- NULL
  rownames(rows) <- NULL
  fallback <- any(vapply(test_results, function(t) isTRUE(t$fallback), logical(1)))
  structure(rows, values = values, style = style, n = table1_n(units, group, groups),
            fisher_fallback = fallback,
            group_title = table1_group_title(by, by_column),
            class = c("vcf_table1", "vcf_table", "data.frame"))
}

# Statistic shown for continuous variables, and the test that goes with it.
continuous_statistics <- c(median_range = "median (range)", median_iqr = "median (IQR)",
                           mean_sd = "mean (SD)", mean_range = "mean (range)")
continuous_tests <- c(median_range = "ranksum", median_iqr = "ranksum",
                      mean_sd = "t", mean_range = "t")

# Patients and treated fractures per column (Total first).
table1_n <- function(units, group, groups) {
  count <- function(g, n) c(Total = n, if (length(groups))
    stats::setNames(tabulate(group_codes(g, groups), length(groups)), groups))
  list(patient = count(group$patient, nrow(units$patient)),
       fracture = if (nrow(units$fracture)) count(group$fracture, nrow(units$fracture)))
}

# How the group columns are titled: "Subgroup A" for vcf_subgroup(), the
# column's label for a column name ("New VCF: yes"), else the level.
table1_group_title <- function(by, by_column) {
  if (inherits(by, "vcf_subgroup") || identical(by, "subgroup")) return("Subgroup")
  if (by_column) return(paste0(variable_label(by, display = TRUE), ":"))
  ""
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
    if (!is.atomic(group) || is.null(group)) {
      vcf_abort("{.arg by} must name a column or give one group per patient, not {.cls {class(group)}}.",
                c("type", "argument"), call = call)
    }
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
  unknown <- setdiff(names(tests), c(vars, ".continuous", ".categorical"))
  if (length(unknown)) {
    vcf_abort("{.arg tests} names variable{?s} not in the table: {.val {unknown}}.",
              c("unknown_column", "argument"), call = call)
  }
  bad <- !vapply(tests, function(t) is.character(t) && length(t) == 1L &&
                   t %in% c("t", "welch", "ranksum", "chisq", "yates", "fisher"), logical(1))
  if (any(bad)) {
    vcf_abort(c("{.arg tests} must give one of {.val {c('t', 'welch', 'ranksum', 'chisq', 'yates', 'fisher')}} per variable.",
                x = "Not so for {.val {names(tests)[bad]}}."),
              c("unknown_test", "argument"), call = call)
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

# Labels as printed: the unit after a comma ("Age, y"), so that the
# statistic can follow ("Age, y, median (range)").
table1_display <- c(
  age = "Age, y", sex = "Sex", n_treated = "Treated VCF",
  fracture_age = "Age of treated VCF, mo",
  bme_class = "Extent of BME in treated VCF", shape = "Shape of treated VCF",
  genant_grade = "Genant grade of treated VCF", cement = "Cement",
  cement_ml = "Injected cement volume, mL", vas = "Initial VAS for pain (0\u201310)",
  analgesic = "Initial pain medication", odi = "Initial ODI, %",
  height_pct = "Initial anterior height, %",
  multiple_treated = "Multiple treated VCF",
  new_vcf = "New VCF after treatment",
  pain_other_level = "Pain at another untreated level",
  new_vcf_short = "New VCF")

# The label of a variable: as the values attribute names it (`display =
# FALSE`, the key the reproductions read), or as printed. User columns
# print with underscores as spaces and a capital first letter.
variable_label <- function(var, display = FALSE) {
  labels <- if (display) table1_display else table1_labels
  if (var %in% names(labels)) return(labels[[var]])
  if (!display) return(var)
  text <- gsub("_", " ", var, fixed = TRUE)
  paste0(toupper(substr(text, 1L, 1L)), substring(text, 2L))
}

table1_count_row <- function(units, group, groups) {
  patients <- units$patient
  counts <- c(nrow(patients),
              if (length(groups)) tabulate(group_codes(group$patient, groups), length(groups)))
  table1_rows("n_patients", "No. of patients", NA, "n", counts, groups, unit = "patient",
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
# level (nothing to compare). Default chi-squares with an expected count
# below 5 are redone as Fisher's exact test.
table1_tests <- function(prepared, group, groups, tests, continuous) {
  if (length(groups) < 2L || is.null(group)) return(list())
  prepared <- prepared[names(prepared) != "n_treated"]
  testable <- vapply(prepared, function(x) {
    is.numeric(x) || sum(tabulate(as.integer(x)[!is.na(group)], nlevels(x)) > 0L) >= 2L
  }, logical(1))
  prepared <- prepared[testable]
  if (!length(prepared)) return(list())
  names_in <- paste0("v", seq_along(prepared))
  numeric_var <- vapply(prepared, is.numeric, logical(1))
  explicit <- names(prepared) %in% names(tests) |
    ifelse(numeric_var, !is.null(tests$.continuous), !is.null(tests$.categorical))
  chosen <- vapply(names(prepared), function(v) {
    tests[[v]] %||% if (is.numeric(prepared[[v]])) {
      tests$.continuous %||% continuous_tests[[continuous]]
    } else {
      tests$.categorical %||% "chisq"
    }
  }, "")
  res <- table1_compare(prepared, group, names_in, chosen)
  low <- res$test %in% c("chisq", "yates") & !is.na(res$note) &
    grepl("expected counts below 5", res$note, fixed = TRUE)
  out <- lapply(seq_along(prepared), function(i) {
    list(test = res$test[i], statistic = res$statistic[i], df = res$df[i],
         p_value = res$p_value[i], low_expected = low[i])
  })
  for (i in which(low & !explicit)) out[[i]] <- table1_fisher(prepared[[i]], group, out[[i]])
  stats::setNames(out, names(prepared))
}

table1_compare <- function(prepared, group, names_in, chosen) {
  data <- structure(c(list(.group = group), stats::setNames(prepared, names_in)),
                    class = "data.frame", row.names = c(NA, -length(group)))
  withCallingHandlers(
    vcf_compare(data, by = ".group", vars = names_in, tests = stats::setNames(chosen, names_in)),
    vcf_warning = function(w) {
      vcf_warn(c("Table 1:", conditionMessage(w)), c("test", "table"))
      invokeRestart("muffleWarning")
    })
}

# Fisher's exact test in place of a chi-square with small expected counts:
# vcf_compare()'s for 2 x 2 tables, fisher.test()'s network algorithm for
# larger ones. When that cannot be computed the chi-square stays, with a
# classed warning (and its footnote).
table1_fisher <- function(x, group, chisq) {
  keep <- !is.na(x) & !is.na(group)
  tab <- table(droplevels(x[keep]), droplevels(group[keep]))
  if (all(dim(tab) == 2L)) {
    res <- vcf_compare(data.frame(g = group[keep], x = droplevels(x[keep])), by = "g",
                       vars = "x", tests = c(x = "fisher"))
    return(list(test = "fisher", statistic = NA_real_, df = NA_real_,
                p_value = res$p_value, low_expected = FALSE, fallback = TRUE))
  }
  p <- tryCatch(stats::fisher.test(tab, workspace = 2e7)$p.value, error = function(e) NA_real_)
  if (is.na(p)) {
    vcf_warn(c("Table 1: a chi-square has expected counts below 5 and Fisher's exact test could not be computed.",
               i = "The chi-square p-value is kept and footnoted."),
             c("low_expected", "table"))
    return(chisq)
  }
  list(test = "fisher", statistic = NA_real_, df = NA_real_, p_value = p,
       low_expected = FALSE, fallback = TRUE)
}

table1_block <- function(var, x, group, groups, unit, test, continuous) {
  label <- variable_label(var)
  if (var == "n_treated") {
    codes <- group_codes(group, groups)
    counts <- c(sum(x), vapply(seq_along(groups), function(g) sum(x[codes %in% g]), numeric(1)))
    return(table1_rows(var, label, NA, "n", counts, groups, unit = "fracture",
                       values = long_values(label, NA, "n", c("Total", groups), counts)))
  }
  if (is.numeric(x)) {
    table1_continuous(var, label, x, group, groups, unit, test, continuous)
  } else {
    table1_categorical(var, label, x, group, groups, unit, test)
  }
}

table1_continuous <- function(var, label, x, group, groups, unit, test_result, continuous) {
  all_groups <- c("Total", groups)
  stats <- summarise_numeric(x, rep.int(1L, length(x)), "Total")
  if (length(groups)) stats <- rbind(stats, summarise_numeric(x, group, groups))
  quartiles <- table1_quartiles(x, group, groups)
  stats$q1 <- quartiles[, 1]
  stats$q3 <- quartiles[, 2]
  digits <- if (all(is.na(x) | x == round(x))) 0L else 1L
  cells <- switch(continuous,
    median_range = sprintf("%s (%s\u2013%s)", format_number(stats$median, digits),
                           format_number(stats$min, digits), format_number(stats$max, digits)),
    median_iqr = sprintf("%s (%s\u2013%s)", format_number(stats$median, digits),
                         format_number(stats$q1, digits), format_number(stats$q3, digits)),
    mean_sd = sprintf("%s (%s)", format_number(stats$mean, digits + 1L),
                      format_number(stats$sd, digits + 1L)),
    mean_range = sprintf("%s (%s\u2013%s)", format_number(stats$mean, digits + 1L),
                         format_number(stats$min, digits), format_number(stats$max, digits)))
  cells[stats$n == 0] <- "\u2013"
  values <- do.call(rbind, lapply(c("n", "median", "q1", "q3", "min", "max", "mean", "sd",
                                    "missing"),
                                  function(s) long_values(label, NA, s, all_groups, stats[[s]])))
  rows <- table1_rows(var, label, NA, continuous_statistics[[continuous]], cells, groups,
                      unit, test_result)$rows
  list(rows = rows, values = rbind(values, test_values(label, test_result)))
}

# First and third quartiles (type 7, as quantile() and summary()) per column.
table1_quartiles <- function(x, group, groups) {
  q <- function(v) {
    v <- v[!is.na(v)]
    if (length(v)) stats::quantile(v, c(0.25, 0.75), names = FALSE) else c(NA_real_, NA_real_)
  }
  rbind(q(x), if (length(groups)) do.call(rbind, lapply(groups, function(g) q(x[group %in% g]))))
}

table1_categorical <- function(var, label, x, group, groups, unit, test_result) {
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
    cells <- sprintf("%d (%s)", as.integer(count), format_number(pct, 0L))
    rows[[i]] <- table1_rows(var, label, lev, "n (%)", cells, groups, unit,
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

table1_rows <- function(var, label, level, statistic, cells, groups, unit,
                        test = NULL, values = NULL) {
  rows <- data.frame(variable = var, characteristic = label, level = level,
                     statistic = statistic, Total = cells[1], stringsAsFactors = FALSE)
  for (i in seq_along(groups)) rows[[groups[i]]] <- cells[i + 1L]
  rows$p_value <- if (is.null(test)) NA_real_ else test$p_value
  rows$test <- if (is.null(test)) NA_character_ else test$test
  rows$low_expected <- if (is.null(test)) NA else test$low_expected
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
#' @param from,to Visit labels (levels of the cohort's visit factor), or
#'   numbers for numeric visits (`from = 0, to = 3`).
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
  from <- visit_arg(from, cohort$visit_levels)
  to <- visit_arg(to, cohort$visit_levels)
  check_string(test, choices = c("t", "wilcoxon"))
  check_string(style, choices = p_styles)
  if (from == to) {
    vcf_abort("{.arg from} and {.arg to} must be different visits.", c("visit", "argument"))
  }
  available <- cohort_vars(cohort, c("visit", "patient_visit"))
  if (is.null(outcomes)) {
    outcomes <- intersect(c("height_pct", "vas", "odi", "bme_pct"), available)
  }
  if (!is.character(outcomes) || anyNA(outcomes)) {
    vcf_abort(c("{.arg outcomes} must name visit outcomes of the cohort.",
                x = "It is {.val {format_arg(outcomes)}}."),
              c("type", "argument"))
  }
  unknown <- setdiff(outcomes, available)
  if (length(unknown) || !length(outcomes)) {
    vcf_abort(c("{.arg outcomes} must name visit outcomes of the cohort.",
                x = if (length(unknown)) "Unknown: {show_values(unknown)}." else "None found.",
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

# Formatting helpers ------------------------------------------------------------

# Fixed decimals with a true minus sign (U+2212), as journals typeset them.
format_number <- function(x, digits) {
  out <- format_fixed(x, digits)
  out <- sub("^-", "\u2212", out)
  out[is.na(x)] <- ""
  out
}

variable_label_paired <- function(var) {
  labels <- c(height_pct = "Anterior vertebral body height, %",
              vas = "VAS for pain (0\u201310)", odi = "Oswestry disability index, %",
              bme_pct = "BME extent, %", analgesic = "Analgesic class (0\u20133)")
  if (var %in% names(labels)) labels[[var]] else var
}

unclass_table <- function(x) {
  attr(x, "values") <- NULL
  class(x) <- "data.frame"
  x
}

#' @export
as.data.frame.vcf_table <- function(x, ...) unclass_table(x)
