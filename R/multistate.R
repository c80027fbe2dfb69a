#' Multi-state models: state occupation probabilities (Aalen-Johansen)
#'
#' Estimates, for any transition structure (illness-death, response ->
#' HSCT or CAR-T -> relapse or death, several intermediate states, recovery
#' and back), the probability of being in each state over time, the
#' Nelson-Aalen cumulative hazard of every observed transition and the
#' expected time spent in each state, with the Aalen-Johansen estimator in a
#' C++ engine. The result is a multi-state `survfit` object (class
#' `c("smallsurv_ms", "survfitms", "survfit")`) with the components of
#' `survival::survfit(Surv(tstart, tstop, state) ~ x, id =, istate =)` in
#' the layout of the installed survival, so `summary(fit, times = )`,
#' `summary(fit, rmean = )`, `[`, `plot()`, broom's `tidy()` and the
#' packages built on survfit work on it.
#'
#' @section Conventions:
#' * **Data.** Counting-process rows `Surv(tstart, tstop, state)`, one row
#'   per interval a subject spends in one state, with `state` a factor whose
#'   *first level is censoring* (survival's convention): the state entered
#'   at `tstop`, or censoring (no transition: the subject is censored there,
#'   or continues in the same state on its next row). `id` is required with
#'   `tstart` (as in survfit). Right-censored `Surv(time, state)` data
#'   (one row per subject) are a competing-risks fit (see also [cif()]),
#'   or, with `istate`, one from several starting states. Near-tied times
#'   are merged first (`timefix`, survival's rule), before the rows are
#'   checked.
#' * **States.** Every subject starts in `"(s0)"` unless `istate` gives the
#'   state each row starts in; the states are then the levels of `istate`
#'   in use that are not outcomes, followed by the outcome levels. A row's state
#'   is the state reached at the end of the subject's previous row (or its
#'   first row's initial state); with `istate`, a row whose `istate`
#'   contradicts that is an error naming the subject, as are overlapping
#'   rows, gaps between a subject's rows (the subject would be at risk
#'   nowhere) and a transition from a state to itself.
#' * **Start.** As survfit (3.6 and later): the curves start at
#'   \eqn{t_0}, the smallest time (0 for right-censored data) or, when
#'   subjects start in different states, the first transition time;
#'   \eqn{p_0} is the distribution of the starting states (weighted) among
#'   the subjects at risk at \eqn{t_0}, and its own variability enters the
#'   variance (`se0`). survfit's influence of \eqn{p_0} with several curves
#'   assumes the rows sorted by curve; smallsurv's does not depend on the
#'   row order (the two agree on sorted data). Whether subjects start in
#'   different states is decided from each subject's first row; survfit
#'   decides it per curve and subject, which differs only for a subject
#'   whose rows lie in different curves.
#' * **Estimate.** At each time, \eqn{dA_{jk} = dN_{jk}/Y_j} (weighted
#'   transitions from \eqn{j} to \eqn{k} over the weighted number at risk in
#'   \eqn{j}, at risk meaning `tstart < t <= tstop`) and
#'   \eqn{p(t) = p(t-)(I + dA)}. Near-tied times are merged first
#'   (`timefix`, as survfit).
#' * **Variance** (`std.err`, on the probability scale):
#'   - `"ij"` (default): the infinitesimal jackknife, survfit's (its only
#'     multi-state variance): the sum over subjects (`id`) of the squared
#'     influence of their weights. Correct with case weights, delayed entry
#'     and subjects with several rows. Computed without the subjects x
#'     times influence matrix that survfit builds (see
#'     `src/core/multistate.cpp`): 0.8 s for 10^5 subjects on one core.
#'   - `"greenwood"`: the Greenwood-type (multinomial) estimator of
#'     Andersen et al. (1993, eq. 4.4.20): etm's, and mstate's
#'     `probtrans(method = "greenwood")` on `msfit(vartype = "greenwood")`;
#'     cost states^3 x times. For competing risks without delayed entry it
#'     equals [cif()]'s `"delta"` variance.
#'   - `"aalen"`: the same recursion with the Aalen (Poisson) covariance of
#'     the hazard increments, mstate's default (`probtrans(method =
#'     "aalen")`).
#'
#'   `std.chaz` (the hazards) and `std.auc` (the time in each state) are
#'   the infinitesimal-jackknife standard errors, as survfit's, when
#'   `variance = "ij"`.
#' * **Intervals** are computed from `std.err` for every state by the
#'   methods of [ci_methods()] that serve [cif()] (default `"log-log"`, on
#'   \eqn{p} itself, as for cif(); survfit's default is `"log"`), except the
#'   bootstrap. `"wilson-neff"` (Wilson with the effective sample size
#'   \eqn{p(1-p)/Var}) is the small-sample option.
#'
#' @param formula `Surv(tstart, tstop, state) ~ 1` or `~ group` (one set of
#'   curves per combination of the right-hand-side variables), or
#'   `Surv(time, state) ~ ...` for one row per subject.
#' @param data A data frame.
#' @param id Subject identifier (a column of `data`); required with
#'   `tstart`.
#' @param istate Optional state at the start of each row (a column of
#'   `data`; factor or character).
#' @param weights Optional case weights (a column of `data`).
#' @param subset Optional expression selecting rows of `data`.
#' @param na.action Function for missing values (default
#'   `getOption("na.action")`).
#' @param variance `"ij"`, `"greenwood"` or `"aalen"` (see Conventions).
#' @param conf.type Interval method: one of `ci_methods()$conf.type` with
#'   `cif = TRUE` (except `"bootstrap"`), or `"none"`. How each covers at
#'   a design like yours (e.g. `"log-log"` against the small-sample
#'   `"wilson-neff"` at 25 patients) is what [ci_coverage_ms()] simulates.
#' @param conf.level Confidence level, strictly between 0 and 1.
#' @param timefix Merge near-tied times as survfit does (default `TRUE`).
#' @param ... Not used; any argument is an error.
#' @return An object of class `c("smallsurv_ms", "survfitms", "survfit")`:
#'   survfit's multi-state components (see [cif()] for the two layouts of
#'   survival before and from 3.6), `cumhaz` with one column per observed
#'   transition (`"1:2"`, ...; ordered as survfit orders them), `p0`, and
#'   `ci`, naming the interval and the variance.
#' @references
#' Aalen OO, Johansen S (1978). An empirical transition matrix for
#' non-homogeneous Markov chains based on censored observations. *Scand J
#' Stat* 5:141-150.
#'
#' Andersen PK, Borgan O, Gill RD, Keiding N (1993). *Statistical Models
#' Based on Counting Processes*. Springer. Section IV.4.
#'
#' Allignol A, Schumacher M, Beyersmann J (2011). Empirical transition
#' matrix of multi-state models: the etm package. *J Stat Softw* 38(4).
#' \doi{10.18637/jss.v038.i04}
#' @family competing risks
#' @examples
#' # response -> HSCT -> death, with death also possible before HSCT
#' d <- data.frame(id = c(1, 1, 2, 3, 3, 4, 5),
#'                 start = c(0, 2, 0, 0, 3, 0, 0),
#'                 stop = c(2, 7, 5, 3, 6, 8, 4),
#'                 state = factor(c("HSCT", "death", "death", "HSCT", "censored",
#'                                  "censored", "death"),
#'                                c("censored", "HSCT", "death")))
#' fit <- multistate(survival::Surv(start, stop, state) ~ 1, data = d, id = id)
#' fit
#' summary(fit, times = c(3, 6))
#' @export
multistate <- function(formula, data, id, istate, weights, subset, na.action,
                       variance = "ij", conf.type = "log-log", conf.level = 0.95,
                       timefix = TRUE, ...) {
  mcall <- match.call()
  check_ms_variance(variance)
  method <- ci_method(conf.type, verb = "cif")
  if (!is.null(method) && identical(method$name, "bootstrap")) {
    abort("`conf.type = \"bootstrap\"` is not available for multistate(); use a ",
          "Greenwood-type interval (e.g. \"log-log\") or \"wilson-neff\".")
  }
  check_dots(match.call(expand.dots = FALSE)$..., "multistate", NULL)
  check_conf_level(conf.level)
  check_flag(timefix, "timefix")
  input <- surv_input(mcall, parent.frame(), multi = TRUE)
  if (!is.null(method)) check_ci_applicable(method, input)
  multistate_impl(input, variance, method, conf.level, timefix, mcall)
}

multistate_impl <- function(input, variance, method, conf.level, timefix = TRUE, call = NULL) {
  n <- length(input$time)
  if (timefix) input <- ms_timefix(input)
  if (is.null(input$id)) {
    if (!is.null(input$entry)) {
      abort("`id` is required with `Surv(tstart, tstop, state)` data: it links each ",
            "subject's rows.")
    }
    input$id <- seq_len(n)
  }
  input$cluster <- match(input$id, unique(input$id))  # subjects, in order of appearance
  ms <- ms_states(input)
  w <- input$weights
  strata <- input$strata
  nst <- if (is.null(strata)) 1L else nlevels(strata)
  sc <- if (is.null(strata)) rep(1L, n) else as.integer(strata)
  lay <- survfitms_layout()
  ns <- length(ms$states)
  # continuation rows (censored at tstop, the subject's next row starts
  # there): no censoring and no output time in survival >= 3.6
  cont <- ms$continued & input$status == 0L
  grid <- if (lay$current) as.integer(!cont) else rep(1L, n)
  start <- ms_start(input, ms, sc, nst, w)
  # observed transitions, in survfit's order (by `to`, then `from`)
  ev <- input$status > 0L
  tt <- ms_transition_counts(ms, ev, ns)
  trans <- cbind(from = row(tt)[tt > 0], to = col(tt)[tt > 0])
  cluster <- input$cluster
  to0 <- ms$to - 1L
  to0[!ev] <- -1L
  res <- multistate_fit_cpp(input$time, ms$from - 1L, to0, ns,
                            input$entry, w, if (is.null(strata)) NULL else sc, nst,
                            cluster, max(cluster), grid, grid, start$p0, start$u0,
                            start$t0, trans - 1L, FALSE, variance)  # (merged above)
  new_multistate(res, input, ms, start, trans, variance, method, conf.level, call)
}

# Near-tied times merged as survfit merges them (survival::aeqSurv(), over
# the entry and stop times together) before any check sees them; a row that
# has no length left is an error, as in survfit.
ms_timefix <- function(input) {
  n <- length(input$time)
  if (is.null(input$entry)) {
    input$time <- timefix_cpp(input$time)
    return(input)
  }
  v <- timefix_cpp(c(input$entry, input$time))
  input$entry <- v[seq_len(n)]
  input$time <- v[n + seq_len(n)]
  bad <- which(!(input$entry < input$time))
  if (length(bad)) {
    abort("`formula`: ", format_rows(input$row_label(bad)), " ha",
          if (length(bad) == 1L) "s" else "ve",
          " no length once near-tied times are merged (start and stop differ by less than ",
          "survival's tolerance, sqrt(.Machine$double.eps) relative); remove ",
          if (length(bad) == 1L) "it" else "them", " or use `timefix = FALSE`.")
  }
  input
}

# Each row's state (`from`, 1-based in `states`) and the state it enters
# (`to`, for rows with a transition), from `istate` or from "(s0)" and the
# subject's previous rows; checks the rows of each subject.
ms_states <- function(input) {
  n <- length(input$time)
  id <- input$id
  causes <- input$causes
  ist <- input$istate
  if (!is.null(ist)) {
    if (!is.factor(ist) && !is.character(ist)) {
      abort("`istate` must be a factor or character vector of states; got ", class(ist)[1], ".")
    }
    if (anyNA(ist)) {
      abort("`istate` is missing at ", format_rows(input$row_label(which(is.na(ist)))), ".")
    }
    # the levels in use, as survfit (unused levels are no states)
    lev <- if (is.factor(ist)) levels(droplevels(ist)) else sort(unique(ist))
    states <- c(setdiff(lev, causes), causes)
  } else {
    states <- c("(s0)", causes)
  }
  to <- c(NA_integer_, match(causes, states))[input$status + 1L]
  entry <- if (is.null(input$entry)) rep(-Inf, n) else input$entry
  o <- order(input$cluster, entry)
  ido <- id[o]
  first <- !duplicated(ido)
  lab <- function(rows) format_rows(input$row_label(rows))
  # overlaps and gaps between a subject's consecutive rows
  prev_stop <- c(NA, input$time[o][-n])
  later <- !first
  if (any(later)) {
    ov <- later & entry[o] < prev_stop
    if (any(ov)) {
      abort("Subject(s) ", paste(utils::head(unique(ido[ov]), 6L), collapse = ", "),
            " (`id`) have overlapping rows (", lab(o[ov]), "): a subject is in one state ",
            "at a time.")
    }
    gap <- later & entry[o] > prev_stop
    if (any(gap)) {
      abort("Subject(s) ", paste(utils::head(unique(ido[gap]), 6L), collapse = ", "),
            " (`id`) have a gap between rows (", lab(o[gap]), "): the state during the gap ",
            "is unknown. Add a row for it.")
    }
  }
  # the state reached before each row: the last transition on earlier rows
  # of the subject, else the initial state
  init <- if (is.null(ist)) rep(1L, n) else if (is.factor(ist))
    match(levels(ist), states)[as.integer(ist)] else match(ist, states)
  init_o <- init[o]
  first_pos <- cummax(seq_len(n) * first)
  to_o <- to[o]
  last_tr <- cummax(seq_len(n) * !is.na(to_o))
  prev <- c(0L, last_tr[-n])
  has_prev <- prev >= first_pos & prev > 0L
  derived <- init_o[first_pos]
  derived[has_prev] <- to_o[prev[has_prev]]
  if (!is.null(ist)) {
    bad <- !first & init_o != derived
    if (any(bad)) {
      abort("`istate` contradicts the subject's previous row for subject(s) ",
            paste(utils::head(unique(ido[bad]), 6L), collapse = ", "), " (", lab(o[bad]),
            "): a row starts in the state the previous transition entered.")
    }
  }
  from <- integer(n)
  from[o] <- derived
  self <- !is.na(to) & to == from
  if (any(self)) {
    abort("A transition from a state to itself at ", lab(which(self)), " (`id` ",
          paste(utils::head(unique(id[self]), 6L), collapse = ", "),
          "): the state after `tstop` must differ from the state during the row.")
  }
  continued <- logical(n)
  continued[o] <- c(!first[-1L], FALSE)
  list(states = states, from = from, to = to, continued = continued,
       initial = init_o[first])
}

# t0, p0 (per curve) and the weighted influence of p0 (per row), as survfit
# (survival >= 3.6, survfitAJ()).
ms_start <- function(input, ms, sc, nst, w) {
  n <- length(input$time)
  ns <- length(ms$states)
  wt <- if (is.null(w)) rep(1, n) else w
  entry <- input$entry
  same <- all(ms$initial == ms$initial[1L])
  if (is.null(entry)) {
    t0 <- min(c(0, input$time))
  } else if (same) {
    t0 <- min(entry)
  } else if (length(unique(input$id)) == 1L) {
    t0 <- min(entry)
  } else {
    # survfit (3.6 to 3.8-12 at least) means to start at a common entry
    # time, but its test compares named values with unnamed ones and so
    # always starts curves with mixed initial states at the first transition
    t0 <- min(input$time[input$status > 0L])
  }
  p0 <- matrix(0, nst, ns)
  u0 <- NULL
  if (same) {
    p0[, ms$initial[1L]] <- 1
  } else {
    atrisk <- if (is.null(entry)) rep(TRUE, n) else
      if (t0 == min(entry)) entry <= t0 & input$time >= t0 else entry < t0 & input$time >= t0
    u0 <- matrix(0, n, ns)
    for (s in seq_len(nst)) {
      r <- atrisk & sc == s
      if (!any(r)) {
        abort("No one is at risk at the start time (", format(t0), ")",
              if (nst > 1L) paste0(" of curve ", levels(input$strata)[s]),
              "; every curve needs subjects at risk where it starts.")
      }
      tot <- sum(wt[r])
      if (!(tot > 0)) {
        abort("The subjects at risk at the start time (", format(t0), ")",
              if (nst > 1L) paste0(" of curve ", levels(input$strata)[s]),
              " all have weight 0: their initial distribution is undefined.")
      }
      p0[s, ] <- vapply(seq_len(ns), function(j) sum(wt[r & ms$from == j]), 0) / tot
      if (all(p0[s, ] < 1)) {
        for (j in seq_len(ns)) u0[r, j] <- wt[r] * ((ms$from[r] == j) - p0[s, j]) / tot
      }
    }
  }
  list(t0 = rep(t0, nst), p0 = p0, u0 = u0, same = same)
}

# survfit's multi-state components in the installed survival's layout.
new_multistate <- function(res, input, ms, start, trans, variance, method, conf.level, call) {
  strata <- input$strata
  states <- ms$states
  ns <- length(states)
  nr <- length(res$time)
  lay <- survfitms_layout()
  tr_names <- paste(trans[, 1L], trans[, 2L], sep = lay$sep)
  weighted <- !is.null(input$weights)
  cumhaz <- res$cumhaz
  colnames(cumhaz) <- tr_names
  nst <- if (is.null(strata)) 1L else nlevels(strata)
  p0 <- start$p0
  sd0 <- if (is.null(start$u0)) matrix(0, nst, ns) else
    do.call(rbind, lapply(seq_len(nst), function(s) {
      u <- start$u0[if (is.null(strata)) TRUE else as.integer(strata) == s, , drop = FALSE]
      cl <- input$id[if (is.null(strata)) TRUE else as.integer(strata) == s]
      sqrt(colSums(rowsum(u, match(cl, unique(cl)))^2))
    }))
  if (is.null(strata)) {
    # survfit: a named vector when every subject starts in one state (3.6
    # and later), else (and before 3.6) a one-dimensional array
    p0 <- if (lay$current && start$same) stats::setNames(p0[1L, ], states) else
      array(p0[1L, ], dim = ns, dimnames = list(states))
    sp0 <- sd0[1L, ]
  } else {
    dimnames(p0) <- list(levels(strata), states)
    sp0 <- sd0
  }
  pstate <- res$pstate
  std.err <- res$std.err
  # a variance that could not be computed is NA (with a warning below)
  n_nan <- sum(is.nan(std.err)) + sum(is.nan(res$std.chaz)) + sum(is.nan(res$std.auc))
  std.err[is.nan(std.err)] <- NA_real_
  if (!is.null(res$std.chaz)) {
    res$std.chaz[is.nan(res$std.chaz)] <- NA_real_
    res$std.auc[is.nan(res$std.auc)] <- NA_real_
  }
  if (!lay$current) {
    fit <- list(n = res$n, time = res$time, n.risk = res$n.risk.u, n.event = res$n.event.u,
                n.censor = rowSums(res$n.censor.u), pstate = pstate, p0 = p0)
    if (!is.null(strata)) fit$strata <- stats::setNames(res$rows, levels(strata))
    if (is.null(strata)) fit$cumhaz <- cumhaz  # (survfit < 3.6 puts it here without strata,
    fit$std.err <- std.err                     #  after logse with them)
    fit$sp0 <- sp0
    fit$logse <- FALSE
    if (!is.null(strata)) fit$cumhaz <- cumhaz
  } else {
    n.risk <- res$n.risk
    n.event <- res$n.event
    n.censor <- res$n.censor
    n.transition <- res$n.transition
    colnames(n.risk) <- colnames(n.event) <- colnames(n.censor) <- colnames(pstate) <- states
    colnames(n.transition) <- tr_names
    fit <- list(n = res$n, time = res$time, n.risk = n.risk, n.event = n.event,
                n.censor = n.censor, pstate = pstate, n.transition = n.transition,
                n.id = ms_n_id(input), cumhaz = cumhaz)
    if (weighted && !isTRUE(all.equal(input$weights, rep(1, length(input$weights))))) {
      counts <- cbind(res$n.risk.u, res$n.transition.u, res$n.censor.u)
      colnames(counts) <- c(paste0("nrisk:", seq_len(ns)),
                            if (length(tr_names)) paste0("nevent:", tr_names),
                            paste0("ncensor:", seq_len(ns)))
      fit$counts <- counts
    }
    fit$p0 <- p0
    if (!is.null(strata)) fit$strata <- stats::setNames(res$rows, levels(strata))
    fit$std.err <- std.err
    if (!is.null(res$std.chaz)) {
      fit$std.chaz <- res$std.chaz
      fit$std.auc <- res$std.auc
    }
    fit$logse <- FALSE
    # survfit: the standard errors of an estimated p0, of the curves whose
    # p0 was estimated, when the first one's was
    est <- !start$same & apply(start$p0, 1L, function(x) all(x < 1))
    if (est[1L]) fit$se0 <- as.vector(t(sd0[est, , drop = FALSE]))
  }
  fit$transitions <- ms_transitions(input, ms)
  if (n_nan > 0L) {
    warning("multistate(): a standard error (of the state probabilities, hazards or time in ",
            "state) could not be computed at ", n_nan, " cell(s); they are NA.", call. = FALSE)
  }
  if (!is.null(method)) {
    ci <- method$cif(pstate, std.err, conf.level, fit, input)
    fit$lower <- matrix(ci$lower, nr, ns)
    fit$upper <- matrix(ci$upper, nr, ns)
    if (lay$current) colnames(fit$lower) <- colnames(fit$upper) <- states
  }
  fit$conf.type <- if (is.null(method)) "none" else method$name
  fit$conf.int <- conf.level
  fit$states <- states
  fit$type <- if (is.null(input$entry)) "mright" else "mcounting"
  if (lay$current) fit$t0 <- start$t0[1L]
  if (!is.null(input$na.action)) fit$na.action <- input$na.action
  fit$call <- call
  fit$ci <- ci_info(method, conf.level, variance, variance)
  attr(fit, "unit") <- input$unit
  attr(fit, "n.subjects") <- ms_n_id(input)  # (survfit < 3.6 has no n.id)
  class(fit) <- c("smallsurv_ms", "survfitms", "survfit")
  fit
}

ms_n_id <- function(input) {
  if (is.null(input$strata)) return(length(unique(input$id)))
  as.vector(tapply(input$id, input$strata, function(x) length(unique(x))), "integer")
}

# Transitions from state j (rows) to state k (columns), ns x ns.
ms_transition_counts <- function(ms, ev, ns) {
  matrix(tabulate((ms$to[ev] - 1L) * ns + ms$from[ev], ns * ns), ns, ns)
}

# survfit's table of observed transitions: from each state to each state
# entered and to censoring (a subject counts as censored once, at its last
# row when that row has no transition); states never occupied nor entered
# are left out.
ms_transitions <- function(input, ms) {
  states <- ms$states
  ns <- length(states)
  ev <- input$status > 0L
  last <- !ms$continued
  tab <- ms_transition_counts(ms, ev, ns)
  cens <- tabulate(ms$from[!ev & last], ns)
  used_from <- tabulate(ms$from, ns) > 0L | tabulate(ms$to[ev], ns) > 0L
  used_to <- tabulate(ms$to[ev], ns) > 0L
  lab <- input$censor_label
  cens_col <- if (survfitms_layout()$censor_label && !is.null(lab)) {
    if (grepl("^\\(.*\\)$", lab)) lab else paste0("(", lab, ")")
  } else {
    "(censored)"
  }
  # (as survfit: no censoring column when nobody is censored)
  keep_cens <- sum(cens) > 0
  counts <- cbind(tab[used_from, used_to, drop = FALSE], if (keep_cens) cens[used_from])
  storage.mode(counts) <- "integer"
  as.table(array(counts, dim = dim(counts),
                 dimnames = list(from = states[used_from],
                                 to = c(states[used_to], if (keep_cens) cens_col))))
}

