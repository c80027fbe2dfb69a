#' The small-cohort report in one call
#'
#' Renders smallsurv's R Markdown template `small-cohort-report` (the one
#' `rmarkdown::draft("report.Rmd", template = "small-cohort-report",
#' package = "smallsurv")` copies for editing) on `data` with the given
#' parameters, and returns the path of the report. The report has the
#' sections: cohort and follow-up (every follow-up measure with its
#' definition, completeness), response rates with intervals by group,
#' event-free and overall survival (Kaplan-Meier figures with the numbers
#' at risk, medians, estimates at landmark times, log-rank tests),
#' cumulative incidence of relapse with HSCT, CAR-T and death competing
#' (with Gray's test), restricted mean survival time, consolidation (the
#' first of HSCT and CAR-T) as a time-dependent exposure (Mantel-Byar test
#' for EFS and OS, Simon-Makuch curves for OS; never a fixed "ever
#' consolidated" group), a maturity statement, and a methods paragraph
#' generated from the choices made.
#'
#' The template's parameters (its YAML header lists them with comments)
#' name the columns of `data` (`id`, `group`, `origin`, `relapse`, `hsct`,
#' `cart`, `death`, `last_contact`, `response`; or, for data with follow-up
#' times instead of dates such as `survival::aml`, `time`, `status`, the
#' endpoint's name `endpoint` and an optional factor of competing first
#' events `event`), the values that count as
#' a response (`success`), the induction-failure rule
#' (`induction_failure`, an R expression as a string), the competing events
#' (`competing`) and the one of interest (`cause`), the data cut-off
#' (`cutoff`), the time `unit`, the interval methods (`conf_type`,
#' `cif_conf_type`, `binom_method`, `conf_level`), the variance of the
#' cumulative incidence (`cif_variance`), the tie convention of the reverse
#' Kaplan-Meier follow-up (`followup_ties`), the landmark times
#' (`landmarks`), the RMST truncation time (`tau`; empty: the time up to
#' which every curve is readable under the maturity rule, never the largest
#' observed time), the maturity rule (`min_risk`, `min_fraction`) and the
#' seed of the permutation tests (`seed`, so a report renders the same
#' p-values every time). Their defaults describe `rrall`.
#'
#' The report works on any cohort: a column named explicitly in `...` that
#' the data lack is an error naming it and its parameter; a default that
#' does not fit the data (the defaults describe `rrall`) is set aside and
#' the report says so; sections that need dates, a response, competing
#' events or groups are left out with a sentence saying why; `group = ""`
#' (or a grouping with one level) gives a single-arm report.
#'
#' Every test in the report leads with its exact or permutation p-value
#' (with the Monte Carlo standard error when it is Monte Carlo), gives the
#' asymptotic one beside it, flags tests resting on fewer than 10 events
#' and names its assumption (censoring unrelated to the groups).
#'
#' @param data The cohort, one row per patient: a data frame, or the name of
#'   a data set of smallsurv, or a path to an `.rds` or `.csv` file. Default:
#'   the simulated example cohort [rrall].
#' @param output_file Path of the report to write (HTML unless
#'   `output_format` says otherwise).
#' @param ... Parameters of the template (see Details), e.g.
#'   `conf_type = "log"`, `landmarks = c(6, 12)`, `group = "arm"`. An
#'   unknown name is an error.
#' @param output_format Passed to [rmarkdown::render()]; default the
#'   template's `html_document`.
#' @param quiet Render without knitr's progress output.
#' @return The normalised path of the report, invisibly.
#' @seealso The template itself: `rmarkdown::draft(file,
#'   template = "small-cohort-report", package = "smallsurv")`.
#' @family reports
#' @examples
#' \donttest{
#' # renders the whole report (about 10 s)
#' if (rmarkdown::pandoc_available()) {
#'   out <- report(output_file = file.path(tempdir(), "rrall-report.html"))
#'   out
#' }
#' }
#' @export
report <- function(data = rrall, output_file, ..., output_format = NULL, quiet = TRUE) {
  if (!requireNamespace("rmarkdown", quietly = TRUE)) {
    abort("report() needs the rmarkdown package; install it with ",
          "install.packages(\"rmarkdown\").")
  }
  if (!rmarkdown::pandoc_available()) {
    abort("report() needs pandoc, which was not found; install it (https://pandoc.org) or ",
          "use RStudio, which ships it.")
  }
  if (missing(output_file) || !is.character(output_file) || length(output_file) != 1L ||
      is.na(output_file) || !nzchar(output_file)) {
    abort("`output_file` must be the path of the report to write (a string); got ",
          if (missing(output_file)) "nothing" else deparse1(output_file), ".")
  }
  check_flag(quiet, "quiet")
  if (missing(data)) data <- "rrall"
  if (!is.data.frame(data) && !(is.character(data) && length(data) == 1L && !is.na(data))) {
    abort("`data` must be a data frame, the name of a data set of smallsurv or the path of ",
          "an .rds or .csv file; got an object of class ", paste(class(data), collapse = "/"),
          ".")
  }
  skeleton <- report_skeleton()
  known <- names(rmarkdown::yaml_front_matter(skeleton)$params)
  params <- list(...)
  if (length(params) && (is.null(names(params)) || any(!nzchar(names(params))))) {
    abort("The parameters in `...` must be named (e.g. `conf_type = \"log\"`).")
  }
  bad <- setdiff(names(params), known)
  if (length(bad)) {
    abort("Unknown report parameter", if (length(bad) > 1L) "s" else "", ": ",
          paste0("`", bad, "`", collapse = ", "), ". The template's parameters are ",
          paste0("`", setdiff(known, "data"), "`", collapse = ", "), ".")
  }
  check_report_columns(data, params)
  params$data <- data
  dir <- tempfile("smallsurv-report-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  input <- file.path(dir, "report.Rmd")
  file.copy(skeleton, input)
  out_dir <- dirname(output_file)
  if (!dir.exists(out_dir)) dir.create(out_dir, recursive = TRUE)
  out_dir <- normalizePath(out_dir)
  out <- rmarkdown::render(input, output_format = output_format,
                           output_file = basename(output_file), output_dir = out_dir,
                           intermediates_dir = dir, params = params,
                           envir = new.env(parent = globalenv()), quiet = quiet)
  invisible(normalizePath(out))
}

# The columns named explicitly in report()'s `...` must exist in `data`
# (one error naming every missing one and its parameter); defaults that do
# not fit the data are set aside by the template, which says so.
check_report_columns <- function(data, params) {
  cols <- c("id", "group", "origin", "relapse", "hsct", "cart", "death", "last_contact",
            "response", "time", "status", "event")
  given <- params[intersect(names(params), cols)]
  given <- given[vapply(given, function(v) is.character(v) && length(v) == 1L && nzchar(v),
                        logical(1))]
  if (!length(given)) return(invisible())
  d <- if (is.data.frame(data)) data else tryCatch(report_load(data), error = function(e) NULL)
  if (is.null(d)) return(invisible())
  bad <- given[!unlist(given) %in% names(d)]
  if (length(bad)) {
    abort("The data have no column ", paste0("`", unlist(bad), "` (", names(bad), " = \"",
                                              unlist(bad), "\")", collapse = ", "),
          ". Its columns are ", paste0("`", utils::head(names(d), 20), "`", collapse = ", "),
          if (ncol(d) > 20) ", ..." else "", ". Set a parameter to \"\" when the data have ",
          "no such column.")
  }
  invisible()
}

# `data` as the template reads it: a data set of smallsurv or an .rds/.csv file.
report_load <- function(data) {
  if (file.exists(data)) {
    if (grepl("\\.rds$", data, ignore.case = TRUE)) readRDS(data) else
      utils::read.csv(data, stringsAsFactors = FALSE)
  } else {
    e <- new.env()
    utils::data(list = data, package = "smallsurv", envir = e)
    get(data, envir = e)
  }
}

report_skeleton <- function() {
  f <- system.file("rmarkdown", "templates", "small-cohort-report", "skeleton", "skeleton.Rmd",
                   package = "smallsurv")
  if (!nzchar(f)) abort("The report template is missing from the installed smallsurv.")
  f
}
