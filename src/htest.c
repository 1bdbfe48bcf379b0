/* htest: entry points are added by the capability's issue. */
#include "vcf.h"

const R_CallMethodDef vcf_htest_calls[] = {
  {NULL, NULL, 0}
};
