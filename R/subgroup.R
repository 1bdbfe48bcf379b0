#' Split a cohort's patients into subgroups
#'
#' By default applies the rule of the PV bone-marrow-edema study: subgroup A
#' holds the patients with a single treated fracture, no new VCF during
#' follow-up and no pain at another untreated level; subgroup B holds
#' everyone else. The reasons each patient is left out of A are recorded.
#'
#' A custom `rule` is an expression evaluated among the patient-level
#' variables of the cohort (`cohort$patients`), plus `n_treated` (treated
#' fractures) and `n_fractures` (all recorded fractures); or a function that
#' takes that patient data frame and returns one logical per patient. `TRUE`
#' puts the patient in the first subgroup, `FALSE` in the second.
#'
#' A rule may also use fracture-level variables (such as `procedure` when
#' it is recorded per fracture). It is then evaluated per fracture and
#' collapsed per patient by `fracture`: `"first"` takes the patient's first
#' treated fracture from cranial to caudal (the first recorded fracture when
#' the cohort has no `treated`), `"any"` puts the patient in the first
#' subgroup when the rule holds for any fracture, `"all"` when it holds for
#' all of them.
#'
#' @param cohort A [vcf_cohort()].
#' @param rule `NULL` for the PV study's rule, an expression or a function.
#' @param labels The two subgroup labels, for `TRUE` and `FALSE`.
#' @param fracture How a rule over fracture-level variables gives one value
#'   per patient: `"first"`, `"any"` or `"all"`.
#' @return A factor with one element per patient (named by patient id) of
#'   class `vcf_subgroup`, with attribute `reasons`: a data frame of
#'   `patient`, `subgroup` and `reason` (why the patient is not in the first
#'   subgroup; `NA` for those who are).
#' @examples
#' cohort <- vcf_cohort(pv_edema)
#' groups <- vcf_subgroup(cohort)
#' table(groups)
#' head(attr(groups, "reasons"))
#' table(vcf_subgroup(cohort, age >= 70, labels = c("70+", "<70")))
#' # a per-fracture variable: patients whose first treated fracture is T12 or lower
#' table(vcf_subgroup(cohort, level >= "T12", fracture = "first"))
#' @export
vcf_subgroup <- function(cohort, rule = NULL, labels = c("A", "B"),
                         fracture = c("first", "any", "all")) {
  check_cohort(cohort)
  if (!is.character(labels) || length(labels) != 2L || anyNA(labels) ||
      labels[1] == labels[2]) {
    vcf_abort(c("{.arg labels} must be two different strings.",
                x = "It is {format_arg(labels)}."), c("labels", "argument"))
  }
  if (!is.character(fracture) || !length(fracture) || anyNA(fracture) ||
      !fracture[1L] %in% c("first", "any", "all")) {
    vcf_abort(c("{.arg fracture} must be one of {.val {c('first', 'any', 'all')}}.",
                x = "It is {format_arg(fracture)}."), c("fracture", "argument"))
  }
  fracture <- fracture[1L]
  patients <- subgroup_variables(cohort)
  rule_expr <- rlang::enexpr(rule)
  if (is.null(rule_expr)) {
    in_first <- default_subgroup_rule(patients)
    reasons <- default_subgroup_reasons(patients)
  } else {
    per_fracture <- subgroup_fracture_rows(cohort, patients, rule_expr)
    if (is.null(per_fracture)) {
      in_first <- evaluate_subgroup_rule(rule_expr, rule, patients,
                                         env = rlang::caller_env())
    } else {
      result <- evaluate_subgroup_rule(rule_expr, rule, per_fracture,
                                       env = rlang::caller_env())
      in_first <- collapse_fracture_rule(result, per_fracture, patients$patient, fracture)
    }
    reasons <- ifelse(in_first, NA_character_,
                      if (is.null(per_fracture)) "rule is FALSE" else
                        paste0("rule is FALSE (", fracture, " fracture", if (fracture != "first") "s", ")"))
  }
  groups <- factor(ifelse(in_first, labels[1], labels[2]), levels = labels)
  names(groups) <- patients$patient
  reasons[in_first] <- NA_character_
  attr(groups, "reasons") <- data.frame(patient = patients$patient,
                                        subgroup = groups, reason = reasons,
                                        row.names = NULL)
  class(groups) <- c("vcf_subgroup", "factor")
  groups
}

#' @export
print.vcf_subgroup <- function(x, ...) {
  counts <- table(factor(unclass_subgroup(x), levels = levels(x)))
  cat("<vcf_subgroup> ", paste0(names(counts), ": ", counts, collapse = ", "),
      "\n", sep = "")
  reasons <- attr(x, "reasons")$reason
  if (any(!is.na(reasons))) {
    cat("Reasons for exclusion from ", levels(x)[1], ":\n", sep = "")
    tab <- table(reasons[!is.na(reasons)])
    cat(paste0("  ", names(tab), ": ", tab, "\n"), sep = "")
  }
  invisible(x)
}

# The plain factor underneath a vcf_subgroup (without its reasons); any
# other factor comes back as it is.
unclass_subgroup <- function(x) {
  factor(levels(x)[as.integer(unclass(x))], levels = levels(x))
}

# Patient-level variables a rule may use.
subgroup_variables <- function(cohort) {
  patients <- cohort$patients
  fractures <- cohort$fractures
  treated <- if ("treated" %in% names(fractures)) fractures$treated %in% TRUE else
    rep(TRUE, nrow(fractures))
  patients$n_treated <- count_per_patient(fractures$patient[treated], patients$patient)
  patients$n_fractures <- count_per_patient(fractures$patient, patients$patient)
  patients
}

count_per_patient <- function(ids, patients) {
  as.integer(table(factor(ids, levels = patients)))
}

default_subgroup_rule <- function(patients) {
  needed <- c("new_vcf", "pain_other_level")
  missing <- setdiff(needed, names(patients))
  if (length(missing)) {
    vcf_abort(c("The default subgroup rule needs {.field {missing}}.",
                i = "Give the cohort those columns, or pass your own {.arg rule}."),
              c("missing_column", "input"))
  }
  patients$n_treated == 1L & !(patients$new_vcf %in% TRUE) &
    !(patients$pain_other_level %in% TRUE)
}

default_subgroup_reasons <- function(patients) {
  parts <- cbind(
    ifelse(patients$n_treated > 1L, "multiple treated VCF", NA),
    ifelse(patients$n_treated == 0L, "no treated VCF", NA),
    ifelse(patients$new_vcf %in% TRUE, "new VCF during follow-up", NA),
    ifelse(patients$pain_other_level %in% TRUE, "pain at another untreated level", NA)
  )
  apply(parts, 1L, function(p) {
    p <- p[!is.na(p)]
    if (length(p)) paste(p, collapse = "; ") else NA_character_
  })
}

evaluate_subgroup_rule <- function(rule_expr, rule, patients, env) {
  if (is.symbol(rule_expr) && exists(as.character(rule_expr), envir = env) &&
      is.function(rule)) {
    result <- rule(patients)
  } else if (is.function(rule_expr)) {
    result <- rule_expr(patients)
  } else if (is.call(rule_expr) && identical(rule_expr[[1]], as.name("function"))) {
    result <- eval(rule_expr, env)(patients)
  } else {
    unknown <- setdiff(all.vars(rule_expr), c(names(patients), ls(env)))
    if (length(unknown)) {
      vcf_abort(c("{.arg rule} refers to unknown variable{?s} {.field {unknown}}.",
                  i = "Patient-level variables: {.field {names(patients)}}."),
                c("rule", "argument"))
    }
    result <- tryCatch(eval(rule_expr, patients, env), error = function(e) {
      vcf_abort(c("{.arg rule} could not be evaluated.", x = conditionMessage(e)),
                c("rule", "argument"))
    })
  }
  if (!is.logical(result) || length(result) != nrow(patients)) {
    vcf_abort(c("{.arg rule} must give one TRUE or FALSE per patient ({nrow(patients)}).",
                x = "It gave {format_arg(result)}."),
              c("rule", "argument"))
  }
  if (anyNA(result)) {
    bad <- which(is.na(result))
    vcf_abort(c("{.arg rule} is NA for some patients.",
                x = "Patients {.val {utils::head(patients$patient[bad], 5)}}."),
              c("rule", "argument"))
  }
  result
}

# With a rule that uses fracture-level variables: one row per fracture with
# the patient's variables beside it (NULL when the rule needs none).
subgroup_fracture_rows <- function(cohort, patients, rule_expr) {
  if (!is.call(rule_expr) && !is.symbol(rule_expr)) return(NULL)
  frac_vars <- setdiff(names(cohort$fractures), c("patient", names(patients)))
  used <- intersect(all.vars(rule_expr), c(frac_vars, "level"))
  if (!length(used)) return(NULL)
  f <- cohort$fractures
  f <- cbind(f, patients[match(f$patient, patients$patient),
                         setdiff(names(patients), names(f)), drop = FALSE])
  rownames(f) <- NULL
  f
}

# One TRUE/FALSE per patient from one per fracture.
collapse_fracture_rule <- function(result, fractures, ids, how) {
  treated <- if ("treated" %in% names(fractures)) fractures$treated %in% TRUE else
    rep(TRUE, nrow(fractures))
  vapply(ids, function(id) {
    mine <- fractures$patient == id
    r <- result[mine]
    switch(how,
      any = any(r),
      all = all(r),
      first = {
        candidates <- which(mine & treated)
        if (!length(candidates)) candidates <- which(mine)
        first <- candidates[order(fractures$level[candidates])][1L]
        result[first]
      })
  }, logical(1L), USE.NAMES = FALSE)
}

# A subgroup given by name, resolved to one value per patient: a patient
# column stays a name (vcf_table1() then leaves it out of the table); a
# fracture or visit column that has one value per patient becomes a factor
# per patient; one that varies within a patient is an error that says how
# to choose. Anything else is passed on unchanged.
subgroup_by <- function(by, cohort, arg = "by", call = rlang::caller_env()) {
  if (is.null(by) || inherits(by, "vcf_subgroup")) return(by)
  if (is.character(by) && length(by) == 1L && !is.na(by)) {
    if (by == "subgroup" && !"subgroup" %in% cohort$columns$name) return(by)
    unit <- cohort$columns$unit[match(by, cohort$columns$name)]
    if (is.na(unit)) {
      vcf_abort(c("{.arg {arg}} names {.val {by}}, which is not a column of the cohort.",
                  i = "Columns: {.field {cohort$columns$name}}."),
                c("unknown_column", "argument"), call = call)
    }
    if (unit == "patient") return(by)
    data <- cohort_table(cohort, unit)
    x <- data[[by]]
    ids <- cohort$patients$patient
    values <- split(as.character(x), factor(data$patient, levels = ids))
    values <- lapply(values, function(v) unique(v[!is.na(v)]))
    varies <- names(values)[lengths(values) > 1L]
    if (length(varies)) {
      shown <- utils::head(varies, 3L)
      where <- paste0(shown, " (", vapply(values[shown], paste, "", collapse = ", "), ")",
                      collapse = "; ")
      if (length(varies) > 3L) where <- paste0(where, " and ", length(varies) - 3L, " more")
      example <- if (is.factor(x) || is.character(x)) {
        paste0(by, " == \"", values[[varies[1L]]][1L], "\"")
      } else if (is.logical(x)) by else paste0(by, " > ", format(stats::median(x, na.rm = TRUE)))
      vcf_abort(c("{.arg {arg}} names {.field {by}}, a {unit_label(unit)} variable that differs within {length(varies)} patient{?s}: {where}.",
                  i = "A subgroup needs one value per patient. Choose how with {.fn vcf_subgroup}: {.code vcf_subgroup(cohort, {example}, fracture = \"first\")} uses each patient's first treated fracture, {.code fracture = \"any\"} any fracture, {.code fracture = \"all\"} all of them; pass the result as {.arg {arg}}."),
                c("subgroup_level", "argument"), call = call)
    }
    one <- vapply(values, function(v) if (length(v)) v[1L] else NA_character_, "")
    levels_of <- if (is.factor(x)) levels(x) else sort(unique(stats::na.omit(one)))
    if (is.logical(x)) {
      return(stats::setNames(factor(ifelse(one == "TRUE", "yes", "no"), levels = c("no", "yes")), ids))
    }
    return(stats::setNames(factor(one, levels = levels_of), ids))
  }
  by
}
