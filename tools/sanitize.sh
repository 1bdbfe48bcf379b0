#!/bin/sh
# Builds vcfoutcomes with AddressSanitizer and UndefinedBehaviorSanitizer
# into a private library and runs the whole test suite with the ASan runtime
# preloaded (R itself is not instrumented, so leak checks are off). Any
# sanitizer report fails the run: UBSan aborts, ASan halts.
set -e
lib="${TMPDIR:-/tmp}/vcfoutcomes-sanitize"
rm -rf "$lib" && mkdir -p "$lib"
makevars="$lib/Makevars"
cat > "$makevars" <<MK
CFLAGS = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS = -fsanitize=address,undefined
MK
R_MAKEVARS_USER="$makevars" R CMD INSTALL --preclean --no-test-load --no-multiarch --library="$lib" .
asan=$(gcc -print-file-name=libasan.so)
LD_PRELOAD="$asan" ASAN_OPTIONS=detect_leaks=0 VCF_TEST_LIB="$lib" Rscript tools/run-tests.R
