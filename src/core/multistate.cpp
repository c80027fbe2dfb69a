// multistate.cpp -- see multistate.h for the contract.
//
// The infinitesimal-jackknife (IJ) variance without the O(clusters x
// times) influence matrix.  With U_c(r) the weighted influence of cluster c
// on p at output row r, T(r) = I + A(r) (A: the rows a_j = dA_j. of the
// states j with transitions at r) and gamma_j = p_j(r-1)/Y_j(r),
//   U_c(r) = U_c(r-1) T(r) + B_c(r),  B_c = gamma_j (E_c - W_c a_j)
// for a cluster at risk in state j with weight W_c (E_c: +w at the state it
// enters at r, -w at j; 0 without a transition), B_c = 0 otherwise.  The
// variance needs only M = sum_c U_c'U_c, whose recursion
//   M(r) = T'MT + T'X + X'T + S,  X = sum_c U_c(r-1)'B_c,  S = sum_c B_c'B_c
// involves, besides sums over the clusters with a transition at r, only
// Z_j = sum_{c in j} W_c U_c and Q_j = sum_{c in j} W_c^2 per state.  Those
// change when a cluster enters or leaves a risk set, and then (and at its
// transitions) the cluster's own U_c is needed.  Between such moments a
// cluster evolves by the same affine map as every cluster in its state,
// (x, y) -> (x T + y G, y) with y = W_c e_j and G = -diag(gamma) A, so U_c is
// kept lazily: an anchor value and the row it holds at, brought forward by
// the product of the rows' maps, taken from a segment tree over blocks of
// rows (O(log) matrix-vector products per query).  The area under p (for
// std_auc) and the Nelson-Aalen hazards (std_chaz) ride along the same way:
// the maps carry the area accumulator, the hazards are prefix sums.
// Total cost O((n + rows) (log rows + states^2) + rows states^3).  The
// direct recursion (every cluster at every row) is kept as a test oracle
// (MsVariance::ij_direct).
#include "multistate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "errors.h"
#include "event_table.h"  // stable_order, timefix_unsorted: the one sort and near-tie rule

namespace smallsurv {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// clusters x rows up to which a stratum's IJ variance takes the direct
// recursion (about 10 ms)
constexpr double kDirectWork = 1e6;

void check_input(const MsInput& in) {
  if (!in.stop || !in.from || !in.to || !in.p0 || !in.t0) {
    throw input_error("multistate: stop, from, to, p0 and t0 are required");
  }
  if (in.nstate < 1 || in.nstrata < 1) throw input_error("multistate: no states or strata");
  for (std::size_t i = 0; i < in.n; ++i) {
    if (in.from[i] < 0 || in.from[i] >= in.nstate || in.to[i] < -1 || in.to[i] >= in.nstate ||
        in.to[i] == in.from[i]) {
      throw input_error("multistate: a state code is out of range");
    }
    if (in.strata && (in.strata[i] < 0 || in.strata[i] >= in.nstrata)) {
      throw input_error("multistate: a stratum code is out of range");
    }
    if (in.cluster && (in.cluster[i] < 0 || in.cluster[i] >= in.ncluster)) {
      throw input_error("multistate: a cluster code is out of range");
    }
    if (!(std::isfinite(in.stop[i])) || (in.entry && !(in.entry[i] < in.stop[i]))) {
      throw input_error("multistate: times must be finite with entry < stop");
    }
    if (in.weight && !(in.weight[i] >= 0.0 && std::isfinite(in.weight[i]))) {
      throw input_error("multistate: weights must be finite and >= 0");
    }
  }
  for (int h = 0; h < in.ntrans; ++h) {
    if (in.trans_from[h] < 0 || in.trans_from[h] >= in.nstate || in.trans_to[h] < 0 ||
        in.trans_to[h] >= in.nstate) {
      throw input_error("multistate: a transition code is out of range");
    }
  }
}

// A variance from a recursion with cancellations: a negative value within
// rounding of `scale` is an exact 0 (e.g. a state everyone has left);
// anything more negative cannot be a variance and is NaN (NA in R).
inline double se_from(double v, double scale) {
  if (v >= 0.0) return std::sqrt(v);
  return v > -1e-12 * (scale + 1e-300) ? 0.0 : kNaN;
}

// One output row's increments, shared by the variance engines.
struct RowStep {
  double dt = 0.0;                    // t_r - t_{r-1} (0 at the first row)
  std::vector<int> ev;                // states with transitions at r (Y_j > 0)
  std::vector<double> gamma;          // p_j(r-1) / Y_j(r), per ev
  const std::vector<double>* dA = nullptr;  // m x m, row-major, rows ev only
  const std::vector<double>* Y = nullptr;   // weighted at risk per state
  struct Event {
    int c, j, k;
    double w;
  };
  std::vector<Event> events;          // rows with a transition at r (Y_j > 0)
};

// ---- the direct IJ recursion (test oracle) -----------------------------------
class DirectIj {
 public:
  DirectIj(int m, const std::vector<int>& hidx, int H) : m_(m), H_(H), hidx_(hidx) {}
  void begin(int ncl, const std::vector<double>& u0) {
    ncl_ = ncl;
    U_ = u0;
    W_.assign(static_cast<std::size_t>(ncl) * m_, 0.0);
    Hc_.assign(static_cast<std::size_t>(ncl) * H_, 0.0);
    Au_.assign(U_.size(), 0.0);
  }
  void set_risk(int c, int j, double w, int old_j, double old_w) {
    if (old_j >= 0) W_[static_cast<std::size_t>(c) * m_ + old_j] -= old_w;
    if (j >= 0) W_[static_cast<std::size_t>(c) * m_ + j] += w;
  }
  void step(const RowStep& s, double* se, double* se_auc, double* se_chaz) {
    const int m = m_;
    const std::vector<double>& dA = *s.dA;
    const std::vector<double>& Y = *s.Y;
    for (std::size_t x = 0; x < U_.size(); ++x) Au_[x] += U_[x] * s.dt;
    const std::size_t ne = s.ev.size();
    std::vector<double> xo(ne);
    if (ne) {
      for (int c = 0; c < ncl_; ++c) {
        double* u = &U_[static_cast<std::size_t>(c) * m];
        for (std::size_t e = 0; e < ne; ++e) xo[e] = u[s.ev[e]];
        for (std::size_t e = 0; e < ne; ++e) {
          const int j = s.ev[e];
          const double wcj = W_[static_cast<std::size_t>(c) * m + j];
          const double coef = xo[e] - s.gamma[e] * wcj;
          if (coef != 0.0)
            for (int k = 0; k < m; ++k) u[k] += coef * dA[j * m + k];
          if (wcj != 0.0) {
            double* hc = &Hc_[static_cast<std::size_t>(c) * H_];
            for (int k = 0; k < m; ++k) {
              const int h = hidx_[j * m + k];
              if (h >= 0) hc[h] -= wcj * dA[j * m + k] / Y[j];
            }
          }
        }
      }
      for (const RowStep::Event& ev : s.events) {
        const std::size_t e = std::find(s.ev.begin(), s.ev.end(), ev.j) - s.ev.begin();
        const double f = ev.w * s.gamma[e];
        U_[static_cast<std::size_t>(ev.c) * m + ev.k] += f;
        U_[static_cast<std::size_t>(ev.c) * m + ev.j] -= f;
        const int h = hidx_[ev.j * m + ev.k];
        if (h >= 0) Hc_[static_cast<std::size_t>(ev.c) * H_ + h] += ev.w / Y[ev.j];
      }
    }
    for (int k = 0; k < m; ++k) {
      double v = 0.0, va = 0.0;
      for (int c = 0; c < ncl_; ++c) {
        const double x = U_[static_cast<std::size_t>(c) * m + k];
        const double y = Au_[static_cast<std::size_t>(c) * m + k];
        v += x * x;
        va += y * y;
      }
      se[k] = std::sqrt(v);
      se_auc[k] = std::sqrt(va);
    }
    for (int h = 0; h < H_; ++h) {
      double v = 0.0;
      for (int c = 0; c < ncl_; ++c) {
        const double x = Hc_[static_cast<std::size_t>(c) * H_ + h];
        v += x * x;
      }
      se_chaz[h] = std::sqrt(v);
    }
  }
  double cost() const { return static_cast<double>(ncl_) * (3 * m_ + H_); }

 private:
  int m_, H_, ncl_ = 0;
  const std::vector<int>& hidx_;
  std::vector<double> U_, W_, Hc_, Au_;
};

// ---- the lazy IJ (see the top of the file) -----------------------------------
class LazyIj {
 public:
  LazyIj(int m, const std::vector<int>& hidx, int H, const std::vector<int>& tfrom,
         const std::vector<int>& tto)
      : m_(m), H_(H), hidx_(hidx), tfrom_(tfrom), tto_(tto) {}

  void begin(int ncl, const std::vector<double>& u0, std::size_t nrow) {
    const int m = m_;
    const std::size_t mm = static_cast<std::size_t>(m) * m;
    ncl_ = ncl;
    Uanc_ = u0;
    Aanc_.assign(u0.size(), 0.0);
    Hanc_.assign(static_cast<std::size_t>(ncl) * H_, 0.0);
    ra_.assign(ncl, -1);
    jc_.assign(ncl, -1);
    Wc_.assign(ncl, 0.0);
    M_.assign(mm, 0.0);
    K_.assign(mm, 0.0);
    VA_.assign(m, 0.0);
    VH_.assign(H_, 0.0);
    ZH_.assign(H_, 0.0);
    Z_.assign(mm, 0.0);   // row j: Z_j
    ZA_.assign(mm, 0.0);  // row j: ZA_j
    Q_.assign(m, 0.0);
    nmem_.assign(m, 0);
    for (int c = 0; c < ncl; ++c)
      for (int k = 0; k < m; ++k)
        for (int l = 0; l < m; ++l)
          M_[k * m + l] += u0[static_cast<std::size_t>(c) * m + k] * u0[static_cast<std::size_t>(c) * m + l];
    scale_ = 0.0;
    for (int k = 0; k < m; ++k) scale_ = std::max(scale_, M_[k * m + k]);
    // rows and the tree over blocks of rows
    nrow_ = 0;
    dt_.clear();
    rev_begin_.assign(1, 0);
    revs_.clear();
    rentries_.clear();
    CH_.clear();
    nblock_max_ = (nrow + kB - 1) / kB;
    size_ = 1;
    while (size_ < nblock_max_) size_ <<= 1;
    node_.assign(2 * size_ * 4 * mm, 0.0);
  }

  // cluster c now at risk in state j with weight w (j = -1: not at risk);
  // takes effect for row r (called before step(r)).
  void set_risk(int c, int j, double w, int /*old_j*/, double /*old_w*/) {
    materialize(c, static_cast<long>(nrow_) - 1);
    const int m = m_;
    const std::size_t cm = static_cast<std::size_t>(c) * m;
    if (jc_[c] >= 0) add_member(c, jc_[c], -1, -Wc_[c], &Uanc_[cm], &Aanc_[cm]);
    jc_[c] = j;
    Wc_[c] = j >= 0 ? w : 0.0;
    if (j >= 0) add_member(c, j, 1, Wc_[c], &Uanc_[cm], &Aanc_[cm]);
  }

  void step(const RowStep& s, double* se, double* se_auc, double* se_chaz) {
    const int m = m_;
    const std::size_t mm = static_cast<std::size_t>(m) * m;
    const std::vector<double>& dA = *s.dA;
    const std::vector<double>& Y = *s.Y;
    const long prev = static_cast<long>(nrow_) - 1;
    const std::size_t ne = s.ev.size();
    auto ev_index = [&](int j) {
      return static_cast<std::size_t>(std::find(s.ev.begin(), s.ev.end(), j) - s.ev.begin());
    };
    // the clusters with a transition at r, at r - 1 (their area at r)
    const std::size_t nev = s.events.size();
    evU_.assign(nev * m, 0.0);
    evA_.assign(nev * m, 0.0);
    evH_.assign(nev * H_, 0.0);
    for (std::size_t q = 0; q < nev; ++q) {
      const int c = s.events[q].c;
      materialize(c, prev);
      const std::size_t cm = static_cast<std::size_t>(c) * m;
      for (int k = 0; k < m; ++k) {
        evU_[q * m + k] = Uanc_[cm + k];
        evA_[q * m + k] = Aanc_[cm + k] + s.dt * Uanc_[cm + k];
      }
      for (int h = 0; h < H_; ++h) evH_[q * H_ + h] = Hanc_[static_cast<std::size_t>(c) * H_ + h];
    }
    // a state every member of which leaves at r is handled explicitly,
    // cluster by cluster (its aggregates would leave rounding residues
    // where the exact result is 0)
    full_.assign(m, 0);
    {
      std::vector<int>& cnt = cnt_;
      cnt.assign(m, 0);
      for (const RowStep::Event& ev : s.events) ++cnt[ev.j];
      for (int j : s.ev) full_[j] = cnt[j] == nmem_[j];
    }
    // (b) the area step: Au(r) = Au(r-1) + dt U(r-1)
    if (s.dt != 0.0) {
      for (int k = 0; k < m; ++k) VA_[k] += 2.0 * s.dt * K_[k * m + k] + s.dt * s.dt * M_[k * m + k];
      for (std::size_t x = 0; x < mm; ++x) {
        K_[x] += s.dt * M_[x];
        ZA_[x] += s.dt * Z_[x];
      }
    }
    // each transition's B_c = g (E_c - W_c a_j), and the new U_c(r)
    evB_.assign(nev * m, 0.0);
    for (std::size_t q = 0; q < nev; ++q) {
      const RowStep::Event& ev = s.events[q];
      const double g = s.gamma[ev_index(ev.j)];
      const double W = Wc_[ev.c];
      double* b = &evB_[q * m];
      for (int k = 0; k < m; ++k) b[k] = -g * W * dA[ev.j * m + k];
      b[ev.k] += g * ev.w;
      b[ev.j] -= g * ev.w;
    }
    if (ne) {
      // X = sum_c U_c(r-1)' B_c, KB = sum_c Au_c(r)' B_c, S = sum_c B_c'B_c
      X_.assign(mm, 0.0);
      KB_.assign(mm, 0.0);
      S_.assign(mm, 0.0);
      WE_.assign(mm, 0.0);  // row j: sum_{c ev in j} W_c E_c
      for (std::size_t q = 0; q < nev; ++q) {
        const RowStep::Event& ev = s.events[q];
        const double g = s.gamma[ev_index(ev.j)];
        const double W = Wc_[ev.c];
        const double* b = &evB_[q * m];
        const double* U = &evU_[q * m];
        const double* Au = &evA_[q * m];
        if (full_[ev.j]) {
          for (int i = 0; i < m; ++i)
            for (int k = 0; k < m; ++k) {
              X_[i * m + k] += U[i] * b[k];
              KB_[i * m + k] += Au[i] * b[k];
              S_[i * m + k] += b[i] * b[k];
            }
          continue;
        }
        // the part E_c explicitly; the part -g W_c a_j of every member of j
        // through Z_j, ZA_j and Q_j below
        const double gw = g * ev.w;
        for (int i = 0; i < m; ++i) {
          X_[i * m + ev.k] += gw * U[i];
          X_[i * m + ev.j] -= gw * U[i];
          KB_[i * m + ev.k] += gw * Au[i];
          KB_[i * m + ev.j] -= gw * Au[i];
        }
        const double* a = &dA[ev.j * m];
        for (int i = 0; i < m; ++i)
          for (int k = 0; k < m; ++k) {
            const double ai = -g * W * a[i], ak = -g * W * a[k];
            S_[i * m + k] += b[i] * b[k] - ai * ak;
          }
        WE_[ev.j * m + ev.k] += W * ev.w;
        WE_[ev.j * m + ev.j] -= W * ev.w;
      }
      for (std::size_t e = 0; e < ne; ++e) {
        const int j = s.ev[e];
        if (full_[j]) continue;
        const double g = s.gamma[e];
        const double* a = &dA[j * m];
        const double* z = &Z_[j * m];
        const double* za = &ZA_[j * m];
        for (int i = 0; i < m; ++i) {
          if (z[i] != 0.0 || za[i] != 0.0) {
            for (int k = 0; k < m; ++k) {
              X_[i * m + k] -= g * z[i] * a[k];
              KB_[i * m + k] -= g * za[i] * a[k];
            }
          }
          for (int k = 0; k < m; ++k) S_[i * m + k] += g * g * Q_[j] * a[i] * a[k];
        }
      }
      // M <- T'MT + T'X + X'T + S, K <- K T + KB (T = I + A, A sparse by rows)
      right_mult(M_, dA, s.ev);
      left_mult_t(M_, dA, s.ev);
      tmp_ = X_;
      left_mult_t(tmp_, dA, s.ev);  // T'X
      for (int i = 0; i < m; ++i)
        for (int k = 0; k < m; ++k) M_[i * m + k] += tmp_[i * m + k] + tmp_[k * m + i] + S_[i * m + k];
      right_mult(K_, dA, s.ev);
      for (std::size_t x = 0; x < mm; ++x) K_[x] += KB_[x];
      // Z_j <- Z_j T + g_j (WE_j - Q_j a_j)   (full states: recomputed below)
      right_mult(Z_, dA, s.ev);
      for (std::size_t e = 0; e < ne; ++e) {
        const int j = s.ev[e];
        if (full_[j]) continue;
        const double g = s.gamma[e];
        for (int k = 0; k < m; ++k) Z_[j * m + k] += g * (WE_[j * m + k] - Q_[j] * dA[j * m + k]);
      }
      // hazards: delta_c = (E_ch - W_c dA_jk) / Y_j for members of j
      for (int h = 0; h < H_; ++h) {
        const int j = tfrom_[h], k = tto_[h];
        const double d = dA[j * m + k];
        if (d == 0.0) continue;
        const double y = Y[j];
        if (full_[j]) {
          for (std::size_t q = 0; q < nev; ++q) {
            const RowStep::Event& ev = s.events[q];
            if (ev.j != j) continue;
            const double delta = ((ev.k == k ? ev.w : 0.0) - Wc_[ev.c] * d) / y;
            VH_[h] += delta * (2.0 * evH_[q * H_ + h] + delta);
          }
          continue;
        }
        double sHw = 0.0, sw2 = 0.0, sWw = 0.0;
        for (std::size_t q = 0; q < nev; ++q) {
          const RowStep::Event& ev = s.events[q];
          if (ev.j != j || ev.k != k) continue;
          sHw += evH_[q * H_ + h] * ev.w;
          sw2 += ev.w * ev.w;
          sWw += Wc_[ev.c] * ev.w;
        }
        VH_[h] += 2.0 * (sHw - d * ZH_[h]) / y + (sw2 - 2.0 * d * sWw + d * d * Q_[j]) / (y * y);
        ZH_[h] += (sWw - d * Q_[j]) / y;
      }
    }
    // store row r, complete its block
    store_row(s);
    // re-anchor the clusters with a transition at r
    for (std::size_t q = 0; q < nev; ++q) {
      const RowStep::Event& ev = s.events[q];
      const int c = ev.c;
      const std::size_t cm = static_cast<std::size_t>(c) * m;
      const double W = Wc_[c];
      double* u = &Uanc_[cm];
      for (int k = 0; k < m; ++k) u[k] = evU_[q * m + k];
      for (std::size_t e = 0; e < ne; ++e) {
        const int j = s.ev[e];
        const double coef = evU_[q * m + j];
        if (coef != 0.0)
          for (int k = 0; k < m; ++k) u[k] += coef * dA[j * m + k];
      }
      for (int k = 0; k < m; ++k) u[k] += evB_[q * m + k];
      for (int k = 0; k < m; ++k) Aanc_[cm + k] = evA_[q * m + k];
      for (int h = 0; h < H_; ++h) {
        double v = evH_[q * H_ + h];
        if (tfrom_[h] == ev.j) {
          v -= W * dA[ev.j * m + tto_[h]] / Y[ev.j];
          if (tto_[h] == ev.k) v += ev.w / Y[ev.j];
        }
        Hanc_[static_cast<std::size_t>(c) * H_ + h] = v;
      }
      ra_[c] = static_cast<long>(nrow_) - 1;
    }
    // the aggregates of the full states, from their members' new values
    for (int j : s.ev) {
      if (!full_[j]) continue;
      std::fill(&Z_[j * m], &Z_[j * m] + m, 0.0);
      std::fill(&ZA_[j * m], &ZA_[j * m] + m, 0.0);
      Q_[j] = 0.0;
      for (int h = 0; h < H_; ++h)
        if (tfrom_[h] == j) ZH_[h] = 0.0;
      for (const RowStep::Event& ev : s.events) {
        if (ev.j != j) continue;
        const int c = ev.c;
        const double W = Wc_[c];
        const std::size_t cm = static_cast<std::size_t>(c) * m;
        for (int k = 0; k < m; ++k) {
          Z_[j * m + k] += W * Uanc_[cm + k];
          ZA_[j * m + k] += W * Aanc_[cm + k];
        }
        Q_[j] += W * W;
        for (int h = 0; h < H_; ++h)
          if (tfrom_[h] == j) ZH_[h] += W * Hanc_[static_cast<std::size_t>(c) * H_ + h];
      }
    }
    for (int k = 0; k < m; ++k) scale_ = std::max(scale_, std::fabs(M_[k * m + k]));
    double sa = 0.0;
    for (int k = 0; k < m; ++k) sa = std::max(sa, std::fabs(VA_[k]));
    for (int k = 0; k < m; ++k) {
      se[k] = se_from(M_[k * m + k], scale_);
      se_auc[k] = se_from(VA_[k], sa);
    }
    for (int h = 0; h < H_; ++h) se_chaz[h] = se_from(VH_[h], std::fabs(VH_[h]) + 1.0);
  }
  double cost() const { return static_cast<double>(m_) * m_ * m_; }

 private:
  static constexpr std::size_t kB = 16;  // rows per leaf block

  int m_, H_, ncl_ = 0;
  const std::vector<int>& hidx_;
  const std::vector<int>& tfrom_;
  const std::vector<int>& tto_;
  // per cluster: anchor row (-1: before the first row), state, weight, values
  std::vector<long> ra_;
  std::vector<int> jc_;
  std::vector<double> Wc_, Uanc_, Aanc_, Hanc_;
  // sums
  std::vector<double> M_, K_, VA_, VH_, ZH_, Z_, ZA_, Q_;
  double scale_ = 0.0;
  // scratch
  std::vector<double> X_, KB_, S_, WE_, tmp_, evU_, evA_, evH_, evB_, xo_;
  std::vector<int> nmem_, full_, cnt_;  // members per state; states everyone leaves
  // rows: dt, the ev states (j, gamma, entries) and the hazard prefix sums
  struct Ev {
    int j;
    double gamma;
    std::size_t e0, e1;  // into rentries_
  };
  std::size_t nrow_ = 0;
  std::vector<double> dt_;
  std::vector<std::size_t> rev_begin_;
  std::vector<Ev> revs_;
  std::vector<std::pair<int, double>> rentries_;
  std::vector<double> CH_;  // nrow x H, prefix sums of dA_jk / Y_j
  // tree over blocks: node n holds P, D, G, F (each m x m, row-major)
  std::size_t nblock_max_ = 0, size_ = 1;
  std::vector<double> node_;

  double* node(std::size_t i) { return &node_[i * 4 * static_cast<std::size_t>(m_) * m_]; }

  // M <- M T = M + M A (A: rows ev of dA)
  void right_mult(std::vector<double>& Mx, const std::vector<double>& dA,
                  const std::vector<int>& ev) {
    const int m = m_;
    for (int i = 0; i < m; ++i) {
      double* row = &Mx[i * m];
      xo_.assign(ev.size(), 0.0);
      for (std::size_t e = 0; e < ev.size(); ++e) xo_[e] = row[ev[e]];
      for (std::size_t e = 0; e < ev.size(); ++e) {
        if (xo_[e] == 0.0) continue;
        const double* a = &dA[ev[e] * m];
        for (int k = 0; k < m; ++k) row[k] += xo_[e] * a[k];
      }
    }
  }
  // M <- T'M = M + A'M
  void left_mult_t(std::vector<double>& Mx, const std::vector<double>& dA,
                   const std::vector<int>& ev) {
    const int m = m_;
    tmp2_.assign(static_cast<std::size_t>(ev.size()) * m, 0.0);
    for (std::size_t e = 0; e < ev.size(); ++e)
      for (int l = 0; l < m; ++l) tmp2_[e * m + l] = Mx[ev[e] * m + l];
    for (std::size_t e = 0; e < ev.size(); ++e) {
      const double* a = &dA[ev[e] * m];
      for (int k = 0; k < m; ++k) {
        if (a[k] == 0.0) continue;
        for (int l = 0; l < m; ++l) Mx[k * m + l] += a[k] * tmp2_[e * m + l];
      }
    }
  }
  std::vector<double> tmp2_;

  // sign +1: c joins state j with weight w; -1: leaves it (w = -its weight)
  void add_member(int c, int j, int sign, double w, const double* u, const double* au) {
    const int m = m_;
    nmem_[j] += sign;
    if (nmem_[j] == 0) {
      // the state is empty: its sums are exactly 0
      std::fill(&Z_[j * m], &Z_[j * m] + m, 0.0);
      std::fill(&ZA_[j * m], &ZA_[j * m] + m, 0.0);
      Q_[j] = 0.0;
      for (int h = 0; h < H_; ++h)
        if (tfrom_[h] == j) ZH_[h] = 0.0;
      return;
    }
    for (int k = 0; k < m; ++k) {
      Z_[j * m + k] += w * u[k];
      ZA_[j * m + k] += w * au[k];
    }
    Q_[j] += sign * w * w;
    for (int h = 0; h < H_; ++h)
      if (tfrom_[h] == j) ZH_[h] += w * Hanc_[static_cast<std::size_t>(c) * H_ + h];
  }

  void store_row(const RowStep& s) {
    const int m = m_;
    dt_.push_back(s.dt);
    for (std::size_t e = 0; e < s.ev.size(); ++e) {
      const int j = s.ev[e];
      Ev ev{j, s.gamma[e], rentries_.size(), 0};
      for (int k = 0; k < m; ++k) {
        const double v = (*s.dA)[j * m + k];
        if (v != 0.0) rentries_.emplace_back(k, v);
      }
      ev.e1 = rentries_.size();
      revs_.push_back(ev);
    }
    rev_begin_.push_back(revs_.size());
    const std::size_t base = CH_.size();
    CH_.resize(base + H_, 0.0);
    for (int h = 0; h < H_; ++h) {
      const double prevv = nrow_ ? CH_[base - H_ + h] : 0.0;
      const int j = tfrom_[h];
      const double y = (*s.Y)[j];
      const double d = y > 0.0 ? (*s.dA)[j * m + tto_[h]] / y : 0.0;
      CH_[base + h] = prevv + d;
    }
    ++nrow_;
    if (nrow_ % kB == 0) complete_block(nrow_ / kB - 1);
  }

  // apply row u's map to (x, a) with y = W e_j (j = -1: y = 0)
  void apply_row(std::size_t u, double* x, double* a, int j, double W) {
    const int m = m_;
    const double dt = dt_[u];
    if (dt != 0.0)
      for (int k = 0; k < m; ++k) a[k] += x[k] * dt;
    const std::size_t b0 = rev_begin_[u], b1 = rev_begin_[u + 1];
    xo_.assign(b1 - b0, 0.0);
    for (std::size_t e = b0; e < b1; ++e) {
      const Ev& ev = revs_[e];
      xo_[e - b0] = x[ev.j] - (ev.j == j ? ev.gamma * W : 0.0);
    }
    for (std::size_t e = b0; e < b1; ++e) {
      const double coef = xo_[e - b0];
      if (coef == 0.0) continue;
      const Ev& ev = revs_[e];
      for (std::size_t q = ev.e0; q < ev.e1; ++q) x[rentries_[q].first] += coef * rentries_[q].second;
    }
  }

  // the block's map: the composition of its rows' maps
  void complete_block(std::size_t b) {
    const int m = m_;
    const std::size_t mm = static_cast<std::size_t>(m) * m;
    double* nd = node(size_ + b);
    double *P = nd, *D = nd + mm, *G = nd + 2 * mm, *F = nd + 3 * mm;
    std::fill(nd, nd + 4 * mm, 0.0);
    for (int k = 0; k < m; ++k) P[k * m + k] = 1.0;
    for (std::size_t u = b * kB; u < (b + 1) * kB; ++u) {
      const double dt = dt_[u];
      // D += dt P, F += dt G (old P, G), then P += P A, G += G A - diag(gamma) A
      if (dt != 0.0) {
        for (std::size_t x = 0; x < mm; ++x) {
          D[x] += dt * P[x];
          F[x] += dt * G[x];
        }
      }
      const std::size_t b0 = rev_begin_[u], b1 = rev_begin_[u + 1];
      if (b0 == b1) continue;
      for (double* Mx : {P, G}) {
        for (int i = 0; i < m; ++i) {
          double* row = &Mx[i * m];
          xo_.assign(b1 - b0, 0.0);
          for (std::size_t e = b0; e < b1; ++e) xo_[e - b0] = row[revs_[e].j];
          for (std::size_t e = b0; e < b1; ++e) {
            const double coef = xo_[e - b0];
            if (coef == 0.0) continue;
            const Ev& ev = revs_[e];
            for (std::size_t q = ev.e0; q < ev.e1; ++q)
              row[rentries_[q].first] += coef * rentries_[q].second;
          }
        }
      }
      for (std::size_t e = b0; e < b1; ++e) {
        const Ev& ev = revs_[e];
        for (std::size_t q = ev.e0; q < ev.e1; ++q)
          G[ev.j * m + rentries_[q].first] -= ev.gamma * rentries_[q].second;
      }
    }
    // complete the ancestors whose right child this completes
    std::size_t i = size_ + b;
    while (i > 1 && (i & 1)) {
      combine(node(i - 1), node(i), node(i >> 1));
      i >>= 1;
    }
  }

  // out = n1 then n2: P = P1P2, D = D1 + P1D2, G = G1P2 + G2, F = F1 + G1D2 + F2
  void combine(const double* n1, const double* n2, double* out) {
    const int m = m_;
    const std::size_t mm = static_cast<std::size_t>(m) * m;
    const double *P1 = n1, *D1 = n1 + mm, *G1 = n1 + 2 * mm, *F1 = n1 + 3 * mm;
    const double *P2 = n2, *D2 = n2 + mm, *G2 = n2 + 2 * mm, *F2 = n2 + 3 * mm;
    double *P = out, *D = out + mm, *G = out + 2 * mm, *F = out + 3 * mm;
    for (int i = 0; i < m; ++i)
      for (int k = 0; k < m; ++k) {
        double p = 0.0, d = D1[i * m + k], g = G2[i * m + k], f = F1[i * m + k] + F2[i * m + k];
        for (int l = 0; l < m; ++l) {
          p += P1[i * m + l] * P2[l * m + k];
          d += P1[i * m + l] * D2[l * m + k];
          g += G1[i * m + l] * P2[l * m + k];
          f += G1[i * m + l] * D2[l * m + k];
        }
        P[i * m + k] = p;
        D[i * m + k] = d;
        G[i * m + k] = g;
        F[i * m + k] = f;
      }
  }

  // apply a node to (x, a) with y = W e_j
  void apply_node(const double* nd, double* x, double* a, int j, double W) {
    const int m = m_;
    const std::size_t mm = static_cast<std::size_t>(m) * m;
    const double *P = nd, *D = nd + mm, *G = nd + 2 * mm, *F = nd + 3 * mm;
    xo_.assign(x, x + m);
    for (int k = 0; k < m; ++k) {
      double xv = 0.0, av = a[k];
      for (int l = 0; l < m; ++l) {
        xv += xo_[l] * P[l * m + k];
        av += xo_[l] * D[l * m + k];
      }
      if (j >= 0) {
        xv += W * G[j * m + k];
        av += W * F[j * m + k];
      }
      x[k] = xv;
      a[k] = av;
    }
  }

  // bring cluster c's anchor forward to row rt (rows ra+1 .. rt)
  void materialize(int c, long rt) {
    long ra = ra_[c];
    if (ra >= rt) return;
    const int m = m_;
    const std::size_t cm = static_cast<std::size_t>(c) * m;
    double* x = &Uanc_[cm];
    double* a = &Aanc_[cm];
    const int j = jc_[c];
    const double W = Wc_[c];
    std::size_t u = static_cast<std::size_t>(ra + 1);
    const std::size_t end = static_cast<std::size_t>(rt) + 1;  // rows [u, end)
    while (u < end && u % kB != 0) apply_row(u++, x, a, j, W);
    const std::size_t nb = (end - u) / kB;  // whole blocks
    if (nb > 0) {
      std::size_t l = u / kB + size_, r = u / kB + nb + size_;
      std::size_t nr = 0;
      while (l < r) {
        if (l & 1) apply_node(node(l++), x, a, j, W);
        if (r & 1) right_[nr++] = --r;
        l >>= 1;
        r >>= 1;
      }
      while (nr > 0) apply_node(node(right_[--nr]), x, a, j, W);
      u += nb * kB;
    }
    while (u < end) apply_row(u++, x, a, j, W);
    if (j >= 0 && W != 0.0) {
      for (int h = 0; h < H_; ++h) {
        if (tfrom_[h] != j) continue;
        const double before = ra >= 0 ? CH_[static_cast<std::size_t>(ra) * H_ + h] : 0.0;
        Hanc_[static_cast<std::size_t>(c) * H_ + h] -=
            W * (CH_[static_cast<std::size_t>(rt) * H_ + h] - before);
      }
    }
    ra_[c] = rt;
  }
  std::size_t right_[128];
};

}  // namespace

MsResult multistate_fit(const MsInput& in, MsVariance variance,
                        const std::function<void()>& poll) {
  check_input(in);
  const std::size_t n = in.n;
  const int m = in.nstate, H = in.ntrans;

  // times after the near-tie rule, over entry and stop together
  std::vector<double> stop(in.stop, in.stop + n), entry;
  if (in.entry) {
    std::vector<double> all(2 * n);
    std::copy(in.entry, in.entry + n, all.begin());
    std::copy(in.stop, in.stop + n, all.begin() + n);
    if (in.timefix) timefix_unsorted(all.data(), all.size());
    entry.assign(all.begin(), all.begin() + n);
    std::copy(all.begin() + n, all.end(), stop.begin());
  } else if (in.timefix) {
    timefix_unsorted(stop.data(), n);
  }
  const index_vector by_stop = stable_order(stop.data(), in.strata, n, in.nstrata);
  index_vector by_entry;
  if (in.entry) by_entry = stable_order(entry.data(), in.strata, n, in.nstrata);
  auto stratum = [&](std::size_t i) { return in.strata ? in.strata[i] : 0; };
  auto wt = [&](std::size_t i) { return in.weight ? in.weight[i] : 1.0; };
  auto cl = [&](std::size_t i) { return in.cluster ? in.cluster[i] : static_cast<int>(i); };

  // transition index of (j, k), -1 when not an output column
  std::vector<int> hidx(static_cast<std::size_t>(m) * m, -1);
  std::vector<int> tfrom(in.trans_from, in.trans_from + H), tto(in.trans_to, in.trans_to + H);
  for (int h = 0; h < H; ++h) hidx[tfrom[h] * m + tto[h]] = h;

  // output times: distinct stop times of grid rows >= t0, per stratum
  MsResult res;
  res.nstate = m;
  res.ntrans = H;
  res.offset.assign(in.nstrata + 1, 0);
  res.n_obs.assign(in.nstrata, 0);
  for (std::size_t i = 0; i < n; ++i) ++res.n_obs[stratum(i)];
  {
    std::size_t pos = 0;
    for (int s = 0; s < in.nstrata; ++s) {
      res.offset[s] = res.time.size();
      bool any = false;
      double last = 0.0;
      for (; pos < n && stratum(by_stop[pos]) == s; ++pos) {
        const std::size_t i = by_stop[pos];
        if ((in.grid && !in.grid[i]) || stop[i] < in.t0[s]) continue;
        if (!any || stop[i] != last) {
          res.time.push_back(stop[i]);
          last = stop[i];
          any = true;
        }
      }
    }
    res.offset[in.nstrata] = res.time.size();
  }
  const std::size_t nrow = res.time.size();
  auto alloc = [&](std::vector<double>& v, int ncol) {
    v.assign(nrow * static_cast<std::size_t>(ncol), 0.0);
  };
  alloc(res.n_risk, m); alloc(res.n_risk_u, m); alloc(res.n_event, m); alloc(res.n_event_u, m);
  alloc(res.n_censor, m); alloc(res.n_censor_u, m); alloc(res.n_trans, H);
  alloc(res.n_trans_u, H); alloc(res.pstate, m); alloc(res.cumhaz, H);
  if (variance != MsVariance::none) alloc(res.std_err, m);
  const bool ij = variance == MsVariance::ij || variance == MsVariance::ij_direct ||
                  variance == MsVariance::ij_lazy;
  const bool direct = variance == MsVariance::ij_direct;
  const bool force_lazy = variance == MsVariance::ij_lazy;
  if (ij) {
    alloc(res.std_chaz, H);
    alloc(res.std_auc, m);
  }

  // cluster codes local to the stratum being processed
  const int ncl_all = in.cluster ? in.ncluster : static_cast<int>(n);
  std::vector<int> local(ncl_all, -1);
  std::vector<double> sigma(static_cast<std::size_t>(m) * m), tmp(sigma.size());
  std::vector<double> p(m), pold(m), Y(m), Yu(m), dN(static_cast<std::size_t>(m) * m),
      dNu(static_cast<std::size_t>(m) * m), cens(m), censu(m), haz(H, 0.0), dA(dN.size());
  std::vector<double> se(m), se_auc(m), se_chaz(H);
  // the state and weight each local cluster is at risk with (-1: none)
  std::vector<int> cstate;
  std::vector<double> cweight;
  std::vector<char> added(n, 0);
  DirectIj dij(m, hidx, H);
  LazyIj lij(m, hidx, H, tfrom, tto);
  RowStep step;
  std::vector<double> Yeff(m);
  step.dA = &dA;
  step.Y = &Yeff;
  double work = 0.0;

  std::size_t pe = 0, ps = 0;  // positions in by_entry / by_stop
  for (int s = 0; s < in.nstrata; ++s) {
    const std::size_t b0 = ps;
    std::size_t b1 = b0;
    while (b1 < n && stratum(by_stop[b1]) == s) ++b1;
    const std::size_t e0 = pe;
    std::size_t e1 = e0;
    if (in.entry) while (e1 < n && stratum(by_entry[e1]) == s) ++e1;
    int ncl = 0;
    for (std::size_t q = b0; q < b1; ++q) {
      const int c = cl(by_stop[q]);
      if (local[c] < 0) local[c] = ncl++;
    }
    const std::size_t cm = static_cast<std::size_t>(ncl) * m;
    std::vector<double> u0(cm, 0.0);
    if (in.u0) {
      for (std::size_t q = b0; q < b1; ++q) {
        const std::size_t i = by_stop[q];
        for (int k = 0; k < m; ++k) u0[local[cl(i)] * m + k] += in.u0[i * m + k];
      }
    }
    const std::size_t srows = res.offset[s + 1] - res.offset[s];
    // the IJ engine of this stratum: the direct recursion (exact sums of
    // squares) where it is cheap, and where weights span more than three
    // orders of magnitude (the lazy scheme's updates by subtraction then
    // lose relative precision); the lazy scheme otherwise
    bool use_direct = direct;
    if (ij && !direct && !force_lazy) {
      double wmin = std::numeric_limits<double>::infinity(), wmax = 0.0;
      for (std::size_t q = b0; q < b1; ++q) {
        const double w = wt(by_stop[q]);
        if (w > 0.0) wmin = std::min(wmin, w);
        wmax = std::max(wmax, w);
      }
      use_direct = static_cast<double>(ncl) * static_cast<double>(srows) <= kDirectWork ||
                   (wmax > 0.0 && wmax > 1e3 * wmin);
    }
    if (ij) {
      if (use_direct) dij.begin(ncl, u0);
      else lij.begin(ncl, u0, srows);
    }
    if (variance == MsVariance::greenwood || variance == MsVariance::aalen) {
      // Sigma(t0): the IJ variance of p0
      std::fill(sigma.begin(), sigma.end(), 0.0);
      for (int c = 0; c < ncl; ++c)
        for (int k = 0; k < m; ++k)
          for (int l = 0; l < m; ++l) sigma[k * m + l] += u0[c * m + k] * u0[c * m + l];
    }
    cstate.assign(ncl, -1);
    cweight.assign(ncl, 0.0);
    for (int k = 0; k < m; ++k) p[k] = in.p0[s * m + k];
    std::fill(Y.begin(), Y.end(), 0.0);
    std::fill(Yu.begin(), Yu.end(), 0.0);
    std::fill(haz.begin(), haz.end(), 0.0);
    std::size_t ps_rm = b0, ps_ev = b0;
    pe = e0;
    auto set_risk = [&](std::size_t i, bool add) {
      const double w = wt(i);
      const int j = in.from[i];
      const int c = local[cl(i)];
      Y[j] += add ? w : -w;
      Yu[j] += add ? 1.0 : -1.0;
      if (!ij) return;
      if (add && cstate[c] >= 0) {
        throw input_error("multistate: a cluster has two rows at risk at the same time");
      }
      const int nj = add ? j : -1;
      const double nw = add ? w : 0.0;
      if (use_direct) dij.set_risk(c, nj, nw, cstate[c], cweight[c]);
      else lij.set_risk(c, nj, nw, cstate[c], cweight[c]);
      cstate[c] = nj;
      cweight[c] = nw;
    };
    bool all_added = false;
    for (std::size_t r = res.offset[s]; r < res.offset[s + 1]; ++r) {
      const double t = res.time[r];
      // leave (stop < t), then enter (entry < t <= stop): a cluster's next
      // row starts where its previous one stopped.  A row lying entirely
      // between two output times is never at risk at an output time.
      for (; ps_rm < b1 && stop[by_stop[ps_rm]] < t; ++ps_rm) {
        const std::size_t i = by_stop[ps_rm];
        if (added[i]) {
          set_risk(i, false);
          added[i] = 0;
        }
      }
      if (in.entry) {
        for (; pe < e1 && entry[by_entry[pe]] < t; ++pe) {
          const std::size_t i = by_entry[pe];
          if (stop[i] >= t) {
            set_risk(i, true);
            added[i] = 1;
          }
        }
      } else if (!all_added) {
        for (std::size_t q = ps_rm; q < b1; ++q) {
          set_risk(by_stop[q], true);
          added[by_stop[q]] = 1;
        }
        all_added = true;
      }
      ps_ev = std::max(ps_ev, ps_rm);
      std::fill(dN.begin(), dN.end(), 0.0);
      std::fill(dNu.begin(), dNu.end(), 0.0);
      std::fill(cens.begin(), cens.end(), 0.0);
      std::fill(censu.begin(), censu.end(), 0.0);
      std::size_t q_end = ps_ev;
      while (q_end < b1 && stop[by_stop[q_end]] == t) ++q_end;
      step.events.clear();
      for (std::size_t q = ps_ev; q < q_end; ++q) {
        const std::size_t i = by_stop[q];
        if (in.to[i] >= 0) {
          dN[in.from[i] * m + in.to[i]] += wt(i);
          dNu[in.from[i] * m + in.to[i]] += 1.0;
          // a transition of weight 0 has influence 0 (E_c = W_c = 0); only
          // weighted ones enter the variance engines (their state then has
          // dN > 0 and is one of step.ev)
          if (wt(i) > 0.0 && Y[in.from[i]] > 0.0) {
            step.events.push_back({local[cl(i)], in.from[i], in.to[i], wt(i)});
          }
        } else if (!in.censor || in.censor[i]) {
          cens[in.from[i]] += wt(i);
          censu[in.from[i]] += 1.0;
        }
      }
      for (int k = 0; k < m; ++k) {
        res.n_risk[k * nrow + r] = Y[k];
        res.n_risk_u[k * nrow + r] = Yu[k];
        res.n_censor[k * nrow + r] = cens[k];
        res.n_censor_u[k * nrow + r] = censu[k];
        double e = 0.0, eu = 0.0;
        for (int j = 0; j < m; ++j) {
          e += dN[j * m + k];
          eu += dNu[j * m + k];
        }
        res.n_event[k * nrow + r] = e;
        res.n_event_u[k * nrow + r] = eu;
      }
      for (int h = 0; h < H; ++h) {
        res.n_trans[h * nrow + r] = dN[tfrom[h] * m + tto[h]];
        res.n_trans_u[h * nrow + r] = dNu[tfrom[h] * m + tto[h]];
      }
      // the increments dA (states with a positive weighted risk set)
      step.ev.clear();
      step.gamma.clear();
      std::fill(dA.begin(), dA.end(), 0.0);
      Yeff = Y;
      for (int j = 0; j < m; ++j) {
        if (!(Y[j] > 0.0)) continue;
        double dj = 0.0, dju = 0.0;
        for (int k = 0; k < m; ++k) {
          dj += dN[j * m + k];
          dju += dNu[j * m + k];
        }
        if (dj == 0.0) continue;
        // everyone at risk in j leaves: Y_j is exactly the sum of their
        // weights (the running sum may differ in its last bits)
        if (dju == Yu[j]) Yeff[j] = dj;
        step.ev.push_back(j);
        step.gamma.push_back(p[j] / Yeff[j]);
        for (int k = 0; k < m; ++k) dA[j * m + k] = dN[j * m + k] / Yeff[j];
        dA[j * m + j] = dju == Yu[j] ? -1.0 : -dj / Yeff[j];
      }
      // the area under p starts at t0 (p0 before the first output time)
      step.dt = r > res.offset[s] ? t - res.time[r - 1] : t - in.t0[s];
      pold = p;
      for (int j : step.ev)
        for (int k = 0; k < m; ++k) p[k] += pold[j] * dA[j * m + k];
      for (int j : step.ev)
        for (int k = 0; k < m; ++k) {
          const int h = hidx[j * m + k];
          if (h >= 0) haz[h] += dA[j * m + k];
        }
      if (ij) {
        if (use_direct) {
          dij.step(step, se.data(), se_auc.data(), se_chaz.data());
          work += dij.cost();
        } else {
          lij.step(step, se.data(), se_auc.data(), se_chaz.data());
          work += lij.cost() + static_cast<double>(step.events.size()) * 64.0;
        }
        for (int k = 0; k < m; ++k) {
          res.std_err[k * nrow + r] = se[k];
          res.std_auc[k * nrow + r] = se_auc[k];
        }
        for (int h = 0; h < H; ++h) res.std_chaz[h * nrow + r] = se_chaz[h];
      }
      if ((variance == MsVariance::greenwood || variance == MsVariance::aalen) &&
          !step.ev.empty()) {
        // Sigma <- T' Sigma T + sum_j p_j(t-)^2 Cov(dA_j.)
        for (int k = 0; k < m; ++k)
          for (int l = 0; l < m; ++l) {
            double v = sigma[k * m + l];
            for (int j : step.ev) v += sigma[k * m + j] * dA[j * m + l];
            tmp[k * m + l] = v;
          }
        for (int k = 0; k < m; ++k)
          for (int l = 0; l < m; ++l) {
            double v = tmp[k * m + l];
            for (int j : step.ev) v += dA[j * m + k] * tmp[j * m + l];
            sigma[k * m + l] = v;
          }
        for (int j : step.ev) {
          // (mstate's "aalen" method weights the increments' covariance by
          // p_j after the step, its "greenwood" method by p_j before it)
          const double pj = variance == MsVariance::aalen ? p[j] : pold[j];
          const double y = Yeff[j], pj2 = pj * pj;
          double dj = 0.0;
          for (int k = 0; k < m; ++k)
            if (k != j) dj += dN[j * m + k];
          // Greenwood (multinomial): Cov(dA_jk, dA_jl) = dN_jk (delta_kl Y - dN_jl)/Y^3;
          // Aalen (Poisson): delta_kl dN_jk / Y^2; dA_jj = -sum_k dA_jk
          const bool gw = variance == MsVariance::greenwood;
          for (int k = 0; k < m; ++k) {
            if (k == j) continue;
            for (int l = 0; l < m; ++l) {
              if (l == j) continue;
              const double c = gw ? dN[j * m + k] * ((k == l ? y : 0.0) - dN[j * m + l]) / (y * y * y)
                                  : (k == l ? dN[j * m + k] / (y * y) : 0.0);
              sigma[k * m + l] += pj2 * c;
            }
            const double cj = gw ? -dN[j * m + k] * (y - dj) / (y * y * y)  // Cov(dA_jk, dA_jj)
                                 : -dN[j * m + k] / (y * y);
            sigma[k * m + j] += pj2 * cj;
            sigma[j * m + k] += pj2 * cj;
          }
          sigma[j * m + j] += pj2 * (gw ? dj * (y - dj) / (y * y * y) : dj / (y * y));
        }
      }
      if (variance == MsVariance::greenwood || variance == MsVariance::aalen) {
        double scale = 0.0;
        for (int k = 0; k < m; ++k) scale = std::max(scale, std::fabs(sigma[k * m + k]));
        for (int k = 0; k < m; ++k) res.std_err[k * nrow + r] = se_from(sigma[k * m + k], scale);
      }
      // p_k(t) is a sum of products of non-negative factors, so p_k = 0
      // means every path into k has a factor that is 0 for all nearby
      // weights (or carries weight 0): its variance is exactly 0, which the
      // recursions reproduce only up to rounding.  The same holds for a
      // state holding everyone (every other state is 0, so p_k = 1 up to
      // rounding, and its influence is minus the sum of theirs).
      if (variance != MsVariance::none) {
        int nzero = 0;
        for (int k = 0; k < m; ++k) nzero += p[k] == 0.0;
        for (int k = 0; k < m; ++k) {
          if (p[k] == 0.0 || nzero == m - 1) res.std_err[k * nrow + r] = 0.0;
        }
      }
      for (int k = 0; k < m; ++k) res.pstate[k * nrow + r] = p[k];
      for (int h = 0; h < H; ++h) res.cumhaz[h * nrow + r] = haz[h];
      work += static_cast<double>(m) * m;
      if (work > 2e7) {
        work = 0.0;
        if (poll) poll();
      }
      ps_ev = q_end;
    }
    ps = b1;
    pe = e1;
    for (std::size_t q = b0; q < b1; ++q) local[cl(by_stop[q])] = -1;
  }
  return res;
}

}  // namespace smallsurv
