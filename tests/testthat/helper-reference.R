# Reference helpers: compare a km() fit with survival::survfit(), and
# generate seeded random survival data sets.

# Formulas in the tests say `Surv(...)` as users do; this is survival's own
# function (identical(), so km()'s fast route still recognises it).
Surv <- survival::Surv

# survival changed its confidence limits where the standard error is 0 in
# version 3.6 (?smallsurv-package, option smallsurv.limits_at_zero_se): the
# comparisons with the installed survival use its convention. Tests of
# smallsurv's own default ("NA") and of each convention set the option
# themselves (test-conf-int.R).
survival_zero_se <- if (utils::packageVersion("survival") >= "3.6") "estimate" else "NA"
options(smallsurv.limits_at_zero_se = survival_zero_se)
# snapshots of survival's own printout of multi-state fits, which changed in
# 3.6 (?cif): one variant per layout
survival_variant <- if (utils::packageVersion("survival") >= "3.6-1") "survival-ge-3.6" else
  "survival-lt-3.6"

# The survfit components km() must reproduce; NA (and NaN) positions must agree.
survfit_components <- c("n", "time", "n.risk", "n.event", "n.censor", "surv", "std.err",
                        "cumhaz", "std.chaz", "strata", "type", "logse", "conf.int",
                        "conf.type", "lower", "upper")

expect_same_as_survfit <- function(fit, ref, tolerance = 1e-10, label = NULL) {
  lab <- if (is.null(label)) "km() fit" else paste0("km() fit [", label, "]")
  testthat::expect_s3_class(fit, "survfit")
  fit <- unclass(fit)
  ref <- unclass(ref)
  # the same components are present
  present <- function(x) vapply(survfit_components, function(nm) !is.null(x[[nm]]), logical(1))
  testthat::expect_identical(present(fit), present(ref),
                             label = paste(lab, "components present"),
                             expected.label = "survfit's")
  # survival >= 3.6 gives limits (S, S) where se = 0. Where everyone at
  # risk dies under fractional weights, S and se are rounding residues
  # (~1e-15) and one package's se can be exactly 0 where the other's is such
  # a residue: survival's limits are then NaN and ours (S, S), or the other
  # way round. Those cells (|se| < 1e-12 in both, exactly 0 in one) are left
  # out of the comparison of limits under that convention (documented in
  # ?smallsurv-package).
  if (identical(getOption("smallsurv.limits_at_zero_se"), "estimate") &&
      length(fit$std.err) == length(ref$std.err)) {
    a <- fit$std.err
    b <- ref$std.err
    residue <- !is.na(a) & !is.na(b) & xor(a == 0, b == 0) & pmax(abs(a), abs(b)) < 1e-12
    for (k in c("lower", "upper")) {
      if (!is.null(fit[[k]]) && !is.null(ref[[k]])) {
        fit[[k]][residue] <- NA_real_
        ref[[k]][residue] <- NA_real_
      }
    }
  }
  nm_chr <- c("type", "logse", "conf.type")
  nm_num <- setdiff(survfit_components, nm_chr)
  # strata names, type, logse and conf.type exactly
  exact <- function(x) c(list(strata_names = names(x$strata)), x[nm_chr])
  testthat::expect_identical(exact(fit), exact(ref), label = paste(lab, "labels"),
                             expected.label = "survfit's")
  # numbers to `tolerance`; waldo also requires NA positions to agree
  num <- function(x) {
    out <- lapply(x[nm_num], function(v) if (is.null(v)) NULL else as.vector(unname(v)))
    names(out) <- nm_num
    out
  }
  testthat::expect_equal(num(fit), num(ref), tolerance = tolerance,
                         label = paste(lab, "numbers"), expected.label = "survfit's")
  # NA versus NaN, which the comparison above does not distinguish
  nan <- function(x) lapply(x[nm_num], function(v) which(is.nan(v)))
  testthat::expect_identical(nan(fit), nan(ref), label = paste(lab, "NaN positions"),
                             expected.label = "survfit's")
  invisible(fit)
}

# Fit the same model with km() and survfit() (same conf.type and level).
# `weighted = TRUE` uses column `w` of `data` as case weights; extra
# arguments (timefix, robust, na.action) go to both. Not subset=: neither
# survfit nor km can take a non-standard-evaluated argument through `...`.
fit_pair <- function(formula, data, conf.type = "log-log", conf.level = 0.95,
                     weighted = FALSE, ...) {
  if (weighted) {
    fit <- km(formula, data = data, weights = w, conf.type = conf.type,
              conf.level = conf.level, ...)
    ref <- quiet_nan(survival::survfit(formula, data = data, weights = w,
                                       conf.type = conf.type, conf.int = conf.level, ...))
  } else {
    fit <- km(formula, data = data, conf.type = conf.type, conf.level = conf.level, ...)
    ref <- quiet_nan(survival::survfit(formula, data = data, conf.type = conf.type,
                                       conf.int = conf.level, ...))
  }
  list(fit = fit, ref = ref)
}

# survfit's interval code warns "NaNs produced" when a rounding residue makes
# S slightly negative (weighted delayed entry); the comparison still checks
# the values, so that warning of the reference is muffled here.
quiet_nan <- function(expr) {
  withCallingHandlers(expr, warning = function(w) {
    if (grepl("NaNs produced", conditionMessage(w), fixed = TRUE)) invokeRestart("muffleWarning")
  })
}

all_conf_types <- c("plain", "log", "log-log", "logit", "arcsin", "none")

# Evaluate `expr` with a given seed, leaving the caller's RNG state untouched.
with_seed_local <- function(seed, expr) {
  old <- if (exists(".Random.seed", envir = globalenv(), inherits = FALSE))
    get(".Random.seed", envir = globalenv(), inherits = FALSE) else NULL
  on.exit({
    if (is.null(old)) {
      if (exists(".Random.seed", envir = globalenv(), inherits = FALSE))
        rm(".Random.seed", envir = globalenv())
    } else {
      assign(".Random.seed", old, envir = globalenv())
    }
  })
  set.seed(seed, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
  expr
}

# Seeded random survival data.
#   ties    "none": continuous times; "heavy": times in 1..6;
#           "near": times in months computed from days in two ways
#           (days / 30.4375 and days / 365.25 * 12), which differ by ~1e-15
#           for some days -- survfit's timefix merges them.
#   strata  number of grouping variables: 0, 1 (`g`, 3 levels) or 2 (`g`, `h`)
#   weights "none", "integer" (1..3) or "real" (non-integer) in column `w`
#   entry   delayed entry: column `start` < `time`
# Columns: time, status (0/1), [start], [g], [h], [w].
sim_surv <- function(n, seed, ties = c("none", "heavy", "near"), strata = 0,
                     weights = c("none", "integer", "real"), entry = FALSE) {
  ties <- match.arg(ties)
  weights <- match.arg(weights)
  stopifnot(strata %in% 0:2)
  with_seed_local(seed, {
    days <- NULL
    time <- switch(ties,
      none = round(stats::rexp(n, 0.1) + 0.01, 6),
      heavy = as.numeric(sample(1:6, n, replace = TRUE)),
      near = {
        days <- sample(seq(7L, 420L, by = 7L), n, replace = TRUE)
        two_ways(days)
      })
    status <- stats::rbinom(n, 1, 0.65)
    d <- data.frame(time = time, status = status)
    if (entry) {
      d$start <- switch(ties,
        none = ifelse(stats::runif(n) < 0.3, 0, round(time * stats::runif(n, 0, 0.9), 6)),
        heavy = pmax(0, time - sample(1:4, n, replace = TRUE)),
        near = {
          sdays <- pmax(0L, days - sample(c(7L, 14L, 28L, 35L, 70L, 420L), n, replace = TRUE))
          two_ways(sdays)
        })
    }
    if (strata >= 1) d$g <- sample(c("a", "b", "c"), n, replace = TRUE)
    if (strata >= 2) d$h <- factor(sample(c("x", "y"), n, replace = TRUE))
    if (weights == "integer") d$w <- as.numeric(sample(1:3, n, replace = TRUE))
    if (weights == "real") d$w <- round(stats::runif(n, 0.2, 3), 3)
    d
  })
}

# Days to months, alternately as days / 30.4375 and days / 365.25 * 12.
two_ways <- function(days) {
  alt <- seq_along(days) %% 2 == 0
  ifelse(alt, days / 30.4375, days / 365.25 * 12)
}

# The formula for sim_surv() data with the given number of strata variables.
sim_formula <- function(strata = 0, entry = FALSE) {
  lhs <- if (entry) "Surv(start, time, status)" else "Surv(time, status)"
  rhs <- switch(strata + 1, "1", "g", "g + h")
  stats::as.formula(paste(lhs, "~", rhs), env = environment(sim_formula))
}


# autoplot()'s patchwork layout: installed and able to lay out figures with
# the installed ggplot2 (R/autoplot.R probes it once per session)
skip_if_no_patchwork <- function() {
  testthat::skip_if_not_installed("patchwork")
  if (!smallsurv:::use_patchwork()) {
    testthat::skip("this patchwork cannot lay out figures with this ggplot2")
  }
}

# Large data with heavy delayed entry (60% enter late) and fractional
# weights, ~200 distinct times: in the tail a handful remain at risk of all
# who ever were (the IJ variance precision tests of test-km.R and
# test-cif.R). `status`: a 0/1 event ("binary") or a factor of two causes
# ("causes").
sim_late_entry <- function(n, status = c("binary", "causes"), seed = 15) {
  status <- match.arg(status)
  set.seed(seed)
  stop <- ceiling(stats::rexp(n, 1 / 20))
  start <- ifelse(stats::runif(n) < 0.6, floor(stop * stats::runif(n)), 0)
  d <- data.frame(start = start, stop = stop)
  if (status == "binary") {
    d$st <- stats::rbinom(n, 1, 0.7)
  } else {
    d$ev <- factor(sample(0:2, n, TRUE, c(0.3, 0.4, 0.3)), 0:2, c("cens", "a", "b"))
  }
  d$w <- stats::runif(n, 0.1, 3)
  d
}
