# maturity(): hand-worked tables, each rule firing, cif fits, the at_times()
# note and the curtailed plots.

# 10 subjects; distinct times 1..9, ties at 2 (one event, one censored).
# Rows (n at risk, events): 1 (10,1) 2 (9,1) 3 (7,1) 4 (6,0) 5 (5,1) 6 (4,0)
# 7 (3,1) 8 (2,1) 9 (1,0). S: 9/10, 4/5, 24/35, 24/35, 96/175, 96/175,
# 64/175, 32/175, 32/175.
hand <- data.frame(time = c(1, 2, 2, 3, 4, 5, 6, 7, 8, 9),
                   status = c(1, 1, 0, 1, 0, 1, 0, 1, 1, 0))

test_that("hand-worked table: counts, fraction at risk and the one-more-event drop", {
  fit <- km(Surv(time, status) ~ 1, data = hand)
  m <- maturity(fit, times = c(0, 2.5, 5, 10))
  tab <- as.data.frame(m)
  expect_named(tab, c("time", "n.risk", "n.event", "n.censor", "fraction", "drop", "readable"))
  expect_equal(tab$n.risk, c(10, 7, 5, 0))
  expect_equal(tab$n.event, c(0, 2, 4, 6))
  expect_equal(tab$n.censor, c(0, 1, 2, 4))
  expect_equal(tab$fraction, c(1, 0.7, 0.5, 0), tolerance = 1e-12)
  # S(t-) / n(t): 1/10, S(2)/7, S(4)/5, and Inf with nobody at risk
  expect_equal(tab$drop, c(1 / 10, (4 / 5) / 7, (24 / 35) / 5, Inf), tolerance = 1e-12)
  # default rules (min.risk 5, min.fraction 0.1): row 6 has 4 at risk
  expect_equal(m$limits$time, 5)
  expect_identical(m$limits$rule, "n.risk < 5")
  expect_equal(m$limits$n.risk, 4)
  expect_equal(m$limits$drop, (96 / 175) / 4, tolerance = 1e-12)
  expect_equal(m$limits$last, 9)
  expect_identical(tab$readable, c(TRUE, TRUE, TRUE, FALSE))
})

test_that("each rule fires on its own, together, at time 0, or never", {
  fit <- km(Surv(time, status) ~ 1, data = hand)
  lim <- function(...) maturity(fit, ...)$limits[c("time", "rule")]
  # drop: rows' S(t-)/n: .1 .1 .114 .114 .137 .137 .183 ...
  expect_equal(lim(min.risk = NULL, min.fraction = NULL, max.drop = 0.15),
               data.frame(time = 6, rule = "drop > 0.15"))
  expect_equal(maturity(fit, min.risk = NULL, min.fraction = NULL, max.drop = 0.15)$limits$drop,
               (96 / 175) / 3, tolerance = 1e-12)
  expect_equal(lim(min.risk = NULL, min.fraction = 0.5),
               data.frame(time = 5, rule = "n.risk < 50% of n"))
  expect_equal(lim(min.risk = 5, min.fraction = 0.5),
               data.frame(time = 5, rule = "n.risk < 5, n.risk < 50% of n"))
  expect_equal(lim(min.risk = 3), data.frame(time = 7, rule = "n.risk < 3"))
  expect_equal(lim(min.risk = 11), data.frame(time = 0, rule = "n.risk < 11"))
  expect_equal(lim(min.risk = NULL, min.fraction = NULL),
               data.frame(time = 9, rule = "none"))
  expect_equal(lim(min.risk = 1, min.fraction = 0.1), data.frame(time = 9, rule = "none"))
  expect_error(maturity(fit, min.fraction = 2), "`min.fraction`")
  expect_error(maturity(fit, min.risk = -1), "`min.risk`")
  expect_error(maturity(fit, max.drop = "a"), "`max.drop`")
  expect_error(maturity(list()), "km\\(\\), cif\\(\\) or multistate\\(\\)")
})

test_that("strata get their own maturity time; print states the rules", {
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  m <- maturity(fit, times = seq(0, 15, 3), max.drop = 0.2)
  expect_identical(m$limits$strata, c("dose=DL1", "dose=DL2"))
  # per stratum, the maturity time is the last row before the first breach
  for (k in 1:2) {
    rows <- fit[k]
    nr <- rows$n.risk
    sprev <- c(1, rows$surv)[seq_along(nr)]
    bad <- nr < 5 | nr / rows$n < 0.1 | sprev / nr > 0.2
    j <- which(bad)[1]
    expect_equal(m$limits$time[k], if (j == 1) 0 else rows$time[j - 1])
  }
  expect_snapshot(print(m))
})

test_that("a cif fit uses the all-cause event-free probability: same limits as its km", {
  set.seed(4)
  n <- 30
  d <- data.frame(time = round(stats::rexp(n), 2) + 0.01, st = sample(0:2, n, TRUE),
                  g = rep(c("a", "b"), 15))
  d$ev <- factor(d$st, 0:2, c("censored", "relapse", "death"))
  cf <- cif(Surv(time, ev) ~ g, data = d)
  k <- km(Surv(time, st > 0) ~ g, data = d)
  for (rules in list(list(), list(max.drop = 0.12), list(min.risk = 8, min.fraction = NULL))) {
    mc <- do.call(maturity, c(list(cf, times = c(0, 0.5, 1, 2)), rules))
    mk <- do.call(maturity, c(list(k, times = c(0, 0.5, 1, 2)), rules))
    expect_equal(mc$limits, mk$limits, tolerance = 1e-12)
    expect_equal(mc$table, mk$table, tolerance = 1e-12)
    expect_identical(mc$type, "cif")
  }
  # the rise one more event of a cause would cause is exactly S(t-)/n(t)
  # (one censored subject after t becomes a relapse at t instead)
  d2 <- d[d$g == "a", ]
  cf2 <- cif(Surv(time, ev) ~ 1, data = d2)
  j <- which(cf2$n.event[, 2] > 0)[2]
  t <- cf2$time[j]
  later <- which(d2$time > t & d2$ev == "censored")[1]
  skip_if(is.na(later))
  d4 <- d2
  d4$time[later] <- t
  d4$ev[later] <- "relapse"
  cf4 <- cif(Surv(time, ev) ~ 1, data = d4)
  mt <- maturity(cf2, times = t)
  expect_equal(unname(cf4$pstate[j, 2] - cf2$pstate[j, 2]), mt$table$drop, tolerance = 1e-12)
})

test_that("at_times() flags estimates past maturity, with an object or a list of rules", {
  fit <- km(Surv(time, status) ~ 1, data = hand)
  m <- maturity(fit)
  a <- at_times(fit, c(4, 5, 5.5, 10), maturity = m)
  expect_identical(a$note, c("", "", "only 4 at risk; past maturity (5; n.risk < 5)",
                             "after last follow-up (9)"))
  b <- at_times(fit, c(4, 5, 5.5, 10), min.risk = 0,
                maturity = list(min.risk = NULL, min.fraction = NULL, max.drop = 0.15))
  expect_identical(b$note, c("", "", "", "after last follow-up (9)"))
  b <- at_times(fit, c(6, 6.5), min.risk = 0, maturity = list(min.risk = NULL, max.drop = 0.15))
  expect_identical(b$note, c("", "past maturity (6; drop > 0.15)"))
  # estimates are unchanged; maturity()'s default rules are at_times()'s default
  expect_equal(a[names(a) != "note"], at_times(fit, c(4, 5, 5.5, 10))[names(a) != "note"])
  expect_identical(at_times(fit, c(4, 5, 5.5, 10)), a)
  expect_identical(at_times(fit, c(4, 5, 5.5, 10), maturity = FALSE)$note,
                   c("", "", "only 4 at risk", "after last follow-up (9)"))
  expect_error(at_times(fit, 1, maturity = list(foo = 1)), "list of rules")
  other <- maturity(km(Surv(efs_time, efs_status) ~ dose, data = rrall))
  expect_error(at_times(fit, 1, maturity = other), "other curves")
  # cif fits: every state gets the note
  d <- hand
  d$ev <- factor(c(1, 2, 0, 1, 0, 2, 0, 1, 1, 0), 0:2, c("cens", "relapse", "death"))
  cf <- cif(Surv(time, ev) ~ 1, data = d)
  ac <- at_times(cf, c(5, 5.5), maturity = maturity(cf))
  expect_identical(ac$note[ac$time == 5.5],
                   rep("only 4 at risk; past maturity (5; n.risk < 5)", 3))
  expect_identical(ac$note[ac$time == 5 & ac$state == "(s0)"], "")
})

test_that("plots of km and cif fits draw dashed or stopped curves past maturity", {
  grDevices::pdf(NULL, width = 8, height = 8)
  on.exit(grDevices::dev.off())
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  m <- maturity(fit)
  expect_no_error(plot(fit, maturity = m))
  expect_no_error(plot(fit, maturity = list(min.risk = 3), beyond = "stop"))
  expect_error(plot(fit, maturity = m, beyond = "hide"), "should be one of")
  d <- hand
  d$ev <- factor(c(1, 2, 0, 1, 0, 2, 0, 1, 1, 0), 0:2, c("cens", "relapse", "death"))
  cf <- cif(Surv(time, ev) ~ 1, data = d)
  expect_no_error(plot(cf, maturity = maturity(cf)))
  expect_no_error(plot(cf, maturity = list(max.drop = 0.15), beyond = "stop"))
  # the step function split at the maturity time, with and without a band
  tt <- c(0, 1, 2, 3)
  ss <- c(1, 0.8, 0.6, 0.5)
  graphics::plot(NA, xlim = c(0, 3), ylim = c(0, 1))
  expect_no_error(smallsurv:::draw_step_curve(tt, ss, tt * 0, ss, "black", 1, 1.5, "dashed", 0.2))
  expect_no_error(smallsurv:::draw_step_curve(tt, ss, NULL, NULL, "black", 1, 0, "stop", 0.2))
})

test_that("a fit whose only time is 0 (an induction failure) prints and tabulates", {
  f <- km(Surv(t, s) ~ 1, data.frame(t = 0, s = 1))
  expect_identical(maturity(f)$table$time, 0)
  expect_output(print(f), "n events")
  expect_equal(glance(f)$events, 1)
  expect_equal(at_times(f, 0)$estimate, 0)
  expect_identical(quantile_table(f, 0.5)$note, "")
})
