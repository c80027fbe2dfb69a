// coverage.h -- the coverage laboratory: simulate many small cohorts, compute
// every pointwise interval for S(t) at a few requested times, and count how
// often each interval misses the true S(t) on either side.
//
// Inputs : cohort size n, number of replicates, a 64-bit seed, k requested
//          times (sorted increasing) with the true S at each, the confidence
//          level, the methods (PointwiseFn, see pointwise.h), how event times
//          are drawn (named distribution, inverse transform of a step
//          function, or draws supplied by the caller: an n x reps column-major
//          matrix) and how censoring times are drawn (the same choices, and/or
//          administrative censoring from uniform accrual over [0, accrual] and
//          a data cut-off, and/or exponential loss to follow-up).
// Outputs: per method and time, counts over replicates: undefined intervals
//          (the time is after the replicate's last observed time -- for
//          every method alike, as at_times() gives no estimate there -- or
//          either limit is NaN), lower > truth, upper < truth, and the sum and
//          sum of squares of the widths of the defined intervals; per time the
//          mean number at risk and the count of replicates without an event
//          up to that time; the total numbers of events and observations.
// Per replicate: draw n (time, status) pairs (status = event time <= censoring
// time), sort them (std::sort on n pairs in reused buffers: no allocation),
// merge near-ties as survival::aeqSurv() (timefix_sorted, as km() does by
// default), tally the distinct times into a CountsView, call every method at
// the k times only.  Replicate r draws from the stream of its block of
// kStreamBlock replicates (rng.h, resample.h), after the block's earlier
// replicates, as the bootstrap and the permutation tests do, so the result
// does not depend on the number of threads.
// Order of draws within a replicate, subject by subject: event time (when
// drawn here), then censoring (entry time U(0, accrual) when cutoff is
// finite, dropout time when dropout > 0, censoring distribution when drawn
// here).
#ifndef SMALLSURV_COVERAGE_H
#define SMALLSURV_COVERAGE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "event_table.h"
#include "pointwise.h"
#include "rng.h"

namespace smallsurv {



// ---- building a CountsView from (time, status) pairs ---------------------
// Buffers for cohorts of up to `n` subjects, reused from replicate to
// replicate.  The counts come from the one event table builder,
// build_event_table() (event_table.h), whose per-row columns are placed in
// this object's buffers through its ColumnAllocator hook.
class CohortCounts {
 public:
  explicit CohortCounts(std::size_t n);
  CohortCounts(const CohortCounts&) = delete;  // alloc_ points into *this
  CohortCounts& operator=(const CohortCounts&) = delete;
  // time[i] >= 0 finite, status[i] 0 (censored) or not (event); n_obs <=
  // capacity.  The view points into this object's buffers (valid until the
  // next build).
  CountsView build(const double* time, const int* status, std::size_t n_obs, bool timefix);
  // same, with the pairs already written into the buffers via set()
  CountsView build_from_pairs(std::size_t n_obs, bool timefix);
  void set(std::size_t i, double t, bool event) {
    time_in_[i] = t;
    status_in_[i] = event ? 1 : 0;
  }

 private:
  std::vector<double> time_in_;
  std::vector<int> status_in_;
  std::vector<double> cols_;  // the table's four columns, n each
  std::size_t next_col_ = 0;
  ColumnAllocator alloc_;
};

// ---- drawing times -------------------------------------------------------
enum class DrawKind { none, exponential, weibull, lognormal, step, supplied };

struct DrawSpec {
  DrawKind kind = DrawKind::none;
  double a = 0, b = 0;  // rate | shape, scale | meanlog, sdlog
  // step: S(t) = surv[j] on [time[j], time[j+1]) (only times with a drop),
  // 1 before time[0]; flat at surv[m-1] until tail_start, then
  // surv[m-1] exp(-tail_rate (t - tail_start)) (no tail when surv[m-1] == 0)
  const double* step_time = nullptr;
  const double* step_surv = nullptr;
  std::size_t step_m = 0;
  double tail_start = 0, tail_rate = 0;
  // supplied: an n x reps matrix, column r for replicate r
  const double* supplied = nullptr;
};

// One draw (kinds exponential, weibull, lognormal, step).
double draw_time(const DrawSpec& d, Xoshiro256& rng);
// Uniform on (0, 1), never 0 or 1: ((x >> 11) + 0.5) 2^-53.
inline double uniform01(Xoshiro256& rng) { return rng.uniform01(); }

struct CoverageSpec {
  std::size_t n = 0, reps = 0;
  std::uint64_t seed = 0;
  int threads = 1;  // worker threads (results identical for any number)
  const double* times = nullptr;  // k requested times, increasing
  const double* truth = nullptr;  // true S at each
  std::size_t k = 0;
  double conf_level = 0.95;
  std::vector<PointwiseFn> methods;
  DrawSpec event, censor;
  double accrual = 0;  // uniform entry over [0, accrual] (used when cutoff is finite)
  double cutoff = std::numeric_limits<double>::infinity();  // data cut-off (calendar)
  double dropout = 0;  // exponential loss-to-follow-up rate (0: none)
  bool timefix = true;
};

// Counts; index [method * k + time].
struct CoverageResult {
  std::size_t nmethod = 0, k = 0;
  std::vector<double> n_na, n_low, n_up, sum_w, sum_w2;
  std::vector<double> risk_sum, no_event;  // per time
  double events = 0, obs = 0;
};

// Replicates in blocks of kStreamBlock, block b drawn from stream b (rng.h,
// resample.h) on `threads` threads; per-block sums are added in block order,
// so results are identical for any number of threads.  poll (optional) is
// called on the calling thread every few milliseconds (the glue checks for a
// user interrupt there).
CoverageResult run_coverage(const CoverageSpec& spec, const std::function<void()>& poll);

}  // namespace smallsurv

#endif
