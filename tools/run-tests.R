# Runs the whole testthat suite against the installed package and ends with
# the totals line "N passed, N failed, N skipped". Exits 1 on any failure.
# VCF_TEST_LIB puts another build first, and VCF_TOTALS_FILE and
# VCF_TOTALS_LABEL name where the totals go and prefix their line
# (tools/sanitize.sh uses all three, so that its run does not replace the
# totals of `make test`).
if (nzchar(Sys.getenv("VCF_TEST_LIB"))) .libPaths(c(Sys.getenv("VCF_TEST_LIB"), .libPaths()))
library(testthat)
# Snapshot tests skip unless NOT_CRAN is set, as under devtools::test().
Sys.setenv(NOT_CRAN = "true")
results <- test_dir("tests/testthat", package = "vcfoutcomes",
                    load_package = "installed",
                    reporter = ProgressReporter$new(show_praise = FALSE),
                    stop_on_failure = FALSE, stop_on_warning = FALSE)
totals <- as.data.frame(results)
failed <- sum(totals$failed) + sum(totals$error)
line <- sprintf("%d passed, %d failed, %d skipped",
                sum(totals$passed), failed, sum(totals$skipped))
writeLines(line, Sys.getenv("VCF_TOTALS_FILE", "test-totals.txt"))
cat(Sys.getenv("VCF_TOTALS_LABEL"), line, "\n", sep = "")
quit(status = if (failed > 0 || nrow(totals) == 0) 1L else 0L)
