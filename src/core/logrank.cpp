// logrank.cpp -- see logrank.h for the formulas, conventions and references.
#include "logrank.h"

#include "rng.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace smallsurv {

namespace {

const double kSqrtEps = std::sqrt(DBL_EPSILON);  // coin's comparison tolerance

void check_codes(const int* code, std::size_t n, int ncode, const char* what) {
  for (std::size_t i = 0; i < n; ++i) {
    if (code[i] < 0 || code[i] >= ncode) {
      throw input_error(std::string("logrank: ") + what + " code out of range at observation " +
                        std::to_string(i + 1));
    }
  }
}

// Observations grouped by stratum: `start[s]..start[s + 1]` index `idx`.
struct ByStratum {
  std::vector<std::size_t> start;
  std::vector<std::size_t> idx;
};

ByStratum by_stratum(const int* strata, int nstrata, std::size_t n) {
  ByStratum b;
  b.start.assign(static_cast<std::size_t>(nstrata) + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++b.start[(strata ? strata[i] : 0) + 1];
  for (int s = 0; s < nstrata; ++s) b.start[s + 1] += b.start[s];
  std::vector<std::size_t> pos(b.start.begin(), b.start.end() - 1);
  b.idx.resize(n);
  for (std::size_t i = 0; i < n; ++i) b.idx[pos[strata ? strata[i] : 0]++] = i;
  return b;
}

// C(n, k) for k = 0..n in double (exact while below 2^53).
std::vector<double> binomial_row(std::size_t n) {
  std::vector<double> row(n + 1, 1.0);
  for (std::size_t k = 1; k <= n; ++k) {
    row[k] = std::round(row[k - 1] * static_cast<double>(n - k + 1) / static_cast<double>(k));
    if (!std::isfinite(row[k]) || row[k] > 9.0e15) {  // beyond exact integers: plain product
      row[k] = row[k - 1] * static_cast<double>(n - k + 1) / static_cast<double>(k);
    }
  }
  return row;
}

// One stratum of the exact enumeration: distinct scores with multiplicities
// and how many observations of the first group the stratum holds.
struct ExactStratum {
  std::vector<double> value;
  std::vector<std::size_t> count;
  std::vector<std::size_t> suffix;  // sum of count[j..]
  std::vector<std::vector<double>> binom;  // binom[j][k] = C(count[j], k)
  std::size_t n1 = 0;
  double inv_norm = 1.0;  // 1 / C(n_s, n1)
  double leaves = 1.0;
};

std::vector<ExactStratum> exact_strata(const PermProblem& p) {
  if (p.ngroup != 2) throw input_error("logrank: exact enumeration needs exactly two groups");
  const ByStratum b = by_stratum(p.strata, p.nstrata, p.n);
  std::vector<ExactStratum> out;
  std::vector<double> sc;
  for (int s = 0; s < p.nstrata; ++s) {
    const std::size_t lo = b.start[s], hi = b.start[s + 1];
    if (hi == lo) continue;
    ExactStratum e;
    sc.clear();
    for (std::size_t k = lo; k < hi; ++k) {
      const std::size_t i = b.idx[k];
      sc.push_back(p.score[i]);
      if (p.group[i] == 0) ++e.n1;
    }
    std::sort(sc.begin(), sc.end());
    for (double v : sc) {
      if (e.value.empty() || v != e.value.back()) {
        e.value.push_back(v);
        e.count.push_back(1);
      } else {
        ++e.count.back();
      }
    }
    const std::size_t m = e.value.size();
    e.suffix.assign(m + 1, 0);
    for (std::size_t j = m; j-- > 0;) e.suffix[j] = e.suffix[j + 1] + e.count[j];
    // number of compositions (k_1..k_m), 0 <= k_j <= count_j, sum = n1
    std::vector<double> ways(e.n1 + 1, 0.0), next(e.n1 + 1), pre(e.n1 + 2);
    ways[0] = 1.0;
    for (std::size_t j = 0; j < m; ++j) {
      pre[0] = 0.0;
      for (std::size_t r = 0; r <= e.n1; ++r) pre[r + 1] = std::min(pre[r] + ways[r], 1e300);
      for (std::size_t r = 0; r <= e.n1; ++r) {
        const std::size_t from = r >= e.count[j] ? r - e.count[j] : 0;
        next[r] = pre[r + 1] - pre[from];
      }
      ways.swap(next);
    }
    e.leaves = ways[e.n1];
    out.push_back(std::move(e));
  }
  return out;
}

// Depth-first walk over the compositions of one stratum; `leaf(T, w)` gets
// the first group's score sum and the weight prod C(count_j, k_j).
template <class Leaf>
void walk(const ExactStratum& e, std::size_t j, std::size_t r, double T, double w, Leaf& leaf) {
  if (r == 0) {
    leaf(T, w);
    return;
  }
  const std::size_t kmax = std::min(e.count[j], r);
  const std::size_t rest = e.suffix[j + 1];
  const std::size_t kmin = r > rest ? r - rest : 0;
  for (std::size_t k = kmin; k <= kmax; ++k) {
    walk(e, j + 1, r - k, T + static_cast<double>(k) * e.value[j], w * e.binom[j][k], leaf);
  }
}

}  // namespace

LogrankCounts logrank_counts(const LogrankInput& in) {
  if (in.n == 0) throw input_error("logrank: no observations");
  if (in.ngroup < 1 || in.nstrata < 1) throw input_error("logrank: bad number of groups or strata");
  check_codes(in.group, in.n, in.ngroup, "group");
  if (in.strata) check_codes(in.strata, in.n, in.nstrata, "stratum");
  for (std::size_t i = 0; i < in.n; ++i) {
    if (in.status[i] != 0 && in.status[i] != 1) {
      throw input_error("logrank: status must be 0 or 1 (observation " + std::to_string(i + 1) +
                        ")");
    }
  }
  SurvInput si;
  si.n = in.n;
  si.stop = in.stop;
  si.status = in.status;
  si.entry = in.entry;
  si.strata = in.strata;
  si.nstrata = in.strata ? in.nstrata : 1;
  si.timefix = in.timefix;
  const EventTable tab = build_event_table(si, true);
  const std::size_t R = tab.nrow();
  const std::size_t K = static_cast<std::size_t>(in.ngroup);
  const std::size_t S = static_cast<std::size_t>(tab.nstrata);

  LogrankCounts out;
  out.ngroup = in.ngroup;
  out.nstrata = tab.nstrata;
  out.observed.assign(K * S, 0.0);
  out.expected.assign(K * S, 0.0);
  out.events.assign(K * S, 0.0);
  out.n_obs.assign(K * S, 0.0);
  out.variance.assign(K * K, 0.0);
  out.score.assign(in.n, 0.0);

  // per-group numbers at risk (difference arrays over the rows of each
  // observation's risk interval) and events
  std::vector<double> risk((R + 1) * K, 0.0), dev(R * K, 0.0);
  for (std::size_t i = 0; i < in.n; ++i) {
    const std::size_t g = static_cast<std::size_t>(in.group[i]);
    const std::size_t s = in.strata ? static_cast<std::size_t>(in.strata[i]) : 0;
    const std::size_t f = tab.first_row[i], e = tab.stop_row[i];
    if (f <= e) {
      risk[f * K + g] += 1.0;
      risk[(e + 1) * K + g] -= 1.0;
    }
    out.n_obs[g + K * s] += 1.0;
    if (in.status[i]) {
      dev[e * K + g] += 1.0;
      out.events[g + K * s] += 1.0;
    }
  }
  for (std::size_t r = 1; r < R; ++r) {
    for (std::size_t g = 0; g < K; ++g) risk[r * K + g] += risk[(r - 1) * K + g];
  }

  // weights from the pooled left-continuous KM of each stratum, and the
  // cumulative weighted hazard used by the scores
  const bool weighted = in.rho != 0.0 || in.gamma != 0.0;
  std::vector<double> w(R, 1.0), cum(R, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    double km = 1.0, c = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      const double n = tab.n_risk[r], d = tab.n_event[r];
      if (weighted) w[r] = std::pow(km, in.rho) * std::pow(1.0 - km, in.gamma);
      if (n > 0.0) {
        km *= (n - d) / n;
        c += w[r] * d / n;
      }
      cum[r] = c;
      if (d <= 0.0 || n <= 0.0) continue;
      const double* ng = &risk[r * K];
      const double* dg = &dev[r * K];
      for (std::size_t g = 0; g < K; ++g) {
        out.observed[g + K * s] += w[r] * dg[g];
        out.expected[g + K * s] += w[r] * d * ng[g] / n;
      }
      if (n < 2.0) continue;  // one subject at risk: no variance (survdiff)
      const double f = w[r] * w[r] * d * (n - d) / (n * (n - 1.0));
      for (std::size_t g = 0; g < K; ++g) {
        const double t = f * ng[g];
        out.variance[g + K * g] += t;
        for (std::size_t k = 0; k < K; ++k) out.variance[g + K * k] -= t * ng[k] / n;
      }
    }
  }
  for (std::size_t i = 0; i < in.n; ++i) {
    const std::size_t s = in.strata ? static_cast<std::size_t>(in.strata[i]) : 0;
    const std::size_t f = tab.first_row[i], e = tab.stop_row[i];
    double a = 0.0;
    if (f <= e) a = cum[e] - (f > tab.offset[s] ? cum[f - 1] : 0.0);
    if (in.status[i]) a -= w[e];
    out.score[i] = a;
  }
  return out;
}

PermMoments perm_moments(const PermProblem& p) {
  check_codes(p.group, p.n, p.ngroup, "group");
  if (p.strata) check_codes(p.strata, p.n, p.nstrata, "stratum");
  const std::size_t K = static_cast<std::size_t>(p.ngroup);
  const ByStratum b = by_stratum(p.strata, p.nstrata, p.n);
  PermMoments m;
  m.mean.assign(K, 0.0);
  m.variance.assign(K * K, 0.0);
  m.total.assign(K, 0.0);
  std::vector<double> ng(K);
  for (int s = 0; s < p.nstrata; ++s) {
    const std::size_t lo = b.start[s], hi = b.start[s + 1];
    if (hi == lo) continue;
    const double ns = static_cast<double>(hi - lo);
    std::fill(ng.begin(), ng.end(), 0.0);
    double sum = 0.0;
    for (std::size_t k = lo; k < hi; ++k) {
      const std::size_t i = b.idx[k];
      sum += p.score[i];
      ng[p.group[i]] += 1.0;
      m.total[p.group[i]] += p.score[i];
    }
    const double abar = sum / ns;
    double ss = 0.0, scale = 0.0;
    for (std::size_t k = lo; k < hi; ++k) {
      const double dv = p.score[b.idx[k]] - abar;
      ss += dv * dv;
      scale = std::max(scale, std::fabs(p.score[b.idx[k]]));
    }
    double s2 = ss / ns;
    if (s2 <= 1e-24 * std::max(1.0, scale * scale)) s2 = 0.0;  // equal scores: rounding only
    for (std::size_t g = 0; g < K; ++g) m.mean[g] += ng[g] * abar;
    if (hi - lo < 2 || s2 == 0.0) continue;
    const double f = s2 * ns / (ns - 1.0);
    for (std::size_t g = 0; g < K; ++g) {
      m.variance[g + K * g] += f * ng[g];
      for (std::size_t k = 0; k < K; ++k) m.variance[g + K * k] -= f * ng[g] * ng[k] / ns;
    }
  }
  return m;
}

double perm_statistic(const PermProblem& p, const PermMoments& m, const double* T) {
  const std::size_t K = static_cast<std::size_t>(p.ngroup);
  if (p.contrast) {
    double t = 0.0, mu = 0.0, v = 0.0;
    for (std::size_t g = 0; g < K; ++g) {
      t += p.contrast[g] * T[g];
      mu += p.contrast[g] * m.mean[g];
      for (std::size_t k = 0; k < K; ++k) v += p.contrast[g] * m.variance[g + K * k] * p.contrast[k];
    }
    if (!(v > 0.0)) return std::numeric_limits<double>::quiet_NaN();
    return std::fabs(t - mu) / std::sqrt(v);
  }
  if (!p.qinv) throw input_error("logrank: neither a contrast nor an inverse covariance");
  double q = 0.0;
  for (std::size_t g = 0; g < K; ++g) {
    const double dg = T[g] - m.mean[g];
    for (std::size_t k = 0; k < K; ++k) q += dg * p.qinv[g + K * k] * (T[k] - m.mean[k]);
  }
  return q;
}

double perm_exact_count(const PermProblem& p) {
  const std::vector<ExactStratum> st = exact_strata(p);
  double total = 1.0;
  for (const auto& e : st) total = std::min(total * e.leaves, 1e300);
  return total >= 1e300 ? std::numeric_limits<double>::infinity() : total;
}

PermResult perm_exact(const PermProblem& p) {
  std::vector<ExactStratum> st = exact_strata(p);
  const PermMoments m = perm_moments(p);
  PermResult res;
  res.statistic = perm_statistic(p, m, m.total.data());
  res.outcomes = 1.0;
  res.permutations = 1.0;
  for (auto& e : st) {
    res.outcomes *= e.leaves;
    const std::size_t ns = e.suffix[0];
    const std::vector<double> row = binomial_row(ns);
    res.permutations *= row[e.n1];
    e.inv_norm = 1.0 / row[e.n1];
    e.binom.resize(e.value.size());
    for (std::size_t j = 0; j < e.value.size(); ++j) e.binom[j] = binomial_row(e.count[j]);
  }
  if (std::isnan(res.statistic)) {
    res.p_value = std::numeric_limits<double>::quiet_NaN();
    return res;
  }
  // the scalar statistic |c1 T_1 + c2 T_2 - mu| / sigma is a monotone
  // function of |T_1 - E(T_1)| (T_1 + T_2 is fixed), so the walk needs only
  // the first group's sum
  // (with two groups the quadratic form is Z^2, the same ordering)
  const double mu = m.mean[0];
  const double sd = std::sqrt(m.variance[0]);
  const double thr = std::fabs(m.total[0] - mu) - kSqrtEps * sd;
  // the stratum with the most outcomes is walked last, on the fly; the
  // others are reduced to their distributions (sorted, equal sums merged)
  std::sort(st.begin(), st.end(),
            [](const ExactStratum& a, const ExactStratum& b) { return a.leaves < b.leaves; });
  const std::size_t L = st.size();
  std::vector<std::vector<std::pair<double, double>>> support(L > 0 ? L - 1 : 0);
  for (std::size_t s = 0; s + 1 < L; ++s) {
    auto& sup = support[s];
    const ExactStratum& e = st[s];
    auto collect = [&sup, &e](double T, double w) { sup.emplace_back(T, w * e.inv_norm); };
    walk(e, 0, e.n1, 0.0, 1.0, collect);
    std::sort(sup.begin(), sup.end());
    std::size_t out = 0;
    for (std::size_t k = 0; k < sup.size(); ++k) {
      if (out > 0 && sup[k].first == sup[out - 1].first) {
        sup[out - 1].second += sup[k].second;
      } else {
        sup[out++] = sup[k];
      }
    }
    sup.resize(out);
  }
  long double hits = 0.0L;
  const ExactStratum& last = st[L - 1];
  // recursion over the stored strata, then the walk of the last one
  struct Combine {
    const std::vector<std::vector<std::pair<double, double>>>& support;
    const ExactStratum& last;
    double mu, thr;
    long double& hits;
    void run(std::size_t level, double T0, double p0) {
      if (level == support.size()) {
        const double scale = p0 * last.inv_norm;
        auto leaf = [this, scale](double T, double w) {
          if (std::fabs(T - mu) >= thr) hits += static_cast<long double>(w) * scale;
        };
        walk(last, 0, last.n1, T0, 1.0, leaf);
        return;
      }
      for (const auto& tp : support[level]) run(level + 1, T0 + tp.first, p0 * tp.second);
    }
  } combine{support, last, mu, thr, hits};
  combine.run(0, 0.0, 1.0);
  res.p_value = std::min(1.0, static_cast<double>(hits));
  res.hits = std::numeric_limits<double>::quiet_NaN();
  return res;
}

PermResult perm_monte_carlo(const PermProblem& p, std::size_t reps, std::uint64_t seed,
                            void (*interrupt)()) {
  const PermMoments m = perm_moments(p);
  PermResult res;
  res.statistic = perm_statistic(p, m, m.total.data());
  res.outcomes = static_cast<double>(reps);
  if (std::isnan(res.statistic) || reps == 0) {
    res.p_value = std::numeric_limits<double>::quiet_NaN();
    return res;
  }
  const ByStratum b = by_stratum(p.strata, p.nstrata, p.n);
  for (int s = 0; s < p.nstrata; ++s) {
    if (b.start[s + 1] - b.start[s] >= (std::size_t(1) << 32)) {
      throw input_error("logrank: a stratum has 2^32 or more observations");
    }
  }
  const std::size_t K = static_cast<std::size_t>(p.ngroup);
  std::vector<int> lab(p.n);
  std::vector<double> sc(p.n);
  for (std::size_t k = 0; k < p.n; ++k) {
    lab[k] = p.group[b.idx[k]];
    sc[k] = p.score[b.idx[k]];
  }
  const double thr = res.statistic - kSqrtEps;
  Xoshiro256 rng(seed);
  std::vector<double> T(K);
  std::size_t hits = 0;
  if (K == 2) {
    // two groups: per stratum, draw the smaller group's members by a partial
    // Fisher-Yates shuffle of the stratum's scores and sum them
    const int S = p.nstrata;
    std::vector<std::size_t> take(S);
    std::vector<char> small_is_first(S);
    std::vector<double> tot(S, 0.0);
    for (int s = 0; s < S; ++s) {
      std::size_t n1 = 0;
      for (std::size_t k = b.start[s]; k < b.start[s + 1]; ++k) {
        if (lab[k] == 0) ++n1;
        tot[s] += sc[k];
      }
      const std::size_t ns = b.start[s + 1] - b.start[s];
      small_is_first[s] = n1 <= ns - n1;
      take[s] = small_is_first[s] ? n1 : ns - n1;
    }
    // with a contrast the statistic is |c'T - c'E| / sd: compare unscaled
    const bool fast = p.contrast != nullptr;
    const double c0 = fast ? p.contrast[0] : 0.0, c1 = fast ? p.contrast[1] : 0.0;
    const double cmu = c0 * m.mean[0] + c1 * m.mean[1];
    const double csd = std::sqrt(c0 * c0 * m.variance[0] + 2.0 * c0 * c1 * m.variance[2] +
                                 c1 * c1 * m.variance[3]);
    const double thr_raw = thr * csd;
    for (std::size_t rep = 0; rep < reps; ++rep) {
      if (interrupt && (rep & 4095) == 4095) interrupt();
      double t1 = 0.0, tall = 0.0;
      for (int s = 0; s < S; ++s) {
        const std::size_t lo = b.start[s], ns = b.start[s + 1] - lo;
        double part = 0.0;
        for (std::size_t k = 0; k < take[s]; ++k) {
          const std::size_t j = k + rng.below(static_cast<std::uint32_t>(ns - k));
          std::swap(sc[lo + k], sc[lo + j]);
          part += sc[lo + k];
        }
        t1 += small_is_first[s] ? part : tot[s] - part;
        tall += tot[s];
      }
      if (fast) {
        if (std::fabs(c0 * t1 + c1 * (tall - t1) - cmu) >= thr_raw) ++hits;
      } else {
        T[0] = t1;
        T[1] = tall - t1;
        if (perm_statistic(p, m, T.data()) >= thr) ++hits;
      }
    }
  } else {
    for (std::size_t rep = 0; rep < reps; ++rep) {
      if (interrupt && (rep & 4095) == 4095) interrupt();
      for (int s = 0; s < p.nstrata; ++s) {
        const std::size_t lo = b.start[s], hi = b.start[s + 1];
        for (std::size_t k = hi; k > lo + 1; --k) {
          const std::size_t j = lo + rng.below(static_cast<std::uint32_t>(k - lo));
          std::swap(lab[k - 1], lab[j]);
        }
      }
      std::fill(T.begin(), T.end(), 0.0);
      for (std::size_t k = 0; k < p.n; ++k) T[lab[k]] += sc[k];
      if (perm_statistic(p, m, T.data()) >= thr) ++hits;
    }
  }
  res.hits = static_cast<double>(hits);
  res.p_value = static_cast<double>(hits) / static_cast<double>(reps);
  return res;
}

}  // namespace smallsurv
