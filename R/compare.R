# The comparison-test engine: one- and two-sample, paired t (pooled and
# Welch), Pearson chi-square for r x c tables (optionally with Yates'
# correction) and for given probabilities, Fisher's exact test (2 x 2 with
# odds ratio and interval; r x c by the network algorithm) and the Wilcoxon
# signed-rank and rank-sum tests with Hodges-Lehmann estimates and
# intervals, computed in C (src/compare.c) for many variables in one call,
# with the numbers of base R's t.test(), chisq.test(), fisher.test() and
# wilcox.test().
#
# Layers:
# - vcf_compare(): the user-facing data-frame interface.
# - compare_t2(), compare_paired_t(), compare_chisq(), compare_gof(),
#   compare_fisher(), compare_ranksum(), compare_signrank(): internal
#   wrappers on plain vectors (or lists of them, one .Call for all), for the
#   table functions.
# - compare_groups(): the group coding they share; compare_opts(): the
#   options of base R's tests as the C routines take them.

#' Compare variables between groups with the tests of a journal table
#'
#' Tests every variable of `data` between the groups given by column `by`
#' (or, with `by = NULL`, against a null value), one row per variable, with
#' the statistics, p-values, estimates and confidence intervals that base
#' R's [stats::t.test()], [stats::chisq.test()], [stats::fisher.test()] and
#' [stats::wilcox.test()] give on the same data (equal to 1e-10 relative;
#' the tests check this on thousands of random data sets and on every case
#' of R's own regression tests and help pages that the interface can
#' express). The arithmetic runs in C, one pass per variable over the
#' columns as they are, so that a registry of a million patients is
#' compared in milliseconds.
#'
#' @section Tests:
#' `tests` names a test per variable, as a named character vector or list
#' (`c(age = "welch", sex = "fisher")`); a single unnamed name applies to
#' every variable. Variables not named get the default: the pooled t-test
#' for numeric variables (the paired t-test when `paired_by` is given, the
#' one-sample t-test when `by = NULL`) and Pearson's chi-square without
#' correction for factors, characters and logicals (the goodness-of-fit
#' test when `by = NULL`), as the PV study did.
#'
#' * `"t"`: Student's two-sample t-test with pooled variance,
#'   `t.test(var.equal = TRUE)`; with `by = NULL` the one-sample t-test of
#'   `mu`, `t.test(x, mu = mu)`.
#' * `"welch"`: Welch's two-sample t-test, `t.test()`.
#' * `"paired_t"`: paired t-test of first minus second group, needs
#'   `paired_by`, `t.test(paired = TRUE)`.
#' * `"chisq"`: Pearson's chi-square test of the r x c table of variable by
#'   group, `chisq.test(correct = FALSE)`; with `by = NULL` the test of the
#'   counts of the variable's levels against the probabilities `p`,
#'   `chisq.test(table(x), p = p, rescale.p = rescale.p)`.
#' * `"yates"`: as `"chisq"` with Yates' continuity correction for 2 x 2
#'   tables, by `chisq.test()`'s rule (the correction is
#'   `min(0.5, abs(O - E))`); other tables get no correction, as in
#'   `chisq.test()`.
#' * `"fisher"`: Fisher's exact test, `fisher.test()`. For a 2 x 2 table the
#'   p-value under `alternative` at the null odds ratio `or`, the
#'   conditional maximum likelihood odds ratio in `estimate` and its
#'   interval; for larger tables the exact p-value by the network algorithm
#'   (tables no more probable than the observed one, with FEXACT's
#'   tolerance), and a classed "no answer" when the table is too large for
#'   it.
#' * `"signrank"`: Wilcoxon signed-rank test of first minus second group
#'   (needs `paired_by`), or with `by = NULL` of the values against `mu`.
#' * `"ranksum"`: Wilcoxon rank-sum (Mann-Whitney) test; the statistic W is
#'   that of the first group.
#'
#' The Wilcoxon tests follow `wilcox.test()` as it behaves in R 4.2 to 4.5
#' (the tests check them against R 4.2.2): with `exact = NULL`, the exact
#' distribution when there are fewer than 50 observations (signed rank:
#' non-zero differences; rank sum: in each group) and no ties (and, signed
#' rank, no zero differences); otherwise the normal approximation with tie
#' and (with `correct = TRUE`) continuity corrections. Zero differences are
#' dropped before ranking. Infinite values are ranked as `wilcox.test()`
#' ranks them (largest or smallest, equal infinities tied); the estimate
#' and interval are then `NA`. With `conf.int = TRUE` the Hodges-Lehmann
#' estimate (the (pseudo)median or difference in location) and its exact
#' or asymptotic interval are given as `wilcox.test(conf.int = TRUE)`
#' computes them. R 4.6.0 changed `wilcox.test()` to compute exact
#' conditional p-values in the presence of ties; this engine keeps the
#' normal approximation there, as R 4.2 to 4.5 do. An exact distribution
#' requested with `exact = TRUE` for samples beyond what it can tabulate
#' (rank sum: n1 n2 > 12000; signed rank: n > 5000) gives no answer.
#'
#' Categorical tests treat a numeric variable as categorical (its distinct
#' values are the categories); numeric tests need a numeric variable.
#'
#' @section Simulated p-values:
#' With `simulate.p.value = TRUE` the chi-square tests (`"chisq"`,
#' `"yates"`, goodness of fit) and Fisher's test of tables larger than
#' 2 x 2 get the Monte Carlo p-value of `chisq.test()` and `fisher.test()`
#' with `simulate.p.value = TRUE, B = B`: `(1 + number of B random tables
#' at least as extreme) / (B + 1)`. The random tables are drawn as base R
#' draws them (Patefield's algorithm from stats for tables with the
#' observed margins, `sample.int()` with `prob = p` for goodness of fit)
#' from R's random number generator, so `set.seed()` before the call gives
#' the p-values base R gives after the same `set.seed()` (variables are
#' drawn in turn: all those of one test, in the order of `vars`, then the
#' next test's). `df` is then `NA`, the continuity correction is not
#' applied and the note on small expected counts is not given, as in base
#' R. The tables are those without empty rows and columns (as
#' `chisq.test(x, g)` and `fisher.test(x, g)` tabulate factors without
#' unused levels); a 2 x 2 table keeps Fisher's exact test, its odds ratio
#' and interval, as in `fisher.test()`.
#'
#' @section Missing values and degenerate data:
#' Rows whose `by` value is missing are dropped; missing values of each
#' variable are dropped for that variable only (for paired tests, a pair is
#' dropped when either value is missing; `paired_by` values present in only
#' one group have no pair and are dropped). Levels and groups that do not
#' occur among the remaining rows are dropped from a variable's table
#' (the goodness-of-fit test keeps every level of a factor, and both
#' values of a logical, since `p` is given per level).
#'
#' A variable that the test cannot answer (all missing, observed in one
#' group only, a single observed level, data essentially constant, too few
#' observations for the test, all ranks tied, a table too large for the
#' exact test) gets `NA` for `statistic`, `df` and `p_value`, the reason in
#' `note`, and one warning of class `vcf_warning_no_answer` naming every such
#' variable. Infinite values in a t-test, variables of unsupported types,
#' numeric tests on non-numeric variables, a `by` with fewer than two
#' groups (or more than two for a two-group test), duplicated `paired_by`
#' values within a group and every malformed argument are errors of class
#' `vcf_error`.
#'
#' @param data A data frame (or tibble, data.table).
#' @param by Name of the column giving the groups, or `NULL` for one-sample
#'   tests. Its levels, in factor order (sorted values for character,
#'   numeric and logical columns), set the order of the groups: for paired
#'   tests the first is "before" and the differences are first minus
#'   second.
#' @param vars Names of the columns to test; `NULL` means every column other
#'   than `by` and `paired_by`.
#' @param tests Test per variable, see Tests; `NULL` for the defaults.
#' @param paired_by Name of the column that pairs rows for `"paired_t"` and
#'   `"signrank"`: the rows of the two `by` groups with the same value form a
#'   pair.
#' @param alternative `"two.sided"`, `"less"` or `"greater"`, as in base R:
#'   for t and Wilcoxon tests the first group's location (or the one sample,
#'   or the differences) against `mu`; for Fisher's 2 x 2 test the odds
#'   ratio against `or`. Chi-square tests and Fisher's r x c test have no
#'   direction.
#' @param mu The null value of the mean (difference) or location (shift) for
#'   t and Wilcoxon tests.
#' @param conf.level Confidence level of the intervals.
#' @param exact `NULL` (base R's rule, see Tests), `TRUE` or `FALSE`: the
#'   exact distribution of the Wilcoxon statistics.
#' @param correct Continuity correction of the Wilcoxon normal
#'   approximation (chi-square: choose `"yates"` or `"chisq"`).
#' @param conf.int Whether to compute the Wilcoxon and Fisher estimates and
#'   intervals (t-tests always have them).
#' @param or The null odds ratio of Fisher's 2 x 2 test.
#' @param p,rescale.p Probabilities of the levels for the goodness-of-fit
#'   test (`by = NULL`, `"chisq"`): a numeric vector used for every such
#'   variable or a list named by variable; `NULL` means equal
#'   probabilities. They must sum to 1 unless `rescale.p = TRUE`.
#' @param digits.rank The Wilcoxon tests rank `signif(x, digits.rank)`
#'   rather than `x` when it is finite, as `wilcox.test(digits.rank = )`
#'   (R 4.0 and later): values equal to that many significant digits tie.
#'   The statistic, its ties and the asymptotic interval's ranks use the
#'   rounded values; the estimate and the exact interval use `x`.
#' @param simulate.p.value Whether chi-square tests and Fisher's test of
#'   tables larger than 2 x 2 use Monte Carlo p-values, see Simulated
#'   p-values.
#' @param B The number of random tables for `simulate.p.value`, a whole
#'   number from 1 to 1e7 (a work limit: 1e7 tables take tens of seconds).
#' @return A data frame with one row per variable: `variable`, `test`,
#'   `statistic` (t, X-squared, V or W; `NA` for Fisher), `df` (`NA` for the
#'   exact and rank tests), `p_value` (under `alternative`), `n`
#'   (observations used; pairs for paired tests), `method` (base R's method
#'   string), `estimate` (difference in means, first minus second group, the
#'   mean or mean difference for one-sample and paired t-tests; the
#'   Hodges-Lehmann estimate for Wilcoxon tests; the conditional MLE odds
#'   ratio for Fisher 2 x 2; else `NA`), `ci_low` and `ci_high` (its
#'   interval at `conf.level`), `alternative` (`NA` for tests without a
#'   direction) and `note` (why a test has no answer, or that a chi-square
#'   has expected counts below 5; else `NA`).
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
#'             tests = c(vas = "signrank"), alternative = "greater")
#'
#' # one sample: mean age against 70, sexes against 2:1
#' vcf_compare(d, vars = c("age", "sex"), mu = 70, p = c(2, 1) / 3)
#'
#' # Monte Carlo p-values, as chisq.test(simulate.p.value = TRUE) after set.seed()
#' set.seed(2)
#' vcf_compare(d, by = "group", vars = "vas", tests = "chisq",
#'             simulate.p.value = TRUE, B = 999)
#' @export
vcf_compare <- function(data, by = NULL, vars = NULL, tests = NULL,
                        paired_by = NULL,
                        alternative = c("two.sided", "less", "greater"),
                        mu = 0, conf.level = 0.95, exact = NULL, correct = TRUE,
                        conf.int = TRUE, or = 1, p = NULL, rescale.p = FALSE,
                        simulate.p.value = FALSE, B = 2000, digits.rank = Inf) {
  call <- rlang::current_env()
  if (!is.data.frame(data)) {
    vcf_abort(c("{.arg data} must be a data frame.",
                x = "It is {.cls {class(data)}}."), c("type", "argument"))
  }
  opts <- compare_opts(alternative, mu, conf.level, exact, correct, conf.int,
                       call = call, digits.rank = digits.rank)
  fisher_opts <- compare_opts(alternative, or, conf.level, exact, correct,
                              conf.int, arg_mu = "or", call = call)
  check_flag(rescale.p, call = call)
  sim_B <- compare_sim_B(simulate.p.value, B, call)
  if (!is.null(by)) check_column(data, by, "by", call)
  if (!is.null(paired_by)) {
    if (is.null(by)) {
      vcf_abort("{.arg paired_by} needs {.arg by}: the groups whose rows it pairs.",
                c("paired_by", "argument"))
    }
    check_column(data, paired_by, "paired_by", call)
    if (identical(paired_by, by)) {
      vcf_abort("{.arg paired_by} must differ from {.arg by}.", "argument")
    }
  }
  vars <- compare_vars(data, vars, c(by, paired_by), call)
  kinds <- vapply(vars, function(v) variable_kind(data[[v]], v, call), "")
  tests <- compare_tests(tests, vars, kinds, !is.null(paired_by), is.null(by), call)
  if (is.null(by)) {
    probs <- compare_probs(p, vars[tests == "chisq"], call)
    return(compare_one_sample(data, vars, tests, opts, probs, rescale.p, call, sim_B))
  }
  if (!is.null(p)) {
    vcf_abort(c("{.arg p} is for the goodness-of-fit test, with {.arg by} = NULL.",
                x = "{.arg by} is {.val {by}}."), "argument")
  }

  groups <- compare_groups(data[[by]])
  if (groups$k < 2L) {
    vcf_abort(c("{.arg by} must define at least 2 groups.",
                x = "Column {.field {by}} has {groups$k} group{?s} among its non-missing values{if (groups$k) paste0(': ', paste0('\"', groups$levels, '\"', collapse = ', ')) else ''}."),
              c("groups", "input"))
  }
  two_group <- tests %in% c("t", "welch", "paired_t", "signrank", "ranksum")
  if (groups$k > 2L && any(two_group)) {
    bad <- unique(tests[two_group])
    vcf_abort(c("Test{?s} {.val {bad}} compare{?s/} two groups.",
                x = "Column {.field {by}} has {groups$k} groups: {.val {groups$levels}}.",
                i = "Use {.val chisq} or {.val fisher} for categorical variables, or subset {.arg data}."),
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
      t = compare_t2(columns, groups, var_equal = TRUE, opts = opts),
      welch = compare_t2(columns, groups, var_equal = FALSE, opts = opts),
      paired_t = compare_paired_t(lapply(columns, `[`, pairs$first),
                                  lapply(columns, `[`, pairs$second), opts),
      chisq = compare_chisq(columns, groups, correct = FALSE, B = sim_B),
      yates = compare_chisq(columns, groups, correct = TRUE, B = sim_B),
      fisher = compare_fisher(columns, groups, fisher_opts, B = sim_B),
      signrank = compare_signrank(lapply(columns, `[`, pairs$first),
                                  lapply(columns, `[`, pairs$second), opts),
      ranksum = compare_ranksum(columns, groups, opts))
    for (k in seq_along(which_vars)) rows[[which_vars[k]]] <- res[k, , drop = FALSE]
  }
  compare_result(vars, tests, rows, data, call)
}

# One-sample tests (by = NULL): t and signed rank against mu, chi-square
# goodness of fit against p.
compare_one_sample <- function(data, vars, tests, opts, probs, rescale_p, call,
                               sim_B = NULL) {
  rows <- vector("list", length(vars))
  for (test in unique(tests)) {
    which_vars <- which(tests == test)
    columns <- lapply(vars[which_vars], function(v) data[[v]])
    res <- switch(test,
      t = compare_paired_t(columns, NULL, opts),
      signrank = compare_signrank(columns, NULL, opts),
      chisq = compare_gof(columns, probs[vars[which_vars]], rescale_p, call, B = sim_B))
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

one_sample_tests <- c("t", "signrank", "chisq")

compare_tests <- function(tests, vars, kinds, paired, one_sample, call) {
  numeric_default <- if (paired) "paired_t" else "t"
  default <- ifelse(kinds == "numeric", numeric_default, "chisq")
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
                x = "Unknown: {show_values(unknown)}."), c("test", "argument"),
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
  if (one_sample && any(!default %in% one_sample_tests)) {
    bad <- unique(default[!default %in% one_sample_tests])
    vcf_abort(c("With {.arg by} = NULL the tests are one-sample: {.val {one_sample_tests}}.",
                x = "{.val {bad}} compare{?s/} groups."), c("test", "argument"),
              call = call)
  }
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

# The options of base R's tests as the C routines take them (see opts_of()
# in src/compare.c), each checked with a classed error naming it.
alternatives <- c("two.sided", "less", "greater")

compare_opts <- function(alternative = "two.sided", mu = 0, conf.level = 0.95,
                         exact = NULL, correct = TRUE, conf.int = TRUE,
                         arg_mu = "mu", call = rlang::caller_env(),
                         digits.rank = Inf) {
  if (identical(alternative, alternatives)) alternative <- alternatives[1L]
  check_string(alternative, "alternative", choices = alternatives, call = call)
  if (arg_mu == "or") {
    check_number(mu, arg_mu, min = 0, call = call)
  } else {
    check_number(mu, arg_mu, min = -Inf, max = Inf, call = call)
    if (!is.finite(mu)) {
      vcf_abort(c("{.arg {arg_mu}} must be a finite number.", x = "It is {.val {mu}}."),
                "argument", call = call)
    }
  }
  check_number(conf.level, "conf.level", min = 0, max = 1, call = call)
  if (conf.level <= 0 || conf.level >= 1) {
    vcf_abort(c("{.arg conf.level} must be strictly between 0 and 1.",
                x = "It is {.val {conf.level}}."), "argument", call = call)
  }
  if (!is.null(exact)) check_flag(exact, "exact", call = call)
  check_flag(correct, "correct", call = call)
  check_flag(conf.int, "conf.int", call = call)
  check_number(digits.rank, "digits.rank", call = call)
  c(match(alternative, alternatives) - 1, mu, conf.level,
    if (is.null(exact)) NA_real_ else as.numeric(exact), as.numeric(correct),
    as.numeric(conf.int), as.numeric(digits.rank))
}

# B when simulate.p.value is TRUE (as given: base R prints it in the method),
# else NULL. B is a whole number of draws, at least 1, at most 1e7: a work
# limit (as for the wild bootstrap) that src/compare.c enforces too.
compare_sim_B <- function(simulate, B, call) {
  check_flag(simulate, "simulate.p.value", call = call)
  if (!simulate) return(NULL)
  max_B <- 1e7
  if (!is.numeric(B) || is.factor(B) || length(B) != 1L || is.na(B) ||
      !is.finite(B) || B < 1 || B > max_B || B != round(B)) {
    shown_max <- format(max_B, big.mark = ",", scientific = FALSE)
    vcf_abort(c("{.arg B} must be a whole number of replicates in [1, {shown_max}].",
                x = "It is {.val {format_arg(B)}}."), c("replicates", "argument"),
              call = call)
  }
  B
}

# The goodness-of-fit probabilities per variable: a list named by `vars`
# (NULL elements for equal probabilities).
compare_probs <- function(p, vars, call) {
  if (is.null(p)) return(stats::setNames(vector("list", length(vars)), vars))
  if (is.list(p)) {
    stray <- setdiff(names(p), vars)
    if (is.null(names(p)) || any(names(p) == "") || length(stray)) {
      vcf_abort(c("A list {.arg p} must be named by the variables of the goodness-of-fit tests.",
                  x = "Names: {.val {format_arg(names(p))}}; tested: {.val {vars}}."),
                "argument", call = call)
    }
    out <- stats::setNames(vector("list", length(vars)), vars)
    out[names(p)] <- p
  } else {
    out <- stats::setNames(rep(list(p), length(vars)), vars)
  }
  for (v in names(out)) {
    pv <- out[[v]]
    if (is.null(pv)) next
    if (!is.numeric(pv) || !length(pv) || anyNA(pv) || any(!is.finite(pv)) || any(pv <= 0)) {
      vcf_abort(c("{.arg p} must hold positive finite probabilities.",
                  x = "For {.field {v}} it is {.val {format_arg(pv)}}."),
                c("value", "argument"), call = call)
    }
  }
  out
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
    vcf_abort(c("Every value of a numeric variable must be finite or NA for a t-test.",
                x = "Column {.field {v}} is infinite at {describe_rows(bad, data[[v]][bad])}.",
                i = "The Wilcoxon tests rank infinite values."),
              c("value", "input"), call = call)
  }
  out <- data.frame(variable = vars, test = unname(tests),
                    statistic = get("statistic"), df = get("df"),
                    p_value = get("p_value"), n = get("n"),
                    method = get("method", NA_character_),
                    estimate = get("estimate"), ci_low = get("ci_low"),
                    ci_high = get("ci_high"),
                    alternative = get("alternative", NA_character_),
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
# `p_value`, `n`, `estimate`, `ci_low`, `ci_high`, `method`, `alternative`,
# `status` (a code of VCF_STATUS_LIST in src/vcf.h, see R/status.R) and
# `note` (the reason when not "ok"; expected counts below 5 for
# chi-square), plus test-specific columns listed at each function. Missing
# values are dropped per vector. `opts` is compare_opts()'s vector. They
# raise errors only for malformed arguments; data without an answer give a
# status. Infinite values in t-tests give status "nonfinite" rather than an
# error.

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

# Rows of a C result matrix as a data frame with the method and the
# alternative (NA for tests without a direction); the numbers of a row
# without an answer are NA.
compare_frame <- function(res, method, opts = NULL) {
  out <- as.data.frame(res)
  out$status <- as.integer(out$status)
  out$method <- method
  out$alternative <- if (is.null(opts)) NA_character_ else alternatives[opts[1L] + 1]
  ok <- out$status == status_code("ok")
  out$note <- ifelse(ok, NA_character_, status_note(out$status))
  cols <- intersect(c("statistic", "df", "p_value", "ci_low", "ci_high"),
                    names(out))
  out[!ok, cols] <- NA_real_
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
#' `t.test(x[g == first], x[g == second], var.equal = var_equal, ...)` for
#' each variable, `...` the options in `opts`. Extra columns: `n1`, `n2`,
#' `mean1`, `mean2`, `sd1`, `sd2`; `estimate` is `mean1 - mean2`.
#' @param x A numeric vector or a list of them, each as long as `g`.
#' @param g Groups (see `compare_groups()`): exactly two must occur.
#' @noRd
compare_t2 <- function(x, g, var_equal = TRUE, opts = compare_opts()) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  check_numeric_list(X, call)
  groups <- two_groups(g, length(X[[1L]]), call)
  res <- .Call(C_compare_ttest2, X, group_bytes(groups, call), isTRUE(var_equal), opts)
  compare_frame(res, if (isTRUE(var_equal)) " Two Sample t-test" else
    "Welch Two Sample t-test", opts)
}

#' Paired t-tests: t.test(x, y, paired = TRUE) for each pair of vectors
#' (complete pairs), or one-sample t.test(x) when `y` is NULL. Extra columns
#' `mean_diff`, `sd_diff`; `estimate` is the mean (difference).
#' @noRd
compare_paired_t <- function(x, y = NULL, opts = compare_opts()) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  Y <- if (is.null(y)) NULL else as_list_of(y)
  check_numeric_list(c(X, Y), call)
  if (!is.null(Y)) check_same_lengths(X, Y, call)
  compare_frame(.Call(C_compare_paired, X, Y, opts),
                if (is.null(Y)) "One Sample t-test" else "Paired t-test", opts)
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

compare_tables <- function(X, groups, call, fisher_opts = NULL, correct = FALSE,
                           simulate = FALSE) {
  cats <- lapply(X, categorical_codes)
  codes <- lapply(cats, `[[`, "codes")
  nlev <- vapply(cats, function(c) max(1L, length(c$levels)), 1L)
  bytes <- group_bytes(groups, call)
  out <- if (!is.null(fisher_opts)) {
    .Call(C_compare_fisher, codes, nlev, bytes, groups$k, fisher_opts, simulate)
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
compare_chisq <- function(x, g, correct = FALSE, B = NULL) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  groups <- compare_groups(g)
  check_group_length(groups, X, call)
  out <- compare_tables(X, groups, call, correct = correct)
  res <- compare_frame(out$res, "Pearson's Chi-squared test")
  yates <- !is.na(res$yates) & res$yates > 0
  res$method[yates] <- "Pearson's Chi-squared test with Yates' continuity correction"
  res <- chisq_low_note(res)
  if (!is.null(B)) res <- simulate_tables(res, out$tables, B, fisher = FALSE)
  res$estimate <- res$ci_low <- res$ci_high <- NA_real_
  attr(res, "tables") <- out$tables
  res
}

chisq_low_note <- function(res) {
  low <- res$status == status_code("ok") & res$min_expected < 5
  res$note[low] <- "expected counts below 5: the chi-square approximation may be incorrect"
  res
}

#' Chi-square goodness-of-fit tests: `chisq.test(table(x), p = p,
#' rescale.p = rescale_p)` for each variable, over every level of a factor
#' (both values of a logical; the sorted distinct values otherwise). `p` is
#' NULL (equal probabilities), one vector, or a list with one per variable.
#' @noRd
compare_gof <- function(x, p = NULL, rescale_p = FALSE, call = rlang::caller_env(),
                        B = NULL, chunk = 1e7) {
  X <- as_list_of(x)
  cats <- lapply(X, categorical_codes)
  nlev <- vapply(cats, function(c) max(1L, length(c$levels)), 1L)
  P <- if (is.list(p)) p else rep(list(p), length(X))
  P <- lapply(seq_along(X), function(j) {
    pj <- P[[j]]
    if (is.null(pj)) return(rep(1 / nlev[j], nlev[j]))
    if (length(pj) != nlev[j]) {
      vcf_abort(c("{.arg p} must have one probability per level.",
                  x = "Variable {j} has {nlev[j]} level{?s}, {.arg p} {length(pj)} value{?s}."),
                c("length", "argument"), call = call)
    }
    if (abs(sum(pj) - 1) > sqrt(.Machine$double.eps)) {
      # chisq.test() rescales only probabilities that do not sum to 1
      if (isTRUE(rescale_p)) return(as.double(pj / sum(pj)))
      vcf_abort(c("{.arg p} must sum to 1 (or set {.arg rescale.p} = TRUE).",
                  x = "It sums to {sum(pj)}."), c("value", "argument"), call = call)
    }
    as.double(pj)
  })
  codes <- lapply(cats, `[[`, "codes")
  res <- compare_frame(.Call(C_compare_gof, codes, nlev, P),
                       "Chi-squared test for given probabilities")
  res <- chisq_low_note(res)
  if (!is.null(B)) {
    for (j in which(res$status == status_code("ok"))) {
      cnt <- tabulate(as.integer(codes[[j]]) + is.logical(codes[[j]]), nlev[j])
      res$p_value[j] <- simulate_gof(cnt, P[[j]], res$statistic[j], B, chunk)
      res$df[j] <- NA_real_
      res$note[j] <- NA_character_
      res$method[j] <- simulated_method(res$method[j], B)
    }
  }
  res$estimate <- res$ci_low <- res$ci_high <- NA_real_
  res
}

# Monte Carlo p-values (simulate.p.value = TRUE, B) -------------------------------
#
# The draws come from R's generator through the routines chisq.test() and
# fisher.test() use (stats' rcont2 for tables, sample.int() for goodness of
# fit), variable after variable, so that set.seed() before the call gives
# their p-values; the statistics and counts run in C.

# The method string of a simulated test, B printed as base R pastes it.
simulated_method <- function(method, B) {
  paste(method, "with simulated p-value\n\t (based on", B, "replicates)")
}

# Rows of a chi-square (fisher = FALSE) or Fisher result whose table can be
# tested get the simulated p-value of chisq.test() / fisher.test() on the
# table with its empty rows and columns dropped (fisher.test() keeps its
# exact test for 2 x 2 tables); df is NA and no note on small expected
# counts, as base R.
simulate_tables <- function(res, tables, B, fisher) {
  ok <- res$status == status_code("ok")
  for (j in which(ok)) {
    tab <- tables[[j]]
    tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
    if (fisher && all(dim(tab) == 2L)) next
    sim <- .Call(C_compare_table_sim, unname(tab), as.double(B), fisher)
    if (!fisher) {
      res$statistic[j] <- sim[1L]
      res$df[j] <- NA_real_
      res$yates[j] <- 0
      res$note[j] <- NA_character_
      res$method[j] <- simulated_method("Pearson's Chi-squared test", B)
    } else {
      res$method[j] <- simulated_method(res$method[j], B)
    }
    res$p_value[j] <- sim[2L]
  }
  res
}

# The goodness-of-fit p-value by simulation for counts `cnt` of a variable
# under probabilities `p`: chisq.test(cnt, p = p, simulate.p.value = TRUE,
# B = B). The B * n draws of sample.int() come in chunks of whole
# replicates (each draw takes one uniform, so the stream is the same as in
# one call) to bound memory.
simulate_gof <- function(cnt, p, stat, B, chunk = 1e7) {
  n <- sum(cnt)
  E <- n * p
  per_chunk <- max(1, floor(chunk / n))
  hits <- 0
  done <- 0
  while (done < B) {
    reps <- min(per_chunk, B - done)
    draws <- sample.int(length(p), reps * n, TRUE, prob = p)
    hits <- hits + .Call(C_compare_gof_sim, draws, as.integer(n), as.double(E),
                         as.double(stat))
    done <- done + reps
  }
  (1 + hits) / (B + 1)
}

check_group_length <- function(groups, X, call) {
  n <- groups$n
  bad <- which(lengths(X) != n)
  if (length(bad)) {
    vcf_abort("Every variable must have one value per observation ({n}); element{?s} {bad} do{?es/} not.",
              c("length", "argument"), call = call)
  }
}

#' Fisher's exact tests: `fisher.test(x, g, ...)` for each variable, `...`
#' the options in `opts` (mu is the null odds ratio `or`). For a 2 x 2
#' table `estimate` is the conditional MLE odds ratio (first level, first
#' group) with its interval; larger tables have the p-value only.
#' Attribute `tables` as compare_chisq().
#' @noRd
compare_fisher <- function(x, g, opts = compare_opts(mu = 1, arg_mu = "or"),
                           B = NULL) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  groups <- compare_groups(g)
  check_group_length(groups, X, call)
  out <- compare_tables(X, groups, call, fisher_opts = opts, simulate = !is.null(B))
  res <- compare_frame(out$res, "Fisher's Exact Test for Count Data", opts)
  res$alternative[is.na(res$estimate)] <- NA_character_
  if (!is.null(B)) res <- simulate_tables(res, out$tables, B, fisher = TRUE)
  attr(res, "tables") <- out$tables
  res
}

wilcox_method <- function(res, what, correct) {
  ifelse(!is.na(res$exact) & res$exact == 1,
         paste("Wilcoxon", what, "exact test"),
         paste0("Wilcoxon ", what, " test",
                if (correct) " with continuity correction" else ""))
}

#' Wilcoxon rank-sum tests: `wilcox.test(x[g == first], x[g == second],
#' ...)` for each variable (W of the first group). Extra columns `n1`,
#' `n2`, `exact`.
#' @noRd
compare_ranksum <- function(x, g, opts = compare_opts()) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  check_numeric_list(X, call)
  groups <- two_groups(g, length(X[[1L]]), call)
  check_group_length(groups, X, call)
  res <- compare_frame(.Call(C_compare_ranksum, X, group_bytes(groups, call), opts),
                       "", opts)
  res$method <- wilcox_method(res, "rank sum", opts[5L] == 1)
  res
}

#' Wilcoxon signed-rank tests: `wilcox.test(x, y, paired = TRUE, ...)` for
#' each pair of vectors, or `wilcox.test(x, ...)` when `y` is NULL. `n`
#' counts complete pairs, `n1` the non-zero differences; extra column
#' `exact`.
#' @noRd
compare_signrank <- function(x, y = NULL, opts = compare_opts()) {
  call <- rlang::caller_env()
  X <- as_list_of(x)
  Y <- if (is.null(y)) NULL else as_list_of(y)
  check_numeric_list(c(X, Y), call)
  if (!is.null(Y)) check_same_lengths(X, Y, call)
  res <- compare_frame(.Call(C_compare_signrank, X, Y, opts), "", opts)
  res$method <- wilcox_method(res, "signed rank", opts[5L] == 1)
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
