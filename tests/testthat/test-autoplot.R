# autoplot() for km and cif fits: what is drawn must be the fit (steps,
# bands, censoring marks), the table must hold at_times()'s counts at the
# breaks, and the curves and the table must share the x mapping (so the
# numbers sit under their ticks), with patchwork and with the gtable
# fallback. The figures themselves were also checked by eye (see NEWS).

skip_if_not_installed("ggplot2")

layer_data_of <- function(p, geom) {
  i <- which(vapply(p$layers, function(l) inherits(l$geom, geom), logical(1)))
  ggplot2::layer_data(p, i[1])
}

# the two ggplots of a stacked figure
parts <- function(fig) {
  if (inherits(fig, "patchwork")) return(list(curves = fig[[1]], table = fig[[2]]))
  stop("not a patchwork")
}

test_that("km: the steps, bands and marks are the fit's, from (0, 1)", {
  skip_if_no_patchwork()
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  # the whole curves (the default fades the tails past maturity: below)
  fig <- ggplot2::autoplot(fit, maturity = FALSE)
  expect_s3_class(fig, "patchwork")
  p <- parts(fig)$curves
  st <- layer_data_of(p, "GeomStep")
  expect_equal(nrow(st), length(fit$time) + 2L, tolerance = 0)
  k1 <- st[st$group == 1, ]
  expect_equal(k1$x, c(0, fit$time[1:fit$strata[1]]), tolerance = 1e-12)
  expect_equal(k1$y, c(1, fit$surv[1:fit$strata[1]]), tolerance = 1e-12)
  rc <- layer_data_of(p, "GeomRect")
  # every rectangle lies between the limits of the fit at its left end
  tt <- tidy(fit)
  at <- at_times(fit, rc$xmin, min.risk = 0)
  ok <- vapply(seq_len(nrow(rc)), function(i) {
    any(abs(at$conf.low - rc$ymin[i]) < 1e-12 & abs(at$conf.high - rc$ymax[i]) < 1e-12 &
          abs(at$time - rc$xmin[i]) < 1e-12)
  }, logical(1))
  expect_true(all(ok))
  mk <- layer_data_of(p, "GeomPoint")
  expect_equal(sort(mk$x), sort(tt$time[tt$n.censor > 0]), tolerance = 1e-12)
})

test_that("km: the table holds at_times() counts at the breaks, on the curves' x scale", {
  skip_if_no_patchwork()
  fit <- km(Surv(time, status) ~ x, survival::aml)
  fig <- ggplot2::autoplot(fit, times = c(0, 20, 40, 60, 80, 100, 120, 140, 160))
  pp <- parts(fig)
  tx <- layer_data_of(pp$table, "GeomText")
  at <- at_times(fit, c(0, 20, 40, 60, 80, 100, 120, 140, 160), min.risk = 0)
  expect_equal(sort(as.numeric(tx$label)),
               sort(c(at$n.risk, at$n.event, at$n.censor)), tolerance = 0)
  expect_equal(sort(unique(tx$x)), at$time[1:9], tolerance = 0)
  b1 <- ggplot2::ggplot_build(pp$curves)$layout$panel_params[[1]]
  b2 <- ggplot2::ggplot_build(pp$table)$layout$panel_params[[1]]
  expect_equal(b1$x.range, b2$x.range, tolerance = 1e-12)
  expect_equal(b1$x$breaks, b2$x$breaks, tolerance = 0)
})

test_that("the gtable fallback aligns the panels of the curves and the table", {
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  withr::local_options(smallsurv.no_patchwork = TRUE)
  g <- ggplot2::autoplot(fit)
  expect_s3_class(g, "smallsurv_ggtable")
  panels <- g$layout[grepl("^panel", g$layout$name), ]
  expect_equal(length(unique(panels$l)), 1L, tolerance = 0)
  expect_equal(length(unique(panels$r)), 1L, tolerance = 0)
  f <- withr::local_tempfile(fileext = ".png")
  ggplot2::ggsave(f, g, width = 6, height = 5, dpi = 50)
  expect_true(file.size(f) > 0)
})

test_that("km: one curve, many curves, no interval, no table", {
  skip_if_no_patchwork()
  one <- km(Surv(os_time, os_status) ~ 1, data = rrall)
  p <- parts(ggplot2::autoplot(one))
  tx <- layer_data_of(p$table, "GeomText")
  expect_equal(nrow(tx), 3L * length(unique(tx$x)), tolerance = 0)
  many <- km(Surv(time, status) ~ sex + ph.ecog, survival::lung)
  p <- parts(ggplot2::autoplot(many))
  tx <- layer_data_of(p$table, "GeomText")
  expect_equal(nrow(tx), length(many$strata) * length(unique(tx$x)), tolerance = 0)
  none <- km(Surv(time, status) ~ x, survival::aml, conf.type = "none")
  g <- ggplot2::autoplot(none, risk.table = FALSE, maturity = FALSE)
  expect_s3_class(g, "ggplot")
  expect_false(any(vapply(g$layers, function(l) inherits(l$geom, "GeomRect"), logical(1))))
  expect_null(g$labels$subtitle)
})

test_that("cif: one step per cause and stratum from (0, 0); the table counts the event-free", {
  skip_if_no_patchwork()
  first <- endpoints(rrall, "competing")
  first$dose <- rrall$dose[match(first$id, rrall$id)]
  fit <- cif(Surv(time, event) ~ dose, data = first)
  fig <- ggplot2::autoplot(fit, causes = c("relapse", "death"), times = c(0, 4, 8, 12),
                           layout = "overlay", maturity = FALSE)
  pp <- parts(fig)
  st <- layer_data_of(pp$curves, "GeomStep")
  expect_equal(length(unique(st$group)), 4L, tolerance = 0)
  expect_true(all(st$y[st$x == 0] == 0))
  n1 <- fit$strata[1]
  j <- match("relapse", fit$states)
  relapse_dl1 <- c(0, fit$pstate[seq_len(n1), j])
  ys <- split(st$y, st$group)
  expect_true(any(vapply(ys, function(y) isTRUE(all.equal(y, relapse_dl1, tolerance = 1e-12)),
                         logical(1))))
  tx <- layer_data_of(pp$table, "GeomText")
  a <- at_times(fit, c(0, 4, 8, 12), min.risk = 0)
  a <- a[a$state == "(s0)", ]
  expect_equal(sort(as.numeric(tx$label)), sort(c(a$n.risk, a$n.event, a$n.censor)),
               tolerance = 0)
})

test_that("autoplot() errors name the argument", {
  fit <- km(Surv(time, status) ~ x, survival::aml)
  expect_snapshot(error = TRUE, {
    ggplot2::autoplot(fit, times = -1)
    ggplot2::autoplot(fit, heights = 1)
    ggplot2::autoplot(fit, conf.int = NA)
    ggplot2::autoplot(cif(Surv(time, event) ~ 1, data = endpoints(rrall, "competing")),
                      causes = "progression")
  })
})

test_that("maturity: solid up to the maturity time, faded or stopped after, split bands", {
  skip_if_no_patchwork()
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  # a maturity() result with chosen times (the structure maturity() returns:
  # `strata` names the curves, `limits$time` is where each stops being readable)
  m <- maturity(fit)
  m$limits$time <- c(5, 6)
  p <- parts(ggplot2::autoplot(fit, maturity = m))$curves
  steps <- which(vapply(p$layers, function(l) inherits(l$geom, "GeomStep"), logical(1)))
  expect_length(steps, 2L)
  pre <- ggplot2::layer_data(p, steps[1])
  post <- ggplot2::layer_data(p, steps[2])
  # DL1 (colour 1) is solid to 5, then dashed from 5 to its last time
  n1 <- fit$strata[1]
  expect_equal(max(pre$x[pre$colour == pre$colour[1]]), 5, tolerance = 0)
  dl1_post <- post[post$colour == pre$colour[1], ]
  expect_equal(range(dl1_post$x), c(5, max(fit$time[seq_len(n1)])), tolerance = 0)
  expect_equal(dl1_post$y[1], at_times(fit[1], 5)$estimate, tolerance = 1e-12)
  expect_identical(unique(post$linetype), "dashed")
  rects <- which(vapply(p$layers, function(l) inherits(l$geom, "GeomRect"), logical(1)))
  r <- do.call(rbind, lapply(rects, function(i) {
    ggplot2::layer_data(p, i)[c("xmin", "xmax", "fill")]
  }))
  col <- grDevices::hcl.colors(2, "Dark 2")
  dl1 <- r[r$fill == col[1], ]
  dl2 <- r[r$fill == col[2], ]
  expect_true(nrow(dl1) > 0 && nrow(dl2) > 0)
  expect_false(any(dl1$xmin < 5 & dl1$xmax > 5))
  expect_false(any(dl2$xmin < 6 & dl2$xmax > 6))
  expect_true(any(dl1$xmax == 5) && any(dl1$xmin == 5))
  # stop: nothing drawn after the cut
  p2 <- parts(ggplot2::autoplot(fit, maturity = m, beyond = "stop"))$curves
  steps2 <- which(vapply(p2$layers, function(l) inherits(l$geom, "GeomStep"), logical(1)))
  expect_length(steps2, 1L)
  expect_true(max(ggplot2::layer_data(p2, steps2)$x) <= 6)
  expect_snapshot(error = TRUE, {
    ggplot2::autoplot(fit, maturity = list(min.risks = 3))
    ggplot2::autoplot(fit, maturity = m, beyond = "dotted")
  })
})

test_that("maturity as a list of rules uses maturity() when smallsurv has it", {
  skip_if_not(exists("maturity", envir = asNamespace("smallsurv"), inherits = FALSE))
  skip_if_no_patchwork()
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  m <- get("maturity", asNamespace("smallsurv"))(fit, min.risk = 5, min.fraction = 0.1)
  a <- ggplot2::layer_data(parts(ggplot2::autoplot(fit, maturity = m))$curves, 2)
  b <- ggplot2::layer_data(parts(ggplot2::autoplot(
    fit, maturity = list(min.risk = 5, min.fraction = 0.1)))$curves, 2)
  expect_equal(a$x, b$x, tolerance = 0)
})

test_that("autoplot() of maturity(): the table's numbers, the rules and the maturity times", {
  skip_if_not(exists("maturity", envir = asNamespace("smallsurv"), inherits = FALSE))
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  m <- get("maturity", asNamespace("smallsurv"))(fit, max.drop = 0.15)
  p <- ggplot2::autoplot(m)
  pts <- ggplot2::layer_data(p, 2)
  expect_equal(sort(pts$y), sort(c(m$table$n.risk, m$table$drop)), tolerance = 1e-12)
  h <- do.call(rbind, lapply(3:4, function(i) ggplot2::layer_data(p, i)["yintercept"]))
  expect_setequal(h$yintercept, c(5, 0.15, 0.1 * m$limits$n))
  v <- ggplot2::layer_data(p, 5)
  expect_equal(sort(unique(v$xintercept)), sort(m$limits$time[m$limits$time < m$limits$last]),
               tolerance = 0)
})

test_that("autoplot() of a confband(): steps and band rectangles of each stratum", {
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  tt <- tidy(fit)
  # the documented structure of confband()'s result
  b <- structure(data.frame(strata = tt$strata, time = tt$time, surv = tt$estimate,
                            lower = tt$conf.low, upper = tt$conf.high),
                 class = c("smallsurv_confband", "data.frame"), type = "hall-wellner",
                 transform = "log-log", conf.level = 0.9)
  p <- ggplot2::autoplot(b)
  st <- ggplot2::layer_data(p, 2)
  expect_equal(sort(st$y), sort(tt$estimate), tolerance = 1e-12)
  rc <- ggplot2::layer_data(p, 1)
  expect_true(all(rc$xmin < rc$xmax))
  lab <- "90% simultaneous Hall-Wellner band, log-log scale"  # as plot(fit, band = ) names it
  expect_match(p$labels$subtitle, paste0(lab, ", over the range shown"), fixed = TRUE)
  # the band and the curves are named in the legend
  built <- ggplot2::ggplot_build(p)
  expect_identical(built$plot$scales$get_scales("alpha")$get_labels(), lab)
  expect_identical(built$plot$scales$get_scales("colour")$get_labels(), c("DL1", "DL2"))
  expect_identical(p$theme$legend.position, "top")
  # one curve: named too, not left unlabelled
  b1 <- b[b$strata == b$strata[1], setdiff(names(b), "strata")]
  attributes(b1)[c("type", "transform", "conf.level")] <- list("ep", NULL, 0.95)
  built1 <- ggplot2::ggplot_build(ggplot2::autoplot(b1))
  expect_identical(built1$plot$scales$get_scales("colour")$get_labels(), "Kaplan-Meier estimate")
  expect_identical(built1$plot$scales$get_scales("alpha")$get_labels(),
                   "95% simultaneous equal-precision band")
})

test_that("autoplot() of ci_coverage(): coverage, both errors and the nominal level", {
  cv <- expand.grid(time = c(3, 6), method = c("log", "log-log"), stringsAsFactors = FALSE)
  cv <- data.frame(method = cv$method, time = cv$time, coverage = c(0.9, 0.92, 0.95, 0.96),
                   lower_error = c(0.03, 0.02, 0.02, 0.01), upper_error = c(0.07, 0.06, 0.03, 0.03),
                   width = 0.3, mc_se = 0.005, n_na = 0, truth = 0.5)
  cv <- structure(cv, class = c("smallsurv_coverage", "data.frame"),
                  design = list(conf.level = 0.95, reps = 1000))
  p <- ggplot2::autoplot(cv)
  hl <- ggplot2::layer_data(p, 1)
  expect_equal(sort(hl$yintercept), c(0.025, 0.95), tolerance = 1e-12)
  pts <- ggplot2::layer_data(p, 3)
  expect_equal(sort(pts$y), sort(c(cv$coverage, cv$lower_error, cv$upper_error)),
               tolerance = 1e-12)
  eb <- ggplot2::layer_data(p, 4)
  eb <- eb[!is.na(eb$ymin), ]
  expect_equal(sort(eb$ymax - eb$ymin), rep(4 * 0.005, 4), tolerance = 1e-12)
})


test_that("a patchwork that cannot lay out figures falls back to gtable with one message", {
  skip_if_not_installed("ggplot2")
  skip_if_not_installed("patchwork")
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  key <- paste(utils::packageVersion("ggplot2"), utils::packageVersion("patchwork"))
  env <- smallsurv:::.patchwork_ok
  old <- env[[key]]
  on.exit(if (is.null(old)) rm(list = key, envir = env) else assign(key, old, envir = env))
  assign(key, FALSE, envir = env)  # as after a failed probe
  fig <- ggplot2::autoplot(fit)
  expect_s3_class(fig, "smallsurv_ggtable")
  pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_silent(print(fig))
  # the probe itself, run afresh, gives a logical once per session, opens
  # no file and leaves the current device current
  rm(list = key, envir = env)
  withr::local_dir(withr::local_tempdir())
  dev <- grDevices::dev.cur()
  expect_type(smallsurv:::use_patchwork(), "logical")
  expect_identical(grDevices::dev.cur(), dev)
  expect_false(file.exists("Rplots.pdf"))
  expect_silent(smallsurv:::use_patchwork())
})

test_that("by default the maturity rule fades each tail (km and cif)", {
  skip_if_no_patchwork()
  fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
  p <- parts(ggplot2::autoplot(fit))$curves
  m <- maturity(fit)$limits
  st <- layer_data_of(p, "GeomStep")
  # the solid steps end at the maturity times; the rest is drawn faded
  expect_true(all(st$x <= max(m$time) + 1e-12))
  expect_match(p$labels$subtitle, "past maturity (dotted line): faded", fixed = TRUE)
  vl <- layer_data_of(p, "GeomVline")
  expect_equal(sort(unique(vl$xintercept)), sort(m$time[m$time < m$last]), tolerance = 1e-12)
  first <- endpoints(rrall, "competing")
  first$dose <- rrall$dose[match(first$id, rrall$id)]
  cf <- cif(Surv(time, event) ~ dose, data = first)
  q <- parts(ggplot2::autoplot(cf))$curves
  expect_match(q$labels$subtitle, "past maturity", fixed = TRUE)
})

test_that("cif: one panel per cause, groups as lines, at most two bands per panel; stacked", {
  skip_if_no_patchwork()
  first <- endpoints(rrall, "competing")
  first$dose <- rrall$dose[match(first$id, rrall$id)]
  fit <- cif(Surv(time, event) ~ dose, data = first)
  p <- parts(ggplot2::autoplot(fit, maturity = FALSE))$curves
  expect_s3_class(p$facet, "FacetWrap")
  st <- layer_data_of(p, "GeomStep")
  expect_identical(sort(unique(as.integer(st$PANEL))), 1:4)  # one panel per cause
  # each panel: the two dose levels, one band each
  expect_true(all(tapply(st$group, st$PANEL, function(g) length(unique(g))) == 2L))
  rc <- layer_data_of(p, "GeomRect")
  expect_true(all(tapply(rc$fill, rc$PANEL, function(f) length(unique(f))) <= 2L))
  # three groups: no bands, said in the subtitle
  first$g3 <- rep(c("a", "b", "c"), length.out = nrow(first))
  f3 <- cif(Surv(time, event) ~ g3, data = first)
  p3 <- parts(ggplot2::autoplot(f3))$curves
  expect_false(any(vapply(p3$layers, function(l) inherits(l$geom, "GeomRect"), logical(1))))
  expect_match(p3$labels$subtitle, "bands omitted: more than two groups per panel", fixed = TRUE)
  # overlay of four causes: no bands either
  po <- parts(ggplot2::autoplot(cif(Surv(time, event) ~ 1, data = first), layout = "overlay"))$curves
  expect_match(po$labels$subtitle, "bands omitted", fixed = TRUE)
  # stacked: the state probabilities add up to 1 at every time
  ps <- parts(ggplot2::autoplot(fit, layout = "stacked", maturity = FALSE))$curves
  r <- layer_data_of(ps, "GeomRect")
  tops <- tapply(r$ymax, list(r$PANEL, r$xmin), max)
  expect_equal(as.vector(tops[!is.na(tops)]), rep(1, sum(!is.na(tops))), tolerance = 1e-12)
  expect_error(ggplot2::autoplot(fit, layout = "side"), "`layout` must be one of")
})

test_that("the time axis carries the unit the data state (endpoints()), else says Time", {
  os <- endpoints(rrall, "os")
  fit <- km(Surv(time, status) ~ 1, data = os)
  expect_identical(attr(fit, "unit"), "months")
  g <- ggplot2::autoplot(fit, risk.table = FALSE)
  expect_identical(g$labels$x, "Time (months)")
  expect_identical(ggplot2::autoplot(fit, risk.table = FALSE, xlab = "Months")$labels$x,
                   "Months")
  plain <- km(Surv(time, status) ~ 1, data = survival::aml)
  expect_null(attr(plain, "unit"))
  expect_identical(ggplot2::autoplot(plain, risk.table = FALSE)$labels$x, "Time")
  cf <- cif(Surv(time, event) ~ 1, data = endpoints(rrall, "competing"))
  expect_identical(ggplot2::autoplot(cf, risk.table = FALSE)$labels$x, "Time (months)")
})
