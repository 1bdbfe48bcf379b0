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
  fit <- vcf_analyze(vcf_cohort(bkp_osteonecrosis), boot = vcf_boot_control(B = 199, seed = 1))
  expect_true(all(c("pre-op to post-op", "post-op to final") %in% names(fit$paired)))
  expect_null(fit$relation)
  expect_true(any(fit$skipped$analysis == "BME-pain relation"))
  f <- fit$findings
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
