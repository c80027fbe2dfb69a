// rcpp_common.h -- conversions shared by the Rcpp glue files (glue only).
#ifndef SMALLSURV_RCPP_COMMON_H
#define SMALLSURV_RCPP_COMMON_H

#include <Rcpp.h>

#include <vector>

#include "core/event_table.h"

namespace smallsurv_glue {

// R's 1-based factor codes to the core's 0-based codes.
inline std::vector<int> zero_based(const Rcpp::IntegerVector& x) {
  std::vector<int> out(x.size());
  for (R_xlen_t i = 0; i < x.size(); ++i) out[i] = x[i] - 1;
  return out;
}

// A column of the event table as an R vector (a copy).
inline Rcpp::NumericVector as_r(const smallsurv::Column& c) {
  return Rcpp::NumericVector(c.data(), c.data() + c.size());
}

}  // namespace smallsurv_glue

#endif
