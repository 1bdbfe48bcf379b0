# Every reproducible published number of the BKP osteonecrosis study
# (../shared/seeds/003_09b4c2b4985adc8c.txt), recomputed from the bundled
# data set with base R and compared with the number as printed. The Table 2
# p-values are not reproducible (data-raw/bkp_osteonecrosis_conflicts.md);
# their test documents how far off they are.

bkp <- function() {
  env <- new.env()
  utils::data("bkp_osteonecrosis", package = "vcfoutcomes", envir = env)
  env$bkp_osteonecrosis
}

at_visit <- function(d, visit, var) {
  rows <- d[d$visit == visit, ]
  rows[[var]][order(rows$patient)]
}

test_that("the data set has the cohort structure", {
  d <- bkp()
  expect_s3_class(d, "data.frame")
  expect_equal(nrow(d), 183L)
  expect_equal(length(unique(d$patient)), 61L)
  expect_true(is.ordered(d$visit))
  expect_equal(levels(d$visit), c("pre-op", "post-op", "final"))
  expect_equal(as.vector(table(d$patient, d$visit)), rep(1L, 183))
  expect_equal(levels(d$sex), c("female", "male"))
  expect_equal(levels(d$procedure), c("PV", "BKP"))
  expect_true(all(d$procedure == "BKP") && all(d$treated))
  expect_equal(levels(d$t2_pattern), c("well-defined high", "well-defined low", "diffuse"))
  expect_type(d$cleft_radiograph, "logical")
  expect_type(d$cleft_ct, "logical")
  expect_true(all(!is.na(vcf_level(d$level))))
  expect_true(all(d$month[d$visit == "pre-op"] == 0))
  # patient- and fracture-level columns repeat within a patient
  for (col in c("age", "sex", "level", "symptom_weeks", "cleft_radiograph",
                "cleft_ct", "t1_signal", "t2_pattern", "pain_pattern")) {
    per_patient <- tapply(as.character(d[[col]]), d$patient,
                          function(x) length(unique(x)))
    expect_true(all(per_patient == 1L), info = col)
  }
  # values within their scales and on their grids
  expect_true(all(d$vas >= 0 & d$vas <= 10 & d$vas == round(d$vas)))
  expect_true(all(d$odi >= 0 & d$odi <= 100 & d$odi == round(d$odi)))
  expect_true(all(d$height_pct > 0 & d$height_pct <= 100))
  # the case of Figures 1-3
  p1 <- d[d$patient == "BKP01" & d$visit == "pre-op", ]
  expect_equal(list(p1$age, as.character(p1$sex), p1$level), list(75, "male", "L2"))
})

test_that("patient characteristics match the text", {
  d <- bkp()
  base <- d[d$visit == "pre-op", ]
  expect_equal(nrow(base), 61L)
  expect_equal(sum(base$sex == "female"), 41L)
  expect_equal(sum(base$sex == "male"), 20L)
  expect_equal(round(mean(base$age)), 68)
  expect_equal(range(base$age), c(55, 90))
  final <- d[d$visit == "final", ]
  expect_equal(round(mean(final$month), 1), 27.4)
  expect_equal(range(final$month), c(18, 53))
  # symptoms six weeks to two years, average nine weeks
  expect_equal(round(mean(base$symptom_weeks)), 9)
  expect_equal(range(base$symptom_weeks), c(6, 104))
})

test_that("imaging and pain percentages match the text", {
  d <- bkp()
  base <- d[d$visit == "pre-op", ]
  pct <- function(x) 100 * mean(x)
  expect_equal(round(pct(base$cleft_radiograph)), 54)
  # 73% is no k/61 rounded to nearest; 45/61 = 73.8% truncated
  expect_equal(trunc(pct(base$cleft_ct)), 73)
  expect_equal(pct(base$t1_signal == "low"), 100)
  expect_equal(round(pct(base$t2_pattern == "well-defined high")), 90)
  expect_equal(round(pct(base$t2_pattern == "well-defined low")), 8)
  expect_equal(round(pct(base$t2_pattern %in% c("well-defined high", "well-defined low"))), 98)
  # 32% truncated from 20/61, and 68% printed as its complement
  relieved <- trunc(pct(base$pain_pattern == "relieved by rest"))
  expect_equal(relieved, 32)
  expect_equal(100 - relieved, 68)
  expect_equal(sum(base$pain_pattern == "pain walking and in bed") +
                 sum(base$pain_pattern == "relieved by rest"), 61L)
})

# Table 1 and Table 2: mean (min ~ max) per visit
published_summaries <- data.frame(
  var = rep(c("height_pct", "vas", "odi"), each = 3),
  visit = rep(c("pre-op", "post-op", "final"), 3),
  mean = c(34.7, 54.7, 53.1, 7.9, 2.4, 1.9, 80.9, 31.4, 25.3),
  min = c(18, 35, 33, 6, 0, 0, 73, 15, 13),
  max = c(53, 75, 71, 9, 4, 3, 90, 45, 40),
  stringsAsFactors = FALSE
)

test_that("Tables 1 and 2: every mean and range as printed", {
  d <- bkp()
  for (i in seq_len(nrow(published_summaries))) {
    row <- published_summaries[i, ]
    x <- at_visit(d, row$visit, row$var)
    info <- paste(row$var, row$visit)
    expect_length(x, 61)
    expect_equal(round(mean(x), 1), row$mean, info = info)
    expect_equal(min(x), row$min, info = info)
    expect_equal(max(x), row$max, info = info)
  }
})

published_t <- data.frame(
  table = rep(c("Table 1", "Table 2"), each = 3),
  var = rep(c("height_pct", "vas", "odi"), 2),
  from = rep(c("pre-op", "post-op"), each = 3),
  to = rep(c("post-op", "final"), each = 3),
  t = c(-12.43, 21.03, 18.49, 2.12, 1.82, 2.01),
  p = c(NA, NA, NA, 0.0601, 0.0965, 0.0671),
  stringsAsFactors = FALSE
)

test_that("Tables 1 and 2: paired t statistics (earlier minus later visit)", {
  d <- bkp()
  for (i in seq_len(nrow(published_t))) {
    row <- published_t[i, ]
    tt <- stats::t.test(at_visit(d, row$from, row$var), at_visit(d, row$to, row$var),
                        paired = TRUE)
    info <- paste(row$table, row$var)
    expect_equal(round(unname(tt$statistic), 2), row$t, info = info)
    expect_equal(unname(tt$parameter), 60, info = info)
    if (row$table == "Table 1") {
      expect_lt(tt$p.value, 1e-4)  # printed "<.0001"
    }
  }
})

test_that("Table 2 p-values follow from the t only with df 10, 11 and 12, not 60", {
  d <- bkp()
  tab2 <- published_t[published_t$table == "Table 2", ]
  for (i in seq_len(nrow(tab2))) {
    row <- tab2[i, ]
    tt <- stats::t.test(at_visit(d, row$from, row$var), at_visit(d, row$to, row$var),
                        paired = TRUE)
    # the data give df = 60 and a p that differs from the printed one
    expect_false(isTRUE(all.equal(round(tt$p.value, 4), row$p)), info = row$var)
  }
  # the df that reproduces each printed p from its printed t
  df_for <- c(10, 11, 12)
  expect_equal(round(2 * stats::pt(-tab2$t, df_for), 3), round(tab2$p, 3))
  expect_true(all(abs(2 * stats::pt(-tab2$t, 60) - tab2$p) > 0.015))
})
