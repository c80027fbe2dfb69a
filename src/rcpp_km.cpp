// rcpp_km.cpp -- glue only: convert R vectors, call the core, convert back.
// C++ exceptions are turned into R errors by Rcpp's generated wrappers.
#include <Rcpp.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/ci_transform.h"
#include "core/event_table.h"
#include "core/km.h"

namespace {

// status (double 0/1 as in Surv) to the core's int codes
std::vector<int> as_status(const Rcpp::NumericVector& status) {
  std::vector<int> out(status.size());
  for (R_xlen_t i = 0; i < status.size(); ++i) out[i] = static_cast<int>(status[i]);
  return out;
}

// 1-based factor codes to 0-based
std::vector<int> as_codes(const Rcpp::IntegerVector& strata) {
  std::vector<int> out(strata.size());
  for (R_xlen_t i = 0; i < strata.size(); ++i) out[i] = strata[i] - 1;
  return out;
}

}  // namespace

// Kaplan-Meier fit on canonical input (validated in R).  Returns survfit's
// per-row components plus the row and observation counts per stratum.
// [[Rcpp::export(rng = false)]]
Rcpp::List km_fit_cpp(Rcpp::NumericVector stop, Rcpp::NumericVector status,
                      Rcpp::Nullable<Rcpp::NumericVector> entry,
                      Rcpp::Nullable<Rcpp::NumericVector> weights,
                      Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata, bool timefix,
                      bool robust) {
  const std::vector<int> st = as_status(status);
  smallsurv::SurvInput in;
  in.n = stop.size();
  in.stop = stop.begin();
  in.status = st.data();
  Rcpp::NumericVector en, wt;
  if (entry.isNotNull()) {
    en = Rcpp::NumericVector(entry);
    in.entry = en.begin();
  }
  if (weights.isNotNull()) {
    wt = Rcpp::NumericVector(weights);
    in.weight = wt.begin();
  }
  std::vector<int> codes;
  if (strata.isNotNull()) {
    codes = as_codes(Rcpp::IntegerVector(strata));
    in.strata = codes.data();
    in.nstrata = nstrata;
  }
  in.timefix = timefix;
  const smallsurv::EventTable tab = smallsurv::build_event_table(in, robust);
  const smallsurv::KmResult km = smallsurv::kaplan_meier(tab, robust, in.weight);

  Rcpp::IntegerVector rows(tab.nstrata), nobs(tab.nstrata);
  for (int s = 0; s < tab.nstrata; ++s) {
    rows[s] = static_cast<int>(tab.offset[s + 1] - tab.offset[s]);
    nobs[s] = static_cast<int>(tab.n_obs[s]);
  }
  return Rcpp::List::create(
      Rcpp::Named("time") = Rcpp::wrap(tab.time), Rcpp::Named("n.risk") = Rcpp::wrap(tab.n_risk),
      Rcpp::Named("n.event") = Rcpp::wrap(tab.n_event),
      Rcpp::Named("n.censor") = Rcpp::wrap(tab.n_censor),
      Rcpp::Named("surv") = Rcpp::wrap(km.surv), Rcpp::Named("std.err") = Rcpp::wrap(km.std_err),
      Rcpp::Named("cumhaz") = Rcpp::wrap(km.cumhaz),
      Rcpp::Named("std.chaz") = Rcpp::wrap(km.std_chaz), Rcpp::Named("logse") = km.logse,
      Rcpp::Named("rows") = rows, Rcpp::Named("n") = nobs);
}

// Transformed Greenwood-type intervals (survival's survfit_confint rules).
// `nan_to_na`: report undefined limits as NA (survival does, except for
// "plain", where its arithmetic yields NaN).
// [[Rcpp::export(rng = false)]]
Rcpp::List ci_transform_cpp(std::string type, Rcpp::NumericVector p, Rcpp::NumericVector se,
                            Rcpp::Nullable<Rcpp::NumericVector> se_low, bool logse, double z,
                            bool nan_to_na) {
  using smallsurv::Transform;
  Transform t;
  if (type == "plain") t = Transform::plain;
  else if (type == "log") t = Transform::log;
  else if (type == "log-log") t = Transform::loglog;
  else if (type == "logit") t = Transform::logit;
  else if (type == "arcsin") t = Transform::arcsin;
  else if (type == "cloglog") t = Transform::cloglog;
  else Rcpp::stop("unknown transform '%s'", type);
  if (se.size() != p.size()) Rcpp::stop("p and se differ in length");
  Rcpp::NumericVector lo(p.size()), up(p.size()), sl;
  const double* slp = nullptr;
  if (se_low.isNotNull()) {
    sl = Rcpp::NumericVector(se_low);
    if (sl.size() != p.size()) Rcpp::stop("p and se_low differ in length");
    slp = sl.begin();
  }
  smallsurv::ci_transform(t, p.begin(), se.begin(), slp, p.size(), logse, z, lo.begin(),
                          up.begin());
  if (nan_to_na) {
    for (R_xlen_t i = 0; i < lo.size(); ++i) {
      if (std::isnan(lo[i])) lo[i] = NA_REAL;
      if (std::isnan(up[i])) up[i] = NA_REAL;
    }
  }
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}
