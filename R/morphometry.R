# Vertebral morphometry from label maps: heights along each body's own
# principal axes (or the voxel axes), Genant and quantitative grading, the
# anterior height ratio. Voxel scanning and eigen-decompositions in
# src/morphometry.c; reading scans and labels in scan.R.

# vcf_morphometry ----------------------------------------------------------------

#' Vertebral body heights from segmented scans
#'
#' Measures the anterior, middle and posterior heights of every vertebral
#' body of a label map, the quantities behind Genant's grading of vertebral
#' fractures and the anterior height ratio of the BKP study.
#'
#' @section Method:
#' For each label (label 0 is background), the body's own axes come first.
#' With `axes = "principal"` (the default) they are the principal axes of
#' the local spine in millimetre world coordinates: the covariance of the
#' voxel centres of the body pooled with the bodies directly above and
#' below it (the body alone when it has no neighbour in the scan), mapped
#' through the header's qform/sform (or, for a plain array, the matrix
#' `spacing` and `orientation` describe), is eigen-decomposed with GSL's
#' `gsl_eigen_symmv`. Pooling with the neighbours keeps a fractured body's
#' own deformity (a wedge leans toward its anterior loss) from tilting its
#' frame. The eigenvector nearest to the world's superior direction is the
#' superior-inferior (SI) axis, the nearest of the other two to anterior
#' the anterior-posterior (AP) axis, each turned to point superior and
#' anterior (the sign comes from the header), and right-left (RL)
#' completes the frame. Heights then follow the spine, not the scanner: an
#' oblique acquisition or a tilted segment of a kyphotic spine gives the
#' heights of the same bodies upright, to within about one voxel. With
#' `axes = "voxel"` the axes are the voxel axes nearest to the anatomical
#' ones, as in earlier versions.
#'
#' Then, along those axes,
#' 1. the *mid-sagittal slice* is the slab one voxel thick (the voxel's
#'    widest projection on RL) through the middle of the body's RL extent
#'    (of the two middle slabs of an even extent, the left one);
#' 2. in that slice the body's AP extent runs over `L` columns, each one
#'    projected voxel wide; the heights are measured in the columns whose
#'    centres are nearest to 5/6 (anterior, `ha_mm`), 1/2 (middle, `hm_mm`)
#'    and 1/6 (posterior, `hp_mm`) of that extent counted from its posterior
#'    edge. A column lying exactly between two centres is taken toward the
#'    centre of the body; the middle height of an even `L` is the mean of the
#'    two central columns;
#' 3. a height is the SI extent of the body in that column, from its lowest
#'    to its highest voxel centre, plus one voxel's thickness along SI (the
#'    root sum of squares of the voxel edges projected on SI); a column
#'    holding none of the body (a non-convex segmentation) gives `NA`, and
#'    so do all heights of a label split in two with nothing in its
#'    mid-sagittal slice.
#'
#' When the body's axes are the voxel axes (an unrotated box, say) both
#' methods give the same heights. `ap_mm` is the AP extent, `L` times the
#' column width.
#'
#' @section Relation to Genant's reading and 6-point morphometry:
#' Genant's semi-quantitative method grades a vertebra by eye from the
#' reduction of its anterior, middle or posterior height on a lateral
#' radiograph or mid-sagittal image (grade 1 from 20%, 2 from 25%, 3 above
#' 40%). Quantitative morphometry makes that reading reproducible by placing
#' six points on the endplates (anterior, middle and posterior, superior and
#' inferior) and measuring the three heights between them. The heights here
#' are a voxel version of the 6-point heights: the endplate points are the
#' first and last body voxel of the column, in the same mid-sagittal plane,
#' with the columns at fixed fractions of the body depth rather than placed
#' by a reader at the corners. Heights are multiples of the voxel size, so
#' their resolution is that of the scan: with 3 mm sagittal slices or 1 mm
#' pixels a 20% reduction of a 25 mm body is 5 mm, several voxels.
#' [vcf_genant()] grades the heights; [vcf_height_ratio()] gives the BKP
#' study's anterior height ratio.
#'
#' @inheritSection vcf_volumetrics Labels
#' @inheritSection vcf_volumetrics Label checks
#' @inheritSection vcf_volumetrics Batches
#' @param vertebrae Label map: a 3D integer, double, logical or raw array, a
#'   `niftiImage`, the path of a NIfTI file or of a TotalSegmentator folder;
#'   a vector of paths for a batch.
#' @param spacing Voxel size in mm (3 values, or 1 for isotropic voxels),
#'   in the order of the array axes. Defaults to the header's; required for
#'   plain arrays. Voxel sizes outside 1e-6 to 1e4 mm are refused
#'   (`vcf_error_spacing`), from the argument or a header.
#' @param orientation For plain arrays, a 3-letter code giving the direction
#'   each array axis points to (`"RAS"`: the first axis runs toward Right,
#'   the second toward Anterior, the third toward Superior; `"LPI"`, `"ASR"`,
#'   ...), the convention of [RNifti::orientation()]. For files it is read
#'   from the header; if given, it must agree (it is required for a header
#'   whose qform and sform codes are both 0).
#' @param labels Labels to report, or `NULL` for every label present; a
#'   label absent from the map gets `NA` heights.
#' @param convention,checkpoint As for [vcf_volumetrics()].
#' @param axes `"principal"` (each body's own principal axes) or `"voxel"`
#'   (the voxel axes nearest to the anatomical ones); see Method.
#' @return A data frame of class `vcf_morphometry`, one row per scan and
#'   label: `scan`, `label`, `level`, `ha_mm`, `hm_mm`, `hp_mm`, `ap_mm`,
#'   `voxels`, `flags`; attribute `"failures"` for batches.
#' @section Errors:
#' Classed errors naming the argument or file: labels that are not whole
#' numbers in 0..65535 (`vcf_error_label`), missing or invalid `spacing`
#' or `orientation` (`vcf_error_spacing`, `vcf_error_orientation`), header
#' values disagreeing with them (`vcf_error_spacing_mismatch`,
#' `vcf_error_orientation_mismatch`), a header with a non-positive voxel
#' size such as `pixdim[1] = -1` (`vcf_error_spacing`: the sign of an axis
#' belongs in the qform/sform), unreadable or corrupt files such as a header
#' whose `vox_offset` is no byte position (`vcf_error_file`), labels
#' that do not fit the convention (`vcf_error_convention_mismatch`).
#' @seealso [vcf_genant()], [vcf_height_ratio()], [vcf_volumetrics()].
#' @examples
#' path <- system.file("extdata", "scan1_vertebrae.nii.gz", package = "vcfoutcomes")
#' m <- vcf_morphometry(path)
#' m
#' vcf_height_ratio(m)
#' vcf_genant(m)
#'
#' # a plain array: a 20 x 30 x 25 mm box, axes pointing Left, Posterior, Superior
#' x <- array(0L, c(12, 12, 12)); x[2:11, 2:11, 2:6] <- 20L
#' vcf_morphometry(x, spacing = c(2, 3, 5), orientation = "LPS")
#' @export
vcf_morphometry <- function(vertebrae, spacing = NULL, orientation = NULL,
                            labels = NULL, convention = "verse",
                            axes = c("principal", "voxel"), checkpoint = NULL) {
  call <- rlang::current_env()
  if (!is.null(orientation)) parse_orientation(orientation, "`orientation`", call)
  # The type first: `axes[1L]` of a function would fail unclassed.
  if (!is.character(axes) || !length(axes) %in% c(1L, 2L)) {
    check_string(axes, "axes", choices = c("principal", "voxel"), call = call)
  }
  check_string(axes[1L], "axes", choices = c("principal", "voxel"), call = call)
  axes <- axes[1L]
  setup <- check_scan_args(vertebrae, spacing, labels, convention, missing(convention),
                           checkpoint, call)
  n <- length(setup$scans)
  pick <- function(i) if (setup$batch) vertebrae[[i]] else vertebrae
  settings <- deparse(list(setup$spacing, orientation, setup$labels, convention, axes))
  # what identifies each scan for its checkpoint (only with one)
  inputs <- if (!is.null(setup$checkpoint)) {
    lapply(seq_len(n), function(i) c(scan_inputs(pick(i)), settings))
  }
  run <- run_scans(n, function(i) {
    morphometry_one(pick(i), scan_setup(setup, i), orientation, axes, setup$scans[[i]], call)
  }, setup$scans, inputs, setup$checkpoint, setup$batch, list(vertebrae = vertebrae))
  rows <- if (length(run$parts)) bind_parts(run$parts, "rows") else
    list(scan = character(), label = integer(), level = character(), ha_mm = numeric(),
         hm_mm = numeric(), hp_mm = numeric(), ap_mm = numeric(), voxels = numeric(),
         flags = character())
  rows <- data.frame(scan = rows$scan, label = rows$label,
                     level = factor(rows$level, levels = levels(vcf_level("C1")), ordered = TRUE),
                     ha_mm = rows$ha_mm, hm_mm = rows$hm_mm, hp_mm = rows$hp_mm,
                     ap_mm = rows$ap_mm, voxels = rows$voxels, flags = rows$flags,
                     stringsAsFactors = FALSE)
  warn_flags(rows$scan, rows$level, rows$flags)
  structure(rows, failures = run$failures, axes = axes,
            class = c("vcf_morphometry", "data.frame"))
}

morphometry_one <- function(vertebrae, setup, orientation, axes, scan, call) {
  image <- read_scan(vertebrae, "vertebrae", call)
  spacing <- resolve_spacing(list(image), setup$spacing, call)
  orient <- resolve_orientation(image, orientation, call)
  geometry <- label_geometry(image, spacing, orient)
  levels <- scan_levels(image, geometry, setup, call)
  d <- as.integer(dim(image$data))
  if (axes == "voxel") {
    res <- .Call(C_morphometry_scan, image$data, d, orient$axis, orient$flip)
    heights <- body_heights(res, spacing[orient$axis + 1L])
    found <- res$label
  } else {
    keep <- match(levels$label, geometry$label)
    heights <- principal_heights(image, d, geometry, keep, levels$level,
                                 world_matrix(image, orient, spacing))
    found <- levels$label
  }
  labels <- if (is.null(setup$labels)) levels$label else setup$labels
  m <- match(labels, found)
  at <- match(labels, levels$label)
  level <- as.character(levels$level[at])
  o <- order_rows(labels, level, levels$by_level)
  pick <- function(v) unname(v[m])[o]
  list(rows = list(scan = rep(scan, length(labels)), label = labels[o], level = level[o],
                   ha_mm = pick(heights$ha), hm_mm = pick(heights$hm),
                   hp_mm = pick(heights$hp), ap_mm = pick(heights$ap),
                   voxels = ifelse(is.na(at), 0, geometry$count[match(labels, geometry$label)])[o],
                   flags = ifelse(is.na(at), "", levels$flags[at])[o]))
}

# The covariance (voxel units, 6 columns) from which each body's axes are
# taken: that of the body pooled with the bodies directly above and below
# it, when it has any, so that the local axis of the spine, not the
# body's own deformity (a wedge leans), sets its frame; a body alone
# uses its own.
local_spine_cov <- function(geometry, keep, level) {
  # neighbours by position in the scan's own run of levels (T12 and L1 are
  # neighbours unless a T13 lies between them)
  rank <- as.integer(level)
  position <- rep(NA_integer_, length(rank))
  position[!is.na(rank)] <- rank(rank[!is.na(rank)], ties.method = "first")
  pairs <- rbind(c(1, 1), c(2, 2), c(3, 3), c(1, 2), c(1, 3), c(2, 3))
  t(vapply(seq_along(keep), function(q) {
    near <- if (is.na(position[q])) integer() else which(abs(position - position[q]) == 1L)
    group <- keep[c(q, near)]
    n <- geometry$count[group]
    mean <- geometry$mean[group, , drop = FALSE]
    centre <- colSums(mean * n) / sum(n)
    vapply(1:6, function(p) {
      a <- pairs[p, 1L]; b <- pairs[p, 2L]
      sum(n * (geometry$cov[group, p] + (mean[, a] - centre[a]) * (mean[, b] - centre[b]))) / sum(n)
    }, numeric(1))
  }, numeric(6)))
}

# Heights along each body's principal axes: axes from the covariances
# (GSL), then the SI extents per AP column of the mid-sagittal slab.
principal_heights <- function(image, d, geometry, keep, levels, world) {
  n <- length(keep)
  out <- list(ha = rep(NA_real_, n), hm = rep(NA_real_, n),
              hp = rep(NA_real_, n), ap = rep(NA_real_, n))
  if (!n) return(out)
  cov <- local_spine_cov(geometry, keep, levels)
  frame <- .Call(C_morphometry_axes, cov, world)
  ok <- frame$status == 0L
  prof <- .Call(C_morphometry_profile, image$data, d, geometry$label[keep][ok],
                geometry$box[keep, , drop = FALSE][ok, , drop = FALSE],
                frame$axes[ok, , drop = FALSE], world)
  idx <- which(ok)
  for (q in seq_along(idx)) {
    s <- idx[q]
    lo <- prof$zmin[[q]]
    hi <- prof$zmax[[q]]
    cols <- which(!is.na(lo))
    if (!length(cols)) next
    first <- min(cols)
    L <- max(cols) - first + 1L
    height <- function(j) mean(hi[first + j] - lo[first + j] + prof$thickness[q])
    u_ap <- frame$axes[s, 4:6]
    out$ha[s] <- height(column_offsets(5L, L))
    out$hm[s] <- height(column_offsets(3L, L))
    out$hp[s] <- height(column_offsets(1L, L))
    out$ap[s] <- L * max(abs(drop(u_ap %*% world)))
  }
  out
}

# Heights from the per-column superior-inferior extents of the mid-sagittal
# slice (canonical coordinates; `size` = voxel sizes along RL, AP, SI).
body_heights <- function(res, size) {
  n <- length(res$label)
  out <- list(ha = rep(NA_real_, n), hm = rep(NA_real_, n),
              hp = rep(NA_real_, n), ap = rep(NA_real_, n))
  for (s in seq_len(n)) {
    lo <- res$smin[s, ]
    hi <- res$smax[s, ]
    cols <- which(lo >= 0L)
    if (!length(cols)) next  # a split body with nothing in its middle slice
    first <- min(cols)
    L <- max(cols) - first + 1L
    height <- function(j) {
      h <- ifelse(lo[first + j] >= 0L, hi[first + j] - lo[first + j] + 1, NA_real_)
      mean(h) * size[3L]
    }
    out$ha[s] <- height(column_offsets(5L, L))
    out$hm[s] <- height(column_offsets(3L, L))
    out$hp[s] <- height(column_offsets(1L, L))
    out$ap[s] <- L * size[2L]
  }
  out
}

# 0-based offsets, from the posterior end, of the column(s) whose voxel
# centres are nearest to k/6 of an extent of L voxels. In units of 1/6 voxel
# the target centre offset is k * L - 3, so ties are detected exactly.
column_offsets <- function(k, L) {
  num <- k * L - 3L
  j <- num %/% 6L
  rem <- num - 6L * j
  j <- if (rem < 3L) j else if (rem > 3L) j + 1L else {
    if (k < 3L) j + 1L else if (k > 3L) j else c(j, j + 1L)
  }
  pmin(pmax(j, 0L), L - 1L)
}

#' @export
print.vcf_morphometry <- function(x, ...) {
  if (!all(c("scan", "ha_mm") %in% names(x))) {
    print(structure(x, class = "data.frame"), ...)
    return(invisible(x))
  }
  scans <- length(unique(x$scan))
  cat("Vertebral morphometry: ", nrow(x), " vertebra", if (nrow(x) != 1L) "e",
      " in ", scans, " scan", if (scans != 1L) "s", "\n", sep = "")
  out <- x
  attr(out, "failures") <- NULL
  attr(out, "axes") <- NULL
  class(out) <- "data.frame"
  if (!is.null(out$flags) && !any(nzchar(out$flags))) out$flags <- NULL
  for (col in intersect(c("ha_mm", "hm_mm", "hp_mm", "ap_mm"), names(out))) {
    out[[col]] <- signif(out[[col]], 4)
  }
  print_scan_rows(out)
  print_batch_footer(x)
  invisible(x)
}

# Adjacent vertebrae -------------------------------------------------------------

# For each row, the mean of `h` over the nearest vertebrae above and below
# in the same scan (by level; one neighbour when there is only one; NA for a
# vertebra alone in its scan or with no level).
adjacent_mean <- function(h, scan, level) {
  out <- rep(NA_real_, length(h))
  rank <- as.integer(level)
  for (g in split(seq_along(h), scan)) {
    g <- g[!is.na(rank[g])]
    g <- g[order(rank[g])]
    n <- length(g)
    if (n < 2L) next
    above <- c(NA, h[g][-n])
    below <- c(h[g][-1L], NA)
    out[g] <- rowMeans(cbind(above, below), na.rm = TRUE)
  }
  out[is.nan(out)] <- NA_real_
  out
}

check_morphometry <- function(x, arg, call) {
  need <- c("scan", "label", "level", "ha_mm", "hm_mm", "hp_mm")
  if (!is.data.frame(x) || !all(need %in% names(x))) {
    vcf_abort(c("{.arg {arg}} must be a {.fn vcf_morphometry} result.",
                x = "It lacks column{?s} {.field {setdiff(need, names(x))}}."),
              c("type", "argument"), call = call)
  }
  if (anyDuplicated(x[c("scan", "label")])) {
    vcf_abort("{.arg {arg}} holds a label twice in one scan.",
              c("duplicate_key", "input"), call = call)
  }
  for (col in c("ha_mm", "hm_mm", "hp_mm")) check_heights(x[[col]], paste0(arg, "$", col), call)
}

# Heights are positive and finite, or NA (not measured).
check_heights <- function(h, arg, call) {
  if (!is.numeric(h)) {
    vcf_abort(c("{.arg {arg}} must be numeric heights in mm.",
                x = "It is {.cls {class(h)}}."),
              c("height", "argument"), call = call)
  }
  bad <- which(!is.na(h) & !(is.finite(h) & h > 0))
  if (length(bad)) {
    vcf_abort(c("{.arg {arg}} must hold positive finite heights (or NA).",
                x = "Not so at {describe_rows(bad, h[bad])}."),
              c("height", "argument"), call = call)
  }
}

#' Anterior height ratio
#'
#' The BKP study's anterior vertebral body height as a percentage of the
#' mean anterior height of the vertebrae above and below:
#' `100 * ha / mean(ha_above, ha_below)`.
#'
#' The vertebrae above and below are the nearest ones present in the same
#' scan, by level order ([vcf_level()]; labels with no VerSe level are left
#' out). A vertebra at the end of the segmented stretch has one neighbour,
#' whose height is used alone; a vertebra alone in its scan gets `NA`.
#'
#' @param morphometry A [vcf_morphometry()] result.
#' @return A numeric vector, one value per row of `morphometry`.
#' @examples
#' m <- data.frame(scan = "a", label = 19:21, level = vcf_level(19:21),
#'                 ha_mm = c(26, 18, 28), hm_mm = c(25, 20, 27),
#'                 hp_mm = c(27, 26, 29))
#' vcf_height_ratio(m)   # L1: 100 * 18 / mean(26, 28) = 66.7
#' @export
vcf_height_ratio <- function(morphometry) {
  check_morphometry(morphometry, "morphometry", rlang::current_env())
  ref <- adjacent_mean(morphometry$ha_mm, morphometry$scan, morphometry$level)
  100 * morphometry$ha_mm / ref
}

# Genant ---------------------------------------------------------------------------

#' Genant grade and shape of vertebral deformities
#'
#' Grades vertebral body heights by Genant's semi-quantitative criteria
#' applied to measured heights: the height loss against a reference height,
#' graded 0 (normal, under 20%), 1 (mild, 20-25%), 2 (moderate, 25-40%) or 3
#' (severe, over 40%), and the shape of the deformity.
#'
#' @section Reference heights:
#' * `reference = "adjacent"` (the default): each height (anterior, middle,
#'   posterior) is compared with the mean of the same height of the nearest
#'   vertebrae above and below. From a [vcf_morphometry()] result the
#'   neighbours are taken per scan by level, as in [vcf_height_ratio()]; from
#'   plain vectors the elements are taken to be consecutive vertebrae in
#'   cranio-caudal order, element `i - 1` above and `i + 1` below.
#' * `reference = "posterior"`: the vertebra's own posterior height, the
#'   usual reference for wedge and biconcave deformities. The posterior loss
#'   is then 0 and no crush can be found.
#' * A numeric vector (one reference height per vertebra, used for all three
#'   heights) or a 3-column matrix (anterior, middle, posterior references).
#'
#' @section Grades and their edges:
#' The loss of a height is `100 * (reference - height) / reference`, rounded
#' to 10 decimals so that 16 mm against 20 mm is exactly 20%. The grade is
#' that of the largest of the three losses, each threshold inclusive: with
#' the default `thresholds = c(20, 25, 40)`, a loss under 20% is grade 0,
#' exactly 20% and up to under 25% grade 1, exactly 25% to under 40% grade 2
#' and 40% or more grade 3 (Genant's "over 40%" taken to include 40% itself,
#' so that every edge is treated alike).
#'
#' @section Shape:
#' For grade 1 or more: `crush` when the posterior loss is the largest (ties
#' included) or when all three losses reach the first threshold; otherwise
#' `wedge` when the anterior loss is at least the middle one, and
#' `biconcave` when the middle loss is the largest. Grade 0 has shape `none`.
#'
#' @param ha Anterior heights (mm), or a [vcf_morphometry()] result, whose
#'   `ha_mm`, `hm_mm` and `hp_mm` are then used.
#' @param hm,hp Middle and posterior heights, the same length as `ha`
#'   (omitted when `ha` is a morphometry result).
#' @param reference `NULL` or `"adjacent"`, `"posterior"`, or numeric
#'   reference heights (see Reference heights).
#' @param thresholds Three increasing loss percentages starting grades 1, 2
#'   and 3.
#' @param method `"sq"` (Genant's semi-quantitative grading of the height
#'   losses, the default), `"qm"` (quantitative morphometry ratios graded by
#'   the same thresholds) or `"qm_sd"` (the ratios against a reference table
#'   of means and SDs); see Grading methods.
#' @param extended `TRUE` for the extended SQ scale, which adds grade 0.5
#'   (borderline) for a loss from `borderline` up to the first threshold.
#' @param borderline The loss percentage where grade 0.5 starts (extended
#'   scale only).
#' @param sd_reference For `method = "qm_sd"`: a data frame with columns
#'   `level` (level names), `ratio` (`"ha_hp"`, `"hm_hp"` or `"hp_adj"`),
#'   `mean` and `sd` (positive); every level and ratio graded must be in it.
#' @param sd_cut For `method = "qm_sd"`: a ratio this many SDs or more below
#'   its reference mean is a deformity.
#' @section Grading methods:
#' * `"sq"`: the height losses against the reference heights, as above.
#' * `"qm"`: quantitative morphometry. The ratios Ha/Hp (wedge), Hm/Hp
#'   (biconcave) and Hp against the mean Hp of the adjacent vertebrae
#'   (crush; `NA` without neighbours) are turned into reductions
#'   `100 * (1 - ratio)`, stored in `ha_loss_pct`, `hm_loss_pct` and
#'   `hp_loss_pct`; the largest is graded by `thresholds` and names the
#'   shape (ties toward crush, then wedge). `reference` is not used.
#' * `"qm_sd"`: the same three ratios as SD scores against `sd_reference`
#'   (normative means and SDs per level, as published for a population); a
#'   ratio `sd_cut` SDs or more below its mean is a deformity, grade 1, and
#'   the lowest score names the shape; otherwise grade 0. The scores are in
#'   the columns `ha_hp_z`, `hm_hp_z` and `hp_adj_z`.
#'
#' Every row gets a `reason`: the measure that decided its grade, its
#' value and the threshold it crossed, or why no grade could be given.
#'
#' @return A data frame with one row per vertebra: the identifying columns of
#'   a morphometry input (`scan`, `label`, `level`), then `ha_loss_pct`,
#'   `hm_loss_pct`, `hp_loss_pct`, `loss_pct` (the largest), `grade`
#'   (integer 0-3; double with 0.5 on the extended scale) and `shape`
#'   (factor none, wedge, biconcave, crush), `reason`.
#' @examples
#' # T11, T12 (anterior wedge) and L1
#' vcf_genant(ha = c(26, 18, 28), hm = c(25, 22, 27), hp = c(27, 26, 29))
#' vcf_genant(ha = 16, hm = 19, hp = 20, reference = "posterior")  # 20%: grade 1
#' vcf_genant(ha = c(26, 18, 28), hm = c(25, 22, 27), hp = c(27, 26, 29), method = "qm")
#' vcf_genant(ha = 17.5, hm = 19, hp = 20, reference = "posterior", extended = TRUE)
#' @export
vcf_genant <- function(ha, hm = NULL, hp = NULL, reference = NULL,
                       thresholds = c(20, 25, 40), method = c("sq", "qm", "qm_sd"),
                       extended = FALSE, borderline = 15, sd_reference = NULL,
                       sd_cut = 3) {
  call <- rlang::current_env()
  ids <- NULL
  if (is.data.frame(ha)) {
    check_morphometry(ha, "ha", call)
    ids <- ha[c("scan", "label", "level")]
    heights <- list(ha$ha_mm, ha$hm_mm, ha$hp_mm)
  } else {
    heights <- list(ha, hm, hp)
    for (k in 1:3) {
      h <- heights[[k]]
      arg <- c("ha", "hm", "hp")[k]
      if (!is.numeric(h) || length(h) != length(heights[[1L]]) || !is.null(dim(h))) {
        vcf_abort(c("{.arg {arg}} must be positive heights, as many as in {.arg ha}.",
                    x = "It is {.val {format_arg(h)}}."),
                  c("height", "argument"), call = call)
      }
      check_heights(h, arg, call)
    }
  }
  ok <- is.numeric(thresholds) && length(thresholds) == 3L && !anyNA(thresholds) &&
    all(diff(thresholds) > 0) && thresholds[1L] > 0 && thresholds[3L] < 100
  if (!ok) {
    vcf_abort(c("{.arg thresholds} must be 3 increasing percentages in (0, 100).",
                x = "It is {show_values(thresholds)}."),
              c("thresholds", "argument"), call = call)
  }
  if (!is.character(method) || !length(method) %in% c(1L, 3L)) {
    check_string(method, "method", choices = c("sq", "qm", "qm_sd"), call = call)
  }
  method <- method[1L]
  check_string(method, "method", choices = c("sq", "qm", "qm_sd"), call = call)
  check_flag(extended, "extended", call = call)
  check_number(borderline, "borderline", min = 0, max = 100, call = call)
  check_number(sd_cut, "sd_cut", min = 0, max = 100, call = call)
  if (extended && borderline >= thresholds[1L]) {
    vcf_abort(c("{.arg borderline} must lie below the first threshold ({thresholds[1L]}).",
                x = "It is {show_values(borderline)}."),
              c("thresholds", "argument"), call = call)
  }
  n <- length(heights[[1L]])
  graded <- switch(method,
    sq = grade_losses(sq_losses(reference, heights, ids, n, call), thresholds, "sq"),
    qm = grade_losses(qm_losses(heights, ids, n), thresholds, "qm"),
    qm_sd = grade_sd(heights, ids, n, sd_reference, sd_cut, call))
  if (extended && method != "qm_sd") graded <- extend_grades(graded, borderline)
  out <- data.frame(graded$columns, grade = graded$grade,
                    shape = factor(graded$shape, levels = c("none", "wedge", "biconcave", "crush")),
                    reason = graded$reason, stringsAsFactors = FALSE)
  if (!is.null(ids)) out <- cbind(ids, out)
  rownames(out) <- NULL
  out
}

# Losses of the SQ reading: each height against its reference height.
sq_losses <- function(reference, heights, ids, n, call) {
  ref <- genant_reference(reference, heights, ids, n, call)
  loss <- vapply(1:3, function(k) round(100 * (ref[, k] - heights[[k]]) / ref[, k], 10),
                 numeric(n))
  matrix(loss, nrow = n)
}

# Reductions of the quantitative ratios Ha/Hp, Hm/Hp and Hp/Hp(adjacent).
qm_losses <- function(heights, ids, n) {
  scan <- if (is.null(ids)) rep(1L, n) else ids$scan
  level <- if (is.null(ids)) seq_len(n) else ids$level
  hp_adj <- adjacent_mean(heights[[3L]], scan, level)
  ratio <- cbind(heights[[1L]] / heights[[3L]], heights[[2L]] / heights[[3L]],
                 heights[[3L]] / hp_adj)
  matrix(round(100 * (1 - ratio), 10), nrow = n)
}

loss_names <- c("anterior", "middle", "posterior")
qm_names <- c("Ha/Hp", "Hm/Hp", "Hp/Hp(adjacent)")

# Grade and shape from three losses (columns anterior/wedge,
# middle/biconcave, posterior/crush) and the reason for each.
grade_losses <- function(loss, thresholds, method) {
  n <- nrow(loss)
  worst <- apply(loss, 1L, function(v) if (anyNA(v)) NA_real_ else max(v))
  grade <- as.integer(findInterval(worst, thresholds))
  crush <- loss[, 3L] >= loss[, 1L] & loss[, 3L] >= loss[, 2L]
  if (method == "sq") {
    crush <- crush | (loss[, 1L] >= thresholds[1L] & loss[, 2L] >= thresholds[1L] &
                        loss[, 3L] >= thresholds[1L])
  }
  shape <- ifelse(grade == 0L, "none", ifelse(crush, "crush",
                  ifelse(loss[, 1L] >= loss[, 2L], "wedge", "biconcave")))
  which_max <- ifelse(is.na(worst), NA_integer_,
                      ifelse(crush, 3L, ifelse(loss[, 1L] >= loss[, 2L], 1L, 2L)))
  what <- if (method == "sq") paste(loss_names, "height loss") else paste(qm_names, "reduction")
  edges <- c(0, thresholds)
  reason <- ifelse(is.na(worst),
    ifelse(apply(is.na(loss), 1L, all), "no reference height (no neighbour or no height)",
           paste0("no ", what[apply(is.na(loss), 1L, which.max)])),
    paste0(what[pmax(which_max, 1L)], " ", formatC(worst, format = "f", digits = 1), "%",
           ifelse(grade == 0L, paste0(" < ", thresholds[1L], "%"),
                  paste0(" >= ", edges[pmax(grade, 1L) + 1L], "%")),
           ": grade ", grade))
  list(columns = data.frame(ha_loss_pct = loss[, 1L], hm_loss_pct = loss[, 2L],
                            hp_loss_pct = loss[, 3L], loss_pct = worst),
       grade = grade, shape = shape, reason = reason)
}

# Grade 0.5 (borderline) for losses from `borderline` to the first threshold.
extend_grades <- function(graded, borderline) {
  worst <- graded$columns$loss_pct
  half <- !is.na(worst) & graded$grade == 0L & worst >= borderline
  graded$grade <- as.double(graded$grade)
  graded$grade[half] <- 0.5
  graded$reason[half] <- sub("grade 0$", "grade 0.5 (borderline)",
                             sub(" < [0-9.]+%", paste0(" >= ", borderline, "%"), graded$reason[half]))
  graded
}

# SD scores of the three ratios against a normative table.
grade_sd <- function(heights, ids, n, sd_reference, sd_cut, call) {
  need <- c("level", "ratio", "mean", "sd")
  ok <- is.data.frame(sd_reference) && all(need %in% names(sd_reference)) &&
    is.numeric(sd_reference$mean) && is.numeric(sd_reference$sd) &&
    all(is.finite(sd_reference$mean)) && all(is.finite(sd_reference$sd) & sd_reference$sd > 0) &&
    all(sd_reference$ratio %in% c("ha_hp", "hm_hp", "hp_adj"))
  if (!ok) {
    vcf_abort(c("{.arg sd_reference} must be a data frame with columns {.field {need}}: ratios \"ha_hp\", \"hm_hp\", \"hp_adj\", finite means and positive SDs.",
                x = "It is {.val {format_arg(sd_reference)}}."),
              c("reference", "argument"), call = call)
  }
  level <- if (is.null(ids)) rep(NA_character_, n) else as.character(ids$level)
  ratio <- 1 - qm_losses(heights, ids, n) / 100
  key <- paste(as.character(vcf_level(as.character(sd_reference$level))), sd_reference$ratio)
  z <- vapply(1:3, function(k) {
    at <- match(paste(level, c("ha_hp", "hm_hp", "hp_adj")[k]), key)
    (ratio[, k] - sd_reference$mean[at]) / sd_reference$sd[at]
  }, numeric(n))
  z <- matrix(z, nrow = n)
  lowest <- apply(z, 1L, function(v) if (all(is.na(v))) NA_real_ else min(v, na.rm = TRUE))
  which_low <- apply(z, 1L, function(v) if (all(is.na(v))) NA_integer_ else which.min(v))
  grade <- ifelse(is.na(lowest), NA_integer_, as.integer(lowest <= -sd_cut))
  shape <- ifelse(is.na(grade) | grade == 0L, "none", c("wedge", "biconcave", "crush")[which_low])
  reason <- ifelse(is.na(lowest), "no reference ratio for this level (sd_reference) or no height",
                   paste0(qm_names[pmax(which_low, 1L)], " ", formatC(lowest, format = "f", digits = 2),
                          " SD", ifelse(grade == 1L, " <= ", " > "), "-", sd_cut, " SD: grade ", grade))
  list(columns = data.frame(ha_hp_z = z[, 1L], hm_hp_z = z[, 2L], hp_adj_z = z[, 3L]),
       grade = grade, shape = shape, reason = reason)
}

genant_reference <- function(reference, heights, ids, n, call) {
  if (is.null(reference)) reference <- "adjacent"
  if (is.character(reference)) {
    check_string(reference, "reference", choices = c("adjacent", "posterior"), call = call)
    if (reference == "posterior") return(matrix(heights[[3L]], n, 3L))
    scan <- if (is.null(ids)) rep(1L, n) else ids$scan
    level <- if (is.null(ids)) seq_len(n) else ids$level
    return(vapply(heights, function(h) adjacent_mean(h, scan, level), numeric(n)) |>
             matrix(nrow = n))
  }
  ok <- is.numeric(reference) &&
    ((is.null(dim(reference)) && length(reference) == n) ||
       identical(dim(reference), c(n, 3L))) &&
    all(is.finite(reference[!is.na(reference)]) & reference[!is.na(reference)] > 0)
  if (!ok) {
    vcf_abort(c("{.arg reference} must be \"adjacent\", \"posterior\", {n} positive heights or a {n} x 3 matrix.",
                x = "It is {.val {format_arg(reference)}}."),
              c("reference", "argument"), call = call)
  }
  if (is.null(dim(reference))) matrix(reference, n, 3L) else reference
}
