// beta_ci.h -- exact / beta-based pointwise intervals for S(t), and the
// distribution functions they need.  beta_ci.cpp is the ONE translation unit
// of the package that includes Boost.Math (compiled with
// BOOST_MATH_PROMOTE_DOUBLE_POLICY=false); everything here has plain
// double/pointer signatures so other core files can call it without paying
// Boost's compile time.
//
// Inputs : one stratum of unweighted right-censored data as a CountsView
//          (distinct observed times -- events AND censorings -- sorted, with
//          n at risk just before, events and censorings at each; events come
//          before censorings at a tie), requested times `at` (any order,
//          NaN allowed -> NaN limits), the confidence level 1 - alpha.
// Outputs: lower[i], upper[i] for S(at[i]).  NA is quiet NaN.
//          A stratum with m = 0 rows gives NaN everywhere.
// Cost   : O(m + k log k) per call plus the quantiles: the requested times
//          are visited in increasing order in one sweep over the rows.
//          BPCP's monotone limits are running minima over all intervals up
//          to t.  A beta (or mixture) quantile is inverted only at the
//          requested intervals; an interval passed over is skipped when the
//          next one is stochastically smaller (a down, b up: its quantile is
//          lower), else one CDF evaluation says whether its limit is below
//          the running minimum (then it is inverted).  Mid-p quantiles:
//          Newton-Raphson from the moment-matched beta's quantile
//          (TOMS 748 on the bracket of the two components' quantiles as
//          the fallback), ~1e-14 relative.
//
// Method conventions (y_1 < ... < y_m the observed times, n = n_risk[0]):
//   bpcp_at        Fay, Brittain & Proschan (2013), method of moments,
//                  monotone limits, as bpcp::bpcp(nmc = 0) (bpcp >= 1.3.0,
//                  Delta = 0).  Right-continuous: t in [y_j, y_{j+1}) gets
//                  [q_{a/2}(W+(y_j)), q_{1-a/2}(W-(y_j))], running minima.
//                  t < y_1: [(a/2)^(1/n), 1].  t >= y_m (even if y_m is a
//                  censoring): [0, q_{1-a/2}(W-(y_m))], constant forever.
//   bpcp_midp_at   Fay & Brittain (2016) mid-p: the a/2 and 1 - a/2
//                  quantiles of the 50/50 mixture of the lower- and
//                  upper-limit beta distributions (root of the mixture CDF
//                  to ~1e-14), running minima, as bpcp::bpcp(nmc = 0, midp =
//                  TRUE).  t < y_1: [a^(1/n), 1].  t >= y_m:
//                  [0, q_{1-a}(W-(y_m))].
//   borkowf_at     Borkowf (2005) hybrid variance, log scale, as
//                  bpcp::kmciBorkowf(type = "log"): S exp(-+ z sqrt(V_H)/S),
//                  V_H = w (1 - w) / (n - m_c).  Not right-continuous in the
//                  censorings: at t = y_j exactly, m_c counts censorings
//                  before y_j; for t in (y_j, y_{j+1}) it also counts those
//                  at y_j.  t < y_1: [1, 1].  t > y_m: the open interval
//                  after y_m (all censorings counted; [0, 1] once nobody is
//                  left uncensored or S = 0).  Limits clipped to [0, 1] and
//                  NaN -> 0 (lower) / 1 (upper), as bpcp does.
//   borkowf_shrunk_at  the same with the shrunken estimate and weight,
//                  S_s = S (1 - 1/n) + 1/(2n), w_s likewise (bpcp's
//                  type = "logs"); centred on S_s, not on the KM.
//                  t < y_1: S_s exp(-+ z sqrt(w_s (1 - w_s) / n) / S_s).
#ifndef SMALLSURV_BETA_CI_H
#define SMALLSURV_BETA_CI_H

#include <cstddef>

#include "normal.h"
#include "pointwise.h"

namespace smallsurv {

// ---- distribution functions (R's conventions at the edges) ----------------
// Beta quantile: b = 0 is a point mass at 1, a = 0 (b > 0) a point mass at 0
// (as R's qbeta); p <= 0 -> 0, p >= 1 -> 1; NaN in -> NaN.
double beta_quantile(double p, double a, double b);
// Beta CDF I_x(a, b), same edge conventions.
double beta_cdf(double x, double a, double b);
// Quantile of the 50/50 mixture of Beta(a1, b1) and Beta(a2, b2).
double beta_mixture_quantile(double p, double a1, double b1, double a2, double b2);
// Clopper-Pearson and mid-p binomial limits for x successes of n.
void binom_exact_ci(double x, double n, double conf_level, bool midp, double* lower,
                    double* upper);

// ---- PointwiseFn implementations (see pointwise.h) -------------------------
void bpcp_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
             double* lower, double* upper);
void bpcp_midp_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                  double* lower, double* upper);
void borkowf_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                double* lower, double* upper);
void borkowf_shrunk_at(const CountsView& c, const double* at, std::size_t k,
                       double conf_level, double* lower, double* upper);

}  // namespace smallsurv

#endif
