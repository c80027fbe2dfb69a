rr_ms <- function() endpoints(rrall, "multistate")

test_that("at_times() of a multistate fit: estimates, initial distribution, counts of subjects", {
  ms <- rr_ms()
  f <- multistate(Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from)
  a <- at_times(f, c(0, 3, 6, 20), maturity = FALSE)
  expect_identical(unique(a$state), f$states)
  row <- findInterval(3, f$time)
  expect_equal(a$estimate[a$time == 3], unname(f$pstate[row, ]))
  expect_equal(a$std.error[a$time == 3], unname(f$std.err[row, ]))
  # before any transition: p0, no interval
  expect_equal(a$estimate[a$time == 0], c(1, 0, 0, 0, 0))
  expect_true(all(is.na(a$conf.low[a$time == 0])))
  # n.risk: subjects under observation in any state (25 at the start)
  expect_equal(a$n.risk[a$time == 0], rep(25, 5))
  expect_true(all(grepl("after last follow-up", a$note[a$time == 20])))
  m <- at_times(f, 12)
  expect_true(all(m$note == "" | grepl("past maturity|no event", m$note)))
})

test_that("maturity() of a multistate fit counts everyone under observation", {
  f <- multistate(Surv(tstart, tstop, state) ~ 1, data = rr_ms(), id = id, istate = from)
  m <- maturity(f, times = c(0, 6, 12))
  expect_identical(m$type, "ms")
  expect_equal(m$table$n.risk, c(25, 14, 7))
  expect_equal(m$table$fraction, c(25, 14, 7) / 25)
  expect_output(print(m), "state occupation")
  # the change one transition would cause: max_j p_j(t-)/n_j(t)
  i <- which(f$time >= 6)[1]
  cnt <- smallsurv:::ms_counts(f)
  expect_equal(m$table$drop[2], max(f$pstate[i - 1, ] / pmax(cnt$n.risk[i, ], 1) *
                                      (cnt$n.risk[i, ] > 0)))
})

test_that("plot() and autoplot() draw the stack and the numbers at risk in each state", {
  ms <- rr_ms()
  ms$dose <- rrall$dose[match(ms$id, rrall$id)]
  f <- multistate(Surv(tstart, tstop, state) ~ dose, data = ms, id = id, istate = from)
  pdf(NULL)
  on.exit(grDevices::dev.off())
  tab <- plot(f)
  expect_identical(names(tab), c("strata", "time", "state", "n.risk"))
  expect_identical(unique(tab$state), c("event-free", "HSCT", "CAR-T", "relapse"))
  at6 <- tab[tab$strata == "dose=DL1" & tab$time == 6, ]
  expect_equal(sum(at6$n.risk), at_times(f, 6)$n.risk[1])
  r <- smallsurv:::ms_stack_rects(f, 1, 1:f$strata[1], Inf)
  expect_true(all(abs(tapply(r$ymax, r$xmin, max) - 1) < 1e-12))
  expect_no_error(plot(f, beyond = "stop", risk.table = FALSE, legend = FALSE))
  expect_error(plot(f, beyond = "dashed"), "`beyond` must be")
  skip_if_not_installed("ggplot2")
  g <- ggplot2::autoplot(f)
  expect_true(inherits(g, "gg") || inherits(g, "gtable") || inherits(g, "patchwork"))
  p <- ggplot2::autoplot(f, risk.table = FALSE)
  b <- ggplot2::ggplot_build(p)
  # every rectangle kept (the stack's top is 1 up to rounding)
  expect_equal(nrow(b$data[[1]]), nrow(p$data))
})

test_that("print() says how many subjects and rows", {
  f <- multistate(Surv(tstart, tstop, state) ~ 1, data = rr_ms(), id = id, istate = from)
  out <- capture.output(print(f))
  expect_match(out[2], "25 subjects, 43 rows")
})

test_that("ggsurvfit reads the same numbers from multistate() fits as from survfit", {
  # current CRAN stack only (make check-cran): see test-km.R
  skip_if_not_installed("ggsurvfit")
  skip_if_not_installed("ggplot2")
  skip_if_not(utils::packageVersion("survival") >= "3.6")
  # survival >= 3.6 gives (p, p) where the standard error is 0; smallsurv's
  # default is NA there (see ?smallsurv-package), so compare under survival's rule
  old <- options(smallsurv.limits_at_zero_se = "estimate")
  on.exit(options(old))
  gg <- function(f) getExportedValue("ggsurvfit", f)
  ms <- endpoints(rrall, "multistate")
  fit <- multistate(Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from,
                    conf.type = "log")
  ref <- survival::survfit(Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from,
                           conf.type = "log")
  expect_equal(as.data.frame(gg("tidy_survfit")(fit)), as.data.frame(gg("tidy_survfit")(ref)),
               tolerance = 1e-10)
  draw <- function(f) gg("ggcuminc")(f, outcome = c("HSCT", "relapse")) +
    gg("add_confidence_interval")()
  for (layer in 1:2) {
    expect_equal(ggplot2::layer_data(draw(fit), layer), ggplot2::layer_data(draw(ref), layer),
                 tolerance = 1e-10, label = paste("layer", layer))
  }
  pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_no_error(print(draw(fit) + gg("add_risktable")()))
})
