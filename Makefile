# smallsurv: the two commands of the README's Quick start, and helpers.
#   make demo   install every dependency and the package, render the full
#               small-cohort report (and the getting-started analysis) of
#               the example cohort, print the path of the report
#   make check  R CMD build + R CMD check --as-cran (tests, vignettes);
#               fails on any ERROR or WARNING
PKG      := smallsurv
VERSION  := $(shell sed -n 's/^Version: //p' DESCRIPTION)
TARBALL  := $(PKG)_$(VERSION).tar.gz
CHECKDIR := check
DEMODIR  := demo-output

.PHONY: all deps document build install check check-cran demo bench sanitize sanitize-pkg clean

all: check

deps:
	Rscript tools/install-deps.R

# developers only: regenerate RcppExports and man/ + NAMESPACE with roxygen2
document: deps
	Rscript -e 'Rcpp::compileAttributes(); roxygen2::roxygenise()'
	# compileAttributes() includes <RcppEigen.h> in RcppExports.cpp because
	# RcppEigen is in LinkingTo; no exported signature uses Eigen, so it is
	# removed: Eigen stays in its one translation unit (src/core/coxreg.cpp)
	sed -i '/#include <RcppEigen.h>/d' src/RcppExports.cpp
	rm -f src/*.o src/*.so src/core/*.o  # pkgload's debug build objects

build: deps
	rm -rf $(CHECKDIR) && mkdir -p $(CHECKDIR)
	R CMD build --no-manual . && mv $(TARBALL) $(CHECKDIR)/

install: deps
	R CMD INSTALL --preclean .

check: build
	cd $(CHECKDIR) && _R_CHECK_CRAN_INCOMING_REMOTE_=false _R_CHECK_FORCE_SUGGESTS_=true _R_CHECK_SYSTEM_CLOCK_=0 \
	  NOT_CRAN=true R CMD check --as-cran --no-manual $(TARBALL); \
	  status=$$?; \
	  log=$(PKG).Rcheck/00check.log; \
	  out=$(PKG).Rcheck/tests/testthat.Rout; [ -f $$out ] || out=$$out.fail; \
	  if [ -f $$out ]; then \
	    sed -n 's/.*\[ FAIL \([0-9]*\) | WARN \([0-9]*\) | SKIP \([0-9]*\) | PASS \([0-9]*\) \].*/testthat: \4 passed, \1 failed, \3 skipped/p' $$out | tail -n 1; \
	  fi; \
	  grep -A3 -E '^\* checking .*\.\.\. (NOTE|WARNING|ERROR)' $$log || true; \
	  grep '^Status:' $$log || { echo "no Status line"; exit 1; }; \
	  if [ $$status -ne 0 ] || grep '^Status:' $$log | grep -qE 'ERROR|WARNING'; then exit 1; fi

# the test suite against the current CRAN release of every dependency,
# installed into a cached library of its own (tools/cran-stack.R; never over
# the system's packages): today's ggplot2, survival, dplyr, ggsurvfit, ...
CRANLIB ?= $(HOME)/.cache/smallsurv/cran-lib
check-cran: deps
	Rscript tools/cran-stack.R $(CRANLIB)
	rm -rf $(CHECKDIR)/cran && mkdir -p $(CHECKDIR)/cran/lib
	R_LIBS=$(CRANLIB) R CMD INSTALL --preclean --library=$(CHECKDIR)/cran/lib .
	rm -f src/*.o src/*.so src/core/*.o
	cd tests && SMALLSURV_LIB=$(CURDIR)/$(CHECKDIR)/cran/lib R_LIBS=$(CURDIR)/$(CHECKDIR)/cran/lib:$(CRANLIB) \
	  NOT_CRAN=true Rscript ../tools/run-tests.R "CRAN stack"

demo: install
	mkdir -p $(DEMODIR)
	Rscript -e 'rmarkdown::render("vignettes/getting-started.Rmd", output_format = rmarkdown::html_document(toc = TRUE), output_dir = "$(DEMODIR)", quiet = TRUE)' >/dev/null
	Rscript -e 'out <- smallsurv::report(output_file = "$(DEMODIR)/smallsurv-report.html"); cat("\nReport written to:", out, "\n")'

# every benchmark script writes its own bench/RESULTS-<area>.md; collect.R
# gathers them (goals first) into bench/RESULTS.md
BENCHES = km cif logrank rmst small-ci-bpcp small-ci-likelihood coverage exposure multistate regression
bench: install
	for b in $(BENCHES); do Rscript bench/$$b.R || exit 1; done
	Rscript bench/collect.R

# C++ core alone under AddressSanitizer/UBSan (no R involved)
sanitize:
	$(MAKE) -C tools/core-tests

# the whole package built with AddressSanitizer/UBSan into its own library,
# and the test suite run against it (libasan preloaded into R; about 20 min)
SANDIR := $(CURDIR)/check/sanitize
sanitize-pkg: deps
	rm -rf $(SANDIR) && mkdir -p $(SANDIR)/lib
	printf 'CXX17FLAGS=-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined\nLDFLAGS=-fsanitize=address,undefined\n' > $(SANDIR)/Makevars
	R_MAKEVARS_USER=$(SANDIR)/Makevars R CMD INSTALL --preclean --no-test-load --library=$(SANDIR)/lib .
	rm -f src/*.o src/*.so src/core/*.o
	cd tests && LD_PRELOAD=$$(gcc -print-file-name=libasan.so) \
	  ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  SMALLSURV_LIB=$(SANDIR)/lib R_LIBS=$(SANDIR)/lib NOT_CRAN=true Rscript ../tools/run-tests.R sanitized

clean:
	rm -rf $(CHECKDIR) $(DEMODIR) src/*.o src/*.so src/core/*.o
