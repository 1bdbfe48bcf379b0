/* reconstruct: individual-level samples consistent with published summaries.
 *
 * Values live on an integer grid: the R layer divides every value by the
 * granularity (1, 0.5, 0.1, ...) so that the C code sees integer "units".
 * Sums and sums of squares are then exact 64-bit integers, and the rounding
 * windows of the reported mean, SD and paired t are turned by the R layer
 * into windows on those integers, so the search never compares rounded
 * floating-point summaries.
 *
 * Randomness comes from a xoshiro256** generator seeded (through splitmix64)
 * from two numbers that the R layer draws with R's RNG: results follow
 * set.seed() and never touch R's RNG inside the search.
 *
 * Limits, checked at entry so that no arithmetic below can overflow: values
 * (lo, hi) within +-MAX_UNIT, so every value, hi - lo and a value +- 1 fit an
 * int; n <= MAX_N, so totals stay within +-2^60 in int64_t; totals smin,
 * smax within the range n values can reach; max_iter finite and at most
 * MAX_ITER (the R layer documents the same bound). Every long loop checks
 * for an interrupt every INTERRUPT_EVERY steps.
 */
#include "vcf.h"
#include "rng.h"
#include <limits.h>
#include <math.h>
#include <string.h>

#define MAX_UNIT 1073741824.0 /* 2^30 */
#define MAX_N 1073741824      /* 2^30 */
#define MAX_ITER 1e15
#define INTERRUPT_EVERY 0xFFFFF /* a mask: every 2^20 steps */

/* RNG ----------------------------------------------------------------------*/

typedef vcf_rng rng_t;

static void rng_seed(rng_t *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = vcf_splitmix64(&seed);
}

/* Uniform integer in [0, n), n > 0, without bias. */
static inline int64_t rng_int(rng_t *r, int64_t n) {
  return (int64_t) vcf_rng_below(r, (uint64_t) n);
}

static inline double rng_unif(rng_t *r) {
  return (double) (vcf_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Shared sample helpers ----------------------------------------------------*/

static void shuffle(rng_t *r, int *x, int n) {
  for (int i = n - 1; i > 0; i--) {
    int j = (int) rng_int(r, i + 1);
    int tmp = x[i];
    x[i] = x[j];
    x[j] = tmp;
  }
}

/* Fills x[from..n) with random values in [lo, hi] whose total is `total`:
 * a uniform start, then single-unit steps on random elements that can still
 * move, which keeps the start random rather than flat. */
static void random_fill(rng_t *r, int *x, int from, int n, int lo, int hi,
                        int64_t total) {
  int c = n - from;
  int64_t sum = 0;
  for (int i = from; i < n; i++) {
    x[i] = (int) (lo + rng_int(r, (int64_t) hi - lo + 1));
    sum += x[i];
  }
  for (uint64_t step = 0; sum != total; step++) {
    if ((step & INTERRUPT_EVERY) == INTERRUPT_EVERY) R_CheckUserInterrupt();
    int i = from + (int) rng_int(r, c);
    if (sum < total && x[i] < hi) {
      x[i]++;
      sum++;
    } else if (sum > total && x[i] > lo) {
      x[i]--;
      sum--;
    }
  }
}

/* Smallest and largest sum of squares of c values in [lo, hi] with total t:
 * as even as possible, and as many values as possible at the bounds. */
static double sumsq_min(int c, int64_t t) {
  if (c == 0) return 0;
  int64_t q = t / c, rem = t % c;
  if (rem < 0) {
    rem += c;
    q--;
  }
  return (double) (c - rem) * q * q + (double) rem * (q + 1) * (q + 1);
}

static double sumsq_max(int c, int64_t t, int lo, int hi) {
  if (c == 0) return 0;
  if (hi == lo) return (double) c * lo * lo;
  int64_t width = (int64_t) hi - lo;
  int64_t above = t - (int64_t) c * lo;
  int64_t at_hi = above / width;
  int64_t mid = lo + above % width;
  int64_t at_lo = c - at_hi - 1;
  if (at_lo < 0) return (double) c * hi * hi;
  return (double) at_hi * hi * hi + (double) mid * mid + (double) at_lo * lo * lo;
}

static inline double window_dist(double q, double qlo, double qhi) {
  if (q < qlo) return qlo - q;
  if (q > qhi) return q - qhi;
  return 0;
}

/* Single-variable SPRITE ----------------------------------------------------*/

typedef struct {
  int n, lo, hi, attain;
  int64_t smin, smax;
  double dlo, dhi;  /* window on n * sum(x^2) - sum(x)^2; dhi < 0: no SD */
  double max_iter;
} sprite_spec;

/* Number of leading positions held at lo and hi when the range must be
 * attained. */
static int fixed_count(const sprite_spec *sp) {
  if (!sp->attain || sp->n < 2 || sp->lo == sp->hi) return 0;
  return 2;
}

static int64_t free_total(const sprite_spec *sp, int64_t s) {
  return fixed_count(sp) ? s - sp->lo - sp->hi : s;
}

/* Can a sample with total s reach the SD window at all? */
static int sum_feasible(const sprite_spec *sp, int64_t s) {
  int f = fixed_count(sp), c = sp->n - f;
  int64_t t = free_total(sp, s);
  if (t < (int64_t) c * sp->lo || t > (int64_t) c * sp->hi) return 0;
  if (sp->dhi < 0) return 1;
  double fixed_sq = f ? (double) sp->lo * sp->lo + (double) sp->hi * sp->hi : 0;
  double s2 = (double) s * s;
  double dmin = sp->n * (fixed_sq + sumsq_min(c, t)) - s2;
  double dmax = sp->n * (fixed_sq + sumsq_max(c, t, sp->lo, sp->hi)) - s2;
  return dmax >= sp->dlo && dmin <= sp->dhi;
}

/* Moves pairs of free values by one unit toward the SD window. Returns 1 on
 * success within `budget` proposals. */
static int sprite_sd(rng_t *r, const sprite_spec *sp, int *x, int64_t s,
                     double budget) {
  int n = sp->n, f = fixed_count(sp), c = n - f;
  double q = 0;
  for (int i = 0; i < n; i++) q += (double) x[i] * x[i];
  double qlo = (sp->dlo + (double) s * s) / n, qhi = (sp->dhi + (double) s * s) / n;
  double dist = window_dist(q, qlo, qhi);
  if (c < 2) return dist == 0;
  double stale = 0, stale_max = 200.0 * n + 2000;
  uint64_t step = 0;
  for (double it = 0; it < budget && dist > 0; it++) {
    if ((++step & INTERRUPT_EVERY) == 0) R_CheckUserInterrupt();
    int i = f + (int) rng_int(r, c), j = f + (int) rng_int(r, c);
    if (i == j) continue;
    if (x[i] > x[j]) {
      int tmp = i;
      i = j;
      j = tmp;
    }
    double delta;
    int up = q < qlo;
    if (up) {
      if (x[i] <= sp->lo || x[j] >= sp->hi) continue;
      delta = 2.0 * (x[j] - x[i]) + 2;
    } else {
      if (x[j] - x[i] < 2) continue;
      delta = -2.0 * (x[j] - x[i]) + 2;
    }
    double nd = window_dist(q + delta, qlo, qhi);
    if (nd < dist) {
      if (up) {
        x[i]--;
        x[j]++;
      } else {
        x[i]++;
        x[j]--;
      }
      q += delta;
      dist = nd;
      stale = 0;
    } else if (++stale > stale_max) {
      return 0;
    }
  }
  return dist == 0;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

/* One sample; 1 on success. */
static int sprite_one(rng_t *r, const sprite_spec *sp, int *x) {
  int n = sp->n, f = fixed_count(sp);
  double used = 0;
  int64_t span = sp->smax - sp->smin + 1;
  while (used < sp->max_iter) {
    /* A random feasible total; give up on totals after a bounded hunt. */
    int64_t s = 0;
    int found = 0;
    for (int tries = 0; tries < 1000 && !found; tries++) {
      s = sp->smin + rng_int(r, span);
      found = sum_feasible(sp, s);
    }
    if (!found) {
      uint64_t step = 0;
      for (s = sp->smin; s <= sp->smax && !found; s++) {
        if ((++step & INTERRUPT_EVERY) == 0) R_CheckUserInterrupt();
        found = sum_feasible(sp, s);
      }
      if (!found) return 0;
      s--;
    }
    if (f) {
      x[0] = sp->lo;
      x[1] = sp->hi;
    }
    random_fill(r, x, f, n, sp->lo, sp->hi, free_total(sp, s));
    if (sp->dhi < 0) return 1;
    double budget = sp->max_iter - used;
    if (budget > 100.0 * n * n + 1e5) budget = 100.0 * n * n + 1e5;
    if (sprite_sd(r, sp, x, s, budget)) return 1;
    used += budget;
    R_CheckUserInterrupt();
  }
  return 0;
}

/* Entry checks (see the limits at the top) ---------------------------------*/

static void check_size(int value, int min, const char *arg) {
  if (value < min || value > MAX_N)
    Rf_error("`%s` must be in [%d, %d], not %d.", arg, min, MAX_N, value);
}

static void check_bounds(int lo, int hi, const char *where) {
  if (lo < -MAX_UNIT || hi > MAX_UNIT || lo > hi)
    Rf_error("`lo` and `hi`%s must satisfy -2^30 <= lo <= hi <= 2^30, not %d and %d.",
             where, lo, hi);
}

static void check_max_iter(double max_iter) {
  if (!(max_iter >= 1 && max_iter <= MAX_ITER))
    Rf_error("`max_iter` must be a finite number in [1, 1e15], not %g.", max_iter);
}

static void check_window(double lo, double hi, const char *lo_arg, const char *hi_arg) {
  if (ISNAN(lo) || ISNAN(hi))
    Rf_error("`%s` and `%s` must not be NA or NaN.", lo_arg, hi_arg);
}

/* A total of n values in [lo, hi], as an exact int64_t (converted only once
 * it is known to be a whole number in that range). */
static int64_t checked_total(double total, int n, int lo, int hi, const char *arg) {
  double smallest = (double) n * lo, largest = (double) n * hi;
  if (!(total >= smallest && total <= largest) || total != floor(total))
    Rf_error("`%s` must be a whole number in [%.0f, %.0f] (n values in [lo, hi]), not %g.",
             arg, smallest, largest, total);
  return (int64_t) total;
}

/* .Call(C_reconstruct_sprite, n, lo, hi, smin, smax, dlo, dhi, attain, k,
 *       max_iter, seed): a k x n integer matrix of units, rows sorted, or
 * NULL when the search failed. */
static SEXP C_reconstruct_sprite(SEXP n, SEXP lo, SEXP hi, SEXP smin, SEXP smax,
                                 SEXP dlo, SEXP dhi, SEXP attain, SEXP k,
                                 SEXP max_iter, SEXP seed) {
  vcf_arg_scalar(n, INTSXP, "n");
  vcf_arg_scalar(lo, INTSXP, "lo");
  vcf_arg_scalar(hi, INTSXP, "hi");
  vcf_arg_scalar(smin, REALSXP, "smin");
  vcf_arg_scalar(smax, REALSXP, "smax");
  vcf_arg_scalar(dlo, REALSXP, "dlo");
  vcf_arg_scalar(dhi, REALSXP, "dhi");
  vcf_arg_scalar(attain, LGLSXP, "attain");
  vcf_arg_scalar(k, INTSXP, "k");
  vcf_arg_scalar(max_iter, REALSXP, "max_iter");
  int nn = INTEGER(n)[0], kk = INTEGER(k)[0];
  check_size(nn, 1, "n");
  check_size(kk, 1, "k");
  check_bounds(INTEGER(lo)[0], INTEGER(hi)[0], "");
  check_max_iter(REAL(max_iter)[0]);
  check_window(REAL(dlo)[0], REAL(dhi)[0], "dlo", "dhi");
  sprite_spec sp = {nn, INTEGER(lo)[0], INTEGER(hi)[0], LOGICAL(attain)[0],
                    checked_total(REAL(smin)[0], nn, INTEGER(lo)[0], INTEGER(hi)[0], "smin"),
                    checked_total(REAL(smax)[0], nn, INTEGER(lo)[0], INTEGER(hi)[0], "smax"),
                    REAL(dlo)[0], REAL(dhi)[0], REAL(max_iter)[0]};
  if (sp.smin > sp.smax) Rf_error("`smin` must not exceed `smax`.");
  rng_t r;
  rng_seed(&r, vcf_seed_from(seed));
  if ((double) kk * sp.n > INT_MAX)
    Rf_error("`k` x `n` (%d x %d) exceeds the largest matrix (2^31 - 1 values).", kk, sp.n);
  SEXP out = PROTECT(Rf_allocMatrix(INTSXP, kk, sp.n));
  int *x = (int *) R_alloc(sp.n, sizeof(int));
  int *res = INTEGER(out);
  for (int s = 0; s < kk; s++) {
    if (!sprite_one(&r, &sp, x)) {
      UNPROTECT(1);
      return R_NilValue;
    }
    qsort(x, sp.n, sizeof(int), cmp_int);
    for (int i = 0; i < sp.n; i++) res[s + (R_xlen_t) kk * i] = x[i];
  }
  UNPROTECT(1);
  return out;
}

/* Paired reconstruction ----------------------------------------------------*/

#define MAX_VISITS 8
#define MAX_PAIRS 28

typedef struct {
  int n, nv, np;
  int lo[MAX_VISITS], hi[MAX_VISITS], attain[MAX_VISITS];
  int64_t smin[MAX_VISITS], smax[MAX_VISITS];
  double dlo[MAX_VISITS], dhi[MAX_VISITS];
  int pa[MAX_PAIRS], pb[MAX_PAIRS];
  double tlo[MAX_PAIRS], thi[MAX_PAIRS];
  double max_iter;
} paired_spec;

typedef struct {
  int *x[MAX_VISITS];
  int64_t s[MAX_VISITS];
  double q[MAX_VISITS];                 /* sum of squares per visit */
  int nlo[MAX_VISITS], nhi[MAX_VISITS]; /* how many values sit at lo, hi */
  double qd[MAX_PAIRS];                 /* sum of squared differences */
  double qdlo[MAX_PAIRS], qdhi[MAX_PAIRS];
  double width[MAX_PAIRS];
} paired_state;

/* Window on sum(d^2) for a pair whose difference total is sd: t of the
 * paired differences is sd / sqrt((n * qd - sd^2) / (n - 1)). Returns 0
 * when no integer qd of the right parity fits. */
static int qd_window(int n, int64_t sd, double tlo, double thi, double *qlo,
                     double *qhi) {
  double sd2 = (double) sd * sd, lo, hi;
  if (sd == 0) {
    if (tlo > 0 || thi < 0) return 0;
    lo = 1; /* any spread; a zero spread leaves t undefined */
    hi = INFINITY;
  } else {
    double a, b; /* |t| in [a, b] */
    if (sd > 0) {
      if (thi <= 0) return 0;
      a = tlo > 0 ? tlo : 0;
      b = thi;
    } else {
      if (tlo >= 0) return 0;
      a = thi < 0 ? -thi : 0;
      b = -tlo;
    }
    lo = sd2 * (n - 1) / (b * b);
    hi = a > 0 ? sd2 * (n - 1) / (a * a) : INFINITY;
    lo = (lo + sd2) / n;
    hi = (hi + sd2) / n;
  }
  /* sum(d^2) has the parity of sum(d). */
  double first = ceil(lo);
  if (fmod(fabs(first - (double) sd), 2.0) != 0) first += 1;
  if (first > hi) return 0;
  *qlo = first;
  double last = floor(hi);
  if (isfinite(last) && fmod(fabs(last - (double) sd), 2.0) != 0) last -= 1;
  *qhi = last;
  return 1;
}

static int pick_sums(rng_t *r, const paired_spec *sp, paired_state *st) {
  for (int tries = 0; tries < 100000; tries++) {
    if ((tries & 0x3FF) == 0x3FF) R_CheckUserInterrupt();
    for (int v = 0; v < sp->nv; v++)
      st->s[v] = sp->smin[v] + rng_int(r, sp->smax[v] - sp->smin[v] + 1);
    int ok = 1;
    for (int p = 0; p < sp->np && ok; p++) {
      int64_t sd = st->s[sp->pa[p]] - st->s[sp->pb[p]];
      ok = qd_window(sp->n, sd, sp->tlo[p], sp->thi[p], &st->qdlo[p], &st->qdhi[p]);
    }
    if (ok) return 1;
  }
  return 0;
}

static double pair_qd(const paired_spec *sp, const paired_state *st, int p) {
  const int *a = st->x[sp->pa[p]], *b = st->x[sp->pb[p]];
  double q = 0;
  for (int i = 0; i < sp->n; i++) {
    double d = (double) a[i] - b[i]; /* in double: a - b may not fit an int */
    q += d * d;
  }
  return q;
}

static double objective(const paired_spec *sp, const paired_state *st,
                        const double *qd) {
  double f = 0;
  for (int p = 0; p < sp->np; p++)
    f += window_dist(qd[p], st->qdlo[p], st->qdhi[p]) / st->width[p];
  return f;
}

/* Marginal sample of visit v with its total, range and SD window. */
static int paired_marginal(rng_t *r, const paired_spec *sp, paired_state *st,
                           int v) {
  sprite_spec one = {sp->n, sp->lo[v], sp->hi[v], sp->attain[v], st->s[v],
                     st->s[v], sp->dlo[v], sp->dhi[v], 0};
  int *x = st->x[v], f = fixed_count(&one);
  if (!sum_feasible(&one, st->s[v])) return 0;
  if (f) {
    x[0] = one.lo;
    x[1] = one.hi;
  }
  random_fill(r, x, f, sp->n, one.lo, one.hi, free_total(&one, st->s[v]));
  if (one.dhi >= 0 &&
      !sprite_sd(r, &one, x, st->s[v], 100.0 * sp->n * sp->n + 1e5))
    return 0;
  shuffle(r, x, sp->n);
  st->q[v] = 0;
  st->nlo[v] = st->nhi[v] = 0;
  for (int i = 0; i < sp->n; i++) {
    st->q[v] += (double) x[i] * x[i];
    st->nlo[v] += x[i] == one.lo;
    st->nhi[v] += x[i] == one.hi;
  }
  return 1;
}

/* New sum(d^2) of pair p if visit v's values at i and j became xi, xj. */
static double qd_after(const paired_spec *sp, const paired_state *st, int p,
                       int v, int i, int j, int xi, int xj) {
  const int *a = st->x[sp->pa[p]], *b = st->x[sp->pb[p]];
  int ai = a[i], aj = a[j], bi = b[i], bj = b[j];
  if (sp->pa[p] == v) {
    ai = xi;
    aj = xj;
  } else {
    bi = xi;
    bj = xj;
  }
  double di = (double) a[i] - b[i], dj = (double) a[j] - b[j];
  double ni = (double) ai - bi, nj = (double) aj - bj;
  return st->qd[p] - (di * di + dj * dj) + (ni * ni + nj * nj);
}

/* Local search over swaps of one visit's values between two patients (all
 * marginals kept) and unit shifts between two patients (total kept, spread
 * changed). */
static int paired_search(rng_t *r, const paired_spec *sp, paired_state *st,
                         double budget) {
  int n = sp->n;
  double qd_new[MAX_PAIRS];
  for (int p = 0; p < sp->np; p++) st->qd[p] = pair_qd(sp, st, p);
  double f = objective(sp, st, st->qd);
  double stale = 0, stale_max = 500.0 * n + 5000;
  uint64_t step = 0;
  for (double it = 0; it < budget && f > 0; it++) {
    if ((++step & INTERRUPT_EVERY) == 0) R_CheckUserInterrupt();
    int v = (int) rng_int(r, sp->nv);
    int i = (int) rng_int(r, n), j = (int) rng_int(r, n);
    if (i == j) continue;
    int *x = st->x[v];
    int xi, xj, shift = rng_unif(r) < 0.3;
    if (shift) {
      xi = x[i] + 1;
      xj = x[j] - 1;
      if (xi > sp->hi[v] || xj < sp->lo[v]) continue;
      if (sp->attain[v] && ((x[j] == sp->hi[v] && st->nhi[v] == 1) ||
                            (x[i] == sp->lo[v] && st->nlo[v] == 1)))
        continue;
    } else {
      if (x[i] == x[j]) continue;
      xi = x[j];
      xj = x[i];
    }
    int touched = 0;
    for (int p = 0; p < sp->np; p++) {
      if (sp->pa[p] == v || sp->pb[p] == v) {
        qd_new[p] = qd_after(sp, st, p, v, i, j, xi, xj);
        touched = 1;
      } else {
        qd_new[p] = st->qd[p];
      }
    }
    if (!touched && !shift) continue;
    double q_new = st->q[v];
    if (shift) {
      q_new += (double) xi * xi + (double) xj * xj - (double) x[i] * x[i] -
               (double) x[j] * x[j];
      if (sp->dhi[v] >= 0) {
        double d = n * q_new - (double) st->s[v] * st->s[v];
        if (d < sp->dlo[v] || d > sp->dhi[v]) continue;
      }
    }
    double fn = objective(sp, st, qd_new);
    if (fn <= f) {
      if (shift) {
        st->nlo[v] += (xj == sp->lo[v]) - (x[i] == sp->lo[v]);
        st->nhi[v] += (xi == sp->hi[v]) - (x[j] == sp->hi[v]);
        st->q[v] = q_new;
      }
      x[i] = xi;
      x[j] = xj;
      for (int p = 0; p < sp->np; p++) st->qd[p] = qd_new[p];
      if (fn < f) stale = 0;
      f = fn;
    }
    if (++stale > stale_max) return 0;
  }
  return f == 0;
}

static int paired_one(rng_t *r, const paired_spec *sp, paired_state *st) {
  double used = 0;
  while (used < sp->max_iter) {
    if (!pick_sums(r, sp, st)) return -1;
    for (int p = 0; p < sp->np; p++) {
      double w = st->qdhi[p] - st->qdlo[p];
      st->width[p] = isfinite(w) ? w + 2 : 1e6;
    }
    int ok = 1;
    for (int v = 0; v < sp->nv && ok; v++) ok = paired_marginal(r, sp, st, v);
    double budget = sp->max_iter - used;
    if (budget > 2000.0 * sp->n + 2e5) budget = 2000.0 * sp->n + 2e5;
    if (ok && paired_search(r, sp, st, budget)) return 1;
    used += budget;
    R_CheckUserInterrupt();
  }
  return 0;
}

static void read_int_vec(SEXP x, int len, int *out, const char *arg) {
  vcf_arg_type(x, INTSXP, arg);
  vcf_arg_length(x, len, arg);
  for (int i = 0; i < len; i++) out[i] = INTEGER(x)[i];
}

static void read_dbl_vec(SEXP x, int len, double *out, const char *arg) {
  vcf_arg_type(x, REALSXP, arg);
  vcf_arg_length(x, len, arg);
  for (int i = 0; i < len; i++) out[i] = REAL(x)[i];
}

/* .Call(C_reconstruct_paired, n, lo, hi, smin, smax, dlo, dhi, attain, pa,
 *       pb, tlo, thi, k, max_iter, seed): an integer vector of n x nv x k
 * units, or an integer code when the search failed (-1: no visit totals
 * fit the t windows, 0: not found within max_iter). Pairs are 0-based. */
static SEXP C_reconstruct_paired(SEXP n, SEXP lo, SEXP hi, SEXP smin, SEXP smax,
                                 SEXP dlo, SEXP dhi, SEXP attain, SEXP pa,
                                 SEXP pb, SEXP tlo, SEXP thi, SEXP k,
                                 SEXP max_iter, SEXP seed) {
  paired_spec sp;
  memset(&sp, 0, sizeof sp);
  vcf_arg_scalar(n, INTSXP, "n");
  vcf_arg_scalar(k, INTSXP, "k");
  vcf_arg_scalar(max_iter, REALSXP, "max_iter");
  vcf_arg_type(lo, INTSXP, "lo");
  vcf_arg_type(pa, INTSXP, "pa");
  if (XLENGTH(lo) < 1 || XLENGTH(lo) > MAX_VISITS)
    Rf_error("`lo` must have 1 to %d elements (one per visit).", MAX_VISITS);
  if (XLENGTH(pa) > MAX_PAIRS) Rf_error("`pa` must have at most %d elements.", MAX_PAIRS);
  sp.n = INTEGER(n)[0];
  sp.nv = (int) XLENGTH(lo);
  sp.np = (int) XLENGTH(pa);
  sp.max_iter = REAL(max_iter)[0];
  int kk = INTEGER(k)[0];
  check_size(sp.n, 2, "n");
  check_size(kk, 1, "k");
  check_max_iter(sp.max_iter);
  double tmp[MAX_VISITS];
  read_int_vec(lo, sp.nv, sp.lo, "lo");
  read_int_vec(hi, sp.nv, sp.hi, "hi");
  for (int v = 0; v < sp.nv; v++) check_bounds(sp.lo[v], sp.hi[v], " of a visit");
  read_dbl_vec(smin, sp.nv, tmp, "smin");
  for (int v = 0; v < sp.nv; v++)
    sp.smin[v] = checked_total(tmp[v], sp.n, sp.lo[v], sp.hi[v], "smin");
  read_dbl_vec(smax, sp.nv, tmp, "smax");
  for (int v = 0; v < sp.nv; v++)
    sp.smax[v] = checked_total(tmp[v], sp.n, sp.lo[v], sp.hi[v], "smax");
  read_dbl_vec(dlo, sp.nv, sp.dlo, "dlo");
  read_dbl_vec(dhi, sp.nv, sp.dhi, "dhi");
  for (int v = 0; v < sp.nv; v++) check_window(sp.dlo[v], sp.dhi[v], "dlo", "dhi");
  vcf_arg_type(attain, LGLSXP, "attain");
  vcf_arg_length(attain, sp.nv, "attain");
  for (int v = 0; v < sp.nv; v++) {
    if (LOGICAL(attain)[v] == NA_LOGICAL) Rf_error("`attain` must not be NA.");
    sp.attain[v] = LOGICAL(attain)[v];
  }
  read_int_vec(pa, sp.np, sp.pa, "pa");
  read_int_vec(pb, sp.np, sp.pb, "pb");
  read_dbl_vec(tlo, sp.np, sp.tlo, "tlo");
  read_dbl_vec(thi, sp.np, sp.thi, "thi");
  for (int p = 0; p < sp.np; p++) check_window(sp.tlo[p], sp.thi[p], "tlo", "thi");
  for (int v = 0; v < sp.nv; v++)
    if (sp.smin[v] > sp.smax[v])
      Rf_error("`smin` must not exceed `smax` for visit %d.", v + 1);
  for (int p = 0; p < sp.np; p++)
    if (sp.pa[p] < 0 || sp.pa[p] >= sp.nv || sp.pb[p] < 0 || sp.pb[p] >= sp.nv ||
        sp.pa[p] == sp.pb[p])
      Rf_error("invalid pair %d", p + 1);

  rng_t r;
  rng_seed(&r, vcf_seed_from(seed));
  paired_state st;
  memset(&st, 0, sizeof st);
  for (int v = 0; v < sp.nv; v++) st.x[v] = (int *) R_alloc(sp.n, sizeof(int));
  R_xlen_t block = (R_xlen_t) sp.n * sp.nv;
  if ((double) block * kk > (double) R_XLEN_T_MAX)
    Rf_error("`n` x visits x `k` exceeds the longest vector R can hold.");
  SEXP out = PROTECT(Rf_allocVector(INTSXP, block * kk));
  for (int s = 0; s < kk; s++) {
    int status = paired_one(&r, &sp, &st);
    if (status != 1) {
      UNPROTECT(1);
      return Rf_ScalarInteger(status);
    }
    for (int v = 0; v < sp.nv; v++)
      memcpy(INTEGER(out) + block * s + (R_xlen_t) sp.n * v, st.x[v],
             sp.n * sizeof(int));
  }
  UNPROTECT(1);
  return out;
}

const R_CallMethodDef vcf_reconstruct_calls[] = {
  {"C_reconstruct_sprite", (DL_FUNC) &C_reconstruct_sprite, 11},
  {"C_reconstruct_paired", (DL_FUNC) &C_reconstruct_paired, 15},
  {NULL, NULL, 0}
};
