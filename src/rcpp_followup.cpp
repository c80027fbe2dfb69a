// rcpp_followup.cpp -- glue only: the reverse Kaplan-Meier fit for followup().
#include <Rcpp.h>

#include "rcpp_common.h"

#include <string>

#include "core/event_table.h"
#include "core/followup.h"

// Reverse Kaplan-Meier on canonical input (validated in R; `status` is the
// ORIGINAL 0/1 status).  Returns survfit's per-row components of the
// reversed fit: n.event are the censorings and n.censor the events.
// [[Rcpp::export(rng = false)]]
Rcpp::List reverse_km_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status,
                          Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata, bool timefix,
                          std::string ties) {
  smallsurv::ReverseTies rt;
  if (ties == "prodlim") rt = smallsurv::ReverseTies::prodlim;
  else if (ties == "survfit") rt = smallsurv::ReverseTies::survfit;
  else Rcpp::stop("unknown ties convention '%s'", ties);
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, 1, R_NilValue, R_NilValue, strata, nstrata,
                                  timefix);
  const smallsurv::EventTable tab = smallsurv::build_event_table(h.in, false);
  const R_xlen_t nrow = static_cast<R_xlen_t>(tab.nrow());
  Rcpp::NumericVector surv(nrow), std_err(nrow), cumhaz(nrow), std_chaz(nrow);
  smallsurv::reverse_kaplan_meier(
      tab, rt,
      smallsurv::ReverseKmOutput{surv.begin(), std_err.begin(), cumhaz.begin(), std_chaz.begin()});
  Rcpp::IntegerVector rows(tab.nstrata), nobs(tab.nstrata);
  for (int s = 0; s < tab.nstrata; ++s) {
    rows[s] = static_cast<int>(tab.offset[s + 1] - tab.offset[s]);
    nobs[s] = static_cast<int>(tab.n_obs[s]);
  }
  using smallsurv_glue::as_r;
  return Rcpp::List::create(
      Rcpp::Named("time") = as_r(tab.time), Rcpp::Named("n.risk") = as_r(tab.n_risk),
      Rcpp::Named("n.event") = as_r(tab.n_censor), Rcpp::Named("n.censor") = as_r(tab.n_event),
      Rcpp::Named("surv") = surv, Rcpp::Named("std.err") = std_err,
      Rcpp::Named("cumhaz") = cumhaz, Rcpp::Named("std.chaz") = std_chaz,
      Rcpp::Named("logse") = true, Rcpp::Named("rows") = rows, Rcpp::Named("n") = nobs);
}
