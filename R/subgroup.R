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
#' @param cohort A [vcf_cohort()].
#' @param rule `NULL` for the PV study's rule, an expression or a function.
#' @param labels The two subgroup labels, for `TRUE` and `FALSE`.
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
#' @export
vcf_subgroup <- function(cohort, rule = NULL, labels = c("A", "B")) {
  check_cohort(cohort)
  if (!is.character(labels) || length(labels) != 2L || anyNA(labels) ||
      labels[1] == labels[2]) {
    vcf_abort("{.arg labels} must be two different strings.", "argument")
  }
  patients <- subgroup_variables(cohort)
  rule_expr <- rlang::enexpr(rule)
  if (is.null(rule_expr)) {
    in_first <- default_subgroup_rule(patients)
    reasons <- default_subgroup_reasons(patients)
  } else {
    in_first <- evaluate_subgroup_rule(rule_expr, rule, patients,
                                       env = rlang::caller_env())
    reasons <- ifelse(in_first, NA_character_, "rule is FALSE")
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
