# Benchmark of vcf_boot_lm() against boot::boot with lm() and with .lm.fit(),
# and against a bare C loop (bench/boot_floor.c) that only draws the
# indices and sums what a slope needs. One process, the same data.
#
# Run: R_LIBS=<library with vcfoutcomes> Rscript bench/boot.R
suppressPackageStartupMessages({
  library(vcfoutcomes)
  library(boot)
})

# Median and minimum wall time (seconds) of one evaluation of `expr`, from
# `reps` timings of `batch` evaluations each (the clock ticks in ms).
time_it <- function(expr, reps, batch = 1L) {
  f <- substitute(expr)
  env <- parent.frame()
  eval(f, env)   # warm-up
  times <- vapply(seq_len(reps), function(i) {
    t0 <- proc.time()[["elapsed"]]
    for (k in seq_len(batch)) eval(f, env)
    (proc.time()[["elapsed"]] - t0) / batch
  }, numeric(1))
  c(median = stats::median(times), min = min(times))
}

fmt <- function(sec) sprintf("%9.2f ms", 1000 * sec)

# The PV study's shape: 89 vertebrae of 64 patients, one binary predictor.
set.seed(2024)
n <- 89L
d <- data.frame(patient = c(1:64, sample(64, n - 64, replace = TRUE)),
                bme = rbinom(n, 1, 0.5))
d$relief <- 2 + 1.2 * d$bme + rnorm(n, 0, 2)
B <- 10000L

cat("vcf_boot_lm benchmark: n = 89 rows in 64 clusters, relief ~ bme, B = 10,000, BCa\n")
cat("machine: ", parallel::detectCores(), " cores (shared); times are medians (min)\n\n", sep = "")

ours_1 <- time_it(vcf_boot_lm(relief ~ bme, d, B = B, seed = 1, threads = 1), 15, 10)
ours_all <- time_it(vcf_boot_lm(relief ~ bme, d, B = B, seed = 1), 15, 10)
ours_cl <- time_it(vcf_boot_lm(relief ~ bme, d, cluster = "patient", B = B, seed = 1,
                               threads = 1), 15, 10)

# boot + lm: 1,000 replicates timed, scaled linearly to 10,000 (lm() dominates).
stat_lm <- function(x, i) coef(lm(relief ~ bme, data = x[i, ]))
boot_lm_1000 <- time_it({
  b <- boot(d, stat_lm, R = 1000)
  boot.ci(b, index = 2, type = "bca")
}, 3)
boot_lm <- boot_lm_1000 * B / 1000

X <- cbind(1, d$bme)
y <- d$relief
stat_fit <- function(x, i) .lm.fit(X[i, , drop = FALSE], y[i])$coefficients
boot_fit <- time_it({
  b <- boot(d, stat_fit, R = B)
  boot.ci(b, index = 2, type = "bca")
}, 3)

# The bare C loop, compiled now into a temporary directory.
dir <- tempfile("boot_floor")
dir.create(dir)
# It shares the package's generator: src/rng.h, src/boot.h and src/rng.c.
invisible(file.copy(c(file.path("bench", "boot_floor.c"),
                      file.path("src", c("rng.h", "boot.h", "rng.c"))), dir))
old <- setwd(dir)
status <- system2(file.path(R.home("bin"), "R"), c("CMD", "SHLIB", "-o", paste0("boot_floor", .Platform$dynlib.ext),
                                                   "boot_floor.c", "rng.c"),
                  stdout = FALSE, stderr = FALSE)
setwd(old)
if (status != 0) stop("could not compile bench/boot_floor.c")
dyn.load(file.path(dir, paste0("boot_floor", .Platform$dynlib.ext)))
xb <- as.double(d$bme)
yb <- as.double(d$relief)
floor_t <- time_it(.C("boot_floor", xb, yb, n, B, 1, slope = double(B)), 15, 10)

cat(sprintf("%-52s %s (%s)\n", "vcf_boot_lm, case, threads = 1", fmt(ours_1[1]), fmt(ours_1[2])))
cat(sprintf("%-52s %s (%s)\n", "vcf_boot_lm, case, all threads", fmt(ours_all[1]), fmt(ours_all[2])))
cat(sprintf("%-52s %s (%s)\n", "vcf_boot_lm, cluster, threads = 1", fmt(ours_cl[1]), fmt(ours_cl[2])))
cat(sprintf("%-52s %s (%s)\n", "boot + lm + boot.ci (B = 1000 timed, x10)", fmt(boot_lm[1]), fmt(boot_lm[2])))
cat(sprintf("%-52s %s (%s)\n", "boot + .lm.fit + boot.ci", fmt(boot_fit[1]), fmt(boot_fit[2])))
cat(sprintf("%-52s %s (%s)\n", "bare C loop (draws + slope sums, 1 thread)", fmt(floor_t[1]), fmt(floor_t[2])))

cat("\nratios (threads = 1, medians; target in brackets)\n")
cat(sprintf("  boot + lm      / vcf_boot_lm : %8.0fx  [>= 1000x]\n", boot_lm[1] / ours_1[1]))
cat(sprintf("  boot + .lm.fit / vcf_boot_lm : %8.0fx  [>= 50x]\n", boot_fit[1] / ours_1[1]))
cat(sprintf("  vcf_boot_lm / bare C loop    : %8.2fx  [<= 3x]\n", ours_1[1] / floor_t[1]))
cat(sprintf("  (all threads: %.0fx vs boot + lm, %.0fx vs .lm.fit, %.2fx the bare loop)\n",
            boot_lm[1] / ours_all[1], boot_fit[1] / ours_all[1], ours_all[1] / floor_t[1]))

# Large: n = 1e5, 3 predictors, B = 2000.
set.seed(7)
N <- 1e5
big <- data.frame(x1 = rnorm(N), x2 = rbinom(N, 1, 0.4), x3 = runif(N))
big$y <- 1 + 0.5 * big$x1 - big$x2 + 2 * big$x3 + rnorm(N)
big_1 <- time_it(vcf_boot_lm(y ~ x1 + x2 + x3, big, B = 2000, seed = 1, threads = 1), 3)
big_2 <- time_it(vcf_boot_lm(y ~ x1 + x2 + x3, big, B = 2000, seed = 1, threads = 2), 3)
cat("\nload average during the run:", readLines("/proc/loadavg", warn = FALSE), "\n")
cat("\nn = 1e5, y ~ x1 + x2 + x3, B = 2000, BCa (jackknife over 1e5 rows)\n")
cat(sprintf("  threads = 1: %s   threads = 2: %s   speedup %.2fx (2 shared cores)\n",
            fmt(big_1[1]), fmt(big_2[1]), big_1[1] / big_2[1]))
cat(sprintf("  %.1f million resampled rows per second on 1 thread\n",
            2000 * N / big_1[1] / 1e6))
