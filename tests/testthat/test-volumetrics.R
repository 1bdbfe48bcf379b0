# Helpers ------------------------------------------------------------------------

# R reference for the fused pass: counts per label of the four bme x cement
# combinations, by tabulate() on combined codes.
ref_tally <- function(labels, bme, cement = NULL) {
  lab <- as.integer(labels)
  b <- as.integer(bme)
  c <- if (is.null(cement)) integer(length(lab)) else as.integer(cement)
  codes <- lab * 4L + b * 2L + c + 1L
  counts <- matrix(tabulate(codes, nbins = 4L * (max(lab) + 1L)), ncol = 4L, byrow = TRUE)
  present <- which(rowSums(counts) > 0)
  cbind(present - 1, counts[present, , drop = FALSE])
}

as_storage <- function(x, type) {
  switch(type,
         integer = array(as.integer(x), dim(x)),
         double = array(as.double(x), dim(x)),
         logical = array(as.logical(x), dim(x)),
         raw = array(as.raw(x), dim(x)))
}

# A phantom: a box (label 20), an ellipsoid (label 21) and a wedge (label
# 22) on a 30 x 24 x 40 grid, with BME and cement masks.
phantom <- function() {
  d <- c(30L, 24L, 40L)
  lab <- array(0L, d)
  lab[3:12, 4:20, 2:11] <- 20L                 # box 10 x 17 x 10
  g <- expand.grid(i = seq_len(d[1]), j = seq_len(d[2]), k = seq_len(d[3]))
  inside <- ((g$i - 20) / 7.5)^2 + ((g$j - 12) / 9.5)^2 + ((g$k - 20) / 6.5)^2 <= 1
  lab[inside] <- 21L
  for (j in 1:20) lab[3:12, j + 2, 30:(30 + (j %/% 2))] <- 22L  # wedge
  bme <- array(0L, d)
  bme[1:15, 1:24, 1:6] <- 1L                    # bottom of the box, and outside
  bme[20:27, 1:24, 18:22] <- 1L                 # slab through the ellipsoid
  cement <- array(0L, d)
  cement[5:8, 8:12, 3:4] <- 1L                  # inside the box, overlapping BME
  cement[20, 12, 20] <- 1L                      # one voxel of the ellipsoid
  # stored with the third axis toward the feet (as "RAI"), so that labels
  # 20 < 21 < 22 run head to foot as VerSe numbers do
  flip <- function(x) x[, , d[3]:1, drop = FALSE]
  inside <- array(inside, d)
  list(labels = flip(lab), bme = flip(bme), cement = flip(cement), inside = as.vector(flip(inside)))
}

# Tallies ------------------------------------------------------------------------

test_that("the fused pass matches tabulate() on random arrays of every storage type", {
  set.seed(42)
  d <- c(17L, 13L, 11L)
  labels <- array(sample(c(0L, 0L, 0L, 1L, 5L, 20L, 300L), prod(d), TRUE), d)
  # runs of equal codes, as in real label maps
  labels[, 1:4, ] <- 20L
  bme <- array(rbinom(prod(d), 1, 0.3), d)
  cement <- array(rbinom(prod(d), 1, 0.2), d)
  expected <- ref_tally(labels, bme, cement)
  for (lt in c("integer", "double")) for (bt in c("integer", "double", "logical", "raw")) {
    for (ct in c("integer", "double", "logical", "raw")) {
      res <- .Call(vcfoutcomes:::C_volumetrics_tally, as_storage(labels, lt),
                   as_storage(bme, bt), as_storage(cement, ct))
      expect_equal(res$error[1], 0)
      expect_equal(unname(res$tally), unname(expected), info = paste(lt, bt, ct))
    }
  }
  # raw and logical labels (0..255 and 0/1), no cement
  small <- array(as.integer(labels %% 256L), d)
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, as_storage(small, "raw"), bme, NULL)
  expect_equal(unname(res$tally), unname(ref_tally(small, bme)))
  binary <- array(labels > 0, d)
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, binary, as_storage(bme, "raw"), NULL)
  expect_equal(unname(res$tally), unname(ref_tally(binary, bme)))
})

test_that("tallies cross block boundaries and handle one voxel and large labels", {
  set.seed(7)
  n <- 3L * 4096L + 17L
  labels <- array(rep(c(0L, 3L, 65535L), length.out = n)[sample(n)], c(n, 1L, 1L))
  bme <- array(rbinom(n, 1, 0.5), dim(labels))
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, labels, bme, NULL)
  expect_equal(unname(res$tally), unname(ref_tally(labels, bme)))
  one <- .Call(vcfoutcomes:::C_volumetrics_tally, array(7L, c(1, 1, 1)),
               array(1L, c(1, 1, 1)), array(0L, c(1, 1, 1)))
  expect_equal(unname(one$tally), matrix(c(7, 0, 0, 1, 0), 1))
})

test_that("tallies are continuous across the interrupt-check spans and validate there", {
  skip_on_cran()
  n <- 2^24 + 37
  labels <- raw(n)
  labels[(2^24 - 100):(2^24 + 20)] <- as.raw(9)   # a run across the boundary
  bme <- raw(n)
  bme[(2^24 - 5):(2^24 + 5)] <- as.raw(1)
  dim(labels) <- dim(bme) <- c(n, 1, 1)
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, labels, bme, NULL)
  expect_equal(unname(res$tally),
               rbind(c(0, n - 121, 0, 0, 0), c(9, 121 - 11, 0, 11, 0)))
  bme[2^24 + 3] <- as.raw(2)
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, labels, bme, NULL)
  expect_equal(res$error, c(2, 2^24 + 3, 2))
})

test_that("labels above 65535 and negative labels are invalid", {
  bme <- array(0L, c(3, 1, 1))
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, array(c(0L, 65535L, 65536L), c(3, 1, 1)), bme, NULL)
  expect_equal(res$error, c(1, 3, 65536))
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, array(c(0, 65535, -0.5), c(3, 1, 1)), bme, NULL)
  expect_equal(res$error, c(1, 3, -0.5))
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, array(c(0L, NA, 1L), c(3, 1, 1)), bme, NULL)
  expect_equal(res$error[1:2], c(1, 2))
})

test_that("the C entry point reports the first invalid voxel of any input", {
  lab <- array(0L, c(4, 4, 4)); lab[5] <- 2L; lab[9] <- -1L
  bme <- array(0, c(4, 4, 4)); bme[7] <- 0.5
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, lab, bme, NULL)
  expect_equal(res$error, c(2, 7, 0.5))
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, lab, array(0L, c(4, 4, 4)), NULL)
  expect_equal(res$error, c(1, 9, -1))
  dbl <- array(0, c(4, 4, 4)); dbl[3] <- NA
  res <- .Call(vcfoutcomes:::C_volumetrics_tally, dbl, bme, NULL)
  expect_equal(res$error[1:2], c(1, 3))
  expect_true(is.na(res$error[3]))
  expect_error(.Call(vcfoutcomes:::C_volumetrics_tally, "a", bme, NULL), "integer, double")
  expect_error(.Call(vcfoutcomes:::C_volumetrics_tally, lab, 1:3, NULL), "length")
})

# Phantoms -----------------------------------------------------------------------

test_that("phantom volumes are voxel counts times the voxel volume, over storage types", {
  p <- phantom()
  spacing <- c(0.5, 0.8, 3)
  voxel <- prod(spacing)
  inside <- array(p$inside, dim(p$labels))
  box <- array(FALSE, dim(p$labels)); box[3:12, 4:20, 2:11] <- TRUE
  wedge_voxels <- 10 * sum(1 + (1:20) %/% 2)
  for (type in c("integer", "double", "logical", "raw")) {
    v <- suppressWarnings(vcf_volumetrics(p$labels, as_storage(p$bme, type),
                                           as_storage(p$cement, type), spacing = spacing))
    expect_s3_class(v, "vcf_volumetrics")
    expect_equal(v$label, 20:22)
    expect_equal(as.character(v$level), c("L1", "L2", "L3"))
    expect_equal(v$body_mm3, c(10 * 17 * 10, sum(inside), wedge_voxels) * voxel)
    # box: cement 4 x 5 x 2; BME in slices 2..6 minus the cement
    expect_equal(v$cement_mm3, c(4 * 5 * 2, 1, 0) * voxel)
    expect_equal(v$bme_mm3[1], (10 * 17 * 5 - 4 * 5 * 2) * voxel)
    ell_bme <- sum(inside[20:27, , 41 - 18:22]) - 1  # the slab, in the flipped storage
    expect_equal(v$bme_mm3[2], ell_bme * voxel)
    expect_equal(v$bme_pct, 100 * c(10 * 17 * 5 - 40, ell_bme, 0) /
                   c(1700 - 40, sum(inside) - 1, wedge_voxels))
    # BME outside: the slab and the bottom block minus their parts in bodies
    outside <- sum(p$bme == 1 & p$labels == 0)
    expect_equal(attr(v, "outside")$bme_outside_mm3, outside * voxel)
  }
  # the voxelised ellipsoid approaches 4/3 pi abc
  expect_equal(sum(inside), 4 / 3 * pi * 7.5 * 9.5 * 6.5, tolerance = 0.03)
})

test_that("anisotropic spacing scales volumes exactly; isotropic spacing may be one value", {
  p <- phantom()
  a <- vcf_volumetrics(p$labels, p$bme, spacing = c(1, 1, 1))
  b <- vcf_volumetrics(p$labels, p$bme, spacing = c(0.25, 2, 7))
  expect_equal(b$body_mm3, a$body_mm3 * 3.5)
  expect_equal(b$bme_pct, a$bme_pct)
  expect_equal(vcf_volumetrics(p$labels, p$bme, spacing = 2)$body_mm3, a$body_mm3 * 8)
  expect_true(all(a$cement_mm3 == 0))
})

test_that("BME classes follow vcf_bme_class at the edges", {
  # bodies of 1000 voxels with 0, 2, 246, 250, 749, 750 and 1000 BME voxels
  n_bme <- c(0, 2, 246, 250, 749, 750, 1000)
  lab <- array(rep(seq_along(n_bme), each = 1000), c(1000, length(n_bme), 1))
  bme <- array(0L, dim(lab))
  for (k in seq_along(n_bme)) bme[seq_len(n_bme[k]), k, 1] <- 1L
  v <- vcf_volumetrics(lab, bme, spacing = 1)
  expect_equal(v$bme_pct, n_bme / 10)
  expect_equal(as.character(v$bme_class),
               c("none", "minor", "minor", "moderate", "moderate", "severe", "severe"))
  expect_true(is.ordered(v$bme_class))
})

test_that("all-cement and empty bodies give NA with classed warnings; absent labels", {
  lab <- array(0L, c(5, 5, 5)); lab[1:2, , ] <- 20L; lab[4:5, , ] <- 21L
  cement <- array(0L, dim(lab)); cement[1:2, , ] <- 1L
  bme <- array(0L, dim(lab)); bme[4, , ] <- 1L
  expect_warning(v <- vcf_volumetrics(lab, bme, cement, spacing = 1),
                 class = "vcf_warning_all_cement")
  expect_true(is.na(v$bme_pct[1]) && is.na(v$bme_class[1]))
  expect_equal(v$bme_pct[2], 50)
  expect_snapshot(vcf_volumetrics(lab, bme, cement, spacing = 1))
  # a label asked for but absent: zero volumes, NA percentage, warning
  expect_warning(w <- vcf_volumetrics(lab, bme, spacing = 1, labels = c(21, 19)),
                 class = "vcf_warning_empty_body")
  expect_equal(w$label, c(19L, 21L))
  expect_equal(w$body_mm3, c(0, 50))
  expect_true(is.na(w$bme_pct[1]))
  # labels present but not asked for are left out; no labels at all: no rows
  expect_equal(vcf_volumetrics(lab, bme, spacing = 1, labels = 20)$label, 20L)
  empty <- vcf_volumetrics(array(0L, c(3, 3, 3)), array(1L, c(3, 3, 3)), spacing = 1)
  expect_equal(nrow(empty), 0L)
  expect_equal(attr(empty, "outside")$bme_outside_mm3, 27)
  # labels outside the VerSe table keep their row with level NA
  odd <- vcf_volumetrics(array(c(0L, 100L), c(2, 1, 1)), array(0L, c(2, 1, 1)), spacing = 1)
  expect_equal(odd$label, 100L)
  expect_true(is.na(odd$level))
})

# NIfTI files ----------------------------------------------------------------------

test_that(".nii and .nii.gz files in any orientation give the volumes of the arrays", {
  p <- phantom()
  spacing <- c(0.7, 1.1, 2.5)
  ref <- suppressWarnings(vcf_volumetrics(p$labels, p$bme, p$cement, spacing = spacing))
  dir <- withr::local_tempdir()
  for (setup in list(c("RAS", ".nii"), c("LPI", ".nii.gz"), c("SAL", ".nii.gz"), c("PIR", ".nii"))) {
    f <- file.path(dir, paste0(c("lab", "bme", "cem"), setup[1], setup[2]))
    write_oriented(p$labels, setup[1], spacing, f[1], "int16")
    write_oriented(p$bme, setup[1], spacing, f[2], "uint8")
    write_oriented(p$cement * 1.0, setup[1], spacing, f[3], "float32")
    v <- suppressWarnings(vcf_volumetrics(f[1], f[2], f[3]))
    expect_equal(v$body_mm3, ref$body_mm3, info = setup[1])
    expect_equal(v$bme_mm3, ref$bme_mm3, info = setup[1])
    expect_equal(v$cement_mm3, ref$cement_mm3, info = setup[1])
    expect_equal(v$scan, rep(f[1], 3))
    # a matching spacing (in stored axis order) is accepted; so is a niftiImage
    stored <- spacing[c(R = 1, L = 1, A = 2, P = 2, S = 3, I = 3)[strsplit(setup[1], "")[[1]]]]
    w <- vcf_volumetrics(RNifti::readNifti(f[1]), f[2], spacing = unname(stored))
    expect_equal(w$body_mm3, ref$body_mm3)
  }
})

test_that("batches give one row per scan and label, identical under future plans", {
  skip_if_not_installed("future")
  p <- phantom()
  dir <- withr::local_tempdir()
  lab <- bme <- character(3)
  for (s in 1:3) {
    l <- p$labels
    l[l == 22L] <- if (s == 2) 0L else 22L   # scan 2 lacks the wedge
    lab[s] <- write_oriented(l, c("RAS", "LPS", "AIL")[s], c(1, 1, 2), file.path(dir, paste0("l", s, ".nii.gz")))
    b <- p$bme
    b[, , 1:s] <- 0L
    bme[s] <- write_oriented(b, c("RAS", "LPS", "AIL")[s], c(1, 1, 2), file.path(dir, paste0("b", s, ".nii.gz")))
  }
  names(lab) <- c("a", "b", "c")
  steps <- 0
  withr::with_options(list(progressr.enable = TRUE), {
    seq_res <- withCallingHandlers(vcf_volumetrics(lab, bme),
                                   progression = function(c) steps <<- steps + 1)
  })
  expect_gte(steps, 3)   # progress is signalled through progressr, once per scan
  expect_equal(seq_res$scan, rep(c("a", "b", "c"), c(3, 2, 3)))
  for (s in 1:3) {
    one <- vcf_volumetrics(lab[[s]], bme[[s]])
    expect_equal(seq_res$bme_mm3[seq_res$scan == names(lab)[s]], one$bme_mm3)
  }
  expect_equal(nrow(attr(seq_res, "outside")), 3L)
  skip_on_cran()
  withr::with_envvar(c(R_LIBS = paste(.libPaths(), collapse = .Platform$path.sep)), {
    oplan <- future::plan(future::multisession, workers = 2)
    on.exit(future::plan(oplan), add = TRUE)
    par_res <- vcf_volumetrics(lab, bme)
  })
  expect_identical(par_res, seq_res)
  expect_error(vcf_volumetrics(lab, bme[1:2]), class = "vcf_error_batch")
})

# Errors ---------------------------------------------------------------------------

test_that("invalid inputs raise classed errors naming the argument", {
  lab <- array(0L, c(4, 4, 4)); lab[2, 2, 2] <- 20L
  bme <- array(0L, c(4, 4, 4))
  expect_error(vcf_volumetrics(lab, array(0L, c(4, 4, 5)), spacing = 1), class = "vcf_error_dims")
  expect_error(vcf_volumetrics(lab, bme), class = "vcf_error_spacing")
  expect_error(vcf_volumetrics(lab, bme, spacing = c(1, 0, 1)), class = "vcf_error_spacing")
  expect_error(vcf_volumetrics(lab, bme, spacing = c(1, 1)), class = "vcf_error_spacing")
  bad_lab <- lab + 0; bad_lab[3, 1, 1] <- 2.5
  expect_error(vcf_volumetrics(bad_lab, bme, spacing = 1), class = "vcf_error_label")
  bad_bme <- bme; bad_bme[1, 2, 3] <- 2L
  expect_error(vcf_volumetrics(lab, bad_bme, spacing = 1), class = "vcf_error_mask")
  expect_error(vcf_volumetrics(lab, bme, cement = array(NA, c(4, 4, 4)), spacing = 1),
               class = "vcf_error_mask")
  expect_error(vcf_volumetrics(lab, bme, spacing = 1, labels = 1.5), class = "vcf_error_labels")
  expect_error(vcf_volumetrics(lab[, , 1], bme[, , 1], spacing = 1), class = "vcf_error_dims")
  expect_error(vcf_volumetrics(list(1), bme, spacing = 1), class = "vcf_error_type")
  expect_snapshot(error = TRUE, {
    vcf_volumetrics(lab, array(0L, c(4, 4, 5)), spacing = 1)
    vcf_volumetrics(lab, bme)
    vcf_volumetrics(lab, bme, spacing = c(1, -1, 1))
    vcf_volumetrics(bad_lab, bme, spacing = 1)
    vcf_volumetrics(lab, bad_bme, spacing = 1)
  })
})

test_that("file problems raise classed errors naming the file", {
  dir <- withr::local_tempdir()
  lab <- array(0L, c(6, 6, 6)); lab[2:4, 2:4, 2:4] <- 20L
  f <- write_oriented(lab, "RAS", c(1, 1, 2), file.path(dir, "lab.nii"), "int16")
  g <- write_oriented(lab * 0L, "RAS", c(1, 1, 2), file.path(dir, "bme.nii.gz"), "uint8")
  h <- write_oriented(lab * 0L, "RAS", c(1, 1, 3), file.path(dir, "bme3.nii.gz"), "uint8")
  expect_equal(vcf_volumetrics(f, g)$body_mm3, 27 * 2)
  expect_error(vcf_volumetrics(f, g, spacing = c(1, 1, 2.5)), class = "vcf_error_spacing_mismatch")
  expect_error(vcf_volumetrics(f, h), class = "vcf_error_spacing_mismatch")
  expect_error(vcf_volumetrics(file.path(dir, "none.nii"), g), class = "vcf_error_file")
  bytes <- readBin(f, "raw", file.size(f))
  truncated <- file.path(dir, "truncated.nii")
  writeBin(bytes[1:(length(bytes) - 100)], truncated)
  err <- expect_error(suppressMessages(vcf_volumetrics(truncated, g)), class = "vcf_error_file")
  expect_match(conditionMessage(err), "truncated.nii", fixed = TRUE)
  garbage <- file.path(dir, "garbage.nii.gz")
  writeLines("not a nifti file", garbage)
  err <- expect_error(vcf_volumetrics(f, garbage), class = "vcf_error_file")
  expect_match(conditionMessage(err), "garbage.nii.gz", fixed = TRUE)
  bad <- lab; bad[1, 1, 1] <- 3L
  m <- write_oriented(bad, "RAS", c(1, 1, 2), file.path(dir, "mask3.nii.gz"), "uint8")
  err <- expect_error(vcf_volumetrics(f, m), class = "vcf_error_mask")
  expect_match(conditionMessage(err), "mask3.nii.gz", fixed = TRUE)
})

test_that("the bundled example scans have their documented volumes", {
  path <- function(s, k) system.file("extdata", sprintf("scan%d_%s.nii.gz", k, s), package = "vcfoutcomes")
  v <- vcf_volumetrics(path("vertebrae", 1), path("bme", 1), path("cement", 1))
  voxel <- 3
  expect_equal(v$label, 18:21)
  expect_equal(v$body_mm3, c(9000, 7380, 9000, 9000) * voxel)
  expect_equal(v$cement_mm3, c(0, 480, 0, 0) * voxel)
  expect_equal(v$bme_mm3, c(0, 5280, 900, 0) * voxel)
  expect_equal(v$bme_pct[2], 100 * 5280 / (7380 - 480))
  expect_equal(attr(v, "outside")$bme_outside_mm3, 20 * voxel)
})

test_that("summary of a damaged volumetrics result is a classed error", {
  bad <- structure(data.frame(scan = "a", bme_class = "none"), class = c("vcf_volumetrics", "data.frame"))
  bad$bme_class <- NULL
  expect_error(summary(bad), class = "vcf_error_object")
  expect_error(summary.vcf_volumetrics(list(1)), class = "vcf_error_object")
})

test_that("vcf_bme_class keeps the length of an all-NA input; labels all absent", {
  expect_equal(length(vcf_bme_class(c(NA_real_, NA, NA))), 3L)
  expect_equal(as.character(vcf_bme_class(c(NA, 0, 30))), c(NA, "none", "moderate"))
  # every requested label absent from the map: one row each, NA percentages
  path <- function(f) system.file("extdata", f, package = "vcfoutcomes")
  expect_warning(v <- vcf_volumetrics(path("scan1_vertebrae.nii.gz"), path("scan1_bme.nii.gz"),
                                      labels = 1:3), class = "vcf_warning_empty_body")
  expect_equal(v$label, 1:3)
  expect_true(all(is.na(v$bme_pct) & is.na(v$bme_class)))
})

test_that("scan arguments are checked before any scan is read", {
  path <- function(f) system.file("extdata", f, package = "vcfoutcomes")
  scan <- path("scan1_vertebrae.nii.gz")
  bme <- path("scan1_bme.nii.gz")
  # a batch's missing files are failures of their scans, not of the batch
  missing <- file.path(tempdir(), c("nope1.nii.gz", "nope2.nii.gz"))
  expect_warning(v <- vcf_volumetrics(c(a = scan, b = missing[1], c = missing[2]), rep(bme, 3)),
                 class = "vcf_warning_batch_failures")
  expect_equal(attr(v, "failures")$scan, c("b", "c"))
  expect_equal(attr(v, "failures")$class, rep("vcf_error_file", 2))
  expect_equal(unique(v$scan), "a")
  # recorded without reading, with the message reading gives
  alone <- tryCatch(vcf_volumetrics(missing[1], bme), error = function(e) e)
  expect_equal(attr(v, "failures")$message[1],
               gsub("\\s+", " ", cli::ansi_strip(conditionMessage(alone))))
  # a path too long for the system: not found, without a warning, shortened
  long <- strrep("a", 1e5)
  expect_no_warning(err <- tryCatch(vcf_morphometry(long), error = function(e) e))
  expect_s3_class(err, "vcf_error_file")
  expect_lt(nchar(conditionMessage(err)), 1500)
  expect_no_warning(v <- suppressWarnings(vcf_volumetrics(c(a = scan, b = long), c(bme, bme)),
                                          classes = "vcf_warning_batch_failures"))
  expect_equal(attr(v, "failures")$scan, "b")
  # one scan with two BME paths, or none
  expect_error(vcf_volumetrics(scan, c(bme, bme)), class = "vcf_error_type")
  expect_error(vcf_volumetrics(scan, character()), class = "vcf_error_type")
  expect_error(vcf_volumetrics(scan, bme, cement = c("a", "b")), class = "vcf_error_type")
  # voxel sizes outside 1e-6..1e4 mm
  lab <- array(0L, c(4, 4, 4)); lab[2:3, 2:3, 2:3] <- 20L
  for (bad in list(1e308, c(1, 1, 2^31), 1e-300, c(1, 1e5, 1))) {
    expect_error(vcf_volumetrics(lab, lab > 0, spacing = bad), class = "vcf_error_spacing")
    expect_error(vcf_morphometry(lab, spacing = bad, orientation = "RAS"), class = "vcf_error_spacing")
  }
  # a huge bad vector is reported by its first values, quickly
  expect_snapshot(vcf_volumetrics(lab, lab > 0, spacing = as.double(seq_len(1e6))), error = TRUE)
  expect_snapshot(vcf_morphometry(lab, labels = c(0.5, rep(NA, 1e6))), error = TRUE)
  # text that is not valid UTF-8
  bytes <- rawToChar(as.raw(c(0x61, 0xff, 0xfe)))
  expect_error(vcf_morphometry(lab, spacing = 1, orientation = bytes), class = "vcf_error_orientation")
  expect_error(vcf_morphometry(scan, checkpoint = bytes), class = "vcf_error_argument")
  # a file that is not NIfTI at all
  junk <- tempfile(fileext = ".nii")
  writeBin(as.raw(c(rep(0L, 344), 0x78, 0x79, 0x7a, 0x21, rep(1L, 100))), junk)
  expect_error(vcf_morphometry(junk), class = "vcf_error_file")
})
