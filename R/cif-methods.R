# Methods for smallsurv_cif fits. survival's methods for "survfitms"
# (summary, `[`, print's table) keep working; these add smallsurv's header,
# estimates at chosen times and the plot with numbers at risk.

#' Print a cumulative incidence fit
#'
#' Prints a header naming the estimator, the variance and the
#' confidence-interval method, then survival's table for multi-state fits
#' (number of subjects, events per state, restricted mean time in each
#' state).
#'
#' @param x A fit from [cif()].
#' @param ... Passed to survival's `print.survfitms()`.
#' @return `x`, invisibly.
#' @family competing risks
#' @export
print.smallsurv_cif <- function(x, ...) {
  cat("Aalen-Johansen cumulative incidence (smallsurv); causes: ",
      paste(x$states[-1L], collapse = ", "), "\n", sep = "")
  ci <- x$ci
  if (identical(ci$conf.type, "none")) {
    cat("Confidence interval: none\n")
  } else {
    cat("Confidence interval: ", format(100 * ci$conf.level), "% pointwise, ", ci$label,
        boot_text(ci), " (conf.type = \"", ci$conf.type, "\")",
        if (!identical(ci$conf.type, "log")) "; survival::survfit's default is \"log\"" else "",
        "\n", sep = "")
  }
  cat("Variance: ", cif_variance_label(ci$variance),
      if (!identical(ci$variance, ci$variance_requested)) " (non-integer weights)" else "",
      "\n", sep = "")
  if (!is.null(x$na.action)) {
    cat(length(x$na.action), " row", if (length(x$na.action) != 1L) "s" else "",
        " removed by na.action (missing values)\n", sep = "")
  }
  y <- x
  y$na.action <- NULL
  y$ci <- NULL
  class(y) <- c("survfitms", "survfit")
  print(y, ...)
  invisible(x)
}

cif_variance_label <- function(v) {
  switch(v,
         delta = "delta method / Greenwood type (Dinse & Larson 1986)",
         ij = "infinitesimal jackknife (survfit's)",
         gray = "Gray's (cmprsk::cuminc)",
         aalen = "Aalen type (Pintilie 2006, eq. 4.5)",
         v)
}

# The unweighted counts of a cif fit in either of survfit's layouts
# (survfitms_layout()): n.risk (event-free), n.event (one column per state),
# n.censor. survival >= 3.6 reports weighted counts with the unweighted ones
# in `counts`; the small-sample rules (at_times() notes, maturity(), the
# risk tables) count patients, whichever survival is installed.
cif_counts <- function(fit) {
  if (!is.null(fit$counts)) {
    ns <- length(fit$states)
    cn <- colnames(fit$counts)
    nev <- matrix(0, nrow(fit$counts), ns)
    for (j in seq_len(ns)[-1L]) {
      k <- match(paste0("nevent:1", c(":", "."), j), cn)
      k <- k[!is.na(k)]
      if (length(k)) nev[, j] <- fit$counts[, k[1L]]
    }
    return(list(n.risk = fit$counts[, "nrisk:1"], n.event = nev,
                n.censor = fit$counts[, "ncensor:1"]))
  }
  list(n.risk = fit$n.risk[, 1L], n.event = unname(fit$n.event),
       n.censor = if (is.matrix(fit$n.censor)) fit$n.censor[, 1L] else fit$n.censor)
}

#' Plot cumulative incidence curves with a numbers-at-risk table
#'
#' Draws the cumulative incidence of each cause (one colour per cause, one
#' line type per stratum) as step functions with shaded pointwise
#' confidence bands, names the interval method in the top margin, and
#' writes under the time axis, for each stratum, the number still
#' event-free and at risk, the cumulative number of events (any cause) and
#' the cumulative number censored at `times`.
#'
#' @param x A fit from [cif()].
#' @param causes Causes to draw (names or numbers; default all).
#' @param conf.int Draw the pointwise confidence bands (only when at most two
#'   curves are drawn; more would overlap: the plot says so).
#' @param risk.table Draw the table under the axis.
#' @param times Times for the axis ticks and the table (default: `pretty()`
#'   over the follow-up).
#' @param col Colours, one per cause drawn.
#' @param lty Line types, one per stratum.
#' @param xlab,ylab Axis labels (`xlab` default: "Time", with the unit of the
#'   times when the data stated it, e.g. "Time (months)" for [endpoints()] data).
#' @param ylim Range of the probability axis.
#' @param legend Draw a legend.
#' @param maturity `TRUE` (default: [maturity()]'s rules), a result of
#'   [maturity()] for this fit, or a list of its rules: each stratum's curves
#'   are drawn as usual up to its maturity time and as `beyond` says after
#'   it; `FALSE` or `NULL` draws them to their end.
#' @param beyond `"dashed"` (default) or `"stop"`.
#' @param ... Passed to [graphics::plot.default()] (e.g. `main`).
#' @return Invisibly, the table drawn under the axis (a data frame with
#'   `strata`, `time`, `n.risk`, `n.event`, `n.censor`).
#' @family competing risks
#' @examples
#' set.seed(1)
#' d <- data.frame(time = rexp(30), event = factor(sample(0:2, 30, TRUE), 0:2,
#'                 c("censored", "relapse", "death")))
#' plot(cif(survival::Surv(time, event) ~ 1, data = d), xlab = "Months")
#' @export
plot.smallsurv_cif <- function(x, causes = NULL, conf.int = TRUE, risk.table = TRUE,
                               times = NULL, col = NULL, lty = NULL, xlab = NULL,
                               ylab = "Cumulative incidence", ylim = c(0, 1), legend = TRUE,
                               maturity = TRUE, beyond = c("dashed", "stop"), ...) {
  xlab <- time_label(x, xlab)
  beyond <- match.arg(beyond)
  m <- resolve_maturity(maturity, x)
  allc <- x$states[-1L]
  if (is.null(causes)) causes <- allc
  if (is.numeric(causes)) causes <- allc[causes]
  bad <- setdiff(causes, allc)
  if (length(bad) || !length(causes)) {
    abort("`causes` must name causes of the fit (", paste0("\"", allc, "\"", collapse = ", "),
          "); got ", deparse1(bad), ".")
  }
  st <- fit_strata(x)
  nst <- length(st$from)
  if (is.null(col)) {
    col <- if (length(causes) == 1L) "black" else
      grDevices::hcl.colors(max(length(causes), 2L), "Dark 2")[seq_along(causes)]
  }
  col <- rep_len(col, length(causes))
  lty <- rep_len(if (is.null(lty)) seq_len(nst) else lty, nst)
  xmax <- max(x$time)
  if (is.null(times)) times <- pretty(c(0, xmax))
  times <- times[times <= xmax * 1.04]
  check_times_arg(times)
  tab <- NULL
  if (risk.table) {
    a <- at_times(x, times, min.risk = 0, maturity = FALSE)
    tab <- a[a$state == x$states[1L], , drop = FALSE]
    if (is.null(tab$strata)) tab$strata <- NA_character_
    nlines <- 3L * nst + (if (nst > 1L) nst else 0L)
    old <- graphics::par(mar = c(4.1 + 1.0 * nlines + 1, 7.5, 3.1, 1.1))
    on.exit(graphics::par(old), add = TRUE)
  }
  graphics::plot(NA, xlim = c(0, max(times, xmax)), ylim = ylim, xlab = "", ylab = ylab,
                 xaxt = "n", ...)
  # at most two bands in one panel (more overlap into a blur; autoplot()
  # draws one panel per cause)
  band <- conf.int && !is.null(x$lower) && length(causes) * nst <= 2L
  dropped <- conf.int && !is.null(x$lower) && !band
  for (k in seq_len(nst)) {
    rows <- st$from[k]:st$to[k]
    for (j in seq_along(causes)) {
      draw_cif_curve(x, rows, match(causes[j], x$states), col[j], lty[k], band,
                     if (is.null(m)) Inf else m$limits$time[k], beyond)
    }
    if (!is.null(m) && m$limits$rule[k] != "none") {
      graphics::abline(v = m$limits$time[k], col = "grey40", lty = 3)
    }
  }
  graphics::axis(1, at = times)
  graphics::mtext(xlab, side = 1, line = 2.2)
  top <- c(if (band) paste0(format(100 * x$conf.int), "% pointwise CI: ", x$ci$label),
           if (dropped) "bands omitted: more than two curves (choose `causes`, or autoplot())",
           if (!is.null(m) && any(m$limits$rule != "none"))
             paste0("past maturity (dotted line): ", if (beyond == "dashed") "dashed" else
               "not drawn"))
  header_notes(top)
  if (legend) {
    lab <- causes
    lc <- col
    ll <- rep(1, length(causes))
    if (nst > 1L) {
      lab <- c(lab, st$names)
      lc <- c(lc, rep("grey30", nst))
      ll <- c(ll, lty)
    }
    graphics::legend("topleft", legend = lab, col = lc, lty = ll, lwd = 2, bty = "n")
  }
  if (risk.table) {
    draw_risk_table(tab, st$names, times, rep("black", nst))
  }
  invisible(if (is.null(tab)) NULL else {
    out <- tab[c("strata", "time", "n.risk", "n.event", "n.censor")]
    rownames(out) <- NULL
    out
  })
}

# One incidence curve from (0, 0): shaded band where the limits are defined
# (before the first event of the cause the band is the point 0), then the
# step function. Nothing is drawn past the last follow-up of the stratum.
draw_cif_curve <- function(x, rows, j, col, lty, band, cut = Inf, beyond = "dashed") {
  tt <- c(0, x$time[rows])
  pp <- c(0, x$pstate[rows, j])
  lo <- hi <- NULL
  if (band) {
    lo <- c(0, x$lower[rows, j])
    hi <- c(0, x$upper[rows, j])
    flat <- pp == 0 & is.na(lo)
    lo[flat] <- 0
    hi[flat] <- 0
  }
  draw_step_curve(tt, pp, lo, hi, col, lty, cut, beyond, alpha = 0.15)
}

#' Tidy and glance at a cumulative incidence fit
#'
#' `tidy()` gives one row per time of the fit and state with broom's column
#' names (those of `broom::tidy.survfit()` for multi-state fits);
#' `glance()` one row per stratum and cause with the number of subjects and
#' of events of that cause and the cumulative incidence at the last
#' follow-up time with its confidence limits.
#'
#' `tidy()` is broom's `tidy.survfit()` table of a multi-state fit, column
#' for column and row for row (states stacked, strata within them):
#' `n.risk` is the number at risk in the state (those still event-free for
#' `"(s0)"`, 0 for the causes, which nobody leaves), `n.event` the number of
#' transitions into the state at that time (0 for `"(s0)"`), `n.censor` the
#' censorings (per state with survival >= 3.6, the same column repeated for
#' every state before), and `std.error` the standard error of `estimate` on
#' the probability scale.
#'
#' @param x A fit from [cif()].
#' @param ... Unused.
#' @return A data frame. `tidy()`: `time`, `n.risk`, `n.event`,
#'   `n.censor`, `estimate`, `std.error`, `conf.high`, `conf.low`, `state`,
#'   `strata` (when present). `glance()`: `strata` (when present), `cause`,
#'   `n`, `events`, `time` (the last follow-up time), `estimate`,
#'   `conf.low`, `conf.high`, `conf.type`, `conf.level`, `variance`.
#' @family competing risks
#' @examples
#' first <- endpoints(rrall, "competing")
#' fit <- cif(survival::Surv(time, event) ~ 1, data = first)
#' head(tidy(fit))
#' glance(fit)
#' @name cif-tidiers
NULL

#' @rdname cif-tidiers
#' @export
tidy.smallsurv_cif <- function(x, ...) {
  nr <- length(x$time)
  ns <- length(x$states)
  col <- function(m) if (is.null(m)) rep(NA_real_, nr * ns) else as.vector(m)
  out <- data.frame(time = rep(x$time, ns), n.risk = as.vector(x$n.risk),
                    n.event = as.vector(x$n.event),
                    n.censor = if (is.matrix(x$n.censor)) as.vector(x$n.censor)
                               else rep(x$n.censor, ns),
                    estimate = as.vector(x$pstate), std.error = as.vector(x$std.err),
                    conf.high = col(x$upper), conf.low = col(x$lower),
                    state = rep(x$states, each = nr), stringsAsFactors = FALSE)
  if (!is.null(x$strata)) out$strata <- rep(rep(names(x$strata), x$strata), ns)
  rownames(out) <- NULL
  out
}

#' @rdname cif-tidiers
#' @export
glance.smallsurv_cif <- function(x, ...) {
  st <- fit_strata(x)
  n <- as.vector(x$n)
  out <- list()
  for (k in seq_along(st$from)) {
    rows <- st$from[k]:st$to[k]
    last <- st$to[k]
    for (j in seq_along(x$states)[-1L]) {
      out[[length(out) + 1L]] <- data.frame(
        strata = st$names[k], cause = x$states[j], n = n[k],
        events = sum(x$n.event[rows, j]), time = x$time[last],
        estimate = x$pstate[last, j],
        conf.low = if (is.null(x$lower)) NA_real_ else x$lower[last, j],
        conf.high = if (is.null(x$upper)) NA_real_ else x$upper[last, j],
        conf.type = x$conf.type, conf.level = x$conf.int, variance = x$ci$variance,
        stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, out)
  if (is.null(x$strata)) out$strata <- NULL
  rownames(out) <- NULL
  out
}
