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
  expect_equal(vcf_format_p(p, "nejm"), c("0.50", "0.95", "0.02", "0.004", "<0.001", "<0.001", ""))
  expect_equal(vcf_format_p(p, "lancet"), c("0.50", "0.95", "0.020", "0.0042", "0.00040", "<0.0001", ""))
  expect_error(vcf_format_p(1.2), class = "vcf_error_range")
  expect_error(vcf_format_p(0.1, "apa"), class = "vcf_error_argument")
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
    base_age <- stats::t.test(patients$age[g == "A"], patients$age[g == "B"], var.equal = TRUE)
    expect_equal(p_of("Age (y)"), base_age$p.value, tolerance = 1e-10)
    base_sex <- suppressWarnings(stats::chisq.test(table(patients$sex, g), correct = FALSE))
    expect_equal(p_of("Sex"), unname(base_sex$p.value), tolerance = 1e-10)
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
  expect_equal(names(tab)[1:6], c("characteristic", "level", "statistic", "Total", "A", "B"))
  expect_type(tab$p_value, "double")
})

test_that("vcf_table1 accepts a plain data frame and the user's own columns", {
  set.seed(3)
  registry <- data.frame(arm = rep(c("PV", "BKP"), each = 30), bmi = stats::rnorm(60, 26, 3),
                         t_score = stats::rnorm(60, -2.8, 0.5),
                         site = sample(c("north", "south"), 60, replace = TRUE))
  tab <- vcf_table1(registry, by = "arm", tests = c(bmi = "ranksum", site = "fisher"))
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
  expect_error(vcf_table1(registry, style = "apa"), class = "vcf_error_argument")
  expect_snapshot(vcf_table1(registry, by = "nope"), error = TRUE)
})

test_that("formatted tables keep the journal layout", {
  cohort <- vcf_cohort(pv_edema)
  tab <- vcf_table1(cohort, by = vcf_subgroup(cohort), vars = c("age", "sex", "cement_ml"))
  expect_snapshot(print(tab))
  expect_snapshot(print(vcf_table1(cohort, by = vcf_subgroup(cohort), vars = "vas", style = "nejm")))
  bkp <- vcf_cohort(bkp_osteonecrosis)
  expect_snapshot(print(vcf_paired(bkp, "pre-op", "post-op")))
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
  expect_output(print(tab), "Pairs dropped")
  expect_error(vcf_paired(cohort, "0 mo", "24 mo"), class = "vcf_error_argument")
  expect_error(vcf_paired(cohort, "0 mo", "0 mo"), class = "vcf_error_visit")
  expect_error(vcf_paired(cohort, "0 mo", "3 mo", outcomes = "odi"), class = "vcf_error_unknown_column")
  expect_snapshot(vcf_paired(cohort, "0 mo", "3 mo", outcomes = "odi"), error = TRUE)
})

test_that("vcf_html escapes and renders tables", {
  html <- vcf_html(data.frame(a = c(1.5, NA), b = c("x", "<y>")), caption = "T & C")
  expect_match(html, "<caption>T &amp; C</caption>", fixed = TRUE)
  expect_match(html, "&lt;y&gt;", fixed = TRUE)
  expect_match(html, "<td></td>", fixed = TRUE)
  path <- tempfile(fileext = ".html")
  vcf_html(vcf_paired(vcf_cohort(bkp_osteonecrosis), "pre-op", "post-op"), path)
  expect_true(any(grepl("34.7 (18~53)", readLines(path), fixed = TRUE)))
  expect_error(vcf_html(1:3), class = "vcf_error_type")
})

test_that("a yes/no grouping column gives groups no and yes, and is not described", {
  cohort <- vcf_cohort(pv_edema)
  tab <- vcf_table1(cohort, by = "new_vcf")
  expect_equal(names(tab)[5:6], c("no", "yes"))
  expect_false("Patients with new VCF after treatment" %in% tab$characteristic)
  v <- attr(tab, "values")
  expect_equal(v$value[v$characteristic == "No. of patients" & v$group == "yes"], 17)
})
