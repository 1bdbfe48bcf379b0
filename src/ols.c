/* ols: least squares for one bootstrap replicate from its accumulated
 * cross-products (layout in boot.h).
 *
 * p is small (a handful of coefficients), so a plain Cholesky factorization
 * of the p x p normal equations is both the fastest and, with centred
 * columns, an accurate solve: the R layer subtracts the column means of the
 * full data from every non-intercept column and from the response before
 * the cross-products are formed, which removes the intercept's collinearity
 * with columns of large mean (the usual source of ill-conditioning in X'X).
 * The slopes are unchanged by the shift and the intercept is restored by
 * vcf_ols_uncentre. For well-conditioned designs the coefficients agree
 * with lm()'s QR solution to about 1e-13.
 *
 * Nothing here allocates: the caller owns every buffer.
 */
#include "boot.h"
#include <math.h>

int vcf_ols_chol(int p, const double *sums, double *chol) {
  for (int j = 0; j < p; j++) {
    const double *col_j = sums + j * (j + 1) / 2;   /* A(0..j, j) */
    double d = col_j[j];
    const double ajj = d;
    for (int k = 0; k < j; k++) d -= chol[j + p * k] * chol[j + p * k];
    /* Also catches NaN and non-positive diagonals. */
    if (!(ajj > 0) || !(d > VCF_OLS_TOL * ajj)) return 1;
    const double ljj = sqrt(d);
    chol[j + p * j] = ljj;
    for (int i = j + 1; i < p; i++) {
      double v = sums[i * (i + 1) / 2 + j];         /* A(j, i) = A(i, j) */
      for (int k = 0; k < j; k++) v -= chol[i + p * k] * chol[j + p * k];
      chol[i + p * j] = v / ljj;
    }
  }
  return 0;
}

void vcf_ols_solve(int p, const double *chol, const double *sums, double *b) {
  const double *xty = sums + p * (p + 1) / 2;
  for (int i = 0; i < p; i++) {            /* L z = X'Wy */
    double v = xty[i];
    for (int k = 0; k < i; k++) v -= chol[i + p * k] * b[k];
    b[i] = v / chol[i + p * i];
  }
  for (int i = p - 1; i >= 0; i--) {       /* L' b = z */
    double v = b[i];
    for (int k = i + 1; k < p; k++) v -= chol[k + p * i] * b[k];
    b[i] = v / chol[i + p * i];
  }
}

void vcf_ols_inverse(int p, const double *chol, double *inv, double *work) {
  /* work = L^{-1} (lower triangular), then inv = L^{-T} L^{-1}. */
  for (int j = 0; j < p; j++) {
    for (int i = 0; i < p; i++) work[i + p * j] = 0.0;
    work[j + p * j] = 1.0 / chol[j + p * j];
    for (int i = j + 1; i < p; i++) {
      double v = 0.0;
      for (int k = j; k < i; k++) v -= chol[i + p * k] * work[k + p * j];
      work[i + p * j] = v / chol[i + p * i];
    }
  }
  for (int j = 0; j < p; j++) {
    for (int i = j; i < p; i++) {
      double v = 0.0;
      for (int k = i; k < p; k++) v += work[k + p * i] * work[k + p * j];
      inv[i + p * j] = v;
      inv[j + p * i] = v;
    }
  }
}

void vcf_ols_uncentre(int p, int intercept, const double *shift,
                      double shift_y, const double *bc, double *b) {
  for (int j = 0; j < p; j++) b[j] = bc[j];
  if (intercept) {
    double b0 = bc[0] + shift_y;
    for (int j = 1; j < p; j++) b0 -= shift[j] * bc[j];
    b[0] = b0;
  }
}

void vcf_ols_uncentre_se(int p, int intercept, const double *shift,
                         const double *vc, double *se) {
  for (int j = 0; j < p; j++) se[j] = vc[j + p * j];
  if (intercept) {
    /* b_0 = t' b_c with t = (1, -m_1, ..., -m_{p-1}): var = t' V t. */
    double v = 0.0;
    for (int i = 0; i < p; i++) {
      const double ti = i == 0 ? 1.0 : -shift[i];
      for (int k = 0; k < p; k++) {
        const double tk = k == 0 ? 1.0 : -shift[k];
        v += ti * tk * vc[i + p * k];
      }
    }
    se[0] = v;
  }
  for (int j = 0; j < p; j++) se[j] = se[j] >= 0 ? sqrt(se[j]) : NAN;
}
