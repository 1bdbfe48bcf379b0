/* The xoshiro256** generator shared by the bootstrap (boot.c, rng.c) and
 * the reconstruction engine (reconstruct.c), with the one seed reader and
 * the one unbiased bounded draw both use. The bootstrap seeds one stream
 * per replicate (vcf_rng_stream in rng.c), the reconstruction one stream
 * per call.
 */
#ifndef VCF_RNG_H
#define VCF_RNG_H

#include <stdint.h>
#include <math.h>
#include "vcf.h"

typedef struct {
  uint64_t s[4];
} vcf_rng;

#define VCF_GOLDEN UINT64_C(0x9E3779B97F4A7C15)

/* SplitMix64's output function, a bijection of 64-bit integers. */
static inline uint64_t vcf_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* SplitMix64 (Vigna): the standard way to seed xoshiro generators. */
static inline uint64_t vcf_splitmix64(uint64_t *x) {
  *x += VCF_GOLDEN;
  return vcf_mix64(*x);
}

static inline uint64_t vcf_rotl(const uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (Blackman and Vigna, public domain). */
static inline uint64_t vcf_rng_next(vcf_rng *rng) {
  uint64_t *s = rng->s;
  const uint64_t result = vcf_rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = vcf_rotl(s[3], 45);
  return result;
}

/* Seed `rng` with stream `stream` of `seed` (rng.c). */
void vcf_rng_stream(vcf_rng *rng, uint64_t seed, uint64_t stream);

/* The 64-bit seed from its two 32-bit halves, passed from R as doubles
 * (R draws them with its own RNG, so set.seed() governs every stream). */
static inline uint64_t vcf_seed_from(SEXP seed) {
  vcf_arg_type(seed, REALSXP, "seed");
  vcf_arg_length(seed, 2, "seed");
  const double hi = REAL(seed)[0], lo = REAL(seed)[1];
  if (!(hi >= 0 && hi < 4294967296.0 && lo >= 0 && lo < 4294967296.0) ||
      hi != floor(hi) || lo != floor(lo))
    Rf_error("`seed` must hold two 32-bit halves.");
  return ((uint64_t) hi << 32) | (uint64_t) lo;
}

/* Uniform integer in [0, m), m > 0, without bias. Below 2^32 this is
 * Lemire's multiply-and-reject (2019, "Fast random integer generation in an
 * interval"), whose rejection step runs with probability below m / 2^32;
 * larger ranges reject draws masked to the next power of two (at most two
 * draws expected). */
static inline uint64_t vcf_rng_below(vcf_rng *rng, uint64_t m) {
  if (m <= UINT64_C(0xFFFFFFFF)) {
    const uint32_t m32 = (uint32_t) m;
    uint64_t prod = (uint64_t) (uint32_t) (vcf_rng_next(rng) >> 32) * m32;
    uint32_t low = (uint32_t) prod;
    if (low < m32) {
      const uint32_t threshold = (uint32_t) (-m32) % m32;
      while (low < threshold) {
        prod = (uint64_t) (uint32_t) (vcf_rng_next(rng) >> 32) * m32;
        low = (uint32_t) prod;
      }
    }
    return prod >> 32;
  }
  uint64_t mask = m - 1;
  mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4;
  mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
  uint64_t draw;
  do draw = vcf_rng_next(rng) & mask; while (draw >= m);
  return draw;
}

#endif
