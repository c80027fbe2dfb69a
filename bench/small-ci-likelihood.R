# bench/small-ci-likelihood.R -- speed of km(conf.type = "likelihood-ratio")
# (Thomas-Grunkemeier) against bpcp::kmciTG() and
# km.ci::km.ci(method = "grunkemeier"), and of the Rothman and Peto
# intervals. A benchmark, not a test: it writes a report
# (bench/RESULTS-likelihood.md) and never fails on a goal.
#
# Usage (from the repository root):
#   Rscript bench/small-ci-likelihood.R            # full run (~5 min)
#   Rscript bench/small-ci-likelihood.R --quick    # smoke test, n up to 2000
#   Rscript bench/small-ci-likelihood.R --out=FILE # where to write the report
# SMALLSURV_LIB=/path/to/library puts a library first on .libPaths().
#
# Method
# * Data: n subjects, event times Exp(1), censoring times Exp(0.4), times
#   rounded to 4 decimals (bpcp tabulates times through their character
#   form); seed fixed per n.
# * Contenders (every one computes the interval at every event time at least):
#     km(Surv(time, status) ~ 1, d, conf.type = "likelihood-ratio")  (every row)
#     bpcp::kmciTG(time, status)                                     (event times)
#     km.ci::km.ci(survfit(Surv(time, status) ~ 1, d), method = "grunkemeier")
#       (every row; the survfit call is outside the timed region)
#   and, for information, km() with "rothman", "peto" and "log-log".
# * Timing: bench::hires_time() (or proc.time()); smallsurv contenders are
#   repeated (medians reported); a reference is run once and repeated (up to
#   3 times) only when its first run took < 5 s. The references are
#   quadratic or worse in n: a run is stopped after 60 s (setTimeLimit) and
#   reported as "> 60 s"; a reference is not run at a larger n once it hit
#   the cap. smallsurv alone at n = 1e5 and 1e6.
# * Agreement is checked on the first run: max |difference| of the limits
#   against kmciTG at its times and against km.ci where km.ci is defined
#   (S < 1, no emptied risk set).

args <- commandArgs(trailingOnly = TRUE)
quick <- any(args == "--quick")
out_arg <- grep("^--out=", args, value = TRUE)
out_file <- if (length(out_arg)) sub("^--out=", "", out_arg[1L]) else
  if (quick) file.path(tempdir(), "smallsurv-bench-likelihood-quick.md") else
    "bench/RESULTS-likelihood.md"
lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))

suppressPackageStartupMessages({
  library(survival)
  library(smallsurv)
})
have_bpcp <- requireNamespace("bpcp", quietly = TRUE)
have_kmci <- requireNamespace("km.ci", quietly = TRUE)
have_bench <- requireNamespace("bench", quietly = TRUE)
now <- if (have_bench) function() as.numeric(bench::hires_time()) else
  function() proc.time()[["elapsed"]]
cap_s <- 60

make_data <- function(n) {
  set.seed(20261125L + n)
  t <- stats::rexp(n)
  cens <- stats::rexp(n, 0.4)
  data.frame(time = round(pmin(t, cens), 4), status = as.integer(t <= cens))
}

# time one call; NA_real_ + attr "capped" when stopped at the cap
time_once <- function(expr_fun) {
  t0 <- now()
  res <- tryCatch({
    setTimeLimit(elapsed = cap_s, transient = TRUE)
    on.exit(setTimeLimit(elapsed = Inf), add = TRUE)
    expr_fun()
  }, error = function(e) structure(list(), capped = TRUE))
  setTimeLimit(elapsed = Inf)
  el <- now() - t0
  list(time = if (isTRUE(attr(res, "capped"))) Inf else el, value = res)
}
median_time <- function(fun, reps) {
  first <- time_once(fun)
  times <- first$time
  if (is.finite(first$time) && reps > 1) {
    for (i in seq_len(reps - 1)) {
      if (sum(times) > 20) break
      times <- c(times, time_once(fun)$time)
    }
  }
  list(time = stats::median(times), reps = length(times), value = first$value)
}
fmt_t <- function(x) {
  if (is.na(x)) return("not run")
  if (is.infinite(x)) return(paste0("> ", cap_s, " s"))
  if (x < 1e-3) sprintf("%.0f us", x * 1e6) else if (x < 1) sprintf("%.1f ms", x * 1e3) else
    sprintf("%.2f s", x)
}
fmt_r <- function(a, b) if (is.na(a) || is.na(b)) "n/a" else
  if (is.infinite(a)) sprintf("> %.3gx", cap_s / b) else sprintf("%.3gx", a / b)

sizes_ref <- if (quick) c(25, 200, 2000) else c(25, 200, 2000)
sizes_alone <- if (quick) numeric(0) else c(1e5, 1e6)
rows <- list()
capped <- c(kmciTG = FALSE, kmci = FALSE)
for (n in c(sizes_ref, sizes_alone)) {
  d <- make_data(n)
  reps <- if (n <= 200) 20 else if (n <= 2000) 5 else 3
  cat(sprintf("n = %g ...\n", n)); flush(stdout())
  r <- list(n = n, events = sum(d$status), rows = length(unique(d$time)))
  lr <- median_time(function() km(Surv(time, status) ~ 1, d, conf.type = "likelihood-ratio"), reps)
  r$km_lr <- lr$time; r$reps <- lr$reps
  r$km_rothman <- median_time(function() km(Surv(time, status) ~ 1, d, conf.type = "rothman"), reps)$time
  r$km_peto <- median_time(function() km(Surv(time, status) ~ 1, d, conf.type = "peto"), reps)$time
  r$km_loglog <- median_time(function() km(Surv(time, status) ~ 1, d), reps)$time
  r$kmciTG <- r$kmci <- NA_real_
  r$diff_tg <- r$diff_kmci <- NA_real_
  if (n %in% sizes_ref && have_bpcp && !capped[["kmciTG"]]) {
    tg <- median_time(function() bpcp::kmciTG(d$time, d$status), 3)
    r$kmciTG <- tg$time
    if (is.infinite(tg$time)) capped[["kmciTG"]] <- TRUE else {
      i <- findInterval(tg$value$time, lr$value$time)
      r$diff_tg <- max(abs(lr$value$lower[i] - tg$value$lower), abs(lr$value$upper[i] - tg$value$upper))
    }
  }
  if (n %in% sizes_ref && have_kmci && !capped[["kmci"]]) {
    sf <- survfit(Surv(time, status) ~ 1, d)
    kc <- median_time(function() km.ci::km.ci(sf, method = "grunkemeier"), 3)
    r$kmci <- kc$time
    if (is.infinite(kc$time)) capped[["kmci"]] <- TRUE else {
      f <- lr$value
      ok <- f$surv < 1 & cumsum(f$n.event == f$n.risk) == 0
      r$diff_kmci <- max(abs(f$lower[ok] - kc$value$lower[ok]), abs(f$upper[ok] - kc$value$upper[ok]))
    }
  }
  rows[[length(rows) + 1L]] <- r
}

pkg_ver <- function(p) tryCatch(as.character(utils::packageVersion(p)), error = function(e) "not installed")
cpu <- tryCatch(sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1]),
                error = function(e) "?")
L <- c(
  "# Likelihood-ratio (Thomas-Grunkemeier), Rothman and Peto intervals: benchmark",
  "",
  paste0("Generated by `Rscript bench/small-ci-likelihood.R", if (quick) " --quick" else "", "` on ",
         format(Sys.time(), "%Y-%m-%d %H:%M %Z"), "; R ", getRversion(), ", smallsurv ",
         pkg_ver("smallsurv"), ", bpcp ", pkg_ver("bpcp"), ", km.ci ", pkg_ver("km.ci"),
         "; CPU ", cpu, " (shared machine: absolute times are inflated when others compile)."),
  "",
  "Data: Exp(1) event times, Exp(0.4) censoring (~71% events), times rounded to 4 decimals. ",
  "`km()` computes the interval at every row (event and censoring times); `kmciTG()` at the event ",
  "times; `km.ci()` at every row of a survfit fit (survfit outside the timed region). ",
  paste0("References are stopped at ", cap_s, " s and not run at larger n after that. ",
         "Medians of the repetitions shown (references: 1-3 runs)."),
  "",
  "| n | events | `km()` LR | reps | `bpcp::kmciTG()` | `km.ci(\"grunkemeier\")` | kmciTG / km | km.ci / km | max diff vs kmciTG | max diff vs km.ci | `km()` rothman | `km()` peto | `km()` log-log |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (r in rows) {
  L <- c(L, paste0("| ", format(r$n, big.mark = ",", scientific = FALSE), " | ", r$events, " | ",
                   fmt_t(r$km_lr), " | ", r$reps, " | ", fmt_t(r$kmciTG), " | ", fmt_t(r$kmci), " | ",
                   fmt_r(r$kmciTG, r$km_lr), " | ", fmt_r(r$kmci, r$km_lr), " | ",
                   if (is.na(r$diff_tg)) "n/a" else sprintf("%.1e", r$diff_tg), " | ",
                   if (is.na(r$diff_kmci)) "n/a" else sprintf("%.1e", r$diff_kmci), " | ",
                   fmt_t(r$km_rothman), " | ", fmt_t(r$km_peto), " | ", fmt_t(r$km_loglog), " |"))
}
L <- c(L, "",
       "Differences against the references' default calls reflect their root-finding tolerances ",
       "(kmciTG: uniroot's default tol ~1.2e-4 in lambda; km.ci: bisection to 1e-7 on the function ",
       "value); against the same algorithm solved by `uniroot(tol = 1e-14)` the tests find < 1e-13.")
writeLines(L, out_file)
cat(paste(L, collapse = "\n"), "\n")
cat("report written to", out_file, "\n")
