# Vertebral levels: names, the VerSe label codes, and the cell spellings
# sheets use for them.
# VerSe label codes: 1-7 C1-C7, 8-19 T1-T12, 20-24 L1-L5, 25 L6, 28 T13.

verse_codes <- c(1:25, 28L)
verse_names <- c(paste0("C", 1:7), paste0("T", 1:12), paste0("L", 1:6), "T13")
spine_order <- c(paste0("C", 1:7), paste0("T", 1:13), paste0("L", 1:6))

#' Vertebral level names and VerSe label codes
#'
#' `vcf_level()` turns level names ("T12", "t12", "Th12", "Th 12", "L1") or
#' VerSe label codes (1-7 C1-C7, 8-19 T1-T12, 20-24 L1-L5, 25 L6, 28 T13)
#' into a factor of level names ordered from cranial to caudal. Spaces and
#' case are ignored, and "Th"/"D" (dorsal) are read as "T". Values that are
#' neither give `NA`; [vcf_cohort()] turns those into an error naming the
#' rows (a cell naming two levels, such as "L1/L2", is reported as such:
#' give one row per fracture).
#'
#' @param x Character level names, a factor of them, or integer VerSe codes.
#' @return An ordered factor with levels C1 < ... < T12 < T13 < L1 < ... < L6.
#' @examples
#' vcf_level(c("T12", "th12", "l1", "20"))
#' vcf_level(c(19L, 20L, 28L))
#' @export
vcf_level <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (is.logical(x) && all(is.na(x))) x <- as.character(x)
  if (!is.numeric(x) && !is.character(x)) {
    vcf_abort(c("{.arg x} must be level names (text) or VerSe codes (numbers).",
                x = "It is {format_arg(x)}."),
              c("type", "argument"))
  }
  if (is.character(x)) {
    x <- enc2utf8(x)
    bad <- which(!is.na(x) & !validUTF8(x))
    if (length(bad)) {
      vcf_abort(c("{.arg x} must be valid text.",
                  x = "Invalid UTF-8 at {describe_rows(bad)}."),
                c("encoding", "argument"))
    }
  }
  if (is.numeric(x)) {
    name <- verse_names[match(x, verse_codes)]
  } else {
    text <- toupper(gsub("[[:space:]]", "", x))
    text <- sub("^(TH|D)([0-9])", "T\\2", text)
    is_code <- grepl("^[0-9]+$", text)
    text[is_code] <- verse_names[match(suppressWarnings(as.integer(text[is_code])),
                                       verse_codes)]
    name <- ifelse(text %in% spine_order, text, NA_character_)
  }
  factor(name, levels = spine_order, ordered = TRUE)
}

#' VerSe label code of a vertebral level (the inverse of vcf_level() on codes)
#' @noRd
verse_code <- function(level) {
  verse_codes[match(as.character(level), verse_names)]
}

# A cell that names two or more levels ("L1/L2", "T12-L1", "L1, L2").
is_level_list <- function(text) {
  grepl("^[[:space:]]*(C|TH|T|D|L)?[[:space:]]*[0-9]+[[:space:]]*[/,;&+-][[:space:]]*(C|TH|T|D|L)?[[:space:]]*[0-9]+", toupper(text))
}
