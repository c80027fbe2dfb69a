// resample.h -- the one resampling engine's shared pieces: how replicates
// are split into streams and threads, the Monte Carlo p-value convention,
// the tie rule for "at least as extreme", and cooperative cancellation of
// long loops (user interrupts and time budgets).
//
// * Blocks and streams: replicate b belongs to block b / kStreamBlock and is
//   drawn from that block's generator (rng_streams(), rng.h), after the
//   block's earlier replicates.  Blocks are handed to worker threads in any
//   order; results per block are combined in block order, so every result is
//   identical for any number of threads.
// * Monte Carlo p-value (Phipson & Smyth 2010): p = (1 + b) / (1 + B), b the
//   replicates at least as extreme as observed among the B whose statistic
//   is defined.  A replicate whose statistic is undefined (a singular or
//   zero variance) is left out of b and B and counted separately: under the
//   null hypothesis the observed labelling is uniform over the labellings,
//   and so also over those with a defined statistic, so conditioning on
//   them keeps the test valid.  Its Monte Carlo standard error is
//   sqrt(p (1 - p) / B).
// * Exact p-value (complete enumeration): the fraction of equally likely
//   labellings (or their total probability) at least as extreme, among
//   those with a defined statistic.
// * Ties: t is at least as extreme as the observed t0 when
//   t >= t0 - sqrt(DBL_EPSILON) max(1, |t0|), statistics on their
//   standardised scale (|Z|, a quadratic form, a chi-square).  Below 1 this
//   is coin's absolute tolerance, so exact log-rank p-values equal coin's.
// * Cancellation: long loops call Watch::tick() (one increment and a
//   comparison); every 1024 ticks it reads a steady clock, calls the glue's
//   poll (which checks for a user interrupt and may throw) at most every
//   5 ms, and reports an expired time budget.  Worker threads never call
//   poll: parallel_blocks() polls on the calling thread while they run and,
//   when poll throws, stops them at their next replicate, joins them and
//   rethrows.
// Reference: Phipson B, Smyth GK (2010). Permutation p-values should never
// be zero. Stat Appl Genet Mol Biol 9:39.
#ifndef SMALLSURV_RESAMPLE_H
#define SMALLSURV_RESAMPLE_H

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>

namespace smallsurv {

constexpr std::size_t kStreamBlock = 256;

inline std::size_t stream_block_count(std::size_t reps) {
  return (reps + kStreamBlock - 1) / kStreamBlock;
}

constexpr double kTieTolerance = 1.4901161193847656e-08;  // sqrt(DBL_EPSILON)

inline bool as_extreme(double t, double observed) {
  if (std::isinf(observed)) return t >= observed;
  return t >= observed - kTieTolerance * std::max(1.0, std::fabs(observed));
}

// Replicates at least as extreme, replicates with a defined statistic, and
// replicates whose statistic was undefined.
struct McTally {
  double hits = 0.0, valid = 0.0, undefined = 0.0;
  void add(double t, double observed) {
    if (std::isnan(t)) {
      undefined += 1.0;
      return;
    }
    valid += 1.0;
    if (as_extreme(t, observed)) hits += 1.0;
  }
  void merge(const McTally& o) {
    hits += o.hits;
    valid += o.valid;
    undefined += o.undefined;
  }
};

inline double mc_p_value(const McTally& t) {
  return (1.0 + t.hits) / (1.0 + t.valid);
}

inline double mc_std_error(const McTally& t) {
  if (!(t.valid > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  const double p = mc_p_value(t);
  return std::sqrt(p * (1.0 - p) / t.valid);
}

// Cooperative cancellation (see above).  `poll` may be empty; `seconds`
// <= 0 or infinite: no deadline.
class Watch {
 public:
  explicit Watch(std::function<void()> poll = {},
                 double seconds = std::numeric_limits<double>::infinity());
  // true once the deadline has passed (sticky); may throw from poll
  bool tick() {
    if (++count_ < 1024) return expired_;
    count_ = 0;
    return check();
  }
  bool expired() const { return expired_; }

 private:
  bool check();
  std::function<void()> poll_;
  std::chrono::steady_clock::time_point start_, last_poll_;
  double seconds_;
  unsigned count_ = 0;
  bool expired_ = false;
};

// Runs task(block, worker, stop) for block = 0..nblocks-1 on min(threads,
// nblocks) worker threads (worker = 0..; use it to index per-worker
// scratch); threads = 0 runs them on the calling thread (worker 0), polling
// between blocks, for jobs too small to be worth a thread.  Tasks should return early once `stop` is set.  The calling
// thread waits, calling poll about every 5 ms; an exception from poll or
// from a task stops the others, and is rethrown once all have joined.
using BlockTask = std::function<void(std::size_t block, int worker, const std::atomic<bool>& stop)>;
void parallel_blocks(std::size_t nblocks, int threads, const BlockTask& task,
                     const std::function<void()>& poll);

// The number of workers parallel_blocks() will start.
inline int worker_count(std::size_t nblocks, int threads) {
  const std::size_t t = static_cast<std::size_t>(std::max(1, threads));
  return static_cast<int>(std::max<std::size_t>(1, std::min(t, nblocks)));
}

// Threads worth starting for `work` elementary steps (draws, observations):
// starting a thread costs about as much as 2e5 of them.  Below that the job
// runs on the calling thread (0: parallel_blocks() then polls between
// blocks, which all together take well under a millisecond); results do
// not depend on the number.
inline int threads_for_work(double work, int threads) {
  if (work < 2e5) return 0;
  const double useful = std::floor(work / 2e5);
  return static_cast<int>(std::max(1.0, std::min(static_cast<double>(threads), useful)));
}

}  // namespace smallsurv

#endif
