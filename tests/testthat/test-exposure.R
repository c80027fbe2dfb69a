# Time-dependent exposures: the Mantel-Byar test against a by-hand
# computation and coxph's score test, Simon-Makuch curves against survfit on
# the counting-process rows, landmark analyses against km()/logrank_test()
# on the landmark data built by hand.

# O - E and the hypergeometric variance for the exposed, summed over the
# distinct event times, risk sets (start, stop] -- written independently of
# the package, one event time at a time.
mantel_byar_by_hand <- function(start, stop, event, x) {
  o_e <- 0
  v <- 0
  for (t in sort(unique(stop[event == 1]))) {
    risk <- start < t & stop >= t
    n <- sum(risk)
    n1 <- sum(risk & x == 1)
    d <- sum(risk & stop == t & event == 1)
    d1 <- sum(risk & stop == t & event == 1 & x == 1)
    o_e <- o_e + d1 - d * n1 / n
    if (n > 1) v <- v + d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
  }
  c(o_e = o_e, var = v, chisq = o_e^2 / v)
}

test_that("Mantel-Byar on jasa1 equals the by-hand statistic and coxph's exact score test", {
  j <- survival::jasa1
  mb <- mantel_byar_test(Surv(start, stop, event) ~ transplant, data = j, id = id)
  ref <- mantel_byar_by_hand(j$start, j$stop, j$event, j$transplant)
  expect_s3_class(mb, c("smallsurv_mantel_byar", "smallsurv_logrank"))
  expect_equal(unname(mb$observed[2] - mb$expected[2]), unname(ref["o_e"]), tolerance = 1e-10)
  expect_equal(mb$var[2, 2], unname(ref["var"]), tolerance = 1e-10)
  expect_equal(mb$statistic, unname(ref["chisq"]), tolerance = 1e-10)
  # ties: the exact partial likelihood's score test has the hypergeometric
  # variance; Breslow's approximation does not
  cx <- survival::coxph(Surv(start, stop, event) ~ transplant, data = j, ties = "exact")
  expect_equal(mb$statistic, cx$score, tolerance = 1e-8)
  cb <- survival::coxph(Surv(start, stop, event) ~ transplant, data = j, ties = "breslow")
  expect_gt(abs(mb$statistic - cb$score), 1e-5)
  # patients, not rows; switches counted
  expect_identical(mb$n.patients, length(unique(j$id)))
  expect_identical(mb$n.switched, sum(duplicated(j$id)))
  expect_equal(unname(mb$n), c(length(unique(j$id[j$transplant == 0])),
                               length(unique(j$id[j$transplant == 1]))))
  expect_identical(mb$p.value, mb$p.value.asymptotic)
  expect_identical(mb$p.value.method, "asymptotic chi-square")
  expect_true(is.na(mb$permutation$statistic))
  out <- utils::capture.output(print(mb))
  expect_match(out[1], "103 patients, 67 moved from transplant=0 to transplant=1", fixed = TRUE)
  expect_true(any(grepl("not valid: the exposure depends on surviving until it", out,
                        fixed = TRUE)))
})

test_that("without tied event times Mantel-Byar is coxph's score test (any ties method)", {
  for (seed in 1:15) {
    d <- with_seed_local(seed, {
      n <- 30
      t_ev <- rexp(n, 0.1)
      t_ex <- ifelse(runif(n) < 0.5, runif(n, 0, 1) * t_ev, NA)
      data.frame(id = seq_len(n), t_ev = t_ev, t_ex = t_ex, ev = rbinom(n, 1, 0.8))
    })
    long <- survival::tmerge(d[c("id", "ev")], d, id = id, death = event(t_ev, ev))
    long <- survival::tmerge(long, d, id = id, hsct = tdc(t_ex))
    long$hsct[is.na(long$hsct)] <- 0
    mb <- mantel_byar_test(Surv(tstart, tstop, death) ~ hsct, data = long, id = id)
    ref <- mantel_byar_by_hand(long$tstart, long$tstop, long$death, long$hsct)
    expect_equal(mb$statistic, unname(ref["chisq"]), tolerance = 1e-10)
    if (length(unique(long$tstop[long$death == 1])) == sum(long$death == 1)) {
      for (ties in c("breslow", "efron")) {
        cx <- survival::coxph(Surv(tstart, tstop, death) ~ hsct, data = long, ties = ties)
        expect_equal(mb$statistic, cx$score, tolerance = 1e-8, info = paste(seed, ties))
      }
    }
  }
})

test_that("Mantel-Byar: bad data get errors naming the patients; few events are flagged", {
  d <- data.frame(id = c(1, 1, 2, 3, 3), start = c(0, 2, 0, 0, 4), stop = c(2, 5, 3, 4, 6),
                  status = c(0, 1, 1, 0, 0), x = c(0, 1, 0, 0, 1))
  expect_error(mantel_byar_test(Surv(start, stop, status) ~ x, data = d),
               "`id` is required")
  expect_error(mantel_byar_test(Surv(stop, status) ~ x, data = d, id = id),
               "counting-process data")
  bad <- d
  bad$start[2] <- 1
  expect_error(mantel_byar_test(Surv(start, stop, status) ~ x, data = bad, id = id),
               "overlap in time.*for id 1")
  bad <- d
  bad$status[1] <- 1
  expect_error(mantel_byar_test(Surv(start, stop, status) ~ x, data = bad, id = id),
               "rows after an event.*for id 1")
  bad <- d
  bad$x <- c(1, 0, 0, 0, 1)
  expect_error(mantel_byar_test(Surv(start, stop, status) ~ x, data = bad, id = id),
               "returns from 1 to 0 for id 1")
  bad <- d
  bad$x <- c(0, 2, 0, 0, 1)
  expect_error(mantel_byar_test(Surv(start, stop, status) ~ x, data = bad, id = id),
               "must be logical, 0/1")
  expect_error(mantel_byar_test(Surv(start, stop, status) ~ x + id, data = d, id = id),
               "exactly one exposure")
  # rows in any order; a factor or logical exposure gives the same test
  shuffled <- d[c(5, 2, 4, 1, 3), ]
  a <- mantel_byar_test(Surv(start, stop, status) ~ x, data = d, id = id)
  b <- mantel_byar_test(Surv(start, stop, status) ~ x, data = shuffled, id = id)
  expect_equal(b$statistic, a$statistic, tolerance = 1e-14)
  d$xl <- d$x == 1
  expect_equal(mantel_byar_test(Surv(start, stop, status) ~ xl, data = d, id = id)$statistic,
               a$statistic, tolerance = 1e-14)
  out <- utils::capture.output(print(a))
  expect_true(any(grepl("no exact or permutation version is valid for this test", out,
                        fixed = TRUE)))
})

test_that("Simon-Makuch curves equal survfit on the counting-process rows", {
  j <- survival::jasa1
  for (ct in c("log", "log-log", "plain")) {
    sm <- simon_makuch(Surv(start, stop, event) ~ transplant, data = j, id = id,
                       conf.type = ct)
    sf <- survival::survfit(Surv(start, stop, event) ~ transplant, data = j, conf.type = ct)
    for (k in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower", "upper")) {
      expect_equal(sm[[k]], sf[[k]], tolerance = 1e-12, info = paste(ct, k))
    }
    expect_identical(names(sm$strata), names(sf$strata))
  }
  expect_s3_class(sm, c("smallsurv_simon_makuch", "smallsurv_km", "survfit"))
  expect_identical(sm$call[[1L]], as.name("simon_makuch"))
  expect_error(simon_makuch(Surv(start, stop, event) ~ transplant, data = j, id = id,
                            conf.type = "nope"), "conf.type")
  expect_error(simon_makuch(Surv(start, stop, event) ~ transplant, data = j, id = id,
                            weights = age), "unused argument")
  expect_length(sm$switches, sum(duplicated(j$id)))
  expect_match(utils::capture.output(print(sm))[1], "103 patients, 67 switched", fixed = TRUE)
})

test_that("the Simon-Makuch risk table counts switches apart from censorings (hand-worked)", {
  # 1: unexposed (0, 2], exposed (2, 5] death; 2: unexposed (0, 3] death;
  # 3: unexposed (0, 4], exposed (4, 6] censored; 4: unexposed (0, 7] censored
  d <- data.frame(id = c(1, 1, 2, 3, 3, 4), start = c(0, 2, 0, 0, 4, 0),
                  stop = c(2, 5, 3, 4, 6, 7), status = c(0, 1, 1, 0, 0, 0),
                  x = c(0, 1, 0, 0, 1, 0))
  sm <- simon_makuch(Surv(start, stop, status) ~ x, data = d, id = id)
  expect_equal(sm$switches, c(2, 4))
  tab <- smallsurv:::add_switches(sm, at_times(sm, c(0, 3, 5, 7), min.risk = 0,
                                               maturity = FALSE))
  un <- tab[tab$strata == "x=0", ]
  ex <- tab[tab$strata == "x=1", ]
  # at risk at t itself (entry < t <= stop): unexposed, all 4 at 0; at 3
  # patients 2 (dies at 3), 3 and 4; at 5 and 7 patient 4 only
  expect_equal(un$n.risk, c(4, 3, 1, 1))
  # exposed: nobody at 0; at 3 only patient 1; at 5 patients 1 and 3
  expect_equal(ex$n.risk, c(0, 1, 2, 0))
  expect_equal(un$n.event, c(0, 1, 1, 1))
  expect_equal(un$n.moved, c(0, 1, 2, 2))
  expect_equal(un$n.censor, c(0, 0, 0, 1))  # only patient 4 is censored unexposed
  expect_equal(ex$n.event, c(0, 0, 1, 1))
  expect_equal(ex$n.censor, c(0, 0, 0, 1))
  # no censoring mark where a patient switched: only patient 4 (at 7) and
  # patient 3's exposed row (at 6) are censored
  cm <- smallsurv:::censor_marks(sm)
  expect_equal(sm$time[cm > 0], c(7, 6))
  expect_equal(sum(sm$n.censor), 4)
  # other fits pass through
  fit <- km(Surv(stop, status) ~ 1, d)
  expect_identical(smallsurv:::censor_marks(fit), fit$n.censor)
  a <- at_times(fit, 3)
  expect_identical(smallsurv:::add_switches(fit, a), a)
  # drawn: base and ggplot2 risk tables name the row
  pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  plot(sm, risk.table = TRUE)
  txt <- unlist(lapply(grDevices::recordPlot()[[1]],
                       function(e) Filter(is.character, as.list(e[[2]]))))
  expect_true("Switched" %in% txt)
  skip_if_not_installed("ggplot2")
  skip_if_no_patchwork()
  fig <- ggplot2::autoplot(sm)
  expect_s3_class(fig, "patchwork")
  expect_true("Switched" %in% fig[[2]]$data$row)
})

test_that("landmark(): the landmark table, the fits and the tests (hand-worked)", {
  d <- data.frame(time = c(1, 2, 4, 5, 6, 7, 8, 9, 10, 12),
                  status = c(1, 0, 1, 0, 1, 1, 0, 1, 0, 1),
                  ex = c(NA, NA, 1.5, 2, NA, 2.5, 4, NA, 1, NA))
  expect_warning(lm <- landmark(Surv(time, status) ~ 1, data = d, at = 3, exposure_time = ex),
                 "smaller than 5")
  expect_s3_class(lm, "smallsurv_landmark")
  # at 3: patients 1 (event) and 2 (censored) excluded; of the 8 left,
  # exposed by 3: 3, 4, 6, 9 (patient 7's exposure at 4 comes later)
  expect_equal(unlist(lm$table), c(landmark = 3, n = 10, excluded_event = 1,
                                   excluded_censored = 1, at_risk = 8, exposed = 4,
                                   not_exposed = 4))
  keep <- d$time > 3
  by_hand <- data.frame(time = d$time[keep] - 3, status = d$status[keep],
                        exposure = factor(ifelse(!is.na(d$ex[keep]) & d$ex[keep] <= 3,
                                                 "exposed", "not exposed"),
                                          c("not exposed", "exposed")))
  ref <- km(Surv(time, status) ~ exposure, data = by_hand)
  for (k in c("time", "surv", "lower", "upper", "n.risk")) {
    expect_equal(lm$fits[["3"]][[k]], ref[[k]], tolerance = 1e-12)
  }
  lr <- logrank_test(Surv(time, status) ~ exposure, data = by_hand)
  expect_equal(lm$tests[["3"]]$statistic, lr$statistic, tolerance = 1e-12)
  expect_equal(lm$tests[["3"]]$p.value, lr$p.value, tolerance = 1e-12)
  # a landmark where no one is exposed yet: one curve, no test
  lm0 <- suppressWarnings(landmark(Surv(time, status) ~ 1, data = d, at = 0.5,
                                   exposure_time = ex))
  expect_null(lm0$tests[["0.5"]])
  expect_null(lm0$fits[["0.5"]]$strata)
  expect_output(print(lm0), "no comparison (a group is empty)", fixed = TRUE)
  # competing risks: a factor status gives cif() and gray_test()
  d$event <- factor(c("relapse", "cens", "death", "cens", "relapse", "relapse", "cens",
                      "death", "cens", "relapse"), c("cens", "relapse", "death"))
  lmc <- suppressWarnings(landmark(Surv(time, event) ~ 1, data = d, at = 3,
                                   exposure_time = ex))
  expect_identical(lmc$type, "cif")
  by_hand$event <- d$event[keep]
  refc <- cif(Surv(time, event) ~ exposure, data = by_hand)
  expect_equal(lmc$fits[["3"]]$pstate, refc$pstate, tolerance = 1e-12)
  expect_s3_class(lmc$tests[["3"]], class(gray_test(Surv(time, event) ~ exposure,
                                                     data = by_hand)))
  # errors
  expect_error(landmark(Surv(time, status) ~ ex, data = d, at = 3, exposure_time = ex),
               "forms the groups itself")
  expect_error(landmark(Surv(time, status) ~ 1, data = d, at = 3), "`exposure_time` is required")
  expect_error(landmark(Surv(time, status) ~ 1, data = d, at = -1, exposure_time = ex), "`at`")
})

test_that("n = 1 and 2: no crash; undefined statistics are NA with the reason", {
  one <- data.frame(id = 1, tstart = 0, tstop = 5, death = 1, x = 0)
  expect_error(mantel_byar_test(Surv(tstart, tstop, death) ~ x, data = one, id = id),
               "every row is in one exposure state \\(x=0\\)")
  sm <- simon_makuch(Surv(tstart, tstop, death) ~ x, data = one, id = id)
  expect_equal(sm$surv, 0)
  two <- data.frame(id = c(1, 1, 2), tstart = c(0, 2, 0), tstop = c(2, 5, 4),
                    death = c(0, 1, 0), x = c(0, 1, 0))
  expect_warning(mb <- mantel_byar_test(Surv(tstart, tstop, death) ~ x, data = two, id = id),
                 "variance of the test is zero")
  expect_true(is.na(mb$statistic))
  expect_identical(mb$n.switched, 1L)
  # landmark: one patient left, exposed; an empty group gets no test and is
  # not named in the warning
  dd <- data.frame(t = c(5, 6), s = c(1, 0), e = c(NA, 0.5))
  expect_warning(lm <- landmark(Surv(t, s) ~ 1, data = dd, at = 1, exposure_time = e),
                 "'not exposed' \\(1 patient\\) and 'exposed' \\(1 patient\\)")
  expect_warning(lm6 <- landmark(Surv(t, s) ~ 1, data = dd, at = 5.5, exposure_time = e),
                 "the group 'exposed' \\(1 patient\\) is smaller than 5")
  expect_equal(lm6$table$exposed, 1)
  expect_null(lm6$tests[["5.5"]])
})

test_that("review cases: one curve, rows split without a switch, names with '=', missing values", {
  # nobody exposed, and everyone exposed from time 0: one curve, plots work
  d <- data.frame(id = 1:6, start = 0, stop = c(3, 5, 7, 9, 11, 13),
                  event = c(1, 0, 1, 1, 0, 1), x = 0)
  for (x in c(0, 1)) {
    d$x <- x
    sm <- simon_makuch(Surv(start, stop, event) ~ x, data = d, id = id)
    expect_null(sm$strata)
    pdf(NULL)
    expect_silent(tab <- plot(sm))
    grDevices::dev.off()
    expect_equal(tab$n.risk[tab$time == 0], 6)
    expect_equal(tab$n.censor, at_times(sm, tab$time, maturity = FALSE)$n.censor)
  }
  # a row split that is no switch (another time-dependent covariate) is no
  # censoring: patient 1's rows (0, 1], (1, 2] unexposed, (2, 5] exposed
  d <- data.frame(id = c(1, 1, 1, 2, 3, 3, 4), start = c(0, 1, 2, 0, 0, 4, 0),
                  stop = c(1, 2, 5, 3, 4, 6, 7), status = c(0, 0, 1, 1, 0, 0, 0),
                  x = c(0, 0, 1, 0, 0, 1, 0))
  sm <- simon_makuch(Surv(start, stop, status) ~ x, data = d, id = id)
  sf <- survival::survfit(Surv(start, stop, status) ~ x, data = d)
  expect_equal(sm$n.censor, sf$n.censor)
  tab <- smallsurv:::add_switches(sm, at_times(sm, c(1.5, 4.5, 7), min.risk = 0,
                                               maturity = FALSE))
  un <- tab[tab$strata == "x=0", ]
  expect_equal(un$n.censor, c(0, 0, 1))  # only patient 4, at 7
  expect_equal(un$n.moved, c(0, 2, 2))
  expect_equal(sm$time[smallsurv:::censor_marks(sm) > 0], c(7, 6))
  # an exposure name containing "=": the labels are survfit's
  j <- survival::jasa1
  sm <- simon_makuch(Surv(start, stop, event) ~ I(transplant == 1), data = j, id = id)
  sf <- survival::survfit(Surv(start, stop, event) ~ I(transplant == 1), data = j)
  expect_identical(names(sm$strata), names(sf$strata))
  # a missing id is an error (not a row na.action drops); a missing exposure too
  jj <- j
  jj$id[5] <- NA
  expect_error(mantel_byar_test(Surv(start, stop, event) ~ transplant, data = jj, id = id),
               "`id` is missing for row\\(s\\) 5 of `data`")
  jj <- j
  jj$transplant[5] <- NA
  expect_error(mantel_byar_test(Surv(start, stop, event) ~ transplant, data = jj, id = id,
                                na.action = na.pass), "exposure `transplant` is missing for row")
  # ids in messages are not padded
  jj <- j
  jj$id <- paste0("p", jj$id)
  jj$start[jj$id == "p4"][2] <- 30
  expect_error(mantel_byar_test(Surv(start, stop, event) ~ transplant, data = jj, id = id),
               "for id p4\\.")
  # landmark(): Surv(type =), and no subset through `...`
  dd <- data.frame(time = c(1, 2, 4, 5, 6, 7), status = c(1, 0, 1, 0, 1, 1),
                   ex = c(NA, NA, 1.5, 2, NA, 2.5))
  a <- suppressWarnings(landmark(Surv(time, status, type = "right") ~ 1, data = dd, at = 3,
                                 exposure_time = ex))
  b <- suppressWarnings(landmark(Surv(time, status) ~ 1, data = dd, at = 3, exposure_time = ex))
  expect_equal(a$table, b$table)
  expect_identical(a$type, "km")
  expect_error(landmark(Surv(time, status) ~ 1, data = dd, at = 3, exposure_time = ex,
                        subset = time > 1), "does not take `subset`")
  expect_output(print(b), "\nLandmark 3: ", fixed = TRUE)
})

test_that("print() of km() and logrank_test() notes the immortal-time bias for post-baseline-looking groups", {
  d <- rrall
  d$ever_hsct <- ifelse(is.na(d$hsct_date), "no", "yes")
  expect_output(print(km(Surv(os_time, os_status) ~ ever_hsct, data = d)),
                "if `ever_hsct` was defined by something that happened after time 0")
  expect_output(print(logrank_test(Surv(os_time, os_status) ~ ever_hsct, data = d,
                                   permutation = "none")), "immortal time")
  expect_output(print(km(Surv(os_time, os_status) ~ response, data = d)), "`response`")
  out <- capture.output(print(km(Surv(os_time, os_status) ~ dose, data = d)))
  expect_false(any(grepl("immortal", out)))
  expect_null(smallsurv:::immortal_time_note(NULL))
  expect_null(smallsurv:::immortal_time_note(c("dose=DL1", "dose=DL2")))
  expect_match(smallsurv:::immortal_time_note("dose=DL1, CAR_T=yes"), "`CAR_T`")
})
