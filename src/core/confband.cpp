// confband.cpp -- see confband.h for the mathematics and references.
#include "confband.h"

#include "normal.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "errors.h"

namespace smallsurv {

namespace {

constexpr double kPi = 3.14159265358979323846;

double norm_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n).
struct GaussLegendre {
  std::vector<double> x, w;
  explicit GaussLegendre(int n) : x(n), w(n) {
    for (int i = 0; i < n; ++i) {
      double z = std::cos(kPi * (i + 0.75) / (n + 0.5)), pp = 0.0;
      for (int it = 0; it < 100; ++it) {
        double p1 = 1.0, p2 = 0.0;
        for (int j = 1; j <= n; ++j) {
          const double p3 = p2;
          p2 = p1;
          p1 = ((2.0 * j - 1.0) * z * p2 - (j - 1.0) * p3) / j;
        }
        pp = n * (z * p1 - p2) / (z * z - 1.0);
        const double dz = p1 / pp;
        z -= dz;
        if (std::fabs(dz) < 1e-15) break;
      }
      x[i] = z;
      w[i] = 2.0 / ((1.0 - z * z) * pp * pp);
    }
  }
};

const GaussLegendre& gl20() {
  static const GaussLegendre g(20);
  return g;
}

// Hall-Wellner: probability, given W0(aL) = y, that the bridge stays in
// (-k, k) on [aL, aU] (divided out by nothing: it is a conditional
// probability).  Images: the killed density of Brownian motion in (-k, k)
// over time T is sum_n [phi_T(z - y + 4nk) - phi_T(z + y + 2k + 4nk)].
double hw_conditional(double y, double k, double aL, double aU) {
  const double T = aU - aL, V = 1.0 - aU, S = 1.0 - aL;  // S = T + V
  const double s = std::sqrt(T * V / S);
  double total = 0.0;
  for (int n = -30; n <= 30; ++n) {
    const double shift = 4.0 * n * k;
    if (std::fabs(shift) > 6.0 * k + 12.0 * std::sqrt(S)) continue;
    const double m[2] = {y - shift, -y - 2.0 * k - shift};
    for (int r = 0; r < 2; ++r) {
      const double mu = m[r] * V / S;
      const double mass = s > 0.0 ? norm_cdf((k - mu) / s) - norm_cdf((-k - mu) / s)
                                  : (std::fabs(mu) < k ? 1.0 : 0.0);
      const double ratio = std::exp(-(m[r] * m[r] - y * y) / (2.0 * S));
      total += (r == 0 ? 1.0 : -1.0) * ratio * mass;
    }
  }
  return total;
}

// Chebyshev points, differentiation matrix and Clenshaw-Curtis weights
// (Trefethen 2000, Spectral Methods in MATLAB, cheb.m and clencurt.m).
struct Cheb {
  int N;
  std::vector<double> x, D, w;  // D row-major (N+1)^2
  explicit Cheb(int n) : N(n), x(n + 1), D((n + 1) * (n + 1)), w(n + 1, 0.0) {
    for (int j = 0; j <= N; ++j) x[j] = std::cos(kPi * j / N);
    auto cc = [&](int j) { return (j == 0 || j == N ? 2.0 : 1.0) * (j % 2 ? -1.0 : 1.0); };
    for (int i = 0; i <= N; ++i) {
      double rs = 0.0;
      for (int j = 0; j <= N; ++j) {
        if (i == j) continue;
        const double d = cc(i) / cc(j) / (x[i] - x[j]);
        D[i * (N + 1) + j] = d;
        rs += d;
      }
      D[i * (N + 1) + i] = -rs;
    }
    for (int j = 1; j < N; ++j) {
      const double th = kPi * j / N;
      double v = 1.0;
      if (N % 2 == 0) {
        for (int k = 1; k < N / 2; ++k) v -= 2.0 * std::cos(2.0 * k * th) / (4.0 * k * k - 1.0);
        v -= std::cos(N * th) / (N * N - 1.0);
      } else {
        for (int k = 1; k <= (N - 1) / 2; ++k) v -= 2.0 * std::cos(2.0 * k * th) / (4.0 * k * k - 1.0);
      }
      w[j] = 2.0 * v / N;
    }
  }
};

const Cheb& cheb() {
  static const Cheb c(48);
  return c;
}

using Mat = std::vector<double>;

void matmul(const Mat& a, const Mat& b, Mat& out, int m) {
  std::fill(out.begin(), out.end(), 0.0);
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < m; ++k) {
      const double aik = a[i * m + k];
      if (aik == 0.0) continue;
      for (int j = 0; j < m; ++j) out[i * m + j] += aik * b[k * m + j];
    }
}

// Illinois regula falsi for f increasing on [lo, hi] with f(lo) < 0 < f(hi).
template <class F>
double increasing_root(F f, double lo, double hi) {
  double flo = f(lo), fhi = f(hi);
  while (fhi < 0.0) {
    lo = hi;
    flo = fhi;
    hi *= 2.0;
    fhi = f(hi);
    if (hi > 1e3) throw input_error("confidence band: no critical value below 1000");
  }
  int side = 0;
  for (int it = 0; it < 200; ++it) {
    const double x = (lo * fhi - hi * flo) / (fhi - flo);
    const double fx = f(x);
    if (fx == 0.0 || hi - lo < 1e-13 * std::max(1.0, hi)) return x;
    if (fx < 0.0) {
      lo = x;
      flo = fx;
      if (side == -1) fhi /= 2.0;
      side = -1;
    } else {
      hi = x;
      fhi = fx;
      if (side == 1) flo /= 2.0;
      side = 1;
    }
    if (std::fabs(hi - lo) < 1e-12) break;
  }
  return (lo + hi) / 2.0;
}

}  // namespace

double hw_noncross_prob(double k, double aL, double aU) {
  if (!(aL >= 0.0 && aL <= aU && aU <= 1.0)) {
    throw input_error("Hall-Wellner band: need 0 <= a_L <= a_U <= 1");
  }
  if (!(k > 0.0)) return 0.0;
  const double sL = std::sqrt(aL * (1.0 - aL));
  if (aU - aL <= 0.0) return sL > 0.0 ? 2.0 * norm_cdf(k / sL) - 1.0 : 1.0;
  if (sL == 0.0) return hw_conditional(0.0, k, aL, aU);
  // integrate phi(u) * hw_conditional(sL u) over |sL u| < k
  const double U = std::min(k / sL, 12.0);
  const int panels = 40;
  const GaussLegendre& g = gl20();
  double total = 0.0;
  const double h = 2.0 * U / panels;
  for (int p = 0; p < panels; ++p) {
    const double mid = -U + (p + 0.5) * h;
    for (std::size_t i = 0; i < g.x.size(); ++i) {
      const double u = mid + 0.5 * h * g.x[i];
      const double dens = std::exp(-0.5 * u * u) / std::sqrt(2.0 * kPi);
      total += 0.5 * h * g.w[i] * dens * hw_conditional(sL * u, k, aL, aU);
    }
  }
  return total;
}

double ep_noncross_prob(double c, double aL, double aU) {
  if (!(aL > 0.0 && aL <= aU && aU < 1.0)) {
    throw input_error("equal-precision band: need 0 < a_L <= a_U < 1");
  }
  if (!(c > 0.0)) return 0.0;
  const double L = std::log(aU * (1.0 - aL) / (aL * (1.0 - aU)));
  if (!(L > 0.0)) return 2.0 * norm_cdf(c) - 1.0;
  const Cheb& ch = cheb();
  const int N = ch.N, m = N - 1, N1 = N + 1;
  // generator on x in [-1, 1] (y = c x): v_xx / (2 c^2) - x v_x / 2, interior rows/cols
  Mat A(m * m), D2(N1 * N1, 0.0);
  for (int i = 0; i < N1; ++i)
    for (int k = 0; k < N1; ++k) {
      const double dik = ch.D[i * N1 + k];
      if (dik == 0.0) continue;
      for (int j = 0; j < N1; ++j) D2[i * N1 + j] += dik * ch.D[k * N1 + j];
    }
  double norm = 0.0;
  for (int i = 1; i < N; ++i) {
    double rs = 0.0;
    for (int j = 1; j < N; ++j) {
      const double a = L * (D2[i * N1 + j] / (2.0 * c * c) - 0.5 * ch.x[i] * ch.D[i * N1 + j]);
      A[(i - 1) * m + (j - 1)] = a;
      rs += std::fabs(a);
    }
    norm = std::max(norm, rs);
  }
  int s = 0;
  while (norm / std::ldexp(1.0, s) > 0.25) ++s;
  const double scale = std::ldexp(1.0, -s);
  for (double& a : A) a *= scale;
  // exp(A) by Taylor (Horner, order 18), then square s times
  Mat E(m * m, 0.0), tmp(m * m);
  for (int i = 0; i < m; ++i) E[i * m + i] = 1.0;
  for (int order = 18; order >= 1; --order) {
    matmul(A, E, tmp, m);
    for (int i = 0; i < m * m; ++i) E[i] = tmp[i] / order;
    for (int i = 0; i < m; ++i) E[i * m + i] += 1.0;
  }
  for (int r = 0; r < s; ++r) {
    matmul(E, E, tmp, m);
    E.swap(tmp);
  }
  double total = 0.0;
  for (int i = 1; i < N; ++i) {
    double v = 0.0;
    for (int j = 0; j < m; ++j) v += E[(i - 1) * m + j];
    const double y = c * ch.x[i];
    total += ch.w[i] * c * std::exp(-0.5 * y * y) / std::sqrt(2.0 * kPi) * v;
  }
  return total;
}

double hw_critical_value(double level, double aL, double aU) {
  check_conf_level(level);
  hw_noncross_prob(1.0, aL, aU);  // validates the range
  return increasing_root([&](double k) { return hw_noncross_prob(k, aL, aU) - level; }, 1e-8, 2.0);
}

double ep_critical_value(double level, double aL, double aU) {
  check_conf_level(level);
  ep_noncross_prob(1.0, aL, aU);
  return increasing_root([&](double c) { return ep_noncross_prob(c, aL, aU) - level; }, 1e-8, 4.0);
}

}  // namespace smallsurv
