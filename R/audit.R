# Audit of published statistics, shared helpers: parsing printed numbers,
# argument checks and the common result format of every check family
# (audit-grim.R, audit-percent.R, audit-p.R, audit-relations.R,
# audit-table.R).
#
# Every check returns a data frame with `verdict` ("consistent",
# "inconsistent", "decision-error", "not-checkable"), `expected` and a
# human-readable `detail`. Reported numbers stand for their rounding
# interval: 3.45 printed with two decimals is any value in [3.445, 3.455].

verdicts <- c("consistent", "inconsistent", "decision-error", "not-checkable")

# Helpers -------------------------------------------------------------------

# Parse printed numbers: "<.0001" -> value 1e-04, comparison "<", 4 digits;
# "3.50" -> 3.5 with 2 digits (trailing zeros count); "\u22120.5" -> -0.5.
parse_reported <- function(x) {
  x <- as.character(x)
  # Fast path for plain numbers ("3.50", "-0.2"), most of any long input.
  simple <- grepl("^-?[0-9]*\\.?[0-9]+$", x)
  if (all(simple | is.na(x))) {
    dot <- regexpr(".", x, fixed = TRUE)
    digits <- ifelse(dot > 0, nchar(x) - dot, 0L)
    return(list(value = as.numeric(x), digits = as.integer(digits),
                comparison = rep("=", length(x))))
  }
  text <- trimws(x)
  text <- gsub("\u2212|\u2013", "-", text)
  text <- sub("^[pP]\\s*", "", text)
  comparison <- ifelse(grepl("^<", text), "<",
                       ifelse(grepl("^>", text), ">", "="))
  number <- sub("^[<>=\u2264\u2265]+\\s*", "", text)
  number <- gsub("[%[:space:]]", "", number)
  number <- sub("^(-?)\\.", "\\10.", number)
  value <- suppressWarnings(as.numeric(number))
  digits <- ifelse(grepl("\\.", number), nchar(sub("^[^.]*\\.", "", number)), 0L)
  digits[is.na(value)] <- NA_integer_
  list(value = value, digits = as.integer(digits), comparison = comparison)
}

# Decimals of numbers as R prints them (trailing zeros are lost: 2.10 -> 1).
decimals_of <- function(x) {
  if (is.character(x)) return(parse_reported(x)$digits)
  out <- rep(NA_integer_, length(x))
  ok <- !is.na(x) & is.finite(x)
  text <- vapply(x[ok], function(v) format(v, scientific = FALSE, digits = 15, trim = TRUE),
                 character(1))
  text <- ifelse(grepl("\\.", text), sub("0+$", "", text), paste0(text, "."))
  out[ok] <- nchar(sub("^[^.]*\\.", "", text))
  out
}

# A reported value as number and digits, from character or numeric input.
as_reported <- function(x, digits, arg, call = rlang::caller_env()) {
  check_work(length(x), arg, call = call)
  check_work(length(digits), "digits", call = call)
  if (is.factor(x)) x <- as.character(x)
  if (is.character(x)) {
    parsed <- parse_reported(x)
    bad <- which(!is.na(x) & is.na(parsed$value))
    if (length(bad)) {
      vcf_abort(c("{.arg {arg}} must hold printed numbers.",
                  x = "Not a number at {describe_rows(bad, x[bad])}."),
                c("type", "argument"), call = call)
    }
    value <- parsed$value
    d <- if (is.null(digits)) parsed$digits else digits
  } else if (is.numeric(x) || (is.logical(x) && all(is.na(x)))) {
    value <- as.numeric(x)
    if (is.null(digits)) {
      vcf_abort(c("{.arg digits} is needed when {.arg {arg}} is numeric.",
                  i = "Give the decimals as printed, or pass {.arg {arg}} as text such as \"3.50\"."),
                c("digits", "argument"), call = call)
    }
    d <- digits
  } else {
    vcf_abort("{.arg {arg}} must be numeric or character, not {.cls {class(x)}}.",
              c("type", "argument"), call = call)
  }
  check_values(value, arg, call = call)
  check_whole(d, "digits", max = 15, call = call)
  # Digits given for a reported number must not be missing.
  if (length(d) == length(value)) {
    check_printed_digits(d[!is.na(value)], "digits", call = call)
  } else if (length(d) == 1L && !all(is.na(value))) {
    check_printed_digits(d, "digits", call = call)
  }
  list(value = value, digits = d)
}

check_whole <- function(x, arg, min = 0, max = 1e15, call = rlang::caller_env()) {
  if (!is.numeric(x) && !(is.logical(x) && all(is.na(x)))) {
    vcf_abort("{.arg {arg}} must be numeric, not {.cls {class(x)}}.",
              c("type", "argument"), call = call)
  }
  bad <- which(is.nan(x) | !is.na(x) & (x != round(x) | x < min | x > max))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} must hold whole numbers in [{min}, {max}].",
                x = "Not so at {describe_rows(bad, x[bad])}."),
              c("range", "argument"), call = call)
  }
  invisible(x)
}

# Numbers of a check: numeric (NA allowed: that check is "not-checkable"),
# finite, within [min, max].
check_values <- function(x, arg, min = -Inf, max = Inf, call = rlang::caller_env()) {
  if (!is.numeric(x) && !(is.logical(x) && all(is.na(x)))) {
    vcf_abort("{.arg {arg}} must be numeric, not {.cls {class(x)}}.",
              c("type", "argument"), call = call)
  }
  bad <- which(is.nan(x) | !is.na(x) & (!is.finite(x) | x < min | x > max))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} must hold finite numbers in [{min}, {max}].",
                x = "Not so at {describe_rows(bad, x[bad])}."),
              c("range", "argument"), call = call)
  }
  invisible(x)
}

# Decimals as printed: whole numbers in [0, 15], not missing.
check_printed_digits <- function(x, arg, call = rlang::caller_env()) {
  check_whole(x, arg, min = 0, max = 15, call = call)
  bad <- which(is.na(x))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} must not be missing where a number is given.",
                x = "Missing at {describe_rows(bad)}."),
              c("digits", "argument"), call = call)
  }
  invisible(x)
}

# Every element one of `choices`.
check_in <- function(x, arg, choices, call = rlang::caller_env()) {
  bad <- which(!x %in% choices)
  if (length(bad) || !length(x)) {
    allowed <- paste0("\"", choices, "\"", collapse = ", ")
    vcf_abort(c("{.arg {arg}} must be one of {allowed}.",
                x = if (length(bad)) "Not so at {describe_rows(bad, x[bad])}." else "It is empty."),
              c(arg, "argument"), call = call)
  }
  invisible(x)
}

# One logical per check (TRUE or FALSE, not missing).
check_flags <- function(x, arg, call = rlang::caller_env()) {
  if (!is.logical(x) || anyNA(x) || !length(x)) {
    vcf_abort("{.arg {arg}} must be TRUE or FALSE (one per check), not {.val {format_arg(x)}}.",
              c("type", "argument"), call = call)
  }
  invisible(x)
}

# A list argument holding several numbers per check (parts, means, ...):
# a list of numeric vectors, or one numeric vector for a single check.
check_parts <- function(x, arg, min = -Inf, max = Inf, call = rlang::caller_env()) {
  # A classed list (a data frame, a fit, a fake object) is not a list of
  # parts: its elements would be read as checks without saying so.
  if (is.list(x) && !identical(oldClass(x), NULL) && !identical(oldClass(x), "AsIs")) {
    vcf_abort("{.arg {arg}} must be a list of numeric vectors or one numeric vector, not {.cls {class(x)}}.",
              c("type", "argument"), call = call)
  }
  if (!is.list(x)) x <- list(x)
  check_work(length(x), arg, max = audit_max_checks_r, call = call)
  for (i in seq_along(x)) {
    if (is.null(x[[i]])) next
    if (!is.numeric(x[[i]]) && !(is.logical(x[[i]]) && all(is.na(x[[i]])))) {
      vcf_abort("{.arg {arg}} must hold numeric vectors; element {i} is {.cls {class(x[[i]])}}.",
                c("type", "argument"), call = call)
    }
    check_work(length(x[[i]]), paste0(arg, "[[", i, "]]"), max = audit_max_checks_r, call = call)
    check_values(x[[i]], paste0(arg, "[[", i, "]]"), min = min, max = max, call = call)
  }
  x
}

# Work limit: one call checks at most `audit_max_checks` rows (the C
# searches, GRIM and GRIMMER) or `audit_max_checks_r` rows (checks looped in
# R). Longer input is refused up front rather than left to run for minutes.
audit_max_checks <- 1e6
audit_max_checks_r <- 1e5

check_work <- function(len, arg, max = audit_max_checks, call = rlang::caller_env()) {
  if (len > max) {
    vcf_abort(c("{.arg {arg}} asks for {format(len, big.mark = ',')} checks in one call; the limit is {format(max, big.mark = ',', scientific = FALSE)}.",
                i = "Split the input into several calls."),
              c("work_limit", "argument"), call = call)
  }
  invisible(len)
}

# A probability level strictly inside (0, 1).
check_alpha <- function(alpha, call = rlang::caller_env()) {
  ok <- is.numeric(alpha) && length(alpha) == 1L && !is.na(alpha) && alpha > 0 && alpha < 1
  if (!ok) {
    vcf_abort(c("{.arg alpha} must be a number strictly between 0 and 1.",
                x = "It is {.val {format_arg(alpha)}}."),
              c("range", "argument"), call = call)
  }
  invisible(alpha)
}

# No missing values (for arguments where NA cannot mean "not checkable").
check_no_na <- function(x, arg, call = rlang::caller_env()) {
  bad <- which(is.na(x))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} must not be missing.",
                x = "Missing at {describe_rows(bad)}."),
              c("range", "argument"), call = call)
  }
  invisible(x)
}

# Two list arguments with one vector per check must pair up element by
# element (a mean per subgroup size, a count per percentage).
check_paired_parts <- function(x, y, arg_x, arg_y, call = rlang::caller_env()) {
  bad <- which(lengths(x) != lengths(y))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg_x}} and {.arg {arg_y}} must have one value each per check.",
                x = "Lengths differ at {describe_rows(bad)}: {lengths(x)[bad[1]]} vs {lengths(y)[bad[1]]}."),
              c("length", "argument"), call = call)
  }
  invisible(NULL)
}

# Recycles the arguments of a check to a common length; an empty argument
# among non-empty ones is a length mismatch, and the common length is held
# to the work limit `max_len`.
recycle_args <- function(..., max_len = audit_max_checks, call = rlang::caller_env()) {
  # Plain vectors: a matrix or array argument would become several columns.
  args <- lapply(list(...), function(a) if (is.list(a)) a else as.vector(a))
  lengths <- lengths(args)
  len <- if (all(lengths == 0L)) 0L else max(lengths)
  longest <- names(args)[which.max(lengths)]
  check_work(len, longest, max = max_len, call = call)
  bad <- names(args)[lengths != 1L & lengths != len]
  if (length(bad)) {
    vcf_abort(c("Arguments must have length 1 or a common length ({len}).",
                x = "{.arg {bad}} ha{?s/ve} length{?s} {lengths[bad]}."),
              c("length", "argument"), call = call)
  }
  lapply(args, function(a) if (length(a) == len) a else rep(a, len))
}

rounding_modes <- c("up_or_down", "up", "down", "even", "truncate")

# Half-width of the rounding interval of a number printed with `digits`.
half_unit <- function(digits) 0.5 * 10^(-digits)

new_check <- function(..., verdict, expected, detail) {
  out <- data.frame(..., stringsAsFactors = FALSE)
  out$verdict <- verdict
  out$expected <- expected
  out$detail <- detail
  rownames(out) <- NULL
  out
}

add_consistent <- function(out) {
  out$consistent <- ifelse(out$verdict == "not-checkable", NA,
                           out$verdict == "consistent")
  out[, c(setdiff(names(out), c("verdict", "consistent", "expected", "detail")),
          "verdict", "consistent", "expected", "detail")]
}

