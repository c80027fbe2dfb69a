#' Confidence intervals for a binomial proportion (response rates)
#'
#' Intervals for \eqn{p} from \eqn{x} successes (responders) in \eqn{n}
#' trials (patients), by name, vectorised over `x`, `n` and `method`. The
#' default, Clopper-Pearson, is the interval paediatric phase 1/2 trials
#' report (and `stats::binom.test()` computes); Brown, Cai & DasGupta
#' (2001) recommend Wilson or Jeffreys for small \eqn{n}. The method is part
#' of the result: always report it.
#'
#' @section Methods:
#' With \eqn{\hat p = x/n}, tail probability \eqn{a} (\eqn{a = \alpha/2} for
#' each limit of a two-sided interval, \eqn{a = \alpha} for a one-sided
#' bound, \eqn{\alpha = 1 -} `conf.level`) and \eqn{z = \Phi^{-1}(1 - a)}:
#' * `"clopper-pearson"` (exact; Clopper & Pearson 1934):
#'   \eqn{L = B(a; x, n - x + 1)}, \eqn{U = B(1 - a; x + 1, n - x)} with
#'   \eqn{B} the beta quantile, \eqn{L = 0} if \eqn{x = 0} and \eqn{U = 1}
#'   if \eqn{x = n}. Equals `binom.test(x, n)$conf.int`. Coverage is at
#'   least nominal (conservative).
#' * `"wilson"` (score; Wilson 1927):
#'   \eqn{(\hat p + z^2/(2n) \pm z \sqrt{\hat p (1 - \hat p)/n + z^2/(4n^2)}) / (1 + z^2/n)},
#'   with \eqn{L = 0} at \eqn{x = 0} and \eqn{U = 1} at \eqn{x = n}. Equals
#'   `prop.test(x, n, correct = FALSE)$conf.int`.
#' * `"jeffreys"` (equal-tailed, Brown et al. 2001): beta quantiles \eqn{a}
#'   and \eqn{1 - a} of Beta(\eqn{x + 1/2, n - x + 1/2}), with \eqn{L = 0}
#'   at \eqn{x = 0} and \eqn{U = 1} at \eqn{x = n}.
#' * `"agresti-coull"` (Agresti & Coull 1998): \eqn{\tilde n = n + z^2},
#'   \eqn{\tilde p = (x + z^2/2)/\tilde n},
#'   \eqn{\tilde p \pm z \sqrt{\tilde p (1 - \tilde p)/\tilde n}}, truncated to
#'   \eqn{[0, 1]}.
#' * `"mid-p"` (Lancaster 1961; Berry & Armitage 1995): \eqn{L} solves
#'   \eqn{P_L(X > x) + P_L(X = x)/2 = a} and \eqn{U} solves
#'   \eqn{P_U(X < x) + P_U(X = x)/2 = a} (\eqn{L = 0} at \eqn{x = 0},
#'   \eqn{U = 1} at \eqn{x = n}): the \eqn{a} and \eqn{1 - a} quantiles of
#'   the 50/50 mixture of Beta\eqn{(x, n - x + 1)} and Beta\eqn{(x + 1, n - x)},
#'   found in C++ by safeguarded Newton iteration on Boost's incomplete beta
#'   (relative residual of the defining equations below 2e-14 for all
#'   \eqn{x} and \eqn{n \le 60}). Coverage near nominal on average, not
#'   guaranteed.
#' * `"blaker"` (Blaker 2000): the set \eqn{\{p : \gamma(p) > \alpha\}} of
#'   the acceptability function
#'   \eqn{\gamma(p) = \sum_{k: t(k, p) \le t(x, p)} P_p(X = k)},
#'   \eqn{t(k, p) = \min\{P_p(X \le k), P_p(X \ge k)\}}: the confidence set of
#'   Blaker's two-sided exact test (`exactci::binom.exact(tsmethod = "blaker")`).
#'   It is contained in the Clopper-Pearson interval, exact (coverage at
#'   least nominal) and nested in `conf.level`. Computed exactly rather than
#'   on Blaker's grid: on \eqn{[B(\alpha/2; x, n-x+1), B(\alpha; x, n-x+1)]},
#'   where the lower limit lies, \eqn{\gamma(p) = P_p(X \ge x) + P_p(X \le j(p))}
#'   with \eqn{j(p)} a step function whose jumps are found by root-finding
#'   (\eqn{P_p(X \le j) = P_p(X \ge x)}); between jumps \eqn{\gamma} is
#'   first decreasing, then increasing, so the first crossing of \eqn{\alpha}
#'   is a jump or a single root. The upper limit is \eqn{1 -} the lower
#'   limit for \eqn{n - x}. Two-sided only: the one-sided Blaker bound is the
#'   one-sided Clopper-Pearson bound (as in exactci, where `tsmethod`
#'   affects only two-sided intervals).
#' * `"wald"`: \eqn{\hat p \pm z \sqrt{\hat p (1 - \hat p)/n}}, truncated to
#'   \eqn{[0, 1]}; zero width at \eqn{x = 0} and \eqn{x = n}. Shown for
#'   comparison only: its coverage is erratic (Brown et al. 2001).
#'
#' One-sided bounds: `alternative = "less"` gives \eqn{[0, U]} and
#' `"greater"` \eqn{[L, 1]}, each with tail probability \eqn{\alpha}
#' (as `binom.test()` and `prop.test()`). For \eqn{x = 0} the one-sided
#' Clopper-Pearson upper bound is \eqn{1 - \alpha^{1/n}} (about \eqn{3/n} at
#' 95%, the "rule of three").
#'
#' @param x Number of successes: non-negative whole numbers.
#' @param n Number of trials: positive whole numbers, recycled with `x`.
#' @param method One or more of `"clopper-pearson"` (default), `"wilson"`,
#'   `"jeffreys"`, `"agresti-coull"`, `"mid-p"`, `"blaker"`, `"wald"`.
#' @param conf.level Confidence level, strictly between 0 and 1.
#' @param alternative `"two.sided"` (default), `"less"` (upper bound) or
#'   `"greater"` (lower bound).
#' @return A data frame with one row per element of `x`/`n` and method
#'   (methods vary slowest): `x`, `n`, `estimate` (\eqn{x/n}), `lower`,
#'   `upper`, `method`; attributes `conf.level` and `alternative`.
#' @references
#' Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
#' illustrated in the case of the binomial. *Biometrika* 26:404-413.
#' \doi{10.1093/biomet/26.4.404}
#'
#' Wilson EB (1927). Probable inference, the law of succession, and
#' statistical inference. *JASA* 22:209-212. \doi{10.1080/01621459.1927.10502953}
#'
#' Agresti A, Coull BA (1998). Approximate is better than "exact" for
#' interval estimation of binomial proportions. *The American Statistician*
#' 52:119-126. \doi{10.1080/00031305.1998.10480550}
#'
#' Blaker H (2000). Confidence curves and improved exact confidence intervals
#' for discrete distributions. *Canadian Journal of Statistics* 28:783-798.
#' \doi{10.2307/3315916}
#'
#' Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial
#' proportion. *Statistical Science* 16:101-133. \doi{10.1214/ss/1009213286}
#'
#' Fay MP (2010). Two-sided exact tests and matching confidence intervals
#' for discrete data. *R Journal* 2:53-58. \doi{10.32614/RJ-2010-008}
#' @family response rates
#' @examples
#' binom_ci(20, 25)                       # 80% (59% to 93%)
#' binom_ci(c(9, 11), c(12, 13), method = c("clopper-pearson", "wilson", "blaker"))
#' binom_ci(0, 12, alternative = "less")  # one-sided upper bound
#' @export
binom_ci <- function(x, n, method = "clopper-pearson", conf.level = 0.95,
                     alternative = c("two.sided", "less", "greater")) {
  check_conf_level(conf.level)
  alternative <- match_one(alternative, c("two.sided", "less", "greater"), "alternative")
  if (!is.character(method) || !length(method) || anyNA(method) ||
      !all(method %in% binom_methods)) {
    bad <- if (is.character(method)) setdiff(method, binom_methods) else method
    abort("`method` must be one or more of ", paste0("\"", binom_methods, "\"", collapse = ", "),
          "; got ", deparse1(bad), ".")
  }
  if ("blaker" %in% method && alternative == "two.sided" && conf.level <= 0.5) {
    abort("`method = \"blaker\"` needs `conf.level` above 0.5; got ", conf.level, ".")
  }
  xn <- check_binom_xn(x, n)
  x <- xn$x
  n <- xn$n
  a <- if (alternative == "two.sided") (1 - conf.level) / 2 else 1 - conf.level
  rows <- lapply(unique(method), function(m) {
    lim <- binom_limits(m, x, n, a, 1 - conf.level)
    lo <- if (alternative == "less") rep(0, length(x)) else lim$lower
    up <- if (alternative == "greater") rep(1, length(x)) else lim$upper
    data.frame(x = x, n = n, estimate = x / n, lower = lo, upper = up, method = m,
               stringsAsFactors = FALSE)
  })
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  attr(out, "conf.level") <- conf.level
  attr(out, "alternative") <- alternative
  out
}

binom_methods <- c("clopper-pearson", "wilson", "jeffreys", "agresti-coull", "mid-p",
                   "blaker", "wald")

check_binom_xn <- function(x, n) {
  for (arg in c("x", "n")) {
    v <- get(arg)
    if (!is.numeric(v) || !length(v)) {
      abort("`", arg, "` must be a non-empty numeric vector; got ", deparse1(v), ".")
    }
    i <- which(is.na(v) | !is.finite(v))
    if (length(i)) abort("`", arg, "` must be finite and not missing; ",
                         format_rows(i, noun = c("element", "elements")), ".")
  }
  len <- max(length(x), length(n))
  if (len %% length(x) || len %% length(n)) {
    abort("`x` (length ", length(x), ") and `n` (length ", length(n), ") must have the same ",
          "length, or one of them length 1.")
  }
  x <- rep_len(as.double(x), len)
  n <- rep_len(as.double(n), len)
  whole <- function(v) abs(v - round(v)) < 1e-7
  i <- which(x < 0)
  if (length(i)) abort("`x` must not be negative; ", format_rows(i, noun = c("element", "elements")),
                       " (x = ", deparse1(utils::head(x[i], 6)), ").")
  i <- which(!whole(x))
  if (length(i)) abort("`x` must be whole numbers (counts of successes); ",
                       format_rows(i, noun = c("element", "elements")),
                       " (x = ", deparse1(utils::head(x[i], 6)), ").")
  i <- which(n <= 0 | !whole(n))
  if (length(i)) abort("`n` must be positive whole numbers; ",
                       format_rows(i, noun = c("element", "elements")),
                       " (n = ", deparse1(utils::head(n[i], 6)), ").")
  i <- which(x > n)
  if (length(i)) abort("`x` must not exceed `n`; ", format_rows(i, noun = c("element", "elements")),
                       " (x = ", deparse1(utils::head(x[i], 6)), ", n = ",
                       deparse1(utils::head(n[i], 6)), ").")
  list(x = round(x), n = round(n))
}

# Lower and upper limits with tail probability `a` each (a = alpha/2 for a
# two-sided interval, alpha for a one-sided bound); `alpha` is the full
# two-sided level (Blaker).
binom_limits <- function(method, x, n, a, alpha) {
  p <- x / n
  z <- stats::qnorm(1 - a)
  clamp <- function(v) pmin(pmax(v, 0), 1)
  switch(method,
    "clopper-pearson" = list(
      lower = ifelse(x == 0, 0, stats::qbeta(a, x, n - x + 1)),
      upper = ifelse(x == n, 1, stats::qbeta(1 - a, x + 1, n - x))),
    "jeffreys" = list(
      lower = ifelse(x == 0, 0, stats::qbeta(a, x + 0.5, n - x + 0.5)),
      upper = ifelse(x == n, 1, stats::qbeta(1 - a, x + 0.5, n - x + 0.5))),
    "wilson" = {
      # prop.test()'s algebraic form (z22n = z^2 / (2n))
      z22n <- z^2 / (2 * n)
      half <- z * sqrt(p * (1 - p) / n + z22n / (2 * n))
      list(lower = ifelse(x == 0, 0, pmax((p + z22n - half) / (1 + 2 * z22n), 0)),
           upper = ifelse(x == n, 1, pmin((p + z22n + half) / (1 + 2 * z22n), 1)))
    },
    "agresti-coull" = {
      nt <- n + z^2
      pt <- (x + z^2 / 2) / nt
      half <- z * sqrt(pt * (1 - pt) / nt)
      list(lower = clamp(pt - half), upper = clamp(pt + half))
    },
    "wald" = {
      half <- z * sqrt(p * (1 - p) / n)
      list(lower = clamp(p - half), upper = clamp(p + half))
    },
    "mid-p" = {
      # quantiles of the 50/50 mixture of Beta(x, n - x + 1) and
      # Beta(x + 1, n - x), in the C++ core (vectorised)
      lim <- binom_exact_limits_cpp(x, n, a, TRUE)
      list(lower = ifelse(x == 0, 0, lim$lower), upper = ifelse(x == n, 1, lim$upper))
    },
    "blaker" = if (a == alpha / 2) {
      list(lower = mapply(blaker_lower, x, n, MoreArgs = list(alpha = alpha)),
           upper = 1 - mapply(blaker_lower, n - x, n, MoreArgs = list(alpha = alpha)))
    } else {
      binom_limits("clopper-pearson", x, n, a, alpha)  # one-sided: Clopper-Pearson
    })
}

binom_tol <- 1e-13

# Blaker's lower limit, exactly (see the roxygen section "Methods").
blaker_lower <- function(x, n, alpha) {
  if (x == 0) return(0)
  S <- function(p) stats::pbeta(p, x, n - x + 1)  # P_p(X >= x)
  Fj <- function(j, p) if (j < 0) 0 else stats::pbinom(j, n, p)
  L <- stats::qbeta(alpha / 2, x, n - x + 1)
  R <- stats::qbeta(alpha, x, n - x + 1)
  # j enters the acceptance sum for p >= b[j + 1]; b is nondecreasing in j
  b <- vapply(0:(x - 1), function(j) {
    g <- function(p) Fj(j, p) - S(p)  # decreasing in p
    if (g(L) <= 0) return(-Inf)
    if (g(R) > 0) return(Inf)
    stats::uniroot(g, c(L, R), tol = binom_tol, maxiter = 1000L)$root
  }, numeric(1))
  pts <- sort(unique(c(L, b[b > L & b < R], R)))
  for (k in seq_len(length(pts) - 1L)) {
    lo <- pts[k]
    hi <- pts[k + 1L]
    j <- sum(b <= lo) - 1L
    gam <- function(p) S(p) + Fj(j, p) - alpha
    if (gam(lo) > 0) return(lo)
    if (gam(hi) > 0) return(stats::uniroot(gam, c(lo, hi), tol = binom_tol, maxiter = 1000L)$root)
  }
  R
}

#' Response rates with confidence intervals, by group
#'
#' Counts responders (a response in `success`) among the patients of each
#' group (e.g. dose level) and overall, with [binom_ci()] intervals: the
#' table of a phase 1/2 report.
#'
#' @param data A data frame.
#' @param response Column of `data` with the response (bare name or string):
#'   a factor, character or logical. Missing responses are an error (code
#'   non-evaluable patients explicitly, e.g. `"NE"`, to count them as
#'   non-responders, or remove them and say so).
#' @param group Optional grouping column of `data` (bare name or string);
#'   groups appear in the order of the factor levels.
#' @param success Values of `response` that count as a response (default
#'   `c("CR", "CRi")`; `TRUE` for a logical response). Each must occur among
#'   the levels or values of `response`.
#' @param method,conf.level,alternative As in [binom_ci()] (one method).
#' @return A data frame with one row per group and a final `"Overall"` row:
#'   `group`, `x` (responders), `n` (patients), `estimate`, `lower`,
#'   `upper`, `method`; attributes `success`, `conf.level` and
#'   `alternative`.
#' @family response rates
#' @examples
#' response_table(rrall, response, dose)
#' response_table(rrall, response, dose, success = "CR", method = "wilson")
#' response_table(rrall, mrd_negative, dose, success = TRUE)
#' @export
response_table <- function(data, response, group, success = c("CR", "CRi"),
                           method = "clopper-pearson", conf.level = 0.95,
                           alternative = c("two.sided", "less", "greater")) {
  if (!is.data.frame(data)) abort("`data` must be a data frame; got ", class(data)[1], ".")
  if (!is.character(method) || length(method) != 1L) {
    abort("`method` must be a single method name for response_table(); got ", deparse1(method), ".")
  }
  get_col <- function(expr, arg) {
    if (is.character(expr) && length(expr) == 1L) expr <- as.name(expr)
    if (!is.name(expr) || !as.character(expr) %in% names(data)) {
      abort("`", arg, "` must name a column of `data`; got ", deparse1(expr), ".")
    }
    data[[as.character(expr)]]
  }
  resp <- get_col(substitute(response), "response")
  i <- which(is.na(resp))
  if (length(i)) {
    abort("`response` is missing at ", format_rows(row.names(data)[i]), "; code non-evaluable ",
          "patients explicitly (e.g. \"NE\") or remove them.")
  }
  values <- if (is.factor(resp)) levels(resp) else unique(as.character(resp))
  if (!length(success) || anyNA(success) || !all(as.character(success) %in% values)) {
    abort("`success` must be values of `response` (", paste0("\"", values, "\"", collapse = ", "),
          "); got ", deparse1(success), ".")
  }
  hit <- as.character(resp) %in% as.character(success)
  if (missing(group)) {
    g <- factor(rep("Overall", nrow(data)))
  } else {
    g <- get_col(substitute(group), "group")
    i <- which(is.na(g))
    if (length(i)) abort("`group` is missing at ", format_rows(row.names(data)[i]), ".")
    g <- if (is.factor(g)) droplevels(g) else factor(g)
  }
  x <- c(as.vector(tapply(hit, g, sum)), if (!missing(group)) sum(hit))
  n <- c(as.vector(table(g)), if (!missing(group)) length(hit))
  ci <- binom_ci(x, n, method = method, conf.level = conf.level, alternative = alternative)
  out <- cbind(group = c(levels(g), if (!missing(group)) "Overall"), ci,
               stringsAsFactors = FALSE)
  attr(out, "success") <- success
  attr(out, "conf.level") <- conf.level
  attr(out, "alternative") <- attr(ci, "alternative")
  out
}
