// rcpp_beta_ci.cpp -- glue only: the exact binomial limits of core/beta_ci.h
// (the pointwise methods of that file are reached through rcpp_pointwise.cpp).
// Exceptions become R errors in Rcpp's generated wrappers.
#include <Rcpp.h>

#include <algorithm>

#include "core/beta_ci.h"

// Clopper-Pearson (midp = FALSE) or mid-p binomial limits for x of n.
// [[Rcpp::export(rng = false)]]
Rcpp::NumericVector binom_exact_ci_cpp(double x, double n, double conf_level, bool midp) {
  double lo = 0.0, up = 0.0;
  smallsurv::binom_exact_ci(x, n, conf_level, midp, &lo, &up);
  return Rcpp::NumericVector::create(lo, up);
}

// Vectorised exact limits with tail probability `tail` on each side (alpha / 2
// for a two-sided interval, alpha for a one-sided bound): the lower limit is
// the `tail` quantile of Beta(x, n - x + 1) (Clopper-Pearson) or of the 50/50
// mixture of Beta(x, n - x + 1) and Beta(x + 1, n - x) (mid-p), the upper
// limit the 1 - `tail` quantile of Beta(x + 1, n - x) or of the same mixture:
// binom_exact_ci() at conf_level = 1 - 2 * tail, but without the rounding of
// 1 - (1 - 2 * tail) and valid for any tail in (0, 1) (a one-sided bound
// at a level of 1/2 or less has tail >= 1/2, outside binom_exact_ci's range).
// x and n are recycled to the longer length; validated in R.
// [[Rcpp::export(rng = false)]]
Rcpp::List binom_exact_limits_cpp(Rcpp::NumericVector x, Rcpp::NumericVector n, double tail,
                                  bool midp) {
  if (!(tail > 0.0 && tail < 1.0)) Rcpp::stop("tail must be in (0, 1)");
  const R_xlen_t nx = x.size(), nn = n.size();
  const R_xlen_t k = (nx == 0 || nn == 0) ? 0 : std::max(nx, nn);
  Rcpp::NumericVector lower(k), upper(k);
  for (R_xlen_t i = 0; i < k; ++i) {
    const double xi = x[i % nx], ni = n[i % nn];
    if (!(ni >= 0.0) || !(xi >= 0.0) || xi > ni) Rcpp::stop("need 0 <= x <= n");
    if (midp) {
      lower[i] = smallsurv::beta_mixture_quantile(tail, xi, ni - xi + 1.0, xi + 1.0, ni - xi);
      upper[i] = smallsurv::beta_mixture_quantile(1.0 - tail, xi, ni - xi + 1.0, xi + 1.0,
                                                  ni - xi);
    } else {
      lower[i] = smallsurv::beta_quantile(tail, xi, ni - xi + 1.0);
      upper[i] = smallsurv::beta_quantile(1.0 - tail, xi + 1.0, ni - xi);
    }
  }
  return Rcpp::List::create(Rcpp::Named("lower") = lower, Rcpp::Named("upper") = upper);
}
