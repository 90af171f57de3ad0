#pragma once
// Time-domain heart rate variability over a trailing window of beats, as a wearable or a
// biofeedback display shows it (Task Force of the ESC and NASPE 1996, Circulation 93:1043):
//   SDNN   the standard deviation of the beat-to-beat (RR) intervals in the window
//          (with n - 1, the sample standard deviation)
//   RMSSD  the root mean square of the differences between successive intervals in it
// The window holds the beats that began within the last `window_seconds` before the latest
// beat ended. Until the first beat began that long ago the window is not full and both are
// NaN: a shorter record would report a different quantity. 60 s is an ultra-short-term
// record; the model has no slow (LF, VLF) variability, so its 60-s and 5-min values agree
// (docs/models/control.md, "Respiratory sinus arrhythmia and heart rate variability").
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

namespace physiotwin {

class TrailingHeartRateVariability {
 public:
  static constexpr double window_seconds = 60.0;
  /// Beats the window holds at most: 60 s at 320 /min (heart.rate allows up to 220 /min); a
  /// faster heart keeps its last 320 beats, less than a minute.
  static constexpr std::size_t capacity = 320;

  /// Adds a beat that began at `start` (s) and lasted `interval` (s).
  void add(double start, double interval) noexcept {
    if (std::isnan(first_start_)) first_start_ = start;
    while (count_ >= capacity) drop_oldest();
    beats_[(oldest_ + count_) % capacity] = {start, interval};
    ++count_;
    const double end = start + interval;
    while (count_ > 0 && beats_[oldest_ % capacity].start < end - window_seconds) drop_oldest();
    full_ = first_start_ <= end - window_seconds && count_ >= 2;
  }

  /// SDNN in ms over the window; NaN until it is full.
  [[nodiscard]] double sdnn_ms() const noexcept {
    if (!full_) return std::numeric_limits<double>::quiet_NaN();
    double mean = 0.0;
    for (std::size_t i = 0; i < count_; ++i) mean += interval(i);
    mean /= double(count_);
    double squares = 0.0;
    for (std::size_t i = 0; i < count_; ++i) squares += (interval(i) - mean) * (interval(i) - mean);
    return 1000.0 * std::sqrt(squares / double(count_ - 1));
  }

  /// RMSSD in ms over the window; NaN until it is full.
  [[nodiscard]] double rmssd_ms() const noexcept {
    if (!full_) return std::numeric_limits<double>::quiet_NaN();
    double squares = 0.0;
    for (std::size_t i = 1; i < count_; ++i) {
      const double d = interval(i) - interval(i - 1);
      squares += d * d;
    }
    return 1000.0 * std::sqrt(squares / double(count_ - 1));
  }

  /// What a snapshot carries (docs/snapshots.md); `Self` is this class or its const.
  template <typename Self, typename Visit>
  static void visit_progress(Self& self, Visit&& visit) {
    visit(self.beats_);
    visit(self.oldest_);
    visit(self.count_);
    visit(self.first_start_);
    visit(self.full_);
  }

 private:
  struct Beat {
    double start = 0.0, interval = 0.0;
  };
  [[nodiscard]] double interval(std::size_t i) const noexcept {
    return beats_[(oldest_ + i) % capacity].interval;
  }
  void drop_oldest() noexcept {
    oldest_ = (oldest_ + 1) % capacity;
    --count_;
  }

  // A ring: count_ beats from oldest_ on. Every index is taken modulo the capacity, so values
  // from a damaged snapshot cannot read out of bounds.
  std::array<Beat, capacity> beats_{};
  std::size_t oldest_ = 0, count_ = 0;
  double first_start_ = std::numeric_limits<double>::quiet_NaN();
  bool full_ = false;
};

}  // namespace physiotwin
