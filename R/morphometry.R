# Vertebral morphometry from label maps: orientation logic here, voxel
# scanning in src/morphometry.c; Genant grading and the anterior height
# ratio from the heights.

# Orientation --------------------------------------------------------------------

# A 3-letter code ("RAS", "LPI", "ASR", ...) giving the direction each array
# axis points to, as list(axis, flip): axis[a] is the 0-based array axis
# running right-left (a = 1), anterior-posterior (2) and superior-inferior
# (3); flip[a] is 1 when the index grows toward Left, Posterior, Inferior.
parse_orientation <- function(code, what, call) {
  letters <- if (is.character(code) && length(code) == 1L && !is.na(code))
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

# vcf_morphometry ----------------------------------------------------------------

#' Vertebral body heights from segmented scans
#'
#' Measures the anterior, middle and posterior heights of every vertebral
#' body of a label map, the quantities behind Genant's grading of vertebral
#' fractures and the anterior height ratio of the BKP study.
#'
#' @section Method:
#' For each label (label 0 is background),
#' 1. the *mid-sagittal slice* is the sagittal slice through the middle of
#'    the body's right-left extent (of the two middle slices of an even
#'    extent, the left one);
#' 2. in that slice the body's anterior-posterior extent runs over `L`
#'    columns (the anterior-posterior lines of voxels); the heights are
#'    measured in the columns whose voxel centres are nearest to 5/6
#'    (anterior, `ha_mm`), 1/2 (middle, `hm_mm`) and 1/6 (posterior,
#'    `hp_mm`) of that extent counted from its posterior edge. A column lying
#'    exactly between two voxel centres is taken toward the centre of the
#'    body; the middle height of an even `L` is the mean of the two central
#'    columns;
#' 3. a height is the superior-inferior extent of the body in that column,
#'    from its lowest to its highest voxel, both counted, times the voxel
#'    size along the superior-inferior axis; a column holding none of the
#'    body (a non-convex segmentation) gives `NA`, and so do all heights of
#'    a label split in two with nothing in its mid-sagittal slice.
#'
#' `ap_mm` is the anterior-posterior extent, `L` times the voxel size on that
#' axis. Anterior, superior and right come from the NIfTI qform/sform
#' (through [RNifti::orientation()]), so a scan stored in any axis order or
#' direction gives the same heights. The voxel axes nearest to the
#' anatomical axes are used: obliquely acquired scans are not resampled.
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
#' @inheritSection vcf_volumetrics Batches
#' @param vertebrae Label map: a 3D integer, double, logical or raw array, a
#'   `niftiImage`, or the path of a NIfTI file; a vector of paths for a batch.
#' @param spacing Voxel size in mm (3 values, or 1 for isotropic voxels),
#'   in the order of the array axes. Defaults to the header's; required for
#'   plain arrays.
#' @param orientation For plain arrays, a 3-letter code giving the direction
#'   each array axis points to (`"RAS"`: the first axis runs toward Right,
#'   the second toward Anterior, the third toward Superior; `"LPI"`, `"ASR"`,
#'   ...), the convention of [RNifti::orientation()]. For files it is read
#'   from the header; if given, it must agree (it is required for a header
#'   whose qform and sform codes are both 0).
#' @param labels Labels to report, or `NULL` for every label present; a
#'   label absent from the map gets `NA` heights.
#' @return A data frame of class `vcf_morphometry`, one row per scan and
#'   label: `scan`, `label`, `level`, `ha_mm`, `hm_mm`, `hp_mm`, `ap_mm`,
#'   `voxels`.
#' @section Errors:
#' Classed errors naming the argument or file: labels that are not whole
#' numbers in 0..65535 (`vcf_error_label`), missing or invalid `spacing`
#' or `orientation` (`vcf_error_spacing`, `vcf_error_orientation`), header
#' values disagreeing with them (`vcf_error_spacing_mismatch`,
#' `vcf_error_orientation_mismatch`), unreadable files (`vcf_error_file`).
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
                            labels = NULL) {
  call <- rlang::current_call()
  labels <- check_labels_arg(labels, call)
  if (is.character(vertebrae) && length(vertebrae) == 0L) {
    vcf_abort("{.arg vertebrae} holds no paths.", c("batch", "argument"), call = call)
  }
  names <- scan_names(vertebrae)
  if (is.character(vertebrae) && length(vertebrae) > 1L) {
    parts <- run_batch(length(vertebrae), function(i) {
      morphometry_one(vertebrae[[i]], spacing, orientation, labels, names[[i]], call)
    })
  } else {
    parts <- list(morphometry_one(vertebrae, spacing, orientation, labels, names, call))
  }
  rows <- bind_parts(parts)
  rows <- data.frame(scan = rows$scan, label = rows$label, level = vcf_level(rows$label),
                     ha_mm = rows$ha_mm, hm_mm = rows$hm_mm, hp_mm = rows$hp_mm,
                     ap_mm = rows$ap_mm, voxels = rows$voxels, stringsAsFactors = FALSE)
  structure(rows, class = c("vcf_morphometry", "data.frame"))
}

morphometry_one <- function(vertebrae, spacing, orientation, labels, scan, call) {
  image <- read_scan(vertebrae, "vertebrae", call, orient = TRUE)
  spacing <- resolve_spacing(list(image), spacing, call)
  orient <- resolve_orientation(image, orientation, call)
  d <- as.integer(dim(image$data))
  res <- .Call(C_morphometry_scan, image$data, d, orient$axis, orient$flip)
  if (!is.null(res$error)) raise_voxel_error(c(1, res$error), list(image), call)
  heights <- body_heights(res, spacing[orient$axis + 1L])
  found <- res$label
  if (is.null(labels)) labels <- sort(found)
  m <- match(labels, found)
  pick <- function(v) unname(v[m])
  list(scan = rep(scan, length(labels)), label = labels,
       ha_mm = pick(heights$ha), hm_mm = pick(heights$hm),
       hp_mm = pick(heights$hp), ap_mm = pick(heights$ap),
       voxels = ifelse(is.na(m), 0, pick(res$count)))
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
  scans <- length(unique(x$scan))
  cat("Vertebral morphometry: ", nrow(x), " vertebra", if (nrow(x) != 1L) "e",
      " in ", scans, " scan", if (scans != 1L) "s", "\n", sep = "")
  out <- x
  class(out) <- "data.frame"
  print(out, row.names = FALSE, digits = 4, ...)
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
#' @return A data frame with one row per vertebra: the identifying columns of
#'   a morphometry input (`scan`, `label`, `level`), then `ha_loss_pct`,
#'   `hm_loss_pct`, `hp_loss_pct`, `loss_pct` (the largest), `grade`
#'   (integer 0-3) and `shape` (factor none, wedge, biconcave, crush).
#' @examples
#' # T11, T12 (anterior wedge) and L1
#' vcf_genant(ha = c(26, 18, 28), hm = c(25, 22, 27), hp = c(27, 26, 29))
#' vcf_genant(ha = 16, hm = 19, hp = 20, reference = "posterior")  # 20%: grade 1
#' @export
vcf_genant <- function(ha, hm = NULL, hp = NULL, reference = NULL,
                       thresholds = c(20, 25, 40)) {
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
      if (!is.numeric(h) || length(h) != length(heights[[1L]]) ||
          any(h[!is.na(h)] <= 0)) {
        vcf_abort(c("{.arg {arg}} must be positive heights, as many as in {.arg ha}.",
                    x = "It is {.val {format_arg(h)}}."),
                  c("height", "argument"), call = call)
      }
    }
  }
  ok <- is.numeric(thresholds) && length(thresholds) == 3L && !anyNA(thresholds) &&
    all(diff(thresholds) > 0) && thresholds[1L] > 0 && thresholds[3L] < 100
  if (!ok) {
    vcf_abort(c("{.arg thresholds} must be 3 increasing percentages in (0, 100).",
                x = "It is {.val {format_values(thresholds)}}."),
              c("thresholds", "argument"), call = call)
  }
  n <- length(heights[[1L]])
  ref <- genant_reference(reference, heights, ids, n, call)
  loss <- vapply(1:3, function(k) round(100 * (ref[, k] - heights[[k]]) / ref[, k], 10),
                 numeric(n))
  loss <- matrix(loss, nrow = n)
  worst <- apply(loss, 1L, function(v) if (anyNA(v)) NA_real_ else max(v))
  grade <- findInterval(worst, thresholds)
  shape <- ifelse(grade == 0L, "none",
           ifelse(loss[, 3L] >= loss[, 1L] & loss[, 3L] >= loss[, 2L] |
                    (loss[, 1L] >= thresholds[1L] & loss[, 2L] >= thresholds[1L] &
                       loss[, 3L] >= thresholds[1L]), "crush",
           ifelse(loss[, 1L] >= loss[, 2L], "wedge", "biconcave")))
  out <- data.frame(ha_loss_pct = loss[, 1L], hm_loss_pct = loss[, 2L],
                    hp_loss_pct = loss[, 3L], loss_pct = worst,
                    grade = as.integer(grade),
                    shape = factor(shape, levels = c("none", "wedge", "biconcave", "crush")))
  if (!is.null(ids)) out <- cbind(ids, out)
  rownames(out) <- NULL
  out
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
    all(reference[!is.na(reference)] > 0)
  if (!ok) {
    vcf_abort(c("{.arg reference} must be \"adjacent\", \"posterior\", {n} positive heights or a {n} x 3 matrix.",
                x = "It is {.val {format_arg(reference)}}."),
              c("reference", "argument"), call = call)
  }
  if (is.null(dim(reference))) matrix(reference, n, 3L) else reference
}
