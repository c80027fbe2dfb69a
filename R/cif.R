#' Cumulative incidence of competing events (Aalen-Johansen)
#'
#' Estimates the cumulative incidence function (CIF) of every competing
#' cause at once, and the probability of being still event-free, with the
#' Aalen-Johansen estimator, in a C++ engine. The result is a multi-state
#' `survfit` object (class `c("smallsurv_cif", "survfitms", "survfit")`)
#' with the components of `survival::survfit(Surv(time, factor_event) ~ x)`,
#' so `summary(fit, times = )`, `[`, broom's `tidy()` and the packages built
#' on survfit work on it; smallsurv adds a `print()` header naming the
#' variance and interval, [at_times()] and a `plot()` with the numbers at
#' risk.
#'
#' @section Conventions:
#' * **Status.** `Surv(time, event)` with `event` a factor whose *first
#'   level is censoring* (survival's convention), e.g. levels
#'   `censored, relapse, death`; or numeric (or character) codes with an
#'   explicit `cencode` (cmprsk's convention; there is no default, because
#'   a censoring code silently taken as a cause is a classic error). Every
#'   other level is a cause, in level order, including levels that never
#'   occur (their incidence is 0).
#' * **Estimate.** With \eqn{n_j} at risk, \eqn{d_{kj}} events of cause
#'   \eqn{k} and \eqn{d_j} of any cause at the distinct times \eqn{t_j},
#'   \eqn{S(t) = \prod_{t_j \le t} (1 - d_j/n_j)} (all-cause event-free
#'   probability, the state `"(s0)"`) and
#'   \eqn{F_k(t) = \sum_{t_j \le t} S(t_{j-1}) d_{kj}/n_j}. Rows, ties
#'   (events before censorings), near-tied times (`timefix`), weights
#'   (weighted counts) and delayed entry (`start < t <= stop`) follow
#'   survfit, as in [km()].
#' * **Variance** of \eqn{F_k} (`std.err` is on the probability scale):
#'   - `"delta"` (default): the delta method of Dinse & Larson (1986, eq. 6)
#'     = Marubini & Valsecchi (1995) = SAS `ERROR=DELTA`, which equals the
#'     Greenwood-type estimator (Allignol et al. 2010; etm) and, for
#'     unweighted right-censored data, survfit's infinitesimal jackknife.
#'     Recommended for small samples (Braun & Yuan 2007). With delayed entry
#'     it is the Greenwood-type estimator on the truncated risk sets (etm).
#'     Integer weights are frequencies (the fit equals that of the data with
#'     rows repeated); with non-integer weights `"delta"` is replaced by
#'     `"ij"`, the variance survfit uses for weighted multi-state fits.
#'   - `"ij"`: the infinitesimal jackknife, survfit's multi-state variance,
#'     for case weights, delayed entry and clusters (`id`).
#'   - `"gray"`: `cmprsk::cuminc()`'s estimator, including its convention
#'     that the variance of a cause changes only at that cause's event
#'     times. Right-censored data with integer weights only.
#'   - `"aalen"`: Aalen (1978), Pintilie (2006, eq. 4.5), SAS
#'     `ERROR=AALEN`; equals `"gray"` at the cause's event times unless
#'     causes tie. Right-censored data with integer weights only.
#'
#'   The event-free probability always gets the Kaplan-Meier variance
#'   (Greenwood; the IJ with `variance = "ij"`).
#' * **Intervals** ([ci_methods()]) are computed from `std.err` for every
#'   state. The default `"log-log"` transforms the incidence itself,
#'   \eqn{\exp(-\exp(\log(-\log F) \mp z\,se/(F \log F)))} (tidycmprsk,
#'   Pintilie 2006, SAS; also survfit's `"log-log"`); survfit's default is
#'   `"log"`, etm's is `"cloglog"` (\eqn{\log(-\log(1-F))}). Each equals
#'   the package that defines it. Before the first event of a cause
#'   (\eqn{F = 0}) the limits are `NA` except for `"plain"` (0, 0). Where
#'   \eqn{F = 1} (every subject failed of that cause) the delta and IJ
#'   variances are exactly 0 (Aalen's and Gray's are not 0 there by their
#'   formulas); survfit's is a rounding residue (~1e-17) there, which its
#'   `"logit"` and `"arcsin"` intervals turn into limits such as (0, 1),
#'   where smallsurv gives `NA`.
#' * **`n.risk`** is the number still event-free and at risk; `n.event`
#'   has one column per state (transitions into it), as survfit. As in
#'   survfit's multi-state fits these counts are unweighted even when the
#'   estimates are weighted.
#' * Small-sample intervals: `"wilson-neff"` and `"cp-neff"` (Wilson and
#'   Clopper-Pearson with the effective sample size \eqn{F(1-F)/Var}), and
#'   `"bootstrap"`, percentile intervals from `reps` resamples of the
#'   subjects (of the clusters with `id`) within each stratum, seeded by
#'   `seed` (see [ci_methods()]).
#'
#' @param formula `Surv(time, event) ~ 1`, `Surv(time, event) ~ x1 + x2`
#'   (one set of curves per combination), or `Surv(start, stop, event) ~ ...`
#'   for delayed entry.
#' @param data A data frame.
#' @param weights Optional case weights (a column of `data`).
#' @param subset Optional expression selecting rows of `data`.
#' @param na.action Function for missing values (default
#'   `getOption("na.action")`).
#' @param id Optional subject identifier (a column of `data`) when a
#'   subject has several rows (counting-process data): the `"ij"` variance
#'   then sums the influence of each subject's rows, as survfit.
#' @param variance `"delta"`, `"ij"`, `"gray"` or `"aalen"` (see
#'   Conventions).
#' @param conf.type Interval method: one of `ci_methods()$conf.type` with
#'   `cif = TRUE`, or `"none"`.
#' @param conf.level Confidence level, strictly between 0 and 1.
#' @param cencode The censoring code when the status is numeric or
#'   character (required then), or a level of a factor status to use
#'   instead of its first level.
#' @param timefix Merge near-tied times as survfit does (default `TRUE`).
#' @param ... Arguments of the interval method: `reps` (default 2000) and
#'   `seed` (default `NULL`: drawn from R's generator) for
#'   `conf.type = "bootstrap"`. Any other argument is an error.
#' @return An object of class `c("smallsurv_cif", "survfitms", "survfit")`
#'   with survfit's multi-state components in the layout of the installed
#'   survival, whose methods read them, `na.action` when rows were
#'   removed, and `ci`, a list naming the interval (`conf.type`, `label`,
#'   `reference`, `conf.level`; for the bootstrap also `reps` and `seed`)
#'   and the variance. The layouts:
#'   * survival before 3.6: `n`, `time`, `n.risk`, `n.event`, `n.censor`
#'     (a vector), `pstate`, `p0`, `strata`, `cumhaz` (columns `"1.2"`, ...),
#'     `std.err`, `sp0`, `logse`, `transitions`, `lower`, `upper`,
#'     `conf.type`, `conf.int`, `states`, `type`, `call`; counts of a
#'     weighted fit are unweighted.
#'   * survival 3.6 and later: the counts and probabilities carry the states
#'     as column names, `n.censor` is a matrix (one column per state),
#'     `n.transition` (one column per observed transition), `n.id`, `t0`
#'     and, for weighted fits, weighted counts with the unweighted ones in
#'     `counts`; no `sp0`; transitions are labelled `"1:2"` from 3.7-2. A
#'     time at which a subject's next row (same `id`) starts is no
#'     censoring and no row of the fit. `std.chaz` and `std.auc` hold the
#'     infinitesimal-jackknife standard errors of the cumulative hazards
#'     and of the time spent in each state up to each time (survival's,
#'     whatever `variance` is; `summary()` reports the latter as
#'     `se(rmean)`).
#'
#'   The confidence limits where the standard error is 0 follow the option
#'   `smallsurv.limits_at_zero_se` (see [smallsurv-package]).
#' @references
#' Aalen OO, Johansen S (1978). An empirical transition matrix for
#' non-homogeneous Markov chains based on censored observations. *Scand J
#' Stat* 5:141-150.
#'
#' Dinse GE, Larson MG (1986). A note on semi-Markov models for partially
#' censored data. *Biometrika* 73:379-386. \doi{10.1093/biomet/73.2.379}
#'
#' Gray RJ (1988). A class of K-sample tests for comparing the cumulative
#' incidence of a competing risk. *Ann Stat* 16:1141-1154.
#' \doi{10.1214/aos/1176350951}
#'
#' Allignol A, Schumacher M, Beyersmann J (2010). A note on variance
#' estimation of the Aalen-Johansen estimator of the cumulative incidence
#' function in competing risks, with a view towards left-truncated data.
#' *Biom J* 52:126-137. \doi{10.1002/bimj.200900039}
#'
#' Pintilie M (2006). *Competing Risks: A Practical Perspective*. Wiley.
#'
#' Beyersmann J, Allignol A, Schumacher M (2012). *Competing Risks and
#' Multistate Models with R*. Springer.
#' @family competing risks
#' @examples
#' d <- rrall
#' first <- pmin(d$relapse_date, d$hsct_date, d$cart_date, d$death_date, na.rm = TRUE)
#' ev <- ifelse(is.na(first), "censored",
#'        ifelse(first == d$relapse_date & !is.na(d$relapse_date), "relapse",
#'        ifelse(first == d$hsct_date & !is.na(d$hsct_date), "HSCT",
#'        ifelse(first == d$cart_date & !is.na(d$cart_date), "CAR-T", "death"))))
#' d$event <- factor(ev, c("censored", "relapse", "HSCT", "CAR-T", "death"))
#' end <- d$last_contact
#' end[!is.na(first)] <- first[!is.na(first)]
#' d$time <- as.numeric(end - d$enrolled) / 30.4375
#' fit <- cif(survival::Surv(time, event) ~ 1, data = d)
#' fit
#' at_times(fit, c(3, 6))
#' summary(fit, times = 6)   # survival's own method works unchanged
#' @export
cif <- function(formula, data, weights, subset, na.action, id, variance = "delta",
                conf.type = "log-log", conf.level = 0.95, cencode = NULL, timefix = TRUE,
                ...) {
  mcall <- match.call()
  if (!is.character(variance) || length(variance) != 1L ||
      !variance %in% c("delta", "ij", "gray", "aalen")) {
    abort("`variance` must be one of \"delta\", \"ij\", \"gray\", \"aalen\"; got ",
          deparse1(variance), ".")
  }
  method <- ci_method(conf.type, verb = "cif")
  check_dots(match.call(expand.dots = FALSE)$..., "cif", method)
  check_conf_level(conf.level)
  check_flag(timefix, "timefix")
  input <- surv_input(mcall, parent.frame(), multi = TRUE, cencode = cencode)
  if (!is.null(method)) check_ci_applicable(method, input)
  cif_impl(input, variance, method, conf.level, timefix = timefix, call = mcall, ...)
}

# The only place that calls the C++ Aalen-Johansen kernel.
cif_impl <- function(input, variance, method, conf.level, timefix = TRUE, call = NULL, ...) {
  w <- input$weights
  frac_w <- !is.null(w) && any(w != floor(w))
  if (variance %in% c("gray", "aalen")) {
    if (!is.null(input$entry)) {
      abort("`variance = \"", variance, "\"` is defined for right-censored data only; ",
            "with delayed entry use \"delta\" (Greenwood type) or \"ij\".")
    }
    if (frac_w) {
      abort("`variance = \"", variance, "\"` needs integer (frequency) weights; ",
            "use \"ij\" with non-integer weights.")
    }
  }
  used <- if (variance == "delta" && frac_w) "ij" else variance
  strata <- input$strata
  input$timefix <- timefix  # for interval methods that refit (bootstrap)
  cluster <- NULL
  if (!is.null(input$id)) cluster <- match(input$id, unique(input$id))
  lay <- survfitms_layout()
  res <- cif_fit_cpp(input$time, input$status, length(input$causes), input$entry, w,
                     if (is.null(strata)) NULL else as.integer(strata),
                     if (is.null(strata)) 1L else nlevels(strata),
                     cluster, if (is.null(cluster)) 0L else max(cluster), timefix, used,
                     states = c("(s0)", input$causes), current = lay$current, sep = lay$sep)
  if (res$nan > 0L) {  # (set to NA by cif_fit_cpp)
    warning("cif(): the ", used, " variance could not be computed at ", res$nan,
            " time(s) (first at t = ", format(res$nan_time),
            "); their standard errors and intervals are NA.", call. = FALSE)
  }
  new_cif(res, input, used, variance, method, conf.level, call, ...)
}

# Constructor: survfit's multi-state components, in survfit's order and
# layout (survfitms_layout()), plus `ci`.
new_cif <- function(res, input, used, requested, method, conf.level, call, ...) {
  # the large components come from cif_fit_cpp() in their final shapes
  strata <- input$strata
  states <- c("(s0)", input$causes)
  ns <- length(states)
  nr <- length(res$time)
  lay <- survfitms_layout()
  nst <- if (is.null(strata)) 1L else nlevels(strata)
  if (is.null(strata)) {
    p0 <- if (lay$current) stats::setNames(c(1, rep(0, ns - 1L)), states)
          else array(c(1, rep(0, ns - 1L)), dim = ns, dimnames = list(states))
    sp0 <- rep(0, ns)
  } else {
    p0 <- matrix(rep(c(1, rep(0, ns - 1L)), each = nst), nst, ns,
                 dimnames = list(levels(strata), states))
    sp0 <- matrix(0, nst, ns)
  }
  pstate <- res$pstate
  std.err <- res$std.err
  if (!lay$current) {
    fit <- list(n = res$n, time = res$time, n.risk = res$n.risk, n.event = res$n.event,
                n.censor = res$n.censor, pstate = pstate, p0 = p0)
    if (!is.null(strata)) fit$strata <- stats::setNames(res$rows, levels(strata))
    fit$cumhaz <- res$cumhaz
    fit$std.err <- std.err
    fit$sp0 <- sp0
  } else {
    # survival >= 3.6: counts per state with the states as column names,
    # censorings per state (all from "(s0)" here), the transitions' counts,
    # the number of subjects per curve, weighted counts (unweighted ones in
    # `counts`)
    fit <- list(n = res$n, time = res$time, n.risk = res$n.risk, n.event = res$n.event,
                n.censor = res$n.censor, pstate = pstate, n.transition = res$n.transition,
                n.id = cif_n_id(input), cumhaz = res$cumhaz)
    fit$counts <- res$counts
    fit$p0 <- p0
    if (!is.null(strata)) fit$strata <- stats::setNames(res$rows, levels(strata))
    fit$std.err <- std.err
    fit$std.chaz <- res$std.chaz
    fit$std.auc <- res$std.auc
  }
  fit$logse <- FALSE
  fit$transitions <- cif_transitions(input, states)
  ci <- NULL
  if (!is.null(method)) {
    ci <- method$cif(pstate, std.err, conf.level, fit, input, ...)
    fit$lower <- ci$lower
    fit$upper <- ci$upper
    if (lay$current) {  # survfit >= 3.6: matrices with the states as column names
      shaped <- function(x) {
        if (identical(dim(x), c(nr, ns)) && identical(dimnames(x), list(NULL, states))) x
        else matrix(x, nr, ns, dimnames = list(NULL, states))
      }
      fit$lower <- shaped(fit$lower)
      fit$upper <- shaped(fit$upper)
    }
  }
  fit$conf.type <- if (is.null(method)) "none" else method$name
  fit$conf.int <- conf.level
  fit$states <- states
  fit$type <- if (is.null(input$entry)) "mright" else "mcounting"
  if (lay$current) {
    fit$t0 <- if (is.null(input$entry)) min(c(0, input$time)) else min(input$entry)
  }
  if (lay$current && !is.null(input$id) && !is.null(input$entry)) {
    fit <- cif_drop_continuations(fit, input)
  }
  if (!is.null(input$na.action)) fit$na.action <- input$na.action
  fit$call <- call
  fit$ci <- ci_info(method, conf.level, used, requested)
  if (!is.null(ci$info)) fit$ci <- c(fit$ci, ci$info)
  attr(fit, "unit") <- input$unit  # for axis labels (time_label())
  class(fit) <- c("smallsurv_cif", "survfitms", "survfit")
  fit
}

# The layout of survfit's multi-state objects changed in survival 3.6-1
# (counts per state with column names, n.censor per state, n.transition,
# n.id, t0, unweighted `counts`; sp0 dropped) and its transition labels in
# 3.7-2 ("1.2" became "1:2"); from 3.8-12 the censoring column of the
# transitions table is named after the censoring level ("(cens)", "(0)")
# instead of "(censored)". cif() fits take the layout of the installed
# survival, whose methods read them. Cached per session.
survfitms_layout <- function() {
  if (is.null(.smallsurv_cache$survfitms_layout)) {
    v <- utils::packageVersion("survival")
    .smallsurv_cache$survfitms_layout <- list(current = v >= "3.6-1",
                                             sep = if (v >= "3.7-2") ":" else ".",
                                             censor_label = v >= "3.8-12")
  }
  .smallsurv_cache$survfitms_layout
}

# Subjects per curve (survfit's n.id): distinct ids, or rows without `id`.
cif_n_id <- function(input) {
  id <- if (is.null(input$id)) seq_along(input$time) else input$id
  if (is.null(input$strata)) return(length(unique(id)))
  as.vector(tapply(id, input$strata, function(x) length(unique(x))), "integer")
}

# survival >= 3.6 (settled in 3.8-12): where a subject's row ends at t and
# its next row starts at t, t is no censoring, and a time with no event and
# no real censoring is no row of the fit. Those censorings are taken out of
# n.censor (and `counts`), and rows left with nothing are dropped (the
# estimates do not change at them).
cif_drop_continuations <- function(fit, input) {
  id <- input$id
  g <- if (is.null(input$strata)) rep(1L, length(id)) else as.integer(input$strata)
  # a continuation is within the same curve: a subject who moves to another
  # stratum is censored in the first (as survfit counts it)
  key_end <- paste(id, g, input$time, sep = "\r")
  key_start <- paste(id, g, input$entry, sep = "\r")
  cont <- input$status == 0L & key_end %in% key_start
  if (!any(cont)) return(fit)
  st <- fit_strata(fit)
  w <- if (is.null(input$weights)) rep(1, length(id)) else input$weights
  # each continuation's (timefixed) row: the nearest time of its stratum
  ci <- which(cont)
  r <- integer(length(ci))
  for (k in unique(g[ci])) {
    rows <- seq.int(st$from[k], st$to[k])
    tt <- fit$time[rows]
    sel <- ci[g[ci] == k]
    j <- findInterval(input$time[sel], tt, all.inside = TRUE)
    j <- ifelse(abs(tt[pmin(j + 1L, length(tt))] - input$time[sel]) < abs(tt[j] - input$time[sel]),
                pmin(j + 1L, length(tt)), j)
    r[g[ci] == k] <- rows[j]
  }
  drop_w <- tapply(w[ci], factor(r, levels = seq_along(fit$time)), sum)
  drop_w[is.na(drop_w)] <- 0
  fit$n.censor[, 1L] <- fit$n.censor[, 1L] - as.vector(drop_w)
  if (!is.null(fit$counts)) {
    fit$counts[, "ncensor:1"] <- fit$counts[, "ncensor:1"] - tabulate(r, length(fit$time))
  }
  uncens <- if (is.null(fit$counts)) fit$n.censor[, 1L] else fit$counts[, "ncensor:1"]
  fit$n.censor[abs(fit$n.censor) < 1e-12] <- 0
  keep <- rowSums(fit$n.event) > 0 | uncens > 0
  if (all(keep)) return(fit)
  for (k in c("n.risk", "n.event", "n.censor", "pstate", "n.transition", "cumhaz", "counts",
              "std.err", "std.chaz", "std.auc", "lower", "upper")) {
    if (!is.null(fit[[k]])) fit[[k]] <- fit[[k]][keep, , drop = FALSE]
  }
  fit$time <- fit$time[keep]
  if (!is.null(fit$strata)) {
    fit$strata[] <- vapply(seq_along(st$from), function(k)
      sum(keep[seq.int(st$from[k], st$to[k])]), integer(1))
  }
  fit
}

# survfit's table of observed transitions: from "(s0)" to each cause that
# occurs and to "(censored)" (with `id`, a subject counts as censored once,
# at its last row).
cif_transitions <- function(input, states) {
  st <- input$status
  if (!is.null(input$id)) {
    last <- !duplicated(input$id, fromLast = TRUE)
    cens <- sum(st == 0L & last)
  } else {
    cens <- sum(st == 0L)
  }
  k <- length(states) - 1L
  nk <- tabulate(st[st > 0L], k)
  used <- c(TRUE, nk > 0L)  # as survfit, states never entered are left out
  counts <- matrix(0L, sum(used), sum(used))
  counts[1L, ] <- c(nk[nk > 0L], cens)
  lab <- input$censor_label
  cens_col <- if (survfitms_layout()$censor_label && !is.null(lab)) {
    if (startsWith(lab, "(") && endsWith(lab, ")")) lab else paste0("(", lab, ")")
  } else {
    "(censored)"
  }
  # (what as.table(array(...)) gives, without its ~30 us of dispatch)
  structure(counts, dimnames = list(from = states[used], to = c(states[-1L][nk > 0L], cens_col)),
            class = "table")
}
