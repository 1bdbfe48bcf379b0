# Scans as volumetrics and morphometry read them: NIfTI files, arrays and
# TotalSegmentator folders; voxel sizes, grids and orientation; the label
# conventions of segmentation tools and the checks that a label map fits
# one; and the batch runner (failures table, checkpoints, future plans).

# Reading scans ----------------------------------------------------------------

# One input (array, niftiImage, path, or a TotalSegmentator folder) as
# list(data, spacing, orientation, affine, what, folder):
# `spacing`, `orientation` and `affine` come from a header and are NULL for a
# plain array; orientation is NA when the header has no qform/sform; `what`
# names the argument and, for files, the file; `folder` is TRUE for a
# folder of per-structure masks (labels then follow TotalSegmentator v2).
read_scan <- function(x, arg, call = rlang::caller_env()) {
  if (is.character(x)) {
    check_path_arg(x, arg, call)
    # suppressWarnings: a path too long for the system warns, then fails below
    if (suppressWarnings(dir.exists(x))) return(read_mask_folder(x, arg, call))
    return(read_nifti_file(x, arg, call))
  }
  if (inherits(x, "niftiImage")) {
    return(nifti_scan(x, paste0("`", arg, "`"), call))
  }
  if (!is.array(x) || !(is.numeric(x) || is.logical(x) || is.raw(x))) {
    vcf_abort(c("{.arg {arg}} must be a path to a NIfTI file or an integer, double, logical or raw array.",
                x = "It is {.cls {class(x)}}."),
              c("type", "input"), call = call)
  }
  check_3d(x, paste0("`", arg, "`"), call)
  list(data = x, spacing = NULL, orientation = NULL, affine = NULL,
       what = paste0("`", arg, "`"), folder = FALSE)
}

read_nifti_file <- function(path, arg, call) {
  what <- paste0("`", arg, "` (file ", path, ")")
  if (!suppressWarnings(file.exists(path))) {
    vcf_abort(c("Cannot read {.arg {arg}}: file {.file {safe_path(path)}} does not exist."),
              c("file", "input"), file = path, call = call)
  }
  # RNifti's readers raise plain errors (and warnings) for a file that is
  # not NIfTI, truncated or corrupt: each becomes one classed error.
  read <- function(reader) {
    tryCatch(
      withCallingHandlers(reader(path), warning = function(w) invokeRestart("muffleWarning")),
      error = function(e) {
        vcf_abort(c("Cannot read {.arg {arg}}: {.file {safe_path(path)}} is not a readable NIfTI file (unreadable or truncated).",
                    i = "RNifti: {safe_text(conditionMessage(e), max = 2000L)}"),
                  c("file", "input"), file = path, call = call)
      })
  }
  # The image is read first: RNifti's reader refuses a file that is not
  # NIfTI or has impossible dimensions, where its header dump would crash.
  img <- read(RNifti::readNifti)
  # RNifti reports |pixdim| and turns a negative voxel size into a flipped
  # axis, and reads data whose offset is corrupt from the end of the file:
  # the stored header is checked, so that a broken one is refused rather
  # than silently measured with another size, direction or data.
  header <- read(RNifti::niftiHeader)
  check_vox_offset(header$vox_offset, what, path, call)
  check_pixdim(header$pixdim[2:4], what, call)
  nifti_scan(img, what, call, header)
}

# The byte offset of the voxels. niftilib holds it in a C int and, for one
# that is negative or does not fit, reads the voxels from the end of the file
# instead (a cast that is undefined for NaN or 1e12): such a header is
# corrupt. Offsets below 352 in a single .nii file are read from byte 352,
# as every NIfTI reader does.
check_vox_offset <- function(vox_offset, what, path, call) {
  if (!is.finite(vox_offset) || vox_offset < 0 || vox_offset >= 2^31) {
    vcf_abort(c("The header of {what} is corrupt: its data offset (vox_offset) is not a byte position in a file.",
                x = "vox_offset is {show_values(vox_offset)}."),
              c("file", "input"), file = path, call = call)
  }
}

# The voxel-to-world matrix (3 x 3, in the header's units) of a NIfTI
# header, qform first as RNifti::xform() does, or NULL when both codes are
# 0. Computed from the header alone: RNifti::xform() and orientation() on
# an image copy its voxels, which costs as much as the tally itself.
header_xform <- function(header) {
  if (header$qform_code > 0) {
    q <- c(header$quatern_b, header$quatern_c, header$quatern_d)
    a <- sqrt(max(0, 1 - sum(q^2)))
    b <- q[1L]; c <- q[2L]; d <- q[3L]
    rot <- rbind(c(a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)),
                 c(2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)),
                 c(2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b))
    qfac <- if (header$pixdim[1L] < 0) -1 else 1
    return(rot %*% diag(header$pixdim[2:4] * c(1, 1, qfac)))
  }
  if (header$sform_code > 0) {
    return(rbind(header$srow_x[1:3], header$srow_y[1:3], header$srow_z[1:3]))
  }
  NULL
}

# The orientation code ("RAS", "LPI", ...) of a voxel-to-world matrix: the
# assignment of array axes to world axes with the largest direction cosines.
xform_orientation <- function(m) {
  cosines <- abs(sweep(m, 2L, sqrt(colSums(m^2)), "/"))
  perms <- rbind(1:3, c(1, 3, 2), c(2, 1, 3), c(2, 3, 1), c(3, 1, 2), c(3, 2, 1))
  score <- apply(perms, 1L, function(p) sum(cosines[cbind(p, 1:3)]))
  p <- perms[which.max(score), ]
  positive <- m[cbind(p, 1:3)] > 0
  paste(ifelse(positive, c("R", "A", "S")[p], c("L", "P", "I")[p]), collapse = "")
}

# Voxel sizes (mm) a scan may have: from a nanometre to ten metres. Beyond,
# volumes and heights lose their meaning (and products of sizes overflow).
voxel_mm_range <- c(1e-6, 1e4)

check_pixdim <- function(pixdim, what, call) {
  if (!all(is.finite(pixdim)) || any(pixdim < voxel_mm_range[1L] | pixdim > voxel_mm_range[2L])) {
    vcf_abort(c("The header of {what} has voxel sizes that are not positive, finite and in [1e-6, 1e4].",
                x = "pixdim[1:3] is {show_values(pixdim)}.",
                i = "Fix the header (the direction of an axis belongs in the qform/sform, not in pixdim)."),
              c("spacing", "input"), call = call)
  }
}

nifti_scan <- function(img, what, call, header = NULL) {
  d <- dim(img)
  # a 3D image stored with trailing unit dimensions
  if (length(d) > 3L && all(d[-(1:3)] == 1L)) dim(img) <- d[1:3]
  check_3d(img, what, call)
  pixdim <- RNifti::pixdim(img)[1:3]
  check_pixdim(pixdim, what, call)
  unit <- unit_to_mm(RNifti::pixunits(img))
  if (is.null(header)) header <- RNifti::niftiHeader(img)
  affine <- header_xform(header)
  if (!is.null(affine) && !all(is.finite(affine))) {
    vcf_abort(c("The header of {what} is corrupt: its voxel-to-world matrix (qform/sform) is not finite.",
                i = "Fix the header, or set qform_code and sform_code to 0 and give {.arg orientation}."),
              c("file", "input"), call = call)
  }
  list(data = img, spacing = pixdim * unit,
       orientation = if (is.null(affine)) NA_character_ else xform_orientation(affine),
       affine = if (is.null(affine)) NULL else affine * unit,
       what = what, folder = FALSE)
}

unit_to_mm <- function(units) {
  space <- units[1L]
  if (length(space) == 0L || is.na(space)) return(1)
  if (space == "m") return(1000)
  if (space %in% c("um", "\u00b5m")) return(1e-3)
  1
}

check_3d <- function(x, what, call) {
  if (length(dim(x)) != 3L || any(dim(x) < 1L)) {
    vcf_abort(c("{what} must be a non-empty 3-dimensional image.",
                x = "Its dimensions are {paste(dim(x), collapse = ' x ')}."),
              c("dims", "input"), call = call)
  }
}

# A TotalSegmentator output folder: one binary mask per structure, named
# vertebrae_C1.nii.gz ... vertebrae_L5.nii.gz (and vertebrae_S1, sacrum),
# all on one grid. They are joined into one label map in the labels of
# TotalSegmentator v2 (`total`), so the folder reads like a v2 label map.
read_mask_folder <- function(dir, arg, call) {
  files <- list.files(dir, pattern = "^vertebrae_[A-Z][0-9]+\\.nii(\\.gz)?$")
  structure <- sub("\\.nii(\\.gz)?$", "", files)
  table <- convention_table("totalsegmentator")
  label <- table$label[match(structure, paste0("vertebrae_", table$level))]
  keep <- !is.na(label)
  if (!any(keep)) {
    vcf_abort(c("{.arg {arg}} is a folder without TotalSegmentator vertebra masks.",
                x = "{.file {dir}} holds no file named like {.file vertebrae_L1.nii.gz}."),
              c("file", "input"), file = dir, call = call)
  }
  files <- file.path(dir, files[keep])
  label <- label[keep]
  first <- read_nifti_file(files[1L], arg, call)
  map <- array(0L, dim(first$data))
  for (k in seq_along(files)) {
    mask <- if (k == 1L) first else read_nifti_file(files[k], arg, call)
    check_same_grid(list(first, mask), call)
    if (any(abs(mask$spacing - first$spacing) > 1e-6 * first$spacing) ||
        !identical(mask$orientation, first$orientation)) {
      vcf_abort(c("The masks in {.file {dir}} have different voxel sizes or orientations.",
                  x = "{mask$what} against {first$what}."),
                c("grid", "input"), call = call)
    }
    inside <- as.vector(mask$data) != 0
    map[inside] <- label[k]
  }
  first$data <- map
  first$what <- paste0("`", arg, "` (folder ", dir, ")")
  first$folder <- TRUE
  first
}

# The spacing to use for a set of scans on one grid: the given `spacing`
# (checked against every header) or the headers' (which must agree).
resolve_spacing <- function(scans, spacing, call) {
  for (scan in scans) {
    s <- scan$spacing
    if (is.null(s)) next
    if (is.null(spacing)) {
      spacing <- s
    } else if (any(abs(s - spacing) > 1e-6 * spacing)) {
      vcf_abort(c("The voxel size in the header of {scan$what} disagrees with {.arg spacing}.",
                  x = "Header: {show_values(s, sep = ' x ')}; expected {show_values(spacing, sep = ' x ')}."),
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

check_spacing_arg <- function(spacing, call) {
  if (is.null(spacing)) return(NULL)
  ok <- is.numeric(spacing) && is.null(dim(spacing)) && length(spacing) %in% c(1L, 3L) &&
    all(is.finite(spacing)) && all(spacing >= voxel_mm_range[1L] & spacing <= voxel_mm_range[2L])
  if (!ok) {
    vcf_abort(c("{.arg spacing} must be 1 or 3 voxel sizes in mm, each in [1e-6, 1e4].",
                x = "It is {show_values(spacing)}."),
              c("spacing", "argument"), call = call)
  }
  rep_len(as.double(spacing), 3L)
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

# Orientation --------------------------------------------------------------------

# A 3-letter code ("RAS", "LPI", "ASR", ...) giving the direction each array
# axis points to, as list(axis, flip): axis[a] is the 0-based array axis
# running right-left (a = 1), anterior-posterior (2) and superior-inferior
# (3); flip[a] is 1 when the index grows toward Left, Posterior, Inferior.
parse_orientation <- function(code, what, call) {
  letters <- if (is.character(code) && length(code) == 1L && !is.na(code) &&
                  is_text(code))
    strsplit(toupper(code), "")[[1L]] else character()
  pos <- c(R = 1L, L = 1L, A = 2L, P = 2L, S = 3L, I = 3L)
  ok <- length(letters) == 3L && all(letters %in% names(pos)) &&
    setequal(pos[letters], 1:3)
  if (!ok) {
    vcf_abort(c("{what} must be a 3-letter orientation code with one of R/L, A/P and S/I, such as \"RAS\" or \"LPI\".",
                x = "It is {.val {format_arg(code)}}."),
              c("orientation", "argument"), call = call)
  }
  anatomical <- pos[letters]
  list(axis = match(1:3, anatomical) - 1L,
       flip = as.integer(letters[match(1:3, anatomical)] %in% c("L", "P", "I")),
       code = paste(letters, collapse = ""))
}

resolve_orientation <- function(scan, orientation, call) {
  header <- scan$orientation
  if (!is.null(orientation)) {
    given <- parse_orientation(orientation, "`orientation`", call)
    if (!is.null(header) && !is.na(header) && header != given$code) {
      vcf_abort(c("The orientation in the header of {scan$what} disagrees with {.arg orientation}.",
                  x = "Header: {.val {header}}; {.arg orientation}: {.val {given$code}}."),
                c("orientation_mismatch", "input"), call = call)
    }
    return(given)
  }
  if (is.null(header)) {
    vcf_abort(c("{.arg orientation} is missing.",
                i = "A plain array carries no orientation: give the direction each axis points to, e.g. {.code orientation = \"RAS\"}."),
              c("orientation", "argument"), call = call)
  }
  if (is.na(header)) {
    vcf_abort(c("The header of {scan$what} has no orientation (qform and sform codes are 0).",
                i = "Give {.arg orientation}, e.g. {.code orientation = \"RAS\"}."),
              c("orientation", "input"), call = call)
  }
  parse_orientation(header, scan$what, call)
}

# The 3 x 3 matrix taking voxel index steps to millimetres in RAS world
# coordinates (column a: the world step of array axis a): the header's
# qform/sform, or for a plain array the one its orientation code and
# spacing describe.
world_matrix <- function(scan, orient, spacing) {
  if (!is.null(scan$affine)) return(scan$affine)
  m <- matrix(0, 3L, 3L)
  for (a in 1:3) {
    ax <- orient$axis[a] + 1L
    m[a, ax] <- if (orient$flip[a] == 1L) -spacing[ax] else spacing[ax]
  }
  m
}

# Label conventions -----------------------------------------------------------------

conventions <- c("verse", "totalsegmentator", "totalsegmentator_v1",
                 "vertebrae_mr", "spineps")

spine_levels <- c(paste0("C", 1:7), paste0("T", 1:12), paste0("L", 1:5))

# label -> level of a named convention, for vertebral bodies only (sacrum,
# discs and other structures have no level and are left out of results).
convention_table <- function(convention) {
  switch(convention,
    verse = , spineps = data.frame(label = c(1:25, 28L),
                                   level = c(spine_levels, "L6", "T13")),
    # TotalSegmentator v2 `total`: 26 S1, 27 L5 ... 31 L1, 32 T12 ... 50 C1
    totalsegmentator = data.frame(label = 50:27, level = spine_levels),
    # TotalSegmentator v1: 18 L5 ... 22 L1, 23 T12 ... 41 C1
    totalsegmentator_v1 = data.frame(label = 41:18, level = spine_levels),
    # TotalSegmentator `vertebrae_mr`: 1 sacrum, 2 L5 ... 25 C1
    vertebrae_mr = data.frame(label = 25:2, level = spine_levels))
}

#' Vertebra label conventions of segmentation tools
#'
#' The label numbers that [vcf_volumetrics()] and [vcf_morphometry()] turn
#' into vertebral levels under each `convention`.
#'
#' Each numbering was checked against the tool's own label table:
#' * `"verse"`: the VerSe challenge labels (1-7 C1-C7, 8-19 T1-T12, 20-24
#'   L1-L5, 25 L6, 28 T13), the package's default.
#' * `"totalsegmentator"`: TotalSegmentator v2, task `total` (sacrum 25,
#'   S1 26, L5 27 ... L1 31, T12 32 ... C1 50), from the `class_map` entry
#'   `"total"` in `totalsegmentator/map_to_binary.py` of the TotalSegmentator
#'   repository (wasserth/TotalSegmentator on GitHub).
#' * `"totalsegmentator_v1"`: TotalSegmentator v1 (L5 18 ... L1 22, T12 23
#'   ... C1 41; sacrum 92), the entry `"total_v1"` of the same file.
#' * `"vertebrae_mr"`: TotalSegmentator's task `vertebrae_mr` (sacrum 1, L5
#'   2 ... C1 25), the entry `"vertebrae_mr"` of the same file.
#' * `"spineps"`: the vertebra instance masks of SPINEPS (Hendrik-code/spineps
#'   on GitHub, README section "Labels" and `IVD_LABEL_OFFSET`,
#'   `ENDPLATE_LABEL_OFFSET` in `spineps/seg_pipeline.py`): vertebrae 1-25
#'   and 28 as VerSe (as its labelling step VERIDAH assigns them, 26 being
#'   the sacrum), intervertebral discs 100 + the vertebra's label and
#'   endplates 200 + it, which are left out. The subregion labels 41-49 of
#'   SPINEPS' semantic mask belong to a different file and are not levels.
#'
#' Sacrum, S1, discs and endplates have no level here: under conventions
#' other than VerSe they are left out of results.
#'
#' @param convention One of the names above, or `NULL` for all.
#' @return A data frame with columns `convention`, `label` and `level`, one
#'   row per vertebral body label.
#' @examples
#' vcf_conventions("totalsegmentator")[1:5, ]
#' @export
vcf_conventions <- function(convention = NULL) {
  if (!is.null(convention)) check_string(convention, "convention", choices = conventions)
  names <- if (is.null(convention)) conventions else convention
  out <- do.call(rbind, lapply(names, function(name) {
    table <- convention_table(name)
    data.frame(convention = name, label = table$label, level = table$level)
  }))
  out <- out[order(match(out$convention, conventions), out$label), ]
  rownames(out) <- NULL
  out
}

# A user table: a data frame with columns label (whole numbers) and level
# (names vcf_level() knows).
check_convention <- function(convention, call) {
  if (is.data.frame(convention)) {
    ok <- all(c("label", "level") %in% names(convention)) && nrow(convention) > 0L &&
      is.numeric(convention$label) && !anyNA(convention$label) &&
      all(convention$label == round(convention$label)) &&
      all(convention$label >= 1 & convention$label <= 65535) &&
      !anyDuplicated(convention$label)
    level <- if (ok) vcf_level(as.character(convention$level))
    if (!ok || anyNA(level) || anyDuplicated(level)) {
      bad <- if (ok) which(is.na(level) | duplicated(level)) else integer()
      vcf_abort(c("{.arg convention} as a data frame must map distinct whole-number labels in 1..65535 ({.field label}) to distinct vertebral levels ({.field level}, such as \"T12\").",
                  x = if (length(bad)) "Bad levels at {describe_rows(bad, as.character(convention$level[bad]))}." else "Its columns are {.field {names(convention)}}."),
                c("convention", "argument"), call = call)
    }
    return(list(name = "user", table = data.frame(label = as.integer(convention$label),
                                                  level = as.character(level))))
  }
  check_string(convention, "convention", choices = conventions, call = call)
  list(name = convention, table = convention_table(convention))
}

# Levels of `label` under a convention: an ordered factor (NA for labels
# that are not vertebral bodies), and which labels to keep (VerSe keeps
# every label, with NA level for unknown ones, as it always has; other
# conventions keep the vertebral bodies only).
label_levels <- function(label, conv) {
  level <- vcf_level(conv$table$level[match(label, conv$table$label)])
  keep <- if (conv$name == "verse") rep(TRUE, length(label)) else !is.na(level)
  list(level = level, keep = keep)
}

# Label checks ------------------------------------------------------------------------

# Per-label geometry from C_morphometry_moments: `si` is the centroid along
# superior-inferior in mm (NA when the scan has no orientation), `volume` in
# voxels.
label_geometry <- function(scan, spacing, orient = NULL) {
  d <- as.integer(dim(scan$data))
  mom <- .Call(C_morphometry_moments, scan$data, d)
  if (!is.null(mom$error)) return(mom)
  if (is.null(orient) && !is.null(scan$orientation) && !is.na(scan$orientation)) {
    orient <- parse_orientation(scan$orientation, scan$what, NULL)
  }
  si <- rep(NA_real_, length(mom$label))
  if (!is.null(orient)) {
    world <- world_matrix(scan, orient, spacing)
    si <- as.vector(mom$mean %*% world[3L, ])
  }
  mom$si <- si
  mom
}

# Checks, without a declared convention, that labels fit VerSe. Raises a
# classed error naming the likely convention when they do not: labels of
# TotalSegmentator's ranges beyond VerSe's, or numbers that grow toward the
# head (VerSe numbers grow toward the feet), by position when the scan has
# an orientation and by size (bodies grow toward the sacrum) otherwise.
check_fits_verse <- function(label, si, volume, what, call) {
  vert <- label %in% c(1:25, 28L)
  beyond <- label[label >= 26L & label <= 50L & label != 28L]
  likely <- NULL
  # two labels beyond VerSe, or one beside 28 (T13 in VerSe, L4 in
  # TotalSegmentator v2), are TotalSegmentator v2's lumbar and sacral codes
  if (length(beyond) >= 2L || (length(beyond) >= 1L && 28L %in% label)) {
    likely <- "totalsegmentator"
  } else if (sum(vert) >= 2L) {
    l <- label[vert]
    direction <- if (!anyNA(si[vert])) {
      rank_cor(l, si[vert])
    } else if (sum(vert) >= 4L) {
      -rank_cor(l, volume[vert])
    } else NA_real_
    if (!is.na(direction) && direction > 0.5) {
      likely <- if (all(l >= 18L & l <= 41L) && any(l >= 23L)) "totalsegmentator_v1"
                else if (all(l >= 18L)) "totalsegmentator_v1 or vertebrae_mr"
                else "vertebrae_mr"
    }
  }
  if (is.null(likely)) return(invisible())
  shown <- paste(range(label), collapse = "-")
  vcf_abort(c("The labels of {what} do not fit the VerSe convention.",
              x = "Labels {shown} look like {likely}: their numbers grow toward the head or lie beyond VerSe's 1-25, 28.",
              i = "Give the convention, e.g. {.code convention = \"{sub(' or .*', '', likely)}\"}, or {.code convention = \"verse\"} if the labels are VerSe's."),
            c("convention_mismatch", "input"), labels = label, likely = likely, call = call)
}

# Spearman correlation, NA when either side is constant.
rank_cor <- function(x, y) {
  if (length(unique(x)) < 2L || length(unique(y)) < 2L) return(NA_real_)
  stats::cor(x, y, method = "spearman")
}

# Sanity flags per vertebra of one scan (rows in level order are compared
# with their neighbours): "order" when the centroid is out of anatomical
# order along superior-inferior; "volume_jump" when the body volume is
# under 0.4 or over 2.5 times the mean of its neighbours'; "missing_below"
# when the next level down is absent inside the run; "transitional" for
# T13 and L6.
label_flags <- function(level, si, volume) {
  n <- length(level)
  flags <- vector("list", n)
  add <- function(i, flag) flags[[i]] <<- c(flags[[i]], flag)
  rank <- as.integer(level)
  for (i in which(as.character(level) %in% c("T13", "L6"))) add(i, "transitional")
  ok <- which(!is.na(rank))
  ok <- ok[order(rank[ok])]
  if (length(ok) >= 2L) {
    for (k in seq_len(length(ok) - 1L)) {
      i <- ok[k]; j <- ok[k + 1L]
      if (!is.na(si[i]) && !is.na(si[j]) && si[j] > si[i]) {
        add(i, "order"); add(j, "order")
      }
      if (!adjacent_levels(level[i], level[j])) add(i, "missing_below")
    }
    v <- volume[ok]
    m <- length(v)
    neighbours <- vapply(seq_len(m), function(k) mean(v[c(k - 1L, k + 1L)[c(k > 1L, k < m)]]),
                         numeric(1))
    jump <- v < 0.4 * neighbours | v > 2.5 * neighbours
    for (k in which(jump)) add(ok[k], "volume_jump")
  }
  vapply(flags, function(f) paste(unique(f), collapse = ","), character(1))
}

# Whether level b follows level a directly (T12 -> T13 or L1, T13 -> L1,
# L5 -> L6).
adjacent_levels <- function(a, b) {
  a <- as.character(a); b <- as.character(b)
  next_of <- c(stats::setNames(spine_levels[-1L], spine_levels[-24L]), T13 = "L1", L5 = "L6")
  b == next_of[a] || (a == "T12" && b == "T13")
}

flag_kinds <- c(order = "out of anatomical order along superior-inferior",
                volume_jump = "body volume jumps against its neighbours (outside 0.4-2.5 times their mean)",
                missing_below = "the next level down is missing inside the run",
                transitional = "transitional vertebra (T13 or L6)")

# One classed warning per kind of flag raised in a result.
warn_flags <- function(scan, level, flags) {
  for (kind in names(flag_kinds)) {
    hit <- grepl(paste0("\\b", kind, "\\b"), flags)
    if (!any(hit)) next
    where <- unique(paste0(level[hit], " in ", scan[hit]))
    if (length(where) > 5L) where <- c(where[1:5], paste("and", length(where) - 5L, "more"))
    vcf_warn(c("Label check: {sum(hit)} vertebra{?e} flagged {.val {kind}}: {flag_kinds[[kind]]}.",
               i = "{paste(where, collapse = ', ')}; see the {.field flags} column."),
             paste0("label_", kind))
  }
}

# Batches --------------------------------------------------------------------------

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
  if (!is.character(x) || length(x) != n || anyNA(x)) {
    vcf_abort(c("With {n} paths in {.arg vertebrae}, {.arg {arg}} must be {n} paths too.",
                x = "It is {.val {format_arg(x)}}."),
              c("batch", "argument"), call = call)
  }
}

# A scan argument given as text must be one path (read_scan() then says
# whether it exists).
check_path_arg <- function(x, arg, call) {
  if (is.character(x) && (length(x) != 1L || is.na(x) || !nzchar(x))) {
    vcf_abort(c("{.arg {arg}} must be one path, an array or a {.cls niftiImage}.",
                x = "It is {.val {format_arg(x)}}."),
              c("type", "input"), call = call)
  }
}

check_labels_arg <- function(labels, call) {
  if (is.null(labels)) return(NULL)
  ok <- is.numeric(labels) && length(labels) > 0L && !anyNA(labels) &&
    all(labels == round(labels)) && all(labels >= 1 & labels <= 65535)
  if (!ok) {
    vcf_abort(c("{.arg labels} must be whole numbers in 1..65535.",
                x = "It is {show_values(labels)}."),
              c("labels", "argument"), call = call)
  }
  unique(as.integer(labels))
}

check_checkpoint_arg <- function(checkpoint, call) {
  if (is.null(checkpoint)) return(NULL)
  check_string(checkpoint, "checkpoint", call = call)
  # an over-long path warns in dir.exists() too; the error below says it
  made <- suppressWarnings(dir.exists(checkpoint) ||
                             dir.create(checkpoint, recursive = TRUE, showWarnings = FALSE))
  if (!made) {
    vcf_abort("{.arg checkpoint} must be a folder that can be created: {.file {safe_path(checkpoint)}}.",
              c("checkpoint", "argument"), call = call)
  }
  normalizePath(checkpoint)
}

# A scan's checkpoint file: named by the scan and a checksum of its inputs,
# so that a rerun over the same files finds it.
checkpoint_file <- function(dir, scan, inputs) {
  text <- paste(c(scan, inputs), collapse = "\r")
  code <- utf8ToInt(enc2utf8(text))
  hash <- 0
  for (ch in code) hash <- (hash * 31 + ch) %% 2147483647
  stem <- substr(gsub("[^A-Za-z0-9_.-]", "_", basename(scan)), 1L, 60L)
  file.path(dir, sprintf("%s_%08x.rds", stem, as.integer(hash)))
}

# Runs `one(i)` for scans 1..n through future.apply (the future plan in
# effect decides where), with progress through progressr. In a batch, an
# error in one scan is caught and recorded as a failure (scan, condition
# class, message); finished scans are written to `checkpoint` and read back
# on a rerun. Returns list(parts, failures).
run_scans <- function(n, one, scans, inputs, checkpoint, batch, paths = list()) {
  p <- progressr::progressor(steps = n)
  absent <- if (batch) absent_files(paths) else character(n)
  task <- function(i) {
    file <- if (!is.null(checkpoint)) checkpoint_file(checkpoint, scans[[i]], inputs[[i]])
    if (!is.null(file) && file.exists(file)) {
      saved <- tryCatch(readRDS(file), error = function(e) NULL)
      if (identical(saved$inputs, inputs[[i]])) {
        p()
        return(saved$part)
      }
    }
    part <- if (batch) {
      tryCatch(one(i), error = function(e) {
        list(failure = list(scan = scans[[i]], class = failure_class(e),
                            message = gsub("\\s+", " ", cli::ansi_strip(conditionMessage(e)))))
      })
    } else one(i)
    if (!is.null(file) && is.null(part$failure)) {
      tmp <- paste0(file, ".tmp")
      saveRDS(list(inputs = inputs[[i]], part = part), tmp)
      file.rename(tmp, file)
    }
    p()
    part
  }
  # scans with a missing file fail here, without a future each
  parts <- vector("list", n)
  gone <- which(nzchar(absent))
  parts[gone] <- lapply(gone, function(i) {
    list(failure = list(scan = scans[[i]], class = "vcf_error_file", message = absent[i]))
  })
  if (length(gone)) p(amount = length(gone))
  to_read <- setdiff(seq_len(n), gone)
  parts[to_read] <- if (batch) {
    future.apply::future_lapply(to_read, task, future.seed = FALSE)
  } else list(task(1L))
  failed <- vapply(parts, function(x) !is.null(x$failure), logical(1))
  failures <- data.frame(scan = character(), class = character(), message = character())
  if (any(failed)) {
    f <- lapply(parts[failed], `[[`, "failure")
    failures <- data.frame(scan = vapply(f, `[[`, "", "scan"),
                           class = vapply(f, `[[`, "", "class"),
                           message = vapply(f, `[[`, "", "message"))
    vcf_warn(c("{sum(failed)} of {n} scan{?s} failed and {?is/are} left out of the result.",
               i = "See {.code attr(x, \"failures\")}: {paste(utils::head(failures$scan, 3), collapse = ', ')}{if (sum(failed) > 3) ', ...' else ''}."),
             "batch_failures", failures = failures)
  }
  list(parts = parts[!failed], failures = failures)
}

# For each scan of a batch, "" or why it cannot be read because a file of
# it does not exist. `paths`: the batch's path arguments by name (others
# are skipped). Such scans fail without being read: a classed error costs
# tens of milliseconds to format, which adds up over thousands of mistyped
# paths; the message is the one read_nifti_file() gives.
absent_files <- function(paths) {
  out <- NULL
  for (arg in names(paths)) {
    x <- paths[[arg]]
    if (!is.character(x)) next
    if (is.null(out)) out <- character(length(x))
    gone <- !nzchar(out) & !suppressWarnings(file.exists(x))
    out[gone] <- sprintf("Cannot read `%s`: file '%s' does not exist.", arg, safe_path(x[gone]))
  }
  out
}

failure_class <- function(e) {
  cls <- class(e)
  specific <- cls[startsWith(cls, "vcf_error_")]
  if (length(specific)) specific[1L] else cls[1L]
}

# Concatenates, column by column, per-scan lists of plain vectors (cheaper
# than rbind() on hundreds of data frames).
bind_parts <- function(parts, field) {
  parts <- lapply(parts, `[[`, field)
  cols <- names(parts[[1L]])
  out <- lapply(cols, function(col) unlist(lapply(parts, `[[`, col), use.names = FALSE))
  names(out) <- cols
  out
}

# Prints a result of many scans as a summary, a few scans in full.
print_scan_rows <- function(formatted, max_rows = 40L) {
  if (nrow(formatted) <= max_rows) {
    print(formatted, row.names = FALSE)
    return(invisible())
  }
  print(utils::head(formatted, 10L), row.names = FALSE)
  cat("... ", nrow(formatted) - 10L, " more rows (as.data.frame() shows all)\n", sep = "")
}

print_batch_footer <- function(x) {
  flags <- x$flags
  if (!is.null(flags) && any(nzchar(flags))) {
    kinds <- table(unlist(strsplit(flags[nzchar(flags)], ",")))
    cat("Label flags: ", paste0(names(kinds), " ", kinds, collapse = ", "), "\n", sep = "")
  }
  failures <- attr(x, "failures")
  if (!is.null(failures) && nrow(failures)) {
    cat(nrow(failures), " failed scan", if (nrow(failures) != 1L) "s", ": ",
        paste0(utils::head(failures$scan, 5L), " (", utils::head(failures$class, 5L), ")",
               collapse = ", "),
        if (nrow(failures) > 5L) ", ...", "\n", sep = "")
  }
}

# Arguments shared by volumetrics and morphometry -----------------------------------

check_scan_args <- function(vertebrae, spacing, labels, convention, guess,
                            checkpoint, call) {
  if (is.character(vertebrae) && (length(vertebrae) == 0L || anyNA(vertebrae))) {
    vcf_abort(c("{.arg vertebrae} must hold paths, none of them NA.",
                x = "It is {.val {format_arg(vertebrae)}}."),
              c("batch", "argument"), call = call)
  }
  batch <- is.character(vertebrae) && length(vertebrae) > 1L
  scans <- if (batch) scan_names(vertebrae) else list(scan_names(vertebrae))
  if (batch && anyDuplicated(scans)) {
    dup <- unique(scans[duplicated(scans)])
    vcf_abort(c("The scans of {.arg vertebrae} must have distinct names or paths.",
                x = "Repeated: {.val {utils::head(dup, 5)}}."),
              c("batch", "argument"), call = call)
  }
  n <- length(scans)
  convs <- if (is.character(convention) && length(convention) > 1L) {
    if (!batch || length(convention) != n) {
      vcf_abort(c("{.arg convention} must be one convention, or one per scan of a batch.",
                  x = "It has {length(convention)} elements for {n} scan{?s}."),
                c("convention", "argument"), call = call)
    }
    lapply(convention, check_convention, call = call)
  } else {
    rep(list(check_convention(convention, call)), n)
  }
  list(batch = batch, scans = as.list(scans), labels = check_labels_arg(labels, call),
       spacing = check_spacing_arg(spacing, call), convs = convs, guess = guess,
       checkpoint = check_checkpoint_arg(checkpoint, call))
}

# The setup of scan i of a batch: its own convention.
scan_setup <- function(setup, i) {
  setup$conv <- setup$convs[[i]]
  setup
}

# What identifies a scan's input for its checkpoint: a file's path, size and
# time of change (so an edited file is measured again), or its class.
scan_inputs <- function(x) {
  if (is.null(x)) return("none")
  if (!is.character(x)) return(paste(class(x), collapse = "/"))
  files <- if (suppressWarnings(dir.exists(x))) list.files(x, full.names = TRUE) else x
  info <- suppressWarnings(file.info(files))   # a path too long warns
  paste(files, info$size, format(info$mtime, "%Y-%m-%d %H:%M:%OS3"))
}

# The levels of a scan's labels under the declared convention (after the
# VerSe fit check when none was declared) and their sanity flags.
scan_levels <- function(scan, geometry, setup, call) {
  if (!is.null(geometry$error)) raise_voxel_error(c(1, geometry$error), list(scan), call)
  conv <- setup$conv
  if (scan$folder) {
    if (!setup$guess && conv$name != "totalsegmentator") {
      vcf_abort(c("{scan$what} is a TotalSegmentator folder, but {.arg convention} is {.val {conv$name}}.",
                  i = "Its masks are named by level; leave {.arg convention} out or give \"totalsegmentator\"."),
                c("convention_mismatch", "input"), call = call)
    }
    conv <- check_convention("totalsegmentator", call)
  } else if (setup$guess) {
    check_fits_verse(geometry$label, geometry$si, geometry$count, scan$what, call)
  }
  lv <- label_levels(geometry$label, conv)
  keep <- lv$keep
  level <- lv$level[keep]
  list(label = geometry$label[keep], level = level,
       flags = label_flags(level, geometry$si[keep], geometry$count[keep]),
       by_level = conv$name != "verse")
}

order_rows <- function(labels, level, by_level) {
  if (by_level) order(match(level, levels(vcf_level("C1"))), labels) else order(labels)
}
