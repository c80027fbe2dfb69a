// rcpp_pointwise.cpp -- glue only: the core's one table of interval methods
// (core/pointwise.h) as R's registry sees it, any of its methods evaluated
// stratum by stratum on a fit's counts, and the effective-sample-size
// intervals of any fit's estimates and standard errors.
#include <Rcpp.h>

#include <cmath>
#include <string>

#include "core/greenwood_ci.h"
#include "core/normal.h"
#include "core/pointwise.h"

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
  const smallsurv::PointwiseFn fn = smallsurv::find_pointwise(method.c_str());
  if (fn == nullptr) Rcpp::stop("unknown pointwise method '%s'", method);
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
  if (off != m) Rcpp::stop("`rows` do not add up to the number of rows");
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// The core's normal quantile (core/normal.h; tested against qnorm()).
// [[Rcpp::export(rng = false)]]
Rcpp::NumericVector normal_quantile_cpp(Rcpp::NumericVector p) {
  Rcpp::NumericVector out(p.size());
  for (R_xlen_t i = 0; i < p.size(); ++i) out[i] = smallsurv::normal_quantile(p[i]);
  return out;
}

// The effective-sample-size intervals (core/greenwood_ci.h: "wilson-neff",
// "cp-neff") of estimates p with standard errors se on the probability
// scale, NA where undefined: R's neff_interval(), for km and cif fits with
// any variance.  The coverage laboratory's kernels call the same functions.
// [[Rcpp::export(rng = false)]]
Rcpp::List neff_ci_cpp(std::string method, Rcpp::NumericVector p, Rcpp::NumericVector se,
                       double conf_level) {
  if (p.size() != se.size()) Rcpp::stop("`p` and `se` differ in length");
  smallsurv::NeffMethod m;
  if (method == "wilson-neff") m = smallsurv::NeffMethod::wilson;
  else if (method == "cp-neff") m = smallsurv::NeffMethod::clopper_pearson;
  else Rcpp::stop("unknown effective-sample-size method '%s'", method);
  Rcpp::NumericVector lo(p.size()), up(p.size());
  smallsurv::neff_interval(m, p.begin(), se.begin(), static_cast<std::size_t>(p.size()),
                           conf_level, lo.begin(), up.begin());
  for (R_xlen_t i = 0; i < p.size(); ++i) {
    if (std::isnan(lo[i])) lo[i] = NA_REAL;
    if (std::isnan(up[i])) up[i] = NA_REAL;
  }
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// The core's table of interval methods, one element per column
// (R/conf-int.R builds the registry and ci_methods() from it).
// [[Rcpp::export(rng = false)]]
Rcpp::List ci_method_table_cpp() {
  const std::size_t n = smallsurv::ci_method_count();
  Rcpp::CharacterVector name(n), label(n), kind(n), args(n), reference(n), description(n);
  Rcpp::LogicalVector km(n), cif(n), weights(n), entry(n), start_row(n), greenwood_only(n),
      kernel(n);
  const char* kinds[] = {"transform", "pointwise", "effective_n", "resample"};
  for (std::size_t i = 0; i < n; ++i) {
    const smallsurv::CiMethod& m = smallsurv::ci_method(i);
    name[i] = m.name;
    label[i] = m.label;
    kind[i] = kinds[static_cast<int>(m.kind)];
    km[i] = m.km;
    cif[i] = m.cif;
    weights[i] = m.weights;
    entry[i] = m.entry;
    start_row[i] = m.start_row;
    greenwood_only[i] = m.greenwood_only;
    kernel[i] = m.fn != nullptr;
    args[i] = m.args;
    reference[i] = m.reference;
    description[i] = m.description;
  }
  return Rcpp::List::create(
      Rcpp::Named("name") = name, Rcpp::Named("label") = label, Rcpp::Named("kind") = kind,
      Rcpp::Named("km") = km, Rcpp::Named("cif") = cif, Rcpp::Named("weights") = weights,
      Rcpp::Named("entry") = entry, Rcpp::Named("start_row") = start_row,
      Rcpp::Named("greenwood_only") = greenwood_only, Rcpp::Named("kernel") = kernel,
      Rcpp::Named("args") = args, Rcpp::Named("reference") = reference,
      Rcpp::Named("description") = description);
}
