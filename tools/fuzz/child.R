# The child side of the fuzzer: runs a batch of calls in one R process and
# writes one line per call to a progress file, flushed at once, so that the
# parent knows which call was running when the child died or hung:
#   S <id>                                  before the call
#   R <id> \t outcome \t class \t invalid \t warnings \t message   after it

# Runs one call of `target` with `mutations` (a list of list(arg, entry))
# applied to its valid base call. Returns list(outcome, class, invalid,
# warnings, message); outcome is "success", "classed", "unclassed", "error"
# (a plain error from a routine, allowed) or "skipped" (a catalogue entry
# did not apply).
run_call <- function(target, mutations, seed, dir) {
  set.seed(seed)
  catalogue <- fuzz_catalogue_cached()
  args <- lapply(target$args, function(a) if (is.language(a)) eval(a, globalenv()) else a)
  invalid <- FALSE
  for (m in mutations) {
    arg <- m$arg
    base <- if (arg %in% names(args)) args[[arg]] else NULL
    value <- catalogue[[m$entry]]$gen(base, dir)
    if (is_fuzz_skip(value)) return(skipped_result())
    if (identical(target$kind, "routine")) {
      args[as.integer(arg)] <- list(value)
    } else {
      args[arg] <- list(value)
    }
    # A method is only reached while its first argument keeps the class;
    # anything else dispatches elsewhere (to code that is not ours).
    if (identical(target$kind, "method") && identical(arg, target$dispatch) &&
        !inherits(value, target$class)) return(skipped_result())
    check <- target$valid[[arg]]
    if (!is.null(check) && !isTRUE(tryCatch(check(value), error = function(e) FALSE))) {
      invalid <- TRUE
    }
  }
  warnings <- character(0)
  outcome <- tryCatch(
    withCallingHandlers({
      value <- if (identical(target$kind, "routine")) {
        call_routine(target$name, args)
      } else {
        do.call(target_function(target, target$name), lapply(args, quote_language))
      }
      force_result(value)
      list(outcome = "success", class = "", message = "")
    }, warning = function(w) {
      warnings <<- c(warnings, if (inherits(w, "vcf_warning")) "classed" else "unclassed")
      invokeRestart("muffleWarning")
    }, message = function(m) invokeRestart("muffleMessage")),
    error = function(e) {
      kind <- if (inherits(e, "vcf_error")) "classed"
              else if (is_out_of_memory(e)) "oom"
              else if (identical(target$kind, "routine")) "error"
              else "unclassed"
      list(outcome = kind, class = class(e)[1L],
           message = tryCatch(conditionMessage(e), error = function(e2) "<message failed>"))
    })
  outcome$invalid <- invalid
  outcome$warnings <- if (any(warnings == "unclassed")) "unclassed" else if (length(warnings)) "classed" else ""
  outcome
}

# Values go into the call as they are; language objects (symbols, calls,
# formulas) are quoted so that they arrive as values, not as code to run.
quote_language <- function(value) if (is.language(value)) call("quote", value) else value

# R could not allocate what a call asked for: the cap on the address space
# (or the machine) was hit. Reported apart: it is not a crash, and the
# package can only refuse absurd sizes it can recognise.
is_out_of_memory <- function(e) {
  grepl("cannot allocate (vector|memory)|vector memory exhausted", conditionMessage(e))
}

skipped_result <- function() {
  list(outcome = "skipped", class = "", message = "", invalid = FALSE, warnings = "")
}

# The registered routine itself (R_forceSymbols: no lookup by name), as the
# namespace's own .Call() sites use it.
call_routine <- function(name, args) {
  symbol <- getDLLRegisteredRoutines("vcfoutcomes")$.Call[[name]]
  if (is.null(symbol)) stop("routine ", name, " is not registered")
  do.call(.Call, c(list(symbol), args), quote = TRUE)
}

# Errors that only show when a result is used: ggplot objects are built,
# package objects printed.
force_result <- function(value) {
  if (inherits(value, "ggplot")) {
    ggplot2::ggplot_build(value)
  } else if (any(startsWith(class(value), "vcf_"))) {
    utils::capture.output(print(value))
  }
  invisible(NULL)
}

fuzz_catalogue_cached <- local({
  cache <- NULL
  function() {
    if (is.null(cache)) cache <<- fuzz_catalogue()
    cache
  }
})

one_line <- function(x, width = 300L) {
  x <- gsub("[\t\r\n]+", " ", paste(x, collapse = " "))
  x <- gsub("\033\\[[0-9;]*m", "", x)
  if (nchar(x, type = "bytes") > width) x <- paste0(substr(x, 1L, width), "...")
  x
}

# Entry point of a child: `specs` is a list of list(id, target, mutations,
# seed); routine arguments harvested earlier come from `harvest_file`.
fuzz_child_main <- function(specs, lib, fuzz_dir, progress, harvest_file) {
  .libPaths(c(lib, .libPaths()))
  suppressPackageStartupMessages(library(vcfoutcomes))
  for (f in c("catalogue.R", "targets.R", "child.R")) sys.source(file.path(fuzz_dir, f), globalenv())
  routines <- if (!is.null(harvest_file) && file.exists(harvest_file)) readRDS(harvest_file)$routines
  targets <- fuzz_targets(routines)
  dir <- tempfile("fuzz-files")
  dir.create(dir)
  con <- file(progress, open = "a")
  on.exit(close(con))
  for (spec in specs) {
    writeLines(paste("S", spec$id), con)
    flush(con)
    target <- targets[[spec$target]]
    res <- if (is.null(target)) {
      list(outcome = "skipped", class = "", message = "target not found", invalid = FALSE,
           warnings = "")
    } else {
      run_call(target, spec$mutations, spec$seed, dir)
    }
    writeLines(paste("R", paste(spec$id, res$outcome, res$class, res$invalid, res$warnings,
                                one_line(res$message), sep = "\t")), con)
    flush(con)
  }
  invisible(NULL)
}

# Entry point of the harvest child: valid routine arguments and the outcome
# of every base call, saved to `harvest_file`.
fuzz_harvest_main <- function(lib, fuzz_dir, harvest_file) {
  .libPaths(c(lib, .libPaths()))
  suppressPackageStartupMessages(library(vcfoutcomes))
  for (f in c("catalogue.R", "targets.R", "child.R")) sys.source(file.path(fuzz_dir, f), globalenv())
  targets <- fuzz_targets()
  harvest <- harvest_routines(targets)
  registered <- getDLLRegisteredRoutines("vcfoutcomes")$.Call
  routines <- lapply(registered, function(r) {
    args <- harvest$args[[r$name]]
    harvested <- !is.null(args) && length(args) == r$numParameters
    if (!harvested) args <- rep(list(1), r$numParameters)
    list(name = r$name, n_args = r$numParameters, args = args, harvested = harvested)
  })
  names(routines) <- vapply(registered, function(r) r$name, "")
  base <- lapply(harvest$base, function(b) b[c("outcome", "class", "message")])
  saveRDS(list(routines = routines, base = base), harvest_file)
  invisible(NULL)
}
