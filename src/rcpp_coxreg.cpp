// rcpp_coxreg.cpp -- glue only: convert R vectors, call the core
// (core/coxreg.h), convert back.  No Eigen here: the core keeps it.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <vector>

#include "core/coxreg.h"

// One (penalised) proportional-hazards fit with, on request, profile
// likelihood limits for the coefficients `profile` (1-based) at the
// chi-square quantile `q`, and the residuals at the estimate.  Input
// validated in R (cox(), fine_gray()); `strata` 1-based codes.
// [[Rcpp::export(rng = false)]]
Rcpp::List coxreg_fit_cpp(Rcpp::NumericVector stop, Rcpp::Nullable<Rcpp::NumericVector> entry,
                          Rcpp::IntegerVector status, Rcpp::Nullable<Rcpp::IntegerVector> strata,
                          int nstrata, Rcpp::NumericMatrix x,
                          Rcpp::Nullable<Rcpp::NumericVector> weights,
                          Rcpp::Nullable<Rcpp::NumericVector> offset, bool efron,
                          bool fine_gray, bool timefix, Rcpp::NumericVector init,
                          Rcpp::List control, Rcpp::IntegerVector profile, double q,
                          bool residuals) {
  const std::size_t n = static_cast<std::size_t>(stop.size());
  if (static_cast<std::size_t>(x.nrow()) != n || static_cast<std::size_t>(status.size()) != n)
    Rcpp::stop("stop, status and x differ in length");
  // the survival columns converted as for every other verb
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, fine_gray ? 2 : 1, entry, weights, strata,
                                  nstrata, timefix);
  smallsurv::CoxInput in;
  in.n = n;
  in.p = static_cast<std::size_t>(x.ncol());
  in.stop = h.in.stop;
  in.status = h.in.status;
  in.entry = h.in.entry;
  in.weight = h.in.weight;
  in.strata = h.in.strata;
  in.nstrata = h.in.strata ? h.in.nstrata : 1;
  in.x = x.begin();
  in.timefix = timefix;
  in.fine_gray = fine_gray;
  in.ties = efron ? smallsurv::CoxTies::efron : smallsurv::CoxTies::breslow;
  Rcpp::NumericVector off;
  if (offset.isNotNull()) {
    off = Rcpp::NumericVector(offset);
    in.offset = off.begin();
  }
  smallsurv::CoxControl ctl;
  ctl.firth = Rcpp::as<bool>(control["firth"]);
  ctl.eps = Rcpp::as<double>(control["eps"]);
  ctl.iter_max = Rcpp::as<int>(control["iter.max"]);
  ctl.firth_tol = Rcpp::as<double>(control["firth.tol"]);
  ctl.firth_iter_max = Rcpp::as<int>(control["firth.iter.max"]);
  ctl.max_step = Rcpp::as<double>(control["max.step"]);
  ctl.profile_limit = Rcpp::as<double>(control["profile.limit"]);
  ctl.profile_tol = Rcpp::as<double>(control["profile.tol"]);

  const smallsurv::CoxModel model(in);
  const std::vector<double> b0(init.begin(), init.end());
  const smallsurv::CoxFitResult f = model.fit(b0, ctl, smallsurv_glue::poll_interrupt);
  const int p = x.ncol();
  Rcpp::NumericMatrix var(p, p), info(p, p);
  std::copy(f.var.begin(), f.var.end(), var.begin());
  std::copy(f.info.begin(), f.info.end(), info.begin());
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("coef") = Rcpp::NumericVector(f.coef.begin(), f.coef.end()),
      Rcpp::Named("var") = var, Rcpp::Named("info") = info,
      Rcpp::Named("score") = Rcpp::NumericVector(f.score.begin(), f.score.end()),
      Rcpp::Named("loglik") = Rcpp::NumericVector::create(f.loglik_init, f.loglik),
      Rcpp::Named("penalty") = Rcpp::NumericVector::create(f.penalty_init, f.penalty),
      Rcpp::Named("score_test") = f.score_test, Rcpp::Named("iter") = f.iter,
      Rcpp::Named("halvings") = f.halvings, Rcpp::Named("converged") = f.converged,
      Rcpp::Named("max_step") = f.max_abs_step, Rcpp::Named("max_score") = f.max_abs_score,
      Rcpp::Named("infinite") = Rcpp::LogicalVector(f.infinite.begin(), f.infinite.end()),
      Rcpp::Named("nevent") = model.n_event());
  if (profile.size() > 0) {
    std::vector<int> which;
    for (int j : profile) which.push_back(j - 1);
    const smallsurv::CoxProfile pr = model.profile(f, which, q, ctl, smallsurv_glue::poll_interrupt);
    out["profile"] = Rcpp::List::create(
        Rcpp::Named("lower") = Rcpp::NumericVector(pr.lower.begin(), pr.lower.end()),
        Rcpp::Named("upper") = Rcpp::NumericVector(pr.upper.begin(), pr.upper.end()),
        Rcpp::Named("lr_zero") = Rcpp::NumericVector(pr.lr_zero.begin(), pr.lr_zero.end()),
        Rcpp::Named("lower_open") = Rcpp::LogicalVector(pr.lower_open.begin(), pr.lower_open.end()),
        Rcpp::Named("upper_open") = Rcpp::LogicalVector(pr.upper_open.begin(), pr.upper_open.end()));
  }
  if (residuals) {
    const smallsurv::CoxResiduals r = model.residuals(f.coef);
    Rcpp::NumericMatrix sc(static_cast<int>(n), p);
    std::copy(r.score.begin(), r.score.end(), sc.begin());
    out["lp"] = Rcpp::NumericVector(r.lp.begin(), r.lp.end());
    out["martingale"] = Rcpp::NumericVector(r.martingale.begin(), r.martingale.end());
    out["score_resid"] = sc;
    if (!r.psi.empty()) {
      Rcpp::NumericMatrix psi(static_cast<int>(n), p);
      std::copy(r.psi.begin(), r.psi.end(), psi.begin());
      out["psi"] = psi;
    }
    out["hazard"] = Rcpp::List::create(
        Rcpp::Named("time") = Rcpp::NumericVector(r.haz_time.begin(), r.haz_time.end()),
        Rcpp::Named("hazard") = Rcpp::NumericVector(r.haz.begin(), r.haz.end()),
        Rcpp::Named("strata") = Rcpp::IntegerVector(r.haz_strata.begin(), r.haz_strata.end()));
  }
  return out;
}
