/* followup: the change class of paired measurements between two visits
 * (decrease / similar / increase), for the follow-up tables.
 */
#include "vcf.h"

/* Change class of `after` against `before`: -1 decrease, 0 similar (within
 * `tolerance`), 1 increase, NA when either is missing. */
static SEXP C_followup_change(SEXP before, SEXP after, SEXP tolerance) {
  vcf_arg_type(before, REALSXP, "before");
  vcf_arg_type(after, REALSXP, "after");
  vcf_arg_length(after, XLENGTH(before), "after");
  vcf_arg_scalar(tolerance, REALSXP, "tolerance");
  double tol = REAL(tolerance)[0];
  if (tol < 0) Rf_error("`tolerance` must not be negative.");
  if (!R_FINITE(tol)) Rf_error("`tolerance` must be finite, not %g.", tol);

  R_xlen_t n = XLENGTH(before);
  const double *b = REAL(before), *a = REAL(after);
  SEXP out = PROTECT(Rf_allocVector(INTSXP, n));
  int *change = INTEGER(out);
  for (R_xlen_t i = 0; i < n; i++) {
    if (ISNAN(b[i]) || ISNAN(a[i])) change[i] = NA_INTEGER;
    else if (a[i] < b[i] - tol) change[i] = -1;
    else if (a[i] > b[i] + tol) change[i] = 1;
    else change[i] = 0;
  }
  UNPROTECT(1);
  return out;
}

const R_CallMethodDef vcf_followup_calls[] = {
  {"C_followup_change", (DL_FUNC) &C_followup_change, 3},
  {NULL, NULL, 0}
};
