# Reads an R CMD check log and fails on any ERROR or WARNING, and on any NOTE
# other than the CRAN incoming note of a new submission.
args <- commandArgs(trailingOnly = TRUE)
log <- readLines(args[[1]])
starts <- grep("^\\* ", log)
problems <- character()
for (i in seq_along(starts)) {
  end <- if (i < length(starts)) starts[i + 1L] - 1L else length(log)
  block <- log[starts[i]:end]
  status <- regmatches(block[1], regexpr("(ERROR|WARNING|NOTE)$", block[1]))
  if (!length(status)) next
  body <- block[-1]
  new_submission_only <- grepl("CRAN incoming feasibility", block[1]) &&
    all(grepl("^(Maintainer:|New submission|$|  )", body))
  if (status == "NOTE" && new_submission_only) next
  problems <- c(problems, block)
}
if (length(problems)) {
  writeLines(c("check: problems found", problems))
  quit(status = 1L)
}
cat("check: 0 errors, 0 warnings, 0 notes (a new submission's aside)\n")
