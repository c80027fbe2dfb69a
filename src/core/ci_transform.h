// ci_transform.h -- Greenwood-type pointwise intervals for a probability p
// with a standard error, on a transformed scale g:  g^{-1}(g(p) -+ z se_g).
//
// Inputs : p (estimate), se (its standard error: of -log p when logse, of p
//          itself otherwise), optional se_low (a different se for the lower
//          limit only: survival's conf.lower = "peto"/"modified"), z.
// Outputs: lower, upper.
// Edge rules are survival::survfit's (survfit_confint), so results agree to
// the last digit:
//   * logse = false: se is turned into the se of log p as se / p (0 if se = 0);
//   * plain : p -+ z p se, truncated to [0, 1] (NaN propagates, as pmax/pmin);
//   * log   : p exp(-+ z se), upper capped at 1; NA when p = 0;
//   * log-log (Kalbfleisch & Prentice 1980): exp(-exp(log(-log p) -+ z se / log p));
//             NA when p = 0 or p = 1;
//   * logit (Meeker & Escobar 1998): expit(logit p -+ z se / (1 - p)); NA at p = 0;
//   * arcsin (Nair 1984; Borgan & Liestol 1990): sin^2(asin sqrt p -+ z se/2
//             sqrt(p / (1 - p))), clamped to [0, pi/2]; NA at p = 0;
//   * cloglog (for a cumulative incidence F = p; Beyersmann, Allignol &
//             Schumacher 2012, eq. 4.21; etm's default): log-log applied to
//             1 - p, limits mapped back: 1 - (1-p)^exp(-+ z se/((1-p) log(1-p)));
//             NA when p = 0 or p = 1; se_low is ignored;
//   * at p = 1 (before the first event, se = 0): plain and log give (1, 1),
//     log-log gives NA, logit and arcsin give NaN (0 * Inf) -- survival's
//     arithmetic reproduced exactly, NaN cases included;
//   * zero_se = ZeroSe::estimate (survival >= 3.6): where the se (of log p)
//     is 0, log, log-log and logit give the limits (p, p) instead of the
//     arithmetic above (so log-log no longer gives NA at p = 1, nor log at
//     p = 0); plain and arcsin are unchanged.  ZeroSe::arithmetic is
//     survival < 3.6 (and smallsurv's default: no variance, no interval);
//   * se_low (when given) replaces se in the lower limit: the scale factor
//     se_low / se is applied on the transformed scale (1 where se_low = 0).
// Undefined limits are quiet NaN.  survival distinguishes two kinds, and so
// does the glue: limits it sets to NA by rule (ci_undefined() below) and
// NaN that falls out of its arithmetic (plain at S = 0 with se = Inf,
// logit and arcsin at S = 1).
#ifndef SMALLSURV_CI_TRANSFORM_H
#define SMALLSURV_CI_TRANSFORM_H

#include <cstddef>

namespace smallsurv {

enum class Transform { plain, log, loglog, logit, arcsin, cloglog };

// What log, log-log and logit give where the standard error is 0 (before
// the first event; after a curve reaches 0): survival < 3.6's arithmetic
// (undefined or (p, p) depending on the transform) or survival >= 3.6's
// rule, limits (p, p).
enum class ZeroSe { arithmetic, estimate };

// Whether the survival >= 3.6 rule applies to this transform.
inline bool zero_se_rule(Transform type) {
  return type == Transform::log || type == Transform::loglog || type == Transform::logit;
}

// survival's rule-based NA: log, logit and arcsin at p = 0; log-log at p = 0
// or p = 1; never for plain.
inline bool ci_undefined(Transform type, double p) {
  switch (type) {
    case Transform::plain: return false;
    case Transform::loglog: return p == 0.0 || p == 1.0;
    default: return p == 0.0;
  }
}

void ci_transform(Transform type, const double* p, const double* se, const double* se_low,
                  std::size_t n, bool logse, double z, double* lower, double* upper,
                  ZeroSe zero_se = ZeroSe::arithmetic);

}  // namespace smallsurv

#endif
