// followup.h -- the reverse Kaplan-Meier estimate (the censoring
// distribution G(t) = P(C > t)) on an EventTable, for follow-up measures.
//
// Inputs : an EventTable built on the ORIGINAL status (1 = event,
//          0 = censored), unweighted or weighted, one or more strata; the tie
//          convention.
// Outputs: per row of the table (caller-owned arrays of tab.nrow()):
//   surv     G(t) = prod_{t_j <= t} (1 - c_j / m_j)
//   std_err  Greenwood, on the log scale (se of -log G):
//            sqrt(sum c_j / (m_j (m_j - c_j))), Inf once some m_j == c_j > 0
//   cumhaz   sum c_j / m_j,  std_chaz = sqrt(sum c_j / m_j^2)
// where c_j = censorings at t_j (the "events" of the reverse fit) and the
// censoring risk set m_j depends on `ties`:
//   survfit : m_j = n_j, the number at risk just before t_j.  This is
//             survival::survfit(Surv(time, status == 0) ~ 1): the subjects
//             with an event at t_j, now "censored", still count at t_j.
//   prodlim : m_j = n_j - d_j (d_j = events at t_j): subjects with an event
//             at t_j are removed before the censorings at t_j are counted,
//             as prodlim::prodlim(..., reverse = TRUE) (prodlim's pl_step
//             with hazard d / (n - rev), Greenwood d / ((n - rev)(n - rev - d))).
//             An event at t_j means the subject was not at risk of being
//             censored at t_j; this is the same rule as the forward KM, where
//             censorings at an event time still count as at risk.
// The two differ only where an event and a censoring share a time.  A row
// with m_j == 0 (every subject at risk had the event) leaves G unchanged.
// Reference: Schemper M, Smith TL (1996), Control Clin Trials 17:343-346.
#ifndef SMALLSURV_FOLLOWUP_H
#define SMALLSURV_FOLLOWUP_H

#include "event_table.h"

namespace smallsurv {

enum class ReverseTies { prodlim, survfit };

struct ReverseKmOutput {
  double* surv;
  double* std_err;
  double* cumhaz;
  double* std_chaz;
};

void reverse_kaplan_meier(const EventTable& tab, ReverseTies ties, ReverseKmOutput out);

}  // namespace smallsurv

#endif
