# Set-up, test and check of vcfoutcomes on a Debian machine with R.
# `make demo` and `make test` do all set-up themselves (see README.md).

R ?= R
RSCRIPT ?= Rscript
PKG := vcfoutcomes
VERSION := $(shell sed -n 's/^Version: *//p' DESCRIPTION)
TARBALL := $(PKG)_$(VERSION).tar.gz

# Turn off the parts of --as-cran that need the internet or tools that a
# Debian machine with R does not have; everything else stays on.
CHECK_ENV := _R_CHECK_CRAN_INCOMING_REMOTE_=false \
  _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false _R_CHECK_SYSTEM_CLOCK_=0 \
  _R_CHECK_RD_VALIDATE_RD2HTML_=false _R_CHECK_RD_MATH_RENDERING_=false

.PHONY: deps document install demo test check sanitize bench bench-deps data clean screenshots

deps:
	sh tools/install-deps.sh

document: deps
	$(RSCRIPT) -e 'roxygen2::roxygenise()'

# Installed from a built tarball, so that the vignettes are built and
# vignette(package = "vcfoutcomes") lists them.
install: deps
	rm -f $(TARBALL)
	$(R) CMD build .
	$(R) CMD INSTALL --preclean --no-multiarch $(TARBALL)

demo: install
	$(RSCRIPT) tools/demo.R

test: install
	$(RSCRIPT) tools/run-tests.R

check: deps
	rm -rf $(PKG).Rcheck $(TARBALL)
	$(R) CMD build .
	$(CHECK_ENV) $(R) CMD check --as-cran --no-manual $(TARBALL) || true
	$(RSCRIPT) tools/check-log.R $(PKG).Rcheck/00check.log

# The test suite on a build with address and undefined-behaviour sanitizers.
sanitize: deps
	sh tools/sanitize.sh

# Bench-only CRAN packages (and the newer versions of Debian's packages they
# pull in) go to a project-local library, so they never shadow Debian's
# packages for install, test and check.
BENCH_LIB := $(CURDIR)/.bench-lib

bench-deps: deps
	mkdir -p $(BENCH_LIB)
	R_LIBS=$(BENCH_LIB) $(RSCRIPT) tools/install-cran.R tableone rsprite2

bench: install bench-deps
	for f in bench/*.R; do echo "== $$f"; R_LIBS=$(BENCH_LIB) $(RSCRIPT) $$f || exit 1; done

data: install
	for f in data-raw/*.R; do echo "== $$f"; $(RSCRIPT) $$f || exit 1; done

# Renders the vignettes and both studies' reports to HTML and takes PNG
# screenshots of them with headless Chromium (not in CI), into screenshots/.
screenshots: install
	$(RSCRIPT) tools/screenshots.R

clean:
	sh cleanup
	rm -rf $(PKG).Rcheck $(TARBALL) demo-output test-totals.txt screenshots
