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
#' @keywords internal
#' @useDynLib smallsurv, .registration = TRUE
#' @importFrom Rcpp sourceCpp
#' @importFrom survival Surv
"_PACKAGE"

#' @importFrom generics tidy
#' @export
generics::tidy

#' @importFrom generics glance
#' @export
generics::glance
