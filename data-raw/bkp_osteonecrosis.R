# Builds data/bkp_osteonecrosis.rda: a reconstruction of the BKP
# osteonecrosis study (../shared/seeds/003_09b4c2b4985adc8c.txt) consistent
# with every reproducible number it prints. Not patient records.
#
# Run from the package root with the package installed:
#   R_LIBS=/path/to/lib Rscript data-raw/bkp_osteonecrosis.R
# Deterministic: set.seed() below governs vcf_sprite() and
# vcf_sprite_paired() (their C search draws its seed from R's RNG) and every
# sample() call. Choices and conflicts: data-raw/bkp_osteonecrosis_conflicts.md
library(vcfoutcomes)

set.seed(20110131)
n <- 61L

# Patients ---------------------------------------------------------------------
# 41 women and 20 men; age mean 68 (55 to 90), whole years. Patient BKP01 is
# the case of Figures 1-3: a 75-year-old man, fracture at L2, three months of
# back pain, clefts on radiograph and CT, well-defined high T2/STIR signal.
repeat {
  age <- vcf_sprite(n, mean = 68, min = 55, max = 90, digits = 0,
                    attain_range = TRUE)[1, ]
  if (75 %in% age) break
}
age <- c(75, sample(age[-match(75, age)]))
sex <- c("male", sample(rep(c("female", "male"), c(41L, 19L))))

# Treated level: thoracolumbar, most at T12-L1 as usual in osteoporotic
# fractures (the paper reports no distribution; its case is L2).
levels_used <- c("T10", "T11", "T12", "L1", "L2", "L3", "L4")
level <- c("L2", sample(levels_used, n - 1L, replace = TRUE,
                        prob = c(4, 10, 25, 28, 18, 10, 5)))

# Symptom duration: six weeks to two years (104 weeks), average nine weeks.
repeat {
  weeks <- vcf_sprite(n, mean = 9, min = 6, max = 104, digits = 0,
                      attain_range = TRUE)[1, ]
  if (13 %in% weeks) break
}
symptom_weeks <- c(13, sample(weeks[-match(13, weeks)]))

# Final follow-up: mean 27.4 months (18 to 53), whole months.
final_month <- sample(vcf_sprite(n, mean = 27.4, min = 18, max = 53, digits = 1,
                                 attain_range = TRUE)[1, ])

# Imaging and pain pattern ---------------------------------------------------------
# Counts from the printed percentages of n = 61 (vcf_counts; see the
# conflicts file): radiograph cleft 54% -> 33; CT cleft 73% -> 45 (only by
# truncation); T1 low 100% -> 61; T2/STIR well-defined high 90% -> 55,
# well-defined low 8% -> 5, diffuse 1 (well-defined 98% -> 60); pain relieved
# by rest 32% -> 20 (truncation) and worse walking 68% -> the other 41.
stopifnot(
  identical(vcf_counts(54, n), 33L),
  identical(vcf_counts(73, n, rounding = "truncate"), 45L),
  identical(vcf_counts(90, n), 55L),
  identical(vcf_counts(8, n), 5L),
  identical(vcf_counts(98, n), 60L),
  identical(vcf_counts(32, n, rounding = "truncate"), 20L),
  41L %in% vcf_counts(68, n, rounding = "up_or_down")
)
# CT is the more sensitive: every cleft seen on radiographs is seen on CT.
ct_cases <- c(1L, sample(2:n, 44L))
cleft_ct <- seq_len(n) %in% ct_cases
cleft_radiograph <- seq_len(n) %in% c(1L, sample(ct_cases[-1L], 32L))
# Well-defined low T2/STIR signal (gas in the cleft) only where CT shows a
# cleft; the one diffuse pattern where it does not.
t2 <- rep("well-defined high", n)
t2[sample(ct_cases[-1L], 5L)] <- "well-defined low"
t2[sample(setdiff(seq_len(n), ct_cases), 1L)] <- "diffuse"
pain <- rep("pain walking and in bed", n)
pain[sample(2:n, 20L)] <- "relieved by rest"

# Outcomes ----------------------------------------------------------------------
# One paired reconstruction per outcome over the three visits. Paired t is
# of the earlier minus the later visit for every pair; this reproduces all
# six printed signs (Table 1 height -12.43: pre - post; VAS and ODI
# positive: pre - post; Table 2 all positive: post - final). Whole-number
# values reproduce every printed mean, range and t (see conflicts file).
visits <- c("pre-op", "post-op", "final")
outcome <- function(means, mins, maxs, t) {
  x <- vcf_sprite_paired(n, means = stats::setNames(means, visits), mins = mins,
                         maxs = maxs, digits = 1, t = t, t_digits = 2)
  x[sample(n), ]
}
height <- outcome(c(34.7, 54.7, 53.1), c(18, 35, 33), c(53, 75, 71), c(-12.43, 2.12))
vas <- outcome(c(7.9, 2.4, 1.9), c(6, 0, 0), c(9, 4, 3), c(21.03, 1.82))
odi <- outcome(c(80.9, 31.4, 25.3), c(73, 15, 13), c(90, 45, 40), c(18.49, 2.01))

# Long table: one row per patient x visit (one fracture each) --------------------
patients <- data.frame(
  patient = sprintf("BKP%02d", seq_len(n)),
  age = age,
  sex = factor(sex, levels = c("female", "male")),
  level = level,
  treated = TRUE,
  procedure = factor("BKP", levels = c("PV", "BKP")),
  symptom_weeks = symptom_weeks,
  cleft_radiograph = cleft_radiograph,
  cleft_ct = cleft_ct,
  t1_signal = factor("low", levels = c("low", "iso", "high")),
  t2_pattern = factor(t2, levels = c("well-defined high", "well-defined low", "diffuse")),
  pain_pattern = factor(pain, levels = c("pain walking and in bed", "relieved by rest")),
  stringsAsFactors = FALSE
)
rows <- rep(seq_len(n), each = 3L)
bkp_osteonecrosis <- patients[rows, ]
bkp_osteonecrosis$visit <- factor(rep(visits, n), levels = visits, ordered = TRUE)
# Months since treatment: 0 the day before, two days = 0.07 months after.
bkp_osteonecrosis$month <- as.vector(rbind(0, 0.07, final_month))
bkp_osteonecrosis$height_pct <- as.vector(t(height))
bkp_osteonecrosis$vas <- as.vector(t(vas))
bkp_osteonecrosis$odi <- as.vector(t(odi))
cols <- c("patient", "age", "sex", "level", "treated", "procedure", "visit",
          "month", "height_pct", "vas", "odi", "symptom_weeks",
          "cleft_radiograph", "cleft_ct", "t1_signal", "t2_pattern", "pain_pattern")
bkp_osteonecrosis <- bkp_osteonecrosis[, cols]
rownames(bkp_osteonecrosis) <- NULL

# Check every reproducible printed number with base R ---------------------------
d <- bkp_osteonecrosis
at <- function(v, var) d[[var]][d$visit == v]
paired_t <- function(var, a, b) {
  round(unname(stats::t.test(at(a, var), at(b, var), paired = TRUE)$statistic), 2)
}
summ <- function(var, v) c(round(mean(at(v, var)), 1), range(at(v, var)))
base <- d[d$visit == "pre-op", ]
stopifnot(
  nrow(base) == 61, sum(base$sex == "female") == 41,
  round(mean(base$age)) == 68, identical(range(base$age), c(55, 90)),
  round(mean(at("final", "month")), 1) == 27.4,
  identical(range(at("final", "month")), c(18, 53)),
  round(mean(base$symptom_weeks)) == 9,
  identical(range(base$symptom_weeks), c(6, 104)),
  identical(summ("height_pct", "pre-op"), c(34.7, 18, 53)),
  identical(summ("height_pct", "post-op"), c(54.7, 35, 75)),
  identical(summ("height_pct", "final"), c(53.1, 33, 71)),
  identical(summ("vas", "pre-op"), c(7.9, 6, 9)),
  identical(summ("vas", "post-op"), c(2.4, 0, 4)),
  identical(summ("vas", "final"), c(1.9, 0, 3)),
  identical(summ("odi", "pre-op"), c(80.9, 73, 90)),
  identical(summ("odi", "post-op"), c(31.4, 15, 45)),
  identical(summ("odi", "final"), c(25.3, 13, 40)),
  paired_t("height_pct", "pre-op", "post-op") == -12.43,
  paired_t("vas", "pre-op", "post-op") == 21.03,
  paired_t("odi", "pre-op", "post-op") == 18.49,
  paired_t("height_pct", "post-op", "final") == 2.12,
  paired_t("vas", "post-op", "final") == 1.82,
  paired_t("odi", "post-op", "final") == 2.01,
  round(100 * mean(base$cleft_radiograph)) == 54,
  trunc(100 * mean(base$cleft_ct)) == 73,
  all(base$t1_signal == "low"),
  round(100 * mean(base$t2_pattern == "well-defined high")) == 90,
  round(100 * mean(base$t2_pattern == "well-defined low")) == 8,
  round(100 * mean(base$t2_pattern != "diffuse")) == 98,
  trunc(100 * mean(base$pain_pattern == "relieved by rest")) == 32
)

save(bkp_osteonecrosis, file = "data/bkp_osteonecrosis.rda", compress = "xz")
