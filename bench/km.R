# bench/km.R -- speed and memory of smallsurv::km() against survival::survfit()
# and prodlim::prodlim(). A benchmark, not a test: it writes a report
# (bench/RESULTS-km.md; bench/collect.R gathers every report into bench/RESULTS.md) and never fails on a goal.
#
# Usage (from the repository root):
#   Rscript bench/km.R                 # full run, n = 25 ... 1e7 (~15 min)
#   Rscript bench/km.R --quick         # smoke test, n up to 1e5 (< 1 min)
#   Rscript bench/km.R --sizes=25,1e4  # chosen sizes
#   Rscript bench/km.R --out=FILE      # where to write the report
# The installed smallsurv is used; set SMALLSURV_LIB=/path/to/library to put a
# library first on .libPaths() (e.g. a private snapshot install). The default
# report is bench/RESULTS-km.md for a full run and <tmpdir>/smallsurv-bench-quick.md
# otherwise, so that a smoke test never overwrites the full report.
# Measuring a private snapshot while others edit the working tree, e.g.:
#   mkdir -p /tmp/snap/src /tmp/snap/lib
#   git archive HEAD | tar -x -C /tmp/snap/src        # or rsync the working tree
#   git rev-parse --short HEAD > /tmp/snap/src/.snapshot-rev
#   R CMD INSTALL --library=/tmp/snap/lib /tmp/snap/src
#   SMALLSURV_LIB=/tmp/snap/lib SMALLSURV_SRC=/tmp/snap/src Rscript bench/km.R
# SMALLSURV_SRC only labels the report (fingerprint and commit of the source).
# Other flags: --no-memory, --no-profile (skip those sections).
#
# Method
# * Data: n subjects, times Exp(mean 365 days), status Bernoulli(0.7).
#   "continuous": the exponential times as drawn; "tied": the same times
#   rounded up to whole days (a few thousand distinct values).
# * Timing: all contenders for one (n, times) cell run interleaved in this one
#   process, in a shuffled order each repetition, timed with
#   bench::hires_time(); the report gives medians and ratios of medians. More
#   repetitions at small n, fewer at large n; one untimed warm-up at n <= 1e5.
#   At n >= 1e5 gc() runs before every timed call, outside the timed region
#   (else the garbage of one contender is collected inside the next one's
#   timing: measured, this doubled the kernel's time after survfit at 1e6).
#   Process CPU time is recorded too; at n >= 1e6 the goals also give the
#   ratio of CPU-time medians, which other processes on a shared machine
#   disturb less than wall time.
# * Formula calls, end to end:
#     km(Surv(time, status) ~ 1, data = d)                       (log-log CI)
#     survfit(Surv(time, status) ~ 1, data = d, conf.type = "log-log")
#     prodlim(Hist(time, status) ~ 1, data = d)
# * Kernels, vectors in, fit out:
#     smallsurv:::km_fit_cpp(time, status, NULL, NULL, NULL, 1L, TRUE, FALSE)
#       (status as km() passes it: an integer 0/1 vector)
#     survival::survfitKM(strata factor, Surv object, conf.type = "log-log")
#       (for reference: survfit minus its formula layer; inputs built outside)
#     order(time)  -- R's own radix order: the floor, sorting alone.
# * Cap: a reference (survfit, survfitKM, prodlim) whose first repetition takes
#   longer than 60 s is not repeated and is reported as "> 60 s" for that n
#   and every larger n (larger n are not run). It is also skipped, without
#   running, when the time at the previous n predicts more than 5 minutes.
# * Peak memory: one fresh process per (method, n, times), run as
#   `/usr/bin/time -v Rscript bench/km.R --child=...`, "Maximum resident set
#   size". The baseline process loads the same packages and builds the same
#   data but fits nothing; "extra" = peak - baseline. NA when /usr/bin/time is
#   missing (apt-get install time).

# ---- arguments and set-up ----------------------------------------------------

args <- commandArgs(trailingOnly = TRUE)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                 value = TRUE)[1])), "harness.R"))
has_flag <- function(name) any(args == paste0("--", name))

lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))

suppressPackageStartupMessages({
  library(smallsurv)
  library(survival)
  have_prodlim <- requireNamespace("prodlim", quietly = TRUE)
})
have_bench <- requireNamespace("bench", quietly = TRUE)
now <- if (have_bench) function() as.numeric(bench::hires_time()) else
  function() proc.time()[["elapsed"]]

make_data <- function(n, ties, seed = 20240611L) {
  set.seed(seed + as.integer(log10(n) * 10))
  time <- stats::rexp(n, rate = 1 / 365)
  if (ties == "tied") time <- ceiling(time)
  data.frame(time = time, status = stats::rbinom(n, 1L, 0.7))
}

# One call of each contender; `d` is the data frame, `v` pre-built vectors.
contenders <- list(
  km        = function(d, v) km(Surv(time, status) ~ 1, data = d),
  survfit   = function(d, v) survfit(Surv(time, status) ~ 1, data = d, conf.type = "log-log"),
  prodlim   = function(d, v) prodlim::prodlim(prodlim::Hist(time, status) ~ 1, data = d),
  km_kernel = function(d, v) smallsurv:::km_fit_cpp(v$time, v$status, NULL, NULL, NULL,
                                                    1L, TRUE, FALSE),
  survfitKM = function(d, v) survival::survfitKM(v$x, v$y, conf.type = "log-log"),
  order     = function(d, v) order(v$time)
)
references <- c("survfit", "survfitKM", "prodlim")
if (!have_prodlim) contenders$prodlim <- NULL

prep_vectors <- function(d) {
  list(time = d$time, status = d$status,
       x = factor(rep.int(1L, nrow(d))), y = Surv(d$time, d$status))
}

# ---- child mode: one fit in a fresh process (peak memory) --------------------

child <- arg_value("child")
if (!is.null(child)) {
  n <- as.numeric(arg_value("n"))
  ties <- arg_value("ties", "continuous")
  d <- make_data(n, ties)
  v <- if (child == "km_kernel") list(time = d$time, status = d$status)
  t0 <- now()
  if (child != "baseline") res <- contenders[[child]](d, v)
  cat(sprintf("child %s n=%g %s: %.3f s\n", child, n, ties, now() - t0))
  quit(save = "no", status = 0)
}

quick <- has_flag("quick")
sizes <- if (!is.null(arg_value("sizes"))) {
  as.numeric(strsplit(arg_value("sizes"), ",")[[1]])
} else if (quick) c(25, 1e3, 1e5) else c(25, 1e3, 1e5, 1e6, 1e7)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
script <- if (length(file_arg)) normalizePath(sub("^--file=", "", file_arg[1])) else
  normalizePath("bench/km.R", mustWork = FALSE)
bench_dir <- dirname(script)
full_run <- !quick && is.null(arg_value("sizes"))
out_file <- arg_value("out", if (full_run) file.path(bench_dir, "RESULTS-km.md") else
  file.path(Sys.getenv("TMPDIR", "/tmp"), "smallsurv-bench-quick.md"))
cap_s <- 60
skip_mem <- has_flag("no-memory")

reps_for <- function(n) {
  base <- if (n <= 100) 300 else if (n <= 1e4) 100 else if (n <= 1e5) 25 else
    if (n <= 1e6) 7 else 3
  if (quick) max(3, ceiling(base / 3)) else base
}

load_start <- loadavg()

# ---- timing ------------------------------------------------------------------

tie_types <- c("continuous", "tied")
results <- list()   # rows: one per (ties, n)
checks <- list()
capped <- list()    # capped[[ties]][[ref]] = TRUE once a reference exceeded the cap
last_time <- list() # last median per (ties, ref) for the prediction

fast_route_used <- function(d) {
  r <- tryCatch({
    mc <- quote(km(Surv(time, status) ~ 1, data = d))
    !is.null(smallsurv:::surv_input_fast(mc, Surv(time, status) ~ 1, d, environment()))
  }, error = function(e) NA)
  r
}

fast_route <- NULL
set.seed(1)
for (ties in tie_types) {
  capped[[ties]] <- list()
  prev_n <- NA
  for (n in sizes) {
    d <- make_data(n, ties)
    v <- prep_vectors(d)
    nreps <- reps_for(n)
    run <- names(contenders)
    status <- setNames(rep("ok", length(run)), run)
    for (ref in intersect(references, run)) {
      if (isTRUE(capped[[ties]][[ref]])) {
        status[ref] <- "capped"
      } else if (!is.na(prev_n) && !is.null(last_time[[paste(ties, ref)]])) {
        pred <- last_time[[paste(ties, ref)]] * (n / prev_n) * log(n) / log(prev_n)
        if (pred > 300) { status[ref] <- "capped"; capped[[ties]][[ref]] <- TRUE }
      }
    }
    times <- setNames(vector("list", length(run)), run)
    cpu <- times
    msg("[%s] %s n = %g: %d reps", format(Sys.time(), "%H:%M:%S"), ties, n, nreps)
    # untimed warm-up at small n; correctness check on the first results
    if (n <= 1e5) for (m in run[status[run] == "ok"]) invisible(contenders[[m]](d, v))
    for (r in seq_len(nreps)) {
      active <- run[status[run] == "ok"]
      if (!length(active)) break
      for (m in sample(active)) {
        if (r > 1 && status[m] != "ok") next
        # a clean heap for every contender at large n: otherwise the garbage
        # of the previous contender is collected inside the next one's timing
        if (n >= 1e5) invisible(gc())
        c0 <- proc.time()
        t0 <- now()
        res <- contenders[[m]](d, v)
        el <- now() - t0
        cpu[[m]] <- c(cpu[[m]], sum((proc.time() - c0)[c("user.self", "sys.self")]))
        times[[m]] <- c(times[[m]], el)
        if (r == 1 && m %in% c("km", "survfit")) checks[[paste(ties, n, m)]] <- res
        rm(res)
        if (m %in% references && el > cap_s) {
          status[m] <- "capped"
          capped[[ties]][[m]] <- TRUE
          times[[m]] <- Inf
        }
      }
    }
    k <- checks[[paste(ties, n, "km")]]
    s <- checks[[paste(ties, n, "survfit")]]
    agree <- if (!is.null(k) && !is.null(s)) {
      length(k$time) == length(s$time) && isTRUE(all.equal(k$surv, s$surv, tolerance = 1e-10)) &&
        isTRUE(all.equal(k$lower, s$lower, tolerance = 1e-8))
    } else NA
    checks[[paste(ties, n, "km")]] <- checks[[paste(ties, n, "survfit")]] <- NULL
    med <- vapply(run, function(m) {
      if (status[m] == "capped" && !length(times[[m]])) return(Inf)
      stats::median(times[[m]])
    }, numeric(1))
    for (ref in intersect(references, run)) {
      if (is.finite(med[[ref]])) last_time[[paste(ties, ref)]] <- med[[ref]]
    }
    results[[length(results) + 1]] <- list(
      ties = ties, n = n, distinct = length(unique(d$time)), reps = nreps,
      reps_done = vapply(times, length, integer(1)), med = med, agree = agree, load = loadavg(),
      cpu = vapply(run, function(m) if (length(cpu[[m]]) && is.finite(med[[m]]))
        stats::median(cpu[[m]]) else NA_real_, numeric(1)))
    if (is.null(fast_route)) fast_route <- fast_route_used(d)
    msg("   %s", paste(sprintf("%s %.4g s", names(med), med), collapse = ", "))
    prev_n <- n
    rm(d, v)
    invisible(gc())
  }
}

# ---- where the time goes: phases of km() and Rprof ----------------------------

# The phases km() runs, called one by one through smallsurv's internal
# functions (names as of this writing; NULL with a message if they change).
measure_phases <- function(n, preps) {
  d <- make_data(n, "continuous")
  tryCatch({
    ns <- asNamespace("smallsurv")
    mcall <- quote(km(formula = Surv(time, status) ~ 1, data = d))
    env <- environment()
    input <- ns$surv_input(mcall, env)
    method <- ns$ci_method("log-log")
    res <- ns$km_fit_cpp(input$time, input$status, NULL, NULL, NULL, 1L, TRUE, FALSE)
    fit0 <- list(surv = res$surv, std.err = res$std.err, logse = res$logse)
    steps <- list(
      "km() end to end" = function() km(Surv(time, status) ~ 1, data = d),
      "surv_input(): formula -> columns, status recode, checks" = function() ns$surv_input(mcall, env),
      "  of which new_surv_input() (status recode, as.double)" = function()
        ns$new_surv_input(d$time, d$status, NULL, NULL, NULL, NULL, identity),
      "  of which check_surv_data()" = function() ns$check_surv_data(input),
      "km_fit_cpp() as km() calls it (integer status; = kernel row)" = function()
        ns$km_fit_cpp(input$time, input$status, NULL, NULL, NULL, 1L, TRUE, FALSE),
      "km_fit_cpp() with double status" = function()
        ns$km_fit_cpp(input$time, as.double(input$status), NULL, NULL, NULL, 1L, TRUE, FALSE),
      "new_km(): survfit object + log-log CI" = function()
        ns$new_km(res, input, method, 0.95, FALSE, mcall),
      "  of which the CI (method$compute)" = function() method$compute(fit0, input, 0.95),
      "order(time) (floor)" = function() order(input$time))
    for (f in steps) invisible(f())  # warm-up
    tt <- matrix(NA_real_, preps, length(steps), dimnames = list(NULL, names(steps)))
    for (r in seq_len(preps)) {
      for (j in sample(seq_along(steps))) {
        if (n >= 1e5) invisible(gc())
        t0 <- now(); x <- steps[[j]](); tt[r, j] <- now() - t0; rm(x)
      }
    }
    med <- apply(tt, 2, stats::median)
    rest <- med[["km() end to end"]] - med[["surv_input(): formula -> columns, status recode, checks"]] -
      med[["km_fit_cpp() as km() calls it (integer status; = kernel row)"]] -
      med[["new_km(): survfit object + log-log CI"]]
    c(med[1:8], "rest: match.call(), argument checks, km_impl() (by difference)" = rest, med[9])
  }, error = function(e) { msg("   phases not measured: %s", conditionMessage(e)); NULL })
}

rprof_km <- function(n, preps) {
  d <- make_data(n, "continuous")
  tryCatch({
    pf <- tempfile()
    utils::Rprof(pf, interval = 0.002)
    for (r in seq_len(preps)) fit <- km(Surv(time, status) ~ 1, data = d)
    utils::Rprof(NULL)
    sp <- utils::summaryRprof(pf)
    unlink(pf)
    bt <- sp$by.total
    bt[bt$total.pct < 99.5, , drop = FALSE]  # drop wrappers (km, tryCatch frames)
  }, error = function(e) NULL)
}

prof <- list()
if (!has_flag("no-profile")) {
  big <- sizes[sizes >= 1e3 & sizes <= 1e6]
  for (pn in c(if (min(sizes) <= 100) min(sizes), if (length(big)) max(big))) {
    preps <- if (pn <= 100) 2000 else if (pn >= 1e6) 11 else 15
    msg("[%s] phases%s at n = %g (continuous), %d reps", format(Sys.time(), "%H:%M:%S"),
        if (pn >= 1e3) " and Rprof" else "", pn, preps)
    prof[[length(prof) + 1]] <- list(n = pn, preps = preps, phases = measure_phases(pn, preps),
                                     rprof = if (pn >= 1e3) rprof_km(pn, preps))
    invisible(gc())
  }
}

# ---- peak memory in fresh processes --------------------------------------------

time_bin <- Sys.getenv("SMALLSURV_TIME_BIN", "/usr/bin/time")  # override only to test the NA path
have_time <- file.exists(time_bin)
timeout_bin <- Sys.which("timeout")
rscript <- file.path(R.home("bin"), "Rscript")

peak_rss_mb <- function(what, n, ties) {
  if (!have_time) return(NA_real_)
  log <- tempfile(fileext = ".txt")
  cmd <- c(if (nzchar(timeout_bin)) c(timeout_bin, "300"), time_bin, "-v", rscript, script,
           paste0("--child=", what), paste0("--n=", format(n, scientific = FALSE)),
           paste0("--ties=", ties))
  env <- if (nzchar(lib)) paste0("SMALLSURV_LIB=", lib) else character(0)
  out <- suppressWarnings(system2(cmd[1], cmd[-1], stdout = log, stderr = log, env = env))
  txt <- readLines(log, warn = FALSE)
  unlink(log)
  hit <- grep("Maximum resident set size", txt, value = TRUE)
  ok <- length(grep("^child ", txt)) > 0
  if (!length(hit) || !ok) return(NA_real_)
  as.numeric(sub(".*: *", "", hit[1])) / 1024
}

mem <- list()
if (!skip_mem) {
  msg("[%s] peak memory (%s)", format(Sys.time(), "%H:%M:%S"),
      if (have_time) "/usr/bin/time -v" else "/usr/bin/time missing: NA")
  for (ties in tie_types) for (n in sizes) {
    row <- results[[which(vapply(results, function(x) x$ties == ties && x$n == n, logical(1)))]]
    for (what in c("baseline", "km", "km_kernel", "survfit", "prodlim")) {
      if (what %in% references && !is.finite(row$med[[what]])) {
        val <- NA_real_; attr(val, "why") <- "capped"
      } else if (what %in% c("survfit", "prodlim") && !what %in% names(row$med)) {
        val <- NA_real_
      } else {
        val <- peak_rss_mb(what, n, ties)
      }
      mem[[paste(ties, n, what)]] <- val
    }
    msg("   %s n = %g: %s", ties, n, paste(sprintf("%s %.0f MB",
        c("baseline", "km", "km_kernel", "survfit", "prodlim"),
        vapply(c("baseline", "km", "km_kernel", "survfit", "prodlim"),
               function(w) as.numeric(mem[[paste(ties, n, w)]]), numeric(1))), collapse = ", "))
  }
}

# ---- report ------------------------------------------------------------------

fmt_t <- function(s) {
  if (is.na(s)) return("NA")
  if (is.infinite(s)) return("> 60 s")
  if (s < 1e-3) sprintf("%.0f µs", s * 1e6) else if (s < 1) sprintf("%.3g ms", s * 1e3) else
    sprintf("%.3g s", s)
}
fmt_r <- function(num, den) {
  if (is.na(num) || is.na(den)) return("NA")
  if (is.infinite(num)) return(sprintf("> %.3g", cap_s / den))
  r <- num / den
  if (r >= 10) sprintf("%.0f", r) else sprintf("%.2g", r)
}
fmt_n <- function(n) if (n >= 1e5) sprintf("1e%d", round(log10(n))) else format(n, big.mark = ",")
fmt_mb <- function(x) if (is.null(x) || is.na(x)) {
  if (!is.null(attr(x, "why"))) "(> 60 s)" else "NA"
} else sprintf("%.0f", x)
med_of <- function(row, m) if (m %in% names(row$med)) row$med[[m]] else NA_real_

pkg_ver <- function(p) tryCatch(as.character(utils::packageVersion(p)), error = function(e) "not installed")
nproc <- tryCatch(trimws(system("nproc", intern = TRUE)), error = function(e) NA)
cpu <- tryCatch(sub(".*: ", "", grep("model name", readLines("/proc/cpuinfo"), value = TRUE)[1]),
                error = function(e) NA)
memtot <- tryCatch({
  l <- grep("MemTotal", readLines("/proc/meminfo"), value = TRUE)
  sprintf("%.1f GiB", as.numeric(gsub("[^0-9]", "", l)) / 1024^2)
}, error = function(e) NA)
repo <- dirname(bench_dir)
git_rev <- tryCatch(suppressWarnings(system2("git", c("-C", repo, "rev-parse", "--short", "HEAD"),
                                             stdout = TRUE, stderr = FALSE)), error = function(e) NA)
git_dirty <- tryCatch(length(suppressWarnings(system2("git", c("-C", repo, "status", "--porcelain",
  "--", "R", "src"), stdout = TRUE, stderr = FALSE))) > 0, error = function(e) NA)

# Fingerprint of the source that was installed (SMALLSURV_SRC, e.g. the
# snapshot directory) against the repository's working tree.
src_fingerprint <- function(dir) {
  if (!nzchar(dir) || !dir.exists(dir)) return(NA_character_)
  f <- sort(c(list.files(file.path(dir, "R"), "[.]R$", full.names = TRUE),
              list.files(file.path(dir, "src"), "[.](cpp|h)$", recursive = TRUE, full.names = TRUE)))
  if (!length(f)) return(NA_character_)
  rel <- substring(f, nchar(dir) + 2)
  h <- unname(tools::md5sum(f))
  tf <- tempfile(); writeLines(paste(rel, h), tf)
  out <- substr(unname(tools::md5sum(tf)), 1, 12); unlink(tf); out
}
# Which commit the installed source is: SMALLSURV_SRC/.snapshot-rev if the
# snapshot step wrote one, else the recent commit whose R/ and src/ blobs match.
src_commit <- function(dir, repo, depth = 30) {
  f <- file.path(dir, ".snapshot-rev")
  if (file.exists(f)) return(readLines(f, warn = FALSE)[1])
  git <- function(...) suppressWarnings(system2("git", c("-C", repo, ...), stdout = TRUE, stderr = FALSE))
  tryCatch({
    files <- sort(c(list.files(file.path(dir, "R"), "[.]R$", full.names = TRUE),
                    list.files(file.path(dir, "src"), "[.](cpp|h)$", recursive = TRUE, full.names = TRUE)))
    rel <- substring(files, nchar(dir) + 2)
    blobs <- suppressWarnings(system2("git", c("hash-object", shQuote(files)), stdout = TRUE, stderr = FALSE))
    mine <- sort(paste(rel, blobs))
    for (rev in git("rev-list", paste0("--max-count=", depth), "HEAD")) {
      tr <- git("ls-tree", "-r", rev, "--", "R", "src")
      path <- sub("^[^\t]*\t", "", tr)
      blob <- vapply(strsplit(tr, "[ \t]"), `[`, "", 3L)
      keep <- grepl("^(R/[^/]+[.]R|src/.+[.](cpp|h))$", path)
      theirs <- sort(paste(path[keep], blob[keep]))
      if (identical(mine, theirs)) return(substr(rev, 1, 7))
    }
    NA_character_
  }, error = function(e) NA_character_)
}
src_dir <- Sys.getenv("SMALLSURV_SRC", "")
fp_repo <- src_fingerprint(repo)
fp_src <- if (nzchar(src_dir)) src_fingerprint(src_dir) else NA_character_
src_note <- paste0(
  "repository ", repo, if (length(git_rev) && !is.na(git_rev[1])) paste0(" at ", git_rev[1]),
  if (isTRUE(git_dirty)) " + uncommitted changes in R/ or src/" else "",
  " (R/ + src/ fingerprint ", fp_repo, ")",
  if (!is.na(fp_src)) paste0("; installed from `", src_dir, "` (fingerprint ", fp_src,
                             ", R/ and src/ as at commit ", src_commit(src_dir, repo), "; ",
                             if (identical(fp_src, fp_repo)) "same as the working tree)" else
                               "**differs** from the working tree now: others edited it after the snapshot)")
  else "; installed source not given (set SMALLSURV_SRC to fingerprint it)")

L <- character(0)
add <- function(...) L <<- c(L, paste0(...))
add("# smallsurv::km() benchmark")
add("")
add("Generated by `Rscript bench/km.R", if (quick) " --quick" else "", "` on ",
    format(Sys.time(), "%Y-%m-%d %H:%M %Z"), ". A report, not a test: nothing here fails.")
add("")
add("## Machine")
add("")
add("| item | value |")
add("|---|---|")
add("| R | ", R.version.string, " (", R.version$platform, ") |")
add("| smallsurv | ", pkg_ver("smallsurv"), " installed in `", dirname(find.package("smallsurv")),
    "` (built ", tryCatch(utils::packageDescription("smallsurv")$Built, error = function(e) "?"), ") |")
add("| source measured | ", src_note, " |")
add("| survival | ", pkg_ver("survival"), " |")
add("| prodlim | ", pkg_ver("prodlim"), " |")
add("| bench | ", pkg_ver("bench"), " (timer: ",
    if (have_bench) "bench::hires_time()" else "proc.time()", ") |")
add("| CPU | ", cpu, ", nproc = ", nproc, " |")
add("| memory | ", memtot, " |")
add("| 1-min load average | ", load_start, " at the start, ", loadavg(), " at the end (", nproc,
    " cores; above ~1 other processes competed for the CPU) |")
add("| BLAS threads / compiler flags | single-threaded R; package built with R's default `CXXFLAGS` (",
    tryCatch(system2(file.path(R.home("bin"), "R"), c("CMD", "config", "CXXFLAGS"), stdout = TRUE)[1],
             error = function(e) "?"), ") |")
add("")
add("## Method")
add("")
add("n subjects, times Exp(mean 365 days), status Bernoulli(0.7); *continuous* = times as drawn, ",
    "*tied* = times rounded up to whole days. All contenders of one cell run interleaved in one ",
    "process (shuffled order each repetition); times are medians over the repetitions shown ",
    "(one untimed warm-up at n <= 1e5; at n >= 1e5 an untimed `gc()` before every timed call, so ",
    "that no contender pays for collecting another's garbage). ",
    "Ratios are ratios of medians: `survfit / km` = how many times faster `km()` is. ",
    "km uses `conf.type = \"log-log\"` (its default) and survfit is asked for the same. ",
    "A reference whose first repetition exceeds 60 s is not repeated and is reported as ",
    "`> 60 s` for that and every larger n. *load* = the machine's 1-min load average at the end ",
    "of the cell: this machine has ", nproc, " cores and is shared, so cells with load > 1 ran ",
    "beside other work; interleaving keeps the ratios fair but absolute times are then inflated.")
add("")
add("## Formula call, end to end")
add("")
add("| times | n | distinct | reps | `km()` | `survfit()` | `prodlim()` | survfit / km | prodlim / km | km = survfit | load |")
add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
for (row in results) {
  add("| ", row$ties, " | ", fmt_n(row$n), " | ", format(row$distinct, big.mark = ","), " | ",
      row$reps, " | ", fmt_t(med_of(row, "km")), " | ", fmt_t(med_of(row, "survfit")), " | ",
      fmt_t(med_of(row, "prodlim")), " | ", fmt_r(med_of(row, "survfit"), med_of(row, "km")), " | ",
      fmt_r(med_of(row, "prodlim"), med_of(row, "km")), " | ",
      if (is.na(row$agree)) "n/a" else if (row$agree) "yes" else "**NO**", " | ",
      sprintf("%.1f", row$load), " |")
}
add("")
add("`km = survfit`: same rows, `surv` and log-log `lower` as survfit to 1e-10 / 1e-8 ",
    "(checked on the first repetition). `km()` took the fast (column-reading) route: ",
    if (is.na(fast_route)) "unknown (internals changed)" else if (fast_route) "yes" else "**no**", ".")
add("")
add("## Kernel alone (vectors in, fit out) against the sorting floor")
add("")
add("| times | n | `km_fit_cpp()` | `order(time)` | kernel / order | `km()` / kernel | `survfitKM()` | survfitKM / kernel |")
add("|---|---:|---:|---:|---:|---:|---:|---:|")
for (row in results) {
  add("| ", row$ties, " | ", fmt_n(row$n), " | ", fmt_t(med_of(row, "km_kernel")), " | ",
      fmt_t(med_of(row, "order")), " | ", fmt_r(med_of(row, "km_kernel"), med_of(row, "order")),
      " | ", fmt_r(med_of(row, "km"), med_of(row, "km_kernel")), " | ",
      fmt_t(med_of(row, "survfitKM")), " | ",
      fmt_r(med_of(row, "survfitKM"), med_of(row, "km_kernel")), " |")
}
add("")
add("`order(time)` is R's own (radix) order of the same double vector: no estimator can beat ",
    "sorting its times. `survfitKM()` is survival's fitting function without the formula layer ",
    "(inputs built outside the timed region), for reference.")
add("")
for (pr in prof) {
  if (!is.null(pr$phases)) {
    ph <- pr$phases
    add("## Where the time goes (n = ", fmt_n(pr$n), ", continuous times)")
    add("")
    add("Medians of ", pr$preps, " interleaved repetitions of each phase of `km()`, called one by ",
        "one through smallsurv's internal functions; share = phase / `km()` end to end.")
    add("")
    add("| phase | median | share of km() |")
    add("|---|---:|---:|")
    for (p in names(ph)) {
      neg <- ph[[p]] < 0  # only the by-difference row can be: medians of parts need not add up
      add("| ", gsub("^  ", "&nbsp;&nbsp;", p), " | ",
          if (neg) "~0 (parts' medians exceed the whole)" else fmt_t(ph[[p]]), " | ",
          if (neg) "~0%" else sprintf("%.0f%%", 100 * ph[[p]] / ph[["km() end to end"]]), " |")
    }
    add("")
  }
  if (!is.null(pr$rprof) && nrow(pr$rprof)) {
    add("Rprof of `km()` at n = ", fmt_n(pr$n), " (", pr$preps, " calls, 2 ms sampling), ",
        "by total time (wrapper frames dropped), top entries:")
    add("")
    add("| function | total % | self % |")
    add("|---|---:|---:|")
    rp <- pr$rprof
    top <- utils::head(rp[order(-rp$total.pct, -rp$self.pct), , drop = FALSE], 15)
    for (i in seq_len(nrow(top))) {
      add("| `", gsub('"', "", rownames(top)[i]), "` | ", sprintf("%.1f", top$total.pct[i]), " | ",
          sprintf("%.1f", top$self.pct[i]), " |")
    }
    add("")
  }
}
add("## Peak memory (separate process per cell)")
add("")
if (skip_mem) {
  add("Not measured (`--no-memory`).")
} else {
  add("Maximum resident set size from `/usr/bin/time -v`, MB",
      if (!have_time) " -- **/usr/bin/time not found: NA** (apt-get install time)" else "",
      ". *baseline* = R with the packages loaded and the data built, nothing fitted; ",
      "the other columns are the whole process peak (in parentheses: minus baseline).")
  add("")
  add("| times | n | baseline | `km()` | `km_fit_cpp()` | `survfit()` | `prodlim()` |")
  add("|---|---:|---:|---:|---:|---:|---:|")
  for (row in results) {
    g <- function(w) mem[[paste(row$ties, row$n, w)]]
    b <- g("baseline")
    cell <- function(w) {
      x <- g(w)
      if (is.null(x) || is.na(x) || is.null(b) || is.na(b)) return(fmt_mb(x))
      sprintf("%.0f (%+d)", x, as.integer(round(x - b)))
    }
    add("| ", row$ties, " | ", fmt_n(row$n), " | ", fmt_mb(b), " | ", cell("km"), " | ",
        cell("km_kernel"), " | ", cell("survfit"), " | ", cell("prodlim"), " |")
  }
}
add("")

# ---- goals ---------------------------------------------------------------------

find_row <- function(ties, n) {
  i <- which(vapply(results, function(x) x$ties == ties && x$n == n, logical(1)))
  if (length(i)) results[[i]] else NULL
}
cpu_of <- function(row, m) if (!is.null(row$cpu) && m %in% names(row$cpu)) row$cpu[[m]] else NA_real_
cpu_note <- function(row, num, den) {
  a <- cpu_of(row, num); b <- cpu_of(row, den)
  if (is.na(a) || is.na(b) || b <= 0) "" else sprintf("; CPU-time ratio %.2gx", a / b)
}
goal_ratio <- function(label, num, den, target, why_missed, note = "") {
  # speed-up = num / den must be >= target
  if (is.na(num) || is.na(den)) return(paste0("- ", label, ": not measured"))
  if (is.infinite(num)) return(paste0("- ", label, ": **met** (reference > 60 s, i.e. > ",
                                       sprintf("%.3g", cap_s / den), "x)"))
  r <- num / den
  if (r >= target) sprintf("- %s: **met** (%.2gx, target %gx, margin %.0f%%%s)", label, r, target,
                           100 * (r / target - 1), note) else
    sprintf("- %s: **missed by %.2gx** (%.2gx, target %gx%s%s)", label, target / r, r, target, note,
            if (nzchar(why_missed)) paste0("; ", why_missed) else "")
}
goal_floor <- function(label, kern, ord, target, why, note = "") {
  if (is.na(kern) || is.na(ord)) return(paste0("- ", label, ": not measured"))
  r <- kern / ord
  if (r <= target) sprintf("- %s: **met** (%.2gx the floor, target <= %gx%s)", label, r, target, note) else
    sprintf("- %s: **missed by %.2gx** (kernel %s = %.2gx order() %s, target <= %gx%s%s)",
            label, r / target, fmt_t(kern), r, fmt_t(ord), target, note,
            if (nzchar(why)) paste0("; ", why) else "")
}
# The "why" of a missed goal, from the measurements: how km()'s time splits
# into the kernel and the R layer, and the kernel against the sort floor.
why_split <- function(row) {
  k <- med_of(row, "km"); c <- med_of(row, "km_kernel"); o <- med_of(row, "order")
  if (anyNA(c(k, c, o))) return("")
  sprintf("km() %s = kernel %s (%.0f%%, itself %.2gx order()) + R layer %s (%.0f%%)",
          fmt_t(k), fmt_t(c), 100 * c / k, c / o, fmt_t(k - c), 100 * (k - c) / k)
}
why_kernel <- function(row) {
  sprintf("the kernel's sort plus its gather/scan passes cost %.2gx R's radix order() alone; see the phase table",
          med_of(row, "km_kernel") / med_of(row, "order"))
}
add("## Goals")
add("")
add("Each goal is judged separately for continuous and for tied times. Margins: ",
    "\"met (Rx, margin M%)\" = the ratio exceeds the target by M%; \"missed by F\" = ",
    "km() would have to become F times faster.")
add("")
for (ties in tie_types) {
  r6 <- find_row(ties, 1e6)
  r7 <- find_row(ties, 1e7)
  r25 <- find_row(ties, 25)
  tag <- paste0(" [", ties, "]")
  if (!is.null(r6)) {
    add(goal_ratio(paste0("n = 1e6, formula call >= 10x faster than survfit", tag),
                   med_of(r6, "survfit"), med_of(r6, "km"), 10, why_split(r6),
                   cpu_note(r6, "survfit", "km")))
    add(goal_ratio(paste0("n = 1e6, formula call >= 3x faster than prodlim", tag),
                   med_of(r6, "prodlim"), med_of(r6, "km"), 3, why_split(r6),
                   cpu_note(r6, "prodlim", "km")))
    add(goal_floor(paste0("n = 1e6, kernel within 2x of the order() floor", tag),
                   med_of(r6, "km_kernel"), med_of(r6, "order"), 2, why_kernel(r6),
                   cpu_note(r6, "km_kernel", "order")))
  } else add("- n = 1e6 goals", tag, ": not run (size not in this run)")
  if (!is.null(r7)) {
    ok <- is.finite(med_of(r7, "km"))
    m7 <- mem[[paste(ties, 1e7, "km")]]
    add("- n = 1e7 completes", tag, ": ", if (ok) "**met**" else "**missed**", " (km() median ",
        fmt_t(med_of(r7, "km")), ", peak RSS ", fmt_mb(m7), " MB of ", memtot, ")")
  } else add("- n = 1e7 completes", tag, ": not run (size not in this run)")
  if (!is.null(r25)) {
    add(goal_ratio(paste0("n = 25, formula call >= 3x faster than survfit", tag),
                   med_of(r25, "survfit"), med_of(r25, "km"), 3, why_split(r25)))
  } else add("- n = 25 goal", tag, ": not run (size not in this run)")
}
add("")

writeLines(L, out_file)
cat("\n", paste(L, collapse = "\n"), "\n", sep = "")
msg("report written to %s", out_file)
