// rcpp_cif.cpp -- glue only: Aalen-Johansen fit and Gray's test.
// C++ exceptions are turned into R errors by Rcpp's generated wrappers.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/aalen_johansen.h"
#include "core/event_table.h"
#include "core/gray.h"

namespace {

Rcpp::NumericMatrix as_matrix(const std::vector<double>& v, std::size_t nrow, int ncol) {
  Rcpp::NumericMatrix m(static_cast<int>(nrow), ncol);
  std::copy(v.begin(), v.end(), m.begin());
  return m;
}

}  // namespace

// Aalen-Johansen fit on canonical input (validated in R).  status: integer
// 0 = censored, 1..ncause.  strata, cluster: 1-based codes or NULL.
// [[Rcpp::export(rng = false)]]
Rcpp::List cif_fit_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status, int ncause,
                       Rcpp::Nullable<Rcpp::NumericVector> entry,
                       Rcpp::Nullable<Rcpp::NumericVector> weights,
                       Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata,
                       Rcpp::Nullable<Rcpp::IntegerVector> cluster, int ncluster, bool timefix,
                       std::string variance, bool auc = false) {
  smallsurv::AjVariance var;
  if (variance == "delta") var = smallsurv::AjVariance::delta;
  else if (variance == "gray") var = smallsurv::AjVariance::gray;
  else if (variance == "aalen") var = smallsurv::AjVariance::aalen;
  else if (variance == "ij") var = smallsurv::AjVariance::ij;
  else Rcpp::stop("unknown variance '%s'", variance);
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, ncause, entry, weights, strata, nstrata,
                                  timefix);
  smallsurv::SurvInput& in = h.in;
  std::vector<int> cl;
  if (cluster.isNotNull()) cl = smallsurv_glue::zero_based(Rcpp::IntegerVector(cluster));
  const bool ij = var == smallsurv::AjVariance::ij;
  const smallsurv::EventTable tab = smallsurv::build_event_table(in, ij || auc);
  const smallsurv::AjResult aj = smallsurv::aalen_johansen(
      tab, var, in.weight, cl.empty() ? nullptr : cl.data(), ncluster, auc);

  const std::size_t nrow = tab.nrow();
  // survfit < 3.6 reports the counts of a weighted multi-state fit
  // unweighted; survfit >= 3.6 reports them weighted, with the unweighted
  // ones in `counts`: with weights, both are returned (weighted as *.w)
  smallsurv::EventTable counts;
  if (in.weight) {
    smallsurv::SurvInput uw = in;
    uw.weight = nullptr;
    counts = smallsurv::build_event_table(uw, false);
  }
  const smallsurv::EventTable& ct = in.weight ? counts : tab;
  auto event_matrix = [&](const smallsurv::EventTable& t) {
    Rcpp::NumericMatrix m(static_cast<int>(nrow), ncause);
    for (std::size_t r = 0; r < nrow; ++r)
      for (int k = 0; k < ncause; ++k)
        m(r, k) = ncause > 1 ? t.n_event_cause[r * ncause + k] : t.n_event[r];
    return m;
  };
  Rcpp::NumericMatrix nev = event_matrix(ct);
  Rcpp::IntegerVector rows(tab.nstrata), nobs(tab.nstrata);
  for (int s = 0; s < tab.nstrata; ++s) {
    rows[s] = static_cast<int>(tab.offset[s + 1] - tab.offset[s]);
    nobs[s] = static_cast<int>(tab.n_obs[s]);
  }
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("time") = smallsurv_glue::as_r(tab.time), Rcpp::Named("n.risk") = smallsurv_glue::as_r(ct.n_risk),
      Rcpp::Named("n.event") = nev, Rcpp::Named("n.censor") = smallsurv_glue::as_r(ct.n_censor),
      Rcpp::Named("pstate") = as_matrix(aj.pstate, nrow, aj.nstate),
      Rcpp::Named("std.err") = as_matrix(aj.std_err, nrow, aj.nstate),
      Rcpp::Named("cumhaz") = as_matrix(aj.cumhaz, nrow, ncause), Rcpp::Named("rows") = rows,
      Rcpp::Named("n") = nobs);
  if (auc) {
    out["std.auc"] = as_matrix(aj.std_auc, nrow, aj.nstate);
    out["std.chaz"] = as_matrix(aj.std_chaz, nrow, ncause);
  }
  if (in.weight) {
    out["n.risk.w"] = smallsurv_glue::as_r(tab.n_risk);
    out["n.event.w"] = event_matrix(tab);
    out["n.censor.w"] = smallsurv_glue::as_r(tab.n_censor);
  }
  return out;
}

// Gray's test scores and covariances for every cause.  status 0..ncause; group, strata: 1-based codes.
// [[Rcpp::export(rng = false)]]
Rcpp::List gray_cpp(Rcpp::NumericVector time, Rcpp::IntegerVector status, int ncause,
                    Rcpp::IntegerVector group, int ngroup,
                    Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata, double rho,
                    bool timefix, std::string permutation = "none", double reps = 0,
                    double seed = 0, double threads = 1, double budget = -1) {
  smallsurv::GrayInput in;
  in.n = time.size();
  in.time = time.begin();
  in.timefix = timefix;
  in.status = status.begin();
  in.ncause = ncause;
  const std::vector<int> g = smallsurv_glue::zero_based(group);
  in.group = g.data();
  in.ngroup = ngroup;
  std::vector<int> st;
  if (strata.isNotNull()) {
    st = smallsurv_glue::zero_based(Rcpp::IntegerVector(strata));
    in.strata = st.data();
    in.nstrata = nstrata;
  }
  const smallsurv::GrayData data = smallsurv::gray_data(in);
  const std::vector<smallsurv::GrayScore> all = smallsurv::gray_scores(in, data, rho);
  Rcpp::List scores(ncause), vars(ncause);
  std::vector<double> stat(ncause);
  for (int c = 1; c <= ncause; ++c) {
    const smallsurv::GrayScore& gs = all[c - 1];
    scores[c - 1] = Rcpp::wrap(gs.score);
    vars[c - 1] = as_matrix(gs.var, gs.score.size(), static_cast<int>(gs.score.size()));
    stat[c - 1] = smallsurv::gray_statistic(gs);
  }
  smallsurv::GrayPermResult pr;
  bool have = true;
  if (permutation == "monte-carlo") {
    pr = smallsurv::gray_permutation(in, data, rho, static_cast<std::size_t>(reps),
                                     smallsurv_glue::as_seed(seed),
                                     stat, smallsurv_glue::as_threads(threads),
                                     smallsurv_glue::poll_interrupt);
  } else if (permutation == "exact") {
    smallsurv::Watch watch(smallsurv_glue::poll_interrupt, budget);
    pr = smallsurv::gray_exact(in, data, rho, stat, watch);
  } else {
    have = false;
  }
  Rcpp::List perm;
  if (have) {
    perm = Rcpp::List::create(Rcpp::Named("p") = Rcpp::wrap(pr.p),
                              Rcpp::Named("se") = Rcpp::wrap(pr.se),
                              Rcpp::Named("valid") = Rcpp::wrap(pr.valid),
                              Rcpp::Named("undefined") = Rcpp::wrap(pr.undefined),
                              Rcpp::Named("outcomes") = pr.outcomes,
                              Rcpp::Named("complete") = pr.complete);
  }
  return Rcpp::List::create(Rcpp::Named("score") = scores, Rcpp::Named("var") = vars,
                            Rcpp::Named("statistic") = Rcpp::wrap(stat),
                            Rcpp::Named("perm") = perm);
}
