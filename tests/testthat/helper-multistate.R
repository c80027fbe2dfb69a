# Seeded multi-state data: subjects move between "well" and "ill" (recovery
# included) until death or censoring, up to five rows each; options for
# tied times, delayed entry, case weights (constant within a subject),
# two curves and initial states other than "(s0)" (column `ist`).
sim_ms <- function(n, seed, ties = TRUE, entry = TRUE, weights = FALSE, strata = FALSE,
                   ist = FALSE) {
  set.seed(seed)
  rows <- vector("list", n)
  for (i in seq_len(n)) {
    t <- if (entry) round(stats::runif(1, 0, 2), if (ties) 0 else 6) else 0
    s <- if (ist) sample(c("well", "ill"), 1) else "well"
    w <- if (weights) round(stats::runif(1, 0.2, 3), 2) else 1
    out <- NULL
    repeat {
      dur <- stats::rexp(1, 0.5)
      t2 <- t + if (ties) max(1, round(dur)) else dur + 1e-6
      nxt <- if (s == "well") sample(c("ill", "dead", "cens"), 1, prob = c(.4, .3, .3)) else
        sample(c("well", "dead", "cens"), 1, prob = c(.3, .4, .3))
      out <- rbind(out, data.frame(id = i, t1 = t, t2 = t2, from = s, to = nxt, w = w))
      if (nxt %in% c("dead", "cens") || nrow(out) > 4) break
      t <- t2
      s <- nxt
    }
    rows[[i]] <- out
  }
  d <- do.call(rbind, rows)
  d$state <- factor(ifelse(d$to == "cens", "censor", d$to), c("censor", "ill", "well", "dead"))
  d$ist <- factor(d$from, c("well", "ill", "dead"))
  d$g <- if (strata) sample(c("A", "B"), n, TRUE)[d$id] else "A"
  d
}

# survival's mgus2 as counting-process illness-death data (survival's
# "compete" vignette): progression (pcm), then death.
mgus2_illness_death <- function() {
  mg <- survival::mgus2
  ptemp <- with(mg, ifelse(ptime == futime & pstat == 1, ptime - .1, ptime))
  d <- survival::tmerge(mg, mg, id = id, death = event(futime, death), pcm = event(ptemp, pstat))
  d$event <- factor(ifelse(d$death == 1, 2, d$pcm), 0:2, c("censor", "pcm", "death"))
  d
}

ms_components <- c("time", "pstate", "std.err", "cumhaz", "std.chaz", "std.auc", "n.risk",
                   "n.event", "n.censor", "n.transition", "counts", "n", "n.id", "t0", "strata", "se0", "sp0")

# Every numeric component survfit has equals ours; the names are survfit's
# (plus `ci`), in its order.
expect_same_ms <- function(f, s, tol = 1e-10) {
  testthat::expect_identical(setdiff(names(unclass(f)), c("ci", "na.action")), names(unclass(s)))
  for (k in ms_components) {
    if (is.null(s[[k]])) next
    a <- unclass(f[[k]])
    b <- unclass(s[[k]])
    if (k == "std.chaz") {
      # survfit leaves uninitialised memory (e.g. 1e234) in std.chaz before a
      # transition first occurs; compare where its hazard has started
      keep <- unclass(s$cumhaz) != 0
      a <- a[keep]
      b <- b[keep]
      testthat::expect_true(all(unclass(f$std.chaz)[!keep] == 0), info = "std.chaz before")
    }
    testthat::expect_equal(a, b, tolerance = tol, info = k, ignore_attr = TRUE)
  }
  testthat::expect_equal(as.vector(f$p0), as.vector(s$p0), tolerance = 1e-12)
  testthat::expect_identical(dimnames(f$transitions), dimnames(s$transitions))
  testthat::expect_equal(unclass(f$transitions), unclass(s$transitions), ignore_attr = TRUE)
}

# mstate's long data (one row per subject and possible transition, msprep())
# as counting-process rows: one per subject and stay, with the state it
# enters (or censoring) and the state it is in.
from_msdata <- function(msd, names) {
  key <- paste(msd$id, msd$from, msd$Tstart)
  ev <- msd[msd$status == 1, ]
  first <- msd[!duplicated(key), c("id", "from", "Tstart", "Tstop")]
  to <- ev$to[match(paste(first$id, first$from, first$Tstart),
                    paste(ev$id, ev$from, ev$Tstart))]
  d <- data.frame(id = first$id, t1 = first$Tstart, t2 = first$Tstop,
                  from = factor(names[first$from], names),
                  state = factor(ifelse(is.na(to), "censored", names[to]),
                                 c("censored", names[-1])))
  d[d$t2 > d$t1, ]
}

# probtrans() from the initial state against a multistate fit, at
# probtrans's times: the largest differences of the probabilities and of
# the standard errors.
vs_probtrans <- function(f, pt) {
  ns <- length(f$states)
  ix <- findInterval(pt$time, f$time)
  P <- rbind(c(1, rep(0, ns - 1L)), f$pstate)[ix + 1L, ]
  S <- rbind(rep(0, ns), f$std.err)[ix + 1L, ]
  c(p = max(abs(P - as.matrix(pt[, paste0("pstate", seq_len(ns))]))),
    se = max(abs(S - as.matrix(pt[, paste0("se", seq_len(ns))]))))
}
