# reg_coverage(): the simulation of regression estimates and intervals.

test_that("the summaries are computed from the simulated fits", {
  r <- reg_coverage("cox", n = 25, beta = log(2), reps = 60, seed = 11)
  expect_s3_class(r, "smallsurv_regcov")
  expect_equal(r$method, c("ml-wald", "ml-profile", "firth-profile", "firth-wald"))
  expect_true(all(r$coverage >= 0 & r$coverage <= 1))
  # every limit is ordered (lower <= upper), so each trial is below, inside
  # or above
  expect_equal(r$coverage + r$below + r$above, rep(1, 4), tolerance = 1e-12)
  expect_true(all(r$unconverged >= 0 & r$unconverged <= 1))
  # the Firth fits of this design all converge
  expect_true(all(r$unconverged[3:4] == 0))
  # reproducible with a seed, and R's generator left as it was
  set.seed(5)
  a <- stats::runif(1)
  set.seed(5)
  r2 <- reg_coverage("cox", n = 25, beta = log(2), reps = 60, seed = 11)
  expect_equal(stats::runif(1), a)
  expect_equal(as.data.frame(r), as.data.frame(r2))
})

test_that("one replicate by hand: the first simulated trial's fits", {
  set.seed(3)
  d <- smallsurv:::reg_simulate("cox", 25, log(2), 0.1, 8, 0.02, 0.5, 0.1)
  r <- reg_coverage("cox", n = 25, beta = log(2), reps = 1, seed = 3)
  ml <- cox(Surv(time, status) ~ x, data = d, ties = "breslow")
  pen <- cox(Surv(time, status) ~ x, data = d, firth = TRUE)
  ci <- confint(ml, method = "profile")
  expect_equal(r$bias[1], unname(coef(ml)) - log(2), tolerance = 1e-10)
  expect_equal(r$bias[3], unname(coef(pen)) - log(2), tolerance = 1e-10)
  expect_equal(r$width[2], unname(ci[1, 2] - ci[1, 1]), tolerance = 1e-8)
  expect_equal(r$width[3], pen$profile$upper - pen$profile$lower, tolerance = 1e-8)
})

test_that("the Fine-Gray design has the stated cumulative incidence", {
  set.seed(8)
  d <- smallsurv:::reg_simulate("fine_gray", 20000, log(2), 0.1, 1e6, 0, 0.4, 0.1)
  # F1(inf | x) = 1 - (1 - p)^exp(beta x)
  expect_equal(mean(d$status[d$x == 0] == 1), 0.4, tolerance = 0.03)
  expect_equal(mean(d$status[d$x == 1] == 1), 1 - 0.6^2, tolerance = 0.03)
  # F1(t | x = 0) = p (1 - exp(-rate t)) at t = 5
  expect_equal(mean(d$time[d$x == 0] <= 5 & d$status[d$x == 0] == 1),
               0.4 * (1 - exp(-0.5)), tolerance = 0.05)
  r <- reg_coverage("fine_gray", n = 25, beta = 0, reps = 30, seed = 2)
  expect_equal(attr(r, "design")$model, "fine_gray")
  expect_output(print(r), "Fine-Gray model")
})

test_that("bad arguments get clear errors", {
  expect_error(reg_coverage("weibull"), "`model`")
  expect_error(reg_coverage(n = 1), "at least 2")
  expect_error(reg_coverage(p_cause = 1), "p_cause")
  expect_error(reg_coverage(rate = -1), "rate")
})
