# Conditions, argument checks and the shared vocabularies (vertebral levels,
# BME classes, analgesic classes) used by several capabilities.

# Conditions -----------------------------------------------------------------

#' Raise a classed vcfoutcomes error
#'
#' `class` holds the specific subclasses without their prefix, most specific
#' first: `vcf_abort("...", c("duplicate_key", "input"))` raises a condition
#' of class `vcf_error_duplicate_key`, `vcf_error_input`, `vcf_error`.
#' @noRd
vcf_abort <- function(message, class, ..., call = rlang::caller_env(),
                      .envir = parent.frame()) {
  cli::cli_abort(message, class = c(paste0("vcf_error_", class), "vcf_error"),
                 ..., call = call, .envir = .envir)
}

#' Raise a classed vcfoutcomes warning (classes as for `vcf_abort()`)
#' @noRd
vcf_warn <- function(message, class, ..., .envir = parent.frame()) {
  cli::cli_warn(message, class = c(paste0("vcf_warning_", class), "vcf_warning"),
                ..., .envir = .envir)
}

# Show at most `max` offending values with their positions, for messages:
# "rows 3, 7 (values 11, 12) and 4 more".
describe_rows <- function(rows, values = NULL, max = 5L) {
  shown <- utils::head(rows, max)
  text <- paste0("row", if (length(rows) > 1L) "s", " ",
                 paste(shown, collapse = ", "))
  if (!is.null(values)) {
    text <- paste0(text, " (value", if (length(shown) > 1L) "s", " ",
                   paste(format_values(utils::head(values, max)), collapse = ", "),
                   ")")
  }
  if (length(rows) > max) text <- paste0(text, " and ", length(rows) - max, " more")
  text
}

# Numbers with a fixed number of decimals (vectorised over `digits`),
# rounded by R's round() first so that text and reproduced values agree;
# NA prints "NA".
format_fixed <- function(x, digits) {
  out <- rep("NA", length(x))
  ok <- !is.na(x)
  if (any(ok)) {
    digits <- rep_len(as.integer(digits), length(x))[ok]
    out[ok] <- sprintf("%.*f", digits, round(x[ok], digits))
  }
  out
}

format_values <- function(x) {
  text <- if (is.character(x) || is.factor(x)) {
    paste0("\"", safe_text(as.character(x)), "\"")
  } else {
    format(x, digits = 15, trim = TRUE)
  }
  ifelse(is.na(x), "NA", text)
}

# At most `max` values of `x` for a message ("1, 2, 3, 4, 5 and 99 more"),
# whatever `x` is: a huge vector costs no more than its first values, and
# what is not a plain vector is described by its class and length.
show_values <- function(x, max = 5L, sep = ", ") {
  if (!is.atomic(x) || isS4(x) || !length(x)) return(format_arg(x))
  more <- length(x) - max
  paste0(paste(format_values(utils::head(x, max)), collapse = sep),
         if (more > 0) paste0(" and ", more, " more"))
}

# Strings R can work with as text: valid UTF-8, or declared latin1 (which R
# translates). Bytes that are neither make toupper(), nchar() and file
# functions fail.
is_text <- function(x) Encoding(x) == "latin1" | validUTF8(x)

# Text that is safe to put in a message: valid UTF-8 (bytes that are not
# become <ff>) and at most `max` characters; a path keeps its end (the file
# name) when shortened.
safe_text <- function(x, max = 60L, path = FALSE) {
  x <- iconv(enc2utf8(x), "UTF-8", "UTF-8", sub = "byte")
  long <- !is.na(x) & nchar(x, type = "chars") > max
  x[long] <- if (path) {
    paste0("...", substring(x[long], nchar(x[long]) - max + 4L))
  } else {
    paste0(substr(x[long], 1L, max - 3L), "...")
  }
  x
}

# A path for a message: shortened only when absurdly long.
safe_path <- function(x) safe_text(x, max = 1000L, path = TRUE)

# Argument checks ------------------------------------------------------------
# Each names the argument and what was expected, with class
# vcf_error_argument.

check_number <- function(x, arg = rlang::caller_arg(x), min = -Inf, max = Inf,
                         integer = FALSE, call = rlang::caller_env()) {
  ok <- is.numeric(x) && length(x) == 1L && !is.na(x) && x >= min && x <= max &&
    (!integer || x == round(x))
  if (!ok) {
    what <- if (integer) "a whole number" else "a number"
    vcf_abort(c("{.arg {arg}} must be {what} in [{min}, {max}].",
                x = "It is {.val {format_arg(x)}}."),
              "argument", call = call)
  }
  invisible(x)
}

check_string <- function(x, arg = rlang::caller_arg(x), choices = NULL,
                         call = rlang::caller_env()) {
  one <- is.character(x) && length(x) == 1L && !is.na(x)
  text <- one && is_text(x)
  if (!text || (!is.null(choices) && !x %in% choices)) {
    expected <- if (is.null(choices)) "a single string" else
      paste0("one of ", paste0("\"", choices, "\"", collapse = ", "))
    vcf_abort(c("{.arg {arg}} must be {expected}.",
                x = "It is {.val {format_arg(x)}}{if (one && !text) ', not valid UTF-8 text'}."),
              "argument", call = call)
  }
  invisible(x)
}

# A regular expression: one string that grepl() accepts.
check_pattern <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  check_string(x, arg, call = call)
  problem <- tryCatch({
    grepl(x, "", ignore.case = TRUE)
    NULL
  }, error = function(e) conditionMessage(e), warning = function(w) conditionMessage(w))
  if (!is.null(problem)) {
    vcf_abort(c("{.arg {arg}} must be a valid regular expression.",
                x = "It is {.val {safe_text(x)}}: {safe_text(problem)}."),
              c("pattern", "argument"), call = call)
  }
  invisible(x)
}

check_flag <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    vcf_abort(c("{.arg {arg}} must be TRUE or FALSE.",
                x = "It is {.val {format_arg(x)}}."),
              "argument", call = call)
  }
  invisible(x)
}

format_arg <- function(x) {
  if (is.null(x)) return("NULL")
  if (length(x) == 0L) return(paste0("an empty ", class(x)[1L]))
  if (length(x) > 1L) return(paste0("a ", class(x)[1L], " of length ", length(x)))
  if (is.atomic(x) && !isS4(x)) return(safe_text(as.character(x)))
  paste0("a ", class(x)[1L])
}


# Analgesic classes: ordered none < paracetamol < NSAID < opiate, coded 0-3.
analgesic_levels <- c("none", "paracetamol", "NSAID", "opiate")

# An object a method was called on must have the parts the method reads:
# `parts` maps each part's name to a predicate. A fake or damaged object
# (a list given the class by hand, a part dropped) gets a classed error
# naming the missing or malformed parts, not an error from deep inside.
check_object <- function(x, cls, parts, arg = "x", from = NULL,
                         call = rlang::caller_env()) {
  if (!inherits(x, cls) || !is.list(x)) {
    vcf_abort(c("{.arg {arg}} must be a {.cls {cls}} object{if (!is.null(from)) paste0(' from ', from, '()')}.",
                x = "It is {.val {format_arg(x)}}."),
              c("object", "argument"), call = call)
  }
  bad <- names(parts)[!vapply(names(parts), function(part) {
    isTRUE(tryCatch(parts[[part]](x[[part]]), error = function(e) FALSE))
  }, logical(1))]
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} is not a well-formed {.cls {cls}} object.",
                x = "Missing or malformed: {.field {bad}}."),
              c("object", "argument"), call = call)
  }
  invisible(x)
}

# A path to write to: a string that is not a directory, in a directory that
# exists, short enough for the system.
check_output_file <- function(file, arg = rlang::caller_arg(file),
                              call = rlang::caller_env()) {
  check_string(file, arg, call = call)
  problem <- if (!nzchar(file)) "it is empty" else
    if (nchar(file, "bytes") > 4000L) "it is longer than 4000 bytes" else
      if (dir.exists(file)) "it is a directory" else
        if (!dir.exists(dirname(path.expand(file)))) "its directory does not exist"
  if (!is.null(problem)) {
    vcf_abort(c("{.arg {arg}} must be a path to a file that can be written.",
                x = "{.path {substr(file, 1, 80)}}: {problem}."),
              c("file", "argument"), call = call)
  }
  invisible(file)
}

# Write lines to an output file; failure to write is a classed error.
write_output_lines <- function(lines, file, call = rlang::caller_env()) {
  tryCatch(suppressWarnings(writeLines(lines, file, useBytes = TRUE)),
           error = function(e) {
             vcf_abort(c("Cannot write {.path {substr(file, 1, 80)}}.",
                         x = conditionMessage(e)),
                       c("file", "input"), call = call)
           })
  invisible(file)
}
