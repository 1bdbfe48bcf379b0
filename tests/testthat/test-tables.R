# Grouped summaries (src/tables.c) against R ------------------------------------

r_summary <- function(x, g, groups) {
  t(vapply(groups, function(k) {
    v <- x[!is.na(g) & g == k]
    miss <- sum(is.na(v))
    v <- v[!is.na(v)]
    if (!length(v)) return(c(0, NA, NA, NA, NA, NA, miss))
    c(length(v), mean(v), if (length(v) > 1) stats::sd(v) else NA,
      stats::median(v), min(v), max(v), miss)
  }, numeric(7)))
}

test_that("summarise_numeric matches R on random, tied and edge inputs", {
  set.seed(1)
  for (i in 1:200) {
    n <- sample(c(0:3, 10, 101, 1000), 1)
    x <- switch(sample(3, 1),
                stats::rnorm(n, 50, 10),
                as.double(sample(0:3, n, replace = TRUE)),   # heavy ties
                round(stats::rexp(n), 1))
    x[stats::runif(n) < 0.1] <- NA
    groups <- c("A", "B", "C")
    g <- sample(c(groups, NA), n, replace = TRUE, prob = c(0.45, 0.45, 0.05, 0.05))
    got <- vcfoutcomes:::summarise_numeric(x, g, groups)
    want <- r_summary(x, g, groups)
    expect_equal(unname(as.matrix(got[, 1:7])), unname(want), tolerance = 1e-12)
  }
})

test_that("summarise_numeric handles one element, zeros and huge values", {
  got <- vcfoutcomes:::summarise_numeric(c(0, 0, 0), c("a", "a", "a"), "a")
  expect_equal(unlist(got[1, 1:7]), c(n = 3, mean = 0, sd = 0, median = 0, min = 0,
                                      max = 0, missing = 0))
  one <- vcfoutcomes:::summarise_numeric(7, "a", "a")
  expect_true(is.na(one$sd))
  expect_equal(one$median, 7)
  huge <- c(1e300, 1e300, -1e300)
  expect_equal(vcfoutcomes:::summarise_numeric(huge, rep("a", 3), "a")$median, 1e300)
  x <- stats::rnorm(1e5)
  expect_equal(vcfoutcomes:::summarise_numeric(x, rep("a", 1e5), "a")$median,
               stats::median(x))
})

test_that("count_levels matches table() including missing values", {
  set.seed(2)
  for (i in 1:100) {
    n <- sample(c(0, 1, 5, 200), 1)
    x <- factor(sample(c("a", "b", "c", NA), n, replace = TRUE), levels = c("a", "b", "c"))
    g <- sample(c("G1", "G2"), n, replace = TRUE)
    got <- vcfoutcomes:::count_levels(x, g, c("G1", "G2"))
    want <- table(addNA(x, ifany = FALSE), factor(g, levels = c("G1", "G2")))
    expect_equal(unname(got), unname(matrix(as.vector(want), ncol = 2)))
  }
})

test_that("change_class classes decrease, similar and increase", {
  before <- c(75, 25, 20, 0, NA, 10)
  after <- c(25, 25, 21, 0, 3, NA)
  expect_equal(as.character(vcfoutcomes:::change_class(before, after)),
               c("decrease", "similar", "increase", "similar", NA, NA))
  expect_equal(as.character(vcfoutcomes:::change_class(20, 21, tolerance = 1)), "similar")
})

test_that("the C entry points reject bad arguments instead of crashing", {
  expect_error(.Call(vcfoutcomes:::C_tables_numeric, "a", 1L, 1L), "must be of type double")
  expect_error(.Call(vcfoutcomes:::C_tables_numeric, 1, 1:2, 1L), "length")
  expect_error(.Call(vcfoutcomes:::C_tables_numeric, 1, 1L, 0L), "at least 1")
  expect_error(.Call(vcfoutcomes:::C_tables_counts, 1L, 1L, NA_integer_, 1L), "NA")
  expect_error(.Call(vcfoutcomes:::C_followup_change, 1, 1, -1), "negative")
})

# P-value styles ------------------------------------------------------------------

test_that("format_p follows each journal style", {
  p <- c(0.5, 0.95, 0.02, 0.0042, 0.0004, 0.00001, NA)
  expect_equal(vcf_format_p(p, "ajnr"), c(".5", ".95", ".02", ".004", "<.001", "<.001", ""))
  expect_equal(vcf_format_p(p, "jama"), c(".50", ".95", ".02", ".004", "<.001", "<.001", ""))
  expect_equal(vcf_format_p(p, "ama"), vcf_format_p(p, "jama"))
  expect_equal(vcf_format_p(p, "nejm"), c("0.50", "0.95", "0.02", "0.004", "<0.001", "<0.001", ""))
  expect_equal(vcf_format_p(p, "apa"), c(".500", ".950", ".020", ".004", "<.001", "<.001", ""))
  expect_equal(vcf_format_p(p, "lancet"), c("0.50", "0.95", "0.020", "0.0042", "0.00040", "<0.0001", ""))
  # Near 1 and just below .05: never "1" for AMA/NEJM, never rounded up to .05.
  expect_equal(vcf_format_p(c(0.996, 1, 0.0496, 0.0504), "jama"), c(">.99", ">.99", ".050", ".05"))
  expect_equal(vcf_format_p(c(0.996, 0.0496), "nejm"), c(">0.99", "0.050"))
  expect_equal(vcf_format_p(c(0.996, 0.0496, 0.0449), "ajnr"), c(">.99", ".050", ".04"))
  expect_error(vcf_format_p(1.2), class = "vcf_error_range")
  expect_error(vcf_format_p(0.1, "bogus"), class = "vcf_error_argument")
  expect_error(vcf_format_p("0.1"), class = "vcf_error_type")
})

test_that("format_p formats the p-values present, in place, whatever the NA around them", {
  set.seed(11)
  p <- stats::runif(200)^3
  with_na <- p
  with_na[sample(200, 80)] <- NA
  for (style in vcfoutcomes:::p_styles) {
    whole <- vcf_format_p(p, style)
    holed <- vcf_format_p(with_na, style)
    expect_identical(holed[!is.na(with_na)], whole[!is.na(with_na)])
    expect_identical(holed[is.na(with_na)], rep("", sum(is.na(with_na))))
    expect_identical(vcf_format_p(rep(NA_real_, 3), style), rep("", 3))
    expect_identical(vcf_format_p(numeric(0), style), character(0))
  }
  # a named or integer input gives a plain character vector
  expect_identical(vcf_format_p(c(a = 0L, b = NA, c = 1L)), c("<.001", "", ">.99"))
})

test_that("format_p never prints scientific notation", {
  set.seed(4)
  p <- c(10^-stats::runif(500, 0, 20), 4.064e-18, 0, 1, 1e-300)
  for (style in vcfoutcomes:::p_styles) {
    out <- vcf_format_p(p, style)
    expect_false(any(grepl("e", out, ignore.case = TRUE)), label = style)
    expect_true(all(nzchar(out)))
  }
})

# Random cohorts ------------------------------------------------------------------

unclass_groups <- function(x) vcfoutcomes:::unclass_subgroup(x)

random_cohort <- function(n_patients, seed) {
  set.seed(seed)
  rows <- list()
  for (i in seq_len(n_patients)) {
    n_frac <- sample(1:3, 1, prob = c(0.6, 0.3, 0.1))
    levels <- sample(c("T10", "T11", "T12", "L1", "L2", "L3"), n_frac)
    age <- sample(50:90, 1)
    sex <- sample(c("female", "male"), 1, prob = c(0.7, 0.3))
    new_vcf <- stats::runif(1) < 0.2
    pain_other <- stats::runif(1) < 0.15
    vas <- c(sample(4:10, 1), sample(0:6, 3, replace = TRUE))
    analgesic <- c(sample(0:3, 1), sample(0:2, 3, replace = TRUE))
    for (lev in levels) {
      bme <- sort(sample(c(0, 10, 20, 40, 60, 80, 100), 4, replace = TRUE), decreasing = TRUE)
      bme[1] <- max(bme[1], 10)
      rows[[length(rows) + 1L]] <- data.frame(
        patient = sprintf("P%03d", i), age = age, sex = sex, new_vcf = new_vcf,
        pain_other_level = pain_other, level = lev, treated = TRUE,
        fracture_age = sample(2:24, 1), shape = sample(c("wedge", "biconcave"), 1),
        cement_ml = round(stats::runif(1, 1, 5), 1),
        visit = c("0 mo", "3 mo", "6 mo", "12 mo"), month = c(0, 3, 6, 12),
        bme_pct = bme, vas = vas, analgesic = analgesic)
    }
  }
  vcf_cohort(do.call(rbind, rows))
}

test_that("vcf_table1 statistics equal base R on random cohorts", {
  for (seed in 1:8) {
    cohort <- random_cohort(40 + 5 * seed, seed)
    groups <- vcf_subgroup(cohort)
    tab <- vcf_table1(cohort, by = groups, tests = c(cement_ml = "welch"))
    values <- attr(tab, "values")
    p_of <- function(label) values$value[values$characteristic == label & values$statistic == "p"]
    g <- as.character(unclass_groups(groups))
    patients <- cohort$patients
    # Shown as median (range), so tested by rank sum; as mean (SD), by t.
    base_rank <- suppressWarnings(stats::wilcox.test(patients$age[g == "A"], patients$age[g == "B"]))
    expect_equal(p_of("Age (y)"), base_rank$p.value, tolerance = 1e-10)
    expect_equal(tab$test[tab$variable == "age"], "ranksum")
    means <- vcf_table1(cohort, by = groups, vars = "age", continuous = "mean_sd")
    base_age <- stats::t.test(patients$age[g == "A"], patients$age[g == "B"], var.equal = TRUE)
    expect_equal(means$p_value[means$variable == "age"], base_age$p.value, tolerance = 1e-10)
    sex_table <- table(patients$sex, g)
    base_sex <- suppressWarnings(stats::chisq.test(sex_table, correct = FALSE))
    if (min(base_sex$expected) < 5) {
      expect_equal(p_of("Sex"), stats::fisher.test(sex_table)$p.value, tolerance = 1e-10)
    } else {
      expect_equal(p_of("Sex"), unname(base_sex$p.value), tolerance = 1e-10)
    }
    fr <- cohort$fractures
    fg <- g[match(fr$patient, patients$patient)]
    base_cement <- stats::t.test(fr$cement_ml[fg == "A"], fr$cement_ml[fg == "B"])
    expect_equal(p_of("Injected cement volume (mL)"), base_cement$p.value, tolerance = 1e-10)
    age_a <- patients$age[g == "A"]
    expect_equal(values$value[values$characteristic == "Age (y)" & values$statistic == "median" &
                                values$group == "A"], stats::median(age_a))
    expect_equal(values$value[values$characteristic == "Age (y)" & values$statistic == "mean" &
                                values$group == "Total"], mean(patients$age))
    expect_equal(values$value[values$characteristic == "No. of VCF treated" & values$group == "B"],
                 sum(fg == "B"))
  }
})

test_that("vcf_table1 counts patients and fractures at their own level", {
  cohort <- vcf_cohort(pv_edema)
  tab <- vcf_table1(cohort, by = vcf_subgroup(cohort))
  v <- attr(tab, "values")
  n_of <- function(label, group) v$value[v$characteristic == label & v$statistic == "n" &
                                           v$group == group & is.na(v$level)][1]
  expect_equal(n_of("No. of patients", "Total"), 64)
  expect_equal(n_of("No. of VCF treated", "Total"), 89)
  expect_equal(n_of("Shape of treated VCF", "Total"), 89)
  expect_equal(n_of("Sex", "Total"), 64)
  expect_equal(names(tab)[1:7], c("variable", "characteristic", "level", "statistic", "Total",
                                  "A", "B"))
  expect_equal(attr(tab, "n")$patient, c(Total = 64, A = 31, B = 33))
  expect_equal(attr(tab, "n")$fracture, c(Total = 89, A = 31, B = 58))
  expect_type(tab$p_value, "double")
})

test_that("vcf_table1 accepts a plain data frame and the user's own columns", {
  set.seed(3)
  registry <- data.frame(arm = rep(c("PV", "BKP"), each = 30), bmi = stats::rnorm(60, 26, 3),
                         t_score = stats::rnorm(60, -2.8, 0.5),
                         site = sample(c("north", "south"), 60, replace = TRUE))
  tab <- vcf_table1(registry, by = "arm", tests = c(bmi = "ranksum", site = "fisher",
                                                   t_score = "t"))
  v <- attr(tab, "values")
  p <- function(label) v$value[v$characteristic == label & v$statistic == "p"]
  expect_equal(p("bmi"), stats::wilcox.test(bmi ~ arm, registry)$p.value,
               tolerance = 1e-10)
  expect_equal(p("site"), stats::fisher.test(table(registry$site, registry$arm))$p.value,
               tolerance = 1e-10)
  expect_equal(p("t_score"), stats::t.test(t_score ~ arm, registry, var.equal = TRUE)$p.value,
               tolerance = 1e-10)
  expect_error(vcf_table1(registry, by = "nope"), class = "vcf_error_unknown_column")
  expect_error(vcf_table1(registry, vars = "weight"), class = "vcf_error_unknown_column")
  expect_error(vcf_table1(registry, by = "arm", tests = c(weight = "t")),
               class = "vcf_error_unknown_column")
  expect_error(vcf_table1(registry, style = "bogus"), class = "vcf_error_argument")
  expect_error(vcf_table1(registry, by = "arm", tests = c(bmi = "anova")),
               class = "vcf_error_unknown_test")
  expect_error(vcf_table1(registry, continuous = "mode"), class = "vcf_error_argument")
  expect_snapshot(vcf_table1(registry, by = "nope"), error = TRUE)
})

test_that("vcf_paired equals t.test and wilcox.test with paired = TRUE", {
  for (seed in 1:6) {
    cohort <- random_cohort(30 + seed, seed + 10)
    pv <- cohort$patient_visits
    tab <- vcf_paired(cohort, "0 mo", "6 mo", outcomes = "vas")
    x <- pv$vas[pv$visit == "0 mo"]
    y <- pv$vas[pv$visit == "6 mo"][match(pv$patient[pv$visit == "0 mo"], pv$patient[pv$visit == "6 mo"])]
    base <- stats::t.test(x, y, paired = TRUE)
    expect_equal(tab$statistic, unname(base$statistic), tolerance = 1e-10)
    expect_equal(tab$p_value, base$p.value, tolerance = 1e-10)
    expect_equal(c(tab$ci_low, tab$ci_high), as.vector(base$conf.int), tolerance = 1e-10)
    expect_equal(tab$mean_diff, unname(base$estimate), tolerance = 1e-10)
    w <- vcf_paired(cohort, "0 mo", "6 mo", outcomes = "analgesic", test = "wilcoxon")
    a <- as.integer(pv$analgesic) - 1L
    ax <- a[pv$visit == "0 mo"]
    ay <- a[pv$visit == "6 mo"]
    base_w <- suppressWarnings(stats::wilcox.test(ax, ay, paired = TRUE))
    expect_equal(w$statistic, unname(base_w$statistic), tolerance = 1e-10)
    expect_equal(w$p_value, base_w$p.value, tolerance = 1e-10)
  }
})

test_that("vcf_paired drops and counts incomplete pairs, and checks its arguments", {
  cohort <- vcf_cohort(pv_edema)
  tab <- vcf_paired(cohort, "0 mo", "3 mo", outcomes = "vas")
  expect_equal(tab$n_pairs, 31)
  expect_equal(tab$n_dropped, 33)
  expect_output(print(tab), "Pairs left out for a missing visit: vas, 33", fixed = TRUE)
  expect_error(vcf_paired(cohort, "0 mo", "24 mo"), class = "vcf_error_argument")
  expect_error(vcf_paired(cohort, "0 mo", "0 mo"), class = "vcf_error_visit")
  expect_error(vcf_paired(cohort, "0 mo", "3 mo", outcomes = "odi"), class = "vcf_error_unknown_column")
  expect_snapshot(vcf_paired(cohort, "0 mo", "3 mo", outcomes = "odi"), error = TRUE)
})

test_that("a yes/no grouping column gives groups no and yes, and is not described", {
  cohort <- vcf_cohort(pv_edema)
  tab <- vcf_table1(cohort, by = "new_vcf")
  expect_equal(names(tab)[6:7], c("no", "yes"))
  expect_false("Patients with new VCF after treatment" %in% tab$characteristic)
  v <- attr(tab, "values")
  expect_equal(v$value[v$characteristic == "No. of patients" & v$group == "yes"], 17)
})

# Journal layout ------------------------------------------------------------------

pv_table1 <- function(...) {
  cohort <- vcf_cohort(pv_edema)
  vcf_table1(cohort, by = vcf_subgroup(cohort), ...)
}

test_that("Table 1 puts group n in the headers and the statistic in the label", {
  tab <- pv_table1()
  out <- format(tab)
  expect_equal(names(out), c("Characteristic", "Total (n = 64)", "Subgroup A (n = 31)",
                             "Subgroup B (n = 33)", "P value"))
  expect_true("Age, y, median (range)" %in% out$Characteristic)
  expect_true("Sex, n (%)" %in% out$Characteristic)
  # Levels are indented under their variable, which carries the p-value.
  sex <- which(out$Characteristic == "Sex, n (%)")
  expect_equal(out$Characteristic[sex + 1:2], paste0("\u00a0\u00a0\u00a0", c("female", "male")))
  expect_match(out$`P value`[sex], "^\\.88 [a-z]$")
  expect_equal(out$`P value`[sex + 1:2], c("", ""))
  # No internal columns and no number in scientific notation.
  expect_false(any(c("p_value", "test", "unit", "variable", "low_expected") %in% names(out)))
  expect_false(any(grepl("[0-9]e[-+]", as.matrix(out))))
  expect_false("No. of patients" %in% trimws(out$Characteristic))
})

test_that("every test used gets a footnote naming it, marked on its p-values", {
  tab <- pv_table1()
  layout <- vcfoutcomes:::table_layout(tab)
  marks <- layout$marks[layout$body[, ncol(layout$body)] != ""]
  expect_true(all(marks %in% names(layout$footnotes)))
  expect_setequal(unname(layout$footnotes),
                  unname(vcfoutcomes:::test_label(unique(tab$test[!is.na(tab$test)]))))
  age <- which(layout$body[, 1] == "Age, y, median (range)")
  expect_equal(layout$footnotes[[layout$marks[age]]], "Wilcoxon rank-sum (Mann-Whitney U) test")
  expect_equal(tab$test[tab$variable == "bme_class"][1], "fisher")
  # The study's own tests, explicitly: t and chi-square, with the small
  # expected counts footnoted instead of replaced.
  study <- pv_table1(tests = c(.continuous = "t", .categorical = "chisq"))
  expect_equal(unique(study$test[!is.na(study$test)]), c("t", "chisq"))
  bme <- study[study$variable == "bme_class", ][1, ]
  expect_true(bme$low_expected)
  notes <- attr(format(study), "notes")
  expect_true(any(grepl("expected counts are below 5", notes, fixed = TRUE)))
  expect_false(isTRUE(attr(study, "fisher_fallback")))
  expect_true(attr(tab, "fisher_fallback"))
})

test_that("Fisher's exact test replaces a chi-square with small expected counts", {
  set.seed(11)
  d <- data.frame(arm = rep(c("x", "y"), c(12, 14)),
                  rare = c(rep("a", 10), "b", "b", rep("a", 13), "c"),
                  flag = c(rep(TRUE, 2), rep(FALSE, 10), rep(TRUE, 6), rep(FALSE, 8)))
  tab <- vcf_table1(d, by = "arm")
  expect_equal(tab$p_value[tab$variable == "rare"][1],
               stats::fisher.test(table(d$rare, d$arm))$p.value, tolerance = 1e-10)
  expect_equal(tab$p_value[tab$variable == "flag"][1],
               stats::fisher.test(table(d$flag, d$arm))$p.value, tolerance = 1e-10)
  expect_equal(unique(tab$test[!is.na(tab$test)]), "fisher")
  kept <- vcf_table1(d, by = "arm", tests = c(rare = "chisq"))
  expect_equal(kept$p_value[kept$variable == "rare"][1],
               suppressWarnings(stats::chisq.test(table(d$rare, d$arm), correct = FALSE)$p.value),
               tolerance = 1e-10)
})

test_that("continuous statistics follow the argument", {
  cohort <- vcf_cohort(pv_edema)
  ages <- cohort$patients$age
  iqr <- vcf_table1(cohort, vars = "age", continuous = "median_iqr")
  q <- stats::quantile(ages, c(0.25, 0.75), names = FALSE)
  expect_equal(iqr$Total[iqr$variable == "age"],
               sprintf("%d (%s\u2013%s)", as.integer(stats::median(ages)),
                       vcfoutcomes:::format_number(q[1], 0L), vcfoutcomes:::format_number(q[2], 0L)))
  expect_equal(iqr$statistic[iqr$variable == "age"], "median (IQR)")
  sd <- vcf_table1(cohort, vars = "age", continuous = "mean_sd")
  expect_equal(sd$Total[sd$variable == "age"],
               sprintf("%.1f (%.1f)", mean(ages), stats::sd(ages)))
})

test_that("paired tables show CIs with a true minus and 'to'", {
  bkp <- vcf_cohort(bkp_osteonecrosis)
  tab <- vcf_paired(bkp, "pre-op", "post-op")
  out <- format(tab)
  expect_equal(names(out), c("Outcome", "No. of pairs", "pre-op", "post-op",
                             "Mean difference (95% CI)", "P value"))
  expect_match(out$`Mean difference (95% CI)`, "^\u2212?[0-9.]+ \\(\u2212?[0-9.]+ to \u2212?[0-9.]+\\)$")
  neg <- which(tab$ci_low < 0)
  expect_true(length(neg) > 0)
  expect_true(all(grepl("\u2212", out$`Mean difference (95% CI)`[neg])))
  expect_false(any(grepl("-[0-9]", out$`Mean difference (95% CI)`)))
  expect_match(attr(out, "notes")[1], "Paired t test")
})

test_that("the relation, follow-up and findings tables have no internal columns", {
  fit <- vcf_analyze(vcf_cohort(pv_edema), boot = vcf_boot_control(B = 99, seed = 1))
  rel <- format(fit$relation)
  expect_false(any(grepl("boot_used|boot_degenerate|note", names(rel))))
  expect_true("Bootstrap 95% CI (BCa)" %in% names(rel))
  outcome_rows <- grepl("^(\u00a0){6}", rel[[1]])
  expect_equal(sum(outcome_rows), nrow(fit$relation))
  expect_true(all(nzchar(rel$`P value`[outcome_rows])))
  expect_equal(sub(" [a-z]$", "", rel$`P value`[outcome_rows]), vcf_format_p(fit$relation$p_value))
  resolution <- format(as_vcf_table(fit$followup, "resolution"))
  expect_equal(names(resolution), c("Visit", "Subgroup A", "Subgroup B"))
  expect_equal(resolution$`Subgroup A`[2], "11/31 (35)")
  own <- c("symptom_weeks", "cleft_radiograph", "cleft_ct", "t1_signal", "t2_pattern", "pain_pattern")
  bkp <- vcf_analyze(vcf_cohort(bkp_osteonecrosis, extra = own),
                     boot = vcf_boot_control(B = 99, seed = 1))
  findings <- format(bkp$findings)
  expect_equal(names(findings), c("Finding", "n/N", "% (95% CI)"))
  expect_true("33/61" %in% findings$`n/N`)
  expect_error(as_vcf_table(fit$followup, "nothing"), class = "vcf_error_argument")
})

test_that("reproduction and audit tables are compact with numbered notes", {
  rep <- vcf_reproduce("bkp_osteonecrosis", boot = vcf_boot_control(B = 99, seed = 1))
  tab <- as_vcf_table(rep)
  out <- format(tab)
  expect_equal(names(out), c("Published quantity", "Published", "Reproduced", "Status"))
  notes <- attr(out, "notes")
  expect_match(notes[1], paste0("^", nrow(rep), " published numbers: ",
                                sum(rep$status == "match"), " match"))
  flagged <- out$Status[grepl("\\[", out$Status)]
  numbers <- as.integer(sub(".*\\[([0-9]+)\\]$", "\\1", flagged))
  expect_true(all(paste0("[", numbers, "]") %in% sub("^(\\[[0-9]+\\]).*$", "\\1", notes)))
  audit <- format(as_vcf_table(vcf_audit(vcf_published("bkp_osteonecrosis"))))
  expect_equal(names(audit), c("Published row", "Check", "Reported", "Verdict"))
})

test_that("printing fits the console width and shortens long tables", {
  tab <- pv_table1()
  for (width in c(60L, 80L, 120L)) {
    lines <- utils::capture.output(print(tab, width = width))
    expect_true(all(nchar(lines, type = "width") <= width), label = paste("width", width))
  }
  expect_snapshot(print(tab, width = 60))
  expect_snapshot(print(tab, width = 80))
  expect_snapshot(print(tab, width = 120))
  bkp <- vcf_cohort(bkp_osteonecrosis)
  expect_snapshot(print(vcf_paired(bkp, "pre-op", "post-op"), width = 80))
  long <- as_vcf_table(data.frame(i = 1:100, p = seq(0.001, 0.1, length.out = 100)))
  lines <- utils::capture.output(print(long, n = 20))
  expect_true(any(grepl("\u2026 90 more rows", lines, fixed = TRUE)))
  expect_error(print(long, n = 0), class = "vcf_error_argument")
})

test_that("knitr::kable renders format() as markdown with superscript marks", {
  skip_if_not_installed("knitr")
  tab <- pv_table1(vars = c("age", "sex"))
  md <- knitr::kable(format(tab, markup = "markdown"), format = "pipe")
  expect_true(any(grepl("Subgroup A (n = 31)", md, fixed = TRUE)))
  expect_true(any(grepl("\\^a\\^", md)))
  expect_error(format(tab, markup = "rtf"), class = "vcf_error_argument")
})

test_that("analysis and table methods reject malformed objects with a classed error", {
  fake <- structure(list(), class = "vcf_analysis")
  expect_error(print(fake), class = "vcf_error_object")
  expect_error(summary(fake), class = "vcf_error_object")
  expect_error(as.data.frame(fake), class = "vcf_error_object")
  expect_error(tidy(fake), class = "vcf_error_object")
  expect_error(glance(fake), class = "vcf_error_object")
  broken <- structure(list(cohort = 1, table1 = data.frame(), skipped = data.frame(),
                           timing = 0), class = "vcf_analysis")
  expect_error(print(broken), class = "vcf_error_object")
  not_frame <- structure(list(), class = "vcf_table")
  expect_error(format(not_frame), class = "vcf_error_object")
  expect_error(print(not_frame), class = "vcf_error_object")
  tab <- vcf_table1(vcf_cohort(pv_edema))
  bad_caption <- structure(tab, caption = list(1))
  expect_error(format(bad_caption), class = "vcf_error_object")
  expect_error(print(tab, n = 0), class = "vcf_error_argument")
  expect_error(format(tab, markup = NA), class = "vcf_error_argument")
})
