# Time-dependent exposures (transplant, CAR-T after response): the
# Mantel-Byar test, Simon-Makuch curves and landmark analyses. The first
# two read counting-process data, one row per subject and exposure period;
# all three avoid the immortal-time bias of comparing "ever exposed" with
# "never exposed" as fixed groups.

#' Time-dependent exposures: Mantel-Byar test and Simon-Makuch curves
#'
#' In a trial where responders may go on to a stem-cell transplant (HSCT)
#' or CAR-T, comparing "ever transplanted" with "never transplanted" as
#' fixed groups is biased in favour of the transplanted: a child must
#' survive, event-free, until the transplant to be counted in that group
#' (*immortal time*). The accepted answers treat the exposure as
#' time-dependent: each patient is counted as unexposed until the exposure
#' and as exposed from then on.
#'
#' * `mantel_byar_test()` (Mantel & Byar 1974) is the log-rank test with a
#'   time-dependent binary exposure: at each event time the observed and
#'   expected numbers of events are taken over the current risk sets of the
#'   unexposed and the exposed, with the hypergeometric variance, exactly as
#'   [logrank_test()] computes them for delayed entry. Without tied event
#'   times it equals the score test of
#'   `survival::coxph(Surv(tstart, tstop, status) ~ exposure)`; with ties it
#'   equals the score test of the exact (discrete) partial likelihood,
#'   `coxph(..., ties = "exact")`, whose variance is the hypergeometric one
#'   (Breslow's and Efron's approximations differ from it).
#' * `simon_makuch()` (Simon & Makuch 1984) estimates survival curves by
#'   *current* exposure: the Kaplan-Meier estimate on the counting-process
#'   data, in which a patient leaves the unexposed risk set at exposure and
#'   enters the exposed one (delayed entry). It is `km()` on those rows
#'   (equal to `survival::survfit()` on them); the risk table of `plot()`
#'   and `autoplot()` shows, per state, the numbers at risk at each time
#'   (rows with entry < t <= stop, so the exposed curve has none at risk
#'   before the first exposure; `summary()` and [at_times()] count, as
#'   survival's `summary()` does, those at risk at the curve's next observed
#'   time), the events, the patients who switched (left the unexposed
#'   curve, entered the exposed one) and the censored.
#'   The exposed curve starts at the first exposure, so it estimates the
#'   survival of a patient exposed early; read it as a description, not as
#'   the survival of a typical transplanted patient.
#'
#' @section Data:
#' One row per patient and exposure period, as `survival::tmerge()` makes
#' them: `Surv(tstart, tstop, status) ~ exposure`, with `id` naming the
#' patient. `exposure` is logical, 0/1, or a factor with two levels (the
#' first is "unexposed"). Each patient's rows must not overlap, the status
#' may be 1 only on the patient's last row (the first event ends follow-up)
#' and the exposure must not return from exposed to unexposed (it is
#' absorbing: once transplanted, always transplanted). Violations are
#' errors naming the patients.
#'
#' @section Small samples:
#' The exposure is not exchangeable between patients (a patient's exposure
#' depends on surviving until it), so no permutation or exact version of
#' the Mantel-Byar test is valid: the p-value is the asymptotic
#' chi-square's, and with fewer than 10 events it is flagged as unreliable.
#'
#' @param formula `Surv(tstart, tstop, status) ~ exposure`.
#' @param data A data frame of counting-process rows.
#' @param id The patient identifier: a column of `data` (bare name).
#' @param subset,na.action As in [km()].
#' @param timefix Merge nearly tied times as survival does (default `TRUE`).
#' @param conf.type,conf.level For `simon_makuch()`: the pointwise interval
#'   and its level, as in [km()].
#' @param ... For `simon_makuch()`: arguments of the interval method (as in
#'   [km()]).
#' @return `mantel_byar_test()`: an object of class
#'   `c("smallsurv_mantel_byar", "smallsurv_logrank")`, the fields of
#'   [logrank_test()] (with `n` the number of patients ever in each state,
#'   `p.value` the asymptotic one and the permutation test marked as not
#'   valid) plus `n.patients` and `n.switched` (patients who moved from
#'   unexposed to exposed). `simon_makuch()`: a [km()] fit of class
#'   `c("smallsurv_simon_makuch", "smallsurv_km", "survfit")`, with
#'   `switches` (the times at which patients moved) and `n.patients`;
#'   `plot()`, `autoplot()`, `at_times()`, `summary()` and `tidy()` work as
#'   for any km fit.
#' @references
#' Mantel N, Byar DP (1974). Evaluation of response-time data involving
#' transient states: an illustration using heart-transplant data. *JASA*
#' 69:81-86. \doi{10.1080/01621459.1974.10480131}
#'
#' Simon R, Makuch RW (1984). A non-parametric graphical representation of
#' the relationship between survival and the occurrence of an event:
#' application to responder versus non-responder bias. *Stat Med*
#' 3:35-44. \doi{10.1002/sim.4780030106}
#'
#' Anderson JR, Cain KC, Gelber RD (1983). Analysis of survival by tumor
#' response. *J Clin Oncol* 1:710-719. \doi{10.1200/JCO.1983.1.11.710}
#' @family time-dependent exposures
#' @examples
#' # Stanford heart-transplant data: transplant as the time-dependent exposure
#' jasa1 <- survival::jasa1
#' mantel_byar_test(Surv(start, stop, event) ~ transplant, data = jasa1, id = id)
#' sm <- simon_makuch(Surv(start, stop, event) ~ transplant, data = jasa1, id = id)
#' sm
#' plot(sm, times = seq(0, 1800, 300))
#' @export
mantel_byar_test <- function(formula, data, id, subset, na.action, timefix = TRUE) {
  mcall <- match.call()
  env <- parent.frame()
  check_flag(timefix, "timefix")
  ex <- exposure_input(mcall, env, "mantel_byar_test")
  if (any(ex$n_state == 0)) {
    abort("`formula`: every row is in one exposure state (", names(ex$n_state)[ex$n_state > 0],
          "); the Mantel-Byar test compares the time spent unexposed with the time spent ",
          "exposed.")
  }
  out <- logrank_impl(ex$input, ex$group, NULL, 0, 0, "none", 1, NULL, FALSE, NULL, timefix,
                      mcall)
  # patients, not rows: a patient who switched counts in both states
  out$n <- ex$n_state
  out$n.patients <- ex$n_patients
  out$n.switched <- length(ex$switches)
  out$n.total <- ex$n_patients
  out$method <- "Mantel-Byar test (log-rank with a time-dependent exposure)"
  out$permutation$reason <- paste0("not valid: the exposure depends on surviving until it, so ",
                                   "it is not exchangeable between patients")
  out$permutation$description <- "not valid"
  out$permutation$statistic <- out$permutation$p.value.asymptotic <- NA_real_
  class(out) <- c("smallsurv_mantel_byar", "smallsurv_logrank")
  out
}

#' @rdname mantel_byar_test
#' @param x A result of `mantel_byar_test()` or `simon_makuch()`.
#' @export
print.smallsurv_mantel_byar <- function(x, ...) {
  cat(x$n.patients, " patients, ", x$n.switched, " moved from ", x$groups[1L], " to ",
      x$groups[2L], " during follow-up (each counted in both states)\n", sep = "")
  NextMethod()
}

#' @rdname mantel_byar_test
#' @export
simon_makuch <- function(formula, data, id, subset, na.action, conf.type = "log-log",
                         conf.level = 0.95, timefix = TRUE, ...) {
  mcall <- match.call()
  env <- parent.frame()
  method <- ci_method(conf.type)
  check_dots(match.call(expand.dots = FALSE)$..., "simon_makuch", method)
  check_conf_level(conf.level)
  check_flag(timefix, "timefix")
  ex <- exposure_input(mcall, env, "simon_makuch")
  # km() on the same rows, one curve per exposure state present (labelled
  # as survfit labels them)
  input <- ex$input
  input$strata <- if (all(ex$n_state > 0)) ex$group  # "name=level", as survfit labels them
  input$vars <- input$id <- NULL
  fit <- km_input(input, method, conf.level, "usual", timefix, NULL, mcall, ...)
  fit$switches <- ex$switches
  fit$n.patients <- ex$n_patients
  # the rows (for the risk table's numbers at risk) and the row ends that
  # are no censorings (switches, continuations), by curve name
  curve_name <- function(code) if (is.null(fit$strata)) rep(NA_character_, length(code)) else
    paste(ex$name, ex$labels[code], sep = "=")
  fit$exposure_rows <- list(entry = ex$input$entry, stop = ex$input$time,
                            curve = curve_name(ex$code + 1L))
  fit$row_ends <- list(time = ex$ends$time, curve = curve_name(ex$ends$curve),
                       switch = ex$ends$switch)
  class(fit) <- c("smallsurv_simon_makuch", class(fit))
  fit
}

#' @rdname mantel_byar_test
#' @export
print.smallsurv_simon_makuch <- function(x, ...) {
  cat("Simon-Makuch curves by current exposure: ", x$n.patients, " patients, ",
      length(x$switches), " switched during follow-up (counted in both curves; a switch ",
      "ends a row of the first curve as a censoring there)\n", sep = "")
  NextMethod()
}

# Counting-process rows with a binary exposure and an id, checked:
# input (surv_input()), group (factor: the two states, labelled
# "exposure=level"), switches (the times at which patients moved), n_state
# (patients ever in each state), n_patients, name (the exposure variable).
exposure_input <- function(mcall, env, verb) {
  if (is.null(mcall$id)) {
    abort("`id` is required: ", verb, "() needs to know which rows belong to one patient ",
          "(e.g. `id = id`).")
  }
  # a missing id is an error, not a row that na.action drops unseen
  data <- if (is.null(mcall$data)) NULL else eval(mcall$data, env)
  id_all <- eval(mcall$id, data, env)
  if (anyNA(id_all)) {
    abort("`id` is missing for row(s) ", paste(utils::head(which(is.na(id_all)), 5L),
                                             collapse = ", "), " of `data`.")
  }
  inner <- mcall[c(1L, match(c("formula", "data", "subset", "na.action", "id"), names(mcall), 0L))]
  input <- surv_input(inner, env, keep_vars = TRUE)
  if (is.null(input$entry)) {
    abort("`formula`: ", verb, "() needs counting-process data `Surv(tstart, tstop, status)` ",
          "(one row per patient and exposure period, as survival::tmerge() makes them).")
  }
  if (!is.null(input$weights)) abort(verb, "() does not take case weights.")
  vars <- input$vars
  if (ncol(vars) != 1L) {
    abort("`formula`: ", verb, "() takes exactly one exposure on the right-hand side ",
          "(`~ exposure`); got ", ncol(vars), " variables.")
  }
  name <- names(vars)
  x <- vars[[1L]]
  if (anyNA(x)) {
    abort("`formula`: the exposure `", name, "` is missing for row(s) ",
          paste(utils::head(input$row_label(which(is.na(x))), 5L), collapse = ", "),
          " (see `na.action`).")
  }
  lev <- if (is.factor(x)) levels(droplevels(x)) else sort(unique(x[!is.na(x)]))
  bad_type <- !(is.logical(x) || is.factor(x) || (is.numeric(x) && all(x %in% c(0, 1))))
  if (bad_type || length(lev) > 2L) {
    abort("`formula`: the exposure `", name, "` must be logical, 0/1 or a factor with two ",
          "levels (the first unexposed); got ", if (bad_type) paste0("a ", class(x)[1L]) else
            paste0("the values ", paste(utils::head(lev, 5L), collapse = ", ")), ".")
  }
  code <- if (is.factor(x)) as.integer(droplevels(x)) - 1L else as.integer(x)
  labels <- if (is.factor(x)) levels(droplevels(x)) else
    if (is.logical(x)) c("FALSE", "TRUE") else c("0", "1")
  if (length(labels) < 2L) labels <- c(labels, "(none)")  # never happens for logical/0-1
  id <- input$id
  # rows of each patient in time order
  o <- order(match(id, unique(id)), input$entry, input$time)
  same <- c(FALSE, id[o][-1L] == id[o][-length(o)])
  prev <- c(NA_integer_, o[-length(o)])
  name_ids <- function(k) paste(utils::head(unique(as.character(id[o][k])), 5L),
                                collapse = ", ")
  overlap <- which(same & input$entry[o] < input$time[prev])
  if (length(overlap)) {
    abort("`data`: the rows of a patient overlap in time (a later row starts before the ",
          "earlier one stops) for id ", name_ids(overlap), ".")
  }
  after_event <- which(same & input$status[prev] == 1L)
  if (length(after_event)) {
    abort("`data`: a patient has rows after an event (status 1 only on the last row: the ",
          "first event ends follow-up) for id ", name_ids(after_event), ".")
  }
  back <- which(same & code[o] < code[prev])
  if (length(back)) {
    abort("`formula`: the exposure `", name, "` returns from ", labels[2L], " to ", labels[1L],
          " for id ", name_ids(back), "; ", verb, "() needs an absorbing exposure (once ",
          "exposed, exposed from then on; a factor's first level is taken as unexposed: check ",
          "the level order).")
  }
  # rows followed by another row of the same patient end as censorings in
  # the counts but are none: a switch (unexposed row followed by an exposed
  # one) or a continuation (the rows split for another reason, same state)
  nxt <- which(same)  # positions (in o) of rows that continue a previous one
  ends <- list(time = input$time[prev[nxt]], curve = code[prev[nxt]] + 1L,
               switch = code[o][nxt] == 1L & code[prev[nxt]] == 0L)
  group <- structure(code + 1L, levels = paste(name, labels, sep = "="), class = "factor")
  n_state <- vapply(0:1, function(k) length(unique(id[code == k])), numeric(1))
  list(input = input, group = group, code = code, labels = labels,
       switches = sort(ends$time[ends$switch]), ends = ends,
       n_state = stats::setNames(n_state, levels(group)),
       n_patients = length(unique(id)), name = name)
}

# The row ends of a Simon-Makuch fit that are no censorings (switches and
# continuations: the patient goes on in a later row), as counts per row of
# the fit (matched to the fit's times within timefix's tolerance).
row_end_counts <- function(x, which_ends) {
  out <- numeric(length(x$time))
  e <- lapply(x$row_ends, function(v) v[which_ends])
  if (!length(e$time)) return(out)
  st <- fit_strata(x)
  for (k in seq_along(st$from)) {
    rows <- seq.int(st$from[k], st$to[k])
    ek <- if (is.null(x$strata)) e$time else e$time[e$curve == st$names[k]]
    if (!length(ek)) next
    tt <- x$time[rows]
    j <- findInterval(ek, tt)
    j2 <- pmin(j + 1L, length(tt))
    j <- ifelse(j < 1L | abs(tt[j2] - ek) < abs(tt[pmax(j, 1L)] - ek), j2, j)
    out[rows] <- out[rows] + tabulate(j, length(rows))
  }
  out
}

# The censorings to mark on the curves: a Simon-Makuch fit's switches and
# continuations end rows as censorings in survfit's counts, but are not
# censorings (no mark); other fits: n.censor.
censor_marks <- function(x) {
  if (!inherits(x, "smallsurv_simon_makuch") || is.null(x$row_ends)) return(x$n.censor)
  x$n.censor - row_end_counts(x, rep(TRUE, length(x$row_ends$time)))
}

# The risk table of a Simon-Makuch fit: the patients who switched counted
# apart from the censored (a switch ends an unexposed row as a censoring;
# it starts an exposed row as a delayed entry; a continuation row ends none
# either), and the numbers at risk in each state at t itself: rows with
# entry < t <= stop (survival's risk set; at t = 0 the rows starting at 0),
# not at the curve's next observed time as summary.survfit() and
# at_times() count them, which would show the exposed curve at risk before
# anyone was exposed. `tab` is at_times()'s table at the risk-table times;
# other fits pass through unchanged.
add_switches <- function(x, tab) {
  if (!inherits(x, "smallsurv_simon_makuch") || is.null(tab) || is.null(x$row_ends)) {
    return(tab)
  }
  st <- fit_strata(x)
  curve <- if (is.null(tab$strata)) rep(st$names[1L], nrow(tab)) else tab$strata
  one <- is.null(x$strata)
  tab$n.moved <- if (one) 0 else findInterval(tab$time, x$switches)  # at or before t
  # censorings: the fit's cumulative count minus the row ends in this curve
  not_cens <- row_end_counts(x, rep(TRUE, length(x$row_ends$time)))
  for (k in seq_along(st$from)) {
    rows <- seq.int(st$from[k], st$to[k])
    i <- which(curve == st$names[k])
    cum <- c(0, cumsum(not_cens[rows]))[findInterval(tab$time[i], x$time[rows]) + 1L]
    tab$n.censor[i] <- tab$n.censor[i] - cum
  }
  r <- x$exposure_rows
  tab$n.risk <- vapply(seq_len(nrow(tab)), function(i) {
    t <- tab$time[i]
    sum((one | r$curve == curve[i]) & (r$entry < t | (t <= 0 & r$entry <= t)) & r$stop >= t)
  }, numeric(1))
  tab
}

#' Landmark analysis of a time-dependent exposure
#'
#' The landmark method (Anderson, Cain & Gelber 1983): at each landmark
#' time, keep the patients still event-free and under follow-up, group them
#' by whether the exposure (response, HSCT, CAR-T) has happened by then,
#' and compare the groups from the landmark on, with time restarted at the
#' landmark. Patients who had the event or were censored before the
#' landmark are excluded, and exposures after it are ignored (the patient
#' stays in the "not exposed by the landmark" group): this is what makes
#' the comparison free of immortal time, at the price of depending on the
#' landmark, which must be chosen before looking at the results.
#'
#' @param formula `Surv(time, status) ~ 1` (survival: [km()] and
#'   [logrank_test()]) or `Surv(time, event) ~ 1` with a factor `event`
#'   whose first level is censoring (competing risks: [cif()] and
#'   [gray_test()]), times from the common origin.
#' @param data A data frame, one row per patient.
#' @param at One or more landmark times.
#' @param exposure_time The time of the exposure from the same origin, `NA`
#'   for patients never exposed (a column of `data`, bare name).
#' @param min.group Warn when a group at a landmark has fewer patients than
#'   this (default 5).
#' @param na.action Function for rows with missing times or status
#'   (default `getOption("na.action")`).
#' @param ... Passed to [km()] or [cif()] (e.g. `conf.type`).
#' @return An object of class `smallsurv_landmark`: a list with `table` (one
#'   row per landmark: `landmark`, `n` (patients), `excluded_event`,
#'   `excluded_censored` (at or before the landmark), `at_risk`, `exposed`
#'   (exposure at or before the landmark),
#'   `not_exposed`), `fits` (per landmark, the km() or cif() fit by group,
#'   times from the landmark), `tests` (per landmark, the logrank_test() or
#'   gray_test() result, or `NULL` when a group is empty) and `type`
#'   (`"km"` or `"cif"`).
#' @family time-dependent exposures
#' @examples
#' d <- data.frame(time = rrall$os_time, status = rrall$os_status,
#'                 hsct = as.numeric(rrall$hsct_date - rrall$enrolled) / 30.4375)
#' lm <- landmark(Surv(time, status) ~ 1, data = d, at = 3, exposure_time = hsct)
#' lm
#' @export
landmark <- function(formula, data, at, exposure_time, min.group = 5, na.action, ...) {
  mcall <- match.call()
  env <- parent.frame()
  dots <- names(match.call(expand.dots = FALSE)$...)
  if (any(c("subset", "weights") %in% dots)) {
    abort("landmark() does not take `subset` or `weights` (they would be evaluated on its ",
          "own landmark data); subset `data` before the call.")
  }
  if (missing(data) || !is.data.frame(data)) abort("`data` must be a data frame.")
  check_times_arg(at, "at")
  if (!is.numeric(min.group) || length(min.group) != 1L || is.na(min.group) || min.group < 0) {
    abort("`min.group` must be a single non-negative number; got ", deparse1(min.group), ".")
  }
  if (is.null(mcall$exposure_time)) {
    abort("`exposure_time` is required: the time of the exposure, NA for patients never exposed.")
  }
  ex <- eval(mcall$exposure_time, data, env)
  if (!is.numeric(ex) || length(ex) != nrow(data)) {
    abort("`exposure_time` must be numeric with one value per row of `data` (", nrow(data),
          "); got ", class(ex)[1L], " of length ", length(ex), ".")
  }
  if (!inherits(formula, "formula") || length(formula) != 3L ||
      !(identical(formula[[3L]], 1) || identical(formula[[3L]], 1L))) {
    abort("`formula`: landmark() forms the groups itself; give `Surv(time, status) ~ 1`.")
  }
  # a factor status: competing risks (cif(), gray_test()); else km()
  # the status argument of Surv(): `event =`, else the last of the first
  # three positional arguments (Surv(time, status), Surv(start, stop, status))
  lhs <- formula[[2L]]
  st_expr <- NULL
  if (is.call(lhs) && length(lhs) >= 3L) {
    sargs <- as.list(lhs)[-1L]
    nm <- if (is.null(names(sargs))) rep("", length(sargs)) else names(sargs)
    pos <- sargs[nm == ""]
    st_expr <- if ("event" %in% nm) sargs[["event"]] else if (length(pos) >= 2L)
      pos[[min(length(pos), 3L)]]
  }
  st_val <- if (is.null(st_expr)) NULL else
    tryCatch(eval(st_expr, data, environment(formula)), error = function(e) NULL)
  multi <- is.factor(st_val)
  if (is.character(st_val)) {
    abort("`formula`: a character status needs its levels: make it a factor whose first ",
          "level is censoring (e.g. factor(event, c(\"censored\", \"relapse\", \"death\"))).")
  }
  inner <- mcall[c(1L, match(c("formula", "data", "na.action"), names(mcall), 0L))]
  input <- surv_input(inner, env, multi = multi)
  if (!is.null(input$entry)) {
    abort("`formula`: landmark() needs right-censored data `Surv(time, status)` from the ",
          "common origin, not counting-process data.")
  }
  kept <- if (is.null(input$na.action)) seq_len(nrow(data)) else
    seq_len(nrow(data))[-as.integer(input$na.action)]
  ex <- ex[kept]
  type <- if (multi) "cif" else "km"
  rows <- list()
  fits <- list()
  tests <- list()
  for (k in seq_along(at)) {
    a <- at[k]
    keep <- input$time > a
    before <- !keep
    exposed <- !is.na(ex) & ex <= a
    grp <- factor(ifelse(exposed[keep], "exposed", "not exposed"), c("not exposed", "exposed"))
    n_grp <- table(grp)
    rows[[k]] <- data.frame(landmark = a, n = length(input$time),
                            excluded_event = sum(before & input$status > 0L),
                            excluded_censored = sum(before & input$status == 0L),
                            at_risk = sum(keep), exposed = n_grp[["exposed"]],
                            not_exposed = n_grp[["not exposed"]])
    if (!any(keep)) {
      fits[k] <- list(NULL)
      tests[k] <- list(NULL)
      next
    }
    # time restarted at the landmark
    dk <- data.frame(time = input$time[keep] - a, exposure = grp)
    dk$status <- if (multi) {
      factor(input$status[keep], seq_len(length(input$causes) + 1L) - 1L,
             c(input$censor_label, input$causes))
    } else input$status[keep]
    two <- all(n_grp > 0)
    f <- if (two) Surv(time, status) ~ exposure else Surv(time, status) ~ 1
    environment(f) <- asNamespace("smallsurv")
    fits[[k]] <- if (multi) cif(f, data = dk, ...) else km(f, data = dk, ...)
    attr(fits[[k]], "unit") <- input$unit
    small <- n_grp[n_grp > 0 & n_grp < min.group]  # an empty group: no comparison (printed)
    if (length(small)) {
      warning("landmark(): at ", format(a), ", the group", if (length(small) > 1L) "s", " ",
              paste0("'", names(small), "' (", small, " patient", ifelse(small == 1, "", "s"),
                     ")", collapse = " and "), if (length(small) > 1L) " are" else " is",
              " smaller than ", min.group, ": the comparison rests on very few patients.",
              call. = FALSE)
    }
    tests[k] <- list(if (two) {
      if (multi) gray_test(f, data = dk) else logrank_test(f, data = dk)
    })
  }
  table <- do.call(rbind, rows)
  names(fits) <- names(tests) <- format(at, trim = TRUE)
  structure(list(table = table, fits = fits, tests = tests, type = type, call = mcall),
            class = "smallsurv_landmark")
}

#' @rdname landmark
#' @param x A result of `landmark()`.
#' @export
print.smallsurv_landmark <- function(x, ...) {
  cat("Landmark analysis (smallsurv): patients event-free and under follow-up at each ",
      "landmark, grouped by exposure by then; time restarted at the landmark\n\n", sep = "")
  print(x$table, row.names = FALSE)
  for (k in names(x$tests)) {
    t <- x$tests[[k]]
    cat("\nLandmark ", k, ": ", sep = "")
    if (is.null(t)) {
      cat("no comparison (a group is empty)\n")
    } else {
      p <- if (!is.null(t$p.value)) t$p.value else NA_real_
      cat(if (x$type == "km") "log-rank" else "Gray's test", " p = ",
          format.pval(p, digits = 3), if (!is.null(t$p.value.method))
            paste0(" (", t$p.value.method, ")"), "\n", sep = "")
    }
  }
  invisible(x)
}

# print() of km() fits and log-rank tests cannot know how a group was
# defined; when a grouping variable's name suggests something that happens
# after time 0 (transplant, CAR-T, consolidation, response, MRD, "ever"),
# they add this note on the immortal-time bias. `labels`: strata or group
# labels ("var=level" or "var1=a, var2=b").
immortal_time_note <- function(labels) {
  if (!length(labels)) return(NULL)
  parts <- unlist(strsplit(labels, ", ", fixed = TRUE))
  vars <- unique(sub("=.*$", "", parts[grepl("=", parts, fixed = TRUE)]))
  hit <- vars[grepl("hsct|transpl|car[._ -]?t|consolid|ever|respon|mrd", vars,
                    ignore.case = TRUE)]
  if (!length(hit)) return(NULL)
  paste0("Note: if `", hit[1], "` was defined by something that happened after time 0 ",
         "(a transplant, CAR-T, a response), comparing its groups from time 0 is biased ",
         "(immortal time); see ?km, \"Groups defined after time 0\", and mantel_byar_test(), ",
         "simon_makuch() or landmark().")
}
