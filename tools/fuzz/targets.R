# What the fuzzer calls: the valid base call of every export (and of the S3
# methods users reach), mutated one argument at a time, and the predicates
# that say which values the documentation allows for an argument (a success
# on a value the predicate rejects is a "silent success on invalid input"
# candidate).
#
# Exports are discovered from the installed NAMESPACE at run time: an export
# without an entry here is still fuzzed ("generic": every argument without a
# default gets 1, then each argument gets every catalogue value), and the
# report lists it so that a valid call can be added. Registered .Call
# routines are discovered with getDLLRegisteredRoutines(); their valid
# arguments are harvested from the base calls (see harvest_routines()).

# Validity predicates ----------------------------------------------------------

is_num <- function(x) is.numeric(x) && !is.factor(x) && length(x) == 1L && is.finite(x)
is_whole <- function(x, min = -Inf, max = Inf) is_num(x) && x == round(x) && x >= min && x <= max
is_num_in <- function(min, max, open = FALSE) {
  force(min); force(max)
  function(x) is_num(x) && if (open) x > min && x < max else x >= min && x <= max
}
is_count <- function(min = 1, max = 2^31 - 1) {
  force(min); force(max)
  function(x) is_whole(x, min, max)
}
# Whole numbers in [min, max], one or more (vectorised arguments).
is_counts <- function(min = 1, max = 2^31 - 1) {
  force(min); force(max)
  function(x) is.numeric(x) && !is.factor(x) && length(x) >= 1L &&
    !anyNA(x) && all(x == round(x)) && all(x >= min & x <= max)
}
is_flag <- function(x) is.logical(x) && length(x) == 1L && !is.na(x)
is_string <- function(choices = NULL) {
  force(choices)
  function(x) is.character(x) && length(x) == 1L && !is.na(x) && nzchar(x) &&
    (is.null(choices) || x %in% choices)
}
is_numvec <- function(min = -Inf, max = Inf, na = FALSE, len = NULL) {
  force(min); force(max); force(na); force(len)
  function(x) {
    is.numeric(x) && !is.factor(x) && length(x) >= 1L && (is.null(len) || length(x) == len) &&
      (na || !anyNA(x)) && all(is.finite(x[!is.na(x)])) &&
      all(x[!is.na(x)] >= min & x[!is.na(x)] <= max)
  }
}
# A printed number: a finite number or a string that parses as one.
is_printed <- function(min = -Inf, max = Inf, na = FALSE) {
  force(min); force(max); force(na)
  function(x) {
    if (is.factor(x) || !(is.numeric(x) || is.character(x) || (na && is.logical(x))) ||
        !length(x) || (!na && anyNA(x))) return(FALSE)
    given <- !is.na(x)
    v <- suppressWarnings(as.numeric(x[given]))
    !anyNA(v) && all(is.finite(v)) && all(v >= min & v <= max)
  }
}
# Subgroup names: the plots take one or several (duplicates are harmless).
is_groups <- function(x) is.character(x) && length(x) >= 1L && !anyNA(x)

# NA (of any type) makes a check not checkable where the docs say so.
na_or <- function(p) {
  force(p)
  function(x) (is.logical(x) && length(x) >= 1L && all(is.na(x))) || p(x)
}
or_null <- function(p) {
  force(p)
  function(x) is.null(x) || p(x)
}
# Vectorised functions map an empty vector (any shape) to an empty result.
or_empty <- function(p) {
  force(p)
  function(x) ((is.numeric(x) || is.logical(x)) && !length(x)) || p(x)
}
# The audit's number arguments: a numeric vector, or a list of them (one per
# check); NA marks a blank cell (the check is not checkable, documented).
is_parts <- function(min = -Inf, max = Inf) {
  one <- is_numvec(min, max, na = TRUE)
  function(x) {
    if (is.list(x) && !is.data.frame(x) && is.null(attr(x, "class"))) {
      return(all(vapply(x, function(v) is.null(v) || one(v) || (is.logical(v) && all(is.na(v))), TRUE)))
    }
    (is.logical(x) && length(x) && all(is.na(x))) || or_empty(one)(x)
  }
}
is_digits <- function(x) is_numvec(0, 15)(x) && all(x == round(x))
is_frame <- function(x) is.data.frame(x) && nrow(x) > 0L
is_class <- function(cls) {
  force(cls)
  function(x) inherits(x, cls)
}
is_path <- function(x) is.character(x) && length(x) >= 1L && !anyNA(x) && all(file.exists(x)) &&
  !any(dir.exists(x))
# Voxel sizes as the docs allow: 1 or 3 values in [1e-6, 1e4] mm.
is_spacing <- function(x) is_numvec(1e-6, 1e4, len = 1)(x) || is_numvec(1e-6, 1e4, len = 3)(x)

# A bitpix that disagrees with the datatype and a NaN scl_slope are not
# errors under the NIfTI-1 standard (readers go by the datatype; a slope of
# 0 or not finite means no scaling), so those files are valid scans.
benign_corruptions <- "^corrupt_(bitpix_mismatch|scl_slope_nan)\\."
is_scan <- function(x) {
  # a batch: distinct paths; those that cannot be read are its documented
  # failures (a classed warning and the failures table)
  if (is.character(x) && length(x) > 1L) return(!anyNA(x) && !anyDuplicated(x))
  if (is.character(x)) {
    name <- basename(x)
    return(is_path(x) && !any(grepl("^(empty|sheet|corrupt_)", name) &
                                !grepl(benign_corruptions, name)))
  }
  is.array(x) && length(dim(x)) == 3L && all(dim(x) > 0L) &&
    (is.numeric(x) || is.logical(x) || is.raw(x)) && !anyNA(x) && all(is.finite(as.numeric(x)))
}

# Fixtures: built once per child, on first use ----------------------------------

fixture_env <- new.env()

fixture <- function(name) {
  if (is.null(fixture_env[[name]])) fixture_env[[name]] <- fixture_builders[[name]]()
  fixture_env[[name]]
}

extdata <- function(file) system.file("extdata", file, package = "vcfoutcomes")

fixture_builders <- list(
  pv = function() vcfoutcomes::vcf_cohort(vcfoutcomes::pv_edema),
  bkp = function() vcfoutcomes::vcf_cohort(vcfoutcomes::bkp_osteonecrosis),
  pv_groups = function() vcfoutcomes::vcf_subgroup(fixture("pv")),
  pv_followup = function() vcfoutcomes::vcf_followup(fixture("pv"), by = fixture("pv_groups")),
  pv_table1 = function() vcfoutcomes::vcf_table1(fixture("pv"), by = fixture("pv_groups")),
  bkp_analysis = function() {
    vcfoutcomes::vcf_analyze(fixture("bkp"), boot = vcfoutcomes::vcf_boot_control(B = 49, seed = 1))
  },
  cohort_df = function() {
    data.frame(id = c("P1", "P1", "P1", "P2", "P2"),
               level = c("T12", "T12", "L1", "Th11", "Th11"),
               visit = c("baseline", "3 mo", "baseline", "baseline", "3 mo"),
               age = c(71, 71, 71, 64, 64), treated = c(TRUE, TRUE, FALSE, TRUE, TRUE),
               bme_pct = c(40, 10, NA, 80, 0), VAS_score = c(8, 3, 8, 7, 2),
               bmi = c(24.1, 24.1, 24.1, 30.2, 30.2))
  },
  compare_df = function() {
    set.seed(1)
    data.frame(group = rep(c("PV", "BKP"), each = 20), age = round(rnorm(40, 75, 8)),
               sex = sample(c("female", "male"), 40, TRUE), vas = sample(0:10, 40, TRUE))
  },
  paired_df = function() {
    set.seed(2)
    data.frame(patient = rep(1:15, 2),
               visit = factor(rep(c("pre", "post"), each = 15), levels = c("pre", "post")),
               vas = c(sample(5:9, 15, TRUE), sample(0:5, 15, TRUE)))
  },
  boot_df = function() {
    set.seed(1)
    data.frame(patient = rep(1:30, length.out = 40),
               bme = rep(c("decreased", "similar"), 20), relief = rnorm(40, 3, 2))
  },
  boot_fit = function() {
    vcfoutcomes::vcf_boot_lm(relief ~ bme, fixture("boot_df"), cluster = "patient",
                             B = 99, type = c("bca", "perc"), seed = 42, threads = 1)
  },
  audit_df = function() {
    data.frame(id = paste0("w", 1:6), source = "Table 1", row = "Women, n (%)",
               column = rep(c("Total", "Group A", "Group B"), each = 2), group = NA,
               statistic = rep(c("count", "percent"), 3), value = c(49, 77, 24, 77, 8, 24),
               reported = rep(c("49 (77)", "24 (77)", "8 (24)"), each = 2),
               digits = 0L, n = rep(c(64, 31, 33), each = 2))
  },
  label_array = function() {
    x <- array(0L, c(12, 12, 12))
    x[2:11, 2:11, 2:6] <- 20L
    x
  },
  bme_array = function() {
    x <- array(0L, c(12, 12, 12))
    x[3:8, 3:8, 2:3] <- 1L
    x
  },
  morphometry = function() vcfoutcomes::vcf_morphometry(extdata("scan1_vertebrae.nii.gz")),
  volumetrics = function() {
    vcfoutcomes::vcf_volumetrics(extdata("scan1_vertebrae.nii.gz"), extdata("scan1_bme.nii.gz"))
  },
  audit_result = function() vcfoutcomes::vcf_audit(fixture("audit_df")),
  wild_fit = function() {
    vcfoutcomes::vcf_boot_wild(relief ~ bme, fixture("boot_df"), cluster = "patient",
                               B = 99, seed = 1, threads = 1)
  },
  bkp_paired = function() fixture("bkp_analysis")$paired[[1L]],
  bkp_reproduction = function() {
    vcfoutcomes::vcf_reproduce("bkp_osteonecrosis",
                               boot = vcfoutcomes::vcf_boot_control(B = 49, seed = 1))
  },
  ggplot = function() {
    ggplot2::ggplot(data.frame(x = 1:3, y = c(2, 1, 3)), ggplot2::aes(x, y)) +
      ggplot2::geom_point()
  },
  published_table = function() {
    data.frame(characteristic = c("Women, n (%)", "Age, median (range)", "VAS, mean (SD)"),
               "Total (n = 64)" = c("49 (77)", "70 (47-88)", "8.7 (1.4)"),
               "Group A (n = 31)" = c("24 (77)", "70 (47-88)", "8.2 (1.6)"),
               "P value" = c(".9", ".5", ".01"), check.names = FALSE)
  }
)

fx <- function(name) call("fixture", name)

# Valid calls -------------------------------------------------------------------
# fun: the function (an export name, or "generic::method" for a method called
# through its generic); args: the valid call (quoted fixtures are evaluated
# in the child); valid: predicates per argument; weight: share of the calls
# relative to a cheap export (expensive targets get fewer).

fuzz_table <- function() {
  n_num <- is_count(1)
  list(
    vcf_sprite = list(
      args = list(n = 61, mean = 7.9, sd = 0.9, min = 6, max = 9, digits = 1, k = 2,
                  granularity = 1, attain_range = FALSE, max_iter = 1e5),
      valid = list(n = is_count(1, 1e6), mean = is_num, sd = or_null(is_num_in(0, Inf)),
                   min = is_num, max = is_num, digits = is_digits, k = is_count(1, 1e6),
                   granularity = is_num_in(0, 1), attain_range = is_flag,
                   max_iter = is_count(1, 1e12))),
    vcf_sprite_paired = list(
      args = list(n = 30, means = c(pre = 7.9, post = 2.4), mins = c(6, 0), maxs = c(9, 4),
                  digits = 1, t = 19.5, t_digits = 1, pairs = NULL, sds = NULL,
                  granularity = 1, attain_range = TRUE, k = 1, max_iter = 1e6),
      valid = list(n = is_count(2, 1e6), means = is_numvec(len = 2), mins = is_numvec(len = 2),
                   maxs = is_numvec(len = 2), digits = is_digits, t = or_null(is_numvec(na = TRUE)),
                   t_digits = is_digits, sds = or_null(is_numvec(0, na = TRUE, len = 2)),
                   granularity = is_num_in(0, 1), attain_range = is_flag, k = is_count(1, 1e6),
                   max_iter = is_count(1, 1e12))),
    vcf_counts = list(
      args = list(percent = c(54, 90, 8), n = 61, digits = 0, rounding = "round"),
      valid = list(percent = is_numvec(0, 100), n = function(x) is_numvec(1)(x) && all(x == round(x)),
                   digits = is_count(0, 6),
                   rounding = is_string(c("round", "up_or_down", "truncate")))),
    vcf_grim = list(
      args = list(mean = c("5.19", "5.18"), n = c(28, 28), digits = NULL, items = 1,
                  rounding = "up_or_down"),
      # items, like n, is vectorised over the rows (recycled)
      valid = list(mean = is_printed(), n = na_or(function(x) is_numvec(1, na = TRUE)(x) && all(x == round(x), na.rm = TRUE)),
                   digits = or_null(is_digits), items = is_counts(1, 1000),
                   rounding = is_string())),
    vcf_grimmer = list(
      args = list(mean = "5.21", sd = "1.60", n = 28, digits = NULL, items = 1,
                  rounding = "up_or_down", threads = 1L),
      # NA in mean, sd or n makes a row not checkable (documented)
      valid = list(mean = is_printed(na = TRUE), sd = is_printed(0, na = TRUE),
                   n = na_or(function(x) is_numvec(1, na = TRUE)(x) && all(x == round(x), na.rm = TRUE)),
                   digits = or_null(is_digits), items = is_counts(1, 1000), rounding = is_string(),
                   threads = or_null(is_count(1, 1024)))),
    vcf_check_percent = list(
      args = list(percent = c(77, 77, 24), n = c(64, 31, 33), count = c(49, 24, 8), digits = 0,
                  rounding = "round"),
      # NA makes a row not checkable (documented); factors are printed values
      valid = list(percent = function(x) is_printed(0, 100, na = TRUE)(if (is.factor(x)) as.character(x) else x),
                   n = na_or(function(x) is_numvec(1, na = TRUE)(x) && all(x == round(x), na.rm = TRUE)),
                   count = or_null(na_or(function(x) is_numvec(0, na = TRUE)(x) && all(x == round(x), na.rm = TRUE))),
                   digits = is_digits, rounding = is_string())),
    vcf_check_p = list(
      args = list(statistic = 2.12, df = 60, p = "0.0601", test = "t", comparison = "=",
                  digits = NULL, alpha = 0.05, tails = 2, p_digits = NULL),
      # factors are printed values (read as their labels)
      valid = list(statistic = function(x) is_printed(na = TRUE)(if (is.factor(x)) as.character(x) else x),
                   df = na_or(is_numvec(0, na = TRUE)),
                   p = is_printed(0, 1, na = TRUE), test = is_string(c("t", "F", "chisq", "z", "r")),
                   comparison = function(x) is.character(x) && length(x) >= 1L && all(x %in% c("=", "<", ">")),
                   digits = or_null(is_digits), alpha = is_num_in(0, 1, open = TRUE),
                   tails = function(x) is.numeric(x) && length(x) >= 1L && all(x %in% 1:2),
                   p_digits = or_null(is_digits))),
    vcf_check_sum = list(
      args = list(parts = c(24, 8), total = 49, digits = 0, total_digits = 0, n = list(c(31, 33))),
      valid = list(parts = is_parts(0), total = is_numvec(0, na = TRUE), digits = is_digits,
                   total_digits = is_digits)),
    vcf_check_range = list(
      args = list(min = list(c(55, 61)), max = list(c(88, 93)), total_min = 55, total_max = 90,
                  median = NULL, total_median = NULL, partition = FALSE),
      valid = list(total_min = is_parts(), total_max = is_parts(), partition = is_flag)),
    vcf_check_weighted_mean = list(
      args = list(means = list(c(71.2, 74.0)), n = list(c(31, 33)), total_mean = 72.6,
                  digits = 1, total_digits = 1),
      valid = list(total_mean = is_parts(), digits = is_digits, total_digits = is_digits,
                   n = is_parts(1))),
    vcf_check_percent_sum = list(
      args = list(percents = c(12, 40, 33, 16), digits = 0, counts = NULL, n = NULL),
      valid = list(percents = is_parts(0, 100), digits = is_digits,
                   counts = or_null(is_parts(0)), n = or_null(is_parts(1)))),
    vcf_check_ci = list(
      args = list(estimate = c(1.2, 3.4), lower = c(0.5, 3.5), upper = c(1.9, 5)),
      valid = list(estimate = is_parts(), lower = is_parts(), upper = is_parts())),
    vcf_check_regression = list(
      args = list(coef = -1.3, mean1 = 3.1, mean0 = 4.4, digits = 1, coef_digits = 1,
                  sign_known = TRUE),
      valid = list(coef = is_parts(), mean1 = is_parts(), mean0 = is_parts(),
                   digits = is_digits, coef_digits = is_digits,
                   sign_known = function(x) is.logical(x) && length(x) >= 1L && !anyNA(x))),
    vcf_audit = list(
      args = list(x = fx("audit_df"), alpha = 0.05),
      valid = list(x = is_frame, alpha = is_num_in(0, 1, open = TRUE))),
    vcf_cohort = list(
      args = list(data = fx("cohort_df"), patient = "id", vas = "VAS_score",
                  patients = NULL, fractures = NULL),
      valid = list(data = function(x) is_frame(x) || is_path(x), patient = is_string(),
                   vas = is_string()), weight = 0.6),
    vcf_analyze = list(
      args = list(cohort = fx("bkp"), subgroup = NULL,
                  boot = quote(vcfoutcomes::vcf_boot_control(B = 49, seed = 1))),
      valid = list(cohort = is_class("vcf_cohort"), boot = is_class("vcf_boot_control")),
      weight = 0.08),
    vcf_compare = list(
      args = list(data = fx("compare_df"), by = "group", vars = NULL, tests = NULL,
                  paired_by = NULL),
      valid = list(data = is_frame, by = or_null(is_string()))),
    vcf_followup = list(
      args = list(cohort = fx("pv"), by = fx("pv_groups"), change_on = "pct", tolerance = 0),
      valid = list(cohort = is_class("vcf_cohort"), change_on = is_string(),
                   tolerance = is_num_in(0, Inf)), weight = 0.4),
    vcf_table1 = list(
      args = list(cohort = fx("pv"), by = fx("pv_groups"), vars = NULL, total = TRUE,
                  tests = NULL, style = "ajnr"),
      valid = list(cohort = is_class("vcf_cohort"), total = is_flag, style = is_string()),
      weight = 0.25),
    vcf_subgroup = list(
      args = list(cohort = fx("pv"), rule = NULL, labels = c("A", "B")),
      valid = list(cohort = is_class("vcf_cohort"),
                   labels = function(x) is.character(x) && length(x) == 2L && !anyNA(x) &&
                     all(nzchar(x)) && x[1] != x[2]), weight = 0.6),
    vcf_paired = list(
      args = list(cohort = fx("bkp"), from = "pre-op", to = "post-op", outcomes = NULL,
                  test = "t", style = "ajnr"),
      valid = list(cohort = is_class("vcf_cohort"), from = is_string(), to = is_string(),
                   test = is_string(), style = is_string()), weight = 0.6),
    vcf_boot_lm = list(
      args = list(formula = relief ~ bme, data = fx("boot_df"), cluster = "patient",
                  strata = NULL, B = 99, type = "bca", level = 0.95, seed = 42, threads = 1,
                  indices = NULL, weights = NULL, influence = "jackknife"),
      valid = list(formula = function(x) inherits(x, "formula") && length(x) == 3L,
                   data = is_frame, cluster = or_null(is_string()), B = is_count(2, 1e9),
                   type = function(x) is.character(x) && length(x) >= 1L && !anyNA(x),
                   level = is_num_in(0, 1, open = TRUE), seed = or_null(is_whole),
                   threads = or_null(is_count(1, 1024)), influence = is_string())),
    vcf_boot_control = list(
      args = list(B = 999, type = "bca", level = 0.95, seed = 1, threads = NULL),
      valid = list(B = is_count(2, .Machine$integer.max), level = is_num_in(0, 1, open = TRUE),
                   seed = or_null(is_whole), threads = or_null(is_count(1, 1024)))),
    vcf_volumetrics = list(
      args = list(vertebrae = quote(extdata("scan1_vertebrae.nii.gz")),
                  bme = quote(extdata("scan1_bme.nii.gz")),
                  cement = quote(extdata("scan1_cement.nii.gz")), spacing = NULL, labels = NULL),
      valid = list(vertebrae = is_scan, bme = is_scan, cement = or_null(is_scan),
                   spacing = or_null(is_spacing))),
    "vcf_volumetrics[array]" = list(
      fun = "vcf_volumetrics",
      args = list(vertebrae = fx("label_array"), bme = fx("bme_array"), cement = NULL,
                  spacing = c(0.5, 0.5, 3), labels = NULL),
      valid = list(vertebrae = is_scan, bme = is_scan, cement = or_null(is_scan),
                   spacing = is_spacing)),
    vcf_morphometry = list(
      args = list(vertebrae = quote(extdata("scan1_vertebrae.nii.gz")), spacing = NULL,
                  orientation = NULL, labels = NULL),
      valid = list(vertebrae = is_scan, spacing = or_null(is_spacing))),
    "vcf_morphometry[array]" = list(
      fun = "vcf_morphometry",
      args = list(vertebrae = fx("label_array"), spacing = c(2, 3, 5), orientation = "LPS",
                  labels = NULL),
      valid = list(vertebrae = is_scan, spacing = is_spacing,
                   orientation = function(x) is_string()(x) && nchar(x) == 3L)),
    # the voxel-wise heights (C_morphometry_scan) instead of principal axes
    "vcf_morphometry[voxel]" = list(
      fun = "vcf_morphometry",
      args = list(vertebrae = fx("label_array"), spacing = c(2, 3, 5), orientation = "LPS",
                  axes = "voxel"),
      valid = list(vertebrae = is_scan, spacing = is_spacing), weight = 0.5),
    vcf_genant = list(
      args = list(ha = c(26, 18, 28), hm = c(25, 22, 27), hp = c(27, 26, 29), reference = NULL,
                  thresholds = c(20, 25, 40)),
      # NA heights (a label absent from the map) grade NA, as documented
      valid = list(ha = is_numvec(0, na = TRUE), hm = or_null(is_numvec(0, na = TRUE)),
                   hp = or_null(is_numvec(0, na = TRUE)),
                   thresholds = function(x) is_numvec(0, 100, len = 3)(x) && !is.unsorted(x))),
    vcf_height_ratio = list(
      args = list(morphometry = fx("morphometry")),
      # a morphometry of no vertebrae gives no ratios (empty in, empty out)
      valid = list(morphometry = function(x) is.data.frame(x) || (is.numeric(x) && !length(x)))),
    vcf_level = list(
      args = list(x = c("T12", "th12", "l1", "20")),
      # Level names (text or a factor of them) and VerSe codes are valid;
      # unknown names become NA, as documented.
      # unknown names become NA, as documented; an all-NA logical (an empty
      # sheet column) is read as missing names.
      valid = list(x = function(x) (is.character(x) || is.numeric(x) || is.factor(x)) &&
                     !is.object(x) || is.factor(x) || (is.logical(x) && all(is.na(x))))),
    vcf_bme_class = list(
      args = list(pct = c(0, 0.4, 24.6, 25, 74.9, 75, 100, NA)),
      valid = list(pct = or_empty(is_numvec(0, 100, na = TRUE)))),
    vcf_format_p = list(
      args = list(p = c(0.5, 0.02, 0.0042, 1e-5), style = "ajnr"),
      valid = list(p = or_empty(is_numvec(0, 1, na = TRUE)), style = is_string())),
    vcf_html = list(
      args = list(x = quote(data.frame(a = 1:2, b = c("x", "<y>"))), file = NULL,
                  caption = "Example"),
      # An empty caption is no caption.
      valid = list(x = function(x) is.data.frame(x) && ncol(x) > 0L,
                   caption = or_null(function(x) is.character(x) && length(x) == 1L && !is.na(x)))),
    as_vcf_table = list(
      args = list(x = quote(data.frame(x = c(1.5, 2), p = c(0.04, 1e-9))), caption = "Example"),
      valid = list(x = function(x) is.data.frame(x) && ncol(x) > 0L)),
    vcf_parse_table = list(
      args = list(df = fx("published_table"), source = "Table 1", formats = NULL, n = NULL),
      valid = list(source = is_string())),
    vcf_report = list(
      args = list(x = fx("pv_table1"), file = "report.docx", title = "Results", style = NULL,
                  figure_width = "double"),
      valid = list(title = is_string()), weight = 0.3),
    vcf_save_plot = list(
      args = list(plot = fx("ggplot"), file = "plot.png", width = "single", height = NULL,
                  dpi = 300),
      valid = list(plot = is_class("ggplot")), weight = 0.3),
    vcf_wide = list(
      args = list(pattern = "^VAS (.*)$", ignore.case = TRUE),
      valid = list(ignore.case = is_flag)),
    vcf_boot_wild = list(
      args = list(formula = quote(relief ~ bme), data = fx("boot_df"), cluster = "patient",
                  B = 99, variant = "wcr", dist = "rademacher", null = 0, level = 0.95,
                  seed = 1, threads = 1, weights = NULL, weights_matrix = NULL, parm = NULL),
      valid = list(data = is_frame, level = is_num_in(0, 1, open = TRUE),
                   variant = is_string(c("wcr", "wcu")),
                   dist = is_string(c("rademacher", "webb", "mammen", "normal"))),
      weight = 0.5),
    vcf_threads = list(args = list(threads = 1), valid = list()),
    vcf_conventions = list(
      args = list(convention = "totalsegmentator"),
      valid = list(convention = or_null(is_string(c("verse", "totalsegmentator",
                                                      "totalsegmentator_v1", "vertebrae_mr",
                                                      "spineps"))))),
    vcf_conflicts = list(
      args = list(study = "pv_edema"),
      valid = list(study = is_string(c("pv_edema", "bkp_osteonecrosis")))),
    vcf_reproduction_map = list(
      args = list(study = "bkp_osteonecrosis"),
      valid = list(study = is_string(c("pv_edema", "bkp_osteonecrosis")))),
    vcf_published = list(
      args = list(study = "pv_edema"),
      valid = list(study = is_string(c("pv_edema", "bkp_osteonecrosis")))),
    vcf_reproduce = list(
      args = list(study = "bkp_osteonecrosis",
                  boot = quote(vcfoutcomes::vcf_boot_control(B = 49, seed = 1))),
      valid = list(study = is_string(c("pv_edema", "bkp_osteonecrosis")),
                   boot = is_class("vcf_boot_control")),
      weight = 0.05),
    vcf_plot_bme = list(
      args = list(followup = fx("pv_followup"), group = NULL),
      valid = list(followup = is_class("vcf_followup"), group = or_null(is_groups)),
      weight = 0.3),
    vcf_plot_vas = list(
      args = list(followup = fx("pv_followup"), group = "A"),
      valid = list(followup = is_class("vcf_followup"), group = or_null(is_groups)),
      weight = 0.3),
    vcf_plot_analgesics = list(
      args = list(followup = fx("pv_followup"), group = NULL),
      valid = list(followup = is_class("vcf_followup"), group = or_null(is_groups)),
      weight = 0.3),
    vcf_plot_outcomes = list(
      args = list(cohort = fx("bkp"), outcomes = NULL, group = NULL),
      valid = list(cohort = is_class("vcf_cohort")), weight = 0.3),
    "vcf_compare[tests]" = list(
      fun = "vcf_compare",
      args = list(data = fx("compare_df"), by = "group", vars = NULL,
                  tests = c(age = "welch", sex = "fisher", vas = "ranksum"), paired_by = NULL),
      valid = list(data = is_frame, by = or_null(is_string()))),
    "vcf_compare[paired]" = list(
      fun = "vcf_compare",
      args = list(data = fx("paired_df"), by = "visit", vars = "vas",
                  tests = c(vas = "signrank"), paired_by = "patient"),
      valid = list(data = is_frame, by = is_string(), paired_by = is_string())),
    # Monte Carlo p-values (C_compare_table_sim) and goodness of fit
    # (C_compare_gof, C_compare_gof_sim)
    "vcf_compare[simulate]" = list(
      fun = "vcf_compare",
      args = list(data = fx("compare_df"), by = "group", vars = c("sex", "vas"),
                  tests = c(sex = "chisq", vas = "fisher"), simulate.p.value = TRUE, B = 200),
      valid = list(data = is_frame, by = is_string()), weight = 0.5),
    "vcf_compare[gof]" = list(
      fun = "vcf_compare",
      args = list(data = quote(data.frame(x = factor(c("a", "b", "b", "c", "c", "c", "c")))),
                  p = c(0.2, 0.3, 0.5), rescale.p = FALSE, simulate.p.value = TRUE, B = 200),
      valid = list(data = is_frame), weight = 0.5),
    "glance.vcf_boot" = list(fun = "vcfoutcomes::glance", method = TRUE,
                             args = list(x = fx("boot_fit")),
                             valid = list(x = is_class("vcf_boot"))),
    # Methods, called through their generics.
    "confint.vcf_boot" = list(
      fun = "stats::confint", method = TRUE,
      args = list(object = fx("boot_fit"), parm = "bmesimilar", level = 0.9, type = "perc"),
      valid = list(object = is_class("vcf_boot"), level = is_num_in(0, 1, open = TRUE),
                   parm = or_null(function(x) (is.character(x) || is.numeric(x)) && length(x) >= 1L && !anyNA(x)),
                   type = is_string())),
    "tidy.vcf_boot" = list(
      fun = "vcfoutcomes::tidy", method = TRUE,
      args = list(x = fx("boot_fit"), conf.int = TRUE, conf.level = 0.9, type = "perc"),
      valid = list(x = is_class("vcf_boot"), conf.int = is_flag,
                   conf.level = is_num_in(0, 1, open = TRUE), type = is_string())),
    "vcov.vcf_boot" = list(fun = "stats::vcov", method = TRUE,
                           args = list(object = fx("boot_fit")),
                           valid = list(object = is_class("vcf_boot"))),
    "coef.vcf_boot" = list(fun = "stats::coef", method = TRUE,
                           args = list(object = fx("boot_fit")),
                           valid = list(object = is_class("vcf_boot"))),
    "summary.vcf_boot" = list(fun = "base::summary", method = TRUE,
                              args = list(object = fx("boot_fit")),
                              valid = list(object = is_class("vcf_boot"))),
    "plot.vcf_boot" = list(fun = "base::plot", method = TRUE,
                           args = list(x = fx("boot_fit"), type = "perc", bins = 30L),
                           valid = list(x = is_class("vcf_boot"), bins = is_count(1, 1e4)),
                           weight = 0.3),
    "as.data.frame.vcf_analysis" = list(
      fun = "base::as.data.frame", method = TRUE,
      args = list(x = fx("bkp_analysis"), which = "table1"),
      valid = list(x = is_class("vcf_analysis"), which = is_string())),
    "tidy.vcf_analysis" = list(fun = "vcfoutcomes::tidy", method = TRUE,
                               args = list(x = fx("bkp_analysis")),
                               valid = list(x = is_class("vcf_analysis"))),
    "summary.vcf_analysis" = list(fun = "base::summary", method = TRUE,
                                  args = list(object = fx("bkp_analysis")),
                                  valid = list(object = is_class("vcf_analysis"))),
    "plot.vcf_analysis" = list(
      fun = "base::plot", method = TRUE,
      args = list(x = fx("bkp_analysis"), which = "vas", group = NULL),
      valid = list(x = is_class("vcf_analysis"), which = is_string()), weight = 0.3),
    "summary.vcf_cohort" = list(fun = "base::summary", method = TRUE,
                                args = list(object = fx("pv")),
                                valid = list(object = is_class("vcf_cohort"))),
    "as.data.frame.vcf_cohort" = list(fun = "base::as.data.frame", method = TRUE,
                                      args = list(x = fx("pv")),
                                      valid = list(x = is_class("vcf_cohort"))),
    "as.data.frame.vcf_table" = list(fun = "base::as.data.frame", method = TRUE,
                                     args = list(x = fx("pv_table1")),
                                     valid = list(x = is_class("vcf_table"))),
    "summary.vcf_audit" = list(fun = "base::summary", method = TRUE,
                               args = list(object = fx("audit_result")),
                               valid = list(object = is_class("vcf_audit"))),
    "summary.vcf_volumetrics" = list(fun = "base::summary", method = TRUE,
                                     args = list(object = fx("volumetrics")),
                                     valid = list(object = is_class("vcf_volumetrics"))),
    "augment.vcf_boot" = list(fun = "vcfoutcomes::augment", method = TRUE,
                              args = list(x = fx("boot_fit"), data = NULL,
                                          newdata = fx("boot_df")),
                              valid = list(x = is_class("vcf_boot"))),
    "glance.vcf_analysis" = list(fun = "vcfoutcomes::glance", method = TRUE,
                                 args = list(x = fx("bkp_analysis")),
                                 valid = list(x = is_class("vcf_analysis"))),
    "confint.vcf_wild" = list(
      fun = "stats::confint", method = TRUE,
      args = list(object = fx("wild_fit"), parm = "bmesimilar", level = 0.9, type = "wild"),
      valid = list(object = is_class("vcf_wild"), level = is_num_in(0, 1, open = TRUE),
                   type = is_string(c("wild", "cr2", "cr1")))),
    "tidy.vcf_wild" = list(
      fun = "vcfoutcomes::tidy", method = TRUE,
      args = list(x = fx("wild_fit"), conf.int = TRUE, conf.level = 0.9, type = "cr2"),
      valid = list(x = is_class("vcf_wild"), conf.int = is_flag,
                   conf.level = is_num_in(0, 1, open = TRUE),
                   type = is_string(c("wild", "cr2", "cr1")))),
    "glance.vcf_wild" = list(fun = "vcfoutcomes::glance", method = TRUE,
                             args = list(x = fx("wild_fit")),
                             valid = list(x = is_class("vcf_wild"))),
    "summary.vcf_wild" = list(fun = "base::summary", method = TRUE,
                              args = list(object = fx("wild_fit")),
                              valid = list(object = is_class("vcf_wild"))),
    "coef.vcf_wild" = list(fun = "stats::coef", method = TRUE,
                           args = list(object = fx("wild_fit")),
                           valid = list(object = is_class("vcf_wild"))),
    "vcov.vcf_wild" = list(fun = "stats::vcov", method = TRUE,
                           args = list(object = fx("wild_fit"), type = "CR2"),
                           valid = list(object = is_class("vcf_wild"),
                                        type = is_string(c("CR1", "CR2")))),
    "augment.vcf_wild" = list(fun = "vcfoutcomes::augment", method = TRUE,
                              args = list(x = fx("wild_fit"), data = NULL,
                                          newdata = fx("boot_df")),
                              valid = list(x = is_class("vcf_wild"))),
    "plot.vcf_followup" = list(
      fun = "base::plot", method = TRUE,
      args = list(x = fx("pv_followup"), which = "vas", group = NULL),
      valid = list(x = is_class("vcf_followup"), which = is_string(c("bme", "vas", "analgesics"))),
      weight = 0.3),
    "plot.vcf_paired_table" = list(fun = "base::plot", method = TRUE,
                                   args = list(x = fx("bkp_paired")),
                                   valid = list(x = is_class("vcf_paired_table")),
                                   weight = 0.3),
    "ggplot2::autoplot.vcf_analysis" = list(
      fun = "ggplot2::autoplot", method = TRUE,
      args = list(object = fx("bkp_analysis"), which = "outcomes", group = NULL),
      valid = list(object = is_class("vcf_analysis")), weight = 0.3),
    "ggplot2::autoplot.vcf_boot" = list(fun = "ggplot2::autoplot", method = TRUE,
                               args = list(object = fx("boot_fit")),
                               valid = list(object = is_class("vcf_boot")), weight = 0.3),
    "as.data.frame.vcf_reproduction" = list(
      fun = "base::as.data.frame", method = TRUE,
      args = list(x = fx("bkp_reproduction")),
      valid = list(x = is_class("vcf_reproduction")), weight = 0.1)
  )
}

# The function object of a target.
target_function <- function(target, name) {
  fun <- if (is.null(target$fun)) name else target$fun
  if (grepl("::", fun, fixed = TRUE)) {
    parts <- strsplit(fun, "::", fixed = TRUE)[[1L]]
    return(getExportedValue(parts[1L], parts[2L]))
  }
  getExportedValue("vcfoutcomes", fun)
}

# Every target of this run: the table's entries for exports that exist, a
# generic entry for every other exported function, and one entry per
# registered routine (kind "routine").
fuzz_targets <- function(routines = NULL) {
  table <- fuzz_table()
  exports <- getNamespaceExports("vcfoutcomes")
  ns <- asNamespace("vcfoutcomes")
  # functions only, and only our own (re-exported generics belong to their
  # package; their methods here are targets of their own)
  ours <- function(e) {
    f <- get(e, ns)
    is.function(f) && identical(environment(f), ns)
  }
  exports <- sort(exports[vapply(exports, ours, TRUE)])
  out <- list()
  for (name in names(table)) {
    t <- table[[name]]
    fun <- if (is.null(t$fun)) name else t$fun
    if (!isTRUE(t$method) && !fun %in% exports) next
    t$kind <- if (isTRUE(t$method)) "method" else "export"
    if (isTRUE(t$method)) {
      t$class <- sub("^.*\\.(vcf_[a-z_]+)$", "\\1", name)
      t$dispatch <- names(t$args)[1L]
    }
    t$name <- name
    if (is.null(t$weight)) t$weight <- 1
    out[[name]] <- t
  }
  covered <- vapply(out, function(t) if (is.null(t$fun)) t$name else t$fun, "")
  for (e in setdiff(exports, covered)) {
    f <- get(e, ns)
    required <- names(Filter(function(a) identical(a, quote(expr = )), formals(f)))
    required <- setdiff(required, "...")
    args <- stats::setNames(rep(list(1), length(required)), required)
    out[[e]] <- list(name = e, kind = "export", generic = TRUE, args = args, valid = list(),
                     weight = 1)
  }
  for (r in routines) {
    out[[r$name]] <- list(name = r$name, kind = "routine", routine = TRUE,
                          n_args = r$n_args, args = r$args, valid = list(),
                          generic = is.null(r$harvested) || !r$harvested, weight = 1)
  }
  out
}

# Arguments a target can be mutated on: formals of the function (for a
# routine, its positional arguments).
target_arg_names <- function(target) {
  if (identical(target$kind, "routine")) return(as.character(seq_len(target$n_args)))
  f <- target_function(target, target$name)
  if (isTRUE(target$method)) {
    return(unique(c(names(target$args), setdiff(names(formals(f)), "..."))))
  }
  unique(c(names(target$args), setdiff(names(formals(f)), "...")))
}

# Harvest: valid arguments of the registered routines -------------------------
# Every function of the namespace that calls .Call() is rewritten, in the
# child only, to record the first arguments each routine receives; the base
# calls of all targets are then run once. Routines no export reaches get
# generic arguments (1 for each).

harvest_routines <- function(targets) {
  ns <- asNamespace("vcfoutcomes")
  seen <- new.env()
  recorder <- function(.NAME, ...) {
    name <- if (inherits(.NAME, "NativeSymbolInfo")) .NAME$name else as.character(.NAME)
    if (is.null(seen[[name]])) seen[[name]] <- list(...)
    .Call(.NAME, ...)
  }
  rewrite <- function(e) {
    if (is.call(e)) {
      if (identical(e[[1L]], as.name(".Call"))) e[[1L]] <- recorder
      for (i in seq_along(e)[-1L]) if (!is.null(e[[i]])) e[[i]] <- rewrite(e[[i]])
    } else if (is.function(e)) {
      return(e)
    }
    e
  }
  for (name in ls(ns, all.names = TRUE)) {
    f <- get(name, ns)
    if (!is.function(f) || is.primitive(f)) next
    text <- deparse(body(f))
    if (!any(grepl(".Call(", text, fixed = TRUE))) next
    body(f) <- rewrite(body(f))
    unlockBinding(name, ns)
    assign(name, f, envir = ns)
    lockBinding(name, ns)
  }
  base_outcomes <- list()
  for (t in targets) {
    if (identical(t$kind, "routine")) next
    res <- run_call(t, list(), seed = 1L, dir = tempdir())
    base_outcomes[[t$name]] <- res
  }
  list(args = as.list(seen), base = base_outcomes)
}
