# Agreement of vcf_grim() and vcf_grimmer() with scrutiny's grim_map() and
# grimmer_map() on random reported means, SDs and n. scrutiny needs a newer
# rlang than Debian's, so it lives in `make bench`'s private library and this
# comparison runs there rather than in the test suite.
suppressPackageStartupMessages(library(vcfoutcomes))
if (!requireNamespace("scrutiny", quietly = TRUE) ||
    !requireNamespace("tibble", quietly = TRUE)) {
  cat("scrutiny or tibble is not installed: agreement not checked\n")
  quit(status = 0)
}
scrutiny_fun <- function(name) getExportedValue("scrutiny", name)

set.seed(2)
n <- sample(2:99, 1000, replace = TRUE)
mean <- sprintf("%.2f", runif(1000, 0, 10))
theirs <- suppressWarnings(scrutiny_fun("grim_map")(tibble::tibble(x = mean, n = n)))
grim_same <- mean((vcf_grim(mean, n)$verdict == "consistent") == theirs$consistency)
cat(sprintf("GRIM: %d cases, agreement %.1f%%\n", length(n), 100 * grim_same))

set.seed(3)
k <- 600
n <- sample(5:60, k, replace = TRUE)
mean <- sprintf("%.2f", runif(k, 1, 6))
sd <- sprintf("%.2f", runif(k, 0.5, 2.5))
theirs <- suppressWarnings(scrutiny_fun("grimmer_map")(tibble::tibble(x = mean, sd = sd, n = n)))
ours <- vcf_grimmer(mean, sd, n)
# scrutiny's test 3 has a known false-positive bug (its issue 80), and it
# tries one sum where several are possible: compare where neither applies.
use <- !grepl("test 3", theirs$reason) & n < 100
grimmer_same <- mean((ours$verdict[use] == "consistent") == theirs$consistency[use])
cat(sprintf("GRIMMER: %d comparable cases, agreement %.1f%%\n", sum(use), 100 * grimmer_same))
if (grim_same < 1 || grimmer_same < 1) quit(status = 1)
