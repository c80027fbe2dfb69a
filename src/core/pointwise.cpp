// pointwise.cpp -- the one table of interval methods (see pointwise.h):
// names, metadata and, for methods computed from a stratum's counts, the
// PointwiseFn kernel.  km()'s glue, cif()'s and the coverage laboratory look
// methods up here, and R's registry is generated from it, so a method added
// to the core is registered once.
#include "pointwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "beta_ci.h"
#include "ci_likelihood.h"
#include "greenwood_ci.h"
#include "product_limit.h"

namespace smallsurv {

namespace {
// The one table of interval methods: every conf.type of km() and cif(),
// with the metadata R's registry and ci_methods() are built from
// (ci_method_table_cpp() -> R/conf-int.R) and, where the method is a
// function of one stratum's counts, the kernel km() and the coverage
// laboratory both call.  Sorted by name.
const CiMethod kMethods[] = {
    {"arcsin", "arcsine-square-root", CiKind::transform, &pointwise_transform<Transform::arcsin>,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Nair (1984), Technometrics 26:265-275; Borgan & Liestol (1990), Scand J Stat 17:35-41",
     "sin^2(asin sqrt(S) -+ z se(log S) sqrt(S / (1 - S)) / 2)"},
    {"bootstrap", "percentile bootstrap", CiKind::resample, nullptr,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "reps seed",
     "Efron (1981), Censored data and the bootstrap, JASA 76:312-319; Akritas (1986), JASA 81:1032-1038",
     "alpha/2 and 1 - alpha/2 percentiles (R's quantile type 7) of the estimate refitted on `reps` resamples of the subjects (clusters with `id`), stratum by stratum; arguments `reps` (default 2000) and `seed`"},
    {"borkowf", "Borkowf hybrid variance (log)", CiKind::pointwise, &borkowf_at,
     /*km*/ true, /*cif*/ false, /*weights*/ false, /*entry*/ false, /*start_row*/ true, /*greenwood_only*/ false, "",
     "Borkowf (2005), Stat Med 24:827-851, https://doi.org/10.1002/sim.1960; bpcp::kmciBorkowf(type = \"log\")",
     "S exp(-+ z sqrt(w (1 - w) / (n - censored before t)) / S), w = S, 1/2 or 1 - events/n; log-scale binomial Wald interval without censoring"},
    {"borkowf-shrunk", "Borkowf hybrid variance, shrunken (log)", CiKind::pointwise, &borkowf_shrunk_at,
     /*km*/ true, /*cif*/ false, /*weights*/ false, /*entry*/ false, /*start_row*/ true, /*greenwood_only*/ false, "",
     "Borkowf (2005), Stat Med 24:827-851, https://doi.org/10.1002/sim.1960; bpcp::kmciBorkowf(type = \"logs\")",
     "Borkowf's interval with S and w shrunk to x (1 - 1/n) + 1/(2n); centred on the shrunken estimate"},
    {"bpcp", "beta product (BPCP)", CiKind::pointwise, &bpcp_at,
     /*km*/ true, /*cif*/ false, /*weights*/ false, /*entry*/ false, /*start_row*/ true, /*greenwood_only*/ false, "",
     "Fay, Brittain & Proschan (2013), Biostatistics 14:723-736, https://doi.org/10.1093/biostatistics/kxt016; bpcp::bpcp(nmc = 0)",
     "quantiles of method-of-moments beta approximations of products of beta variables, monotone; [(a/2)^(1/n), 1] before the first time; Clopper-Pearson without censoring"},
    {"bpcp-midp", "mid-p beta product (BPCP)", CiKind::pointwise, &bpcp_midp_at,
     /*km*/ true, /*cif*/ false, /*weights*/ false, /*entry*/ false, /*start_row*/ true, /*greenwood_only*/ false, "",
     "Fay & Brittain (2016), Stat Med 35:2726-2740, https://doi.org/10.1002/sim.6905; bpcp::bpcp(nmc = 0, midp = TRUE)",
     "quantiles of the 50/50 mixture of the BPCP lower and upper beta distributions, monotone; mid-p binomial without censoring"},
    {"cloglog", "complementary log-log (log(-log(1 - F)))", CiKind::transform, nullptr,
     /*km*/ false, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Beyersmann, Allignol & Schumacher (2012), Competing Risks and Multistate Models with R, eq. 4.21; etm::summary.etmCIF default",
     "1 - (1 - F)^exp(-+ z se(F) / ((1 - F) log(1 - F)))"},
    {"cp-neff", "Clopper-Pearson with effective sample size", CiKind::effective_n, &pointwise_cp_neff,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Clopper & Pearson (1934), Biometrika 26:404-413; effective sample size p(1-p)/Var as in Dorey & Korn (1987), Stat Med 6:679-687",
     "beta quantiles qbeta(a/2, x, n - x + 1), qbeta(1 - a/2, x + 1, n - x) with n = p (1 - p) / se(p)^2, x = p n; NA where p is 0 or 1 or se is 0"},
    {"likelihood-ratio", "likelihood ratio (Thomas-Grunkemeier)", CiKind::pointwise, &tg_at,
     /*km*/ true, /*cif*/ false, /*weights*/ false, /*entry*/ false, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Thomas & Grunkemeier (1975), JASA 70:865-871; bpcp::kmciTG",
     "constrained-NPMLE likelihood-ratio interval, -2 log LR <= chi2(1); [1, 1] before the first event; event times emptying the risk set are left out (bpcp's convention)"},
    {"log", "log", CiKind::transform, &pointwise_transform<Transform::log>,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "survival::survfit default; no published reference",
     "S exp(-+ z se(log S)), upper limit capped at 1"},
    {"log-log", "log-log (Kalbfleisch-Prentice)", CiKind::transform, &pointwise_transform<Transform::loglog>,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Kalbfleisch & Prentice (1980), The Statistical Analysis of Failure Time Data",
     "exp(-exp(log(-log S) -+ z se / log S)); SAS PROC LIFETEST default; for a cumulative incidence F: exp(-exp(log(-log F) -+ z se(F) / (F log F))) (tidycmprsk, Pintilie 2006)"},
    {"logit", "logit", CiKind::transform, &pointwise_transform<Transform::logit>,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Meeker & Escobar (1998), Statistical Methods for Reliability Data",
     "expit(logit S -+ z se(log S) / (1 - S))"},
    {"peto", "Peto", CiKind::pointwise, &peto_at,
     /*km*/ true, /*cif*/ false, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Peto et al. (1977), Br J Cancer 35:1-39; km.ci method \"peto\"",
     "S -+ z S sqrt((1 - S) / n.risk), truncated to [0, 1]"},
    {"plain", "plain (linear) Greenwood", CiKind::transform, &pointwise_transform<Transform::plain>,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Greenwood (1926); Klein & Moeschberger (2003), eq. 4.3.1",
     "S +- z se(S), truncated to [0, 1]"},
    {"rothman", "Rothman (Wilson, Greenwood effective n)", CiKind::pointwise, &rothman_at,
     /*km*/ true, /*cif*/ false, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ true, "",
     "Rothman (1978), J Chronic Dis 31:557-560; km.ci default",
     "Wilson interval for S with n' = S (1 - S) / Var_Greenwood; [1, 1] before the first event; at S = 0 [0, z^2 / (n' + z^2)] with n' = n_K / S(t_K-)"},
    {"wilson-neff", "Wilson with effective sample size", CiKind::effective_n, &pointwise_wilson_neff,
     /*km*/ true, /*cif*/ true, /*weights*/ true, /*entry*/ true, /*start_row*/ false, /*greenwood_only*/ false, "",
     "Wilson (1927), JASA 22:209-212; effective sample size p(1-p)/Var as in Dorey & Korn (1987), Stat Med 6:679-687",
     "Wilson score interval for p with n_eff = p (1 - p) / se(p)^2; NA where p is 0 or 1 or se is 0"},
};
}  // namespace

long last_row(const CountsView& c, double t) {
  if (std::isnan(t)) return -1;
  return static_cast<long>(std::upper_bound(c.time, c.time + c.m, t) - c.time) - 1;
}

void km_rows(const CountsView& c, std::vector<double>& S, std::vector<double>& G) {
  S.resize(c.m);
  G.resize(c.m);
  ProductLimit pl;
  for (std::size_t r = 0; r < c.m; ++r) {
    pl.step(c.n_risk[r], c.n_event[r]);  // G = Inf once n == d, as survival
    S[r] = pl.surv;
    G[r] = pl.greenwood;
  }
}

const CiMethod* find_ci_method(const char* name) {
  for (const CiMethod& m : kMethods) {
    if (std::strcmp(m.name, name) == 0) return &m;
  }
  return nullptr;
}

std::size_t ci_method_count() { return sizeof(kMethods) / sizeof(kMethods[0]); }

const CiMethod& ci_method(std::size_t i) { return kMethods[i]; }

PointwiseFn find_pointwise(const char* name) {
  const CiMethod* m = find_ci_method(name);
  return m ? m->fn : nullptr;
}

std::size_t pointwise_count() {
  std::size_t k = 0;
  for (const CiMethod& m : kMethods) k += m.fn != nullptr;
  return k;
}

const char* pointwise_name(std::size_t i) {
  for (const CiMethod& m : kMethods) {
    if (m.fn == nullptr) continue;
    if (i == 0) return m.name;
    --i;
  }
  return nullptr;
}

}  // namespace smallsurv
