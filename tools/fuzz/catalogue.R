# The shared catalogue of malformed arguments.
#
# Two families, both used for every export and every registered routine:
# - "const": values that do not depend on the argument they replace (types,
#   lengths, NULL, NA/NaN/Inf, overflow sizes, huge vectors, lists, factors,
#   data frames, environments, files);
# - "derived": mutations of the valid base value of the argument (empty, one
#   element more or less, NA or Inf inside, negated, scaled by 2^31, another
#   type, wrapped in a list, a data frame with a column dropped or renamed).
#
# Each entry is list(id, family, gen), where gen(base, dir) returns the value
# (`base` is the valid value, `dir` a scratch directory for files). A
# generator may return fuzz_skip() when it does not apply to `base`; the
# planner then draws another entry. Generators must be cheap: they run in the
# child, once per call.

fuzz_skip <- function() structure(list(), class = "fuzz_skip")
is_fuzz_skip <- function(x) inherits(x, "fuzz_skip")

fuzz_const <- function(id, value) {
  force(value)
  list(id = id, family = "const", gen = function(base, dir) value)
}

fuzz_lazy <- function(id, gen) list(id = id, family = "const", gen = gen)

fuzz_derived <- function(id, gen) list(id = id, family = "derived", gen = gen)

# Wraps an atomic-only mutation: skipped for non-atomic bases.
atomic_only <- function(f) {
  function(base, dir) {
    if (!is.atomic(base) || is.null(base) || is.factor(base)) return(fuzz_skip())
    f(base)
  }
}

numeric_only <- function(f) {
  function(base, dir) {
    if (!is.numeric(base) || is.factor(base) || !length(base)) return(fuzz_skip())
    f(base)
  }
}

frame_only <- function(f) {
  function(base, dir) {
    if (!is.data.frame(base) || !ncol(base)) return(fuzz_skip())
    f(base)
  }
}

# Same type as the base, every element replaced by `value` (coerced).
same_type_fill <- function(value) {
  atomic_only(function(base) {
    if (!length(base)) return(fuzz_skip())
    out <- base
    suppressWarnings(out[] <- value)
    out
  })
}

fuzz_catalogue <- function() {
  const <- list(
    fuzz_const("NULL", NULL),
    fuzz_const("NA", NA),
    fuzz_const("NA_integer_", NA_integer_),
    fuzz_const("NA_real_", NA_real_),
    fuzz_const("NA_character_", NA_character_),
    fuzz_const("NaN", NaN),
    fuzz_const("Inf", Inf),
    fuzz_const("-Inf", -Inf),
    fuzz_const("0", 0),
    fuzz_const("0L", 0L),
    fuzz_const("-1", -1),
    fuzz_const("-1L", -1L),
    fuzz_const("0.5", 0.5),
    fuzz_const("1e-300", 1e-300),
    fuzz_const("2^31", 2^31),
    fuzz_const("-2^31", -2^31),
    fuzz_const("2^53+2", 2^53 + 2),
    fuzz_const("2^62", 2^62),
    fuzz_const("1e308", 1e308),
    fuzz_const("int_max", .Machine$integer.max),
    fuzz_const("-int_max", -.Machine$integer.max),
    fuzz_const("TRUE", TRUE),
    fuzz_const("FALSE", FALSE),
    fuzz_const("c(TRUE,NA)", c(TRUE, NA)),
    fuzz_const("\"\"", ""),
    fuzz_const("\"a\"", "a"),
    fuzz_const("\"1\"", "1"),
    fuzz_const("\"-1e9\"", "-1e9"),
    fuzz_const("\"NaN\"", "NaN"),
    fuzz_const("non-ascii", "\u00e9\u00df\u4e2d"),
    fuzz_const("bad-utf8", rawToChar(as.raw(c(0x61, 0xff, 0xfe)))),
    fuzz_const("c(\"a\",\"b\")", c("a", "b")),
    fuzz_const("1:2", 1:2),
    fuzz_const("c(1,2,3)", c(1, 2, 3)),
    fuzz_const("c(1,NA)", c(1, NA)),
    fuzz_const("c(-1,0,1)", c(-1, 0, 1)),
    fuzz_const("integer(0)", integer(0)),
    fuzz_const("double(0)", double(0)),
    fuzz_const("character(0)", character(0)),
    fuzz_const("logical(0)", logical(0)),
    fuzz_const("raw(0)", raw(0)),
    fuzz_const("raw(3)", as.raw(1:3)),
    fuzz_const("1i", 1i),
    fuzz_const("list()", list()),
    fuzz_const("list(1,\"a\")", list(1, "a")),
    fuzz_const("list(NULL)", list(NULL)),
    fuzz_const("nested list", list(a = list(b = list(c = 1)))),
    fuzz_const("factor(\"a\")", factor("a")),
    fuzz_const("factor(c(\"b\",\"a\",NA))", factor(c("b", "a", NA))),
    fuzz_const("Date", as.Date("2020-01-01")),
    fuzz_const("POSIXct", as.POSIXct("2020-01-01", tz = "UTC")),
    fuzz_const("matrix 2x2", matrix(1:4, 2)),
    fuzz_const("matrix 0x2", matrix(numeric(0), 0, 2)),
    fuzz_const("array 2x2x2", array(1:8, c(2, 2, 2))),
    fuzz_const("array 0x3x3", array(integer(0), c(0, 3, 3))),
    fuzz_const("array 1x1x1 NA", array(NA_integer_, c(1, 1, 1))),
    fuzz_const("array 4d", array(1L, c(2, 2, 2, 2))),
    fuzz_const("dims wrap 2^64", c(16L, 1073741824L, 1073741824L)),
    fuzz_const("dims wrap 2^32", c(2L, 1073741824L, 2L)),
    fuzz_const("dims negative", c(-1L, 4L, 4L)),
    fuzz_const("data.frame()", data.frame()),
    fuzz_const("data.frame(x=1)", data.frame(x = 1)),
    fuzz_const("data.frame(x=NA)", data.frame(x = NA)),
    fuzz_const("data.frame 0 rows", data.frame(patient = integer(0), visit = character(0))),
    fuzz_const("data.frame wrong cols", data.frame(foo = 1:3, bar = c("a", "b", "c"))),
    fuzz_const("data.frame list col", local({
      d <- data.frame(id = 1:2)
      d$v <- list(1, "a")
      d
    })),
    fuzz_const("formula", y ~ x),
    fuzz_const("one-sided formula", ~ x),
    fuzz_const("function", function(x) x),
    fuzz_const("environment", new.env()),
    fuzz_const("symbol", quote(a)),
    fuzz_const("call", quote(f(x))),
    fuzz_const("S4-like object", structure(list(), class = "vcf_table")),
    fuzz_const("fake vcf_boot", structure(list(coef = 1), class = "vcf_boot")),
    fuzz_const("fake vcf_cohort", structure(list(), class = "vcf_cohort")),
    fuzz_const("fake vcf_analysis", structure(list(), class = "vcf_analysis")),
    fuzz_const("fake vcf_followup", structure(list(), class = "vcf_followup")),
    fuzz_lazy("huge double 1e7", function(base, dir) as.double(seq_len(1e7))),
    fuzz_lazy("huge int 1e7 NA", function(base, dir) rep(NA_integer_, 1e7)),
    fuzz_lazy("altrep 1:3e9", function(base, dir) 1:3e9),
    fuzz_lazy("long string", function(base, dir) strrep("a", 1e6)),
    fuzz_lazy("many strings", function(base, dir) as.character(seq_len(1e5))),
    fuzz_lazy("path missing", function(base, dir) file.path(dir, "does-not-exist.nii.gz")),
    fuzz_lazy("path directory", function(base, dir) dir),
    fuzz_lazy("path empty file", function(base, dir) nifti_empty_file(dir)),
    fuzz_lazy("path csv garbage", function(base, dir) garbage_file(dir, "sheet.csv")),
    fuzz_lazy("path xlsx garbage", function(base, dir) garbage_file(dir, "sheet.xlsx"))
  )
  nifti <- lapply(names(nifti_corruptions), function(what) {
    fuzz_lazy(paste0("nifti ", what), function(base, dir) corrupt_nifti(what, dir))
  })
  derived <- list(
    fuzz_derived("v[0]", function(base, dir) {
      if (is.null(base) || is.environment(base) || is.function(base)) return(fuzz_skip())
      if (is.data.frame(base)) return(base[0, , drop = FALSE])
      if (is.array(base)) return(base[0])
      base[0]
    }),
    fuzz_derived("v[1]", function(base, dir) {
      if (!is.vector(base) || length(base) < 2L) return(fuzz_skip())
      base[1]
    }),
    fuzz_derived("rep(v,2)", function(base, dir) {
      if (is.data.frame(base)) return(rbind(base, base))
      if (!is.vector(base) || !length(base)) return(fuzz_skip())
      c(base, base)
    }),
    fuzz_derived("v+NA", atomic_only(function(base) {
      if (!length(base)) return(fuzz_skip())
      out <- base
      out[length(out)] <- NA
      out
    })),
    fuzz_derived("all NA", same_type_fill(NA)),
    fuzz_derived("v+Inf", numeric_only(function(base) {
      out <- as.double(base)
      out[1] <- Inf
      out
    })),
    fuzz_derived("v+NaN", numeric_only(function(base) {
      out <- as.double(base)
      out[1] <- NaN
      out
    })),
    fuzz_derived("-v", numeric_only(function(base) -base)),
    fuzz_derived("v*2^31", numeric_only(function(base) as.double(base) * 2^31)),
    fuzz_derived("v*1e300", numeric_only(function(base) as.double(base) * 1e300)),
    fuzz_derived("v+0.5", numeric_only(function(base) as.double(base) + 0.5)),
    fuzz_derived("zeros", numeric_only(function(base) base * 0)),
    fuzz_derived("same type int_max", same_type_fill(.Machine$integer.max)),
    fuzz_derived("same type -1", same_type_fill(-1)),
    fuzz_derived("same type 0", same_type_fill(0)),
    fuzz_derived("same type 2^62", same_type_fill(2^62)),
    fuzz_derived("as.character", atomic_only(function(base) as.character(base))),
    fuzz_derived("as.integer", numeric_only(function(base) suppressWarnings(as.integer(base)))),
    fuzz_derived("as.double", atomic_only(function(base) {
      if (is.double(base)) return(fuzz_skip())
      suppressWarnings(as.double(base))
    })),
    fuzz_derived("as.factor", atomic_only(function(base) factor(base))),
    fuzz_derived("as.list", function(base, dir) {
      if (!is.atomic(base) || !length(base)) return(fuzz_skip())
      as.list(base)
    }),
    fuzz_derived("list(v)", function(base, dir) list(base)),
    fuzz_derived("unclass", function(base, dir) {
      if (is.null(attr(base, "class"))) return(fuzz_skip())
      unclass(base)
    }),
    fuzz_derived("drop dim", function(base, dir) {
      if (is.null(dim(base)) || is.data.frame(base)) return(fuzz_skip())
      as.vector(base)
    }),
    fuzz_derived("transpose", function(base, dir) {
      if (!is.matrix(base)) return(fuzz_skip())
      t(base)
    }),
    fuzz_derived("df drop col", frame_only(function(base) base[-1L])),
    fuzz_derived("df drop last col", frame_only(function(base) base[-ncol(base)])),
    fuzz_derived("df rename cols", frame_only(function(base) {
      names(base) <- paste0("x", seq_along(base))
      base
    })),
    fuzz_derived("df dup names", frame_only(function(base) {
      if (ncol(base) < 2L) return(fuzz_skip())
      names(base)[2L] <- names(base)[1L]
      base
    })),
    fuzz_derived("df cols as character", frame_only(function(base) {
      base[] <- lapply(base, as.character)
      base
    })),
    fuzz_derived("df cols as factor", frame_only(function(base) {
      base[] <- lapply(base, function(x) if (is.character(x)) factor(x) else x)
      base
    })),
    fuzz_derived("df all NA", frame_only(function(base) {
      base[] <- lapply(base, function(x) x[NA_integer_][seq_along(x)])
      base
    })),
    fuzz_derived("df numeric cols Inf", frame_only(function(base) {
      base[] <- lapply(base, function(x) if (is.numeric(x)) x * Inf else x)
      base
    })),
    fuzz_derived("df numeric cols negative", frame_only(function(base) {
      base[] <- lapply(base, function(x) if (is.numeric(x)) -x - 1 else x)
      base
    })),
    fuzz_derived("df one row", frame_only(function(base) base[1L, , drop = FALSE])),
    fuzz_derived("df shuffled rows", frame_only(function(base) base[sample.int(nrow(base)), , drop = FALSE])),
    fuzz_derived("df as list", frame_only(function(base) as.list(base))),
    fuzz_derived("df as matrix", frame_only(function(base) as.matrix(base))),
    fuzz_derived("drop class element", function(base, dir) {
      if (!is.list(base) || is.data.frame(base) || !length(base) ||
          is.null(attr(base, "class"))) return(fuzz_skip())
      base[[1L]] <- NULL
      base
    })
  )
  out <- c(const, nifti, derived)
  names(out) <- vapply(out, `[[`, "", "id")
  out
}

# Files ------------------------------------------------------------------------

nifti_empty_file <- function(dir) {
  path <- file.path(dir, "empty.nii")
  file.create(path)
  path
}

garbage_file <- function(dir, name) {
  path <- file.path(dir, name)
  writeBin(as.raw(c(0x50, 0x4b, 0x03, 0x04, sample(0:255, 200, TRUE))), path)
  path
}

# The header bytes of a valid example scan (uncompressed: header + data).
nifti_valid_bytes <- function() {
  path <- system.file("extdata", "scan1_vertebrae.nii.gz", package = "vcfoutcomes")
  con <- gzfile(path, "rb")
  on.exit(close(con))
  bytes <- raw(0)
  repeat {
    chunk <- readBin(con, "raw", 1e6)
    if (!length(chunk)) break
    bytes <- c(bytes, chunk)
  }
  bytes
}

put_int16 <- function(bytes, offset, values) {
  raw_vals <- writeBin(as.integer(values), raw(), size = 2L, endian = "little")
  bytes[offset + seq_along(raw_vals)] <- raw_vals
  bytes
}

put_float <- function(bytes, offset, values) {
  raw_vals <- writeBin(as.double(values), raw(), size = 4L, endian = "little")
  bytes[offset + seq_along(raw_vals)] <- raw_vals
  bytes
}

put_int32 <- function(bytes, offset, values) {
  raw_vals <- writeBin(as.integer(values), raw(), size = 4L, endian = "little")
  bytes[offset + seq_along(raw_vals)] <- raw_vals
  bytes
}

# NIfTI-1 offsets: sizeof_hdr 0, dim[8] 40 (int16), datatype 70, bitpix 72,
# pixdim[8] 76 (float), vox_offset 108, scl_slope 112, qform 252, sform 254,
# magic 344.
nifti_corruptions <- list(
  "truncated 100 bytes" = function(b) b[1:100],
  "header only" = function(b) b[1:352],
  "truncated data" = function(b) b[seq_len(352 + (length(b) - 352) %/% 2)],
  "bad magic" = function(b) { b[345:348] <- charToRaw("xyz!"); b },
  "bad sizeof_hdr" = function(b) put_int32(b, 0, 12345L),
  "ndim 0" = function(b) put_int16(b, 40, 0L),
  "ndim 9" = function(b) put_int16(b, 40, 9L),
  "dims huge" = function(b) put_int16(b, 42, c(32767L, 32767L, 32767L)),
  "dims negative" = function(b) put_int16(b, 42, c(-5L, 10L, 10L)),
  "dims zero" = function(b) put_int16(b, 42, c(0L, 10L, 10L)),
  "datatype bogus" = function(b) put_int16(b, 70, 9999L),
  "datatype complex" = function(b) put_int16(b, 70, c(32L, 64L)),
  "bitpix mismatch" = function(b) put_int16(b, 72, 64L),
  "pixdim negative" = function(b) put_float(b, 76, c(-1, -1, -2, -3)),
  "pixdim zero" = function(b) put_float(b, 76, c(1, 0, 0, 0)),
  "pixdim NaN" = function(b) put_float(b, 76, c(1, NaN, NaN, NaN)),
  "pixdim Inf" = function(b) put_float(b, 76, c(1, Inf, 1e38, 1)),
  "vox_offset huge" = function(b) put_float(b, 108, 1e12),
  "vox_offset negative" = function(b) put_float(b, 108, -1000),
  "scl_slope NaN" = function(b) put_float(b, 112, c(NaN, NaN)),
  "scl_slope 1e30" = function(b) put_float(b, 112, c(1e30, 0)),
  "qform garbage" = function(b) put_float(put_int16(b, 252, c(1L, 1L)), 256, rep(NaN, 6)),
  "random bytes" = function(b) as.raw(sample(0:255, length(b), TRUE))
)

corrupt_nifti <- function(what, dir) {
  bytes <- nifti_corruptions[[what]](nifti_valid_bytes())
  gz <- identical(sample(2L, 1L), 2L)
  path <- file.path(dir, paste0("corrupt_", gsub("[^a-z0-9]+", "_", tolower(what)),
                                if (gz) ".nii.gz" else ".nii"))
  con <- if (gz) gzfile(path, "wb") else file(path, "wb")
  writeBin(bytes, con)
  close(con)
  path
}
