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
  check_lab_censoring(accrual, cutoff, dropout)
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

# The censoring design of both laboratories: uniform accrual, a data
# cut-off after it, exponential loss to follow-up.
check_lab_censoring <- function(accrual, cutoff, dropout) {
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
  invisible()
}

# The laboratory's methods: registered for km(), known to the C++ table;
# the bootstrap is excluded (a resampling inside every replicate).
lab_methods <- function() {
  setdiff(intersect(ci_names("km"), lab_methods_cpp()), "bootstrap")
}

# `methods` among `ok` (default: the km laboratory's); `what` says where
# they come from in the message.
check_lab_methods <- function(methods, ok = lab_methods(), what = NULL) {
  if (is.null(methods)) return(ok)
  if (!is.character(methods) || !length(methods) || anyNA(methods)) {
    abort("`methods` must be NULL or a character vector of interval methods; got ",
          deparse1(methods), ".")
  }
  bad <- setdiff(methods, ok)
  if (length(bad)) {
    why <- if (!is.null(what)) paste0(" (", what, ")") else
      if ("bootstrap" %in% bad) " (the bootstrap is not run in the laboratory)" else ""
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
#' @param x A result of [ci_coverage()] or [ci_coverage_ms()].
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
  ms <- "state" %in% names(x)
  cat("Coverage laboratory (smallsurv)", if (ms) ": multi-state occupation probabilities", "\n",
      sep = "")
  if (!is.null(d)) {
    seed <- if (is.na(d$seed)) "R's generator as it stood" else
      paste("seed", format(d$seed, scientific = FALSE))
    cat("Cohorts: ", format(d$reps, big.mark = ","), " replicates of n = ", d$n, " (", seed,
        "); ", format(100 * d$conf.level), "% pointwise intervals",
        if (ms) paste0(" (", d$variance, " variance)"), "\n", sep = "")
    wrap <- function(...) cat(strwrap(paste0(...), exdent = 2), sep = "\n")
    wrap(if (ms) "Model: " else "Event times: ", d$event)
    wrap("Censoring: ", d$censor, " (", format(round(100 * (1 - d$events), 1)),
         "% of ", if (ms) "patients censored before the last time assessed)" else
           "subjects censored)")
  }
  pt <- attr(x, "per_time")
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  pct <- function(v) ifelse(is.na(v), "NA", formatC(100 * v, format = "f", digits = digits))
  key <- lab_panels(y)
  for (kk in unique(key)) {
    yt <- y[key == kk, , drop = FALSE]
    t <- yt$time[1]
    if (ms) {
      cat("\n", yt$state[1], " at t = ", format(t), ": true p(t) = ", format(round(yt$truth[1], 4)),
          sep = "")
      if (!is.null(pt)) {
        p <- pt[pt$time == t & pt$state == yt$state[1], ]
        cat("\n  mean at risk of a transition ", format(round(p$mean_at_risk, 1)),
            "; past the last follow-up in ", pct(p$p_after_last), "%; no transition yet in ",
            pct(p$p_no_transition), "%", sep = "")
      }
    } else {
      cat("\nt = ", format(t), ": true S(t) = ", format(round(yt$truth[1], 4)), sep = "")
      if (!is.null(pt)) {
        p <- pt[pt$time == t, ]
        cat(", mean at risk ", format(round(p$mean_at_risk, 1)), ", no event yet in ",
            pct(p$p_no_event), "%", sep = "")
      }
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
  what <- if (ms) "p(t)" else "S(t)"
  cat("\n")
  cat(strwrap(paste0("Percent; lower_error = P(lower > ", what, "), upper_error = P(upper < ",
                     what, "), among the replicates with a defined interval (n_na undefined).")),
      sep = "\n")
  invisible(x)
}

# One panel per time (and state, for the multi-state laboratory).
lab_panels <- function(y) {
  if ("state" %in% names(y)) paste0(y$state, "\r", format(y$time)) else format(y$time)
}

lab_panel_title <- function(yt) {
  if ("state" %in% names(yt)) paste0(yt$state[1], ", t = ", format(yt$time[1])) else
    paste0("t = ", format(yt$time[1]))
}

#' @rdname coverage-methods
#' @export
plot.smallsurv_coverage <- function(x, type = c("coverage", "tails"), ...) {
  type <- match.arg(type)
  d <- attr(x, "design")
  level <- if (is.null(d)) 0.95 else d$conf.level
  y <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  key <- lab_panels(y)
  tt <- unique(key)
  methods <- unique(y$method)
  what <- if ("state" %in% names(y)) "p" else "S"
  # a row of panels per state (multi-state laboratory), a column per time
  nr <- if ("state" %in% names(y)) length(unique(y$state)) else 1L
  nc <- length(tt) %/% nr
  if (type == "coverage") {
    # one coverage scale for every panel, so that the times compare
    lo <- y$coverage - 2 * y$mc_se
    hi <- y$coverage + 2 * y$mc_se
    xl <- range(c(lo, hi, level), na.rm = TRUE)
    op <- graphics::par(mfrow = c(nr, nc), mar = c(4.5, 8, 3, 1))
    on.exit(graphics::par(op))
    for (t in tt) {
      i <- which(key == t)
      k <- length(i)
      graphics::plot(y$coverage[i], seq_len(k), xlim = xl, ylim = c(0.5, k + 0.5), yaxt = "n",
                     pch = 19, xlab = "coverage", ylab = "", main = lab_panel_title(y[i, ]),
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
  op <- graphics::par(mfrow = c(nr, nc + 1L), mar = c(4.5, 4.5, 3, 1))
  on.exit(graphics::par(op))
  for (p in seq_along(tt)) {
    # the legend's column stays empty in the rows below the first
    if (p > nc + 1L && (p - 1L) %% nc == 0L) graphics::plot.new()
    yt <- y[key == tt[p], , drop = FALSE]
    m <- match(yt$method, methods)
    graphics::plot(yt$lower_error, yt$upper_error, xlim = lim, ylim = lim, pch = pch[m],
                   col = col[m], xlab = paste0("lower_error: P(lower > ", what, ")"),
                   ylab = paste0("upper_error: P(upper < ", what, ")"),
                   main = lab_panel_title(yt), ...)
    graphics::abline(v = a2, h = a2, lty = 2)
    if (p == nc) {
      mar <- graphics::par(mar = c(0, 0, 3, 0))
      graphics::plot.new()
      graphics::legend("center", legend = methods, col = col, pch = pch, bty = "n",
                       title = paste0("method (nominal ", format(100 * a2), "% dashed)"),
                       cex = 0.85)
      graphics::par(mar)
    }
  }
  invisible(x)
}

#' Coverage laboratory for multi-state models
#'
#' Simulates `reps` cohorts of `n` patients moving between states with
#' constant transition hazards (a Markov model such as response -> HSCT ->
#' relapse or death), fits each with [multistate()] exactly as an analyst
#' would, and reports, per interval method, state and time, how often the
#' pointwise interval of the state occupation probability \eqn{p_j(t)}
#' covers the true one, how often it misses on each side, and its mean
#' width. This is the check behind the small-sample option of
#' [multistate()] (`conf.type = "wilson-neff"`): run it on a design like
#' your own before relying on either interval.
#'
#' @section Model:
#' `rates` is the matrix \eqn{Q} of constant transition hazards, `rates[j, k]`
#' the hazard of moving from state `j` to state `k` (the diagonal is
#' ignored); a state with no hazard out is absorbing. Every patient starts
#' in `initial` at time 0. The true occupation probabilities are the row
#' of `initial` in the matrix exponential \eqn{\exp(Qt)} (scaling and
#' squaring with a Taylor series, accurate to about 1e-14).
#'
#' @section Simulation:
#' Draws come from R's generator (`seed`, when given, is passed to
#' [set.seed()] and R's generator state is restored afterwards), for all
#' replicates at once: each round gives every patient still in a transient
#' state an exponential sojourn and, if it ends before the patient's
#' censoring time, the next state with probabilities proportional to the
#' hazards out. Censoring is the smallest of the administrative censoring
#' `cutoff - E` (entry \eqn{E} uniform on \eqn{[0,} `accrual`\eqn{]}), an
#' exponential loss to follow-up with rate `dropout`, and the largest
#' requested time (the estimates at `times` do not depend on what happens
#' later). The replicates are fitted together, as strata of one
#' [multistate()] call per method, so every interval is computed by the
#' same code as in an analysis.
#'
#' @section What is counted:
#' The limits at each time are those of the replicate's fit at the last
#' observed time \eqn{\le t}, as [at_times()] reads them; there is no
#' interval before the first observed time, after the replicate's last
#' observed time (no extrapolation), where the standard error is 0 (no
#' transition yet, a state not yet entered, everyone absorbed: whichever
#' convention `smallsurv.limits_at_zero_se` names) or where the method
#' gives none. Such replicates are counted in `n_na` and left out of
#' coverage, tail errors and width, which are therefore conditional on a
#' defined interval (read `n_na` first; `per_time` says why intervals were
#' missing). Otherwise the columns mean what they mean in [ci_coverage()],
#' with the truth \eqn{p_j(t)} in place of \eqn{S(t)}.
#'
#' @param n Cohort size (patients per replicate).
#' @param times Times at which to assess the intervals (positive; sorted,
#'   duplicates dropped).
#' @param rates Square matrix of transition hazards with the state names
#'   as row and column names (the same, in the same order); see Model.
#' @param initial The initial state (a name or an index of `rates`); it
#'   must not be absorbing.
#' @param methods Interval methods: `conf.type` names that [multistate()]
#'   accepts; `NULL` (default) runs all of them (see
#'   `attr(result, "design")$methods`).
#' @param reps Number of simulated cohorts.
#' @param seed `NULL` (default: R's generator as it stands) or a whole
#'   number for [set.seed()].
#' @param accrual,cutoff,dropout Censoring, as in [ci_coverage()].
#' @param states States to report (names; default: all of them).
#' @param variance The variance of [multistate()] (`"ij"`, `"greenwood"`
#'   or `"aalen"`).
#' @param conf.level Confidence level of the intervals.
#' @return A data frame of class `smallsurv_coverage` with one row per
#'   method, state and time and columns `method`, `state`, `time`,
#'   `coverage`, `lower_error`, `upper_error`, `width`, `mc_se`, `n_na` and
#'   `truth`; `print()` and `plot()` work as for [ci_coverage()] (one panel
#'   per state and time). Attribute `design` lists the settings and
#'   `per_time`, per state and time, the truth, `mean_at_risk` (the mean
#'   number of patients at risk of a transition: followed, in a state they
#'   can leave), `p_after_last` (the proportion of replicates past their
#'   last observed time) and `p_no_transition` (of the others, the
#'   proportion with no transition yet), two disjoint reasons for a missing
#'   interval.
#' @references
#' Morris TP, White IR, Crowther MJ (2019). Using simulation studies to
#' evaluate statistical methods. *Statistics in Medicine* 38:2074-2102.
#' \doi{10.1002/sim.8086}
#' @family confidence intervals
#' @examples
#' # event-free -> HSCT -> relapse/death, and relapse/death without HSCT;
#' # rates per month
#' Q <- matrix(0, 3, 3, dimnames = rep(list(c("event-free", "HSCT", "relapse/death")), 2))
#' Q["event-free", "HSCT"] <- 0.10
#' Q["event-free", "relapse/death"] <- 0.05
#' Q["HSCT", "relapse/death"] <- 0.04
#' cv <- ci_coverage_ms(25, times = c(3, 6), rates = Q, reps = 200, seed = 1,
#'                      methods = c("log-log", "wilson-neff"), accrual = 12,
#'                      cutoff = 20)
#' cv
#' @export
ci_coverage_ms <- function(n, times, rates, initial = 1L, methods = NULL, reps = 2000,
                           seed = NULL, accrual = 0, cutoff = Inf, dropout = 0,
                           states = NULL, variance = "ij", conf.level = 0.95) {
  if (!is.numeric(n) || length(n) != 1L || !is.finite(n) || n != round(n) || n < 1 || n > 1e5) {
    abort("`n` must be a single whole number between 1 and 1e5 (the cohort size); got ",
          deparse1(n), ".")
  }
  check_times_arg(times)
  times <- sort(unique(as.double(times)))
  if (times[length(times)] <= 0) abort("`times` must contain a positive time.")
  Q <- lab_rates(rates)
  snames <- rownames(Q)
  ini <- lab_state_arg(initial, snames, "initial")
  out_rate <- rowSums(Q)
  if (out_rate[ini] <= 0) {
    abort("`initial` (\"", snames[ini], "\") is absorbing (no hazard out of it): nothing ",
          "would happen.")
  }
  if (!is.null(states) && (!length(states) || anyDuplicated(states))) {
    abort("`states` must be NULL or distinct states of `rates`; got ", deparse1(states), ".")
  }
  rep_states <- if (is.null(states)) seq_along(snames) else
    vapply(states, lab_state_arg, 1L, snames = snames, arg = "states", USE.NAMES = FALSE)
  methods <- check_lab_methods(methods, ms_lab_methods(), "the methods of multistate()")
  reps <- check_reps(reps, 1, 1e5, "simulated cohorts")
  if (n * reps > 5e6) abort("`n` x `reps` must be at most 5e6 patients in all; got ",
                            format(n * reps), ".")
  if (!is.null(seed)) {
    seed <- check_seed(seed)
    if (seed > .Machine$integer.max) {
      abort("`seed` must be at most ", .Machine$integer.max, " (it is passed to set.seed()).")
    }
  }
  check_ms_variance(variance)
  check_conf_level(conf.level)
  check_lab_censoring(accrual, cutoff, dropout)
  if (!is.null(seed)) {
    old <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv()) else NULL
    on.exit(if (is.null(old)) rm(".Random.seed", envir = globalenv()) else
      assign(".Random.seed", old, envir = globalenv()), add = TRUE)
    set.seed(seed)
  }
  d <- lab_ms_simulate(n, reps, Q, ini, times[length(times)], accrual, cutoff, dropout)
  G <- Q  # the generator: minus the total hazard out on the diagonal
  diag(G) <- -out_rate
  truth <- t(vapply(times, function(t) lab_expm(G * t)[ini, ], numeric(length(snames))))
  dimnames(truth) <- list(NULL, snames)
  k <- length(times)
  why <- lab_ms_why(d, times)
  res <- list()
  # the replicates in blocks of at most 2e5 patients (strata are fitted
  # independently: blocks change nothing but the memory used; the internal
  # option is for the tests)
  per <- max(1, floor(getOption("smallsurv.lab_block", 2e5) / n))
  blocks <- split(seq_len(reps), ceiling(seq_len(reps) / per))
  rows <- split(seq_len(nrow(d)), ceiling(as.integer(d$rep) / per))
  # one fit per block (the estimates and standard errors do not depend on
  # the interval); each method's limits from them by the registry's
  # function, as multistate() computes them
  fns <- lapply(methods, function(m) ci_method(m, verb = "cif")$cif)
  per_block <- lapply(seq_along(blocks), function(b) {
    db <- d[rows[[b]], , drop = FALSE]
    db$rep <- factor(as.integer(db$rep) - blocks[[b]][1] + 1L, levels = seq_along(blocks[[b]]))
    fit <- multistate(survival::Surv(tstart, tstop, state) ~ rep, data = db, id = db$id,
                      istate = db$from, variance = variance, conf.type = "none",
                      conf.level = conf.level)
    nb <- length(blocks[[b]])
    list(at_risk = lab_ms_at_risk(fit, times, nb),
         limits = lapply(fns, function(f) {
           ci <- f(fit$pstate, fit$std.err, conf.level, fit, NULL)
           fit$lower <- matrix(ci$lower, nrow(fit$pstate))
           fit$upper <- matrix(ci$upper, nrow(fit$pstate))
           lab_ms_extract(fit, times, nb)
         }))
  })
  at_risk <- Reduce(`+`, lapply(per_block, `[[`, "at_risk"))
  per_time <- data.frame(state = rep(snames[rep_states], each = k),
                         time = rep(times, length(rep_states)),
                         truth = as.vector(truth[, rep_states]),
                         mean_at_risk = rep(at_risk / reps, length(rep_states)),
                         p_no_transition = rep(why$none, length(rep_states)),
                         p_after_last = rep(why$after, length(rep_states)),
                         stringsAsFactors = FALSE)
  for (mi in seq_along(methods)) {
    m <- methods[mi]
    ex <- lab_ms_bind(lapply(per_block, function(pb) pb$limits[[mi]]), snames)
    for (j in rep_states) {  # (the bound limits have a column per state of `rates`)
      tr <- truth[, j]
      cnt <- lapply(seq_len(k), function(i) {
        lo <- ex$lower[[i]][, j]
        hi <- ex$upper[[i]][, j]
        ok <- !is.na(lo) & !is.na(hi)
        c(na = sum(!ok), low = sum(lo[ok] > tr[i]), up = sum(hi[ok] < tr[i]),
          w = sum(hi[ok] - lo[ok]))
      })
      cnt <- do.call(rbind, cnt)
      res[[length(res) + 1L]] <- data.frame(method = m, state = snames[j], time = times,
                                            n_na = cnt[, "na"], n_low = cnt[, "low"],
                                            n_up = cnt[, "up"], sum_w = cnt[, "w"],
                                            truth = tr, stringsAsFactors = FALSE)
    }
  }
  res <- do.call(rbind, res)
  m <- reps - res$n_na
  lo <- res$n_low / m
  up <- res$n_up / m
  cov <- 1 - lo - up
  out <- data.frame(method = res$method, state = res$state, time = res$time, coverage = cov,
                    lower_error = lo, upper_error = up, width = res$sum_w / m,
                    mc_se = sqrt(cov * (1 - cov) / m), n_na = res$n_na, truth = res$truth,
                    stringsAsFactors = FALSE)
  out[m == 0, c("coverage", "lower_error", "upper_error", "width", "mc_se")] <- NA_real_
  rownames(out) <- NULL
  rate_lab <- which(Q > 0, arr.ind = TRUE)
  attr(out, "design") <- list(
    n = n, reps = reps, seed = if (is.null(seed)) NA_real_ else seed, conf.level = conf.level,
    methods = methods, variance = variance, rates = Q, initial = snames[ini],
    event = paste0("Markov, constant hazards ",
                   paste0(snames[rate_lab[, 1]], " -> ", snames[rate_lab[, 2]], " ",
                          signif(Q[rate_lab], 4), collapse = ", "),
                   "; all start in ", snames[ini]),
    censor = lab_censor_label("none", accrual, cutoff, dropout),
    # 1 - the share of patients censored before the last requested time
    events = 1 - mean((d$state == "(censored)" & d$tstop < times[length(times)])[
      !duplicated(d$id, fromLast = TRUE)]))
  attr(out, "per_time") <- per_time
  class(out) <- c("smallsurv_coverage", "data.frame")
  out
}

# The laboratory's multi-state methods: those multistate() accepts.
ms_lab_methods <- function() {
  setdiff(ci_names("cif"), "bootstrap")
}

# `rates`: a square non-negative matrix with matching state names; the
# diagonal is set to 0 (only the off-diagonal hazards are used).
lab_rates <- function(rates) {
  if (!is.matrix(rates) || !is.numeric(rates) || nrow(rates) != ncol(rates) || nrow(rates) < 2L) {
    abort("`rates` must be a square numeric matrix of transition hazards (at least 2 ",
          "states); got ", deparse1(rates, nlines = 1L), ".")
  }
  rn <- rownames(rates)
  if (is.null(rn) || !identical(rn, colnames(rates)) || anyNA(rn) || any(rn == "") ||
      anyDuplicated(rn)) {
    abort("`rates` must have the state names as row and column names, the same in the ",
          "same order.")
  }
  diag(rates) <- 0
  bad <- which(!is.finite(rates) | rates < 0, arr.ind = TRUE)
  if (nrow(bad)) {
    abort("`rates` must hold finite non-negative hazards; not so for ",
          paste0(rn[bad[, 1]], " -> ", rn[bad[, 2]], collapse = ", "), ".")
  }
  if (any(rn == "(censored)")) abort("`rates`: \"(censored)\" cannot be a state name.")
  storage.mode(rates) <- "double"
  rates
}

lab_state_arg <- function(x, snames, arg) {
  i <- if (is.character(x) && length(x) == 1L) match(x, snames) else
    if (is.numeric(x) && length(x) == 1L && !is.na(x) && x == round(x)) as.integer(x) else NA
  if (is.na(i) || i < 1L || i > length(snames)) {
    abort("`", arg, "` must name a state of `rates` (", paste0("\"", snames, "\"", collapse = ", "),
          ") or be its index; got ", deparse1(x), ".")
  }
  i
}

# exp(A) by scaling and squaring with a Taylor series (A small: a handful
# of states).
lab_expm <- function(A) {
  nrm <- max(rowSums(abs(A)))
  s <- if (nrm > 0.5) ceiling(log2(nrm / 0.5)) else 0
  B <- A / 2^s
  E <- term <- diag(nrow(A))
  for (k in 1:30) {
    term <- term %*% B / k
    E <- E + term
  }
  for (i in seq_len(s)) E <- E %*% E
  E
}

# Counting-process rows of n x reps patients of the Markov model, all
# replicates at once (one vectorised round per transition).
lab_ms_simulate <- function(n, reps, Q, ini, tmax, accrual, cutoff, dropout) {
  N <- n * reps
  snames <- rownames(Q)
  qout <- rowSums(Q)
  entry <- if (accrual > 0) stats::runif(N, 0, accrual) else rep(0, N)
  cens <- pmin(cutoff - entry, tmax)
  if (dropout > 0) cens <- pmin(cens, stats::rexp(N, dropout))
  rows <- list()
  act <- seq_len(N)
  cur <- rep(ini, N)
  t0 <- numeric(N)
  round <- 0L
  while (length(act)) {
    round <- round + 1L
    if (round > 10000L) abort("`rates`: patients still moving after 10,000 transitions each; ",
                              "are the hazards of a cycle very large?")
    from <- cur[act]
    tn <- t0[act] + stats::rexp(length(act)) / qout[from]
    censored <- tn > cens[act]
    stop <- ifelse(censored, cens[act], tn)
    to <- integer(length(act))
    for (s in unique(from[!censored])) {
      i <- which(!censored & from == s)
      to[i] <- if (sum(Q[s, ] > 0) == 1L) which(Q[s, ] > 0) else
        sample.int(nrow(Q), length(i), replace = TRUE, prob = Q[s, ])
    }
    rows[[round]] <- list(id = act, tstart = t0[act], tstop = stop, from = from, to = to)
    moved <- !censored
    cur[act[moved]] <- to[moved]
    t0[act[moved]] <- tn[moved]
    act <- act[moved][qout[to[moved]] > 0]
  }
  g <- function(v) unlist(lapply(rows, `[[`, v), use.names = FALSE)
  id <- g("id")
  o <- order(id, g("tstart"))
  # status levels: censoring and the states that can be entered (an
  # initial-only state is known from `from`)
  lev <- c("(censored)", snames)
  dest <- c(TRUE, colSums(Q) > 0)
  data.frame(id = id[o], rep = factor((id[o] - 1L) %/% n + 1L, levels = seq_len(reps)),
             tstart = g("tstart")[o], tstop = g("tstop")[o],
             from = factor(snames[g("from")[o]], levels = snames),
             state = factor(lev[g("to")[o] + 1L], levels = lev[dest]))
}

# The limits of a fit with one stratum per replicate at `times`, by the
# rules of at_times() (vectorised over the strata): the row of the last
# time <= t; no interval before the first time (no transition yet) or
# after the stratum's last time.
lab_ms_extract <- function(fit, times, reps) {
  st <- fit_strata(fit)
  if (length(st$from) != reps) abort("internal: a replicate has no rows.")
  sid <- rep.int(seq_len(reps), st$to - st$from + 1L)
  last <- fit$time[st$to]
  lower <- upper <- vector("list", length(times))
  for (i in seq_along(times)) {
    t <- times[i]
    k <- as.vector(rowsum(as.integer(fit$time <= t), sid, reorder = FALSE))
    row <- pmax(st$from + k - 1L, st$from)
    none <- k == 0L | t > last
    lo <- fit$lower[row, , drop = FALSE]
    hi <- fit$upper[row, , drop = FALSE]
    # no variance (a state's estimate fixed at 0 or 1 so far): no interval,
    # whatever the fit holds there
    z <- fit$std.err[row, , drop = FALSE]
    z <- !is.na(z) & z == 0
    lo[none, ] <- NA_real_
    hi[none, ] <- NA_real_
    lo[z] <- NA_real_
    hi[z] <- NA_real_
    lower[[i]] <- lo
    upper[[i]] <- hi
  }
  list(lower = lower, upper = upper, states = fit$states)
}

# The number of patients at risk of a transition at each time, summed over
# the replicates (strata) of a fit: at the first row with time >= t, as
# at_times() counts them.
lab_ms_at_risk <- function(fit, times, reps) {
  st <- fit_strata(fit)
  sid <- rep.int(seq_len(reps), st$to - st$from + 1L)
  n_risk <- rowSums(as.matrix(ms_counts(fit)$n.risk))
  vapply(times, function(t) {
    ge <- as.vector(rowsum(as.integer(fit$time < t), sid, reorder = FALSE))
    r2 <- st$from + ge
    sum(n_risk[r2[r2 <= st$to]])
  }, 0)
}

# Why a replicate has no interval at t, from the simulated rows: past its
# last observed time (`after`), or not past it but with no transition yet
# (`none`); proportions of the replicates, the two disjoint.
lab_ms_why <- function(d, times) {
  last <- as.vector(tapply(d$tstop, d$rep, max))
  tr <- d$state != "(censored)"
  first <- as.vector(tapply(d$tstop[tr], d$rep[tr], min))
  first[is.na(first)] <- Inf  # no transition at all
  after <- vapply(times, function(t) mean(t > last), 0)
  none <- vapply(times, function(t) mean(t <= last & first > t), 0)
  list(after = after, none = none)
}

# The extracts of blocks of replicates, bound (limits as columns of all
# states of `rates`, in their order; NA for a state a block never entered).
lab_ms_bind <- function(exs, snames) {
  full <- function(x, st) {
    out <- matrix(NA_real_, nrow(x), length(snames))
    out[, match(st, snames)] <- x
    out
  }
  k <- length(exs[[1]]$lower)
  list(lower = lapply(seq_len(k), function(i)
         do.call(rbind, lapply(exs, function(e) full(e$lower[[i]], e$states)))),
       upper = lapply(seq_len(k), function(i)
         do.call(rbind, lapply(exs, function(e) full(e$upper[[i]], e$states)))))
}
