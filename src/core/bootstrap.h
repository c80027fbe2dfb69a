// bootstrap.h -- percentile bootstrap intervals for the Kaplan-Meier and
// Aalen-Johansen estimates, resampling subjects (or clusters) stratum by
// stratum.
//
// Inputs : the EventTable of the original data built with keep_obs_rows =
//          true (see event_table.h), the case weights in input order
//          (nullptr: all 1), optional 0-based unit (cluster) codes in input
//          order (nullptr: every observation is its own unit), the number of
//          replicates, a 64-bit seed and the two probabilities of the
//          percentile interval.
// Outputs: per row of the table and per state (column-major, nrow x nstate;
//          nstate = 1 for Kaplan-Meier, the survival S; ncause + 1 for
//          Aalen-Johansen: S, F_1, ..., F_K) the two percentiles of the
//          replicate estimates.
// Resampling (Efron 1981): in replicate b, every stratum draws as many units
//   as it has, uniformly with replacement among its own units (the stratum
//   sizes are kept); a unit drawn c times contributes all its rows with
//   weight c * w_i ("resample rows and carry their weights").  Draws come
//   from the generator of its block of replicates (rng.h, resample.h: one
//   stream per block of 256, replicates drawn in order within their block,
//   so results do not depend on the thread count), stratum by stratum, units of a stratum in increasing
//   code order, draw j = member[below(m)].  bootstrap_index() returns exactly
//   these draws (for tests against an independent implementation).
// Refit: a resample has a subset of the original times, so refitting it and
//   evaluating its step function at every original time (the value at the
//   last resampled time <= t; 1 for S and 0 for F before any) equals running
//   the estimator on the original table with the resampled weights c_i w_i:
//   rows without resampled events leave the estimate as it was.  The table
//   is built (sorted) once; a replicate costs O(n + rows * nstate) with no
//   sort.  Near-tied times are merged once, on the full data (timefix).
// Percentiles: R's quantile(type = 7): with h = 1 + (reps - 1) p, lo =
//   floor(h), the lo-th order statistic x_lo, and (1 - (h - lo)) x_lo +
//   (h - lo) x_(lo+1) when h > lo and x_(lo+1) != x_lo (R's expression),
//   found with std::nth_element per (row, state) over the replicate values,
//   which are stored time-major (the reps values of a row contiguous).
//   Memory: nrow * nstate * reps doubles, processed in blocks of rows of at
//   most 2^23 doubles (64 MiB); each extra block regenerates the replicates.
// Cost: O(n log n) once, then O(blocks * reps * (n + rows * nstate)) for the
//   replicates and O(rows * nstate * reps) for the percentiles.
#ifndef SMALLSURV_BOOTSTRAP_H
#define SMALLSURV_BOOTSTRAP_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "event_table.h"

namespace smallsurv {

struct BootstrapSpec {
  std::size_t reps = 2000;
  std::uint64_t seed = 0;
  int threads = 1;  // worker threads (results identical for any number)
  double prob_lo = 0.025;
  double prob_hi = 0.975;
  bool all_states = false;  // false: survival only (KM); true: S and every F_k
  // replicate values held at once (rows are processed in blocks of this
  // many doubles; each extra block regenerates the replicates)
  std::size_t block_doubles = std::size_t(1) << 23;  // 64 MiB
};

struct BootstrapResult {
  int nstate = 1;
  std::vector<double> lower, upper;  // nrow x nstate, column-major
};

// weights, unit: input order (nullptr: 1 / own unit); nunit: number of units.
// poll (may be empty) is called on the calling thread every few
// milliseconds while the workers run (resample.h).
BootstrapResult bootstrap_percentile(const EventTable& tab, const double* weights,
                                     const int* unit, std::size_t nunit,
                                     const BootstrapSpec& spec,
                                     const std::function<void()>& poll);

// The draws of every replicate: nunit x reps (column-major) 0-based unit
// codes, replicate b in column b; unit_stratum: 0-based stratum of each unit.
std::vector<std::uint32_t> bootstrap_index(const int* unit_stratum, std::size_t nunit,
                                           int nstrata, std::size_t reps, std::uint64_t seed);

// R's quantile(x, p, type = 7) of x[0..m-1] (reorders x).
double quantile_type7(double* x, std::size_t m, double p);

}  // namespace smallsurv

#endif
