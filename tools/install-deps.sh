#!/bin/sh
# Installs what vcfoutcomes needs to build, test and check: Debian packages
# first (as root, only those missing), then CRAN for what Debian lacks.
# Idempotent: a second run installs nothing.
set -e

DEBIAN_PACKAGES="libgsl-dev pandoc r-cran-cli r-cran-rlang r-cran-generics
  r-cran-ggplot2 r-cran-scales r-cran-future r-cran-future.apply
  r-cran-progressr r-cran-testthat r-cran-knitr r-cran-rmarkdown r-cran-boot
  r-cran-data.table r-cran-tibble r-cran-withr r-cran-statcheck r-cran-readxl
  r-cran-roxygen2 r-cran-dplyr r-cran-tidyr r-cran-purrr r-cran-stringr
  r-cran-tidyselect r-cran-lifecycle r-cran-glue r-cran-magrittr
  r-cran-flextable r-cran-officer r-cran-openxlsx r-cran-callr r-cran-xml2
  r-cran-clubsandwich r-cran-sandwich r-cran-future.batchtools
  r-cran-batchtools r-cran-vdiffr r-cran-broom r-cran-pkgbuild
  devscripts qpdf"

# Debian lacks these; they come from CRAN (built from source).
CRAN_PACKAGES="${CRAN_PACKAGES:-RNifti}"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=""
  for pkg in ${DEBIAN_PACKAGES}; do
    dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "ok installed" ||
      missing="${missing} ${pkg}"
  done
  if [ -n "${missing}" ]; then
    echo "deps: installing from Debian:${missing}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${missing}
  fi
else
  echo "deps: not root on Debian; install GSL (libgsl-dev), pandoc and the R packages yourself"
fi

Rscript tools/install-cran.R ${CRAN_PACKAGES}
