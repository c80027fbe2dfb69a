# fine_gray(): against cmprsk::crr() (run with a tight gtol: its default
# stops about 1e-5 short of the optimum), survival::finegray() + coxph(),
# the gradient of the Firth-penalised pseudo-likelihood, and errors.

crr_tight <- function(time, status, x, failcode = 1) {
  ref <- cmprsk::crr(time, status, x, failcode = failcode, gtol = 1e-12, maxiter = 200)
  if (!isTRUE(ref$converged)) {
    # crr's line search can stall below the rounding of its objective;
    # restarting it from its own last value converges (see the crr notes)
    ref <- cmprsk::crr(time, status, x, failcode = failcode, gtol = 1e-12, maxiter = 200,
                       init = ref$coef)
  }
  ref
}

expect_same_as_crr <- function(fit, ref, tolerance = 1e-8, label = "") {
  expect_equal(unname(coef(fit)), unname(ref$coef), tolerance = tolerance, label = label)
  expect_equal(unname(fit$var), unname(ref$var), tolerance = tolerance, label = label)
  expect_equal(unname(fit$naive.var), unname(ref$invinf), tolerance = tolerance, label = label)
  expect_equal(fit$loglik[2], ref$loglik, tolerance = tolerance, label = label)
  bfitj <- fit$basehaz$hazard * exp(-sum(coef(fit) * fit$means))
  expect_equal(bfitj, ref$bfitj, tolerance = tolerance, label = label)
  expect_equal(fit$basehaz$time, ref$uftime, label = label)
}

seeded_cr_data <- function(seed, n = 80, digits = 6) {
  set.seed(seed)
  x1 <- rbinom(n, 1, 0.5)
  x2 <- round(rnorm(n), 2)
  t1 <- rexp(n, 0.10 * exp(0.7 * x1))
  t2 <- rexp(n, 0.08 * exp(-0.3 * x2))
  cc <- runif(n, 2, 15)
  tt <- pmin(t1, t2, cc)
  ev <- ifelse(tt == cc, 0, ifelse(tt == t1, 1, 2))
  data.frame(id = seq_len(n), time = round(tt, digits), ev, x1, x2)
}

test_that("fine_gray() equals crr: coefficients, sandwich and naive variance, baseline", {
  skip_if_not_installed("cmprsk")
  d <- seeded_cr_data(20240607)
  fit <- fine_gray(Surv(time, ev) ~ x1 + x2, data = d, cencode = 0, cause = 1)
  ref <- crr_tight(d$time, d$ev, cbind(d$x1, d$x2))
  expect_same_as_crr(fit, ref)
  # the reference values in ../shared/references (crr, gtol = 1e-12)
  expect_equal(unname(coef(fit)), c(0.9934746779, -0.0468681372), tolerance = 1e-8)
  expect_equal(sqrt(diag(fit$var)), c(0.30445264, 0.19532060), tolerance = 1e-7)
  # cause 2, factor status
  d$evf <- factor(d$ev, 0:2, c("cens", "relapse", "death"))
  fit2 <- fine_gray(Surv(time, evf) ~ x1 + x2, data = d, cause = "death")
  expect_same_as_crr(fit2, crr_tight(d$time, d$ev, cbind(d$x1, d$x2), failcode = 2))
})

test_that("ties: among events, across causes, censorings tied with events (rounded times)", {
  skip_if_not_installed("cmprsk")
  for (seed in 1:10) {
    d <- seeded_cr_data(seed, n = if (seed %% 2) 25 else 60, digits = seed %% 3)
    if (!any(d$ev == 1)) next
    fit <- fine_gray(Surv(time, ev) ~ x1 + x2, data = d, cencode = 0)
    expect_same_as_crr(fit, crr_tight(d$time, d$ev, cbind(d$x1, d$x2)),
                       label = paste("seed", seed))
  }
})

test_that("KMsurv::bmt: relapse with death in remission competing", {
  skip_if_not_installed("cmprsk")
  skip_if_not_installed("KMsurv")
  bmt <- get(utils::data("bmt", package = "KMsurv", envir = environment()))
  bmt$st <- with(bmt, ifelse(d2 == 1, 1, ifelse(d1 == 1, 2, 0)))
  bmt$group <- factor(bmt$group)
  fit <- fine_gray(Surv(t2, st) ~ group + z1 + z8, data = bmt, cencode = 0)
  x <- with(bmt, cbind(group == 2, group == 3, z1, z8) * 1)
  expect_same_as_crr(fit, crr_tight(bmt$t2, bmt$st, x), tolerance = 1e-7)
  months <- transform(bmt, m = ceiling(t2 / 30.4))
  fit <- fine_gray(Surv(m, st) ~ group + z1 + z8, data = months, cencode = 0)
  expect_same_as_crr(fit, crr_tight(months$m, months$st, x), tolerance = 1e-7)
})

test_that("without censoring-event ties fine_gray() equals coxph on finegray() data", {
  d <- seeded_cr_data(99)
  d$evf <- factor(d$ev, 0:2, c("cens", "a", "b"))
  fit <- fine_gray(Surv(time, evf) ~ x1 + x2, data = d, cause = "a")
  fg <- survival::finegray(Surv(time, evf) ~ ., data = d[c("time", "evf", "x1", "x2")],
                           etype = "a")
  ref <- survival::coxph(Surv(fgstart, fgstop, fgstatus) ~ x1 + x2, data = fg, weights = fgwt,
                         ties = "breslow")
  expect_equal(unname(coef(fit)), unname(coef(ref)), tolerance = 1e-8)
  expect_equal(unname(fit$naive.var), unname(ref$naive.var), tolerance = 1e-8)
})

test_that("predict() equals predict.crr and never extrapolates", {
  skip_if_not_installed("cmprsk")
  d <- seeded_cr_data(5)
  fit <- fine_gray(Surv(time, ev) ~ x1 + x2, data = d, cencode = 0)
  ref <- crr_tight(d$time, d$ev, cbind(d$x1, d$x2))
  nd <- data.frame(x1 = c(0, 1), x2 = c(-1, 0.5))
  pc <- stats::predict(ref, cov1 = as.matrix(nd))
  pf <- predict(fit, newdata = nd, times = pc[, 1])
  expect_equal(unname(pf), unname(pc[, -1]), tolerance = 1e-8)
  late <- predict(fit, newdata = nd, times = max(d$time) + 1)
  expect_true(all(is.na(late)))
})

test_that("Firth: the penalised pseudo-likelihood's gradient is 0 at the estimate", {
  for (seed in c(3, 8)) {
    d <- seeded_cr_data(seed, n = 25, digits = 1)
    fit <- fine_gray(Surv(time, ev) ~ x1 + x2, data = d, cencode = 0, firth = TRUE)
    expect_true(fit$convergence$converged)
    lstar <- function(b) {
      ctl <- fit$fit_input$control
      ctl$firth.iter.max <- 0L
      r <- smallsurv:::reg_fit(fit$fit_input$rf, "breslow", TRUE, b, ctl, fine_gray = TRUE,
                               status = fit$fit_input$status)
      r$loglik[2] + r$penalty[2]
    }
    b <- unname(coef(fit))
    g <- fd_gradient(lstar, b)
    expect_lt(max(abs(g)), 1e-6)
    # the penalty moves the estimate towards 0 relative to the unpenalised fit
    ml <- fine_gray(Surv(time, ev) ~ x1 + x2, data = d, cencode = 0)
    expect_false(isTRUE(all.equal(coef(ml), coef(fit))))
    # profile limits bracket the estimate
    expect_true(all(fit$profile$lower < b & b < fit$profile$upper))
  }
})

test_that("monotone pseudo-likelihood warns; Firth stays finite", {
  set.seed(4)
  n <- 25
  x <- rbinom(n, 1, 0.5)
  ev <- ifelse(x == 1, sample(0:2, n, TRUE), sample(c(0, 2), n, TRUE))
  d <- data.frame(time = rexp(n), ev, x, z = rnorm(n))
  expect_warning(fine_gray(Surv(time, ev) ~ x + z, data = d, cencode = 0), "monotone")
  pen <- fine_gray(Surv(time, ev) ~ x + z, data = d, cencode = 0, firth = TRUE)
  expect_true(all(is.finite(coef(pen))))
  out <- capture.output(print(pen))
  expect_true(any(grepl("profile penalised likelihood", out)))
  tt <- tidy(pen, conf.int = TRUE)
  expect_equal(tt$conf.low, pen$profile$lower)
})

test_that("bad input gets a clear error", {
  d <- seeded_cr_data(6)
  expect_error(fine_gray(Surv(time, ev) ~ x1, data = d), "cencode")
  expect_error(fine_gray(Surv(time, ev) ~ x1, data = d, cencode = 0, cause = 7),
               "`cause` must be one of")
  d$k <- 3
  expect_error(fine_gray(Surv(time, ev) ~ x1 + k, data = d, cencode = 0), "no variation")
  d$ev2 <- ifelse(d$ev == 1, 2, d$ev)
  d$evf <- factor(d$ev2, 0:2, c("cens", "a", "b"))
  expect_error(fine_gray(Surv(time, evf) ~ x1, data = d, cause = "a"), "no events")
  expect_error(fine_gray(Surv(time, ev) ~ x1 + strata(x2), data = d, cencode = 0), "strata")
})

test_that("default calls survive large and degenerate input", {
  set.seed(30)
  n <- 1e4
  d <- data.frame(time = ceiling(rexp(n) * 10), ev = sample(0:2, n, TRUE),
                  x = rbinom(n, 1, 0.5))
  fit <- fine_gray(Surv(time, ev) ~ x, data = d, cencode = 0)
  expect_true(is.finite(coef(fit)) && is.finite(fit$var[1, 1]))
  # one event of the cause: a fit, with the note that no model is supportable
  d1 <- data.frame(time = 1:6, ev = c(1, 0, 2, 0, 2, 0), x = c(1, 0, 1, 0, 0, 1))
  f1 <- suppressWarnings(fine_gray(Surv(time, ev) ~ x, data = d1, cencode = 0, firth = TRUE))
  expect_true(is.finite(coef(f1)))
  expect_true(any(grepl("too few", capture.output(print(f1)))))
  # no censoring at all
  d2 <- data.frame(time = 1:8, ev = c(1, 2, 1, 2, 1, 1, 2, 1), x = c(1, 0, 0, 1, 1, 0, 1, 0))
  expect_true(is.finite(coef(fine_gray(Surv(time, ev) ~ x, data = d2, cencode = 0,
                                       firth = TRUE))))
})
