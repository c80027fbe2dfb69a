// event_table.cpp -- see event_table.h for the contract and conventions.
#include "event_table.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <numeric>

namespace smallsurv {

namespace {

// Map a double to an unsigned key with the same order (IEEE 754 trick:
// flip all bits of negatives, the sign bit of non-negatives).
inline std::uint64_t order_key(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return (b & 0x8000000000000000ULL) ? ~b : (b | 0x8000000000000000ULL);
}

inline double from_order_key(std::uint64_t k) {
  const std::uint64_t b = (k & 0x8000000000000000ULL) ? (k & ~0x8000000000000000ULL) : ~k;
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

constexpr std::size_t kRadixMin = 2048;  // below this a comparison sort wins

// Stable counting sort of idx by small integer codes.
void counting_pass_strata(index_vector& idx, const int* strata,
                          int nstrata) {
  std::vector<std::size_t> count(static_cast<std::size_t>(nstrata) + 1, 0);
  for (std::uint32_t i : idx) ++count[static_cast<std::size_t>(strata[i]) + 1];
  for (int s = 0; s < nstrata; ++s) count[s + 1] += count[s];
  index_vector out(idx.size());
  for (std::uint32_t i : idx) out[count[strata[i]]++] = i;
  idx.swap(out);
}

}  // namespace

index_vector stable_order(const double* value, const int* strata,
                                        std::size_t n, int nstrata, big_vector<double>* sorted) {
  index_vector idx(n);
  std::iota(idx.begin(), idx.end(), 0u);
  if (n < kRadixMin) {
    std::stable_sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (strata && strata[a] != strata[b]) return strata[a] < strata[b];
      return value[a] < value[b];
    });
    if (sorted) {
      sorted->resize(n);
      for (std::size_t k = 0; k < n; ++k) (*sorted)[k] = value[idx[k]];
    }
    return idx;
  }
  // LSD radix sort on the 64-bit order key, 8 bits a pass (8 passes; the
  // 256-bucket histograms stay in L1 and the scatter writes stay in few
  // streams -- measured fastest against 11- and 16-bit digits at n = 1e6).
  // All histograms are counted in one
  // read pass; a pass whose digit is the same for every key is skipped
  // (common for the top digits).
  constexpr int kBits = 8, kPasses = 8;
  constexpr std::size_t kBuckets = std::size_t(1) << kBits;
  big_vector<std::uint64_t> key(n), key2(n);
  std::vector<std::size_t> count(kPasses * kBuckets, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = order_key(value[i]);
    key[i] = k;
    for (int p = 0; p < kPasses; ++p) ++count[p * kBuckets + ((k >> (p * kBits)) & (kBuckets - 1))];
  }
  index_vector idx2(n);
  for (int p = 0; p < kPasses; ++p) {
    std::size_t* c = &count[p * kBuckets];
    const std::uint64_t digit0 = (key[0] >> (p * kBits)) & (kBuckets - 1);
    if (c[digit0] == n) continue;  // trivial pass
    std::size_t sum = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const std::size_t v = c[b];
      c[b] = sum;
      sum += v;
    }
    const int shift = p * kBits;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t pos = c[(key[i] >> shift) & (kBuckets - 1)]++;
      key2[pos] = key[i];
      idx2[pos] = idx[i];
    }
    key.swap(key2);
    idx.swap(idx2);
  }
  if (strata && nstrata > 1) {
    counting_pass_strata(idx, strata, nstrata);
    if (sorted) {
      sorted->resize(n);
      for (std::size_t k = 0; k < n; ++k) (*sorted)[k] = value[idx[k]];
    }
  } else if (sorted) {
    // the sorted keys are the sorted values: decode them in one linear pass
    // instead of gathering value[idx[k]] at random
    sorted->resize(n);
    for (std::size_t k = 0; k < n; ++k) (*sorted)[k] = from_order_key(key[k]);
  }
  return idx;
}

// aeqSurv's rule in place on sorted values (with repeats): the same result
// over the distinct values, repeats simply taking their value's cut.
void timefix_sorted(double* v, std::size_t n) {
  if (n < 2) return;
  long double s = 0;
  std::size_t m = 0;
  for (std::size_t k = 0; k < n; ++k)
    if (k == 0 || v[k] != v[k - 1]) { s += std::fabs(v[k]); ++m; }
  if (m < 2) return;
  s /= static_cast<long double>(m);
  long double t = 0;
  for (std::size_t k = 0; k < n; ++k)
    if (k == 0 || v[k] != v[k - 1]) t += (std::fabs(v[k]) - s);
  s += t / static_cast<long double>(m);
  const double mean_abs = static_cast<double>(s);
  const double tol = std::sqrt(DBL_EPSILON);
  double prev = v[0], cut = v[0];
  for (std::size_t k = 1; k < n; ++k) {
    const double x = v[k];
    if (x != prev) {
      const double dy = x - prev;
      if (!((dy <= tol) || (dy / mean_abs <= tol))) cut = x;
      prev = x;
    }
    v[k] = cut;
  }
}

void timefix_unsorted(double* v, std::size_t n) {
  if (n < 2) return;
  big_vector<double> sorted;
  const index_vector o = stable_order(v, nullptr, n, 1, &sorted);
  timefix_sorted(sorted.data(), n);
  for (std::size_t k = 0; k < n; ++k) v[o[k]] = sorted[k];
}

EventTable build_event_table(const SurvInput& in, bool keep_obs_rows,
                             const ColumnAllocator* alloc) {
  const std::size_t n = in.n;
  if (n == 0) throw input_error("no observations");
  if (n >= 0xFFFFFFFFULL) throw input_error("too many observations");
  if (!in.stop || !in.status) throw input_error("stop time and status are required");
  const int nstrata = in.strata ? in.nstrata : 1;
  if (nstrata < 1) throw input_error("nstrata must be at least 1");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in.stop[i])) throw input_error("non-finite stop time at row " + std::to_string(i + 1));
    if (in.status[i] < 0 || in.status[i] > in.ncause)
      throw input_error("invalid status at row " + std::to_string(i + 1));
    if (in.entry && !(std::isfinite(in.entry[i]) && in.entry[i] < in.stop[i]))
      throw input_error("entry time not before stop time at row " + std::to_string(i + 1));
    if (in.weight && !(std::isfinite(in.weight[i]) && in.weight[i] >= 0))
      throw input_error("invalid weight at row " + std::to_string(i + 1));
    if (in.strata && (in.strata[i] < 0 || in.strata[i] >= nstrata))
      throw input_error("invalid stratum code at row " + std::to_string(i + 1));
  }

  EventTable tab;
  tab.nstrata = nstrata;
  tab.ncause = in.ncause;
  tab.has_entry = in.entry != nullptr;
  tab.has_weight = in.weight != nullptr;

  // 1. global time order (timefix is global, across strata), and the data
  //    gathered into that order once: everything after this reads linearly.
  big_vector<double> ts;
  index_vector ord = stable_order(in.stop, nullptr, n, 1, &ts);
  index_vector eord;
  big_vector<double> es;  // entry times in entry order
  if (in.entry) {
    eord = stable_order(in.entry, nullptr, n, 1, &es);
  }

  // 2. merge near-ties (survival::aeqSurv) on the sorted values
  if (in.timefix) {
    if (!in.entry) {
      timefix_sorted(ts.data(), n);
    } else {
      // the distinct values of both columns decide the merge
      std::vector<double> uniq;
      uniq.reserve(2 * n);
      std::size_t a = 0, b = 0;
      while (a < n || b < n) {
        const double v = (b >= n || (a < n && ts[a] <= es[b])) ? ts[a++] : es[b++];
        if (uniq.empty() || v != uniq.back()) uniq.push_back(v);
      }
      std::vector<double> cut(uniq);
      timefix_sorted(cut.data(), cut.size());
      if (cut != uniq) {
        for (big_vector<double>* col : {&ts, &es}) {
          std::size_t p = 0;
          for (double& v : *col) {
            while (uniq[p] != v) ++p;
            v = cut[p];
          }
        }
        std::vector<double> stop_fixed(n);
        for (std::size_t k = 0; k < n; ++k) stop_fixed[ord[k]] = ts[k];
        for (std::size_t k = 0; k < n; ++k)
          if (!(es[k] < stop_fixed[eord[k]]))
            throw input_error("after merging near-tied times (timefix), the interval at row " +
                              std::to_string(eord[k] + 1) + " has length 0");
      }
    }
  }

  // 3. order within strata (stable: the time order is kept)
  if (in.strata && nstrata > 1) {
    std::vector<std::size_t> start(static_cast<std::size_t>(nstrata) + 1, 0);
    for (std::size_t i = 0; i < n; ++i) ++start[static_cast<std::size_t>(in.strata[i]) + 1];
    for (int q = 0; q < nstrata; ++q) start[q + 1] += start[q];
    auto regroup = [&](index_vector& o, big_vector<double>& v) {
      std::vector<std::size_t> pos(start.begin(), start.end() - 1);
      index_vector o2(n);
      big_vector<double> v2(n);
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t at = pos[in.strata[o[k]]]++;
        o2[at] = o[k];
        v2[at] = v[k];
      }
      o.swap(o2);
      v.swap(v2);
    };
    regroup(ord, ts);
    if (in.entry) regroup(eord, es);
  }

  auto stratum = [&](std::size_t i) { return in.strata ? in.strata[i] : 0; };

  // 4. rows: distinct stop times within each stratum (structure only)
  tab.offset.assign(static_cast<std::size_t>(nstrata) + 1, 0);
  tab.n_obs.assign(nstrata, 0);
  if (keep_obs_rows) {
    tab.stop_row.assign(n, 0);
    tab.first_row.assign(n, 0);
    tab.obs_status.assign(in.status, in.status + n);
  }
  std::size_t nrow = 0;
  {
    int cur_s = -1;
    double cur_t = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t i = ord[k];
      const int s = stratum(i);
      const double t = ts[k];
      if (s != cur_s || t != cur_t) {
        if (s != cur_s) {
          for (int q = cur_s + 1; q <= s; ++q) tab.offset[q] = nrow;
          cur_s = s;
        }
        cur_t = t;
        ++nrow;
      }
      ++tab.n_obs[s];
      if (keep_obs_rows) tab.stop_row[i] = nrow - 1;
    }
    for (int q = cur_s + 1; q <= nstrata; ++q) tab.offset[q] = nrow;
  }

  // 5. times and weighted counts, accumulated as survival's survfitkm does so
  //    that the rounding agrees to the last bit (it matters when the last
  //    subject at risk has the event and n - d should be exactly 0): walking
  //    the times backwards, one running sum adds the weight of each
  //    observation with stop >= t (in reverse sorted order) and then
  //    subtracts the weight of each entry >= t; events and censorings are
  //    summed in the same order.
  tab.time.place(nrow, alloc);
  tab.n_risk.place(nrow, alloc);
  tab.n_event.place(nrow, alloc);
  tab.n_censor.place(nrow, alloc);
  const bool by_cause = in.ncause > 1;
  if (by_cause) tab.n_event_cause.assign(nrow * in.ncause, 0.0);
  std::size_t k = n;   // sorted observations, walked backwards
  std::size_t ek = n;  // sorted entries, walked backwards
  for (int s = nstrata - 1; s >= 0; --s) {
    double at_risk = 0.0;
    const std::size_t k_lo = k - tab.n_obs[s];
    const std::size_t ek_lo = ek - (in.entry ? tab.n_obs[s] : 0);
    for (std::size_t r = tab.offset[s + 1]; r-- > tab.offset[s];) {
      const double t = ts[k - 1];
      double ev = 0.0, ce = 0.0;
      for (; k > k_lo && ts[k - 1] == t; --k) {
        const std::uint32_t i = ord[k - 1];
        const double wi = in.weight ? in.weight[i] : 1.0;
        at_risk += wi;
        const int st = in.status[i];
        if (st > 0) {
          ev += wi;
          if (by_cause) tab.n_event_cause[r * in.ncause + st - 1] += wi;
        } else {
          ce += wi;
        }
      }
      if (in.entry) {
        for (; ek > ek_lo && es[ek - 1] >= t; --ek)
          at_risk -= in.weight ? in.weight[eord[ek - 1]] : 1.0;
      }
      tab.time[r] = t;
      tab.n_risk[r] = at_risk;
      tab.n_event[r] = ev;
      tab.n_censor[r] = ce;
    }
    ek = ek_lo;
  }

  // 6. first row at which each observation is at risk (time > entry)
  if (keep_obs_rows) {
    if (!in.entry) {
      for (std::size_t i = 0; i < n; ++i) tab.first_row[i] = tab.offset[stratum(i)];
    } else {
      std::size_t k = 0;
      for (int s = 0; s < nstrata; ++s) {
        std::size_t r = tab.offset[s];
        const std::size_t hi = tab.offset[s + 1];
        for (std::size_t c = 0; c < tab.n_obs[s]; ++c, ++k) {
          while (r < hi && tab.time[r] <= es[k]) ++r;
          tab.first_row[eord[k]] = r;
        }
      }
    }
  }
  return tab;
}

void recount(const EventTable& tab, const int* group, int ngroup, const double* mult,
             int ncause, Recount& out) {
  const std::size_t n = tab.stop_row.size();
  const std::size_t nrow = tab.nrow();
  if (n == 0 && nrow > 0) {
    throw std::logic_error("recount() needs the per-observation rows of the event table");
  }
  const std::size_t G = static_cast<std::size_t>(ngroup);
  const std::size_t m = nrow * G;
  const bool entry = tab.has_entry;
  out.ngroup = ngroup;
  out.ncause = ncause;
  // n_risk first collects the stops at each row, then is accumulated in place
  out.n_risk.assign(m, 0.0);
  out.n_event.assign(m, 0.0);
  out.n_event_cause.assign(ncause > 0 ? m * static_cast<std::size_t>(ncause) : 0, 0.0);
  out.entries.assign(entry ? m : 0, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = mult ? mult[i] : 1.0;
    if (v == 0.0) continue;
    const std::size_t base = (group ? static_cast<std::size_t>(group[i]) : 0) * nrow;
    const std::size_t r = base + tab.stop_row[i];
    out.n_risk[r] += v;
    if (entry) {
      // an observation is at risk at its own stop row (entry < stop is
      // checked when the table is built)
      if (tab.first_row[i] > tab.stop_row[i]) {
        throw std::logic_error("recount(): an observation is never at risk");
      }
      out.entries[base + tab.first_row[i]] += v;
    }
    const int st = tab.obs_status[i];
    if (st > 0) {
      out.n_event[r] += v;
      if (ncause > 0) out.n_event_cause[r * ncause + st - 1] += v;
    }
  }
  for (std::size_t g = 0; g < G; ++g) {
    double* risk = out.n_risk.data() + g * nrow;
    const double* ent = entry ? out.entries.data() + g * nrow : nullptr;
    for (int s = 0; s < tab.nstrata; ++s) {
      const std::size_t a = tab.offset[s], z = tab.offset[s + 1];
      double at = 0.0;
      for (std::size_t r = z; r-- > a;) {
        at += risk[r];
        if (ent && r + 1 < z) at -= ent[r + 1];
        risk[r] = at;
      }
    }
  }
}

}  // namespace smallsurv
