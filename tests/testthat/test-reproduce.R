test_that("every BKP number is reproduced or shown inconsistent in the source", {
  rep <- vcf_reproduce("bkp_osteonecrosis", boot = vcf_boot_control(B = 199, seed = 1))
  expect_s3_class(rep, "vcf_reproduction")
  expect_false(any(rep$status == "mismatch"))
  expect_true(all(!is.na(rep$reason[rep$status != "match"])))
  t1 <- rep[grepl("^bkp.t1", rep$id), ]
  expect_true(all(t1$status == "match"))
  expect_equal(rep$status[rep$id == "bkp.t2.height_pct_p"], "source-inconsistent")
})

test_that("every PV number is reproduced or explained", {
  rep <- vcf_reproduce("pv_edema", boot = vcf_boot_control(B = 199, seed = 1))
  expect_false(any(rep$status == "mismatch"),
               info = paste(rep$id[rep$status == "mismatch"], collapse = ", "))
  expect_true(all(!is.na(rep$reason[rep$status != "match"])))
  t1 <- rep[grepl("^pv.t1", rep$id), ]
  expect_gt(mean(t1$status == "match"), 0.9)
  t2 <- rep[grepl("^pv.t2", rep$id), ]
  expect_equal(sum(t2$status == "mismatch"), 0)
})

test_that("vcf_reproduce rejects unknown studies", {
  expect_error(vcf_reproduce("other"), class = "vcf_error_unknown_study")
})
