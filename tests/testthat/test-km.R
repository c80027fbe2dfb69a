# km() against hand-worked fractions, survival's published aml table, and
# survival::survfit() computed live (see helper-reference.R).

# ---- hand-worked examples (exact fractions) ----------------------------------

test_that("km() matches a hand-worked example with a tie of event and censoring", {
  # times 1, 2, 2+, 3, 4+: at t = 2 the event comes before the censoring,
  # so the censored subject is still at risk.
  d <- data.frame(t = c(1, 2, 2, 3, 4), s = c(1, 1, 0, 1, 0))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "plain")
  expect_equal(fit$time, c(1, 2, 3, 4), tolerance = 1e-12)
  expect_equal(fit$n.risk, c(5, 4, 2, 1), tolerance = 1e-12)
  expect_equal(fit$n.event, c(1, 1, 1, 0), tolerance = 1e-12)
  expect_equal(fit$n.censor, c(0, 1, 0, 1), tolerance = 1e-12)
  expect_identical(fit$n, 5L)
  S <- c(4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 * 1 / 2, 4 / 5 * 3 / 4 * 1 / 2)
  expect_equal(fit$surv, S, tolerance = 1e-12)
  expect_equal(fit$surv, c(4 / 5, 3 / 5, 3 / 10, 3 / 10), tolerance = 1e-12)
  # Greenwood: sum d / (n (n - d)) = 1/20, 1/20 + 1/12 = 2/15, 2/15 + 1/2 = 19/30
  gw <- c(1 / 20, 2 / 15, 19 / 30, 19 / 30)
  expect_equal(fit$std.err, sqrt(gw), tolerance = 1e-12)
  expect_true(fit$logse)
  # Nelson-Aalen: 1/5, 1/5 + 1/4 = 9/20, 9/20 + 1/2 = 19/20; var sum d / n^2
  expect_equal(fit$cumhaz, c(1 / 5, 9 / 20, 19 / 20, 19 / 20), tolerance = 1e-12)
  expect_equal(fit$std.chaz, sqrt(c(1 / 25, 41 / 400, 141 / 400, 141 / 400)), tolerance = 1e-12)
  # plain interval S -+ z S se(log S), truncated to [0, 1]
  z <- qnorm(0.975)
  expect_equal(fit$lower, pmax(S - z * S * sqrt(gw), 0), tolerance = 1e-12)
  expect_equal(fit$upper, pmin(S + z * S * sqrt(gw), 1), tolerance = 1e-12)
  # log-log interval (Kalbfleisch & Prentice)
  ll <- km(Surv(t, s) ~ 1, d, conf.type = "log-log", conf.level = 0.9)
  z <- qnorm(0.95)
  # (log S < 0, so the lower limit has -z se / log S > 0 inside)
  expect_equal(ll$lower, exp(-exp(log(-log(S)) - z * sqrt(gw) / log(S))), tolerance = 1e-12)
  expect_equal(ll$upper, exp(-exp(log(-log(S)) + z * sqrt(gw) / log(S))), tolerance = 1e-12)
  # log interval, upper capped at 1
  lg <- km(Surv(t, s) ~ 1, d, conf.type = "log")
  z <- qnorm(0.975)
  expect_equal(lg$lower, S * exp(-z * sqrt(gw)), tolerance = 1e-12)
  expect_equal(lg$upper, pmin(S * exp(z * sqrt(gw)), 1), tolerance = 1e-12)
  expect_identical(fit$type, "right")
  expect_null(fit$strata)
})

test_that("km() matches hand-worked strata, S = 0, weights and delayed entry", {
  # two strata; in b the last two at risk both die at t = 2 (n.risk == n.event)
  d <- data.frame(t = c(1, 3, 3, 5, 1, 2, 2), s = c(1, 1, 0, 0, 1, 1, 1),
                  g = c("a", "a", "a", "a", "b", "b", "b"))
  fit <- km(Surv(t, s) ~ g, d, conf.type = "log")
  expect_identical(names(fit$strata), c("g=a", "g=b"))
  expect_equal(as.vector(fit$strata), c(3, 2), tolerance = 1e-12)
  expect_equal(fit$n, c(4, 3), tolerance = 1e-12)
  expect_equal(fit$time, c(1, 3, 5, 1, 2), tolerance = 1e-12)
  expect_equal(fit$n.risk, c(4, 3, 1, 3, 2), tolerance = 1e-12)
  expect_equal(fit$surv, c(3 / 4, 3 / 4 * 2 / 3, 1 / 2, 2 / 3, 0), tolerance = 1e-12)
  expect_equal(fit$std.err, sqrt(c(1 / 12, 1 / 12 + 1 / 6, 1 / 12 + 1 / 6, 1 / 6, Inf)),
               tolerance = 1e-12)
  expect_equal(fit$cumhaz, c(1 / 4, 1 / 4 + 1 / 3, 1 / 4 + 1 / 3, 1 / 3, 1 / 3 + 1),
               tolerance = 1e-12)
  # S = 0: the log interval is undefined
  expect_true(is.na(fit$lower[5]) && is.na(fit$upper[5]))

  # integer case weights: counts are weighted, variance stays Greenwood
  dw <- data.frame(t = c(1, 2, 3), s = c(1, 0, 1), w = c(2, 1, 1))
  fw <- km(Surv(t, s) ~ 1, dw, weights = w, conf.type = "plain")
  expect_equal(fw$n.risk, c(4, 2, 1), tolerance = 1e-12)
  expect_equal(fw$n.event, c(2, 0, 1), tolerance = 1e-12)
  expect_equal(fw$surv, c(1 / 2, 1 / 2, 0), tolerance = 1e-12)
  expect_equal(fw$std.err, sqrt(c(2 / 8, 2 / 8, Inf)), tolerance = 1e-12)
  expect_identical(fw$n, 3L)
  expect_identical(fw$ci$variance, "greenwood")

  # delayed entry: at risk at t when start < t <= stop
  de <- data.frame(a = c(0, 1, 0, 2), b = c(2, 3, 4, 5), s = c(1, 1, 0, 1))
  fe <- km(Surv(a, b, s) ~ 1, de, conf.type = "log-log")
  expect_identical(fe$type, "counting")
  expect_equal(fe$time, c(2, 3, 4, 5), tolerance = 1e-12)
  expect_equal(fe$n.risk, c(3, 3, 2, 1), tolerance = 1e-12)
  expect_equal(fe$surv, c(2 / 3, 4 / 9, 4 / 9, 0), tolerance = 1e-12)
  expect_equal(fe$std.err[1:3], sqrt(c(1 / 6, 1 / 3, 1 / 3)), tolerance = 1e-12)
})

test_that("km() reproduces survival's published aml table (conf.type = 'log')", {
  fit <- km(Surv(time, status) ~ x, survival::aml, conf.type = "log")
  m <- seq_len(fit$strata[["x=Maintained"]])
  ev <- m[fit$n.event[m] > 0]
  expect_equal(fit$time[ev], c(9, 13, 18, 23, 31, 34, 48), tolerance = 1e-12)
  printed <- c(0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184)
  expect_equal(round(fit$surv[ev], 3), printed, tolerance = 1e-12)
  expect_lt(max(abs(fit$surv[ev] - printed)), 1e-3)
  # exact fractions behind the printed table
  expect_equal(fit$surv[ev],
               c(10 / 11, 9 / 11, 63 / 88, 27 / 44, 27 / 55, 81 / 220, 81 / 440),
               tolerance = 1e-12)
  # Nonmaintained: the last subject at risk dies at 45, S = 0, limits NA
  last <- length(fit$surv)
  expect_equal(fit$time[last], 45, tolerance = 1e-12)
  expect_equal(fit$surv[last], 0, tolerance = 1e-12)
  expect_true(is.na(fit$lower[last]))
  expect_true(is.na(fit$upper[last]))
})

# ---- live comparison with survfit on survival's data sets -------------------

test_that("km() equals survfit on aml, lung and veteran for every conf.type and level", {
  lung <- survival::lung
  veteran <- survival::veteran
  cases <- list(
    list(Surv(time, status) ~ 1, survival::aml),
    list(Surv(time, status) ~ x, survival::aml),
    list(Surv(time, status) ~ 1, lung),
    list(Surv(time, status) ~ sex, lung),
    list(Surv(time, status) ~ sex + ph.ecog, lung),
    list(Surv(time, status) ~ inst, lung),
    list(Surv(time, status) ~ trt, veteran),
    list(Surv(time, status) ~ celltype, veteran),
    list(Surv(time, status) ~ trt + prior, veteran)
  )
  for (cs in cases) {
    for (ct in all_conf_types) {
      for (cl in c(0.9, 0.95, 0.99)) {
        p <- fit_pair(cs[[1]], cs[[2]], conf.type = ct, conf.level = cl)
        expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10,
                               label = paste(deparse1(cs[[1]]), ct, cl))
        expect_identical(p$fit$na.action, p$ref$na.action)
      }
    }
  }
})

test_that("lung ~ sex + ph.ecog drops the row with missing ph.ecog as survfit does", {
  p <- fit_pair(Surv(time, status) ~ sex + ph.ecog, survival::lung, conf.type = "log")
  expect_identical(p$fit$na.action, p$ref$na.action)
  expect_length(p$fit$na.action, 1L)
  expect_equal(sum(p$fit$n), nrow(survival::lung) - 1, tolerance = 1e-12)
})

test_that("km() equals survfit on seeded random data (ties, strata, weights, entry)", {
  skip_on_cran()  # 1620 fits, about a minute
  settings <- expand.grid(ties = c("none", "heavy", "near"), strata = 0:2,
                          weights = c("none", "integer", "real"), entry = c(FALSE, TRUE),
                          stringsAsFactors = FALSE)
  sizes <- c(4, 9, 20, 45)
  levels <- c(0.9, 0.95, 0.99)
  for (seed in 1:30) {
    for (k in seq_len(nrow(settings))) {
      st <- settings[k, ]
      d <- sim_surv(sizes[(seed + k) %% 4 + 1], seed = 1000 * k + seed, ties = st$ties,
                    strata = st$strata, weights = st$weights, entry = st$entry)
      ct <- all_conf_types[(seed + k) %% 6 + 1]
      cl <- levels[seed %% 3 + 1]
      p <- fit_pair(sim_formula(st$strata, st$entry), d, conf.type = ct, conf.level = cl,
                    weighted = st$weights != "none")
      expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10,
                             label = sprintf("seed %d, k %d (%s, %d strata, %s weights, entry %s), %s",
                                             seed, k, st$ties, st$strata, st$weights,
                                             st$entry, ct))
    }
  }
})

test_that("sim_surv(ties = 'near') really has near ties that timefix merges", {
  d <- sim_surv(60, seed = 1, ties = "near")
  merged <- survival::survfit(Surv(time, status) ~ 1, d, timefix = TRUE)
  raw <- survival::survfit(Surv(time, status) ~ 1, d, timefix = FALSE)
  expect_gt(length(raw$time), length(merged$time))
})

# ---- edge cases against survfit ----------------------------------------------

edge_sets <- function() {
  list(
    one_event = data.frame(t = 3, s = 1),
    one_censored = data.frame(t = 3, s = 0),
    all_censored = data.frame(t = c(1, 2, 2, 5), s = 0),
    all_events = data.frame(t = c(1, 2, 2, 5), s = 1),
    last_dies = data.frame(t = c(1, 2, 3, 4), s = c(0, 1, 0, 1)),
    last_two_die_together = data.frame(t = c(1, 2, 4, 4), s = c(1, 0, 1, 1)),
    tie_event_censor = data.frame(t = c(2, 2, 2, 3, 3, 5), s = c(1, 0, 1, 0, 1, 0)),
    time_zero_events = data.frame(t = c(0, 0, 1, 2, 3), s = c(1, 0, 1, 1, 0)),
    all_at_time_zero = data.frame(t = c(0, 0, 0), s = c(1, 1, 0)),
    one_time = data.frame(t = c(4, 4, 4), s = c(1, 0, 1))
  )
}

test_that("km() equals survfit on edge cases without strata", {
  for (nm in names(edge_sets())) {
    d <- edge_sets()[[nm]]
    for (ct in all_conf_types) {
      p <- fit_pair(Surv(t, s) ~ 1, d, conf.type = ct)
      expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = paste(nm, ct))
    }
  }
})

test_that("km() equals survfit on edge cases with strata", {
  sets <- list(
    # stratum b has one subject (an event), c one censored subject
    one_subject = data.frame(t = c(1, 2, 3, 4, 2.5, 3), s = c(1, 0, 1, 1, 1, 0),
                             g = c("a", "a", "a", "a", "b", "c")),
    # in a, n.risk == n.event at t = 2 while b continues
    ends_mid = data.frame(t = c(1, 2, 2, 1, 3, 4, 6), s = c(0, 1, 1, 1, 0, 1, 0),
                          g = c("a", "a", "a", "b", "b", "b", "b")),
    # a factor with an unused level
    unused_level = data.frame(t = c(1, 2, 3, 4, 5, 6), s = c(1, 1, 0, 1, 0, 1),
                              g = factor(c("a", "b", "a", "b", "a", "b"),
                                         levels = c("a", "z", "b"))),
    # two variables, some combinations absent
    two_vars = data.frame(t = c(1, 2, 3, 4, 5, 6, 7), s = c(1, 1, 0, 1, 0, 1, 1),
                          g = c("a", "a", "b", "b", "a", "b", "a"),
                          h = c(1, 1, 1, 1, 2, 2, 2)),
    # a logical and a numeric grouping variable
    logical_var = data.frame(t = c(5, 3, 4, 1, 2), s = c(1, 1, 0, 1, 1),
                             g = c(TRUE, FALSE, TRUE, FALSE, TRUE))
  )
  forms <- list(one_subject = Surv(t, s) ~ g, ends_mid = Surv(t, s) ~ g,
                unused_level = Surv(t, s) ~ g, two_vars = Surv(t, s) ~ g + h,
                logical_var = Surv(t, s) ~ g)
  for (nm in names(sets)) {
    for (ct in all_conf_types) {
      p <- fit_pair(forms[[nm]], sets[[nm]], conf.type = ct)
      expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = paste(nm, ct))
    }
  }
  # a factor with only one used level gives a single curve, as in survfit
  d <- data.frame(t = 1:4, s = c(1, 0, 1, 1), g = factor("a", levels = c("a", "b")))
  p <- fit_pair(Surv(t, s) ~ g, d, conf.type = "log-log")
  expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = "one used level")
})

test_that("km() equals survfit with zero weights", {
  sets <- list(
    some_zero = data.frame(t = c(1, 2, 3, 4, 5, 6), s = c(1, 1, 0, 1, 1, 0),
                           w = c(1, 0, 2, 0, 1, 1)),
    zero_on_last = data.frame(t = c(1, 2, 3, 4), s = c(1, 0, 1, 1), w = c(1, 1, 1, 0)),
    zero_real = data.frame(t = c(1, 2, 3, 4, 5), s = c(1, 1, 0, 1, 0),
                           w = c(0.5, 0, 1.5, 0.25, 2))
  )
  for (nm in names(sets)) {
    for (ct in all_conf_types) {
      p <- fit_pair(Surv(t, s) ~ 1, sets[[nm]], conf.type = ct, weighted = TRUE)
      expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = paste(nm, ct))
    }
  }
})

test_that("km() equals survfit with delayed entry edge cases", {
  sets <- list(
    # the only subject at risk dies at 2 (S = 0), later entrants keep S at 0
    dies_then_entries = data.frame(a = c(0, 3, 3), b = c(2, 5, 6), s = c(1, 1, 0)),
    # entries tie with event times
    entry_ties = data.frame(a = c(0, 0, 2, 2, 3), b = c(2, 3, 4, 5, 5), s = c(1, 1, 0, 1, 1)),
    one_subject = data.frame(a = 1, b = 2, s = 1)
  )
  for (nm in names(sets)) {
    for (ct in all_conf_types) {
      p <- fit_pair(Surv(a, b, s) ~ 1, sets[[nm]], conf.type = ct)
      expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = paste(nm, ct))
    }
  }
})

test_that("km() with non-integer weights and delayed entry equals survfit when n.risk == n.event", {
  # The only subject at risk at t = 3 (weight 0.568) dies; n.risk is a
  # difference of weighted sums, so S is 0 only up to rounding.
  d <- data.frame(start = c(0, 2, 3, 3), stop = c(1, 3, 5, 6), s = c(0, 1, 0, 0),
                  w = c(0.1, 0.568, 2.167, 2.405))
  for (ct in all_conf_types) {
    p <- fit_pair(Surv(start, stop, s) ~ 1, d, conf.type = ct, weighted = TRUE)
    expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = ct)
  }
})

test_that("status coded 1/2 and TRUE/FALSE gives the same as survfit", {
  d <- data.frame(t = c(1, 2, 2, 3, 4, 6), s = c(2, 2, 1, 2, 1, 2))
  p <- fit_pair(Surv(t, s) ~ 1, d, conf.type = "log-log")
  expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10)
  d$s <- d$s == 2
  p <- fit_pair(Surv(t, s) ~ 1, d, conf.type = "log-log")
  expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10)
})

na_data <- function() {
  d <- data.frame(t = c(1, 2, NA, 4, 5, 6, 7, 8, 9, 10),
                  s = c(1, 0, 1, 1, NA, 1, 0, 1, 1, 0),
                  g = c("a", "b", "a", NA, "a", "b", "b", "a", "b", "a"),
                  w = c(1, 2, 1, 1, 1, NA, 1, 2, 1, 3))
  row.names(d) <- paste0("id", seq_len(nrow(d)))
  d
}

na_variants <- list(
  "default na.action" = list(),
  "na.omit" = list(na.action = stats::na.omit),
  "na.exclude" = list(na.action = stats::na.exclude)
)

for (variant in names(na_variants)) {
  test_that(paste("missing values with", variant, "give the same fit and na.action as survfit"), {
    d <- na_data()
    extra <- na_variants[[variant]]
    for (weighted in c(FALSE, TRUE)) {
      for (ct in c("log", "log-log", "plain")) {
        p <- do.call(fit_pair, c(list(Surv(t, s) ~ g, d, conf.type = ct, weighted = weighted),
                                 extra))
        expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10,
                               label = paste(variant, ct, "weighted", weighted))
        expect_identical(p$fit$na.action, p$ref$na.action)
      }
    }
  })
}

# subset= is evaluated by non-standard evaluation, so these calls are written
# out rather than passed through `...` (survfit cannot take it through `...`).
test_that("subset= with missing values gives the same fit and na.action as survfit", {
  d <- na_data()
  for (ct in c("log", "log-log", "plain")) {
    fit <- km(Surv(t, s) ~ g, d, subset = t > 1, conf.type = ct)
    ref <- survival::survfit(Surv(t, s) ~ g, d, subset = t > 1, conf.type = ct)
    expect_same_as_survfit(fit, ref, tolerance = 1e-10, label = paste("subset", ct))
    expect_identical(fit$na.action, ref$na.action)
    fit <- km(Surv(t, s) ~ g, d, subset = t > 1, weights = w, conf.type = ct)
    ref <- survival::survfit(Surv(t, s) ~ g, d, subset = t > 1, weights = w, conf.type = ct)
    expect_same_as_survfit(fit, ref, tolerance = 1e-10, label = paste("subset, weights", ct))
    expect_identical(fit$na.action, ref$na.action)
    fit <- km(Surv(t, s) ~ 1, d, subset = g == "a", na.action = na.omit, conf.type = ct)
    ref <- survival::survfit(Surv(t, s) ~ 1, d, subset = g == "a", na.action = na.omit,
                             conf.type = ct)
    expect_same_as_survfit(fit, ref, tolerance = 1e-10, label = paste("subset + na.omit", ct))
    expect_identical(fit$na.action, ref$na.action)
    fit <- km(Surv(t, s) ~ g, d, subset = w > 1, na.action = na.exclude, conf.type = ct)
    ref <- survival::survfit(Surv(t, s) ~ g, d, subset = w > 1, na.action = na.exclude,
                             conf.type = ct)
    expect_same_as_survfit(fit, ref, tolerance = 1e-10, label = paste("subset + na.exclude", ct))
    expect_identical(fit$na.action, ref$na.action)
  }
})

test_that("na.exclude keeps its class and no rows dropped means no na.action", {
  p <- fit_pair(Surv(t, s) ~ g, na_data(), conf.type = "log", na.action = stats::na.exclude)
  expect_s3_class(p$fit$na.action, "exclude")
  p <- fit_pair(Surv(time, status) ~ x, survival::aml, conf.type = "log")
  expect_null(p$fit$na.action)
  expect_null(p$ref$na.action)
})

# ---- survival's methods on km() fits -----------------------------------------

method_cases <- function() {
  lung <- survival::lung
  dw <- sim_surv(30, seed = 7, strata = 1, weights = "real")
  de <- sim_surv(30, seed = 8, ties = "heavy", strata = 1, entry = TRUE)
  list(
    single = fit_pair(Surv(time, status) ~ 1, lung, conf.type = "log-log"),
    strata = fit_pair(Surv(time, status) ~ sex, lung, conf.type = "log"),
    two_vars = fit_pair(Surv(time, status) ~ sex + ph.ecog, lung, conf.type = "plain"),
    zero_end = fit_pair(Surv(time, status) ~ x, survival::aml, conf.type = "logit"),
    weighted = fit_pair(Surv(time, status) ~ g, dw, conf.type = "arcsin", weighted = TRUE),
    entry = fit_pair(Surv(start, time, status) ~ g, de, conf.type = "log-log"),
    none = fit_pair(Surv(time, status) ~ x, survival::aml, conf.type = "none"),
    level90 = fit_pair(Surv(time, status) ~ x, survival::aml, conf.type = "log-log",
                       conf.level = 0.9)
  )
}

test_that("summary(fit, times =) gives the same as on the survfit object", {
  for (nm in names(method_cases())) {
    p <- method_cases()[[nm]]
    tmax <- max(p$ref$time)
    times <- c(0, tmax * c(0.1, 0.25, 0.5, 0.75), tmax)
    a <- summary(p$fit, times = times)
    b <- summary(p$ref, times = times)
    for (cmp in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "cumhaz",
                  "lower", "upper")) {
      expect_identical(is.null(a[[cmp]]), is.null(b[[cmp]]), label = paste(nm, cmp))
      if (!is.null(b[[cmp]])) {
        expect_equal(a[[cmp]], b[[cmp]], tolerance = 1e-10, label = paste(nm, cmp))
      }
    }
    expect_identical(as.character(a$strata), as.character(b$strata), label = nm)
    expect_equal(a$table, b$table, tolerance = 1e-10, label = paste(nm, "table"))
  }
})

test_that("summary(fit)$table (print's median table) is the same as survfit's", {
  for (nm in names(method_cases())) {
    p <- method_cases()[[nm]]
    expect_equal(summary(p$fit)$table, summary(p$ref)$table, tolerance = 1e-10, label = nm)
    full_a <- summary(p$fit)
    full_b <- summary(p$ref)
    expect_equal(full_a$surv, full_b$surv, tolerance = 1e-10, label = nm)
    expect_equal(full_a$lower, full_b$lower, tolerance = 1e-10, label = nm)
  }
})

test_that("quantile(fit) with confidence limits is the same as survfit's", {
  for (nm in names(method_cases())) {
    p <- method_cases()[[nm]]
    # survival's structure exactly (R/quantile.R), equal numbers
    a <- quantile(p$fit, probs = c(0.25, 0.5, 0.75))
    b <- quantile(p$ref, probs = c(0.25, 0.5, 0.75))
    expect_identical(attributes(a), attributes(b), label = nm)
    if (is.list(b)) {
      expect_identical(lapply(a, attributes), lapply(b, attributes), label = nm)
    }
    expect_equal(a, b, tolerance = 1e-10, label = nm)
  }
})

test_that("plot(fit) works, and survival's plot.survfit draws the same as on survfit", {
  plot_survfit <- utils::getS3method("plot", "survfit")
  for (nm in names(method_cases())) {
    p <- method_cases()[[nm]]
    grDevices::pdf(NULL)
    on.exit(grDevices::dev.off(), add = TRUE)
    expect_no_error(plot(p$fit))
    ci <- p$ref$conf.type != "none"
    a <- plot_survfit(p$fit, conf.int = ci)
    b <- plot_survfit(p$ref, conf.int = ci)
    expect_equal(a, b, tolerance = 1e-10, label = nm)
    a <- plot_survfit(p$fit, fun = "event", mark.time = TRUE)
    b <- plot_survfit(p$ref, fun = "event", mark.time = TRUE)
    expect_equal(a, b, tolerance = 1e-10, label = paste(nm, "event"))
    grDevices::dev.off()
    on.exit()
  }
})

test_that("survival::survfit0(fit) is the same as on the survfit object", {
  for (nm in names(method_cases())) {
    p <- method_cases()[[nm]]
    expect_same_as_survfit(survival::survfit0(p$fit), survival::survfit0(p$ref),
                           tolerance = 1e-10, label = nm)
  }
})

test_that("fit[i] and fit['x=a'] subset strata as on the survfit object", {
  cases <- method_cases()
  for (nm in c("strata", "two_vars", "zero_end", "weighted", "entry", "none")) {
    p <- cases[[nm]]
    ns <- length(p$ref$strata)
    for (i in list(1L, ns, c(ns, 1L), names(p$ref$strata)[ns], names(p$ref$strata)[1])) {
      expect_same_as_survfit(p$fit[i], p$ref[i], tolerance = 1e-10,
                             label = paste(nm, deparse1(i)))
    }
  }
  p <- cases$zero_end
  expect_same_as_survfit(p$fit["x=Nonmaintained"], p$ref["x=Nonmaintained"],
                         tolerance = 1e-10)
})

# ---- the fast route and the model.frame route agree ---------------------------

expect_same_fit <- function(a, b, label = "", ignore_strata_names = FALSE) {
  for (nm in setdiff(union(names(a), names(b)), c("call"))) {
    x <- a[[nm]]
    y <- b[[nm]]
    if (nm == "strata" && ignore_strata_names) {
      x <- unname(x)
      y <- unname(y)
    }
    expect_identical(x, y, label = paste(label, nm))
  }
}

route_data <- function() {
  d <- sim_surv(40, seed = 11, ties = "heavy", strata = 1, weights = "real")
  d$t <- d$time
  d$s <- d$status
  d
}

test_that("fast route and subset= (model.frame route) give identical fits", {
  d <- route_data()
  expect_same_fit(km(Surv(t, s) ~ g, d), km(Surv(t, s) ~ g, d, subset = rep(TRUE, nrow(d))),
                  "subset")
  expect_same_fit(km(Surv(t, s) ~ g, d, weights = w),
                  km(Surv(t, s) ~ g, d, weights = w, subset = rep(TRUE, nrow(d))),
                  "weights, subset")
  de <- sim_surv(40, seed = 12, ties = "none", strata = 2, weights = "integer", entry = TRUE)
  expect_same_fit(km(Surv(start, time, status) ~ g + h, de, weights = w),
                  km(Surv(start, time, status) ~ g + h, de, weights = w,
                     subset = rep(TRUE, nrow(de))),
                  "entry, subset")
})

test_that("fast route and other model.frame routes give identical fits", {
  d <- route_data()
  fast <- km(Surv(t, s) ~ g, d)
  expect_same_fit(fast, km(survival::Surv(t, s) ~ g, d), "survival::Surv")
  expect_same_fit(fast, km(Surv(t * 1, s) ~ g, d), "expression in Surv()")
  expect_same_fit(fast, km(Surv(t, s) ~ g, d, na.action = na.omit), "explicit na.omit")
  dollar <- km(Surv(d$t, d$s) ~ d$g)
  expect_same_fit(fast, dollar, "d$", ignore_strata_names = TRUE)
  expect_identical(names(dollar$strata),
                   names(survival::survfit(Surv(d$t, d$s) ~ d$g)$strata))
  fast <- km(Surv(t, s) ~ g, d, weights = w)
  expect_same_fit(fast, km(Surv(t, s) ~ g, d, weights = w * 1), "weights expression")
  expect_identical(fast$ci$variance, "robust")
  de <- sim_surv(40, seed = 12, ties = "none", strata = 2, weights = "integer", entry = TRUE)
  fast <- km(Surv(start, time, status) ~ g + h, de, weights = w)
  expect_same_fit(fast, km(Surv(start * 1, time, status) ~ g + h, de, weights = w),
                  "entry, expression")
  dollar <- km(Surv(de$start, de$time, de$status) ~ de$g + de$h, weights = de$w)
  expect_same_fit(fast, dollar, "entry, d$", ignore_strata_names = TRUE)
})

test_that("fast and model.frame routes agree with missing values", {
  d <- sim_surv(30, seed = 13, ties = "heavy", strata = 1, weights = "integer", entry = TRUE)
  d$time[3] <- NA
  d$status[7] <- NA
  d$g[c(10, 11)] <- NA
  d$w[20] <- NA
  d$start[25] <- NA
  fast <- km(Surv(start, time, status) ~ g, d, weights = w)
  ref <- survival::survfit(Surv(start, time, status) ~ g, d, weights = w, conf.type = "log-log")
  expect_identical(fast$na.action, ref$na.action)
  expect_same_as_survfit(fast, ref, tolerance = 1e-10)
  expect_same_fit(fast, km(Surv(start, time, status) ~ g, d, weights = w,
                           subset = rep(TRUE, nrow(d))), "NA, subset")
  expect_same_fit(fast, km(Surv(start, time, status) ~ g, d, weights = w, na.action = na.omit),
                  "NA, na.omit")
})

# ---- timefix and robust -------------------------------------------------------

test_that("timefix = FALSE equals survfit(timefix = FALSE) on near-tied data", {
  for (seed in 1:10) {
    for (entry in c(FALSE, TRUE)) {
      d <- sim_surv(40, seed = seed, ties = "near", strata = seed %% 3, entry = entry)
      f <- sim_formula(seed %% 3, entry)
      for (tf in c(TRUE, FALSE)) {
        p <- fit_pair(f, d, conf.type = "log-log", timefix = tf)
        expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10,
                               label = paste("seed", seed, "entry", entry, "timefix", tf))
      }
    }
  }
  d <- sim_surv(60, seed = 1, ties = "near")
  a <- km(Surv(time, status) ~ 1, d, timefix = TRUE)
  b <- km(Surv(time, status) ~ 1, d, timefix = FALSE)
  expect_gt(length(b$time), length(a$time))
})

test_that("robust = TRUE/FALSE explicitly equals survfit(robust =)", {
  for (seed in 1:10) {
    for (wt in c("none", "integer", "real")) {
      d <- sim_surv(30, seed = seed, ties = "heavy", strata = seed %% 2, weights = wt)
      f <- sim_formula(seed %% 2)
      for (rb in c(TRUE, FALSE)) {
        for (ct in c("log", "log-log", "plain")) {
          p <- fit_pair(f, d, conf.type = ct, weighted = wt != "none", robust = rb)
          expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10,
                                 label = paste("seed", seed, wt, "robust", rb, ct))
          expect_identical(p$fit$ci$variance, if (rb) "robust" else "greenwood")
        }
      }
    }
  }
  # default: robust exactly when some weight is not an integer
  d <- sim_surv(20, seed = 3, weights = "real")
  expect_identical(km(Surv(time, status) ~ 1, d, weights = w)$ci$variance, "robust")
  expect_false(km(Surv(time, status) ~ 1, d, weights = w)$logse)
  d <- sim_surv(20, seed = 3, weights = "integer")
  expect_identical(km(Surv(time, status) ~ 1, d, weights = w)$ci$variance, "greenwood")
})

test_that("robust = TRUE with delayed entry equals survfit(robust = TRUE, id = row)", {
  # survfit wants an id for robust counting-process data; one row per subject
  for (seed in 1:10) {
    for (wt in c("none", "integer")) {
      d <- sim_surv(30, seed = seed, ties = "heavy", strata = seed %% 2, weights = wt,
                    entry = TRUE)
      d$id <- seq_len(nrow(d))
      f <- sim_formula(seed %% 2, entry = TRUE)
      fit <- if (wt == "none") km(f, d, robust = TRUE, conf.type = "log-log") else
        km(f, d, weights = w, robust = TRUE, conf.type = "log-log")
      ref <- if (wt == "none") survival::survfit(f, d, robust = TRUE, id = id,
                                                 conf.type = "log-log") else
        survival::survfit(f, d, weights = w, robust = TRUE, id = id, conf.type = "log-log")
      expect_same_as_survfit(fit, ref, tolerance = 1e-10, label = paste("seed", seed, wt))
    }
  }
})

test_that("IJ variance at n = 1e6 with heavy delayed entry: equal to survfit and to the exact influence sums", {
  skip_on_cran()  # survfit takes ~3 s
  # 60% of subjects enter late, fractional weights, ~220 distinct times: in
  # the tail a handful remain at risk of a million who were.  A version
  # that subtracted the leavers from plain running moments and took the
  # deviations C_{entry} - C_t from plain cumulative sums agreed with
  # survfit only to 6.5e-11 (8e-11 at 1e5) and was the less accurate of
  # the two; with compensated sums it agrees to ~1e-14 and matches the
  # exact sums below to ~1e-15.
  d <- sim_late_entry(1e6, "binary")
  start <- d$start
  stop <- d$stop
  st <- d$st
  w <- d$w
  fit <- km(survival::Surv(start, stop, st) ~ 1, data = d, weights = w)
  ref <- survival::survfit(survival::Surv(start, stop, st) ~ 1, data = d, weights = w)
  expect_equal(fit$surv, ref$surv, tolerance = 1e-13)
  expect_equal(fit$std.err, ref$std.err, tolerance = 1e-12)
  rel <- abs(fit$std.err / ref$std.err - 1)
  expect_lt(max(rel[is.finite(rel)]), 1e-12)
  # the exact IJ sum at three tail rows, each influence summed term by term
  # (subjects sharing entry row, stop row and status share an influence)
  tm <- fit$time; nr <- fit$n.risk; de <- fit$n.event
  cj <- ifelse(de > 0 & nr > de, de / (nr * (nr - de)), 0)
  f <- findInterval(start, tm) + 1
  s <- match(stop, tm)
  key <- paste(f, s, st)
  u <- which(!duplicated(key))
  grp <- match(key, key[u])
  w2 <- as.vector(tapply(w^2, grp, sum))
  last <- max(which(fit$surv > 0))  # (where S = 0 its se is 0)
  for (t in last - c(20, 5, 0)) {
    infl <- vapply(u, function(i) {
      if (f[i] > min(s[i], t)) return(0)
      v <- -sum(cj[f[i]:min(s[i], t)])
      if (s[i] <= t && st[i] == 1) v <- v + 1 / (nr[s[i]] - de[s[i]])
      v
    }, numeric(1))
    exact <- fit$surv[t] * sqrt(sum(w2 * infl^2))
    expect_equal(fit$std.err[t], exact, tolerance = 1e-13, label = paste("row", t))
  }
})

test_that("robust = FALSE with delayed entry and real weights equals survfit", {
  for (seed in 1:10) {
    d <- sim_surv(30, seed = seed, ties = "heavy", strata = 1, weights = "real", entry = TRUE)
    p <- fit_pair(sim_formula(1, TRUE), d, conf.type = "log-log", weighted = TRUE,
                  robust = FALSE)
    expect_same_as_survfit(p$fit, p$ref, tolerance = 1e-10, label = paste("seed", seed))
  }
})

test_that("the ci component names the interval and variance", {
  fit <- km(Surv(time, status) ~ x, survival::aml, conf.type = "arcsin", conf.level = 0.9)
  expect_identical(fit$ci$conf.type, "arcsin")
  expect_equal(fit$ci$conf.level, 0.9, tolerance = 1e-12)
  expect_identical(fit$ci$variance, "greenwood")
  expect_s3_class(fit, c("smallsurv_km", "survfit"), exact = TRUE)
  none <- km(Surv(time, status) ~ x, survival::aml, conf.type = "none")
  expect_identical(none$ci$conf.type, "none")
  expect_null(none$lower)
  expect_null(none$upper)
})

# ---- the ecosystem sees a survfit object ---------------------------------------

test_that("broom's own survfit tidier works on km fits and agrees with survfit", {
  skip_if_not_installed("broom")
  tidy_survfit <- getS3method("tidy", "survfit", envir = asNamespace("broom"))
  for (ct in c("log", "log-log", "plain")) {
    fit <- km(Surv(time, status) ~ x, data = survival::aml, conf.type = ct)
    ref <- survival::survfit(Surv(time, status) ~ x, data = survival::aml, conf.type = ct)
    expect_equal(as.data.frame(tidy_survfit(fit)), as.data.frame(tidy_survfit(ref)),
                 tolerance = 1e-10)
  }
  fit1 <- km(Surv(time, status) ~ 1, data = survival::aml)
  ref1 <- survival::survfit(Surv(time, status) ~ 1, data = survival::aml, conf.type = "log-log")
  glance_survfit <- getS3method("glance", "survfit", envir = asNamespace("broom"))
  expect_equal(as.data.frame(glance_survfit(fit1)), as.data.frame(glance_survfit(ref1)),
               tolerance = 1e-10)
})

test_that("ggsurvfit and gtsummary read the same numbers from km() fits as from survfit", {
  # They run on the current CRAN stack (make check-cran); Debian's survival
  # 3.5-3 is too old for current ggsurvfit. Looked up by name: they are not
  # in Suggests, which make check forces on the Debian stack.
  skip_if_not_installed("ggsurvfit")
  skip_if_not_installed("ggplot2")
  gg <- function(f) getExportedValue("ggsurvfit", f)
  for (ct in c("log-log", "log", "plain")) {
    fit <- km(Surv(time, status) ~ x, data = survival::aml, conf.type = ct)
    ref <- survival::survfit(Surv(time, status) ~ x, data = survival::aml, conf.type = ct)
    expect_equal(as.data.frame(gg("tidy_survfit")(fit)), as.data.frame(gg("tidy_survfit")(ref)),
                 tolerance = 1e-10, label = ct)
    draw <- function(f) gg("ggsurvfit")(f) + gg("add_confidence_interval")()
    for (layer in 1:2) {
      expect_equal(ggplot2::layer_data(draw(fit), layer), ggplot2::layer_data(draw(ref), layer),
                   tolerance = 1e-10, label = paste(ct, "layer", layer))
    }
    pdf(NULL)
    expect_no_error(print(draw(fit) + gg("add_risktable")()))
    grDevices::dev.off()
  }
  skip_if_not_installed("gtsummary")
  tbl_survfit <- getExportedValue("gtsummary", "tbl_survfit")
  fit <- km(Surv(time, status) ~ x, data = survival::aml, conf.type = "log")
  ref <- survival::survfit(Surv(time, status) ~ x, data = survival::aml, conf.type = "log")
  body <- function(t) as.data.frame(t$table_body)
  expect_equal(body(tbl_survfit(fit, times = c(10, 20))), body(tbl_survfit(ref, times = c(10, 20))))
  expect_equal(body(tbl_survfit(fit, probs = 0.5)), body(tbl_survfit(ref, probs = 0.5)))
})
