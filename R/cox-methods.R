# Methods for cox() fits (class c("smallsurv_cox", "coxph")). Unpenalised
# fits print and summarise as coxph does (survival's methods) plus a line on
# how much the estimates rest on; Firth fits show profile intervals and
# penalised likelihood-ratio tests instead of Wald ones.

#' Print, summarise and tidy a cox() or fine_gray() fit
#'
#' `print()` shows the coefficients with hazard ratios, standard errors and
#' the interval and test that belong to the fit: Wald for unpenalised Cox fits
#' (as coxph prints them), profile penalised likelihood for Firth fits. It
#' adds the number of events per coefficient, and a note when it is below 10
#' (the usual rule of thumb under which maximum-likelihood estimates are
#' biased). `summary()` of a Cox fit is survival's `summary.coxph()`; for a
#' Firth fit the interval columns hold the profile limits and the
#' penalised likelihood-ratio tests are added as `profile`.
#'
#' @param x,object A fit from [cox()] or [fine_gray()].
#' @param digits Significant digits.
#' @param parm Coefficients (names or positions); default all.
#' @param level Confidence level.
#' @param method `"wald"` or `"profile"`; default `"profile"` for Firth fits
#'   and `"wald"` otherwise (as `confint()` of a coxph fit).
#' @param exponentiate Report hazard ratios (`exp(coef)`) and their limits.
#' @param conf.int Add the interval columns `conf.low`, `conf.high`.
#' @param conf.level Level of those intervals.
#' @param ... Passed on (ignored by `tidy()` and `glance()`).
#' @return `print()` returns `x` invisibly; `confint()` a matrix with one
#'   row per coefficient and the columns of [stats::confint()]; `tidy()` a
#'   data frame with broom's columns (`term`, `estimate`, `std.error`,
#'   `statistic`, `p.value`, and `conf.low`, `conf.high`); for Firth fits
#'   `statistic` and `p.value` are the penalised likelihood-ratio test and
#'   the interval is the profile one. `glance()` a one-row data frame
#'   (`n`, `nevent`, the likelihood-ratio, score and Wald tests, `logLik`,
#'   `AIC`, `BIC`, `nobs`, and `firth`).
#' @family regression
#' @name cox-methods
NULL

#' @rdname cox-methods
#' @export
print.smallsurv_cox <- function(x, digits = max(1L, getOption("digits") - 3L), ...) {
  if (!isTRUE(x$firth)) {
    NextMethod()
  } else {
    cat("Cox model with Firth's penalised partial likelihood (", x$method, " ties)\n", sep = "")
    if (!is.null(x$call)) {
      cat("Call: ")
      print(x$call)
    }
    print_firth_table(x, digits)
    lr <- 2 * diff(x$loglik)
    df <- length(x$coefficients)
    cat("\nPenalised likelihood-ratio test = ", format(round(lr, 2)), " on ", df, " df, p = ",
        format.pval(stats::pchisq(lr, df, lower.tail = FALSE), digits = digits), "\n", sep = "")
    cat("n = ", x$n, ", number of events = ", format(x$nevent), "\n", sep = "")
  }
  reg_footnotes(x)
  invisible(x)
}

print_firth_table <- function(x, digits) {
  pr <- x$profile
  print_reg_table(x, pr$lower, pr$upper, c(Chisq = list(pr$statistic)), pr$p.value, digits,
                  paste0("Intervals (of exp(coef)): profile penalised likelihood; p: ",
                         "penalised likelihood-ratio test of coef = 0."))
}

# The coefficient table of a regression fit: coef, exp(coef), se, the
# interval of exp(coef) from the log-scale limits, a test statistic (named
# list of one) and its p-value, then a note naming the interval and test.
print_reg_table <- function(x, lower, upper, stat, p, digits, note) {
  tab <- cbind(coef = x$coefficients, `exp(coef)` = exp(x$coefficients),
               `se(coef)` = sqrt(diag(x$var)), lower = exp(lower), upper = exp(upper),
               stat[[1L]], p = p)
  lv <- format(100 * x$conf.level)
  colnames(tab)[4:6] <- c(paste0(c("lower ", "upper "), lv, "%"), names(stat))
  cat("\n")
  stats::printCoefmat(tab, digits = digits, P.values = TRUE, has.Pvalue = TRUE,
                      signif.stars = FALSE, cs.ind = integer(0), tst.ind = 6L)
  cat_wrapped(note)
}

# A message printed in lines of at most getOption("width") characters.
cat_wrapped <- function(...) {
  cat(strwrap(paste0(...), width = getOption("width"), exdent = 2L), sep = "\n")
}

# Lines under every regression print: events per coefficient, monotone
# likelihood, convergence, removed rows.
reg_footnotes <- function(x) {
  p <- length(x$coefficients)
  epv <- x$nevent / p
  if (x$nevent < 5) {
    cat_wrapped("Note: only ", format(x$nevent), " events: too few for any regression model; ",
                "report the counts and the curves (km(), cif()) instead.")
  } else if (epv < 10) {
    cat_wrapped("Note: ", format(x$nevent), " events for ", p, " coefficient",
                if (p > 1L) "s", " (", format(signif(epv, 2)),
                " per coefficient, fewer than 10): ",
                if (isTRUE(x$firth)) {
                  "the penalised estimates reduce the small-sample bias; read the intervals, not the point estimates."
                } else {
                  "maximum-likelihood estimates are biased away from 0 and Wald intervals unreliable; consider `firth = TRUE`."
                })
  }
  if (length(x$monotone)) {
    cat_wrapped("Note: monotone likelihood for ", paste0("`", x$monotone, "`", collapse = ", "),
                ": the estimate is not finite; use `firth = TRUE`.")
  }
  if (!isTRUE(x$convergence$converged)) cat("Note: the fit did not converge.\n")
}

#' @rdname cox-methods
#' @export
summary.smallsurv_cox <- function(object, ...) {
  s <- NextMethod()
  if (isTRUE(object$firth)) {
    pr <- object$profile
    lv <- format(object$conf.level)
    ci <- s$conf.int
    ci[, 3L] <- exp(pr$lower)
    ci[, 4L] <- exp(pr$upper)
    s$conf.int <- ci
    s$profile <- pr
    s$firth <- TRUE
    class(s) <- c("summary.smallsurv_cox", class(s))
  }
  s
}

#' @export
print.summary.smallsurv_cox <- function(x, ...) {
  NextMethod()
  cat("Firth's penalised likelihood: the interval columns are profile penalised-likelihood ",
      "limits; penalised likelihood-ratio tests of coef = 0:\n", sep = "")
  pr <- x$profile
  print(data.frame(term = pr$term, Chisq = signif(pr$statistic, 4),
                   p = format.pval(pr$p.value, digits = 3)), row.names = FALSE)
  invisible(x)
}

#' @rdname cox-methods
#' @export
confint.smallsurv_cox <- function(object, parm, level = 0.95, method = NULL, ...) {
  nm <- names(object$coefficients)
  if (missing(parm)) parm <- nm
  if (is.numeric(parm)) parm <- nm[parm]
  bad <- setdiff(parm, nm)
  if (length(bad) || anyNA(parm)) {
    abort("`parm`: no coefficient ", paste0("`", bad, "`", collapse = ", "), "; the fit has ",
          paste0("`", nm, "`", collapse = ", "), ".")
  }
  check_conf_level(level, "level")
  method <- if (is.null(method)) (if (isTRUE(object$firth)) "profile" else "wald") else
    match_one(method, c("wald", "profile"), "method")
  a <- (1 - level) / 2
  cn <- paste(format(100 * c(a, 1 - a), trim = TRUE, scientific = FALSE, digits = 3), "%")
  out <- matrix(NA_real_, length(parm), 2L, dimnames = list(parm, cn))
  idx <- match(parm, nm)
  if (method == "wald") {
    se <- sqrt(diag(object$var))[idx]
    z <- stats::qnorm(1 - a)
    out[, 1L] <- object$coefficients[idx] - z * se
    out[, 2L] <- object$coefficients[idx] + z * se
    return(out)
  }
  pr <- reg_profile(object, idx, level)
  out[, 1L] <- pr$lower
  out[, 2L] <- pr$upper
  out
}

# Profile limits of coefficients idx at `level`, from the stored table when
# it has them, else by refitting from the stored input.
reg_profile <- function(object, idx, level) {
  if (!is.null(object$profile) && isTRUE(all.equal(level, object$conf.level))) {
    return(object$profile[idx, , drop = FALSE])
  }
  fi <- object$fit_input
  if (is.null(fi)) abort("this fit has no stored input for profile intervals.")
  res <- reg_fit(fi$rf, fi$ties, isTRUE(object$firth), fi$init, fi$control,
                 fine_gray = isTRUE(fi$fine_gray), profile = idx, conf.level = level,
                 status = fi$status)
  profile_table(res, names(object$coefficients)[idx], level)
}

#' @rdname cox-methods
#' @export
tidy.smallsurv_cox <- function(x, exponentiate = FALSE, conf.int = FALSE, conf.level = 0.95,
                               ...) {
  coef <- x$coefficients
  se <- sqrt(diag(x$var))
  out <- data.frame(term = names(coef), estimate = unname(coef), std.error = unname(se),
                    stringsAsFactors = FALSE)
  if (!is.null(x$naive.var)) {
    out$std.error <- sqrt(diag(x$naive.var))
    out$robust.se <- unname(se)
  }
  if (isTRUE(x$firth)) {
    pr <- reg_profile(x, seq_along(coef), conf.level)
    out$statistic <- pr$statistic
    out$p.value <- pr$p.value
  } else {
    out$statistic <- unname(coef / se)
    out$p.value <- 2 * stats::pnorm(-abs(out$statistic))
  }
  if (conf.int) {
    ci <- stats::confint(x, level = conf.level)
    out$conf.low <- unname(ci[, 1L])
    out$conf.high <- unname(ci[, 2L])
  }
  if (exponentiate) {
    out$estimate <- exp(out$estimate)
    if (conf.int) {
      out$conf.low <- exp(out$conf.low)
      out$conf.high <- exp(out$conf.high)
    }
  }
  out
}

#' @rdname cox-methods
#' @export
glance.smallsurv_cox <- function(x, ...) {
  p <- length(x$coefficients)
  lr <- 2 * diff(x$loglik)
  out <- data.frame(n = x$n, nevent = x$nevent, statistic.log = lr,
                    p.value.log = stats::pchisq(lr, p, lower.tail = FALSE),
                    statistic.sc = x$score,
                    p.value.sc = stats::pchisq(x$score, p, lower.tail = FALSE),
                    statistic.wald = x$wald.test,
                    p.value.wald = stats::pchisq(x$wald.test, p, lower.tail = FALSE))
  if (!is.null(x$rscore)) {
    out$statistic.robust <- x$rscore
    out$p.value.robust <- stats::pchisq(x$rscore, p, lower.tail = FALSE)
  }
  if (!is.null(x$concordance)) {
    out$concordance <- unname(x$concordance["concordance"])
    out$std.error.concordance <- unname(x$concordance["std"])
  }
  out$logLik <- x$loglik[2L]
  out$AIC <- -2 * x$loglik[2L] + 2 * p
  out$BIC <- -2 * x$loglik[2L] + log(x$nevent) * p
  out$nobs <- x$n
  out$firth <- isTRUE(x$firth)
  out
}

#' @rdname cox-methods
#' @export
anova.smallsurv_cox <- function(object, ...) {
  if (isTRUE(object$firth)) {
    abort("anova() refits the smaller models without the penalty; for a Firth fit use the ",
          "penalised likelihood-ratio tests in `summary()` (or compare penalised fits).")
  }
  if (!is.null(attr(object$terms, "offset"))) {
    abort("anova() of a single model with an offset refits the smaller models without it; ",
          "compare nested cox() fits instead.")
  }
  NextMethod()
}
