test_that("vcf_followup reproduces the PV study's BME evolution and Table 2", {
  cohort <- vcf_cohort(pv_edema)
  all <- vcf_followup(cohort)
  res <- all$resolution
  expect_equal(round(res$percent[res$visit != "0 mo"]), c(35, 54, 71))
  expect_equal(unique(res$n), 89)
  expect_equal(nrow(all$returned), 0)
  fu <- vcf_followup(cohort, by = vcf_subgroup(cohort))
  iv <- fu$intervals[fu$intervals$group == "A", ]
  bme <- iv[iv$outcome == "bme" & iv$change == "decrease", ]
  expect_equal(bme$n, c(31, 20, 17))
  expect_equal(round(bme$value), c(90, 45, 41))
  vas <- iv[iv$outcome == "vas_mean_decrease", ]
  expect_equal(round(vas$value, 1), c(6.1, 0.3, 0.2))
})

test_that("change classes and transitions agree with a direct computation", {
  cohort <- vcf_cohort(pv_edema)
  fu <- vcf_followup(cohort)
  v <- cohort$visits[cohort$visits$level %in% cohort$fractures$level[cohort$fractures$treated], ]
  key <- paste(cohort$fractures$patient, cohort$fractures$level)[cohort$fractures$treated]
  v <- v[paste(v$patient, v$level) %in% key, ]
  from <- v[v$visit == "3 mo", ]
  to <- v[v$visit == "6 mo", ][match(paste(from$patient, from$level),
                                     paste(v$patient[v$visit == "6 mo"], v$level[v$visit == "6 mo"])), ]
  direct <- table(factor(from$bme_class, levels = levels(from$bme_class)),
                  factor(to$bme_class, levels = levels(from$bme_class)))
  tr <- fu$transitions[fu$transitions$interval == "3 mo to 6 mo", ]
  expect_equal(tr$count, as.vector(t(direct)))
  with_bme <- from$bme_pct > 0
  iv <- fu$intervals[fu$intervals$interval == "3 mo to 6 mo" & fu$intervals$outcome == "bme", ]
  expect_equal(iv$count[iv$change == "decrease"], sum(to$bme_pct[with_bme] < from$bme_pct[with_bme]))
  expect_equal(iv$count[iv$change == "similar"], sum(to$bme_pct[with_bme] == from$bme_pct[with_bme]))
})

test_that("returning BME is listed, and single-visit cohorts are rejected", {
  long <- data.frame(patient = "P1", level = "L1", treated = TRUE,
                     visit = c("0 mo", "3 mo", "6 mo"), month = c(0, 3, 6),
                     bme_pct = c(50, 0, 20), vas = c(8, 3, 4))
  cohort <- suppressWarnings(vcf_cohort(long))
  fu <- vcf_followup(cohort)
  expect_equal(fu$returned$returned_at, "6 mo")
  expect_output(print(fu), "returned after resolution")
  single <- vcf_cohort(data.frame(patient = c("P1", "P2"), level = "L1", bme_pct = c(10, 0),
                                  visit = "0 mo"))
  expect_error(vcf_followup(single), class = "vcf_error_visits")
  expect_error(vcf_followup(cohort, change_on = "size"), class = "vcf_error_argument")
})

test_that("pain summaries give medians and analgesic shares per visit", {
  cohort <- vcf_cohort(pv_edema)
  fu <- vcf_followup(cohort, by = vcf_subgroup(cohort))
  pv <- cohort$patient_visits
  a <- cohort$patients$patient[vcf_subgroup(cohort) == "A"]
  at3 <- pv$vas[pv$visit == "3 mo" & pv$patient %in% a]
  expect_equal(fu$pain$median[fu$pain$group == "A" & fu$pain$visit == "3 mo"], stats::median(at3))
  an <- fu$analgesics[fu$analgesics$group == "A" & fu$analgesics$visit == "0 mo", ]
  expect_equal(sum(an$count), 31)
  expect_equal(sum(an$percent), 100)
})

test_that("vcf_followup checks every argument", {
  cohort <- vcf_cohort(pv_edema)
  expect_error(vcf_followup(pv_edema), class = "vcf_error_type")
  expect_error(vcf_followup(cohort, by = "nope"), class = "vcf_error_unknown_column")
  expect_error(vcf_followup(cohort, by = 1:3), class = "vcf_error_length")
  # a list with one group per patient is not a vector of groups (fuzz)
  groups <- vcf_subgroup(cohort)
  expect_error(vcf_followup(cohort, by = as.list(groups)), class = "vcf_error_type")
  expect_error(vcf_table1(cohort, by = as.list(groups)), class = "vcf_error_type")
  expect_equal(vcf_followup(cohort, by = as.character(groups))$bme,
               vcf_followup(cohort, by = groups)$bme)
  expect_error(vcf_followup(cohort, change_on = NA), class = "vcf_error_argument")
  expect_error(vcf_followup(cohort, tolerance = -1), class = "vcf_error_argument")
  expect_error(vcf_followup(cohort, tolerance = Inf), class = "vcf_error_argument")
  expect_error(vcf_followup(cohort, tolerance = c(1, 2)), class = "vcf_error_argument")
  # a fracture-level column with one value per patient is a valid grouping
  fu <- vcf_followup(cohort, by = "sex")
  expect_setequal(attr(fu, "groups"), c("female", "male"))
})
