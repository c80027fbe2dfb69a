// km.h -- Kaplan-Meier and Nelson-Aalen on an EventTable.
//
// Inputs : an EventTable (see event_table.h); for the robust variance also
//          the case weights in input order and the table's per-observation
//          rows (build_event_table(..., keep_obs_rows = true)).
// Outputs: per row of the table
//   surv     = prod_{t_j <= t} (1 - d_j / n_j)                (right-continuous)
//   cumhaz   = sum_{t_j <= t} d_j / n_j                         (Nelson-Aalen)
//   std_err  = Greenwood: sqrt(sum d_j / (n_j (n_j - d_j)))  -- se of -log S
//              (Inf once some n_j == d_j, as survival), logse = true;
//              robust  : infinitesimal-jackknife se of S itself, logse = false
//   std_chaz = sqrt(sum d_j / n_j^2)  or its IJ version when robust.
// Weights enter as weighted counts (survival::survfit's convention).
// The IJ influence of observation i on S(t) is
//   -S(t) w_i sum_{t_j <= t} (dN_ij - Y_ij h_j) / (n_j - d_j),  h_j = d_j / n_j,
// (on the cumulative hazard: w_i sum (dN_ij - Y_ij h_j) / n_j), and the
// variance is the sum of squared influences.  Each observation's influence is
// piecewise simple (a running sum while at risk, constant afterwards), so the
// sum of squares over all observations is accumulated in O(n + rows) with
// three running moments instead of the O(n * rows) matrix.
// Reference: Kaplan & Meier (1958); Greenwood (1926); Therneau, survival
// package, "survfit" methods vignette (IJ variance).
#ifndef SMALLSURV_KM_H
#define SMALLSURV_KM_H

#include <vector>

#include "event_table.h"

namespace smallsurv {

struct KmResult {
  std::vector<double> surv, cumhaz, std_err, std_chaz;
  bool logse = true;
};

// Caller-owned output arrays, each of length tab.nrow() (lets the glue
// write straight into R vectors).
struct KmOutput {
  double* surv;
  double* cumhaz;
  double* std_err;
  double* std_chaz;
};

// weights: nullptr means all 1 (only used when robust).  Returns logse.
bool kaplan_meier(const EventTable& tab, bool robust, const double* weights, KmOutput out);

// Convenience form owning its output.
KmResult kaplan_meier(const EventTable& tab, bool robust, const double* weights);

}  // namespace smallsurv

#endif
