# The coverage laboratory: its methods are km()'s methods, its draws are
# the documented distributions, and it reproduces an independent R-level
# simulation.

test_that("the core normal quantile (AS 241, core/normal.h) agrees with qnorm()", {
  set.seed(11)
  p <- c(1e-300, 1e-20, 1e-10, 1e-3, 0.01, 0.025, 0.075, 0.3, 0.5, 0.7, 0.925, 0.975, 0.99,
         1 - 1e-12, runif(2000))
  q <- smallsurv:::normal_quantile_cpp(p)
  expect_equal(q, qnorm(p), tolerance = 1e-15)
  expect_identical(smallsurv:::normal_quantile_cpp(c(0, 1)), c(-Inf, Inf))
})

# km(conf.type = m) looked up at `at` the way at_times() reports it, with
# every undefined limit as NA.
km_limits_at <- function(time, status, at, method, conf.level = 0.95) {
  d <- data.frame(time = time, status = status)
  fit <- km(Surv(time, status) ~ 1, data = d, conf.type = method, conf.level = conf.level)
  a <- at_times(fit, at)
  lo <- a$conf.low
  hi <- a$conf.high
  lo[is.nan(lo)] <- NA
  hi[is.nan(hi)] <- NA
  # the laboratory scores the zero-width interval (1, 1) before the first
  # event (every Greenwood interval as se -> 0; it misses whenever S(t) < 1),
  # which at_times() does not print as an interval
  none <- a$n.event == 0 & is.na(lo) & is.na(hi)
  lo[none] <- a$estimate[none]
  hi[none] <- a$estimate[none]
  list(lower = lo, upper = hi)
}

lab_limits_at <- function(time, status, at, method, conf.level = 0.95) {
  r <- smallsurv:::lab_pointwise_cpp(method, time, as.integer(status), at, conf.level)
  r$lower[is.nan(r$lower)] <- NA
  r$upper[is.nan(r$upper)] <- NA
  r
}

# Seeded small data sets covering the edge cases: ties (events and
# censorings at the same time), all censored, last subject dies, n = 1,
# times from dates (near ties merged by timefix).
lab_datasets <- function() {
  set.seed(20261125)
  out <- list(
    list(time = c(3, 7, 8, 14), status = c(1, 1, 1, 1)),
    list(time = c(5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45), status = c(1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1)),
    list(time = c(2, 4, 4, 6, 9), status = c(0, 1, 0, 0, 0)),
    list(time = c(1, 2, 3), status = c(0, 0, 0)),
    list(time = 4, status = 1),
    list(time = 4, status = 0),
    list(time = c(1, 2, 2, 3, 3, 3, 5), status = c(0, 1, 0, 1, 1, 0, 1)),
    list(time = c(0, 0, 1, 2), status = c(1, 0, 1, 0)),
    list(time = c(10, 20, 30) / 30.4375 + c(0, 1e-12, 0), status = c(1, 1, 0))
  )
  for (i in 1:60) {
    n <- sample(c(2:30, 60), 1)
    tt <- if (i %% 3 == 0) round(rexp(n, 0.2)) else rexp(n, 0.1)
    cc <- if (i %% 4 == 0) rep(Inf, n) else runif(n, 0, 25)
    out[[length(out) + 1L]] <- list(time = pmin(tt, cc), status = as.integer(tt <= cc))
  }
  out
}

test_that("every laboratory method gives km()'s limits at the requested times", {
  methods <- smallsurv:::lab_methods()
  expect_true(all(c("plain", "log", "log-log", "logit", "arcsin") %in% methods))
  expect_false("bootstrap" %in% methods)
  for (d in lab_datasets()) {
    ut <- sort(unique(d$time))
    # before, at and between the observed times, up to the last one: after
    # it at_times() gives no estimate, and the laboratory counts every
    # method's interval as undefined there, whatever the method would give
    at <- sort(unique(c(0, ut, ut + 0.37, ut[1] / 2)))
    at <- at[at <= max(ut)]
    for (m in methods) {
      # Borkowf's intervals change at a censoring time just after it: the
      # fit's row at an observed time holds the value *at* that time, and
      # the open interval after it (bpcp::kmciBorkowf's convention, which
      # the PointwiseFn follows and test-ci-bpcp.R checks) is not a row.
      # Compare at the observed times and before the first.
      at_m <- if (startsWith(m, "borkowf")) at[at %in% ut | at < ut[1]] else at
      for (lev in c(0.95, 0.8)) {
        expect_equal(lab_limits_at(d$time, d$status, at_m, m, lev),
                     km_limits_at(d$time, d$status, at_m, m, lev), tolerance = 1e-12,
                     label = paste0(m, " (n = ", length(d$time), ", level ", lev, ")"))
      }
    }
  }
})

test_that("limits at a few sparse times (as the laboratory asks) are km()'s too", {
  # a method may skip rows between the requested times: the running minima
  # of BPCP, for instance, must still see every row up to t
  set.seed(42)
  methods <- smallsurv:::lab_methods()
  for (r in 1:40) {
    tt <- rexp(15, 0.1)
    cc <- runif(15, 2, 14)
    time <- pmin(tt, cc)
    status <- as.integer(tt <= cc)
    at <- c(2, 6, 12)
    at <- at[at <= max(time)]
    for (m in setdiff(methods, c("borkowf", "borkowf-shrunk"))) {
      expect_equal(lab_limits_at(time, status, at, m), km_limits_at(time, status, at, m),
                   tolerance = 1e-12, label = paste0(m, " (replicate ", r, ")"))
    }
  }
})

test_that("the Greenwood-type methods give no interval after the last observed time", {
  d <- lab_datasets()[[12]]
  after <- max(d$time) + c(0.5, 3)
  for (m in c("plain", "log", "log-log", "logit", "arcsin", "wilson-neff")) {
    r <- lab_limits_at(d$time, d$status, after, m)
    expect_true(all(is.na(r$lower) & is.na(r$upper)), label = m)
    expect_true(all(is.na(km_limits_at(d$time, d$status, after, m)$lower)), label = m)
  }
})

test_that("requested times in any order give the same limits", {
  d <- lab_datasets()[[12]]
  at <- c(5, 1, 20, 3, 3, 0)
  for (m in smallsurv:::lab_methods()) {
    r <- lab_limits_at(d$time, d$status, at, m)
    o <- order(at)
    s <- lab_limits_at(d$time, d$status, at[o], m)
    expect_equal(r$lower[o], s$lower, tolerance = 0)
    expect_equal(r$upper[o], s$upper, tolerance = 0)
  }
})

# The independent R-level simulation: per replicate event(n) then censor(n)
# from R's generator, km() fitted, limits by at_times() (with the
# laboratory's (1, 1) before the first event, km_limits_at()), counts in R.
r_level_coverage <- function(n, times, reps, event, censor, truth, methods, conf.level = 0.95) {
  cnt <- lapply(methods, function(m) list(na = 0, lo = 0, up = 0, w = 0))
  names(cnt) <- methods
  for (r in seq_len(reps)) {
    tt <- event(n)
    cc <- censor(n)
    d <- data.frame(time = pmin(tt, cc), status = as.integer(tt <= cc))
    for (m in methods) {
      a <- as.data.frame(km_limits_at(d$time, d$status, times, m, conf.level))
      def <- !is.na(a$lower) & !is.na(a$upper)
      cnt[[m]]$na <- cnt[[m]]$na + !def
      cnt[[m]]$lo <- cnt[[m]]$lo + (def & a$lower > truth)
      cnt[[m]]$up <- cnt[[m]]$up + (def & a$upper < truth)
      cnt[[m]]$w <- cnt[[m]]$w + ifelse(def, a$upper - a$lower, 0)
    }
  }
  do.call(rbind, lapply(methods, function(m) {
    k <- cnt[[m]]
    def <- reps - k$na
    lo <- k$lo / def
    up <- k$up / def
    data.frame(method = m, time = times, coverage = 1 - lo - up, lower_error = lo,
               upper_error = up, width = k$w / def, n_na = k$na, stringsAsFactors = FALSE)
  }))
}

test_that("with R generators the laboratory reproduces an R-level simulation exactly", {
  ev <- function(n) rexp(n, 0.1)
  ce <- function(n) runif(n, 2, 14)
  times <- c(2, 6, 12, 14.5)
  truth <- pexp(times, 0.1, lower.tail = FALSE)
  # every method whose limits at any t are a row of the km() fit; Borkowf's
  # change just after a censoring time (see above), which at_times() cannot
  # show, so the R-level reference cannot be built from km() for them
  methods <- setdiff(smallsurv:::lab_methods(), c("borkowf", "borkowf-shrunk"))
  set.seed(42)
  ref <- r_level_coverage(15, times, 300, ev, ce, truth, methods)
  set.seed(42)
  lab <- ci_coverage(15, times, methods = methods, reps = 300, seed = 1, event = ev,
                     censor = ce, truth = truth)
  cols <- c("method", "time", "coverage", "lower_error", "upper_error", "width", "n_na")
  expect_equal(as.data.frame(unclass(lab))[cols], ref[cols], tolerance = 1e-12,
               ignore_attr = TRUE)
  # some intervals are undefined after the last observed time (t = 14.5)
  expect_true(all(lab$n_na[lab$time == 14.5] > 0))
  expect_true(all(lab$n_na[lab$time < 12] == 0))
})

test_that("a km() fit is sampled by inverse transform, with its exponential tail", {
  fit <- km(Surv(efs_time, efs_status) ~ 1, data = rrall)
  spec <- smallsurv:::lab_step_spec(fit, "event")
  draws <- smallsurv:::lab_draw_cpp(spec, 2e5, 7)
  tt <- c(0, sort(unique(fit$time)), max(fit$time) + c(1, 5, 20))
  emp <- vapply(tt, function(t) mean(draws > t), numeric(1))
  expect_lt(max(abs(emp - spec$surv(tt))), 4 * sqrt(0.25 / 2e5))
  # every draw within the curve's range is one of its event times
  inside <- draws[draws < max(fit$time)]
  expect_true(all(inside %in% fit$time[fit$n.event > 0]))
})

test_that("the C++ distributions are the documented ones", {
  n <- 2e5
  ks <- function(x, cdf, ...) suppressWarnings(stats::ks.test(x, cdf, ...)$p.value)
  d <- smallsurv:::lab_event_spec(list(dist = "exponential", rate = 0.3), "event")
  expect_gt(ks(smallsurv:::lab_draw_cpp(d, n, 1), "pexp", 0.3), 1e-3)
  d <- smallsurv:::lab_event_spec(list(dist = "exponential", median = 8), "event")
  expect_equal(d$par[1], log(2) / 8, tolerance = 1e-15)
  d <- smallsurv:::lab_event_spec(list(dist = "weibull", shape = 0.7, scale = 5), "event")
  expect_gt(ks(smallsurv:::lab_draw_cpp(d, n, 2), "pweibull", 0.7, 5), 1e-3)
  d <- smallsurv:::lab_event_spec(list(dist = "lognormal", meanlog = 1, sdlog = 0.8), "event")
  expect_gt(ks(smallsurv:::lab_draw_cpp(d, n, 3), "plnorm", 1, 0.8), 1e-3)
  # and the truth comes from the same distribution
  expect_equal(d$surv(c(1, 3)), plnorm(c(1, 3), 1, 0.8, lower.tail = FALSE), tolerance = 1e-15)
})

test_that("C++ generators agree with R generators within Monte-Carlo error", {
  times <- c(3, 6, 9)
  reps <- 4000
  # accrual over 12, cut-off at 18, loss to follow-up at rate 0.02
  lab_cpp <- ci_coverage(25, times, reps = reps, seed = 5,
                         event = list(dist = "weibull", shape = 1.3, scale = 14),
                         accrual = 12, cutoff = 18, dropout = 0.02)
  set.seed(6)
  lab_r <- ci_coverage(25, times, reps = reps, seed = 6,
                       event = function(n) rweibull(n, 1.3, 14),
                       censor = function(n) pmin(18 - runif(n, 0, 12), rexp(n, 0.02)))
  expect_equal(lab_r$truth, lab_cpp$truth, tolerance = 4 * sqrt(0.25 / 1e6))
  z <- (lab_cpp$coverage - lab_r$coverage) / sqrt(lab_cpp$mc_se^2 + lab_r$mc_se^2)
  expect_true(all(abs(z) < 4))
  for (col in c("lower_error", "upper_error")) {
    p1 <- lab_cpp[[col]]
    p2 <- lab_r[[col]]
    se <- sqrt(p1 * (1 - p1) / reps + p2 * (1 - p2) / reps)
    expect_true(all(abs(p1 - p2) < 4 * se + 1e-12), label = col)
  }
  expect_equal(lab_cpp$width, lab_r$width, tolerance = 0.05)
  a <- attr(lab_cpp, "per_time")
  b <- attr(lab_r, "per_time")
  expect_equal(a$mean_at_risk, b$mean_at_risk, tolerance = 0.02)
  expect_equal(attr(lab_cpp, "design")$events, attr(lab_r, "design")$events, tolerance = 0.02)
})

test_that("the laboratory is seeded and reproducible; the result has its shape", {
  a <- ci_coverage(10, c(1, 4), reps = 500, seed = 3, event = list(dist = "exponential", rate = 0.2),
                   dropout = 0.1)
  b <- ci_coverage(10, c(4, 1, 4), reps = 500, seed = 3,
                   event = list(dist = "exponential", rate = 0.2), dropout = 0.1)
  expect_identical(a, b)
  set.seed(9)
  c1 <- ci_coverage(10, 2, reps = 200, event = list(dist = "exponential", rate = 0.2))
  set.seed(9)
  c2 <- ci_coverage(10, 2, reps = 200, event = list(dist = "exponential", rate = 0.2))
  expect_identical(c1, c2)
  expect_s3_class(a, c("smallsurv_coverage", "data.frame"))
  expect_named(a, c("method", "time", "coverage", "lower_error", "upper_error", "width",
                    "mc_se", "n_na", "truth"))
  expect_equal(a$coverage, 1 - a$lower_error - a$upper_error, tolerance = 1e-14)
  expect_equal(a$mc_se, sqrt(a$coverage * (1 - a$coverage) / (500 - a$n_na)), tolerance = 1e-14)
  expect_equal(nrow(a), 2 * length(smallsurv:::lab_methods()))
})

test_that("hand-checked cases: no censoring and no event yet", {
  # with one subject and t before any event, every Greenwood interval is
  # (1, 1): it misses the truth from above in every replicate that has no
  # event by t
  cv <- ci_coverage(1, 0.5, methods = c("log-log", "plain"), reps = 1000, seed = 1,
                    event = list(dist = "exponential", rate = 0.1))
  pt <- attr(cv, "per_time")
  # n = 1: the subject's time exceeds 0.5 with probability exp(-0.05)
  expect_equal(cv$n_na / 1000, rep(1 - pt$p_no_event, 2), tolerance = 1e-12)
  expect_equal(cv$lower_error, c(1, 1), tolerance = 0)
  expect_equal(cv$width, c(0, 0), tolerance = 0)
  # a truth of exactly 1 is covered by (1, 1)
  cv1 <- ci_coverage(5, 0.5, methods = "log-log", reps = 100, seed = 1,
                     event = function(n) rep(1, n), truth = 1)
  expect_equal(cv1$coverage, 1, tolerance = 0)
})

test_that("bad arguments are refused with messages naming them", {
  ev <- list(dist = "exponential", rate = 0.1)
  # (the list of valid methods grows as methods are added: not a snapshot)
  expect_error(ci_coverage(25, 3, methods = "bootstrap", event = ev),
               "`methods` must be among .*\"log-log\".*the bootstrap is not run in the laboratory")
  expect_error(ci_coverage(25, 3, methods = c("log", "nonsense"), event = ev),
               "`methods` must be among .*; got \"nonsense\".")
  expect_snapshot(error = TRUE, {
    ci_coverage(0, 3, event = ev)
    ci_coverage(25, -1, event = ev)
    ci_coverage(25, 3, event = list(dist = "gamma", shape = 2))
    ci_coverage(25, 3, event = list(dist = "weibull", shape = 2))
    ci_coverage(25, 3, event = ev, accrual = 12, cutoff = 10)
    ci_coverage(25, 3, event = function(n) rep(1.5, n - 1), reps = 5)
    ci_coverage(25, 3, event = ev, truth = c(0.5, 0.4))
    ci_coverage(25, 3)
    ci_coverage(25, 3, event = km(Surv(efs_time, efs_status) ~ dose, data = rrall))
    ci_coverage(5, 3, event = function(n) rep(Inf, n), reps = 2, seed = 1, truth = 1)
  })
})

test_that("a cure fraction (infinite event times) works with finite censoring", {
  set.seed(4)
  cv <- ci_coverage(20, c(5, 10), methods = "log-log", reps = 300, seed = 1,
                    event = function(n) ifelse(runif(n) < 0.4, Inf, rexp(n, 0.2)),
                    censor = function(n) runif(n, 5, 20),
                    truth = function(t) 0.4 + 0.6 * exp(-0.2 * t))
  expect_equal(cv$truth, 0.4 + 0.6 * exp(-0.2 * c(5, 10)), tolerance = 1e-15)
  expect_true(all(cv$n_na == 0))
})

test_that("print() and plot() work", {
  cv <- ci_coverage(12, c(2, 6), methods = c("log-log", "log"), reps = 400, seed = 8,
                    event = list(dist = "exponential", median = 6), accrual = 6, cutoff = 12)
  expect_snapshot(print(cv))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_identical(plot(cv), cv)
  expect_identical(plot(cv, type = "tails"), cv)
})

test_that("the laboratory gives identical results for 1 and 2 threads", {
  run <- function(th) withr::with_options(list(smallsurv.threads = th),
    ci_coverage(20, times = c(2, 5), reps = 1500, seed = 3,
                event = list(dist = "exponential", rate = 0.1),
                censor = list(dist = "exponential", rate = 0.05)))
  a <- run(1)
  b <- run(2)
  expect_identical(as.data.frame(a), as.data.frame(b))
})

# ---- multi-state laboratory ----------------------------------------------

ms_rates <- function() {
  s <- c("event-free", "HSCT", "relapse/death")
  Q <- matrix(0, 3, 3, dimnames = list(s, s))
  Q["event-free", "HSCT"] <- 0.10
  Q["event-free", "relapse/death"] <- 0.05
  Q["HSCT", "relapse/death"] <- 0.04
  Q
}

test_that("ci_coverage_ms(): the truth is the illness-death closed form", {
  Q <- ms_rates()
  times <- c(0.5, 3, 6, 40)
  cv <- ci_coverage_ms(5, times, Q, reps = 3, seed = 1, methods = "log-log")
  a <- 0.15
  b <- 0.04
  p1 <- exp(-a * times)
  p2 <- 0.10 / (a - b) * (exp(-b * times) - exp(-a * times))
  tr <- function(s) cv$truth[cv$state == s]
  expect_equal(tr("event-free"), p1, tolerance = 1e-13)
  expect_equal(tr("HSCT"), p2, tolerance = 1e-13)
  expect_equal(tr("relapse/death"), 1 - p1 - p2, tolerance = 1e-13)
  # a recovery model: two states back and forth, p(t) in closed form
  R <- matrix(c(0, 0.3, 0.7, 0), 2, 2, dimnames = list(c("a", "b"), c("a", "b")))
  cv2 <- ci_coverage_ms(5, c(1, 2), R, reps = 2, seed = 1, methods = "log-log")
  pb <- 0.7 / (0.3 + 0.7) * (1 - exp(-(0.3 + 0.7) * c(1, 2)))
  expect_equal(cv2$truth[cv2$state == "b"], pb, tolerance = 1e-13)
})

test_that("ci_coverage_ms(): the simulated cohorts follow the model", {
  Q <- ms_rates()
  set.seed(11)
  d <- lab_ms_simulate(20000, 1, Q, 1L, 6, 0, Inf, 0)
  fit <- multistate(Surv(tstart, tstop, state) ~ 1, data = d, id = id, istate = from)
  at <- at_times(fit, c(2, 5), maturity = FALSE)
  a <- 0.15
  b <- 0.04
  t <- at$time
  truth <- ifelse(at$state == "event-free", exp(-a * t),
                  ifelse(at$state == "HSCT", 0.10 / (a - b) * (exp(-b * t) - exp(-a * t)),
                         1 - exp(-a * t) - 0.10 / (a - b) * (exp(-b * t) - exp(-a * t))))
  expect_true(all(abs(at$estimate - truth) < 4 * at$std.error))
  # each patient: rows contiguous, from = previous state, ends absorbed or at 6
  expect_true(all(d$tstart < d$tstop))
  last <- !duplicated(d$id, fromLast = TRUE)
  expect_true(all(d$state[last] == "relapse/death" | d$tstop[last] == 6))
  expect_true(all(d$state[!last] != "(censored)"))
})

test_that("ci_coverage_ms(): counts equal at_times() of each replicate's own fit", {
  Q <- ms_rates()
  times <- c(1, 4, 8)
  reps <- 15
  for (m in c("log-log", "wilson-neff")) {
    cv <- ci_coverage_ms(12, times, Q, methods = m, reps = reps, seed = 7, accrual = 6,
                         cutoff = 12, dropout = 0.02)
    set.seed(7)
    d <- lab_ms_simulate(12, reps, Q, 1L, 8, 6, 12, 0.02)
    low <- up <- na <- w <- 0
    for (r in seq_len(reps)) {
      f <- multistate(Surv(tstart, tstop, state) ~ 1, data = d[d$rep == r, ], id = id,
                      istate = from, conf.type = m)
      at <- at_times(f, times, maturity = FALSE)
      at <- at[order(match(at$state, rownames(Q)), at$time), ]
      tr <- cv$truth[match(paste(at$state, at$time), paste(cv$state, cv$time))]
      ok <- !is.na(at$conf.low) & !is.na(at$conf.high) & !is.na(at$std.error) &
        at$std.error > 0
      na <- na + !ok
      low <- low + (ok & at$conf.low > tr)
      up <- up + (ok & at$conf.high < tr)
      w <- w + ifelse(ok, at$conf.high - at$conf.low, 0)
    }
    key <- paste(at$state, at$time)
    o <- match(paste(cv$state, cv$time), key)
    expect_equal(cv$n_na, as.vector(na[o]))
    expect_equal(cv$lower_error, as.vector((low / (reps - na))[o]), tolerance = 1e-14)
    expect_equal(cv$upper_error, as.vector((up / (reps - na))[o]), tolerance = 1e-14)
    expect_equal(cv$width, as.vector((w / (reps - na))[o]), tolerance = 1e-12)
  }
})

test_that("ci_coverage_ms(): reproducible, restores R's generator, prints and plots", {
  Q <- ms_rates()
  set.seed(3)
  before <- .Random.seed
  a <- ci_coverage_ms(10, c(2, 5), Q, reps = 50, seed = 9, methods = c("log-log", "plain"),
                      states = "HSCT")
  expect_identical(.Random.seed, before)
  b <- ci_coverage_ms(10, c(2, 5), Q, reps = 50, seed = 9, methods = c("log-log", "plain"),
                      states = "HSCT")
  expect_identical(a, b)
  expect_setequal(unique(a$state), "HSCT")
  expect_equal(nrow(a), 4L)
  expect_true(all(a$coverage >= 0 & a$coverage <= 1, na.rm = TRUE))
  out <- capture.output(print(a))
  expect_true(any(grepl("HSCT at t = 2: true p\\(t\\)", out)))
  expect_true(any(grepl("Markov, constant hazards event-free -> HSCT 0.1", out)))
  pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(a))
  expect_silent(plot(a, type = "tails"))
})

test_that("ci_coverage_ms(): fitting the replicates in blocks changes nothing", {
  Q <- ms_rates()
  a <- ci_coverage_ms(10, c(2, 6), Q, reps = 37, seed = 4, methods = c("log-log", "cp-neff"),
                      dropout = 0.05)
  old <- options(smallsurv.lab_block = 45)  # blocks of 4 replicates, the last of 1
  on.exit(options(old))
  b <- ci_coverage_ms(10, c(2, 6), Q, reps = 37, seed = 4, methods = c("log-log", "cp-neff"),
                      dropout = 0.05)
  expect_identical(a, b)
  expect_true(sum(a$n_na) < nrow(a) * 37)
})

test_that("ci_coverage_ms(): why intervals are missing, by brute force (recovery model)", {
  R <- matrix(c(0, 1, 1, 0), 2, 2, dimnames = list(c("a", "b"), c("a", "b")))
  tt <- c(0.2, 1, 3)
  cv <- ci_coverage_ms(2, tt, R, reps = 300, seed = 3, methods = "log-log", dropout = 0.5)
  set.seed(3)
  d <- lab_ms_simulate(2, 300, R, 1L, 3, 0, Inf, 0.5)
  per <- split(d, d$rep)
  last <- vapply(per, function(x) max(x$tstop), 0)
  first <- vapply(per, function(x) min(c(Inf, x$tstop[x$state != "(censored)"])), 0)
  pt <- attr(cv, "per_time")[1:3, ]
  expect_equal(pt$p_after_last, vapply(tt, function(t) mean(t > last), 0))
  expect_equal(pt$p_no_transition, vapply(tt, function(t) mean(t <= last & first > t), 0))
  # patients back in "a" with p_a = 1 and se 0 are not "no transition yet"
  expect_true(pt$p_no_transition[3] < 0.05)
})

test_that("ci_coverage_ms(): bad input is a clear error", {
  Q <- ms_rates()
  expect_error(ci_coverage_ms(10, 2, unname(Q)), "state names as row and column names")
  Qn <- Q
  Qn[2, 3] <- -1
  expect_error(ci_coverage_ms(10, 2, Qn), "HSCT -> relapse/death")
  expect_error(ci_coverage_ms(10, 2, Q, initial = "relapse/death"), "absorbing")
  expect_error(ci_coverage_ms(10, 2, Q, initial = "CAR-T"), "`initial` must name a state")
  expect_error(ci_coverage_ms(10, 2, Q, methods = "bpcp"), "methods of multistate")
  expect_error(ci_coverage_ms(10, 0, Q), "positive time")
  expect_error(ci_coverage_ms(10, 2, Q, cutoff = 0), "`cutoff`")
  expect_error(ci_coverage_ms(0, 2, Q), "`n` must be")
  expect_error(ci_coverage_ms(10, 2, Q, variance = "delta"), "`variance`")
  expect_error(ci_coverage_ms(10, 2, Q, states = c("HSCT", "HSCT")), "distinct states")
  expect_error(ci_coverage_ms(10, 2, Q, states = character()), "distinct states")
  # n = 1 and 2 run; undefined intervals are counted, not hidden
  one <- ci_coverage_ms(1, c(1, 5), Q, reps = 30, seed = 1, methods = "log-log")
  expect_true(all(one$n_na > 0))
  two <- ci_coverage_ms(2, c(1, 5), Q, reps = 30, seed = 1, methods = "wilson-neff")
  expect_equal(nrow(two), 6L)
})
