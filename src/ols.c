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
 * The replicate solvers allocate nothing: the caller owns every buffer.
 */
#include "boot.h"
#include <math.h>
#include <string.h>

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

/* The full-sample fit: GSL's column-pivoted QR of W^(1/2) X -----------------
 *
 * The replicates above solve normal equations, which is fast for tiny p;
 * the one full-sample fit instead uses the pivoted QR, which detects rank
 * deficiency reliably and names the aliased columns. The rank is the number
 * of leading pivots whose R_jj exceeds tol times the norm of its original
 * column (lm()'s dqrdc2 uses the same relative rule, tol = 1e-7); the
 * columns pivoted past the rank are aliased. GSL objects are freed on every
 * path, also when R raises an error (R_ExecWithCleanup).
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

typedef struct {
  gsl_matrix *A;
  gsl_vector *tau, *norm, *b;
  gsl_permutation *perm;
} qr_gsl_t;

typedef struct {
  const double *X, *y, *w;
  size_t n, k;
  double tol;
  qr_gsl_t *gsl;
  vcf_ols_qr_t *out;
} qr_job_t;

static void qr_cleanup(void *data) {
  qr_gsl_t *g = (qr_gsl_t *) data;
  if (g->A) gsl_matrix_free(g->A);
  if (g->tau) gsl_vector_free(g->tau);
  if (g->norm) gsl_vector_free(g->norm);
  if (g->b) gsl_vector_free(g->b);
  if (g->perm) gsl_permutation_free(g->perm);
  memset(g, 0, sizeof(*g));
}

static SEXP qr_body(void *data) {
  qr_job_t *j = (qr_job_t *) data;
  const size_t n = j->n, k = j->k;
  qr_gsl_t *g = j->gsl;
  vcf_ols_qr_t *o = j->out;
  g->A = gsl_matrix_alloc(n, k);
  g->tau = gsl_vector_alloc(k);
  g->norm = gsl_vector_alloc(k);
  g->b = gsl_vector_alloc(n);
  g->perm = gsl_permutation_alloc(k);
  if (!g->A || !g->tau || !g->norm || !g->b || !g->perm)
    Rf_error("QR: out of memory for a %zu x %zu design.", n, k);
  double *colnorm = (double *) R_alloc(k, sizeof(double));
  for (size_t c = 0; c < k; c++) colnorm[c] = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double sw = j->w ? sqrt(j->w[i]) : 1.0;
    for (size_t c = 0; c < k; c++) {
      const double v = sw * j->X[i + n * c];
      gsl_matrix_set(g->A, i, c, v);
      colnorm[c] += v * v;
    }
    gsl_vector_set(g->b, i, sw * j->y[i]);
  }
  int signum;
  int status = gsl_linalg_QRPT_decomp(g->A, g->tau, g->perm, &signum, g->norm);
  if (status) Rf_error("QR: decomposition failed (%s).", gsl_strerror(status));
  size_t rank = 0;
  while (rank < k) {
    const size_t col = gsl_permutation_get(g->perm, rank);
    if (!(fabs(gsl_matrix_get(g->A, rank, rank)) > j->tol * sqrt(colnorm[col]))) break;
    rank++;
  }
  o->rank = (int) rank;
  for (size_t c = 0; c < k; c++) {
    o->pivot[c] = (int) gsl_permutation_get(g->perm, c);
    o->coef[c] = NA_REAL;
  }
  if (rank < k) return R_NilValue;
  /* Q'b, then R z = (Q'b)[0, k) and coefficient perm[c] = z[c]. */
  status = gsl_linalg_QR_QTvec(g->A, g->tau, g->b);
  if (status) Rf_error("QR: Q'y failed (%s).", gsl_strerror(status));
  double *z = (double *) R_alloc(k, sizeof(double));
  for (size_t c = k; c-- > 0;) {
    double v = gsl_vector_get(g->b, c);
    for (size_t d = c + 1; d < k; d++) v -= gsl_matrix_get(g->A, c, d) * z[d];
    z[c] = v / gsl_matrix_get(g->A, c, c);
  }
  for (size_t c = 0; c < k; c++) o->coef[o->pivot[c]] = z[c];
  /* (X'WX)^{-1} = P R^{-1} R^{-T} P': Rinv upper triangular by columns. */
  double *Rinv = (double *) R_alloc(k * k, sizeof(double));
  for (size_t c = 0; c < k; c++) {
    for (size_t r = 0; r < k; r++) Rinv[r + k * c] = 0.0;
    Rinv[c + k * c] = 1.0 / gsl_matrix_get(g->A, c, c);
    for (size_t r = c; r-- > 0;) {
      double v = 0.0;
      for (size_t d = r + 1; d <= c; d++) v += gsl_matrix_get(g->A, r, d) * Rinv[d + k * c];
      Rinv[r + k * c] = -v / gsl_matrix_get(g->A, r, r);
    }
  }
  for (size_t a = 0; a < k; a++)
    for (size_t b = 0; b < k; b++) {
      double v = 0.0;
      for (size_t d = (a > b ? a : b); d < k; d++) v += Rinv[a + k * d] * Rinv[b + k * d];
      o->cov_unscaled[o->pivot[a] + k * o->pivot[b]] = v;
    }
  return R_NilValue;
}

void vcf_ols_qr(const double *X, const double *y, const double *w, size_t n,
                size_t k, double tol, vcf_ols_qr_t *out) {
  qr_gsl_t gsl;
  memset(&gsl, 0, sizeof(gsl));
  qr_job_t job = {X, y, w, n, k, tol, &gsl, out};
  R_ExecWithCleanup(qr_body, &job, qr_cleanup, &gsl);
}
