# Methods for smallsurv_logrank results: print, tidy, glance.

#' Print a log-rank test
#'
#' Prints the test and its weights, the strata, a table per group
#' (subjects, events, weighted observed and expected, \eqn{(O-E)^2/E} and
#' \eqn{(O-E)^2/V}), the asymptotic chi-square test (survdiff's), the
#' permutation test (which statistic, exact or Monte Carlo and why) and which
#' p-value is reported first.
#'
#' @param x A result of [logrank_test()].
#' @param digits Significant digits.
#' @param ... Unused.
#' @return `x`, invisibly.
#' @family log-rank
#' @export
print.smallsurv_logrank <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(x$method, " (smallsurv)\n", sep = "")
  cat("Weights: ", weight_label(x$rho, x$gamma), "\n", sep = "")
  if (is.null(x$strata)) {
    cat("Strata: none\n")
  } else {
    cat("Strata: ", length(x$strata$levels), " (", paste(x$strata$names, collapse = ", "),
        "); observed, expected and variance summed over strata\n", sep = "")
  }
  if (!is.null(x$na.action)) {
    cat(length(x$na.action), " row", if (length(x$na.action) != 1L) "s" else "",
        " removed by na.action (missing values)\n", sep = "")
  }
  tab <- logrank_table(x)
  rownames(tab) <- tab$group
  tab$group <- NULL
  if (all(x$rho == 0 & x$gamma == 0)) tab$events <- NULL
  names(tab) <- sub("^o_e2_e$", "(O-E)^2/E", sub("^o_e2_v$", "(O-E)^2/V", names(tab)))
  cat("\n")
  print(format(tab, digits = digits), quote = FALSE)
  if (x$trend) {
    cat("Trend scores: ", paste(format(x$scores), collapse = ", "), "\n", sep = "")
  }
  cat("\nAsymptotic: Chisq = ", format(x$statistic, digits = digits), " on ", x$df,
      " df, p = ", format.pval(x$p.value.asymptotic, digits = digits),
      " (survival::survdiff's statistic, hypergeometric variance)\n", sep = "")
  p <- x$permutation
  zname <- if (is.na(p$df) || p$df == 1) "Z" else "chi-square"
  cat("Permutation: ", if (p$type == "none") "p-value" else
        paste0("p = ", format.pval(p$p.value, digits = digits), ", ", p$description),
      " -- ", p$reason, "\n", sep = "")
  if (!is.na(p$statistic)) {
    cat("  statistic: log-rank scores with their permutation variance (coin's), ", zname, " = ",
        format(p$statistic, digits = digits),
        if (zname == "chi-square") paste0(" on ", p$df, " df") else "",
        ", asymptotic p = ", format.pval(p$p.value.asymptotic, digits = digits), "\n", sep = "")
  }
  cat("p-value reported: ", format.pval(x$p.value, digits = digits), " (", x$p.value.method,
      ")\n", sep = "")
  note <- few_events_note(c(all = sum(x$events)),
                          has_perm = if (inherits(x, "smallsurv_mantel_byar")) NA else
                            !identical(x$permutation$type, "none"))
  if (nzchar(note)) cat(note, "\n", sep = "")
  # (the Mantel-Byar test handles a time-dependent exposure: no note)
  it <- if (!inherits(x, "smallsurv_mantel_byar")) immortal_time_note(x$groups)
  if (!is.null(it)) cat(strwrap(it, width = getOption("width", 80), exdent = 2), sep = "\n")
  invisible(x)
}

weight_label <- function(rho, gamma) {
  what <- if (rho == 0 && gamma == 0) "equal weights (log-rank)" else
    if (rho > 0 && gamma == 0) "S(t-)^rho: early differences weigh more" else
      if (rho == 0) "(1 - S(t-))^gamma: late differences weigh more" else
        "S(t-)^rho (1 - S(t-))^gamma: middle differences weigh more"
  paste0("rho = ", format(rho), ", gamma = ", format(gamma), ", ", what,
         " (S = pooled left-continuous Kaplan-Meier", "; per stratum)")
}

logrank_table <- function(x) {
  d <- x$observed - x$expected
  data.frame(group = x$groups, n = unname(x$n), events = unname(x$events),
             observed = unname(x$observed), expected = unname(x$expected),
             o_e2_e = unname(d^2 / x$expected), o_e2_v = unname(d^2 / diag(x$var)),
             stringsAsFactors = FALSE)
}

#' Tidy and glance at a log-rank test
#'
#' `tidy()` gives one row per group; `glance()` one row with the test.
#'
#' @param x A result of [logrank_test()].
#' @param ... Unused.
#' @return A data frame. `tidy()`: `group`, `n`, `events` (unweighted),
#'   `observed`, `expected` (weighted, as survdiff), `o_e2_e`
#'   (\eqn{(O-E)^2/E}), `o_e2_v` (\eqn{(O-E)^2/V}) and `variance` (the
#'   diagonal of the covariance). `glance()`: `statistic` (survdiff's
#'   chi-square), `df`, `p.value` (the p-value `print()` reports: the
#'   permutation p-value when it was computed), `p.value.method`,
#'   `p.value.asymptotic`, `statistic.permutation` (coin's \eqn{Z}, or the
#'   quadratic form for more than two groups), `p.value.permutation`,
#'   `permutation` (`"exact"`, `"monte-carlo"` or `"none"`), `reps`, `mc.se`,
#'   `method`, `rho`, `gamma`, `trend`, `n`, `events` and `n.strata`.
#' @family log-rank
#' @examples
#' lr <- logrank_test(survival::Surv(os_time, os_status) ~ dose, data = rrall)
#' tidy(lr)
#' glance(lr)
#' @name logrank-tidiers
NULL

#' @rdname logrank-tidiers
#' @export
tidy.smallsurv_logrank <- function(x, ...) {
  out <- logrank_table(x)
  out$variance <- unname(diag(x$var))
  out
}

#' @rdname logrank-tidiers
#' @export
glance.smallsurv_logrank <- function(x, ...) {
  p <- x$permutation
  data.frame(statistic = x$statistic, df = x$df, p.value = x$p.value,
             p.value.method = x$p.value.method, p.value.asymptotic = x$p.value.asymptotic,
             statistic.permutation = p$statistic, p.value.permutation = p$p.value,
             permutation = p$type, reps = p$reps, mc.se = p$mc.se, method = x$method,
             rho = x$rho, gamma = x$gamma, trend = x$trend, n = x$n.total,
             events = sum(x$events), n.strata = if (is.null(x$strata)) 1L else
               length(x$strata$levels),
             stringsAsFactors = FALSE)
}
