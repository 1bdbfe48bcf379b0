# Fuzz harness of vcfoutcomes: every export, the S3 methods users reach and
# every registered .Call routine, called with malformed arguments from one
# catalogue (tools/fuzz/catalogue.R) in child processes.
#
#   Rscript tools/fuzz/fuzz.R [--quick | --full] [--calls N] [--seed S]
#                             [--lib DIR] [--timeout SEC] [--workers W]
#                             [--batch N] [--out DIR] [--vmem MB]
#                             [--only REGEX]   (targets whose name matches)
#
# Quick mode (the default, ~2,000 calls) exits with status 1 on any crash,
# hang, or unclassed error from an export or method; routines may raise plain
# errors but must not crash or hang. Full mode (>= 20,000 calls, `make fuzz`)
# applies the same rule. Calls run in batches in one child each; when a child
# dies or a call exceeds the timeout, the call that was running is re-run
# alone in a fresh child to confirm it, and the rest of the batch goes on in
# another child.

options(warn = 1)

parse_args <- function(argv) {
  opts <- list(mode = "quick", calls = NA_integer_, seed = 20261201L, lib = NA_character_,
               timeout = 20, workers = 2L, batch = 100L, out = NA_character_, vmem = 6000,
               only = NA_character_)
  i <- 1L
  while (i <= length(argv)) {
    a <- argv[i]
    if (a == "--quick") opts$mode <- "quick"
    else if (a == "--full") opts$mode <- "full"
    else if (a %in% c("--calls", "--seed", "--lib", "--timeout", "--workers", "--batch",
                      "--out", "--vmem", "--only")) {
      key <- sub("^--", "", a)
      value <- argv[i + 1L]
      opts[[key]] <- if (key %in% c("lib", "out", "only")) value else as.numeric(value)
      i <- i + 1L
    } else {
      stop("unknown argument ", a, call. = FALSE)
    }
    i <- i + 1L
  }
  if (is.na(opts$calls)) opts$calls <- if (opts$mode == "full") 24000L else 2000L
  if (is.na(opts$lib)) opts$lib <- Sys.getenv("VCF_TEST_LIB", .libPaths()[1L])
  opts$lib <- normalizePath(opts$lib, mustWork = FALSE)
  if (is.na(opts$out)) opts$out <- tempfile("vcf-fuzz-")
  opts
}

script_dir <- function() {
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(file_arg)) return(dirname(normalizePath(sub("^--file=", "", file_arg[1L]))))
  normalizePath("tools/fuzz")
}

# Children inherit a cap on their address space (not under ASan, whose
# shadow memory needs terabytes of it): a call that is told to allocate a
# huge vector fails instead of taking the machine's memory.
relaunch_with_vmem <- function(opts) {
  if (opts$vmem <= 0 || nzchar(Sys.getenv("VCF_FUZZ_LIMITED")) ||
      nzchar(Sys.getenv("LD_PRELOAD"))) return(invisible(FALSE))
  args <- commandArgs(TRUE)
  cmd <- sprintf("ulimit -v %d && VCF_FUZZ_LIMITED=1 exec %s --vanilla %s %s",
                 as.integer(opts$vmem * 1024), shQuote(file.path(R.home("bin"), "Rscript")),
                 shQuote(file.path(script_dir(), "fuzz.R")),
                 paste(shQuote(args), collapse = " "))
  quit(status = system(cmd), save = "no")
}

# Plan ----------------------------------------------------------------------------

# Calls per target: `total` shared by weight; within a target, a seeded
# sample of (argument, catalogue entry) pairs without replacement, then (in
# full mode) pairs of mutations for the remainder.
plan_calls <- function(targets, catalogue, total, seed, pairs_share) {
  set.seed(seed)
  entries <- names(catalogue)
  const <- entries[vapply(catalogue, function(e) e$family == "const", TRUE)]
  weights <- vapply(targets, function(t) t$weight, 0)
  share <- pmax(1L, round(total * weights / sum(weights)))
  specs <- list()
  for (k in seq_along(targets)) {
    t <- targets[[k]]
    arg_names <- target_arg_names(t)
    if (!length(arg_names)) {
      specs[[length(specs) + 1L]] <- list(target = t$name, mutations = list())
      next
    }
    keeps_class <- entries[grepl("^(fake |S4-like)", entries) |
                             vapply(catalogue, function(e) e$family == "derived", TRUE)]
    usable <- function(a) {
      if (identical(t$kind, "method") && identical(a, t$dispatch)) return(keeps_class)
      if (a %in% names(t$args)) entries else const
    }
    grid <- do.call(rbind, lapply(arg_names, function(a) {
      use <- usable(a)
      data.frame(arg = a, entry = use, stringsAsFactors = FALSE)
    }))
    n_single <- min(nrow(grid), round(share[k] * (1 - pairs_share)))
    rows <- grid[sample.int(nrow(grid), n_single), , drop = FALSE]
    for (i in seq_len(nrow(rows))) {
      specs[[length(specs) + 1L]] <- list(
        target = t$name, mutations = list(list(arg = rows$arg[i], entry = rows$entry[i])))
    }
    n_pairs <- share[k] - n_single
    if (n_pairs > 0 && length(arg_names) >= 2L) {
      for (i in seq_len(n_pairs)) {
        two <- sample(arg_names, 2L)
        mutations <- lapply(two, function(a) {
          use <- usable(a)
          list(arg = a, entry = sample(use, 1L))
        })
        specs[[length(specs) + 1L]] <- list(target = t$name, mutations = mutations)
      }
    }
  }
  # calls of one target stay together, so a child builds few fixtures
  targets_order <- vapply(specs, function(s) s$target, "")
  specs <- specs[order(match(targets_order, names(targets)), sample.int(length(specs)))]
  for (i in seq_along(specs)) {
    specs[[i]]$id <- i
    specs[[i]]$seed <- seed + i
  }
  specs
}

# Running ---------------------------------------------------------------------------

start_child <- function(job, opts, run_dir) {
  progress <- file.path(run_dir, sprintf("progress-%05d.txt", job$number))
  file.create(progress)
  proc <- callr::r_bg(
    function(specs, lib, fuzz_dir, progress, harvest_file) {
      source(file.path(fuzz_dir, "child.R"))
      fuzz_child_main(specs, lib, fuzz_dir, progress, harvest_file)
    },
    args = list(specs = job$specs, lib = opts$lib, fuzz_dir = opts$fuzz_dir,
                progress = progress, harvest_file = opts$harvest_file),
    stdout = file.path(run_dir, sprintf("stdout-%05d.txt", job$number)),
    stderr = file.path(run_dir, sprintf("stderr-%05d.txt", job$number)),
    # Children run in the output folder: a fuzzed argument that names a file
    # must never write into the checkout.
    wd = run_dir, supervise = TRUE, package = FALSE)
  list(job = job, proc = proc, progress = progress, running = NA_integer_, since = Sys.time(),
       read = 0L)
}

read_progress <- function(worker) {
  lines <- tryCatch(readLines(worker$progress, warn = FALSE), error = function(e) character(0))
  # an unfinished last line is read again on the next poll
  if (length(lines) && !file_ends_with_newline(worker$progress)) lines <- lines[-length(lines)]
  lines
}

file_ends_with_newline <- function(path) {
  size <- file.size(path)
  if (is.na(size) || size == 0) return(TRUE)
  con <- file(path, "rb")
  on.exit(close(con))
  seek(con, size - 1)
  identical(readBin(con, "raw", 1L), as.raw(10L))
}

parse_result <- function(line) {
  parts <- strsplit(sub("^R ", "", line), "\t", fixed = TRUE)[[1L]]
  length(parts) <- 6L
  parts[is.na(parts)] <- ""
  data.frame(id = as.integer(parts[1L]), outcome = parts[2L], class = parts[3L],
             invalid = parts[4L] == "TRUE", warnings = parts[5L], message = parts[6L],
             stringsAsFactors = FALSE)
}

# Runs all jobs with up to `workers` children at a time. Returns the results.
run_jobs <- function(specs, opts, run_dir) {
  by_id <- specs
  batches <- split(seq_along(specs), ceiling(seq_along(specs) / opts$batch))
  queue <- lapply(batches, function(ids) list(specs = by_id[ids], solo = FALSE))
  results <- list()
  workers <- list()
  number <- 0L
  done <- 0L
  last_report <- Sys.time()
  finish_call <- function(id, outcome, message) {
    results[[length(results) + 1L]] <<- data.frame(
      id = id, outcome = outcome, class = "", invalid = FALSE, warnings = "",
      message = message, stringsAsFactors = FALSE)
  }
  while (length(queue) || length(workers)) {
    while (length(workers) < opts$workers && length(queue)) {
      number <- number + 1L
      job <- queue[[1L]]
      queue <- queue[-1L]
      job$number <- number
      workers[[length(workers) + 1L]] <- start_child(job, opts, run_dir)
    }
    Sys.sleep(0.05)
    keep <- rep(TRUE, length(workers))
    for (w in seq_along(workers)) {
      worker <- workers[[w]]
      alive <- worker$proc$is_alive()
      lines <- read_progress(worker)
      finished <- lines[startsWith(lines, "R ")]
      finished_ids <- as.integer(sub("\t.*$", "", sub("^R ", "", finished)))
      started <- lines[startsWith(lines, "S ")]
      running <- if (length(started)) as.integer(sub("^S ", "", started[length(started)])) else NA_integer_
      if (!is.na(running) && running %in% finished_ids) running <- NA_integer_
      if (!identical(running, worker$running)) {
        worker$running <- running
        worker$since <- Sys.time()
      }
      timed_out <- alive && !is.na(running) &&
        as.numeric(difftime(Sys.time(), worker$since, units = "secs")) > opts$timeout
      if (alive && !timed_out) {
        workers[[w]] <- worker
        next
      }
      if (timed_out) worker$proc$kill_tree()
      if (!alive) worker$proc$wait(1000)
      keep[w] <- FALSE
      for (line in finished) results[[length(results) + 1L]] <- parse_result(line)
      done <- done + length(finished)
      ids <- vapply(worker$job$specs, function(s) s$id, 0L)
      rest <- setdiff(ids, finished_ids)
      if (!length(rest)) next
      # the child died or hung: the running call (or, if it died between
      # calls, the next one) is the suspect
      suspect <- if (!is.na(running)) running else rest[1L]
      what <- if (timed_out) "hang" else "crash"
      if (worker$job$solo) {
        stderr_tail <- tail_file(file.path(run_dir, sprintf("stderr-%05d.txt", worker$job$number)))
        finish_call(suspect, what, stderr_tail)
        done <- done + 1L
      } else {
        queue <- c(list(list(specs = by_id[suspect], solo = TRUE)), queue)
      }
      others <- setdiff(rest, suspect)
      if (length(others)) queue <- c(queue, list(list(specs = by_id[others], solo = worker$job$solo)))
    }
    workers <- workers[keep]
    if (as.numeric(difftime(Sys.time(), last_report, units = "secs")) > 30) {
      message(sprintf("  %d of %d calls done", done, length(specs)))
      last_report <- Sys.time()
    }
  }
  out <- do.call(rbind, results)
  out[order(out$id), , drop = FALSE]
}

tail_file <- function(path, n = 3L) {
  lines <- tryCatch(readLines(path, warn = FALSE), error = function(e) character(0))
  lines <- lines[nzchar(trimws(lines))]
  paste(utils::tail(lines, n), collapse = " | ")
}

run_harvest <- function(opts, run_dir) {
  proc <- callr::r_bg(
    function(lib, fuzz_dir, harvest_file) {
      source(file.path(fuzz_dir, "child.R"))
      fuzz_harvest_main(lib, fuzz_dir, harvest_file)
    },
    args = list(lib = opts$lib, fuzz_dir = opts$fuzz_dir, harvest_file = opts$harvest_file),
    stdout = file.path(run_dir, "harvest-stdout.txt"),
    stderr = file.path(run_dir, "harvest-stderr.txt"), wd = run_dir,
    supervise = TRUE, package = FALSE)
  proc$wait(300 * 1000)
  if (proc$is_alive()) proc$kill_tree()
  if (!file.exists(opts$harvest_file)) {
    stop("the harvest of valid calls failed: ",
         tail_file(file.path(run_dir, "harvest-stderr.txt"), 10L), call. = FALSE)
  }
  readRDS(opts$harvest_file)
}

# Report ------------------------------------------------------------------------------

outcome_table <- function(calls, targets) {
  kinds <- vapply(targets, function(t) t$kind, "")
  calls$kind <- kinds[calls$target]
  calls$silent_invalid <- calls$outcome == "success" & calls$invalid
  cols <- c("crash", "hang", "unclassed", "classed", "error", "oom", "success", "skipped")
  tab <- do.call(rbind, lapply(split(calls, calls$target), function(d) {
    counts <- vapply(cols, function(o) sum(d$outcome == o), 0L)
    data.frame(target = d$target[1L], kind = d$kind[1L], calls = nrow(d), t(counts),
               silent_invalid = sum(d$silent_invalid),
               unclassed_warning = sum(d$warnings == "unclassed"),
               check.names = FALSE, stringsAsFactors = FALSE)
  }))
  tab <- tab[order(tab$kind, tab$target), , drop = FALSE]
  rownames(tab) <- NULL
  tab
}

describe_mutations <- function(spec) {
  paste(vapply(spec$mutations, function(m) paste0(m$arg, " = <", m$entry, ">"), ""),
        collapse = ", ")
}

main <- function() {
  opts <- parse_args(commandArgs(TRUE))
  relaunch_with_vmem(opts)
  opts$fuzz_dir <- normalizePath(script_dir())
  dir.create(opts$out, recursive = TRUE, showWarnings = FALSE)
  run_dir <- normalizePath(opts$out)
  opts$harvest_file <- file.path(run_dir, "harvest.rds")
  .libPaths(c(opts$lib, .libPaths()))
  suppressPackageStartupMessages(library(vcfoutcomes))
  for (f in c("catalogue.R", "targets.R", "child.R")) sys.source(file.path(opts$fuzz_dir, f), globalenv())
  started <- Sys.time()
  message(sprintf("vcfoutcomes fuzz: %s mode, %d calls, seed %d, library %s, timeout %gs, %d workers",
                  opts$mode, as.integer(opts$calls), as.integer(opts$seed), opts$lib,
                  opts$timeout, as.integer(opts$workers)))
  harvest <- run_harvest(opts, run_dir)
  message(sprintf("  valid calls run and routine arguments harvested in %.0f s",
                  as.numeric(difftime(Sys.time(), started, units = "secs"))))
  targets <- fuzz_targets(harvest$routines)
  if (!is.na(opts$only)) targets <- targets[grepl(opts$only, names(targets))]
  catalogue <- fuzz_catalogue()
  specs <- plan_calls(targets, catalogue, opts$calls, opts$seed,
                      pairs_share = if (opts$mode == "full") 0.3 else 0.1)
  message(sprintf("  %d targets (%d exports, %d methods, %d routines), %d catalogue entries, %d calls planned",
                  length(targets), sum(vapply(targets, function(t) t$kind == "export", TRUE)),
                  sum(vapply(targets, function(t) t$kind == "method", TRUE)),
                  sum(vapply(targets, function(t) t$kind == "routine", TRUE)),
                  length(catalogue), length(specs)))
  res <- run_jobs(specs, opts, run_dir)
  calls <- data.frame(
    id = vapply(specs, function(s) s$id, 0L),
    target = vapply(specs, function(s) s$target, ""),
    mutation = vapply(specs, describe_mutations, ""),
    stringsAsFactors = FALSE)
  calls <- merge(calls, res, by = "id", all.x = TRUE)
  calls$outcome[is.na(calls$outcome)] <- "lost"
  utils::write.csv(calls, file.path(run_dir, "calls.csv"), row.names = FALSE)
  tab <- outcome_table(calls, targets)
  utils::write.csv(tab, file.path(run_dir, "table.csv"), row.names = FALSE)

  old <- options(width = 200)
  cat("\nOutcomes per target (", nrow(calls), " calls, ",
      format(round(as.numeric(difftime(Sys.time(), started, units = "secs")))), " s)\n", sep = "")
  print(tab, row.names = FALSE)
  totals <- colSums(tab[, -(1:2)])
  cat("\nTotals:", paste(names(totals), totals, sep = " ", collapse = ", "), "\n")

  bad_base <- Filter(function(b) !identical(b$outcome, "success"), harvest$base)
  if (length(bad_base)) {
    cat("\nBase calls that do not succeed (update tools/fuzz/targets.R):\n")
    for (n in names(bad_base)) cat(sprintf("  %s: %s %s\n", n, bad_base[[n]]$outcome,
                                           substr(bad_base[[n]]$message, 1, 200)))
  }
  generic <- Filter(function(t) isTRUE(t$generic), targets)
  if (length(generic)) {
    cat("\nTargets without a valid base call (fuzzed generically):",
        paste(names(generic), collapse = ", "), "\n")
  }
  ns_lines <- readLines(system.file("NAMESPACE", package = "vcfoutcomes"))
  methods <- sub("^S3method\\(([^,]+),([^)]+)\\)$", "\\1.\\2", grep("^S3method", ns_lines, value = TRUE))
  untested <- setdiff(methods[!grepl("^(print|format)\\.", methods)], names(targets))
  if (length(untested)) cat("\nS3 methods without a target:", paste(untested, collapse = ", "), "\n")

  failing <- calls$outcome %in% c("crash", "hang", "lost") |
    (calls$outcome == "unclassed" & tab$kind[match(calls$target, tab$target)] != "routine")
  show <- function(title, rows, n = 200L) {
    if (!any(rows)) return(invisible())
    d <- calls[rows, , drop = FALSE]
    cat("\n", title, " (", nrow(d), "):\n", sep = "")
    d <- d[!duplicated(paste(d$target, d$mutation)), , drop = FALSE]
    for (i in utils::head(seq_len(nrow(d)), n)) {
      cat(sprintf("  [%s] %s(%s): %s %s\n", d$outcome[i], d$target[i], d$mutation[i],
                  d$class[i], substr(d$message[i], 1, 160)))
    }
  }
  show("Crashes, hangs and unclassed errors from exports", failing)
  show("Silent success on invalid input (candidates)", calls$outcome == "success" & calls$invalid)
  cat("\nFull results:", file.path(run_dir, "calls.csv"), "\n")
  options(old)
  if (any(failing)) {
    cat("\nFUZZ FAILED:", sum(failing), "calls crashed, hung or raised unclassed errors from exports.\n")
    quit(status = 1, save = "no")
  }
  cat("\nFUZZ OK: no crash, no hang, no unclassed error from an export.\n")
}

main()
