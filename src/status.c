/* status: the names and notes of the C result statuses (VCF_STATUS_LIST in
 * vcf.h), handed to R once so that R/status.R looks statuses up by name. */
#include "vcf.h"

#define VCF_STATUS_NAME(code, name, note) name,
#define VCF_STATUS_NOTE(code, name, note) note,
static const char *const status_names[] = {VCF_STATUS_LIST(VCF_STATUS_NAME)};
static const char *const status_notes[] = {VCF_STATUS_LIST(VCF_STATUS_NOTE)};

/* C_status_table(): list(code = 0..k-1, name, note), in enum order. */
static SEXP C_status_table(void) {
  SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
  SEXP code = Rf_allocVector(INTSXP, VCF_STATUS_COUNT);
  SET_VECTOR_ELT(out, 0, code);
  SEXP name = Rf_allocVector(STRSXP, VCF_STATUS_COUNT);
  SET_VECTOR_ELT(out, 1, name);
  SEXP note = Rf_allocVector(STRSXP, VCF_STATUS_COUNT);
  SET_VECTOR_ELT(out, 2, note);
  for (int k = 0; k < VCF_STATUS_COUNT; k++) {
    INTEGER(code)[k] = k;
    SET_STRING_ELT(name, k, Rf_mkChar(status_names[k]));
    SET_STRING_ELT(note, k, Rf_mkChar(status_notes[k]));
  }
  SEXP nm = PROTECT(Rf_allocVector(STRSXP, 3));
  SET_STRING_ELT(nm, 0, Rf_mkChar("code"));
  SET_STRING_ELT(nm, 1, Rf_mkChar("name"));
  SET_STRING_ELT(nm, 2, Rf_mkChar("note"));
  Rf_setAttrib(out, R_NamesSymbol, nm);
  UNPROTECT(2);
  return out;
}

const R_CallMethodDef vcf_status_calls[] = {
  {"C_status_table", (DL_FUNC) &C_status_table, 0},
  {NULL, NULL, 0}
};
