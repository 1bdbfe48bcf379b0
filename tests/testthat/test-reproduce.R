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

# Verdicts changed on purpose since then (issue 16): Table 3's analgesic
# columns coded as the VAS ones and the analgesic class changes rebuilt.
changed_verdicts <- c(
  "pv.t3.decrease_vs_similar_ci_high.analgesic.3_6" = "match",
  "pv.t3.absent_vs_present_ci_low.analgesic.3_6" = "match",
  "pv.t3.absent_vs_present_ci_high.analgesic.3_6" = "source-inconsistent")
# Values that moved with the rebuilt analgesic classes (the regressions on
# them and the Wilcoxon p of later visits vs the first).
changed_values <- function(id) {
  grepl("^pv[.]t3[.].*(coef|ci_low|ci_high)[.]analgesic", id) |
    id == "pv.results.vas_analgesic_vs_initial_p"
}

test_that("the map reproduces the hard-coded mapping, changes listed", {
  for (study in c("pv_edema", "bkp_osteonecrosis")) {
    rep <- reproductions(study)
    old <- before_map(study)
    # numbers added since (issue 16) are new rows; the old ones keep their order
    expect_identical(rep$id[rep$id %in% old$id], old$id)
    rep <- rep[match(old$id, rep$id), ]
    expected <- old$status
    hit <- match(names(changed_verdicts), old$id)
    expected[hit[!is.na(hit)]] <- changed_verdicts[!is.na(hit)]
    expect_identical(rep$status, expected, info = study)
    keep <- !changed_values(rep$id)
    expect_equal(rep$reproduced[keep], old$reproduced[keep], tolerance = 1e-12, info = study)
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
    expect_true(all(map$part %in% c(names(vcfoutcomes:::reproduction_parts), "none")))
    # every printed number has a row; those the data cannot hold are part
    # "none", with their reason, and are exactly the not-derivable ones
    rep <- reproductions(study)
    expect_setequal(rep$id, intersect(map$id, rep$id))
    expect_setequal(pub$id[!is.na(pub$value)], rep$id)
    none <- map$id[map$part == "none"]
    expect_setequal(rep$id[rep$status == "not-derivable"], none)
    expect_equal(rep$reason[match(none, rep$id)], map$note[match(none, map$id)])
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

test_that("the numbers added for issue 16 are matched, checked or not derivable", {
  pv <- reproductions("pv_edema")
  status <- function(rep, id) rep$status[match(id, rep$id)]
  expect_equal(status(pv, c("pv.methods.treated_level_min", "pv.methods.treated_level_max")),
               c("match", "match"))
  expect_equal(pv$reproduced[match(c("pv.methods.treated_level_min", "pv.methods.treated_level_max"),
                                   pv$id)], c(12, 24))           # T5 and L5
  fig2 <- sprintf("pv.fig2.example_analgesic.%dmo", c(0, 3, 6, 12))
  expect_equal(status(pv, fig2), rep("match", 4))
  expect_equal(pv$reproduced[match(fig2, pv$id)], c(3, 0, 0, 0))  # opiate, then none
  nd <- c("pv.methods.inclusion_height_loss_min", "pv.methods.inclusion_pain_weeks_min",
          "pv.methods.inclusion_tscore_max", "pv.methods.technical_failures_count",
          "pv.methods.procedural_morbidity_count")
  expect_equal(status(pv, nd), rep("not-derivable", 5))
  expect_true(all(grepl("records|inclusion criterion", pv$reason[match(nd, pv$id)])))
  bkp <- reproductions("bkp_osteonecrosis")
  expect_equal(status(bkp, "bkp.results.t1_low_signal_percent"), "match")
  expect_equal(status(bkp, "bkp.methods.vas_scale_max"), "match")
  expect_equal(status(bkp, "bkp.methods.vas_scale_min"), "source-inconsistent")
  expect_match(bkp$reason[bkp$id == "bkp.methods.vas_scale_min"], "outside the stated scale")
  expect_equal(status(bkp, c("bkp.methods.alpha", "bkp.results.major_complications_count")),
               rep("not-derivable", 2))
  # flags on matched numbers: VAS minima of 0, and the ODI t of 18.49
  flagged <- bkp[!is.na(bkp$note), ]
  expect_setequal(flagged$id, c("bkp.t1.vas_min.post", "bkp.t2.vas_min.post",
                                "bkp.t2.vas_min.final", "bkp.t1.odi_t"))
  expect_true(all(flagged$status == "match"))
})

test_that("the ODI t of 18.49 needs the correlation its note states", {
  # SD of the differences from t, n and the printed means; the largest SDs
  # values within the printed ranges can have (Bhatia-Davis); the largest
  # correlation these allow, and the one the bundled data have.
  n <- 61
  sd_diff <- (80.9 - 31.4) * sqrt(n) / 18.49
  sd_pre <- sqrt((80.9 - 73) * (90 - 80.9))
  sd_post <- sqrt((31.4 - 15) * (45 - 31.4))
  r_max <- (sd_pre^2 + sd_post^2 - sd_diff^2) / (2 * sd_pre * sd_post)
  expect_equal(round(c(sd_diff, sd_pre, sd_post, r_max), 2), c(20.91, 8.48, 14.93, -0.56))
  d <- bkp_osteonecrosis
  pre <- d$odi[d$visit == "pre-op"]
  post <- d$odi[d$visit == "post-op"][match(d$patient[d$visit == "pre-op"], d$patient[d$visit == "post-op"])]
  expect_lt(cor(pre, post), -0.94)
  expect_equal(round(unname(t.test(pre, post, paired = TRUE)$statistic), 2), 18.49)
  note <- vcf_reproduction_map("bkp_osteonecrosis")
  note <- note$note[note$id == "bkp.t1.odi_t"]
  expect_match(note, "-0.56")
  expect_match(note, "-0.95")
})

test_that("each study's rounding rule is the one under which most prints match", {
  ns <- asNamespace("vcfoutcomes")
  matches_under <- function(study) {
    rep <- reproductions(study)
    pub <- vcf_published(study)
    pub <- pub[!is.na(pub$value) & !pub$comparison %in% c("<", ">"), ]
    map <- vcf_reproduction_map(study)
    raw <- ns$reproduced_values(attr(rep, "analysis"), map, pub)[pub$id]
    vapply(c("half-up", "half-even", "truncate"), function(rule) {
      sum(abs(ns$round_printed(raw, pub$digits, rule) - pub$value) < 1e-9, na.rm = TRUE)
    }, numeric(1))
  }
  pv <- matches_under("pv_edema")
  expect_equal(names(which.max(pv)), "half-even")
  expect_gt(pv[["half-even"]], pv[["half-up"]])      # 8/64 = 12.5% printed 12%
  expect_gt(pv[["half-even"]] - pv[["truncate"]], 50)
  bkp <- matches_under("bkp_osteonecrosis")
  expect_equal(bkp[["half-up"]], bkp[["half-even"]])  # no tie in BKP
  expect_gt(bkp[["half-up"]], bkp[["truncate"]])
})

test_that("errors of the map and the conflicts name what is wrong", {
  expect_snapshot(vcf_conflicts("other"), error = TRUE)
  expect_error(vcf_conflicts(1), class = "vcf_error_unknown_study")
  expect_snapshot(vcf_reproduction_map(c("pv_edema", "x")), error = TRUE)
  map <- vcf_reproduction_map("bkp_osteonecrosis")
  map$part[c(2, 5)] <- "nowhere"
  expect_snapshot(vcfoutcomes:::check_map(map, "bkp_map.csv"), error = TRUE)
  map <- vcf_reproduction_map("bkp_osteonecrosis")
  map$note[map$part == "none"] <- NA
  expect_error(vcfoutcomes:::check_map(map, "bkp_map.csv"), "note",
               class = "vcf_error_reproduction_map")
  expect_snapshot(vcfoutcomes:::round_printed(1.25, 1L, "ceiling"), error = TRUE)
})

test_that("the conflicts are keyed by id and printed value, one proof each", {
  for (study in c("pv_edema", "bkp_osteonecrosis")) {
    conflicts <- vcf_conflicts(study)
    pub <- vcf_published(study)
    expect_named(conflicts, c("id", "value", "reason"))
    expect_false(anyDuplicated(conflicts$id) > 0)
    expect_equal(conflicts$value, pub$value[match(conflicts$id, pub$id)])
    expect_true(all(nchar(conflicts$reason) > 40))
    expect_false(any(grepl("data-raw", conflicts$reason)))
  }
})

test_that("printing names the non-matches and the matched numbers with a note", {
  out <- capture.output(print(reproductions("bkp_osteonecrosis")))
  expect_match(out[1], "90 published numbers: 79 match, 9 source-inconsistent, 2 not-derivable, 0 mismatch",
               fixed = TRUE)
  expect_true(any(grepl("Matched, with a note.*bkp.t1.odi_t", out)))
})
