# Figures (ggplot2): BME classes per visit (PV Figure 1), median VAS (Figure
# 4), analgesic use (Figure 5), and mean (min-max) of outcomes over visits
# (BKP study). Each returns a ggplot object.

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
okabe_ito <- c("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
               "#D55E00", "#CC79A7", "#000000")

#' Figures of a follow-up study
#'
#' * `vcf_plot_bme()`: BME extent classes of the treated fractures per
#'   visit as stacked bars (the PV study's Figure 1).
#' * `vcf_plot_vas()`: median VAS per visit, a line per subgroup (Figure 4).
#' * `vcf_plot_analgesics()`: analgesic class use per visit as stacked bars
#'   (Figure 5).
#' * `vcf_plot_outcomes()`: mean with min-max range of each outcome over the
#'   visits (the BKP study's tables as a figure).
#'
#' @param followup A [vcf_followup()] result.
#' @param group Subgroup(s) to show; `NULL` for all.
#' @return A ggplot object.
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' fu <- vcf_followup(cohort, by = vcf_subgroup(cohort))
#' vcf_plot_bme(vcf_followup(cohort))
#' vcf_plot_vas(fu, group = "A")
#' @name vcf_plots
NULL

#' @rdname vcf_plots
#' @export
vcf_plot_bme <- function(followup, group = NULL) {
  check_followup(followup, "bme_classes")
  stacked_percent_bars(
    subset_groups(followup$bme_classes, group), fill = "class",
    colours = c(none = "#F0F0F0", minor = okabe_ito[2], moderate = okabe_ito[1],
                severe = okabe_ito[6]),
    legend = "BME extent",
    labels = c("none (0%)", "minor (1-24%)", "moderate (25-74%)", "severe (75-100%)"),
    y = "Treated fractures", title = "Extent of bone marrow edema in treated fractures")
}

#' @rdname vcf_plots
#' @export
vcf_plot_vas <- function(followup, group = NULL) {
  check_followup(followup, "pain")
  data <- subset_groups(followup$pain, group)
  ggplot2::ggplot(data, ggplot2::aes(x = .data$visit, y = .data$median,
                                     colour = .data$group, group = .data$group)) +
    ggplot2::geom_line(linewidth = 0.8) +
    ggplot2::geom_point(size = 2.5) +
    ggplot2::scale_colour_manual(values = okabe_ito, name = "Subgroup") +
    ggplot2::scale_y_continuous(limits = c(0, 10), breaks = 0:10) +
    ggplot2::labs(x = "Visit", y = "Median VAS for pain (0-10)",
                  title = "Pain over follow-up") +
    vcf_theme()
}

#' @rdname vcf_plots
#' @export
vcf_plot_analgesics <- function(followup, group = NULL) {
  check_followup(followup, "analgesics")
  stacked_percent_bars(
    subset_groups(followup$analgesics, group), fill = "analgesic",
    colours = c(none = "#F0F0F0", paracetamol = okabe_ito[2], NSAID = okabe_ito[1],
                opiate = okabe_ito[6]),
    legend = "Analgesic", labels = ggplot2::waiver(), y = "Patients",
    title = "Use of analgesics")
}

# Percentages per visit as stacked bars, a panel per subgroup when several.
stacked_percent_bars <- function(data, fill, colours, legend, labels, y, title) {
  data$percent[is.na(data$percent)] <- 0
  plot <- ggplot2::ggplot(data, ggplot2::aes(x = .data$visit, y = .data$percent,
                                             fill = .data[[fill]])) +
    ggplot2::geom_col(width = 0.7, colour = "white") +
    ggplot2::scale_fill_manual(values = colours, name = legend, drop = FALSE, labels = labels) +
    ggplot2::scale_y_continuous(labels = function(x) paste0(x, "%"),
                                expand = ggplot2::expansion(mult = c(0, 0.02))) +
    ggplot2::labs(x = "Visit", y = y, title = title) +
    vcf_theme()
  if (length(unique(data$group)) > 1L) {
    plot <- plot + ggplot2::facet_wrap(ggplot2::vars(.data$group))
  }
  plot
}

#' @rdname vcf_plots
#' @param cohort A [vcf_cohort()].
#' @param outcomes Outcome columns to show.
#' @export
vcf_plot_outcomes <- function(cohort, outcomes = NULL, group = NULL) {
  check_cohort(cohort)
  available <- intersect(c("height_pct", "vas", "odi"),
                         cohort_vars(cohort, c("visit", "patient_visit")))
  outcomes <- outcomes %||% available
  unknown <- setdiff(outcomes, available)
  if (length(unknown) || !length(outcomes)) {
    vcf_abort(c("{.arg outcomes} must name numeric visit outcomes.",
                i = "Available: {.field {available}}."), c("unknown_column", "argument"))
  }
  rows <- lapply(outcomes, function(var) {
    data <- cohort_table(cohort, cohort_unit(cohort, var))
    stats <- summarise_numeric(data[[var]], as.character(data$visit), cohort$visit_levels)
    data.frame(outcome = variable_label_paired(var),
               visit = factor(cohort$visit_levels, levels = cohort$visit_levels),
               mean = stats$mean, min = stats$min, max = stats$max)
  })
  data <- do.call(rbind, rows)
  data$outcome <- factor(data$outcome, levels = unique(data$outcome))
  ggplot2::ggplot(data, ggplot2::aes(x = .data$visit, y = .data$mean, group = 1)) +
    ggplot2::geom_linerange(ggplot2::aes(ymin = .data$min, ymax = .data$max),
                            colour = okabe_ito[5], linewidth = 1.2, alpha = 0.5) +
    ggplot2::geom_line(colour = okabe_ito[5]) +
    ggplot2::geom_point(colour = okabe_ito[5], size = 2.5) +
    ggplot2::facet_wrap(ggplot2::vars(.data$outcome), scales = "free_y") +
    ggplot2::labs(x = "Visit", y = "Mean (range)", title = "Outcomes over follow-up") +
    vcf_theme()
}

vcf_theme <- function() {
  ggplot2::theme_minimal(base_size = 12) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(),
                   panel.grid.major.x = ggplot2::element_blank(),
                   legend.position = "right",
                   plot.title = ggplot2::element_text(face = "bold"))
}

check_followup <- function(followup, part, call = rlang::caller_env()) {
  if (!inherits(followup, "vcf_followup")) {
    vcf_abort("{.arg followup} must be a {.cls vcf_followup} from {.fn vcf_followup}.",
              c("type", "argument"), call = call)
  }
  if (is.null(followup[[part]])) {
    vcf_abort("The follow-up has no {.field {part}}: the cohort lacks the variables for it.",
              c("missing_column", "input"), call = call)
  }
}

subset_groups <- function(data, group, call = rlang::caller_env()) {
  if (is.null(group)) return(data)
  unknown <- setdiff(group, unique(data$group))
  if (length(unknown)) {
    vcf_abort("{.arg group} names unknown subgroup{?s} {.val {unknown}}.",
              c("unknown_group", "argument"), call = call)
  }
  data[data$group %in% group, , drop = FALSE]
}
