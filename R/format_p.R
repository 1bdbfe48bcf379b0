# P-values as journals print them (vcf_format_p), used by every table
# renderer. Never scientific notation.

p_styles <- c("ajnr", "jama", "ama", "nejm", "apa", "lancet")

#' Format p-values in a journal's style
#'
#' Every style prints fixed decimals, never scientific notation.
#'
#' * "ajnr": no leading zero, two decimals with trailing zeros dropped
#'   (".02", ".5"), three below .01, "<.001" below .001, ">.99" above .99.
#' * "jama" (or "ama", the AMA Manual of Style): no leading zero, two
#'   decimals (".02", ".50"), three below .01, "<.001", ">.99" above .99.
#' * "nejm": leading zero, two decimals, three below 0.01, "<0.001",
#'   ">0.99".
#' * "apa": no leading zero, three decimals (".020"), "<.001".
#' * "lancet": leading zero, two significant digits, "<0.0001".
#'
#' A p-value just below .05 that would round to ".05" with two decimals
#' gets three (".049"), so that the printed value never crosses the usual
#' threshold.
#'
#' @param p Numeric p-values in \[0, 1\] (`NA` allowed).
#' @param style One of "ajnr", "jama", "ama", "nejm", "apa", "lancet".
#' @return Character vector; `NA` gives "".
#' @examples
#' vcf_format_p(c(0.5, 0.02, 0.0042, 0.00001), "ajnr")
#' vcf_format_p(c(0.5, 0.02, 0.0042, 0.00001), "nejm")
#' vcf_format_p(c(0.995, 0.0496, 4e-18), "jama")
#' @export
vcf_format_p <- function(p, style = "ajnr") {
  check_string(style, choices = p_styles)
  if (!is.numeric(p)) vcf_abort("{.arg p} must be numeric.", c("type", "argument"))
  bad <- which(!is.na(p) & (p < 0 | p > 1))
  if (length(bad)) {
    vcf_abort(c("{.arg p} must lie in [0, 1].", x = "At {describe_rows(bad, p[bad])}."),
              c("range", "argument"))
  }
  # Only the p-values present are formatted: a column of missing values
  # (1e7 of them) costs nothing.
  out <- rep("", length(p))
  present <- which(!is.na(p))
  if (!length(present)) return(out)
  q <- as.double(p[present])
  out[present] <- switch(style,
    ajnr = p_ajnr(q),
    jama = , ama = p_decimals(q, leading_zero = FALSE, ceiling = TRUE),
    nejm = p_decimals(q, leading_zero = TRUE, ceiling = TRUE),
    apa = ifelse(q < 0.001, "<.001", sub("^0", "", format_fixed(q, 3L))),
    lancet = ifelse(q < 0.0001, "<0.0001",
                    formatC(signif(q, 2), format = "fg", digits = 2, flag = "#")))
  out
}

# Two decimals, three below .01 (and where two would round a p below .05 up
# to .05), "<.001"; ">.99" when `ceiling`.
p_decimals <- function(p, leading_zero, ceiling) {
  digits <- ifelse(!is.na(p) & (p < 0.01 | (p < 0.05 & round(p, 2) >= 0.05)), 3L, 2L)
  fixed <- format_fixed(p, digits)
  zero <- if (leading_zero) "0" else ""
  if (!leading_zero) fixed <- sub("^0", "", fixed)
  out <- ifelse(p < 0.001, paste0("<", zero, ".001"), fixed)
  if (ceiling) out <- ifelse(!is.na(p) & p > 0.99, paste0(">", zero, ".99"), out)
  out
}

p_ajnr <- function(p) {
  near_05 <- !is.na(p) & p >= 0.01 & p < 0.05 & round(p, 2) >= 0.05
  digits <- ifelse(!is.na(p) & (p < 0.01 | near_05), 3L, 2L)
  # Trailing zeros are dropped, except in ".050" (which must not read ".05").
  x <- ifelse(near_05, format_fixed(p, 3L),
              sub("\\.?0+$", "", format_fixed(p, digits), perl = TRUE))
  x <- sub("^0", "", x, perl = TRUE)
  x <- ifelse(p < 0.001, "<.001", ifelse(x == "", "0", x))
  ifelse(!is.na(p) & p > 0.99, ">.99", x)
}
