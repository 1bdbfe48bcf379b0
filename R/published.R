# Published numbers of the bundled studies: the transcription of every number
# the articles print, read and validated.

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
  study <- check_study(study)
  path <- published_file(study, "", "published numbers")
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

# The study named by `study` (the default vector picks the first), or a
# classed error naming the studies there are.
check_study <- function(study, call = rlang::caller_env()) {
  if (identical(study, published_studies)) study <- published_studies[1L]
  if (!is.character(study) || length(study) != 1L || is.na(study) ||
      !study %in% published_studies) {
    vcf_abort(c("{.arg study} must be {.or {.val {published_studies}}}.",
                x = "It is {.val {format_arg(study)}}."),
              c("unknown_study", "argument"), call = call)
  }
  study
}

# The installed file `<study><suffix>.csv` of inst/extdata/published, or a
# classed error saying that `what` is not installed.
published_file <- function(study, suffix, what, call = rlang::caller_env()) {
  path <- system.file("extdata", "published", paste0(study, suffix, ".csv"),
                      package = "vcfoutcomes")
  if (!nzchar(path)) {
    vcf_abort("The {what} of {.val {study}} cannot be found in the installed package.",
              c("published_missing", "input"), call = call)
  }
  path
}
