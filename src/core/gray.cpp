// gray.cpp -- see gray.h.  Two passes per stratum: the first walks the times
// forward and records, for every martingale increment, its variance m, its
// coefficient b and the part of u known at t; the second adds the part that
// needs the stratum's final C(T) and accumulates V.
#include "gray.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "event_table.h"

namespace smallsurv {

namespace {

struct Term {
  int k;                  // group of the martingale
  double m, b;            // variance and coefficient of C(T)
  std::vector<double> e;  // u without the C(T) part, groups 0..G-2
};

}  // namespace

GrayScore gray_score(const GrayInput& in, const index_vector& ord, int cause,
                     double rho) {
  const int G = in.ngroup, G1 = G - 1;
  GrayScore out;
  out.score.assign(G1, 0.0);
  out.var.assign(static_cast<std::size_t>(G1) * G1, 0.0);
  const std::size_t n = in.n;
  std::size_t lo = 0;
  std::vector<double> Y(G), Sm(G), S(G), Fm(G), Fn(G), h(G);
  std::vector<double> d0(G), d1(G), d2(G);
  std::vector<double> A(static_cast<std::size_t>(G) * G), C(static_cast<std::size_t>(G) * G);
  std::vector<Term> terms;
  auto stratum = [&](std::uint32_t i) { return in.strata ? in.strata[i] : 0; };
  while (lo < n) {
    // one stratum: [lo, hi)
    const int st = stratum(ord[lo]);
    std::size_t hi = lo;
    while (hi < n && stratum(ord[hi]) == st) ++hi;
    std::fill(Y.begin(), Y.end(), 0.0);
    for (std::size_t q = lo; q < hi; ++q) Y[in.group[ord[q]]] += 1.0;
    std::fill(Sm.begin(), Sm.end(), 1.0);
    std::fill(Fm.begin(), Fm.end(), 0.0);
    std::fill(C.begin(), C.end(), 0.0);
    terms.clear();
    double F0m = 0.0;
    std::size_t a = lo;
    while (a < hi) {
      std::size_t b = a;
      const double t = in.time[ord[a]];
      while (b < hi && in.time[ord[b]] == t) ++b;
      std::fill(d0.begin(), d0.end(), 0.0);
      std::fill(d1.begin(), d1.end(), 0.0);
      std::fill(d2.begin(), d2.end(), 0.0);
      double nd1 = 0, nd2 = 0;
      for (std::size_t q = a; q < b; ++q) {
        const std::uint32_t i = ord[q];
        const int g = in.group[i], s = in.status[i];
        if (s == 0) d0[g] += 1;
        else if (s == cause) { d1[g] += 1; nd1 += 1; }
        else { d2[g] += 1; nd2 += 1; }
      }
      if (nd1 > 0 || nd2 > 0) {
        double Hs = 0, Qs = 0;
        for (int g = 0; g < G; ++g) {
          S[g] = Sm[g];
          Fn[g] = Fm[g];
          h[g] = 0;
          if (Y[g] <= 0) continue;
          S[g] = Sm[g] * (Y[g] - d1[g] - d2[g]) / Y[g];
          Fn[g] = Fm[g] + Sm[g] * d1[g] / Y[g];
          h[g] = Y[g] / Sm[g];
          Hs += h[g];
          Qs += h[g] * (1.0 - Fm[g]);
        }
        const double F0 = F0m + nd1 / Hs;
        const double W = std::pow(1.0 - F0m, rho);
        const double cstep = nd1 / (Hs * (1.0 - F0m));
        for (int g = 0; g < G; ++g) {
          for (int k = 0; k < G; ++k) {
            double v = 0.0;
            if (Y[g] > 0 && Y[k] > 0) v = W * h[g] * ((g == k ? 1.0 : 0.0) - h[k] / Hs);
            A[g + G * k] = v;
            if (nd1 > 0) C[g + G * k] += v * cstep;
          }
        }
        for (int g = 0; g < G1; ++g)
          if (Y[g] > 0) out.score[g] += W * (d1[g] - nd1 * h[g] * (1.0 - Fm[g]) / Qs);
        if (nd1 > 0) {
          for (int k = 0; k < G; ++k) {
            if (Y[k] <= 0) continue;
            const double bb = S[k] > 0 ? 1.0 - (1.0 - F0) / S[k] : 1.0;
            const double tau = nd1 > 1 ? 1.0 - (nd1 - 1.0) / (Hs * Sm[k] - 1.0) : 1.0;
            Term tm{k, tau * Sm[k] * nd1 / (Hs * Y[k]), bb, std::vector<double>(G1)};
            for (int g = 0; g < G1; ++g) tm.e[g] = A[g + G * k] - bb * C[g + G * k];
            terms.push_back(std::move(tm));
          }
        }
        if (nd2 > 0) {
          for (int k = 0; k < G; ++k) {
            if (!(S[k] > 0) || d2[k] <= 0) continue;
            const double bb = (1.0 - F0) / S[k];
            const double tau = d2[k] > 1 ? 1.0 - (d2[k] - 1.0) / (Y[k] - 1.0) : 1.0;
            Term tm{k, tau * Sm[k] * Sm[k] * d2[k] / (Y[k] * Y[k]), bb, std::vector<double>(G1)};
            for (int g = 0; g < G1; ++g) tm.e[g] = -bb * C[g + G * k];
            terms.push_back(std::move(tm));
          }
        }
        F0m = F0;
        Fm = Fn;
        Sm = S;
      }
      for (int g = 0; g < G; ++g) Y[g] -= d0[g] + d1[g] + d2[g];
      a = b;
    }
    // second pass: u = e + b C(T)
    std::vector<double> u(G1);
    for (const Term& tm : terms) {
      for (int g = 0; g < G1; ++g) u[g] = tm.e[g] + tm.b * C[g + G * tm.k];
      for (int g = 0; g < G1; ++g)
        for (int l = 0; l < G1; ++l) out.var[g + G1 * l] += tm.m * u[g] * u[l];
    }
    lo = hi;
  }
  return out;
}

double gray_statistic(const GrayScore& gs) {
  const int p = static_cast<int>(gs.score.size());
  std::vector<double> M(gs.var), x(gs.score);
  double scale = 0.0;
  for (double v : M) scale = std::max(scale, std::fabs(v));
  if (!(scale > 0)) return std::numeric_limits<double>::quiet_NaN();
  for (int c = 0; c < p; ++c) {
    int piv = c;
    for (int r = c + 1; r < p; ++r)
      if (std::fabs(M[r + p * c]) > std::fabs(M[piv + p * c])) piv = r;
    if (std::fabs(M[piv + p * c]) <= 1e-10 * scale) return std::numeric_limits<double>::quiet_NaN();
    if (piv != c) {
      for (int k = 0; k < p; ++k) std::swap(M[c + p * k], M[piv + p * k]);
      std::swap(x[c], x[piv]);
    }
    for (int r = c + 1; r < p; ++r) {
      const double f = M[r + p * c] / M[c + p * c];
      for (int k = c; k < p; ++k) M[r + p * k] -= f * M[c + p * k];
      x[r] -= f * x[c];
    }
  }
  for (int c = p - 1; c >= 0; --c) {
    for (int k = c + 1; k < p; ++k) x[c] -= M[c + p * k] * x[k];
    x[c] /= M[c + p * c];
  }
  double stat = 0.0;
  for (int c = 0; c < p; ++c) stat += gs.score[c] * x[c];
  return stat;
}

namespace {
// splitmix64: small, fast, good enough to drive a permutation
struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t m) {  // unbiased integer in [0, m)
    const std::uint64_t lim = UINT64_MAX - UINT64_MAX % m;
    std::uint64_t r;
    do r = next(); while (r >= lim);
    return static_cast<std::size_t>(r % m);
  }
};
}  // namespace

std::vector<double> gray_permutation(const GrayInput& in, const index_vector& ord, double rho,
                                     int reps, std::uint64_t seed,
                                     const std::vector<double>& observed) {
  std::vector<int> grp(in.group, in.group + in.n);
  GrayInput pin = in;
  pin.group = grp.data();
  SplitMix rng{seed};
  const int K = in.ncause;
  std::vector<double> ge(K, 0.0), valid(K, 0.0);
  // stratum blocks in `ord` (the permutation shuffles labels inside them)
  std::vector<std::size_t> starts{0};
  for (std::size_t q = 1; q < in.n; ++q)
    if (in.strata && in.strata[ord[q]] != in.strata[ord[q - 1]]) starts.push_back(q);
  starts.push_back(in.n);
  for (int r = 0; r < reps; ++r) {
    for (std::size_t blk = 0; blk + 1 < starts.size(); ++blk) {
      const std::size_t b0 = starts[blk], m = starts[blk + 1] - b0;
      for (std::size_t q = m; q > 1; --q) {
        const std::size_t j = rng.below(q);
        std::swap(grp[ord[b0 + q - 1]], grp[ord[b0 + j]]);
      }
    }
    for (int c = 1; c <= K; ++c) {
      if (std::isnan(observed[c - 1])) continue;
      const double t = gray_statistic(gray_score(pin, ord, c, rho));
      if (std::isnan(t)) continue;
      valid[c - 1] += 1;
      if (t >= observed[c - 1] * (1 - 1e-12)) ge[c - 1] += 1;
    }
  }
  std::vector<double> p(K);
  for (int c = 0; c < K; ++c)
    p[c] = std::isnan(observed[c]) ? std::numeric_limits<double>::quiet_NaN()
                                   : (1.0 + ge[c]) / (1.0 + valid[c]);
  return p;
}

}  // namespace smallsurv
