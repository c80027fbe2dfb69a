// rcpp_multistate.cpp -- glue only: the multi-state Aalen-Johansen fit.
// C++ exceptions are turned into R errors by Rcpp's generated wrappers.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <string>
#include <vector>

#include "core/event_table.h"  // timefix_unsorted
#include "core/multistate.h"

namespace {

Rcpp::NumericMatrix ms_matrix(const std::vector<double>& v, std::size_t nrow, int ncol) {
  Rcpp::NumericMatrix m(static_cast<int>(nrow), ncol);
  if (!v.empty()) std::copy(v.begin(), v.end(), m.begin());
  return m;
}

}  // namespace

// Multi-state fit on canonical input (validated in R).  from, to: 0-based
// state codes (to = -1: no transition); strata, cluster: 1-based codes or
// NULL; grid, censor: 0/1 per row; p0: nstrata x nstate matrix; u0: n x
// nstate matrix or NULL; trans: ntrans x 2 matrix of 0-based (from, to).
// [[Rcpp::export(rng = false)]]
Rcpp::List multistate_fit_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector from,
                              Rcpp::IntegerVector to, int nstate,
                              Rcpp::Nullable<Rcpp::NumericVector> entry,
                              Rcpp::Nullable<Rcpp::NumericVector> weights,
                              Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata,
                              Rcpp::Nullable<Rcpp::IntegerVector> cluster, int ncluster,
                              Rcpp::IntegerVector grid, Rcpp::IntegerVector censor,
                              Rcpp::NumericMatrix p0, Rcpp::Nullable<Rcpp::NumericMatrix> u0,
                              Rcpp::NumericVector t0, Rcpp::IntegerMatrix trans,
                              bool timefix, std::string variance) {
  const std::size_t n = stop.size();
  if (static_cast<std::size_t>(from.size()) != n || static_cast<std::size_t>(to.size()) != n ||
      static_cast<std::size_t>(grid.size()) != n || static_cast<std::size_t>(censor.size()) != n) {
    Rcpp::stop("multistate_fit_cpp: argument lengths differ");
  }
  if (p0.nrow() != nstrata || p0.ncol() != nstate || t0.size() != nstrata) {
    Rcpp::stop("multistate_fit_cpp: p0 or t0 has the wrong shape");
  }
  smallsurv::MsVariance var;
  if (variance == "ij") var = smallsurv::MsVariance::ij;
  else if (variance == "greenwood") var = smallsurv::MsVariance::greenwood;
  else if (variance == "none") var = smallsurv::MsVariance::none;
  else if (variance == "ij-direct") var = smallsurv::MsVariance::ij_direct;
  else if (variance == "aalen") var = smallsurv::MsVariance::aalen;
  else if (variance == "ij-lazy") var = smallsurv::MsVariance::ij_lazy;
  else Rcpp::stop("unknown variance '%s'", variance);
  smallsurv::MsInput in;
  in.n = n;
  in.stop = stop.begin();
  Rcpp::NumericVector e, w;
  if (entry.isNotNull()) {
    e = Rcpp::NumericVector(entry);
    in.entry = e.begin();
  }
  if (weights.isNotNull()) {
    w = Rcpp::NumericVector(weights);
    in.weight = w.begin();
  }
  in.from = from.begin();
  in.to = to.begin();
  std::vector<int> st, cl;
  if (strata.isNotNull()) {
    st = smallsurv_glue::zero_based(Rcpp::IntegerVector(strata));
    in.strata = st.data();
  }
  in.nstrata = nstrata;
  if (cluster.isNotNull()) {
    cl = smallsurv_glue::zero_based(Rcpp::IntegerVector(cluster));
    in.cluster = cl.data();
    in.ncluster = ncluster;
  }
  in.grid = grid.begin();
  in.censor = censor.begin();
  in.nstate = nstate;
  std::vector<double> p0r(static_cast<std::size_t>(nstrata) * nstate);
  for (int s = 0; s < nstrata; ++s)
    for (int k = 0; k < nstate; ++k) p0r[s * nstate + k] = p0(s, k);
  in.p0 = p0r.data();
  std::vector<double> u0r;
  if (u0.isNotNull()) {
    Rcpp::NumericMatrix u(u0);
    if (static_cast<std::size_t>(u.nrow()) != n || u.ncol() != nstate) {
      Rcpp::stop("multistate_fit_cpp: u0 has the wrong shape");
    }
    u0r.resize(n * nstate);
    for (std::size_t i = 0; i < n; ++i)
      for (int k = 0; k < nstate; ++k) u0r[i * nstate + k] = u(i, k);
    in.u0 = u0r.data();
  }
  in.t0 = t0.begin();
  std::vector<int> tf(trans.nrow()), tt(trans.nrow());
  for (int h = 0; h < trans.nrow(); ++h) {
    tf[h] = trans(h, 0);
    tt[h] = trans(h, 1);
  }
  in.ntrans = trans.nrow();
  in.trans_from = tf.data();
  in.trans_to = tt.data();
  in.timefix = timefix;
  const smallsurv::MsResult r =
      smallsurv::multistate_fit(in, var, smallsurv_glue::poll_interrupt);
  const std::size_t nrow = r.time.size();
  const int H = r.ntrans;
  Rcpp::IntegerVector rows(nstrata), nobs(nstrata);
  for (int s = 0; s < nstrata; ++s) {
    rows[s] = static_cast<int>(r.offset[s + 1] - r.offset[s]);
    nobs[s] = static_cast<int>(r.n_obs[s]);
  }
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("time") = Rcpp::wrap(r.time), Rcpp::Named("rows") = rows,
      Rcpp::Named("n") = nobs,
      Rcpp::Named("n.risk") = ms_matrix(r.n_risk, nrow, nstate),
      Rcpp::Named("n.risk.u") = ms_matrix(r.n_risk_u, nrow, nstate),
      Rcpp::Named("n.event") = ms_matrix(r.n_event, nrow, nstate),
      Rcpp::Named("n.event.u") = ms_matrix(r.n_event_u, nrow, nstate),
      Rcpp::Named("n.censor") = ms_matrix(r.n_censor, nrow, nstate),
      Rcpp::Named("n.censor.u") = ms_matrix(r.n_censor_u, nrow, nstate),
      Rcpp::Named("n.transition") = ms_matrix(r.n_trans, nrow, H),
      Rcpp::Named("n.transition.u") = ms_matrix(r.n_trans_u, nrow, H),
      Rcpp::Named("pstate") = ms_matrix(r.pstate, nrow, nstate),
      Rcpp::Named("cumhaz") = ms_matrix(r.cumhaz, nrow, H));
  if (var != smallsurv::MsVariance::none) {
    out["std.err"] = ms_matrix(r.std_err, nrow, nstate);
  }
  if (var == smallsurv::MsVariance::ij || var == smallsurv::MsVariance::ij_direct ||
      var == smallsurv::MsVariance::ij_lazy) {
    out["std.chaz"] = ms_matrix(r.std_chaz, nrow, H);
    out["std.auc"] = ms_matrix(r.std_auc, nrow, nstate);
  }
  return out;
}

// survival::aeqSurv()'s near-tie rule (the core's) on a vector of times,
// for the R-side checks that must see the merged times.
// [[Rcpp::export(rng = false)]]
Rcpp::NumericVector timefix_cpp(Rcpp::NumericVector x) {
  std::vector<double> v(x.begin(), x.end());
  smallsurv::timefix_unsorted(v.data(), v.size());
  return Rcpp::NumericVector(v.begin(), v.end());
}
