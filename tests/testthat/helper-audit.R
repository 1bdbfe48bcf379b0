# Shared by the test-audit-*.R files: plain-R reference implementations and
# small published tables.

# GRIM by enumeration: does some integer sum S give S / N rounding to the
# printed value (either way at a tie)?
grim_ref <- function(mean, n, digits) {
  vapply(seq_along(mean), function(i) {
    N <- n[i]
    s <- floor(mean[i] * N) + (-2:2)
    any(abs(round(s / N * 10^digits[i], 9) - round(mean[i] * 10^digits[i])) <= 0.5)
  }, logical(1))
}

# All (sum, sum of squares) pairs of n integers in [lo, hi], by DP.
reachable <- function(n, lo, hi) {
  sets <- list("0 0")
  cur <- data.frame(s = 0, q = 0)
  for (i in seq_len(n)) {
    nxt <- do.call(rbind, lapply(lo:hi, function(v) data.frame(s = cur$s + v, q = cur$q + v^2)))
    cur <- unique(nxt)
  }
  cur
}

perturb_digit <- function(text) {
  # change the last printed digit by +1 or -1 (9 -> 8, 0 -> 1)
  vapply(text, function(t) {
    last <- as.integer(substring(t, nchar(t)))
    new <- if (last == 9L) 8L else if (last == 0L) 1L else last + sample(c(-1L, 1L), 1L)
    paste0(substring(t, 1L, nchar(t) - 1L), new)
  }, "", USE.NAMES = FALSE)
}

# scrutiny is optional (it does not install on every R 4.2 machine); it is
# looked up at run time so that R CMD check does not require it.
scrutiny_fun <- function(name) getExportedValue("scrutiny", name)

published <- function(...) {
  x <- data.frame(..., stringsAsFactors = FALSE)
  if (is.null(x$group)) x$group <- NA_character_
  if (is.null(x$reported)) x$reported <- as.character(x$value)
  if (is.null(x$n)) x$n <- NA_real_
  x
}

# Miniature of the PV study's Table 1, with its known slip in women.
pv_table1 <- function() {
  published(
    id = c("n_t", "n_a", "n_b", "w_t", "wp_t", "w_a", "wp_a", "w_b", "wp_b",
           "age_t", "age_a", "age_b", "min_t", "min_a", "min_b", "max_t", "max_a", "max_b",
           "vas_t", "vas_a", "vas_b", "p_w"),
    source = "Table 1",
    row = c(rep("Patients", 3), rep("Women (%)", 6), rep("Median age (y) (range)", 9),
            rep("VAS score", 3), "Women (%)"),
    column = c("Total Group", "Subgroup A", "Subgroup B", "Total Group", "Total Group",
               "Subgroup A", "Subgroup A", "Subgroup B", "Subgroup B",
               rep(c("Total Group", "Subgroup A", "Subgroup B"), 4), "P value"),
    statistic = c("n", "n", "n", rep(c("count", "percent"), 3), rep("median", 3),
                  rep("min", 3), rep("max", 3), rep("mean", 3), "p"),
    value = c(64, 31, 33, 49, 77, 24, 77, 8, 24, 72, 70, 75, 55, 55, 60, 90, 88, 90,
              7.6, 7.4, 7.8, 0.001),
    reported = c("64", "31", "33", "49 (77)", "49 (77)", "24 (77)", "24 (77)", "8 (24)",
                 "8 (24)", "72 (55-90)", "72 (55-90)", "70 (55-88)", "70 (55-88)",
                 "75 (60-90)", "75 (60-90)", "72 (55-90)", "70 (55-88)", "75 (60-90)",
                 "7.6", "7.4", "7.8", "<.001"),
    digits = c(rep(0L, 18), 1L, 1L, 1L, 3L))
}

bkp_table2 <- function() {
  published(
    id = c("pre", "pre_sd", "post", "post_sd", "t", "p"), source = "Table 2",
    row = "VAS", column = c("Pre-operative", "Pre-operative", "Post-operative",
                            "Post-operative", "t", "P"),
    statistic = c("mean", "sd", "mean", "sd", "t", "p"),
    value = c(7.8, 1.1, 3.2, 1.4, 2.12, 0.0601),
    reported = c("7.8 (1.1)", "7.8 (1.1)", "3.2 (1.4)", "3.2 (1.4)", "2.12", "0.0601"),
    digits = c(1L, 1L, 1L, 1L, 2L, 4L), n = 61)
}

# Perturbation of published tables ------------------------------------------

# The digit positions of a printed number ("0.95" -> the 9 and the 5; "70" ->
# both digits) and the number with the digit at `pos` changed: d -> d + 1
# (9 -> 0), except a leading 9 of a longer number, which becomes 8.
printed_digits <- function(value, digits) {
  text <- format_fixed_text(abs(value), digits)
  pos <- gregexpr("[0-9]", text)[[1L]]
  if (length(pos) > 1L && startsWith(text, "0.")) pos <- pos[-1L]
  pos
}

format_fixed_text <- function(x, digits) sprintf("%.*f", as.integer(digits), x)

change_digit <- function(value, digits, pos) {
  text <- format_fixed_text(abs(value), digits)
  d <- as.integer(substr(text, pos, pos))
  first <- pos == regexpr("[1-9]", text) && nchar(gsub("[^0-9]", "", text)) > 1L
  new <- if (first && d == 9L) 8L else (d + 1L) %% 10L
  substr(text, pos, pos) <- as.character(new)
  sign(value + (value == 0)) * as.numeric(text)
}

# Bad findings (inconsistent or decision error) naming each id, as text.
bad_findings_by_id <- function(a) {
  bad <- a[a$verdict %in% c("inconsistent", "decision-error"), , drop = FALSE]
  key <- paste(bad$check, bad$verdict, bad$detail)
  ids <- strsplit(bad$ids, ", ", fixed = TRUE)
  split(rep(key, lengths(ids)), unlist(ids))
}

# Every printed digit of every table cell of a study changed in turn; the
# audit (of the cell's table and the tables its structure links to, from the
# published numbers alone) flags the change when a bad finding naming the
# cell appears that the unchanged tables do not have. `sample_one` keeps
# one digit per cell (chosen at random) for a quicker run.
audit_perturbation <- function(study, sample_one = FALSE) {
  pub <- vcf_published(study)
  relations <- utils::read.csv(system.file("extdata", "published", paste0(study, "_structure.csv"),
                                           package = "vcfoutcomes"), stringsAsFactors = FALSE)
  linked <- lapply(seq_len(nrow(relations)), function(i)
    c(relations$total[i], strsplit(relations$parts[i], " ")[[1L]]))
  # The rows a cell's findings can depend on: rows of the same variable
  # ("Grade: mild" and "Grade: severe"; "A vs B: coefficient" and the rows
  # "A" and "B"), the n rows, and whatever the structure table links to them.
  keys <- lapply(sub("\\s*:.*$", "", pub$row), function(k) c(k, strsplit(k, " vs ")[[1L]]))
  scope <- function(id) {
    near <- function(ids) {
      mine <- unique(unlist(keys[pub$id %in% ids]))
      src <- unique(pub$source[pub$id %in% ids])
      pub$id[pub$source %in% src & (vapply(keys, function(k) any(k %in% mine), NA) |
                                       pub$statistic == "n")]
    }
    ids <- near(id)
    ids <- unique(c(ids, unlist(linked[vapply(linked, function(l) any(ids %in% l), NA)])))
    pub[pub$id %in% near(ids), , drop = FALSE]
  }
  cells <- pub[grepl("^Table", pub$source) & !is.na(pub$value), , drop = FALSE]
  clean <- list()
  rows <- list()
  for (i in seq_len(nrow(cells))) {
    id <- cells$id[i]
    x <- scope(id)
    key <- paste(sort(x$id), collapse = "+")
    if (is.null(clean[[key]])) clean[[key]] <- bad_findings_by_id(vcf_audit(x, structure = relations))
    positions <- printed_digits(cells$value[i], cells$digits[i])
    if (sample_one) positions <- positions[sample.int(length(positions), 1L)]
    for (pos in positions) {
      y <- x
      at <- which(y$id == id)
      y$value[at] <- change_digit(cells$value[i], cells$digits[i], pos)
      a <- suppressWarnings(vcf_audit(y, structure = relations))
      now <- bad_findings_by_id(a)[[id]]
      flagged <- length(setdiff(now, clean[[key]][[id]])) > 0L
      rows[[length(rows) + 1L]] <- data.frame(
        study = study, source = cells$source[i], id = id, statistic = cells$statistic[i],
        printed = format_fixed_text(cells$value[i], cells$digits[i]),
        changed = format_fixed_text(y$value[at], cells$digits[i]), flagged = flagged,
        stringsAsFactors = FALSE)
    }
  }
  do.call(rbind, rows)
}

# Planted tables ----------------------------------------------------------------
# Small printed tables (as a paper prints them), each with a clean version
# and a copy with one deliberate error in one cell. `cell` names the row and
# column of the planted error; the audit must flag a number of that cell and
# nothing in the clean version.

printed_table <- function(rows, ...) {
  data.frame(row = rows, ..., check.names = FALSE, stringsAsFactors = FALSE)
}

plant <- function(name, clean, row, column, text, formats = NULL, kind) {
  bad <- clean
  bad[[column]][bad$row == row] <- text
  list(name = name, kind = kind, clean = clean, planted = bad, row = row, column = column,
       formats = formats)
}

fmt_p <- function(p, digits = 2) sub("^0", "", sprintf("%.*f", digits, p))

planted_tables <- function() {
  t1 <- printed_table(
    c("Women, n (%)", "Age, median (range)", "Age, mean", "VAS, mean (SD)", "Smokers, %"),
    "Total (n = 64)" = c("49 (77)", "70 (47-88)", "69", "8.7 (1.4)", "25"),
    "Group A (n = 31)" = c("24 (77)", "70 (47-88)", "68", "8.2 (1.6)", "26"),
    "Group B (n = 33)" = c("25 (76)", "70 (51-88)", "70", "9.1 (1.1)", "24"))
  women_p <- stats::chisq.test(matrix(c(24, 7, 25, 8), 2), correct = FALSE)$p.value
  vas_t <- (9.1 - 8.2) / sqrt((30 * 1.6^2 + 32 * 1.1^2) / 62 * (1 / 31 + 1 / 33))
  t1_p <- cbind(t1, "P value" = c(fmt_p(women_p), ".5", ".4", fmt_p(2 * stats::pt(-vas_t, 62)), ".9"))
  # three categories of 59 fractures: 17 + 18 + 24 (28.8%, 30.5%, 40.7%)
  grade <- printed_table(c("Grade: mild, %", "Grade: moderate, %", "Grade: severe, %"),
                         "Group B (n = 59)" = c("29", "31", "41"))
  # a 3 x 2 table: mild 5/12, moderate 9/10, severe 17/10
  g_counts <- matrix(c(5, 9, 17, 12, 10, 10), 3)
  g_p <- stats::chisq.test(g_counts, correct = FALSE)$p.value
  grade2 <- printed_table(c("Grade: mild, n (%)", "Grade: moderate, n (%)", "Grade: severe, n (%)"),
                          "A (n = 31)" = c("5 (16)", "9 (29)", "17 (55)"),
                          "B (n = 32)" = c("12 (38)", "10 (31)", "10 (31)"),
                          "P value" = c(fmt_p(g_p, 3), "", ""))
  # 2 x 2 with small counts: Yates' correction and Fisher
  y_counts <- matrix(c(3, 17, 11, 9), 2)
  y_p <- stats::chisq.test(y_counts, correct = TRUE)$p.value
  f_p <- stats::fisher.test(y_counts)$p.value
  yates <- printed_table("Fracture, n (%)", "A (n = 20)" = "3 (15)", "B (n = 20)" = "11 (55)",
                         "P value" = fmt_p(y_p, 3))
  fisher <- printed_table("Fracture, n (%)", "A (n = 20)" = "3 (15)", "B (n = 20)" = "11 (55)",
                          "P value" = fmt_p(f_p, 3))
  # two groups' means and SDs
  t_stat <- (50.2 - 45.3) / sqrt((39 * 10.1^2 + 41 * 9.8^2) / 80 * (1 / 40 + 1 / 42))
  odi <- printed_table("ODI, mean (SD)", "A (n = 40)" = "50.2 (10.1)", "B (n = 42)" = "45.3 (9.8)",
                       "P value" = fmt_p(2 * stats::pt(-t_stat, 80), 3))
  # paired: t and p for 61 pairs
  paired <- printed_table("Height, mean", "Pre-operative (n = 61)" = "54.7", "Final (n = 61)" = "53.1",
                          t = "2.12", p = fmt_p(2 * stats::pt(-2.12, 60), 3))
  # regression on a 0/1 predictor: coefficient = difference of the means
  coef <- printed_table(c("Decrease", "Similar", "Decrease vs Similar: Regression coefficient"),
                        VAS = c("6.3", "6.0", "0.3"), Analgesic = c("2.1", "1.4", "0.7"))
  coef_fmt <- c(Decrease = "mean", Similar = "mean",
                "Decrease vs Similar: Regression coefficient" = "coef")
  ci <- printed_table(c("Decrease", "Similar", "Decrease vs Similar: coefficient (95% CI)"),
                      VAS = c("6.3", "6.0", "0.3 (-0.2 to 0.8)"))
  ci_fmt <- c(Decrease = "mean", Similar = "mean",
              "Decrease vs Similar: coefficient (95% CI)" = "coef (95% CI)")
  grim <- printed_table("VAS, mean", "Total (n = 28)" = "5.18")
  n_pct <- printed_table("Women, n (%)", "Total (n = 40)" = "31 (78)")
  list(
    plant("count sum", t1, "Women, n (%)", "Total (n = 64)", "50 (78)", kind = "sum"),
    plant("subgroup max above total", t1, "Age, median (range)", "Group B (n = 33)", "70 (51-89)", kind = "range"),
    plant("total min no subgroup's", t1, "Age, median (range)", "Total (n = 64)", "70 (45-88)", kind = "range"),
    plant("total median outside", t1, "Age, median (range)", "Total (n = 64)", "72 (47-88)", kind = "range"),
    plant("weighted mean of means", t1, "VAS, mean (SD)", "Total (n = 64)", "8.9 (1.4)", kind = "weighted mean"),
    plant("weighted mean, whole numbers", t1, "Age, mean", "Total (n = 64)", "67", kind = "weighted mean"),
    plant("weighted mean of percentages", t1, "Smokers, %", "Total (n = 64)", "28", kind = "weighted mean"),
    plant("subgroup mean", t1, "VAS, mean (SD)", "Group A (n = 31)", "7.2 (1.6)", kind = "weighted mean"),
    plant("percentage of n", t1, "Women, n (%)", "Group A (n = 31)", "24 (74)", kind = "percentage"),
    plant("chi-square p, 2 x 2", t1_p, "Women, n (%)", "P value", ".09", kind = "chi-square p"),
    plant("chi-square p, 3 x 2", grade2, "Grade: mild, n (%)", "P value", ".300", kind = "chi-square p"),
    plant("chi-square p, counts changed", grade2, "Grade: moderate, n (%)", "A (n = 31)", "7 (23)", kind = "chi-square p"),
    plant("Yates p", yates, "Fracture, n (%)", "P value", ".05", kind = "chi-square p"),
    plant("Fisher p", fisher, "Fracture, n (%)", "P value", ".200", kind = "chi-square p"),
    plant("t p from means", t1_p, "VAS, mean (SD)", "P value", ".10", kind = "t p"),
    plant("t p, larger groups", odi, "ODI, mean (SD)", "P value", ".300", kind = "t p"),
    plant("t p, SD changed", odi, "ODI, mean (SD)", "A (n = 40)", "50.2 (1.1)", kind = "t p"),
    plant("paired t p", paired, "Height, mean", "p", ".058", kind = "t p"),
    plant("coefficient", coef, "Decrease vs Similar: Regression coefficient", "VAS", "1.3",
          coef_fmt, kind = "coefficient"),
    plant("coefficient, second column", coef, "Similar", "Analgesic", "1.9", coef_fmt, kind = "coefficient"),
    plant("CI around its estimate", ci, "Decrease vs Similar: coefficient (95% CI)", "VAS",
          "0.3 (0.4 to 0.8)", ci_fmt, kind = "coefficient"),
    plant("category counts", grade, "Grade: moderate, %", "Group B (n = 59)", "29", kind = "percentage"),
    plant("GRIM", grim, "VAS, mean", "Total (n = 28)", "5.19", kind = "mean"),
    plant("n (%) count against its n", n_pct, "Women, n (%)", "Total (n = 40)", "31 (81)", kind = "percentage"))
}

bad_findings <- function(a) a[a$verdict %in% c("inconsistent", "decision-error"), , drop = FALSE]
