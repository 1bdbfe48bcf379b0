# Installs the named CRAN packages that are not installed yet.
packages <- commandArgs(trailingOnly = TRUE)
missing <- packages[!vapply(packages, requireNamespace, logical(1), quietly = TRUE)]
if (length(missing)) {
  message("deps: installing from CRAN: ", paste(missing, collapse = ", "))
  options(Ncpus = 2L)
  utils::install.packages(missing, repos = "https://cloud.r-project.org")
  still_missing <- missing[!vapply(missing, requireNamespace, logical(1), quietly = TRUE)]
  if (length(still_missing)) {
    stop("could not install from CRAN: ", paste(still_missing, collapse = ", "))
  }
}
