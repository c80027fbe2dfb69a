// rmst.h -- restricted mean survival time (RMST) on the event table, and a
// studentized permutation test of two groups.
//
// Inputs : one curve as sorted distinct times with the number at risk and
//          the number of events at each (a stratum of an EventTable), and
//          the truncation time tau > 0.  Right-censored, unweighted data.
// Outputs: RMST(tau) = int_0^tau S(u) du, the area under the Kaplan-Meier
//          step function (S = 1 before the first time; flat after the last
//          time up to tau), and its Greenwood-type variance
//            Var = sum_{t_j <= tau} [int_{t_j}^tau S(u) du]^2 d_j / (n_j (n_j - d_j)),
//          with the term set to 0 when n_j = d_j (Miller 1981, pp. 195-196;
//          Klein & Moeschberger eq. 4.4.4; survRM2's rmst1(), survival's
//          print.survfit(rmean =)).  The restricted mean time lost is
//          tau - RMST with the same variance.
// Permutation: the pooled observations of two groups are put once into an
//          event table (timefix applied there); each replicate permutes the
//          group labels (Fisher-Yates, xoshiro256** seeded per replicate from
//          `seed`, see rng.h), recounts the table by group (recount(),
//          O(n + rows)), and recomputes the studentized statistics
//          of the difference, the log RMST ratio and the log RMTL ratio.
// Complexity: O(rows) per curve; O(reps * n) for the permutation, after
//          one O(n log n) sort.
// Reference: Royston & Parmar (2013) BMC Med Res Methodol 13:152; Uno et
//          al. (2014) JCO 32:2380; Ditzhaus, Yu & Xu (2023) Stat Med
//          42:2359 (studentized permutation).
#ifndef SMALLSURV_RMST_H
#define SMALLSURV_RMST_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "event_table.h"

namespace smallsurv {

struct RmstEstimate {
  double rmst = 0.0;
  double var = 0.0;
};

// One curve: `nrow` sorted distinct times with n_risk and n_event.
RmstEstimate rmst_curve(const double* time, const double* n_risk, const double* n_event,
                        std::size_t nrow, double tau);

// Every stratum of an event table (unweighted, right-censored).
std::vector<RmstEstimate> rmst_table(const EventTable& tab, double tau);

// Where each stratum's curve ends: its largest observed time and whether
// the curve ends in an event there (every subject at risk at that time has
// the event; 1 or 0); NaN for an empty stratum.
struct RmstCurveEnd {
  double last_time = 0.0;
  double last_event = 0.0;
};
std::vector<RmstCurveEnd> rmst_curve_ends(const EventTable& tab);

// The largest allowed tau (survRM2's rule, any number of groups): the
// largest last time, but no later than the smallest last time of a curve
// that ends censored.  NaN when any end is NaN.
double rmst_tau_bound(const RmstCurveEnd* ends, std::size_t k);

// The three contrasts of group 1 against group 0 (survRM2::rmst2's Wald
// formulas), each as an estimate on the scale of the test, its standard
// error and the studentized statistic:
//   [0] difference  r1 - r0,               se sqrt(v1 + v0)
//   [1] ratio       log r1 - log r0,       se sqrt(v1 / r1^2 + v0 / r0^2)
//   [2] rmtl ratio  log l1 - log l0,       se sqrt(v1 / l1^2 + v0 / l0^2),  l = tau - r
// Statistic convention (the one place it is defined; the Wald p-value
// 2 * Phi(-|statistic|) of rmst() and the permutation test both use it):
// a zero standard error gives 0 when the estimate is 0 (p-value 1) and
// +-Inf otherwise (p-value 0); an RMST or RMTL of 0 (log of 0) gives NaN.
// The estimate and standard error are always the formulas above (a log of
// 0 is -Inf, a 0 / 0 is NaN), as in survRM2.
struct RmstContrast {
  double estimate = 0.0;
  double se = 0.0;
  double statistic = 0.0;
};
void rmst_contrasts(const RmstEstimate& g1, const RmstEstimate& g0, double tau,
                    RmstContrast* out3);

// The three statistics of rmst_contrasts() only.
void rmst_statistics(const RmstEstimate& g1, const RmstEstimate& g0, double tau, double* out3);

struct RmstPermResult {
  double observed[3];   // the three statistics on the data
  double p[3];          // (1 + b) / (1 + B) on |T| (resample.h); NaN when observed is NaN
  double se[3];         // its Monte Carlo standard error
  double undefined[3];  // permutations whose statistic was undefined (left out of B)
};

// Two groups: `group` is 0 or 1 per observation; status 0/1.  Replicates in
// blocks of kStreamBlock on `threads` threads (identical for any number);
// `poll` (may be empty) is called on the calling thread every few ms.
RmstPermResult rmst_permutation(const double* time, const int* status, const int* group,
                                std::size_t n, double tau, bool timefix, std::size_t reps,
                                std::uint64_t seed, int threads,
                                const std::function<void()>& poll);

// The permuted labels of replicates 0..reps-1 (column b = replicate b), as
// rmst_permutation draws them (exposed so that tests can repeat the
// permutations in R): each a Fisher-Yates shuffle of `group` by the
// generator of its block, replicates in order within the block.
void rmst_permuted_labels(const int* group, std::size_t n, std::uint64_t seed, std::size_t reps,
                          int* out);

}  // namespace smallsurv

#endif
