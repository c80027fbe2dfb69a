// rcpp_km.cpp -- glue only: convert R vectors, call the core, convert back.
// C++ exceptions are turned into R errors by Rcpp's generated wrappers.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/ci_transform.h"
#include "core/event_table.h"
#include "core/km.h"

// Kaplan-Meier fit on canonical input (validated in R).  Returns survfit's
// per-row components plus the row and observation counts per stratum.
// [[Rcpp::export(rng = false)]]
Rcpp::List km_fit_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status,
                      Rcpp::Nullable<Rcpp::NumericVector> entry,
                      Rcpp::Nullable<Rcpp::NumericVector> weights,
                      Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata, bool timefix,
                      bool robust) {
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, 1, entry, weights, strata, nstrata, timefix);
  const smallsurv::SurvInput& in = h.in;
  // the four per-row columns are written straight into R vectors
  std::vector<Rcpp::NumericVector> cols;
  cols.reserve(4);
  const smallsurv::ColumnAllocator alloc = [&cols](std::size_t nrow) {
    cols.emplace_back(static_cast<R_xlen_t>(nrow));
    return cols.back().begin();
  };
  const smallsurv::EventTable tab = smallsurv::build_event_table(in, robust, &alloc);
  const R_xlen_t nrow = static_cast<R_xlen_t>(tab.nrow());
  Rcpp::NumericVector surv(nrow), cumhaz(nrow), std_err(nrow), std_chaz(nrow);
  const bool logse = smallsurv::kaplan_meier(
      tab, robust, in.weight,
      smallsurv::KmOutput{surv.begin(), cumhaz.begin(), std_err.begin(), std_chaz.begin()});

  Rcpp::IntegerVector rows(tab.nstrata), nobs(tab.nstrata);
  for (int s = 0; s < tab.nstrata; ++s) {
    rows[s] = static_cast<int>(tab.offset[s + 1] - tab.offset[s]);
    nobs[s] = static_cast<int>(tab.n_obs[s]);
  }
  return Rcpp::List::create(
      Rcpp::Named("time") = cols[0], Rcpp::Named("n.risk") = cols[1],
      Rcpp::Named("n.event") = cols[2], Rcpp::Named("n.censor") = cols[3],
      Rcpp::Named("surv") = surv, Rcpp::Named("std.err") = std_err,
      Rcpp::Named("cumhaz") = cumhaz, Rcpp::Named("std.chaz") = std_chaz,
      Rcpp::Named("logse") = logse,
      Rcpp::Named("rows") = rows, Rcpp::Named("n") = nobs);
}

// Transformed Greenwood-type intervals (survival's survfit_confint rules).
// Limits survival sets to NA by rule are NA here too; NaN from its
// arithmetic stays NaN (see core/ci_transform.h) unless `nan_to_na` (the
// multi-state convention: every undefined limit is NA). `zero_se_point`:
// survival >= 3.6's limits (p, p) where se = 0 (log, log-log, logit), and
// NA where se is NaN (its ifelse(se == 0, ...) test is NA there).
// [[Rcpp::export(rng = false)]]
Rcpp::List ci_transform_cpp(std::string type, Rcpp::NumericVector p, Rcpp::NumericVector se,
                            Rcpp::Nullable<Rcpp::NumericVector> se_low, bool logse, double z,
                            bool nan_to_na = false, bool zero_se_point = false) {
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
  const bool point_at_zero = zero_se_point && smallsurv::zero_se_rule(t);
  smallsurv::ci_transform(t, p.begin(), se.begin(), slp, p.size(), logse, z, lo.begin(),
                          up.begin(),
                          point_at_zero ? smallsurv::ZeroSe::estimate
                                        : smallsurv::ZeroSe::arithmetic);
  for (R_xlen_t i = 0; i < lo.size(); ++i) {
    if (point_at_zero) {
      if (se[i] == 0.0) continue;  // (p, p), whatever p is
      if (std::isnan(se[i])) {
        lo[i] = up[i] = NA_REAL;
        continue;
      }
    }
    if (smallsurv::ci_undefined(t, p[i]) || (nan_to_na && std::isnan(lo[i]))) lo[i] = NA_REAL;
    if (smallsurv::ci_undefined(t, p[i]) || (nan_to_na && std::isnan(up[i]))) up[i] = NA_REAL;
  }
  if (p.hasAttribute("dim")) {  // matrices of state probabilities keep their shape
    lo.attr("dim") = p.attr("dim");
    up.attr("dim") = p.attr("dim");
    if (p.hasAttribute("dimnames")) {
      lo.attr("dimnames") = p.attr("dimnames");
      up.attr("dimnames") = p.attr("dimnames");
    }
  }
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// A 0/1 status (or survival's 1/2 coding: every value 1 or 2, some 2) as
// integer codes in one pass; `bad` lists the 1-based positions of values
// that are neither (then `codes` is NULL).
// [[Rcpp::export(rng = false)]]
Rcpp::List status01_cpp(Rcpp::NumericVector s) {
  const R_xlen_t n = s.size();
  bool all01 = true, all12 = true, any2 = false;
  for (R_xlen_t i = 0; i < n; ++i) {
    const double v = s[i];
    if (v != 0.0 && v != 1.0) all01 = false;
    if (v != 1.0 && v != 2.0) all12 = false;
    if (v == 2.0) any2 = true;
  }
  if (all01 || (all12 && any2)) {
    const double shift = all01 ? 0.0 : 1.0;
    Rcpp::IntegerVector codes(n);
    for (R_xlen_t i = 0; i < n; ++i) codes[i] = static_cast<int>(s[i] - shift);
    return Rcpp::List::create(Rcpp::Named("codes") = codes,
                              Rcpp::Named("bad") = Rcpp::IntegerVector(0));
  }
  std::vector<int> bad;
  for (R_xlen_t i = 0; i < n; ++i)
    if (s[i] != 0.0 && s[i] != 1.0) bad.push_back(static_cast<int>(i + 1));
  return Rcpp::List::create(Rcpp::Named("codes") = R_NilValue, Rcpp::Named("bad") = Rcpp::wrap(bad));
}
