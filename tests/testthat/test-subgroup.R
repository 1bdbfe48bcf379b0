test_that("the default rule gives the PV study's subgroups and reasons", {
  cohort <- vcf_cohort(pv_edema)
  groups <- vcf_subgroup(cohort)
  expect_s3_class(groups, "vcf_subgroup")
  expect_equal(as.vector(table(as.character(groups))), c(31L, 33L))
  expect_equal(names(groups), cohort$patients$patient)
  # the bundled data record the paper's assignment
  expect_equal(as.character(groups), as.character(cohort$patients$subgroup))
  reasons <- attr(groups, "reasons")
  expect_true(all(is.na(reasons$reason[groups == "A"])))
  expect_true(all(!is.na(reasons$reason[groups == "B"])))
  expect_equal(sum(grepl("new VCF", reasons$reason)), 17)
  expect_output(print(groups), "A: 31, B: 33")
})

test_that("custom rules are expressions or functions over patient variables", {
  cohort <- vcf_cohort(pv_edema)
  old <- vcf_subgroup(cohort, age >= 70, labels = c("70+", "<70"))
  expect_equal(sum(old == "70+"), sum(cohort$patients$age >= 70))
  by_fun <- vcf_subgroup(cohort, function(p) p$n_treated > 1)
  expect_equal(sum(by_fun == "A"), 19)
  cutoff <- 80
  expect_equal(sum(vcf_subgroup(cohort, age > cutoff) == "A"), sum(cohort$patients$age > cutoff))
})

test_that("invalid rules get classed errors naming what they referenced", {
  cohort <- vcf_cohort(pv_edema)
  expect_error(vcf_subgroup(cohort, bmi > 30), class = "vcf_error_rule")
  expect_snapshot(vcf_subgroup(cohort, bmi > 30), error = TRUE)
  expect_error(vcf_subgroup(cohort, age), class = "vcf_error_rule")
  expect_error(vcf_subgroup(cohort, labels = "A"), class = "vcf_error_argument")
  expect_error(vcf_subgroup(pv_edema), class = "vcf_error_type")
  no_rule <- vcf_cohort(bkp_osteonecrosis)
  expect_error(vcf_subgroup(no_rule), class = "vcf_error_missing_column")
})

test_that("rules over fracture variables are collapsed per patient by `fracture`", {
  df <- data.frame(patient = c("P1", "P1", "P2", "P3", "P3"),
                   level = c("T12", "L1", "L2", "T11", "T12"),
                   procedure = c("BKP", "PV", "PV", "PV", "PV"),
                   treated = c(FALSE, TRUE, TRUE, TRUE, TRUE))
  co <- vcf_cohort(df)
  # P1's first treated fracture is L1 (PV); any of P1's is BKP; not all
  expect_equal(as.character(vcf_subgroup(co, procedure == "BKP", fracture = "first")),
               c("B", "B", "B"))
  expect_equal(as.character(vcf_subgroup(co, procedure == "BKP", fracture = "any")),
               c("A", "B", "B"))
  expect_equal(as.character(vcf_subgroup(co, procedure == "PV", fracture = "all")),
               c("B", "A", "A"))
  expect_equal(as.character(vcf_subgroup(co, level >= "T12", fracture = "all")),
               c("A", "A", "B"))
  expect_error(vcf_subgroup(co, procedure == "PV", fracture = "most"),
               class = "vcf_error_fracture")
  expect_error(vcf_subgroup(co, labels = c("A", "A")), class = "vcf_error_labels")
  expect_error(vcf_subgroup(co, procedure == "PV", labels = NA), class = "vcf_error_argument")
  # a per-fracture subgroup named directly is refused with the way to choose
  expect_error(vcf_followup(co, by = "procedure"), class = "vcf_error_subgroup_level")
  expect_error(vcf_table1(co, by = vcf_subgroup(co, procedure == "PV", fracture = "any")), NA)
})
