#!/bin/sh
# valgrind memcheck over the test files that exercise the C core (the
# comparison tests, bootstrap, reconstruction, GRIM/GRIMMER audit, tables,
# follow-up, volumetrics and morphometry), against the installed package or
# VCF_TEST_LIB. Fails when memcheck reports any memory error or a definite
# or indirect leak; prints the leak summary. R keeps memory until exit, and
# libgomp keeps its worker threads (their thread-local blocks show as
# "possibly lost" under GOMP_parallel), so possible leaks are listed in the
# log but do not fail the run.
#
#   sh tools/valgrind.sh [test-file-filter]
set -e
filter="${1:-compare|boot|wild|reconstruct|audit|tables|followup|volumetrics|morphometry}"
log="${TMPDIR:-/tmp}/vcfoutcomes-valgrind.log"
script="${TMPDIR:-/tmp}/vcfoutcomes-valgrind.R"
cat > "$script" <<RS
if (nzchar(Sys.getenv("VCF_TEST_LIB"))) .libPaths(c(Sys.getenv("VCF_TEST_LIB"), .libPaths()))
Sys.setenv(NOT_CRAN = "true", OMP_NUM_THREADS = "2")
res <- as.data.frame(testthat::test_dir("tests/testthat", filter = "$filter",
                                        package = "vcfoutcomes", load_package = "installed",
                                        stop_on_failure = FALSE))
cat(sprintf("valgrind run: %d passed, %d failed\n", sum(res\$passed), sum(res\$failed) + sum(res\$error)))
RS
start=$(date +%s)
status=0
R -d "valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect --track-origins=yes --error-exitcode=42 --log-file=$log" \
  --vanilla --no-echo -f "$script" || status=$?
echo "valgrind: $(( $(date +%s) - start )) s; log in $log"
grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$log" || true
grep -n "vcfoutcomes.so" "$log" | head -20 || true
exit $status
