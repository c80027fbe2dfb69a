# The example data set `rrall`: its documented shape, the order of its
# dates, and EFS/OS recomputed from the dates with the documented rules.

rr <- function() smallsurv::rrall

days_to_months <- function(to, from) as.numeric(to - from) / 30.4375

test_that("rrall has 25 rows and the documented columns and classes", {
  d <- rr()
  expect_s3_class(d, "data.frame")
  expect_identical(nrow(d), 25L)
  expect_named(d, c("id", "dose", "enrolled", "cutoff", "response", "mrd_negative",
                    "relapse_date", "hsct_date", "cart_date", "death_date", "last_contact",
                    "efs_time", "efs_status", "os_time", "os_status"))
  expect_identical(d$id, sprintf("P%02d", 1:25))
  expect_s3_class(d$dose, "factor")
  expect_identical(levels(d$dose), c("DL1", "DL2"))
  expect_identical(as.vector(table(d$dose)), c(9L, 16L))
  expect_s3_class(d$response, "factor")
  expect_identical(levels(d$response), c("CR", "CRi", "PR", "NR"))
  expect_type(d$mrd_negative, "logical")
  expect_false(anyNA(d$mrd_negative))
  for (v in c("enrolled", "cutoff", "relapse_date", "hsct_date", "cart_date", "death_date",
              "last_contact")) {
    expect_s3_class(d[[v]], "Date")
  }
  expect_type(d$efs_time, "double")
  expect_type(d$os_time, "double")
  expect_type(d$efs_status, "integer")
  expect_type(d$os_status, "integer")
  expect_true(all(d$efs_status %in% 0:1) && all(d$os_status %in% 0:1))
  for (v in c("id", "dose", "enrolled", "cutoff", "response", "last_contact", "efs_time",
              "efs_status", "os_time", "os_status")) {
    expect_false(anyNA(d[[v]]), label = v)
  }
})

test_that("rrall's enrolment and cut-off are as documented", {
  d <- rr()
  expect_identical(unique(d$cutoff), as.Date("2023-05-15"))
  expect_identical(range(d$enrolled), as.Date(c("2022-01-10", "2023-04-28")))
  # about 16 months of accrual
  span <- days_to_months(max(d$enrolled), min(d$enrolled))
  expect_gt(span, 15)
  expect_lt(span, 17)
  # dose escalation (DL1) enrolled first
  expect_lte(max(d$enrolled[d$dose == "DL1"]), min(d$enrolled[d$dose == "DL2"]))
  expect_false(is.unsorted(d$enrolled))
})

test_that("rrall's dates are in the documented order", {
  d <- rr()
  lt <- function(a, b) all(a < b, na.rm = TRUE)
  le <- function(a, b) all(a <= b, na.rm = TRUE)
  # enrolled < HSCT, CAR-T, relapse < death <= last contact <= cut-off
  for (v in c("hsct_date", "cart_date", "relapse_date", "death_date")) {
    expect_true(lt(d$enrolled, d[[v]]), label = paste("enrolled <", v))
    expect_true(le(d[[v]], d$last_contact), label = paste(v, "<= last_contact"))
  }
  for (v in c("hsct_date", "cart_date", "relapse_date")) {
    expect_true(lt(d[[v]], d$death_date), label = paste(v, "< death_date"))
  }
  expect_true(all(d$enrolled < d$last_contact))
  expect_true(all(d$last_contact <= d$cutoff))
  # last contact is the death date for those who died ...
  died <- !is.na(d$death_date)
  expect_identical(d$last_contact[died], d$death_date[died])
  # ... and an earlier last contact without a death means lost to follow-up
  lost <- !died & d$last_contact < d$cutoff
  expect_gte(sum(lost), 1)
  # induction failures were never in remission: no relapse, no MRD negativity
  fail <- d$response %in% c("PR", "NR")
  expect_true(all(is.na(d$relapse_date[fail])))
  expect_false(any(d$mrd_negative[fail]))
  # some relapse after HSCT or CAR-T
  expect_true(any(d$relapse_date > d$hsct_date | d$relapse_date > d$cart_date, na.rm = TRUE))
})

test_that("EFS and OS equal their documented definitions recomputed from the dates", {
  d <- rr()
  fail <- d$response %in% c("PR", "NR")
  efs_time <- efs_status <- os_time <- os_status <- numeric(nrow(d))
  for (i in seq_len(nrow(d))) {
    if (fail[i]) {
      # induction failure: an event at time 0 exactly
      efs_time[i] <- 0
      efs_status[i] <- 1
    } else {
      ev <- c(d$relapse_date[i], d$death_date[i])
      ev <- ev[!is.na(ev)]
      if (length(ev)) {
        efs_time[i] <- days_to_months(min(ev), d$enrolled[i])
        efs_status[i] <- 1
      } else {
        efs_time[i] <- days_to_months(d$last_contact[i], d$enrolled[i])
        efs_status[i] <- 0
      }
    }
    if (!is.na(d$death_date[i])) {
      os_time[i] <- days_to_months(d$death_date[i], d$enrolled[i])
      os_status[i] <- 1
    } else {
      os_time[i] <- days_to_months(d$last_contact[i], d$enrolled[i])
      os_status[i] <- 0
    }
  }
  expect_equal(d$efs_time, efs_time, tolerance = 1e-12)
  expect_equal(d$efs_status, as.integer(efs_status), tolerance = 1e-12)
  expect_equal(d$os_time, os_time, tolerance = 1e-12)
  expect_equal(d$os_status, as.integer(os_status), tolerance = 1e-12)
  # exactly 0, not a small positive time, for induction failures only
  expect_true(all(d$efs_time[fail] == 0))
  expect_true(all(d$efs_time[!fail] > 0))
  expect_true(all(d$efs_time <= d$os_time))
  # events and censorings at both dose levels, for EFS and OS
  for (s in c("efs_status", "os_status")) {
    expect_true(all(tapply(d[[s]], d$dose, function(x) any(x == 1) && any(x == 0))), label = s)
  }
})

test_that("median follow-up (reverse Kaplan-Meier) is between 6 and 10 months", {
  d <- rr()
  fu <- km(Surv(os_time, 1 - os_status) ~ 1, d)
  med <- glance(fu)$median
  expect_gt(med, 6)
  expect_lt(med, 10)
  ref <- survival::survfit(Surv(os_time, 1 - os_status) ~ 1, d)
  expect_equal(med, unname(quantile(ref, 0.5, conf.int = FALSE)), tolerance = 1e-12)
})
