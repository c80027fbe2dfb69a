# confband(): critical values computed in C++, against K&M's tables (as
# shipped by km.ci), an independent finite-difference solution, and km.ci's
# band formulas.

crit <- function(type, level, aL, aU) smallsurv:::confband_critical_cpp(type, level, aL, aU)

test_that("Hall-Wellner: Kolmogorov's distribution at a_L = 0, a_U = 1", {
  # P(sup |W0| <= k) = 1 - 2 sum (-1)^(j+1) exp(-2 j^2 k^2)
  kolm <- function(k) 1 - 2 * sum((-1)^(0:99) * exp(-2 * (1:100)^2 * k^2))
  for (lev in c(0.8, 0.9, 0.95, 0.99)) {
    k <- crit("hall-wellner", lev, 0, 1)
    expect_equal(kolm(k), lev, tolerance = 1e-10)
  }
})

test_that("a_L = a_U: the sup is one normal variable", {
  expect_equal(smallsurv:::confband_prob_cpp("hall-wellner", 0.8, 0.3, 0.3),
               2 * pnorm(0.8 / sqrt(0.21)) - 1, tolerance = 1e-12)
  expect_equal(smallsurv:::confband_prob_cpp("equal-precision", 1.7, 0.3, 0.3),
               2 * pnorm(1.7) - 1, tolerance = 1e-12)
})

test_that("Hall-Wellner critical values agree with K&M's tables (km.ci) to 4 decimals", {
  skip_if_not_installed("km.ci")
  # On the full grids (3225 cells) every entry agrees within 1e-4 (rounding
  # of the 4th decimal) except these 9 (the grid below is a subset, for time). Mirrored ones are table errors: the
  # mirror cell (1 - a_U, 1 - a_L), equal by the symmetry x -> 1 - x of the
  # bridge, agrees with the exact value. The others have no mirror in the
  # table; their measured differences are asserted as upper bounds.
  mirrored <- list(`90` = list(c(0.12, 1.00)), `95` = list(c(0.18, 0.76)),
                   `99` = list(c(0.38, 0.42), c(0.28, 0.46), c(0.24, 0.68), c(0.54, 0.76)))
  unverified <- list(`90` = list(c(0.22, 0.26, 3.1e-4), c(0.18, 0.34, 2.4e-4)),
                     `99` = list(c(0.16, 0.34, 3.0e-3)))
  cell_of <- function(aL, aU) c(round((aU - 0.1) / 0.02) + 1, round(aL / 0.02) + 1)
  for (lev in c("90", "95", "99")) {
    tab <- get(paste0("critical.value.hall.", lev), asNamespace("km.ci"))
    level <- as.numeric(lev) / 100
    skip_cells <- c(lapply(mirrored[[lev]], function(v) cell_of(v[1], v[2])),
                    lapply(unverified[[lev]], function(v) cell_of(v[1], v[2])))
    aU <- seq(0.10, 1.00, by = 0.02)
    aL <- seq(0, 0.60, by = 0.02)
    for (i in seq(1, length(aU), by = 4)) for (j in seq(1, length(aL), by = 3)) {
      if (is.na(tab[i, j]) || aL[j] >= aU[i]) next
      if (any(vapply(skip_cells, function(cl) all(cl == c(i, j)), logical(1)))) next
      expect_lt(abs(crit("hall-wellner", level, aL[j], aU[i]) - tab[i, j]), 1e-4 + 1e-9)
    }
    for (cell in mirrored[[lev]]) {
      k <- crit("hall-wellner", level, cell[1], cell[2])
      ij <- cell_of(cell[1], cell[2])
      mirror <- cell_of(1 - cell[2], 1 - cell[1])
      expect_gt(abs(k - tab[ij[1], ij[2]]), 1e-4)
      expect_lt(abs(k - tab[mirror[1], mirror[2]]), 1e-4 + 1e-9)
    }
    for (cell in unverified[[lev]]) {
      ij <- cell_of(cell[1], cell[2])
      expect_lt(abs(crit("hall-wellner", level, cell[1], cell[2]) - tab[ij[1], ij[2]]), cell[3])
    }
  }
})

test_that("equal precision equals an independent finite-difference solution", {
  for (cell in list(c(0.10, 0.60, 2.8), c(0.3, 0.5, 2.2), c(0.05, 0.9, 3.1))) {
    L <- log(cell[2] * (1 - cell[1]) / (cell[1] * (1 - cell[2])))
    expect_equal(smallsurv:::confband_prob_cpp("equal-precision", cell[3], cell[1], cell[2]),
                 ep_prob_fd(cell[3], L), tolerance = 2e-6)
  }
  # the critical value depends on (a_L, a_U) only through L
  expect_equal(crit("equal-precision", 0.95, 0.08, 0.82), crit("equal-precision", 0.95, 0.18, 0.92),
               tolerance = 1e-9)
})

test_that("equal-precision tables: measured differences (the tables are approximate)", {
  skip_if_not_installed("km.ci")
  tab <- get("critical.value.nair.95", asNamespace("km.ci"))
  # (a_L, a_U) = (0.10, 0.60): table 2.8826, exact 2.8873. By the
  # independent finite-difference solution the table's value has coverage
  # about 0.9494, below 0.95, and the exact value has 0.95.
  expect_equal(tab["26", "al10"], 2.8826, tolerance = 0)
  L <- log(0.6 * 0.9 / (0.1 * 0.4))
  expect_lt(ep_prob_fd(tab["26", "al10"], L), 0.9497)
  expect_equal(ep_prob_fd(crit("equal-precision", 0.95, 0.10, 0.60), L), 0.95, tolerance = 2e-6)
})

test_that("bands equal km.ci's formulas given the same critical value", {
  skip_if_not_installed("km.ci")
  kmci <- asNamespace("km.ci")
  for (seed in 1:10) {
    d <- sim_surv(30 + seed, seed)
    f <- km(Surv(time, status) ~ 1, d)
    sf <- survival::survfit(Surv(time, status) ~ 1, d)
    for (type in c("hall-wellner", "equal-precision")) for (tr in c("plain", "log-log")) {
      b <- confband(f, type = type, transform = tr)
      lim <- attr(b, "limits")
      aa <- kmci$a.up.low.fun(sf, lim$from, lim$to)
      dev <- if (type == "hall-wellner") kmci$abweich.fun(aa$sigma.mat, lim$critical, sf$n) else
        kmci$abweich.nair.fun(aa$sigma.mat, lim$critical)
      meth <- if (tr == "plain") "linear" else "log"
      ref <- kmci$confi.fun(if (tr == "plain") dev$lin.dev else dev$log.dev, aa$sigma.mat[, 2], meth)
      rows <- aa$start:aa$end
      lo <- ref$lower[rows]
      hi <- ref$upper[rows]
      if (tr == "plain") {  # km.ci does not truncate to [0, 1]
        lo <- pmax(lo, 0)
        hi <- pmin(hi, 1)
      }
      expect_equal(b$time, sf$time[rows], tolerance = 0)
      expect_equal(b$lower, lo, tolerance = 1e-10)
      expect_equal(b$upper, hi, tolerance = 1e-10)
    }
  }
})

test_that("km.ci's interpolated critical values: measured difference", {
  skip_if_not_installed("km.ci")
  d <- sim_surv(40, 7)
  sf <- survival::survfit(Surv(time, status) ~ 1, d)
  f <- km(Surv(time, status) ~ 1, d)
  b <- confband(f, type = "hall-wellner", transform = "plain")
  ref <- km.ci::km.ci(sf, method = "hall-wellner")
  # back out km.ci's critical value from its half-width
  i <- which(ref$surv > 0 & ref$surv < 1)[1]
  sig2 <- ref$std.err[i]^2
  k_kmci <- (ref$surv[i] - ref$lower[i]) / ref$surv[i] * sqrt(sf$n) / (1 + sf$n * sig2)
  expect_lt(abs(k_kmci - attr(b, "limits")$critical), 0.01)
})

test_that("arcsin band encloses the curve and stays in [0, 1]; strata", {
  d <- sim_surv(60, 3, strata = 2)
  f <- km(sim_formula(2), d)
  for (type in c("hall-wellner", "equal-precision")) {
    b <- confband(f, type = type, transform = "arcsin", conf.level = 0.9)
    expect_true(all(b$lower <= b$surv + 1e-12 & b$surv <= b$upper + 1e-12))
    expect_true(all(b$lower >= 0 & b$upper <= 1))
    expect_identical(unique(b$strata), names(f$strata))
    expect_equal(attr(b, "conf.level"), 0.9, tolerance = 0)
  }
})

test_that("edge cases give clear errors naming the argument", {
  f <- km(Surv(time, status) ~ 1, survival::aml)
  expect_snapshot(confband(f, from = -1), error = TRUE)
  expect_snapshot(confband(f, to = 1000), error = TRUE)
  expect_snapshot(confband(f, conf.level = 95), error = TRUE)
  expect_snapshot(confband(km(Surv(time, status) ~ 1, data.frame(time = 3, status = 1))),
                  error = TRUE)
  expect_snapshot(confband(km(Surv(time, status) ~ 1, data.frame(time = 1:3, status = 0))),
                  error = TRUE)
})

test_that("print and plot", {
  f <- km(Surv(time, status) ~ x, survival::aml)
  b <- confband(f, type = "hall-wellner")
  expect_snapshot(print(b))
  pdf(NULL)
  on.exit(dev.off())
  expect_silent(plot(b))
  expect_silent(plot(f, band = b, risk.table = FALSE))
})
