// compensated_sum.h -- Neumaier's (1974) compensated summation: the rounding
// error of each addition is carried in a second double, so a long running
// sum with terms of both signs (moments from which leavers are subtracted,
// cumulative sums whose differences are taken later) keeps its precision
// relative to the result rather than to the largest partial sum.
// Used by the infinitesimal-jackknife variances (km.cpp, aalen_johansen.cpp).
#ifndef SMALLSURV_COMPENSATED_SUM_H
#define SMALLSURV_COMPENSATED_SUM_H

#include <cmath>

namespace smallsurv {

struct NeumaierSum {
  double sum = 0.0, comp = 0.0;
  void add(double x) {
    const double t = sum + x;
    comp += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  double value() const { return sum + comp; }
  // (a.sum + a.comp) - (b.sum + b.comp) without losing the compensations:
  // the difference of two running sums taken at different points
  static double difference(const NeumaierSum& a, const NeumaierSum& b) {
    return (a.sum - b.sum) + (a.comp - b.comp);
  }
};

}  // namespace smallsurv

#endif
