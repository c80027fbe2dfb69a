# The resampling engine's R side, shared by logrank_test(), gray_test(),
# rmst(), the bootstrap and ci_coverage(): threads, the time budget, the
# choice between exact enumeration, Monte Carlo and nothing, and how counts
# and p-values are described. The conventions themselves (one generator with
# independent streams, (1 + b) / (1 + B), the tie rule) live in
# src/core/resample.h and src/core/rng.h; ?resampling documents them.

#' Resampling in smallsurv: permutation p-values, bootstrap and threads
#'
#' Every resampling computation in smallsurv -- the permutation p-values of
#' [logrank_test()], [gray_test()] and [rmst()], bootstrap intervals
#' (`conf.type = "bootstrap"`) and [ci_coverage()] -- runs in one C++ engine
#' with one set of conventions.
#'
#' @section Generator and streams:
#' xoshiro256** (Blackman & Vigna 2021) seeded from `seed` through
#' splitmix64. Replicates are drawn in blocks of 256; block \eqn{k} uses the
#' stream obtained by \eqn{k} calls of the generator's `jump()` (\eqn{2^{128}}
#' steps each: non-overlapping subsequences, the authors' published
#' guarantee). Blocks are shared among threads in any order and their results
#' combined in block order, so **a seed gives the same result for any number
#' of threads and on every platform**. `seed` is a whole number between 0
#' and \eqn{2^{53}}; `seed = NULL` draws one from R's generator (so
#' [set.seed()] makes a call reproducible) and stores it in the result.
#'
#' @section P-values:
#' * **Monte Carlo**: \eqn{p = (1 + b)/(1 + B)} (Phipson & Smyth 2010), with
#'   \eqn{b} the permutations at least as extreme as observed among the
#'   \eqn{B} whose statistic is defined; never 0. Its Monte Carlo standard
#'   error \eqn{\sqrt{p(1-p)/B}} is printed beside it.
#' * **Exact**: the probability, over all equally likely label allocations
#'   (log-rank: over the distinct outcomes, weighted), of a statistic at
#'   least as extreme; equal to `coin`'s exact p-value for the log-rank test.
#' * **As extreme**: \eqn{t \ge t_0 - \sqrt{\epsilon}\max(1, |t_0|)} on the
#'   statistic's standardised scale (\eqn{|Z|}, a quadratic form or a
#'   chi-square), \eqn{\epsilon} the machine epsilon: coin's tolerance for
#'   \eqn{|t_0| \le 1}, relative above.
#' * **Undefined statistics**: a permutation whose statistic is undefined
#'   (e.g. Gray's test with a singular variance, an RMST ratio with an
#'   estimate of 0) is left out of \eqn{b} and \eqn{B} and counted
#'   (`undefined`). Under the null hypothesis the observed allocation is
#'   uniform over all allocations, hence also over those with a defined
#'   statistic, so the conditional test stays valid.
#'
#' @section Sparse events:
#' A test that rests on fewer than 10 events (in all for [logrank_test()];
#' of the cause for [gray_test()]; up to tau in the two groups compared for
#' [rmst()]) says so in its printout and in its result (`few_events`): its
#' asymptotic p-value is then unreliable (the chi-square and normal
#' approximations need more events; Kellerer & Chmelevsky 1983), and the
#' exact or permutation p-value, computed by default (`permutation =
#' "auto"`), is the one to read; it keeps its level, but with one to three
#' events it rests on those few patients and says little. The threshold of
#' 10 is smallsurv's convention, stated wherever it is applied.
#'
#' @section Time budget:
#' `permutation = "auto"` enumerates exactly when the enumeration's work,
#' counted beforehand (for the log-rank test the nodes of the walk over
#' distinct outcomes, for Gray's test the allocations times the cost of one
#' statistic), fits in `budget` seconds (default 2) at the rate measured on
#' the reference machine (see `bench/RESULTS.md`); otherwise it runs `reps`
#' Monte Carlo permutations if their estimated time fits, and otherwise
#' reports the asymptotic p-value only, saying why. The estimate is a count,
#' not a clock, so the choice does not depend on the machine's load.
#' Enumeration is also stopped, and Monte Carlo used instead, if it runs
#' past twice its budget. Every long loop checks for a user interrupt
#' (Ctrl-C / Esc) every few milliseconds.
#'
#' @section Threads:
#' `getOption("smallsurv.threads")`, else the environment variable
#' `SMALLSURV_THREADS`, else the number of cores ([parallel::detectCores()]);
#' at most 2 while `R CMD check` limits cores (`_R_CHECK_LIMIT_CORES_`).
#' Results do not depend on it.
#'
#' @references
#' Blackman D, Vigna S (2021). Scrambled linear pseudorandom number
#' generators. *ACM Transactions on Mathematical Software* 47(4):36.
#' \doi{10.1145/3460772}
#'
#' Kellerer AM, Chmelevsky D (1983). Small-sample properties of
#' censored-data rank tests. *Biometrics* 39:675-682.
#'
#' Phipson B, Smyth GK (2010). Permutation p-values should never be zero:
#' calculating exact p-values when permutations are randomly drawn.
#' *Statistical Applications in Genetics and Molecular Biology* 9:39.
#' \doi{10.2202/1544-6115.1585}
#' @name resampling
#' @family log-rank
NULL

# Rates of the reference machine (2-core r machine, see bench/RESULTS.md),
# used to turn counted work into seconds for the budget.
.resample_rate <- list(
  exact_nodes = 1e8,      # log-rank enumeration: walk nodes (or list entries) per second
  lr_draws = 2e8,         # log-rank Monte Carlo: bounded draws per second per thread
  gray_obs = 5e6,         # Gray's statistic: observations x causes per second per thread
  rmst_obs = 2.5e7        # RMST permutation: observations per second per thread
)

# Worker threads (see ?resampling). detectCores() runs a shell command on
# Linux (~15 ms, as long as a whole 10,000-permutation test at n = 25), so
# its answer is kept for the session.
.cores <- new.env(parent = emptyenv())
detected_cores <- function() {
  if (is.null(.cores$n)) .cores$n <- parallel::detectCores()
  .cores$n
}

smallsurv_threads <- function() {
  n <- getOption("smallsurv.threads")
  if (is.null(n)) {
    env <- Sys.getenv("SMALLSURV_THREADS")
    n <- if (nzchar(env)) suppressWarnings(as.numeric(env)) else detected_cores()
  }
  if (!is.numeric(n) || length(n) != 1L || is.na(n) || n < 1) n <- 1
  limit <- tolower(Sys.getenv("_R_CHECK_LIMIT_CORES_"))
  if (nzchar(limit) && limit != "false") n <- min(n, 2)
  as.double(floor(min(n, 1024)))
}

# Which p-value to compute: "exact", "monte-carlo" or "none", with a reason.
# exact_s / mc_s: estimated seconds (Inf when not available); exact_why: why
# exact enumeration is not available (NULL when it is).
resample_choice <- function(permutation, exact_s, mc_s, budget, reps, exact_why = NULL,
                            verb) {
  secs <- function(s) if (!is.finite(s)) "far longer (more than 1e30 steps)" else
    if (s < 0.01) "< 0.01 s" else paste0("about ", format(signif(s, 2)), " s")
  if (permutation == "none") return(list(type = "none", reason = "not requested"))
  if (permutation == "exact") {
    if (!is.null(exact_why)) abort(verb, "(): exact enumeration is not available: ", exact_why, ".")
    if (exact_s > budget) {
      abort(verb, "(): exact enumeration would take ", secs(exact_s), ", more than `budget` = ",
            format(budget), " s; raise `budget` or use `permutation = \"monte-carlo\"`.")
    }
    return(list(type = "exact", reason = ""))
  }
  if (permutation == "monte-carlo") return(list(type = "monte-carlo", reason = ""))
  # auto
  if (is.null(exact_why) && exact_s <= budget) return(list(type = "exact", reason = ""))
  why <- if (!is.null(exact_why)) exact_why else
    paste0("complete enumeration would take ", secs(exact_s), " > budget ", format(budget), " s")
  if (mc_s <= budget) return(list(type = "monte-carlo", reason = why))
  list(type = "none", reason = paste0(why, ", and ", format_big(reps),
                                      " Monte Carlo permutations ", secs(mc_s),
                                      " (raise `budget`, or set `permutation`)"))
}

# Exact enumeration runs with a deadline of twice the larger of the budget
# and its estimate; past it, Monte Carlo is used, saying so.
enumeration_deadline <- function(budget, exact_s) 2 * max(budget, exact_s)

enumeration_stopped <- function(deadline) {
  list(type = "monte-carlo",
       reason = paste0("complete enumeration stopped after ", format(deadline, digits = 2), " s"))
}

# A count for print(): whole numbers with thousands separators below 1e15,
# "≈ 3.7e+299" above (from its natural log, so any size prints).
format_outcomes <- function(x, log_x = log(x)) {
  if (is.finite(x) && x < 1e15) return(format_big(x))
  if (!is.finite(log_x)) return("more than 1e+30")
  e <- floor(log_x / log(10))
  m <- exp(log_x - e * log(10))
  if (round(m, 1) >= 10) {
    m <- m / 10
    e <- e + 1
  }
  paste0("\u2248 ", formatC(m, format = "f", digits = 1), "e+", e)
}

# Whole numbers with thousands separators (format(big.mark =) costs ~0.1 ms,
# a quarter of a 10,000-permutation test at n = 25).
# Fewer events than this: a test says its asymptotic p-value is unreliable
# (see ?resampling, "Sparse events").
.few_events <- 10

# The note printed under a test resting on few events ("" when none does):
# `events` named by what they count (causes, contrasts, or "all"); `has_perm`
# NA: no valid permutation version exists (the Mantel-Byar test).
few_events_note <- function(events, has_perm = TRUE) {
  few <- !is.na(events) & events < .few_events
  if (!any(few)) return("")
  what <- if (is.null(names(events)) || identical(names(events), "all")) {
    paste0(events[few], " event", ifelse(events[few] == 1, "", "s"))
  } else {
    paste0(names(events)[few], ": ", events[few], " event", ifelse(events[few] == 1, "", "s"))
  }
  paste0("Few events (", paste(what, collapse = "; "), "; fewer than ", .few_events,
         "): the asymptotic p-value is unreliable; ",
         if (is.na(has_perm)) "no exact or permutation version is valid for this test; read the p-value as a rough guide." else
         if (has_perm) "the exact or permutation p-value keeps its level but rests on these few events." else
           "compute the exact or permutation p-value (`permutation`).")
}

format_big <- function(x) {
  s <- sprintf("%.0f", x)
  n <- nchar(s)
  if (n <= 3L) return(s)
  first <- n %% 3L
  if (first == 0L) first <- 3L
  starts <- seq.int(first + 1L, n, by = 3L)
  paste(c(substr(s, 1L, first), substring(s, starts, starts + 2L)), collapse = ",")
}

# "exact (N outcomes)" / "Monte Carlo (B permutations, SE s)".
describe_perm <- function(type, outcomes = NA, log_outcomes = log(outcomes), reps = NA,
                          se = NA, what = "outcomes") {
  switch(type,
    exact = paste0("exact (", format_outcomes(outcomes, log_outcomes), " ", what, ")"),
    `monte-carlo` = sprintf("Monte Carlo (%s permutations, SE %.2g)", format_big(reps), se),
    "none")
}
