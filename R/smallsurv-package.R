#' smallsurv: survival, competing-risk and follow-up analysis for small cohorts
#'
#' Kaplan-Meier estimates with survival::survfit()'s conventions computed by
#' a C++ engine, confidence intervals stated by name (see [ci_methods()]),
#' estimates at chosen times that never extrapolate ([at_times()]) and
#' KMunicate-style plots. Start with [km()] and the "Getting started"
#' vignette. Competing events: [cif()] (Aalen-Johansen cumulative
#' incidence with delta, IJ, Gray and Aalen variances) and [gray_test()];
#' see the "Competing risks in a small cohort" vignette.
#'
#' @section Package options:
#' \describe{
#'   \item{`smallsurv.limits_at_zero_se`}{What the "log", "log-log" and
#'     "logit" intervals of [km()] and [cif()] fits hold where the standard
#'     error is 0 (before the first event, and where a curve has reached 0).
#'     `"NA"` (the default) follows survival before version 3.6: no variance,
#'     no interval (log-log is `NA` at S = 1, log and logit are `NA` at
#'     S = 0 and fall out of the arithmetic elsewhere). `"estimate"` follows
#'     survival 3.6 and later, whose limits there are (S, S). Set it to
#'     `"estimate"` when code compares smallsurv's fits with those of a
#'     current survival, or reads them as it would read a current
#'     `survfit()`. Tables and notes ([at_times()], [report()]) print no
#'     interval there under either convention.}
#'   \item{`smallsurv.threads`}{Worker threads for resampling; see
#'     [resampling].}
#'   \item{`smallsurv.no_patchwork`}{`TRUE` draws `autoplot()`'s risk table
#'     with gtable instead of patchwork; see [autoplot-smallsurv].}
#' }
#'
#' @keywords internal
#' @useDynLib smallsurv, .registration = TRUE
#' @importFrom Rcpp sourceCpp
#' @importFrom survival Surv
"_PACKAGE"

# Per-session state: survival's multi-state layout (survfitms_layout()), the
# verb whose input is being read (surv_input()).
.smallsurv_cache <- new.env(parent = emptyenv())

# The interval registry is generated from the core's table of methods when
# the package loads (R/conf-int.R): the table lives in compiled code.
.onLoad <- function(libname, pkgname) {
  build_ci_registry()
}

#' @importFrom generics tidy
#' @export
generics::tidy

#' @importFrom generics glance
#' @export
generics::glance
