# Seeded competing-risk data sets for the live comparisons: a coarse time
# grid (ties within and across causes, event-censoring ties), three causes of
# which the third never occurs (an unused factor level), groups of very
# different sizes (down to 1 patient), one group entirely censored in some
# sets, weights and delayed entry.
sim_cr <- function(seed, n = NULL) {
  set.seed(seed)
  if (is.null(n)) n <- sample(c(3:12, 20, 40), 1)
  ngrid <- sample(c(4, 8, 30), 1)
  st <- sample(0:2, n, TRUE, prob = c(0.35, 0.4, 0.25))
  g <- sample(c("a", "b", "c"), n, TRUE, prob = c(0.6, 0.3, 0.1))
  g[1] <- "c"                          # group c has 1-2 patients
  if (seed %% 3 == 0) st[g == "b"] <- 0  # a group with no event at all
  d <- data.frame(id = seq_len(n), time = sample(seq_len(ngrid), n, TRUE), st = st, g = g,
                  w = round(runif(n, 0.2, 3), 2), stringsAsFactors = FALSE)
  d$ev <- factor(d$st, 0:3, c("cens", "relapse", "death", "never"))
  d$entry <- ifelse(runif(n) < 0.5, 0, floor(d$time * runif(n) * 10) / 10)
  d
}

# Confidence limits equal survfit's, cell by cell. Excluded: cells where our
# state probability is exactly 0 or 1 and survfit's differs from it by a
# rounding residue (~1e-17), and, for logit and arcsin, cells with F = 1,
# where survfit's variance is such a residue instead of 0 (documented in
# ?cif). survfit returns some limits without dim.
expect_same_ci <- function(f, s, ct) {
  p <- as.vector(f$pstate)
  q <- as.vector(s$pstate)
  skip <- (p %in% c(0, 1) & p != q) | (p == 1 & ct %in% c("logit", "arcsin"))
  # survival >= 3.6 gives (p, p) where se = 0: cells where one variance is
  # exactly 0 and the other a rounding residue (< 1e-12) are excluded too
  # (see expect_same_as_survfit())
  if (identical(getOption("smallsurv.limits_at_zero_se"), "estimate")) {
    a <- as.vector(f$std.err)
    b <- as.vector(s$std.err)
    skip <- skip | (!is.na(a) & !is.na(b) & xor(a == 0, b == 0) & pmax(abs(a), abs(b)) < 1e-12)
  }
  expect_equal(as.vector(f$lower)[!skip], as.vector(s$lower)[!skip], tolerance = 1e-8)
  expect_equal(as.vector(f$upper)[!skip], as.vector(s$upper)[!skip], tolerance = 1e-8)
}

# survfit() of a multi-state fit with conf.type = "arcsin" fails in survival
# 3.8-12 (its survfit_confint() drops the matrix dimensions in the arcsin
# branch, then sets column names); there the reference limits are survival's
# own survfit_confint() applied to survfit's estimates and standard errors.
survfit_ms <- function(formula, data, conf.type, ...) {
  s <- tryCatch(survival::survfit(formula, data = data, conf.type = conf.type, ...),
                error = function(e) e)
  if (!inherits(s, "error")) return(s)
  if (conf.type != "arcsin") stop(s)
  s <- survival::survfit(formula, data = data, conf.type = "log", ...)
  ci <- utils::getFromNamespace("survfit_confint", "survival")(
    as.vector(s$pstate), as.vector(s$std.err), logse = FALSE, conf.type = "arcsin",
    conf.int = s$conf.int)
  s$lower <- ci$lower
  s$upper <- ci$upper
  s$conf.type <- "arcsin"
  s
}
