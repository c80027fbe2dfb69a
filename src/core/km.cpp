// km.cpp -- see km.h.
#include "km.h"

#include <cmath>
#include <limits>

namespace smallsurv {

namespace {

// Sum over observations of squared IJ influences, for every row, given the
// per-row hazard-increment c_j (what an at-risk observation loses) and the
// per-row jump a_j (what an observation with an event at row j gains).
// Influence of obs i at row j (unweighted part):
//   0                                        j <  first_i
//   -(C_j - C_{first_i - 1})                 first_i <= j < stop_i
//   -(C_{stop_i} - C_{first_i - 1}) + dN_i a_{stop_i}    j >= stop_i
// with C the running sum of c within the stratum.
std::vector<double> ij_sum_squares(const EventTable& tab, const std::vector<double>& c,
                                   const std::vector<double>& a, const double* w,
                                   const std::vector<int>& status) {
  const std::size_t nrow = tab.nrow();
  const std::size_t n = tab.stop_row.size();
  std::vector<double> C(nrow), Cprev(nrow);  // C_j and C_{j-1} within stratum
  for (int s = 0; s < tab.nstrata; ++s) {
    double run = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      Cprev[r] = run;
      run += c[r];
      C[r] = run;
    }
  }
  // moments of the active observations, added at first row, removed at stop
  std::vector<double> d0(nrow + 1, 0.0), d1(nrow + 1, 0.0), d2(nrow + 1, 0.0);
  std::vector<double> done(nrow + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = w ? w[i] : 1.0;
    const double w2 = wi * wi;
    const std::size_t f = tab.first_row[i], s = tab.stop_row[i];
    if (f > s) continue;  // never at risk (cannot happen for valid input)
    const double base = Cprev[f];
    if (f < s) {
      d0[f] += w2; d1[f] += w2 * base; d2[f] += w2 * base * base;
      d0[s] -= w2; d1[s] -= w2 * base; d2[s] -= w2 * base * base;
    }
    double fin = -(C[s] - base);
    if (status[i] > 0) fin += a[s];
    if (std::isfinite(fin)) done[s] += w2 * fin * fin;
  }
  std::vector<double> v(nrow);
  for (int s = 0; s < tab.nstrata; ++s) {
    double m0 = 0, m1 = 0, m2 = 0, fin = 0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      m0 += d0[r]; m1 += d1[r]; m2 += d2[r]; fin += done[r];
      const double Cj = C[r];
      double act = m0 * Cj * Cj - 2.0 * Cj * m1 + m2;
      if (act < 0) act = 0;  // rounding
      v[r] = act + fin;
    }
  }
  return v;
}

}  // namespace

KmResult kaplan_meier(const EventTable& tab, bool robust, const double* weights) {
  const std::size_t nrow = tab.nrow();
  KmResult res;
  res.surv.resize(nrow);
  res.cumhaz.resize(nrow);
  res.std_err.resize(nrow);
  res.std_chaz.resize(nrow);
  res.logse = !robust;
  for (int s = 0; s < tab.nstrata; ++s) {
    double S = 1.0, H = 0.0, gw = 0.0, vh = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      const double d = tab.n_event[r], nr = tab.n_risk[r];
      if (d > 0) {
        S *= (nr - d) / nr;
        H += d / nr;
        gw += d / (nr * (nr - d));  // Inf when nr == d, as survival
        vh += d / (nr * nr);
      }
      res.surv[r] = S;
      res.cumhaz[r] = H;
      res.std_err[r] = std::sqrt(gw);
      res.std_chaz[r] = std::sqrt(vh);
    }
  }
  if (!robust) return res;
  if (tab.stop_row.size() == 0)
    throw std::logic_error("robust variance needs the per-observation rows of the event table");

  std::vector<double> c_s(nrow), a_s(nrow), c_h(nrow), a_h(nrow);
  for (std::size_t r = 0; r < nrow; ++r) {
    const double d = tab.n_event[r], nr = tab.n_risk[r];
    if (d > 0 && nr > d) {
      c_s[r] = d / (nr * (nr - d));
      a_s[r] = 1.0 / (nr - d);
    } else {
      c_s[r] = 0.0;
      a_s[r] = (d > 0) ? std::numeric_limits<double>::infinity() : 0.0;
    }
    c_h[r] = (d > 0) ? d / (nr * nr) : 0.0;
    a_h[r] = (nr > 0) ? 1.0 / nr : 0.0;
  }
  const std::vector<int>& ev = tab.obs_status;
  std::vector<double> vs = ij_sum_squares(tab, c_s, a_s, weights, ev);
  std::vector<double> vh = ij_sum_squares(tab, c_h, a_h, weights, ev);
  for (std::size_t r = 0; r < nrow; ++r) {
    res.std_err[r] = res.surv[r] > 0 ? res.surv[r] * std::sqrt(vs[r]) : 0.0;
    res.std_chaz[r] = std::sqrt(vh[r]);
  }
  return res;
}

}  // namespace smallsurv
