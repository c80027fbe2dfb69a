// pointwise.cpp -- the one table from method names to PointwiseFn
// implementations (see pointwise.h). km()'s glue and the coverage
// laboratory look methods up here, so a method added to the core is
// registered once.
#include "pointwise.h"

#include <cstring>

#include "beta_ci.h"
#include "ci_likelihood.h"

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
};
}  // namespace

PointwiseFn find_pointwise(const char* name) {
  for (const Entry& e : kTable) {
    if (std::strcmp(e.name, name) == 0) return e.fn;
  }
  return nullptr;
}

}  // namespace smallsurv
