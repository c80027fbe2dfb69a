// rcpp_beta_ci.cpp -- glue only: the exact binomial limits of core/beta_ci.h
// (the pointwise methods of that file are reached through rcpp_pointwise.cpp).
// Exceptions become R errors in Rcpp's generated wrappers.
#include <Rcpp.h>

#include "core/beta_ci.h"

// Clopper-Pearson (midp = FALSE) or mid-p binomial limits for x of n.
// [[Rcpp::export(rng = false)]]
Rcpp::NumericVector binom_exact_ci_cpp(double x, double n, double conf_level, bool midp) {
  double lo = 0.0, up = 0.0;
  smallsurv::binom_exact_ci(x, n, conf_level, midp, &lo, &up);
  return Rcpp::NumericVector::create(lo, up);
}
