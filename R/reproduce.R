# Reproduction of a bundled study from its bundled cohort, number by number.
#
# What computes each published number is data, not code: the study's map
# (inst/extdata/published/<study>_map.csv) names, for every id, the part of
# the analysis that holds it and the keys of the value within that part.
# Each part is a small function returning a long data frame of every value
# it can compute; the map picks from it. Adding a study means adding rows to
# its map (and, only for a new kind of result, a part).

#' Reproduce a bundled study, number by number
#'
#' Runs [vcf_analyze()] on the study's bundled cohort and sets every
#' published number of [vcf_published()] beside the one computed from the
#' data, rounded as printed. `status` is:
#'
#' * `"match"`: the reproduced number, rounded to the printed digits by the
#'   study's rounding rule (column `rounding`, see [vcf_reproduction_map()]),
#'   equals the printed one (for a printed bound such as "<.0001", the
#'   reproduced value lies within it, and a p-value bound is one unit in its
#'   last decimal place, as conventionally printed);
#' * `"source-inconsistent"`: the printed number contradicts other printed
#'   numbers, so no data set can reproduce them all; `reason` gives the proof
#'   (from the study's list of conflicts, [vcf_conflicts()], or from
#'   [vcf_audit()]);
#' * `"not-derivable"`: the number describes something the cohort data do
#'   not hold (patients who left the study before follow-up, procedure
#'   sessions); `reason` says what;
#' * `"mismatch"`: anything else, which is a defect of the reconstruction.
#'
#' Printed dashes (no number) are left out. Which analysis result computes
#' each number is read from the study's map,
#' `inst/extdata/published/<study>_map.csv` (see [vcf_reproduction_map()]).
#'
#' @section One coding for PV Table 3:
#' Every column of the PV study's Table 3 is read with one coding: a
#' decrease is the value before minus the value after (VAS points, or
#' analgesic classes none < paracetamol < NSAID < opiate), and each
#' regression is on a 0/1 indicator of the group the paper names second in
#' "decrease or similar" and first in "absent or present": the coefficient
#' is similar BME minus BME decrease, and BME absent minus BME present. This
#' is the coding under which the paper's printed VAS intervals are centred
#' on the difference of its printed group means (e.g. 0-3 months, absent
#' 6.3, present 6.0, interval -1.9 to 2.2); the analgesic columns are read
#' the same way. Coefficients are printed without their signs, so they are
#' compared in absolute value; intervals are signed.
#'
#' @param study `"pv_edema"` or `"bkp_osteonecrosis"`.
#' @param boot Bootstrap settings for the analysis ([vcf_boot_control()]);
#'   the bootstrap intervals are not published numbers, so `B` only affects
#'   running time.
#' @return A data frame: `id`, `source`, `row`, `column`, `statistic`,
#'   `reported`, `published`, `reproduced` (rounded as printed), `rounding`
#'   (the rule used), `status`, `reason`, `note` (a flag on a number, even a
#'   matched one, from the map), with
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
  map <- vcf_reproduction_map(study)
  raw <- unname(reproduced_values(analysis, map, published)[published$id])
  rule <- map$rounding[match(published$id, map$id)]
  out <- judge_reproduction(published, raw, rule, reproduction_conflicts(study),
                            audit_reasons(published))
  at <- match(published$id, map$id)
  none <- map$part[at] %in% "none"
  out$reason[none & out$status == "not-derivable"] <- map$note[at][none & out$status == "not-derivable"]
  out$note <- ifelse(none, NA_character_, map$note[at])
  attr(out, "analysis") <- analysis
  class(out) <- c("vcf_reproduction", "data.frame")
  out
}

not_derivable_reason <- paste(
  "not a quantity of the cohort data: it describes patients before inclusion,",
  "the procedure, or an illustrated case the data do not single out")

# The verdict on each published number given the value the cohort gives
# (`raw`, unrounded), the rounding rule of its map row, the study's proved
# conflicts and the audit's reasons (named by id). A proved conflict applies
# only to the print it was proved for (its `value`): a different print is
# judged afresh.
judge_reproduction <- function(published, raw, rule, conflicts, audit = character()) {
  digits <- ifelse(is.na(published$digits), 0L, published$digits)
  rounded <- round_printed(raw, digits, rule)
  same <- agrees_with_print(raw, rounded, published)
  known <- match(published$id, conflicts$id)
  proved_for <- conflicts$value[known]
  applies <- !is.na(known) & abs(proved_for - published$value) < 1e-9
  reason <- ifelse(applies %in% TRUE, conflicts$reason[known], NA_character_)
  from_audit <- unname(audit[published$id])
  reason[is.na(reason)] <- from_audit[is.na(reason)]
  status <- ifelse(is.na(raw),
                   ifelse(is.na(reason), "not-derivable", "source-inconsistent"),
                   ifelse(same %in% TRUE, "match",
                          ifelse(is.na(reason), "mismatch", "source-inconsistent")))
  reason[status == "match"] <- NA_character_
  reason[status == "not-derivable"] <- not_derivable_reason
  bound <- published$comparison %in% c("<", ">")
  data.frame(id = published$id, source = published$source, row = published$row,
             column = published$column, statistic = published$statistic,
             reported = published$reported, published = published$value,
             reproduced = ifelse(bound, signif(raw, 3), rounded),
             rounding = ifelse(bound, NA_character_, rule),
             status = status, reason = reason, stringsAsFactors = FALSE)
}

# Does each reproduced value reproduce its print? A printed p-value bound is
# strict ("<.0001") and, as printed by convention, one unit in its last
# decimal place: "<.0002" is no print a computed p would get. A printed bound
# on a quantity ("more than six weeks") holds the bound itself.
agrees_with_print <- function(raw, rounded, published) {
  bound <- published$comparison %in% c("<", ">")
  strict <- published$statistic == "p"
  unit_bound <- abs(published$value - 10^-published$digits) < 1e-12
  below <- (raw < published$value & (!strict | unit_bound)) |
    (!strict & raw == published$value)
  above <- raw > published$value | (!strict & raw == published$value)
  ifelse(bound, ifelse(published$comparison == "<", below, above),
         abs(rounded - published$value) < 1e-9)
}

rounding_rules <- c("half-up", "half-even", "truncate")

# Rounds x to `digits` decimals by the named rule: "half-up" (a 5 rounds
# away from zero), "half-even" (a 5 rounds to the even neighbour), or
# "truncate" (the digits beyond are dropped). The scaled value is first
# snapped to 1e-9, so that 121/20 counts as the tie 6.05 it is in decimals
# rather than the binary 6.0499... it is stored as.
round_printed <- function(x, digits, rule) {
  unknown <- setdiff(rule[!is.na(rule)], rounding_rules)
  if (length(unknown)) {
    vcf_abort("Unknown rounding rule {.val {unknown}} in a reproduction map.",
              c("reproduction_map", "input"))
  }
  rule <- rep_len(rule, length(x))
  scale <- 10^digits
  y <- round(x * scale, 9)
  down <- floor(abs(y))
  frac <- abs(y) - down
  tie <- abs(frac - 0.5) < 1e-9
  away <- ifelse(tie, ifelse(rule %in% "half-even", down %% 2 == 1, TRUE), frac > 0.5)
  away[rule %in% "truncate"] <- FALSE
  sign(y) * (down + away) / scale
}

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
  flagged <- x$id[x$status == "match" & !is.na(x$note %||% NA_character_)]
  if (length(flagged)) {
    cat("Matched, with a note (see `note`): ", paste(flagged, collapse = ", "), "\n", sep = "")
  }
  invisible(x)
}

#' @export
as.data.frame.vcf_reproduction <- function(x, ...) {
  attr(x, "analysis") <- NULL
  class(x) <- "data.frame"
  x
}

#' The proved contradictions of a bundled study
#'
#' Returns the study's list of printed numbers that contradict other printed
#' numbers, each with its proof, as shipped in
#' `inst/extdata/published/<study>_conflicts.csv`. A proof holds for every
#' data set consistent with the other printed numbers (an exhaustive search
#' over the integer counts, sums or class changes it depends on, or a
#' bound), and names its assumptions (such as whole VAS points or four
#' analgesic classes); where several printed numbers cannot all hold, it
#' lists which of them can hold together. [vcf_reproduce()] reports a number
#' as `"source-inconsistent"` with this proof when the bundled data do not
#' reproduce it.
#'
#' @param study `"pv_edema"` or `"bkp_osteonecrosis"`.
#' @return A data frame: `id` (as in [vcf_published()]), `value` (the
#'   printed value the proof is about), `reason` (the proof, in words).
#' @examples
#' conflicts <- vcf_conflicts("bkp_osteonecrosis")
#' conflicts$id
#' @export
vcf_conflicts <- function(study = c("pv_edema", "bkp_osteonecrosis")) {
  study <- check_study(study)
  reproduction_conflicts(study)
}

# The proved conflicts of a study, keyed by id and printed value.
reproduction_conflicts <- function(study) {
  path <- system.file("extdata", "published", paste0(study, "_conflicts.csv"),
                      package = "vcfoutcomes")
  if (!nzchar(path)) return(data.frame(id = character(), value = numeric(), reason = character()))
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

# The map ----------------------------------------------------------------------

map_columns <- c(id = "character", part = "character", subset = "character",
                 characteristic = "character", level = "character",
                 statistic = "character", group = "character", rounding = "character",
                 note = "character")

#' Which analysis result computes each published number
#'
#' Reads the map of a bundled study, `inst/extdata/published/<study>_map.csv`:
#' one row per published id that the cohort data can compute, naming where
#' in the analysis the value is found. [vcf_reproduce()] joins it with
#' [vcf_published()].
#'
#' @section Columns:
#' * `id`: the published id ([vcf_published()]).
#' * `part`: the part of the analysis holding the value: `"table1"` (the
#'   values of Table 1, [vcf_table1()]), `"patients"` and `"fractures"`
#'   (counts and summaries of the cohort's patients and fractures),
#'   `"followup"` (BME resolution and changes per interval,
#'   [vcf_followup()]), `"paired"` (paired comparisons between visits),
#'   `"relation"` (the regressions of pain change on BME change), `"case"`
#'   (the illustrated case of a figure), `"visits"` (values per visit), or
#'   `"none"` for a printed number the cohort cannot hold.
#' * `subset`: within the part, the patients or comparison (`"A"`, `"All"`,
#'   `"treated"`, `"pre-op to post-op"`); for `"case"`, the characteristic
#'   whose printed values identify the case.
#' * `characteristic`, `level`: the variable and, for a category, its level;
#'   `"a|b"` joins levels (counts and percentages add, bounds take the
#'   extreme). For `"case"`, `level` holds the filters that, with the
#'   identifying values, single the case out (`"sex=male; level=L2"`).
#' * `statistic`: the statistic within the part (`"mean"`, `"count"`,
#'   `"percent"`, `"p_value"`, `"abs_coef"`, ...).
#' * `group`: the subgroup, visit or interval.
#' * `note`: for part `"none"` (a printed number the cohort cannot hold:
#'   patients before inclusion, inclusion criteria, the procedure), why it is
#'   not derivable; otherwise a flag on a reproduced number that a reader
#'   should know of (a value outside the stated scale, an implausible
#'   statistic), or empty.
#' * `rounding`: how the printed number was rounded from the computed one:
#'   `"half-up"` (a 5 rounds away from zero), `"half-even"` (a 5 rounds to
#'   the even neighbour) or `"truncate"`. One rule per study: the rule under
#'   which the most printed numbers are reproduced. PV: `"half-even"` (its
#'   Table 1 prints 8 of 64, 12.5%, as 12%, and Table 3 the mean 121/20 =
#'   6.05 as 6.0; half-up reproduces both only with other data, truncation
#'   loses 58 matches such as 49/64 = 76.6% printed 77%). BKP: `"half-up"`
#'   (no printed number falls on a tie, so half-even gives the same
#'   verdicts; truncation loses 6 matches such as t = 18487 / 1000 printed
#'   18.49). Numbers the paper truncated are reported as conflicts with the
#'   rule named.
#'
#' @param study `"pv_edema"` or `"bkp_osteonecrosis"`.
#' @return A data frame with the columns above.
#' @examples
#' map <- vcf_reproduction_map("bkp_osteonecrosis")
#' head(map[, c("id", "part", "characteristic", "statistic", "group")])
#' @export
vcf_reproduction_map <- function(study = c("pv_edema", "bkp_osteonecrosis")) {
  study <- check_study(study)
  path <- published_file(study, "_map", "reproduction map")
  map <- utils::read.csv(path, stringsAsFactors = FALSE, na.strings = "",
                         colClasses = "character", encoding = "UTF-8")
  if (is.null(map$note)) map$note <- NA_character_
  check_map(map, path)
}

check_map <- function(map, path, call = rlang::caller_env()) {
  fail <- function(what, rows, values = NULL) {
    vcf_abort(c("Malformed reproduction map {.file {path}}: {what}.",
                x = "At {describe_rows(rows, values)}."),
              c("reproduction_map", "input"), call = call)
  }
  missing_cols <- setdiff(names(map_columns), names(map))
  if (length(missing_cols)) fail("missing columns", seq_along(missing_cols), missing_cols)
  dup <- which(duplicated(map$id) | is.na(map$id))
  if (length(dup)) fail("ids must be unique and present", dup, map$id[dup])
  bad <- which(!map$part %in% c(names(reproduction_parts), "none"))
  if (length(bad)) fail("unknown part", bad, map$part[bad])
  bad <- which(is.na(map$statistic))
  if (length(bad)) fail("statistic must be filled", bad)
  bad <- which(map$part == "none" & is.na(map$note))
  if (length(bad)) fail("a number the data cannot hold needs its reason in {.field note}", bad)
  map
}

# Values of every mapped id, by id (NA where the analysis has no value).
reproduced_values <- function(analysis, map, published) {
  parts <- setdiff(unique(map$part), "none")
  values <- do.call(rbind, lapply(parts, function(part) {
    rows <- map[map$part == part, , drop = FALSE]
    computed <- reproduction_parts[[part]](analysis, rows, published)
    data.frame(id = rows$id, value = pick_values(computed, rows))
  }))
  stats::setNames(values$value, values$id)
}

# For each map row, the one value of `computed` (a data frame with columns
# subset, characteristic, level, statistic, group, value) at its keys. Keys
# written "a|b" join several values: counts and percentages add, "max" and
# p-value maxima take the largest, "min" the smallest.
pick_values <- function(computed, rows) {
  vapply(seq_len(nrow(rows)), function(i) {
    hit <- rep(TRUE, nrow(computed))
    for (key in c("subset", "characteristic", "level", "statistic", "group")) {
      want <- rows[[key]][i]
      have <- computed[[key]]
      hit <- hit & (if (is.na(want)) is.na(have) else have %in% strsplit(want, "|", fixed = TRUE)[[1]])
    }
    v <- computed$value[hit]
    if (!length(v)) return(NA_real_)
    stat <- rows$statistic[i]
    if (length(v) == 1L) return(v)
    if (stat %in% c("count", "percent")) return(sum(v))
    if (stat %in% c("max", "p_value_max")) return(max(v))
    if (stat == "min") return(min(v))
    v[1]
  }, numeric(1))
}

# Long-format values of one part.
part_values <- function(subset = NA_character_, characteristic, level = NA_character_,
                        statistic, group = NA_character_, value) {
  data.frame(subset = subset, characteristic = characteristic, level = level,
             statistic = statistic, group = group, value = as.numeric(value),
             stringsAsFactors = FALSE)
}

# Count, percent (level "yes" for logicals, each level for categories and
# whole numbers) and mean/median/min/max of every column of `units`.
summarise_units <- function(units, subset) {
  out <- list(part_values(subset, "units", NA, "n", NA, nrow(units)))
  for (col in setdiff(names(units), c("patient", "subset"))) {
    x <- units[[col]]
    if (is.numeric(x)) {
      y <- x[!is.na(x)]
      if (length(y)) {
        out[[length(out) + 1L]] <- part_values(subset, col, NA, c("mean", "median", "min", "max"),
                                               NA, c(mean(y), stats::median(y), min(y), max(y)))
      }
    }
    if (is.logical(x)) x <- ifelse(x, "yes", "no")
    if (is.numeric(x) && any(x != round(x), na.rm = TRUE)) next
    tab <- table(as.character(x))
    if (length(tab)) {
      out[[length(out) + 1L]] <- part_values(subset, col, names(tab), "count", NA, as.vector(tab))
      out[[length(out) + 1L]] <- part_values(subset, col, names(tab), "percent", NA,
                                             100 * as.vector(tab) / length(x))
    }
  }
  do.call(rbind, out)
}

# Parts --------------------------------------------------------------------------
# Each takes the analysis, the map rows it serves and the published numbers,
# and returns part_values() rows.

# Table 1 as computed: its own characteristic, level, statistic and group.
part_table1 <- function(analysis, rows, published) {
  v <- attr(analysis$table1, "values")
  part_values(NA, v$characteristic, v$level, v$statistic, v$group, v$value)
}

# Patients: their variables, the number of VCF and treated VCF each has, and
# the subgroup; subset "All" and each subgroup.
part_patients <- function(analysis, rows, published) {
  cohort <- analysis$cohort
  patients <- subgroup_variables(cohort)
  if (!is.null(analysis$subgroup)) {
    patients$subgroup <- as.character(unclass_subgroup(analysis$subgroup))[
      match(patients$patient, names(analysis$subgroup))]
  }
  if (!is.null(patients$new_vcf) && !is.null(patients$pain_other_level)) {
    patients$multiple_treated <- patients$n_treated > 1L
    single <- patients$n_treated == 1L
    patients$single_treated <- single
    patients$single_treated_new_vcf <- single & patients$new_vcf %in% TRUE
    patients$single_treated_pain_other_level <- single & patients$pain_other_level %in% TRUE
  }
  if (!is.null(patients$symptom_weeks)) {
    patients$symptom_years <- patients$symptom_weeks / 52
    patients$symptom_months <- patients$symptom_weeks / (52 / 12)
  }
  summarise_units(patients, "All")
}

# Fractures: all of them and the treated ones.
part_fractures <- function(analysis, rows, published) {
  fractures <- analysis$cohort$fractures
  treated <- fractures[fractures$treated %in% TRUE, , drop = FALSE]
  # vertebra number in the usual spine, C1 = 1 to L5 = 24, so that "T5
  # through L5" is a range (rare T13 and L6 get none)
  spine <- c(paste0("C", 1:7), paste0("T", 1:12), paste0("L", 1:5))
  treated$level_number <- match(as.character(treated$level), spine)
  rbind(summarise_units(fractures[c("patient", "level")], "all"),
        summarise_units(treated[setdiff(names(treated), "treated")], "treated"))
}

# Follow-up: BME resolution, bright rims, and changes per interval, for all
# treated fractures (subset "All") and each subgroup.
part_followup <- function(analysis, rows, published) {
  cohort <- analysis$cohort
  all <- vcf_followup(cohort)
  res <- all$resolution
  visits <- as.character(res$visit)
  rim <- vapply(visits, function(v) {
    sum(cohort$visits$visit == v & cohort$visits$bright_rim %in% TRUE)
  }, numeric(1))
  intervals <- rbind(all$intervals, analysis$followup$intervals)
  changed <- !is.na(intervals$change)
  rbind(
    part_values("All", "bme", "resolved", "count", visits, res$resolved),
    part_values("All", "bme", "resolved", "percent", visits, res$percent),
    part_values("All", "bme", "present", "percent", visits, 100 - res$percent),
    part_values("All", "bright_rim", "yes", "count", visits, rim),
    part_values("All", "bright_rim", "yes", "percent", visits, 100 * rim / res$resolved),
    part_values(intervals$group[changed], intervals$outcome[changed], intervals$change[changed],
                "count", intervals$interval[changed], intervals$count[changed]),
    part_values(intervals$group[changed], intervals$outcome[changed], intervals$change[changed],
                "n", intervals$interval[changed], intervals$n[changed]),
    part_values(intervals$group, intervals$outcome, intervals$change,
                ifelse(changed, "percent", "mean"), intervals$interval, intervals$value),
    joint_increases(cohort))
}

# Patients whose VAS and analgesic use both rose between consecutive visits.
joint_increases <- function(cohort) {
  pv <- cohort$patient_visits
  if (is.null(pv$vas) || is.null(pv$analgesic)) return(NULL)
  visits <- cohort$visit_levels
  do.call(rbind, lapply(seq_len(length(visits) - 1L), function(i) {
    from <- pv[pv$visit == visits[i], ]
    to <- pv[pv$visit == visits[i + 1L], ]
    at <- match(to$patient, from$patient)
    both <- sum(to$vas > from$vas[at] & to$analgesic > from$analgesic[at], na.rm = TRUE)
    part_values("All", "vas and analgesic", "increase", "count",
                paste(visits[i], "to", visits[i + 1L]), both)
  }))
}

# Paired comparisons between visits, and the largest p-value of the
# comparisons with the first visit ("every later visit differs from the
# initial one").
part_paired <- function(analysis, rows, published) {
  stats <- c("from_mean", "from_min", "from_max", "to_mean", "to_min", "to_max",
             "mean_diff", "statistic", "p_value")
  out <- lapply(names(analysis$paired), function(pair) {
    tab <- analysis$paired[[pair]]
    do.call(rbind, lapply(stats, function(s) part_values(pair, tab$outcome, NA, s, NA, tab[[s]])))
  })
  first <- paste0("^", analysis$cohort$visit_levels[1], " to ")
  from_first <- do.call(rbind, out[grepl(first, names(analysis$paired))])
  from_first <- from_first[from_first$statistic == "p_value", , drop = FALSE]
  maxima <- tapply(from_first$value, from_first$characteristic, max)
  rbind(do.call(rbind, out),
        part_values("from first visit", names(maxima), NA, "p_value_max", NA, maxima))
}

# The regressions of pain decrease on BME change (PV Table 3): the mean
# decrease and the share decreasing in each BME group, and the coefficient
# and its confidence interval in both orientations ("similar - decrease" is
# the slope on similar BME coded 1; the PV map uses one orientation, see
# vcf_reproduce()'s docs, the other is for studies coded the other way). The
# slope on a 0/1 predictor is the
# difference of the group means; taken from the means it carries no
# floating-point noise at ties. Printed coefficients carry no sign:
# "abs_coef".
part_relation <- function(analysis, rows, published) {
  rel <- analysis$relation
  subset <- attr(rel, "group") %||% NA_character_
  levels <- list(bme_similar = c("similar_bme", "decrease_bme", "similar - decrease",
                                 "decrease - similar"),
                 bme_absent = c("bme_absent", "bme_present", "absent - present",
                                "present - absent"))
  do.call(rbind, lapply(seq_len(nrow(rel)), function(i) {
    r <- rel[i, ]
    lv <- levels[[r$predictor]]
    outcome <- sub("_decrease$", "", r$outcome)
    diff <- r$mean_1 - r$mean_0
    part_values(subset, outcome,
                c(lv[1], lv[2], lv[1], lv[2], rep(lv[3], 4), rep(lv[4], 4)),
                c("mean", "mean", "percent", "percent",
                  "coef", "abs_coef", "ci_low", "ci_high",
                  "coef", "abs_coef", "ci_low", "ci_high"),
                r$interval,
                c(r$mean_1, r$mean_0, r$pct_decrease_1, r$pct_decrease_0,
                  diff, abs(diff), r$ci_low, r$ci_high,
                  -diff, abs(diff), -r$ci_high, -r$ci_low))
  }))
}

# An illustrated case: the unit whose printed values of the `subset`
# characteristic (over the visits in `group`, or a single value) match the
# data, after the filters in `level`; the value is that unit's
# characteristic at the row's group. Units are treated fractures, with their
# patient's variables and visit values beside them.
part_case <- function(analysis, rows, published) {
  units <- case_units(analysis$cohort)
  out <- lapply(seq_len(nrow(rows)), function(i) {
    who <- case_filter(units, rows$level[i])
    by <- rows[rows$characteristic == rows$subset[i], , drop = FALSE]
    at <- match(by$id, published$id)
    for (j in seq_len(nrow(by))) {
      col <- case_column(by$characteristic[j], by$group[j])
      if (is.na(at[j]) || is.null(units[[col]])) return(NULL)
      shown <- round(units[[col]], published$digits[at[j]])
      who <- who & shown %in% published$value[at[j]]
    }
    found <- unique(units[[case_column(rows$characteristic[i], rows$group[i])]][who])
    if (length(found) != 1L) return(NULL)
    part_values(rows$subset[i], rows$characteristic[i], rows$level[i], rows$statistic[i],
                rows$group[i], found)
  })
  do.call(rbind, out) %||% part_values(character(), character(), character(), character(),
                                       character(), numeric())
}

case_column <- function(characteristic, group) {
  if (is.na(group)) characteristic else paste0(characteristic, "@", group)
}

# Treated fractures with their patient's variables, and every visit value
# spread into columns "<variable>@<visit>".
case_units <- function(cohort) {
  units <- cohort$fractures[cohort$fractures$treated %in% TRUE, c("patient", "level")]
  units$level <- as.character(units$level)
  units <- cbind(units, cohort$patients[match(units$patient, cohort$patients$patient),
                                        setdiff(names(cohort$patients), "patient"), drop = FALSE])
  if (!is.null(units$symptom_weeks)) units$symptom_months <- units$symptom_weeks / (52 / 12)
  for (v in as.character(cohort$visit_levels)) {
    fv <- cohort$visits[cohort$visits$visit == v, , drop = FALSE]
    key <- match(paste(units$patient, units$level), paste(fv$patient, as.character(fv$level)))
    for (col in setdiff(names(fv), c("patient", "level", "visit", "month"))) {
      units[[paste0(col, "@", v)]] <- fv[[col]][key]
    }
    pv <- cohort$patient_visits[cohort$patient_visits$visit == v, , drop = FALSE]
    key <- match(units$patient, pv$patient)
    for (col in setdiff(names(pv), c("patient", "visit", "month"))) {
      # ordered classes as codes from 0 (analgesic none = 0 ... opiate = 3)
      x <- if (is.factor(pv[[col]])) as.integer(pv[[col]]) - 1L else pv[[col]]
      units[[paste0(col, "@", v)]] <- as.numeric(x)[key]
    }
  }
  units
}

# Filters "name=value; name=value" as a logical over the units.
case_filter <- function(units, filters) {
  keep <- rep(TRUE, nrow(units))
  if (is.na(filters)) return(keep)
  for (f in trimws(strsplit(filters, ";", fixed = TRUE)[[1]])) {
    kv <- trimws(strsplit(f, "=", fixed = TRUE)[[1]])
    keep <- keep & as.character(units[[kv[1]]]) %in% kv[2]
  }
  keep
}

# Follow-up months and other patient-visit values per visit, and over all
# visits ("all visits").
part_visits <- function(analysis, rows, published) {
  pv <- analysis$cohort$patient_visits
  visits <- as.character(analysis$cohort$visit_levels)
  do.call(rbind, lapply(c(visits, "all visits"), function(v) {
    at <- if (v == "all visits") pv else pv[pv$visit == v, , drop = FALSE]
    cols <- names(at)[vapply(at, is.numeric, TRUE)]
    do.call(rbind, lapply(cols, function(col) {
      y <- at[[col]][!is.na(at[[col]])]
      if (!length(y)) return(NULL)
      part_values("All", col, NA, c("mean", "min", "max"), v, c(mean(y), min(y), max(y)))
    }))
  }))
}

reproduction_parts <- list(table1 = part_table1, patients = part_patients,
                           fractures = part_fractures, followup = part_followup,
                           paired = part_paired, relation = part_relation,
                           case = part_case, visits = part_visits)
