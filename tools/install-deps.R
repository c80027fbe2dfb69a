# Install what smallsurv needs to build, check, benchmark and render its demo
# on a fresh machine of this kind (Debian, R 4.2): first Debian's prebuilt
# r-cran-* packages through apt-get (fast, and they never upgrade survival or
# testthat underneath the tests), then CRAN, from source, for whatever Debian
# does not have. Packages already installed are left alone.
#
# Usage: Rscript tools/install-deps.R

desc <- read.dcf("DESCRIPTION")
fields <- c("Depends", "Imports", "LinkingTo", "Suggests")
deps <- unlist(lapply(fields, function(f) {
  if (!f %in% colnames(desc)) return(character(0))
  x <- strsplit(desc[1, f], ",")[[1]]
  trimws(sub("\\(.*", "", x))
}))
# tools for developing and benchmarking (not needed by R CMD check itself)
deps <- unique(c(deps, "roxygen2", "pkgbuild", "bench"))
base <- rownames(installed.packages(priority = "base"))
deps <- setdiff(deps[nzchar(deps)], c("R", base))

# Debian's r-cran-bh is a stub without the headers (they come from
# libboost-dev) and R CMD check then notes BH as unused: take BH from CRAN.
cran_only <- "BH"
missing_pkgs <- function() {
  out <- setdiff(deps, rownames(installed.packages()))
  if (!dir.exists(system.file("include", package = "BH"))) out <- union(out, "BH")
  out
}

# system tools: pandoc (vignettes, demo), tidy (R CMD check's HTML
# validation), qpdf (PDF size checks), GNU time (benchmark peak memory)
tools <- c(pandoc = "pandoc", tidy = "tidy", qpdf = "qpdf", time = "/usr/bin/time")
missing_tools <- names(tools)[!nzchar(Sys.which(tools))]

need <- missing_pkgs()
can_apt <- nzchar(Sys.which("apt-get")) && identical(unname(Sys.info()["user"]), "root")
if ((length(need) || length(missing_tools)) && can_apt) {
  system2("apt-get", c("update", "-qq"))
}
if (length(missing_tools) && can_apt) {
  message("apt-get install: ", paste(missing_tools, collapse = " "))
  system2("apt-get", c("install", "-y", "--no-install-recommends", missing_tools),
          env = "DEBIAN_FRONTEND=noninteractive")
}
if (length(need) && can_apt) {
  from_apt <- setdiff(need, cran_only)
  debs <- if (length(from_apt)) paste0("r-cran-", tolower(from_apt)) else character(0)
  avail <- vapply(debs, function(d) {
    out <- suppressWarnings(system2("apt-cache", c("show", "--no-all-versions", d),
                                    stdout = TRUE, stderr = FALSE))
    length(out) > 0
  }, logical(1))
  if (length(debs) && any(avail)) {
    message("apt-get install: ", paste(debs[avail], collapse = " "))
    status <- system2("apt-get", c("install", "-y", "--no-install-recommends", debs[avail]),
                      env = "DEBIAN_FRONTEND=noninteractive")
    if (status != 0) message("apt-get failed; falling back to CRAN for these packages")
  }
}

need <- missing_pkgs()
if (length(need)) {
  message("install.packages from CRAN: ", paste(need, collapse = " "))
  repos <- getOption("repos")
  if (is.null(repos) || identical(unname(repos["CRAN"]), "@CRAN@")) {
    repos <- c(CRAN = "https://cloud.r-project.org")
  }
  install.packages(need, repos = repos, Ncpus = 2L,
                   dependencies = c("Depends", "Imports", "LinkingTo"))
}

if (!nzchar(Sys.which("pandoc"))) stop("pandoc is missing and could not be installed", call. = FALSE)
still <- missing_pkgs()
if (length(still)) {
  stop("could not install: ", paste(still, collapse = ", "), call. = FALSE)
}
message("all dependencies present: ", paste(deps, collapse = ", "))
