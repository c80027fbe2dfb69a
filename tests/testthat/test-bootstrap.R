# conf.type = "bootstrap": reproducibility, an independent R implementation
# on the same resampled indices (survfit for the Kaplan-Meier, a hand-written
# Aalen-Johansen for cif), the resampling scheme (strata and clusters), the
# quantile definition, argument errors and the printed description.

boot_index <- function(unit_stratum, reps, seed) {
  f <- factor(unit_stratum)
  utils::getFromNamespace("boot_index_cpp", "smallsurv")(as.integer(f), nlevels(f), reps, seed)
}
quantile7 <- utils::getFromNamespace("quantile7_cpp", "smallsurv")

# type-7 percentile limits of a (times x reps) matrix of replicate values
limits_r <- function(vals, conf.level = 0.95) {
  a <- 1 - conf.level
  list(lower = apply(vals, 1, stats::quantile, probs = a / 2, type = 7, names = FALSE),
       upper = apply(vals, 1, stats::quantile, probs = 1 - a / 2, type = 7, names = FALSE))
}

# Kaplan-Meier of a resample at `times` by survfit (the value at the last
# resampled time <= t, 1 before any)
km_at <- function(db, times, counting = FALSE) {
  sf <- if (counting) {
    survival::survfit(survival::Surv(a, t, s) ~ 1, db, weights = w)
  } else {
    survival::survfit(survival::Surv(t, s) ~ 1, db, weights = w)
  }
  c(1, sf$surv)[findInterval(times, sf$time) + 1L]
}

# A hand-written Aalen-Johansen estimate (S, F_1..F_K) at `times`: at risk
# when entry < u <= time, events of every cause at u, S(u-) d_k / n added to
# F_k, then S multiplied by 1 - d / n.
aj_at <- function(time, status, K, times, w = rep(1, length(time)),
                  entry = rep(-Inf, length(time))) {
  u <- sort(unique(time[status > 0]))
  S <- 1
  F <- numeric(K)
  path <- matrix(c(1, numeric(K)), 1)
  for (v in u) {
    n <- sum(w[entry < v & time >= v])
    dk <- vapply(seq_len(K), function(k) sum(w[time == v & status == k]), 0)
    F <- F + S * dk / n
    S <- S * (1 - sum(dk) / n)
    path <- rbind(path, c(S, F))
  }
  path[findInterval(times, u) + 1L, , drop = FALSE]
}

d12 <- data.frame(t = c(1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
                  s = c(1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1),
                  g = rep(c("a", "b", "b"), 4),
                  w = c(1, 2, 1, 1, 3, 1, 1, 2, 1, 1, 1, 2),
                  a = c(0, 0, 1, 0, 2, 0, 3, 0, 0, 4, 0, 5))

# ---- reproducibility -----------------------------------------------------------

test_that("the same seed gives identical limits; another seed differs; set.seed() works", {
  f1 <- km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", reps = 300, seed = 11)
  f2 <- km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", reps = 300, seed = 11)
  f3 <- km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", reps = 300, seed = 12)
  expect_identical(f1$lower, f2$lower)
  expect_identical(f1$upper, f2$upper)
  expect_false(identical(c(f1$lower, f1$upper), c(f3$lower, f3$upper)))
  expect_identical(f1$ci$reps, 300)
  expect_identical(f1$ci$seed, 11)
  # seed = NULL draws the seed from R's generator
  set.seed(5)
  g1 <- km(Surv(t, s) ~ g, d12, conf.type = "bootstrap", reps = 100)
  set.seed(5)
  g2 <- km(Surv(t, s) ~ g, d12, conf.type = "bootstrap", reps = 100)
  expect_identical(g1$lower, g2$lower)
  expect_identical(g1$ci$seed, g2$ci$seed)
  expect_true(is.numeric(g1$ci$seed) && g1$ci$seed >= 0)
  # the default is 2000 replicates
  expect_identical(km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", seed = 1)$ci$reps, 2000)
  # cif as well
  c1 <- cif(Surv(t, factor(s)) ~ 1, d12, conf.type = "bootstrap", reps = 200, seed = 3)
  c2 <- cif(Surv(t, factor(s)) ~ 1, d12, conf.type = "bootstrap", reps = 200, seed = 3)
  expect_identical(c1$lower, c2$lower)
  expect_identical(c1$upper, c2$upper)
})

# ---- against an independent R implementation on the same resamples -------------

test_that("km(): limits equal quantile(type = 7) of survfit refitted on the same resamples", {
  reps <- 200
  cases <- list(
    list(f = Surv(t, s) ~ 1, w = NULL, counting = FALSE),
    list(f = Surv(t, s) ~ g, w = NULL, counting = FALSE),
    list(f = Surv(t, s) ~ 1, w = "w", counting = FALSE),
    list(f = Surv(a, t, s) ~ g, w = "w", counting = TRUE))
  for (k in seq_along(cases)) {
    cs <- cases[[k]]
    for (level in c(0.95, 0.8)) {
      fit <- if (is.null(cs$w)) {
        km(cs$f, d12, conf.type = "bootstrap", reps = reps, seed = 7 + k, conf.level = level)
      } else {
        km(cs$f, d12, weights = w, conf.type = "bootstrap", reps = reps, seed = 7 + k,
           conf.level = level)
      }
      dd <- d12
      if (is.null(cs$w)) dd$w <- 1
      strat <- if (length(all.vars(cs$f[[3]]))) dd$g else rep("all", nrow(dd))
      idx <- boot_index(strat, reps, 7 + k)
      # every stratum of the fit, in the fit's row order
      lev <- sort(unique(strat))
      rows <- split(seq_along(fit$time), rep(seq_along(lev), if (is.null(fit$strata)) length(fit$time) else fit$strata))
      vals <- matrix(NA_real_, length(fit$time), reps)
      for (b in seq_len(reps)) {
        db <- dd[idx[, b], ]
        sb <- strat[idx[, b]]
        for (j in seq_along(lev)) {
          vals[rows[[j]], b] <- km_at(db[sb == lev[j], ], fit$time[rows[[j]]], cs$counting)
        }
      }
      ref <- limits_r(vals, level)
      lab <- paste("case", k, "level", level)
      expect_equal(fit$lower, ref$lower, tolerance = 1e-12, label = lab)
      expect_equal(fit$upper, ref$upper, tolerance = 1e-12, label = lab)
    }
  }
})

test_that("cif(): limits equal quantile(type = 7) of a hand-written Aalen-Johansen on the same resamples", {
  reps <- 200
  d <- d12
  d$st <- c(1, 2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 1)
  d$ev <- factor(d$st, 0:3, c("cens", "relapse", "death", "never"))
  for (strata in c(FALSE, TRUE)) {
    fit <- if (strata) {
      cif(Surv(t, ev) ~ g, d, weights = w, conf.type = "bootstrap", reps = reps, seed = 21)
    } else {
      cif(Surv(t, ev) ~ 1, d, weights = w, conf.type = "bootstrap", reps = reps, seed = 21)
    }
    strat <- if (strata) d$g else rep("all", nrow(d))
    idx <- boot_index(strat, reps, 21)
    lev <- sort(unique(strat))
    nr <- length(fit$time)
    rows <- split(seq_len(nr), rep(seq_along(lev), if (is.null(fit$strata)) nr else fit$strata))
    vals <- array(NA_real_, c(nr, 4, reps))
    for (b in seq_len(reps)) {
      db <- d[idx[, b], ]
      sb <- strat[idx[, b]]
      for (j in seq_along(lev)) {
        e <- db[sb == lev[j], ]
        vals[rows[[j]], , b] <- aj_at(e$t, e$st, 3, fit$time[rows[[j]]], w = e$w)
      }
    }
    for (k in 1:4) {
      ref <- limits_r(vals[, k, ])
      expect_equal(fit$lower[, k], ref$lower, tolerance = 1e-12, label = paste(strata, k))
      expect_equal(fit$upper[, k], ref$upper, tolerance = 1e-12, label = paste(strata, k))
    }
    # the estimate itself is the hand-written one
    est <- do.call(rbind, lapply(seq_along(lev), function(j) {
      e <- d[strat == lev[j], ]
      aj_at(e$t, e$st, 3, fit$time[rows[[j]]], w = e$w)
    }))
    expect_equal(unname(fit$pstate), est, tolerance = 1e-12)
  }
})

test_that("cif() with id resamples whole subjects (clusters of rows), with delayed entry", {
  reps <- 150
  # 6 subjects, some split into two rows (start, stop]
  d <- data.frame(id = c(1, 1, 2, 3, 3, 4, 5, 6, 6),
                  a = c(0, 2, 0, 0, 3, 1, 0, 0, 4),
                  t = c(2, 5, 4, 3, 7, 6, 8, 4, 9),
                  st = c(0, 1, 2, 0, 1, 0, 2, 0, 1))
  d$ev <- factor(d$st, 0:2, c("cens", "relapse", "death"))
  fit <- cif(Surv(a, t, ev) ~ 1, d, id = id, conf.type = "bootstrap", reps = reps, seed = 4)
  unit <- match(d$id, unique(d$id))
  idx <- boot_index(rep(1, max(unit)), reps, 4)
  vals <- array(NA_real_, c(length(fit$time), 3, reps))
  for (b in seq_len(reps)) {
    rws <- unlist(lapply(idx[, b], function(u) which(unit == u)))
    e <- d[rws, ]
    vals[, , b] <- aj_at(e$t, e$st, 2, fit$time, entry = e$a)
  }
  for (k in 1:3) {
    ref <- limits_r(vals[, k, ])
    expect_equal(fit$lower[, k], ref$lower, tolerance = 1e-12, label = k)
    expect_equal(fit$upper[, k], ref$upper, tolerance = 1e-12, label = k)
  }
})

# ---- the resampling scheme -------------------------------------------------------

test_that("each stratum is resampled separately and keeps its size", {
  us <- c(2, 1, 1, 2, 2, 1, 2, 2)  # units 2, 3, 6 in stratum 1; 1, 4, 5, 7, 8 in stratum 2
  idx <- boot_index(us, 500, 9)
  expect_identical(dim(idx), c(8L, 500L))
  # stratum 1's draws first (3 of them), then stratum 2's (5)
  expect_true(all(idx[1:3, ] %in% c(2L, 3L, 6L)))
  expect_true(all(idx[4:8, ] %in% c(1L, 4L, 5L, 7L, 8L)))
  # roughly uniform within a stratum
  tab <- tabulate(idx[4:8, ], 8)[c(1, 4, 5, 7, 8)] / (5 * 500)
  expect_true(all(abs(tab - 0.2) < 0.03))
  # replicates are not all the same
  expect_gt(ncol(unique(idx, MARGIN = 2)), 400)
  # a stratum without events in a resample keeps S = 1: limits (1, 1) there
  d <- data.frame(t = 1:6, s = c(0, 0, 0, 1, 1, 0), g = rep(c("a", "b"), c(3, 3)))
  fit <- km(Surv(t, s) ~ g, d, conf.type = "bootstrap", reps = 200, seed = 1)
  expect_equal(fit$lower[1:3], rep(1, 3), tolerance = 1e-12)
  expect_equal(fit$upper[1:3], rep(1, 3), tolerance = 1e-12)
})

test_that("the limits bracket the estimate and lie in [0, 1]", {
  set.seed(42)
  n <- 40
  d <- data.frame(t = round(rexp(n), 2), s = rbinom(n, 1, 0.75))
  fit <- km(Surv(t, s) ~ 1, d, conf.type = "bootstrap", reps = 1000, seed = 1)
  inside <- fit$lower <= fit$surv & fit$surv <= fit$upper
  expect_gt(mean(inside), 0.95)
  expect_true(all(fit$lower >= 0 & fit$upper <= 1 & fit$lower <= fit$upper))
  # wider at 80% than at 95%? no: narrower
  f80 <- km(Surv(t, s) ~ 1, d, conf.type = "bootstrap", reps = 1000, seed = 1, conf.level = 0.8)
  expect_true(all(f80$lower >= fit$lower & f80$upper <= fit$upper))
  # before the first event: (1, 1), as every resample has S = 1 there
  first <- fit$time < min(d$t[d$s == 1])
  expect_true(all(fit$lower[first] == 1 & fit$upper[first] == 1))
  # the Greenwood log-log interval is of the same order
  ll <- km(Surv(t, s) ~ 1, d)
  mid <- fit$surv > 0.2 & fit$surv < 0.8
  ratio <- (fit$upper - fit$lower)[mid] / (ll$upper - ll$lower)[mid]
  expect_true(all(ratio > 0.5 & ratio < 1.5))
})

test_that("the percentile is R's quantile(type = 7), ties and extremes included", {
  set.seed(3)
  for (m in c(1, 2, 3, 10, 199, 200, 2000)) {
    x <- round(runif(m), 1)  # many ties
    for (p in c(0, 0.025, 0.1, 0.5, 0.975, 1, 1 - 0.05 / 2)) {
      expect_equal(quantile7(x, p), unname(stats::quantile(x, p, type = 7)), tolerance = 1e-15,
                   label = paste(m, p))
    }
  }
})

# ---- arguments ------------------------------------------------------------------

test_that("bad reps and seed are refused with clear messages", {
  for (bad in list(0, 1, 1.5, -3, NA, "a", c(100, 200), 1e7, Inf)) {
    expect_error(km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", reps = bad, seed = 1),
                 "`reps` must be a single whole number between 2 and 1e6", label = deparse(bad))
  }
  for (bad in list(-1, 1.5, NA, "x", c(1, 2), Inf, 2^60)) {
    expect_error(km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", seed = bad),
                 "`seed` must be NULL or a single whole number between 0 and 2^53",
                 fixed = TRUE, label = deparse(bad))
  }
  expect_error(cif(Surv(t, factor(s)) ~ 1, d12, conf.type = "bootstrap", reps = 1),
               "`reps` must be a single whole number")
  # reps and seed belong to the bootstrap only
  expect_error(km(Surv(t, s) ~ 1, d12, reps = 100),
               "km(): unused argument: `reps` (only with `conf.type = \"bootstrap\"`).",
               fixed = TRUE)
  expect_error(cif(Surv(t, factor(s)) ~ 1, d12, seed = 1, foo = 2),
               "cif(): unused arguments: `seed` (only with `conf.type = \"bootstrap\"`), `foo`.",
               fixed = TRUE)
  expect_error(km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", conf.int = 0.9),
               "unused argument: `conf.int`")
  # a subject of `id` in two strata cannot be resampled within strata
  d <- data.frame(id = c(1, 1, 2), a = c(0, 2, 0), t = c(2, 5, 4), ev = factor(c(0, 1, 1)),
                  g = c("a", "b", "a"))
  expect_error(cif(Surv(a, t, ev) ~ g, d, id = id, conf.type = "bootstrap", reps = 10, seed = 1),
               "resamples the subjects of `id` within each stratum; row 2")
})

test_that("print() states the replicates and the seed", {
  fit <- km(Surv(t, s) ~ 1, d12, conf.type = "bootstrap", reps = 200, seed = 123)
  expect_output(print(fit),
                "95% pointwise, percentile bootstrap (200 replicates, seed 123)", fixed = TRUE)
  cf <- cif(Surv(t, factor(s)) ~ 1, d12, conf.type = "bootstrap", reps = 2000, seed = 9,
            conf.level = 0.9)
  expect_output(print(cf),
                "90% pointwise, percentile bootstrap (2000 replicates, seed 9)", fixed = TRUE)
  # the registry lists it for both verbs, for weights and delayed entry
  m <- ci_methods()
  expect_true(all(unlist(m[m$conf.type == "bootstrap", c("km", "cif", "weights", "delayed_entry")])))
})

test_that("rows processed in blocks (large fits) give exactly the same limits", {
  boot_ci_cpp <- utils::getFromNamespace("boot_ci_cpp", "smallsurv")
  d <- d12
  d$st <- c(1, 2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 1)
  s <- as.integer(factor(d$g))
  for (all_states in c(FALSE, TRUE)) {
    st <- if (all_states) d$st else d$s
    K <- if (all_states) 2L else 1L
    one <- boot_ci_cpp(d$t, as.integer(st), K, d$a, d$w, s, 2L, NULL, 0L, TRUE, all_states,
                       300, 8, 0.025, 0.975)
    for (block in c(1, 300, 700, 3001)) {  # one row a block, ... , several rows
      blk <- boot_ci_cpp(d$t, as.integer(st), K, d$a, d$w, s, 2L, NULL, 0L, TRUE, all_states,
                         300, 8, 0.025, 0.975, block)
      expect_identical(blk, one, label = paste(all_states, block))
    }
  }
})

test_that("bootstrap fits work with survival's summary() and smallsurv's at_times()", {
  fit <- km(Surv(t, s) ~ g, d12, conf.type = "bootstrap", reps = 200, seed = 2)
  sm <- summary(fit, times = c(3, 6))
  i <- c(which(fit$time[1:fit$strata[1]] == 3), which(fit$time[1:fit$strata[1]] == 6))
  expect_equal(sm$lower[1:2], fit$lower[i], tolerance = 1e-12)
  expect_equal(sm$upper[1:2], fit$upper[i], tolerance = 1e-12)
  at <- at_times(fit, 6)
  expect_equal(at$conf.low[1], fit$lower[i[2]], tolerance = 1e-12)
  expect_identical(fit[1]$ci$seed, 2)
})

test_that("bootstrap limits do not depend on the number of threads", {
  set.seed(8)
  d <- data.frame(time = rexp(60), status = rbinom(60, 1, 0.7), g = rep(1:2, 30))
  f <- function(th) withr::with_options(list(smallsurv.threads = th),
    km(survival::Surv(time, status) ~ g, data = d, conf.type = "bootstrap", reps = 700, seed = 4))
  a <- f(1)
  b <- f(2)
  expect_identical(a$lower, b$lower)
  expect_identical(a$upper, b$upper)
})
