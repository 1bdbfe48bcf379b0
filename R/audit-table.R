# vcf_audit(): every check that the structure of a table allows.
#
# The input is one row per printed number (the format of vcf_published()).
# audit_input() normalises it and gives every number its place: a block
# (source and variable), a cell (block, column and group), the cell's role
# (total, subgroup or test column) and its denominator. Each audit_*()
# family takes that data frame and returns its findings (columns as a list,
# finding_rows()); vcf_audit() binds them into one data frame. The p-value families live in
# audit-p.R, coefficients and structure tables in audit-relations.R.

stat_aliases <- c(
  "%" = "percent", pct = "percent", proportion = "percent", percentage = "percent",
  number = "count", no = "count", frequency = "count", freq = "count", k = "count",
  "p value" = "p", "p-value" = "p", pvalue = "p", p_value = "p",
  chi2 = "chisq", "chi-square" = "chisq", x2 = "chisq", chisquare = "chisq",
  beta = "coef", b = "coef", estimate = "coef", coefficient = "coef",
  lower = "ci_low", ci_lower = "ci_low", lcl = "ci_low", ci_lo = "ci_low",
  upper = "ci_high", ci_upper = "ci_high", ucl = "ci_high", ci_hi = "ci_high",
  std = "sd", "standard deviation" = "sd", minimum = "min", maximum = "max",
  "f" = "f")

# Row labels of measures that are whole numbers per patient, for which GRIM
# and GRIMMER apply (pain scores, disability indices, counts).
audit_integer_pattern <- "\\b(VAS|NRS|score|ODI|RMDQ|number|count|levels?|fractures)\\b"

audit_columns <- c("id", "source", "row", "column", "group", "statistic",
                   "value", "reported", "digits", "n")

# A row label "Variable: Mean" or "Variable: 95% confidence interval" prints
# another statistic of the same variable; "Variable: Level" a category.
stat_suffix <- paste0(":\\s*(mean( age)?|median|range|sd|standard deviation|",
                      "(regression )?coefficient|(95% )?confidence interval|ci)\\s*$")

descriptive_stats <- c("n", "count", "percent", "mean", "sd", "median", "min", "max",
                       "q1", "q3", "iqr")
test_stats <- c("t", "f", "chisq", "z", "r")
visit_pattern <- "pre|post|baseline|follow|month|week|day|year|visit|before|after|final|initial|\\bmo\\b"

is_total_label <- function(x) grepl("^\\s*(total|overall|all\\b|whole|entire)", x, ignore.case = TRUE)
is_p_label <- function(x) grepl("^\\s*p(\\s*[- ]?\\s*val(ue)?)?\\s*$|p[ -]?value", x, ignore.case = TRUE)

#' Audit a table of published statistics
#'
#' Runs every consistency check that the structure of a table of reported
#' statistics allows and returns one row per finding. The input is the
#' format of [vcf_published()] (or of [vcf_parse_table()]): one row per
#' printed number with columns `id`, `source` ("Table 1"), `row` (the
#' variable), `column` ("Total", "Subgroup A", "P value"), `group`
#' (subgroup or visit, or `NA`), `statistic` (`n`, `count`, `percent`,
#' `mean`, `sd`, `median`, `min`, `max`, `t`, `f`, `chisq`, `z`, `r`, `df`,
#' `p`, `coef`, `ci_low`, `ci_high`, ...), `value`, `reported` (the printed
#' text), `digits`, `n` (the denominator, where known) and optionally
#' `comparison` (`"<"`, `">"` for numbers printed with an inequality).
#'
#' Numbers are grouped into cells (source, variable, column, group) and
#' blocks (source, variable); a row "Age: Mean" belongs to the variable
#' "Age". What is checked, automatically:
#' * in a cell: a count with its percentage and n ([vcf_check_percent()]); a
#'   percentage with its n; a mean with its n (GRIM) or with SD and n
#'   (GRIMMER), for rows whose label matches `integer_pattern`; the order of
#'   min, quartiles, median, mean and max; a confidence interval around its
#'   estimate;
#' * a total column (or group) against the subgroups beside it (p-value
#'   columns excluded): subgroup counts and n add up to the total; the total
#'   mean or percentage is the n-weighted mean of the subgroups' (when the
#'   subgroups' n do not add up to the total n, the total must still lie
#'   between the subgroup values); subgroup minima and maxima lie within the
#'   total's range, whose ends are some subgroup's ends; the total median
#'   lies between the subgroup medians;
#' * a categorical variable (rows "Variable: level"): its percentages add to
#'   100 and its counts to n;
#' * a test statistic with its p ([vcf_check_p()]); df from `df` numbers,
#'   else from n (`n - 1` for pairs or one sample, `n1 + n2 - 2` down to
#'   `min(n) - 1` for Welch);
#' * a p value without a statistic, recomputed from what the table prints:
#'   from the counts (or the counts the percentages and n allow) of a
#'   categorical variable or a yes/no row, by Pearson's chi-square with and
#'   without Yates' correction and Fisher's exact test; from two groups'
#'   means, SDs and n by the pooled and the Welch t test. The finding says
#'   which test fits; a p that none fits, on the other side of `alpha`, is a
#'   decision error;
#' * a regression coefficient on a two-group predictor against the
#'   difference of the two groups' printed means, in the same block or in
#'   rows named by a coefficient row "A vs B" (unless labelled adjusted);
#' * the relations a structure table lists ([vcf_published()] studies ship
#'   one: `inst/extdata/published/<study>_structure.csv`): `between` (a
#'   total lies between its parts), `sum`, `within` (a number inside a
#'   printed range), `equal` (a number printed twice) and `denominator` (a
#'   count that is the n of percentages in other rows).
#'
#' A number printed as `"n"` in the same cell as a percentage (an "n (%)"
#' column) is read as the percentage's count, never as its denominator; the
#' denominator then comes from the `n` column or a row of n alone, and the
#' finding says so. Rows it cannot interpret are left out; checks it
#' recognises but cannot do (a t without df or n) are "not-checkable".
#'
#' @param x A data frame in the format of [vcf_published()].
#' @param alpha Significance level for decision errors.
#' @param integer_pattern Regular expression (case-insensitive) on `row`
#'   selecting means of whole-number data for GRIM/GRIMMER; `NULL` for none.
#'   A logical column `integer` in `x` overrides it.
#' @param structure `NULL` (for a [vcf_published()] table, its study's
#'   structure file if there is one), `FALSE` for none, or a data frame with
#'   columns `relation` (`"between"`, `"sum"`, `"within"`, `"equal"`: the
#'   same quantity printed twice, `"denominator"`: `total` is the n of the
#'   percentages in `parts`), `total` (an id), `parts` (ids separated by
#'   spaces) and `note`.
#' @return A data frame of class `vcf_audit`, one row per finding: `check`,
#'   `source`, `row`, `column`, `verdict`, `ids` (comma-separated ids of the
#'   numbers involved), `reported`, `expected`, `detail` (the arithmetic) and
#'   `explanation` (one plain sentence). Attributes `n_numbers` and
#'   `n_checked` count the table's numbers and those that entered a check.
#' @examples
#' x <- data.frame(
#'   id = paste0("w", 1:6), source = "Table 1", row = "Women, n (%)",
#'   column = rep(c("Total", "Group A", "Group B"), each = 2), group = NA,
#'   statistic = rep(c("count", "percent"), 3),
#'   value = c(49, 77, 24, 77, 8, 24),
#'   reported = rep(c("49 (77)", "24 (77)", "8 (24)"), each = 2),
#'   digits = 0L, n = rep(c(64, 31, 33), each = 2))
#' vcf_audit(x)
#' @export
vcf_audit <- function(x, alpha = 0.05, integer_pattern = audit_integer_pattern,
                      structure = NULL) {
  check_alpha(alpha)
  if (!is.null(integer_pattern)) check_pattern(integer_pattern)
  relations <- audit_structure(structure, x)
  d <- audit_input(x)
  d$is_integer <- audit_integer_rows(d, integer_pattern)
  found <- bind_findings(list(empty_findings(),
                              audit_cells(d),
                              audit_totals(d),
                              audit_categorical(d),
                              audit_tests(d, alpha),
                              audit_coefficients(d),
                              audit_listed(d, relations)))
  out <- as.data.frame(found, stringsAsFactors = FALSE)
  rownames(out) <- NULL
  out$explanation <- explain_findings(out)
  checked_ids <- unique(unlist(strsplit(out$ids[out$verdict != "not-checkable"], ", ")))
  structure(out, class = c("vcf_audit", "data.frame"), n_numbers = nrow(x),
            n_checked = length(intersect(checked_ids, d$id)))
}

# Findings ------------------------------------------------------------------

finding_fields <- c("check", "source", "row", "column", "verdict", "ids", "reported",
                    "expected", "detail")

# Findings travel as lists of equal-length character vectors (building a
# data frame per finding costs more than the checks) and become one data
# frame in vcf_audit().
empty_findings <- function() {
  stats::setNames(rep(list(character()), length(finding_fields)), finding_fields)
}

# One finding per row of `res` (a check result with verdict, expected and
# detail), placed at the first number of `at` (a data frame of numbers or a
# list of records).
finding_rows <- function(check, at, res, ids, reported = res$reported) {
  if (is.null(reported)) reported <- NA_character_
  if (!is.data.frame(at)) {
    at <- list(source = at[[1L]]$source, row = at[[1L]]$row, label = field(at, "label", ""))
  }
  k <- length(res$verdict)
  list(check = rep(check, k), source = rep(at$source[1L], k), row = rep(at$row[1L], k),
       column = rep(paste(unique(at$label), collapse = " | "), k),
       verdict = as.character(res$verdict), ids = rep_len(as.character(ids), k),
       reported = rep_len(as.character(reported), k),
       expected = rep_len(as.character(res$expected), k),
       detail = as.character(res$detail))
}

bind_findings <- function(parts) {
  parts <- Filter(Negate(is.null), parts)
  if (!length(parts)) return(empty_findings())
  stats::setNames(lapply(finding_fields, function(f) unlist(lapply(parts, `[[`, f), use.names = FALSE)),
                  finding_fields)
}

id_list <- function(...) {
  ids <- unique(stats::na.omit(c(...)))
  paste(ids, collapse = ", ")
}

# Input ---------------------------------------------------------------------

audit_input <- function(x, call = rlang::caller_env()) {
  if (!is.data.frame(x)) {
    vcf_abort("{.arg x} must be a data frame of published numbers, not {.cls {class(x)}}.",
              c("type", "input"), call = call)
  }
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  needed <- c("id", "source", "row", "column", "statistic", "value")
  missing_cols <- setdiff(needed, names(x))
  if (length(missing_cols)) {
    vcf_abort(c("{.arg x} lacks column{?s} {.field {missing_cols}}.",
                i = "It needs {.field {audit_columns}} (as {.fn vcf_published} returns)."),
              c("columns", "input"), call = call)
  }
  for (col in setdiff(c(audit_columns, "comparison"), names(x))) x[[col]] <- NA
  x$id <- as.character(x$id)
  dup <- which(duplicated(x$id) | is.na(x$id))
  if (length(dup)) {
    vcf_abort(c("{.field id} must be unique and not missing.",
                x = "Duplicated or missing at {describe_rows(dup, x$id[dup])}."),
              c("duplicate_key", "input"), call = call)
  }
  for (col in c("source", "row", "column", "group", "reported", "comparison")) {
    x[[col]] <- as.character(x[[col]])
  }
  x$value <- suppressWarnings(as.numeric(x$value))
  x$n <- suppressWarnings(as.numeric(x$n))
  stat <- trimws(tolower(as.character(x$statistic)))
  stat <- ifelse(stat %in% names(stat_aliases), stat_aliases[stat], stat)
  x$statistic <- unname(stat)
  x$digits <- suppressWarnings(as.integer(x$digits))
  miss <- is.na(x$digits) & !is.na(x$value)
  x$digits[miss] <- decimals_of(x$value[miss])
  for (col in c("source", "row", "column")) x[[col]][is.na(x[[col]])] <- ""
  x$comparison <- audit_comparison(x)
  x <- x[!is.na(x$value) & !is.na(x$statistic), , drop = FALSE]
  x <- audit_places(x)
  x <- audit_denominators(x)
  # Only what the checks use: data frame subsetting costs per column.
  keep <- c("id", "source", "row", "column", "group_key", "statistic", "value", "reported",
            "digits", "n", "n_id", "comparison", "role_note", "variable", "block", "label",
            "cell", "p_col", "total", "arm", "slot", "integer", "categorical")
  x[, intersect(keep, names(x)), drop = FALSE]
}

# "<" or ">" from the comparison column or, for p values and test
# statistics, from the printed text ("<.0001", "t < 2.2").
audit_comparison <- function(x) {
  cmp <- ifelse(x$comparison %in% c("<", ">"), x$comparison, NA_character_)
  text <- ifelse(is.na(x$reported), "", x$reported)
  from_text <- ifelse(grepl("^\\s*[A-Za-z]*\\s*<", text), "<",
                      ifelse(grepl("^\\s*[A-Za-z]*\\s*>", text), ">", NA_character_))
  use_text <- is.na(cmp) & x$statistic %in% c("p", test_stats)
  cmp[use_text] <- from_text[use_text]
  ifelse(is.na(cmp), "=", cmp)
}

# Blocks, cells and roles. A cell's `arm` is the subgroup it describes and
# its `slot` the other dimension (a visit): a total is compared with the
# cells of its own slot.
audit_places <- function(x) {
  x$group_key <- ifelse(is.na(x$group), "", x$group)
  x$variable <- sub(stat_suffix, "", x$row, ignore.case = TRUE)
  x$block <- paste(x$source, x$variable, sep = "\r")
  one_dim <- x$group_key == "" | x$group_key == x$column | x$column == ""
  x$label <- ifelse(x$column == "", x$group_key,
                    ifelse(one_dim, x$column, paste(x$column, x$group_key, sep = " / ")))
  x$cell <- paste(x$block, x$column, x$group_key, sep = "\r")
  x$p_col <- is_p_label(x$column) | (x$statistic %in% c("p", test_stats, "df", "df1", "df2") &
                                        !x$statistic %in% descriptive_stats &
                                        !is_total_label(x$column) & !one_dim)
  total_col <- is_total_label(x$column)
  total_grp <- is_total_label(x$group_key)
  x$total <- total_col | total_grp
  # Subgroups in `group` when some cell of the block has a total group but a
  # non-total column; else in `column`.
  by_group <- tapply(total_grp & !total_col & !one_dim, x$block, any)[x$block]
  x$arm <- ifelse(one_dim, x$label, ifelse(by_group, x$group_key, x$column))
  x$slot <- ifelse(one_dim, "", ifelse(by_group, x$column, x$group_key))
  x
}

# Denominators. A cell's n is its own `n` number, else the `n` column, else
# the n of a row that holds only n in the same source, column and group. An
# `n` beside a percentage without a count is that percentage's count (an
# "n (%)" cell), never its denominator.
audit_denominators <- function(x) {
  in_cell <- split(x$statistic, x$cell)
  count_role <- vapply(in_cell, function(s) "percent" %in% s && "n" %in% s &&
                         !"count" %in% s, NA)
  relabel <- x$statistic == "n" & count_role[x$cell]
  x$role_note <- ifelse(relabel, "the n beside a percentage is read as its count", NA_character_)
  x$statistic[relabel] <- "count"
  x$n_id <- NA_character_
  # an explicit n number of the cell
  own <- x[x$statistic == "n", , drop = FALSE]
  hit <- match(x$cell, own$cell)
  use <- !is.na(hit) & x$statistic != "n"
  x$n[use] <- own$value[hit[use]]
  x$n_id[use] <- own$id[hit[use]]
  # n rows of the same source, column and group (unambiguous only)
  key <- paste(x$source, x$column, x$group_key, sep = "\r")
  header <- x[x$statistic == "n", , drop = FALSE]
  hkey <- key[x$statistic == "n"]
  if (nrow(header)) {
    single <- names(which(tapply(header$value, hkey, function(v) length(unique(v)) == 1L)))
    fill <- is.na(x$n) & key %in% single & x$statistic != "n"
    hit <- match(key[fill], hkey)
    x$n[fill] <- header$value[hit]
    x$n_id[fill] <- header$id[hit]
  }
  x
}

audit_integer_rows <- function(d, pattern) {
  flag <- if (!is.null(d$integer)) as.logical(d$integer) else
    if (is.null(pattern)) rep(FALSE, nrow(d)) else grepl(pattern, d$row, ignore.case = TRUE)
  !is.na(flag) & flag
}

# Numbers as records: a cell is a list of records (plain lists, one per
# number) named by statistic, so that looking a statistic up is cheap.
as_records <- function(d) {
  fields <- c("id", "source", "row", "label", "statistic", "value", "digits", "n", "n_id",
              "comparison", "role_note", "is_integer", "total", "slot", "cell")
  cols <- lapply(fields, function(f) d[[f]])
  recs <- lapply(seq_len(nrow(d)), function(i) {
    r <- lapply(cols, `[[`, i)
    names(r) <- fields
    r
  })
  names(recs) <- d$statistic
  recs
}

cell_list <- function(d) {
  recs <- as_records(d)
  split(recs, factor(d$cell, levels = unique(d$cell)))
}

# Cell accessors: pure functions of a cell (a named list of records).
cell_stat <- function(cell, stat) cell[[stat]]

cell_size <- function(cell) {
  r <- cell[["n"]]
  if (!is.null(r)) return(list(n = r$value, id = r$id))
  for (r in cell) if (!is.na(r$n)) return(list(n = r$n, id = r$n_id))
  list(n = NA_real_, id = NA_character_)
}

whole <- function(v) !is.na(v) && v >= 1 && v == round(v)

field <- function(recs, name, type = 0) vapply(recs, `[[`, type, name)

# Within cells --------------------------------------------------------------

audit_cells <- function(d) {
  keep <- d$statistic %in% c("mean", "sd", "p", "min", "q1", "median", "q3", "max",
                             "ci_low", "ci_high", "coef", "or", "hr", "rr", "difference", "n")
  bind_findings(c(list(audit_percents(d), audit_bounds(d)),
                  lapply(cell_list(d[keep, , drop = FALSE]), audit_cell)))
}

audit_cell <- function(cell) {
  bind_findings(list(cell_grim(cell), cell_order(cell), cell_signs(cell), cell_ci(cell)))
}

# Counts above their n and percentages outside [0, 100].
audit_bounds <- function(d) {
  cnt <- d[d$statistic == "count" & !is.na(d$n) & (d$value > d$n | d$value < 0), , drop = FALSE]
  pct <- d[d$statistic == "percent" & (d$value > 100 | d$value < 0), , drop = FALSE]
  bind_findings(list(
    if (nrow(cnt)) finding_rows_at(cnt, "order", list(
      verdict = rep("inconsistent", nrow(cnt)), expected = paste0("0 to ", cnt$n),
      detail = paste0("a count of ", cnt$value, " cannot exceed its n of ", cnt$n)),
      paste(cnt$id, cnt$n_id, sep = ", "), reported = as.character(cnt$value)),
    if (nrow(pct)) finding_rows_at(pct, "order", list(
      verdict = rep("inconsistent", nrow(pct)), expected = rep("0 to 100", nrow(pct)),
      detail = paste0("a percentage of ", pct$value, " lies outside 0 to 100")),
      pct$id, reported = as.character(pct$value))))
}

# Every percentage with its n (and count, in the same cell) in one call.
audit_percents <- function(d) {
  pct <- d[d$statistic == "percent" & d$value >= 0 & d$value <= 100, , drop = FALSE]
  pct <- pct[!duplicated(pct$cell), , drop = FALSE]
  if (!nrow(pct)) return(NULL)
  counts <- d[d$statistic == "count", , drop = FALSE]
  hit <- match(pct$cell, counts$cell)
  count <- counts$value[hit]
  count[!is.na(count) & (count != round(count) | count < 0)] <- NA
  count_id <- counts$id[hit]
  note <- ifelse(is.na(counts$role_note[hit]), "", paste0(" (", counts$role_note[hit], ")"))
  has_n <- !is.na(pct$n) & pct$n >= 1 & pct$n == round(pct$n)
  # An "n (%)" cell without a denominator: say so rather than guess.
  lone <- !has_n & note != ""
  out <- list()
  if (any(lone)) {
    i <- which(lone)
    res <- list(verdict = rep("not-checkable", length(i)), expected = rep(NA, length(i)),
                detail = paste0("no denominator is given for ", pct$value[i], "%", note[i]))
    out[[1L]] <- finding_rows_at(pct[i, , drop = FALSE], "percent", res,
                                 paste(count_id[i], pct$id[i], sep = ", "))
  }
  i <- which(has_n)
  if (length(i)) {
    res <- vcf_check_percent(pct$value[i], pct$n[i], count[i], digits = pct$digits[i],
                             rounding = "up_or_down")
    res$detail <- paste0(res$detail, note[i])
    ids <- vapply(i, function(j) id_list(count_id[j], pct$id[j], pct$n_id[j]), "")
    reported <- paste0(ifelse(is.na(count[i]), "", paste0(count[i], " ")), "(", res$percent,
                       "%) of ", pct$n[i])
    out[[2L]] <- finding_rows_at(pct[i, , drop = FALSE], "percent", res, ids, reported)
  }
  bind_findings(out)
}

# Findings of a vectorised check, one per row of `at`.
finding_rows_at <- function(at, check, res, ids, reported = res$reported) {
  k <- nrow(at)
  if (is.null(reported)) reported <- NA_character_
  list(check = rep(check, k), source = at$source, row = at$row, column = at$label,
       verdict = as.character(res$verdict), ids = rep_len(as.character(ids), k),
       reported = rep_len(as.character(reported), k),
       expected = rep_len(as.character(res$expected), k), detail = as.character(res$detail))
}

cell_grim <- function(cell) {
  mean <- cell_stat(cell, "mean"); sd <- cell_stat(cell, "sd")
  nn <- cell_size(cell)
  if (is.null(mean) || !isTRUE(mean$is_integer) || !whole(nn$n) ||
      mean$comparison != "=") return(NULL)
  if (!is.null(sd) && nn$n >= 2 && sd$value >= 0 && nn$n <= 1e6) {
    res <- tryCatch(vcf_grimmer(mean$value, sd$value, nn$n, digits = mean$digits,
                                sd_digits = sd$digits),
                    vcf_error_work_limit = function(e) NULL)
    if (is.null(res)) return(NULL)
    return(finding_rows("grimmer", cell, res, id_list(mean$id, sd$id, nn$id),
                        reported = paste0(res$mean, " (", res$sd, "), n = ", nn$n)))
  }
  res <- vcf_grim(mean$value, nn$n, digits = mean$digits)
  # n >= 10^digits: GRIM has nothing to say, so no finding
  if (res$verdict == "not-checkable") return(NULL)
  finding_rows("grim", cell, res, id_list(mean$id, nn$id), reported = paste0(res$mean, ", n = ", nn$n))
}

# Order of location statistics: min <= q1 <= median <= q3 <= max, and the
# mean within [min, max].
cell_order <- function(cell) {
  ord <- c("min", "q1", "median", "q3", "max")
  present <- cell[names(cell) %in% ord & !duplicated(names(cell))]
  present <- present[order(match(names(present), ord))]
  mean <- cell_stat(cell, "mean")
  if (!is.null(mean) && !is.null(present$min) && !is.null(present$max)) present$mean <- mean
  if (length(present) < 2L) return(NULL)
  v <- field(present, "value")
  core <- v[names(v) %in% ord]
  bad <- character()
  if (is.unsorted(core)) bad <- c(bad, paste0(paste(names(core), collapse = " <= "), " fails"))
  if ("mean" %in% names(v) && (v[["mean"]] < v[["min"]] || v[["mean"]] > v[["max"]])) {
    bad <- c(bad, "the mean lies outside [min, max]")
  }
  res <- list(verdict = if (length(bad)) "inconsistent" else "consistent",
              expected = paste(names(v), collapse = " <= "),
              detail = if (length(bad)) paste(bad, collapse = "; ") else
                paste0(paste(names(v), v, sep = " ", collapse = ", "), " are in order"))
  finding_rows("order", cell, res, id_list(field(present, "id", "")),
               reported = paste(v, collapse = ", "))
}

# Numbers that are never negative or above 1.
cell_signs <- function(cell) {
  sd <- cell_stat(cell, "sd"); p <- cell_stat(cell, "p")
  bind_findings(list(
    if (!is.null(sd) && sd$value < 0)
      finding_rows("order", cell, list(verdict = "inconsistent", expected = ">= 0",
                                       detail = "a standard deviation is never negative"),
                   sd$id, reported = as.character(sd$value)),
    if (!is.null(p) && (p$value < 0 || p$value > 1))
      finding_rows("order", cell, list(verdict = "inconsistent", expected = "in [0, 1]",
                                       detail = "a p value lies between 0 and 1"),
                   p$id, reported = as.character(p$value))))
}

cell_ci <- function(cell) {
  lo <- cell_stat(cell, "ci_low"); hi <- cell_stat(cell, "ci_high")
  if (is.null(lo) || is.null(hi)) return(NULL)
  est <- cell[names(cell) %in% c("coef", "mean", "median", "or", "hr", "rr", "difference")]
  if (!length(est)) return(NULL)
  e <- est[[1L]]
  finding_rows("ci", cell, vcf_check_ci(e$value, lo$value, hi$value), id_list(e$id, lo$id, hi$id))
}

# Totals against subgroups --------------------------------------------------

audit_totals <- function(d) {
  desc <- d[!d$p_col & d$statistic %in% descriptive_stats, , drop = FALSE]
  cells <- cell_list(desc)
  block <- desc$block[match(names(cells), desc$cell)]
  out <- list()
  for (b in unique(block)) {
    bc <- cells[block == b]
    is_total <- vapply(bc, function(c) c[[1L]]$total, NA)
    slot <- vapply(bc, function(c) c[[1L]]$slot, "")
    for (i in which(is_total)) {
      subs <- which(!is_total & slot == slot[i])
      if (length(subs) >= 2L) out[[length(out) + 1L]] <- total_vs_parts(bc[[i]], bc[subs])
    }
  }
  bind_findings(out)
}

# The record of one statistic in each cell, or NULL when a cell lacks it.
stat_across <- function(cells, stat) {
  rows <- lapply(cells, cell_stat, stat = stat)
  if (any(vapply(rows, is.null, NA))) return(NULL)
  list(value = field(rows, "value"), digits = field(rows, "digits", 0L),
       id = field(rows, "id", ""))
}

total_vs_parts <- function(total, subs) {
  at <- c(total, unlist(unname(subs), recursive = FALSE))
  tn <- cell_size(total)
  sn <- lapply(subs, cell_size)
  sub_n <- vapply(sn, `[[`, 0, "n")
  n_ids <- c(tn$id, vapply(sn, `[[`, "", "id"))
  sizes <- list(total = tn$n, parts = unname(sub_n), ids = n_ids,
                known = !is.na(tn$n) && !anyNA(sub_n),
                partition = !is.na(tn$n) && !anyNA(sub_n) && sum(sub_n) == tn$n)
  bind_findings(list(total_sums(total, subs, at, sizes),
                     total_means(total, subs, at, sizes),
                     total_ranges(total, subs, at, sizes)))
}

total_sums <- function(total, subs, at, sizes) {
  bind_findings(lapply(c("n", "count"), function(stat) {
    tv <- cell_stat(total, stat); sv <- stat_across(subs, stat)
    if (is.null(tv) || is.null(sv)) return(NULL)
    ids <- id_list(tv$id, sv$id)
    parts_text <- paste(sv$value, collapse = " + ")
    if (stat == "count" && sizes$known && !sizes$partition) {
      # The subgroups miss or share |difference| units of the total.
      gap <- abs(sizes$total - sum(sizes$parts))
      fits <- abs(sum(sv$value) - tv$value) <= gap
      res <- list(verdict = if (fits) "consistent" else "inconsistent",
                  expected = paste0(sum(sv$value) - gap, " to ", sum(sv$value) + gap),
                  detail = paste0(parts_text, " = ", sum(sv$value), "; the subgroups' n (",
                                  paste(sizes$parts, collapse = " + "), ") differ from the total n ",
                                  sizes$total, " by ", gap, ", so the total count may differ by as much, and ",
                                  tv$value, if (fits) " does" else " does not"))
      return(finding_rows("sum", at, res, id_list(ids, sizes$ids), reported = parts_text))
    }
    res <- vcf_check_sum(sv$value, tv$value,
                         n = if (stat == "count" && !anyNA(sizes$parts)) list(sizes$parts))
    if (stat == "count" && !sizes$known) {
      res$detail <- paste0(res$detail, " (assuming the subgroups make up the total)")
    }
    finding_rows(if (stat == "n") "sum-n" else "sum", at, res,
                 if (stat == "count") id_list(ids, sizes$ids) else ids)
  }))
}

# The total mean (or percentage) from the subgroups': n-weighted when the
# subgroups make up the total, else it must lie between them.
total_means <- function(total, subs, at, sizes) {
  bind_findings(lapply(c("mean", "percent"), function(stat) {
    tv <- cell_stat(total, stat); sv <- stat_across(subs, stat)
    if (is.null(tv) || is.null(sv)) return(NULL)
    if (stat == "percent" && !is.null(cell_stat(total, "count")) &&
        !is.null(stat_across(subs, "count"))) return(NULL)
    digits <- max(sv$digits)
    if (sizes$partition) {
      res <- vcf_check_weighted_mean(sv$value, sizes$parts, tv$value, digits = digits,
                                     total_digits = tv$digits)
      return(finding_rows("weighted-mean", at, res, id_list(tv$id, sv$id, sizes$ids)))
    }
    if (sizes$known) {
      res <- if (stat == "percent") gap_percent(tv, sv, sizes) else gap_mean(total, tv, sv, sizes)
      if (!is.null(res)) {
        return(finding_rows("weighted-mean", at, res$res, id_list(tv$id, sv$id, sizes$ids, res$ids)))
      }
    }
    why <- if (sizes$known) {
      paste0("the subgroups' n (", paste(sizes$parts, collapse = " + "),
             ") do not make the total n ", sizes$total)
    } else "the subgroups' n are not all given"
    res <- check_between(tv$value, tv$digits, sv$value, digits, why = why)
    finding_rows("between", at, res, id_list(tv$id, sv$id))
  }))
}

# When the subgroups' n miss (or exceed) the total n by `gap` units, the
# total is still their sum give or take those units. For percentages: the
# total count K and the subgroup counts k (each from its percentage and n)
# satisfy K - sum(k) in [0, gap] (or [gap, 0]).
gap_percent <- function(tv, sv, sizes) {
  ks <- percent_counts(c(tv$value, sv$value), c(sizes$total, sizes$parts),
                       c(tv$digits, sv$digits))
  if (anyNA(ks$k_min)) return(NULL)
  gap <- sizes$total - sum(sizes$parts)
  lo <- ks$k_min[1L] - sum(ks$k_max[-1L]); hi <- ks$k_max[1L] - sum(ks$k_min[-1L])
  fits <- hi >= min(0, gap) && lo <= max(0, gap)
  list(res = list(
    verdict = if (fits) "consistent" else "inconsistent",
    expected = paste0("total count minus subgroup counts in [", min(0, gap), ", ", max(0, gap), "]"),
    detail = paste0("the percentages allow a total count of ", range_text(ks$k_min[1L], ks$k_max[1L]),
                    " of ", sizes$total, " and subgroup counts of ",
                    paste(mapply(range_text, ks$k_min[-1L], ks$k_max[-1L]), "of", sizes$parts, collapse = " and "),
                    "; the subgroups' n differ from the total n by ", abs(gap), ", so the counts may differ by at most as much, and they ",
                    if (fits) "do" else "do not")),
    ids = character())
}

range_text <- function(lo, hi) if (lo == hi) as.character(lo) else paste0(lo, " to ", hi)

# For means: the total sum minus the subgroup sums is the sum of the `gap`
# units, each within the total's printed range.
gap_mean <- function(total, tv, sv, sizes) {
  tmin <- cell_stat(total, "min"); tmax <- cell_stat(total, "max")
  if (is.null(tmin) || is.null(tmax)) return(NULL)
  gap <- sizes$total - sum(sizes$parts)
  t_lo <- (tv$value - half_unit(tv$digits)) * sizes$total
  t_hi <- (tv$value + half_unit(tv$digits)) * sizes$total
  s_lo <- sum((sv$value - half_unit(sv$digits)) * sizes$parts)
  s_hi <- sum((sv$value + half_unit(sv$digits)) * sizes$parts)
  units <- sort(gap * c(tmin$value, tmax$value))
  fits <- t_hi - s_lo >= units[1L] - 1e-9 && t_lo - s_hi <= units[2L] + 1e-9
  list(res = list(
    verdict = if (fits) "consistent" else "inconsistent",
    expected = paste0("total sum minus subgroup sums in [", units[1L], ", ", units[2L], "]"),
    detail = paste0("the total mean ", tv$value, " of ", sizes$total, " gives a sum of ",
                    format_fixed(t_lo, 1L), " to ", format_fixed(t_hi, 1L), ", the subgroup means ",
                    paste(sv$value, collapse = ", "), " (n = ", paste(sizes$parts, collapse = ", "),
                    ") ", format_fixed(s_lo, 1L), " to ", format_fixed(s_hi, 1L), "; the ", abs(gap),
                    " unit", if (abs(gap) != 1) "s", " by which the n differ, each within [",
                    tmin$value, ", ", tmax$value, "], ", if (fits) "can" else "cannot",
                    " make up the difference")),
    ids = c(tmin$id, tmax$id))
}

# A total value between its parts' values, each within its rounding.
check_between <- function(value, digits, parts, parts_digits, why = NULL) {
  lo <- min(parts) - half_unit(parts_digits)
  hi <- max(parts) + half_unit(parts_digits)
  inside <- value + half_unit(digits) + 1e-9 >= lo && value - half_unit(digits) - 1e-9 <= hi
  list(verdict = if (inside) "consistent" else "inconsistent",
       expected = paste0("between ", min(parts), " and ", max(parts)),
       detail = paste0("the total ", value, if (inside) " lies" else " does not lie",
                       " between the parts (", paste(parts, collapse = ", "), ")",
                       if (!is.null(why)) paste0("; only this is checked because ", why)))
}

total_ranges <- function(total, subs, at, sizes) {
  tmin <- cell_stat(total, "min"); tmax <- cell_stat(total, "max"); tmed <- cell_stat(total, "median")
  smin <- stat_across(subs, "min"); smax <- stat_across(subs, "max")
  smed <- stat_across(subs, "median")
  use_range <- !is.null(tmin) && !is.null(tmax) && !is.null(smin) && !is.null(smax)
  use_med <- !is.null(tmed) && !is.null(smed) && (sizes$partition || !sizes$known)
  if (!use_range && !use_med) return(NULL)
  res <- vcf_check_range(if (use_range) smin$value else numeric(),
                         if (use_range) smax$value else numeric(),
                         if (use_range) tmin$value else NA, if (use_range) tmax$value else NA,
                         median = if (use_med) smed$value,
                         total_median = if (use_med) tmed$value,
                         partition = sizes$partition || (use_range && !sizes$known))
  finding_rows("range", at, res,
               id_list(if (use_range) c(tmin$id, tmax$id, smin$id, smax$id),
                       if (use_med) c(tmed$id, smed$id)))
}

# Categorical variables -----------------------------------------------------

# Rows "variable: level" (or a `variable` column) of one source, column and
# group: percentages add to 100, counts to n.
categorical_levels <- function(d) {
  pct <- d[d$statistic %in% c("percent", "count") & !d$p_col, , drop = FALSE]
  variable <- if (!is.null(pct$categorical)) as.character(pct$categorical) else
    ifelse(grepl(":", pct$row) & pct$variable == pct$row, sub("\\s*:.*$", "", pct$row), NA)
  pct$categorical <- variable
  pct[!is.na(variable) & variable != "", , drop = FALSE]
}

audit_categorical <- function(d) {
  lev <- categorical_levels(d)
  pct <- lev[lev$statistic == "percent", , drop = FALSE]
  if (!nrow(pct)) return(NULL)
  key <- paste(pct$source, pct$categorical, pct$column, pct$group_key, sep = "\r")
  bind_findings(lapply(unique(key), function(k) {
    g <- pct[key == k, , drop = FALSE]
    if (nrow(g) < 2L) return(NULL)
    cnt <- lev[lev$statistic == "count" & lev$source == g$source[1L] & lev$row %in% g$row &
                 lev$column == g$column[1L] & lev$group_key == g$group_key[1L], , drop = FALSE]
    cnt <- cnt[match(g$row, cnt$row), , drop = FALSE]
    n <- unique(stats::na.omit(g$n))
    res <- vcf_check_percent_sum(g$value, digits = max(g$digits),
                                 counts = if (!anyNA(cnt$value)) list(cnt$value),
                                 n = if (length(n) == 1L) n else NA)
    if (res$verdict == "consistent" && anyNA(cnt$value) && length(n) == 1L && whole(n)) {
      res <- level_counts(res, g, n)
    }
    at <- g
    at$row <- g$categorical[1L]
    finding_rows("percent-sum", at, res, id_list(g$id, if (!anyNA(cnt$value)) cnt$id))
  }))
}

# Percentages of one n that add to 100 are exhaustive categories: the counts
# they allow must then add to n.
level_counts <- function(res, g, n) {
  ks <- percent_counts(g$value, n, g$digits)
  if (anyNA(ks$k_min)) return(res)
  fits <- sum(ks$k_min) <= n && sum(ks$k_max) >= n
  res$detail <- paste0(res$detail, "; as counts of ", n, " they are ",
                       paste(mapply(range_text, ks$k_min, ks$k_max), collapse = ", "),
                       ", which ", if (fits) "can" else "cannot", " add up to ", n)
  if (!fits) res$verdict <- "inconsistent"
  res
}

# Plain sentences -----------------------------------------------------------

finding_sentences <- list(
  percent = c("The percentage is a possible share of its denominator and matches its count.",
              "The percentage cannot come from its count and denominator: no whole number of patients gives it."),
  grim = c("The mean can come from whole-number scores of this many patients.",
           "No set of whole-number scores from this many patients has this mean."),
  grimmer = c("The mean and SD can both come from whole-number scores of this many patients.",
              "No set of whole-number scores from this many patients has this mean and this SD together."),
  order = c("The summary values are in a possible order.",
            "These summary values are in an impossible order (for example a mean outside its range)."),
  ci = c("The confidence interval contains its estimate.",
         "The confidence interval does not contain its own estimate."),
  `sum-n` = c("The subgroup sizes add up to the total size.",
              "The subgroup sizes do not add up to the total size."),
  sum = c("The parts add up to the total.",
          "The parts do not add up to the total."),
  `weighted-mean` = c("The total equals the size-weighted average of the subgroups, within rounding.",
                      "The total is not the size-weighted average of the subgroups, even allowing for rounding."),
  between = c("The total lies between its subgroups' values, as an average of them must.",
              "The total lies outside its subgroups' values, which no average of them can."),
  within = c("The value lies within its printed range.",
             "The value lies outside its printed range."),
  equal = c("The number printed twice is printed alike.",
            "The same number is printed differently in two places."),
  denominator = c("The percentage is a possible share of the count that is its denominator.",
                  "No whole number out of its denominator, printed elsewhere, gives this percentage."),
  range = c("The subgroup ranges and medians fit the total's.",
            "A subgroup's range or median does not fit the total's range or median."),
  `percent-sum` = c("The category percentages add up to 100% within rounding.",
                    "The category percentages (or counts) do not add up to 100% (or to n)."),
  p = c("The p value agrees with its test statistic.",
        "The p value does not agree with its test statistic."),
  `chisq-p` = c("A standard test on the printed counts gives this p value.",
                "No standard test on the printed counts gives this p value."),
  `t-p` = c("A t test on the printed means, SDs and sizes gives this p value.",
            "No t test on the printed means, SDs and sizes gives this p value."),
  regression = c("The coefficient equals the difference between the two group means.",
                 "The coefficient does not equal the difference between the two group means."))

explain_findings <- function(out) {
  if (!nrow(out)) return(character())
  vapply(seq_len(nrow(out)), function(i) {
    v <- out$verdict[i]
    if (v == "not-checkable") return(paste0("This could not be checked: ", out$detail[i], "."))
    s <- finding_sentences[[out$check[i]]]
    if (is.null(s)) return(out$detail[i])
    if (v == "consistent") return(s[1L])
    if (v == "decision-error") {
      return(sub("\\.$", ", and the correct p falls on the other side of the significance level, which changes the conclusion.", s[2L]))
    }
    s[2L]
  }, "")
}

#' @export
format.vcf_audit <- function(x, ...) {
  n_find <- nrow(x)
  n_dec <- sum(x$verdict == "decision-error")
  n_inc <- sum(x$verdict == "inconsistent")
  n_nc <- sum(x$verdict == "not-checkable")
  paste0(attr(x, "n_numbers"), " reported numbers, ", attr(x, "n_checked"),
         " checked in ", n_find - n_nc, " findings: ", n_inc, " inconsistent, ",
         n_dec, " decision error", if (n_dec != 1L) "s", ", ", n_nc, " not checkable")
}

#' @export
print.vcf_audit <- function(x, ...) {
  cat("<vcf_audit> ", format(x), "\n", sep = "")
  line <- function(r) {
    cat("  [", r$source, " | ", r$row, " | ", r$column, "] ", r$check, ": ",
        r$detail, " (ids ", r$ids, ")\n", sep = "")
  }
  for (v in c("decision-error", "inconsistent")) {
    rows <- x[x$verdict == v, , drop = FALSE]
    if (!nrow(rows)) next
    cat(if (v == "decision-error") "Decision errors:\n" else "Inconsistent:\n")
    for (i in seq_len(nrow(rows))) line(rows[i, ])
  }
  ok <- x[x$verdict == "consistent", , drop = FALSE]
  if (nrow(ok)) {
    tab <- table(ok$check)
    cat("Consistent: ", paste0(names(tab), " ", tab, collapse = ", "), "\n", sep = "")
  }
  nc <- x[x$verdict == "not-checkable", , drop = FALSE]
  if (nrow(nc)) {
    cat("Not checkable:\n")
    for (i in seq_len(nrow(nc))) line(nc[i, ])
  }
  invisible(x)
}

#' @export
summary.vcf_audit <- function(object, ...) {
  if (!inherits(object, "vcf_audit") || !is.data.frame(object) || is.null(object$verdict) ||
      is.null(attr(object, "n_numbers")) || is.null(attr(object, "n_checked"))) {
    vcf_abort(c("{.arg object} must be an audit from {.fn vcf_audit}.",
                x = "It is {.cls {class(object)}}."),
              c("type", "argument"))
  }
  data.frame(numbers = attr(object, "n_numbers"), checked = attr(object, "n_checked"),
             findings = nrow(object),
             consistent = sum(object$verdict == "consistent"),
             inconsistent = sum(object$verdict == "inconsistent"),
             decision_errors = sum(object$verdict == "decision-error"),
             not_checkable = sum(object$verdict == "not-checkable"))
}
