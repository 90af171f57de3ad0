#pragma once
// Calendar dates and instants as health records write them (ISO 8601 / FHIR date, dateTime,
// instant): "2016", "2016-03", "2016-03-07", "2016-03-07T05:28:45+00:00", "...45.267Z".
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace physiotwin::dates {

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m,
                                                     unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Instant {
  std::int64_t seconds = 0;             ///< since 1970-01-01T00:00:00Z
  int year = 1970, month = 1, day = 1;  ///< the calendar date as written (local to the record)
};

namespace detail {
inline bool read_int(std::string_view s, std::size_t at, std::size_t width, int& out) {
  if (at + width > s.size()) return false;
  for (std::size_t i = at; i < at + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return std::from_chars(s.data() + at, s.data() + at + width, out).ec == std::errc{};
}
}  // namespace detail

/// Parses a FHIR date or dateTime; a partial date stands for its first day. nullopt if the
/// text is not one.
[[nodiscard]] inline std::optional<Instant> parse(std::string_view s) {
  Instant r;
  if (!detail::read_int(s, 0, 4, r.year)) return std::nullopt;
  std::size_t at = 4;
  if (at < s.size() && s[at] == '-') {
    if (!detail::read_int(s, at + 1, 2, r.month) || r.month < 1 || r.month > 12)
      return std::nullopt;
    at += 3;
    if (at < s.size() && s[at] == '-') {
      static constexpr int days_in_month[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      if (!detail::read_int(s, at + 1, 2, r.day) || r.day < 1 ||
          r.day > days_in_month[r.month - 1]) {
        return std::nullopt;
      }
      const bool leap = (r.year % 4 == 0 && r.year % 100 != 0) || r.year % 400 == 0;
      if (r.month == 2 && r.day == 29 && !leap) return std::nullopt;
      at += 3;
    }
  }
  std::int64_t seconds = 0;
  if (at < s.size() && s[at] == 'T') {
    int h = 0, mi = 0, se = 0;
    if (!detail::read_int(s, at + 1, 2, h) || s.size() < at + 9 || s[at + 3] != ':' ||
        !detail::read_int(s, at + 4, 2, mi) || s[at + 6] != ':' ||
        !detail::read_int(s, at + 7, 2, se) || h > 23 || mi > 59 || se > 60) {
      return std::nullopt;
    }
    seconds = h * 3600 + mi * 60 + se;
    at += 9;
    if (at < s.size() && s[at] == '.') {  // fractions of a second: ignored
      ++at;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    }
    if (at < s.size() && s[at] == 'Z') {
      ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
      int oh = 0, om = 0;
      if (!detail::read_int(s, at + 1, 2, oh) || s.size() < at + 6 || s[at + 3] != ':' ||
          !detail::read_int(s, at + 4, 2, om)) {
        return std::nullopt;
      }
      seconds -= (s[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      at += 6;
    }
  }
  if (at != s.size()) return std::nullopt;
  r.seconds = days_from_civil(r.year, unsigned(r.month), unsigned(r.day)) * 86400 + seconds;
  return r;
}

/// Seconds since 1970-01-01T00:00:00Z now, by the system clock.
[[nodiscard]] inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Completed years of age on date `on` for someone born on `birth`.
[[nodiscard]] constexpr int age_in_years(const Instant& birth, const Instant& on) noexcept {
  int years = on.year - birth.year;
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --years;
  return years;
}

[[nodiscard]] inline std::string format_date(const Instant& d) {
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

}  // namespace physiotwin::dates
