# Journal layouts of every table the package makes. A layout is the one
# description all renderers share (console, flextable/Word/HTML, knitr,
# markdown): column headers (with group n), body cells as text, the
# indentation of each row, footnote marks on p-values, footnotes naming each
# test, general notes and a caption. Renderers live in R/render.R.

# A layout: `body` a character matrix whose first column holds the row
# labels; `indent` 0/1 per row; `marks` a footnote letter per row (shown on
# column `mark_col`); `footnotes` named by mark.
new_layout <- function(header, body, indent = NULL, marks = NULL, mark_col = NA_integer_,
                       footnotes = character(), notes = character(), caption = "") {
  body <- as.matrix(body)
  storage.mode(body) <- "character"
  body[is.na(body)] <- ""
  dimnames(body) <- NULL
  n <- nrow(body)
  structure(list(header = as.character(header), body = body,
                 indent = indent %||% integer(n), marks = marks %||% character(n),
                 mark_col = mark_col, footnotes = footnotes, notes = notes,
                 caption = caption),
            class = "vcf_layout")
}

table_layout <- function(x, style = NULL, ...) UseMethod("table_layout")

#' @export
table_layout.default <- function(x, style = NULL, ...) {
  x <- as.data.frame(x, stringsAsFactors = FALSE)
  style <- style %||% "ajnr"
  body <- vapply(names(x), function(name) format_column(x[[name]], name, style),
                 character(nrow(x)))
  if (!is.matrix(body)) body <- matrix(body, nrow = nrow(x))
  new_layout(header = names(x), body = body, caption = attr(x, "caption") %||% "")
}

# A column as text: p-values in the journal style, other numbers with at
# most 4 significant digits and never in scientific notation.
format_column <- function(v, name, style) {
  if (is.factor(v)) v <- as.character(v)
  if (is.logical(v)) return(ifelse(is.na(v), "", ifelse(v, "yes", "no")))
  if (!is.numeric(v)) return(ifelse(is.na(v), "", as.character(v)))
  if (grepl("^p([._ ]?value)?$", name, ignore.case = TRUE) && all(is.na(v) | (v >= 0 & v <= 1))) {
    return(vcf_format_p(v, style))
  }
  format_plain(v)
}

format_plain <- function(v, digits = 4L) {
  out <- formatC(signif(v, digits), digits = digits, format = "fg", big.mark = "")
  out <- trimws(out)
  out <- sub("^-", "\u2212", out)
  out[is.na(v)] <- ""
  out
}

# Footnote letters a, b, c, ... for the tests in order of first use, and
# the mark of each row.
test_marks <- function(keys, texts) {
  used <- unique(keys[!is.na(keys) & keys != ""])
  letters_used <- letters[seq_along(used)]
  marks <- letters_used[match(keys, used)]
  marks[is.na(marks)] <- ""
  list(marks = marks, footnotes = stats::setNames(texts[match(used, keys)], letters_used))
}

test_labels <- c(
  t = "Student's t test", welch = "Welch's t test",
  ranksum = "Wilcoxon rank-sum (Mann-Whitney U) test",
  chisq = "Pearson's \u03c7\u00b2 test", yates = "Pearson's \u03c7\u00b2 test with Yates' continuity correction",
  fisher = "Fisher's exact test", paired_t = "Paired t test",
  signrank = "Wilcoxon signed-rank test",
  ols = "t test of the regression coefficient (ordinary least squares)")

test_label <- function(test, low_expected = FALSE) {
  label <- unname(ifelse(test %in% names(test_labels), test_labels[test], test))
  low_expected <- rep_len(low_expected, length(test))
  ifelse(!is.na(low_expected) & low_expected,
         paste0(label, "; some expected counts are below 5, so the approximation may be inaccurate"),
         label)
}

# Abbreviations used in labels, spelled out in a note.
abbreviations <- c(BME = "bone marrow edema", CI = "confidence interval",
                   IQR = "interquartile range", ODI = "Oswestry Disability Index",
                   SD = "standard deviation", VAS = "visual analog scale",
                   VCF = "vertebral compression fracture")

abbreviation_note <- function(text) {
  used <- names(abbreviations)[vapply(names(abbreviations), function(a)
    any(grepl(paste0("\\b", a, "\\b"), text)), logical(1))]
  if (!length(used)) return(character())
  paste0(paste(used, abbreviations[used], sep = " = ", collapse = "; "), ".")
}

n_header <- function(title, n) {
  paste0(title, if (!is.null(n) && !is.na(n)) paste0(" (n = ", n, ")"))
}

# Table 1 ----------------------------------------------------------------------

table1_meta <- c("variable", "characteristic", "level", "statistic", "Total", "p_value",
                 "test", "low_expected", "unit")

#' @export
table_layout.vcf_table1 <- function(x, style = NULL, ...) {
  style <- style %||% attr(x, "style") %||% "ajnr"
  if (!all(c("variable", "characteristic", "level", "statistic") %in% names(x))) {
    return(table_layout.default(unclass_table(x), style))
  }
  groups <- setdiff(names(x), table1_meta)
  cols <- c(if ("Total" %in% names(x)) "Total", groups)
  n <- attr(x, "n")
  title <- attr(x, "group_title") %||% ""
  header <- c("Characteristic",
              vapply(cols, function(g) {
                name <- if (g == "Total") "Total" else trimws(paste(title, g))
                n_header(name, n$patient[[g]] %||% NA)
              }, ""),
              if (length(groups) >= 2L) "P value")
  x <- x[x$variable != "n_patients", , drop = FALSE]
  rows <- list()
  for (var in unique(x$variable)) {
    block <- x[x$variable == var, , drop = FALSE]
    rows[[var]] <- table1_layout_block(var, block, cols, groups, style)
  }
  rows <- do.call(rbind, rows)
  tests <- test_marks(ifelse(is.na(rows$test), "", paste(rows$test, rows$low_expected)),
                      test_label(rows$test, rows$low_expected))
  body <- cbind(rows$label, as.matrix(rows[cols]),
                if (length(groups) >= 2L) rows$p)
  notes <- c(table1_fracture_note(x, n, cols, title),
             "Percentages are of patients (or treated VCF) with a recorded value.",
             abbreviation_note(c(rows$label, header)))
  new_layout(header, body, indent = rows$indent, marks = tests$marks,
             mark_col = if (length(groups) >= 2L) ncol(body) else NA_integer_,
             footnotes = tests$footnotes, notes = notes,
             caption = paste0("Characteristics of patients and treated vertebral compression fractures",
                              if (length(groups)) " by group"))
}

# A variable's printed rows: one row for a continuous variable, a count or
# a yes/no variable; a heading row with the levels indented below it
# otherwise. The statistic goes into the label.
table1_layout_block <- function(var, block, cols, groups, style) {
  display <- if (var == "n_treated") "Treated VCF" else variable_label(var, display = TRUE)
  p <- vcf_format_p(block$p_value, style)
  one <- function(label, cells, indent, p, test, low) {
    out <- data.frame(label = label, indent = indent, p = p, test = test,
                      low_expected = low, stringsAsFactors = FALSE)
    out[cols] <- as.list(cells)
    out
  }
  first <- block[1, , drop = FALSE]
  if (nrow(block) == 1L && (is.na(first$level) || first$level == "yes")) {
    return(one(paste0(display, ", ", first$statistic), first[cols], 0L, p[1], first$test,
               first$low_expected))
  }
  head <- one(paste0(display, ", ", first$statistic), as.list(rep("", length(cols))), 0L, p[1],
              first$test, first$low_expected)
  levels <- do.call(rbind, lapply(seq_len(nrow(block)), function(i)
    one(block$level[i], block[i, cols, drop = FALSE], 1L, "", NA_character_, NA)))
  rbind(head, levels)
}

table1_fracture_note <- function(x, n, cols, title) {
  if (!any(x$unit == "fracture") || is.null(n$fracture)) return(character())
  counts <- n$fracture[cols]
  names(counts) <- ifelse(cols == "Total", "total", trimws(paste(title, cols)))
  paste0("Fracture characteristics are per treated VCF (",
         paste0(names(counts), ", ", counts, collapse = "; "), ").")
}

# Paired comparisons -------------------------------------------------------------

#' @export
table_layout.vcf_paired_table <- function(x, style = NULL, ...) {
  style <- style %||% attr(x, "style") %||% "ajnr"
  needed <- c("outcome", "n_pairs", "from_mean", "to_mean", "mean_diff", "p_value", "test")
  if (!all(needed %in% names(x))) return(table_layout.default(unclass_table(x), style))
  from <- attr(x, "from") %||% "first visit"
  to <- attr(x, "to") %||% "second visit"
  cell <- function(m, lo, hi) {
    d <- ifelse(lo == round(lo) & hi == round(hi), 0L, 1L)
    sprintf("%s (%s\u2013%s)", format_number(m, 1L), format_number(lo, d), format_number(hi, d))
  }
  label <- paste0(vapply(x$outcome, variable_label_paired, ""), ", mean (range)")
  diff <- paste0(format_number(x$mean_diff, 1L), " (", format_number(x$ci_low, 1L), " to ",
                 format_number(x$ci_high, 1L), ")")
  tests <- test_marks(x$test, test_label(x$test))
  body <- cbind(label, as.character(x$n_pairs), cell(x$from_mean, x$from_min, x$from_max),
                cell(x$to_mean, x$to_min, x$to_max), diff, vcf_format_p(x$p_value, style))
  header <- c("Outcome", "No. of pairs", from, to, "Mean difference (95% CI)", "P value")
  notes <- c(paste0("Differences are ", from, " minus ", to, "; pairs are patients (VAS, ODI, ",
                    "analgesics) or treated VCF (height, BME) with both visits."),
             if (any(x$n_dropped > 0)) paste0("Pairs left out for a missing visit: ",
                                              paste0(x$outcome[x$n_dropped > 0], ", ",
                                                     x$n_dropped[x$n_dropped > 0], collapse = "; "), "."),
             abbreviation_note(c(label, header)))
  new_layout(header, body, marks = tests$marks, mark_col = ncol(body),
             footnotes = tests$footnotes, notes = notes,
             caption = paste0("Outcomes at ", from, " and ", to))
}

# BME change vs pain change (the relation) --------------------------------------

relation_predictors <- c(bme_similar = "BME extent similar (vs decreased)",
                         bme_absent = "BME absent at end of interval (vs present)")
relation_outcomes <- c(vas_decrease = "VAS decrease", analgesic_decrease = "Analgesic class decrease")

#' @export
table_layout.vcf_relation_table <- function(x, style = NULL, ...) {
  style <- style %||% "ajnr"
  needed <- c("interval", "predictor", "outcome", "n", "coef", "ci_low", "ci_high")
  if (!all(needed %in% names(x))) return(table_layout.default(unclass_table(x), style))
  ci <- function(lo, hi) ifelse(is.na(lo), "", paste0(format_number(lo, 2L), " to ", format_number(hi, 2L)))
  has_p <- "p_value" %in% names(x) && any(!is.na(x$p_value))
  rows <- list()
  # Interval, then predictor, then one row per outcome.
  for (interval in unique(x$interval)) {
    rows[[length(rows) + 1L]] <- c(interval, rep("", 6L), "0")
    part <- x[x$interval == interval, , drop = FALSE]
    for (predictor in unique(part$predictor)) {
      rows[[length(rows) + 1L]] <- c(lookup(relation_predictors, predictor), rep("", 6L), "1")
      r <- part[part$predictor == predictor, , drop = FALSE]
      coef <- ifelse(is.na(r$coef), "", paste0(format_number(r$coef, 2L), " (",
                                               ci(r$ci_low, r$ci_high), ")"))
      rows[[length(rows) + 1L]] <- cbind(
        lookup(relation_outcomes, r$outcome), as.character(r$n), format_number(r$mean_1, 2L),
        format_number(r$mean_0, 2L), coef, ci(r$boot_low, r$boot_high),
        if (has_p) vcf_format_p(r$p_value, style) else "", "2")
    }
  }
  rows <- do.call(rbind, rows)
  boot_type <- boot_type_label(x$boot_type[1] %||% "")
  marks <- ifelse(rows[, 8] == "2" & rows[, 7] != "", "a", "")
  header <- c("Interval, predictor and outcome", "n", "Mean decrease (predictor = 1)",
              "Mean decrease (predictor = 0)", "Coefficient (95% CI)",
              paste0("Bootstrap 95% CI", if (nzchar(boot_type)) paste0(" (", boot_type, ")")),
              "P value")
  notes <- c(paste0("Linear regression of the outcome's decrease over the interval on the ",
                    "predictor (1 or 0), in subgroup ", attr(x, "group") %||% "", "; the ",
                    "coefficient is the difference in mean decrease. Predictors are 1 for the ",
                    "state named first and 0 for the state in parentheses. Bootstrap intervals ",
                    "resample patients."),
             abbreviation_note(c(rows[, 1], header)))
  new_layout(header, rows[, 1:7, drop = FALSE], indent = as.integer(rows[, 8]), marks = marks,
             mark_col = 7L, footnotes = if (has_p) c(a = test_labels[["ols"]]) else character(),
             notes = notes,
             caption = paste0("Change in BME extent and change in pain per follow-up interval",
                              if (!is.null(attr(x, "group"))) paste0(", subgroup ", attr(x, "group"))))
}

boot_type_label <- function(type) {
  lookup(c(bca = "BCa", perc = "percentile", percentile = "percentile", basic = "basic",
           norm = "normal", normal = "normal", stud = "studentized",
           studentized = "studentized"), type)
}

lookup <- function(map, keys) ifelse(keys %in% names(map), map[keys], keys)

# Follow-up tables -----------------------------------------------------------------

#' @export
table_layout.vcf_followup_table <- function(x, style = NULL, ...) {
  part <- attr(x, "part")
  switch(part,
    intervals = layout_intervals(x),
    resolution = layout_by_group(x, "visit", NULL, "resolved", "n", "BME resolution per visit",
                                 "Treated VCF whose BME has resolved, n/N (%)"),
    bme_classes = layout_by_group(x, "visit", "class", "count", "n",
                                  "Extent of BME in treated VCF per visit", "Treated VCF, n/N (%)"),
    analgesics = layout_by_group(x, "visit", "analgesic", "count", "n",
                                 "Pain medication per visit", "Patients, n/N (%)"),
    pain = layout_pain(x),
    transitions = layout_transitions(x),
    table_layout.default(unclass_table(x), style))
}

count_cell <- function(count, n) {
  ifelse(is.na(n) | n == 0, "\u2013",
         paste0(count, "/", n, " (", format_number(100 * count / n, 0L), ")"))
}

# Rows by `row` (with `sub` levels indented), a column per group.
layout_by_group <- function(x, row, sub, count, n, caption, note) {
  groups <- unique(as.character(x$group))
  keys <- unique(as.character(x[[row]]))
  rows <- list()
  for (k in keys) {
    part <- x[as.character(x[[row]]) == k, , drop = FALSE]
    subs <- if (is.null(sub)) NA else unique(as.character(part[[sub]]))
    if (!is.null(sub)) rows[[length(rows) + 1L]] <- c(k, rep("", length(groups)), "0")
    for (s in subs) {
      cells <- vapply(groups, function(g) {
        hit <- part$group == g & (if (is.null(sub)) TRUE else as.character(part[[sub]]) == s)
        if (!any(hit)) "" else count_cell(part[[count]][hit][1], part[[n]][hit][1])
      }, "")
      rows[[length(rows) + 1L]] <- c(if (is.null(sub)) k else s, cells, if (is.null(sub)) "0" else "1")
    }
  }
  rows <- do.call(rbind, rows)
  header <- c(if (is.null(sub)) "Visit" else "Visit and class", group_header(groups))
  new_layout(header, rows[, -ncol(rows), drop = FALSE], indent = as.integer(rows[, ncol(rows)]),
             notes = c(note, abbreviation_note(c(caption, rows[, 1]))), caption = caption)
}

group_header <- function(groups) {
  if (identical(groups, "All")) "All" else paste("Subgroup", groups)
}

layout_pain <- function(x) {
  groups <- unique(as.character(x$group))
  visits <- unique(as.character(x$visit))
  body <- t(vapply(visits, function(v) vapply(groups, function(g) {
    r <- x[x$visit == v & x$group == g, , drop = FALSE]
    if (!nrow(r) || is.na(r$n[1]) || r$n[1] == 0) return("\u2013")
    paste0(format_number(r$median[1], 1L), " (", format_number(r$min[1], 0L), "\u2013",
           format_number(r$max[1], 0L), "); n = ", r$n[1])
  }, ""), character(length(groups))))
  if (length(groups) == 1L) body <- t(body)
  new_layout(c("Visit", group_header(groups)), cbind(visits, matrix(body, nrow = length(visits))),
             notes = "Data are median (range) of the VAS for pain (0\u201310) and the patients assessed. VAS = visual analog scale.",
             caption = "Pain per visit")
}

interval_rows <- c(bme = "BME extent", vas_mean_decrease = "VAS decrease, mean",
                   vas = "VAS for pain", analgesic = "Analgesic class")

layout_intervals <- function(x) {
  groups <- unique(as.character(x$group))
  intervals <- unique(as.character(x$interval))
  columns <- expand.grid(interval = intervals, group = groups, stringsAsFactors = FALSE)
  header <- c("Outcome, n/N (%)", if (length(groups) == 1L) intervals else
    paste0(columns$interval, ", ", group_header(columns$group)))
  rows <- list()
  for (outcome in unique(x$outcome)) {
    part <- x[x$outcome == outcome, , drop = FALSE]
    changes <- unique(part$change)
    single <- length(changes) == 1L && is.na(changes)
    if (!single) rows[[length(rows) + 1L]] <- c(lookup(interval_rows, outcome), rep("", nrow(columns)), "0")
    for (ch in changes) {
      cells <- vapply(seq_len(nrow(columns)), function(j) {
        hit <- part$interval == columns$interval[j] & part$group == columns$group[j] &
          (if (is.na(ch)) is.na(part$change) else part$change %in% ch)
        if (!any(hit)) return("")
        r <- part[hit, , drop = FALSE][1, ]
        if (is.na(r$count)) paste0(format_number(r$value, 1L), "; n = ", r$n) else count_cell(r$count, r$n)
      }, "")
      rows[[length(rows) + 1L]] <- c(if (single) lookup(interval_rows, outcome) else ch, cells,
                                     if (single) "0" else "1")
    }
  }
  rows <- do.call(rbind, rows)
  new_layout(header, rows[, -ncol(rows), drop = FALSE], indent = as.integer(rows[, ncol(rows)]),
             notes = c("BME change is per treated VCF with BME at the start of the interval; VAS and analgesic change per patient.",
                       abbreviation_note(rows[, 1])),
             caption = "Change in BME extent and pain per follow-up interval")
}

layout_transitions <- function(x) {
  classes <- levels(factor(x$to_class))
  if (!length(classes)) classes <- unique(as.character(x$to_class))
  rows <- list()
  for (g in unique(as.character(x$group))) for (interval in unique(as.character(x$interval))) {
    part <- x[x$group == g & x$interval == interval, , drop = FALSE]
    rows[[length(rows) + 1L]] <- c(paste0(interval, if (length(unique(x$group)) > 1L)
      paste0(", subgroup ", g)), rep("", length(classes)), "0")
    for (from in unique(as.character(part$from_class))) {
      counts <- vapply(classes, function(to) {
        v <- part$count[part$from_class == from & part$to_class == to]
        if (length(v)) as.character(v[1]) else ""
      }, "")
      rows[[length(rows) + 1L]] <- c(paste("from", from), counts, "1")
    }
  }
  rows <- do.call(rbind, rows)
  new_layout(c("Interval and BME class at start", paste("to", classes)),
             rows[, -ncol(rows), drop = FALSE], indent = as.integer(rows[, ncol(rows)]),
             notes = "Counts of treated VCF. BME = bone marrow edema.",
             caption = "Transitions between BME extent classes")
}

# Findings with exact intervals ---------------------------------------------------

#' @export
table_layout.vcf_findings_table <- function(x, style = NULL, ...) {
  rows <- list()
  for (var in unique(x$variable)) {
    part <- x[x$variable == var, , drop = FALSE]
    display <- variable_label(var, display = TRUE)
    pct <- paste0(format_number(part$percent, 0L), " (", format_number(part$ci_low, 0L), "\u2013",
                  format_number(part$ci_high, 0L), ")")
    cells <- cbind(paste0(part$count, "/", part$n), pct)
    if (nrow(part) == 1L && part$level == "yes") {
      rows[[var]] <- c(display, cells[1, ], "0")
    } else {
      rows[[var]] <- rbind(c(display, "", "", "0"), cbind(part$level, cells, "1"))
    }
  }
  rows <- do.call(rbind, rows)
  new_layout(c("Finding", "n/N", "% (95% CI)"), rows[, 1:3, drop = FALSE],
             indent = as.integer(rows[, 4]),
             notes = "Exact (Clopper-Pearson) 95% confidence intervals. CI = confidence interval.",
             caption = "Imaging and clinical findings")
}

# Reproduction and audit -------------------------------------------------------

#' @export
table_layout.vcf_reproduction_table <- function(x, style = NULL, ...) {
  rows <- list()
  reasons <- unique(x$reason[!is.na(x$reason)])
  for (source in unique(x$source)) {
    part <- x[x$source == source, , drop = FALSE]
    rows[[length(rows) + 1L]] <- c(source, "", "", "", "0")
    label <- ifelse(is.na(part$column) | part$column == "", part$row,
                    paste0(part$row, " (", part$column, ")"))
    label <- paste0(label, ", ", part$statistic)
    note <- match(part$reason, reasons)
    status <- ifelse(is.na(note), part$status, paste0(part$status, " [", note, "]"))
    rows[[length(rows) + 1L]] <- cbind(label, part$reported, format_plain(part$reproduced, 6L),
                                       status, "1")
  }
  rows <- do.call(rbind, rows)
  counts <- table(factor(x$status, levels = c("match", "source-inconsistent", "not-derivable",
                                              "mismatch")))
  notes <- c(paste0(nrow(x), " published numbers: ",
                    paste0(counts, " ", names(counts), collapse = ", "), "."),
             if (length(reasons)) paste0("[", seq_along(reasons), "] ", reasons))
  new_layout(c("Published quantity", "Published", "Reproduced", "Status"),
             rows[, 1:4, drop = FALSE], indent = as.integer(rows[, 5]), notes = notes,
             caption = paste0("Published and reproduced numbers", if (!is.null(attr(x, "study")))
               paste0(": ", attr(x, "study"))))
}

#' @export
table_layout.vcf_audit_table <- function(x, style = NULL, ...) {
  rows <- list()
  details <- character()
  for (source in unique(x$source)) {
    part <- x[x$source == source, , drop = FALSE]
    rows[[length(rows) + 1L]] <- c(source, "", "", "", "0")
    flagged <- part$verdict %in% c("inconsistent", "decision-error", "not-checkable")
    note <- rep("", nrow(part))
    for (i in which(flagged)) {
      details <- c(details, part$detail[i])
      note[i] <- paste0(" [", length(details), "]")
    }
    label <- ifelse(is.na(part$column) | part$column == "", part$row,
                    paste0(part$row, " (", part$column, ")"))
    rows[[length(rows) + 1L]] <- cbind(label, part$check, part$reported,
                                       paste0(part$verdict, note), "1")
  }
  rows <- do.call(rbind, rows)
  new_layout(c("Published row", "Check", "Reported", "Verdict"), rows[, 1:4, drop = FALSE],
             indent = as.integer(rows[, 5]),
             notes = c(if (!is.null(attr(x, "summary"))) attr(x, "summary"),
                       if (length(details)) paste0("[", seq_along(details), "] ", details)),
             caption = "Consistency checks of the published numbers")
}
