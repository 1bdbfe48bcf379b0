# Label conventions -----------------------------------------------------------------

# Level names from the tools' own tables, written out here by hand (see
# ?vcf_conventions for the sources).
levels_top_down <- c(paste0("C", 1:7), paste0("T", 1:12), paste0("L", 1:5))

test_that("each convention's table is the tool's numbering", {
  v2 <- vcf_conventions("totalsegmentator")
  expect_equal(v2$level[match(c(27, 31, 32, 43, 44, 50), v2$label)],
               c("L5", "L1", "T12", "T1", "C7", "C1"))
  expect_false(any(c(25, 26) %in% v2$label))          # sacrum and S1 have no level
  v1 <- vcf_conventions("totalsegmentator_v1")
  expect_equal(v1$level[match(c(18, 22, 23, 41), v1$label)], c("L5", "L1", "T12", "C1"))
  mr <- vcf_conventions("vertebrae_mr")
  expect_equal(mr$level[match(c(2, 6, 7, 25), mr$label)], c("L5", "L1", "T12", "C1"))
  expect_false(1 %in% mr$label)                       # sacrum
  for (name in c("verse", "spineps")) {
    t <- vcf_conventions(name)
    expect_equal(t$level[match(c(1, 8, 19, 20, 24, 25, 28), t$label)],
                 c("C1", "T1", "T12", "L1", "L5", "L6", "T13"))
  }
  # every convention numbers the 24 presacral levels once
  for (name in c("totalsegmentator", "totalsegmentator_v1", "vertebrae_mr")) {
    t <- vcf_conventions(name)
    expect_setequal(t$level, levels_top_down)
    expect_equal(anyDuplicated(t$label), 0L)
  }
  expect_error(vcf_conventions("nnunet"), class = "vcf_error_argument")
})

# label of each level under each convention, from the tables above
code_of <- function(level, convention) {
  t <- vcf_conventions(convention)
  t$label[match(level, t$level)]
}

test_that("phantoms labelled in every convention give the same levels and measures", {
  run <- c("T10", "T11", "T12", "L1", "L2", "L3")
  verse <- spine_phantom(code_of(run, "verse"), height = c(10, 11, 12, 13, 14, 15))
  bme <- array(0L, dim(verse)); bme[verse == code_of("T12", "verse")] <- 1L
  dir <- withr::local_tempdir()
  bme_file <- write_oriented(bme, "RAS", c(1, 1, 1.5), file.path(dir, "bme.nii.gz"))
  ref_v <- vcf_volumetrics(write_oriented(verse, "RAS", c(1, 1, 1.5), file.path(dir, "verse.nii.gz")),
                           bme_file)
  ref_m <- vcf_morphometry(file.path(dir, "verse.nii.gz"))
  expect_equal(as.character(ref_v$level), run)
  user <- data.frame(label = c(101, 102, 103, 104, 105, 106), level = run)
  for (convention in list("totalsegmentator", "totalsegmentator_v1", "vertebrae_mr", "spineps", user)) {
    codes <- if (is.data.frame(convention)) convention$label else code_of(run, convention)
    relabelled <- verse
    relabelled[verse > 0] <- codes[match(verse[verse > 0], code_of(run, "verse"))]
    # a sacrum and (for TotalSegmentator) an organ label are left out
    if (identical(convention, "totalsegmentator")) relabelled[1:3, 1:3, 1:3] <- 5L
    f <- write_oriented(relabelled, "LPS", c(1, 1, 1.5), file.path(dir, "relabelled.nii.gz"))
    b <- write_oriented(bme, "LPS", c(1, 1, 1.5), file.path(dir, "bme_lps.nii.gz"))
    v <- vcf_volumetrics(f, b, convention = convention)
    info <- if (is.character(convention)) convention else "user"
    expect_equal(as.character(v$level), run, info = info)
    expect_equal(v$label, codes, info = info)
    expect_equal(v[c("body_mm3", "bme_mm3", "bme_pct")], ref_v[c("body_mm3", "bme_mm3", "bme_pct")],
                 ignore_attr = TRUE, info = info)
    m <- vcf_morphometry(f, convention = convention)
    expect_equal(m[c("ha_mm", "hm_mm", "hp_mm")], ref_m[c("ha_mm", "hm_mm", "hp_mm")],
                 ignore_attr = TRUE, tolerance = 1e-8, info = info)
  }
  expect_error(vcf_volumetrics(f, b, convention = data.frame(label = 1:2, level = c("T1", "X9"))),
               class = "vcf_error_convention")
  expect_error(vcf_volumetrics(f, b, convention = "total"), class = "vcf_error_argument")
})

test_that("without a convention, labels that do not fit VerSe are an error naming the likely one", {
  run <- c("T11", "T12", "L1", "L2", "L3")
  dir <- withr::local_tempdir()
  likely <- c(totalsegmentator = "totalsegmentator", totalsegmentator_v1 = "totalsegmentator_v1",
              vertebrae_mr = "vertebrae_mr")
  for (convention in names(likely)) {
    x <- spine_phantom(code_of(run, convention))
    f <- write_oriented(x, "RAS", c(1, 1, 1), file.path(dir, paste0(convention, ".nii.gz")))
    err <- expect_error(vcf_morphometry(f), class = "vcf_error_convention_mismatch")
    expect_match(conditionMessage(err), likely[[convention]], fixed = TRUE)
    expect_equal(err$likely, likely[[convention]])
    zero <- write_oriented(x * 0L, "RAS", c(1, 1, 1), file.path(dir, "zero.nii.gz"))
    expect_error(vcf_volumetrics(f, zero), class = "vcf_error_convention_mismatch")
    # the explicit convention is accepted
    expect_equal(as.character(vcf_morphometry(f, convention = convention)$level), run)
  }
  # a plain array has no orientation: body volumes growing toward the higher
  # numbers' end betray a reversed numbering
  x <- spine_phantom(code_of(run, "vertebrae_mr"), height = c(8, 9, 10, 11, 12))
  expect_error(vcf_volumetrics(x, x * 0L, spacing = 1), class = "vcf_error_convention_mismatch")
  mr <- spine_phantom(code_of(run, "vertebrae_mr"))
  expect_snapshot(error = TRUE, vcf_morphometry(mr, spacing = 1, orientation = "RAS"))
  # VerSe labels pass, and so does a single vertebra
  v <- spine_phantom(code_of(run, "verse"))
  expect_equal(nrow(vcf_morphometry(v, spacing = 1, orientation = "RAS")), 5L)
  expect_equal(nrow(vcf_morphometry(spine_phantom(31L), spacing = 1, orientation = "RAS")), 1L)
})

test_that("a TotalSegmentator folder of per-structure masks reads as a v2 label map", {
  run <- c("T12", "L1", "L2", "L3")
  x <- spine_phantom(code_of(run, "totalsegmentator"), wedge = code_of("L1", "totalsegmentator"))
  dir <- withr::local_tempdir()
  folder <- file.path(dir, "segmentations")
  dir.create(folder)
  for (level in run) {
    write_oriented((x == code_of(level, "totalsegmentator")) * 1L, "PIR", c(1, 1, 1),
                   file.path(folder, paste0("vertebrae_", level, ".nii.gz")), "uint8")
  }
  write_oriented(array(0L, dim(x)), "PIR", c(1, 1, 1), file.path(folder, "liver.nii.gz"), "uint8")
  map <- write_oriented(x, "PIR", c(1, 1, 1), file.path(dir, "map.nii.gz"))
  bme <- write_oriented((x == code_of("L1", "totalsegmentator")) * 1L, "PIR", c(1, 1, 1),
                        file.path(dir, "bme.nii.gz"), "uint8")
  from_folder <- vcf_volumetrics(folder, bme)
  from_map <- vcf_volumetrics(map, bme, convention = "totalsegmentator")
  expect_equal(as.character(from_folder$level), run)
  expect_equal(from_folder[-1], from_map[-1], ignore_attr = TRUE)
  expect_equal(from_folder$bme_pct, c(0, 100, 0, 0))
  m <- vcf_morphometry(folder)
  expect_equal(m$ha_mm, vcf_morphometry(map, convention = "totalsegmentator")$ha_mm)
  expect_lt(m$ha_mm[2], m$hp_mm[2])                       # the wedge
  expect_error(vcf_morphometry(folder, convention = "verse"), class = "vcf_error_convention_mismatch")
  empty <- file.path(dir, "empty"); dir.create(empty)
  expect_error(vcf_morphometry(empty), class = "vcf_error_file")
})

# Label checks ----------------------------------------------------------------------------

test_that("swaps, jumps, gaps and transitional vertebrae are flagged and warned", {
  run <- c("T11", "T12", "L1", "L2", "L3")
  codes <- code_of(run, "verse")
  swapped <- spine_phantom(codes[c(1, 2, 4, 3, 5)])            # L1 and L2 swapped
  expect_warning(m <- vcf_morphometry(swapped, spacing = 1, orientation = "RAS"),
                      class = "vcf_warning_label_order")
  expect_equal(m$flags, c("", "", "order", "order", ""))   # L1 lies below L2
  gap <- spine_phantom(codes[-3])                              # L1 missing
  expect_warning(m <- vcf_morphometry(gap, spacing = 1, orientation = "RAS"),
                      class = "vcf_warning_label_missing_below")
  expect_equal(m$flags, c("", "missing_below", "", ""))
  t13 <- spine_phantom(c(19L, 28L, 20L, 21L))                  # T12, T13, L1, L2
  expect_warning(m <- vcf_morphometry(t13, spacing = 1, orientation = "RAS"),
                      class = "vcf_warning_label_transitional")
  expect_equal(as.character(m$level), c("T12", "L1", "L2", "T13"))
  expect_equal(m$flags, c("", "", "", "transitional"))
  l6 <- spine_phantom(c(23L, 24L, 25L))
  expect_warning(m <- vcf_morphometry(l6, spacing = 1, orientation = "RAS"),
                      class = "vcf_warning_label_transitional")
  expect_equal(m$flags, c("", "", "transitional"))
  # one body three times its neighbours' volume (two bodies merged under one label)
  jump <- spine_phantom(codes, height = c(10, 10, 30, 10, 10))
  expect_warning(m <- vcf_morphometry(jump, spacing = 1, orientation = "RAS"),
                      class = "vcf_warning_label_volume_jump")
  expect_equal(m$flags[3], "volume_jump")
  # an R reference of the gap rule over random runs
  set.seed(11)
  for (r in 1:20) {
    present <- sort(sample(8:24, sample(2:8, 1)))
    level <- vcf_level(present)
    flags <- vcfoutcomes:::label_flags(level, -seq_along(present), rep(100, length(present)))
    expected <- c(ifelse(diff(present) > 1, "missing_below", ""), "")
    expect_equal(flags, expected)
  }
})

# Batches ------------------------------------------------------------------------------------

# Four VerSe scans (one with L1 and L2 swapped), written with BME masks.
write_batch <- function(dir) {
  codes <- code_of(c("T11", "T12", "L1", "L2", "L3"), "verse")
  lab <- bme <- character(4)
  for (s in 1:4) {
    x <- spine_phantom(if (s == 3) codes[c(1, 2, 4, 3, 5)] else codes, wedge = if (s == 2) 20L else NA)
    b <- array(0L, dim(x)); b[x == codes[2]] <- 1L; b[, , seq_len(s)] <- 0L
    lab[s] <- write_oriented(x, c("RAS", "LPI", "PIR", "ASR")[s], c(1, 1, 1.2),
                             file.path(dir, sprintf("s%d_vert.nii.gz", s)))
    bme[s] <- write_oriented(b, c("RAS", "LPI", "PIR", "ASR")[s], c(1, 1, 1.2),
                             file.path(dir, sprintf("s%d_bme.nii.gz", s)))
  }
  names(lab) <- paste0("scan", 1:4)
  list(lab = lab, bme = bme)
}

test_that("a batch survives a truncated file, a wrong-grid mask and a wrong convention", {
  dir <- withr::local_tempdir()
  b <- write_batch(dir)
  good <- suppressWarnings(vcf_volumetrics(b$lab, b$bme))
  # scan5: truncated; scan6: BME mask on another grid; scan7: TotalSegmentator labels
  bytes <- readBin(b$lab[[1]], "raw", file.size(b$lab[[1]]))
  truncated <- file.path(dir, "truncated.nii.gz")
  writeBin(bytes[seq_len(length(bytes) %/% 2)], truncated)
  x <- spine_phantom(code_of(c("T12", "L1", "L2"), "verse"))
  wrong_grid <- write_oriented(array(0L, dim(x) + 1L), "RAS", c(1, 1, 1), file.path(dir, "grid.nii.gz"))
  ts <- write_oriented(spine_phantom(code_of(c("T12", "L1", "L2"), "totalsegmentator")), "RAS",
                       c(1, 1, 1), file.path(dir, "ts.nii.gz"))
  ts_bme <- write_oriented(array(0L, dim(x)), "RAS", c(1, 1, 1), file.path(dir, "ts_bme.nii.gz"))
  lab <- c(b$lab, scan5 = truncated,
           scan6 = write_oriented(x, "RAS", c(1, 1, 1), file.path(dir, "x.nii.gz")), scan7 = ts)
  bme <- c(b$bme, b$bme[1], wrong_grid, ts_bme)
  res <- NULL
  expect_warning(
    expect_warning(res <- vcf_volumetrics(lab, bme), class = "vcf_warning_batch_failures"),
    class = "vcf_warning_label_order")
  failures <- attr(res, "failures")
  expect_equal(failures$scan, c("scan5", "scan6", "scan7"))
  expect_equal(failures$class, c("vcf_error_file", "vcf_error_dims", "vcf_error_convention_mismatch"))
  expect_match(failures$message[1], "truncated.nii.gz", fixed = TRUE)
  expect_equal(res[names(good)], good[names(good)], ignore_attr = TRUE)
  # the swapped pair is reported with its flags
  expect_equal(res$flags[res$scan == "scan3"], c("", "", "order", "order", ""))
  # morphometry batches collect failures the same way
  m <- suppressWarnings(vcf_morphometry(lab))
  expect_equal(attr(m, "failures")$scan, c("scan5", "scan7"))
  expect_equal(unique(m$scan), c(paste0("scan", 1:4), "scan6"))
  # a single scan still raises its error
  expect_error(vcf_volumetrics(truncated, b$bme[1]), class = "vcf_error_file")
  # print() of a batch lists the failures
  out <- capture.output(print(res))
  expect_true(any(grepl("3 failed scans", out)))
})

test_that("checkpoints are written per scan and a rerun resumes from them", {
  dir <- withr::local_tempdir()
  b <- write_batch(dir)
  ck <- file.path(dir, "checkpoint")
  bytes <- readBin(b$lab[[2]], "raw", file.size(b$lab[[2]]))
  writeBin(bytes[1:200], b$lab[[2]])                       # scan2 broken for now
  first <- suppressWarnings(vcf_volumetrics(b$lab, b$bme, checkpoint = ck))
  expect_equal(attr(first, "failures")$scan, "scan2")
  expect_length(list.files(ck, pattern = "\\.rds$"), 3L)  # failures are not saved
  # a rerun reads saved scans: tamper with one to see that it is not measured again
  saved <- list.files(ck, pattern = "^scan1_.*\\.rds$", full.names = TRUE)
  expect_length(saved, 1L)
  state <- readRDS(saved)
  state$part$rows$body_mm3 <- state$part$rows$body_mm3 + 0.5
  saveRDS(state, saved)
  writeBin(bytes, b$lab[[2]])                              # scan2 repaired
  second <- suppressWarnings(vcf_volumetrics(b$lab, b$bme, checkpoint = ck))
  expect_equal(nrow(attr(second, "failures")), 0L)
  fresh <- suppressWarnings(vcf_volumetrics(b$lab, b$bme))
  expect_equal(second$body_mm3[second$scan == "scan1"], fresh$body_mm3[fresh$scan == "scan1"] + 0.5)
  expect_equal(second[second$scan != "scan1", ], fresh[fresh$scan != "scan1", ], ignore_attr = TRUE)
  expect_length(list.files(ck, pattern = "\\.rds$"), 4L)
  # a changed input file is measured again
  Sys.sleep(0.01)
  write_oriented(spine_phantom(code_of(c("T12", "L1"), "verse")), "RAS", c(1, 1, 1.2), b$lab[[4]])
  third <- suppressWarnings(vcf_volumetrics(b$lab, b$bme, checkpoint = ck))
  expect_equal(attr(third, "failures")$class, "vcf_error_dims")
  expect_error(vcf_volumetrics(b$lab, b$bme, checkpoint = c("a", "b")), class = "vcf_error_argument")
})

test_that("batch results are identical under sequential, multisession, callr and batchtools plans", {
  skip_on_cran()
  skip_if_not_installed("future")
  skip_if_not_installed("future.batchtools")
  dir <- withr::local_tempdir()
  b <- write_batch(dir)
  lab <- c(b$lab, broken = file.path(dir, "missing.nii.gz"))
  bme <- c(b$bme, b$bme[1])
  run <- function() suppressWarnings(list(v = vcf_volumetrics(lab, bme), m = vcf_morphometry(lab)))
  withr::local_envvar(R_LIBS = paste(.libPaths(), collapse = .Platform$path.sep))
  oplan <- future::plan(future::sequential)
  withr::defer(future::plan(oplan))
  ref <- run()
  expect_equal(attr(ref$v, "failures")$scan, "broken")
  plans <- list(multisession = function() future::plan(future::multisession, workers = 2))
  if (requireNamespace("future.callr", quietly = TRUE)) {
    plans$callr <- function() future::plan(future.callr::callr, workers = 2)
  }
  plans$batchtools_local <- function() future::plan(future.batchtools::batchtools_local)
  withr::local_dir(dir)   # batchtools keeps its registries under the working directory
  for (name in names(plans)) {
    plans[[name]]()
    expect_identical(run(), ref, label = name)
  }
})

test_that("print() of a 200-scan result is a summary", {
  n <- 200L
  rows <- data.frame(scan = rep(sprintf("scan%03d", seq_len(n)), each = 8),
                     label = rep(17:24, n))
  rows$level <- vcf_level(rows$label)
  rows$body_mm3 <- 30000; rows$bme_mm3 <- 3000; rows$cement_mm3 <- 0
  rows$bme_pct <- 10; rows$bme_class <- vcf_bme_class(10); rows$flags <- ""
  x <- structure(rows, outside = data.frame(scan = unique(rows$scan), bme_outside_mm3 = 0,
                                            cement_outside_mm3 = 0),
                 failures = data.frame(scan = "bad", class = "vcf_error_file", message = "m"),
                 class = c("vcf_volumetrics", "data.frame"))
  out <- capture.output(print(x))
  expect_lt(length(out), 40L)
  expect_match(out[1], "1600 vertebrae in 200 scans", fixed = TRUE)
  expect_true(any(grepl("1590 more rows", out)))
  expect_true(any(grepl("1 failed scan", out)))
  m <- data.frame(scan = rows$scan, label = rows$label, level = rows$level, ha_mm = 25,
                  hm_mm = 25, hp_mm = 25, ap_mm = 30, voxels = 1, flags = "")
  out <- capture.output(print(structure(m, class = c("vcf_morphometry", "data.frame"))))
  expect_lt(length(out), 40L)
})

# C entry points and headers --------------------------------------------------------------

test_that("C entry points refuse grids whose size overflows and bad arguments", {
  huge <- as.integer(c(16, 2^30, 2^30))
  expect_error(.Call(vcfoutcomes:::C_morphometry_scan, raw(0), huge, 0:2, c(0L, 0L, 0L)),
               "more voxels than R can index")
  expect_error(.Call(vcfoutcomes:::C_morphometry_moments, raw(0), huge), "more voxels")
  expect_error(.Call(vcfoutcomes:::C_morphometry_profile, raw(0), huge, 1L, rep(0L, 6),
                     rep(0, 9), diag(3)), "more voxels")
  expect_error(.Call(vcfoutcomes:::C_morphometry_moments, raw(8), c(2L, 2L, NA)), "positive")
  expect_error(.Call(vcfoutcomes:::C_morphometry_moments, list(), c(1L, 1L, 1L)), "integer, double")
  expect_error(.Call(vcfoutcomes:::C_morphometry_moments, raw(7), c(2L, 2L, 2L)), "length 8")
  expect_error(.Call(vcfoutcomes:::C_volumetrics_tally, "a", raw(1), NULL), "integer, double")
  expect_error(.Call(vcfoutcomes:::C_morphometry_axes, matrix(NaN, 1, 6), diag(3)), "finite")
  expect_error(.Call(vcfoutcomes:::C_morphometry_axes, matrix(0, 1, 5), diag(3)), "6 columns")
  expect_error(.Call(vcfoutcomes:::C_morphometry_profile, raw(8), c(2L, 2L, 2L), 1L,
                     c(0L, 5L, 0L, 0L, 0L, 0L), rep(0, 9), diag(3)), "inside the grid")
})

test_that("moments and principal axes match R references", {
  set.seed(5)
  x <- array(sample(0:4, 6 * 7 * 8, TRUE, prob = c(4, 1, 1, 1, 1)), c(6, 7, 8))
  mom <- .Call(vcfoutcomes:::C_morphometry_moments, x, dim(x))
  expect_equal(mom$label, unique(x[x > 0]))
  for (s in seq_along(mom$label)) {
    idx <- which(x == mom$label[s], arr.ind = TRUE) - 1
    expect_equal(mom$count[s], nrow(idx))
    expect_equal(mom$mean[s, ], unname(colMeans(idx)))
    cv <- cov(idx) * (nrow(idx) - 1) / nrow(idx)
    expect_equal(mom$cov[s, ], unname(c(diag(cv), cv[1, 2], cv[1, 3], cv[2, 3])), tolerance = 1e-12)
    expect_equal(mom$box[s, ], as.integer(apply(idx, 2, range)))
  }
  world <- matrix(c(0.8, 0.1, 0, -0.2, 1.1, 0.3, 0, -0.25, 2), 3)
  ax <- .Call(vcfoutcomes:::C_morphometry_axes, mom$cov, world)
  for (s in seq_along(mom$label)) {
    cv <- matrix(mom$cov[s, c(1, 4, 5, 4, 2, 6, 5, 6, 3)], 3)
    e <- eigen(world %*% cv %*% t(world), symmetric = TRUE)
    frame <- matrix(ax$axes[s, ], 3)               # columns RL, AP, SI
    expect_equal(crossprod(frame), diag(3), tolerance = 1e-10)
    expect_equal(sort(ax$values[s, ]), sort(e$values), tolerance = 1e-10)
    si <- which.max(abs(e$vectors[3, ]))
    expect_equal(frame[, 3], e$vectors[, si] * sign(e$vectors[3, si]), tolerance = 1e-8)
    expect_gt(frame[3, 3], 0)
    expect_equal(det(frame), 1, tolerance = 1e-10)    # right-handed: RL = AP x SI
  }
  # a body of one voxel has a zero covariance and still a frame
  one <- array(0L, c(3, 3, 3)); one[2, 2, 2] <- 20L
  expect_equal(vcf_morphometry(one, spacing = 1, orientation = "RAS")$hm_mm, 1)
})

test_that("a header with a negative voxel size is refused, not silently flipped", {
  dir <- withr::local_tempdir()
  x <- spine_phantom(c(19L, 20L))
  f <- write_oriented(x, "RAS", c(3, 1, 1), file.path(dir, "ok.nii"))
  bytes <- readBin(f, "raw", file.size(f))
  bytes[81:84] <- writeBin(-1, raw(), size = 4)           # pixdim[1] = -1
  bad <- file.path(dir, "bad.nii")
  writeBin(bytes, bad)
  expect_error(vcf_morphometry(bad), class = "vcf_error_spacing")
  expect_error(vcf_volumetrics(bad, bad), class = "vcf_error_spacing")
  expect_warning(m <- vcf_morphometry(c(a = f, b = bad)), class = "vcf_warning_batch_failures")
  expect_equal(attr(m, "failures")$class, "vcf_error_spacing")
  expect_equal(unique(m$scan), "a")
})

test_that("a header whose data offset is no byte position is refused, not read from the end", {
  dir <- withr::local_tempdir()
  x <- spine_phantom(c(19L, 20L))
  f <- write_oriented(x, "RAS", c(3, 1, 1), file.path(dir, "ok.nii"))
  ok <- vcf_morphometry(f)
  bytes <- readBin(f, "raw", file.size(f))
  for (offset in c(1e12, 2^31, -1000, NaN, Inf)) {
    bytes[109:112] <- writeBin(offset, raw(), size = 4)    # vox_offset
    bad <- file.path(dir, "bad.nii")
    writeBin(bytes, bad)
    expect_error(vcf_morphometry(bad), class = "vcf_error_file")
    expect_error(vcf_volumetrics(bad, bad), class = "vcf_error_file")
  }
  expect_snapshot(vcf_morphometry(bad), error = TRUE,
                  transform = function(x) gsub(dir, "<dir>", x, fixed = TRUE))
  # an offset below 352 in a single .nii file is read from byte 352, as by
  # every NIfTI reader
  bytes[109:112] <- writeBin(0, raw(), size = 4)
  writeBin(bytes, bad)
  expect_equal(vcf_morphometry(bad)$hm_mm, ok$hm_mm)
})

test_that("a header whose qform is not finite is refused, not oriented by NaN (fuzz)", {
  dir <- withr::local_tempdir()
  f <- write_oriented(spine_phantom(c(19L, 20L)), "RAS", c(3, 1, 1), file.path(dir, "ok.nii"))
  bytes <- readBin(f, "raw", file.size(f))
  bytes[253:256] <- writeBin(c(1L, 1L), raw(), size = 2)          # qform_code, sform_code
  bytes[257:280] <- writeBin(rep(NaN, 6), raw(), size = 4)        # quaternion, offsets
  bad <- file.path(dir, "bad.nii")
  writeBin(bytes, bad)
  expect_no_warning(expect_error(vcf_morphometry(bad), class = "vcf_error_file"))
  expect_error(vcf_volumetrics(f, bme = bad), class = "vcf_error_file")
})

test_that("files that are not NIfTI or have impossible dimensions are vcf_error_file (fuzz)", {
  # RNifti's header reader crashes on some of these: the image must be read
  # (and refused) before the header is looked at
  dir <- withr::local_tempdir()
  f <- write_oriented(spine_phantom(c(19L, 20L)), "RAS", c(3, 1, 1), file.path(dir, "ok.nii"))
  bytes <- readBin(f, "raw", file.size(f))
  broken <- list(empty = raw(0), truncated = bytes[1:100], text = charToRaw("a,b\n1,2\n"),
                 ndim_9 = replace(bytes, 41:42, writeBin(9L, raw(), size = 2)),
                 dim_zero = replace(bytes, 43:44, writeBin(0L, raw(), size = 2)),
                 dim_negative = replace(bytes, 43:44, writeBin(-5L, raw(), size = 2)))
  for (what in names(broken)) {
    bad <- file.path(dir, paste0(what, ".nii"))
    writeBin(broken[[what]], bad)
    expect_error(vcf_morphometry(bad), class = "vcf_error_file")
    expect_error(vcf_volumetrics(f, bme = bad), class = "vcf_error_file")
  }
})

test_that("every argument of the imaging exports is checked with a classed error", {
  x <- spine_phantom(c(19L, 20L))
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RAS", axes = "pca"), class = "vcf_error_argument")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RAS", axes = 1), class = "vcf_error_argument")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = 3), class = "vcf_error_orientation")
  expect_error(vcf_morphometry(x, spacing = "1", orientation = "RAS"), class = "vcf_error_spacing")
  expect_error(vcf_morphometry(x, spacing = Inf, orientation = "RAS"), class = "vcf_error_spacing")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RAS", labels = 0), class = "vcf_error_labels")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RAS", convention = NA), class = "vcf_error_argument")
  expect_error(vcf_morphometry(x, spacing = 1, orientation = "RAS", checkpoint = 1), class = "vcf_error_argument")
  expect_error(vcf_morphometry(c("a", NA)), class = "vcf_error_batch")
  expect_error(vcf_morphometry(c(a = "x", a = "y")), class = "vcf_error_batch")
  expect_error(vcf_volumetrics(x, x, spacing = 1, labels = NA), class = "vcf_error_labels")
  expect_error(vcf_volumetrics(c("a", "b"), c("a", NA)), class = "vcf_error_batch")
  expect_error(vcf_volumetrics(x, "x", spacing = 1), class = "vcf_error_file")
  expect_error(vcf_volumetrics(x, NULL, spacing = 1), class = "vcf_error_type")
  expect_error(vcf_volumetrics(array(0L, c(0, 2, 2)), array(0L, c(0, 2, 2)), spacing = 1),
               class = "vcf_error_dims")
  m <- data.frame(scan = "a", label = 19:21, level = vcf_level(19:21),
                  ha_mm = c(26, -18, 28), hm_mm = 25, hp_mm = 27)
  expect_error(vcf_height_ratio(m), class = "vcf_error_height")
  m$ha_mm[2] <- 0
  expect_error(vcf_height_ratio(m), class = "vcf_error_height")
  m$ha_mm[2] <- Inf
  expect_error(vcf_genant(m), class = "vcf_error_height")
  expect_error(vcf_genant(c(20, NaN), c(20, 20), c(20, 20)), NA)
  expect_error(vcf_genant(-1, 1, 1), class = "vcf_error_height")
  expect_error(vcf_genant(20, "20", 20), class = "vcf_error_height")
  expect_error(vcf_genant(20, 20, 20, reference = Inf), class = "vcf_error_reference")
  expect_error(vcf_genant(20, 20, 20, thresholds = c(20, 25, NA)), class = "vcf_error_thresholds")
  expect_error(vcf_bme_class(list(1)), class = "vcf_error_type")
  expect_snapshot(error = TRUE, {
    vcf_height_ratio(m)
    vcf_morphometry(x, spacing = 1, orientation = "RAS", axes = "pca")
    vcf_volumetrics(x, x, spacing = 1, convention = data.frame(label = 1, level = "X1"))
  })
})

test_that("orientation and voxel-to-world matrix come from the header as RNifti gives them", {
  set.seed(21)
  dir <- withr::local_tempdir()
  for (r in 1:30) {
    img <- RNifti::asNifti(array(0L, c(3, 4, 5)))
    RNifti::pixdim(img) <- runif(3, 0.5, 3)
    ang <- runif(2, -pi, pi)
    rx <- rbind(c(1, 0, 0), c(0, cos(ang[1]), -sin(ang[1])), c(0, sin(ang[1]), cos(ang[1])))
    rz <- rbind(c(cos(ang[2]), -sin(ang[2]), 0), c(sin(ang[2]), cos(ang[2]), 0), c(0, 0, 1))
    m <- diag(4)
    m[1:3, 1:3] <- rz %*% rx %*% diag(RNifti::pixdim(img) * sample(c(-1, 1), 3, TRUE))
    if (r %% 2 == 0) RNifti::qform(img) <- structure(m, code = 1L) else RNifti::sform(img) <- structure(m, code = 2L)
    f <- file.path(dir, sprintf("h%02d.nii", r))
    RNifti::writeNifti(img, f)
    read <- RNifti::readNifti(f)
    affine <- vcfoutcomes:::header_xform(RNifti::niftiHeader(f))
    expect_equal(affine, unclass(RNifti::xform(read))[1:3, 1:3], tolerance = 1e-5, ignore_attr = TRUE)
    expect_equal(vcfoutcomes:::xform_orientation(affine), RNifti::orientation(read))
  }
  # no qform or sform: no orientation
  plain <- file.path(dir, "plain.nii")
  RNifti::writeNifti(array(0L, c(2, 2, 2)), plain)
  expect_null(vcfoutcomes:::header_xform(RNifti::niftiHeader(plain)))
})
