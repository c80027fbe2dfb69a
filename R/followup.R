#' How long have patients been followed? Every measure, labelled
#'
#' "Median follow-up" has at least five incompatible definitions, and
#' published papers rarely say which one they used. `followup()` computes
#' them all, by group, each with its name and its definition in words: the
#' reverse Kaplan-Meier median and quartiles with confidence intervals, the
#' median observation time, the median follow-up among the censored, the
#' median potential follow-up to the data cut-off, the range of follow-up,
#' Clark's completeness index with the observed and potential person-time,
#' the number lost to follow-up before the cut-off and the number of events
#' so far.
#'
#' @section Measures:
#' Notation: subject \eqn{i} has observed time \eqn{t_i} (from entry to
#' event, loss or cut-off; the time of `Surv()`), status \eqn{\delta_i}
#' (1 = event), calendar entry date \eqn{e_i} and data cut-off date
#' \eqn{c_i}; \eqn{p_i = (c_i - e_i)} in days divided by the days per
#' `unit` is the potential follow-up, the time the subject would have had if
#' followed event-free to the cut-off. Measures marked (dates) need
#' `entry_date` and `cutoff_date` and are omitted without them.
#'
#' | `measure` | definition |
#' |---|---|
#' | `n` | number of subjects |
#' | `events` | events so far, \eqn{\sum \delta_i} |
#' | `censored` | subjects censored, at the cut-off or earlier |
#' | `lost_to_followup` | (dates) censored more than half a day before the cut-off: \eqn{\delta_i = 0} and \eqn{t_i < p_i} |
#' | `reverse_km_median` | median of the reverse Kaplan-Meier estimate (Schemper & Smith 1996): the Kaplan-Meier estimate of the censoring distribution \eqn{G(t) = P(C > t)}, with censoring as the "event"; the median potential follow-up had nobody had the event. `lower`/`upper`: its confidence interval |
#' | `reverse_km_p25`, `reverse_km_p75` | first and third quartiles of the reverse Kaplan-Meier estimate (times where \eqn{G} drops to 0.75 and 0.25): its IQR, with confidence intervals |
#' | `observation_median` | median of all \eqn{t_i}, events and censored (shrinks when events come early) |
#' | `observation_min`, `observation_max` | shortest and longest \eqn{t_i} |
#' | `censored_median`, `censored_p25`, `censored_p75` | median and quartiles of \eqn{t_i} among the censored (the "event-free patients" of `bstfun::followup_time()`) |
#' | `potential_median`, `potential_min`, `potential_max` | (dates) median and range of \eqn{p_i} over all subjects, the calendar maturity ("time from enrolment to data cut-off"); ignores losses |
#' | `person_time_observed` | (dates) \eqn{\sum t_i} |
#' | `person_time_potential` | (dates) \eqn{\sum p^*_i}, \eqn{p^*_i = t_i} after an event and \eqn{p_i} otherwise |
#' | `completeness` | (dates) Clark's completeness index \eqn{C = \sum t_i / \sum p^*_i} (Clark, Altman & De Stavola 2002), a proportion; 1 when every censoring is at the cut-off, however short the follow-up |
#'
#' Sample medians and quartiles are R's default, `quantile(type = 7)` (the
#' median of an even number of values is the mean of the middle two). Only
#' the reverse Kaplan-Meier quantiles have confidence intervals; `lower` and
#' `upper` are `NA` elsewhere.
#'
#' @section Reverse Kaplan-Meier, ties and intervals:
#' The two conventions differ only when an event and a censoring share a
#' time \eqn{t_j}, with \eqn{n_j} at risk, \eqn{d_j} events and \eqn{c_j}
#' censorings there:
#' * `ties = "prodlim"` (default): \eqn{G} drops by the factor
#'   \eqn{1 - c_j / (n_j - d_j)}: subjects with an event at \eqn{t_j} are
#'   removed from the censoring risk set first, as
#'   `prodlim::prodlim(Hist(time, status) ~ 1, reverse = TRUE)` does. This is
#'   the default because it is the mirror image of the Kaplan-Meier rule
#'   itself (censorings at an event time count as at risk for the event, as
#'   their event would come later; likewise a subject with an event at
#'   \eqn{t_j} could not have been censored at \eqn{t_j}), and because prodlim's
#'   reverse Kaplan-Meier is the implementation that the follow-up literature
#'   cites for Schemper & Smith's method (prodlim's `followup()`).
#' * `ties = "survfit"`: the factor is \eqn{1 - c_j / n_j}, i.e.
#'   `survival::survfit(Surv(time, status == 0) ~ 1)`: the subjects with an
#'   event, now "censored", still count as at risk at \eqn{t_j}. It gives a
#'   slightly higher curve (longer follow-up) at such ties.
#'
#' Greenwood's variance uses the same risk set
#' (\eqn{\sum c_j / (m_j (m_j - c_j))} with \eqn{m_j} as above). Near-tied
#' times are merged first, as survfit does (`timefix`). The quantiles and
#' their confidence limits follow `survival::quantile.survfit()`: the
#' \eqn{p}-quantile is the first time where \eqn{G \le 1 - p} (the midpoint
#' of a flat stretch at exactly \eqn{1 - p}), and its confidence limits are
#' where the pointwise `conf.type` band crosses \eqn{1 - p}; `NA` when not
#' reached. prodlim's `quantile()` differs in two details: it takes the
#' first time where \eqn{G < 1 - p} (strictly; no midpoint rule), and it
#' ignores curve and band values of exactly 0 or 1, so a quantile reached
#' only where \eqn{G} drops to 0 (the last censoring time) is `NA` in
#' prodlim and that time here, and likewise a lower limit where the
#' truncated plain band first reaches 0. The reverse fit is
#' kept as component `reverse_km` (a [km()] fit, so [at_times()], `plot()`
#' and `tidy()` work on it); its `n.event` are the censorings, `n.censor`
#' the events, and `n.risk` the number at risk (for `ties = "prodlim"` the
#' hazard denominator is `n.risk - n.censor`).
#'
#' @section Time units and dates:
#' Times in `Surv()` are in the unit of the data; `unit` states that unit so
#' that date differences (in days) are converted to it: days divided by 1,
#' 7, 30.4375 (365.25 / 12, months) or 365.25 (years), the convention of
#' [endpoints()] and of `rrall`. A censored subject whose \eqn{t_i} is
#' within half a day of \eqn{p_i} counts as followed to the cut-off; one
#' whose \eqn{t_i} exceeds \eqn{p_i} by more than half a day is an error
#' (the last contact would be after the cut-off, or the entry date wrong).
#' `entry_date` is the calendar date at which time 0 of `Surv()` falls
#' (enrolment, infusion); it is not delayed entry (left truncation).
#'
#' @param formula `Surv(time, status) ~ group` (one set of measures per
#'   combination of the right-hand-side variables, plus `"Overall"`) or
#'   `Surv(time, status) ~ 1`. Right-censored data only.
#' @param data A data frame.
#' @param entry_date Optional calendar entry dates: a column of `data` (a
#'   bare name, evaluated in `data` as `weights` is in [km()]) or a `Date`
#'   vector with one value per row of `data`.
#' @param cutoff_date The data cut-off: a single `Date`, or a column of
#'   `data` / a `Date` vector with one value per row (e.g. per-centre
#'   cut-offs). Needed exactly when `entry_date` is given.
#' @param ties Tie convention of the reverse Kaplan-Meier estimate,
#'   `"prodlim"` (default) or `"survfit"` (see the section).
#' @param conf.level Confidence level of the reverse Kaplan-Meier quantiles.
#' @param conf.type Pointwise interval inverted for those quantiles: `"log-log"`
#'   (default, as [km()]), `"log"` (survfit's default), `"plain"` (prodlim's
#'   Wald limits), `"logit"` or `"arcsin"` (see [ci_methods()]).
#' @param unit Unit of the times in `Surv()`: `"months"`, `"days"`,
#'   `"weeks"` or `"years"`; used to convert date differences and to label
#'   the output. Default: the unit the data carry (attribute `"unit"`, as
#'   [endpoints()] sets it); otherwise, with dates, `"months"`, and without
#'   dates none: times are labelled "in the unit of the data" rather than
#'   in a unit the data may not have.
#' @param na.action Function for rows with missing times, status or groups
#'   (default `getOption("na.action")`). Missing dates are an error.
#' @return An object of class `smallsurv_followup`: a list with `table` (the
#'   data frame that `as.data.frame()` returns: columns `measure`, `group`,
#'   `estimate`, `lower`, `upper`, `definition`), `reverse_km` (the reverse
#'   Kaplan-Meier fit by group), `reverse_km_overall` (without groups),
#'   `ties`, `unit`, `conf.level`, `conf.type`, `dates` (whether dates were
#'   given), `cutoff` (the range of cut-off dates), `n`, `na.action` and
#'   `call`.
#' @references
#' Schemper M, Smith TL (1996). A note on quantifying follow-up in studies of
#' failure time. *Controlled Clinical Trials* 17:343-346.
#' \doi{10.1016/0197-2456(96)00075-X}
#'
#' Clark TG, Altman DG, De Stavola BL (2002). Quantification of the
#' completeness of follow-up. *Lancet* 359:1309-1310.
#' \doi{10.1016/S0140-6736(02)08272-7}
#'
#' Betensky RA (2015). Measures of follow-up in time-to-event studies: why
#' provide them and what should they be? *Clinical Trials* 12:403-408.
#' \doi{10.1177/1740774515586176}
#'
#' Gerds TA (2019). prodlim: Product-limit estimation for censored event
#' history analysis. R package.
#' @family follow-up
#' @examples
#' fu <- followup(survival::Surv(os_time, os_status) ~ dose, data = rrall,
#'                entry_date = enrolled, cutoff_date = cutoff)
#' fu
#' as.data.frame(fu)[, c("measure", "group", "estimate", "lower", "upper")]
#' # without dates: the measures that need only the times
#' followup(survival::Surv(efs_time, efs_status) ~ 1, data = rrall, ties = "survfit")
#' @export
followup <- function(formula, data, entry_date, cutoff_date, ties = c("prodlim", "survfit"),
                     conf.level = 0.95, conf.type = "log-log",
                     unit = NULL, na.action) {
  mcall <- match.call()
  ties <- match_one(ties, c("prodlim", "survfit"), "ties")
  units <- c("months", "days", "weeks", "years")
  if (!is.null(unit)) unit <- match_one(unit, units, "unit")
  check_conf_level(conf.level)
  fu_types <- c("log-log", "log", "plain", "logit", "arcsin")
  if (!is.character(conf.type) || length(conf.type) != 1L || !conf.type %in% fu_types) {
    abort("`conf.type` must be one of ", paste0("\"", fu_types, "\"", collapse = ", "),
          " for followup(); got ", deparse1(conf.type), ".")
  }
  if (missing(data)) abort("`data` is required: a data frame with the times and dates.")
  scall <- mcall[c(1L, match(c("formula", "data", "na.action"), names(mcall), 0L))]
  input <- surv_input(scall, parent.frame(), allow_entry = FALSE)
  if (!is.null(input$weights)) abort("followup() does not take case weights.")
  has_entry <- !is.null(mcall$entry_date)
  has_cut <- !is.null(mcall$cutoff_date)
  if (has_entry != has_cut) {
    abort("`entry_date` and `cutoff_date` go together: give both (for potential follow-up, ",
          "completeness and losses to follow-up) or neither; got only `",
          if (has_entry) "entry_date" else "cutoff_date", "`.")
  }
  # the unit: stated, carried by the data, "months" to convert dates, or
  # unknown (NA: labelled "in the unit of the data")
  if (is.null(unit) && !is.null(input$unit) && input$unit %in% units) unit <- input$unit
  if (is.null(unit) && has_entry) unit <- "months"
  divisor <- if (is.null(unit)) 1 else
    c(days = 1, weeks = 7, months = 30.4375, years = 365.25)[[unit]]
  if (is.null(unit)) unit <- NA_character_

  dates <- NULL
  if (has_entry) {
    env <- parent.frame()
    dat <- eval(mcall$data, env)
    entry <- eval(mcall$entry_date, dat, env)
    cutoff <- eval(mcall$cutoff_date, dat, env)
    dates <- fu_dates(entry, cutoff, nrow(dat), input, divisor, unit)
  }
  new_followup(input, dates, ties, conf.level, conf.type, unit, divisor, mcall)
}

# Dates of the kept rows, checked; potential follow-up in `unit`.
fu_dates <- function(entry, cutoff, nrows, input, divisor, unit) {
  check_date <- function(x, arg, len_ok) {
    if (!inherits(x, "Date")) {
      abort("`", arg, "` must be a `Date` (a column of `data` or a vector); got an object of ",
            "class ", paste(class(x), collapse = "/"), ". Convert it with as.Date().")
    }
    if (!length(x) %in% len_ok) {
      abort("`", arg, "` must have ", paste(unique(len_ok), collapse = " or "),
            " value", if (max(len_ok) > 1L) "s" else "", " (one per row of `data`",
            if (1L %in% len_ok) ", or a single date" else "", "); got ", length(x), ".")
    }
  }
  check_date(entry, "entry_date", nrows)
  check_date(cutoff, "cutoff_date", unique(c(1L, nrows)))
  if (length(cutoff) == 1L) cutoff <- rep(cutoff, nrows)
  kept <- seq_len(nrows)
  if (!is.null(input$na.action)) kept <- kept[-as.integer(input$na.action)]
  entry <- entry[kept]
  cutoff <- cutoff[kept]
  rows <- input$row_label
  i <- which(is.na(entry))
  if (length(i)) abort("`entry_date` is missing at ", format_rows(rows(i)), ".")
  i <- which(is.na(cutoff))
  if (length(i)) abort("`cutoff_date` is missing at ", format_rows(rows(i)), ".")
  days <- as.numeric(cutoff) - as.numeric(entry)
  i <- which(days < 0)
  if (length(i)) {
    abort("`cutoff_date` is before `entry_date` at ", format_rows(rows(i)), " (entry ",
          paste(utils::head(format(entry[i]), 3), collapse = ", "), "; cut-off ",
          paste(utils::head(format(cutoff[i]), 3), collapse = ", "), ").")
  }
  potential <- days / divisor
  tol <- 0.5 / divisor  # half a day, in `unit`
  i <- which(input$time > potential + tol)
  if (length(i)) {
    last <- entry[i] + round(input$time[i] * divisor)
    abort("the last contact (`entry_date` + time) is after `cutoff_date` at ",
          format_rows(rows(i)), ": entry ", paste(utils::head(format(entry[i]), 3), collapse = ", "),
          " + time ", paste(utils::head(format(signif(input$time[i], 4)), 3), collapse = ", "),
          " ", unit, " = ", paste(utils::head(format(last), 3), collapse = ", "),
          ", cut-off ", paste(utils::head(format(cutoff[i]), 3), collapse = ", "),
          ". Check the entry dates, the times and `unit`.")
  }
  list(potential = potential, lost = input$status == 0L & input$time < potential - tol,
       cutoff = range(cutoff))
}

# The reverse Kaplan-Meier fit (the only .Call), as a km() fit.
reverse_km_impl <- function(input, strata, ties, conf.level, conf.type, call) {
  res <- reverse_km_cpp(input$time, input$status,
                        if (is.null(strata)) NULL else as.integer(strata),
                        if (is.null(strata)) 1L else nlevels(strata), TRUE, ties)
  rin <- input
  rin$strata <- strata
  rin$status <- 1L - input$status
  new_km(res, rin, ci_method(conf.type), conf.level, FALSE, call)
}

# Quartiles of the reverse Kaplan-Meier fit and the inverted pointwise band,
# by smallsurv's own quantile method with survival's inversion rule (the
# result of survival's quantile.survfit()); one row per group.
fu_quantiles <- function(fit, ngroup) {
  q <- quantile_table(fit, probs = c(0.25, 0.5, 0.75), method = "band",
                      inversion = "survival", maturity = FALSE)
  m <- function(v) matrix(v, nrow = ngroup, ncol = 3L, byrow = TRUE)
  list(quantile = m(q$estimate), lower = m(q$lower), upper = m(q$upper))
}

new_followup <- function(input, dates, ties, conf.level, conf.type, unit, divisor, call) {
  strata <- input$strata
  rkm <- reverse_km_impl(input, strata, ties, conf.level, conf.type, call)
  groups <- "Overall"
  gcode <- rep(1L, length(input$time))
  rkm_all <- rkm
  if (!is.null(strata)) {
    rkm_all <- reverse_km_impl(input, NULL, ties, conf.level, conf.type, call)
    groups <- c("Overall", levels(strata))
  }
  q <- fu_quantiles(rkm_all, 1L)
  if (!is.null(strata)) {
    qs <- fu_quantiles(rkm, nlevels(strata))
    q <- lapply(names(q), function(k) rbind(q[[k]], qs[[k]]))
    names(q) <- c("quantile", "lower", "upper")
  }
  # per group: index sets (Overall = everyone)
  idx <- c(list(seq_along(input$time)),
           if (!is.null(strata)) split(seq_along(input$time), strata))
  qtl <- function(v, p) if (length(v)) unname(stats::quantile(v, p, type = 7)) else NA_real_
  rows <- lapply(seq_along(groups), function(g) {
    i <- idx[[g]]
    t <- input$time[i]
    st <- input$status[i]
    tc <- t[st == 0L]
    est <- c(n = length(i), events = sum(st), censored = sum(st == 0L))
    if (!is.null(dates)) est <- c(est, lost_to_followup = sum(dates$lost[i]))
    est <- c(est, reverse_km_median = q$quantile[g, 2], reverse_km_p25 = q$quantile[g, 1],
             reverse_km_p75 = q$quantile[g, 3],
             observation_median = qtl(t, 0.5),
             observation_min = if (length(t)) min(t) else NA_real_,
             observation_max = if (length(t)) max(t) else NA_real_,
             censored_median = qtl(tc, 0.5), censored_p25 = qtl(tc, 0.25),
             censored_p75 = qtl(tc, 0.75))
    if (!is.null(dates)) {
      p <- dates$potential[i]
      pstar <- ifelse(st == 1L, t, p)
      est <- c(est, potential_median = qtl(p, 0.5), potential_min = min(p),
               potential_max = max(p), person_time_observed = sum(t),
               person_time_potential = sum(pstar),
               completeness = if (sum(pstar) > 0) sum(t) / sum(pstar) else NA_real_)
    }
    lo <- up <- rep(NA_real_, length(est))
    k <- match(c("reverse_km_p25", "reverse_km_median", "reverse_km_p75"), names(est))
    lo[k] <- q$lower[g, ]
    up[k] <- q$upper[g, ]
    data.frame(measure = names(est), group = groups[g], estimate = unname(est),
               lower = lo, upper = up, stringsAsFactors = FALSE)
  })
  tab <- do.call(rbind, rows)
  defs <- fu_definitions(unit, divisor, ties, conf.level, conf.type)
  tab$definition <- unname(defs[tab$measure])
  rownames(tab) <- NULL
  structure(list(table = tab, reverse_km = rkm, reverse_km_overall = rkm_all, ties = ties,
                 unit = unit, conf.level = conf.level, conf.type = conf.type,
                 dates = !is.null(dates), cutoff = dates$cutoff, n = length(input$time),
                 na.action = input$na.action, call = call),
            class = "smallsurv_followup")
}

# "months", or for an unknown unit (NA) "the unit of the data".
unit_text <- function(unit) if (is.na(unit)) "the unit of the data" else unit

fu_definitions <- function(unit, divisor, ties, conf.level, conf.type) {
  tie_txt <- if (ties == "prodlim") {
    "subjects with an event at a censoring time are removed from the censoring risk set first (prodlim)"
  } else {
    "subjects with an event at a censoring time still count in the censoring risk set (survfit on the reversed status)"
  }
  ci_txt <- paste0(format(100 * conf.level), "% CI from the pointwise ", conf.type,
                   " band of the reverse Kaplan-Meier curve")
  rkm <- paste0("of the reverse Kaplan-Meier estimate (the Kaplan-Meier estimate of the ",
                "time to censoring, censoring taken as the event; Schemper & Smith 1996); ",
                tie_txt, "; ", ci_txt)
  pot <- paste0("potential follow-up = (cut-off date - entry date) in days",
                if (divisor != 1) paste0(" / ", format(divisor)), ", in ", unit_text(unit))
  c(n = "number of subjects",
    events = "number of events so far (status 1)",
    censored = "number of subjects censored (status 0), at the cut-off or earlier",
    lost_to_followup = paste0("censored subjects whose observation ends more than half a day ",
                              "before the cut-off (time < potential follow-up)"),
    reverse_km_median = paste("median", rkm),
    reverse_km_p25 = paste0("first quartile of the reverse Kaplan-Meier estimate (time where ",
                            "it drops to 0.75), conventions as reverse_km_median"),
    reverse_km_p75 = paste0("third quartile of the reverse Kaplan-Meier estimate (time where ",
                            "it drops to 0.25), conventions as reverse_km_median"),
    observation_median = "median observation time of all subjects, events and censored",
    observation_min = "shortest observation time (any status)",
    observation_max = "longest observation time (any status)",
    censored_median = "median observation time among the censored subjects",
    censored_p25 = "first quartile of the observation time among the censored subjects",
    censored_p75 = "third quartile of the observation time among the censored subjects",
    potential_median = paste("median", pot),
    potential_min = paste("shortest", pot),
    potential_max = paste("longest", pot),
    person_time_observed = paste0("observed person-time: sum of the observation times, in ",
                                  unit_text(unit)),
    person_time_potential = paste0("potential person-time: sum over subjects of the ",
                                   "observation time after an event, else the potential ",
                                   "follow-up, in ", unit_text(unit)),
    completeness = paste0("Clark's completeness index: observed / potential person-time ",
                          "(1 = no time lost to follow-up; Clark, Altman & De Stavola 2002)"))
}

#' Methods for follow-up measures
#'
#' `as.data.frame()` gives one row per measure and group with columns
#' `measure`, `group`, `estimate`, `lower`, `upper` and `definition`;
#' `tidy()` the same with broom's names (`term`, `group`, `estimate`,
#' `conf.low`, `conf.high`); `print()` a table with one column per group
#' followed by the definition of every measure in words.
#'
#' @param x A result of [followup()].
#' @param row.names,optional Unused (for the generic).
#' @param digits Significant digits of times in `print()`.
#' @param ... Unused.
#' @return `as.data.frame()` and `tidy()`: a data frame. `print()`: `x`,
#'   invisibly.
#' @family follow-up
#' @examples
#' fu <- followup(survival::Surv(os_time, os_status) ~ 1, data = rrall,
#'                entry_date = enrolled, cutoff_date = cutoff)
#' tidy(fu)
#' @name followup-methods
NULL

#' @rdname followup-methods
#' @export
as.data.frame.smallsurv_followup <- function(x, row.names = NULL, optional = FALSE, ...) {
  x$table
}

#' @rdname followup-methods
#' @export
tidy.smallsurv_followup <- function(x, ...) {
  t <- x$table
  data.frame(term = t$measure, group = t$group, estimate = t$estimate, conf.low = t$lower,
             conf.high = t$upper, stringsAsFactors = FALSE)
}

#' @rdname followup-methods
#' @export
print.smallsurv_followup <- function(x, digits = 3, ...) {
  t <- x$table
  cat("Follow-up of ", x$n, " subject", if (x$n != 1L) "s", ", times in ", unit_text(x$unit),
      sep = "")
  if (x$dates) {
    cut <- unique(format(x$cutoff))
    cat("; data cut-off ", paste(cut, collapse = " to "), sep = "")
  }
  cat("\n")
  if (!is.null(x$na.action)) {
    cat(length(x$na.action), " row", if (length(x$na.action) != 1L) "s", " removed (missing values)\n",
        sep = "")
  }
  cat("Reverse Kaplan-Meier: ", x$ties, " ties, ", format(100 * x$conf.level), "% ",
      x$conf.type, " confidence limits\n\n", sep = "")
  counts <- c("n", "events", "censored", "lost_to_followup")
  fmt_num <- function(v) {
    vapply(v, function(z) if (is.na(z)) "NA" else format(signif(z, digits)), character(1))
  }
  cell <- ifelse(t$measure %in% counts, formatC(t$estimate, format = "d", big.mark = ""),
                 ifelse(t$measure == "completeness",
                        paste0(formatC(100 * t$estimate, format = "f", digits = 1), "%"),
                        fmt_num(t$estimate)))
  ci <- !is.na(t$lower) | !is.na(t$upper) | grepl("^reverse_km", t$measure)
  cell[ci] <- paste_ci(cell[ci], t$lower[ci], t$upper[ci], fmt_num, no_interval = "NA, NA")
  measures <- unique(t$measure)
  groups <- unique(t$group)
  m <- matrix("", length(measures), length(groups), dimnames = list(measures, groups))
  m[cbind(match(t$measure, measures), match(t$group, groups))] <- cell
  print(noquote(m), right = TRUE)
  cat("\nDefinitions (reverse Kaplan-Meier quantiles: estimate (", format(100 * x$conf.level),
      "% CI)):\n", sep = "")
  defs <- t$definition[match(measures, t$measure)]
  txt <- strwrap(paste0(measures, ": ", defs), width = getOption("width", 80) - 2,
                 indent = 2, exdent = 4, simplify = FALSE)
  cat(unlist(txt), sep = "\n")
  invisible(x)
}
