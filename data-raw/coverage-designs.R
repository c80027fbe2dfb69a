# data-raw/coverage-designs.R -- the coverage-laboratory runs shown in the
# vignette "Confidence intervals for small cohorts"
# (vignettes/small-sample-intervals.Rmd), precomputed so that the vignette
# builds in seconds.
#
# Run from the package root with the current smallsurv installed:
#     Rscript data-raw/coverage-designs.R
# It writes inst/extdata/coverage-designs.rds: a list with
#   * `main`: the 25-patient, 8-month-median-follow-up design (exponential
#     event times), 20,000 replicates at 3, 6 and 9 months;
#   * `rrall`: the same censoring with event times drawn from rrall's own EFS
#     curve (km() fit), 20,000 replicates;
#   * `grid`: 18 designs (n x censoring x event distribution) at the times
#     where the true S is 0.9, 0.75, 0.5 and 0.25, 10,000 replicates each,
#     stacked with columns design, n, censoring, dist, target;
#   * `methods`, `version` (smallsurv), `date`.
# Every run uses every laboratory method of the installed smallsurv and a
# fixed seed, so re-running reproduces the file for the same package version.
# Re-run it whenever a pointwise method is added to km().

library(smallsurv)
library(survival)

methods <- smallsurv:::lab_methods()
reps_main <- 20000
reps_grid <- 10000

# 25 patients enrolled uniformly over 16 months, analysed at 16.5 months:
# follow-up uniform on [0.5, 16.5], median 8.5 months; 1% a month lost to
# follow-up. EFS exponential with rrall's median (6.5 months).
rrall_censoring <- list(accrual = 16, cutoff = 16.5, dropout = 0.01)
main <- do.call(ci_coverage, c(list(n = 25, times = c(3, 6, 9), methods = methods,
                                    reps = reps_main, seed = 20261125,
                                    event = list(dist = "exponential", median = 6.5)),
                               rrall_censoring))
efs <- km(Surv(efs_time, efs_status) ~ 1, data = rrall)
rr <- do.call(ci_coverage, c(list(n = 25, times = c(3, 6, 9), methods = methods,
                                  reps = reps_main, seed = 20261126, event = efs),
                             rrall_censoring))

# The grid. Event distributions, both with median 12 months:
#   exponential (constant hazard) and Weibull shape 0.7 (early events,
#   decreasing hazard). Censoring:
#   none; moderate = accrual 24, cut-off 30 (follow-up 6 to 30 months);
#   heavy = accrual 18, cut-off 20 and 5% a month lost to follow-up.
dists <- list(
  exponential = list(dist = "exponential", median = 12),
  weibull0.7 = list(dist = "weibull", shape = 0.7, scale = 12 / log(2)^(1 / 0.7))
)
quant <- function(d, s) {  # time at which the true S equals s
  if (d$dist == "exponential") log(1 / s) / (log(2) / d$median) else d$scale * (-log(s))^(1 / d$shape)
}
cens <- list(
  none = list(accrual = 0, cutoff = Inf, dropout = 0),
  moderate = list(accrual = 24, cutoff = 30, dropout = 0),
  heavy = list(accrual = 18, cutoff = 20, dropout = 0.05)
)
targets <- c(0.9, 0.75, 0.5, 0.25)
grid <- list()
seed <- 1
for (n in c(10, 25, 50)) {
  for (cn in names(cens)) {
    for (dn in names(dists)) {
      tt <- vapply(targets, function(s) quant(dists[[dn]], s), numeric(1))
      cv <- do.call(ci_coverage, c(list(n = n, times = tt, methods = methods, reps = reps_grid,
                                        seed = seed, event = dists[[dn]]), cens[[cn]]))
      seed <- seed + 1
      df <- as.data.frame(unclass(cv), stringsAsFactors = FALSE)
      df$target <- rep(targets, length(methods))
      df$n <- n
      df$censoring <- cn
      df$dist <- dn
      df$design <- paste0("n=", n, ", ", cn, ", ", dn)
      pt <- attr(cv, "per_time")
      df$p_no_event <- rep(pt$p_no_event, length(methods))
      df$censored <- 1 - attr(cv, "design")$events
      grid[[length(grid) + 1L]] <- df
    }
  }
}
grid <- do.call(rbind, grid)
rownames(grid) <- NULL

dir.create("inst/extdata", recursive = TRUE, showWarnings = FALSE)
saveRDS(list(main = main, rrall = rr, grid = grid, methods = methods,
             reps = c(main = reps_main, grid = reps_grid),
             version = as.character(utils::packageVersion("smallsurv")),
             date = format(Sys.Date())),
        "inst/extdata/coverage-designs.rds", version = 2)
cat("wrote inst/extdata/coverage-designs.rds:", nrow(grid), "grid rows,",
    length(methods), "methods\n")
