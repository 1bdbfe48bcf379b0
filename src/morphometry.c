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
#include <math.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

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

/* Error result of a pass that met an invalid label: list(error = c(1-based
 * index, value)). */
static SEXP morph_label_error(SEXP labels, R_xlen_t at) {
  SEXP result = PROTECT(Rf_allocVector(VECSXP, 1));
  SEXP error = PROTECT(Rf_allocVector(REALSXP, 2));
  REAL(error)[0] = (double) at + 1;
  REAL(error)[1] = vcf_value_at(labels, at);
  SET_VECTOR_ELT(result, 0, error);
  Rf_setAttrib(result, R_NamesSymbol, Rf_mkString("error"));
  UNPROTECT(2);
  return result;
}

static SEXP morph_named_list(const char **fields, int n) {
  SEXP result = PROTECT(Rf_allocVector(VECSXP, n));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, n));
  for (int f = 0; f < n; f++) SET_STRING_ELT(names, f, Rf_mkChar(fields[f]));
  Rf_setAttrib(result, R_NamesSymbol, names);
  UNPROTECT(2);
  return result;
}

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
  vcf_arg_voxels(labels, "labels");
  R_xlen_t n = vcf_arg_grid(dim, "dim");
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
    if (g.axis[a] < 0 || g.axis[a] > 2 || seen[g.axis[a]]++)
      Rf_error("`axis` must be a permutation of 0, 1, 2.");
  }
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
      if (bad >= 0) return morph_label_error(labels, from + bad);
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

/* Sum of x^2 for x = a..b, through the polynomial n(n+1)(2n+1)/6, which
 * holds for negative a too. */
static double sum_squares(double a, double b) {
  double hi = b * (b + 1) * (2 * b + 1) / 6, lo = (a - 1) * a * (2 * a - 1) / 6;
  return hi - lo;
}

/* Per-label accumulators of the moment pass. Coordinates are kept relative
 * to the first voxel met of each label, so the sums stay small integers
 * that doubles hold exactly. */
typedef struct {
  double n, s[3], ss[6]; /* count; sums of x, y, z; xx, yy, zz, xy, xz, yz */
  int ref[3], box[6];
} morph_moments;

/* C_morphometry_moments(labels, dim)
 *
 * One pass over a label map, by runs along the first axis. Returns
 * list(error = NULL or c(1-based index, value), label, count, mean = n x 3
 * centroids in 0-based voxel indices, cov = n x 6 covariances in voxel
 * units (xx, yy, zz, xy, xz, yz), box = n x 6 bounding boxes (min, max of
 * each array axis, 0-based)). Label 0 is background. */
static SEXP C_morphometry_moments(SEXP labels, SEXP dim) {
  vcf_arg_voxels(labels, "labels");
  R_xlen_t n = vcf_arg_grid(dim, "dim");
  vcf_arg_length(labels, n, "labels");
  int d[3] = {INTEGER(dim)[0], INTEGER(dim)[1], INTEGER(dim)[2]};
  int *slot = (int *) R_alloc(MORPH_LABEL_MAX + 1, sizeof(int));
  for (int l = 0; l <= MORPH_LABEL_MAX; l++) slot[l] = -1;
  int *row = (int *) R_alloc(d[0], sizeof(int));
  int capacity = 64, n_labels = 0;
  int *lab = (int *) R_alloc(capacity, sizeof(int));
  morph_moments *mom = (morph_moments *) R_alloc(capacity, sizeof(morph_moments));

  for (int k = 0; k < d[2]; k++) {
    for (int j = 0; j < d[1]; j++) {
      R_xlen_t from = ((R_xlen_t) k * d[1] + j) * d[0];
      int bad = decode_row(labels, from, d[0], row);
      if (bad >= 0) return morph_label_error(labels, from + bad);
      int i = 0;
      while (i < d[0]) {
        int l = row[i], i0 = i;
        while (i < d[0] && row[i] == l) i++;
        if (l == 0) continue;
        int s = slot[l];
        if (s < 0) {
          if (n_labels == capacity) {
            int grown = 2 * capacity;
            lab = (int *) S_realloc((char *) lab, grown, capacity, sizeof(int));
            mom = (morph_moments *) S_realloc((char *) mom, grown, capacity,
                                              sizeof(morph_moments));
            capacity = grown;
          }
          s = slot[l] = n_labels++;
          lab[s] = l;
          memset(mom + s, 0, sizeof(morph_moments));
          int start[3] = {i0, j, k};
          for (int a = 0; a < 3; a++) {
            mom[s].ref[a] = start[a];
            mom[s].box[2 * a] = mom[s].box[2 * a + 1] = start[a];
          }
        }
        morph_moments *m = mom + s;
        double c = i - i0;
        double x0 = i0 - m->ref[0], x1 = i - 1 - m->ref[0];
        double y = j - m->ref[1], z = k - m->ref[2];
        double sx = c * (x0 + x1) / 2;
        m->n += c;
        m->s[0] += sx; m->s[1] += c * y; m->s[2] += c * z;
        m->ss[0] += sum_squares(x0, x1);
        m->ss[1] += c * y * y; m->ss[2] += c * z * z;
        m->ss[3] += sx * y; m->ss[4] += sx * z; m->ss[5] += c * y * z;
        if (i0 < m->box[0]) m->box[0] = i0;
        if (i - 1 > m->box[1]) m->box[1] = i - 1;
        if (j < m->box[2]) m->box[2] = j;
        if (j > m->box[3]) m->box[3] = j;
        if (k < m->box[4]) m->box[4] = k;
        if (k > m->box[5]) m->box[5] = k;
      }
    }
    R_CheckUserInterrupt();
  }

  const char *fields[] = {"error", "label", "count", "mean", "cov", "box"};
  SEXP result = PROTECT(morph_named_list(fields, 6));
  SEXP r_lab = Rf_allocVector(INTSXP, n_labels);
  SET_VECTOR_ELT(result, 1, r_lab);
  SEXP r_count = Rf_allocVector(REALSXP, n_labels);
  SET_VECTOR_ELT(result, 2, r_count);
  SEXP r_mean = Rf_allocMatrix(REALSXP, n_labels, 3);
  SET_VECTOR_ELT(result, 3, r_mean);
  SEXP r_cov = Rf_allocMatrix(REALSXP, n_labels, 6);
  SET_VECTOR_ELT(result, 4, r_cov);
  SEXP r_box = Rf_allocMatrix(INTSXP, n_labels, 6);
  SET_VECTOR_ELT(result, 5, r_box);
  for (int s = 0; s < n_labels; s++) {
    const morph_moments *m = mom + s;
    double mean[3];
    INTEGER(r_lab)[s] = lab[s];
    REAL(r_count)[s] = m->n;
    for (int a = 0; a < 3; a++) {
      mean[a] = m->s[a] / m->n;
      REAL(r_mean)[s + (R_xlen_t) a * n_labels] = m->ref[a] + mean[a];
    }
    static const int pair[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
    for (int q = 0; q < 6; q++) {
      double v = m->ss[q] / m->n - mean[pair[q][0]] * mean[pair[q][1]];
      if (q < 3 && v < 0) v = 0; /* rounding of an exact zero */
      REAL(r_cov)[s + (R_xlen_t) q * n_labels] = v;
    }
    for (int q = 0; q < 6; q++) INTEGER(r_box)[s + (R_xlen_t) q * n_labels] = m->box[q];
  }
  UNPROTECT(1);
  return result;
}

/* Principal axes ------------------------------------------------------------ */

typedef struct {
  gsl_matrix *cov, *vectors;
  gsl_vector *values;
  gsl_eigen_symmv_workspace *work;
} morph_eigen;

typedef struct {
  morph_eigen *eig;
  const double *cov, *world;
  double *axes, *values;
  int *status;
  int n;
} morph_axes_job;

/* World covariance W C W' of one label (C in voxel units, W the voxel to
 * millimetre matrix, column-major). */
static void world_covariance(const double *cov, int n, int s, const double *w,
                             gsl_matrix *out) {
  double c[3][3];
  static const int pair[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
  for (int q = 0; q < 6; q++) {
    double v = cov[s + (R_xlen_t) q * n];
    c[pair[q][0]][pair[q][1]] = c[pair[q][1]][pair[q][0]] = v;
  }
  for (int r = 0; r < 3; r++)
    for (int t = 0; t < 3; t++) {
      double acc = 0;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) acc += w[r + 3 * a] * c[a][b] * w[t + 3 * b];
      gsl_matrix_set(out, r, t, acc);
    }
}

/* From the eigenvectors, the superior-inferior axis is the one nearest to
 * the world's S (third) direction, the anterior-posterior axis the nearest
 * of the others to A, each turned to point toward S and A; right-left
 * completes a right-handed frame (R = A x S), as RAS world coordinates do. */
static void anatomical_frame(const gsl_matrix *v, const gsl_vector *val,
                             double *axes, double *values, int n, int s) {
  int si = 0, ap = -1;
  for (int e = 1; e < 3; e++)
    if (fabs(gsl_matrix_get(v, 2, e)) > fabs(gsl_matrix_get(v, 2, si))) si = e;
  for (int e = 0; e < 3; e++) {
    if (e == si) continue;
    if (ap < 0 || fabs(gsl_matrix_get(v, 1, e)) > fabs(gsl_matrix_get(v, 1, ap))) ap = e;
  }
  double u_si[3], u_ap[3], u_rl[3];
  double sign_si = gsl_matrix_get(v, 2, si) < 0 ? -1 : 1;
  double sign_ap = gsl_matrix_get(v, 1, ap) < 0 ? -1 : 1;
  for (int r = 0; r < 3; r++) {
    u_si[r] = sign_si * gsl_matrix_get(v, r, si);
    u_ap[r] = sign_ap * gsl_matrix_get(v, r, ap);
  }
  u_rl[0] = u_ap[1] * u_si[2] - u_ap[2] * u_si[1];
  u_rl[1] = u_ap[2] * u_si[0] - u_ap[0] * u_si[2];
  u_rl[2] = u_ap[0] * u_si[1] - u_ap[1] * u_si[0];
  const double *frame[3] = {u_rl, u_ap, u_si};
  for (int f = 0; f < 3; f++)
    for (int r = 0; r < 3; r++) axes[s + (R_xlen_t) (3 * f + r) * n] = frame[f][r];
  int rl = 3 - si - ap;
  values[s] = gsl_vector_get(val, rl);
  values[s + (R_xlen_t) n] = gsl_vector_get(val, ap);
  values[s + 2 * (R_xlen_t) n] = gsl_vector_get(val, si);
}

static SEXP morph_axes_run(void *data) {
  morph_axes_job *job = (morph_axes_job *) data;
  morph_eigen *e = job->eig;
  for (int s = 0; s < job->n; s++) {
    world_covariance(job->cov, job->n, s, job->world, e->cov);
    int status = gsl_eigen_symmv(e->cov, e->values, e->vectors, e->work);
    job->status[s] = status;
    if (status != GSL_SUCCESS) continue;
    anatomical_frame(e->vectors, e->values, job->axes, job->values, job->n, s);
  }
  return R_NilValue;
}

static void morph_axes_free(void *data) {
  morph_eigen *e = (morph_eigen *) data;
  if (e->work) gsl_eigen_symmv_free(e->work);
  if (e->values) gsl_vector_free(e->values);
  if (e->vectors) gsl_matrix_free(e->vectors);
  if (e->cov) gsl_matrix_free(e->cov);
}

/* C_morphometry_axes(cov, world)
 *
 * cov: n x 6 voxel-unit covariances (as from C_morphometry_moments); world:
 * the 3 x 3 voxel-to-millimetre matrix. Eigen-decomposes each body's
 * covariance in world millimetres (gsl_eigen_symmv) and returns list(axes =
 * n x 9: unit vectors RL, AP, SI in world coordinates, values = n x 3: the
 * variances along them in mm^2, status = GSL status per body). The GSL
 * workspace is freed on every path, an R error included. */
static SEXP C_morphometry_axes(SEXP cov, SEXP world) {
  vcf_arg_type(cov, REALSXP, "cov");
  if (XLENGTH(cov) % 6 != 0) Rf_error("`cov` must have 6 columns.");
  vcf_arg_type(world, REALSXP, "world");
  vcf_arg_length(world, 9, "world");
  for (int q = 0; q < 9; q++)
    if (!R_FINITE(REAL(world)[q])) Rf_error("`world` must be finite.");
  R_xlen_t n_long = XLENGTH(cov) / 6;
  if (n_long > MORPH_LABEL_MAX + 1) Rf_error("`cov` has more rows than labels exist.");
  int n = (int) n_long;
  for (R_xlen_t q = 0; q < XLENGTH(cov); q++)
    if (!R_FINITE(REAL(cov)[q])) Rf_error("`cov` must be finite.");
  const char *fields[] = {"axes", "values", "status"};
  SEXP result = PROTECT(morph_named_list(fields, 3));
  SEXP axes = Rf_allocMatrix(REALSXP, n, 9);
  SET_VECTOR_ELT(result, 0, axes);
  SEXP values = Rf_allocMatrix(REALSXP, n, 3);
  SET_VECTOR_ELT(result, 1, values);
  SEXP status = Rf_allocVector(INTSXP, n);
  SET_VECTOR_ELT(result, 2, status);
  for (R_xlen_t q = 0; q < (R_xlen_t) n * 9; q++) REAL(axes)[q] = NA_REAL;
  for (R_xlen_t q = 0; q < (R_xlen_t) n * 3; q++) REAL(values)[q] = NA_REAL;

  morph_eigen eig = {NULL, NULL, NULL, NULL};
  eig.cov = gsl_matrix_alloc(3, 3);
  eig.vectors = gsl_matrix_alloc(3, 3);
  eig.values = gsl_vector_alloc(3);
  eig.work = gsl_eigen_symmv_alloc(3);
  if (!eig.cov || !eig.vectors || !eig.values || !eig.work) {
    morph_axes_free(&eig);
    Rf_error("GSL could not allocate the eigen workspace.");
  }
  morph_axes_job job = {&eig, REAL(cov), REAL(world), REAL(axes), REAL(values),
                        INTEGER(status), n};
  R_ExecWithCleanup(morph_axes_run, &job, morph_axes_free, &eig);
  UNPROTECT(1);
  return result;
}

/* Heights along a body's own axes ------------------------------------------- */

/* Per-label geometry of the profile pass: projections of a voxel's offset
 * from its label's reference corner onto the body's RL, AP and SI axes are
 * dot products with g_rl, g_ap, g_si (the axes times the world matrix);
 * RL and AP are binned in widths w_rl, w_ap from offsets r_lo, a_lo. */
typedef struct {
  int ref[3], r_lo, a_lo, n_r, n_a;
  double g_rl[3], g_ap[3], g_si[3], w_rl, w_ap;
  double *zmin, *zmax; /* n_r x n_a cells, NaN where empty */
} morph_profile;

/* C_morphometry_profile(labels, dim, label, box, axes, world)
 *
 * For each label of `label` (with its bounding box and axes from the two
 * entry points above), bins the body's voxels by their position along its
 * own RL axis (slabs one projected voxel wide) and AP axis (columns one
 * projected voxel wide), and records the lowest and highest position along
 * its SI axis in each cell. Returns list(zmin, zmax: lists of the AP
 * profiles of the mid-sagittal slab (the middle slab of the body's RL
 * extent, the lower of two middle ones), NA where a column is empty;
 * thickness: each body's voxel thickness along its SI axis in mm). */
static SEXP C_morphometry_profile(SEXP labels, SEXP dim, SEXP label, SEXP box,
                                  SEXP axes, SEXP world) {
  vcf_arg_voxels(labels, "labels");
  R_xlen_t n = vcf_arg_grid(dim, "dim");
  vcf_arg_length(labels, n, "labels");
  vcf_arg_type(label, INTSXP, "label");
  R_xlen_t n_long = XLENGTH(label);
  if (n_long > MORPH_LABEL_MAX) Rf_error("`label` has more elements than labels exist.");
  int nl = (int) n_long;
  vcf_arg_type(box, INTSXP, "box");
  vcf_arg_length(box, 6 * n_long, "box");
  vcf_arg_type(axes, REALSXP, "axes");
  vcf_arg_length(axes, 9 * n_long, "axes");
  vcf_arg_type(world, REALSXP, "world");
  vcf_arg_length(world, 9, "world");
  int d[3] = {INTEGER(dim)[0], INTEGER(dim)[1], INTEGER(dim)[2]};
  const double *w = REAL(world), *ax = REAL(axes);
  for (int q = 0; q < 9; q++)
    if (!R_FINITE(w[q])) Rf_error("`world` must be finite.");
  for (R_xlen_t q = 0; q < 9 * n_long; q++)
    if (!R_FINITE(ax[q])) Rf_error("`axes` must be finite.");

  int *slot = (int *) R_alloc(MORPH_LABEL_MAX + 1, sizeof(int));
  for (int l = 0; l <= MORPH_LABEL_MAX; l++) slot[l] = -1;
  morph_profile *pr = (morph_profile *) R_alloc(nl > 0 ? nl : 1, sizeof(morph_profile));
  double *thickness = (double *) R_alloc(nl > 0 ? nl : 1, sizeof(double));
  double cells_total = 0;
  for (int s = 0; s < nl; s++) {
    int l = INTEGER(label)[s];
    if (l == NA_INTEGER || l < 1 || l > MORPH_LABEL_MAX || slot[l] >= 0)
      Rf_error("`label` must hold distinct labels in 1..65535.");
    slot[l] = s;
    morph_profile *p = pr + s;
    const int *b = INTEGER(box);
    for (int a = 0; a < 3; a++) {
      int lo = b[s + (R_xlen_t) (2 * a) * nl], hi = b[s + (R_xlen_t) (2 * a + 1) * nl];
      if (lo < 0 || hi < lo || hi >= d[a]) Rf_error("`box` must lie inside the grid.");
      p->ref[a] = lo;
    }
    double *g[3] = {p->g_rl, p->g_ap, p->g_si};
    double width[3] = {0, 0, 0}, rms = 0;
    for (int f = 0; f < 3; f++)
      for (int a = 0; a < 3; a++) {
        double dot = 0;
        for (int r = 0; r < 3; r++) dot += ax[s + (R_xlen_t) (3 * f + r) * nl] * w[r + 3 * a];
        g[f][a] = dot;
        if (fabs(dot) > width[f]) width[f] = fabs(dot);
        if (f == 2) rms += dot * dot;
      }
    if (!(width[0] > 0 && width[1] > 0)) Rf_error("`world` must not be singular.");
    p->w_rl = width[0];
    p->w_ap = width[1];
    thickness[s] = sqrt(rms);
    /* bin ranges from the projections of the box corners */
    double rmin = 0, rmax = 0, amin = 0, amax = 0;
    for (int corner = 0; corner < 8; corner++) {
      double off[3];
      for (int a = 0; a < 3; a++)
        off[a] = (corner >> a & 1) ? b[s + (R_xlen_t) (2 * a + 1) * nl] - p->ref[a] : 0;
      double r = 0, ap = 0;
      for (int a = 0; a < 3; a++) { r += p->g_rl[a] * off[a]; ap += p->g_ap[a] * off[a]; }
      if (r < rmin) rmin = r;
      if (r > rmax) rmax = r;
      if (ap < amin) amin = ap;
      if (ap > amax) amax = ap;
    }
    p->r_lo = (int) floor(rmin / p->w_rl) - 1;
    p->n_r = (int) ceil(rmax / p->w_rl) + 2 - p->r_lo;
    p->a_lo = (int) floor(amin / p->w_ap) - 1;
    p->n_a = (int) ceil(amax / p->w_ap) + 2 - p->a_lo;
    cells_total += (double) p->n_r * p->n_a;
    if (cells_total > 1e8) Rf_error("The bodies are too large to profile (over 1e8 cells).");
  }
  for (int s = 0; s < nl; s++) {
    morph_profile *p = pr + s;
    size_t cells = (size_t) p->n_r * (size_t) p->n_a;
    p->zmin = (double *) R_alloc(cells, sizeof(double));
    p->zmax = (double *) R_alloc(cells, sizeof(double));
    for (size_t c = 0; c < cells; c++) p->zmin[c] = p->zmax[c] = NAN;
  }

  int *row = (int *) R_alloc(d[0], sizeof(int));
  for (int k = 0; k < d[2]; k++) {
    for (int j = 0; j < d[1]; j++) {
      R_xlen_t from = ((R_xlen_t) k * d[1] + j) * d[0];
      int bad = decode_row(labels, from, d[0], row);
      if (bad >= 0) return morph_label_error(labels, from + bad);
      for (int i = 0; i < d[0]; i++) {
        int l = row[i];
        if (l == 0 || slot[l] < 0) continue;
        morph_profile *p = pr + slot[l];
        double off[3] = {i - p->ref[0], j - p->ref[1], k - p->ref[2]};
        double r = 0, ap = 0, z = 0;
        for (int a = 0; a < 3; a++) {
          r += p->g_rl[a] * off[a];
          ap += p->g_ap[a] * off[a];
          z += p->g_si[a] * off[a];
        }
        long br = lround(r / p->w_rl) - p->r_lo, ba = lround(ap / p->w_ap) - p->a_lo;
        if (br < 0 || br >= p->n_r || ba < 0 || ba >= p->n_a) continue; /* cannot happen */
        size_t c = (size_t) br * p->n_a + (size_t) ba;
        if (!(p->zmin[c] <= z)) p->zmin[c] = z;
        if (!(p->zmax[c] >= z)) p->zmax[c] = z;
      }
    }
    R_CheckUserInterrupt();
  }

  const char *fields[] = {"zmin", "zmax", "thickness"};
  SEXP result = PROTECT(morph_named_list(fields, 3));
  SEXP r_zmin = Rf_allocVector(VECSXP, nl);
  SET_VECTOR_ELT(result, 0, r_zmin);
  SEXP r_zmax = Rf_allocVector(VECSXP, nl);
  SET_VECTOR_ELT(result, 1, r_zmax);
  SEXP r_thick = Rf_allocVector(REALSXP, nl);
  SET_VECTOR_ELT(result, 2, r_thick);
  for (int s = 0; s < nl; s++) {
    morph_profile *p = pr + s;
    REAL(r_thick)[s] = thickness[s];
    int lo = -1, hi = -1;
    for (int br = 0; br < p->n_r; br++)
      for (int ba = 0; ba < p->n_a; ba++)
        if (!ISNAN(p->zmin[(size_t) br * p->n_a + ba])) {
          if (lo < 0) lo = br;
          hi = br;
          break;
        }
    SEXP zlo = Rf_allocVector(REALSXP, lo < 0 ? 0 : p->n_a);
    SET_VECTOR_ELT(r_zmin, s, zlo);
    SEXP zhi = Rf_allocVector(REALSXP, lo < 0 ? 0 : p->n_a);
    SET_VECTOR_ELT(r_zmax, s, zhi);
    if (lo < 0) continue;
    int mid = lo + (hi - lo) / 2;
    for (int ba = 0; ba < p->n_a; ba++) {
      double a = p->zmin[(size_t) mid * p->n_a + ba], b = p->zmax[(size_t) mid * p->n_a + ba];
      REAL(zlo)[ba] = ISNAN(a) ? NA_REAL : a;
      REAL(zhi)[ba] = ISNAN(b) ? NA_REAL : b;
    }
  }
  UNPROTECT(1);
  return result;
}

const R_CallMethodDef vcf_morphometry_calls[] = {
  {"C_morphometry_scan", (DL_FUNC) &C_morphometry_scan, 4},
  {"C_morphometry_moments", (DL_FUNC) &C_morphometry_moments, 2},
  {"C_morphometry_axes", (DL_FUNC) &C_morphometry_axes, 2},
  {"C_morphometry_profile", (DL_FUNC) &C_morphometry_profile, 6},
  {NULL, NULL, 0}
};
