/* rng: per-replicate random streams of the bootstrap (see boot.h).
 *
 * The state of stream r of seed s is four successive outputs of SplitMix64
 * started at key(s, r) = mix(mix(s) ^ mix(r + golden)), where mix is
 * SplitMix64's output function (a bijection of 64-bit integers) and golden
 * is 2^64 / phi. Distinct (s, r) pairs give unrelated keys, and SplitMix64
 * output is the standard way to seed xoshiro generators (Vigna).
 */
#include "boot.h"

void vcf_rng_stream(vcf_rng *rng, uint64_t seed, uint64_t stream) {
  uint64_t key = vcf_mix64(vcf_mix64(seed) ^ vcf_mix64(stream + VCF_GOLDEN));
  for (int i = 0; i < 4; i++) rng->s[i] = vcf_splitmix64(&key);
  /* xoshiro's one forbidden state; SplitMix64 never yields it in practice. */
  if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3])) rng->s[0] = 1;
}
