# plot() for km() fits: the curves with the KMunicate table under the axis.
# The table returned (invisibly) must be at_times()'s counts at the ticks;
# drawing must work for one, two and many curves, weights, delayed entry,
# no interval, no table, and warn on a device too small for the table.

# Open a null pdf device of the given size for the rest of the calling test.
local_pdf <- function(width = 7, height = 7, env = parent.frame()) {
  grDevices::pdf(NULL, width = width, height = height)
  dev <- grDevices::dev.cur()
  withr::defer(grDevices::dev.off(dev), envir = env)
  invisible(dev)
}

# The table plot() should return: at_times()'s counts at `times`.
expected_table <- function(fit, times) {
  at <- at_times(fit, times, min.risk = 0)
  if (is.null(at$strata)) at$strata <- NA_character_
  at[c("strata", "time", "n.risk", "n.event", "n.censor")]
}

plot_cases <- function() {
  dw <- survival::aml
  dw$w <- c(0.5, 1.25, 2, 0.75, 1.5, 1, 2.5, 0.25, 1.75, 1, 0.5, 2,
            1.25, 0.75, 1.5, 1, 2.25, 0.5, 1, 1.75, 0.25, 1.5, 2)
  de <- sim_surv(30, seed = 8, ties = "heavy", strata = 1, entry = TRUE)
  list(
    one_curve = km(Surv(time, status) ~ 1, survival::aml),
    two_strata = km(Surv(time, status) ~ x, survival::aml),
    seven_strata = km(Surv(time, status) ~ sex + ph.ecog, survival::lung),
    weights = km(Surv(time, status) ~ x, dw, weights = w),
    entry = km(Surv(start, time, status) ~ g, de),
    none = km(Surv(time, status) ~ x, survival::aml, conf.type = "none")
  )
}

test_that("the returned table holds the hand-counted aml numbers at the default ticks", {
  local_pdf()
  fit <- km(Surv(time, status) ~ x, survival::aml)
  tab <- plot(fit)
  # follow-up ends at 161: pretty() ticks 0, 50, 100, 150 (200 is past 1.04 * 161)
  expect_identical(tab$strata, rep(c("x=Maintained", "x=Nonmaintained"), each = 4))
  expect_equal(tab$time, rep(c(0, 50, 100, 150), 2), tolerance = 1e-12)
  # Maintained: 9 13+ 13 18 23 28+ 31 34 45+ 48 161+
  expect_equal(tab$n.risk[1:4], c(11, 1, 1, 1), tolerance = 1e-12)
  expect_equal(tab$n.event[1:4], c(0, 7, 7, 7), tolerance = 1e-12)
  expect_equal(tab$n.censor[1:4], c(0, 3, 3, 3), tolerance = 1e-12)
  # Nonmaintained: 5 5 8 8 12 16+ 23 27 30 33 43 45 -- nobody left after 45
  expect_equal(tab$n.risk[5:8], c(12, 0, 0, 0), tolerance = 1e-12)
  expect_equal(tab$n.event[5:8], c(0, 11, 11, 11), tolerance = 1e-12)
  expect_equal(tab$n.censor[5:8], c(0, 1, 1, 1), tolerance = 1e-12)
})

test_that("plot() draws every case silently and returns at_times()'s counts at the ticks", {
  for (nm in names(plot_cases())) {
    fit <- plot_cases()[[nm]]
    local_pdf()
    expect_silent(res <- withVisible(plot(fit)))
    expect_false(res$visible, label = nm)
    tab <- res$value
    expect_named(tab, c("strata", "time", "n.risk", "n.event", "n.censor"))
    ticks <- pretty(c(0, max(fit$time)))
    ticks <- ticks[ticks <= 1.04 * max(fit$time)]
    ncurve <- if (is.null(fit$strata)) 1L else length(fit$strata)
    expect_equal(nrow(tab), ncurve * length(ticks), tolerance = 1e-12, label = nm)
    expect_equal(unique(tab$time), ticks, tolerance = 1e-12, label = nm)
    expect_equal(tab, expected_table(fit, ticks), tolerance = 1e-12, ignore_attr = TRUE,
                 label = nm)
    # the strata column names the curves, NA for a single curve
    expect_identical(unique(tab$strata),
                     if (is.null(fit$strata)) NA_character_ else names(fit$strata))
  }
})

test_that("plot() with chosen times tabulates at those times within the follow-up", {
  local_pdf()
  cases <- plot_cases()
  fit <- cases$two_strata
  tab <- plot(fit, times = c(0, 12, 24, 36, 48, 160))
  expect_equal(tab, expected_table(fit, c(0, 12, 24, 36, 48, 160)), tolerance = 1e-12,
               ignore_attr = TRUE)
  # times past 1.04 times the end of follow-up (161) are dropped
  tab <- plot(fit, times = c(0, 30, 60, 167, 168, 200))
  expect_equal(unique(tab$time), c(0, 30, 60, 167), tolerance = 1e-12)
  # weighted counts
  fit <- cases$weights
  tab <- plot(fit, times = c(0, 10, 20, 40))
  expect_equal(tab, expected_table(fit, c(0, 10, 20, 40)), tolerance = 1e-12,
               ignore_attr = TRUE)
  # at time 0 everybody is at risk: the sums of the weights (rows 1-11 Maintained)
  expect_equal(tab$n.risk[tab$time == 0], c(13, 15.75), tolerance = 1e-12)
})

test_that("risk.table = FALSE draws the curves only and returns NULL invisibly", {
  for (nm in names(plot_cases())) {
    local_pdf()
    expect_silent(res <- withVisible(plot(plot_cases()[[nm]], risk.table = FALSE)))
    expect_false(res$visible, label = nm)
    expect_null(res$value, label = nm)
  }
})

test_that("other drawing options run", {
  local_pdf()
  fit <- plot_cases()$two_strata
  expect_silent(plot(fit, conf.int = FALSE, mark.time = FALSE, legend = FALSE,
                     col = c("red", "blue"), lty = 1:2, main = "aml", xlab = "Weeks"))
  expect_silent(plot(plot_cases()$one_curve, col = "darkgreen", ylab = "EFS"))
})

test_that("plot() leaves the graphical parameters as it found them", {
  local_pdf()
  old <- graphics::par(c("mar", "mfrow", "cex"))
  for (nm in names(plot_cases())) {
    plot(plot_cases()[[nm]])
    expect_equal(graphics::par(c("mar", "mfrow", "cex")), old, tolerance = 1e-12, label = nm)
  }
})

test_that("a device too small for the table gives the documented warning", {
  fit <- plot_cases()$two_strata
  # 3 x 3 inches: 15 lines of text, too few for the margins of the table
  local_pdf(width = 3, height = 3)
  expect_warning(plot(fit), "the device is too small for the numbers-at-risk table of 2 curves")
  expect_warning(plot(plot_cases()$one_curve),
                 "too small for the numbers-at-risk table of 1 curves.*risk.table = FALSE")
  # without the table there is nothing to warn about
  expect_silent(plot(fit, risk.table = FALSE))
  # the margins are unchanged afterwards
  local_pdf(width = 3, height = 3)
  mar <- graphics::par("mar")
  suppressWarnings(plot(fit))
  expect_equal(graphics::par("mar"), mar, tolerance = 1e-12)
})

test_that("plot() draws to a png file, and warns on a tiny png", {
  skip_if_not(capabilities("png"), "no png device")
  fit <- plot_cases()$seven_strata
  f <- withr::local_tempfile(fileext = ".png")
  grDevices::png(f, width = 800, height = 800, res = 72)
  dev <- grDevices::dev.cur()
  withr::defer(if (dev %in% grDevices::dev.list()) grDevices::dev.off(dev))
  expect_silent(tab <- plot(fit))
  grDevices::dev.off(dev)
  expect_gt(file.size(f), 1000)
  expect_equal(nrow(tab), 7 * length(unique(tab$time)), tolerance = 1e-12)

  g <- withr::local_tempfile(fileext = ".png")
  grDevices::png(g, width = 200, height = 200, res = 72)
  dev2 <- grDevices::dev.cur()
  withr::defer(if (dev2 %in% grDevices::dev.list()) grDevices::dev.off(dev2))
  expect_warning(plot(fit), "too small for the numbers-at-risk table of 7 curves")
  grDevices::dev.off(dev2)
  expect_true(file.exists(g))
})

test_that("a simultaneous band is drawn long-dashed and named in a legend", {
  os <- km(Surv(os_time, os_status) ~ 1, data = rrall)
  b <- confband(os, type = "equal-precision", transform = "log-log")
  pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  plot(os, band = b, risk.table = FALSE)
  rp <- grDevices::recordPlot()
  # the strings drawn (legend text among them)
  txt <- unlist(lapply(rp[[1]], function(e) Filter(is.character, as.list(e[[2]]))))
  expect_true("95% simultaneous equal-precision band, log-log scale" %in% txt)
  plot(os, risk.table = FALSE)
  rp <- grDevices::recordPlot()
  txt <- unlist(lapply(rp[[1]], function(e) Filter(is.character, as.list(e[[2]]))))
  expect_false(any(grepl("simultaneous", txt, fixed = TRUE)))
})
