/* volumetrics: one fused pass over a label map and its BME and cement masks.
 *
 * The three arrays are read in R's own storage (integer, double, logical or
 * raw) in place, never converted or copied: a small kernel is instantiated
 * by macro for each combination of storage types (integer and logical share
 * their C type), and chosen once per call.
 *
 * Each voxel has the code label * 4 + bme * 2 + cement, and a 64-bit count
 * per code is kept. Label maps are spatially coherent (long runs of
 * background or of one body), so the kernel compares blocks of 16 voxels
 * with the voxel before them: a block equal to it throughout continues the
 * current run, is valid because that voxel was, and costs a few vectorised
 * compares. Blocks where some value changes are validated as a whole and
 * counted voxel by voxel. Counting runs rather than incrementing a bin per
 * voxel also avoids the load-add-store dependency a histogram has on long
 * runs of one code.
 */
#include "vcf.h"
#include <string.h>

#define VOL_LABEL_MAX 65535
#define VOL_BLOCK 16
#define VOL_SPAN ((R_xlen_t) 1 << 24) /* voxels between interrupt checks */

/* Which input held the first invalid voxel (as reported to R). */
enum { VOL_OK = 0, VOL_BAD_LABEL = 1, VOL_BAD_BME = 2, VOL_BAD_CEMENT = 3 };

typedef struct {
  int64_t *tally;   /* 4 counts per label, labels 0 .. n_labels - 1 */
  int n_labels;
  uint32_t code;    /* code of the current run */
  int64_t run;      /* voxels in the current run not yet in the table */
  int which;        /* VOL_OK or the input holding the first invalid voxel */
  R_xlen_t bad;     /* its 0-based index */
} vol_state;

/* Grows the zeroed table to cover `label`. Label maps use small labels
 * (VerSe codes are at most 28), so the table starts small and rarely grows;
 * it never exceeds the 65536-label maximum. */
static void vol_grow(vol_state *st, int label) {
  int grown = st->n_labels;
  while (grown <= label) grown *= 2;
  if (grown > VOL_LABEL_MAX + 1) grown = VOL_LABEL_MAX + 1;
  int64_t *bigger = (int64_t *) R_alloc((size_t) grown * 4, sizeof(int64_t));
  memcpy(bigger, st->tally, (size_t) st->n_labels * 4 * sizeof(int64_t));
  memset(bigger + (size_t) st->n_labels * 4, 0,
         (size_t) (grown - st->n_labels) * 4 * sizeof(int64_t));
  st->tally = bigger;
  st->n_labels = grown;
}

/* The slow path for voxel i, its values widened to double (NA_integer_
 * becomes a negative number and NaN fails every test, so both are invalid).
 * Returns 0 and records the voxel if a value is invalid. */
static int vol_step(vol_state *st, double l, double b, double c, R_xlen_t i) {
  if (!(l >= 0 && l <= VOL_LABEL_MAX) || l != (double) (int) l) {
    st->which = VOL_BAD_LABEL; st->bad = i; return 0;
  }
  if (!(b == 0 || b == 1)) { st->which = VOL_BAD_BME; st->bad = i; return 0; }
  if (!(c == 0 || c == 1)) { st->which = VOL_BAD_CEMENT; st->bad = i; return 0; }
  int label = (int) l;
  uint32_t code = ((uint32_t) label << 2) | ((uint32_t) b << 1) | (uint32_t) c;
  if (code != st->code) {
    st->tally[st->code] += st->run;
    if (label >= st->n_labels) vol_grow(st, label);
    st->code = code;
    st->run = 0;
  }
  st->run++;
  return 1;
}

/* Validity of one value of each storage type, branch-free. */
#define VOL_LOK_int(v) ((unsigned) (v) <= VOL_LABEL_MAX)
#define VOL_LOK_double(v) ((v) >= 0 && (v) <= VOL_LABEL_MAX && (v) == (double) (int) (v))
#define VOL_LOK_Rbyte(v) 1
#define VOL_MOK_int(v) ((unsigned) (v) <= 1u)
#define VOL_MOK_double(v) ((v) == 0.0 || (v) == 1.0)
#define VOL_MOK_Rbyte(v) ((v) <= 1u)
#define VOL_MOK_none(v) 1

/* Kernel over voxels [0, n) of one span; voxel 0 always takes the slow
 * path, so a span needs nothing from the one before. CGET reads the cement
 * value (a constant 0 when there is no cement mask); LOK, BOK and COK test
 * the validity of a label, BME and cement value of the given types.
 *
 * A block that differs from the voxel before it is validated as a whole and
 * counted voxel by voxel into the table, which keeps incoherent data (noisy
 * masks) from paying a mispredicted branch per voxel; only a block holding
 * an invalid value goes through vol_step() to locate it. */
#define VOL_KERNEL(NAME, LT, BT, CT, CGET, LOK, BOK, COK)                       \
  static int NAME(const void *lab_, const void *bme_, const void *cem_,       \
                  R_xlen_t n, R_xlen_t offset, vol_state *st) {               \
    const LT *lab = (const LT *) lab_;                                        \
    const BT *bme = (const BT *) bme_;                                        \
    const CT *cem = (const CT *) cem_;                                        \
    (void) cem;                                                               \
    if (n == 0) return 1;                                                     \
    if (!vol_step(st, (double) lab[0], (double) bme[0], (double) CGET(0),     \
                  offset)) return 0;                                          \
    R_xlen_t i = 1;                                                           \
    while (i < n) {                                                           \
      if (i + VOL_BLOCK <= n) {                                               \
        LT l0 = lab[i - 1];                                                   \
        BT b0 = bme[i - 1];                                                   \
        CT c0 = CGET(i - 1);                                                  \
        int diff = 0;                                                         \
        for (int t = 0; t < VOL_BLOCK; t++)                                   \
          diff |= (lab[i + t] != l0) | (bme[i + t] != b0) |                   \
                  (CGET(i + t) != c0);                                        \
        if (!diff) {                                                          \
          st->run += VOL_BLOCK;                                               \
          i += VOL_BLOCK;                                                     \
          continue;                                                           \
        }                                                                     \
        uint32_t codes[VOL_BLOCK];                                            \
        unsigned ok = 1, top = 0;                                             \
        for (int t = 0; t < VOL_BLOCK; t++) {                                 \
          LT l = lab[i + t];                                                  \
          BT b = bme[i + t];                                                  \
          CT c = CGET(i + t);                                                 \
          unsigned lok = LOK(l);                                              \
          unsigned v = lok ? (unsigned) l : 0u;                               \
          ok &= lok & (unsigned) BOK(b) & (unsigned) COK(c);                  \
          top = v > top ? v : top;                                            \
          codes[t] = (v << 2) | ((unsigned) (b == 1) << 1) | (unsigned) (c == 1); \
        }                                                                     \
        if (ok) {                                                             \
          if ((int) top >= st->n_labels) vol_grow(st, (int) top);             \
          st->tally[st->code] += st->run;                                     \
          for (int t = 0; t < VOL_BLOCK; t++) st->tally[codes[t]]++;          \
          st->code = codes[VOL_BLOCK - 1];                                    \
          st->run = 0;                                                        \
          i += VOL_BLOCK;                                                     \
          continue;                                                           \
        }                                                                     \
      }                                                                       \
      R_xlen_t end = i + VOL_BLOCK < n ? i + VOL_BLOCK : n;                   \
      for (; i < end; i++) {                                                  \
        if (lab[i] == lab[i - 1] && bme[i] == bme[i - 1] &&                   \
            CGET(i) == CGET(i - 1)) {                                         \
          st->run++;                                                          \
        } else if (!vol_step(st, (double) lab[i], (double) bme[i],            \
                             (double) CGET(i), offset + i)) {                 \
          return 0;                                                           \
        }                                                                     \
      }                                                                       \
    }                                                                         \
    return 1;                                                                 \
  }

#define VOL_CEM(i) cem[i]
#define VOL_NOCEM(i) ((Rbyte) 0)

/* Instances: labels (i = int, d = double, r = raw) x bme x cement (n = none). */
#define VOL_KERNELS_FOR(LN, LT, BN, BT)                                        \
  VOL_KERNEL(vol_##LN##BN##i, LT, BT, int, VOL_CEM,                           \
             VOL_LOK_##LT, VOL_MOK_##BT, VOL_MOK_int)                          \
  VOL_KERNEL(vol_##LN##BN##d, LT, BT, double, VOL_CEM,                        \
             VOL_LOK_##LT, VOL_MOK_##BT, VOL_MOK_double)                       \
  VOL_KERNEL(vol_##LN##BN##r, LT, BT, Rbyte, VOL_CEM,                         \
             VOL_LOK_##LT, VOL_MOK_##BT, VOL_MOK_Rbyte)                        \
  VOL_KERNEL(vol_##LN##BN##n, LT, BT, Rbyte, VOL_NOCEM,                       \
             VOL_LOK_##LT, VOL_MOK_##BT, VOL_MOK_none)
#define VOL_KERNELS_FOR_LABEL(LN, LT)                                          \
  VOL_KERNELS_FOR(LN, LT, i, int)                                              \
  VOL_KERNELS_FOR(LN, LT, d, double)                                           \
  VOL_KERNELS_FOR(LN, LT, r, Rbyte)

VOL_KERNELS_FOR_LABEL(i, int)
VOL_KERNELS_FOR_LABEL(d, double)
VOL_KERNELS_FOR_LABEL(r, Rbyte)

typedef int (*vol_kernel)(const void *, const void *, const void *, R_xlen_t,
                          R_xlen_t, vol_state *);

#define VOL_ROW(LN, BN) {vol_##LN##BN##i, vol_##LN##BN##d, vol_##LN##BN##r, vol_##LN##BN##n}
static const vol_kernel vol_kernels[3][3][4] = {
  {VOL_ROW(i, i), VOL_ROW(i, d), VOL_ROW(i, r)},
  {VOL_ROW(d, i), VOL_ROW(d, d), VOL_ROW(d, r)},
  {VOL_ROW(r, i), VOL_ROW(r, d), VOL_ROW(r, r)}
};

/* Index of a storage type in the kernel table, and its element size. */
static int vol_kind(SEXP x) {
  switch (TYPEOF(x)) {
  case REALSXP: return 1;
  case RAWSXP: return 2;
  default: return 0; /* integer and logical */
  }
}

static const void *vol_data(SEXP x) {
  switch (TYPEOF(x)) {
  case INTSXP: return INTEGER(x);
  case LGLSXP: return LOGICAL(x);
  case REALSXP: return REAL(x);
  default: return RAW(x);
  }
}

static size_t vol_size(SEXP x) {
  switch (TYPEOF(x)) {
  case REALSXP: return sizeof(double);
  case RAWSXP: return 1;
  default: return sizeof(int);
  }
}

/* C_volumetrics_tally(labels, bme, cement)
 *
 * `cement` may be NULL (no cement). Returns list(error, tally):
 * error = c(which input, 1-based voxel index, value), which = 0 when all are
 * valid; tally = a matrix with one row per label present (label 0 included)
 * and columns label, n00, n01, n10, n11, where nBC counts the voxels of the
 * label with bme == B and cement == C. Counts are exact in doubles up to
 * 2^53 voxels. On an invalid voxel the pass stops and tally is NULL. */
static SEXP C_volumetrics_tally(SEXP labels, SEXP bme, SEXP cement) {
  int has_cement = cement != R_NilValue;
  vcf_arg_voxels(labels, "labels");
  vcf_arg_voxels(bme, "bme");
  if (has_cement) vcf_arg_voxels(cement, "cement");
  R_xlen_t n = XLENGTH(labels);
  vcf_arg_length(bme, n, "bme");
  if (has_cement) vcf_arg_length(cement, n, "cement");

  vol_state st;
  st.n_labels = 64;
  st.tally = (int64_t *) R_alloc((size_t) st.n_labels * 4, sizeof(int64_t));
  memset(st.tally, 0, (size_t) st.n_labels * 4 * sizeof(int64_t));
  st.code = 0;
  st.run = 0;
  st.which = VOL_OK;
  st.bad = 0;

  vol_kernel kernel = vol_kernels[vol_kind(labels)][vol_kind(bme)]
                                 [has_cement ? vol_kind(cement) : 3];
  const char *pl = vol_data(labels), *pb = vol_data(bme);
  const char *pc = has_cement ? vol_data(cement) : NULL;
  size_t sl = vol_size(labels), sb = vol_size(bme);
  size_t sc = has_cement ? vol_size(cement) : 0;
  for (R_xlen_t from = 0; from < n; from += VOL_SPAN) {
    R_xlen_t len = n - from < VOL_SPAN ? n - from : VOL_SPAN;
    if (!kernel(pl + from * sl, pb + from * sb, pc ? pc + from * sc : NULL,
                len, from, &st)) break;
    if (from + len < n) R_CheckUserInterrupt();
  }
  st.tally[st.code] += st.run;

  int which = st.which;
  R_xlen_t bad_index = st.bad;
  SEXP bad_array = which == VOL_BAD_LABEL ? labels : which == VOL_BAD_BME ? bme : cement;
  int n_tally = st.n_labels;
  int64_t *tally = st.tally;

  SEXP result = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 2));
  SET_STRING_ELT(names, 0, Rf_mkChar("error"));
  SET_STRING_ELT(names, 1, Rf_mkChar("tally"));
  Rf_setAttrib(result, R_NamesSymbol, names);
  SEXP error = PROTECT(Rf_allocVector(REALSXP, 3));
  REAL(error)[0] = which;
  REAL(error)[1] = which == VOL_OK ? 0 : (double) bad_index + 1;
  REAL(error)[2] = which == VOL_OK ? 0 : vcf_value_at(bad_array, bad_index);
  SET_VECTOR_ELT(result, 0, error);

  if (which == VOL_OK) {
    int present = 0;
    for (int l = 0; l < n_tally; l++) {
      const int64_t *t = tally + 4 * l;
      if (t[0] | t[1] | t[2] | t[3]) present++;
    }
    SEXP mat = PROTECT(Rf_allocMatrix(REALSXP, present, 5));
    double *m = REAL(mat);
    int row = 0;
    for (int l = 0; l < n_tally; l++) {
      const int64_t *t = tally + 4 * l;
      if (!(t[0] | t[1] | t[2] | t[3])) continue;
      m[row] = l;
      for (int k = 0; k < 4; k++) m[row + (R_xlen_t) (k + 1) * present] = (double) t[k];
      row++;
    }
    SET_VECTOR_ELT(result, 1, mat);
    UNPROTECT(1);
  }
  UNPROTECT(3);
  return result;
}

const R_CallMethodDef vcf_volumetrics_calls[] = {
  {"C_volumetrics_tally", (DL_FUNC) &C_volumetrics_tally, 3},
  {NULL, NULL, 0}
};
