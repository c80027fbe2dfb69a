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
})

test_that("report() renders in one call, passes parameters and returns the path", {
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir()
  target <- file.path(dir, "sub", "rep.html")
  d <- rrall
  names(d)[names(d) == "dose"] <- "arm"
  res <- withVisible(report(d, target, group = "arm", conf_type = "log", landmarks = c(2, 4)))
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
