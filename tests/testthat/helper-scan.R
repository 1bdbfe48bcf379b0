# Scan writers and phantoms shared by test-scan.R, test-volumetrics.R and
# test-morphometry.R.

anatomical_axis <- c(R = 1L, L = 1L, A = 2L, P = 2L, S = 3L, I = 3L)

# Stores a canonical array (indices growing toward R, A, S) with stored axis
# directions `code` ("LPI", "ASR", ...).
to_stored <- function(canonical, code) {
  letters <- strsplit(code, "")[[1]]
  x <- aperm(canonical, anatomical_axis[letters])
  for (i in 1:3) {
    if (letters[i] %in% c("L", "P", "I")) {
      index <- rep(list(quote(expr = )), 3)
      index[[i]] <- dim(x)[i]:1
      x <- do.call(`[`, c(list(x), index, drop = FALSE))
    }
  }
  x
}

stored_spacing <- function(spacing, code) {
  unname(spacing[anatomical_axis[strsplit(code, "")[[1]]]])
}

# Writes a canonical array stored as `code` with a matching qform/sform.
write_oriented <- function(canonical, code, spacing, path, datatype = "auto") {
  letters <- strsplit(code, "")[[1]]
  anatomical <- anatomical_axis[letters]
  xform <- diag(4)
  for (i in 1:3) {
    direction <- numeric(3)
    direction[anatomical[i]] <- if (letters[i] %in% c("L", "P", "I")) -1 else 1
    xform[1:3, i] <- direction * spacing[anatomical[i]]
  }
  img <- RNifti::asNifti(to_stored(canonical, code))
  RNifti::pixdim(img) <- spacing[anatomical]
  RNifti::qform(img) <- structure(xform, code = 1L)
  RNifti::sform(img) <- structure(xform, code = 1L)
  stopifnot(RNifti::orientation(img) == code)
  RNifti::writeNifti(img, path, datatype = datatype)
  invisible(path)
}

# Writes a canonical array with an sform rotated by `degrees` about the
# right-left axis (a sagittally oblique acquisition).
write_oblique <- function(canonical, spacing, degrees, path) {
  t <- degrees * pi / 180
  rot <- rbind(c(1, 0, 0), c(0, cos(t), -sin(t)), c(0, sin(t), cos(t)))
  xform <- diag(4)
  xform[1:3, 1:3] <- rot %*% diag(spacing)
  img <- RNifti::asNifti(canonical)
  RNifti::pixdim(img) <- spacing
  RNifti::qform(img) <- structure(xform, code = 1L)
  RNifti::sform(img) <- structure(xform, code = 1L)
  RNifti::writeNifti(img, path, datatype = "int16")
  invisible(path)
}

# A canonical (RAS) spine phantom: boxes of `depth` x `width` voxels (AP x
# RL), `height[k]` voxels high, stacked head (top of the array) to feet,
# 3-voxel discs, labelled `labels` from the top down. `wedge` names a label
# whose anterior height drops linearly to `wedge_keep` of its height.
spine_phantom <- function(labels, height = rep(12L, length(labels)), width = 14L,
                          depth = 16L, margin = 6L, wedge = NA, wedge_keep = 0.6) {
  n <- length(labels)
  nz <- sum(height) + 3L * (n - 1L) + 2L * margin
  x <- array(0L, c(width + 2L * margin, depth + 2L * margin, nz))
  top <- nz - margin
  for (k in seq_len(n)) {
    for (j in seq_len(depth)) {
      h <- height[k]
      if (!is.na(wedge) && labels[k] == wedge) {
        h <- round(height[k] * (1 - (1 - wedge_keep) * (j - 1) / (depth - 1)))
      }
      x[margin + seq_len(width), margin + j, (top - height[k] + 1L):(top - height[k] + h)] <- labels[k]
    }
    top <- top - height[k] - 3L
  }
  x
}

# Rotates a canonical array by `degrees` in the sagittal plane (about the
# right-left axis, through the centre), nearest neighbour, on a grid padded
# to hold it.
rotate_sagittal <- function(x, degrees, pad = 12L) {
  t <- degrees * pi / 180
  d <- dim(x)
  out_d <- d + c(0L, 2L * pad, 2L * pad)
  g <- expand.grid(i = seq_len(out_d[1]), j = seq_len(out_d[2]), k = seq_len(out_d[3]))
  cj <- (out_d[2] + 1) / 2; ck <- (out_d[3] + 1) / 2
  # inverse rotation of the output voxel centre into the input grid
  y <- (g$j - cj) * cos(t) + (g$k - ck) * sin(t)
  z <- -(g$j - cj) * sin(t) + (g$k - ck) * cos(t)
  sj <- round(y + (d[2] + 1) / 2); sk <- round(z + (d[3] + 1) / 2)
  ok <- sj >= 1 & sj <= d[2] & sk >= 1 & sk <= d[3]
  out <- array(0L, out_d)
  out[ok] <- x[cbind(g$i[ok], sj[ok], sk[ok])]
  out
}
