# The comparison-test engine: two-sample and paired t, Pearson chi-square
# (optionally with Yates' correction), Fisher's exact test for 2 x 2 tables
# and the Wilcoxon signed-rank and rank-sum tests, computed in C
# (src/compare.c) for many variables in one call, with the statistics and
# p-values of base R's t.test(), chisq.test(), fisher.test() and
# wilcox.test().
#
# Layers:
# - vcf_compare(): the user-facing data-frame interface.
# - compare_t2(), compare_paired_t(), compare_chisq(), compare_fisher(),
#   compare_ranksum(), compare_signrank(): internal wrappers on plain vectors
#   (or lists of them, one .Call for all), for the table functions.
# - compare_groups(): the group coding they share.

#' Compare variables between groups with the tests of a journal table
#'
#' Tests every variable of `data` between the groups given by column `by`,
#' one row per variable, with the statistics and p-values that base R's
#' [stats::t.test()], [stats::chisq.test()], [stats::fisher.test()] and
#' [stats::wilcox.test()] give on the same data (equal to 1e-10 relative;
#' the tests check this on thousands of random data sets). The arithmetic
#' runs in C, one pass per variable over the columns as they are, so that a
#' registry of a million patients is compared in milliseconds.
#'
#' @section Tests:
#' `tests` names a test per variable, as a named character vector or list
#' (`c(age = "welch", sex = "fisher")`); a single unnamed name applies to
#' every variable. Variables not named get the default: the pooled t-test
#' for numeric variables (the paired t-test when `paired_by` is given) and
#' Pearson's chi-square without correction for factors, characters and
#' logicals, as the PV study did.
#'
#' * `"t"`: Student's two-sample t-test with pooled variance,
#'   `t.test(var.equal = TRUE)`.
#' * `"welch"`: Welch's two-sample t-test, `t.test()`.
#' * `"paired_t"`: paired t-test of first minus second group, needs
#'   `paired_by`, `t.test(paired = TRUE)`.
#' * `"chisq"`: Pearson's chi-square test of the r x c table of variable by
#'   group, `chisq.test(correct = FALSE)`.
#' * `"yates"`: as `"chisq"` with Yates' continuity correction for 2 x 2
#'   tables, by `chisq.test()`'s rule (the correction is
#'   `min(0.5, abs(O - E))`); other tables get no correction, as in
#'   `chisq.test()`.
#' * `"fisher"`: Fisher's exact test of a 2 x 2 table, `fisher.test()`:
#'   two-sided p-value (tables no more probable than the observed one, with
#'   `fisher.test()`'s relative tolerance `1 + 1e-7`) and, in `estimate`,
#'   the conditional maximum likelihood odds ratio.
#' * `"signrank"`: Wilcoxon signed-rank test of first minus second group,
#'   needs `paired_by`.
#' * `"ranksum"`: Wilcoxon rank-sum (Mann-Whitney) test; the statistic W is
#'   that of the first group.
#'
#' The Wilcoxon tests follow `wilcox.test()` as it behaves in R 4.2 to 4.5
#' with its defaults (`exact = NULL`, `correct = TRUE`; the tests check them
#' against R 4.2.2): the exact distribution when there are fewer than 50
#' observations (signed rank: non-zero differences; rank sum: in each group)
#' and no ties (and, signed rank, no zero differences); otherwise the normal
#' approximation with tie and continuity corrections. Zero differences are
#' dropped before ranking. R 4.6.0 changed `wilcox.test()` to compute exact
#' conditional p-values in the presence of ties; this engine keeps the
#' normal approximation there, as R 4.2 to 4.5 do.
#'
#' Categorical tests treat a numeric variable as categorical (its distinct
#' values are the categories); numeric tests need a numeric variable.
#'
#' @section Missing values and degenerate data:
#' Rows whose `by` value is missing are dropped; missing values of each
#' variable are dropped for that variable only (for paired tests, a pair is
#' dropped when either value is missing; `paired_by` values present in only
#' one group have no pair and are dropped). Levels and groups that do not
#' occur among the remaining rows are dropped from a variable's table.
#'
#' A variable that the test cannot answer (all missing, observed in one
#' group only, a single observed level, data essentially constant, too few
#' observations for the test, all ranks tied, a table that is not 2 x 2 for
#' Fisher) gets `NA` for `statistic`, `df` and `p_value`, the reason in
#' `note`, and one warning of class `vcf_warning_no_answer` naming every such
#' variable. Infinite values, variables of unsupported types, numeric tests
#' on non-numeric variables, a `by` with fewer than two groups (or more than
#' two for a two-group test) and duplicated `paired_by` values within a group
#' are errors of class `vcf_error`.
#'
#' @param data A data frame (or tibble, data.table).
#' @param by Name of the column giving the groups. Its levels, in factor
#'   order (sorted values for character, numeric and logical columns), set
#'   the order of the groups: for paired tests the first is "before" and the
#'   differences are first minus second.
#' @param vars Names of the columns to test; `NULL` means every column other
#'   than `by` and `paired_by`.
#' @param tests Test per variable, see Tests; `NULL` for the defaults.
#' @param paired_by Name of the column that pairs rows for `"paired_t"` and
#'   `"signrank"`: the rows of the two `by` groups with the same value form a
#'   pair.
#' @return A data frame with one row per variable: `variable`, `test`,
#'   `statistic` (t, X-squared, V or W; `NA` for Fisher), `df` (`NA` for the
#'   exact and rank tests), `p_value` (two-sided), `n` (observations used;
#'   pairs for paired tests), `method` (base R's method string),
#'   `estimate` (difference in means, first minus second group, for t-tests;
#'   the conditional MLE odds ratio for Fisher; else `NA`) and `note` (why a
#'   test has no answer, or that a chi-square has expected counts below 5;
#'   else `NA`).
#' @examples
#' set.seed(1)
#' d <- data.frame(group = rep(c("PV", "BKP"), each = 20),
#'                 age = round(rnorm(40, 75, 8)),
#'                 sex = sample(c("female", "male"), 40, TRUE),
#'                 vas = sample(0:10, 40, TRUE))
#' vcf_compare(d, by = "group")
#' vcf_compare(d, by = "group", tests = c(age = "welch", sex = "fisher",
#'                                        vas = "ranksum"))
#'
#' # paired: the same patients before and after treatment
#' visits <- data.frame(patient = rep(1:15, 2),
#'                      visit = factor(rep(c("pre", "post"), each = 15),
#'                                     levels = c("pre", "post")),
#'                      vas = c(sample(5:9, 15, TRUE), sample(0:5, 15, TRUE)))
#' vcf_compare(visits, by = "visit", vars = "vas", paired_by = "patient",
#'             tests = c(vas = "signrank"))
#' @export
vcf_compare <- function(data, by, vars = NULL, tests = NULL, paired_by = NULL) {
  call <- rlang::current_env()
  if (!is.data.frame(data)) {
    vcf_abort(c("{.arg data} must be a data frame.",
                x = "It is {.cls {class(data)}}."), c("type", "argument"))
  }
  check_column(data, by, "by", call)
  if (!is.null(paired_by)) {
    check_column(data, paired_by, "paired_by", call)
    if (identical(paired_by, by)) {
      vcf_abort("{.arg paired_by} must differ from {.arg by}.", "argument")
    }
  }
  vars <- compare_vars(data, vars, c(by, paired_by), call)
  kinds <- vapply(vars, function(v) variable_kind(data[[v]], v, call), "")
  tests <- compare_tests(tests, vars, kinds, !is.null(paired_by), call)

  groups <- compare_groups(data[[by]])
  if (groups$k < 2L) {
    vcf_abort(c("{.arg by} must define at least 2 groups.",
                x = "Column {.field {by}} has {groups$k} group{?s} among its non-missing values{if (groups$k) paste0(': ', paste0('\"', groups$levels, '\"', collapse = ', ')) else ''}."),
              c("groups", "input"))
  }
  two_group <- tests %in% c("t", "welch", "paired_t", "fisher", "signrank", "ranksum")
  if (groups$k > 2L && any(two_group)) {
    bad <- unique(tests[two_group])
    vcf_abort(c("Test{?s} {.val {bad}} compare{?s/} two groups.",
                x = "Column {.field {by}} has {groups$k} groups: {.val {groups$levels}}.",
                i = "Use {.val chisq} for categorical variables, or subset {.arg data}."),
              c("groups", "input"))
  }
  paired <- tests %in% c("paired_t", "signrank")
  pairs <- NULL
  if (any(paired)) {
    if (is.null(paired_by)) {
      vcf_abort(c("Paired tests need {.arg paired_by}.",
                  x = "{.val {unique(tests[paired])}} requested for {.field {vars[paired]}}."),
                c("paired_by", "argument"))
    }
    pairs <- compare_pairs(data[[paired_by]], groups, paired_by, call)
  }

  rows <- vector("list", length(vars))
  for (test in unique(tests)) {
    which_vars <- which(tests == test)
    columns <- lapply(vars[which_vars], function(v) data[[v]])
    res <- switch(test,
      t = compare_t2(columns, groups, var_equal = TRUE),
      welch = compare_t2(columns, groups, var_equal = FALSE),
      paired_t = compare_paired_t(lapply(columns, `[`, pairs$first),
                                lapply(columns, `[`, pairs$second)),
      chisq = compare_chisq(columns, groups, correct = FALSE),
      yates = compare_chisq(columns, groups, correct = TRUE),
      fisher = compare_fisher(columns, groups),
      signrank = compare_signrank(lapply(columns, `[`, pairs$first),
                                lapply(columns, `[`, pairs$second)),
      ranksum = compare_ranksum(columns, groups))
    for (k in seq_along(which_vars)) rows[[which_vars[k]]] <- res[k, , drop = FALSE]
  }
  compare_result(vars, tests, rows, data, call)
}

# Argument checks of vcf_compare() ---------------------------------------------

check_column <- function(data, name, arg, call) {
  check_string(name, arg = arg, call = call)
  if (!name %in% names(data)) {
    vcf_abort(c("{.arg {arg}} must name a column of {.arg data}.",
                x = "There is no column {.val {name}}."),
              c("column", "argument"), call = call)
  }
}

compare_vars <- function(data, vars, reserved, call) {
  if (is.null(vars)) vars <- setdiff(names(data), reserved)
  if (!is.character(vars) || anyNA(vars)) {
    vcf_abort(c("{.arg vars} must be a character vector of column names.",
                x = "It is {.val {format_arg(vars)}}."),
              c("type", "argument"), call = call)
  }
  missing <- setdiff(vars, names(data))
  if (length(missing)) {
    vcf_abort(c("{.arg vars} must name columns of {.arg data}.",
                x = "There {?is/are} no column{?s} {.val {missing}}."),
              c("column", "argument"), call = call)
  }
  clash <- intersect(vars, reserved)
  if (length(clash)) {
    vcf_abort(c("{.arg vars} must not include the {.arg by} or {.arg paired_by} column.",
                x = "It includes {.val {clash}}."), "argument", call = call)
  }
  if (anyDuplicated(vars)) {
    vcf_abort(c("{.arg vars} must not repeat a column.",
                x = "{.val {unique(vars[duplicated(vars)])}} repeated."),
              "argument", call = call)
  }
  if (!length(vars)) {
    vcf_abort("There is no variable to compare.", "argument", call = call)
  }
  vars
}

# "numeric" or "categorical"; anything else is an error.
variable_kind <- function(x, name, call) {
  if (is.factor(x) || is.character(x) || is.logical(x)) return("categorical")
  if (is.numeric(x) && is.null(attr(x, "class"))) return("numeric")
  vcf_abort(c("Column {.field {name}} must be numeric, factor, character or logical.",
              x = "It is {.cls {class(x)}}."), c("type", "input"), call = call)
}

compare_names <- c("t", "welch", "paired_t", "chisq", "yates", "fisher",
                 "signrank", "ranksum")
numeric_tests <- c("t", "welch", "paired_t", "signrank", "ranksum")

compare_tests <- function(tests, vars, kinds, paired, call) {
  default <- ifelse(kinds == "numeric", if (paired) "paired_t" else "t", "chisq")
  names(default) <- vars
  if (is.null(tests)) return(default)
  if (is.list(tests)) {
    ok <- vapply(tests, function(t) is.character(t) && length(t) == 1L, TRUE)
    if (!all(ok)) {
      vcf_abort("Every element of {.arg tests} must be a single test name.",
                c("type", "argument"), call = call)
    }
    tests <- unlist(tests)
  }
  if (!is.character(tests) || anyNA(tests)) {
    vcf_abort(c("{.arg tests} must be a named character vector of test names.",
                x = "It is {.val {format_arg(tests)}}."),
              c("type", "argument"), call = call)
  }
  unknown <- setdiff(tests, compare_names)
  if (length(unknown)) {
    vcf_abort(c("{.arg tests} must name tests among {.val {compare_names}}.",
                x = "Unknown: {.val {unknown}}."), c("test", "argument"),
              call = call)
  }
  if (is.null(names(tests)) && length(tests) == 1L) {
    tests <- stats::setNames(rep(tests, length(vars)), vars)
  }
  nm <- names(tests)
  if (is.null(nm) || any(is.na(nm) | nm == "")) {
    vcf_abort("{.arg tests} must be named by variable (or be a single test name).",
              "argument", call = call)
  }
  stray <- setdiff(nm, vars)
  if (length(stray)) {
    vcf_abort(c("{.arg tests} names variables that are not compared.",
                x = "Not in {.arg vars}: {.val {stray}}."), c("column", "argument"),
              call = call)
  }
  if (anyDuplicated(nm)) {
    vcf_abort("{.arg tests} names {.val {unique(nm[duplicated(nm)])}} twice.",
              "argument", call = call)
  }
  default[nm] <- tests
  bad <- default %in% numeric_tests & kinds != "numeric"
  if (any(bad)) {
    v <- vars[bad]
    vcf_abort(c("A numeric test needs a numeric variable.",
                x = "{.field {v}} {?is/are} not numeric but get{?s/} {.val {default[bad]}}.",
                i = "Use {.val chisq}, {.val yates} or {.val fisher} for categorical variables."),
              c("type", "input"), call = call)
  }
  default
}

# The rows of the two groups paired by `ids`: first[i] and second[i] are the
# rows of pair i (in the order of the first group's rows).
compare_pairs <- function(ids, groups, paired_by, call) {
  grp <- as.integer(groups$bytes)
  first <- which(grp == 0L & !is.na(ids))
  second <- which(grp == 1L & !is.na(ids))
  for (rows in list(first, second)) {
    dup <- duplicated(ids[rows]) | duplicated(ids[rows], fromLast = TRUE)
    if (any(dup)) {
      vcf_abort(c("{.arg paired_by} must identify one row per group.",
                  x = "Column {.field {paired_by}} repeats values within a group at {describe_rows(rows[dup], ids[rows][dup])}."),
                c("duplicate_key", "input"), call = call)
    }
  }
  m <- match(ids[first], ids[second])
  keep <- !is.na(m)
  if (!any(keep)) {
    vcf_abort(c("No pairs: no value of {.field {paired_by}} occurs in both groups.",
                i = "Groups {.val {groups$levels}}."), c("pairs", "input"),
              call = call)
  }
  list(first = first[keep], second = second[m[keep]])
}

# The result data frame; raises the error for infinite values and the
# warning for tests without an answer.
compare_result <- function(vars, tests, rows, data, call) {
  get <- function(col, type = NA_real_) {
    vapply(rows, function(r) if (col %in% names(r)) r[[col]] else type, type)
  }
  status <- get("status", NA_integer_)
  nonfinite <- which(status == status_code("nonfinite"))
  if (length(nonfinite)) {
    v <- vars[nonfinite[1L]]
    bad <- which(is.infinite(data[[v]]))
    vcf_abort(c("Every value of a numeric variable must be finite or NA.",
                x = "Column {.field {v}} is infinite at {describe_rows(bad, data[[v]][bad])}."),
              c("value", "input"), call = call)
  }
  out <- data.frame(variable = vars, test = unname(tests),
                    statistic = get("statistic"), df = get("df"),
                    p_value = get("p_value"), n = get("n"),
                    method = get("method", NA_character_),
                    estimate = get("estimate"),
                    note = get("note", NA_character_),
                    stringsAsFactors = FALSE)
  none <- which(status != status_code("ok"))
  if (length(none)) {
    lines <- paste0(vars[none], " (", tests[none], "): ", out$note[none])
    names(lines) <- rep("*", length(lines))
    vcf_warn(c("{length(none)} test{?s} ha{?s/ve} no answer and give{?s/} NA.",
               lines), "no_answer")
  }
  out
}

# Internal wrappers on plain vectors --------------------------------------------
#
# Each takes one vector or a list of vectors (then all are tested in one .Call)
# and returns a data frame with one row per vector: `statistic`, `df`,
# `p_value`, `n`, `estimate`, `method`, `status` (a code of VCF_STATUS_LIST in
# src/vcf.h, see R/status.R) and `note` (the reason when not "ok"; expected counts below
# 5 for chi-square), plus test-specific columns listed at each function.
# Missing values are dropped per vector. They raise errors only for malformed
# arguments; data without an answer give a status. Infinite values give
# status "nonfinite" rather than an error.

#' Group coding shared by the compare wrappers
#'
#' @param g A factor, or a vector turned into one by `factor()` (so
#'   character groups sort alphabetically). Or an `compare_groups` object,
#'   returned as is.
#' @return An `compare_groups` list: `codes` (the factor), `levels` and
#'   `counts` of the groups that occur, `k` their number, `n` the number of
#'   rows, and `bytes` (a raw vector: each row's group 0..k-1, 255 for
#'   none) for the C routines. Rows with a missing `g` belong to no group.
#'   Build it once and pass it to several wrappers to skip the pass over `g`.
#' @noRd
compare_groups <- function(g) {
  if (inherits(g, "compare_groups")) return(g)
  codes <- if (is.factor(g)) g else factor(g)
  res <- .Call(C_compare_groups, codes, nlevels(codes))
  observed <- which(res[[1L]] > 0)
  structure(list(codes = codes, levels = levels(codes)[observed],
                 counts = res[[1L]][observed], k = length(observed),
                 bytes = res[[2L]], n = length(codes)),
            class = "compare_groups")
}

# The bytes of the groups for the C routines; more than 254 groups that occur
# are beyond them.
group_bytes <- function(groups, call) {
  if (is.null(groups$bytes)) {
    vcf_abort(c("Too many groups: at most 254 are supported.",
                x = "There are {groups$k}."), c("groups", "input"), call = call)
  }
  groups$bytes
}

compare_frame <- function(res, method) {
  out <- as.data.frame(res)
  out$status <- as.integer(out$status)
  out$method <- method
  ok <- out$status == status_code("ok")
  out$note <- ifelse(ok, NA_character_, status_note(out$status))
  nas <- !ok
  out[nas, intersect(c("statistic", "df", "p_value"), names(out))] <- NA_real_
  out
}

as_list_of <- function(x) if (is.list(x) && !is.data.frame(x)) x else list(x)

two_groups <- function(g, n, call) {
  groups <- compare_groups(g)
  if (groups$n != n) {
    vcf_abort("{.arg g} must have one value per observation ({n}), not {groups$n}.",
              c("length", "argument"), call = call)
  }
  if (groups$k != 2L) {
    vcf_abort(c("{.arg g} must define exactly 2 groups.",
                x = "It has {groups$k}{if (groups$k) paste0(': ', paste(groups$levels, collapse = ', '))}."),
              c("groups", "input"), call = call)
  }
  groups
}

check_numeric_list <- function(X, call) {
  ok <- vapply(X, function(x) is.numeric(x) && !is.factor(x), TRUE)
  if (!all(ok)) {
    vcf_abort("Every variable must be numeric (element{?s} {which(!ok)} {?is/are} not).",
              c("type", "input"), call = call)
  }
}

#' Two-sample t-tests of one or many numeric variables
#'
#' `t.test(x[g == first], x[g == second], var.equal = var_equal)` for each
#' variable. Extra columns: `n1`, `n2`, `mean1`, `mean2`, `sd1`, `sd2`;
#' `estimate` is `mean1 - mean2`.
#' @param x A numeric vector or a list of them, each as long as `g`.
#' @param g Groups (see `compare_groups()`): exactly two must occur.
#' @noRd
compare_t2 <- function(x, g, var_equal = TRUE) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  check_numeric_list(X, call)
  groups <- two_groups(g, length(X[[1L]]), call)
  res <- .Call(C_compare_ttest2, X, group_bytes(groups, call), isTRUE(var_equal))
  compare_frame(res, if (isTRUE(var_equal)) "Two Sample t-test" else
    "Welch Two Sample t-test")
}

#' Paired t-tests: t.test(x, y, paired = TRUE) for each pair of vectors
#' (complete pairs). Extra columns `mean_diff`, `sd_diff`; `estimate` is the
#' mean difference x - y.
#' @noRd
compare_paired_t <- function(x, y) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  Y <- as_list_of(y)
  check_numeric_list(c(X, Y), call)
  check_same_lengths(X, Y, call)
  compare_frame(.Call(C_compare_paired, X, Y), "Paired t-test")
}

check_same_lengths <- function(X, Y, call) {
  if (length(X) != length(Y) || any(lengths(X) != lengths(Y))) {
    vcf_abort("{.arg x} and {.arg y} must pair up: same number of vectors of the same lengths.",
              c("length", "argument"), call = call)
  }
}

# Factor codes (or the logical itself) and number of levels of a categorical
# variable; numeric and character vectors go through factor().
categorical_codes <- function(x) {
  if (!is.factor(x) && !is.logical(x)) x <- factor(x)
  if (is.logical(x)) return(list(codes = x, levels = c("FALSE", "TRUE")))
  list(codes = x, levels = levels(x))
}

compare_tables <- function(X, groups, correct, fisher, call) {
  cats <- lapply(X, categorical_codes)
  codes <- lapply(cats, `[[`, "codes")
  nlev <- vapply(cats, function(c) max(1L, length(c$levels)), 1L)
  bytes <- group_bytes(groups, call)
  out <- if (fisher) {
    .Call(C_compare_fisher, codes, nlev, bytes, TRUE)
  } else {
    .Call(C_compare_chisq, codes, nlev, bytes, groups$k, isTRUE(correct))
  }
  tables <- lapply(seq_along(cats), function(j) {
    t <- out[[2L]][[j]]
    if (is.null(t)) return(NULL)
    dimnames(t) <- list(c(cats[[j]]$levels, "")[seq_len(nrow(t))], groups$levels)
    t
  })
  list(res = out[[1L]], tables = tables)
}

#' Pearson chi-square tests of one or many categorical variables by group
#'
#' `chisq.test(x, g, correct = correct)` for each variable (r x c; levels
#' and groups that do not occur are dropped). Extra columns: `yates` (the
#' continuity correction applied, 0 if none) and `min_expected`; `note`
#' flags expected counts below 5. Attribute `tables`: the count table of
#' each variable (all its levels x the groups that occur), for the table
#' functions.
#' @param x A factor, character, logical or numeric vector, or a list.
#' @param g Groups (see `compare_groups()`), any number.
#' @noRd
compare_chisq <- function(x, g, correct = FALSE) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  groups <- compare_groups(g)
  check_group_length(groups, X, call)
  out <- compare_tables(X, groups, correct, fisher = FALSE, call = call)
  res <- compare_frame(out$res, "Pearson's Chi-squared test")
  yates <- !is.na(res$yates) & res$yates > 0
  res$method[yates] <- "Pearson's Chi-squared test with Yates' continuity correction"
  low <- res$status == status_code("ok") & res$min_expected < 5
  res$note[low] <- "expected counts below 5: the chi-square approximation may be incorrect"
  res$estimate <- NA_real_
  attr(res, "tables") <- out$tables
  res
}

check_group_length <- function(groups, X, call) {
  n <- groups$n
  bad <- which(lengths(X) != n)
  if (length(bad)) {
    vcf_abort("Every variable must have one value per observation ({n}); element{?s} {bad} do{?es/} not.",
              c("length", "argument"), call = call)
  }
}

#' Fisher's exact tests of 2 x 2 tables: `fisher.test(x, g)` for each
#' variable with two observed levels; `estimate` is the conditional MLE odds
#' ratio (first level, first group). Attribute `tables` as compare_chisq().
#' @noRd
compare_fisher <- function(x, g) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  groups <- two_groups(g, length(X[[1L]]), call)
  check_group_length(groups, X, call)
  out <- compare_tables(X, groups, FALSE, fisher = TRUE, call = call)
  res <- compare_frame(out$res, "Fisher's Exact Test for Count Data")
  res$estimate[res$status != status_code("ok")] <- NA_real_
  attr(res, "tables") <- out$tables
  res
}

wilcox_method <- function(res, what) {
  ifelse(!is.na(res$exact) & res$exact == 1,
         paste("Wilcoxon", what, "exact test"),
         paste("Wilcoxon", what, "test with continuity correction"))
}

#' Wilcoxon rank-sum tests: `wilcox.test(x[g == first], x[g == second])` for
#' each variable (W of the first group). Extra columns `n1`, `n2`, `exact`.
#' @noRd
compare_ranksum <- function(x, g) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  check_numeric_list(X, call)
  groups <- two_groups(g, length(X[[1L]]), call)
  check_group_length(groups, X, call)
  res <- compare_frame(.Call(C_compare_ranksum, X, group_bytes(groups, call)), "")
  res$method <- wilcox_method(res, "rank sum")
  res$estimate <- NA_real_
  res
}

#' Wilcoxon signed-rank tests: `wilcox.test(x, y, paired = TRUE)` for each
#' pair of vectors. `n` counts complete pairs, `n1` the non-zero
#' differences; extra column `exact`.
#' @noRd
compare_signrank <- function(x, y) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  Y <- as_list_of(y)
  check_numeric_list(c(X, Y), call)
  check_same_lengths(X, Y, call)
  res <- compare_frame(.Call(C_compare_signrank, X, Y), "")
  res$method <- wilcox_method(res, "signed rank")
  res$estimate <- NA_real_
  res
}

#' Clopper-Pearson (exact binomial) confidence intervals
#'
#' The interval `binom.test(k, n, conf.level = level)$conf.int` gives, from
#' GSL's beta quantiles in C, for vectors `k` and `n` (and `level` of length
#' 1 or as long).
#' @return A matrix with one row per element and columns `low`, `high`
#'   (for one k and n, `ci[1]` and `ci[2]` are the bounds).
#' @noRd
clopper_pearson <- function(k, n, level = 0.95) {
  call <- rlang::caller_env()
  for (arg in c("k", "n", "level")) {
    v <- get(arg)
    if (!is.numeric(v) || is.factor(v)) {
      vcf_abort(c("{.arg {arg}} must be numeric.", x = "It is {.cls {class(v)}}."),
                c("type", "argument"), call = call)
    }
  }
  if (length(k) != length(n) || !length(level) %in% c(1L, length(k))) {
    vcf_abort(c("{.arg k} and {.arg n} must have one length, {.arg level} that length or 1.",
                x = "Lengths {length(k)}, {length(n)} and {length(level)}."),
              c("length", "argument"), call = call)
  }
  ok <- !is.na(k) & !is.na(n)
  bad <- which(ok & !(n >= 1 & k >= 0 & k <= n & k == round(k) & n == round(n) &
                      is.finite(n)))
  if (length(bad)) {
    vcf_abort(c("{.arg k} and {.arg n} must be whole numbers with 0 <= k <= n and n >= 1.",
                x = "Not so at {describe_rows(bad, paste0(k[bad], '/', n[bad]))}."),
              c("value", "argument"), call = call)
  }
  if (anyNA(level) || any(level <= 0 | level >= 1)) {
    vcf_abort(c("{.arg level} must be between 0 and 1.", x = "It is {.val {level}}."),
              c("value", "argument"), call = call)
  }
  out <- .Call(C_compare_clopper_pearson, as.double(k), as.double(n), as.double(level))
  colnames(out) <- c("low", "high")
  out
}
