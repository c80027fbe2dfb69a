// coverage.cpp -- see coverage.h.
#include "coverage.h"

#include "normal.h"
#include "resample.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "event_table.h"

namespace smallsurv {

// ---- CohortCounts --------------------------------------------------------

CohortCounts::CohortCounts(std::size_t n)
    : time_in_(n), status_in_(n), cols_(4 * n),
      alloc_([this](std::size_t nrow) {
        // the table asks for its four columns in turn, each at most n rows
        double* p = cols_.data() + next_col_ * time_in_.size();
        next_col_ = (next_col_ + 1) % 4;
        (void)nrow;
        return p;
      }) {}

CountsView CohortCounts::build(const double* time, const int* status, std::size_t n_obs,
                               bool timefix) {
  if (n_obs > time_in_.size()) throw input_error("more observations than the buffers hold");
  for (std::size_t i = 0; i < n_obs; ++i) set(i, time[i], status[i] != 0);
  return build_from_pairs(n_obs, timefix);
}

CountsView CohortCounts::build_from_pairs(std::size_t n, bool timefix) {
  CountsView v;
  if (n == 0) return v;  // no rows (build_event_table wants observations)
  SurvInput in;
  in.n = n;
  in.stop = time_in_.data();
  in.status = status_in_.data();
  in.timefix = timefix;
  next_col_ = 0;
  const EventTable tab = build_event_table(in, false, &alloc_);
  v.m = tab.nrow();
  v.time = tab.time.data();
  v.n_risk = tab.n_risk.data();
  v.n_event = tab.n_event.data();
  v.n_censor = tab.n_censor.data();
  v.n = static_cast<double>(n);
  return v;
}

// ---- drawing -------------------------------------------------------------

double draw_time(const DrawSpec& d, Xoshiro256& rng) {
  const double u = uniform01(rng);
  switch (d.kind) {
    case DrawKind::exponential:  // P(T > t) = exp(-rate t)
      return -std::log(u) / d.a;
    case DrawKind::weibull:  // P(T > t) = exp(-(t / scale)^shape)
      return d.b * std::pow(-std::log(u), 1.0 / d.a);
    case DrawKind::lognormal:  // log T ~ N(meanlog, sdlog^2)
      return std::exp(d.a + d.b * normal_quantile(u));
    case DrawKind::step: {
      // inverse transform: T = inf{t : S(t) < u}; P(T > t) = P(u <= S(t)) = S(t)
      const double* s = d.step_surv;
      const std::size_t j = static_cast<std::size_t>(
          std::partition_point(s, s + d.step_m, [u](double v) { return v >= u; }) - s);
      if (j < d.step_m) return d.step_time[j];
      // u <= S(last): the exponential tail beyond tail_start
      if (d.tail_rate > 0) return d.tail_start + std::log(s[d.step_m - 1] / u) / d.tail_rate;
      return std::numeric_limits<double>::infinity();
    }
    default:
      throw input_error("draw_time: not a distribution");
  }
}

// ---- the laboratory ------------------------------------------------------

namespace {

// One block's tallies (indexed as CoverageResult's).
struct CoverageTally {
  std::vector<double> n_na, n_low, n_up, sum_w, sum_w2, risk_sum, no_event;
  double events = 0, obs = 0;
  void reset(std::size_t nmk, std::size_t k) {
    for (auto* v : {&n_na, &n_low, &n_up, &sum_w, &sum_w2}) v->assign(nmk, 0.0);
    risk_sum.assign(k, 0.0);
    no_event.assign(k, 0.0);
    events = obs = 0;
  }
  void add_to(CoverageResult& r) const {
    for (std::size_t q = 0; q < n_na.size(); ++q) {
      r.n_na[q] += n_na[q];
      r.n_low[q] += n_low[q];
      r.n_up[q] += n_up[q];
      r.sum_w[q] += sum_w[q];
      r.sum_w2[q] += sum_w2[q];
    }
    for (std::size_t i = 0; i < risk_sum.size(); ++i) {
      r.risk_sum[i] += risk_sum[i];
      r.no_event[i] += no_event[i];
    }
    r.events += events;
    r.obs += obs;
  }
};

// Blocks run in waves of at most kWave, so the per-block tallies (merged in
// block order) need bounded memory.
constexpr std::size_t kWave = 1024;

}  // namespace

CoverageResult run_coverage(const CoverageSpec& s, const std::function<void()>& poll) {
  const std::size_t n = s.n, k = s.k, nm = s.methods.size();
  if (n == 0) throw input_error("the cohort size must be at least 1");
  if (k == 0) throw input_error("no requested times");
  for (std::size_t i = 1; i < k; ++i)
    if (!(s.times[i] > s.times[i - 1])) throw input_error("times must be increasing");
  if (s.event.kind == DrawKind::none) throw input_error("no event-time distribution");
  CoverageResult res;
  res.nmethod = nm;
  res.k = k;
  res.n_na.assign(nm * k, 0.0);
  res.n_low.assign(nm * k, 0.0);
  res.n_up.assign(nm * k, 0.0);
  res.sum_w.assign(nm * k, 0.0);
  res.sum_w2.assign(nm * k, 0.0);
  res.risk_sum.assign(k, 0.0);
  res.no_event.assign(k, 0.0);

  const std::size_t nblocks = stream_block_count(s.reps);
  const int threads = threads_for_work(
      static_cast<double>(s.reps) * static_cast<double>(n) * static_cast<double>(nm + 2) * 5.0,
      s.threads);
  const int nw = worker_count(std::min(nblocks, kWave), threads);
  struct Scratch {
    explicit Scratch(std::size_t n) : cc(n) {}
    CohortCounts cc;
    std::vector<double> lo, hi;
  };
  std::vector<std::unique_ptr<Scratch>> scratch;  // CohortCounts does not move
  for (int w = 0; w < nw; ++w) {
    scratch.push_back(std::make_unique<Scratch>(n));
    scratch.back()->lo.resize(k);
    scratch.back()->hi.resize(k);
  }
  const bool admin = std::isfinite(s.cutoff);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<CoverageTally> tally(std::min(nblocks, kWave));
  Xoshiro256 stream(s.seed);  // the stream of the wave's first block

  for (std::size_t w0 = 0; w0 < nblocks; w0 += kWave) {
    const std::size_t nwave = std::min(kWave, nblocks - w0);
    std::vector<Xoshiro256> streams;
    streams.reserve(nwave);
    for (std::size_t j = 0; j < nwave; ++j) {
      streams.push_back(stream);
      stream.jump();
    }
    auto task = [&](std::size_t j, int wk, const std::atomic<bool>& stop) {
      Scratch& sc = *scratch[static_cast<std::size_t>(wk)];
      CoverageTally& t = tally[j];
      t.reset(nm * k, k);
      Xoshiro256 rng = streams[j];
      const std::size_t blk = w0 + j;
      const std::size_t r0 = blk * kStreamBlock, r1 = std::min(s.reps, r0 + kStreamBlock);
      for (std::size_t r = r0; r < r1; ++r) {
        if (stop.load(std::memory_order_relaxed)) return;
        for (std::size_t i = 0; i < n; ++i) {
          const double T = (s.event.kind == DrawKind::supplied) ? s.event.supplied[r * n + i]
                                                                 : draw_time(s.event, rng);
          double C = inf;
          if (admin) C = s.cutoff - s.accrual * uniform01(rng);
          if (s.dropout > 0) C = std::min(C, -std::log(uniform01(rng)) / s.dropout);
          if (s.censor.kind == DrawKind::supplied) {
            C = std::min(C, s.censor.supplied[r * n + i]);
          } else if (s.censor.kind != DrawKind::none) {
            C = std::min(C, draw_time(s.censor, rng));
          }
          const bool ev = T <= C;
          if (!std::isfinite(ev ? T : C))
            throw input_error(
                "a subject has an infinite event time and no finite censoring time: give "
                "`censor`, `cutoff` or `dropout`");
          sc.cc.set(i, ev ? T : C, ev);
          t.events += ev ? 1.0 : 0.0;
        }
        t.obs += static_cast<double>(n);
        const CountsView v = sc.cc.build_from_pairs(n, s.timefix);
        // design diagnostics: number at risk at t (time >= t) and no event by t
        {
          std::size_t j2 = 0;
          double ev_so_far = 0;
          for (std::size_t i = 0; i < k; ++i) {
            while (j2 < v.m && v.time[j2] < s.times[i]) ev_so_far += v.n_event[j2++];
            const double ev_at = (j2 < v.m && v.time[j2] == s.times[i]) ? v.n_event[j2] : 0.0;
            t.risk_sum[i] += (j2 < v.m) ? v.n_risk[j2] : 0.0;
            if (ev_so_far + ev_at == 0) t.no_event[i] += 1.0;
          }
        }
        // times after the last observed time: no estimate (at_times() reports
        // NA there), whatever a method would extrapolate -- every method is
        // judged on the same replicates
        std::size_t kdef = k;
        while (kdef > 0 && s.times[kdef - 1] > v.time[v.m - 1]) --kdef;
        for (std::size_t m = 0; m < nm; ++m) {
          for (std::size_t i = kdef; i < k; ++i) t.n_na[m * k + i] += 1.0;
          if (kdef == 0) continue;
          s.methods[m](v, s.times, kdef, s.conf_level, sc.lo.data(), sc.hi.data());
          for (std::size_t i = 0; i < kdef; ++i) {
            const std::size_t q = m * k + i;
            if (std::isnan(sc.lo[i]) || std::isnan(sc.hi[i])) {
              t.n_na[q] += 1.0;
              continue;
            }
            if (sc.lo[i] > s.truth[i]) t.n_low[q] += 1.0;
            if (sc.hi[i] < s.truth[i]) t.n_up[q] += 1.0;
            const double wd = sc.hi[i] - sc.lo[i];
            t.sum_w[q] += wd;
            t.sum_w2[q] += wd * wd;
          }
        }
      }
    };
    parallel_blocks(nwave, threads, task, poll);
    for (std::size_t j = 0; j < nwave; ++j) tally[j].add_to(res);
  }
  return res;
}

}  // namespace smallsurv
