/* Shared declarations of the vcfoutcomes C core.
 *
 * Every capability lives in one .c file with a matching R file. Each .c file
 * exports one table of its .Call entry points, named vcf_<capability>_calls
 * and terminated by {NULL, NULL, 0}; init.c joins the tables and registers
 * them, so a new entry point only touches its own capability's file.
 *
 * Entry points are named C_<capability>_<verb>. They check the type and
 * length of every argument (vcf_arg_* below) before touching it: the R layer
 * raises the user-facing classed errors, and these checks are the last line
 * that keeps a bad .Call from crashing R.
 */
#ifndef VCF_H
#define VCF_H

#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>
#include <stdint.h>

#ifdef _OPENMP
#include <omp.h>
#endif

extern const R_CallMethodDef vcf_init_calls[];
extern const R_CallMethodDef vcf_compare_calls[];
extern const R_CallMethodDef vcf_tables_calls[];
extern const R_CallMethodDef vcf_followup_calls[];
extern const R_CallMethodDef vcf_boot_calls[];
extern const R_CallMethodDef vcf_wild_calls[];
extern const R_CallMethodDef vcf_volumetrics_calls[];
extern const R_CallMethodDef vcf_morphometry_calls[];
extern const R_CallMethodDef vcf_reconstruct_calls[];
extern const R_CallMethodDef vcf_audit_calls[];
extern const R_CallMethodDef vcf_status_calls[];

/* Status of a C result row, the one list of them: X(code, name, note). The
 * enum below is built from it, and C_status_table (status.c) hands the
 * names and notes to R once, where R/status.R looks them up by name
 * (status_code("nonfinite")), so no R file repeats a number. Add a status
 * by adding a line here. */
#define VCF_STATUS_LIST(X)                                                    \
  X(VCF_OK, "ok", "answered")                                                 \
  X(VCF_TOO_FEW, "too_few", "not enough observations")                        \
  X(VCF_CONSTANT, "constant", "data are essentially constant")                \
  X(VCF_ONE_LEVEL, "one_level", "fewer than 2 observed levels")               \
  X(VCF_ONE_GROUP, "one_group", "observed in fewer than 2 groups")            \
  X(VCF_NOT_2X2, "not_2x2", "not a 2 x 2 table")                              \
  X(VCF_ALL_TIED, "all_tied", "all values tied or all differences zero")      \
  X(VCF_NONFINITE, "nonfinite", "non-finite value")                           \
  X(VCF_ALL_NA, "all_na", "all values missing")                               \
  X(VCF_BAD_CODE, "bad_code", "invalid category code")                        \
  X(VCF_TOO_LARGE, "too_large", "table too large for the exact test")         \
  X(VCF_NO_ROOT, "no_root", "the confidence bound has no root")

#define VCF_STATUS_ENUM(code, name, note) code,
enum vcf_status { VCF_STATUS_LIST(VCF_STATUS_ENUM) VCF_STATUS_COUNT };
#undef VCF_STATUS_ENUM

/* Argument checks for entry points. Each raises an R error naming the
 * argument; none returns on failure. */
static inline void vcf_arg_type(SEXP x, SEXPTYPE type, const char *arg) {
  if (TYPEOF(x) != type)
    Rf_error("`%s` must be of type %s, not %s.", arg,
             Rf_type2char(type), Rf_type2char(TYPEOF(x)));
}

static inline void vcf_arg_length(SEXP x, R_xlen_t length, const char *arg) {
  if (XLENGTH(x) != length)
    Rf_error("`%s` must have length %lld, not %lld.", arg,
             (long long) length, (long long) XLENGTH(x));
}

/* A scalar of the given type that is not NA. */
static inline void vcf_arg_scalar(SEXP x, SEXPTYPE type, const char *arg) {
  vcf_arg_type(x, type, arg);
  vcf_arg_length(x, 1, arg);
  if ((type == INTSXP && INTEGER(x)[0] == NA_INTEGER) ||
      (type == REALSXP && ISNAN(REAL(x)[0])) ||
      (type == LGLSXP && LOGICAL(x)[0] == NA_LOGICAL))
    Rf_error("`%s` must not be NA.", arg);
}

/* Label maps and masks come as integer, double, logical or raw vectors:
 * the one storage check of volumetrics and morphometry. */
static inline int vcf_is_voxel_storage(SEXP x) {
  int t = TYPEOF(x);
  return t == INTSXP || t == REALSXP || t == LGLSXP || t == RAWSXP;
}

static inline void vcf_arg_voxels(SEXP x, const char *arg) {
  if (!vcf_is_voxel_storage(x))
    Rf_error("`%s` must be integer, double, logical or raw, not %s.", arg,
             Rf_type2char(TYPEOF(x)));
}

/* The voxel count of a grid given as an integer vector of 3 positive
 * dimensions, refused when the product does not fit in R_xlen_t (a
 * wrapped product would pass a length check and index out of bounds). */
static inline R_xlen_t vcf_arg_grid(SEXP dim, const char *arg) {
  vcf_arg_type(dim, INTSXP, arg);
  vcf_arg_length(dim, 3, arg);
  R_xlen_t n = 1;
  for (int a = 0; a < 3; a++) {
    int d = INTEGER(dim)[a];
    if (d == NA_INTEGER || d < 1) Rf_error("`%s` must hold positive dimensions.", arg);
    if (n > R_XLEN_T_MAX / d) Rf_error("`%s` describes more voxels than R can index.", arg);
    n *= d;
  }
  return n;
}

/* x[i] of an integer, logical, double or raw vector as a double, NA kept:
 * for messages that report an offending element. */
static inline double vcf_value_at(SEXP x, R_xlen_t i) {
  switch (TYPEOF(x)) {
  case INTSXP: return INTEGER(x)[i] == NA_INTEGER ? NA_REAL : INTEGER(x)[i];
  case LGLSXP: return LOGICAL(x)[i] == NA_LOGICAL ? NA_REAL : LOGICAL(x)[i];
  case REALSXP: return REAL(x)[i];
  default: return RAW(x)[i];
  }
}

/* Threads to use. `threads` > 0 is a request; `threads` <= 0 asks for the
 * default: the R option `vcfoutcomes.threads` when it is a whole number
 * >= 1, else all that OpenMP offers (omp_get_max_threads(), which follows
 * OMP_NUM_THREADS). Either is capped by OMP_THREAD_LIMIT
 * (omp_get_thread_limit()) and by what OpenMP offers, as data.table does.
 * Without OpenMP there is always one. Call from the main thread only (it
 * reads an R option). */
static inline int vcf_threads(int threads) {
#ifdef _OPENMP
  int available = omp_get_max_threads();
  const int limit = omp_get_thread_limit();
  if (limit > 0 && limit < available) available = limit;
  if (threads <= 0) {
    SEXP opt = Rf_GetOption1(Rf_install("vcfoutcomes.threads"));
    if ((TYPEOF(opt) == INTSXP || TYPEOF(opt) == REALSXP) && XLENGTH(opt) == 1) {
      const double v = Rf_asReal(opt);
      if (v >= 1 && v <= 1e6 && v == (int) v) threads = (int) v;
    }
  }
  if (threads <= 0 || threads > available) return available;
  return threads;
#else
  (void) threads;
  return 1;
#endif
}

#endif
