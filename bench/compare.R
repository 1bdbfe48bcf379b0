# Benchmark of vcf_compare() against base R on a simulated registry:
# 1e6 patients, 10 variables (6 continuous, 4 categorical), 2 groups. Both
# run the default tests of a Table 1 (pooled t, Pearson chi-square without
# correction) in the same process on the same data; base R variable by
# variable with the default methods of t.test() and chisq.test(). Prints the
# times, the ratio and the largest relative difference of the p-values.
suppressPackageStartupMessages(library(vcfoutcomes))

set.seed(20240601)
n <- 1e6
registry <- data.frame(
  group = factor(sample(c("PV", "BKP"), n, TRUE, prob = c(0.6, 0.4))),
  age = round(rnorm(n, 74, 9), 1),
  fracture_age = rexp(n, 1 / 3),
  vas = pmin(10, pmax(0, round(rnorm(n, 6, 2)))),
  odi = runif(n, 0, 100),
  bme_pct = 100 * rbeta(n, 2, 5),
  cement_ml = rgamma(n, 9, 2),
  sex = factor(sample(c("female", "male"), n, TRUE, prob = c(0.7, 0.3))),
  shape = factor(sample(c("wedge", "biconcave", "crush"), n, TRUE)),
  analgesic = factor(sample(c("none", "paracetamol", "NSAID", "opiate"), n, TRUE),
                     levels = c("none", "paracetamol", "NSAID", "opiate")),
  new_vcf = sample(c(TRUE, FALSE), n, TRUE, prob = c(0.1, 0.9)))
# 1% missing values in every variable
for (v in names(registry)[-1]) registry[[v]][sample(n, n / 100)] <- NA
continuous <- c("age", "fracture_age", "vas", "odi", "bme_pct", "cement_ml")
categorical <- c("sex", "shape", "analgesic", "new_vcf")

base_r <- function(data) {
  g <- data$group
  p <- c()
  for (v in continuous) {
    s <- split(data[[v]], g)
    p[v] <- stats::t.test(s[[1]], s[[2]], var.equal = TRUE)$p.value
  }
  for (v in categorical) {
    p[v] <- suppressWarnings(stats::chisq.test(data[[v]], g, correct = FALSE))$p.value
  }
  p
}

# Median elapsed and CPU (user + system) seconds over `reps` runs. The CPU
# time is the steadier measure on a shared machine.
time_it <- function(f, reps) {
  f()  # warm-up
  times <- vapply(seq_len(reps), function(i) {
    t <- system.time(f())
    c(elapsed = t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
  }, c(elapsed = 0, cpu = 0))
  apply(times, 1, stats::median)
}

ours <- vcf_compare(registry, by = "group")
theirs <- base_r(registry)
# split() orders the groups by level (BKP, PV), as vcf_compare does.
rel <- max(abs(ours$p_value - theirs[ours$variable]) / theirs[ours$variable])

t_ours <- time_it(function() vcf_compare(registry, by = "group"), 21)
t_base <- time_it(function() base_r(registry), 5)

cat(sprintf("registry: %d patients, %d continuous + %d categorical variables, 2 groups\n",
            n, length(continuous), length(categorical)))
cat(sprintf("%-28s %9s %9s\n", "", "elapsed", "cpu"))
cat(sprintf("%-28s %6.1f ms %6.1f ms  (median of 21)\n", "vcf_compare()",
            1000 * t_ours[["elapsed"]], 1000 * t_ours[["cpu"]]))
cat(sprintf("%-28s %6.1f ms %6.1f ms  (median of 5)\n", "base R t.test/chisq.test",
            1000 * t_base[["elapsed"]], 1000 * t_base[["cpu"]]))
cat(sprintf("ratio base R / vcf_compare: %.1fx elapsed, %.1fx cpu  (target >= 20x)\n",
            t_base[["elapsed"]] / t_ours[["elapsed"]], t_base[["cpu"]] / t_ours[["cpu"]]))
cat(sprintf("largest relative difference of the p-values: %.1e\n", rel))
