# Methods for multi-state fits (multistate()): print, the stacked
# state-occupation plot (base and ggplot2) with the numbers at risk in each
# state, and the helpers at_times() and maturity() use.

# The unweighted (patient) counts of a multi-state fit in either of
# survfit's layouts: n.risk and n.event (transitions into the state) with
# one column per state, n.censor per row.
ms_counts <- function(fit) {
  ns <- length(fit$states)
  if (!is.null(fit$counts)) {
    cn <- colnames(fit$counts)
    nr <- fit$counts[, paste0("nrisk:", seq_len(ns)), drop = FALSE]
    tr <- grep("^nevent:", cn, value = TRUE)
    to <- as.integer(sub("^.*[:.]", "", sub("^nevent:", "", tr)))
    nev <- matrix(0, nrow(fit$counts), ns)
    for (h in seq_along(tr)) nev[, to[h]] <- nev[, to[h]] + fit$counts[, tr[h]]
    ncen <- rowSums(fit$counts[, paste0("ncensor:", seq_len(ns)), drop = FALSE])
  } else {
    nr <- fit$n.risk
    nev <- fit$n.event
    ncen <- if (is.matrix(fit$n.censor)) rowSums(fit$n.censor) else fit$n.censor
  }
  list(n.risk = unname(as.matrix(nr)), n.event = unname(as.matrix(nev)),
       n.censor = as.vector(ncen))
}

# The initial distribution of curve k.
ms_p0 <- function(fit, k) {
  p0 <- fit$p0
  if (is.matrix(p0)) unname(p0[k, ]) else unname(as.vector(p0))
}

# Subjects per curve.
ms_n_subjects <- function(fit) {
  n <- attr(fit, "n.subjects")
  if (is.null(n)) n <- fit$n.id
  if (is.null(n)) n <- fit$n
  as.vector(n)
}

#' Print, plot and tabulate a multi-state fit
#'
#' `print()` names the variance and the interval, then prints survival's
#' summary (numbers of subjects and transitions and the restricted mean
#' time in each state up to the last time). `plot()` and `autoplot()` draw
#' the probabilities of the states stacked to 1 over time, one panel per
#' curve, with, underneath, the number of subjects at risk in each state
#' (states that nobody leaves have no row) at the axis times. Past a
#' curve's maturity time ([maturity()]: too few subjects under observation)
#' the stack is faded (`beyond = "faded"`) or not drawn (`"stop"`), and a
#' dotted line marks the time; nothing is drawn past the last follow-up.
#'
#' @param x,object A fit from [multistate()].
#' @param risk.table Draw the numbers at risk in each state under the axis.
#' @param times Times for the axis ticks and the table (default: `pretty()`
#'   over the follow-up).
#' @param col,palette Colours, one per state (default: a qualitative
#'   palette, the first state lightest).
#' @param xlab,ylab Axis labels (`xlab` default: "Time", with the unit when
#'   the data stated it).
#' @param legend Draw the legend of the states (above the panels).
#' @param maturity `TRUE` (default: [maturity()]'s rules), a result of
#'   [maturity()] for this fit, a list of its rules, or `FALSE`/`NULL`.
#' @param beyond `"faded"` (default) or `"stop"`: how to draw past the
#'   maturity time.
#' @param heights Relative heights of the figure and the table
#'   (`autoplot()`).
#' @param base_size Base font size (`autoplot()`).
#' @param ... `print()`: passed to survival's print method; `plot()`:
#'   passed to [graphics::plot.default()]; `autoplot()`: unused.
#' @return `print()`: `x`, invisibly. `plot()`: invisibly, the table drawn
#'   under the axis (`strata` when the fit has strata, `time`, `state`,
#'   `n.risk`). `autoplot()`: a ggplot (stacked over the table with
#'   patchwork when installed).
#' @family competing risks
#' @examples
#' d <- data.frame(id = c(1, 1, 2, 3, 3, 4, 5, 6, 6, 7),
#'                 start = c(0, 2, 0, 0, 3, 0, 0, 0, 1, 0),
#'                 stop = c(2, 7, 5, 3, 6, 8, 4, 1, 9, 6),
#'                 state = factor(c("HSCT", "death", "death", "HSCT", "censored",
#'                                  "censored", "death", "HSCT", "censored", "censored"),
#'                                c("censored", "HSCT", "death")))
#' fit <- multistate(survival::Surv(start, stop, state) ~ 1, data = d, id = id)
#' plot(fit, maturity = FALSE)
#' @name multistate-methods
NULL

#' @rdname multistate-methods
#' @export
print.smallsurv_ms <- function(x, ...) {
  ci <- fit_ci(x)
  cat("Multi-state Aalen-Johansen fit (smallsurv)\n")
  ns <- sum(ms_n_subjects(x))
  cat("  ", ns, " subject", if (ns == 1) "" else "s", ", ", sum(as.vector(x$n)), " rows",
      " (survival's table below counts rows as n)\n", sep = "")
  cat("  states: ", paste(x$states, collapse = ", "), "\n", sep = "")
  cat("  variance: ", switch(ci$variance, ij = "infinitesimal jackknife (survfit's)",
                            greenwood = "Greenwood type (multinomial)",
                            aalen = "Aalen type (Poisson)", ci$variance),
      "; interval: ", ci$label, ", ",
      format(100 * ci$conf.level), "%\n", sep = "")
  cat("\n")
  y <- x
  y$ci <- NULL
  class(y) <- c("survfitms", "survfit")
  print(y, ...)
  invisible(x)
}

# Colours of the states: light for the first (the starting state), then a
# qualitative palette.
ms_palette <- function(col, ns) {
  if (!is.null(col)) return(rep_len(col, ns))
  c("grey88", grDevices::hcl.colors(max(ns - 1L, 2L), "Dark 3")[seq_len(ns - 1L)])
}

# Per curve: the rectangles of the stacked probabilities (one per state and
# interval between the curve's times, from its start t0 with p0), split at
# the maturity time `cut` into "pre" and "post".
ms_stack_rects <- function(x, k, rows, cut) {
  ns <- length(x$states)
  t0 <- if (!is.null(x$t0)) min(x$t0, x$time[rows]) else min(0, x$time[rows])
  tt <- c(t0, x$time[rows])
  P <- rbind(ms_p0(x, k), x$pstate[rows, , drop = FALSE])
  m <- length(tt)
  ok <- which(tt[-1L] > tt[-m])
  cum <- t(apply(P, 1L, cumsum))
  if (ns == 1L) cum <- t(cum)
  out <- lapply(seq_len(ns), function(j) {
    b <- data.frame(state = x$states[j], xmin = tt[ok], xmax = tt[ok + 1L],
                    ymin = if (j == 1L) 0 else cum[ok, j - 1L], ymax = cum[ok, j],
                    segment = "pre", stringsAsFactors = FALSE)
    split_at_cut(b, cut)
  })
  do.call(rbind, out)
}

# The numbers at risk in each state (patients) at `times`, per curve: at
# risk at t = at risk at the first time of the curve at or after t (as
# at_times() and survival's summary count), 0 after the last. States nobody
# is ever at risk in (absorbing) are left out.
ms_risk_table <- function(x, times) {
  cnt <- ms_counts(x)
  st <- fit_strata(x)
  keep <- colSums(cnt$n.risk) > 0
  out <- list()
  for (k in seq_along(st$from)) {
    rows <- seq.int(st$from[k], st$to[k])
    tt <- x$time[rows]
    first_ge <- findInterval(times, tt, left.open = TRUE) + 1L
    for (j in which(keep)) {
      n <- ifelse(first_ge > length(tt), 0, cnt$n.risk[rows, j][pmin(first_ge, length(tt))])
      out[[length(out) + 1L]] <- data.frame(strata = st$names[k], time = times,
                                            state = x$states[j], n.risk = n,
                                            stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, out)
  if (is.null(x$strata)) out$strata <- NULL
  rownames(out) <- NULL
  out
}

#' @rdname multistate-methods
#' @export
plot.smallsurv_ms <- function(x, risk.table = TRUE, times = NULL, col = NULL, xlab = NULL,
                              ylab = "Probability in state (stacked)", legend = TRUE,
                              maturity = TRUE, beyond = c("faded", "stop"), ...) {
  xlab <- time_label(x, xlab)
  beyond <- match_one(beyond, c("faded", "stop"), "beyond")
  check_flag(risk.table, "risk.table")
  check_flag(legend, "legend")
  cut <- gg_maturity(maturity, x)
  st <- fit_strata(x)
  nst <- length(st$from)
  ns <- length(x$states)
  col <- ms_palette(col, ns)
  xmax <- max(x$time)
  if (is.null(times)) times <- pretty(c(0, xmax))
  times <- times[times <= xmax * 1.04]
  check_times_arg(times)
  tab <- if (risk.table) ms_risk_table(x, times) else NULL
  nrow_tab <- if (risk.table) length(unique(tab$state)) else 0L
  old <- graphics::par(mfrow = c(1L, nst), mar = c(4.1 + nrow_tab + 0.5, 8.5, 4.1, 1.1),
                       oma = c(0, 0, if (legend) 1.5 else 0, 0))
  on.exit(graphics::par(old), add = TRUE)
  for (k in seq_len(nst)) {
    rows <- st$from[k]:st$to[k]
    r <- ms_stack_rects(x, k, rows, cut[k])
    if (beyond == "stop") r <- r[r$segment == "pre", , drop = FALSE]
    graphics::plot(NA, xlim = c(min(0, r$xmin), max(times, xmax)), ylim = c(0, 1),
                   xlab = "", ylab = ylab, xaxt = "n", yaxs = "i",
                   main = if (nst > 1L) st$names[k] else "", ...)
    fill <- col[match(r$state, x$states)]
    fill <- ifelse(r$segment == "post", grDevices::adjustcolor(fill, alpha.f = 0.35), fill)
    graphics::rect(r$xmin, r$ymin, r$xmax, r$ymax, col = fill, border = NA)
    if (is.finite(cut[k]) && cut[k] < max(x$time[rows])) {
      graphics::abline(v = cut[k], col = "grey20", lty = 3)
    }
    graphics::axis(1, at = times)
    graphics::mtext(xlab, side = 1, line = 2.2, cex = 0.9)
    if (is.finite(cut[k]) && cut[k] < max(x$time[rows])) {
      graphics::mtext(paste0("past maturity (dotted line): ",
                             if (beyond == "faded") "faded" else "not drawn"),
                      side = 3, line = 0.3, adj = 1, cex = 0.75)
    }
    if (risk.table) {
      tk <- if (is.null(tab$strata)) tab else tab[tab$strata == st$names[k], , drop = FALSE]
      xleft <- graphics::par("usr")[1]
      graphics::mtext("At risk in", side = 1, line = 3.4, at = xleft, adj = 1.05, font = 2,
                      cex = 0.75)
      line <- 3.4
      for (s in unique(tk$state)) {
        line <- line + 1
        v <- tk$n.risk[tk$state == s]
        graphics::mtext(s, side = 1, line = line, at = xleft, adj = 1.05, cex = 0.75,
                        col = "grey10")
        graphics::mtext(format_count(v), side = 1, line = line, at = times, cex = 0.75)
      }
    }
  }
  if (legend) {
    graphics::par(fig = c(0, 1, 0, 1), oma = c(0, 0, 0, 0), mar = c(0, 0, 0, 0), new = TRUE)
    graphics::plot(0, 0, type = "n", bty = "n", xaxt = "n", yaxt = "n", xlab = "", ylab = "")
    graphics::legend("top", legend = x$states, fill = col, border = NA, horiz = TRUE,
                     bty = "n", cex = 0.85, xpd = NA)
  }
  invisible(tab)
}

#' @rdname multistate-methods
#' @exportS3Method ggplot2::autoplot
autoplot.smallsurv_ms <- function(object, risk.table = TRUE, times = NULL, xlab = NULL,
                                  ylab = "Probability in state (stacked)", palette = NULL,
                                  maturity = TRUE, beyond = c("faded", "stop"), heights = NULL,
                                  base_size = 11, ...) {
  check_ggplot2()
  x <- object
  xlab <- time_label(x, xlab)
  beyond <- match_one(beyond, c("faded", "stop"), "beyond")
  check_flag(risk.table, "risk.table")
  cut <- gg_maturity(maturity, x)
  st <- fit_strata(x)
  nst <- length(st$from)
  stratum_names <- if (nst == 1L) "All" else strata_labels(st$names)
  col <- ms_palette(palette, length(x$states))
  times <- gg_times(times, x$time)
  rects <- lapply(seq_len(nst), function(k) {
    r <- ms_stack_rects(x, k, st$from[k]:st$to[k], cut[k])
    if (nrow(r)) r$panel <- stratum_names[k]
    r
  })
  r <- do.call(rbind, rects)
  if (beyond == "stop") r <- r[r$segment == "pre", , drop = FALSE]
  r$state <- factor(r$state, x$states)
  r$panel <- factor(r$panel, stratum_names)
  xlim <- c(min(0, r$xmin), max(times, x$time))
  cuts <- data.frame(panel = factor(stratum_names, stratum_names), time = cut)
  cuts <- cuts[is.finite(cuts$time) & cuts$time < vapply(seq_len(nst), function(k)
    max(x$time[st$from[k]:st$to[k]]), 0), , drop = FALSE]
  p <- ggplot2::ggplot(r) +
    ggplot2::geom_rect(ggplot2::aes(xmin = .data$xmin, xmax = .data$xmax, ymin = .data$ymin,
                                    ymax = .data$ymax, fill = .data$state,
                                    alpha = .data$segment), colour = NA) +
    ggplot2::scale_alpha_manual(values = c(pre = 1, post = 0.35), guide = "none") +
    ggplot2::scale_fill_manual(values = stats::setNames(col, x$states), name = "State",
                               drop = FALSE) +
    gg_x_scale(xlim, times) +
    # (the top of the stack is 1 up to rounding: no scale limits, which
    # would drop such rectangles)
    ggplot2::scale_y_continuous(breaks = seq(0, 1, 0.25), expand = ggplot2::expansion(mult = 0)) +
    ggplot2::coord_cartesian(ylim = c(0, 1)) +
    ggplot2::labs(x = xlab, y = ylab,
                  subtitle = if (nrow(cuts)) paste0("past maturity (dotted line): ",
                                                    beyond)) +
    ggplot2::theme_bw(base_size = base_size) +
    ggplot2::theme(panel.grid.minor = ggplot2::element_blank(), legend.position = "top",
                   legend.justification = "left",
                   plot.subtitle = ggplot2::element_text(hjust = 1, size = ggplot2::rel(0.8)))
  if (nrow(cuts)) {
    p <- p + ggplot2::geom_vline(data = cuts, ggplot2::aes(xintercept = .data$time),
                                 linetype = 3, colour = "grey20")
  }
  if (nst > 1L) {
    p <- p + ggplot2::facet_wrap(ggplot2::vars(.data$panel), ncol = 1L) +
      ggplot2::theme(strip.background = ggplot2::element_rect(fill = "grey95"),
                     strip.text = ggplot2::element_text(hjust = 0, face = "bold"))
  }
  if (!risk.table) return(p)
  tab <- ms_risk_table(x, times)
  tab$curve <- if (nst > 1L) {
    paste0(stratum_names[match(tab$strata, st$names)], ": ", tab$state)
  } else tab$state
  curves <- unique(tab$curve)
  tab$n.event <- tab$n.censor <- 0
  if (is.null(heights)) heights <- c(2 * nst, 0.35 + 0.25 * length(curves))
  gg_stack(p, gg_risk_table(tab, curves, rep("grey10", length(curves)), xlim, times,
                            base_size, compact = TRUE, title = "Numbers at risk in each state"),
           heights)
}
