# Formula + data -> canonical input: strata labels as survfit labels its
# curves, the fast route (columns read directly) and the model.frame route
# giving identical fits, status codings, the forms of Surv() accepted, and
# the errors for the forms that are not.

make_strata <- utils::getFromNamespace("make_strata", "smallsurv")
surv_input_fast <- utils::getFromNamespace("surv_input_fast", "smallsurv")

# Every component of two fits identical, the call excepted.
expect_identical_fits <- function(a, b, label = "") {
  expect_setequal(names(a), names(b))
  for (nm in setdiff(union(names(a), names(b)), "call")) {
    expect_identical(a[[nm]], b[[nm]], label = paste(label, nm))
  }
}

# Grouping variables of every kind, 12 rows.
strata_data <- function() {
  data.frame(
    t = c(3, 5, 2, 8, 1, 4, 6, 7, 9, 2.5, 5.5, 10),
    s = c(1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1),
    # unused level "z", levels not in alphabetical order
    f = factor(c("b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b", "a"),
               levels = c("z", "b", "a")),
    ch = c("y", "x", "x", "y", "y", "x", "x", "y", "y", "x", "x", "y"),
    num = c(1 / 3, 2, 10, 1 / 3, 2, 10, 1 / 3, 2, 10, 1 / 3, 2, 10),
    int = c(3L, 1L, 3L, 1L, 3L, 1L, 3L, 1L, 3L, 1L, 3L, 1L),
    lg = c(TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, TRUE, FALSE, FALSE, TRUE, TRUE, FALSE),
    stringsAsFactors = FALSE
  )
}

# ---- strata labels ----------------------------------------------------------------

test_that("strata labels equal survfit's for one variable of each kind", {
  d <- strata_data()
  for (v in c("f", "ch", "num", "int", "lg")) {
    f <- stats::as.formula(paste("Surv(t, s) ~", v))
    ref <- survival::survfit(f, d)
    fast <- km(f, d)
    frame <- km(f, d, subset = rep(TRUE, nrow(d)))
    expect_identical(names(fast$strata), names(ref$strata), label = paste(v, "fast route"))
    expect_identical(names(frame$strata), names(ref$strata), label = paste(v, "model.frame route"))
    expect_equal(unname(fast$strata), unname(ref$strata), tolerance = 1e-12, label = v)
  }
  # the exact labels, written out: unused levels dropped, level order kept
  expect_identical(names(km(Surv(t, s) ~ f, d)$strata), c("f=b", "f=a"))
  expect_identical(names(km(Surv(t, s) ~ lg, d)$strata), c("lg=FALSE", "lg=TRUE"))
  expect_identical(names(km(Surv(t, s) ~ num, d)$strata),
                   c("num=0.333333333333333", "num=2", "num=10"))
})

test_that("strata labels equal survfit's for two variables of each kind", {
  d <- strata_data()
  pairs <- list(c("f", "num"), c("ch", "lg"), c("lg", "f"), c("num", "int"), c("f", "ch"))
  for (vv in pairs) {
    f <- stats::as.formula(paste("Surv(t, s) ~", paste(vv, collapse = " + ")))
    ref <- survival::survfit(f, d)
    fast <- km(f, d)
    frame <- km(f, d, subset = rep(TRUE, nrow(d)))
    lab <- paste(vv, collapse = " + ")
    expect_identical(names(fast$strata), names(ref$strata), label = paste(lab, "fast route"))
    expect_identical(names(frame$strata), names(ref$strata), label = paste(lab, "model.frame route"))
    expect_same_as_survfit(fast, survival::survfit(f, d, conf.type = "log-log"),
                           tolerance = 1e-10, label = lab)
  }
  # survfit pads the labels to a common width; so does km()
  expect_identical(names(km(Surv(t, s) ~ f + num, d)$strata),
                   c("f=b, num=0.333333333333333", "f=b, num=2                ",
                     "f=b, num=10               ", "f=a, num=0.333333333333333",
                     "f=a, num=2                ", "f=a, num=10               "))
})

test_that("make_strata() equals survival::strata() for single columns", {
  d <- strata_data()
  d$date <- as.Date("2022-01-10") + c(0, 30, 0, 30, 61, 0, 30, 61, 0, 30, 61, 0)
  d$f1 <- factor(rep("a", 12), levels = c("b", "a"))
  for (v in c("f", "ch", "num", "int", "lg", "date", "f1")) {
    expect_identical(make_strata(d[v]), survival::strata(d[v]), label = v)
  }
  # a subset of rows: levels that no longer occur are dropped
  sub <- d[d$ch == "x", ]
  for (v in c("f", "num", "lg")) {
    expect_identical(make_strata(sub[v]), survival::strata(sub[v]), label = paste("subset", v))
  }
})

# ---- fast route and model.frame route -------------------------------------------

test_that("the plain call takes the fast route, other forms the model.frame route", {
  d <- strata_data()
  env <- environment()
  fast <- function(cl) {
    cl <- match.call(km, substitute(cl))  # named, as km() sees its call
    surv_input_fast(cl, eval(cl$formula, env), d, env)
  }
  expect_false(is.null(fast(km(Surv(t, s) ~ f + lg, d))))
  expect_false(is.null(fast(km(Surv(time = t, event = s) ~ 1, d))))
  expect_null(fast(km(Surv(t, s == 1) ~ f, d)))
  expect_null(fast(km(Surv(t, s) ~ factor(int), d)))
  expect_null(fast(km(Surv(t, s) ~ f, d, subset = t > 1)))
  expect_null(fast(km(Surv(t, s) ~ f, d, na.action = na.exclude)))
  expect_null(fast(km(Surv(t, s, type = "right") ~ f, d)))
})

test_that("fast and model.frame routes give identical fits for each kind of grouping variable", {
  d <- strata_data()
  d$w <- c(1, 2, 1, 3, 1, 1, 2, 1, 1, 2, 1, 1)
  keep <- rep(TRUE, nrow(d))
  for (rhs in c("1", "f", "ch", "num", "int", "lg", "f + lg", "ch + num + int")) {
    f <- stats::as.formula(paste("Surv(t, s) ~", rhs))
    expect_identical_fits(km(f, d), km(f, d, subset = keep), label = rhs)
    expect_identical_fits(km(f, d, weights = w, conf.type = "plain"),
                          km(f, d, weights = w, conf.type = "plain", subset = keep),
                          label = paste(rhs, "weighted"))
  }
})

test_that("an id column takes the fast route, with its missing values dropped as model.frame does", {
  d <- data.frame(id = c(1, 1, 2, 3, 3, 4, NA), start = c(0, 2, 0, 0, 4, 0, 0),
                  stop = c(2, 5, 3, 4, 6, 7, 8),
                  ev = factor(c("cens", "a", "b", "cens", "a", "cens", "a"), c("cens", "a", "b")))
  env <- environment()
  cl <- quote(cif(Surv(start, stop, ev) ~ 1, d, id = id))
  cl <- match.call(cif, cl)
  x <- surv_input_fast(cl, eval(cl$formula, env), d, env, multi = TRUE)
  expect_false(is.null(x))
  expect_identical(x$id, c(1, 1, 2, 3, 3, 4))
  expect_identical(as.vector(x$na.action), 7L)
  keep <- rep(TRUE, nrow(d))
  a <- cif(Surv(start, stop, ev) ~ 1, d, id = id)
  b <- cif(Surv(start, stop, ev) ~ 1, d, id = id, subset = keep)
  for (k in c("time", "pstate", "std.err", "n.risk", "n.event", "lower", "upper")) {
    expect_identical(a[[k]], b[[k]], label = k)
  }
  # an id that is an expression goes through model.frame
  cl2 <- match.call(cif, quote(cif(Surv(start, stop, ev) ~ 1, d, id = id + 0)))
  expect_null(surv_input_fast(cl2, eval(cl2$formula, env), d, env, multi = TRUE))
})

test_that("fast and model.frame routes agree on status codings, named Surv() and integer times", {
  d <- strata_data()
  keep <- rep(TRUE, nrow(d))
  d$s12 <- d$s + 1
  d$slg <- d$s == 1
  d$ti <- as.integer(round(d$t))
  for (f in list(Surv(t, s12) ~ f, Surv(t, slg) ~ ch, Surv(time = t, event = s) ~ lg,
                 Surv(event = s, time = t) ~ num, Surv(ti, s) ~ f)) {
    expect_identical_fits(km(f, d), km(f, d, subset = keep), label = deparse1(f))
  }
})

test_that("options(na.action = 'na.exclude') goes through model.frame and gives survfit's fit", {
  d <- strata_data()
  d$t[4] <- NA
  d$f[7] <- NA
  withr::local_options(na.action = "na.exclude")
  fit <- km(Surv(t, s) ~ f, d)
  ref <- survival::survfit(Surv(t, s) ~ f, d, conf.type = "log-log")
  expect_same_as_survfit(fit, ref, tolerance = 1e-10)
  expect_identical(fit$na.action, ref$na.action)
  expect_s3_class(fit$na.action, "exclude")
})

# ---- status codings ----------------------------------------------------------------

test_that("status coded 1/2 (lung) and TRUE/FALSE gives the same fit as 0/1", {
  lung <- survival::lung
  lung$s01 <- lung$status - 1
  lung$slg <- lung$status == 2
  for (ct in c("log-log", "plain")) {
    ref01 <- km(Surv(time, s01) ~ sex, lung, conf.type = ct)
    expect_identical_fits(km(Surv(time, status) ~ sex, lung, conf.type = ct), ref01,
                          label = paste("1/2", ct))
    expect_identical_fits(km(Surv(time, slg) ~ sex, lung, conf.type = ct), ref01,
                          label = paste("TRUE/FALSE", ct))
    expect_identical_fits(km(Surv(time, status - 1) ~ sex, lung, conf.type = ct), ref01,
                          label = paste("expression", ct))
  }
  # hand-worked: 1/2 with every subject an event (all 2) is all events
  d <- data.frame(t = c(1, 2, 3), s = c(2, 2, 2))
  expect_equal(km(Surv(t, s) ~ 1, d)$surv, c(2 / 3, 1 / 3, 0), tolerance = 1e-12)
  # ... and all 1 is read as 0/1 coding (all events), as survival::Surv() does
  d$s <- c(1, 1, 1)
  expect_equal(km(Surv(t, s) ~ 1, d)$surv, c(2 / 3, 1 / 3, 0), tolerance = 1e-12)
  expect_equal(survival::survfit(Surv(t, s) ~ 1, d)$surv, c(2 / 3, 1 / 3, 0), tolerance = 1e-12)
})

# ---- forms of Surv() ---------------------------------------------------------------

test_that("Surv() with named arguments equals survfit", {
  d <- strata_data()
  d$a <- c(0, 1, 0, 2, 0, 0, 1, 3, 0, 1, 2, 0)
  forms <- list(Surv(time = t, event = s) ~ f,
                Surv(event = s, time = t) ~ f,
                Surv(t, event = s) ~ lg,
                Surv(time = a, time2 = t, event = s) ~ 1,
                Surv(time2 = t, event = s, time = a) ~ ch)
  for (f in forms) {
    fit <- km(f, d)
    ref <- survival::survfit(f, d, conf.type = "log-log")
    expect_same_as_survfit(fit, ref, tolerance = 1e-10, label = deparse1(f))
  }
  expect_identical(km(Surv(time = a, time2 = t, event = s) ~ 1, d)$type, "counting")
  expect_identical_fits(km(Surv(event = s, time = t) ~ f, d), km(Surv(t, s) ~ f, d))
})

test_that("Surv(type = 'interval') and Surv(origin =) are refused", {
  d <- strata_data()
  d$t2 <- d$t + 1
  expect_error(km(Surv(t, t2, s, type = "interval") ~ 1, d),
               "`formula`: only right-censored or counting-process data.*got `type = \"interval\"`")
  expect_error(km(Surv(t, t2, type = "interval2") ~ 1, d), "got `type = \"interval2\"`")
  expect_error(km(Surv(t, s, origin = 2) ~ f, d),
               "`formula`: the `origin` argument of `Surv\\(\\)` is not supported")
  # the defaults, written out, are accepted
  expect_identical_fits(km(Surv(t, s, type = "right") ~ f, d), km(Surv(t, s) ~ f, d))
  expect_identical_fits(km(Surv(t, s, origin = 0) ~ f, d), km(Surv(t, s) ~ f, d))
})

test_that("a Surv object built beforehand works as the response", {
  d <- strata_data()
  y <- survival::Surv(d$t, d$s)
  fit <- km(y ~ 1)
  expect_same_as_survfit(fit, survival::survfit(y ~ 1, conf.type = "log-log"), tolerance = 1e-10)
  expect_identical_fits(fit, km(Surv(t, s) ~ 1, d))
  # with the grouping variable taken from data
  fit <- km(y ~ f, data = d)
  expect_same_as_survfit(fit, survival::survfit(y ~ f, data = d, conf.type = "log-log"),
                         tolerance = 1e-10)
  expect_identical(names(fit$strata), c("f=b", "f=a"))
  # status 1/2 converted by Surv() itself
  y12 <- survival::Surv(d$t, d$s + 1)
  expect_identical_fits(km(y12 ~ 1), km(y ~ 1))
  # counting process
  a <- c(0, 1, 0, 2, 0, 0, 1, 3, 0, 1, 2, 0)
  yc <- survival::Surv(a, d$t, d$s)
  fit <- km(yc ~ f, data = d)
  expect_identical(fit$type, "counting")
  expect_same_as_survfit(fit, survival::survfit(yc ~ f, data = d, conf.type = "log-log"),
                         tolerance = 1e-10)
})

test_that("a Surv object with a factor status or of another type is refused", {
  d <- strata_data()
  st <- factor(c(0, 1, 2, 1, 0, 2, 1, 0, 1, 2, 0, 1), labels = c("censor", "death", "relapse"))
  ym <- survival::Surv(d$t, st)
  expect_error(km(ym ~ 1), "`formula`: the status is a factor \\(competing or multiple events\\); use cif\\(\\)")
  ymc <- survival::Surv(rep(0, 12), d$t, st)
  expect_error(km(ymc ~ 1), "status is a factor.*use cif\\(\\)")
  yi <- survival::Surv(d$t, d$t + 1, type = "interval2")
  expect_error(km(yi ~ 1), "`formula`: only right-censored or counting-process data are supported")
  yl <- survival::Surv(d$t, d$s, type = "left")
  expect_error(km(yl ~ 1), "only right-censored or counting-process data are supported")
})

test_that("an unused argument in ... is refused, naming it", {
  d <- strata_data()
  expect_error(km(Surv(t, s) ~ 1, d, conf.int = 0.9), "km\\(\\): unused argument: `conf.int`")
  expect_error(km(Surv(t, s) ~ 1, d, foo = 1, ctype = 2), "unused arguments: `foo`, `ctype`")
  expect_error(km(Surv(t, s) ~ 1, d, se.fit = TRUE), "unused argument: `se.fit`")
})

test_that("survfit's id = and cluster = given as column names are refused with the hint", {
  # as survfit users write them: a column of `data`, not a value
  d <- strata_data()
  d$pid <- seq_len(nrow(d))
  expect_error(km(Surv(t, s) ~ 1, d, id = pid),
               "km\\(\\): unused argument: `id` \\(not supported by km\\(\\)\\)")
  expect_error(km(Surv(t, s) ~ 1, d, cluster = pid),
               "km\\(\\): unused argument: `cluster` \\(not supported by km\\(\\)\\)")
})

# ---- snapshots of the messages ------------------------------------------------------

test_that("messages for unsupported Surv() forms and unused arguments (snapshots)", {
  d <- strata_data()
  expect_snapshot(km(Surv(t, s) ~ 1, d, conf.int = 0.9), error = TRUE)
  expect_snapshot(km(Surv(t, s) ~ 1, d, conf.int = 0.9, ctype = 1, foo = 1), error = TRUE)
  expect_snapshot(km(Surv(t, s, origin = 2) ~ 1, d), error = TRUE)
  expect_snapshot(km(Surv(t, t + 1, type = "interval2") ~ 1, d), error = TRUE)
  st <- factor(c(0, 1, 2, 1, 0, 2, 1, 0, 1, 2, 0, 1), labels = c("censor", "death", "relapse"))
  ym <- survival::Surv(d$t, st)
  expect_snapshot(km(ym ~ 1), error = TRUE)
})
