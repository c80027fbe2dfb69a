#' Fine-Gray subdistribution-hazard model, with Firth's penalty for few events
#'
#' Regresses the cumulative incidence of one cause on covariates through the
#' subdistribution hazard (Fine & Gray 1999), as [cmprsk::crr()] does, or
#' with Firth's penalised likelihood when `firth = TRUE` -- which no other R
#' package offers for this model.
#'
#' @section Conventions:
#' * **Weights** (crr's): a subject with a competing event at \eqn{T_j}
#'   stays in later risk sets with weight \eqn{\hat G(t-)/\hat G(T_j-)},
#'   \eqn{\hat G} the Kaplan-Meier estimate of the censoring distribution
#'   in which a failure at a tied time is still at risk for the censorings
#'   there. `survival::finegray()` orders such ties the other way (failures
#'   leave first), so with censorings tied to event times the two differ in
#'   the third digit; without such ties `fine_gray()` also equals `coxph()`
#'   on `finegray()` data with Breslow ties. Near-tied times are merged as
#'   `survival::aeqSurv()` does. Censorings at time 0: \eqn{\hat G(0-) = 1}
#'   (crr reads \eqn{\hat G} just after them there, an artefact of how it
#'   evaluates \eqn{\hat G} just before a time; the two differ only with
#'   censorings at time 0).
#' * **Ties** among events: Breslow's (crr's).
#' * **Variance**: crr's sandwich, \eqn{I^{-1} [\sum_i (\eta_i + \psi_i)
#'   (\eta_i + \psi_i)^T] I^{-1}}, whose \eqn{\psi} term accounts for
#'   estimating \eqn{\hat G}; `naive.var` is \eqn{I^{-1}} (crr's
#'   `invinf`). For Firth fits the same sandwich at the penalised estimate.
#' * **Fitting**: Newton-Raphson from 0 to a tight optimum (crr's default
#'   `gtol = 1e-6` stops about 1e-5 short; compare with crr run with
#'   `gtol = 1e-12`).
#' * **Firth** (`firth = TRUE`): maximises \eqn{\ell_w + \frac12\log|I_w|},
#'   the weighted log pseudo-likelihood and the information of the same
#'   weighted likelihood, with profile penalised-likelihood intervals and
#'   penalised likelihood-ratio tests (the scheme of [cox()] with
#'   `firth = TRUE`). This is new: with estimated censoring weights there is
#'   no established theory for its bias reduction, and it is validated here
#'   by the gradient check in the tests, not by a published study.
#' * Not supported: strata, case weights, delayed entry, crr's `cengroup`
#'   and time-varying `cov2`.
#'
#' @param formula `Surv(time, status) ~ x1 + x2`, the status a factor whose
#'   first level is censoring, or codes with `cencode`.
#' @param data A data frame.
#' @param cause The cause of interest: a level (or code) of the status;
#'   default the first cause.
#' @param cencode The censoring code when the status is not a factor.
#' @param subset Optional expression selecting rows.
#' @param na.action Function for missing values.
#' @param firth Use Firth's penalised likelihood.
#' @param conf.level Level of the stored intervals.
#' @param init Start values (default 0).
#' @param control [cox_control()].
#' @param ... Not used; any argument is an error.
#' @return An object of class `smallsurv_fg`: `coefficients`, `var` (the
#'   sandwich), `naive.var`, `loglik` (at 0 and at the estimate; penalised
#'   for Firth fits), `score` (score test at 0), `n`, `nevent`, `cause`,
#'   `causes`, `firth`, `firth_penalty`, `profile` (Firth fits), `convergence`,
#'   `basehaz` (the Breslow jumps of the baseline cumulative subdistribution
#'   hazard at the covariate means, crr's `bfitj`, with `time` = crr's
#'   `uftime`), `means`, `terms`, `xlevels`, `call`, `na.action`.
#' @references
#' Fine JP, Gray RJ (1999). A proportional hazards model for the
#' subdistribution of a competing risk. *JASA* 94:496-509.
#' \doi{10.1080/01621459.1999.10474144}
#'
#' Kohl M, Plischke M, Leffondre K, Heinze G (2015). PSHREG: a SAS macro for
#' proportional and nonproportional subdistribution hazards regression.
#' *Comput Methods Programs Biomed* 118:218-233.
#' \doi{10.1016/j.cmpb.2014.11.009}
#' @family regression
#' @examples
#' ep <- endpoints(rrall, endpoint = "competing")
#' ep$mrd_negative <- rrall$mrd_negative
#' # HSCT as the cause of interest; relapse, CAR-T and death compete
#' fine_gray(survival::Surv(time, event) ~ mrd_negative, data = ep, cause = "HSCT")
#' # with Firth's penalty and profile intervals
#' fine_gray(survival::Surv(time, event) ~ mrd_negative, data = ep, cause = "HSCT",
#'           firth = TRUE)
#' @export
fine_gray <- function(formula, data, cause = NULL, cencode = NULL, subset, na.action,
                      firth = FALSE, conf.level = 0.95, init = NULL, control = cox_control(),
                      ...) {
  mcall <- match.call()
  check_dots(match.call(expand.dots = FALSE)$..., "fine_gray")
  check_flag(firth, "firth")
  check_conf_level(conf.level)
  control <- check_cox_control(control)
  if (!is.null(mcall$weights)) abort("fine_gray(): case weights are not supported.")
  rf <- reg_frame(mcall, parent.frame(), verb = "fine_gray", multi = TRUE, cencode = cencode)
  if (!is.null(rf$strata)) abort("fine_gray(): strata() terms are not supported.")
  causes <- rf$y$causes
  k <- if (is.null(cause)) 1L else match(as.character(cause), causes)
  if (length(k) != 1L || is.na(k)) {
    abort("`cause` must be one of the causes ", paste0("\"", causes, "\"", collapse = ", "),
          "; got ", deparse1(cause), ".")
  }
  code <- rf$y$status
  status <- ifelse(code == 0L, 0L, ifelse(code == k, 1L, 2L))
  if (!any(status == 1L)) abort("fine_gray(): cause \"", causes[k], "\" has no events.")
  check_reg_design(rf, "fine_gray")
  p <- ncol(rf$x)
  init <- check_init(init, p)
  res <- reg_fit(rf, "breslow", firth, init, control, fine_gray = TRUE,
                 profile = if (firth) seq_len(p) else integer(0), conf.level = conf.level,
                 status = status)
  nm <- colnames(rf$x)
  if (!res$converged) {
    warning("fine_gray(): the fit did not converge in ", res$iter, " iterations; see `control`.",
            call. = FALSE)
  }
  monotone <- nm[res$infinite & !firth]
  if (length(monotone)) {
    warning("fine_gray(): the pseudo-likelihood keeps rising as ",
            paste0("`", monotone, "`", collapse = ", "), " grows (monotone likelihood); its ",
            "estimate and Wald interval are meaningless. Use `firth = TRUE`.", call. = FALSE)
  }
  V <- res$var
  infl <- res$score_resid + res$psi
  sand <- V %*% crossprod(infl) %*% V
  bd <- res$coef - init
  fit <- list(coefficients = stats::setNames(res$coef, nm), var = unname(sand),
              naive.var = unname(V),
              loglik = res$loglik + if (firth) res$penalty else 0,
              loglik_unpenalised = res$loglik, firth_penalty = if (firth) res$penalty else c(0, 0),
              score = res$score_test,
              wald.test = tryCatch(sum(bd * solve(sand, bd)), error = function(e) NA_real_),
              n = nrow(rf$x), nevent = res$nevent, cause = causes[k], causes = causes,
              censor_label = rf$y$censor_label, firth = firth, conf.level = conf.level,
              method = "breslow",
              convergence = list(converged = res$converged, iter = res$iter,
                                 halvings = res$halvings, max_step = res$max_step,
                                 max_score = res$max_score),
              monotone = monotone,
              means = colMeans(rf$x),
              basehaz = data.frame(time = res$hazard$time, hazard = res$hazard$hazard),
              terms = rf$terms_x, xlevels = rf$xlevels, contrasts = rf$contrasts,
              call = mcall, na.action = rf$na.action,
              fit_input = list(rf = rf[c("y", "y_type", "x", "strata", "weights", "offset")],
                               ties = "breslow", init = init, control = control,
                               fine_gray = TRUE, status = status))
  if (firth) fit$profile <- profile_table(res, nm, conf.level)
  class(fit) <- "smallsurv_fg"
  fit
}

#' @rdname cox-methods
#' @export
print.smallsurv_fg <- function(x, digits = max(1L, getOption("digits") - 3L), ...) {
  cat_wrapped("Fine-Gray subdistribution-hazard model for \"", x$cause, "\" (competing: ",
              paste0("\"", setdiff(x$causes, x$cause), "\"", collapse = ", "), ")",
              if (isTRUE(x$firth)) ", Firth's penalised likelihood" else "")
  if (isTRUE(x$firth)) {
    print_firth_table(x, digits)
  } else {
    z <- x$coefficients / sqrt(diag(x$var))
    ci <- stats::confint(x, level = x$conf.level)
    print_reg_table(x, ci[, 1L], ci[, 2L], list(z = z), 2 * stats::pnorm(-abs(z)), digits,
                    paste0("Standard errors: crr's sandwich (with the censoring-weight ",
                           "term); Wald intervals (of exp(coef)) and tests."))
  }
  cat("n = ", x$n, ", events of \"", x$cause, "\" = ", format(x$nevent), "\n", sep = "")
  if (!is.null(x$na.action)) cat(length(x$na.action), " rows removed (missing values)\n")
  reg_footnotes(x)
  invisible(x)
}

#' @rdname cox-methods
#' @export
summary.smallsurv_fg <- function(object, ...) {
  object
}

#' @rdname cox-methods
#' @export
confint.smallsurv_fg <- function(object, parm, level = 0.95, method = NULL, ...) {
  confint.smallsurv_cox(object, parm, level, method, ...)
}

#' @rdname cox-methods
#' @export
tidy.smallsurv_fg <- function(x, exponentiate = FALSE, conf.int = FALSE, conf.level = 0.95,
                              ...) {
  tidy.smallsurv_cox(x, exponentiate, conf.int, conf.level, ...)
}

#' @rdname cox-methods
#' @export
glance.smallsurv_fg <- function(x, ...) {
  out <- glance.smallsurv_cox(x)
  out[setdiff(names(out), c("AIC", "BIC"))]
}

#' @rdname cox-methods
#' @export
vcov.smallsurv_fg <- function(object, ...) {
  v <- object$var
  dimnames(v) <- list(names(object$coefficients), names(object$coefficients))
  v
}

#' Cumulative incidence from a Fine-Gray fit for new covariate values
#'
#' \eqn{F(t \mid x) = 1 - \exp\{-e^{(x - \bar x)\beta} \sum_{t_k \le t}
#' \Delta\Lambda_0(t_k)\}} with the Breslow baseline at the covariate means,
#' as `predict.crr()`. Times beyond the last event time of the cause carry
#' the last value; times beyond the last follow-up are `NA` (no
#' extrapolation).
#'
#' @param object A [fine_gray()] fit.
#' @param newdata A data frame with the covariates.
#' @param times Times at which to report (default: the event times).
#' @param ... Not used.
#' @return A matrix: one row per time (`times` as row names), one column per
#'   row of `newdata`.
#' @family regression
#' @export
predict.smallsurv_fg <- function(object, newdata, times = NULL, ...) {
  if (missing(newdata) || !is.data.frame(newdata)) abort("`newdata` must be a data frame.")
  tt <- stats::delete.response(object$terms)
  mf <- stats::model.frame(tt, newdata, xlev = object$xlevels, na.action = stats::na.pass)
  x <- stats::model.matrix(tt, mf, contrasts.arg = object$contrasts)
  x <- x[, colnames(x) != "(Intercept)", drop = FALSE]
  x <- x[, names(object$coefficients), drop = FALSE]
  lp <- as.numeric(sweep(x, 2L, object$means) %*% object$coefficients)
  bh <- object$basehaz
  last <- max(object$fit_input$rf$y$time)
  if (is.null(times)) times <- bh$time
  check_times_arg(times)
  H <- c(0, cumsum(bh$hazard))[findInterval(times, bh$time) + 1L]
  out <- 1 - exp(-outer(H, exp(lp)))
  out[times > last, ] <- NA_real_
  dimnames(out) <- list(format(times), rownames(newdata))
  out
}
