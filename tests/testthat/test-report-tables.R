# tidy()/glance() for cif fits, Gray's test and endpoints, and the report
# display of at_times() tables (format() and knit_print()).


test_that("tidy.smallsurv_cif() equals broom's tidy.survfit() column for column", {
  skip_if_not_installed("broom")
  first <- endpoints(rrall, "competing")
  first$dose <- rrall$dose[match(first$id, rrall$id)]
  for (f in list(Surv(time, event) ~ 1, Surv(time, event) ~ dose)) {
    fit <- cif(f, data = first)
    ours <- tidy(fit)
    y <- fit
    class(y) <- c("survfitms", "survfit")
    theirs <- as.data.frame(broom:::tidy.survfit(y))
    # the same table: names, order, rows, values
    expect_identical(names(ours), names(theirs))
    expect_equal(ours, theirs, tolerance = 1e-12)
  }
})

test_that("glance.smallsurv_cif() gives the last estimate per stratum and cause", {
  first <- endpoints(rrall, "competing")
  first$dose <- rrall$dose[match(first$id, rrall$id)]
  fit <- cif(Surv(time, event) ~ dose, data = first)
  g <- glance(fit)
  expect_equal(nrow(g), 2L * 4L, tolerance = 0)
  tab <- table(first$dose, first$event)
  expect_equal(g$events, as.vector(t(tab[, -1])), tolerance = 0)
  expect_equal(g$n, rep(as.vector(table(first$dose)), each = 4), tolerance = 0)
  at <- at_times(fit, max(first$time[first$dose == "DL1"]), min.risk = 0)
  expect_equal(g$estimate[g$strata == "dose=DL1"], at$estimate[at$strata == "dose=DL1" &
                                                                 at$state != "(s0)"],
               tolerance = 1e-12)
})

test_that("gray_test(): class, tidy() drops it, glance() describes the test", {
  first <- endpoints(rrall, "competing")
  first$dose <- rrall$dose[match(first$id, rrall$id)]
  g <- gray_test(Surv(time, event) ~ dose, data = first, permutation = "monte-carlo", reps = 99,
                 seed = 3)
  expect_s3_class(g, "smallsurv_gray")
  t <- tidy(g)
  expect_identical(class(t), "data.frame")
  expect_identical(names(t), c("cause", "events", "statistic", "df", "p.value", "p.perm"))
  expect_equal(t$statistic, g$statistic, tolerance = 0)
  gl <- glance(g)
  expect_equal(gl$n.causes, 4L, tolerance = 0)
  expect_equal(gl$n.groups, 2L, tolerance = 0)
  expect_equal(gl$min.p.value, min(g$p.value, na.rm = TRUE), tolerance = 0)
  expect_equal(gl$reps, 99L, tolerance = 0)
  expect_snapshot(print(g))
})

test_that("endpoints: tidy() is the table, glance() counts events and states the rule", {
  efs <- endpoints(rrall, "efs", induction_failure = response %in% c("PR", "NR"))
  expect_identical(class(tidy(efs)), "data.frame")
  gl <- glance(efs)
  expect_equal(gl$events, sum(rrall$efs_status), tolerance = 0)
  expect_equal(gl$n, 25L, tolerance = 0)
  expect_identical(gl$definition, attr(efs, "definition"))
  cr <- endpoints(rrall, "competing")
  expect_equal(glance(cr)$events, sum(cr$event != "censored"), tolerance = 0)
})

test_that("format() of at_times() tables: estimate (CI), counts, notes", {
  fit <- km(Surv(os_time, os_status) ~ dose, data = rrall)
  at <- at_times(fit, c(0, 6, 12, 20))
  expect_s3_class(at, "smallsurv_at_times")
  f <- format(at)
  expect_identical(names(f), c("strata", "time", "Estimate (95% CI)", "at risk", "events",
                               "censored", "note"))
  i <- which(!is.na(at$conf.low))[2]
  expect_identical(f[i, 3], sprintf("%.3f (%.3f, %.3f)", at$estimate[i], at$conf.low[i],
                                    at$conf.high[i]))
  expect_true(all(f[[3]][is.na(at$estimate)] == "not estimable"))
  expect_snapshot({
    format(at, percent = TRUE)
    print(at_times(fit, c(3, 12)))
    format(at_times(cif(Surv(time, event) ~ 1, data = endpoints(rrall, "competing")), 6))
  })
})

test_that("at_times() tables print as a kable in knitr", {
  skip_if_not_installed("knitr")
  fit <- km(Surv(os_time, os_status) ~ 1, data = rrall)
  out <- knitr::knit_print(at_times(fit, c(3, 6)))
  txt <- paste(out, collapse = "\n")
  expect_match(txt, "Estimate (95% CI)", fixed = TRUE)
  expect_match(txt, "95% pointwise CI: log-log", fixed = TRUE)
  expect_snapshot(cat(txt))
})

test_that("a column subset of an at_times() table formats and knits as a data frame", {
  fit <- km(Surv(os_time, os_status) ~ 1, data = rrall)
  at <- at_times(fit, c(3, 6))[c("time", "estimate")]
  expect_identical(format(at), format(as.data.frame(unclass(at))))
  skip_if_not_installed("knitr")
  expect_no_error(utils::capture.output(knitr::knit_print(at)))
})
