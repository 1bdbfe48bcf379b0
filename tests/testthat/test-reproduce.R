# vcf_reproduce(): every published number beside the one the bundled cohort
# gives, through the study's map.

reproductions <- local({
  cache <- list()
  function(study) {
    if (is.null(cache[[study]])) {
      cache[[study]] <<- vcf_reproduce(study, boot = vcf_boot_control(B = 199, seed = 1))
    }
    cache[[study]]
  }
})

# The reproductions as they stood before the map replaced the hard-coded
# mapping (issue 11), saved from that code: ids, reproduced values, statuses.
before_map <- function(study) {
  utils::read.csv(test_path("fixtures", paste0("reproduce-", study, "-before.csv")),
                  stringsAsFactors = FALSE)
}

test_that("the map reproduces the hard-coded mapping exactly", {
  for (study in c("pv_edema", "bkp_osteonecrosis")) {
    rep <- reproductions(study)
    old <- before_map(study)
    expect_identical(rep$id, old$id)
    expect_identical(rep$status, old$status, info = study)
    expect_equal(rep$reproduced, old$reproduced, tolerance = 1e-12, info = study)
  }
})

test_that("every BKP number is reproduced or shown inconsistent in the source", {
  rep <- reproductions("bkp_osteonecrosis")
  expect_s3_class(rep, "vcf_reproduction")
  expect_false(any(rep$status == "mismatch"))
  expect_true(all(!is.na(rep$reason[rep$status != "match"])))
  t1 <- rep[grepl("^bkp.t1", rep$id), ]
  expect_true(all(t1$status == "match"))
  expect_equal(rep$status[rep$id == "bkp.t2.height_pct_p"], "source-inconsistent")
})

test_that("every PV number is reproduced or explained", {
  rep <- reproductions("pv_edema")
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

test_that("the map names a published id once, and a known part, for every row", {
  for (study in c("pv_edema", "bkp_osteonecrosis")) {
    map <- vcf_reproduction_map(study)
    pub <- vcf_published(study)
    expect_true(all(map$id %in% pub$id), info = study)
    expect_false(anyDuplicated(map$id) > 0)
    expect_true(all(map$part %in% names(vcfoutcomes:::reproduction_parts)))
    # every printed number the data can compute has a row; the rest are
    # exactly the not-derivable ones
    rep <- reproductions(study)
    expect_setequal(setdiff(rep$id, map$id), rep$id[rep$status == "not-derivable"])
  }
  expect_error(vcf_reproduction_map("other"), class = "vcf_error_unknown_study")
})

test_that("a malformed map is a classed error naming the rows", {
  map <- vcf_reproduction_map("bkp_osteonecrosis")
  bad <- map
  bad$part[3] <- "nowhere"
  expect_error(vcfoutcomes:::check_map(bad, "map.csv"), class = "vcf_error_reproduction_map")
  bad <- map
  bad$id[4] <- bad$id[2]
  expect_error(vcfoutcomes:::check_map(bad, "map.csv"), class = "vcf_error_reproduction_map")
  expect_error(vcfoutcomes:::round_printed(1.25, 1L, "ceiling"),
               class = "vcf_error_reproduction_map")
})

test_that("adding a study's number is adding a map row", {
  # a row pointing at a value the parts already compute is picked up
  # without code: the number of women in the BKP cohort, twice over
  pub <- vcf_published("bkp_osteonecrosis")
  map <- vcf_reproduction_map("bkp_osteonecrosis")
  rows <- map[map$id %in% c("bkp.methods.women_count", "bkp.methods.men_count"), ]
  analysis <- attr(reproductions("bkp_osteonecrosis"), "analysis")
  got <- vcfoutcomes:::reproduced_values(analysis, rows, pub)
  patients <- unique(bkp_osteonecrosis[c("patient", "sex")])
  expect_equal(unname(got[c("bkp.methods.women_count", "bkp.methods.men_count")]),
               as.numeric(table(patients$sex)[c("female", "male")]))
  # joined levels add
  rows$level[1] <- "female|male"
  got <- vcfoutcomes:::reproduced_values(analysis, rows, pub)
  expect_equal(got[["bkp.methods.women_count"]], nrow(patients))
})
