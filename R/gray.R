#' Gray's test for equal cumulative incidence across groups
#'
#' Gray's (1988) K-sample test that the cumulative incidence of a cause is
#' the same in every group, for every cause at once, optionally stratified
#' and with a permutation p-value for small samples.
#'
#' @section Conventions:
#' * The statistic and its asymptotic \eqn{\chi^2_{K-1}} p-value are
#'   computed as `cmprsk::cuminc()` computes its `$Tests` (scores compare
#'   observed events with those expected on the estimated subdistribution
#'   risk sets \eqn{R_k(t) = Y_k(t) (1 - F_k(t-)) / S_k(t-)}, weighted by
#'   \eqn{(1 - F^0(t-))^\rho}; the variance has cmprsk's tie corrections).
#'   With strata, scores and variances are summed over strata.
#' * Unlike cuminc, near-tied times are merged first (`timefix`, as in
#'   [cif()]), the censoring level comes from the factor (or `cencode`), a
#'   cause that never occurs is reported with `NA` instead of being left
#'   out, and a singular variance gives `NA` (cuminc reports -1).
#' * `permutation` adds `p.perm`, a permutation p-value that conditions on
#'   the observed times and strata, which the \eqn{\chi^2} approximation is
#'   not when groups are small; it is computed by default (`"auto"`) and
#'   printed first: `"exact"` enumerates every distinct
#'   allocation of the group labels within strata (feasible for tiny
#'   samples: 12 patients in two groups of 6 have 924), `"monte-carlo"`
#'   permutes them `reps` times, \eqn{p = (1 + b)/(1 + B)}, and `"auto"`
#'   enumerates when that fits in `budget` seconds, else permutes (see
#'   [resampling]). Allocations whose statistic is undefined (a singular
#'   variance, common when a cause has one to three events) are left out
#'   and counted: `attr(x, "permutation")$undefined` (under the null
#'   hypothesis the observed allocation is uniform over those with a defined
#'   statistic too, so the conditional test stays valid; see [resampling]).
#' * A cause with fewer than 10 events is flagged (`few_events`, and a note
#'   in the printout): its asymptotic p-value is unreliable.
#'
#' @param formula `Surv(time, event) ~ group` (groups are the combinations
#'   of the right-hand-side variables), with `event` as in [cif()].
#' @param data A data frame.
#' @param rho Power of the weight \eqn{(1 - F^0(t-))^\rho}; 0 (default)
#'   gives a log-rank-type test, larger values weight early differences.
#' @param strata Optional stratification: column names of `data`, or a
#'   one-sided formula such as `~ site` whose terms are evaluated in `data`
#'   (e.g. `~ age > 10`); strata are their combinations. Missing values are
#'   an error naming the rows.
#' @param cencode As in [cif()].
#' @param permutation `"auto"` (default), `"exact"`, `"monte-carlo"` or
#'   `"none"` (see Conventions); `TRUE`/`FALSE` are deprecated forms of
#'   `"monte-carlo"`/`"none"`.
#' @param reps Number of Monte Carlo permutations (default 10000).
#' @param seed Seed of the permutation generator (a whole number between 0
#'   and \eqn{2^{53}}); `NULL` draws one from R's generator, so `set.seed()`
#'   makes results reproducible.
#' @param budget Time budget in seconds for `permutation = "auto"` (see
#'   [resampling]).
#' @param timefix Merge near-tied times (default `TRUE`).
#' @return A data frame of class `c("smallsurv_gray", "data.frame")` with
#'   one row per cause and columns `cause`, `events` (of that cause),
#'   `statistic`, `df`, `p.value` (asymptotic) and `p.perm` (with a
#'   permutation test); `print()` leads with the permutation p-value and its
#'   Monte Carlo standard error, and says when a cause has fewer than 10
#'   events (see [resampling]); attributes `rho`, `few_events` (per cause),
#'   `groups`,
#'   `strata` and, with a permutation test, `permutation` (a list: `type`,
#'   `reps`, `seed`, `outcomes`, `mc.se`, `valid`, `undefined` (per cause),
#'   `budget`, `reason`, `description`), `reps` and `seed`. [tidy()]
#'   drops the class and attributes; [glance()] describes the test.
#' @references Gray RJ (1988). A class of K-sample tests for comparing the
#'   cumulative incidence of a competing risk. *Ann Stat* 16:1141-1154.
#'   \doi{10.1214/aos/1176350951}
#' @family competing risks
#' @examples
#' set.seed(1)
#' d <- data.frame(time = rexp(40), g = rep(c("a", "b"), 20),
#'                 event = factor(sample(c("cens", "relapse", "death"), 40, TRUE),
#'                                c("cens", "relapse", "death")))
#' gray_test(survival::Surv(time, event) ~ g, data = d)
#' gray_test(survival::Surv(time, event) ~ g, data = d, permutation = "monte-carlo",
#'           reps = 2000, seed = 1)
#' @export
gray_test <- function(formula, data, rho = 0, strata = NULL, cencode = NULL,
                      permutation = c("auto", "exact", "monte-carlo", "none"), reps = 10000,
                      seed = NULL, budget = 2, timefix = TRUE) {
  mcall <- match.call()
  if (!is.numeric(rho) || length(rho) != 1L || !is.finite(rho)) {
    abort("`rho` must be a single finite number; got ", deparse1(rho), ".")
  }
  permutation <- check_permutation(permutation, c("auto", "exact", "monte-carlo", "none"),
                                   "gray_test")
  check_flag(timefix, "timefix")
  reps <- check_reps(reps, 1, 1e7, "Monte Carlo permutations")
  if (permutation %in% c("auto", "monte-carlo")) seed <- check_seed(seed)
  budget <- check_budget(budget)
  keep <- c(1L, match(c("formula", "data"), names(mcall), 0L))
  icall <- mcall[keep]
  input <- surv_input(icall, parent.frame(), multi = TRUE, cencode = cencode)
  if (!is.null(input$entry)) {
    abort("`formula`: Gray's test is defined for right-censored data; ",
          "counting-process data `Surv(start, stop, event)` are not supported.")
  }
  if (is.null(input$strata)) {
    abort("`formula` must name the groups to compare on its right-hand side ",
          "(e.g. `Surv(time, event) ~ dose`); found a single group.")
  }
  sv <- gray_strata(strata, data, input)
  gcode <- as.integer(input$strata)
  scode <- if (is.null(sv)) NULL else as.integer(sv)
  ncause <- length(input$causes)
  call_gray <- function(type, ...) {
    gray_cpp(input$time, input$status, ncause, gcode, nlevels(input$strata), scode,
             if (is.null(sv)) 1L else nlevels(sv), rho, timefix, type, ...)
  }
  res <- call_gray("none")
  stat <- res$statistic
  stat[is.nan(stat)] <- NA_real_  # singular variance (e.g. a cause without events)
  df <- nlevels(input$strata) - 1L
  events <- tabulate(input$status[input$status > 0L], ncause)
  out <- data.frame(cause = input$causes, events = events, statistic = stat, df = df,
                    p.value = stats::pchisq(stat, df, lower.tail = FALSE),
                    stringsAsFactors = FALSE)
  perm <- NULL
  if (permutation != "none") {
    # allocations of the labels within strata: prod n_s! / prod n_gs!
    tab <- table(if (is.null(scode)) rep.int(1L, length(gcode)) else scode, gcode)
    log_alloc <- sum(lfactorial(rowSums(tab))) - sum(lfactorial(tab))
    n <- length(gcode)
    threads <- smallsurv_threads()
    exact_s <- exp(log_alloc) * n * ncause / .resample_rate$gray_obs
    mc_s <- reps * n * ncause / .resample_rate$gray_obs / threads
    choice <- resample_choice(permutation, exact_s, mc_s, budget, reps, NULL, "gray_test")
    r <- NULL
    if (choice$type == "exact") {
      deadline <- enumeration_deadline(budget, exact_s)
      r <- call_gray("exact", budget = deadline)$perm
      if (!isTRUE(r$complete)) {
        choice <- enumeration_stopped(deadline)
        r <- NULL
      }
    }
    if (choice$type == "monte-carlo") {
      r <- call_gray("monte-carlo", reps, seed, threads)$perm
    }
    perm <- list(type = choice$type, reps = if (choice$type == "monte-carlo") reps else NA_real_,
                 seed = if (choice$type == "monte-carlo") seed else NA_real_,
                 outcomes = if (choice$type == "exact") r$outcomes else NA_real_,
                 mc.se = if (is.null(r)) NA_real_ else r$se,
                 valid = if (is.null(r)) NA_real_ else r$valid,
                 undefined = if (is.null(r)) NA_real_ else r$undefined,
                 budget = budget, reason = choice$reason,
                 description = describe_perm(choice$type, outcomes = r$outcomes,
                                             reps = reps, se = max(r$se, na.rm = TRUE),
                                             what = "allocations"))
    out$p.perm <- if (is.null(r)) NA_real_ else r$p
  }
  attr(out, "rho") <- rho
  attr(out, "few_events") <- events < .few_events
  attr(out, "groups") <- levels(input$strata)
  attr(out, "strata") <- if (is.null(sv)) NULL else levels(sv)
  if (!is.null(perm)) {
    attr(out, "permutation") <- perm
    attr(out, "reps") <- perm$reps
    attr(out, "seed") <- perm$seed
  }
  class(out) <- c("smallsurv_gray", "data.frame")
  out
}

#' Tidy and glance at Gray's test
#'
#' `tidy()` gives the test's one row per cause as a plain data frame (the
#' columns [gray_test()] returns: `cause`, `events`, `statistic`, `df`,
#' `p.value` and `p.perm` with a permutation test); `glance()` one row
#' describing the test.
#'
#' @param x A result of [gray_test()].
#' @param ... Unused (`print()`: passed to the data frame's print method).
#' @param digits Significant digits (`print()`).
#' @return A data frame. `glance()`: `n.causes`, `n.groups`, `n.strata`,
#'   `rho`, `df`, `min.p.value` (the smallest p-value over the causes),
#'   `permutation` (`TRUE`/`FALSE`), `reps` and `seed` (`NA` without a
#'   permutation test).
#' @family competing risks
#' @examples
#' first <- endpoints(rrall, "competing")
#' first$dose <- rrall$dose[match(first$id, rrall$id)]
#' g <- gray_test(survival::Surv(time, event) ~ dose, data = first)
#' tidy(g)
#' glance(g)
#' @name gray-tidiers
NULL

#' @rdname gray-tidiers
#' @export
print.smallsurv_gray <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Gray's test (smallsurv), rho = ", format(attr(x, "rho")), "; groups: ",
      paste(attr(x, "groups"), collapse = ", "), "\n", sep = "")
  perm <- attr(x, "permutation")
  has_perm <- !is.null(x$p.perm) && !all(is.na(x$p.perm))
  tab <- data.frame(events = x$events, statistic = format(x$statistic, digits = digits),
                    df = x$df, check.names = FALSE)
  if (has_perm) {  # the small-sample p-value first
    tab$`p (perm.)` <- format.pval(x$p.perm, digits = digits)
    if (identical(perm$type, "monte-carlo")) {
      tab$`MC SE` <- format(perm$mc.se, digits = 2)
    }
  }
  tab$`p (asympt.)` <- format.pval(x$p.value, digits = digits)
  rownames(tab) <- x$cause
  print(tab, quote = FALSE, ...)
  if (!is.null(perm)) {
    cat("p (perm.): ", perm$description, if (nzchar(perm$reason)) paste0(" -- ", perm$reason),
        "\n", sep = "")
    if (perm$type != "none" && any(perm$undefined > 0, na.rm = TRUE)) {
      tot <- perm$valid + perm$undefined
      cat("  left out (singular variance, statistic undefined; see ?resampling): ",
          paste0(x$cause, " ", vapply(perm$undefined, format_big, ""), " of ",
                 vapply(tot, format_big, ""), collapse = "; "), "\n", sep = "")
    }
  }
  note <- few_events_note(stats::setNames(x$events, x$cause), has_perm = has_perm)
  if (nzchar(note)) cat(note, "\n", sep = "")
  invisible(x)
}

#' @rdname gray-tidiers
#' @export
tidy.smallsurv_gray <- function(x, ...) {
  out <- x
  attributes(out) <- attributes(out)[c("names", "row.names")]
  class(out) <- "data.frame"
  out
}

#' @rdname gray-tidiers
#' @export
glance.smallsurv_gray <- function(x, ...) {
  perm <- !is.null(x$p.perm)
  p <- if (all(is.na(x$p.value))) NA_real_ else min(x$p.value, na.rm = TRUE)
  data.frame(n.causes = nrow(x), n.groups = length(attr(x, "groups")),
             n.strata = max(1L, length(attr(x, "strata"))), rho = attr(x, "rho"),
             df = x$df[1], min.p.value = p, permutation = perm,
             reps = if (perm) attr(x, "reps") else NA_integer_,
             seed = if (perm) as.numeric(attr(x, "seed")) else NA_real_,
             stringsAsFactors = FALSE)
}

# The stratification variable, aligned with the analysed rows.
gray_strata <- function(strata, data, input) {
  if (is.null(strata)) return(NULL)
  if (inherits(strata, "formula")) {
    vars <- all.vars(strata)
  } else if (is.character(strata)) {
    vars <- strata
  } else {
    abort("`strata` must be a column name of `data` or a one-sided formula such as `~ site`; ",
          "got ", deparse1(strata), ".")
  }
  miss <- setdiff(vars, names(data))
  if (length(miss)) abort("`strata`: ", paste0("`", miss, "`", collapse = ", "),
                          " not found in `data`.")
  sdf <- if (inherits(strata, "formula")) {
    # the terms of the formula, evaluated (e.g. `~ hgb > 12`)
    stats::model.frame(strata, data, na.action = stats::na.pass)
  } else {
    data[vars]
  }
  if (!is.null(input$na.action)) sdf <- sdf[-as.integer(input$na.action), , drop = FALSE]
  bad <- which(!stats::complete.cases(sdf))
  if (length(bad)) abort("`strata` has missing values at ", format_rows(input$row_label(bad)), ".")
  sv <- make_strata(sdf)
  if (nlevels(sv) < 2L) return(NULL)
  sv
}
