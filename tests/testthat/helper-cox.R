# Seeded data for the regression tests (test-cox.R, test-cox-methods.R).
seeded_cox_data <- function(seed, n = 60, ties = FALSE, entry = FALSE) {
  set.seed(seed)
  x1 <- rbinom(n, 1, 0.5)
  x2 <- round(rnorm(n), 2)
  g <- factor(sample(c("a", "b", "c"), n, TRUE))
  t <- rexp(n, 0.2 * exp(0.6 * x1 - 0.3 * x2))
  c <- runif(n, 1, 12)
  d <- data.frame(id = seq_len(n), time = pmin(t, c), status = as.integer(t <= c), x1, x2, g,
                  s = sample(1:2, n, TRUE), w = round(runif(n, 0.5, 2), 1))
  if (ties) d$time <- ceiling(d$time)
  if (entry) {
    d$start <- d$time * runif(n, 0, 0.6)
    if (ties) d$start <- floor(d$start)
  }
  d
}

# Central finite-difference gradient of f at b (step h).
fd_gradient <- function(f, b, h = 1e-5) {
  vapply(seq_along(b), function(j) {
    e <- replace(numeric(length(b)), j, h)
    (f(b + e) - f(b - e)) / (2 * h)
  }, numeric(1))
}
