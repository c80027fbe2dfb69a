# The test suite against the smallsurv installed first on the library path
# (R_LIBS), as `make sanitize-pkg` (an AddressSanitizer build) and
# `make check-cran` (the current CRAN stack) run it. Run from tests/:
#   Rscript ../tools/run-tests.R LABEL
# Prints the versions it ran against and "LABEL: N passed, N failed".
label <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(label)) label <- "tests"
library(testthat)
library(smallsurv)
pk <- c("smallsurv", "survival", "ggplot2", "patchwork", "dplyr", "prodlim", "broom",
        "ggsurvfit", "gtsummary", "coin", "testthat")
ver <- vapply(pk, function(p) if (requireNamespace(p, quietly = TRUE))
  format(utils::packageVersion(p)) else "not installed", character(1))
cat(label, "stack:", paste(names(ver), ver, collapse = ", "), "\n")
# the smallsurv under test, and the library it comes from (the target's own
# build, never an older copy elsewhere on the library path)
from <- normalizePath(dirname(find.package("smallsurv")))
cat("smallsurv from", from, "\n")
want <- Sys.getenv("SMALLSURV_LIB")
if (nzchar(want) && !identical(from, normalizePath(want))) {
  stop("the smallsurv under test comes from ", from, ", not from ", want, call. = FALSE)
}
res <- test_dir("testthat", reporter = "summary", package = "smallsurv",
                load_package = "installed", stop_on_failure = FALSE)
r <- as.data.frame(res)
bad <- sum(r$failed) + sum(r$error)
# every failing test by file, with the first line of its first failure
if (bad > 0) {
  cat("\nFailing tests (file: test [failures]: first message):\n")
  for (t in res) {
    fails <- Filter(function(e) inherits(e, c("expectation_failure", "expectation_error")),
                    t$results)
    if (length(fails) == 0) next
    msg <- strsplit(conditionMessage(fails[[1]]), "\n", fixed = TRUE)[[1]]
    cat(sprintf("  %s: %s [%d]: %s\n", t$file, t$test, length(fails),
                substr(paste(utils::head(msg, 2), collapse = " | "), 1, 160)))
  }
}
cat(sprintf("%s: %d passed, %d failed, %d skipped\n", label, sum(r$passed), bad,
            sum(r$skipped)))
if (bad > 0) quit(status = 1)
