// Benchmarks of the circulation; figures and the command are in docs/performance.md.
//   ./build/release/benchmarks/physiotwin_benchmarks --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <physiotwin/core/json_reader.hpp>
#include <physiotwin/patient/calibration.hpp>
#include <physiotwin/patient/personalise.hpp>
#include <physiotwin/physiotwin.hpp>
#include <string>

namespace {

/// The reference adult; `without` names model sections to leave out (to time the model as
/// it was before they existed).
physiotwin::BodyModel reference_model(std::initializer_list<const char*> without = {}) {
  const std::string models = PHYSIOTWIN_MODELS_DIR;
  std::string file = models + "/circulation/adult.json";
  if (without.size() > 0) {
    auto json = physiotwin::read_json_file(file);
    for (const char* section : without) json.erase(section);
    file = (std::filesystem::temp_directory_path() / "physiotwin_benchmark_model.json").string();
    std::ofstream(file) << json.dump();
  }
  auto model = physiotwin::load_circulation(file);
  physiotwin::scale_to_patient(model,
                               physiotwin::load_patient(models + "/patients/adult_male.json"));
  return model;
}

// One evaluation of the right-hand side of the reference adult (105 states: circulation,
// lungs, gases, baroreflex and chemoreflexes).
void BM_RightHandSide(benchmark::State& state) {
  auto model = reference_model();
  std::vector<double> y(model.state_size()), ydot(model.state_size());
  model.initial_state(y);
  double t = 0.0;
  for (auto _ : state) {
    y[model.phase_state()] = t;  // walk through the beat so activation is exercised
    model.rhs(t, y.data(), ydot.data());
    benchmark::DoNotOptimize(ydot.data());
    t += 1e-3;
  }
}
BENCHMARK(BM_RightHandSide);

// 60 simulated seconds of the reference adult with the default options (the tolerances
// the validation tests pass with), outputs sampled at 100 Hz and beat metrics at 500 Hz.
// Reports the real-time factor: simulated seconds per wall-clock second.
void simulate_60s(benchmark::State& state, const physiotwin::BodyModel& model) {
  for (auto _ : state) {
    physiotwin::Twin twin{physiotwin::BodyModel(model)};
    twin.advance(60.0);
    benchmark::DoNotOptimize(twin.signal_values().data());
  }
  state.counters["real_time_factor"] =
      benchmark::Counter(60.0 * double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ReferenceAdult60s(benchmark::State& state) {
  simulate_60s(state, reference_model());
}
BENCHMARK(BM_ReferenceAdult60s)->Unit(benchmark::kMillisecond)->UseRealTime();

// Copying a twin (a fork) costs the replay of the time since its solver last restarted (the
// start, or the last action): here 60 s after the start, and 5 s after an action at 55 s, of the
// reference adult advanced in 1/90 s frames. Compare with BM_ReferenceAdult60s.
physiotwin::Twin adult_at_60s(bool action_at_55s) {
  physiotwin::Twin twin{reference_model()};
  if (action_at_55s) {
    physiotwin::Action a;
    a.kind = physiotwin::ActionKind::set_parameter;
    a.time = 55.0;
    a.parameter = "heart.rate";
    a.value = twin.model().parameters.value("heart.rate");
    twin.schedule(a);
  }
  while (twin.time() < 60.0) twin.advance(1.0 / 90.0);
  return twin;
}
void copy_after(benchmark::State& state, bool action_at_55s) {
  const physiotwin::Twin twin = adult_at_60s(action_at_55s);
  for (auto _ : state) {
    physiotwin::Twin copy(twin);
    benchmark::DoNotOptimize(copy.signal_values().data());
  }
}
void BM_TwinCopy60sSinceRestart(benchmark::State& state) {
  copy_after(state, false);
}
BENCHMARK(BM_TwinCopy60sSinceRestart)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_TwinCopy5sSinceRestart(benchmark::State& state) {
  copy_after(state, true);
}
BENCHMARK(BM_TwinCopy5sSinceRestart)->Unit(benchmark::kMillisecond)->UseRealTime();

// A snapshot (docs/snapshots.md) of the reference adult 5 s after an action, and restoring it
// on the model file loaded fresh (restore replays the 5 s, as a copy does). Reports the size.
void BM_Snapshot(benchmark::State& state) {
  const physiotwin::Twin twin = adult_at_60s(true);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto snapshot = twin.snapshot();
    bytes = snapshot.size();
    benchmark::DoNotOptimize(snapshot.data());
  }
  state.counters["bytes"] = double(bytes);
}
BENCHMARK(BM_Snapshot)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_Restore5sSinceRestart(benchmark::State& state) {
  const physiotwin::Twin twin = adult_at_60s(true);
  const auto snapshot = twin.snapshot();
  const std::string file = std::string(PHYSIOTWIN_MODELS_DIR) + "/circulation/adult.json";
  for (auto _ : state) {
    physiotwin::Twin restored =
        physiotwin::Twin::restore(physiotwin::load_circulation(file), snapshot);
    benchmark::DoNotOptimize(restored.signal_values().data());
  }
}
BENCHMARK(BM_Restore5sSinceRestart)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same without gas exchange and chemoreflexes (48 states: circulation, lung mechanics,
// baroreflex), kept comparable across versions since the lungs and the baroreflex came.
void BM_WithoutGases60s(benchmark::State& state) {
  simulate_60s(state, reference_model({"gas_exchange", "chemoreflex"}));
}
BENCHMARK(BM_WithoutGases60s)->Unit(benchmark::kMillisecond)->UseRealTime();

// Issue 2's model: the closed-loop circulation alone, with the constant external (pleural)
// pressure it had before the lungs drove it, and no reflexes (34 states).
void BM_CirculationOnly60s(benchmark::State& state) {
  simulate_60s(state,
               reference_model({"gas_exchange", "chemoreflex", "respiration", "baroreflex"}));
}
BENCHMARK(BM_CirculationOnly60s)->Unit(benchmark::kMillisecond)->UseRealTime();

// Personalising one patient (issue 4: under 2 s): a patient with six measured vitals
// (models/patients/example_measured_male.json) is read, the model scaled and calibrated.
void BM_PersonalisePatient(benchmark::State& state) {
  const std::string models = PHYSIOTWIN_MODELS_DIR;
  const std::string path = models + "/patients/example_measured_male.json";
  for (auto _ : state) {
    const physiotwin::Patient patient = physiotwin::load_patient(path);
    auto model = physiotwin::load_circulation(models + "/circulation/adult.json");
    physiotwin::scale_to_patient(model, patient);
    const auto report = physiotwin::calibrate(model, patient);
    benchmark::DoNotOptimize(report.results.data());
  }
}
BENCHMARK(BM_PersonalisePatient)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// Personalising a health record (issue 11: median under 2 s, none over 5 s): one Synthea record
// per systolic band of tests/data/fhir (118/74 to 185/113 mmHg) read, scaled to its body and
// calibrated on its settled closed loop. scripts/evaluate-calibration.py times the whole corpus.
void BM_PersonaliseRecord(benchmark::State& state) {
  static constexpr const char* records[] = {
      "smart_Gustavo_Mejia_59a8543c-e24f-4a01-b28b-47ccde6bc11d.json",
      "smart_Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json",
      "smart_Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json",
      "smart_Stephen_McLaughlin_7735ab79-6ac8-4b81-9936-f7ddabd18751.json",
      "smart_Fredrick_Kris_ec6a5bb6-b412-4bb6-8219-11d66f52ae8b.json"};
  const std::string models = PHYSIOTWIN_MODELS_DIR;
  const std::string record =
      std::string(PHYSIOTWIN_TEST_DATA_DIR) + "/fhir/" + records[state.range(0)];
  // The record's code comes from a table of the benchmark's own, not the user's.
  setenv("PHYSIOTWIN_RECORD_CODES", "/tmp/physiotwin_benchmark_record_codes.tsv", 0);
  // Named, not a default argument: GCC 12 at -O3 warns of its temporary (a false positive).
  const physiotwin::PersonaliseOptions options;
  const std::optional<std::string> latest_observation;
  for (auto _ : state) {
    const auto personalised =
        physiotwin::personalise(physiotwin::load_circulation(models + "/circulation/adult.json"),
                                std::filesystem::path(record), options, latest_observation);
    benchmark::DoNotOptimize(personalised.model.start_state.data());
  }
  static constexpr const char* bands[] = {"118/74", "132/78", "152/95", "171/108", "185/113"};
  state.SetLabel(bands[state.range(0)]);  // the record's pressure (mmHg), not its name
}
BENCHMARK(BM_PersonaliseRecord)
    ->DenseRange(0, 4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
