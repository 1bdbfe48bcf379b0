test_that("vcf_analyze runs everything the PV cohort supports", {
  fit <- vcf_analyze(vcf_cohort(pv_edema), boot = vcf_boot_control(B = 299, seed = 7))
  expect_s3_class(fit, "vcf_analysis")
  expect_s3_class(fit$table1, "vcf_table")
  expect_s3_class(fit$followup, "vcf_followup")
  expect_equal(sort(unique(fit$relation$interval)),
               sort(c("0 mo to 3 mo", "3 mo to 6 mo", "6 mo to 12 mo")))
  expect_true(all(c("vas_decrease", "analgesic_decrease") %in% fit$relation$outcome))
  expect_null(fit$findings)
  expect_true("imaging findings" %in% fit$skipped$analysis)
  expect_output(print(fit), "BME resolved: 0 mo 0%, 3 mo 35%, 6 mo 54%, 12 mo 71%")
  expect_output(print(summary(fit)), "Change in BME extent and change in pain per follow-up interval")
})

test_that("the relation's classical fits equal lm() and its bootstrap resamples patients", {
  fit <- vcf_analyze(vcf_cohort(pv_edema), boot = vcf_boot_control(B = 299, seed = 7))
  rel <- fit$relation
  row <- rel[rel$interval == "6 mo to 12 mo" & rel$predictor == "bme_similar" &
               rel$outcome == "vas_decrease", ]
  cohort <- fit$cohort
  a <- cohort$patients$patient[vcf_subgroup(cohort) == "A"]
  v <- cohort$visits[cohort$visits$patient %in% a & cohort$visits$visit %in% c("6 mo", "12 mo"), ]
  v <- v[order(v$patient, v$visit), ]
  start <- v[v$visit == "6 mo", ]
  end <- v[v$visit == "12 mo", ]
  pv <- cohort$patient_visits
  vas <- function(visit) pv$vas[pv$visit == visit][match(start$patient, pv$patient[pv$visit == visit])]
  y <- vas("6 mo") - vas("12 mo")
  x <- as.integer(end$bme_pct == start$bme_pct)
  base <- stats::lm(y ~ x)
  expect_equal(row$coef, unname(stats::coef(base)[2]), tolerance = 1e-10)
  expect_equal(c(row$ci_low, row$ci_high), unname(stats::confint(base)[2, ]), tolerance = 1e-10)
  expect_equal(row$n_patients, 31)
  expect_true(is.finite(row$boot_low) && row$boot_low < row$boot_high)
})

test_that("vcf_analyze runs the paired tables and findings of the BKP cohort", {
  cohort <- vcf_cohort(bkp_osteonecrosis, extra = c("cleft_radiograph", "cleft_ct", "t1_signal"))
  fit <- vcf_analyze(cohort, boot = vcf_boot_control(B = 199, seed = 1))
  expect_true(all(c("pre-op to post-op", "post-op to final") %in% names(fit$paired)))
  expect_null(fit$relation)
  expect_true(any(fit$skipped$analysis == "BME-pain relation"))
  f <- fit$findings
  # only the columns listed in `extra` are findings
  expect_setequal(unique(f$variable), c("cleft_radiograph", "cleft_ct", "t1_signal"))
  expect_null(vcf_analyze(vcf_cohort(bkp_osteonecrosis),
                          boot = vcf_boot_control(B = 199, seed = 1))$findings)
  ct <- f[f$variable == "cleft_ct" & f$level == "yes", ]
  base <- stats::binom.test(ct$count, ct$n)
  expect_equal(c(ct$ci_low, ct$ci_high) / 100, as.vector(base$conf.int), tolerance = 1e-10)
  td <- tidy(fit)
  expect_true(all(c("analysis", "term", "estimate", "conf.low", "conf.high") %in% names(td)))
  expect_s3_class(as.data.frame(fit, which = "paired"), "data.frame")
  expect_error(as.data.frame(fit, which = "relation"), class = "vcf_error_missing_part")
  expect_s3_class(plot(fit, "outcomes"), "ggplot")
})

test_that("vcf_analyze checks its arguments", {
  cohort <- vcf_cohort(bkp_osteonecrosis)
  expect_error(vcf_analyze(bkp_osteonecrosis), class = "vcf_error_type")
  expect_error(vcf_analyze(cohort, boot = list(B = 10)), class = "vcf_error_type")
})

test_that("figures are ggplot objects that build", {
  cohort <- vcf_cohort(pv_edema)
  fu <- vcf_followup(cohort, by = vcf_subgroup(cohort))
  for (plot in list(vcf_plot_bme(fu), vcf_plot_vas(fu, group = "A"),
                    vcf_plot_analgesics(fu, group = "A"),
                    vcf_plot_outcomes(vcf_cohort(bkp_osteonecrosis)))) {
    expect_s3_class(plot, "ggplot")
    expect_silent(ggplot2::ggplot_build(plot))
  }
  expect_error(vcf_plot_vas(fu, group = "C"), class = "vcf_error_unknown_group")
  expect_error(vcf_plot_bme(cohort), class = "vcf_error_type")
})

# Robustness ---------------------------------------------------------------------

# vcf_analyze() over random subsets of variables, visits and patients of
# the bundled cohorts: it never fails, and every part it does not return is
# listed in `skipped` with a reason.
analysis_draws <- function(n_draws, seed) {
  set.seed(seed)
  sources <- list(pv_edema, bkp_osteonecrosis)
  keys <- c("patient", "level", "visit")
  outcomes <- c("vas", "odi", "bme_pct", "bme_class", "height_pct", "analgesic")
  part_names <- c(table1 = "Table 1", followup = "follow-up", relation = "BME-pain relation",
                  paired = "paired", findings = "imaging findings")
  boot <- vcf_boot_control(B = 2, type = "norm", seed = 1)
  out <- list(built = 0L, failures = character(), unexplained = character(), parts = 0L)
  for (i in seq_len(n_draws)) {
    src <- sources[[1L + i %% 2L]]
    optional <- setdiff(names(src), keys)
    vars <- optional[stats::runif(length(optional)) < 0.5]
    visits <- levels(src$visit)
    kept <- visits[stats::runif(length(visits)) < 0.7]
    if (!length(kept)) kept <- sample(visits, 1L)
    patients <- sample(unique(src$patient), sample(2:10, 1L))
    df <- src[src$patient %in% patients & src$visit %in% kept, c(keys, vars), drop = FALSE]
    for (v in intersect(outcomes, vars)) df[[v]][stats::runif(nrow(df)) < 0.25] <- NA
    own <- setdiff(vars, vcf_variables$name)
    extra <- own[stats::runif(length(own)) < 0.5]
    cohort <- tryCatch(suppressWarnings(vcf_cohort(df, extra = extra)),
                       vcf_error = function(e) NULL)
    if (is.null(cohort)) next
    out$built <- out$built + 1L
    patient_cols <- setdiff(names(cohort$patients), "patient")
    subgroup <- if (length(patient_cols) && stats::runif(1) < 0.5) sample(patient_cols, 1L)
    fit <- tryCatch(suppressWarnings(vcf_analyze(cohort, subgroup = subgroup, boot = boot)),
                    error = function(e) e)
    if (inherits(fit, "error")) {
      out$failures <- c(out$failures, paste0("draw ", i, ": ", conditionMessage(fit)))
      next
    }
    for (part in names(part_names)) {
      if (!is.null(fit[[part]])) {
        out$parts <- out$parts + 1L
      } else if (!any(startsWith(fit$skipped$analysis, part_names[[part]]))) {
        out$unexplained <- c(out$unexplained, paste0("draw ", i, ": ", part))
      }
    }
    if (!all(nzchar(fit$skipped$reason))) {
      out$unexplained <- c(out$unexplained, paste0("draw ", i, ": empty reason"))
    }
  }
  out
}

test_that("vcf_analyze never fails on 500 random subsets of the bundled cohorts", {
  skip_on_cran()
  draws <- analysis_draws(500, seed = 20261202)
  expect_gt(draws$built, 450)
  expect_equal(draws$failures, character())
  expect_equal(draws$unexplained, character())
  expect_gt(draws$parts, 1000)
})

test_that("outcomes missing at some visits are analysed where they exist", {
  df <- data.frame(patient = rep(sprintf("P%d", 1:8), each = 3), level = "L1",
                   visit = rep(c("0 mo", "3 mo", "12 mo"), 8),
                   vas = c(8, 3, 2, 7, 4, 4, 9, 2, 1, 6, 5, 3, 8, 1, 1, 7, 3, 2, 9, 4, 3, 6, 2, 2),
                   odi = c(60, NA, 30, 55, NA, 40, 70, NA, 20, 45, NA, 35, 80, NA, 30,
                           50, NA, 25, 65, NA, 40, 58, NA, 31))
  fit <- vcf_analyze(vcf_cohort(df), boot = quick_boot())
  expect_equal(names(fit$paired), c("0 mo to 3 mo", "3 mo to 12 mo", "0 mo to 12 mo"))
  expect_equal(fit$paired[["0 mo to 3 mo"]]$outcome, "vas")
  odi <- fit$paired[["0 mo to 12 mo"]]
  base <- stats::t.test(df$odi[df$visit == "0 mo"], df$odi[df$visit == "12 mo"], paired = TRUE)
  expect_equal(odi$p_value[odi$outcome == "odi"], base$p.value, tolerance = 1e-10)
  expect_equal(odi$n_pairs[odi$outcome == "odi"], 8L)
  expect_equal(fit$coverage$n[fit$coverage$outcome == "odi"], c(8L, 0L, 8L))
  # one complete pair is not enough: skipped with its n
  df$odi[df$visit == "12 mo"][-1] <- NA
  fit <- vcf_analyze(vcf_cohort(df), boot = quick_boot())
  expect_true("paired: odi, 0 mo to 12 mo" %in% fit$skipped$analysis)
  expect_match(fit$skipped$reason[fit$skipped$analysis == "paired: odi, 0 mo to 12 mo"],
               "1 complete pair")
  # an outcome seen at one visit only
  df$odi[df$visit == "12 mo"] <- NA
  fit <- vcf_analyze(vcf_cohort(df), boot = quick_boot())
  expect_match(fit$skipped$reason[fit$skipped$analysis == "paired: odi"], "observed at 1 visit")
})

test_that("vcf_analyze checks every argument", {
  cohort <- vcf_cohort(bkp_osteonecrosis)
  expect_error(vcf_analyze(cohort, subgroup = "nope"), class = "vcf_error_unknown_column")
  expect_error(vcf_analyze(cohort, subgroup = 1:3), class = "vcf_error_length")
  expect_error(vcf_analyze(cohort, styl = "jama"), class = "vcf_error_unknown_argument")
  expect_error(vcf_analyze(cohort, "sex", quick_boot(), "x"), class = "vcf_error_unknown_argument")
  expect_error(vcf_analyze(cohort, style = "apa"), class = "vcf_error_argument")
  expect_error(vcf_analyze(cohort, total = NA), class = "vcf_error_argument")
  expect_error(vcf_analyze(cohort, tests = list(1)), class = "vcf_error_type")
  expect_snapshot(vcf_analyze(cohort, styl = "jama"), error = TRUE)
})
