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

# Every one-digit change of a printed number: each digit of the number as
# printed, replaced by each other digit, the sign kept.
one_digit_changes <- function(published) {
  out <- list()
  for (i in seq_len(nrow(published))) {
    txt <- formatC(abs(published$value[i]), format = "f", digits = published$digits[i])
    chars <- strsplit(txt, "")[[1]]
    sign <- if (published$value[i] < 0) -1 else 1
    for (p in which(chars %in% as.character(0:9))) {
      for (new in setdiff(0:9, as.integer(chars[p]))) {
        changed <- chars
        changed[p] <- as.character(new)
        row <- published[i, ]
        row$value <- sign * as.numeric(paste(changed, collapse = ""))
        out[[length(out) + 1L]] <- row
      }
    }
  }
  do.call(rbind, out)
}

test_that("one-digit changes are generated as printed", {
  pub <- data.frame(value = c(-4.4, 0.02), digits = c(1L, 2L))
  ch <- one_digit_changes(pub)
  expect_equal(nrow(ch), 2 * 9 + 3 * 9)
  expect_true(all(ch$value[1:18] < 0))
  expect_true(all(c(-5.4, -4.0, -9.4) %in% ch$value))
  expect_true(all(c(1.02, 0.12, 0.03, 0) %in% ch$value))
})

test_that("the reproduction flags every one-digit change of every table cell", {
  ns <- asNamespace("vcfoutcomes")
  for (study in c("pv_edema", "bkp_osteonecrosis")) {
    rep <- reproductions(study)
    pub <- vcf_published(study)
    cells <- pub[grepl("^Table", pub$source) & !is.na(pub$value), ]
    map <- vcf_reproduction_map(study)
    raw <- ns$reproduced_values(attr(rep, "analysis"), map, pub)
    changed <- one_digit_changes(cells)
    verdict <- ns$judge_reproduction(changed, unname(raw[changed$id]),
                                     map$rounding[match(changed$id, map$id)],
                                     ns$reproduction_conflicts(study))
    before <- rep$status[match(changed$id, rep$id)]
    # a change is flagged unless both the print and its change "match";
    # a change that turns a proved conflict into a match changes the verdict
    missed <- verdict$status == "match" & before == "match"
    expect_equal(sum(missed), 0, info = paste(study, paste(unique(changed$id[missed]), collapse = ", ")))
    expect_gt(nrow(changed), 1000)
    # every table cell is mapped: none is left to "not-derivable"
    expect_true(all(cells$id %in% map$id), info = study)
  }
})

test_that("printed p bounds and rounding rules are applied as stated", {
  ns <- asNamespace("vcfoutcomes")
  expect_equal(ns$round_printed(c(6.05, 6.15, 12.5, -2.25), c(1, 1, 0, 1), "half-even"),
               c(6.0, 6.2, 12, -2.2))
  expect_equal(ns$round_printed(c(121 / 20, 6.15, 12.5, -2.25), c(1, 1, 0, 1), "half-up"),
               c(6.1, 6.2, 13, -2.3))
  expect_equal(ns$round_printed(c(29.6875, 0.959, -0.85), c(0, 2, 1), "truncate"),
               c(29, 0.95, -0.8))
  pub <- data.frame(id = c("a", "b", "c", "d"), source = "Table 1", row = "r", column = "p",
                    statistic = c("p", "p", "p", "min"), reported = "x",
                    value = c(1e-4, 2e-4, 1e-4, 6), digits = c(4L, 4L, 4L, 0L),
                    comparison = c("<", "<", "<", ">"))
  got <- ns$judge_reproduction(pub, c(1e-9, 1e-9, 0.02, 6), rep("half-up", 4),
                               data.frame(id = character(), value = numeric(), reason = character()))
  expect_equal(got$status, c("match", "mismatch", "mismatch", "match"))
  # a proved conflict holds for the print it was proved for, not another
  conflicts <- data.frame(id = "b", value = 3e-4, reason = "proof")
  got <- ns$judge_reproduction(pub, c(1e-9, 1e-9, 0.02, 6), rep("half-up", 4), conflicts)
  expect_equal(got$status[2], "mismatch")
  conflicts$value <- 2e-4
  got <- ns$judge_reproduction(pub, c(1e-9, 1e-9, 0.02, 6), rep("half-up", 4), conflicts)
  expect_equal(got$status[2], "source-inconsistent")
})

test_that("one rounding rule per study", {
  expect_equal(unique(vcf_reproduction_map("pv_edema")$rounding), "half-even")
  expect_equal(unique(vcf_reproduction_map("bkp_osteonecrosis")$rounding), "half-up")
})
