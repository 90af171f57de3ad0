#pragma once
// The signal registry: what a model lets you observe (its signals, which
// model/observables.hpp registers), each named once with its unit, description and anatomical
// region; a name registered twice is an error. Not every state is a signal (the gas amounts
// and the cycle phases are not). The HDF5 writer, the command-line tool and the bindings read
// a model's registry; none keeps a list of its own.
#include <fmt/format.h>

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "physiotwin/core/error.hpp"

namespace physiotwin {

struct SignalInfo {
  std::string name;         ///< e.g. "lv.pressure", "aortic_valve.flow"
  std::string unit;         ///< e.g. "mmHg"
  std::string description;  ///< one line a scene designer or analyst understands
  std::string region;       ///< anatomical region, e.g. "heart", "thorax", "brain"
};

/// Two signals of one name: the loader turns it into an error naming the block responsible.
class DuplicateSignal : public InputError {
 public:
  explicit DuplicateSignal(const std::string& name)
      : InputError(fmt::format("signal {} is registered twice", name)), signal(name) {}
  std::string signal;
};

class SignalRegistry {
 public:
  std::size_t add(SignalInfo info) {
    if (index_.contains(info.name)) throw DuplicateSignal(info.name);
    index_.emplace(info.name, signals_.size());
    signals_.push_back(std::move(info));
    return signals_.size() - 1;
  }

  [[nodiscard]] std::optional<std::size_t> find(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  [[nodiscard]] std::size_t index_of(const std::string& name) const {
    auto i = find(name);
    if (!i) throw InputError(fmt::format("unknown signal \"{}\"", name));
    return *i;
  }

  [[nodiscard]] std::span<const SignalInfo> all() const noexcept { return signals_; }
  [[nodiscard]] std::size_t size() const noexcept { return signals_.size(); }
  [[nodiscard]] const SignalInfo& at(std::size_t i) const { return signals_.at(i); }

 private:
  std::vector<SignalInfo> signals_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace physiotwin
