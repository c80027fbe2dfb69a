// pointwise.cpp -- the one table from method names to PointwiseFn
// implementations (see pointwise.h). km()'s glue and the coverage
// laboratory look methods up here, so a method added to the core is
// registered once.
#include "pointwise.h"

#include <cstring>

#include "beta_ci.h"
#include "ci_likelihood.h"
#include "coverage.h"

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
    // Greenwood family and effective-sample-size intervals (coverage.h)
    {"plain", &pointwise_plain},
    {"log", &pointwise_log},
    {"log-log", &pointwise_loglog},
    {"logit", &pointwise_logit},
    {"arcsin", &pointwise_arcsin},
    {"wilson-neff", &pointwise_wilson_neff},
    {"cp-neff", &pointwise_cp_neff},
};
}  // namespace

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
