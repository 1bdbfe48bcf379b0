# Benchmark: GRIM and GRIMMER over 1e6 (mean, sd, n) triples.
# vcf_grim()/vcf_grimmer() (C, exact integer arithmetic) run on all 1e6;
# scrutiny::grim_map()/grimmer_map() (R, one row at a time) run in the same
# process on a random subsample and are compared per triple, since the whole
# million would take many minutes. Without scrutiny, a straightforward
# vectorised R GRIM/GRIMMER (one sum per triple, as Anaya's GRIMMER) is the
# anchor instead. Agreement on the subsample is printed too.
library(vcfoutcomes)

set.seed(20)
N <- 1e6
n <- sample(5:99, N, replace = TRUE)
mean <- sprintf("%.2f", runif(N, 1, 6))
sd <- sprintf("%.2f", runif(N, 0.5, 2.5))

time_it <- function(expr) {
  gc(FALSE)
  t <- system.time(force(expr))[["elapsed"]]
  t
}

t_grim <- time_it(g <- vcf_grim(mean, n))
t_grimmer <- time_it(gm <- vcf_grimmer(mean, sd, n))
# The C core alone (without the verdict and detail strings of the R layer)
t_core_grim <- time_it(.Call(vcfoutcomes:::C_audit_grim, round(as.numeric(mean) * 100),
                             rep(2L, N), as.numeric(n), 0L))
t_core_grimmer <- time_it(.Call(vcfoutcomes:::C_audit_grimmer, round(as.numeric(mean) * 100),
                                rep(2L, N), round(as.numeric(sd) * 100), rep(2L, N),
                                as.numeric(n), rep(1L, N), 0L, 1L))
cat(sprintf("C core alone: GRIM %.3f s, GRIMMER %.3f s for %d triples\n",
            t_core_grim, t_core_grimmer, N))
cat(sprintf("vcf_grim:    %d triples in %.2f s (%.2f us each), %.1f%% consistent\n",
            N, t_grim, 1e6 * t_grim / N, 100 * mean(g$verdict == "consistent")))
cat(sprintf("vcf_grimmer: %d triples in %.2f s (%.2f us each), %.1f%% consistent\n",
            N, t_grimmer, 1e6 * t_grimmer / N, 100 * mean(gm$verdict == "consistent")))

# Vectorised R GRIM/GRIMMER: one sum per triple, SD interval -> integer Q
# range, parity of the sum.
r_grim <- function(mean, n, digits) {
  x <- as.numeric(mean)
  s <- cbind(floor(x * n), ceiling(x * n))
  ok <- abs(round(s / n, digits) - x) < 1e-9 |
    abs(s / n - x - 0.5 * 10^-digits) < 1e-9 | abs(x - s / n - 0.5 * 10^-digits) < 1e-9
  ok[, 1] | ok[, 2]
}
r_grimmer <- function(mean, sd, n, digits) {
  x <- as.numeric(mean); s_d <- as.numeric(sd)
  S <- round(x * n)
  h <- 0.5 * 10^-digits
  qlo <- ceiling(((n - 1) * pmax(s_d - h, 0)^2 * n + S^2) / n - 1e-9)
  qhi <- floor(((n - 1) * (s_d + h)^2 * n + S^2) / n + 1e-9)
  parity_ok <- (qhi > qlo) | ((qlo - S) %% 2 == 0)
  r_grim(mean, n, digits) & qlo <= qhi & parity_ok
}

has_scrutiny <- requireNamespace("scrutiny", quietly = TRUE) &&
  requireNamespace("tibble", quietly = TRUE) &&
  tryCatch({ loadNamespace("scrutiny"); TRUE }, error = function(e) FALSE)

# scrutiny takes about 0.2 ms per GRIM and 30 ms per GRIMMER triple here:
# subsamples keep the run short.
m <- if (has_scrutiny) 3000 else 1e6
m2 <- if (has_scrutiny) 300 else 1e6
idx <- sample.int(N, m)
idx2 <- idx[seq_len(m2)]
if (has_scrutiny) {
  data <- tibble::tibble(x = mean[idx], sd = sd[idx], n = n[idx])
  t_s_grim <- time_it(sg <- suppressWarnings(scrutiny::grim_map(data)))
  t_s_grimmer <- time_it(sgm <- suppressWarnings(scrutiny::grimmer_map(data[seq_len(m2), ])))
  anchor <- paste0("scrutiny ", utils::packageVersion("scrutiny"))
  agree_grim <- mean(sg$consistency == (g$verdict[idx] == "consistent"))
  agree_grimmer <- mean(sgm$consistency == (gm$verdict[idx2] == "consistent"))
} else {
  t_s_grim <- time_it(sg <- r_grim(mean, n, 2))
  t_s_grimmer <- time_it(sgm <- r_grimmer(mean, sd, n, 2))
  anchor <- "vectorised R (scrutiny not available)"
  agree_grim <- mean(sg == (g$verdict == "consistent"))
  agree_grimmer <- mean(sgm == (gm$verdict == "consistent"))
}
per <- function(t, k) 1e6 * t / k
cat(sprintf("%s: GRIM %.2f us/triple (%d triples), GRIMMER %.2f us/triple (%d triples)\n",
            anchor, per(t_s_grim, m), m, per(t_s_grimmer, m2), m2))
cat(sprintf("ratio (anchor time / vcfoutcomes time, per triple): GRIM %.1fx, GRIMMER %.1fx\n",
            per(t_s_grim, m) / per(t_grim, N), per(t_s_grimmer, m2) / per(t_grimmer, N)))
cat(sprintf("ratio against the C core alone: GRIM %.0fx, GRIMMER %.0fx\n",
            per(t_s_grim, m) / per(t_core_grim, N), per(t_s_grimmer, m2) / per(t_core_grimmer, N)))
cat(sprintf("agreement with the anchor: GRIM %.2f%%, GRIMMER %.2f%% (GRIMMER differs where\n",
            100 * agree_grim, 100 * agree_grimmer),
    "  the anchor tests one sum only, skips attainability, or hits scrutiny's test-3 bug)\n",
    sep = "")

# Perturbation rates of the table audit ----------------------------------------
# One printed digit of every published table cell changed in turn (d -> d + 1;
# a leading 9 -> 8); the share the audit flags from the published numbers
# alone, per table and per kind of number. `Rscript bench/audit.R all`
# changes every printed digit instead of one random digit per cell.
source(file.path("tests", "testthat", "helper-audit.R"))
all_digits <- identical(commandArgs(TRUE)[1], "all")
set.seed(16)
t_pert <- system.time(res <- rbind(
  audit_perturbation("pv_edema", sample_one = !all_digits),
  audit_perturbation("bkp_osteonecrosis", sample_one = !all_digits)))[["elapsed"]]
rate <- function(v) sprintf("%.0f%% of %d", 100 * mean(v), length(v))
cat("\nPerturbation (", if (all_digits) "every printed digit" else "one digit per cell",
    ", ", round(t_pert), " s): overall ", rate(res$flagged), "\n", sep = "")
by_table <- tapply(res$flagged, paste(res$study, res$source), rate)
cat(paste0("  ", names(by_table), ": ", by_table, collapse = "\n"), "\n")
by_kind <- tapply(res$flagged, res$statistic, rate)
cat(paste0("  ", names(by_kind), ": ", by_kind, collapse = "\n"), "\n")
