#' Coverage laboratory: how do the interval methods behave for my design?
#'
#' Simulates `reps` cohorts of `n` patients like the analyst's own, computes
#' every pointwise confidence interval for \eqn{S(t)} at the requested times
#' with exactly the code [km()] uses, and reports, per method and time, how
#' often the interval covers the true \eqn{S(t)}, how often it misses on
#' each side, and its mean width. All replicate work (drawing, sorting,
#' intervals, counting) is done in C++; limits are computed only at `times`.
#'
#' @section Event times (`event`):
#' * **A named distribution**, drawn in C++ by inversion from smallsurv's
#'   own generator (xoshiro256**, one stream per replicate derived from
#'   `seed`): `list(dist = "exponential", rate = )` (or `median = ` instead
#'   of `rate`), `list(dist = "weibull", shape = , scale = )` with
#'   \eqn{S(t) = \exp(-(t/scale)^{shape})} (R's parametrisation), or
#'   `list(dist = "lognormal", meanlog = , sdlog = )`. The true \eqn{S(t)}
#'   is the distribution's.
#' * **A fitted curve**: a [km()] (or `survival::survfit()`) fit with one
#'   curve. Event times are drawn by inverse-transform sampling from its
#'   step function, \eqn{T = \inf\{t : \hat S(t) < U\}}, \eqn{U \sim
#'   U(0, 1)}, so every simulated event falls on one of the fit's event
#'   times (ties are frequent, as in the data). The mass the curve leaves
#'   beyond its end, \eqn{\hat S(t_{max})} at the last observed time
#'   \eqn{t_{max}}, is spread as an exponential tail
#'   \eqn{\hat S(t_{max}) \exp(-\lambda (t - t_{max}))} with the curve's
#'   average hazard \eqn{\lambda = -\log \hat S(t_{max}) / t_{max}}; the
#'   true \eqn{S(t)} is this step function with its tail.
#' * **A function of `n`** returning `n` non-negative event times (`Inf`
#'   for a patient who never has the event, e.g. a cure fraction; such a
#'   patient must then be censored by something finite). Then the
#'   draws come from R: in each replicate `event(n)` is called, then
#'   `censor(n)` when `censor` is a function too, from R's generator in its
#'   current state (call [set.seed()] first for reproducibility; `seed` only
#'   seeds the draws made in C++). The true \eqn{S(t)} is then, unless
#'   `truth` is given, the fraction of one million draws `event(1e6)`
#'   exceeding \eqn{t} (Monte-Carlo error at most 0.0005).
#'
#' @section Censoring:
#' A subject's censoring time is the smallest of: the administrative
#' censoring `cutoff - E` when `cutoff` is finite, with entry time \eqn{E}
#' uniform on \eqn{[0,} `accrual`\eqn{]} (all enter at 0 when `accrual = 0`);
#' a loss-to-follow-up time, exponential with rate `dropout` (when > 0);
#' and a draw from `censor` (a named distribution as for `event`, or a
#' function of `n`). With none of them there is no censoring. A subject is
#' an event when its event time is at most its censoring time.
#'
#' @section What is counted:
#' In each replicate the observed times are sorted, near-tied times merged
#' as [km()] does by default (`timefix`), and each method's limits at each
#' requested time are those [at_times()] reports for
#' `km(conf.type = method)` on that cohort (tested to 1e-12): the interval
#' at the last observed time \eqn{\le t}; for the Greenwood-type methods
#' (1, 1) when no event has occurred by \eqn{t} and undefined where the
#' estimate is 0. (Borkowf's intervals change just after a censoring time;
#' between observed times the laboratory uses that open-interval value, as
#' `bpcp::kmciBorkowf()` defines it, which a fit's rows cannot show.)
#' A time after the last observed time of a replicate has no estimate
#' ([at_times()] gives `NA` there): the interval is counted as undefined
#' for **every** method, also for those that could extrapolate (BPCP's
#' \eqn{[0, u]}, limits carried forward), so that all methods are judged
#' on the same replicates.
#' With \eqn{S(t)} the truth, over the replicates whose interval is defined:
#' * `lower_error` \eqn{= P(\mathrm{lower} > S(t))} (the truth lies below
#'   the interval: the lower limit is too high), `upper_error`
#'   \eqn{= P(\mathrm{upper} < S(t))} (the upper limit is too low),
#'   `coverage` \eqn{= 1 -} `lower_error` \eqn{-} `upper_error`
#'   \eqn{= P(\mathrm{lower} \le S(t) \le \mathrm{upper})};
#'   a nominal 95% interval has 2.5% in each tail;
#' * `width`: the mean of upper \eqn{-} lower;
#' * `mc_se`: the Monte-Carlo standard error of `coverage`,
#'   \eqn{\sqrt{c(1-c)/m}} with \eqn{m} the number of defined intervals (the
#'   tail errors have \eqn{\sqrt{e(1-e)/m}});
#' * `n_na`: the number of replicates whose interval is undefined. Coverage,
#'   tail errors and width are **conditional on a defined interval**. Most
#'   undefined intervals are times after a replicate's last observed time,
#'   common to all methods; a method may add its own (a Greenwood interval
#'   at an estimate of 0). When `n_na` is not small (times near the end of
#'   follow-up) the conditional coverage describes only the cohorts that
#'   reach \eqn{t}: read `n_na` first.
#'
#' @param n Cohort size (patients per replicate).
#' @param times Times at which to assess the intervals (sorted, duplicates
#'   dropped).
#' @param methods Interval methods (`conf.type` names of [km()]); `NULL`
#'   (default) runs every method the laboratory knows: all pointwise km()
#'   methods except the bootstrap (see `attr(result, "design")$methods`).
#' @param reps Number of simulated cohorts.
#' @param seed Seed of the draws made in C++ (a whole number); `NULL`
#'   (default) draws it from R's generator, so [set.seed()] makes the run
#'   reproducible.
#' @param event How event times are generated: a named distribution (a
#'   list), a fitted `km` curve, or a function of `n` (see the section).
#' @param censor `NULL` (default), a named distribution (a list, as for
#'   `event`) or a function of `n` giving censoring times.
#' @param accrual Length of the uniform accrual period (default 0).
#' @param cutoff Data cut-off, in the same time units counted from the
#'   start of accrual (default `Inf`: no administrative censoring); must
#'   exceed `accrual`.
#' @param dropout Rate of the exponential loss to follow-up (default 0).
#' @param conf.level Confidence level of the intervals.
#' @param truth The true \eqn{S(t)}: `NULL` (default; see the section), a
#'   function of `t`, or one value per time.
#' @return A data frame of class `smallsurv_coverage` with one row per
#'   method and time and columns `method`, `time`, `coverage`,
#'   `lower_error`, `upper_error`, `width`, `mc_se`, `n_na` and `truth`.
#'   Attribute `design` lists the settings (n, reps, seed, event, censoring,
#'   conf.level, methods, the proportion of events) and `per_time` holds,
#'   per time, the truth, the mean number at risk and the proportion of
#'   replicates without an event by then (where every Greenwood-type
#'   interval is (1, 1)).
#' @references
#' Fay MP, Brittain EH, Proschan MA (2013). Pointwise confidence intervals
#' for a survival distribution with small samples or heavy censoring.
#' *Biostatistics* 14(4):723-736. \doi{10.1093/biostatistics/kxt016}
#'
#' Morris TP, White IR, Crowther MJ (2019). Using simulation studies to
#' evaluate statistical methods. *Statistics in Medicine* 38:2074-2102.
#' \doi{10.1002/sim.8086}
#' @family confidence intervals
#' @examples
#' # 25 patients, median survival 12 months, accrual over 12 months and a
#' # data cut-off at 20 months, 5% loss to follow-up per year
#' cv <- ci_coverage(25, times = c(3, 6, 9), reps = 2000, seed = 1,
#'                   event = list(dist = "exponential", median = 12),
#'                   accrual = 12, cutoff = 20, dropout = 0.05 / 12)
#' cv
#' plot(cv)
#' @export
ci_coverage <- function(n, times, methods = NULL, reps = 10000, seed = NULL, event,
                        censor = NULL, accrual = 0, cutoff = Inf, dropout = 0,
                        conf.level = 0.95, truth = NULL) {
  if (!is.numeric(n) || length(n) != 1L || !is.finite(n) || n != round(n) || n < 1 || n > 1e6) {
    abort("`n` must be a single whole number between 1 and 1e6 (the cohort size); got ",
          deparse1(n), ".")
  }
  check_times_arg(times)
  times <- sort(unique(as.double(times)))
  methods <- check_lab_methods(methods)
  reps <- check_reps(reps, 1, 1e8, "simulated cohorts")
  seed <- check_seed(seed)
  check_conf_level(conf.level)
  num1 <- function(x, arg, ok, what) {
    if (!is.numeric(x) || length(x) != 1L || is.na(x) || !ok(x)) {
      abort("`", arg, "` must be ", what, "; got ", deparse1(x), ".")
    }
  }
  num1(accrual, "accrual", function(x) is.finite(x) && x >= 0, "a single non-negative number")
  num1(cutoff, "cutoff", function(x) x > 0, "a single positive number or Inf")
  num1(dropout, "dropout", function(x) is.finite(x) && x >= 0, "a single non-negative rate")
  if (is.finite(cutoff) && cutoff <= accrual) {
    abort("`cutoff` (", format(cutoff), ") must exceed `accrual` (", format(accrual),
          "): every patient must be enrolled before the data cut-off.")
  }
  if (missing(event)) abort("`event` is required: a named distribution, a km() fit or a ",
                            "function of n.")
  ev <- lab_event_spec(event, "event")
  ce <- if (is.null(censor)) list(kind = "none", label = "none") else
    lab_event_spec(censor, "censor", allow_km = FALSE)
  n <- as.double(n)
  reps <- as.double(reps)
  # draws from R functions: per replicate event(n), then censor(n)
  if (ev$kind == "function" || ce$kind == "function") {
    ed <- if (ev$kind == "function") matrix(0, n, reps) else NULL
    cd <- if (ce$kind == "function") matrix(0, n, reps) else NULL
    for (r in seq_len(reps)) {
      if (!is.null(ed)) ed[, r] <- lab_call(ev$fun, n, "event", r)
      if (!is.null(cd)) cd[, r] <- lab_call(ce$fun, n, "censor", r)
    }
    if (!is.null(ed) && ce$kind == "none" && !is.finite(cutoff) && dropout == 0 &&
        any(is.infinite(ed))) {
      abort("`event(n)` returned infinite times (patients who never have the event) but ",
            "nothing censors them: give `censor`, `cutoff` or `dropout`.")
    }
    if (!is.null(ed)) ev <- list(kind = "supplied", draws = ed, label = ev$label, fun = ev$fun)
    if (!is.null(cd)) ce <- list(kind = "supplied", draws = cd, label = ce$label)
  }
  truth <- lab_truth(truth, times, ev)
  if (!length(methods)) abort("`methods` is empty.")
  res <- coverage_cpp(n, reps, as.double(seed), times, truth, conf.level, methods, ev, ce,
                      as.double(accrual), as.double(cutoff), as.double(dropout), TRUE,
                      smallsurv_threads())
  new_coverage(res, methods, times, truth,
               design = list(n = n, reps = reps, seed = as.double(seed), event = ev$label,
                             censor = lab_censor_label(ce$label, accrual, cutoff, dropout),
                             conf.level = conf.level, methods = methods,
                             events = res$events / res$obs))
}

# The laboratory's methods: registered for km(), known to the C++ table;
# the bootstrap is excluded (a resampling inside every replicate).
lab_methods <- function() {
  setdiff(intersect(ci_names("km"), lab_methods_cpp()), "bootstrap")
}

check_lab_methods <- function(methods) {
  ok <- lab_methods()
  if (is.null(methods)) return(ok)
  if (!is.character(methods) || !length(methods) || anyNA(methods)) {
    abort("`methods` must be NULL or a character vector of interval methods; got ",
          deparse1(methods), ".")
  }
  bad <- setdiff(methods, ok)
  if (length(bad)) {
    why <- if ("bootstrap" %in% bad) " (the bootstrap is not run in the laboratory)" else ""
    abort("`methods` must be among ", paste0("\"", ok, "\"", collapse = ", "), why,
          "; got ", paste0("\"", bad, "\"", collapse = ", "), ".")
  }
  unique(methods)
}

# A named distribution, a km fit or a function, as the C++ draw spec plus a
# label and the true survival function.
lab_event_spec <- function(x, arg, allow_km = TRUE) {
  if (is.function(x)) {
    return(list(kind = "function", fun = x, label = paste0("R function `", arg, "(n)`")))
  }
  if (inherits(x, "survfit")) {
    if (!allow_km) abort("`", arg, "` must be a named distribution, a function of n or NULL.")
    return(lab_step_spec(x, arg))
  }
  if (!is.list(x) || is.null(x$dist) || !is.character(x$dist) || length(x$dist) != 1L) {
    abort("`", arg, "` must be a named distribution such as list(dist = \"exponential\", ",
          "rate = 0.1)", if (allow_km) ", a km() fit" else "", " or a function of n; got ",
          deparse1(x, nlines = 1L), ".")
  }
  par <- function(nm, ok = function(v) v > 0, what = "positive") {
    v <- x[[nm]]
    if (!is.numeric(v) || length(v) != 1L || !is.finite(v) || !ok(v)) {
      abort("`", arg, "$", nm, "` must be a single ", what, " number for dist = \"", x$dist,
            "\"; got ", deparse1(v), ".")
    }
    as.double(v)
  }
  switch(x$dist,
         exponential = {
           rate <- if (!is.null(x$median)) log(2) / par("median") else par("rate")
           list(kind = "exponential", par = c(rate, 0),
                label = paste0("exponential (rate ", signif(rate, 4), ", median ",
                               signif(log(2) / rate, 4), ")"),
                surv = function(t) stats::pexp(t, rate, lower.tail = FALSE))
         },
         weibull = {
           sh <- par("shape")
           sc <- par("scale")
           list(kind = "weibull", par = c(sh, sc),
                label = paste0("Weibull (shape ", signif(sh, 4), ", scale ", signif(sc, 4), ")"),
                surv = function(t) stats::pweibull(t, sh, sc, lower.tail = FALSE))
         },
         lognormal = {
           ml <- par("meanlog", function(v) TRUE, "finite")
           sl <- par("sdlog")
           list(kind = "lognormal", par = c(ml, sl),
                label = paste0("log-normal (meanlog ", signif(ml, 4), ", sdlog ", signif(sl, 4),
                               ")"),
                surv = function(t) stats::plnorm(t, ml, sl, lower.tail = FALSE))
         },
         abort("`", arg, "$dist` must be \"exponential\", \"weibull\" or \"lognormal\"; got \"",
               x$dist, "\"."))
}

# Inverse-transform sampling from a fitted curve (see ?ci_coverage).
lab_step_spec <- function(fit, arg) {
  if (!is.null(fit$strata) && length(fit$strata) > 1L) {
    abort("`", arg, "` must be a fit with one curve; this one has ", length(fit$strata),
          " (select one, e.g. fit[1]).")
  }
  if (!is.null(dim(fit$surv))) abort("`", arg, "` must be a single-state survival curve.")
  ev <- fit$n.event > 0
  if (!any(ev)) abort("`", arg, "`: the fitted curve has no event to sample from.")
  st <- as.double(fit$time[ev])
  ss <- as.double(fit$surv[ev])
  tmax <- max(fit$time)
  slast <- ss[length(ss)]
  rate <- if (slast > 0) -log(slast) / tmax else 0
  surv <- function(t) {
    out <- c(1, ss)[findInterval(t, st) + 1L]
    tail <- t >= tmax & slast > 0
    out[tail] <- slast * exp(-rate * (t[tail] - tmax))
    out
  }
  list(kind = "step", step_time = st, step_surv = ss, tail = c(tmax, rate),
       label = paste0("fitted Kaplan-Meier curve (", length(st), " event times to ",
                      format(signif(max(st), 4)), "; exponential tail after ",
                      format(signif(tmax, 4)), " with S = ", format(signif(slast, 3)), ")"),
       surv = surv)
}

# One call of a generator function, checked.
lab_call <- function(fun, n, arg, r) {
  x <- fun(n)
  shown <- function(v) {
    v <- utils::head(v, 6)
    deparse1(if (is.numeric(v)) signif(v, 4) else v)
  }
  if (!is.numeric(x) || length(x) != n || anyNA(x) || any(x < 0)) {
    abort("`", arg, "(n)` must return n = ", n, " non-negative times; in replicate ", r,
          " it returned ", shown(x),
          if (length(x) != n) paste0(" (length ", length(x), ")") else "", ".")
  }
  as.double(x)
}

lab_truth <- function(truth, times, ev) {
  if (is.null(truth)) {
    if (!is.null(ev$surv)) return(as.double(ev$surv(times)))
    big <- ev$fun(1e6)
    if (!is.numeric(big) || length(big) != 1e6 || anyNA(big)) {
      abort("`event(1e6)` did not return one million times, needed for the true S(t); ",
            "give `truth`.")
    }
    return(vapply(times, function(t) mean(big > t), numeric(1)))
  }
  if (is.function(truth)) truth <- truth(times)
  if (!is.numeric(truth) || length(truth) != length(times) || anyNA(truth) ||
      any(truth < 0 | truth > 1)) {
    abort("`truth` must be a function of t or one probability in [0, 1] per time ",
          "(length(times) = ", length(times), "); got ", deparse1(utils::head(truth, 6)), ".")
  }
  as.double(truth)
}

lab_censor_label <- function(label, accrual, cutoff, dropout) {
  parts <- character()
  if (is.finite(cutoff)) {
    parts <- c(parts, paste0("administrative (accrual over ", format(accrual),
                             ", data cut-off at ", format(cutoff), ")"))
  }
  if (dropout > 0) {
    parts <- c(parts, paste0("loss to follow-up (exponential, rate ", signif(dropout, 4), ")"))
  }
  if (!identical(label, "none")) parts <- c(parts, label)
  if (!length(parts)) "none" else paste(parts, collapse = " + ")
}

# Constructor: counts from C++ to the classed data frame.
new_coverage <- function(res, methods, times, truth, design) {
  k <- length(times)
  nm <- length(methods)
  reps <- design$reps
  n_na <- as.vector(res$n_na)
  m <- reps - n_na
  lo <- as.vector(res$n_low) / m
  up <- as.vector(res$n_up) / m
  cov <- 1 - lo - up
  out <- data.frame(method = rep(methods, each = k), time = rep(times, nm),
                    coverage = cov, lower_error = lo, upper_error = up,
                    width = as.vector(res$sum_w) / m, mc_se = sqrt(cov * (1 - cov) / m),
                    n_na = n_na, truth = rep(truth, nm), stringsAsFactors = FALSE)
  undefined <- m == 0
  out[undefined, c("coverage", "lower_error", "upper_error", "width", "mc_se")] <- NA_real_
  attr(out, "design") <- design
  attr(out, "per_time") <- data.frame(time = times, truth = truth,
                                      mean_at_risk = res$risk_sum / reps,
                                      p_no_event = res$no_event / reps)
  class(out) <- c("smallsurv_coverage", "data.frame")
  out
}

#' Print and plot a coverage-laboratory result
#'
#' `print()` states the design and shows, per time, each method's coverage,
#' lower- and upper-tail error rates (in percent), mean width, Monte-Carlo
#' standard error of the coverage and the number of undefined intervals.
#' `plot()` draws, per time, either each method's coverage with a band of
#' \eqn{\pm 2} Monte-Carlo standard errors and the nominal level
#' (`type = "coverage"`), or its lower- against its upper-tail error rate
#' with the nominal \eqn{\alpha/2} marked (`type = "tails"`; the methods by
#' colour and symbol, named in a legend beside the panels). Every panel has
#' the same scale, so the times compare.
#'
#' @param x A result of [ci_coverage()].
#' @param digits Decimals of the percentages.
#' @param type `"coverage"` or `"tails"`.
#' @param ... Unused by `print()`; graphical parameters for `plot()`.
#' @return `x`, invisibly.
#' @family confidence intervals
#' @examples
#' cv <- ci_coverage(20, times = c(2, 5), reps = 1000, seed = 2,
#'                   event = list(dist = "weibull", shape = 1.5, scale = 6),
#'                   dropout = 0.05)
#' print(cv)
#' plot(cv, type = "tails")
#' @name coverage-methods
NULL

#' @rdname coverage-methods
#' @export
print.smallsurv_coverage <- function(x, digits = 1, ...) {
  d <- attr(x, "design")
  cat("Coverage laboratory (smallsurv)\n")
  if (!is.null(d)) {
    cat("Cohorts: ", format(d$reps, big.mark = ","), " replicates of n = ", d$n, " (seed ",
        format(d$seed, scientific = FALSE), "); ", format(100 * d$conf.level),
        "% pointwise intervals\n", sep = "")
    cat("Event times: ", d$event, "\n", sep = "")
    cat("Censoring: ", d$censor, " (", format(round(100 * (1 - d$events), 1)),
        "% of subjects censored)\n", sep = "")
  }
  pt <- attr(x, "per_time")
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  pct <- function(v) ifelse(is.na(v), "NA", formatC(100 * v, format = "f", digits = digits))
  for (t in unique(y$time)) {
    yt <- y[y$time == t, , drop = FALSE]
    cat("\nt = ", format(t), ": true S(t) = ", format(round(yt$truth[1], 4)), sep = "")
    if (!is.null(pt)) {
      p <- pt[pt$time == t, ]
      cat(", mean at risk ", format(round(p$mean_at_risk, 1)), ", no event yet in ",
          pct(p$p_no_event), "%", sep = "")
    }
    cat("\n")
    tab <- data.frame(method = yt$method, coverage = pct(yt$coverage),
                      lower_error = pct(yt$lower_error), upper_error = pct(yt$upper_error),
                      width = ifelse(is.na(yt$width), "NA", formatC(yt$width, format = "f",
                                                                    digits = 3)),
                      mc_se = pct(yt$mc_se), n_na = format(yt$n_na, scientific = FALSE),
                      stringsAsFactors = FALSE)
    print(tab, row.names = FALSE, right = TRUE)
  }
  cat("\nPercent; lower_error = P(lower > S(t)), upper_error = P(upper < S(t)), among the",
      "replicates with a defined interval (n_na undefined).\n")
  invisible(x)
}

#' @rdname coverage-methods
#' @export
plot.smallsurv_coverage <- function(x, type = c("coverage", "tails"), ...) {
  type <- match.arg(type)
  d <- attr(x, "design")
  level <- if (is.null(d)) 0.95 else d$conf.level
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  tt <- unique(y$time)
  methods <- unique(y$method)
  if (type == "coverage") {
    # one coverage scale for every panel, so that the times compare
    lo <- y$coverage - 2 * y$mc_se
    hi <- y$coverage + 2 * y$mc_se
    xl <- range(c(lo, hi, level), na.rm = TRUE)
    op <- graphics::par(mfrow = c(1L, length(tt)), mar = c(4.5, 8, 3, 1))
    on.exit(graphics::par(op))
    for (t in tt) {
      i <- which(y$time == t)
      k <- length(i)
      graphics::plot(y$coverage[i], seq_len(k), xlim = xl, ylim = c(0.5, k + 0.5), yaxt = "n",
                     pch = 19, xlab = "coverage", ylab = "", main = paste0("t = ", format(t)),
                     ...)
      graphics::segments(lo[i], seq_len(k), hi[i], seq_len(k))
      graphics::axis(2, at = seq_len(k), labels = y$method[i], las = 1)
      graphics::abline(v = level, lty = 2)
    }
    return(invisible(x))
  }
  # tails: one scale for every panel; methods by colour and symbol, named
  # in a legend panel (text beside points overprints where methods agree)
  a2 <- (1 - level) / 2
  lim <- c(0, max(c(y$lower_error, y$upper_error, 2 * a2), na.rm = TRUE) * 1.1)
  col <- grDevices::hcl.colors(max(length(methods), 2L), "Dark 3")[seq_along(methods)]
  pch <- rep_len(c(15:18, 0:6), length(methods))
  op <- graphics::par(mfrow = c(1L, length(tt) + 1L), mar = c(4.5, 4.5, 3, 1))
  on.exit(graphics::par(op))
  for (t in tt) {
    yt <- y[y$time == t, , drop = FALSE]
    m <- match(yt$method, methods)
    graphics::plot(yt$lower_error, yt$upper_error, xlim = lim, ylim = lim, pch = pch[m],
                   col = col[m], xlab = "lower_error: P(lower > S)",
                   ylab = "upper_error: P(upper < S)", main = paste0("t = ", format(t)), ...)
    graphics::abline(v = a2, h = a2, lty = 2)
  }
  graphics::par(mar = c(0, 0, 3, 0))
  graphics::plot.new()
  graphics::legend("center", legend = methods, col = col, pch = pch, bty = "n",
                   title = paste0("method (nominal ", format(100 * a2), "% dashed)"),
                   cex = 0.85)
  invisible(x)
}
