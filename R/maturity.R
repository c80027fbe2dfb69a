#' How far a curve can be read: numbers at risk and curtailment rules
#'
#' For a Kaplan-Meier fit ([km()]), a cumulative incidence fit ([cif()]) or a
#' multi-state fit ([multistate()]),
#' tabulates at chosen times the KMunicate quantities (numbers at risk,
#' cumulative events, cumulative censored), the fraction of the cohort still
#' at risk and the change one more event would cause (Gebski et al. 2018),
#' and finds, per curve, the time after which the curve is no longer
#' readable under the stated rules. Pass the result to [at_times()]
#' (`maturity =`), which flags estimates past that time, and to `plot()`
#' of the fit, which draws the curve dashed (or stops it) there.
#'
#' @section Rules:
#' With \eqn{n(t)} the number at risk at \eqn{t} (subjects with time
#' \eqn{\ge t}), \eqn{N} the number of subjects of the curve, and
#' \eqn{\hat S(t-)} the event-free (Kaplan-Meier) probability just before
#' \eqn{t}, the curve is readable at \eqn{t} while
#' * `min.risk`: \eqn{n(t) \ge} `min.risk` (default 5, the floor of the
#'   common "fewer than max(5, 10-20% of N) at risk" practice);
#' * `min.fraction`: \eqn{n(t)/N \ge} `min.fraction` (default 0.1: the
#'   cardiac-valve reporting guideline's dashed line at 10% of the initial
#'   cohort, Akins et al. 2008; Pocock et al. 2002 discuss 10-20%);
#' * `max.drop`: \eqn{\hat S(t-)/n(t) \le} `max.drop` (default `NULL`:
#'   not applied; Gebski et al.'s approach 1 with a pre-stated maximum
#'   acceptable change \eqn{\delta}). For a Kaplan-Meier curve
#'   \eqn{\hat S(t-)/n(t)} is exactly the drop of \eqn{\hat S(t)} one more
#'   event at \eqn{t} would cause
#'   (\eqn{\hat S(t-)(1 - d/n) - \hat S(t-)(1 - (d+1)/n)}); for a
#'   cumulative incidence curve it is exactly the rise of the incidence
#'   \eqn{\hat F_k(t)} of the cause one more event of that cause at \eqn{t}
#'   would cause, with \eqn{\hat S} the all-cause event-free probability
#'   (the same for every cause). For a multi-state fit \eqn{n(t)} counts
#'   the subjects under observation in any state, and the change is the
#'   largest over the states \eqn{j} of \eqn{\hat p_j(t-)/n_j(t)}, the
#'   change of \eqn{\hat p_j} one more transition out of \eqn{j} would
#'   cause.
#'
#' A rule set to `NULL` is not applied. \eqn{n(t)} is constant on
#' \eqn{(t_{j-1}, t_j]} between the observed times of the curve, so the
#' rules are checked at the curve's own times: if row \eqn{j} is the first
#' to break a rule, the curve is readable up to \eqn{t_{j-1}} (0 when
#' \eqn{j = 1}) and not after; that time is the curve's *maturity time*,
#' returned with the rule(s) that fired. A curve that never breaks a rule
#' is readable to its last observed time (rule `"none"`).
#'
#' @param fit A fit from [km()], [cif()] or [multistate()].
#' @param times Times of the table (default: `pretty()` over the
#'   follow-up, as `plot()` uses).
#' @param min.risk Smallest acceptable number at risk, or `NULL`.
#' @param min.fraction Smallest acceptable fraction of the curve's subjects
#'   still at risk (between 0 and 1), or `NULL`.
#' @param max.drop Largest acceptable change of the curve caused by one
#'   more event (a probability), or `NULL`.
#' @return An object of class `smallsurv_maturity`, a list with `table`
#'   (one row per curve and time: `strata` when the fit has strata, `time`,
#'   `n.risk`, `n.event` and `n.censor` (cumulative; events of any cause
#'   for a cif fit), `fraction`, `drop`, and `readable`, whether `time` is
#'   at or before the maturity time), `limits` (one row per curve:
#'   `strata`, `n`, `time` (the maturity time), `rule` (the rule(s) that
#'   fired, or `"none"`), `n.risk`, `fraction` and `drop` at the first
#'   time past it, `last` (the last observed time)), `rules` and `type`
#'   (`"km"`, `"cif"` or `"ms"`). `as.data.frame()` gives `table`.
#' @references
#' Gebski V, Garès V, Gibbs E, Byth K (2018). Data maturity and follow-up in
#' time-to-event analyses. *Int J Epidemiol* 47:850-859.
#' \doi{10.1093/ije/dyy013}
#'
#' Pocock SJ, Clayton TC, Altman DG (2002). Survival plots of time-to-event
#' outcomes in clinical trials: good practice and pitfalls. *Lancet*
#' 359:1686-1689. \doi{10.1016/S0140-6736(02)08594-X}
#'
#' Akins CW, Miller DC, Turina MI, et al. (2008). Guidelines for reporting
#' mortality and morbidity after cardiac valve interventions. *Ann Thorac
#' Surg* 85:1490-1495. \doi{10.1016/j.athoracsur.2007.12.082}
#'
#' Morris TP, Jarvis CI, Cragg W, et al. (2019). Proposals on Kaplan-Meier
#' plots in medical research and a survey of stakeholder views: KMunicate.
#' *BMJ Open* 9:e030215. \doi{10.1136/bmjopen-2019-030215}
#' @family Kaplan-Meier
#' @family competing risks
#' @examples
#' fit <- km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' m <- maturity(fit, times = seq(0, 18, 3))
#' m
#' at_times(fit, c(6, 12), maturity = m)
#' plot(fit, maturity = m)
#' @export
maturity <- function(fit, times = NULL, min.risk = 5, min.fraction = 0.1, max.drop = NULL) {
  type <- if (inherits(fit, "smallsurv_cif")) "cif" else if (inherits(fit, "smallsurv_km")) "km" else
    if (inherits(fit, "smallsurv_ms")) "ms"
  if (is.null(type)) {
    abort("`fit` must be a fit from km(), cif() or multistate(); got an object of class ",
          paste(class(fit), collapse = "/"), ".")
  }
  rules <- check_maturity_rules(min.risk, min.fraction, max.drop)
  if (is.null(times)) times <- unique(pmax(pretty(c(0, max(fit$time))), 0))  # (pretty(0) has -1)
  check_times_arg(times)
  st <- fit_strata(fit)
  if (type == "ms") {
    cnt <- ms_counts(fit)
    nrisk_all <- rowSums(cnt$n.risk)  # under observation, in any state
  } else {
    nrisk_all <- if (type == "cif") cif_counts(fit)$n.risk else fit$n.risk
    surv_all <- if (type == "cif") fit$pstate[, 1L] else fit$surv
  }
  at <- if (type != "km") {
    a <- at_times(fit, times, min.risk = 0, maturity = FALSE)
    a[a$state == fit$states[1L], , drop = FALSE]
  } else {
    at_times(fit, times, min.risk = 0, maturity = FALSE)
  }
  limits <- vector("list", length(st$from))
  tabs <- vector("list", length(st$from))
  for (k in seq_along(st$from)) {
    rows <- seq.int(st$from[k], st$to[k])
    tt <- fit$time[rows]
    nr <- nrisk_all[rows]
    if (type == "ms") {
      # one more transition out of state j changes p by p_j(t-)/n_j(t)
      N <- ms_n_subjects(fit)[k]
      pprev <- rbind(ms_p0(fit, k), fit$pstate[rows, , drop = FALSE])[seq_along(rows), ,
                                                                       drop = FALSE]
      yj <- cnt$n.risk[rows, , drop = FALSE]
      drop <- ifelse(nr > 0, apply(ifelse(yj > 0, pprev / pmax(yj, 1), 0), 1L, max), Inf)
    } else {
      sprev <- c(1, surv_all[rows])[seq_along(rows)]
      N <- as.vector(fit$n)[k]
      drop <- ifelse(nr > 0, sprev / nr, Inf)
    }
    frac <- nr / N
    bad <- maturity_violations(nr, frac, drop, rules)
    j <- which(rowSums(bad) > 0)[1L]
    lim <- if (is.na(j)) {
      data.frame(n = N, time = tt[length(tt)], rule = "none", n.risk = NA_real_,
                 fraction = NA_real_, drop = NA_real_, last = tt[length(tt)])
    } else {
      data.frame(n = N, time = if (j == 1L) 0 else tt[j - 1L],
                 rule = paste(colnames(bad)[bad[j, ]], collapse = ", "), n.risk = nr[j],
                 fraction = frac[j], drop = drop[j], last = tt[length(tt)])
    }
    limits[[k]] <- cbind(strata = st$names[k], lim, stringsAsFactors = FALSE)
    # the grid: n(t) from at_times(); S(t-) from the last row before t
    a <- if (is.null(fit$strata)) at else at[at$strata == st$names[k], , drop = FALSE]
    before <- findInterval(times, tt, left.open = TRUE)
    gdrop <- if (type == "ms") {
      ifelse(before + 1L > length(tt), Inf, drop[pmin(before + 1L, length(tt))])
    } else {
      sp <- c(1, surv_all[rows])[before + 1L]
      ifelse(a$n.risk > 0, sp / a$n.risk, Inf)
    }
    nev <- a$n.event
    if (type == "ms") {  # transitions of any kind, cumulative
      idx <- findInterval(times, tt)
      nev <- c(0, cumsum(rowSums(cnt$n.event[rows, , drop = FALSE])))[idx + 1L]
    }
    tabs[[k]] <- data.frame(strata = st$names[k], time = times, n.risk = a$n.risk,
                            n.event = nev, n.censor = a$n.censor,
                            fraction = a$n.risk / N, drop = gdrop,
                            readable = times <= lim$time, stringsAsFactors = FALSE)
  }
  table <- do.call(rbind, tabs)
  limits <- do.call(rbind, limits)
  if (is.null(fit$strata)) {
    table$strata <- NULL
    limits$strata <- NULL
  }
  rownames(table) <- rownames(limits) <- NULL
  structure(list(table = table, limits = limits, rules = rules, type = type,
                 strata = st$names),
            class = "smallsurv_maturity")
}

check_maturity_rules <- function(min.risk, min.fraction, max.drop) {
  one <- function(v, arg, upper = Inf) {
    if (is.null(v)) return(NULL)
    if (!is.numeric(v) || length(v) != 1L || is.na(v) || v < 0 || v > upper) {
      abort("`", arg, "` must be NULL or a single number between 0 and ", format(upper),
            "; got ", deparse1(v), ".")
    }
    as.double(v)
  }
  list(min.risk = one(min.risk, "min.risk"), min.fraction = one(min.fraction, "min.fraction", 1),
       max.drop = one(max.drop, "max.drop", 1))
}

# Logical matrix (rows x rules applied) of violated rules; column names are
# the short rule labels.
maturity_violations <- function(nr, frac, drop, rules) {
  out <- list()
  if (!is.null(rules$min.risk)) out[[paste0("n.risk < ", format(rules$min.risk))]] <- nr < rules$min.risk
  if (!is.null(rules$min.fraction)) {
    out[[paste0("n.risk < ", format(100 * rules$min.fraction), "% of n")]] <- frac < rules$min.fraction
  }
  if (!is.null(rules$max.drop)) out[[paste0("drop > ", format(rules$max.drop))]] <- drop > rules$max.drop
  if (!length(out)) return(matrix(FALSE, length(nr), 0L))
  do.call(cbind, out)
}

# The rules in words.
maturity_rule_text <- function(rules, type) {
  change <- switch(type, cif = "raise a cumulative incidence",
                   ms = "change a state probability", "lower the survival curve")
  c(if (!is.null(rules$min.risk)) paste0("at least ", format(rules$min.risk), " subjects at risk"),
    if (!is.null(rules$min.fraction)) paste0("at least ", format(100 * rules$min.fraction),
                                             "% of the curve's subjects still at risk"),
    if (!is.null(rules$max.drop)) paste0("one more event would ", change, " by at most ",
                                         format(rules$max.drop),
                                         if (type == "ms") " (max over states of p_j(t-)/n_j(t))"
                                         else " (S(t-)/n(t); Gebski et al. 2018)"))
}

#' @rdname maturity
#' @param x A result of `maturity()`.
#' @param digits Significant digits.
#' @param ... Unused.
#' @export
print.smallsurv_maturity <- function(x, digits = 3L, ...) {
  cat("Maturity of the ", switch(x$type, cif = "cumulative incidence",
                                  ms = "state occupation", "Kaplan-Meier"),
      " curves (smallsurv)\n", sep = "")
  txt <- maturity_rule_text(x$rules, x$type)
  if (length(txt)) {
    cat(strwrap(paste0("A curve is read while: ", paste(txt, collapse = "; and "), "."),
                width = 0.95 * getOption("width")), sep = "\n")
  } else {
    cat("No rule applied.\n")
  }
  cat("It is dashed or stopped after the last time these hold (the maturity time).\n\n")
  lim <- x$limits
  lab <- if (is.null(lim$strata)) "all" else lim$strata
  for (k in seq_len(nrow(lim))) {
    cat(lab[k], ": ", sep = "")
    if (lim$rule[k] == "none") {
      cat("readable to the last observed time, ", format(lim$time[k], digits = digits), "\n",
          sep = "")
    } else {
      cat("readable up to ", format(lim$time[k], digits = digits), " (then ", lim$rule[k],
          ": ", format(lim$n.risk[k]), " at risk, ",
          format(100 * lim$fraction[k], digits = digits), "% of ", lim$n[k], ", drop ",
          format(lim$drop[k], digits = digits), "); last observed time ",
          format(lim$last[k], digits = digits), "\n", sep = "")
    }
  }
  cat("\n")
  tab <- x$table
  tab$fraction <- format(round(tab$fraction, 3))
  tab$drop <- format(tab$drop, digits = digits)
  print(tab, row.names = FALSE)
  cat("n.risk: at risk at time; n.event, n.censor: cumulative; fraction: n.risk / n;",
      if (x$type == "ms") "drop: max over states of p_j(t-)/n_j(t).\n" else
        "drop: S(t-)/n.risk.\n")
  invisible(x)
}

#' @rdname maturity
#' @param row.names,optional Unused (for the generic).
#' @export
as.data.frame.smallsurv_maturity <- function(x, row.names = NULL, optional = FALSE, ...) {
  x$table
}

# A maturity object for `fit` from what the user passed to at_times() or
# plot(): a maturity() result, or a list of rules (names min.risk,
# min.fraction, max.drop).
resolve_maturity <- function(maturity, fit) {
  if (is.null(maturity) || isFALSE(maturity)) return(NULL)
  if (isTRUE(maturity) || (is.list(maturity) && !length(maturity))) {
    maturity <- smallsurv::maturity(fit)  # its default rules
  }
  if (!inherits(maturity, "smallsurv_maturity")) {
    ok <- c("min.risk", "min.fraction", "max.drop")
    if (!is.list(maturity) || is.null(names(maturity)) || !all(names(maturity) %in% ok)) {
      abort("`maturity` must be TRUE (maturity()'s default rules), FALSE or NULL (none), a ",
          "result of maturity() or a list of rules named ",
          paste0("`", ok, "`", collapse = ", "), "; got ", deparse1(maturity), ".")
    }
    maturity <- do.call(smallsurv::maturity, c(list(fit), maturity))
  }
  if (!identical(maturity$strata, fit_strata(fit)$names)) {
    abort("`maturity` was computed for other curves (",
          paste(maturity$strata, collapse = ", "), ") than those of `fit` (",
          paste(fit_strata(fit)$names, collapse = ", "), ").")
  }
  maturity
}

# Times in notes: 4 significant digits, each formatted on its own (no
# padding to a common width).
format_time <- function(v) vapply(signif(v, 4), format, character(1))

# Append "past maturity" notes to an at_times() table.
add_maturity_note <- function(out, m) {
  lim <- m$limits
  k <- if (is.null(lim$strata)) rep(1L, nrow(out)) else match(out$strata, lim$strata)
  past <- out$time > lim$time[k] & !grepl("^after last follow-up", out$note)
  txt <- paste0("past maturity (", format_time(lim$time[k]), "; ", lim$rule[k], ")")
  out$note[past] <- ifelse(out$note[past] == "", txt[past],
                           paste0(out$note[past], "; ", txt[past]))
  out
}
