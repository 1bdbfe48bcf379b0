/* tables: the grouped summaries of the study tables (Table 1, the paired
 * and follow-up tables): n, mean, SD, median, min and max of a numeric
 * variable per group in one pass, and category counts per group.
 *
 * Groups arrive as integer codes 1..G (NA or out of range: row ignored).
 * Medians come from selection (quickselect) on each group's values, which a
 * counting sort has laid out contiguously, so no group is fully sorted.
 * Sizes are computed in size_t / R_xlen_t: G + 1 and K + 1 are never formed
 * in int, and a result larger than an R matrix holds is refused.
 */
#include "vcf.h"
#include <limits.h>
#include <math.h>

/* Most groups (and category levels) a table may have: far above any study,
 * low enough that the per-group work arrays stay small. */
#define MAX_GROUPS 16777216 /* 2^24 */

enum { COL_N, COL_MEAN, COL_SD, COL_MEDIAN, COL_MIN, COL_MAX, COL_MISSING,
       N_COLS };

/* k-th smallest (0-based) of x[0..n-1]; reorders x. Hoare partition on a
 * middle pivot: expected linear time. */
static double select_kth(double *x, R_xlen_t n, R_xlen_t k) {
  R_xlen_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = x[lo + (hi - lo) / 2];
    R_xlen_t i = lo, j = hi;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        double tmp = x[i]; x[i] = x[j]; x[j] = tmp;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return x[k];
  }
  return x[k];
}

/* Median as R's median(): the mean of the two middle values for even n. */
static double median_of(double *x, R_xlen_t n) {
  if (n == 0) return NA_REAL;
  R_xlen_t half = n / 2;
  double upper = select_kth(x, n, half);
  if (n % 2 == 1) return upper;
  /* After selecting `half`, every value below index half is <= upper, so
   * the lower middle value is the maximum of that part. */
  double lower = x[0];
  for (R_xlen_t i = 1; i < half; i++) if (x[i] > lower) lower = x[i];
  return (lower + upper) / 2.0;
}

/* Checks the group codes `g` (integer, one per row of n) and `n_groups`;
 * returns the number of groups. */
static int checked_groups(SEXP g, R_xlen_t n, SEXP n_groups) {
  vcf_arg_type(g, INTSXP, "g");
  vcf_arg_length(g, n, "g");
  vcf_arg_scalar(n_groups, INTSXP, "n_groups");
  int G = INTEGER(n_groups)[0];
  if (G < 1) Rf_error("`n_groups` must be at least 1.");
  if (G > MAX_GROUPS) Rf_error("`n_groups` must be at most %d, not %d.", MAX_GROUPS, G);
  return G;
}

static int group_of(const int *g, R_xlen_t i, int n_groups) {
  int code = g[i];
  return (code == NA_INTEGER || code < 1 || code > n_groups) ? -1 : code - 1;
}

/* Two-pass mean and sum of squared deviations, as R's mean() and var(),
 * so that summaries agree with R to the last digits. */
static void moments(const double *values, R_xlen_t n, double *mean, double *sd) {
  long double sum = 0;
  for (R_xlen_t i = 0; i < n; i++) sum += values[i];
  long double m = sum / n;
  /* R's mean() refines the mean with a second pass. */
  long double correction = 0;
  for (R_xlen_t i = 0; i < n; i++) correction += values[i] - m;
  m += correction / n;
  long double ss = 0;
  for (R_xlen_t i = 0; i < n; i++) ss += (values[i] - m) * (values[i] - m);
  *mean = (double) m;
  *sd = n > 1 ? sqrt((double) (ss / (n - 1))) : NA_REAL;
}

/* x: double; g: integer codes 1..G; n_groups: G. Returns a G x 7 matrix with
 * columns n, mean, sd, median, min, max, missing. */
static SEXP C_tables_numeric(SEXP x, SEXP g, SEXP n_groups) {
  vcf_arg_type(x, REALSXP, "x");
  int G = checked_groups(g, XLENGTH(x), n_groups);

  R_xlen_t n = XLENGTH(x);
  const double *xv = REAL(x);
  const int *gv = INTEGER(g);

  /* Counting sort of the non-missing values by group. */
  R_xlen_t *start = (R_xlen_t *) R_alloc((size_t) G + 1, sizeof(R_xlen_t));
  R_xlen_t *missing = (R_xlen_t *) R_alloc(G, sizeof(R_xlen_t));
  for (int k = 0; k <= G; k++) start[k] = 0;
  for (int k = 0; k < G; k++) missing[k] = 0;
  for (R_xlen_t i = 0; i < n; i++) {
    int k = group_of(gv, i, G);
    if (k < 0) continue;
    if (ISNAN(xv[i])) missing[k]++;
    else start[k + 1]++;
  }
  for (int k = 0; k < G; k++) start[k + 1] += start[k];
  double *sorted = (double *) R_alloc(start[G] > 0 ? start[G] : 1, sizeof(double));
  R_xlen_t *fill = (R_xlen_t *) R_alloc(G, sizeof(R_xlen_t));
  for (int k = 0; k < G; k++) fill[k] = start[k];
  for (R_xlen_t i = 0; i < n; i++) {
    int k = group_of(gv, i, G);
    if (k >= 0 && !ISNAN(xv[i])) sorted[fill[k]++] = xv[i];
  }

  SEXP out = PROTECT(Rf_allocMatrix(REALSXP, G, N_COLS));
  double *res = REAL(out);
  for (int k = 0; k < G; k++) {
    double *values = sorted + start[k];
    R_xlen_t m = start[k + 1] - start[k];
    double mean = NA_REAL, sd = NA_REAL, lo = NA_REAL, hi = NA_REAL;
    if (m > 0) {
      moments(values, m, &mean, &sd);
      lo = hi = values[0];
      for (R_xlen_t i = 1; i < m; i++) {
        if (values[i] < lo) lo = values[i];
        if (values[i] > hi) hi = values[i];
      }
    }
    res[k + COL_N * G] = (double) m;
    res[k + COL_MEAN * G] = mean;
    res[k + COL_SD * G] = sd;
    res[k + COL_MIN * G] = lo;
    res[k + COL_MAX * G] = hi;
    res[k + COL_MEDIAN * G] = median_of(values, m);  /* reorders values */
    res[k + COL_MISSING * G] = (double) missing[k];
  }
  UNPROTECT(1);
  return out;
}

/* codes: integer categories 1..K (NA counted in an extra row K + 1);
 * g: integer groups 1..G. Returns a (K + 1) x G integer matrix of counts. */
static SEXP C_tables_counts(SEXP codes, SEXP g, SEXP n_levels, SEXP n_groups) {
  vcf_arg_type(codes, INTSXP, "codes");
  int G = checked_groups(g, XLENGTH(codes), n_groups);
  vcf_arg_scalar(n_levels, INTSXP, "n_levels");
  int K = INTEGER(n_levels)[0];
  if (K < 1) Rf_error("`n_levels` must be at least 1.");
  if (K > MAX_GROUPS) Rf_error("`n_levels` must be at most %d, not %d.", MAX_GROUPS, K);
  R_xlen_t rows = (R_xlen_t) K + 1;
  if ((double) rows * G > INT_MAX)
    Rf_error("`n_levels` + 1 times `n_groups` (%.0f) exceeds an R matrix.", (double) rows * G);

  R_xlen_t n = XLENGTH(codes);
  const int *cv = INTEGER(codes), *gv = INTEGER(g);
  /* Counts are exact in double up to 2^53; an int matrix would overflow at
   * 2^31 rows, which registries of scans can reach. */
  SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int) rows, G));
  double *counts = REAL(out);
  for (R_xlen_t i = 0; i < rows * G; i++) counts[i] = 0;
  for (R_xlen_t i = 0; i < n; i++) {
    int k = group_of(gv, i, G);
    if (k < 0) continue;
    int c = cv[i];
    int row = (c == NA_INTEGER || c < 1 || c > K) ? K : c - 1;
    counts[row + (R_xlen_t) k * rows] += 1;
  }
  UNPROTECT(1);
  return out;
}

const R_CallMethodDef vcf_tables_calls[] = {
  {"C_tables_numeric", (DL_FUNC) &C_tables_numeric, 3},
  {"C_tables_counts", (DL_FUNC) &C_tables_counts, 4},
  {NULL, NULL, 0}
};
