// ci_likelihood.cpp -- see ci_likelihood.h.
#include "ci_likelihood.h"

#include "normal.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "errors.h"
#include "greenwood_ci.h"  // wilson_interval
#include "pointwise.h"

namespace smallsurv {

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kEps = std::numeric_limits<double>::epsilon();

// The Thomas-Grunkemeier terms (event rows with n_j > d_j, in time order,
// so m_j = n_j - d_j decreases) and fast evaluation of
//   f(lam) = -2 R(lam) - chi2,  f'(lam),  log S(lam)
// over the first J terms.  Terms with m_j >= kC |lam| are summed through
// their power series in lam, whose coefficients are prefix sums kept at
// every kK-th term:
//   R(lam)          = sum_{p>=2} (-1)^(p+1) lam^p / p  B_{p-1},
//   log S(lam) - log S(0) = sum_{p>=1} (-1)^(p+1) lam^p / p  B_p,
//   B_q = sum_j m_j^-q - n_j^-q = sum_j n_j^-q expm1(-q log1p(-d_j/n_j)),
// truncated at p = kP (|lam|/m_j <= 1/8: relative error < 8^-18 ~ 6e-17);
// the rest (at most kK - 1 terms before the split, and the late terms with
// small risk sets) exactly.  One evaluation then costs O(kK + kP + late
// terms) instead of O(J), so all rows of a large fit cost O(J) evaluations.
// With fewer than kK terms everything is exact.
class TgTerms {
 public:
  static constexpr std::size_t kK = 16;  // checkpoint spacing
  static constexpr int kP = 18;          // series length
  static constexpr double kC = 8.0;      // series used where m_j >= kC |lam|

  void add(double n, double d) {
    if (n_.size() % kK == 0) {  // checkpoint before this term
      B_.insert(B_.end(), Bacc_, Bacc_ + kP);
      L_.push_back(Lacc_);
    }
    n_.push_back(n);
    m_.push_back(n - d);
    const double l = std::log1p(-d / n);
    Lacc_ += l;
    double np = 1.0;
    for (int p = 1; p <= kP; ++p) {
      np /= n;
      Bacc_[p - 1] += np * std::expm1(-p * l);
    }
  }
  std::size_t size() const { return n_.size(); }
  // prefix sums of B_1 (the Greenwood sum) after all terms are added.
  // Kept here rather than taken from km_rows(): they run over the TG terms
  // (rows with n > d), indexed by term, and with delayed entry they go on
  // past a row where the risk set emptied, where km_rows' G is +Inf; they
  // only seed the root search.
  void finish() {
    if (n_.size() % kK == 0) {  // the checkpoint after the last term
      B_.insert(B_.end(), Bacc_, Bacc_ + kP);
      L_.push_back(Lacc_);
    }
    G_.resize(n_.size());
    double g = 0.0;
    for (std::size_t j = 0; j < n_.size(); ++j) {
      g += (n_[j] - m_[j]) / (n_[j] * m_[j]);
      G_[j] = g;
    }
  }
  double greenwood_cached(std::size_t J) const { return G_[J - 1]; }
  double min_m(std::size_t J) const { return m_[J - 1]; }

  // f, f' (if fp) and log S at lam over the first J terms
  double eval(double lam, std::size_t J, double chi2, double* fp, double* logS) const {
    const double thr = kC * std::fabs(lam);
    const std::size_t s =
        static_cast<std::size_t>(std::partition_point(m_.begin(), m_.begin() + J,
                                                      [thr](double x) { return x >= thr; }) -
                                 m_.begin());
    const std::size_t cp = s / kK, s0 = cp * kK;
    double R = 0.0, dR = 0.0, lS = 0.0;
    if (cp > 0) {
      const double* B = &B_[cp * kP];
      double lp = lam;  // lam^p
      double sign = 1.0;
      for (int p = 1; p <= kP; ++p) {
        // log S: p-th term; R: the (p+1)-th term uses B_p
        lS += sign * lp / p * B[p - 1];
        dR -= sign * lp * B[p - 1];
        lp *= lam;
        R -= sign * lp / (p + 1) * B[p - 1];
        sign = -sign;
      }
      lS += L_[cp];
    }
    for (std::size_t j = s0; j < J; ++j) {
      const double n = n_[j], m = m_[j];
      R += m * std::log1p(lam / m) - n * std::log1p(lam / n);
      dR += m / (m + lam) - n / (n + lam);
      lS += std::log((m + lam) / (n + lam));
    }
    if (fp) *fp = -2.0 * dR;
    if (logS) *logS = lS;
    return -2.0 * R - chi2;
  }

 private:
  std::vector<double> n_, m_, G_;
  std::vector<double> B_, L_;  // per checkpoint: kP prefix sums, prefix log S
  double Bacc_[kP] = {0.0};
  double Lacc_ = 0.0;
};

// Root of f in the bracket [a, b] (f(a), f(b) of opposite signs, f
// monotone), found as the root of g = sqrt(f + chi2) - sqrt(chi2), i.e.
// sqrt(-2 R(lam)) = z, which is nearly linear in lam (-2 R ~ lam^2 B_1):
// Newton steps from x0 kept inside the shrinking bracket, bisection where a
// step leaves it (Numerical Recipes' rtsafe idea).  Returns log S at the root.
double tg_root(const TgTerms& t, std::size_t J, double chi2, double a, double fa, double b,
               double x0) {
  const double z = std::sqrt(chi2);
  double x = (x0 > std::min(a, b) && x0 < std::max(a, b)) ? x0 : 0.5 * (a + b);
  double lS = 0.0;
  for (int it = 0; it < 200; ++it) {
    double dfx;
    const double fx = t.eval(x, J, chi2, &dfx, &lS);
    if (fx == 0.0) break;
    if ((fx > 0.0) == (fa > 0.0)) { a = x; fa = fx; } else { b = x; }
    const double r = std::sqrt(std::max(fx + chi2, 0.0));  // sqrt(-2 R)
    const double g = r - z, dg = (r > 0.0) ? dfx / (2.0 * r) : 0.0;
    double xn = (dg != 0.0) ? x - g / dg : 0.5 * (a + b);
    if (!(xn > std::min(a, b) && xn < std::max(a, b))) xn = 0.5 * (a + b);
    const double dx = std::fabs(xn - x);
    if (std::fabs(b - a) <= 4.0 * kEps * std::fabs(x)) break;
    x = xn;
    // a Newton step this small leaves an error ~ (dx / x)^2 < 1e-16 relative
    // (g is nearly linear): one last evaluation of log S there
    if (dx <= 1e-8 * std::fabs(x) && xn != 0.5 * (a + b)) {
      t.eval(x, J, chi2, nullptr, &lS);
      break;
    }
  }
  return lS;
}

void tg_limits(const TgTerms& t, std::size_t J, double chi2, double* lo, double* up) {
  // -2 R(lam) ~ lam^2 B_1 near 0: a starting guess for both roots
  const double guess = std::sqrt(chi2 / t.greenwood_cached(J));
  // upper limit: lam in (0, inf); f(0) = -chi2 < 0 and f -> +inf
  double hi = guess, fhi = t.eval(hi, J, chi2, nullptr, nullptr);
  while (!(fhi > 0.0) && hi < 1e300) {
    hi *= 4.0;
    fhi = t.eval(hi, J, chi2, nullptr, nullptr);
  }
  *up = std::exp(tg_root(t, J, chi2, 0.0, -chi2, hi, guess));
  // lower limit: lam in (-m, 0), m = min(n_j - d_j) (the last term); f -> +inf at -m
  const double m = t.min_m(J);
  double a = -guess, w = 0.5;
  if (!(a > -m)) a = -0.5 * m;
  double fa = t.eval(a, J, chi2, nullptr, nullptr);
  while (!(fa > 0.0) && w > 1e-17) {
    w = std::min(w, (m + a) / m) * 0.5;
    a = -m * (1.0 - w);
    fa = t.eval(a, J, chi2, nullptr, nullptr);
  }
  if (!(fa > 0.0)) {  // the root is within rounding of -m: S(lam) is ~0 there
    double lS = 0.0;
    t.eval(a, J, chi2, nullptr, &lS);
    *lo = std::exp(lS);
    return;
  }
  *lo = std::exp(tg_root(t, J, chi2, a, fa, 0.0, -guess));
}

}  // namespace

void tg_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
           double* lower, double* upper) {
  check_conf_level(conf_level);
  const double z = two_sided_z(conf_level);
  const double chi2 = z * z;
  // the terms in row order, and how many of them lie at or before each row
  TgTerms terms;
  std::vector<std::size_t> upto(c.m);
  for (std::size_t r = 0; r < c.m; ++r) {
    if (c.n_event[r] > 0.0 && c.n_risk[r] > c.n_event[r]) terms.add(c.n_risk[r], c.n_event[r]);
    upto[r] = terms.size();
  }
  terms.finish();
  std::size_t last_J = static_cast<std::size_t>(-1);  // cache: same terms, same limits
  double last_lo = 1.0, last_up = 1.0;
  for_each_time(at, k, nullptr, lower, upper, [&](std::size_t i, double t) {
    const long r = last_row(c, t);
    const std::size_t J = (r < 0) ? 0 : upto[static_cast<std::size_t>(r)];
    if (J == 0) {
      lower[i] = upper[i] = 1.0;
      return;
    }
    if (J != last_J) {
      tg_limits(terms, J, chi2, &last_lo, &last_up);
      last_J = J;
    }
    lower[i] = last_lo;
    upper[i] = last_up;
  });
}

namespace {
// S, the Greenwood sum and (once S = 0) the limit of the Greenwood effective
// sample size, n_K / S(t_K-), at every row.  Built from the shared
// km_rows() (pointwise.h) with this file's convention: from the first row
// where S = 0 on, everything is frozen -- G keeps its last finite value (the
// infinite Greenwood term of an emptied risk set is skipped) and n0 is
// n_K / S(t_K-) of that row (Inf when S reached 0 by underflow instead).
// Equal bit for bit to accumulating with that convention directly.
struct KmRows {
  std::vector<double> S, G, n0;
  explicit KmRows(const CountsView& c) : n0(c.m, kInf) {
    km_rows(c, S, G);
    std::size_t z = 0;
    while (z < c.m && S[z] > 0.0) ++z;
    if (z == c.m) return;
    const double s_before = (z == 0) ? 1.0 : S[z - 1];
    const double g_before = (z == 0) ? 0.0 : G[z - 1];
    double g = G[z], nz = kInf;
    if (c.n_risk[z] == c.n_event[z]) {  // the risk set empties: skip the Inf term
      g = g_before;
      nz = c.n_risk[z] / s_before;
    }
    for (std::size_t r = z; r < c.m; ++r) {
      S[r] = 0.0;
      G[r] = g;
      n0[r] = nz;
    }
  }
};
}  // namespace

void rothman_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
                double* lower, double* upper) {
  check_conf_level(conf_level);
  const double z = two_sided_z(conf_level);
  const double z2 = z * z;
  const KmRows km(c);
  for_each_time(at, k, nullptr, lower, upper, [&](std::size_t i, double t) {
    const long r = last_row(c, t);
    const double S = (r < 0) ? 1.0 : km.S[r];
    if (S == 1.0) {  // no event yet
      lower[i] = upper[i] = 1.0;
      return;
    }
    if (S == 0.0) {  // Wilson for 0 successes of n' = n_K / S(t_K-)
      lower[i] = 0.0;
      upper[i] = z2 / (km.n0[r] + z2);
      return;
    }
    const double V = S * S * km.G[r];  // Greenwood variance
    wilson_interval(S, S * (1.0 - S) / V, z, lower + i, upper + i);  // n' = S(1 - S)/V
  });
}

void peto_at(const CountsView& c, const double* at, std::size_t k, double conf_level,
             double* lower, double* upper) {
  check_conf_level(conf_level);
  const double z = two_sided_z(conf_level);
  const KmRows km(c);
  for_each_time(at, k, nullptr, lower, upper, [&](std::size_t i, double t) {
    const long r = last_row(c, t);
    if (r < 0) {
      lower[i] = upper[i] = 1.0;
      return;
    }
    const double S = km.S[r];
    const double h = z * S * std::sqrt((1.0 - S) / c.n_risk[r]);
    lower[i] = std::max(0.0, S - h);
    upper[i] = std::min(1.0, S + h);
  });
}

}  // namespace smallsurv
