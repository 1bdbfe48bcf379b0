# BME volumetrics from segmented scans: the fused tally in
# src/volumetrics.c, rows per vertebra, BME classes. Reading scans, label
# conventions and batches live in scan.R.

# vcf_volumetrics ----------------------------------------------------------------

#' BME volumetrics from segmented scans
#'
#' Measures, for every vertebral body of a label map, the volume of the body,
#' of the cement in it and of the bone marrow edema (BME) in it outside the
#' cement, and classes the BME extent as the PV study did: BME as a
#' percentage of the body volume excluding cement, binned by
#' [vcf_bme_class()].
#'
#' @section Definitions:
#' For the voxels of one label,
#' * `body_mm3`: every voxel of the label;
#' * `cement_mm3`: cement \eqn{\cap} body;
#' * `bme_mm3`: BME \eqn{\cap} body, excluding cement;
#' * `bme_pct`: `100 * bme_mm3 / (body_mm3 - cement_mm3)`, computed from the
#'   voxel counts, so it does not depend on the voxel size;
#' * `bme_class`: [vcf_bme_class()] of `bme_pct`: exactly 0 is `none`,
#'   (0, 25) `minor` (so 0.2% and 24.6% are minor), \[25, 75) `moderate`,
#'   \[75, 100\] `severe`.
#'
#' Volumes are voxel counts times the voxel volume (the product of the three
#' voxel sizes); the counts are exact 64-bit integers. A body filled with
#' cement has no bone left to be edematous: its `bme_pct` and `bme_class` are
#' `NA`, with a warning of class `vcf_warning_all_cement`. A label asked for
#' in `labels` but absent from the map gets a row of zero volumes and `NA`
#' percentage, with a warning of class `vcf_warning_empty_body`.
#'
#' BME (and cement) outside every body is not dropped: it is reported per
#' scan in the attribute `"outside"`, a data frame with columns `scan`,
#' `bme_outside_mm3` and `cement_outside_mm3`, and printed with the result.
#'
#' @section Labels:
#' Labels follow the VerSe convention by default (1-7 C1-C7, 8-19 T1-T12,
#' 20-24 L1-L5, 25 L6, 28 T13); other tools number them differently, and
#' `convention` says which numbering a map uses (see [vcf_conventions()]
#' for the tables and their sources): `"totalsegmentator"` (v2 `total`
#' task), `"totalsegmentator_v1"`, `"vertebrae_mr"`, `"spineps"` or a data
#' frame with columns `label` and `level`. Label 0 is background. Under
#' VerSe, any other whole number up to 65535 is kept as a row with `level`
#' `NA`; under the other conventions only vertebral bodies are reported
#' (sacrum, discs, endplates and organs are left out). A label that is
#' negative, above 65535, non-integral or `NA` is an error.
#'
#' When `convention` is not given, the labels present must fit VerSe: two
#' or more labels beyond VerSe's range (26-50; or one beside 28), or
#' numbers that grow toward the head (by the centroids along
#' superior-inferior when the header has an orientation, else by body
#' volume, which grows toward the sacrum; at least two vertebrae are needed
#' for that) are an error of class `vcf_error_convention_mismatch` naming
#' the likely convention. Giving `convention = "verse"` explicitly skips
#' this check.
#' A TotalSegmentator output folder (one mask per structure,
#' `vertebrae_L1.nii.gz`, ...) may be given as `vertebrae`; its masks are
#' joined into one map in the v2 numbering.
#'
#' @section Label checks:
#' Every scan's vertebrae are compared with their neighbours in level order,
#' and the `flags` column lists what is suspicious (empty when nothing is):
#' `order` (the centroids are out of anatomical order along
#' superior-inferior, as when two labels are swapped; needs an orientation
#' in the header), `volume_jump` (a body volume under 0.4 or over 2.5 times
#' the mean of its neighbours': a severe fracture loses at most about half
#' of its volume, so larger jumps point to a mislabel or a merged or split
#' body), `missing_below` (the next level down is absent inside the run) and
#' `transitional` (T13 or L6). Each kind raises one classed warning
#' (`vcf_warning_label_order`, `vcf_warning_label_volume_jump`,
#' `vcf_warning_label_missing_below`, `vcf_warning_label_transitional`).
#'
#' @section Computation:
#' One pass over the three arrays in C, reading R's integer, double, logical
#' or raw storage in place (no copy of the input), tallies per label the
#' voxels of each combination of BME and cement in 64-bit counters and
#' validates every voxel on the way. Images read from NIfTI files arrive in
#' the storage RNifti gives them (integer for integer data types, double for
#' floating point or scaled data).
#'
#' @section Batches:
#' When `vertebrae` is a vector of paths, `bme` (and `cement`, if given) must
#' be paths of the same length: scan `i` is `vertebrae[i]`, `bme[i]`,
#' `cement[i]`. Scans are processed with [future.apply::future_lapply()], so
#' the [future::plan()] in effect decides where: sequentially by default, in
#' parallel with `plan(multisession)` or `future.callr::callr`, on a cluster
#' scheduler (Slurm, SGE, LSF, PBS, through the templates of
#' future.batchtools, e.g. `plan(future.batchtools::batchtools_slurm)`).
#' The result is the same under every plan. Progress is signalled through
#' progressr: wrap the call in [progressr::with_progress()] to see it. The
#' `scan` column holds the names of `vertebrae` if it has them, otherwise
#' the paths.
#'
#' A batch never stops on one scan: a scan that cannot be read, is
#' truncated, has masks on another grid or labels that do not fit the
#' convention is left out, listed in the attribute `"failures"` (a data
#' frame with columns `scan`, `class`, the condition class, and `message`)
#' and counted in one warning of class `vcf_warning_batch_failures`. With
#' `checkpoint = "dir"`, each finished scan's rows are saved in that folder,
#' and a rerun of the same call reads them instead of measuring the scan
#' again (a scan whose files changed since is measured again; failed scans
#' are retried).
#'
#' @param vertebrae Label map: a 3D integer, double, logical or raw array, a
#'   `niftiImage`, or the path of a NIfTI-1/2 file (`.nii` or `.nii.gz`); a
#'   vector of paths for a batch.
#' @param bme BME mask on the same grid, holding only 0 and 1 (or `FALSE`,
#'   `TRUE`), in the same forms.
#' @param cement Cement mask like `bme`, or `NULL` for no cement.
#' @param spacing Voxel size in mm along the array axes, 3 values (or 1 for
#'   isotropic voxels). Defaults to the header's `pixdim` (converted to mm
#'   when the header gives micrometres or metres, taken as mm when its units
#'   are unknown); required for plain arrays; when given for a file it must
#'   agree with the header (to 1e-6 relative). The files of one scan must
#'   agree with each other too. Voxel sizes outside 1e-6 to 1e4 mm are
#'   refused (`vcf_error_spacing`), from the argument or a header.
#' @param labels Labels to report, or `NULL` for every label present.
#' @param convention The label numbering: `"verse"` (the default),
#'   `"totalsegmentator"`, `"totalsegmentator_v1"`, `"vertebrae_mr"`,
#'   `"spineps"`, or a data frame with columns `label` and `level`; for a
#'   batch, also a vector of names, one per scan. See Labels.
#' @param checkpoint `NULL`, or a folder where each finished scan of a batch
#'   is saved and from which a rerun resumes.
#' @return A data frame of class `vcf_volumetrics` with one row per scan and
#'   label: `scan`, `label`, `level` (ordered factor), `body_mm3`, `bme_mm3`,
#'   `cement_mm3`, `bme_pct`, `bme_class` (ordered factor), `flags`;
#'   attributes `"outside"` as described above and `"failures"` (see
#'   Batches). A result of more than 40 rows prints as a summary.
#' @section Errors:
#' Classed errors, each naming the argument or file: dimensions that differ
#' (`vcf_error_dims`; masks of a TotalSegmentator folder on different grids:
#' `vcf_error_grid`), labels that are not whole numbers in 0..65535
#' (`vcf_error_label`) and masks holding other values than 0/1
#' (`vcf_error_mask`), both with the first offending voxel and its value;
#' missing or non-positive spacing (`vcf_error_spacing`), header spacing
#' disagreeing with `spacing` (`vcf_error_spacing_mismatch`), and unreadable,
#' missing, truncated or corrupt files such as a header whose data offset
#' `vox_offset` is no byte position (`vcf_error_file`), labels that do not fit
#' the convention (`vcf_error_convention_mismatch`), an invalid
#' `convention`, `labels`, `checkpoint` or batch (`vcf_error_convention`,
#' `vcf_error_labels`, `vcf_error_argument`, `vcf_error_batch`).
#' @seealso [vcf_morphometry()] for body heights; [vcf_bme_class()].
#' @examples
#' vertebrae <- system.file("extdata", "scan1_vertebrae.nii.gz", package = "vcfoutcomes")
#' bme <- system.file("extdata", "scan1_bme.nii.gz", package = "vcfoutcomes")
#' cement <- system.file("extdata", "scan1_cement.nii.gz", package = "vcfoutcomes")
#' vcf_volumetrics(vertebrae, bme, cement)
#'
#' # plain arrays need the voxel size
#' labels <- array(0L, c(10, 10, 10)); labels[3:8, 3:8, 2:4] <- 20L
#' edema <- array(0L, c(10, 10, 10)); edema[3:8, 3:8, 2] <- 1L
#' vcf_volumetrics(labels, edema, spacing = c(0.5, 0.5, 3))
#' @export
vcf_volumetrics <- function(vertebrae, bme, cement = NULL, spacing = NULL,
                            labels = NULL, convention = "verse", checkpoint = NULL) {
  call <- rlang::current_env()
  setup <- check_scan_args(vertebrae, spacing, labels, convention, missing(convention),
                           checkpoint, call)
  n <- length(setup$scans)
  if (setup$batch) {
    check_batch_arg(bme, n, "bme", call)
    check_batch_arg(cement, n, "cement", call)
  } else {
    check_path_arg(bme, "bme", call)
    check_path_arg(cement, "cement", call)
  }
  pick <- function(x, i) if (setup$batch && !is.null(x)) x[[i]] else x
  settings <- deparse(list(setup$spacing, setup$labels, convention))
  # what identifies each scan for its checkpoint (only with one)
  inputs <- if (!is.null(setup$checkpoint)) lapply(seq_len(n), function(i) {
    c(scan_inputs(pick(vertebrae, i)), scan_inputs(pick(bme, i)), scan_inputs(pick(cement, i)),
      settings)
  })
  run <- run_scans(n, function(i) {
    volumetrics_one(pick(vertebrae, i), pick(bme, i), pick(cement, i), scan_setup(setup, i),
                    setup$scans[[i]], call)
  }, setup$scans, inputs, setup$checkpoint, setup$batch,
  list(vertebrae = vertebrae, bme = bme, cement = cement))
  rows <- if (length(run$parts)) bind_parts(run$parts, "rows") else empty_volume_rows()
  rows <- data.frame(scan = rows$scan, label = rows$label,
                     level = factor(rows$level, levels = levels(vcf_level("C1")), ordered = TRUE),
                     body_mm3 = rows$body_mm3, bme_mm3 = rows$bme_mm3,
                     cement_mm3 = rows$cement_mm3, bme_pct = rows$bme_pct,
                     bme_class = vcf_bme_class(rows$bme_pct), flags = rows$flags,
                     stringsAsFactors = FALSE)
  outside <- if (length(run$parts)) as.data.frame(bind_parts(run$parts, "outside"), stringsAsFactors = FALSE)
             else data.frame(scan = character(), bme_outside_mm3 = numeric(), cement_outside_mm3 = numeric())
  warn_undefined_pct(rows)
  warn_flags(rows$scan, rows$level, rows$flags)
  structure(rows, outside = outside, failures = run$failures,
            class = c("vcf_volumetrics", "data.frame"))
}

empty_volume_rows <- function() {
  list(scan = character(), label = integer(), level = character(), body_mm3 = numeric(),
       bme_mm3 = numeric(), cement_mm3 = numeric(), bme_pct = numeric(), flags = character())
}

volumetrics_one <- function(vertebrae, bme, cement, setup, scan, call) {
  scans <- list(read_scan(vertebrae, "vertebrae", call), read_scan(bme, "bme", call))
  if (!is.null(cement)) scans[[3L]] <- read_scan(cement, "cement", call)
  check_same_grid(scans, call)
  spacing <- resolve_spacing(scans, setup$spacing, call)
  res <- .Call(C_volumetrics_tally, scans[[1L]]$data, scans[[2L]]$data,
               if (!is.null(cement)) scans[[3L]]$data)
  if (res$error[1L] != 0) raise_voxel_error(res$error, scans, call)
  geometry <- label_geometry(scans[[1L]], spacing)
  levels <- scan_levels(scans[[1L]], geometry, setup, call)
  volume_rows(res$tally, prod(spacing), setup$labels, scan, levels)
}

# Rows from the tally matrix (label, n00, n01, n10, n11; nBC = voxels with
# bme B and cement C).
volume_rows <- function(tally, voxel, labels, scan, levels) {
  background <- tally[, 1L] == 0
  bg <- colSums(tally[background, -1L, drop = FALSE])
  outside <- list(scan = scan,
                  bme_outside_mm3 = unname(bg[3L] + bg[4L]) * voxel,
                  cement_outside_mm3 = unname(bg[2L] + bg[4L]) * voxel)
  tally <- tally[!background, , drop = FALSE]
  label <- as.integer(tally[, 1L])
  if (is.null(labels)) labels <- levels$label
  m <- match(labels, label)
  count <- function(cols) {
    v <- rowSums(tally[m, cols, drop = FALSE])
    v[is.na(m)] <- 0
    unname(v)
  }
  body <- count(2:5)
  cement <- count(c(3L, 5L))
  bme <- count(4L)
  bone <- body - cement
  pct <- rep(NA_real_, length(labels))
  pct[bone > 0] <- 100 * bme[bone > 0] / bone[bone > 0]
  at <- match(labels, levels$label)
  level <- as.character(levels$level[at])
  flags <- ifelse(is.na(at), "", levels$flags[at])
  o <- order_rows(labels, level, levels$by_level)
  rows <- list(scan = rep(scan, length(labels)), label = labels[o], level = level[o],
               body_mm3 = body[o] * voxel, bme_mm3 = bme[o] * voxel,
               cement_mm3 = cement[o] * voxel, bme_pct = pct[o], flags = flags[o])
  list(rows = rows, outside = outside)
}

warn_undefined_pct <- function(rows) {
  empty <- rows$body_mm3 == 0
  if (any(empty)) {
    vcf_warn(c("{sum(empty)} label{?s} absent from the map: no body, {.field bme_pct} is NA.",
               i = "{describe_scan_labels(rows[empty, ])}."),
             "empty_body")
  }
  full <- rows$body_mm3 > 0 & rows$cement_mm3 == rows$body_mm3
  if (any(full)) {
    vcf_warn(c("{sum(full)} bod{?y is/ies are} filled with cement: no bone left, {.field bme_pct} is NA.",
               i = "{describe_scan_labels(rows[full, ])}."),
             "all_cement")
  }
}

describe_scan_labels <- function(rows) {
  text <- paste0("label ", rows$label, " in ", rows$scan)
  if (length(text) > 5L) text <- c(text[1:5], paste("and", length(text) - 5L, "more"))
  paste(text, collapse = ", ")
}

#' @export
format.vcf_volumetrics <- function(x, ...) {
  out <- unclass_volumetrics(x)
  if (!all(volumetrics_columns %in% names(out))) return(format(out, ...))
  for (col in c("body_mm3", "bme_mm3", "cement_mm3")) out[[col]] <- format(out[[col]], digits = 6)
  out$bme_pct <- ifelse(is.na(out$bme_pct), "NA", formatC(out$bme_pct, format = "f", digits = 1))
  if ("flags" %in% names(out) && !any(nzchar(out$flags))) out$flags <- NULL
  out
}

volumetrics_columns <- c("scan", "label", "level", "body_mm3", "bme_mm3",
                         "cement_mm3", "bme_pct", "bme_class")

#' @export
print.vcf_volumetrics <- function(x, ...) {
  if (!all(volumetrics_columns %in% names(x))) {
    print(unclass_volumetrics(x), ...)
    return(invisible(x))
  }
  scans <- length(unique(x$scan))
  cat("BME volumetrics: ", nrow(x), " vertebra", if (nrow(x) != 1L) "e",
      " in ", scans, " scan", if (scans != 1L) "s", "\n", sep = "")
  if (nrow(x) > 40L) {
    counts <- table(x$bme_class, useNA = "ifany")
    cat("BME classes: ", paste0(names(counts), " ", counts, collapse = ", "), "\n", sep = "")
  }
  print_scan_rows(format(x))
  outside <- attr(x, "outside")
  if (!is.null(outside) && nrow(outside) && nrow(outside) <= 5L) {
    cat("BME outside every body (mm3): ",
        paste0(outside$scan, " ", format(outside$bme_outside_mm3, digits = 6, trim = TRUE),
               collapse = "; "), "\n", sep = "")
  } else if (!is.null(outside) && nrow(outside)) {
    cat("BME outside every body: ", sum(outside$bme_outside_mm3 > 0), " of ", nrow(outside),
        " scans (attr(x, \"outside\"))\n", sep = "")
  }
  print_batch_footer(x)
  invisible(x)
}

#' @export
summary.vcf_volumetrics <- function(object, ...) {
  same_rows <- function(col) length(col) == nrow(object)
  check_object(object, "vcf_volumetrics", list(scan = same_rows, bme_class = same_rows),
               arg = "object", from = "vcf_volumetrics")
  table(scan = object$scan, bme_class = object$bme_class, useNA = "ifany")
}

unclass_volumetrics <- function(x) {
  attr(x, "outside") <- NULL
  attr(x, "failures") <- NULL
  class(x) <- "data.frame"
  x
}

# BME classes ----------------------------------------------------------------

#' Classify bone marrow edema extent
#'
#' Bins BME extent, a percentage of the vertebral body volume excluding
#' cement, into the classes of the PV study: none (0%), minor (1-24%),
#' moderate (25-74%) and severe (75-100%).
#'
#' The published classes are integer ranges; unrounded percentages are
#' classed on half-open intervals so that every value has one class: exactly
#' 0 is `none`; (0, 25) is `minor`, so 0.2% and 24.6% are minor; \[25, 75) is
#' `moderate`, so 74.9% is moderate; \[75, 100\] is `severe`. Values outside
#' \[0, 100\] are an error.
#'
#' @param pct Numeric BME percentages in \[0, 100\]; `NA` stays `NA`.
#' @return An ordered factor with levels none < minor < moderate < severe.
#' @examples
#' vcf_bme_class(c(0, 0.4, 24.6, 25, 74.9, 75, 100, NA))
#' @export
vcf_bme_class <- function(pct) {
  if (!is.numeric(pct)) {
    vcf_abort("{.arg pct} must be numeric, not {.cls {class(pct)}}.",
              c("type", "input"))
  }
  bad <- which(!is.na(pct) & (pct < 0 | pct > 100))
  if (length(bad)) {
    vcf_abort(c("{.arg pct} must lie in [0, 100].",
                x = "Out of range at {describe_rows(bad, pct[bad])}."),
              c("range", "input"))
  }
  # as.integer: an all-NA logical index would recycle over the four levels
  class_index <- as.integer(ifelse(pct == 0, 1L, findInterval(pct, c(0, 25, 75)) + 1L))
  factor(bme_class_levels[class_index], levels = bme_class_levels, ordered = TRUE)
}

bme_class_levels <- c("none", "minor", "moderate", "severe")
