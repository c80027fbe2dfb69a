// logrank.cpp -- see logrank.h for the formulas, conventions and references.
#include "logrank.h"

#include "resample.h"
#include "rng.h"
#include "product_limit.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

namespace smallsurv {

namespace {

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
  std::vector<std::vector<double>> binom;  // binom[j][k] = C(count[j], k), or its log
  bool logw = false;      // weights carried as logs (strata too large for doubles)
  double log_norm = 0.0;  // log C(n_s, n1)
  std::size_t n1 = 0;
  double inv_norm = 1.0;  // 1 / C(n_s, n1)
  double log_leaves = 0.0;  // log of the number of distinct outcomes
  double log_nodes = 0.0;   // log of the number of nodes the walk visits
};

double log_add(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::fabs(a - b)));
}

// Counts the compositions (k_1..k_m), 0 <= k_j <= count_j, sum = n1, and the
// partial compositions the depth-first walk visits.  Only feasible partial
// compositions are kept (those whose remainder fits in the values still to
// come), so every state count is at most the final count: while that is
// below 2^53 the arithmetic is exact integer arithmetic.  Larger counts are
// carried as scaled doubles with a log scale, so nothing overflows.  The
// cost is O(values x n1) until the walk's nodes pass exp(kLogSaturate)
// (1e30, far beyond any time budget): counting stops there and both counts
// are +Inf, so a large sample costs a few dozen stages, not values x n1.
constexpr double kLogSaturate = 69.0776;  // log(1e30)
void count_outcomes(ExactStratum& e) {
  const std::size_t m = e.value.size(), n1 = e.n1;
  std::vector<double> ways(n1 + 1, 0.0), next(n1 + 1, 0.0);
  ways[0] = 1.0;
  double log_scale = 0.0;
  double log_nodes = 0.0;  // the root
  std::size_t lo = 0, hi = 0;  // before any value: r = 0 only
  for (std::size_t j = 0; j < m; ++j) {
    // states after value j: r in [max(0, n1 - suffix[j + 1]), n1]
    const std::size_t nlo = n1 > e.suffix[j + 1] ? n1 - e.suffix[j + 1] : 0;
    const std::size_t nhi = std::min(n1, hi + e.count[j]);
    std::fill(next.begin() + static_cast<std::ptrdiff_t>(nlo),
              next.begin() + static_cast<std::ptrdiff_t>(nhi + 1), 0.0);
    // next[r] = sum of ways[r'] over r' in [max(lo, r - count_j), min(r, hi)]
    double run = 0.0;
    std::size_t a = lo, b = lo;  // window [a, b) of ways already summed
    double peak = 0.0, stage = 0.0;
    for (std::size_t r = nlo; r <= nhi; ++r) {
      const std::size_t want_hi = std::min(r, hi) + 1;
      const std::size_t want_lo = std::max(lo, r >= e.count[j] ? r - e.count[j] : 0);
      while (b < want_hi) run += ways[b++];
      while (a < want_lo && a < b) run -= ways[a++];
      const double v = run > 0.0 ? run : 0.0;
      next[r] = v;
      peak = std::max(peak, v);
      if (r < n1) stage += v;  // unfinished: an inner node of the walk
    }
    for (std::size_t r = lo; r <= hi; ++r) ways[r] = 0.0;
    for (std::size_t r = nlo; r <= nhi; ++r) ways[r] = next[r];
    lo = nlo;
    hi = nhi;
    if (stage > 0.0) log_nodes = log_add(log_nodes, std::log(stage) + log_scale);
    if (log_nodes > kLogSaturate) {  // far beyond any budget: stop counting
      e.log_leaves = e.log_nodes = std::numeric_limits<double>::infinity();
      return;
    }
    if (peak > 1e200) {  // rescale: counts beyond exact integers anyway
      for (std::size_t r = lo; r <= hi; ++r) ways[r] /= peak;
      log_scale += std::log(peak);
    }
  }
  const double final_ways = (n1 >= lo && n1 <= hi) ? ways[n1] : (m == 0 && n1 == 0 ? 1.0 : 0.0);
  e.log_leaves = final_ways > 0.0 ? std::log(final_ways) + log_scale
                                  : -std::numeric_limits<double>::infinity();
  e.log_nodes = log_add(log_nodes, e.log_leaves);
}

std::vector<ExactStratum> exact_strata(const PermProblem& p) {
  if (p.ngroup != 2) throw input_error("logrank: exact enumeration needs exactly two groups");
  check_codes(p.group, p.n, p.ngroup, "group");
  if (p.strata) check_codes(p.strata, p.n, p.nstrata, "stratum");
  if (p.n == 0) throw input_error("logrank: no observations");
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
    count_outcomes(e);
    out.push_back(std::move(e));
  }
  return out;
}

double log_choose(double n, double k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// Thrown inside the walk when the time budget has run out.
struct WalkExpired {};

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
    walk(e, j + 1, r - k, T + static_cast<double>(k) * e.value[j],
         e.logw ? w + e.binom[j][k] : w * e.binom[j][k], leaf);
  }
}

// Meet in the middle (one stratum): the distinct values are split at `h`
// so that both halves have about the same number of partial compositions;
// each half's compositions are listed by how many they take (k) with their
// score sum and weight; the outcome (kA, kB = n1 - kA) is extreme when
// |a + b - mu| >= thr, counted for every a by binary search in the sorted
// sums b of the other half.  Work: the two lists, sorted.
std::size_t mitm_split(const ExactStratum& e, double* log_a, double* log_b) {
  const std::size_t m = e.value.size();
  std::vector<double> lg(m);
  double total = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    lg[j] = std::log(static_cast<double>(std::min(e.count[j], e.n1)) + 1.0);
    total += lg[j];
  }
  std::size_t h = 0;
  double acc = 0.0;
  while (h < m && acc + lg[h] <= total / 2) acc += lg[h++];
  if (h == 0 && m > 1) acc += lg[h++];
  *log_a = acc;
  *log_b = total - acc;
  return h;
}

double mitm_log_work(const ExactStratum& e) {
  double la = 0.0, lb = 0.0;
  mitm_split(e, &la, &lb);
  // both lists, sorted (about 4 comparisons-worth of work per entry and level)
  return log_add(la, lb) + std::log(4.0 + std::max(la, lb));
}

struct HalfEntry {
  double sum, weight;
  bool operator<(const HalfEntry& o) const { return sum < o.sum; }
};

// Every composition of values [j0, j1) taking at most kmax in total,
// listed by the number taken.
void list_half(const ExactStratum& e, std::size_t j0, std::size_t j1, std::size_t kmax,
               std::vector<std::vector<HalfEntry>>& out, Watch& watch) {
  out.assign(kmax + 1, {});
  struct Rec {
    const ExactStratum& e;
    std::size_t j1, kmax;
    std::vector<std::vector<HalfEntry>>& out;
    Watch& watch;
    void run(std::size_t j, std::size_t k, double T, double w) {
      if (j == j1) {
        if (watch.tick()) throw WalkExpired();
        out[k].push_back({T, w});
        return;
      }
      const std::size_t top = std::min(e.count[j], kmax - k);
      for (std::size_t c = 0; c <= top; ++c)
        run(j + 1, k + c, T + static_cast<double>(c) * e.value[j], w * e.binom[j][c]);
    }
  } rec{e, j1, kmax, out, watch};
  rec.run(j0, 0, 0.0, 1.0);
}

// Sorted, equal sums merged.
void merge_sorted(std::vector<HalfEntry>& v) {
  std::sort(v.begin(), v.end());
  std::size_t o = 0;
  for (std::size_t q = 0; q < v.size(); ++q) {
    if (o > 0 && v[q].sum == v[o - 1].sum) v[o - 1].weight += v[q].weight;
    else v[o++] = v[q];
  }
  v.resize(o);
}

long double mitm_hits(const ExactStratum& e, double mu, double thr, Watch& watch) {
  double la = 0.0, lb = 0.0;
  const std::size_t h = mitm_split(e, &la, &lb);
  const std::size_t m = e.value.size();
  std::size_t itemsA = 0;
  for (std::size_t j = 0; j < h; ++j) itemsA += e.count[j];
  const std::size_t itemsB = e.suffix[0] - itemsA;
  std::vector<std::vector<HalfEntry>> A, B;
  list_half(e, 0, h, std::min(e.n1, itemsA), A, watch);
  list_half(e, h, m, std::min(e.n1, itemsB), B, watch);
  long double hits = 0.0L;
  std::vector<long double> cum;
  for (std::size_t ka = 0; ka < A.size(); ++ka) {
    if (A[ka].empty() || e.n1 - ka >= B.size()) continue;
    std::vector<HalfEntry>& b = B[e.n1 - ka];
    if (b.empty()) continue;
    merge_sorted(b);
    cum.assign(b.size() + 1, 0.0L);
    for (std::size_t q = 0; q < b.size(); ++q) cum[q + 1] = cum[q] + b[q].weight;
    for (const HalfEntry& a : A[ka]) {
      if (watch.tick()) throw WalkExpired();
      // a + b is non-decreasing in b: the extreme b form a prefix and a suffix
      const auto low_end = std::partition_point(b.begin(), b.end(), [&](const HalfEntry& x) {
        return std::fabs((a.sum + x.sum) - mu) >= thr && (a.sum + x.sum) - mu <= 0.0;
      });
      const auto high_begin = std::partition_point(low_end, b.end(), [&](const HalfEntry& x) {
        return !(std::fabs((a.sum + x.sum) - mu) >= thr && (a.sum + x.sum) - mu > 0.0);
      });
      const std::size_t lo_n = static_cast<std::size_t>(low_end - b.begin());
      const std::size_t hi_0 = static_cast<std::size_t>(high_begin - b.begin());
      const long double wsum = cum[lo_n] + (cum[b.size()] - cum[hi_0]);
      hits += static_cast<long double>(a.weight) * wsum;
    }
    b.clear();
    b.shrink_to_fit();
  }
  return hits;
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

  // per-group numbers at risk and events at each row (the table recounted
  // by group: risk[g * R + r], dev[g * R + r])
  Recount rc;
  recount(tab, in.group, in.ngroup, nullptr, 0, rc);
  const std::vector<double>& risk = rc.n_risk;
  const std::vector<double>& dev = rc.n_event;
  for (std::size_t i = 0; i < in.n; ++i) {
    const std::size_t g = static_cast<std::size_t>(in.group[i]);
    const std::size_t s = in.strata ? static_cast<std::size_t>(in.strata[i]) : 0;
    out.n_obs[g + K * s] += 1.0;
    if (in.status[i]) out.events[g + K * s] += 1.0;
  }

  // weights from the pooled left-continuous KM of each stratum, and the
  // cumulative weighted hazard used by the scores
  const bool weighted = in.rho != 0.0 || in.gamma != 0.0;
  std::vector<double> w(R, 1.0), cum(R, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    ProductLimit km;  // pooled, left-continuous: read before the row's step
    double c = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      const double n = tab.n_risk[r], d = tab.n_event[r];
      if (weighted) w[r] = std::pow(km.surv, in.rho) * std::pow(1.0 - km.surv, in.gamma);
      if (km.step(n, d)) c += w[r] * d / n;
      cum[r] = c;
      if (d <= 0.0 || n <= 0.0) continue;
      const auto ng = [&](std::size_t g) { return risk[g * R + r]; };
      for (std::size_t g = 0; g < K; ++g) {
        out.observed[g + K * s] += w[r] * dev[g * R + r];
        out.expected[g + K * s] += w[r] * d * ng(g) / n;
      }
      if (n < 2.0) continue;  // one subject at risk: no variance (survdiff)
      const double f = w[r] * w[r] * d * (n - d) / (n * (n - 1.0));
      for (std::size_t g = 0; g < K; ++g) {
        const double t = f * ng(g);
        out.variance[g + K * g] += t;
        for (std::size_t k = 0; k < K; ++k) out.variance[g + K * k] -= t * ng(k) / n;
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

ExactPlan perm_exact_plan(const PermProblem& p) {
  const std::vector<ExactStratum> st = exact_strata(p);
  ExactPlan plan;
  plan.log_outcomes = 0.0;
  plan.log_permutations = 0.0;
  // the walk: the stratum with the most outcomes last, walked once per
  // combination of the others' merged supports (at most their outcomes)
  double log_last_nodes = 0.0, log_others = 0.0, log_prep = -std::numeric_limits<double>::infinity();
  std::size_t last = 0;
  for (std::size_t s = 0; s < st.size(); ++s)
    if (st[s].log_leaves > st[last].log_leaves) last = s;
  for (std::size_t s = 0; s < st.size(); ++s) {
    plan.log_outcomes += st[s].log_leaves;
    plan.log_permutations +=
        log_choose(static_cast<double>(st[s].suffix[0]), static_cast<double>(st[s].n1));
    if (s == last) {
      log_last_nodes = st[s].log_nodes;
    } else {
      log_others += st[s].log_leaves;
      log_prep = log_add(log_prep, st[s].log_nodes);
    }
  }
  plan.log_work = st.empty() ? 0.0 : log_add(log_prep, log_others + log_last_nodes);
  if (st.size() == 1 && st[0].suffix[0] <= 1000)  // perm_exact's rule for meet in the middle
    plan.log_work = std::min(plan.log_work, mitm_log_work(st[0]));
  return plan;
}

PermResult perm_exact(const PermProblem& p, Watch& watch) {
  std::vector<ExactStratum> st = exact_strata(p);
  const PermMoments m = perm_moments(p);
  PermResult res;
  res.statistic = perm_statistic(p, m, m.total.data());
  double log_out = 0.0, log_perm = 0.0;
  for (auto& e : st) {
    log_out += e.log_leaves;
    const std::size_t ns = e.suffix[0];
    e.log_norm = log_choose(static_cast<double>(ns), static_cast<double>(e.n1));
    log_perm += e.log_norm;
    // Every partial product of binomials is at most C(n_s, n_s / 2), below
    // DBL_MAX up to n_s = 1020; larger strata (enumerable only with few
    // distinct scores) carry log weights, so nothing overflows.
    e.logw = ns > 1000;
    e.binom.resize(e.value.size());
    if (e.logw) {
      e.inv_norm = std::numeric_limits<double>::quiet_NaN();  // not used
      for (std::size_t j = 0; j < e.value.size(); ++j) {
        e.binom[j].resize(e.count[j] + 1);
        for (std::size_t k = 0; k <= e.count[j]; ++k)
          e.binom[j][k] = log_choose(static_cast<double>(e.count[j]), static_cast<double>(k));
      }
    } else {
      const std::vector<double> row = binomial_row(ns);
      e.inv_norm = 1.0 / row[e.n1];
      for (std::size_t j = 0; j < e.value.size(); ++j) e.binom[j] = binomial_row(e.count[j]);
    }
  }
  res.outcomes = std::exp(log_out);
  res.permutations = std::exp(log_perm);
  if (log_out < std::log(9.0e15)) res.outcomes = std::round(res.outcomes);
  if (log_perm < std::log(9.0e15)) res.permutations = std::round(res.permutations);
  res.log_outcomes = log_out;
  if (std::isnan(res.statistic)) {
    res.p_value = std::numeric_limits<double>::quiet_NaN();
    return res;
  }
  // the scalar statistic |c1 T_1 + c2 T_2 - mu| / sigma is a monotone
  // function of |T_1 - E(T_1)| (T_1 + T_2 is fixed), so the walk needs only
  // the first group's sum (with two groups the quadratic form is Z^2, the
  // same ordering); resample.h's tie rule on the |Z| scale
  const double mu = m.mean[0];
  const double sd = std::sqrt(m.variance[0]);
  const double z0 = std::fabs(m.total[0] - mu) / sd;
  const double thr = (z0 - kTieTolerance * std::max(1.0, z0)) * sd;
  // the stratum with the most outcomes is walked last, on the fly; the
  // others are reduced to their distributions (sorted, equal sums merged)
  std::sort(st.begin(), st.end(), [](const ExactStratum& a, const ExactStratum& b) {
    return a.log_leaves < b.log_leaves;
  });
  const std::size_t L = st.size();
  try {
    if (L == 1 && !st[0].logw && mitm_log_work(st[0]) < st[0].log_nodes) {
      const long double h = mitm_hits(st[0], mu, thr, watch);
      const double pv = static_cast<double>(h * st[0].inv_norm);
      res.p_value = std::isfinite(pv) ? std::min(1.0, pv) : std::numeric_limits<double>::quiet_NaN();
      res.hits = std::numeric_limits<double>::quiet_NaN();
      return res;
    }
    std::vector<std::vector<std::pair<double, double>>> support(L > 0 ? L - 1 : 0);
    for (std::size_t s = 0; s + 1 < L; ++s) {
      auto& sup = support[s];
      const ExactStratum& e = st[s];
      auto collect = [&sup, &e, &watch](double T, double w) {
        if (watch.tick()) throw WalkExpired();
        sup.emplace_back(T, e.logw ? std::exp(w - e.log_norm) : w * e.inv_norm);
      };
      walk(e, 0, e.n1, 0.0, e.logw ? 0.0 : 1.0, collect);
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
      Watch& watch;
      void run(std::size_t level, double T0, double p0) {
        if (level == support.size()) {
          const double scale = p0 * last.inv_norm;
          const bool logw = last.logw;
          const double log_norm = last.log_norm;
          auto leaf = [this, scale, p0, logw, log_norm](double T, double w) {
            if (watch.tick()) throw WalkExpired();
            if (std::fabs(T - mu) >= thr) {
              hits += logw ? static_cast<long double>(p0 * std::exp(w - log_norm))
                           : static_cast<long double>(w) * scale;
            }
          };
          walk(last, 0, last.n1, T0, logw ? 0.0 : 1.0, leaf);
          return;
        }
        for (const auto& tp : support[level]) run(level + 1, T0 + tp.first, p0 * tp.second);
      }
    } combine{support, last, mu, thr, hits, watch};
    combine.run(0, 0.0, 1.0);
    const double pv = static_cast<double>(hits);
    res.p_value = std::isfinite(pv) ? std::min(1.0, pv) : std::numeric_limits<double>::quiet_NaN();
  } catch (const WalkExpired&) {
    res.complete = false;
    res.p_value = std::numeric_limits<double>::quiet_NaN();
  }
  res.hits = std::numeric_limits<double>::quiet_NaN();
  return res;
}

PermResult perm_monte_carlo(const PermProblem& p, std::size_t reps, std::uint64_t seed,
                            int threads, const std::function<void()>& poll) {
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
  std::vector<int> lab0(p.n);
  std::vector<double> sc0(p.n);
  for (std::size_t k = 0; k < p.n; ++k) {
    lab0[k] = p.group[b.idx[k]];
    sc0[k] = p.score[b.idx[k]];
  }
  const double observed = res.statistic;
  const int S = p.nstrata;
  // two groups: per stratum, the smaller group's size and the score total
  std::vector<std::size_t> take(S);
  std::vector<char> small_is_first(S);
  std::vector<double> tot(S, 0.0);
  double tall = 0.0;
  if (K == 2) {
    for (int s = 0; s < S; ++s) {
      std::size_t n1 = 0;
      for (std::size_t k = b.start[s]; k < b.start[s + 1]; ++k) {
        if (lab0[k] == 0) ++n1;
        tot[s] += sc0[k];
      }
      const std::size_t ns = b.start[s + 1] - b.start[s];
      small_is_first[s] = n1 <= ns - n1;
      take[s] = small_is_first[s] ? n1 : ns - n1;
      tall += tot[s];
    }
  }
  // with a contrast the statistic is |c'T - c'E| / sd: compare unscaled
  const bool fast = K == 2 && p.contrast != nullptr;
  const double c0 = fast ? p.contrast[0] : 0.0, c1 = fast ? p.contrast[1] : 0.0;
  const double cmu = c0 * m.mean[0] + c1 * m.mean[1];
  const double csd = fast ? std::sqrt(c0 * c0 * m.variance[0] + 2.0 * c0 * c1 * m.variance[2] +
                                      c1 * c1 * m.variance[3])
                          : 0.0;
  const double thr_raw = (observed - kTieTolerance * std::max(1.0, observed)) * csd;

  const std::size_t nblocks = stream_block_count(reps);
  const std::vector<Xoshiro256> streams = rng_streams(seed, nblocks);
  std::vector<McTally> tally(nblocks);
  double per_rep = static_cast<double>(p.n);
  if (K == 2) {
    per_rep = 0.0;
    for (int s = 0; s < S; ++s) per_rep += static_cast<double>(take[s]);
  }
  threads = threads_for_work(static_cast<double>(reps) * (per_rep + 8.0), threads);
  const int nw = worker_count(nblocks, threads);
  std::vector<std::vector<double>> sc_w(nw);
  std::vector<std::vector<int>> lab_w(nw);
  auto task = [&](std::size_t blk, int w, const std::atomic<bool>& stop) {
    Xoshiro256 rng = streams[blk];
    std::vector<double>& sc = sc_w[w];
    std::vector<int>& lab = lab_w[w];
    sc = sc0;  // every block starts from the same arrangement
    if (K != 2) lab = lab0;
    std::vector<double> T(K);
    McTally& t = tally[blk];
    const std::size_t r0 = blk * kStreamBlock, r1 = std::min(reps, r0 + kStreamBlock);
    for (std::size_t rep = r0; rep < r1; ++rep) {
      if ((rep & 15) == 0 && stop.load(std::memory_order_relaxed)) return;
      if (K == 2) {
        // draw the smaller group's members by a partial Fisher-Yates
        // shuffle of the stratum's scores and sum them
        double t1 = 0.0;
        for (int s = 0; s < S; ++s) {
          const std::size_t lo = b.start[s], ns = b.start[s + 1] - lo;
          double part = 0.0;
          for (std::size_t k = 0; k < take[s]; ++k) {
            const std::size_t j = k + rng.below(static_cast<std::uint32_t>(ns - k));
            std::swap(sc[lo + k], sc[lo + j]);
            part += sc[lo + k];
          }
          t1 += small_is_first[s] ? part : tot[s] - part;
        }
        if (fast) {
          t.valid += 1.0;
          if (std::fabs(c0 * t1 + c1 * (tall - t1) - cmu) >= thr_raw) t.hits += 1.0;
        } else {
          T[0] = t1;
          T[1] = tall - t1;
          t.add(perm_statistic(p, m, T.data()), observed);
        }
      } else {
        for (int s = 0; s < S; ++s) {
          const std::size_t lo = b.start[s], hi = b.start[s + 1];
          for (std::size_t k = hi; k > lo + 1; --k) {
            const std::size_t j = lo + rng.below(static_cast<std::uint32_t>(k - lo));
            std::swap(lab[k - 1], lab[j]);
          }
        }
        std::fill(T.begin(), T.end(), 0.0);
        for (std::size_t k = 0; k < p.n; ++k) T[lab[k]] += sc0[k];
        t.add(perm_statistic(p, m, T.data()), observed);
      }
    }
  };
  parallel_blocks(nblocks, threads, task, poll);
  McTally all;
  for (const McTally& t : tally) all.merge(t);
  res.hits = all.hits;
  res.valid = all.valid;
  res.undefined = all.undefined;
  res.p_value = mc_p_value(all);
  res.mc_se = mc_std_error(all);
  return res;
}

}  // namespace smallsurv
