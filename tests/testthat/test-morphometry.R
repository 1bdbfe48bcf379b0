# Helpers ------------------------------------------------------------------------

all_codes <- function() {
  perms <- list(1:3, c(1, 3, 2), c(2, 1, 3), c(2, 3, 1), c(3, 1, 2), c(3, 2, 1))
  pos <- c("R", "A", "S"); neg <- c("L", "P", "I")
  codes <- character()
  for (p in perms) for (f in 0:7) {
    flips <- bitwAnd(f, c(1, 2, 4)) > 0
    codes <- c(codes, paste(ifelse(flips, neg, pos)[p], collapse = ""))
  }
  codes
}

# R reference of the documented method on a canonical array, written from
# the description with floating-point distances (the package uses integer
# arithmetic).
ref_heights <- function(canonical, label, spacing) {
  idx <- which(canonical == label, arr.ind = TRUE)
  lo <- min(idx[, 1]); hi <- max(idx[, 1])
  mid <- lo + (hi - lo) %/% 2
  slice <- canonical[mid, , , drop = TRUE] == label
  cols <- which(rowSums(slice) > 0)
  amin <- min(cols); amax <- max(cols); L <- amax - amin + 1
  centre <- (amin + amax) / 2
  height_at <- function(f) {
    target <- amin - 0.5 + f * L
    d <- abs(amin:amax - target)
    best <- (amin:amax)[abs(d - min(d)) < 1e-9]
    if (length(best) == 2) {
      if (f != 1 / 2) best <- best[which.min(abs(best - centre))]
    }
    h <- vapply(best, function(a) {
      s <- which(slice[a, ])
      if (length(s)) max(s) - min(s) + 1 else NA_real_
    }, numeric(1))
    mean(h) * spacing[3]
  }
  c(ha = height_at(5 / 6), hm = height_at(1 / 2), hp = height_at(1 / 6),
    ap = L * spacing[2])
}

# Phantoms -------------------------------------------------------------------------

test_that("a box has its extents as heights in all 48 axis orders and directions", {
  canonical <- array(0L, c(9, 14, 11))
  canonical[2:7, 3:12, 4:9] <- 20L   # 6 RL x 10 AP x 6 SI
  spacing <- c(0.9, 0.6, 2.5)
  for (code in all_codes()) {
    m <- vcf_morphometry(to_stored(canonical, code), spacing = stored_spacing(spacing, code),
                         orientation = code, axes = "voxel")
    expect_equal(c(m$ha_mm, m$hm_mm, m$hp_mm), rep(6 * 2.5, 3), info = code)
    expect_equal(m$ap_mm, 10 * 0.6, info = code)
    expect_equal(m$voxels, 6 * 10 * 6)
  }
})

test_that("an anterior wedge has the analytic heights in every orientation", {
  # AP columns 0..17 from posterior; height 20 - floor(j / 2) voxels
  canonical <- array(0L, c(7, 22, 25))
  for (j in 0:17) canonical[2:6, 3 + j, 2:(1 + 20 - j %/% 2)] <- 21L
  spacing <- c(2, 0.5, 0.8)
  # L = 18: ha at 5/6 -> column offset 15 - 0.5 = 14.5, a tie taken toward
  # the centre (14); hm at the middle: columns 8 and 9; hp: 2.5 -> 3
  expected <- c(20 - 14 %/% 2, mean(20 - c(8, 9) %/% 2), 20 - 3 %/% 2) * 0.8
  for (code in c("RAS", "LPI", "PIR", "SAL", "IRP")) {
    m <- vcf_morphometry(to_stored(canonical, code), spacing = stored_spacing(spacing, code),
                         orientation = code, axes = "voxel")
    expect_equal(c(m$ha_mm, m$hm_mm, m$hp_mm), expected, info = code)
    expect_equal(m$ap_mm, 18 * 0.5)
  }
  expect_equal(unname(ref_heights(canonical, 21L, spacing)[1:3]), expected)
})

test_that("ellipsoids and random bodies match the R reference in any orientation", {
  set.seed(3)
  d <- c(15L, 21L, 30L)
  g <- expand.grid(i = seq_len(d[1]), j = seq_len(d[2]), k = seq_len(d[3]))
  canonical <- array(0L, d)
  canonical[((g$i - 8) / 5.5)^2 + ((g$j - 11) / 8.2)^2 + ((g$k - 8) / 5.1)^2 <= 1] <- 19L
  # a rough body: a box with random bites out of its endplates
  canonical[3:12, 4:17, 17:27] <- 20L
  bites <- cbind(sample(3:12, 40, TRUE), sample(4:17, 40, TRUE), sample(c(17, 27), 40, TRUE))
  canonical[bites] <- 0L
  spacing <- c(1.2, 0.7, 1.9)
  ref <- rbind(ref_heights(canonical, 19L, spacing), ref_heights(canonical, 20L, spacing))
  # the ellipsoid's middle height is its full SI extent: 2 * 5 + 1 voxels
  expect_equal(unname(ref[1, "hm"]), 11 * 1.9)
  for (code in c("RAS", "LAI", "ASR", "PLS", "IPL")) {
    for (type in c("integer", "double")) {
      x <- to_stored(canonical, code)
      storage.mode(x) <- type
      # the ellipsoid (T12) lies below the box (L1): flagged, heights kept
      m <- suppressWarnings(vcf_morphometry(x, spacing = stored_spacing(spacing, code),
                                            orientation = code, axes = "voxel", convention = "verse"),
                            classes = "vcf_warning_label_order")
      expect_equal(m$flags, c("order", "order"))
      expect_equal(m$label, 19:20)
      expect_equal(as.matrix(m[c("ha_mm", "hm_mm", "hp_mm", "ap_mm")]), unname(ref),
                   ignore_attr = TRUE, info = paste(code, type))
    }
  }
  # a label split in two with a gap at its middle slice has no heights
  split <- array(0L, c(9, 5, 5)); split[c(1:3, 7:9), 2:4, 2:4] <- 22L
  m <- vcf_morphometry(split, spacing = 1, orientation = "RAS")
  expect_true(all(is.na(c(m$ha_mm, m$hm_mm, m$hp_mm))))
  expect_equal(m$voxels, 54)
  # raw storage and a one-voxel body
  one <- array(as.raw(0), c(3, 3, 3)); one[2, 2, 2] <- as.raw(7)
  m <- vcf_morphometry(one, spacing = c(1, 2, 3), orientation = "RAS")
  expect_equal(c(m$ha_mm, m$hm_mm, m$hp_mm, m$ap_mm), c(3, 3, 3, 2))
  expect_equal(as.character(m$level), "C7")
})

test_that("NIfTI files (.nii, .nii.gz) in any orientation give the canonical heights", {
  canonical <- array(0L, c(8, 16, 30))
  for (j in 0:11) canonical[2:7, 3 + j, 3:(2 + 12 - j %/% 3)] <- 21L  # L2 below
  canonical[2:7, 3:14, 17:28] <- 20L
  spacing <- c(3, 0.75, 0.75)
  ref <- vcf_morphometry(canonical, spacing = spacing, orientation = "RAS")
  dir <- withr::local_tempdir()
  for (setup in list(c("RAS", ".nii"), c("PIR", ".nii.gz"), c("LPS", ".nii"), c("SLA", ".nii.gz"))) {
    f <- write_oriented(canonical, setup[1], spacing, file.path(dir, paste0(setup[1], setup[2])))
    m <- vcf_morphometry(f)
    expect_equal(m[c("label", "ha_mm", "hm_mm", "hp_mm", "ap_mm", "voxels")],
                 ref[c("label", "ha_mm", "hm_mm", "hp_mm", "ap_mm", "voxels")],
                 ignore_attr = TRUE, info = setup[1])
    expect_equal(vcf_morphometry(f, orientation = setup[1])$ha_mm, ref$ha_mm)
    expect_error(vcf_morphometry(f, orientation = "RAI"), class = "vcf_error_orientation_mismatch")
    expect_error(vcf_morphometry(f, spacing = c(1, 1, 1)), class = "vcf_error_spacing_mismatch")
  }
  # batches keep the scan and give the same heights
  files <- file.path(dir, c("RAS.nii", "PIR.nii.gz"))
  b <- vcf_morphometry(files)
  expect_equal(b$scan, rep(files, each = 2))
  expect_equal(b$ha_mm, rep(ref$ha_mm, 2))
  # labels asked for but absent get NA heights
  a <- vcf_morphometry(files[1], labels = c(21, 25))
  expect_equal(a$hm_mm[1], ref$hm_mm[2])
  expect_true(is.na(a$hm_mm[2]) && a$voxels[2] == 0)
})

test_that("the bundled example scans have their documented heights", {
  path <- function(k) system.file("extdata", sprintf("scan%d_vertebrae.nii.gz", k), package = "vcfoutcomes")
  m <- vcf_morphometry(c(path(1), path(2)), axes = "voxel")
  wedge <- c(17, 20.5, 24)
  expect_equal(unlist(m[2, c("ha_mm", "hm_mm", "hp_mm")]), wedge, ignore_attr = TRUE)
  expect_equal(unlist(m[7, c("ha_mm", "hm_mm", "hp_mm")]), wedge, ignore_attr = TRUE)
  expect_equal(m$ha_mm[-c(2, 7)], rep(25, 6))
  expect_equal(vcf_height_ratio(m)[c(2, 7)], c(68, 68))
})

test_that("morphometry input errors are classed and name the argument", {
  x <- array(0L, c(4, 4, 4)); x[2:3, 2:3, 2:3] <- 20L
  expect_error(vcf_morphometry(x, spacing = 1), class = "vcf_error_orientation")
  expect_error(vcf_morphometry(x, orientation = "RAS"), class = "vcf_error_spacing")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RAR"), class = "vcf_error_orientation")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RASL"), class = "vcf_error_orientation")
  y <- x + 0; y[1, 1, 2] <- 0.5
  expect_error(vcf_morphometry(y, spacing = 1, orientation = "RAS"), class = "vcf_error_label")
  expect_snapshot(error = TRUE, {
    vcf_morphometry(x, spacing = 1)
    vcf_morphometry(x, spacing = 1, orientation = "XYZ")
    vcf_morphometry(y, spacing = 1, orientation = "RAS")
  })
  # a header with no orientation needs the argument
  dir <- withr::local_tempdir()
  f <- file.path(dir, "plain.nii")
  RNifti::writeNifti(x, f)
  expect_error(vcf_morphometry(f, spacing = 1), class = "vcf_error_orientation")
  expect_equal(vcf_morphometry(f, spacing = 1, orientation = "RAS")$ha_mm, 2)
})

# Genant and the height ratio -----------------------------------------------------

test_that("Genant grades use inclusive thresholds at the edges", {
  # posterior reference 100: losses of exactly 0, 19.99, 20, 24.99, 25, 39.99, 40, 60
  ha <- 100 - c(0, 19.99, 20, 24.99, 25, 39.99, 40, 60)
  g <- vcf_genant(ha, hm = rep(100, 8), hp = rep(100, 8), reference = "posterior")
  expect_equal(g$grade, c(0L, 0L, 1L, 1L, 2L, 2L, 3L, 3L))
  expect_equal(g$ha_loss_pct, 100 - ha)
  expect_equal(as.character(g$shape), c("none", "none", rep("wedge", 6)))
  # edges that are not exact in binary floating point: 16 of 20 mm is 20%
  expect_equal(vcf_genant(16, 19, 20, reference = "posterior")$grade, 1L)
  expect_equal(vcf_genant(15, 19, 20, reference = "posterior")$grade, 2L)
  expect_equal(vcf_genant(12, 19, 20, reference = "posterior")$grade, 3L)
  # thresholds as an argument
  t <- vcf_genant(c(85, 70), c(100, 100), c(100, 100), reference = "posterior",
                  thresholds = c(15, 30, 45))
  expect_equal(t$grade, c(1L, 2L))
  expect_error(vcf_genant(1, 1, 1, thresholds = c(25, 20, 40)), class = "vcf_error_thresholds")
})

test_that("Genant shapes: wedge, biconcave, crush", {
  ref <- matrix(c(30, 30, 30), 4, 3, byrow = TRUE)
  g <- vcf_genant(ha = c(20, 28, 28, 22), hm = c(26, 20, 27, 23), hp = c(29, 29, 20, 23),
                  reference = ref)
  expect_equal(as.character(g$shape), c("wedge", "biconcave", "crush", "crush"))
  expect_equal(g$grade, c(2L, 2L, 2L, 2L))
  expect_true(is.factor(g$shape))
  expect_equal(levels(g$shape), c("none", "wedge", "biconcave", "crush"))
})

test_that("the adjacent reference is the mean of the neighbours' heights", {
  ha <- c(26, 18, 28, 30); hm <- c(25, 20, 27, 29); hp <- c(27, 26, 29, 30)
  g <- vcf_genant(ha, hm, hp)
  expect_equal(g$ha_loss_pct[2], round(100 * (27 - 18) / 27, 10))
  expect_equal(g$hm_loss_pct[2], round(100 * (26 - 20) / 26, 10))
  expect_equal(g$ha_loss_pct[1], round(100 * (18 - 26) / 18, 10))  # one neighbour
  expect_equal(g$grade[2], 2L)
  m <- data.frame(scan = c("b", "a", "a", "a", "b"), label = c(20L, 21L, 19L, 20L, 19L),
                  ha_mm = c(30, 28, 26, 18, 30), hm_mm = 25, hp_mm = 27)
  m$level <- vcf_level(m$label)
  # scan a: T12 26, L1 18, L2 28; scan b: T12 30, L1 30
  expect_equal(vcf_height_ratio(m), 100 * c(30 / 30, 28 / 18, 26 / 18, 18 / 27, 30 / 30))
  gm <- vcf_genant(m)
  expect_equal(names(gm)[1:3], c("scan", "label", "level"))
  expect_equal(gm$ha_loss_pct[4], round(100 * (27 - 18) / 27, 10))
  # a vertebra alone in its scan has no reference
  alone <- m[2, ]
  expect_true(is.na(vcf_height_ratio(alone)))
  expect_true(is.na(vcf_genant(alone)$grade))
  expect_error(vcf_height_ratio(data.frame(ha_mm = 1)), class = "vcf_error_type")
  expect_error(vcf_genant(c(1, 2), 1, 1), class = "vcf_error_height")
  expect_error(vcf_genant(1, 1, 1, reference = "other"), class = "vcf_error_argument")
})

# Heights along the bodies' own axes -------------------------------------------------

test_that("principal-axis heights equal the voxel-axis heights on an upright spine", {
  spacing <- c(1.1, 0.9, 1.3)
  x <- spine_phantom(c(19L, 20L, 21L, 22L), height = c(10L, 11L, 12L, 12L))
  p <- vcf_morphometry(x, spacing = spacing, orientation = "RAS")
  v <- vcf_morphometry(x, spacing = spacing, orientation = "RAS", axes = "voxel")
  expect_equal(p[c("ha_mm", "hm_mm", "hp_mm", "ap_mm")], v[c("ha_mm", "hm_mm", "hp_mm", "ap_mm")],
               tolerance = 1e-8, ignore_attr = TRUE)
  expect_equal(attr(p, "axes"), "principal")
  # and in any storage order of a file
  dir <- withr::local_tempdir()
  f <- write_oriented(x, "PIL", spacing, file.path(dir, "pil.nii.gz"))
  expect_equal(vcf_morphometry(f)$ha_mm, p$ha_mm, tolerance = 1e-6)  # float32 header
  # a wedge leans its neighbours' pooled axes a little: within a voxel diagonal
  w <- spine_phantom(c(19L, 20L, 21L, 22L), height = c(10L, 11L, 12L, 12L), wedge = 20L)
  pw <- vcf_morphometry(w, spacing = spacing, orientation = "RAS")
  vw <- vcf_morphometry(w, spacing = spacing, orientation = "RAS", axes = "voxel")
  err <- abs(as.matrix(pw[c("ha_mm", "hm_mm", "hp_mm")]) - as.matrix(vw[c("ha_mm", "hm_mm", "hp_mm")]))
  expect_true(all(err <= sqrt(sum(spacing^2))))
  expect_lt(pw$ha_mm[2], 0.75 * pw$hp_mm[2])
})

test_that("phantoms rotated 0-30 degrees sagittally keep their heights within a voxel diagonal", {
  x <- spine_phantom(c(19L, 20L, 21L, 22L), height = c(12L, 13L, 14L, 14L), width = 12L,
                     depth = 18L, wedge = 20L, wedge_keep = 0.55)
  up <- vcf_morphometry(x, spacing = 1, orientation = "RAS")
  diagonal <- sqrt(3)
  for (degrees in c(0, 10, 20, 30, -25)) {
    r <- rotate_sagittal(x, degrees)
    m <- vcf_morphometry(r, spacing = 1, orientation = "RAS")
    expect_equal(m$label, up$label)
    err <- abs(as.matrix(m[c("ha_mm", "hm_mm", "hp_mm")]) - as.matrix(up[c("ha_mm", "hm_mm", "hp_mm")]))
    expect_true(all(err <= diagonal), info = paste(degrees, "degrees:", max(err)))
    # the voxel-axis method does not follow the rotation
    if (abs(degrees) >= 20) {
      v <- vcf_morphometry(r, spacing = 1, orientation = "RAS", axes = "voxel")
      expect_gt(max(abs(v$hp_mm - up$hp_mm)), diagonal)
    }
  }
  # the wedge stays a wedge: its anterior height is the smallest
  expect_lt(m$ha_mm[2], m$hp_mm[2])
})

test_that("oblique headers give the unrotated heights", {
  x <- spine_phantom(c(19L, 20L, 21L), height = c(10L, 12L, 12L), wedge = 20L)
  spacing <- c(1, 0.8, 1.5)
  up <- vcf_morphometry(x, spacing = spacing, orientation = "RAS")
  dir <- withr::local_tempdir()
  for (degrees in c(8, 20, 30)) {
    f <- write_oblique(x, spacing, degrees, file.path(dir, paste0("oblique", degrees, ".nii.gz")))
    m <- vcf_morphometry(f)
    expect_equal(m[c("ha_mm", "hm_mm", "hp_mm", "ap_mm")], up[c("ha_mm", "hm_mm", "hp_mm", "ap_mm")],
                 tolerance = 1e-6, ignore_attr = TRUE, info = degrees)
  }
})

# Grading systems ---------------------------------------------------------------------

test_that("quantitative morphometry grades the ratios by the thresholds", {
  ha <- c(26, 18, 28, 21); hm <- c(25, 22, 27, 16); hp <- c(27, 26, 29, 26)
  g <- vcf_genant(ha, hm, hp, method = "qm")
  expect_equal(g$ha_loss_pct, round(100 * (1 - ha / hp), 10))
  expect_equal(g$hm_loss_pct, round(100 * (1 - hm / hp), 10))
  hp_adj <- c(26, mean(c(27, 29)), mean(c(26, 26)), 29)
  expect_equal(g$hp_loss_pct, round(100 * (1 - hp / hp_adj), 10))
  worst <- pmax(g$ha_loss_pct, g$hm_loss_pct, g$hp_loss_pct)
  expect_equal(g$grade, findInterval(worst, c(20, 25, 40)))
  expect_equal(as.character(g$shape), c("none", "wedge", "none", "biconcave"))
  expect_match(g$reason[2], "Ha/Hp reduction 30.8% >= 25%: grade 2", fixed = TRUE)
  expect_match(g$reason[1], "< 20%: grade 0")
})

test_that("the SD option scores ratios against a reference table", {
  ref <- data.frame(level = rep(c("T12", "L1", "L2"), each = 3),
                    ratio = rep(c("ha_hp", "hm_hp", "hp_adj"), 3), mean = c(0.95, 0.9, 1),
                    sd = 0.05)
  m <- data.frame(scan = "a", label = 19:21, level = vcf_level(19:21),
                  ha_mm = c(26, 18, 28), hm_mm = c(25, 22, 27), hp_mm = c(27, 26, 29))
  g <- vcf_genant(m, method = "qm_sd", sd_reference = ref)
  expect_equal(g$ha_hp_z, (m$ha_mm / m$hp_mm - 0.95) / 0.05)
  expect_equal(g$grade, as.integer(pmin(g$ha_hp_z, g$hm_hp_z, g$hp_adj_z) <= -3))
  expect_equal(g$grade, c(0L, 1L, 0L))
  expect_equal(as.character(g$shape), c("none", "wedge", "none"))
  expect_match(g$reason[2], "Ha/Hp")
  expect_error(vcf_genant(m, method = "qm_sd"), class = "vcf_error_reference")
  expect_true(is.na(vcf_genant(m, method = "qm_sd", sd_reference = ref[1:3, ])$grade[2]))
})

test_that("the extended SQ scale adds a borderline grade 0.5 with reasons", {
  g <- vcf_genant(ha = c(19, 16.8, 16, 12), hm = rep(20, 4), hp = rep(20, 4), reference = "posterior",
                  extended = TRUE)
  expect_equal(g$grade, c(0, 0.5, 1, 3))
  expect_match(g$reason[2], "grade 0.5 (borderline)", fixed = TRUE)
  expect_match(g$reason[4], "anterior height loss 40.0% >= 40%: grade 3", fixed = TRUE)
  expect_equal(vcf_genant(17, 20, 20, reference = "posterior", extended = TRUE, borderline = 14)$grade, 0.5)
  expect_equal(vcf_genant(17, 20, 20, reference = "posterior")$grade, 0L)
  expect_error(vcf_genant(17, 20, 20, extended = TRUE, borderline = 25), class = "vcf_error_argument")
  expect_error(vcf_genant(17, 20, 20, method = "pca"), class = "vcf_error_argument")
  expect_true(grepl("no reference", vcf_genant(20, 20, 20)$reason))
})

test_that("axes of the wrong type is a classed error", {
  box <- array(0L, c(4, 4, 4)); box[2:3, 2:3, 2:3] <- 20L
  expect_error(vcf_morphometry(box, spacing = c(1, 1, 1), orientation = "LPS", axes = identity),
               class = "vcf_error")
  expect_error(vcf_morphometry(box, spacing = c(1, 1, 1), orientation = "LPS", axes = 1),
               class = "vcf_error")
})
