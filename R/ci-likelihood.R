#' @include conf-int.R
NULL

# Pointwise intervals that are not transforms of the Greenwood standard
# error: the Thomas-Grunkemeier likelihood ratio, Rothman's Wilson-type
# interval and the Peto interval (C++: src/core/ci_likelihood.cpp, the
# PointwiseFn's tg_at, rothman_at and peto_at, which the coverage laboratory
# calls too); and survival's `conf.lower` (Peto and Dorey-Korn "modified"
# lower limits of the Greenwood transforms).

#' @rdname ci_methods
#' @section Likelihood-ratio interval (`conf.type = "likelihood-ratio"`):
#' The Thomas & Grunkemeier (1975) interval: the set of \eqn{S_0} not
#' rejected by the likelihood-ratio test of \eqn{S(t) = S_0} (the constrained
#' nonparametric MLE; Owen's empirical likelihood). Over the event times
#' \eqn{t_j \le t} with \eqn{n_j > d_j},
#' \deqn{R(\lambda) = \sum_j (n_j - d_j)\log(1 + \lambda/(n_j - d_j)) -
#'   n_j \log(1 + \lambda/n_j),}{R(lambda) = sum_j (n_j - d_j) log(1 + lambda/(n_j - d_j)) - n_j log(1 + lambda/n_j),}
#' and the limits are \eqn{S(\lambda) = \prod_j (n_j + \lambda - d_j)/(n_j + \lambda)}
#' at the two roots of \eqn{-2R(\lambda) = \chi^2_{1,1-\alpha} = z^2}, one in
#' \eqn{(-\min_j(n_j - d_j), 0)} (lower limit), one in \eqn{(0, \infty)}
#' (upper). The roots are found by Newton steps kept inside a bracket on
#' each monotone branch (bisection when a step leaves it), to about 1e-15
#' relative in \eqn{\lambda}; for large fits the sums over the early (large)
#' risk sets are evaluated through prefix sums of their power series in
#' \eqn{\lambda}, so a fit of \eqn{10^6} subjects takes seconds rather than
#' the quadratic time of `kmciTG()` and `km.ci()`.
#'
#' Conventions are those of `bpcp::kmciTG()` (Fay; code after R. Gentleman),
#' which it matches to 1e-8 against the same algorithm solved by
#' `uniroot(tol = 1e-14)` (measured: 7e-16), and to about 1e-5 (absolute;
#' up to 4e-4 relative at \eqn{n = 3}) against `kmciTG()`'s own call, whose
#' `uniroot()` runs at its default tolerance (1.2e-4 in \eqn{\lambda}).
#' (`kmciTG()` tabulates the times through their character form, 15
#' significant digits, and then compares them with the original times: with
#' times such as days / 30.4375 it can attach a limit to the next event time
#' -- e.g. `rrall`'s event-free survival -- so compare it on rounded times.)
#' Conventions:
#' * before the first event (\eqn{S = 1}): \eqn{[1, 1]};
#' * an event time that empties the risk set (\eqn{n_j = d_j}, the last
#'   subject dies, \eqn{S = 0}) is left out of the sums, so from then on the
#'   limits are those of the previous event time -- they no longer contain
#'   the estimate 0 -- and \eqn{[1, 1]} when the first event time already
#'   empties the risk set (e.g. \eqn{n = 1});
#' * between and after the observed times the limits are carried forward.
#'
#' `km.ci::km.ci(method = "grunkemeier")` solves the same equations by
#' bisection on the function value (`tol = 1e-7`, so it agrees only to
#' about 1e-6) and differs at the edges: before the first event it gives
#' \eqn{[\exp(-\chi^2/(2 n_1)), 1]} (the interval for 0 deaths among the
#' \eqn{n_1} at risk at the first event time) instead of \eqn{[1, 1]}; at
#' rows with \eqn{n_j = d_j} it gives `NA`; it has no strata (it treats a
#' stratified fit as one sample). Without censoring the interval is the
#' binomial likelihood-ratio interval for \eqn{x = n S} survivors of \eqn{n}
#' (for \eqn{0 < x < n}; at \eqn{x = n} and \eqn{x = 0} the conventions
#' above apply instead):
#' \eqn{\{p : 2[x\log(\hat p/p) + (n - x)\log((1-\hat p)/(1-p))] \le z^2\}}.
#' Not defined for case weights or delayed entry (refused).
#'
#' @section Rothman interval (`conf.type = "rothman"`):
#' Rothman (1978), km.ci's default: the Wilson score interval for the
#' proportion \eqn{S} with the Greenwood effective sample size
#' \eqn{n' = S(1 - S)/V}, \eqn{V = S^2 \sum_{t_j \le t} d_j/(n_j(n_j - d_j))}:
#' \deqn{\frac{n'}{n' + z^2}\left(S + \frac{z^2}{2n'} \mp z\sqrt{V + \frac{z^2}{4n'^2}}\right).}{n'/(n' + z^2) (S + z^2/(2n') -+ z sqrt(V + z^2/(4 n'^2))).}
#' Equal to `km.ci::km.ci(method = "rothman")` (to 1e-12) wherever
#' \eqn{0 < S}. Before the first event it is \eqn{[1, 1]} (as km.ci). Where
#' the risk set empties (\eqn{S = 0}, \eqn{n_K = d_K} at \eqn{t_K}) the
#' Greenwood variance is undefined and km.ci returns \eqn{[1, 1]}, an
#' interval that excludes the estimate; here \eqn{n'} is its limit as
#' \eqn{S \to 0}, \eqn{n_K / S(t_K-)}, and the interval is the Wilson
#' interval for 0 successes, \eqn{[0, z^2/(n' + z^2)]}. Without censoring
#' \eqn{n' = n} at every time, so the interval is exactly the Wilson interval
#' for \eqn{x/n} (`prop.test(x, n, correct = FALSE)`), including \eqn{x = 0}.
#' Case weights are accepted as frequency weights (Greenwood's formula on
#' the weighted counts: integer weights give the interval of the expanded
#' data); with the robust variance (non-integer weights or `robust = TRUE`)
#' the Greenwood effective sample size does not describe the estimate, so
#' the method is refused. Delayed entry is accepted: the Greenwood variance
#' on the risk sets \eqn{\{i: entry_i < t \le stop_i\}}, as survfit uses it.
#'
#' @section Peto interval (`conf.type = "peto"`):
#' \eqn{S \mp z S\sqrt{(1 - S)/n(t)}} (Peto et al. 1977), \eqn{n(t)} the
#' number at risk of the fit's row (so the interval also changes at
#' censoring times), truncated to \eqn{[0, 1]}. Equal to
#' `km.ci::km.ci(method = "peto")` after truncation (km.ci hard-wires
#' `restrict = FALSE` and returns limits outside \eqn{[0, 1]}). Before the
#' first event \eqn{[1, 1]}; at \eqn{S = 0} \eqn{[0, 0]}. Without censoring,
#' at the event time \eqn{t_j} it is the Wald interval
#' \eqn{S \mp z\sqrt{S(1 - S)/n'}} for \eqn{x/n} with \eqn{n' = n_j/S =
#' n\,n_j/(n_j - d_j) > n} (Peto's effective sample size), so it is narrower
#' than the binomial Wald interval. Case weights enter as
#' weighted counts; delayed entry through the risk sets (both accepted).
#'
#' @section Lower limits (`conf.lower` of [km()]):
#' As `survival::survfit(conf.lower = )`, for the Greenwood transforms
#' only, and only the lower limit changes: `"usual"` (default); `"peto"`
#' uses \eqn{\sqrt{(1 - S)/n(t)}} as the standard error of \eqn{\log S};
#' `"modified"` (Dorey & Korn 1987) multiplies the standard error by
#' \eqn{\sqrt{m/n(t)}}, \eqn{m} the number at risk at the most recent event
#' time (or the first row), so the lower limit widens at each censoring.
#'
#' @references
#' Thomas DR, Grunkemeier GL (1975). Confidence interval estimation of
#' survival probabilities for censored data. *JASA* 70:865-871.
#' \doi{10.1080/01621459.1975.10480315}
#'
#' Rothman KJ (1978). Estimation of confidence limits for the cumulative
#' probability of survival in life table analysis. *J Chronic Dis*
#' 31:557-560.
#'
#' Peto R, Pike MC, Armitage P, et al. (1977). Design and analysis of
#' randomized clinical trials requiring prolonged observation of each
#' patient. II. Analysis and examples. *Br J Cancer* 35:1-39.
#'
#' Dorey FJ, Korn EL (1987). Effective sample sizes for confidence intervals
#' for survival probabilities. *Stat Med* 6:679-687.
#' @name ci_methods
NULL

# Rothman's interval (the core table's greenwood_only methods) rests on the
# Greenwood variance: refused with the robust one, otherwise the core's
# pointwise method at every row.
greenwood_only_ci <- function(name) {
  force(name)
  function(fit, input, conf.level, ...) {
    if (!isTRUE(fit$logse)) {
      abort("`conf.type = \"", name, "\"` uses the Greenwood variance and is not defined ",
            "with the robust (infinitesimal-jackknife) variance (non-integer case weights or ",
            "`robust = TRUE`); use integer weights or `robust = FALSE`.")
    }
    pointwise_ci(name)(fit, input, conf.level)
  }
}

# survival's conf.lower: the standard error used for the lower limit
# (survfitKM: "peto" sqrt((1 - S)/n.risk); "modified" std.err sqrt(m/n.risk),
# m = n.risk at the most recent event row or the first row of the stratum).
conf_lower_se <- function(fit, conf.lower) {
  if (conf.lower == "peto") return(sqrt((1 - fit$surv) / fit$n.risk))
  nrow <- length(fit$surv)
  events <- fit$n.event > 0
  rows <- if (is.null(fit$strata)) nrow else as.integer(fit$strata)
  events[1L + cumsum(c(0L, rows[-length(rows)]))[rows > 0]] <- TRUE
  idx <- cumsum(events)  # the most recent "event" row (a stratum starts with one)
  lag <- fit$n.risk[which(events)][idx]
  fit$std.err * sqrt(lag / fit$n.risk)
}

# km()'s `conf.lower`, checked against the method (NULL method: "none").
check_conf_lower <- function(conf.lower, method) {
  choices <- c("usual", "modified", "peto")
  if (identical(conf.lower, choices)) return("usual")
  if (!is.character(conf.lower) || length(conf.lower) != 1L || !conf.lower %in% choices) {
    abort("`conf.lower` must be one of \"usual\", \"modified\", \"peto\"; got ",
          deparse1(conf.lower), ".")
  }
  if (conf.lower != "usual" && !is.null(method) &&
      !isTRUE(attr(method$compute, "conf.lower"))) {
    abort("`conf.lower = \"", conf.lower, "\"` applies to the Greenwood transforms ",
          "(\"plain\", \"log\", \"log-log\", \"logit\", \"arcsin\") only; got `conf.type = \"",
          method$name, "\"`.")
  }
  conf.lower
}
