# Statuses of the C result rows, by name. The list lives in one place, the
# X-macro VCF_STATUS_LIST in src/vcf.h; C_status_table hands its names and
# notes to R once and this file caches them, so R code asks for
# status_code("nonfinite") instead of repeating a number, and a status added
# in C is known here without an edit.

status_cache <- new.env(parent = emptyenv())

# The table of statuses: data frame with `code` (integer), `name`, `note`.
status_table <- function() {
  if (is.null(status_cache$table)) {
    status_cache$table <- as.data.frame(.Call(C_status_table),
                                        stringsAsFactors = FALSE)
  }
  status_cache$table
}

# Integer codes of the statuses named; an unknown name is a bug in the
# caller, so it is an internal error naming the known ones.
status_code <- function(name) {
  tab <- status_table()
  code <- tab$code[match(name, tab$name)]
  if (anyNA(code)) {
    vcf_abort(c("Unknown status {.val {name[is.na(code)]}}.",
                i = "Known: {.val {tab$name}}."), "internal")
  }
  code
}

# Notes of status codes (as stored in a result, integer or double); NA for
# a missing or unknown code.
status_note <- function(code) {
  tab <- status_table()
  tab$note[match(as.integer(code), tab$code)]
}

# Names of status codes, NA for a missing or unknown code.
status_name <- function(code) {
  tab <- status_table()
  tab$name[match(as.integer(code), tab$code)]
}
