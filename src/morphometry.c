/* morphometry: the voxel scanning behind vertebral body heights.
 *
 * R works out from the header (or the `orientation` argument) which array
 * axis runs right-left, anterior-posterior and superior-inferior and in which
 * direction; this file only scans. Coordinates here are "canonical": along
 * each anatomical axis they count voxels from 0 upward toward Right,
 * Anterior and Superior, whatever the storage order of the array, so that
 * every choice made below (the mid-sagittal slice) is the same for a scan
 * stored in any axis order or direction.
 *
 * Pass 1 finds each label's bounding box. The mid-sagittal slice of a body is
 * the sagittal slice through the middle of its right-left extent (the left
 * one of the two middle slices when the extent is even). Pass 2 records, for
 * every anterior-posterior column of that slice, the lowest and highest
 * superior-inferior coordinate of the body. R picks the columns and turns
 * extents into heights.
 */
#include "vcf.h"
#include <string.h>

#define MORPH_LABEL_MAX 65535

/* Decodes one row of labels into out[], returning the row offset of the
 * first invalid value (non-integral, negative, NA or above the maximum), or
 * -1 when the row is valid. */
static int decode_row(SEXP x, R_xlen_t from, int n, int *out) {
  switch (TYPEOF(x)) {
  case INTSXP:
  case LGLSXP: {
    const int *p = (TYPEOF(x) == INTSXP ? INTEGER(x) : LOGICAL(x)) + from;
    for (int j = 0; j < n; j++) {
      if ((unsigned) p[j] > MORPH_LABEL_MAX) return j;
      out[j] = p[j];
    }
    return -1;
  }
  case REALSXP: {
    const double *p = REAL(x) + from;
    for (int j = 0; j < n; j++) {
      double d = p[j];
      if (!(d >= 0 && d <= MORPH_LABEL_MAX) || (double) (int) d != d) return j;
      out[j] = (int) d;
    }
    return -1;
  }
  default: {
    const Rbyte *p = RAW(x) + from;
    for (int j = 0; j < n; j++) out[j] = p[j];
    return -1;
  }
  }
}

/* Canonical coordinate of array index i on an axis of length n. */
static inline int canon(int i, int n, int flip) { return flip ? n - 1 - i : i; }

typedef struct {
  int dim[3];   /* array dimensions */
  int axis[3];  /* array axis (0-2) running right-left, ant-post, sup-inf */
  int flip[3];  /* 1 when the array index grows toward Left, Post., Inf. */
} morph_geometry;

/* C_morphometry_scan(labels, dim, axis, flip)
 *
 * Returns list(error = c(1-based index, value) or NULL, label, count,
 * box = n x 6 canonical bounding boxes (RL min, RL max, AP min, AP max, SI
 * min, SI max), slice = canonical RL coordinate of the mid-sagittal slice,
 * smin, smax = n x (AP length) matrices of the lowest and highest canonical
 * SI coordinate of the body in each AP column of that slice, -1 where the
 * column holds none of it). */
static SEXP C_morphometry_scan(SEXP labels, SEXP dim, SEXP axis, SEXP flip) {
  int t = TYPEOF(labels);
  if (t != INTSXP && t != REALSXP && t != LGLSXP && t != RAWSXP)
    Rf_error("`labels` must be integer, double, logical or raw, not %s.",
             Rf_type2char(t));
  vcf_arg_type(dim, INTSXP, "dim");
  vcf_arg_length(dim, 3, "dim");
  vcf_arg_type(axis, INTSXP, "axis");
  vcf_arg_length(axis, 3, "axis");
  vcf_arg_type(flip, INTSXP, "flip");
  vcf_arg_length(flip, 3, "flip");
  morph_geometry g;
  int seen[3] = {0, 0, 0};
  for (int a = 0; a < 3; a++) {
    g.dim[a] = INTEGER(dim)[a];
    g.axis[a] = INTEGER(axis)[a];
    g.flip[a] = INTEGER(flip)[a] != 0;
    if (g.dim[a] < 1) Rf_error("`dim` must be positive.");
    if (g.axis[a] < 0 || g.axis[a] > 2 || seen[g.axis[a]]++)
      Rf_error("`axis` must be a permutation of 0, 1, 2.");
  }
  R_xlen_t n = (R_xlen_t) g.dim[0] * g.dim[1] * g.dim[2];
  vcf_arg_length(labels, n, "labels");

  int *slot = (int *) R_alloc(MORPH_LABEL_MAX + 1, sizeof(int));
  for (int l = 0; l <= MORPH_LABEL_MAX; l++) slot[l] = -1;
  int *row = (int *) R_alloc(g.dim[0], sizeof(int));

  /* Pass 1: bounding boxes in array coordinates, grown as labels appear. */
  int capacity = 64, n_labels = 0;
  int *lab = (int *) R_alloc(capacity, sizeof(int));
  int *box = (int *) R_alloc(6 * capacity, sizeof(int));
  double *count = (double *) R_alloc(capacity, sizeof(double));
  for (int k = 0; k < g.dim[2]; k++) {
    for (int j = 0; j < g.dim[1]; j++) {
      R_xlen_t from = ((R_xlen_t) k * g.dim[1] + j) * g.dim[0];
      int bad = decode_row(labels, from, g.dim[0], row);
      if (bad >= 0) {
        SEXP result = PROTECT(Rf_allocVector(VECSXP, 1));
        SEXP error = PROTECT(Rf_allocVector(REALSXP, 2));
        REAL(error)[0] = (double) (from + bad) + 1;
        REAL(error)[1] = vcf_value_at(labels, from + bad);
        SET_VECTOR_ELT(result, 0, error);
        Rf_setAttrib(result, R_NamesSymbol, Rf_mkString("error"));
        UNPROTECT(2);
        return result;
      }
      for (int i = 0; i < g.dim[0]; i++) {
        int l = row[i];
        if (l == 0) continue;
        int s = slot[l];
        if (s < 0) {
          if (n_labels == capacity) {
            int grown = 2 * capacity;
            lab = (int *) S_realloc((char *) lab, grown, capacity, sizeof(int));
            box = (int *) S_realloc((char *) box, 6 * grown, 6 * capacity, sizeof(int));
            count = (double *) S_realloc((char *) count, grown, capacity, sizeof(double));
            capacity = grown;
          }
          s = slot[l] = n_labels++;
          lab[s] = l;
          count[s] = 0;
          int *b = box + 6 * s;
          b[0] = b[1] = i; b[2] = b[3] = j; b[4] = b[5] = k;
        }
        int *b = box + 6 * s;
        count[s]++;
        if (i < b[0]) b[0] = i;
        if (i > b[1]) b[1] = i;
        if (j < b[2]) b[2] = j;
        if (j > b[3]) b[3] = j;
        if (k < b[4]) b[4] = k;
        if (k > b[5]) b[5] = k;
      }
    }
    R_CheckUserInterrupt();
  }

  /* Canonical boxes and the mid-sagittal slice of each label, kept as an
   * array index on the right-left axis for pass 2. */
  SEXP r_box = PROTECT(Rf_allocMatrix(INTSXP, n_labels, 6));
  SEXP r_slice = PROTECT(Rf_allocVector(INTSXP, n_labels));
  int *mid = (int *) R_alloc(n_labels > 0 ? n_labels : 1, sizeof(int));
  for (int s = 0; s < n_labels; s++) {
    for (int a = 0; a < 3; a++) {
      int ax = g.axis[a];
      int lo = canon(box[6 * s + 2 * ax], g.dim[ax], g.flip[a]);
      int hi = canon(box[6 * s + 2 * ax + 1], g.dim[ax], g.flip[a]);
      if (lo > hi) { int tmp = lo; lo = hi; hi = tmp; }
      INTEGER(r_box)[s + (R_xlen_t) (2 * a) * n_labels] = lo;
      INTEGER(r_box)[s + (R_xlen_t) (2 * a + 1) * n_labels] = hi;
    }
    int lo = INTEGER(r_box)[s], hi = INTEGER(r_box)[s + n_labels];
    int c = lo + (hi - lo) / 2;
    INTEGER(r_slice)[s] = c;
    mid[s] = canon(c, g.dim[g.axis[0]], g.flip[0]); /* canon is an involution */
  }

  /* Pass 2: superior-inferior extent per anterior-posterior column of the
   * mid-sagittal slice. Labels were validated in pass 1. */
  int n_ap = g.dim[g.axis[1]];
  SEXP r_smin = PROTECT(Rf_allocMatrix(INTSXP, n_labels, n_ap));
  SEXP r_smax = PROTECT(Rf_allocMatrix(INTSXP, n_labels, n_ap));
  int *smin = INTEGER(r_smin), *smax = INTEGER(r_smax);
  for (R_xlen_t q = 0; q < (R_xlen_t) n_labels * n_ap; q++) smin[q] = smax[q] = -1;
  for (int k = 0; k < g.dim[2]; k++) {
    for (int j = 0; j < g.dim[1]; j++) {
      R_xlen_t from = ((R_xlen_t) k * g.dim[1] + j) * g.dim[0];
      decode_row(labels, from, g.dim[0], row);
      for (int i = 0; i < g.dim[0]; i++) {
        int l = row[i];
        if (l == 0) continue;
        int s = slot[l];
        int idx[3] = {i, j, k};
        if (idx[g.axis[0]] != mid[s]) continue;
        int a = canon(idx[g.axis[1]], n_ap, g.flip[1]);
        int z = canon(idx[g.axis[2]], g.dim[g.axis[2]], g.flip[2]);
        R_xlen_t q = s + (R_xlen_t) a * n_labels;
        if (smin[q] < 0 || z < smin[q]) smin[q] = z;
        if (z > smax[q]) smax[q] = z;
      }
    }
    R_CheckUserInterrupt();
  }

  SEXP r_lab = PROTECT(Rf_allocVector(INTSXP, n_labels));
  SEXP r_count = PROTECT(Rf_allocVector(REALSXP, n_labels));
  for (int s = 0; s < n_labels; s++) {
    INTEGER(r_lab)[s] = lab[s];
    REAL(r_count)[s] = count[s];
  }
  const char *fields[] = {"error", "label", "count", "box", "slice", "smin", "smax"};
  SEXP result = PROTECT(Rf_allocVector(VECSXP, 7));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 7));
  for (int f = 0; f < 7; f++) SET_STRING_ELT(names, f, Rf_mkChar(fields[f]));
  Rf_setAttrib(result, R_NamesSymbol, names);
  SET_VECTOR_ELT(result, 1, r_lab);
  SET_VECTOR_ELT(result, 2, r_count);
  SET_VECTOR_ELT(result, 3, r_box);
  SET_VECTOR_ELT(result, 4, r_slice);
  SET_VECTOR_ELT(result, 5, r_smin);
  SET_VECTOR_ELT(result, 6, r_smax);
  UNPROTECT(8);
  return result;
}

const R_CallMethodDef vcf_morphometry_calls[] = {
  {"C_morphometry_scan", (DL_FUNC) &C_morphometry_scan, 4},
  {NULL, NULL, 0}
};
