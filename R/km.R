#' Kaplan-Meier estimate with a named confidence interval
#'
#' Fits the Kaplan-Meier (product-limit) estimate of the survival function,
#' with survival::survfit()'s conventions, in a C++ engine. The result is a
#' `survfit` object, so survival's `summary()`, `plot()` and the
#' packages built on them work on it unchanged; smallsurv adds a `print()`
#' header naming the interval, [at_times()], a KMunicate-style `plot()` and
#' `tidy()`/`glance()`.
#'
#' @section Conventions:
#' * **Ties.** At a time with both events and censorings, the events come
#'   first: the censored subjects still count as at risk (survival's rule).
#' * **Near-tied times** are merged first, as `survival::aeqSurv()` does
#'   (`timefix = TRUE`): times computed from dates (days / 30.4375) otherwise
#'   give spurious distinct times.
#' * **Rows** are every distinct observed time, event or censoring, per
#'   stratum. `std.err` is the standard error of the cumulative hazard
#'   (of \eqn{-\log S}), Greenwood's formula
#'   \eqn{\sqrt{\sum_{t_j \le t} d_j / (n_j (n_j - d_j))}}, as in survfit.
#' * **Case weights** enter as weighted counts. As in survfit, non-integer
#'   weights switch the variance to the infinitesimal jackknife (`robust`),
#'   in which case `std.err` is the standard error of \eqn{S} itself and
#'   `logse` is `FALSE`.
#' * **Delayed entry**: with `Surv(start, stop, event)` a subject is at risk
#'   at \eqn{t} when `start < t <= stop`.
#' * **Status** may be 0/1, `FALSE`/`TRUE`, or 1/2 (1 = censored, as
#'   `survival::Surv()` accepts).
#' * **Strata** are the combinations of the right-hand-side variables,
#'   labelled as survfit labels them (`"x=a, y=b"`).
#' * **Confidence intervals** come from a registry ([ci_methods()]). The
#'   default `"log-log"` (Kalbfleisch & Prentice; SAS's default) differs from
#'   survfit's `"log"`, whose intervals are too narrow near 0 and whose upper
#'   limit sticks at 1 in small samples. Limits follow survfit's edge rules
#'   exactly: before the first event (S = 1, se = 0) `"plain"` and `"log"`
#'   give (1, 1), `"log-log"` gives `NA`; when the last subject at risk has
#'   the event (S = 0) every transform gives `NA`. The small-sample methods
#'   `"bpcp"`, `"bpcp-midp"`, `"borkowf"` and `"borkowf-shrunk"`
#'   ([small-sample-ci]) add a row per stratum at time 0 carrying their
#'   interval before the first observed time (e.g. \eqn{[(\alpha/2)^{1/n}, 1]}
#'   for BPCP).
#'
#' @section Groups defined after time 0:
#' Groups must be known at time 0 (dose level, arm, baseline MRD). A group
#' defined by something that happens later -- "ever transplanted", "CAR-T",
#' "responder" -- credits the waiting time before that event to the group
#' (a patient must survive to be transplanted: *immortal time*) and biases
#' the comparison in its favour. Treat such an exposure as time-dependent:
#' [mantel_byar_test()] (test), [simon_makuch()] (curves) or [landmark()]
#' (groups fixed at a pre-specified landmark); see the "After response"
#' vignette.
#' @param formula `Surv(time, status) ~ 1`, `Surv(time, status) ~ x1 + x2`
#'   (one curve per combination), or `Surv(start, stop, status) ~ ...` for
#'   delayed entry (left truncation).
#' @param data A data frame.
#' @param weights Optional case weights: a column of `data` (evaluated as
#'   survfit evaluates them).
#' @param subset Optional expression selecting rows of `data`.
#' @param na.action Function for missing values (default
#'   `getOption("na.action")`, i.e. [stats::na.omit()]); removed rows are
#'   counted in `print()`. With [stats::na.fail()] the error names the rows.
#' @param conf.type Name of the pointwise confidence-interval method: one of
#'   [ci_methods()]`$conf.type` or `"none"`.
#' @param conf.level Confidence level, strictly between 0 and 1.
#' @param conf.lower Lower limits of the Greenwood transforms, as
#'   `survival::survfit(conf.lower = )`: `"usual"` (default), `"modified"`
#'   (Dorey & Korn 1987) or `"peto"`; only the lower limit changes (see
#'   [ci_methods()]).
#' @param timefix Merge near-tied times as survfit does (default `TRUE`).
#' @param robust Use the infinitesimal-jackknife variance. `NULL` (default)
#'   follows survfit: `TRUE` exactly when some weight is not an integer.
#' @param ... Arguments of the confidence-interval method: `reps` (default
#'   2000) and `seed` (default `NULL`: drawn from R's generator, so
#'   [set.seed()] makes the interval reproducible) for
#'   `conf.type = "bootstrap"` (see [ci_methods()]). Any other argument is
#'   an error (so that, e.g., survfit's `conf.int =` is not silently
#'   ignored).
#' @return An object of class `c("smallsurv_km", "survfit")` with survfit's
#'   components (`n`, `time`, `n.risk`, `n.event`, `n.censor`, `surv`,
#'   `std.err`, `cumhaz`, `std.chaz`, `strata`, `type`, `logse`, `conf.int`,
#'   `conf.type`, `lower`, `upper`, `na.action`, `call`) and `ci`, a list
#'   naming the interval method (`conf.type`, `label`, `reference`,
#'   `conf.level`), the variance (`"greenwood"` or `"robust"`) and, for
#'   the bootstrap, `reps` and `seed`.
#' @references
#' Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete
#' observations. *JASA* 53:457-481. \doi{10.1080/01621459.1958.10501452}
#'
#' Kalbfleisch JD, Prentice RL (1980). *The Statistical Analysis of Failure
#' Time Data*. Wiley.
#'
#' Therneau TM (2024). A package for survival analysis in R (survival).
#' @family Kaplan-Meier
#' @examples
#' fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' fit
#' at_times(fit, c(3, 6))
#' summary(fit, times = 6)   # survival's own method works unchanged
#' @export
km <- function(formula, data, weights, subset, na.action, conf.type = "log-log",
               conf.level = 0.95, conf.lower = c("usual", "modified", "peto"),
               timefix = TRUE, robust = NULL, ...) {
  mcall <- match.call()
  method <- ci_method(conf.type)
  check_dots(match.call(expand.dots = FALSE)$..., "km", method)
  check_conf_level(conf.level)
  check_flag(timefix, "timefix")
  if (!is.null(robust)) check_flag(robust, "robust")
  input <- surv_input(mcall, parent.frame())
  km_input(input, method, conf.level, conf.lower, timefix, robust, mcall, ...)
}

# km() from a canonical input (surv_input()) and checked arguments; verbs
# that build their own input (simon_makuch()) enter here.
km_input <- function(input, method, conf.level, conf.lower, timefix, robust, call, ...) {
  if (!is.null(method)) check_ci_applicable(method, input)
  conf.lower <- check_conf_lower(conf.lower, method)
  if (conf.lower == "usual") {
    return(km_impl(input, method, conf.level, timefix = timefix, robust = robust, call = call,
                   ...))
  }
  fit <- km_impl(input, method, conf.level, timefix = timefix, robust = robust, call = call,
                 conf.lower = conf.lower, ...)
  fit$conf.lower <- conf.lower  # as survfit records it
  fit
}

# The only place that calls the C++ Kaplan-Meier kernel.
km_impl <- function(input, method, conf.level, timefix = TRUE, robust = NULL,
                    call = NULL, ...) {
  if (is.null(robust)) {
    robust <- !is.null(input$weights) && any(input$weights != floor(input$weights))
  }
  strata <- input$strata
  input$timefix <- timefix  # for interval methods that refit (bootstrap)
  res <- km_fit_cpp(input$time, input$status, input$entry, input$weights,
                    if (is.null(strata)) NULL else as.integer(strata),
                    if (is.null(strata)) 1L else nlevels(strata), timefix, robust)
  new_km(res, input, method, conf.level, robust, call, ...)
}

# Constructor: survfit's components, in survfit's order, plus `ci`.
new_km <- function(res, input, method, conf.level, robust, call, ...) {
  strata <- input$strata
  fit <- list(n = res$n, time = res$time, n.risk = res$n.risk, n.event = res$n.event,
              n.censor = res$n.censor, surv = res$surv, std.err = res$std.err,
              cumhaz = res$cumhaz, std.chaz = res$std.chaz)
  if (!is.null(strata)) fit$strata <- stats::setNames(res$rows, levels(strata))
  fit$type <- input$type
  fit$logse <- res$logse
  fit$conf.int <- conf.level
  fit$conf.type <- if (is.null(method)) "none" else method$name
  ci <- NULL
  if (!is.null(method)) {
    ci <- method$compute(fit, input, conf.level, ...)
    # a method may return the fit with rows added (BPCP: a row at the start time)
    if (!is.null(ci$fit)) fit <- ci$fit
    fit$lower <- ci$lower
    fit$upper <- ci$upper
  }
  if (!is.null(input$na.action)) fit$na.action <- input$na.action
  fit$call <- call
  fit$ci <- list(conf.type = fit$conf.type,
                 label = if (is.null(method)) "none" else method$label,
                 reference = if (is.null(method)) NA_character_ else method$reference,
                 conf.level = conf.level,
                 variance = if (robust) "robust" else "greenwood")
  if (!is.null(ci$info)) fit$ci <- c(fit$ci, ci$info)
  attr(fit, "unit") <- input$unit  # for axis labels (time_label())
  class(fit) <- c("smallsurv_km", "survfit")
  fit
}
