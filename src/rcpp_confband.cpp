// rcpp_confband.cpp -- glue only: critical values of the simultaneous bands.
#include <Rcpp.h>

#include "core/confband.h"

// Critical value of the Hall-Wellner ("hall-wellner") or equal-precision
// ("equal-precision") band on [aL, aU] at the given level.
// [[Rcpp::export(rng = false)]]
double confband_critical_cpp(std::string type, double level, double aL, double aU) {
  if (type == "hall-wellner") return smallsurv::hw_critical_value(level, aL, aU);
  if (type == "equal-precision") return smallsurv::ep_critical_value(level, aL, aU);
  Rcpp::stop("unknown band type");
}

// Non-crossing probability at a given critical value (for tests).
// [[Rcpp::export(rng = false)]]
double confband_prob_cpp(std::string type, double crit, double aL, double aU) {
  if (type == "hall-wellner") return smallsurv::hw_noncross_prob(crit, aL, aU);
  if (type == "equal-precision") return smallsurv::ep_noncross_prob(crit, aL, aU);
  Rcpp::stop("unknown band type");
}
