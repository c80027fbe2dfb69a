#' Time-to-event endpoints from dates
#'
#' Builds the time and status of a survival endpoint, or the time and cause
#' of a competing first event, from one row of dates per patient, by an
#' explicit rule stated in words. Every time comes with the date it was
#' measured to and the reason (which event, or why follow-up ended), so each
#' number can be checked against the patient's record. Impossible records
#' are refused with a message naming the patients.
#'
#' @section Conventions:
#' * **Endpoints.** Each is the first of a set of events, counted from
#'   `origin`; without an event the patient is censored at `last_contact`
#'   (the date last known alive).
#'   - `"efs"`, event-free survival: induction failure (an event at time 0
#'     exactly, dated `origin`), relapse or death from any cause. HSCT and
#'     CAR-T are not events; relapse after them is.
#'   - `"os"`, overall survival: death from any cause.
#'   - `"rfs"`, relapse-free survival: relapse or death from any cause,
#'     among responders (patients with `induction_failure` `FALSE`; the
#'     others are left out and listed in `attr(, "excluded")`).
#'   - `"dor"`, duration of response: as `"rfs"`, counted from the date of
#'     response, which `origin` must name explicitly.
#'   - `"competing"`, competing first events: the first of `events`
#'     (default: each of relapse, HSCT, CAR-T and death that has a column),
#'     returned as a factor `event` whose first level is `"censored"`, ready
#'     for `cif(Surv(time, event) ~ 1)`. `"induction_failure"` may be one of
#'     `events` (at time 0). Events on the same date are resolved by the
#'     order of `events` (the first listed wins); the patients concerned are
#'     listed in `attr(, "ties")` and by `print()`.
#'   - `"multistate"`, the course after the origin as counting-process
#'     rows for [multistate()]: one row per interval a patient spends in
#'     one state (`tstart`, `tstop`, the state during it, `from`, and the
#'     state entered at its end, `state`, first level `"censored"`). Every
#'     patient starts `"event-free"` and moves, at each of `events` (default:
#'     HSCT, CAR-T, relapse and death that have a column), to that state:
#'     e.g. event-free -> CAR-T -> HSCT -> relapse -> death. A relapse stays
#'     the state until death (HSCT or CAR-T given after it is salvage, no
#'     transition); death is absorbing. Several events on one date: the later
#'     of HSCT, CAR-T, relapse, death is the state entered (patients listed in
#'     `attr(, "ties")`); an event on the origin date is the initial state.
#'     Use `multistate(Surv(tstart, tstop, state) ~ 1, data, id = id,
#'     istate = from)`.
#' * **Censoring at a subsequent therapy** (`censor_at = "hsct"` and/or
#'   `"cart"`): follow-up ends at that date unless an event came first; an
#'   event on the same date counts (events before censoring, as in
#'   survival). This is the usual *sensitivity analysis*; its estimand is
#'   hypothetical ("in a world without HSCT") and it assumes that HSCT is
#'   unrelated to the risk of the event, which is implausible when the
#'   fittest responders are transplanted (Therneau et al., `compete`
#'   vignette of survival). Death can never be a censoring.
#' * **Naive 1 - KM** (`competing = "censor"` with `cause`): only on request,
#'   a 0/1 `status` for `cause` in which every other competing first event
#'   is a censoring. It warns when that happens: 1 - Kaplan-Meier of this
#'   status is not the probability of `cause`; it *overestimates* the
#'   cumulative incidence whenever competing events occur, because it treats
#'   patients who can no longer have the event as if they still could (Pepe
#'   & Mori 1993; Putter et al. 2007). Use [cif()] on the `"competing"`
#'   endpoint for the cumulative incidence.
#' * **Cut-off** (`cutoff`, a date or a column): events after it are ignored
#'   and follow-up ends there (reason `"cut-off"`); records are checked
#'   before truncation. Patients whose origin is after the cut-off are left
#'   out (listed in `attr(, "excluded")`).
#' * **Time** is `(date - origin)` in days divided by 1 (`"days"`), 7
#'   (`"weeks"`), 30.4375 (`"months"`, 365.25 / 12) or 365.25 (`"years"`).
#' * **Checks** (on every date column given, not only those the endpoint
#'   uses): the date columns are of class `Date`; `id` is present and
#'   unique; `origin` and `last_contact` are present; no event (relapse,
#'   HSCT, CAR-T, death) is after `last_contact`; no relapse, HSCT or CAR-T is
#'   after death; `last_contact` is not after death (it is the date last
#'   known alive). The dates the endpoint uses must not be before `origin`
#'   (a CAR-T infusion before the date of response does not stop a
#'   duration-of-response analysis). Dates equal to `origin` give time 0.
#'   Set a column argument to `NULL` when the data have no such date.
#'
#' @param data A data frame with one row per patient.
#' @param endpoint One of `"efs"`, `"os"`, `"rfs"`, `"dor"`, `"competing"`,
#'   `"multistate"` (see Conventions).
#' @param origin Name of the column with the start date (enrolment; the
#'   response date for `"dor"`, where it must be given).
#' @param id Name of the patient identifier column, or `NULL` to use row
#'   numbers.
#' @param relapse,hsct,cart,death Names of the columns with the dates of
#'   relapse, allogeneic HSCT, CAR-T infusion and death (`NA` when it did
#'   not happen), or `NULL` when the data have none.
#' @param last_contact Name of the column with the date last known alive
#'   (the death date for patients who died); never missing.
#' @param induction_failure Induction failure (never in remission): the
#'   name of a logical column, or an expression evaluated in `data` such as
#'   `response %in% c("PR", "NR")`, or a single `TRUE`/`FALSE`. Required for
#'   `"efs"`; for `"rfs"` and `"dor"` it selects the responders (all
#'   patients when `NULL`).
#' @param events For `"competing"`: the competing first events, among
#'   `"induction_failure"`, `"relapse"`, `"hsct"`, `"cart"`, `"death"`, in
#'   priority order for ties. For `"multistate"`: the events that are
#'   transitions, among `"hsct"`, `"cart"`, `"relapse"`, `"death"`.
#' @param censor_at `NULL`, or any of `"hsct"`, `"cart"`: censor follow-up
#'   at that therapy (sensitivity analysis; see Conventions).
#' @param competing For `"competing"`: `"keep"` (default) returns the
#'   factor `event`; `"censor"` returns a 0/1 `status` for `cause` with the
#'   other events as censoring, for a naive 1 - Kaplan-Meier, with a
#'   warning about its bias.
#' @param cause With `competing = "censor"`: the event of interest, one of
#'   `events`.
#' @param unit Time unit: `"months"` (default), `"days"`, `"weeks"` or
#'   `"years"`.
#' @param cutoff `NULL`, a single `Date`, or the name of a `Date` column:
#'   the data cut-off.
#' @param ever `NULL` (default), or any of `"hsct"`, `"cart"`: add a logical
#'   column `ever_hsct` / `ever_cart`, `TRUE` for a patient with that
#'   therapy recorded at any time of follow-up (up to the cut-off). Such a
#'   grouping is **biased by immortal time** when compared as fixed groups
#'   (a patient must stay alive and event-free long enough to be
#'   transplanted), so it comes only on this explicit request and with a
#'   warning; the valid analyses are [mantel_byar_test()],
#'   [simon_makuch()], [landmark()] and [multistate()]. Not for
#'   `"multistate"`, where the therapies are states.
#' @return A data frame of class `c("smallsurv_endpoints", "data.frame")`,
#'   one row per patient analysed, with columns: the identifier (named as
#'   `id`, or `row`), `origin`, `date` (the date the time was measured to),
#'   `time` (in `unit`), `status` (integer 0/1) or `event` (factor, first
#'   level `"censored"`, then the events in the order of `events`), and
#'   `reason` (`"induction failure"`, `"relapse"`, `"HSCT"`, `"CAR-T"`,
#'   `"death"`, `"last contact"`, `"cut-off"`, `"censored at HSCT"`,
#'   `"censored at CAR-T"`, or e.g. `"HSCT (competing, censored)"`).
#'   Attributes: `endpoint`, `unit`, `definition` (the rule in words),
#'   `excluded` (a character vector of reasons named by the identifiers left
#'   out: non-responders for `"rfs"`/`"dor"`, patients whose origin is after
#'   the cut-off)
#'   and `ties` (identifiers whose first events shared a date). With `ever`,
#'   the columns `ever_hsct` and/or `ever_cart` after `reason`.
#'   For `"multistate"` one row per interval instead: the identifier,
#'   `origin`, `start_date`, `stop_date`, `tstart`, `tstop`, `from`,
#'   `state` and `reason`.
#' @references
#' Pepe MS, Mori M (1993). Kaplan-Meier, marginal or conditional probability
#' curves in summarizing competing risks failure time data? *Stat Med*
#' 12:737-751. \doi{10.1002/sim.4780120803}
#'
#' Putter H, Fiocco M, Geskus RB (2007). Tutorial in biostatistics:
#' competing risks and multi-state models. *Stat Med* 26:2389-2430.
#' \doi{10.1002/sim.2712}
#'
#' Therneau T, Crowson C, Atkinson E. Multi-state models and competing
#' risks. Vignette `compete` of the survival package.
#' @family competing risks
#' @examples
#' efs <- endpoints(rrall, "efs", induction_failure = response %in% c("PR", "NR"))
#' efs
#' all.equal(efs$time, rrall$efs_time)
#' km(survival::Surv(time, status) ~ 1, data = efs)
#'
#' # competing first events, and the cumulative incidence of each
#' first <- endpoints(rrall, "competing")
#' table(first$event)
#' cif(survival::Surv(time, event) ~ 1, data = first)
#'
#' # relapse-free survival among responders, censored at HSCT (sensitivity)
#' endpoints(rrall, "rfs", induction_failure = response %in% c("PR", "NR"),
#'           censor_at = "hsct")
#'
#' # the course after enrolment: event-free -> HSCT / CAR-T -> relapse -> death
#' ms <- endpoints(rrall, "multistate")
#' head(ms)
#' multistate(survival::Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from)
#'
#' # the naive 1 - KM of relapse, on explicit request only (it warns)
#' naive <- endpoints(rrall, "competing", competing = "censor", cause = "relapse")
#' @export
endpoints <- function(data, endpoint = c("efs", "os", "rfs", "dor", "competing", "multistate"),
                      origin = "enrolled", id = "id", relapse = "relapse_date",
                      hsct = "hsct_date", cart = "cart_date", death = "death_date",
                      last_contact = "last_contact", induction_failure = NULL,
                      events = NULL, censor_at = NULL, competing = c("keep", "censor"),
                      cause = NULL, unit = c("months", "days", "weeks", "years"),
                      cutoff = NULL, ever = NULL) {
  if (!is.data.frame(data)) {
    abort("`data` must be a data frame with one row per patient; got an object of class ",
          paste(class(data), collapse = "/"), ".")
  }
  endpoint <- match_one(endpoint, c("efs", "os", "rfs", "dor", "competing", "multistate"),
                        "endpoint")
  unit <- match_one(unit, c("months", "days", "weeks", "years"), "unit")
  competing <- match_one(competing, c("keep", "censor"), "competing")
  n <- nrow(data)

  # --- identifiers -----------------------------------------------------------
  if (is.null(id)) {
    ids <- as.character(seq_len(n))
    id_name <- "row"
  } else {
    check_column_name(id, "id", data)
    ids <- data[[id]]
    id_name <- id
    i <- which(is.na(ids))
    if (length(i)) abort("`id` (column \"", id, "\") is missing in ", format_rows(i), ".")
    dup <- unique(ids[duplicated(ids)])
    if (length(dup)) {
      abort("`id` (column \"", id, "\") must identify one row per patient; ",
            format_patients(dup), if (length(dup) == 1L) " appears" else " appear",
            " more than once (", format_rows(which(ids %in% dup)), ").")
    }
  }
  label <- as.character(ids)

  # --- date columns ----------------------------------------------------------
  if (missing(origin) && endpoint == "dor") {
    abort("`origin`: duration of response counts from the date of response; name that ",
          "column, e.g. `origin = \"response_date\"`.")
  }
  kinds <- c("relapse", "hsct", "cart", "death")
  cols <- list(origin = origin, relapse = relapse, hsct = hsct, cart = cart, death = death,
               last_contact = last_contact)
  for (a in c("origin", "last_contact")) {
    if (is.null(cols[[a]])) abort("`", a, "` must name a column of `data`; got NULL.")
  }
  cols <- cols[!vapply(cols, is.null, logical(1))]
  dates <- list()
  for (a in names(cols)) {
    check_column_name(cols[[a]], a, data)
    x <- data[[cols[[a]]]]
    if (!inherits(x, "Date")) {
      abort("`", a, "` (column \"", cols[[a]], "\") must be of class Date; got ",
            paste(class(x), collapse = "/"), ". Convert it with as.Date().")
    }
    dates[[a]] <- x
  }
  present <- intersect(kinds, names(dates))
  colname <- function(a) paste0("`", a, "` (", cols[[a]], ")")

  # --- induction failure -------------------------------------------------------
  fail_expr <- substitute(induction_failure)
  fail <- if (is.null(fail_expr)) NULL else eval(fail_expr, data, parent.frame())
  if (!is.null(fail)) {
    if (is.character(fail) && length(fail) == 1L) {
      check_column_name(fail, "induction_failure", data)
      fail <- data[[fail]]
    }
    if (!is.logical(fail) || !length(fail) %in% c(1L, n)) {
      abort("`induction_failure` must be a logical column, a logical expression evaluated ",
            "in `data` (e.g. `response %in% c(\"PR\", \"NR\")`) or TRUE/FALSE; got ",
            if (is.logical(fail)) paste0("length ", length(fail)) else class(fail)[1], ".")
    }
    fail <- rep_len(fail, n)
    i <- which(is.na(fail))
    if (length(i)) abort("`induction_failure` is missing for ", format_patients(label[i]), ".")
  } else if (endpoint == "efs") {
    abort("`induction_failure` is required for event-free survival (an induction failure ",
          "is an event at time 0), e.g. `induction_failure = response %in% c(\"PR\", \"NR\")`; ",
          "use FALSE if every patient responded.")
  }

  # --- the events and censorings of the endpoint --------------------------------
  ev_names <- c("induction_failure", kinds)
  ev_labels <- c(induction_failure = "induction failure", relapse = "relapse",
                 hsct = "HSCT", cart = "CAR-T", death = "death")
  if (endpoint == "multistate") {
    if (is.null(events)) events <- intersect(c("hsct", "cart", "relapse", "death"), present)
    ms_ok <- c("hsct", "cart", "relapse", "death")
    if (!is.character(events) || !length(events) || anyNA(events) ||
        !all(events %in% ms_ok) || anyDuplicated(events)) {
      abort("`events` must name distinct events among ",
            paste0("\"", ms_ok, "\"", collapse = ", "), " for endpoint \"multistate\"; got ",
            deparse1(events), ".")
    }
    if (competing != "keep" || !is.null(cause) || !is.null(censor_at)) {
      abort("`competing`, `cause` and `censor_at` do not apply to endpoint \"multistate\": ",
            "every event is a transition.")
    }
  } else if (endpoint != "competing") {
    if (!is.null(events)) abort("`events` applies to endpoint \"competing\" only; ",
                                "endpoint \"", endpoint, "\" has a fixed definition.")
    if (competing != "keep" || !is.null(cause)) {
      abort("`competing` and `cause` apply to endpoint \"competing\" only.")
    }
    events <- switch(endpoint, efs = c("induction_failure", "relapse", "death"),
                     os = "death", rfs = , dor = c("relapse", "death"))
  } else {
    if (is.null(events)) events <- present
    if (!is.character(events) || !length(events) || anyNA(events) ||
        !all(events %in% ev_names) || anyDuplicated(events)) {
      abort("`events` must name distinct events among ",
            paste0("\"", ev_names, "\"", collapse = ", "), "; got ", deparse1(events), ".")
    }
    if ("induction_failure" %in% events && is.null(fail)) {
      abort("`events` includes \"induction_failure\" but `induction_failure` is NULL.")
    }
    if (competing == "censor") {
      if (is.null(cause) || !is.character(cause) || length(cause) != 1L ||
          !cause %in% events) {
        abort("`cause` must be one of `events` (", paste0("\"", events, "\"", collapse = ", "),
              ") with `competing = \"censor\"`; got ", deparse1(cause), ".")
      }
    } else if (!is.null(cause)) {
      abort("`cause` is used only with `competing = \"censor\"` (naive 1 - KM); ",
            "with `competing = \"keep\"` every event is a cause of `event`.")
    }
  }
  if (!is.null(censor_at)) {
    if (!is.character(censor_at) || !length(censor_at) || anyNA(censor_at) ||
        !all(censor_at %in% c("hsct", "cart"))) {
      abort("`censor_at` must be NULL or any of \"hsct\", \"cart\" (a subsequent therapy); ",
            "got ", deparse1(censor_at), ".",
            if (any(censor_at %in% c("death", "relapse")))
              " An event is never a censoring; for a naive 1 - KM see `competing = \"censor\"`.")
    }
    censor_at <- unique(censor_at)
    both <- intersect(censor_at, events)
    if (length(both)) abort("`censor_at`: \"", both[1], "\" is also one of `events`; ",
                            "it cannot be both an event and a censoring.")
  }
  for (e in setdiff(c(events, censor_at), "induction_failure")) {
    if (is.null(dates[[e]])) {
      abort("The endpoint uses ", ev_labels[[e]], " dates but `", e,
            "` is NULL; name the column of `data` that holds them.")
    }
  }

  # --- checks on the records -----------------------------------------------------
  ori <- dates$origin
  lc <- dates$last_contact
  keep <- rep(TRUE, n)
  why_out <- rep(NA_character_, n)
  if (endpoint %in% c("rfs", "dor") && !is.null(fail)) {
    keep <- !fail
    why_out[fail] <- "induction failure"
  }
  i <- which(keep & is.na(ori))
  if (length(i)) {
    abort(colname("origin"), " is missing for ", format_patients(label[i]), ".",
          if (endpoint %in% c("rfs", "dor") && is.null(fail))
            " Give `induction_failure` to leave out non-responders.")
  }
  i <- which(is.na(lc))
  if (length(i)) {
    abort(colname("last_contact"), " is missing for ", format_patients(label[i]),
          "; it is the date last known alive (the death date for patients who died).")
  }
  refuse_pairs <- function(bad, a, b, problem, why = "") {
    i <- which(bad)
    if (!length(i)) return(invisible())
    x <- dates[[a]]
    y <- if (b == "origin") ori else dates[[b]]
    det <- paste0(label[i], " (", a, " ", format(x[i]), ", ", b, " ", format(y[i]), ")")
    abort(colname(a), " is ", problem, " ", colname(b), " for ",
          if (length(i) == 1L) "patient " else "patients ",
          paste(utils::head(det, 6), collapse = ", "),
          if (length(i) > 6) paste0(" and ", length(i) - 6, " more") else "", ".", why)
  }
  in_play <- intersect(c(setdiff(events, "induction_failure"), censor_at), present)
  for (a in c(in_play, "last_contact")) {
    refuse_pairs(keep & !is.na(dates[[a]]) & !is.na(ori) & dates[[a]] < ori, a, "origin",
                 "before")
  }
  for (a in present) {
    refuse_pairs(!is.na(dates[[a]]) & dates[[a]] > lc, a, "last_contact", "after",
                 " An event cannot be observed after the last contact.")
  }
  if ("death" %in% present) {
    dd <- dates$death
    for (a in setdiff(present, "death")) {
      refuse_pairs(!is.na(dd) & !is.na(dates[[a]]) & dates[[a]] > dd, a, "death", "after")
    }
    refuse_pairs(!is.na(dd) & lc > dd, "last_contact", "death", "after",
                 " `last_contact` is the date last known alive.")
  }

  # --- cut-off ---------------------------------------------------------------
  cut_txt <- NULL
  at_cut <- rep(FALSE, n)
  if (!is.null(cutoff)) {
    if (is.character(cutoff) && length(cutoff) == 1L) {
      check_column_name(cutoff, "cutoff", data)
      cut_col <- cutoff
      cutoff <- data[[cutoff]]
      if (!inherits(cutoff, "Date")) {
        abort("`cutoff` (column \"", cut_col, "\") must be of class Date; got ",
              paste(class(cutoff), collapse = "/"), ".")
      }
      cut_txt <- paste0("the cut-off (column \"", cut_col, "\")")
    } else if (inherits(cutoff, "Date") && length(cutoff) == 1L && !is.na(cutoff)) {
      cut_txt <- paste0("the cut-off (", format(cutoff), ")")
    } else {
      abort("`cutoff` must be NULL, a single Date or the name of a Date column; got ",
            deparse1(cutoff), ".")
    }
    cutoff <- rep(cutoff, length.out = n)
    i <- which(keep & is.na(cutoff))
    if (length(i)) abort("`cutoff` is missing for ", format_patients(label[i]), ".")
    why_out[keep & ori > cutoff] <- "origin after the cut-off"
    keep <- keep & !(ori > cutoff)
    for (a in present) dates[[a]][!is.na(dates[[a]]) & dates[[a]] > cutoff] <- NA
    at_cut <- lc > cutoff
    lc[at_cut] <- cutoff[at_cut]
  }

  # --- "ever treated" groups, on explicit request only ------------------------
  if (!is.null(ever)) {
    if (endpoint == "multistate") {
      abort("`ever` does not apply to endpoint \"multistate\": there HSCT and CAR-T are ",
            "states entered at their dates.")
    }
    if (!is.character(ever) || !length(ever) || anyNA(ever) || !all(ever %in% c("hsct", "cart"))) {
      abort("`ever` must be NULL or any of \"hsct\", \"cart\"; got ", deparse1(ever), ".")
    }
    ever <- unique(ever)
    for (a in ever) {
      if (is.null(dates[[a]])) abort("`ever = \"", a, "\"` needs the `", a, "` date column; `",
                                     a, "` is NULL.")
    }
  }

  if (endpoint == "multistate") {
    return(endpoints_multistate(ids, id_name, label, dates, events, ev_labels, ori, lc,
                                at_cut, keep, why_out, cols, cut_txt, unit))
  }

  # --- first event, censoring ------------------------------------------------------
  k <- length(events)
  ev_date <- matrix(NA_real_, n, k)
  for (j in seq_len(k)) {
    ev_date[, j] <- if (events[j] == "induction_failure") ifelse(fail, as.numeric(ori), NA)
                    else as.numeric(dates[[events[j]]])
  }
  # the first event of each patient (ties: the first in `events`' order)
  first_date <- if (k) do.call(pmin, c(lapply(seq_len(k), function(j) ev_date[, j]),
                                       na.rm = TRUE)) else rep(NA_real_, n)
  hit <- !is.na(ev_date) & ev_date == first_date
  hit[is.na(hit)] <- FALSE
  n_first <- as.integer(rowSums(hit))
  first <- if (k) max.col(hit, ties.method = "first") else integer(n)
  first[n_first == 0L] <- NA_integer_
  cens_date <- rep(NA_real_, n)
  cens_what <- rep(NA_character_, n)
  for (a in censor_at) {
    x <- as.numeric(dates[[a]])
    sooner <- !is.na(x) & (is.na(cens_date) | x < cens_date)
    cens_date[sooner] <- x[sooner]
    cens_what[sooner] <- a
  }
  is_event <- !is.na(first) & (is.na(cens_date) | first_date <= cens_date)
  by_censor <- !is_event & !is.na(cens_date)
  end <- as.numeric(lc)
  end[is_event] <- first_date[is_event]
  end[by_censor] <- cens_date[by_censor]
  reason <- ifelse(at_cut, "cut-off", "last contact")
  reason[by_censor] <- paste0("censored at ", ev_labels[cens_what[by_censor]])
  reason[is_event] <- ev_labels[events[first[is_event]]]

  divisor <- c(days = 1, weeks = 7, months = 30.4375, years = 365.25)[[unit]]
  end_date <- structure(end, class = "Date")
  time <- as.numeric(end_date - ori) / divisor
  time[is_event & events[pmax(first, 1L)] == "induction_failure"] <- 0

  out <- data.frame(id = ids, origin = ori, date = end_date, time = time,
                    stringsAsFactors = FALSE)
  names(out)[1] <- id_name
  n_comp <- 0L
  if (endpoint == "competing" && competing == "keep") {
    code <- ifelse(is_event, first, 0L)
    out$event <- factor(code, 0:k, c("censored", unname(ev_labels[events])))
  } else if (endpoint == "competing") {
    j <- match(cause, events)
    other <- is_event & first != j
    n_comp <- sum(other[keep])
    reason[other] <- paste0(ev_labels[events[first[other]]], " (competing, censored)")
    out$status <- as.integer(is_event & first == j)
  } else {
    out$status <- as.integer(is_event)
  }
  out$reason <- reason
  for (a in ever) out[[paste0("ever_", a)]] <- !is.na(dates[[a]])
  out <- out[keep, , drop = FALSE]
  rownames(out) <- NULL

  definition <- endpoint_definition(endpoint, events, ev_labels, cols, censor_at, competing,
                                    cause, cut_txt, unit, divisor)
  attr(out, "endpoint") <- endpoint
  attr(out, "unit") <- unit
  attr(out, "definition") <- definition
  attr(out, "excluded") <- stats::setNames(why_out[!keep], label[!keep])
  attr(out, "ties") <- label[keep & is_event & n_first > 1L]
  class(out) <- c("smallsurv_endpoints", "data.frame")
  if (length(ever)) {
    nm <- paste0("ever_", ever)
    warning(paste0(
      "endpoints(): ", paste0("`", nm, "`", collapse = " and "), " groups patients by a ",
      "treatment received after time 0. Compared as fixed groups (km(), logrank_test() or ",
      "cif() by ", nm[1], ") they are biased by immortal time: a patient must stay alive and ",
      "event-free long enough to be treated. Use mantel_byar_test(), simon_makuch() or ",
      "landmark() (vignette \"after-response\")."), call. = FALSE)
  }
  if (n_comp > 0L) {
    warning(paste0(
      "endpoints(): ", n_comp, " competing first event", if (n_comp > 1L) "s" else "",
      " (", paste(setdiff(unname(ev_labels[events]), ev_labels[[cause]]), collapse = ", "),
      ") treated as censoring. 1 - Kaplan-Meier of this status overestimates the ",
      "cumulative incidence of ", ev_labels[[cause]], " when competing events occur: it ",
      "counts patients who can no longer have the event as if they still could (Pepe & ",
      "Mori 1993). For the cumulative incidence use cif() on endpoints(endpoint = ",
      "\"competing\")."), call. = FALSE)
  }
  out
}

# The rule of an endpoint, in words.
endpoint_definition <- function(endpoint, events, ev_labels, cols, censor_at, competing,
                                cause, cut_txt, unit, divisor) {
  lab <- unname(ev_labels[events])
  lab[lab == "death"] <- "death from any cause"
  lab[lab == "induction failure"] <- "induction failure (an event at time 0)"
  listing <- function(x, conj = " or ") {
    if (length(x) <= 2L) paste(x, collapse = conj)
    else paste0(paste(x[-length(x)], collapse = ", "), conj, x[length(x)])
  }
  name <- c(efs = "Event-free survival", os = "Overall survival",
            rfs = "Relapse-free survival (responders)",
            dor = "Duration of response (responders)",
            competing = "Competing first events", multistate = "Multi-state")[[endpoint]]
  rule <- if (endpoint == "os") "death from any cause"
          else paste0("the first of ", listing(lab))
  txt <- paste0(name, ": time from ", cols$origin, " to ", rule, "; without ",
                if (endpoint == "os") "death" else "an event", ", censored at ",
                cols$last_contact, ".")
  if (endpoint == "competing" && competing == "keep") {
    txt <- paste0(txt, " Events on the same date are resolved in the order listed.")
  }
  if (endpoint == "competing" && competing == "censor") {
    txt <- paste0(txt, " NAIVE: only ", ev_labels[[cause]], " is an event; the other ",
                  "first events are treated as censoring, so 1 - Kaplan-Meier overestimates ",
                  "its cumulative incidence.")
  }
  if (length(censor_at)) {
    th <- unname(ev_labels[censor_at])
    txt <- paste0(txt, " Sensitivity analysis: censored at ", listing(th),
                  " (an event on that date counts); this assumes that ", listing(th, " and "),
                  if (length(th) == 1L) " is" else " are", " unrelated to the risk of the event.")
  }
  if (!is.null(cut_txt)) {
    txt <- paste0(txt, " Events after ", cut_txt, " are ignored and follow-up ends there.")
  }
  paste0(txt, " Time in ", unit,
         if (unit != "days") paste0(" (days / ", format(divisor), ")"), ".")
}

#' @export
print.smallsurv_endpoints <- function(x, ...) {
  def <- attr(x, "definition")
  if (is.null(def)) {
    print(as.data.frame(unclass_endpoints(x)), ...)
    return(invisible(x))
  }
  cat(strwrap(def, exdent = 2), sep = "\n")
  if (identical(attr(x, "endpoint"), "multistate")) {
    np <- length(unique(x[[1L]]))
    tab <- table(x$from, x$state)[, -1L, drop = FALSE]
    w <- which(tab > 0, arr.ind = TRUE)
    w <- w[order(w[, 1L], w[, 2L]), , drop = FALSE]
    tr <- paste0(rownames(tab)[w[, 1L]], " -> ", colnames(tab)[w[, 2L]], " ", tab[w])
    cat(strwrap(paste0(np, " patient", if (np == 1L) "" else "s", ", ", nrow(x),
                       " rows; transitions: ",
                       if (length(tr)) paste(tr, collapse = ", ") else "none"), exdent = 2),
        sep = "\n")
  } else {
    what <- if ("event" %in% names(x)) table(x$event) else
      table(factor(x$status, 0:1, c("censored", "event")))
    cat(nrow(x), " patient", if (nrow(x) == 1L) "" else "s", ": ",
        paste(names(what), what, sep = " ", collapse = ", "), "\n", sep = "")
  }
  excl <- attr(x, "excluded")
  if (length(excl)) {
    cat(strwrap(paste0("Left out: ", paste0(names(excl), " (", excl, ")", collapse = ", ")),
                exdent = 2), sep = "\n")
  }
  ties <- attr(x, "ties")
  if (length(ties)) {
    cat(if (identical(attr(x, "endpoint"), "multistate"))
      "Events on the same date (the later state kept):" else
      "First events on the same date (resolved by `events` order):",
      paste(ties, collapse = ", "), "\n")
  }
  cat("\n")
  print(unclass_endpoints(x), ...)
  invisible(x)
}

unclass_endpoints <- function(x) {
  class(x) <- "data.frame"
  attr(x, "definition") <- attr(x, "endpoint") <- attr(x, "unit") <- NULL
  attr(x, "excluded") <- attr(x, "ties") <- NULL
  x
}

# "patient P03" / "patients P03, P07 and 2 more".
format_patients <- function(ids, max = 6L) format_rows(ids, max, c("patient", "patients"))

#' Tidy and glance at endpoints built from dates
#'
#' `tidy()` gives the per-patient table of [endpoints()] as a plain data
#' frame (its columns unchanged); `glance()` one row summarising it, with
#' the rule in words, ready for a report.
#'
#' @param x A result of [endpoints()].
#' @param ... Unused.
#' @return A data frame. `glance()`: `endpoint`, `unit`, `n` (patients
#'   analysed), `events` (patients with an event: status 1, or any
#'   competing first event), `censored`, `excluded` (patients left out),
#'   `ties` (patients whose first events shared a date), `max.time` and
#'   `definition`.
#' @family competing risks
#' @examples
#' efs <- endpoints(rrall, "efs", induction_failure = response %in% c("PR", "NR"))
#' glance(efs)
#' head(tidy(efs))
#' @name endpoints-tidiers
NULL

#' @rdname endpoints-tidiers
#' @export
tidy.smallsurv_endpoints <- function(x, ...) {
  out <- unclass_endpoints(x)
  rownames(out) <- NULL
  out
}

#' @rdname endpoints-tidiers
#' @export
glance.smallsurv_endpoints <- function(x, ...) {
  ev <- if ("event" %in% names(x)) sum(as.integer(x$event) > 1L) else sum(x$status == 1L)
  data.frame(endpoint = attr(x, "endpoint"), unit = attr(x, "unit"), n = nrow(x),
             events = ev, censored = nrow(x) - ev,
             excluded = length(attr(x, "excluded")), ties = length(attr(x, "ties")),
             max.time = if (nrow(x)) max(x$time) else NA_real_,
             definition = if (is.null(attr(x, "definition"))) NA_character_ else
               attr(x, "definition"),
             stringsAsFactors = FALSE)
}

# endpoints(endpoint = "multistate"): counting-process rows, one per
# interval a patient spends in one state, from the checked dates. States:
# "event-free" (from the origin), then the state of the latest event among
# `events` ("HSCT", "CAR-T", "relapse", "death"). A relapse is kept as the
# state until death: HSCT or CAR-T after a relapse (salvage) is no
# transition. Several events on one date: the later in the order HSCT,
# CAR-T, relapse, death is the state entered (the patients are listed in
# `ties`). An event on the origin date is the patient's initial state.
endpoints_multistate <- function(ids, id_name, label, dates, events, ev_labels, ori, lc,
                                 at_cut, keep, why_out, cols, cut_txt, unit) {
  n <- length(ids)
  order_ev <- intersect(c("hsct", "cart", "relapse", "death"), events)
  lab <- unname(ev_labels[order_ev])
  # the events of every patient, long: patient, date, severity rank
  long <- do.call(rbind, lapply(seq_along(order_ev), function(j) {
    d <- as.numeric(dates[[order_ev[j]]])
    i <- which(keep & !is.na(d))
    data.frame(p = i, date = d[i], rank = rep(j, length(i)))
  }))
  if (is.null(long)) long <- data.frame(p = integer(), date = numeric(), rank = integer())
  # therapies after a relapse are no transitions (the patient stays relapsed)
  if ("relapse" %in% order_ev) {
    rel <- as.numeric(dates$relapse)[long$p]
    therapy <- order_ev[long$rank] %in% c("hsct", "cart")
    long <- long[!(therapy & !is.na(rel) & long$date > rel), , drop = FALSE]
  }
  long <- long[order(long$p, long$date, long$rank), , drop = FALSE]
  # one event per patient and date: the last (most severe) one
  key <- paste(long$p, long$date)
  tied <- unique(long$p[duplicated(key)])
  long <- long[!duplicated(key, fromLast = TRUE), , drop = FALSE]
  o <- as.numeric(ori)[long$p]
  at0 <- long$date == o
  init <- rep("event-free", n)
  init[long$p[at0]] <- lab[long$rank[at0]]
  long <- long[!at0, , drop = FALSE]
  # rows: from the previous event (or the origin) to each event, then to the
  # last contact unless the last state was death (or the event fell on it)
  first <- !duplicated(long$p)
  prev_date <- c(NA, long$date[-nrow(long)])
  prev_state <- c(NA, lab[long$rank][-nrow(long)])
  start <- ifelse(first, as.numeric(ori)[long$p], prev_date)
  from <- ifelse(first, init[long$p], prev_state)
  ev_rows <- data.frame(p = long$p, start = start, stop = long$date, from = from,
                        state = lab[long$rank], reason = lab[long$rank],
                        stringsAsFactors = FALSE)
  last_state <- init
  last_date <- as.numeric(ori)
  if (nrow(long)) {
    lastk <- !duplicated(long$p, fromLast = TRUE)
    last_state[long$p[lastk]] <- lab[long$rank[lastk]]
    last_date[long$p[lastk]] <- long$date[lastk]
  }
  tail_p <- which(keep & last_state != "death" & as.numeric(lc) > last_date)
  cens_rows <- data.frame(p = tail_p, start = last_date[tail_p], stop = as.numeric(lc)[tail_p],
                          from = last_state[tail_p], state = "censored",
                          reason = ifelse(at_cut[tail_p], "cut-off", "last contact"),
                          stringsAsFactors = FALSE)
  rows <- rbind(ev_rows, cens_rows)
  rows <- rows[order(rows$p, rows$start), , drop = FALSE]
  # a patient followed for no time at all (last contact on the origin date,
  # no event) has no row: listed as left out
  none <- which(keep & !(seq_len(n) %in% rows$p))
  why_out[none] <- "no follow-up after the origin"
  keep[none] <- FALSE
  divisor <- c(days = 1, weeks = 7, months = 30.4375, years = 365.25)[[unit]]
  op <- as.numeric(ori)[rows$p]
  from_levels <- c("event-free", setdiff(lab, "death"))
  out <- data.frame(id = ids[rows$p], origin = ori[rows$p],
                    start_date = structure(rows$start, class = "Date"),
                    stop_date = structure(rows$stop, class = "Date"),
                    tstart = (rows$start - op) / divisor, tstop = (rows$stop - op) / divisor,
                    from = factor(rows$from, from_levels),
                    state = factor(rows$state, c("censored", lab)),
                    reason = rows$reason, stringsAsFactors = FALSE)
  names(out)[1] <- id_name
  rownames(out) <- NULL
  listing <- function(x) if (length(x) <= 2L) paste(x, collapse = " and ") else
    paste0(paste(x[-length(x)], collapse = ", "), " and ", x[length(x)])
  definition <- paste0(
    "Multi-state: from ", cols$origin, " every patient is \"event-free\" until the first of ",
    listing(lab), "; each event moves the patient to that state",
    if ("relapse" %in% order_ev && any(c("hsct", "cart") %in% order_ev))
      " (HSCT or CAR-T after a relapse is no transition: the patient stays in \"relapse\")",
    if ("death" %in% order_ev) "; death is absorbing", ". Follow-up ends at ",
    cols$last_contact, ". Events on the same date: the later of ", listing(lab),
    " is the state entered.",
    if (!is.null(cut_txt)) paste0(" Events after ", cut_txt, " are ignored and follow-up ends there."),
    " Time in ", unit, if (unit != "days") paste0(" (days / ", format(divisor), ")"), ".")
  attr(out, "endpoint") <- "multistate"
  attr(out, "unit") <- unit
  attr(out, "definition") <- definition
  attr(out, "excluded") <- stats::setNames(why_out[!keep], label[!keep])
  attr(out, "ties") <- label[tied]
  class(out) <- c("smallsurv_endpoints", "data.frame")
  out
}
