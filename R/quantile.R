# Quantiles of a Kaplan-Meier fit with confidence intervals: inversion of
# the fit's own pointwise band (survival's rule, or bpcp's for BPCP fits)
# or the Brookmeyer-Crowley test-based interval.

#' Median and quantiles of a Kaplan-Meier fit, with confidence intervals
#'
#' The `p`-quantile of the survival time is the first time at which the
#' Kaplan-Meier curve falls to `1 - p` or below. Its confidence interval is
#' found in one of two ways.
#'
#' @section Return values:
#' `quantile()` and `median()` return exactly what
#' `survival:::quantile.survfit()` and `median.survfit()` return for the
#' same data and `conf.type` -- same names, shapes and dimnames -- so that
#' code written for `survfit()` (gtsummary's `tbl_survfit()`, survminer,
#' analysts' scripts) reads the same numbers from a `km()` fit:
#' * `quantile()`: with limits (`conf.int = TRUE` and a band, or
#'   `method = "brookmeyer-crowley"`), a list with `quantile`, `lower` and
#'   `upper`; otherwise the quantiles alone. Each is a vector named
#'   `format(100 * probs)` (e.g. `"25"`, `"50"`), or, for a fit with strata,
#'   a strata x probs matrix with those column names and the strata names
#'   as row names. Times are divided by `scale`.
#' * `median()`: `quantile(x, 0.5, conf.int = FALSE)`: a number named
#'   `"50"`, or a one-column matrix for a fit with strata.
#'
#' `quantile_table()` gives the same numbers as a labelled data frame (one
#' row per stratum and probability, with the method, transform and level
#' that produced them) that prints "not reached" for limits the data cannot
#' reach, and names the estimates and limits that fall in the curve's
#' immature tail (after its [maturity()] time).
#'
#' @section Methods:
#' * `method = "band"` (default) inverts the fit's own displayed pointwise
#'   band (`fit$lower`, `fit$upper`, whatever `conf.type` made them):
#'   the lower limit is the quantile of the lower curve, the upper limit the
#'   quantile of the upper curve (Therneau's rule: intersect the band with a
#'   horizontal line at \eqn{1 - p}). For every Greenwood-type interval
#'   the rule is exactly survival's `quantile.survfit()` (survival 3.5-3):
#'   the quantile of a curve \eqn{C} (with \eqn{C(0) = 1}) is the first time
#'   \eqn{t} with \eqn{1 - C(t) \ge p}; when the curve is flat at exactly
#'   \eqn{1 - p} (within `tolerance`) it is the midpoint of the start of that
#'   flat part and the time the curve next drops (or the last follow-up time);
#'   rows whose limit is `NA` are skipped.
#' * For BPCP fits (`conf.type` `"bpcp"` or `"bpcp-midp"`), whose limits are
#'   left-closed, right-open intervals \eqn{[L_i, R_i)} between observed
#'   times, the band is inverted as bpcp's `quantile.kmciLR()` does: the
#'   lower limit is \eqn{L_i} of the first interval whose lower limit is
#'   \eqn{\le 1 - p}, the upper limit \eqn{R_i} of the last interval whose
#'   upper limit is \eqn{\ge 1 - p}; the estimate is \eqn{L_i} of the first
#'   interval with \eqn{\hat S < 1 - p} (the smallest end point of the
#'   intervals with \eqn{\hat S = 1 - p}, when there are such). bpcp reports
#'   an upper limit \eqn{R = \infty}; smallsurv reports it as `NA` (not
#'   reached).
#' * `method = "brookmeyer-crowley"`: the test-based interval of Brookmeyer
#'   & Crowley (1982), generalised with a transform \eqn{g} as in SAS PROC
#'   LIFETEST: the set of times \eqn{t} with
#'   \deqn{|g(\hat S(t)) - g(1 - p)| / (g'(\hat S(t))\,\widehat{se}(\hat S(t))) \le z_{1-\alpha/2},}
#'   evaluated at the event times with \eqn{n_j > d_j} (where \eqn{\hat S > 0}
#'   and the Greenwood variance is finite). The lower limit is the first such
#'   event time, the upper limit the event time *following* the last such one
#'   (`NA` when that is the last event time: not reached), as in
#'   `lrstat::survQuantile()`. \eqn{g} is the fit's `conf.type` when it is one
#'   of `"plain"`, `"log"`, `"log-log"`, `"logit"`, `"arcsin"`, otherwise
#'   `"log-log"` (choose with `transform`). The estimate is the band method's.
#'
#' A limit the data cannot reach (the curve or band never gets down to
#' \eqn{1 - p}) is `NA`, as survival reports it, and printed as
#' "not reached".
#'
#' @param x A fit from [km()].
#' @param probs Probabilities of the distribution function (survival's
#'   convention: `probs = 0.25` is the time by which 25% have had the event,
#'   where the curve falls to 0.75).
#' @param conf.int Return the confidence limits too (survival's argument).
#' @param scale Divide the times by this (survival's argument; default 1).
#' @param method `"band"` (invert the pointwise band) or
#'   `"brookmeyer-crowley"`.
#' @param transform For `"brookmeyer-crowley"`: the scale \eqn{g}; default
#'   the fit's `conf.type` when it is a transform, else `"log-log"`.
#' @param conf.level For `"brookmeyer-crowley"`: confidence level (default
#'   the fit's).
#' @param tolerance Tolerance for "flat at exactly 1 - p" (survival's).
#' @param inversion How `method = "band"` inverts the band: `"auto"` (bpcp's
#'   rule for `conf.type` `"bpcp"` and `"bpcp-midp"`, survival's otherwise),
#'   `"survival"` or `"bpcp"`.
#' @param maturity For `quantile_table()`: `TRUE` (default: [maturity()]'s
#'   rules), a result of [maturity()] for this fit, a list of its rules, or
#'   `FALSE`: an estimate or limit after the curve's maturity time (where
#'   fewer patients are at risk than the rules allow) is named in the
#'   column `note`, e.g. `"past maturity (9.2; n.risk < 5): estimate,
#'   upper limit"` -- a median read off the immature tail.
#' @param ... Unused (`median()`: passed to `quantile()`).
#' @return `quantile()`, `median()`: see Return values. `quantile_table()`:
#'   a data frame of class `smallsurv_quantile` with columns `strata` (when
#'   the fit has strata), `quantile` (the probability), `estimate`, `lower`,
#'   `upper`, `method`, `conf.type`, `conf.level` and (unless
#'   `maturity = FALSE`) `note`.
#' @references
#' Brookmeyer R, Crowley J (1982). A confidence interval for the median
#' survival time. *Biometrics* 38:29-41. \doi{10.2307/2530286}
#'
#' Fay MP, Brittain EH, Proschan MA (2013). Pointwise confidence intervals
#' for a survival distribution with small samples or heavy censoring.
#' *Biostatistics* 14:723-736. \doi{10.1093/biostatistics/kxt016}
#'
#' Therneau TM. survival: `quantile.survfit()`.
#' @family Kaplan-Meier
#' @examples
#' fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' quantile(fit, probs = c(0.25, 0.5))   # survival's list of matrices
#' median(fit)
#' quantile_table(fit, probs = c(0.25, 0.5))
#' quantile_table(fit, 0.5, method = "brookmeyer-crowley")
#' @importFrom stats median quantile
#' @export
quantile.smallsurv_km <- function(x, probs = c(0.25, 0.5, 0.75), conf.int = TRUE, scale = 1,
                                  tolerance = sqrt(.Machine$double.eps),
                                  method = c("band", "brookmeyer-crowley"),
                                  transform = NULL, conf.level = NULL,
                                  inversion = c("auto", "survival", "bpcp"), ...) {
  check_flag(conf.int, "conf.int")
  if (!is.numeric(scale) || length(scale) != 1L || !is.finite(scale) || scale <= 0) {
    abort("`scale` must be a single positive number; got ", deparse1(scale), ".")
  }
  method <- match.arg(method)
  tab <- quantile_table(x, probs, method = method, transform = transform,
                        conf.level = conf.level, tolerance = tolerance, inversion = inversion,
                        maturity = FALSE)
  # survival's shapes: named vectors, or strata x probs matrices
  pname <- format(100 * probs)
  shape <- function(v) {
    v <- v / scale
    if (is.null(x$strata)) return(stats::setNames(v, pname))
    matrix(v, nrow = length(x$strata), byrow = TRUE, dimnames = list(names(x$strata), pname))
  }
  q <- shape(tab$estimate)
  limits <- method == "brookmeyer-crowley" || !is.null(x$lower)
  if (!conf.int || !limits) return(q)
  list(quantile = q, lower = shape(tab$lower), upper = shape(tab$upper))
}

#' @rdname quantile.smallsurv_km
#' @export
quantile_table <- function(x, probs = c(0.25, 0.5, 0.75),
                           method = c("band", "brookmeyer-crowley"),
                           transform = NULL, conf.level = NULL,
                           tolerance = sqrt(.Machine$double.eps),
                           inversion = c("auto", "survival", "bpcp"), maturity = TRUE) {
  if (!inherits(x, "smallsurv_km")) {
    abort("`x` must be a fit from km(); got an object of class ",
          paste(class(x), collapse = "/"), ".")
  }
  method <- match.arg(method)
  inversion <- match.arg(inversion)
  if (!is.numeric(probs) || !length(probs) || anyNA(probs) || any(probs < 0 | probs > 1)) {
    abort("`probs` must be probabilities in [0, 1]; got ", deparse1(probs), ".")
  }
  ci <- fit_ci(x)
  st <- fit_strata(x)
  has_ci <- !is.null(x$lower)
  bpcp_type <- if (inversion == "auto") ci$conf.type %in% c("bpcp", "bpcp-midp") else
    inversion == "bpcp"
  if (method == "brookmeyer-crowley") {
    transform <- bc_transform(transform, ci$conf.type)
    if (is.null(conf.level)) conf.level <- if (is.null(ci$conf.level)) 0.95 else ci$conf.level
    check_conf_level(conf.level)
    z <- stats::qnorm(1 - (1 - conf.level) / 2)
  } else if (!is.null(transform) || !is.null(conf.level)) {
    abort("`transform` and `conf.level` apply only to method = \"brookmeyer-crowley\"; ",
          "the band method inverts the fit's own band (refit with km(conf.type =, conf.level =)).")
  }
  xmin <- if (is.null(x$start.time)) 0 else x$start.time
  se_s <- if (isTRUE(x$logse)) x$surv * x$std.err else x$std.err
  out <- lapply(seq_along(st$from), function(k) {
    rows <- seq.int(st$from[k], st$to[k])
    tt <- x$time[rows]
    est <- findq_survival(c(xmin, tt), c(0, 1 - x$surv[rows]), probs, tolerance)
    lo <- hi <- rep(NA_real_, length(probs))
    if (method == "band" && has_ci && bpcp_type) {
      b <- quantile_bpcp_rule(tt, x$surv[rows], x$lower[rows], x$upper[rows], 1 - probs, xmin)
      est <- b$estimate
      lo <- b$lower
      hi <- b$upper
    } else if (method == "band" && has_ci) {
      lo <- findq_survival(c(xmin, tt), c(0, 1 - x$lower[rows]), probs, tolerance)
      hi <- findq_survival(c(xmin, tt), c(0, 1 - x$upper[rows]), probs, tolerance)
    } else if (method == "brookmeyer-crowley") {
      b <- quantile_bc_rule(tt, x$surv[rows], se_s[rows], x$n.risk[rows], x$n.event[rows],
                            1 - probs, transform, z)
      lo <- b$lower
      hi <- b$upper
    }
    data.frame(strata = rep(st$names[k], length(probs)), quantile = probs, estimate = est,
               lower = lo, upper = hi, stringsAsFactors = FALSE)
  })
  out <- do.call(rbind, out)
  out$method <- if (method == "brookmeyer-crowley") "brookmeyer-crowley" else
    if (bpcp_type) "band (bpcp rule)" else "band"
  out$conf.type <- if (method == "brookmeyer-crowley") transform else ci$conf.type
  out$conf.level <- if (method == "brookmeyer-crowley") conf.level else
    if (has_ci) ci$conf.level else NA_real_
  m <- resolve_maturity(maturity, x)
  if (!is.null(m)) out$note <- quantile_maturity_note(out, m)
  if (is.null(x$strata)) out$strata <- NULL
  rownames(out) <- NULL
  class(out) <- c("smallsurv_quantile", "data.frame")
  out
}

# "past maturity (<time>; <rule>): estimate, upper limit": which of a
# quantile's estimate and limits fall after its curve's maturity time (the
# immature tail); "" for none. A limit the data cannot reach (NA) is already
# "not reached" and gets no note.
quantile_maturity_note <- function(q, m) {
  lim <- m$limits
  k <- if (is.null(lim$strata)) rep(1L, nrow(q)) else match(q$strata, lim$strata)
  past <- past_maturity(q, m)
  what <- apply(past, 1L, function(r) paste(colnames(past)[r], collapse = ", "))
  ifelse(nzchar(what),
         paste0("past maturity (", format_time(lim$time[k]), "; ", lim$rule[k], "): ", what), "")
}

# Which of each row's estimate, lower and upper limit (columns) lie after
# its curve's maturity time; a limit not reached (NA) does not.
past_maturity <- function(q, m) {
  lim <- m$limits
  k <- if (is.null(lim$strata)) rep(1L, nrow(q)) else match(q$strata, lim$strata)
  mt <- lim$time[k]
  past <- cbind(estimate = q$estimate > mt, "lower limit" = q$lower > mt,
                "upper limit" = q$upper > mt)
  past[is.na(past)] <- FALSE
  past
}

#' @rdname quantile.smallsurv_km
#' @param na.rm Unused (for the generic).
#' @export
median.smallsurv_km <- function(x, na.rm = FALSE, ...) {
  quantile.smallsurv_km(x, probs = 0.5, conf.int = FALSE, ...)
}

#' @export
print.smallsurv_quantile <- function(x, digits = 4, ...) {
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  for (v in c("estimate", "lower", "upper")) {
    y[[v]] <- ifelse(is.na(y[[v]]), "not reached", format_num(y[[v]], digits))
  }
  cat("Quantiles of survival time (", y$method[1], ", ", y$conf.type[1],
      if (!is.na(y$conf.level[1])) paste0(", ", format(100 * y$conf.level[1]), "% CI") else "",
      ")\n", sep = "")
  y$method <- y$conf.type <- y$conf.level <- NULL
  if (!is.null(y$note) && !any(nzchar(y$note))) y$note <- NULL
  print(y, row.names = FALSE, right = TRUE)
  invisible(x)
}

format_num <- function(v, digits) formatC(v, digits = digits, format = "g", flag = "")

# survival's findq(): the first x where y >= p (y = 1 - curve, nondecreasing,
# possibly NA), the midpoint rule on flats exactly at p (within tol), p = 0
# at the first x, NA where y never reaches p. Written from its documented
# rule; survival 3.5-3 is the test oracle.
findq_survival <- function(x, y, p, tol) {
  if (all(is.na(y)) || max(y, na.rm = TRUE) < min(p)) return(rep(NA_real_, length(p)))
  xmax <- x[length(x)]
  keep <- !duplicated(y)
  x <- x[keep]
  y <- y[keep]
  n <- length(y)
  ok <- which(!is.na(y))
  ok <- ok[order(y[ok])]
  # index (into x) of the first curve point with y + shift >= p; NA outside
  # the range of y + shift (approx(method = "constant", f = 1, rule = 1))
  first_ge <- function(shift) {
    v <- y[ok] + shift
    i <- findInterval(p, v, left.open = TRUE) + 1L
    out <- ok[pmin(i, length(ok))]
    out[p < v[1] | p > v[length(v)]] <- NA_integer_
    out
  }
  i1 <- first_ge(tol)
  i2 <- first_ge(-tol)
  q <- (x[i1] + x[i2]) / 2
  q[p == 0] <- x[1]
  if (!is.na(y[n])) {
    last <- abs(p - y[n]) < tol
    q[last] <- (x[i1[last]] + xmax) / 2
  }
  q
}

# bpcp's quantile rule on intervals [L_i, R_i): L = the fit's times (with
# the start time prepended when the fit has no row there), R = the next
# time, Inf for the last; s = survival probability 1 - p. R = Inf -> NA.
quantile_bpcp_rule <- function(tt, surv, lower, upper, s, xmin) {
  if (!length(tt) || tt[1] > xmin) {
    tt <- c(xmin, tt)
    surv <- c(1, surv)
    lower <- c(1, lower)
    upper <- c(1, upper)
  }
  L <- tt
  R <- c(tt[-1], Inf)
  one <- function(p) {
    il <- which(lower <= p)
    iu <- which(upper >= p)
    eq <- which(surv == p)
    q <- if (length(eq)) min(L[eq], R[eq]) else if (any(surv < p)) L[which(surv < p)[1]] else NA_real_
    c(q, if (length(il)) L[il[1]] else NA_real_, if (length(iu)) R[iu[length(iu)]] else NA_real_)
  }
  m <- vapply(s, one, numeric(3))
  m[!is.finite(m)] <- NA_real_
  list(estimate = m[1, ], lower = m[2, ], upper = m[3, ])
}

bc_transforms <- c("plain", "log", "log-log", "logit", "arcsin")

bc_transform <- function(transform, conf.type) {
  if (is.null(transform)) {
    return(if (conf.type %in% bc_transforms) conf.type else "log-log")
  }
  if (!is.character(transform) || length(transform) != 1L || !transform %in% bc_transforms) {
    abort("`transform` must be one of ", paste0("\"", bc_transforms, "\"", collapse = ", "),
          "; got ", deparse1(transform), ".")
  }
  transform
}

# Brookmeyer-Crowley: standardised distance of g(S(t_j)) from g(s) at the
# event times with n > d; lower = first time inside, upper = next event time
# after the last one inside (NA if none follows).
quantile_bc_rule <- function(tt, surv, se, nrisk, nevent, s, transform, z) {
  ev <- which(nevent > 0)
  use <- ev[nrisk[ev] > nevent[ev] & is.finite(se[ev]) & se[ev] > 0]
  S <- surv[use]
  v <- se[use]
  stat <- function(p) {
    switch(transform,
           "plain" = (S - p) / v,
           "log" = (log(S) - log(p)) * S / v,
           "log-log" = (log(-log(S)) - log(-log(p))) * S * log(S) / v,
           "logit" = (stats::qlogis(S) - stats::qlogis(p)) * S * (1 - S) / v,
           "arcsin" = (asin(sqrt(S)) - asin(sqrt(p))) * 2 * sqrt(S * (1 - S)) / v)
  }
  evt <- tt[ev]
  res <- vapply(s, function(p) {
    inside <- which(abs(stat(p)) <= z)
    if (!length(inside)) return(c(NA_real_, NA_real_))
    lo <- tt[use[inside[1]]]
    last <- tt[use[inside[length(inside)]]]
    nxt <- evt[evt > last]
    c(lo, if (length(nxt)) nxt[1] else NA_real_)
  }, numeric(2))
  list(lower = res[1, ], upper = res[2, ])
}
