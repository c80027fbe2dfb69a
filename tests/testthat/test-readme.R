# Every R code block of README.md runs verbatim, in order, in a fresh
# environment (the README is read from the source tree, or from the copy
# R CMD check keeps in 00_pkg_src).

readme_path <- function() {
  cands <- c(test_path("..", "..", "README.md"),
             test_path("..", "..", "00_pkg_src", "smallsurv", "README.md"))
  cands <- cands[file.exists(cands)]
  if (length(cands)) normalizePath(cands[1]) else NA_character_
}

readme_blocks <- function(path) {
  lines <- readLines(path, encoding = "UTF-8")
  open <- which(lines == "```r")
  close <- which(lines == "```")
  lapply(open, function(o) {
    e <- close[close > o][1]
    lines[seq.int(o + 1L, e - 1L)]
  })
}

test_that("every R block of the README runs verbatim", {
  path <- readme_path()
  skip_if(is.na(path), "README.md is not beside the tests")
  skip_if_not_installed("ggplot2")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available (report block)")
  blocks <- readme_blocks(path)
  expect_gte(length(blocks), 5L)
  withr::local_dir(withr::local_tempdir())
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  env <- new.env(parent = globalenv())
  for (k in seq_along(blocks)) {
    code <- paste(blocks[[k]], collapse = "\n")
    # as at the console: each expression evaluated and, when visible, printed
    err <- tryCatch({
      utils::capture.output(source(exprs = parse(text = code), local = env, print.eval = TRUE))
      NULL
    }, error = function(e) conditionMessage(e))
    expect_null(err, label = paste("README block", k, "error"))
  }
  expect_true(file.exists("rrall-report.html"))
})
