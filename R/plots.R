# Figures (ggplot2) a journal accepts as they come: BME classes per visit
# (PV Figure 1), median VAS (Figure 4), analgesic use (Figure 5), outcomes
# over visits with 95% CIs (the BKP study's tables as a figure) and paired
# differences; autoplot()/plot() methods; vcf_save_plot() at journal sizes.
# No figure has a title (captions belong to the manuscript); the subgroup
# and its n go into the caption, which labs() overrides.

# Ordinal classes get one hue from light to dark, so that adjacent classes
# differ in lightness (CIELAB L* steps of 15 or more) and stay apart in
# greyscale and for colour-blind readers.
bme_palette <- c(none = "#EFF3FF", minor = "#9ECAE1", moderate = "#4292C6", severe = "#08519C")
analgesic_palette <- c(none = "#FEEDDE", paracetamol = "#FDAE6B", NSAID = "#E6550D",
                       opiate = "#A63603")
# Groups: Okabe-Ito colours with their own shapes and line types.
group_colours <- c("#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00")
group_shapes <- c(16, 17, 15, 18, 4, 8)
group_linetypes <- c("solid", "dashed", "dotted", "dotdash", "longdash", "twodash")

#' Figures of a follow-up study
#'
#' * `vcf_plot_bme()`: BME extent classes of the treated fractures per
#'   visit as stacked bars (the PV study's Figure 1).
#' * `vcf_plot_vas()`: median VAS per visit, a line per subgroup (Figure 4).
#' * `vcf_plot_analgesics()`: analgesic class use per visit as stacked bars
#'   (Figure 5).
#' * `vcf_plot_outcomes()`: mean of each outcome over the visits with its
#'   95% confidence interval (or SD, or range), a panel per outcome with its
#'   unit on the axis.
#'
#' Each visit's label carries its n; the subgroup and its n are in the
#' caption; there is no title. Long visit labels wrap. Override any label
#' with `ggplot2::labs()`, and save at a journal's size with
#' [vcf_save_plot()].
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
  data <- subset_groups(followup$bme_classes, group)
  stacked_percent_bars(data, fill = "class", colours = bme_palette, legend = "BME extent",
                       labels = c("none (0%)", "minor (1%-24%)", "moderate (25%-74%)",
                                  "severe (75%-100%)"),
                       y = "Treated VCF, %", unit = "treated VCF")
}

#' @rdname vcf_plots
#' @export
vcf_plot_analgesics <- function(followup, group = NULL) {
  check_followup(followup, "analgesics")
  data <- subset_groups(followup$analgesics, group)
  stacked_percent_bars(data, fill = "analgesic", colours = analgesic_palette,
                       legend = "Pain medication", labels = ggplot2::waiver(),
                       y = "Patients, %", unit = "patients")
}

#' @rdname vcf_plots
#' @export
vcf_plot_vas <- function(followup, group = NULL) {
  check_followup(followup, "pain")
  data <- subset_groups(followup$pain, group)
  data <- data[!is.na(data$median), , drop = FALSE]
  groups <- unique(as.character(data$group))
  data$group <- factor(data$group, levels = groups)
  data$at <- visit_axis_groups(data)
  ggplot2::ggplot(data, ggplot2::aes(x = .data$at, y = .data$median,
                                     colour = .data$group, shape = .data$group,
                                     linetype = .data$group, group = .data$group)) +
    # Lines join the visits of groups seen more than once.
    ggplot2::geom_line(data = function(d) d[d$group %in% names(which(table(d$group) > 1L)), ],
                       linewidth = 0.6) +
    ggplot2::geom_point(size = 2) +
    group_scales(groups) +
    ggplot2::scale_y_continuous(limits = c(0, 10), breaks = seq(0, 10, 2)) +
    ggplot2::labs(x = NULL, y = "VAS for pain (0-10), median",
                  caption = group_caption(data, "patients")) +
    vcf_theme()
}

# One axis for several groups: under each visit, each group's n
# ("A: n = 31"); with one group, just "(n = 31)".
visit_axis_groups <- function(data) {
  groups <- levels(data$group)
  if (length(groups) == 1L) return(visit_axis(data$visit, data$n))
  visits <- if (is.factor(data$visit)) levels(droplevels(as.factor(data$visit))) else
    unique(as.character(data$visit))
  labels <- vapply(visits, function(v) {
    at <- data[as.character(data$visit) == v, , drop = FALSE]
    at <- at[order(as.integer(at$group)), , drop = FALSE]
    paste(c(wrap_visit(v, length(visits)), paste0(at$group, ": n = ", at$n)), collapse = "\n")
  }, "")
  factor(labels[match(as.character(data$visit), visits)], levels = labels)
}

wrap_visit <- function(visit, n_visits) {
  width <- max(6L, floor(48 / max(1L, n_visits)))
  vapply(as.character(visit), function(v) paste(strwrap(v, width), collapse = "\n"), "",
         USE.NAMES = FALSE)
}

# Figure text stays ASCII (a hyphen for the en dash of the tables), so that
# every device, including pdf() with its Latin-1 fonts, draws it.
plot_text <- function(x) gsub("\u2013|\u2212", "-", x)

# Percentages per visit as stacked bars, a panel per subgroup when several.
stacked_percent_bars <- function(data, fill, colours, legend, labels, y, unit) {
  data$percent[is.na(data$percent)] <- 0
  groups <- unique(as.character(data$group))
  data$group <- factor(data$group, levels = groups)
  n <- data[!duplicated(data[c("group", "visit")]), c("group", "visit", "n")]
  data$at <- visit_axis(data$visit, n$n[match(paste(data$group, data$visit),
                                             paste(n$group, n$visit))],
                        if (length(groups) > 1L) data$group)
  plot <- ggplot2::ggplot(data, ggplot2::aes(x = .data$at, y = .data$percent,
                                             fill = .data[[fill]])) +
    ggplot2::geom_col(width = 0.7, colour = "grey20", linewidth = 0.2) +
    ggplot2::scale_fill_manual(values = colours, name = legend, drop = FALSE, labels = labels,
                               guide = ggplot2::guide_legend(nrow = 2L, byrow = TRUE)) +
    ggplot2::scale_y_continuous(breaks = seq(0, 100, 25), limits = c(0, 100.5),
                                expand = ggplot2::expansion(mult = c(0, 0.02))) +
    ggplot2::labs(x = NULL, y = y, caption = group_caption(n, unit)) +
    vcf_theme()
  if (length(groups) > 1L) {
    plot <- plot + ggplot2::facet_wrap(ggplot2::vars(.data$group), scales = "free_x",
                                       labeller = ggplot2::as_labeller(function(g) paste("Subgroup", g)))
  }
  plot
}

# The x positions: the visit label wrapped to fit, its n below. With panels
# (`panel` given) every panel has its own labels, ordered by visit.
visit_axis <- function(visit, n, panel = NULL) {
  visits <- if (is.factor(visit)) levels(droplevels(as.factor(visit))) else unique(as.character(visit))
  label <- paste0(wrap_visit(visit, length(visits)), "\n(n = ", n, ")")
  order <- order(match(as.character(visit), visits),
                 if (is.null(panel)) integer(length(visit)) else as.integer(panel))
  factor(label, levels = unique(label[order]))
}

group_scales <- function(groups) {
  k <- length(groups)
  values <- function(v) stats::setNames(rep_len(v, k), groups)
  labels <- paste("Subgroup", groups)
  legend <- NULL
  list(ggplot2::scale_colour_manual(values = values(group_colours), name = legend, labels = labels),
       ggplot2::scale_shape_manual(values = values(group_shapes), name = legend, labels = labels),
       ggplot2::scale_linetype_manual(values = values(group_linetypes), name = legend,
                                      labels = labels),
       if (k == 1L) ggplot2::guides(colour = "none", shape = "none", linetype = "none"))
}

# "Subgroup A (n = 31 patients)": the n at the first visit of each group.
group_caption <- function(data, unit) {
  groups <- unique(as.character(data$group))
  first <- data[!duplicated(as.character(data$group)), , drop = FALSE]
  name <- ifelse(groups == "All", paste("All", unit), paste("Subgroup", groups))
  paste0(name, " (n = ", first$n[match(groups, as.character(first$group))],
         if (!identical(groups, "All")) paste0(" ", unit), ")", collapse = "; ")
}

#' @rdname vcf_plots
#' @param cohort A [vcf_cohort()].
#' @param outcomes Outcome columns to show.
#' @param interval What the bars show: "ci" (95% confidence interval of the
#'   mean, the default), "sd" (mean \eqn{\pm} SD) or "range" (minimum to
#'   maximum).
#' @export
vcf_plot_outcomes <- function(cohort, outcomes = NULL, group = NULL, interval = "ci") {
  check_cohort(cohort)
  check_string(interval, choices = c("ci", "sd", "range"))
  available <- intersect(c("height_pct", "vas", "odi"),
                         cohort_vars(cohort, c("visit", "patient_visit")))
  outcomes <- outcomes %||% available
  if (!is.character(outcomes) || anyNA(outcomes) || !length(outcomes) ||
      length(setdiff(outcomes, available))) {
    vcf_abort(c("{.arg outcomes} must name numeric visit outcomes.",
                i = "Available: {.field {available}}."), c("unknown_column", "argument"))
  }
  if (!is.null(group)) {
    vcf_abort("{.arg group} is not used by {.fn vcf_plot_outcomes}; subset the cohort instead.",
              c("unused", "argument"))
  }
  data <- do.call(rbind, lapply(outcomes, outcome_summary, cohort = cohort, interval = interval))
  data$outcome <- factor(data$outcome, levels = unique(data$outcome))
  data$at <- visit_axis(data$visit, data$n, data$outcome)
  shown <- c(ci = "mean (95% CI)", sd = "mean (SD)", range = "mean (range)")[[interval]]
  ggplot2::ggplot(data, ggplot2::aes(x = .data$at, y = .data$mean, group = 1)) +
    ggplot2::geom_errorbar(ggplot2::aes(ymin = .data$low, ymax = .data$high), width = 0.15,
                           colour = "grey30") +
    ggplot2::geom_line(colour = "black", linewidth = 0.5) +
    ggplot2::geom_point(colour = "black", size = 2) +
    ggplot2::facet_wrap(ggplot2::vars(.data$outcome), scales = "free", strip.position = "left") +
    ggplot2::labs(x = NULL, y = NULL,
                  caption = paste0("Points and bars: ", shown, ". All patients (n = ",
                                   nrow(cohort$patients), ").")) +
    vcf_theme() +
    ggplot2::theme(strip.placement = "outside", strip.background = ggplot2::element_blank(),
                   strip.text.y.left = ggplot2::element_text(angle = 90, face = "plain",
                                                            size = ggplot2::rel(1)))
}

outcome_summary <- function(var, cohort, interval) {
  data <- cohort_table(cohort, cohort_unit(cohort, var))
  stats <- summarise_numeric(data[[var]], as.character(data$visit), cohort$visit_levels)
  half <- switch(interval,
    ci = ifelse(stats$n > 1, stats::qt(0.975, pmax(stats$n - 1, 1)) * stats$sd / sqrt(stats$n), NA),
    sd = stats$sd, range = NA)
  low <- if (interval == "range") stats$min else stats$mean - half
  high <- if (interval == "range") stats$max else stats$mean + half
  keep <- stats$n > 0
  data.frame(outcome = plot_text(variable_label_paired(var)),
             visit = factor(cohort$visit_levels, levels = cohort$visit_levels),
             n = stats$n, mean = stats$mean, low = low, high = high)[keep, , drop = FALSE]
}

# Text at 8 pt, as journals print figure text at single-column width; the
# legend below the panels, so that the panels keep the figure's width.
vcf_theme <- function(base_size = 8) {
  ggplot2::theme_classic(base_size = base_size) +
    ggplot2::theme(axis.text = ggplot2::element_text(colour = "black"),
                   strip.background = ggplot2::element_blank(),
                   strip.text = ggplot2::element_text(face = "bold"),
                   legend.position = "bottom",
                   legend.key.size = ggplot2::unit(0.8, "lines"),
                   plot.caption = ggplot2::element_text(hjust = 0, size = ggplot2::rel(0.85)),
                   plot.caption.position = "plot")
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
  if (!is.character(group) && !is.factor(group) || !length(group) || anyNA(group)) {
    vcf_abort(c("{.arg group} must name subgroups.", x = "It is {.val {format_arg(group)}}."),
              c("type", "argument"), call = call)
  }
  unknown <- setdiff(as.character(group), unique(as.character(data$group)))
  if (length(unknown)) {
    vcf_abort(c("{.arg group} names unknown subgroups.", x = "Unknown: {show_values(unknown)}."),
              c("unknown_group", "argument"), call = call)
  }
  data[data$group %in% group, , drop = FALSE]
}

# Paired differences ----------------------------------------------------------------

# The columns of a paired table the figure reads.
paired_table_parts <- list(
  outcome = function(v) is.character(v) && length(v) > 0L && !anyNA(v),
  mean_diff = is.numeric, ci_low = is.numeric, ci_high = is.numeric, n_pairs = is.numeric
)

plot_paired <- function(x, arg = "x", call = rlang::caller_env()) {
  check_object(x, "vcf_paired_table", paired_table_parts, arg, from = "vcf_paired", call = call)
  data <- data.frame(outcome = plot_text(vapply(x$outcome, variable_label_paired, "")),
                     diff = x$mean_diff, low = x$ci_low, high = x$ci_high, n = x$n_pairs)
  data$label <- paste0("n = ", data$n)
  data$outcome <- factor(data$outcome, levels = unique(data$outcome))
  ggplot2::ggplot(data, ggplot2::aes(x = .data$diff, y = 0)) +
    ggplot2::geom_vline(xintercept = 0, colour = "grey60", linetype = "dashed") +
    ggplot2::geom_errorbarh(ggplot2::aes(xmin = .data$low, xmax = .data$high), height = 0.2) +
    ggplot2::geom_point(size = 2) +
    ggplot2::geom_text(ggplot2::aes(label = .data$label), vjust = -1.2, size = 2.5) +
    ggplot2::facet_wrap(ggplot2::vars(.data$outcome), scales = "free_x", ncol = 1L) +
    ggplot2::scale_y_continuous(limits = c(-0.5, 1), breaks = NULL) +
    ggplot2::labs(x = paste0("Mean difference, ", attr(x, "from"), " minus ", attr(x, "to"),
                             " (95% CI)"), y = NULL) +
    vcf_theme() +
    ggplot2::theme(axis.line.y = ggplot2::element_blank())
}

# autoplot() and plot() methods -------------------------------------------------------

#' Figures of analyses, follow-up, paired tables and bootstraps
#'
#' `autoplot()` returns the ggplot; `plot()` draws it (and returns it
#' invisibly).
#'
#' @param object,x A `vcf_analysis`, `vcf_followup`, `vcf_paired_table` or
#'   `vcf_boot`.
#' @param which For an analysis: "bme", "vas", "analgesics", "outcomes" or
#'   "paired"; for a follow-up: "bme", "vas" or "analgesics".
#' @param group Subgroup(s) to show (see [vcf_plots]).
#' @param ... Passed to the figure function (e.g. `interval` for
#'   "outcomes", `type` for a bootstrap).
#' @return A ggplot.
#' @examples
#' fit <- vcf_analyze(vcf_cohort(bkp_osteonecrosis), boot = vcf_boot_control(B = 99, seed = 1))
#' ggplot2::autoplot(fit, "outcomes")
#' ggplot2::autoplot(fit$paired[[1]])
#' @name vcf_autoplot
NULL

#' @rdname vcf_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.vcf_analysis <- function(object, which = "bme", group = NULL, ...) {
  check_analysis(object, "object")
  check_string(which, choices = c("bme", "vas", "analgesics", "outcomes", "paired"))
  if (which == "outcomes") return(vcf_plot_outcomes(object$cohort, group = group, ...))
  if (which == "paired") {
    if (!length(object$paired)) stop_missing("paired tables")
    return(plot_paired(object$paired[[1]], "object$paired[[1]]"))
  }
  autoplot.vcf_followup(object$followup %||% stop_missing("follow-up"), which, group)
}

#' @rdname vcf_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.vcf_followup <- function(object, which = "bme", group = NULL, ...) {
  check_string(which, choices = c("bme", "vas", "analgesics"))
  switch(which,
    bme = vcf_plot_bme(object, group),
    vas = vcf_plot_vas(object, group),
    analgesics = vcf_plot_analgesics(object, group))
}

#' @rdname vcf_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.vcf_paired_table <- function(object, ...) plot_paired(object, "object")

#' @rdname vcf_autoplot
#' @exportS3Method ggplot2::autoplot
autoplot.vcf_boot <- function(object, ...) {
  # The replicates' histograms with the estimate and interval ends, as
  # plot.vcf_boot() draws them (R/boot.R), without a title.
  p <- plot(object, ...)
  p + ggplot2::labs(title = NULL)
}

#' @rdname vcf_autoplot
#' @export
plot.vcf_analysis <- function(x, which = "bme", group = NULL, ...) {
  check_analysis(x)
  draw(autoplot.vcf_analysis(x, which, group, ...))
}

#' @rdname vcf_autoplot
#' @export
plot.vcf_followup <- function(x, which = "bme", group = NULL, ...) {
  draw(autoplot.vcf_followup(x, which, group, ...))
}

#' @rdname vcf_autoplot
#' @export
plot.vcf_paired_table <- function(x, ...) draw(plot_paired(x))

draw <- function(plot) {
  print(plot)
  invisible(plot)
}

stop_missing <- function(what) {
  vcf_abort("The analysis has no {what}.", c("missing_part", "argument"),
            call = rlang::caller_env(2))
}

# Saving at journal sizes ------------------------------------------------------------

journal_widths <- c(single = 85, double = 174)

#' Save a figure at a journal's size
#'
#' Single-column figures are 85 mm wide and double-column 174 mm, the
#' widths most radiology and spine journals ask for. The format follows the
#' file's extension: TIFF (LZW-compressed) and PNG at `dpi` dots per inch,
#' or PDF (vector).
#'
#' @param plot A ggplot.
#' @param file Path ending in ".tiff", ".tif", ".png" or ".pdf".
#' @param width "single", "double", or a width in millimetres (40 to 180).
#' @param height Height in millimetres; `NULL` for three quarters of the
#'   width.
#' @param dpi Resolution for TIFF and PNG, 300 to 1200.
#' @section Errors:
#' Classed errors: `plot` not a ggplot (`vcf_error_type`), a `file` that
#' cannot be written or has another extension (`vcf_error_file`,
#' `vcf_error_file_type`), sizes out of range (`vcf_error_argument`), and a
#' plot that ggplot2 cannot draw, such as one with a part removed
#' (`vcf_error_plot`).
#' @return `file`, invisibly.
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' file <- tempfile(fileext = ".png")
#' vcf_save_plot(vcf_plot_bme(vcf_followup(cohort)), file, "single")
#' unlink(file)
#' @export
vcf_save_plot <- function(plot, file, width = "single", height = NULL, dpi = 300) {
  if (!inherits(plot, "ggplot")) {
    vcf_abort("{.arg plot} must be a ggplot, not {.cls {class(plot)}}.", c("type", "argument"))
  }
  check_output_file(file)
  ext <- tolower(tools::file_ext(file))
  if (!ext %in% c("tiff", "tif", "png", "pdf")) {
    vcf_abort(c("{.arg file} must end in .tiff, .tif, .png or .pdf.", x = "It ends in {.val {ext}}."),
              c("file_type", "argument"))
  }
  if (is.character(width)) {
    check_string(width, choices = names(journal_widths))
    width <- journal_widths[[width]]
  }
  check_number(width, min = 40, max = 180)
  height <- height %||% (0.75 * width)
  check_number(height, min = 30, max = 240)
  check_number(dpi, min = 300, max = 1200)
  args <- list(filename = file, plot = plot, width = width, height = height, units = "mm",
               dpi = dpi)
  device <- switch(ext,
    tiff = , tif = list(device = "tiff", compression = "lzw"),
    png = list(device = "png"),
    pdf = list(device = if (capabilities("cairo")) grDevices::cairo_pdf else "pdf"))
  # A damaged ggplot (a part removed by hand) fails inside ggplot2 while it
  # is drawn: that becomes one classed error, as does a failed write.
  tryCatch(do.call(ggplot2::ggsave, c(args, device)), error = function(e) {
    vcf_abort(c("Cannot draw {.arg plot} into {.file {safe_path(file)}}.",
                x = "{safe_text(conditionMessage(e), max = 500L)}"),
              c("plot", "input"))
  })
  invisible(file)
}
