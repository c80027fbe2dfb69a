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

constexpr std::size_t kRadixMin = 2048;  // below this a comparison sort wins

// Stable counting sort of idx by small integer codes.
void counting_pass_strata(std::vector<std::uint32_t>& idx, const int* strata,
                          int nstrata) {
  std::vector<std::size_t> count(static_cast<std::size_t>(nstrata) + 1, 0);
  for (std::uint32_t i : idx) ++count[static_cast<std::size_t>(strata[i]) + 1];
  for (int s = 0; s < nstrata; ++s) count[s + 1] += count[s];
  std::vector<std::uint32_t> out(idx.size());
  for (std::uint32_t i : idx) out[count[strata[i]]++] = i;
  idx.swap(out);
}

}  // namespace

std::vector<std::uint32_t> stable_order(const double* value, const int* strata,
                                        std::size_t n, int nstrata) {
  std::vector<std::uint32_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0u);
  if (n < kRadixMin) {
    std::stable_sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (strata && strata[a] != strata[b]) return strata[a] < strata[b];
      return value[a] < value[b];
    });
    return idx;
  }
  // LSD radix sort on the 64-bit order key, 16 bits a pass; a pass whose
  // digit is the same for every key is skipped (common for the top digits).
  std::vector<std::uint64_t> key(n), key2(n);
  for (std::size_t i = 0; i < n; ++i) key[i] = order_key(value[i]);
  std::vector<std::uint32_t> idx2(n);
  std::vector<std::size_t> count(65537);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t i = 0; i < n; ++i) ++count[((key[i] >> shift) & 0xFFFF) + 1];
    bool trivial = false;
    for (std::size_t b = 1; b < count.size(); ++b)
      if (count[b] == n) { trivial = true; break; }
    if (trivial) continue;
    for (std::size_t b = 0; b < 65536; ++b) count[b + 1] += count[b];
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t pos = count[(key[i] >> shift) & 0xFFFF]++;
      key2[pos] = key[i];
      idx2[pos] = idx[i];
    }
    key.swap(key2);
    idx.swap(idx2);
  }
  if (strata && nstrata > 1) counting_pass_strata(idx, strata, nstrata);
  return idx;
}

std::vector<double> timefix_cuts(const std::vector<double>& y) {
  std::vector<double> out(y);
  const std::size_t m = y.size();
  if (m < 2) return out;
  // mean(abs(y)) as R computes it: long double sum, then one refinement pass
  long double s = 0;
  for (double v : y) s += std::fabs(v);
  s /= static_cast<long double>(m);
  long double t = 0;
  for (double v : y) t += (std::fabs(v) - s);
  s += t / static_cast<long double>(m);
  const double mean_abs = static_cast<double>(s);
  const double tol = std::sqrt(DBL_EPSILON);
  double cut = y[0];
  for (std::size_t i = 1; i < m; ++i) {
    const double dy = y[i] - y[i - 1];
    const bool tied = (dy <= tol) || (dy / mean_abs <= tol);
    if (!tied) cut = y[i];
    out[i] = cut;
  }
  return out;
}

EventTable build_event_table(const SurvInput& in, bool keep_obs_rows) {
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

  std::vector<double> stop(in.stop, in.stop + n);
  std::vector<double> entry;
  if (in.entry) entry.assign(in.entry, in.entry + n);

  // 1. global time order (timefix is global, across strata)
  std::vector<std::uint32_t> ord = stable_order(stop.data(), nullptr, n, 1);
  std::vector<std::uint32_t> eord;
  if (in.entry) eord = stable_order(entry.data(), nullptr, n, 1);

  // 2. merge near-ties (survival::aeqSurv)
  if (in.timefix) {
    std::vector<double> uniq;
    uniq.reserve(in.entry ? 2 * n : n);
    std::size_t a = 0, b = 0;
    const std::size_t nb = in.entry ? n : 0;
    while (a < n || b < nb) {
      double v;
      if (b >= nb || (a < n && stop[ord[a]] <= entry[eord[b]])) v = stop[ord[a++]];
      else v = entry[eord[b++]];
      if (uniq.empty() || v != uniq.back()) uniq.push_back(v);
    }
    std::vector<double> cut = timefix_cuts(uniq);
    if (cut != uniq) {
      std::size_t p = 0;
      for (std::size_t k = 0; k < n; ++k) {
        double& v = stop[ord[k]];
        while (uniq[p] != v) ++p;
        v = cut[p];
      }
      if (in.entry) {
        p = 0;
        for (std::size_t k = 0; k < n; ++k) {
          double& v = entry[eord[k]];
          while (uniq[p] != v) ++p;
          v = cut[p];
        }
        for (std::size_t i = 0; i < n; ++i)
          if (!(entry[i] < stop[i]))
            throw input_error("after merging near-tied times (timefix), the interval at row " +
                              std::to_string(i + 1) + " has length 0");
      }
    }
  }

  // 3. order within strata (stable: the time order is kept)
  if (in.strata && nstrata > 1) {
    counting_pass_strata(ord, in.strata, nstrata);
    if (in.entry) counting_pass_strata(eord, in.strata, nstrata);
  }

  auto w = [&](std::size_t i) { return in.weight ? in.weight[i] : 1.0; };
  auto stratum = [&](std::size_t i) { return in.strata ? in.strata[i] : 0; };

  // 4. rows: distinct stop times within each stratum
  tab.offset.assign(static_cast<std::size_t>(nstrata) + 1, 0);
  tab.n_obs.assign(nstrata, 0);
  if (keep_obs_rows) {
    tab.stop_row.assign(n, 0);
    tab.first_row.assign(n, 0);
    tab.obs_status.assign(in.status, in.status + n);
  }
  const bool by_cause = in.ncause > 1;
  int cur_s = -1;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = ord[k];
    const int s = stratum(i);
    const double t = stop[i];
    if (s != cur_s || t != tab.time.back()) {
      if (s != cur_s) {
        for (int q = cur_s + 1; q <= s; ++q) tab.offset[q] = tab.time.size();
        cur_s = s;
      }
      tab.time.push_back(t);
      tab.n_event.push_back(0.0);
      tab.n_censor.push_back(0.0);
      if (by_cause) tab.n_event_cause.resize(tab.n_event_cause.size() + in.ncause, 0.0);
    }
    const std::size_t r = tab.time.size() - 1;
    ++tab.n_obs[s];
    const double wi = w(i);
    if (in.status[i] > 0) {
      tab.n_event[r] += wi;
      if (by_cause) tab.n_event_cause[r * in.ncause + in.status[i] - 1] += wi;
    } else {
      tab.n_censor[r] += wi;
    }
    if (keep_obs_rows) tab.stop_row[i] = r;
  }
  for (int q = cur_s + 1; q <= nstrata; ++q) tab.offset[q] = tab.time.size();

  // 5. number at risk: weight with stop >= t minus weight with entry >= t
  const std::size_t nrow = tab.time.size();
  tab.n_risk.assign(nrow, 0.0);
  std::size_t ek_end = n;  // entries are walked backwards, stratum by stratum
  for (int s = nstrata - 1; s >= 0; --s) {
    const std::size_t lo = tab.offset[s], hi = tab.offset[s + 1];
    double leaving = 0.0;  // weight with stop >= time[r]
    double entering = 0.0; // weight with entry >= time[r]
    std::size_t ek = ek_end;
    std::size_t ek_lo = ek_end - (in.entry ? tab.n_obs[s] : 0);
    for (std::size_t r = hi; r-- > lo;) {
      leaving += tab.n_event[r] + tab.n_censor[r];
      if (in.entry) {
        while (ek > ek_lo && entry[eord[ek - 1]] >= tab.time[r]) {
          entering += w(eord[ek - 1]);
          --ek;
        }
      }
      tab.n_risk[r] = leaving - entering;
    }
    if (in.entry) ek_end = ek_lo;
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
          const std::size_t i = eord[k];
          while (r < hi && tab.time[r] <= entry[i]) ++r;
          tab.first_row[i] = r;
        }
      }
    }
  }
  return tab;
}

}  // namespace smallsurv
