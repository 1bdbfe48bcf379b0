/* audit: GRIM and GRIMMER consistency tests of reported means and SDs.
 *
 * A value reported with d decimals as the integer mantissa M (3.45 -> 345,
 * d = 2) stands for an interval of true values. Every test here is done in
 * integer arithmetic on "half units" 1 / (2 * 10^d), in which that interval
 * has integer ends [L, U] (rounding 3.45: L = 689, U = 691), so no test
 * depends on how 3.445 happens to be stored in binary. Products are formed in
 * 128-bit integers where the compiler has them and in long double otherwise.
 *
 * Rounding modes (codes shared with R/audit.R):
 *   0 up_or_down: [L, U] closed, either rounding of a tie is accepted
 *   1 up:         half away from zero, [L, U) in magnitude
 *   2 down:       half toward zero, (L, U] in magnitude
 *   3 even:       ties to even: closed if M is even, open if odd
 *   4 truncate:   toward zero, [M, M + 1) in magnitude
 */
#include "vcf.h"
#include <time.h>
#include <math.h>

#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 wide_t;  /* exact products of big integers */
#else
typedef long double wide_t;
#endif

/* A closed or half-open interval [lo, hi] in half units. */
typedef struct {
  wide_t lo, hi;
  int lo_open, hi_open;
} interval_t;

static interval_t rounding_interval(int64_t m, int mode) {
  interval_t iv;
  int64_t a = m < 0 ? -m : m;           /* magnitude */
  int64_t lo, hi;
  int lo_open = 0, hi_open = 0;
  if (mode == 4) {                      /* truncate */
    lo = 2 * a; hi = 2 * a + 2; hi_open = 1;
  } else {
    lo = 2 * a - 1; hi = 2 * a + 1;
    if (mode == 1) hi_open = 1;
    if (mode == 2) lo_open = 1;
    if (mode == 3) lo_open = hi_open = (int) (a % 2);
  }
  if (a == 0) {
    /* 0 stands for small values of either sign: the interval is symmetric
     * and its ends are open exactly when the upper end is. */
    iv.lo = -hi; iv.hi = hi; iv.lo_open = hi_open; iv.hi_open = hi_open;
    return iv;
  }
  if (m > 0) {
    iv.lo = lo; iv.hi = hi; iv.lo_open = lo_open; iv.hi_open = hi_open;
  } else {
    iv.lo = -hi; iv.hi = -lo; iv.lo_open = hi_open; iv.hi_open = lo_open;
  }
  return iv;
}

/* floor(a / b) and ceil(a / b) for b > 0, exact on integers. */
static wide_t floor_div(wide_t a, wide_t b) {
#ifdef __SIZEOF_INT128__
  wide_t q = a / b;
  if ((a % b != 0) && (a < 0)) q -= 1;
  return q;
#else
  return floorl(a / b);
#endif
}

static wide_t ceil_div(wide_t a, wide_t b) {
  return -floor_div(-a, b);
}

static int divides(wide_t a, wide_t b) {
  return floor_div(a, b) * b == a;
}

static int is_even(wide_t a) {
  return divides(a, 2);
}

static wide_t pow10w(int d) {
  wide_t p = 1;
  for (int i = 0; i < d; i++) p *= 10;
  return p;
}

/* The integers k with k * num / den in the interval, for den > 0 and
 * num > 0: k / den * num in [lo, hi] <=> k in [lo * den / num, hi * den / num].
 * Here the value is k / N in units of 1 / (2 * 10^d), i.e.
 * value_half_units = 2 * 10^d * k / N. */
static void integer_range(interval_t iv, wide_t scale, wide_t n,
                          wide_t *kmin, wide_t *kmax) {
  /* scale * k / n in [lo, hi] <=> scale * k in [lo * n, hi * n] */
  wide_t a = iv.lo * n, b = iv.hi * n;
  wide_t k0 = ceil_div(a, scale), k1 = floor_div(b, scale);
  if (iv.lo_open && divides(a, scale)) k0 += 1;
  if (iv.hi_open && divides(b, scale)) k1 -= 1;
  *kmin = k0;
  *kmax = k1;
}

/* Smallest sum of squares of n integers with sum s: as equal as possible. */
static wide_t min_sum_squares(wide_t s, wide_t n) {
  wide_t q = floor_div(s, n), r = s - n * q;
  return n * q * q + 2 * q * r + r;
}

/* floor(sqrt(v)) for 0 <= v < 1e36, exact. */
static wide_t isqrt(wide_t v) {
  wide_t r = (wide_t) sqrtl((long double) v);
  while (r > 0 && r * r > v) r--;
  while ((r + 1) * (r + 1) <= v) r++;
  return r;
}

static int is_square(wide_t v, wide_t *root) {
  if (v < 0) return 0;
  wide_t r = isqrt(v);
  *root = r;
  return r * r == v;
}

/* Two integers a, b with a + b = s and a^2 + b^2 = q in [qlo, qhi]: with
 * d = a - b, q = (s^2 + d^2) / 2, so some d of the parity of s must have
 * d^2 in [2 qlo - s^2, 2 qhi - s^2]. Closed form, so a huge SD costs
 * nothing. */
static int two_integers_fit(wide_t s, wide_t qlo, wide_t qhi) {
  wide_t lo = 2 * qlo - s * s, hi = 2 * qhi - s * s;
  if (hi < 0 || lo > hi) return 0;
  if (lo < 0) lo = 0;
  wide_t d = isqrt(lo);
  if (d * d < lo) d += 1;
  if (!is_even(d - s)) d += 1;
  return d * d <= hi;
}

/* Can n (<= 4) integers have sum s and sum of squares q? For n >= 5 every
 * q >= min_sum_squares(s, n) with q = s (mod 2) can (checked exhaustively
 * in the tests up to q - min = 400 for n = 5..9); for n <= 4 there are gaps
 * (n = 4, s = 2: q = 8, 16, 24, ... never), so those are searched. `budget`
 * caps the work; when it runs out the answer is "yes" (conservative). */
static int representable(wide_t s, wide_t q, int n, long *budget) {
  if (q < min_sum_squares(s, n) || !is_even(q - s)) return 0;
  if (n >= 5) return 1;
  if (n == 1) return q == s * s;
  if (n == 2) {
    wide_t d;
    return is_square(2 * q - s * s, &d);
  }
  /* n = 3 or 4: choose the smallest value y, then the rest. The smallest
   * value is at most s / n and, since its squared deviation from the mean
   * is at most the sum of squared deviations, at least
   * s / n - sqrt(q - s^2 / n). */
  long double mean = (long double) s / n;
  long double ssd = (long double) q - (long double) s * s / n;
  if (ssd < 0) ssd = 0;
  wide_t ylo = (wide_t) floorl(mean - sqrtl(ssd)) - 1;
  wide_t yhi = floor_div(s, n);
  for (wide_t y = yhi; y >= ylo; y--) {
    if (--(*budget) < 0) return 1;
    if (representable(s - y, q - y * y, n - 1, budget)) return 1;
  }
  return 0;
}

/* GRIM ---------------------------------------------------------------------
 * Sums S of N = n * items integers whose mean S / N rounds to the mantissa:
 * 2 * 10^d * S / N in [L, U]. Returns the number of such sums (0: the mean
 * is impossible) and the sums just below and above the reported mean. */
static double grim_one(int64_t m, int d, int64_t nn, int mode,
                       double *below, double *above) {
  interval_t iv = rounding_interval(m, mode);
  wide_t scale = 2 * pow10w(d);
  wide_t kmin, kmax;
  integer_range(iv, scale, nn, &kmin, &kmax);
  /* Nearest sums outside the range bracket the reported value. */
  *below = (double) (kmin - 1);
  *above = (double) (kmax + 1);
  if (kmax < kmin) {
    /* empty: the reported mean lies strictly between two granules */
    *below = (double) kmax;
    *above = (double) kmin;
    return 0;
  }
  return (double) (kmax - kmin + 1);
}

static SEXP C_audit_grim(SEXP mantissa, SEXP digits, SEXP n, SEXP mode) {
  vcf_arg_type(mantissa, REALSXP, "mantissa");
  R_xlen_t len = XLENGTH(mantissa);
  vcf_arg_type(digits, INTSXP, "digits");
  vcf_arg_length(digits, len, "digits");
  vcf_arg_type(n, REALSXP, "n");
  vcf_arg_length(n, len, "n");
  vcf_arg_scalar(mode, INTSXP, "mode");
  const double *pm = REAL(mantissa), *pn = REAL(n);
  const int *pd = INTEGER(digits);
  int md = INTEGER(mode)[0];

  SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
  SEXP sums = PROTECT(Rf_allocVector(REALSXP, len));
  SEXP below = PROTECT(Rf_allocVector(REALSXP, len));
  SEXP above = PROTECT(Rf_allocVector(REALSXP, len));
  double *ps = REAL(sums), *pb = REAL(below), *pa = REAL(above);
  for (R_xlen_t i = 0; i < len; i++) {
    if (ISNAN(pm[i]) || ISNAN(pn[i]) || pd[i] == NA_INTEGER || pd[i] < 0 ||
        pd[i] > 15 || pn[i] < 1 || fabs(pm[i]) > 9e15 || pn[i] > 9e15) {
      ps[i] = pb[i] = pa[i] = NA_REAL;
      continue;
    }
    ps[i] = grim_one((int64_t) pm[i], pd[i], (int64_t) pn[i], md,
                     &pb[i], &pa[i]);
  }
  SET_VECTOR_ELT(out, 0, sums);
  SET_VECTOR_ELT(out, 1, below);
  SET_VECTOR_ELT(out, 2, above);
  UNPROTECT(4);
  return out;
}

/* GRIMMER ------------------------------------------------------------------
 * Data: n integers y_i (item sums; the reported scores are y_i / items).
 * With S = sum y and Q = sum y^2, the mean is S / (n k) and the sample SD is
 * sqrt((n Q - S^2) / (n (n - 1))) / k, k = items. For each sum S that GRIM
 * allows, the SD interval [L2, U2] (half units of 1 / (2 * 10^d2)) gives
 *   L2^2 n (n - 1) k^2 <= 4 * 10^(2 d2) (n Q - S^2) <= U2^2 n (n - 1) k^2,
 * a range of integer Q. Q must also have the parity of S (y^2 = y mod 2),
 * be at least the smallest sum of squares of n integers with sum S, and,
 * for n <= 4, be a sum of n squares with that sum (searched).
 *
 * Result codes: 1 consistent; 0 mean impossible (GRIM); -1 SD outside the
 * range any integer Q gives; -2 only Q of the wrong parity; -3 only Q below
 * the minimum or not a sum of n squares; 2 (GRIMMER_OVER_BUDGET) the search
 * would exceed its work bound. */
typedef struct {
  int code;
  double sd_below, sd_above;   /* nearest SDs of feasible data, or NaN */
} grimmer_t;

/* Result code of a search that would need more than GRIMMER_WORK steps
 * (sums and sums of squares tried). R turns
 * it into a classed error: a search of hours is refused, not run. About
 * 0.1 s of work per (mean, SD, n). */
#define GRIMMER_OVER_BUDGET 2
#define GRIMMER_WORK 20000000L

static double sd_of(wide_t s, wide_t q, wide_t n, int items) {
  long double v = ((long double) n * (long double) q - (long double) s * s) /
    ((long double) n * (n - 1));
  if (v < 0) v = 0;
  return (double) (sqrtl(v) / items);
}

static int feasible_q(wide_t s, wide_t q, int n, long *budget) {
  return representable(s, q, n, budget);
}

static grimmer_t grimmer_one(int64_t m, int d, int64_t sd_m, int d2,
                             int64_t n, int items, int mode) {
  grimmer_t res = {0, NAN, NAN};
  interval_t iv = rounding_interval(m, mode);
  wide_t nn = (wide_t) n * items;
  wide_t smin, smax;
  integer_range(iv, 2 * pow10w(d), nn, &smin, &smax);
  if (smax < smin) return res;

  interval_t sv = rounding_interval(sd_m, mode);
  if (sv.lo < 0) { sv.lo = 0; sv.lo_open = 0; }   /* an SD is never < 0 */
  wide_t r = 4 * pow10w(d2) * pow10w(d2);
  wide_t a = (wide_t) n * (n - 1) * items * items;
  long budget = 2000000L;   /* exact n <= 4 searches; when spent, pass */
  long steps = GRIMMER_WORK;  /* loop steps; when spent, refuse */
  /* Keep every product below 1e36, inside 128 bits (and beyond the exact
   * integers of a long double fallback, an approximation). */
  long double smag = fabsl((long double) smin) > fabsl((long double) smax) ?
    fabsl((long double) smin) : fabsl((long double) smax);
  long double big = (long double) r * smag * smag +
    (long double) sv.hi * sv.hi * (long double) a;
  if (big > 1e36L) { res.code = NA_INTEGER; return res; }
  /* Every sum costs at least one step: refuse up front what cannot finish. */
  if ((long double) smax - (long double) smin + 1 > (long double) GRIMMER_WORK) {
    res.code = GRIMMER_OVER_BUDGET;
    return res;
  }
  int stage = 0;     /* furthest test reached by any sum */
  for (wide_t s = smin; s <= smax; s++) {
    if (--steps < 0) { res.code = GRIMMER_OVER_BUDGET; return res; }
    /* r (n Q - S^2) in [L2^2 a, U2^2 a] <=> Q in [(L2^2 a + r S^2) / (r n), ...] */
    wide_t lo_num = sv.lo * sv.lo * a + r * s * s;
    wide_t hi_num = sv.hi * sv.hi * a + r * s * s;
    wide_t den = r * n;
    wide_t qlo = ceil_div(lo_num, den), qhi = floor_div(hi_num, den);
    if (sv.lo_open && divides(lo_num, den)) qlo += 1;
    if (sv.hi_open && divides(hi_num, den)) qhi -= 1;
    int reached = 1;
    if (qlo <= qhi) {
      reached = 2;
      wide_t q0 = is_even(qlo - s) ? qlo : qlo + 1;
      if (q0 <= qhi) reached = 3;      /* some Q of the right parity */
      /* No Q below the smallest sum of squares is feasible: start there. */
      wide_t qmin = min_sum_squares(s, n);
      if (q0 < qmin) q0 = is_even(qmin - s) ? qmin : qmin + 1;
      if (n == 2 && q0 <= qhi) {
        if (two_integers_fit(s, q0, qhi)) { res.code = 1; return res; }
        q0 = qhi + 1;                  /* none: skip the loop */
      }
      for (wide_t q = q0; q <= qhi; q += 2) {
        if (--steps < 0) { res.code = GRIMMER_OVER_BUDGET; return res; }
        if (feasible_q(s, q, (int) n, &budget)) { res.code = 1; return res; }
      }
    }
    if (reached > stage) stage = reached;
    /* Nearest feasible Q outside [qlo, qhi], for the expected SD. */
    wide_t qb = (qlo <= qhi ? qlo : qhi + 1) - 1, qa = (qlo <= qhi ? qhi : qlo - 1) + 1;
    wide_t qmin = min_sum_squares(s, n);
    for (int tries = 0; qb >= qmin && tries < 1000; tries++, qb--, steps--)
      if (feasible_q(s, qb, (int) n, &budget)) {
        double sd = sd_of(s, qb, n, items);
        if (ISNAN(res.sd_below) || sd > res.sd_below) res.sd_below = sd;
        break;
      }
    if (qa < qmin) qa = qmin;
    for (int tries = 0; tries < 1000; tries++, qa++, steps--)
      if (feasible_q(s, qa, (int) n, &budget)) {
        double sd = sd_of(s, qa, n, items);
        if (ISNAN(res.sd_above) || sd < res.sd_above) res.sd_above = sd;
        break;
      }
  }
  res.code = -stage;
  return res;
}

/* One (mean, SD, n) of the vectors, results written at i. Limits keep the
 * products inside 128 bits: mantissas below 1e12, n below 1e9, items below
 * 1000; grimmer_one bounds the products and the work. */
static void grimmer_at(R_xlen_t i, const double *pm, const int *pd,
                       const double *ps, const int *pd2, const double *pn,
                       const int *pk, int md, int *pc, double *pb, double *pa) {
  if (ISNAN(pm[i]) || ISNAN(ps[i]) || ISNAN(pn[i]) ||
      pd[i] == NA_INTEGER || pd2[i] == NA_INTEGER || pk[i] == NA_INTEGER ||
      pd[i] < 0 || pd[i] > 8 || pd2[i] < 0 || pd2[i] > 8 || pk[i] < 1 ||
      pk[i] > 1000 || pn[i] < 2 || pn[i] > 1e9 || fabs(pm[i]) > 1e12 ||
      ps[i] < 0 || ps[i] > 1e12) {
    pc[i] = NA_INTEGER;
    pb[i] = pa[i] = NA_REAL;
    return;
  }
  grimmer_t r = grimmer_one((int64_t) pm[i], pd[i], (int64_t) ps[i], pd2[i],
                            (int64_t) pn[i], pk[i], md);
  pc[i] = r.code;
  pb[i] = ISNAN(r.sd_below) ? NA_REAL : r.sd_below;
  pa[i] = ISNAN(r.sd_above) ? NA_REAL : r.sd_above;
}

static SEXP C_audit_grimmer(SEXP mantissa, SEXP digits, SEXP sd_mantissa,
                            SEXP sd_digits, SEXP n, SEXP items, SEXP mode,
                            SEXP threads) {
  vcf_arg_type(mantissa, REALSXP, "mantissa");
  R_xlen_t len = XLENGTH(mantissa);
  vcf_arg_type(digits, INTSXP, "digits");
  vcf_arg_length(digits, len, "digits");
  vcf_arg_type(sd_mantissa, REALSXP, "sd_mantissa");
  vcf_arg_length(sd_mantissa, len, "sd_mantissa");
  vcf_arg_type(sd_digits, INTSXP, "sd_digits");
  vcf_arg_length(sd_digits, len, "sd_digits");
  vcf_arg_type(n, REALSXP, "n");
  vcf_arg_length(n, len, "n");
  vcf_arg_type(items, INTSXP, "items");
  vcf_arg_length(items, len, "items");
  vcf_arg_scalar(mode, INTSXP, "mode");
  vcf_arg_scalar(threads, INTSXP, "threads");
  const double *pm = REAL(mantissa), *ps = REAL(sd_mantissa), *pn = REAL(n);
  const int *pd = INTEGER(digits), *pd2 = INTEGER(sd_digits),
    *pk = INTEGER(items);
  int md = INTEGER(mode)[0];
  int nthreads = vcf_threads(INTEGER(threads)[0]);

  SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
  SEXP code = PROTECT(Rf_allocVector(INTSXP, len));
  SEXP below = PROTECT(Rf_allocVector(REALSXP, len));
  SEXP above = PROTECT(Rf_allocVector(REALSXP, len));
  int *pc = INTEGER(code);
  double *pb = REAL(below), *pa = REAL(above);
  /* Searches run in blocks; between blocks the main thread checks for an
   * interrupt (no R API inside the parallel region). One search is bounded
   * by GRIMMER_WORK steps (about 0.1 s), but most take microseconds, so the
   * block adapts: it starts at one search per thread and doubles while a
   * block takes under 20 ms of processor time per thread, and halves when
   * one takes over 100 ms. An interrupt thus lands within a few tenths of
   * a second, and cheap searches still run in large blocks. */
  R_xlen_t per_thread = 1;
  for (R_xlen_t first = 0; first < len;) {
    R_xlen_t block = per_thread * nthreads;
    R_xlen_t last = len - first < block ? len : first + block;
    clock_t start = clock();
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
#endif
    for (R_xlen_t i = first; i < last; i++)
      grimmer_at(i, pm, pd, ps, pd2, pn, pk, md, pc, pb, pa);
    double seconds = (double) (clock() - start) / CLOCKS_PER_SEC / nthreads;
    if (seconds < 0.02 && per_thread < 65536) per_thread *= 2;
    else if (seconds > 0.1 && per_thread > 1) per_thread /= 2;
    first = last;
    R_CheckUserInterrupt();
  }
  SET_VECTOR_ELT(out, 0, code);
  SET_VECTOR_ELT(out, 1, below);
  SET_VECTOR_ELT(out, 2, above);
  UNPROTECT(4);
  return out;
}

/* Internal API (R: audit_representable()): can n integers have sum s and
 * sum of squares q? The GRIMMER tests check the search against brute force
 * through it. Arguments are range-checked before any conversion: |s| and q
 * up to 1e15, so every product stays far inside 128 bits. */
static SEXP C_audit_representable(SEXP s, SEXP q, SEXP n) {
  vcf_arg_scalar(s, REALSXP, "s");
  vcf_arg_scalar(q, REALSXP, "q");
  vcf_arg_scalar(n, INTSXP, "n");
  double sv = REAL(s)[0], qv = REAL(q)[0];
  int nn = INTEGER(n)[0];
  if (!(fabs(sv) <= 1e15) || sv != floor(sv))
    Rf_error("`s` must be a whole number in [-1e15, 1e15].");
  if (!(qv >= 0 && qv <= 1e15) || qv != floor(qv))
    Rf_error("`q` must be a whole number in [0, 1e15].");
  if (nn < 1 || nn > 1000000) Rf_error("`n` must be in [1, 1e6].");
  long budget = 100000000L;
  return Rf_ScalarLogical(feasible_q((wide_t) sv, (wide_t) qv, nn, &budget));
}

const R_CallMethodDef vcf_audit_calls[] = {
  {"C_audit_grim", (DL_FUNC) &C_audit_grim, 4},
  {"C_audit_grimmer", (DL_FUNC) &C_audit_grimmer, 8},
  {"C_audit_representable", (DL_FUNC) &C_audit_representable, 3},
  {NULL, NULL, 0}
};
