#' Reconstructed cohort of the BKP osteonecrosis study
#'
#' A data set of 61 patients with osteonecrosis in osteoporotic vertebral
#' fractures treated by balloon kyphoplasty (BKP), one treated fracture each,
#' assessed one day before, two days after and at the final follow-up.
#'
#' **These are not patient records.** They are a reconstruction, built with
#' [vcf_sprite()], [vcf_sprite_paired()] and [vcf_counts()], that is
#' consistent with the summaries the study printed: recomputed with base R,
#' they give every reproducible number of its text and Tables 1 and 2 to the
#' printed digits (counts of women, age and follow-up mean and range, the
#' imaging percentages, each visit's mean and range of height, VAS and ODI,
#' and the six paired t statistics). The study's Table 2 p-values cannot be
#' reproduced by any data of 61 patients with those t statistics (they match
#' df = 10, 11 and 12, not 60), and 73%, 68% and 32% are not k/61 rounded to
#' nearest for any k. How each conflict was resolved is listed in
#' `data-raw/bkp_osteonecrosis_conflicts.md` in the package sources, and
#' `data-raw/bkp_osteonecrosis.R` rebuilds the data deterministically.
#' Individual values, their pairing across visits and the cross-tabulation
#' of findings are one solution among many and carry no information beyond
#' the published summaries.
#'
#' @format A data frame with 183 rows (61 patients x 3 visits) and 17
#'   columns, in the long format of `vcf_cohort()` (one row per patient x
#'   fracture level x visit; one fracture per patient):
#' \describe{
#'   \item{patient}{Character patient id, "BKP01" to "BKP61". BKP01 is the
#'     case of the paper's Figures 1-3 (a 75-year-old man, L2).}
#'   \item{age}{Age in whole years, 55-90, mean 68.}
#'   \item{sex}{Factor, levels "female", "male": 41 women, 20 men.}
#'   \item{level}{Character, the treated vertebral level ("T10" to "L4");
#'     not reported by the study and chosen plausibly, mostly T12-L1.}
#'   \item{treated}{Logical, `TRUE`: every fracture was treated.}
#'   \item{procedure}{Factor, levels "PV", "BKP": all "BKP".}
#'   \item{visit}{Ordered factor "pre-op" < "post-op" < "final": one day
#'     before, two days after BKP, and the final follow-up.}
#'   \item{month}{Months since treatment: 0 at pre-op (the baseline), 0.07
#'     (two days) at post-op, and 18-53 (mean 27.4, whole months) at the
#'     final follow-up.}
#'   \item{height_pct}{Anterior vertebral body height, percent of the mean
#'     of the adjacent vertebral body heights, whole percent. Pre-op 34.7
#'     (18-53), post-op 54.7 (35-75), final 53.1 (33-71).}
#'   \item{vas}{Visual analogue scale for pain, 0-10, whole numbers. Pre-op
#'     7.9 (6-9), post-op 2.4 (0-4), final 1.9 (0-3).}
#'   \item{odi}{Oswestry disability index, 0-100, whole numbers. Pre-op 80.9
#'     (73-90), post-op 31.4 (15-45), final 25.3 (13-40).}
#'   \item{symptom_weeks}{Duration of back pain before surgery in weeks,
#'     6-104 (six weeks to two years), mean 9.}
#'   \item{cleft_radiograph}{Logical: intravertebral cleft (radiolucent
#'     zone) on standing radiographs; 33 of 61 (54%).}
#'   \item{cleft_ct}{Logical: intravertebral cleft on CT; 45 of 61 (73.8%,
#'     printed as 73%). Every radiograph cleft is also a CT cleft.}
#'   \item{t1_signal}{Factor, levels "low", "iso", "high": T1-weighted
#'     signal at the osteonecrosis; "low" in all 61.}
#'   \item{t2_pattern}{Factor, levels "well-defined high", "well-defined
#'     low", "diffuse": T2-weighted and STIR signal pattern; 55 (90%), 5 (8%)
#'     and 1, so 60 (98%) well-defined.}
#'   \item{pain_pattern}{Factor, levels "pain walking and in bed" (pain
#'     when walking and lying in bed, worse when walking; 41, printed 68%)
#'     and "relieved by rest" (almost completely relieved by rest; 20,
#'     printed 32%).}
#' }
#'
#' Patient-level columns (`age`, `sex`, `symptom_weeks` and the imaging and
#' pain findings) and fracture-level columns (`level`, `treated`,
#' `procedure`) repeat on each of a patient's three rows. Paired t
#' statistics are of the earlier minus the later visit, which reproduces
#' every printed sign (Table 1 height: -12.43).
#'
#' @source Reconstructed from the published summaries of a prospective study
#'   of 61 patients with osteonecrosis in osteoporotic vertebral fractures
#'   treated by percutaneous balloon kyphoplasty between January 2006 and
#'   January 2011 (text, Table 1 and Table 2).
#' @examples
#' data(bkp_osteonecrosis, package = "vcfoutcomes")
#' d <- bkp_osteonecrosis
#' # Table 1: anterior vertebral body height, pre-op vs post-op
#' pre <- d$height_pct[d$visit == "pre-op"]
#' post <- d$height_pct[d$visit == "post-op"]
#' round(c(mean(pre), mean(post)), 1)
#' round(t.test(pre, post, paired = TRUE)$statistic, 2)
"bkp_osteonecrosis"
