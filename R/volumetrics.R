# BME volumetrics from segmented scans: reading arrays and NIfTI files,
# spacing and grid checks, the fused tally in src/volumetrics.c, batches
# through future.apply. The scan-reading helpers here are shared with
# morphometry.R.

# Reading scans ----------------------------------------------------------------

# One input (array, niftiImage or path) as list(data, spacing, orientation,
# what): `spacing` and `orientation` come from a header and are NULL for a
# plain array; orientation is NA when the header has no qform/sform; `what`
# names the argument and, for files, the file.
read_scan <- function(x, arg, call = rlang::caller_env(), orient = FALSE) {
  if (is.character(x)) {
    if (length(x) != 1L || is.na(x)) {
      vcf_abort(c("{.arg {arg}} must be one path, an array or a {.cls niftiImage}.",
                  x = "It is {.val {format_arg(x)}}."),
                c("type", "input"), call = call)
    }
    return(read_nifti_file(x, arg, call, orient))
  }
  if (inherits(x, "niftiImage")) {
    return(nifti_scan(x, arg, paste0("`", arg, "`"), call, orient))
  }
  if (!is.array(x) || !(is.numeric(x) || is.logical(x) || is.raw(x))) {
    vcf_abort(c("{.arg {arg}} must be a path to a NIfTI file or an integer, double, logical or raw array.",
                x = "It is {.cls {class(x)}}."),
              c("type", "input"), call = call)
  }
  check_3d(x, paste0("`", arg, "`"), call)
  list(data = x, spacing = NULL, orientation = NULL, what = paste0("`", arg, "`"))
}

read_nifti_file <- function(path, arg, call, orient) {
  what <- paste0("`", arg, "` (file ", path, ")")
  if (!file.exists(path)) {
    vcf_abort(c("Cannot read {.arg {arg}}: file {.file {path}} does not exist."),
              c("file", "input"), file = path, call = call)
  }
  img <- tryCatch(
    withCallingHandlers(RNifti::readNifti(path),
                        warning = function(w) invokeRestart("muffleWarning")),
    error = function(e) {
      vcf_abort(c("Cannot read {.arg {arg}}: {.file {path}} is not a readable NIfTI file (unreadable or truncated).",
                  i = "RNifti: {conditionMessage(e)}"),
                c("file", "input"), file = path, call = call)
    })
  nifti_scan(img, arg, what, call, orient)
}

nifti_scan <- function(img, arg, what, call, orient) {
  d <- dim(img)
  # a 3D image stored with trailing unit dimensions
  if (length(d) > 3L && all(d[-(1:3)] == 1L)) dim(img) <- d[1:3]
  check_3d(img, what, call)
  spacing <- RNifti::pixdim(img)[1:3] * unit_to_mm(RNifti::pixunits(img))
  orientation <- NULL
  if (orient) {
    code <- attr(RNifti::xform(img), "code")
    orientation <- if (is.null(code) || code == 0) NA_character_ else RNifti::orientation(img)
  }
  list(data = img, spacing = spacing, orientation = orientation, what = what)
}

unit_to_mm <- function(units) {
  space <- units[1L]
  if (length(space) == 0L || is.na(space)) return(1)
  if (space == "m") return(1000)
  if (space %in% c("um", "\u00b5m")) return(1e-3)
  1
}

check_3d <- function(x, what, call) {
  if (length(dim(x)) != 3L) {
    vcf_abort(c("{what} must be a 3-dimensional image.",
                x = "Its dimensions are {paste(dim(x), collapse = ' x ')}."),
              c("dims", "input"), call = call)
  }
}

# The spacing to use for a set of scans on one grid: the given `spacing`
# (checked against every header) or the headers' (which must agree).
resolve_spacing <- function(scans, spacing, call) {
  if (!is.null(spacing)) {
    ok <- is.numeric(spacing) && length(spacing) %in% c(1L, 3L) &&
      all(is.finite(spacing)) && all(spacing > 0)
    if (!ok) {
      vcf_abort(c("{.arg spacing} must be 1 or 3 positive finite voxel sizes in mm.",
                  x = "It is {paste(format_values(spacing), collapse = ', ')}."),
                c("spacing", "argument"), call = call)
    }
    spacing <- rep_len(as.double(spacing), 3L)
  }
  for (scan in scans) {
    s <- scan$spacing
    if (is.null(s)) next
    if (!all(is.finite(s)) || any(s <= 0)) {
      vcf_abort(c("The header of {scan$what} has non-positive voxel sizes.",
                  x = "pixdim is {paste(format_values(s), collapse = ', ')}; give {.arg spacing} only if the header is wrong."),
                c("spacing", "input"), call = call)
    }
    if (is.null(spacing)) {
      spacing <- s
    } else if (any(abs(s - spacing) > 1e-6 * spacing)) {
      vcf_abort(c("The voxel size in the header of {scan$what} disagrees with {.arg spacing}.",
                  x = "Header: {paste(format_values(s), collapse = ' x ')}; expected {paste(format_values(spacing), collapse = ' x ')}."),
                c("spacing_mismatch", "input"), call = call)
    }
  }
  if (is.null(spacing)) {
    vcf_abort(c("{.arg spacing} is missing.",
                i = "Plain arrays carry no voxel size: give {.arg spacing} in mm, e.g. {.code spacing = c(0.5, 0.5, 3)}."),
              c("spacing", "argument"), call = call)
  }
  spacing
}

check_same_grid <- function(scans, call) {
  d <- lapply(scans, function(s) dim(s$data))
  for (k in seq_along(scans)[-1L]) {
    if (!identical(as.integer(d[[k]]), as.integer(d[[1L]]))) {
      vcf_abort(c("{scans[[k]]$what} and {scans[[1L]]$what} have different dimensions.",
                  x = "{paste(d[[k]], collapse = ' x ')} against {paste(d[[1L]], collapse = ' x ')}."),
                c("dims", "input"), call = call)
    }
  }
}

voxel_text <- function(index, dim) {
  sub <- arrayInd(index, dim)
  paste0("[", paste(sub, collapse = ", "), "] (index ", format(index, scientific = FALSE), ")")
}

# A batch: vectors of paths processed one scan per task. `one` returns a
# list; the per-scan lists are returned in input order.
run_batch <- function(n, one) {
  p <- progressr::progressor(steps = n)
  future.apply::future_lapply(seq_len(n), function(i) {
    out <- one(i)
    p()
    out
  }, future.seed = FALSE)
}

scan_names <- function(x) {
  if (is.character(x)) {
    nm <- names(x)
    if (is.null(nm)) x else ifelse(is.na(nm) | nm == "", x, nm)
  } else {
    "array"
  }
}

check_batch_arg <- function(x, n, arg, call) {
  if (is.null(x)) return(invisible())
  if (!is.character(x) || length(x) != n) {
    vcf_abort(c("With {n} paths in {.arg vertebrae}, {.arg {arg}} must be {n} paths too.",
                x = "It is {.val {format_arg(x)}}."),
              c("batch", "argument"), call = call)
  }
}

check_labels_arg <- function(labels, call) {
  if (is.null(labels)) return(NULL)
  ok <- is.numeric(labels) && !anyNA(labels) && all(labels == round(labels)) &&
    all(labels >= 1 & labels <= 65535)
  if (!ok) {
    vcf_abort(c("{.arg labels} must be whole numbers in 1..65535.",
                x = "It is {paste(format_values(labels), collapse = ', ')}."),
              c("labels", "argument"), call = call)
  }
  unique(as.integer(labels))
}

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
#' Labels follow the VerSe convention (1-7 C1-C7, 8-19 T1-T12, 20-24 L1-L5,
#' 25 L6, 28 T13), turned into levels by [vcf_level()]. Label 0 is background.
#' Any other whole number up to 65535 is kept as a row with `level` `NA`, so
#' maps with extra structures still work; a label that is negative, above
#' 65535, non-integral or `NA` is an error.
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
#' the [future::plan()] in effect decides where (sequentially by default, in
#' parallel with `plan(multisession)`, on a cluster with future.batchtools);
#' the result is the same under every plan. Progress is signalled through
#' progressr: wrap the call in [progressr::with_progress()] to see it. The
#' `scan` column holds the names of `vertebrae` if it has them, otherwise the
#' paths; an error in any scan stops the batch and names the file.
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
#'   agree with each other too.
#' @param labels Labels to report, or `NULL` for every label present.
#' @return A data frame of class `vcf_volumetrics` with one row per scan and
#'   label: `scan`, `label`, `level` (ordered factor), `body_mm3`, `bme_mm3`,
#'   `cement_mm3`, `bme_pct`, `bme_class` (ordered factor); attribute
#'   `"outside"` as described above.
#' @section Errors:
#' Classed errors, each naming the argument or file: dimensions that differ
#' (`vcf_error_dims`), labels that are not whole numbers in 0..65535
#' (`vcf_error_label`) and masks holding other values than 0/1
#' (`vcf_error_mask`), both with the first offending voxel and its value;
#' missing or non-positive spacing (`vcf_error_spacing`), header spacing
#' disagreeing with `spacing` (`vcf_error_spacing_mismatch`), and unreadable,
#' missing or truncated files (`vcf_error_file`).
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
                            labels = NULL) {
  call <- rlang::current_call()
  labels <- check_labels_arg(labels, call)
  batch <- is.character(vertebrae) && length(vertebrae) != 1L
  if (is.character(vertebrae) && length(vertebrae) == 0L) {
    vcf_abort("{.arg vertebrae} holds no paths.", c("batch", "argument"), call = call)
  }
  if (batch) {
    n <- length(vertebrae)
    check_batch_arg(bme, n, "bme", call)
    check_batch_arg(cement, n, "cement", call)
    names <- scan_names(vertebrae)
    parts <- run_batch(n, function(i) {
      volumetrics_one(vertebrae[[i]], bme[[i]], if (!is.null(cement)) cement[[i]],
                      spacing, labels, names[[i]], call)
    })
  } else {
    parts <- list(volumetrics_one(vertebrae, bme, cement, spacing, labels,
                                  scan_names(vertebrae), call))
  }
  rows <- bind_parts(lapply(parts, `[[`, "rows"))
  rows <- data.frame(scan = rows$scan, label = rows$label, level = vcf_level(rows$label),
                     body_mm3 = rows$body_mm3, bme_mm3 = rows$bme_mm3,
                     cement_mm3 = rows$cement_mm3, bme_pct = rows$bme_pct,
                     bme_class = vcf_bme_class(rows$bme_pct), stringsAsFactors = FALSE)
  outside <- as.data.frame(bind_parts(lapply(parts, `[[`, "outside")),
                           stringsAsFactors = FALSE)
  warn_undefined_pct(rows)
  structure(rows, outside = outside, class = c("vcf_volumetrics", "data.frame"))
}

# Concatenates, column by column, per-scan lists of plain vectors (cheaper
# than rbind() on hundreds of data frames).
bind_parts <- function(parts) {
  cols <- names(parts[[1L]])
  out <- lapply(cols, function(col) unlist(lapply(parts, `[[`, col), use.names = FALSE))
  names(out) <- cols
  out
}

volumetrics_one <- function(vertebrae, bme, cement, spacing, labels, scan, call) {
  scans <- list(read_scan(vertebrae, "vertebrae", call), read_scan(bme, "bme", call))
  if (!is.null(cement)) scans[[3L]] <- read_scan(cement, "cement", call)
  check_same_grid(scans, call)
  spacing <- resolve_spacing(scans, spacing, call)
  res <- .Call(C_volumetrics_tally, scans[[1L]]$data, scans[[2L]]$data,
               if (!is.null(cement)) scans[[3L]]$data)
  if (res$error[1L] != 0) raise_voxel_error(res$error, scans, call)
  volume_rows(res$tally, prod(spacing), labels, scan)
}

raise_voxel_error <- function(error, scans, call) {
  which <- error[1L]
  scan <- scans[[which]]
  where <- voxel_text(error[2L], dim(scan$data))
  value <- format_values(error[3L])
  if (which == 1) {
    vcf_abort(c("{scan$what} must hold whole-number labels in 0..65535.",
                x = "Voxel {where} is {value}."),
              c("label", "input"), call = call)
  }
  vcf_abort(c("{scan$what} must be a binary mask holding only 0 and 1.",
              x = "Voxel {where} is {value}."),
            c("mask", "input"), call = call)
}

# Rows from the tally matrix (label, n00, n01, n10, n11; nBC = voxels with
# bme B and cement C).
volume_rows <- function(tally, voxel, labels, scan) {
  background <- tally[, 1L] == 0
  bg <- colSums(tally[background, -1L, drop = FALSE])
  outside <- list(scan = scan,
                  bme_outside_mm3 = unname(bg[3L] + bg[4L]) * voxel,
                  cement_outside_mm3 = unname(bg[2L] + bg[4L]) * voxel)
  tally <- tally[!background, , drop = FALSE]
  label <- as.integer(tally[, 1L])
  if (is.null(labels)) labels <- label
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
  o <- order(labels)
  rows <- list(scan = rep(scan, length(labels)), label = labels[o],
               body_mm3 = body[o] * voxel, bme_mm3 = bme[o] * voxel,
               cement_mm3 = cement[o] * voxel, bme_pct = pct[o])
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
  print(format(x), row.names = FALSE, ...)
  outside <- attr(x, "outside")
  if (!is.null(outside) && nrow(outside)) {
    cat("BME outside every body (mm3): ",
        paste0(outside$scan, " ", format(outside$bme_outside_mm3, digits = 6, trim = TRUE),
               collapse = "; "), "\n", sep = "")
  }
  invisible(x)
}

#' @export
summary.vcf_volumetrics <- function(object, ...) {
  table(scan = object$scan, bme_class = object$bme_class, useNA = "ifany")
}

unclass_volumetrics <- function(x) {
  attr(x, "outside") <- NULL
  class(x) <- "data.frame"
  x
}
