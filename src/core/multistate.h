// multistate.h -- the Aalen-Johansen estimator for any transition structure:
// state occupation probabilities, Nelson-Aalen hazards of each observed
// transition, and their variances.
//
// Inputs : n rows of counting-process data (entry < t <= stop at risk),
//          each in one state `from` during (entry, stop] and, at stop,
//          moving to `to` (-1: no transition, i.e. censored or continued on
//          the subject's next row).  Optional case weights, strata and
//          clusters (0-based codes; a subject's rows share a cluster).
//          Per row two flags: `grid` (its stop time is an output time:
//          events and real censorings) and `censor` (a censored row counted
//          in n_censor; a row continued by the subject's next row is not).
//          Per stratum the initial distribution p0 and the time t0 from
//          which output times start; per row the weighted influence of p0
//          (u0, n x nstate; summed by cluster), as survival::survfit builds
//          it when the initial states differ.
// Output : per stratum one row per distinct output time >= t0 (after
//          timefix), with the weighted and unweighted numbers at risk in
//          each state, transitions into each state and of each observed
//          transition, censorings per state, p(t), standard errors and the
//          cumulative hazards.
// Estimate: at each time, dA_jk = dN_jk / Y_j (weighted) for the observed
//          transitions out of state j, T = I + dA, p(t) = p(t-) T.  A state
//          whose weighted risk set is 0 contributes nothing (its events
//          have weight 0).
// Variances:
//   ij        : infinitesimal jackknife, survival::survfit's: with U_c(t)
//               the weighted influence of cluster c on p(t),
//               U_c(t) = U_c(t-) T + sum_{rows i of c at risk in j}
//                        w_i p_j(t-) (e_i - Y_i a_j) / Y_j
//               (e_i: +1 at i's new state, -1 at j; a_j: row j of dA), and
//               Var p_k(t) = sum_c U_ck(t)^2.  Also the IJ standard errors
//               of the cumulative hazards (std_chaz) and of the area under
//               each p_k from t0 (std_auc).  Two engines, chosen per
//               stratum: the direct recursion (exact sums of squares,
//               O(clusters x times)) when clusters x times <= 1e6 or when
//               the positive weights span more than a factor 1e3 (where the
//               lazy scheme's updates by subtraction lose relative
//               precision), else the lazy scheme of the .cpp without the
//               influence matrix, O((n + times)(log times + states^2) +
//               times states^3), agreeing with the direct one to ~1e-12
//               relative (the square root of a rounding residue, ~1e-8,
//               where the exact value is 0 but no state is empty).
//   greenwood : the Greenwood-type (multinomial) estimator (Andersen et
//               al. 1993, eq. 4.4.20; etm's var.type "greenwood"; mstate's
//               probtrans variance type "greenwood"), a recursion on the
//               covariance matrix Sigma(t) = T' Sigma(t-) T +
//               sum_j p_j(t-)^2 Cov(dA_j.), Cov(dA_jk, dA_jl) =
//               dN_jk (delta_kl Y_j - dN_jl) / Y_j^3, starting from the IJ
//               variance of p0.  O(states^3 x times).
//   aalen     : the same recursion with the Aalen (Poisson) covariance
//               Cov(dA_jk, dA_jl) = delta_kl dN_jk / Y_j^2 (mstate's
//               probtrans default, method = "aalen").
// Reference: Aalen & Johansen (1978); Andersen, Borgan, Gill & Keiding
// (1993) IV.4; Allignol, Schumacher & Beyersmann (2011) J Stat Softw 38(4).
#ifndef SMALLSURV_MULTISTATE_H
#define SMALLSURV_MULTISTATE_H

#include <cstddef>
#include <functional>
#include <vector>

namespace smallsurv {

struct MsInput {
  std::size_t n = 0;
  const double* entry = nullptr;  // nullptr: right-censored (entry = -inf)
  const double* stop = nullptr;
  const int* from = nullptr;      // 0..nstate-1
  const int* to = nullptr;        // -1 or 0..nstate-1, != from
  const double* weight = nullptr;  // nullptr: all 1
  const int* strata = nullptr;     // 0-based, nullptr: one stratum
  int nstrata = 1;
  const int* cluster = nullptr;    // 0-based, nullptr: each row its own
  int ncluster = 0;
  const int* grid = nullptr;       // per row 0/1, nullptr: every row
  const int* censor = nullptr;     // per row 0/1, nullptr: every censored row
  int nstate = 2;
  const double* p0 = nullptr;      // nstrata x nstate, row-major (required)
  const double* u0 = nullptr;      // n x nstate, row-major, or nullptr
  const double* t0 = nullptr;      // per stratum (required)
  int ntrans = 0;                  // observed transitions (cumhaz columns)
  const int* trans_from = nullptr;
  const int* trans_to = nullptr;
  bool timefix = true;
};

// ij_direct / ij_lazy: the same IJ variance by one engine only (ij picks
// per stratum, see below); for the tests.
enum class MsVariance { none, ij, greenwood, ij_direct, aalen, ij_lazy };

struct MsResult {
  int nstate = 0, ntrans = 0;
  std::vector<std::size_t> offset;  // rows [offset[s], offset[s+1]) of stratum s
  std::vector<double> time;
  // nrow x nstate (column-major) unless noted
  std::vector<double> n_risk, n_risk_u, n_event, n_event_u, n_censor, n_censor_u;
  std::vector<double> n_trans, n_trans_u;  // nrow x ntrans
  std::vector<double> pstate, std_err;
  std::vector<double> cumhaz, std_chaz;    // nrow x ntrans (std_chaz: ij only)
  std::vector<double> std_auc;             // nrow x nstate (ij only)
  std::vector<std::size_t> n_obs;          // rows per stratum
};

MsResult multistate_fit(const MsInput& in, MsVariance variance,
                        const std::function<void()>& poll);

}  // namespace smallsurv

#endif
