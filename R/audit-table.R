# vcf_audit(): every check that the structure of a table allows.

# vcf_audit -----------------------------------------------------------------

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

#' Audit a table of published statistics
#'
#' Runs every consistency check that the structure of a table of reported
#' statistics allows and returns one row per finding. The input is the
#' format of [vcf_published()]: one row per printed number with columns
#' `id`, `source` ("Table 1"), `row` (the variable), `column` ("Total",
#' "Subgroup A", "P value"), `group` (subgroup or visit, or `NA`),
#' `statistic` (`n`, `count`, `percent`, `mean`, `sd`, `median`, `min`,
#' `max`, `t`, `f`, `chisq`, `z`, `r`, `df`, `p`, `coef`, `ci_low`,
#' `ci_high`, ...), `value`, `reported` (the printed text), `digits` and
#' `n` (the denominator, where known).
#'
#' Numbers are grouped into cells (source, row, column, group) and blocks
#' (source, row). What is checked:
#' * in a cell: a count with its percentage and n ([vcf_check_percent()]); a
#'   percentage with its n; a mean with its n (GRIM) or with SD and n
#'   (GRIMMER), for rows whose label matches `integer_pattern` (measures
#'   that are whole numbers per patient); the order of min, median, mean
#'   and max; a confidence interval around its estimate;
#' * in a block: a column named like "Total" against the other columns
#'   (subgroups; p-value columns excluded): counts and n must add up, the
#'   total mean or percentage must be the n-weighted mean of the subgroups',
#'   subgroup ranges must lie in the total's, the total median between the
#'   subgroup medians. When `group` carries the subgroups (and the columns
#'   are visits), a group named like "Total" is compared with the other
#'   groups of its column;
#' * a test statistic with its p ([vcf_check_p()]); the df come from `df`
#'   (`df1`, `df2`) numbers of the block, else from n: `n - 1` for one
#'   sample or pairs, `n1 + n2 - 2` for two groups, accepting any df down to
#'   `min(n1, n2) - 1` (Welch);
#' * a regression coefficient in a block with two subgroup means
#'   ([vcf_check_regression()], either coding), unless the labels say it is
#'   adjusted;
#' * the percentages of a categorical variable, when its levels are rows
#'   named "variable: level" (or share a `variable` column), must add to 100.
#'
#' Rows it cannot interpret are left out; checks it recognises but cannot do
#' (a t without df or n) are reported as "not-checkable".
#'
#' @param x A data frame in the format of [vcf_published()].
#' @param alpha Significance level for decision errors.
#' @param integer_pattern Regular expression (case-insensitive) on `row`
#'   selecting means of whole-number data for GRIM/GRIMMER; `NULL` for none.
#'   A logical column `integer` in `x` overrides it.
#' @return A data frame of class `vcf_audit`, one row per finding: `check`,
#'   `source`, `row`, `column`, `verdict`, `ids` (comma-separated ids of the
#'   numbers involved), `reported`, `expected`, `detail`. Attributes
#'   `n_numbers` and `n_checked` count the table's numbers and those that
#'   entered a check.
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
vcf_audit <- function(x, alpha = 0.05, integer_pattern = audit_integer_pattern) {
  check_number(alpha, min = 0, max = 1)
  d <- audit_input(x)
  n_numbers <- nrow(x)
  is_integer <- if (!is.null(d$integer)) as.logical(d$integer) else
    if (is.null(integer_pattern)) rep(FALSE, nrow(d)) else
      grepl(integer_pattern, d$row, ignore.case = TRUE)
  d$is_integer <- !is.na(is_integer) & is_integer
  findings <- list()
  add <- function(check, cells, res, ids, reported = res$reported) {
    findings[[length(findings) + 1L]] <<- data.frame(
      check = check, source = cells$source[1L], row = cells$row[1L],
      column = paste(unique(cells$label), collapse = " | "),
      verdict = res$verdict, ids = ids, reported = reported,
      expected = as.character(res$expected), detail = res$detail,
      stringsAsFactors = FALSE)
  }
  blocks <- split(d, factor(paste(d$source, d$row, sep = "\r"),
                            levels = unique(paste(d$source, d$row, sep = "\r"))))
  for (b in blocks) audit_block(b, add, alpha)
  audit_categorical(d, add)
  out <- if (length(findings)) do.call(rbind, findings) else
    data.frame(check = character(), source = character(), row = character(),
               column = character(), verdict = character(), ids = character(),
               reported = character(), expected = character(), detail = character())
  rownames(out) <- NULL
  checked_ids <- unique(unlist(strsplit(out$ids[out$verdict != "not-checkable"], ", ")))
  structure(out, class = c("vcf_audit", "data.frame"), n_numbers = n_numbers,
            n_checked = length(intersect(checked_ids, d$id)))
}

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
  for (col in setdiff(audit_columns, names(x))) x[[col]] <- NA
  x$id <- as.character(x$id)
  dup <- which(duplicated(x$id) | is.na(x$id))
  if (length(dup)) {
    vcf_abort(c("{.field id} must be unique and not missing.",
                x = "Duplicated or missing at {describe_rows(dup, x$id[dup])}."),
              c("duplicate_key", "input"), call = call)
  }
  for (col in c("source", "row", "column", "group", "reported")) {
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
  x$source[is.na(x$source)] <- ""
  x$row[is.na(x$row)] <- ""
  x$column[is.na(x$column)] <- ""
  # p comparison from the printed text ("<.0001")
  rep_text <- ifelse(is.na(x$reported), "", x$reported)
  x$comparison <- ifelse(x$statistic == "p" & grepl("<", rep_text), "<",
                         ifelse(x$statistic == "p" & grepl(">", rep_text), ">", "="))
  x$n_id <- NA_character_
  # Denominators from "n" numbers of the same source, column and group
  nrows <- x[x$statistic == "n" & !is.na(x$value), ]
  if (nrow(nrows)) {
    key <- paste(x$source, x$column, x$group, sep = "\r")
    nkey <- paste(nrows$source, nrows$column, nrows$group, sep = "\r")
    single <- names(which(tapply(nrows$value, nkey, function(v) length(unique(v)) == 1L)))
    fill <- is.na(x$n) & key %in% single & x$statistic != "n"
    hit <- match(key[fill], nkey)
    x$n[fill] <- nrows$value[hit]
    x$n_id[fill] <- nrows$id[hit]
  }
  x <- x[!is.na(x$value) & !is.na(x$statistic), , drop = FALSE]
  x
}

is_total_label <- function(x) grepl("^\\s*(total|overall|all\\b|whole|entire)", x, ignore.case = TRUE)
is_p_label <- function(x) grepl("^\\s*p(\\s*[- ]?\\s*val(ue)?)?\\s*$|p[ -]?value", x, ignore.case = TRUE)
descriptive_stats <- c("n", "count", "percent", "mean", "sd", "median", "min", "max",
                       "q1", "q3", "iqr")
test_stats <- c("t", "f", "chisq", "z", "r")
visit_pattern <- "pre|post|baseline|follow|month|week|day|year|visit|before|after|final|initial|\\bmo\\b"

id_list <- function(...) {
  ids <- unique(stats::na.omit(c(...)))
  paste(ids, collapse = ", ")
}

# Per-block audit: cells, total vs subgroups, tests, regression.
audit_block <- function(b, add, alpha) {
  b$group_key <- ifelse(is.na(b$group), "", b$group)
  b$label <- ifelse(b$group_key == "", b$column,
                    ifelse(b$column == "", b$group_key, paste(b$column, b$group_key, sep = " / ")))
  cell_key <- paste(b$column, b$group_key, sep = "\r")
  cells <- split(b, factor(cell_key, levels = unique(cell_key)))
  get <- function(cell, stat) {
    r <- cell[cell$statistic == stat, , drop = FALSE]
    if (nrow(r)) r[1L, , drop = FALSE] else NULL
  }
  cell_n <- function(cell) {
    r <- get(cell, "n")
    if (!is.null(r)) return(list(n = r$value, id = r$id))
    nn <- cell$n[!is.na(cell$n)]
    if (length(nn)) return(list(n = nn[1L], id = cell$n_id[!is.na(cell$n)][1L]))
    list(n = NA_real_, id = NA_character_)
  }
  for (cell in cells) audit_cell(cell, get, cell_n(cell), add)

  # Total vs subgroups
  info <- data.frame(key = names(cells), column = vapply(cells, function(c) c$column[1L], ""),
                     group = vapply(cells, function(c) c$group_key[1L], ""),
                     descriptive = vapply(cells, function(c) any(c$statistic %in% descriptive_stats), NA),
                     stringsAsFactors = FALSE)
  info$p_col <- is_p_label(info$column)
  info$total_col <- is_total_label(info$column)
  info$total_grp <- is_total_label(info$group)
  for (i in which((info$total_col | info$total_grp) & info$descriptive & !info$p_col)) {
    subs <- if (info$total_col[i]) {
      which(!info$total_col & !info$total_grp & !info$p_col & info$descriptive &
              info$group == info$group[i])
    } else {
      which(!info$total_grp & !info$total_col & !info$p_col & info$descriptive &
              info$column == info$column[i])
    }
    if (length(subs) >= 2L) audit_total(cells[[i]], cells[subs], get, cell_n, add)
  }

  # Tests: statistic with p (and df) per group within the block
  tests <- b[b$statistic %in% test_stats, , drop = FALSE]
  for (g in unique(tests$group_key)) {
    bg <- b[b$group_key == g | (b$group_key == "" & !g %in% b$group_key[b$statistic == "p"]), ]
    ts <- bg[bg$statistic %in% test_stats, , drop = FALSE]
    ps <- bg[bg$statistic == "p", , drop = FALSE]
    if (nrow(ts) != 1L || nrow(ps) != 1L) {
      if (nrow(ts) >= 1L) {
        add("p", ts, list(verdict = "not-checkable", expected = NA,
                          detail = paste0("found ", nrow(ts), " test statistic(s) and ", nrow(ps),
                                          " p value(s); cannot pair them")),
            id_list(ts$id, ps$id), reported = paste(ts$reported, collapse = "; "))
      }
      next
    }
    audit_test(ts, ps, bg, info, cells, cell_n, add, alpha)
  }

  # Regression coefficient vs two subgroup means
  co <- b[b$statistic == "coef", , drop = FALSE]
  means <- b[b$statistic == "mean" & !is_total_label(b$column) & !is_total_label(b$group_key) &
               !is_p_label(b$column), , drop = FALSE]
  adjusted <- grepl("adjust|multivariabl|multivariat|multiple", paste(b$source[1L], b$row[1L],
                                                                       co$column, co$group),
                    ignore.case = TRUE)
  if (nrow(co) == 1L && nrow(means) == 2L && !any(adjusted)) {
    res <- vcf_check_regression(co$value, means$value[1L], means$value[2L],
                                digits = max(means$digits), coef_digits = co$digits,
                                sign_known = FALSE)
    add("regression", rbind(co, means), res, id_list(co$id, means$id),
        reported = paste0("coef ", co$value, "; means ", paste(means$value, collapse = ", ")))
  }
}

audit_cell <- function(cell, get, nn, add) {
  count <- get(cell, "count"); pct <- get(cell, "percent")
  n <- nn$n
  if (!is.null(pct) && !is.na(n) && n >= 1 && n == round(n)) {
    cnt <- if (!is.null(count) && count$value == round(count$value) && count$value >= 0) count$value else NULL
    res <- vcf_check_percent(pct$value, n, cnt, digits = pct$digits, rounding = "up_or_down")
    add("percent", cell, res, id_list(count$id, pct$id, nn$id),
        reported = paste0(if (!is.null(cnt)) paste0(cnt, " "), "(", res$percent, "%) of ", n))
  }
  mean <- get(cell, "mean"); sd <- get(cell, "sd")
  if (!is.null(mean) && isTRUE(mean$is_integer) && !is.na(n) && n >= 1 && n == round(n)) {
    if (!is.null(sd) && n >= 2) {
      res <- vcf_grimmer(mean$value, sd$value, n, digits = mean$digits, sd_digits = sd$digits)
      add("grimmer", cell, res, id_list(mean$id, sd$id, nn$id),
          reported = paste0(res$mean, " (", res$sd, "), n = ", n))
    } else {
      res <- vcf_grim(mean$value, n, digits = mean$digits)
      # n >= 10^digits: GRIM has nothing to say, so no finding
      if (res$verdict != "not-checkable") {
        add("grim", cell, res, id_list(mean$id, nn$id), reported = paste0(res$mean, ", n = ", n))
      }
    }
  }
  # Order of location statistics within the cell
  ord <- c("min", "q1", "median", "q3", "max")
  present <- lapply(ord, get, cell = cell)
  names(present) <- ord
  present <- Filter(Negate(is.null), present)
  if (!is.null(mean) && !is.null(present$min) && !is.null(present$max)) present$mean <- mean
  if (length(present) >= 2L) {
    v <- vapply(present, function(r) r$value, 0)
    mm <- c(min = -Inf, max = Inf)
    bad <- character()
    core <- v[intersect(ord, names(v))]
    if (is.unsorted(core)) bad <- c(bad, paste0(paste(names(core), collapse = " <= "), " fails"))
    if ("mean" %in% names(v) && (v[["mean"]] < v[["min"]] || v[["mean"]] > v[["max"]])) {
      bad <- c(bad, "the mean lies outside [min, max]")
    }
    res <- list(verdict = if (length(bad)) "inconsistent" else "consistent",
                expected = paste(names(v), collapse = " <= "),
                detail = if (length(bad)) paste(bad, collapse = "; ") else
                  paste0(paste(names(v), v, sep = " ", collapse = ", "), " are in order"))
    add("order", cell, res, id_list(vapply(present, function(r) r$id, "")),
        reported = paste(v, collapse = ", "))
  }
  if (!is.null(sd) && sd$value < 0) {
    add("order", cell, list(verdict = "inconsistent", expected = ">= 0",
                            detail = "a standard deviation is never negative"), sd$id,
        reported = as.character(sd$value))
  }
  p <- get(cell, "p")
  if (!is.null(p) && (p$value < 0 || p$value > 1)) {
    add("order", cell, list(verdict = "inconsistent", expected = "in [0, 1]",
                            detail = "a p value lies between 0 and 1"), p$id,
        reported = as.character(p$value))
  }
  # Confidence interval around its estimate
  lo <- get(cell, "ci_low"); hi <- get(cell, "ci_high")
  est <- Filter(Negate(is.null), lapply(c("coef", "mean", "median", "or", "hr", "rr",
                                          "difference"), get, cell = cell))
  if (!is.null(lo) && !is.null(hi) && length(est)) {
    e <- est[[1L]]
    res <- vcf_check_ci(e$value, lo$value, hi$value)
    add("ci", cell, res, id_list(e$id, lo$id, hi$id))
  }
}

audit_total <- function(total, subs, get, cell_n, add) {
  all_cells <- do.call(rbind, c(list(total), subs))
  tn <- cell_n(total); sn <- lapply(subs, cell_n)
  sub_n <- vapply(sn, `[[`, 0, "n")
  n_ids <- c(tn$id, vapply(sn, `[[`, "", "id"))
  n_known <- !is.na(tn$n) && !anyNA(sub_n)
  partition <- n_known && sum(sub_n) == tn$n
  for (stat in c("n", "count")) {
    tv <- get(total, stat); sv <- lapply(subs, get, stat = stat)
    if (is.null(tv) || any(vapply(sv, is.null, NA))) next
    parts <- vapply(sv, function(r) r$value, 0)
    ids <- id_list(tv$id, vapply(sv, function(r) r$id, ""))
    if (stat == "count" && n_known && !partition) {
      add("sum", all_cells, list(verdict = "not-checkable", expected = NA,
                                 detail = paste0("the subgroups' n (", paste(sub_n, collapse = " + "),
                                                 ") do not make the total n ", tn$n)),
          ids, reported = paste(parts, collapse = " + "))
      next
    }
    res <- vcf_check_sum(parts, tv$value, n = if (stat == "count" && !anyNA(sub_n)) list(sub_n))
    if (stat == "count" && !n_known) res$detail <- paste0(res$detail, " (assuming the subgroups make up the total)")
    add(if (stat == "n") "sum-n" else "sum", all_cells, res,
        if (stat == "count") id_list(ids, n_ids) else ids)
  }
  # n-weighted means and percentages
  for (stat in c("mean", "percent")) {
    tv <- get(total, stat); sv <- lapply(subs, get, stat = stat)
    if (is.null(tv) || any(vapply(sv, is.null, NA))) next
    if (stat == "percent" && !is.null(get(total, "count")) &&
        !any(vapply(lapply(subs, get, stat = "count"), is.null, NA))) next
    if (!partition) {
      add("weighted-mean", all_cells,
          list(verdict = "not-checkable", expected = NA,
               detail = "needs the n of every subgroup, adding up to the total n"),
          id_list(tv$id, vapply(sv, function(r) r$id, "")), reported = as.character(tv$value))
      next
    }
    res <- vcf_check_weighted_mean(vapply(sv, function(r) r$value, 0), sub_n, tv$value,
                                   digits = max(vapply(sv, function(r) r$digits, 0L)),
                                   total_digits = tv$digits)
    add("weighted-mean", all_cells, res, id_list(tv$id, vapply(sv, function(r) r$id, ""), n_ids))
  }
  # Ranges and medians
  tmin <- get(total, "min"); tmax <- get(total, "max"); tmed <- get(total, "median")
  smin <- lapply(subs, get, stat = "min"); smax <- lapply(subs, get, stat = "max")
  smed <- lapply(subs, get, stat = "median")
  have <- function(l) !any(vapply(l, is.null, NA))
  vals <- function(l) vapply(l, function(r) r$value, 0)
  ids <- function(l) vapply(l, function(r) r$id, "")
  use_range <- !is.null(tmin) && !is.null(tmax) && have(smin) && have(smax)
  use_med <- !is.null(tmed) && have(smed) && (partition || !n_known)
  if (use_range || use_med) {
    res <- vcf_check_range(if (use_range) vals(smin) else numeric(),
                           if (use_range) vals(smax) else numeric(),
                           if (use_range) tmin$value else NA, if (use_range) tmax$value else NA,
                           median = if (use_med) vals(smed), total_median = if (use_med) tmed$value,
                           partition = partition)
    add("range", all_cells, res,
        id_list(if (use_range) c(tmin$id, tmax$id, ids(smin), ids(smax)),
                if (use_med) c(tmed$id, ids(smed))))
  }
}

audit_test <- function(ts, ps, bg, info, cells, cell_n, add, alpha) {
  test <- c(t = "t", f = "F", chisq = "chisq", z = "z", r = "r")[[ts$statistic]]
  df1 <- bg[bg$statistic == "df1", , drop = FALSE]
  df2 <- bg[bg$statistic == "df2", , drop = FALSE]
  dfs <- bg[bg$statistic == "df", , drop = FALSE]
  used <- c(ts$id, ps$id)
  note <- ""
  welch_lo <- NA
  d1 <- NA; d2 <- NA
  if (test == "F") {
    if (nrow(df1) && nrow(df2)) {
      d1 <- df1$value[1L]; d2 <- df2$value[1L]; used <- c(used, df1$id[1L], df2$id[1L])
    } else if (nrow(dfs) == 2L) {
      d1 <- dfs$value[1L]; d2 <- dfs$value[2L]; used <- c(used, dfs$id)
    }
  } else if (nrow(dfs)) {
    d1 <- d2 <- dfs$value[1L]; used <- c(used, dfs$id[1L])
  } else if (test %in% c("t", "r")) {
    # Infer df from the sizes: two subgroup columns give n1 + n2 - 2 (down
    # to min(n) - 1 for Welch); one n (pairs, one sample) gives n - 1.
    subs <- which(!info$total_col & !info$total_grp & !info$p_col & info$descriptive)
    sub_n <- vapply(cells[subs], function(c) cell_n(c)$n, 0)
    own_n <- c(ts$n, ps$n)
    own_n <- own_n[!is.na(own_n)]
    visits <- grepl(visit_pattern, info$column[subs], ignore.case = TRUE)
    if (test == "t" && length(subs) == 2L && !anyNA(sub_n) && all(visits) &&
        sub_n[1L] == sub_n[2L]) {
      d2 <- sub_n[1L] - 1
      used <- c(used, stats::na.omit(vapply(cells[subs], function(c) cell_n(c)$id, "")))
      note <- paste0(" (paired: df = n - 1 from n = ", sub_n[1L], " at both visits)")
    } else if (test == "t" && length(subs) == 2L && !anyNA(sub_n)) {
      d2 <- sum(sub_n) - 2; welch_lo <- min(sub_n) - 1
      used <- c(used, stats::na.omit(vapply(cells[subs], function(c) cell_n(c)$id, "")))
      note <- paste0(" (df from n = ", sub_n[1L], " + ", sub_n[2L], " - 2",
                     "; Welch df down to ", welch_lo, " accepted)")
    } else if (length(own_n)) {
      d2 <- if (test == "r") own_n[1L] - 2 else own_n[1L] - 1
      note <- paste0(" (df = n - ", if (test == "r") 2 else 1, " from n = ", own_n[1L], ")")
    }
  }
  res <- vcf_check_p(ts$value, df = if (test == "F") cbind(d1, d2) else
    if (test == "chisq") d1 else d2, p = ps$value, test = test,
    comparison = ps$comparison, digits = ts$digits, p_digits = ps$digits, alpha = alpha)
  if (!is.na(welch_lo) && res$verdict != "consistent" && !is.na(res$df_min) &&
      res$df_min <= d2 && res$df_max >= welch_lo) {
    res$verdict <- "consistent"
    res$detail <- paste0(res$detail, "; a Welch test with df in [", welch_lo, ", ", d2,
                         "] would fit")
  }
  res$detail <- paste0(res$detail, note)
  add("p", rbind(ts[, names(ps)], ps), res, id_list(used),
      reported = paste0(ts$statistic, " = ", ts$value, ", p ", ps$comparison, " ", ps$value))
}

# Categorical variables: rows "variable: level" (or a `variable` column),
# percentages in the same source, column and group must add to 100.
audit_categorical <- function(d, add) {
  pct <- d[d$statistic == "percent", , drop = FALSE]
  if (!nrow(pct)) return(invisible())
  variable <- if (!is.null(pct$variable)) as.character(pct$variable) else
    ifelse(grepl(":", pct$row), sub("\\s*:.*$", "", pct$row), NA)
  keep <- !is.na(variable) & variable != ""
  pct <- pct[keep, , drop = FALSE]; variable <- variable[keep]
  if (!nrow(pct)) return(invisible())
  pct$label <- ifelse(is.na(pct$group), pct$column, paste(pct$column, pct$group, sep = " / "))
  key <- paste(pct$source, variable, pct$column, pct$group, sep = "\r")
  for (k in unique(key)) {
    g <- pct[key == k, , drop = FALSE]
    if (nrow(g) < 2L) next
    cnt <- d[d$statistic == "count" & d$source == g$source[1L] & d$row %in% g$row &
               d$column == g$column[1L] & (is.na(d$group) & is.na(g$group[1L]) |
                                             d$group %in% g$group[1L]), , drop = FALSE]
    cnt <- cnt[match(g$row, cnt$row), , drop = FALSE]
    n <- unique(stats::na.omit(g$n))
    res <- vcf_check_percent_sum(g$value, digits = max(g$digits),
                                 counts = if (!anyNA(cnt$value)) list(cnt$value),
                                 n = if (length(n) == 1L) n else NA)
    cells <- g
    cells$row <- variable[key == k][1L]
    add("percent-sum", cells, res, id_list(g$id, if (!anyNA(cnt$value)) cnt$id))
  }
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
  data.frame(numbers = attr(object, "n_numbers"), checked = attr(object, "n_checked"),
             findings = nrow(object),
             consistent = sum(object$verdict == "consistent"),
             inconsistent = sum(object$verdict == "inconsistent"),
             decision_errors = sum(object$verdict == "decision-error"),
             not_checkable = sum(object$verdict == "not-checkable"))
}
