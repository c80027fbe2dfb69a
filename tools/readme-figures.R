# The figures shown in README.md (man/figures/), drawn from the example
# cohort with the installed smallsurv. Usage: Rscript tools/readme-figures.R
suppressPackageStartupMessages({
  library(smallsurv)
  library(survival)
})
dir.create("man/figures", showWarnings = FALSE, recursive = TRUE)
fit <- km(Surv(efs_time, efs_status) ~ dose, data = rrall)
fig <- ggplot2::autoplot(fit, xlab = "Months since enrolment", ylab = "Event-free survival",
                         maturity = maturity(fit))
ggplot2::ggsave("man/figures/README-km.png", fig, width = 7, height = 5, dpi = 110)
d <- endpoints(rrall, "competing")
cr <- cif(Surv(time, event) ~ 1, data = d)
fig <- ggplot2::autoplot(cr, xlab = "Months since enrolment", ylab = "Cumulative incidence",
                         causes = c("relapse", "HSCT"), maturity = maturity(cr))
ggplot2::ggsave("man/figures/README-cif.png", fig, width = 7, height = 5, dpi = 110)
cat("written: man/figures/README-km.png, man/figures/README-cif.png\n")
