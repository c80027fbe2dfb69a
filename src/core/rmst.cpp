// rmst.cpp -- see rmst.h for the contract, formulas and references.
#include "rmst.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "resample.h"
#include "product_limit.h"
#include "rng.h"

namespace smallsurv {

namespace {

// Work arrays of one curve, reused across permutation replicates.
struct CurveWork {
  std::vector<double> area;  // area of the interval after each row (up to tau)
  std::vector<double> h;     // Greenwood increment of each row
};

RmstEstimate rmst_curve_work(const double* time, const double* n_risk, const double* n_event,
                             std::size_t nrow, double tau, CurveWork& w) {
  // rows with time <= tau; knots 0, t_1..t_m, tau
  std::size_t m = 0;
  while (m < nrow && time[m] <= tau) ++m;
  w.area.resize(m);
  w.h.resize(m);
  ProductLimit pl;
  double prev = 0.0, total = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    total += (time[j] - prev) * pl.surv;  // interval before row j at the previous S
    const double n = n_risk[j], d = n_event[j];
    pl.step(n, d);
    // (survRM2: the term of a row where everyone at risk fails is left out)
    w.h[j] = (d > 0.0 && n - d != 0.0) ? ProductLimit::greenwood_term(n, d) : 0.0;
    const double next = (j + 1 < m) ? time[j + 1] : tau;
    w.area[j] = (next - time[j]) * pl.surv;
    prev = time[j];
  }
  // the loop added the intervals before each row; the last one runs to tau
  total = (m == 0) ? tau : total + w.area[m - 1];
  // variance: backward cumulative areas (survRM2's cumsum(rev(areas)))
  double tail = 0.0, var = 0.0;
  for (std::size_t j = m; j-- > 0;) {
    tail += w.area[j];
    var += tail * tail * w.h[j];
  }
  return RmstEstimate{total, var};
}

}  // namespace

RmstEstimate rmst_curve(const double* time, const double* n_risk, const double* n_event,
                        std::size_t nrow, double tau) {
  if (!(tau > 0.0)) throw input_error("rmst: tau must be positive");
  CurveWork w;
  return rmst_curve_work(time, n_risk, n_event, nrow, tau, w);
}

std::vector<RmstEstimate> rmst_table(const EventTable& tab, double tau) {
  if (!(tau > 0.0)) throw input_error("rmst: tau must be positive");
  std::vector<RmstEstimate> out(static_cast<std::size_t>(tab.nstrata));
  CurveWork w;
  for (int s = 0; s < tab.nstrata; ++s) {
    const std::size_t a = tab.offset[s], b = tab.offset[s + 1];
    out[s] = rmst_curve_work(tab.time.data() + a, tab.n_risk.data() + a, tab.n_event.data() + a,
                             b - a, tau, w);
  }
  return out;
}

std::vector<RmstCurveEnd> rmst_curve_ends(const EventTable& tab) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<RmstCurveEnd> out(static_cast<std::size_t>(tab.nstrata));
  for (int s = 0; s < tab.nstrata; ++s) {
    const std::size_t a = tab.offset[s], b = tab.offset[s + 1];
    if (b > a) {
      out[s].last_time = tab.time[b - 1];
      out[s].last_event = static_cast<double>(tab.n_event[b - 1] == tab.n_risk[b - 1] &&
                                              tab.n_censor[b - 1] == 0.0);
    } else {
      out[s].last_time = nan;
      out[s].last_event = nan;
    }
  }
  return out;
}

double rmst_tau_bound(const RmstCurveEnd* ends, std::size_t k) {
  const double inf = std::numeric_limits<double>::infinity();
  double largest = -inf, censored = inf;
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(ends[i].last_time) || std::isnan(ends[i].last_event))
      return std::numeric_limits<double>::quiet_NaN();
    largest = std::fmax(largest, ends[i].last_time);
    if (ends[i].last_event == 0.0) censored = std::fmin(censored, ends[i].last_time);
  }
  return std::fmin(largest, censored);
}

void rmst_contrasts(const RmstEstimate& g1, const RmstEstimate& g0, double tau,
                    RmstContrast* out3) {
  const auto ratio = [](double num, double se) {
    if (se > 0.0) return num / se;
    if (num == 0.0) return 0.0;
    return num > 0.0 ? std::numeric_limits<double>::infinity()
                     : -std::numeric_limits<double>::infinity();
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out3[0].estimate = g1.rmst - g0.rmst;
  out3[0].se = std::sqrt(g1.var + g0.var);
  out3[0].statistic = ratio(out3[0].estimate, out3[0].se);
  const double l1 = tau - g1.rmst, l0 = tau - g0.rmst;
  out3[1].estimate = std::log(g1.rmst) - std::log(g0.rmst);
  out3[1].se = std::sqrt(g1.var / (g1.rmst * g1.rmst) + g0.var / (g0.rmst * g0.rmst));
  out3[1].statistic = (g1.rmst > 0.0 && g0.rmst > 0.0) ? ratio(out3[1].estimate, out3[1].se)
                                                        : nan;
  out3[2].estimate = std::log(l1) - std::log(l0);
  out3[2].se = std::sqrt(g1.var / (l1 * l1) + g0.var / (l0 * l0));
  out3[2].statistic = (l1 > 0.0 && l0 > 0.0) ? ratio(out3[2].estimate, out3[2].se) : nan;
}

void rmst_statistics(const RmstEstimate& g1, const RmstEstimate& g0, double tau, double* out3) {
  RmstContrast c[3];
  rmst_contrasts(g1, g0, tau, c);
  for (int k = 0; k < 3; ++k) out3[k] = c[k].statistic;
}

namespace {

// A Fisher-Yates shuffle of `group` into `out`.
void shuffle_labels(const int* group, std::size_t n, Xoshiro256& rng, int* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = group[i];
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = rng.below(static_cast<std::uint32_t>(i));
    const int tmp = out[i - 1];
    out[i - 1] = out[j];
    out[j] = tmp;
  }
}

}  // namespace

void rmst_permuted_labels(const int* group, std::size_t n, std::uint64_t seed, std::size_t reps,
                          int* out) {
  if (n >= 0xFFFFFFFFULL) throw input_error("rmst: too many observations");
  std::vector<Xoshiro256> streams = rng_streams(seed, stream_block_count(reps));
  for (std::size_t b = 0; b < reps; ++b) shuffle_labels(group, n, streams[b / kStreamBlock], out + b * n);
}

RmstPermResult rmst_permutation(const double* time, const int* status, const int* group,
                                std::size_t n, double tau, bool timefix, std::size_t reps,
                                std::uint64_t seed, int threads,
                                const std::function<void()>& poll) {
  if (!(tau > 0.0)) throw input_error("rmst: tau must be positive");
  if (n >= 0xFFFFFFFFULL) throw input_error("rmst: too many observations");
  for (std::size_t i = 0; i < n; ++i) {
    if (group[i] != 0 && group[i] != 1) throw input_error("rmst: group codes must be 0 or 1");
  }
  SurvInput in;
  in.n = n;
  in.stop = time;
  in.status = status;
  in.timefix = timefix;
  const EventTable tab = build_event_table(in, true);
  const std::size_t nrow = tab.nrow();

  // per-worker scratch: the recounted table, the curve's work space
  struct Scratch {
    Recount rc;
    CurveWork work;
    std::vector<int> lab;
  };
  const auto stats = [&](Scratch& w, const int* labels, double* out3) {
    recount(tab, labels, 2, nullptr, 0, w.rc);
    RmstEstimate est[2];
    for (int g = 0; g < 2; ++g) {
      est[g] = rmst_curve_work(tab.time.data(), w.rc.n_risk.data() + g * nrow,
                               w.rc.n_event.data() + g * nrow, nrow, tau, w.work);
    }
    rmst_statistics(est[1], est[0], tau, out3);
  };
  const std::size_t nblocks = stream_block_count(reps);
  threads = threads_for_work(static_cast<double>(reps) * static_cast<double>(n + nrow) * 3.0,
                             threads);
  const int nw = worker_count(nblocks, threads);
  std::vector<Scratch> scratch(static_cast<std::size_t>(nw));
  for (Scratch& w : scratch) w.lab.resize(n);

  RmstPermResult res;
  stats(scratch[0], group, res.observed);
  double absobs[3];
  for (int k = 0; k < 3; ++k) absobs[k] = std::fabs(res.observed[k]);
  const std::vector<Xoshiro256> streams = rng_streams(seed, nblocks);
  std::vector<McTally> tally(nblocks * 3);
  auto task = [&](std::size_t blk, int wk, const std::atomic<bool>& stop) {
    Scratch& w = scratch[static_cast<std::size_t>(wk)];
    Xoshiro256 rng = streams[blk];
    double tstar[3];
    const std::size_t b0 = blk * kStreamBlock, b1 = std::min(reps, b0 + kStreamBlock);
    for (std::size_t b = b0; b < b1; ++b) {
      if (stop.load(std::memory_order_relaxed)) return;
      shuffle_labels(group, n, rng, w.lab.data());
      stats(w, w.lab.data(), tstar);
      for (int k = 0; k < 3; ++k) tally[blk * 3 + k].add(std::fabs(tstar[k]), absobs[k]);
    }
  };
  parallel_blocks(nblocks, threads, task, poll);
  for (int k = 0; k < 3; ++k) {
    McTally all;
    for (std::size_t blk = 0; blk < nblocks; ++blk) all.merge(tally[blk * 3 + k]);
    const bool undefined = std::isnan(res.observed[k]);
    res.p[k] = undefined ? std::numeric_limits<double>::quiet_NaN() : mc_p_value(all);
    res.se[k] = undefined ? std::numeric_limits<double>::quiet_NaN() : mc_std_error(all);
    res.undefined[k] = all.undefined;
  }
  return res;
}

}  // namespace smallsurv
