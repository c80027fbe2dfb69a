// followup.cpp -- see followup.h.
#include "followup.h"

#include <cmath>
#include <limits>

namespace smallsurv {

void reverse_kaplan_meier(const EventTable& tab, ReverseTies ties, ReverseKmOutput out) {
  if (tab.ncause != 1) throw input_error("reverse Kaplan-Meier: one event type expected");
  const double inf = std::numeric_limits<double>::infinity();
  for (int s = 0; s < tab.nstrata; ++s) {
    double g = 1.0, gw = 0.0, h = 0.0, hv = 0.0;
    for (std::size_t r = tab.offset[s]; r < tab.offset[s + 1]; ++r) {
      const double c = tab.n_censor[r];
      const double m = ties == ReverseTies::prodlim ? tab.n_risk[r] - tab.n_event[r]
                                                    : tab.n_risk[r];
      if (c > 0.0 && m > 0.0) {
        g *= 1.0 - c / m;
        h += c / m;
        hv += c / (m * m);
        gw = (m - c > 0.0) ? gw + c / (m * (m - c)) : inf;
      }
      out.surv[r] = g;
      out.std_err[r] = std::sqrt(gw);
      out.cumhaz[r] = h;
      out.std_chaz[r] = std::sqrt(hv);
    }
  }
}

}  // namespace smallsurv
