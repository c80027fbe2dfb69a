// rcpp_coverage.cpp -- glue only: the coverage laboratory and its method
// table (core/coverage.{h,cpp}).  Arguments are validated in R/coverage.R.
#include <Rcpp.h>

#include "rcpp_common.h"

#include <cstdint>
#include <string>
#include <vector>

#include "core/coverage.h"
#include "core/pointwise.h"

namespace {


smallsurv::PointwiseFn lab_method(const std::string& name) {
  const smallsurv::PointwiseFn f = smallsurv::find_pointwise(name.c_str());
  if (!f) Rcpp::stop("'%s' is not a coverage-laboratory method", name);
  return f;
}

// kind: "none", "exponential", "weibull", "lognormal", "step", "supplied".
// par: the two parameters (rate | shape, scale | meanlog, sdlog); for
// "step": step_time, step_surv, tail = c(start, rate); for "supplied": draws
// (an n x reps matrix).
smallsurv::DrawSpec draw_spec(const Rcpp::List& d) {
  smallsurv::DrawSpec s;
  const std::string kind = Rcpp::as<std::string>(d["kind"]);
  using smallsurv::DrawKind;
  if (kind == "none") {
    s.kind = DrawKind::none;
  } else if (kind == "exponential" || kind == "weibull" || kind == "lognormal") {
    s.kind = kind == "exponential" ? DrawKind::exponential
             : kind == "weibull"   ? DrawKind::weibull
                                   : DrawKind::lognormal;
    const Rcpp::NumericVector par = d["par"];
    s.a = par[0];
    s.b = par.size() > 1 ? par[1] : 0.0;
  } else if (kind == "step") {
    s.kind = DrawKind::step;
    const Rcpp::NumericVector t = d["step_time"], sv = d["step_surv"], tail = d["tail"];
    if (t.size() != sv.size() || t.size() == 0) Rcpp::stop("bad step function");
    s.step_time = t.begin();
    s.step_surv = sv.begin();
    s.step_m = static_cast<std::size_t>(t.size());
    s.tail_start = tail[0];
    s.tail_rate = tail[1];
  } else if (kind == "supplied") {
    s.kind = DrawKind::supplied;
    const Rcpp::NumericVector x = d["draws"];
    s.supplied = x.begin();
  } else {
    Rcpp::stop("unknown draw kind '%s'", kind);
  }
  return s;
}

}  // namespace

// Names of the methods in the core table (km()'s conf.type names).
// [[Rcpp::export(rng = false)]]
Rcpp::CharacterVector lab_methods_cpp() {
  Rcpp::CharacterVector out(static_cast<R_xlen_t>(smallsurv::pointwise_count()));
  for (R_xlen_t i = 0; i < out.size(); ++i) out[i] = smallsurv::pointwise_name(i);
  return out;
}

// One method's limits at `at` on one data set (time, status 0/1), through
// the same CountsView builder as the laboratory's replicates (for tests).
// [[Rcpp::export(rng = false)]]
Rcpp::List lab_pointwise_cpp(std::string method, Rcpp::NumericVector time,
                             Rcpp::IntegerVector status, Rcpp::NumericVector at,
                             double conf_level, bool timefix = true) {
  const smallsurv::PointwiseFn f = lab_method(method);
  if (time.size() != status.size()) Rcpp::stop("time and status differ in length");
  smallsurv::CohortCounts cc(static_cast<std::size_t>(time.size()));
  const smallsurv::CountsView v =
      cc.build(time.begin(), status.begin(), static_cast<std::size_t>(time.size()), timefix);
  Rcpp::NumericVector lo(at.size()), up(at.size());
  f(v, at.begin(), static_cast<std::size_t>(at.size()), conf_level, lo.begin(), up.begin());
  return Rcpp::List::create(Rcpp::Named("lower") = lo, Rcpp::Named("upper") = up);
}

// C++ draws from a distribution (for tests): `count` draws of replicate 0's
// stream order is not reproduced here; one stream seeded with `seed`.
// [[Rcpp::export(rng = false)]]
Rcpp::NumericVector lab_draw_cpp(Rcpp::List dist, double count, double seed) {
  const smallsurv::DrawSpec d = draw_spec(dist);
  smallsurv::Xoshiro256 rng(smallsurv_glue::as_seed(seed));
  Rcpp::NumericVector out(static_cast<R_xlen_t>(count));
  for (R_xlen_t i = 0; i < out.size(); ++i) out[i] = smallsurv::draw_time(d, rng);
  return out;
}

// The laboratory.  Returns counts per method (columns) and time (rows).
// [[Rcpp::export(rng = false)]]
Rcpp::List coverage_cpp(double n, double reps, double seed, Rcpp::NumericVector times,
                        Rcpp::NumericVector truth, double conf_level,
                        Rcpp::CharacterVector methods, Rcpp::List event, Rcpp::List censor,
                        double accrual, double cutoff, double dropout, bool timefix = true,
                        double threads = 1) {
  smallsurv::CoverageSpec s;
  s.n = static_cast<std::size_t>(n);
  s.reps = static_cast<std::size_t>(reps);
  s.seed = smallsurv_glue::as_seed(seed);
  s.threads = smallsurv_glue::as_threads(threads);
  if (truth.size() != times.size()) Rcpp::stop("times and truth differ in length");
  s.times = times.begin();
  s.truth = truth.begin();
  s.k = static_cast<std::size_t>(times.size());
  s.conf_level = conf_level;
  for (R_xlen_t m = 0; m < methods.size(); ++m)
    s.methods.push_back(lab_method(Rcpp::as<std::string>(methods[m])));
  s.event = draw_spec(event);
  s.censor = draw_spec(censor);
  if (s.event.kind == smallsurv::DrawKind::supplied ||
      s.censor.kind == smallsurv::DrawKind::supplied) {
    const double need = n * reps;
    if (s.event.kind == smallsurv::DrawKind::supplied &&
        Rcpp::NumericVector(event["draws"]).size() != need)
      Rcpp::stop("event draws: expected n * reps values");
    if (s.censor.kind == smallsurv::DrawKind::supplied &&
        Rcpp::NumericVector(censor["draws"]).size() != need)
      Rcpp::stop("censoring draws: expected n * reps values");
  }
  s.accrual = accrual;
  s.cutoff = cutoff;
  s.dropout = dropout;
  s.timefix = timefix;
  const smallsurv::CoverageResult r = smallsurv::run_coverage(s, smallsurv_glue::poll_interrupt);
  const int k = static_cast<int>(r.k), nm = static_cast<int>(r.nmethod);
  auto mat = [k, nm](const std::vector<double>& v) {
    Rcpp::NumericMatrix out(k, nm);
    std::copy(v.begin(), v.end(), out.begin());  // [method * k + time]: column-major k x nm
    return out;
  };
  return Rcpp::List::create(
      Rcpp::Named("n_na") = mat(r.n_na), Rcpp::Named("n_low") = mat(r.n_low),
      Rcpp::Named("n_up") = mat(r.n_up), Rcpp::Named("sum_w") = mat(r.sum_w),
      Rcpp::Named("sum_w2") = mat(r.sum_w2),
      Rcpp::Named("risk_sum") = Rcpp::NumericVector(r.risk_sum.begin(), r.risk_sum.end()),
      Rcpp::Named("no_event") = Rcpp::NumericVector(r.no_event.begin(), r.no_event.end()),
      Rcpp::Named("events") = r.events, Rcpp::Named("obs") = r.obs);
}
