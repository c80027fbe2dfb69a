# Shared helpers of the benchmark scripts in this directory (not part of the
# package). Each script sources this file from its own directory:
#   source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
#                                                    value = TRUE)[1])), "harness.R"))

# The value of a command-line option --name=value (the last one given), or
# `default`.
arg_value <- function(name, default = NULL, args = commandArgs(trailingOnly = TRUE)) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub(paste0("^--", name, "="), "", hit[length(hit)]) else default
}

# A progress line, flushed at once.
msg <- function(...) { cat(sprintf(...), "\n", sep = ""); flush(stdout()) }

# The 1-minute load average (NA where /proc/loadavg does not exist).
loadavg <- function() tryCatch(as.numeric(strsplit(readLines("/proc/loadavg"), " ")[[1]][1]),
                               error = function(e) NA_real_)

# Elapsed seconds of one call of f().
time_it <- function(f) {
  t0 <- bench::hires_time()
  f()
  bench::hires_time() - t0
}

# Run the contenders `reps` times, interleaved in random order after one
# warm-up each; medians in seconds. gc_first: a full gc() before every call.
race <- function(fns, reps, gc_first = FALSE) {
  for (f in fns) f()  # warm-up
  tm <- matrix(NA_real_, reps, length(fns), dimnames = list(NULL, names(fns)))
  for (r in seq_len(reps)) {
    for (k in sample(seq_along(fns))) {
      if (gc_first) invisible(gc())
      tm[r, k] <- time_it(fns[[k]])
    }
  }
  apply(tm, 2, stats::median)
}

# Seconds as "12 µs", "3.4 ms" or "1.23 s"; NA as "—". Vectorised.
fmt_time <- function(s) {
  vapply(s, function(v) {
    if (is.na(v)) "—" else if (v < 1e-3) sprintf("%.0f µs", v * 1e6) else
      if (v < 1) sprintf("%.1f ms", v * 1e3) else sprintf("%.2f s", v)
  }, character(1), USE.NAMES = FALSE)
}
