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
//          `seed`, see rng.h), recounts events and censorings per group and
//          distinct time in O(n), and recomputes the studentized statistics
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

// The three studentized statistics of group 1 against group 0:
//   difference  (r1 - r0) / sqrt(v1 + v0)
//   ratio       (log r1 - log r0) / sqrt(v1 / r1^2 + v0 / r0^2)
//   rmtl ratio  (log l1 - log l0) / sqrt(v1 / l1^2 + v0 / l0^2),  l = tau - r
// A zero standard error gives 0 when the numerator is 0 and +-Inf
// otherwise; a log of 0 gives NaN.
void rmst_statistics(const RmstEstimate& g1, const RmstEstimate& g0, double tau, double* out3);

struct RmstPermResult {
  double observed[3];   // the three statistics on the data
  double p[3];          // (1 + #{|T*| >= |T|}) / (1 + reps); NaN statistic counts as extreme
};

// Two groups: `group` is 0 or 1 per observation; status 0/1.
RmstPermResult rmst_permutation(const double* time, const int* status, const int* group,
                                std::size_t n, double tau, bool timefix, std::size_t reps,
                                std::uint64_t seed);

// The permuted labels of replicate b (0-based), as rmst_permutation draws
// them (exposed so that tests can repeat the permutations in R).
void rmst_permuted_labels(const int* group, std::size_t n, std::uint64_t seed, std::size_t b,
                          int* out);

}  // namespace smallsurv

#endif
