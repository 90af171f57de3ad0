// Cohorts (docs/performance.md, "Cohorts"): members per second on 1 and 2 threads, and the
// cost of drawing a population before any member runs.
//   physiotwin_benchmarks --benchmark_filter=BM_Cohort --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <numeric>
#include <physiotwin/cohort/cohort_run.hpp>
#include <string>

namespace {

using namespace physiotwin;

/// The shipped virtual adults (60 s each), `size` of them, planned once.
cohort::CohortPlan virtual_adults(std::size_t size) {
  cohort::CohortDescription d = cohort::load_cohort_description(std::string(PHYSIOTWIN_MODELS_DIR) +
                                                                "/cohorts/virtual_adults.json");
  d.population->size = size;
  return cohort::plan_cohort(std::move(d),
                             std::string(PHYSIOTWIN_MODELS_DIR) + "/circulation/adult.json");
}

// 16 members x 60 s, results kept in memory (no file): the threads' throughput.
void BM_CohortMembers(benchmark::State& state) {
  static const cohort::CohortPlan plan = virtual_adults(16);
  std::vector<std::size_t> members(plan.size());
  std::iota(members.begin(), members.end(), 0);
  double simulated = 0.0;
  for (auto _ : state) {
    cohort::run_members(plan, members, int(state.range(0)),
                        [&](cohort::MemberResult&& r) { simulated += r.simulated; });
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(plan.size()));
  state.counters["patient_seconds_per_second"] =
      benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CohortMembers)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

// Drawing 1,000 virtual adults (each draw's body and rules checked on a scaled model copy).
void BM_DrawPopulation1000(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(virtual_adults(1000));
}
BENCHMARK(BM_DrawPopulation1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
