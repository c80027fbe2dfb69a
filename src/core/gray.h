// gray.h -- Gray's (1988) K-sample test for equality of cumulative incidence
// functions, stratified, with the weight (1 - F0(t-))^rho.
//
// Inputs : n right-censored observations: times (any order; near ties
//          merged by the event table), status 0 = censored, 1..ncause,
//          0-based group codes (ngroup groups), optional 0-based strata codes.
// Outputs: for the chosen cause, the scores of groups 1..ngroup-1 and their
//          (ngroup-1) x (ngroup-1) covariance (column-major), summed over
//          strata; the statistic s' V^{-1} s is chi-squared with ngroup - 1
//          df under H0 (computed by the caller, which checks the rank).
// Per stratum, at each distinct time with a failure, with Y_g at risk,
// S_g(t-), F_g(t-) the group's all-cause KM and CIF of the cause, and d1, d2
// the failures of the cause and of the others:
//   h_g = Y_g / S_g(t-), H = sum_g h_g, R_g = h_g (1 - F_g(t-)),
//   F0(t) = F0(t-) + d1./H (pooled CIF under H0), W = (1 - F0(t-))^rho,
//   score_g += W (d1_g - d1. R_g / sum R),
//   A_gk = W h_g (1[g = k] - h_k / H),  C_gk(t) = sum_{u <= t} A_gk d1./(H (1 - F0(u-))).
// The variance (Gray 1988, sec. 2) is a sum of squared weights of the
// cause-specific martingale increments in each group k:
//   V_gl = sum_k sum_t m_k(t) u_gk(t) u_lk(t),
//   cause of interest: u = A_gk - b (C_gk(t) - C_gk(T)), b = 1 - (1 - F0(t))/S_k(t)
//                      (1 when S_k(t) = 0), m = tau S_k(t-) d1./(H Y_k),
//                      tau = 1 - (d1. - 1)/(H S_k(t-) - 1) (1 when d1. = 1);
//   other causes     : u = b (C_gk(T) - C_gk(t)), b = (1 - F0(t))/S_k(t) (S_k(t) > 0),
//                      m = tau S_k(t-)^2 d2_k / Y_k^2, tau = 1 - (d2_k - 1)/(Y_k - 1);
// T is the stratum's last time.  These are the conventions of
// cmprsk::cuminc() (tie factors included), so statistics agree with it.
// Complexity: one O(n log n) event table; per labelling an O(n + times x
// ngroup) recount and O(times x ngroup^2) per cause.
// Reference: Gray RJ (1988) Ann Stat 16:1141-1154.
#ifndef SMALLSURV_GRAY_H
#define SMALLSURV_GRAY_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "event_table.h"
#include "resample.h"

namespace smallsurv {

struct GrayInput {
  std::size_t n = 0;
  const double* time = nullptr;
  const int* status = nullptr;  // 0 censored, 1..ncause
  const int* group = nullptr;   // 0..ngroup-1
  const int* strata = nullptr;  // 0..nstrata-1 or nullptr
  int ngroup = 2;
  int nstrata = 1;
  int ncause = 1;
  bool timefix = true;  // near ties merged by the event table (survival's rule)
};

// The pooled event table of the observations (sorted, timefixed, counts by
// cause, each observation's rows), built once; every labelling of the
// groups (the data's, each permutation) is a recount() of it.  `ord`: the
// observations by (stratum, time), stable, the order in which permutations
// visit them; `starts`: its blocks of non-empty strata.
struct GrayData {
  EventTable tab;
  index_vector ord;
  std::vector<std::size_t> starts;
};
GrayData gray_data(const GrayInput& in);

struct GrayScore {
  std::vector<double> score;  // ngroup - 1
  std::vector<double> var;    // (ngroup - 1)^2, column-major
};

// The scores of one cause for the labels of a recount of d.tab (by group,
// with every cause); and of every cause 1..ncause for the labels in
// `in.group` (one recount).
GrayScore gray_score(const GrayData& d, const Recount& rc, int cause, double rho);
std::vector<GrayScore> gray_scores(const GrayInput& in, const GrayData& d, double rho);

// The statistic s' V^{-1} s by Gaussian elimination with partial pivoting;
// NaN when V is (numerically) singular.
double gray_statistic(const GrayScore& gs);

// Permutation p-values for each cause 1..ncause (resample.h's conventions):
// labels permuted within strata, a permutation whose statistic is undefined
// (singular variance) left out and counted.
struct GrayPermResult {
  std::vector<double> p, se, valid, undefined;  // per cause
  double outcomes = 0.0;  // exact: arrangements enumerated
  bool complete = true;   // exact: false when the time budget ran out
};

// Monte Carlo: `reps` random permutations, (1 + b) / (1 + valid), in blocks
// of kStreamBlock on `threads` threads (identical for any number).
GrayPermResult gray_permutation(const GrayInput& in, const GrayData& d, double rho,
                                std::size_t reps, std::uint64_t seed,
                                const std::vector<double>& observed, int threads,
                                const std::function<void()>& poll);

// Exact: every distinct arrangement of the labels within strata (equally
// likely), p = #{T >= T_obs} / #{defined}; their number is
// prod_s n_s! / prod_g n_gs!.  `watch` is ticked once per arrangement.
GrayPermResult gray_exact(const GrayInput& in, const GrayData& d, double rho,
                          const std::vector<double>& observed, Watch& watch);

}  // namespace smallsurv

#endif
