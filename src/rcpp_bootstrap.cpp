// rcpp_bootstrap.cpp -- glue only: percentile bootstrap intervals and the
// resampling draws (for tests).  C++ exceptions become R errors in Rcpp's
// generated wrappers.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cstdint>
#include <vector>

#include "core/bootstrap.h"
#include "core/event_table.h"

// Percentile bootstrap limits at every row of the fit of the canonical input
// (validated in R).  status 0..ncause; strata, unit: 1-based codes or NULL.
// all_states: FALSE gives the survival only (km), TRUE the event-free
// probability and every cumulative incidence (cif).  Returns nrow x nstate
// matrices lower and upper.  block: doubles of replicate values held at once
// (0: the core's default, 64 MiB; small values force the blocked path in tests).
// [[Rcpp::export(rng = false)]]
Rcpp::List boot_ci_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status, int ncause,
                       Rcpp::Nullable<Rcpp::NumericVector> entry,
                       Rcpp::Nullable<Rcpp::NumericVector> weights,
                       Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata,
                       Rcpp::Nullable<Rcpp::IntegerVector> unit, int nunit, bool timefix,
                       bool all_states, double reps, double seed, double prob_lo,
                       double prob_hi, double block = 0, double threads = 1) {
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, ncause, entry, weights, strata, nstrata,
                                  timefix);
  smallsurv::SurvInput& in = h.in;
  std::vector<int> un;
  if (unit.isNotNull()) un = smallsurv_glue::zero_based(Rcpp::IntegerVector(unit));
  const smallsurv::EventTable tab = smallsurv::build_event_table(in, true);
  smallsurv::BootstrapSpec spec;
  spec.reps = static_cast<std::size_t>(reps);
  spec.seed = smallsurv_glue::as_seed(seed);
  spec.threads = smallsurv_glue::as_threads(threads);
  spec.prob_lo = prob_lo;
  spec.prob_hi = prob_hi;
  spec.all_states = all_states;
  if (block > 0) spec.block_doubles = static_cast<std::size_t>(block);
  const smallsurv::BootstrapResult r = smallsurv::bootstrap_percentile(
      tab, in.weight, un.empty() ? nullptr : un.data(),
      un.empty() ? in.n : static_cast<std::size_t>(nunit), spec, smallsurv_glue::poll_interrupt);
  const int nrow = static_cast<int>(tab.nrow());
  Rcpp::NumericMatrix lo(nrow, r.nstate), up(nrow, r.nstate);
  std::copy(r.lower.begin(), r.lower.end(), lo.begin());
  std::copy(r.upper.begin(), r.upper.end(), up.begin());
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// The resampling draws: an nunit x reps matrix of 1-based unit codes, column
// b the units drawn in replicate b, stratum by stratum (see core/bootstrap.h).
// unit_stratum: 1-based stratum code of every unit.
// [[Rcpp::export(rng = false)]]
Rcpp::IntegerMatrix boot_index_cpp(Rcpp::IntegerVector unit_stratum, int nstrata, double reps,
                                   double seed) {
  const std::vector<int> us = smallsurv_glue::zero_based(unit_stratum);
  const std::size_t nunit = us.size(), nrep = static_cast<std::size_t>(reps);
  const std::vector<std::uint32_t> d = smallsurv::bootstrap_index(
      us.data(), nunit, nstrata, nrep, smallsurv_glue::as_seed(seed));
  Rcpp::IntegerMatrix out(static_cast<int>(nunit), static_cast<int>(nrep));
  for (std::size_t k = 0; k < d.size(); ++k) out[k] = static_cast<int>(d[k]) + 1;
  return out;
}

// R's quantile(type = 7) as the bootstrap computes it (for tests).
// [[Rcpp::export(rng = false)]]
double quantile7_cpp(Rcpp::NumericVector x, double p) {
  std::vector<double> v(x.begin(), x.end());
  return smallsurv::quantile_type7(v.data(), v.size(), p);
}
