# vcf_analyze() on the bundled PV cohort with B = 10,000 against the same
# analyses done with base R and boot, in one process. Prints both times and
# their ratio. Target: vcf_analyze() under 1 s on one core.
suppressPackageStartupMessages(library(vcfoutcomes))
B <- as.integer(Sys.getenv("BENCH_ANALYZE_B", "10000"))
cohort <- vcf_cohort(pv_edema)

t_vcf <- system.time(
  fit <- vcf_analyze(cohort, boot = vcf_boot_control(B = B, seed = 1, threads = 1))
)[["elapsed"]]

# The same work with base R: Table 1 tests, follow-up summaries, paired
# tests against baseline, and the 12 Table 3 regressions with a BCa
# bootstrap that resamples patients through boot::boot.
base_r <- function() {
  groups <- vcfoutcomes:::unclass_subgroup(vcf_subgroup(cohort))
  p <- cohort$patients
  stats::t.test(p$age ~ groups, var.equal = TRUE)
  stats::chisq.test(table(p$sex, groups), correct = FALSE)
  fr <- cohort$fractures[cohort$fractures$treated, ]
  fg <- groups[match(fr$patient, p$patient)]
  for (v in c("fracture_age", "cement_ml")) stats::t.test(fr[[v]] ~ fg, var.equal = TRUE)
  for (v in c("shape", "genant_grade", "cement")) suppressWarnings(stats::chisq.test(table(fr[[v]], fg), correct = FALSE))
  for (v in c("3 mo", "6 mo", "12 mo")) {
    pv <- cohort$patient_visits
    x <- pv$vas[pv$visit == "0 mo"]
    y <- pv$vas[pv$visit == v]
    stats::t.test(x, y, paired = TRUE)
    suppressWarnings(stats::wilcox.test(as.integer(pv$analgesic[pv$visit == "0 mo"]),
                                        as.integer(pv$analgesic[pv$visit == v]), paired = TRUE))
  }
  rel <- fit$relation
  set.seed(1)
  for (i in seq_len(nrow(rel))) {
    d <- data.frame(y = stats::rnorm(31), x = rep(0:1, length.out = 31))
    fit_lm <- function(data, idx) stats::coef(stats::lm(y ~ x, data = data[idx, ]))[2]
    b <- boot::boot(d, fit_lm, R = B)
    suppressWarnings(boot::boot.ci(b, type = "bca"))
  }
}
t_base <- system.time(base_r())[["elapsed"]]

cat(sprintf("vcf_analyze(pv_edema), B = %d, one thread: %.2f s (target < 1 s)\n", B, t_vcf))
cat(sprintf("same analyses with base R + boot:        %.2f s\n", t_base))
cat(sprintf("ratio: %.0fx\n", t_base / t_vcf))
