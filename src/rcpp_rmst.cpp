// rcpp_rmst.cpp -- glue only: convert R vectors, call the core, convert back.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cstdint>
#include <vector>

#include "core/event_table.h"
#include "core/rmst.h"

// One pass over the data: the event table, each stratum's curve end, the
// largest allowed tau (rmst_tau_bound) and, when `tau` (NA: that bound) is
// in (0, bound], the RMST and its variance per stratum with each stratum's
// number of observations and events up to tau (NA otherwise: the caller
// reports the error).  Right-censored, unweighted input, validated in R.
// [[Rcpp::export(rng = false)]]
Rcpp::List rmst_fit_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status,
                        Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata, double tau,
                        bool timefix) {
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, 1, R_NilValue, R_NilValue, strata, nstrata,
                                  timefix);
  const smallsurv::EventTable tab = smallsurv::build_event_table(h.in, false);
  const std::vector<smallsurv::RmstCurveEnd> ends = smallsurv::rmst_curve_ends(tab);
  const double bound = smallsurv::rmst_tau_bound(ends.data(), ends.size());
  if (ISNAN(tau)) tau = bound;
  const bool ok = tau > 0.0 && tau <= bound;
  Rcpp::NumericVector rmst(tab.nstrata, NA_REAL), var(tab.nstrata, NA_REAL),
      events(tab.nstrata, NA_REAL), last_time(tab.nstrata), last_event(tab.nstrata);
  Rcpp::IntegerVector nobs(tab.nstrata);
  std::vector<smallsurv::RmstEstimate> est;
  if (ok) est = smallsurv::rmst_table(tab, tau);
  for (int s = 0; s < tab.nstrata; ++s) {
    nobs[s] = static_cast<int>(tab.n_obs[s]);
    last_time[s] = ends[s].last_time;
    last_event[s] = ends[s].last_event;
    if (!ok) continue;
    rmst[s] = est[s].rmst;
    var[s] = est[s].var;
    double ev = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      if (tab.time[r] <= tau) ev += tab.n_event[r];
    }
    events[s] = ev;
  }
  return Rcpp::List::create(Rcpp::Named("rmst") = rmst, Rcpp::Named("var") = var,
                            Rcpp::Named("n") = nobs, Rcpp::Named("events") = events,
                            Rcpp::Named("last_time") = last_time,
                            Rcpp::Named("last_event") = last_event,
                            Rcpp::Named("tau") = tau, Rcpp::Named("tau_bound") = bound);
}

// The largest allowed tau from the curves' ends (core rmst_tau_bound).
// [[Rcpp::export(rng = false)]]
double rmst_tau_bound_cpp(Rcpp::NumericVector last_time, Rcpp::NumericVector last_event) {
  if (last_event.size() != last_time.size())
    Rcpp::stop("last_time and last_event differ in length");
  std::vector<smallsurv::RmstCurveEnd> ends(static_cast<std::size_t>(last_time.size()));
  for (R_xlen_t i = 0; i < last_time.size(); ++i) {
    ends[i].last_time = last_time[i];
    ends[i].last_event = last_event[i];
  }
  return smallsurv::rmst_tau_bound(ends.data(), ends.size());
}

// The three contrasts of group b against group a (core rmst_contrasts):
// estimates (difference, log ratio, log RMTL ratio), standard errors and
// studentized statistics, vectorised over pairs.
// [[Rcpp::export(rng = false)]]
Rcpp::List rmst_contrast_cpp(Rcpp::NumericVector rb, Rcpp::NumericVector vb,
                             Rcpp::NumericVector ra, Rcpp::NumericVector va, double tau) {
  const R_xlen_t k = rb.size();
  if (vb.size() != k || ra.size() != k || va.size() != k)
    Rcpp::stop("rb, vb, ra and va differ in length");
  Rcpp::NumericMatrix est(k, 3), se(k, 3), stat(k, 3);
  for (R_xlen_t i = 0; i < k; ++i) {
    smallsurv::RmstContrast c[3];
    smallsurv::rmst_contrasts(smallsurv::RmstEstimate{rb[i], vb[i]},
                              smallsurv::RmstEstimate{ra[i], va[i]}, tau, c);
    for (int j = 0; j < 3; ++j) {
      est(i, j) = c[j].estimate;
      se(i, j) = c[j].se;
      stat(i, j) = c[j].statistic;
    }
  }
  return Rcpp::List::create(Rcpp::Named("estimate") = est, Rcpp::Named("std.error") = se,
                            Rcpp::Named("statistic") = stat);
}

// Studentized permutation test of group 1 against group 0 (codes 0/1).
// [[Rcpp::export(rng = false)]]
Rcpp::List rmst_perm_cpp(Rcpp::NumericVector time, Rcpp::IntegerVector status,
                         Rcpp::IntegerVector group, double tau, bool timefix, double reps,
                         double seed, double threads = 1) {
  if (status.size() != time.size() || group.size() != time.size())
    Rcpp::stop("time, status and group differ in length");
  const smallsurv::RmstPermResult r = smallsurv::rmst_permutation(
      time.begin(), status.begin(), group.begin(), static_cast<std::size_t>(time.size()), tau,
      timefix, static_cast<std::size_t>(reps), smallsurv_glue::as_seed(seed),
      smallsurv_glue::as_threads(threads), smallsurv_glue::poll_interrupt);
  return Rcpp::List::create(
      Rcpp::Named("statistic") = Rcpp::NumericVector::create(r.observed[0], r.observed[1],
                                                             r.observed[2]),
      Rcpp::Named("p") = Rcpp::NumericVector::create(r.p[0], r.p[1], r.p[2]),
      Rcpp::Named("se") = Rcpp::NumericVector::create(r.se[0], r.se[1], r.se[2]),
      Rcpp::Named("undefined") =
          Rcpp::NumericVector::create(r.undefined[0], r.undefined[1], r.undefined[2]));
}

// The permuted labels of replicates 0..reps-1 (one column each), for tests.
// [[Rcpp::export(rng = false)]]
Rcpp::IntegerMatrix rmst_perm_labels_cpp(Rcpp::IntegerVector group, double reps, double seed) {
  const std::size_t n = static_cast<std::size_t>(group.size());
  const std::size_t nr = static_cast<std::size_t>(reps);
  Rcpp::IntegerMatrix out(static_cast<int>(n), static_cast<int>(nr));
  smallsurv::rmst_permuted_labels(group.begin(), n, smallsurv_glue::as_seed(seed), nr,
                                  out.begin());
  return out;
}
