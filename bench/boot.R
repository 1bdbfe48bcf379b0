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
# It shares the package's generator: src/rng.h (with src/vcf.h), src/boot.h and src/rng.c.
invisible(file.copy(c(file.path("bench", "boot_floor.c"),
                      file.path("src", c("rng.h", "boot.h", "rng.c", "vcf.h"))), dir))
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

# Wild cluster bootstrap ---------------------------------------------------------
# WCR for the slope of relief ~ bme on the PV shape (n = 89, 64 clusters),
# B = 99,999 Rademacher replicates, p-value and the 95% test-inversion
# interval; against a plain R implementation of the same computation (the
# B replicates of y* as one n x B matrix, refitted by one crossprod per
# p-value evaluation, and the same doubling-plus-bisection search).
cat("\nWild cluster bootstrap (WCR, Rademacher), n = 89, 64 clusters, slope of relief ~ bme\n")
Bw <- 99999L
wcr_ours <- time_it(vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = Bw, seed = 1,
                                  threads = 1, parm = "bme"), 5)
wcr_all <- time_it(vcf_boot_wild(relief ~ bme, d, cluster = "patient", B = Bw, seed = 1,
                                 parm = "bme"), 5)

r_wcr <- function(X, y, cl, j, B, level) {
  G <- max(cl)
  V <- matrix(sample(c(-1, 1), B * G, TRUE), G, B)     # G x B weights
  M <- solve(crossprod(X))
  N <- nrow(X); k <- ncol(X)
  adj <- G / (G - 1) * (N - 1) / (N - k)
  tstat <- function(Y, r) {                              # CR1 t of column j, each column of Y
    b <- M %*% crossprod(X, Y)
    E <- Y - X %*% b
    a <- M[, j]
    scores <- rowsum((X %*% a)[, 1] * E, cl)             # G x ncol(Y): a's_g
    (b[j, ] - r) / sqrt(adj * colSums(scores^2))
  }
  pval <- function(r) {
    Xr <- X[, -j, drop = FALSE]
    yr <- y - r * X[, j]
    u <- drop(yr - Xr %*% solve(crossprod(Xr), crossprod(Xr, yr)))
    base <- y - u
    Ystar <- base + u * V[cl, , drop = FALSE]
    t_obs <- tstat(matrix(y), r)
    mean(tstat(Ystar, r)^2 >= t_obs^2 * (1 - 1e-10))
  }
  est <- drop(M %*% crossprod(X, y))[j]
  se <- abs((est - 0) / tstat(matrix(y), 0))
  alpha <- 1 - level
  ends <- vapply(c(-1, 1), function(dir) {
    inside <- est; step <- 2 * se
    repeat {
      r <- est + dir * step
      if (pval(r) <= alpha) { outside <- r; break }
      inside <- r; step <- 2 * step
    }
    for (i in 1:60) {
      mid <- (inside + outside) / 2
      if (pval(mid) <= alpha) outside <- mid else inside <- mid
    }
    inside
  }, numeric(1))
  c(p = pval(0), ends)
}
Xw <- cbind(1, d$bme)
clw <- match(d$patient, unique(d$patient))
B_r <- 9999L
r_time <- time_it(r_wcr(Xw, d$relief, clw, 2, B_r, 0.95), 1) * Bw / B_r
# The most literal plain R: lm() refitted per replicate, for the p-value of
# the slope at one null only (no interval): B = 999 timed, scaled x100.
r_wcr_lm <- function(d, B) {
  G <- max(clw)
  fit0 <- lm(relief ~ 1, d)                      # restricted: slope = 0
  u <- resid(fit0)
  base <- fitted(fit0)
  t_cr1 <- function(y) {
    m <- lm(y ~ bme, d)
    X <- model.matrix(m)
    M <- solve(crossprod(X))
    S <- rowsum(X * resid(m), clw)
    V <- M %*% crossprod(S) %*% M * G / (G - 1) * (nrow(X) - 1) / (nrow(X) - 2)
    coef(m)[[2]] / sqrt(V[2, 2])
  }
  t0 <- t_cr1(d$relief)
  mean(vapply(seq_len(B), function(b) {
    v <- sample(c(-1, 1), G, TRUE)
    t_cr1(base + v[clw] * u)^2
  }, numeric(1)) >= t0^2)
}
r_lm_time <- time_it(r_wcr_lm(d, 999L), 1) * Bw / 999
cat(sprintf("%-52s %s (%s)\n", "vcf_boot_wild, B = 99,999, threads = 1", fmt(wcr_ours[1]), fmt(wcr_ours[2])))
cat(sprintf("%-52s %s (%s)\n", "vcf_boot_wild, B = 99,999, all threads", fmt(wcr_all[1]), fmt(wcr_all[2])))
cat(sprintf("%-52s %s\n", "plain R WCR + inversion (B = 9,999 timed, x10)", fmt(r_time[1])))
cat(sprintf("%-52s %s\n", "plain R, lm() per replicate, p only (B = 999 x100)", fmt(r_lm_time[1])))
cat("ratios (threads = 1; the slope's p-value and interval on both sides)\n")
cat(sprintf("  vectorised R WCR + inversion / vcf_boot_wild : %8.0fx  [>= 500x]\n",
            r_time[1] / wcr_ours[1]))
cat(sprintf("  lm() per replicate, p only   / vcf_boot_wild : %8.0fx  [>= 500x]\n",
            r_lm_time[1] / wcr_ours[1]))

# Cost per replicate does not grow with n: G = 64 clusters, n = 1e3 .. 1e5,
# for Webb weights (the cluster loop, O(G k) per replicate) and Rademacher
# weights (the sign tables, O(G k / 8)). Each replicate's cost includes its
# share of the p-value and the interval search of the 3 coefficients.
cat("\nWCR per-replicate cost, G = 64 clusters, y ~ x1 + x2 (3 coefficients, all tested)\n")
for (nn in c(1e3, 1e4, 1e5)) {
  set.seed(3)
  big <- data.frame(patient = sample(64, nn, TRUE), x1 = rnorm(nn), x2 = rbinom(nn, 1, 0.4))
  big$y <- 1 + 0.5 * big$x1 + rnorm(64)[big$patient] + rnorm(nn)
  for (dist in c("webb", "rademacher")) {
    small <- time_it(vcf_boot_wild(y ~ x1 + x2, big, cluster = "patient", B = 999, seed = 1,
                                   threads = 1, dist = dist), 3)
    large <- time_it(vcf_boot_wild(y ~ x1 + x2, big, cluster = "patient", B = 99999,
                                   seed = 1, threads = 1, dist = dist), 3)
    per <- (large[1] - small[1]) / (99999 - 999)
    cat(sprintf("  n = %6.0f, %-10s: B = 999 %s, B = 99,999 %s, per replicate %.2f us\n",
                nn, dist, fmt(small[1]), fmt(large[1]), 1e6 * per))
  }
}
