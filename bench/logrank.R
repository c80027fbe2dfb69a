# bench/logrank.R -- speed of smallsurv::logrank_test() against
# survival::survdiff() (asymptotic test) and coin::logrank_test()
# (permutation p-values). A benchmark, not a test: it writes a report
# (bench/RESULTS-logrank.md) and never fails on a goal.
#
# Usage (from the repository root):
#   Rscript bench/logrank.R               # full run (~2 min)
#   Rscript bench/logrank.R --quick       # smoke test, n up to 1e4
#   Rscript bench/logrank.R --out=FILE    # where to write the report
# SMALLSURV_LIB=/path/to/library puts a library first on .libPaths().
#
# Method
# * Data: n subjects in two groups (1:2 allocation), times Exp(rate 1 and
#   1.3), status Bernoulli(0.7); n = 25 additionally uses the example cohort
#   `rrall` (EFS by dose level, 9 versus 16) for the permutation tests.
# * Timing: contenders for one n run interleaved in one process, in a
#   shuffled order each repetition, timed with bench::hires_time(); medians
#   and the ratio of medians are reported. gc() runs before each timed call
#   at n >= 1e5, outside the timed region.
# * Asymptotic: formula calls end to end,
#     logrank_test(Surv(time, status) ~ grp, data = d, exact = "none")
#     survdiff(Surv(time, status) ~ grp, data = d)
# * Permutation, n = 25 (rrall), 10,000 permutations:
#     logrank_test(..., exact = "permutation", enum.max = 0, reps = 10000, seed = 1)
#     coin::logrank_test(..., distribution = approximate(nresample = 10000))
#   and, for information, the exact p-value: logrank_test()'s enumeration
#   against coin::logrank_test(..., distribution = exact()).

args <- commandArgs(trailingOnly = TRUE)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                                 value = TRUE)[1])), "harness.R"))
quick <- any(args == "--quick")
out_arg <- grep("^--out=", args, value = TRUE)
out_file <- if (length(out_arg)) sub("^--out=", "", out_arg[1L]) else
  if (quick) file.path(tempdir(), "smallsurv-bench-logrank-quick.md") else "bench/RESULTS-logrank.md"
lib <- Sys.getenv("SMALLSURV_LIB", "")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))

suppressPackageStartupMessages({
  library(survival)
  library(smallsurv)
})
has_coin <- requireNamespace("coin", quietly = TRUE)



sim <- function(n) {
  set.seed(n)
  grp <- factor(ifelse(runif(n) < 1 / 3, "A", "B"))
  data.frame(time = rexp(n, ifelse(grp == "A", 1, 1.3)), status = rbinom(n, 1, 0.7), grp = grp)
}

sizes <- if (quick) c(25, 1e3, 1e4) else c(25, 1e3, 1e5, 1e6)
asym <- NULL
for (n in sizes) {
  d <- sim(n)
  reps <- if (n <= 1e3) 200 else if (n <= 1e5) 15 else 5
  a <- logrank_test(Surv(time, status) ~ grp, data = d, exact = "none")
  b <- survdiff(Surv(time, status) ~ grp, data = d)
  agree <- abs(a$statistic - b$chisq)
  m <- race(list(smallsurv = function() logrank_test(Surv(time, status) ~ grp, data = d,
                                                       exact = "none"),
                 survdiff = function() survdiff(Surv(time, status) ~ grp, data = d)),
            reps, gc_first = n >= 1e5)
  asym <- rbind(asym, data.frame(n = n, reps = reps, smallsurv = m[["smallsurv"]],
                                 survdiff = m[["survdiff"]], ratio = m[["survdiff"]] / m[["smallsurv"]],
                                 diff = agree))
  cat("asymptotic n =", n, "done\n")
}

perm <- NULL
if (has_coin) {
  f <- Surv(efs_time, efs_status) ~ dose
  reps <- if (quick) 5 else 30
  ours <- logrank_test(f, data = rrall, exact = "permutation", enum.max = 0, reps = 10000,
                       seed = 1)
  set.seed(1)
  theirs <- coin::logrank_test(f, data = rrall,
                               distribution = coin::approximate(nresample = 10000))
  m <- race(list(
    smallsurv = function() logrank_test(f, data = rrall, exact = "permutation", enum.max = 0,
                                        reps = 10000, seed = 1),
    coin = function() coin::logrank_test(f, data = rrall,
                                         distribution = coin::approximate(nresample = 10000))),
    reps)
  perm <- rbind(perm, data.frame(what = "Monte Carlo, 10,000 permutations", smallsurv = m[["smallsurv"]],
                                 coin = m[["coin"]], ratio = m[["coin"]] / m[["smallsurv"]],
                                 p_smallsurv = ours$permutation$p.value,
                                 p_coin = as.numeric(coin::pvalue(theirs))))
  ex <- logrank_test(f, data = rrall, exact = "permutation")
  cx <- coin::logrank_test(f, data = rrall, distribution = coin::exact())
  m <- race(list(
    smallsurv = function() logrank_test(f, data = rrall, exact = "permutation"),
    coin = function() coin::logrank_test(f, data = rrall, distribution = coin::exact())),
    max(3, reps %/% 3))
  perm <- rbind(perm, data.frame(what = "exact (complete enumeration / coin's split-up)",
                                 smallsurv = m[["smallsurv"]], coin = m[["coin"]],
                                 ratio = m[["coin"]] / m[["smallsurv"]],
                                 p_smallsurv = ex$permutation$p.value,
                                 p_coin = as.numeric(coin::pvalue(cx))))
  cat("permutation done\n")
}

# ---- report ---------------------------------------------------------------------
si <- utils::sessionInfo()
lines <- c(
  "# logrank_test() benchmark",
  "",
  paste0("Generated by `bench/logrank.R`", if (quick) " (--quick)" else "", " on ",
         format(Sys.time(), "%Y-%m-%d %H:%M"), "; ", R.version.string, ", survival ",
         as.character(utils::packageVersion("survival")),
         if (has_coin) paste0(", coin ", as.character(utils::packageVersion("coin"))) else "",
         ", smallsurv ", as.character(utils::packageVersion("smallsurv")), ", ",
         parallel::detectCores(), " cores (shared). Medians of interleaved repetitions in one ",
         "process; ratio = reference / smallsurv (> 1: smallsurv faster)."),
  "",
  "## Asymptotic test: `logrank_test(exact = \"none\")` vs `survival::survdiff()`",
  "",
  "Two groups, continuous times, formula calls end to end. `|diff|` is the absolute",
  "difference of the chi-square statistics.",
  "",
  "| n | reps | smallsurv | survdiff | ratio | \\|diff\\| |",
  "|---:|---:|---:|---:|---:|---:|",
  sprintf("| %s | %d | %s | %s | %.1f× | %.1e |", format(asym$n, big.mark = ",", scientific = FALSE),
          asym$reps, fmt_time(asym$smallsurv), fmt_time(asym$survdiff), asym$ratio, asym$diff),
  "")
if (!is.null(perm)) {
  goal <- perm$ratio[1] >= 20
  lines <- c(lines,
    "## Permutation p-value, n = 25 (`rrall`, EFS by dose, 9 vs 16)",
    "",
    "| p-value | smallsurv | coin | ratio | p (smallsurv) | p (coin) |",
    "|---|---:|---:|---:|---:|---:|",
    sprintf("| %s | %s | %s | %.1f× | %.4f | %.4f |", perm$what, fmt_time(perm$smallsurv),
            fmt_time(perm$coin), perm$ratio, perm$p_smallsurv, perm$p_coin),
    "",
    sprintf(paste0("**Goal** (Monte Carlo, 10,000 permutations, ≥ 20× faster than ",
                   "`coin::logrank_test(distribution = approximate(nresample = 10000))`): ",
                   "**%s**, %.1f× (%s by a factor %.2f)."),
            if (goal) "met" else "missed", perm$ratio[1], if (goal) "above the goal" else "below the goal",
            perm$ratio[1] / 20),
    "",
    paste0("The Monte Carlo p-values differ by sampling only (different generators); the exact ",
           "p-values agree to the digits shown (the tests require 1e-10)."),
    "")
} else {
  lines <- c(lines, "coin is not installed: permutation benchmark skipped.", "")
}
writeLines(lines, out_file)
cat("Report written to", out_file, "\n")
