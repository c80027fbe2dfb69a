# Simultaneous confidence bands for a Kaplan-Meier curve: Hall-Wellner and
# equal precision (Nair), with critical values computed in C++ for any level.

#' Simultaneous confidence bands for a Kaplan-Meier curve
#'
#' A band that covers the whole survival curve between `from` and `to`
#' with probability `conf.level` (asymptotically), unlike the pointwise
#' interval, which covers it at one time at a time.
#'
#' @section Mathematics:
#' With \eqn{\sigma^2(t) = \sum_{t_j \le t} d_j / (n_j (n_j - d_j))} (the
#' Greenwood sum), \eqn{n} the size of the stratum and
#' \eqn{a(t) = n\sigma^2(t) / (1 + n\sigma^2(t))}, \eqn{a_L = a(t_L)},
#' \eqn{a_U = a(t_U)}, the half-width on the linear scale is
#' \deqn{w(t) = c_\alpha(a_L, a_U)\,\sigma(t) \quad\textrm{(equal precision, Nair 1984)},}
#' \deqn{w(t) = k_\alpha(a_L, a_U)\,(1 + n\sigma^2(t)) / \sqrt{n} \quad\textrm{(Hall \& Wellner 1980)},}
#' where, for the Brownian bridge \eqn{W^0},
#' \eqn{P(\sup_{a_L \le x \le a_U} |W^0(x)| / \sqrt{x(1-x)} \le c_\alpha) = 1 - \alpha} and
#' \eqn{P(\sup_{a_L \le x \le a_U} |W^0(x)| \le k_\alpha) = 1 - \alpha}. The band is
#' * `"plain"`: \eqn{\hat S(t)(1 \mp w(t))}, truncated to \[0, 1\];
#' * `"log-log"`: \eqn{[\hat S^{1/\theta}, \hat S^{\theta}]},
#'   \eqn{\theta = \exp(w / \log \hat S)};
#' * `"arcsin"`: \eqn{\sin^2(\max(0, \arcsin\sqrt{\hat S} - \frac12 w \sqrt{\hat S/(1-\hat S)}))}
#'   and \eqn{\sin^2(\min(\pi/2, \arcsin\sqrt{\hat S} + \frac12 w \sqrt{\hat S/(1-\hat S)}))}.
#'
#' The critical values are computed, not read from tables: \eqn{k_\alpha}
#' from the Markov property of the bridge and the method-of-images
#' (Kolmogorov-type) series for Brownian motion killed outside
#' \eqn{(-k, k)}, integrated numerically over the bridge's value at
#' \eqn{a_L}; \eqn{c_\alpha} from the stationary Ornstein-Uhlenbeck process
#' that \eqn{W^0(x)/\sqrt{x(1-x)}} becomes on the time scale
#' \eqn{\log(x/(1-x))}, by solving its backward equation on \eqn{(-c, c)}
#' (Chebyshev collocation and a matrix exponential). Both are found by
#' root-finding to about 1e-12 for any `conf.level`.
#'
#' @section Agreement with tables and km.ci:
#' The Hall-Wellner values agree with Klein & Moeschberger's Appendix C
#' tables (as shipped in km.ci) within 1e-4 (the tables' rounding) in 3216
#' of the 3225 cells at 90, 95 and 99%; of the other 9, six are table
#' errors (the mirror cell \eqn{(1 - a_U, 1 - a_L)}, equal by the symmetry
#' of the bridge, agrees with the exact value; one, 99% at (0.54, 0.76),
#' is off by 0.1), and three have no mirror in the table and differ by
#' 2.3e-4 to 3e-3 (listed in the tests). \eqn{a_L = 0, a_U = 1} gives
#' Kolmogorov's 1.3581 at 95%. The
#' equal-precision tables are systematically *smaller* than the exact values
#' (e.g. at \eqn{(a_L, a_U) = (0.10, 0.60)}, 95%: table 2.8826, exact
#' 2.8873; a finite-difference solution of the same equation confirms that
#' 2.8826 has coverage 0.9494, not 0.95): the tables appear to come from an
#' approximation, so smallsurv's EP bands are slightly wider. km.ci
#' additionally interpolates the tables with unequal cell weights and allows
#' only levels 0.90, 0.95 and 0.99 (for one data set of 40 with
#' \eqn{(a_L, a_U) = (0.025, 0.97)}, 95%: Hall-Wellner 1.3563 in km.ci vs
#' 1.3581 here; equal precision 3.138 vs 3.209); given the same
#' critical value, smallsurv's bands equal km.ci's `"hall-wellner"`,
#' `"loghall"`, `"epband"`, `"logep"` bands to 1e-10 (km.ci's `"log"`
#' bands are the log-log bands here; km.ci does not truncate `"plain"`).
#'
#' @param fit A fit from [km()] with the Greenwood variance (no
#'   non-integer weights).
#' @param type `"equal-precision"` or `"hall-wellner"`.
#' @param transform `"log-log"`, `"arcsin"` or `"plain"`.
#' @param conf.level Simultaneous confidence level.
#' @param from,to The band's time range \eqn{[t_L, t_U]}. Default (as km.ci
#'   and SAS): the first event time and the last event time at which not
#'   everyone at risk has the event. They must lie in that range in every
#'   stratum (outside it \eqn{a_L = 0} or \eqn{\sigma^2 = \infty}).
#' @return A data frame of class `smallsurv_confband` with columns
#'   `strata` (when the fit has strata), `time`, `surv`, `lower`, `upper`:
#'   the rows of the fit from the last row at or before `from` to the last
#'   row at or before `to`. Attributes: `type`, `transform`, `conf.level`
#'   and `limits`, a data frame with one row per stratum (`strata`, `from`,
#'   `to`, `n`, `a_L`, `a_U`, `critical`).
#' @references
#' Hall WJ, Wellner JA (1980). Confidence bands for a survival curve from
#' censored data. *Biometrika* 67:133-143. \doi{10.1093/biomet/67.1.133}
#'
#' Nair VN (1984). Confidence bands for survival functions with censored
#' data: a comparative study. *Technometrics* 26:265-275.
#' \doi{10.1080/00401706.1984.10487964}
#'
#' Klein JP, Moeschberger ML (2003). *Survival Analysis*, 2nd ed.,
#' Section 4.4 and Appendix C. Springer.
#' @family Kaplan-Meier
#' @examples
#' fit <- km(survival::Surv(os_time, os_status) ~ 1, data = rrall)
#' b <- confband(fit, type = "hall-wellner")
#' b
#' plot(fit, band = b, risk.table = FALSE)
#' @export
confband <- function(fit, type = c("equal-precision", "hall-wellner"),
                     transform = c("log-log", "arcsin", "plain"), conf.level = 0.95,
                     from = NULL, to = NULL) {
  if (!inherits(fit, "smallsurv_km")) {
    abort("`fit` must be a fit from km(); got an object of class ",
          paste(class(fit), collapse = "/"), ".")
  }
  type <- match.arg(type)
  transform <- match.arg(transform)
  check_conf_level(conf.level)
  if (!isTRUE(fit$logse)) {
    abort("`fit` uses the robust (infinitesimal jackknife) variance; confidence bands ",
          "need the Greenwood variance (integer or no case weights).")
  }
  check_band_time(from, "from")
  check_band_time(to, "to")
  st <- fit_strata(fit)
  pieces <- vector("list", length(st$from))
  limits <- vector("list", length(st$from))
  for (k in seq_along(st$from)) {
    rows <- seq.int(st$from[k], st$to[k])
    lab <- if (is.na(st$names[k])) "" else paste0(" in stratum ", st$names[k])
    tt <- fit$time[rows]
    ev <- fit$n.event[rows] > 0
    if (!any(ev & fit$n.risk[rows] > fit$n.event[rows])) {
      abort("no band can be drawn", lab, ": it needs an event time at which not everyone ",
            "at risk has the event (all censored, or every subject had the event at once).")
    }
    t_first <- tt[ev][1]
    t_last <- max(tt[ev & fit$n.risk[rows] > fit$n.event[rows]])
    tl <- if (is.null(from)) t_first else from
    tu <- if (is.null(to)) t_last else to
    if (tl < t_first || tl > t_last) {
      abort("`from` must lie between the first event time (", format(t_first),
            ") and the last event time with survivors (", format(t_last), ")", lab,
            "; got ", format(tl), ".")
    }
    if (tu < tl || tu > t_last) {
      abort("`to` must lie between `from` (", format(tl), ") and the last event time with ",
            "survivors (", format(t_last), ")", lab, "; got ", format(tu), ".")
    }
    il <- max(which(tt <= tl))
    iu <- max(which(tt <= tu))
    n <- as.numeric(fit$n[k])
    sig2 <- fit$std.err[rows]^2
    aL <- n * sig2[il] / (1 + n * sig2[il])
    aU <- n * sig2[iu] / (1 + n * sig2[iu])
    crit <- confband_critical_cpp(type, conf.level, aL, aU)
    use <- il:iu
    b <- band_limits(fit$surv[rows][use], sig2[use], n, crit, type, transform)
    pieces[[k]] <- data.frame(strata = rep(st$names[k], length(use)), time = tt[use],
                              surv = fit$surv[rows][use], lower = b$lower, upper = b$upper,
                              stringsAsFactors = FALSE)
    limits[[k]] <- data.frame(strata = st$names[k], from = tl, to = tu, n = n, a_L = aL,
                              a_U = aU, critical = crit, stringsAsFactors = FALSE)
  }
  out <- do.call(rbind, pieces)
  limits <- do.call(rbind, limits)
  if (is.null(fit$strata)) {
    out$strata <- NULL
    limits$strata <- NULL
  }
  rownames(out) <- NULL
  structure(out, class = c("smallsurv_confband", "data.frame"), type = type,
            transform = transform, conf.level = conf.level, limits = limits)
}

check_band_time <- function(x, arg) {
  if (!is.null(x) && (!is.numeric(x) || length(x) != 1L || !is.finite(x))) {
    abort("`", arg, "` must be a single finite time (or NULL); got ", deparse1(x), ".")
  }
}

# The band from S, sigma^2 (Greenwood sum), n and the critical value: the
# pointwise transforms of ci_transform.cpp with the band's standard error on
# the log scale (equal precision: sigma; Hall-Wellner: (1 + n sigma^2) /
# sqrt(n)) and the critical value in place of z. The band's range never
# reaches S = 0 or 1, where the pointwise edge rules would apply.
band_limits <- function(S, sig2, n, crit, type, transform) {
  se <- if (type == "equal-precision") sqrt(sig2) else (1 + n * sig2) / sqrt(n)
  r <- ci_transform_cpp(transform, S, se, NULL, TRUE, crit)
  list(lower = r$lower, upper = r$upper)
}

band_title <- function(x) {
  lvl <- attr(x, "conf.level")
  tr <- attr(x, "transform")
  paste0(if (!is.null(lvl)) paste0(format(100 * lvl), "% "), "simultaneous ",
         if (identical(attr(x, "type"), "hall-wellner")) "Hall-Wellner" else "equal-precision",
         " band", if (!is.null(tr)) paste0(", ", tr, " scale"))
}

#' @rdname confband
#' @param x A `smallsurv_confband` object.
#' @param n Number of band rows to print per stratum.
#' @param ... For `plot()`, passed to [graphics::plot.default()]; for
#'   `lines()`, to [graphics::lines()].
#' @export
print.smallsurv_confband <- function(x, n = 6, ...) {
  cat(band_title(x), "\n", sep = "")
  lim <- attr(x, "limits")
  cat("Range, a_L, a_U and critical value:\n")
  print(format(lim, digits = 5), row.names = FALSE)
  y <- as.data.frame(unclass(x))
  attr(y, "type") <- attr(y, "transform") <- attr(y, "conf.level") <- attr(y, "limits") <- NULL
  cat(nrow(y), " rows; first ", min(n, nrow(y)), ":\n", sep = "")
  print(utils::head(y, n), row.names = FALSE, digits = 4)
  invisible(x)
}

#' @rdname confband
#' @param col Colours, one per stratum.
#' @param lty Line type of the band.
#' @export
lines.smallsurv_confband <- function(x, col = NULL, lty = 2, ...) {
  groups <- if (is.null(x$strata)) list(seq_len(nrow(x))) else
    split(seq_len(nrow(x)), factor(x$strata, levels = unique(x$strata)))
  if (is.null(col)) col <- if (length(groups) == 1L) "black" else
    grDevices::hcl.colors(max(length(groups), 2L), "Dark 2")[seq_along(groups)]
  col <- rep_len(col, length(groups))
  lim <- attr(x, "limits")
  for (g in seq_along(groups)) {
    r <- groups[[g]]
    tt <- c(x$time[r], lim$to[g])
    for (v in c("lower", "upper")) {
      graphics::lines(tt, c(x[[v]][r], x[[v]][r][length(r)]), type = "s", col = col[g],
                      lty = lty, ...)
    }
  }
  invisible(x)
}

#' @rdname confband
#' @param xlab,ylab Axis labels.
#' @export
plot.smallsurv_confband <- function(x, col = NULL, xlab = "Time",
                                    ylab = "Survival probability", ...) {
  lim <- attr(x, "limits")
  graphics::plot(NA, xlim = c(0, max(lim$to)), ylim = c(0, 1), xlab = xlab, ylab = ylab, ...)
  groups <- if (is.null(x$strata)) list(seq_len(nrow(x))) else
    split(seq_len(nrow(x)), factor(x$strata, levels = unique(x$strata)))
  if (is.null(col)) col <- if (length(groups) == 1L) "black" else
    grDevices::hcl.colors(max(length(groups), 2L), "Dark 2")[seq_along(groups)]
  col <- rep_len(col, length(groups))
  for (g in seq_along(groups)) {
    r <- groups[[g]]
    graphics::lines(c(x$time[r], lim$to[g]), c(x$surv[r], x$surv[r][length(r)]), type = "s",
                    col = col[g], lwd = 2)
  }
  lines.smallsurv_confband(x, col = col)
  graphics::mtext(band_title(x), side = 3, line = 0.5, adj = 1, cex = 0.8)
  invisible(x)
}
