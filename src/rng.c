/* rng: per-replicate random streams of the bootstrap (see boot.h).
 *
 * The state of stream r of seed s is four successive outputs of SplitMix64
 * started at key(s, r) = mix(mix(s) ^ mix(r + golden)), where mix is
 * SplitMix64's output function (a bijection of 64-bit integers) and golden
 * is 2^64 / phi. Distinct (s, r) pairs give unrelated keys, and SplitMix64
 * output is the standard way to seed xoshiro generators (Vigna).
 */
#include "boot.h"

#define VCF_GOLDEN UINT64_C(0x9E3779B97F4A7C15)

static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline uint64_t splitmix64(uint64_t *x) {
  *x += VCF_GOLDEN;
  return mix64(*x);
}

void vcf_rng_stream(vcf_rng *rng, uint64_t seed, uint64_t stream) {
  uint64_t key = mix64(mix64(seed) ^ mix64(stream + VCF_GOLDEN));
  for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&key);
  /* xoshiro's one forbidden state; SplitMix64 never yields it in practice. */
  if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3])) rng->s[0] = 1;
}
