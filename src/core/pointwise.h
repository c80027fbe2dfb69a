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
#include <limits>
#include <vector>

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

// ---- shared building blocks of the methods -------------------------------

// The loop over requested times that every method shares: visits the k
// times (in the order `ord`, or 0..k-1 when ord is nullptr), writes NaN
// limits for a NaN time and calls f(i, t) for every other one.
template <class F>
void for_each_time(const double* at, std::size_t k, const std::size_t* ord, double* lower,
                   double* upper, F f) {
  for (std::size_t r = 0; r < k; ++r) {
    const std::size_t i = ord ? ord[r] : r;
    const double t = at[i];
    if (t != t) {  // NaN
      lower[i] = upper[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    f(i, t);
  }
}

// Index of the last row of `c` with time <= t (S(t) is right-continuous),
// or -1 when t lies before the first row or is NaN.  O(log m) binary search,
// so requested times may come in any order.
long last_row(const CountsView& c, double t);

// The Kaplan-Meier estimate and Greenwood's sum at every row of `c` (row r:
// the rows 0..r), accumulated in row order with km.cpp's operations in
// km.cpp's order: at each row with d > 0, S *= (n - d) / n and
// G += d / (n (n - d)).  survival's conventions: where the risk set empties
// (n == d) S becomes 0 and G +Inf.  (ci_likelihood.cpp derives its frozen
// variant for Rothman/Peto from these rows.)  Vectors are resized to m.
void km_rows(const CountsView& c, std::vector<double>& S, std::vector<double>& G);

// ---- the one table of interval methods ------------------------------------
// How R computes a method on a fit (R/conf-int.R attaches the R side by kind):
//   transform   : a Greenwood-type transform of the fit's own estimate and
//                 standard error (ci_transform.h), so weights, delayed entry
//                 and the IJ variance carry over; fn (greenwood_ci.h) is the
//                 same transform on Greenwood's variance of a stratum's counts;
//   pointwise   : fn on each stratum's counts -- the very function km() and
//                 the coverage laboratory call;
//   effective_n : a binomial interval with n_eff = p (1 - p) / se^2 from the
//                 fit's estimate and standard error (greenwood_ci.h);
//   resample    : the percentile bootstrap (bootstrap.h), no fn.
enum class CiKind { transform, pointwise, effective_n, resample };

struct CiMethod {
  const char* name;   // the conf.type
  const char* label;  // for print() and ci_methods()
  CiKind kind;
  PointwiseFn fn;     // nullptr: not a function of one stratum's counts
  bool km, cif;       // which verbs accept it
  bool weights;       // defined for case weights
  bool entry;         // defined for delayed entry
  bool start_row;     // km() adds a row at the start time (its interval is not [1, 1])
  bool greenwood_only;  // needs Greenwood's variance (not the IJ)
  const char* args;   // extra arguments through the verb's `...`, space-separated
  const char* reference;
  const char* description;
};

// The method named `name`, or nullptr; the table (sorted by name) lives in
// pointwise.cpp.
const CiMethod* find_ci_method(const char* name);
std::size_t ci_method_count();
const CiMethod& ci_method(std::size_t i);

// The kernel registered under `name` (a method with fn), or nullptr.
PointwiseFn find_pointwise(const char* name);

// Number of methods with a kernel and the name of the i-th (0 <= i < count),
// in table order: the coverage laboratory's candidates.
std::size_t pointwise_count();
const char* pointwise_name(std::size_t i);

}  // namespace smallsurv
#endif
