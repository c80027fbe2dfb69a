#' Restricted mean survival time and restricted mean time lost
#'
#' Estimates, per group, the restricted mean survival time (RMST, the area
#' under the Kaplan-Meier curve up to `tau`) and the restricted mean time
#' lost (RMTL = `tau` - RMST) with standard errors and Wald confidence
#' intervals, and compares groups: the difference in RMST, the RMST ratio
#' and the RMTL ratio, with confidence intervals and p-values. With two
#' groups every number equals `survRM2::rmst2()` (tested to 1e-8); for small
#' samples a studentized permutation p-value can be added.
#'
#' @section Estimator and variance:
#' With the Kaplan-Meier estimate \eqn{\hat S} at the distinct times
#' \eqn{t_1 < \dots < t_m \le \tau} (\eqn{n_j} at risk, \eqn{d_j} events),
#' \deqn{\widehat{RMST}(\tau) = \int_0^\tau \hat S(u)\,du, \qquad
#' \widehat{Var} = \sum_{t_j \le \tau} \Big[\int_{t_j}^\tau \hat S(u)\,du\Big]^2
#' \frac{d_j}{n_j (n_j - d_j)},}
#' the term being 0 when \eqn{n_j = d_j} (Miller 1981, pp. 195-196; the
#' variance of survRM2 and of `survival::print.survfit(rmean = )`).
#' \eqn{\widehat{RMTL} = \tau - \widehat{RMST}} has the same variance.
#' Intervals are \eqn{\widehat{RMST} \pm z_{1-\alpha/2} SE} (RMTL: `tau`
#' minus the RMST limits). Between group \eqn{b} and the reference group
#' \eqn{a} (the earlier level):
#' * difference \eqn{\Delta = RMST_b - RMST_a}, \eqn{SE = \sqrt{V_b + V_a}};
#' * ratio \eqn{RMST_b / RMST_a}, on the log scale with
#'   \eqn{SE = \sqrt{V_b/RMST_b^2 + V_a/RMST_a^2}} (delta method), interval
#'   and estimate exponentiated;
#' * RMTL ratio \eqn{RMTL_b / RMTL_a}, likewise with the RMTLs.
#'
#' p-values are two-sided Wald tests of \eqn{\Delta = 0} and of a log
#' ratio = 0. In `tidy()` the `std.error` of a ratio is the standard error
#' of its *logarithm*. When no group has an event before `tau` (both
#' variances 0) the difference is exactly 0 and its p-value 1: a zero
#' standard error gives the Wald statistic 0 when the estimate is 0 and
#' \eqn{\pm\infty}{+-Inf} (p-value 0) otherwise, the convention of the
#' studentized permutation statistic too (one C++ implementation serves
#' both). survRM2 computes 0/0 there (`NaN`), and its sum of areas can
#' leave a rounding residue (~1e-15) that it reports as p = 0. An RMTL of 0
#' (no event before `tau`) makes the RMTL ratio undefined, as in survRM2.
#'
#' @section Choice of tau:
#' A group's Kaplan-Meier curve is known up to its largest observed time,
#' and beyond it only when that time is an event (the curve has reached 0).
#' The largest allowed `tau` is therefore the smallest largest-observed-time
#' among the groups whose last observation is censored, capped at the
#' largest observed time overall. With two groups this is survRM2's rule
#' (NEWS 1.0-2/1.0-3): the larger of the two largest observed times when
#' the group that ends first ends in an event, otherwise the smaller one.
#' `tau = NULL` uses that bound; a larger `tau` is an error that names the
#' bound. Choose `tau` before looking at the data when you can: a
#' data-driven `tau` is a random quantity (Tian et al. 2020).
#'
#' @section More than two groups:
#' Every pair of groups is compared (later level against earlier level).
#' By default (`adjust = "none"`) no multiplicity adjustment is made: the
#' p-values and intervals are per comparison. `adjust` applies
#' [stats::p.adjust()] to the p-values of each kind of contrast (difference,
#' ratio, RMTL ratio, and the permutation p-values) across the pairs; the
#' intervals stay unadjusted.
#'
#' @section Permutation p-value for small samples:
#' With fewer than about 50 subjects per group the asymptotic tests inflate
#' the type I error (Horiguchi & Uno 2020). `permutation = "monte-carlo"` adds
#' `p.perm`, a studentized permutation p-value (Ditzhaus, Yu & Xu 2023) for
#' each contrast: the group labels of the two groups being compared are
#' permuted `reps` times (in C++, with the package's one generator seeded by
#' `seed`, so a seed gives the same p-value on every platform and for any
#' number of threads; see [resampling]), the
#' studentized statistic (estimate / SE; for ratios log ratio / SE) is
#' recomputed at the same `tau`, and
#' \eqn{p = (1 + \#\{|T^*| \ge |T|\}) / (1 + reps)}. In a permuted sample
#' where a group's curve ends censored before `tau`, the curve is extended
#' flat to `tau` (survival's `rmean` convention); a permuted statistic
#' that is undefined (log of an RMST or RMTL of 0) is left out of \eqn{B}
#' and counted (`permutation$undefined`), the convention of every
#' permutation test in smallsurv ([resampling]). `permutation = "auto"`
#' runs the permutations when their estimated time fits in `budget`
#' seconds. Studentization keeps the test valid
#' asymptotically when the censoring differs between groups.
#'
#' @param formula `Surv(time, status) ~ group` (or `~ 1` for one group;
#'   several variables: one group per combination, labelled as survfit).
#'   Right-censored data only.
#' @param data A data frame.
#' @param tau Truncation time (> 0), or `NULL` for the largest allowed value
#'   (see "Choice of tau").
#' @param conf.level Confidence level, strictly between 0 and 1.
#' @param subset Optional expression selecting rows of `data`.
#' @param na.action Function for missing values (default
#'   `getOption("na.action")`).
#' @param adjust Multiplicity adjustment of the pairwise p-values with more
#'   than two groups: `"none"` (default) or a method of
#'   [stats::p.adjust()] (e.g. `"holm"`).
#' @param permutation `"auto"` (default: when the permutations fit in
#'   `budget`), `"monte-carlo"` or `"none"`: studentized permutation
#'   p-values (`p.perm`), printed first; `TRUE`/`FALSE` are deprecated forms
#'   of `"monte-carlo"`/`"none"`.
#' @param reps Number of permutations (default 10000).
#' @param seed Seed of the permutation generator (a whole number between 0
#'   and \eqn{2^{53}}); `NULL` draws one from R's generator, so
#'   [set.seed()] makes results reproducible.
#' @param budget Time budget in seconds for `permutation = "auto"` (see
#'   [resampling]).
#' @param timefix Merge near-tied times as survfit does (default `TRUE`).
#' @param conf.type Interval of each group's RMST (and RMTL = tau - RMST),
#'   both inside \eqn{[0, \tau]}: `"plain"` (default) is survRM2's Wald
#'   interval \eqn{\hat\mu \pm z\,se}, its limits truncated to
#'   \eqn{[0, \tau]} where they fall outside (as survfit truncates plain
#'   intervals of a probability to \eqn{[0, 1]}; `truncated` marks such
#'   groups and `print()` says so); `"logit"` is the Wald interval of
#'   \eqn{\mathrm{logit}(\hat\mu/\tau)} (standard error
#'   \eqn{se / (\tau p (1 - p))}, \eqn{p = \hat\mu/\tau}) mapped back,
#'   inside the range by construction. The contrasts keep their own scales.
#' @return An object of class `smallsurv_rmst`: a list with `groups` (one
#'   row per group: `group`, `n`, `events` up to `tau`, `rmst`,
#'   `std.error`, `conf.low`, `conf.high`, `rmtl`, `rmtl.low`,
#'   `rmtl.high`, `truncated`), `contrasts` (one row per pair and contrast: `term`,
#'   `group`, `estimate`, `std.error`, `conf.low`, `conf.high`,
#'   `p.value`, `events` (up to `tau` in the two groups; fewer than 10 is
#'   flagged in the printout, see [resampling]) and `p.perm` with a
#'   permutation test), `tau`,
#'   `tau_bound` (the largest allowed tau), `tau_note`, `conf.level`,
#'   `conf.type`, `few_events` (per contrast row: fewer than 10 events),
#'   `adjust`, `permutation` (`NULL` or a list with `reps` and `seed`),
#'   `na.action` and `call`. Methods: `print()`, `tidy()`, `glance()`.
#' @references
#' Royston P, Parmar MKB (2013). Restricted mean survival time: an
#' alternative to the hazard ratio for the design and analysis of
#' randomized trials with a time-to-event outcome. *BMC Med Res Methodol*
#' 13:152. \doi{10.1186/1471-2288-13-152}
#'
#' Uno H, Claggett B, Tian L, et al. (2014). Moving beyond the hazard ratio
#' in quantifying the between-group difference in survival analysis.
#' *J Clin Oncol* 32:2380-2385. \doi{10.1200/JCO.2014.55.2208}
#'
#' Miller RG (1981). *Survival Analysis*. Wiley, pp. 195-196.
#'
#' Tian L, Jin H, Uno H, et al. (2020). On the empirical choice of the time
#' window for restricted mean survival time. *Biometrics* 76:1157-1166.
#' \doi{10.1111/biom.13237}
#'
#' Horiguchi M, Uno H (2020). On permutation tests for comparing restricted
#' mean survival time with small sample from randomized trials. *Stat Med*
#' 39:2655-2670. \doi{10.1002/sim.8565}
#'
#' Ditzhaus M, Yu M, Xu J (2023). Studentized permutation method for
#' comparing two restricted mean survival times with small sample from
#' randomized trials. *Stat Med* 42:2226-2240. \doi{10.1002/sim.9720}
#' @family restricted mean survival
#' @examples
#' fit <- rmst(survival::Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6)
#' fit
#' tidy(fit)
#' # small groups: add a studentized permutation p-value
#' rmst(survival::Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6,
#'      permutation = "monte-carlo", reps = 2000, seed = 1)
#' @export
rmst <- function(formula, data, tau = NULL, conf.level = 0.95, subset, na.action,
                 adjust = "none", permutation = c("auto", "monte-carlo", "none"),
                 reps = 10000, seed = NULL, budget = 2,
                 timefix = TRUE, conf.type = c("plain", "logit")) {
  mcall <- match.call()
  check_conf_level(conf.level)
  conf.type <- match_one(conf.type, c("plain", "logit"), "conf.type")
  permutation <- check_permutation(permutation, c("auto", "monte-carlo", "none"), "rmst")
  check_flag(timefix, "timefix")
  if (!is.character(adjust) || length(adjust) != 1L || !adjust %in% stats::p.adjust.methods) {
    abort("`adjust` must be one of ", paste0("\"", stats::p.adjust.methods, "\"", collapse = ", "),
          "; got ", deparse1(adjust), ".")
  }
  if (!is.null(tau) && (!is.numeric(tau) || length(tau) != 1L || !is.finite(tau))) {
    abort("`tau` must be NULL or a single finite number; got ", deparse1(tau), ".")
  }
  if (!is.null(tau) && tau <= 0) abort("`tau` must be positive; got ", deparse1(tau), ".")
  perm <- NULL
  if (permutation != "none") {
    perm <- list(type = permutation, reps = check_reps(reps, 2, 1e6, "permutations"),
                 seed = check_seed(seed), budget = check_budget(budget))
  }
  input <- surv_input(mcall, parent.frame(), allow_entry = FALSE)
  rmst_impl(input, tau, conf.level, adjust, perm, timefix, mcall, conf.type)
}

# Limits of an RMST (in [0, tau]) from its estimate and standard error:
# "plain" is survRM2's Wald interval est -+ z se, truncated to [0, tau] as
# survfit truncates its plain intervals to [0, 1] (`truncated` marks the
# limits that were cut); "logit" is the Wald interval of logit(est / tau),
# mapped back (inside (0, tau) by construction; (est, est) when se = 0 or
# est is 0 or tau).
rmst_limits <- function(est, se, tau, z, conf.type) {
  lo <- est - z * se
  hi <- est + z * se
  truncated <- !is.na(lo) & (lo < 0 | hi > tau)
  if (conf.type == "logit") {
    p <- est / tau
    ok <- (!is.na(p) & p > 0 & p < 1 & se > 0) %in% TRUE
    h <- z * se[ok] / (tau * p[ok] * (1 - p[ok]))
    lo[ok] <- tau * stats::plogis(stats::qlogis(p[ok]) - h)
    hi[ok] <- tau * stats::plogis(stats::qlogis(p[ok]) + h)
    truncated <- !ok & truncated
  }
  list(lower = pmin(pmax(lo, 0), tau), upper = pmin(pmax(hi, 0), tau), truncated = truncated)
}

# The largest allowed tau given each group's largest observed time and
# whether its curve ends in an event (survRM2's rule, any number of groups).
# The rule lives in the C++ core (rmst_tau_bound), which rmst_fit_cpp()
# applies in the same pass; this wrapper exposes it for tests.
rmst_tau_bound <- function(last_time, last_event) {
  rmst_tau_bound_cpp(as.numeric(last_time), as.numeric(last_event))
}

# The only place that calls the C++ RMST kernels.
rmst_impl <- function(input, tau, conf.level, adjust, perm, timefix, call,
                      conf.type = "plain") {
  strata <- input$strata
  ng <- if (is.null(strata)) 1L else nlevels(strata)
  labels <- if (is.null(strata)) "all" else levels(strata)
  sc <- if (is.null(strata)) NULL else as.integer(strata)
  # one pass: the curves' ends, the bound, and the estimates at tau (the
  # bound when tau is NULL) when tau is allowed
  res <- rmst_fit_cpp(input$time, input$status, sc, ng, if (is.null(tau)) NA_real_ else tau,
                      timefix)
  bound <- res$tau_bound
  note <- if (is.null(tau)) "default: the largest allowed value" else "specified"
  if (is.null(tau)) {
    tau <- bound
    if (!(tau > 0)) abort("rmst(): the largest allowed `tau` is ", format(tau),
                          " (every curve ends at time 0); there is nothing to estimate.")
  } else if (tau > bound) {
    ends <- paste0(labels, ": ", format(res$last_time, trim = TRUE),
                   ifelse(res$last_event == 1, " (event)", " (censored)"), collapse = "; ")
    abort("`tau` = ", format(tau), " is beyond the largest allowed value ", format(bound),
          ": the Kaplan-Meier curve of a group whose last observation is censored is unknown ",
          "after that time (largest observed times: ", ends, ").")
  }
  z <- stats::qnorm(1 - (1 - conf.level) / 2)
  se <- sqrt(res$var)
  lim <- rmst_limits(res$rmst, se, tau, z, conf.type)
  groups <- data.frame(group = labels, n = res$n, events = res$events, rmst = res$rmst,
                       std.error = se, conf.low = lim$lower, conf.high = lim$upper,
                       rmtl = tau - res$rmst, rmtl.low = tau - lim$upper,
                       rmtl.high = tau - lim$lower, truncated = lim$truncated,
                       stringsAsFactors = FALSE)
  contrasts <- NULL
  if (!is.null(perm)) perm <- rmst_perm_plan(perm, ng, if (is.null(sc)) 0 else tabulate(sc, ng))
  if (ng > 1L) {
    pairs <- utils::combn(ng, 2L)
    contrasts <- do.call(rbind, lapply(seq_len(ncol(pairs)), function(k) {
      a <- pairs[1L, k]
      b <- pairs[2L, k]
      out <- rmst_contrast(res$rmst[b], res$var[b], res$rmst[a], res$var[a], tau, z,
                           paste(labels[b], "vs", labels[a]))
      out$events <- res$events[a] + res$events[b]  # up to tau, the two groups
      if (!is.null(perm)) {
        out$p.perm <- NA_real_
        if (perm$type == "monte-carlo") {
          keep <- sc %in% c(a, b)
          pr <- rmst_perm_cpp(input$time[keep], input$status[keep],
                              as.integer(sc[keep] == b), tau, timefix, perm$reps, perm$seed,
                              perm$threads)
          out$p.perm <- pr$p
          out$p.perm.se <- pr$se
          out$p.perm.undefined <- pr$undefined
        }
      }
      out
    }))
    if (ng > 2L && adjust != "none") {
      for (term in unique(contrasts$term)) {
        i <- contrasts$term == term
        contrasts$p.value[i] <- stats::p.adjust(contrasts$p.value[i], adjust)
        if (!is.null(perm) && perm$type == "monte-carlo") {
          contrasts$p.perm[i] <- stats::p.adjust(contrasts$p.perm[i], adjust)
        }
      }
    }
    rownames(contrasts) <- NULL
    if (!is.null(perm)) {  # Monte Carlo SEs and undefined counts per contrast row
      perm$mc.se <- contrasts$p.perm.se
      perm$undefined <- contrasts$p.perm.undefined
      contrasts$p.perm.se <- contrasts$p.perm.undefined <- NULL
    }
  }
  out <- list(groups = groups, contrasts = contrasts, tau = tau, tau_bound = bound,
              tau_note = note, conf.level = conf.level, conf.type = conf.type, adjust = adjust,
              permutation = perm,
              few_events = if (is.null(contrasts)) NULL else contrasts$events < .few_events,
              na.action = input$na.action, call = call)
  class(out) <- "smallsurv_rmst"
  out
}

# "auto": Monte Carlo when its estimated time (every pair) fits the budget.
rmst_perm_plan <- function(perm, ng, sizes) {
  perm$threads <- smallsurv_threads()
  pairs <- if (ng > 1L) utils::combn(ng, 2L) else matrix(0L, 2L, 0L)
  obs <- sum(sizes[pairs[1L, ]] + sizes[pairs[2L, ]])
  mc_s <- perm$reps * obs / .resample_rate$rmst_obs / perm$threads
  choice <- resample_choice(perm$type, Inf, mc_s, perm$budget, perm$reps,
                            "not available for the RMST", "rmst")
  perm$type <- choice$type
  perm$reason <- choice$reason
  perm
}

# Difference, RMST ratio and RMTL ratio of group b against group a
# (survRM2::rmst2's formulas). The estimates, standard errors and Wald
# statistics come from the C++ core (rmst_contrasts(), which the
# permutation test uses too); a zero standard error gives the statistic 0
# (p-value 1) when the estimate is 0 and +-Inf (p-value 0) otherwise.
rmst_contrast <- function(rb, vb, ra, va, tau, z, label) {
  k <- rmst_contrast_cpp(rb, vb, ra, va, tau)
  est <- k$estimate[1L, ]
  se <- k$std.error[1L, ]
  low <- est - z * se
  high <- est + z * se
  data.frame(term = c("difference", "ratio", "rmtl_ratio"), group = label,
             estimate = c(est[1L], exp(est[2:3])), std.error = se,
             conf.low = c(low[1L], exp(low[2:3])), conf.high = c(high[1L], exp(high[2:3])),
             p.value = 2 * stats::pnorm(-abs(k$statistic[1L, ])),
             stringsAsFactors = FALSE)
}

#' Print, tidy and glance at an RMST analysis
#'
#' `print()` states `tau` and how it was chosen, the variance and interval,
#' then the RMST and RMTL per group and the contrasts. `tidy()` gives one
#' row per group and quantity (`term` `"rmst"`, `"rmtl"`) and per pair and
#' contrast (`"difference"`, `"ratio"`, `"rmtl_ratio"`; `group` is
#' `"b vs a"`), with `estimate`, `std.error` (of the log for the ratios),
#' `conf.low`, `conf.high`, `p.value` (`NA` for per-group rows) and
#' `p.perm` when permutation p-values were computed. `glance()` gives one
#' row: `tau`, `tau_bound`, `groups`, `n`, `events`, `conf.level`,
#' `adjust`, `reps`, `seed`.
#'
#' @param x A result of [rmst()].
#' @param digits Significant digits.
#' @param ... Unused.
#' @return `print()`: `x`, invisibly. `tidy()`, `glance()`: data frames.
#' @family restricted mean survival
#' @examples
#' fit <- rmst(survival::Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6)
#' tidy(fit)
#' glance(fit)
#' @name rmst-methods
NULL

#' @rdname rmst-methods
#' @export
print.smallsurv_rmst <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Restricted mean survival time (smallsurv)\n")
  cat("tau = ", format(x$tau, digits = digits), " (", x$tau_note, "; largest allowed ",
      format(x$tau_bound, digits = digits), ")\n", sep = "")
  ct_rmst <- if (identical(x$conf.type, "logit")) "logit-scale intervals for RMST and RMTL" else
    "Wald intervals (within [0, tau])"
  cat("Variance: Greenwood type (Miller 1981; survRM2); ", format(100 * x$conf.level),
      "% ", ct_rmst, ", log scale for ratios\n", sep = "")
  if (!is.null(x$na.action)) {
    cat(length(x$na.action), " row", if (length(x$na.action) != 1L) "s" else "",
        " removed by na.action (missing values)\n", sep = "")
  }
  g <- x$groups
  tab <- data.frame(n = g$n, events = g$events, RMST = g$rmst, se = g$std.error,
                    lower = g$conf.low, upper = g$conf.high, RMTL = g$rmtl,
                    `RMTL lower` = g$rmtl.low, `RMTL upper` = g$rmtl.high,
                    check.names = FALSE)
  rownames(tab) <- g$group
  cat("\n")
  print(format(tab, digits = digits), quote = FALSE)
  if (any(g$truncated %in% TRUE)) {
    cat("Wald limits outside [0, tau] truncated there (", paste(g$group[g$truncated %in% TRUE],
        collapse = ", "), "); conf.type = \"logit\" gives an interval inside the range.\n",
        sep = "")
  }
  if (!is.null(x$contrasts)) {
    ct <- x$contrasts
    lab <- c(difference = "RMST difference", ratio = "RMST ratio", rmtl_ratio = "RMTL ratio")
    tab <- data.frame(estimate = ct$estimate, lower = ct$conf.low, upper = ct$conf.high,
                      check.names = FALSE)
    pm <- x$permutation
    if (!is.null(ct$p.perm) && !all(is.na(ct$p.perm))) {  # the small-sample p-value first
      tab$`p (perm.)` <- format.pval(ct$p.perm, digits = digits)
      if (!is.null(pm$mc.se)) tab$`MC SE` <- format(pm$mc.se, digits = 2)
    }
    tab$`p (asympt.)` <- format.pval(ct$p.value, digits = digits)
    tab$estimate <- format(tab$estimate, digits = digits)
    tab$lower <- format(tab$lower, digits = digits)
    tab$upper <- format(tab$upper, digits = digits)
    rownames(tab) <- paste0(lab[ct$term], ": ", ct$group)
    cat("\n")
    print(tab, quote = FALSE)
    if (nrow(g) > 2L) {
      cat(if (identical(x$adjust, "none")) {
        "Pairwise comparisons without multiplicity adjustment (see `adjust`).\n"
      } else {
        paste0("p-values adjusted across pairs with p.adjust(method = \"", x$adjust,
               "\"); intervals unadjusted.\n")
      })
    }
    if (!is.null(ct$events)) {
      first <- !duplicated(ct$group)
      note <- few_events_note(stats::setNames(ct$events[first], ct$group[first]),
                              has_perm = !is.null(ct$p.perm) && !all(is.na(ct$p.perm)))
      if (nzchar(note)) cat(note, "\n", sep = "")
    }
    if (!is.null(pm) && pm$type == "monte-carlo") {
      cat("p (perm.): studentized permutation test, ",
          describe_perm("monte-carlo", reps = pm$reps, se = max(pm$mc.se, na.rm = TRUE)),
          ", seed ", format(pm$seed), if (any(pm$undefined > 0)) paste0(
            "; permutations with an undefined statistic left out: up to ",
            max(pm$undefined)), ".\n", sep = "")
    } else if (!is.null(pm)) {
      cat("p (perm.): not computed: ", pm$reason, ".\n", sep = "")
    } else if (any(g$n < 50)) {
      cat("Some groups have fewer than 50 subjects: the asymptotic p-values may be too small;",
          "consider `permutation = \"monte-carlo\"`.\n")
    }
  }
  invisible(x)
}

#' @rdname rmst-methods
#' @export
tidy.smallsurv_rmst <- function(x, ...) {
  g <- x$groups
  ng <- nrow(g)
  out <- data.frame(term = rep(c("rmst", "rmtl"), each = ng), group = rep(g$group, 2L),
                    estimate = c(g$rmst, g$rmtl), std.error = rep(g$std.error, 2L),
                    conf.low = c(g$conf.low, g$rmtl.low), conf.high = c(g$conf.high, g$rmtl.high),
                    p.value = NA_real_, stringsAsFactors = FALSE)
  if (!is.null(x$permutation)) out$p.perm <- NA_real_
  if (!is.null(x$contrasts)) out <- rbind(out, x$contrasts[setdiff(names(x$contrasts), "events")])
  rownames(out) <- NULL
  out
}

#' @rdname rmst-methods
#' @export
glance.smallsurv_rmst <- function(x, ...) {
  data.frame(tau = x$tau, tau_bound = x$tau_bound, groups = nrow(x$groups),
             n = sum(x$groups$n), events = sum(x$groups$events), conf.level = x$conf.level,
             adjust = x$adjust,
             reps = if (is.null(x$permutation)) NA_real_ else x$permutation$reps,
             seed = if (is.null(x$permutation)) NA_real_ else x$permutation$seed,
             stringsAsFactors = FALSE)
}
