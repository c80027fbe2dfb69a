# bench/regression.R -- speed of smallsurv::cox() and fine_gray() against
# survival::coxph(), coxphf::coxphf() and cmprsk::crr(). A benchmark, not a
# test: it writes a report (bench/RESULTS-regression.md) and never fails on
# a goal.
#
# Usage (from the repository root):
#   Rscript bench/regression.R            # full run (~3 min)
#   Rscript bench/regression.R --quick    # smoke test
#   Rscript bench/regression.R --out=FILE
# SMALLSURV_LIB=/path/to/library puts a library first on .libPaths().
#
# Method (goals from issue #17)
# * cox() vs coxph() at n = 1e5, 5 covariates (3 normal, 2 binary), times
#   Exp rounded to 2 decimals (ties), Efron ties; goal >= 1.5x.
# * cox(firth = TRUE) vs coxphf() (profile intervals, pl = TRUE, its
#   defaults) at n = 500, 3 covariates; goal >= 20x.
# * fine_gray() vs crr() at n = 5000, 3 covariates, continuous times;
#   goal >= 20x. crr at its default gtol (1e-6); fine_gray() to its tighter
#   optimum.
# * End to end (formula calls, model frames included), interleaved in one
#   process, shuffled order each repetition, medians; ratio = reference /
#   smallsurv (> 1: smallsurv faster). |diff| is the largest absolute
#   difference of the coefficients.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                 value = TRUE)[1])), "harness.R"))
quick <- any(args == "--quick")
out_arg <- grep("^--out=", args, value = TRUE)
out_file <- if (length(out_arg)) sub("^--out=", "", out_arg[1L]) else
  if (quick) file.path(tempdir(), "smallsurv-bench-regression-quick.md") else
    "bench/RESULTS-regression.md"
lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages({
  library(survival)
  library(smallsurv)
  library(coxphf)
  library(cmprsk)
})

make_data <- function(n, p_norm, p_bin, digits = 2) {
  set.seed(n + p_norm)
  x <- cbind(matrix(stats::rnorm(n * p_norm), n), matrix(stats::rbinom(n * p_bin, 1, 0.4), n))
  colnames(x) <- paste0("x", seq_len(ncol(x)))
  eta <- drop(x %*% rep(c(0.3, -0.2), length.out = ncol(x)))
  t <- stats::rexp(n, 0.1 * exp(eta))
  c <- stats::runif(n, 0, 20)
  d <- data.frame(time = round(pmin(t, c), digits) + 10^-digits, status = as.integer(t <= c), x)
  d
}
row <- function(what, n, reps, tm, diff, goal) {
  ratio <- tm[["reference"]] / tm[["smallsurv"]]
  data.frame(what = what, n = n, reps = reps, smallsurv = tm[["smallsurv"]],
             reference = tm[["reference"]], ratio = ratio, goal = goal, diff = diff)
}
set.seed(2026)
res <- list()

# 1. cox() vs coxph()
n1 <- if (quick) 1e4 else 1e5
d1 <- make_data(n1, 3, 2)
f <- Surv(time, status) ~ x1 + x2 + x3 + x4 + x5
a <- cox(f, data = d1)
b <- coxph(f, data = d1)
tm <- race(list(smallsurv = function() cox(f, data = d1), reference = function() coxph(f, data = d1)),
           if (quick) 3 else 15, gc_first = TRUE)
res[[1]] <- row("cox() vs coxph(), 5 covariates, Efron ties", n1, if (quick) 3 else 15, tm,
                max(abs(coef(a) - coef(b))), 1.5)
msg("cox done")
# the fitting kernels alone (no model frame, no concordance): reg_fit() (the
# C++ fit with residuals) against survival's coxph.fit() with the same matrix
rf <- a$fit_input$rf
X <- rf$x
Y <- survival::aeqSurv(rf$y)
tk <- race(list(smallsurv = function() smallsurv:::reg_fit(rf, "efron", FALSE, rep(0, 5),
                                                           cox_control(), FALSE),
                reference = function() survival::coxph.fit(X, Y, NULL, NULL, NULL,
                                                           survival::coxph.control(), NULL,
                                                           "efron", rownames(X))),
           if (quick) 3 else 15, gc_first = TRUE)
kernel <- c(tk[["smallsurv"]], tk[["reference"]])
cc <- race(list(smallsurv = function() survival::concordancefit(Y, a$linear.predictors,
                                                                reverse = TRUE,
                                                                timefix = FALSE),
                reference = function() NULL), 3)
conc_time <- cc[["smallsurv"]]

# 2. Firth with profile intervals vs coxphf
n2 <- 500
d2 <- make_data(n2, 2, 1, digits = 4)
f2 <- Surv(time, status) ~ x1 + x2 + x3
a <- cox(f2, data = d2, firth = TRUE)
b <- coxphf(f2, data = d2)
tm <- race(list(smallsurv = function() cox(f2, data = d2, firth = TRUE),
                reference = function() coxphf(f2, data = d2)), if (quick) 3 else 15)
res[[2]] <- row("cox(firth = TRUE) vs coxphf(), profile intervals, 3 covariates", n2,
                if (quick) 3 else 15, tm, max(abs(coef(a) - coef(b))), 20)
msg("firth done")

# 3. fine_gray() vs crr()
n3 <- if (quick) 1000 else 5000
d3 <- make_data(n3, 2, 1, digits = 6)
set.seed(3)
d3$ev <- ifelse(d3$status == 1, sample(1:2, n3, TRUE, prob = c(0.6, 0.4)), 0L)
x3 <- as.matrix(d3[c("x1", "x2", "x3")])
a <- fine_gray(Surv(time, ev) ~ x1 + x2 + x3, data = d3, cencode = 0)
b <- crr(d3$time, d3$ev, x3, gtol = 1e-12, maxiter = 100)
tm <- race(list(smallsurv = function() fine_gray(Surv(time, ev) ~ x1 + x2 + x3, data = d3,
                                                 cencode = 0),
                reference = function() crr(d3$time, d3$ev, x3)), if (quick) 3 else 7)
res[[3]] <- row("fine_gray() vs crr(), 3 covariates", n3, if (quick) 3 else 7, tm,
                max(abs(coef(a) - b$coef)), 20)
msg("fine-gray done")
res <- do.call(rbind, res)

status <- ifelse(res$ratio >= res$goal, "**met**",
                 sprintf("**missed** (by a factor %.1f)", res$goal / res$ratio))
lines <- c(
  "# Regression benchmark (cox(), fine_gray())",
  "",
  sprintf(paste0("Generated by `bench/regression.R` on %s; %s, survival %s, coxphf %s, cmprsk %s, ",
                 "smallsurv %s, %d cores (shared). Medians of interleaved repetitions in one ",
                 "process; ratio = reference / smallsurv (> 1: smallsurv faster)."),
          format(Sys.time(), "%Y-%m-%d %H:%M"), R.version.string, packageVersion("survival"),
          packageVersion("coxphf"), packageVersion("cmprsk"), packageVersion("smallsurv"),
          parallel::detectCores()),
  "",
  "| comparison | n | reps | smallsurv | reference | ratio | goal | \\|diff coef\\| |",
  "|---|---:|---:|---:|---:|---:|---:|---:|",
  sprintf("| %s | %s | %d | %s | %s | %.1f× | ≥ %g× | %.1e |", res$what,
          format(res$n, big.mark = ",", scientific = FALSE), res$reps,
          vapply(res$smallsurv, fmt_time, ""), vapply(res$reference, fmt_time, ""), res$ratio,
          res$goal, res$diff),
  "",
  "## Goals",
  "",
  sprintf("- %s (n = %s): %.1f× (goal ≥ %g×) %s", res$what,
          format(res$n, big.mark = ",", scientific = FALSE), res$ratio, res$goal, status),
  "",
  sprintf(paste0("Where the time goes at n = %s: the fitting kernels alone (C++ fit with ",
                 "residuals vs survival's `coxph.fit()` on the same matrix) take %s vs %s ",
                 "(%.1f×); both functions then compute the concordance with survival's ",
                 "`concordancefit()`, %s of each call, which caps the end-to-end ratio."),
          format(n1, big.mark = ",", scientific = FALSE), fmt_time(kernel[1]),
          fmt_time(kernel[2]), kernel[2] / kernel[1], fmt_time(conc_time)),
  "",
  paste0("Notes: crr runs at its default `gtol` (1e-6), which stops about 1e-5 short of the ",
         "optimum that fine_gray() reaches (the |diff| column compares with crr at ",
         "gtol = 1e-12); coxphf at its defaults (epsilon = gconv = 1e-6 and 1e-4), looser than ",
         "cox()'s firth.tol = 1e-9.")
)
writeLines(lines, out_file)
cat("Report written to", out_file, "\n")
