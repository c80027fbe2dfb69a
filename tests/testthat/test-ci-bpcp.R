# BPCP (standard and mid-p) and Borkowf intervals: against bpcp itself on
# many seeded data sets at every row of the fit (start rows included), the
# PointwiseFn at arbitrary times, the reductions without censoring
# (Clopper-Pearson, mid-p binomial, log-scale Wald), the start row, and the
# refusals.
#
# Tolerances: bpcp's MM limits and Borkowf's are closed-form given beta
# quantiles, compared at 1e-10. Mid-p limits are roots: compared at 1e-8 with
# bpcp run at bpcpControl(midpMMTol = 1e-12), and at 1e-3 with bpcp's
# default call (midpMMTol = eps^0.25 ~ 1.2e-4 on the alpha scale).

pointwise_ci_cpp <- utils::getFromNamespace("pointwise_ci_cpp", "smallsurv")

# bpcp's reference intervals for one data set; `lookup(t)` gives the index
# of the interval holding t.
bpcp_ref <- function(time, status, type, conf.level = 0.95, tight = TRUE) {
  alpha <- 1 - conf.level
  ref <- switch(type,
    "bpcp" = bpcp::bpcp(time, status, nmc = 0, alpha = alpha),
    "bpcp-midp" = bpcp::bpcp(time, status, nmc = 0, alpha = alpha, midp = TRUE,
                             control = if (tight) bpcp::bpcpControl(midpMMTol = 1e-12) else
                               bpcp::bpcpControl()),
    "borkowf" = bpcp::kmciBorkowf(time, status, type = "log", alpha = alpha),
    "borkowf-shrunk" = bpcp::kmciBorkowf(time, status, type = "logs", alpha = alpha))
  y <- sort(unique(time))
  lookup <- if (grepl("bpcp", type)) {
    function(t) findInterval(t, ref$L)  # [L, R), right-continuous
  } else {
    # (0, y1), [y1, y1], (y1, y2), ..., (yk, Inf)
    function(t) ifelse(t %in% y, 2L * match(t, y), 2L * findInterval(t, y) + 1L)
  }
  list(lower = function(t) ref$lower[lookup(t)], upper = function(t) ref$upper[lookup(t)])
}

methods <- c("bpcp", "bpcp-midp", "borkowf", "borkowf-shrunk")
tol <- c("bpcp" = 1e-10, "bpcp-midp" = 1e-8, "borkowf" = 1e-10, "borkowf-shrunk" = 1e-10)

# Seeded data sets with ties (times rounded), heavy censoring and the edge cases.
data_sets <- function() {
  out <- list(
    n1_event = data.frame(time = 3, status = 1),
    n1_cens = data.frame(time = 3, status = 0),
    all_cens = data.frame(time = c(2, 4, 4, 7), status = 0),
    last_dies = data.frame(time = c(1, 2, 2, 5, 8), status = c(0, 1, 0, 1, 1)),
    event_at_0 = data.frame(time = c(0, 0, 1, 3, 3, 6), status = c(1, 0, 1, 0, 1, 0)),
    cens_at_0 = data.frame(time = c(0, 2, 3, 5), status = c(0, 1, 1, 0)),
    no_cens = data.frame(time = c(3, 7, 8, 14), status = 1),
    leuk = data.frame(time = c(6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25,
                               32, 32, 34, 35),
                      status = c(1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0))
  )
  for (s in 1:30) {
    set.seed(s)
    n <- sample(c(2, 3, 5, 10, 25, 40, 80), 1)
    cens <- runif(1, 0.05, 0.9)  # heavy censoring included
    out[[paste0("seed", s)]] <- data.frame(time = round(rexp(n, 0.1), sample(0:1, 1)),
                                           status = rbinom(n, 1, 1 - cens))
  }
  out
}

test_that("every row of the fit equals bpcp's interval at that time (all four methods)", {
  skip_if_not_installed("bpcp")
  worst <- setNames(numeric(4), methods)
  for (nm in names(dsets <- data_sets())) {
    d <- dsets[[nm]]
    for (type in methods) {
      fit <- km(Surv(time, status) ~ 1, d, conf.type = type)
      ref <- bpcp_ref(d$time, d$status, type)
      expect_equal(fit$lower, ref$lower(fit$time), tolerance = tol[[type]],
                   label = paste(nm, type, "lower"))
      expect_equal(fit$upper, ref$upper(fit$time), tolerance = tol[[type]],
                   label = paste(nm, type, "upper"))
      worst[type] <- max(worst[type], abs(fit$lower - ref$lower(fit$time)),
                         abs(fit$upper - ref$upper(fit$time)))
    }
  }
  # the comparison has teeth: the absolute differences, not only relative
  expect_true(all(worst < tol), label = paste(format(worst), collapse = " "))
})

test_that("other confidence levels agree too", {
  skip_if_not_installed("bpcp")
  d <- data_sets()$leuk
  for (level in c(0.8, 0.9, 0.99)) for (type in methods) {
    fit <- km(Surv(time, status) ~ 1, d, conf.type = type, conf.level = level)
    ref <- bpcp_ref(d$time, d$status, type, conf.level = level)
    expect_equal(fit$lower, ref$lower(fit$time), tolerance = tol[[type]])
    expect_equal(fit$upper, ref$upper(fit$time), tolerance = tol[[type]])
  }
})

test_that("mid-p agrees loosely with bpcp's default tolerance", {
  skip_if_not_installed("bpcp")
  for (d in data_sets()[c("leuk", "seed3", "seed7", "seed12")]) {
    fit <- km(Surv(time, status) ~ 1, d, conf.type = "bpcp-midp")
    ref <- bpcp_ref(d$time, d$status, "bpcp-midp", tight = FALSE)
    expect_equal(fit$lower, ref$lower(fit$time), tolerance = 1e-3)
    expect_equal(fit$upper, ref$upper(fit$time), tolerance = 1e-3)
  }
})

test_that("each stratum of ~ group equals bpcp on its own subset", {
  skip_if_not_installed("bpcp")
  set.seed(42)
  d <- data.frame(time = round(rexp(60, 0.1)), status = rbinom(60, 1, 0.6),
                  g = sample(c("a", "b", "c"), 60, replace = TRUE))
  d <- rbind(d, data.frame(time = 0, status = 1, g = "c"))  # an event at time 0 in "c"
  for (type in methods) {
    fit <- km(Surv(time, status) ~ g, d, conf.type = type)
    rows <- rep(names(fit$strata), fit$strata)
    for (lev in c("a", "b", "c")) {
      sub <- d[d$g == lev, ]
      ref <- bpcp_ref(sub$time, sub$status, type)
      r <- rows == paste0("g=", lev)
      expect_equal(fit$lower[r], ref$lower(fit$time[r]), tolerance = tol[[type]])
      expect_equal(fit$upper[r], ref$upper(fit$time[r]), tolerance = tol[[type]])
    }
    # a start row at 0 where the stratum's first time is later (not in "c")
    start <- as.integer(tapply(d$time, d$g, min) > 0)
    expect_identical(start[3], 0L)
    expect_identical(unname(fit$strata), as.integer(tapply(d$time, d$g, function(x)
      length(unique(x)))) + start)
  }
})

test_that("the PointwiseFn gives bpcp's interval at arbitrary times, in any order", {
  skip_if_not_installed("bpcp")
  for (nm in c("leuk", "last_dies", "all_cens", "event_at_0", "seed5", "seed9", "n1_event")) {
    d <- data_sets()[[nm]]
    fit <- km(Surv(time, status) ~ 1, d, conf.type = "none")
    y <- fit$time
    at <- c(y, (y[-1] + y[-length(y)]) / 2, max(y) + 1, max(y) * 10, y[1] / 2, 0)
    set.seed(1)
    at <- sample(at[at >= 0])
    for (type in methods) {
      r <- pointwise_ci_cpp(type, fit$time, fit$n.risk, fit$n.event, fit$n.censor,
                            length(fit$time), at, length(at), 0.95)
      ref <- bpcp_ref(d$time, d$status, type)
      expect_equal(r$lower, ref$lower(at), tolerance = tol[[type]], label = paste(nm, type))
      expect_equal(r$upper, ref$upper(at), tolerance = tol[[type]], label = paste(nm, type))
    }
  }
  # NaN times give NaN limits; no rows give NaN
  r <- pointwise_ci_cpp("bpcp", c(1, 2), c(2, 1), c(1, 1), c(0, 0), 2L, c(NaN, 1.5), 2L, 0.95)
  expect_true(is.nan(r$lower[1]) && is.nan(r$upper[1]))
  expect_equal(r$lower[2], qbeta(0.025, 1, 2), tolerance = 1e-12)
  r <- pointwise_ci_cpp("bpcp", numeric(0), numeric(0), numeric(0), numeric(0), 0L, 1, 1L, 0.95)
  expect_true(is.nan(r$lower) && is.nan(r$upper))
})

# ---- reductions without censoring ------------------------------------------------

# mid-p binomial limits by R-level root finding on the binomial probabilities
midp_binom <- function(x, n, conf.level = 0.95) {
  a <- 1 - conf.level
  lo <- if (x == 0) 0 else uniroot(function(p) {
    stats::pbinom(x, n, p, lower.tail = FALSE) + stats::dbinom(x, n, p) / 2 - a / 2
  }, c(0, 1), tol = 1e-14)$root
  up <- if (x == n) 1 else uniroot(function(p) {
    stats::pbinom(x - 1, n, p) + stats::dbinom(x, n, p) / 2 - a / 2
  }, c(0, 1), tol = 1e-14)$root
  c(lo, up)
}

test_that("without censoring BPCP is Clopper-Pearson (binom.test) for the survivors", {
  for (s in 1:10) {
    set.seed(s)
    n <- sample(c(1, 4, 12, 30), 1)
    d <- data.frame(time = ceiling(rexp(n, 0.2)), status = 1)  # > 0: a start row
    for (level in c(0.9, 0.95)) {
      fit <- km(Surv(time, status) ~ 1, d, conf.type = "bpcp", conf.level = level)
      x <- round(fit$surv * n)  # survivors
      cp <- t(vapply(x, function(k) stats::binom.test(k, n, conf.level = level)$conf.int,
                     numeric(2)))
      expect_equal(fit$lower, cp[, 1], tolerance = 1e-10)
      expect_equal(fit$upper, cp[, 2], tolerance = 1e-10)
      # hand-worked: before the first time (alpha/2)^(1/n)
      expect_equal(fit$lower[1], ((1 - level) / 2)^(1 / n), tolerance = 1e-12)
    }
  }
})

test_that("without censoring mid-p BPCP is the mid-p binomial interval", {
  for (s in 1:6) {
    set.seed(s)
    n <- sample(c(2, 5, 12, 30), 1)
    d <- data.frame(time = ceiling(10 * rexp(n, 0.2)) / 10, status = 1)
    fit <- km(Surv(time, status) ~ 1, d, conf.type = "bpcp-midp")
    x <- round(fit$surv * n)
    mp <- t(vapply(x, midp_binom, numeric(2), n = n))
    expect_equal(fit$lower, mp[, 1], tolerance = 1e-8)
    expect_equal(fit$upper, mp[, 2], tolerance = 1e-8)
    expect_equal(fit$lower[1], 0.05^(1 / n), tolerance = 1e-12)  # alpha^(1/n), x = n
  }
})

test_that("without censoring Borkowf is the log-scale binomial Wald interval", {
  d <- data.frame(time = c(2, 3, 3, 5, 8, 9, 9, 9, 12, 15), status = 1)
  n <- 10
  z <- qnorm(0.975)
  for (type in c("borkowf", "borkowf-shrunk")) {
    fit <- km(Surv(time, status) ~ 1, d, conf.type = type)
    S <- fit$surv
    if (type == "borkowf-shrunk") S <- S * (1 - 1 / n) + 1 / (2 * n)
    lo <- S * exp(-z * sqrt(S * (1 - S) / n) / S)
    up <- pmin(S * exp(z * sqrt(S * (1 - S) / n) / S), 1)
    lo[is.nan(lo)] <- 0
    up[is.nan(up)] <- 1
    expect_equal(fit$lower, lo, tolerance = 1e-12)
    expect_equal(fit$upper, up, tolerance = 1e-12)
  }
})

test_that("binom_exact_ci_cpp gives Clopper-Pearson and mid-p limits", {
  binom_exact_ci_cpp <- utils::getFromNamespace("binom_exact_ci_cpp", "smallsurv")
  for (n in c(1, 7, 20)) for (x in unique(c(0, 1, n %/% 2, n - 1, n))) {
    expect_equal(binom_exact_ci_cpp(x, n, 0.95, FALSE),
                 as.vector(stats::binom.test(x, n)$conf.int), tolerance = 1e-10)
    expect_equal(binom_exact_ci_cpp(x, n, 0.95, TRUE), midp_binom(x, n), tolerance = 1e-8)
  }
})

# ---- the start row ----------------------------------------------------------------

test_that("the start row carries the interval before the first time", {
  d <- data.frame(time = c(2, 3, 3, 5, 8), status = c(1, 0, 1, 1, 0), g = c(1, 1, 2, 2, 2))
  fit <- km(Surv(time, status) ~ 1, d, conf.type = "bpcp")
  expect_identical(fit$time, c(0, 2, 3, 5, 8))
  expect_identical(fit$n.risk[1], 5)
  expect_identical(c(fit$n.event[1], fit$n.censor[1], fit$surv[1]), c(0, 0, 1))
  expect_identical(c(fit$std.err[1], fit$cumhaz[1], fit$std.chaz[1]), c(0, 0, 0))
  expect_equal(c(fit$lower[1], fit$upper[1]), c(0.025^(1 / 5), 1), tolerance = 1e-12)
  # the other rows are km()'s rows with any other method
  ref <- km(Surv(time, status) ~ 1, d)
  for (v in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "cumhaz"))
    expect_identical(fit[[v]][-1], ref[[v]], label = v)
  # strata: one start row each
  fs <- km(Surv(time, status) ~ g, d, conf.type = "bpcp-midp")
  expect_identical(unname(fs$strata), c(3L, 4L))
  expect_identical(fs$time, c(0, 2, 3, 0, 3, 5, 8))
  expect_equal(fs$lower[c(1, 4)], c(0.05^(1 / 2), 0.05^(1 / 3)), tolerance = 1e-12)
})

test_that("survival's summary(), quantile() and plot() and smallsurv's methods work", {
  d <- data.frame(time = c(2, 3, 3, 5, 8, 9, 12, 12), status = c(1, 0, 1, 1, 0, 1, 0, 1))
  for (type in methods) {
    fit <- km(Surv(time, status) ~ 1, d, conf.type = type)
    s <- summary(fit, times = c(0, 1, 4, 9))
    idx <- findInterval(c(0, 1, 4, 9), fit$time)
    expect_equal(s$lower, fit$lower[idx], tolerance = 1e-12)
    expect_equal(s$upper, fit$upper[idx], tolerance = 1e-12)
    expect_equal(s$n.risk, c(8, 8, 5, 3))
    q <- quantile(fit, probs = c(0.25, 0.5))
    expect_length(q$quantile, 2)
    a <- at_times(fit, c(0, 1, 4, 9))
    # at_times() gives the fit's limits, except a zero-width (1, 1) before
    # the first event, which it does not print as an interval
    lo <- fit$lower[idx]
    hi <- fit$upper[idx]
    none <- a$n.event == 0 & lo == 1 & hi == 1
    lo[none] <- NA
    hi[none] <- NA
    expect_equal(a$conf.low, lo, tolerance = 1e-12)
    expect_equal(a$conf.high, hi, tolerance = 1e-12)
    expect_identical(a$note[1:2], c("no event yet", "no event yet"))
    expect_equal(a$n.risk, c(8, 8, 5, 3))
    pdf(NULL)
    expect_silent(plot(fit))
    y <- fit
    class(y) <- "survfit"  # survival's own plot method
    expect_silent(plot(y, conf.int = TRUE))
    dev.off()
    expect_output(print(fit), "conf.type = \"")
    expect_identical(tidy(fit)$time[1], 0)
  }
  # BPCP's interval before the first event is not [1, 1] in at_times()
  fit <- km(Surv(time, status) ~ 1, d, conf.type = "bpcp")
  expect_equal(at_times(fit, 1)$conf.low, 0.025^(1 / 8), tolerance = 1e-12)
})

# ---- refusals ----------------------------------------------------------------------

test_that("case weights and delayed entry are refused", {
  d <- data.frame(a = c(0, 0, 1, 0), t = c(1, 2, 3, 4), s = c(1, 0, 1, 1), w = c(1, 2, 1, 1))
  for (type in methods) {
    expect_error(km(Surv(t, s) ~ 1, d, conf.type = type, weights = w),
                 paste0("`conf.type = \"", type, "\"` is not defined for case weights"),
                 fixed = TRUE)
    expect_error(km(Surv(a, t, s) ~ 1, d, conf.type = type),
                 paste0("`conf.type = \"", type, "\"` is not defined for delayed entry"),
                 fixed = TRUE)
  }
  m <- ci_methods()
  expect_false(any(m$weights[m$conf.type %in% methods]))
  expect_false(any(m$delayed_entry[m$conf.type %in% methods]))
  expect_error(pointwise_ci_cpp("bpcp", 1, 1, 1, 0, 1L, 1, 1L, 1.5), "conf_level")
})
