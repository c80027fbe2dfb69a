# binom_ci() against binom.test(), prop.test(), exactci (when installed),
# the defining equations and hand-computed values; response_table() on rrall.

all_xn <- function(nmax = 40) {
  n <- unlist(lapply(1:nmax, function(k) rep(k, k + 1)))
  x <- unlist(lapply(1:nmax, function(k) 0:k))
  list(x = x, n = n)
}

test_that("clopper-pearson equals binom.test (two- and one-sided, several levels)", {
  g <- all_xn()
  for (cl in c(0.8, 0.9, 0.95, 0.99)) {
    for (alt in c("two.sided", "less", "greater")) {
      got <- binom_ci(g$x, g$n, conf.level = cl, alternative = alt)
      ref <- t(mapply(function(x, n) binom.test(x, n, conf.level = cl, alternative = alt)$conf.int,
                      g$x, g$n))
      expect_equal(got$lower, ref[, 1], tolerance = 1e-12)
      expect_equal(got$upper, ref[, 2], tolerance = 1e-12)
      expect_equal(got$estimate, g$x / g$n, tolerance = 1e-15)
    }
  }
})

test_that("wilson equals prop.test(correct = FALSE) (two- and one-sided)", {
  g <- all_xn()
  for (cl in c(0.9, 0.95, 0.99)) {
    for (alt in c("two.sided", "less", "greater")) {
      got <- binom_ci(g$x, g$n, method = "wilson", conf.level = cl, alternative = alt)
      ref <- t(mapply(function(x, n) {
        suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = cl,
                                   alternative = alt)$conf.int)
      }, g$x, g$n))
      expect_equal(got$lower, ref[, 1], tolerance = 1e-12)
      expect_equal(got$upper, ref[, 2], tolerance = 1e-12)
    }
  }
})

test_that("jeffreys, agresti-coull and wald follow their definitions", {
  x <- c(0, 1, 7, 20, 25)
  n <- 25
  a <- 0.025
  j <- binom_ci(x, n, "jeffreys")
  # the beta tail probabilities at the limits are a (x = 0: L = 0; x = n: U = 1)
  expect_equal(pbeta(j$lower[-1], x[-1] + 0.5, n - x[-1] + 0.5), rep(a, 4), tolerance = 1e-10)
  expect_equal(pbeta(j$upper[-5], x[-5] + 0.5, n - x[-5] + 0.5), rep(1 - a, 4), tolerance = 1e-10)
  expect_identical(c(j$lower[1], j$upper[5]), c(0, 1))
  # Agresti-Coull at 20/25, worked by hand: z^2 = 3.8415, n~ = 28.8415,
  # p~ = (20 + 1.9207) / 28.8415
  z <- qnorm(0.975)
  pt <- (20 + z^2 / 2) / (25 + z^2)
  ac <- binom_ci(20, 25, "agresti-coull")
  expect_equal(c(ac$lower, ac$upper), pt + c(-1, 1) * z * sqrt(pt * (1 - pt) / (25 + z^2)),
               tolerance = 1e-12)
  expect_equal(ac$lower, 0.604185, tolerance = 1e-6)
  # truncated at 0 and 1
  expect_identical(binom_ci(0, 5, "agresti-coull")$lower, 0)
  w <- binom_ci(c(0, 20, 25), 25, "wald")
  expect_equal(w$lower, c(0, 0.8 - z * sqrt(0.8 * 0.2 / 25), 1), tolerance = 1e-12)
  expect_equal(w$upper, c(0, 0.8 + z * sqrt(0.8 * 0.2 / 25), 1), tolerance = 1e-12)
})

test_that("mid-p solves its defining equations; closed forms at x = 0 and x = n", {
  g <- all_xn(30)
  m <- binom_ci(g$x, g$n, "mid-p")
  a <- 0.025
  lo <- g$x > 0
  up <- g$x < g$n
  tail_lo <- pbinom(g$x, g$n, m$lower, lower.tail = FALSE) + dbinom(g$x, g$n, m$lower) / 2
  tail_up <- pbinom(g$x - 1, g$n, m$upper) + dbinom(g$x, g$n, m$upper) / 2
  expect_equal(tail_lo[lo], rep(a, sum(lo)), tolerance = 1e-11)
  expect_equal(tail_up[up], rep(a, sum(up)), tolerance = 1e-11)
  # x = 0: (1 - U)^n / 2 = a; x = n: L^n / 2 = a
  expect_equal(m$upper[g$x == 0], 1 - (2 * a)^(1 / (1:30)), tolerance = 1e-12)
  expect_equal(m$lower[g$x == g$n], (2 * a)^(1 / (1:30)), tolerance = 1e-12)
  # inside Clopper-Pearson
  cp <- binom_ci(g$x, g$n)
  expect_true(all(m$lower >= cp$lower - 1e-15 & m$upper <= cp$upper + 1e-15))
  # one-sided: tail a = 0.05
  m1 <- binom_ci(7, 20, "mid-p", alternative = "greater")
  expect_equal(pbinom(7, 20, m1$lower, lower.tail = FALSE) + dbinom(7, 20, m1$lower) / 2, 0.05,
               tolerance = 1e-11)
  expect_identical(m1$upper, 1)
})

test_that("mid-p solves its equations for n up to 60, several levels, one- and two-sided", {
  g <- all_xn(60)
  for (cl in c(0.3, 0.8, 0.95, 0.999)) {
    for (alt in c("two.sided", "greater", "less")) {
      if (alt == "two.sided" && cl <= 0.5) next
      a <- if (alt == "two.sided") (1 - cl) / 2 else 1 - cl
      m <- binom_ci(g$x, g$n, "mid-p", conf.level = cl, alternative = alt)
      # at x = n the lower tail only reaches 1/2 (at L = 1), at x = 0 the
      # upper one likewise (at U = 0): no root when a >= 1/2
      edge <- a >= 0.5
      if (alt != "less") {
        lo <- g$x > 0 & (g$x < g$n | !edge)
        tail_lo <- pbinom(g$x, g$n, m$lower, lower.tail = FALSE) + dbinom(g$x, g$n, m$lower) / 2
        expect_equal(tail_lo[lo], rep(a, sum(lo)), tolerance = 1e-12)
        expect_true(all(m$lower[g$x == 0] == 0))
        # the exact answer is 1 (the jump of the mixture's point mass at 1);
        # the core's bracketing solver stops within ~3e-14 of it
        if (edge) expect_equal(m$lower[g$x == g$n], rep(1, 60), tolerance = 1e-12)
      }
      if (alt != "greater") {
        up <- g$x < g$n & (g$x > 0 | !edge)
        tail_up <- pbinom(g$x - 1, g$n, m$upper) + dbinom(g$x, g$n, m$upper) / 2
        expect_equal(tail_up[up], rep(a, sum(up)), tolerance = 1e-12)
        expect_true(all(m$upper[g$x == g$n] == 1))
        if (edge) expect_equal(m$upper[g$x == 0], rep(0, 60), tolerance = 1e-12)
      }
    }
  }
})

test_that("mid-p agrees with exactci (whose root-finder uses uniroot's default tolerance)", {
  skip_if_not_installed("exactci")
  g <- all_xn(25)
  got <- binom_ci(g$x, g$n, "mid-p")
  ref <- t(mapply(function(x, n) exactci::binom.exact(x, n, midp = TRUE)$conf.int, g$x, g$n))
  # exactci::binom.exact(midp = TRUE) calls uniroot(rootfunc, c(0, 1)) with
  # the default tol (~1.2e-4), which its `control` does not change
  expect_equal(got$lower, ref[, 1], tolerance = 2e-4)
  expect_equal(got$upper, ref[, 2], tolerance = 2e-4)
})

test_that("blaker equals exactci's Blaker interval (tightened tolerance)", {
  skip_if_not_installed("exactci")
  ctrl <- exactci:::binomControl(tol = 1e-14)
  g <- all_xn(40)
  for (cl in c(0.9, 0.95)) {
    got <- binom_ci(g$x, g$n, "blaker", conf.level = cl)
    ref <- t(mapply(function(x, n) {
      exactci::binom.exact(x, n, tsmethod = "blaker", conf.level = cl, control = ctrl)$conf.int
    }, g$x, g$n))
    expect_equal(got$lower, ref[, 1], tolerance = 1e-10)
    expect_equal(got$upper, ref[, 2], tolerance = 1e-10)
  }
  # one-sided Blaker is one-sided Clopper-Pearson, in exactci too
  r <- exactci::binom.exact(7, 20, tsmethod = "blaker", alternative = "less")$conf.int
  expect_equal(binom_ci(7, 20, "blaker", alternative = "less")$upper, r[2], tolerance = 1e-12)
})

test_that("blaker is exact: acceptability at the limits and containment in Clopper-Pearson", {
  acc <- function(x, n, p) {  # Blaker's acceptability function, by brute force
    k <- 0:n
    tk <- pmin(pbinom(k, n, p), pbinom(k - 1, n, p, lower.tail = FALSE))
    sum(dbinom(k, n, p)[tk <= tk[x + 1] * (1 + 1e-12)])
  }
  g <- all_xn(20)
  b <- binom_ci(g$x, g$n, "blaker")
  cp <- binom_ci(g$x, g$n)
  expect_true(all(b$lower >= cp$lower - 1e-12 & b$upper <= cp$upper + 1e-12))
  for (i in seq_along(g$x)) {
    x <- g$x[i]; n <- g$n[i]
    if (x > 0) {
      # just inside the limit the set accepts p; just outside it does not
      expect_gt(acc(x, n, b$lower[i] + 1e-9), 0.05)
      expect_lte(acc(x, n, b$lower[i] - 1e-9), 0.05)
    }
    if (x < n) {
      expect_gt(acc(x, n, b$upper[i] - 1e-9), 0.05)
      expect_lte(acc(x, n, b$upper[i] + 1e-9), 0.05)
    }
  }
})

test_that("published trial intervals are Clopper-Pearson; rule of three", {
  pub <- data.frame(x = c(20, 9, 11, 16), n = c(25, 12, 13, 19),
                    lo = c(59, 43, 55, 60), hi = c(93, 95, 98, 97))
  ci <- binom_ci(pub$x, pub$n)
  expect_identical(round(100 * ci$lower), pub$lo)
  expect_identical(round(100 * ci$upper), pub$hi)
  ci <- binom_ci(c(24, 50), c(30, 68))
  expect_identical(round(100 * c(ci$lower, ci$upper), 1), c(61.4, 61.4, 92.3, 83.5))
  # one-sided upper bound at x = 0: 1 - alpha^(1 / n)
  expect_equal(binom_ci(0, 12, alternative = "less")$upper, 1 - 0.05^(1 / 12), tolerance = 1e-12)
})

test_that("vectorised over x, n and method; attributes", {
  out <- binom_ci(c(1, 2, 3), 10, method = c("wilson", "clopper-pearson"), conf.level = 0.9)
  expect_identical(names(out), c("x", "n", "estimate", "lower", "upper", "method"))
  expect_identical(out$method, rep(c("wilson", "clopper-pearson"), each = 3))
  expect_identical(out$n, rep(10, 6))
  expect_identical(attr(out, "conf.level"), 0.9)
  expect_identical(attr(out, "alternative"), "two.sided")
})

test_that("bad input gets errors naming the elements", {
  expect_snapshot(error = TRUE, {
    binom_ci(c(3, 12), c(10, 10))
    binom_ci(-1, 5)
    binom_ci(2.5, 5)
    binom_ci(0, 0)
    binom_ci(c(1, NA), 5)
    binom_ci(1:3, 1:2 * 5)
    binom_ci(1, 5, method = "exact")
    binom_ci(1, 5, conf.level = 95)
    binom_ci(1, 5, alternative = "two-sided")
  })
})

test_that("response_table() counts responders by dose level and overall", {
  rt <- response_table(rrall, response, dose)
  expect_identical(names(rt), c("group", "x", "n", "estimate", "lower", "upper", "method"))
  expect_identical(rt$group, c("DL1", "DL2", "Overall"))
  resp <- rrall$response %in% c("CR", "CRi")
  expect_equal(rt$x, c(sum(resp[rrall$dose == "DL1"]), sum(resp[rrall$dose == "DL2"]),
                       sum(resp)), tolerance = 1e-15)
  expect_identical(rt$n, c(9, 16, 25))
  ref <- binom_ci(rt$x, rt$n)
  expect_equal(rt$lower, ref$lower, tolerance = 1e-15)
  # strings for the columns, other methods, a logical response
  rt2 <- response_table(rrall, "response", "dose", success = "CR", method = "wilson")
  expect_equal(rt2$x[3], sum(rrall$response == "CR"), tolerance = 1e-15)
  expect_identical(unique(rt2$method), "wilson")
  rt3 <- response_table(rrall, mrd_negative, success = TRUE)
  expect_identical(rt3$group, "Overall")
  expect_equal(rt3$x, sum(rrall$mrd_negative), tolerance = 1e-15)
  d <- rrall
  d$response[c(4, 9)] <- NA
  expect_snapshot(error = TRUE, {
    response_table(d, response, dose)
    response_table(rrall, response, dose, success = "CRR")
    response_table(rrall, resp, dose)
  })
})
