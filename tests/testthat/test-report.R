# The R Markdown template drafts and renders on the example cohort, and
# report() renders it in one call with parameters passed through. The
# HTML must contain every section.

sections <- c("Cohort and follow-up", "Follow-up", "Response rates",
              "Event-free and overall survival", "Event-free survival", "Overall survival",
              "Cumulative incidence of relapse", "Restricted mean survival time",
              "Maturity: where the curves stop being readable", "Methods")

headings <- function(html) {
  txt <- paste(readLines(html, warn = FALSE), collapse = " ")
  h <- regmatches(txt, gregexpr("<h[1-3][^>]*>.*?</h[1-3]>", txt, perl = TRUE))[[1]]
  h <- gsub("\\s+", " ", gsub("<[^>]+>", "", h))
  trimws(sub("^ *[0-9.]+ ", "", h))
}

# a section whose function exists must have been computed
expect_computed <- function(html) {
  for (f in c("followup", "response_table", "rmst", "maturity")) {
    if (exists(f, envir = asNamespace("smallsurv"), inherits = FALSE)) {
      expect_false(grepl(paste0("needs\\s+<code>", f, "\\(\\)</code>"), html), info = f)
    }
  }
}

test_that("the template drafts and renders with default parameters", {
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir()
  withr::local_dir(dir)
  f <- rmarkdown::draft("cohort.Rmd", template = "small-cohort-report", package = "smallsurv",
                        edit = FALSE)
  expect_true(file.exists("cohort.Rmd"))
  out <- rmarkdown::render(f, quiet = TRUE, envir = new.env(parent = globalenv()))
  h <- headings(out)
  for (s in sections) expect_true(s %in% h, info = s)
  html <- gsub("\\s+", " ", paste(readLines(out, warn = FALSE), collapse = " "))
  has_text <- function(s) grepl(s, html, fixed = TRUE)
  expect_true(has_text("simulated cohort shipped with smallsurv"))
  expect_true(has_text("log-log (Kalbfleisch-Prentice)"))
  expect_true(has_text("test of equal cumulative incidence across dose levels"))
  expect_computed(html)
  # consolidation as a time-dependent exposure, never as a fixed group
  expect_true("Consolidation (HSCT or CAR-T) as a time-dependent exposure" %in% h)
  expect_true(has_text("Mantel-Byar test of consolidation as a time-dependent exposure"))
  expect_true(has_text("immortal time"))
  expect_true(has_text("Simon-Makuch"))
  # the multi-state section: state occupation, with the patients still followed
  expect_true("Where the patients are over time" %in% h)
  expect_true(has_text("Probability of each state"))
  expect_true(has_text("patients followed"))
  expect_true(has_text("Aalen-Johansen estimator of a multi-state model"))
})

test_that("report() renders in one call, passes parameters and returns the path", {
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir()
  target <- file.path(dir, "sub", "rep.html")
  d <- rrall
  names(d)[names(d) == "dose"] <- "arm"
  names(d)[names(d) == "id"] <- "pid"  # an id column of another name
  res <- withVisible(report(d, target, group = "arm", conf_type = "log", landmarks = c(2, 4),
                            id = "pid"))
  expect_false(res$visible)
  expect_identical(res$value, normalizePath(target))
  h <- headings(target)
  for (s in sections) expect_true(s %in% h, info = s)
  html <- gsub("\\s+", " ", paste(readLines(target, warn = FALSE), collapse = " "))
  has_text <- function(s) grepl(s, html, fixed = TRUE)
  expect_true(grepl("pointwise log confidence intervals", html, fixed = TRUE))
  expect_true(grepl("across\\s+arm\\s+levels", html))
  expect_false(has_text("simulated cohort shipped"))
  expect_computed(html)
  txt <- gsub("\\s+", " ", gsub("<[^>]+>", " ", html))
  expect_true(grepl("OS 12 6 4 0.16 0.69", txt, fixed = TRUE))  # Mantel-Byar, keyed by pid
  # the temporary copy of the template is gone; only the report was written
  expect_identical(list.files(dirname(target)), "rep.html")
})

test_that("report() refuses unknown parameters and a missing output file", {
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  expect_snapshot(error = TRUE, {
    report(output_file = tempfile(), conf.type = "log", taus = 3)
    report()
    report(output_file = tempfile(), data = 1:3)
  })
})

# ---- report() on other cohorts (#14) ------------------------------------------

render_text <- function(...) {
  target <- file.path(withr::local_tempdir(.local_envir = parent.frame()), "r.html")
  report(output_file = target, ...)
  gsub("\\s+", " ", paste(readLines(target, warn = FALSE), collapse = " "))
}

test_that("report() renders data with follow-up times instead of dates (survival::aml)", {
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  html <- render_text(survival::aml, time = "time", status = "status", group = "x",
                      unit = "weeks", endpoint = "Remission duration")
  has <- function(s) grepl(s, html, fixed = TRUE)
  expect_true(has("The cohort has <strong>23 patients</strong> in 2 groups of x"))
  expect_true(has("Remission duration: 18 events among 23 patients."))
  expect_true(has("Log-rank test across x levels: p ="))
  # sections without their data say why; defaults that do not fit are named
  expect_true(has("the data have no column of best response"))
  expect_true(has("no column of competing first events"))
  expect_true(has("The data have no column <code>id</code> (parameter <code>id</code>)"))
  expect_true(has("Remission duration was analysed from the follow-up times"))
  expect_true(has("Not reported: this section needs the dates of HSCT or CAR-T"))
  # the upper limit 33 of the Nonmaintained median lies past the maturity time
  # of its curve (maturity() with the report's rules): marked and explained
  expect_true(has("\u2020: the median or a limit lies past the curve"))
  expect_true(has("23.0 (5.0, 33.0) \u2020"))
  expect_true(has("31.0 (13.0, NR)</td>"))
  # an arm with fewer than min_risk patients: no tau from the rule, no RMST
  # over the immature tail, and the reason said
  a3 <- survival::aml
  a3$x <- as.character(a3$x)
  a3$x[1:3] <- "Pilot"
  html3 <- render_text(a3, time = "time", status = "status", group = "x", unit = "weeks")
  expect_true(grepl("Not computed: no tau can be chosen by the maturity rule, because x=Pilot",
                    html3, fixed = TRUE))
  expect_false(grepl("restricted mean time up to tau", html3, fixed = TRUE))
  html4 <- render_text(a3, time = "time", status = "status", group = "x", unit = "weeks",
                       tau = 10)
  expect_true(grepl("restricted mean time up to tau = 10.00 weeks (pre-specified)", html4,
                    fixed = TRUE))
  # a pre-specified tau that rmst() refuses: the reason in the report, not a crash
  html5 <- render_text(a3, time = "time", status = "status", group = "x", unit = "weeks",
                       tau = 20)
  expect_true(grepl("Not computed: <code>tau</code> = 20 is beyond the largest allowed value 13",
                    html5, fixed = TRUE))
  # an id column of text does not decide the groups (rows are the patients)
  a <- survival::aml
  a$pid <- paste0("P", seq_len(nrow(a)))
  html <- render_text(a, time = "time", status = "status", group = "x", id = "pid")
  txt <- gsub("\\s+", " ", gsub("<[^>]+>", " ", html))
  expect_true(grepl("x=Maintained 11 7", txt, fixed = TRUE))
})

test_that("report() on a single-arm cohort, on rrall without columns, and KMsurv::bmt", {
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  html <- render_text(rrall, group = "")
  expect_true(grepl("(a single-arm report)", html, fixed = TRUE))
  expect_false(grepl("Log-rank test", html, fixed = TRUE))
  expect_false(grepl("RMST contrasts", html, fixed = TRUE))
  # no CAR-T column: the competing events drop it, with or without cart = ""
  d <- rrall
  d$cart_date <- NULL
  for (args in list(list(cart = ""), list())) {
    html <- do.call(render_text, c(list(d), args))
    expect_true(grepl("Cumulative incidence of relapse", html, fixed = TRUE))
    expect_false(grepl("CAR-T were competing", html, fixed = TRUE))
    expect_true(grepl("Here consolidation (the first of HSCT) is a time-dependent", html,
                      fixed = TRUE))
  }
  # no response and no relapse dates: EFS and response rates are left out, saying why
  d2 <- rrall
  d2$response <- NULL
  d2$relapse_date <- NULL
  html <- render_text(d2)
  expect_true(grepl("Event-free survival is not reported: it needs the relapse dates", html,
                    fixed = TRUE))
  expect_true(grepl("the data have no column of best response", html, fixed = TRUE))
  # a 25-patient sample of lung, in days
  set.seed(1)
  lung <- survival::lung[sample(nrow(survival::lung), 25), ]
  lung$status <- lung$status - 1
  html <- render_text(lung, time = "time", status = "status", group = "sex", unit = "days",
                      landmarks = c(90, 180, 365))
  expect_true(grepl("Log-rank test across sex levels", html, fixed = TRUE))
  skip_if_not_installed("KMsurv")
  e <- new.env()
  utils::data("bmt", package = "KMsurv", envir = e)
  bmt <- e$bmt
  bmt$event <- factor(ifelse(bmt$d2 == 1, "relapse", ifelse(bmt$d1 == 1, "death", "censored")),
                      c("censored", "relapse", "death"))
  html <- render_text(bmt, time = "t2", status = "d3", event = "event", group = "group",
                      endpoint = "Disease-free survival", unit = "days",
                      landmarks = c(100, 365, 730))
  expect_true(grepl("with death as competing first events", html, fixed = TRUE))
  expect_true(grepl("test of equal cumulative incidence across group levels", html, fixed = TRUE))
})

test_that("a column named explicitly that the data lack is one error naming it and its parameter", {
  expect_error(report(rrall, tempfile(fileext = ".html"), group = "arm", relapse = "rel"),
               "The data have no column `arm` (group = \"arm\"), `rel` (relapse = \"rel\")",
               fixed = TRUE)
})
