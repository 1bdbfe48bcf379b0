#!/bin/sh
# Builds vcfoutcomes with AddressSanitizer and UndefinedBehaviorSanitizer
# into a private library, runs the whole test suite with the ASan runtime
# preloaded (R itself is not instrumented, so leak checks are off), then the
# quick fuzz corpus (tools/fuzz) against the same build. Any sanitizer report
# fails the run: UBSan aborts, ASan halts; in the fuzz run such an abort is a
# crash (its report is printed with the call that caused it), which fails it.
#
# Huge allocations the fuzzer asks for return NULL (R then raises "cannot
# allocate") instead of ASan aborting: allocator_may_return_null, and no
# single allocation above 4 GB.
set -e
lib="${TMPDIR:-/tmp}/vcfoutcomes-sanitize"
rm -rf "$lib" && mkdir -p "$lib"
makevars="$lib/Makevars"
cat > "$makevars" <<MK
CFLAGS = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS = -fsanitize=address,undefined
MK
# built from a copy, so that no instrumented object file is left in src/
src="$lib/source"
mkdir -p "$src"
tar --exclude=.git --exclude='src/*.o' --exclude='src/*.so' --exclude='./*.Rcheck' --exclude='./vcfoutcomes_*.tar.gz' -cf - . | tar -xf - -C "$src"
R_MAKEVARS_USER="$makevars" R CMD INSTALL --preclean --no-test-load --no-multiarch --library="$lib" "$src"
asan=$(gcc -print-file-name=libasan.so)
if [ ! -e "$asan" ]; then
  echo "sanitize: gcc's libasan.so is missing (Debian: apt-get install libasan8)" >&2
  exit 1
fi
export LD_PRELOAD="$asan"
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=4096
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# both parts run; either failing fails the target
start=$(date +%s)
suite=0
VCF_TEST_LIB="$lib" VCF_TOTALS_FILE="$lib/test-totals.txt" VCF_TOTALS_LABEL="sanitize suite: " \
  Rscript tools/run-tests.R || suite=$?
middle=$(date +%s)
echo "sanitize: test suite took $((middle - start)) s (status $suite)"
fuzz=0
# instrumented code runs 2-3 times slower: a call counts as a hang after
# 180 s here (20 s in a plain run)
Rscript tools/fuzz/fuzz.R --quick --lib "$lib" --timeout 180 || fuzz=$?
echo "sanitize: quick fuzz took $(( $(date +%s) - middle )) s (status $fuzz)"
[ "$suite" -eq 0 ] && [ "$fuzz" -eq 0 ]
