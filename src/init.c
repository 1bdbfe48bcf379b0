/* Registration of every .Call entry point of vcfoutcomes.
 *
 * The capability files each export one table of entry points (see vcf.h);
 * they are joined here into the single table R_registerRoutines wants.
 * R copies every definition it is given, so the joined table is sized to
 * the tables' total and freed once registration is done.
 */
#include "vcf.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>

static const R_CallMethodDef *const capability_tables[] = {
  vcf_init_calls,
  vcf_status_calls,
  vcf_compare_calls,
  vcf_tables_calls,
  vcf_followup_calls,
  vcf_boot_calls,
  vcf_wild_calls,
  vcf_volumetrics_calls,
  vcf_morphometry_calls,
  vcf_reconstruct_calls,
  vcf_audit_calls
};

/* The GSL version the package was built with, and whether OpenMP is on. */
static SEXP C_init_build_info(void) {
  SEXP info = PROTECT(Rf_allocVector(VECSXP, 2));
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 2));
  SET_VECTOR_ELT(info, 0, Rf_mkString(GSL_VERSION));
#ifdef _OPENMP
  SET_VECTOR_ELT(info, 1, Rf_ScalarLogical(TRUE));
#else
  SET_VECTOR_ELT(info, 1, Rf_ScalarLogical(FALSE));
#endif
  SET_STRING_ELT(names, 0, Rf_mkChar("gsl_version"));
  SET_STRING_ELT(names, 1, Rf_mkChar("openmp"));
  Rf_setAttrib(info, R_NamesSymbol, names);
  UNPROTECT(2);
  return info;
}

const R_CallMethodDef vcf_init_calls[] = {
  {"C_init_build_info", (DL_FUNC) &C_init_build_info, 0},
  {NULL, NULL, 0}
};

static size_t count_calls(const R_CallMethodDef *table) {
  size_t n = 0;
  while (table[n].name) n++;
  return n;
}

void R_init_vcfoutcomes(DllInfo *dll) {
  size_t n_tables = sizeof(capability_tables) / sizeof(capability_tables[0]);
  size_t n_calls = 0;
  for (size_t t = 0; t < n_tables; t++) n_calls += count_calls(capability_tables[t]);

  R_CallMethodDef *all_calls = R_Calloc(n_calls + 1, R_CallMethodDef);
  size_t at = 0;
  for (size_t t = 0; t < n_tables; t++)
    for (const R_CallMethodDef *call = capability_tables[t]; call->name; call++)
      all_calls[at++] = *call;
  all_calls[at] = (R_CallMethodDef) {NULL, NULL, 0};

  R_registerRoutines(dll, NULL, all_calls, NULL, NULL);
  R_Free(all_calls);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);

  /* GSL's default handler calls abort(), which would take R down with it.
   * With it off, every GSL call returns a status that the caller checks. */
  gsl_set_error_handler_off();
}
