# The confidence-interval registry. Every pointwise CI method is an entry
# keyed by name; km() (and later verbs) look the method up and call its
# `compute` function, so new methods are added here without touching km().
#
# compute(fit, input, conf.level, ...) receives the fit built so far (survfit
# components: surv, std.err, logse, n.risk, n.event, time, strata, ...) and
# the canonical input (see surv-input.R); it returns list(lower, upper), one
# value per row of the fit.

.ci_registry <- new.env(parent = emptyenv())

register_ci <- function(name, label, compute, reference, description,
                        weights = TRUE, entry = TRUE) {
  .ci_registry[[name]] <- list(name = name, label = label, compute = compute,
                               reference = reference, description = description,
                               weights = weights, entry = entry)
  invisible(name)
}

#' Confidence-interval methods known to smallsurv
#'
#' Lists the pointwise confidence-interval methods that `km()` accepts as
#' `conf.type`, with the reference for each and whether it is defined for
#' case weights and for delayed entry (counting-process data).
#'
#' @return A data frame with columns `conf.type`, `label`, `weights`,
#'   `delayed_entry`, `description` and `reference`.
#' @family confidence intervals
#' @examples
#' ci_methods()
#' @export
ci_methods <- function() {
  nm <- sort(ls(.ci_registry))
  rows <- lapply(nm, function(k) {
    m <- .ci_registry[[k]]
    data.frame(conf.type = m$name, label = m$label, weights = m$weights,
               delayed_entry = m$entry, description = m$description,
               reference = m$reference, stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

# Look up a method by name, with an error listing the valid names.
ci_method <- function(conf.type) {
  if (!is.character(conf.type) || length(conf.type) != 1L || is.na(conf.type)) {
    abort("`conf.type` must be a single string; got ", deparse1(conf.type), ".")
  }
  if (identical(conf.type, "none")) return(NULL)
  m <- if (nzchar(conf.type)) .ci_registry[[conf.type]] else NULL
  if (is.null(m)) {
    abort("`conf.type` must be one of ", paste0("\"", c(sort(ls(.ci_registry)), "none"), "\"",
                                                 collapse = ", "),
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

# The Greenwood-type transforms, computed in C++ with survival::survfit()'s
# edge rules (src/core/ci_transform.cpp).
transform_ci <- function(type) {
  force(type)
  function(fit, input, conf.level, se.low = NULL, ...) {
    z <- stats::qnorm(1 - (1 - conf.level) / 2)
    # NA where survival sets NA by rule, NaN where its arithmetic gives NaN
    ci_transform_cpp(type, fit$surv, fit$std.err, se.low, fit$logse, z)
  }
}

register_ci("plain", "plain (linear) Greenwood", transform_ci("plain"),
            "Greenwood (1926); Klein & Moeschberger (2003), eq. 4.3.1",
            "S +- z se(S), truncated to [0, 1]")
register_ci("log", "log", transform_ci("log"),
            "survival::survfit default; no published reference",
            "S exp(-+ z se(log S)), upper limit capped at 1")
register_ci("log-log", "log-log (Kalbfleisch-Prentice)", transform_ci("log-log"),
            "Kalbfleisch & Prentice (1980), The Statistical Analysis of Failure Time Data",
            "exp(-exp(log(-log S) -+ z se / log S)); SAS PROC LIFETEST default")
register_ci("logit", "logit", transform_ci("logit"),
            "Meeker & Escobar (1998), Statistical Methods for Reliability Data",
            "expit(logit S -+ z se(log S) / (1 - S))")
register_ci("arcsin", "arcsine-square-root", transform_ci("arcsin"),
            "Nair (1984), Technometrics 26:265-275; Borgan & Liestol (1990), Scand J Stat 17:35-41",
            "sin^2(asin sqrt(S) -+ z se(log S) sqrt(S / (1 - S)) / 2)")
