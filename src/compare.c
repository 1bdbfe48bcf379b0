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

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

#define AT(m, nrow, i, j) ((m)[(i) + (R_xlen_t) (j) * (nrow)])

/* ---- Test options --------------------------------------------------------- */

/* The options of base R's tests, passed from R as one double vector `opts`
 * in the order of enum opt_index: alternative (0 two-sided, 1 less,
 * 2 greater), mu (the null value: mean, location shift or odds ratio),
 * conf.level, exact (NA for base R's default rule, else 0/1), correct and
 * conf.int (0/1), and digits.rank (Inf: rank the values as they are). */
enum { ALT_TWO_SIDED = 0, ALT_LESS = 1, ALT_GREATER = 2 };
enum opt_index { OPT_ALT, OPT_MU, OPT_LEVEL, OPT_EXACT, OPT_CORRECT,
                 OPT_CONF_INT, OPT_DIGITS, OPT_N };
typedef struct {
  int alternative;
  double mu;
  double level;
  int exact;       /* -1: base R's rule (exact when n < 50) */
  int correct;
  int conf_int;
  double digits;   /* wilcox.test's digits.rank */
} test_opts;

static test_opts opts_of(SEXP opts) {
  vcf_arg_type(opts, REALSXP, "opts");
  vcf_arg_length(opts, OPT_N, "opts");
  const double *o = REAL_RO(opts);
  test_opts t;
  if (!(o[OPT_ALT] == 0 || o[OPT_ALT] == 1 || o[OPT_ALT] == 2))
    Rf_error("`opts` alternative must be 0, 1 or 2.");
  t.alternative = (int) o[OPT_ALT];
  if (ISNAN(o[OPT_MU])) Rf_error("`opts` mu must not be NA.");
  t.mu = o[OPT_MU];
  if (!(o[OPT_LEVEL] > 0 && o[OPT_LEVEL] < 1))
    Rf_error("`opts` conf.level must be in (0, 1).");
  t.level = o[OPT_LEVEL];
  t.exact = ISNAN(o[OPT_EXACT]) ? -1 : o[OPT_EXACT] != 0;
  t.correct = !ISNAN(o[OPT_CORRECT]) && o[OPT_CORRECT] != 0;
  t.conf_int = !ISNAN(o[OPT_CONF_INT]) && o[OPT_CONF_INT] != 0;
  if (ISNAN(o[OPT_DIGITS])) Rf_error("`opts` digits.rank must not be NA.");
  t.digits = o[OPT_DIGITS];
  return t;
}

/* p-value of a t statistic under the alternative, as t.test. */
static double p_t(double t, double dof, int alternative) {
  if (alternative == ALT_LESS) return Rf_pt(t, dof, 1, 0);
  if (alternative == ALT_GREATER) return Rf_pt(t, dof, 0, 0);
  return 2.0 * Rf_pt(-fabs(t), dof, 1, 0);
}

/* p-value of a z statistic under the alternative, as wilcox.test: two-sided
 * 2 * min(pnorm(z), pnorm(z, lower.tail = FALSE)). */
static double p_z(double z, int alternative) {
  double lo = Rf_pnorm5(z, 0, 1, 1, 0), up = Rf_pnorm5(z, 0, 1, 0, 0);
  if (alternative == ALT_LESS) return lo;
  if (alternative == ALT_GREATER) return up;
  return 2.0 * (lo < up ? lo : up);
}

/* Brent's root finder in the form of Forsythe, Malcolm and Moler's zeroin,
 * the steps R's uniroot() takes (its R_zeroin2: f(a), f(b) given, at most
 * maxit + 1 iterations). fisher.test's odds ratio and bounds and
 * wilcox.test's Hodges-Lehmann estimates and asymptotic bounds are
 * uniroot's answers, accurate only to its tolerance, so matching them to
 * 1e-10 means taking the same steps. */
typedef double (*root_fun)(double x, void *info);

static double zeroin(double a, double b, double fa, double fb, root_fun f,
                     void *info, double tol, int maxit) {
  double c = a, fc = fa;
  if (fa == 0) return a;
  if (fb == 0) return b;
  for (int it = 0; it <= maxit; it++) {
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
    fb = f(b, info);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

/* uniroot(f, c(a, b), tol = tol)$root with f(a), f(b) given; NaN where
 * uniroot stops with an error (an end value NA, or both of one sign). */
static double uniroot(double a, double b, double fa, double fb, root_fun f,
                      void *info, double tol) {
  if (ISNAN(fa) || ISNAN(fb) || (fa * fb > 0)) return R_NaN;
  return zeroin(a, b, fa, fb, f, info, tol, 1000);
}

/* uniroot's tolerance by default. */
#define UNIROOT_TOL 1.220703125e-4 /* DBL_EPSILON^0.25 */

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

/* An absent column (one-sample tests) reads as 0. */
static inline double num_or_zero(numcol x, R_xlen_t k) {
  return x.d || x.i ? num_at(x, k) : 0.0;
}

/* Moments of the differences x - y over complete pairs (of x when y is
 * absent). */
static int moments_paired(numcol x, numcol y, R_xlen_t len, moments *out) {
  long double s = 0;
  R_xlen_t n = 0;
  int finite = 1;
  for (R_xlen_t i = 0; i < len; i++) {
    double xi = num_at(x, i), yi = num_or_zero(y, i);
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
    double d = num_at(x, i) - num_or_zero(y, i);
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
  "sd2", "estimate", "ci_low", "ci_high", "status"};
enum { T2_STAT, T2_DF, T2_P, T2_N, T2_N1, T2_N2, T2_M1, T2_M2, T2_SD1,
       T2_SD2, T2_EST, T2_LO, T2_HI, T2_STATUS, T2_NCOL };

/* The end of t.test once the estimate `est`, its standard error and df are
 * known: statistic (est - mu) / se, p-value and confidence interval under
 * the alternative, in t.test's arithmetic. Columns stat..hi of row j are
 * the first of the row's layout given by `col`. */
typedef struct { int stat, df, p, lo, hi; } t_cols;

static void t_finish(double est, double se, double dof, const test_opts *o,
                     double *res, R_xlen_t nrow, R_xlen_t j, t_cols col) {
  double t = (est - o->mu) / se, lo, hi;
  if (o->alternative == ALT_LESS) {
    lo = R_NegInf;
    hi = t + Rf_qt(o->level, dof, 1, 0);
  } else if (o->alternative == ALT_GREATER) {
    lo = t - Rf_qt(o->level, dof, 1, 0);
    hi = R_PosInf;
  } else {
    double q = Rf_qt(1 - (1 - o->level) / 2, dof, 1, 0);
    lo = t - q;
    hi = t + q;
  }
  AT(res, nrow, j, col.stat) = t;
  AT(res, nrow, j, col.df) = dof;
  AT(res, nrow, j, col.p) = p_t(t, dof, o->alternative);
  AT(res, nrow, j, col.lo) = o->mu + lo * se;
  AT(res, nrow, j, col.hi) = o->mu + hi * se;
}

/* t.test(x[g == 1], x[g == 2], var.equal = var_equal) for one column. */
static void ttest2_one(numcol x, const unsigned char *gk, R_xlen_t len,
                       int var_equal, const test_opts *o, double *res,
                       R_xlen_t nrow, R_xlen_t j) {
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
      t_cols col = {T2_STAT, T2_DF, T2_P, T2_LO, T2_HI};
      t_finish(mx - my, se, dof, o, res, nrow, j, col);
    }
  }
  AT(res, nrow, j, T2_STATUS) = status;
}

/* C_compare_ttest2(X, gk, var_equal, opts): two-sample t-tests of every
 * variable of the list X (numeric vectors as long as gk) between groups 0
 * and 1. One row per variable: the columns of t2_cols. */
static SEXP C_compare_ttest2(SEXP X, SEXP gk, SEXP var_equal, SEXP opts) {
  groups G = groups_of(gk, Rf_ScalarInteger(2), 2, 2);
  check_list(X, G.n, "X");
  vcf_arg_scalar(var_equal, LGLSXP, "var_equal");
  test_opts o = opts_of(opts);
  R_xlen_t nv = XLENGTH(X);
  SEXP res = PROTECT(result_matrix(nv, t2_cols, T2_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    numcol x = numcol_of(VECTOR_ELT(X, j), "X");
    ttest2_one(x, G.gk, G.n, LOGICAL(var_equal)[0], &o, REAL(res), nv, j);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

static const char *const paired_cols[] = {
  "statistic", "df", "p_value", "n", "mean_diff", "sd_diff", "estimate",
  "ci_low", "ci_high", "status"};
enum { PT_STAT, PT_DF, PT_P, PT_N, PT_MEAN, PT_SD, PT_EST, PT_LO, PT_HI,
       PT_STATUS, PT_NCOL };

/* Elements j of X and Y (Y NULL for one-sample tests), checked. */
static void pair_at(SEXP X, SEXP Y, R_xlen_t j, numcol *x, numcol *y) {
  SEXP xj = VECTOR_ELT(X, j);
  *x = numcol_of(xj, "X");
  y->d = NULL;
  y->i = NULL;
  if (Y == R_NilValue) return;
  SEXP yj = VECTOR_ELT(Y, j);
  if (XLENGTH(xj) != XLENGTH(yj))
    Rf_error("elements %lld of `X` and `Y` must have the same length.",
             (long long) j + 1);
  *y = numcol_of(yj, "Y");
}

/* X a list, Y NULL or a list as long. */
static void check_pair_lists(SEXP X, SEXP Y) {
  vcf_arg_type(X, VECSXP, "X");
  if (Y == R_NilValue) return;
  vcf_arg_type(Y, VECSXP, "Y");
  vcf_arg_length(Y, XLENGTH(X), "Y");
}

/* C_compare_paired(X, Y, opts): t.test(X[[j]], Y[[j]], paired = TRUE) for
 * every j over the complete pairs, or t.test(X[[j]]) when Y is NULL. */
static SEXP C_compare_paired(SEXP X, SEXP Y, SEXP opts) {
  check_pair_lists(X, Y);
  test_opts o = opts_of(opts);
  R_xlen_t nv = XLENGTH(X);
  SEXP res = PROTECT(result_matrix(nv, paired_cols, PT_NCOL));
  double *r = REAL(res);
  for (R_xlen_t j = 0; j < nv; j++) {
    numcol x, y;
    pair_at(X, Y, j, &x, &y);
    moments m;
    int status = moments_paired(x, y, XLENGTH(VECTOR_ELT(X, j)), &m);
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
        t_cols col = {PT_STAT, PT_DF, PT_P, PT_LO, PT_HI};
        t_finish(m.mean, se, n - 1, &o, r, nv, j, col);
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
 * returns the status. `ctx` holds the test's options. */
typedef int (*table_test)(const ctable *t, const void *ctx, double *res, R_xlen_t nrow,
                          R_xlen_t j);

/* Tabulates every variable of X against the groups and runs `test` on each
 * table. Returns list(result matrix with columns `cols`, list of the full
 * count tables). Column n_col receives the table's total, status_col the
 * status. */
static SEXP run_table_tests(SEXP X, SEXP nlev, const groups *G,
                            const char *const *cols, int ncol, int n_col,
                            int status_col, table_test test, const void *ctx) {
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
      if (status == VCF_OK) status = test(&t, ctx, REAL(res), nv, j);
    }
    AT(REAL(res), nv, j, status_col) = status;
    vmaxset(vmax);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return out;
}

static int chisq_table(const ctable *t, const void *ctx, double *res,
                       R_xlen_t nrow, R_xlen_t j) {
  chisq_stat(t, *(const int *) ctx, res, nrow, j);
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
  int corr = LOGICAL(correct)[0];
  return run_table_tests(X, nlev, &G, chisq_cols, CS_NCOL, CS_N, CS_STATUS,
                         chisq_table, &corr);
}

static const char *const gof_cols[] = {
  "statistic", "df", "p_value", "n", "min_expected", "status"};
enum { GF_STAT, GF_DF, GF_P, GF_N, GF_MINE, GF_STATUS, GF_NCOL };

/* chisq.test(table(x), p = p) for one variable: the counts of all nlev
 * levels against expected n p, sum((O - E)^2 / E) on nlev - 1 df. */
static int gof_one(SEXP x, int nlev, const double *p, double *res,
                   R_xlen_t nrow, R_xlen_t j) {
  R_xlen_t *cnt = (R_xlen_t *) R_alloc((size_t) nlev, sizeof(R_xlen_t));
  memset(cnt, 0, sizeof(R_xlen_t) * (size_t) nlev);
  R_xlen_t len = XLENGTH(x), n = 0;
  const int *v = TYPEOF(x) == LGLSXP ? LOGICAL_RO(x) : INTEGER_RO(x);
  int shift = TYPEOF(x) == LGLSXP ? 0 : 1;
  for (R_xlen_t i = 0; i < len; i++) {
    if (v[i] == NA_INTEGER) continue;
    int c = v[i] - shift;
    if (c < 0 || c >= nlev) return VCF_BAD_CODE;
    cnt[c]++;
    n++;
  }
  AT(res, nrow, j, GF_N) = (double) n;
  if (n == 0) return VCF_ALL_NA;
  if (nlev < 2) return VCF_ONE_LEVEL;
  long double st = 0;
  double min_e = R_PosInf;
  for (int c = 0; c < nlev; c++) {
    double e = (double) n * p[c], d = (double) cnt[c] - e;
    st += d * d / e;
    if (e < min_e) min_e = e;
  }
  double stat = (double) st, dof = nlev - 1;
  AT(res, nrow, j, GF_STAT) = stat;
  AT(res, nrow, j, GF_DF) = dof;
  AT(res, nrow, j, GF_P) = Rf_pchisq(stat, dof, 0, 0);
  AT(res, nrow, j, GF_MINE) = min_e;
  return VCF_OK;
}

/* C_compare_gof(X, nlev, P): chi-square goodness-of-fit tests of every
 * categorical variable of X (factor codes or logicals) against the
 * probabilities P[[j]] (length nlev[j], positive, summing to 1). */
static SEXP C_compare_gof(SEXP X, SEXP nlev, SEXP P) {
  vcf_arg_type(X, VECSXP, "X");
  R_xlen_t nv = XLENGTH(X);
  check_categorical(X, nlev, nv ? XLENGTH(VECTOR_ELT(X, 0)) : 0);
  vcf_arg_type(P, VECSXP, "P");
  vcf_arg_length(P, nv, "P");
  SEXP res = PROTECT(result_matrix(nv, gof_cols, GF_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    SEXP pj = VECTOR_ELT(P, j);
    int l = INTEGER_RO(nlev)[j];
    vcf_arg_type(pj, REALSXP, "P");
    vcf_arg_length(pj, l, "P");
    for (int c = 0; c < l; c++)
      if (!(REAL_RO(pj)[c] > 0) || !R_FINITE(REAL_RO(pj)[c]))
        Rf_error("element %lld of `P` must hold positive probabilities.",
                 (long long) j + 1);
    const void *vmax = vmaxget();
    int status = gof_one(VECTOR_ELT(X, j), l, REAL_RO(pj), REAL(res), nv, j);
    AT(REAL(res), nv, j, GF_STATUS) = status;
    vmaxset(vmax);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

/* ---- Fisher's exact test for 2 x 2 -------------------------------------- */

/* The conditional distribution of the [1, 1] cell given the margins, as
 * fisher.test holds it: support lo..hi and logdc = dhyper(support, m, n, k,
 * log = TRUE). */
typedef struct {
  int lo, hi, len;
  double m, n, k;
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

/* fisher.test's pnhyper(q, ncp, upper.tail). */
static double pnhyper(const hyper *h, double q, double ncp, int upper) {
  if (ncp == 1)
    return upper ? Rf_phyper(q - 1, h->m, h->n, h->k, 0, 0)
                 : Rf_phyper(q, h->m, h->n, h->k, 1, 0);
  if (ncp == 0) return upper ? q <= h->lo : q >= h->lo;
  if (ncp == R_PosInf) return upper ? q <= h->hi : q >= h->hi;
  dnhyper(h, ncp);
  long double s = 0;
  for (int i = 0; i < h->len; i++) {
    double x = h->lo + i;
    if (upper ? x >= q : x <= q) s += h->d[i];
  }
  return (double) s;
}

/* The functions whose roots fisher.test seeks with uniroot: the mean
 * (mnhyper(t) - x, for the MLE) or a tail (pnhyper(x, t) - alpha, for the
 * bounds), at t or at 1 / t. */
typedef struct {
  const hyper *h;
  double x, alpha;
  int invert, tail, upper;
} hyper_fun;

static double hyper_root_fun(double t, void *info) {
  const hyper_fun *f = (const hyper_fun *) info;
  double ncp = f->invert ? 1 / t : t;
  if (!f->tail) return mnhyper(f->h, ncp) - f->x;
  return pnhyper(f->h, f->x, ncp, f->upper) - f->alpha;
}

/* uniroot(f, c(lo, 1))$root, with f evaluated at both ends as uniroot
 * does by default. */
static double hyper_root(hyper_fun *f, double lo) {
  return uniroot(lo, 1, hyper_root_fun(lo, f), hyper_root_fun(1, f),
                 hyper_root_fun, f, UNIROOT_TOL);
}

/* fisher.test's conditional maximum likelihood estimate of the odds ratio. */
static double fisher_mle(const hyper *h, double x) {
  if (x == h->lo) return 0;
  if (x == h->hi) return R_PosInf;
  double mu = mnhyper(h, 1);
  hyper_fun f = {h, x, 0, 0, 0, 0};
  if (mu > x) return hyper_root(&f, 0);
  if (mu < x) {
    f.invert = 1;
    return 1 / hyper_root(&f, DBL_EPSILON);
  }
  return 1;
}

/* fisher.test's ncp.U (upper = 0) and ncp.L (upper = 1): the odds ratio at
 * which the lower (upper) tail probability of x is alpha. */
static double fisher_bound(const hyper *h, double x, double alpha, int upper) {
  if (!upper && x == h->hi) return R_PosInf;
  if (upper && x == h->lo) return 0;
  double p = pnhyper(h, x, 1, upper);
  hyper_fun f = {h, x, alpha, 0, 1, upper};
  if (upper ? p > alpha : p < alpha) return hyper_root(&f, 0);
  if (upper ? p < alpha : p > alpha) {
    f.invert = 1;
    return 1 / hyper_root(&f, DBL_EPSILON);
  }
  return 1;
}

static const char *const fisher_cols[] = {
  "statistic", "df", "p_value", "n", "estimate", "ci_low", "ci_high",
  "status"};
enum { FI_STAT, FI_DF, FI_P, FI_N, FI_EST, FI_LO, FI_HI, FI_STATUS,
       FI_NCOL };

/* fisher.test on the reduced 2 x 2 table of x (rows) by group (columns):
 * p-value under the alternative at the null odds ratio o->mu, the
 * conditional MLE and, with conf.int, its interval. */
static void fisher_2x2(const ctable *t, const test_opts *o, double *res,
                       R_xlen_t nrow, R_xlen_t j) {
  hyper h;
  h.m = t->sc[0];
  h.n = t->sc[1];
  h.k = t->sr[0];
  double x = t->o[0], or = o->mu;
  h.lo = (int) fmax(0, h.k - h.n);
  h.hi = (int) fmin(h.k, h.m);
  h.len = h.hi - h.lo + 1;
  h.logdc = (double *) R_alloc(h.len, sizeof(double));
  h.d = (double *) R_alloc(h.len, sizeof(double));
  for (int i = 0; i < h.len; i++)
    h.logdc[i] = Rf_dhyper(h.lo + i, h.m, h.n, h.k, 1);
  double p;
  if (o->alternative == ALT_LESS) {
    p = pnhyper(&h, x, or, 0);
  } else if (o->alternative == ALT_GREATER) {
    p = pnhyper(&h, x, or, 1);
  } else if (or == 0) {
    p = x == h.lo;
  } else if (or == R_PosInf) {
    p = x == h.hi;
  } else {
    /* The probabilities no larger than that of the observed table, with
     * fisher.test's relative tolerance 1 + 1e-7. */
    dnhyper(&h, or);
    double cut = h.d[(int) x - h.lo] * (1 + pow(10, -7));
    long double s = 0;
    for (int i = 0; i < h.len; i++)
      if (h.d[i] <= cut) s += h.d[i];
    p = (double) s;
  }
  AT(res, nrow, j, FI_P) = p;
  AT(res, nrow, j, FI_EST) = fisher_mle(&h, x);
  if (!o->conf_int) return;
  double a = 1 - o->level;
  if (o->alternative == ALT_LESS) {
    AT(res, nrow, j, FI_LO) = 0;
    AT(res, nrow, j, FI_HI) = fisher_bound(&h, x, a, 0);
  } else if (o->alternative == ALT_GREATER) {
    AT(res, nrow, j, FI_LO) = fisher_bound(&h, x, a, 1);
    AT(res, nrow, j, FI_HI) = R_PosInf;
  } else {
    AT(res, nrow, j, FI_LO) = fisher_bound(&h, x, a / 2, 1);
    AT(res, nrow, j, FI_HI) = fisher_bound(&h, x, a / 2, 0);
  }
}

/* ---- Fisher's exact test for r x c: the network algorithm ---------------- */

/* The p-value of an r x c table is the sum of the probabilities of all
 * tables with its margins that are no more probable than it (up to
 * FEXACT's tolerance, 3.45254e-7 on the log scale, the criterion
 * fisher.test applies). Tables are built column by column, the stages of
 * Mehta and Patel's network; a node is a stage with the row sums still to
 * fill (sorted: the completions do not depend on the order of rows), and a
 * path the value so far (sum of log c! - sum log x! over the columns
 * filled), with the number of partial tables that share it. The stages run
 * breadth first: paths reaching one node with equal values merge, which is
 * what keeps the work small. A node's completions have a closed-form total,
 * log N'! - sum log r'!, and exact bounds: the longest and shortest paths
 * from it to the end (fx_bounds, memoized per stage): a path whose every
 * completion counts adds its total at once, one with none is dropped, only
 * the rest go on; the paths of a node are sorted by value, so that for each
 * child two binary searches split them into these three runs. The last two
 * columns are tabulated once per node that a path leaves open: the values
 * of its completions, sorted with cumulative sums (for a binary search)
 * from its second query on. Rows are the shorter side; columns ascending,
 * so that the two largest are tabulated. */
#define FX_TOL 3.45254e-7
#define FX_MAX_N 1e7        /* observations of a table (2 x 2 or r x c) */
#define FX_MAX_WORK 4e8     /* node visits before giving up */
#define FX_MAX_MEMO 2e7     /* completions tabulated before giving up */
#define FX_MAX_PATHS 2e7    /* live paths (and nodes) of one stage */
#define FX_MAX_CHILDREN 1e6 /* column vectors of one node */

typedef struct {
  int nkey;          /* node keys: sorted row sums, R ints */
  double *vals;      /* completion values, sorted once `cum` is made */
  double *cum;       /* cumulative sums of exp(vals - top), or NULL */
  double top, bottom;  /* largest and smallest value */
  R_xlen_t count, queries;
} fx_entry;

typedef struct {
  int R, C;
  const int *cs;     /* column sums, ascending */
  const double *lf;  /* log factorials 0..N */
  double obs;        /* observed value + tolerance */
  double dro;        /* log N! - sum log r! */
  long double p;
  double work, memo_size;
  int too_large;
  /* hash table of tabulated nodes: keys (R ints each) and entries */
  int *keys;
  fx_entry *entries;
  R_xlen_t slots, used;
  /* per stage k < C - 2: the exact bounds of every node met (fx_nodes) and
   * a buffer for the children of one node of that stage */
  struct fx_nodes *bounds;
  struct fx_children *kids;
  const int *root;   /* the row sums, sorted */
} fx_state;

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

static uint64_t fx_hash(const int *r, int R) {
  uint64_t h = 1469598103934665603ULL;
  for (int i = 0; i < R; i++) {
    h ^= (uint64_t) (unsigned) r[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* The tabulated completions of the last two columns from sorted row sums r. */
static void fx_add_pair(const fx_state *s, const int *r, int *x, int i, int left,
                        double acc, double *vals, R_xlen_t *at) {
  int C = s->C;
  if (i == s->R - 1) {
    if (left > r[i]) return;
    double v = acc - s->lf[left] - s->lf[r[i] - left];
    vals[(*at)++] = v + s->lf[s->cs[C - 2]] + s->lf[s->cs[C - 1]];
    return;
  }
  int rest = 0;
  for (int k = i + 1; k < s->R; k++) rest += r[k];
  int from = left - rest > 0 ? left - rest : 0;
  int to = r[i] < left ? r[i] : left;
  for (int v = from; v <= to; v++) {
    x[i] = v;
    fx_add_pair(s, r, x, i + 1, left - v,
                acc - s->lf[v] - s->lf[r[i] - v], vals, at);
  }
}

/* The number of ways to fill a column of total c within caps r, bounded. */
static double fx_count(const int *r, int R, int c) {
  /* count by dynamic programming over rows: ways[t] to reach total t */
  double *ways = (double *) R_alloc((size_t) c + 1, sizeof(double));
  for (int t = 0; t <= c; t++) ways[t] = t == 0;
  for (int i = 0; i < R; i++)
    for (int t = c; t >= 0; t--) {
      double w = 0;
      for (int v = 0; v <= r[i] && v <= t; v++) w += ways[t - v];
      ways[t] = w;
    }
  return ways[c];
}

static fx_entry *fx_lookup(fx_state *s, const int *r);

/* Ascending sort of doubles without NaN, inlined (qsort's comparator calls
 * dominated the tabulation): quicksort on the median of three, insertion
 * sort below 16, the smaller side first so the stack stays O(log n). */
static void sort_doubles(double *v, R_xlen_t n) {
  while (n > 16) {
    double a = v[0], b = v[n / 2], c = v[n - 1];
    double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    R_xlen_t i = 0, j = n - 1;
    for (;;) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i >= j) break;
      double t = v[i]; v[i] = v[j]; v[j] = t;
      i++;
      j--;
    }
    /* v[0..j] <= pivot <= v[j+1..n-1] */
    R_xlen_t left = j + 1;
    if (left < n - left) {
      sort_doubles(v, left);
      v += left;
      n -= left;
    } else {
      sort_doubles(v + left, n - left);
      n = left;
    }
  }
  for (R_xlen_t i = 1; i < n; i++) {
    double t = v[i];
    R_xlen_t j = i;
    while (j > 0 && v[j - 1] > t) { v[j] = v[j - 1]; j--; }
    v[j] = t;
  }
}

static void fx_memo_init(fx_state *s, R_xlen_t slots) {
  s->slots = slots;
  s->keys = (int *) R_alloc((size_t) slots * s->R, sizeof(int));
  s->entries = (fx_entry *) R_alloc((size_t) slots, sizeof(fx_entry));
  for (R_xlen_t k = 0; k < slots; k++) s->entries[k].count = -1;
}

/* Twice the slots of the tabulated nodes, their tables kept. */
static void fx_memo_grow(fx_state *s) {
  int R = s->R;
  R_xlen_t old_slots = s->slots;
  int *old_keys = s->keys;
  fx_entry *old_entries = s->entries;
  fx_memo_init(s, 2 * old_slots);
  for (R_xlen_t k = 0; k < old_slots; k++) {
    if (old_entries[k].count < 0) continue;
    R_xlen_t slot = (R_xlen_t) (fx_hash(old_keys + k * R, R) % (uint64_t) s->slots);
    while (s->entries[slot].count >= 0) slot = (slot + 1) % s->slots;
    s->entries[slot] = old_entries[k];
    memcpy(s->keys + slot * R, old_keys + k * R, sizeof(int) * R);
  }
}

static fx_entry *fx_lookup(fx_state *s, const int *r) {
  int R = s->R;
  uint64_t h = fx_hash(r, R);
  R_xlen_t slot = (R_xlen_t) (h % (uint64_t) s->slots);
  while (s->entries[slot].count >= 0) {
    if (memcmp(s->keys + slot * R, r, sizeof(int) * R) == 0)
      return &s->entries[slot];
    slot = (slot + 1) % s->slots;
  }
  /* new node: tabulate (in a table grown to keep it half empty) */
  if (2 * (s->used + 1) > s->slots) {
    if (2 * s->slots > FX_MAX_PATHS) {
      s->too_large = 1;
      return NULL;
    }
    fx_memo_grow(s);
    return fx_lookup(s, r);
  }
  double count = fx_count(r, R, s->cs[s->C - 2]);
  if (s->memo_size + count > FX_MAX_MEMO) {
    s->too_large = 1;
    return NULL;
  }
  s->memo_size += count;
  fx_entry *e = &s->entries[slot];
  memcpy(s->keys + slot * R, r, sizeof(int) * R);
  e->vals = (double *) R_alloc((size_t) count + 1, sizeof(double));
  e->cum = NULL;
  e->queries = 0;
  int *x = (int *) R_alloc(R, sizeof(int));
  R_xlen_t at = 0;
  fx_add_pair(s, r, x, 0, s->cs[s->C - 2], 0, e->vals, &at);
  double top = R_NegInf, bottom = R_PosInf;
  for (R_xlen_t k = 0; k < at; k++) {
    if (e->vals[k] > top) top = e->vals[k];
    if (e->vals[k] < bottom) bottom = e->vals[k];
  }
  e->top = top;
  e->bottom = bottom;
  e->count = at;
  s->used++;
  return e;
}

/* A path through the network: the node it reaches at the current stage,
 * its value so far and how many tables share that value (paths with equal
 * values at one node are merged, as in Mehta and Patel's algorithm). */
typedef struct {
  R_xlen_t node;
  double value;
  double weight;
} fx_path;

/* The nodes of one stage: sorted row sums as keys in a hash table, with
 * the bounds of their completions. */
typedef struct fx_nodes {
  int R;
  R_xlen_t slots, count, cap;
  R_xlen_t *slot_id;  /* slot -> node id, -1 when empty */
  int *keys;          /* node id -> R row sums */
  double *hi, *lo, *total;
} fx_nodes;

static void fx_nodes_init(fx_nodes *t, int R, R_xlen_t slots) {
  t->R = R;
  t->slots = slots;
  t->count = 0;
  t->cap = slots / 2;
  t->slot_id = (R_xlen_t *) R_alloc((size_t) slots, sizeof(R_xlen_t));
  for (R_xlen_t k = 0; k < slots; k++) t->slot_id[k] = -1;
  t->keys = (int *) R_alloc((size_t) t->cap * R, sizeof(int));
  t->hi = (double *) R_alloc((size_t) t->cap, sizeof(double));
  t->lo = (double *) R_alloc((size_t) t->cap, sizeof(double));
  t->total = (double *) R_alloc((size_t) t->cap, sizeof(double));
}

/* Twice the slots, the nodes kept with their ids. */
static void fx_nodes_grow(fx_nodes *t) {
  fx_nodes g;
  fx_nodes_init(&g, t->R, 2 * t->slots);
  int R = t->R;
  memcpy(g.keys, t->keys, sizeof(int) * (size_t) t->count * R);
  memcpy(g.hi, t->hi, sizeof(double) * (size_t) t->count);
  memcpy(g.lo, t->lo, sizeof(double) * (size_t) t->count);
  memcpy(g.total, t->total, sizeof(double) * (size_t) t->count);
  for (R_xlen_t id = 0; id < t->count; id++) {
    R_xlen_t slot = (R_xlen_t) (fx_hash(t->keys + id * R, R) % (uint64_t) g.slots);
    while (g.slot_id[slot] >= 0) slot = (slot + 1) % g.slots;
    g.slot_id[slot] = id;
  }
  g.count = t->count;
  *t = g;
}

static int fx_bounds(fx_state *s, int k, const int *r, double *hi, double *lo);

/* Id of the node with sorted row sums r at stage k (its columns k..C-1
 * still to fill), added with its bounds when new; -1 when the table is
 * full or a limit is passed. */
static R_xlen_t fx_node_id(fx_state *s, fx_nodes *t, const int *r, int k) {
  int R = s->R;
  R_xlen_t slot = (R_xlen_t) (fx_hash(r, R) % (uint64_t) t->slots);
  while (t->slot_id[slot] >= 0) {
    R_xlen_t id = t->slot_id[slot];
    if (memcmp(t->keys + id * R, r, sizeof(int) * R) == 0) return id;
    slot = (slot + 1) % t->slots;
  }
  if (t->count >= t->cap) {
    if (2 * t->slots > FX_MAX_PATHS) return -1;
    fx_nodes_grow(t);
    return fx_node_id(s, t, r, k);
  }
  double hi, lo;
  if (!fx_bounds(s, k, r, &hi, &lo)) return -1;
  R_xlen_t id = t->count++;
  t->slot_id[slot] = id;
  memcpy(t->keys + id * R, r, sizeof(int) * R);
  double total = 0;
  int n = 0;
  for (int i = 0; i < R; i++) {
    total -= s->lf[r[i]];
    n += r[i];
  }
  t->hi[id] = hi;
  t->lo[id] = lo;
  t->total[id] = total + s->lf[n];
  return id;
}

/* The children of a node: every column vector x of total cs[k] within the
 * row sums r, as the sorted remaining row sums and the column's value
 * log cs[k]! - sum log x!. */
typedef struct fx_children {
  int *rows;     /* count * R */
  double *value;
  R_xlen_t count, cap;
  int overflow;  /* more children than cap: the node is too large */
} fx_children;

static void fx_child_fill(const fx_state *s, const int *r, int *x, int i,
                          int left, double acc, fx_children *ch) {
  int R = s->R;
  if (i == R - 1) {
    if (left > r[i]) return;
    if (ch->count >= ch->cap) {
      ch->overflow = 1;
      return;
    }
    x[i] = left;
    int *out = ch->rows + ch->count * R;
    /* the remaining row sums, sorted by insertion (R is small) */
    for (int a = 0; a < R; a++) {
      int v = r[a] - x[a], b = a;
      while (b > 0 && out[b - 1] > v) { out[b] = out[b - 1]; b--; }
      out[b] = v;
    }
    ch->value[ch->count++] = acc - s->lf[left];
    return;
  }
  int rest = 0;
  for (int a = i + 1; a < R; a++) rest += r[a];
  int from = left - rest > 0 ? left - rest : 0;
  int to = r[i] < left ? r[i] : left;
  for (int v = from; v <= to && !ch->overflow; v++) {
    x[i] = v;
    fx_child_fill(s, r, x, i + 1, left - v, acc - s->lf[v], ch);
  }
}

/* Node ids in a bounds table without bounds of their own: the slot lookup
 * of fx_node_id, less the insertion. */
static R_xlen_t fx_find(const fx_nodes *t, const int *r) {
  int R = t->R;
  R_xlen_t slot = (R_xlen_t) (fx_hash(r, R) % (uint64_t) t->slots);
  while (t->slot_id[slot] >= 0) {
    R_xlen_t id = t->slot_id[slot];
    if (memcmp(t->keys + id * R, r, sizeof(int) * R) == 0) return id;
    slot = (slot + 1) % t->slots;
  }
  return -1;
}

/* The longest (hi) and shortest (lo) path from node r at stage k to the
 * end of the network: the largest and smallest value of any completion of
 * columns k..C-1, exact (Mehta and Patel's path lengths), by recursion over
 * the children with one memo per stage; the last two columns read them off
 * their tabulated completions. A path whose value plus lo already exceeds
 * the observed one has no table to add, one whose value plus hi does not
 * has all of them: both are settled without enumeration. Returns 0 when a
 * limit is passed (s->too_large). */
/* Value change of one more (up = 1) or one less (up = 0) in row i of the
 * second-last column, x of r in it: lf differences of x! (r - x)!. */
static inline double fx_step(const double *lf, int x, int r, int up) {
  return up ? lf[x] - lf[x + 1] + lf[r - x] - lf[r - x - 1]
            : lf[x] - lf[x - 1] + lf[r - x] - lf[r - x + 1];
}

/* Bounds of the last two columns from row sums r without tabulating them,
 * for up to FX_SUBSET_ROWS rows. The value is lf[c1] + lf[c2] - sum g(x_i)
 * with g(x) = lf[x] + lf[r_i - x] convex and sum x = c1 within 0..r.
 * Longest path: the minimum of a separable convex sum, found from the
 * proportional split by unit moves between rows (a split no move improves
 * is optimal for separable convex functions). Shortest: the maximum, at a
 * vertex of the polytope: every row but one (j) at 0 or r_i, where
 * g = lf[r_i] either way, so the best over j and the subsets' sums of the
 * other rows of lf[x_j] + lf[r_j - x_j], x_j = c1 - that sum. */
#define FX_SUBSET_ROWS 10
static void fx_last_two_bounds(const fx_state *s, const int *r, double *hi, double *lo) {
  const double *lf = s->lf;
  int R = s->R, c1 = s->cs[s->C - 2], n = 0;
  for (int i = 0; i < R; i++) n += r[i];
  double base = lf[c1] + lf[n - c1];
  int x[FX_SUBSET_ROWS];
  int given = 0;
  for (int i = 0; i < R; i++) {
    x[i] = (int) ((double) c1 * r[i] / n);
    given += x[i];
  }
  for (int i = 0; given < c1; i = (i + 1) % R)
    if (x[i] < r[i]) { x[i]++; given++; }
  int moves = 0;
  for (;;) {
    int best_up = -1, best_down = -1;
    double up = R_NegInf, down = R_NegInf;
    for (int i = 0; i < R; i++) {
      if (x[i] < r[i]) {
        double d = fx_step(lf, x[i], r[i], 1);
        if (d > up) { up = d; best_up = i; }
      }
      if (x[i] > 0) {
        double d = fx_step(lf, x[i], r[i], 0);
        if (d > down) { down = d; best_down = i; }
      }
    }
    if (best_up < 0 || best_down < 0 || best_up == best_down || !(up + down > 0) ||
        ++moves > 16 * (c1 + R))
      break;
    x[best_up]++;
    x[best_down]--;
  }
  double g = 0, all = 0;
  for (int i = 0; i < R; i++) {
    g += lf[x[i]] + lf[r[i] - x[i]];
    all += lf[r[i]];
  }
  *hi = base - g;
  double most = R_NegInf;
  for (int j = 0; j < R; j++) {
    int others = R - 1;
    for (unsigned mask = 0; mask < (1u << others); mask++) {
      int sum = 0;
      for (int b = 0, i = 0; i < R; i++) {
        if (i == j) continue;
        if (mask & (1u << b)) sum += r[i];
        b++;
      }
      int xj = c1 - sum;
      if (xj < 0 || xj > r[j]) continue;
      double v = all - lf[r[j]] + lf[xj] + lf[r[j] - xj];
      if (v > most) most = v;
    }
  }
  *lo = base - most;
}

/* Adds node r with bounds hi, lo to the memo of its stage; 0 when full. */
static int fx_bounds_keep(fx_state *s, fx_nodes *memo, const int *r, double hi,
                          double lo) {
  if (memo->count >= memo->cap) {
    if (2 * memo->slots > FX_MAX_PATHS) {
      s->too_large = 1;
      return 0;
    }
    fx_nodes_grow(memo);
  }
  R_xlen_t slot = (R_xlen_t) (fx_hash(r, s->R) % (uint64_t) memo->slots);
  while (memo->slot_id[slot] >= 0) slot = (slot + 1) % memo->slots;
  R_xlen_t id = memo->count++;
  memo->slot_id[slot] = id;
  memcpy(memo->keys + id * s->R, r, sizeof(int) * s->R);
  memo->hi[id] = hi;
  memo->lo[id] = lo;
  return 1;
}

static int fx_bounds(fx_state *s, int k, const int *r, double *hi, double *lo) {
  if (k == s->C - 2 && s->R > FX_SUBSET_ROWS) {
    fx_entry *e = fx_lookup(s, r);
    if (!e) return 0;
    *hi = e->top;
    *lo = e->bottom;
    return 1;
  }
  fx_nodes *memo = &s->bounds[k];
  R_xlen_t id = fx_find(memo, r);
  if (id >= 0) {
    *hi = memo->hi[id];
    *lo = memo->lo[id];
    return 1;
  }
  if (k == s->C - 2) {
    fx_last_two_bounds(s, r, hi, lo);
    return fx_bounds_keep(s, memo, r, *hi, *lo);
  }
  fx_children *ch = &s->kids[k];
  int *x = (int *) R_alloc(s->R, sizeof(int));
  ch->count = 0;
  ch->overflow = 0;
  fx_child_fill(s, r, x, 0, s->cs[k], s->lf[s->cs[k]], ch);
  s->work += (double) ch->count;
  if (ch->overflow || s->work > FX_MAX_WORK) {
    s->too_large = 1;
    return 0;
  }
  double best = R_NegInf, worst = R_PosInf;
  for (R_xlen_t c = 0; c < ch->count; c++) {
    double h, l;
    /* the child's bounds may refill this stage's buffer: none does, the
     * recursion only goes to later stages */
    if (!fx_bounds(s, k + 1, ch->rows + c * s->R, &h, &l)) return 0;
    if (ch->value[c] + h > best) best = ch->value[c] + h;
    if (ch->value[c] + l < worst) worst = ch->value[c] + l;
  }
  *hi = best;
  *lo = worst;
  return fx_bounds_keep(s, memo, r, best, worst);
}

/* The paths of the next stage as they are made: a path reaching a node
 * with the value of one already there (to 1e-12 relative: the same tables'
 * values summed in another order) adds its weight to it. The paths live in
 * an open-addressing hash on the node and the value's 2^-32 grid cell (node
 * -1: empty), so a probe reads no other memory; equal values that straddle
 * a cell edge stay two paths, which only costs time. */
typedef struct {
  fx_path *slot;
  R_xlen_t n, slots;
} fx_collect;

static uint64_t fx_path_hash(R_xlen_t node, double value) {
  uint64_t h = (uint64_t) node * 0x9E3779B97F4A7C15ULL;
  h ^= (uint64_t) (int64_t) floor(value * 4294967296.0) + 0x632BE59BD9B4E019ULL +
       (h << 6) + (h >> 2);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

static void fx_collect_init(fx_collect *c, R_xlen_t slots) {
  c->n = 0;
  c->slots = slots;
  c->slot = (fx_path *) R_alloc((size_t) slots, sizeof(fx_path));
  for (R_xlen_t k = 0; k < slots; k++) c->slot[k].node = -1;
}

static fx_path *fx_collect_find(fx_collect *c, R_xlen_t node, double value) {
  R_xlen_t k = (R_xlen_t) (fx_path_hash(node, value) % (uint64_t) c->slots);
  for (;;) {
    fx_path *q = &c->slot[k];
    if (q->node < 0 ||
        (q->node == node && fabs(q->value - value) <= 1e-12 * fmax(1, fabs(value))))
      return q;
    k = k + 1 == c->slots ? 0 : k + 1;
  }
}

/* Adds a path; returns 0 when the stage would pass FX_MAX_PATHS. */
static int fx_collect_add(fx_collect *c, R_xlen_t node, double value, double weight) {
  fx_path *q = fx_collect_find(c, node, value);
  if (q->node >= 0) {
    q->weight += weight;
    return 1;
  }
  if (2 * (c->n + 1) > c->slots) {
    if (c->slots > FX_MAX_PATHS) return 0;
    fx_collect g;
    fx_collect_init(&g, 2 * c->slots);
    for (R_xlen_t k = 0; k < c->slots; k++)
      if (c->slot[k].node >= 0)
        *fx_collect_find(&g, c->slot[k].node, c->slot[k].value) = c->slot[k];
    g.n = c->n;
    *c = g;
    q = fx_collect_find(c, node, value);
  }
  fx_path np = {node, value, weight};
  *q = np;
  c->n++;
  return 1;
}

/* The collected paths grouped by node (a counting sort over the nodes'
 * ids), as fx_stage reads them. */
static fx_path *fx_collect_by_node(const fx_collect *c, R_xlen_t n_nodes) {
  R_xlen_t *start = (R_xlen_t *) R_alloc((size_t) n_nodes + 1, sizeof(R_xlen_t));
  memset(start, 0, sizeof(R_xlen_t) * ((size_t) n_nodes + 1));
  for (R_xlen_t k = 0; k < c->slots; k++)
    if (c->slot[k].node >= 0) start[c->slot[k].node + 1]++;
  for (R_xlen_t id = 0; id < n_nodes; id++) start[id + 1] += start[id];
  fx_path *out = (fx_path *) R_alloc((size_t) (c->n ? c->n : 1), sizeof(fx_path));
  for (R_xlen_t k = 0; k < c->slots; k++)
    if (c->slot[k].node >= 0) out[start[c->slot[k].node]++] = c->slot[k];
  return out;
}

/* Mass of the completions of a last-two-columns node with value
 * <= obs - value, weighted. */
static void fx_add_last_two(fx_state *s, fx_entry *e, double value,
                            double weight) {
  double limit = s->obs - value;
  /* a node queried once is scanned; from the second query on its values
   * are sorted with cumulative sums, for a binary search */
  if (!e->cum && e->queries++ < 1) {
    long double sum = 0;
    for (R_xlen_t k = 0; k < e->count; k++)
      if (e->vals[k] <= limit) sum += exp(e->vals[k] - e->top);
    s->p += (long double) weight * sum * exp(value + e->top - s->dro);
    return;
  }
  if (!e->cum) {
    sort_doubles(e->vals, e->count);
    e->cum = (double *) R_alloc((size_t) e->count + 1, sizeof(double));
    long double c = 0;
    for (R_xlen_t k = 0; k < e->count; k++) {
      c += exp(e->vals[k] - e->top);
      e->cum[k] = (double) c;
    }
  }
  R_xlen_t lo = 0, hi = e->count;
  while (lo < hi) {
    R_xlen_t mid = lo + (hi - lo) / 2;
    if (e->vals[mid] <= limit) lo = mid + 1; else hi = mid;
  }
  if (lo == 0) return;
  s->p += (long double) weight * e->cum[lo - 1] * exp(value + e->top - s->dro);
}


static int cmp_path_value(const void *a, const void *b) {
  double x = ((const fx_path *) a)->value, y = ((const fx_path *) b)->value;
  return (x > y) - (x < y);
}

/* Index of the first of the n paths (sorted by value) whose value exceeds
 * limit. */
static R_xlen_t fx_paths_upto(const fx_path *p, R_xlen_t n, double limit) {
  R_xlen_t lo = 0, hi = n;
  while (lo < hi) {
    R_xlen_t mid = lo + (hi - lo) / 2;
    if (p[mid].value <= limit) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* log N'! - sum log r'! of row sums r: the log number of completions. */
static double fx_total(const fx_state *s, const int *r) {
  double total = 0;
  int n = 0;
  for (int i = 0; i < s->R; i++) {
    total -= s->lf[r[i]];
    n += r[i];
  }
  return total + s->lf[n];
}

/* Stage k's paths (grouped by node) into stage k + 1. Each node's children
 * are enumerated once and its paths sorted by value, so that for each
 * child two binary searches split them: the lowest, every completion of
 * which counts, are added at once from prefix sums of weight exp(value);
 * the highest, none of which counts, are dropped; only those between go
 * on (or, before the last two columns, are looked up in the child's
 * tabulated completions). Returns the next stage's paths grouped by node
 * (count in *n_next), NULL after the last stage or when a limit is passed
 * (s->too_large). */
static fx_path *fx_stage(fx_state *s, int k, fx_path *paths, R_xlen_t n_paths,
                         fx_nodes *nodes, fx_nodes *next, R_xlen_t *n_next) {
  int R = s->R, last = k + 1 == s->C - 2;
  fx_collect out;
  if (!last) fx_collect_init(&out, 8192);
  fx_children ch;
  /* a node's row sums are within the root's: it has no more children */
  ch.cap = (R_xlen_t) fmin(fx_count(s->root, R, s->cs[k]) + 1, FX_MAX_CHILDREN);
  ch.rows = (int *) R_alloc((size_t) ch.cap * R, sizeof(int));
  ch.value = (double *) R_alloc((size_t) ch.cap, sizeof(double));
  int *x = (int *) R_alloc(R, sizeof(int));
  /* log of the prefix sums of weight exp(value): the values of one node
   * may span more than a double's exponent range */
  double *pre = (double *) R_alloc((size_t) n_paths + 1, sizeof(double));
  for (R_xlen_t a = 0; a < n_paths;) {
    R_xlen_t b = a;
    while (b < n_paths && paths[b].node == paths[a].node) b++;
    fx_path *grp = paths + a;
    R_xlen_t m = b - a;
    qsort(grp, m, sizeof(fx_path), cmp_path_value);
    pre[0] = R_NegInf;
    for (R_xlen_t q = 0; q < m; q++) {
      double t = log(grp[q].weight) + grp[q].value, u = pre[q];
      pre[q + 1] = u == R_NegInf ? t : fmax(t, u) + log1p(exp(-fabs(t - u)));
    }
    ch.count = 0;
    ch.overflow = 0;
    fx_child_fill(s, nodes->keys + paths[a].node * R, x, 0, s->cs[k],
                  s->lf[s->cs[k]], &ch);
    if (ch.overflow) s->too_large = 1;
    s->work += (double) ch.count * (double) m;
    if (s->work > FX_MAX_WORK) s->too_large = 1;
    if (s->too_large) return NULL;
    for (R_xlen_t c = 0; c < ch.count; c++) {
      const int *r = ch.rows + c * R;
      double cv = ch.value[c], hi, lo;
      if (!fx_bounds(s, k + 1, r, &hi, &lo)) return NULL;
      R_xlen_t all = fx_paths_upto(grp, m, s->obs - cv - hi);
      R_xlen_t some = fx_paths_upto(grp, m, s->obs - cv - lo);
      if (all > 0)
        s->p += exp(pre[all] + cv + fx_total(s, r) - s->dro);
      if (some == all) continue;
      if (last) {
        fx_entry *e = fx_lookup(s, r);
        if (!e) return NULL;
        for (R_xlen_t q = all; q < some; q++)
          fx_add_last_two(s, e, grp[q].value + cv, grp[q].weight);
        continue;
      }
      R_xlen_t id = fx_node_id(s, next, r, k + 1);
      if (id < 0) {
        s->too_large = 1;
        return NULL;
      }
      for (R_xlen_t q = all; q < some; q++) {
        if (!fx_collect_add(&out, id, grp[q].value + cv, grp[q].weight)) {
          s->too_large = 1;
          return NULL;
        }
      }
    }
    R_CheckUserInterrupt();
    a = b;
  }
  if (last) {
    *n_next = 0;
    return NULL;
  }
  *n_next = out.n;
  return fx_collect_by_node(&out, next->count);
}

/* p-value of Fisher's exact test of the r x c table t; VCF_TOO_LARGE when
 * the network would exceed FX_MAX_WORK nodes or FX_MAX_MEMO tabulated
 * completions. */
static int fisher_rxc(const ctable *t, double *p) {
  int tr = t->nr > t->nc;  /* rows are the shorter side */
  int R = tr ? t->nc : t->nr, C = tr ? t->nr : t->nc;
  int *rs = (int *) R_alloc(R, sizeof(int));
  int *cs = (int *) R_alloc(C, sizeof(int));
  int *obs = (int *) R_alloc((size_t) R * C, sizeof(int));
  for (int a = 0; a < t->nr; a++)
    for (int b = 0; b < t->nc; b++) {
      int v = (int) t->o[a + b * t->nr];
      if (tr) obs[b + a * R] = v; else obs[a + b * R] = v;
    }
  for (int i = 0; i < R; i++) rs[i] = (int) (tr ? t->sc[i] : t->sr[i]);
  for (int c = 0; c < C; c++) cs[c] = (int) (tr ? t->sr[c] : t->sc[c]);
  int N = (int) t->n;
  double *lf = (double *) R_alloc((size_t) N + 1, sizeof(double));
  long double acc = 0;
  lf[0] = 0;
  for (int i = 1; i <= N; i++) {
    acc += logl((long double) i);
    lf[i] = (double) acc;
  }
  fx_state s;
  s.R = R;
  s.C = C;
  /* observed value, by column: log c! - sum log x! */
  double obsv = 0;
  for (int c = 0; c < C; c++) {
    obsv += lf[cs[c]];
    for (int i = 0; i < R; i++) obsv -= lf[obs[i + c * R]];
  }
  s.obs = obsv + FX_TOL;
  qsort(cs, C, sizeof(int), cmp_int);
  s.cs = cs;
  s.lf = lf;
  s.dro = lf[N];
  for (int i = 0; i < R; i++) s.dro -= lf[rs[i]];
  s.p = 0;
  s.work = 0;
  s.memo_size = 0;
  s.too_large = 0;
  fx_memo_init(&s, 1024);
  s.used = 0;
  int *root = (int *) R_alloc(R, sizeof(int));
  memcpy(root, rs, sizeof(int) * R);
  qsort(root, R, sizeof(int), cmp_int);
  s.root = root;
  s.bounds = (fx_nodes *) R_alloc(C, sizeof(fx_nodes));
  s.kids = (fx_children *) R_alloc(C, sizeof(fx_children));
  for (int k = 0; k + 2 <= C; k++) fx_nodes_init(&s.bounds[k], R, 1024);
  for (int k = 0; k + 2 < C; k++) {
    /* a node's row sums are within the root's: it has no more children */
    double most = fx_count(root, R, cs[k]) + 1;
    fx_children *ch = &s.kids[k];
    ch->cap = (R_xlen_t) fmin(most, FX_MAX_CHILDREN);
    ch->rows = (int *) R_alloc((size_t) ch->cap * R, sizeof(int));
    ch->value = (double *) R_alloc((size_t) ch->cap, sizeof(double));
  }
  if (C == 2) {
    fx_entry *e = fx_lookup(&s, root);
    if (e) fx_add_last_two(&s, e, 0, 1);
  } else {
    fx_nodes nodes;
    fx_nodes_init(&nodes, R, 4);
    fx_path start = {fx_node_id(&s, &nodes, root, 0), 0, 1};
    fx_path *paths = &start;
    R_xlen_t n_paths = 1;
    for (int k = 0; k + 2 < C && !s.too_large && n_paths > 0; k++) {
      fx_nodes next;
      fx_nodes_init(&next, R, 1024);
      R_xlen_t n_next = 0;
      paths = fx_stage(&s, k, paths, n_paths, &nodes, &next, &n_next);
      nodes = next;
      n_paths = n_next;
    }
  }
  if (s.too_large) return VCF_TOO_LARGE;
  double pv = (double) s.p;
  *p = pv > 1 ? 1 : pv;
  return VCF_OK;
}

/* Fisher's test of a reduced table: 2 x 2 with estimate and interval, or
 * r x c by the network algorithm. */
typedef struct {
  test_opts o;
  int simulate;   /* r x c tables left to the Monte Carlo p-value */
} fisher_ctx;

static int fisher_table(const ctable *t, const void *ctx, double *res,
                        R_xlen_t nrow, R_xlen_t j) {
  const fisher_ctx *f = (const fisher_ctx *) ctx;
  const test_opts *o = &f->o;
  int two_by_two = t->nr == 2 && t->nc == 2;
  /* The R layer draws the tables (C_compare_table_sim), which needs the
   * total as an int. */
  if (f->simulate && !two_by_two) return t->n > INT_MAX ? VCF_TOO_LARGE : VCF_OK;
  /* Counts become ints below (support, log factorial tables): refuse what
   * an int cannot index or a table of that size would not finish. */
  if (t->n > FX_MAX_N) return VCF_TOO_LARGE;
  if (two_by_two) {
    fisher_2x2(t, o, res, nrow, j);
    return VCF_OK;
  }
  double p;
  int status = fisher_rxc(t, &p);
  if (status == VCF_OK) AT(res, nrow, j, FI_P) = p;
  return status;
}

/* C_compare_fisher(X, nlev, gk, ngroups, opts, simulate): Fisher's exact
 * test of every variable of X against the groups; with simulate TRUE the
 * r x c tables get no p-value here (the R layer simulates it). Returns
 * list(result matrix with fisher_cols, list of full count tables). */
static SEXP C_compare_fisher(SEXP X, SEXP nlev, SEXP gk, SEXP ngroups,
                             SEXP opts, SEXP simulate) {
  groups G = groups_of(gk, ngroups, 1, CMP_MAX_GROUPS);
  check_categorical(X, nlev, G.n);
  vcf_arg_scalar(simulate, LGLSXP, "simulate");
  fisher_ctx f = {opts_of(opts), LOGICAL(simulate)[0] == 1};
  return run_table_tests(X, nlev, &G, fisher_cols, FI_NCOL, FI_N, FI_STATUS,
                         fisher_table, &f);
}

/* ---- Monte Carlo p-values: simulate.p.value ----------------------------- */

/* chisq.test and fisher.test draw their tables with stats' rcont2
 * (Patefield's algorithm) from R's generator; stats registers that very
 * routine for packages, so the draws here are theirs, draw for draw. */
typedef void (*rcont2_fun)(int, int, const int[], const int[], int,
                           const double[], int[], int[]);

static rcont2_fun stats_rcont2(void) {
  static rcont2_fun fun = NULL;
  if (fun == NULL) fun = (rcont2_fun) R_GetCCallable("stats", "rcont2");
  return fun;
}

/* Margins of a count matrix with no empty row or column, as ints. */
typedef struct {
  int nr, nc, n;
  const double *x;
  int *sr, *sc;
} sim_table;

static sim_table sim_table_of(SEXP tab) {
  vcf_arg_type(tab, REALSXP, "table");
  SEXP dim = Rf_getAttrib(tab, R_DimSymbol);
  if (TYPEOF(dim) != INTSXP || XLENGTH(dim) != 2)
    Rf_error("`table` must be a matrix.");
  sim_table t;
  t.nr = INTEGER(dim)[0];
  t.nc = INTEGER(dim)[1];
  if (t.nr < 2 || t.nc < 2) Rf_error("`table` must have 2 rows and 2 columns at least.");
  t.x = REAL_RO(tab);
  t.sr = (int *) R_alloc(t.nr, sizeof(int));
  t.sc = (int *) R_alloc(t.nc, sizeof(int));
  memset(t.sr, 0, sizeof(int) * (size_t) t.nr);
  memset(t.sc, 0, sizeof(int) * (size_t) t.nc);
  double total = 0;
  for (int b = 0; b < t.nc; b++)
    for (int a = 0; a < t.nr; a++) {
      double v = t.x[a + (R_xlen_t) b * t.nr];
      if (!(v >= 0) || v != floor(v) || v > INT_MAX)
        Rf_error("`table` must hold whole counts.");
      total += v;
      if (total > INT_MAX) Rf_error("`table` must total at most %d.", INT_MAX);
      t.sr[a] += (int) v;
      t.sc[b] += (int) v;
    }
  for (int a = 0; a < t.nr; a++) if (t.sr[a] == 0) Rf_error("`table` has an empty row.");
  for (int b = 0; b < t.nc; b++) if (t.sc[b] == 0) Rf_error("`table` has an empty column.");
  t.n = (int) total;
  return t;
}

static int cmp_double_desc(const void *a, const void *b) {
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

/* Work limit of a Monte Carlo p-value: 1e7 random tables (tens of seconds
 * for a 5 x 7 table), as for the wild bootstrap; R/compare.R documents it. */
#define COMPARE_MAX_SIM_B 1e7

/* C_compare_table_sim(table, B, fisher): the Monte Carlo p-value of
 * chisq.test(table, simulate.p.value = TRUE, B = B) (fisher FALSE) or of
 * fisher.test(table, simulate.p.value = TRUE, B = B) (TRUE), table a
 * double matrix of counts without empty rows or columns. Returns
 * c(statistic, p_value): X-squared, or -sum(lfactorial(table)).
 *
 * As base R: the log factorials that rcont2 and the simulated Fisher
 * statistics use are cumulative sums of logs; the simulated chi-squares
 * are summed column by column in double; the observed X-squared sums its
 * terms in decreasing order and -sum(lfactorial()) in column order, both
 * in long double as sum() does; the p-value counts the draws at least as
 * extreme within 64 ulps (chisq.test's and fisher.test's almost.1). */
static SEXP C_compare_table_sim(SEXP table, SEXP B, SEXP fisher) {
  sim_table t = sim_table_of(table);
  vcf_arg_scalar(B, REALSXP, "B");
  double Bd = REAL(B)[0];
  if (!(Bd >= 1 && Bd <= COMPARE_MAX_SIM_B && Bd == floor(Bd)))
    Rf_error("`B` must be a whole number in [1, %.0f].", COMPARE_MAX_SIM_B);
  vcf_arg_scalar(fisher, LGLSXP, "fisher");
  int is_fisher = LOGICAL(fisher)[0] == 1, nb = (int) Bd;
  size_t cells = (size_t) t.nr * (size_t) t.nc;

  double *fact = (double *) R_alloc((size_t) t.n + 1, sizeof(double));
  fact[0] = 0;
  if (t.n >= 1) fact[1] = 0;
  for (int i = 2; i <= t.n; i++) fact[i] = fact[i - 1] + log(i);

  double *e = (double *) R_alloc(cells, sizeof(double));
  double *terms = (double *) R_alloc(cells, sizeof(double));
  long double s = 0;
  for (int b = 0; b < t.nc; b++)
    for (int a = 0; a < t.nr; a++) {
      size_t k = a + (size_t) b * t.nr;
      double x = t.x[k];
      e[k] = (double) t.sr[a] * (double) t.sc[b] / (double) t.n;
      terms[k] = (x - e[k]) * (x - e[k]) / e[k];
      s += Rf_lgammafn(x + 1);
    }
  double stat;
  if (is_fisher) {
    stat = -(double) s;
  } else {
    qsort(terms, cells, sizeof(double), cmp_double_desc);
    s = 0;
    for (size_t k = 0; k < cells; k++) s += terms[k];
    stat = (double) s;
  }
  double cut = is_fisher ? stat / (1 + 64 * DBL_EPSILON) : (1 - 64 * DBL_EPSILON) * stat;

  rcont2_fun rcont2 = stats_rcont2();
  int *jwork = (int *) R_alloc(t.nc, sizeof(int));
  int *drawn = (int *) R_alloc(cells, sizeof(int));
  double hits = 0;
  GetRNGstate();
  for (int it = 0; it < nb; it++) {
    rcont2(t.nr, t.nc, t.sr, t.sc, t.n, fact, jwork, drawn);
    double v = 0;
    if (is_fisher) {
      for (size_t k = 0; k < cells; k++) v -= fact[drawn[k]];
      hits += v <= cut;
    } else {
      for (size_t k = 0; k < cells; k++) {
        double d = drawn[k] - e[k];
        v += d * d / e[k];
      }
      hits += v >= cut;
    }
    if ((it & 1023) == 1023) {
      PutRNGstate();   /* an interrupt leaves .Random.seed where the draws are */
      R_CheckUserInterrupt();
      GetRNGstate();
    }
  }
  PutRNGstate();
  double p = (1 + hits) / (Bd + 1);
  SEXP out = PROTECT(Rf_allocVector(REALSXP, 2));
  REAL(out)[0] = stat;
  REAL(out)[1] = p > 1 ? 1 : p;
  UNPROTECT(1);
  return out;
}

/* C_compare_gof_sim(draws, n, E, stat): of the tables of n consecutive
 * draws each (level codes 1..length(E), as sample.int gives them), how
 * many have sum((table - E)^2 / E) >= (1 - 64 eps) stat: the count
 * chisq.test(x, p = p, simulate.p.value = TRUE) adds up over its apply(),
 * each statistic summed over the levels in long double as sum() does. */
static SEXP C_compare_gof_sim(SEXP draws, SEXP n, SEXP E, SEXP stat) {
  vcf_arg_type(draws, INTSXP, "draws");
  vcf_arg_scalar(n, INTSXP, "n");
  vcf_arg_type(E, REALSXP, "E");
  vcf_arg_scalar(stat, REALSXP, "stat");
  int nn = INTEGER(n)[0], k = (int) XLENGTH(E);
  if (nn < 1 || XLENGTH(draws) % nn != 0)
    Rf_error("`draws` must hold whole tables of `n` draws.");
  if (k < 1) Rf_error("`E` must not be empty.");
  const int *d = INTEGER_RO(draws);
  const double *ev = REAL_RO(E);
  double cut = (1 - 64 * DBL_EPSILON) * REAL(stat)[0];
  R_xlen_t reps = XLENGTH(draws) / nn;
  int *cnt = (int *) R_alloc(k, sizeof(int));
  double hits = 0;
  for (R_xlen_t r = 0; r < reps; r++) {
    memset(cnt, 0, sizeof(int) * (size_t) k);
    const int *dr = d + r * nn;
    for (int i = 0; i < nn; i++) {
      if (dr[i] < 1 || dr[i] > k) Rf_error("`draws` must be codes 1..length(E).");
      cnt[dr[i] - 1]++;
    }
    long double s = 0;
    for (int c = 0; c < k; c++) {
      double dev = cnt[c] - ev[c];
      s += dev * dev / ev[c];
    }
    hits += (double) s >= cut;
    if ((r & 1023) == 1023) R_CheckUserInterrupt();
  }
  return Rf_ScalarReal(hits);
}

/* ---- Wilcoxon tests ----------------------------------------------------- */

/* Ranks of the union of two sorted samples a and b with midranks for ties,
 * as rank() gives them (infinite values rank as the largest or smallest,
 * equal infinities tie): returns the rank sum of a; *tie_term gets
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

/* wilcox.test(digits.rank = d) ranks signif(v, d) rather than v (the
 * statistic and its ties; estimates and intervals use the values). signif
 * never decreases, so a sorted vector stays sorted; it keeps zero and the
 * sign. Rounds v[0..n-1] in place; nothing for an infinite d. */
static void rank_round(double *v, R_xlen_t n, const test_opts *o) {
  if (!R_FINITE(o->digits)) return;
  for (R_xlen_t i = 0; i < n; i++) v[i] = Rf_fprec(v[i], o->digits);
}

static const char *const wx_cols[] = {
  "statistic", "df", "p_value", "n", "n1", "n2", "exact", "estimate",
  "ci_low", "ci_high", "status"};
enum { WX_STAT, WX_DF, WX_P, WX_N, WX_N1, WX_N2, WX_EXACT, WX_EST, WX_LO,
       WX_HI, WX_STATUS, WX_NCOL };

/* wilcox.test's continuity correction of a centred statistic z. */
static double wilcoxon_correction(double z, const test_opts *o, int correct) {
  if (!correct) return 0;
  if (o->alternative == ALT_GREATER) return 0.5;
  if (o->alternative == ALT_LESS) return -0.5;
  return z > 0 ? 0.5 : (z < 0 ? -0.5 : 0);
}

/* Sizes up to which the exact distributions are computed on request
 * (exact = TRUE): Rmath's pwilcox tabulates about (m n)^2 / 8 doubles and
 * psignrank n (n + 1) / 4, so larger samples would exhaust memory. */
#define WX_EXACT_MAX_MN 12000.0
#define WX_EXACT_MAX_N 5000.0

/* The median of a sorted vector, as median(). */
static double sorted_median(const double *v, R_xlen_t n) {
  R_xlen_t h = n / 2;
  if (n % 2) return v[h];
  return (double) (((long double) v[h - 1] + v[h]) / 2);
}

/* The z statistic of a Wilcoxon test at a shifted null d, and the data it
 * needs; one struct serves both tests (`two_sample`). R's uniroot turns an
 * infinite value of f into the largest double and stops on NaN; `failed`
 * records the latter. */
typedef struct {
  int two_sample;
  const double *x;   /* sorted ascending */
  R_xlen_t nx;
  const double *y;   /* rank sum: the second sample, sorted, as ranked */
  R_xlen_t ny;
  double *work;      /* nx (+ ny) doubles */
  const test_opts *o;
  int correct;
  double zq;         /* subtracted from the statistic: wdiff(d, zq) */
  int failed;
} wx_fun;

/* wilcox.test's W(d) of the signed-rank confidence interval: ranks of
 * |x - d| without zeros, V - nx (nx + 1) / 4 with tie and continuity
 * corrections, over its sigma. x is sorted, so x - d is too: the negative
 * part read backwards gives |x - d| in order without a sort. */
static double signrank_z(wx_fun *f, double d) {
  double *pos = f->work, *neg = f->work + f->nx;
  R_xlen_t np = 0, nn = 0;
  for (R_xlen_t i = 0; i < f->nx; i++) {
    double v = f->x[i] - d;
    if (v > 0) pos[np++] = v;
  }
  for (R_xlen_t i = f->nx - 1; i >= 0; i--) {
    double v = f->x[i] - d;
    if (v < 0) neg[nn++] = -v;
  }
  rank_round(pos, np, f->o);
  rank_round(neg, nn, f->o);
  double tie_term;
  int ties;
  double n = (double) (np + nn);
  double z = rank_sum(pos, np, neg, nn, &tie_term, &ties) - n * (n + 1) / 4;
  double sigma = sqrt(n * (n + 1) * (2 * n + 1) / 24 - tie_term / 48);
  return (z - wilcoxon_correction(z, f->o, f->correct)) / sigma;
}

/* W(d) of the rank-sum interval: ranks of c(x - d, y). */
static double ranksum_z(wx_fun *f, double d) {
  double *xd = f->work;
  for (R_xlen_t i = 0; i < f->nx; i++) xd[i] = f->x[i] - d;
  rank_round(xd, f->nx, f->o);
  double tie_term;
  int ties;
  double nx = (double) f->nx, ny = (double) f->ny;
  double z = rank_sum(xd, f->nx, f->y, f->ny, &tie_term, &ties) -
             nx * (nx + 1) / 2 - nx * ny / 2;
  double sigma = sqrt((nx * ny / 12) *
                      ((nx + ny + 1) - tie_term / ((nx + ny) * (nx + ny - 1))));
  return (z - wilcoxon_correction(z, f->o, f->correct)) / sigma;
}

static double wx_root_fun(double d, void *info) {
  wx_fun *f = (wx_fun *) info;
  double v = (f->two_sample ? ranksum_z(f, d) : signrank_z(f, d)) - f->zq;
  if (ISNAN(v)) f->failed = 1;
  if (v == R_PosInf) return DBL_MAX;
  if (v == R_NegInf) return -DBL_MAX;
  return v;
}

/* uniroot(wdiff, c(lo, hi), f.lower = flo, f.upper = fhi, tol = 1e-4,
 * zq = zq)$root, NaN when uniroot would stop with an error. */
static double wx_root(wx_fun *f, double lo, double hi, double flo, double fhi,
                      double zq) {
  f->zq = zq;
  f->failed = 0;
  double r = uniroot(lo, hi, flo, fhi, wx_root_fun, f, 1e-4);
  return f->failed ? R_NaN : r;
}

/* The Hodges-Lehmann estimate and asymptotic interval of wilcox.test
 * (conf.int = TRUE, normal branch), written to est and ci[2]. */
static void wilcoxon_asymptotic_ci(wx_fun *f, double mumin, double mumax,
                                   double *est, double *ci) {
  const test_opts *o = f->o;
  double alpha = 1 - o->level;
  f->zq = 0;
  double wmin = f->two_sample ? ranksum_z(f, mumin) : signrank_z(f, mumin);
  double wmax = f->two_sample ? ranksum_z(f, mumax) : signrank_z(f, mumax);
  ci[0] = o->alternative == ALT_LESS ? R_NegInf : R_NaN;
  ci[1] = o->alternative == ALT_GREATER ? R_PosInf : R_NaN;
  if (!f->two_sample && (!R_FINITE(wmin) || !R_FINITE(wmax))) {
    *est = (mumin + mumax) / 2;  /* wilcox.test's midrange */
    return;
  }
  if (f->two_sample) {
    /* root(): an end already past zq is the bound itself. */
    double zl = Rf_qnorm5(o->alternative == ALT_TWO_SIDED ? alpha / 2 : alpha,
                          0, 1, 0, 0);
    double zu = Rf_qnorm5(o->alternative == ALT_TWO_SIDED ? alpha / 2 : alpha,
                          0, 1, 1, 0);
    if (o->alternative != ALT_LESS)
      ci[0] = wmin - zl <= 0 ? mumin : wmax - zl >= 0 ? mumax :
              wx_root(f, mumin, mumax, wmin - zl, wmax - zl, zl);
    if (o->alternative != ALT_GREATER)
      ci[1] = wmin - zu <= 0 ? mumin : wmax - zu >= 0 ? mumax :
              wx_root(f, mumin, mumax, wmin - zu, wmax - zu, zu);
  } else {
    /* alpha doubles until the ends bracket the quantiles, as wilcox.test
     * does; at alpha >= 1 the bound is the median. */
    for (;;) {
      double hi_q = o->alternative == ALT_GREATER ? Rf_qnorm5(alpha, 0, 1, 0, 0)
                                                  : Rf_qnorm5(alpha / 2, 0, 1, 0, 0);
      double lo_q = Rf_qnorm5(alpha / 2, 0, 1, 1, 0);
      int widen = o->alternative == ALT_TWO_SIDED ? (wmin - hi_q < 0 || wmax - lo_q > 0)
                : o->alternative == ALT_GREATER ? wmin - hi_q < 0 : wmax - lo_q > 0;
      if (!widen) break;
      alpha *= 2;
    }
    double med = sorted_median(f->x, f->nx);
    double zl = Rf_qnorm5(o->alternative == ALT_TWO_SIDED ? alpha / 2 : alpha, 0, 1, 0, 0);
    double zu = Rf_qnorm5(o->alternative == ALT_TWO_SIDED ? alpha / 2 : alpha, 0, 1, 1, 0);
    if (o->alternative != ALT_LESS)
      ci[0] = alpha < 1 ? wx_root(f, mumin, mumax, wmin - zl, wmax - zl, zl) : med;
    if (o->alternative != ALT_GREATER)
      ci[1] = alpha < 1 ? wx_root(f, mumin, mumax, wmin - zu, wmax - zu, zu) : med;
  }
  /* wilcox.test sets correct <- FALSE before the estimate. */
  f->correct = 0;
  f->zq = 0;
  double emin = f->two_sample ? ranksum_z(f, mumin) : signrank_z(f, mumin);
  double emax = f->two_sample ? ranksum_z(f, mumax) : signrank_z(f, mumax);
  *est = wx_root(f, mumin, mumax, emin, emax, 0);
}

/* The exact interval from the sorted Walsh averages or differences `diffs`
 * (count m) and the quantile function of the statistic: the bounds
 * diffs[qu] and diffs[ql + 1] (1-based) of wilcox.test. */
static void wilcoxon_exact_ci(const double *diffs, double m, double qu_two,
                              double qu_one, const test_opts *o, double *ci) {
  double qu = o->alternative == ALT_TWO_SIDED ? qu_two : qu_one;
  if (qu == 0) qu = 1;
  double ql = m - qu;
  ci[0] = o->alternative == ALT_LESS ? R_NegInf : diffs[(R_xlen_t) qu - 1];
  ci[1] = o->alternative == ALT_GREATER ? R_PosInf : diffs[(R_xlen_t) ql];
}

static void store_wilcoxon(double *res, R_xlen_t nrow, R_xlen_t j, double stat,
                           double p, int exact, const double *est_ci) {
  AT(res, nrow, j, WX_STAT) = stat;
  AT(res, nrow, j, WX_P) = p;
  AT(res, nrow, j, WX_EXACT) = exact;
  AT(res, nrow, j, WX_EST) = est_ci[0];
  AT(res, nrow, j, WX_LO) = est_ci[1];
  AT(res, nrow, j, WX_HI) = est_ci[2];
}

/* wilcox.test(x, y, alternative, mu, exact, correct, conf.int, conf.level)
 * of the two sorted samples, R 4.2.2's rank-sum branch. */
static int ranksum_sorted(double *x, R_xlen_t nxi, double *y, R_xlen_t nyi,
                          const test_opts *o, double *res, R_xlen_t nrow,
                          R_xlen_t j) {
  double nx = (double) nxi, ny = (double) nyi;
  double *xm = (double *) R_alloc(nxi, sizeof(double));
  for (R_xlen_t i = 0; i < nxi; i++) xm[i] = x[i] - o->mu;
  rank_round(xm, nxi, o);
  const double *y_ranked = y;
  if (R_FINITE(o->digits)) {
    double *yr = (double *) R_alloc(nyi, sizeof(double));
    memcpy(yr, y, sizeof(double) * (size_t) nyi);
    rank_round(yr, nyi, o);
    y_ranked = yr;
  }
  double tie_term;
  int ties;
  double w = rank_sum(xm, nxi, y_ranked, nyi, &tie_term, &ties) - nx * (nx + 1) / 2;
  int exact = o->exact < 0 ? nx < 50 && ny < 50 : o->exact;
  if (exact && !ties && nx * ny > WX_EXACT_MAX_MN) return VCF_TOO_LARGE;
  double p, est_ci[3] = {NA_REAL, NA_REAL, NA_REAL};
  int finite = R_FINITE(x[0]) && R_FINITE(x[nxi - 1]) && R_FINITE(y[0]) &&
               R_FINITE(y[nyi - 1]);
  if (exact && !ties) {
    double lower = Rf_pwilcox(w, nx, ny, 1, 0);
    double upper = Rf_pwilcox(w - 1, nx, ny, 0, 0);
    p = o->alternative == ALT_LESS ? lower : o->alternative == ALT_GREATER
        ? upper : fmin(2 * (w > nx * ny / 2 ? upper : lower), 1);
    if (o->conf_int && finite) {
      R_xlen_t m = nxi * nyi, at = 0;
      double *diffs = (double *) R_alloc(m, sizeof(double));
      for (R_xlen_t b = 0; b < nyi; b++)
        for (R_xlen_t a = 0; a < nxi; a++) diffs[at++] = x[a] - y[b];
      qsort(diffs, m, sizeof(double), cmp_double);
      double alpha = 1 - o->level;
      wilcoxon_exact_ci(diffs, (double) m, Rf_qwilcox(alpha / 2, nx, ny, 1, 0),
                        Rf_qwilcox(alpha, nx, ny, 1, 0), o, est_ci + 1);
      est_ci[0] = sorted_median(diffs, m);
    }
  } else {
    double z = w - nx * ny / 2;
    double sigma = sqrt((nx * ny / 12) *
                        ((nx + ny + 1) - tie_term / ((nx + ny) * (nx + ny - 1))));
    if (!(sigma > 0)) return VCF_ALL_TIED;
    p = p_z((z - wilcoxon_correction(z, o, o->correct)) / sigma, o->alternative);
    if (o->conf_int && finite) {
      double *work = (double *) R_alloc(nxi, sizeof(double));
      wx_fun f = {1, x, nxi, y_ranked, nyi, work, o, o->correct, 0, 0};
      wilcoxon_asymptotic_ci(&f, x[0] - y[nyi - 1], x[nxi - 1] - y[0],
                             est_ci, est_ci + 1);
    }
  }
  store_wilcoxon(res, nrow, j, w, p, exact && !ties, est_ci);
  return VCF_OK;
}

/* Rank sum of one variable between groups 0 and 1 (W of group 0). */
static void ranksum_one(numcol x, const groups *G, const test_opts *o,
                        double *res, R_xlen_t nrow, R_xlen_t j) {
  R_xlen_t n[2] = {0, 0};
  for (R_xlen_t i = 0; i < G->n; i++) {
    int k = group_at(G, i);
    if (k >= 0 && !ISNAN(num_at(x, i))) n[k]++;
  }
  double *v[2];
  for (int k = 0; k < 2; k++) v[k] = (double *) R_alloc(n[k] ? n[k] : 1, sizeof(double));
  R_xlen_t fill[2] = {0, 0};
  for (R_xlen_t i = 0; i < G->n; i++) {
    int k = group_at(G, i);
    if (k < 0) continue;
    double val = num_at(x, i);
    if (!ISNAN(val)) v[k][fill[k]++] = val;
  }
  AT(res, nrow, j, WX_N) = (double) (n[0] + n[1]);
  AT(res, nrow, j, WX_N1) = (double) n[0];
  AT(res, nrow, j, WX_N2) = (double) n[1];
  int status = VCF_OK;
  if (n[0] + n[1] == 0) status = VCF_ALL_NA;
  else if (n[0] == 0 || n[1] == 0) status = VCF_ONE_GROUP;
  if (status == VCF_OK) {
    qsort(v[0], n[0], sizeof(double), cmp_double);
    qsort(v[1], n[1], sizeof(double), cmp_double);
    status = ranksum_sorted(v[0], n[0], v[1], n[1], o, res, nrow, j);
  }
  AT(res, nrow, j, WX_STATUS) = status;
}

/* C_compare_ranksum(X, gk, opts): Wilcoxon rank-sum tests of every variable
 * of X between groups 0 and 1. Statistic W is the rank sum of group 0 minus
 * n1 (n1 + 1) / 2, as wilcox.test(x = group 0, y = group 1). */
static SEXP C_compare_ranksum(SEXP X, SEXP gk, SEXP opts) {
  groups G = groups_of(gk, Rf_ScalarInteger(2), 2, 2);
  check_list(X, G.n, "X");
  test_opts o = opts_of(opts);
  R_xlen_t nv = XLENGTH(X);
  SEXP res = PROTECT(result_matrix(nv, wx_cols, WX_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    const void *vmax = vmaxget();
    ranksum_one(numcol_of(VECTOR_ELT(X, j), "X"), &G, &o, REAL(res), nv, j);
    vmaxset(vmax);
    R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return res;
}

/* wilcox.test's signed-rank branch on the sorted non-zero values x - mu
 * (count n, `zeroes` whether zeros were dropped). */
static int signrank_sorted(const double *xm, R_xlen_t ni, int zeroes,
                           const test_opts *o, double *res, R_xlen_t nrow,
                           R_xlen_t j) {
  double *pos = (double *) R_alloc(ni ? ni : 1, sizeof(double));
  double *neg = (double *) R_alloc(ni ? ni : 1, sizeof(double));
  R_xlen_t np = 0, nn = 0;
  for (R_xlen_t i = 0; i < ni; i++) if (xm[i] > 0) pos[np++] = xm[i];
  for (R_xlen_t i = ni - 1; i >= 0; i--) if (xm[i] < 0) neg[nn++] = -xm[i];
  rank_round(pos, np, o);
  rank_round(neg, nn, o);
  double tie_term;
  int ties;
  double v = rank_sum(pos, np, neg, nn, &tie_term, &ties);
  double n = (double) ni;
  int exact = o->exact < 0 ? n < 50 : o->exact;
  if (exact && !ties && !zeroes && n > WX_EXACT_MAX_N) return VCF_TOO_LARGE;
  double p, est_ci[3] = {NA_REAL, NA_REAL, NA_REAL};
  int finite = ni > 0 && R_FINITE(xm[0]) && R_FINITE(xm[ni - 1]);
  /* the values as wilcox.test's interval sees them: x - mu + mu */
  double *x = (double *) R_alloc(ni ? ni : 1, sizeof(double));
  for (R_xlen_t i = 0; i < ni; i++) x[i] = xm[i] + o->mu;
  if (exact && !ties && !zeroes) {
    double lower = Rf_psignrank(v, n, 1, 0);
    double upper = Rf_psignrank(v - 1, n, 0, 0);
    p = o->alternative == ALT_LESS ? lower : o->alternative == ALT_GREATER
        ? upper : fmin(2 * (v > n * (n + 1) / 4 ? upper : lower), 1);
    if (o->conf_int && finite) {
      R_xlen_t m = ni * (ni + 1) / 2, at = 0;
      double *walsh = (double *) R_alloc(m, sizeof(double));
      for (R_xlen_t b = 0; b < ni; b++)
        for (R_xlen_t a = 0; a <= b; a++) walsh[at++] = (x[a] + x[b]) / 2;
      qsort(walsh, m, sizeof(double), cmp_double);
      double alpha = 1 - o->level;
      wilcoxon_exact_ci(walsh, (double) m, Rf_qsignrank(alpha / 2, n, 1, 0),
                        Rf_qsignrank(alpha, n, 1, 0), o, est_ci + 1);
      est_ci[0] = sorted_median(walsh, m);
    }
  } else {
    if (ni == 0) return VCF_ALL_TIED;
    double z = v - n * (n + 1) / 4;
    double sigma = sqrt(n * (n + 1) * (2 * n + 1) / 24 - tie_term / 48);
    p = p_z((z - wilcoxon_correction(z, o, o->correct)) / sigma, o->alternative);
    if (o->conf_int && finite) {
      double *work = (double *) R_alloc(2 * ni, sizeof(double));
      wx_fun f = {0, x, ni, NULL, 0, work, o, o->correct, 0, 0};
      wilcoxon_asymptotic_ci(&f, x[0], x[ni - 1], est_ci, est_ci + 1);
    }
  }
  store_wilcoxon(res, nrow, j, v, p, exact && !ties && !zeroes, est_ci);
  return VCF_OK;
}

/* wilcox.test(x, y, paired = TRUE) (or wilcox.test(x) when y is absent):
 * complete pairs; x - y - mu with zeros dropped, ranks of the absolute
 * values; V is the rank sum of the positive ones. A difference Inf - Inf
 * is NaN and dropped, as wilcox.test drops it. */
static void signrank_one(numcol x, numcol y, R_xlen_t len, const test_opts *o,
                         double *res, R_xlen_t nrow, R_xlen_t j) {
  double *d = (double *) R_alloc(len ? len : 1, sizeof(double));
  R_xlen_t nd = 0, nz = 0;
  for (R_xlen_t i = 0; i < len; i++) {
    double v = num_at(x, i) - num_or_zero(y, i);
    if (ISNAN(v)) continue;
    v -= o->mu;
    if (v == 0) nz++; else d[nd++] = v;
  }
  AT(res, nrow, j, WX_N) = (double) (nd + nz);
  AT(res, nrow, j, WX_N1) = (double) nd;
  int status = VCF_OK;
  if (nd + nz == 0) status = VCF_ALL_NA;
  else if (nd == 0) status = VCF_ALL_TIED;
  if (status == VCF_OK) {
    qsort(d, nd, sizeof(double), cmp_double);
    status = signrank_sorted(d, nd, nz > 0, o, res, nrow, j);
  }
  AT(res, nrow, j, WX_STATUS) = status;
}

/* C_compare_signrank(X, Y, opts): Wilcoxon signed-rank tests of
 * X[[j]] - Y[[j]] (of X[[j]] when Y is NULL). Column n counts the complete
 * pairs, n1 the non-zero differences. */
static SEXP C_compare_signrank(SEXP X, SEXP Y, SEXP opts) {
  check_pair_lists(X, Y);
  test_opts o = opts_of(opts);
  R_xlen_t nv = XLENGTH(X);
  SEXP res = PROTECT(result_matrix(nv, wx_cols, WX_NCOL));
  for (R_xlen_t j = 0; j < nv; j++) {
    numcol x, y;
    pair_at(X, Y, j, &x, &y);
    const void *vmax = vmaxget();
    signrank_one(x, y, XLENGTH(VECTOR_ELT(X, j)), &o, REAL(res), nv, j);
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
  {"C_compare_ttest2", (DL_FUNC) &C_compare_ttest2, 4},
  {"C_compare_paired", (DL_FUNC) &C_compare_paired, 3},
  {"C_compare_chisq", (DL_FUNC) &C_compare_chisq, 5},
  {"C_compare_gof", (DL_FUNC) &C_compare_gof, 3},
  {"C_compare_fisher", (DL_FUNC) &C_compare_fisher, 6},
  {"C_compare_table_sim", (DL_FUNC) &C_compare_table_sim, 3},
  {"C_compare_gof_sim", (DL_FUNC) &C_compare_gof_sim, 4},
  {"C_compare_ranksum", (DL_FUNC) &C_compare_ranksum, 3},
  {"C_compare_signrank", (DL_FUNC) &C_compare_signrank, 3},
  {NULL, NULL, 0}
};
