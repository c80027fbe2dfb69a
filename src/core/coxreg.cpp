// coxreg.cpp -- see coxreg.h.  The package's one translation unit with Eigen.
#include "coxreg.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "errors.h"
#include "event_table.h"
#include "product_limit.h"

namespace smallsurv {

using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxEta = 700.0;  // exp() of more overflows near 1.0e304
constexpr const char* kSingular =
    "the information matrix is singular: a covariate has no variation within the risk sets "
    "(e.g. it differs only among subjects who are never at risk at an event time), or every "
    "event has weight 0";

// Positive definite up to coxph's tolerance (toler.chol = eps^0.75,
// relative to the largest pivot): information that is 0 up to rounding
// (a covariate without variation in the risk sets) counts as singular.
bool positive_definite(const Eigen::LDLT<MatrixXd>& ldlt) {
  const VectorXd d = ldlt.vectorD();
  if (d.size() == 0) return true;
  const double tol = std::pow(std::numeric_limits<double>::epsilon(), 0.75);
  return d.minCoeff() > tol * std::max(d.maxCoeff(), 0.0) && d.minCoeff() > 0.0;
}

// One evaluation of the (penalised) log partial likelihood.
struct Eval {
  bool ok = false;     // finite likelihood and, with Firth, a positive-definite I
  double loglik = -kInf;
  double penalty = 0.0;  // 1/2 log|I| (Firth only)
  VectorXd score;        // unpenalised
  VectorXd pscore;       // penalised (= score without Firth)
  MatrixXd info;
  VectorXd scale;  // sum of a S2_jj / S0 (x centred): what I_jj would be
                   // without the within-risk-set centring
  double total() const { return loglik + penalty; }
  // every diagonal of I is a visible share of its scale: a covariate with
  // no variation within the risk sets leaves only rounding there
  bool varies(Eigen::Index j) const { return info(j, j) > 1e-10 * scale[j]; }
};

}  // namespace

struct CoxModel::Impl {
  std::size_t n = 0, p = 0;
  bool fine_gray = false;
  CoxTies ties = CoxTies::efron;
  EventTable tab;
  std::vector<double> xc;    // centred covariates, n x p column-major (construction only)
  std::vector<double> means;
  std::vector<double> sd;    // column standard deviations (standardised scale)
  std::vector<double> w, off;
  std::vector<int> status;   // 1 = event of interest, 2 = competing (Fine-Gray)
  // observations by the row of their stop time / of their first risk row
  std::vector<std::size_t> stop_ptr, stop_obs, first_ptr, first_obs;
  std::vector<char> at_risk;            // the observation is ever at risk
  std::vector<std::size_t> row_event;   // event index of a row, or npos
  std::vector<std::size_t> ev_row;      // rows with events of interest
  std::vector<std::size_t> dead_ptr, dead_obs;  // events of interest per event row
  std::vector<int> ev_stratum;
  std::vector<double> grow;             // Fine-Gray: G(t_r-) per row
  std::vector<double> ginv;             // Fine-Gray: 1/G(T_j-) (competing events)
  double wevents = 0.0;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::vector<double> xr;    // the same, row-major (the sweeps read rows)
  // Efron only: the compact index of an event row with tied events (its
  // sums over the events are needed), or npos
  std::vector<std::size_t> tie_index;
  std::size_t ntied = 0;
  double x(std::size_t i, std::size_t j) const { return xr[i * p + j]; }
  // position of x_a x_b (either order) in the packed feature vector
  // 1, x_1..x_p, then the upper triangle of x x' row by row
  std::vector<std::size_t> pk;
  std::size_t pos(std::size_t a, std::size_t b) const { return pk[a * p + b]; }
  std::size_t nfeat() const { return 1 + p + p * (p + 1) / 2; }

  // Linear predictors (centred) and risk weights; false when one overflows.
  bool risk(const VectorXd& beta, std::vector<double>& eta, std::vector<double>& v) const {
    eta.assign(n, 0.0);
    v.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      double e = off.empty() ? 0.0 : off[i];
      for (std::size_t j = 0; j < p; ++j) e += x(i, j) * beta[static_cast<Eigen::Index>(j)];
      if (!(e < kMaxEta) || std::isnan(e)) return false;
      eta[i] = e;
      v[i] = w[i] * std::exp(e);
    }
    return true;
  }

  // The risk-set sums of the features f_i (m per observation, written by
  // feat) weighted by v, at every event row (E) and over its events (D).
  template <class Feat>
  void sweep(const std::vector<double>& v, std::size_t m, Feat feat, std::vector<double>& E,
             std::vector<double>& D) const {
    const std::size_t nev = ev_row.size();
    E.resize(nev * m);
    D.assign(ntied * m, 0.0);
    std::vector<double> acc(m), f(m), comp(m);
    for (int s = 0; s < tab.nstrata; ++s) {
      const std::size_t lo = tab.offset[s], hi = tab.offset[s + 1];
      std::fill(acc.begin(), acc.end(), 0.0);
      for (std::size_t r = hi; r-- > lo;) {
        for (std::size_t k = stop_ptr[r]; k < stop_ptr[r + 1]; ++k) {
          const std::size_t i = stop_obs[k];
          if (!at_risk[i]) continue;
          feat(i, f.data());
          for (std::size_t a = 0; a < m; ++a) acc[a] += v[i] * f[a];
        }
        const std::size_t e = row_event[r];
        if (e != npos) {
          std::copy(acc.begin(), acc.end(), E.begin() + e * m);
          const std::size_t t = tie_index[e];
          if (t != npos) {
            for (std::size_t k = dead_ptr[e]; k < dead_ptr[e + 1]; ++k) {
              const std::size_t i = dead_obs[k];
              feat(i, f.data());
              for (std::size_t a = 0; a < m; ++a) D[t * m + a] += v[i] * f[a];
            }
          }
        }
        for (std::size_t k = first_ptr[r]; k < first_ptr[r + 1]; ++k) {
          const std::size_t i = first_obs[k];
          feat(i, f.data());
          for (std::size_t a = 0; a < m; ++a) acc[a] -= v[i] * f[a];
        }
      }
      if (!fine_gray) continue;
      // competing events stay at risk after T_j with weight G(t-)/G(T_j-)
      std::fill(comp.begin(), comp.end(), 0.0);
      for (std::size_t r = lo; r < hi; ++r) {
        const std::size_t e = row_event[r];
        if (e != npos) {
          for (std::size_t a = 0; a < m; ++a) E[e * m + a] += grow[r] * comp[a];
        }
        for (std::size_t k = stop_ptr[r]; k < stop_ptr[r + 1]; ++k) {
          const std::size_t i = stop_obs[k];
          if (status[i] != 2) continue;
          feat(i, f.data());
          for (std::size_t a = 0; a < m; ++a) comp[a] += v[i] * ginv[i] * f[a];
        }
      }
    }
  }

  // Calls term(e, a, S) for every event term: Breslow one per event row with
  // a = W_D, Efron d terms with a = W_D / d and S - k/d S_D.
  template <class Term>
  void terms(std::size_t m, const std::vector<double>& E, const std::vector<double>& D,
             std::vector<double>& S, Term term) const {
    S.resize(m);
    for (std::size_t e = 0; e < ev_row.size(); ++e) {
      double wd = 0.0;
      for (std::size_t k = dead_ptr[e]; k < dead_ptr[e + 1]; ++k) wd += w[dead_obs[k]];
      if (!(wd > 0.0)) continue;
      const std::size_t d = dead_ptr[e + 1] - dead_ptr[e];
      if (ties == CoxTies::breslow || d == 1) {
        std::copy(E.begin() + e * m, E.begin() + (e + 1) * m, S.begin());
        term(e, wd, 0, S);
      } else {
        for (std::size_t k = 0; k < d; ++k) {
          const double frac = static_cast<double>(k) / static_cast<double>(d);
          const std::size_t t = tie_index[e];
          for (std::size_t a = 0; a < m; ++a) S[a] = E[e * m + a] - frac * D[t * m + a];
          term(e, wd / static_cast<double>(d), k, S);
        }
      }
    }
  }

  Eval evaluate(const VectorXd& beta, bool firth) const {
    Eval out;
    const Eigen::Index P = static_cast<Eigen::Index>(p);
    std::vector<double> eta, v;
    if (!risk(beta, eta, v)) return out;
    const std::size_t m = nfeat();
    std::vector<double> E, D, S;
    sweep(v, m, [&](std::size_t i, double* f) {
      const double* xi = &xr[i * p];
      f[0] = 1.0;
      std::size_t k = 1;
      for (std::size_t a = 0; a < p; ++a) f[k++] = xi[a];
      for (std::size_t a = 0; a < p; ++a)
        for (std::size_t b = a; b < p; ++b) f[k++] = xi[a] * xi[b];
    }, E, D);
    double ll = 0.0;
    VectorXd U = VectorXd::Zero(P);
    MatrixXd I = MatrixXd::Zero(P, P);
    VectorXd scale = VectorXd::Zero(P);
    for (std::size_t e = 0; e < ev_row.size(); ++e) {
      for (std::size_t k = dead_ptr[e]; k < dead_ptr[e + 1]; ++k) {
        const std::size_t i = dead_obs[k];
        ll += w[i] * eta[i];
        for (std::size_t a = 0; a < p; ++a) U[static_cast<Eigen::Index>(a)] += w[i] * x(i, a);
      }
    }
    bool finite = true;
    std::vector<double> xbar(p);
    terms(m, E, D, S, [&](std::size_t, double a, std::size_t, const std::vector<double>& s) {
      const double s0 = s[0];
      if (!(s0 > 0.0)) {
        finite = false;
        return;
      }
      ll -= a * std::log(s0);
      const double inv = 1.0 / s0;
      for (std::size_t j = 0; j < p; ++j) xbar[j] = s[1 + j] * inv;
      for (std::size_t j = 0; j < p; ++j) {
        U[static_cast<Eigen::Index>(j)] -= a * xbar[j];
        scale[static_cast<Eigen::Index>(j)] += a * s[pos(j, j)] * inv;
        // upper triangle; mirrored below
        for (std::size_t l = j; l < p; ++l) {
          I(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(l)) +=
              a * (s[pos(j, l)] * inv - xbar[j] * xbar[l]);
        }
      }
    });
    for (Eigen::Index j = 0; j < P; ++j)
      for (Eigen::Index l = 0; l < j; ++l) I(j, l) = I(l, j);
    if (!finite || !std::isfinite(ll)) return out;
    out.loglik = ll;
    out.score = U;
    out.info = I;
    out.scale = scale;
    out.pscore = U;
    out.ok = true;
    if (!firth) return out;
    Eigen::LLT<MatrixXd> llt(I);
    if (llt.info() != Eigen::Success) {
      out.ok = false;
      return out;
    }
    const MatrixXd L = llt.matrixL();
    double logdet = 0.0;
    for (Eigen::Index j = 0; j < P; ++j) logdet += 2.0 * std::log(L(j, j));
    if (!std::isfinite(logdet)) {
      out.ok = false;
      return out;
    }
    out.penalty = 0.5 * logdet;
    const MatrixXd Iinv = llt.solve(MatrixXd::Identity(P, P));
    // second pass: sums of v q x with q_i = x_i' I^-1 x_i
    std::vector<double> q(n);
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      for (std::size_t a = 0; a < p; ++a)
        for (std::size_t b = 0; b < p; ++b)
          s += x(i, a) * Iinv(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) *
               x(i, b);
      q[i] = s;
    }
    std::vector<double> E2, D2, S2;
    sweep(v, p, [&](std::size_t i, double* f) {
      for (std::size_t a = 0; a < p; ++a) f[a] = q[i] * x(i, a);
    }, E2, D2);
    VectorXd g = VectorXd::Zero(P), xb(P), u(P);
    MatrixXd M(P, P);
    std::vector<double> Sq(p);
    terms(m, E, D, S, [&](std::size_t e, double a, std::size_t k, const std::vector<double>& s) {
      const double s0 = s[0];
      const std::size_t d = dead_ptr[e + 1] - dead_ptr[e];
      const double frac = (ties == CoxTies::breslow || d == 1)
                              ? 0.0 : static_cast<double>(k) / static_cast<double>(d);
      for (std::size_t j = 0; j < p; ++j) {
        Sq[j] = E2[e * p + j] - (frac > 0.0 ? frac * D2[tie_index[e] * p + j] : 0.0);
        xb[static_cast<Eigen::Index>(j)] = s[1 + j] / s0;
        for (std::size_t l = 0; l < p; ++l)
          M(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(l)) = s[pos(j, l)] / s0;
      }
      const double q0 = (Iinv.cwiseProduct(M)).sum();
      u = Iinv * xb;
      const double c = xb.dot(u);
      const VectorXd uM = M.transpose() * u;  // (I^-1 xbar)' m_r for every r
      for (Eigen::Index r = 0; r < P; ++r) {
        g[r] += a * (Sq[static_cast<std::size_t>(r)] / s0 - q0 * xb[r] - 2.0 * uM[r] +
                     2.0 * c * xb[r]);
      }
    });
    out.pscore = U + 0.5 * g;
    return out;
  }

  // Maximise over the free coefficients (mask 1) from `beta`; the others fixed.
  struct Path {
    VectorXd beta;
    Eval ev;
    int iter = 0, halvings = 0;
    bool converged = false;
    double last_step = 0.0, last_score = 0.0;
  };

  Path maximise(VectorXd beta, const std::vector<char>& free, const CoxControl& ctl,
                const std::function<void()>& poll, const Eval* start = nullptr) const {
    Path path;
    const bool firth = ctl.firth;
    std::vector<Eigen::Index> idx;
    for (std::size_t j = 0; j < p; ++j)
      if (free[j]) idx.push_back(static_cast<Eigen::Index>(j));
    const Eigen::Index F = static_cast<Eigen::Index>(idx.size());
    Eval ev = start ? *start : evaluate(beta, firth);
    if (!ev.ok) {
      throw input_error(firth ? kSingular
                              : "the log partial likelihood is not finite at the start values");
    }
    auto sub_step = [&](const Eval& e, double& scoremax) -> VectorXd {
      MatrixXd If(F, F);
      VectorXd Uf(F);
      scoremax = 0.0;
      for (Eigen::Index a = 0; a < F; ++a) {
        Uf[a] = e.pscore[idx[a]];
        scoremax = std::max(scoremax, std::fabs(Uf[a] / sd[static_cast<std::size_t>(idx[a])]));
        for (Eigen::Index b = 0; b < F; ++b) If(a, b) = e.info(idx[a], idx[b]);
      }
      Eigen::LDLT<MatrixXd> ldlt(If);
      VectorXd st = ldlt.solve(Uf);
      if (ldlt.info() != Eigen::Success || !st.allFinite() || !positive_definite(ldlt)) {
        throw input_error(kSingular);
      }
      VectorXd full = VectorXd::Zero(static_cast<Eigen::Index>(p));
      for (Eigen::Index a = 0; a < F; ++a) full[idx[a]] = st[a];
      return full;
    };
    if (F == 0) {
      path.beta = beta;
      path.ev = ev;
      path.converged = true;
      return path;
    }
    const int iter_max = firth ? ctl.firth_iter_max : ctl.iter_max;
    int iter = 0;
    // Firth: the fraction of the I^-1 U* step the last line search accepted,
    // doubled, starts the next one (where the penalty's curvature makes
    // full steps overshoot, this saves the same halvings every iteration)
    double damp = 1.0;
    while (iter < iter_max) {
      if (poll) poll();
      ++iter;
      double scoremax = 0.0;
      VectorXd step = sub_step(ev, scoremax);
      double smax = 0.0;
      for (std::size_t j = 0; j < p; ++j)
        smax = std::max(smax, std::fabs(step[static_cast<Eigen::Index>(j)]) * sd[j]);
      if (firth && smax <= ctl.firth_tol) {
        // the Newton-type step left is below the tolerance: converged (its
        // l* gain is below the rounding of l*, so no comparison can see it)
        path.converged = true;
        path.last_step = smax;
        path.last_score = scoremax;
        break;
      }
      if (firth && smax > ctl.max_step) {
        step *= ctl.max_step / smax;
        smax = ctl.max_step;
      }
      if (firth && damp < 1.0) {
        step *= damp;
        smax *= damp;
      }
      VectorXd nb = beta + step;
      Eval en = evaluate(nb, firth);
      if (firth && smax <= 1e-8 && (!en.ok || en.total() <= ev.total())) {
        // a step this small that does not raise l* is at its rounding
        // floor: converged (halving it further only repeats that)
        path.converged = true;
        path.last_step = smax;
        path.last_score = scoremax;
        break;
      }
      int h = 0;
      while ((!en.ok || en.total() < ev.total()) && h < ctl.max_halving) {
        step *= 0.5;
        smax *= 0.5;
        nb = beta + step;
        en = evaluate(nb, firth);
        ++h;
      }
      path.halvings += h;
      if (firth && h > 0 && (((!en.ok || en.total() < ev.total()) &&
                             smax * std::ldexp(1.0, h) <= 1e-6) ||
                            (smax <= 1e-12 && smax * std::ldexp(1.0, h) <= 1e-3))) {
        // no step along I^-1 U* raises l* above its rounding (or only one
        // halved to below 1e-12 does, by noise), and the proposed step is
        // already small: the optimum up to the conditioning of I (with an
        // ill-conditioned I the proposed step cannot reach firth_tol)
        path.converged = true;
        path.last_step = smax * std::ldexp(1.0, h);
        path.last_score = scoremax;
        break;
      }
      if (!en.ok) break;
      if (firth) damp = std::min(1.0, 2.0 * damp * std::ldexp(1.0, -h));
      const double old = ev.total();
      beta = nb;
      ev = en;
      path.last_step = smax;
      if (firth) {
        double sc = 0.0;
        for (Eigen::Index a = 0; a < F; ++a)
          sc = std::max(sc, std::fabs(ev.pscore[idx[a]] / sd[static_cast<std::size_t>(idx[a])]));
        path.last_score = sc;
        // a profile point needs l* only: where the penalised likelihood is
        // flat the I^-1 U* steps converge slowly, but l* has settled
        if (F < static_cast<Eigen::Index>(p) && h == 0 && smax <= 1e-4 &&
            std::fabs(ev.total() - old) <= 1e-13 * std::max(1.0, std::fabs(ev.total()))) {
          path.converged = true;
          break;
        }
      } else if (std::fabs(old - ev.total()) <= ctl.eps * std::fabs(ev.total()) && h == 0) {
        path.converged = true;
        break;
      }
    }
    path.beta = beta;
    path.ev = ev;
    path.iter = iter;
    return path;
  }
};

CoxModel::CoxModel(const CoxInput& in) : impl_(new Impl) {
  Impl& m = *impl_;
  if (in.n == 0) throw input_error("no observations");
  if (in.p == 0) throw input_error("no covariates");
  if (!in.stop || !in.status || !in.x) throw input_error("stop, status and x are required");
  if (in.fine_gray && (in.entry || (in.strata && in.nstrata > 1)))
    throw input_error("Fine-Gray: right-censored data without strata only");
  m.n = in.n;
  m.p = in.p;
  m.fine_gray = in.fine_gray;
  m.ties = in.ties;
  const std::size_t n = in.n, p = in.p;
  m.w.assign(n, 1.0);
  if (in.weight) std::copy(in.weight, in.weight + n, m.w.begin());
  if (in.offset) {
    // centred (the likelihood is unchanged; exp() of large offsets is not)
    m.off.assign(in.offset, in.offset + n);
    double mo = 0.0;
    for (double o : m.off) mo += o;
    mo /= static_cast<double>(n);
    for (double& o : m.off) o -= mo;
  }
  m.status.assign(in.status, in.status + n);
  const int maxstatus = in.fine_gray ? 2 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (m.status[i] < 0 || m.status[i] > maxstatus) throw input_error("status out of range");
    if (!(m.w[i] >= 0.0) || !std::isfinite(m.w[i])) throw input_error("weights must be >= 0");
  }
  // centre at the weighted means; standard deviations for the step scale
  double wsum = 0.0;
  for (double wi : m.w) wsum += wi;
  if (!(wsum > 0.0)) throw input_error("all weights are 0");
  m.xc.assign(in.x, in.x + n * p);
  m.means.assign(p, 0.0);
  m.sd.assign(p, 1.0);
  for (std::size_t j = 0; j < p; ++j) {
    double s = 0.0, mu = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += m.w[i] * m.xc[j * n + i];
    m.means[j] = s / wsum;
    for (std::size_t i = 0; i < n; ++i) mu += m.xc[j * n + i];
    mu /= static_cast<double>(n);
    double ss = 0.0;
    for (std::size_t i = 0; i < n; ++i) ss += (m.xc[j * n + i] - mu) * (m.xc[j * n + i] - mu);
    const double sdj = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
    m.sd[j] = sdj > 0.0 ? sdj : 1.0;
    for (std::size_t i = 0; i < n; ++i) m.xc[j * n + i] -= m.means[j];
  }
  m.pk.assign(p * p, 0);
  {
    std::size_t k = 1 + p;
    for (std::size_t a = 0; a < p; ++a)
      for (std::size_t b = a; b < p; ++b) m.pk[a * p + b] = m.pk[b * p + a] = k++;
  }
  m.xr.resize(n * p);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) m.xr[i * p + j] = m.xc[j * n + i];
  std::vector<double>().swap(m.xc);
  // the one event table: sort, timefix, risk-set rows of every observation
  SurvInput si;
  si.n = n;
  si.stop = in.stop;
  si.status = in.status;
  si.entry = in.entry;
  si.weight = in.weight;
  si.strata = in.strata;
  si.nstrata = in.strata ? in.nstrata : 1;
  si.ncause = in.fine_gray ? 2 : 1;
  si.timefix = in.timefix;
  m.tab = build_event_table(si, true);
  const std::size_t nrow = m.tab.nrow();
  m.at_risk.assign(n, 0);
  m.stop_ptr.assign(nrow + 1, 0);
  m.first_ptr.assign(nrow + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    m.at_risk[i] = m.tab.first_row[i] <= m.tab.stop_row[i];
    ++m.stop_ptr[m.tab.stop_row[i] + 1];
    if (m.at_risk[i]) ++m.first_ptr[m.tab.first_row[i] + 1];
  }
  for (std::size_t r = 0; r < nrow; ++r) {
    m.stop_ptr[r + 1] += m.stop_ptr[r];
    m.first_ptr[r + 1] += m.first_ptr[r];
  }
  m.stop_obs.assign(n, 0);
  m.first_obs.assign(m.first_ptr[nrow], 0);
  {
    std::vector<std::size_t> a(m.stop_ptr.begin(), m.stop_ptr.end() - 1),
        b(m.first_ptr.begin(), m.first_ptr.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      m.stop_obs[a[m.tab.stop_row[i]]++] = i;
      if (m.at_risk[i]) m.first_obs[b[m.tab.first_row[i]]++] = i;
    }
  }
  m.row_event.assign(nrow, Impl::npos);
  m.dead_ptr.assign(1, 0);
  for (int s = 0; s < m.tab.nstrata; ++s) {
    for (std::size_t r = m.tab.offset[s]; r < m.tab.offset[s + 1]; ++r) {
      std::size_t d = 0;
      for (std::size_t k = m.stop_ptr[r]; k < m.stop_ptr[r + 1]; ++k) {
        const std::size_t i = m.stop_obs[k];
        if (m.status[i] == 1 && m.at_risk[i]) {
          m.dead_obs.push_back(i);
          m.wevents += m.w[i];
          ++d;
        }
      }
      if (d == 0) continue;
      m.row_event[r] = m.ev_row.size();
      m.ev_row.push_back(r);
      m.ev_stratum.push_back(s);
      m.dead_ptr.push_back(m.dead_obs.size());
    }
  }
  m.tie_index.assign(m.ev_row.size(), Impl::npos);
  if (m.ties == CoxTies::efron) {
    for (std::size_t e = 0; e < m.ev_row.size(); ++e)
      if (m.dead_ptr[e + 1] - m.dead_ptr[e] > 1) m.tie_index[e] = m.ntied++;
  }
  if (m.fine_gray) {
    // Kaplan-Meier of censoring just before each row: failures at a tied
    // time are still at risk for the censorings there
    // (the censorings are the events of this product-limit estimate;
    // survfit's arithmetic, which crr's censoring fit uses too)
    m.grow.assign(nrow, 1.0);
    ProductLimit g;
    for (std::size_t r = 0; r < nrow; ++r) {
      m.grow[r] = g.surv;
      g.step(m.tab.n_risk[r], m.tab.n_censor[r]);
    }
    m.ginv.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      if (m.status[i] == 2) m.ginv[i] = 1.0 / m.grow[m.tab.stop_row[i]];
  }
}

CoxModel::~CoxModel() = default;

std::size_t CoxModel::p() const { return impl_->p; }
double CoxModel::n_event() const { return impl_->wevents; }

CoxFitResult CoxModel::fit(const std::vector<double>& init, const CoxControl& ctl,
                           const std::function<void()>& poll) const {
  const Impl& m = *impl_;
  const Eigen::Index P = static_cast<Eigen::Index>(m.p);
  if (init.size() != m.p) throw input_error("init has the wrong length");
  VectorXd b0 = Eigen::Map<const VectorXd>(init.data(), P);
  CoxFitResult out;
  const Eval e0 = m.evaluate(b0, ctl.firth);
  if (!e0.ok) {
    throw input_error(ctl.firth ? kSingular
                                : "the log partial likelihood is not finite at the start values");
  }
  {
    Eigen::LDLT<MatrixXd> l0(e0.info);
    if (!positive_definite(l0)) throw input_error(kSingular);
    for (Eigen::Index j = 0; j < P; ++j)
      if (!e0.varies(j)) throw input_error(kSingular);
  }
  out.loglik_init = e0.loglik;
  out.penalty_init = e0.penalty;
  {
    Eigen::LDLT<MatrixXd> ldlt(e0.info);
    const VectorXd s = ldlt.solve(e0.score);
    out.score_test = (ldlt.info() == Eigen::Success && s.allFinite()) ? e0.score.dot(s)
                                                                      : std::nan("");
  }
  std::vector<char> all(m.p, 1);
  Impl::Path path = m.maximise(b0, all, ctl, poll, &e0);
  out.coef.assign(path.beta.data(), path.beta.data() + P);
  out.loglik = path.ev.loglik;
  out.penalty = path.ev.penalty;
  out.iter = path.iter;
  out.halvings = path.halvings;
  out.converged = path.converged;
  out.max_abs_step = path.last_step;
  out.max_abs_score = path.last_score;
  out.info.assign(path.ev.info.data(), path.ev.info.data() + P * P);
  out.score.assign(path.ev.score.data(), path.ev.score.data() + P);
  Eigen::LDLT<MatrixXd> ldlt(path.ev.info);
  MatrixXd V = ldlt.solve(MatrixXd::Identity(P, P));
  if (ldlt.info() != Eigen::Success || !V.allFinite() || !positive_definite(ldlt))
    V = MatrixXd::Constant(P, P, std::nan(""));
  out.var.assign(V.data(), V.data() + P * P);
  // coxph's rule: a coefficient "may be infinite" when the Newton step left
  // at convergence is large relative to it
  out.infinite.assign(m.p, 0);
  const VectorXd left = (V * path.ev.score).cwiseAbs();
  const double tol_inf = std::sqrt(ctl.eps);
  for (Eigen::Index j = 0; j < P; ++j) {
    out.infinite[static_cast<std::size_t>(j)] =
        left[j] > ctl.eps && left[j] > tol_inf * std::fabs(path.beta[j]);
  }
  return out;
}

CoxProfile CoxModel::profile(const CoxFitResult& fit, const std::vector<int>& which, double q,
                             const CoxControl& ctl, const std::function<void()>& poll) const {
  const Impl& m = *impl_;
  const Eigen::Index P = static_cast<Eigen::Index>(m.p);
  const VectorXd bhat = Eigen::Map<const VectorXd>(fit.coef.data(), P);
  const double top = fit.loglik + fit.penalty;
  // a profile point needs l* only, whose error is quadratic in the error
  // of the other coefficients: 1e-6 standardised units leave l* within
  // ~1e-12 relative, far below what moves a limit (tested against coxphf)
  CoxControl pctl = ctl;
  pctl.firth_tol = std::max(ctl.firth_tol, 1e-6);
  CoxProfile out;
  for (int jj : which) {
    if (jj < 0 || static_cast<std::size_t>(jj) >= m.p) throw input_error("bad coefficient index");
    const std::size_t j = static_cast<std::size_t>(jj);
    std::vector<char> free(m.p, 1);
    free[j] = 0;
    // LR(b) - q and the constrained maximiser, warm-started
    auto stat = [&](double b, VectorXd start) -> std::pair<double, VectorXd> {
      start[static_cast<Eigen::Index>(j)] = b;
      Impl::Path path = m.maximise(start, free, pctl, poll);
      return {2.0 * (top - path.ev.total()), path.beta};
    };
    const double se = std::sqrt(fit.var[j * m.p + j]);
    double h0 = std::sqrt(q) * se;
    if (!(h0 > 0.0) || !std::isfinite(h0)) h0 = 1.0 / m.sd[j];
    // at most half a standard deviation of the covariate per step
    h0 = std::min(h0, 0.5 / m.sd[j]);
    for (int dir = -1; dir <= 1; dir += 2) {
      double b_in = bhat[static_cast<Eigen::Index>(j)], f_in = -q;
      VectorXd sol_in = bhat;
      double h = h0, b_out = 0.0, f_out = 0.0;
      VectorXd sol_out;
      bool found = false;
      while (true) {
        b_out = bhat[static_cast<Eigen::Index>(j)] + dir * h;
        auto r = stat(b_out, sol_in);
        f_out = r.first - q;
        sol_out = r.second;
        if (f_out >= 0.0) {
          found = true;
          break;
        }
        b_in = b_out;
        f_in = f_out;
        sol_in = sol_out;
        if (h * m.sd[j] > ctl.profile_limit) break;
        // equal steps: a profile that is not monotone (it can cross the
        // threshold, dip below it and cross again) must not be stepped over
        // (at most profile_limit / 0.5 evaluations up to an infinite limit)
        h += h0;
      }
      double lim = dir < 0 ? -kInf : kInf;
      if (found) {
        // Illinois (modified regula falsi) between b_in (f < 0) and b_out (f >= 0)
        int side = 0;
        for (int it = 0; it < 200; ++it) {
          double b = (b_in * f_out - b_out * f_in) / (f_out - f_in);
          if (!std::isfinite(b) || (b - b_in) * (b - b_out) > 0.0) b = 0.5 * (b_in + b_out);
          const double t = (b - b_in) / (b_out - b_in);
          VectorXd start = sol_in + t * (sol_out - sol_in);
          auto r = stat(b, start);
          const double f = r.first - q;
          if (f < 0.0) {
            b_in = b;
            f_in = f;
            sol_in = r.second;
            if (side == -1) f_out *= 0.5;
            side = -1;
          } else {
            b_out = b;
            f_out = f;
            sol_out = r.second;
            if (side == 1) f_in *= 0.5;
            side = 1;
          }
          if (std::fabs(b_out - b_in) <= ctl.profile_tol * (1.0 + std::fabs(b)) ||
              std::fabs(f) <= 1e-12)
            break;
        }
        lim = std::fabs(f_in) < std::fabs(f_out) ? b_in : b_out;
      }
      if (dir < 0) {
        out.lower.push_back(lim);
        out.lower_open.push_back(!found);
      } else {
        out.upper.push_back(lim);
        out.upper_open.push_back(!found);
      }
    }
    VectorXd start = bhat;
    out.lr_zero.push_back(stat(0.0, start).first);
  }
  return out;
}

CoxResiduals CoxModel::residuals(const std::vector<double>& coef) const {
  const Impl& m = *impl_;
  const std::size_t n = m.n, p = m.p, nev = m.ev_row.size();
  const Eigen::Index P = static_cast<Eigen::Index>(p);
  if (coef.size() != p) throw input_error("coef has the wrong length");
  const VectorXd beta = Eigen::Map<const VectorXd>(coef.data(), P);
  std::vector<double> eta, v;
  if (!m.risk(beta, eta, v)) throw input_error("linear predictors overflow");
  const std::size_t mm = 1 + p;
  std::vector<double> E, D, S;
  m.sweep(v, mm, [&](std::size_t i, double* f) {
    f[0] = 1.0;
    for (std::size_t a = 0; a < p; ++a) f[1 + a] = m.x(i, a);
  }, E, D);
  // per event row: hazard A = sum a/S0_k, B = sum a xbar_k/S0_k; for the
  // events there A' and B' with the factors (1 - k/d), and their mean xbar
  std::vector<double> A(nev, 0.0), A1(nev, 0.0), B(nev * p, 0.0), B1(nev * p, 0.0),
      xm(nev * p, 0.0);
  m.terms(mm, E, D, S, [&](std::size_t e, double a, std::size_t k, const std::vector<double>& s) {
    const std::size_t d = m.dead_ptr[e + 1] - m.dead_ptr[e];
    const bool efron = m.ties == CoxTies::efron && d > 1;
    const double frac = efron ? static_cast<double>(k) / static_cast<double>(d) : 0.0;
    const double share = efron ? 1.0 / static_cast<double>(d) : 1.0;
    const double h = a / s[0];
    A[e] += h;
    A1[e] += (1.0 - frac) * h;
    for (std::size_t j = 0; j < p; ++j) {
      const double xb = s[1 + j] / s[0];
      B[e * p + j] += h * xb;
      B1[e * p + j] += (1.0 - frac) * h * xb;
      xm[e * p + j] += share * xb;
    }
  });
  const std::size_t nrow = m.tab.nrow();
  std::vector<double> cA(nrow + 1, 0.0), cB((nrow + 1) * p, 0.0);
  for (std::size_t r = 0; r < nrow; ++r) {
    const std::size_t e = m.row_event[r];
    cA[r + 1] = cA[r] + (e != Impl::npos ? A[e] : 0.0);
    for (std::size_t j = 0; j < p; ++j)
      cB[(r + 1) * p + j] = cB[r * p + j] + (e != Impl::npos ? B[e * p + j] : 0.0);
  }
  CoxResiduals out;
  out.lp = eta;
  out.martingale.assign(n, 0.0);
  out.score.assign(n * p, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double r = std::exp(eta[i]);
    double mart = 0.0;
    std::vector<double> sc(p, 0.0);
    if (m.at_risk[i]) {
      const std::size_t f = m.tab.first_row[i], s = m.tab.stop_row[i];
      const double sa = cA[s + 1] - cA[f];
      mart -= r * sa;
      for (std::size_t j = 0; j < p; ++j)
        sc[j] -= r * (m.x(i, j) * sa - (cB[(s + 1) * p + j] - cB[f * p + j]));
      const std::size_t e = m.row_event[s];
      if (m.status[i] == 1 && e != Impl::npos) {
        mart += 1.0 + r * (A[e] - A1[e]);
        for (std::size_t j = 0; j < p; ++j) {
          sc[j] += m.x(i, j) - xm[e * p + j] +
                   r * (m.x(i, j) * (A[e] - A1[e]) - (B[e * p + j] - B1[e * p + j]));
        }
      }
    }
    out.martingale[i] = mart;
    for (std::size_t j = 0; j < p; ++j) out.score[j * n + i] = sc[j];
  }
  if (m.fine_gray) {
    // competing events after T_i: -(v_i/G_i) sum_{t_k > T_i} h_k G_k (x_i - xbar_k);
    // suffix sums over rows of h G and h G xbar
    std::vector<double> sa(nrow + 1, 0.0), sb((nrow + 1) * p, 0.0);
    for (std::size_t r = nrow; r-- > 0;) {
      const std::size_t e = m.row_event[r];
      const double g = m.grow[r];
      sa[r] = sa[r + 1] + (e != Impl::npos ? A[e] * g : 0.0);
      for (std::size_t j = 0; j < p; ++j)
        sb[r * p + j] = sb[(r + 1) * p + j] + (e != Impl::npos ? B[e * p + j] * g : 0.0);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (m.status[i] != 2) continue;
      const std::size_t s = m.tab.stop_row[i];
      const double c = std::exp(eta[i]) * m.ginv[i];
      for (std::size_t j = 0; j < p; ++j)
        out.score[j * n + i] -= c * (m.x(i, j) * sa[s + 1] - sb[(s + 1) * p + j]);
    }
    // psi: q(u) at the censoring rows from the competing events strictly
    // before u (C0, C1) and the event rows at or after u (sa, sb)
    std::vector<double> C1(p, 0.0), q(nrow * p, 0.0), K((nrow + 1) * p, 0.0);
    double C0 = 0.0;
    for (std::size_t r = 0; r < nrow; ++r) {
      const double c = m.tab.n_censor[r], y = m.tab.n_risk[r];
      for (std::size_t j = 0; j < p; ++j) {
        q[r * p + j] = c > 0.0 ? C1[j] * sa[r] - C0 * sb[r * p + j] : 0.0;
        K[(r + 1) * p + j] = K[r * p + j] + (c > 0.0 ? q[r * p + j] * c / (y * y) : 0.0);
      }
      for (std::size_t k = m.stop_ptr[r]; k < m.stop_ptr[r + 1]; ++k) {
        const std::size_t i = m.stop_obs[k];
        if (m.status[i] != 2) continue;
        const double vi = v[i] * m.ginv[i];
        C0 += vi;
        for (std::size_t j = 0; j < p; ++j) C1[j] += vi * m.x(i, j);
      }
    }
    out.psi.assign(n * p, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t s = m.tab.stop_row[i];
      const double y = m.tab.n_risk[s];
      for (std::size_t j = 0; j < p; ++j) {
        out.psi[j * n + i] = (m.status[i] == 0 ? q[s * p + j] / y : 0.0) - K[(s + 1) * p + j];
      }
    }
  }
  for (std::size_t e = 0; e < nev; ++e) {
    out.haz_time.push_back(m.tab.time[m.ev_row[e]]);
    out.haz.push_back(A[e]);
    out.haz_strata.push_back(m.ev_stratum[e]);
  }
  return out;
}

}  // namespace smallsurv
