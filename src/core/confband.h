// confband.h -- critical values of the simultaneous confidence bands for a
// Kaplan-Meier curve (Hall & Wellner 1980; Nair 1984), for any level.
//
// Both bands rest on the Brownian bridge W0 on [0, 1], observed on
// [a_L, a_U] with a(t) = n sigma^2(t) / (1 + n sigma^2(t)):
//   * Hall-Wellner:    P( sup_{a_L <= x <= a_U} |W0(x)| <= k ) = level;
//   * equal precision: P( sup_{a_L <= x <= a_U} |W0(x)| / sqrt(x (1 - x)) <= c ) = level.
// Inputs : level in (0, 1); 0 <= a_L <= a_U <= 1 (Hall-Wellner) or
//          0 < a_L <= a_U < 1 (equal precision).  Outputs: k or c.
// Method (no tables, no interpolation):
//   * Hall-Wellner: Markov property of the bridge.  Given W0(a_L) = y the
//     probability that the bridge stays in (-k, k) on [a_L, a_U] is an
//     integral over the end value z of the killed Brownian transition
//     density (method of images, a Kolmogorov-type theta series) times the
//     bridge's h-transform phi_{1-a_U}(z) / phi_{1-a_L}(y); the z integral
//     is closed form (normal CDFs) and the y integral is composite
//     Gauss-Legendre.  a_L = 0, a_U = 1 is Kolmogorov's distribution.
//   * Equal precision: with x = s/(1+s) and s = e^u, W0(x)/sqrt(x(1-x)) is
//     the stationary Ornstein-Uhlenbeck process U (dU = -U/2 du + dW) on
//     u in [log s_L, log s_U], length L = log(a_U (1-a_L) / (a_L (1-a_U))),
//     so the probability is int phi(y) v(L, y) dy where v solves the
//     backward equation v_t = v''/2 - y v'/2 on (-c, c), v(0) = 1, v(+-c) = 0.
//     Solved by Chebyshev collocation in y and a matrix exponential
//     (Taylor + scaling and squaring); Clenshaw-Curtis quadrature in y.
// The critical value is the root of P(k) = level (bracketed, Illinois
// regula falsi to 1e-12).
// References: Hall WJ, Wellner JA (1980) Biometrika 67:133-143; Nair VN
// (1984) Technometrics 26:265-275; Klein & Moeschberger (2003), Sec. 4.4
// and Appendix C (tables used only as tests).
#ifndef SMALLSURV_CONFBAND_H
#define SMALLSURV_CONFBAND_H

namespace smallsurv {

// P(sup_{[aL, aU]} |W0(x)| <= k)
double hw_noncross_prob(double k, double aL, double aU);
// P(sup_{[aL, aU]} |W0(x)| / sqrt(x (1 - x)) <= c)
double ep_noncross_prob(double c, double aL, double aU);

double hw_critical_value(double level, double aL, double aU);
double ep_critical_value(double level, double aL, double aU);

}  // namespace smallsurv

#endif
