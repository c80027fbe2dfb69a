#' Log-rank family of tests with exact permutation p-values
#'
#' Compares the survival of two or more groups with the weighted log-rank
#' (Fleming-Harrington \eqn{G^{\rho,\gamma}}) family: the log-rank
#' (Mantel-Haenszel) test, the Peto-Peto / Prentice test and tests weighted
#' towards early or late differences, optionally stratified, with delayed
#' entry, and as a trend test over ordered groups. Besides the usual
#' asymptotic chi-square p-value (identical to [survival::survdiff()]) it
#' computes the p-value from the **conditional permutation distribution** of
#' the log-rank score statistic: exactly, by enumerating every distinct
#' reallocation of the group labels, when that is feasible, and by seeded
#' Monte Carlo otherwise. With a dozen patients per group the chi-square
#' approximation can be poor; the permutation p-value needs no
#' large-sample argument.
#'
#' @section Weights:
#' At each distinct event time \eqn{t_j} the contribution is weighted by
#' \deqn{w_j = \hat S(t_j-)^{\rho} \{1 - \hat S(t_j-)\}^{\gamma},}
#' where \eqn{\hat S(t-)} is the pooled (all groups) left-continuous
#' Kaplan-Meier estimate of the stratum, as `survdiff(rho = )` defines it.
#' * `rho = 0, gamma = 0`: log-rank (Mantel 1966), equal weights.
#' * `rho = 1, gamma = 0`: Peto-Peto / Prentice (Peto & Peto 1972; survdiff's
#'   `rho = 1`), weights early differences (a generalised Wilcoxon test).
#' * `rho = 0, gamma = 1`: weights late differences (e.g. a delayed
#'   effect, or curves that separate after consolidation).
#' * `rho = 1, gamma = 1`: weights differences in the middle.
#'
#' `survdiff()` has no `gamma`; with `gamma = 0` every number equals
#' `survdiff()`'s with the same `rho`.
#'
#' @section Mathematics (asymptotic test):
#' With \eqn{d_j, n_j} the pooled events and number at risk at \eqn{t_j} and
#' \eqn{d_{gj}, n_{gj}} those of group \eqn{g} (within a stratum),
#' \deqn{O_g = \sum_j w_j d_{gj},\qquad E_g = \sum_j w_j d_j n_{gj}/n_j,}
#' \deqn{V_{gk} = \sum_j w_j^2 \frac{d_j (n_j - d_j)}{n_j (n_j - 1)}
#'   n_{gj}\left(\delta_{gk} - \frac{n_{kj}}{n_j}\right)}
#' (the hypergeometric variance with the \eqn{(n_j - d_j)/(n_j - 1)}
#' correction for ties; times with \eqn{n_j = 1} add nothing). As in
#' survdiff, `observed` is the *weighted* \eqn{O_g}. With strata, \eqn{O},
#' \eqn{E} and \eqn{V} are summed over strata (each stratum with its own
#' risk sets and its own Kaplan-Meier weights). The statistic is
#' \eqn{(O - E)' V^{-} (O - E)} on \eqn{K - 1} degrees of freedom, computed
#' as survdiff does: groups with \eqn{E_g = 0} are dropped and the first
#' remaining group is left out. The **trend test** (ordered groups, group
#' scores \eqn{c}) is \eqn{\{c'(O - E)\}^2 / c' V c} on 1 degree of freedom.
#'
#' @section Mathematics (permutation test):
#' Each subject \eqn{i} gets the log-rank score
#' \deqn{a_i = \sum_{j:\, e_i < t_j \le t_i} w_j d_j / n_j - \delta_i w(t_i)}
#' (the weighted Nelson-Aalen estimate at its own time minus its event
#' weight; \eqn{e_i} its entry time), computed within its stratum, so that
#' \eqn{O_g - E_g = -\sum_{i \in g} a_i}. These are exactly the scores of
#' `coin::logrank_test()` with its default `ties.method = "mid-ranks"`
#' (tied times share one risk set and one score; coin's other tie methods,
#' `"Hothorn-Lausen"` and the randomised `"average-scores"`, are not
#' offered). Under the null hypothesis the group labels are exchangeable
#' within strata given the data, so the conditional distribution of
#' \eqn{T_g = \sum_{i \in g} a_i} is obtained by permuting labels within
#' strata. Its mean and covariance are the permutation moments
#' \deqn{E(T_g) = \sum_s n_{gs} \bar a_s,\quad
#'   \mathrm{Cov}(T_g, T_k) = \sum_s \frac{n_s \sigma^2_s}{n_s - 1}
#'   \left(n_{gs}\delta_{gk} - \frac{n_{gs} n_{ks}}{n_s}\right),}
#' \eqn{\sigma^2_s} the (divisor \eqn{n_s}) variance of the scores in
#' stratum \eqn{s}. The permutation statistic is coin's: for two groups or a
#' trend, \eqn{Z = (c'T - c'E T)/\sqrt{c' \mathrm{Cov}(T) c}} (reported with
#' coin's sign: positive when the first group has *fewer* events than
#' expected); for \eqn{K > 2} unordered groups the quadratic form with the
#' Moore-Penrose inverse of the covariance. It differs from the survdiff
#' statistic only in the variance (permutation instead of hypergeometric),
#' and the two agree closely when there are few ties.
#'
#' **The permutation p-value is that of this statistic**, two-sided:
#' the probability, over label permutations, of \eqn{|Z|} (or the quadratic
#' form) at least as large as observed, with coin's tolerance of
#' `sqrt(.Machine$double.eps)` for equal values.
#' * *Exact* (two groups): subjects with equal scores are interchangeable,
#'   so only the distinct outcomes are enumerated: in each stratum, how many
#'   of the first group's subjects fall on each distinct score, each outcome
#'   weighted by its number of permutations. For the example cohort
#'   (9 versus 16 patients) there are far fewer outcomes than the
#'   \eqn{\binom{25}{9} = 2\,042\,975} permutations; for coin's
#'   35-patient ovarian-cancer data 43 million, about a second. Matches
#'   `coin::logrank_test(distribution = exact())`.
#' * *Monte Carlo*: `reps` random permutations within strata,
#'   \eqn{p = (1 + b)/(1 + B)} with its Monte Carlo standard error (see
#'   [resampling]: one generator with independent streams, so a `seed` gives
#'   the same p-value on every platform and for any number of threads; with
#'   `seed = NULL` a seed is drawn from R's generator and stored in the
#'   result). coin's `approximate()` estimates \eqn{b/B} instead; the random
#'   permutations are not coin's, so the two agree in distribution, not draw
#'   for draw.
#'
#' `permutation = "auto"` (default) enumerates exactly when the enumeration's
#' work, counted beforehand, fits in `budget` seconds, else runs `reps`
#' Monte Carlo permutations when their estimated time fits, else reports the
#' asymptotic p-value only and says why (see [resampling]); `"exact"` and
#' `"monte-carlo"` insist on one kind; `"none"` computes no permutation
#' p-value. The p-value reported first (`p.value`) is the permutation one
#' whenever it was computed. Large counts print in scientific form, as
#' "approximately 3.7e+299" (with the sign for "approximately").
#'
#' @section Conventions:
#' * **Ties** between event and censoring times: the censored are still at
#'   risk (events first); near-tied times are merged as
#'   `survival::aeqSurv()` does (`timefix = TRUE`), as survdiff does.
#' * **Groups** are the combinations of the right-hand-side variables
#'   (labelled `"dose=DL1"`, as survdiff labels them); unused levels are
#'   dropped. **Strata** come from `strata()` terms in the formula and/or the
#'   `strata` argument.
#' * **Delayed entry** `Surv(start, stop, status)`: at risk when
#'   `start < t <= stop` (survdiff accepts right-censored data only). The
#'   permutation test then treats the entry times as part of the data that
#'   are held fixed.
#' * **Stratified permutation tests in coin**: `coin::logrank_test(y ~ x |
#'   s)` permutes within blocks but computes the scores on the *pooled*
#'   data; smallsurv computes them within strata (the stratified log-rank
#'   test of survdiff). To reproduce smallsurv's stratified statistic with
#'   coin, pass a `ytrafo` that applies `coin::logrank_trafo()` within
#'   blocks (as the package tests do).
#' * **Name**: coin also exports `logrank_test()`; with both packages
#'   attached, call `smallsurv::logrank_test()`.
#' * **Undefined tests**: with no events at all, or when the variance is
#'   zero (every event time has a single subject at risk in its stratum, or
#'   every subject at risk fails at each event time), the statistics and
#'   p-values are `NA` with one warning.
#'
#' @section Groups defined after time 0:
#' Groups must be known at time 0 (dose level, arm, baseline MRD). A group
#' defined by something that happens later -- "ever transplanted", "CAR-T",
#' "responder" -- credits the waiting time before that event to the group
#' (a patient must survive to be transplanted: *immortal time*) and biases
#' the comparison in its favour. Treat such an exposure as time-dependent:
#' [mantel_byar_test()] (test), [simon_makuch()] (curves) or [landmark()]
#' (groups fixed at a pre-specified landmark); see the "After response"
#' vignette.
#' @param formula `Surv(time, status) ~ group` (or several variables, whose
#'   combinations are the groups), optionally `+ strata(site)`;
#'   `Surv(start, stop, status) ~ group` for delayed entry.
#' @param data A data frame.
#' @param rho,gamma Non-negative Fleming-Harrington weight exponents (see
#'   Weights).
#' @param strata Optional stratification: a character vector of column names
#'   of `data`, or a one-sided formula such as `~ site`; added to any
#'   `strata()` terms of `formula`.
#' @param permutation `"auto"` (default), `"exact"`, `"monte-carlo"` or
#'   `"none"`: which permutation p-value to compute (see Mathematics and
#'   [resampling]).
#' @param reps Number of Monte Carlo permutations (default 10000).
#' @param seed Seed of the Monte Carlo generator (a whole number between 0
#'   and \eqn{2^{53}}); `NULL` draws one from R's generator.
#' @param budget Time budget in seconds (default 2) against which
#'   `permutation = "auto"` weighs the counted work of exact enumeration and
#'   of Monte Carlo.
#' @param trend Test for a trend over ordered groups. `NULL` (default):
#'   `TRUE` when the single group variable is an ordered factor (coin's
#'   rule).
#' @param scores Group scores for the trend test, one per group in level
#'   order (default `1, 2, ..., K`).
#' @param subset Optional expression selecting rows of `data`.
#' @param na.action Function for missing values (default
#'   `getOption("na.action")`).
#' @param timefix Merge near-tied times as survdiff does (default `TRUE`).
#' @param exact,enum.max Deprecated: `exact = "none"` is `permutation =
#'   "none"`, `exact = "auto"`/`"permutation"` are `permutation = "auto"`;
#'   `enum.max` (largest number of distinct outcomes to enumerate) still
#'   limits exact enumeration, beside `budget`.
#' @return An object of class `smallsurv_logrank`: a list with `method`,
#'   `rho`, `gamma`, `groups`, `n`, `events` (unweighted), `observed`,
#'   `expected` (weighted, per group), `var` (the \eqn{K \times K}
#'   covariance), `observed.strata`/`expected.strata` (groups x strata
#'   matrices, when stratified), `statistic`, `df`, `p.value.asymptotic`
#'   (the survdiff test), `trend`, `few_events` (`TRUE` when the test rests
#'   on fewer than 10 events: see [resampling]), `scores`, `strata`
#'   (stratum labels and
#'   sizes, or `NULL`), `permutation` (a list: `statistic` (coin's
#'   \eqn{Z} or quadratic form), `df`, `p.value.asymptotic` (of that
#'   statistic), `type` (`"exact"`, `"monte-carlo"` or `"none"`), `p.value`,
#'   `outcomes`, `log.outcomes`, `permutations`, `reps`, `seed`, `mc.se`,
#'   `budget`, `description` (e.g. "exact (1,234 outcomes)" or "Monte Carlo
#'   (10,000 permutations, SE 0.0021)") and `reason`),
#'   `p.value` and `p.value.method` (the p-value `print()` reports first),
#'   `na.action` and `call`.
#' @references
#' Mantel N (1966). Evaluation of survival data and two new rank order
#' statistics arising in its consideration. *Cancer Chemotherapy Reports*
#' 50:163-170.
#'
#' Peto R, Peto J (1972). Asymptotically efficient rank invariant test
#' procedures. *JRSS A* 135:185-207. \doi{10.2307/2344317}
#'
#' Harrington DP, Fleming TR (1982). A class of rank test procedures for
#' censored survival data. *Biometrika* 69:553-566.
#' \doi{10.1093/biomet/69.3.553}
#'
#' Hothorn T, Hornik K, van de Wiel MA, Zeileis A (2006). A Lego system for
#' conditional inference. *The American Statistician* 60:257-263.
#' \doi{10.1198/000313006X118430}
#'
#' Hothorn T, Hornik K, van de Wiel MA, Zeileis A (2008). Implementing a
#' class of permutation tests: the coin package. *Journal of Statistical
#' Software* 28(8). \doi{10.18637/jss.v028.i08}
#'
#' Blackman D, Vigna S (2021). Scrambled linear pseudorandom number
#' generators. *ACM Transactions on Mathematical Software* 47(4):36.
#' \doi{10.1145/3460772}
#' @family log-rank
#' @examples
#' lr <- logrank_test(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' lr
#' glance(lr)
#' # Peto-Peto weights, overall survival
#' logrank_test(survival::Surv(os_time, os_status) ~ dose, data = rrall, rho = 1)
#' # Monte Carlo permutation p-value with a fixed seed
#' logrank_test(survival::Surv(os_time, os_status) ~ dose, data = rrall,
#'              permutation = "monte-carlo", seed = 1)
#' @export
logrank_test <- function(formula, data, rho = 0, gamma = 0, strata = NULL,
                         permutation = c("auto", "exact", "monte-carlo", "none"),
                         reps = 10000, seed = NULL, budget = 2, trend = NULL, scores = NULL,
                         subset, na.action, timefix = TRUE, exact = NULL, enum.max = NULL) {
  mcall <- match.call()
  env <- parent.frame()
  check_weight_exponent(rho, "rho")
  check_weight_exponent(gamma, "gamma")
  if (!is.null(exact)) {
    if (!is.character(exact) || length(exact) < 1L ||
        !exact[1L] %in% c("auto", "none", "permutation")) {
      abort("`exact` must be one of \"auto\", \"none\" or \"permutation\"; got ",
            deparse1(exact), ".")
    }
    new <- if (exact[1L] == "none") "none" else "auto"
    deprecated_arg("logrank_test", paste0("exact = \"", exact[1L], "\""),
                   paste0("permutation = \"", new, "\""))
    if (missing(permutation)) permutation <- new
  }
  permutation <- check_permutation(permutation, c("auto", "exact", "monte-carlo", "none"),
                                   "logrank_test")
  if (!is.null(enum.max)) {
    if (!is.numeric(enum.max) || length(enum.max) != 1L || is.na(enum.max) || enum.max < 0) {
      abort("`enum.max` must be a single non-negative number; got ", deparse1(enum.max), ".")
    }
    deprecated_arg("logrank_test", "enum.max", "budget")
  }
  reps <- check_reps(reps, 1, 1e9, "Monte Carlo permutations")
  if (permutation %in% c("auto", "monte-carlo")) seed <- check_seed(seed)
  budget <- check_budget(budget)
  if (!is.null(trend)) check_flag(trend, "trend")
  check_flag(timefix, "timefix")

  if (is.null(mcall$formula)) abort("`formula` is required, e.g. `Surv(time, status) ~ group`.")
  formula <- eval(mcall$formula, env)
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort("`formula` must be a two-sided formula such as `Surv(time, status) ~ group`; got ",
          deparse1(mcall$formula), ".")
  }
  terms <- split_group_strata(formula, strata)
  inner <- mcall[c(1L, match(c("data", "subset", "na.action"), names(mcall), 0L))]
  inner$formula <- terms$formula
  input <- surv_input(inner, env, keep_vars = TRUE)
  group <- make_strata(input$vars[terms$group])
  strat <- if (length(terms$strata)) make_strata(input$vars[terms$strata]) else NULL
  if (!is.null(strat) && nlevels(strat) < 2L) strat <- NULL
  if (nlevels(group) < 2L) {
    abort("`formula`: the log-rank test compares two or more groups, but all ",
          length(group), " observations are in one group (", levels(group), ").")
  }
  if (is.null(trend)) {
    trend <- length(terms$group) == 1L && is.ordered(input$vars[[terms$group]])
  }
  K <- nlevels(group)
  if (trend) {
    if (is.null(scores)) scores <- seq_len(K)
    if (!is.numeric(scores) || length(scores) != K || anyNA(scores) || any(!is.finite(scores))) {
      abort("`scores` must be ", K, " finite numbers, one per group (", paste(levels(group),
            collapse = ", "), "); got ", deparse1(scores), ".")
    }
    if (length(unique(scores)) < 2L) abort("`scores` must not all be equal.")
  } else if (!is.null(scores)) {
    abort("`scores` are used by the trend test only; set `trend = TRUE`.")
  }
  logrank_impl(input, group, strat, rho, gamma, permutation, reps, seed, trend,
               if (trend) as.double(scores) else NULL, timefix, mcall,
               strata_names = terms$strata, budget = budget, enum.max = enum.max)
}

# The only place that calls the C++ log-rank kernels.
logrank_impl <- function(input, group, strat, rho, gamma, permutation, reps, seed, trend,
                         scores, timefix, call, strata_names = character(0), budget = 2,
                         enum.max = NULL) {
  K <- nlevels(group)
  S <- if (is.null(strat)) 1L else nlevels(strat)
  gcode <- as.integer(group)
  scode <- if (is.null(strat)) NULL else as.integer(strat)
  res <- logrank_counts_cpp(input$time, input$status, input$entry, gcode, K, scode, S,
                            as.double(rho), as.double(gamma), timefix)
  lev <- levels(group)
  O <- matrix(res$observed, K, S)
  E <- matrix(res$expected, K, S)
  V <- matrix(res$variance, K, K, dimnames = list(lev, lev))
  obs <- stats::setNames(rowSums(O), lev)
  expct <- stats::setNames(rowSums(E), lev)
  events <- stats::setNames(rowSums(matrix(res$events, K, S)), lev)
  n <- stats::setNames(rowSums(matrix(res$n, K, S)), lev)

  notes <- character(0)
  asym <- survdiff_statistic(obs, expct, V, trend, scores)
  if (sum(events) == 0) {
    notes <- c(notes, "no events in any group: the test is undefined")
    asym <- list(statistic = NA_real_, df = NA_real_, p.value = NA_real_)
  } else if (is.na(asym$statistic)) {
    notes <- c(notes, "the variance of the test is zero (no event time with two or more at risk)")
  }

  perm <- permutation_test(res$score, gcode, K, scode, S, trend, scores, permutation, reps,
                           seed, budget, enum.max)
  if (!is.null(perm$note)) notes <- c(notes, perm$note)
  if (length(notes)) warning(paste0("logrank_test(): ", notes, "; statistic and p-values are NA.",
                                    collapse = "\n"), call. = FALSE)

  out <- list(method = logrank_method_name(rho, gamma, trend),
              rho = rho, gamma = gamma, groups = lev, n = n, events = events,
              observed = obs, expected = expct, var = V)
  if (!is.null(strat)) {
    dimnames(O) <- dimnames(E) <- list(lev, levels(strat))
    out$observed.strata <- O
    out$expected.strata <- E
  }
  out$statistic <- asym$statistic
  out$df <- asym$df
  out$p.value.asymptotic <- asym$p.value
  out$trend <- trend
  out$few_events <- sum(events) < .few_events
  out$scores <- if (trend) stats::setNames(scores, lev) else NULL
  out$strata <- if (is.null(strat)) NULL else
    list(names = strata_names, levels = levels(strat), n = as.vector(table(strat)))
  out$permutation <- perm[setdiff(names(perm), "note")]
  if (identical(perm$type, "none") || is.na(perm$p.value)) {
    out$p.value <- asym$p.value
    out$p.value.method <- "asymptotic chi-square"
  } else {
    out$p.value <- perm$p.value
    out$p.value.method <- if (perm$type == "exact") "exact permutation" else "Monte Carlo permutation"
  }
  out$n.total <- length(gcode)
  if (!is.null(input$na.action)) out$na.action <- input$na.action
  out$call <- call
  class(out) <- "smallsurv_logrank"
  out
}

# survdiff's chi-square: drop groups with zero expected, leave out the first
# remaining one, solve. The trend test uses the group scores as a contrast.
survdiff_statistic <- function(obs, expct, V, trend, scores) {
  if (trend) {
    num <- sum(scores * (obs - expct))
    v <- drop(crossprod(scores, V %*% scores))
    if (!(v > 0)) return(list(statistic = NA_real_, df = 1L, p.value = NA_real_))
    chi <- num^2 / v
    return(list(statistic = chi, df = 1L,
                p.value = stats::pchisq(chi, 1, lower.tail = FALSE)))
  }
  keep <- expct > 0
  df <- sum(keep) - 1L
  if (df < 1L) return(list(statistic = NA_real_, df = NA_real_, p.value = NA_real_))
  d <- (obs - expct)[keep][-1L]
  vv <- V[keep, keep, drop = FALSE][-1L, -1L, drop = FALSE]
  if (!any(vv != 0)) return(list(statistic = NA_real_, df = df, p.value = NA_real_))
  chi <- if (length(d) == 1L && vv[1L] > 0) unname(d^2 / vv[1L]) else tryCatch(sum(solve(vv, d) * d),
    error = function(e) {
      g <- ginv_sym(vv)
      if (g$rank == 0L) return(NA_real_)
      sum(d * (g$inverse %*% d))
    })
  if (!is.finite(chi)) return(list(statistic = NA_real_, df = df, p.value = NA_real_))
  list(statistic = chi, df = df, p.value = stats::pchisq(chi, df, lower.tail = FALSE))
}

# Moore-Penrose inverse of a symmetric non-negative definite matrix and its
# rank (eigenvalues below sqrt(eps) times the largest count as zero).
ginv_sym <- function(m) {
  e <- eigen(m, symmetric = TRUE)
  tol <- sqrt(.Machine$double.eps) * max(abs(e$values), 0)
  pos <- e$values > tol
  inv <- e$vectors[, pos, drop = FALSE] %*% (t(e$vectors[, pos, drop = FALSE]) / e$values[pos])
  list(inverse = inv, rank = sum(pos))
}

# The conditional permutation test of the log-rank scores (see the help):
# the choice between exact enumeration, Monte Carlo and nothing follows
# ?resampling (work against `budget`).
permutation_test <- function(score, gcode, K, scode, S, trend, scores, permutation, reps, seed,
                             budget, enum.max = NULL) {
  contrast <- if (trend) scores else if (K == 2L) c(1, 0) else NULL
  m <- logrank_perm_cpp(score, gcode, K, scode, S, NULL, NULL, "moments")
  Vp <- matrix(m$variance, K, K)
  out <- list(statistic = NA_real_, df = NA_real_, p.value.asymptotic = NA_real_,
              type = "none", p.value = NA_real_, outcomes = NA_real_, log.outcomes = NA_real_,
              permutations = NA_real_, reps = NA_real_, seed = NA_real_, mc.se = NA_real_,
              budget = budget, description = "none", reason = "", note = NULL)
  qinv <- NULL
  if (!is.null(contrast)) {
    v <- drop(crossprod(contrast, Vp %*% contrast))
    if (v > 0) {
      z <- sum(contrast * (m$total - m$mean)) / sqrt(v)
      out$statistic <- z
      out$df <- 1
      out$p.value.asymptotic <- 2 * stats::pnorm(-abs(z))
    }
  } else {
    g <- ginv_sym(Vp)
    if (g$rank > 0L) {
      d <- m$total - m$mean
      out$statistic <- drop(crossprod(d, g$inverse %*% d))
      out$df <- g$rank
      out$p.value.asymptotic <- stats::pchisq(out$statistic, g$rank, lower.tail = FALSE)
      qinv <- g$inverse
    }
  }
  if (permutation == "none") {
    out$reason <- "not requested (permutation = \"none\")"
    return(out)
  }
  if (is.na(out$statistic)) {
    out$reason <- "undefined: the permutation variance is zero"
    out$note <- "the permutation variance of the scores is zero"
    return(out)
  }
  threads <- smallsurv_threads()
  plan <- if (K == 2L) logrank_perm_cpp(score, gcode, K, scode, S, contrast, qinv, "plan") else NULL
  exact_why <- if (K > 2L) "exact enumeration is for two groups only" else
    if (!is.null(enum.max) && exp(plan$log_outcomes) > enum.max)
      paste0(format_outcomes(exp(plan$log_outcomes), plan$log_outcomes),
             " distinct outcomes > enum.max = ", format_big(enum.max)) else NULL
  exact_s <- if (K == 2L) exp(plan$log_work) / .resample_rate$exact_nodes else Inf
  draws <- if (K == 2L) {
    sc1 <- if (is.null(scode)) rep.int(1L, length(gcode)) else scode
    n1 <- tabulate(sc1, S)
    n1g <- tabulate(sc1[gcode == 1L], S)
    sum(pmin(n1g, n1 - n1g))
  } else length(gcode)
  mc_s <- reps * (draws + 20) / .resample_rate$lr_draws / threads
  choice <- resample_choice(permutation, exact_s, mc_s, budget, reps, exact_why, "logrank_test")
  if (choice$type == "exact") {
    deadline <- enumeration_deadline(budget, exact_s)
    r <- logrank_perm_cpp(score, gcode, K, scode, S, contrast, qinv, "exact", budget = deadline)
    if (isTRUE(r$complete)) {
      out$type <- "exact"
      out$p.value <- r$p.value
      out$outcomes <- r$outcomes
      out$log.outcomes <- r$log_outcomes
      out$permutations <- r$permutations
      out$description <- describe_perm("exact", r$outcomes, r$log_outcomes)
      out$reason <- paste0("complete enumeration of ", format_outcomes(r$outcomes, r$log_outcomes),
                           " distinct outcomes (", format_outcomes(r$permutations,
                                                                plan$log_permutations),
                           " label permutations)")
      return(out)
    }
    choice <- enumeration_stopped(deadline)
  }
  if (choice$type == "none") {
    out$reason <- paste0("not computed: ", choice$reason)
    return(out)
  }
  r <- logrank_perm_cpp(score, gcode, K, scode, S, contrast, qinv, "monte-carlo",
                        reps, seed, threads)
  out$type <- "monte-carlo"
  out$p.value <- r$p.value
  out$reps <- reps
  out$seed <- seed
  out$mc.se <- r$mc.se
  out$description <- describe_perm("monte-carlo", reps = reps, se = r$mc.se)
  out$reason <- sprintf("%s random permutations (seed %.0f)%s", format_big(reps), seed,
                        if (nzchar(choice$reason)) paste0("; ", choice$reason) else "")
  out
}

logrank_method_name <- function(rho, gamma, trend) {
  base <- if (rho == 0 && gamma == 0) "Log-rank test" else
    if (rho == 1 && gamma == 0) "Peto-Peto (Prentice) test" else "Fleming-Harrington test"
  paste0(base, if (trend) " for trend" else "", ", G(rho = ", as.character(rho), ", gamma = ",
         as.character(gamma), ")")
}

# Split the right-hand side into group terms and strata() terms (plus the
# `strata` argument), and return the formula `lhs ~ groups + strata vars`
# that surv_input() reads, with the term labels of each part.
split_group_strata <- function(formula, strata_arg) {
  rhs <- rhs_terms(formula[[3L]])
  is_strata <- vapply(rhs, function(e) is.call(e) && (identical(e[[1L]], as.name("strata")) ||
    identical(e[[1L]], quote(survival::strata))), logical(1))
  groups <- rhs[!is_strata]
  groups <- groups[!vapply(groups, function(e) is.numeric(e) && length(e) == 1L && e == 1,
                           logical(1))]
  strata <- list()
  for (e in rhs[is_strata]) {
    args <- as.list(e)[-1L]
    if (!is.null(names(args)) && any(nzchar(names(args)))) {
      abort("`formula`: named arguments of `strata()` (", paste(names(args)[nzchar(names(args))],
            collapse = ", "), ") are not supported.")
    }
    strata <- c(strata, args)
  }
  if (!is.null(strata_arg)) {
    if (is.character(strata_arg)) {
      strata <- c(strata, lapply(strata_arg, as.name))
    } else if (inherits(strata_arg, "formula") && length(strata_arg) == 2L) {
      strata <- c(strata, rhs_terms(strata_arg[[2L]]))
    } else {
      abort("`strata` must be column names of `data` or a one-sided formula such as `~ site`; ",
            "got an object of class ", paste(class(strata_arg), collapse = "/"), ".")
    }
  }
  if (!length(groups)) {
    abort("`formula`: no groups to compare; put them on the right-hand side, e.g. ",
          "`Surv(time, status) ~ dose`.")
  }
  label <- function(e) if (is.name(e)) as.character(e) else deparse1(e)
  glab <- vapply(groups, label, character(1))
  slab <- unique(vapply(strata, label, character(1)))
  both <- intersect(glab, slab)
  if (length(both)) {
    abort("`formula`: ", paste0("`", both, "`", collapse = ", "),
          " cannot be both a group and a stratum.")
  }
  if (!length(slab) && length(groups) == length(rhs)) {
    f <- formula  # nothing to rewrite
  } else {
    all_terms <- c(groups, lapply(slab, str2lang))
    rhs_new <- Reduce(function(a, b) call("+", a, b), all_terms)
    f <- stats::as.formula(call("~", formula[[2L]], rhs_new), env = environment(formula))
  }
  list(formula = f, group = unique(glab), strata = slab)
}

# Terms of a right-hand side joined by `+` (parentheses kept as written).
rhs_terms <- function(e) {
  if (is.call(e) && identical(e[[1L]], as.name("+")) && length(e) == 3L) {
    return(c(rhs_terms(e[[2L]]), rhs_terms(e[[3L]])))
  }
  list(e)
}
