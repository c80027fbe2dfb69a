// beta_ci.cpp -- BPCP (standard and mid-p) and Borkowf intervals for S(t),
// plus beta/normal/chi-square quantiles.  The only file including Boost.Math.
// Conventions and references: beta_ci.h.  Matches bpcp 1.5.5's bpcp.mm,
// abmm, bpcpMidp.mm and borkowf.calc (read, not copied): the method-of-
// moments products are accumulated in long double as R's prod() does, so
// the beta parameters agree with bpcp's to the last bits.
#include "beta_ci.h"

#include "normal.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include "errors.h"
#include "product_limit.h"

namespace smallsurv {

namespace {

using boost::math::policies::policy;
using boost::math::policies::promote_double;
using boost::math::policies::domain_error;
using boost::math::policies::overflow_error;
using boost::math::policies::evaluation_error;
using boost::math::policies::ignore_error;
// No promotion to long double (several times faster; ~1e-15 relative error),
// and no exceptions from the special functions: inputs are checked here.
using Pol = policy<promote_double<false>, domain_error<ignore_error>,
                   overflow_error<ignore_error>, evaluation_error<ignore_error>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The order in which to visit the requested times (increasing; NaN last).
// BPCP and Borkowf walk the rows forward once (running minima over the
// intervals; products accumulated incrementally), so they visit the times
// sorted; the other methods look each time up with last_row().
std::vector<std::size_t> visit_order(const double* at, std::size_t k) {
  std::vector<std::size_t> ord(k);
  std::iota(ord.begin(), ord.end(), std::size_t{0});
  bool sorted = true;
  for (std::size_t i = 1; i < k && sorted; ++i) sorted = !(at[i] < at[i - 1]) && !std::isnan(at[i - 1]);
  if (!sorted) {
    std::stable_sort(ord.begin(), ord.end(), [at](std::size_t a, std::size_t b) {
      if (std::isnan(at[b])) return !std::isnan(at[a]);
      if (std::isnan(at[a])) return false;
      return at[a] < at[b];
    });
  }
  return ord;
}

// Number of rows with time <= t (pointwise.h's last_row; t is not NaN).
inline std::size_t rows_upto(const CountsView& c, double t) {
  return static_cast<std::size_t>(last_row(c, t) + 1);
}

// n of the stratum: CountsView::n, or n_risk[0] when the caller left it 0
// (without delayed entry they are the same).
inline double stratum_size(const CountsView& c) { return c.n > 0.0 ? c.n : c.n_risk[0]; }

// ---- method-of-moments beta parameters (bpcp's abmm) ---------------------
struct Beta {
  double a, b;
};
inline bool st_le(const Beta& x, const Beta& y) {  // Beta x <=_st Beta y
  return x.a <= y.a && x.b >= y.b;
}
inline bool same(const Beta& x, const Beta& y) { return x.a == y.a && x.b == y.b; }

// Beta(a, b) with mean S and variance v (Fan 1991's method of moments:
// a + b = S (1 - S) / v - 1; bpcp's abmm writes it with T = E[X^2] as
// a = (S - T) S / (T - S^2), the same numbers but a variance found by
// subtraction).
inline Beta beta_mv(double S, double v) {
  const double k = S * (1.0 - S) / v - 1.0;
  return Beta{S * k, (1.0 - S) * k};
}

// One interval's pair of distributions: `lo` gives the lower limit, `up` the
// upper limit (bpcp's alower/blower and aupper/bupper).
struct Pair {
  Beta lo, up;
};
inline bool pair_same(const Pair& x, const Pair& y) { return same(x.lo, y.lo) && same(x.up, y.up); }

// Walks the rows of one stratum, giving the BPCP distributions of the
// interval [y_j, y_{j+1}) for j = 0 (before y_1), 1, ..., m.
class BpcpWalk {
 public:
  explicit BpcpWalk(const CountsView& c) : c_(c) {}
  std::size_t j() const { return j_; }
  Pair current() const {
    if (j_ == 0) return Pair{Beta{stratum_size(c_), 1.0}, Beta{1.0, 0.0}};
    const std::size_t i = j_ - 1;  // 0-based row of y_j
    Beta up;
    if (j_ == 1 || allb0_) {
      up = Beta{c_.n_risk[i] - c_.n_event[i] + 1.0, c_.n_event[i]};
    } else {
      up = beta_mv(static_cast<double>(mu_), static_cast<double>(mu_ * mu_ * std::expm1(lv_)));
    }
    Beta lo;
    if (j_ == c_.m) {
      lo = Beta{0.0, 1.0};
    } else {
      const double a = c_.n_risk[j_];
      // times one more factor Beta(a, 1): mean a / (a + 1), squared
      // coefficient of variation 1 / (a (a + 2))
      const long double s = mu_ * static_cast<long double>(a / (a + 1.0));
      const long double lv = lv_ + std::log1p(1.0L / (static_cast<long double>(a) * (a + 2.0)));
      lo = beta_mv(static_cast<double>(s), static_cast<double>(s * s * std::expm1(lv)));
    }
    return Pair{lo, up};
  }
  void advance() {  // to the next row
    const std::size_t i = j_;
    const double A = c_.n_risk[i] - c_.n_event[i] + 1.0, B = c_.n_event[i];
    mu_ *= static_cast<long double>(A / (A + B));
    // the product's variance is mu^2 (prod(1 + cv_j^2) - 1): kept as the
    // sum of log(1 + cv_j^2), cv_j^2 = B / (A (A + B + 1)) for Beta(A, B),
    // so that no variance is a difference of near-equal moments
    lv_ += std::log1p(static_cast<long double>(B) /
                      (static_cast<long double>(A) * (A + B + 1.0)));
    if (B != 0.0) allb0_ = false;
    ++j_;
  }

 private:
  const CountsView& c_;
  std::size_t j_ = 0;
  long double mu_ = 1.0L;  // product of the factor means
  long double lv_ = 0.0L;  // sum of log(1 + squared coefficients of variation)
  bool allb0_ = true;
};

// The shared sweep of bpcp_at and bpcp_midp_at.  Limits::eval(Pair) gives
// (lo, up) of one interval; Limits::below_lo(Pair, x) / below_up(Pair, x)
// say whether that interval's limit lies below x, from its distribution
// function (one or two incomplete beta evaluations instead of an inversion).
// Reported limits are running minima over the intervals (bpcp's
// monotonic = TRUE): at a requested interval j the limit q_j is computed,
// and an earlier, unrequested interval's limit is computed only when its
// distribution function says it is lower than the running minimum.
template <class Limits>
void bpcp_sweep(const CountsView& c, const double* at, std::size_t k, const Limits& lim,
                double* lower, double* upper) {
  if (c.m == 0) {
    std::fill(lower, lower + k, kNaN);
    std::fill(upper, upper + k, kNaN);
    return;
  }
  const std::vector<std::size_t> ord = visit_order(at, k);
  BpcpWalk walk(c);
  double best_lo = std::numeric_limits<double>::infinity(), best_up = best_lo;
  bool started = false;  // has interval walk.j() been folded into best?
  bool have_cache = false;
  Pair cached{};
  std::pair<double, double> cval{0.0, 0.0};
  auto eval = [&](const Pair& p) {
    if (!have_cache || !pair_same(p, cached)) {
      cached = p;
      cval = lim.eval(p);
      have_cache = true;
    }
    return cval;
  };
  std::vector<Pair> skipped;  // intervals passed over since the last request
  for_each_time(at, k, ord.data(), lower, upper, [&](std::size_t i, double t) {
    const std::size_t target = rows_upto(c, t);
    if (!started || walk.j() < target) {
      skipped.clear();
      if (started) walk.advance();  // (interval walk.j() is already in best)
      while (walk.j() < target) {
        skipped.push_back(walk.current());
        walk.advance();
      }
      const Pair cur = walk.current();
      const auto v = eval(cur);
      double lo = std::min(best_lo, v.first), up = std::min(best_up, v.second);
      // an interval followed by a stochastically smaller one (a down, b up)
      // cannot hold the minimum; the others are checked by their CDF.
      // "Smaller" is judged on the distribution(s) each limit is a quantile
      // of (Limits::dominated_lo/up): for mid-p both limits are quantiles
      // of the 50/50 mixture, so both components must be smaller.
      for (std::size_t q = 0; q < skipped.size(); ++q) {
        const Pair& p = skipped[q];
        const Pair& nx = q + 1 < skipped.size() ? skipped[q + 1] : cur;
        if (!lim.dominated_lo(p, nx) && lim.below_lo(p, lo)) lo = std::min(lo, eval(p).first);
        if (!lim.dominated_up(p, nx) && lim.below_up(p, up)) up = std::min(up, eval(p).second);
      }
      best_lo = lo;
      best_up = up;
      started = true;
    }
    lower[i] = best_lo;
    upper[i] = best_up;
  });
}

// Borkowf's interval for one state; `shrunk` selects type "logs".
inline void borkowf_one(double km, double me, double mc, double n, double z, bool shrunk,
                        double* lo, double* up) {
  const double bmax = 1.0 - me / n;
  double w;
  if (0.5 <= km) w = km;
  else if (0.5 <= bmax) w = 0.5;
  else w = bmax;
  double s = km;
  if (shrunk) {
    s = km * (1.0 - 1.0 / n) + 1.0 / (2.0 * n);
    w = w * (1.0 - 1.0 / n) + 1.0 / (2.0 * n);
  }
  const double se = std::sqrt(w * (1.0 - w) / (n - mc));
  double l = s * std::exp(-z * se / s);
  double u = s * std::exp(+z * se / s);
  if (std::isnan(l) || l < 0.0) l = 0.0;
  if (std::isnan(u) || u > 1.0) u = 1.0;
  *lo = l;
  *up = u;
}

void borkowf_impl(const CountsView& c, const double* at, std::size_t k, double conf_level,
                  bool shrunk, double* lower, double* upper) {
  check_conf_level(conf_level);
  if (c.m == 0) {
    std::fill(lower, lower + k, kNaN);
    std::fill(upper, upper + k, kNaN);
    return;
  }
  const double z = two_sided_z(conf_level);
  const double n = stratum_size(c);
  const std::vector<std::size_t> ord = visit_order(at, k);
  std::size_t j = 0;  // rows with time <= t processed
  // Not pointwise.h's km_rows(): R's cumprod accumulates in long double and
  // bpcp's borkowf.calc rounds once at the end, which the double rows would
  // not reproduce bit for bit; the one product-limit step in long double.
  ProductLimitT<long double> km;
  double me = 0.0, mc = 0.0, c_last = 0.0;  // mc: censorings before the last row
  for_each_time(at, k, ord.data(), lower, upper, [&](std::size_t i, double t) {
    const std::size_t target = rows_upto(c, t);
    while (j < target) {
      mc += c_last;
      km.step(c.n_risk[j], c.n_event[j]);
      me += c.n_event[j];
      c_last = c.n_censor[j];
      ++j;
    }
    // at y_j exactly: the closed point [y_j, y_j] (censorings at y_j not yet
    // counted); strictly after: the open interval (y_j, y_{j+1})
    const bool at_row = j > 0 && c.time[j - 1] == t;
    borkowf_one(static_cast<double>(km.surv), me, at_row ? mc : mc + c_last, n, z, shrunk,
                &lower[i], &upper[i]);
  });
}

}  // namespace

// ---- distribution functions ------------------------------------------------

double beta_quantile(double p, double a, double b) {
  if (std::isnan(p) || std::isnan(a) || std::isnan(b) || a < 0.0 || b < 0.0) return kNaN;
  if (b == 0.0) return 1.0;  // point mass at 1 (R: qbeta(p, a, 0) = 1)
  if (a == 0.0) return 0.0;  // point mass at 0
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  if (std::isinf(a) || std::isinf(b)) return kNaN;
  return boost::math::ibeta_inv(a, b, p, Pol());
}

double beta_cdf(double x, double a, double b) {
  if (std::isnan(x) || std::isnan(a) || std::isnan(b) || a < 0.0 || b < 0.0) return kNaN;
  if (b == 0.0) return x >= 1.0 ? 1.0 : 0.0;
  if (a == 0.0) return x >= 0.0 ? 1.0 : 0.0;
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return boost::math::ibeta(a, b, x, Pol());
}

double beta_mixture_quantile(double p, double a1, double b1, double a2, double b2) {
  if (std::isnan(p) || std::isnan(a1) || std::isnan(b1) || std::isnan(a2) || std::isnan(b2))
    return kNaN;
  if (a1 == a2 && b1 == b2) return beta_quantile(p, a1, b1);
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  // F(x) = (I_x(a1,b1) + I_x(a2,b2)) / 2 - p is non-decreasing on [0, 1];
  // point masses at 0 or 1 make it jump: the quantile is then the smallest
  // x with F(x) >= 0, which the bracket below finds too.
  auto f = [&](double x) { return 0.5 * (beta_cdf(x, a1, b1) + beta_cdf(x, a2, b2)) - p; };
  if (a1 > 0.0 && b1 > 0.0 && a2 > 0.0 && b2 > 0.0 && std::isfinite(a1 + b1 + a2 + b2)) {
    // continuous mixture: Newton-Raphson (bisection-safeguarded on [0, 1])
    // from the quantile of the beta with the mixture's first two moments
    const double m1 = a1 / (a1 + b1), m2 = a2 / (a2 + b2);
    const double s1 = m1 * (a1 + 1.0) / (a1 + b1 + 1.0), s2 = m2 * (a2 + 1.0) / (a2 + b2 + 1.0);
    const double mean = 0.5 * (m1 + m2), v = 0.5 * (s1 + s2) - mean * mean;
    double guess = 0.5;
    if (v > 0.0) {
      const double k = mean * (1.0 - mean) / v - 1.0;
      if (k > 0.0) guess = beta_quantile(p, mean * k, (1.0 - mean) * k);
    }
    if (!(guess > 0.0 && guess < 1.0)) guess = 0.5;
    auto fd = [&](double x) {
      return std::make_pair(
          f(x), 0.5 * (boost::math::ibeta_derivative(a1, b1, x, Pol()) +
                       boost::math::ibeta_derivative(a2, b2, x, Pol())));
    };
    std::uintmax_t it = 100;
    const double x = boost::math::tools::newton_raphson_iterate(fd, guess, 0.0, 1.0, 46, it);
    if (it < 100 && x > 0.0 && x < 1.0) return x;
  }
  // bracket between the two components' quantiles (the mixture quantile
  // lies between them)
  double lo = beta_quantile(p, a1, b1), hi = beta_quantile(p, a2, b2);
  if (lo > hi) std::swap(lo, hi);
  double flo = f(lo), fhi = f(hi);
  if (flo >= 0.0) return lo;  // only at a jump (point mass)
  if (fhi < 0.0) {  // only at a jump: the mass sits at hi
    return hi;
  }
  if (fhi == 0.0) return hi;
  std::uintmax_t iters = 200;
  boost::math::tools::eps_tolerance<double> tol(46);  // ~3e-14 relative
  const std::pair<double, double> r =
      boost::math::tools::toms748_solve(f, lo, hi, flo, fhi, tol, iters, Pol());
  return 0.5 * (r.first + r.second);
}


void binom_exact_ci(double x, double n, double conf_level, bool midp, double* lower,
                    double* upper) {
  check_conf_level(conf_level);
  if (!(n >= 0.0) || !(x >= 0.0) || x > n) throw input_error("need 0 <= x <= n");
  const double a = 1.0 - conf_level;
  // Clopper-Pearson: quantiles of Beta(x, n - x + 1) and Beta(x + 1, n - x);
  // mid-p: quantiles of their 50/50 mixture.
  if (midp) {
    *lower = beta_mixture_quantile(a / 2.0, x, n - x + 1.0, x + 1.0, n - x);
    *upper = beta_mixture_quantile(1.0 - a / 2.0, x, n - x + 1.0, x + 1.0, n - x);
  } else {
    *lower = beta_quantile(a / 2.0, x, n - x + 1.0);
    *upper = beta_quantile(1.0 - a / 2.0, x + 1.0, n - x);
  }
}

// ---- PointwiseFn implementations -------------------------------------------

namespace {

struct BpcpLimits {
  double a;  // alpha
  std::pair<double, double> eval(const Pair& p) const {
    return std::make_pair(beta_quantile(a / 2.0, p.lo.a, p.lo.b),
                          beta_quantile(1.0 - a / 2.0, p.up.a, p.up.b));
  }
  // the lower limit is a quantile of p.lo, the upper one of p.up
  static bool dominated_lo(const Pair& p, const Pair& nx) { return st_le(nx.lo, p.lo); }
  static bool dominated_up(const Pair& p, const Pair& nx) { return st_le(nx.up, p.up); }
  bool below_lo(const Pair& p, double x) const { return beta_cdf(x, p.lo.a, p.lo.b) > a / 2.0; }
  bool below_up(const Pair& p, double x) const {
    return beta_cdf(x, p.up.a, p.up.b) > 1.0 - a / 2.0;
  }
};

struct MidpLimits {
  double a;  // alpha
  std::pair<double, double> eval(const Pair& p) const {
    // bpcp's special cases: no event yet (upper distribution a point mass
    // at 1) and after the last time (lower one a point mass at 0)
    if (p.up.b == 0.0) return std::make_pair(beta_quantile(a, p.lo.a, p.lo.b), 1.0);
    if (p.lo.a == 0.0) return std::make_pair(0.0, beta_quantile(1.0 - a, p.up.a, p.up.b));
    return std::make_pair(beta_mixture_quantile(a / 2.0, p.lo.a, p.lo.b, p.up.a, p.up.b),
                          beta_mixture_quantile(1.0 - a / 2.0, p.lo.a, p.lo.b, p.up.a, p.up.b));
  }
  // both limits are quantiles of the mixture of p.lo and p.up: the next
  // interval's mixture is stochastically smaller only when both are
  static bool dominated_lo(const Pair& p, const Pair& nx) {
    return st_le(nx.lo, p.lo) && st_le(nx.up, p.up);
  }
  static bool dominated_up(const Pair& p, const Pair& nx) { return dominated_lo(p, nx); }
  static double mix(const Pair& p, double x) {
    return 0.5 * (beta_cdf(x, p.lo.a, p.lo.b) + beta_cdf(x, p.up.a, p.up.b));
  }
  bool below_lo(const Pair& p, double x) const { return mix(p, x) > a / 2.0; }
  bool below_up(const Pair& p, double x) const { return mix(p, x) > 1.0 - a / 2.0; }
};

}  // namespace

void bpcp_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
             double* lower, double* upper) {
  check_conf_level(conf_level);
  bpcp_sweep(c, at, k, BpcpLimits{1.0 - conf_level}, lower, upper);
}

void bpcp_midp_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                  double* lower, double* upper) {
  check_conf_level(conf_level);
  bpcp_sweep(c, at, k, MidpLimits{1.0 - conf_level}, lower, upper);
}

void borkowf_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                double* lower, double* upper) {
  borkowf_impl(c, at, k, conf_level, false, lower, upper);
}

void borkowf_shrunk_at(const CountsView& c, const double* at, std::size_t k,
                       double conf_level, double* lower, double* upper) {
  borkowf_impl(c, at, k, conf_level, true, lower, upper);
}

}  // namespace smallsurv
