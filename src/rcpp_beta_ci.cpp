// rcpp_beta_ci.cpp -- glue only: the pointwise interval methods of
// core/beta_ci.h (BPCP, mid-p BPCP, Borkowf) evaluated stratum by stratum on
// a fit's counts.  Exceptions become R errors in Rcpp's generated wrappers.
#include <Rcpp.h>

#include <string>

#include "core/beta_ci.h"
#include "core/pointwise.h"

namespace {

smallsurv::PointwiseFn pointwise_method(const std::string& name) {
  if (name == "bpcp") return smallsurv::bpcp_at;
  if (name == "bpcp-midp") return smallsurv::bpcp_midp_at;
  if (name == "borkowf") return smallsurv::borkowf_at;
  if (name == "borkowf-shrunk") return smallsurv::borkowf_shrunk_at;
  Rcpp::stop("unknown pointwise method '%s'", name);
}

}  // namespace

// Limits of `method` at times `at`, stratum by stratum. The counts are the
// per-row columns of an unweighted km fit (`rows`: rows per stratum); `at`
// holds the requested times of every stratum in turn (`at_rows`: how many
// per stratum).
// [[Rcpp::export(rng = false)]]
Rcpp::List pointwise_ci_cpp(std::string method, Rcpp::NumericVector time,
                            Rcpp::NumericVector n_risk, Rcpp::NumericVector n_event,
                            Rcpp::NumericVector n_censor, Rcpp::IntegerVector rows,
                            Rcpp::NumericVector at, Rcpp::IntegerVector at_rows,
                            double conf_level) {
  const smallsurv::PointwiseFn fn = pointwise_method(method);
  const R_xlen_t m = time.size();
  if (n_risk.size() != m || n_event.size() != m || n_censor.size() != m)
    Rcpp::stop("the count columns differ in length");
  if (rows.size() != at_rows.size()) Rcpp::stop("rows and at_rows differ in length");
  Rcpp::NumericVector lo(at.size()), up(at.size());
  R_xlen_t off = 0, aoff = 0;
  for (R_xlen_t s = 0; s < rows.size(); ++s) {
    if (rows[s] < 0 || at_rows[s] < 0 || off + rows[s] > m || aoff + at_rows[s] > at.size())
      Rcpp::stop("row counts do not match the columns");
    smallsurv::CountsView c;
    c.m = static_cast<std::size_t>(rows[s]);
    c.time = time.begin() + off;
    c.n_risk = n_risk.begin() + off;
    c.n_event = n_event.begin() + off;
    c.n_censor = n_censor.begin() + off;
    c.n = rows[s] > 0 ? n_risk[off] : 0.0;
    fn(c, at.begin() + aoff, static_cast<std::size_t>(at_rows[s]), conf_level,
       lo.begin() + aoff, up.begin() + aoff);
    off += rows[s];
    aoff += at_rows[s];
  }
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// Clopper-Pearson (midp = FALSE) or mid-p binomial limits for x of n.
// [[Rcpp::export(rng = false)]]
Rcpp::NumericVector binom_exact_ci_cpp(double x, double n, double conf_level, bool midp) {
  double lo = 0.0, up = 0.0;
  smallsurv::binom_exact_ci(x, n, conf_level, midp, &lo, &up);
  return Rcpp::NumericVector::create(lo, up);
}
