#pragma once
// The haemorrhages and infusions a twin has had, for the message of a run that fails: the last
// few in words and the earlier ones as totals. A list of every one grew without bound for the
// monitor, whose ensemble members take a volume correction every minute (a SolverError of
// several kB after 12 h, and a longer copy of every twin).

#include <fmt/format.h>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace physiotwin {

class FluidHistory {
 public:
  /// How many of the latest are kept in words.
  static constexpr std::size_t listed = 4;

  /// One more: bled (true) or infused, `volume` mL from `time` s.
  void add(bool bled, double volume, double time) {
    if (recent_.size() == listed) {
      const Entry& oldest = recent_.front();
      ++earlier_count_;
      (oldest.bled ? earlier_bled_ : earlier_infused_) += oldest.volume;
      recent_.erase(recent_.begin());
    }
    recent_.push_back({bled, volume, time});
  }

  /// In words, oldest first: the totals of those no longer listed, then the latest each.
  [[nodiscard]] std::vector<std::string> describe() const {
    std::vector<std::string> words;
    if (earlier_count_ > 0) {
      words.push_back(
          fmt::format("{} earlier hemorrhage and infusion actions ({:g} mL bled, {:g} mL "
                      "infused)",
                      earlier_count_, earlier_bled_, earlier_infused_));
    }
    for (const Entry& e : recent_) {
      words.push_back(fmt::format("{} of {:g} mL from {:g} s", e.bled ? "hemorrhage" : "infusion",
                                  e.volume, e.time));
    }
    return words;
  }

  /// Every number, for a snapshot (twin_snapshot.cpp): [earlier count, bled, infused], then
  /// [bled (1 or 0), volume, time] per listed entry.
  [[nodiscard]] std::vector<std::vector<double>> to_rows() const {
    std::vector<std::vector<double>> rows{
        {static_cast<double>(earlier_count_), earlier_bled_, earlier_infused_}};
    for (const Entry& e : recent_) rows.push_back({e.bled ? 1.0 : 0.0, e.volume, e.time});
    return rows;
  }
  /// The history to_rows() wrote; false when the rows are not of that shape.
  [[nodiscard]] static bool from_rows(const std::vector<std::vector<double>>& rows,
                                      FluidHistory& out) {
    if (rows.empty() || rows.front().size() != 3 || rows.size() > listed + 1) return false;
    // A count outside what a size_t holds exactly would make the cast below undefined.
    if (!(rows.front()[0] >= 0.0 && rows.front()[0] <= 9.0e15)) return false;
    FluidHistory h;
    h.earlier_count_ = static_cast<std::size_t>(rows.front()[0]);
    h.earlier_bled_ = rows.front()[1];
    h.earlier_infused_ = rows.front()[2];
    for (std::size_t i = 1; i < rows.size(); ++i) {
      if (rows[i].size() != 3) return false;
      h.recent_.push_back({rows[i][0] != 0.0, rows[i][1], rows[i][2]});
    }
    out = std::move(h);
    return true;
  }

 private:
  struct Entry {
    bool bled;
    double volume, time;
  };
  std::vector<Entry> recent_;
  std::size_t earlier_count_ = 0;
  double earlier_bled_ = 0.0, earlier_infused_ = 0.0;
};

}  // namespace physiotwin
