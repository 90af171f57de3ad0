#pragma once
// Puts a stream's observations in time order although some arrive late (a gateway batching a
// cuff reading, a phone catching up after a gap): each waits `window` seconds of stream time
// (the latest time seen so far) before it is released, so one that arrives up to `window` s
// late is sorted in; one older than what has been released already cannot be assimilated any
// more (the twin has moved past it) and gets a warning. docs/monitoring.md, "Late arrivals".
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "physiotwin/monitor/observation_stream.hpp"

namespace physiotwin::monitor {

class ReorderBuffer {
 public:
  explicit ReorderBuffer(std::int64_t window) : window_(window) {}

  /// Adds an observation; returns a warning (empty if none) when it is too late to be used.
  [[nodiscard]] std::string push(const Observation& o) {
    if (o.time < released_until_) {
      return fmt::format(
          "line {}: dated {} s before observations already used (late by more than the {} s "
          "window): not used",
          o.line, released_until_ - o.time, window_);
    }
    waiting_.push_back(o);
    latest_ = std::max(latest_, o.time);
    return {};
  }

  /// The observations whose time is at least `window` s before the latest seen, in time order
  /// (stable: the stream's order among equal times).
  [[nodiscard]] std::vector<Observation> release() { return release_until(latest_ - window_); }

  /// Everything still waiting, in time order (the stream has ended).
  [[nodiscard]] std::vector<Observation> flush() {
    return release_until(std::numeric_limits<std::int64_t>::max());
  }

  [[nodiscard]] std::size_t waiting() const noexcept { return waiting_.size(); }

 private:
  std::vector<Observation> release_until(std::int64_t until) {
    std::stable_sort(waiting_.begin(), waiting_.end(),
                     [](const Observation& a, const Observation& b) { return a.time < b.time; });
    auto end = std::find_if(waiting_.begin(), waiting_.end(),
                            [&](const Observation& o) { return o.time > until; });
    std::vector<Observation> out(waiting_.begin(), end);
    waiting_.erase(waiting_.begin(), end);
    if (!out.empty()) released_until_ = std::max(released_until_, out.back().time);
    return out;
  }

  std::int64_t window_;
  std::int64_t latest_ = std::numeric_limits<std::int64_t>::min() / 2;
  std::int64_t released_until_ = std::numeric_limits<std::int64_t>::min();
  std::vector<Observation> waiting_;
};

}  // namespace physiotwin::monitor
