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

// Aalen-Johansen fit on canonical input (validated in R), returned with
// survfit's multi-state components already in their final shapes (R's
// new_cif() only adds the small ones): status integer 0 = censored,
// 1..ncause; strata, cluster: 1-based codes or NULL; states: "(s0)" and the
// causes; current: survival >= 3.6's layout (column names, per-state
// censorings, n.transition, std.chaz/std.auc, weighted counts with the
// unweighted ones in `counts`); sep: its transition separator.
// [[Rcpp::export(rng = false)]]
Rcpp::List cif_fit_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status, int ncause,
                       Rcpp::Nullable<Rcpp::NumericVector> entry,
                       Rcpp::Nullable<Rcpp::NumericVector> weights,
                       Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata,
                       Rcpp::Nullable<Rcpp::IntegerVector> cluster, int ncluster, bool timefix,
                       std::string variance, Rcpp::CharacterVector states, bool current,
                       std::string sep) {
  smallsurv::AjVariance var;
  if (variance == "delta") var = smallsurv::AjVariance::delta;
  else if (variance == "gray") var = smallsurv::AjVariance::gray;
  else if (variance == "aalen") var = smallsurv::AjVariance::aalen;
  else if (variance == "ij") var = smallsurv::AjVariance::ij;
  else Rcpp::stop("unknown variance '%s'", variance);
  if (states.size() != ncause + 1) Rcpp::stop("`states` must have ncause + 1 names");
  smallsurv_glue::SurvInputHolder h;
  smallsurv_glue::fill_surv_input(h, stop, status, ncause, entry, weights, strata, nstrata,
                                  timefix);
  smallsurv::SurvInput& in = h.in;
  std::vector<int> cl;
  if (cluster.isNotNull()) cl = smallsurv_glue::zero_based(Rcpp::IntegerVector(cluster));
  const bool ij = var == smallsurv::AjVariance::ij, auc = current;
  const smallsurv::EventTable tab = smallsurv::build_event_table(in, ij || auc);
  const smallsurv::AjResult aj = smallsurv::aalen_johansen(
      tab, var, in.weight, cl.empty() ? nullptr : cl.data(), ncluster, auc);

  const std::size_t nrow = tab.nrow();
  const int nr = static_cast<int>(nrow), ns = ncause + 1;
  // survfit < 3.6 reports the counts of a weighted multi-state fit
  // unweighted; survfit >= 3.6 reports them weighted, with the unweighted
  // ones in `counts` (when some weight is not 1)
  smallsurv::EventTable uw_tab;
  if (in.weight) {
    smallsurv::SurvInput uw = in;
    uw.weight = nullptr;
    uw_tab = smallsurv::build_event_table(uw, false);
  }
  const smallsurv::EventTable& unweighted = in.weight ? uw_tab : tab;
  const smallsurv::EventTable& shown = (in.weight && current) ? tab : unweighted;
  auto events = [&](const smallsurv::EventTable& t, std::size_t r, int k) {
    return ncause > 1 ? t.n_event_cause[r * ncause + k] : t.n_event[r];
  };
  // transitions to the causes that occur (survfit's cumhaz columns): causes
  // with at least one observation, whatever its weight
  std::vector<int> seen;
  {
    std::vector<char> any(static_cast<std::size_t>(ncause), 0);
    for (R_xlen_t i = 0; i < status.size(); ++i)
      if (status[i] > 0 && status[i] <= ncause) any[static_cast<std::size_t>(status[i] - 1)] = 1;
    for (int k = 0; k < ncause; ++k)
      if (any[static_cast<std::size_t>(k)]) seen.push_back(k);
  }
  const int nseen = static_cast<int>(seen.size());
  Rcpp::CharacterVector tr_names(nseen);
  for (int q = 0; q < nseen; ++q) tr_names[q] = "1" + sep + std::to_string(seen[q] + 2);
  // (no column names at all where no cause occurs, as R's colnames(x) <- NULL)
  auto transitions_named = [&](Rcpp::NumericMatrix m) {
    if (nseen > 0) m.attr("dimnames") = Rcpp::List::create(R_NilValue, tr_names);
    return m;
  };
  auto named = [&](Rcpp::NumericMatrix m, SEXP cols) {
    if (current) m.attr("dimnames") = Rcpp::List::create(R_NilValue, cols);
    return m;
  };
  auto state_matrix = [&](const std::vector<double>& v) { return as_matrix(v, nrow, ns); };
  auto seen_matrix = [&](const std::vector<double>& v) {  // nrow x ncause -> seen columns
    Rcpp::NumericMatrix m(nr, nseen);
    for (int q = 0; q < nseen; ++q)
      std::copy(v.begin() + static_cast<std::ptrdiff_t>(seen[q]) * nr,
                v.begin() + static_cast<std::ptrdiff_t>(seen[q] + 1) * nr, m.column(q).begin());
    return m;
  };
  Rcpp::NumericMatrix n_risk(nr, ns), n_event(nr, ns);
  for (std::size_t r = 0; r < nrow; ++r) {
    n_risk(r, 0) = shown.n_risk[r];
    for (int k = 0; k < ncause; ++k) n_event(r, k + 1) = events(shown, r, k);
  }
  Rcpp::NumericMatrix pstate = state_matrix(aj.pstate), std_err = state_matrix(aj.std_err);
  // a variance that could not be computed is NA (R warns, naming the time
  // of the first, column by column)
  int n_nan = 0;
  double first_nan = NA_REAL;
  for (R_xlen_t i = 0; i < std_err.size(); ++i) {
    if (!std::isnan(std_err[i])) continue;
    if (n_nan++ == 0) first_nan = tab.time[static_cast<std::size_t>(i % nr)];
    std_err[i] = NA_REAL;
  }
  Rcpp::IntegerVector rows(tab.nstrata), nobs(tab.nstrata);
  for (int s = 0; s < tab.nstrata; ++s) {
    rows[s] = static_cast<int>(tab.offset[s + 1] - tab.offset[s]);
    nobs[s] = static_cast<int>(tab.n_obs[s]);
  }
  Rcpp::List out = Rcpp::List::create(
      Rcpp::Named("time") = smallsurv_glue::as_r(tab.time),
      Rcpp::Named("n.risk") = named(n_risk, states),
      Rcpp::Named("n.event") = named(n_event, states),
      Rcpp::Named("pstate") = named(pstate, states),
      Rcpp::Named("std.err") = std_err,  // (survfit's has no column names)
      Rcpp::Named("cumhaz") = transitions_named(seen_matrix(aj.cumhaz)),
      Rcpp::Named("rows") = rows, Rcpp::Named("n") = nobs, Rcpp::Named("nan") = n_nan,
      Rcpp::Named("nan_time") = first_nan);
  if (!current) {
    out["n.censor"] = smallsurv_glue::as_r(shown.n_censor);
    return out;
  }
  Rcpp::NumericMatrix n_censor(nr, ns);
  for (std::size_t r = 0; r < nrow; ++r) n_censor(r, 0) = shown.n_censor[r];
  out["n.censor"] = named(n_censor, states);
  Rcpp::NumericMatrix n_tr(nr, nseen);
  for (int q = 0; q < nseen; ++q)
    for (std::size_t r = 0; r < nrow; ++r) n_tr(r, q) = events(shown, r, seen[q]);
  // (with no cause observed survfit's n.transition keeps empty dimnames)
  if (nseen == 0) n_tr.attr("dimnames") = Rcpp::List::create(R_NilValue, R_NilValue);
  out["n.transition"] = transitions_named(n_tr);
  out["std.chaz"] = seen_matrix(aj.std_chaz);  // (survfit's has no column names)
  out["std.auc"] = state_matrix(aj.std_auc);
  // (R's all.equal(w, 1): a mean absolute difference below 1.5e-8)
  double dev = 0.0;
  if (in.weight)
    for (R_xlen_t i = 0; i < stop.size(); ++i) dev += std::fabs(in.weight[i] - 1.0);
  if (in.weight && !(dev / static_cast<double>(stop.size()) < 1.5e-8)) {
    // survfit's unweighted `counts`: nrisk:1..ns, nevent:<transitions>, ncensor:1..ns
    Rcpp::NumericMatrix cnt(nr, 2 * ns + nseen);
    Rcpp::CharacterVector cn(2 * ns + nseen);
    for (int k = 0; k < ns; ++k) {
      cn[k] = "nrisk:" + std::to_string(k + 1);
      cn[ns + nseen + k] = "ncensor:" + std::to_string(k + 1);
    }
    for (int q = 0; q < nseen; ++q)
      cn[ns + q] = "nevent:" + Rcpp::as<std::string>(tr_names[q]);
    for (std::size_t r = 0; r < nrow; ++r) {
      cnt(r, 0) = unweighted.n_risk[r];
      for (int q = 0; q < nseen; ++q) cnt(r, ns + q) = events(unweighted, r, seen[q]);
      cnt(r, ns + nseen) = unweighted.n_censor[r];
    }
    cnt.attr("dimnames") = Rcpp::List::create(R_NilValue, cn);
    out["counts"] = cnt;
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
