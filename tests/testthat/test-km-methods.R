# print(), at_times(), tidy() and glance() for km() fits: hand-worked
# fractions first, then live comparisons with survival's summary() and
# quantile() on the survfit object, then snapshots of the printed output and
# of the error messages.

# times 1, 2, 2+, 3, 4+ (the example of test-km.R): S = 4/5, 3/5, 3/10, 3/10;
# Greenwood sums of d / (n (n - d)) = 1/20, 2/15, 19/30, 19/30.
tiny <- function() data.frame(t = c(1, 2, 2, 3, 4), s = c(1, 1, 0, 1, 0))

# two strata: a = 1, 3, 3+, 5+ (S = 3/4, 1/2, 1/2); b = 1, 2, 2 (S = 2/3, 0)
tiny_strata <- function() {
  data.frame(t = c(1, 3, 3, 5, 1, 2, 2), s = c(1, 1, 0, 0, 1, 1, 1),
             g = c("a", "a", "a", "a", "b", "b", "b"))
}

# A weighted data set with fixed non-integer weights (robust variance).
aml_weighted <- function() {
  d <- survival::aml
  d$w <- c(0.5, 1.25, 2, 0.75, 1.5, 1, 2.5, 0.25, 1.75, 1, 0.5, 2,
           1.25, 0.75, 1.5, 1, 2.25, 0.5, 1, 1.75, 0.25, 1.5, 2)
  d
}

# ---- at_times(): hand-worked -------------------------------------------------

test_that("at_times() carries the estimate forward and counts as documented (hand-worked)", {
  fit <- km(Surv(t, s) ~ 1, tiny(), conf.type = "plain")
  times <- c(0, 0.5, 1, 1.5, 2, 3, 3.5, 4, 5)
  at <- at_times(fit, times, maturity = FALSE)
  expect_named(at, c("time", "estimate", "std.error", "conf.low", "conf.high", "n.risk",
                     "n.event", "n.censor", "conf.type", "conf.level", "note"))
  expect_equal(at$time, times, tolerance = 1e-12)
  S <- c(1, 1, 4 / 5, 4 / 5, 3 / 5, 3 / 10, 3 / 10, 3 / 10, NA)
  expect_equal(at$estimate, S, tolerance = 1e-12)
  gw <- c(0, 0, 1 / 20, 1 / 20, 2 / 15, 19 / 30, 19 / 30, 19 / 30, NA)
  # standard error of S itself: S * se(log S)
  expect_equal(at$std.error, S * sqrt(gw), tolerance = 1e-12)
  z <- qnorm(0.975)
  # no event yet: no interval
  expect_equal(at$conf.low, c(NA, NA, pmax(S[3:8] - z * S[3:8] * sqrt(gw[3:8]), 0), NA),
               tolerance = 1e-12)
  expect_equal(at$conf.high, c(NA, NA, pmin(S[3:8] + z * S[3:8] * sqrt(gw[3:8]), 1), NA),
               tolerance = 1e-12)
  # at risk at t: time >= t; 0 after the last follow-up
  expect_equal(at$n.risk, c(5, 5, 5, 4, 4, 2, 1, 1, 0), tolerance = 1e-12)
  # cumulative, including t itself (t = 2 has an event and a censoring)
  expect_equal(at$n.event, c(0, 0, 1, 1, 2, 3, 3, 3, 3), tolerance = 1e-12)
  expect_equal(at$n.censor, c(0, 0, 0, 0, 1, 1, 1, 2, 2), tolerance = 1e-12)
  expect_identical(at$conf.type, rep("plain", 9))
  expect_equal(at$conf.level, rep(0.95, 9), tolerance = 1e-12)
  expect_identical(at$note, c("no event yet", "no event yet", "", "only 4 at risk",
                              "only 4 at risk", "only 2 at risk", "only 1 at risk",
                              "only 1 at risk", "after last follow-up (4)"))
})

test_that("at_times() before the first event gives 1 and no interval, under either convention", {
  # the fit holds NA (log-log, default) or (1, 1) (plain, log; every
  # transform under survival >= 3.6's convention): at_times() prints no
  # zero-width interval as if it were one
  for (conv in c("NA", "estimate")) {
    withr::local_options(smallsurv.limits_at_zero_se = conv)
    for (ct in setdiff(all_conf_types, "none")) {
      lab <- paste(conv, ct)
      fit <- km(Surv(t, s) ~ 1, tiny(), conf.type = ct, conf.level = 0.9)
      at <- at_times(fit, c(0, 0.25, 0.999), maturity = FALSE)
      expect_equal(at$estimate, c(1, 1, 1), tolerance = 1e-12, label = lab)
      expect_equal(at$std.error, c(0, 0, 0), tolerance = 1e-12, label = lab)
      expect_equal(at$conf.low, rep(NA_real_, 3), label = lab)
      expect_equal(at$conf.high, rep(NA_real_, 3), label = lab)
      expect_equal(at$conf.level, rep(0.9, 3), tolerance = 1e-12, label = lab)
      expect_identical(at$note, rep("no event yet", 3), label = lab)
      expect_identical(format(at)[[2]], rep("1.000", 3), label = lab)
    }
  }
  # a censoring before the first event: still no event, still no interval
  withr::local_options(smallsurv.limits_at_zero_se = "NA")
  d <- data.frame(t = c(1, 2, 3, 4), s = c(0, 0, 1, 1))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "log-log")
  expect_true(is.na(fit$lower[1]))
  at <- at_times(fit, c(1, 2.5), min.risk = 0, maturity = FALSE)
  expect_equal(at$estimate, c(1, 1), tolerance = 1e-12)
  expect_equal(at$conf.low, c(NA_real_, NA_real_))
  expect_equal(at$conf.high, c(NA_real_, NA_real_))
  expect_equal(at$n.risk, c(4, 2), tolerance = 1e-12)
  expect_equal(at$n.censor, c(1, 2), tolerance = 1e-12)
  expect_identical(at$note, c("no event yet", "no event yet"))
})

test_that("at_times() with strata: per-stratum follow-up, S = 0 and notes (hand-worked)", {
  fit <- km(Surv(t, s) ~ g, tiny_strata(), conf.type = "log")
  times <- c(0, 2, 3, 5, 6)
  at <- at_times(fit, times, min.risk = 2, maturity = FALSE)
  expect_named(at, c("strata", "time", "estimate", "std.error", "conf.low", "conf.high",
                     "n.risk", "n.event", "n.censor", "conf.type", "conf.level", "note"))
  expect_identical(at$strata, rep(c("g=a", "g=b"), each = 5))
  expect_equal(at$time, rep(times, 2), tolerance = 1e-12)
  Sa <- c(1, 3 / 4, 1 / 2, 1 / 2, NA)
  gwa <- c(0, 1 / 12, 1 / 4, 1 / 4, NA)
  Sb <- c(1, 0, NA, NA, NA)
  expect_equal(at$estimate, c(Sa, Sb), tolerance = 1e-12)
  # at S = 0 the Greenwood se is infinite: the se of S is undefined (NA)
  expect_equal(at$std.error, c(Sa * sqrt(gwa), 0, NA, NA, NA, NA), tolerance = 1e-12)
  z <- qnorm(0.975)
  expect_equal(at$conf.low[1:5], c(NA, Sa[2:4] * exp(-z * sqrt(gwa[2:4])), NA),
               tolerance = 1e-12)
  expect_equal(at$conf.high[1:5], c(NA, pmin(Sa[2:4] * exp(z * sqrt(gwa[2:4])), 1), NA),
               tolerance = 1e-12)
  # the log interval is undefined at S = 0
  expect_true(all(is.na(at$conf.low[7:10])))
  expect_true(all(is.na(at$conf.high[7:10])))
  expect_equal(at$n.risk, c(4, 3, 3, 1, 0, 3, 2, 0, 0, 0), tolerance = 1e-12)
  expect_equal(at$n.event, c(0, 1, 2, 2, 2, 0, 3, 3, 3, 3), tolerance = 1e-12)
  expect_equal(at$n.censor, c(0, 0, 1, 2, 2, 0, 0, 0, 0, 0), tolerance = 1e-12)
  expect_identical(at$note, c("no event yet", "", "", "only 1 at risk",
                              "after last follow-up (5)",
                              "no event yet", "", rep("after last follow-up (2)", 3)))
})

test_that("at_times() at time 0 includes events at time 0 (hand-worked)", {
  # induction failures are EFS events at time 0 (see rrall)
  d <- data.frame(t = c(0, 0, 1, 2, 3), s = c(1, 0, 1, 1, 0))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "log")
  at <- at_times(fit, c(0, 0.5, 1), min.risk = 0, maturity = FALSE)
  expect_equal(at$estimate, c(4 / 5, 4 / 5, 4 / 5 * 2 / 3), tolerance = 1e-12)
  expect_equal(at$std.error, at$estimate * sqrt(c(1 / 20, 1 / 20, 1 / 20 + 1 / 6)),
               tolerance = 1e-12)
  expect_equal(at$n.risk, c(5, 3, 3), tolerance = 1e-12)
  expect_equal(at$n.event, c(1, 1, 2), tolerance = 1e-12)
  expect_equal(at$n.censor, c(1, 1, 1), tolerance = 1e-12)
  expect_identical(at$note, c("", "", ""))
})

test_that("at_times(): min.risk decides the 'only k at risk' note", {
  fit <- km(Surv(t, s) ~ 1, tiny(), conf.type = "log-log")
  times <- c(0, 1.5, 3, 4)  # at risk 5, 4, 2, 1
  expect_identical(at_times(fit, times, min.risk = 0, maturity = FALSE)$note, c("no event yet", "", "", ""))
  expect_identical(at_times(fit, times, min.risk = 2, maturity = FALSE)$note, c("no event yet", "", "", "only 1 at risk"))
  expect_identical(at_times(fit, times, min.risk = 4.5, maturity = FALSE)$note,
                   c("no event yet", "only 4 at risk", "only 2 at risk", "only 1 at risk"))
  # few at risk outranks "no event yet"
  expect_identical(at_times(fit, times, min.risk = 6, maturity = FALSE)$note,
                   c("only 5 at risk", "only 4 at risk", "only 2 at risk", "only 1 at risk"))
  # the note never changes the numbers
  a <- at_times(fit, times, min.risk = 0, maturity = FALSE)
  b <- at_times(fit, times, min.risk = 6, maturity = FALSE)
  expect_equal(a[setdiff(names(a), "note")], b[setdiff(names(b), "note")], tolerance = 1e-12)
})

test_that("at_times() keeps the order of `times`, repeats included", {
  fit <- km(Surv(t, s) ~ g, tiny_strata(), conf.type = "plain")
  times <- c(3, 0, 5, 1, 3, 2.5)
  a <- at_times(fit, times)
  b <- at_times(fit, sort(times))
  expect_equal(a$time, rep(times, 2), tolerance = 1e-12)
  o <- c(order(times), length(times) + order(times))
  expect_equal(a[o, ], `rownames<-`(b, o), tolerance = 1e-12, ignore_attr = TRUE)
})

test_that("at_times() with conf.type = 'none' gives NA limits and weighted counts", {
  fit <- km(Surv(t, s) ~ 1, tiny(), conf.type = "none")
  at <- at_times(fit, c(0, 2, 4))
  expect_equal(at$estimate, c(1, 3 / 5, 3 / 10), tolerance = 1e-12)
  expect_true(all(is.na(at$conf.low)) && all(is.na(at$conf.high)))
  expect_identical(at$conf.type, rep("none", 3))
  # integer case weights count as weighted numbers of subjects
  dw <- data.frame(t = c(1, 2, 3), s = c(1, 0, 1), w = c(2, 1, 1))
  fw <- km(Surv(t, s) ~ 1, dw, weights = w, conf.type = "plain")
  at <- at_times(fw, c(0, 1, 2, 2.5, 3, 3.5), min.risk = 0)
  expect_equal(at$estimate, c(1, 1 / 2, 1 / 2, 1 / 2, 0, NA), tolerance = 1e-12)
  expect_equal(at$n.risk, c(4, 4, 2, 1, 1, 0), tolerance = 1e-12)
  expect_equal(at$n.event, c(0, 2, 2, 2, 3, 3), tolerance = 1e-12)
  expect_equal(at$n.censor, c(0, 0, 1, 1, 1, 1), tolerance = 1e-12)
  expect_equal(at$std.error[1:4], c(0, 1 / 2 * sqrt(2 / 8), 1 / 2 * sqrt(2 / 8),
                                    1 / 2 * sqrt(2 / 8)), tolerance = 1e-12)
})

test_that("at_times() refuses bad `times`, `min.risk` and fits not from km()", {
  fit <- km(Surv(t, s) ~ 1, tiny())
  expect_error(at_times(fit, -1), "`times` must not contain negative times; got -1")
  expect_error(at_times(fit, c(1, -2, -3)), "`times` must not contain negative times; got c\\(-2, -3\\)")
  expect_error(at_times(fit, c(1, NA)), "`times` must be a non-empty numeric vector of finite times")
  expect_error(at_times(fit, NA), "`times` must be a non-empty numeric vector")
  expect_error(at_times(fit, "3"), "`times` must be a non-empty numeric vector of finite times; got \"3\"")
  expect_error(at_times(fit, numeric(0)), "`times` must be a non-empty numeric vector")
  expect_error(at_times(fit, Inf), "`times` must be a non-empty numeric vector of finite times")
  expect_error(at_times(fit), "times")
  expect_error(at_times(fit, 1, min.risk = -1), "`min.risk` must be a single non-negative number")
  expect_error(at_times(fit, 1, min.risk = NA), "`min.risk` must be a single non-negative number")
  expect_error(at_times(fit, 1, min.risk = c(1, 2)), "`min.risk` must be a single non-negative number")
  ref <- survival::survfit(Surv(t, s) ~ 1, tiny())
  expect_error(at_times(ref, 1), "`fit` must be a fit from km\\(\\), cif\\(\\) or multistate\\(\\); got an object of class survfit\\.")
  expect_error(at_times(tiny(), 1), "`fit` must be a fit from km\\(\\), cif\\(\\) or multistate\\(\\); got an object of class data.frame")
  expect_error(at_times(list(), 1), "got an object of class list")
})

# ---- at_times(): live comparison with summary(survfit, times =) ---------------

at_cases <- function() {
  lung <- survival::lung
  dw <- sim_surv(30, seed = 7, strata = 1, weights = "real")
  di <- sim_surv(25, seed = 21, ties = "heavy", strata = 1, weights = "integer")
  de <- sim_surv(30, seed = 8, ties = "heavy", strata = 1, entry = TRUE)
  dn <- sim_surv(40, seed = 22, ties = "near", strata = 2)
  list(
    single = fit_pair(Surv(time, status) ~ 1, lung, conf.type = "log-log"),
    strata = fit_pair(Surv(time, status) ~ sex, lung, conf.type = "log"),
    aml = fit_pair(Surv(time, status) ~ x, survival::aml, conf.type = "plain", conf.level = 0.9),
    robust = fit_pair(Surv(time, status) ~ g, dw, conf.type = "arcsin", weighted = TRUE),
    integer_weights = fit_pair(Surv(time, status) ~ g, di, conf.type = "logit", weighted = TRUE),
    entry = fit_pair(Surv(start, time, status) ~ g, de, conf.type = "log-log"),
    near_ties = fit_pair(Surv(time, status) ~ g + h, dn, conf.type = "log", conf.level = 0.99),
    # events at time 0 (induction failures)
    rrall_efs = fit_pair(Surv(efs_time, efs_status) ~ dose, smallsurv::rrall, conf.type = "log-log")
  )
}

# Times for a comparison, sorted as summary() sorts them: 0, every observed
# time, midpoints between them, and some past the end.
at_grid <- function(ref) {
  tt <- sort(unique(ref$time))
  sort(unique(c(0, tt, (tt[-1] + tt[-length(tt)]) / 2, max(tt) * c(1.01, 2))))
}

test_that("at_times() equals summary(survfit, times =) within follow-up", {
  for (nm in names(at_cases())) {
    p <- at_cases()[[nm]]
    times <- at_grid(p$ref)
    at <- at_times(p$fit, times, min.risk = 0)
    if (is.null(at$strata)) at$strata <- "all"
    s <- summary(p$ref, times = times)  # extend = FALSE: only times within follow-up
    key_s <- paste(if (is.null(s$strata)) "all" else as.character(s$strata), s$time)
    inside <- !startsWith(at$note, "after last follow-up")
    a <- at[inside, ]
    key_a <- paste(a$strata, a$time)
    expect_identical(key_a, key_s, label = paste(nm, "rows within follow-up"))
    expect_equal(a$estimate, s$surv, tolerance = 1e-10, label = paste(nm, "estimate"))
    expect_equal(a$n.risk, s$n.risk, tolerance = 1e-10, label = paste(nm, "n.risk"))
    # summary's std.err is on the probability scale (NaN at S = 0, NA here)
    expect_equal(a$std.error, s$std.err, tolerance = 1e-10, label = paste(nm, "std.error"))
    # summary counts events and censorings per interval; at_times() cumulatively
    grp <- factor(a$strata, levels = unique(a$strata))
    expect_equal(a$n.event, unlist(lapply(split(s$n.event, grp), cumsum), use.names = FALSE),
                 tolerance = 1e-10, label = paste(nm, "n.event"))
    expect_equal(a$n.censor, unlist(lapply(split(s$n.censor, grp), cumsum), use.names = FALSE),
                 tolerance = 1e-10, label = paste(nm, "n.censor"))
    below1 <- s$surv < 1
    expect_equal(a$conf.low[below1], s$lower[below1], tolerance = 1e-10,
                 label = paste(nm, "conf.low"))
    expect_equal(a$conf.high[below1], s$upper[below1], tolerance = 1e-10,
                 label = paste(nm, "conf.high"))
    # past the end of its stratum: NA, nobody at risk, the totals of the stratum
    out <- at[!inside, ]
    expect_gt(nrow(out), 0)
    expect_true(all(is.na(out$estimate) & is.na(out$std.error) & is.na(out$conf.low) &
                      is.na(out$conf.high)), label = paste(nm, "NA after follow-up"))
    expect_equal(out$n.risk, rep(0, nrow(out)), tolerance = 1e-12)
    ends <- summary(p$ref, times = times, extend = TRUE)
    ekey <- paste(if (is.null(ends$strata)) "all" else as.character(ends$strata), ends$time)
    egrp <- factor(if (is.null(ends$strata)) rep("all", length(ends$time)) else
      as.character(ends$strata), levels = unique(at$strata))
    cum_ev <- unlist(lapply(split(ends$n.event, egrp), cumsum), use.names = FALSE)
    cum_ce <- unlist(lapply(split(ends$n.censor, egrp), cumsum), use.names = FALSE)
    m <- match(paste(out$strata, out$time), ekey)
    expect_equal(out$n.event, cum_ev[m], tolerance = 1e-10, label = paste(nm, "total events"))
    expect_equal(out$n.censor, cum_ce[m], tolerance = 1e-10, label = paste(nm, "total censored"))
    # the note names the last follow-up time of the stratum (4 significant
    # digits)
    last <- tapply(p$ref$time, rep(seq_along(unique(at$strata)),
                                   if (is.null(p$ref$strata)) length(p$ref$time) else p$ref$strata),
                   max)
    k <- match(out$strata, unique(at$strata))
    expect_identical(out$note, paste0("after last follow-up (",
                                      vapply(signif(last[k], 4), format, character(1)), ")"))
  }
})

test_that("at_times() at exact event times includes the event", {
  for (ct in c("log", "log-log")) {
    p <- fit_pair(Surv(time, status) ~ 1, survival::aml, conf.type = ct)
    ev <- unique(p$ref$time[p$ref$n.event > 0])
    at <- at_times(p$fit, ev)
    sm <- summary(p$ref, times = ev)
    expect_equal(at$estimate, sm$surv, tolerance = 1e-10)
    expect_equal(at$conf.low, sm$lower, tolerance = 1e-10)
    # just before each event time the estimate is higher and the event not counted
    before <- at_times(p$fit, ev - 1e-6)
    expect_true(all(at$estimate < before$estimate))
    expect_equal(at$n.event - before$n.event, p$ref$n.event[p$ref$n.event > 0],
                 tolerance = 1e-12)
    expect_equal(at$n.risk, before$n.risk, tolerance = 1e-12)
  }
})

# ---- tidy() ----------------------------------------------------------------------

test_that("tidy() gives one row per time of the fit (hand-worked)", {
  fit <- km(Surv(t, s) ~ 1, tiny(), conf.type = "log")
  td <- tidy(fit)
  expect_named(td, c("time", "n.risk", "n.event", "n.censor", "estimate", "std.error",
                     "conf.high", "conf.low"))
  S <- c(4 / 5, 3 / 5, 3 / 10, 3 / 10)
  gw <- c(1 / 20, 2 / 15, 19 / 30, 19 / 30)
  z <- qnorm(0.975)
  expect_equal(td$time, c(1, 2, 3, 4), tolerance = 1e-12)
  expect_equal(td$n.risk, c(5, 4, 2, 1), tolerance = 1e-12)
  expect_equal(td$n.event, c(1, 1, 1, 0), tolerance = 1e-12)
  expect_equal(td$n.censor, c(0, 1, 0, 1), tolerance = 1e-12)
  expect_equal(td$estimate, S, tolerance = 1e-12)
  expect_equal(td$std.error, sqrt(gw), tolerance = 1e-12)  # broom's: se of -log S
  expect_equal(td$conf.low, S * exp(-z * sqrt(gw)), tolerance = 1e-12)
  expect_equal(td$conf.high, pmin(S * exp(z * sqrt(gw)), 1), tolerance = 1e-12)

  fs <- km(Surv(t, s) ~ g, tiny_strata(), conf.type = "none")
  ts <- tidy(fs)
  expect_identical(ts$strata, c("g=a", "g=a", "g=a", "g=b", "g=b"))
  expect_equal(ts$estimate, c(3 / 4, 1 / 2, 1 / 2, 2 / 3, 0), tolerance = 1e-12)
  expect_equal(ts$std.error, c(sqrt(1 / 12), sqrt(1 / 4), sqrt(1 / 4), sqrt(1 / 6), Inf),
               tolerance = 1e-12)
  expect_true(all(is.na(ts$conf.low)) && all(is.na(ts$conf.high)))
})

test_that("tidy() is broom's tidy.survfit() table: names, order, meaning, values", {
  skip_if_not_installed("broom")
  for (nm in names(at_cases())) {
    p <- at_cases()[[nm]]
    if (is.null(p$ref$lower)) next  # broom errors on fits without a band
    a <- tidy(p$fit)
    b <- as.data.frame(broom::tidy(p$ref))
    expect_identical(names(a), names(b), label = nm)
    for (k in names(b)) {
      if (is.numeric(b[[k]])) {
        expect_equal(a[[k]], as.double(b[[k]]), tolerance = 1e-10, label = paste(nm, k))
      } else {
        expect_identical(as.character(a[[k]]), as.character(b[[k]]), label = paste(nm, k))
      }
    }
  }
})

test_that("tidy() equals the survfit object's components", {
  for (nm in names(at_cases())) {
    p <- at_cases()[[nm]]
    ref <- p$ref
    td <- tidy(p$fit)
    expect_equal(nrow(td), length(ref$time), tolerance = 1e-12, label = nm)
    if (is.null(ref$strata)) {
      expect_false("strata" %in% names(td))
    } else {
      expect_identical(td$strata, rep(names(ref$strata), ref$strata), label = nm)
    }
    expect_equal(td$time, ref$time, tolerance = 1e-12, label = nm)
    expect_equal(td$n.risk, ref$n.risk, tolerance = 1e-10, label = nm)
    expect_equal(td$n.event, ref$n.event, tolerance = 1e-10, label = nm)
    expect_equal(td$n.censor, ref$n.censor, tolerance = 1e-10, label = nm)
    expect_equal(td$estimate, ref$surv, tolerance = 1e-10, label = nm)
    expect_equal(td$std.error, ref$std.err, tolerance = 1e-10, label = paste(nm, "std.error"))
    expect_equal(td$conf.low, ref$lower, tolerance = 1e-10, label = nm)
    expect_equal(td$conf.high, ref$upper, tolerance = 1e-10, label = nm)
  }
  # robust fits: std.err is already the se of S
  p <- at_cases()$robust
  expect_false(p$ref$logse)
  expect_equal(tidy(p$fit)$std.error, p$ref$std.err, tolerance = 1e-10)
})

# ---- glance() ---------------------------------------------------------------------

test_that("glance() gives n, events and the median per curve (hand-worked)", {
  fit <- km(Surv(t, s) ~ 1, tiny(), conf.type = "plain")
  gl <- glance(fit)
  expect_named(gl, c("n", "events", "median", "conf.low", "conf.high", "conf.type",
                     "conf.level"))
  expect_equal(gl$n, 5, tolerance = 1e-12)
  expect_equal(gl$events, 3, tolerance = 1e-12)
  # S = 4/5, 3/5, 3/10: first time with S <= 1/2 is 3
  expect_equal(gl$median, 3, tolerance = 1e-12)
  expect_identical(gl$conf.type, "plain")

  fs <- km(Surv(t, s) ~ g, tiny_strata(), conf.type = "none", conf.level = 0.8)
  gs <- glance(fs)
  expect_identical(gs$strata, c("g=a", "g=b"))
  expect_equal(gs$n, c(4, 3), tolerance = 1e-12)
  expect_equal(gs$events, c(2, 3), tolerance = 1e-12)
  # a: S = 3/4, then exactly 1/2 from 3 to the end (5): survfit's rule for a
  # curve flat at the quantile takes the midpoint, (3 + 5) / 2 = 4; b: 2/3, 0 -> 2
  expect_equal(gs$median, c(4, 2), tolerance = 1e-12)
  expect_true(all(is.na(gs$conf.low)) && all(is.na(gs$conf.high)))
  expect_identical(gs$conf.type, c("none", "none"))
  expect_equal(gs$conf.level, c(0.8, 0.8), tolerance = 1e-12)
})

test_that("glance() equals survfit's quantile() and table", {
  cases <- at_cases()
  cases$none <- fit_pair(Surv(time, status) ~ x, survival::aml, conf.type = "none")
  for (nm in names(cases)) {
    p <- cases[[nm]]
    gl <- glance(p$fit)
    q <- quantile(p$ref, probs = 0.5)
    tab <- summary(p$ref)$table
    if (is.null(dim(tab))) tab <- t(tab)
    expect_equal(nrow(gl), nrow(tab), tolerance = 1e-12, label = nm)
    if (is.null(p$ref$strata)) {
      expect_false("strata" %in% names(gl))
    } else {
      expect_identical(gl$strata, names(p$ref$strata), label = nm)
    }
    # n counts observations (records), also for weighted fits
    expect_equal(gl$n, unname(tab[, "records"]), tolerance = 1e-12, label = paste(nm, "n"))
    expect_equal(gl$events, unname(tab[, "events"]), tolerance = 1e-10, label = paste(nm, "events"))
    if (p$ref$conf.type == "none") {
      expect_equal(gl$median, as.vector(q), tolerance = 1e-10, label = paste(nm, "median"))
      expect_true(all(is.na(gl$conf.low)) && all(is.na(gl$conf.high)))
    } else {
      expect_equal(gl$median, as.vector(q$quantile), tolerance = 1e-10, label = paste(nm, "median"))
      expect_equal(gl$conf.low, as.vector(q$lower), tolerance = 1e-10, label = paste(nm, "lower"))
      expect_equal(gl$conf.high, as.vector(q$upper), tolerance = 1e-10, label = paste(nm, "upper"))
    }
    expect_identical(gl$conf.type, rep(p$ref$conf.type, nrow(gl)))
    expect_equal(gl$conf.level, rep(p$ref$conf.int, nrow(gl)), tolerance = 1e-12)
  }
})

# ---- print() -----------------------------------------------------------------------

test_that("print() returns its argument invisibly", {
  fit <- km(Surv(time, status) ~ x, survival::aml)
  out <- NULL
  utils::capture.output(out <- withVisible(print(fit)))
  expect_false(out$visible)
  expect_identical(out$value, fit)
  # survival's table, with NA limits written "not reached"
  tab <- smallsurv:::median_table(fit)
  y <- fit
  class(y) <- "survfit"
  ref <- summary(y, rmean = "none")$table
  # a median or limit past the maturity time is marked "*" (tested below)
  num <- suppressWarnings(matrix(as.numeric(sub("*", "", tab, fixed = TRUE)), nrow(tab)))
  expect_equal(num, unname(ref[, -c(1, 2)]), tolerance = 1e-3)
  expect_identical(is.na(num), is.na(unname(ref[, -c(1, 2)])))
  expect_identical(tab[is.na(num)], rep("not reached", sum(is.na(num))))
})

test_that("print() of a subset fit[k] names the same interval and variance as the fit", {
  # survival's `[.survfit` keeps the class; the header must still be right
  header <- function(x) utils::head(utils::capture.output(print(x)), 3)
  fit <- km(Surv(time, status) ~ x, survival::aml, conf.type = "log", conf.level = 0.9)
  expect_identical(header(fit[1]), header(fit))
  expect_identical(header(fit["x=Nonmaintained"]), header(fit))
  robust <- km(Surv(time, status) ~ x, aml_weighted(), weights = w)
  expect_identical(header(robust[2]), header(robust))
  expect_match(header(robust[2])[3], "infinitesimal jackknife", fixed = TRUE)
})

test_that("print() counts the rows removed by na.action", {
  d <- survival::aml
  d$x[3] <- NA
  expect_output(print(km(Surv(time, status) ~ x, d)), "\n1 row removed by na.action")
  d$time[c(5, 9)] <- NA
  expect_output(print(km(Surv(time, status) ~ x, d)), "\n3 rows removed by na.action")
  out <- utils::capture.output(print(km(Surv(time, status) ~ x, survival::aml)))
  expect_false(any(grepl("removed", out)))
})

test_that("print() output (snapshots)", {
  aml <- survival::aml
  expect_snapshot(print(km(Surv(time, status) ~ x, data = aml)))
  aml_na <- aml
  aml_na$x[c(2, 5)] <- NA
  expect_snapshot(print(km(Surv(time, status) ~ x, data = aml_na)))
  expect_snapshot(print(km(Surv(time, status) ~ x, data = aml, conf.type = "none")))
  aml_w <- aml_weighted()
  expect_snapshot(print(km(Surv(time, status) ~ 1, data = aml_w, weights = w,
                           conf.type = "log", conf.level = 0.9)))
})

test_that("at_times() error messages (snapshots)", {
  fit <- km(Surv(time, status) ~ x, survival::aml)
  expect_snapshot(at_times(fit, c(3, -1, -2)), error = TRUE)
  expect_snapshot(at_times(fit, c(3, NA)), error = TRUE)
  expect_snapshot(at_times(fit, "6"), error = TRUE)
  expect_snapshot(at_times(survival::survfit(Surv(time, status) ~ x, survival::aml), 3),
                  error = TRUE)
})
