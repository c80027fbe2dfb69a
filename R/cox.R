#' Cox proportional-hazards model, with Firth's penalty for few events
#'
#' Fits the Cox model by maximum partial likelihood, as
#' [survival::coxph()] does, or with Firth's penalised partial likelihood
#' (Heinze & Schemper 2001, the coxphf package) when `firth = TRUE`, with
#' profile-likelihood confidence intervals. The result inherits from
#' `coxph`, so survival's methods (`summary()`, `predict()`,
#' `residuals()`, `survfit()`, `anova()`) and the packages built on them work
#' on it unchanged.
#'
#' @section Why Firth's penalty at n = 25:
#' With 5-10 events, maximum-likelihood hazard ratios are biased away from 1
#' and Wald intervals are too narrow. When every event of a group falls on one
#' side (all relapses in one dose level, say) the likelihood is *monotone*:
#' the estimate runs off to infinity and coxph() reports a huge coefficient
#' with a warning. Firth's penalty, \eqn{\ell^*(\beta) = \ell(\beta) +
#' \tfrac12 \log|I(\beta)|}, removes the first-order bias and always gives a
#' finite estimate; its intervals come from the profile penalised likelihood
#' (not Wald), as in coxphf. `cox()` warns in plain words when the
#' unpenalised likelihood looks monotone and suggests `firth = TRUE`.
#'
#' @section Conventions:
#' * **Unpenalised fits** equal `coxph()`: Breslow or Efron ties, strata,
#'   case weights, offsets, counting-process data `Surv(start, stop, event)`
#'   (delayed entry, time-dependent covariates from `survival::tmerge()`),
#'   near-tied times merged as `survival::aeqSurv()` does, Newton-Raphson
#'   from 0 with step halving until the relative change of the log partial
#'   likelihood is at most `eps` (coxph's rule). The robust (sandwich)
#'   variance sums the dfbeta residuals within `id`; it is the default when
#'   some `id` has more than one event or a weight is not a whole number
#'   (coxph's rule). Offsets enter the linear predictors as the installed
#'   survival does (minus their mean before survival 3.5-6). An empty
#'   factor level is dropped (coxph keeps it with an `NA` coefficient); a
#'   covariate without variation within the risk sets is an error.
#' * **Firth fits** use Breslow ties by default (`ties` not given), as coxphf
#'   does; Efron's are available. The variance is \eqn{I(\hat\beta)^{-1}},
#'   the unpenalised information at the penalised estimate (coxphf's). The
#'   stored `loglik` is the *penalised* log partial likelihood
#'   \eqn{\ell + \frac12\log|I|} at 0 and at the estimate (coxphf reports it
#'   on its standardised scale, which adds \eqn{-\sum_j \log sd_j}; the
#'   likelihood-ratio test is the same). Profile intervals maximise the
#'   penalised likelihood over the other coefficients with the penalty from
#'   the full information (coxphf's convention); p-values are penalised
#'   likelihood-ratio tests of each coefficient = 0. The iteration
#'   (coxphf's: steps \eqn{I^{-1}U^*}, no standardised component larger than
#'   0.5, halving while \eqn{\ell^*} falls) runs to a tighter tolerance than
#'   coxphf's defaults, so results equal coxphf run with `epsilon = gconv =
#'   1e-10` and differ from its defaults by about 1e-6.
#'
#' @param formula `Surv(time, status) ~ x1 + x2` or `Surv(start, stop,
#'   status) ~ ...`; `strata()` terms give separate baseline hazards.
#' @param data A data frame.
#' @param weights Optional case weights (a column of `data`).
#' @param subset Optional expression selecting rows.
#' @param na.action Function for missing values (default
#'   `getOption("na.action")`); the removed rows are reported by `print()`.
#' @param ties `"efron"` (coxph's default) or `"breslow"`. When `firth = TRUE`
#'   and `ties` is not given, `"breslow"` (coxphf's).
#' @param firth Use Firth's penalised partial likelihood.
#' @param robust Sandwich variance from dfbeta residuals summed within `id`
#'   (each row its own cluster without `id`; counting-process data need
#'   `id`). `NULL` (default): `TRUE` when a weight is not a whole number or
#'   some `id` has more than one event (coxph's rule).
#' @param id Optional subject identifier (a column of `data`): the cluster of
#'   the robust variance, for data with several rows per subject.
#' @param conf.level Level of the intervals stored with a Firth fit and used
#'   by `print()` and `tidy()`.
#' @param init Start values (default 0).
#' @param control [cox_control()].
#' @param ... Not used; any argument is an error.
#' @return An object of class `c("smallsurv_cox", "coxph")` with coxph's
#'   components (`coefficients`, `var`, `loglik`, `score`, `iter`,
#'   `linear.predictors`, `residuals`, `means`, `method`, `n`, `nevent`,
#'   `wald.test`, `terms`, `assign`, `xlevels`, `contrasts`, `y`, `formula`,
#'   `call`, `timefix`, `na.action`, and with a robust variance `naive.var`
#'   and `rscore`), plus `firth` (logical), `firth_penalty` (\eqn{\frac12\log|I|}
#'   at 0 and at the estimate; 0 without Firth), `profile` (for Firth fits: a
#'   data frame of profile limits and penalised likelihood-ratio tests),
#'   `convergence` (iterations, step halvings, last step and score, whether
#'   it converged) and `monotone` (coefficients flagged as possibly
#'   infinite).
#' @references
#' Cox DR (1972). Regression models and life-tables. *JRSS B* 34:187-220.
#'
#' Firth D (1993). Bias reduction of maximum likelihood estimates.
#' *Biometrika* 80:27-38. \doi{10.1093/biomet/80.1.27}
#'
#' Heinze G, Schemper M (2001). A solution to the problem of monotone
#' likelihood in Cox regression. *Biometrics* 57:114-119.
#' \doi{10.1111/j.0006-341X.2001.00114.x}
#' @family regression
#' @examples
#' fit <- cox(survival::Surv(efs_time, efs_status) ~ dose + mrd_negative, data = rrall)
#' fit
#' pen <- cox(survival::Surv(efs_time, efs_status) ~ dose + mrd_negative, data = rrall,
#'            firth = TRUE)
#' pen
#' confint(pen)
#' @export
cox <- function(formula, data, weights, subset, na.action, ties = c("efron", "breslow"),
                firth = FALSE, robust = NULL, id, conf.level = 0.95, init = NULL,
                control = cox_control(), ...) {
  mcall <- match.call()
  check_dots(match.call(expand.dots = FALSE)$..., "cox")
  check_flag(firth, "firth")
  check_conf_level(conf.level)
  if (!is.null(robust)) check_flag(robust, "robust")
  ties <- if (missing(ties) && firth) "breslow" else match_one(ties, c("efron", "breslow"), "ties")
  control <- check_cox_control(control)
  rf <- reg_frame(mcall, parent.frame(), verb = "cox")
  if (!rf$y_type %in% c("right", "counting")) {
    abort("cox(): the response must be `Surv(time, status)` or `Surv(start, stop, status)` ",
          "with a 0/1 status; for competing risks use fine_gray().")
  }
  # near-tied times merged as coxph does (aeqSurv()), so that the stored
  # response -- read by survival's methods and the concordance -- is the one
  # the fit used
  rf$y <- survival::aeqSurv(rf$y)
  if (isTRUE(robust) && rf$y_type == "counting" && is.null(rf$id)) {
    abort("cox(): a robust variance for `Surv(start, stop, status)` data needs `id` (the ",
          "subject of each row).")
  }
  check_reg_design(rf, "cox")
  if (!any(rf$y[, ncol(rf$y)] == 1)) abort("cox(): there are no events; a model needs some.")
  p <- ncol(rf$x)
  init <- check_init(init, p)
  if (is.null(robust)) {
    # coxph's rule: non-integer weights, or an id with more than one event
    st <- rf$y[, ncol(rf$y)]
    robust <- (!is.null(rf$weights) && any(rf$weights != floor(rf$weights))) ||
      (!is.null(rf$id) && anyDuplicated(rf$id[st == 1]) > 0L)
  }
  res <- reg_fit(rf, ties, firth, init, control, fine_gray = FALSE,
                 profile = if (firth) seq_len(p) else integer(0), conf.level = conf.level)
  new_cox(res, rf, ties, firth, robust, init, control, conf.level, mcall)
}

#' Control of the iterations of cox() and fine_gray()
#'
#' @param eps Unpenalised fits: converged when the relative change of the
#'   log partial likelihood is at most `eps` (coxph's rule and default).
#' @param iter.max Unpenalised fits: most Newton-Raphson iterations.
#' @param firth.tol Firth fits: converged when every component of the
#'   proposed step \eqn{I^{-1}U^*}, on the scale of the covariates' standard
#'   deviations, is at most this.
#' @param firth.iter.max Firth fits: most iterations.
#' @param max.step Firth fits: largest standardised step (coxphf's
#'   `maxstep`).
#' @param profile.limit Profile intervals: how far (in standard deviations of
#'   the covariate, on the log hazard-ratio scale) to look for a limit before
#'   calling it infinite.
#' @param profile.tol Profile intervals: relative precision of the limits.
#' @return A list of the settings.
#' @family regression
#' @export
cox_control <- function(eps = 1e-9, iter.max = 20L, firth.tol = 1e-9, firth.iter.max = 200L,
                        max.step = 0.5, profile.limit = 40, profile.tol = 1e-10) {
  out <- list(eps = eps, iter.max = iter.max, firth.tol = firth.tol,
              firth.iter.max = firth.iter.max, max.step = max.step,
              profile.limit = profile.limit, profile.tol = profile.tol)
  check_cox_control(out)
}

check_cox_control <- function(control) {
  if (!is.list(control)) abort("`control` must be a list made by cox_control().")
  need <- c("eps", "iter.max", "firth.tol", "firth.iter.max", "max.step", "profile.limit",
            "profile.tol")
  miss <- setdiff(need, names(control))
  if (length(miss)) abort("`control` lacks ", paste0("`", miss, "`", collapse = ", "),
                          "; make it with cox_control().")
  for (k in need) {
    v <- control[[k]]
    if (!is.numeric(v) || length(v) != 1L || is.na(v) || v <= 0) {
      abort("`control$", k, "` must be a single positive number.")
    }
  }
  control$iter.max <- as.integer(control$iter.max)
  control$firth.iter.max <- as.integer(control$firth.iter.max)
  control
}

check_init <- function(init, p) {
  if (is.null(init)) return(rep(0, p))
  if (!is.numeric(init) || length(init) != p || anyNA(init) || any(!is.finite(init))) {
    abort("`init` must be ", p, " finite number", if (p > 1L) "s", " (one per coefficient).")
  }
  as.numeric(init)
}

# The model frame, response, design matrix, strata, weights, offset and id
# of a regression formula, with coxph's specials (strata()).
# With `multi = TRUE` (fine_gray()) the status is read as surv_input() reads
# competing events (a factor, or codes with `cencode`): `y` is then a list
# of the times and multi_status()'s codes.
reg_frame <- function(mcall, env, verb, extra = character(0), multi = FALSE, cencode = NULL) {
  if (is.null(mcall$formula)) abort("`formula` is required, e.g. `Surv(time, status) ~ x`.")
  formula <- eval(mcall$formula, env)
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort("`formula` must be a two-sided formula such as `Surv(time, status) ~ x`.")
  }
  rec <- NULL
  if (multi) {
    formula <- strip_surv_namespace(formula)
    fenv <- environment(formula)
    if (is.null(fenv)) fenv <- env
    menv <- new.env(parent = fenv)
    rec <- new.env(parent = emptyenv())
    assign("Surv", make_raw_surv(rec), envir = menv)
    environment(formula) <- menv
  }
  data <- if (is.null(mcall$data)) NULL else eval(mcall$data, env)
  if (!is.null(data) && !is.data.frame(data)) abort("`data` must be a data frame.")
  Terms <- stats::terms(formula, specials = "strata", data = data)
  if (!is.null(attr(Terms, "specials")$cluster) || any(grepl("^cluster\\(", attr(Terms, "term.labels")))) {
    abort(verb, "(): use the `id` argument instead of a cluster() term.")
  }
  mf <- mcall[c(1L, match(c("formula", "data", "weights", "subset", "id", extra), names(mcall), 0L))]
  mf[[1L]] <- quote(stats::model.frame)
  mf$formula <- Terms
  mf$na.action <- quote(stats::na.pass)
  mf <- eval(mf, env)
  mf <- apply_na_action(mf, mcall, env)
  if (nrow(mf) == 0L) abort(verb, "(): no observations left to analyse.")
  # a factor level no kept row has would be a column of zeros (coxph gives it
  # an NA coefficient): dropped
  fac <- vapply(mf, is.factor, logical(1))
  mf[fac] <- lapply(mf[fac], droplevels)
  Terms <- stats::terms(mf)
  y <- stats::model.response(mf)
  if (multi) {
    if (!is_raw_surv(y)) abort("`formula`: the left-hand side must be `Surv(time, status)`.")
    cn <- sub(raw_surv_prefix, "", colnames(y), fixed = TRUE)
    if ("entry" %in% cn) {
      abort(verb, "(): delayed entry `Surv(start, stop, status)` is not supported.")
    }
    status <- y[, cn == "status"]
    if (!is.null(rec$levels)) {
      status <- if (identical(rec$type, "character")) rec$levels[as.integer(status)] else
        structure(as.integer(status), levels = rec$levels, class = "factor")
    }
    labels <- row.names(mf)
    ms <- multi_status(status, cencode, function(i) labels[i])
    y <- list(time = unname(y[, cn == "time"]), status = ms$status, causes = ms$causes,
              censor_label = ms$censor_label)
  } else if (!inherits(y, "Surv")) {
    abort("`formula`: the left-hand side must be a `Surv()` object.")
  }
  stemp <- survival::untangle.specials(Terms, "strata", 1)
  strata <- NULL
  Terms2 <- Terms
  if (length(stemp$vars)) {
    strata <- if (length(stemp$vars) == 1L) as.factor(mf[[stemp$vars]]) else
      survival::strata(mf[stemp$vars], shortlabel = TRUE)
    strata <- droplevels(as.factor(strata))
    Terms2 <- Terms[-stemp$terms]
  }
  x <- stats::model.matrix(Terms2, mf)
  assign_raw <- attr(x, "assign")
  contrasts <- attr(x, "contrasts")
  keep <- colnames(x) != "(Intercept)"
  x <- x[, keep, drop = FALSE]
  assign_raw <- assign_raw[keep]
  labs <- attr(Terms2, "term.labels")
  assign <- lapply(seq_along(labs), function(k) which(assign_raw == k))
  names(assign) <- labs
  assign <- assign[lengths(assign) > 0L]
  attr(x, "assign") <- assign_raw
  w <- stats::model.weights(mf)
  off <- stats::model.offset(mf)
  id <- mf[["(id)"]]
  list(mf = mf, terms = Terms, terms_x = Terms2, y = y,
       y_type = if (multi) "right" else attr(y, "type"), x = x, strata = strata,
       weights = if (is.null(w)) NULL else as.numeric(w),
       offset = if (is.null(off)) NULL else as.numeric(off), id = id, assign = assign,
       xlevels = stats::.getXlevels(Terms2, mf), contrasts = contrasts,
       na.action = attr(mf, "na.action"), formula = formula)
}

# Checks shared by cox() and fine_gray(): weights, design (no constant
# column, full rank), events present.
check_reg_design <- function(rf, verb) {
  x <- rf$x
  rows <- function(i) format_rows(rownames(rf$mf)[i])
  if (!ncol(x)) abort(verb, "(): the model has no covariates; use km() or cif() for curves.")
  if (!is.null(rf$weights)) {
    bad <- which(!is.finite(rf$weights) | rf$weights < 0)
    if (length(bad)) abort("`weights` must be finite and >= 0; not so in ", rows(bad), ".")
  }
  if (!is.null(rf$offset) && any(!is.finite(rf$offset))) {
    abort("the offset must be finite; not so in ", rows(which(!is.finite(rf$offset))), ".")
  }
  bad <- which(!is.finite(rowSums(x)))
  if (length(bad)) abort(verb, "(): covariates must be finite; not so in ", rows(bad), ".")
  const <- colnames(x)[colSums(x != rep(x[1L, ], each = nrow(x))) == 0]
  if (length(const)) {
    abort(verb, "(): ", paste0("`", const, "`", collapse = ", "), " has no variation ",
          "(the same value in every row); remove it from the formula.")
  }
  q <- qr(x - rep(colMeans(x), each = nrow(x)))
  if (q$rank < ncol(x)) {
    alias <- colnames(x)[q$pivot[seq.int(q$rank + 1L, ncol(x))]]
    abort(verb, "(): the design is rank deficient: ", paste0("`", alias, "`", collapse = ", "),
          " is a linear combination of the other covariates; remove ",
          if (length(alias) > 1L) "them" else "it", ".")
  }
}

# One call of the C++ fit from a reg_frame().
reg_fit <- function(rf, ties, firth, init, control, fine_gray, profile = integer(0),
                    conf.level = 0.95, status = NULL) {
  y <- rf$y
  counting <- rf$y_type == "counting"
  stop <- if (is.list(y)) y$time else as.numeric(if (counting) y[, 2L] else y[, 1L])
  entry <- if (counting) as.numeric(y[, 1L]) else NULL
  if (is.null(status)) status <- as.integer(y[, if (counting) 3L else 2L])
  ctl <- c(control, list(firth = firth))
  coxreg_fit_cpp(stop, entry, status, if (is.null(rf$strata)) NULL else as.integer(rf$strata),
                 if (is.null(rf$strata)) 1L else nlevels(rf$strata), rf$x, rf$weights, rf$offset,
                 identical(ties, "efron"), fine_gray, TRUE, init, ctl, as.integer(profile),
                 stats::qchisq(conf.level, 1), TRUE)
}

new_cox <- function(res, rf, ties, firth, robust, init, control, conf.level, mcall) {
  x <- rf$x
  nm <- colnames(x)
  p <- length(nm)
  coef <- stats::setNames(res$coef, nm)
  var <- res$var
  w <- if (is.null(rf$weights)) rep(1, nrow(x)) else rf$weights
  # coxph's centring: weighted means (unweighted for counting-process data),
  # 0 for columns whose values all lie in {-1, 0, 1} (e.g. factor dummies)
  means <- if (rf$y_type == "counting") colMeans(x) else colSums(x * w) / sum(w)
  means[colSums(x != -1 & x != 0 & x != 1) == 0] <- 0
  # the offset enters as the installed survival does: raw from 3.5-6, minus
  # its mean before (survival's NEWS, 3.5-6)
  off <- if (is.null(rf$offset)) 0 else
    rf$offset - if (utils::packageVersion("survival") < "3.5-6") mean(rf$offset) else 0
  lp <- as.numeric(x %*% coef) + off - sum(coef * means)
  mart <- stats::setNames(res$martingale, rownames(rf$mf))
  if (!res$converged) {
    warning("cox(): the fit did not converge in ", res$iter, " iterations; see `control`.",
            call. = FALSE)
  }
  monotone <- nm[res$infinite & !firth]
  if (length(monotone)) {
    warning("cox(): the likelihood keeps rising as ", paste0("`", monotone, "`", collapse = ", "),
            " grows (monotone likelihood: typically all events in one group); its estimate ",
            "and Wald interval are meaningless. Use `firth = TRUE` (Firth's penalised ",
            "likelihood with profile intervals).", call. = FALSE)
  }
  loglik <- res$loglik + if (firth) res$penalty else 0
  fit <- list(coefficients = coef, var = var, loglik = loglik, score = res$score_test,
              iter = res$iter, linear.predictors = lp, residuals = mart, means = means,
              method = ties, n = nrow(x), nevent = as.numeric(sum(rf$y[, ncol(rf$y)] == 1)))
  if (robust) {
    dfb <- (res$score_resid * w) %*% var
    cl <- if (is.null(rf$id)) seq_len(nrow(x)) else rf$id
    dfb <- rowsum(dfb, cl, reorder = FALSE)
    fit$naive.var <- var
    fit$var <- crossprod(dfb)
    fit$rscore <- robust_score_test(rf, ties, cl, w, init)
  }
  fit$var <- unname(fit$var)
  if (!is.null(fit$naive.var)) fit$naive.var <- unname(fit$naive.var)
  bd <- coef - init
  fit$wald.test <- tryCatch(sum(bd * solve(fit$var, bd)), error = function(e) NA_real_)
  fit$concordance <- cox_concordance(rf, lp, if (robust) rf$id)
  fit$terms <- rf$terms
  fit$assign <- rf$assign
  fit$xlevels <- rf$xlevels
  fit$contrasts <- rf$contrasts
  fit$y <- rf$y
  if (!is.null(rf$weights) && any(rf$weights != 1)) fit$weights <- rf$weights
  fit$formula <- rf$formula
  fit$call <- mcall
  fit$timefix <- TRUE
  if (!is.null(rf$na.action)) fit$na.action <- rf$na.action
  fit$firth <- firth
  fit$firth_penalty <- if (firth) res$penalty else c(0, 0)
  fit$loglik_unpenalised <- res$loglik
  fit$conf.level <- conf.level
  fit$convergence <- list(converged = res$converged, iter = res$iter, halvings = res$halvings,
                          max_step = res$max_step, max_score = res$max_score)
  fit$monotone <- monotone
  fit$fit_input <- list(rf = rf[c("y", "y_type", "x", "strata", "weights", "offset")],
                        ties = ties, init = init, control = control)
  if (firth) fit$profile <- profile_table(res, nm, conf.level)
  class(fit) <- c("smallsurv_cox", "coxph")
  fit
}

# A fit's profile limits as a data frame (log hazard-ratio scale).
profile_table <- function(res, nm, conf.level) {
  pr <- res$profile
  data.frame(term = nm, lower = pr$lower, upper = pr$upper, conf.level = conf.level,
             statistic = pr$lr_zero, p.value = stats::pchisq(pr$lr_zero, 1, lower.tail = FALSE),
             row.names = NULL)
}

# coxph's robust score test: u' (U0'U0)^-1 u with the score residuals at
# `init` summed within clusters; as coxph, without the offset.
robust_score_test <- function(rf, ties, cl, w, init) {
  ctl <- cox_control(iter.max = 1L)
  ctl$iter.max <- 0L
  rf$offset <- NULL
  r0 <- reg_fit(rf, ties, FALSE, init, ctl, fine_gray = FALSE)
  u <- rowsum(r0$score_resid * w, cl, reorder = FALSE)
  tot <- colSums(u)
  v <- crossprod(u)
  tryCatch(sum(tot * solve(v, tot)), error = function(e) NA_real_)
}

# coxph's concordance vector from the linear predictors.
cox_concordance <- function(rf, lp, cluster = NULL) {
  args <- list(rf$y, lp, rf$strata, rf$weights, reverse = TRUE, timefix = FALSE)
  if (!is.null(cluster)) args$cluster <- cluster
  cf <- tryCatch(do.call(survival::concordancefit, args), error = function(e) NULL)
  if (is.null(cf)) return(NULL)
  count <- if (is.matrix(cf$count)) colSums(cf$count) else cf$count
  c(count, concordance = cf$concordance, std = sqrt(cf$var))
}
