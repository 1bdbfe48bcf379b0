# Benchmark of vcf_morphometry(): heights along each body's principal axes
# (moments pass, GSL eigen-decompositions, profile pass) against the
# axis-aligned method, on TotalSegmentator-style scans (512 x 512 x ~100,
# labels of the v2 `total` task), made here.
#
# Run with the package installed: Rscript bench/morphometry.R [scans]
# The issue's figure is 1,000 scans; the count is the first argument (or
# VCF_BENCH_SCANS), 10 by default so that the script stays short on a shared
# machine. Prints time per vertebra and the ratio principal / voxel axes.
suppressPackageStartupMessages(library(vcfoutcomes))
source(file.path("bench", "scans.R"))

n_scans <- bench_scan_count(10L)
dir <- file.path(tempdir(), "morph-bench")
paths <- make_ts_scans(dir, n_scans)
cat(sprintf("== %d TotalSegmentator v2-style scans, %s voxels each, %d vertebrae each\n",
            n_scans, paste(ts_dims, collapse = " x "), length(ts_levels)))

run <- function(axes) {
  vcf_morphometry(paths$vertebrae, convention = "totalsegmentator", axes = axes)
}
invisible(run("principal"))
# CPU times of this process (see best_cpu() in bench/scans.R)
t_principal <- best_cpu(function() run("principal"), times = 3L)
t_voxel <- best_cpu(function() run("voxel"), times = 3L)
t_read <- best_cpu(function() for (p in paths$vertebrae) RNifti::readNifti(p), times = 3L)
res_p <- run("principal"); res_v <- run("voxel")
n_vert <- nrow(res_p)
cat(sprintf("vertebrae measured: %d\n", n_vert))
cat(sprintf("reading the label maps alone:    %7.1f ms CPU per vertebra\n", 1e3 * t_read / n_vert))
cat(sprintf("principal axes, end to end:      %7.1f ms CPU per vertebra\n", 1e3 * t_principal / n_vert))
cat(sprintf("voxel axes (previous method):    %7.1f ms CPU per vertebra\n", 1e3 * t_voxel / n_vert))
cat(sprintf("ratio principal / voxel axes:    %7.2fx\n", t_principal / t_voxel))
cat(sprintf("ratio principal / voxel, reading excluded: %5.2fx\n",
            (t_principal - t_read) / (t_voxel - t_read)))
cat(sprintf("largest height difference principal vs voxel axes (upright bodies): %.3f mm\n",
            max(abs(c(res_p$ha_mm - res_v$ha_mm, res_p$hm_mm - res_v$hm_mm,
                      res_p$hp_mm - res_v$hp_mm)))))
