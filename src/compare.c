/* compare: the comparison-test engine.
 *
 * Two-sample t (pooled and Welch), paired t, Pearson chi-square for r x c
 * tables (Yates' correction for 2 x 2 as chisq.test applies it), Fisher's
 * exact test for 2 x 2 (p-value and conditional MLE odds ratio as
 * fisher.test computes them), Wilcoxon signed-rank and rank-sum (as
 * wilcox.test of R 4.2.2 computes them), and Clopper-Pearson intervals.
 *
 * Every entry point takes a list of variables and tests all of them in one
 * call. The data are read in place, never copied or subset: the groups come
 * as one byte per row (`gk`, built once by C_compare_groups from the codes
 * of a factor), categorical variables as their factor codes. Missing values
 * are dropped per variable.
 *
 * Each result row carries a status (enum vcf_status in vcf.h, whose names
 * and notes R reads once through C_status_table). A non-zero status means
 * the test has no answer for that variable (the R layer turns it into NA and
 * a classed warning, or a classed error for VCF_NONFINITE); the numbers of
 * such a row are NA.
 *
 * Distribution functions come from Rmath, the very functions t.test,
 * chisq.test, wilcox.test and fisher.test call (pt, pchisq, pnorm, dhyper,
 * psignrank, pwilcox): GSL's t CDF misses pt by 7.5e-9 relative at df = 100,
 * t = -20, beyond the 1e-10 contract, and where GSL agrees it adds nothing.
 * psignrank / pwilcox keep static caches, so they are only ever called from
 * the main thread. GSL serves what Rmath's interface lacks here: the beta
 * quantiles of Clopper-Pearson bounds from gsl_cdf_beta_Pinv / Qinv, with
 * their failure checked.
 *
 * Sums run in long double, as R's sum(), mean() and var() do, so that the
 * statistics agree with base R's to far better than the 1e-10 contract.
 */
#include "vcf.h"
/* Rmath's macros would rename identifiers such as df and dt: this file
 * calls the Rf_ names directly and uses no such identifiers. */
#include <Rmath.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <gsl/gsl_cdf.h>


/* ---- Small helpers ------------------------------------------------------ */

/* A numeric column read in place, double or integer. */
typedef struct {
  const double *d;
  const int *i;
} numcol;

static inline double num_at(numcol x, R_xlen_t k) {
  if (x.d) return x.d[k];
  int v = x.i[k];
  return v == NA_INTEGER ? NA_REAL : (double) v;
}

static numcol numcol_of(SEXP x, const char *arg) {
  numcol c = {NULL, NULL};
  if (TYPEOF(x) == REALSXP) c.d = REAL_RO(x);
  else if (TYPEOF(x) == INTSXP || TYPEOF(x) == LGLSXP) c.i = INTEGER_RO(x);
  else Rf_error("every element of `%s` must be numeric, not %s.", arg,
                Rf_type2char(TYPEOF(x)));
  return c;
}

/* A list whose elements all have length n. */
static void check_list(SEXP x, R_xlen_t n, const char *arg) {
  vcf_arg_type(x, VECSXP, arg);
  for (R_xlen_t j = 0; j < XLENGTH(x); j++)
    if (XLENGTH(VECTOR_ELT(x, j)) != n)
      Rf_error("element %lld of `%s` must have length %lld, not %lld.",
               (long long) j + 1, arg, (long long) n,
               (long long) XLENGTH(VECTOR_ELT(x, j)));
}

/* The rows' groups: one byte per row, 0..ngroups-1, or CMP_OUT for a row in
 * no group (missing `by`, or a level that was left out). C_compare_groups
 * builds it once from the factor codes, and every test of the call reads it,
 * one byte per row, instead of a code and a lookup. */
#define CMP_OUT 255
#define CMP_MAX_GROUPS 254
typedef struct {
  const unsigned char *gk;
  int ngroups;
  R_xlen_t n;
} groups;

static groups groups_of(SEXP gk, SEXP ngroups, int min_groups, int max_groups) {
  vcf_arg_type(gk, RAWSXP, "gk");
  vcf_arg_scalar(ngroups, INTSXP, "ngroups");
  groups G = {RAW_RO(gk), INTEGER(ngroups)[0], XLENGTH(gk)};
  if (G.ngroups < min_groups || G.ngroups > max_groups)
    Rf_error("`ngroups` must be between %d and %d, not %d.", min_groups,
             max_groups, G.ngroups);
  return G;
}

/* Group of row i, or -1 when the row is in none. */
static inline int group_at(const groups *G, R_xlen_t i) {
  int k = G->gk[i];
  return k < G->ngroups ? k : -1;
}

/* A REALSXP matrix of nrow rows and the given column names, NA-filled. */
static SEXP result_matrix(R_xlen_t nrow, const char *const *names, int ncol) {
  SEXP m = PROTECT(Rf_allocMatrix(REALSXP, (int) nrow, ncol));
  double *p = REAL(m);
  for (R_xlen_t k = 0; k < nrow * ncol; k++) p[k] = NA_REAL;
  SEXP dn = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP cn = PROTECT(Rf_allocVector(STRSXP, ncol));
  for (int j = 0; j < ncol; j++) SET_STRING_ELT(cn, j, Rf_mkChar(names[j]));
  SET_VECTOR_ELT(dn, 1, cn);
  Rf_setAttrib(m, R_DimNamesSymbol, dn);
  UNPROTECT(3);
  return m;
}

#define AT(m, nrow, i, j) ((m)[(i) + (R_xlen_t) (j) * (nrow)])

/* Two-sided p-value of a t statistic, as t.test: 2 * pt(-|t|, df). */
static double p_t(double t, double dof) {
  return 2.0 * Rf_pt(-fabs(t), dof, 1, 0);
}

/* Two-sided p-value of a z statistic, as wilcox.test:
 * 2 * min(pnorm(z), pnorm(z, lower.tail = FALSE)). */
static double p_z(double z) {
  double lo = Rf_pnorm5(z, 0, 1, 1, 0), up = Rf_pnorm5(z, 0, 1, 0, 0);
  return 2.0 * (lo < up ? lo : up);
}

/* ---- Means and variances ------------------------------------------------ */

/* Per-group count, mean and sum of squared deviations of one column, in two
 * passes as R's mean() and var() do: the first pass gives a provisional mean
 * m1, the second sums d = x - m1 and d^2, which refines the mean to
 * m1 + sum(d)/n and gives SS = sum(d^2) - sum(d)^2/n without the
 * cancellation of a one-pass sum of squares. */
typedef struct {
  R_xlen_t n;
  double mean;
  double ss;
} moments;

/* Rows per chunk: the sums run in double within a chunk (fast, and exact
 * enough over 1024 terms) and in long double across chunks, so that a
 * million rows lose no more precision than R's long double sums. */
#define CMP_CHUNK 1024

/* Value of row i, 0 with weight 0 for a missing value or a row in neither
 * group. The weights come from integer flags, not branches: the group of a
 * row is as good as random, and a mispredicted branch per row would cost
 * more than the arithmetic. Missing values are rare, so the branch on `ok`
 * is cheap (and keeps an infinite value in a row outside the groups out of
 * the sums). */
static inline double row_value(numcol x, R_xlen_t i, unsigned char k,
                               double *w0, double *w1) {
  double v;
  if (x.d) {
    v = x.d[i];
  } else {
    int iv = x.i[i];
    v = iv == NA_INTEGER ? NAN : (double) iv;
  }
  int ok = (k < 2) & (v == v);
  *w0 = (double) (ok & (k == 0));
  *w1 = (double) (ok & (k == 1));
  if (!ok) v = 0.0;
  return v;
}

/* One pass of shifted sums per group: n, t = sum(x - K), q = sum((x - K)^2),
 * with two lanes (rows i and i + 1) so that the adds of successive rows do
 * not wait on each other. */
#define SHIFTED(a0, a1, b0, b1, c0, c1, r)                          \
  do {                                                             \
    double v_ = row_value(x, r, gk[r], &w0, &w1);                  \
    double d_ = v_ - K[gk[r] & 1], d0_ = d_ * w0, d1_ = d_ * w1;   \
    a0 += d0_; a1 += d1_; b0 += d0_ * d_; b1 += d1_ * d_;          \
    c0 += w0; c1 += w1;                                            \
  } while (0)

static void shifted_sums(numcol x, const unsigned char *gk, R_xlen_t len,
                         const double K[2], long double n[2],
                         long double t[2], long double q[2]) {
  double w0, w1;
  for (int k = 0; k < 2; k++) n[k] = t[k] = q[k] = 0;
  for (R_xlen_t c = 0; c < len; c += CMP_CHUNK) {
    R_xlen_t end = c + CMP_CHUNK < len ? c + CMP_CHUNK : len, i = c;
    double a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0;
    double e0 = 0, e1 = 0, f0 = 0, f1 = 0, g0 = 0, g1 = 0;
    for (; i + 1 < end; i += 2) {
      SHIFTED(a0, a1, b0, b1, c0, c1, i);
      SHIFTED(e0, e1, f0, f1, g0, g1, i + 1);
    }
    if (i < end) SHIFTED(a0, a1, b0, b1, c0, c1, i);
    t[0] += a0 + e0; t[1] += a1 + e1;
    q[0] += b0 + f0; q[1] += b1 + f1;
    n[0] += c0 + g0; n[1] += c1 + g1;
  }
}

/* Per-group moments of a two-sample comparison in one pass over the data.
 * The sums are shifted by K, the mean of each group's first (up to) 64
 * values: SS = q - t^2 / n then loses relative precision only in proportion
 * to n (mean - K)^2 / SS, which is small when K is near the mean. When it is
 * not (values sorted, a wild first value) a second pass shifts by the mean
 * itself, which is the two-pass algorithm of R's var(). Returns
 * VCF_NONFINITE on an infinite value, else VCF_OK. */
static int moments2(numcol x, const unsigned char *gk, R_xlen_t len,
                    moments out[2]) {
  double K[2] = {0, 0}, w0, w1;
  R_xlen_t seen[2] = {0, 0};
  for (R_xlen_t i = 0; i < len && (seen[0] < 64 || seen[1] < 64); i++) {
    double v = row_value(x, i, gk[i], &w0, &w1);
    int k = w1 > 0;
    if (w0 + w1 > 0 && seen[k] < 64) {
      K[k] += v;
      seen[k]++;
    }
  }
  for (int k = 0; k < 2; k++) {
    if (seen[k]) K[k] /= seen[k];
    if (!R_FINITE(K[k])) return VCF_NONFINITE;
  }
  long double n[2], t[2], q[2];
  for (int pass = 0; pass < 2; pass++) {
    shifted_sums(x, gk, len, K, n, t, q);
    int again = 0;
    for (int k = 0; k < 2; k++) {
      if (!R_FINITE((double) t[k]) || !R_FINITE((double) q[k]))
        return VCF_NONFINITE;
      out[k].n = (R_xlen_t) n[k];
      if (n[k] == 0) {
        out[k].mean = out[k].ss = NA_REAL;
        continue;
      }
      long double shift2 = t[k] * t[k] / n[k], ss = q[k] - shift2;
      out[k].mean = (double) (K[k] + t[k] / n[k]);
      out[k].ss = ss > 0 ? (double) ss : 0;
      if (shift2 > 100 * ss) {
        again = 1;
        K[k] = out[k].mean;
      }
    }
    if (!again) break;
  }
  return VCF_OK;
}

/* Moments of the differences x - y over complete pairs. */
static int moments_paired(numcol x, numcol y, R_xlen_t len, moments *out) {
  long double s = 0;
  R_xlen_t n = 0;
  int finite = 1;
  for (R_xlen_t i = 0; i < len; i++) {
    double xi = num_at(x, i), yi = num_at(y, i);
    if (ISNAN(xi) || ISNAN(yi)) continue;
    double d = xi - yi;
    if (!R_FINITE(d)) finite = 0;
    s += d;
    n++;
  }
  double m1 = n ? (double) (s / n) : 0.0;
  out->n = n;
  if (!finite || !R_FINITE(m1)) return VCF_NONFINITE;
  long double t = 0, ss = 0;
  for (R_xlen_t i = 0; i < len; i++) {
    double d = num_at(x, i) - num_at(y, i);
    if (ISNAN(d)) continue;
    double dv = d - m1;
    t += dv;
    ss += (long double) dv * dv;
  }
  out->mean = n ? (double) (m1 + t / n) : NA_REAL;
  out->ss = n ? (double) (ss - t * t / n) : NA_REAL;
  if (out->ss < 0) out->ss = 0;
  return VCF_OK;
}

/* ---- Two-sample and paired t -------------------------------------------- */

static const char *const t2_cols[] = {
  "statistic", "df", "p_value", "n", "n1", "n2", "mean1", "mean2", "sd1",
  "sd2", "estimate", "status"};
enum { T2_STAT, T2_DF, T2_P, T2_N, T2_N1, T2_N2, T2_M1, T2_M2, T2_SD1,
       T2_SD2, T2_EST, T2_STATUS, T2_NCOL };

/* t.test(x[g == 1], x[g == 2], var.equal = var_equal) for one column. */
static void ttest2_one(numcol x, const unsigned char *gk, R_xlen_t len,
                       int var_equal, double *res, R_xlen_t nrow, R_xlen_t j) {
  moments m[2];
  int status = moments2(x, gk, len, m);
  if (status == VCF_OK) {
    double nx = (double) m[0].n, ny = (double) m[1].n;
    AT(res, nrow, j, T2_N) = nx + ny;
    AT(res, nrow, j, T2_N1) = nx;
    AT(res, nrow, j, T2_N2) = ny;
    if (nx + ny == 0) status = VCF_ALL_NA;
    else if (nx == 0 || ny == 0) status = VCF_ONE_GROUP;
    else if (var_equal ? nx + ny < 3 : (nx < 2 || ny < 2)) status = VCF_TOO_FEW;
  }
  if (status == VCF_OK) {
    double nx = (double) m[0].n, ny = (double) m[1].n;
    double vx = nx > 1 ? m[0].ss / (nx - 1) : NA_REAL;
    double vy = ny > 1 ? m[1].ss / (ny - 1) : NA_REAL;
    double mx = m[0].mean, my = m[1].mean, se, dof;
    if (var_equal) {
      dof = nx + ny - 2;
      double v = 0;
      if (nx > 1) v += (nx - 1) * vx;
      if (ny > 1) v += (ny - 1) * vy;
      v /= dof;
      se = sqrt(v * (1 / nx + 1 / ny));
    } else {
      double sex = sqrt(vx / nx), sey = sqrt(vy / ny);
      se = sqrt(sex * sex + sey * sey);
      dof = pow(se, 4) / (pow(sex, 4) / (nx - 1) + pow(sey, 4) / (ny - 1));
    }
    double scale = fmax(fabs(mx), fabs(my));
    AT(res, nrow, j, T2_M1) = mx;
    AT(res, nrow, j, T2_M2) = my;
    AT(res, nrow, j, T2_SD1) = sqrt(vx);
    AT(res, nrow, j, T2_SD2) = sqrt(vy);
    AT(res, nrow, j, T2_EST) = mx - my;
    /* t.test's rule, plus se == 0, where t.test would divide 0 by 0. */
    if (se < 10 * DBL_EPSILON * scale || se == 0) {
      status = VCF_CONSTANT;
    } else {
      double t = (mx - my) / se;
      AT(res, nrow, j, T2_STAT) = t;
      AT(res, nrow, j, T2_DF) = dof;
      AT(res, nrow, j, T2_P) = p_t(t, dof);
    }
  }
  AT(res, nrow, j, T2_STATUS) = status;
}

/* C_compare_ttest2(X, gk, var_equal): two-sample t-tests of every variable
 * of the list X (numeric vectors as long as gk) between groups 0 and 1. One row per variable: the columns of t2_cols. */
static SEXP C_compare_ttest2(SEXP X, SEXP gk, SEXP var_equal) {
  groups G = groups_of(gk, Rf_ScalarInteger(2), 2, 2);
  check_list(X, G.n, "X");
  vcf_arg_scalar(var_equal, LGLSXP, "var_equal");
  R_xlen_t nv = XLENGTH(X);
  SEXP res = PROTECT(result_matrix(nv, t2_cols, T2_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    numcol x = numcol_of(VECTOR_ELT(X, j), "X");
    ttest2_one(x, G.gk, G.n, LOGICAL(var_equal)[0], REAL(res), nv, j);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

static const char *const paired_cols[] = {
  "statistic", "df", "p_value", "n", "mean_diff", "sd_diff", "estimate",
  "status"};
enum { PT_STAT, PT_DF, PT_P, PT_N, PT_MEAN, PT_SD, PT_EST, PT_STATUS,
       PT_NCOL };

/* C_compare_paired(X, Y): t.test(X[[j]], Y[[j]], paired = TRUE) for every j,
 * over the complete pairs. */
static SEXP C_compare_paired(SEXP X, SEXP Y) {
  vcf_arg_type(X, VECSXP, "X");
  vcf_arg_type(Y, VECSXP, "Y");
  R_xlen_t nv = XLENGTH(X);
  vcf_arg_length(Y, nv, "Y");
  SEXP res = PROTECT(result_matrix(nv, paired_cols, PT_NCOL));
  double *r = REAL(res);
  for (R_xlen_t j = 0; j < nv; j++) {
    SEXP xj = VECTOR_ELT(X, j), yj = VECTOR_ELT(Y, j);
    if (XLENGTH(xj) != XLENGTH(yj))
      Rf_error("elements %lld of `X` and `Y` must have the same length.",
               (long long) j + 1);
    numcol x = numcol_of(xj, "X"), y = numcol_of(yj, "Y");
    moments m;
    int status = moments_paired(x, y, XLENGTH(xj), &m);
    AT(r, nv, j, PT_N) = (double) m.n;
    if (status == VCF_OK && m.n == 0) status = VCF_ALL_NA;
    else if (status == VCF_OK && m.n < 2) status = VCF_TOO_FEW;
    if (status == VCF_OK) {
      double n = (double) m.n, v = m.ss / (n - 1), se = sqrt(v / n);
      AT(r, nv, j, PT_MEAN) = m.mean;
      AT(r, nv, j, PT_SD) = sqrt(v);
      AT(r, nv, j, PT_EST) = m.mean;
      if (se < 10 * DBL_EPSILON * fabs(m.mean) || se == 0) {
        status = VCF_CONSTANT;
      } else {
        double t = m.mean / se;
        AT(r, nv, j, PT_STAT) = t;
        AT(r, nv, j, PT_DF) = n - 1;
        AT(r, nv, j, PT_P) = p_t(t, n - 1);
      }
    }
    AT(r, nv, j, PT_STATUS) = status;
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

/* ---- Contingency tables ------------------------------------------------- */

/* Tabulate column x (nlev levels) against the groups into cnt (nlev x
 * ngroups, column-major, as table(x, g)). Returns VCF_BAD_CODE on a code out
 * of range. */
static int tabulate(SEXP x, int nlev, const groups *G, double *cnt) {
  size_t cells = (size_t) nlev * (size_t) G->ngroups;
  /* Integer counters: incrementing a double in memory is a longer chain. */
  R_xlen_t *ic = (R_xlen_t *) R_alloc(cells, sizeof(R_xlen_t));
  memset(ic, 0, sizeof(R_xlen_t) * cells);
  int status = VCF_OK;
  if (TYPEOF(x) == LGLSXP) {
    const int *v = LOGICAL_RO(x);
    for (R_xlen_t i = 0; i < G->n; i++) {
      int k = group_at(G, i);
      if (k < 0 || v[i] == NA_LOGICAL) continue;
      ic[v[i] + (R_xlen_t) k * nlev]++;
    }
  } else {
    const int *v = INTEGER_RO(x);
    for (R_xlen_t i = 0; i < G->n; i++) {
      int k = group_at(G, i), c = v[i];
      if (k < 0 || c == NA_INTEGER) continue;
      if (c < 1 || c > nlev) { status = VCF_BAD_CODE; break; }
      ic[(c - 1) + (R_xlen_t) k * nlev]++;
    }
  }
  for (size_t a = 0; a < cells; a++) cnt[a] = (double) ic[a];
  return status;
}

/* The table with its empty rows and columns dropped, as chisq.test's
 * factor(x[OK]) and fisher.test's table() of observed levels give it. */
typedef struct {
  int nr, nc;
  double *o;   /* nr x nc, column-major */
  double *sr, *sc;
  double n;
} ctable;

static void reduce(const double *cnt, int nlev, int ng, ctable *t) {
  double *rs = (double *) R_alloc(nlev, sizeof(double));
  double *cs = (double *) R_alloc(ng, sizeof(double));
  int *ri = (int *) R_alloc(nlev, sizeof(int));
  int *ci = (int *) R_alloc(ng, sizeof(int));
  t->nr = t->nc = 0;
  t->n = 0;
  for (int a = 0; a < nlev; a++) {
    rs[a] = 0;
    for (int b = 0; b < ng; b++) rs[a] += cnt[a + (R_xlen_t) b * nlev];
    if (rs[a] > 0) ri[t->nr++] = a;
  }
  for (int b = 0; b < ng; b++) {
    cs[b] = 0;
    for (int a = 0; a < nlev; a++) cs[b] += cnt[a + (R_xlen_t) b * nlev];
    if (cs[b] > 0) ci[t->nc++] = b;
    t->n += cs[b];
  }
  t->o = (double *) R_alloc((size_t) (t->nr ? t->nr : 1) * (t->nc ? t->nc : 1),
                            sizeof(double));
  t->sr = (double *) R_alloc(t->nr ? t->nr : 1, sizeof(double));
  t->sc = (double *) R_alloc(t->nc ? t->nc : 1, sizeof(double));
  for (int a = 0; a < t->nr; a++) t->sr[a] = rs[ri[a]];
  for (int b = 0; b < t->nc; b++) {
    t->sc[b] = cs[ci[b]];
    for (int a = 0; a < t->nr; a++)
      t->o[a + b * t->nr] = cnt[ri[a] + (R_xlen_t) ci[b] * nlev];
  }
}

/* Status of a reduced table: both margins need two non-empty categories. */
static int table_status(const ctable *t) {
  if (t->n == 0) return VCF_ALL_NA;
  if (t->nc < 2) return VCF_ONE_GROUP;
  if (t->nr < 2) return VCF_ONE_LEVEL;
  return VCF_OK;
}

static const char *const chisq_cols[] = {
  "statistic", "df", "p_value", "n", "yates", "min_expected", "status"};
enum { CS_STAT, CS_DF, CS_P, CS_N, CS_YATES, CS_MINE, CS_STATUS, CS_NCOL };

/* chisq.test(x, g, correct) on a reduced table: E = outer(sr, sc) / n,
 * YATES = min(0.5, abs(O - E)) for a 2 x 2 table when correct,
 * statistic = sum((abs(O - E) - YATES)^2 / E), summed column by column. */
static void chisq_stat(const ctable *t, int correct, double *res, R_xlen_t nrow,
                       R_xlen_t j) {
  int nr = t->nr, nc = t->nc;
  double yates = 0, min_e = R_PosInf;
  if (correct && nr == 2 && nc == 2) {
    yates = 0.5;
    for (int b = 0; b < nc; b++)
      for (int a = 0; a < nr; a++) {
        double e = t->sr[a] * t->sc[b] / t->n, dev = fabs(t->o[a + b * nr] - e);
        if (dev < yates) yates = dev;
      }
  }
  long double s = 0;
  for (int b = 0; b < nc; b++)
    for (int a = 0; a < nr; a++) {
      double e = t->sr[a] * t->sc[b] / t->n;
      double dev = fabs(t->o[a + b * nr] - e) - yates;
      s += dev * dev / e;
      if (e < min_e) min_e = e;
    }
  double stat = (double) s, dof = (double) (nr - 1) * (nc - 1);
  AT(res, nrow, j, CS_STAT) = stat;
  AT(res, nrow, j, CS_DF) = dof;
  AT(res, nrow, j, CS_P) = Rf_pchisq(stat, dof, 0, 0);
  AT(res, nrow, j, CS_YATES) = yates;
  AT(res, nrow, j, CS_MINE) = min_e;
}

/* The full count table of a variable (all nlev levels x ngroups), for the
 * caller's tables. */
static SEXP count_matrix(const double *cnt, int nlev, int ng) {
  SEXP m = PROTECT(Rf_allocMatrix(REALSXP, nlev, ng));
  memcpy(REAL(m), cnt, sizeof(double) * (size_t) nlev * (size_t) ng);
  UNPROTECT(1);
  return m;
}

/* Checks shared by the table tests: X a list of factor codes or logicals as
 * long as g, nlev their numbers of levels. */
static void check_categorical(SEXP X, SEXP nlev, R_xlen_t n) {
  check_list(X, n, "X");
  vcf_arg_type(nlev, INTSXP, "nlev");
  vcf_arg_length(nlev, XLENGTH(X), "nlev");
  for (R_xlen_t j = 0; j < XLENGTH(X); j++) {
    SEXP x = VECTOR_ELT(X, j);
    if (TYPEOF(x) != INTSXP && TYPEOF(x) != LGLSXP)
      Rf_error("element %lld of `X` must be factor codes or logical.",
               (long long) j + 1);
    int l = INTEGER_RO(nlev)[j];
    if (l == NA_INTEGER || l < 1 || (TYPEOF(x) == LGLSXP && l != 2))
      Rf_error("element %lld of `nlev` is invalid.", (long long) j + 1);
  }
}

/* A test run on one variable's reduced table; writes row j of res and
 * returns the status. `flag` is the test's one option. */
typedef int (*table_test)(const ctable *t, int flag, double *res, R_xlen_t nrow,
                          R_xlen_t j);

/* Tabulates every variable of X against the groups and runs `test` on each
 * table. Returns list(result matrix with columns `cols`, list of the full
 * count tables). Column n_col receives the table's total, status_col the
 * status. */
static SEXP run_table_tests(SEXP X, SEXP nlev, const groups *G,
                            const char *const *cols, int ncol, int n_col,
                            int status_col, table_test test, int flag) {
  R_xlen_t nv = XLENGTH(X);
  SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP res = result_matrix(nv, cols, ncol);
  SET_VECTOR_ELT(out, 0, res);
  SEXP tabs = Rf_allocVector(VECSXP, nv);
  SET_VECTOR_ELT(out, 1, tabs);
  for (R_xlen_t j = 0; j < nv; j++) {
    const void *vmax = vmaxget();
    int l = INTEGER_RO(nlev)[j];
    double *cnt = (double *) R_alloc((size_t) l * G->ngroups, sizeof(double));
    int status = tabulate(VECTOR_ELT(X, j), l, G, cnt);
    if (status == VCF_OK) {
      SET_VECTOR_ELT(tabs, j, count_matrix(cnt, l, G->ngroups));
      ctable t;
      reduce(cnt, l, G->ngroups, &t);
      AT(REAL(res), nv, j, n_col) = t.n;
      status = table_status(&t);
      if (status == VCF_OK) status = test(&t, flag, REAL(res), nv, j);
    }
    AT(REAL(res), nv, j, status_col) = status;
    vmaxset(vmax);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return out;
}

static int chisq_table(const ctable *t, int correct, double *res, R_xlen_t nrow,
                       R_xlen_t j) {
  chisq_stat(t, correct, res, nrow, j);
  return VCF_OK;
}

/* C_compare_chisq(X, nlev, gk, ngroups, correct): Pearson's chi-square test of
 * every categorical variable of X against the groups (r x c). Returns
 * list(result matrix with chisq_cols, list of full count tables). */
static SEXP C_compare_chisq(SEXP X, SEXP nlev, SEXP gk, SEXP ngroups,
                          SEXP correct) {
  groups G = groups_of(gk, ngroups, 1, CMP_MAX_GROUPS);
  check_categorical(X, nlev, G.n);
  vcf_arg_scalar(correct, LGLSXP, "correct");
  return run_table_tests(X, nlev, &G, chisq_cols, CS_NCOL, CS_N, CS_STATUS,
                         chisq_table, LOGICAL(correct)[0]);
}

/* ---- Fisher's exact test for 2 x 2 -------------------------------------- */

/* The conditional distribution of the [1, 1] cell given the margins, as
 * fisher.test holds it: support lo..hi and logdc = dhyper(support, m, n, k,
 * log = TRUE). */
typedef struct {
  int lo, hi, len;
  double *logdc;
  double *d;     /* work: the normalised density at a given ncp */
} hyper;

/* fisher.test's dnhyper(ncp): d = logdc + log(ncp) * support;
 * d = exp(d - max(d)); d / sum(d). */
static void dnhyper(const hyper *h, double ncp) {
  double lncp = log(ncp), mx = R_NegInf;
  for (int i = 0; i < h->len; i++) {
    h->d[i] = h->logdc[i] + lncp * (double) (h->lo + i);
    if (h->d[i] > mx) mx = h->d[i];
  }
  long double s = 0;
  for (int i = 0; i < h->len; i++) {
    h->d[i] = exp(h->d[i] - mx);
    s += h->d[i];
  }
  double sd = (double) s;
  for (int i = 0; i < h->len; i++) h->d[i] /= sd;
}

/* fisher.test's mnhyper(ncp): the mean of the [1, 1] cell. */
static double mnhyper(const hyper *h, double ncp) {
  if (ncp == 0) return h->lo;
  if (ncp == R_PosInf) return h->hi;
  dnhyper(h, ncp);
  long double s = 0;
  for (int i = 0; i < h->len; i++) s += (double) (h->lo + i) * h->d[i];
  return (double) s;
}

typedef struct {
  const hyper *h;
  double x;
  int invert;  /* evaluate at 1 / t */
} mle_fun;

static double mle_f(double t, const mle_fun *f) {
  return mnhyper(f->h, f->invert ? 1 / t : t) - f->x;
}

/* Brent's root finder in the form of Forsythe, Malcolm and Moler's zeroin,
 * which R's uniroot() runs, with f(a) and f(b) given and uniroot's defaults
 * (tol = DBL_EPSILON^0.25, 1000 iterations): fisher.test's odds ratio is
 * uniroot's answer, accurate only to tol, so matching it to 1e-10 means
 * taking the same steps. */
static double zeroin(double a, double b, double fa, double fb,
                     const mle_fun *f) {
  const double tol = pow(DBL_EPSILON, 0.25);
  double c = a, fc = fa;
  if (fa == 0) return a;
  if (fb == 0) return b;
  for (int it = 0; it <= 1000; it++) {
    double prev = b - a;
    if (fabs(fc) < fabs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    double tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
    double step = (c - b) / 2;
    if (fabs(step) <= tol_act || fb == 0) return b;
    if (fabs(prev) >= tol_act && fabs(fa) > fabs(fb)) {
      double p, q, cb = c - b;
      if (a == c) {
        double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        double qa = fa / fc, t1 = fb / fc, t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
        q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q; else p = -p;
      if (p < (0.75 * cb * q - fabs(tol_act * q) / 2) && p < fabs(prev * q / 2))
        step = p / q;
    }
    if (fabs(step) < tol_act) step = step > 0 ? tol_act : -tol_act;
    a = b;
    fa = fb;
    b += step;
    fb = mle_f(b, f);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

/* fisher.test's conditional maximum likelihood estimate of the odds ratio. */
static double fisher_mle(const hyper *h, double x) {
  if (x == h->lo) return 0;
  if (x == h->hi) return R_PosInf;
  double mu = mnhyper(h, 1);
  if (mu > x) {
    mle_fun f = {h, x, 0};
    return zeroin(0, 1, mle_f(0, &f), mle_f(1, &f), &f);
  }
  if (mu < x) {
    mle_fun f = {h, x, 1};
    double lo = DBL_EPSILON;
    return 1 / zeroin(lo, 1, mle_f(lo, &f), mle_f(1, &f), &f);
  }
  return 1;
}

static const char *const fisher_cols[] = {
  "statistic", "df", "p_value", "n", "estimate", "status"};
enum { FI_STAT, FI_DF, FI_P, FI_N, FI_EST, FI_STATUS, FI_NCOL };

/* fisher.test on the reduced 2 x 2 table of x (rows) by group (columns). */
static void fisher_one(const ctable *t, int estimate, double *res,
                       R_xlen_t nrow, R_xlen_t j) {
  double m = t->sc[0], n = t->sc[1], k = t->sr[0], x = t->o[0];
  hyper h;
  h.lo = (int) fmax(0, k - n);
  h.hi = (int) fmin(k, m);
  h.len = h.hi - h.lo + 1;
  h.logdc = (double *) R_alloc(h.len, sizeof(double));
  h.d = (double *) R_alloc(h.len, sizeof(double));
  for (int i = 0; i < h.len; i++)
    h.logdc[i] = Rf_dhyper(h.lo + i, m, n, k, 1);
  /* Two-sided p: the probabilities no larger than that of the observed
   * table, with fisher.test's relative tolerance 1 + 1e-7. */
  dnhyper(&h, 1);
  double cut = h.d[(int) x - h.lo] * (1 + pow(10, -7));
  long double p = 0;
  for (int i = 0; i < h.len; i++)
    if (h.d[i] <= cut) p += h.d[i];
  AT(res, nrow, j, FI_P) = (double) p;
  if (estimate) AT(res, nrow, j, FI_EST) = fisher_mle(&h, x);
}

/* Fisher's test needs a 2 x 2 table once empty levels are dropped. */
static int fisher_table(const ctable *t, int estimate, double *res,
                        R_xlen_t nrow, R_xlen_t j) {
  if (t->nr != 2) return VCF_NOT_2X2;
  fisher_one(t, estimate, res, nrow, j);
  return VCF_OK;
}

/* C_compare_fisher(X, nlev, gk, estimate): Fisher's exact test of every
 * variable of X against two groups; the observed table must be 2 x 2 after
 * dropping empty levels (else status VCF_NOT_2X2). Returns list(result
 * matrix with fisher_cols, list of full count tables). */
static SEXP C_compare_fisher(SEXP X, SEXP nlev, SEXP gk, SEXP estimate) {
  groups G = groups_of(gk, Rf_ScalarInteger(2), 2, 2);
  check_categorical(X, nlev, G.n);
  vcf_arg_scalar(estimate, LGLSXP, "estimate");
  return run_table_tests(X, nlev, &G, fisher_cols, FI_NCOL, FI_N, FI_STATUS,
                         fisher_table, LOGICAL(estimate)[0]);
}

/* ---- Wilcoxon tests ----------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Ranks of the union of two sorted samples a and b with midranks for ties,
 * as rank() gives them: returns the rank sum of a; *tie_term gets
 * sum(t^3 - t) over the tie groups (table(r) in wilcox.test) and *ties
 * whether any value occurs twice. */
static double rank_sum(const double *a, R_xlen_t na, const double *b,
                       R_xlen_t nb, double *tie_term, int *ties) {
  long double ra = 0, tt = 0;
  R_xlen_t i = 0, k = 0, pos = 0;
  *ties = 0;
  while (i < na || k < nb) {
    double v = i < na && (k >= nb || a[i] <= b[k]) ? a[i] : b[k];
    R_xlen_t ca = 0, cb = 0;
    while (i < na && a[i] == v) { i++; ca++; }
    while (k < nb && b[k] == v) { k++; cb++; }
    double t = (double) (ca + cb);
    double mid = (double) pos + (t + 1) / 2;
    ra += (long double) ca * mid;
    tt += t * t * t - t;
    if (t > 1) *ties = 1;
    pos += ca + cb;
  }
  *tie_term = (double) tt;
  return (double) ra;
}

static const char *const wx_cols[] = {
  "statistic", "df", "p_value", "n", "n1", "n2", "exact", "status"};
enum { WX_STAT, WX_DF, WX_P, WX_N, WX_N1, WX_N2, WX_EXACT, WX_STATUS,
       WX_NCOL };

/* Two-sided p of a Wilcoxon statistic centred at z (statistic minus its
 * mean) by the normal approximation with continuity correction, as
 * wilcox.test(correct = TRUE). A zero sigma (all values tied) has no p. */
static double wilcoxon_normal_p(double z, double sigma, int *status) {
  double corr = z > 0 ? 0.5 : (z < 0 ? -0.5 : 0);
  if (!(sigma > 0)) *status = VCF_ALL_TIED;
  return p_z((z - corr) / sigma);
}

static void store_wilcoxon(double *res, R_xlen_t nrow, R_xlen_t j, double stat,
                           double p, int exact, int status) {
  if (status == VCF_OK) {
    AT(res, nrow, j, WX_STAT) = stat;
    AT(res, nrow, j, WX_P) = p;
    AT(res, nrow, j, WX_EXACT) = exact;
  }
  AT(res, nrow, j, WX_STATUS) = status;
}

/* wilcox.test(x, y) (rank sum, two-sided, exact = NULL, correct = TRUE). */
static void ranksum_one(numcol x, const groups *G, double *res, R_xlen_t nrow,
                        R_xlen_t j) {
  R_xlen_t n[2] = {0, 0};
  for (R_xlen_t i = 0; i < G->n; i++) {
    int k = group_at(G, i);
    if (k >= 0 && !ISNAN(num_at(x, i))) n[k]++;
  }
  double *v[2];
  for (int k = 0; k < 2; k++) v[k] = (double *) R_alloc(n[k] ? n[k] : 1, sizeof(double));
  R_xlen_t fill[2] = {0, 0};
  int status = VCF_OK;
  for (R_xlen_t i = 0; i < G->n; i++) {
    int k = group_at(G, i);
    if (k < 0) continue;
    double val = num_at(x, i);
    if (ISNAN(val)) continue;
    if (!R_FINITE(val)) status = VCF_NONFINITE;
    v[k][fill[k]++] = val;
  }
  double nx = (double) n[0], ny = (double) n[1];
  AT(res, nrow, j, WX_N) = nx + ny;
  AT(res, nrow, j, WX_N1) = nx;
  AT(res, nrow, j, WX_N2) = ny;
  if (status == VCF_OK && nx + ny == 0) status = VCF_ALL_NA;
  else if (status == VCF_OK && (nx == 0 || ny == 0)) status = VCF_ONE_GROUP;
  if (status == VCF_OK) {
    qsort(v[0], n[0], sizeof(double), cmp_double);
    qsort(v[1], n[1], sizeof(double), cmp_double);
    double tie_term;
    int ties;
    double w = rank_sum(v[0], n[0], v[1], n[1], &tie_term, &ties) -
               nx * (nx + 1) / 2;
    int exact = nx < 50 && ny < 50 && !ties;
    double p;
    if (exact) {
      p = w > nx * ny / 2 ? Rf_pwilcox(w - 1, nx, ny, 0, 0)
                          : Rf_pwilcox(w, nx, ny, 1, 0);
      p = fmin(2 * p, 1);
    } else {
      double sigma = sqrt((nx * ny / 12) *
                          ((nx + ny + 1) - tie_term / ((nx + ny) * (nx + ny - 1))));
      p = wilcoxon_normal_p(w - nx * ny / 2, sigma, &status);
    }
    store_wilcoxon(res, nrow, j, w, p, exact, status);
    return;
  }
  AT(res, nrow, j, WX_STATUS) = status;
}


/* C_compare_ranksum(X, gk): Wilcoxon rank-sum tests of every variable of X
 * between groups 0 and 1. Statistic W is the rank sum of group 0 minus
 * n1 (n1 + 1) / 2, as wilcox.test(x = group 0, y = group 1). */
static SEXP C_compare_ranksum(SEXP X, SEXP gk) {
  groups G = groups_of(gk, Rf_ScalarInteger(2), 2, 2);
  check_list(X, G.n, "X");
  R_xlen_t nv = XLENGTH(X);
  SEXP res = PROTECT(result_matrix(nv, wx_cols, WX_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    const void *vmax = vmaxget();
    ranksum_one(numcol_of(VECTOR_ELT(X, j), "X"), &G, REAL(res), nv, j);
    vmaxset(vmax);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

/* wilcox.test(x, y, paired = TRUE): complete pairs, zero differences
 * dropped, ranks of |d|; V is the rank sum of the positive differences.
 * Exact when fewer than 50 non-zero differences, no ties and no zeros. */
static void signrank_one(numcol x, numcol y, R_xlen_t len, double *res,
                         R_xlen_t nrow, R_xlen_t j) {
  R_xlen_t npos = 0, nneg = 0, npairs = 0;
  int status = VCF_OK;
  for (R_xlen_t i = 0; i < len; i++) {
    double xi = num_at(x, i), yi = num_at(y, i);
    if (ISNAN(xi) || ISNAN(yi)) continue;
    if (!R_FINITE(xi) || !R_FINITE(yi)) status = VCF_NONFINITE;
    npairs++;
    double d = xi - yi;
    if (d > 0) npos++; else if (d < 0) nneg++;
  }
  AT(res, nrow, j, WX_N) = (double) npairs;
  AT(res, nrow, j, WX_N1) = (double) (npos + nneg);
  if (status == VCF_OK && npairs == 0) status = VCF_ALL_NA;
  else if (status == VCF_OK && npos + nneg == 0) status = VCF_ALL_TIED;
  if (status != VCF_OK) {
    AT(res, nrow, j, WX_STATUS) = status;
    return;
  }
  double *pos = (double *) R_alloc(npos ? npos : 1, sizeof(double));
  double *neg = (double *) R_alloc(nneg ? nneg : 1, sizeof(double));
  R_xlen_t ip = 0, in = 0;
  for (R_xlen_t i = 0; i < len; i++) {
    double d = num_at(x, i) - num_at(y, i);
    if (ISNAN(d)) continue;
    if (d > 0) pos[ip++] = d; else if (d < 0) neg[in++] = -d;
  }
  qsort(pos, npos, sizeof(double), cmp_double);
  qsort(neg, nneg, sizeof(double), cmp_double);
  double tie_term;
  int ties;
  double v = rank_sum(pos, npos, neg, nneg, &tie_term, &ties);
  double n = (double) (npos + nneg);
  int zeroes = npairs > npos + nneg;
  int exact = n < 50 && !ties && !zeroes;
  double p;
  if (exact) {
    p = v > n * (n + 1) / 4 ? Rf_psignrank(v - 1, n, 0, 0)
                            : Rf_psignrank(v, n, 1, 0);
    p = fmin(2 * p, 1);
  } else {
    double sigma = sqrt(n * (n + 1) * (2 * n + 1) / 24 - tie_term / 48);
    p = wilcoxon_normal_p(v - n * (n + 1) / 4, sigma, &status);
  }
  store_wilcoxon(res, nrow, j, v, p, exact, status);
}

/* C_compare_signrank(X, Y): Wilcoxon signed-rank tests of X[[j]] - Y[[j]].
 * Column n counts the complete pairs, n1 the non-zero differences. */
static SEXP C_compare_signrank(SEXP X, SEXP Y) {
  vcf_arg_type(X, VECSXP, "X");
  vcf_arg_type(Y, VECSXP, "Y");
  R_xlen_t nv = XLENGTH(X);
  vcf_arg_length(Y, nv, "Y");
  SEXP res = PROTECT(result_matrix(nv, wx_cols, WX_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    SEXP xj = VECTOR_ELT(X, j), yj = VECTOR_ELT(Y, j);
    if (XLENGTH(xj) != XLENGTH(yj))
      Rf_error("elements %lld of `X` and `Y` must have the same length.",
               (long long) j + 1);
    const void *vmax = vmaxget();
    signrank_one(numcol_of(xj, "X"), numcol_of(yj, "Y"), XLENGTH(xj),
                 REAL(res), nv, j);
    vmaxset(vmax);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

/* ---- Groups and distribution functions ---------------------------------- */

/* C_compare_groups(g, nlev): the groups of factor codes g (1..nlev, NA):
 * list(counts per level, gk). The levels that occur become groups 0, 1, ...
 * in level order; gk holds each row's group (CMP_OUT for NA), or is NULL when
 * more than CMP_MAX_GROUPS levels occur. */
static SEXP C_compare_groups(SEXP g, SEXP nlev) {
  vcf_arg_type(g, INTSXP, "g");
  vcf_arg_scalar(nlev, INTSXP, "nlev");
  int l = INTEGER(nlev)[0];
  if (l < 0) Rf_error("`nlev` must not be negative.");
  /* Sizes and indices in R_xlen_t: with l = INT_MAX, l + 1 and an int loop
   * counter up to l would overflow. */
  R_xlen_t nl = (R_xlen_t) l;
  /* Integer counters: a double add through memory would be a longer
   * dependency chain per row. */
  R_xlen_t *cnt = (R_xlen_t *) R_alloc((size_t) nl + 1, sizeof(R_xlen_t));
  memset(cnt, 0, ((size_t) nl + 1) * sizeof(R_xlen_t));
  const int *c = INTEGER_RO(g);
  R_xlen_t n = XLENGTH(g);
  for (R_xlen_t i = 0; i < n; i++) {
    int v = c[i];
    if (v == NA_INTEGER) continue;
    if (v < 1 || v > l) Rf_error("`g` holds code %d outside 1..%d.", v, l);
    cnt[v]++;
  }
  SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP counts = Rf_allocVector(REALSXP, nl);
  SET_VECTOR_ELT(out, 0, counts);
  R_xlen_t k = 0;
  for (R_xlen_t v = 1; v <= nl; v++) {
    REAL(counts)[v - 1] = (double) cnt[v];
    if (cnt[v] > 0) k++;
  }
  if (k <= CMP_MAX_GROUPS) {
    /* code -> group through a table indexed by code: l may exceed k when
     * levels are unused, so the table has l + 1 entries. */
    unsigned char *code_group = (unsigned char *) R_alloc((size_t) nl + 1, 1);
    int next = 0;
    code_group[0] = CMP_OUT;
    for (R_xlen_t v = 1; v <= nl; v++)
      code_group[v] = cnt[v] > 0 ? (unsigned char) next++ : CMP_OUT;
    SEXP gk = Rf_allocVector(RAWSXP, n);
    SET_VECTOR_ELT(out, 1, gk);
    unsigned char *b = RAW(gk);
    for (R_xlen_t i = 0; i < n; i++)
      b[i] = c[i] == NA_INTEGER ? CMP_OUT : code_group[c[i]];
  }
  UNPROTECT(1);
  return out;
}

/* ---- Clopper-Pearson intervals ------------------------------------------ */

/* The beta quantile at lower tail p (upper tail when `upper`) by bisection
 * on GSL's beta CDF, to adjacent doubles: the fallback for the parameters
 * (about 0.7% of n > 1000) where gsl_cdf_beta_Pinv / Qinv stop with "failed
 * to converge" and return NaN. The CDF is monotone, so bisection cannot
 * fail; 1100 halvings reach any double in (0, 1). */
static double beta_quantile_bisect(double p, double a, double b, int upper) {
  double lo = 0, hi = 1;
  for (int it = 0; it < 1100; it++) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    double below = upper ? gsl_cdf_beta_Q(mid, a, b) > p
                         : gsl_cdf_beta_P(mid, a, b) < p;
    if (below) lo = mid; else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

/* The exact binomial interval of k successes in n trials at `level`, as
 * binom.test gives it: qbeta(alpha/2, k, n - k + 1) and
 * qbeta(1 - alpha/2, k + 1, n - k), 0 at k = 0 and 1 at k = n. The upper
 * bound is taken as the upper-tail quantile (Qinv), which keeps its
 * accuracy when 1 - alpha/2 rounds near 1. */
static void clopper_pearson_one(double k, double n, double level, double *lo,
                                double *hi) {
  double alpha = (1 - level) / 2;
  *lo = k == 0 ? 0 : gsl_cdf_beta_Pinv(alpha, k, n - k + 1);
  *hi = k == n ? 1 : gsl_cdf_beta_Qinv(alpha, k + 1, n - k);
  /* With the error handler off, a failed inversion returns NaN. */
  if (ISNAN(*lo)) *lo = beta_quantile_bisect(alpha, k, n - k + 1, 0);
  if (ISNAN(*hi)) *hi = beta_quantile_bisect(alpha, k + 1, n - k, 1);
}

/* C_compare_clopper_pearson(k, n, level): the n_k x 2 matrix of bounds,
 * k and n of one length, level of length 1 or that length. k must be whole
 * in 0..n, n >= 1, level in (0, 1); NA in k or n gives NA bounds. */
static SEXP C_compare_clopper_pearson(SEXP k, SEXP n, SEXP level) {
  vcf_arg_type(k, REALSXP, "k");
  vcf_arg_type(n, REALSXP, "n");
  vcf_arg_type(level, REALSXP, "level");
  R_xlen_t len = XLENGTH(k);
  vcf_arg_length(n, len, "n");
  if (XLENGTH(level) != 1) vcf_arg_length(level, len, "level");
  if (len > INT_MAX) Rf_error("`k` must have at most %d elements.", INT_MAX);
  SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int) len, 2));
  double *lo = REAL(out), *hi = REAL(out) + len;
  const double *kk = REAL_RO(k), *nn = REAL_RO(n), *lv = REAL_RO(level);
  for (R_xlen_t i = 0; i < len; i++) {
    double ki = kk[i], ni = nn[i], li = lv[XLENGTH(level) == 1 ? 0 : i];
    if (ISNAN(ki) || ISNAN(ni) || ISNAN(li)) {
      lo[i] = hi[i] = NA_REAL;
      continue;
    }
    if (!(ni >= 1 && ni <= 1e15 && ni == floor(ni)) || !(ki >= 0 && ki <= ni) ||
        ki != floor(ki) || !(li > 0 && li < 1))
      Rf_error("element %lld: k = %g, n = %g, level = %g is not a whole "
               "0 <= k <= n, n >= 1, 0 < level < 1.", (long long) i + 1, ki,
               ni, li);
    clopper_pearson_one(ki, ni, li, &lo[i], &hi[i]);
    if ((i & 1023) == 1023) R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return out;
}

const R_CallMethodDef vcf_compare_calls[] = {
  {"C_compare_groups", (DL_FUNC) &C_compare_groups, 2},
  {"C_compare_clopper_pearson", (DL_FUNC) &C_compare_clopper_pearson, 3},
  {"C_compare_ttest2", (DL_FUNC) &C_compare_ttest2, 3},
  {"C_compare_paired", (DL_FUNC) &C_compare_paired, 2},
  {"C_compare_chisq", (DL_FUNC) &C_compare_chisq, 5},
  {"C_compare_fisher", (DL_FUNC) &C_compare_fisher, 4},
  {"C_compare_ranksum", (DL_FUNC) &C_compare_ranksum, 2},
  {"C_compare_signrank", (DL_FUNC) &C_compare_signrank, 2},
  {NULL, NULL, 0}
};
