# Base-graphics Kaplan-Meier plot with a KMunicate-style table under the
# time axis (numbers at risk, cumulative events, cumulative censored).

#' Plot a Kaplan-Meier fit with a numbers-at-risk table
#'
#' Draws the curves as step functions with their pointwise confidence bands
#' shaded and censoring marked, names the interval method in
#' the top margin, and writes under the time axis, for each curve, the
#' number at risk, the cumulative number of events and the cumulative number
#' censored at `times` (the KMunicate layout; Morris et al. 2019). With more
#' than three curves the table keeps only the numbers at risk; when the
#' device is too small for the table, a warning says so and the curves are
#' drawn without it.
#'
#' @param x A fit from [km()].
#' @param conf.int Draw the pointwise confidence band.
#' @param mark.time Mark censoring times.
#' @param risk.table Draw the table under the axis.
#' @param times Times for the axis ticks and the table (default: `pretty()`
#'   over the follow-up).
#' @param col,lty Colours and line types, one per curve.
#' @param xlab,ylab Axis labels (`xlab` default: "Time", with the unit of the
#'   times when the data stated it, e.g. "Time (months)" for [endpoints()] data).
#' @param legend Draw a legend when there are several curves.
#' @param band Optional simultaneous band from [confband()] on this fit,
#'   drawn as long-dashed step lines in each curve's colour and named in a
#'   legend (level, type and scale).
#' @param maturity `TRUE` (default: [maturity()]'s rules, at least 5 and
#'   10% of the curve's patients at risk), a result of [maturity()] for this
#'   fit, or a list of its rules (e.g. `list(min.risk = 5, min.fraction =
#'   0.1)`): each curve is drawn as usual up to its maturity time and as
#'   `beyond` says after it; a dotted vertical line marks the time. `FALSE`
#'   or `NULL` draws every curve to its end.
#' @param beyond `"dashed"` (default: the rest of the curve dashed, its
#'   band fainter) or `"stop"` (nothing drawn after the maturity time).
#' @param ... Passed to [graphics::plot.default()] (e.g. `main`).
#' @return Invisibly, the table drawn under the axis (a data frame with
#'   `strata`, `time`, `n.risk`, `n.event`, `n.censor`).
#' @references Morris TP, Jarvis CI, Cragg W, Phillips PPJ, Choodari-Oskooei
#'   B, Sydes MR (2019). Proposals on Kaplan-Meier plots in medical research
#'   and a survey of stakeholder views: KMunicate. *BMJ Open* 9:e030215.
#'   \doi{10.1136/bmjopen-2019-030215}
#' @family Kaplan-Meier
#' @examples
#' fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' plot(fit, xlab = "Months since enrolment", ylab = "Event-free survival")
#' @export
plot.smallsurv_km <- function(x, conf.int = TRUE, mark.time = TRUE, risk.table = TRUE,
                              times = NULL, col = NULL, lty = 1,
                              xlab = NULL, ylab = "Survival probability",
                              legend = TRUE, band = NULL, maturity = TRUE, beyond = c("dashed", "stop"),
                              ...) {
  xlab <- time_label(x, xlab)
  beyond <- match.arg(beyond)
  m <- resolve_maturity(maturity, x)
  st <- fit_strata(x)
  ncurve <- length(st$from)
  if (is.null(col)) col <- if (ncurve == 1L) "black" else grDevices::hcl.colors(max(ncurve, 2L), "Dark 2")[seq_len(ncurve)]
  col <- rep_len(col, ncurve)
  lty <- rep_len(lty, ncurve)
  xmax <- max(x$time)
  if (is.null(times)) times <- pretty(c(0, xmax))
  times <- times[times <= xmax * 1.04]
  check_times_arg(times)
  tab <- if (risk.table) add_switches(x, at_times(x, times, min.risk = 0, maturity = FALSE))
  if (!is.null(tab) && is.null(tab$strata)) tab$strata <- NA_character_

  # up to 3 curves: at risk, events and censored per curve (KMunicate);
  # more curves: the numbers at risk only, one line per curve
  compact <- ncurve > 3L
  if (risk.table) {
    per <- if (is.null(tab$n.moved)) 3L else 4L  # Simon-Makuch: a "Switched" row
    nlines <- if (compact) ncurve + 1L else per * ncurve + (if (ncurve > 1L) ncurve else 0L)
    mar_bottom <- 4.1 + nlines + 1
    avail <- graphics::par("din")[2] / graphics::par("csi")  # device height in lines
    if (mar_bottom + 3.1 + 5 > avail) {
      warning("the device is too small for the numbers-at-risk table of ", ncurve,
              " curves; drawing the curves without it (enlarge the device or use ",
              "`risk.table = FALSE`).", call. = FALSE)
      risk.table <- FALSE
      tab <- NULL
    } else {
      old <- graphics::par(mar = c(mar_bottom, if (compact) 9.5 else 7.5, 3.1, 1.1))
      on.exit(graphics::par(old), add = TRUE)
    }
  }
  xlim <- c(0, max(times, xmax))
  graphics::plot(NA, xlim = xlim, ylim = c(0, 1), xlab = "", ylab = ylab, xaxt = "n",
                 xaxs = "r", ...)
  cut <- if (is.null(m)) rep(Inf, ncurve) else m$limits$time
  for (k in seq_len(ncurve)) {
    draw_km_curve(x, st$from[k]:st$to[k], col[k], lty[k], conf.int && !is.null(x$lower),
                  mark.time, cut[k], beyond)
    if (is.finite(cut[k]) && m$limits$rule[k] != "none") {
      graphics::abline(v = cut[k], col = grDevices::adjustcolor(col[k], alpha.f = 0.6), lty = 3)
    }
  }
  if (!is.null(band)) {
    if (!inherits(band, "smallsurv_confband")) {
      abort("`band` must be a band from confband(); got an object of class ",
            paste(class(band), collapse = "/"), ".")
    }
    bcol <- col
    if (!is.null(band$strata)) bcol <- col[match(unique(band$strata), st$names)]
    # long dashes: the tail past maturity is dashed; the band is named below
    graphics::lines(band, col = bcol, lty = 5)
    graphics::legend("bottomleft", legend = band_title(band), lty = 5, bty = "n", cex = 0.8,
                     col = if (length(unique(bcol)) == 1L) bcol[1] else "grey30")
  }
  graphics::axis(1, at = times)
  graphics::mtext(xlab, side = 1, line = 2.2)
  top <- c(if (!identical(x$conf.type, "none") && conf.int)
    paste0(format(100 * x$conf.int), "% pointwise CI: ", fit_ci(x)$label),
    if (!is.null(m) && any(m$limits$rule != "none"))
      paste0("past maturity (dotted line): ", if (beyond == "dashed") "dashed" else "not drawn"))
  header_notes(top)
  if (legend && ncurve > 1L) {
    graphics::legend("topright", legend = st$names, col = col, lty = lty, lwd = 2, bty = "n")
  }
  if (risk.table) draw_risk_table(tab, st$names, times, col, compact)
  invisible(if (is.null(tab)) NULL else tab[c("strata", "time", "n.risk", "n.event", "n.censor")])
}

# One curve: shaded band (one rectangle per step, where the limits are
# defined; before the first event it is the point estimate 1), the step
# function from time 0, and censoring marks. Nothing is drawn past the last
# follow-up time of the curve. After `cut` (the maturity time) the curve is
# dashed with a fainter band, or not drawn (`beyond = "stop"`).
draw_km_curve <- function(x, rows, col, lty, band, mark.time, cut = Inf, beyond = "dashed") {
  tt <- c(0, x$time[rows])
  ss <- c(1, x$surv[rows])
  lo <- hi <- NULL
  if (band) {
    lo <- c(1, x$lower[rows])
    hi <- c(1, x$upper[rows])
    flat <- ss == 1 & is.na(lo)  # no event yet: log-log & co. are undefined
    lo[flat] <- 1
    hi[flat] <- 1
  }
  draw_step_curve(tt, ss, lo, hi, col, lty, cut, beyond, alpha = 0.18)
  if (mark.time) {
    cens <- rows[censor_marks(x)[rows] > 0 & (x$time[rows] <= cut | beyond == "dashed")]
    graphics::points(x$time[cens], x$surv[cens], pch = 3, col = col, cex = 0.8)
  }
}

# A step function starting at tt[1] with its band (lo, hi may be NULL),
# solid up to `cut` and dashed (fainter band) or absent after it.
draw_step_curve <- function(tt, ss, lo, hi, col, lty, cut, beyond, alpha) {
  m <- length(tt)
  if (!is.null(lo)) {
    ok <- which(!is.na(lo[-m]) & !is.na(hi[-m]))
    right <- tt[ok + 1L]
    late <- tt[ok] >= cut
    # rectangles straddling `cut` are split there
    split <- !late & right > cut
    if (any(!late)) {
      graphics::rect(tt[ok][!late], lo[ok][!late], pmin(right[!late], cut), hi[ok][!late],
                     col = grDevices::adjustcolor(col, alpha.f = alpha), border = NA)
    }
    if (beyond == "dashed" && (any(late) || any(split))) {
      i <- late | split
      graphics::rect(pmax(tt[ok][i], cut), lo[ok][i], right[i], hi[ok][i],
                     col = grDevices::adjustcolor(col, alpha.f = alpha / 3), border = NA)
    }
  }
  if (!is.finite(cut) || cut >= tt[m]) {
    graphics::lines(tt, ss, type = "s", col = col, lty = lty, lwd = 2)
    return(invisible())
  }
  k <- findInterval(cut, tt)  # last knot <= cut
  graphics::lines(c(tt[seq_len(k)], cut), c(ss[seq_len(k)], ss[k]), type = "s", col = col,
                  lty = lty, lwd = 2)
  if (beyond == "dashed") {
    graphics::lines(c(cut, tt[(k + 1L):m]), c(ss[k], ss[(k + 1L):m]), type = "s",
                    col = grDevices::adjustcolor(col, alpha.f = 0.7), lty = 2, lwd = 1.5)
  }
  invisible()
}

# Write the at-risk / events / censored rows in the bottom margin.
draw_risk_table <- function(tab, strata_names, times, col, compact = FALSE) {
  line <- 3.6
  xleft <- graphics::par("usr")[1]
  if (compact) {
    graphics::mtext("At risk", side = 1, line = line, at = xleft, adj = 1.1, font = 2, cex = 0.8)
    for (k in seq_along(strata_names)) {
      line <- line + 1
      rows <- tab[!is.na(tab$strata) & tab$strata == strata_names[k], ]
      graphics::mtext(strata_names[k], side = 1, line = line, at = xleft, adj = 1.05,
                      col = col[k], cex = 0.75)
      graphics::mtext(format_count(rows$n.risk), side = 1, line = line, at = times,
                      cex = 0.8, col = col[k])
    }
    return(invisible(NULL))
  }
  for (k in seq_along(strata_names)) {
    s <- strata_names[k]
    rows <- if (is.na(s)) tab else tab[!is.na(tab$strata) & tab$strata == s, ]
    if (!is.na(s)) {
      graphics::mtext(s, side = 1, line = line, at = xleft, adj = 1, col = col[k], font = 2,
                      cex = 0.8)
      line <- line + 1
    }
    for (what in c("n.risk", "n.event", if (!is.null(tab$n.moved)) "n.moved", "n.censor")) {
      label <- c(n.risk = "At risk", n.event = "Events", n.moved = "Switched",
                 n.censor = "Censored")[[what]]
      graphics::mtext(label, side = 1, line = line, at = xleft, adj = 1.1, cex = 0.8)
      graphics::mtext(format_count(rows[[what]]), side = 1, line = line, at = times,
                      cex = 0.8, col = col[k])
      line <- line + 1
    }
  }
}

# Counts print as integers, weighted counts with one decimal.
format_count <- function(v) {
  if (all(v == round(v))) format(round(v), trim = TRUE) else formatC(v, format = "f", digits = 1)
}

# The notes above a base figure (interval method, omitted bands, maturity),
# right-aligned with the plot: on one line when they fit between the
# figure's left edge and the plot's right edge, else one per line stacked
# into the top margin (a single line wider than the figure was clipped).
header_notes <- function(notes, cex = 0.8) {
  if (!length(notes)) return(invisible())
  joined <- paste(notes, collapse = "; ")
  room <- graphics::par("plt")[2]  # figure fraction left of the plot's right edge
  if (graphics::strwidth(joined, units = "figure", cex = cex) <= room) {
    graphics::mtext(joined, side = 3, line = 0.5, adj = 1, cex = cex)
  } else {
    for (i in seq_along(notes)) {
      graphics::mtext(notes[i], side = 3, line = 0.5 + 0.9 * (length(notes) - i), adj = 1,
                      cex = cex)
    }
  }
  invisible()
}
