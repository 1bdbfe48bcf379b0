# Figures: structure (no title, n per visit, captions, units, intervals),
# colours, label wrapping, saving at journal sizes, and vdiffr snapshots.

pv_followup <- function() {
  cohort <- vcf_cohort(pv_edema)
  vcf_followup(cohort, by = vcf_subgroup(cohort))
}

axis_labels <- function(plot) {
  built <- ggplot2::ggplot_build(plot)
  unlist(lapply(built$layout$panel_params, function(p) p$x$get_labels()))
}

test_that("figures have no title, n under each visit and the subgroup n in the caption", {
  fu <- pv_followup()
  for (plot in list(vcf_plot_bme(fu, group = "A"), vcf_plot_vas(fu, group = "A"),
                    vcf_plot_analgesics(fu, group = "A"))) {
    expect_null(plot$labels$title)
    labels <- axis_labels(plot)
    expect_length(labels, 4L)
    expect_true(all(grepl("\n\\(n = [0-9]+\\)$", labels)))
    expect_match(plot$labels$caption, "^Subgroup A \\(n = 31 ")
  }
  bme <- vcf_plot_bme(fu, group = "A")
  n <- fu$bme_classes[fu$bme_classes$group == "A" & fu$bme_classes$class == "none", ]
  expect_equal(axis_labels(bme), paste0(n$visit, "\n(n = ", n$n, ")"))
  # One group: no one-entry legend.
  vas <- ggplot2::ggplot_build(vcf_plot_vas(fu, group = "A"))
  expect_false(any(vapply(vas$plot$guides, is.character, logical(1)) &
                     unlist(vas$plot$guides) != "none"))
  both <- vcf_plot_vas(fu)
  expect_match(both$labels$caption, "Subgroup A \\(n = 31 patients\\); Subgroup B \\(n = 33 patients\\)")
  # One panel: under each visit the n of each group seen there (B only at
  # the first visit).
  expect_equal(axis_labels(both)[1:2], c("0 mo\nA: n = 31\nB: n = 33", "3 mo\nA: n = 31"))
})

test_that("adjacent classes differ in lightness, and groups in shape and line type", {
  lightness <- function(colours) {
    rgb <- t(grDevices::col2rgb(colours)) / 255
    grDevices::convertColor(rgb, from = "sRGB", to = "Lab")[, "L"]
  }
  for (palette in list(vcfoutcomes:::bme_palette, vcfoutcomes:::analgesic_palette)) {
    steps <- diff(lightness(palette))
    expect_true(all(steps < 0), label = "lightness falls with the class")
    expect_true(all(abs(steps) >= 15), label = paste(names(palette), collapse = ","))
  }
  # In greyscale (luminance only) the groups' colours differ too, and each
  # group also has its own shape and line type.
  expect_true(all(abs(diff(lightness(vcfoutcomes:::group_colours[1:3]))) >= 15))
  expect_equal(anyDuplicated(vcfoutcomes:::group_shapes), 0L)
  expect_equal(anyDuplicated(vcfoutcomes:::group_linetypes), 0L)
})

test_that("long visit labels wrap so that they do not overlap", {
  data <- pv_edema
  long <- c("0 mo" = "baseline before vertebroplasty", "3 mo" = "three months after treatment",
            "6 mo" = "six months after treatment", "12 mo" = "one year after treatment")
  data$visit <- unname(long[as.character(data$visit)])
  cohort <- vcf_cohort(data)
  fu <- vcf_followup(cohort)
  plot <- vcf_plot_bme(fu)
  labels <- axis_labels(plot)
  expect_length(labels, 4L)
  lines <- unlist(strsplit(labels, "\n", fixed = TRUE))
  # Four labels share an axis: each line at most 12 characters (or one word).
  expect_true(all(nchar(lines) <= 12L | !grepl(" ", lines)))
  expect_true(all(vapply(strsplit(labels, "\n"), length, 1L) >= 3L))
  vdiffr_ok <- requireNamespace("vdiffr", quietly = TRUE)
  if (vdiffr_ok) vdiffr::expect_doppelganger("bme classes with long visit labels", plot)
})

test_that("outcomes show means with 95% CIs (or SD or range) and units on each panel", {
  cohort <- vcf_cohort(bkp_osteonecrosis)
  plot <- vcf_plot_outcomes(cohort)
  expect_null(plot$labels$title)
  expect_null(plot$labels$y)
  built <- ggplot2::ggplot_build(plot)
  strips <- levels(built$plot$data$outcome)
  expect_true(all(grepl(", %|\\(0-10\\)", strips)))
  data <- plot$data
  vas <- cohort$patient_visits$vas[cohort$patient_visits$visit == "pre-op"]
  vas <- vas[!is.na(vas)]
  ci <- stats::t.test(vas)$conf.int
  row <- data[grepl("VAS", data$outcome) & data$visit == "pre-op", ]
  expect_equal(c(row$low, row$high), as.vector(ci), tolerance = 1e-10)
  expect_match(plot$labels$caption, "mean (95% CI)", fixed = TRUE)
  sd <- vcf_plot_outcomes(cohort, interval = "sd")$data
  row <- sd[grepl("VAS", sd$outcome) & sd$visit == "pre-op", ]
  expect_equal(row$high - row$mean, stats::sd(vas), tolerance = 1e-10)
  range <- vcf_plot_outcomes(cohort, interval = "range")$data
  row <- range[grepl("VAS", range$outcome) & range$visit == "pre-op", ]
  expect_equal(c(row$low, row$high), range(vas))
  expect_true(all(grepl("\\(n = [0-9]+\\)$", axis_labels(plot))))
  expect_error(vcf_plot_outcomes(cohort, interval = "iqr"), class = "vcf_error_argument")
  expect_error(vcf_plot_outcomes(cohort, outcomes = "bmi"), class = "vcf_error_unknown_column")
})

test_that("autoplot and plot methods return and draw ggplots", {
  fit <- vcf_analyze(vcf_cohort(bkp_osteonecrosis), boot = vcf_boot_control(B = 99, seed = 1))
  expect_s3_class(ggplot2::autoplot(fit, "outcomes"), "ggplot")
  paired <- ggplot2::autoplot(fit$paired[[1]])
  expect_s3_class(paired, "ggplot")
  expect_equal(nrow(paired$data), nrow(fit$paired[[1]]))
  expect_equal(paired$data$low, fit$paired[[1]]$ci_low)
  fu <- pv_followup()
  expect_s3_class(ggplot2::autoplot(fu, "analgesics", group = "B"), "ggplot")
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_s3_class(plot(fit, "paired"), "ggplot")
  expect_s3_class(plot(fu, "vas"), "ggplot")
  boot <- vcf_boot_lm(height ~ age, data.frame(height = c(1, 3, 2, 5, 4, 6, 8, 7),
                                               age = 1:8), B = 99, seed = 1)
  expect_null(ggplot2::autoplot(boot)$labels$title)
  expect_error(ggplot2::autoplot(fit, "bme"), class = "vcf_error_missing_column")
  expect_error(ggplot2::autoplot(fu, "height"), class = "vcf_error_argument")
  expect_error(vcf_plot_bme(fu, group = NaN), class = "vcf_error_type")
  expect_snapshot(vcf_plot_bme(fu, group = NaN), error = TRUE)
})

test_that("vcf_save_plot writes TIFF, PNG and PDF at journal sizes", {
  plot <- vcf_plot_bme(vcf_followup(vcf_cohort(pv_edema)))
  png <- tempfile(fileext = ".png")
  tiff <- tempfile(fileext = ".tiff")
  pdf <- tempfile(fileext = ".pdf")
  on.exit(unlink(c(png, tiff, pdf)))
  vcf_save_plot(plot, png, "single", dpi = 300)
  header <- readBin(png, "raw", 24L)
  width_px <- sum(as.integer(header[17:20]) * 256^(3:0))
  expect_equal(width_px, round(85 / 25.4 * 300), tolerance = 1)
  if (capabilities("tiff")) {
    vcf_save_plot(plot, tiff, "double", dpi = 600)
    expect_true(rawToChar(readBin(tiff, "raw", 2L)) %in% c("II", "MM"))
  }
  vcf_save_plot(plot, pdf, width = 120, height = 80)
  expect_equal(rawToChar(readBin(pdf, "raw", 4L)), "%PDF")
  expect_error(vcf_save_plot(plot, tempfile(fileext = ".jpg")), class = "vcf_error_file_type")
  expect_error(vcf_save_plot(plot, png, dpi = 72), class = "vcf_error_argument")
  expect_error(vcf_save_plot(plot, png, width = "triple"), class = "vcf_error_argument")
  expect_error(vcf_save_plot(1, png), class = "vcf_error_type")
})

test_that("figures match their snapshots", {
  skip_if_not_installed("vdiffr")
  fu <- pv_followup()
  vdiffr::expect_doppelganger("bme classes by subgroup", vcf_plot_bme(fu))
  vdiffr::expect_doppelganger("median vas subgroup A", vcf_plot_vas(fu, group = "A"))
  vdiffr::expect_doppelganger("analgesics subgroup A", vcf_plot_analgesics(fu, group = "A"))
  cohort <- vcf_cohort(bkp_osteonecrosis)
  vdiffr::expect_doppelganger("bkp outcomes with 95% ci", vcf_plot_outcomes(cohort))
  vdiffr::expect_doppelganger("bkp paired differences",
                              ggplot2::autoplot(vcf_paired(cohort, "pre-op", "post-op")))
})

test_that("plot and autoplot of an analysis check the object, which and group", {
  fit <- vcf_analyze(vcf_cohort(bkp_osteonecrosis), boot = vcf_boot_control(B = 49, seed = 1))
  fake <- structure(list(), class = "vcf_analysis")
  expect_error(plot(fake), class = "vcf_error_object")
  expect_error(ggplot2::autoplot(fake), class = "vcf_error_object")
  expect_error(ggplot2::autoplot(fit, which = c("bme", "vas", "pain")), class = "vcf_error_argument")
  expect_error(ggplot2::autoplot(fit, which = integer(0)), class = "vcf_error_argument")
  expect_error(ggplot2::autoplot(fit, "vas", group = 2^53 + 2), class = "vcf_error_type")
  # group is passed on for the outcomes figure, which does not take it.
  expect_error(ggplot2::autoplot(fit, "outcomes", group = 3), class = "vcf_error_unused")
})

test_that("a damaged paired table is refused by its figure (fuzz)", {
  paired <- vcf_paired(vcf_cohort(bkp_osteonecrosis), "pre-op", "post-op")
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_s3_class(plot(paired), "ggplot")
  renamed <- paired
  names(renamed)[names(renamed) == "ci_low"] <- "low"
  expect_snapshot(plot(renamed), error = TRUE)
  expect_error(ggplot2::autoplot(renamed), class = "vcf_error_object")
  expect_error(ggplot2::autoplot(paired[, c("outcome", "outcome")]), class = "vcf_error_object")
})

test_that("vcf_save_plot rejects paths it cannot write with a classed error", {
  plot <- ggplot2::ggplot()
  # a ggplot with a part removed fails inside ggplot2 as it is drawn (fuzz)
  damaged <- ggplot2::ggplot(data.frame(x = 1:3, y = 3:1), ggplot2::aes(x, y)) +
    ggplot2::geom_point()
  damaged[[1L]] <- NULL
  expect_error(vcf_save_plot(damaged, tempfile(fileext = ".png")), class = "vcf_error_plot")
  expect_error(vcf_save_plot(plot, tempdir()), class = "vcf_error_file")
  expect_error(vcf_save_plot(plot, file.path(tempfile(), "no", "x.png")), class = "vcf_error_file")
  expect_error(vcf_save_plot(plot, paste0(strrep("a", 5000), ".png")), class = "vcf_error_file")
  expect_error(vcf_save_plot(plot, 3), class = "vcf_error_argument")
})
