/* The xoshiro256** generator shared by the bootstrap (boot.c, rng.c) and
 * the reconstruction engine (reconstruct.c). Each seeds it its own way:
 * the bootstrap one stream per replicate (vcf_rng_stream in rng.c), the
 * reconstruction one stream per call.
 */
#ifndef VCF_RNG_H
#define VCF_RNG_H

#include <stdint.h>

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

#endif
