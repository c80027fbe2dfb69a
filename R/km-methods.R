# Methods for smallsurv_km fits. They add to survival's methods (which keep
# working because the class inherits from "survfit"); summary() is left to
# survival. quantile()/median() (R/quantile.R) return survival's shapes;
# quantile_table() the labelled data frame used here.

# Per-stratum row ranges of a survfit-like object.
fit_strata <- function(x) {
  if (is.null(x$strata)) {
    return(list(names = NA_character_, from = 1L, to = length(x$time)))
  }
  to <- cumsum(x$strata)
  list(names = names(x$strata), from = to - x$strata + 1L, to = to)
}

# The interval description of a fit; rebuilt from conf.type and logse when a
# survival method (e.g. `[.survfit` on an older object) dropped `ci`.
fit_ci <- function(x) {
  if (!is.null(x$ci)) return(x$ci)
  m <- if (identical(x$conf.type, "none") || is.null(x$conf.type)) NULL else
    .ci_registry[[x$conf.type]]
  list(conf.type = if (is.null(x$conf.type)) "none" else x$conf.type,
       label = if (is.null(m)) "none" else m$label,
       reference = if (is.null(m)) NA_character_ else m$reference,
       conf.level = x$conf.int,
       variance = if (isFALSE(x$logse)) "robust" else "greenwood")
}

#' @export
`[.smallsurv_km` <- function(x, ...) {
  out <- NextMethod()
  out$ci <- x$ci
  out
}

ci_header <- function(x) {
  ci <- fit_ci(x)
  if (identical(ci$conf.type, "none")) return("Confidence interval: none")
  paste0("Confidence interval: ", format(100 * ci$conf.level), "% pointwise, ",
         ci$label, boot_text(ci), " (conf.type = \"", ci$conf.type, "\")",
         if (!identical(ci$conf.type, "log")) "; survival::survfit's default is \"log\"" else "",
         "\nVariance: ", if (identical(ci$variance, "robust")) {
           "infinitesimal jackknife (robust; non-integer weights)"
         } else "Greenwood")
}

# survival's print table (records, n, events, median and limits, with its
# rules for dropping the n.max / n.start / records columns), with limits the
# data cannot reach written "not reached" instead of NA, and a median or
# limit after the curve's maturity time marked "*" (attribute "past": the
# maturity rule in words, for the footnote).
median_table <- function(x) {
  y <- x
  y$na.action <- NULL
  class(y) <- "survfit"
  m <- summary(y, rmean = "none")$table
  if (!is.matrix(m)) m <- matrix(m, nrow = 1, dimnames = list("", names(m)))
  if (all(m[, 2] == m[, 3])) {
    cname <- colnames(m)[-2]
    m <- m[, -2, drop = FALSE]
    cname[2] <- "n"
    colnames(m) <- cname
  }
  if (all(m[, 1] == m[, 2])) m <- m[, -1, drop = FALSE]
  mat <- maturity(x)
  q <- quantile_table(x, probs = 0.5, maturity = FALSE)
  cols <- ncol(m) - if (is.null(x$lower)) 0L else 2:0
  if (!is.null(x$lower)) {
    # the median and its limits from quantile(): survival's numbers for
    # Greenwood-type bands, bpcp's rule for BPCP fits
    m[, cols] <- cbind(q$estimate, q$lower, q$upper)
  }
  digits <- max(getOption("digits") - 4, 3)
  out <- matrix("", nrow(m), ncol(m), dimnames = dimnames(m))
  for (j in seq_len(ncol(m))) {
    v <- m[, j]
    out[, j] <- format(v, digits = digits)
    if (j > which(colnames(m) == "events")) out[is.na(v), j] <- "not reached"
  }
  past <- past_maturity(q, mat)[, seq_along(cols), drop = FALSE]
  if (any(past)) {
    out[, cols][past] <- paste0(out[, cols][past], "*")
    attr(out, "past") <- paste(maturity_rule_text(mat$rules, "km"), collapse = " and ")
  }
  out
}

#' Print a Kaplan-Meier fit
#'
#' Prints a header naming the estimator, the confidence-interval method and
#' level (and that smallsurv's default differs from survfit's) and the
#' variance, then a table of `n`, events, median and its confidence limits
#' (the median CI inverts the pointwise band, as
#' `survival::quantile.survfit()` does; see [quantile.smallsurv_km()]). A
#' median or limit the data cannot reach is printed as "not reached"; one
#' that falls after the curve's maturity time ([maturity()]'s default
#' rules) is marked `*` and explained below the table.
#'
#' @param x A fit from [km()].
#' @param ... Unused.
#' @return `x`, invisibly.
#' @family Kaplan-Meier
#' @export
print.smallsurv_km <- function(x, ...) {
  cat("Kaplan-Meier estimate (smallsurv)\n")
  cat(ci_header(x), "\n", sep = "")
  if (!is.null(x$na.action)) {
    cat(length(x$na.action), " row", if (length(x$na.action) != 1L) "s" else "",
        " removed by na.action (missing values)\n", sep = "")
  }
  if (!is.null(x$call)) {
    cat("Call: ")
    dput(x$call)
    cat("\n")
  }
  tab <- median_table(x)
  past <- attr(tab, "past")
  attr(tab, "past") <- NULL
  print(tab, quote = FALSE, right = TRUE)
  if (!is.null(past)) {
    cat(strwrap(paste0("* read off the immature tail, where the curve no longer has ", past,
                       " (see maturity())."),
                width = getOption("width", 80), exdent = 2), sep = "\n")
  }
  if (!is.null(x$lower)) {
    cat("Median CI: inversion of the pointwise band",
        if (fit_ci(x)$conf.type %in% c("bpcp", "bpcp-midp")) " (bpcp's rule; see quantile())" else
          " (as survival::quantile.survfit)", ".\n", sep = "")
  }
  # (Simon-Makuch fits group by current exposure: no note)
  note <- if (!inherits(x, "smallsurv_simon_makuch")) immortal_time_note(names(x$strata))
  if (!is.null(note)) cat(strwrap(note, width = getOption("width", 80), exdent = 2), sep = "\n")
  invisible(x)
}

#' Estimates at chosen times, never extrapolated
#'
#' smallsurv's own table of Kaplan-Meier estimates at chosen times: the
#' estimate, its confidence interval and standard error, the number at risk
#' and the cumulative numbers of events and censorings (the KMunicate
#' quantities), and the interval method. Estimates past the time up to
#' which the curve is readable (see [maturity()]) are flagged. A
#' time after the last follow-up of
#' its stratum gives `NA` with the reason in `note`: the curve is unknown
#' there. Estimates resting on fewer than `min.risk` subjects at risk are
#' flagged in `note`.
#'
#' Conventions: the estimate at `t` is the curve at the last observed time
#' `<= t` (right-continuous), as `summary(fit, times = )`; before any event
#' the estimate is 1 with standard error 0, no interval (`NA` limits, note
#' `"no event yet"`: a zero-width (1, 1) is no statement of uncertainty),
#' except for the methods whose interval there is not degenerate (`"bpcp"`
#' and others, see [small-sample-ci]), which keep it; `n.risk` is
#' the number at risk at `t` (subjects with time `>= t`, as survival's
#' summary counts them); `n.event` and `n.censor` are cumulative up to and
#' including `t`; `std.error` is the standard error of the estimate on the
#' probability scale.
#'
#' For a fit from [cif()] the table has one row per time and state (the
#' event-free state `"(s0)"` and each cause), with a `state` column:
#' `estimate` is the cumulative incidence (0 before the first event, with
#' no interval), `n.risk` the number still event-free and at risk,
#' `n.event` the cumulative number of events of that cause (of any cause
#' for `"(s0)"`) and `n.censor` the cumulative number censored. For a fit
#' from [multistate()] likewise, with `estimate` the probability of being in
#' the state (its initial value before the first time), `n.risk` the number
#' under observation in any state and `n.event` the cumulative number of
#' transitions into the state.
#'
#' @param fit A fit from [km()], [cif()] or [multistate()].
#' @param times Non-negative times at which to report.
#' @param min.risk Flag estimates with fewer subjects at risk than this.
#' @param maturity `TRUE` (default: [maturity()]'s rules, at least 5 and
#'   10% of the curve's patients at risk), a result of [maturity()] for this
#'   fit, or a list of its rules (e.g. `list(min.risk = 5, max.drop = 0.1)`;
#'   rules left out take maturity()'s defaults, `NULL` switches one off);
#'   `FALSE` for none: estimates at times after the curve's maturity time
#'   get the note `"past maturity (<time>; <rule>)"`, the same rule that
#'   `plot()`, `autoplot()` and the medians of `print()` and
#'   [quantile_table()] apply.
#' @return A data frame (class `c("smallsurv_at_times", "data.frame")`, which
#'   prints in R Markdown as [format.smallsurv_at_times()] formats it) with columns `strata` (when the fit has strata),
#'   `state` (cif fits only), `time`, `estimate`, `std.error`, `conf.low`, `conf.high`, `n.risk`,
#'   `n.event`, `n.censor`, `conf.type`, `conf.level` and `note`.
#' @family Kaplan-Meier
#' @family competing risks
#' @examples
#' fit <- km(survival::Surv(os_time, os_status) ~ 1, data = rrall)
#' at_times(fit, c(0, 3, 6, 12, 24))
#' @export
at_times <- function(fit, times, min.risk = 5, maturity = TRUE) {
  ms <- inherits(fit, "smallsurv_ms")
  cif <- inherits(fit, "smallsurv_cif") || ms
  if (!cif && !inherits(fit, "smallsurv_km")) {
    abort("`fit` must be a fit from km(), cif() or multistate(); got an object of class ",
          paste(class(fit), collapse = "/"), ".")
  }
  check_times_arg(times)
  if (!is.numeric(min.risk) || length(min.risk) != 1L || is.na(min.risk) || min.risk < 0) {
    abort("`min.risk` must be a single non-negative number; got ", deparse1(min.risk), ".")
  }
  # the curves as state matrices: a km fit has one state (the survival
  # curve), a cif fit the event-free state and one per cause; counts are
  # patients under either survival layout (cif_counts())
  mat <- function(v) if (is.null(v)) NULL else as.matrix(v)
  if (ms) {
    # everyone under observation (in any state) is at risk of a change
    cnt <- ms_counts(fit)
    cnt$n.risk <- rowSums(cnt$n.risk)
    states <- fit$states
    est_m <- fit$pstate
    se_m <- fit$std.err
    nev <- cnt$n.event
  } else if (cif) {
    cnt <- cif_counts(fit)
    states <- fit$states
    est_m <- fit$pstate
    se_m <- fit$std.err
    nev <- cnt$n.event
    nev[, 1L] <- rowSums(nev[, -1L, drop = FALSE])  # event-free state: any cause
  } else {
    cnt <- list(n.risk = fit$n.risk, n.censor = fit$n.censor)
    states <- NA_character_
    est_m <- mat(fit$surv)
    se_m <- mat(if (isTRUE(fit$logse)) fit$surv * fit$std.err else fit$std.err)
    nev <- mat(fit$n.event)
  }
  lo_m <- mat(fit$lower)
  hi_m <- mat(fit$upper)
  has_ci <- !is.null(lo_m)
  st <- fit_strata(fit)
  nt <- length(times)
  out <- list()
  for (k in seq_along(st$from)) {
    rows <- seq.int(st$from[k], st$to[k])
    tt <- fit$time[rows]
    idx <- findInterval(times, tt)  # last row with time <= t (0: before all rows)
    before <- idx == 0L
    last <- tt[length(tt)]
    after <- times > last
    row <- rows[pmax(idx, 1L)]
    # at risk at t: rows with time >= t
    first_ge <- findInterval(times, tt, left.open = TRUE) + 1L
    nrisk <- ifelse(first_ge > length(tt), 0, cnt$n.risk[rows][pmin(first_ge, length(tt))])
    ccen <- c(0, cumsum(cnt$n.censor[rows]))[idx + 1L]
    for (j in seq_along(states)) {
      # survival / event-free 1, incidences 0 at the start; a multi-state
      # fit's initial distribution
      p0 <- if (ms) ms_p0(fit, k)[j] else if (j == 1L) 1 else 0
      est <- ifelse(before, p0, est_m[row, j])
      se <- ifelse(before, 0, se_m[row, j])
      lo <- if (has_ci) ifelse(before, p0, lo_m[row, j]) else rep(NA_real_, nt)
      hi <- if (has_ci) ifelse(before, p0, hi_m[row, j]) else rep(NA_real_, nt)
      flat <- !is.na(est) & est == p0 & !is.na(se) & se == 0
      if (has_ci) {
        # no event yet: no variance, no interval (whatever the fit holds there:
        # NA, or (p0, p0) under survival >= 3.6's convention); a method whose
        # interval there is not degenerate (BPCP and others) keeps it
        none <- flat & (is.na(lo) | is.na(hi) | (lo == p0 & hi == p0))
        lo[none] <- NA_real_
        hi[none] <- NA_real_
      }
      se[is.nan(se)] <- NA_real_
      cev <- c(0, cumsum(nev[rows, j]))[idx + 1L]
      note <- at_times_note(flat, after, nrisk, min.risk, last)
      est[after] <- se[after] <- lo[after] <- hi[after] <- NA_real_
      out[[length(out) + 1L]] <- data.frame(
        strata = rep(st$names[k], nt), state = states[j], time = times, estimate = est,
        std.error = se, conf.low = lo, conf.high = hi, n.risk = nrisk, n.event = cev,
        n.censor = ccen, conf.type = fit$conf.type, conf.level = fit$conf.int, note = note,
        stringsAsFactors = FALSE)
    }
  }
  out <- do.call(rbind, out)
  if (is.null(fit$strata)) out$strata <- NULL
  if (!cif) out$state <- NULL
  rownames(out) <- NULL
  m <- resolve_maturity(maturity, fit)
  if (!is.null(m)) out <- add_maturity_note(out, m)
  class(out) <- c("smallsurv_at_times", "data.frame")
  out
}

#' Display an at_times() table in a report
#'
#' `format()` turns the table of [at_times()] into the one a report shows:
#' the estimate and its confidence limits in one column, formatted as
#' "estimate (lower, upper)" (in percent with `percent = TRUE`), the
#' numbers at risk, with an event and censored, and the notes; estimates
#' that cannot be given (after the last follow-up) read "not estimable".
#' In R Markdown and Quarto documents an `at_times()` table prints as this
#' formatted table (a `knitr::kable()`), with the interval named in the
#' caption; at the console it prints as the data frame it is.
#'
#' @param x A table from [at_times()].
#' @param digits Digits after the decimal point (of the percentage with
#'   `percent = TRUE`).
#' @param percent Show probabilities as percentages.
#' @param ... Unused.
#' @return `format()`: a data frame of character columns `strata` (when
#'   present), `state` (cif fits), `time`, the estimate column (named after
#'   the interval, e.g. `"Estimate (95% CI)"`), `at risk`, `events`,
#'   `censored` and `note`.
#' @family Kaplan-Meier
#' @examples
#' fit <- km(survival::Surv(os_time, os_status) ~ dose, data = rrall)
#' format(at_times(fit, c(3, 6, 12)), percent = TRUE)
#' @export
format.smallsurv_at_times <- function(x, digits = if (percent) 1L else 3L, percent = FALSE,
                                      ...) {
  check_flag(percent, "percent")
  if (!is_full_at_times(x)) return(format(plain_df(x), ...))
  k <- if (percent) 100 else 1
  f <- function(v) ifelse(is.na(v), "NA", formatC(k * v, format = "f", digits = digits))
  est <- ifelse(is.na(x$estimate), "not estimable",
                paste_ci(f(x$estimate), x$conf.low, x$conf.high, f))
  lvl <- unique(x$conf.level)
  ctype <- unique(x$conf.type)
  head <- if (length(ctype) == 1L && identical(ctype, "none")) "Estimate" else
    paste0("Estimate (", paste(format(100 * lvl), collapse = "/"), "% CI)")
  if (percent) head <- sub("Estimate", "Estimate, %", head)
  out <- data.frame(time = format(x$time, trim = TRUE), est = est,
                    n.risk = format_count(x$n.risk), n.event = format_count(x$n.event),
                    n.censor = format_count(x$n.censor), note = x$note,
                    stringsAsFactors = FALSE, check.names = FALSE)
  names(out) <- c("time", head, "at risk", "events", "censored", "note")
  if (!is.null(x$state)) out <- cbind(state = x$state, out, stringsAsFactors = FALSE)
  if (!is.null(x$strata)) out <- cbind(strata = x$strata, out, stringsAsFactors = FALSE)
  out
}

#' @rdname format.smallsurv_at_times
#' @param options knitr chunk options (passed by knitr).
#' @exportS3Method knitr::knit_print
knit_print.smallsurv_at_times <- function(x, options = NULL, ...) {
  if (!is_full_at_times(x)) return(knitr::knit_print(plain_df(x), options = options, ...))
  tab <- format(x)
  ctype <- unique(x$conf.type)
  cap <- if (identical(ctype, "none")) NULL else {
    lab <- vapply(ctype, function(m) {
      r <- .ci_registry[[m]]
      if (is.null(r)) m else r$label
    }, character(1))
    paste0(paste(format(100 * unique(x$conf.level)), collapse = "/"), "% pointwise CI: ",
           paste(lab, collapse = "; "))
  }
  knitr::knit_print(knitr::kable(tab, row.names = FALSE, caption = cap, align = "l"),
                    options = options, ...)
}

# A table with every column format() needs (a column subset is shown as the
# data frame it is).
is_full_at_times <- function(x) {
  all(c("time", "estimate", "conf.low", "conf.high", "n.risk", "n.event", "n.censor", "note",
        "conf.type", "conf.level") %in% names(x))
}

plain_df <- function(x) {
  class(x) <- "data.frame"
  x
}

# The `note` column of at_times(): no event yet, few at risk, or after the
# last follow-up (which wins).
at_times_note <- function(no_event, after, nrisk, min.risk, last) {
  note <- rep("", length(after))
  note[no_event & !after] <- "no event yet"
  few <- !after & nrisk < min.risk
  note[few] <- paste0("only ", format(nrisk[few]), " at risk")
  note[after] <- paste0("after last follow-up (", format_time(last), ")")
  note
}

#' Tidy and glance at a Kaplan-Meier fit
#'
#' `tidy()` gives one row per time of the fit, exactly as
#' `broom::tidy.survfit()` gives it for the same survfit object (same
#' columns, order and meaning; a data frame rather than a tibble), so code
#' written for survfit reads the same numbers; `glance()` one row per curve
#' with the number of subjects and events and the median with its
#' confidence limits.
#'
#' As in broom, `std.error` is the fit's `std.err`: for a Kaplan-Meier fit
#' with survival's default (`logse = TRUE`), the standard error of
#' \eqn{-\log \hat S(t)} (Greenwood's), not of \eqn{\hat S(t)}; for a
#' robust (weighted) fit, that of \eqn{\hat S(t)}. The standard error of
#' the survival probability itself is `at_times()`'s `std.error`. Unlike
#' broom, a fit without a band (`conf.type = "none"`) gives `NA` limits
#' instead of an error.
#'
#' @param x A fit from [km()].
#' @param ... Unused.
#' @return A data frame. `tidy()`: `time`, `n.risk`, `n.event`,
#'   `n.censor`, `estimate`, `std.error`, `conf.high`, `conf.low`, and
#'   `strata` (when present), broom's order. `glance()`: `strata` (when present), `n`, `events`,
#'   `median`, `conf.low`, `conf.high`, `conf.type`, `conf.level`.
#' @family Kaplan-Meier
#' @examples
#' fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' head(tidy(fit))
#' glance(fit)
#' @name km-tidiers
NULL

#' @rdname km-tidiers
#' @export
tidy.smallsurv_km <- function(x, ...) {
  st <- fit_strata(x)
  out <- data.frame(time = x$time, n.risk = x$n.risk, n.event = x$n.event,
                    n.censor = x$n.censor, estimate = x$surv, std.error = x$std.err,
                    conf.high = if (is.null(x$upper)) NA_real_ else x$upper,
                    conf.low = if (is.null(x$lower)) NA_real_ else x$lower,
                    stringsAsFactors = FALSE)
  if (!is.null(x$strata)) out$strata <- rep(st$names, st$to - st$from + 1L)
  out
}

#' @rdname km-tidiers
#' @export
glance.smallsurv_km <- function(x, ...) {
  st <- fit_strata(x)
  q <- quantile_table(x, probs = 0.5, maturity = FALSE)  # survival's numbers, bpcp's rule for BPCP
  ev <- vapply(seq_along(st$from), function(k) sum(x$n.event[st$from[k]:st$to[k]]), numeric(1))
  out <- data.frame(strata = st$names, n = as.vector(x$n), events = ev,
                    median = q$estimate, conf.low = q$lower, conf.high = q$upper,
                    conf.type = x$conf.type, conf.level = x$conf.int, stringsAsFactors = FALSE)
  if (is.null(x$strata)) out$strata <- NULL
  out
}
