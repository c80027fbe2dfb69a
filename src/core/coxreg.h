// coxreg.h -- proportional-hazards regression: the Cox model and the
// Fine-Gray subdistribution-hazard model, with or without Firth's penalty.
//
// Inputs : n observations (stop time, optional entry time, status, optional
//          stratum, case weight and offset) and an n x p covariate matrix
//          (column-major).  Cox: status 0 = censored, 1 = event.  Fine-Gray:
//          1 = the cause of interest, 2 = a competing event, 0 = censored;
//          right-censored data, no strata.  Nothing needs to be sorted: the
//          observations go through the one event table (event_table.h: sort,
//          timefix, risk sets start < t <= stop).
// Model  : risk score v_i(t) = w_i exp(x_i b + offset_i) m_i(t), with m = 1
//          while at risk for the Cox model.  For Fine-Gray (Fine & Gray 1999,
//          as cmprsk::crr) a subject with a competing event at T_j stays in
//          later risk sets with m_j(t) = G(t-)/G(T_j-), G the Kaplan-Meier
//          estimate of the censoring distribution (failures at a tied time
//          still at risk for censorings, as crr's survfit() call).
//          Log partial likelihood with Breslow or Efron ties (survival's
//          coxph conventions, per stratum):
//            Breslow: l = sum_D w eta - W_D log S0
//            Efron  : l = sum_D w eta - (W_D/d) sum_{k<d} log(S0 - k/d S0_D)
//          score U and information I as survival's coxfit/agfit.
//          Firth (Heinze & Schemper 2001): l* = l + 1/2 log|I(b)|, with the
//          modified score U*_r = U_r + 1/2 tr(I^-1 dI/db_r).  The trace is
//          accumulated per event term without the third-moment array:
//          tr(I^-1 dI/db_r) = a [q1_r - q0 xbar_r - 2 xbar' I^-1 m_r
//                                + 2 (xbar' I^-1 xbar) xbar_r],
//          with q_i = x_i' I^-1 x_i, q1 = sum v q x / S0, q0 = sum v q / S0,
//          xbar = S1/S0, m_r = S2[, r]/S0 (a second pass once I^-1 is known).
// Fitting: unpenalised: Newton-Raphson from `init` with step halving,
//          converged when |1 - l_old/l_new| <= eps (coxph's rule; eps 1e-9,
//          20 iterations).  Firth: steps I^-1 U* with the unpenalised
//          information (coxphf's scheme), the step scaled so that no
//          standardised component exceeds `max_step`, halved while l*
//          decreases; converged when the proposed step (I^-1 U*, before
//          capping and halving) is below `firth_tol` in every standardised
//          component (a criterion on l* or U* alone stalls at the rounding
//          of l* near the optimum).
//          Profile-likelihood intervals: the (penalised) likelihood maximised
//          over the other coefficients with one held fixed, the penalty from
//          the full information (coxphf's convention); the limits are the
//          roots of 2 (l*(b^) - l*_prof(b_j)) = q, bracketed outwards and
//          refined by the Illinois method; a limit that the likelihood never
//          reaches within `profile_limit` standardised units is infinite.
// Outputs: coefficients, I(b^)^-1, log-likelihoods at init and at b^, the
//          score test at init, iterations and flags, linear predictors,
//          martingale and score residuals (for robust variances: per
//          observation, unweighted, Efron-adjusted as survival's
//          coxscore), the Breslow/Efron baseline hazard jumps.
// Complexity: O(n p^2) per likelihood evaluation after one O(n log n)
//          sort (two passes with Firth's penalty).  Eigen is confined to
//          coxreg.cpp; this header exposes plain vectors only.
// References: Cox (1972); Efron (1977); Therneau & Grambsch (2000) ch. 3;
//          Fine & Gray (1999) JASA 94:496; Firth (1993) Biometrika 80:27;
//          Heinze & Schemper (2001) Biometrics 57:114.
#ifndef SMALLSURV_COXREG_H
#define SMALLSURV_COXREG_H

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace smallsurv {

enum class CoxTies { breslow = 0, efron = 1 };

struct CoxInput {
  std::size_t n = 0;
  std::size_t p = 0;
  const double* stop = nullptr;    // required
  const double* entry = nullptr;   // optional (counting-process data)
  const int* status = nullptr;     // required
  const int* strata = nullptr;     // optional 0-based codes
  int nstrata = 1;
  const double* weight = nullptr;  // optional (all 1)
  const double* offset = nullptr;  // optional (all 0)
  const double* x = nullptr;       // n x p, column-major
  bool timefix = true;
  bool fine_gray = false;
  CoxTies ties = CoxTies::efron;
};

struct CoxControl {
  bool firth = false;
  double eps = 1e-9;        // unpenalised: relative log-likelihood change
  int iter_max = 20;        // unpenalised Newton iterations
  double firth_tol = 1e-9;  // Firth: standardised step and score
  int firth_iter_max = 200;
  double max_step = 0.5;    // Firth: largest standardised step
  int max_halving = 25;
  double profile_limit = 40.0;  // standardised units searched for a limit
  double profile_tol = 1e-9;    // limits to this (relative) precision
};

struct CoxFitResult {
  std::vector<double> coef;     // p
  std::vector<double> var;      // p x p, I(b^)^-1 (unpenalised information)
  std::vector<double> info;     // p x p, I(b^)
  std::vector<double> score;    // p, the unpenalised score at b^
  double loglik_init = 0.0;     // l(init)
  double loglik = 0.0;          // l(b^)
  double penalty_init = 0.0;    // 1/2 log|I(init)| (Firth only)
  double penalty = 0.0;         // 1/2 log|I(b^)|
  double score_test = 0.0;      // U(init)' I(init)^-1 U(init)
  int iter = 0;
  int halvings = 0;
  bool converged = false;
  double max_abs_step = 0.0;    // last standardised step
  double max_abs_score = 0.0;   // last standardised (penalised) score
  std::vector<int> infinite;    // p flags: coxph's "may be infinite" rule
};

struct CoxProfile {
  std::vector<double> lower, upper;  // per requested coefficient
  std::vector<double> lr_zero;       // profile (penalised) LR statistic at b_j = 0
  std::vector<int> lower_open, upper_open;  // 1 when the limit was not reached
};

struct CoxResiduals {
  std::vector<double> lp;          // n, (x - mean) b + offset - mean offset
  std::vector<double> martingale;  // n
  std::vector<double> score;       // n x p, column-major, unweighted; with
                                   // Fine-Gray the score influence eta_i of
                                   // crr (competing events keep contributing
                                   // after T_i with the G ratio)
  // Fine-Gray only: the influence of estimating G (crr's psi_i), n x p
  //   psi_i = 1(censored) q(T_i)/Y(T_i) - sum_{u <= T_i} q(u) c(u)/Y(u)^2,
  //   q(u) = sum_{t_k >= u} (d_k/S0_k) sum_{competing j, T_j < u}
  //          w_j(t_k) v_j (x_j - xbar_k)
  // so that crr's sandwich is I^-1 [sum (eta + psi)(eta + psi)'] I^-1.
  std::vector<double> psi;
  // baseline (x = 0, offset 0) hazard jumps at the event times, per stratum
  std::vector<double> haz_time, haz;
  std::vector<int> haz_strata;
};

class CoxModel {
 public:
  explicit CoxModel(const CoxInput& in);
  ~CoxModel();
  CoxModel(const CoxModel&) = delete;
  CoxModel& operator=(const CoxModel&) = delete;

  std::size_t p() const;
  double n_event() const;  // weighted events of interest
  // `poll` (optional) is called between iterations (user interrupts).
  CoxFitResult fit(const std::vector<double>& init, const CoxControl& ctl,
                   const std::function<void()>& poll = nullptr) const;
  // Profile-likelihood limits for the coefficients `which` (0-based) at the
  // chi-square quantile q (1 df), from a fit's estimate.
  CoxProfile profile(const CoxFitResult& fit, const std::vector<int>& which, double q,
                     const CoxControl& ctl, const std::function<void()>& poll = nullptr) const;
  CoxResiduals residuals(const std::vector<double>& coef) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smallsurv

#endif
