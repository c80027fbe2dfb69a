#' How well do regression estimates and intervals behave at your sample size?
#'
#' Simulates small trials with one binary covariate (a dose level, MRD
#' negativity) and a known hazard ratio, fits each by maximum likelihood and
#' by Firth's penalised likelihood ([cox()] or [fine_gray()]), and reports
#' the bias of the estimates and the coverage, tail errors and width of
#' their Wald and profile-likelihood intervals -- the regression
#' counterpart of [ci_coverage()]. The Firth-penalised Fine-Gray model is
#' new; this is its validation.
#'
#' @section Designs:
#' * `model = "cox"`: event times exponential with rate
#'   `rate * exp(beta * x)`, \eqn{x \sim} Bernoulli(1/2).
#' * `model = "fine_gray"`: the cause of interest from Fine & Gray's (1999)
#'   simulation model, \eqn{F_1(t \mid x) = 1 - [1 - p(1 - e^{-\lambda
#'   t})]^{\exp(\beta x)}} with \eqn{p} = `p_cause` and \eqn{\lambda} =
#'   `rate`; the competing event, with probability \eqn{1 - F_1(\infty \mid
#'   x)}, at an exponential time with rate `competing_rate`.
#' * Censoring: exponential drop-out with rate `dropout` and the end of
#'   follow-up at `follow_up` (administrative).
#' A simulated trial with no event of interest, or with all patients in one
#' group, has no model; it is counted in `no_model` and left out.
#'
#' @section What is reported:
#' Per method: `bias` (mean of estimate - beta over the finite estimates),
#' `median_bias`, `coverage` (the interval contains beta), `below` and
#' `above` (beta lies below the lower / above the upper limit), `width`
#' (median width on the log hazard-ratio scale; infinite limits make it
#' `Inf`), `infinite` (share of intervals with an infinite limit),
#' `monotone` (share of maximum-likelihood fits flagged as monotone),
#' `unconverged` (share of fits that stopped at the iteration limit; they
#' are kept, as a user would see them with a warning).
#' Methods: `"ml-wald"` (coxph's / crr's estimate and Wald interval),
#' `"ml-profile"` (profile likelihood), `"firth-profile"` (Firth's estimate,
#' profile penalised likelihood, as coxphf) and `"firth-wald"` (Firth's
#' estimate with a Wald interval).
#'
#' @param model `"cox"` or `"fine_gray"`.
#' @param n Patients per simulated trial.
#' @param beta The true log hazard ratio (subdistribution hazard ratio for
#'   `"fine_gray"`).
#' @param reps Simulated trials.
#' @param seed Seed for R's generator (`NULL`: the current state).
#' @param rate Event rate (per unit of time) in the reference group.
#' @param follow_up End of follow-up.
#' @param dropout Rate of drop-out censoring.
#' @param p_cause,competing_rate Fine-Gray design (see Designs).
#' @param conf.level Confidence level.
#' @return A data frame of class `smallsurv_regcov`, one row per method,
#'   with the columns above, and attributes `design` (the arguments) and
#'   `events` (the mean and range of the number of events of interest).
#' @family regression
#' @examples
#' reg_coverage("cox", n = 25, beta = log(3), reps = 50, seed = 1)
#' @export
reg_coverage <- function(model = c("cox", "fine_gray"), n = 25, beta = log(2), reps = 1000,
                         seed = NULL, rate = 0.1, follow_up = 8, dropout = 0.02,
                         p_cause = 0.5, competing_rate = 0.1, conf.level = 0.95) {
  model <- match_one(model, c("cox", "fine_gray"), "model")
  n <- check_count(n, "n", max = 1e5)
  if (n < 2) abort("`n` must be at least 2.")
  reps <- check_reps(reps, 1, 1e6, "simulated trials")
  check_conf_level(conf.level)
  for (a in c("beta", "rate", "follow_up", "dropout", "p_cause", "competing_rate")) {
    v <- get(a)
    if (!is.numeric(v) || length(v) != 1L || !is.finite(v)) abort("`", a, "` must be a number.")
  }
  if (rate <= 0 || follow_up <= 0 || dropout < 0 || competing_rate <= 0) {
    abort("`rate`, `follow_up` and `competing_rate` must be > 0 and `dropout` >= 0.")
  }
  if (p_cause <= 0 || p_cause >= 1) abort("`p_cause` must be in (0, 1).")
  if (!is.null(seed)) {
    seed <- check_seed(seed)
    old <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
    on.exit(if (is.null(old)) rm(".Random.seed", envir = globalenv()) else
      assign(".Random.seed", old, envir = globalenv()), add = TRUE)
    set.seed(seed)
  }
  methods <- c("ml-wald", "ml-profile", "firth-profile", "firth-wald")
  est <- lo <- hi <- matrix(NA_real_, reps, length(methods), dimnames = list(NULL, methods))
  mono <- rep(NA, reps)
  unconv <- matrix(FALSE, reps, 2L)  # maximum likelihood, Firth
  events <- numeric(reps)
  ctl <- cox_control()
  z <- stats::qnorm(1 - (1 - conf.level) / 2)
  for (r in seq_len(reps)) {
    d <- reg_simulate(model, n, beta, rate, follow_up, dropout, p_cause, competing_rate)
    events[r] <- sum(d$status == 1L)
    if (events[r] == 0L || length(unique(d$x)) < 2L) next
    rf <- list(y = if (model == "cox") cbind(time = d$time, status = d$status) else
                 list(time = d$time),
               y_type = "right", x = matrix(d$x, ncol = 1L, dimnames = list(NULL, "x")),
               strata = NULL, weights = NULL, offset = NULL)
    fg <- model == "fine_gray"
    fit_one <- function(firth) {
      tryCatch(reg_fit(rf, "breslow", firth, 0, ctl, fine_gray = fg, profile = 1L,
                       conf.level = conf.level, status = d$status),
               error = function(e) NULL)
    }
    ml <- fit_one(FALSE)
    pen <- fit_one(TRUE)
    if (!is.null(ml)) {
      se <- reg_se(ml, fg)
      est[r, 1:2] <- ml$coef
      lo[r, 1:2] <- c(ml$coef - z * se, ml$profile$lower)
      hi[r, 1:2] <- c(ml$coef + z * se, ml$profile$upper)
      mono[r] <- ml$infinite[1L]
      unconv[r, 1L] <- !ml$converged
    }
    if (!is.null(pen)) {
      se <- reg_se(pen, fg)
      est[r, 3:4] <- pen$coef
      lo[r, 3:4] <- c(pen$profile$lower, pen$coef - z * se)
      hi[r, 3:4] <- c(pen$profile$upper, pen$coef + z * se)
      unconv[r, 2L] <- !pen$converged
    }
  }
  ok <- !is.na(est[, "firth-profile"]) & !is.na(est[, "ml-wald"])
  out <- data.frame(method = methods, stringsAsFactors = FALSE)
  fin <- function(v) v[is.finite(v)]
  out$bias <- vapply(methods, function(m) mean(fin(est[ok, m])) - beta, numeric(1))
  out$median_bias <- vapply(methods, function(m) stats::median(est[ok, m]) - beta, numeric(1))
  out$coverage <- colMeans(lo[ok, , drop = FALSE] <= beta & beta <= hi[ok, , drop = FALSE])
  out$below <- colMeans(beta < lo[ok, , drop = FALSE])
  out$above <- colMeans(beta > hi[ok, , drop = FALSE])
  out$width <- apply(hi[ok, , drop = FALSE] - lo[ok, , drop = FALSE], 2L, stats::median)
  out$infinite <- colMeans(!is.finite(lo[ok, , drop = FALSE]) | !is.finite(hi[ok, , drop = FALSE]))
  out$monotone <- c(rep(mean(mono[ok]), 2L), NA, NA)
  out$unconverged <- rep(colMeans(unconv[ok, , drop = FALSE]), each = 2L)
  out$trials <- sum(ok)
  out$no_model <- reps - sum(ok)
  rownames(out) <- NULL
  structure(out, class = c("smallsurv_regcov", "data.frame"),
            design = list(model = model, n = n, beta = beta, reps = reps, rate = rate,
                          follow_up = follow_up, dropout = dropout, p_cause = p_cause,
                          competing_rate = competing_rate, conf.level = conf.level),
            events = c(mean = mean(events), min = min(events), max = max(events)))
}

# The standard error the package reports for a fit: Cox, I^-1; Fine-Gray,
# crr's sandwich.
reg_se <- function(res, fine_gray) {
  if (!fine_gray) return(sqrt(res$var[1L, 1L]))
  infl <- res$score_resid + res$psi
  sqrt((res$var %*% crossprod(infl) %*% res$var)[1L, 1L])
}

# One simulated trial (see reg_coverage()).
reg_simulate <- function(model, n, beta, rate, follow_up, dropout, p_cause, competing_rate) {
  x <- stats::rbinom(n, 1L, 0.5)
  if (model == "cox") {
    t <- stats::rexp(n, rate * exp(beta * x))
    cause <- rep(1L, n)
  } else {
    f1inf <- 1 - (1 - p_cause)^exp(beta * x)
    cause <- ifelse(stats::runif(n) < f1inf, 1L, 2L)
    u <- stats::runif(n)
    # invert F1(t | x) = u F1(inf | x) for the cause of interest
    a <- (1 - (1 - u * f1inf)^exp(-beta * x)) / p_cause
    t1 <- -log(pmax(1 - a, .Machine$double.xmin)) / rate
    t <- ifelse(cause == 1L, t1, stats::rexp(n, competing_rate))
  }
  cens <- pmin(if (dropout > 0) stats::rexp(n, dropout) else Inf, follow_up)
  time <- pmin(t, cens)
  status <- ifelse(t <= cens, cause, 0L)
  data.frame(time = time, status = as.integer(status), x = x)
}

#' @export
print.smallsurv_regcov <- function(x, digits = 3, ...) {
  d <- attr(x, "design")
  ev <- attr(x, "events")
  cat_wrapped(if (d$model == "cox") "Cox model" else "Fine-Gray model", ": n = ", d$n,
              ", true log HR = ", format(signif(d$beta, 3)), ", ", x$trials[1],
              " simulated trials (", x$no_model[1], " without a model), events per trial: mean ",
              format(signif(ev[["mean"]], 3)), ", range ", ev[["min"]], "-", ev[["max"]])
  tab <- as.data.frame(x)[c("method", "bias", "median_bias", "coverage", "below", "above",
                            "width", "infinite", "monotone", "unconverged")]
  num <- vapply(tab, is.numeric, logical(1))
  tab[num] <- lapply(tab[num], function(v) signif(v, digits))
  print(tab, row.names = FALSE)
  cat_wrapped("Intervals at ", format(100 * d$conf.level), "%; bias and width on the log ",
              "hazard-ratio scale; monotone: share of maximum-likelihood fits whose estimate ",
              "is not finite.")
  invisible(x)
}
