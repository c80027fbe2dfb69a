# bench/exposure.R -- speed of the time-dependent exposure verbs against
# their survival anchors: smallsurv::mantel_byar_test() against the score
# test of survival::coxph() on the same counting-process rows, and
# smallsurv::simon_makuch() against survival::survfit() on them. A
# benchmark, not a test: it writes bench/RESULTS-exposure.md and never
# fails. (#16 states goals only for the multi-state fit, bench/multistate.R;
# these rows report ratios without a goal.)
#
# Usage (from the repository root):
#   Rscript bench/exposure.R            # full run (~1 min)
#   Rscript bench/exposure.R --quick    # smoke test, n up to 1e3
# SMALLSURV_LIB=/path/to/library puts a library first on .libPaths().
#
# Method
# * Data: n patients, death times Exp(rate 0.1), status Bernoulli(0.7);
#   half are exposed at a uniform fraction of their time; survival::tmerge()
#   builds the rows (about 1.5 rows per patient). "tied": times rounded up
#   to whole units (heavy ties).
# * Timing: formula calls end to end, interleaved in one process in a
#   shuffled order, bench::hires_time(); medians and the ratio of medians.
#     mantel_byar_test(Surv(tstart, tstop, death) ~ x, data = long, id = id)
#     coxph(Surv(tstart, tstop, death) ~ x, data = long, ties = "exact")$score
#       (the same statistic with ties; continuous times up to n = 1e3 and
#        tied times at n = 25 only: the exact partial likelihood is
#        combinatorial in the ties), and ties = "breslow" (its cheapest call)
#     simon_makuch(Surv(tstart, tstop, death) ~ x, data = long, id = id)
#     survfit(Surv(tstart, tstop, death) ~ x, data = long, conf.type = "log-log")

args <- commandArgs(trailingOnly = TRUE)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                 value = TRUE)[1])), "harness.R"))
quick <- any(args == "--quick")
out_file <- arg_value("out", if (quick) file.path(tempdir(), "bench-exposure-quick.md") else
  "bench/RESULTS-exposure.md")
lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages({
  library(smallsurv)
  library(survival)
})
load0 <- loadavg()

make_long <- function(n, tied, seed = 1) {
  set.seed(seed)
  t_ev <- rexp(n, 0.1)
  t_ex <- ifelse(runif(n) < 0.5, runif(n) * t_ev, NA)
  if (tied) {
    t_ev <- ceiling(t_ev)
    t_ex <- ifelse(t_ex < 1, NA, floor(t_ex))  # exposures at whole units before death
  }
  d <- data.frame(id = seq_len(n), t_ev = t_ev, t_ex = t_ex, ev = rbinom(n, 1, 0.7))
  long <- tmerge(d[c("id", "ev")], d, id = id, death = event(t_ev, ev))
  long <- tmerge(long, d, id = id, x = tdc(t_ex))
  long$x[is.na(long$x)] <- 0
  long
}

sizes <- if (quick) c(25, 1e3) else c(25, 1e3, 1e4, 1e5)
reps_for <- function(n) if (n <= 25) 200 else if (n <= 1e3) 30 else if (n <= 1e4) 10 else 3
rows <- list()
for (tied in c(FALSE, TRUE)) for (n in sizes) {
  long <- make_long(n, tied)
  reps <- reps_for(n)
  fns <- list(
    mb = function() mantel_byar_test(Surv(tstart, tstop, death) ~ x, data = long, id = id),
    breslow = function() coxph(Surv(tstart, tstop, death) ~ x, data = long,
                               ties = "breslow")$score,
    sm = function() simon_makuch(Surv(tstart, tstop, death) ~ x, data = long, id = id),
    survfit = function() survfit(Surv(tstart, tstop, death) ~ x, data = long,
                                 conf.type = "log-log"))
  use_exact <- n <= 1e3 && (!tied || n <= 25)  # exact partial likelihood: combinatorial in ties
  if (use_exact) {
    fns$exact <- function() coxph(Surv(tstart, tstop, death) ~ x, data = long,
                                  ties = "exact")$score
  }
  tm <- race(fns, reps, gc_first = n >= 1e5)
  # agreement: the statistic and the curves
  mb <- fns$mb()
  sm <- fns$sm()
  sf <- fns$survfit()
  ex_diff <- if (use_exact) abs(mb$statistic - fns$exact()) else NA_real_
  rows[[length(rows) + 1L]] <- data.frame(
    times = if (tied) "tied" else "continuous", n = n, rows = nrow(long), reps = reps,
    mb = tm[["mb"]], exact = if (use_exact) tm[["exact"]] else NA_real_,
    breslow = tm[["breslow"]], sm = tm[["sm"]], survfit = tm[["survfit"]],
    mb_diff = ex_diff, sm_diff = max(abs(sm$surv - sf$surv), abs(sm$lower - sf$lower),
                                     na.rm = TRUE))
  msg("%s n = %g: MB %s, coxph exact %s, breslow %s; SM %s, survfit %s",
      if (tied) "tied" else "continuous", n, fmt_time(tm[["mb"]]),
      fmt_time(if (use_exact) tm[["exact"]] else NA), fmt_time(tm[["breslow"]]),
      fmt_time(tm[["sm"]]), fmt_time(tm[["survfit"]]))
}
res <- do.call(rbind, rows)
ratio <- function(a, b) ifelse(is.na(a), "—", sprintf("%.1f", a / b))
tab <- c("| times | n | rows | reps | `mantel_byar_test()` | coxph exact | coxph breslow | exact / MB | breslow / MB | \\|diff\\| vs exact | `simon_makuch()` | `survfit()` | survfit / SM | \\|diff\\| vs survfit |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
         sprintf("| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                 res$times, format(res$n, big.mark = ",", scientific = FALSE),
                 format(res$rows, big.mark = ",", scientific = FALSE), res$reps,
                 fmt_time(res$mb), fmt_time(res$exact), fmt_time(res$breslow),
                 ratio(res$exact, res$mb), ratio(res$breslow, res$mb),
                 ifelse(is.na(res$mb_diff), "—", format(signif(res$mb_diff, 2))),
                 fmt_time(res$sm), fmt_time(res$survfit), ratio(res$survfit, res$sm),
                 format(signif(res$sm_diff, 2))))
out <- c("# Time-dependent exposures benchmark: Mantel-Byar and Simon-Makuch", "",
         sprintf(paste0("Generated by `bench/exposure.R` on %s; %s, survival %s, smallsurv %s, ",
                        "%d cores (load average %.1f at start, %.1f at end). Medians of ",
                        "interleaved repetitions in one process; a ratio > 1: smallsurv faster."),
                 format(Sys.time(), "%Y-%m-%d %H:%M"), R.version.string,
                 packageVersion("survival"), packageVersion("smallsurv"),
                 parallel::detectCores(), load0, loadavg()),
         "",
         paste0("No goal is stated for these verbs (#16's goals are for the multi-state fit, ",
                "bench/multistate.R). The Mantel-Byar statistic is coxph's score test with ",
                "`ties = \"exact\"` (hypergeometric variance); Breslow's score test is the ",
                "cheapest coxph call and differs from it where event times tie."),
         "", tab, "")
writeLines(out, out_file)
msg("wrote %s", out_file)
