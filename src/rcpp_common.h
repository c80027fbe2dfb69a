// rcpp_common.h -- conversions shared by the Rcpp glue files (glue only).
#ifndef SMALLSURV_RCPP_COMMON_H
#define SMALLSURV_RCPP_COMMON_H

#include <Rcpp.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/event_table.h"

namespace smallsurv_glue {

// R's 1-based factor codes to the core's 0-based codes.
inline std::vector<int> zero_based(const Rcpp::IntegerVector& x) {
  std::vector<int> out(x.size());
  for (R_xlen_t i = 0; i < x.size(); ++i) out[i] = x[i] - 1;
  return out;
}

// A seed for the core's generator: R checks it (check_seed(): a whole number
// in [0, 2^53]); the glue re-checks before the cast, which is undefined for
// negative values or values of 2^64 or more.
inline std::uint64_t as_seed(double seed) {
  if (!(seed >= 0.0 && seed <= 9007199254740992.0) || seed != std::floor(seed)) {
    Rcpp::stop("seed must be a whole number between 0 and 2^53");
  }
  return static_cast<std::uint64_t>(seed);
}

// The number of worker threads R asked for (at least 1).
inline int as_threads(double threads) {
  if (!(threads >= 1.0)) return 1;
  return threads > 1024.0 ? 1024 : static_cast<int>(threads);
}

// The core's poll for long loops: a user interrupt becomes an R condition.
inline void poll_interrupt() { Rcpp::checkUserInterrupt(); }

// A column of the event table as an R vector (a copy).
inline Rcpp::NumericVector as_r(const smallsurv::Column& c) {
  return Rcpp::NumericVector(c.data(), c.data() + c.size());
}

// The core's SurvInput built from the glue's usual arguments, with the R
// vectors and converted codes it points into kept alive alongside it.
struct SurvInputHolder {
  smallsurv::SurvInput in;
  Rcpp::NumericVector entry, weight;
  std::vector<int> strata;
};

inline void fill_surv_input(SurvInputHolder& h, const Rcpp::NumericVector& stop,
                            const Rcpp::IntegerVector& status, int ncause,
                            const Rcpp::Nullable<Rcpp::NumericVector>& entry,
                            const Rcpp::Nullable<Rcpp::NumericVector>& weights,
                            const Rcpp::Nullable<Rcpp::IntegerVector>& strata, int nstrata,
                            bool timefix) {
  if (status.size() != stop.size()) Rcpp::stop("stop and status differ in length");
  smallsurv::SurvInput& in = h.in;
  in.n = stop.size();
  in.stop = stop.begin();
  in.status = status.begin();
  in.ncause = ncause;
  if (entry.isNotNull()) {
    h.entry = Rcpp::NumericVector(entry);
    in.entry = h.entry.begin();
  }
  if (weights.isNotNull()) {
    h.weight = Rcpp::NumericVector(weights);
    in.weight = h.weight.begin();
  }
  if (strata.isNotNull()) {
    h.strata = zero_based(Rcpp::IntegerVector(strata));
    in.strata = h.strata.data();
    in.nstrata = nstrata;
  }
  in.timefix = timefix;
}

}  // namespace smallsurv_glue

#endif
