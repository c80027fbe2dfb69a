# The test suite against the package in R_LIBS (make sanitize-pkg installs
# an AddressSanitizer/UBSan build there and preloads libasan into R).
# Run from tests/.
library(testthat)
library(smallsurv)
r <- as.data.frame(test_dir("testthat", reporter = "summary", package = "smallsurv",
                            load_package = "installed", stop_on_failure = FALSE))
bad <- sum(r$failed) + sum(r$error)
cat(sprintf("sanitized: %d passed, %d failed\n", sum(r$passed), bad))
if (bad > 0) quit(status = 1)
