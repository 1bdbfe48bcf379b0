/* boot: the resampling engine of vcf_boot_lm().
 *
 * The R layer builds the numeric design: a column-major n x p matrix X, the
 * response y, optional weights, and the resampling units (rows, or clusters
 * of rows), numbered so that the units of each stratum are contiguous
 * (stratum h holds units off[h] .. off[h+1] - 1; one stratum when there are
 * no strata). C never sees a data frame.
 *
 * Every unit is summarised once by its cross-products (C_boot_unit_sums,
 * layout in boot.h). A replicate draws, within each stratum h, G_h units
 * with replacement, where G_h is the stratum's number of units, adds up the
 * drawn units' sums and solves the p x p normal equations (ols.c). Case
 * resampling is the special case "every row is a unit, one stratum";
 * cluster resampling draws whole clusters, so a replicate holds the rows of
 * its drawn clusters and its number of rows varies; stratified resampling
 * keeps each stratum's number of units; clusters within strata combine the
 * two. The cost of a replicate is one random draw and q additions per drawn
 * unit (q = p(p+1)/2 + p) plus a p x p Cholesky solve.
 *
 * Replicate r draws from random stream r of the seed (boot.h, rng.c), so
 * the result does not depend on threads or on how replicates are chunked.
 * Replicates run under OpenMP in blocks; between blocks the main thread
 * calls R_CheckUserInterrupt(). No R API is used inside parallel regions,
 * and every workspace is allocated (R_alloc) before them, once per thread.
 */
#include "vcf.h"
#include "boot.h"
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#define VCF_THREAD_NUM() omp_get_thread_num()
#else
#define VCF_THREAD_NUM() 0
#endif

/* Standard errors computed per replicate (for studentized intervals). */
enum { SE_NONE = 0, SE_CLASSICAL = 1, SE_CR1 = 2 };

typedef struct {
  int p, q, extras, intercept, se_mode;
  const double *shift;
  double shift_y;
  const double *S;   /* q x U unit sums */
} model_t;

typedef struct {
  double *acc, *chol, *bc, *inv, *work, *meat, *score, *coef, *se;
  int *drawn;        /* units of the replicate, for CR1 */
  int *counts;       /* times each unit is drawn, for large designs */
} workspace_t;

static size_t workspace_doubles(int p, int q) {
  return (size_t) q + 4 * (size_t) p * p + 4 * (size_t) p;
}

static void workspace_init(workspace_t *w, double *mem, int *drawn, int p,
                           int q) {
  w->acc = mem;
  w->chol = w->acc + q;
  w->bc = w->chol + p * p;
  w->inv = w->bc + p;
  w->work = w->inv + p * p;
  w->meat = w->work + p * p;
  w->score = w->meat + p * p;
  w->coef = w->score + p;
  w->se = w->coef + p;
  w->drawn = drawn;
  w->counts = NULL;
}

static inline void add_sums(double *restrict acc, const double *restrict s,
                            int q) {
  for (int j = 0; j < q; j++) acc[j] += s[j];
}

/* Draw the units of one replicate, stratum by stratum, and add up their
 * sums into acc. Q is a constant, so the compiler unrolls the additions and
 * keeps the running sums in registers (through acc, which may alias Sm as
 * far as it knows, every addition would go through memory). Uses H, off,
 * rng, acc and Sm of the enclosing scope. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define VCF_UNROLL _Pragma("GCC unroll 32")
#elif defined(__clang__)
#define VCF_UNROLL _Pragma("unroll")
#else
#define VCF_UNROLL
#endif

#define DRAW_UNITS(Q)                                                    \
  do {                                                                   \
    double a[Q] = {0};  /* local, so the sums stay in registers */      \
    for (int h = 0; h < H; h++) {                                        \
      const int base = off[h];                                           \
      const uint32_t G = (uint32_t) (off[h + 1] - base);                 \
      for (uint32_t k = 0; k < G; k++) {                                 \
        const double *su =                                               \
          Sm + (size_t) (Q) * (base + (int) vcf_rng_below(&rng, G));     \
        VCF_UNROLL                                                       \
        for (int j = 0; j < (Q); j++) a[j] += su[j];                     \
      }                                                                  \
    }                                                                    \
    for (int j = 0; j < (Q); j++) acc[j] = a[j];                         \
  } while (0)

/* Coefficients (and standard errors when m->se_mode != SE_NONE) of the rows
 * summarised in w->acc; `drawn` lists the n_drawn units for CR1. Returns 1
 * when the design is rank-deficient (coef and se are then NA). */
static int fit_sums(const model_t *m, workspace_t *w, const int *drawn,
                    int n_drawn, double *coef, double *se) {
  const int p = m->p;
  if (vcf_ols_chol(p, w->acc, w->chol)) {
    for (int j = 0; j < p; j++) coef[j] = NA_REAL;
    if (se) for (int j = 0; j < p; j++) se[j] = NA_REAL;
    return 1;
  }
  vcf_ols_solve(p, w->chol, w->acc, w->bc);
  vcf_ols_uncentre(p, m->intercept, m->shift, m->shift_y, w->bc, coef);
  if (m->se_mode == SE_NONE || !se) return 0;

  const int P = p * (p + 1) / 2;
  const double *xty = w->acc + P;
  const double n_rows = w->acc[P + p + 1];
  vcf_ols_inverse(p, w->chol, w->inv, w->work);
  double *vc = w->work;   /* reused: covariance of the centred coefficients */
  int ok = 1;
  if (m->se_mode == SE_CLASSICAL) {
    double rss = w->acc[P + p];
    for (int j = 0; j < p; j++) rss -= w->bc[j] * xty[j];
    if (rss < 0) rss = 0;
    const double df = n_rows - p;
    ok = df > 0;
    for (int k = 0; k < p * p; k++) vc[k] = ok ? w->inv[k] * rss / df : 0;
  } else {
    /* CR1: (X'WX)^-1 [sum_g s_g s_g'] (X'WX)^-1 G/(G-1) (N-1)/(N-p), with
     * s_g = X_g'W e_g = X_g'W y_g - X_g'W X_g b from cluster g's sums. */
    double *meat = w->meat, *s = w->score;
    for (int k = 0; k < p * p; k++) meat[k] = 0.0;
    for (int g = 0; g < n_drawn; g++) {
      const double *sg = m->S + (size_t) m->q * drawn[g];
      for (int i = 0; i < p; i++) {
        double v = sg[P + i];
        for (int k = 0; k < p; k++) {
          const int a = i < k ? i : k, b = i < k ? k : i;
          v -= sg[b * (b + 1) / 2 + a] * w->bc[k];
        }
        s[i] = v;
      }
      for (int j = 0; j < p; j++)
        for (int i = 0; i < p; i++) meat[i + p * j] += s[i] * s[j];
    }
    const double G = n_drawn;
    ok = G > 1 && n_rows > p;
    const double adj = ok ? G / (G - 1) * (n_rows - 1) / (n_rows - p) : 0;
    /* vc = inv meat inv * adj; `chol` is free now and holds inv meat. */
    double *tmp = w->chol;
    for (int j = 0; j < p; j++)
      for (int i = 0; i < p; i++) {
        double v = 0.0;
        for (int k = 0; k < p; k++) v += w->inv[i + p * k] * meat[k + p * j];
        tmp[i + p * j] = v;
      }
    for (int j = 0; j < p; j++)
      for (int i = 0; i < p; i++) {
        double v = 0.0;
        for (int k = 0; k < p; k++) v += tmp[i + p * k] * w->inv[k + p * j];
        vc[i + p * j] = v * adj;
      }
  }
  if (ok) vcf_ols_uncentre_se(p, m->intercept, m->shift, vc, se);
  else for (int j = 0; j < p; j++) se[j] = NA_REAL;
  return 0;
}

/* Check the shared model arguments and fill `m`. */
static void model_init(model_t *m, SEXP S, SEXP p, SEXP extras, SEXP shift,
                       SEXP shift_y, SEXP intercept, SEXP se_mode) {
  vcf_arg_scalar(p, INTSXP, "p");
  vcf_arg_scalar(extras, LGLSXP, "extras");
  vcf_arg_scalar(shift_y, REALSXP, "shift_y");
  vcf_arg_scalar(intercept, LGLSXP, "intercept");
  vcf_arg_scalar(se_mode, INTSXP, "se_mode");
  vcf_arg_type(S, REALSXP, "S");
  vcf_arg_type(shift, REALSXP, "shift");
  m->p = INTEGER(p)[0];
  m->extras = LOGICAL(extras)[0];
  if (m->p < 1 || m->p > 1000) Rf_error("`p` must be in [1, 1000].");
  m->q = vcf_ols_nsums(m->p, m->extras);
  vcf_arg_length(shift, m->p, "shift");
  if (XLENGTH(S) % m->q) Rf_error("`S` must have a multiple of %d values.", m->q);
  m->shift = REAL(shift);
  m->shift_y = REAL(shift_y)[0];
  m->intercept = LOGICAL(intercept)[0];
  m->se_mode = INTEGER(se_mode)[0];
  if (m->se_mode < SE_NONE || m->se_mode > SE_CR1)
    Rf_error("`se_mode` must be 0, 1 or 2.");
  if (m->se_mode != SE_NONE && !m->extras)
    Rf_error("standard errors need `extras`.");
  m->S = REAL(S);
}

/* Cross-product sums of every unit (q x n_units), from centred columns. */
static SEXP C_boot_unit_sums(SEXP X, SEXP y, SEXP w, SEXP unit, SEXP n_units,
                             SEXP shift, SEXP shift_y, SEXP extras) {
  vcf_arg_type(X, REALSXP, "X");
  vcf_arg_type(y, REALSXP, "y");
  vcf_arg_type(unit, INTSXP, "unit");
  vcf_arg_type(shift, REALSXP, "shift");
  vcf_arg_scalar(n_units, INTSXP, "n_units");
  vcf_arg_scalar(shift_y, REALSXP, "shift_y");
  vcf_arg_scalar(extras, LGLSXP, "extras");
  const R_xlen_t n = XLENGTH(y);
  /* p bounds every product below (p (p + 1) / 2 sums per unit). */
  if (XLENGTH(shift) < 1 || XLENGTH(shift) > 1000)
    Rf_error("`shift` must have 1 to 1000 values.");
  const int p = (int) XLENGTH(shift);
  const int U = INTEGER(n_units)[0];
  const int ext = LOGICAL(extras)[0];
  vcf_arg_length(X, n * p, "X");
  vcf_arg_length(unit, n, "unit");
  if (!Rf_isNull(w)) {
    vcf_arg_type(w, REALSXP, "w");
    vcf_arg_length(w, n, "w");
  }
  if (U < 1) Rf_error("`n_units` must be positive.");
  const int P = p * (p + 1) / 2, q = vcf_ols_nsums(p, ext);
  if ((double) q * U > 4294967296.0)
    Rf_error("`n_units` x %d sums is too large.", q);
  const double *x = REAL(X), *yy = REAL(y), *m = REAL(shift);
  const double *ww = Rf_isNull(w) ? NULL : REAL(w);
  const double my = REAL(shift_y)[0];
  const int *u = INTEGER(unit);
  for (R_xlen_t i = 0; i < n; i++)
    if (u[i] < 1 || u[i] > U) Rf_error("`unit` must be in [1, %d].", U);

  SEXP out = PROTECT(Rf_allocMatrix(REALSXP, q, U));
  double *S = REAL(out);
  memset(S, 0, sizeof(double) * (size_t) q * U);
  double *xc = (double *) R_alloc(p, sizeof(double));
  for (R_xlen_t i = 0; i < n; i++) {
    double *s = S + (size_t) q * (u[i] - 1);
    const double wi = ww ? ww[i] : 1.0;
    const double yc = yy[i] - my;
    for (int j = 0; j < p; j++) xc[j] = x[i + n * j] - m[j];
    for (int j = 0; j < p; j++) {
      const double wx = wi * xc[j];
      double *col = s + j * (j + 1) / 2;
      for (int k = 0; k <= j; k++) col[k] += wx * xc[k];
      s[P + j] += wx * yc;
    }
    if (ext) {
      s[P + p] += wi * yc * yc;
      s[P + p + 1] += wi > 0;
    }
  }
  UNPROTECT(1);
  return out;
}

/* Estimates of the full data (every unit once), their standard errors
 * (se_mode), and when `jack` is TRUE the leave-one-unit-out estimates
 * (n_units x p; a row is NA when leaving that unit out makes the design
 * rank-deficient). */
static SEXP C_boot_full(SEXP S, SEXP p_, SEXP extras, SEXP shift,
                        SEXP shift_y, SEXP intercept, SEXP se_mode,
                        SEXP jack) {
  model_t m;
  model_init(&m, S, p_, extras, shift, shift_y, intercept, se_mode);
  vcf_arg_scalar(jack, LGLSXP, "jack");
  const int p = m.p, q = m.q;
  if (XLENGTH(S) / q > INT_MAX) Rf_error("`S` holds too many units.");
  const int U = (int) (XLENGTH(S) / q);
  workspace_t w;
  workspace_init(&w, (double *) R_alloc(workspace_doubles(p, q), sizeof(double)),
                 NULL, p, q);
  int *all = (int *) R_alloc(U > 0 ? U : 1, sizeof(int));
  for (int g = 0; g < U; g++) all[g] = g;

  SEXP out = PROTECT(Rf_allocVector(VECSXP, 4));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 4));
  SEXP coef = PROTECT(Rf_allocVector(REALSXP, p));
  SEXP se = PROTECT(Rf_allocVector(REALSXP, p));
  double *total = (double *) R_alloc(q, sizeof(double));
  memset(total, 0, sizeof(double) * q);
  for (int g = 0; g < U; g++) add_sums(total, m.S + (size_t) q * g, q);
  memcpy(w.acc, total, sizeof(double) * q);
  int deficient = fit_sums(&m, &w, all, U, REAL(coef), REAL(se));
  SET_VECTOR_ELT(out, 0, coef);
  SET_VECTOR_ELT(out, 1, se);
  SET_VECTOR_ELT(out, 2, Rf_ScalarLogical(deficient));
  if (LOGICAL(jack)[0]) {
    SEXP jk = PROTECT(Rf_allocMatrix(REALSXP, U, p));
    double *J = REAL(jk), *b = (double *) R_alloc(p, sizeof(double));
    model_t mj = m;
    mj.se_mode = SE_NONE;
    for (int g = 0; g < U; g++) {
      const double *sg = m.S + (size_t) q * g;
      for (int k = 0; k < q; k++) w.acc[k] = total[k] - sg[k];
      fit_sums(&mj, &w, NULL, 0, b, NULL);
      for (int j = 0; j < p; j++) J[g + (size_t) U * j] = b[j];
    }
    SET_VECTOR_ELT(out, 3, jk);
    UNPROTECT(1);
  }
  SET_STRING_ELT(names, 0, Rf_mkChar("coef"));
  SET_STRING_ELT(names, 1, Rf_mkChar("se"));
  SET_STRING_ELT(names, 2, Rf_mkChar("deficient"));
  SET_STRING_ELT(names, 3, Rf_mkChar("jack"));
  Rf_setAttrib(out, R_NamesSymbol, names);
  UNPROTECT(4);
  return out;
}

/* Replicate numbers are whole doubles in [1, 2^53] (streams are 64-bit, R
 * passes doubles); at most INT_MAX of them per call. Checked before any
 * cast, so no out-of-range float-to-integer conversion can happen. */
static void check_range(double first, double last) {
  if (!(first >= 1 && last >= first && last <= 9007199254740992.0 &&
        first == floor(first) && last == floor(last) &&
        last - first < INT_MAX))
    Rf_error("`first` and `last` must be whole numbers with 1 <= first <= last <= 2^53 and fewer than 2^31 replicates.");
}

static const int *strata_from(SEXP strata_off, int *H) {
  vcf_arg_type(strata_off, INTSXP, "strata_off");
  if (XLENGTH(strata_off) < 2) Rf_error("`strata_off` needs two values or more.");
  const int *off = INTEGER(strata_off);
  *H = (int) XLENGTH(strata_off) - 1;
  if (off[0] != 0) Rf_error("`strata_off` must start at 0.");
  for (int h = 0; h < *H; h++)
    if (off[h + 1] <= off[h]) Rf_error("`strata_off` must increase.");
  return off;
}

/* Replicates first..last (1-based stream numbers) of the bootstrap.
 * `indices`, when not NULL, is an integer matrix (draws x replicates) of
 * 1-based unit numbers, 0 for "no row", used instead of random draws
 * (first..last then only number the output). Returns list(t, se,
 * degenerate): t and se are (last - first + 1) x p, se NULL for se_mode 0. */
static SEXP C_boot_run(SEXP S, SEXP p_, SEXP extras, SEXP shift, SEXP shift_y,
                       SEXP intercept, SEXP se_mode, SEXP strata_off,
                       SEXP seed, SEXP first_, SEXP last_, SEXP threads,
                       SEXP indices) {
  model_t m;
  model_init(&m, S, p_, extras, shift, shift_y, intercept, se_mode);
  int H;
  const int *off = strata_from(strata_off, &H);
  const uint64_t seed64 = vcf_seed_from(seed);
  vcf_arg_scalar(first_, REALSXP, "first");
  vcf_arg_scalar(last_, REALSXP, "last");
  vcf_arg_scalar(threads, INTSXP, "threads");
  const double first = REAL(first_)[0], last = REAL(last_)[0];
  check_range(first, last);
  const int p = m.p, q = m.q;
  if (XLENGTH(S) / q > INT_MAX) Rf_error("`S` holds too many units.");
  const int U = (int) (XLENGTH(S) / q);
  if (off[H] != U) Rf_error("`strata_off` must end at the number of units.");
  const int Bc = (int) (last - first + 1);
  if ((double) Bc * p > 2147483647.0)
    Rf_error("%d replicates x %d coefficients is too large.", Bc, p);

  const int *ind = NULL;
  int n_draws = U;
  if (!Rf_isNull(indices)) {
    vcf_arg_type(indices, INTSXP, "indices");
    SEXP dim = Rf_getAttrib(indices, R_DimSymbol);
    if (Rf_isNull(dim) || XLENGTH(dim) != 2 || INTEGER(dim)[1] != Bc)
      Rf_error("`indices` must be a matrix with %d columns.", Bc);
    n_draws = INTEGER(dim)[0];
    ind = INTEGER(indices);
    for (R_xlen_t k = 0; k < XLENGTH(indices); k++)
      if (ind[k] < 0 || ind[k] > U) Rf_error("`indices` must be in [0, %d].", U);
  }

  const int nt = vcf_threads(INTEGER(threads)[0]);
  /* Whole cache lines per thread, so threads never share one. */
  const size_t nd = (workspace_doubles(p, q) + 15) / 8 * 8;
  double *mem = (double *) R_alloc(nd * nt, sizeof(double));
  int *drawn = m.se_mode == SE_CR1 ?
    (int *) R_alloc((size_t) n_draws * nt, sizeof(int)) : NULL;
  /* When the unit sums outgrow the caches, random reads of them dominate:
   * count the draws instead (a small array) and then add every unit's sums
   * times its count in one sequential pass. Which way is used depends on
   * the design only, so results stay identical for any threads or chunks. */
  const int use_counts = !ind && m.se_mode != SE_CR1 &&
    (double) U * q * sizeof(double) > 1048576.0;
  int *counts = use_counts ?
    (int *) R_alloc((size_t) (U + 16) * nt, sizeof(int)) : NULL;
  workspace_t *ws = (workspace_t *) R_alloc(nt, sizeof(workspace_t));
  for (int t = 0; t < nt; t++)
  {
    workspace_init(&ws[t], mem + nd * t, drawn ? drawn + (size_t) n_draws * t : NULL,
                   p, q);
    ws[t].counts = counts ? counts + (size_t) (U + 16) * t : NULL;
  }

  SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 3));
  SEXP tt = PROTECT(Rf_allocMatrix(REALSXP, Bc, p));
  SEXP se = m.se_mode == SE_NONE ? R_NilValue : Rf_allocMatrix(REALSXP, Bc, p);
  PROTECT(se);
  double *T = REAL(tt), *SE = Rf_isNull(se) ? NULL : REAL(se);
  const double *Sm = m.S;
  const int cr1 = m.se_mode == SE_CR1;
  const uint64_t first64 = (uint64_t) first;

  /* Blocks of about 2^22 draws between interrupt checks. */
  int block = (int) (4194304.0 / (n_draws > 0 ? n_draws : 1));
  if (block < nt) block = nt;
  int degenerate = 0;
  for (int start = 0; start < Bc; start += block) {
    const int end = Bc - start > block ? start + block : Bc;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static) reduction(+:degenerate)
#endif
    for (int r = start; r < end; r++) {
      workspace_t *w = &ws[VCF_THREAD_NUM()];
      double *acc = w->acc;
      for (int k = 0; k < q; k++) acc[k] = 0.0;
      int n_drawn = 0;
      if (ind) {
        const int *col = ind + (size_t) n_draws * r;
        for (int k = 0; k < n_draws; k++) {
          if (!col[k]) continue;
          const int u = col[k] - 1;
          add_sums(acc, Sm + (size_t) q * u, q);
          if (cr1) w->drawn[n_drawn++] = u;
        }
      } else {
        vcf_rng rng;
        vcf_rng_stream(&rng, seed64, first64 + (uint64_t) r);
        /* The draw-and-add loop with q known at compile time for the usual
         * small models (p = 1..5), so that the additions are unrolled. */
        if (use_counts) {
          int *cnt = w->counts;
          memset(cnt, 0, sizeof(int) * (size_t) U);
          for (int h = 0; h < H; h++) {
            const int base = off[h];
            const uint32_t G = (uint32_t) (off[h + 1] - base);
            for (uint32_t k = 0; k < G; k++) cnt[base + (int) vcf_rng_below(&rng, G)]++;
          }
          for (int u = 0; u < U; u++) {
            if (!cnt[u]) continue;
            const double c = cnt[u];
            const double *su = Sm + (size_t) q * u;
            for (int j = 0; j < q; j++) acc[j] += c * su[j];
          }
        } else switch (cr1 ? 0 : q) {
        case 3:  DRAW_UNITS(3); break;
        case 5:  DRAW_UNITS(5); break;
        case 9:  DRAW_UNITS(9); break;
        case 14: DRAW_UNITS(14); break;
        case 20: DRAW_UNITS(20); break;
        default:
          for (int h = 0; h < H; h++) {
            const int base = off[h];
            const uint32_t G = (uint32_t) (off[h + 1] - base);
            for (uint32_t k = 0; k < G; k++) {
              const int u = base + (int) vcf_rng_below(&rng, G);
              add_sums(acc, Sm + (size_t) q * u, q);
              if (cr1) w->drawn[n_drawn++] = u;
            }
          }
        }
      }
      degenerate += fit_sums(&m, w, w->drawn, n_drawn, w->coef,
                             SE ? w->se : NULL);
      for (int j = 0; j < p; j++) T[r + (size_t) Bc * j] = w->coef[j];
      if (SE) for (int j = 0; j < p; j++) SE[r + (size_t) Bc * j] = w->se[j];
    }
    R_CheckUserInterrupt();
  }
  SET_VECTOR_ELT(out, 0, tt);
  SET_VECTOR_ELT(out, 1, se);
  SET_VECTOR_ELT(out, 2, Rf_ScalarInteger(degenerate));
  SET_STRING_ELT(names, 0, Rf_mkChar("t"));
  SET_STRING_ELT(names, 1, Rf_mkChar("se"));
  SET_STRING_ELT(names, 2, Rf_mkChar("degenerate"));
  Rf_setAttrib(out, R_NamesSymbol, names);
  UNPROTECT(4);
  return out;
}

/* The units drawn by replicates first..last: an integer matrix (units x
 * replicates) of 1-based unit numbers, in the order C_boot_run draws them. */
static SEXP C_boot_draws(SEXP strata_off, SEXP seed, SEXP first_, SEXP last_) {
  int H;
  const int *off = strata_from(strata_off, &H);
  const uint64_t seed64 = vcf_seed_from(seed);
  vcf_arg_scalar(first_, REALSXP, "first");
  vcf_arg_scalar(last_, REALSXP, "last");
  const double first = REAL(first_)[0], last = REAL(last_)[0];
  check_range(first, last);
  const int Bc = (int) (last - first + 1), U = off[H];
  if ((double) U * Bc > 2147483647.0)
    Rf_error("%d units x %d replicates is too large.", U, Bc);
  SEXP out = PROTECT(Rf_allocMatrix(INTSXP, U, Bc));
  int *D = INTEGER(out);
  for (int r = 0; r < Bc; r++) {
    vcf_rng rng;
    vcf_rng_stream(&rng, seed64, (uint64_t) first + (uint64_t) r);
    int *col = D + (size_t) U * r;
    for (int h = 0; h < H; h++) {
      const uint32_t G = (uint32_t) (off[h + 1] - off[h]);
      for (uint32_t k = 0; k < G; k++)
        *col++ = off[h] + (int) vcf_rng_below(&rng, G) + 1;
    }
  }
  UNPROTECT(1);
  return out;
}

/* The full-sample fit by pivoted QR (ols.c): X (n x k), y, w (NULL or n
 * non-negative weights), tol. Returns list(coef, rank, pivot (1-based),
 * cov_unscaled, residuals = y - X coef (NA when rank-deficient)). */
static SEXP C_boot_qr(SEXP X, SEXP y, SEXP w, SEXP tol) {
  vcf_arg_type(X, REALSXP, "X");
  vcf_arg_type(y, REALSXP, "y");
  vcf_arg_scalar(tol, REALSXP, "tol");
  const R_xlen_t n = XLENGTH(y);
  if (n < 1) Rf_error("`y` must not be empty.");
  if (XLENGTH(X) % n || XLENGTH(X) / n < 1 || XLENGTH(X) / n > 1000)
    Rf_error("`X` must have %lld rows and 1 to 1000 columns.", (long long) n);
  const int k = (int) (XLENGTH(X) / n);
  if (n < k) Rf_error("`X` must have at least as many rows as columns.");
  const double *ww = NULL;
  if (!Rf_isNull(w)) {
    vcf_arg_type(w, REALSXP, "w");
    vcf_arg_length(w, n, "w");
    ww = REAL(w);
    for (R_xlen_t i = 0; i < n; i++)
      if (!(ww[i] >= 0) || !R_FINITE(ww[i])) Rf_error("`w` must be finite and non-negative.");
  }
  const double *x = REAL(X), *yy = REAL(y);
  for (R_xlen_t i = 0; i < XLENGTH(X); i++)
    if (!R_FINITE(x[i])) Rf_error("`X` must be finite.");
  for (R_xlen_t i = 0; i < n; i++)
    if (!R_FINITE(yy[i])) Rf_error("`y` must be finite.");
  const char *names[] = {"coef", "rank", "pivot", "cov_unscaled", "residuals"};
  SEXP out = PROTECT(Rf_allocVector(VECSXP, 5));
  SEXP nm = PROTECT(Rf_allocVector(STRSXP, 5));
  for (int i = 0; i < 5; i++) SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
  Rf_setAttrib(out, R_NamesSymbol, nm);
  SEXP coef = PROTECT(Rf_allocVector(REALSXP, k));
  SEXP pivot = PROTECT(Rf_allocVector(INTSXP, k));
  SEXP cov = PROTECT(Rf_allocMatrix(REALSXP, k, k));
  SEXP res = PROTECT(Rf_allocVector(REALSXP, n));
  for (R_xlen_t i = 0; i < (R_xlen_t) k * k; i++) REAL(cov)[i] = NA_REAL;
  vcf_ols_qr_t fit = {REAL(coef), REAL(cov), INTEGER(pivot), 0};
  vcf_ols_qr(x, yy, ww, (size_t) n, (size_t) k, REAL(tol)[0], &fit);
  for (R_xlen_t i = 0; i < n; i++) {
    double e = yy[i];
    for (int c = 0; c < k; c++) e -= x[i + n * c] * REAL(coef)[c];
    REAL(res)[i] = fit.rank == k ? e : NA_REAL;
  }
  for (int c = 0; c < k; c++) INTEGER(pivot)[c] += 1;
  SET_VECTOR_ELT(out, 0, coef);
  SET_VECTOR_ELT(out, 1, Rf_ScalarInteger(fit.rank));
  SET_VECTOR_ELT(out, 2, pivot);
  SET_VECTOR_ELT(out, 3, cov);
  SET_VECTOR_ELT(out, 4, res);
  UNPROTECT(6);
  return out;
}

/* The thread count vcf_threads() gives for a request (<= 0: the default). */
static SEXP C_boot_threads(SEXP threads) {
  vcf_arg_scalar(threads, INTSXP, "threads");
  return Rf_ScalarInteger(vcf_threads(INTEGER(threads)[0]));
}

const R_CallMethodDef vcf_boot_calls[] = {
  {"C_boot_threads", (DL_FUNC) &C_boot_threads, 1},
  {"C_boot_qr", (DL_FUNC) &C_boot_qr, 4},
  {"C_boot_unit_sums", (DL_FUNC) &C_boot_unit_sums, 8},
  {"C_boot_full", (DL_FUNC) &C_boot_full, 8},
  {"C_boot_run", (DL_FUNC) &C_boot_run, 13},
  {"C_boot_draws", (DL_FUNC) &C_boot_draws, 4},
  {NULL, NULL, 0}
};
