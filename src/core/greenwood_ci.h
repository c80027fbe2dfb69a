// greenwood_ci.h -- the pointwise intervals for S(t) built on the
// Kaplan-Meier estimate and Greenwood's variance, in the PointwiseFn shape
// (pointwise.h) that km()'s glue and the coverage laboratory share, and the
// one Wilson score formula (used here, by Rothman's interval in
// ci_likelihood.cpp and, through the glue, by R's "wilson-neff" limits of
// any fit).
#ifndef SMALLSURV_GREENWOOD_CI_H
#define SMALLSURV_GREENWOOD_CI_H

#include <cstddef>

#include "ci_transform.h"
#include "pointwise.h"

namespace smallsurv {

// Wilson score interval for a proportion p from n_eff (not necessarily
// integer) binary outcomes, z the two-sided critical value, truncated to
// [0, 1]: (p + k/2)/(1 + k) -+ z/(1 + k) sqrt(p(1 - p)/n_eff + z^2/(4 n_eff^2)),
// k = z^2/n_eff.  (Algebraically Rothman's n'/(n' + z^2)(S + z^2/(2n') -+
// z sqrt(V + z^2/(4n'^2))) with V = S(1 - S)/n'.)  The caller decides the
// edges (p = 0 or 1, n_eff not finite).
void wilson_interval(double p, double neff, double z, double* lower, double* upper);

// Intervals with the effective sample size n_eff = p (1 - p) / se^2 for n
// estimates p with standard errors se (probability scale): NaN where p is 0
// or 1 or NaN, or se is 0 or NaN.  Wilson's score interval, or Clopper and
// Pearson's beta quantiles qbeta(a/2, x, n - x + 1), qbeta(1 - a/2, x + 1,
// n - x) with n = n_eff, x = p n_eff (shape parameters floored at 1e-300).
// R's "wilson-neff" and "cp-neff" limits of km and cif fits with any
// variance (neff_ci_cpp()), and the coverage laboratory's (below).
enum class NeffMethod { wilson, clopper_pearson };
void neff_interval(NeffMethod method, const double* p, const double* se, std::size_t n,
                   double conf_level, double* lower, double* upper);
// One of them: p, its standard error se and the level.
void neff_interval_one(NeffMethod method, double p, double se, double conf_level, double z,
                       double* lower, double* upper);

// ---- the pointwise methods written here (Greenwood family) ---------------
// Each equals what at_times(km(..., conf.type = m), at) reports for its
// limits: the Kaplan-Meier estimate and Greenwood's sum at the last
// observed time <= t with km.cpp's arithmetic, the interval from
// ci_transform() (survival's edge rules), and then
//   * no event up to t (S = 1, se = 0): (1, 1) -- the degenerate interval
//     every Greenwood-type method gives before the first event;
//   * t after the last observed time: NaN (the curve is unknown there);
//   * any limit survival leaves NA/NaN (S = 0): NaN.
// "wilson-neff": Wilson score interval with n_eff = S(1 - S) / se(S)^2 (see
// R/conf-int.R), and "cp-neff", Clopper-Pearson with that n_eff, with the
// same conventions.
void transform_pointwise(Transform type, const CountsView& c, const double* at, std::size_t k,
                         double conf_level, double* lower, double* upper);
// The same as a PointwiseFn per transform (plain, log, log-log, logit,
// arcsine), for the method table.
template <Transform T>
void pointwise_transform(const CountsView& c, const double* at, std::size_t k, double conf_level,
                         double* lower, double* upper) {
  transform_pointwise(T, c, at, k, conf_level, lower, upper);
}
void pointwise_wilson_neff(const CountsView& c, const double* at, std::size_t k,
                           double conf_level, double* lower, double* upper);
// "cp-neff": Clopper-Pearson with the same n_eff (R/conf-int.R), beta
// quantiles from core/beta_ci.
void pointwise_cp_neff(const CountsView& c, const double* at, std::size_t k, double conf_level,
                       double* lower, double* upper);

}  // namespace smallsurv
#endif
