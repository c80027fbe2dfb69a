# The likelihood-ratio (Thomas-Grunkemeier), Rothman and Peto intervals and
# km(conf.lower = ): hand-worked reductions without censoring, live
# comparisons with bpcp::kmciTG, km.ci::km.ci and survival::survfit on many
# seeded data sets, the PointwiseFn at arbitrary times, and the errors.
#
# Tolerances, per reference:
# * likelihood ratio vs an R-level re-implementation of bpcp::kmci1TG solved
#   by uniroot(tol = 1e-14): 1e-8 (both root-finders converge far below it);
#   (measured: max |difference| 7e-16 over the data sets below);
# * vs bpcp::kmciTG's default call: 1e-3 relative. Its uniroot() runs at the
#   default tol = .Machine$double.eps^0.25 ~ 1.2e-4 in lambda, which moves S
#   by up to ~1e-5 where the risk set is small (measured: max 9.6e-6
#   absolute, 3.7e-4 relative, n = 3);
# * vs km.ci::km.ci(method = "grunkemeier") (bisection, tol = 1e-7 on the
#   function value): 1e-6, where km.ci's interval is defined;
# * Rothman and Peto vs km.ci (closed forms): 1e-12; conf.lower vs survfit:
#   1e-12 with NA/NaN positions identical.

pw <- function(method, time, n_risk, n_event, n_censor, at = NULL, conf.level = 0.95) {
  if (is.null(at)) at <- time
  smallsurv:::pointwise_ci_cpp(method, time, n_risk, n_event, n_censor,
                               length(time), at, length(at), conf.level)
}

# bpcp::kmci1TG's algorithm (same conventions), solved with uniroot(tol = 1e-14).
tg_ref <- function(time, status, tstar, alpha = 0.05, tol = 1e-14) {
  ut <- sort(unique(time[status == 1]))
  ni <- vapply(ut, function(u) sum(time >= u), 0)
  di <- vapply(ut, function(u) sum(time == u & status == 1), 0)
  I <- ut <= tstar & ni > di
  if (!any(I)) return(c(lower = 1, upper = 1))
  ni <- ni[I]; di <- di[I]
  R <- function(l) sum((ni - di) * log(1 + l / (ni - di)) - ni * log(1 + l / ni))
  chi <- stats::qchisq(1 - alpha, 1)
  f <- function(l) -2 * R(l) - chi
  l1 <- stats::uniroot(f, c(0, 1e6), tol = tol)$root
  l2 <- stats::uniroot(f, c(-min(ni - di), 0), tol = tol)$root
  c(lower = prod((ni + l2 - di) / (ni + l2)), upper = prod((ni + l1 - di) / (ni + l1)))
}

# Seeded data sets covering the edge cases (ties, heavy censoring, n = 1,
# all censored, last subject dies, only events).
lr_datasets <- function() {
  out <- list(
    n1_event = data.frame(t = 3, s = 1),
    n1_cens = data.frame(t = 3, s = 0),
    all_cens = data.frame(t = c(1, 2, 2, 5), s = 0),
    all_die = data.frame(t = c(1, 2, 2, 4, 7), s = 1),
    last_dies = data.frame(t = c(1, 2, 3, 4, 5, 6), s = c(1, 0, 1, 0, 0, 1)),
    first_empties = data.frame(t = c(2, 2), s = c(1, 1)),
    cens_first = data.frame(t = c(0.5, 1, 2, 3, 4), s = c(0, 1, 1, 0, 1)),
    tie_mixed = data.frame(t = c(1, 1, 1, 2, 2, 3, 3, 3), s = c(1, 0, 1, 1, 0, 0, 1, 1))
  )
  for (i in 1:24) {
    set.seed(1000 + i)
    n <- c(2, 3, 5, 10, 25, 40)[(i - 1) %% 6 + 1]
    t <- stats::rexp(n)
    if (i %% 3 == 0) t <- ceiling(t * 3)  # ties
    cens <- stats::runif(n, 0, if (i %% 4 == 0) 0.7 else 3)  # heavy censoring every 4th
    s <- as.integer(t <= cens | (i %% 5 == 0 & t == max(t)))  # last subject dies every 5th
    # times rounded: bpcp tabulates times through their character form (15 digits)
    out[[paste0("seed", i)]] <- data.frame(t = round(pmin(t, ifelse(s == 1, t, cens)), 4), s = s)
  }
  out
}

# ---- likelihood ratio ---------------------------------------------------------

test_that("likelihood-ratio equals kmci1TG's algorithm at uniroot(tol = 1e-14) on every row", {
  for (nm in names(lr_datasets())) {
    d <- lr_datasets()[[nm]]
    for (cl in c(0.95, 0.8)) {
      fit <- km(Surv(t, s) ~ 1, d, conf.type = "likelihood-ratio", conf.level = cl)
      ref <- vapply(fit$time, function(u) tg_ref(d$t, d$s, u, 1 - cl), c(lower = 0, upper = 0))
      expect_equal(fit$lower, unname(ref["lower", ]), tolerance = 1e-8, label = nm)
      expect_equal(fit$upper, unname(ref["upper", ]), tolerance = 1e-8, label = nm)
    }
  }
})

test_that("likelihood-ratio on a large fit (the power-series path) equals the tightened reference", {
  set.seed(3)
  n <- 1500
  t <- round(stats::rexp(n), 5); cens <- round(stats::rexp(n, 0.5), 5)
  d <- data.frame(t = pmin(t, cens), s = as.integer(t <= cens))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "likelihood-ratio")
  idx <- unique(round(seq(1, length(fit$time), length.out = 25)))
  ref <- vapply(fit$time[idx], function(u) tg_ref(d$t, d$s, u), c(lower = 0, upper = 0))
  expect_equal(fit$lower[idx], unname(ref["lower", ]), tolerance = 1e-8)
  expect_equal(fit$upper[idx], unname(ref["upper", ]), tolerance = 1e-8)
})

test_that("likelihood-ratio agrees with bpcp::kmciTG's default call (loosely) and its edge rules", {
  skip_if_not_installed("bpcp")
  for (nm in names(lr_datasets())) {
    d <- lr_datasets()[[nm]]
    if (!any(d$s == 1)) next  # kmciTG needs an event
    tg <- suppressWarnings(bpcp::kmciTG(d$t, d$s))
    fit <- km(Surv(t, s) ~ 1, d, conf.type = "likelihood-ratio")
    i <- findInterval(tg$time, fit$time)
    expect_equal(fit$lower[i], tg$lower, tolerance = 1e-3, label = nm)
    expect_equal(fit$upper[i], tg$upper, tolerance = 1e-3, label = nm)
  }
  # the edges: an emptied risk set is left out (the previous event time's
  # limits), and [1, 1] when the first event time empties it
  d <- lr_datasets()$last_dies
  tg <- bpcp::kmciTG(d$t, d$s)
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "likelihood-ratio")
  expect_equal(fit$surv[6], 0, tolerance = 1e-12)
  expect_equal(fit$lower[6], fit$lower[3], tolerance = 1e-12)
  expect_equal(c(fit$lower[6], fit$upper[6]), c(tg$lower[3], tg$upper[3]), tolerance = 1e-3)
  fit <- km(Surv(t, s) ~ 1, lr_datasets()$first_empties, conf.type = "likelihood-ratio")
  tg <- bpcp::kmciTG(c(2, 2), c(1, 1))
  expect_equal(c(fit$lower, fit$upper), c(1, 1), tolerance = 1e-12)
  expect_equal(c(tg$lower, tg$upper), c(1, 1), tolerance = 1e-12)
})

test_that("likelihood-ratio equals km.ci's grunkemeier where km.ci is defined, and the documented differences", {
  skip_if_not_installed("km.ci")
  z2 <- stats::qnorm(0.975)^2
  for (nm in names(lr_datasets())) {
    d <- lr_datasets()[[nm]]
    if (!any(d$s == 1)) next
    sf <- survival::survfit(Surv(t, s) ~ 1, d)
    kc <- km.ci::km.ci(sf, method = "grunkemeier")
    fit <- km(Surv(t, s) ~ 1, d, conf.type = "likelihood-ratio")
    ok <- fit$surv < 1 & cumsum(fit$n.event == fit$n.risk) == 0
    expect_equal(fit$lower[ok], kc$lower[ok], tolerance = 1e-6, label = nm)
    expect_equal(fit$upper[ok], kc$upper[ok], tolerance = 1e-6, label = nm)
    # S = 1 rows: km.ci [exp(-chi2 / (2 n1)), 1], smallsurv [1, 1]
    s1 <- fit$surv == 1
    n1 <- fit$n.risk[which(fit$n.event > 0)[1]]
    expect_equal(kc$lower[s1], rep(exp(-z2 / (2 * n1)), sum(s1)), tolerance = 1e-10)
    expect_equal(fit$lower[s1], rep(1, sum(s1)), tolerance = 1e-12)
    # a row with n.event == n.risk: km.ci NA, smallsurv (as kmciTG) not NA
    nd <- fit$n.event > 0 & fit$n.event == fit$n.risk
    expect_true(all(is.na(kc$lower[nd])))
    expect_false(anyNA(fit$lower))
  }
})

test_that("without censoring the likelihood-ratio interval is the binomial likelihood-ratio interval", {
  binom_lr <- function(x, n, cl) {
    ph <- x / n
    f <- function(p) 2 * (x * log(ph / p) + (n - x) * log((1 - ph) / (1 - p))) -
      stats::qchisq(cl, 1)
    c(stats::uniroot(f, c(1e-12, ph), tol = 1e-14)$root,
      stats::uniroot(f, c(ph, 1 - 1e-12), tol = 1e-14)$root)
  }
  for (n in c(2, 5, 13, 30)) {
    set.seed(n)
    d <- data.frame(t = sample(1:6, n, replace = TRUE), s = 1)
    for (cl in c(0.9, 0.95)) {
      fit <- km(Surv(t, s) ~ 1, d, conf.type = "likelihood-ratio", conf.level = cl)
      x <- round(n * fit$surv)
      for (i in which(x > 0 & x < n)) {
        expect_equal(c(fit$lower[i], fit$upper[i]), binom_lr(x[i], n, cl), tolerance = 1e-8)
      }
    }
  }
})

# ---- Rothman ------------------------------------------------------------------

test_that("rothman equals km.ci's rothman where S > 0, and the Wilson limit at S = 0", {
  skip_if_not_installed("km.ci")
  z <- stats::qnorm(0.975)
  for (nm in names(lr_datasets())) {
    d <- lr_datasets()[[nm]]
    sf <- survival::survfit(Surv(t, s) ~ 1, d)
    kc <- km.ci::km.ci(sf, method = "rothman")
    fit <- km(Surv(t, s) ~ 1, d, conf.type = "rothman")
    pos <- fit$surv > 0
    expect_equal(fit$lower[pos], kc$lower[pos], tolerance = 1e-12, label = nm)
    expect_equal(fit$upper[pos], kc$upper[pos], tolerance = 1e-12, label = nm)
    if (any(!pos)) {
      # km.ci's [1, 1] at S = 0 (its bug), smallsurv's [0, z^2 / (n' + z^2)]
      expect_equal(kc$lower[!pos], rep(1, sum(!pos)), tolerance = 1e-12)
      k <- which(!pos)[1]
      nprime <- fit$n.risk[k] / (if (k > 1) fit$surv[k - 1] else 1)
      expect_equal(fit$lower[!pos], rep(0, sum(!pos)), tolerance = 1e-12)
      expect_equal(fit$upper[!pos], rep(z^2 / (nprime + z^2), sum(!pos)), tolerance = 1e-12)
    }
  }
})

test_that("without censoring rothman is the Wilson interval for x / n (prop.test), x = 0 included", {
  for (n in c(1, 4, 11, 27)) {
    set.seed(10 + n)
    d <- data.frame(t = sample(1:5, n, replace = TRUE), s = 1)
    for (cl in c(0.9, 0.95)) {
      fit <- km(Surv(t, s) ~ 1, d, conf.type = "rothman", conf.level = cl)
      for (i in seq_along(fit$time)) {
        x <- round(n * fit$surv[i])
        w <- suppressWarnings(stats::prop.test(x, n, conf.level = cl, correct = FALSE))$conf.int
        expect_equal(c(fit$lower[i], fit$upper[i]), as.vector(w), tolerance = 1e-10)
      }
    }
  }
})

test_that("rothman with delayed entry and integer weights uses the Greenwood variance of the risk sets", {
  set.seed(7)
  n <- 30
  a <- stats::runif(n, 0, 1); t <- a + stats::rexp(n); s <- stats::rbinom(n, 1, 0.7)
  d <- data.frame(a = a, t = t, s = s, w = sample(1:3, n, replace = TRUE))
  fit <- km(Surv(a, t, s) ~ 1, d, conf.type = "rothman")
  sf <- survival::survfit(Surv(a, t, s) ~ 1, d)
  ok <- sf$surv > 0 & sf$surv < 1
  w <- smallsurv:::wilson_neff(sf$surv, sf$surv * sf$std.err, 0.95)
  expect_equal(fit$lower[ok], w$lower[ok], tolerance = 1e-12)
  expect_equal(fit$upper[ok], w$upper[ok], tolerance = 1e-12)
  # integer weights = the expanded data
  de <- d[rep(seq_len(n), d$w), ]
  for (ct in c("rothman", "peto")) {
    f1 <- km(Surv(t, s) ~ 1, d, weights = w, conf.type = ct)
    f2 <- km(Surv(t, s) ~ 1, de, conf.type = ct)
    expect_equal(f1$lower, f2$lower, tolerance = 1e-12)
    expect_equal(f1$upper, f2$upper, tolerance = 1e-12)
  }
})

# ---- Peto ---------------------------------------------------------------------

test_that("peto equals km.ci's peto truncated to [0, 1]", {
  skip_if_not_installed("km.ci")
  for (nm in names(lr_datasets())) {
    d <- lr_datasets()[[nm]]
    sf <- survival::survfit(Surv(t, s) ~ 1, d)
    kc <- km.ci::km.ci(sf, method = "peto")
    fit <- km(Surv(t, s) ~ 1, d, conf.type = "peto")
    expect_equal(fit$lower, pmax(kc$lower, 0), tolerance = 1e-12, label = nm)
    expect_equal(fit$upper, pmin(kc$upper, 1), tolerance = 1e-12, label = nm)
  }
})

test_that("peto without censoring is the Wald interval with n' = n n_j / (n_j - d_j) (hand-worked)", {
  # 4 subjects, deaths at 1, 2, 2, 3: S = 3/4, 1/4, 0; n.risk = 4, 3, 1
  fit <- km(Surv(t, s) ~ 1, data.frame(t = c(1, 2, 2, 3), s = 1), conf.type = "peto")
  z <- stats::qnorm(0.975)
  S <- c(3 / 4, 1 / 4, 0); np <- 4 * c(4, 3, 1) / c(3, 1, 1)
  h <- z * sqrt(S * (1 - S) / np)
  expect_equal(fit$lower, pmax(S - h, 0), tolerance = 1e-12)
  expect_equal(fit$upper, pmin(S + h, 1), tolerance = 1e-12)
  expect_equal(c(fit$lower[3], fit$upper[3]), c(0, 0), tolerance = 1e-12)
})

# ---- strata, the PointwiseFn at arbitrary times ---------------------------------

test_that("strata are computed stratum by stratum (each equals the fit of its subset)", {
  set.seed(99)
  d <- data.frame(t = ceiling(stats::rexp(60) * 4), s = stats::rbinom(60, 1, 0.6),
                  g = sample(c("a", "b", "c"), 60, replace = TRUE))
  d$s[d$g == "c"][which.max(d$t[d$g == "c"])] <- 1
  for (ct in c("likelihood-ratio", "rothman", "peto")) {
    fit <- km(Surv(t, s) ~ g, d, conf.type = ct)
    for (k in seq_along(fit$strata)) {
      rows <- sum(fit$strata[seq_len(k - 1)]) + seq_len(fit$strata[k])
      sub <- km(Surv(t, s) ~ 1, d[d$g == c("a", "b", "c")[k], ], conf.type = ct)
      expect_equal(fit$lower[rows], sub$lower, tolerance = 1e-12)
      expect_equal(fit$upper[rows], sub$upper, tolerance = 1e-12)
    }
  }
})

test_that("the PointwiseFn's at arbitrary times: [1, 1] before, carried forward between and after", {
  d <- data.frame(t = c(1, 2, 2, 3, 5, 8), s = c(1, 0, 1, 1, 0, 1))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "log-log")
  at <- c(10, 0.5, 2.5, NA, 1, 4.99, 8, 1e9, -Inf)
  for (ct in c("likelihood-ratio", "rothman", "peto")) {
    r <- pw(ct, fit$time, fit$n.risk, fit$n.event, fit$n.censor, at)
    own <- km(Surv(t, s) ~ 1, d, conf.type = ct)
    j <- findInterval(at, fit$time)
    ok <- !is.na(at) & j > 0
    expect_equal(r$lower[ok], own$lower[j[ok]], tolerance = 1e-12)
    expect_equal(r$upper[ok], own$upper[j[ok]], tolerance = 1e-12)
    before <- !is.na(at) & j == 0
    expect_equal(c(r$lower[before], r$upper[before]), rep(1, 2 * sum(before)), tolerance = 0)
    expect_true(is.nan(r$lower[4]) && is.nan(r$upper[4]))
  }
  # the likelihood ratio at arbitrary times equals the tightened reference
  r <- pw("likelihood-ratio", fit$time, fit$n.risk, fit$n.event, fit$n.censor, at[-4])
  ref <- vapply(at[-4], function(u) tg_ref(d$t, d$s, u), c(lower = 0, upper = 0))
  expect_equal(r$lower, unname(ref["lower", ]), tolerance = 1e-8)
  expect_equal(r$upper, unname(ref["upper", ]), tolerance = 1e-8)
})

# ---- conf.lower -----------------------------------------------------------------

test_that("conf.lower equals survfit(conf.lower = ) for every transform, with strata", {
  set.seed(5)
  sets <- list(lr_datasets()$last_dies, lr_datasets()$tie_mixed, lr_datasets()$n1_event,
               lr_datasets()$all_cens)
  for (i in 1:8) {
    n <- c(6, 20, 45, 80)[(i - 1) %% 4 + 1]
    sets[[length(sets) + 1]] <- data.frame(t = ceiling(stats::rexp(n) * 5),
                                           s = stats::rbinom(n, 1, c(0.3, 0.8)[i %% 2 + 1]),
                                           g = sample(c("x", "y"), n, replace = TRUE))
  }
  for (d in sets) {
    fs <- if (is.null(d$g)) list(Surv(t, s) ~ 1) else list(Surv(t, s) ~ 1, Surv(t, s) ~ g)
    for (fo in fs) for (cl in c("peto", "modified")) {
      for (ct in c("plain", "log", "log-log", "logit", "arcsin")) {
        a <- km(fo, d, conf.type = ct, conf.lower = cl, conf.level = 0.9)
        b <- suppressWarnings(survival::survfit(fo, d, conf.type = ct, conf.lower = cl,
                                                conf.int = 0.9))
        expect_equal(a$lower, b$lower, tolerance = 1e-12)
        expect_equal(a$upper, b$upper, tolerance = 1e-12)
        expect_identical(is.nan(a$lower), is.nan(b$lower))
        expect_identical(a$conf.lower, b$conf.lower)
      }
    }
  }
  # the published check (survival tests/survfit2.R)
  d <- data.frame(time = 1:10, status = c(1, 0, 1, 0, 1, 0, 0, 0, 1, 0))
  fit <- km(Surv(time, status) ~ 1, d, conf.type = "log", conf.lower = "modified")
  expect_equal(fit$lower, exp(log(fit$surv) - stats::qnorm(0.975) * fit$std.err *
                                sqrt(c(1, 10 / 9, 1, 8 / 7, 1, 6 / 5, 6 / 4, 6 / 3, 1, 2 / 1))),
               tolerance = 1e-12)
  # "usual" changes nothing
  expect_identical(km(Surv(time, status) ~ 1, d, conf.lower = "usual")$lower,
                   km(Surv(time, status) ~ 1, d)$lower)
})

# ---- errors -----------------------------------------------------------------------

test_that("methods refuse data they are not defined for, and conf.lower is checked", {
  d <- data.frame(a = c(0, 0, 1, 0), t = c(1, 2, 3, 4), s = c(1, 0, 1, 1), w = c(1, 2, 1, 1),
                  v = c(0.5, 1, 1.5, 1))
  expect_error(km(Surv(t, s) ~ 1, d, weights = w, conf.type = "likelihood-ratio"),
               "`conf.type = \"likelihood-ratio\"` is not defined for case weights")
  expect_error(km(Surv(a, t, s) ~ 1, d, conf.type = "likelihood-ratio"),
               "`conf.type = \"likelihood-ratio\"` is not defined for delayed entry")
  expect_error(km(Surv(t, s) ~ 1, d, weights = v, conf.type = "rothman"),
               "uses the Greenwood variance")
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = "rothman", robust = TRUE),
               "uses the Greenwood variance")
  expect_no_error(km(Surv(t, s) ~ 1, d, weights = v, conf.type = "peto"))
  expect_no_error(km(Surv(a, t, s) ~ 1, d, conf.type = "peto"))
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = "rothman", conf.lower = "peto"),
               "`conf.lower = \"peto\"` applies to the Greenwood transforms")
  expect_error(km(Surv(t, s) ~ 1, d, conf.lower = "nope"),
               "`conf.lower` must be one of \"usual\", \"modified\", \"peto\"; got \"nope\"",
               fixed = TRUE)
  expect_error(smallsurv:::pointwise_ci_cpp("peto", 1, 1, 1, 0, 1L, 1, 1L, 1), "conf_level")
  expect_error(smallsurv:::pointwise_ci_cpp("nope", 1, 1, 1, 0, 1L, 1, 1L, 0.9), "unknown")
})

test_that("\"rothman\" and \"wilson-neff\" are one Wilson interval wherever both are defined", {
  # one formula in the core (greenwood_ci.h): Rothman's n' = S(1 - S)/V is
  # wilson-neff's effective sample size; they differ only where S = 0 (NA
  # for wilson-neff, Rothman's limit of n') and before the first event
  for (seed in 1:20) {
    d <- with_seed_local(seed, data.frame(time = round(rexp(25, 0.2), 1),
                                          status = rbinom(25, 1, 0.7)))
    r <- km(Surv(time, status) ~ 1, d, conf.type = "rothman")
    w <- km(Surv(time, status) ~ 1, d, conf.type = "wilson-neff")
    ok <- r$surv > 0 & r$surv < 1
    expect_equal(w$lower[ok], r$lower[ok], tolerance = 1e-13)
    expect_equal(w$upper[ok], r$upper[ok], tolerance = 1e-13)
    expect_true(all(is.na(w$lower[r$surv == 0])))
  }
  # the R entry point is the core's formula, with its NA rules (p = 0.5,
  # se = 0.1: n_eff = 25)
  wil <- function(p, n, z) {
    k <- z^2 / n
    (p + k / 2) / (1 + k) + c(-1, 1) * z / (1 + k) * sqrt(p * (1 - p) / n + z^2 / (4 * n^2))
  }
  ref <- wil(0.5, 25, qnorm(0.975))
  got <- smallsurv:::wilson_neff(c(0.5, 0, 1, NA, 0.3), c(0.1, 0.1, 0.1, 0.1, 0), 0.95)
  expect_equal(got$lower, c(ref[1], NA, NA, NA, NA), tolerance = 1e-14)
  expect_equal(got$upper, c(ref[2], NA, NA, NA, NA), tolerance = 1e-14)
  # x of n binary outcomes without censoring: prop.test's Wilson interval
  got <- smallsurv:::wilson_neff(0.3, sqrt(0.3 * 0.7 / 20), 0.9)
  expect_equal(c(got$lower, got$upper),
               as.vector(prop.test(6, 20, conf.level = 0.9, correct = FALSE)$conf.int),
               tolerance = 1e-12)
})
