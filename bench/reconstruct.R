# Benchmark: vcf_sprite() against rsprite2 (CRAN) on the same targets.
# Run with R_LIBS=/path/to/lib Rscript bench/reconstruct.R. Prints the time per
# reconstructed sample of each and their ratio (target: vcf_sprite >= 100x).
suppressPackageStartupMessages({
  library(vcfoutcomes)
  library(rsprite2)
})

# Targets are the rounded summaries of fixed samples, so a solution exists
# and both tools (rsprite2 checks GRIMMER up front) accept them.
make_target <- function(label, x, min, max, digits, granularity) {
  list(label = label, n = length(x), mean = round(mean(x), digits),
       sd = round(stats::sd(x), digits), min = min, max = max,
       digits = digits, granularity = granularity)
}
set.seed(2024)
targets <- list(
  make_target("n = 61, VAS 0-10 one decimal",
              round(pmin(10, pmax(0, stats::rnorm(61, 2.4, 1.2))), 1), 0, 10, 2, 0.1),
  make_target("n = 61, VAS 0-10 integer",
              sample(6:9, 61, TRUE, c(.05, .25, .4, .3)), 0, 10, 2, 1),
  make_target("n = 61, ODI 0-100 integer",
              round(pmin(100, pmax(0, stats::rnorm(61, 31, 9)))), 0, 100, 2, 1),
  make_target("n = 30, Likert 1-7", sample(1:7, 30, TRUE), 1, 7, 2, 1)
)

per_sample <- function(expr_fun, reps) {
  t0 <- proc.time()[["elapsed"]]
  out <- expr_fun(reps)
  list(time = (proc.time()[["elapsed"]] - t0) / reps, out = out)
}

rows <- lapply(targets, function(tg) {
  n_items <- round(1 / tg$granularity)
  params <- rsprite2::set_parameters(mean = tg$mean, sd = tg$sd, n_obs = tg$n,
                                     min_val = tg$min, max_val = tg$max,
                                     m_prec = tg$digits, sd_prec = tg$digits,
                                     n_items = n_items)
  set.seed(1)
  theirs <- per_sample(function(reps) {
    lapply(seq_len(reps), function(i)
      rsprite2::find_possible_distribution(params, seed = i, values_only = TRUE))
  }, 20)
  set.seed(1)
  ours <- per_sample(function(reps) {
    vcf_sprite(tg$n, tg$mean, tg$sd, tg$min, tg$max, digits = tg$digits,
               k = reps, granularity = tg$granularity)
  }, 2000)
  ok_ours <- all(abs(rowMeans(ours$out) - tg$mean) <= 0.5 * 10^-tg$digits + 1e-9) &&
    all(abs(apply(ours$out, 1, stats::sd) - tg$sd) <= 0.5 * 10^-tg$digits + 1e-9)
  found_theirs <- sum(vapply(theirs$out, function(x) is.numeric(x) && length(x) == tg$n, TRUE))
  data.frame(target = tg$label,
             rsprite2_ms = round(1e3 * theirs$time, 2),
             vcf_sprite_ms = signif(1e3 * ours$time, 3),
             ratio = round(theirs$time / ours$time),
             vcf_sprite_valid = ok_ours,
             rsprite2_found = sprintf("%d/20", found_theirs))
})
result <- do.call(rbind, rows)
print(result, row.names = FALSE)
cat(sprintf("\nvcf_sprite vs rsprite2: ratio per sample, min %.0fx, median %.0fx (target >= 100x)\n",
            min(result$ratio), stats::median(result$ratio)))
