/* wild: the wild cluster bootstrap and the CR2 variance of vcf_boot_lm().
 *
 * Wild cluster bootstrap (restricted WCR and unrestricted WCU) for one
 * linear hypothesis R'b = r of a least-squares fit with G clusters. Every
 * quantity a replicate needs is a function of the clusters' cross-products
 * A_g = X_g'W X_g and b_g = X_g'W y_g (the q x G "unit sums" of boot.c,
 * from centred columns), so after one O(n k^2) pass over the rows a
 * replicate costs O(G k), whatever n is. With M = (X'WX)^{-1}, a = M R,
 * sigma = R'a, the fit's scores c_g = b_g - A_g bhat, D_g = A_g a,
 * E_g = M D_g, alpha_g = a'c_g and rho_g = a'D_g:
 *
 *   WCR imposes the null: the restricted residuals are uhat + X a lambda,
 *   lambda = (R'bhat - r) / sigma, so a cluster's restricted score is
 *   c_g + lambda D_g. A replicate with weights v_g has
 *     u(lambda)   = sum_g v_g (c_g + lambda D_g)  = u0 + lambda u1,
 *     R'b* - r    = a'u                            = N0 + lambda N1,
 *     a's*_g      = v_g (alpha_g + lambda rho_g) - E_g'u = S0_g + lambda S1_g,
 *   and its CR1 variance is adj sum_g (a's*_g)^2 = adj (Q00 + 2 lambda Q01
 *   + lambda^2 Q11). WCU is the same with lambda's terms zero (u1 = 0,
 *   rho = 0): replicates around bhat, the statistic centred at R'bhat.
 *
 * So each replicate is stored as five numbers (N0, N1, Q00, Q01, Q11), and
 * the bootstrap p-value of any null r costs O(B) (Roodman et al. 2019,
 * "Fast and wild"): p(r) = share of replicates with |t*(lambda)| >= |t(r)|,
 * t(r) = (R'bhat - r) / se with se the fit's CR1 standard error. The
 * confidence interval is the set of r not rejected, found by bisection on
 * p(r) (C_boot_wild_ci); each step visits only the replicates whose
 * |t*| can still reach |t| beyond the last r not rejected (wild_reach2),
 * with the same counts as visiting all.
 *
 * Rademacher weights (drawn, enumerated or given as +-1) skip the cluster
 * loop: the statistics are then quadratic forms in four k-vectors linear
 * in v, summed from per-chunk tables of all sign patterns of 8 clusters
 * (sign_setup), so a replicate costs O(G k / 8) additions.
 *
 * Weights: Rademacher (+-1), Webb's six points (+-sqrt(1/2), +-1,
 * +-sqrt(3/2)), Mammen's two points and standard normal; replicate r draws
 * from random stream r of the seed (rng.h), so results do not depend on
 * threads. Rademacher weights can instead be enumerated: replicate b
 * (0-based) has v_g = -1 exactly when bit g of b is set.
 *
 * CR2 (C_boot_cr2): Bell and McCaffrey's bias-reduced sandwich with the
 * adjustment (I - H_gg)^{-1/2} per cluster, a symmetric inverse square root
 * from GSL's eigen-decomposition (eigenvalues at most 1e-12 are treated as
 * zero, i.e. a pseudo-inverse, as clubSandwich does), and the Satterthwaite
 * degrees of freedom of each coefficient under a working model of
 * independent, equal-variance errors (Pustejovsky and Tipton 2018).
 */
#include "vcf.h"
#include "boot.h"
#include <math.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#ifdef _OPENMP
#define WILD_THREAD_NUM() omp_get_thread_num()
#else
#define WILD_THREAD_NUM() 0
#endif

enum { W_RADEMACHER = 0, W_WEBB = 1, W_MAMMEN = 2, W_NORMAL = 3 };

/* Statistics stored per replicate. */
enum { ST_N0 = 0, ST_N1, ST_Q00, ST_Q01, ST_Q11, N_STATS };

/* A tie between |t*| and |t| (the identity replicate of WCR reproduces t
 * up to rounding) counts as "at least as extreme". */
#define WILD_TIE 1e-10

typedef struct {
  int k, G, restricted;
  double adj;
  const double *a;                   /* M R, k */
  const double *c, *D, *E;           /* G x k each, cluster-major */
  const double *alpha, *rho;         /* G each */
} wild_t;

/* Weights of one replicate into v (G values). */
static void draw_weights(int type, vcf_rng *rng, int G, double *v) {
  static const double webb[6] = {-1.224744871391589, -1.0, -0.7071067811865476,
                                 0.7071067811865476, 1.0, 1.224744871391589};
  const double s5 = sqrt(5.0);
  switch (type) {
  case W_RADEMACHER: {
    uint64_t bits = 0;
    for (int g = 0; g < G; g++) {
      if (g % 64 == 0) bits = vcf_rng_next(rng);
      v[g] = (bits >> (g % 64)) & 1 ? -1.0 : 1.0;
    }
    break;
  }
  case W_WEBB:
    for (int g = 0; g < G; g++) v[g] = webb[vcf_rng_below(rng, 6)];
    break;
  case W_MAMMEN: {
    const double p_low = (s5 + 1) / (2 * s5);
    for (int g = 0; g < G; g++) {
      const double u = (double) (vcf_rng_next(rng) >> 11) * 0x1.0p-53;
      v[g] = u < p_low ? -(s5 - 1) / 2 : (s5 + 1) / 2;
    }
    break;
  }
  default:   /* normal, Box-Muller in pairs */
    for (int g = 0; g < G; g += 2) {
      const double u1 = (double) ((vcf_rng_next(rng) >> 11) + 1) * 0x1.0p-53;
      const double u2 = (double) (vcf_rng_next(rng) >> 11) * 0x1.0p-53;
      const double radius = sqrt(-2.0 * log(u1));
      v[g] = radius * cos(2.0 * M_PI * u2);
      if (g + 1 < G) v[g + 1] = radius * sin(2.0 * M_PI * u2);
    }
  }
}

#if defined(__GNUC__)
#define WILD_INLINE static inline __attribute__((always_inline))
#else
#define WILD_INLINE static inline
#endif

/* The five statistics of the replicate with weights v; u holds 2k. Written
 * for k and `restricted` given as constants: the wrappers below fix them
 * for the usual small models, so that the compiler unrolls the length-k
 * loops and drops WCU's zero terms. */
WILD_INLINE void stats_body(const wild_t *m, const double *v, double *u,
                            double *out, const int k, const int restricted) {
  const int G = m->G;
  double *u0 = u, *u1 = u + k;
  for (int j = 0; j < 2 * k; j++) u[j] = 0.0;
  for (int g = 0; g < G; g++) {
    const double *cg = m->c + (size_t) k * g, *dg = m->D + (size_t) k * g;
    const double vg = v[g];
    for (int j = 0; j < k; j++) u0[j] += vg * cg[j];
    if (restricted)
      for (int j = 0; j < k; j++) u1[j] += vg * dg[j];
  }
  double n0 = 0.0, n1 = 0.0;
  for (int j = 0; j < k; j++) {
    n0 += m->a[j] * u0[j];
    if (restricted) n1 += m->a[j] * u1[j];
  }
  double q00 = 0.0, q01 = 0.0, q11 = 0.0;
  for (int g = 0; g < G; g++) {
    const double *eg = m->E + (size_t) k * g;
    double e0 = 0.0, e1 = 0.0;
    for (int j = 0; j < k; j++) {
      e0 += eg[j] * u0[j];
      if (restricted) e1 += eg[j] * u1[j];
    }
    const double s0 = v[g] * m->alpha[g] - e0;
    q00 += s0 * s0;
    if (restricted) {
      const double s1 = v[g] * m->rho[g] - e1;
      q01 += s0 * s1;
      q11 += s1 * s1;
    }
  }
  out[ST_N0] = n0;
  out[ST_N1] = n1;
  out[ST_Q00] = q00;
  out[ST_Q01] = q01;
  out[ST_Q11] = q11;
}

typedef void (*stats_fn)(const wild_t *, const double *, double *, double *);

/* Rademacher replicates by sign tables. With v_g = +-1, v_g^2 = 1, and the
 * five statistics are quadratic forms in four k-vectors that are linear in
 * v: u0 = sum v_g c_g, p0 = sum v_g alpha_g E_g, and for WCR u1 = sum v_g
 * D_g, p1 = sum v_g rho_g E_g. Expanding sum_g (a's*_g)^2 with
 * K = sum_g E_g E_g':
 *   N0  = a'u0,   N1 = a'u1,
 *   Q00 = sum alpha^2     - 2 p0'u0       + u0'K u0,
 *   Q01 = sum alpha rho   - p0'u1 - p1'u0 + u0'K u1,
 *   Q11 = sum rho^2       - 2 p1'u1       + u1'K u1.
 * The clusters are cut into chunks of 8 and each chunk gets a table of the
 * four vectors' sums for all 256 sign patterns of its clusters, so a
 * replicate adds G/8 table rows, each indexed by one byte of its random
 * bits (bit g set: v_g = -1, as draw_weights reads them), instead of
 * visiting G clusters. Clusters past G in the last chunk are zero rows. */
#define SIGN_CHUNK 8   /* clusters per table; any divisor of 64 */
#define SIGN_PATTERNS (1 << SIGN_CHUNK)
/* Tables beyond this size would leave the cache; the cluster loop is then
 * as fast. */
#define SIGN_TABLE_MAX_BYTES (4.0 * 1048576)

typedef struct {
  int k, restricted, L, nchunk;   /* L = 2k (WCU) or 4k (WCR) per row */
  const double *tab;              /* nchunk x 256 rows of L */
  const double *a, *K;            /* k; k x k */
  double aa, ar, rr;              /* sum alpha^2, alpha rho, rho^2 */
} sign_t;

static int sign_fits(int G, int k, int restricted) {
  const double L = restricted ? 4.0 * k : 2.0 * k;
  return (G + SIGN_CHUNK - 1.0) / SIGN_CHUNK * SIGN_PATTERNS * L * sizeof(double) <=
    SIGN_TABLE_MAX_BYTES;
}

static void sign_setup(sign_t *s, const wild_t *m) {
  const int k = m->k, G = m->G, L = m->restricted ? 4 * k : 2 * k;
  const int nchunk = (G + SIGN_CHUNK - 1) / SIGN_CHUNK;
  double *tab = (double *) R_alloc((size_t) nchunk * SIGN_PATTERNS * L, sizeof(double));
  double *K = (double *) R_alloc((size_t) k * k, sizeof(double));
  double *x = (double *) R_alloc((size_t) SIGN_CHUNK * L, sizeof(double));
  s->aa = s->ar = s->rr = 0.0;
  for (int i = 0; i < k * k; i++) K[i] = 0.0;
  for (int g = 0; g < G; g++) {
    const double *eg = m->E + (size_t) k * g;
    for (int i = 0; i < k; i++)
      for (int j = 0; j < k; j++) K[i + k * j] += eg[i] * eg[j];
    s->aa += m->alpha[g] * m->alpha[g];
    s->ar += m->alpha[g] * m->rho[g];
    s->rr += m->rho[g] * m->rho[g];
  }
  for (int j = 0; j < nchunk; j++) {
    /* x: the chunk's clusters' rows (c_g, alpha_g E_g[, D_g, rho_g E_g]) */
    for (int h = 0; h < SIGN_CHUNK; h++) {
      const int g = j * SIGN_CHUNK + h;
      double *xh = x + (size_t) L * h;
      for (int i = 0; i < k; i++) {
        if (g >= G) {
          xh[i] = xh[k + i] = 0.0;
          if (m->restricted) xh[2 * k + i] = xh[3 * k + i] = 0.0;
          continue;
        }
        const double e = m->E[(size_t) k * g + i];
        xh[i] = m->c[(size_t) k * g + i];
        xh[k + i] = m->alpha[g] * e;
        if (m->restricted) {
          xh[2 * k + i] = m->D[(size_t) k * g + i];
          xh[3 * k + i] = m->rho[g] * e;
        }
      }
    }
    /* pattern 0: all +1; pattern w: pattern w without its lowest set bit h,
     * with cluster h's sign flipped. */
    double *t = tab + (size_t) j * SIGN_PATTERNS * L;
    for (int l = 0; l < L; l++) {
      double sum = 0.0;
      for (int h = 0; h < SIGN_CHUNK; h++) sum += x[(size_t) L * h + l];
      t[l] = sum;
    }
    for (int w = 1; w < SIGN_PATTERNS; w++) {
      int h = 0;
      while (!((w >> h) & 1)) h++;
      const double *from = t + (size_t) L * (w & (w - 1)), *xh = x + (size_t) L * h;
      for (int l = 0; l < L; l++) t[(size_t) L * w + l] = from[l] - 2.0 * xh[l];
    }
  }
  s->k = k;
  s->restricted = m->restricted;
  s->L = L;
  s->nchunk = nchunk;
  s->tab = tab;
  s->a = m->a;
  s->K = K;
}

/* The five statistics of the replicate with sign bits `bits`; acc holds L
 * values. Written, like stats_body, for constant k and `restricted`. */
WILD_INLINE void sign_body(const sign_t *s, const uint64_t *bits, double *acc,
                           double *out, const int k, const int restricted) {
  const int L = restricted ? 4 * k : 2 * k;
  enum { PER_WORD = 64 / SIGN_CHUNK };
  const double *row = s->tab + (size_t) L * (bits[0] & (SIGN_PATTERNS - 1));
  for (int l = 0; l < L; l++) acc[l] = row[l];
  for (int j = 1; j < s->nchunk; j++) {
    const unsigned pattern = (unsigned) (bits[j / PER_WORD] >>
                                         ((j % PER_WORD) * SIGN_CHUNK)) & (SIGN_PATTERNS - 1);
    row = s->tab + ((size_t) j * SIGN_PATTERNS + pattern) * L;
    for (int l = 0; l < L; l++) acc[l] += row[l];
  }
  const double *u0 = acc, *p0 = acc + k, *u1 = acc + 2 * k, *p1 = acc + 3 * k;
  double n0 = 0.0, n1 = 0.0, q00 = s->aa, q01 = 0.0, q11 = 0.0;
  if (restricted) {
    q01 = s->ar;
    q11 = s->rr;
  }
  for (int i = 0; i < k; i++) {
    double ku0 = 0.0, ku1 = 0.0;
    for (int j = 0; j < k; j++) {
      ku0 += s->K[i + k * j] * u0[j];
      if (restricted) ku1 += s->K[i + k * j] * u1[j];
    }
    n0 += s->a[i] * u0[i];
    q00 += u0[i] * (ku0 - 2.0 * p0[i]);
    if (restricted) {
      n1 += s->a[i] * u1[i];
      q01 += u0[i] * (ku1 - p1[i]) - p0[i] * u1[i];
      q11 += u1[i] * (ku1 - 2.0 * p1[i]);
    }
  }
  /* sums of squares: only rounding makes them negative (G about k) */
  out[ST_N0] = n0;
  out[ST_N1] = n1;
  out[ST_Q00] = q00 > 0 ? q00 : 0.0;
  out[ST_Q01] = q01;
  out[ST_Q11] = q11 > 0 ? q11 : 0.0;
}

typedef void (*sign_fn)(const sign_t *, const uint64_t *, double *, double *);

#define WILD_SIGN_K(K, RS)                                                    \
  static void sign_##K##_##RS(const sign_t *s, const uint64_t *bits,          \
                              double *acc, double *out) {                     \
    double local[4 * (K)];                                                    \
    (void) acc;                                                               \
    sign_body(s, bits, local, out, K, RS);                                    \
  }
WILD_SIGN_K(1, 0) WILD_SIGN_K(1, 1) WILD_SIGN_K(2, 0) WILD_SIGN_K(2, 1)
WILD_SIGN_K(3, 0) WILD_SIGN_K(3, 1) WILD_SIGN_K(4, 0) WILD_SIGN_K(4, 1)

static void sign_any_0(const sign_t *s, const uint64_t *bits, double *acc, double *out) {
  sign_body(s, bits, acc, out, s->k, 0);
}

static void sign_any_1(const sign_t *s, const uint64_t *bits, double *acc, double *out) {
  sign_body(s, bits, acc, out, s->k, 1);
}

static sign_fn sign_for(int k, int restricted) {
  static const sign_fn small[4][2] = {
    {sign_1_0, sign_1_1}, {sign_2_0, sign_2_1},
    {sign_3_0, sign_3_1}, {sign_4_0, sign_4_1}};
  if (k >= 1 && k <= 4) return small[k - 1][restricted != 0];
  return restricted ? sign_any_1 : sign_any_0;
}

#define WILD_STATS_K(K, RS)                                                   \
  static void stats_##K##_##RS(const wild_t *m, const double *v, double *u,  \
                               double *out) {                                \
    double local[2 * (K)];                                                    \
    (void) u;                                                                 \
    stats_body(m, v, local, out, K, RS);                                      \
  }
WILD_STATS_K(1, 0) WILD_STATS_K(1, 1) WILD_STATS_K(2, 0) WILD_STATS_K(2, 1)
WILD_STATS_K(3, 0) WILD_STATS_K(3, 1) WILD_STATS_K(4, 0) WILD_STATS_K(4, 1)

static void stats_any_0(const wild_t *m, const double *v, double *u, double *out) {
  stats_body(m, v, u, out, m->k, 0);
}

static void stats_any_1(const wild_t *m, const double *v, double *u, double *out) {
  stats_body(m, v, u, out, m->k, 1);
}

static stats_fn stats_for(int k, int restricted) {
  static const stats_fn small[4][2] = {
    {stats_1_0, stats_1_1}, {stats_2_0, stats_2_1},
    {stats_3_0, stats_3_1}, {stats_4_0, stats_4_1}};
  if (k >= 1 && k <= 4) return small[k - 1][restricted != 0];
  return restricted ? stats_any_1 : stats_any_0;
}

/* Fill the per-cluster quantities from the sums; returns se (CR1) and the
 * estimate R'bhat in *theta and sigma = R'MR in *sigma. */
static double wild_setup(wild_t *m, const double *S, int q, const double *R,
                         double *theta, double *sigma) {
  const int k = m->k, G = m->G, P = k * (k + 1) / 2;
  double *total = (double *) R_alloc(q, sizeof(double));
  double *chol = (double *) R_alloc((size_t) k * k, sizeof(double));
  double *M = (double *) R_alloc((size_t) k * k, sizeof(double));
  double *work = (double *) R_alloc((size_t) k * k, sizeof(double));
  double *beta = (double *) R_alloc(k, sizeof(double));
  double *a = (double *) R_alloc(k, sizeof(double));
  for (int j = 0; j < q; j++) total[j] = 0.0;
  for (int g = 0; g < G; g++)
    for (int j = 0; j < q; j++) total[j] += S[(size_t) q * g + j];
  if (vcf_ols_chol(k, total, chol)) Rf_error("the design is rank-deficient.");
  vcf_ols_solve(k, chol, total, beta);
  vcf_ols_inverse(k, chol, M, work);
  double sig = 0.0, th = 0.0;
  for (int i = 0; i < k; i++) {
    double v = 0.0;
    for (int j = 0; j < k; j++) v += M[i + k * j] * R[j];
    a[i] = v;
    sig += R[i] * v;
    th += R[i] * beta[i];
  }
  double *c = (double *) R_alloc((size_t) G * k, sizeof(double));
  double *D = (double *) R_alloc((size_t) G * k, sizeof(double));
  double *E = (double *) R_alloc((size_t) G * k, sizeof(double));
  double *alpha = (double *) R_alloc(G, sizeof(double));
  double *rho = (double *) R_alloc(G, sizeof(double));
  double meat = 0.0;
  for (int g = 0; g < G; g++) {
    const double *sg = S + (size_t) q * g;
    double *cg = c + (size_t) k * g, *dg = D + (size_t) k * g,
      *eg = E + (size_t) k * g;
    for (int i = 0; i < k; i++) {
      double ab = 0.0, aa = 0.0;
      for (int j = 0; j < k; j++) {
        const int lo = i < j ? i : j, hi = i < j ? j : i;
        const double Aij = sg[hi * (hi + 1) / 2 + lo];
        ab += Aij * beta[j];
        aa += Aij * a[j];
      }
      cg[i] = sg[P + i] - ab;
      dg[i] = aa;
    }
    double al = 0.0, rh = 0.0;
    for (int i = 0; i < k; i++) {
      double v = 0.0;
      for (int j = 0; j < k; j++) v += M[i + k * j] * dg[j];
      eg[i] = v;
      al += a[i] * cg[i];
      rh += a[i] * dg[i];
    }
    alpha[g] = al;
    rho[g] = rh;
    meat += al * al;
  }
  m->a = a;
  m->c = c;
  m->D = D;
  m->E = E;
  m->alpha = alpha;
  m->rho = rho;
  *theta = th;
  *sigma = sig;
  return sqrt(m->adj * meat);
}

static SEXP named_list(int n, const char **names) {
  SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
  SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
  for (int i = 0; i < n; i++) SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
  Rf_setAttrib(out, R_NamesSymbol, nm);
  UNPROTECT(2);
  return out;
}

/* The replicates' statistics for hypothesis R'b = r (r enters later).
 * S: q x G cluster sums (boot.c layout, no extras needed); R: k;
 * restricted: WCR (TRUE) or WCU; wtype: weight distribution; B: replicates
 * (2^G when enumerating); seed: two halves; enumerate: Rademacher
 * enumeration; wmat: NULL or a B x G matrix of weights; adj: the CR1
 * factor; tables: use the sign tables for Rademacher weights (drawn,
 * enumerated or a +-1 wmat) when they fit the cache. Returns
 * list(stats = 5 x B, theta, sigma, se). */
static SEXP C_boot_wild_stats(SEXP S, SEXP k_, SEXP R_, SEXP restricted,
                              SEXP wtype, SEXP B_, SEXP seed, SEXP enumerate,
                              SEXP wmat, SEXP adj, SEXP threads, SEXP tables) {
  vcf_arg_scalar(k_, INTSXP, "k");
  vcf_arg_type(S, REALSXP, "S");
  vcf_arg_type(R_, REALSXP, "R");
  vcf_arg_scalar(restricted, LGLSXP, "restricted");
  vcf_arg_scalar(wtype, INTSXP, "wtype");
  vcf_arg_scalar(B_, REALSXP, "B");
  vcf_arg_scalar(enumerate, LGLSXP, "enumerate");
  vcf_arg_scalar(adj, REALSXP, "adj");
  vcf_arg_scalar(threads, INTSXP, "threads");
  vcf_arg_scalar(tables, LGLSXP, "tables");
  const uint64_t seed64 = vcf_seed_from(seed);
  const int k = INTEGER(k_)[0];
  if (k < 1 || k > 1000) Rf_error("`k` must be in [1, 1000].");
  vcf_arg_length(R_, k, "R");
  const int q = vcf_ols_nsums(k, 0);
  if (XLENGTH(S) % q || XLENGTH(S) / q < 2 || XLENGTH(S) / q > INT_MAX)
    Rf_error("`S` must hold the sums of 2 or more clusters (%d values each).", q);
  const int G = (int) (XLENGTH(S) / q);
  const int type = INTEGER(wtype)[0];
  if (type < W_RADEMACHER || type > W_NORMAL) Rf_error("`wtype` must be 0 to 3.");
  const double Bd = REAL(B_)[0];
  if (!(Bd >= 1 && Bd <= (double) INT_MAX)) Rf_error("`B` must be in [1, %d].", INT_MAX);
  const int B = (int) Bd;
  const int enumerating = LOGICAL(enumerate)[0];
  if (enumerating && (G > 30 || B != (1 << G)))
    Rf_error("enumeration needs G <= 30 and B = 2^G.");
  const double *W = NULL;
  if (!Rf_isNull(wmat)) {
    vcf_arg_type(wmat, REALSXP, "weights_matrix");
    if ((double) B * G != (double) XLENGTH(wmat))
      Rf_error("`weights_matrix` must be %d x %d.", B, G);
    W = REAL(wmat);
    for (R_xlen_t i = 0; i < XLENGTH(wmat); i++)
      if (!R_FINITE(W[i])) Rf_error("`weights_matrix` must be finite.");
  }
  /* Statistics: 5 per replicate; refuse what cannot be allocated. */
  if ((double) B * N_STATS > (double) R_XLEN_T_MAX) Rf_error("`B` is too large.");

  wild_t m = {k, G, LOGICAL(restricted)[0], REAL(adj)[0], NULL, NULL, NULL,
              NULL, NULL, NULL};
  double theta, sigma;
  const double se = wild_setup(&m, REAL(S), q, REAL(R_), &theta, &sigma);

  const char *names[] = {"stats", "theta", "sigma", "se"};
  SEXP out = PROTECT(named_list(4, names));
  SEXP st = PROTECT(Rf_allocMatrix(REALSXP, N_STATS, B));
  double *ST = REAL(st);
  const int nt = vcf_threads(INTEGER(threads)[0]);
  /* Sign bits: drawn or enumerated Rademacher weights, or a weights matrix
   * of +-1 only (so that giving a fit's own weights reproduces it). */
  int signs = enumerating || (!W && type == W_RADEMACHER);
  if (W) {
    signs = 1;
    for (R_xlen_t i = 0; i < XLENGTH(wmat) && signs; i++) signs = W[i] == 1 || W[i] == -1;
  }
  signs = signs && LOGICAL(tables)[0] == TRUE && sign_fits(G, k, m.restricted);
  sign_t sign_tables;
  if (signs) sign_setup(&sign_tables, &m);
  const stats_fn replicate_stats = stats_for(k, m.restricted);
  const sign_fn replicate_signs = sign_for(k, m.restricted);
  const int nwords = (G + 63) / 64;
  double *vmem = (double *) R_alloc((size_t) (G + 1) * nt, sizeof(double));
  double *umem = (double *) R_alloc((size_t) 4 * k * nt, sizeof(double));
  uint64_t *bmem = (uint64_t *) R_alloc((size_t) nwords * nt, sizeof(uint64_t));
  /* Blocks of about 2^22 cluster visits between interrupt checks. */
  int block = (int) (4194304.0 / ((double) G * k + 1));
  if (block < nt) block = nt;
  for (int start = 0; start < B; start += block) {
    const int end = B - start > block ? start + block : B;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(static)
#endif
    for (int b = start; b < end; b++) {
      const int t = WILD_THREAD_NUM();
      double *v = vmem + (size_t) (G + 1) * t, *u = umem + (size_t) 4 * k * t;
      double *out_b = ST + (size_t) N_STATS * b;
      if (signs) {
        uint64_t *bits = bmem + (size_t) nwords * t;
        if (W) {
          for (int w = 0; w < nwords; w++) bits[w] = 0;
          for (int g = 0; g < G; g++)
            bits[g / 64] |= (uint64_t) (W[b + (size_t) B * g] < 0) << (g % 64);
        } else if (enumerating) {
          bits[0] = (uint64_t) b;
        } else {
          vcf_rng rng;
          vcf_rng_stream(&rng, seed64, (uint64_t) b + 1);
          for (int w = 0; w < nwords; w++) bits[w] = vcf_rng_next(&rng);
        }
        replicate_signs(&sign_tables, bits, u, out_b);
        continue;
      }
      if (W) {
        for (int g = 0; g < G; g++) v[g] = W[b + (size_t) B * g];
      } else if (enumerating) {
        for (int g = 0; g < G; g++) v[g] = (b >> g) & 1 ? -1.0 : 1.0;
      } else {
        vcf_rng rng;
        vcf_rng_stream(&rng, seed64, (uint64_t) b + 1);
        draw_weights(type, &rng, G, v);
      }
      replicate_stats(&m, v, u, out_b);
    }
    R_CheckUserInterrupt();
  }
  SET_VECTOR_ELT(out, 0, st);
  SET_VECTOR_ELT(out, 1, Rf_ScalarReal(theta));
  SET_VECTOR_ELT(out, 2, Rf_ScalarReal(sigma));
  SET_VECTOR_ELT(out, 3, Rf_ScalarReal(se));
  UNPROTECT(2);
  return out;
}

/* Whether a replicate counts as at least as extreme as the data at lambda:
 * t*^2 >= t^2 (1 - WILD_TIE), written num^2 >= bar var with bar =
 * t^2 (1 - WILD_TIE). A replicate whose variance is zero always counts. */
WILD_INLINE int wild_counts(const double *s, double lambda, double bar,
                            double adj) {
  const double num = s[ST_N0] + lambda * s[ST_N1];
  double var = adj * (s[ST_Q00] + 2 * lambda * s[ST_Q01] +
                      lambda * lambda * s[ST_Q11]);
  if (var < 0) var = 0;
  return num * num >= bar * var;
}

/* p-value at lambda = (theta - r) / sigma: the share of replicates that
 * count. */
static double wild_p(const double *st, int B, double lambda, double bar,
                     double adj) {
  long long hits = 0;
  for (int b = 0; b < B; b++)
    hits += wild_counts(st + (size_t) N_STATS * b, lambda, bar, adj);
  return (double) hits / B;
}

typedef struct {
  const double *st;
  int B;
  double theta, sigma, se, adj;
} wild_eval_t;

/* lambda and bar = t^2 (1 - WILD_TIE) of the null r. */
static void wild_point(const wild_eval_t *e, double r, double *lambda,
                       double *bar) {
  const double t = (e->theta - r) / e->se;
  *lambda = (e->theta - r) / e->sigma;
  *bar = t * t * (1 - WILD_TIE);
}

static double wild_p_at(const wild_eval_t *e, double r) {
  double lambda, bar;
  wild_point(e, r, &lambda, &bar);
  return wild_p(e->st, e->B, lambda, bar, e->adj);
}

static void wild_eval_init(wild_eval_t *e, SEXP stats, SEXP theta, SEXP sigma,
                           SEXP se, SEXP adj) {
  vcf_arg_type(stats, REALSXP, "stats");
  vcf_arg_scalar(theta, REALSXP, "theta");
  vcf_arg_scalar(sigma, REALSXP, "sigma");
  vcf_arg_scalar(se, REALSXP, "se");
  vcf_arg_scalar(adj, REALSXP, "adj");
  if (XLENGTH(stats) % N_STATS || XLENGTH(stats) == 0 ||
      XLENGTH(stats) / N_STATS > INT_MAX)
    Rf_error("`stats` must hold %d values per replicate.", N_STATS);
  e->st = REAL(stats);
  e->B = (int) (XLENGTH(stats) / N_STATS);
  e->theta = REAL(theta)[0];
  e->sigma = REAL(sigma)[0];
  e->se = REAL(se)[0];
  e->adj = REAL(adj)[0];
  if (!(e->sigma > 0) || !(e->se > 0) || !R_FINITE(e->theta))
    Rf_error("`theta` must be finite and `sigma`, `se` positive.");
}

/* Bootstrap p-values of the nulls r (a vector). */
static SEXP C_boot_wild_pvalue(SEXP stats, SEXP theta, SEXP sigma, SEXP se,
                               SEXP adj, SEXP r) {
  wild_eval_t e;
  wild_eval_init(&e, stats, theta, sigma, se, adj);
  vcf_arg_type(r, REALSXP, "r");
  const R_xlen_t n = XLENGTH(r);
  SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
  for (R_xlen_t i = 0; i < n; i++) {
    const double ri = REAL(r)[i];
    REAL(out)[i] = R_FINITE(ri) ? wild_p_at(&e, ri) : NA_REAL;
    if (i % 64 == 63) R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return out;
}

/* The interval search below evaluates p(r) some 40 times per end, and near
 * an end of a 1 - alpha interval only about alpha of the replicates can
 * still count. A replicate's |t*(lambda)| is bounded over all lambda: with
 * n = (N0, N1), Q = [Q00 Q01; Q01 Q11] and x = (1, lambda),
 *   t*^2 = (n'x)^2 / (adj x'Qx) <= n'Q^{-1}n / adj = T^2
 * (Cauchy-Schwarz), so it cannot count once t^2 (1 - WILD_TIE) > T^2, i.e.
 * once lambda^2 > reach2 = T^2 se^2 / (sigma^2 (1 - WILD_TIE)). The search
 * moves only outwards from the last r not rejected ("inside"), so
 * replicates whose reach is below inside's cannot count at any later r and
 * are dropped for good; near the end some 85% of them are. The counts,
 * and hence the interval, are exactly those of evaluating every replicate:
 * reach2 carries a relative margin of 1e-6, far above the rounding of
 * wild_counts when Q is not near-singular (det Q >= 1e-6 Q00 Q11; the
 * rounding then grows by at most 4e6 times, to about 1e-9), and replicates
 * with a near-singular Q, huge values or a zero variance are never dropped.
 * WCU (N1 = Q01 = Q11 = 0) has t*^2 = N0^2 / (adj Q00) for every lambda. */
#define WILD_REACH_MARGIN 1e-6
#define WILD_DET_MIN 1e-6
/* Beyond these, products in wild_counts may overflow: no pruning. */
#define WILD_SAFE 1e100

typedef struct {
  double s[N_STATS];
  double reach2;
} wild_rep_t;

static double wild_reach2(const double *s, const wild_eval_t *e) {
  const double n0 = s[ST_N0], n1 = s[ST_N1], q00 = s[ST_Q00], q01 = s[ST_Q01],
    q11 = s[ST_Q11];
  for (int i = 0; i < N_STATS; i++)
    if (!(fabs(s[i]) <= WILD_SAFE)) return R_PosInf;
  double T2;
  if (n1 == 0 && q01 == 0 && q11 == 0) {
    if (!(q00 > 0)) return R_PosInf;
    T2 = n0 * n0 / (e->adj * q00);
  } else {
    const double det = q00 * q11 - q01 * q01;
    if (!(q00 > 0 && q11 > 0 && det >= WILD_DET_MIN * q00 * q11)) return R_PosInf;
    T2 = (n0 * n0 * q11 - 2 * n0 * n1 * q01 + n1 * n1 * q00) / (det * e->adj);
  }
  if (T2 < 0) T2 = 0;   /* rounding of n'Q^{-1}n when n is about 0 */
  const double ratio = e->se / e->sigma;
  const double reach2 = T2 * ratio * ratio / (1 - WILD_TIE) * (1 + WILD_REACH_MARGIN);
  return R_FINITE(reach2) ? reach2 : R_PosInf;
}

/* The replicates one end's search may still need: work[0, n) holds those
 * whose reach is at least `floor2`, the search's inside point, and `surv`
 * of them reach `surv_floor2`. */
typedef struct {
  const wild_eval_t *e;
  const double *reach2;    /* every replicate's, computed once for both ends */
  wild_rep_t *work;
  R_xlen_t n, surv;
  double floor2, surv_floor2;
  int built;
} wild_pool_t;

/* Keep the replicates that reach floor2 (in place, without branches). */
static void wild_pool_shrink(wild_pool_t *pool, double floor2) {
  R_xlen_t kept = 0;
  if (!pool->built) {
    const wild_eval_t *e = pool->e;
    for (int b = 0; b < e->B; b++) {
      wild_rep_t *rep = pool->work + kept;
      memcpy(rep->s, e->st + (size_t) N_STATS * b, sizeof(rep->s));
      rep->reach2 = pool->reach2[b];
      kept += rep->reach2 >= floor2;
    }
    pool->built = 1;
  } else {
    for (R_xlen_t i = 0; i < pool->n; i++) {
      const wild_rep_t rep = pool->work[i];
      pool->work[kept] = rep;
      kept += rep.reach2 >= floor2;
    }
  }
  pool->n = kept;
  pool->floor2 = floor2;
}

/* p(r) for an r beyond the search's inside point, whose lambda^2 is floor2:
 * every later r lies beyond it too, so replicates that cannot reach floor2
 * are dropped for good (once a quarter of the pool would go). */
static double wild_pool_p(wild_pool_t *pool, double r, double floor2) {
  const wild_eval_t *e = pool->e;
  double lambda, bar;
  wild_point(e, r, &lambda, &bar);
  const double lambda2 = lambda * lambda;
  if (!(lambda2 <= WILD_SAFE && bar <= WILD_SAFE && bar > 0 && floor2 <= lambda2 &&
        floor2 > 0))
    return wild_p(e->st, e->B, lambda, bar, e->adj);
  if (!pool->built ||
      (floor2 > pool->floor2 && floor2 == pool->surv_floor2 && 4 * pool->surv < 3 * pool->n))
    wild_pool_shrink(pool, floor2);
  long long hits = 0;
  R_xlen_t surv = 0;
  for (R_xlen_t i = 0; i < pool->n; i++) {
    const wild_rep_t *rep = pool->work + i;
    hits += wild_counts(rep->s, lambda, bar, e->adj);
    surv += rep->reach2 >= lambda2;
  }
  /* how many would stay should r become the inside point */
  pool->surv = surv;
  pool->surv_floor2 = lambda2;
  return (double) hits / e->B;
}

/* One end of the test-inversion interval: the r beyond theta (direction
 * dir = -1 for the lower end, +1 for the upper) where p(r) first falls to
 * alpha or below, by doubling steps out from theta and then bisection.
 * Infinite when p never falls that low (too few clusters for the level).
 * p is evaluated through the pool (exactly) or, when `work` is NULL, over
 * every replicate. */
static double wild_end(const wild_eval_t *e, const double *reach2,
                       wild_rep_t *work, double alpha, int dir) {
  wild_pool_t pool = {e, reach2, work, 0, 0, 0, 0, 0};
  double inside = e->theta, step = 2 * e->se, outside = NAN, floor2 = 0;
#define WILD_P(r) (work ? wild_pool_p(&pool, (r), floor2) : wild_p_at(e, (r)))
  for (int i = 0; i < 1100; i++) {
    const double r = e->theta + dir * step;
    if (!R_FINITE(r)) break;
    if (WILD_P(r) <= alpha) {
      outside = r;
      break;
    }
    inside = r;
    floor2 = (e->theta - r) / e->sigma * ((e->theta - r) / e->sigma);
    step *= 2;
    R_CheckUserInterrupt();
  }
  if (ISNAN(outside)) return dir * R_PosInf;
  /* To 1e-10 standard errors: far below any Monte Carlo error. */
  const double tol = 1e-10 * e->se;
  for (int i = 0; i < 200 && fabs(outside - inside) > tol; i++) {
    const double mid = inside + (outside - inside) / 2;
    if (mid == inside || mid == outside) break;
    if (WILD_P(mid) <= alpha) {
      outside = mid;
    } else {
      inside = mid;
      floor2 = (e->theta - mid) / e->sigma * ((e->theta - mid) / e->sigma);
    }
    R_CheckUserInterrupt();
  }
#undef WILD_P
  /* The last r not rejected. */
  return inside;
}

/* The interval {r : p(r) > alpha}, alpha = 1 - level, as c(lower, upper).
 * prune = FALSE evaluates every replicate at every step (the reference the
 * tests hold the pruned search to). */
static SEXP C_boot_wild_ci(SEXP stats, SEXP theta, SEXP sigma, SEXP se,
                           SEXP adj, SEXP alpha_, SEXP prune) {
  wild_eval_t e;
  wild_eval_init(&e, stats, theta, sigma, se, adj);
  vcf_arg_scalar(alpha_, REALSXP, "alpha");
  vcf_arg_scalar(prune, LGLSXP, "prune");
  const double alpha = REAL(alpha_)[0];
  if (!(alpha > 0 && alpha < 1)) Rf_error("`alpha` must be in (0, 1).");
  wild_rep_t *work = NULL;
  double *reach2 = NULL;
  /* The pool copies the statistics (56 bytes per replicate); past 2
   * million replicates the plain search is used, to bound memory. */
  if (LOGICAL(prune)[0] == TRUE && e.B <= 2000000) {
    work = (wild_rep_t *) R_alloc(e.B, sizeof(wild_rep_t));
    reach2 = (double *) R_alloc(e.B, sizeof(double));
    for (int b = 0; b < e.B; b++) reach2[b] = wild_reach2(e.st + (size_t) N_STATS * b, &e);
  }
  SEXP out = PROTECT(Rf_allocVector(REALSXP, 2));
  REAL(out)[0] = wild_end(&e, reach2, work, alpha, -1);
  R_CheckUserInterrupt();
  REAL(out)[1] = wild_end(&e, reach2, work, alpha, 1);
  UNPROTECT(1);
  return out;
}

/* CR2 ------------------------------------------------------------------- */

typedef struct {
  gsl_eigen_symmv_workspace *ws;
  gsl_matrix *A, *evec;
  gsl_vector *eval;
} cr2_gsl_t;

typedef struct {
  const double *X, *e, *M;
  const int *order, *off;
  int n, k, G, nmax;
  cr2_gsl_t *gsl;
  double *vcov, *df;
} cr2_job_t;

static void cr2_cleanup(void *data) {
  cr2_gsl_t *g = (cr2_gsl_t *) data;
  if (g->ws) gsl_eigen_symmv_free(g->ws);
  if (g->A) gsl_matrix_free(g->A);
  if (g->evec) gsl_matrix_free(g->evec);
  if (g->eval) gsl_vector_free(g->eval);
  g->ws = NULL;
  g->A = g->evec = NULL;
  g->eval = NULL;
}

/* Z_g = (I - X_g M X_g')^{-1/2} X_g for the rows of cluster g (ng rows,
 * row i is X[order[first + i]]), into Z (ng x k, column-major). */
static void cr2_adjust(const cr2_job_t *j, int first, int ng, double *Z,
                       double *xg) {
  const int k = j->k, n = j->n;
  for (int i = 0; i < ng; i++)
    for (int c = 0; c < k; c++)
      xg[i + ng * c] = j->X[j->order[first + i] + (size_t) n * c];
  gsl_matrix_view A = gsl_matrix_submatrix(j->gsl->A, 0, 0, ng, ng);
  for (int a = 0; a < ng; a++)
    for (int b = 0; b <= a; b++) {
      double h = 0.0;
      for (int c = 0; c < k; c++)
        for (int d = 0; d < k; d++)
          h += xg[a + ng * c] * j->M[c + k * d] * xg[b + ng * d];
      const double v = (a == b) - h;
      gsl_matrix_set(&A.matrix, a, b, v);
      gsl_matrix_set(&A.matrix, b, a, v);
    }
  gsl_matrix_view V = gsl_matrix_submatrix(j->gsl->evec, 0, 0, ng, ng);
  gsl_vector_view L = gsl_vector_subvector(j->gsl->eval, 0, ng);
  /* GSL wants a workspace of the matrix's own size; it lives in j->gsl so
   * that the cleanup frees it should anything below raise an R error. */
  j->gsl->ws = gsl_eigen_symmv_alloc(ng);
  if (!j->gsl->ws) Rf_error("CR2: out of memory for the eigen workspace.");
  const int status = gsl_eigen_symmv(&A.matrix, &L.vector, &V.matrix, j->gsl->ws);
  gsl_eigen_symmv_free(j->gsl->ws);
  j->gsl->ws = NULL;
  if (status) Rf_error("CR2: eigen-decomposition failed (%s).", gsl_strerror(status));
  /* Z = V diag(l^-1/2) V' X_g, dropping eigenvalues <= 1e-12. */
  for (int c = 0; c < k; c++) {
    for (int a = 0; a < ng; a++) {
      double z = 0.0;
      for (int s = 0; s < ng; s++) {
        const double l = gsl_vector_get(&L.vector, s);
        if (!(l > 1e-12)) continue;
        double proj = 0.0;
        for (int b = 0; b < ng; b++) proj += gsl_matrix_get(&V.matrix, b, s) * xg[b + ng * c];
        z += gsl_matrix_get(&V.matrix, a, s) * proj / sqrt(l);
      }
      Z[a + ng * c] = z;
    }
  }
}

static SEXP cr2_body(void *data) {
  cr2_job_t *j = (cr2_job_t *) data;
  const int k = j->k, G = j->G, n = j->n;
  cr2_gsl_t *g = j->gsl;
  g->A = gsl_matrix_alloc(j->nmax, j->nmax);
  g->evec = gsl_matrix_alloc(j->nmax, j->nmax);
  g->eval = gsl_vector_alloc(j->nmax);
  if (!g->A || !g->evec || !g->eval) Rf_error("CR2: out of memory.");
  /* Z for every cluster, stacked in cluster order (n x k overall). */
  double *Z = (double *) R_alloc((size_t) n * k, sizeof(double));
  double *xg = (double *) R_alloc((size_t) j->nmax * k, sizeof(double));
  double *score = (double *) R_alloc((size_t) G * k, sizeof(double));
  for (int h = 0; h < G; h++) {
    const int first = j->off[h], ng = j->off[h + 1] - first;
    double *Zg = Z + (size_t) first * k;
    cr2_adjust(j, first, ng, Zg, xg);
    for (int c = 0; c < k; c++) {
      double s = 0.0;
      for (int a = 0; a < ng; a++) s += Zg[a + ng * c] * j->e[j->order[first + a]];
      score[c + (size_t) k * h] = s;
    }
    if (h % 256 == 255) R_CheckUserInterrupt();
  }
  /* vcov = M (sum_g s_g s_g') M */
  double *meat = (double *) R_alloc((size_t) k * k, sizeof(double));
  double *tmp = (double *) R_alloc((size_t) k * k, sizeof(double));
  for (int a = 0; a < k * k; a++) meat[a] = 0.0;
  for (int h = 0; h < G; h++)
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++)
        meat[a + k * b] += score[a + (size_t) k * h] * score[b + (size_t) k * h];
  for (int a = 0; a < k; a++)
    for (int b = 0; b < k; b++) {
      double v = 0.0;
      for (int c = 0; c < k; c++) v += j->M[a + k * c] * meat[c + k * b];
      tmp[a + k * b] = v;
    }
  for (int a = 0; a < k; a++)
    for (int b = 0; b < k; b++) {
      double v = 0.0;
      for (int c = 0; c < k; c++) v += tmp[a + k * c] * j->M[c + k * b];
      j->vcov[a + k * b] = v;
    }
  /* Satterthwaite df of coefficient c: with p_g = Z_g M e_c and
   * f_g = X_g'p_g, P_gh = [g = h] |p_g|^2 - f_g'M f_h, and
   * df = (tr P)^2 / sum P_gh^2, where sum_gh (f_g'M f_h)^2 = tr((M F'F)^2). */
  double *F = (double *) R_alloc((size_t) G * k, sizeof(double));
  double *pg = (double *) R_alloc(j->nmax, sizeof(double));
  double *pp = (double *) R_alloc(G, sizeof(double));
  double *FF = (double *) R_alloc((size_t) k * k, sizeof(double));
  for (int c = 0; c < k; c++) {
    for (int h = 0; h < G; h++) {
      const int first = j->off[h], ng = j->off[h + 1] - first;
      const double *Zg = Z + (size_t) first * k;
      double norm2 = 0.0;
      for (int a = 0; a < ng; a++) {
        double v = 0.0;
        for (int d = 0; d < k; d++) v += Zg[a + ng * d] * j->M[d + k * c];
        pg[a] = v;
        norm2 += v * v;
      }
      pp[h] = norm2;
      for (int d = 0; d < k; d++) {
        double v = 0.0;
        for (int a = 0; a < ng; a++) v += j->X[j->order[first + a] + (size_t) n * d] * pg[a];
        F[d + (size_t) k * h] = v;
      }
    }
    double trace = 0.0, sum2 = 0.0;
    for (int h = 0; h < G; h++) {
      const double *fh = F + (size_t) k * h;
      double fmf = 0.0;
      for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++) fmf += fh[a] * j->M[a + k * b] * fh[b];
      trace += pp[h] - fmf;
      sum2 += pp[h] * pp[h] - 2 * pp[h] * fmf;
    }
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++) {
        double v = 0.0;
        for (int h = 0; h < G; h++) v += F[a + (size_t) k * h] * F[b + (size_t) k * h];
        FF[a + k * b] = v;
      }
    /* tmp = M F'F; sum2 += tr(tmp tmp) */
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++) {
        double v = 0.0;
        for (int d = 0; d < k; d++) v += j->M[a + k * d] * FF[d + k * b];
        tmp[a + k * b] = v;
      }
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++) sum2 += tmp[a + k * b] * tmp[b + k * a];
    j->df[c] = sum2 > 0 ? trace * trace / sum2 : NA_REAL;
  }
  return R_NilValue;
}

/* CR2 covariance and Satterthwaite df. X: n x k design; e: residuals;
 * order: 0-based rows grouped by cluster; off: G + 1 offsets into order;
 * M: (X'X)^{-1}, k x k. Returns list(vcov, df). */
static SEXP C_boot_cr2(SEXP X, SEXP e, SEXP order, SEXP off, SEXP M) {
  vcf_arg_type(X, REALSXP, "X");
  vcf_arg_type(e, REALSXP, "e");
  vcf_arg_type(order, INTSXP, "order");
  vcf_arg_type(off, INTSXP, "off");
  vcf_arg_type(M, REALSXP, "M");
  const R_xlen_t n = XLENGTH(e);
  if (n < 1 || n > INT_MAX) Rf_error("`e` must have 1 to %d values.", INT_MAX);
  if (XLENGTH(X) % n || XLENGTH(X) / n < 1 || XLENGTH(X) / n > 1000)
    Rf_error("`X` must have %lld rows and 1 to 1000 columns.", (long long) n);
  const int k = (int) (XLENGTH(X) / n);
  vcf_arg_length(M, (R_xlen_t) k * k, "M");
  vcf_arg_length(order, n, "order");
  if (XLENGTH(off) < 2) Rf_error("`off` needs two values or more.");
  const int G = (int) XLENGTH(off) - 1;
  const int *o = INTEGER(off), *ord = INTEGER(order);
  if (o[0] != 0 || o[G] != n) Rf_error("`off` must run from 0 to n.");
  int nmax = 1;
  for (int h = 0; h < G; h++) {
    if (o[h + 1] <= o[h]) Rf_error("`off` must increase.");
    if (o[h + 1] - o[h] > nmax) nmax = o[h + 1] - o[h];
  }
  if (nmax > 5000) Rf_error("CR2: a cluster has more than 5000 rows.");
  for (R_xlen_t i = 0; i < n; i++)
    if (ord[i] < 0 || ord[i] >= n) Rf_error("`order` must hold 0-based rows.");
  /* Finite input keeps the eigen-decompositions' iterations finite. */
  const double *arrays[] = {REAL(X), REAL(e), REAL(M)};
  const R_xlen_t lengths[] = {XLENGTH(X), n, (R_xlen_t) k * k};
  for (int a = 0; a < 3; a++)
    for (R_xlen_t i = 0; i < lengths[a]; i++)
      if (!R_FINITE(arrays[a][i])) Rf_error("`X`, `e` and `M` must be finite.");

  const char *names[] = {"vcov", "df"};
  SEXP out = PROTECT(named_list(2, names));
  SEXP vc = PROTECT(Rf_allocMatrix(REALSXP, k, k));
  SEXP df = PROTECT(Rf_allocVector(REALSXP, k));
  cr2_gsl_t gsl = {NULL, NULL, NULL, NULL};
  cr2_job_t job = {REAL(X), REAL(e), REAL(M), ord, o, (int) n, k, G, nmax,
                   &gsl, REAL(vc), REAL(df)};
  R_ExecWithCleanup(cr2_body, &job, cr2_cleanup, &gsl);
  SET_VECTOR_ELT(out, 0, vc);
  SET_VECTOR_ELT(out, 1, df);
  UNPROTECT(3);
  return out;
}

/* The weights of replicates 1..B as a B x G matrix, as C_boot_wild_stats
 * draws them (internal API: wild_weights() in R). */
static SEXP C_boot_wild_weights(SEXP wtype, SEXP G_, SEXP B_, SEXP seed,
                                SEXP enumerate) {
  vcf_arg_scalar(wtype, INTSXP, "wtype");
  vcf_arg_scalar(G_, INTSXP, "G");
  vcf_arg_scalar(B_, REALSXP, "B");
  vcf_arg_scalar(enumerate, LGLSXP, "enumerate");
  const uint64_t seed64 = vcf_seed_from(seed);
  const int type = INTEGER(wtype)[0], G = INTEGER(G_)[0];
  const double Bd = REAL(B_)[0];
  if (type < W_RADEMACHER || type > W_NORMAL) Rf_error("`wtype` must be 0 to 3.");
  if (G < 1) Rf_error("`G` must be positive.");
  if (!(Bd >= 1 && Bd * G <= 1e9)) Rf_error("`B` x `G` must be in [1, 1e9].");
  const int B = (int) Bd;
  if (LOGICAL(enumerate)[0] && (G > 30 || B != (1 << G)))
    Rf_error("enumeration needs G <= 30 and B = 2^G.");
  SEXP out = PROTECT(Rf_allocMatrix(REALSXP, B, G));
  double *W = REAL(out), *v = (double *) R_alloc((size_t) G + 1, sizeof(double));
  for (int b = 0; b < B; b++) {
    if (LOGICAL(enumerate)[0]) {
      for (int g = 0; g < G; g++) v[g] = (b >> g) & 1 ? -1.0 : 1.0;
    } else {
      vcf_rng rng;
      vcf_rng_stream(&rng, seed64, (uint64_t) b + 1);
      draw_weights(type, &rng, G, v);
    }
    for (int g = 0; g < G; g++) W[b + (size_t) B * g] = v[g];
    if (b % 65536 == 65535) R_CheckUserInterrupt();
  }
  UNPROTECT(1);
  return out;
}

const R_CallMethodDef vcf_wild_calls[] = {
  {"C_boot_wild_weights", (DL_FUNC) &C_boot_wild_weights, 5},
  {"C_boot_wild_stats", (DL_FUNC) &C_boot_wild_stats, 12},
  {"C_boot_wild_pvalue", (DL_FUNC) &C_boot_wild_pvalue, 6},
  {"C_boot_wild_ci", (DL_FUNC) &C_boot_wild_ci, 7},
  {"C_boot_cr2", (DL_FUNC) &C_boot_cr2, 5},
  {NULL, NULL, 0}
};
