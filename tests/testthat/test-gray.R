# gray_test(): live comparison with cmprsk::cuminc()$Tests.

test_that("statistics and p-values equal cmprsk::cuminc, with strata and rho (80 data sets)", {
  skip_if_not_installed("cmprsk")
  worst <- 0
  for (seed in 1:80) {
    set.seed(seed)
    n <- sample(c(8:30, 60), 1)
    d <- data.frame(time = sample(1:sample(c(5, 15, 40), 1), n, TRUE),
                    st = sample(0:2, n, TRUE, prob = c(0.3, 0.4, 0.3)),
                    g = sample(c("a", "b", "c")[seq_len(sample(2:3, 1))], n, TRUE),
                    s = sample(c("x", "y"), n, TRUE))
    if (length(unique(d$g)) < 2) next
    d$ev <- factor(d$st, 0:2, c("cens", "1", "2"))
    rho <- c(0, 1, 0.5)[seed %% 3 + 1]
    strat <- seed %% 2 == 0
    cu <- if (strat) cmprsk::cuminc(d$time, d$st, d$g, d$s, rho = rho, cencode = 0) else
      cmprsk::cuminc(d$time, d$st, d$g, rho = rho, cencode = 0)
    ref <- cu$Tests
    g <- gray_test(survival::Surv(time, ev) ~ g, data = d, rho = rho,
                   strata = if (strat) "s")
    m <- g[match(rownames(ref), g$cause), ]
    ok <- ref[, "stat"] >= 0
    expect_equal(m$statistic[ok], unname(ref[ok, "stat"]), tolerance = 1e-10)
    expect_equal(m$p.value[ok], unname(ref[ok, "pv"]), tolerance = 1e-10)
    expect_equal(m$df, unname(ref[, "df"]))
    expect_true(all(is.na(m$statistic[!ok])))
    worst <- max(worst, abs(m$statistic[ok] - ref[ok, "stat"]))
  }
  expect_lt(worst, 1e-8)
})

test_that("the result has the documented columns; a cause without events gives NA", {
  set.seed(3)
  d <- data.frame(time = rexp(20), g = rep(c("a", "b"), 10),
                  ev = factor(sample(c("c", "r"), 20, TRUE), c("c", "r", "never")))
  g <- gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "none")
  expect_named(g, c("cause", "events", "statistic", "df", "p.value"))
  expect_identical(g$cause, c("r", "never"))
  expect_identical(g$events, c(sum(d$ev == "r"), 0L))
  expect_true(is.na(g$statistic[2]))
  # the default computes the permutation p-value (exact or Monte Carlo)
  a <- gray_test(survival::Surv(time, ev) ~ g, data = d, seed = 1)
  expect_named(a, c("cause", "events", "statistic", "df", "p.value", "p.perm"))
  expect_true(attr(a, "permutation")$type %in% c("exact", "monte-carlo"))
  expect_identical(attr(a, "few_events"), g$events < 10)
  out <- capture.output(print(a))
  expect_match(out[2], "events statistic df p (perm.)", fixed = TRUE)
  expect_true(any(grepl("Few events (never: 0 events; fewer than 10)", out, fixed = TRUE)))
})

test_that("the permutation p-value is reproducible, in (0, 1], and close to R-level permutation", {
  set.seed(4)
  d <- data.frame(time = rexp(30), g = rep(c("a", "b"), 15),
                  ev = factor(sample(0:2, 30, TRUE), 0:2))
  d$time[d$g == "b"] <- d$time[d$g == "b"] * 2
  p1 <- gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "monte-carlo", reps = 400,
                  seed = 9)
  p2 <- gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "monte-carlo", reps = 400,
                  seed = 9)
  expect_identical(p1$p.perm, p2$p.perm)
  expect_true(all(p1$p.perm > 0 & p1$p.perm <= 1))
  obs <- p1$statistic
  set.seed(10)
  tt <- replicate(400, {
    d$g <- sample(d$g)
    gray_test(survival::Surv(time, ev) ~ g, data = d)$statistic
  })
  emp <- rowMeans(tt >= obs)
  expect_equal(p1$p.perm, emp, tolerance = 0.1)  # two Monte Carlo estimates
})

test_that("errors name the argument", {
  d <- data.frame(time = 1:6, ev = factor(c(0, 1, 2, 1, 0, 1)), g = "a", e = 0)
  expect_error(gray_test(survival::Surv(time, ev) ~ g, data = d), "single group")
  expect_error(gray_test(survival::Surv(time, ev) ~ 1, data = d), "single group")
  d$g <- rep(c("a", "b"), 3)
  expect_error(gray_test(survival::Surv(time, ev) ~ g, data = d, strata = "zz"), "not found")
  expect_error(gray_test(survival::Surv(time, ev) ~ g, data = d, rho = NA), "`rho`")
  expect_error(gray_test(survival::Surv(e, time, ev) ~ g, data = d), "right-censored")
})

test_that("exact permutation p-values equal a brute-force enumeration over allocations", {
  set.seed(12)
  for (rep in 1:4) {
    n <- 9
    d <- data.frame(time = round(rexp(n), 1), g = c(rep("a", 4), rep("b", 5)),
                    ev = factor(sample(0:2, n, TRUE, prob = c(0.2, 0.5, 0.3)), 0:2))
    ex <- gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "exact")
    perm <- attr(ex, "permutation")
    expect_identical(perm$type, "exact")
    expect_equal(perm$outcomes, choose(9, 4))
    # brute force: every choice of the 4 "a" labels
    idx <- utils::combn(n, 4)
    stats <- apply(idx, 2, function(i) {
      d2 <- d
      d2$g <- "b"
      d2$g[i] <- "a"
      gray_test(survival::Surv(time, ev) ~ g, data = d2)$statistic
    })
    for (k in seq_len(nrow(ex))) {
      if (is.na(ex$statistic[k])) next
      s <- stats[k, ]
      ok <- !is.na(s)
      thr <- ex$statistic[k] - sqrt(.Machine$double.eps) * max(1, ex$statistic[k])
      expect_equal(ex$p.perm[k], sum(s[ok] >= thr) / sum(ok), tolerance = 1e-12,
                   label = paste("rep", rep, "cause", k))
      expect_equal(perm$undefined[k], sum(!ok))
    }
  }
})

test_that("Gray's permutations: (1 + b) / (1 + B), any thread count, checked arguments", {
  set.seed(4)
  d <- data.frame(time = rexp(40), g = rep(c("a", "b"), 20),
                  ev = factor(sample(0:2, 40, TRUE), 0:2))
  one <- withr::with_options(list(smallsurv.threads = 1),
    gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "monte-carlo", reps = 600,
              seed = 5))
  two <- withr::with_options(list(smallsurv.threads = 2),
    gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "monte-carlo", reps = 600,
              seed = 5))
  expect_identical(one$p.perm, two$p.perm)
  perm <- attr(one, "permutation")
  b <- one$p.perm * (1 + perm$valid) - 1
  expect_equal(b, round(b), tolerance = 1e-9)
  expect_equal(perm$valid + perm$undefined, c(600, 600))
  expect_output(print(one), "Monte Carlo \\(600 permutations, SE")
  # auto: 40 subjects are too many to enumerate, so Monte Carlo
  au <- gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "auto", seed = 1,
                  reps = 200)
  expect_identical(attr(au, "permutation")$type, "monte-carlo")
  expect_error(gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "monte-carlo",
                         seed = -5), "`seed` must be")
  expect_error(gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = "monte-carlo",
                         reps = 200.7), "`reps` must be")
  expect_message(old <- gray_test(survival::Surv(time, ev) ~ g, data = d, permutation = TRUE,
                                  reps = 50, seed = 1), "deprecated")
  expect_identical(attr(old, "permutation")$type, "monte-carlo")
})
