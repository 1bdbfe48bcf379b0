/* Internal declarations shared by boot.c, ols.c and rng.c: the random
 * streams of the bootstrap and the small least-squares solver.
 *
 * Random streams. Replicate r (1-based, counted over the whole run) draws
 * from its own xoshiro256** stream, seeded by SplitMix64 from the pair
 * (seed, r) (vcf_rng_stream). A replicate's draws therefore depend on the
 * seed and on r only: not on the number of threads, on the order in which
 * threads reach it, or on how replicates are split into chunks that run in
 * different processes or on different machines.
 *
 * Integer draws in [0, m) use Lemire's multiply-and-reject method on the
 * upper 32 bits of each 64-bit output, so they are exactly uniform and the
 * same on every platform (no 128-bit arithmetic, no floating point).
 */
#ifndef VCF_BOOT_H
#define VCF_BOOT_H

#include "rng.h"

/* Least squares from accumulated cross-products (ols.c).
 *
 * A "sums" vector holds, for a set of rows with weights w_i, centred
 * regressors x_i and centred response y_i:
 *   [0, P)          X'WX, packed upper triangle by columns, P = p(p+1)/2:
 *                   element (k, j), k <= j, at j(j+1)/2 + k;
 *   [P, P+p)        X'Wy;
 *   [P+p]           y'Wy            (only when the sums have "extras");
 *   [P+p+1]         number of rows with positive weight (extras only).
 */
static inline int vcf_ols_nsums(int p, int extras) {
  return p * (p + 1) / 2 + p + (extras ? 2 : 0);
}

/* Relative pivot tolerance of the Cholesky factorization: a column whose
 * squared residual after projection on the previous columns is at most
 * VCF_OLS_TOL times its squared norm makes the design rank-deficient. */
#define VCF_OLS_TOL 1e-10

/* Cholesky factor (lower, p x p column-major, in `chol`) of X'WX from
 * `sums`; 0 on success, 1 when the design is rank-deficient. */
int vcf_ols_chol(int p, const double *sums, double *chol);

/* Solve (L L') b = X'Wy given the factor from vcf_ols_chol. */
void vcf_ols_solve(int p, const double *chol, const double *sums, double *b);

/* (X'WX)^{-1} from the factor, full p x p column-major, in `inv`;
 * `work` holds p * p doubles. */
void vcf_ols_inverse(int p, const double *chol, double *inv, double *work);

/* Undo the centring: coefficients b_c of centred data become those of the
 * original columns. With an intercept in column 0 and column shifts m
 * (m[0] = 0) and response shift my, b_0 = b_c0 + my - sum_j m_j b_cj; the
 * slopes are unchanged. */
void vcf_ols_uncentre(int p, int intercept, const double *shift,
                      double shift_y, const double *bc, double *b);

/* Standard errors of the original coefficients from the covariance `vc`
 * (p x p) of the centred ones, in `se`. */
void vcf_ols_uncentre_se(int p, int intercept, const double *shift,
                         const double *vc, double *se);

/* The full-sample fit by GSL's pivoted QR (ols.c): coef (k; NA when
 * rank < k), rank, pivot (0-based column of each pivot position) and
 * cov_unscaled = (X'WX)^{-1} (k x k, filled when rank == k). The caller
 * owns the buffers. Raises an R error when GSL fails. */
typedef struct {
  double *coef, *cov_unscaled;
  int *pivot;
  int rank;
} vcf_ols_qr_t;

void vcf_ols_qr(const double *X, const double *y, const double *w, size_t n,
                size_t k, double tol, vcf_ols_qr_t *out);

#endif
