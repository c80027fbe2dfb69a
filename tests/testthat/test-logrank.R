# logrank_test() against hand-worked fractions, an independent R
# implementation (helper-logrank.R), brute-force permutation enumeration,
# survival::survdiff() and coin::logrank_test() computed live.

# ---- hand-worked example (exact fractions) ------------------------------------

test_that("logrank_test() matches a hand-worked two-group example", {
  # group A: 1, 3+; group B: 2, 4
  d <- data.frame(t = c(1, 3, 2, 4), s = c(1, 0, 1, 1), g = c("A", "A", "B", "B"))
  lr <- logrank_test(Surv(t, s) ~ g, data = d)
  # t = 1: n = 4, d = 1, n_A = 2 -> E_A = 1/2, V = 1 * 3 / (4 * 3) * 2 * (1 - 2/4) = 1/4
  # t = 2: n = 3, d = 1, n_A = 1 -> E_A = 1/3, V = 1 * 2 / (3 * 2) * 1 * (1 - 1/3) = 2/9
  # t = 4: n = 1, n_A = 0 -> nothing (one at risk: no variance)
  expect_equal(unname(lr$observed), c(1, 2), tolerance = 1e-12)
  expect_equal(unname(lr$expected), c(5 / 6, 13 / 6), tolerance = 1e-12)
  expect_equal(unname(lr$var), matrix(c(17, -17, -17, 17) / 36, 2), tolerance = 1e-12)
  expect_equal(lr$statistic, 1 / 17, tolerance = 1e-12)
  expect_identical(lr$df, 1L)
  # scores a = Nelson-Aalen at own time - status: -3/4, 7/12 (A); -5/12, 7/12 (B);
  # permutation variance sigma^2 n/(n-1) n_A n_B / n = (17/48)(4/3)(1) = 17/36
  expect_equal(lr$permutation$statistic, -1 / sqrt(17), tolerance = 1e-12)
  # the 6 label permutations give 4 distinct outcomes with first-group sums
  # -7/6, -1/6 (x2), 1/6 (x2), 7/6: all at least as extreme as |-1/6|
  expect_identical(lr$permutation$type, "exact")
  expect_equal(lr$permutation$outcomes, 4, tolerance = 0)
  expect_equal(lr$permutation$permutations, 6, tolerance = 0)
  expect_equal(lr$permutation$p.value, 1, tolerance = 1e-12)
  expect_equal(lr$p.value, 1, tolerance = 1e-12)
  expect_identical(lr$p.value.method, "exact permutation")
})

test_that("a G(1, 1) weight is S(t-)(1 - S(t-)) of the pooled left-continuous KM", {
  d <- data.frame(t = c(1, 3, 2, 4, 5), s = c(1, 0, 1, 1, 1), g = c("A", "A", "B", "B", "A"))
  lr <- logrank_test(Surv(t, s) ~ g, data = d, rho = 1, gamma = 1)
  # S(t-): 1 at t = 1 (weight 0), 4/5 at t = 2 (weight 4/25), at t = 4:
  # 4/5 * 3/4 = 3/5 (weight 6/25), at t = 5: 3/5 * 1/2 = 3/10 (weight 21/100)
  # O_A = 0 + 0 + 0 + 21/100; E_A = 4/25 * 2/4 + 6/25 * 1/2 + 21/100 * 1
  expect_equal(unname(lr$observed[1]), 21 / 100, tolerance = 1e-12)
  expect_equal(unname(lr$expected[1]), 2 / 25 + 3 / 25 + 21 / 100, tolerance = 1e-12)
  # V_AA = (4/25)^2 * 1*3/(4*3) * 2 * 2/4 + (6/25)^2 * 1*1/(2*1) * 1 * 1/2
  expect_equal(unname(lr$var[1, 1]), (4 / 25)^2 / 4 + (6 / 25)^2 / 4, tolerance = 1e-12)
})

# ---- survdiff, many seeded data sets -------------------------------------------

test_that("logrank_test() equals survdiff() on many seeded data sets", {
  for (seed in 1:40) {
    k <- 2 + seed %% 3
    d <- sim_logrank_data(seed, n = 8 + 3 * seed, k = k, ties = seed %% 2 == 0,
                          nstrata = 1 + seed %% 3)
    rho <- c(0, 0.5, 1, 2)[1 + seed %% 4]
    strat <- seed %% 3 != 0
    f <- if (strat) Surv(time, status) ~ grp + strata(site) else Surv(time, status) ~ grp
    lr <- logrank_test(f, data = d, rho = rho, permutation = "none")
    sd <- survival::survdiff(f, data = d, rho = rho)
    lab <- paste("seed", seed)
    ref_obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
    ref_exp <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
    expect_identical(lr$groups, names(sd$n), label = lab)
    expect_equal(unname(lr$observed), ref_obs, tolerance = 1e-10, label = lab)
    expect_equal(unname(lr$expected), ref_exp, tolerance = 1e-10, label = lab)
    expect_equal(unname(lr$var), unname(sd$var), tolerance = 1e-10, label = lab)
    expect_equal(lr$statistic, sd$chisq, tolerance = 1e-10, label = lab)
    expect_equal(lr$p.value.asymptotic, pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE),
                 tolerance = 1e-10, label = lab)
    expect_equal(unname(lr$n), as.vector(sd$n), tolerance = 0, label = lab)
    if (strat && nlevels(droplevels(d$site)) > 1) {
      expect_equal(unname(lr$observed.strata), unname(sd$obs), tolerance = 1e-10, label = lab)
      expect_equal(unname(lr$expected.strata), unname(sd$exp), tolerance = 1e-10, label = lab)
    }
  }
})

test_that("survdiff agreement holds for a one-patient group and a group without events", {
  d <- data.frame(time = c(2, 3, 3, 5, 7, 8, 8, 9, 1, 4, 6, 6),
                  status = c(1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0),
                  grp = c(rep("a", 8), "b", "c", "c", "c"))
  lr <- logrank_test(Surv(time, status) ~ grp, data = d, permutation = "none")
  sd <- survival::survdiff(Surv(time, status) ~ grp, data = d)
  expect_equal(unname(lr$expected), sd$exp, tolerance = 1e-10)
  expect_equal(unname(lr$var), unname(sd$var), tolerance = 1e-10)
  expect_equal(lr$statistic, sd$chisq, tolerance = 1e-10)
  # group b's only patient leaves before the first event: E = 0, dropped from
  # the statistic as survdiff drops it, so 1 df
  expect_equal(unname(lr$expected[2]), 0, tolerance = 0)
  expect_identical(lr$df, 1L)
  expect_equal(unname(lr$events), c(5, 0, 0), tolerance = 0)
  expect_equal(lr$p.value.asymptotic, pchisq(sd$chisq, 1, lower.tail = FALSE), tolerance = 1e-12)
})

test_that("the rrall example agrees with survdiff for each endpoint and weight", {
  for (ep in c("efs", "os")) {
    f <- stats::as.formula(paste0("Surv(", ep, "_time, ", ep, "_status) ~ dose"))
    for (rho in c(0, 1)) {
      lr <- logrank_test(f, data = rrall, rho = rho, permutation = "none")
      sd <- survival::survdiff(f, data = rrall, rho = rho)
      expect_equal(lr$statistic, sd$chisq, tolerance = 1e-10)
      expect_equal(unname(lr$observed), sd$obs, tolerance = 1e-10)
    }
  }
})

# ---- gamma, delayed entry: the independent R implementation -----------------------

test_that("G(rho, gamma) with gamma > 0 and strata equals the reference implementation", {
  for (seed in 1:15) {
    d <- sim_logrank_data(100 + seed, n = 15 + 2 * seed, k = 2 + seed %% 2, nstrata = 1 + seed %% 2)
    rho <- c(0, 1, 0.5)[1 + seed %% 3]
    gamma <- c(1, 0.5, 2)[1 + seed %% 3]
    lr <- logrank_test(Surv(time, status) ~ grp, data = d, rho = rho, gamma = gamma,
                       strata = "site", permutation = "none")
    ref <- ref_logrank(d$time, d$status, d$grp, d$site, rho = rho, gamma = gamma)
    lab <- paste("seed", seed)
    expect_equal(unname(lr$observed), ref$O, tolerance = 1e-10, label = lab)
    expect_equal(unname(lr$expected), ref$E, tolerance = 1e-10, label = lab)
    expect_equal(unname(lr$var), ref$V, tolerance = 1e-10, label = lab)
    if (length(lr$groups) == 2L) {
      z <- ref_perm_z(ref$score, d$grp, d$site)
      expect_equal(lr$permutation$statistic, z, tolerance = 1e-10, label = lab)
    }
  }
})

test_that("delayed entry equals the reference implementation and coxph's score test", {
  for (seed in 1:12) {
    d <- sim_logrank_data(200 + seed, n = 20 + 3 * seed, k = 2, ties = seed %% 2 == 0,
                          entry = TRUE, nstrata = 1 + seed %% 2)
    rho <- c(0, 1, 0)[1 + seed %% 3]
    lr <- logrank_test(Surv(start, time, status) ~ grp + strata(site), data = d, rho = rho,
                       permutation = "none")
    ref <- ref_logrank(d$time, d$status, d$grp, d$site, entry = d$start, rho = rho)
    lab <- paste("seed", seed)
    expect_equal(unname(lr$expected), ref$E, tolerance = 1e-10, label = lab)
    expect_equal(unname(lr$var), ref$V, tolerance = 1e-10, label = lab)
    expect_equal(lr$permutation$statistic, ref_perm_z(ref$score, d$grp, d$site),
                 tolerance = 1e-10, label = lab)
    if (seed %% 2 == 1 && rho == 0) {
      # continuous times: no ties, so the log-rank is Cox's score test
      cx <- survival::coxph(Surv(start, time, status) ~ grp + strata(site), data = d,
                            ties = "breslow")
      expect_equal(lr$statistic, unname(cx$score), tolerance = 1e-8, label = lab)
    }
  }
})

# ---- exact enumeration against brute force ---------------------------------------

test_that("exact p-values equal brute-force enumeration at tiny n", {
  for (seed in 1:12) {
    d <- sim_logrank_data(300 + seed, n = 6 + seed %% 5, k = 2, ties = TRUE,
                          nstrata = 1 + seed %% 2)
    if (nlevels(droplevels(d$grp)) < 2) next
    strat <- nlevels(droplevels(d$site)) > 1
    lr <- logrank_test(Surv(time, status) ~ grp, data = d, strata = if (strat) ~site,
                       rho = seed %% 2, permutation = "exact")
    if (is.na(lr$permutation$statistic)) next
    ref <- ref_logrank(d$time, d$status, d$grp, if (strat) d$site, rho = seed %% 2)
    p <- brute_perm_p(ref$score, d$grp, if (strat) d$site)
    lab <- paste("seed", seed)
    expect_identical(lr$permutation$type, "exact", label = lab)
    expect_equal(lr$permutation$p.value, p, tolerance = 1e-12, label = lab)
  }
})

test_that("Monte Carlo p-values agree with brute force for three groups and a trend", {
  d <- data.frame(time = c(1, 2, 2, 3, 4, 5, 6, 7, 8),
                  status = c(1, 1, 0, 1, 1, 0, 1, 1, 0),
                  grp = factor(c("a", "b", "c", "a", "c", "b", "a", "c", "b")))
  lr <- logrank_test(Surv(time, status) ~ grp, data = d, seed = 42, reps = 20000)
  expect_identical(lr$permutation$type, "monte-carlo")
  ref <- ref_logrank(d$time, d$status, d$grp)
  # brute force over all 9!/(3!3!3!) = 1680 allocations of the quadratic form
  q_of <- function(g) {
    m <- smallsurv:::logrank_perm_cpp(ref$score, as.integer(g), 3L, NULL, 1L, NULL, NULL,
                                      "moments", 0, 0)
    V <- matrix(m$variance, 3)
    dd <- (m$total - m$mean)[-1]
    sum(solve(V[-1, -1], dd) * dd)
  }
  perms <- unique_perms(as.integer(d$grp))
  qs <- apply(perms, 1, q_of)
  q0 <- q_of(as.integer(d$grp))
  expect_equal(lr$permutation$statistic, q0, tolerance = 1e-10)
  p <- mean(qs >= q0 - sqrt(.Machine$double.eps))
  expect_lt(abs(lr$permutation$p.value - p), 4.5 * sqrt(p * (1 - p) / 20000))
  # trend over ordered groups: linear-by-linear with scores 1, 2, 3
  tr <- logrank_test(Surv(time, status) ~ grp, data = d, trend = TRUE, seed = 7, reps = 20000)
  zs <- apply(perms, 1, function(g) ref_perm_z(ref$score, g, contrast = 1:3))
  z0 <- ref_perm_z(ref$score, d$grp, contrast = 1:3)
  expect_equal(tr$permutation$statistic, z0, tolerance = 1e-10)
  p <- mean(abs(zs) >= abs(z0) - sqrt(.Machine$double.eps))
  expect_lt(abs(tr$permutation$p.value - p), 4.5 * sqrt(p * (1 - p) / 20000))
  # the asymptotic trend statistic: (c'(O - E))^2 / c'Vc with the hypergeometric V
  cc <- 1:3
  expect_equal(tr$statistic, sum(cc * (ref$O - ref$E))^2 / drop(cc %*% ref$V %*% cc),
               tolerance = 1e-10)
})

test_that("Monte Carlo with forced sampling agrees with the exact p-value", {
  lr <- logrank_test(Surv(efs_time, efs_status) ~ dose, data = rrall)
  mc <- logrank_test(Surv(efs_time, efs_status) ~ dose, data = rrall, permutation = "monte-carlo", seed = 2024, reps = 40000)
  expect_identical(lr$permutation$type, "exact")
  expect_identical(mc$permutation$type, "monte-carlo")
  p <- lr$permutation$p.value
  expect_lt(abs(mc$permutation$p.value - p), 4.5 * sqrt(p * (1 - p) / 40000))
  expect_equal(mc$permutation$mc.se, sqrt(mc$p.value * (1 - mc$p.value) / 40000),
               tolerance = 1e-12)
})

test_that("Monte Carlo p-values are reproducible from the seed", {
  f <- Surv(os_time, os_status) ~ dose
  a <- logrank_test(f, data = rrall, permutation = "monte-carlo", seed = 11)
  b <- logrank_test(f, data = rrall, permutation = "monte-carlo", seed = 11)
  c <- logrank_test(f, data = rrall, permutation = "monte-carlo", seed = 12)
  expect_identical(a$permutation$p.value, b$permutation$p.value)
  expect_false(identical(a$permutation$p.value, c$permutation$p.value))
  set.seed(5)
  x <- logrank_test(f, data = rrall, permutation = "monte-carlo")
  set.seed(5)
  y <- logrank_test(f, data = rrall, permutation = "monte-carlo")
  expect_identical(x$permutation$p.value, y$permutation$p.value)
  expect_identical(x$permutation$seed, y$permutation$seed)
  z <- logrank_test(f, data = rrall, permutation = "monte-carlo",
                    seed = x$permutation$seed)
  expect_identical(z$permutation$p.value, x$permutation$p.value)
})

# ---- coin ------------------------------------------------------------------------

test_that("the permutation statistic and exact p-value equal coin's (two groups)", {
  skip_if_not_installed("coin")
  for (seed in 1:20) {
    d <- sim_logrank_data(400 + seed, n = 10 + seed, k = 2, ties = seed %% 2 == 0)
    if (nlevels(droplevels(d$grp)) < 2) next
    type <- c("logrank", "Fleming-Harrington")[1 + seed %% 2]
    rho <- if (type == "logrank") 0 else c(1, 0, 1)[1 + seed %% 3]
    gamma <- if (type == "logrank") 0 else c(0, 1, 1)[1 + seed %% 3]
    lr <- logrank_test(Surv(time, status) ~ grp, data = d, rho = rho, gamma = gamma,
                       permutation = "exact")
    args <- list(Surv(time, status) ~ grp, data = d, distribution = coin::exact(), type = type)
    if (type != "logrank") args <- c(args, rho = rho, gamma = gamma)
    ct <- do.call(coin::logrank_test, args)
    lab <- paste("seed", seed)
    expect_equal(lr$permutation$statistic, unname(coin::statistic(ct)), tolerance = 1e-10,
                 label = lab)
    expect_equal(lr$permutation$p.value.asymptotic,
                 2 * pnorm(-abs(unname(coin::statistic(ct)))), tolerance = 1e-10, label = lab)
    expect_identical(lr$permutation$type, "exact", label = lab)
    expect_equal(lr$permutation$p.value, as.numeric(coin::pvalue(ct)), tolerance = 1e-10,
                 label = lab)
  }
  # the example cohort: 9 versus 16 patients
  for (ep in c("efs", "os")) {
    f <- stats::as.formula(paste0("Surv(", ep, "_time, ", ep, "_status) ~ dose"))
    lr <- logrank_test(f, data = rrall)
    ct <- coin::logrank_test(f, data = rrall, distribution = coin::exact())
    expect_equal(lr$permutation$p.value, as.numeric(coin::pvalue(ct)), tolerance = 1e-10)
    expect_equal(lr$permutation$statistic, unname(coin::statistic(ct)), tolerance = 1e-10)
  }
})

test_that("K groups and ordered groups give coin's quadratic and linear-by-linear statistics", {
  skip_if_not_installed("coin")
  for (seed in 1:10) {
    d <- sim_logrank_data(500 + seed, n = 20 + 2 * seed, k = 3 + seed %% 2)
    d$grp <- droplevels(d$grp)
    lr <- logrank_test(Surv(time, status) ~ grp, data = d, permutation = "none")
    ct <- coin::logrank_test(Surv(time, status) ~ grp, data = d)
    lab <- paste("seed", seed)
    expect_equal(lr$permutation$statistic, unname(coin::statistic(ct)), tolerance = 1e-10,
                 label = lab)
    expect_equal(lr$permutation$p.value.asymptotic, as.numeric(coin::pvalue(ct)),
                 tolerance = 1e-10, label = lab)
    d$ord <- factor(d$grp, ordered = TRUE)
    tr <- logrank_test(Surv(time, status) ~ ord, data = d, permutation = "none")
    expect_true(tr$trend)
    co <- coin::logrank_test(Surv(time, status) ~ ord, data = d)
    expect_equal(tr$permutation$statistic, unname(coin::statistic(co)), tolerance = 1e-10,
                 label = lab)
  }
})

test_that("Monte Carlo p-values agree with coin's approximate() in distribution", {
  skip_if_not_installed("coin")
  for (seed in 1:3) {
    d <- sim_logrank_data(600 + seed, n = 24, k = 2 + (seed == 3))
    d$grp <- droplevels(d$grp)
    lr <- logrank_test(Surv(time, status) ~ grp, data = d, permutation = "monte-carlo",
                       seed = seed)
    set.seed(seed)
    ct <- coin::logrank_test(Surv(time, status) ~ grp, data = d,
                             distribution = coin::approximate(nresample = 10000))
    pc <- as.numeric(coin::pvalue(ct))
    p <- (pc + lr$permutation$p.value) / 2
    expect_lt(abs(lr$permutation$p.value - pc), 4.5 * sqrt(2 * p * (1 - p) / 10000) + 1e-12)
  }
})

test_that("stratified permutation statistic equals coin with within-block log-rank scores", {
  skip_if_not_installed("coin")
  for (seed in 1:6) {
    d <- sim_logrank_data(700 + seed, n = 30, k = 2, nstrata = 2 + seed %% 2)
    d$site <- droplevels(d$site)
    lr <- logrank_test(Surv(time, status) ~ grp + strata(site), data = d)
    ct <- coin::independence_test(
      Surv(time, status) ~ grp | site, data = d, teststat = "scalar",
      ytrafo = function(data) coin::trafo(data, surv_trafo = function(y) coin::logrank_trafo(y),
                                          block = d$site))
    expect_equal(lr$permutation$statistic, unname(coin::statistic(ct)), tolerance = 1e-10,
                 label = paste("seed", seed))
  }
})

# ---- interface --------------------------------------------------------------------

test_that("strata from the formula, a character vector and a one-sided formula agree", {
  d <- sim_logrank_data(800, n = 40, k = 2, nstrata = 3)
  a <- logrank_test(Surv(time, status) ~ grp + strata(site), data = d)
  b <- logrank_test(Surv(time, status) ~ grp, data = d, strata = "site")
  c <- logrank_test(Surv(time, status) ~ grp, data = d, strata = ~site)
  expect_equal(b$statistic, a$statistic, tolerance = 1e-14)
  expect_equal(c$permutation$p.value, a$permutation$p.value, tolerance = 1e-14)
  expect_identical(a$strata$levels, c("site=1", "site=2", "site=3"))
  # an expression goes through model.frame() with the same result
  e <- logrank_test(Surv(time, status) ~ grp + strata(as.character(site)), data = d)
  expect_equal(e$statistic, a$statistic, tolerance = 1e-14)
})

test_that("the result has print, tidy and glance methods", {
  lr <- logrank_test(Surv(efs_time, efs_status) ~ dose, data = rrall)
  expect_s3_class(lr, "smallsurv_logrank")
  expect_snapshot(print(lr))
  td <- tidy(lr)
  expect_identical(names(td), c("group", "n", "events", "observed", "expected", "o_e2_e",
                                "o_e2_v", "variance"))
  expect_equal(td$n, c(9, 16), tolerance = 0)
  gl <- glance(lr)
  expect_identical(nrow(gl), 1L)
  expect_true(all(c("statistic", "df", "p.value", "method", "p.value.asymptotic",
                    "p.value.permutation") %in% names(gl)))
  expect_equal(gl$p.value, lr$permutation$p.value, tolerance = 0)
  mc <- logrank_test(Surv(time, status) ~ grp + strata(site),
                     data = sim_logrank_data(9, n = 30, k = 3, nstrata = 2), seed = 3,
                     rho = 1, gamma = 1)
  expect_snapshot(print(mc))
  expect_identical(glance(mc)$permutation, "monte-carlo")
})

test_that("default calls never hang: large n, all events, one event, heavy ties", {
  # the count of outcomes saturates instead of overflowing, and the choice
  # between exact, Monte Carlo and nothing weighs counted work against the
  # 2 s budget (a guard against hangs, not a benchmark)
  for (n in c(1e3, 1e4, 1e5)) {
    for (kind in c("all events", "one event", "heavy ties")) {
      set.seed(n)
      d <- data.frame(time = stats::rexp(n), status = 1L, g = rep(c("a", "b"), length.out = n))
      if (kind == "one event") {
        d$status <- 0L
        d$status[1] <- 1L
      }
      if (kind == "heavy ties") d$time <- ceiling(d$time * 3)
      lab <- paste(n, kind)
      el <- system.time(lr <- logrank_test(Surv(time, status) ~ g, data = d))[["elapsed"]]
      expect_lt(el, 30, label = lab)
      expect_true(lr$permutation$type %in% c("exact", "monte-carlo", "none"), label = lab)
      expect_true(nzchar(lr$permutation$reason), label = lab)
      if (kind == "one event") expect_identical(lr$permutation$type, "exact", label = lab)
      if (kind == "all events") {
        expect_identical(lr$permutation$type, "monte-carlo", label = lab)
        expect_match(lr$permutation$reason, "complete enumeration would take", label = lab)
      }
      sd <- survival::survdiff(Surv(time, status) ~ g, data = d)
      expect_equal(lr$statistic, sd$chisq, tolerance = 1e-10, label = lab)
    }
  }
  # n = 1000, every subject an event: the former overflow (the count came
  # back as 0) and hang
  d <- data.frame(time = seq_len(1000) / 7, status = 1L, g = rep(c("a", "b"), each = 500))
  lr <- logrank_test(Surv(time, status) ~ g, data = d, seed = 1)
  expect_identical(lr$permutation$type, "monte-carlo")
  plan <- smallsurv:::logrank_perm_cpp(-seq_len(1000) / 1000, rep(1:2, each = 500), 2L, NULL,
                                       1L, c(1, 0), NULL, "plan")
  expect_equal(plan$log_permutations, lchoose(1000, 500), tolerance = 1e-12)
  expect_true(plan$log_work > 60)
})

test_that("large counts print in scientific form from their logarithm", {
  expect_identical(smallsurv:::format_outcomes(73604), "73,604")
  expect_identical(smallsurv:::format_outcomes(Inf, lchoose(1000, 500)), "\u2248 2.7e+299")
  expect_identical(smallsurv:::format_outcomes(Inf, 3000 * log(10) + log(1.6)), "\u2248 1.6e+3000")
  expect_identical(smallsurv:::format_outcomes(Inf, Inf), "more than 1e+30")
  d <- data.frame(time = stats::rexp(1000), status = c(1L, rep(0L, 999)), g = rep(1:2, 500))
  lr <- logrank_test(Surv(time, status) ~ g, data = d)
  expect_match(lr$permutation$reason, "\u2248 2.7e\\+299 label permutations")
})

test_that("the exact enumeration counts outcomes exactly (single stratum and strata)", {
  # the count DP against a brute-force count of distinct (k_v) compositions
  for (seed in 1:30) {
    set.seed(seed)
    n <- sample(4:12, 1)
    score <- sample(c(-1, 0.5, 2, 3.25), n, TRUE)
    g <- sample(1:2, n, TRUE)
    if (length(unique(g)) < 2) next
    plan <- smallsurv:::logrank_perm_cpp(score, g, 2L, NULL, 1L, c(1, 0), NULL, "plan")
    combos <- utils::combn(n, sum(g == 1))
    keys <- apply(combos, 2, function(i) paste(table(factor(score[i], sort(unique(score)))),
                                                collapse = ","))
    expect_equal(exp(plan$log_outcomes), length(unique(keys)), tolerance = 1e-12,
                 label = paste("seed", seed))
    expect_equal(plan$log_permutations, lchoose(n, sum(g == 1)), tolerance = 1e-12)
  }
})

test_that("coin's ovarian-cancer example is exact by default and equals coin", {
  skip_if_not_installed("coin")
  data("ocarcinoma", package = "coin", envir = environment())
  lr <- logrank_test(Surv(time, event) ~ stadium, data = ocarcinoma)
  expect_identical(lr$permutation$type, "exact")
  expect_equal(lr$permutation$outcomes, 43231883, tolerance = 0)
  ct <- coin::logrank_test(Surv(time, event) ~ stadium, data = ocarcinoma,
                           distribution = "exact")
  expect_equal(lr$p.value, as.numeric(coin::pvalue(ct)), tolerance = 1e-12)
  expect_match(lr$permutation$description, "exact \\(43,231,883 outcomes\\)")
  # an explicit request beyond the budget is refused with the estimate
  expect_error(logrank_test(Surv(time, event) ~ stadium, data = ocarcinoma,
                            permutation = "exact", budget = 1e-6),
               "exact enumeration would take")
})

test_that("a zero variance gives NA statistics and p-values with one warning", {
  d <- data.frame(time = c(1, 1), status = 1, g = c("a", "b"))
  w <- testthat::capture_warnings(lr <- logrank_test(Surv(time, status) ~ g, data = d,
                                                     permutation = "none"))
  expect_length(w, 1L)
  expect_match(w, "variance of the test is zero")
  expect_true(is.na(lr$statistic))
  expect_true(is.na(lr$p.value))
  w <- testthat::capture_warnings(lr <- logrank_test(Surv(time, status) ~ g, data = d))
  expect_length(w, 1L)
  expect_true(is.na(lr$p.value))
  expect_true(is.na(lr$p.value.asymptotic))
})

test_that("Monte Carlo p-values follow (1 + b) / (1 + B) and do not depend on threads", {
  f <- Surv(os_time, os_status) ~ dose
  one <- withr::with_options(list(smallsurv.threads = 1),
                             logrank_test(f, data = rrall, permutation = "monte-carlo", seed = 3,
                                          reps = 3000))
  two <- withr::with_options(list(smallsurv.threads = 2),
                             logrank_test(f, data = rrall, permutation = "monte-carlo", seed = 3,
                                          reps = 3000))
  expect_identical(one$permutation$p.value, two$permutation$p.value)
  b <- one$permutation$p.value * 3001 - 1
  expect_equal(b, round(b), tolerance = 1e-9)
  expect_gte(one$permutation$p.value, 1 / 3001)
  expect_equal(one$permutation$mc.se,
               sqrt(one$p.value * (1 - one$p.value) / 3000), tolerance = 1e-12)
  expect_match(one$permutation$description, "^Monte Carlo \\(3,000 permutations, SE ")
  # three groups (label shuffles) too
  d <- sim_logrank_data(77, n = 30, k = 3)
  a <- withr::with_options(list(smallsurv.threads = 1),
                           logrank_test(Surv(time, status) ~ grp, data = d, seed = 9, reps = 1000))
  z <- withr::with_options(list(smallsurv.threads = 2),
                           logrank_test(Surv(time, status) ~ grp, data = d, seed = 9, reps = 1000))
  expect_identical(a$permutation$p.value, z$permutation$p.value)
})

test_that("seeds, reps and the old argument names", {
  d <- data.frame(t = c(1, 2, 3, 4), s = c(1, 0, 1, 1), g = c("a", "a", "b", "b"))
  for (bad in list(-5, 1.6, 1e30, NA, "1")) {
    expect_error(logrank_test(Surv(t, s) ~ g, data = d, permutation = "monte-carlo",
                              seed = bad), "`seed` must be", label = deparse1(bad))
  }
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, reps = 200.7), "`reps` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, budget = 0), "`budget` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, permutation = "yes"),
               "`permutation` must be")
  expect_message(old <- logrank_test(Surv(t, s) ~ g, data = d, exact = "none"),
                 "`exact = \"none\"` is deprecated")
  expect_identical(old$permutation$type, "none")
  expect_message(mc <- logrank_test(Surv(efs_time, efs_status) ~ dose, data = rrall,
                                    enum.max = 0, seed = 1), "`enum.max` is deprecated")
  expect_identical(mc$permutation$type, "monte-carlo")
})

test_that("bad input gives clear errors", {
  d <- data.frame(t = c(1, 2, 3), s = c(1, 0, 1), g = c("a", "a", "a"))
  expect_error(logrank_test(Surv(t, s) ~ g, data = d), "all 3 observations are in one group")
  expect_error(logrank_test(Surv(t, s) ~ 1, data = d), "no groups to compare")
  d$g[3] <- "b"
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, rho = -1), "`rho` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, gamma = NA), "`gamma` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, exact = "yes"), "`exact` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, reps = 0), "`reps` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, seed = "a"), "`seed` must be")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, strata = 3), "`strata` must be")
  expect_error(logrank_test(Surv(t, s) ~ g + strata(g), data = d), "both a group and a stratum")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, scores = 1:2), "trend")
  expect_error(logrank_test(Surv(t, s) ~ g, data = d, trend = TRUE, scores = 1),
               "`scores` must be 2 finite numbers")
  d$t[2] <- -1
  expect_error(logrank_test(Surv(t, s) ~ g, data = d), "row 2")
})

test_that("all-censored data give NA with a warning", {
  d <- data.frame(t = c(1, 2, 3, 4), s = 0, g = c("a", "b", "a", "b"))
  expect_warning(lr <- logrank_test(Surv(t, s) ~ g, data = d), "no events in any group")
  expect_true(is.na(lr$statistic))
  expect_true(is.na(lr$p.value))
  expect_true(is.na(lr$permutation$p.value))
})

test_that("exact p-values stay right when binomial counts exceed the double range", {
  # 1,100 subjects with three distinct scores: C(1100, 550) ~ 1e329. The
  # exact distribution of the first group's score sum is multivariate
  # hypergeometric over the three values; computed here in log space.
  set.seed(1)
  n <- 1100
  d <- data.frame(time = sample(c(1, 2), n, TRUE), status = 1L,
                  g = rep(c("a", "b"), each = n / 2))
  d$status[d$time == 2] <- rbinom(sum(d$time == 2), 1, 0.5)  # scores: 3 distinct values
  lr <- logrank_test(Surv(time, status) ~ g, data = d)
  expect_identical(lr$permutation$type, "exact")
  sc <- smallsurv:::logrank_counts_cpp(d$time, d$status, NULL, as.integer(factor(d$g)), 2L,
                                       NULL, 1L, 0, 0, TRUE)$score
  v <- sort(unique(sc))
  expect_length(v, 3L)
  cnt <- as.vector(table(factor(sc, levels = v)))
  n1 <- n / 2
  grid <- expand.grid(k1 = 0:cnt[1], k2 = 0:cnt[2])
  grid$k3 <- n1 - grid$k1 - grid$k2
  grid <- grid[grid$k3 >= 0 & grid$k3 <= cnt[3], ]
  logp <- lchoose(cnt[1], grid$k1) + lchoose(cnt[2], grid$k2) + lchoose(cnt[3], grid$k3) -
    lchoose(n, n1)
  tsum <- grid$k1 * v[1] + grid$k2 * v[2] + grid$k3 * v[3]
  mu <- n1 * mean(sc)
  t0 <- sum(sc[d$g == "a"])
  s2 <- mean((sc - mean(sc))^2)
  sdv <- sqrt(s2 * n / (n - 1) * n1 * (n - n1) / n)
  z0 <- abs(t0 - mu) / sdv
  z <- abs(tsum - mu) / sdv
  p_ref <- sum(exp(logp[z >= z0 - sqrt(.Machine$double.eps) * max(1, z0)]))
  expect_equal(lr$permutation$p.value, p_ref, tolerance = 1e-9)
  expect_gt(lr$permutation$p.value, 0.5)  # it was 0 (overflow)
  expect_equal(lr$permutation$p.value, lr$permutation$p.value.asymptotic, tolerance = 0.05)
})

test_that("a test resting on fewer than 10 events says so (result and printout)", {
  few <- logrank_test(Surv(os_time, os_status) ~ dose, data = rrall, seed = 1)
  expect_true(sum(few$events) < 10)
  expect_true(few$few_events)
  expect_output(print(few), "Few events \\(6 events; fewer than 10\\)")
  many <- logrank_test(Surv(efs_time, efs_status) ~ dose, data = rrall, seed = 1)
  expect_false(many$few_events)
  expect_false(any(grepl("Few events", capture.output(print(many)))))
})
