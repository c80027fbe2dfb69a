# Bad input: every error names the argument and, for data problems, the
# offending rows by the data's own row labels.

check_data <- function() {
  d <- data.frame(t = c(1, 2, 3, 4, 5), s = c(1, 0, 1, 1, 0),
                  g = c("a", "a", "b", "b", "b"), w = c(1, 2, 1, 1, 1))
  row.names(d) <- paste0("pt", 1:5)
  d
}

# The same error through the fast route (columns) and the model.frame route
# (an expression in Surv()); the model.frame route with subset= is checked
# case by case at the end of this file.
expect_error_all_routes <- function(d, regexp, ...) {
  expect_error(km(Surv(t, s) ~ g, d, ...), regexp = regexp, label = "fast route")
  expect_error(km(Surv(t * 1, s) ~ g, d, ...), regexp = regexp, label = "model.frame route")
}

test_that("negative times are refused, naming the rows", {
  d <- check_data()
  d$t[2] <- -1
  expect_error_all_routes(d, "`formula`: times must not be negative; row pt2 \\(-1\\)")
  d$t[c(2, 4)] <- c(-1, -2)
  expect_error(km(Surv(t, s) ~ 1, d), "times must not be negative; rows pt2, pt4")
  # unnamed rows are numbered
  d <- check_data()
  row.names(d) <- NULL
  d$t[3] <- -0.5
  expect_error(km(Surv(t, s) ~ 1, d), "times must not be negative; row 3 ")
})

test_that("infinite times are refused, naming the rows", {
  d <- check_data()
  d$t[c(2, 4)] <- c(Inf, -Inf)
  expect_error_all_routes(d, "`formula`: the \\(stop\\) time must be finite; rows pt2, pt4")
})

test_that("status other than 0/1, TRUE/FALSE or 1/2 is refused and points to cif()", {
  d <- check_data()
  d$s <- c(0, 1, 3, 1, 0)
  expect_error_all_routes(d, "`formula`: the status must be 0/1.*row pt3 has status 3.*cif\\(\\)")
  d$s <- c(0, 1, 0.5, 1, 0)
  expect_error(km(Surv(t, s) ~ 1, d), "status must be 0/1.*row pt3 has status 0.5")
  d$s <- c(0, 1, -1, 1, 0)
  expect_error(km(Surv(t, s) ~ 1, d), "status must be 0/1.*row pt3 has status -1")
})

test_that("a 0/1/2 status (competing events) is refused, naming the status-2 rows", {
  d <- check_data()
  d$s <- c(0, 1, 2, 1, 0)
  expect_error(km(Surv(t, s) ~ 1, d), "`formula`: .*status.*cif\\(\\)")
  # the offending rows are those with status 2, and the value reported is 2
  expect_error(km(Surv(t, s) ~ 1, d), "row pt3 has status 2")
})

test_that("a factor or character status is refused and points to cif()", {
  d <- check_data()
  d$s <- factor(c("censor", "death", "relapse", "death", "censor"))
  expect_error_all_routes(d, "`formula`: the status in `Surv\\(\\)` is a factor.*cif\\(\\)")
  d$s <- c("0", "1", "1", "1", "0")
  expect_error(km(Surv(t, s) ~ 1, d), "the status in `Surv\\(\\)` is a character")
})

test_that("non-numeric times are refused", {
  d <- check_data()
  d$t <- as.character(d$t)
  expect_error(km(Surv(t, s) ~ 1, d), "`formula`: the time in `Surv\\(\\)` must be numeric; got character")
})

test_that("counting-process data with start >= stop is refused, naming the rows", {
  d <- data.frame(a = c(0, 1, 2, 3), b = c(1, 1, 4, 2), s = c(1, 0, 1, 1),
                  row.names = c("r1", "r2", "r3", "r4"))
  msg <- "`formula`: the start time must be before the stop time; rows r2, r4"
  expect_error(km(Surv(a, b, s) ~ 1, d), msg)
  expect_error(km(Surv(a * 1, b, s) ~ 1, d), msg)
  d$b[2] <- 0.5
  expect_error(km(Surv(a, b, s) ~ 1, d), "start time must be before the stop time; rows r2, r4")
  d <- data.frame(a = c(0, -1, 2), b = c(1, 2, 4), s = c(1, 0, 1))
  expect_error(km(Surv(a, b, s) ~ 1, d), "`formula`: start times must not be negative; row 2")
})

test_that("empty data and data emptied by missing values are refused", {
  d <- check_data()
  expect_error(km(Surv(t, s) ~ 1, d[0, ]), "`data` has no rows")
  d$t[] <- NA
  expect_error(km(Surv(t, s) ~ 1, d),
               "no observations left to analyse after removing 5 rows with missing values")
  d <- check_data()
  d$g[] <- NA
  expect_error(km(Surv(t, s) ~ g, d), "no observations left.*5 rows with missing values")
})

test_that("an unknown conf.type is refused with the list of valid names", {
  d <- check_data()
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = "loglog"),
               paste0("`conf.type` must be one of ", paste0("\"", c("arcsin", "bootstrap", "borkowf", "borkowf-shrunk", "bpcp", "bpcp-midp", "cp-neff", "likelihood-ratio", "log", "log-log", "logit", "peto", "plain", "rothman", "wilson-neff"), "\"", collapse = ", "), ", \"none\"; got \"loglog\""),
               fixed = TRUE)
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = c("log", "plain")),
               "`conf.type` must be a single string")
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = NA), "`conf.type` must be a single string")
  # every name listed for km() is accepted
  m <- ci_methods()
  for (ct in c(m$conf.type[m$km], "none")) {
    expect_s3_class(km(Surv(t, s) ~ 1, d, conf.type = ct), "smallsurv_km")
  }
})

test_that("conf.level outside (0, 1) or not a number is refused", {
  d <- check_data()
  for (bad in list(0, 1, 1.5, 95, -0.5, "a", NA, c(0.9, 0.95), NULL)) {
    expect_error(km(Surv(t, s) ~ 1, d, conf.level = bad),
                 "`conf.level` must be a single number strictly between 0 and 1; got",
                 label = deparse1(bad))
  }
  expect_error(km(Surv(t, s) ~ 1, d, conf.level = 1.5), "got 1.5\\.")
  expect_error(km(Surv(t, s) ~ 1, d, conf.level = "a"), "got \"a\"\\.")
  # checked even when no interval is asked for
  expect_error(km(Surv(t, s) ~ 1, d, conf.type = "none", conf.level = 2), "`conf.level`")
})

test_that("negative, infinite and non-numeric weights are refused", {
  d <- check_data()
  d$w[3] <- -1
  expect_error(km(Surv(t, s) ~ 1, d, weights = w), "`weights` must not be negative; row pt3 \\(-1\\)")
  expect_error(km(Surv(t, s) ~ 1, d, weights = w * 1), "`weights` must not be negative; row pt3")
  d <- check_data()
  d$w[c(2, 5)] <- Inf
  expect_error(km(Surv(t, s) ~ 1, d, weights = w), "`weights` must be finite; rows pt2, pt5")
  d$w <- letters[1:5]
  expect_error(km(Surv(t, s) ~ 1, d, weights = w), "`weights` must be numeric; got character")
  d$w <- factor(letters[1:5])
  expect_error(km(Surv(t, s) ~ 1, d, weights = w), "`weights` must be numeric; got factor")
})

test_that("na.action = na.fail names the rows and variables with missing values", {
  d <- check_data()
  d$t[c(2, 4)] <- NA
  expect_error(km(Surv(t, s) ~ 1, d, na.action = na.fail),
               "`na.action = na.fail`: missing values in `Surv\\(t, s\\)` at rows pt2, pt4")
  d <- check_data()
  d$g[3] <- NA
  expect_error(km(Surv(t, s) ~ g, d, na.action = na.fail),
               "`na.action = na.fail`: missing values in `g` at row pt3")
  expect_error(km(Surv(t, s) ~ g, d, na.action = "na.fail"), "missing values in `g` at row pt3")
  # without missing values na.fail is harmless
  expect_s3_class(km(Surv(t, s) ~ g, check_data(), na.action = na.fail), "smallsurv_km")
  expect_error(km(Surv(t, s) ~ g, check_data(), na.action = 3),
               "`na.action` must be a function")
})

test_that("data that is not a data frame is refused", {
  d <- check_data()
  expect_error(km(Surv(t, s) ~ 1, as.list(d)),
               "`data` must be a data frame; got an object of class list")
  expect_error(km(Surv(t, s) ~ 1, as.matrix(d[1:2])),
               "`data` must be a data frame; got an object of class matrix/array")
})

test_that("a missing, one-sided or non-Surv formula is refused", {
  d <- check_data()
  expect_error(km(data = d), "`formula` is required, e.g. `Surv\\(time, status\\) ~ 1`")
  expect_error(km(), "`formula` is required")
  expect_error(km(~ g, d), "`formula` must be a two-sided formula .*; got ~g")
  expect_error(km("Surv(t, s) ~ g", d), "`formula` must be a two-sided formula")
  expect_error(km(t ~ g, d), "`formula`: the left-hand side must be `Surv\\(time, status\\)`.*; got t\\.")
  expect_error(km(Surv(t) ~ g, d), "`formula`: `Surv\\(\\)` needs a status")
  expect_error(km(Surv(t, s, type = "left") ~ g, d), "`formula`: only right-censored.*\"left\"")
})

test_that("interaction terms in the formula are refused", {
  d <- check_data()
  d$h <- c("x", "y", "x", "y", "x")
  msg <- "`formula`: interaction terms are not allowed"
  expect_error(km(Surv(t, s) ~ g * h, d), msg)
  expect_error(km(Surv(t, s) ~ g:h, d), msg)
  expect_error(km(Surv(t, s) ~ g + g:h, d), msg)
})

test_that("timefix and robust must be TRUE or FALSE", {
  d <- check_data()
  expect_error(km(Surv(t, s) ~ g, d, timefix = NA), "`timefix` must be TRUE or FALSE; got NA")
  expect_error(km(Surv(t, s) ~ g, d, timefix = "yes"), "`timefix` must be TRUE or FALSE")
  expect_error(km(Surv(t, s) ~ g, d, robust = "yes"), "`robust` must be TRUE or FALSE; got \"yes\"")
  expect_error(km(Surv(t, s) ~ g, d, robust = c(TRUE, FALSE)), "`robust` must be TRUE or FALSE")
})

test_that("intervals that timefix merges to length 0 are refused, naming the row", {
  d <- data.frame(a = c(0, 1, 2, 3), b = c(1, 1 + 1e-12, 4, 5), s = c(1, 0, 1, 1))
  expect_error(km(Surv(a, b, s) ~ 1, d), "timefix.*row 2")
  # survfit refuses the same data
  expect_error(survival::survfit(Surv(a, b, s) ~ 1, d))
  expect_s3_class(km(Surv(a, b, s) ~ 1, d, timefix = FALSE), "smallsurv_km")
})

# ---- snapshots of the full messages ---------------------------------------------

test_that("error messages read well (snapshots)", {
  d <- check_data()
  dn <- d
  dn$t[c(2, 4)] <- c(-1, -3)
  expect_snapshot(km(Surv(t, s) ~ 1, dn), error = TRUE)
  dc <- data.frame(a = c(0, 1, 2, 3), b = c(1, 1, 4, 2), s = c(1, 0, 1, 1))
  expect_snapshot(km(Surv(a, b, s) ~ 1, dc), error = TRUE)
  expect_snapshot(km(Surv(t, s) ~ 1, d, conf.type = "loglog"), error = TRUE)
  expect_snapshot(km(Surv(t, s) ~ 1, d, conf.level = 95), error = TRUE)
  dn <- d
  dn$w[3] <- -1
  expect_snapshot(km(Surv(t, s) ~ 1, dn, weights = w), error = TRUE)
  dn <- d
  dn$g[c(1, 3)] <- NA
  expect_snapshot(km(Surv(t, s) ~ g, dn, na.action = na.fail), error = TRUE)
  dn <- d
  dn$t[] <- NA
  expect_snapshot(km(Surv(t, s) ~ 1, dn), error = TRUE)
  expect_snapshot(km(~ g, d), error = TRUE)
})

# ---- the same messages through subset= (the model.frame route) ----------------

subset_cases <- function() {
  d <- check_data()
  keep <- rep(TRUE, nrow(d))
  neg <- d; neg$t[2] <- -1
  inf <- d; inf$t[c(2, 4)] <- c(Inf, -Inf)
  st3 <- d; st3$s <- c(0, 1, 3, 1, 0)
  fac <- d; fac$s <- factor(c("censor", "death", "relapse", "death", "censor"))
  nas <- d; nas$g[] <- NA
  wneg <- d; wneg$w[3] <- -1
  wchr <- d; wchr$w <- letters[1:5]
  cp <- data.frame(a = c(0, 1, 2, 3), b = c(1, 1, 4, 2), s = c(1, 0, 1, 1),
                   row.names = c("r1", "r2", "r3", "r4"))
  list(
    "negative time" = list(function() km(Surv(t, s) ~ g, neg, subset = keep),
                           "times must not be negative; row pt2"),
    "infinite time" = list(function() km(Surv(t, s) ~ g, inf, subset = keep),
                           "time must be finite; rows pt2, pt4"),
    "status 3" = list(function() km(Surv(t, s) ~ g, st3, subset = keep),
                      "status must be 0/1.*row pt3 has status 3.*cif\\(\\)"),
    "factor status" = list(function() km(Surv(t, s) ~ g, fac, subset = keep),
                           "status in `Surv\\(\\)` is a factor.*cif\\(\\)"),
    "start >= stop" = list(function() km(Surv(a, b, s) ~ 1, cp, subset = rep(TRUE, 4)),
                           "start time must be before the stop time; rows r2, r4"),
    "all rows NA" = list(function() km(Surv(t, s) ~ g, nas, subset = keep),
                         "no observations left.*5 rows with missing values"),
    "negative weight" = list(function() km(Surv(t, s) ~ g, wneg, weights = w, subset = keep),
                             "`weights` must not be negative; row pt3"),
    "character weights" = list(function() km(Surv(t, s) ~ g, wchr, weights = w, subset = keep),
                               "`weights` must be numeric; got character")
  )
}

for (case in names(subset_cases())) {
  test_that(paste0("subset= (model.frame route) gives the same message: ", case), {
    cs <- subset_cases()[[case]]
    expect_error(cs[[1]](), regexp = cs[[2]])
  })
}
