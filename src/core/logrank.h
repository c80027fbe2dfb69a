// logrank.h -- the weighted log-rank (Fleming-Harrington G(rho, gamma)) family
// and its conditional permutation distribution.
//
// Inputs : n observations (stop time, 0/1 status, optional entry time for
//          delayed entry), a 0-based group code per observation (ngroup
//          groups) and an optional 0-based test-stratum code.  Nothing needs
//          to be sorted.  No case weights.
// Outputs (logrank_counts):
//   per stratum s and group g, with w_j the weight at distinct time t_j,
//   d_j / n_j the pooled events / number at risk, d_gj / n_gj the group's:
//     observed O_gs = sum_j w_j d_gj
//     expected E_gs = sum_j w_j d_j n_gj / n_j
//   and, summed over strata, the hypergeometric covariance
//     V_gk = sum_j w_j^2 d_j (n_j - d_j) / (n_j (n_j - 1)) *
//            n_gj (delta_gk - n_kj / n_j)          (rows with n_j < 2 skipped)
//   -- survival::survdiff's quantities (its observed is weighted too).
//   w_j = S(t_j-)^rho (1 - S(t_j-))^gamma with S the pooled, left-continuous
//   Kaplan-Meier estimate of the observation's own stratum (pow(0, 0) = 1).
//   Per observation i (input order), the log-rank score used by the
//   permutation test (coin's "mid-ranks" logrank scores, generalised to
//   delayed entry):
//     a_i = sum_{j: entry_i < t_j <= t_i} w_j d_j / n_j  -  status_i w(t_i),
//   computed within the observation's stratum; O_g - E_g = -sum_{i in g} a_i.
// Conventions: at risk at t <=> entry < t <= stop; events before censorings
// at tied times; near-tied times merged as survival::aeqSurv() (timefix) --
// all inherited from build_event_table().
// Complexity: the event table, then O(n + rows * ngroup + ngroup^2 * rows).
//
// The permutation distribution (perm_*): group labels are permuted within
// strata, scores held fixed.  The statistic is coin's standardised linear
// statistic: for a contrast c (two groups, or a trend over ordered groups)
//   Z = (sum_g c_g T_g - mu) / sigma,  T_g = sum_{i in g} a_i,
// with the permutation mean and variance, summed over strata,
//   E(T_g) = n_gs abar_s,
//   Cov(T_g, T_k) = s2_s n_s / (n_s - 1) (n_gs delta_gk - n_gs n_ks / n_s),
//   s2_s = (1/n_s) sum_{i in s} (a_i - abar_s)^2;
// for K groups without a contrast the quadratic form (T - E)' M (T - E) with
// M a generalised inverse of the covariance (supplied by the caller).
// Two-sided p-values count permutations at least as extreme as observed on
// the standardised scale (|Z|, or the quadratic form), with resample.h's
// tie rule (coin's tolerance below 1).
//   * perm_exact_count / perm_exact: complete enumeration for two groups.
//     Within a stratum, observations with equal scores are exchangeable, so
//     the distinct outcomes are the ways of choosing k_v of the c_v
//     observations of each distinct score value v for the first group
//     (sum k_v = n_1s), with probability prod C(c_v, k_v) / C(n_s, n_1s).
//     The enumeration walks these compositions depth first (one stratum
//     after another); perm_exact_plan() counts them, and the walk's nodes
//     (its work), beforehand, in log space.
//   * perm_monte_carlo: `reps` random permutations within strata (Fisher-
//     Yates; with two groups a partial shuffle that draws only the smaller
//     group's members) from xoshiro256** seeded through splitmix64 with
//     `seed`, one stream per block of replicates (rng.h, resample.h);
//     p = (1 + b) / (1 + reps) (resample.h).
// References: Mantel (1966); Peto & Peto (1972); Harrington & Fleming (1982);
// Hothorn, Hornik, van de Wiel & Zeileis (2006, 2008), coin.
#ifndef SMALLSURV_LOGRANK_H
#define SMALLSURV_LOGRANK_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "event_table.h"
#include "resample.h"

namespace smallsurv {

struct LogrankInput {
  std::size_t n = 0;
  const double* stop = nullptr;
  const int* status = nullptr;   // 0/1
  const double* entry = nullptr;  // optional
  const int* group = nullptr;     // 0..ngroup-1
  const int* strata = nullptr;    // optional 0..nstrata-1
  int ngroup = 2;
  int nstrata = 1;
  double rho = 0.0;
  double gamma = 0.0;
  bool timefix = true;
};

struct LogrankCounts {
  int ngroup = 2;
  int nstrata = 1;
  // group fastest: index g + ngroup * s (survdiff's matrix(ngroup, nstrata))
  std::vector<double> observed, expected;
  std::vector<double> events;   // unweighted events per group and stratum
  std::vector<double> n_obs;    // observations per group and stratum
  std::vector<double> variance; // ngroup x ngroup, column-major, summed over strata
  std::vector<double> score;    // per observation, input order
};

LogrankCounts logrank_counts(const LogrankInput& in);

// The permutation problem: scores, group and stratum codes, and either a
// contrast over groups (scalar statistic) or a generalised inverse of the
// permutation covariance (quadratic form).
struct PermProblem {
  std::size_t n = 0;
  const double* score = nullptr;
  const int* group = nullptr;
  const int* strata = nullptr;  // optional
  int ngroup = 2;
  int nstrata = 1;
  const double* contrast = nullptr;  // length ngroup, or nullptr
  const double* qinv = nullptr;      // ngroup x ngroup column-major, when no contrast
};

struct PermMoments {
  std::vector<double> mean;      // E(T_g), length ngroup
  std::vector<double> variance;  // ngroup x ngroup, column-major
  std::vector<double> total;     // observed T_g
};

PermMoments perm_moments(const PermProblem& p);

// |Z| for a contrast, the quadratic form otherwise; NaN when the contrast's
// variance is zero.
double perm_statistic(const PermProblem& p, const PermMoments& m, const double* T);

struct PermResult {
  double statistic = 0.0;   // observed (|Z| or quadratic form)
  double p_value = 0.0;
  double hits = 0.0;        // Monte Carlo: permutations at least as extreme
  double valid = 0.0;       // Monte Carlo: permutations with a defined statistic
  double undefined = 0.0;   // Monte Carlo: permutations without one
  double mc_se = 0.0;       // Monte Carlo standard error of p_value
  double outcomes = 0.0;    // exact: distinct outcomes enumerated (+Inf past DBL_MAX); MC: reps
  double log_outcomes = 0.0;  // exact: their natural log
  double permutations = 0.0;  // exact: prod C(n_s, n_1s) (+Inf past DBL_MAX)
  bool complete = true;     // exact: false when the time budget ran out (p_value NaN)
};

// What complete enumeration would cost (two groups, group code 0 is "the
// first group"), as natural logs, so that nothing overflows: the number of
// distinct outcomes, of label permutations, and of nodes the walk visits
// (its work, about 10-30 ns a node).
struct ExactPlan {
  double log_outcomes = 0.0, log_permutations = 0.0, log_work = 0.0;
};
ExactPlan perm_exact_plan(const PermProblem& p);

// Exact two-sided p-value by complete enumeration (two groups only).
// `watch` is ticked once per outcome: it polls for interrupts, and when its
// deadline passes the enumeration stops with complete = false.
PermResult perm_exact(const PermProblem& p, Watch& watch);

// Monte Carlo p-value ((1 + b) / (1 + B), resample.h) from `reps` random
// permutations, in blocks of kStreamBlock on `threads` threads; `poll` (may
// be empty) is called on the calling thread every few milliseconds.
PermResult perm_monte_carlo(const PermProblem& p, std::size_t reps, std::uint64_t seed,
                            int threads, const std::function<void()>& poll);

}  // namespace smallsurv

#endif
