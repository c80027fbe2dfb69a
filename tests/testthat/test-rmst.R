# rmst(): hand-worked values, live comparisons with survRM2::rmst2 and
# survival's rmean, the tau rule, pairwise comparisons and the permutation
# p-value.

# survRM2's results in smallsurv's layout: groups (arm 0 then arm 1) and
# contrasts (difference, ratio, RMTL ratio).
# survRM2's Wald limits of the RMST and RMTL are compared truncated to
# [0, tau], smallsurv's default (equal where survRM2's lie inside).
clip <- function(x, tau) pmin(pmax(x, 0), tau)
rm2_layout <- function(r) {
  g <- rbind(r$RMST.arm0$result, r$RMST.arm1$result)
  list(tau = r$tau,
       rmst = unname(c(r$RMST.arm0$rmst[1], r$RMST.arm1$rmst[1])),
       se = unname(c(r$RMST.arm0$rmst[2], r$RMST.arm1$rmst[2])),
       low = clip(unname(c(r$RMST.arm0$rmst[3], r$RMST.arm1$rmst[3])), r$tau),
       high = clip(unname(c(r$RMST.arm0$rmst[4], r$RMST.arm1$rmst[4])), r$tau),
       rmtl = unname(c(r$RMST.arm0$rmtl[1], r$RMST.arm1$rmtl[1])),
       rmtl.low = clip(unname(c(r$RMST.arm0$rmtl[3], r$RMST.arm1$rmtl[3])), r$tau),
       rmtl.high = clip(unname(c(r$RMST.arm0$rmtl[4], r$RMST.arm1$rmtl[4])), r$tau),
       contrasts = unname(r$unadjusted.result))
}
ss_layout <- function(m) {
  g <- m$groups
  list(tau = m$tau, rmst = g$rmst, se = g$std.error, low = g$conf.low, high = g$conf.high,
       rmtl = g$rmtl, rmtl.low = g$rmtl.low, rmtl.high = g$rmtl.high,
       contrasts = unname(as.matrix(m$contrasts[c("estimate", "conf.low", "conf.high",
                                                  "p.value")])))
}

test_that("hand-worked: RMST of seven subjects is 265/7 with survival's rmean SE", {
  d <- data.frame(time = c(10, 15, 23, 30, 35, 52, 100), dead = c(1, 1, 1, 1, 1, 1, 0))
  m <- rmst(Surv(time, dead) ~ 1, data = d, tau = 100)
  # areas 10*1 + 5*6/7 + 8*5/7 + 7*4/7 + 5*3/7 + 17*2/7 + 48*1/7
  expect_equal(m$groups$rmst, 265 / 7, tolerance = 1e-12)
  expect_equal(m$groups$rmtl, 100 - 265 / 7, tolerance = 1e-12)
  # variance by hand: sum over deaths of (area after t_j)^2 / (n_j (n_j - 1))
  s <- c(1, 6 / 7, 5 / 7, 4 / 7, 3 / 7, 2 / 7, 1 / 7, 1 / 7)
  knots <- c(0, d$time)
  areas <- diff(c(knots, 100)) * s     # intervals [0,10), [10,15), ..., [100, 100]
  tail <- rev(cumsum(rev(areas)))      # area from each knot to tau
  n <- 7:2
  v <- sum(tail[2:7]^2 / (n * (n - 1)))
  expect_equal(m$groups$std.error, sqrt(v), tolerance = 1e-12)
  ref <- summary(survival::survfit(Surv(time, dead) ~ 1, data = d), rmean = 100)$table
  expect_equal(m$groups$rmst, unname(ref["rmean"]), tolerance = 1e-12)
  expect_equal(m$groups$std.error, unname(ref["se(rmean)"]), tolerance = 1e-12)
  expect_null(m$contrasts)
})

test_that("two groups equal survRM2::rmst2 on 200 seeded data sets (ties, censoring at tau, ...)", {
  skip_if_not_installed("survRM2")
  worst <- 0
  n_ok <- 0
  n_err <- 0
  for (seed in 1:200) {
    set.seed(seed)
    n <- sample(c(4, 8, 15, 30, 80), 1)
    time <- round(stats::rexp(n, 0.2), sample(0:2, 1))  # rounding: ties
    time[time == 0] <- 0.5
    status <- stats::rbinom(n, 1, sample(c(0.3, 0.7, 1), 1))
    arm <- rep(0:1, length.out = n)[sample.int(n)]
    d <- data.frame(time, status, arm)
    last <- tapply(time, arm, max)
    tau <- switch(seed %% 5 + 1,
                  NULL,                                  # the default rule
                  min(last),                             # censoring or event at tau
                  sort(time[status == 1])[1],            # tau at an event time
                  max(last),                             # beyond one arm's last time
                  stats::runif(1, 0.2, 1) * min(last))   # anywhere
    ref <- tryCatch(survRM2::rmst2(time, status, arm, tau = tau), error = function(e) e)
    m <- tryCatch(rmst(Surv(time, status) ~ arm, data = d, tau = tau), error = function(e) e)
    expect_identical(inherits(m, "error"), inherits(ref, "error"), label = paste("seed", seed))
    if (inherits(ref, "error")) {
      n_err <- n_err + 1
      next
    }
    a <- ss_layout(m)
    b <- rm2_layout(ref)
    if (all(a$se == 0)) {
      # no event before tau in either group: the contrasts are degenerate
      # (0 / 0); survRM2's sum leaves a rounding residue there (documented)
      expect_equal(a$contrasts[1:2, 1:3], b$contrasts[1:2, 1:3], tolerance = 1e-10)
      a$contrasts <- b$contrasts <- NULL
    }
    expect_equal(a, b, tolerance = 1e-10, label = paste("seed", seed))
    ok <- is.finite(a$contrasts) & is.finite(b$contrasts)
    worst <- max(worst, abs(a$contrasts[ok] - b$contrasts[ok]), abs(a$rmst - b$rmst),
                 abs(a$se - b$se))
    n_ok <- n_ok + 1
  }
  expect_gt(n_ok, 150)
  expect_gt(n_err, 5)   # tau beyond the allowed bound was exercised
  expect_lt(worst, 1e-8)
})

test_that("one group equals survRM2's rmst1 and survival's rmean", {
  skip_if_not_installed("survRM2")
  for (seed in 1:40) {
    set.seed(seed)
    n <- sample(c(1, 2, 6, 25), 1)
    d <- data.frame(time = round(stats::rexp(n), 1) + 0.1, status = stats::rbinom(n, 1, 0.6))
    tau <- if (seed %% 2) NULL else max(d$time) * stats::runif(1, 0.3, 1)
    m <- rmst(Surv(time, status) ~ 1, data = d, tau = tau)
    expect_equal(m$tau, if (is.null(tau)) max(d$time) else tau)
    r1 <- survRM2:::rmst1(d$time, d$status, m$tau)
    expect_equal(c(m$groups$rmst, m$groups$std.error, m$groups$conf.low, m$groups$conf.high),
                 unname(c(r1$rmst[1:2], clip(r1$rmst[3:4], m$tau))), tolerance = 1e-10)
    expect_equal(c(m$groups$rmtl, m$groups$rmtl.low, m$groups$rmtl.high),
                 unname(c(r1$rmtl[1], clip(r1$rmtl[3:4], m$tau))), tolerance = 1e-10)
    if (m$tau >= min(d$time)) {  # survival refuses a tau before the first time
      ref <- summary(survival::survfit(Surv(time, status) ~ 1, data = d), rmean = m$tau)$table
      expect_equal(m$groups$rmst, unname(ref["rmean"]), tolerance = 1e-10)
      expect_equal(m$groups$std.error, unname(ref["se(rmean)"]), tolerance = 1e-10)
    }
  }
})

test_that("three groups are compared pairwise, each pair as survRM2::rmst2; adjust = p.adjust", {
  skip_if_not_installed("survRM2")
  for (seed in 1:30) {
    set.seed(seed)
    n <- 45
    d <- data.frame(time = round(stats::rexp(n, 0.3), 1) + 0.1,
                    status = stats::rbinom(n, 1, 0.7),
                    g = factor(sample(c("a", "b", "c"), n, TRUE), c("a", "b", "c")))
    last <- tapply(d$time, d$g, max)
    tau <- 0.9 * min(last)
    m <- rmst(Surv(time, status) ~ g, data = d, tau = tau)
    expect_identical(unique(m$contrasts$group), c("g=b vs g=a", "g=c vs g=a", "g=c vs g=b"))
    for (pr in list(c("a", "b"), c("a", "c"), c("b", "c"))) {
      s <- d[d$g %in% pr, ]
      ref <- survRM2::rmst2(s$time, s$status, as.integer(s$g == pr[2]), tau = tau)
      got <- m$contrasts[m$contrasts$group == paste0("g=", pr[2], " vs g=", pr[1]), ]
      expect_equal(unname(as.matrix(got[c("estimate", "conf.low", "conf.high", "p.value")])),
                   unname(ref$unadjusted.result), tolerance = 1e-10)
    }
    h <- rmst(Surv(time, status) ~ g, data = d, tau = tau, adjust = "holm")
    for (term in c("difference", "ratio", "rmtl_ratio")) {
      i <- m$contrasts$term == term
      expect_equal(h$contrasts$p.value[i], stats::p.adjust(m$contrasts$p.value[i], "holm"),
                   tolerance = 1e-14)
      expect_equal(h$contrasts$estimate[i], m$contrasts$estimate[i])
    }
  }
})

test_that("the default tau follows survRM2's four cases and generalises to more groups", {
  b <- smallsurv:::rmst_tau_bound
  # (last time, ends in event)
  expect_equal(b(c(5, 8), c(1, 1)), 8)  # both events: the larger
  expect_equal(b(c(5, 8), c(1, 0)), 8)  # shorter ends in an event: the larger
  expect_equal(b(c(5, 8), c(0, 1)), 5)  # shorter ends censored: the smaller
  expect_equal(b(c(5, 8), c(0, 0)), 5)  # both censored: the smaller
  expect_equal(b(c(5, 8, 3), c(1, 0, 1)), 8)
  expect_equal(b(c(5, 8, 3), c(0, 0, 1)), 5)
  expect_equal(b(7, 1), 7)
  # survRM2 agrees on the default in every case
  skip_if_not_installed("survRM2")
  cases <- list(c(1, 1), c(1, 0), c(0, 1), c(0, 0))
  for (k in seq_along(cases)) {
    d <- data.frame(time = c(1, 2, 5, 1.5, 3, 8), status = c(1, 0, cases[[k]][1], 1, 1, cases[[k]][2]),
                    arm = rep(0:1, each = 3))
    m <- rmst(Surv(time, status) ~ arm, data = d)
    expect_equal(m$tau, survRM2::rmst2(d$time, d$status, d$arm)$tau)
    expect_equal(m$tau_bound, m$tau)
    expect_identical(m$tau_note, "default: the largest allowed value")
  }
})

test_that("a tau beyond the bound, tau <= 0 and unsupported input are errors", {
  d <- data.frame(time = c(1, 2, 5, 1.5, 3, 8), status = c(1, 0, 0, 1, 1, 1),
                  arm = rep(0:1, each = 3))
  expect_error(rmst(Surv(time, status) ~ arm, data = d, tau = 6),
               "beyond the largest allowed value 5")
  expect_snapshot(rmst(Surv(time, status) ~ arm, data = d, tau = 6), error = TRUE)
  expect_error(rmst(Surv(time, status) ~ arm, data = d, tau = 0), "`tau` must be positive")
  expect_error(rmst(Surv(time, status) ~ arm, data = d, tau = -1), "`tau` must be positive")
  expect_error(rmst(Surv(time, status) ~ arm, data = d, tau = "3"), "single finite number")
  expect_error(rmst(Surv(time, status) ~ arm, data = d, tau = 3, conf.level = 95), "conf.level")
  expect_error(rmst(Surv(time, status) ~ arm, data = d, adjust = "foo"), "`adjust`")
  expect_error(rmst(Surv(time, status) ~ arm, data = d, permutation = "monte-carlo", reps = 0), "`reps`")
  d$start <- 0
  expect_error(rmst(Surv(start, time, status) ~ arm, data = d), "counting-process")
  expect_equal(rmst(Surv(time, status) ~ arm, data = d, tau = 5)$tau, 5)
})

test_that("permutation p-values: seeded, reproducible, equal to an R loop over the same permutations", {
  skip_if_not_installed("survRM2")
  set.seed(11)
  n <- 18
  d <- data.frame(time = round(stats::rexp(n, 0.25), 1) + 0.1, status = stats::rbinom(n, 1, 0.7),
                  arm = rep(0:1, c(8, 10)))
  tau <- 3
  reps <- 150
  m1 <- rmst(Surv(time, status) ~ arm, data = d, tau = tau, permutation = "monte-carlo", reps = reps,
             seed = 42)
  m2 <- rmst(Surv(time, status) ~ arm, data = d, tau = tau, permutation = "monte-carlo", reps = reps,
             seed = 42)
  expect_identical(m1$contrasts$p.perm, m2$contrasts$p.perm)
  m3 <- rmst(Surv(time, status) ~ arm, data = d, tau = tau, permutation = "monte-carlo", reps = reps,
             seed = 43)
  expect_false(identical(m1$contrasts$p.perm, m3$contrasts$p.perm))
  set.seed(5)
  a <- rmst(Surv(time, status) ~ arm, data = d, tau = tau, permutation = "monte-carlo", reps = 50)
  set.seed(5)
  b <- rmst(Surv(time, status) ~ arm, data = d, tau = tau, permutation = "monte-carlo", reps = 50)
  expect_identical(a$contrasts$p.perm, b$contrasts$p.perm)

  # the same permutations in R, with survRM2's one-arm estimator (which
  # extends a curve flat to tau, as the C++ loop does)
  labels <- smallsurv:::rmst_perm_labels_cpp(as.integer(d$arm), reps, 42)
  expect_true(all(apply(labels, 2, function(l) sum(l) == 10)))
  stat <- function(arm) {
    w1 <- survRM2:::rmst1(d$time[arm == 1], d$status[arm == 1], tau)
    w0 <- survRM2:::rmst1(d$time[arm == 0], d$status[arm == 0], tau)
    r1 <- w1$rmst[[1]]
    r0 <- w0$rmst[[1]]
    l1 <- tau - r1
    l0 <- tau - r0
    c((r1 - r0) / sqrt(w1$rmst.var + w0$rmst.var),
      (log(r1) - log(r0)) / sqrt(w1$rmst.var / r1^2 + w0$rmst.var / r0^2),
      (log(l1) - log(l0)) / sqrt(w1$rmst.var / l1^2 + w0$rmst.var / l0^2))
  }
  t0 <- stat(d$arm)
  ts <- vapply(seq_len(reps), function(b) stat(labels[, b]), numeric(3))
  # ?resampling: undefined permuted statistics are left out, ties within
  # sqrt(eps) * max(1, |t0|)
  ok <- !is.nan(ts)
  thr <- ifelse(is.infinite(t0), abs(t0), abs(t0) - sqrt(.Machine$double.eps) * pmax(1, abs(t0)))
  extreme <- ok & abs(ts) >= thr
  p_r <- (1 + rowSums(extreme)) / (1 + rowSums(ok))
  expect_equal(m1$contrasts$p.perm, p_r, tolerance = 1e-14)
  # the observed statistic is the Wald z of survRM2's test
  z <- stats::qnorm(m1$contrasts$p.value[1] / 2)
  expect_equal(abs(t0[1]), abs(z), tolerance = 1e-8)
})

test_that("permutation p-value is close to the exact one over all relabellings (small n)", {
  d <- data.frame(time = c(1, 2, 3, 4, 5, 2.5, 3.5, 4.5, 6, 7),
                  status = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0), arm = rep(0:1, each = 5))
  tau <- 5
  # all 252 relabellings
  combs <- utils::combn(10, 5)
  skip_if_not_installed("survRM2")
  stat <- function(a) {  # survRM2's estimator (flat beyond a group's last time)
    w1 <- survRM2:::rmst1(d$time[a == 1], d$status[a == 1], tau)
    w0 <- survRM2:::rmst1(d$time[a == 0], d$status[a == 0], tau)
    (w1$rmst[[1]] - w0$rmst[[1]]) / sqrt(w1$rmst.var + w0$rmst.var)
  }
  t0 <- stat(d$arm)
  ts <- apply(combs, 2, function(i) {
    a <- integer(10)
    a[i] <- 1L
    stat(a)
  })
  exact <- mean(abs(ts) >= abs(t0) - 1e-10)
  expect_gt(exact, 0.05)
  m <- rmst(Surv(time, status) ~ arm, data = d, tau = tau, permutation = "monte-carlo", reps = 20000,
            seed = 1)
  # Monte Carlo error sd <= 0.5 / sqrt(20000) = 0.0035
  expect_lt(abs(m$contrasts$p.perm[1] - exact), 4 * sqrt(exact * (1 - exact) / 20000) + 1e-4)
})

test_that("tidy(), glance() and print() give the documented layout", {
  fit <- rmst(Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6, permutation = "none")
  td <- tidy(fit)
  expect_named(td, c("term", "group", "estimate", "std.error", "conf.low", "conf.high",
                     "p.value"))
  expect_identical(td$term, c("rmst", "rmst", "rmtl", "rmtl", "difference", "ratio",
                              "rmtl_ratio"))
  expect_identical(td$group[1:2], c("dose=DL1", "dose=DL2"))
  expect_identical(td$group[5], "dose=DL2 vs dose=DL1")
  expect_equal(td$estimate[1] + td$estimate[3], 6)
  expect_true(all(is.na(td$p.value[1:4])))
  tp <- tidy(rmst(Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6,
                  permutation = "monte-carlo", reps = 200, seed = 3))
  expect_true("p.perm" %in% names(tp))
  expect_true(all(tp$p.perm[5:7] >= 1 / 201 & tp$p.perm[5:7] <= 1))
  gl <- glance(fit)
  expect_named(gl, c("tau", "tau_bound", "groups", "n", "events", "conf.level", "adjust",
                     "reps", "seed"))
  expect_equal(gl$n, 25)
  # the default runs the permutation test (it fits the time budget)
  expect_false(is.null(rmst(Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6,
                            seed = 2)$contrasts$p.perm))
  expect_snapshot(print(fit))
  expect_snapshot(print(rmst(Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6,
                             permutation = "monte-carlo", reps = 500, seed = 1)))
})

test_that("pairwise permutation p-values equal the two-group analysis of each pair", {
  set.seed(21)
  n <- 36
  d <- data.frame(time = round(stats::rexp(n, 0.3), 1) + 0.1, status = stats::rbinom(n, 1, 0.7),
                  g = factor(rep(c("a", "b", "c"), 12)))
  tau <- 0.8 * min(tapply(d$time, d$g, max))
  m <- rmst(Surv(time, status) ~ g, data = d, tau = tau, permutation = "monte-carlo", reps = 300,
            seed = 8)
  s <- d[d$g != "b", ]
  s$g <- droplevels(s$g)
  two <- rmst(Surv(time, status) ~ g, data = s, tau = tau, permutation = "monte-carlo", reps = 300,
              seed = 8)
  got <- m$contrasts[m$contrasts$group == "g=c vs g=a", ]
  expect_equal(got$p.perm, two$contrasts$p.perm, tolerance = 1e-14)
  expect_equal(got$estimate, two$contrasts$estimate, tolerance = 1e-12)
  h <- rmst(Surv(time, status) ~ g, data = d, tau = tau, permutation = "monte-carlo", reps = 300,
            seed = 8, adjust = "bonferroni")
  i <- h$contrasts$term == "difference"
  expect_equal(h$contrasts$p.perm[i], pmin(1, 3 * m$contrasts$p.perm[i]), tolerance = 1e-14)
  expect_output(print(m), "without multiplicity adjustment")
  expect_output(print(h), "p.adjust\\(method = \"bonferroni\"\\)")
})

test_that("subset and na.action select the rows as in the other verbs", {
  d <- rrall
  d$efs_time[3] <- NA
  a <- rmst(Surv(efs_time, efs_status) ~ dose, data = d, tau = 6)
  b <- rmst(Surv(efs_time, efs_status) ~ dose, data = rrall[-3, ], tau = 6)
  expect_equal(a$groups[names(a$groups)], b$groups)
  expect_length(a$na.action, 1L)
  expect_output(print(a), "1 row removed by na.action")
  s <- rmst(Surv(efs_time, efs_status) ~ 1, data = rrall, tau = 6, subset = dose == "DL1")
  full <- rmst(Surv(efs_time, efs_status) ~ dose, data = rrall, tau = 6)
  expect_equal(s$groups$rmst, full$groups$rmst[1], tolerance = 1e-12)
  expect_equal(s$groups$std.error, full$groups$std.error[1], tolerance = 1e-12)
})

test_that("a zero standard error: statistic 0 (p = 1) for a zero estimate, +-Inf (p = 0) otherwise, in the Wald and the permutation test alike", {
  k <- smallsurv:::rmst_contrast_cpp(c(2, 3, 2), c(0, 0, 0), c(2, 2, 3), c(0, 0, 0), 4)
  expect_equal(k$statistic[, 1], c(0, Inf, -Inf))
  expect_equal(k$statistic[, 2], c(0, Inf, -Inf))
  expect_equal(k$std.error[, 1], c(0, 0, 0))
  # an RMTL of 0: the RMTL ratio is undefined
  expect_true(is.nan(smallsurv:::rmst_contrast_cpp(4, 0, 3, 0.1, 4)$statistic[1, 3]))
  # no event before tau in either group: RMSTs equal tau, variances 0
  d <- data.frame(time = c(5, 6, 5.5, 7), status = 1, arm = c(0, 0, 1, 1))
  m <- rmst(Surv(time, status) ~ arm, data = d, tau = 2, permutation = "monte-carlo", reps = 20, seed = 1)
  expect_equal(m$groups$rmst, c(2, 2))
  expect_equal(m$groups$std.error, c(0, 0))
  expect_equal(m$contrasts$p.value[1:2], c(1, 1))
  expect_true(is.nan(m$contrasts$p.value[3]))
  expect_equal(m$contrasts$p.perm[1:2], c(1, 1))
  # one group all dead at one time (variance 0), the other without events
  d <- data.frame(time = c(1, 1, 3, 4), status = 1, arm = c(0, 0, 1, 1))
  m <- rmst(Surv(time, status) ~ arm, data = d, tau = 2)
  expect_equal(m$groups$rmst, c(1, 2))
  expect_equal(m$groups$std.error, c(0, 0))
  expect_equal(m$contrasts$p.value[1:2], c(0, 0))
  # the Wald statistic is the permutation test's observed statistic
  set.seed(3)
  d <- data.frame(time = round(stats::rexp(30), 1) + 0.1, status = stats::rbinom(30, 1, 0.7),
                  arm = rep(0:1, 15))
  m <- rmst(Surv(time, status) ~ arm, data = d, tau = 1)
  pr <- smallsurv:::rmst_perm_cpp(d$time, as.integer(d$status), as.integer(d$arm), 1, TRUE, 5, 1)
  expect_identical(m$contrasts$p.value, 2 * stats::pnorm(-abs(pr$statistic)))
})

test_that("RMST permutations: any thread count, undefined statistics left out and counted", {
  set.seed(21)
  d <- data.frame(time = rexp(40), status = rbinom(40, 1, 0.8), arm = rep(0:1, 20))
  f <- function(th) withr::with_options(list(smallsurv.threads = th),
    rmst(Surv(time, status) ~ arm, data = d, tau = 1, permutation = "monte-carlo", reps = 900,
         seed = 2))
  a <- f(1)
  b <- f(2)
  expect_identical(a$contrasts$p.perm, b$contrasts$p.perm)
  expect_length(a$permutation$mc.se, 3L)
  expect_true(all(a$permutation$undefined == 0))
  expect_output(print(a), "Monte Carlo \\(900 permutations, SE")
  expect_message(rmst(Surv(time, status) ~ arm, data = d, tau = 1, permutation = TRUE,
                      reps = 20, seed = 1), "deprecated")
  expect_error(rmst(Surv(time, status) ~ arm, data = d, tau = 1, permutation = "monte-carlo",
                    seed = 2^60), "`seed` must be")
})

test_that("RMST and RMTL limits lie in [0, tau]: Wald truncated (marked) or logit-scale", {
  # two deaths in one group near tau: survRM2's upper RMST limit exceeds tau
  d <- data.frame(time = c(1, 2, 5.5, 6, 6, 6, 0.5, 6, 6, 6), status = c(0, 0, 1, 0, 0, 0, 1, 0, 0, 0),
                  g = rep(c("a", "b"), c(6, 4)))
  m <- rmst(Surv(time, status) ~ g, data = d, tau = 6)
  g <- m$groups
  for (v in c("conf.low", "conf.high", "rmtl.low", "rmtl.high")) {
    expect_true(all(g[[v]] >= 0 & g[[v]] <= 6), label = v)
  }
  z <- stats::qnorm(0.975)
  wald_hi <- g$rmst + z * g$std.error
  expect_true(any(wald_hi > 6))
  expect_identical(g$truncated, wald_hi > 6 | g$rmst - z * g$std.error < 0)
  expect_equal(g$conf.high[g$truncated], rep(6, sum(g$truncated)))
  expect_output(print(m), "truncated there")
  # logit scale: inside (0, tau), by hand
  l <- rmst(Surv(time, status) ~ g, data = d, tau = 6, conf.type = "logit")
  p <- l$groups$rmst / 6
  h <- z * l$groups$std.error / (6 * p * (1 - p))
  expect_equal(l$groups$conf.low, 6 * stats::plogis(stats::qlogis(p) - h), tolerance = 1e-12)
  expect_equal(l$groups$conf.high, 6 * stats::plogis(stats::qlogis(p) + h), tolerance = 1e-12)
  expect_true(all(l$groups$conf.high < 6 & l$groups$conf.low > 0))
  expect_false(any(l$groups$truncated))
  expect_error(rmst(Surv(time, status) ~ g, data = d, conf.type = "log"),
               "`conf.type` must be one of \"plain\", \"logit\"", fixed = TRUE)
})

test_that("contrasts resting on fewer than 10 events are flagged; the permutation p-value leads", {
  r <- rmst(Surv(os_time, os_status) ~ dose, data = rrall, tau = 6, seed = 1)
  expect_identical(r$contrasts$events, rep(sum(r$groups$events), 3))
  expect_identical(r$few_events, r$contrasts$events < 10)
  out <- capture.output(print(r))
  expect_true(any(grepl("Few events (dose=DL2 vs dose=DL1: 1 event; fewer than 10)", out,
                        fixed = TRUE)))
  hdr <- out[grep("estimate", out)[1]]
  expect_match(hdr, "estimate +lower +upper +p \\(perm\\.\\) +MC SE")
})
