# Published numbers of the bundled studies, and (later) their reproduction
# from the bundled cohorts.

published_studies <- c("pv_edema", "bkp_osteonecrosis")

published_columns <- c(id = "character", source = "character", row = "character",
                       column = "character", group = "character",
                       statistic = "character", value = "numeric",
                       reported = "character", digits = "integer", n = "integer",
                       comparison = "character", unit = "character")

published_statistics <- c("n", "count", "percent", "mean", "median", "min", "max",
                          "sd", "t", "df", "p", "coef", "ci_low", "ci_high",
                          "mean_diff", "value")

#' Numbers printed in the bundled studies
#'
#' Returns every number printed in a bundled study's tables, figure legends
#' and results text, together with the numbers of its abstract, methods and
#' discussion that describe its own cohort, one row per number. This is the
#' table that reproduction and auditing run against. The numbers are
#' transcribed from the articles in `inst/extdata/published/<study>.csv`.
#' `data-raw/published_notes.md` says how each ambiguous print was read.
#'
#' @section Studies:
#' * `"pv_edema"`: the percutaneous vertebroplasty (PV) study of bone marrow
#'   edema (BME) after treatment: 64 patients, 89 treated fractures, MR
#'   imaging at 3, 6 and 12 months. Subgroup A has 31 patients, subgroup B
#'   33.
#' * `"bkp_osteonecrosis"`: the balloon kyphoplasty (BKP) study of
#'   osteonecrosis in osteoporotic vertebral fractures: 61 patients assessed
#'   before, two days after and at final follow-up.
#'
#' @section Columns:
#' * `id`: unique, stable key, `<study>.<source>.<quantity>[.<group>]`, e.g.
#'   `"pv.t1.age_median.total"`, `"bkp.t2.vas_p"`,
#'   `"pv.results.bright_rim_percent.6mo"`.
#' * `source`: where the number is printed: `"Table 1"`, `"Table 2"`,
#'   `"Table 3"`, `"Figure 1 legend"`, `"Abstract"`, `"Methods"`,
#'   `"Results"`, `"Discussion"`, ...
#' * `row`: for tables, the row label as printed, in ASCII; a label that sits
#'   under a heading (e.g. `"Minor (1%-24%)"`) is prefixed with it and
#'   `": "` (`"Extent bone marrow edema in treated VCF: Minor (1%-24%)"`).
#'   A table title's sample size has row `"Title"`. For text, a short
#'   description of the quantity.
#' * `column`: the column label as printed (`"Total Group"`, `"Subgroup A"`,
#'   `"P Value"`, `"0-3 mo"`, `"Pre-operative"`, `"t"`, `"p"`); `NA` for
#'   text and titles.
#' * `group`: the subgroup, visit or interval the number refers to
#'   (`"Subgroup A"`, `"12 mo"`, `"3-6 mo"`, `"Post-operative"`, `"Subgroup A
#'   vs B"`), or `NA`.
#' * `statistic`: one of the controlled vocabulary below.
#' * `value`: the number as a number. Percentages are in percent (77, not
#'   0.77). A bound is its number (`"<.0001"` gives 0.0001, with
#'   `comparison` `"<"`). A printed dash has no number: its row is kept,
#'   with `reported` `"-"` and `value` `NA`.
#' * `reported`: the text as printed, in ASCII: the whole table cell (`"8
#'   (24)"`, `"70 (47-88)"`, `"34.7(18 ~ 53)"`, `"-4.4-1.7"`) or, for text,
#'   the phrase that holds the number (`"22 (76%)"`, `"Seven"`, `"P <
#'   .001"`). En and em dashes are written `"-"`; characters the text
#'   extraction lost are restored (`"<"`, `"="`, the minus sign).
#' * `digits`: decimals as printed (`"70"` 0, `"5.5"` 1, `".02"` 2,
#'   `"<.0001"` 4); `NA` for a dash.
#' * `n`: the denominator or number of units summarised, where printed or
#'   implied by other printed numbers (64, 31 or 33 patients; 89, 31 or 59
#'   treated fractures); `NA` where unknown and for rows that are themselves
#'   a sample size.
#' * `comparison`: `"="`, `"<"` or `">"`: how the true quantity relates to
#'   `value` for p-values and printed bounds (`"more than six weeks"`); `NA`
#'   otherwise.
#' * `unit`: the unit of analysis, `"patient"` or `"fracture"`.
#'
#' @section Statistics:
#' `n` a sample size; `count` a number of units with a property; `percent` a
#' percentage of units (`n` holds its denominator where known); `mean`,
#' `median`, `min`, `max`, `sd` summaries of a variable over `n` units; `t` a
#' t statistic; `df` its degrees of freedom; `p` a p-value; `coef` a
#' regression coefficient; `ci_low`, `ci_high` the bounds of its confidence
#' interval; `mean_diff` a difference of means; `value` a single
#' observation, such as the example patient of a figure legend.
#'
#' A cell `"n (%)"` gives two rows (`count`, `percent`), a cell `"median
#' (range)"` or `"mean(min~max)"` three (`median` or `mean`, `min`, `max`),
#' and a confidence interval two (`ci_low`, `ci_high`); each of those rows
#' carries the whole cell in `reported`.
#'
#' @param study `"pv_edema"` or `"bkp_osteonecrosis"`.
#' @return A data frame of class `c("vcf_published", "data.frame")`, one row
#'   per printed number, with the columns above, in the order the numbers
#'   appear in the study (tables row by row, cells left to right).
#' @examples
#' pv <- vcf_published("pv_edema")
#' pv[pv$source == "Table 1" & pv$column == "Subgroup A",
#'    c("row", "statistic", "value", "reported")]
#' bkp <- vcf_published("bkp_osteonecrosis")
#' bkp[bkp$statistic == "t", c("source", "row", "value", "n")]
#' @export
vcf_published <- function(study = c("pv_edema", "bkp_osteonecrosis")) {
  if (identical(study, published_studies)) study <- published_studies[1L]
  if (!is.character(study) || length(study) != 1L || is.na(study) ||
      !study %in% published_studies) {
    vcf_abort(c("{.arg study} must be {.or {.val {published_studies}}}.",
                x = "It is {.val {format_arg(study)}}."),
              c("unknown_study", "argument"))
  }
  path <- system.file("extdata", "published", paste0(study, ".csv"),
                      package = "vcfoutcomes")
  if (!nzchar(path)) {
    vcf_abort("The published numbers of {.val {study}} are not installed.",
              c("published_missing", "input"))
  }
  data <- utils::read.csv(path, stringsAsFactors = FALSE, na.strings = "",
                          colClasses = published_columns, encoding = "UTF-8")
  check_published(data, path)
  rownames(data) <- NULL
  attr(data, "study") <- study
  class(data) <- c("vcf_published", "data.frame")
  data
}

# Validates a table of published numbers; errors name the rows at fault.
check_published <- function(data, path, call = rlang::caller_env()) {
  fail <- function(what, rows, values = NULL) {
    vcf_abort(c("Malformed published numbers in {.file {path}}: {what}.",
                x = "At {describe_rows(rows, values)}."),
              c("published_format", "input"), call = call)
  }
  missing_cols <- setdiff(names(published_columns), names(data))
  if (length(missing_cols)) {
    vcf_abort(c("Malformed published numbers in {.file {path}}.",
                x = "Missing column{?s} {.field {missing_cols}}."),
              c("published_format", "input"), call = call)
  }
  dup <- which(duplicated(data$id) | is.na(data$id))
  if (length(dup)) fail("ids must be unique and present", dup, data$id[dup])
  for (col in c("source", "row", "statistic", "reported")) {
    bad <- which(is.na(data[[col]]) | !nzchar(data[[col]]))
    if (length(bad)) fail(paste0("{.field ", col, "} must be filled"), bad)
  }
  bad <- which(!data$statistic %in% published_statistics)
  if (length(bad)) fail("unknown statistic", bad, data$statistic[bad])
  bad <- which(is.na(data$value) != (data$reported == "-"))
  if (length(bad)) fail("{.field value} must be NA exactly for a dash", bad, data$reported[bad])
  bad <- which(!is.na(data$comparison) & !data$comparison %in% c("=", "<", ">"))
  if (length(bad)) fail("{.field comparison} must be =, < or >", bad, data$comparison[bad])
  bad <- which(!is.na(data$unit) & !data$unit %in% c("patient", "fracture"))
  if (length(bad)) fail("{.field unit} must be patient or fracture", bad, data$unit[bad])
  invisible(data)
}

# Reproduction -------------------------------------------------------------------

#' Reproduce a bundled study, number by number
#'
#' Runs [vcf_analyze()] on the study's bundled cohort and sets every
#' published number of [vcf_published()] beside the one computed from the
#' data, rounded as printed. `status` is:
#'
#' * `"match"`: the reproduced number, rounded to the printed digits (R's
#'   [round()]), equals the printed one (for a printed bound such as
#'   "<.0001", the reproduced value lies within it);
#' * `"source-inconsistent"`: the printed number contradicts other printed
#'   numbers, so no data set can reproduce them all; `reason` names the
#'   contradiction (from the study's list of conflicts, which the data-raw
#'   scripts document, or from [vcf_audit()]);
#' * `"not-derivable"`: the number describes something the cohort data do
#'   not hold (patients who left the study before follow-up, procedure
#'   sessions); `reason` says what;
#' * `"mismatch"`: anything else, which is a defect of the reconstruction.
#'
#' Printed dashes (no number) are left out. Regression coefficients of the
#' PV study's Table 3 are printed without their signs, so they are compared
#' in absolute value; its intervals are signed, and are compared in the
#' orientation each column was printed in (similar minus decreased BME for
#' the VAS columns, decreased minus similar for the analgesic columns, BME
#' absent minus present for both).
#'
#' @param study `"pv_edema"` or `"bkp_osteonecrosis"`.
#' @param boot Bootstrap settings for the analysis ([vcf_boot_control()]);
#'   the bootstrap intervals are not published numbers, so `B` only affects
#'   running time.
#' @return A data frame: `id`, `source`, `row`, `column`, `statistic`,
#'   `reported`, `published`, `reproduced`, `status`, `reason`, with
#'   attribute `analysis` (the [vcf_analyze()] result).
#' @examples
#' rep <- vcf_reproduce("bkp_osteonecrosis", boot = vcf_boot_control(B = 200, seed = 1))
#' table(rep$status)
#' @export
vcf_reproduce <- function(study = c("pv_edema", "bkp_osteonecrosis"),
                          boot = vcf_boot_control(B = 2000, seed = 1)) {
  if (!is.character(study) || length(study) < 1L || !study[1] %in% published_studies) {
    vcf_abort(c("{.arg study} must be one of {.val {published_studies}}.",
                x = "It is {.val {format_arg(study)}}."),
              c("unknown_study", "argument"))
  }
  study <- study[1]
  published <- vcf_published(study)
  published <- published[!is.na(published$value), , drop = FALSE]
  data <- switch(study, pv_edema = vcfoutcomes::pv_edema,
                 bkp_osteonecrosis = vcfoutcomes::bkp_osteonecrosis)
  # The studies' own tests (Student's t, Pearson's chi-square), not Table 1's
  # defaults, so that the published p-values are reproduced.
  analysis <- vcf_analyze(vcf_cohort(data), boot = boot,
                          tests = c(.continuous = "t", .categorical = "chisq"))
  computed <- switch(study, pv_edema = reproduce_pv(analysis),
                     bkp_osteonecrosis = reproduce_bkp(analysis))
  raw <- unname(computed[published$id])
  rounded <- round(raw, ifelse(is.na(published$digits), 0L, published$digits))
  bound <- published$comparison %in% c("<", ">")
  # A printed p-value bound is strict ("<.0001"); a printed bound on a
  # quantity ("more than six weeks") holds the bound itself.
  strict <- published$statistic == "p"
  same <- ifelse(bound,
                 ifelse(published$comparison == "<",
                        raw < published$value | (!strict & raw == published$value),
                        raw > published$value | (!strict & raw == published$value)),
                 abs(rounded - published$value) < 1e-9)
  known <- reproduction_conflicts(study)
  audit <- audit_reasons(published)
  reason <- known$reason[match(published$id, known$id)]
  reason[is.na(reason)] <- audit[published$id][is.na(reason)]
  status <- ifelse(is.na(raw),
                   ifelse(is.na(reason), "not-derivable", "source-inconsistent"),
                   ifelse(same %in% TRUE, "match",
                          ifelse(is.na(reason), "mismatch", "source-inconsistent")))
  reason[status == "match"] <- NA_character_
  reason[status == "not-derivable"] <- not_derivable_reason
  out <- data.frame(id = published$id, source = published$source, row = published$row,
                    column = published$column, statistic = published$statistic,
                    reported = published$reported, published = published$value,
                    reproduced = ifelse(bound, signif(raw, 3), rounded),
                    status = status, reason = reason, stringsAsFactors = FALSE)
  attr(out, "analysis") <- analysis
  class(out) <- c("vcf_reproduction", "data.frame")
  out
}

not_derivable_reason <- paste(
  "not a quantity of the cohort data: it describes patients before inclusion,",
  "the procedure, or an illustrated case the data do not single out")

#' @export
print.vcf_reproduction <- function(x, ...) {
  counts <- table(factor(x$status, levels = c("match", "source-inconsistent",
                                              "not-derivable", "mismatch")))
  cat("<vcf_reproduction> ", nrow(x), " published numbers: ",
      paste0(counts, " ", names(counts), collapse = ", "), "\n", sep = "")
  shown <- x[x$status != "match", c("id", "reported", "reproduced", "status", "reason")]
  if (nrow(shown)) {
    shown$reason <- ifelse(nchar(shown$reason) > 70, paste0(substr(shown$reason, 1, 67), "..."),
                           shown$reason)
    print(as.data.frame(shown), row.names = FALSE, right = FALSE)
  }
  invisible(x)
}

# Curated conflicts: the contradictions documented by the data-raw scripts.
reproduction_conflicts <- function(study) {
  path <- system.file("extdata", "published", paste0(study, "_conflicts.csv"),
                      package = "vcfoutcomes")
  if (!nzchar(path)) return(data.frame(id = character(), reason = character()))
  utils::read.csv(path, stringsAsFactors = FALSE)
}

# Reasons from the audit of the published numbers alone, by id.
audit_reasons <- function(published) {
  findings <- suppressWarnings(vcf_audit(published))
  bad <- findings[findings$verdict %in% c("inconsistent", "decision-error"), , drop = FALSE]
  reasons <- character()
  for (i in seq_len(nrow(bad))) {
    ids <- strsplit(bad$ids[i], ",\\s*")[[1]]
    new <- setdiff(ids, names(reasons))
    reasons[new] <- paste("audit:", bad$detail[i])
  }
  reasons
}

# Study mappings ---------------------------------------------------------------
# Each returns a named numeric vector: published id -> unrounded value
# computed from the analysis. Ids without a computation are absent.

table1_value <- function(table1, characteristic, level, statistic, group) {
  v <- attr(table1, "values")
  hit <- v$characteristic == characteristic & v$statistic == statistic & v$group == group &
    (if (is.na(level)) is.na(v$level) else v$level %in% level)
  if (!any(hit)) return(NA_real_)
  v$value[hit][1]
}

reproduce_pv <- function(analysis) {
  out <- c()
  put <- function(id, value) out[id] <<- value
  t1 <- analysis$table1
  groups <- c(total = "Total", a = "A", b = "B")
  t1_vars <- list(
    age = list("Age (y)", NA), women = list("Sex", "female"),
    fracture_age = list("Age of treated VCF (months)", NA),
    cement_ml = list("Injected cement volume (mL)", NA),
    vas0 = list("Initial VAS for pain", NA),
    bme_minor = list("Extent of BME in treated VCF", "minor"),
    bme_moderate = list("Extent of BME in treated VCF", "moderate"),
    bme_severe = list("Extent of BME in treated VCF", "severe"),
    shape_wedge = list("Shape of treated VCF", "wedge"),
    shape_biconcave = list("Shape of treated VCF", "biconcave"),
    grade_mild = list("Genant grade of treated VCF", "mild"),
    grade_moderate = list("Genant grade of treated VCF", "moderate"),
    grade_severe = list("Genant grade of treated VCF", "severe"),
    analgesic0_none = list("Initial pain medication", "none"),
    analgesic0_paracetamol = list("Initial pain medication", "paracetamol"),
    analgesic0_nsaid = list("Initial pain medication", "NSAID"),
    analgesic0_opiate = list("Initial pain medication", "opiate"),
    multiple_treated = list("Patients with multiple treated VCF", "yes"),
    new_vcf = list("Patients with new VCF after treatment", "yes"),
    pain_other_level = list("Patients with pain at another untreated level", "yes"))
  for (var in names(t1_vars)) {
    spec <- t1_vars[[var]]
    for (stat in c("median", "min", "max", "mean", "count", "percent")) {
      for (g in names(groups)) {
        put(sprintf("pv.t1.%s_%s.%s", var, stat, g),
            table1_value(t1, spec[[1]], spec[[2]], stat, groups[[g]]))
      }
    }
    put(sprintf("pv.t1.%s_p", var), table1_value(t1, spec[[1]], NA, "p", "P value"))
  }
  put("pv.t1.bme_extent_p", table1_value(t1, "Extent of BME in treated VCF", NA, "p", "P value"))
  put("pv.t1.shape_p", out[["pv.t1.shape_wedge_p"]])
  put("pv.t1.grade_p", out[["pv.t1.grade_mild_p"]])
  put("pv.t1.analgesic0_p", out[["pv.t1.analgesic0_none_p"]])
  for (g in names(groups)) {
    put(paste0("pv.t1.patients_n.", g), table1_value(t1, "No. of patients", NA, "n", groups[[g]]))
    put(paste0("pv.t1.vcf_treated_n.", g), table1_value(t1, "No. of VCF treated", NA, "n", groups[[g]]))
  }

  cohort <- analysis$cohort
  patients <- subgroup_variables(cohort)
  subgroup <- unclass_subgroup(analysis$subgroup)
  n_patients <- nrow(patients)
  treated <- cohort$fractures[cohort$fractures$treated %in% TRUE, , drop = FALSE]
  per_patient <- as.vector(table(factor(cohort$fractures$patient, levels = patients$patient)))
  put("pv.abstract.patients_n", n_patients)
  put("pv.methods.patients_n", n_patients)
  put("pv.results.patients_n", n_patients)
  put("pv.fig1.patients_n", n_patients)
  put("pv.abstract.vcf_treated_n", nrow(treated))
  put("pv.methods.vcf_treated_count", nrow(treated))
  put("pv.fig1.vcf_n", nrow(treated))
  put("pv.methods.vcf_n", nrow(cohort$fractures))
  put("pv.methods.vcf_per_patient_median", stats::median(per_patient))
  put("pv.methods.vcf_per_patient_min", min(per_patient))
  put("pv.methods.vcf_per_patient_max", max(per_patient))
  multiple <- patients$n_treated > 1L
  put("pv.methods.multiple_treated_count", sum(multiple))
  put("pv.methods.multiple_treated_percent", 100 * mean(multiple))
  for (k in c(2L, 3L, 5L)) {
    put(sprintf("pv.methods.multiple_treated_count.%dvcf", k), sum(patients$n_treated == k))
  }
  put("pv.methods.five_vcf_patient_vcf_count", max(patients$n_treated))
  cement <- table(treated$cement)
  cement_ids <- c(simplex_p = "Simplex-P", palacos_lv40 = "Palacos LV-40",
                  osteopal_v = "Osteopal V", osteo_firm = "Osteo-Firm")
  for (key in names(cement_ids)) {
    put(paste0("pv.methods.cement_count.", key), cement[[cement_ids[[key]]]] %||% 0)
  }
  single <- patients$n_treated == 1L
  put("pv.methods.single_treated_count", sum(single))
  put("pv.methods.single_treated_new_vcf_count", sum(single & patients$new_vcf %in% TRUE))
  put("pv.methods.single_treated_pain_other_count",
      sum(single & patients$pain_other_level %in% TRUE))
  for (id in c("pv.abstract.subgroup_a_n", "pv.methods.subgroup_a_n", "pv.t2.patients_n",
               "pv.t3.patients_n", "pv.fig4.patients_n", "pv.fig5.patients_n")) {
    put(id, sum(subgroup == "A"))
  }
  put("pv.methods.subgroup_b_n", sum(subgroup == "B"))

  # BME evolution among all treated fractures
  all_followup <- vcf_followup(cohort)
  resolution <- all_followup$resolution
  resolved_pct <- stats::setNames(resolution$percent, as.character(resolution$visit))
  resolved_n <- stats::setNames(resolution$resolved, as.character(resolution$visit))
  for (v in c("3", "6", "12")) {
    visit <- paste(v, "mo")
    put(sprintf("pv.results.bme_resolved_percent.%smo", v), resolved_pct[[visit]])
    put(sprintf("pv.abstract.bme_present_percent.%smo", v), 100 - resolved_pct[[visit]])
    put(sprintf("pv.discussion.bme_present_percent.%smo", v), 100 - resolved_pct[[visit]])
    put(sprintf("pv.discussion.bme_resolved_percent.%smo", v), resolved_pct[[visit]])
    rim <- cohort$visits[cohort$visits$visit == visit & cohort$visits$bright_rim %in% TRUE, ]
    put(sprintf("pv.results.bright_rim_count.%smo", v), nrow(rim))
    put(sprintf("pv.results.bright_rim_percent.%smo", v), 100 * nrow(rim) / resolved_n[[visit]])
  }
  iv_all <- all_followup$intervals
  put("pv.results.bme_increase_count.3mo",
      iv_all$count[iv_all$outcome == "bme" & iv_all$change == "increase" &
                     iv_all$interval == "0 mo to 3 mo"])
  put("pv.results.fracture_age_median", table1_value(t1, "Age of treated VCF (months)", NA, "median", "Total"))
  put("pv.discussion.fracture_age_mean", table1_value(t1, "Age of treated VCF (months)", NA, "mean", "Total"))
  put("pv.discussion.fracture_age_min", table1_value(t1, "Age of treated VCF (months)", NA, "min", "Total"))
  put("pv.discussion.fracture_age_max", table1_value(t1, "Age of treated VCF (months)", NA, "max", "Total"))

  # Table 2 and the results text on subgroup A
  iv <- analysis$followup$intervals
  iv <- iv[iv$group == "A", , drop = FALSE]
  keys <- c("0_3" = "0 mo to 3 mo", "3_6" = "3 mo to 6 mo", "6_12" = "6 mo to 12 mo")
  for (k in names(keys)) {
    at <- iv[iv$interval == keys[[k]], , drop = FALSE]
    pick <- function(outcome, change = NA) {
      hit <- at$outcome == outcome & (if (is.na(change)) is.na(at$change) else at$change %in% change)
      at[hit, , drop = FALSE]
    }
    put(paste0("pv.t2.vcf_with_bme_count.", k), pick("bme", "decrease")$n)
    for (ch in c("decrease", "similar", "increase")) {
      put(sprintf("pv.t2.bme_%s_percent.%s", ch, k), pick("bme", ch)$value)
      put(sprintf("pv.t2.vas_%s_percent.%s", ch, k), pick("vas", ch)$value)
      put(sprintf("pv.t2.analgesic_%s_percent.%s", ch, k), pick("analgesic", ch)$value)
    }
    put(paste0("pv.t2.vas_decrease_mean.", k), pick("vas_mean_decrease")$value)
  }
  for (v in c("6", "12")) {
    k <- if (v == "6") "3_6" else "6_12"
    at <- iv[iv$interval == keys[[k]] & iv$change %in% "increase", , drop = FALSE]
    put(sprintf("pv.results.vas_increase_count.%smo", v), at$count[at$outcome == "vas"])
    put(sprintf("pv.results.vas_increase_percent.%smo", v), at$value[at$outcome == "vas"])
    put(sprintf("pv.results.analgesic_increase_count.%smo", v), at$count[at$outcome == "analgesic"])
    put(sprintf("pv.results.analgesic_increase_percent.%smo", v), at$value[at$outcome == "analgesic"])
  }
  pv <- cohort$patient_visits
  at6 <- pv[pv$visit == "6 mo", ]
  at12 <- pv[pv$visit == "12 mo", ]
  both <- match(at12$patient, at6$patient)
  put("pv.results.vas_and_analgesic_increase_count.12mo",
      sum(at12$vas > at6$vas[both] & at12$analgesic > at6$analgesic[both], na.rm = TRUE))
  first <- cohort$visit_levels[1]
  p_initial <- unlist(lapply(analysis$paired[grepl(paste0("^", first, " to "), names(analysis$paired))],
                             function(tab) tab$p_value[tab$outcome %in% c("vas", "analgesic")]))
  put("pv.results.vas_analgesic_vs_initial_p", max(p_initial))

  # Figure 2: the case identified by its BME course, and by its VAS course
  course <- function(data, id, var) data[[var]][data[[id[1]]] == id[2]]
  fv <- cohort$visits
  bme_path <- tapply(fv$bme_pct, paste(fv$patient, fv$level), function(x) paste(x, collapse = ","))
  case_bme <- names(bme_path)[bme_path == "75,25,20,0"][1]
  vas_path <- tapply(pv$vas, pv$patient, function(x) paste(x, collapse = ","))
  case_vas <- names(vas_path)[vas_path == "10,2,1,1"]
  if (!is.na(case_bme)) {
    case_patient <- sub(" .*", "", case_bme)
    vas <- course(pv, c("patient", case_patient), "vas")
    for (i in seq_along(vas)) put(sprintf("pv.fig2.example_vas.%smo", c(0, 3, 6, 12)[i]), vas[i])
  }
  t12 <- fv[fv$patient %in% case_vas & fv$level == "T12", ]
  if (nrow(t12)) {
    for (i in seq_len(nrow(t12))) {
      put(sprintf("pv.fig2.example_bme_pct.%smo", c(0, 3, 6, 12)[i]), t12$bme_pct[i])
    }
  }

  # Table 3: BME change and pain change in subgroup A
  rel <- analysis$relation
  for (k in names(keys)) {
    at <- rel[rel$interval == keys[[k]], , drop = FALSE]
    for (pred in c("bme_similar", "bme_absent")) {
      for (outcome in c("vas", "analgesic")) {
        row <- at[at$predictor == pred & at$outcome == paste0(outcome, "_decrease"), ]
        if (!nrow(row)) next
        level_1 <- if (pred == "bme_similar") "similar_bme" else "bme_absent"
        level_0 <- if (pred == "bme_similar") "decrease_bme" else "bme_present"
        stat_1 <- if (outcome == "vas") row$mean_1 else row$pct_decrease_1
        stat_0 <- if (outcome == "vas") row$mean_0 else row$pct_decrease_0
        put(sprintf("pv.t3.%s.%s.%s", level_1, outcome, k), stat_1)
        put(sprintf("pv.t3.%s.%s.%s", level_0, outcome, k), stat_0)
        contrast <- if (pred == "bme_similar") "decrease_vs_similar" else "absent_vs_present"
        # The slope on a 0/1 predictor is the difference of the group means;
        # taken from the means it carries no floating-point noise at ties.
        put(sprintf("pv.t3.%s_coef.%s.%s", contrast, outcome, k), abs(row$mean_1 - row$mean_0))
        # The printed analgesic intervals of decrease vs similar are centred
        # on decrease minus similar, the VAS ones on similar minus decrease:
        # each is compared in the orientation it was printed in.
        flip <- pred == "bme_similar" && outcome == "analgesic"
        ci <- if (flip) -c(row$ci_high, row$ci_low) else c(row$ci_low, row$ci_high)
        put(sprintf("pv.t3.%s_ci_low.%s.%s", contrast, outcome, k), ci[1])
        put(sprintf("pv.t3.%s_ci_high.%s.%s", contrast, outcome, k), ci[2])
      }
    }
  }
  out[!is.na(out)]
}

reproduce_bkp <- function(analysis) {
  out <- c()
  put <- function(id, value) out[id] <<- value
  cohort <- analysis$cohort
  patients <- cohort$patients
  n <- nrow(patients)
  for (id in c("bkp.abstract.patients_n", "bkp.methods.patients_n", "bkp.abstract.histology_count",
               "bkp.t1.patients_n", "bkp.t2.patients_n")) put(id, n)
  put("bkp.methods.women_count", sum(patients$sex == "female"))
  put("bkp.methods.men_count", sum(patients$sex == "male"))
  for (src in c("abstract", "methods")) {
    put(sprintf("bkp.%s.age_mean", src), mean(patients$age))
    put(sprintf("bkp.%s.age_min", src), min(patients$age))
    put(sprintf("bkp.%s.age_max", src), max(patients$age))
  }
  put("bkp.abstract.pain_duration_min", min(patients$symptom_weeks))
  put("bkp.discussion.pain_duration_min", min(patients$symptom_weeks))
  put("bkp.methods.symptom_duration_min", min(patients$symptom_weeks))
  put("bkp.methods.symptom_duration_max", max(patients$symptom_weeks) / 52)
  put("bkp.methods.symptom_duration_mean", mean(patients$symptom_weeks))
  pct <- function(x) 100 * mean(x)
  cleft_x <- pct(patients$cleft_radiograph)
  cleft_ct <- pct(patients$cleft_ct)
  high <- pct(patients$t2_pattern == "well-defined high")
  low <- pct(patients$t2_pattern == "well-defined low")
  for (src in c("abstract", "results", "discussion")) {
    put(sprintf("bkp.%s.cleft_radiograph_percent", src), cleft_x)
    put(sprintf("bkp.%s.cleft_ct_percent", src), cleft_ct)
    put(sprintf("bkp.%s.t2_well_defined_percent", src), high + low)
    put(sprintf("bkp.%s.t2_well_defined_high_percent", src), high)
    put(sprintf("bkp.%s.t2_well_defined_low_percent", src), low)
  }
  put("bkp.results.pain_walking_percent", pct(patients$pain_pattern == "pain walking and in bed"))
  put("bkp.results.pain_relieved_by_rest_percent", pct(patients$pain_pattern != "pain walking and in bed"))
  # The illustrated case (Figures 1-3): a man with an L2 fracture, identified
  # by his sex, level and 3 months of pain to give his age, and by sex, level
  # and age to give his months of pain.
  fracture_level <- as.character(cohort$fractures$level[match(patients$patient, cohort$fractures$patient)])
  male_l2 <- patients$sex == "male" & fracture_level == "L2"
  by_pain <- which(male_l2 & round(patients$symptom_weeks / (52 / 12)) == 3)
  by_age <- which(male_l2 & patients$age == 75)
  if (length(by_pain) == 1L) put("bkp.fig1_3.example_age", patients$age[by_pain])
  if (length(by_age) == 1L) put("bkp.fig1_3.example_pain_months", patients$symptom_weeks[by_age] / (52 / 12))
  final <- cohort$patient_visits[cohort$patient_visits$visit == "final", ]
  put("bkp.results.follow_up_months_mean", mean(final$month))
  put("bkp.results.follow_up_months_min", min(final$month))
  put("bkp.results.follow_up_months_max", max(final$month))
  tables <- list(t1 = c("pre-op to post-op", "pre", "post"),
                 t2 = c("post-op to final", "post", "final"))
  for (tab in names(tables)) {
    spec <- tables[[tab]]
    paired <- analysis$paired[[spec[1]]]
    for (var in c("height_pct", "vas", "odi")) {
      row <- paired[paired$outcome == var, ]
      for (stat in c("mean", "min", "max")) {
        put(sprintf("bkp.%s.%s_%s.%s", tab, var, stat, spec[2]), row[[paste0("from_", stat)]])
        put(sprintf("bkp.%s.%s_%s.%s", tab, var, stat, spec[3]), row[[paste0("to_", stat)]])
      }
      put(sprintf("bkp.%s.%s_t", tab, var), row$statistic)
      put(sprintf("bkp.%s.%s_p", tab, var), row$p_value)
    }
  }
  out[!is.na(out)]
}

#' @export
as.data.frame.vcf_reproduction <- function(x, ...) {
  attr(x, "analysis") <- NULL
  class(x) <- "data.frame"
  x
}
