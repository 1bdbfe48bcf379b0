/* volumetrics: one fused pass over a label map and its BME and cement masks.
 *
 * The three arrays are read in R's own storage (integer, double, logical or
 * raw), never converted as a whole: each is decoded a chunk at a time into a
 * small cache-resident buffer (labels to uint16, masks to uint8), validating
 * as it goes, and the chunk is then tallied. Decoding is one tight loop per
 * storage type, so the dispatch costs one switch per chunk, not per voxel.
 *
 * Each voxel gets the code label * 4 + bme * 2 + cement, and a 64-bit count
 * per code is kept. Label maps are spatially coherent (long runs of
 * background or of one body), so counts are accumulated over runs of equal
 * codes in a register: a plain histogram would stall on the load-add-store
 * dependency of consecutive increments of the same bin.
 */
#include "vcf.h"
#include <string.h>

#define VOL_LABEL_MAX 65535
#define VOL_CODES ((VOL_LABEL_MAX + 1) * 4)
#define VOL_CHUNK 4096
#define VOL_INTERRUPT_CHUNKS 4096 /* check for interrupts every 16M voxels */

/* Which input held the first invalid voxel (as reported to R). */
enum { VOL_OK = 0, VOL_BAD_LABEL = 1, VOL_BAD_BME = 2, VOL_BAD_CEMENT = 3 };

static int vol_supported(SEXP x) {
  int t = TYPEOF(x);
  return t == INTSXP || t == REALSXP || t == LGLSXP || t == RAWSXP;
}

/* Decoders: fill out[0..n) from x[from..from+n), return nonzero if any value
 * is invalid. The flag is or-ed rather than branched on so the loops stay
 * branch-free; the offending voxel is located afterwards. */
static int decode_labels(SEXP x, R_xlen_t from, int n, uint16_t *out) {
  unsigned bad = 0;
  switch (TYPEOF(x)) {
  case INTSXP:
  case LGLSXP: {
    const int *p = (TYPEOF(x) == INTSXP ? INTEGER(x) : LOGICAL(x)) + from;
    for (int j = 0; j < n; j++) {
      bad |= (unsigned) p[j] > VOL_LABEL_MAX;
      out[j] = (uint16_t) p[j];
    }
    break;
  }
  case REALSXP: {
    const double *p = REAL(x) + from;
    for (int j = 0; j < n; j++) {
      double d = p[j];
      /* the range test also rejects NaN before the cast */
      int inside = d >= 0 && d <= VOL_LABEL_MAX;
      int v = inside ? (int) d : 0;
      bad |= !inside || (double) v != d;
      out[j] = (uint16_t) v;
    }
    break;
  }
  case RAWSXP: {
    const Rbyte *p = RAW(x) + from;
    for (int j = 0; j < n; j++) out[j] = p[j];
    break;
  }
  }
  return bad != 0;
}

static int decode_mask(SEXP x, R_xlen_t from, int n, uint8_t *out) {
  unsigned bad = 0;
  switch (TYPEOF(x)) {
  case INTSXP:
  case LGLSXP: {
    const int *p = (TYPEOF(x) == INTSXP ? INTEGER(x) : LOGICAL(x)) + from;
    for (int j = 0; j < n; j++) {
      bad |= (unsigned) p[j] > 1u;
      out[j] = (uint8_t) (p[j] & 1);
    }
    break;
  }
  case REALSXP: {
    const double *p = REAL(x) + from;
    for (int j = 0; j < n; j++) {
      double d = p[j];
      bad |= !(d == 0.0 || d == 1.0);
      out[j] = d == 1.0;
    }
    break;
  }
  case RAWSXP: {
    const Rbyte *p = RAW(x) + from;
    for (int j = 0; j < n; j++) {
      bad |= p[j] > 1u;
      out[j] = p[j] & 1u;
    }
    break;
  }
  }
  return bad != 0;
}

/* The value of x[i] as a double, NA kept, for error messages. */
static double value_at(SEXP x, R_xlen_t i) {
  switch (TYPEOF(x)) {
  case INTSXP: return INTEGER(x)[i] == NA_INTEGER ? NA_REAL : INTEGER(x)[i];
  case LGLSXP: return LOGICAL(x)[i] == NA_LOGICAL ? NA_REAL : LOGICAL(x)[i];
  case REALSXP: return REAL(x)[i];
  default: return RAW(x)[i];
  }
}

static int label_ok(SEXP x, R_xlen_t i) {
  double v = value_at(x, i);
  return !ISNAN(v) && v >= 0 && v <= VOL_LABEL_MAX && v == (double) (int) v;
}

static int mask_ok(SEXP x, R_xlen_t i) {
  double v = value_at(x, i);
  return v == 0.0 || v == 1.0;
}

/* First invalid voxel of the chunk starting at `from` (the chunk is known to
 * hold one). */
static R_xlen_t first_bad(SEXP x, R_xlen_t from, int n, int is_label) {
  for (int j = 0; j < n; j++)
    if (!(is_label ? label_ok(x, from + j) : mask_ok(x, from + j)))
      return from + j;
  return from; /* not reached */
}

/* Adds the chunk's counts to tally[code]. */
static void tally_chunk(const uint16_t *lab, const uint8_t *bme,
                        const uint8_t *cem, int n, int64_t *tally) {
  uint32_t current = ((uint32_t) lab[0] << 2) | ((uint32_t) bme[0] << 1) | cem[0];
  int64_t run = 0;
  for (int j = 0; j < n; j++) {
    uint32_t code = ((uint32_t) lab[j] << 2) | ((uint32_t) bme[j] << 1) | cem[j];
    if (code != current) {
      tally[current] += run;
      current = code;
      run = 0;
    }
    run++;
  }
  tally[current] += run;
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
  if (!vol_supported(labels))
    Rf_error("`labels` must be integer, double, logical or raw, not %s.",
             Rf_type2char(TYPEOF(labels)));
  if (!vol_supported(bme))
    Rf_error("`bme` must be integer, double, logical or raw, not %s.",
             Rf_type2char(TYPEOF(bme)));
  if (has_cement && !vol_supported(cement))
    Rf_error("`cement` must be integer, double, logical or raw, not %s.",
             Rf_type2char(TYPEOF(cement)));
  R_xlen_t n = XLENGTH(labels);
  vcf_arg_length(bme, n, "bme");
  if (has_cement) vcf_arg_length(cement, n, "cement");

  int64_t *tally = (int64_t *) R_alloc(VOL_CODES, sizeof(int64_t));
  memset(tally, 0, (size_t) VOL_CODES * sizeof(int64_t));
  uint16_t lab[VOL_CHUNK];
  uint8_t mb[VOL_CHUNK], mc[VOL_CHUNK];
  memset(mc, 0, sizeof(mc));

  int which = VOL_OK;
  R_xlen_t bad_index = 0;
  SEXP bad_array = R_NilValue;
  long chunks = 0;
  for (R_xlen_t from = 0; from < n; from += VOL_CHUNK) {
    int len = (int) (n - from < VOL_CHUNK ? n - from : VOL_CHUNK);
    if (decode_labels(labels, from, len, lab)) {
      which = VOL_BAD_LABEL; bad_array = labels;
      bad_index = first_bad(labels, from, len, 1);
    }
    if (decode_mask(bme, from, len, mb)) {
      R_xlen_t i = first_bad(bme, from, len, 0);
      if (which == VOL_OK || i < bad_index) {
        which = VOL_BAD_BME; bad_array = bme; bad_index = i;
      }
    }
    if (has_cement && decode_mask(cement, from, len, mc)) {
      R_xlen_t i = first_bad(cement, from, len, 0);
      if (which == VOL_OK || i < bad_index) {
        which = VOL_BAD_CEMENT; bad_array = cement; bad_index = i;
      }
    }
    if (which != VOL_OK) break;
    tally_chunk(lab, mb, mc, len, tally);
    if (++chunks % VOL_INTERRUPT_CHUNKS == 0) R_CheckUserInterrupt();
  }

  SEXP result = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 2));
  SET_STRING_ELT(names, 0, Rf_mkChar("error"));
  SET_STRING_ELT(names, 1, Rf_mkChar("tally"));
  Rf_setAttrib(result, R_NamesSymbol, names);
  SEXP error = PROTECT(Rf_allocVector(REALSXP, 3));
  REAL(error)[0] = which;
  REAL(error)[1] = which == VOL_OK ? 0 : (double) bad_index + 1;
  REAL(error)[2] = which == VOL_OK ? 0 : value_at(bad_array, bad_index);
  SET_VECTOR_ELT(result, 0, error);

  if (which == VOL_OK) {
    int present = 0;
    for (int l = 0; l <= VOL_LABEL_MAX; l++) {
      const int64_t *t = tally + 4 * l;
      if (t[0] | t[1] | t[2] | t[3]) present++;
    }
    SEXP mat = PROTECT(Rf_allocMatrix(REALSXP, present, 5));
    double *m = REAL(mat);
    int row = 0;
    for (int l = 0; l <= VOL_LABEL_MAX; l++) {
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
