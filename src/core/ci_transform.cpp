// ci_transform.cpp -- see ci_transform.h.  Comments cite the equations.
#include "ci_transform.h"

#include <cmath>
#include <limits>

namespace smallsurv {

namespace {
const double kNA = std::numeric_limits<double>::quiet_NaN();
const double kHalfPi = 1.57079632679489661923;
// R's pmax(x, 0) / pmin(x, 1): NaN propagates
inline double pmax0(double x) { return std::isnan(x) ? x : (x < 0.0 ? 0.0 : x); }
inline double pmin1(double x) { return std::isnan(x) ? x : (x > 1.0 ? 1.0 : x); }
}  // namespace

void ci_transform(Transform type, const double* p, const double* se_in, const double* se_low,
                  std::size_t n, bool logse, double z, double* lower, double* upper,
                  ZeroSe zero_se) {
  const bool point_at_zero = zero_se == ZeroSe::estimate && zero_se_rule(type);
  for (std::size_t i = 0; i < n; ++i) {
    // rows with only censorings repeat the previous estimate and se: repeat
    // its limits (the same inputs give the same outputs; NaN never compares
    // equal, so those rows are recomputed)
    if (i > 0 && p[i] == p[i - 1] && se_in[i] == se_in[i - 1] &&
        (!se_low || se_low[i] == se_low[i - 1])) {
      lower[i] = lower[i - 1];
      upper[i] = upper[i - 1];
      continue;
    }
    const double pi = p[i];
    // scale of the lower limit (conf.lower), computed on the input se
    double scale = 1.0;
    if (se_low) scale = (se_low[i] == 0.0) ? 1.0 : se_low[i] / se_in[i];
    // se of log(p)
    double se = se_in[i];
    if (!logse) se = (se == 0.0) ? 0.0 : se / pi;
    if (point_at_zero && se == 0.0) {  // survival >= 3.6: no variance, limits (p, p)
      lower[i] = upper[i] = pi;
      continue;
    }
    switch (type) {
      case Transform::plain: {  // K&M eq. 4.3.1: p -+ z p se
        const double h = se * pi * z;
        lower[i] = pmax0(pi - h * scale);
        upper[i] = pmin1(pi + h);
        break;
      }
      case Transform::log: {  // exp(log p -+ z se), upper capped at 1
        const double xx = (pi == 0.0) ? kNA : pi;
        const double h = z * se;
        lower[i] = std::exp(std::log(xx) - h * scale);
        upper[i] = pmin1(std::exp(std::log(xx) + h));
        break;
      }
      case Transform::loglog: {  // Kalbfleisch & Prentice (1980)
        const double xx = (pi == 0.0 || pi == 1.0) ? kNA : pi;
        const double lx = std::log(xx);
        const double h = z * se / lx;
        const double ll = std::log(-lx);
        lower[i] = std::exp(-std::exp(ll - h * scale));
        upper[i] = std::exp(-std::exp(ll + h));
        break;
      }
      case Transform::logit: {  // Meeker & Escobar (1998): se(logit p) = se / (1 - p)
        const double xx = (pi == 0.0) ? kNA : pi;
        const double h = z * se * (1.0 + xx / (1.0 - xx));
        const double lg = std::log(pi / (1.0 - pi));
        lower[i] = 1.0 - 1.0 / (1.0 + std::exp(lg - h * scale));
        upper[i] = 1.0 - 1.0 / (1.0 + std::exp(lg + h));
        if (std::isnan(xx)) lower[i] = upper[i] = kNA;
        break;
      }
      case Transform::arcsin: {  // Nair (1984); se(asin sqrt p) = se sqrt(p/(1-p)) / 2
        const double xx = (pi == 0.0) ? kNA : pi;
        const double h = 0.5 * z * se * std::sqrt(xx / (1.0 - xx));
        const double a = std::asin(std::sqrt(xx));
        const double lo = a - h * scale, hi = a + h;
        lower[i] = std::pow(std::sin(std::isnan(lo) ? lo : (lo < 0.0 ? 0.0 : lo)), 2);
        upper[i] = std::pow(std::sin(std::isnan(hi) ? hi : (hi > kHalfPi ? kHalfPi : hi)), 2);
        break;
      }
      case Transform::cloglog: {  // log-log on q = 1 - p (se of q = se of p)
        const double q = 1.0 - pi;
        double seq = se_in[i];
        if (logse) seq *= pi;  // se of p from se of log p
        const double xx = (q == 0.0 || q == 1.0) ? kNA : q;
        const double h = z * ((seq == 0.0) ? 0.0 : seq / xx) / std::log(xx);
        const double ll = std::log(-std::log(xx));
        const double qlo = std::exp(-std::exp(ll - h)), qhi = std::exp(-std::exp(ll + h));
        lower[i] = 1.0 - qhi;
        upper[i] = 1.0 - qlo;
        break;
      }
    }
  }
}

}  // namespace smallsurv
