#pragma once
// Byte images of plain values, for snapshots (docs/snapshots.md): a visitor that appends each
// value's bytes, and one that reads them back in the same order. Only trivially copyable
// values and vectors of them: their bytes are the value, bit for bit (NaN payloads and all),
// which is what a twin that must continue identically needs. Never indices into the model's
// arrays (those come from the model): bytes from a file cannot make a read go out of bounds.
// The images are not portable across architectures or versions; the snapshot records both
// and refuses a mismatch.
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "physiotwin/core/error.hpp"

namespace physiotwin {

/// Appends the bytes of every value it is called with.
class ByteImageWriter {
 public:
  explicit ByteImageWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  template <typename T>
  void operator()(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>, "a byte image holds plain values only");
    static_assert(!std::is_same_v<T, bool> || sizeof(bool) == 1);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&value);
    out_.insert(out_.end(), bytes, bytes + sizeof(T));
  }
  template <typename T>
  void operator()(const std::vector<T>& values) {
    (*this)(std::uint64_t(values.size()));
    for (const T& v : values) (*this)(v);
  }

 private:
  std::vector<std::uint8_t>& out_;
};

/// Reads values back in the order they were written. A vector must have the size it had when
/// written (the sizes come from the model, so another size means another model); running
/// out of bytes or a size mismatch is an InputError naming `what`.
class ByteImageReader {
 public:
  ByteImageReader(std::span<const std::uint8_t> in, const char* what) : in_(in), what_(what) {}

  template <typename T>
  void operator()(T& value) {
    static_assert(std::is_trivially_copyable_v<T>, "a byte image holds plain values only");
    if (in_.size() - at_ < sizeof(T)) fail("ends early");
    std::memcpy(&value, in_.data() + at_, sizeof(T));
    at_ += sizeof(T);
  }
  /// A bool is one byte, 0 or 1 (any other value would be undefined behaviour to load).
  void operator()(bool& value) {
    std::uint8_t byte = 0;
    (*this)(byte);
    if (byte > 1) fail("holds a truth value that is neither 0 nor 1");
    value = byte == 1;
  }
  template <typename T>
  void operator()(std::vector<T>& values) {
    std::uint64_t size = 0;
    (*this)(size);
    if (size != values.size()) {
      fail(fmt::format("holds {} values where this model has {}", size, values.size()));
    }
    for (T& v : values) (*this)(v);
  }
  /// Every byte read: call after the last value.
  void finish() const {
    if (at_ != in_.size()) fail("has bytes left over");
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(
        fmt::format("snapshot: the {} {}: the snapshot was taken of another model "
                    "or is damaged",
                    what_, why));
  }
  std::span<const std::uint8_t> in_;
  const char* what_;
  std::size_t at_ = 0;
};

}  // namespace physiotwin
