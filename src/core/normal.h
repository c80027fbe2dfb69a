// normal.h -- the standard normal quantile used by every core method.
//
// Wichura's AS 241 (PPND16), the algorithm of R's qnorm(), so critical
// values z = qnorm(1 - alpha/2) computed in C++ are the ones R computes
// (tested against qnorm() to 1e-15, bit-identical in practice), and the
// Greenwood-type, likelihood-ratio, Rothman, Peto, Borkowf and coverage
// code share one function.  Plain C++ (no Boost): the beta, binomial and
// chi-square quantiles come from Boost.Math in beta_ci.cpp only.
#ifndef SMALLSURV_NORMAL_H
#define SMALLSURV_NORMAL_H

namespace smallsurv {

// Quantile of N(0, 1) at p: -Inf at 0, +Inf at 1, NaN outside [0, 1] or NaN.
// Accurate in both tails (use -normal_quantile(q) for an upper-tail q).
double normal_quantile(double p);

// Throws input_error unless 0 < conf_level < 1 (R validates first; this is
// the core's last line of defence, shared by every interval method).
void check_conf_level(double conf_level);

// The two-sided critical value z = qnorm(1 - (1 - conf_level) / 2), written
// as R writes it so the two agree to the last bit.
double two_sided_z(double conf_level);

}  // namespace smallsurv
#endif
