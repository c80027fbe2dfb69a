// rcpp_ci_likelihood.cpp -- glue only: the pointwise interval methods of
// core/ci_likelihood.h (likelihood-ratio, Rothman, Peto) on the rows of a fit.
#include <Rcpp.h>

#include <string>

#include "core/ci_likelihood.h"
#include "core/pointwise.h"

namespace {
smallsurv::PointwiseFn pointwise_method(const std::string& method) {
  if (method == "likelihood-ratio") return &smallsurv::tg_at;
  if (method == "rothman") return &smallsurv::rothman_at;
  if (method == "peto") return &smallsurv::peto_at;
  Rcpp::stop("unknown pointwise method '%s'", method);
}
}  // namespace

// Limits of `method` for the per-row counts of a fit with strata of `rows`
// rows each (in order).  `at = NULL`: each stratum at its own times (one
// value per row); otherwise every stratum at the times `at` (stratum-major,
// length(at) values per stratum).
// [[Rcpp::export(rng = false)]]
Rcpp::List pointwise_ci_cpp(std::string method, Rcpp::NumericVector time,
                            Rcpp::NumericVector n_risk, Rcpp::NumericVector n_event,
                            Rcpp::NumericVector n_censor, Rcpp::IntegerVector rows,
                            Rcpp::Nullable<Rcpp::NumericVector> at, double conf_level) {
  const smallsurv::PointwiseFn f = pointwise_method(method);
  const R_xlen_t n = time.size();
  if (n_risk.size() != n || n_event.size() != n || n_censor.size() != n)
    Rcpp::stop("the count columns differ in length");
  Rcpp::NumericVector at_v;
  if (at.isNotNull()) at_v = Rcpp::NumericVector(at);
  const R_xlen_t k = at.isNotNull() ? at_v.size() : 0;
  const R_xlen_t nout = at.isNotNull() ? k * rows.size() : n;
  Rcpp::NumericVector lo(nout), up(nout);
  R_xlen_t off = 0, out = 0;
  for (R_xlen_t s = 0; s < rows.size(); ++s) {
    const R_xlen_t m = rows[s];
    if (m < 0 || off + m > n) Rcpp::stop("`rows` do not add up to the number of rows");
    smallsurv::CountsView c;
    c.m = static_cast<std::size_t>(m);
    c.time = time.begin() + off;
    c.n_risk = n_risk.begin() + off;
    c.n_event = n_event.begin() + off;
    c.n_censor = n_censor.begin() + off;
    c.n = m > 0 ? n_risk[off] : 0.0;
    const double* a = at.isNotNull() ? at_v.begin() : c.time;
    const std::size_t na = at.isNotNull() ? static_cast<std::size_t>(k) : c.m;
    f(c, a, na, conf_level, lo.begin() + out, up.begin() + out);
    off += m;
    out += static_cast<R_xlen_t>(na);
  }
  if (off != n) Rcpp::stop("`rows` do not add up to the number of rows");
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// z = qnorm(1 - q) from the core (tested against R's qnorm).
// [[Rcpp::export(rng = false)]]
double normal_quantile_upper_cpp(double q) { return smallsurv::normal_quantile_upper(q); }
