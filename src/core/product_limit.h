// product_limit.h -- the one product-limit step: Kaplan-Meier, Greenwood,
// Nelson-Aalen and the Aalen-Johansen cumulative incidences, one row at a
// time.
//
// Every estimator that walks the rows of an event table (or a recount of
// it) with d events among n at risk takes its step here: km(), cif()'s
// Aalen-Johansen (all causes), the pointwise interval methods, the
// bootstrap replicates, the RMST curve, the reverse Kaplan-Meier of
// follow-up, the Fleming-Harrington weights of the log-rank tests, the
// per-group curves of Gray's test and BPCP/Borkowf's product.  The
// operations and their order are survival's (survfitkm.c), so results agree
// with survfit() to the last bit in ordinary cases:
//   S       *= (n - d) / n
//   G       += d / (n (n - d))     Greenwood's sum; +Inf once n == d
//   H       += d / n               Nelson-Aalen
//   VH      += d / n^2             its variance (Poisson form)
//   F_k     += S(t-) d_k / n       Aalen-Johansen, before S is updated
// A row without events (d == 0), or with nobody at risk (n <= 0), leaves
// every quantity as it was.  The survival may be accumulated in a wider
// type (`Real`; BPCP reproduces R's cumprod, which multiplies in long
// double); each factor (n - d) / n is computed in double first, as R does.
// Reference: Kaplan & Meier (1958); Greenwood (1926); Aalen & Johansen
// (1978); Therneau, survival package, survfitkm.c.
#ifndef SMALLSURV_PRODUCT_LIMIT_H
#define SMALLSURV_PRODUCT_LIMIT_H

namespace smallsurv {

template <typename Real = double>
struct ProductLimitT {
  Real surv = 1;             // S(t)
  double greenwood = 0.0;    // sum d / (n (n - d)): Var(log S) / 1
  double cumhaz = 0.0;       // sum d / n
  double var_cumhaz = 0.0;   // sum d / n^2

  // Greenwood's term of one row (+Inf when n == d): for estimators that
  // need the terms themselves (RMST's variance weights each by its area).
  static double greenwood_term(double n, double d) { return d / (n * (n - d)); }

  // One row with d events among n at risk.  Returns whether anything changed.
  bool step(double n, double d) {
    if (!(d > 0.0) || !(n > 0.0)) return false;
    surv *= static_cast<Real>((n - d) / n);
    greenwood += greenwood_term(n, d);
    cumhaz += d / n;
    var_cumhaz += d / (n * n);
    return true;
  }

  // The same row split by cause: K causes, dk(k) the events of cause k + 1
  // (summing to d).  Each incidence F[k] gains S(t-) dk / n and each
  // cause-specific cumulative hazard H[k] (when given) dk / n, before the
  // survival takes its step.
  template <typename Dk>
  bool step_causes(double n, double d, int K, Dk dk, double* F, double* H = nullptr) {
    if (!(d > 0.0) || !(n > 0.0)) return false;
    const double s0 = static_cast<double>(surv);
    for (int k = 0; k < K; ++k) {
      const double dkr = dk(k);
      if (dkr > 0.0) {
        F[k] += s0 * dkr / n;
        if (H) H[k] += dkr / n;
      }
    }
    return step(n, d);
  }
};

using ProductLimit = ProductLimitT<double>;

}  // namespace smallsurv

#endif
