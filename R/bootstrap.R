# The percentile bootstrap interval (conf.type = "bootstrap") for km() and
# cif(): argument checks, the resampling units and the call of the C++
# kernel (src/core/bootstrap.cpp). Registered in conf-int.R.

# `reps` and `seed`, checked before any work (R/checks.R).
check_boot_args <- function(reps, seed) {
  list(reps = check_reps(reps, 2, 1e6, "bootstrap replicates"), seed = check_seed(seed))
}

# Resampling units: the clusters given by `id` (1-based codes in order of
# first appearance), or NULL when every row is its own unit. A cluster must
# lie within one stratum, since strata are resampled separately.
boot_units <- function(input) {
  if (is.null(input$id)) return(NULL)
  unit <- match(input$id, unique(input$id))
  if (!is.null(input$strata)) {
    s <- as.integer(input$strata)
    first <- s[match(seq_len(max(unit)), unit)]
    bad <- which(s != first[unit])
    if (length(bad)) {
      abort("`conf.type = \"bootstrap\"` resamples the subjects of `id` within each stratum; ",
            format_rows(input$row_label(bad)), " put a subject in a second stratum.")
    }
  }
  unit
}

# Percentile limits (R's quantile type 7) of `reps` replicate fits at every
# row of the fit: a matrix column per state (one, the survival, for km();
# the event-free probability and each cumulative incidence for cif()).
boot_limits <- function(input, conf.level, reps, seed, all_states) {
  a <- check_boot_args(reps, seed)
  unit <- boot_units(input)
  strata <- input$strata
  alpha <- 1 - conf.level
  r <- boot_ci_cpp(input$time, input$status, if (all_states) length(input$causes) else 1L,
                   input$entry, input$weights,
                   if (is.null(strata)) NULL else as.integer(strata),
                   if (is.null(strata)) 1L else nlevels(strata),
                   unit, if (is.null(unit)) 0L else max(unit),
                   if (is.null(input$timefix)) TRUE else input$timefix,
                   all_states, a$reps, a$seed, alpha / 2, 1 - alpha / 2,
                   threads = smallsurv_threads())
  r$info <- list(reps = a$reps, seed = a$seed)
  r
}

boot_ci_km <- function(fit, input, conf.level, reps = 2000, seed = NULL, ...) {
  r <- boot_limits(input, conf.level, reps, seed, all_states = FALSE)
  list(lower = r$lower[, 1L], upper = r$upper[, 1L], info = r$info)
}

boot_ci_cif <- function(p, se, conf.level, fit, input, reps = 2000, seed = NULL, ...) {
  r <- boot_limits(input, conf.level, reps, seed, all_states = TRUE)
  list(lower = r$lower, upper = r$upper, info = r$info)
}

# The replicate count and seed of a bootstrap interval, for print().
boot_text <- function(ci) {
  if (is.null(ci$reps)) return("")
  paste0(" (", format(ci$reps, scientific = FALSE), " replicates, seed ",
         format(ci$seed, scientific = FALSE), ")")
}
