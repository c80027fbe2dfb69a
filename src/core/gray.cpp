// gray.cpp -- see gray.h.  Two passes per stratum: the first walks the times
// forward and records, for every martingale increment, its variance m, its
// coefficient b and the part of u known at t; the second adds the part that
// needs the stratum's final C(T) and accumulates V.
#include "gray.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "event_table.h"
#include "product_limit.h"
#include "rng.h"

namespace smallsurv {

namespace {

struct Term {
  int k;                  // group of the martingale
  double m, b;            // variance and coefficient of C(T)
  std::vector<double> e;  // u without the C(T) part, groups 0..G-2
};

}  // namespace

GrayData gray_data(const GrayInput& in) {
  SurvInput si;
  si.n = in.n;
  si.stop = in.time;
  si.status = in.status;
  si.strata = in.strata;
  si.nstrata = in.strata ? in.nstrata : 1;
  si.ncause = in.ncause;
  si.timefix = in.timefix;
  GrayData d;
  d.tab = build_event_table(si, true);
  // the observations by (stratum, row), stable: a counting sort on the
  // table's rows (rows are ordered by stratum, then time)
  const std::size_t nrow = d.tab.nrow();
  std::vector<std::size_t> count(nrow + 1, 0);
  for (std::size_t i = 0; i < in.n; ++i) ++count[d.tab.stop_row[i] + 1];
  for (std::size_t r = 0; r < nrow; ++r) count[r + 1] += count[r];
  d.ord.resize(in.n);
  for (std::size_t i = 0; i < in.n; ++i)
    d.ord[count[d.tab.stop_row[i]]++] = static_cast<std::uint32_t>(i);
  d.starts.push_back(0);
  std::size_t q = 0;
  for (int s = 0; s < d.tab.nstrata; ++s) {
    q += d.tab.n_obs[s];
    if (q > d.starts.back()) d.starts.push_back(q);
  }
  return d;
}

GrayScore gray_score(const GrayData& d, const Recount& rc, int cause, double rho) {
  const EventTable& tab = d.tab;
  const int G = rc.ngroup, G1 = G - 1;
  const std::size_t K = static_cast<std::size_t>(rc.ncause);
  const std::size_t nrow = tab.nrow();
  GrayScore out;
  out.score.assign(G1, 0.0);
  out.var.assign(static_cast<std::size_t>(G1) * G1, 0.0);
  std::vector<double> Y(G), Sm(G), S(G), Fm(G), Fn(G), h(G);
  std::vector<double> d1(G), d2(G);
  std::vector<double> A(static_cast<std::size_t>(G) * G), C(static_cast<std::size_t>(G) * G);
  std::vector<Term> terms;
  std::vector<ProductLimit> pl(G);  // per group; pl[g].surv == Sm[g] between rows
  for (int st = 0; st < tab.nstrata; ++st) {
    std::fill(pl.begin(), pl.end(), ProductLimit{});
    std::fill(Sm.begin(), Sm.end(), 1.0);
    std::fill(Fm.begin(), Fm.end(), 0.0);
    std::fill(C.begin(), C.end(), 0.0);
    terms.clear();
    double F0m = 0.0;
    for (std::size_t r = tab.offset[st]; r < tab.offset[st + 1]; ++r) {
      // the recounted table's row: at risk, failures of the cause and of
      // the others, by group
      double nd1 = 0, nd2 = 0;
      for (int g = 0; g < G; ++g) {
        const std::size_t gr = static_cast<std::size_t>(g) * nrow + r;
        Y[g] = rc.n_risk[gr];
        d1[g] = rc.n_event_cause[gr * K + static_cast<std::size_t>(cause - 1)];
        d2[g] = rc.n_event[gr] - d1[g];
        nd1 += d1[g];
        nd2 += d2[g];
      }
      if (nd1 > 0 || nd2 > 0) {
        double Hs = 0, Qs = 0;
        for (int g = 0; g < G; ++g) {
          S[g] = Sm[g];
          Fn[g] = Fm[g];
          h[g] = 0;
          if (Y[g] <= 0) continue;
          // the group's curves: one product-limit step (cause, then all)
          pl[g].step_causes(Y[g], d1[g] + d2[g], 1, [&](int) { return d1[g]; }, &Fn[g]);
          S[g] = pl[g].surv;
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
    }
    // second pass: u = e + b C(T)
    std::vector<double> u(G1);
    for (const Term& tm : terms) {
      for (int g = 0; g < G1; ++g) u[g] = tm.e[g] + tm.b * C[g + G * tm.k];
      for (int g = 0; g < G1; ++g)
        for (int l = 0; l < G1; ++l) out.var[g + G1 * l] += tm.m * u[g] * u[l];
    }
  }
  return out;
}

std::vector<GrayScore> gray_scores(const GrayInput& in, const GrayData& d, double rho) {
  Recount rc;
  recount(d.tab, in.group, in.ngroup, nullptr, in.ncause, rc);
  std::vector<GrayScore> out;
  for (int c = 1; c <= in.ncause; ++c) out.push_back(gray_score(d, rc, c, rho));
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

// Every cause's statistic for the labels in `group`, tallied against the
// observed ones (the table recounted once for all causes).
void tally_causes(const GrayInput& in, const GrayData& d, const int* group, double rho,
                  const std::vector<double>& observed, Recount& rc, McTally* tally) {
  recount(d.tab, group, in.ngroup, nullptr, in.ncause, rc);
  for (int c = 1; c <= in.ncause; ++c) {
    if (std::isnan(observed[c - 1])) continue;
    tally[c - 1].add(gray_statistic(gray_score(d, rc, c, rho)), observed[c - 1]);
  }
}

GrayPermResult finish(const std::vector<McTally>& all, const std::vector<double>& observed,
                      bool exact) {
  const std::size_t K = observed.size();
  GrayPermResult res;
  res.p.assign(K, 0.0);
  res.se.assign(K, 0.0);
  res.valid.assign(K, 0.0);
  res.undefined.assign(K, 0.0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t c = 0; c < K; ++c) {
    res.valid[c] = all[c].valid;
    res.undefined[c] = all[c].undefined;
    if (std::isnan(observed[c])) {
      res.p[c] = res.se[c] = nan;
    } else if (exact) {
      // the observed labelling is one of the valid ones, so valid >= 1
      res.p[c] = all[c].valid > 0 ? all[c].hits / all[c].valid : nan;
      res.se[c] = 0.0;
    } else {
      res.p[c] = mc_p_value(all[c]);
      res.se[c] = mc_std_error(all[c]);
    }
  }
  return res;
}

}  // namespace

GrayPermResult gray_permutation(const GrayInput& in, const GrayData& d, double rho,
                                std::size_t reps, std::uint64_t seed,
                                const std::vector<double>& observed, int threads,
                                const std::function<void()>& poll) {
  const int K = in.ncause;
  const std::vector<std::size_t>& starts = d.starts;
  const index_vector& ord = d.ord;
  for (std::size_t blk = 0; blk + 1 < starts.size(); ++blk)
    if (starts[blk + 1] - starts[blk] >= 0xFFFFFFFFULL)
      throw input_error("gray: a stratum has 2^32 or more observations");
  const std::size_t nblocks = stream_block_count(reps);
  const std::vector<Xoshiro256> streams = rng_streams(seed, nblocks);
  threads = threads_for_work(static_cast<double>(reps) * static_cast<double>(in.n) * K * 10.0,
                             threads);
  const int nw = worker_count(nblocks, threads);
  std::vector<std::vector<int>> grp(static_cast<std::size_t>(nw));
  std::vector<Recount> rcs(static_cast<std::size_t>(nw));
  std::vector<McTally> tally(nblocks * static_cast<std::size_t>(K));
  auto task = [&](std::size_t blk, int w, const std::atomic<bool>& stop) {
    std::vector<int>& g = grp[static_cast<std::size_t>(w)];
    g.assign(in.group, in.group + in.n);  // every block starts from the data's labels
    Xoshiro256 rng = streams[blk];
    const std::size_t r0 = blk * kStreamBlock, r1 = std::min(reps, r0 + kStreamBlock);
    for (std::size_t r = r0; r < r1; ++r) {
      if (stop.load(std::memory_order_relaxed)) return;
      for (std::size_t s = 0; s + 1 < starts.size(); ++s) {
        const std::size_t b0 = starts[s], m = starts[s + 1] - b0;
        for (std::size_t q = m; q > 1; --q) {
          const std::size_t j = rng.below(static_cast<std::uint32_t>(q));
          std::swap(g[ord[b0 + q - 1]], g[ord[b0 + j]]);
        }
      }
      tally_causes(in, d, g.data(), rho, observed, rcs[static_cast<std::size_t>(w)],
                   &tally[blk * static_cast<std::size_t>(K)]);
    }
  };
  parallel_blocks(nblocks, threads, task, poll);
  std::vector<McTally> all(static_cast<std::size_t>(K));
  for (std::size_t blk = 0; blk < nblocks; ++blk)
    for (int c = 0; c < K; ++c) all[c].merge(tally[blk * K + c]);
  return finish(all, observed, false);
}

GrayPermResult gray_exact(const GrayInput& in, const GrayData& d, double rho,
                          const std::vector<double>& observed, Watch& watch) {
  const int K = in.ncause;
  const std::vector<std::size_t>& starts = d.starts;
  const index_vector& ord = d.ord;
  const std::size_t S = starts.size() - 1;
  // labels in `ord` order, each stratum's block sorted: next_permutation
  // then walks its distinct arrangements (multiset permutations) once each
  std::vector<int> lab(in.n);
  for (std::size_t q = 0; q < in.n; ++q) lab[q] = in.group[ord[q]];
  for (std::size_t s = 0; s < S; ++s)
    std::sort(lab.begin() + static_cast<std::ptrdiff_t>(starts[s]),
              lab.begin() + static_cast<std::ptrdiff_t>(starts[s + 1]));
  std::vector<int> g(in.n);
  Recount rc;
  std::vector<McTally> all(static_cast<std::size_t>(K));
  GrayPermResult res;
  for (;;) {
    for (std::size_t q = 0; q < in.n; ++q) g[ord[q]] = lab[q];
    tally_causes(in, d, g.data(), rho, observed, rc, all.data());
    res.outcomes += 1.0;
    if (watch.tick()) {
      const double done = res.outcomes;
      res = finish(all, observed, true);
      res.outcomes = done;
      res.complete = false;
      return res;
    }
    // odometer over strata: advance the first stratum that has a next
    // arrangement (next_permutation resets the exhausted ones to sorted)
    std::size_t s = 0;
    for (; s < S; ++s) {
      if (std::next_permutation(lab.begin() + static_cast<std::ptrdiff_t>(starts[s]),
                                lab.begin() + static_cast<std::ptrdiff_t>(starts[s + 1])))
        break;
    }
    if (s == S) break;
  }
  const double outcomes = res.outcomes;
  res = finish(all, observed, true);
  res.outcomes = outcomes;
  return res;
}

}  // namespace smallsurv
