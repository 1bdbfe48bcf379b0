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
#' One option: `vcfoutcomes.threads`, a whole number >= 1, the number of
#' OpenMP threads a call uses when its `threads` argument is `NULL` (the
#' default). Unset, the default is every thread OpenMP offers (which
#' follows the `OMP_NUM_THREADS` environment variable). Either way the
#' count is capped by the `OMP_THREAD_LIMIT` environment variable, as in
#' data.table, and by the threads OpenMP offers; an explicit `threads`
#' argument is capped the same way. Results never depend on the number of
#' threads. Random numbers follow [set.seed()]. [vcf_threads()] reports the
#' count a call would use.
#'
#' A value of the option that is not a whole number >= 1 is an error
#' (`vcf_error_option`) when [vcf_threads()] or a function with a `threads`
#' argument reads it.
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
