/* The floor of the bootstrap benchmark (bench/boot.R): a bare C loop that
 * only draws n row indices per replicate and accumulates the sums that a
 * simple regression slope needs (sum x, sum y, sum xx, sum xy), then the
 * slope. Same generator as the package (xoshiro256** per replicate, seeded
 * by SplitMix64, Lemire draws), so the comparison measures everything
 * vcf_boot_lm() adds on top of drawing and summing. Compiled at bench time
 * with R CMD SHLIB; called with .C. */
#include <stdint.h>

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline uint64_t next(uint64_t *s) {
  const uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t; s[3] = rotl(s[3], 45);
  return result;
}

static inline uint32_t below(uint64_t *s, uint32_t m) {
  uint64_t prod = (uint64_t) (uint32_t) (next(s) >> 32) * m;
  uint32_t low = (uint32_t) prod;
  if (low < m) {
    const uint32_t threshold = (uint32_t) (-m) % m;
    while (low < threshold) {
      prod = (uint64_t) (uint32_t) (next(s) >> 32) * m;
      low = (uint32_t) prod;
    }
  }
  return (uint32_t) (prod >> 32);
}

void boot_floor(const double *x, const double *y, const int *n_, const int *B_,
                const double *seed, double *slope) {
  const int n = *n_, B = *B_;
  const uint64_t sd = (uint64_t) *seed;
  for (int r = 0; r < B; r++) {
    uint64_t key = mix64(mix64(sd) ^ mix64((uint64_t) r + 1 + UINT64_C(0x9E3779B97F4A7C15)));
    uint64_t s[4];
    for (int i = 0; i < 4; i++) { key += UINT64_C(0x9E3779B97F4A7C15); s[i] = mix64(key); }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < n; k++) {
      const uint32_t i = below(s, (uint32_t) n);
      sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i];
    }
    slope[r] = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }
}
