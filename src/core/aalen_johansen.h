// aalen_johansen.h -- Aalen-Johansen estimate of the cumulative incidence of
// competing causes, with four variance estimators, on an EventTable.
//
// Inputs : an EventTable built with ncause >= 1 (see event_table.h); for the
//          influence (IJ) variance also the table's per-observation rows
//          (build_event_table(..., keep_obs_rows = true)), the case weights in
//          input order (nullptr: all 1) and optional 0-based cluster codes in
//          input order (nullptr: every observation is its own cluster).
// Outputs: per row of the table (column-major matrices, nrow x nstate with
//          nstate = ncause + 1, state 0 = event-free):
//   pstate : S(t) = prod_{t_j <= t} (1 - d_j/n_j) and
//            F_k(t) = sum_{t_j <= t} S(t_{j-1}) d_kj / n_j   (k = 1..ncause)
//   std_err: standard errors on the probability scale;
//   cumhaz : nrow x ncause Nelson-Aalen sums of d_kj / n_j.
// Variances of F_k (the event-free column always gets the Kaplan-Meier one:
// Greenwood for delta/gray/aalen, the IJ for ij):
//   delta : Dinse & Larson (1986) eq. 6 = Marubini & Valsecchi (1995) =
//           Greenwood type (ABGK eq. 4.4.19; Allignol et al. 2010)
//           sum (F - F_j)^2 d_j/(n_j(n_j-d_j)) + sum S_{j-1}^2 d_kj(n_j-d_kj)/n_j^3
//           - 2 sum (F - F_j) S_{j-1} d_kj/n_j^2, accumulated in O(rows) as
//           moments centred at F = F(t) (never expanded in powers of F);
//           the first sum skips n_j = d_j (its factor F - F_j is then 0 for
//           every later t).
//   gray  : cmprsk::cuminc's estimator (Gray's notes; reference file 1.2):
//           sum over cause-k rows of S_{j-1}^2 tau(d_kj) d_kj/n_j^2
//           (1 - (F - F_j)/S_j)^2  plus over other-cause rows (S_j > 0) of
//           S_{j-1}^2 tau(d_oj) d_oj/n_j^2 ((F - F_j)/S_j)^2, with the tie
//           factor tau(d) = 1 - (d-1)/(n-1) (1 when d = 1); the reported
//           value changes only at cause-k event rows (cuminc's convention).
//   aalen : Aalen (1978), Pintilie (2006) eq. 4.5, SAS ERROR=AALEN:
//           sum (F - F_j)^2 d_j/((n_j-1)(n_j-d_j)) + sum S_{j-1}^2 tau(d_kj) d_kj/n_j^2
//           - 2 sum (F - F_j) S_{j-1} d_kj(n_j-d_kj)/(n_j(n_j-d_j)(n_j-1)).
//   ij    : infinitesimal jackknife, survival::survfit's multi-state
//           variance: sum over clusters of (sum_i w_i U_i(t))^2 with
//           U_i = dF/dw_i.  See the .cpp for the O(n log n + rows) scheme.
// Weights enter as weighted counts everywhere.  Delayed entry changes only
// the risk sets (n_j).
// Reference: Aalen & Johansen (1978); Dinse & Larson (1986); Gray (1988);
// Allignol, Schumacher & Beyersmann (2010) Biom J 52:126.
#ifndef SMALLSURV_AALEN_JOHANSEN_H
#define SMALLSURV_AALEN_JOHANSEN_H

#include <vector>

#include "event_table.h"

namespace smallsurv {

enum class AjVariance { delta, gray, aalen, ij };

struct AjResult {
  int nstate = 2;
  std::vector<double> pstate;   // nrow x nstate, column-major
  std::vector<double> std_err;  // nrow x nstate, column-major
  std::vector<double> cumhaz;   // nrow x ncause, column-major
  // with auc = true: infinitesimal-jackknife standard errors of the area
  // under each state's curve from the first row's time to each row's time
  // (survival's std.auc; before the first row the curve is p0, fixed),
  // nrow x nstate, column-major, whatever `variance` is
  std::vector<double> std_auc;
  // with auc = true also: infinitesimal-jackknife standard errors of the
  // Nelson-Aalen cumulative hazards (survival's std.chaz), nrow x ncause
  std::vector<double> std_chaz;
};

// weights / cluster: input order, used only by the ij variance and std_auc
// (nullptr: 1 / own cluster).  ncluster: number of distinct cluster codes.
// auc: also compute std_auc and std_chaz (needs the table's
// per-observation rows).
AjResult aalen_johansen(const EventTable& tab, AjVariance variance, const double* weights,
                        const int* cluster, int ncluster, bool auc = false);

}  // namespace smallsurv

#endif
