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

# r x c Fisher: vcf_compare(tests = "fisher") against fisher.test() on the
# r x c tables of R's own tests and help pages (PR#644 19 x 2, the exact
# 3 x 2, PR#17671 4 x 4, Job satisfaction 4 x 4, Mehta-Patel's 6th 5 x 7)
# and on random 2 x 3 ... 3 x 4 tables with n up to 200. Both sides get the
# same table; ours through the data-frame interface (the rows expanded
# outside the timing).
cat("\nr x c Fisher's exact test, vcf_compare() vs fisher.test()\n")
table_rows <- function(m) {
  r <- factor(rep(rep(seq_len(nrow(m)), ncol(m)), c(m)), levels = seq_len(nrow(m)))
  k <- factor(rep(rep(seq_len(ncol(m)), each = nrow(m)), c(m)), levels = seq_len(ncol(m)))
  data.frame(v = r, g = k)
}
rsource_tables <- list(
  "PR#644 19 x 2" = matrix(c(2, 2, 4, 8, 6, 0, 1, 1, 7, 8, 1, 3, 1, 3, 7, 4, 2, 2, 2,
                             1, 1, 0, 0, 0, 0, 0, 1, 1, 2, 0, 1, 1, 0, 2, 1, 0, 0, 0), nc = 2),
  "reg-tests-1b 3 x 2" = cbind(c(14, 29, 16), c(14, 29, 16)),
  "PR#17671 4 x 4" = local({
    set.seed(7)
    unclass(table(sample(LETTERS[1:4], 50, TRUE), sample(letters[1:4], 50, TRUE)))
  }),
  "Job 4 x 4" = matrix(c(1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11), 4, 4),
  "Mehta-Patel 6th 5 x 7" = rbind(c(1, 2, 2, 1, 1, 0, 1), c(2, 0, 0, 2, 3, 0, 0),
                                  c(0, 1, 1, 1, 2, 7, 3), c(1, 1, 2, 0, 0, 0, 1),
                                  c(0, 1, 1, 1, 1, 0, 0)))
set.seed(20240602)
for (dims in list(c(2, 3), c(2, 4), c(3, 3), c(3, 4))) {
  for (n in c(50, 100, 200)) {
    m <- matrix(0, dims[1], dims[2])
    while (any(rowSums(m) == 0) || any(colSums(m) == 0)) {
      m <- matrix(rmultinom(1, n, runif(prod(dims)) + 0.3), dims[1], dims[2])
    }
    rsource_tables[[sprintf("random %d x %d, n = %d", dims[1], dims[2], n)]] <- m
  }
}
# CPU milliseconds per call: enough calls for at least 0.25 s, median of 3.
per_call_ms <- function(f) {
  f()
  calls <- 1
  while ((t <- system.time(for (i in seq_len(calls)) f())[["user.self"]]) < 0.25) {
    calls <- calls * 4
  }
  1000 * stats::median(c(t, replicate(2, system.time(for (i in seq_len(calls)) f())[["user.self"]]))) / calls
}
compare_fisher <- vcfoutcomes:::compare_fisher
bench_fisher <- function(m) {
  d <- table_rows(m)
  # fisher.test() with its default workspace where that suffices (a larger
  # one costs it time to allocate), else the smallest of 2e6, 2e7 that does
  workspace <- 200000
  for (w in c(2e6, 2e7)) {
    if (!inherits(try(fisher.test(m, workspace = workspace), silent = TRUE), "try-error")) break
    workspace <- w
  }
  ours_p <- vcf_compare(d, "g", tests = "fisher")$p_value
  base_p <- fisher.test(m, workspace = workspace)$p.value
  # the same raw data for both: the engine on the vectors, fisher.test(x, g)
  t_engine <- per_call_ms(function() compare_fisher(d$v, d$g))
  t_base <- per_call_ms(function() fisher.test(d$v, d$g, workspace = workspace))
  t_ours <- per_call_ms(function() vcf_compare(d, "g", tests = "fisher"))
  c(vcf_compare_ms = t_ours, engine_ms = t_engine, fisher.test_ms = t_base,
    ratio = t_base / t_engine, ratio_interface = t_base / t_ours,
    rel_diff = abs(ours_p - base_p) / base_p)
}
fisher_rows <- t(vapply(rsource_tables, bench_fisher, numeric(6)))
print(signif(fisher_rows, 3))
cat(sprintf(paste0("r x c Fisher: fisher.test / engine %.2fx (geometric mean; smallest %.2fx), ",
                   "fisher.test / vcf_compare() %.2fx; largest relative p difference %.1e\n"),
            exp(mean(log(fisher_rows[, "ratio"]))), min(fisher_rows[, "ratio"]),
            exp(mean(log(fisher_rows[, "ratio_interface"]))), max(fisher_rows[, "rel_diff"])))
