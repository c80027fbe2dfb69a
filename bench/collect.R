# Gathers the per-area benchmark reports (bench/RESULTS-<area>.md, each
# written by its own script in this directory) into bench/RESULTS.md: a
# table of every stated goal with its status, then each report in full.
# Run from the package root: Rscript bench/collect.R (make bench does).
areas <- c(km = "km.R", cif = "cif.R", logrank = "logrank.R", rmst = "rmst.R",
           bpcp = "small-ci-bpcp.R", likelihood = "small-ci-likelihood.R",
           coverage = "coverage.R", exposure = "exposure.R", multistate = "multistate.R",
           regression = "regression.R")
files <- file.path("bench", paste0("RESULTS-", names(areas), ".md"))
missing <- files[!file.exists(files)]
if (length(missing)) stop("missing reports: ", paste(missing, collapse = ", "))

goal_lines <- function(lines) {
  g <- grep("\\*\\*(met|missed|MISSED)\\*\\*|\\| (yes|no) \\|$", lines, value = TRUE)
  sub("^- ", "", g)
}
out <- c("# smallsurv benchmarks",
         "",
         paste0("Collected by `bench/collect.R` from the reports below; each report was ",
                "written by its script (named in its section) with the anchors run in the same ",
                "R process, so every figure is a ratio measured side by side. Benchmarks are ",
                "not tests: a missed goal is reported, never hidden."),
         "",
         "## Goals at a glance", "")
for (i in seq_along(files)) {
  g <- goal_lines(readLines(files[i], warn = FALSE))
  if (length(g)) out <- c(out, paste0("- [", names(areas)[i], "] ", g))
}
for (i in seq_along(files)) {
  lines <- readLines(files[i], warn = FALSE)
  lines <- sub("^(#+) ", "#\\1 ", lines)  # demote headings by one level
  out <- c(out, "", "---", "",
           paste0("<!-- from bench/RESULTS-", names(areas)[i], ".md (bench/", areas[i], ") -->"),
           lines)
}
writeLines(out, file.path("bench", "RESULTS.md"))
message("bench/RESULTS.md written from ", length(files), " reports")
