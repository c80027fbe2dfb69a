# The confidence-interval registry. Every interval method is an entry keyed
# by name; km() and cif() look the method up and call its `compute` (km) or
# `cif` function. The entries are generated when the package loads from the
# core's one table of methods (src/core/pointwise.cpp, through
# ci_method_table_cpp()): its names, labels, references, descriptions and
# flags, and a `kind` that decides which R function computes the method on a
# fit (build_ci_registry() below). A method is added to that table, not here.
#
# compute(fit, input, conf.level, ...) (for km()) receives the fit built so
# far (survfit components: surv, std.err, logse, n.risk, n.event, time,
# strata, ...) and the canonical input (see surv-input.R); it returns
# list(lower, upper), one value per row of the fit. NULL: not for km().
#
# cif(p, se, conf.level, fit, input, ...) (for cif()) receives the matrix of
# state probabilities (event-free first, then the cumulative incidences),
# their standard errors on the probability scale, the fit built so far and
# the canonical input; it returns list(lower, upper) as matrices of the same
# shape. NULL: not for cif().
#
# compute() may also return `fit`, the fit with rows added (the BPCP methods
# of ci-bpcp.R add a row at the start time, where their interval is not
# [1, 1]); `lower`/`upper` then have one value per row of that fit.
# Both may return a further element `info`, a named list stored in the fit's
# `ci` (e.g. the bootstrap's `reps` and `seed`, which print() states).
#
# `args` names the extra arguments the method accepts through the verb's
# `...` (e.g. c("reps", "seed")); any other argument there is an error.
# The canonical input carries `timefix`, so a method can refit the data.

.ci_registry <- new.env(parent = emptyenv())

register_ci <- function(name, label, compute, reference, description,
                        weights = TRUE, entry = TRUE, cif = NULL, args = character()) {
  .ci_registry[[name]] <- list(name = name, label = label, compute = compute,
                               reference = reference, description = description,
                               weights = weights, entry = entry, cif = cif, args = args)
  invisible(name)
}

# Names of the methods available to a verb ("km" or "cif").
ci_names <- function(verb) {
  nm <- sort(ls(.ci_registry))
  has <- vapply(nm, function(k) {
    m <- .ci_registry[[k]]
    !is.null(if (verb == "km") m$compute else m$cif)
  }, logical(1))
  nm[has]
}

#' Confidence-interval methods known to smallsurv
#'
#' Lists the pointwise confidence-interval methods that [km()] and [cif()]
#' accept as `conf.type`, with the reference for each, the verbs that
#' accept it and whether it is defined for case weights and for delayed
#' entry (counting-process data).
#' Method-specific arguments (the bootstrap's `reps` and `seed`) are passed
#' through the `...` of [km()] and [cif()].
#'
#' @section Percentile bootstrap (`conf.type = "bootstrap"`):
#' In each of `reps` replicates (default 2000) every stratum draws as many
#' subjects as it has, with replacement, from its own subjects (with `id`
#' in [cif()], whole clusters of rows); the Kaplan-Meier or Aalen-Johansen
#' estimate is refitted and evaluated at every time of the original fit as a
#' step function (the value at the last resampled time at or before it; 1
#' for the survival and 0 for an incidence before any). The limits are the
#' \eqn{\alpha/2} and \eqn{1 - \alpha/2} quantiles of the replicate values
#' with R's default definition, `quantile(type = 7)`. Case weights travel
#' with their rows (a row drawn \eqn{c} times has weight \eqn{c w_i});
#' delayed entry is allowed (subjects are resampled with their entry times).
#' Near-tied times are merged once, on the full data.
#'
#' The replicates come from smallsurv's own generator (xoshiro256**, one
#' stream per replicate derived from `seed`), not from R's, so the same
#' `seed` gives the same limits on every platform; `seed = NULL` (default)
#' draws the seed from R's generator, so [set.seed()] makes the result
#' reproducible. `reps` and `seed` are stored in the fit's `ci` list and
#' printed.
#'
#' The data are sorted once; each replicate costs \eqn{O(n + m)} for
#' \eqn{n} rows and \eqn{m} distinct times (no re-sorting), and the
#' percentiles \eqn{O(m \cdot reps)} (partial sorts). The replicate values
#' (\eqn{m \times} states \eqn{\times} `reps` doubles) are processed in
#' blocks of 64 MiB. As for every interval here, the limits are (1, 1) for
#' the survival (and (0, 0) for an incidence) before the first event.
#'
#' @return A data frame with columns `conf.type`, `label`, `km`, `cif`,
#'   `weights`, `delayed_entry`, `description` and `reference`.
#' @family confidence intervals
#' @examples
#' ci_methods()
#' fit <- km(survival::Surv(efs_time, efs_status) ~ 1, data = rrall,
#'           conf.type = "bootstrap", reps = 500, seed = 1)
#' fit
#' @export
ci_methods <- function() {
  nm <- sort(ls(.ci_registry))
  rows <- lapply(nm, function(k) {
    m <- .ci_registry[[k]]
    data.frame(conf.type = m$name, label = m$label, km = !is.null(m$compute),
               cif = !is.null(m$cif), weights = m$weights,
               delayed_entry = m$entry, description = m$description,
               reference = m$reference, stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

# Look up a method by name, with an error listing the valid names.
ci_method <- function(conf.type, verb = "km") {
  if (!is.character(conf.type) || length(conf.type) != 1L || is.na(conf.type)) {
    abort("`conf.type` must be a single string; got ", deparse1(conf.type), ".")
  }
  if (identical(conf.type, "none")) return(NULL)
  m <- if (nzchar(conf.type)) .ci_registry[[conf.type]] else NULL
  serves <- !is.null(m) && !is.null(if (verb == "km") m$compute else m$cif)
  if (!serves) {
    ok <- ci_names(verb)  # only for the message: sorting the registry costs ~20 us
    abort("`conf.type` must be one of ", paste0("\"", c(ok, "none"), "\"", collapse = ", "),
          if (!is.null(m)) paste0(" for ", verb, "()") else "",
          "; got \"", conf.type, "\".")
  }
  m
}

# Refuse a method on data it is not defined for.
check_ci_applicable <- function(method, input) {
  if (!method$weights && !is.null(input$weights)) {
    abort("`conf.type = \"", method$name, "\"` is not defined for case weights; ",
          "use one of the Greenwood-type intervals (e.g. \"log-log\").")
  }
  if (!method$entry && !is.null(input$entry)) {
    abort("`conf.type = \"", method$name, "\"` is not defined for delayed entry ",
          "(counting-process data); use one of the Greenwood-type intervals (e.g. \"log-log\").")
  }
  invisible(method)
}

# compute() for the methods of the core's table of pointwise intervals
# (src/core/pointwise.cpp: BPCP, Borkowf, likelihood-ratio, Rothman, Peto):
# the limits at every row of the fit, from the fit's own counts, stratum by
# stratum. With `start_rows` the fit gains a row at the start time of each
# stratum (add_start_rows(), R/ci-bpcp.R) carrying the interval before the
# first observed time, and is returned as `fit`.
pointwise_ci <- function(name, start_rows = FALSE) {
  force(name)
  force(start_rows)
  function(fit, input, conf.level, ...) {
    st <- fit_strata(fit)
    rows <- as.integer(st$to - st$from + 1L)
    out <- if (start_rows) add_start_rows(fit)$fit else fit
    st_out <- fit_strata(out)
    r <- pointwise_ci_cpp(name, fit$time, fit$n.risk, fit$n.event, fit$n.censor, rows,
                          out$time, as.integer(st_out$to - st_out$from + 1L), conf.level)
    list(lower = r$lower, upper = r$upper, fit = if (start_rows) out)
  }
}

# The Greenwood-type transforms, computed in C++ with survival::survfit()'s
# edge rules (src/core/ci_transform.cpp).
transform_ci <- function(type) {
  force(type)
  f <- function(fit, input, conf.level, se.low = NULL, conf.lower = "usual", ...) {
    z <- stats::qnorm(1 - (1 - conf.level) / 2)
    # survival's conf.lower (R/ci-likelihood.R): a different se for the lower limit
    if (is.null(se.low) && conf.lower != "usual") se.low <- conf_lower_se(fit, conf.lower)
    # NA where survival sets NA by rule, NaN where its arithmetic gives NaN
    ci_transform_cpp(type, fit$surv, fit$std.err, se.low, fit$logse, z,
                     zero_se_point = zero_se_point())
  }
  attr(f, "conf.lower") <- TRUE  # accepts km(conf.lower = )
  f
}

# The same transforms on the state probabilities of an Aalen-Johansen fit
# (standard errors on the probability scale, as survfit's multi-state fits):
# "log-log" transforms F itself, exp(-exp(log(-log F) -+ z se / (F log F)))
# (tidycmprsk, Pintilie 2006; survfit's "log-log"); "cloglog" transforms
# 1 - F (etm).
transform_ci_cif <- function(type) {
  force(type)
  function(p, se, conf.level, fit, input, ...) {
    z <- stats::qnorm(1 - (1 - conf.level) / 2)
    # (the limits come back with the dimensions of p: no copies)
    ci_transform_cpp(type, p, se, NULL, FALSE, z, nan_to_na = type != "plain",
                     zero_se_point = zero_se_point())
  }
}

# survival changed its limits where the standard error is 0 (before the
# first event; at the end of a curve that reached 0) in version 3.6: with
# "log", "log-log" and "logit" they are now (estimate, estimate) where they
# were NA (log-log at S = 1; log and logit at S = 0) or fell out of the
# arithmetic. getOption("smallsurv.limits_at_zero_se") picks the convention:
# "NA" (the default; survival < 3.6) or "estimate" (survival >= 3.6); see
# ?smallsurv-package.
zero_se_point <- function() {
  v <- getOption("smallsurv.limits_at_zero_se", "NA")
  if (!is.character(v) || length(v) != 1L || !v %in% c("NA", "estimate")) {
    abort("option `smallsurv.limits_at_zero_se` must be \"NA\" or \"estimate\"; got ",
          deparse1(v), ".")
  }
  identical(v, "estimate")
}

# The effective-sample-size intervals ("wilson-neff", "cp-neff"): n_eff =
# p (1 - p) / se^2 binary outcomes that would give the same variance, then
# Wilson's score interval or Clopper-Pearson's beta quantiles (x = p n_eff);
# NA where p is 0 or 1 or se is 0. The one implementation is the core's
# (core/greenwood_ci.h), which the coverage laboratory calls too.
neff_interval <- function(name) {
  force(name)
  function(p, se, conf.level) neff_ci_cpp(name, as.double(p), as.double(se), conf.level)
}
wilson_neff <- neff_interval("wilson-neff")
cp_neff <- neff_interval("cp-neff")

# ... for km fits (se of S on the probability scale) and for cif fits
# (matrices of state probabilities).
neff_km <- function(fun) {
  force(fun)
  function(fit, input, conf.level, ...) {
    se <- if (isTRUE(fit$logse)) fit$surv * fit$std.err else fit$std.err
    fun(fit$surv, se, conf.level)
  }
}
neff_cif <- function(fun) {
  force(fun)
  function(p, se, conf.level, fit, input, ...) {
    r <- fun(as.vector(p), as.vector(se), conf.level)
    list(lower = matrix(r$lower, nrow(p), ncol(p)), upper = matrix(r$upper, nrow(p), ncol(p)))
  }
}

# The registry from the core's table: the R side of each method by its kind
# ("transform": the fit's own estimate and standard error through
# ci_transform_cpp(); "pointwise": the core kernel on each stratum's counts,
# the same function the coverage laboratory calls; "effective_n"; "resample":
# the bootstrap of R/bootstrap.R).
build_ci_registry <- function(tab = ci_method_table_cpp()) {
  for (i in seq_along(tab$name)) {
    nm <- tab$name[i]
    km_fun <- switch(tab$kind[i],
      transform = transform_ci(nm),
      pointwise = if (tab$greenwood_only[i]) greenwood_only_ci(nm) else
        pointwise_ci(nm, start_rows = tab$start_row[i]),
      effective_n = neff_km(neff_interval(nm)),
      resample = boot_ci_km)
    cif_fun <- switch(tab$kind[i],
      transform = transform_ci_cif(nm),
      effective_n = neff_cif(neff_interval(nm)),
      resample = boot_ci_cif,
      NULL)
    if ((tab$cif[i] && is.null(cif_fun)) || (tab$km[i] && is.null(km_fun))) {
      stop("the core's interval table marks \"", nm, "\" for a verb that its kind (",
           tab$kind[i], ") cannot serve", call. = FALSE)
    }
    args <- strsplit(tab$args[i], " ", fixed = TRUE)[[1]]
    register_ci(nm, tab$label[i], if (tab$km[i]) km_fun, tab$reference[i], tab$description[i],
                weights = tab$weights[i], entry = tab$entry[i],
                cif = if (tab$cif[i]) cif_fun, args = args[nzchar(args)])
  }
  invisible()
}

# The one "estimate (lower, upper)" formatter of every table, print method
# and report: `estimate` is already formatted text, `fmt` formats the
# limits, a missing limit reads `na_limit`; when both limits are missing
# the estimate stands alone, or is followed by "(no_interval)" when that is
# given.
paste_ci <- function(estimate, lower, upper, fmt, na_limit = "NA", no_interval = NULL) {
  if (!length(estimate)) return(character())
  lim <- function(v) {
    out <- rep(na_limit, length(v))
    ok <- !is.na(v)
    out[ok] <- fmt(v[ok])
    out
  }
  out <- paste0(estimate, " (", lim(lower), ", ", lim(upper), ")")
  none <- is.na(lower) & is.na(upper)
  out[none] <- if (is.null(no_interval)) estimate[none] else
    paste0(estimate[none], " (", no_interval, ")")
  out
}

# The `ci` component of a cif() or multistate() fit: the interval method
# (NULL: none), the level, and the variance used and requested.
ci_info <- function(method, conf.level, variance, requested) {
  list(conf.type = if (is.null(method)) "none" else method$name,
       label = if (is.null(method)) "none" else method$label,
       reference = if (is.null(method)) NA_character_ else method$reference,
       conf.level = conf.level, variance = variance, variance_requested = requested)
}
