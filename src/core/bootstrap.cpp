// bootstrap.cpp -- see bootstrap.h for the contract, the resampling scheme
// and the cost.
#include "bootstrap.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "product_limit.h"
#include "resample.h"
#include "rng.h"

namespace smallsurv {

namespace {

// Replicates are first written row-major into a tile of kTile replicates,
// then copied kTile at a time into the time-major store: one cache line per
// (row, state) and tile instead of one per replicate.
constexpr std::size_t kTile = 8;

// Units of each stratum, in increasing code order.
std::vector<std::vector<std::uint32_t>> stratum_members(const int* unit_stratum,
                                                        std::size_t nunit, int nstrata) {
  std::vector<std::vector<std::uint32_t>> members(static_cast<std::size_t>(nstrata));
  for (std::size_t u = 0; u < nunit; ++u) {
    const int s = unit_stratum[u];
    if (s < 0 || s >= nstrata) throw input_error("bootstrap: unit with no stratum");
    members[s].push_back(static_cast<std::uint32_t>(u));
  }
  return members;
}

// The draws of one replicate (nunit codes), stratum by stratum, from the
// generator of its block (rng.h, resample.h).
void draw_replicate(const std::vector<std::vector<std::uint32_t>>& members, Xoshiro256& rng,
                    std::uint32_t* out) {
  std::size_t pos = 0;
  for (const auto& m : members) {
    const std::uint32_t sz = static_cast<std::uint32_t>(m.size());
    for (std::uint32_t j = 0; j < sz; ++j) out[pos++] = m[rng.below(sz)];
  }
}

}  // namespace

std::vector<std::uint32_t> bootstrap_index(const int* unit_stratum, std::size_t nunit,
                                           int nstrata, std::size_t reps, std::uint64_t seed) {
  if (nunit >= 0xFFFFFFFFULL) throw input_error("bootstrap: too many units");
  const auto members = stratum_members(unit_stratum, nunit, nstrata);
  std::vector<std::uint32_t> out(nunit * reps);
  const std::size_t nblocks = stream_block_count(reps);
  std::vector<Xoshiro256> streams = rng_streams(seed, nblocks);
  for (std::size_t b = 0; b < reps; ++b)
    draw_replicate(members, streams[b / kStreamBlock], out.data() + b * nunit);
  return out;
}

double quantile_type7(double* x, std::size_t m, double p) {
  if (m == 0) return std::nan("");
  const double index = 1.0 + static_cast<double>(m - 1) * p;  // R: 1 + max(n - 1, 0) * probs
  const std::size_t lo = static_cast<std::size_t>(std::floor(index));
  std::nth_element(x, x + (lo - 1), x + m);
  double q = x[lo - 1];
  if (index > static_cast<double>(lo) && lo < m) {
    const double xhi = *std::min_element(x + lo, x + m);  // the (lo + 1)-th order statistic
    if (xhi != q) {
      const double h = index - static_cast<double>(lo);
      q = (1.0 - h) * q + h * xhi;
    }
  }
  return q;
}

BootstrapResult bootstrap_percentile(const EventTable& tab, const double* w, const int* unit,
                                     std::size_t nunit, const BootstrapSpec& spec,
                                     const std::function<void()>& poll) {
  const std::size_t nrow = tab.nrow();
  const std::size_t n = tab.stop_row.size();
  if (n == 0) throw std::logic_error("bootstrap needs the per-observation rows of the event table");
  if (spec.reps < 1) throw input_error("bootstrap: reps must be at least 1");
  if (!(spec.prob_lo >= 0 && spec.prob_lo <= 1 && spec.prob_hi >= 0 && spec.prob_hi <= 1))
    throw input_error("bootstrap: probabilities must be in [0, 1]");
  const int K = tab.ncause;
  const int ns = spec.all_states ? K + 1 : 1;
  const std::size_t reps = spec.reps;
  if (!unit) nunit = n;
  if (nunit >= 0xFFFFFFFFULL) throw input_error("bootstrap: too many units");

  // stratum of every unit (the stratum of its rows; one only)
  std::vector<int> unit_stratum(nunit, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = tab.stop_row[i];
    const int s = static_cast<int>(
        std::upper_bound(tab.offset.begin(), tab.offset.end(), r) - tab.offset.begin() - 1);
    const std::size_t u = unit ? static_cast<std::size_t>(unit[i]) : i;
    if (u >= nunit) throw input_error("bootstrap: unit code out of range at row " + std::to_string(i + 1));
    if (unit_stratum[u] >= 0 && unit_stratum[u] != s)
      throw input_error("bootstrap: a cluster (id) has rows in more than one stratum");
    unit_stratum[u] = s;
  }
  const auto members = stratum_members(unit_stratum.data(), nunit, tab.nstrata);

  BootstrapResult res;
  res.nstate = ns;
  res.lower.assign(nrow * ns, 0.0);
  res.upper.assign(nrow * ns, 0.0);
  if (nrow == 0) return res;

  const std::size_t per_row = static_cast<std::size_t>(ns) * reps;
  const std::size_t block = std::max<std::size_t>(1, spec.block_doubles / per_row);
  std::vector<double> vals(std::min(block, nrow) * per_row);
  const std::size_t nblocks = stream_block_count(reps);
  const std::vector<Xoshiro256> streams = rng_streams(spec.seed, nblocks);
  const int threads = threads_for_work(
      static_cast<double>(reps) * static_cast<double>(n + nrow * static_cast<std::size_t>(ns)) * 2.0,
      spec.threads);
  const int nw = worker_count(nblocks, threads);
  // per-worker scratch
  struct Scratch {
    std::vector<double> tile;
    std::vector<std::uint32_t> draws, count;
    std::vector<double> mult, F;
    Recount rc;
  };
  const int by_cause = K > 1 && spec.all_states ? K : 0;
  std::vector<Scratch> scratch(static_cast<std::size_t>(nw));
  for (Scratch& w : scratch) {
    w.tile.assign(std::min(block, nrow) * ns * kTile, 0.0);
    w.draws.resize(nunit);
    w.count.resize(nunit);
    w.mult.resize(n);
    w.F.resize(K);
  }

  for (std::size_t lo = 0; lo < nrow; lo += block) {
    const std::size_t hi = std::min(nrow, lo + block);
    const std::size_t nblk = hi - lo;
    auto task = [&](std::size_t blk, int wk, const std::atomic<bool>& stop) {
      Scratch& sc = scratch[static_cast<std::size_t>(wk)];
      Xoshiro256 rng = streams[blk];
      std::vector<double>& tile = sc.tile;
      std::vector<double>& F = sc.F;
      const std::size_t b0 = blk * kStreamBlock, b1 = std::min(reps, b0 + kStreamBlock);
      for (std::size_t b = b0; b < b1; ++b) {
        if (stop.load(std::memory_order_relaxed)) return;
        const std::size_t t = b % kTile;  // slot of this replicate in the tile
        draw_replicate(members, rng, sc.draws.data());
        std::fill(sc.count.begin(), sc.count.end(), 0u);
        for (std::uint32_t u : sc.draws) ++sc.count[u];
        // resampled weighted counts per row of the original table
        for (std::size_t i = 0; i < n; ++i) {
          sc.mult[i] = static_cast<double>(sc.count[unit ? unit[i] : i]) * (w ? w[i] : 1.0);
        }
        recount(tab, nullptr, 1, sc.mult.data(), by_cause, sc.rc);
        const std::vector<double>& dsum = sc.rc.n_event;
        const std::vector<double>& nrisk = sc.rc.n_risk;
        const std::vector<double>& dk = sc.rc.n_event_cause;
        // Kaplan-Meier / Aalen-Johansen on the resampled counts (km.cpp's and
        // aalen_johansen.cpp's arithmetic), stored for the rows of the block
        for (int s = 0; s < tab.nstrata; ++s) {
          const std::size_t a = tab.offset[s], z = std::min(tab.offset[s + 1], hi);
          if (a >= hi || tab.offset[s + 1] <= lo) continue;
          ProductLimit pl;
          std::fill(F.begin(), F.end(), 0.0);
          for (std::size_t r = a; r < z; ++r) {
            const double d = dsum[r], nr = nrisk[r];
            if (spec.all_states)
              pl.step_causes(nr, d, K, [&](int k) { return K > 1 ? dk[r * K + k] : d; }, F.data());
            else
              pl.step(nr, d);
            if (r < lo) continue;
            double* out = tile.data() + ((r - lo) * ns) * kTile + t;
            out[0] = pl.surv;
            for (int k = 1; k < ns; ++k) out[k * kTile] = F[k - 1];
          }
        }
        // a full tile (or the block's last replicate): copy kTile contiguous
        // values per (row, state) into the time-major store (tiles never
        // straddle blocks: kStreamBlock is a multiple of kTile)
        if (t + 1 == kTile || b + 1 == b1) {
          const std::size_t c0 = b - t, m = t + 1;
          for (std::size_t q = 0; q < nblk * ns; ++q)
            std::copy(tile.data() + q * kTile, tile.data() + q * kTile + m,
                      vals.data() + q * reps + c0);
        }
      }
    };
    parallel_blocks(nblocks, threads, task, poll);
    for (std::size_t r = lo; r < hi; ++r) {
      for (int k = 0; k < ns; ++k) {
        double* x = vals.data() + (r - lo) * per_row + k * reps;
        res.lower[k * nrow + r] = quantile_type7(x, reps, spec.prob_lo);
        res.upper[k * nrow + r] = quantile_type7(x, reps, spec.prob_hi);
      }
    }
  }
  return res;
}

}  // namespace smallsurv
