// rcpp_logrank.cpp -- glue only: convert R vectors, call the log-rank core,
// convert back.  C++ exceptions become R errors in Rcpp's generated wrappers.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cstdint>
#include <vector>

#include "core/logrank.h"

// Observed, expected, hypergeometric variance and per-observation scores.
// group and strata are 1-based factor codes; strata may be NULL.
// [[Rcpp::export(rng = false)]]
Rcpp::List logrank_counts_cpp(Rcpp::NumericVector stop, Rcpp::IntegerVector status,
                              Rcpp::Nullable<Rcpp::NumericVector> entry,
                              Rcpp::IntegerVector group, int ngroup,
                              Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata,
                              double rho, double gamma, bool timefix) {
  const std::vector<int> g = smallsurv_glue::zero_based(group);
  std::vector<int> st(status.begin(), status.end());
  smallsurv::LogrankInput in;
  in.n = stop.size();
  in.stop = stop.begin();
  in.status = st.data();
  Rcpp::NumericVector en;
  if (entry.isNotNull()) {
    en = Rcpp::NumericVector(entry);
    in.entry = en.begin();
  }
  in.group = g.data();
  in.ngroup = ngroup;
  std::vector<int> s;
  if (strata.isNotNull()) {
    s = smallsurv_glue::zero_based(Rcpp::IntegerVector(strata));
    in.strata = s.data();
    in.nstrata = nstrata;
  }
  in.rho = rho;
  in.gamma = gamma;
  in.timefix = timefix;
  const smallsurv::LogrankCounts r = smallsurv::logrank_counts(in);
  return Rcpp::List::create(
      Rcpp::Named("observed") = Rcpp::wrap(r.observed),
      Rcpp::Named("expected") = Rcpp::wrap(r.expected),
      Rcpp::Named("events") = Rcpp::wrap(r.events), Rcpp::Named("n") = Rcpp::wrap(r.n_obs),
      Rcpp::Named("variance") = Rcpp::wrap(r.variance),
      Rcpp::Named("score") = Rcpp::wrap(r.score), Rcpp::Named("nstrata") = r.nstrata);
}

namespace {

struct Problem {
  std::vector<int> g, s;
  smallsurv::PermProblem p;
};

void fill_problem(Problem& pr, const Rcpp::NumericVector& score, const Rcpp::IntegerVector& group,
                  int ngroup, const Rcpp::Nullable<Rcpp::IntegerVector>& strata, int nstrata,
                  const Rcpp::Nullable<Rcpp::NumericVector>& contrast,
                  const Rcpp::Nullable<Rcpp::NumericVector>& qinv, Rcpp::NumericVector& keep_c,
                  Rcpp::NumericVector& keep_q) {
  pr.g = smallsurv_glue::zero_based(group);
  pr.p.n = score.size();
  pr.p.score = score.begin();
  pr.p.group = pr.g.data();
  pr.p.ngroup = ngroup;
  if (strata.isNotNull()) {
    pr.s = smallsurv_glue::zero_based(Rcpp::IntegerVector(strata));
    pr.p.strata = pr.s.data();
    pr.p.nstrata = nstrata;
  }
  if (contrast.isNotNull()) {
    keep_c = Rcpp::NumericVector(contrast);
    pr.p.contrast = keep_c.begin();
  }
  if (qinv.isNotNull()) {
    keep_q = Rcpp::NumericVector(qinv);
    pr.p.qinv = keep_q.begin();
  }
}

}  // namespace

// Permutation moments ("moments"), the cost of complete enumeration ("plan":
// natural logs of the distinct outcomes, label permutations and the walk's
// work), the p-value by "exact" enumeration (stopped after `budget`
// seconds, none when <= 0: complete = FALSE) or by "monte-carlo" (reps, seed, threads).
// [[Rcpp::export(rng = false)]]
Rcpp::List logrank_perm_cpp(Rcpp::NumericVector score, Rcpp::IntegerVector group, int ngroup,
                            Rcpp::Nullable<Rcpp::IntegerVector> strata, int nstrata,
                            Rcpp::Nullable<Rcpp::NumericVector> contrast,
                            Rcpp::Nullable<Rcpp::NumericVector> qinv, std::string method,
                            double reps = 0, double seed = 0, double threads = 1,
                            double budget = -1) {
  Problem pr;
  Rcpp::NumericVector kc, kq;
  fill_problem(pr, score, group, ngroup, strata, nstrata, contrast, qinv, kc, kq);
  if (method == "moments") {
    const smallsurv::PermMoments m = smallsurv::perm_moments(pr.p);
    return Rcpp::List::create(Rcpp::Named("mean") = Rcpp::wrap(m.mean),
                              Rcpp::Named("variance") = Rcpp::wrap(m.variance),
                              Rcpp::Named("total") = Rcpp::wrap(m.total));
  }
  if (method == "plan") {
    const smallsurv::ExactPlan plan = smallsurv::perm_exact_plan(pr.p);
    return Rcpp::List::create(Rcpp::Named("log_outcomes") = plan.log_outcomes,
                              Rcpp::Named("log_permutations") = plan.log_permutations,
                              Rcpp::Named("log_work") = plan.log_work);
  }
  smallsurv::PermResult r;
  if (method == "exact") {
    smallsurv::Watch watch(smallsurv_glue::poll_interrupt, budget);
    r = smallsurv::perm_exact(pr.p, watch);
  } else if (method == "monte-carlo") {
    r = smallsurv::perm_monte_carlo(pr.p, static_cast<std::size_t>(reps),
                                    smallsurv_glue::as_seed(seed),
                                    smallsurv_glue::as_threads(threads),
                                    smallsurv_glue::poll_interrupt);
  } else {
    Rcpp::stop("logrank_perm_cpp: unknown method");
  }
  return Rcpp::List::create(
      Rcpp::Named("statistic") = r.statistic, Rcpp::Named("p.value") = r.p_value,
      Rcpp::Named("hits") = r.hits, Rcpp::Named("valid") = r.valid,
      Rcpp::Named("undefined") = r.undefined, Rcpp::Named("mc.se") = r.mc_se,
      Rcpp::Named("outcomes") = r.outcomes, Rcpp::Named("log_outcomes") = r.log_outcomes,
      Rcpp::Named("permutations") = r.permutations, Rcpp::Named("complete") = r.complete);
}
