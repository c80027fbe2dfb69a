// km.cpp -- see km.h.
#include "km.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "compensated_sum.h"
#include "product_limit.h"

namespace smallsurv {

namespace {

// Sum over observations of squared IJ influences, for every row, given the
// per-row hazard-increment c_j (what an at-risk observation loses) and the
// per-row jump a_j (what an observation with an event at row j gains).
// Influence of obs i at row j (unweighted part), with b_i = C_{first_i - 1}:
//   0                                  j <  first_i
//   -(C_j - b_i)                       first_i <= j < stop_i
//   -(C_{stop_i} - b_i) + dN_i a_stop  j >= stop_i          ("finished")
// with C the running sum of c within the stratum.  The active part
// sum w_i^2 (C_j - b_i)^2 is kept as moments about a moving centre equal to
// C_j: m0 = sum w^2, m1 = sum w^2 (b - centre), m2 = sum w^2 (b - centre)^2.
// Moving the centre forward by delta adds only non-negative terms
// (m2 += -2 delta m1 + m0 delta^2 with m1 <= 0), so nothing cancels; an
// entrant joins with b equal to the centre.  The variance changes only at
// rows with events (survfit's convention, which this reproduces exactly).
std::vector<double> ij_sum_squares(const EventTable& tab, const std::vector<double>& c,
                                   const std::vector<double>& a, const double* w,
                                   const std::vector<int>& status) {
  const std::size_t nrow = tab.nrow();
  const std::size_t n = tab.stop_row.size();
  // C_j and C_{j-1} within the stratum, as compensated running sums: an
  // observation's deviation C_{first-1} - C_j is a difference of two large
  // sums that may be close (late entrants, the tail), taken with both
  // compensations so it is accurate relative to itself
  std::vector<NeumaierSum> C(nrow), Cprev(nrow);
  for (int s = 0; s < tab.nstrata; ++s) {
    NeumaierSum run;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      Cprev[r] = run;
      run.add(c[r]);
      C[r] = run;
    }
  }
  // observations bucketed by the row where they enter and where they leave
  std::vector<std::size_t> enter_start(nrow + 1, 0), leave_start(nrow + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (tab.first_row[i] > tab.stop_row[i]) continue;  // never at risk
    ++enter_start[tab.first_row[i] + 1];
    ++leave_start[tab.stop_row[i] + 1];
  }
  for (std::size_t r = 0; r < nrow; ++r) {
    enter_start[r + 1] += enter_start[r];
    leave_start[r + 1] += leave_start[r];
  }
  std::vector<std::uint32_t> enter(enter_start[nrow]), leave(leave_start[nrow]);
  {
    std::vector<std::size_t> pe(enter_start.begin(), enter_start.end() - 1);
    std::vector<std::size_t> pl(leave_start.begin(), leave_start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      if (tab.first_row[i] > tab.stop_row[i]) continue;
      enter[pe[tab.first_row[i]]++] = static_cast<std::uint32_t>(i);
      leave[pl[tab.stop_row[i]]++] = static_cast<std::uint32_t>(i);
    }
  }
  std::vector<double> v(nrow);
  for (int s = 0; s < tab.nstrata; ++s) {
    // the moments of the observations at risk lose their leavers one by one
    // (in the tail a handful remain of all who were ever at risk): kept as
    // compensated sums so that what remains is not a rounding residue
    NeumaierSum m0, m1, m2, fin;
    double last = 0.0;
    std::size_t active = 0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      // entrants at this row: b = C_{r-1} = centre
      for (std::size_t q = enter_start[r]; q < enter_start[r + 1]; ++q) {
        const double wi = w ? w[enter[q]] : 1.0;
        m0.add(wi * wi);
        ++active;
      }
      // move the centre from C_{r-1} to C_r: by the row's own term c_r
      const double delta = c[r];
      if (delta != 0.0) {
        const double M0 = m0.value(), M1 = m1.value();
        m2.add(-2.0 * delta * M1 + M0 * delta * delta);
        m1.add(-M0 * delta);
      }
      // leavers: from the active moments to the finished sum
      for (std::size_t q = leave_start[r]; q < leave_start[r + 1]; ++q) {
        const std::uint32_t i = leave[q];
        const double wi = w ? w[i] : 1.0, w2 = wi * wi;
        const double dev = NeumaierSum::difference(Cprev[tab.first_row[i]], C[r]);  // b - centre
        m0.add(-w2);
        m1.add(-w2 * dev);
        m2.add(-w2 * dev * dev);
        --active;
        double f = dev;  // -(C_r - b)
        if (status[i] > 0) f += a[r];
        if (std::isfinite(f)) fin.add(w2 * f * f);
      }
      if (active == 0) m0 = m1 = m2 = NeumaierSum{};  // no residue from the subtractions
      if (tab.n_event[r] > 0) {
        const double M2 = m2.value();
        last = (M2 > 0 ? M2 : 0.0) + fin.value();
      }
      v[r] = last;
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
  res.logse = kaplan_meier(tab, robust, weights,
                           KmOutput{res.surv.data(), res.cumhaz.data(), res.std_err.data(),
                                    res.std_chaz.data()});
  return res;
}

bool kaplan_meier(const EventTable& tab, bool robust, const double* weights, KmOutput res) {
  const std::size_t nrow = tab.nrow();
  for (int s = 0; s < tab.nstrata; ++s) {
    ProductLimit pl;  // survival's operations in survival's order
    double se = 0.0, sh = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      if (pl.step(tab.n_risk[r], tab.n_event[r])) {
        se = std::sqrt(pl.greenwood);  // Inf once n == d, as survival
        sh = std::sqrt(pl.var_cumhaz);
      }
      res.surv[r] = pl.surv;
      res.cumhaz[r] = pl.cumhaz;
      res.std_err[r] = se;
      res.std_chaz[r] = sh;
    }
  }
  if (!robust) return true;
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
  return false;
}

}  // namespace smallsurv
