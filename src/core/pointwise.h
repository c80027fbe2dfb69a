// pointwise.h -- the common shape of a pointwise interval for S(t).
//
// Every small-sample method for the survival function (Greenwood
// transforms, BPCP, Thomas-Grunkemeier likelihood ratio, Rothman, Peto,
// Borkowf, ...) is a function of one stratum's counts at its distinct
// observed times (events *and* censorings, as the event table keeps them).
// km() evaluates the methods at the fit's own times; the coverage
// laboratory (coverage.{h,cpp}) evaluates them only at the requested
// times of each simulated cohort.  Both go through this one signature, so a
// method is written once and serves both.
#ifndef SMALLSURV_POINTWISE_H
#define SMALLSURV_POINTWISE_H
#include <cstddef>

namespace smallsurv {

// One stratum of unweighted right-censored data: m distinct observed times
// in increasing order with the number at risk just before each, the events
// and the censorings at it (the rows [offset[s], offset[s+1]) of an
// EventTable).  n = number of subjects in the stratum (= n_risk[0]).
struct CountsView {
  std::size_t m = 0;
  const double* time = nullptr;
  const double* n_risk = nullptr;
  const double* n_event = nullptr;
  const double* n_censor = nullptr;
  double n = 0;
};

// Limits for S(t) at k requested times `at` (any order, may lie before the
// first or after the last observed time: each method documents what it
// returns there; NA is written as quiet NaN).  S(t) is right-continuous:
// the estimate at t uses every row with time <= t.
using PointwiseFn = void (*)(const CountsView& c, const double* at, std::size_t k,
                             double conf_level, double* lower, double* upper);

// The implementation registered under `name` (the conf.type of km()), or
// nullptr.  The table lives in pointwise.cpp; methods computed elsewhere
// (the Greenwood transforms) are not in it.
PointwiseFn find_pointwise(const char* name);

}  // namespace smallsurv
#endif
