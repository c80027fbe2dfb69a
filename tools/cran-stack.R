# Install the current CRAN release of every package smallsurv uses --
# Imports, LinkingTo, Suggests, the ecosystem packages its fits must work
# with (ggsurvfit, gtsummary) and the test runner -- with all their hard
# dependencies, into a library of its own (never over the system's), so that
# `make check-cran` can run the test suite against today's CRAN beside the
# Debian packages `make check` uses.
#
# Usage: Rscript tools/cran-stack.R LIB
# Packages already current in LIB are kept (the library is a cache). A
# package whose current release cannot be installed on this machine (e.g. it
# needs a newer R, or system libraries apt cannot provide) is reported and
# left out; the tests that need it skip, saying so.

args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args)) args[1] else stop("usage: Rscript tools/cran-stack.R LIB")
dir.create(lib, recursive = TRUE, showWarnings = FALSE)
repos <- getOption("repos")
if (is.null(repos) || identical(unname(repos["CRAN"]), "@CRAN@")) {
  repos <- c(CRAN = "https://cloud.r-project.org")
}

desc <- read.dcf("DESCRIPTION")
field <- function(f) {
  if (!f %in% colnames(desc)) return(character(0))
  trimws(sub("\\(.*", "", strsplit(desc[1, f], ",")[[1]]))
}
wanted <- unique(c(field("Imports"), field("LinkingTo"), field("Suggests"),
                   "ggsurvfit", "gtsummary", "dplyr", "testthat"))
db <- utils::available.packages(repos = repos)
base <- rownames(utils::installed.packages(priority = "base"))
recommended <- rownames(utils::installed.packages(priority = "recommended"))
wanted <- setdiff(wanted[nzchar(wanted)], c("R", base))
deps <- tools::package_dependencies(wanted, db = db, recursive = TRUE,
                                    which = c("Depends", "Imports", "LinkingTo"))
closure <- unique(c(wanted, unlist(deps)))
# base packages come with R; recommended ones stay the system's (their
# current releases may need a newer R) except survival, which smallsurv
# mirrors and must be tested at its current release
closure <- setdiff(closure, c(base, setdiff(recommended, "survival")))
closure <- intersect(closure, rownames(db))

# system libraries some of these need to compile (libcurl for curl, libxml2
# for xml2, fonts for systemfonts/textshaping, libuv for fs); harmless when
# present. V8 (for gtsummary's gt) needs Node's libnode headers, which
# conflict with this machine kind's Node.js: gtsummary stays uninstallable here
sys <- c("libcurl4-openssl-dev", "libssl-dev", "libxml2-dev", "libfontconfig1-dev",
         "libfreetype6-dev", "libharfbuzz-dev", "libfribidi-dev", "libpng-dev",
         "libtiff5-dev", "libjpeg-dev", "libicu-dev", "libuv1-dev")
if (nzchar(Sys.which("apt-get")) && identical(unname(Sys.info()["user"]), "root")) {
  have <- suppressWarnings(system2("dpkg-query", c("-W", "-f='${Package} ${Status}\\n'", sys),
                                   stdout = TRUE, stderr = FALSE))
  missing_sys <- sys[!vapply(sys, function(p) any(grepl(paste0("^'?", p, " .*installed"), have)),
                             logical(1))]
  if (length(missing_sys)) {
    system2("apt-get", c("update", "-qq"))
    system2("apt-get", c("install", "-y", "--no-install-recommends", missing_sys),
            env = "DEBIAN_FRONTEND=noninteractive")
  }
}

current <- function(p) {
  f <- file.path(lib, p, "DESCRIPTION")
  if (!file.exists(f)) return(FALSE)
  v <- read.dcf(f, "Version")[1, 1]
  package_version(v) >= package_version(db[p, "Version"])
}
todo <- closure[!vapply(closure, current, logical(1))]
message(length(closure), " packages in the stack; ", length(todo), " to install or update")
if (length(todo)) {
  # only `lib` on the library path while installing, so every dependency is
  # taken from the stack, not from the system's older copies
  old <- .libPaths()
  .libPaths(c(lib, .Library))
  on.exit(.libPaths(old))
  Sys.setenv(R_LIBS_USER = "", R_LIBS_SITE = "")
  utils::install.packages(todo, lib = lib, repos = repos, Ncpus = 2L, dependencies = FALSE,
                          quiet = TRUE)
}
failed <- closure[!vapply(closure, current, logical(1))]
versions <- vapply(c("survival", "ggplot2", "patchwork", "dplyr", "prodlim", "broom",
                     "ggsurvfit", "gtsummary", "coin", "testthat"), function(p) {
  f <- file.path(lib, p, "DESCRIPTION")
  if (file.exists(f)) read.dcf(f, "Version")[1, 1] else "not installed"
}, character(1))
message("CRAN stack in ", lib, ": ", paste(names(versions), versions, collapse = ", "))
if (length(failed)) {
  message("could not install the current release of: ", paste(failed, collapse = ", "),
          " (their tests skip)")
}
