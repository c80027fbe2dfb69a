# Small-sample pointwise intervals for S(t) computed from the counts of each
# stratum by the C++ methods of src/core/beta_ci.{h,cpp}: the beta product
# confidence procedure (standard and mid-p) and Borkowf's hybrid-variance
# intervals. Registered in the CI registry of conf-int.R.

#' @include conf-int.R
NULL

#' Beta product and Borkowf confidence intervals for small cohorts
#'
#' Four pointwise intervals for \eqn{S(t)} that [km()] accepts as
#' `conf.type`, designed for small samples and heavy censoring. They use the
#' counts at every observed time (events *and* censorings), so they change
#' at censoring times too; they are defined for unweighted right-censored
#' data only, and `km()` refuses case weights and delayed entry for them.
#'
#' @section Beta product confidence procedure (`"bpcp"`):
#' Let \eqn{y_1 < \dots < y_h} be the observed times of a stratum, \eqn{n_i}
#' the number at risk just before \eqn{y_i}, \eqn{d_i} the events at it and
#' \eqn{n} the stratum size. With independent factors
#' \eqn{W^-(y_i) = \prod_{k \le i} \mathrm{Beta}(n_k - d_k + 1, d_k)}
#' (\eqn{\mathrm{Beta}(a, 0)} is a point mass at 1) and
#' \eqn{W^+(y_i) = W^-(y_i)\,\mathrm{Beta}(n_{i+1}, 1)}, the interval for
#' \eqn{t \in [y_i, y_{i+1})} is
#' \deqn{[\,q_{\alpha/2}(W^+(y_i)),\; q_{1-\alpha/2}(W^-(y_i))\,],}
#' each product replaced by the beta distribution with its first two moments
#' (method of moments), and both limits replaced by their running minima
#' over the intervals so far (monotone limits). This is
#' `bpcp::bpcp(time, status, nmc = 0)` (Delta = 0, the convention of bpcp
#' \eqn{\ge} 1.3.0: intervals right-continuous, always containing the
#' Kaplan-Meier estimate).
#' * Before the first observed time the interval is
#'   \eqn{[(\alpha/2)^{1/n}, 1]}, not \eqn{[1, 1]}. The fit therefore has an
#'   extra row per stratum at the start time 0 (the smallest time of the
#'   data if it were negative; km() refuses negative times), with `n.risk` = \eqn{n},
#'   `n.event = n.censor = 0`, `surv = 1`, `std.err = 0` and that interval,
#'   so that `summary()`, `plot()` and [at_times()] show it. A stratum whose
#'   first observed time is the start time (e.g. an event at time 0) gets
#'   no extra row: the interval before it is empty.
#' * From the last observed time on (even when it is a censoring) the lower
#'   limit is 0; the upper limit stays positive, also where the estimate is
#'   0.
#' * Without censoring the limits are the Clopper-Pearson limits for
#'   \eqn{x = n - D(t)} survivors out of \eqn{n} (\eqn{D(t)} deaths by
#'   \eqn{t}), as [stats::binom.test()] gives them: the products are then
#'   exact beta distributions, which the moments recover.
#'
#' Agreement with bpcp 1.5.5 (tests on seeded data sets with ties, heavy
#' censoring, \eqn{n = 1}, all censored, events at time 0 and strata):
#' \eqn{10^{-10}} at every observed time, lower and upper limits.
#'
#' @section Mid-p BPCP (`"bpcp-midp"`):
#' The limits are the \eqn{\alpha/2} and \eqn{1 - \alpha/2} quantiles of the
#' 50/50 mixture of the two beta distributions above (Fay & Brittain 2016),
#' found as the root of the mixture's distribution function (Newton-Raphson
#' safeguarded by bisection, relative accuracy about \eqn{10^{-14}}), then running minima as for `"bpcp"`. This is
#' `bpcp::bpcp(nmc = 0, midp = TRUE)`, which finds the same point by
#' `uniroot()` on the split of \eqn{\alpha}: it agrees to \eqn{10^{-8}} with
#' bpcp run at `control = bpcpControl(midpMMTol = 1e-12)` and to about
#' \eqn{10^{-4}} with bpcp's default tolerance
#' (`.Machine$double.eps^0.25`, about \eqn{1.2 \times 10^{-4}} on the
#' \eqn{\alpha} scale). Before the first observed time the interval is
#' \eqn{[\alpha^{1/n}, 1]} (the upper distribution is a point mass at 1);
#' from the last observed time on it is \eqn{[0, q_{1-\alpha}(W^-(y_h))]}.
#' Without censoring it is the mid-p binomial interval for \eqn{x = n - D(t)}
#' of \eqn{n}: the lower limit \eqn{p} solves
#' \eqn{P(X > x) + P(X = x)/2 = \alpha/2}, the upper
#' \eqn{P(X < x) + P(X = x)/2 = \alpha/2}, \eqn{X \sim \mathrm{Bin}(n, p)}.
#' Mid-p intervals are closer to nominal coverage on average but do not
#' guarantee it.
#'
#' @section Borkowf's hybrid variance (`"borkowf"`, `"borkowf-shrunk"`):
#' With \eqn{m_e(t)} the events up to and including \eqn{t}, \eqn{m_c(t)}
#' the censorings *before* \eqn{t}, \eqn{b = 1 - m_e/n} and
#' \eqn{w = \hat S} if \eqn{\hat S \ge 1/2}, \eqn{1/2} if
#' \eqn{\hat S < 1/2 \le b}, \eqn{b} otherwise, the variance is
#' \eqn{V_H = w(1 - w)/(n - m_c)} and the interval
#' \eqn{\hat S \exp(\mp z \sqrt{V_H}/\hat S)}, clipped to \eqn{[0, 1]}
#' (undefined values become 0 for the lower and 1 for the upper limit). This
#' is `bpcp::kmciBorkowf(type = "log")`. `"borkowf-shrunk"` (bpcp's
#' `type = "logs"`) uses \eqn{\hat S_s = \hat S(1 - 1/n) + 1/(2n)} and
#' \eqn{w_s = w(1 - 1/n) + 1/(2n)} in place of \eqn{\hat S} and \eqn{w}:
#' its interval is centred on \eqn{\hat S_s}, not on the Kaplan-Meier
#' estimate, and is not degenerate before the first event.
#' * The row of a fit at an observed time \eqn{y_i} carries the interval at
#'   exactly \eqn{y_i} (bpcp's closed interval \eqn{[y_i, y_i]}). For
#'   \eqn{t} strictly between \eqn{y_i} and \eqn{y_{i+1}} Borkowf's
#'   \eqn{m_c} also counts the censorings at \eqn{y_i}, so where \eqn{y_i}
#'   has censorings the interval just after it is slightly wider than the
#'   row shows (the C++ function evaluates it exactly at any time).
#' * Before the first observed time `"borkowf"` gives \eqn{[1, 1]}; after
#'   the last, the open interval after it (\eqn{[0, 1]} once every subject
#'   is censored or dead, or where \eqn{\hat S = 0}).
#' * Without censoring \eqn{w = \hat S} and \eqn{m_c = 0}: `"borkowf"` is
#'   the log-scale Wald binomial interval
#'   \eqn{\hat S \exp(\mp z \sqrt{(1 - \hat S)/(n \hat S)})}, and
#'   `"borkowf-shrunk"` the same with \eqn{\hat S_s} in place of
#'   \eqn{\hat S}.
#' Agreement with bpcp: \eqn{10^{-10}}.
#'
#' @section Computation:
#' In C++ (`src/core/beta_ci.cpp`, beta quantiles from Boost.Math), in one
#' sweep over the rows; a beta quantile is computed only where the running
#' minimum can change. The cost grows with the number of distinct times:
#' `bench/RESULTS-bpcp.md` measured a fit of \eqn{10^6} subjects at about
#' 6 s with continuous times (13 s for the mid-p version) and under 0.1 s
#' with times in whole days (3,134 distinct times), on a shared 2-core
#' machine.
#'
#' @name small-sample-ci
#' @references
#' Fay MP, Brittain EH, Proschan MA (2013). Pointwise confidence intervals
#' for a survival distribution with small samples or heavy censoring.
#' *Biostatistics* 14(4):723-736. \doi{10.1093/biostatistics/kxt016}
#'
#' Fay MP, Brittain EH (2016). Finite sample pointwise confidence intervals
#' for a survival distribution with right-censored data. *Statistics in
#' Medicine* 35:2726-2740. \doi{10.1002/sim.6905}
#'
#' Borkowf CB (2005). A simple hybrid variance estimator for the
#' Kaplan-Meier survival function. *Statistics in Medicine* 24(6):827-851.
#' \doi{10.1002/sim.1960}
#'
#' Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
#' illustrated in the case of the binomial. *Biometrika* 26:404-413.
#' @family confidence intervals
#' @examples
#' d <- data.frame(time = c(2, 3, 3, 5, 8, 9, 12), status = c(1, 0, 1, 1, 0, 1, 0))
#' fit <- km(survival::Surv(time, status) ~ 1, data = d, conf.type = "bpcp")
#' tidy(fit)   # first row: the start row at time 0, [0.025^(1/7), 1]
#' at_times(fit, c(1, 4, 10))
#' # rrall has events at time 0 (induction failures): no start row there
#' km(survival::Surv(efs_time, efs_status) ~ 1, data = rrall, conf.type = "bpcp-midp")
NULL

# The fit with one row added per stratum at the start time (min(0, smallest
# time)) where the stratum's first time is later; `orig` tells which rows
# were there before.
add_start_rows <- function(fit) {
  st <- fit_strata(fit)
  start <- min(0, fit$time)
  nrow_s <- st$to - st$from + 1L
  add <- nrow_s > 0L & fit$time[pmin(st$from, length(fit$time))] > start
  len <- nrow_s + add
  total <- sum(len)
  at_start <- (cumsum(len) - len + 1L)[add]  # positions of the new rows
  keep <- rep(TRUE, total)
  keep[at_start] <- FALSE
  put <- function(v, value) {
    out <- vector(typeof(v), total)
    out[keep] <- v
    out[at_start] <- value
    out
  }
  out <- fit
  out$time <- put(fit$time, start)
  out$n.risk <- put(fit$n.risk, fit$n.risk[st$from[add]])
  out$n.event <- put(fit$n.event, 0)
  out$n.censor <- put(fit$n.censor, 0)
  out$surv <- put(fit$surv, 1)
  out$std.err <- put(fit$std.err, 0)
  out$cumhaz <- put(fit$cumhaz, 0)
  out$std.chaz <- put(fit$std.chaz, 0)
  if (!is.null(fit$strata)) out$strata[] <- as.integer(len)
  list(fit = out, orig = keep)
}
