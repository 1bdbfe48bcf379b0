# Coverage of cluster-robust 95% intervals for a slope with few, unequal
# patient clusters: pairs cluster bootstrap (percentile and BCa), the
# restricted wild cluster bootstrap (WCR, test inversion) and CR2 with
# Satterthwaite degrees of freedom. Not a test: a simulation whose table
# goes into the closing note of issue 15.
#
# Run: R_LIBS=<library with vcfoutcomes> Rscript bench/coverage.R [n_sets] [B]
#   n_sets: number of seeded data sets per design (default 2000)
#   B:      bootstrap replicates per interval (default 999)
#
# Designs (each data set: G ~ uniform{12..40} patients, each with 1 to 5
# treated vertebrae, sizes uniform; the true slope is 1):
#   within  - a fracture-level binary predictor (BME similar = 1), patient
#             random intercepts (sd 1) and row errors (sd 1);
#   skewed  - as within, with centred exponential row errors and a patient
#             effect that grows with the cluster size (heteroskedastic);
#   between - a patient-level binary predictor, 1 in about 30% of patients
#             (few "treated" clusters), normal errors.
suppressPackageStartupMessages(library(vcfoutcomes))

args <- commandArgs(trailingOnly = TRUE)
n_sets <- if (length(args) >= 1L) as.integer(args[[1L]]) else 2000L
B <- if (length(args) >= 2L) as.integer(args[[2L]]) else 999L
level <- 0.95

simulate <- function(design, seed) {
  set.seed(seed)
  G <- sample(12:40, 1L)
  sizes <- sample(1:5, G, replace = TRUE)
  patient <- rep(seq_len(G), sizes)
  n <- length(patient)
  x <- switch(design,
              between = {
                treated <- stats::rbinom(G, 1, 0.3)
                if (sum(treated) < 2L) treated[sample(G, 2L)] <- 1L
                if (sum(treated) > G - 2L) treated[sample(which(treated == 1L), 2L)] <- 0L
                treated[patient]
              },
              {
                xi <- stats::rbinom(n, 1, stats::plogis(stats::rnorm(G))[patient])
                if (length(unique(xi)) < 2L) xi[1:2] <- c(0L, 1L)
                xi
              })
  effect <- stats::rnorm(G)
  noise <- if (design == "skewed") {
    effect <- effect * sqrt(sizes)
    stats::rexp(n) - 1
  } else stats::rnorm(n)
  data.frame(patient = patient, x = x, y = 2 + 1 * x + effect[patient] + noise)
}

covers <- function(ci, truth = 1) ci[1L] <= truth && truth <= ci[2L]

one_set <- function(design, seed) {
  d <- simulate(design, seed)
  pairs <- suppressWarnings(vcf_boot_lm(y ~ x, d, cluster = "patient", B = B,
                                        type = c("perc", "bca"), seed = seed,
                                        threads = 1))
  perc <- confint(pairs, "x", type = "perc")[1L, ]
  bca <- confint(pairs, "x", type = "bca")[1L, ]
  cr2 <- confint(pairs, "x", type = "cr2")[1L, ]
  wcr <- vcf_boot_wild(y ~ x, d, cluster = "patient", B = B, seed = seed,
                       threads = 1, dist = "rademacher")
  wci <- confint(wcr, "x")[1L, ]
  widths <- c(perc[2] - perc[1], bca[2] - bca[1], wci[2] - wci[1], cr2[2] - cr2[1])
  c(covers(perc), covers(bca), covers(wci), covers(cr2),
    widths, G = length(unique(d$patient)),
    degenerate = pairs$degenerate)
}

methods <- c("pairs percentile", "pairs BCa", "WCR (Rademacher)", "CR2 (Satterthwaite)")
started <- proc.time()[["elapsed"]]
rows <- list()
for (design in c("within", "skewed", "between")) {
  res <- t(vapply(seq_len(n_sets), function(s) one_set(design, 10000L + s),
                  numeric(10)))
  cover <- colMeans(res[, 1:4] == 1)
  width <- apply(res[, 5:8], 2, stats::median)
  rows[[design]] <- data.frame(
    design = design, method = methods, coverage = round(cover, 3),
    mc_se = round(sqrt(cover * (1 - cover) / n_sets), 3),
    median_width = round(width, 3),
    stringsAsFactors = FALSE)
  cat(sprintf("%s: %d sets, median G = %g, replicates degenerate in %.1f%% of pairs fits\n",
              design, n_sets, stats::median(res[, 9]), 100 * mean(res[, 10] > 0)))
}
tab <- do.call(rbind, rows)
rownames(tab) <- NULL
cat(sprintf("\nEmpirical coverage of nominal %g%% intervals for the slope (true value 1),\n",
            100 * level))
cat(sprintf("%d seeded data sets per design, 12-40 clusters of 1-5 rows, B = %d\n\n",
            n_sets, B))
print(tab, row.names = FALSE)
cat(sprintf("\nelapsed: %.0f s\n", proc.time()[["elapsed"]] - started))
