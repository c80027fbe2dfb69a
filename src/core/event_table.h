// event_table.h -- the one sorted event table shared by every estimator.
//
// Inputs  : n observations (stop time, status, optional entry time for
//           left truncation / counting-process data, optional case weight,
//           optional 0-based stratum code).  status 0 = censored, 1..ncause =
//           an event of that cause.  Nothing needs to be sorted.
// Outputs : per stratum, one row per distinct stop time (event *or*
//           censoring, as survival::survfit), with the weighted number at
//           risk just before that time, weighted events (per cause) and
//           weighted censorings at that time; the number of observations per
//           stratum; and, per observation, the rows where it enters and
//           leaves the risk set (used by influence/IJ variances).
// Conventions (survival's):
//   * at risk at t  <=>  entry < t <= stop  (entry = -inf without truncation);
//   * events and censorings at the same time: the censored still count in
//     n.risk of that time (events are processed first);
//   * near-tied times are merged first when `timefix` is on, with the rule of
//     survival::aeqSurv(): over the sorted distinct values of all time
//     columns, a value within sqrt(DBL_EPSILON) of its predecessor (absolute,
//     or relative to the mean absolute distinct value) is replaced by the
//     first value of its run.  The merge is global (across strata).
// Complexity: O(n) radix passes for the sort (O(n log n) comparison sort for
// small n), O(n) for everything else.
#ifndef SMALLSURV_EVENT_TABLE_H
#define SMALLSURV_EVENT_TABLE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "big_buffer.h"
#include "errors.h"  // input_error

namespace smallsurv {

using index_vector = big_vector<std::uint32_t>;

struct SurvInput {
  std::size_t n = 0;
  const double* stop = nullptr;    // required
  const int* status = nullptr;     // required, 0..ncause
  const double* entry = nullptr;   // optional (nullptr: right-censored data)
  const double* weight = nullptr;  // optional (nullptr: all 1)
  const int* strata = nullptr;     // optional 0-based codes (nullptr: one stratum)
  int nstrata = 1;
  int ncause = 1;
  bool timefix = true;
};

// A per-row column of the table: owned storage, or memory handed out by the
// caller's allocator (the glue hands out R vectors, so the table is written
// once, in place, instead of being built and then copied).
class Column {
 public:
  double& operator[](std::size_t i) { return ptr_[i]; }
  const double& operator[](std::size_t i) const { return ptr_[i]; }
  std::size_t size() const { return n_; }
  const double* data() const { return ptr_; }
  void place(std::size_t n, const std::function<double*(std::size_t)>* alloc) {
    n_ = n;
    if (alloc && *alloc) {
      ptr_ = (*alloc)(n);
    } else {
      own_.assign(n, 0.0);
      ptr_ = own_.data();
    }
  }

 private:
  big_vector<double> own_;
  double* ptr_ = nullptr;
  std::size_t n_ = 0;
};

// Gives memory for one column of nrow doubles; must outlive the table.
using ColumnAllocator = std::function<double*(std::size_t nrow)>;

struct EventTable {
  int nstrata = 1;
  int ncause = 1;
  bool has_entry = false;
  bool has_weight = false;
  // rows [offset[s], offset[s + 1]) belong to stratum s
  std::vector<std::size_t> offset;
  std::vector<std::size_t> n_obs;  // observations per stratum (unweighted)
  Column time;      // distinct stop times (after timefix)
  Column n_risk;    // weighted number at risk just before time
  Column n_event;   // weighted events, all causes together
  Column n_censor;  // weighted censorings
  // weighted events by cause, row-major (row * ncause + cause - 1);
  // filled only when ncause > 1
  std::vector<double> n_event_cause;
  // per observation (input order): global row of its stop time, and the
  // first global row at which it is at risk (> stop_row when it never is)
  std::vector<std::size_t> stop_row;
  std::vector<std::size_t> first_row;
  std::vector<int> obs_status;  // status of each observation (input order)

  std::size_t nrow() const { return time.size(); }
};

// Build the table.  `keep_obs_rows` fills stop_row/first_row/obs_status (needed by the
// influence-based variances only; they cost two vectors of n).
// `alloc` (optional) provides the memory of the four per-row columns.
EventTable build_event_table(const SurvInput& in, bool keep_obs_rows,
                             const ColumnAllocator* alloc = nullptr);

// The table's counts recomputed for relabelled or reweighted observations
// (a permutation of group labels, a bootstrap draw, a subset by group):
// per group g and row r, at index g * nrow + r (each group's column
// contiguous), the weighted number at risk and events, and with
// ncause > 0 the events by cause at (g * nrow + r) * ncause + cause - 1.
// `group` (nullptr: one group) holds 0-based codes < ngroup; `mult`
// (nullptr: all 1) is each observation's weight times its multiplicity (0
// drops it).  The numbers at risk are accumulated backwards over each
// stratum's rows, stops at or after r less entries after r, as the table
// itself is; unweighted counts are exact.  Needs a table built with
// keep_obs_rows.  O(n + nrow * ngroup); the buffers are reused across calls.
struct Recount {
  int ngroup = 1;
  int ncause = 0;
  std::vector<double> n_risk, n_event, n_event_cause;
  std::vector<double> entries;  // scratch (delayed entry only)
};

void recount(const EventTable& tab, const int* group, int ngroup, const double* mult,
             int ncause, Recount& out);

// Stable order of the n keys by (stratum, value); exposed for reuse (tests,
// follow-up measures).  strata may be nullptr.  `sorted` (optional) receives
// the values in that order.
index_vector stable_order(const double* value, const int* strata,
                                        std::size_t n, int nstrata,
                                        big_vector<double>* sorted = nullptr);

// survival::aeqSurv()'s rule in place on sorted values that may repeat:
// over the sorted distinct values of all time columns, a value within
// sqrt(DBL_EPSILON) of its predecessor (absolutely, or relative to their mean
// absolute value) takes the first value of its run.
void timefix_sorted(double* sorted_values, std::size_t n);

// The same rule in place on values in any order (sorts a copy).
void timefix_unsorted(double* values, std::size_t n);

}  // namespace smallsurv

#endif
