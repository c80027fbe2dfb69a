// coverage.cpp -- see coverage.h.
#include "coverage.h"

#include "normal.h"

#include <algorithm>
#include <cmath>

#include "beta_ci.h"
#include "ci_transform.h"
#include "event_table.h"

namespace smallsurv {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Walk the rows of `c` once for increasing `at` (restarting when `at`
// decreases), keeping the Kaplan-Meier estimate and Greenwood's sum at the
// last row <= t with km.cpp's operations in km.cpp's order, and hand each
// time to `finish(i, t, S, se)` (se = sqrt(Greenwood sum), the se of -log S).
template <class Finish>
void greenwood_walk(const CountsView& c, const double* at, std::size_t k, Finish finish) {
  std::size_t j = 0;
  double S = 1.0, gw = 0.0, prev = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < k; ++i) {
    const double t = at[i];
    if (t < prev) {
      j = 0;
      S = 1.0;
      gw = 0.0;
    }
    prev = t;
    while (j < c.m && c.time[j] <= t) {
      const double d = c.n_event[j];
      if (d > 0) {
        const double nr = c.n_risk[j];
        S *= (nr - d) / nr;
        gw += d / (nr * (nr - d));  // Inf when nr == d, as survival
      }
      ++j;
    }
    finish(i, t, S, std::sqrt(gw));
  }
}

// The interval conventions shared by the Greenwood family (see coverage.h):
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

void transform_pointwise(Transform type, const CountsView& c, const double* at, std::size_t k,
                         double conf_level, double* lower, double* upper) {
  const double z = two_sided_z(conf_level);
  greenwood_walk(c, at, k, [&](std::size_t i, double t, double S, double se) {
    if (greenwood_edge(c, t, S, se, lower + i, upper + i)) return;
    ci_transform(type, &S, &se, nullptr, 1, true, z, lower + i, upper + i);
    if (ci_undefined(type, S) || std::isnan(lower[i]) || std::isnan(upper[i]))
      lower[i] = upper[i] = kNaN;
  });
}

}  // namespace

void pointwise_plain(const CountsView& c, const double* at, std::size_t k, double conf_level,
                     double* lower, double* upper) {
  transform_pointwise(Transform::plain, c, at, k, conf_level, lower, upper);
}
void pointwise_log(const CountsView& c, const double* at, std::size_t k, double conf_level,
                   double* lower, double* upper) {
  transform_pointwise(Transform::log, c, at, k, conf_level, lower, upper);
}
void pointwise_loglog(const CountsView& c, const double* at, std::size_t k, double conf_level,
                      double* lower, double* upper) {
  transform_pointwise(Transform::loglog, c, at, k, conf_level, lower, upper);
}
void pointwise_logit(const CountsView& c, const double* at, std::size_t k, double conf_level,
                     double* lower, double* upper) {
  transform_pointwise(Transform::logit, c, at, k, conf_level, lower, upper);
}
void pointwise_arcsin(const CountsView& c, const double* at, std::size_t k, double conf_level,
                      double* lower, double* upper) {
  transform_pointwise(Transform::arcsin, c, at, k, conf_level, lower, upper);
}

// Wilson score interval for p = S with n_eff = p (1 - p) / se(p)^2,
// se(p) = S sqrt(Greenwood sum); the arithmetic of R/conf-int.R's
// wilson_neff(), undefined where p is 0 or 1 or se(p) is 0.
void pointwise_wilson_neff(const CountsView& c, const double* at, std::size_t k,
                           double conf_level, double* lower, double* upper) {
  const double z = two_sided_z(conf_level);
  greenwood_walk(c, at, k, [&](std::size_t i, double t, double p, double se_log) {
    if (greenwood_edge(c, t, p, se_log, lower + i, upper + i)) return;
    const double se = p * se_log;
    if (!(p > 0.0 && p < 1.0 && se > 0.0)) {  // also catches NaN (p = 0, se = Inf)
      lower[i] = upper[i] = kNaN;
      return;
    }
    const double neff = p * (1.0 - p) / (se * se);
    const double kk = z * z / neff;
    const double centre = (p + kk / 2.0) / (1.0 + kk);
    const double half = z / (1.0 + kk) * std::sqrt(p * (1.0 - p) / neff + z * z / (4.0 * (neff * neff)));
    const double lo = centre - half, hi = centre + half;
    lower[i] = lo < 0.0 ? 0.0 : lo;
    upper[i] = hi > 1.0 ? 1.0 : hi;
  });
}

// Clopper-Pearson beta quantiles with n = n_eff and x = p n_eff "successes"
// (R/conf-int.R's cp_neff(), including its 1e-300 floors on the shape
// parameters), the same conventions; beta_quantile() is core/beta_ci's
// (Boost.Math, R's qbeta edge rules).
void pointwise_cp_neff(const CountsView& c, const double* at, std::size_t k, double conf_level,
                       double* lower, double* upper) {
  const double a = 1.0 - conf_level;
  greenwood_walk(c, at, k, [&](std::size_t i, double t, double p, double se_log) {
    if (greenwood_edge(c, t, p, se_log, lower + i, upper + i)) return;
    const double se = p * se_log;
    if (!(p > 0.0 && p < 1.0 && se > 0.0)) {
      lower[i] = upper[i] = kNaN;
      return;
    }
    const double neff = p * (1.0 - p) / (se * se);
    const double x = p * neff;
    const double tiny = 1e-300;
    lower[i] = beta_quantile(a / 2.0, std::max(x, tiny), std::max(neff - x + 1.0, tiny));
    upper[i] = beta_quantile(1.0 - a / 2.0, std::max(x + 1.0, tiny), std::max(neff - x, tiny));
  });
}

// ---- CohortCounts --------------------------------------------------------

CohortCounts::CohortCounts(std::size_t n)
    : pairs_(n), sorted_(n), time_(n), n_risk_(n), n_event_(n), n_censor_(n) {}

CountsView CohortCounts::build(const double* time, const int* status, std::size_t n_obs,
                               bool timefix) {
  if (n_obs > pairs_.size()) throw input_error("more observations than the buffers hold");
  for (std::size_t i = 0; i < n_obs; ++i) set(i, time[i], status[i] != 0);
  return build_from_pairs(n_obs, timefix);
}

CountsView CohortCounts::build_from_pairs(std::size_t n, bool timefix) {
  // by time, events before censorings at equal times (their order within a
  // time does not matter for the counts; it keeps the sort deterministic)
  std::sort(pairs_.begin(), pairs_.begin() + static_cast<std::ptrdiff_t>(n),
            [](const Obs& a, const Obs& b) { return a.t < b.t || (a.t == b.t && a.e > b.e); });
  for (std::size_t i = 0; i < n; ++i) sorted_[i] = pairs_[i].t;
  if (timefix) timefix_sorted(sorted_.data(), n);
  std::size_t m = 0, i = 0;
  while (i < n) {
    const double t = sorted_[i];
    double d = 0, cen = 0;
    const std::size_t start = i;
    for (; i < n && sorted_[i] == t; ++i) {
      if (pairs_[i].e) ++d; else ++cen;
    }
    time_[m] = t;
    n_risk_[m] = static_cast<double>(n - start);
    n_event_[m] = d;
    n_censor_[m] = cen;
    ++m;
  }
  CountsView v;
  v.m = m;
  v.time = time_.data();
  v.n_risk = n_risk_.data();
  v.n_event = n_event_.data();
  v.n_censor = n_censor_.data();
  v.n = static_cast<double>(n);
  return v;
}

// ---- drawing -------------------------------------------------------------

double draw_time(const DrawSpec& d, Xoshiro256& rng) {
  const double u = uniform01(rng);
  switch (d.kind) {
    case DrawKind::exponential:  // P(T > t) = exp(-rate t)
      return -std::log(u) / d.a;
    case DrawKind::weibull:  // P(T > t) = exp(-(t / scale)^shape)
      return d.b * std::pow(-std::log(u), 1.0 / d.a);
    case DrawKind::lognormal:  // log T ~ N(meanlog, sdlog^2)
      return std::exp(d.a + d.b * normal_quantile(u));
    case DrawKind::step: {
      // inverse transform: T = inf{t : S(t) < u}; P(T > t) = P(u <= S(t)) = S(t)
      const double* s = d.step_surv;
      const std::size_t j = static_cast<std::size_t>(
          std::partition_point(s, s + d.step_m, [u](double v) { return v >= u; }) - s);
      if (j < d.step_m) return d.step_time[j];
      // u <= S(last): the exponential tail beyond tail_start
      if (d.tail_rate > 0) return d.tail_start + std::log(s[d.step_m - 1] / u) / d.tail_rate;
      return std::numeric_limits<double>::infinity();
    }
    default:
      throw input_error("draw_time: not a distribution");
  }
}

// ---- the laboratory ------------------------------------------------------

CoverageResult run_coverage(const CoverageSpec& s, const std::function<void()>& interrupt) {
  const std::size_t n = s.n, k = s.k, nm = s.methods.size();
  if (n == 0) throw input_error("the cohort size must be at least 1");
  if (k == 0) throw input_error("no requested times");
  for (std::size_t i = 1; i < k; ++i)
    if (!(s.times[i] > s.times[i - 1])) throw input_error("times must be increasing");
  if (s.event.kind == DrawKind::none) throw input_error("no event-time distribution");
  CoverageResult res;
  res.nmethod = nm;
  res.k = k;
  res.n_na.assign(nm * k, 0.0);
  res.n_low.assign(nm * k, 0.0);
  res.n_up.assign(nm * k, 0.0);
  res.sum_w.assign(nm * k, 0.0);
  res.sum_w2.assign(nm * k, 0.0);
  res.risk_sum.assign(k, 0.0);
  res.no_event.assign(k, 0.0);

  CohortCounts cc(n);
  std::vector<double> lo(k), hi(k);
  const bool admin = std::isfinite(s.cutoff);
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < s.reps; ++r) {
    if (interrupt && r % 256 == 255) interrupt();
    Xoshiro256 rng(mix64(s.seed + (static_cast<std::uint64_t>(r) + 1) * 0x9E3779B97F4A7C15ULL));
    for (std::size_t i = 0; i < n; ++i) {
      const double T = (s.event.kind == DrawKind::supplied) ? s.event.supplied[r * n + i]
                                                             : draw_time(s.event, rng);
      double C = inf;
      if (admin) C = s.cutoff - s.accrual * uniform01(rng);
      if (s.dropout > 0) C = std::min(C, -std::log(uniform01(rng)) / s.dropout);
      if (s.censor.kind == DrawKind::supplied) {
        C = std::min(C, s.censor.supplied[r * n + i]);
      } else if (s.censor.kind != DrawKind::none) {
        C = std::min(C, draw_time(s.censor, rng));
      }
      const bool ev = T <= C;
      if (!std::isfinite(ev ? T : C))
        throw input_error(
            "a subject has an infinite event time and no finite censoring time: give `censor`, "
            "`cutoff` or `dropout`");
      cc.set(i, ev ? T : C, ev);
      res.events += ev ? 1.0 : 0.0;
    }
    res.obs += static_cast<double>(n);
    const CountsView v = cc.build_from_pairs(n, s.timefix);
    // design diagnostics: number at risk at t (time >= t) and no event by t
    {
      std::size_t j = 0;
      double ev_so_far = 0;
      for (std::size_t i = 0; i < k; ++i) {
        while (j < v.m && v.time[j] < s.times[i]) ev_so_far += v.n_event[j++];
        const double ev_at = (j < v.m && v.time[j] == s.times[i]) ? v.n_event[j] : 0.0;
        res.risk_sum[i] += (j < v.m) ? v.n_risk[j] : 0.0;
        if (ev_so_far + ev_at == 0) res.no_event[i] += 1.0;
      }
    }
    // times after the last observed time: no estimate (at_times() reports
    // NA there), whatever a method would extrapolate -- every method is
    // judged on the same replicates
    std::size_t kdef = k;
    while (kdef > 0 && s.times[kdef - 1] > v.time[v.m - 1]) --kdef;
    for (std::size_t m = 0; m < nm; ++m) {
      for (std::size_t i = kdef; i < k; ++i) res.n_na[m * k + i] += 1.0;
      if (kdef == 0) continue;
      s.methods[m](v, s.times, kdef, s.conf_level, lo.data(), hi.data());
      for (std::size_t i = 0; i < kdef; ++i) {
        const std::size_t q = m * k + i;
        if (std::isnan(lo[i]) || std::isnan(hi[i])) {
          res.n_na[q] += 1.0;
          continue;
        }
        if (lo[i] > s.truth[i]) res.n_low[q] += 1.0;
        if (hi[i] < s.truth[i]) res.n_up[q] += 1.0;
        const double w = hi[i] - lo[i];
        res.sum_w[q] += w;
        res.sum_w2[q] += w * w;
      }
    }
  }
  return res;
}

}  // namespace smallsurv
