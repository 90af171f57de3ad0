#pragma once
// The latest value of a fixed-size array of numbers, written by one thread and copied by any
// number of others without locks and without tearing: how a render thread reads a twin that
// the simulation thread advances (docs/engines.md, "Threads").
//
// A sequence lock whose data are atomics (Boehm, "Can seqlocks get along with programming
// language memory models?", MSPC 2012): the writer makes the sequence odd, stores the words,
// makes it even again; a reader copies the words between two reads of the sequence and keeps
// the copy only if the sequence was even and unchanged. The words are stored with release and
// loaded with acquire (Boehm's variant without fences, which ThreadSanitizer cannot follow):
// every access is atomic, so the C++ memory model (and ThreadSanitizer) sees no data race, and
// on x86-64 these are plain loads and stores. The writer never waits; a reader repeats its
// copy only while a publish overlaps it (one copy of the array: 195 numbers for the adult
// model), so a reader at 90 Hz against a writer publishing once per frame rarely repeats.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>

namespace physiotwin {

class LatestValue {
 public:
  static_assert(std::atomic<double>::is_always_lock_free,
                "readers must never wait on a lock: this platform's atomic double is not "
                "lock-free");

  explicit LatestValue(std::size_t size)
      : size_(size), words_(std::make_unique<std::atomic<double>[]>(size)) {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// Publishes `values` (size() of them). One writer at a time: the thread that owns the twin.
  void publish(std::span<const double> values) noexcept {
    const std::uint64_t sequence = sequence_.load(std::memory_order_relaxed);
    sequence_.store(sequence + 1, std::memory_order_relaxed);
    // Release stores: none can be seen before the odd sequence above is.
    const std::size_t n = values.size() < size_ ? values.size() : size_;
    for (std::size_t i = 0; i < n; ++i) words_[i].store(values[i], std::memory_order_release);
    sequence_.store(sequence + 2, std::memory_order_release);
  }

  /// Copies the latest published values into `out` (size() of them; fewer: the first ones)
  /// and returns how many publishes there have been (0: none yet, `out` then holds the initial
  /// zeros). Any number of threads, concurrently with publish().
  std::uint64_t read(std::span<double> out) const noexcept {
    const std::size_t n = out.size() < size_ ? out.size() : size_;
    for (unsigned attempt = 0;; ++attempt) {
      const std::uint64_t before = sequence_.load(std::memory_order_acquire);
      if ((before & 1U) == 0U) {
        // Acquire loads: the second read of the sequence cannot move before them, and a word
        // a publish under way wrote makes that read see its odd (or a later) sequence.
        for (std::size_t i = 0; i < n; ++i) out[i] = words_[i].load(std::memory_order_acquire);
        if (sequence_.load(std::memory_order_relaxed) == before) return before / 2;
      }
      // A publish is under way: it takes a microsecond; let the writer's core run if we
      // share it.
      if (attempt % 64U == 63U) std::this_thread::yield();
    }
  }

  /// How many publishes there have been (a reader's cheap "anything new?").
  [[nodiscard]] std::uint64_t publications() const noexcept {
    return sequence_.load(std::memory_order_acquire) / 2;
  }

 private:
  std::size_t size_;
  std::unique_ptr<std::atomic<double>[]> words_;
  std::atomic<std::uint64_t> sequence_{0};
};

}  // namespace physiotwin
