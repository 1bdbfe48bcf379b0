# Writes the example NIfTI files of inst/extdata: three small synthetic
# lumbar scans (label map, BME mask, cement mask each), stored in different
# axis orders and directions, with volumes and heights known by
# construction. Deterministic: no random numbers. Run from the package root
# (`make data` or `Rscript data-raw/nifti_examples.R`).
#
# Geometry, in canonical voxel coordinates (0-based, increasing toward
# Right, Anterior, Superior), voxel size 3 x 1 x 1 mm (right-left slices
# 3 mm thick, 1 mm in the sagittal plane), grid 20 x 50 x 125:
#   every body spans RL slices 4..15 (12 slices, 36 mm) and AP columns
#   10..39 (30 columns, 30 mm); bodies are 25 voxels high with 5-voxel discs:
#   T11 (label 18) SI 95..119, T12 (19) 65..89, L1 (20) 35..59, L2 (21) 5..29
#   (T11 on top: SI coordinates grow toward the head).
#   A fractured body is an anterior wedge: in AP column j (0 = posterior) it
#   spans SI base .. base + 25 - floor(j / 3) - 1.
# Morphometry of an intact body: ha = hm = hp = 25 mm. Of a wedge
#   (columns 24, 14/15 and 5 are used, see ?vcf_morphometry): ha = 17 mm,
#   hm = (21 + 20) / 2 = 20.5 mm, hp = 24 mm; anterior height ratio 68%.
# Volumes (voxel 3 mm3): intact body 12 * 30 * 25 = 9000 voxels (27000 mm3);
#   wedge 12 * sum_j (25 - floor(j / 3)) = 12 * 615 = 7380 voxels (22140 mm3).
#
# scan1 (sagittal storage "PIR"): T12 wedge treated with cement
#   (RL 7..12, AP 15..24, SI 68..75: 6 * 10 * 8 = 480 voxels); BME in T12 at
#   SI 65..80 (all columns, RL 4..15, outside the cement): 12 * 30 * 16 - 480
#   = 5280 voxels, bme_pct = 100 * 5280 / (7380 - 480) = 76.52% (severe);
#   BME in L1 at SI 55..59, RL 4..15, AP 10..24: 12 * 15 * 5 = 900 voxels,
#   10% (minor); BME outside the bodies in the T12-L1 disc (SI 60..64,
#   RL 8..9, AP 20..21): 2 * 2 * 5 = 20 voxels (60 mm3).
# scan2 (axial storage "RAS"): L1 wedge, no cement yet; BME in L1 at SI
#   35..44: 12 * sum_j 10 = 3600 voxels of 12 * 615 = 7380, 48.78%
#   (moderate); no BME elsewhere.
# scan3 (storage "LPS"): no fracture; BME in L2 at SI 5..5, RL 4..15,
#   AP 10..39: 360 voxels of 9000, 4% (minor); T12 cement-free, no BME.
# scan4 (storage "LAS"), as TotalSegmentator v2 (`total` task) labels it:
#   T11 33, T12 32, L1 31, L2 30, and an organ (label 5, a liver-like
#   block at RL 0..2, AP 0..5, SI 60..64: 90 voxels) that is not a
#   vertebra; L2 is a wedge with BME at SI 5..14 in all its columns:
#   12 * 30 * 10 = 3600 voxels of 7380, 48.78% (moderate); no cement file.
library(RNifti)

dims <- c(20L, 50L, 125L)
spacing <- c(3, 1, 1)
bodies <- c(`18` = 95L, `19` = 65L, `20` = 35L, `21` = 5L)

body_mask <- function(base, wedge) {
  m <- array(FALSE, dims)
  for (j in 0:29) {
    h <- if (wedge) 25L - j %/% 3L else 25L
    m[5:16, 11 + j, (base + 1L):(base + h)] <- TRUE
  }
  m
}

# canonical index ranges (0-based, inclusive) to a logical mask
box <- function(rl, ap, si) {
  m <- array(FALSE, dims)
  m[(rl[1]:rl[2]) + 1L, (ap[1]:ap[2]) + 1L, (si[1]:si[2]) + 1L] <- TRUE
  m
}

make_scan <- function(wedge_label) {
  labels <- array(0L, dims)
  for (l in names(bodies)) {
    labels[body_mask(bodies[[l]], l == wedge_label)] <- as.integer(l)
  }
  labels
}

# Stores a canonical (RAS-index) array in the orientation `code` (the
# direction each stored axis points to) with a matching qform and sform.
store <- function(canonical, code) {
  letters <- strsplit(code, "")[[1]]
  anatomical <- c(R = 1L, L = 1L, A = 2L, P = 2L, S = 3L, I = 3L)[letters]
  x <- aperm(canonical, anatomical)
  for (i in 1:3) {
    if (letters[i] %in% c("L", "P", "I")) {
      index <- rep(list(quote(expr = )), 3)
      index[[i]] <- dim(x)[i]:1
      x <- do.call(`[`, c(list(x), index, drop = FALSE))
    }
  }
  storage.mode(x) <- "integer"
  xform <- diag(4)
  for (i in 1:3) {
    direction <- numeric(3)
    direction[anatomical[i]] <- if (letters[i] %in% c("L", "P", "I")) -1 else 1
    xform[1:3, i] <- direction * spacing[anatomical[i]]
  }
  img <- asNifti(x)
  pixdim(img) <- spacing[anatomical]
  pixunits(img) <- c("mm", "s")
  qform(img) <- structure(xform, code = 1L)
  sform(img) <- structure(xform, code = 1L)
  stopifnot(orientation(img) == code)
  img
}

write_scan <- function(name, code, labels, bme, cement) {
  out <- file.path("inst", "extdata", paste0(name, "_", c("vertebrae", "bme", "cement"), ".nii.gz"))
  writeNifti(store(labels, code), out[1], datatype = "uint8")
  writeNifti(store(bme * 1L, code), out[2], datatype = "uint8")
  writeNifti(store(cement * 1L, code), out[3], datatype = "uint8")
  invisible(out)
}

dir.create(file.path("inst", "extdata"), showWarnings = FALSE, recursive = TRUE)

# scan1
labels <- make_scan("19")
cement <- box(c(7, 12), c(15, 24), c(68, 75))
bme <- (box(c(4, 15), c(10, 39), c(65, 80)) & labels == 19L & !cement) |
  box(c(4, 15), c(10, 24), c(55, 59)) |
  box(c(8, 9), c(20, 21), c(60, 64))
stopifnot(sum(cement) == 480, sum(bme & labels == 19L) == 5280,
          sum(bme & labels == 20L) == 900, sum(bme & labels == 0L) == 20,
          sum(labels == 19L) == 7380, sum(labels == 18L) == 9000)
write_scan("scan1", "PIR", labels, bme, cement)

# scan2
labels <- make_scan("20")
bme <- box(c(4, 15), c(10, 39), c(35, 44)) & labels == 20L
stopifnot(sum(bme) == 3600, sum(labels == 20L) == 7380)
write_scan("scan2", "RAS", labels, bme, array(FALSE, dims))

# scan3
labels <- make_scan("none")
bme <- box(c(4, 15), c(10, 39), c(5, 5))
stopifnot(sum(bme & labels == 21L) == 360)
write_scan("scan3", "LPS", labels, bme, array(FALSE, dims))

# scan4: TotalSegmentator v2 labels
ts_codes <- c(`18` = 33L, `19` = 32L, `20` = 31L, `21` = 30L)
labels <- make_scan("21")
labels[labels > 0] <- ts_codes[as.character(labels[labels > 0])]
labels[box(c(0, 2), c(0, 5), c(60, 64))] <- 5L
bme <- box(c(4, 15), c(10, 39), c(5, 14)) & labels == 30L
stopifnot(sum(bme) == 3600, sum(labels == 30L) == 7380, sum(labels == 5L) == 90)
out <- file.path("inst", "extdata", paste0("scan4_", c("total", "bme"), ".nii.gz"))
writeNifti(store(labels, "LAS"), out[1], datatype = "uint8")
writeNifti(store(bme * 1L, "LAS"), out[2], datatype = "uint8")

print(file.info(list.files(file.path("inst", "extdata"), pattern = "^scan[0-9]_.*nii.gz$",
                           full.names = TRUE))["size"])
