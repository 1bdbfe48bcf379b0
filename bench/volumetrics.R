# Benchmark of vcf_volumetrics(): the fused C pass against the same tallies
# in R and a bare C loop, and a batch of NIfTI files against reading alone.
# Run with the package installed: Rscript bench/volumetrics.R
# (prints Gvoxel/s and ratios; the machine's other load shows in the times).
suppressPackageStartupMessages(library(vcfoutcomes))

# Best of `times` timings (seconds per call) of `f`, each over `inner` calls
# so that short calls are timed above the clock's resolution.
best_of <- function(f, times = 5L, inner = 1L) {
  t <- numeric(times)
  for (i in seq_len(times)) t[i] <- system.time(for (j in seq_len(inner)) f())[["elapsed"]] / inner
  min(t)
}

# A 512 x 512 x 24 label map: five bodies stacked along the second axis,
# BME in two of them and outside, cement in one.
make_scan <- function(nx, ny, nz) {
  lab <- array(0L, c(nx, ny, nz))
  h <- ny %/% 6L
  for (b in 0:4) {
    lab[(nx %/% 4):(3 * nx %/% 4), (b * h + 4):((b + 1) * h - 2), 3:(nz - 2)] <- 18L + b
  }
  bme <- array(0L, dim(lab))
  bme[(nx %/% 4):(nx %/% 2), (h + 4):(2 * h), 3:(nz - 4)] <- 1L
  bme[1:10, , ] <- 1L
  cement <- array(0L, dim(lab))
  cement[(nx %/% 3):(nx %/% 2), (h + 10):(h + h %/% 2), 5:(nz - 6)] <- 1L
  list(labels = lab, bme = bme, cement = cement)
}

cat("== Fused pass: 512 x 512 x 24 label map with BME and cement masks\n")
s <- make_scan(512L, 512L, 24L)
n <- length(s$labels)
nb <- 4L * (max(s$labels) + 1L)
r_tallies <- function(lab, bme, cem) tabulate(lab * 4L + bme * 2L + cem + 1L, nbins = nb)
fused <- function(lab, bme, cem) .Call(vcfoutcomes:::C_volumetrics_tally, lab, bme, cem)

# same answer first
ref <- matrix(r_tallies(s$labels, s$bme, s$cement), ncol = 4, byrow = TRUE)
got <- fused(s$labels, s$bme, s$cement)$tally
stopifnot(all(got[, -1] == ref[rowSums(ref) > 0, ]))

# the bare C anchor: one label counted in the integer label map
src <- file.path(tempdir(), "count_label.c")
writeLines(c(
  "#include <R.h>", "#include <Rinternals.h>",
  "SEXP count_label(SEXP x, SEXP label) {",
  "  const int *p = INTEGER(x); int l = INTEGER(label)[0];",
  "  R_xlen_t n = XLENGTH(x), c = 0;",
  "  for (R_xlen_t i = 0; i < n; i++) c += p[i] == l;",
  "  return Rf_ScalarReal((double) c);",
  "}"), src)
out <- system2(file.path(R.home("bin"), "R"), c("CMD", "SHLIB", shQuote(src)),
               stdout = TRUE, stderr = TRUE)
so <- sub("\\.c$", .Platform$dynlib.ext, src)
dll <- dyn.load(so)
bare <- function(lab) .Call(dll$count_label$address, lab, 20L)
stopifnot(bare(s$labels) == sum(s$labels == 20L))

t_fused <- best_of(function() fused(s$labels, s$bme, s$cement), times = 9L, inner = 10L)
t_r <- best_of(function() r_tallies(s$labels, s$bme, s$cement), times = 3L)
t_bare <- best_of(function() bare(s$labels), times = 9L, inner = 10L)
raw_bme <- array(as.raw(s$bme), dim(s$bme)); raw_cem <- array(as.raw(s$cement), dim(s$cement))
t_fused_raw <- best_of(function() fused(s$labels, raw_bme, raw_cem), times = 9L, inner = 10L)
dbl <- lapply(s, function(x) { storage.mode(x) <- "double"; x })
t_fused_dbl <- best_of(function() fused(dbl$labels, dbl$bme, dbl$cement), times = 9L, inner = 10L)
# worst case, not a label map: every voxel a random label and random masks
set.seed(1)
noise <- list(labels = array(sample(0:25, n, TRUE), dim(s$labels)),
              bme = array(sample(0:1, n, TRUE), dim(s$labels)),
              cement = array(sample(0:1, n, TRUE), dim(s$labels)))
t_noise <- best_of(function() fused(noise$labels, noise$bme, noise$cement), times = 3L)
t_noise_r <- best_of(function() r_tallies(noise$labels, noise$bme, noise$cement), times = 3L)
gv <- function(t) n / t / 1e9
cat(sprintf("voxels: %d (%.1f M)\n", n, n / 1e6))
cat(sprintf("fused C pass, integer arrays:    %7.1f ms  %5.2f Gvoxel/s\n", 1e3 * t_fused, gv(t_fused)))
cat(sprintf("fused C pass, raw masks:         %7.1f ms  %5.2f Gvoxel/s\n", 1e3 * t_fused_raw, gv(t_fused_raw)))
cat(sprintf("fused C pass, double arrays:     %7.1f ms  %5.2f Gvoxel/s\n", 1e3 * t_fused_dbl, gv(t_fused_dbl)))
cat(sprintf("R tabulate on combined codes:    %7.1f ms  %5.2f Gvoxel/s\n", 1e3 * t_r, gv(t_r)))
cat(sprintf("bare C single-label count loop:  %7.1f ms  %5.2f Gvoxel/s\n", 1e3 * t_bare, gv(t_bare)))
cat(sprintf("fused C pass, random noise:      %7.1f ms  %5.2f Gvoxel/s (worst case; R tabulate %.1f ms, %.1fx)\n",
            1e3 * t_noise, gv(t_noise), 1e3 * t_noise_r, t_noise_r / t_noise))
cat(sprintf("ratio R / fused (target >= 4):            %6.1fx\n", t_r / t_fused))
cat(sprintf("ratio fused / bare single-label loop:     %6.2fx (fused reads 3 arrays, validates, tallies all labels)\n",
            t_fused / t_bare))
cat(sprintf("target >= 1.5 Gvoxel/s per core: %s\n", if (gv(t_fused) >= 1.5) "met" else "NOT met"))

cat("\n== Batch: TotalSegmentator v2-style scans, 512 x 512 x 100, label map + BME mask (.nii.gz)\n")
# The issue's figure is 1,000 scans; the count is the first argument (or
# VCF_BENCH_SCANS), 10 by default on a shared machine.
source(file.path("bench", "scans.R"))
n_scans <- bench_scan_count(10L)
paths <- make_ts_scans(file.path(tempdir(), "ts-bench"), n_scans)
read_only <- function() {
  for (i in seq_len(n_scans)) { RNifti::readNifti(paths$vertebrae[i]); RNifti::readNifti(paths$bme[i]) }
}
full <- function() vcf_volumetrics(paths$vertebrae, paths$bme, convention = "totalsegmentator")
invisible(full())
t_read <- best_of(read_only, times = 3L)
t_full <- best_of(full, times = 3L)
c_read <- best_cpu(read_only, times = 3L)
c_full <- best_cpu(full, times = 3L)
cat(sprintf("scans: %d (%d files)\n", n_scans, 2L * n_scans))
cat(sprintf("RNifti::readNifti alone:             %6.2f s  %6.2f scans/s  (CPU %.2f s)\n",
            t_read, n_scans / t_read, c_read))
cat(sprintf("vcf_volumetrics, one core:           %6.2f s  %6.2f scans/s  (CPU %.2f s)\n",
            t_full, n_scans / t_full, c_full))
cat(sprintf("overhead over reading alone: %+.1f%% elapsed, %+.1f%% CPU (target < 20%%)\n",
            100 * (t_full / t_read - 1), 100 * (c_full / c_read - 1)))
if (requireNamespace("future", quietly = TRUE)) {
  oplan <- future::plan(future::multisession, workers = 2L)
  invisible(full())
  t_two <- best_of(full, times = 2L)
  future::plan(oplan)
  cat(sprintf("vcf_volumetrics, 2 workers:          %6.2f s  %6.2f scans/s (speed-up %.2fx)\n",
              t_two, n_scans / t_two, t_full / t_two))
}
