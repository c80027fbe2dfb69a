# bench/multistate.R -- speed of multistate() against its anchors on an
# illness-death model: survival::survfit(Surv(tstart, tstop, state) ~ 1,
# id =) (the IJ variance, the same numbers) and mstate's chain
# coxph(~ strata(trans)) + msfit() + probtrans() (the Aalen-type variance;
# multistate(variance = "aalen") gives the same numbers). A benchmark, not
# a test: it writes bench/RESULTS-multistate.md and never fails.
#
# Goals (#16): >= 50x survfit and >= 10x mstate at n = 1e4.
#
# Usage (from the repository root):
#   Rscript bench/multistate.R            # full run (a few minutes)
#   Rscript bench/multistate.R --quick    # smoke test, n up to 1e3
# SMALLSURV_LIB=/path/to/library puts a library first on .libPaths().
#
# Method
# * Data: n patients start healthy; the time to illness, Exp(1), competes
#   with death, Exp(0.5), and censoring, Exp(0.3); after illness, death
#   Exp(1) competes with censoring. Continuous times; "tied": times rounded
#   up to tenths. About 1.3 rows (and 0.8 transitions) per patient.
# * Timing: calls end to end, interleaved in one process in a shuffled
#   order, bench::hires_time(); medians and the ratio of medians. The
#   reference runs are quadratic in n: where one would take more than about
#   60 s it runs once in a child process under `timeout 60` and is
#   reported as "> 60 s".
#     multistate(Surv(tstart, tstop, state) ~ 1, data = d, id = id)
#     survfit(Surv(tstart, tstop, state) ~ 1, data = d, id = id)
#     multistate(..., variance = "aalen") against
#     probtrans(msfit(coxph(Surv(Tstart, Tstop, status) ~ strata(trans),
#                           data = msdata, method = "breslow"), trans = tmat),
#               predt = 0)   (msdata prepared by msprep() outside the timing)

args <- commandArgs(trailingOnly = TRUE)
options(warn = 1)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                 value = TRUE)[1])), "harness.R"))
quick <- any(args == "--quick")
out_file <- arg_value("out", if (quick) file.path(tempdir(), "bench-multistate-quick.md") else
  "bench/RESULTS-multistate.md")
lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages({
  library(smallsurv)
  library(survival)
})
has_mstate <- requireNamespace("mstate", quietly = TRUE)
load0 <- loadavg()

make_data <- function(n, tied, seed = 1) {
  set.seed(seed)
  r <- function(rate) {
    x <- rexp(n, rate)
    if (tied) ceiling(x * 10) / 10 else x
  }
  t_ill <- r(1); t_die <- r(0.5); t_cen <- r(0.3)
  first <- pmin(t_ill, t_die, t_cen)
  what <- ifelse(first == t_ill, "ill", ifelse(first == t_die, "dead", "censor"))
  d1 <- data.frame(id = seq_len(n), tstart = 0, tstop = first, st = what)
  ill <- which(what == "ill")
  t2 <- first[ill] + pmax(r(1)[ill], if (tied) 0.1 else 1e-9)
  c2 <- first[ill] + pmax(r(0.3)[ill], if (tied) 0.1 else 1e-9)
  d2 <- data.frame(id = ill, tstart = first[ill], tstop = pmin(t2, c2),
                   st = ifelse(t2 <= c2, "dead", "censor"))
  d <- rbind(d1, d2)
  d$state <- factor(d$st, c("censor", "ill", "dead"))
  d <- d[order(d$id, d$tstart), ]
  # mstate's layout: one row per subject and possible transition
  ms <- NULL
  if (has_mstate) {
    w <- data.frame(id = seq_len(n), ill_time = ifelse(what == "ill", first, first),
                    ill_s = as.integer(what == "ill"))
    end <- first
    end_s <- as.integer(what == "dead")
    end[ill] <- pmin(t2, c2)
    end_s[ill] <- as.integer(t2 <= c2)
    w$death_time <- end
    w$death_s <- end_s
    tmat <- mstate::trans.illdeath(names = c("healthy", "ill", "dead"))
    ms <- mstate::msprep(time = c(NA, "ill_time", "death_time"),
                         status = c(NA, "ill_s", "death_s"), data = w, trans = tmat)
    attr(ms, "tmat") <- tmat
  }
  list(d = d, ms = ms)
}

# One timing of `expr_text` in a child R process limited to `limit` seconds:
# the elapsed time, or Inf when it was stopped.
child_time <- function(setup, expr_text, limit = 60) {
  f <- tempfile(fileext = ".R")
  res <- tempfile()
  writeLines(c(setup, sprintf("t0 <- proc.time()[[3]]; %s; writeLines(format(proc.time()[[3]] - t0), '%s')",
                               expr_text, res)), f)
  system2("timeout", c(format(limit), file.path(R.home("bin"), "Rscript"), f),
          stdout = FALSE, stderr = FALSE)
  if (file.exists(res)) as.numeric(readLines(res)) else Inf
}

sizes <- if (quick) c(25, 1e3) else c(25, 1e3, 1e4, 1e5)
reps_for <- function(n) if (n <= 25) 100 else if (n <= 1e3) 10 else if (n <= 1e4) 3 else 1
rows <- list()
for (tied in c(FALSE, TRUE)) for (n in sizes) {
  x <- make_data(n, tied)
  d <- x$d
  msd <- x$ms
  reps <- reps_for(n)
  fns <- list(ms = function() multistate(Surv(tstart, tstop, state) ~ 1, data = d, id = id),
              ms_aalen = function() multistate(Surv(tstart, tstop, state) ~ 1, data = d,
                                               id = id, variance = "aalen"))
  in_process <- n <= 1e4
  if (in_process) {
    fns$survfit <- function() survfit(Surv(tstart, tstop, state) ~ 1, data = d, id = id)
    if (has_mstate) {
      fns$mstate <- function() {
        c0 <- coxph(Surv(Tstart, Tstop, status) ~ strata(trans), data = msd, method = "breslow")
        mstate::probtrans(mstate::msfit(c0, trans = attr(msd, "tmat")), predt = 0)
      }
    }
  }
  tm <- race(fns, reps, gc_first = n >= 1e4)
  sf_t <- if (in_process) tm[["survfit"]] else NA_real_
  mst_t <- if (in_process && has_mstate) tm[["mstate"]] else NA_real_
  if (!in_process) {
    dfile <- tempfile(fileext = ".rds")
    saveRDS(x, dfile)
    setup <- c("suppressPackageStartupMessages(library(survival))",
               sprintf("x <- readRDS('%s'); d <- x$d; msd <- x$ms", dfile))
    sf_t <- child_time(setup, "survfit(Surv(tstart, tstop, state) ~ 1, data = d, id = id)")
    if (has_mstate) {
      mst_t <- child_time(setup, paste0(
        "c0 <- coxph(Surv(Tstart, Tstop, status) ~ strata(trans), data = msd, method = 'breslow'); ",
        "mstate::probtrans(mstate::msfit(c0, trans = attr(msd, 'tmat')), predt = 0)"))
    }
  }
  # agreement where the references ran in this process
  diff_sf <- diff_mst <- NA_real_
  if (in_process) {
    f <- fns$ms()
    s <- fns$survfit()
    diff_sf <- max(abs(f$pstate - s$pstate), abs(f$std.err - s$std.err))
    if (has_mstate) {
      fa <- fns$ms_aalen()
      pt <- fns$mstate()[[1]]
      ix <- findInterval(pt$time, fa$time)
      P <- rbind(c(1, 0, 0), fa$pstate)[ix + 1L, ]
      S <- rbind(c(0, 0, 0), fa$std.err)[ix + 1L, ]
      diff_mst <- max(abs(P - as.matrix(pt[, paste0("pstate", 1:3)])),
                      abs(S - as.matrix(pt[, paste0("se", 1:3)])))
    }
  }
  rows[[length(rows) + 1L]] <- data.frame(
    times = if (tied) "tied" else "continuous", n = n, rows = nrow(d),
    transitions = sum(d$state != "censor"), reps = reps, ms = tm[["ms"]],
    ms_aalen = tm[["ms_aalen"]], survfit = sf_t, mstate = mst_t, diff_sf = diff_sf,
    diff_mst = diff_mst)
  msg("%s n = %g: multistate %s (aalen %s), survfit %s, mstate %s",
      if (tied) "tied" else "continuous", n, fmt_time(tm[["ms"]]), fmt_time(tm[["ms_aalen"]]),
      if (is.infinite(sf_t)) "> 60 s" else fmt_time(sf_t),
      if (is.infinite(mst_t)) "> 60 s" else fmt_time(mst_t))
}
res <- do.call(rbind, rows)
tfmt <- function(v) ifelse(is.infinite(v), "> 60 s", fmt_time(v))
ratio <- function(a, b) ifelse(is.na(a), "—", ifelse(is.infinite(a), sprintf("> %.0f", 60 / b),
                                                     sprintf("%.1f", a / b)))
tab <- c(paste0("| times | n | rows | transitions | reps | `multistate()` | survfit | survfit / ",
                "multistate | \\|diff\\| vs survfit | `multistate(variance = \"aalen\")` | mstate | ",
                "mstate / multistate | \\|diff\\| vs mstate |"),
         "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
         sprintf("| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |",
                 res$times, format(res$n, big.mark = ",", scientific = FALSE),
                 format(res$rows, big.mark = ",", scientific = FALSE),
                 format(res$transitions, big.mark = ",", scientific = FALSE), res$reps,
                 fmt_time(res$ms), tfmt(res$survfit), ratio(res$survfit, res$ms),
                 ifelse(is.na(res$diff_sf), "—", format(signif(res$diff_sf, 2))),
                 fmt_time(res$ms_aalen), tfmt(res$mstate), ratio(res$mstate, res$ms_aalen),
                 ifelse(is.na(res$diff_mst), "—", format(signif(res$diff_mst, 2)))))
goal <- function(label, a, b, target) {
  if (!length(a) || is.na(a) || is.na(b)) return(paste0("- ", label, ": not measured"))
  r <- a / b
  sprintf("- %s: %.1fx (goal >= %gx) **%s**", label, r, target, if (r >= target) "met" else "missed")
}
at <- res$n == 1e4
goals <- if (quick) "- (quick run: goals are measured at n = 1e4 only)" else c(
  goal("survfit / multistate at n = 1e4, continuous", res$survfit[at & res$times == "continuous"],
       res$ms[at & res$times == "continuous"], 50),
  goal("survfit / multistate at n = 1e4, tied", res$survfit[at & res$times == "tied"],
       res$ms[at & res$times == "tied"], 50),
  goal("mstate / multistate at n = 1e4, continuous", res$mstate[at & res$times == "continuous"],
       res$ms_aalen[at & res$times == "continuous"], 10),
  goal("mstate / multistate at n = 1e4, tied", res$mstate[at & res$times == "tied"],
       res$ms_aalen[at & res$times == "tied"], 10))
out <- c("# Multi-state benchmark: multistate() against survfit and mstate", "",
         sprintf(paste0("Generated by `bench/multistate.R` on %s; %s, survival %s, mstate %s, ",
                        "smallsurv %s, %d cores (load average %.1f at start, %.1f at end). ",
                        "Medians of interleaved repetitions in one process; a ratio > 1: ",
                        "smallsurv faster. Reference runs past 60 s ran once in a child ",
                        "process and were stopped."),
                 format(Sys.time(), "%Y-%m-%d %H:%M"), R.version.string,
                 packageVersion("survival"),
                 if (has_mstate) as.character(packageVersion("mstate")) else "not installed",
                 packageVersion("smallsurv"), parallel::detectCores(), load0, loadavg()),
         "", "Goals (#16):", "", goals, "", tab, "",
         paste0("The |diff| columns are the largest absolute difference of the state ",
                "probabilities and their standard errors (IJ against survfit; the Aalen-type ",
                "variance against mstate's probtrans() default)."), "")
writeLines(out, out_file)
msg("wrote %s", out_file)
