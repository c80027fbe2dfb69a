# quantile() of km fits: survival's band inversion, bpcp's rule, and the
# Brookmeyer-Crowley interval.

# survival's quantile() output as vectors in quantile()'s row order
# (strata-major).
survival_quantiles <- function(sf, probs) {
  s <- stats::quantile(sf, probs)
  flat <- function(m) if (is.matrix(m)) as.vector(t(m)) else unname(m)
  list(estimate = flat(s$quantile), lower = flat(s$lower), upper = flat(s$upper))
}

test_that("survival's tests/quantile.R conventions are reproduced (hand-worked)", {
  d <- data.frame(time = c(9, 3, 1, 1, 6, 6, 8, 10), status = c(1, NA, 1, 0, 1, 1, 0, 0))
  qq <- c(13/14, 6/7, 2/3, .5, 9/35, .1)
  q <- quantile_table(km(Surv(time, status) ~ 1, d, conf.type = "log"), 1 - qq)
  expect_s3_class(q, "smallsurv_quantile")
  expect_equal(q$estimate, c(1, 3.5, 6, 9, 9.5, NA), tolerance = 1e-12)
  expect_equal(q$lower, c(1, 1, 1, 6, 6, 9), tolerance = 1e-12)
  expect_equal(q$upper, rep(NA_real_, 6), tolerance = 1e-12)
  expect_identical(names(q), c("quantile", "estimate", "lower", "upper", "method",
                               "conf.type", "conf.level", "note"))
  expect_identical(names(quantile_table(km(Surv(time, status) ~ 1, d), 0.5, maturity = FALSE)),
                   c("quantile", "estimate", "lower", "upper", "method", "conf.type",
                     "conf.level"))
})

test_that("quantiles read off the immature tail are named, in quantile_table() and print()", {
  # 10 deaths at 1, ..., 10: n.risk at t_j is 11 - j, so the first time with
  # fewer than 5 at risk is 7 and the curve is readable up to 6 (maturity()).
  # Quartiles (S falls to 0.75, 0.5, 0.25): 3, 5.5 (flat at 0.5 on [5, 6)),
  # 8; the log-log band's upper limits 6, 8 and not reached.
  d <- data.frame(t = 1:10, s = 1)
  fit <- km(Surv(t, s) ~ 1, d)
  q <- quantile_table(fit)
  expect_equal(q$estimate, c(3, 5.5, 8), tolerance = 1e-12)
  expect_equal(q$upper, c(6, 8, NA), tolerance = 1e-12)
  expect_identical(q$note, c("", "past maturity (6; n.risk < 5): upper limit",
                             "past maturity (6; n.risk < 5): estimate"))
  # a rule of one's own: at least 3 at risk -> readable to 8
  q3 <- quantile_table(fit, maturity = list(min.risk = 3))
  expect_identical(q3$note, c("", "", ""))
  expect_identical(quantile_table(fit, maturity = maturity(fit, min.risk = 8))$note[1],
                   "past maturity (3; n.risk < 8): upper limit")
  # the estimates themselves do not change
  expect_equal(q3[c("estimate", "lower", "upper")], q[c("estimate", "lower", "upper")])
  out <- utils::capture.output(print(fit))
  expect_true(any(grepl(" 5.5 +[0-9.]+ +8\\*$", out)))
  expect_true(any(grepl("^\\* read off the immature tail", out)))
  # nothing past maturity: no mark, no footnote
  big <- km(Surv(t, s) ~ 1, data.frame(t = c(1:10, rep(11, 10)), s = c(rep(1, 10), rep(0, 10))))
  out <- utils::capture.output(print(big))
  expect_false(any(grepl("*", out, fixed = TRUE)))
  # strata: each curve against its own maturity time
  g <- km(Surv(t, s) ~ g, data.frame(t = c(1:10, 1:10), s = 1, g = rep(c("a", "b"), each = 10)))
  expect_identical(quantile_table(g, 0.75)$note,
                   rep("past maturity (6; n.risk < 5): estimate", 2))
})

test_that("band inversion equals survival::quantile.survfit for every Greenwood transform", {
  n_cmp <- 0L
  for (seed in 1:60) {
    n <- 1 + seed %% 25
    d <- with_seed_local(seed, data.frame(time = round(rexp(n), 1), status = rbinom(n, 1, 0.7),
                                          g = sample(c("a", "b", "c"), n, TRUE)))
    for (ct in c("log", "log-log", "plain", "logit", "arcsin")) {
      for (form in list(Surv(time, status) ~ 1, Surv(time, status) ~ g)) {
        f <- km(form, d, conf.type = ct)
        sf <- quiet_nan(survival::survfit(form, d, conf.type = ct))
        # include probabilities exactly on flat parts (the midpoint rule)
        probs <- sort(unique(c(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1 - f$surv)))
        q <- quantile_table(f, probs)
        ref <- survival_quantiles(sf, probs)
        expect_equal(q$estimate, ref$estimate, tolerance = 1e-12)
        expect_equal(q$lower, ref$lower, tolerance = 1e-12)
        expect_equal(q$upper, ref$upper, tolerance = 1e-12)
        n_cmp <- n_cmp + 1L
      }
    }
  }
  expect_equal(n_cmp, 600L, tolerance = 0)
})

test_that("all censored, n = 1 and a last death give NA limits as survival does", {
  d1 <- data.frame(time = 5, status = 1)
  d0 <- data.frame(time = c(2, 4, 6), status = 0)
  for (d in list(d1, d0)) {
    q <- quantile_table(km(Surv(time, status) ~ 1, d, conf.type = "log"), c(0.25, 0.5))
    ref <- survival_quantiles(survival::survfit(Surv(time, status) ~ 1, d), c(0.25, 0.5))
    expect_equal(q$estimate, ref$estimate, tolerance = 1e-12)
    expect_equal(q$lower, ref$lower, tolerance = 1e-12)
    expect_equal(q$upper, ref$upper, tolerance = 1e-12)
  }
  expect_true(all(is.na(quantile_table(km(Surv(time, status) ~ 1, d0), 0.5)$estimate)))
})

test_that("median() and the printed table say 'not reached'", {
  aml <- survival::aml
  f <- km(Surv(time, status) ~ x, aml, conf.type = "log")
  m <- quantile_table(f, 0.5)
  # survival's published aml medians (doaml.Rout.save)
  expect_equal(m$estimate, c(31, 23), tolerance = 1e-12)
  expect_equal(m$lower, c(18, 8), tolerance = 1e-12)
  expect_equal(m$upper, c(NA_real_, NA_real_), tolerance = 1e-12)
  expect_equal(unname(median(f)[, 1]), c(31, 23), tolerance = 1e-12)
  expect_snapshot(print(m))
  expect_snapshot(print(f))
})

test_that("bpcp's inversion rule equals bpcp's quantile.kmciLR", {
  skip_if_not_installed("bpcp")
  for (seed in 1:30) {
    n <- 3 + seed %% 20
    d <- with_seed_local(seed, data.frame(time = round(rexp(n) * 10), status = rbinom(n, 1, 0.7)))
    b <- bpcp::bpcp(d$time, d$status)
    probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)
    ref <- bpcp:::quantile.kmciLR(b, probs = probs)
    # bpcp's intervals are [L_i, R_i) with L the start time and the observed times
    got <- smallsurv:::quantile_bpcp_rule(b$L, b$surv, b$lower, b$upper, probs, 0)
    fin <- function(v) ifelse(is.finite(v), v, NA_real_)
    expect_equal(got$estimate, fin(ref[, "q"]), tolerance = 1e-12)
    expect_equal(got$lower, fin(ref[, "lower"]), tolerance = 1e-12)
    expect_equal(got$upper, fin(ref[, "upper"]), tolerance = 1e-12)
  }
})

test_that("Brookmeyer-Crowley interval (hand-worked, uncensored n = 4)", {
  # S = 3/4, 1/2, 1/4 at t = 1, 2, 3 (then 0 at 4); plain Greenwood
  # se(S) = sqrt(S (1 - S) / 4): 0.2165, 0.25, 0.2165. For the median,
  # |S - 0.5| / se = 1.1547, 0, 1.1547, all <= 1.96: lower = 1 and the
  # upper limit is the event time after 3, i.e. 4.
  d <- data.frame(time = 1:4, status = 1)
  f <- km(Surv(time, status) ~ 1, d, conf.type = "plain")
  q <- quantile_table(f, 0.5, method = "brookmeyer-crowley")
  expect_equal(c(q$estimate, q$lower, q$upper), c(2.5, 1, 4), tolerance = 1e-12)
  expect_identical(q$conf.type, "plain")
  # at 50% confidence z = 0.674: only t = 2 is inside -> [2, 3]
  q50 <- quantile_table(f, 0.5, method = "brookmeyer-crowley", conf.level = 0.5)
  expect_equal(c(q50$lower, q50$upper), c(2, 3), tolerance = 1e-12)
  # log-log: |log(-log S) - log(-log .5)| * S |log S| / se(S)
  S <- c(3, 2, 1) / 4
  se <- sqrt(S * (1 - S) / 4)
  stat <- abs(log(-log(S)) - log(-log(0.5))) * S * abs(log(S)) / se
  z <- stats::qnorm(0.975)
  inside <- which(stat <= z)
  q2 <- quantile_table(km(Surv(time, status) ~ 1, d), 0.5, method = "brookmeyer-crowley")
  expect_equal(q2$lower, (1:3)[inside[1]], tolerance = 1e-12)
  expect_identical(q2$conf.type, "log-log")
})

test_that("quantile() refuses bad arguments, naming them", {
  f <- km(Surv(time, status) ~ 1, survival::aml)
  expect_snapshot(quantile(f, 1.5), error = TRUE)
  expect_snapshot(quantile(f, 0.5, transform = "log"), error = TRUE)
  expect_snapshot(quantile(f, 0.5, method = "brookmeyer-crowley", transform = "cube"),
                  error = TRUE)
})

test_that("non-Greenwood registered intervals: the same inversion of fit$lower/upper", {
  # survival's quantile.survfit applied to the fit's own band is the oracle
  for (seed in 1:10) {
    d <- sim_surv(15 + seed, seed, strata = 1)
    cm <- ci_methods()
    types <- setdiff(cm$conf.type[cm$km],
                     c("plain", "log", "log-log", "logit", "arcsin", "bpcp", "bpcp-midp"))
    for (ct in types) {
      f <- if (ct == "bootstrap") km(sim_formula(1), d, conf.type = ct, reps = 200, seed = seed) else
        km(sim_formula(1), d, conf.type = ct)
      probs <- c(0.1, 0.25, 0.5, 0.75)
      ref <- survival_quantiles(structure(unclass(f), class = "survfit"), probs)
      q <- quantile_table(f, probs)
      expect_equal(q$lower, ref$lower, tolerance = 1e-12)
      expect_equal(q$upper, ref$upper, tolerance = 1e-12)
      expect_identical(unique(q$conf.type), ct)
    }
  }
})

test_that("bpcp fits: quantile() equals bpcp's quantile (once conf.type = \"bpcp\" exists)", {
  skip_if_not_installed("bpcp")
  skip_if_not("bpcp" %in% ci_methods()$conf.type, "conf.type \"bpcp\" not registered yet")
  for (seed in 1:20) {
    n <- 3 + seed %% 20
    d <- with_seed_local(seed, data.frame(time = round(rexp(n) * 10) + 1,
                                          status = rbinom(n, 1, 0.7)))
    for (midp in c(FALSE, TRUE)) {
      f <- km(Surv(time, status) ~ 1, d, conf.type = if (midp) "bpcp-midp" else "bpcp")
      b <- bpcp::bpcp(d$time, d$status, midp = midp,
                      control = bpcp::bpcpControl(midpMMTol = 1e-12))
      probs <- c(0.1, 0.25, 0.5, 0.75, 0.9)
      q <- quantile_table(f, probs)
      ref <- bpcp:::quantile.kmciLR(b, probs = 1 - probs)  # bpcp's probs are S(q)
      fin <- function(v) ifelse(is.finite(v), v, NA_real_)
      expect_identical(unique(q$method), "band (bpcp rule)")
      expect_equal(q$estimate, fin(ref[, "q"]), tolerance = 1e-12)
      expect_equal(q$lower, fin(ref[, "lower"]), tolerance = 1e-12)
      expect_equal(q$upper, fin(ref[, "upper"]), tolerance = 1e-12)
    }
  }
})

test_that("print() of a BPCP fit shows bpcp's median limits", {
  skip_if_not_installed("bpcp")
  skip_if_not("bpcp" %in% ci_methods()$conf.type, "conf.type \"bpcp\" not registered yet")
  # bpcp vignette-style toy data: bpcp's median 7 with limits [0, Inf)
  d <- data.frame(time = c(3, 7, 8, 14, 5), status = c(1, 1, 0, 1, 1))
  f <- km(Surv(time, status) ~ 1, d, conf.type = "bpcp")
  ref <- bpcp:::median.kmciLR(bpcp::bpcp(d$time, d$status))
  tab <- smallsurv:::median_table(f)
  # (n = 5: the median 7 lies past the maturity time 3 and is marked "*")
  expect_identical(unname(tab[1, c("median", "0.95LCL", "0.95UCL")]),
                   unname(c(paste0(format(ref[, "q"]), "*"), format(ref[, "lower"]),
                            "not reached")))
  expect_true(is.infinite(ref[, "upper"]))
  gl <- glance(f)
  expect_equal(c(gl$median, gl$conf.low, gl$conf.high), c(7, 0, NA), tolerance = 1e-12)
  expect_snapshot(print(f))
})

test_that("stratified BPCP fits: each stratum's quantiles equal bpcp's on that group", {
  skip_if_not_installed("bpcp")
  skip_if_not("bpcp" %in% ci_methods()$conf.type, "conf.type \"bpcp\" not registered yet")
  for (seed in 1:10) {
    d <- with_seed_local(seed, data.frame(time = round(rexp(30) * 10) + 1,
                                          status = rbinom(30, 1, 0.6),
                                          g = rep(c("a", "b"), 15)))
    f <- km(Surv(time, status) ~ g, d, conf.type = "bpcp")
    probs <- c(0.25, 0.5, 0.75)
    q <- quantile_table(f, probs)
    for (lv in c("a", "b")) {
      dd <- d[d$g == lv, ]
      ref <- bpcp:::quantile.kmciLR(bpcp::bpcp(dd$time, dd$status), probs = 1 - probs)
      fin <- function(v) ifelse(is.finite(v), v, NA_real_)
      got <- q[q$strata == paste0("g=", lv), ]
      expect_equal(got$estimate, fin(ref[, "q"]), tolerance = 1e-12)
      expect_equal(got$lower, fin(ref[, "lower"]), tolerance = 1e-12)
      expect_equal(got$upper, fin(ref[, "upper"]), tolerance = 1e-12)
    }
  }
})


test_that("quantile() and median() return survival's structures, identical in shape", {
  # the contract code written for survfit reads (gtsummary, survminer):
  # names, dims, dimnames, list or not -- and equal numbers
  cases <- list(
    list(f = Surv(time, status) ~ 1, d = survival::aml, ct = "log"),
    list(f = Surv(time, status) ~ x, d = survival::aml, ct = "log-log"),
    list(f = Surv(time, status) ~ x, d = survival::aml, ct = "plain"),
    list(f = Surv(time, status) ~ 1, d = survival::aml, ct = "none"),
    list(f = Surv(time, status) ~ sex, d = survival::lung, ct = "log"),
    list(f = Surv(time, status) ~ sex + ph.ecog, d = survival::lung, ct = "log-log"))
  for (cs in cases) {
    ours <- km(cs$f, data = cs$d, conf.type = cs$ct)
    ref <- survival::survfit(cs$f, data = cs$d, conf.type = cs$ct)
    lab <- paste(deparse1(cs$f), cs$ct)
    for (probs in list(c(0.25, 0.5, 0.75), 0.5, c(0.1, 1 / 3, 0.9))) {
      for (ci in c(TRUE, FALSE)) {
        a <- quantile(ours, probs, conf.int = ci)
        b <- quantile(ref, probs, conf.int = ci)
        expect_identical(lapply(a, attributes), lapply(b, attributes), label = lab)
        expect_identical(attributes(a), attributes(b), label = lab)
        expect_equal(a, b, tolerance = 1e-12, label = lab)
      }
    }
    a <- quantile(ours, 0.5, scale = 30.44)
    b <- quantile(ref, 0.5, scale = 30.44)
    expect_equal(a, b, tolerance = 1e-12, label = lab)
    expect_identical(attributes(median(ours)), attributes(median(ref)), label = lab)
    expect_equal(median(ours), median(ref), tolerance = 1e-12, label = lab)
  }
  # the former silent error: $quantile holds times, not probabilities
  f <- km(Surv(efs_time, efs_status) ~ 1, data = rrall)
  expect_false(isTRUE(all.equal(unname(quantile(f, 0.5)$quantile), 0.5)))
  expect_equal(unname(quantile(f, 0.5)$quantile), quantile_table(f, 0.5)$estimate)
  # smallsurv's extra methods keep survival's shape
  bc <- quantile(km(Surv(time, status) ~ x, data = survival::aml), 0.5,
                 method = "brookmeyer-crowley")
  expect_identical(names(bc), c("quantile", "lower", "upper"))
  expect_identical(dim(bc$lower), c(2L, 1L))
  expect_error(quantile(f, 0.5, scale = 0), "`scale` must be")
  expect_error(quantile_table(survival::survfit(Surv(time, status) ~ 1, data = survival::aml)),
               "`x` must be a fit from km")
})
