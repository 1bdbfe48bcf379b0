#' vcfoutcomes: outcomes of treated osteoporotic vertebral compression fractures
#'
#' Turns a clinical cohort of osteoporotic vertebral compression fractures
#' (VCF) treated by percutaneous vertebroplasty (PV) or balloon kyphoplasty
#' (BKP) into the tables, figures and confidence intervals of a journal
#' article. The arithmetic runs in a C core linked to the GNU Scientific
#' Library; the R layer validates input and shapes results.
#'
#' @section Conditions:
#' Every error the package raises has class `vcf_error` and a more specific
#' subclass (`vcf_error_input`, `vcf_error_argument`, ...); every warning has
#' class `vcf_warning` and a subclass. Messages name the argument, the
#' offending rows or values, and what was expected.
#'
#' @section Options:
#' The package reads no global options. Threads are set per call through a
#' `threads` argument; random numbers follow [set.seed()].
#'
#' @keywords internal
#' @useDynLib vcfoutcomes, .registration = TRUE
#' @importFrom rlang .data %||%
"_PACKAGE"

#' Build information of the compiled core
#'
#' @return A list with the GSL version the package was compiled against
#'   (`gsl_version`) and whether OpenMP is available (`openmp`).
#' @keywords internal
#' @noRd
vcf_build_info <- function() .Call(C_init_build_info)
