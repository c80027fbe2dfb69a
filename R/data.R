#' Simulated paediatric relapsed/refractory ALL phase 1/2 cohort
#'
#' A **simulated** data set: no value comes from a real patient. It is shaped
#' like a small paediatric relapsed/refractory acute lymphoblastic leukaemia
#' (r/r ALL) phase 1/2 trial, the small-cohort, short-follow-up setting that
#' smallsurv is for: 25 patients at two dose levels, enrolled over about 16
#' months (2022-01-10 to 2023-04-28) and analysed at a single data cut-off
#' (2023-05-15), with about 8 months median follow-up (reverse
#' Kaplan-Meier). After induction, responders may be consolidated with an
#' allogeneic haematopoietic stem-cell transplant (HSCT) or CAR-T cells;
#' some patients relapse (including after HSCT or CAR-T), some die, and a few
#' are lost to follow-up before the cut-off.
#'
#' @section Conventions:
#' * **Months** are days / 30.4375 (365.25 / 12), counted from `enrolled`.
#' * **Event-free survival (EFS)**: the event is induction failure (best
#'   response PR or NR), relapse or death from any cause, whichever comes
#'   first. Induction failure is an event at time 0: `efs_time` is exactly
#'   0 (not a small positive time) with `efs_status` 1. HSCT and CAR-T are
#'   not EFS events; relapse after them is. Without an event, EFS is
#'   censored at `last_contact`.
#' * **Overall survival (OS)**: the event is death from any cause; otherwise
#'   OS is censored at `last_contact`.
#' * The EFS and OS columns are built from the dates by [endpoints()]
#'   (see its examples).
#' * **Dates** that did not happen, or not by the last contact, are `NA`. In
#'   every row `enrolled` < `hsct_date`, `cart_date`, `relapse_date` <
#'   `death_date` <= `last_contact` <= `cutoff` (where present).
#'   `last_contact` equals `death_date` for patients who died and `cutoff`
#'   for patients alive and in follow-up; an earlier `last_contact` without
#'   a death means lost to follow-up.
#'
#' @format A data frame with 25 rows and 15 variables:
#' \describe{
#'   \item{id}{Patient identifier, character, `"P01"` to `"P25"`.}
#'   \item{dose}{Dose level, factor with levels `"DL1"` (9 patients, dose
#'     escalation, enrolled first) and `"DL2"` (16 patients, expansion).}
#'   \item{enrolled}{Date of enrolment (start of treatment), `Date`.}
#'   \item{cutoff}{Date of the data cut-off, `Date`, the same for all rows.}
#'   \item{response}{Best response at the end of induction, factor with
#'     levels `"CR"` (complete remission), `"CRi"` (complete remission with
#'     incomplete haematological recovery), `"PR"` (partial response) and
#'     `"NR"` (no response). PR and NR are induction failures.}
#'   \item{mrd_negative}{Minimal residual disease negative at the end of
#'     induction, logical; always `FALSE` for PR and NR.}
#'   \item{relapse_date}{Date of relapse, `Date`; `NA` if none was observed
#'     (always `NA` for induction failures, who never were in remission).}
#'   \item{hsct_date}{Date of allogeneic HSCT, `Date`; `NA` if none.}
#'   \item{cart_date}{Date of CAR-T cell infusion (consolidation, or salvage
#'     after relapse or induction failure), `Date`; `NA` if none.}
#'   \item{death_date}{Date of death from any cause, `Date`; `NA` if alive at
#'     the last contact.}
#'   \item{last_contact}{Date last known alive, or of death, `Date`; never
#'     `NA`.}
#'   \item{efs_time}{Event-free survival time in months (days / 30.4375):
#'     0 for induction failures, else from `enrolled` to the first of
#'     `relapse_date` and `death_date`, or to `last_contact` without either.}
#'   \item{efs_status}{EFS event indicator, integer: 1 = induction failure,
#'     relapse or death; 0 = censored.}
#'   \item{os_time}{Overall survival time in months (days / 30.4375), from
#'     `enrolled` to `death_date`, or to `last_contact` if alive.}
#'   \item{os_status}{OS event indicator, integer: 1 = died; 0 = censored.}
#' }
#' @source Simulated, with a fixed seed, by `data-raw/rrall.R` in the
#'   package sources; the script documents how each variable is generated.
#'   It does not describe, and must not be used to draw conclusions about,
#'   any real patient, trial or treatment.
#' @examples
#' table(rrall$response)
#' table(rrall$dose, rrall$response)
#' km(survival::Surv(efs_time, efs_status) ~ dose, data = rrall)
#' km(survival::Surv(os_time, os_status) ~ 1, data = rrall)
#' # median follow-up, reverse Kaplan-Meier
#' km(survival::Surv(os_time, 1 - os_status) ~ 1, data = rrall)
"rrall"
