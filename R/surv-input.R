# Formula + data -> one canonical survival input shared by every verb:
#   time     stop (or only) time
#   status   integer 0/1 (1 = event); with `multi = TRUE` integer 0..K
#            (0 = censored, k = the k-th cause) and `causes`, the K labels
#   id       the `id` argument (cluster of rows) or NULL
#   istate   the `istate` argument (multistate(): state at each row's start) or NULL
#   entry    start time for counting-process data, or NULL
#   weights  case weights or NULL
#   strata   factor labelled as survival::survfit() labels its curves, or NULL
#            when there is a single curve
#   type     "right" or "counting"
#   na.action  the na.action attribute (rows removed), or NULL
#   row_label  function(i) giving the data's label of kept observation i
#   vars     (only with keep_vars = TRUE) data frame of the right-hand-side
#            variables of the kept rows, one column per term label
#
# Two routes give identical results (tested): a fast route for the plain
# `Surv(a, b[, c]) ~ x1 + x2` call on a data frame, which reads the columns
# directly (model.frame() costs ~0.5 s per million rows), and the general
# model.frame() route for everything else (expressions, subset, na.action).

surv_input <- function(mcall, env, allow_entry = TRUE, keep_vars = FALSE, multi = FALSE,
                       cencode = NULL) {
  if (is.null(mcall$formula)) {
    abort("`formula` is required, e.g. `Surv(time, status) ~ 1`.")
  }
  formula <- eval(mcall$formula, env)
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    abort("`formula` must be a two-sided formula such as `Surv(time, status) ~ group`; got ",
          deparse1(mcall$formula), ".")
  }
  formula <- strip_surv_namespace(formula)
  data <- if (is.null(mcall$data)) NULL else eval(mcall$data, env)
  if (!is.null(data) && !is.data.frame(data)) {
    abort("`data` must be a data frame; got an object of class ",
          paste(class(data), collapse = "/"), ".")
  }
  if (!is.null(data) && nrow(data) == 0L) abort("`data` has no rows.")
  # the verb that was called, for messages about the status (surv_status())
  old_verb <- .smallsurv_cache$verb
  .smallsurv_cache$verb <- list(call = mcall, fun = sys.function(-1L))
  on.exit(.smallsurv_cache$verb <- old_verb, add = TRUE)
  x <- surv_input_fast(mcall, formula, data, env, keep_vars, multi, cencode)
  if (is.null(x)) x <- surv_input_frame(mcall, formula, env, keep_vars, multi, cencode)
  if (length(x$time) == 0L) {
    abort("no observations left to analyse",
          if (!is.null(x$na.action)) paste0(" after removing ", length(x$na.action),
                                            " rows with missing values") else "", ".")
  }
  if (!allow_entry && !is.null(x$entry)) {
    abort("`formula`: counting-process data `Surv(start, stop, event)` is not supported here.")
  }
  check_surv_data(x)
  # the unit of the times, when the data state it (endpoints() does)
  u <- if (is.null(data)) NULL else attr(data, "unit")
  x$unit <- if (is.character(u) && length(u) == 1L && !is.na(u) && nzchar(u)) u
  x
}

# `survival::Surv(...)` on the left-hand side is read as `Surv(...)`, so that
# both routes see the raw columns (bad values reported by row, factor and
# coded statuses kept for cif()).
strip_surv_namespace <- function(formula) {
  lhs <- formula[[2L]]
  if (is.call(lhs) && identical(lhs[[1L]], quote(survival::Surv))) {
    lhs[[1L]] <- as.name("Surv")
    formula[[2L]] <- lhs
  }
  formula
}

# ---- status handling shared by both routes ----------------------------------

# "km()", "rmst()", ... : the exported verb whose input surv_input() is
# reading (it records the calling function while it runs; the name is looked
# up only when a message needs it), else the name it was called by.
current_verb <- function() {
  v <- .smallsurv_cache$verb
  if (is.null(v)) return("km()")
  ns <- asNamespace("smallsurv")
  for (nm in getNamespaceExports(ns)) {
    f <- get0(nm, envir = ns, inherits = FALSE)
    if (is.function(f) && identical(f, v$fun)) return(paste0(nm, "()"))
  }
  f <- v$call[[1L]]
  nm <- if (is.call(f)) as.character(f[[length(f)]]) else as.character(f)
  paste0(nm[length(nm)], "()")
}

surv_status <- function(status, row_label) {
  if (is.factor(status) || is.character(status)) {
    abort("`formula`: the status in `Surv()` is a ", class(status)[1], "; ", current_verb(),
          " needs 0/1 or TRUE/FALSE. For competing events use cif().")
  }
  if (is.logical(status)) return(as.integer(status))
  if (!is.numeric(status)) {
    abort("`formula`: the status in `Surv()` must be 0/1 or TRUE/FALSE; got ",
          class(status)[1], ".")
  }
  # 0/1, or survival::Surv()'s 1/2 coding (1 = censored, 2 = event) when
  # every value is 1 or 2 and some is 2; one pass in C++
  r <- status01_cpp(as.double(status))
  if (length(r$bad)) {
    bad <- r$bad
    abort("`formula`: the status must be 0/1 (or TRUE/FALSE, or 1/2 as in `Surv()`); ",
          format_rows(row_label(bad)), " ha", if (length(bad) == 1L) "s " else "ve ",
          "status ", deparse1(utils::head(unique(status[bad]), 6)),
          ". For competing events use cif().")
  }
  r$codes
}

# A status factor's first level is its censoring code (survival's
# convention). A later level named like censoring ("censored", "cens",
# "event-free", "none", "0", ...) means the levels are out of order, which
# would silently turn censoring into a cause and the first cause into
# censoring: refuse, naming both.
# (One PCRE match with the surrounding whitespace in the pattern: trimws()
# and TRE's case-insensitive matching cost ~50 us per call, a sixth of a
# small cif().)
censoring_like <- function(x) {
  grepl(paste0("^[ \t\r\n]*(cens(or(ed|ing)?)?|0|none|no[ _.-]?event|event[ _.-]?free|",
               "alive[ _.-]?(and[ _.-]?)?event[ _.-]?free)[ \t\r\n]*$"),
        x, ignore.case = TRUE, perl = TRUE)
}

check_censoring_first <- function(lev) {
  bad <- which(censoring_like(lev))
  bad <- bad[bad > 1L]
  if (length(bad) && !censoring_like(lev[1L])) {
    abort("`formula`: the status factor's first level, \"", lev[1L], "\", is taken as ",
          "censoring (survival's convention), but level ", bad[1L], ", \"", lev[bad[1L]],
          "\", looks like the censoring code. Put it first, e.g. `factor(event, levels = c(\"",
          lev[bad[1L]], "\", ", paste0("\"", lev[-bad[1L]], "\"", collapse = ", "),
          "))`, or name it with `cencode = \"", lev[bad[1L]], "\"`.")
  }
  invisible(lev)
}

# Competing causes: a factor whose first level is censoring (survival's
# convention) or whose censoring level is `cencode`; numeric or character
# codes with an explicit `cencode`. Returns integer codes 0..K (0 = censored)
# and the K cause labels (all levels of a factor, used or not, in order).
multi_status <- function(status, cencode, row_label) {
  if (is.logical(status)) {
    abort("`formula`: the status in `Surv()` is logical; competing events need a factor ",
          "(first level = censoring) or numeric codes with `cencode`.")
  }
  if (!is.null(cencode) && (length(cencode) != 1L || is.na(cencode))) {
    abort("`cencode` must be a single value (the censoring code); got ", deparse1(cencode), ".")
  }
  if (is.factor(status)) {
    lev <- levels(status)
    if (is.null(cencode)) check_censoring_first(lev)
    cens <- if (is.null(cencode)) lev[1L] else as.character(cencode)
    if (!cens %in% lev) {
      abort("`cencode` = ", deparse1(cencode), " is not a level of the status factor (levels ",
            paste0("\"", lev, "\"", collapse = ", "), ").")
    }
    causes <- setdiff(lev, cens)
    code <- match(as.character(status), causes, nomatch = 0L)
  } else if (is.numeric(status) || is.character(status)) {
    if (is.null(cencode)) {
      abort("`cencode` is required when the status in `Surv()` is ", class(status)[1],
            " (e.g. `cencode = ", if (is.numeric(status)) "0" else "\"censored\"",
            "`); a factor status uses its first level as censoring.")
    }
    if (is.numeric(status) && !is.numeric(cencode)) {
      abort("`cencode` must be numeric for a numeric status; got ", deparse1(cencode), ".")
    }
    # a censoring code that no observation has would make every value a
    # cause (a typo such as cencode = 9 or "censord")
    # a censoring code that no observation has: data without censoring, or
    # a typo (cencode = 9 while 0 is the code) that would make the real
    # censoring code a cause -- an error when a value looks like censoring
    if (!any(status == cencode, na.rm = TRUE)) {
      vals <- sort(unique(status[!is.na(status)]))
      shown <- paste(utils::head(vapply(vals, deparse1, ""), 10), collapse = ", ")
      if (is.character(status)) {
        abort("`cencode` = ", deparse1(cencode), " matches no observation; the status values ",
              "are ", shown, if (length(vals) > 10) ", ..." else "", ". (Without any ",
              "censored subject, give the status as a factor whose first level is the unused ",
              "censoring level.)")
      }
      if (any(censoring_like(as.character(vals)))) {
        abort("`cencode` = ", deparse1(cencode), " matches no observation, but ",
              deparse1(vals[censoring_like(as.character(vals))][1]), " looks like the ",
              "censoring code; the status values are ", shown,
              if (length(vals) > 10) ", ..." else "", ".")
      }
      warning("`cencode` = ", deparse1(cencode), " matches no observation: no subject is ",
              "censored (status values ", shown, if (length(vals) > 10) ", ..." else "", ").",
              call. = FALSE)
    }
    keep <- status != cencode
    causes <- sort(unique(status[keep]))
    code <- match(status, causes, nomatch = 0L)
    causes <- as.character(causes)
  } else {
    abort("`formula`: the status in `Surv()` must be a factor or codes; got ",
          class(status)[1], ".")
  }
  if (!length(causes)) {
    abort("`formula`: the status has no cause besides the censoring code ",
          deparse1(if (is.null(cencode)) levels(status)[1L] else cencode), ".")
  }
  list(status = as.integer(code), causes = causes,
       censor_label = if (is.factor(status)) cens else as.character(cencode))
}

new_surv_input <- function(time, status, entry, weights, strata, na.action, row_label,
                           multi = FALSE, cencode = NULL, id = NULL, istate = NULL) {
  causes <- censor_label <- NULL
  if (multi) {
    ms <- multi_status(status, cencode, row_label)
    status <- ms$status
    causes <- ms$causes
    censor_label <- ms$censor_label
  } else {
    status <- surv_status(status, row_label)
  }
  if (!is.null(strata) && nlevels(strata) < 2L) strata <- NULL
  list(time = as.double(time), status = status, causes = causes,
       censor_label = censor_label, id = id, istate = istate,
       entry = if (is.null(entry)) NULL else as.double(entry),
       weights = if (is.null(weights)) NULL else as.double(weights),
       strata = strata, type = if (is.null(entry)) "right" else "counting",
       na.action = na.action, row_label = row_label)
}

# Split the Surv() arguments as survival::Surv(time, time2, event) matches
# them: two arguments are (time, status), three are (start, stop, status).
surv_args <- function(time, time2, event, type, origin) {
  if (!missing(type) && !type %in% c("right", "counting")) {
    abort("`formula`: only right-censored or counting-process data `Surv(start, stop, event)` ",
          "are supported; got `type = \"", type, "\"`.")
  }
  if (!missing(origin) && !identical(origin, 0)) {
    abort("`formula`: the `origin` argument of `Surv()` is not supported.")
  }
  if (missing(time)) abort("`formula`: `Surv()` needs a time.")
  if (missing(event)) {
    if (missing(time2)) abort("`formula`: `Surv()` needs a status: `Surv(time, status)`.")
    return(list(entry = NULL, time = time, status = time2))
  }
  if (missing(time2)) return(list(entry = NULL, time = time, status = event))
  list(entry = time, time = time2, status = event)
}

# Stand-in for Surv() while the model frame is built: keeps the raw columns so
# that bad values are reported by row instead of silently turned into NA.
# With `rec` (an environment), a factor or character status is kept as codes
# and its levels are recorded in `rec$levels` (competing events).
make_raw_surv <- function(rec = NULL) {
  function(time, time2, event, type, origin) {
    raw_surv(time, time2, event, type, origin, rec)
  }
}

raw_surv <- function(time, time2, event, type, origin, rec = NULL) {
  a <- surv_args(time, time2, event, type, origin)
  a <- a[!vapply(a, is.null, logical(1))]
  n <- length(a$time)
  for (nm in names(a)) {
    if (length(a[[nm]]) != n) {
      abort("`formula`: the arguments of `Surv()` differ in length (", n, " and ",
            length(a[[nm]]), ").")
    }
    if (nm != "status" && !is.numeric(a[[nm]])) {
      abort("`formula`: the ", nm, " in `Surv()` must be numeric; got ", class(a[[nm]])[1], ".")
    }
  }
  if (!is.null(rec)) rec$type <- class(a$status)[1]
  if (is.factor(a$status) || is.character(a$status)) {
    if (is.null(rec)) surv_status(a$status, identity)
    f <- if (is.factor(a$status)) a$status else factor(a$status)
    rec$levels <- levels(f)
    a$status <- as.integer(f)
  }
  m <- do.call(cbind, lapply(a, as.numeric))
  # recognised by these column names (a class would be lost when model.frame
  # subsets the rows)
  colnames(m) <- paste0(raw_surv_prefix, colnames(m))
  m
}

raw_surv_prefix <- ".smallsurv_raw_"

is_raw_surv <- function(y) {
  is.matrix(y) && !is.null(colnames(y)) && all(startsWith(colnames(y), raw_surv_prefix))
}

# ---- general route: model.frame() --------------------------------------------

surv_input_frame <- function(mcall, formula, env, keep_vars = FALSE, multi = FALSE,
                             cencode = NULL) {
  fenv <- environment(formula)
  if (is.null(fenv)) fenv <- env
  menv <- new.env(parent = fenv)
  rec <- if (multi) new.env(parent = emptyenv()) else NULL
  assign("Surv", if (multi) make_raw_surv(rec) else raw_surv, envir = menv)
  environment(formula) <- menv
  keep <- match(c("data", "weights", "subset", "id", "istate"), names(mcall), 0L)
  mf_call <- mcall[c(1L, keep)]
  mf_call[[1L]] <- quote(stats::model.frame)
  mf_call$formula <- formula
  mf_call$na.action <- quote(stats::na.pass)
  mf <- eval(mf_call, env)
  terms <- attr(mf, "terms")
  if (any(attr(terms, "order") > 1L)) {
    abort("`formula`: interaction terms are not allowed; strata are the combinations of the ",
          "variables given with `+`.")
  }
  mf <- apply_na_action(mf, mcall, env)
  y <- stats::model.response(mf)
  labels <- row.names(mf)
  row_label <- function(i) labels[i]
  if (inherits(y, "Surv")) {
    ytype <- attr(y, "type")
    if (ytype == "right") {
      entry <- NULL; time <- y[, 1]; status <- y[, 2]
    } else if (ytype == "counting") {
      entry <- y[, 1]; time <- y[, 2]; status <- y[, 3]
    } else if (ytype %in% c("mright", "mcounting")) {
      if (!multi) abort("`formula`: the status is a factor (competing or multiple events); use cif().")
      entry <- if (ytype == "mcounting") y[, 1] else NULL
      time <- y[, if (ytype == "mcounting") 2 else 1]
      st <- y[, ncol(y)]
      # survival >= 3.8-12 keeps the censoring level's name ("clabel")
      cl <- attr(y, "clabel")
      cl <- if (is.character(cl) && length(cl) == 1L && !is.na(cl)) cl else "(censored)"
      status <- structure(as.integer(st) + 1L, levels = c(cl, attr(y, "states")),
                          class = "factor")
      cencode <- NULL
    } else {
      abort("`formula`: only right-censored or counting-process data are supported; got a Surv ",
            "object of type \"", ytype, "\".")
    }
  } else if (is_raw_surv(y)) {
    cn <- sub(raw_surv_prefix, "", colnames(y), fixed = TRUE)
    entry <- if ("entry" %in% cn) y[, cn == "entry"] else NULL
    time <- y[, cn == "time"]
    status <- y[, cn == "status"]
    if (multi && !is.null(rec$levels)) {
      # a character status stays character (it needs `cencode`, as on the
      # fast route); a factor keeps its levels
      status <- if (identical(rec$type, "character")) rec$levels[as.integer(status)] else
        structure(as.integer(status), levels = rec$levels, class = "factor")
    } else if (multi && identical(rec$type, "logical")) {
      status <- as.logical(status)
    }
  } else {
    abort("`formula`: the left-hand side must be `Surv(time, status)` or ",
          "`Surv(start, stop, status)`; got ", deparse1(formula[[2L]]), ".")
  }
  weights <- stats::model.weights(mf)
  if (!is.null(weights) && !is.numeric(weights)) {
    abort("`weights` must be numeric; got ", class(weights)[1], ".")
  }
  vars <- attr(terms, "term.labels")
  strata <- if (length(vars)) make_strata(mf[vars]) else NULL
  id <- mf[["(id)"]]  # the caller's `id` (cif(), the exposure verbs), kept rows only
  x <- new_surv_input(unname(time), unname(status), if (!is.null(entry)) unname(entry),
                      weights, strata, attr(mf, "na.action"), row_label, multi, cencode, id,
                      istate = mf[["(istate)"]])
  if (keep_vars) x$vars <- mf[vars]
  x
}

# Apply the caller's na.action to a frame built with na.pass; na.fail gets a
# message naming the rows and variables.
apply_na_action <- function(mf, mcall, env) {
  na_fun <- if (is.null(mcall$na.action)) getOption("na.action", "na.omit") else
    eval(mcall$na.action, env)
  if (is.character(na_fun)) na_fun <- get(na_fun, mode = "function", envir = env)
  if (!is.function(na_fun)) abort("`na.action` must be a function such as na.omit.")
  has_na <- !stats::complete.cases(mf)
  if (!any(has_na)) return(mf)
  if (identical(na_fun, stats::na.fail)) {
    cols <- names(mf)[vapply(mf, anyNA, logical(1))]
    abort("`na.action = na.fail`: missing values in ", paste0("`", cols, "`", collapse = ", "),
          " at ", format_rows(row.names(mf)[has_na]), ".")
  }
  na_fun(mf)
}

# ---- fast route ---------------------------------------------------------------

# Returns NULL when the call is not of the plain form it handles.
surv_input_fast <- function(mcall, formula, data, env, keep_vars = FALSE, multi = FALSE,
                            cencode = NULL) {
  if (is.null(data)) return(NULL)
  if (!is.null(mcall$subset)) return(NULL)
  if (!is.null(mcall$na.action) || !identical(getOption("na.action"), "na.omit")) return(NULL)
  lhs <- formula[[2L]]
  if (!is.call(lhs) || !identical(lhs[[1L]], as.name("Surv"))) return(NULL)
  fenv <- environment(formula)
  if (is.null(fenv)) fenv <- env
  f <- get0("Surv", envir = fenv, mode = "function")
  if (!is.null(f) && !identical(f, survival::Surv)) return(NULL)
  cols <- names(data)
  is_col <- function(e) is.name(e) && as.character(e) %in% cols
  args <- as.list(lhs)[-1L]
  if (!length(args) || !all(vapply(args, is_col, logical(1)))) return(NULL)
  if (!is.null(names(args)) && !all(names(args) %in% c("", "time", "time2", "event"))) return(NULL)
  rhs_vars <- unique(rhs_symbols(formula[[3L]]))
  if (is.null(rhs_vars) || !all(rhs_vars %in% cols)) return(NULL)
  wexpr <- mcall$weights
  if (!is.null(wexpr) && !is_col(wexpr)) return(NULL)
  idexpr <- mcall$id  # an id column (cif(), the exposure verbs); any other expression: model.frame
  if (!is.null(idexpr) && !is_col(idexpr)) return(NULL)
  istexpr <- mcall$istate  # multistate()'s initial states: a column, or model.frame
  if (!is.null(istexpr) && !is_col(istexpr)) return(NULL)

  col <- function(e) .subset2(data, as.character(e))  # no [[.data.frame dispatch
  a <- do.call(surv_args, lapply(args, col))
  for (nm in c("entry", "time")) {
    v <- a[[nm]]
    if (!is.null(v) && !is.numeric(v)) {
      abort("`formula`: the ", nm, " in `Surv()` must be numeric; got ", class(v)[1], ".")
    }
  }
  weights <- if (is.null(wexpr)) NULL else col(wexpr)
  if (!is.null(weights) && !is.numeric(weights)) {
    abort("`weights` must be numeric; got ", class(weights)[1], ".")
  }
  id <- if (is.null(idexpr)) NULL else col(idexpr)
  istate <- if (is.null(istexpr)) NULL else col(istexpr)
  used <- c(list(a$entry, a$time, a$status, weights, id, istate), lapply(rhs_vars, col))
  used <- used[!vapply(used, is.null, logical(1))]
  lens <- lengths(used)
  # e.g. matrix columns: let model.frame decide
  if (any(lens != .row_names_info(data, 2L))) return(NULL)
  miss <- NULL
  for (v in used) if (anyNA(v)) miss <- if (is.null(miss)) is.na(v) else miss | is.na(v)
  na.action <- NULL
  keep <- NULL
  if (!is.null(miss) && any(miss)) {
    keep <- which(!miss)
    dropped <- which(miss)
    na.action <- structure(dropped, names = row.names(data)[dropped], class = "omit")
    sub <- function(v) if (is.null(v)) NULL else v[keep]
    a <- lapply(a, sub)
    weights <- sub(weights)
    id <- sub(id)
    istate <- sub(istate)
  }
  strata <- NULL
  sdata <- NULL
  if (length(rhs_vars) || keep_vars) {
    sdata <- data[rhs_vars]
    if (!is.null(keep)) sdata <- sdata[keep, , drop = FALSE]
    if (length(rhs_vars)) strata <- make_strata(sdata)
  }
  rn <- .row_names_info(data, type = 0L)
  row_label <- function(i) {
    j <- if (is.null(keep)) i else keep[i]
    if (is.integer(rn) && length(rn) == 2L && is.na(rn[1L])) as.character(j) else row.names(data)[j]
  }
  x <- new_surv_input(a$time, a$status, a$entry, weights, strata, na.action, row_label,
                      multi, cencode, id, istate)
  if (keep_vars) x$vars <- sdata
  x
}

# Curves = combinations of the variables, labelled as survfit labels them
# (survival::strata() on the model-frame columns: "x=a" or "x=a, y=b", unused
# combinations dropped). One variable, the common case, takes a direct route
# with the same result (tested against strata()).
make_strata <- function(df) {
  if (ncol(df) != 1L) return(survival::strata(df))
  x <- df[[1L]]
  f <- if (is.null(levels(x))) factor(x) else x
  codes <- unclass(f)
  lev <- levels(f)
  used <- which(tabulate(codes, length(lev)) > 0L)
  remap <- integer(length(lev))
  remap[used] <- seq_along(used)
  structure(remap[codes], levels = paste(names(df), lev[used], sep = "="), class = "factor")
}

# Variables of a right-hand side made only of `1` and `+`-joined names;
# NULL for anything else.
rhs_symbols <- function(e) {
  if (is.numeric(e) && length(e) == 1L && e == 1) return(character(0))
  if (is.name(e)) return(as.character(e))
  if (is.call(e) && identical(e[[1L]], as.name("+")) && length(e) == 3L) {
    l <- rhs_symbols(e[[2L]])
    r <- rhs_symbols(e[[3L]])
    if (is.null(l) || is.null(r)) return(NULL)
    return(c(l, r))
  }
  NULL
}
