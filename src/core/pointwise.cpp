// pointwise.cpp -- the one table from method names to PointwiseFn
// implementations (see pointwise.h). km()'s glue and the coverage
// laboratory look methods up here, so a method added to the core is
// registered once.
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
struct Entry {
  const char* name;
  PointwiseFn fn;
};
const Entry kTable[] = {
    {"bpcp", &bpcp_at},
    {"bpcp-midp", &bpcp_midp_at},
    {"borkowf", &borkowf_at},
    {"borkowf-shrunk", &borkowf_shrunk_at},
    {"likelihood-ratio", &tg_at},
    {"rothman", &rothman_at},
    {"peto", &peto_at},
    // Greenwood family and effective-sample-size intervals (greenwood_ci.h)
    {"plain", &pointwise_transform<Transform::plain>},
    {"log", &pointwise_transform<Transform::log>},
    {"log-log", &pointwise_transform<Transform::loglog>},
    {"logit", &pointwise_transform<Transform::logit>},
    {"arcsin", &pointwise_transform<Transform::arcsin>},
    {"wilson-neff", &pointwise_wilson_neff},
    {"cp-neff", &pointwise_cp_neff},
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

PointwiseFn find_pointwise(const char* name) {
  for (const Entry& e : kTable) {
    if (std::strcmp(e.name, name) == 0) return e.fn;
  }
  return nullptr;
}

std::size_t pointwise_count() { return sizeof(kTable) / sizeof(kTable[0]); }

const char* pointwise_name(std::size_t i) {
  return i < pointwise_count() ? kTable[i].name : nullptr;
}

}  // namespace smallsurv
