# followup(): hand-worked fractions, survival::survfit() on the reversed
# status, prodlim's reverse Kaplan-Meier, the measures from rrall's dates by
# hand, errors and printed output.

# ---- hand-worked example ------------------------------------------------------

# 10 subjects; events and censorings share the times 2, 3 and 5.
hand <- data.frame(t = c(1, 2, 2, 3, 3, 3, 4, 5, 5, 6),
                   s = c(1, 0, 1, 0, 1, 1, 0, 1, 0, 0),
                   entry = as.Date("2020-01-01") + c(0, 8, 5, 7, 1, 2, 6, 3, 4, 4),
                   cut = as.Date("2020-01-11"))

fu_value <- function(fu, measure, group = "Overall", col = "estimate") {
  t <- as.data.frame(fu)
  t[[col]][t$measure == measure & t$group == group]
}

test_that("the reverse Kaplan-Meier matches hand-worked fractions (both tie rules)", {
  pl <- followup(Surv(t, s) ~ 1, hand, ties = "prodlim", conf.type = "plain")
  r <- pl$reverse_km
  expect_equal(r$time, 1:6, tolerance = 1e-12)
  # prodlim: the factor is 1 - c / (n - d) (events at t leave first)
  # t = 2: n 9, d 1, c 1 -> 7/8; t = 3: n 7, d 2, c 1 -> 4/5; t = 4: 3/4;
  # t = 5: n 3, d 1, c 1 -> 1/2; t = 6: 0
  G <- c(1, 7 / 8, 7 / 10, 21 / 40, 21 / 80, 0)
  expect_equal(r$surv, G, tolerance = 1e-12)
  gw <- cumsum(c(0, 1 / (8 * 7), 1 / (5 * 4), 1 / (4 * 3), 1 / (2 * 1), Inf))
  expect_equal(r$std.err, sqrt(gw), tolerance = 1e-12)
  expect_equal(r$n.event, c(0, 1, 1, 1, 1, 1), tolerance = 1e-12)   # censorings
  expect_equal(r$n.censor, c(1, 1, 2, 0, 1, 0), tolerance = 1e-12)  # events
  z <- qnorm(0.975)
  ok <- 2:5
  expect_equal(r$lower[ok], pmax(G - z * G * sqrt(gw), 0)[ok], tolerance = 1e-12)
  # quantiles: first time with G <= 0.75, 0.5, 0.25
  expect_equal(fu_value(pl, "reverse_km_p25"), 3, tolerance = 1e-12)
  expect_equal(fu_value(pl, "reverse_km_median"), 5, tolerance = 1e-12)
  expect_equal(fu_value(pl, "reverse_km_p75"), 6, tolerance = 1e-12)  # 21/80 > 0.25

  sf <- followup(Surv(t, s) ~ 1, hand, ties = "survfit")
  # survfit: the factor is 1 - c / n
  G2 <- c(1, 8 / 9, 16 / 21, 4 / 7, 8 / 21, 0)
  expect_equal(sf$reverse_km$surv, G2, tolerance = 1e-12)
  expect_equal(sf$reverse_km$std.err,
               sqrt(cumsum(c(0, 1 / (9 * 8), 1 / (7 * 6), 1 / (4 * 3), 1 / (3 * 2), Inf))),
               tolerance = 1e-12)
  expect_equal(fu_value(sf, "reverse_km_p25"), 4, tolerance = 1e-12)  # 16/21 > 0.75
  expect_equal(fu_value(sf, "reverse_km_median"), 5, tolerance = 1e-12)
  expect_equal(fu_value(sf, "reverse_km_p75"), 6, tolerance = 1e-12)
})

test_that("the sample measures and the date-based measures match a hand count", {
  fu <- followup(Surv(t, s) ~ 1, hand, entry_date = entry, cutoff_date = cut, unit = "days")
  v <- function(m) fu_value(fu, m)
  expect_identical(c(v("n"), v("events"), v("censored")), c(10, 5, 5))
  expect_equal(c(v("observation_median"), v("observation_min"), v("observation_max")),
               c(3, 1, 6), tolerance = 1e-12)
  # censored times 2, 3, 4, 5, 6
  expect_equal(c(v("censored_median"), v("censored_p25"), v("censored_p75")), c(4, 3, 5),
               tolerance = 1e-12)
  # potential follow-up 10 - entry offset: 10 2 5 3 9 8 4 7 6 6
  expect_equal(c(v("potential_median"), v("potential_min"), v("potential_max")), c(6, 2, 10),
               tolerance = 1e-12)
  # only the censored subject at t = 5 with 6 days potential is lost
  expect_identical(v("lost_to_followup"), 1)
  # p* = t after events, p otherwise: 1 2 2 3 3 3 4 5 6 6 (sum 35); sum t = 34
  expect_equal(c(v("person_time_observed"), v("person_time_potential"), v("completeness")),
               c(34, 35, 34 / 35), tolerance = 1e-12)
  # the same in weeks: counts and the completeness are unchanged, times / 7
  fw <- followup(Surv(t / 7, s) ~ 1, hand, entry_date = entry, cutoff_date = cut, unit = "weeks")
  expect_equal(fu_value(fw, "completeness"), 34 / 35, tolerance = 1e-12)
  expect_equal(fu_value(fw, "potential_median"), 6 / 7, tolerance = 1e-12)
  expect_identical(fu_value(fw, "lost_to_followup"), 1)
  # only lower/upper of the reverse Kaplan-Meier quantiles are filled
  t <- as.data.frame(fu)
  expect_identical(names(t), c("measure", "group", "estimate", "lower", "upper", "definition"))
  expect_true(all(is.na(t$lower[!grepl("^reverse_km", t$measure)])))
  expect_false(anyNA(t$definition))
})

test_that("without dates the date-based measures are omitted", {
  fu <- followup(Surv(t, s) ~ 1, hand)
  m <- as.data.frame(fu)$measure
  expect_false(any(c("potential_median", "completeness", "lost_to_followup") %in% m))
  expect_true(all(c("reverse_km_median", "observation_median", "censored_median") %in% m))
})

test_that("the unit: stated, carried by the data, months for dates, otherwise not invented", {
  out <- function(fu) utils::capture.output(print(fu))
  # no unit anywhere: not labelled months (the data may be in weeks)
  fu <- followup(Surv(t, s) ~ 1, hand)
  expect_true(is.na(fu$unit))
  expect_match(out(fu)[1], "times in the unit of the data", fixed = TRUE)
  expect_false(any(grepl("months", out(fu), fixed = TRUE)))
  expect_match(as.data.frame(fu)$definition[1], "number of subjects", fixed = TRUE)
  # stated
  fw <- followup(Surv(t, s) ~ 1, hand, unit = "weeks")
  expect_identical(fw$unit, "weeks")
  expect_match(out(fw)[1], "times in weeks", fixed = TRUE)
  # carried by endpoints()' data
  e <- endpoints(rrall, "os", unit = "weeks")
  fe <- followup(Surv(time, status) ~ 1, e)
  expect_identical(fe$unit, "weeks")
  expect_identical(followup(Surv(time, status) ~ 1, e, unit = "days")$unit, "days")
  # with dates and no unit: months, the documented default for converting them
  fd <- followup(Surv(os_time, os_status) ~ 1, rrall, entry_date = enrolled,
                 cutoff_date = cutoff)
  expect_identical(fd$unit, "months")
  pm <- as.data.frame(fd)
  expect_match(pm$definition[pm$measure == "potential_median"], "/ 30.4375, in months",
               fixed = TRUE)
  # the numbers do not depend on the label
  expect_equal(as.data.frame(fu)$estimate, as.data.frame(fw)$estimate, tolerance = 0)
})

# ---- against survival::survfit() on the reversed status ------------------------

fu_data <- function(seed, n = 30, ngroup = 2) {
  with_seed_local(seed, {
    data.frame(time = sample(1:12, n, replace = TRUE) + sample(c(0, 0.5), n, replace = TRUE),
               status = rbinom(n, 1, 0.4),
               g = sample(letters[seq_len(ngroup)], n, replace = TRUE))
  })
}

test_that("ties = 'survfit' equals survfit(Surv(time, status == 0)) on many data sets", {
  for (seed in 1:40) {
    d <- fu_data(seed, n = sample(c(5, 12, 30, 60), 1))
    for (ct in c("log", "log-log", "plain", "logit", "arcsin")) {
      fu <- followup(Surv(time, status) ~ g, d, ties = "survfit", conf.type = ct,
                     conf.level = 0.9)
      ref <- survival::survfit(Surv(time, status == 0) ~ g, data = d, conf.type = ct,
                               conf.int = 0.9)
      expect_same_as_survfit(fu$reverse_km, ref, label = paste(seed, ct))
      q <- quantile(ref, probs = c(0.25, 0.5, 0.75))
      t <- as.data.frame(fu)
      for (k in seq_along(names(ref$strata))) {
        grp <- names(ref$strata)[k]
        got <- t[t$group == grp & t$measure %in% c("reverse_km_p25", "reverse_km_median",
                                                    "reverse_km_p75"), ]
        got <- got[match(c("reverse_km_p25", "reverse_km_median", "reverse_km_p75"), got$measure), ]
        expect_equal(got$estimate, unname(q$quantile[k, ]), tolerance = 1e-10)
        expect_equal(got$lower, unname(q$lower[k, ]), tolerance = 1e-10)
        expect_equal(got$upper, unname(q$upper[k, ]), tolerance = 1e-10)
      }
      # the overall curve
      ref1 <- survival::survfit(Surv(time, status == 0) ~ 1, data = d, conf.type = ct,
                                conf.int = 0.9)
      expect_same_as_survfit(fu$reverse_km_overall, ref1, label = paste(seed, ct, "overall"))
      q1 <- quantile(ref1, probs = 0.5)
      expect_equal(c(fu_value(fu, "reverse_km_median"), fu_value(fu, "reverse_km_median", col = "lower"),
                     fu_value(fu, "reverse_km_median", col = "upper")),
                   unname(c(q1$quantile, q1$lower, q1$upper)), tolerance = 1e-10)
    }
  }
})

test_that("without ties between events and censorings both conventions agree", {
  for (seed in 1:10) {
    d <- with_seed_local(seed, data.frame(time = rexp(25), status = rbinom(25, 1, 0.5)))
    a <- followup(Surv(time, status) ~ 1, d, ties = "prodlim")
    b <- followup(Surv(time, status) ~ 1, d, ties = "survfit")
    cols <- c("measure", "group", "estimate", "lower", "upper")
    expect_equal(a$table[cols], b$table[cols], tolerance = 1e-12)
  }
})

# ---- against prodlim ------------------------------------------------------------

test_that("ties = 'prodlim' equals prodlim(Hist(time, status) ~ 1, reverse = TRUE)", {
  skip_if_not_installed("prodlim")
  checked_q <- 0
  for (seed in 1:40) {
    d <- fu_data(seed, n = sample(c(6, 15, 40), 1), ngroup = 1)
    fu <- followup(Surv(time, status) ~ 1, d, ties = "prodlim", conf.type = "plain")
    ref <- prodlim::prodlim(prodlim::Hist(time, status) ~ 1, data = d, reverse = TRUE)
    r <- fu$reverse_km
    expect_equal(r$time, ref$time, tolerance = 1e-12)
    expect_equal(r$surv, ref$surv, tolerance = 1e-10)
    se <- r$surv * r$std.err  # prodlim's se.surv is on the probability scale
    fin <- is.finite(se) & !is.nan(ref$se.surv)
    expect_equal(se[fin], ref$se.surv[fin], tolerance = 1e-10)
    # prodlim's Wald limits where the curve is strictly between 0 and 1
    inside <- fin & r$surv > 0 & r$surv < 1
    expect_equal(r$lower[inside], ref$lower[inside], tolerance = 1e-10)
    expect_equal(r$upper[inside], ref$upper[inside], tolerance = 1e-10)
    # prodlim's quantile() takes the first time with G < 1 - p (strictly), so
    # compare where no value of G sits exactly on 0.75, 0.5 or 0.25; and it
    # skips the rows where G is 0, so a quantile reached only where G drops
    # to 0 (the last censoring) is NA there
    if (!any(abs(outer(r$surv, c(0.75, 0.5, 0.25), "-")) < 1e-12)) {
      # (prodlim takes 1 - q.) prodlim 2019.11.13 returns a list of one data
      # frame per model; prodlim 2026.03.11 returns that table itself (a
      # data.table): both are read
      q <- quantile(ref, q = c(0.25, 0.5, 0.75))
      if (!"quantile" %in% names(q)) q <- q[[1]]
      got <- vapply(c("reverse_km_p25", "reverse_km_median", "reverse_km_p75"),
                    function(m) fu_value(fu, m), numeric(1))
      zero <- r$time[which(r$surv == 0)[1]]
      got[!is.na(got) & !is.na(zero) & got == zero] <- NA
      expect_equal(unname(got), q$quantile, tolerance = 1e-12)
      checked_q <- checked_q + 1
    }
  }
  expect_gt(checked_q, 10)
})

# ---- the example cohort -----------------------------------------------------------

test_that("rrall: groups, potential follow-up, losses and completeness from the dates", {
  fu <- followup(Surv(os_time, os_status) ~ dose, rrall, entry_date = enrolled,
                 cutoff_date = cutoff)
  t <- as.data.frame(fu)
  expect_identical(unique(t$group), c("Overall", "dose=DL1", "dose=DL2"))
  pot <- as.numeric(rrall$cutoff - rrall$enrolled) / 30.4375
  lost <- is.na(rrall$death_date) & rrall$last_contact < rrall$cutoff
  for (g in c("Overall", "DL1", "DL2")) {
    i <- if (g == "Overall") rep(TRUE, nrow(rrall)) else rrall$dose == g
    lab <- if (g == "Overall") g else paste0("dose=", g)
    expect_equal(fu_value(fu, "potential_median", lab), median(pot[i]), tolerance = 1e-12)
    expect_identical(fu_value(fu, "lost_to_followup", lab), as.numeric(sum(lost[i])))
    expect_identical(fu_value(fu, "events", lab), as.numeric(sum(rrall$os_status[i])))
    pstar <- ifelse(rrall$os_status[i] == 1, rrall$os_time[i], pot[i])
    expect_equal(fu_value(fu, "completeness", lab), sum(rrall$os_time[i]) / sum(pstar),
                 tolerance = 1e-12)
    expect_equal(fu_value(fu, "observation_median", lab), median(rrall$os_time[i]),
                 tolerance = 1e-12)
  }
  # the per-subject cut-off as a column or a single date give the same
  one <- followup(Surv(os_time, os_status) ~ dose, rrall, entry_date = enrolled,
                  cutoff_date = as.Date("2023-05-15"))
  expect_equal(one$table, fu$table, tolerance = 1e-12)
  # a Date vector for the entry date
  vec <- followup(Surv(os_time, os_status) ~ dose, rrall, entry_date = rrall$enrolled,
                  cutoff_date = rrall$cutoff)
  expect_equal(vec$table, fu$table, tolerance = 1e-12)
})

test_that("edge cases: all censored, no censored, one subject, missing times", {
  d <- data.frame(t = c(2, 4, 6), s = c(0, 0, 0))
  fu <- followup(Surv(t, s) ~ 1, d)
  expect_identical(fu_value(fu, "events"), 0)
  expect_equal(fu_value(fu, "reverse_km_median"), 4, tolerance = 1e-12)
  d <- data.frame(t = c(2, 4, 6), s = c(1, 1, 1))
  fu <- followup(Surv(t, s) ~ 1, d)
  expect_true(is.na(fu_value(fu, "censored_median")))
  expect_true(is.na(fu_value(fu, "reverse_km_median")))
  fu <- followup(Surv(t, s) ~ 1, data.frame(t = 3, s = 0))
  expect_equal(fu_value(fu, "reverse_km_median"), 3, tolerance = 1e-12)
  d <- data.frame(t = c(2, NA, 6, 8), s = c(1, 0, 0, 0),
                  e = as.Date("2021-01-01") + c(0, NA, 0, 0))
  fu <- followup(Surv(t, s) ~ 1, d, entry_date = e, cutoff_date = as.Date("2021-01-09"),
                 unit = "days")
  expect_identical(fu_value(fu, "n"), 3)
  expect_length(fu$na.action, 1L)
  expect_identical(fu_value(fu, "lost_to_followup"), 1)
})

# ---- errors and printed output ----------------------------------------------------

test_that("bad input gets errors that name the rows", {
  d <- hand
  d$cut2 <- d$cut
  d$cut2[c(3, 7)] <- as.Date("2019-12-01")
  d$entry2 <- d$entry
  d$entry2[c(2, 9)] <- NA
  d$late <- d$entry
  d$late[4] <- d$late[4] + 3  # 3 days of potential, 3 days observed + 3
  expect_snapshot(error = TRUE, {
    followup(Surv(t, s) ~ 1, d, entry_date = entry, cutoff_date = cut2, unit = "days")
    followup(Surv(t, s) ~ 1, d, entry_date = entry2, cutoff_date = cut, unit = "days")
    followup(Surv(t, s) ~ 1, d, entry_date = late, cutoff_date = cut, unit = "days")
    followup(Surv(t, s) ~ 1, d, entry_date = entry, cutoff_date = cut)  # times in months
    followup(Surv(t, s) ~ 1, d, entry_date = entry)
    followup(Surv(t, s) ~ 1, d, entry_date = as.character(entry), cutoff_date = cut)
    followup(Surv(t, s) ~ 1, d, entry_date = entry, cutoff_date = cut[1:2])
    followup(Surv(t, s) ~ 1, d, ties = "breslow")
    followup(Surv(t, s) ~ 1, d, conf.type = "bootstrap")
    followup(Surv(t, s) ~ 1, d, unit = "fortnights")
  })
})

test_that("print() states every definition; tidy() has broom's names", {
  fu <- followup(Surv(os_time, os_status) ~ dose, rrall, entry_date = enrolled,
                 cutoff_date = cutoff)
  expect_snapshot(print(fu))
  expect_snapshot(print(followup(Surv(t, s) ~ 1, hand, ties = "survfit", conf.type = "log")))
  td <- tidy(fu)
  expect_identical(names(td), c("term", "group", "estimate", "conf.low", "conf.high"))
  expect_identical(td$term, fu$table$measure)
  expect_identical(td$conf.low, fu$table$lower)
  out <- utils::capture.output(res <- withVisible(print(fu)))
  expect_false(res$visible)
  expect_identical(res$value, fu)
})
