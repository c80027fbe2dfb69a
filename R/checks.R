# Argument checks shared by every verb. Messages say which argument, what was
# expected, what was supplied and, for data problems, which rows.

# Format labels for a message: at most `max` of them, then "and k more",
# after the singular or plural noun ("row 3" / "rows 3, 7 and 2 more").
format_rows <- function(rows, max = 6L, noun = c("row", "rows")) {
  rows <- as.character(rows)
  k <- length(rows)
  shown <- paste(utils::head(rows, max), collapse = ", ")
  if (k > max) shown <- paste0(shown, " and ", k - max, " more")
  paste0(if (k == 1L) noun[1L] else noun[2L], " ", shown)
}

# Stop with a message built from pieces; `call. = FALSE` keeps it readable.
abort <- function(...) stop(paste0(...), call. = FALSE)

check_conf_level <- function(conf.level, arg = "conf.level") {
  if (!is.numeric(conf.level) || length(conf.level) != 1L || is.na(conf.level) ||
      conf.level <= 0 || conf.level >= 1) {
    abort("`", arg, "` must be a single number strictly between 0 and 1; got ",
          deparse1(conf.level), ".")
  }
  invisible(conf.level)
}

check_flag <- function(x, arg) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    abort("`", arg, "` must be TRUE or FALSE; got ", deparse1(x), ".")
  }
  invisible(x)
}

check_times_arg <- function(times, arg = "times") {
  if (!is.numeric(times) || length(times) == 0L || anyNA(times) || any(!is.finite(times))) {
    abort("`", arg, "` must be a non-empty numeric vector of finite times; got ",
          deparse1(utils::head(times, 6)), ".")
  }
  if (any(times < 0)) abort("`", arg, "` must not contain negative times; got ",
                            deparse1(times[times < 0]), ".")
  invisible(times)
}

# Validate the canonical survival input (see surv-input.R). `x$row_label(i)`
# gives the data's label of observation i, for messages.
check_surv_data <- function(x) {
  # the common case, cheaply: every value finite and in range
  ok_range <- function(v, lower_ok) {
    if (is.null(v) || !length(v)) return(TRUE)
    mn <- min(v)
    !is.na(mn) && is.finite(mn) && is.finite(max(v)) && lower_ok(mn)
  }
  if (ok_range(x$time, function(m) m >= 0) &&
      (is.null(x$entry) || (ok_range(x$entry, function(m) m >= 0) && all(x$entry < x$time))) &&
      ok_range(x$weights, function(m) m >= 0)) {
    return(invisible(x))
  }
  rows <- x$row_label
  bad <- function(cond) which(cond)
  i <- bad(!is.finite(x$time))
  if (length(i)) abort("`formula`: the (stop) time must be finite; ", format_rows(rows(i)),
                       " ha", if (length(i) == 1L) "s " else "ve ",
                       "infinite or non-numeric times (", deparse1(utils::head(x$time[i], 6)), ").")
  i <- bad(x$time < 0)
  if (length(i)) abort("`formula`: times must not be negative; ", format_rows(rows(i)),
                       " (", deparse1(utils::head(x$time[i], 6)), ").")
  if (!is.null(x$entry)) {
    i <- bad(!is.finite(x$entry))
    if (length(i)) abort("`formula`: the start time must be finite; ", format_rows(rows(i)), ".")
    i <- bad(x$entry < 0)
    if (length(i)) abort("`formula`: start times must not be negative; ", format_rows(rows(i)),
                         " (", deparse1(utils::head(x$entry[i], 6)), ").")
    i <- bad(x$entry >= x$time)
    if (length(i)) abort("`formula`: the start time must be before the stop time; ",
                         format_rows(rows(i)), " (start ", deparse1(utils::head(x$entry[i], 6)),
                         ", stop ", deparse1(utils::head(x$time[i], 6)), ").")
  }
  if (!is.null(x$weights)) {
    i <- bad(!is.finite(x$weights))
    if (length(i)) abort("`weights` must be finite; ", format_rows(rows(i)), ".")
    i <- bad(x$weights < 0)
    if (length(i)) abort("`weights` must not be negative; ", format_rows(rows(i)),
                         " (", deparse1(utils::head(x$weights[i], 6)), ").")
  }
  invisible(x)
}

# Arguments in `...` that nothing uses are errors, with a pointer for the
# names other packages use. Takes the unevaluated arguments
# (`match.call(expand.dots = FALSE)$...`), so that an argument such as
# `id = patient` is reported, not evaluated. The interval method `method`
# (a registry entry, or NULL) declares in `args` the names it accepts.
check_dots <- function(dots, verb, method = NULL) {
  if (!length(dots)) return(invisible())
  nm <- names(dots)
  if (is.null(nm)) nm <- rep("", length(dots))
  nm[is.na(nm) | nm == ""] <- "<unnamed>"
  nm <- nm[!nm %in% method$args]
  if (!length(nm)) return(invisible())
  hints <- c(conf.int = "use `conf.level`", error = "the variance follows survfit's rules",
             type = "km() always computes the Kaplan-Meier estimate",
             ctype = "not supported", stype = "not supported", id = "not supported by km()",
             cluster = "not supported by km()")
  # arguments of other interval methods
  for (k in ls(.ci_registry)) {
    for (a in .ci_registry[[k]]$args) {
      if (!a %in% names(hints)) hints[[a]] <- paste0("only with `conf.type = \"", k, "\"`")
    }
  }
  msg <- vapply(nm, function(k) {
    if (k %in% names(hints)) paste0("`", k, "` (", hints[[k]], ")") else paste0("`", k, "`")
  }, character(1))
  abort(verb, "(): unused argument", if (length(nm) > 1L) "s" else "", ": ",
        paste(msg, collapse = ", "), ".")
}

# A number of replicates: a single whole number in [min, max]; `what` names
# them in the message (e.g. "bootstrap replicates").
check_reps <- function(reps, min, max, what) {
  if (!is.numeric(reps) || length(reps) != 1L || !is.finite(reps) || reps != round(reps) ||
      reps < min || reps > max) {
    abort("`reps` must be a single whole number between ", format(min), " and ",
          sub("e\\+0?", "e", format(max, scientific = max >= 1e5)), " (the number of ", what, "); got ",
          deparse1(reps), ".")
  }
  as.double(reps)
}

# A seed for smallsurv's own generator (src/core/rng.h): a whole number in
# [0, 2^53]; NULL draws one from R's generator, so set.seed() makes the
# result reproducible.
check_seed <- function(seed) {
  if (is.null(seed)) return(as.double(sample.int(.Machine$integer.max, 1L)))
  if (!is.numeric(seed) || length(seed) != 1L || !is.finite(seed) ||
      seed != round(seed) || seed < 0 || seed > 2^53) {
    abort("`seed` must be NULL or a single whole number between 0 and 2^53; got ",
          deparse1(seed), ".")
  }
  as.double(seed)
}

# The resampling arguments (see ?resampling): a time budget in seconds, the
# kind of permutation p-value, and deprecated argument names.
check_budget <- function(budget) {
  if (!is.numeric(budget) || length(budget) != 1L || is.na(budget) || budget <= 0) {
    abort("`budget` must be a single positive number of seconds (Inf for no limit); got ",
          deparse1(budget), ".")
  }
  as.double(budget)
}

# `permutation` as a choice among `choices`; TRUE/FALSE (the old form of
# gray_test() and rmst()) work with a deprecation message.
check_permutation <- function(permutation, choices, verb) {
  if (is.logical(permutation) && length(permutation) == 1L && !is.na(permutation)) {
    new <- if (permutation) "monte-carlo" else "none"
    deprecated_arg(verb, paste0("permutation = ", permutation),
                   paste0("permutation = \"", new, "\""))
    return(new)
  }
  if (!is.character(permutation) || length(permutation) < 1L ||
      !permutation[1L] %in% choices) {
    abort("`permutation` must be one of ", paste0("\"", choices, "\"", collapse = ", "),
          "; got ", deparse1(permutation), ".")
  }
  permutation[1L]
}

deprecated_arg <- function(verb, old, new) {
  message(verb, "(): `", old, "` is deprecated; use `", new, "`.")
}

# One string among `choices` (the default, the whole vector, gives the
# first), else an error naming the argument and the choices.
match_one <- function(x, choices, arg) {
  if (identical(x, choices)) return(choices[1])
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices) {
    abort("`", arg, "` must be one of ", paste0("\"", choices, "\"", collapse = ", "),
          "; got ", deparse1(x), ".")
  }
  x
}

# A weight exponent (log-rank rho, gamma): one non-negative number.
check_weight_exponent <- function(x, arg) {
  if (!is.numeric(x) || length(x) != 1L || !is.finite(x) || x < 0) {
    abort("`", arg, "` must be a single non-negative number; got ", deparse1(x), ".")
  }
  invisible(x)
}

# A whole number between 1 and `max` (replicates, permutations).
check_count <- function(x, arg, max = Inf) {
  if (!is.numeric(x) || length(x) != 1L || !is.finite(x) || x < 1 || x != round(x) || x > max) {
    abort("`", arg, "` must be a whole number between 1 and ", format(max, scientific = FALSE),
          "; got ", deparse1(x), ".")
  }
  invisible(x)
}

# A column of `data`, named by a string (endpoints()).
check_column_name <- function(x, arg, data) {
  if (!is.character(x) || length(x) != 1L || is.na(x)) {
    abort("`", arg, "` must be the name of a column of `data` (a string); got ",
          deparse1(x), ".")
  }
  if (!x %in% names(data)) {
    abort("`", arg, "` names column \"", x, "\", which is not in `data`",
          if (!arg %in% c("id", "origin", "last_contact", "cutoff", "induction_failure"))
            paste0("; set `", arg, " = NULL` if the data have no such date") else "", ".")
  }
  invisible(x)
}

# The variance of a multi-state fit (multistate() and its coverage
# laboratory).
check_ms_variance <- function(variance) {
  if (!is.character(variance) || length(variance) != 1L ||
      !variance %in% c("ij", "greenwood", "aalen")) {
    abort("`variance` must be \"ij\", \"greenwood\" or \"aalen\"; got ", deparse1(variance),
          ".")
  }
  invisible(variance)
}
