// aalen_johansen.cpp -- see aalen_johansen.h for the contract.
//
// The IJ variance in O(n log n + rows) per cause.  Write h_j = d_j/n_j,
// c_j = d_j/(n_j(n_j - d_j)) (0 when n_j = d_j), C_j its running sum within
// the stratum and dF_j = S_{j-1} d_kj/n_j.  The influence of observation i
// (entering the risk set at row f, leaving at row s) on S and F_k is, per
// unit weight (derived from the Aalen-Johansen recursion
//   dS_i(j)  = dS_i(j-1)(1 - h_j) - S_{j-1}(dN_i(j) - Y_i(j) h_j)/n_j,
//   dF_ki(j) = dF_ki(j-1) + dS_i(j-1) d_kj/n_j + S_{j-1}(dN_ki(j) - Y_i(j) d_kj/n_j)/n_j):
//   f <= j < s : dS = S_j C_j - C_{f-1} S_j
//                dF = X_j - C_{f-1} F_j + (C_{f-1} F_{f-1} - X_{f-1})
//   j >= s     : dS = -g S_j,   dF = I_s - g (F_j - F_s)
// with X_j = sum_{l<=j} dF_l (C_{l-1} - 1/n_l), g = C_{f-1} - C_s + dN_i/(n_s - d_s)
// (0 when n_s = d_s: nothing changes afterwards) and I_s the at-risk value at
// s plus S_{s-1}/n_s for an event of cause k.  Every influence is therefore
// a . (X_j, F_j, 1) (or a . (S_j C_j, S_j)) with a coefficient vector that
// changes only where an observation of the cluster enters or leaves, so the
// sum over clusters of squared influences is a quadratic form in
// (X_j, F_j, 1) whose six moments are accumulated from difference arrays:
// O(n) updates, a sort of the change points by cluster (only with clusters),
// and one pass over the rows.  (The direct influence matrix is O(n x rows).)
//
// The area under a curve, A(r) = sum_{m<r} p(m) (t_{m+1} - t_m) (from the
// first row; p0 before it is fixed), has influence a . V(r) + beta with
// V(r) = sum_{m<r} v(m) dt_m for the same piecewise-constant coefficients
// a and the basis v = (S C, S) or (X, F, 1); beta changes by -delta_a . V
// where a changes (A is continuous there), so its IJ variance is again a
// quadratic form, in (V(r), 1) (auc_variance()).  The Nelson-Aalen
// H_k(t) = sum d_kj/n_j has influence -(G(t) - G(f-1)) while at risk and
// -(G(s) - G(f-1)) + [cause k at s]/n_s after, with G = sum d_kj/n_j^2: a
// quadratic form in (G(t), 1).
#include "aalen_johansen.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "compensated_sum.h"
#include "product_limit.h"

namespace smallsurv {

namespace {

// Gray's tie factor for d tied failures among n at risk: (n - d)/(n - 1),
// taken as 1 when d = 1 (which also covers n = 1).
inline double tie_factor(double d, double n) {
  return d == 1.0 ? 1.0 : 1.0 - (d - 1.0) / (n - 1.0);
}

// Square root of a variance accumulated as a sum of terms of mixed sign:
// a result within rounding error of those terms (relative 64 eps) is 0 --
// e.g. F = 1 after the last subject at risk fails, where the exact variance
// is 0 and the sum leaves ~1e-17.
// A NaN (a variance that could not be computed) stays NaN: the R side
// reports it as NA with a warning, never as 0.
inline double clean_sqrt(double v, double magnitude) {
  if (std::isnan(v) || std::isnan(magnitude)) return std::numeric_limits<double>::quiet_NaN();
  if (!(v > 64.0 * 2.220446049250313e-16 * magnitude)) return 0.0;
  return std::sqrt(v);
}

// Square root of a variance accumulated from non-negative parts (centred
// moments): a negative rounding residue is 0, a NaN stays NaN (reported as
// NA with a warning on the R side, never as 0).
inline double sqrt_nonneg(double v) {
  if (std::isnan(v)) return v;
  return v > 0.0 ? std::sqrt(v) : 0.0;
}

// sum_j w_j e_j^2 with e_j = a_j - F b_j, kept about the current F (the
// centre): m0 = sum w b^2, m1 = sum w b e, m2 = sum w e^2.  A term joins
// with its e at the current centre; moving the centre by delta changes
// every e by -delta b, so m2 += delta (delta m0 - 2 m1) and
// m1 -= delta m0: only the change is added, never a difference of the
// expanded powers of F.  (For (F - F_j)^2 terms, e = F_j - F with b = 1,
// e = 0 at joining: then m1 <= 0 and every update adds a non-negative
// amount, as F never decreases.)
struct CentredSquares {
  double m0 = 0.0, m1 = 0.0, m2 = 0.0, centre = 0.0;
  void move_to(double F) {
    const double delta = F - centre;
    if (delta == 0.0) return;
    m2 += delta * (m0 * delta - 2.0 * m1);
    m1 -= m0 * delta;
    centre = F;
  }
  // a term w (a - F b)^2 whose value at the current centre is e = a - centre b;
  // for (F - F_j)^2 terms pass b = 1, e = 0 (for a term joining at e = 0
  // the sign of b does not matter: it enters only through b^2 and b e)
  void add(double w, double b, double e) {
    m0 += w * b * b;
    m1 += w * b * e;
    m2 += w * e * e;
  }
  double sum_squares() const { return m2; }
};

// sum_j p_j (F - F_j), kept about the current F: each term joins at 0 and
// grows by p_j delta when F moves by delta.
struct CentredLinear {
  double p0 = 0.0, p1 = 0.0, centre = 0.0;
  void move_to(double F) {
    const double delta = F - centre;
    if (delta == 0.0) return;
    p1 += p0 * delta;
    centre = F;
  }
  void add(double p) { p0 += p; }
  double sum() const { return p1; }
};

// A difference array accumulated with compensation: add(r, x) at the
// change points, then running() (in aalen_johansen) leaves in v the running
// sums within each stratum.
struct DiffArray {
  std::vector<NeumaierSum> acc;
  std::vector<double> v;
  explicit DiffArray(std::size_t n) : acc(n), v(n, 0.0) {}
  void add(std::size_t r, double x) { acc[r].add(x); }
  void reset() { std::fill(acc.begin(), acc.end(), NeumaierSum{}); }
  double operator[](std::size_t r) const { return v[r]; }
};

struct Change {
  int cluster;
  std::size_t row;
  std::size_t obs;
  bool post;  // false: enters the risk set; true: leaves (switch to post form)
};

// IJ variance of the area under a curve whose influence per cluster is
// a . v(m) (see the top of the file): D basis functions, their cumulative
// areas Vcum (nrow x D, row-major, V(r) = sum_{m<r} v(m) dt_m within the
// stratum), coef(change, delta_a) the change of a at a change point.
// Writes the standard errors to out[0 .. nrow).
template <int D, typename Coef>
void auc_variance(const std::vector<Change>& ch, const std::vector<int>& row_stratum,
                  const EventTable& tab, const std::vector<double>& Vcum, Coef coef,
                  double* out) {
  constexpr int E = D + 1, M = E * (E + 1) / 2;
  const std::size_t nrow = tab.nrow();
  std::vector<NeumaierSum> Q(nrow * M);
  double cur[E] = {};
  int cur_cl = -1, cur_st = -1;
  auto add = [&](std::size_t r, double sign) {
    NeumaierSum* q = &Q[r * M];
    int idx = 0;
    for (int p = 0; p < E; ++p)
      for (int u = p; u < E; ++u) q[idx++].add(sign * cur[p] * cur[u]);
  };
  for (const Change& c : ch) {
    const int st = row_stratum[c.row];
    if (c.cluster != cur_cl || st != cur_st) {
      std::fill(cur, cur + E, 0.0);
      cur_cl = c.cluster;
      cur_st = st;
    }
    double dlt[D];
    coef(c, dlt);
    add(c.row, -1.0);
    const double* V = &Vcum[c.row * D];
    for (int p = 0; p < D; ++p) {
      cur[p] += dlt[p];
      cur[D] -= dlt[p] * V[p];
    }
    add(c.row, 1.0);
  }
  for (int s = 0; s < tab.nstrata; ++s) {
    NeumaierSum run[M];
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      double u[E];
      for (int p = 0; p < D; ++p) u[p] = Vcum[r * D + p];
      u[D] = 1.0;
      double v = 0.0, mag = 0.0;
      int idx = 0;
      for (int p = 0; p < E; ++p) {
        for (int q = p; q < E; ++q, ++idx) {
          run[idx].add(Q[r * M + idx].sum);
          run[idx].add(Q[r * M + idx].comp);
          const double t = run[idx].value() * u[p] * u[q] * (p == q ? 1.0 : 2.0);
          v += t;
          mag += std::fabs(t);
        }
      }
      out[r] = clean_sqrt(v, mag);
    }
  }
}

// Cumulative areas V(r) = sum_{m<r} v(m) (t_{m+1} - t_m) within each
// stratum, for D basis functions given by basis(m, v).
template <int D, typename Basis>
std::vector<double> cumulative_areas(const EventTable& tab, Basis basis) {
  std::vector<double> V(tab.nrow() * D, 0.0);
  for (int s = 0; s < tab.nstrata; ++s) {
    double run[D] = {};
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      for (int p = 0; p < D; ++p) V[r * D + p] = run[p];
      if (r + 1 < tab.offset[s + 1]) {
        double v[D];
        basis(r, v);
        const double dt = tab.time[r + 1] - tab.time[r];
        for (int p = 0; p < D; ++p) run[p] += v[p] * dt;
      }
    }
  }
  return V;
}

}  // namespace

AjResult aalen_johansen(const EventTable& tab, AjVariance variance, const double* w,
                        const int* cluster, int ncluster, bool auc) {
  const std::size_t nrow = tab.nrow();
  const int K = tab.ncause;
  const int ns = K + 1;
  AjResult res;
  res.nstate = ns;
  res.pstate.assign(nrow * ns, 0.0);
  res.std_err.assign(nrow * ns, 0.0);
  res.cumhaz.assign(nrow * K, 0.0);
  auto dk = [&](std::size_t r, int k) {  // weighted events of cause k + 1 at row r
    return K > 1 ? tab.n_event_cause[r * K + k] : tab.n_event[r];
  };
  auto P = [&](std::size_t r, int state) -> double& { return res.pstate[state * nrow + r]; };
  auto SE = [&](std::size_t r, int state) -> double& { return res.std_err[state * nrow + r]; };

  // 1. point estimates, Nelson-Aalen, Greenwood for S
  std::vector<double> Sprev(nrow);
  std::vector<int> row_stratum(nrow);
  std::vector<double> F(K), H(K);
  for (int s = 0; s < tab.nstrata; ++s) {
    ProductLimit pl;
    std::fill(F.begin(), F.end(), 0.0);
    std::fill(H.begin(), H.end(), 0.0);
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      row_stratum[r] = s;
      Sprev[r] = pl.surv;
      pl.step_causes(tab.n_risk[r], tab.n_event[r], K, [&](int k) { return dk(r, k); },
                     F.data(), H.data());
      const double S = pl.surv;
      P(r, 0) = S;
      // (the Greenwood sum is +Inf only where S has become 0)
      SE(r, 0) = S > 0 ? S * std::sqrt(pl.greenwood) : 0.0;
      for (int k = 0; k < K; ++k) {
        P(r, k + 1) = F[k];
        res.cumhaz[k * nrow + r] = H[k];
      }
    }
  }

  // 2. closed-form variances of F_k, as centred moments about F = F(t).
  // Every term has the form w_j (F - F_j)^2 or p_j (F - F_j) (delta,
  // aalen) or w_j (a_j - F b_j)^2 (gray) for a row j <= t.  Expanding the squares in
  // powers of F would leave the variance as a difference of large sums,
  // which loses digits exactly where the variance is small (late times,
  // F near its plateau).  Instead the moments are kept about a centre that
  // moves with F (CentredSquares): each term joins at the current F, and
  // moving the centre forward by delta only adds the change of the squares,
  // so the rounding error stays relative to the variance itself.  Nothing is
  // snapped to 0 (a negative rounding residue of a variance that is 0 in
  // exact arithmetic is 0).
  if (variance != AjVariance::ij) {
    const bool aalen = variance == AjVariance::aalen;
    for (int k = 0; k < K; ++k) {
      for (int s = 0; s < tab.nstrata; ++s) {
        // delta / aalen: sum q_j (F - F_j)^2 (m), sum p_j (F - F_j) (lin),
        // sum r_j (R); gray: sum t6_j (e_j)^2 with e_j = a_j - F b_j (m)
        CentredSquares m;
        CentredLinear lin;
        double R = 0.0, V = 0.0;
        bool other_cause = false;  // an event of another cause so far in the stratum
        for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
          const double n = tab.n_risk[r], d = tab.n_event[r], dkr = dk(r, k);
          const double S0 = Sprev[r], S1 = P(r, 0), Fr = P(r, k + 1);
          m.move_to(Fr);
          lin.move_to(Fr);
          if (variance == AjVariance::gray) {
            // at its own row a term has e = (F_j - F)/S_j = 0 (other causes)
            // or 1 + (F_j - F)/S_j = 1 (cause k); b = 1/S_j
            const double dor = d - dkr;
            if (dor > 0 && S1 > 0)  // other causes pooled
              m.add(S0 * S0 * tie_factor(dor, n) * dor / (n * n), 1.0 / S1, 0.0);
            if (dkr > 0) {  // the reported value changes only here
              m.add(S0 * S0 * tie_factor(dkr, n) * dkr / (n * n), S1 > 0 ? 1.0 / S1 : 0.0, 1.0);
              V = m.sum_squares();
            }
            SE(r, k + 1) = sqrt_nonneg(V);
            continue;
          }
          if (d > 0) {
            // the (F - F_j)^2 term skips n_j = d_j: its factor stays 0
            if (n > d) m.add(aalen ? d / ((n - 1.0) * (n - d)) : d / (n * (n - d)), 1.0, 0.0);
            if (dkr > 0) {
              R += aalen ? S0 * S0 * tie_factor(dkr, n) * dkr / (n * n)
                         : S0 * S0 * dkr * (n - dkr) / (n * n * n);
              double p = 0.0;
              if (!aalen) p = S0 * dkr / (n * n);
              else if (n > d) p = S0 * dkr * (n - dkr) / (n * (n - d) * (n - 1.0));
              lin.add(p);
            }
          }
          // sum q (F - F_j)^2 + R - 2 sum p (F - F_j): each part >= 0.  The
          // delta variance is exactly 0 once every subject has failed of
          // cause k (F = 1: it is then Greenwood's S^2 sum with S = 0),
          // where the parts cancel; decided on exact quantities (S is
          // exactly 0 once a risk set empties; no other cause so far), as
          // the computed F may be 1 -+ 1 ulp.  Aalen's is not 0 there (it is
          // 1/4 for two subjects failing of cause k one after the other).
          if (d - dkr > 0) other_cause = true;
          const double v = m.sum_squares() + R - 2.0 * lin.sum();
          SE(r, k + 1) = (S1 == 0.0 && !other_cause && !aalen) ? 0.0 : sqrt_nonneg(v);
        }
      }
    }
    if (!auc) return res;
  }

  // 3. infinitesimal jackknife: the standard errors (variance = ij) and the
  // standard errors of the areas (auc)
  const bool ij_se = variance == AjVariance::ij;
  if (auc) {
    res.std_auc.assign(nrow * ns, 0.0);
    res.std_chaz.assign(nrow * K, 0.0);
  }
  const std::size_t nobs = tab.stop_row.size();
  if (nobs == 0)
    throw std::logic_error("the IJ variance needs the per-observation rows of the event table");
  // observations with weight 0 have no influence (and may sit in a risk set
  // of weighted size 0, where their terms would be 0 x Inf): left out
  auto weight_of = [&](std::size_t i) { return w ? w[i] : 1.0; };
  // rows where everyone at risk fails: there n = d exactly, whatever residue
  // the weighted sums leave (with delayed entry and fractional weights n - d
  // can be ~1e-16, and d/(n(n - d)) would swamp every later variance).
  // Decided on the numbers of observations, which are exact.
  std::vector<long long> cnt_risk(nrow + 1, 0), cnt_event(nrow, 0);
  for (std::size_t i = 0; i < nobs; ++i) {
    const std::size_t f = tab.first_row[i], s = tab.stop_row[i];
    if (f > s || !(weight_of(i) > 0)) continue;
    ++cnt_risk[f];
    --cnt_risk[s + 1];
    if (tab.obs_status[i] > 0) ++cnt_event[s];
  }
  std::vector<char> emptied(nrow, 0);
  long long at_risk = 0;
  for (std::size_t r = 0; r < nrow; ++r) {  // risk spans never cross strata
    at_risk += cnt_risk[r];
    emptied[r] = cnt_event[r] > 0 && cnt_event[r] == at_risk;
  }
  std::vector<double> C(nrow), Cprev(nrow);
  for (int s = 0; s < tab.nstrata; ++s) {
    double run = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      Cprev[r] = run;
      const double n = tab.n_risk[r], d = tab.n_event[r];
      if (d > 0 && n > d && !emptied[r]) run += d / (n * (n - d));
      C[r] = run;
    }
  }
  // change points, grouped by cluster and ordered by row within it
  std::vector<Change> ch;
  ch.reserve(2 * nobs);
  for (std::size_t i = 0; i < nobs; ++i) {
    const std::size_t f = tab.first_row[i], s = tab.stop_row[i];
    if (f > s || !(weight_of(i) > 0)) continue;  // never at risk, or no weight
    const int cl = cluster ? cluster[i] : static_cast<int>(i);
    if (f < s) ch.push_back({cl, f, i, false});
    ch.push_back({cl, s, i, true});
  }
  if (cluster) {
    if (ncluster < 1) throw input_error("ncluster must be at least 1");
    std::stable_sort(ch.begin(), ch.end(), [](const Change& a, const Change& b) {
      return a.cluster != b.cluster ? a.cluster < b.cluster : a.row < b.row;
    });
  }
  // per observation: weight, b of the at-risk form, g of the post form
  std::vector<double> wt(nobs), b_at(nobs), gg(nobs);
  for (std::size_t i = 0; i < nobs; ++i) {
    wt[i] = weight_of(i);
    const std::size_t f = tab.first_row[i], s = tab.stop_row[i];
    if (f > s || !(wt[i] > 0)) continue;
    b_at[i] = -Cprev[f];
    const double n = tab.n_risk[s], d = tab.n_event[s];
    gg[i] = (n > d && !emptied[s])
                ? Cprev[f] - C[s] + (tab.obs_status[i] > 0 ? 1.0 / (n - d) : 0.0)
                : 0.0;
  }
  // walk the change points of each cluster, adding the change of the squared
  // coefficient vector to difference arrays (m components of the quadratic)
  auto walk = [&](auto coef, auto add) {
    double cur[3] = {0, 0, 0};
    int cur_cl = -1, cur_st = -1;
    for (const Change& c : ch) {
      const int st = row_stratum[c.row];
      if (c.cluster != cur_cl || st != cur_st) {
        cur[0] = cur[1] = cur[2] = 0.0;
        cur_cl = c.cluster;
        cur_st = st;
      }
      double dlt[3];
      coef(c, dlt);
      add(c.row, cur, -1.0);
      for (int m = 0; m < 3; ++m) cur[m] += dlt[m];
      add(c.row, cur, 1.0);
    }
  };
  std::vector<double> X(nrow), Xprev(nrow), Fprev(nrow), c_at(nobs), c_post(nobs);
  // the change of the coefficients (a0, a1) shared by S and the F_k: on
  // (S C, S) for S, the first two of (X, F, 1) for F_k
  auto coef01 = [&](const Change& c, double* dlt) {
    const std::size_t i = c.obs;
    const bool had_at = tab.first_row[i] < tab.stop_row[i];
    if (!c.post) {
      dlt[0] = wt[i];
      dlt[1] = wt[i] * b_at[i];
    } else {
      dlt[0] = had_at ? -wt[i] : 0.0;
      dlt[1] = -wt[i] * gg[i] - (had_at ? wt[i] * b_at[i] : 0.0);
    }
  };
  if (auc) {  // area under S
    const std::vector<double> V = cumulative_areas<2>(tab, [&](std::size_t m, double* v) {
      v[0] = P(m, 0) * C[m];
      v[1] = P(m, 0);
    });
    auc_variance<2>(ch, row_stratum, tab, V, coef01, &res.std_auc[0]);
  }
  // coefficients on (X, F, 1); the first two are cause-free
  DiffArray Qaa(nrow), Qab(nrow), Qbb(nrow), Qac(nrow), Qbc(nrow), Qcc(nrow);
  // the change of the third coefficient of (X, F, 1) for cause k
  auto coef2 = [&](const Change& c) {
    const std::size_t i = c.obs;
    const bool had_at = tab.first_row[i] < tab.stop_row[i];
    return c.post ? c_post[i] - (had_at ? c_at[i] : 0.0) : c_at[i];
  };
  // running sums of the difference arrays, compensated (Neumaier): terms
  // added when a cluster's coefficients change and removed at its next
  // change cancel exactly, so a moment that is 0 (e.g. after the last
  // subject at risk fails) comes out 0, not a residue of the removed terms
  auto running = [&](DiffArray& q) {
    for (int s = 0; s < tab.nstrata; ++s) {
      NeumaierSum run;
      for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
        run.add(q.acc[r].sum);
        run.add(q.acc[r].comp);
        q.v[r] = run.value();
      }
    }
  };
  // three moments sum over clusters of a_p a_q (pairs (p1,q1), (p2,q2),
  // (p3,q3) of the coefficient vector a), as running sums over the rows
  auto moments = [&](auto coef, const int (&pq)[3][2], DiffArray& m1, DiffArray& m2,
                     DiffArray& m3) {
    DiffArray* m[3] = {&m1, &m2, &m3};
    for (DiffArray* d : m) d->reset();
    walk(coef, [&](std::size_t r, const double* v, double sign) {
      for (int i = 0; i < 3; ++i) m[i]->add(r, sign * v[pq[i][0]] * v[pq[i][1]]);
    });
    for (DiffArray* d : m) running(*d);
  };
  const int first_two[3][2] = {{0, 0}, {0, 1}, {1, 1}};
  const int with_third[3][2] = {{0, 2}, {1, 2}, {2, 2}};
  auto coef_s = [&](const Change& c, double* dlt) {
    coef01(c, dlt);
    dlt[2] = 0.0;
  };
  if (ij_se) moments(coef_s, first_two, Qaa, Qab, Qbb);
  for (std::size_t r = 0; ij_se && r < nrow; ++r) {
    const double S = P(r, 0);
    if (!(S > 0)) {
      SE(r, 0) = 0.0;
      continue;
    }
    const double x = S * C[r];
    const double v = Qaa[r] * x * x + 2.0 * Qab[r] * x * S + Qbb[r] * S * S;
    SE(r, 0) = clean_sqrt(v, std::fabs(Qaa[r] * x * x) + std::fabs(2.0 * Qab[r] * x * S) +
                                 std::fabs(Qbb[r] * S * S));
  }
  for (int k = 0; k < K; ++k) {
    for (int s = 0; s < tab.nstrata; ++s) {
      double E = 0.0, Fp = 0.0;
      for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
        Xprev[r] = E;
        Fprev[r] = Fp;
        const double Fr = P(r, k + 1), dF = Fr - Fp, n = tab.n_risk[r];
        if (dF != 0.0 && n > 0) E += dF * (Cprev[r] - 1.0 / n);
        X[r] = E;
        Fp = Fr;
      }
    }
    for (std::size_t i = 0; i < nobs; ++i) {
      const std::size_t f = tab.first_row[i], s = tab.stop_row[i];
      if (f > s || !(wt[i] > 0)) continue;
      const double c0 = Cprev[f] * Fprev[f] - Xprev[f];
      double Is = X[s] + b_at[i] * P(s, k + 1) + c0;
      if (tab.obs_status[i] == k + 1) Is += Sprev[s] / tab.n_risk[s];
      c_at[i] = wt[i] * c0;
      c_post[i] = wt[i] * (Is + gg[i] * P(s, k + 1));
    }
    if (auc) {  // area under F_k
      const std::vector<double> V = cumulative_areas<3>(tab, [&](std::size_t m, double* v) {
        v[0] = X[m];
        v[1] = P(m, k + 1);
        v[2] = 1.0;
      });
      auc_variance<3>(ch, row_stratum, tab, V,
                      [&](const Change& c, double* dlt) {
                        coef01(c, dlt);
                        dlt[2] = coef2(c);
                      },
                      &res.std_auc[(k + 1) * nrow]);
    }
    if (auc) {  // the cumulative hazard of cause k
      std::vector<double> G(nrow), Gprev(nrow);
      for (int s = 0; s < tab.nstrata; ++s) {
        double run = 0.0;
        for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
          Gprev[r] = run;
          const double n = tab.n_risk[r], dkr = dk(r, k);
          if (dkr > 0 && n > 0) run += dkr / (n * n);
          G[r] = run;
        }
      }
      DiffArray Hgg(nrow), Hg1(nrow), H11(nrow);
      moments(
          [&](const Change& c, double* dlt) {
            const std::size_t i = c.obs, f = tab.first_row[i], st = tab.stop_row[i];
            const bool had_at = f < st;
            if (!c.post) {
              dlt[0] = -wt[i];
              dlt[1] = wt[i] * Gprev[f];
            } else {
              const double jump = tab.obs_status[i] == k + 1 ? 1.0 / tab.n_risk[st] : 0.0;
              dlt[0] = had_at ? wt[i] : 0.0;
              dlt[1] = wt[i] * (Gprev[f] - G[st] + jump) - (had_at ? wt[i] * Gprev[f] : 0.0);
            }
            dlt[2] = 0.0;
          },
          first_two, Hgg, Hg1, H11);
      for (std::size_t r = 0; r < nrow; ++r) {
        const double g = G[r];
        const double t[3] = {Hgg[r] * g * g, 2.0 * Hg1[r] * g, H11[r]};
        res.std_chaz[k * nrow + r] =
            clean_sqrt(t[0] + t[1] + t[2], std::fabs(t[0]) + std::fabs(t[1]) + std::fabs(t[2]));
      }
    }
    if (!ij_se) continue;
    moments(
        [&](const Change& c, double* dlt) {
          coef01(c, dlt);
          dlt[2] = coef2(c);
        },
        with_third, Qac, Qbc, Qcc);
    for (std::size_t r = 0; r < nrow; ++r) {
      const double x = X[r], fr = P(r, k + 1);
      const double t[6] = {Qaa[r] * x * x, 2.0 * Qab[r] * x * fr, Qbb[r] * fr * fr,
                           2.0 * Qac[r] * x, 2.0 * Qbc[r] * fr, Qcc[r]};
      double v = 0.0, mag = 0.0;
      for (double ti : t) {
        v += ti;
        mag += std::fabs(ti);
      }
      // F = 1 (everyone failed of cause k) or 0 is unchanged by any weight
      SE(r, k + 1) = (fr == 1.0 || fr == 0.0) ? 0.0 : clean_sqrt(v, mag);
    }
  }
  return res;
}

}  // namespace smallsurv
