# cox(): against survival::coxph() (unpenalised) and coxphf::coxphf()
# (Firth), on survival's data sets and seeded data; hand-worked values;
# errors and warnings.

# every coxph component cox() must reproduce (the call aside)
cox_components <- c("coefficients", "var", "loglik", "score", "linear.predictors",
                    "residuals", "means", "method", "n", "nevent", "wald.test", "naive.var",
                    "rscore", "concordance")

expect_same_as_coxph <- function(fit, ref, tolerance = 1e-8, label = "") {
  expect_s3_class(fit, "coxph")
  for (k in cox_components) {
    a <- fit[[k]]
    b <- ref[[k]]
    expect_identical(is.null(a), is.null(b), label = paste(label, k, "present"))
    if (is.null(b)) next
    if (k == "concordance") b <- b[names(a)]
    expect_equal(unname(unclass(a)), unname(unclass(b)), tolerance = tolerance,
                 label = paste(label, k))
  }
  expect_equal(names(fit$coefficients), names(ref$coefficients))
  expect_equal(names(fit$linear.predictors), names(ref$linear.predictors))
  expect_equal(names(fit$residuals), names(ref$residuals))
}


test_that("unpenalised fits equal coxph on lung, veteran and ovarian (Efron and Breslow)", {
  lung <- survival::lung
  for (ties in c("efron", "breslow")) {
    f <- Surv(time, status) ~ age + sex + ph.ecog
    expect_same_as_coxph(cox(f, data = lung, ties = ties),
                         survival::coxph(f, data = lung, ties = ties), label = ties)
    f <- Surv(time, status) ~ trt + karno + celltype
    expect_same_as_coxph(cox(f, data = survival::veteran, ties = ties),
                         survival::coxph(f, data = survival::veteran, ties = ties), label = ties)
    f <- Surv(futime, fustat) ~ age + rx + strata(resid.ds)
    expect_same_as_coxph(cox(f, data = survival::ovarian, ties = ties),
                         survival::coxph(f, data = survival::ovarian, ties = ties), label = ties)
  }
})

test_that("counting-process data (heart, jasa1) with id: robust variance and rscore", {
  heart <- survival::heart
  f <- Surv(start, stop, event) ~ age + year + surgery + transplant
  for (ties in c("efron", "breslow")) {
    expect_same_as_coxph(cox(f, data = heart, ties = ties),
                         survival::coxph(f, data = heart, ties = ties), label = ties)
    fit <- cox(f, data = heart, ties = ties, id = id, robust = TRUE)
    ref <- survival::coxph(f, data = heart, ties = ties, cluster = id)
    expect_same_as_coxph(fit, ref, label = paste("cluster", ties))
  }
  jasa1 <- survival::jasa1
  fit <- cox(Surv(start, stop, event) ~ transplant + age, data = jasa1, id = id, robust = TRUE)
  ref <- survival::coxph(Surv(start, stop, event) ~ transplant + age, data = jasa1,
                         cluster = id)
  expect_same_as_coxph(fit, ref)
  # the reference values in ../shared/references (coxph on jasa1, cluster = id)
  expect_equal(unname(coef(fit)), c(-0.00605831, 0.03075781), tolerance = 1e-6)
  expect_equal(sqrt(diag(fit$var)), c(0.31333833, 0.01518272), tolerance = 1e-6)
  expect_equal(fit$rscore, 5.581281, tolerance = 1e-6)
})

test_that("seeded data: ties, strata, weights, delayed entry, factors", {
  for (seed in 1:12) {
    ties <- seed %% 2 == 0
    d <- seeded_cox_data(seed, ties = ties, entry = seed %% 3 == 0)
    lhs <- if (seed %% 3 == 0) "Surv(start, time, status)" else "Surv(time, status)"
    f <- stats::as.formula(paste(lhs, "~ x1 + x2 + g", if (seed %% 4 == 0) "+ strata(s)"))
    for (method in c("efron", "breslow")) {
      fit <- cox(f, data = d, ties = method)
      ref <- survival::coxph(f, data = d, ties = method)
      expect_same_as_coxph(fit, ref, label = paste(seed, method))
      fit <- cox(f, data = d, ties = method, weights = w)
      ref <- survival::coxph(f, data = d, ties = method, weights = w)
      expect_same_as_coxph(fit, ref, label = paste(seed, method, "weights"))
    }
  }
})

test_that("robust default follows coxph: non-integer weights or an id with several events", {
  d <- seeded_cox_data(5)
  expect_null(cox(Surv(time, status) ~ x1, data = d)$naive.var)
  expect_false(is.null(cox(Surv(time, status) ~ x1, data = d, weights = w)$naive.var))
  expect_null(cox(Surv(time, status) ~ x1, data = d, id = id)$naive.var)
  d2 <- rbind(d, d)
  expect_false(is.null(cox(Surv(time, status) ~ x1, data = d2, id = id)$naive.var))
})

test_that("a hand-worked case: two subjects, one event (exact fractions)", {
  # times 1 (event, x = 1) and 2 (censored, x = 0): l(b) = b - log(e^b + 1),
  # U(0) = 1/2, I(0) = 1/4, score test = 1; the MLE is infinite
  d <- data.frame(time = 1:2, status = c(1, 0), x = c(1, 0))
  fit <- suppressWarnings(cox(Surv(time, status) ~ x, data = d))
  expect_equal(fit$score, 1, tolerance = 1e-12)
  expect_equal(fit$loglik[1], -log(2), tolerance = 1e-12)
  # Firth: l* = b - log(e^b + 1) + 1/2 log(e^b / (e^b + 1)^2) is maximised
  # where 1 - p + (1 - 2p)/2 = 0, p = e^b/(e^b + 1): p = 3/4, b = log 3
  pen <- cox(Surv(time, status) ~ x, data = d, firth = TRUE)
  expect_equal(unname(coef(pen)), log(3), tolerance = 1e-9)
  expect_equal(unname(pen$var[1, 1]), 1 / (0.75 * 0.25), tolerance = 1e-8)
})

test_that("monotone likelihood: a plain warning naming the covariate, and Firth is finite", {
  set.seed(3)
  n <- 25
  x <- rbinom(n, 1, 0.5)
  d <- data.frame(tt = rexp(n), ev = ifelse(x == 1, rbinom(n, 1, 0.7), 0L), x, z = rnorm(n))
  expect_warning(cox(Surv(tt, ev) ~ x + z, data = d), "`x`.*monotone likelihood.*firth = TRUE")
  pen <- expect_silent(cox(Surv(tt, ev) ~ x + z, data = d, firth = TRUE))
  expect_true(all(is.finite(coef(pen))))
  expect_true(all(is.finite(pen$profile$lower)))
})

test_that("Firth fits equal coxphf (tight settings): coefficients, variance, profile limits, p", {
  skip_if_not_installed("coxphf")
  tight <- function(f, data) coxphf::coxphf(f, data = data, epsilon = 1e-10, gconv = 1e-10,
                                            maxit = 200)
  compare <- function(fit, ref, label) {
    expect_equal(unname(coef(fit)), unname(coef(ref)), tolerance = 1e-6, label = label)
    expect_equal(unname(fit$var), unname(ref$var), tolerance = 1e-6, label = label)
    expect_equal(exp(fit$profile$lower), unname(ref$ci.lower), tolerance = 1e-6, label = label)
    expect_equal(exp(fit$profile$upper), unname(ref$ci.upper), tolerance = 1e-6, label = label)
    expect_equal(fit$profile$p.value, unname(ref$prob), tolerance = 1e-6, label = label)
    expect_equal(diff(fit$loglik), diff(ref$loglik), tolerance = 1e-6, label = label)
  }
  d1 <- data.frame(time = 1:3, cens = c(1, 1, 1), x = c(1, 1, 0))
  compare(cox(Surv(time, cens) ~ x, data = d1, firth = TRUE),
          tight(Surv(time, cens) ~ x, d1), "example 1")
  breast <- get(utils::data("breast", package = "coxphf", envir = environment()))
  fit <- cox(Surv(TIME, CENS) ~ T + N + G + CD, data = breast, firth = TRUE)
  compare(fit, tight(Surv(TIME, CENS) ~ T + N + G + CD, breast), "breast")
  # the published reference values (../shared/references, coxphf 1.13.4)
  expect_equal(unname(coef(fit)), c(1.2244388003, 0.9188881851, 2.4244141347, 0.3971180862),
               tolerance = 1e-6)
  expect_equal(exp(fit$profile$upper[3]), 1451.94593832, tolerance = 1e-6)
  test2 <- data.frame(start = c(1, 2, 5, 2, 1, 7, 3, 4, 8, 8),
                      stop = c(2, 3, 6, 7, 8, 9, 9, 9, 14, 17),
                      event = c(1, 1, 1, 1, 1, 1, 1, 0, 0, 0),
                      x = c(1, 0, 0, 1, 0, 1, 1, 1, 0, 0))
  compare(cox(Surv(start, stop, event) ~ x, data = test2, firth = TRUE),
          tight(Surv(start, stop, event) ~ x, test2), "test2")
  for (seed in 1:8) {
    set.seed(seed)
    n <- 25
    x <- rbinom(n, 1, 0.5)
    d <- data.frame(tt = round(rexp(n), 1) + 0.1, x, z = round(rnorm(n), 1))
    # monotone likelihood in half the data sets: every event in x = 1
    d$ev <- if (seed %% 2) ifelse(x == 1, rbinom(n, 1, 0.7), 0L) else rbinom(n, 1, 0.5)
    compare(cox(Surv(tt, ev) ~ x + z, data = d, firth = TRUE),
            tight(Surv(tt, ev) ~ x + z, d), paste("seed", seed))
  }
})

test_that("Firth's modified score is the gradient of the penalised likelihood", {
  d <- seeded_cox_data(7, n = 30, ties = TRUE)
  for (ties in c("breslow", "efron")) {
    fit <- cox(Surv(time, status) ~ x1 + x2, data = d, firth = TRUE, ties = ties)
    lstar <- function(b) {
      rf <- fit$fit_input$rf
      ctl <- fit$fit_input$control
      ctl$firth.iter.max <- 0L
      r <- smallsurv:::reg_fit(rf, ties, TRUE, b, ctl, fine_gray = FALSE)
      r$loglik[2] + r$penalty[2]
    }
    b <- unname(coef(fit))
    g <- fd_gradient(lstar, b)
    expect_lt(max(abs(g)), 1e-6)
    # away from the estimate the gradient is not 0 (the check can fail)
    g2 <- fd_gradient(lstar, b + c(0.3, 0))[1]
    expect_gt(abs(g2), 1e-3)
  }
})

test_that("bad input gets a clear error", {
  d <- seeded_cox_data(15)
  expect_error(cox(Surv(time, status) ~ 1, data = d), "no covariates")
  d$k <- 1
  expect_error(cox(Surv(time, status) ~ x1 + k, data = d), "`k` has no variation")
  d$x3 <- 2 * d$x1
  expect_error(cox(Surv(time, status) ~ x1 + x3, data = d), "rank deficient: `x3`")
  d$w[3] <- -1
  expect_error(cox(Surv(time, status) ~ x1, data = d, weights = w), "row 3")
  expect_error(cox(Surv(time, status) ~ x1, data = d, conf.int = 0.9), "unused argument")
  expect_error(cox(Surv(time, status) ~ x1, data = d, init = 1:2), "`init` must be 1")
  d$ev <- factor(ifelse(d$status == 1, "a", "cens"), c("cens", "a"))
  expect_error(cox(Surv(time, ev) ~ x1, data = d), "fine_gray")
  d0 <- seeded_cox_data(16)
  d0$status <- 0L
  expect_error(cox(Surv(time, status) ~ x1, data = d0), "no events")
  d0$status[1] <- 1L
  d0$w <- ifelse(d0$status == 1, 0, 1)
  expect_error(cox(Surv(time, status) ~ x1, data = d0, weights = w), "weight 0")
})

test_that("missing values follow na.action and are reported", {
  d <- seeded_cox_data(17)
  d$x2[c(2, 9)] <- NA
  fit <- cox(Surv(time, status) ~ x1 + x2, data = d)
  ref <- survival::coxph(Surv(time, status) ~ x1 + x2, data = d)
  expect_equal(fit$n, 58)
  expect_equal(as.integer(fit$na.action), c(2L, 9L))
  expect_same_as_coxph(fit, ref)
  expect_error(cox(Surv(time, status) ~ x1 + x2, data = d, na.action = na.fail), "x2")
})

test_that("large and degenerate input: n = 1e5, heavy ties, n = 2", {
  set.seed(20)
  n <- 1e5
  d <- data.frame(time = ceiling(rexp(n) * 10), status = rbinom(n, 1, 0.7),
                  x1 = rbinom(n, 1, 0.5), x2 = rnorm(n))
  fit <- cox(Surv(time, status) ~ x1 + x2, data = d)
  ref <- survival::coxph(Surv(time, status) ~ x1 + x2, data = d)
  expect_equal(coef(fit), coef(ref), tolerance = 1e-8)
  expect_equal(fit$var, ref$var, tolerance = 1e-8)
  d2 <- data.frame(time = c(1, 2), status = c(1, 1), x = c(0, 1))
  pen <- cox(Surv(time, status) ~ x, data = d2, firth = TRUE)
  expect_true(is.finite(coef(pen)))
  expect_equal(unname(coef(pen)), unname(coef(cox(Surv(time, status) ~ x, data = d2[2:1, ],
                                                  firth = TRUE))), tolerance = 1e-10)
})

test_that("offsets: coefficients, linear predictors and rscore as coxph; anova() refuses", {
  d <- seeded_cox_data(21, n = 40)
  d$off <- round(stats::rnorm(40), 1)
  f <- Surv(time, status) ~ x1 + g + offset(off)
  fit <- cox(f, data = d)
  ref <- survival::coxph(f, data = d)
  expect_same_as_coxph(fit, ref)
  expect_equal(predict(fit, type = "risk"), predict(ref, type = "risk"), tolerance = 1e-8)
  expect_error(anova(fit), "offset")
  d2 <- rbind(d, d)
  fit <- cox(f, data = d2, id = id)
  ref <- survival::coxph(f, data = d2, cluster = id)
  expect_equal(fit$rscore, ref$rscore, tolerance = 1e-8)
  # a large offset is centred inside the kernel: no overflow
  d$big <- 705 + d$x2
  expect_equal(coef(cox(Surv(time, status) ~ x1 + offset(big), data = d)),
               coef(survival::coxph(Surv(time, status) ~ x1 + offset(big), data = d)),
               tolerance = 1e-8)
})

test_that("anova() of a stratified fit equals coxph's", {
  d <- seeded_cox_data(22)
  f <- Surv(time, status) ~ x1 + x2 + strata(s)
  expect_equal(anova(cox(f, data = d))$Chisq, anova(survival::coxph(f, data = d))$Chisq,
               tolerance = 1e-8)
})

test_that("near-tied times: the stored response, concordance and residuals are coxph's", {
  d <- data.frame(time = c(1, 1 + 1e-10, 2, 3, 3 - 1e-10, 4, 5, 6),
                  status = c(1, 1, 1, 0, 1, 1, 0, 1), x = c(.1, .5, -.2, .3, .9, -1, .4, 0))
  fit <- cox(Surv(time, status) ~ x, data = d)
  ref <- survival::coxph(Surv(time, status) ~ x, data = d)
  expect_same_as_coxph(fit, ref)
  expect_equal(residuals(fit, "score"), residuals(ref, "score"), tolerance = 1e-8)
  expect_equal(residuals(fit, "schoenfeld"), residuals(ref, "schoenfeld"), tolerance = 1e-8)
})

test_that("a covariate without variation in the risk sets, an empty level, robust without id", {
  d <- data.frame(time = 1:6, status = c(0, 1, 1, 1, 0, 0), x = c(1, 0, 0, 0, 0, 0))
  expect_error(cox(Surv(time, status) ~ x, data = d), "no variation within the risk sets")
  expect_error(cox(Surv(time, status) ~ x, data = d, firth = TRUE),
               "no variation within the risk sets")
  e <- seeded_cox_data(23)
  e$g <- factor(e$g, levels = c("a", "b", "c", "unused"))
  fit <- cox(Surv(time, status) ~ x1 + g, data = e)
  ref <- survival::coxph(Surv(time, status) ~ x1 + g, data = e)
  expect_equal(coef(fit), coef(ref)[!is.na(coef(ref))], tolerance = 1e-8)
  e$start <- 0
  expect_error(cox(Surv(start, time, status) ~ x1, data = e, robust = TRUE), "needs `id`")
})

test_that("Firth: an ill-conditioned information converges; a non-monotone profile is not stepped over", {
  skip_if_not_installed("coxphf")
  d9 <- data.frame(time = c(1.69, 1.19, 0.21, 3.92, 0.53, 2.76), status = 1,
                   x = c(0, 0, 1, 0, 0, 1), z = c(.9, .3, -.1, .2, -.1, -1.4))
  f <- expect_silent(cox(Surv(time, status) ~ x + z, data = d9, firth = TRUE))
  r <- suppressWarnings(coxphf::coxphf(Surv(time, status) ~ x + z, data = d9, epsilon = 1e-10,
                                       gconv = 1e-10, maxit = 200))
  expect_equal(unname(coef(f)), unname(coef(r)), tolerance = 1e-6)
  # this profile crosses chi2(0.95) at 4.34, dips below it and crosses
  # again at 21.1: the limit is the first crossing (coxphf's)
  d10 <- data.frame(tt = c(2.10, 2.20, 9.77, 0.84, 18.10, 6.28), ev = c(1, 0, 1, 0, 1, 1),
                    x = c(0, 0, 0, 0, 1, 1), z = c(-.5, .9, .9, -.8, 1.5, 1.4))
  f <- cox(Surv(tt, ev) ~ x + z, data = d10, firth = TRUE)
  r <- suppressWarnings(coxphf::coxphf(Surv(tt, ev) ~ x + z, data = d10, epsilon = 1e-10,
                                       gconv = 1e-10, maxit = 200))
  expect_equal(f$profile$upper[1], unname(log(r$ci.upper[1])), tolerance = 1e-6)
})

test_that("default calls: all events, one event, n = 1", {
  d <- seeded_cox_data(31, n = 1000, ties = TRUE)
  d$status <- 1L
  expect_equal(coef(cox(Surv(time, status) ~ x1 + x2, data = d)),
               coef(survival::coxph(Surv(time, status) ~ x1 + x2, data = d)), tolerance = 1e-8)
  d$status <- 0L
  d$status[1] <- 1L
  one <- suppressWarnings(cox(Surv(time, status) ~ x1, data = d, firth = TRUE))
  expect_true(is.finite(coef(one)))
  expect_error(cox(Surv(time, status) ~ x1, data = d[1, ]), "no variation")
})
