# endpoints(): hand-worked times on six patients, the example cohort's
# derived columns rebuilt, and every refusal of an impossible record.

# Six patients, all enrolled on 2022-01-01; event days from enrolment:
#   A  CR   relapse 30, death 60
#   B  NR   (induction failure) CAR-T 40, alive at 100
#   C  CR   HSCT 20, relapse 50, alive at 200
#   D  CR   nothing, lost at 90
#   E  CRi  HSCT 45 and death 45 (same day)
#   F  CR   CAR-T 10 and relapse 10 (same day), alive at 70
ep_data <- function() {
  o <- as.Date("2022-01-01")
  day <- function(x) o + x
  data.frame(
    id = c("A", "B", "C", "D", "E", "F"),
    response = c("CR", "NR", "CR", "CR", "CRi", "CR"),
    enrolled = rep(o, 6),
    response_date = day(c(10, NA, 14, 10, 30, 7)),
    relapse_date = day(c(30, NA, 50, NA, NA, 10)),
    hsct_date = day(c(NA, NA, 20, NA, 45, NA)),
    cart_date = day(c(NA, 40, NA, NA, NA, 10)),
    death_date = day(c(60, NA, NA, NA, 45, NA)),
    last_contact = day(c(60, 100, 200, 90, 45, 70)),
    stringsAsFactors = FALSE
  )
}
m <- function(days) days / 30.4375

test_that("EFS: induction failure at time 0, relapse or death, else last contact", {
  e <- endpoints(ep_data(), "efs", induction_failure = response %in% c("PR", "NR"))
  expect_s3_class(e, "smallsurv_endpoints")
  expect_named(e, c("id", "origin", "date", "time", "status", "reason"))
  expect_equal(e$time, m(c(30, 0, 50, 90, 45, 10)), tolerance = 1e-12)
  expect_identical(e$time[2], 0)
  expect_identical(e$status, c(1L, 1L, 1L, 0L, 1L, 1L))
  expect_identical(e$reason, c("relapse", "induction failure", "relapse", "last contact",
                               "death", "relapse"))
  expect_identical(e$date, as.Date("2022-01-01") + c(30, 0, 50, 90, 45, 10))
  expect_identical(attr(e, "endpoint"), "efs")
  expect_identical(attr(e, "unit"), "months")
  expect_match(attr(e, "definition"), "induction failure \\(an event at time 0\\)")
  # the flag may also be a column name or a constant
  d <- ep_data()
  d$failed <- d$response == "NR"
  expect_identical(endpoints(d, "efs", induction_failure = "failed")$time, e$time)
  expect_identical(endpoints(d, "efs", induction_failure = FALSE)$status,
                   c(1L, 0L, 1L, 0L, 1L, 1L))
})

test_that("OS, RFS and duration of response", {
  o <- endpoints(ep_data(), "os")
  expect_equal(o$time, m(c(60, 100, 200, 90, 45, 70)), tolerance = 1e-12)
  expect_identical(o$status, c(1L, 0L, 0L, 0L, 1L, 0L))
  r <- endpoints(ep_data(), "rfs", induction_failure = response %in% c("PR", "NR"))
  expect_identical(r$id, c("A", "C", "D", "E", "F"))
  expect_equal(r$time, m(c(30, 50, 90, 45, 10)), tolerance = 1e-12)
  expect_identical(r$status, c(1L, 1L, 0L, 1L, 1L))
  expect_identical(attr(r, "excluded"), c(B = "induction failure"))
  dor <- endpoints(ep_data(), "dor", origin = "response_date", unit = "days",
                   induction_failure = response %in% c("PR", "NR"))
  expect_identical(dor$time, c(20, 36, 80, 15, 3))
  expect_identical(dor$status, c(1L, 1L, 0L, 1L, 1L))
  expect_identical(dor$origin, ep_data()$response_date[-2])
})

test_that("without `id`, rows are numbered", {
  o <- endpoints(ep_data(), "os", id = NULL, unit = "days")
  expect_identical(o$row, as.character(1:6))
  bad <- ep_data(); bad$last_contact[3] <- NA
  expect_error(endpoints(bad, "os", id = NULL), "is missing for patient 3")
})

test_that("units: days, weeks, years", {
  d <- ep_data()
  expect_identical(endpoints(d, "os", unit = "days")$time, c(60, 100, 200, 90, 45, 70))
  expect_equal(endpoints(d, "os", unit = "weeks")$time, c(60, 100, 200, 90, 45, 70) / 7,
               tolerance = 1e-12)
  expect_equal(endpoints(d, "os", unit = "years")$time, c(60, 100, 200, 90, 45, 70) / 365.25,
               tolerance = 1e-12)
})

test_that("censoring at HSCT: events on the HSCT date still count", {
  e <- endpoints(ep_data(), "efs", induction_failure = response %in% c("PR", "NR"),
                 censor_at = "hsct", unit = "days")
  expect_identical(e$time, c(30, 0, 20, 90, 45, 10))
  expect_identical(e$status, c(1L, 1L, 0L, 0L, 1L, 1L))
  expect_identical(e$reason[3], "censored at HSCT")
  expect_match(attr(e, "definition"), "Sensitivity analysis: censored at HSCT")
})

test_that("competing first events: factor event, ties by the order of `events`", {
  cr <- endpoints(ep_data(), "competing", unit = "days")
  expect_named(cr, c("id", "origin", "date", "time", "event", "reason"))
  expect_identical(levels(cr$event), c("censored", "relapse", "HSCT", "CAR-T", "death"))
  expect_identical(as.character(cr$event),
                   c("relapse", "CAR-T", "HSCT", "censored", "HSCT", "relapse"))
  expect_identical(cr$time, c(30, 40, 20, 90, 45, 10))
  expect_identical(attr(cr, "ties"), c("E", "F"))
  cr2 <- endpoints(ep_data(), "competing", events = c("death", "cart", "relapse", "hsct"),
                   unit = "days")
  expect_identical(as.character(cr2$event)[5:6], c("death", "CAR-T"))
  # relapse and death competing, censored at HSCT and CAR-T (sensitivity analysis)
  s <- endpoints(ep_data(), "competing", events = c("relapse", "death"),
                 censor_at = c("hsct", "cart"), unit = "days")
  expect_identical(as.character(s$event),
                   c("relapse", "censored", "censored", "censored", "death", "relapse"))
  expect_identical(s$reason[2:4], c("censored at CAR-T", "censored at HSCT", "last contact"))
  expect_identical(s$time, c(30, 40, 20, 90, 45, 10))
  # induction failure as a competing event at time 0
  f <- endpoints(ep_data(), "competing", induction_failure = response %in% c("PR", "NR"),
                 events = c("induction_failure", "relapse", "death"))
  expect_identical(as.character(f$event)[2], "induction failure")
  expect_identical(f$time[2], 0)
})

test_that("the naive status (competing events as censoring) warns about its bias", {
  expect_warning(
    nv <- endpoints(ep_data(), "competing", competing = "censor", cause = "relapse",
                    unit = "days"),
    "3 competing first events .* overestimates the cumulative incidence of relapse")
  expect_identical(nv$status, c(1L, 0L, 0L, 0L, 0L, 1L))
  expect_identical(nv$reason[c(2, 3, 5)], c("CAR-T (competing, censored)",
                                            "HSCT (competing, censored)",
                                            "HSCT (competing, censored)"))
  expect_match(attr(nv, "definition"), "NAIVE")
  # on rrall, 1 - KM of it lies above the Aalen-Johansen incidence of relapse
  expect_warning(nr <- endpoints(rrall, "competing", competing = "censor", cause = "relapse"),
                 "overestimates")
  cr <- endpoints(rrall, "competing")
  aj <- survival::survfit(Surv(time, event) ~ 1, data = cr)
  naive <- survival::survfit(Surv(time, status) ~ 1, data = nr)
  t <- c(3, 6, 9)
  f_aj <- summary(aj, times = t)$pstate[, 2]
  f_naive <- 1 - summary(naive, times = t)$surv
  expect_true(all(f_naive >= f_aj - 1e-12))
  expect_true(any(f_naive > f_aj + 0.01))
})

test_that("a cut-off ignores later events, ends follow-up and leaves out later entrants", {
  d <- ep_data()
  cut <- as.Date("2022-01-01") + 58
  o <- endpoints(d, "os", cutoff = cut, unit = "days")
  expect_identical(o$time, c(58, 58, 58, 58, 45, 58))
  expect_identical(o$status, c(0L, 0L, 0L, 0L, 1L, 0L))
  expect_identical(o$reason[1], "cut-off")
  d$cut <- cut
  expect_identical(endpoints(d, "os", cutoff = "cut", unit = "days")$time, o$time)
  d$enrolled[4] <- cut + 1
  d$last_contact[4] <- cut + 30
  o2 <- endpoints(d, "os", cutoff = "cut", unit = "days")
  expect_identical(o2$id, c("A", "B", "C", "E", "F"))
  expect_identical(attr(o2, "excluded"), c(D = "origin after the cut-off"))
})

test_that("`ever` groups: only on request, with the immortal-time warning", {
  d <- ep_data()
  expect_silent(o <- endpoints(d, "os", unit = "days"))
  expect_false(any(grepl("^ever_", names(o))))
  expect_warning(o <- endpoints(d, "os", unit = "days", ever = c("hsct", "cart")),
                 "biased by immortal time.*mantel_byar_test")
  expect_identical(o$ever_hsct, c(FALSE, FALSE, TRUE, FALSE, TRUE, FALSE))
  expect_identical(o$ever_cart, c(FALSE, TRUE, FALSE, FALSE, FALSE, TRUE))
  expect_identical(o$time, endpoints(d, "os", unit = "days")$time)
  # a therapy after the cut-off is not "ever"; rows left out keep alignment
  cut <- as.Date("2022-01-01") + 30
  expect_warning(oc <- endpoints(d, "os", unit = "days", cutoff = cut, ever = "hsct"),
                 "ever_hsct")
  expect_identical(oc$ever_hsct, c(FALSE, FALSE, TRUE, FALSE, FALSE, FALSE))
  d2 <- d
  d2$enrolled[3] <- cut + 1
  d2$last_contact[3] <- cut + 300
  d2$hsct_date[3] <- cut + 20
  d2$relapse_date[3] <- cut + 50
  expect_warning(o2 <- endpoints(d2, "os", unit = "days", cutoff = cut, ever = "hsct"))
  expect_identical(o2$id, c("A", "B", "D", "E", "F"))
  expect_identical(o2$ever_hsct, rep(FALSE, 5))
  expect_error(endpoints(d, "os", ever = "relapse"), "`ever` must be NULL or any of")
  expect_error(endpoints(d, "multistate", ever = "hsct"), "does not apply")
  expect_error(endpoints(d, "os", hsct = NULL, ever = "hsct"), "needs the `hsct` date column")
  # the note in print() picks the grouping up
  suppressWarnings(e <- endpoints(d, "os", ever = "hsct"))
  out <- capture.output(print(km(Surv(time, status) ~ ever_hsct, data = e)))
  expect_true(any(grepl("immortal", out)))
})

test_that("first events are found for many patients at once (no per-patient loop)", {
  set.seed(3)
  n <- 5000
  o <- as.Date("2020-01-01")
  d <- data.frame(id = seq_len(n), enrolled = o,
                  relapse_date = o + ifelse(runif(n) < 0.4, sample(1:300, n, TRUE), NA),
                  hsct_date = o + ifelse(runif(n) < 0.3, sample(1:300, n, TRUE), NA),
                  cart_date = o + NA, death_date = o + NA)
  d$last_contact <- pmax(d$relapse_date, d$hsct_date, o + 310, na.rm = TRUE)
  e <- endpoints(d, "competing", events = c("relapse", "hsct"), unit = "days")
  r <- as.numeric(d$relapse_date - o)
  h <- as.numeric(d$hsct_date - o)
  first <- pmin(r, h, na.rm = TRUE)
  expect_identical(e$time, ifelse(is.na(first), 310, first))
  want <- ifelse(is.na(first), "censored", ifelse(!is.na(r) & r == first, "relapse", "HSCT"))
  expect_identical(as.character(e$event), want)
  expect_identical(attr(e, "ties"), as.character(which(!is.na(r) & !is.na(h) & r == h)))
})

test_that("endpoints() rebuilds rrall's EFS and OS exactly", {
  efs <- endpoints(rrall, "efs", induction_failure = response %in% c("PR", "NR"))
  os <- endpoints(rrall, "os")
  expect_identical(efs$id, rrall$id)
  expect_identical(efs$time, rrall$efs_time)
  expect_identical(efs$status, rrall$efs_status)
  expect_identical(os$time, rrall$os_time)
  expect_identical(os$status, rrall$os_status)
  # rrall's own cut-off changes nothing: every last contact is on or before it
  expect_identical(endpoints(rrall, "os", cutoff = "cutoff")$time, rrall$os_time)
  # and cif() accepts the competing first events as they come
  cr <- endpoints(rrall, "competing")
  fit <- cif(Surv(time, event) ~ 1, data = cr)
  expect_identical(fit$states, c("(s0)", "relapse", "HSCT", "CAR-T", "death"))
  expect_identical(as.vector(table(cr$event)), c(10L, 3L, 8L, 3L, 1L))
})

test_that("impossible records are refused, naming the patients", {
  d <- ep_data()
  bad <- d; bad$relapse_date[4] <- as.Date("2022-06-01")
  expect_error(endpoints(bad, "os"),
               "`relapse` \\(relapse_date\\) is after `last_contact` \\(last_contact\\) for patient D")
  bad <- d; bad$relapse_date[5] <- as.Date("2022-02-20")   # after death on day 45
  expect_error(endpoints(bad, "os"), "`relapse` .* is after `last_contact`|is after `death`")
  bad <- d; bad$relapse_date[1] <- as.Date("2022-03-05"); bad$last_contact[1] <- as.Date("2022-03-10")
  expect_error(endpoints(bad, "os"),
               "`relapse` \\(relapse_date\\) is after `death` \\(death_date\\) for patient A")
  bad <- d; bad$last_contact[5] <- as.Date("2022-03-01")
  expect_error(endpoints(bad, "os"), "`last_contact` .* is after `death` .* for patient E .*last known alive")
  bad <- d; bad$hsct_date[c(3, 5)] <- as.Date("2021-12-01")
  expect_error(endpoints(bad, "competing"),
               "`hsct` \\(hsct_date\\) is before `origin` \\(enrolled\\) for patients C \\(hsct 2021-12-01, origin 2022-01-01\\), E")
  bad <- d; bad$last_contact[2] <- as.Date("2021-12-31")
  expect_error(endpoints(bad, "os"), "`last_contact` .* is before `origin` .* for patient B")
  bad <- d; bad$enrolled[3] <- NA
  expect_error(endpoints(bad, "os"), "`origin` \\(enrolled\\) is missing for patient C")
  bad <- d; bad$last_contact[6] <- NA
  expect_error(endpoints(bad, "os"), "`last_contact` .* is missing for patient F")
  bad <- d; bad$id[5] <- "A"
  expect_error(endpoints(bad, "os"), "one row per patient; patient A appears more than once \\(rows 1, 5\\)")
  bad <- d; bad$id[2] <- NA
  expect_error(endpoints(bad, "os"), "`id` .* is missing in row 2")
  bad <- d; bad$death_date <- as.character(bad$death_date)
  expect_error(endpoints(bad, "os"), "`death` \\(column \"death_date\"\\) must be of class Date; got character")
  bad <- d; bad$response[4] <- NA
  expect_error(endpoints(bad, "efs", induction_failure = response == "NR"),
               "`induction_failure` is missing for patient D")
  # a CAR-T before the response date does not matter for the duration of response
  ok <- d; ok$cart_date[6] <- as.Date("2022-01-05")
  expect_silent(endpoints(ok, "dor", origin = "response_date",
                          induction_failure = response == "NR"))
  # ... but does when it is a censoring
  expect_error(endpoints(ok, "dor", origin = "response_date", censor_at = "cart",
                         induction_failure = response == "NR"),
               "`cart` .* is before `origin` \\(response_date\\) for patient F")
})

test_that("bad arguments are refused with the argument named", {
  d <- ep_data()
  expect_error(endpoints(as.list(d), "os"), "`data` must be a data frame")
  expect_error(endpoints(d, "pfs"), "`endpoint` must be one of \"efs\", \"os\"")
  expect_error(endpoints(d, "os", unit = "hours"), "`unit` must be one of")
  expect_error(endpoints(d, "efs"), "`induction_failure` is required for event-free survival")
  no_flag <- NULL
  expect_error(endpoints(d, "efs", induction_failure = no_flag), "is required for event-free")
  wrap <- function(data, flag) endpoints(data, "efs", induction_failure = flag)
  expect_identical(wrap(d, d$response == "NR")$status, c(1L, 1L, 1L, 0L, 1L, 1L))
  expect_error(endpoints(d, "efs", induction_failure = "resp"),
               "`induction_failure` names column \"resp\", which is not in `data`")
  expect_error(endpoints(d, "efs", induction_failure = response),
               "`induction_failure` must be a logical column")
  expect_error(endpoints(d, "dor", induction_failure = response == "NR"),
               "duration of response counts from the date of response")
  expect_error(endpoints(d, "os", cart = "car_t"),
               "`cart` names column \"car_t\", which is not in `data`; set `cart = NULL`")
  expect_error(endpoints(d, "competing", cart = NULL, events = c("relapse", "cart")),
               "uses CAR-T dates but `cart` is NULL")
  expect_identical(levels(endpoints(d, "competing", cart = NULL)$event),
                   c("censored", "relapse", "HSCT", "death"))
  expect_error(endpoints(d, "os", events = "death"), "`events` applies to endpoint \"competing\" only")
  expect_error(endpoints(d, "competing", events = c("relapse", "pcm")), "`events` must name distinct events")
  expect_error(endpoints(d, "competing", events = "induction_failure"),
               "includes \"induction_failure\" but `induction_failure` is NULL")
  expect_error(endpoints(d, "os", censor_at = "death"), "An event is never a censoring")
  expect_error(endpoints(d, "competing", censor_at = "hsct"),
               "\"hsct\" is also one of `events`")
  expect_error(endpoints(d, "competing", competing = "censor"), "`cause` must be one of `events`")
  expect_error(endpoints(d, "competing", cause = "relapse"), "only with `competing = \"censor\"`")
  expect_error(endpoints(d, "os", competing = "censor"), "apply to endpoint \"competing\" only")
  expect_error(endpoints(d, "os", cutoff = "2022-03-01"), "`cutoff` names column \"2022-03-01\"")
  expect_error(endpoints(d, "os", cutoff = 5), "`cutoff` must be NULL, a single Date")
})

test_that("error messages and printed output read well (snapshots)", {
  d <- ep_data()
  bad <- d; bad$relapse_date[c(2, 4)] <- as.Date("2022-12-01")
  expect_snapshot(endpoints(bad, "os"), error = TRUE)
  bad <- d; bad$id[c(3, 6)] <- "A"
  expect_snapshot(endpoints(bad, "os"), error = TRUE)
  bad <- d; bad$enrolled <- as.character(bad$enrolled)
  expect_snapshot(endpoints(bad, "os"), error = TRUE)
  expect_snapshot(endpoints(d, "efs"), error = TRUE)
  expect_snapshot(nv <- endpoints(d, "competing", competing = "censor", cause = "death"))
  expect_snapshot(print(endpoints(d, "competing", unit = "days")))
  expect_snapshot(print(endpoints(d, "rfs", induction_failure = response == "NR",
                                  censor_at = "hsct", cutoff = as.Date("2022-03-01"))))
})

test_that("multistate endpoint: rows from the dates, each number traceable, equal to survfit on them", {
  ms <- endpoints(rrall, "multistate")
  expect_s3_class(ms, "smallsurv_endpoints")
  expect_identical(levels(ms$state), c("censored", "HSCT", "CAR-T", "relapse", "death"))
  expect_identical(levels(ms$from), c("event-free", "HSCT", "CAR-T", "relapse"))
  # every patient's rows are contiguous from the origin to the last date
  for (p in unique(ms$id)) {
    r <- ms[ms$id == p, ]
    d <- rrall[rrall$id == p, ]
    expect_equal(r$start_date[1], d$enrolled)
    expect_equal(r$start_date[-1], r$stop_date[-nrow(r)])
    end <- if (!is.na(d$death_date)) d$death_date else d$last_contact
    expect_equal(r$stop_date[nrow(r)], end)
    expect_equal(as.character(r$from[-1]), as.character(r$state[-nrow(r)]))
  }
  # P01: relapse, then CAR-T (salvage: no transition), then death
  p1 <- ms[ms$id == "P01", ]
  expect_identical(as.character(p1$state), c("relapse", "death"))
  expect_equal(p1$tstop, as.numeric(c(as.Date("2022-09-01"), as.Date("2023-02-15")) -
                                      as.Date("2022-01-10")) / 30.4375)
  # P05: CAR-T, relapse, death
  expect_identical(as.character(ms$state[ms$id == "P05"]), c("CAR-T", "relapse", "death"))
  expect_output(print(ms), "25 patients, 43 rows; transitions:")
  f <- multistate(Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from)
  s <- survival::survfit(Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from)
  expect_equal(unclass(f$pstate), unclass(s$pstate), tolerance = 1e-12, ignore_attr = TRUE)
  expect_equal(unclass(f$std.err), unclass(s$std.err), tolerance = 1e-10, ignore_attr = TRUE)
  expect_identical(attr(ms, "unit"), "months")
})

test_that("multistate endpoint: same-date events, events at the origin, a cut-off, bad records", {
  d <- data.frame(id = c("a", "b", "c", "d"), enrolled = as.Date("2022-01-01"),
                  relapse_date = as.Date(c("2022-03-01", NA, NA, NA)),
                  hsct_date = as.Date(c("2022-03-01", "2022-01-01", NA, "2022-02-01")),
                  cart_date = as.Date(NA), death_date = as.Date(c(NA, NA, "2022-05-01", NA)),
                  last_contact = as.Date(c("2022-06-01", "2022-04-01", "2022-05-01",
                                           "2022-07-01")))
  ms <- endpoints(d, "multistate", unit = "days")
  # a: HSCT and relapse on one date -> relapse (listed in ties)
  expect_identical(as.character(ms$state[ms$id == "a"]), c("relapse", "censored"))
  expect_identical(attr(ms, "ties"), "a")
  # b: HSCT on the enrolment date -> starts in HSCT
  expect_identical(as.character(ms$from[ms$id == "b"]), "HSCT")
  expect_equal(ms$tstop[ms$id == "b"], 90)
  # c: death only
  expect_identical(as.character(ms$state[ms$id == "c"]), "death")
  f <- multistate(Surv(tstart, tstop, state) ~ 1, data = ms, id = id, istate = from)
  expect_equal(as.vector(f$p0), c(0.75, 0.25, 0, 0, 0))
  # cut-off: d's HSCT after it is ignored
  cut <- endpoints(d, "multistate", cutoff = as.Date("2022-01-15"), unit = "days")
  expect_identical(as.character(cut$state[cut$id == "d"]), "censored")
  expect_identical(cut$reason[cut$id == "d"], "cut-off")
  bad <- d
  bad$hsct_date[3] <- as.Date("2022-06-01")
  expect_error(endpoints(bad, "multistate"), "is after .* for patient c")
  expect_error(endpoints(d, "multistate", censor_at = "hsct"), "do not apply to endpoint")
  expect_error(endpoints(d, "multistate", events = "induction_failure"), "`events` must name")
})
