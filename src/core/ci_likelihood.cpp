// ci_likelihood.cpp -- see ci_likelihood.h.
#include "ci_likelihood.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "event_table.h"  // input_error

namespace smallsurv {

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kEps = std::numeric_limits<double>::epsilon();

void check_level(double conf_level) {
  if (!(conf_level > 0.0 && conf_level < 1.0))
    throw input_error("conf_level must lie strictly between 0 and 1");
}

// Index of the last row with time <= t, or -1 (before the first row).  NaN
// times give -1 too (the caller writes NaN for them).
long last_row(const CountsView& c, double t) {
  const double* end = c.time + c.m;
  return static_cast<long>(std::upper_bound(c.time, end, t) - c.time) - 1;
}

// Brent's zeroin (Brent 1973, ch. 4) on [a, b] with f(a), f(b) of opposite
// signs; stops when the bracket is below 4 eps |x| + tol_abs.
template <class F>
double brent(F f, double a, double b, double fa, double fb, double tol_abs) {
  double c = a, fc = fa, d = b - a, e = d;
  for (int it = 0; it < 200; ++it) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a; fc = fa; d = b - a; e = d;
    }
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const double tol = 2.0 * kEps * std::fabs(b) + 0.5 * tol_abs;
    const double m = 0.5 * (c - b);
    if (std::fabs(m) <= tol || fb == 0.0) return b;
    if (std::fabs(e) < tol || std::fabs(fa) <= std::fabs(fb)) {
      d = m; e = m;  // bisection
    } else {
      double p, q, r;
      const double s = fb / fa;
      if (a == c) {  // secant
        p = 2.0 * m * s;
        q = 1.0 - s;
      } else {  // inverse quadratic interpolation
        q = fa / fc;
        r = fb / fc;
        p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0));
        q = (q - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0) q = -q; else p = -p;
      if (2.0 * p < std::min(3.0 * m * q - std::fabs(tol * q), std::fabs(e * q))) {
        e = d; d = p / q;
      } else {
        d = m; e = m;
      }
    }
    a = b; fa = fb;
    b += (std::fabs(d) > tol) ? d : (m > 0 ? tol : -tol);
    fb = f(b);
  }
  return b;
}

// The log-likelihood ratio R(lam) of the Thomas-Grunkemeier constraint and
// the constrained estimate S(lam), over J terms (n_j > d_j > 0).
struct TgTerms {
  const double* n;
  const double* d;
  std::size_t J;
  double R(double lam) const {
    double s = 0.0;
    for (std::size_t j = 0; j < J; ++j) {
      const double nd = n[j] - d[j];
      s += nd * std::log1p(lam / nd) - n[j] * std::log1p(lam / n[j]);
    }
    return s;
  }
  double S(double lam) const {
    double s = 0.0;
    for (std::size_t j = 0; j < J; ++j) s += std::log((n[j] - d[j] + lam) / (n[j] + lam));
    return std::exp(s);
  }
};

void tg_limits(const TgTerms& t, double chi2, double* lo, double* up) {
  const auto f = [&t, chi2](double lam) { return -2.0 * t.R(lam) - chi2; };
  // upper limit: lam in (0, inf); f(0) = -chi2 < 0 and f -> +inf
  double hi = 1.0, fhi = f(hi);
  while (!(fhi > 0.0) && hi < 1e300) {
    hi *= 4.0;
    fhi = f(hi);
  }
  const double lam_u = brent(f, 0.0, hi, -chi2, fhi, 0.0);
  *up = t.S(lam_u);
  // lower limit: lam in (-m, 0), m = min(n_j - d_j) (the last term); f -> +inf at -m
  double m = kInf;
  for (std::size_t j = 0; j < t.J; ++j) m = std::min(m, t.n[j] - t.d[j]);
  double a = -0.5 * m, fa = f(a), w = 0.5;
  while (!(fa > 0.0) && w > 1e-17) {
    w *= 0.5;
    a = -m * (1.0 - w);
    fa = f(a);
  }
  if (!(fa > 0.0)) {  // the root is within rounding of -m: S(lam) is ~0 there
    *lo = t.S(a);
    return;
  }
  const double lam_l = brent(f, a, 0.0, fa, -chi2, 0.0);
  *lo = t.S(lam_l);
}

}  // namespace

double normal_quantile_upper(double q) {
  if (!(q > 0.0 && q < 1.0)) throw input_error("normal quantile: probability outside (0, 1)");
  if (q > 0.5) return -normal_quantile_upper(1.0 - q);
  if (q == 0.5) return 0.0;
  // Abramowitz & Stegun 26.2.23 as a start (|error| < 4.5e-4), then Newton on
  // the upper tail 0.5 erfc(z / sqrt 2) = q (quadratic convergence).
  const double t = std::sqrt(-2.0 * std::log(q));
  double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                     (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  const double inv_sqrt2 = 0.70710678118654752440, inv_sqrt2pi = 0.39894228040143267794;
  for (int it = 0; it < 8; ++it) {
    const double g = 0.5 * std::erfc(z * inv_sqrt2) - q;
    const double dz = g / (inv_sqrt2pi * std::exp(-0.5 * z * z));
    z += dz;
    if (std::fabs(dz) <= 4.0 * kEps * std::fabs(z)) break;
  }
  return z;
}

void tg_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
           double* lower, double* upper) {
  check_level(conf_level);
  const double z = normal_quantile_upper(0.5 * (1.0 - conf_level));
  const double chi2 = z * z;
  // the terms in row order, and how many of them lie at or before each row
  std::vector<double> n, d;
  std::vector<std::size_t> upto(c.m);
  for (std::size_t r = 0; r < c.m; ++r) {
    if (c.n_event[r] > 0.0 && c.n_risk[r] > c.n_event[r]) {
      n.push_back(c.n_risk[r]);
      d.push_back(c.n_event[r]);
    }
    upto[r] = n.size();
  }
  std::size_t last_J = static_cast<std::size_t>(-1);  // cache: same terms, same limits
  double last_lo = 1.0, last_up = 1.0;
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(at[i])) {
      lower[i] = upper[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const long r = last_row(c, at[i]);
    const std::size_t J = (r < 0) ? 0 : upto[static_cast<std::size_t>(r)];
    if (J == 0) {
      lower[i] = upper[i] = 1.0;
      continue;
    }
    if (J != last_J) {
      tg_limits(TgTerms{n.data(), d.data(), J}, chi2, &last_lo, &last_up);
      last_J = J;
    }
    lower[i] = last_lo;
    upper[i] = last_up;
  }
}

namespace {
// S, the Greenwood sum and (once S = 0) the limit of the Greenwood effective
// sample size, n_K / S(t_K-), at every row.
struct KmRows {
  std::vector<double> S, G, n0;
  explicit KmRows(const CountsView& c) : S(c.m), G(c.m), n0(c.m) {
    double s = 1.0, g = 0.0, nz = kInf;
    for (std::size_t r = 0; r < c.m; ++r) {
      const double nr = c.n_risk[r], dr = c.n_event[r];
      if (dr > 0.0 && s > 0.0) {
        if (nr > dr) {
          g += dr / (nr * (nr - dr));
          s *= (nr - dr) / nr;
        } else {  // the risk set empties: S = 0
          nz = nr / s;
          s = 0.0;
        }
      }
      S[r] = s; G[r] = g; n0[r] = nz;
    }
  }
};
}  // namespace

void rothman_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                double* lower, double* upper) {
  check_level(conf_level);
  const double z = normal_quantile_upper(0.5 * (1.0 - conf_level));
  const double z2 = z * z;
  const KmRows km(c);
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(at[i])) {
      lower[i] = upper[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const long r = last_row(c, at[i]);
    const double S = (r < 0) ? 1.0 : km.S[r];
    if (S == 1.0) {  // no event yet
      lower[i] = upper[i] = 1.0;
      continue;
    }
    if (S == 0.0) {  // Wilson for 0 successes of n' = n_K / S(t_K-)
      lower[i] = 0.0;
      upper[i] = z2 / (km.n0[r] + z2);
      continue;
    }
    const double V = S * S * km.G[r];      // Greenwood variance
    const double nn = S * (1.0 - S) / V;   // effective sample size
    const double f = nn / (nn + z2);
    const double centre = S + z2 / (2.0 * nn);
    const double half = z * std::sqrt(V + z2 / (4.0 * nn * nn));
    lower[i] = std::max(0.0, f * (centre - half));
    upper[i] = std::min(1.0, f * (centre + half));
  }
}

void peto_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
             double* lower, double* upper) {
  check_level(conf_level);
  const double z = normal_quantile_upper(0.5 * (1.0 - conf_level));
  const KmRows km(c);
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(at[i])) {
      lower[i] = upper[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    const long r = last_row(c, at[i]);
    if (r < 0) {
      lower[i] = upper[i] = 1.0;
      continue;
    }
    const double S = km.S[r];
    const double h = z * S * std::sqrt((1.0 - S) / c.n_risk[r]);
    lower[i] = std::max(0.0, S - h);
    upper[i] = std::min(1.0, S + h);
  }
}

}  // namespace smallsurv
