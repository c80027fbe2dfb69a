# data-raw/regression-coverage.R -- the simulation shown in the vignette
# "Regression with few events" (vignettes/regression.Rmd), precomputed so
# that the vignette builds in seconds.
#
# Run from the package root with the current smallsurv installed:
#     Rscript data-raw/regression-coverage.R
# It writes inst/extdata/regression-coverage.rds: a data frame stacking
# reg_coverage() over 24 designs -- Cox and Fine-Gray, n = 25 and 50, two
# event rates each (about 5-8 and 12-16 events of interest per trial), true
# log hazard ratios 0, log 2 and log 4 -- with 4,000 simulated trials each,
# one fixed seed per design; columns model, n, events (mean per trial),
# beta, and reg_coverage()'s columns. Attributes: version, date.
library(smallsurv)
designs <- rbind(
  expand.grid(model = "cox", n = 25, rate = c(0.04, 0.1), p_cause = NA,
              beta = c(0, log(2), log(4)), stringsAsFactors = FALSE),
  expand.grid(model = "cox", n = 50, rate = c(0.02, 0.05), p_cause = NA,
              beta = c(0, log(2), log(4)), stringsAsFactors = FALSE),
  expand.grid(model = "fine_gray", n = 25, rate = 0.1, p_cause = c(0.3, 0.65),
              beta = c(0, log(2), log(4)), stringsAsFactors = FALSE),
  expand.grid(model = "fine_gray", n = 50, rate = 0.1, p_cause = c(0.15, 0.35),
              beta = c(0, log(2), log(4)), stringsAsFactors = FALSE))
out <- lapply(seq_len(nrow(designs)), function(i) {
  g <- designs[i, ]
  r <- reg_coverage(g$model, n = g$n, beta = g$beta, reps = 4000, seed = 1000 + i,
                    rate = g$rate, p_cause = if (is.na(g$p_cause)) 0.5 else g$p_cause)
  data.frame(model = g$model, n = g$n, events = attr(r, "events")[["mean"]], beta = g$beta,
             as.data.frame(unclass(r)), stringsAsFactors = FALSE)
})
res <- do.call(rbind, out)
attr(res, "version") <- as.character(utils::packageVersion("smallsurv"))
attr(res, "date") <- as.character(Sys.Date())
saveRDS(res, "inst/extdata/regression-coverage.rds", version = 2)
print(res[c("model", "n", "events", "beta", "method", "bias", "coverage", "width", "infinite")],
      digits = 3)
