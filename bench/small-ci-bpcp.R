# bench/small-ci-bpcp.R -- speed of km(conf.type = "bpcp" / "bpcp-midp" /
# "borkowf") against bpcp::bpcp(nmc = 0) and bpcp::kmciBorkowf(). A
# benchmark, not a test: it writes a report (bench/RESULTS-bpcp.md, merged
# by the lead into bench/RESULTS.md) and never fails on a goal.
#
# Usage (from the repository root):
#   Rscript bench/small-ci-bpcp.R                # full run (~5 min on a quiet machine)
#   Rscript bench/small-ci-bpcp.R --quick        # smoke test (n <= 2000, few reps)
#   Rscript bench/small-ci-bpcp.R --out=FILE
# SMALLSURV_LIB=/path/to/library puts that library first on .libPaths().
#
# Method
# * Data: n subjects, times Exp(mean 365 days), status Bernoulli(0.7).
#   "continuous": times rounded to 1e-4 day (practically all distinct, and
#   exact decimals, which bpcp's table()-based counting needs to group
#   times exactly as km() does); "days": rounded up to whole days (ties;
#   a few thousand distinct times at most).
# * Formula / vector calls, end to end:
#     km(Surv(time, status) ~ 1, data = d, conf.type = "bpcp")
#     bpcp::bpcp(d$time, d$status, nmc = 0)
#   and the same for "bpcp-midp" (bpcp(..., midp = TRUE)) and "borkowf"
#   (bpcp::kmciBorkowf(type = "log")).
# * Timing: contenders interleaved in one process, medians of repetitions
#   (elapsed time from bench::hires_time() when installed). Process CPU time
#   medians are reported too: the machine is shared, and CPU time is less
#   disturbed by other processes. A reference whose first run takes longer
#   than 60 s is not repeated and not run at larger n ("> 60 s").
# * Coverage-laboratory shape: 10,000 cohorts of n = 25, limits at 3 times
#   each, one call of the C++ PointwiseFn per cohort (through
#   smallsurv:::pointwise_ci_cpp, all cohorts in one .Call).
# * Largest differences between smallsurv and the reference at the fit's
#   rows are reported (`|diff|`); mid-p against bpcp's default tolerance.

args <- commandArgs(trailingOnly = TRUE)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                 value = TRUE)[1])), "harness.R"))
quick <- any(args == "--quick")
lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages({
  library(smallsurv)
  library(survival)
  library(bpcp)
})
have_bench <- requireNamespace("bench", quietly = TRUE)
now <- if (have_bench) function() as.numeric(bench::hires_time()) else
  function() proc.time()[["elapsed"]]
cpu <- function() sum(proc.time()[c("user.self", "sys.self")])
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
script <- if (length(file_arg)) normalizePath(sub("^--file=", "", file_arg[1])) else
  normalizePath("bench/small-ci-bpcp.R", mustWork = FALSE)
out_file <- arg_value("out", if (quick) file.path(tempdir(), "RESULTS-bpcp-quick.md") else
  file.path(dirname(script), "RESULTS-bpcp.md"))
cap_s <- 60
load_start <- loadavg()

make_data <- function(n, ties = "continuous", seed = 20261125L) {
  set.seed(seed + as.integer(log10(n) * 10))
  time <- stats::rexp(n, rate = 1 / 365)
  time <- if (ties == "days") ceiling(time) else round(time, 4)
  data.frame(time = time, status = stats::rbinom(n, 1L, 0.7))
}


# reference value of bpcp's kmciLR at the fit's times
ref_at <- function(ref, t, closed_points) {
  if (closed_points) {  # Borkowf: (0, y1), [y1, y1], (y1, y2), ...
    y <- ref$L[ref$Lin & ref$Rin]
    idx <- ifelse(t %in% y, 2L * match(t, y), 2L * findInterval(t, y) + 1L)
  } else idx <- findInterval(t, ref$L)
  list(lower = ref$lower[idx], upper = ref$upper[idx])
}

methods <- list(
  bpcp = list(ours = function(d) km(Surv(time, status) ~ 1, data = d, conf.type = "bpcp"),
              ref = function(d) bpcp::bpcp(d$time, d$status, nmc = 0), closed = FALSE),
  `bpcp-midp` = list(ours = function(d) km(Surv(time, status) ~ 1, data = d,
                                           conf.type = "bpcp-midp"),
                     ref = function(d) bpcp::bpcp(d$time, d$status, nmc = 0, midp = TRUE),
                     closed = FALSE),
  borkowf = list(ours = function(d) km(Surv(time, status) ~ 1, data = d, conf.type = "borkowf"),
                 ref = function(d) bpcp::kmciBorkowf(d$time, d$status, type = "log"),
                 closed = TRUE)
)

ref_sizes <- if (quick) c(25, 200, 2000) else c(25, 200, 2000)
solo_sizes <- if (quick) numeric(0) else c(1e5, 1e6)
reps_for <- function(n) if (n <= 25) (if (quick) 20 else 100) else if (n <= 200)
  (if (quick) 10 else 30) else if (n <= 2000) (if (quick) 3 else 10) else if (n <= 1e5) 3 else 1

rows <- list()
for (ties in c("continuous", "days")) for (m in names(methods)) {
  capped <- FALSE
  for (n in c(ref_sizes, solo_sizes)) {
    d <- make_data(n, ties)
    run_ref <- n %in% ref_sizes && !capped
    reps <- reps_for(n)
    t_ours <- c_ours <- t_ref <- c_ref <- numeric(0)
    diff <- NA_real_
    for (r in seq_len(reps)) {
      gc(FALSE)
      t0 <- now(); c0 <- cpu(); fit <- methods[[m]]$ours(d)
      t_ours <- c(t_ours, now() - t0); c_ours <- c(c_ours, cpu() - c0)
      if (run_ref) {
        t0 <- now(); c0 <- cpu(); ref <- methods[[m]]$ref(d)
        el <- now() - t0
        t_ref <- c(t_ref, el); c_ref <- c(c_ref, cpu() - c0)
        if (r == 1L) {
          rv <- ref_at(ref, fit$time, methods[[m]]$closed)
          diff <- max(abs(fit$lower - rv$lower), abs(fit$upper - rv$upper))
        }
        if (el > cap_s) { capped <- TRUE; run_ref <- FALSE }
      }
    }
    med <- function(x) if (length(x)) stats::median(x) else NA_real_
    rows[[length(rows) + 1L]] <- data.frame(
      method = m, ties = ties, n = n, rows = length(fit$time), reps = reps, ours = med(t_ours), ref = med(t_ref),
      ours_cpu = med(c_ours), ref_cpu = med(c_ref), diff = diff,
      capped = n %in% ref_sizes && length(t_ref) == 0L)
    msg("%-10s %-10s n=%-8g smallsurv %s  bpcp %s  |diff| %s", m, ties, n, fmt_time(med(t_ours)),
        fmt_time(med(t_ref)), format(diff, digits = 2))
  }
}
res <- do.call(rbind, rows)

# coverage-laboratory shape: 10,000 cohorts x n = 25 x 3 times
R <- if (quick) 2000 else 10000
set.seed(7)
g <- rep(seq_len(R), each = 25)
dd <- data.frame(time = round(stats::rexp(25 * R, 1 / 8), 2), status = stats::rbinom(25 * R, 1, 0.7),
                 g = g)
kf <- km(Surv(time, status) ~ g, data = dd, conf.type = "none")
at <- rep(c(2, 4, 8), R)
lab <- do.call(rbind, lapply(c("bpcp", "bpcp-midp", "borkowf", "borkowf-shrunk"), function(m) {
  el <- cp <- numeric(0)
  for (r in 1:3) {
    t0 <- now(); c0 <- cpu()
    smallsurv:::pointwise_ci_cpp(m, kf$time, kf$n.risk, kf$n.event, kf$n.censor,
                                 as.integer(kf$strata), at, rep(3L, R), 0.95)
    el <- c(el, now() - t0); cp <- c(cp, cpu() - c0)
  }
  data.frame(method = m, elapsed = stats::median(el), cpu = stats::median(cp))
}))
msg("lab shape: %s", paste(lab$method, sapply(lab$elapsed, fmt_time), collapse = "; "))

# mid-p against bpcp's default tolerance (n = 200)
d <- make_data(200, "days")
f <- km(Surv(time, status) ~ 1, data = d, conf.type = "bpcp-midp")
rv <- ref_at(bpcp::bpcp(d$time, d$status, nmc = 0, midp = TRUE), f$time, FALSE)
midp_default_diff <- max(abs(f$lower - rv$lower), abs(f$upper - rv$upper))
rv <- ref_at(bpcp::bpcp(d$time, d$status, nmc = 0, midp = TRUE,
                        control = bpcp::bpcpControl(midpMMTol = 1e-12)), f$time, FALSE)
midp_tight_diff <- max(abs(f$lower - rv$lower), abs(f$upper - rv$upper))
load_end <- loadavg()

# ---- report -----------------------------------------------------------------------
L <- c("# Small-sample intervals for S(t) benchmark: BPCP and Borkowf", "",
       sprintf(paste0("Generated by `bench/small-ci-bpcp.R` on %s; %s, survival %s, bpcp %s, ",
                      "smallsurv %s, %d cores (shared; load average %.1f at start, %.1f at end). ",
                      "Medians of interleaved repetitions in one process; ratio = bpcp / ",
                      "smallsurv (> 1: smallsurv faster)."),
               format(Sys.time(), "%Y-%m-%d %H:%M"), R.version.string,
               packageVersion("survival"), packageVersion("bpcp"), packageVersion("smallsurv"),
               parallel::detectCores(), load_start, load_end), "",
       "Data: Exp(mean 365) times, 70% events; \"continuous\": rounded to 1e-4 (all distinct), \"days\": rounded up to whole days (ties; `rows` = distinct times + the start row). smallsurv: `km(Surv(time, status) ~ 1, conf.type = ...)` end to end (formula, fit, interval). Reference: `bpcp::bpcp(time, status, nmc = 0)` (`midp = TRUE` for mid-p), `bpcp::kmciBorkowf(type = \"log\")`. `|diff|`: largest absolute difference of the limits at the fit's rows (mid-p: against bpcp's default `midpMMTol`).", "")
for (m in names(methods)) {
  L <- c(L, sprintf("## `conf.type = \"%s\"`", m), "",
         "| times | n | rows | reps | smallsurv | bpcp | ratio (elapsed) | ratio (CPU) | \\|diff\\| |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
  for (i in which(res$method == m)) {
    r <- res[i, ]
    refs <- if (r$capped) "> 60 s" else fmt_time(r$ref)
    L <- c(L, sprintf("| %s | %s | %s | %d | %s | %s | %s | %s | %s |", r$ties,
                      format(r$n, big.mark = ",", scientific = FALSE),
                      format(r$rows, big.mark = ",", scientific = FALSE), r$reps, fmt_time(r$ours), refs,
                      if (is.na(r$ref)) "—" else sprintf("%.0f×", r$ref / r$ours),
                      if (is.na(r$ref_cpu) || r$ours_cpu <= 0) "—" else sprintf("%.0f×", r$ref_cpu / r$ours_cpu),
                      if (is.na(r$diff)) "—" else format(r$diff, digits = 2)))
  }
  L <- c(L, "")
}
# The goal is judged twice: on the cold calls above (gc() before every call,
# so each call starts with cold caches) and in steady state (bench::mark,
# repeated calls, medians), because the two differ by ~20% at n = 2000.
for (tt in c("continuous", "days")) {
  g2000 <- res[res$method == "bpcp" & res$n == 2000 & res$ties == tt, ]
  ratio <- g2000$ref / g2000$ours
  d <- make_data(2000, tt)
  bm <- bench::mark(ours = methods$bpcp$ours(d), ref = methods$bpcp$ref(d), check = FALSE,
                    min_iterations = if (quick) 3 else 20, filter_gc = FALSE)
  steady <- as.numeric(bm$median[2]) / as.numeric(bm$median[1])
  verdict <- function(r) if (is.finite(r) && r >= 50) "met" else "missed"
  L <- c(L, sprintf(paste0("**Goal** (BPCP at n = 2000, %s times, ≥ 50× faster than `bpcp::bpcp(nmc = 0)`): ",
                           "steady state (bench::mark medians, %s vs %s) **%s**, %.0f×; ",
                           "cold calls (gc() before each) **%s**, %.0f× (elapsed; %.0f× CPU)%s."),
                    tt, fmt_time(as.numeric(bm$median[1])), fmt_time(as.numeric(bm$median[2])),
                    verdict(steady), steady, verdict(ratio), ratio,
                    g2000$ref_cpu / max(g2000$ours_cpu, 1e-9),
                    if (is.finite(ratio) && ratio < 50) sprintf(" (cold: below the goal by a factor %.2f)", ratio / 50) else ""), "")
}
L <- c(L,
       sprintf("Mid-p at n = 200: |diff| %.1e against bpcp's default call, %.1e against `bpcpControl(midpMMTol = 1e-12)`.",
               midp_default_diff, midp_tight_diff), "",
       sprintf("## Coverage-laboratory shape: %s cohorts of n = 25, 3 times each (PointwiseFn)", format(R, big.mark = ",")), "",
       "| method | elapsed | CPU | per cohort |", "|---|---:|---:|---:|")
for (i in seq_len(nrow(lab))) {
  L <- c(L, sprintf("| %s | %s | %s | %s |", lab$method[i], fmt_time(lab$elapsed[i]),
                    fmt_time(lab$cpu[i]), fmt_time(lab$elapsed[i] / R)))
}
L <- c(L, "",
       "## Notes",
       "",
       "* Where the time goes: at n = 2000 about 85% of `km(conf.type = \"bpcp\")` is the",
       "  C++ kernel, and that is two beta quantile inversions per row (Boost.Math",
       "  `ibeta_inv`, ~2 µs each for the non-integer method-of-moments parameters;",
       "  R's `qbeta()` takes ~4× longer on the same parameters). A warm-started",
       "  Halley iteration from the previous row's quantile was tried and was slower",
       "  (each incomplete-beta evaluation in the tail costs ~1.5 µs). bpcp's own cost",
       "  grows with the number of *distinct* times (its `abmm()` is called twice per",
       "  interval and multiplies all earlier factors), so the ratio is larger for",
       "  continuous times (2,000 distinct) than for whole days (822 distinct).",
       "* The coverage-laboratory shape evaluates the limits only at the requested",
       "  times: earlier intervals enter the monotone running minimum only when their",
       "  distribution function says they could lower it.")
writeLines(L, out_file)
msg("written %s", out_file)
