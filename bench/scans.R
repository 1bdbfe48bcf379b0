# Synthetic TotalSegmentator-style scans for bench/volumetrics.R and
# bench/morphometry.R: 512 x 512 x 100 label maps in the v2 `total`
# numbering (T8 ... L5 stacked head to feet, the sacrum below, a liver-like
# organ label beside them) with BME masks, written as .nii.gz.

ts_dims <- c(512L, 512L, 100L)
ts_levels <- c("T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3")
ts_spacing <- c(0.8, 0.8, 2.5)

bench_scan_count <- function(default) {
  arg <- commandArgs(trailingOnly = TRUE)
  n <- if (length(arg)) arg[1L] else Sys.getenv("VCF_BENCH_SCANS", as.character(default))
  as.integer(n)
}

# Best of `times` timings (seconds per call) of `f`.
best_of <- function(f, times = 3L, inner = 1L) {
  t <- numeric(times)
  for (i in seq_len(times)) t[i] <- system.time(for (j in seq_len(inner)) f())[["elapsed"]] / inner
  min(t)
}

# Best of `times` CPU times (user + system of this process, seconds) of
# `f`: on a shared machine elapsed times swing with the other load, CPU
# times much less, so ratios of work are taken from these.
best_cpu <- function(f, times = 3L) {
  t <- numeric(times)
  for (i in seq_len(times)) {
    st <- system.time(f())
    t[i] <- st[["user.self"]] + st[["sys.self"]]
  }
  min(t)
}

make_ts_scan <- function(seed) {
  set.seed(seed)
  lab <- array(0L, ts_dims)
  codes <- vcf_conventions("totalsegmentator")
  top <- ts_dims[3] - 2L
  ci <- 256L + sample(-10:10, 1); cj <- 300L + sample(-10:10, 1)
  g <- expand.grid(i = -30:30, j = -24:24)
  disc <- g[(g$i / 30)^2 + (g$j / 24)^2 <= 1, ]
  for (level in ts_levels) {
    h <- 8L + sample(0:2, 1)
    z <- (top - h + 1L):top
    for (k in z) lab[cbind(ci + disc$i, cj + disc$j, k)] <- codes$label[codes$level == level]
    top <- top - h - 2L
  }
  lab[ci + (-30:30), cj + (-24:24), 1:max(1L, top)] <- 25L          # sacrum
  lab[100:220, 150:300, 40:95] <- 5L                              # an organ
  bme <- array(0L, ts_dims)
  fractured <- codes$label[codes$level == sample(ts_levels, 1)]
  inside <- which(lab == fractured)
  bme[inside[seq_len(length(inside) %/% 3)]] <- 1L
  list(labels = lab, bme = bme)
}

make_ts_scans <- function(dir, n) {
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  paths <- list(vertebrae = file.path(dir, sprintf("s%04d_total.nii.gz", seq_len(n))),
                bme = file.path(dir, sprintf("s%04d_bme.nii.gz", seq_len(n))))
  for (i in seq_len(n)) {
    if (file.exists(paths$vertebrae[i]) && file.exists(paths$bme[i])) next
    s <- make_ts_scan(i)
    for (part in c("labels", "bme")) {
      img <- RNifti::asNifti(s[[part]])
      xform <- diag(c(ts_spacing, 1))
      RNifti::pixdim(img) <- ts_spacing
      RNifti::qform(img) <- structure(xform, code = 1L)
      RNifti::sform(img) <- structure(xform, code = 1L)
      out <- if (part == "labels") paths$vertebrae[i] else paths$bme[i]
      RNifti::writeNifti(img, out, datatype = "uint8")
    }
  }
  paths
}
