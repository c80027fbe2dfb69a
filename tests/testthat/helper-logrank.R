# Reference helpers for the log-rank tests: an independent, deliberately
# plain R implementation (loops over event times), brute-force permutation
# p-values, and seeded random data sets.

Surv <- survival::Surv
strata <- survival::strata  # for survdiff()/coxph() formulas in the tests

# O, E, V (summed over strata) and the per-subject log-rank scores of the
# G(rho, gamma) test, straight from the definitions.
ref_logrank <- function(time, status, group, strata = NULL, entry = NULL, rho = 0, gamma = 0) {
  g <- droplevels(as.factor(group))
  K <- nlevels(g)
  n_all <- length(time)
  if (is.null(strata)) strata <- rep(1L, n_all)
  if (is.null(entry)) entry <- rep(-Inf, n_all)
  O <- E <- numeric(K)
  V <- matrix(0, K, K)
  score <- numeric(n_all)
  for (s in unique(strata)) {
    i <- strata == s
    tt <- sort(unique(time[i & status == 1]))
    S <- 1
    haz <- w <- numeric(length(tt))
    for (j in seq_along(tt)) {
      t <- tt[j]
      risk <- i & entry < t & time >= t
      dead <- i & time == t & status == 1
      n <- sum(risk)
      d <- sum(dead)
      w[j] <- S^rho * (1 - S)^gamma
      ng <- tabulate(as.integer(g[risk]), K)
      dg <- tabulate(as.integer(g[dead]), K)
      O <- O + w[j] * dg
      E <- E + w[j] * d * ng / n
      if (n > 1) V <- V + w[j]^2 * d * (n - d) / (n * (n - 1)) * (diag(ng, K) - outer(ng, ng) / n)
      haz[j] <- w[j] * d / n
      S <- S * (1 - d / n)
    }
    for (k in which(i)) {
      score[k] <- sum(haz[tt > entry[k] & tt <= time[k]]) -
        if (status[k] == 1) w[tt == time[k]] else 0
    }
  }
  list(O = O, E = E, V = V, score = score, group = g)
}

# coin's standardised linear statistic from scores, with permutation moments
# within strata; contrast over the groups (two groups: first-group sum).
ref_perm_z <- function(score, group, strata = NULL, contrast = c(1, 0)) {
  g <- as.integer(droplevels(as.factor(group)))
  if (is.null(strata)) strata <- rep(1L, length(score))
  x <- contrast[g]
  t <- mu <- v <- 0
  for (s in unique(strata)) {
    i <- strata == s
    a <- score[i]
    xs <- x[i]
    n <- sum(i)
    t <- t + sum(xs * a)
    mu <- mu + sum(xs) * mean(a)
    if (n > 1) v <- v + mean((a - mean(a))^2) * n / (n - 1) * (sum(xs^2) - sum(xs)^2 / n)
  }
  (t - mu) / sqrt(v)
}

# Exact two-sided permutation p-value by listing every permutation of the
# group labels within strata (tiny n only).
brute_perm_p <- function(score, group, strata = NULL, contrast = c(1, 0)) {
  g <- as.integer(droplevels(as.factor(group)))
  if (is.null(strata)) strata <- rep(1L, length(score))
  z_obs <- abs(ref_perm_z(score, g, strata, contrast))
  per_stratum <- lapply(unique(strata), function(s) {
    idx <- which(strata == s)
    perms <- unique_perms(g[idx])
    list(idx = idx, perms = perms)
  })
  # all combinations across strata
  grid <- expand.grid(lapply(per_stratum, function(p) seq_len(nrow(p$perms))))
  hits <- 0
  for (r in seq_len(nrow(grid))) {
    gg <- g
    for (k in seq_along(per_stratum)) {
      gg[per_stratum[[k]]$idx] <- per_stratum[[k]]$perms[grid[r, k], ]
    }
    if (abs(ref_perm_z(score, gg, strata, contrast)) >= z_obs - sqrt(.Machine$double.eps)) {
      hits <- hits + 1
    }
  }
  hits / nrow(grid)
}

# Distinct permutations of a label vector (rows), each equally likely.
unique_perms <- function(labels) {
  if (length(labels) == 1L) return(matrix(labels, 1L))
  out <- NULL
  for (v in unique(labels)) {
    rest <- labels[-match(v, labels)]
    out <- rbind(out, cbind(v, unique_perms(rest), deparse.level = 0))
  }
  out
}

# A seeded random data set: k groups of unequal sizes, optional ties,
# strata, delayed entry.
sim_logrank_data <- function(seed, n = 30, k = 2, ties = TRUE, nstrata = 1, entry = FALSE,
                             censor = 0.3) {
  set.seed(seed)
  grp <- factor(sample(letters[seq_len(k)], n, replace = TRUE, prob = seq_len(k)),
                levels = letters[seq_len(k)])
  time <- rexp(n, rate = c(1, 1.5, 0.7, 2)[as.integer(grp)])
  if (ties) time <- ceiling(time * 5) / 5
  d <- data.frame(time = time, status = rbinom(n, 1, 1 - censor), grp = grp,
                  site = factor(sample(seq_len(nstrata), n, replace = TRUE)))
  if (entry) {
    d$start <- d$time * runif(n, 0, 0.6) * rbinom(n, 1, 0.5)
    if (ties) d$start <- floor(d$start * 5) / 5
    d$start[d$start >= d$time] <- 0
  }
  d
}
