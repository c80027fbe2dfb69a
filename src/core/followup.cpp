// followup.cpp -- see followup.h.
#include "followup.h"

#include <cmath>

#include "product_limit.h"

namespace smallsurv {

void reverse_kaplan_meier(const EventTable& tab, ReverseTies ties, ReverseKmOutput out) {
  if (tab.ncause != 1) throw input_error("reverse Kaplan-Meier: one event type expected");
  for (int s = 0; s < tab.nstrata; ++s) {
    ProductLimit pl;  // the censorings are the events of the reverse fit
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      const double m = ties == ReverseTies::prodlim ? tab.n_risk[r] - tab.n_event[r]
                                                    : tab.n_risk[r];
      pl.step(m, tab.n_censor[r]);  // Greenwood +Inf once m == c, as survival
      out.surv[r] = pl.surv;
      out.std_err[r] = std::sqrt(pl.greenwood);
      out.cumhaz[r] = pl.cumhaz;
      out.std_chaz[r] = std::sqrt(pl.var_cumhaz);
    }
  }
}

}  // namespace smallsurv
