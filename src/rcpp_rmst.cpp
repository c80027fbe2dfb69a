// rcpp_rmst.cpp -- glue only: convert R vectors, call the core, convert back.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cstdint>
#include <vector>

#include "core/event_table.h"
#include "core/rmst.h"

// RMST and its variance per stratum (right-censored, unweighted input,
// validated in R), with each stratum's number of observations and events
// up to tau.
// [[Rcpp::export(rng = false)]]
Rcpp::List rmst_fit_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status,
                        Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata, double tau,
                        bool timefix) {
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, 1, R_NilValue, R_NilValue, strata, nstrata,
                                  timefix);
  const smallsurv::EventTable tab = smallsurv::build_event_table(h.in, false);
  const std::vector<smallsurv::RmstEstimate> est = smallsurv::rmst_table(tab, tau);
  Rcpp::NumericVector rmst(tab.nstrata), var(tab.nstrata), events(tab.nstrata),
      last_time(tab.nstrata), last_event(tab.nstrata);
  Rcpp::IntegerVector nobs(tab.nstrata);
  for (int s = 0; s < tab.nstrata; ++s) {
    rmst[s] = est[s].rmst;
    var[s] = est[s].var;
    nobs[s] = static_cast<int>(tab.n_obs[s]);
    double ev = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      if (tab.time[r] <= tau) ev += tab.n_event[r];
    }
    events[s] = ev;
    const std::size_t a = tab.offset[s], b = tab.offset[s + 1];
    last_time[s] = b > a ? tab.time[b - 1] : NA_REAL;
    // the curve ends in an event (and reaches 0) when every subject at risk
    // at the last time has the event there
    last_event[s] = b > a ? static_cast<double>(tab.n_event[b - 1] == tab.n_risk[b - 1] &&
                                                tab.n_censor[b - 1] == 0.0)
                          : NA_REAL;
  }
  return Rcpp::List::create(Rcpp::Named("rmst") = rmst, Rcpp::Named("var") = var,
                            Rcpp::Named("n") = nobs, Rcpp::Named("events") = events,
                            Rcpp::Named("last_time") = last_time,
                            Rcpp::Named("last_event") = last_event);
}

// Studentized permutation test of group 1 against group 0 (codes 0/1).
// [[Rcpp::export(rng = false)]]
Rcpp::List rmst_perm_cpp(Rcpp::NumericVector time, Rcpp::IntegerVector status,
                         Rcpp::IntegerVector group, double tau, bool timefix, double reps,
                         double seed) {
  if (status.size() != time.size() || group.size() != time.size())
    Rcpp::stop("time, status and group differ in length");
  const smallsurv::RmstPermResult r = smallsurv::rmst_permutation(
      time.begin(), status.begin(), group.begin(), static_cast<std::size_t>(time.size()), tau,
      timefix, static_cast<std::size_t>(reps), static_cast<std::uint64_t>(seed));
  return Rcpp::List::create(
      Rcpp::Named("statistic") = Rcpp::NumericVector::create(r.observed[0], r.observed[1],
                                                             r.observed[2]),
      Rcpp::Named("p") = Rcpp::NumericVector::create(r.p[0], r.p[1], r.p[2]));
}

// The permuted labels of replicates 0..reps-1 (one column each), for tests.
// [[Rcpp::export(rng = false)]]
Rcpp::IntegerMatrix rmst_perm_labels_cpp(Rcpp::IntegerVector group, double reps, double seed) {
  const std::size_t n = static_cast<std::size_t>(group.size());
  const std::size_t nr = static_cast<std::size_t>(reps);
  Rcpp::IntegerMatrix out(static_cast<int>(n), static_cast<int>(nr));
  for (std::size_t b = 0; b < nr; ++b) {
    smallsurv::rmst_permuted_labels(group.begin(), n, static_cast<std::uint64_t>(seed), b,
                                    &out[b * n]);
  }
  return out;
}
