// ci_likelihood.h -- three pointwise intervals for S(t) that are not
// transforms of the Greenwood standard error: the Thomas-Grunkemeier
// likelihood-ratio interval, Rothman's Wilson-type interval and the Peto
// interval.  Each is a smallsurv::PointwiseFn (pointwise.h), shared by km()
// and the coverage laboratory.
//
// Inputs : one stratum's counts (CountsView: distinct observed times in
//          increasing order, number at risk just before each, events and
//          censorings there; weighted counts are accepted by rothman_at and
//          peto_at), k requested times `at` (any order), conf_level in (0, 1).
// Outputs: lower[i], upper[i] for S(at[i]).  S is right-continuous: the rows
//          with time <= at[i] are used; before the first row S = 1.
//          Past the last observed time every method carries the limits of
//          the last row forward (the counts do not change after it).
// Critical values: z = Phi^{-1}(1 - alpha/2) computed here
//          (normal_quantile_upper: Newton on std::erfc, exact to ~1 ulp);
//          the chi-square(1) quantile is z^2.
// References: Thomas & Grunkemeier (1975) JASA 70:865-871; Rothman (1978)
//          J Chronic Dis 31:557-560; Peto et al. (1977) Br J Cancer 35:1-39.
#ifndef SMALLSURV_CI_LIKELIHOOD_H
#define SMALLSURV_CI_LIKELIHOOD_H

#include <cstddef>

#include "pointwise.h"

namespace smallsurv {

// z with P(Z > z) = q, 0 < q < 1 (so z = qnorm(1 - q)).
double normal_quantile_upper(double q);

// Thomas-Grunkemeier likelihood-ratio interval (bpcp::kmci1TG's conventions):
// over the event rows t_j <= t with n_j > d_j,
//   R(lam) = sum_j (n_j - d_j) log(1 + lam/(n_j - d_j)) - n_j log(1 + lam/n_j),
//   -2 R(lam) = z^2 has one root lam_U > 0 and one lam_L in (-min(n_j - d_j), 0),
//   limits S(lam) = prod_j (n_j + lam - d_j)/(n_j + lam).
// Roots by Newton steps kept inside a bracket on each monotone branch
// (bisection when a step leaves it), to ~1e-15 relative in lam; for fits with
// many event times the sums are evaluated through prefix power series (see
// ci_likelihood.cpp), so every row of an n = 1e6 fit costs a few seconds.
// No such row (before the first event): [1, 1].  Rows with
// n_j = d_j are left out, so at S = 0 the limits are those of the previous
// event time (and [1, 1] when the first event time empties the risk set):
// bpcp's convention.  Unweighted counts only.
void tg_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
           double* lower, double* upper);

// Rothman (1978) / Wilson interval with the Greenwood effective sample size
// n' = S (1 - S) / V, V = S^2 sum d_j/(n_j (n_j - d_j)):
//   n'/(n' + z^2) (S + z^2/(2n') -+ z sqrt(V + z^2/(4 n'^2))).
// S = 1 (no event yet): [1, 1].  S = 0 (the risk set emptied at t_K):
// n' is its limit n_K / S(t_K-), giving [0, z^2/(n' + z^2)] (the Wilson
// interval for 0 of n' successes); km.ci returns [1, 1] there.
void rothman_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                double* lower, double* upper);

// Peto interval (km.ci's method = "peto"): S -+ z S sqrt((1 - S)/n), n = the
// number at risk of the last row with time <= t (so the interval also moves
// at censoring times), truncated to [0, 1].  Before the first row [1, 1];
// S = 0 gives [0, 0].
void peto_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
             double* lower, double* upper);

}  // namespace smallsurv

#endif
