# cif(): hand-worked example first, then live comparisons with survival,
# cmprsk and etm on seeded data sets, then methods and errors.

test_that("the by-hand example of survival's tests/testci.R is reproduced exactly", {
  d <- data.frame(time = c(1, 2, 2, 3, 3, 3, 5, 6), status = c(0, 1, 0, 1, 0, 1, 0, 1),
                  event = c(1, 1, 2, 2, 1, 2, 3, 2))
  d$ev <- factor(d$status * d$event, 0:2)
  for (v in c("delta", "ij")) {
    fit <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = v)
    expect_equal(fit$time, c(1, 2, 3, 5, 6), tolerance = 1e-12)
    expect_equal(unname(fit$pstate), cbind(c(1, 6/7, 18/35, 18/35, 0), c(0, 1/7, 1/7, 1/7, 1/7),
                                           c(0, 0, 12/35, 12/35, 6/7)), tolerance = 1e-12)
    v2 <- fit$std.err^2
    expect_equal(v2[, 2], c(0, rep(6/343, 4)), tolerance = 1e-12)
    expect_equal(v2[, 1], c(0, 6/343, 0.04156268, 0.04156268, 0), tolerance = 1e-7)
    expect_equal(v2[, 3], c(0, 0, 0.03806414, 0.03806414, 6/343), tolerance = 1e-7)
  }
  expect_equal(fit$states, c("(s0)", "1", "2"))
  expect_s3_class(fit, c("smallsurv_cif", "survfitms", "survfit"), exact = TRUE)
})

test_that("fits have survfit's multi-state structure, component by component", {
  d <- sim_cr(11, 30)
  s <- survival::survfit(survival::Surv(time, ev) ~ g, data = d)
  f <- cif(survival::Surv(time, ev) ~ g, data = d, conf.type = "log")
  expect_setequal(setdiff(names(f), c("ci")), names(s))
  for (nm in setdiff(names(f), c("call", "ci"))) expect_equal(f[[nm]], s[[nm]], tolerance = 1e-10,

                                                     info = nm)
  s1 <- survival::survfit(survival::Surv(time, ev) ~ 1, data = d)
  f1 <- cif(survival::Surv(time, ev) ~ 1, data = d, conf.type = "log")
  expect_setequal(setdiff(names(f1), c("ci")), names(s1))
  for (nm in setdiff(names(f1), c("call", "ci"))) expect_equal(f1[[nm]], s1[[nm]], tolerance = 1e-10,
 
                                                      info = nm)
})

test_that("estimates, delta and IJ variances and every transform equal survfit (60 data sets)", {
  worst <- 0
  for (seed in 1:60) {
    d <- sim_cr(seed)
    for (ct in c("log", "log-log", "plain", "logit", "arcsin")[seed %% 5 + 1]) {
      s <- survfit_ms(survival::Surv(time, ev) ~ g, data = d, conf.type = ct)
      for (v in c("delta", "ij")) {
        f <- cif(survival::Surv(time, ev) ~ g, data = d, conf.type = ct, variance = v)
        expect_equal(f$pstate, s$pstate, tolerance = 1e-12)
        expect_equal(f$std.err, s$std.err, tolerance = 1e-8)
        # survfit returns some limits without dim; where F = 1 its variance is a
        # rounding residue (~1e-17) instead of 0, which logit and arcsin turn
        # into limits (1, 0); ours are NA there (documented)
        expect_same_ci(f, s, ct)
        worst <- max(worst, abs(f$std.err - s$std.err))
      }
    }
    expect_equal(f$n.risk, s$n.risk, tolerance = 1e-12)
    expect_equal(f$n.event, s$n.event, tolerance = 1e-12)
    expect_equal(f$n.censor, s$n.censor, tolerance = 1e-12)
    expect_equal(f$strata, s$strata)
  }
  expect_lt(worst, 1e-12)
})

test_that("case weights (IJ variance) equal survfit", {
  for (seed in 1:40) {
    d <- sim_cr(seed)
    # (survfit warns "NaNs produced" from its own interval code)
    s <- suppressWarnings(survival::survfit(survival::Surv(time, ev) ~ g, data = d, weights = w))
    f <- cif(survival::Surv(time, ev) ~ g, data = d, weights = w, conf.type = "log")
    expect_identical(f$ci$variance, "ij")
    expect_equal(f$pstate, s$pstate, tolerance = 1e-12)
    expect_equal(f$std.err, s$std.err, tolerance = 1e-8)
    expect_equal(f$n.risk, s$n.risk, tolerance = 1e-12)  # unweighted, as survfit
    expect_equal(f$n.event, s$n.event, tolerance = 1e-12)
    expect_same_ci(f, s, "log")
  }
})

test_that("delayed entry with id (IJ variance) equals survfit, also with weights", {
  for (seed in 1:40) {
    d <- sim_cr(seed)
    s <- survival::survfit(survival::Surv(entry, time, ev) ~ g, data = d, id = id)
    f <- cif(survival::Surv(entry, time, ev) ~ g, data = d, id = id, variance = "ij",
             conf.type = "log")
    expect_equal(f$pstate, s$pstate, tolerance = 1e-12)
    expect_equal(f$std.err, s$std.err, tolerance = 1e-8)
    expect_equal(f$n.risk, s$n.risk, tolerance = 1e-12)
    expect_identical(f$type, "mcounting")
    sw <- suppressWarnings(survival::survfit(survival::Surv(entry, time, ev) ~ 1, data = d,
                                             id = id, weights = w))
    fw <- cif(survival::Surv(entry, time, ev) ~ 1, data = d, id = id, weights = w)
    expect_equal(fw$std.err, sw$std.err, tolerance = 1e-8)
  }
})

test_that("a subject split into several rows gives the same fit (IJ clusters by id)", {
  d <- sim_cr(7, 25)
  d$entry <- 0
  # split every subject with time > 1 at half its time
  sp <- d[d$time > 1, ]
  a <- sp; a$time <- sp$time / 2; a$ev <- factor("cens", levels(d$ev))
  b <- sp; b$entry <- sp$time / 2
  long <- rbind(d[d$time <= 1, ], a, b)
  f1 <- cif(survival::Surv(entry, time, ev) ~ 1, data = d, id = id, variance = "ij")
  f2 <- cif(survival::Surv(entry, time, ev) ~ 1, data = long, id = id, variance = "ij")
  keep <- match(f1$time, f2$time)
  expect_equal(f2$pstate[keep, ], f1$pstate, tolerance = 1e-12)
  expect_equal(f2$std.err[keep, ], f1$std.err, tolerance = 1e-10)
  s2 <- survival::survfit(survival::Surv(entry, time, ev) ~ 1, data = long, id = id)
  expect_equal(f2$std.err, s2$std.err, tolerance = 1e-8)
})

test_that("variance = 'gray' equals cmprsk::cuminc (estimates and variances, 60 data sets)", {
  skip_if_not_installed("cmprsk")
  worst <- 0
  for (seed in 1:60) {
    d <- sim_cr(seed)
    cu <- cmprsk::cuminc(d$time, d$st, d$g, cencode = 0)
    f <- cif(survival::Surv(time, ev) ~ g, data = d, variance = "gray")
    tp <- sort(unique(c(d$time, d$time + 0.5)))
    for (gg in unique(d$g)) {
      sub <- f[paste0("g=", gg), ]
      idx <- findInterval(tp, sub$time)
      for (k in 1:2) {
        nm <- paste(gg, k)
        if (is.null(cu[[nm]])) next
        ref <- cmprsk::timepoints(cu[nm], tp)
        ok <- !is.na(ref$est[1, ])
        est <- ifelse(idx == 0, 0, sub$pstate[pmax(idx, 1), k + 1])
        vv <- ifelse(idx == 0, 0, sub$std.err[pmax(idx, 1), k + 1]^2)
        expect_equal(est[ok], unname(ref$est[1, ok]), tolerance = 1e-12)
        expect_equal(vv[ok], unname(ref$var[1, ok]), tolerance = 1e-10)
        worst <- max(worst, abs(vv[ok] - ref$var[1, ok]))
      }
    }
  }
  expect_lt(worst, 1e-12)
})

test_that("variance = 'aalen' equals Gray's at the cause's event times when causes never tie", {
  set.seed(42)
  for (r in 1:10) {
    n <- 30
    d <- data.frame(time = round(rexp(n), 6), ev = factor(sample(0:2, n, TRUE), 0:2))
    fa <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "aalen")
    fg <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "gray")
    for (k in 1:2) {
      at <- fa$n.event[, k + 1] > 0 & fa$n.risk[, 1] > 1
      expect_equal(fa$std.err[at, k + 1], fg$std.err[at, k + 1], tolerance = 1e-12)
    }
  }
})

test_that("Aalen and delta variances by hand (n = 3, no censoring)", {
  d <- data.frame(time = 1:3, ev = factor(c(1, 2, 1), 0:2))
  fa <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "aalen")
  fd <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "delta")
  fg <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "gray")
  # t = 1: n = 3, one cause-1 event, S(0) = 1, F = 1/3
  expect_equal(fa$std.err[1, 2]^2, 1/9, tolerance = 1e-12)   # S^2 d / n^2
  expect_equal(fd$std.err[1, 2]^2, 2/27, tolerance = 1e-12)  # S^2 d (n - d) / n^3
  expect_equal(fg$std.err[1, 2]^2, 1/9, tolerance = 1e-12)
  # t = 2: a cause-2 event, n = 2, S(1) = 2/3, F_1 unchanged: Aalen adds
  # (F - F_1)^2-type terms only through later changes; Gray keeps its value
  expect_equal(fg$std.err[2, 2]^2, 1/9, tolerance = 1e-12)
})

test_that("closed-form variances keep their digits where F is near its plateau (centred moments)", {
  # 1e8 subjects (frequency weights): half fail of cause 1 at t = 1
  # (F = 1/2), then all but a few fail of cause 2 (Greenwood-type terms
  # d/(n(n - d)) near 1/6), then cause 1 again.  The variance of F is
  # ~2.5e-9 while the expanded sums F^2 sum q - 2 F sum q F_j + sum q F_j^2
  # are ~0.05 each: expanded (smallsurv before 0.1.0's centred moments, and
  # cmprsk's Gray variance), the variance agrees with the term-by-term sums
  # below only to 1e-9 (delta), 8e-9 (Aalen) and 3e-8 (Gray).  Centred,
  # every row agrees to 1e-12.
  N <- 1e8
  d <- data.frame(time = c(1, 1, 2, 3, 3, 4, 5),
                  ev = factor(c(1, 0, 2, 2, 0, 1, 0), 0:2),
                  w = c(N / 2, 3, N / 2 - 9, 2, 1, 1, 2))
  direct <- function(type) {  # the published sums, term by term, per row
    n <- rev(cumsum(rev(tapply(d$w, d$time, sum))))
    dk <- tapply(d$w * (d$ev == 1), d$time, sum)
    dall <- tapply(d$w * (d$ev != 0), d$time, sum)
    S <- cumprod((n - dall) / n); S0 <- c(1, head(S, -1))
    F <- cumsum(S0 * dk / n)
    tau <- function(x, n) ifelse(x <= 1, 1, 1 - (x - 1) / (n - 1))
    sapply(seq_along(n), function(t) {
      j <- seq_len(t)
      if (type == "gray") {
        own <- j[dk[j] > 0]
        oth <- j[dall[j] - dk[j] > 0 & S[j] > 0]
        last <- max(c(0, own))  # reported value changes only at cause-1 rows
        if (last == 0) return(0)
        Ft <- F[last]; own <- own[own <= last]; oth <- oth[oth <= last]
        do <- dall - dk
        return(sum(S0[own]^2 * tau(dk[own], n[own]) * dk[own] / n[own]^2 *
                     (1 + (F[own] - Ft) / S[own])^2) +
                 sum(S0[oth]^2 * tau(do[oth], n[oth]) * do[oth] / n[oth]^2 *
                       ((F[oth] - Ft) / S[oth])^2))
      }
      q <- if (type == "delta") dall / (n * (n - dall)) else dall / ((n - 1) * (n - dall))
      q[n <= dall] <- 0
      r <- if (type == "delta") S0^2 * dk * (n - dk) / n^3 else S0^2 * tau(dk, n) * dk / n^2
      p <- if (type == "delta") S0 * dk / n^2 else
        ifelse(n > dall, S0 * dk * (n - dk) / (n * (n - dall) * (n - 1)), 0)
      sum(q[j] * (F[t] - F[j])^2) + sum(r[j]) - 2 * sum(p[j] * (F[t] - F[j]))
    })
  }
  for (type in c("delta", "aalen", "gray")) {
    f <- cif(survival::Surv(time, ev) ~ 1, data = d, weights = w, variance = type)
    v <- direct(type)
    expect_lt(max(abs(f$std.err[, 2]^2 / unname(v) - 1)), 1e-12, label = type)
    expect_gt(min(v), 2e-9)
  }
})

test_that("the delta variance is exactly 0 once everyone has failed of the cause (F = 1 -+ 1 ulp)", {
  # n subjects failing of cause 1 at distinct times: F ends at 1 in exact
  # arithmetic, computed as 1 - 1e-16 (n = 6) or 1 + 2e-16 (n = 20); the
  # variance is 0 by its formula. Aalen's is not 0 there.
  for (n in c(2, 6, 20, 57)) {
    d <- data.frame(time = seq_len(n), ev = factor(rep(1, n), 0:2))
    f <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "delta")
    expect_identical(f$std.err[n, 2], 0, label = paste("n =", n))
    expect_gt(f$std.err[n - 1, 2], 0)
    fa <- cif(survival::Surv(time, ev) ~ 1, data = d, variance = "aalen")
    expect_gt(fa$std.err[n, 2], 0)
  }
  # with another cause on the way F stays below 1 and the variance positive
  d <- data.frame(time = 1:5, ev = factor(c(1, 2, 1, 1, 1), 0:2))
  expect_gt(cif(survival::Surv(time, ev) ~ 1, data = d)$std.err[5, 2], 0)
})

test_that("IJ variance at n = 1e5 with heavy delayed entry and fractional weights equals survfit", {
  skip_on_cran()  # survfit takes ~2 s
  # ~180 distinct times, 60% late entry: the tail rests on a handful of the
  # 1e5 subjects ever at risk.  Measured agreement: 1e-14 for S (and the
  # exact influence sums of test-km.R), 4e-12 for the incidences.
  d <- sim_late_entry(1e5, "causes")
  d$id <- seq_len(nrow(d))
  f <- cif(survival::Surv(start, stop, ev) ~ 1, data = d, weights = w, id = id)
  s <- survival::survfit(survival::Surv(start, stop, ev) ~ 1, data = d, weights = w, id = id)
  expect_equal(f$pstate, s$pstate, tolerance = 1e-13)
  rel <- abs(f$std.err / s$std.err - 1)
  expect_lt(max(rel[is.finite(rel)]), 1e-10)
  expect_equal(f$std.err == 0, s$std.err == 0)
})

test_that("delayed entry: delta = etm's Greenwood-type variance and cloglog = etm's interval", {
  skip_if_not_installed("etm")
  worst <- 0
  for (seed in 1:30) {
    d <- sim_cr(seed)
    if (!any(d$st == 1)) next  # etm then reports another cause
    e <- etm::etmCIF(survival::Surv(entry, time, st != 0) ~ 1, data = d, etype = st,
                     failcode = 1)
    s <- summary(e, ci.fun = "cloglog")[[1]][[1]]
    if (is.null(s)) next
    f <- cif(survival::Surv(entry, time, ev) ~ 1, data = d, conf.type = "cloglog")
    j <- match(s$time, f$time)
    ok <- !is.na(j)
    expect_equal(f$pstate[j[ok], 2], s$P[ok], tolerance = 1e-12)
    expect_equal(f$std.err[j[ok], 2]^2, s$var[ok], tolerance = 1e-10)
    cl <- ok & s$P > 0 & s$P < 1 & s$var > 0
    expect_equal(unname(f$lower[j[cl], 2]), s$lower[cl], tolerance = 1e-10)
    expect_equal(unname(f$upper[j[cl], 2]), s$upper[cl], tolerance = 1e-10)
    worst <- max(worst, abs(f$std.err[j[ok], 2]^2 - s$var[ok]))
  }
  expect_lt(worst, 1e-12)
})

test_that("log-log on F is tidycmprsk's formula and wilson-neff is Wilson with n_eff", {
  d <- sim_cr(5, 40)
  f <- cif(survival::Surv(time, ev) ~ 1, data = d)
  z <- stats::qnorm(0.975)
  p <- f$pstate[, 2]; se <- f$std.err[, 2]
  ok <- p > 0 & p < 1
  expect_equal(f$lower[ok, 2], exp(-exp(log(-log(p[ok])) - z * se[ok] / (p[ok] * log(p[ok])))),
               tolerance = 1e-12)
  expect_equal(f$upper[ok, 2], exp(-exp(log(-log(p[ok])) + z * se[ok] / (p[ok] * log(p[ok])))),
               tolerance = 1e-12)
  expect_true(all(f$lower[ok, ] <= f$upper[ok, ], na.rm = TRUE))
  w <- cif(survival::Surv(time, ev) ~ 1, data = d, conf.type = "wilson-neff")
  ne <- p[ok] * (1 - p[ok]) / se[ok]^2
  ctr <- (p[ok] + z^2 / (2 * ne)) / (1 + z^2 / ne)
  half <- z / (1 + z^2 / ne) * sqrt(p[ok] * (1 - p[ok]) / ne + z^2 / (4 * ne^2))
  expect_equal(w$lower[ok, 2], ctr - half, tolerance = 1e-12)
  expect_equal(w$upper[ok, 2], ctr + half, tolerance = 1e-12)
  cp <- cif(survival::Surv(time, ev) ~ 1, data = d, conf.type = "cp-neff")
  x <- p[ok] * ne
  expect_equal(cp$lower[ok, 2], stats::qbeta(0.025, x, ne - x + 1), tolerance = 1e-12)
  expect_equal(cp$upper[ok, 2], stats::qbeta(0.975, x + 1, ne - x), tolerance = 1e-12)
  expect_true(all(cp$lower[ok, 2] < p[ok] & cp$upper[ok, 2] > p[ok]))
  # the same registry entries serve km(): n_eff from the KM standard error
  k <- km(survival::Surv(time, as.integer(st > 0)) ~ 1, data = d, conf.type = "cp-neff")
  sk <- k$surv * k$std.err
  okk <- k$surv > 0 & k$surv < 1
  nk <- k$surv[okk] * (1 - k$surv[okk]) / sk[okk]^2
  expect_equal(k$lower[okk], stats::qbeta(0.025, k$surv[okk] * nk, nk - k$surv[okk] * nk + 1),
               tolerance = 1e-12)
})

test_that("numeric codes with cencode, a chosen censoring level and survival::Surv input agree", {
  d <- sim_cr(8, 30)
  f1 <- cif(survival::Surv(time, ev) ~ g, data = d)
  f2 <- cif(survival::Surv(time, st) ~ g, data = d, cencode = 0)
  expect_equal(unname(f2$pstate), unname(f1$pstate[, 1:3]), tolerance = 1e-12)
  expect_identical(f2$states, c("(s0)", "1", "2"))
  d$ev2 <- factor(d$ev, c("relapse", "cens", "death", "never"))
  f3 <- cif(survival::Surv(time, ev2) ~ g, data = d, cencode = "cens")
  expect_equal(f3$pstate, f1$pstate, tolerance = 1e-12)
  # the model-frame route (subset) gives the same fit
  f4 <- cif(survival::Surv(time, ev) ~ g, data = d, subset = time > 0)
  expect_equal(f4$pstate, f1$pstate, tolerance = 1e-12)
})

test_that("all censored, and a cause that never occurs, give zero incidence", {
  d <- data.frame(time = 1:5, ev = factor(rep("c", 5), c("c", "x", "y")))
  f <- cif(survival::Surv(time, ev) ~ 1, data = d)
  expect_equal(unname(f$pstate[, 2:3]), matrix(0, 5, 2), tolerance = 0)
  expect_equal(f$pstate[, 1], rep(1, 5), tolerance = 0)
  expect_equal(f$std.err, matrix(0, 5, 3), tolerance = 0)
})

test_that("at_times() on a cif fit matches summary(fit, times = )", {
  d <- sim_cr(12, 40)
  f <- cif(survival::Surv(time, ev) ~ g, data = d)
  tt <- c(0.5, 2, 3.5)
  a <- at_times(f, tt, min.risk = 0)
  sm <- summary(f, times = tt, extend = TRUE)
  for (k in seq_along(f$states)) {
    ak <- a[a$state == f$states[k], ]
    fin <- !is.na(ak$estimate)
    expect_equal(ak$estimate[fin], sm$pstate[fin, k], tolerance = 1e-12)
    expect_equal(ak$std.error[fin], sm$std.err[fin, k], tolerance = 1e-12)
  }
  b <- at_times(f, 1e6)
  expect_true(all(is.na(b$estimate)))
  expect_match(b$note[1], "after last follow-up")
})

test_that("summary(), broom and plot() work on cif fits", {
  d <- sim_cr(13, 30)
  f <- cif(survival::Surv(time, ev) ~ g, data = d)
  expect_s3_class(summary(f, times = 2), "summary.survfitms")
  expect_output(print(f), "Aalen-Johansen")
  skip_if_not_installed("broom")
  td <- broom::tidy(f)
  expect_true(all(c("estimate", "std.error", "state") %in% names(td)))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  tab <- plot(f)
  expect_true(all(c("n.risk", "n.event", "n.censor") %in% names(tab)))
})

test_that("errors name the argument", {
  d <- sim_cr(14, 20)
  expect_error(cif(survival::Surv(time, st) ~ 1, data = d), "`cencode` is required")
  expect_error(cif(survival::Surv(time, ev) ~ 1, data = d, cencode = "zz"), "not a level")
  expect_error(cif(survival::Surv(time, ev) ~ 1, data = d, variance = "x"), "`variance`")
  expect_error(cif(survival::Surv(entry, time, ev) ~ 1, data = d, variance = "gray"),
               "right-censored")
  expect_error(cif(survival::Surv(time, ev) ~ 1, data = d, weights = w, variance = "aalen"),
               "integer")
  expect_error(km(survival::Surv(time, status) ~ 1, data = data.frame(time = 1:3, status = 1),
                  conf.type = "cloglog"), "for km\\(\\)")
  expect_error(km(survival::Surv(time, ev) ~ 1, data = d), "use cif\\(\\)")
})

test_that("km() is unchanged: equal to survfit", {
  d <- sim_cr(15, 30)
  d$status <- as.integer(d$st > 0)
  k <- km(survival::Surv(time, status) ~ g, data = d, conf.type = "log")
  s <- survival::survfit(survival::Surv(time, status) ~ g, data = d)
  expect_equal(k$surv, s$surv, tolerance = 1e-12)
  expect_equal(k$std.err, s$std.err, tolerance = 1e-12)
  expect_equal(k$lower, s$lower, tolerance = 1e-12)
})

test_that("survival::mgus2 (n = 1384, PCM vs death): survfit, cuminc and Gray's test agree", {
  skip_if_not_installed("cmprsk")
  m <- survival::mgus2
  m$etime <- ifelse(m$pstat == 0, m$futime, m$ptime)
  m$event <- ifelse(m$pstat == 0, 2 * m$death, 1)
  m$fev <- factor(m$event, 0:2, c("censor", "pcm", "death"))
  f <- cif(survival::Surv(etime, fev) ~ sex, data = m, conf.type = "log")
  s <- survival::survfit(survival::Surv(etime, fev) ~ sex, data = m)
  expect_equal(f$pstate, s$pstate, tolerance = 1e-12)
  expect_equal(f$std.err, s$std.err, tolerance = 1e-8)
  expect_same_ci(f, s, "log")
  cu <- cmprsk::cuminc(m$etime, m$event, m$sex, cencode = 0)
  g <- gray_test(survival::Surv(etime, fev) ~ sex, data = m)
  expect_equal(g$statistic, unname(cu$Tests[, "stat"]), tolerance = 1e-10)
  mh <- m[!is.na(m$hgb), ]
  g1 <- gray_test(survival::Surv(etime, fev) ~ sex, data = mh, rho = 1, strata = ~ hgb > 12)
  cu1 <- cmprsk::cuminc(mh$etime, mh$event, mh$sex, mh$hgb > 12, rho = 1, cencode = 0)
  expect_equal(g1$statistic, unname(cu1$Tests[, "stat"]), tolerance = 1e-10)
  fg <- cif(survival::Surv(etime, fev) ~ sex, data = m, variance = "gray")
  tp <- c(12, 60, 120, 240)
  ref <- cmprsk::timepoints(cu, tp)
  sub <- fg["sex=F", ]
  idx <- findInterval(tp, sub$time)
  expect_equal(sub$std.err[idx, 2]^2, unname(ref$var["F 1", ]), tolerance = 1e-10)
  expect_equal(sub$std.err[idx, 3]^2, unname(ref$var["F 2", ]), tolerance = 1e-10)
})

test_that("plot() draws a subset of causes and refuses unknown ones", {
  d <- sim_cr(16, 30)
  f <- cif(survival::Surv(time, ev) ~ g, data = d)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(f, causes = "relapse", risk.table = FALSE))
  expect_error(plot(f, causes = "zz"), "`causes`")
})

test_that("printed output and error messages (snapshots)", {
  d <- data.frame(time = c(1, 2, 2, 3, 3, 3, 5, 6),
                  ev = factor(c(0, 1, 0, 2, 0, 2, 0, 2), 0:2, c("censored", "relapse", "death")),
                  g = rep(c("A", "B"), 4))
  # survival's table of the print method gains "se(rmean)" (from std.auc)
  # in survival 3.6: one snapshot per layout
  expect_snapshot(print(cif(survival::Surv(time, ev) ~ 1, data = d)),
                  variant = survival_variant)
  expect_snapshot(at_times(cif(survival::Surv(time, ev) ~ 1, data = d), c(2, 7)))
  expect_snapshot(gray_test(survival::Surv(time, ev) ~ g, data = d))
  d$code <- as.integer(d$ev) - 1L
  expect_snapshot(error = TRUE, cif(survival::Surv(time, code) ~ 1, data = d))
  expect_snapshot(error = TRUE, cif(survival::Surv(time, ev) ~ 1, data = d, conf.type = "x"))
})

test_that("etm's abortion data (left truncation): delta = etm, ij = survfit, and they differ", {
  skip_if_not_installed("etm")
  env <- new.env()
  utils::data("abortion", package = "etm", envir = env)
  ab <- env$abortion
  e <- etm::etmCIF(survival::Surv(entry, exit, cause != 0) ~ group, ab, etype = cause,
                   failcode = 3)
  s <- summary(e, ci.fun = "cloglog")
  ab$ev <- factor(ab$cause, 0:3)
  f <- cif(survival::Surv(entry, exit, ev) ~ group, data = ab, conf.type = "cloglog")
  fi <- cif(survival::Surv(entry, exit, ev) ~ group, data = ab, variance = "ij", id = id)
  sv <- survival::survfit(survival::Surv(entry, exit, ev) ~ group, data = ab, id = id)
  expect_equal(fi$std.err, sv$std.err, tolerance = 1e-8)
  for (g in 0:1) {
    r <- s[[paste0("group=", g)]][["CIF 3"]]
    sub <- f[paste0("group=", g), ]
    j <- match(r$time, sub$time)
    expect_equal(sub$pstate[j, 4], r$P, tolerance = 1e-12)
    expect_equal(sub$std.err[j, 4]^2, r$var, tolerance = 1e-10)
    expect_equal(sub$lower[j, 4], r$lower, tolerance = 1e-10)
    expect_equal(sub$upper[j, 4], r$upper, tolerance = 1e-10)
    subi <- fi[paste0("group=", g), ]
    expect_gt(max(abs(subi$std.err[j, 4] / sub$std.err[j, 4] - 1), na.rm = TRUE), 1e-3)
  }
})

test_that("ggsurvfit's ggcuminc() reads the same numbers from cif() fits as from survfit", {
  # current CRAN stack only (make check-cran): see test-km.R
  skip_if_not_installed("ggsurvfit")
  skip_if_not_installed("ggplot2")
  gg <- function(f) getExportedValue("ggsurvfit", f)
  d <- endpoints(rrall, "competing")
  d$dose <- rrall$dose[match(d$id, rrall$id)]
  fit <- cif(Surv(time, event) ~ dose, data = d, conf.type = "log")
  ref <- survival::survfit(Surv(time, event) ~ dose, data = d, conf.type = "log")
  expect_equal(as.data.frame(gg("tidy_survfit")(fit)), as.data.frame(gg("tidy_survfit")(ref)),
               tolerance = 1e-10)
  draw <- function(f) gg("ggcuminc")(f, outcome = levels(d$event)[2]) +
    gg("add_confidence_interval")()
  for (layer in 1:2) {
    expect_equal(ggplot2::layer_data(draw(fit), layer), ggplot2::layer_data(draw(ref), layer),
                 tolerance = 1e-10, label = paste("layer", layer))
  }
  pdf(NULL)
  expect_no_error(print(draw(fit) + gg("add_risktable")()))
  grDevices::dev.off()
})

test_that("a status factor whose censoring level is not first is refused, naming it", {
  d <- data.frame(time = c(1, 2, 3, 4, 5, 6),
                  event = factor(c("relapse", "death", "censored", "relapse", "censored", "death"),
                                 levels = c("relapse", "death", "censored")))
  expect_error(cif(Surv(time, event) ~ 1, data = d),
               "first level, \"relapse\", is taken as censoring .* level 3, \"censored\"")
  # naming the censoring level, or ordering the levels, works
  a <- cif(Surv(time, event) ~ 1, data = d, cencode = "censored")
  d$event <- factor(d$event, levels = c("censored", "relapse", "death"))
  b <- cif(Surv(time, event) ~ 1, data = d)
  expect_equal(a$pstate, b$pstate[, c(1, 2, 3)], tolerance = 1e-12)
  expect_error(gray_test(Surv(time, event) ~ g,
                         data = data.frame(time = 1:4, g = c("a", "a", "b", "b"),
                                           event = factor(c("relapse", "0", "death", "0"),
                                                          c("relapse", "death", "0")))),
               "looks like the censoring code")
  # a first level of the user's own naming is fine
  e <- factor(c("none", "relapse", "none"), levels = c("none", "relapse"))
  expect_silent(cif(Surv(c(1, 2, 3), e) ~ 1))
})

test_that("subjects split into several rows (id), with strata and weights: every component equals survfit's", {
  # survival >= 3.6 drops the rows at an id's continuation times and counts
  # no censoring there; the whole object is compared in the installed
  # survival's layout (limits by expect_same_ci())
  for (seed in 1:20) {
    d <- sim_cr(seed, 30)
    d$entry <- 0
    sp <- d[d$time > 1 & seq_len(nrow(d)) %% 2 == 0, ]
    a <- sp; a$time <- sp$time / 2; a$ev <- factor("cens", levels(d$ev))
    b <- sp; b$entry <- sp$time / 2
    long <- rbind(d[!(d$id %in% sp$id), ], a, b)
    for (wt in c(FALSE, TRUE)) {
      if (wt) {
        s <- suppressWarnings(survival::survfit(Surv(entry, time, ev) ~ g, data = long,
                                                id = id, weights = w, conf.type = "log"))
        f <- cif(Surv(entry, time, ev) ~ g, data = long, id = id, weights = w, conf.type = "log")
      } else {
        s <- survival::survfit(Surv(entry, time, ev) ~ g, data = long, id = id,
                               conf.type = "log-log")
        f <- cif(Surv(entry, time, ev) ~ g, data = long, id = id, variance = "ij",
                 conf.type = "log-log")
      }
      lab <- paste("seed", seed, "weights", wt)
      expect_setequal(setdiff(names(f), "ci"), names(s))
      for (nm in setdiff(names(f), c("call", "ci", "lower", "upper"))) {
        expect_equal(f[[nm]], s[[nm]], tolerance = 1e-8, label = paste(lab, nm))
      }
      expect_same_ci(f, s, f$conf.type)
    }
  }
})

test_that("survival's generics give the same on cif() fits as on survfit's: summary, [, survfit0, plot", {
  for (seed in c(3, 12, 21)) {
    d <- sim_cr(seed, 30)
    f <- cif(Surv(time, ev) ~ g, data = d, conf.type = "log", variance = "ij")
    s <- survival::survfit(Surv(time, ev) ~ g, data = d, conf.type = "log")
    strip <- function(x) {
      x <- unclass(x)
      x[setdiff(names(x), c("call", "ci"))]
    }
    tt <- c(0.5, 2, 3.5, 5)
    a <- summary(f, times = tt, extend = TRUE)
    b <- summary(s, times = tt, extend = TRUE)
    expect_equal(strip(a)[names(strip(b))], strip(b), tolerance = 1e-10,
                 label = paste("summary, seed", seed))
    nm <- names(s$strata)
    for (k in list(1L, nm[2], c(1L, 3L))) {
      expect_equal(strip(f[k, ])[names(strip(s[k, ]))], strip(s[k, ]), tolerance = 1e-10,
                   label = paste("[", deparse(k)))
    }
    expect_equal(strip(survival::survfit0(f))[names(strip(survival::survfit0(s)))],
                 strip(survival::survfit0(s)), tolerance = 1e-10, label = "survfit0")
    # survival's plot method draws the same curves
    grDevices::pdf(NULL)
    pf <- survival:::plot.survfit(f)
    ps <- survival:::plot.survfit(s)
    grDevices::dev.off()
    expect_equal(pf, ps, tolerance = 1e-10)
  }
})

test_that("a character status needs cencode on every input route; a cencode no row has is an error", {
  d <- data.frame(time = c(1, 2, 3, 4, 5, 6), st = c(0, 1, 2, 0, 1, 2),
                  evc = c("alive", "relapse", "death", "alive", "relapse", "death"),
                  lg = c(TRUE, FALSE, TRUE, TRUE, FALSE, TRUE), stringsAsFactors = FALSE)
  msg <- "`cencode` is required when the status in `Surv()` is character"
  # fast route, model-frame route (subset =, an expression inside Surv())
  expect_error(cif(Surv(time, evc) ~ 1, data = d), msg, fixed = TRUE)
  expect_error(cif(Surv(time, evc) ~ 1, data = d, subset = time > 0), msg, fixed = TRUE)
  expect_error(cif(Surv(time, as.character(evc)) ~ 1, data = d), msg, fixed = TRUE)
  expect_error(cif(Surv(time, paste0(evc)) ~ 1, data = d, subset = time > 0), msg, fixed = TRUE)
  # with cencode both routes give the same fit, "alive" as censoring
  a <- cif(Surv(time, evc) ~ 1, data = d, cencode = "alive")
  b <- cif(Surv(time, evc) ~ 1, data = d, cencode = "alive", subset = time > 0)
  expect_identical(a$states, c("(s0)", "death", "relapse"))
  expect_identical(b$states, a$states)
  expect_equal(b$pstate, a$pstate, tolerance = 0)
  # a cencode that matches no observation
  expect_error(cif(Surv(time, st) ~ 1, data = d, cencode = 9),
               "`cencode` = 9 matches no observation, but 0 looks like the censoring code",
               fixed = TRUE)
  # numeric codes without any censoring are data, not a typo: a warning
  nc <- data.frame(time = 1:5, status = c(1, 2, 1, 2, 1))
  expect_warning(f <- cif(Surv(time, status) ~ 1, data = nc, cencode = 0),
                 "no subject is censored")
  expect_identical(f$states, c("(s0)", "1", "2"))
  expect_error(cif(Surv(time, evc) ~ 1, data = d, cencode = "alve", subset = time > 0),
               "`cencode` = \"alve\" matches no observation", fixed = TRUE)
  # a logical status is reported as logical (not numeric), on both routes
  msg <- "the status in `Surv()` is logical; competing events need a factor"
  expect_error(cif(Surv(time, lg) ~ 1, data = d), msg, fixed = TRUE)
  expect_error(cif(Surv(time, lg) ~ 1, data = d, subset = time > 0), msg, fixed = TRUE)
})

test_that("status errors name the verb that was called", {
  d <- data.frame(time = 1:6, evc = rep(c("none", "relapse", "death"), 2), g = rep(1:2, 3))
  for (v in c("km", "rmst", "followup", "logrank_test")) {
    f <- getExportedValue("smallsurv", v)
    expect_error(f(Surv(time, evc) ~ g, data = d), paste0("; ", v, "() needs 0/1"),
                 fixed = TRUE, label = v)
    # the model-frame route (an expression in Surv())
    expect_error(f(Surv(time, paste0(evc)) ~ g, data = d),
                 paste0("; ", v, "() needs 0/1"), fixed = TRUE, label = paste(v, "model frame"))
  }
})

test_that("std.auc is the infinitesimal jackknife of the area under each curve (finite differences)", {
  # the core's O(n log n) form against the definition: sum over subjects of
  # (dA/dw_i)^2 with A(t_r) = sum_{m<r} p(t_m) (t_{m+1} - t_m), by central
  # differences in the case weights; ties across causes and delayed entry
  fit_auc <- function(d, w, auc = FALSE) {
    # (std.auc comes with survival >= 3.6's layout, `current`)
    smallsurv:::cif_fit_cpp(d$time, d$status, 2L, d$entry, w, NULL, 1L, NULL, 0L, TRUE,
                            "delta", states = c("(s0)", "a", "b"), current = auc, sep = ".")
  }
  area <- function(r) {
    dt <- c(diff(r$time), 0)
    apply(r$pstate, 2, function(p) c(0, cumsum(p * dt))[seq_along(p)])
  }
  for (seed in 1:6) {
    set.seed(seed)
    n <- 9
    d <- data.frame(time = sample(1:6, n, TRUE), status = sample(0:2, n, TRUE))
    d$entry <- if (seed > 3) pmax(0, d$time - sample(1:4, n, TRUE)) else NULL
    w <- rep(1, n)
    ref <- fit_auc(d, w, auc = TRUE)
    h <- 1e-6
    infl <- lapply(seq_len(n), function(i) {
      up <- w; up[i] <- up[i] + h
      dn <- w; dn[i] <- dn[i] - h
      (area(fit_auc(d, up)) - area(fit_auc(d, dn))) / (2 * h)
    })
    se <- sqrt(Reduce(`+`, lapply(infl, function(u) u^2)))
    expect_equal(unname(ref$std.auc), unname(se), tolerance = 1e-7, label = paste("seed", seed))
  }
})

test_that("std.auc and std.chaz equal survfit's (survival >= 3.6), with strata, weights and delayed entry", {
  skip_if(utils::packageVersion("survival") < "3.6-1", "survival < 3.6 has no std.auc")
  worst <- 0
  for (seed in 1:40) {
    d <- sim_cr(seed)
    s <- suppressWarnings(survival::survfit(Surv(time, ev) ~ g, data = d, weights = w))
    f <- cif(Surv(time, ev) ~ g, data = d, weights = w)
    expect_equal(f$std.auc, s$std.auc, tolerance = 1e-10)
    expect_equal(f$std.chaz, s$std.chaz, tolerance = 1e-10)
    s <- survival::survfit(Surv(entry, time, ev) ~ g, data = d, id = id)
    f <- cif(Surv(entry, time, ev) ~ g, data = d, id = id)
    expect_equal(f$std.auc, s$std.auc, tolerance = 1e-10)
    expect_equal(f$std.chaz, s$std.chaz, tolerance = 1e-10)
    worst <- max(worst, abs(f$std.auc - s$std.auc))
  }
  expect_lt(worst, 1e-10)
})

test_that("IJ variance: zero-weight events and risk sets emptied under fractional weights (issue #15 cases)", {
  # (a) a weighted risk set of 0 with a zero-weight subject's event: the
  # standard error stays that of t = 1 (survfit's 0.3394), not 0
  d <- data.frame(time = c(1, 1, 2), ev = factor(c("a", "cens", "a"), c("cens", "a")),
                  w = c(1.5, 1, 0))
  # (survival 3.8-12 returns NaN at a row whose weighted risk set is 0 --
  # 0/0 -- where 3.5-3, like smallsurv, carries the previous value: compared
  # where survfit's value is a number)
  same_se <- function(f, s, label = NULL) {
    a <- unname(f$std.err)
    b <- unname(s$std.err)
    ok <- !is.nan(b)
    expect_equal(a[ok], b[ok], tolerance = 1e-8, label = label)
    expect_false(anyNA(a), label = label)
  }
  f <- cif(Surv(time, ev) ~ 1, data = d, weights = w)
  s <- survival::survfit(Surv(time, ev) ~ 1, data = d, weights = w)
  same_se(f, s)
  expect_equal(f$std.err[2, 2], 0.3394113, tolerance = 1e-6)
  # (b) delayed entry, fractional weights, everyone at risk fails at t = 3
  # (n - d is a 1e-16 residue of the weighted sums): later standard errors
  # of every cause are survfit's, not 0
  d <- data.frame(id = 1:4, start = c(0, 0, 5, 9), stop = c(2, 3, 11, 39),
                  ev = factor(c("b", "a", "a", "cens"), c("cens", "a", "b")), w = c(1, 1.7, 1, 1))
  f <- cif(Surv(start, stop, ev) ~ 1, data = d, weights = w, variance = "ij", id = id)
  s <- survival::survfit(Surv(start, stop, ev) ~ 1, data = d, weights = w, id = id)
  same_se(f, s)
  expect_equal(f$std.err[3, 2], 0.3297892, tolerance = 1e-6)
  # fuzz: risk sets emptied by events under fractional weights and entry
  for (seed in 1:40) {
    set.seed(seed)
    n <- sample(4:12, 1)
    d <- data.frame(id = seq_len(n), start = round(runif(n, 0, 3), 1))
    d$stop <- d$start + sample(1:4, n, TRUE)
    d$ev <- factor(sample(c("cens", "a", "b"), n, TRUE, prob = c(0.2, 0.5, 0.3)),
                   c("cens", "a", "b"))
    d$w <- sample(c(0, 0.3, 1.7, 2.1, 0.1), n, TRUE)
    if (all(d$w == 0)) d$w[1] <- 1.7
    s <- suppressWarnings(survival::survfit(Surv(start, stop, ev) ~ 1, data = d, weights = w,
                                            id = id))
    f <- cif(Surv(start, stop, ev) ~ 1, data = d, weights = w, variance = "ij", id = id)
    same_se(f, s, label = paste("seed", seed))
  }
})

test_that("a subject who moves to another stratum is censored in the first (id continuations)", {
  d <- data.frame(id = c(1, 1, 2, 3, 4, 5, 6), entry = c(0, 2, 0, 0, 0, 0, 0),
                  time = c(2, 5, 3, 4, 6, 1, 7), ev = factor(c(0, 1, 2, 1, 0, 1, 2), 0:2),
                  grp = c("a", "b", "a", "a", "b", "b", "b"))
  f <- cif(Surv(entry, time, ev) ~ grp, data = d, id = id)
  s <- survival::survfit(Surv(entry, time, ev) ~ grp, data = d, id = id)
  expect_equal(unname(f$strata), unname(s$strata))
  expect_equal(f$time, s$time)
  expect_equal(unname(as.matrix(f$n.censor)), unname(as.matrix(s$n.censor)))
})

test_that("weighted cif fits: maturity and at_times() count patients under either layout", {
  set.seed(1)
  d <- data.frame(time = rexp(40), ev = factor(sample(0:2, 40, TRUE), 0:2), w = 0.1)
  fw <- cif(Surv(time, ev) ~ 1, data = d, weights = w)
  fu <- cif(Surv(time, ev) ~ 1, data = d)
  expect_equal(maturity(fw)$limits$time, maturity(fu)$limits$time)
  tt <- c(0.5, 1, 2)
  expect_equal(at_times(fw, tt)$n.risk, at_times(fu, tt)$n.risk)
  expect_equal(at_times(fw, tt)$n.event, at_times(fu, tt)$n.event)
})
