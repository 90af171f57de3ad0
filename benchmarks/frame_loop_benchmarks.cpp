// The engine's frame loop through the C interface (issue 14, item 3): each iteration is one
// 90 Hz frame as docs/engines.md tells an engine to run it: pt_twin_advance(1/90 s), then
// every signal read (pt_twin_read_signals) and the render thread's copy (pt_twin_read_latest).
// The distribution matters, not the mean: a frame is late when its worst case is, so each run
// reports the 50th, 99th and 99.9th percentiles and the maximum of the wall and the calling
// thread's CPU time per frame, over a minute of frames after 15 s of warm-up. Figures, the
// command and the machine: docs/performance.md ("Frame loop").
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <physiotwin/core/json_reader.hpp>
#include <physiotwin/core/thread_clock.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "physiotwin_c.h"

namespace {

constexpr double frame_seconds = 1.0 / 90.0;
constexpr int measured_frames = 60 * 90;

/// The reference adult's model file as text, without the sections named.
std::string model_text(std::initializer_list<const char*> without) {
  auto json =
      physiotwin::read_json_file(std::string(PHYSIOTWIN_MODELS_DIR) + "/circulation/adult.json");
  for (const char* section : without) json.erase(section);
  return json.dump();
}

/// The p-th percentile (0-100) of `values` by the nearest rank.
double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = std::size_t(std::ceil(p / 100.0 * double(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

void report(benchmark::State& state, const char* clock, const std::vector<double>& seconds) {
  const std::string prefix(clock);
  state.counters[prefix + "_p50_us"] = 1e6 * percentile(seconds, 50.0);
  state.counters[prefix + "_p99_us"] = 1e6 * percentile(seconds, 99.0);
  state.counters[prefix + "_p99.9_us"] = 1e6 * percentile(seconds, 99.9);
  state.counters[prefix + "_max_us"] = 1e6 * *std::max_element(seconds.begin(), seconds.end());
}

void frame_loop(benchmark::State& state, const std::string& model) {
  pt_twin* twin = nullptr;
  if (pt_twin_create_from_json(model.c_str(), nullptr, &twin) != PT_OK) {
    state.SkipWithError(pt_last_error());
    return;
  }
  std::vector<double> signals(pt_twin_signal_count(twin)), latest(pt_twin_latest_size(twin));
  for (int i = 0; i < 15 * 90; ++i) (void)pt_twin_advance(twin, frame_seconds);
  std::vector<double> wall, cpu;
  wall.reserve(measured_frames);
  cpu.reserve(measured_frames);
  std::uint64_t publication = 0;
  for (auto _ : state) {
    const auto wall_start = std::chrono::steady_clock::now();
    const double cpu_start = physiotwin::thread_cpu_seconds();
    if (pt_twin_advance(twin, frame_seconds) != PT_OK ||
        pt_twin_read_signals(twin, signals.data(), signals.size()) != PT_OK ||
        pt_twin_read_latest(twin, latest.data(), latest.size(), &publication) != PT_OK) {
      state.SkipWithError(pt_last_error());
      break;
    }
    cpu.push_back(physiotwin::thread_cpu_seconds() - cpu_start);
    wall.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
  }
  pt_twin_destroy(twin);
  if (wall.empty()) return;
  report(state, "wall", wall);
  report(state, "cpu", cpu);
  state.counters["signals"] = double(signals.size());
}

// The reference adult: circulation, lungs, gas exchange, baroreflex and chemoreflexes.
void BM_FrameLoop90Hz(benchmark::State& state) {
  static const std::string model = model_text({});
  frame_loop(state, model);
}
BENCHMARK(BM_FrameLoop90Hz)
    ->Iterations(measured_frames)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// The closed-loop circulation alone (no lungs, gases or reflexes): an engine that shows the
// heart and vessels only.
void BM_FrameLoop90HzCirculationOnly(benchmark::State& state) {
  static const std::string model =
      model_text({"gas_exchange", "chemoreflex", "respiration", "baroreflex"});
  frame_loop(state, model);
}
BENCHMARK(BM_FrameLoop90HzCirculationOnly)
    ->Iterations(measured_frames)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
