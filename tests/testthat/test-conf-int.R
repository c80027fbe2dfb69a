# The confidence-interval registry and its Greenwood-type transforms: the
# documented formulas on hand-worked values, survival's own survfit_confint()
# on a grid of edge values (NA versus NaN included), and the registry's
# listing and lookup.

ci_registry <- function() utils::getFromNamespace(".ci_registry", "smallsurv")
survfit_confint <- utils::getFromNamespace("survfit_confint", "survival")

# The registered method's compute function on a bare (p, se) input, as km()
# calls it.
ci_compute <- function(type, p, se, logse = TRUE, conf.level = 0.95, ...) {
  m <- ci_registry()[[type]]
  m$compute(list(surv = p, std.err = se, logse = logse), NULL, conf.level, ...)
}

transforms <- c("plain", "log", "log-log", "logit", "arcsin")

# ---- ci_methods() ---------------------------------------------------------------

test_that("ci_methods() lists exactly the registered methods with the documented columns", {
  m <- ci_methods()
  expect_s3_class(m, "data.frame")
  expect_named(m, c("conf.type", "label", "km", "cif", "weights", "delayed_entry",
                    "description", "reference"))
  expect_identical(m$conf.type, c("arcsin", "bootstrap", "borkowf", "borkowf-shrunk", "bpcp", "bpcp-midp", "cloglog", "cp-neff", "likelihood-ratio", "log", "log-log", "logit", "peto", "plain", "rothman", "wilson-neff"))
  # every method but cloglog (a transform of 1 - F) serves km(); the methods
  # for S(t) only (exact/small-sample ones) do not serve cif()
  expect_identical(m$conf.type[!m$km], "cloglog")
  km_only <- c("borkowf", "borkowf-shrunk", "bpcp", "bpcp-midp", "likelihood-ratio", "peto", "rothman")
  expect_identical(m$conf.type[!m$cif], km_only)
  expect_identical(m$conf.type, sort(ls(ci_registry())))
  expect_type(m$label, "character")
  expect_type(m$weights, "logical")
  expect_type(m$delayed_entry, "logical")
  expect_type(m$description, "character")
  expect_type(m$reference, "character")
  expect_false(anyNA(m))
  expect_true(all(nzchar(m$label) & nzchar(m$description) & nzchar(m$reference)))
  expect_false("none" %in% m$conf.type)
  # the Greenwood-type intervals are defined for weights and delayed entry
  # (the exact small-sample methods and the likelihood-ratio are not:
  # test-ci-bpcp.R, test-ci-likelihood.R)
  expect_identical(m$conf.type[!m$weights | !m$delayed_entry],
                   c("borkowf", "borkowf-shrunk", "bpcp", "bpcp-midp", "likelihood-ratio"))
  # km() names the method it used with the registry's label and reference
  d <- data.frame(t = c(1, 2, 2, 3, 4), s = c(1, 1, 0, 1, 0))
  for (k in which(m$km)) {
    fit <- km(Surv(t, s) ~ 1, d, conf.type = m$conf.type[k])
    expect_identical(fit$conf.type, m$conf.type[k])
    expect_identical(fit$ci$label, m$label[k])
    expect_identical(fit$ci$reference, m$reference[k])
  }
})

test_that("the registry is the core's table, and km() runs the coverage laboratory's kernels", {
  tab <- smallsurv:::ci_method_table_cpp()
  m <- ci_methods()
  expect_identical(m$conf.type, tab$name)
  expect_identical(m$label, tab$label)
  expect_identical(m$reference, tab$reference)
  expect_identical(m$description, tab$description)
  expect_identical(m$km, tab$km)
  expect_identical(m$cif, tab$cif)
  expect_identical(m$weights, tab$weights)
  expect_identical(m$delayed_entry, tab$entry)
  # every method with a kernel on a stratum's counts is a laboratory method
  expect_setequal(smallsurv:::lab_methods(), tab$name[tab$kernel & tab$km])
  # "rothman" is Wilson's interval with Greenwood's n_eff (its alias in
  # everything but the edge S = 0, see ?small-sample-ci)
  expect_identical(tab$kind[tab$name %in% c("rothman", "wilson-neff")],
                   c("pointwise", "effective_n"))
  # each method's limits from km() at its own times equal the laboratory's:
  # its own cohort builder (the event table of each simulated cohort) and
  # the kernel from the table, on data with ties, censorings at event times
  # and a last observation that is an event
  set.seed(4)
  for (rep in 1:3) {
    d <- data.frame(t = ceiling(rexp(25, 0.1)), s = rbinom(25, 1, 0.7))
    d$s[which.max(d$t)] <- 1L
    d$s <- as.integer(d$s)
    for (k in which(tab$kernel & tab$km)) {
      nm <- tab$name[k]
      fit <- km(Surv(t, s) ~ 1, data = d, conf.type = nm)
      keep <- fit$time > 0  # (the BPCP family's added start row)
      r <- smallsurv:::lab_pointwise_cpp(nm, d$t, d$s, fit$time[keep], 0.95)
      # (the transforms: km()'s are survival's, which leave NA where the
      # laboratory's kernel gives NaN)
      expect_equal(fit$lower[keep], ifelse(is.nan(r$lower), NA, r$lower), tolerance = 1e-12,
                   info = nm)
      expect_equal(fit$upper[keep], ifelse(is.nan(r$upper), NA, r$upper), tolerance = 1e-12,
                   info = nm)
    }
  }
})

test_that("a newly registered method is listed, looked up and checked for applicability", {
  register_ci <- utils::getFromNamespace("register_ci", "smallsurv")
  reg <- ci_registry()
  withr::defer(if (exists("test-only", envir = reg, inherits = FALSE)) rm("test-only", envir = reg))
  register_ci("test-only", "test only", function(fit, input, conf.level, ...) {
    list(lower = rep(0, length(fit$surv)), upper = rep(1, length(fit$surv)))
  }, "none", "(0, 1) everywhere", weights = FALSE, entry = FALSE)
  m <- ci_methods()
  expect_identical(m$conf.type, c("arcsin", "bootstrap", "borkowf", "borkowf-shrunk", "bpcp", "bpcp-midp", "cloglog", "cp-neff", "likelihood-ratio", "log", "log-log", "logit", "peto", "plain", "rothman", "test-only", "wilson-neff"))
  expect_identical(m$weights[m$conf.type == "test-only"], FALSE)
  expect_identical(m$delayed_entry[m$conf.type == "test-only"], FALSE)
  d <- data.frame(a = c(0, 0, 1, 0), t = c(1, 2, 3, 4), s = c(1, 0, 1, 1), w = c(1, 2, 1, 1))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "test-only")
  expect_equal(fit$lower, rep(0, 4), tolerance = 1e-12)
  expect_equal(fit$upper, rep(1, 4), tolerance = 1e-12)
  expect_identical(fit$ci$label, "test only")
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = "test-only", weights = w),
               "`conf.type = \"test-only\"` is not defined for case weights")
  expect_error(km(Surv(a, t, s) ~ 1, d, conf.type = "test-only"),
               "`conf.type = \"test-only\"` is not defined for delayed entry")
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = "nope"),
               "\"rothman\", \"test-only\", \"wilson-neff\", \"none\"; got \"nope\"", fixed = TRUE)
  rm("test-only", envir = reg)
  expect_identical(ci_methods()$conf.type, c("arcsin", "bootstrap", "borkowf", "borkowf-shrunk", "bpcp", "bpcp-midp", "cloglog", "cp-neff", "likelihood-ratio", "log", "log-log", "logit", "peto", "plain", "rothman", "wilson-neff"))
})

# ---- the transforms on hand-worked values -------------------------------------

test_that("each transform equals its documented formula (hand-worked values)", {
  p <- c(0.5, 0.25, 0.9, 3 / 10)
  se <- c(0.2, 0.5, 0.05, sqrt(19 / 30))  # se of log p
  for (level in c(0.9, 0.95)) {
    z <- qnorm(1 - (1 - level) / 2)
    # plain: p -+ z p se, truncated to [0, 1]
    ci <- ci_compute("plain", p, se, conf.level = level)
    expect_equal(ci$lower, pmax(p - z * p * se, 0), tolerance = 1e-12)
    expect_equal(ci$upper, pmin(p + z * p * se, 1), tolerance = 1e-12)
    # log: p exp(-+ z se), upper capped at 1
    ci <- ci_compute("log", p, se, conf.level = level)
    expect_equal(ci$lower, p * exp(-z * se), tolerance = 1e-12)
    expect_equal(ci$upper, pmin(p * exp(z * se), 1), tolerance = 1e-12)
    # log-log: p^exp(-+ z se / log p) (log p < 0, so the lower power is > 1)
    ci <- ci_compute("log-log", p, se, conf.level = level)
    expect_equal(ci$lower, p^exp(-z * se / log(p)), tolerance = 1e-12)
    expect_equal(ci$upper, p^exp(z * se / log(p)), tolerance = 1e-12)
    # logit: expit(logit p -+ z se / (1 - p))
    ci <- ci_compute("logit", p, se, conf.level = level)
    expect_equal(ci$lower, plogis(qlogis(p) - z * se / (1 - p)), tolerance = 1e-12)
    expect_equal(ci$upper, plogis(qlogis(p) + z * se / (1 - p)), tolerance = 1e-12)
    # arcsin: sin^2(asin sqrt p -+ z se sqrt(p / (1 - p)) / 2), within [0, pi/2]
    ci <- ci_compute("arcsin", p, se, conf.level = level)
    h <- z * se * sqrt(p / (1 - p)) / 2
    expect_equal(ci$lower, sin(pmax(asin(sqrt(p)) - h, 0))^2, tolerance = 1e-12)
    expect_equal(ci$upper, sin(pmin(asin(sqrt(p)) + h, pi / 2))^2, tolerance = 1e-12)
  }
})

test_that("exact values: plain and log at p = 1/2, se = 0 and truncation", {
  # z se = 0: the interval collapses to the point
  for (type in transforms) {
    ci <- ci_compute(type, 0.5, 0)
    expect_equal(c(ci$lower, ci$upper), c(0.5, 0.5), tolerance = 1e-12, label = type)
  }
  # plain truncates at 0 and 1; log caps the upper limit at 1
  ci <- ci_compute("plain", c(0.5, 0.9), c(2, 0.5))
  expect_equal(ci$lower, c(0, 0.9 - qnorm(0.975) * 0.45), tolerance = 1e-12)
  expect_equal(ci$upper, c(1, 1), tolerance = 1e-12)
  ci <- ci_compute("log", 0.9, 0.5)
  expect_equal(ci$upper, 1, tolerance = 1e-12)
  # arcsin clamps the angle at 0 and pi/2
  ci <- ci_compute("arcsin", 0.5, 10)
  expect_equal(c(ci$lower, ci$upper), c(0, 1), tolerance = 1e-12)
})

test_that("logse = FALSE takes se as the se of p: the same interval as se / p on the log scale", {
  p <- c(0.5, 0.25, 0.9)
  se_p <- c(0.1, 0.125, 0.045)  # se of p; se of log p is se_p / p = 0.2, 0.5, 0.05
  for (type in transforms) {
    a <- ci_compute(type, p, se_p, logse = FALSE)
    b <- ci_compute(type, p, c(0.2, 0.5, 0.05), logse = TRUE)
    expect_equal(a, b, tolerance = 1e-12, label = type)
  }
  # plain on the probability scale is p -+ z se(p)
  ci <- ci_compute("plain", p, se_p, logse = FALSE)
  expect_equal(ci$lower, p - qnorm(0.975) * se_p, tolerance = 1e-12)
})

test_that("km() uses the logit and arcsin formulas on a hand-worked fit", {
  d <- data.frame(t = c(1, 2, 2, 3, 4), s = c(1, 1, 0, 1, 0))
  S <- c(4 / 5, 3 / 5, 3 / 10, 3 / 10)
  se <- sqrt(c(1 / 20, 2 / 15, 19 / 30, 19 / 30))
  z <- qnorm(0.95)
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "logit", conf.level = 0.9)
  expect_equal(fit$lower, plogis(qlogis(S) - z * se / (1 - S)), tolerance = 1e-12)
  expect_equal(fit$upper, plogis(qlogis(S) + z * se / (1 - S)), tolerance = 1e-12)
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "arcsin", conf.level = 0.9)
  h <- z * se * sqrt(S / (1 - S)) / 2
  expect_equal(fit$lower, sin(pmax(asin(sqrt(S)) - h, 0))^2, tolerance = 1e-12)
  expect_equal(fit$upper, sin(pmin(asin(sqrt(S)) + h, pi / 2))^2, tolerance = 1e-12)
})

# ---- against survival's survfit_confint() ----------------------------------------

test_that("every transform equals survival's survfit_confint() on a grid of edge values", {
  grid <- expand.grid(p = c(0, 1e-8, 0.2, 0.5, 0.999, 1), se = c(0, 0.1, 2, Inf))
  for (type in transforms) {
    for (logse in c(TRUE, FALSE)) {
      for (level in c(0.8, 0.95, 0.99)) {
        lab <- paste(type, "logse", logse, "level", level)
        ours <- ci_compute(type, grid$p, grid$se, logse = logse, conf.level = level)
        ref <- suppressWarnings(survfit_confint(grid$p, grid$se, logse = logse,
                                                conf.type = type, conf.int = level))
        expect_equal(ours$lower, ref$lower, tolerance = 1e-12, label = paste(lab, "lower"))
        expect_equal(ours$upper, ref$upper, tolerance = 1e-12, label = paste(lab, "upper"))
        # NA (set by rule) and NaN (from the arithmetic) in the same places
        expect_identical(is.na(ours$lower), is.na(ref$lower), label = paste(lab, "NA lower"))
        expect_identical(is.na(ours$upper), is.na(ref$upper), label = paste(lab, "NA upper"))
        expect_identical(is.nan(ours$lower), is.nan(ref$lower), label = paste(lab, "NaN lower"))
        expect_identical(is.nan(ours$upper), is.nan(ref$upper), label = paste(lab, "NaN upper"))
      }
    }
  }
})

test_that("the two conventions for limits where se = 0 (survival < 3.6 and >= 3.6)", {
  # "NA" (the default) is survival < 3.6's arithmetic; "estimate" is survival
  # >= 3.6's rule ifelse(se == 0, p, <arithmetic>) for log, log-log and logit
  # (NA where se is NaN), plain and arcsin unchanged. Written out here so
  # that both are tested whichever survival is installed.
  grid <- expand.grid(p = c(0, 1e-8, 0.2, 0.5, 0.999, 1), se = c(0, NaN, 0.1, 2, Inf))
  for (type in transforms) {
    for (logse in c(TRUE, FALSE)) {
      old <- withr::with_options(list(smallsurv.limits_at_zero_se = "NA"),
                                 suppressWarnings(ci_compute(type, grid$p, grid$se, logse = logse)))
      new <- withr::with_options(list(smallsurv.limits_at_zero_se = "estimate"),
                                 suppressWarnings(ci_compute(type, grid$p, grid$se, logse = logse)))
      lab <- paste(type, "logse", logse)
      if (type %in% c("plain", "arcsin")) {
        expect_identical(new, old, label = lab)
        next
      }
      for (k in c("lower", "upper")) {
        want <- ifelse(grid$se == 0, grid$p, old[[k]])  # ifelse: NA where se is NaN
        expect_identical(new[[k]], want, label = paste(lab, k))
      }
      # the default leaves log-log undefined at p = 1 and log/logit at p = 0
      if (type == "log-log") expect_true(all(is.na(old$lower[grid$p == 1 & grid$se == 0])))
      if (type != "log-log") expect_true(all(is.na(old$lower[grid$p == 0 & grid$se == 0])))
    }
  }
  # the default is "NA" and nothing else is accepted
  withr::local_options(smallsurv.limits_at_zero_se = NULL)
  d <- data.frame(t = c(1, 2, 3), s = c(0, 1, 1))
  expect_true(is.na(km(Surv(t, s) ~ 1, d)$lower[1]))
  withr::local_options(smallsurv.limits_at_zero_se = "estimate")
  expect_identical(km(Surv(t, s) ~ 1, d)$lower[1], 1)
  withr::local_options(smallsurv.limits_at_zero_se = "yes")
  expect_error(km(Surv(t, s) ~ 1, d), "`smallsurv.limits_at_zero_se` must be \"NA\" or \"estimate\"")
})

test_that("the grid exercises both kinds of undefined limits", {
  # a comparison that only ever saw numbers would prove little about NA/NaN
  grid <- expand.grid(p = c(0, 1e-8, 0.2, 0.5, 0.999, 1), se = c(0, 0.1, 2, Inf))
  nan_seen <- na_seen <- FALSE
  for (type in transforms) {
    ref <- suppressWarnings(survfit_confint(grid$p, grid$se, logse = TRUE,
                                            conf.type = type, conf.int = 0.95))
    nan_seen <- nan_seen || any(is.nan(ref$lower))
    na_seen <- na_seen || any(is.na(ref$lower) & !is.nan(ref$lower))
  }
  expect_true(nan_seen)
  expect_true(na_seen)
})

test_that("a separate se for the lower limit (se.low) equals survfit_confint(selow =)", {
  p <- c(0.2, 0.5, 0.8, 0.5, 1)
  se <- c(0.3, 0.2, 0.1, 0.4, 0)
  selow <- c(0.4, 0, 0.15, 0.2, 0)
  for (type in transforms) {
    ours <- ci_compute(type, p, se, se.low = selow)
    ref <- survfit_confint(p, se, logse = TRUE, conf.type = type, conf.int = 0.95,
                           selow = selow)
    expect_equal(ours, ref, tolerance = 1e-12, label = type)
    expect_identical(is.nan(ours$lower), is.nan(ref$lower), label = type)
  }
})

# ---- lookup --------------------------------------------------------------------

test_that("an unknown method name is refused with the list of valid names", {
  d <- data.frame(t = c(1, 2, 3), s = c(1, 0, 1))
  m <- ci_methods()
  valid <- paste0("\"", c(m$conf.type[m$km], "none"), "\"", collapse = ", ")
  for (bad in c("Log", "loglog", "log_log", "greenwood", "NONE")) {
    expect_error(km(Surv(t, s) ~ 1, d, conf.type = bad),
                 paste0("`conf.type` must be one of ", valid, "; got \"", bad, "\"."),
                 fixed = TRUE, label = bad)
  }
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = 1), "`conf.type` must be a single string; got 1")
})

test_that("an empty method name is refused with the list of valid names", {
  d <- data.frame(t = c(1, 2, 3), s = c(1, 0, 1))
  m <- ci_methods()
  valid <- paste0("\"", c(m$conf.type[m$km], "none"), "\"", collapse = ", ")
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = ""),
               paste0("`conf.type` must be one of ", valid, "; got \"\"."), fixed = TRUE)
})

test_that("conf.type = 'none' gives a fit without lower and upper, with weights and entry too", {
  d <- data.frame(a = c(0, 0, 1, 0, 2), t = c(1, 2, 3, 4, 5), s = c(1, 0, 1, 1, 0),
                  w = c(1, 0.5, 2, 1, 1.5))
  fits <- list(km(Surv(t, s) ~ 1, d, conf.type = "none"),
               km(Surv(t, s) ~ 1, d, weights = w, conf.type = "none"),
               km(Surv(a, t, s) ~ 1, d, conf.type = "none"))
  for (fit in fits) {
    expect_false("lower" %in% names(fit))
    expect_false("upper" %in% names(fit))
    expect_identical(fit$conf.type, "none")
    expect_identical(fit$ci$label, "none")
    expect_null(summary(fit)$lower)
  }
  ref <- survival::survfit(Surv(t, s) ~ 1, d, weights = w, conf.type = "none")
  expect_same_as_survfit(fits[[2]], ref, tolerance = 1e-10)
})

test_that("paste_ci(): the one 'estimate (lower, upper)' formatter", {
  f <- function(v) formatC(v, format = "f", digits = 2)
  expect_identical(paste_ci(f(c(0.5, 0.25, 0.1)), c(0.3, NA, NA), c(0.7, 0.4, NA), f),
                   c("0.50 (0.30, 0.70)", "0.25 (NA, 0.40)", "0.10"))
  expect_identical(paste_ci("12.0", NA, NA, f, na_limit = "NR", no_interval = "NR, NR"),
                   "12.0 (NR, NR)")
  expect_identical(paste_ci("3", 1, NA, f, na_limit = "NR"), "3 (1.00, NR)")
  expect_identical(paste_ci(character(), numeric(), numeric(), f), character())
})
