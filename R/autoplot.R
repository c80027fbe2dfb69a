# ggplot2 figures that follow the KMunicate recommendations: the curves with
# their pointwise confidence bands, censoring marks, the interval named in
# the subtitle, and a numbers-at-risk / events / censored table built as a
# second ggplot on the same time scale, stacked under the curves by
# patchwork (aligned panels) or, without patchwork, by gtable with the two
# plots' widths unified. ggplot2 and patchwork are suggested packages: the
# methods are registered for ggplot2::autoplot() when ggplot2 is loaded.

#' KMunicate figures with ggplot2
#'
#' `autoplot()` methods (for [ggplot2::autoplot()]) that draw Kaplan-Meier
#' or cumulative incidence curves with their pointwise confidence bands
#' shaded, censoring marked, the interval method named in the subtitle and,
#' under the time axis and on the same scale, for each curve, the number at
#' risk, the cumulative number of events and the cumulative number censored
#' at `times` (the layout preferred by most respondents of KMunicate; Morris
#' et al. 2019). With more than three curves the table keeps only the
#' numbers at risk. The counts are those of [at_times()].
#'
#' The curves stop at the last follow-up of each stratum; nothing is
#' extrapolated. Before the first event the band is the point estimate (the
#' log-log and similar intervals are undefined there).
#'
#' The result is a `patchwork` object when the patchwork package is
#' installed (print it, or save it with [ggplot2::ggsave()]; `&` applies a
#' theme to both parts), otherwise a gtable of class `smallsurv_ggtable`
#' with the two plots' panels aligned (print it or save it with `ggsave()`).
#' The gtable is also used when `options(smallsurv.no_patchwork = TRUE)` is
#' set, and when the installed patchwork cannot lay out figures with the
#' installed ggplot2 (ggplot2 4.x needs a patchwork released for it): a
#' probe once per session finds this, and one message says so. With
#' `risk.table = FALSE` it is a plain `ggplot`.
#'
#' @param object A fit from [km()] or [cif()].
#' @param conf.int Draw the pointwise confidence band.
#' @param risk.table Draw the table under the time axis.
#' @param times Times for the axis breaks and the table (default: `pretty()`
#'   over the follow-up).
#' @param censor Mark censoring times (km fits).
#' @param causes Causes to draw (cif fits; names or numbers; default all).
#' @param xlab,ylab Axis labels (`xlab` default: "Time", with the unit of the
#'   times when the data stated it, e.g. "Time (months)" for data from
#'   [endpoints()]).
#' @param palette Colours, one per curve (km) or per cause (cif; per
#'   stratum when a single cause is drawn for several strata).
#' @param maturity `TRUE` (default: [maturity()]'s rules, at least 5 and
#'   10% of the curve's patients at risk), a result of `maturity()` for this
#'   fit, or a list of its rules (e.g. `list(min.risk = 5, min.fraction =
#'   0.1)`): each curve is drawn as usual up to its maturity time (marked by
#'   a dotted vertical line) and as `beyond` after it, so that no tail
#'   resting on a few patients looks as mature as the rest. `FALSE` or
#'   `NULL` draws every curve to its end.
#' @param beyond `"dashed"` (default: the rest of the curve faded and
#'   dashed, with a fainter band) or `"stop"` (not drawn).
#' @param heights Relative heights of the curves and of the table (default
#'   `c(3, 1)`; for cif fits drawn in panels, 1.6 per row of panels (2 for
#'   stacked panels) and 1 for the table).
#' @param layout cif fits with several causes: `"panels"` (default) draws
#'   one panel per cause, one under the other above the table, with the
#'   groups as lines and their bands (only when a panel has at most two
#'   groups); `"overlay"` draws every cause in one panel (bands only when
#'   the panel has at most two curves); `"stacked"` stacks the state
#'   probabilities to 1 (each cause from the bottom, the event-free
#'   probability on top), one panel per group. Subtitles say when bands are
#'   omitted.
#' @param ncol Columns of panels (`layout = "panels"` or `"stacked"`;
#'   default 1, so that the table beneath shares the panels' time axis).
#' @param base_size Base font size of the theme.
#' @param ... Unused.
#' @return A `patchwork`, a `smallsurv_ggtable` (see Details) or, without
#'   the table, a `ggplot`.
#' @references Morris TP, Jarvis CI, Cragg W, Phillips PPJ, Choodari-Oskooei
#'   B, Sydes MR (2019). Proposals on Kaplan-Meier plots in medical research
#'   and a survey of stakeholder views: KMunicate. *BMJ Open* 9:e030215.
#'   \doi{10.1136/bmjopen-2019-030215}
#' @family Kaplan-Meier
#' @family competing risks
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#'   ggplot2::autoplot(fit, xlab = "Months since enrolment", ylab = "Event-free survival")
#' }
#' @name autoplot-smallsurv
NULL

#' @rdname autoplot-smallsurv
#' @exportS3Method ggplot2::autoplot
autoplot.smallsurv_km <- function(object, conf.int = TRUE, risk.table = TRUE, times = NULL,
                                  censor = TRUE, xlab = NULL,
                                  ylab = "Survival probability", palette = NULL,
                                  maturity = TRUE, beyond = c("dashed", "stop"),
                                  heights = c(3, 1), base_size = 11, ...) {
  check_ggplot2()
  x <- object
  xlab <- time_label(x, xlab)
  beyond <- match_one(beyond, c("dashed", "stop"), "beyond")
  cut <- gg_maturity(maturity, x)
  check_flag(conf.int, "conf.int")
  check_flag(risk.table, "risk.table")
  check_flag(censor, "censor")
  st <- fit_strata(x)
  ncurve <- length(st$from)
  curve_names <- if (ncurve == 1L) "All" else strata_labels(st$names)
  col <- curve_palette(palette, ncurve)
  times <- gg_times(times, x$time)
  xlim <- c(0, max(times, x$time))

  steps <- list()
  bands <- list()
  marks <- list()
  cuts <- list()
  band <- conf.int && !is.null(x$lower)
  for (k in seq_len(ncurve)) {
    rows <- st$from[k]:st$to[k]
    s <- step_frame(x$time[rows], x$surv[rows],
                    if (band) x$lower[rows], if (band) x$upper[rows], p0 = 1, cut = cut[k])
    steps[[k]] <- data.frame(curve = curve_names[k], s$line)
    if (!is.null(s$band)) bands[[k]] <- data.frame(curve = curve_names[k], s$band)
    if (is.finite(cut[k]) && cut[k] < max(x$time[rows])) {
      cuts[[k]] <- data.frame(curve = curve_names[k], time = cut[k])
    }
    cens <- rows[censor_marks(x)[rows] > 0 & (beyond == "dashed" | x$time[rows] <= cut[k])]
    if (length(cens)) {
      marks[[k]] <- data.frame(curve = curve_names[k], time = x$time[cens],
                               estimate = x$surv[cens])
    }
  }
  p <- gg_curves(steps, bands, if (censor) marks, curve_names, col, xlim, times,
                 xlab, ylab, base_size, legend = ncurve > 1L,
                 subtitle = gg_subtitle(if (band) fit_ci(x), maturity, cut, beyond),
                 colour_title = if (ncurve > 1L) strata_title(st$names) else NULL,
                 cuts = cuts, beyond = beyond)
  if (!risk.table) return(p)
  tab <- add_switches(x, at_times(x, times, min.risk = 0, maturity = FALSE))
  if (is.null(tab$strata)) tab$strata <- curve_names
  tab$curve <- curve_names[match(tab$strata, if (ncurve == 1L) tab$strata[1] else st$names)]
  gg_stack(p, gg_risk_table(tab, curve_names, col, xlim, times, base_size), heights)
}

#' @rdname autoplot-smallsurv
#' @exportS3Method ggplot2::autoplot
autoplot.smallsurv_cif <- function(object, causes = NULL, conf.int = TRUE, risk.table = TRUE,
                                   times = NULL, xlab = NULL,
                                   ylab = "Cumulative incidence", palette = NULL,
                                   maturity = TRUE, beyond = c("dashed", "stop"),
                                   heights = NULL, base_size = 11,
                                   layout = c("panels", "overlay", "stacked"), ncol = 1L, ...) {
  check_ggplot2()
  x <- object
  xlab <- time_label(x, xlab)
  beyond <- match_one(beyond, c("dashed", "stop"), "beyond")
  layout <- match_one(layout, c("panels", "overlay", "stacked"), "layout")
  if (!is.numeric(ncol) || length(ncol) != 1L || !is.finite(ncol) || ncol < 1) {
    abort("`ncol` must be a positive whole number; got ", deparse1(ncol), ".")
  }
  cut <- gg_maturity(maturity, x)
  check_flag(conf.int, "conf.int")
  check_flag(risk.table, "risk.table")
  allc <- x$states[-1L]
  if (is.null(causes)) causes <- allc
  if (is.numeric(causes)) causes <- allc[causes]
  bad <- setdiff(causes, allc)
  if (length(bad) || !length(causes) || anyNA(causes)) {
    abort("`causes` must name causes of the fit (", paste0("\"", allc, "\"", collapse = ", "),
          "); got ", deparse1(if (length(bad)) bad else causes), ".")
  }
  st <- fit_strata(x)
  nst <- length(st$from)
  stratum_names <- if (nst == 1L) "All" else strata_labels(st$names)
  if (layout == "stacked") {
    return(gg_cif_stacked(x, causes, st, stratum_names, times, xlab, palette, cut, maturity,
                          beyond, risk.table, heights, base_size, ncol))
  }
  if (layout == "panels" && length(causes) > 1L) {
    return(gg_cif_panels(x, causes, st, stratum_names, conf.int, times, xlab, ylab, palette,
                         cut, maturity, beyond, risk.table, heights, base_size, ncol))
  }
  if (is.null(heights)) heights <- c(3, 1)
  # one cause and several strata: a colour per stratum; else a colour per
  # cause and a line type per stratum
  by_stratum <- length(causes) == 1L && nst > 1L
  keys <- if (by_stratum) stratum_names else causes
  col <- curve_palette(palette, length(keys))
  ax <- cif_axis_bands(x, times, conf.int, length(causes) * nst)
  times <- ax$times
  xlim <- ax$xlim
  band <- ax$band
  dropped <- ax$dropped
  steps <- list()
  bands <- list()
  cuts <- list()
  for (k in seq_len(nst)) {
    rows <- st$from[k]:st$to[k]
    if (is.finite(cut[k]) && cut[k] < max(x$time[rows])) {
      cuts[[k]] <- data.frame(curve = if (by_stratum) stratum_names[k] else causes[1],
                              time = cut[k])
    }
    for (cause in causes) {
      j <- match(cause, x$states)
      s <- step_frame(x$time[rows], x$pstate[rows, j],
                      if (band) x$lower[rows, j], if (band) x$upper[rows, j], p0 = 0,
                      cut = cut[k])
      key <- if (by_stratum) stratum_names[k] else cause
      steps[[length(steps) + 1L]] <- data.frame(curve = key, stratum = stratum_names[k],
                                                s$line)
      if (!is.null(s$band)) {
        bands[[length(bands) + 1L]] <- data.frame(curve = key, stratum = stratum_names[k],
                                                  s$band)
      }
    }
  }
  sub <- gg_subtitle(if (band) x$ci, maturity, cut, beyond)
  if (dropped) sub <- paste(c(sub, "bands omitted: more than two curves in one panel"),
                            collapse = "; ")
  p <- gg_curves(steps, bands, NULL, keys, col, xlim, times, xlab, ylab, base_size,
                 legend = TRUE, subtitle = sub,
                 colour_title = if (by_stratum) strata_title(st$names) else "Cause",
                 strata = if (nst > 1L && !by_stratum) stratum_names,
                 linetype_title = if (nst > 1L) strata_title(st$names),
                 cuts = if (length(causes) == 1L || nst == 1L) cuts, beyond = beyond)
  if (!risk.table) return(p)
  a <- at_times(x, times, min.risk = 0, maturity = FALSE)
  tab <- a[a$state == x$states[1L], , drop = FALSE]
  if (is.null(tab$strata)) tab$strata <- stratum_names
  tab$curve <- stratum_names[match(tab$strata, if (nst == 1L) tab$strata[1] else st$names)]
  tcol <- if (by_stratum) col else rep("grey10", nst)
  gg_stack(p, gg_risk_table(tab, stratum_names, tcol, xlim, times, base_size,
                            event_label = "Events (any)"),
           heights)
}

# autoplot() of a cif fit, one panel per cause (the causes named in the
# strips, one under the other so that the table beneath shares their time
# axis): groups as lines of their own colour, their pointwise bands when a
# panel has at most two curves, the maturity rule applied to each group's
# tail, the numbers at risk beneath.
gg_cif_panels <- function(x, causes, st, stratum_names, conf.int, times, xlab, ylab, palette,
                          cut, maturity, beyond, risk.table, heights, base_size, ncol) {
  nst <- length(st$from)
  col <- curve_palette(palette, nst)
  ax <- cif_axis_bands(x, times, conf.int, nst)
  times <- ax$times
  xlim <- ax$xlim
  steps <- bands <- cuts <- list()
  for (k in seq_len(nst)) {
    rows <- st$from[k]:st$to[k]
    for (cause in causes) {
      j <- match(cause, x$states)
      s <- step_frame(x$time[rows], x$pstate[rows, j],
                      if (ax$band) x$lower[rows, j], if (ax$band) x$upper[rows, j], p0 = 0,
                      cut = cut[k])
      steps[[length(steps) + 1L]] <- data.frame(curve = stratum_names[k], panel = cause, s$line)
      if (!is.null(s$band)) {
        bands[[length(bands) + 1L]] <- data.frame(curve = stratum_names[k], panel = cause,
                                                  s$band)
      }
      if (is.finite(cut[k]) && cut[k] < max(x$time[rows])) {
        cuts[[length(cuts) + 1L]] <- data.frame(curve = stratum_names[k], panel = cause,
                                                time = cut[k])
      }
    }
  }
  sub <- gg_subtitle(if (ax$band) x$ci, maturity, cut, beyond)
  if (ax$dropped) sub <- paste(c(sub, "bands omitted: more than two groups per panel"),
                            collapse = "; ")
  p <- gg_curves(steps, bands, NULL, stratum_names, col, xlim, times, xlab, ylab, base_size,
                 legend = nst > 1L, subtitle = sub,
                 colour_title = if (nst > 1L) strata_title(st$names) else NULL,
                 cuts = cuts, beyond = beyond, panels = causes, ncol = ncol)
  if (is.null(heights)) heights <- c(1.6 * ceiling(length(causes) / ncol), 1)
  if (!risk.table) return(p)
  gg_stack(p, cif_risk_table(x, times, st, stratum_names, col, xlim, base_size), heights)
}

# The time axis of a cif figure (breaks, limits) and its bands: drawn when a
# panel holds at most two curves (more overlap into an unreadable blur),
# else `dropped` (the subtitle says so).
cif_axis_bands <- function(x, times, conf.int, curves_per_panel) {
  times <- gg_times(times, x$time)
  has <- conf.int && !is.null(x$lower)
  list(times = times, xlim = c(0, max(times, x$time)), band = has && curves_per_panel <= 2L,
       dropped = has && curves_per_panel > 2L)
}

# The numbers at risk (event-free), with an event (any cause) and censored,
# per group, under a cif figure.
cif_risk_table <- function(x, times, st, stratum_names, col, xlim, base_size) {
  nst <- length(st$from)
  a <- at_times(x, times, min.risk = 0, maturity = FALSE)
  tab <- a[a$state == x$states[1L], , drop = FALSE]
  if (is.null(tab$strata)) tab$strata <- stratum_names
  tab$curve <- stratum_names[match(tab$strata, if (nst == 1L) tab$strata[1] else st$names)]
  gg_risk_table(tab, stratum_names, if (nst > 1L) col else rep("grey10", nst), xlim, times,
                base_size, event_label = "Events (any)")
}

# autoplot(layout = "stacked"): the state probabilities stacked to 1 (each
# cause's incidence from the bottom, the event-free probability on top), one
# panel per group; past the maturity time faded (or not drawn).
gg_cif_stacked <- function(x, causes, st, stratum_names, times, xlab, palette, cut, maturity,
                           beyond, risk.table, heights, base_size, ncol) {
  nst <- length(st$from)
  # the stack must reach 1: causes left out are stacked together
  rest <- setdiff(x$states[-1L], causes)
  states <- c(causes, if (length(rest)) "(other causes)", x$states[1L])
  col <- c(curve_palette(palette, length(causes)), if (length(rest)) "grey60", "grey85")
  labels <- c(causes, if (length(rest)) "other causes", "event-free")
  prob <- function(rows, state) {
    if (state == "(other causes)") {
      return(rowSums(x$pstate[rows, match(rest, x$states), drop = FALSE]))
    }
    x$pstate[rows, match(state, x$states)]
  }
  times <- gg_times(times, x$time)
  xlim <- c(0, max(times, x$time))
  rects <- list()
  for (k in seq_len(nst)) {
    rows <- st$from[k]:st$to[k]
    tt <- c(0, x$time[rows])
    m <- length(tt)
    below <- rep(0, m)
    for (i in seq_along(states)) {
      # before the first time: no cause yet, everyone event-free
      top <- below + c(if (i == length(states)) 1 else 0, prob(rows, states[i]))
      ok <- which(tt[-1L] > tt[-m])
      b <- data.frame(xmin = tt[ok], xmax = tt[ok + 1L], ymin = below[ok], ymax = top[ok],
                      segment = "pre", stringsAsFactors = FALSE)
      if (is.finite(cut[k])) {  # split at the maturity time
        straddle <- b$xmin < cut[k] & b$xmax > cut[k]
        tail <- b[straddle, , drop = FALSE]
        b$xmax[straddle] <- cut[k]
        tail$xmin <- rep(cut[k], nrow(tail))
        b <- rbind(b, tail)
        b$segment[b$xmin >= cut[k]] <- "post"
      }
      if (nrow(b)) rects[[length(rects) + 1L]] <- data.frame(state = labels[i],
                                                             panel = stratum_names[k], b)
      below <- top
    }
  }
  r <- do.call(rbind, rects)
  r$state <- factor(r$state, labels)
  r$panel <- factor(r$panel, stratum_names)
  if (beyond == "stop") r <- r[r$segment == "pre", , drop = FALSE]
  p <- ggplot2::ggplot(r) +
    ggplot2::geom_rect(ggplot2::aes(xmin = .data$xmin, xmax = .data$xmax, ymin = .data$ymin,
                                    ymax = .data$ymax, fill = .data$state,
                                    alpha = .data$segment), colour = NA) +
    ggplot2::scale_alpha_manual(values = c(pre = 0.9, post = 0.35), guide = "none") +
    ggplot2::scale_fill_manual(values = stats::setNames(col, labels), name = "State") +
    gg_x_scale(xlim, times) +
    ggplot2::scale_y_continuous(limits = c(0, 1), breaks = seq(0, 1, 0.25),
                                expand = ggplot2::expansion(mult = 0.02)) +
    ggplot2::labs(x = xlab, y = "Probability (stacked)",
                  subtitle = gg_subtitle(NULL, maturity, cut, beyond)) +
    ggplot2::theme_bw(base_size = base_size) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(), legend.position = "top",
                   legend.justification = "left",
                   plot.subtitle = ggplot2::element_text(hjust = 1, size = ggplot2::rel(0.8)))
  if (nst > 1L) {
    p <- p + ggplot2::facet_wrap(ggplot2::vars(.data$panel), ncol = ncol) +
      ggplot2::theme(strip.background = ggplot2::element_rect(fill = "grey95"),
                     strip.text = ggplot2::element_text(hjust = 0, face = "bold"))
  }
  if (is.null(heights)) heights <- c(2 * ceiling(nst / ncol), 1)
  if (!risk.table) return(p)
  gg_stack(p, cif_risk_table(x, times, st, stratum_names, rep("grey10", nst), xlim,
                             base_size), heights)
}

#' Figures of maturity tables, confidence bands and coverage studies
#'
#' `autoplot()` methods for the results of `maturity()` (the numbers at
#' risk and the change one more event would cause, at the table's times,
#' with the rules as horizontal lines and each curve's maturity time as a
#' dotted vertical line), of `confband()` (the curve and its simultaneous
#' band as steps, one colour per stratum, the band type and level in the
#' subtitle) and of `ci_coverage()` (the coverage of each interval method
#' over time against the nominal level, with Monte Carlo error bars of
#' \eqn{\pm 2} standard errors, and the lower and upper non-coverage).
#'
#' @param object A result of `maturity()`, `confband()` or `ci_coverage()`.
#' @param xlab Label of the time axis.
#' @param palette Colours, one per curve or method.
#' @param base_size Base font size of the theme.
#' @param ... Unused.
#' @return A `ggplot`.
#' @family Kaplan-Meier
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE) && exists("maturity")) {
#'   fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#'   ggplot2::autoplot(maturity(fit))
#' }
#' @name autoplot-results
NULL

#' @rdname autoplot-results
#' @exportS3Method ggplot2::autoplot
autoplot.smallsurv_maturity <- function(object, xlab = "Time", palette = NULL, base_size = 11,
                                        ...) {
  check_ggplot2()
  tab <- object$table
  lim <- object$limits
  rules <- object$rules
  if (is.null(tab$strata)) tab$strata <- "All"
  if (is.null(lim$strata)) lim$strata <- "All"
  tab$strata[is.na(tab$strata)] <- "All"
  lim$strata[is.na(lim$strata)] <- "All"
  curves <- unique(lim$strata)
  labels <- if (length(curves) > 1L) strata_labels(curves) else curves
  col <- curve_palette(palette, length(curves))
  panel_risk <- "Number at risk"
  panel_drop <- "Change one more event would cause"
  long <- rbind(
    data.frame(curve = tab$strata, time = tab$time, value = tab$n.risk, panel = panel_risk,
               stringsAsFactors = FALSE),
    data.frame(curve = tab$strata, time = tab$time, value = tab$drop, panel = panel_drop,
               stringsAsFactors = FALSE))
  long$curve <- factor(labels[match(long$curve, curves)], labels)
  long$panel <- factor(long$panel, c(panel_risk, panel_drop))
  thr <- list()
  if (!is.null(rules$min.risk)) {
    thr[[length(thr) + 1L]] <- data.frame(curve = NA, value = rules$min.risk, panel = panel_risk,
                                          what = paste0("min.risk = ", rules$min.risk))
  }
  if (!is.null(rules$min.fraction)) {
    thr[[length(thr) + 1L]] <- data.frame(curve = labels, value = rules$min.fraction * lim$n,
                                          panel = panel_risk,
                                          what = paste0("min.fraction = ", rules$min.fraction))
  }
  if (!is.null(rules$max.drop)) {
    thr[[length(thr) + 1L]] <- data.frame(curve = NA, value = rules$max.drop, panel = panel_drop,
                                          what = paste0("max.drop = ", rules$max.drop))
  }
  # the table's times only: points, joined by thin lines as a guide
  p <- ggplot2::ggplot(long, ggplot2::aes(.data$time, .data$value, colour = .data$curve)) +
    ggplot2::geom_line(linewidth = 0.4, alpha = 0.6, na.rm = TRUE) +
    ggplot2::geom_point(size = 2, na.rm = TRUE)
  if (length(thr)) {
    th <- do.call(rbind, thr)
    th$panel <- factor(th$panel, levels(long$panel))
    th$curve <- factor(th$curve, labels)
    p <- p + ggplot2::geom_hline(data = th[is.na(th$curve), , drop = FALSE],
                                 ggplot2::aes(yintercept = .data$value), linetype = "dashed",
                                 colour = "grey40") +
      ggplot2::geom_hline(data = th[!is.na(th$curve), , drop = FALSE],
                          ggplot2::aes(yintercept = .data$value, colour = .data$curve),
                          linetype = "dashed", show.legend = FALSE)
  }
  cuts <- data.frame(curve = factor(labels, labels), time = lim$time)
  cuts <- cuts[!is.na(cuts$time) & lim$time < lim$last, , drop = FALSE]
  if (nrow(cuts)) {
    p <- p + ggplot2::geom_vline(data = cuts, ggplot2::aes(xintercept = .data$time,
                                                           colour = .data$curve),
                                 linetype = "dotted", show.legend = FALSE)
  }
  rule_txt <- maturity_rule_text(rules, object$type)
  p + ggplot2::facet_wrap(ggplot2::vars(.data$panel), ncol = 1L, scales = "free_y") +
    ggplot2::scale_colour_manual(values = stats::setNames(col, labels),
                                 name = if (length(curves) > 1L) strata_title(curves) else NULL) +
    ggplot2::labs(x = xlab, y = NULL,
                  subtitle = paste(strwrap(paste0(
                    "Readable while ", paste(rule_txt, collapse = " and "),
                    " (dashed lines); maturity time dotted."), width = 90), collapse = "\n")) +
    ggplot2::theme_bw(base_size = base_size) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(),
                   legend.position = if (length(curves) > 1L) "top" else "none",
                   plot.subtitle = ggplot2::element_text(size = ggplot2::rel(0.8)))
}

#' @rdname autoplot-results
#' @exportS3Method ggplot2::autoplot
autoplot.smallsurv_confband <- function(object, xlab = "Time", palette = NULL, base_size = 11,
                                        ...) {
  check_ggplot2()
  b <- as.data.frame(unclass(object), stringsAsFactors = FALSE)
  attrs <- attributes(object)
  if (is.null(b$strata)) b$strata <- "Kaplan-Meier estimate"
  curves <- unique(b$strata)
  labels <- if (length(curves) > 1L) strata_labels(curves) else curves
  col <- curve_palette(palette, length(curves))
  steps <- list()
  rects <- list()
  for (k in seq_along(curves)) {
    d <- b[b$strata == curves[k], , drop = FALSE]
    d <- d[order(d$time), , drop = FALSE]
    steps[[k]] <- data.frame(curve = labels[k], time = d$time, surv = d$surv)
    m <- nrow(d)
    if (m > 1L) {
      ok <- which(!is.na(d$lower[-m]) & !is.na(d$upper[-m]) & d$time[-1L] > d$time[-m])
      if (length(ok)) {
        rects[[k]] <- data.frame(curve = labels[k], xmin = d$time[ok], xmax = d$time[ok + 1L],
                                 ymin = d$lower[ok], ymax = d$upper[ok])
      }
    }
  }
  st <- do.call(rbind, steps)
  st$curve <- factor(st$curve, labels)
  # the band is named in the legend (a shaded key), the curves by colour
  band_label <- band_title(object)
  p <- ggplot2::ggplot()
  if (length(rects)) {
    r <- do.call(rbind, rects)
    r$curve <- factor(r$curve, labels)
    r$band <- band_label
    p <- p + ggplot2::geom_rect(data = r, ggplot2::aes(xmin = .data$xmin, xmax = .data$xmax,
                                                       ymin = .data$ymin, ymax = .data$ymax,
                                                       fill = .data$curve, alpha = .data$band)) +
      ggplot2::scale_alpha_manual(values = stats::setNames(0.2, band_label), name = NULL,
                                  guide = ggplot2::guide_legend(
                                    override.aes = list(fill = "grey30"), order = 2))
  }
  p + ggplot2::geom_step(data = st, ggplot2::aes(.data$time, .data$surv, colour = .data$curve),
                         direction = "hv", linewidth = 0.8) +
    ggplot2::scale_colour_manual(values = stats::setNames(col, labels),
                                 name = if (length(curves) > 1L) strata_title(curves) else NULL,
                                 guide = ggplot2::guide_legend(order = 1)) +
    ggplot2::scale_fill_manual(values = stats::setNames(col, labels), guide = "none") +
    ggplot2::scale_y_continuous(limits = c(0, 1)) +
    ggplot2::labs(x = xlab, y = "Survival probability",
                  subtitle = paste0(band_label, ", over the range shown")) +
    ggplot2::theme_bw(base_size = base_size) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(), legend.position = "top",
                   plot.subtitle = ggplot2::element_text(hjust = 1, size = ggplot2::rel(0.8)))
}

#' @rdname autoplot-results
#' @exportS3Method ggplot2::autoplot
autoplot.smallsurv_coverage <- function(object, xlab = "Time", palette = NULL, base_size = 11,
                                        ...) {
  check_ggplot2()
  cv <- as.data.frame(unclass(object), stringsAsFactors = FALSE)
  design <- attr(object, "design")
  lvl <- if (!is.null(design$conf.level)) design$conf.level else NA_real_
  methods <- unique(cv$method)
  col <- curve_palette(palette, length(methods))
  cv$method <- factor(cv$method, methods)
  pd <- ggplot2::position_dodge(width = 0.02 * diff(range(cv$time, na.rm = TRUE)) + 1e-9)
  p_cov <- "Coverage"
  p_err <- "Non-coverage (each side; nominal dashed)"
  long <- rbind(
    data.frame(method = cv$method, time = cv$time, value = cv$coverage, se = cv$mc_se,
               panel = p_cov, side = "coverage"),
    data.frame(method = cv$method, time = cv$time, value = cv$lower_error, se = NA_real_,
               panel = p_err, side = "lower"),
    data.frame(method = cv$method, time = cv$time, value = cv$upper_error, se = NA_real_,
               panel = p_err, side = "upper"))
  long$panel <- factor(long$panel, c(p_cov, p_err))
  ref <- data.frame(panel = factor(c(p_cov, p_err), c(p_cov, p_err)),
                    value = c(lvl, (1 - lvl) / 2))
  ggplot2::ggplot(long, ggplot2::aes(.data$time, .data$value, colour = .data$method)) +
    ggplot2::geom_hline(data = ref[!is.na(ref$value), , drop = FALSE],
                        ggplot2::aes(yintercept = .data$value), linetype = "dashed",
                        colour = "grey40") +
    ggplot2::geom_line(ggplot2::aes(linetype = .data$side,
                                    group = interaction(.data$method, .data$side)),
                       position = pd, na.rm = TRUE) +
    ggplot2::geom_point(position = pd, size = 1.5, na.rm = TRUE) +
    ggplot2::geom_errorbar(ggplot2::aes(ymin = .data$value - 2 * .data$se,
                                        ymax = .data$value + 2 * .data$se),
                           width = 0, position = pd, na.rm = TRUE) +
    ggplot2::facet_wrap(ggplot2::vars(.data$panel), ncol = 1L, scales = "free_y") +
    ggplot2::scale_colour_manual(values = stats::setNames(col, methods), name = "Method") +
    ggplot2::scale_linetype_manual(values = c(coverage = "solid", lower = "dotted",
                                              upper = "solid"), guide = "none") +
    ggplot2::labs(x = xlab, y = NULL,
                  subtitle = paste0("Nominal ", if (!is.na(lvl)) paste0(format(100 * lvl), "%"),
                                    " dashed; bars: +/- 2 Monte Carlo SE\nnon-coverage: ",
                                    "truth below the lower limit dotted, above the upper solid",
                                    if (!is.null(design$reps)) paste0(" (", design$reps,
                                                                      " replicates)"))) +
    ggplot2::theme_bw(base_size = base_size) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(), legend.position = "top",
                   plot.subtitle = ggplot2::element_text(size = ggplot2::rel(0.8)))
}

# ---- helpers --------------------------------------------------------------

check_ggplot2 <- function() {
  if (!requireNamespace("ggplot2", quietly = TRUE)) {
    abort("autoplot() needs the ggplot2 package; install it with install.packages(\"ggplot2\"), ",
          "or use plot() (base graphics).")
  }
}

curve_palette <- function(palette, n) {
  if (is.null(palette)) {
    palette <- if (n == 1L) "black" else grDevices::hcl.colors(max(n, 2L), "Dark 2")[seq_len(n)]
  }
  rep_len(palette, n)
}

gg_times <- function(times, time) {
  xmax <- max(time)
  if (is.null(times)) {
    times <- pretty(c(0, xmax))
    times <- times[times <= xmax * 1.04]
  }
  check_times_arg(times)
  sort(unique(times))
}

# "dose=DL1", "dose=DL2" -> "DL1", "DL2" when one variable names them all.
strata_labels <- function(names) {
  v <- unique(sub("=.*$", "", names))
  if (length(v) == 1L && all(startsWith(names, paste0(v, "="))) && !grepl(",", v)) {
    substring(names, nchar(v) + 2L)
  } else names
}

# "dose=DL1" -> "dose"; several variables or no "=" -> "Strata".
strata_title <- function(names) {
  v <- unique(sub("=.*$", "", names))
  if (length(v) == 1L && all(grepl("=", names)) && !grepl(",", v)) v else "Strata"
}

# Maturity time of each curve (Inf: none): from a result of maturity() for
# this fit, or from a list of its rules (needs maturity()).
gg_maturity <- function(maturity, fit) {
  m <- resolve_maturity(maturity, fit)
  if (is.null(m)) return(rep(Inf, length(fit_strata(fit)$from)))
  out <- m$limits$time
  out[is.na(out)] <- Inf
  out
}

gg_subtitle <- function(ci, maturity, cut, beyond) {
  a <- ci_subtitle(ci)
  if (!is.null(maturity) && any(is.finite(cut))) {
    a <- paste0(c(a, paste0("past maturity (dotted line): ",
                            if (beyond == "dashed") "faded" else "not drawn")),
                collapse = "; ")
  }
  a
}

ci_subtitle <- function(ci) {
  if (is.null(ci) || identical(ci$conf.type, "none")) return(NULL)
  paste0(format(100 * ci$conf.level), "% pointwise CI: ", ci$label)
}

# A step function from (0, p0) and the rectangles of its band (one per step
# where both limits are defined; the point p0 before the first event). With
# a maturity time `cut` before the end, `segment` tells the readable part
# ("pre", up to `cut`, which gets a point at `cut`) from the rest ("post",
# from `cut` on); rectangles that straddle `cut` are split there.
step_frame <- function(time, est, lower, upper, p0, cut = Inf) {
  tt <- c(0, time)
  ee <- c(p0, est)
  line <- data.frame(time = tt, estimate = ee, segment = "pre", stringsAsFactors = FALSE)
  if (is.finite(cut) && cut < max(tt)) {
    at_cut <- ee[findInterval(cut, tt)]
    pre <- rbind(line[tt <= cut, ], data.frame(time = cut, estimate = at_cut, segment = "pre"))
    post <- rbind(data.frame(time = cut, estimate = at_cut, segment = "post"),
                  data.frame(time = tt[tt > cut], estimate = ee[tt > cut], segment = "post"))
    line <- rbind(pre, post)
  }
  if (is.null(lower)) return(list(line = line, band = NULL))
  lo <- c(p0, lower)
  hi <- c(p0, upper)
  flat <- ee == p0 & (is.na(lo) | is.na(hi))
  lo[flat] <- p0
  hi[flat] <- p0
  m <- length(tt)
  ok <- which(!is.na(lo[-m]) & !is.na(hi[-m]) & tt[-1L] > tt[-m])
  band <- if (length(ok)) {
    data.frame(xmin = tt[ok], xmax = tt[ok + 1L], ymin = lo[ok], ymax = hi[ok],
               segment = "pre", stringsAsFactors = FALSE)
  } else NULL
  if (!is.null(band)) band <- split_at_cut(band, cut)
  list(line = line, band = band)
}

# "Time (months)" when the fit knows the unit of its times (data from
# endpoints()), else "Time"; an explicit label wins.
time_label <- function(fit, xlab = NULL) {
  if (!is.null(xlab)) return(xlab)
  u <- attr(fit, "unit")
  if (is.null(u)) "Time" else paste0("Time (", u, ")")
}

gg_x_scale <- function(xlim, times) {
  ggplot2::scale_x_continuous(breaks = times, limits = xlim,
                              expand = ggplot2::expansion(mult = 0.03))
}

gg_curves <- function(steps, bands, marks, curve_names, col, xlim, times, xlab, ylab,
                      base_size, legend, subtitle, colour_title, strata = NULL,
                      linetype_title = NULL, cuts = NULL, beyond = "dashed", panels = NULL,
                      ncol = 1L) {
  lines <- do.call(rbind, steps)
  lines$curve <- factor(lines$curve, curve_names)
  if (!is.null(panels)) lines$panel <- factor(lines$panel, panels)
  has_strata <- !is.null(strata)
  many <- length(curve_names) + length(strata) > 4L
  if (has_strata) lines$stratum <- factor(lines$stratum, strata)
  aes_line <- if (has_strata) {
    ggplot2::aes(.data$time, .data$estimate, colour = .data$curve,
                 linetype = .data$stratum,
                 group = interaction(.data$curve, .data$stratum, .data$segment))
  } else {
    ggplot2::aes(.data$time, .data$estimate, colour = .data$curve,
                 group = interaction(.data$curve, .data$segment))
  }
  p <- ggplot2::ggplot()
  post_alpha <- 0.45
  if (length(bands)) {
    b <- do.call(rbind, bands)
    b$curve <- factor(b$curve, curve_names)
    if (!is.null(panels)) b$panel <- factor(b$panel, panels)
    a <- if (has_strata) 0.12 else 0.2
    for (seg in c("pre", "post")) {
      bs <- b[b$segment == seg, , drop = FALSE]
      if (seg == "post" && beyond == "stop") next
      if (!nrow(bs)) next
      p <- p + ggplot2::geom_rect(
        data = bs, ggplot2::aes(xmin = .data$xmin, xmax = .data$xmax, ymin = .data$ymin,
                                ymax = .data$ymax, fill = .data$curve),
        alpha = if (seg == "pre") a else a / 3, colour = NA, show.legend = FALSE)
    }
  }
  pre <- lines[lines$segment == "pre", , drop = FALSE]
  post <- lines[lines$segment == "post", , drop = FALSE]
  p <- p + ggplot2::geom_step(data = pre, mapping = aes_line, direction = "hv",
                              linewidth = 0.8)
  if (nrow(post) && beyond == "dashed") {
    p <- p + if (has_strata) {
      ggplot2::geom_step(data = post, mapping = aes_line, direction = "hv", linewidth = 0.8,
                         alpha = post_alpha)
    } else {
      ggplot2::geom_step(data = post, mapping = aes_line, direction = "hv", linewidth = 0.8,
                         linetype = "dashed", alpha = post_alpha + 0.2)
    }
  }
  if (length(cuts)) {
    cu <- do.call(rbind, cuts)
    cu$curve <- factor(cu$curve, curve_names)
    if (!is.null(panels)) cu$panel <- factor(cu$panel, panels)
    p <- p + ggplot2::geom_vline(data = cu, ggplot2::aes(xintercept = .data$time,
                                                         colour = .data$curve),
                                 linetype = "dotted", linewidth = 0.5, show.legend = FALSE)
  }
  if (length(marks)) {
    mk <- do.call(rbind, marks)
    mk$curve <- factor(mk$curve, curve_names)
    p <- p + ggplot2::geom_point(data = mk, ggplot2::aes(.data$time, .data$estimate,
                                                         colour = .data$curve),
                                 shape = 3, size = 2, show.legend = FALSE)
  }
  p <- p +
    ggplot2::scale_colour_manual(values = stats::setNames(col, curve_names),
                                 name = colour_title, drop = FALSE) +
    ggplot2::scale_fill_manual(values = stats::setNames(col, curve_names), guide = "none",
                               drop = FALSE) +
    gg_x_scale(xlim, times) +
    ggplot2::scale_y_continuous(limits = c(0, 1), breaks = seq(0, 1, 0.25),
                                expand = ggplot2::expansion(mult = 0.02)) +
    ggplot2::labs(x = xlab, y = ylab, subtitle = subtitle) +
    ggplot2::theme_bw(base_size = base_size) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(),
                   plot.subtitle = ggplot2::element_text(hjust = 1, size = ggplot2::rel(0.8)),
                   legend.position = if (!legend) "none" else if (many) "right" else "top",
                   legend.justification = if (many) "center" else "left")
  if (has_strata) p <- p + ggplot2::scale_linetype_discrete(name = linetype_title)
  if (!is.null(panels)) {  # one panel per cause, the cause named in the strip
    p <- p + ggplot2::facet_wrap(ggplot2::vars(.data$panel), ncol = ncol) +
      ggplot2::theme(strip.background = ggplot2::element_rect(fill = "grey95"),
                     strip.text = ggplot2::element_text(hjust = 0, face = "bold"))
  }
  p
}

# The table under the axis: one facet row per curve (stratum name on the
# left strip), rows "At risk", "Events", "Censored" (only "At risk" with more
# than three curves), the numbers at `times` on the curves' x scale.
gg_risk_table <- function(tab, curve_names, col, xlim, times, base_size,
                          event_label = "Events", compact = length(curve_names) > 3L,
                          title = NULL) {
  what <- if (compact) c(n.risk = "At risk") else
    c(n.risk = "At risk", n.event = event_label,
      if (!is.null(tab$n.moved)) c(n.moved = "Switched"), n.censor = "Censored")
  long <- do.call(rbind, lapply(names(what), function(w) {
    data.frame(curve = tab$curve, time = tab$time, row = what[[w]],
               label = format_count(tab[[w]]), stringsAsFactors = FALSE)
  }))
  long$curve <- factor(long$curve, curve_names)
  if (compact) {
    long$y <- factor(as.character(long$curve), rev(curve_names))
  } else {
    long$y <- factor(long$row, rev(unname(what)))
  }
  p <- ggplot2::ggplot(long, ggplot2::aes(.data$time, .data$y, label = .data$label,
                                          colour = .data$curve)) +
    ggplot2::geom_text(size = base_size / ggplot2::.pt * 0.85, show.legend = FALSE) +
    ggplot2::scale_colour_manual(values = stats::setNames(col, curve_names), drop = FALSE) +
    gg_x_scale(xlim, times) +
    ggplot2::labs(x = NULL, y = NULL,
                  title = if (!is.null(title)) title else if (compact) "Numbers at risk" else
                    if (!is.null(tab$n.moved))
                    "At risk; events, switched, censored (cumulative)" else
                    "Numbers at risk, with an event, censored (cumulative)") +
    ggplot2::coord_cartesian(clip = "off") +
    ggplot2::theme_minimal(base_size = base_size) +
    ggplot2::theme(panel.grid = ggplot2::element_blank(),
                   axis.text.x = ggplot2::element_blank(),
                   axis.ticks = ggplot2::element_blank(),
                   plot.title = ggplot2::element_text(size = ggplot2::rel(0.8),
                                                      face = "bold"),
                   axis.text.y = ggplot2::element_text(hjust = 0),
                   strip.placement = "outside",
                   strip.text.y.left = ggplot2::element_text(angle = 0, hjust = 1,
                                                             face = "bold"),
                   panel.spacing.y = ggplot2::unit(0.2, "lines"))
  if (!compact && length(curve_names) > 1L) {
    p <- p + ggplot2::facet_grid(rows = ggplot2::vars(.data$curve), switch = "y")
  }
  p
}

# Stack the curves over the table with identical x mapping: patchwork aligns
# the panels; without it, gtable rows with the widths unified.
gg_stack <- function(p, tab, heights) {
  if (!is.numeric(heights) || length(heights) != 2L || any(!is.finite(heights)) ||
      any(heights <= 0)) {
    abort("`heights` must be two positive numbers; got ", deparse1(heights), ".")
  }
  if (use_patchwork()) {
    return(patchwork::wrap_plots(p, tab, ncol = 1L, heights = heights))
  }
  g1 <- ggplot2::ggplotGrob(p)
  g2 <- ggplot2::ggplotGrob(tab)
  g <- gtable_stack(g1, g2, heights)
  class(g) <- c("smallsurv_ggtable", class(g))
  g
}

# Whether to stack with patchwork: installed, not switched off with
# options(smallsurv.no_patchwork = TRUE), and able to lay out a two-panel
# figure with the installed ggplot2 (ggplot2 4.x with a patchwork older
# than it fails when the figure is drawn). Probed once per session; a
# failed probe says so once and the gtable stack is used instead.
.patchwork_ok <- new.env(parent = emptyenv())
use_patchwork <- function() {
  if (isTRUE(getOption("smallsurv.no_patchwork"))) return(FALSE)
  if (!requireNamespace("patchwork", quietly = TRUE)) return(FALSE)
  key <- paste(utils::packageVersion("ggplot2"), utils::packageVersion("patchwork"))
  if (is.null(.patchwork_ok[[key]])) {
    d <- data.frame(x = c(0, 1), y = c(0, 1))
    probe <- ggplot2::ggplot(d, ggplot2::aes(.data$x, .data$y)) + ggplot2::geom_line()
    # drawn on a null device, so the probe opens no file (Rplots.pdf) and
    # leaves the user's current device current
    old <- grDevices::dev.cur()
    grDevices::pdf(NULL)
    on.exit({
      grDevices::dev.off()
      if (old > 1L) grDevices::dev.set(old)
    }, add = TRUE)
    ok <- tryCatch({
      patchwork::patchworkGrob(patchwork::wrap_plots(probe, probe, ncol = 1L))
      TRUE
    }, error = function(e) {
      message("smallsurv: patchwork ", utils::packageVersion("patchwork"), " cannot lay out ",
              "figures with ggplot2 ", utils::packageVersion("ggplot2"), " (", conditionMessage(e),
              "); risk tables are aligned with gtable instead. Update patchwork to use it.")
      FALSE
    })
    .patchwork_ok[[key]] <- ok
  }
  .patchwork_ok[[key]]
}

# rbind two gtables so that their panel columns line up: pad each with
# empty columns to the same number of columns left and right of the panels,
# take the larger width of every non-panel column, and scale the panel rows
# to `heights`.
gtable_stack <- function(g1, g2, heights) {
  panel_cols <- function(g) {
    i <- grepl("^panel", g$layout$name)
    c(min(g$layout$l[i]), max(g$layout$r[i]))
  }
  pad <- function(g, left, right) {
    for (i in seq_len(left)) g <- gtable::gtable_add_cols(g, grid::unit(0, "pt"), pos = 0)
    for (i in seq_len(right)) g <- gtable::gtable_add_cols(g, grid::unit(0, "pt"), pos = -1)
    g
  }
  p1 <- panel_cols(g1)
  p2 <- panel_cols(g2)
  left <- max(p1[1], p2[1]) - 1L
  right <- max(length(g1$widths) - p1[2], length(g2$widths) - p2[2])
  g1 <- pad(g1, left - (p1[1] - 1L), right - (length(g1$widths) - p1[2]))
  g2 <- pad(g2, left - (p2[1] - 1L), right - (length(g2$widths) - p2[2]))
  if (length(g1$widths) != length(g2$widths)) {
    abort("internal error: the curves and the table have different panel layouts.")
  }
  n <- length(g1$widths)
  outer <- setdiff(seq_len(n), (left + 1L):(n - right))
  w <- g1$widths
  for (i in outer) w[i] <- grid::unit.pmax(g1$widths[i], g2$widths[i])
  g1$widths <- w
  g2$widths <- w
  null_rows <- function(g) which(vapply(seq_along(g$heights), function(i)
    grid::unitType(g$heights[i]) == "null", logical(1)))
  r1 <- null_rows(g1)
  r2 <- null_rows(g2)
  g1$heights[r1] <- grid::unit(heights[1] / length(r1), "null")
  g2$heights[r2] <- grid::unit(heights[2] / length(r2), "null")
  rbind(g1, g2, size = "first")
}

#' @export
print.smallsurv_ggtable <- function(x, newpage = TRUE, ...) {
  if (newpage) grid::grid.newpage()
  grid::grid.draw(x)
  invisible(x)
}

# the tidy-evaluation pronoun used in aes() (ggplot2 is only suggested), and
# the lazy-loaded data set named in the default of report()
utils::globalVariables(c(".data", "rrall"))

# Rectangles (xmin, xmax, segment "pre") split at the maturity time `cut`:
# one straddling it becomes two, and those from `cut` on are "post".
split_at_cut <- function(b, cut) {
  if (!is.finite(cut)) return(b)
  straddle <- b$xmin < cut & b$xmax > cut
  tail <- b[straddle, , drop = FALSE]
  b$xmax[straddle] <- cut
  tail$xmin <- rep(cut, nrow(tail))
  b <- rbind(b, tail)
  b$segment[b$xmin >= cut] <- "post"
  b
}
