// greenwood_ci.cpp -- see greenwood_ci.h.
#include "greenwood_ci.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "beta_ci.h"
#include "ci_transform.h"
#include "normal.h"

namespace smallsurv {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The Kaplan-Meier estimate and Greenwood's sum at the last row <= t of each
// requested time (pointwise.h's km_rows and last_row, shared with the other
// methods), handed to `finish(i, t, S, se)` (se = sqrt(Greenwood sum), the
// se of -log S).  Before the first row S = 1, se = 0; a NaN time gets NaN
// limits without calling `finish`.
template <class Finish>
void greenwood_walk(const CountsView& c, const double* at, std::size_t k, double* lower,
                    double* upper, Finish finish) {
  std::vector<double> S, G;
  km_rows(c, S, G);
  for_each_time(at, k, nullptr, lower, upper, [&](std::size_t i, double t) {
    const long r = last_row(c, t);
    if (r < 0) {
      finish(i, t, 1.0, 0.0);
    } else {
      finish(i, t, S[static_cast<std::size_t>(r)], std::sqrt(G[static_cast<std::size_t>(r)]));
    }
  });
}

// The interval conventions shared by the Greenwood family (see greenwood_ci.h):
// returns true when the limits are already decided (after the last observed
// time: NaN; no event yet: (1, 1)).
inline bool greenwood_edge(const CountsView& c, double t, double S, double se, double* lo,
                           double* hi) {
  if (c.m == 0 || t > c.time[c.m - 1]) {
    *lo = *hi = kNaN;
    return true;
  }
  if (S == 1.0 && se == 0.0) {
    *lo = *hi = 1.0;
    return true;
  }
  return false;
}

}  // namespace

void transform_pointwise(Transform type, const CountsView& c, const double* at, std::size_t k,
                         double conf_level, double* lower, double* upper) {
  const double z = two_sided_z(conf_level);
  greenwood_walk(c, at, k, lower, upper, [&](std::size_t i, double t, double S, double se) {
    if (greenwood_edge(c, t, S, se, lower + i, upper + i)) return;
    ci_transform(type, &S, &se, nullptr, 1, true, z, lower + i, upper + i);
    if (ci_undefined(type, S) || std::isnan(lower[i]) || std::isnan(upper[i]))
      lower[i] = upper[i] = kNaN;
  });
}

void wilson_interval(double p, double neff, double z, double* lower, double* upper) {
  const double kk = z * z / neff;
  const double centre = (p + kk / 2.0) / (1.0 + kk);
  const double half = z / (1.0 + kk) * std::sqrt(p * (1.0 - p) / neff + z * z / (4.0 * (neff * neff)));
  const double lo = centre - half, hi = centre + half;
  *lower = lo < 0.0 ? 0.0 : lo;
  *upper = hi > 1.0 ? 1.0 : hi;
}

// n_eff = p (1 - p) / se^2; undefined (NaN) where p is 0 or 1 or NaN, or se
// is 0 or NaN (also p = 0 with se = Inf).  z: the two-sided critical value
// of conf_level (Wilson's only).
void neff_interval_one(NeffMethod method, double p, double se, double conf_level, double z,
                       double* lower, double* upper) {
  if (!(p > 0.0 && p < 1.0 && se > 0.0)) {
    *lower = *upper = kNaN;
    return;
  }
  const double neff = p * (1.0 - p) / (se * se);
  if (method == NeffMethod::wilson) {
    wilson_interval(p, neff, z, lower, upper);
    return;
  }
  // beta_quantile() is core/beta_ci's (Boost.Math, R's qbeta edge rules)
  const double a = 1.0 - conf_level, x = p * neff, tiny = 1e-300;
  *lower = beta_quantile(a / 2.0, std::max(x, tiny), std::max(neff - x + 1.0, tiny));
  *upper = beta_quantile(1.0 - a / 2.0, std::max(x + 1.0, tiny), std::max(neff - x, tiny));
}

void neff_interval(NeffMethod method, const double* p, const double* se, std::size_t n,
                   double conf_level, double* lower, double* upper) {
  check_conf_level(conf_level);
  const double z = two_sided_z(conf_level);
  for (std::size_t i = 0; i < n; ++i)
    neff_interval_one(method, p[i], se[i], conf_level, z, lower + i, upper + i);
}

// The same on a stratum's counts: p = S, se(p) = S sqrt(Greenwood sum),
// with the Greenwood family's edges.
template <NeffMethod M>
void pointwise_neff(const CountsView& c, const double* at, std::size_t k, double conf_level,
                    double* lower, double* upper) {
  const double z = two_sided_z(conf_level);
  greenwood_walk(c, at, k, lower, upper, [&](std::size_t i, double t, double p, double se_log) {
    if (greenwood_edge(c, t, p, se_log, lower + i, upper + i)) return;
    neff_interval_one(M, p, p * se_log, conf_level, z, lower + i, upper + i);
  });
}

void pointwise_wilson_neff(const CountsView& c, const double* at, std::size_t k,
                           double conf_level, double* lower, double* upper) {
  pointwise_neff<NeffMethod::wilson>(c, at, k, conf_level, lower, upper);
}

void pointwise_cp_neff(const CountsView& c, const double* at, std::size_t k, double conf_level,
                       double* lower, double* upper) {
  pointwise_neff<NeffMethod::clopper_pearson>(c, at, k, conf_level, lower, upper);
}

}  // namespace smallsurv
