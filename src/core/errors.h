// errors.h -- the core's one error type.
//
// Invalid input that reaches the core (R validates first; this is the last
// line of defence) throws input_error; the Rcpp glue turns every C++
// exception into an R error, so nothing crashes R.
#ifndef SMALLSURV_ERRORS_H
#define SMALLSURV_ERRORS_H

#include <stdexcept>
#include <string>

namespace smallsurv {

class input_error : public std::invalid_argument {
 public:
  explicit input_error(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace smallsurv
#endif
