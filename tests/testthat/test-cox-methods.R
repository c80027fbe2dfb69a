# Methods of cox() fits: survival's methods, broom's columns, confint(),
# print().

test_that("survival's methods work on the fits", {
  d <- seeded_cox_data(11)
  fit <- cox(Surv(time, status) ~ x1 + x2 + g, data = d)
  ref <- survival::coxph(Surv(time, status) ~ x1 + x2 + g, data = d)
  nd <- d[1:5, ]
  expect_equal(predict(fit, nd), predict(ref, nd), tolerance = 1e-8)
  expect_equal(predict(fit, nd, type = "risk", se.fit = TRUE),
               predict(ref, nd, type = "risk", se.fit = TRUE), tolerance = 1e-8)
  expect_equal(predict(fit, type = "expected"), predict(ref, type = "expected"),
               tolerance = 1e-8)
  expect_equal(residuals(fit, "score"), residuals(ref, "score"), tolerance = 1e-8)
  expect_equal(residuals(fit, "dfbeta"), residuals(ref, "dfbeta"), tolerance = 1e-8)
  s1 <- survival::survfit(fit, newdata = nd[1:2, ])
  s2 <- survival::survfit(ref, newdata = nd[1:2, ])
  expect_equal(s1$surv, s2$surv, tolerance = 1e-8)
  expect_equal(s1$std.err, s2$std.err, tolerance = 1e-8)
  expect_equal(summary(fit)$coefficients, summary(ref)$coefficients, tolerance = 1e-8)
  expect_equal(confint(fit), confint(ref), tolerance = 1e-8)
  expect_equal(anova(fit)$Chisq, anova(ref)$Chisq, tolerance = 1e-6)
  expect_equal(vcov(fit), vcov(ref), tolerance = 1e-8)
})

test_that("tidy() and glance() equal broom's on unpenalised fits", {
  skip_if_not_installed("broom")
  d <- seeded_cox_data(12)
  fit <- cox(Surv(time, status) ~ x1 + x2, data = d)
  ref <- survival::coxph(Surv(time, status) ~ x1 + x2, data = d)
  a <- tidy(fit, conf.int = TRUE, exponentiate = TRUE)
  b <- as.data.frame(broom::tidy(ref, conf.int = TRUE, exponentiate = TRUE))
  expect_equal(a[names(b)], b, tolerance = 1e-8, ignore_attr = TRUE)
  g1 <- glance(fit)
  g2 <- as.data.frame(broom::glance(ref))
  # broom takes the Wald statistic from summary.coxph(), which rounds it to
  # 2 decimals; glance() keeps it unrounded
  common <- intersect(setdiff(names(g2), c("nobs", "r.squared", "r.squared.max",
                                           "statistic.wald", "p.value.wald")), names(g1))
  expect_true(all(c("statistic.log", "statistic.sc", "logLik", "concordance") %in% common))
  expect_equal(g1[common], g2[common], tolerance = 1e-8, ignore_attr = TRUE)
  expect_equal(g1$statistic.wald, g2$statistic.wald, tolerance = 0.006 / g2$statistic.wald)
  expect_equal(g1$statistic.wald, ref$wald.test, tolerance = 1e-8)
})

test_that("confint(): Wald by default without Firth, profile on request and for Firth fits", {
  d <- seeded_cox_data(13, n = 40)
  fit <- cox(Surv(time, status) ~ x1 + x2, data = d)
  pr <- confint(fit, method = "profile")
  # the profile limits are where the likelihood-ratio statistic is chi2(0.95)
  lr_at <- function(j, b) {
    rf <- fit$fit_input$rf
    off <- rf$x[, j] * b
    rf2 <- rf
    rf2$x <- rf$x[, -j, drop = FALSE]
    rf2$offset <- off
    r <- smallsurv:::reg_fit(rf2, "efron", FALSE, 0, fit$fit_input$control, fine_gray = FALSE)
    2 * (fit$loglik[2] - r$loglik[2])
  }
  for (j in 1:2) for (k in 1:2) {
    expect_equal(lr_at(j, pr[j, k]), stats::qchisq(0.95, 1), tolerance = 1e-7)
  }
  pen <- cox(Surv(time, status) ~ x1 + x2, data = d, firth = TRUE)
  expect_equal(unname(confint(pen)), unname(cbind(pen$profile$lower, pen$profile$upper)))
  ci90 <- confint(pen, level = 0.9)
  expect_true(all(ci90[, 1] > pen$profile$lower & ci90[, 2] < pen$profile$upper))
  expect_equal(unname(confint(pen, method = "wald")),
               unname(coef(pen) + outer(sqrt(diag(pen$var)), c(-1, 1) * stats::qnorm(0.975))))
})

test_that("print() names the interval and warns about few events per coefficient", {
  d <- seeded_cox_data(14, n = 25)
  pen <- cox(Surv(time, status) ~ x1 + x2, data = d, firth = TRUE)
  out <- capture.output(print(pen))
  expect_true(any(grepl("profile penalised likelihood", out)))
  expect_true(any(grepl("per coefficient, fewer than 10", out)))
  expect_error(anova(pen), "without the penalty")
})

test_that("print() says when there are too few events for any model", {
  d <- seeded_cox_data(24, n = 25)
  d$status <- 0L
  d$status[c(1, 5, 9)] <- 1L
  out <- capture.output(print(cox(Surv(time, status) ~ x1, data = d, firth = TRUE)))
  expect_true(any(grepl("too few for any regression model", out)))
})
