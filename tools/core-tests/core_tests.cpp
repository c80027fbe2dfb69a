// Hand-computed checks of the C++ core, built with sanitizers (make sanitize).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "coxreg.h"
#include "aalen_johansen.h"
#include "multistate.h"
#include "bootstrap.h"
#include "ci_transform.h"
#include "confband.h"
#include "coverage.h"
#include "gray.h"
#include "event_table.h"
#include "followup.h"
#include "km.h"
#include "logrank.h"
#include "resample.h"
#include "rng.h"
#include "pointwise.h"
#include "rmst.h"

static int failures = 0;
static void check(bool ok, const char* what) {
  if (!ok) { std::printf("FAIL: %s\n", what); ++failures; }
}
static bool near(double a, double b, double tol = 1e-12) { return std::fabs(a - b) <= tol; }

int main() {
  using namespace smallsurv;
  // Cox, hand-worked: times 1 (event, x = 1), 2 (censored, x = 0):
  // l(b) = b - log(e^b + 1); Firth's penalised estimate is log 3
  // (1 - p + (1 - 2p)/2 = 0 with p = e^b/(e^b + 1) gives p = 3/4)
  {
    std::vector<double> t{1, 2}, x{1, 0};
    std::vector<int> s{1, 0};
    CoxInput in; in.n = 2; in.p = 1; in.stop = t.data(); in.status = s.data(); in.x = x.data();
    CoxModel model(in);
    CoxControl ctl;
    ctl.firth = true;
    CoxFitResult f = model.fit({0.0}, ctl);
    check(f.converged && near(f.coef[0], std::log(3.0), 1e-8), "Firth Cox: log 3");
    check(near(f.loglik_init, -std::log(2.0)) && near(f.score_test, 1.0), "Cox l(0) = -log 2, score test 1");
    CoxProfile pr = model.profile(f, {0}, 3.841458820694124, ctl);
    check(pr.lower.size() == 1 && pr.lower[0] < f.coef[0] && pr.upper[0] > f.coef[0], "profile limits bracket the estimate");
    CoxResiduals r = model.residuals(f.coef);
    check(near(r.score[0] + r.score[1], f.score[0], 1e-10), "score residuals add up to the score");
  }
  // times 1,2,2,3,4 status 1,1,0,1,0: rows 1,2,3,4
  {
    std::vector<double> t{4, 2, 1, 3, 2};
    std::vector<int> s{0, 1, 1, 1, 0};
    SurvInput in; in.n = t.size(); in.stop = t.data(); in.status = s.data();
    EventTable tab = build_event_table(in, true);
    check(tab.nrow() == 4, "4 distinct times");
    check(near(tab.n_risk[0], 5) && near(tab.n_risk[1], 4) && near(tab.n_risk[2], 2) && near(tab.n_risk[3], 1), "n.risk 5,4,2,1");
    check(near(tab.n_event[1], 1) && near(tab.n_censor[1], 1), "event and censoring share the row at t = 2");
    KmResult km = kaplan_meier(tab, false, nullptr);
    check(near(km.surv[0], 4.0 / 5) && near(km.surv[1], 3.0 / 5) && near(km.surv[2], 3.0 / 10), "KM 4/5, 3/5, 3/10");
    check(near(km.std_err[2], std::sqrt(1.0 / 20 + 1.0 / 12 + 1.0 / 2)), "Greenwood at t = 3");
    KmResult rob = kaplan_meier(tab, true, nullptr);
    check(rob.std_err.size() == 4 && !rob.logse, "robust variance runs");
  }
  // reverse Kaplan-Meier, both tie rules: times 1,2,2,3,3,3,4,5,5,6
  // status 1,0,1,0,1,1,0,1,0,0 (see tests/testthat/test-followup.R)
  {
    std::vector<double> t{1, 2, 2, 3, 3, 3, 4, 5, 5, 6};
    std::vector<int> s{1, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    SurvInput in; in.n = t.size(); in.stop = t.data(); in.status = s.data();
    EventTable tab = build_event_table(in, false);
    std::vector<double> g(6), se(6), h(6), hs(6);
    reverse_kaplan_meier(tab, ReverseTies::prodlim, ReverseKmOutput{g.data(), se.data(), h.data(), hs.data()});
    check(near(g[1], 7.0 / 8) && near(g[2], 7.0 / 10) && near(g[3], 21.0 / 40) && near(g[4], 21.0 / 80) && near(g[5], 0), "reverse KM, prodlim ties");
    check(near(se[4], std::sqrt(1.0 / 56 + 1.0 / 20 + 1.0 / 12 + 1.0 / 2)) && std::isinf(se[5]), "reverse KM Greenwood, prodlim ties");
    reverse_kaplan_meier(tab, ReverseTies::survfit, ReverseKmOutput{g.data(), se.data(), h.data(), hs.data()});
    check(near(g[1], 8.0 / 9) && near(g[2], 16.0 / 21) && near(g[3], 4.0 / 7) && near(g[4], 8.0 / 21), "reverse KM, survfit ties");
  }
  // delayed entry: (0,2] (0,3] (1,4] (0,5] (2,6]
  {
    std::vector<double> e{0, 0, 1, 0, 2}, t{2, 3, 4, 5, 6};
    std::vector<int> s{1, 0, 1, 1, 1};
    SurvInput in; in.n = 5; in.stop = t.data(); in.status = s.data(); in.entry = e.data();
    EventTable tab = build_event_table(in, true);
    check(near(tab.n_risk[0], 4) && near(tab.n_risk[1], 4) && near(tab.n_risk[2], 3), "delayed entry risk sets");
    check(tab.first_row[4] == 1, "entry at 2 is at risk from the row at 3 on");
  }
  // radix path, strata, weights: random data, compare to a brute-force count
  {
    std::mt19937 rng(1);
    const std::size_t n = 5000;
    std::vector<double> t(n), w(n);
    std::vector<int> s(n), g(n);
    for (std::size_t i = 0; i < n; ++i) {
      t[i] = std::floor(std::uniform_real_distribution<double>(0, 300)(rng));
      s[i] = rng() % 2; g[i] = rng() % 3; w[i] = 0.5 + (rng() % 4);
    }
    SurvInput in; in.n = n; in.stop = t.data(); in.status = s.data(); in.weight = w.data();
    in.strata = g.data(); in.nstrata = 3;
    EventTable tab = build_event_table(in, false);
    bool ok = true;
    for (int st = 0; st < 3; ++st)
      for (std::size_t r = tab.offset[st]; r < tab.offset[st + 1]; ++r) {
        double nr = 0;
        for (std::size_t i = 0; i < n; ++i) if (g[i] == st && t[i] >= tab.time[r]) nr += w[i];
        ok = ok && near(nr, tab.n_risk[r], 1e-9);
        if (r > tab.offset[st]) ok = ok && tab.time[r] > tab.time[r - 1];
      }
    check(ok, "radix-sorted weighted strata risk sets match brute force");
  }
  // bad input throws
  {
    std::vector<double> t{1, -1};
    std::vector<int> s{1, 1};
    double inf = INFINITY; t[1] = inf;
    SurvInput in; in.n = 2; in.stop = t.data(); in.status = s.data();
    bool threw = false;
    try { build_event_table(in, false); } catch (const input_error&) { threw = true; }
    check(threw, "infinite time throws input_error");
  }
  // CI transform edge rules
  {
    double p[3] = {1.0, 0.5, 0.0}, se[3] = {0.0, 0.2, INFINITY}, lo[3], up[3];
    ci_transform(Transform::loglog, p, se, nullptr, 3, true, 1.96, lo, up);
    check(std::isnan(lo[0]) && std::isnan(lo[2]) && lo[1] > 0 && up[1] < 1, "log-log NA at 1 and 0");
    ci_transform(Transform::log, p, se, nullptr, 3, true, 1.96, lo, up);
    check(lo[0] == 1 && up[0] == 1 && std::isnan(lo[2]), "log (1,1) at S = 1");
  }
  // Aalen-Johansen: survival's tests/testci.R example (pstate and IJ variances)
  {
    std::vector<double> t{1, 2, 2, 3, 3, 3, 5, 6};
    std::vector<int> s{0, 1, 0, 2, 0, 2, 0, 2};
    SurvInput in;
    in.n = t.size(); in.stop = t.data(); in.status = s.data(); in.ncause = 2;
    EventTable tab = build_event_table(in, true);
    for (AjVariance v : {AjVariance::delta, AjVariance::ij}) {
      AjResult aj = aalen_johansen(tab, v, nullptr, nullptr, 0);
      const std::size_t nr = tab.nrow();
      check(nr == 5, "AJ: 5 rows");
      check(near(aj.pstate[2], 18.0 / 35) && near(aj.pstate[nr + 1], 1.0 / 7) &&
                near(aj.pstate[2 * nr + 4], 6.0 / 7), "AJ: 18/35, 1/7, 6/7");
      check(near(aj.std_err[nr + 1] * aj.std_err[nr + 1], 6.0 / 343), "AJ: var 6/343");
      check(near(aj.std_err[2 * nr + 2] * aj.std_err[2 * nr + 2], 0.03806414, 1e-8), "AJ: var 0.0381");
    }
    std::vector<int> grp{0, 0, 0, 0, 1, 1, 1, 1};
    GrayInput gi;
    gi.n = t.size(); gi.time = t.data(); gi.status = s.data(); gi.group = grp.data();
    gi.ngroup = 2; gi.ncause = 2;
    GrayScore gs = gray_scores(gi, gray_data(gi), 0.0)[1];
    check(gs.score.size() == 1 && gs.var[0] > 0 && std::isfinite(gray_statistic(gs)),
          "Gray: finite statistic");
  }
  // percentile bootstrap: R's type-7 quantile, stratum-wise draws, limits
  // in [0, 1] around the estimate (delayed entry, weights, two strata, AJ)
  {
    std::vector<double> x{4, 1, 3, 2};
    check(near(quantile_type7(x.data(), 4, 0.5), 2.5) && near(quantile_type7(x.data(), 4, 0.0), 1) &&
              near(quantile_type7(x.data(), 4, 1.0), 4), "type-7 quantiles of 1..4");
    std::vector<int> us{1, 0, 1, 0, 1};
    std::vector<std::uint32_t> d = bootstrap_index(us.data(), 5, 2, 20, 7);
    bool ok = d.size() == 100;
    for (std::size_t b = 0; b < 20; ++b)
      for (std::size_t j = 0; j < 5; ++j) ok = ok && (us[d[b * 5 + j]] == (j < 2 ? 0 : 1));
    check(ok, "bootstrap draws: stratum 0 first, each stratum from its own units");
    std::vector<double> e{0, 0, 1, 0, 2, 0, 1, 0}, t{2, 3, 4, 5, 6, 2, 5, 7}, w{1, 2, 0.5, 1, 1, 3, 1, 1};
    std::vector<int> s{1, 0, 2, 1, 1, 2, 0, 1}, g{0, 0, 0, 0, 0, 1, 1, 1}, cl{0, 0, 1, 2, 3, 4, 5, 5};
    SurvInput in; in.n = 8; in.stop = t.data(); in.status = s.data(); in.entry = e.data();
    in.weight = w.data(); in.strata = g.data(); in.nstrata = 2; in.ncause = 2;
    EventTable tab = build_event_table(in, true);
    BootstrapSpec spec; spec.reps = 300; spec.seed = 3; spec.all_states = true;
    BootstrapResult r = bootstrap_percentile(tab, w.data(), cl.data(), 6, spec, nullptr);
    AjResult aj = aalen_johansen(tab, AjVariance::delta, nullptr, nullptr, 0);
    ok = r.nstate == 3 && r.lower.size() == tab.nrow() * 3;
    for (std::size_t k = 0; k < r.lower.size(); ++k)
      ok = ok && r.lower[k] >= 0 && r.upper[k] <= 1 && r.lower[k] <= r.upper[k];
    check(ok, "bootstrap limits ordered and in [0, 1]");
    check(near(r.lower[0], aj.pstate[0]) || r.lower[0] <= aj.pstate[0], "bootstrap lower <= estimate at the first row");
    BootstrapResult r2 = bootstrap_percentile(tab, w.data(), cl.data(), 6, spec, nullptr);
    check(r.lower == r2.lower && r.upper == r2.upper, "bootstrap reproducible for a seed");
  }
  // RMST: 7 subjects (6 deaths, last censored at 100): area 265/7 (hand),
  // permutation labels keep group sizes, p-values in (0, 1]
  {
    std::vector<double> t{10, 15, 23, 30, 35, 52, 100};
    std::vector<int> s{1, 1, 1, 1, 1, 1, 0};
    SurvInput in; in.n = 7; in.stop = t.data(); in.status = s.data();
    EventTable tab = build_event_table(in, false);
    std::vector<RmstEstimate> r = rmst_table(tab, 100);
    check(near(r[0].rmst, 265.0 / 7) && r[0].var > 0, "RMST 265/7");
    check(near(rmst_table(tab, 5)[0].rmst, 5) && rmst_table(tab, 5)[0].var == 0, "RMST before the first event is tau");
    std::vector<int> g{0, 1, 0, 1, 0, 1, 1}, lab(7);
    std::vector<int> labs(7 * 3);
    rmst_permuted_labels(g.data(), 7, 9, 3, labs.data());
    int ones = 0;
    for (int i = 14; i < 21; ++i) ones += labs[i];
    check(ones == 4, "permuted labels keep the group sizes");
    RmstPermResult pr = rmst_permutation(t.data(), s.data(), g.data(), 7, 40, true, 600, 5, 1, {});
    check(pr.p[0] > 0 && pr.p[0] <= 1 && pr.p[2] > 0 && pr.p[2] <= 1, "permutation p in (0, 1]");
    RmstPermResult pr2 = rmst_permutation(t.data(), s.data(), g.data(), 7, 40, true, 600, 5, 3, {});
    check(pr.p[0] == pr2.p[0] && pr.p[1] == pr2.p[1] && pr.p[2] == pr2.p[2], "RMST permutations: 1 and 3 threads agree");
  }
  // Confidence bands: Kolmogorov at (0, 1), a_L = a_U is one normal,
  // bad ranges throw
  {
    const double k = hw_critical_value(0.95, 0.0, 1.0);
    double ks = 0;
    for (int j = 1; j <= 100; ++j) ks += (j % 2 ? 2.0 : -2.0) * std::exp(-2.0 * j * j * k * k);
    check(near(1 - ks, 0.95, 1e-10), "HW critical value at (0, 1) is Kolmogorov's");
    check(near(ep_noncross_prob(1.7, 0.3, 0.3), std::erf(1.7 / std::sqrt(2.0)), 1e-12), "EP at a_L = a_U");
    const double c = ep_critical_value(0.9, 0.1, 0.6);
    check(near(ep_noncross_prob(c, 0.1, 0.6), 0.9, 1e-10), "EP critical value solves P = level");
    bool threw = false;
    try { ep_critical_value(0.95, 0.0, 0.5); } catch (const input_error&) { threw = true; }
    check(threw, "EP with a_L = 0 throws input_error");
  }
  // the shared pointwise building blocks: last_row(), km_rows(), and the
  // laboratory's CohortCounts (build_event_table into reused buffers), with
  // every registered method on its counts (unsorted times, NaN, outside)
  {
    std::mt19937_64 gen(7);
    std::exponential_distribution<double> ex(0.1);
    std::uniform_real_distribution<double> un(0.0, 25.0);
    CohortCounts cc(30);
    for (int rep = 0; rep < 50; ++rep) {
      const std::size_t n = 1 + static_cast<std::size_t>(rep % 30);
      std::vector<double> t(n);
      std::vector<int> st(n);
      for (std::size_t i = 0; i < n; ++i) {
        double T = ex(gen), C = un(gen);
        if (rep % 3 == 0) T = std::round(T);
        st[i] = T <= C;
        t[i] = st[i] ? T : C;
      }
      const CountsView v = cc.build(t.data(), st.data(), n, true);
      SurvInput in; in.n = n; in.stop = t.data(); in.status = st.data();
      EventTable tab = build_event_table(in, false);
      bool same = v.m == tab.nrow() && v.n == static_cast<double>(n);
      for (std::size_t r = 0; same && r < v.m; ++r)
        same = v.time[r] == tab.time[r] && v.n_risk[r] == tab.n_risk[r] &&
               v.n_event[r] == tab.n_event[r] && v.n_censor[r] == tab.n_censor[r];
      check(same, "CohortCounts gives build_event_table's rows");
      std::vector<double> S, G;
      km_rows(v, S, G);
      double s = 1.0, g = 0.0;
      bool km_ok = S.size() == v.m && G.size() == v.m;
      for (std::size_t r = 0; km_ok && r < v.m; ++r) {
        if (v.n_event[r] > 0) {
          s *= (v.n_risk[r] - v.n_event[r]) / v.n_risk[r];
          g += v.n_event[r] / (v.n_risk[r] * (v.n_risk[r] - v.n_event[r]));
        }
        km_ok = S[r] == s && G[r] == g;
      }
      check(km_ok, "km_rows is the product-limit walk");
      std::vector<double> at{30.0, -1.0, std::nan(""), 0.0};
      for (std::size_t r = 0; r < v.m; ++r) at.push_back(v.time[v.m - 1 - r]);
      bool lr_ok = last_row(v, std::nan("")) == -1;
      for (double a : at) {
        if (std::isnan(a)) continue;
        long want = -1;
        for (std::size_t r = 0; r < v.m; ++r) if (v.time[r] <= a) want = static_cast<long>(r);
        lr_ok = lr_ok && last_row(v, a) == want;
      }
      check(lr_ok, "last_row is the last row with time <= t");
      std::vector<double> lo(at.size()), hi(at.size());
      for (std::size_t f = 0; f < pointwise_count(); ++f) {
        find_pointwise(pointwise_name(f))(v, at.data(), at.size(), 0.95, lo.data(), hi.data());
        bool ok = std::isnan(lo[2]) && std::isnan(hi[2]);
        for (std::size_t i = 0; i < at.size(); ++i)
          ok = ok && (std::isnan(lo[i]) || (lo[i] >= 0.0 && lo[i] <= 1.0 && (std::isnan(hi[i]) || lo[i] <= hi[i])));
        check(ok, pointwise_name(f));
      }
    }
  }
  // The generator's streams: stream k is the seed's state after k jumps;
  // streams differ; the runner propagates exceptions and polls
  // Published test vectors: xoshiro256** from the raw state {1, 2, 3, 4},
  // the first output after one jump(), and splitmix64's outputs (our seeding
  // mixes seed + k * golden with mix64)
  {
    Xoshiro256 r = Xoshiro256::from_state(1, 2, 3, 4);
    const std::uint64_t want[4] = {11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL};
    bool ok = true;
    for (std::uint64_t w : want) ok = ok && r.next() == w;
    check(ok, "xoshiro256** reference outputs from {1, 2, 3, 4}");
    Xoshiro256 j = Xoshiro256::from_state(1, 2, 3, 4);
    j.jump();
    check(j.next() == 13534147089533256664ULL, "xoshiro256** first output after jump()");
    const std::uint64_t golden = 0x9E3779B97F4A7C15ULL;
    check(mix64(0 + golden) == 0xE220A8397B1DCDAFULL, "splitmix64 from state 0");
    const std::uint64_t sm[3] = {6457827717110365317ULL, 3203168211198807973ULL,
                                 9817491932198370423ULL};
    check(mix64(1234567ULL + golden) == sm[0] && mix64(1234567ULL + 2 * golden) == sm[1] &&
              mix64(1234567ULL + 3 * golden) == sm[2],
          "splitmix64 from seed 1234567");
  }
  {
    std::vector<Xoshiro256> st = rng_streams(7, 3);
    Xoshiro256 g(7);
    g.jump();
    g.jump();
    check(st[2].next() == g.next(), "stream 2 = two jumps");
    check(st[0].next() != st[1].next(), "streams differ");
    bool thrown = false;
    try {
      parallel_blocks(50, 2, [](std::size_t b, int, const std::atomic<bool>&) {
        if (b == 17) throw std::runtime_error("task");
      }, {});
    } catch (const std::runtime_error&) {
      thrown = true;
    }
    check(thrown, "a task's exception reaches the caller");
    int polls = 0;
    bool interrupted = false;
    try {
      parallel_blocks(4, 2, [](std::size_t, int, const std::atomic<bool>& stop) {
        for (int i = 0; i < 400 && !stop.load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }, [&polls]() { if (++polls == 3) throw std::runtime_error("interrupt"); });
    } catch (const std::runtime_error&) {
      interrupted = true;
    }
    check(interrupted && polls == 3, "a poll's exception stops the workers and reaches the caller");
    McTally t;
    t.add(2.0, 2.0 + 1e-9);  // a tie within sqrt(eps)
    t.add(1.0, 2.0);
    t.add(std::nan(""), 2.0);
    check(t.hits == 1 && t.valid == 2 && t.undefined == 1 && near(mc_p_value(t), 2.0 / 3), "McTally");
  }
  // Log-rank permutations: exact by the walk and by meet-in-the-middle
  // against brute force over all C(8, 3) label choices; Monte Carlo for
  // 1 and 2 threads
  {
    std::vector<double> score{-1.5, 0.25, 0.25, 0.7, -0.2, 1.1, 0.25, -0.85};
    std::vector<int> grp{0, 1, 1, 0, 1, 0, 1, 1};
    const double contrast[2] = {1, 0};
    PermProblem p; p.n = 8; p.score = score.data(); p.group = grp.data(); p.contrast = contrast;
    const PermMoments m = perm_moments(p);
    const double z0 = std::fabs(m.total[0] - m.mean[0]) / std::sqrt(m.variance[0]);
    int hits = 0, all = 0;
    for (int mask = 0; mask < 256; ++mask) {
      if (__builtin_popcount(mask) != 3) continue;
      double T = 0;
      for (int i = 0; i < 8; ++i) if (mask & (1 << i)) T += score[i];
      const double z = std::fabs(T - m.mean[0]) / std::sqrt(m.variance[0]);
      ++all;
      if (z >= z0 - kTieTolerance * std::max(1.0, z0)) ++hits;
    }
    Watch w;
    const PermResult ex = perm_exact(p, w);
    check(near(ex.p_value, static_cast<double>(hits) / all, 1e-14), "exact log-rank p = brute force");
    const ExactPlan plan = perm_exact_plan(p);
    check(near(std::exp(plan.log_permutations), 56, 1e-9), "C(8, 3) permutations");
    const PermResult a = perm_monte_carlo(p, 1000, 3, 1, {});
    const PermResult b = perm_monte_carlo(p, 1000, 3, 2, {});
    check(a.p_value == b.p_value && a.hits == b.hits, "MC log-rank: 1 and 2 threads agree");
    check(a.p_value >= 1.0 / 1001, "MC p never below 1 / (1 + B)");
    Watch expired({}, 1e-9);
    std::vector<double> big(200);
    std::vector<int> bg(200);
    for (int i = 0; i < 200; ++i) { big[i] = std::sin(i * 1.7); bg[i] = i % 2; }
    PermProblem q; q.n = 200; q.score = big.data(); q.group = bg.data(); q.contrast = contrast;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const PermResult stopped = perm_exact(q, expired);
    check(!stopped.complete && std::isnan(stopped.p_value), "an expired budget stops the enumeration");
    const ExactPlan huge = perm_exact_plan(q);
    check(std::isinf(huge.log_outcomes) || huge.log_outcomes > 100, "counts saturate, never overflow");
  }
  // multi-state Aalen-Johansen: illness-death with recovery, delayed entry,
  // weights (one of them 0, on a transition), ties; the lazy IJ equals the
  // direct recursion, p sums to 1, and the variances are finite.
  {
    std::mt19937 gen(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> entry, stop, w;
    std::vector<int> from, to, cl;
    for (int id = 0; id < 60; ++id) {
      double t = id % 3 == 0 ? std::floor(u(gen) * 3) : 0.0;
      int s = 0;
      for (int k = 0; k < 4; ++k) {
        const double t2 = t + 1 + std::floor(u(gen) * 6);
        const double r = u(gen);
        int nxt = r < 0.35 ? (s == 0 ? 1 : 0) : (r < 0.65 ? 2 : -1);
        entry.push_back(t); stop.push_back(t2); from.push_back(s); to.push_back(nxt);
        cl.push_back(id); w.push_back(id == 5 ? 0.0 : 0.5 + (id % 4));
        if (nxt < 0 || nxt == 2) break;
        t = t2; s = nxt;
      }
    }
    MsInput in;
    in.n = stop.size(); in.entry = entry.data(); in.stop = stop.data(); in.from = from.data();
    in.to = to.data(); in.weight = w.data(); in.cluster = cl.data(); in.ncluster = 60;
    in.nstate = 3;
    std::vector<double> p0{1, 0, 0}, t0{0};
    std::vector<int> tf{0, 1, 0, 1}, tt{1, 0, 2, 2};
    in.p0 = p0.data(); in.t0 = t0.data(); in.ntrans = 4; in.trans_from = tf.data();
    in.trans_to = tt.data();
    const MsResult lazy = multistate_fit(in, MsVariance::ij_lazy, {});
    const MsResult direct = multistate_fit(in, MsVariance::ij_direct, {});
    const MsResult gw = multistate_fit(in, MsVariance::greenwood, {});
    double worst = 0.0, sum_err = 0.0;
    bool finite = true;
    const std::size_t nr = lazy.time.size();
    for (std::size_t i = 0; i < lazy.std_err.size(); ++i) {
      worst = std::max(worst, std::fabs(lazy.std_err[i] - direct.std_err[i]));
      worst = std::max(worst, std::fabs(lazy.std_auc[i] - direct.std_auc[i]));
      finite = finite && std::isfinite(lazy.std_err[i]) && std::isfinite(gw.std_err[i]);
    }
    for (std::size_t i = 0; i < lazy.std_chaz.size(); ++i)
      worst = std::max(worst, std::fabs(lazy.std_chaz[i] - direct.std_chaz[i]));
    for (std::size_t r = 0; r < nr; ++r)
      sum_err = std::max(sum_err, std::fabs(lazy.pstate[r] + lazy.pstate[nr + r] +
                                            lazy.pstate[2 * nr + r] - 1.0));
    check(nr > 5 && worst < 1e-12, "multistate: lazy IJ equals the direct recursion");
    check(sum_err < 1e-12 && finite, "multistate: p sums to 1, variances finite");
    bool threw = false;
    try {
      std::vector<int> bad = to;
      bad[0] = from[0];
      MsInput b = in;
      b.to = bad.data();
      multistate_fit(b, MsVariance::ij, {});
    } catch (const std::invalid_argument&) {
      threw = true;
    }
    check(threw, "multistate: a transition to the same state is refused");
  }
  // recount(): the data's own labels and weights give the table's columns
  // (delayed entry, two strata, causes); by group, the counts add up
  {
    std::vector<double> entry{0, 0, 1, 2, 0, 3, 0, 1.5};
    std::vector<double> stop{2, 3, 3, 5, 4, 6, 1, 4};
    std::vector<int> st{1, 0, 2, 1, 0, 2, 1, 0}, strata{0, 0, 0, 0, 1, 1, 1, 1};
    std::vector<int> grp{0, 1, 1, 0, 1, 0, 0, 1};
    std::vector<double> w{1.5, 0.5, 2, 1, 0.25, 3, 1, 2};
    SurvInput in;
    in.n = stop.size(); in.stop = stop.data(); in.entry = entry.data(); in.status = st.data();
    in.strata = strata.data(); in.nstrata = 2; in.ncause = 2;
    for (int weighted = 0; weighted < 2; ++weighted) {
      in.weight = weighted ? w.data() : nullptr;
      EventTable tab = build_event_table(in, true);
      Recount rc;
      recount(tab, nullptr, 1, in.weight, 2, rc);
      bool same = true;
      for (std::size_t r = 0; r < tab.nrow(); ++r) {
        same = same && near(rc.n_risk[r], tab.n_risk[r], 1e-14) &&
               near(rc.n_event[r], tab.n_event[r], 1e-14) &&
               near(rc.n_event_cause[r * 2], tab.n_event_cause[r * 2], 1e-14) &&
               near(rc.n_event_cause[r * 2 + 1], tab.n_event_cause[r * 2 + 1], 1e-14);
      }
      check(same, weighted ? "recount: weighted table reproduced" : "recount: table reproduced");
      Recount bg;
      recount(tab, grp.data(), 2, in.weight, 2, bg);
      const std::size_t nr = tab.nrow();
      bool sums = true;
      for (std::size_t r = 0; r < nr; ++r) {
        sums = sums && near(bg.n_risk[r] + bg.n_risk[nr + r], tab.n_risk[r], 1e-14) &&
               near(bg.n_event[r] + bg.n_event[nr + r], tab.n_event[r], 1e-14);
      }
      check(sums, "recount: groups add up to the table");
    }
  }
  std::printf("%s: %d failure(s)\n", failures ? "FAILED" : "core tests passed", failures);
  return failures ? 1 : 0;
}
