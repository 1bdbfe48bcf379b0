# Visits: reading visit labels ("pre-op", "3m", "12 mo", "1 y", "FU1"),
# ordering them, deriving months since treatment where a label states one,
# and the `visits =` argument through which a user gives an order the labels
# do not.

#' Read times from visit labels
#'
#' Returns `key` (months, for ordering; `NA` when the label has no time),
#' `month` (months when `explicit`), `explicit` (the label states a time, or
#' is a baseline word) and `kind` ("baseline", "time", "post", "number" or
#' "unknown").
#'
#' Rules (after trimming, any case, spaces and underscores alike):
#' * a baseline word ("0", "baseline", "pre", "pre-op", "preop",
#'   "preoperative", "pre-treatment", "before ...", "screening",
#'   "admission", "initial") is month 0;
#' * a number with a unit, before or after it ("2 d", "6 weeks", "3m",
#'   "3 months", "12 mo", "month 6", "M6", "1 y", "2 days post-op"; German and
#'   Dutch units "Tage", "Wochen", "Monate", "Jahr", "dagen", "weken",
#'   "maanden", "jaar" too) is that time in months: days / 30.4375, weeks
#'   x 7 / 30.4375, years x 12;
#' * "post", "post-op", "postop", "post-treatment", "after ..." come right
#'   after month 0 with no month;
#' * another bare number orders by its value but gives no month (it may be a
#'   visit number);
#' * anything else ("final", "last", "FU1", "visit A") cannot be placed.
#' @noRd
parse_visit_text <- function(x) {
  text <- gsub("[[:space:]_]+", " ", tolower(trimws(as.character(x))))
  n <- length(text)
  key <- rep(NA_real_, n)
  explicit <- rep(FALSE, n)
  kind <- rep("unknown", n)
  days_per_month <- 30.4375
  per_unit <- c(d = 1 / days_per_month, t = 1 / days_per_month, w = 7 / days_per_month,
                m = 1, y = 12, j = 12)
  num <- "([0-9]+([.,][0-9]+)?)"
  unit <- paste0("(days?|dagen|dag|tage?|d|weeks?|weken|week|wochen|woche|wks?|w|",
                 "months?|maanden|maand|monate?|mon|mos?|m|years?|yrs?|jahre?|jaar|y|j)")
  after <- regexec(paste0(num, " ?-? ?", unit, "(\\b|$)"), text)
  before <- regexec(paste0("(^|\\b)", unit, " ?-? ?", num, "(\\b|$)"), text)
  for (i in seq_len(n)) {
    a <- regmatches(text[i], after[i])[[1L]]
    b <- regmatches(text[i], before[i])[[1L]]
    if (length(a)) {
      value <- a[2L]; u <- substr(a[4L], 1L, 1L)
    } else if (length(b)) {
      value <- b[4L]; u <- substr(b[3L], 1L, 1L)
    } else {
      next
    }
    key[i] <- as.numeric(sub(",", ".", value, fixed = TRUE)) * per_unit[[u]]
    explicit[i] <- TRUE
    kind[i] <- "time"
  }
  free <- is.na(key)
  number <- free & grepl("^[0-9]+(\\.[0-9]+)?$", text)
  key[number] <- as.numeric(text[number])
  kind[number] <- "number"
  baseline <- grepl(paste0("^(0|baseline|base line|pre|pre ?-?op.*|preop.*|",
                           "pre ?-?treatment|pre ?-?intervention.*|before.*|",
                           "screening|admission|initial)$"), text)
  post <- grepl("^(post|post ?-?op.*|postop.*|post ?-?treatment|post ?-?intervention.*|after.*)$",
                text)
  base <- free & baseline
  key[base] <- 0
  explicit[base] <- TRUE
  kind[base] <- "baseline"
  post <- free & post & !baseline
  key[post] <- 1e-6
  kind[post] <- "post"
  list(key = key, month = ifelse(explicit, key, NA_real_), explicit = explicit,
       kind = kind)
}

# A label's identity for matching visit labels of wide columns with those of
# a long `visit` column: its month where the label states one, else its text.
visit_match_key <- function(x) {
  p <- parse_visit_text(x)
  ifelse(p$explicit, paste0("month ", format_number_text(signif(p$month, 10))),
         tolower(gsub("[[:space:]_]+", " ", trimws(as.character(x)))))
}

# The `visits =` argument: NULL, the visit labels in order, or months named
# by visit label.
check_visits_arg <- function(visits, call) {
  if (is.null(visits)) return(NULL)
  ok_text <- is.character(visits) && length(visits) >= 1L && !anyNA(visits) &&
    all(nzchar(trimws(visits))) && !anyDuplicated(tolower(trimws(visits)))
  ok_month <- is.numeric(visits) && length(visits) >= 1L && !anyNA(visits) &&
    all(is.finite(visits)) && all(visits >= 0) && !is.null(names(visits)) &&
    all(nzchar(trimws(names(visits)))) && !anyDuplicated(tolower(trimws(names(visits)))) &&
    !anyDuplicated(visits)
  if (!ok_text && !ok_month) {
    vcf_abort(c("{.arg visits} must give the visit labels in order, e.g. {.code visits = c(\"pre\", \"FU1\", \"final\")}, or their months, e.g. {.code visits = c(pre = 0, FU1 = 3, final = 12)}.",
                x = "It is {format_arg(visits)}.",
                i = "Labels must be unique and not missing; months finite, >= 0 and distinct."),
              c("visits", "argument"), call = call)
  }
  if (ok_month) {
    visits <- sort(visits)
    list(labels = trimws(names(visits)), month = unname(as.double(visits)))
  } else {
    list(labels = trimws(visits), month = NULL)
  }
}

# The visit key of the long table: adds `t$visit` (an ordered factor) and
# returns the visit levels and the months derived from labels (or NULL).
# Problems (a missing visit, labels that cannot be ordered) are noted for
# the single report; the table keeps a usable order so that the other checks
# still run.
cohort_visit_key <- function(t, map, user_visits, call) {
  frac <- paste(t$patient, t$level, sep = "\r")
  if (!"visit" %in% names(t$df)) {
    dup <- duplicated(frac) | duplicated(frac, fromLast = TRUE)
    if (any(dup)) {
      rows <- which(dup)
      rows <- rows[order(match(frac[rows], unique(frac[rows])))]
      note_problem(t, rows, "(no visit column)", key_text(t$patient, t$level)[rows],
                   "the same patient and level on several rows, and no visit column",
                   "name the visit column `visit`, map it (visit = \"Your column\"), or map outcomes per visit (vas = vcf_wide(\"^VAS (.*)$\"))",
                   "missing_key")
      t <- table_subset(t, !duplicated(frac))
    }
    t$visit <- factor(rep("baseline", length(t$row)), levels = "baseline", ordered = TRUE)
    return(list(table = t, levels = "baseline", derived = TRUE, month = NULL))
  }
  raw <- t$df[["visit"]]
  text <- if (is.numeric(raw)) format_number_text(raw) else trimws(as.character(raw))
  missing <- is.na(raw) | is.na(text) | tolower(text) %in% na_strings
  if (any(missing)) {
    note_problem(t, which(missing), col_name(t, "visit", map), raw[missing],
                 "a missing visit", "enter the visit of this row", "missing_key")
  }
  ord <- visit_order(raw, text, missing, t$df[["month"]], t, map, user_visits)
  t$visit <- ord$visit
  t$df[["visit"]] <- NULL
  c(list(table = t, derived = FALSE), ord[c("levels", "month")])
}

visit_order <- function(raw, text, missing, month, t, map, user_visits) {
  label <- ifelse(missing, NA_character_, text)
  u <- unique(label[!missing])
  if (!is.null(user_visits)) {
    at <- match(tolower(u), tolower(user_visits$labels))
    if (anyNA(at)) {
      bad <- u[is.na(at)]
      rows <- which(label %in% bad)
      note_problem(t, rows, col_name(t, "visit", map), raw[rows],
                   "a visit label not in `visits`",
                   paste0("add it to `visits` (given: ",
                          paste0("\"", user_visits$labels, "\"", collapse = ", "), ")"),
                   "visit_order")
      u <- u[!is.na(at)]
      at <- at[!is.na(at)]
    }
    lev <- u[order(at)]
    derived <- if (!is.null(user_visits$month) && is.null(month)) {
      user_visits$month[match(tolower(label), tolower(user_visits$labels))]
    }
    return(visit_factor(label, lev, derived))
  }
  if (is.ordered(raw)) {
    lev <- levels(raw)[levels(raw) %in% u]
  } else {
    num <- suppressWarnings(as.numeric(u))
    lev <- if (length(u) && !anyNA(num) && !anyDuplicated(num)) u[order(num)] else
      visit_order_text(u, label, month, t, map)
  }
  parsed <- parse_visit_text(lev)
  timed <- parsed$explicit & parsed$kind != "baseline"
  derived <- if (is.null(month) && any(timed)) parsed$month[match(label, lev)]
  visit_factor(label, lev, derived)
}

visit_factor <- function(label, lev, month) {
  list(visit = factor(label, levels = lev, ordered = TRUE), levels = lev, month = month)
}

# Orders unordered visit labels by their median month, ties broken by the
# labels' own times, or by the labels alone. Labels that cannot be placed
# are noted as one problem; they then keep their order of appearance so that
# the remaining checks can run.
visit_order_text <- function(u, label, month, t, map) {
  text_key <- parse_visit_text(u)$key
  month_key <- rep(NA_real_, length(u))
  if (!is.null(month)) {
    m <- suppressWarnings(as.numeric(as.character(month)))
    month_key <- vapply(u, function(v) {
      x <- m[label %in% v & !is.na(m)]
      if (length(x)) stats::median(x) else NA_real_
    }, numeric(1L), USE.NAMES = FALSE)
  }
  primary <- if (!anyNA(month_key)) month_key else text_key
  secondary <- if (!anyNA(month_key)) text_key else rep(0, length(u))
  placed <- !is.na(primary)
  tie <- duplicated(cbind(primary, secondary)) |
    duplicated(cbind(primary, secondary), fromLast = TRUE)
  tie[is.na(tie)] <- FALSE
  unplaced <- !placed | tie | (is.na(secondary) & (duplicated(primary) |
                                                    duplicated(primary, fromLast = TRUE)))
  if (!any(unplaced)) return(u[order(primary, secondary)])
  bad <- u[unplaced]
  rows <- match(bad, label)
  known <- u[!unplaced][order(primary[!unplaced], secondary[!unplaced])]
  example <- c(known, bad)
  known_month <- parse_visit_text(known)$month
  months <- c(ifelse(is.na(known_month), "...", format_number_text(round(known_month, 2))),
              rep("...", length(bad)))
  why <- if (all(placed)) "a visit label at the same time as another" else
    "a visit label that cannot be placed in time"
  fix <- paste0("give the order of all visits, visits = c(",
                paste0("\"", example, "\"", collapse = ", "), "), or their months, visits = c(",
                paste0("\"", example, "\" = ", months, collapse = ", "),
                "), or add a `month` column")
  note_problem(t, rows, col_name(t, "visit", map), bad, why, fix, "visit_order")
  u
}

# Numbers as text without trailing zeros or scientific notation ("0", "3",
# "0.5").
format_number_text <- function(x) {
  out <- formatC(x, format = "fg", digits = 15)
  out <- trimws(out)
  out[is.na(x)] <- NA_character_
  out
}

# A visit given to vcf_paired() and friends: a label, or a number for
# numeric visits (0 means the visit labelled "0").
visit_arg <- function(x, levels, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  text <- if (is.numeric(x) && length(x) == 1L && is.finite(x)) format_number_text(x) else
    if (is.character(x) && length(x) == 1L && !is.na(x)) trimws(x) else NULL
  if (is.null(text) || !text %in% levels) {
    shown <- if (is.null(text)) format_arg(x) else paste0("\"", text, "\"")
    vcf_abort(c("{.arg {arg}} must be one of the cohort's visits: {.val {levels}}.",
                x = "It is {shown}, which is not one of them."),
              c("visit", "argument"), call = call)
  }
  text
}
