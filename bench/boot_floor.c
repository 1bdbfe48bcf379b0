/* The floor of the bootstrap benchmark (bench/boot.R): a bare C loop that
 * only draws n row indices per replicate and accumulates the sums that a
 * simple regression slope needs (sum x, sum y, sum xx, sum xy), then the
 * slope. Same generator as the package (xoshiro256** per replicate, seeded
 * by SplitMix64, Lemire draws), so the comparison measures everything
 * vcf_boot_lm() adds on top of drawing and summing. Compiled at bench time
 * with R CMD SHLIB; called with .C. */
#include "boot.h"  /* copied beside this file, with rng.h and rng.c, by bench/boot.R */

void boot_floor(const double *x, const double *y, const int *n_, const int *B_,
                const double *seed, double *slope) {
  const int n = *n_, B = *B_;
  const uint64_t sd = (uint64_t) *seed;
  for (int r = 0; r < B; r++) {
    vcf_rng rng;
    vcf_rng_stream(&rng, sd, (uint64_t) r + 1);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < n; k++) {
      const uint32_t i = vcf_rng_below(&rng, (uint32_t) n);
      sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i];
    }
    slope[r] = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }
}
