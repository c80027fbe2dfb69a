// rcpp_ci_likelihood.cpp -- glue only: the pointwise interval methods of
// core/ci_likelihood.h (likelihood-ratio, Rothman, Peto) on the rows of a fit.
#include <Rcpp.h>

#include "core/ci_likelihood.h"

// z = qnorm(1 - q) from the core (tested against R's qnorm).
// [[Rcpp::export(rng = false)]]
double normal_quantile_upper_cpp(double q) { return smallsurv::normal_quantile_upper(q); }
