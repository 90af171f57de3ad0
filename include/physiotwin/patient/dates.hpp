#pragma once
// Calendar dates and instants as health records write them (ISO 8601 / FHIR date, dateTime,
// instant): "2016", "2016-03", "2016-03-07", "2016-03-07T05:28:45+00:00", "...45.267Z".
// The calendar (valid dates, month lengths, leap years, days since the epoch, ages) is the
// C++20 <chrono> calendar's; only the reading of the text is written here (GCC 12's
// libstdc++ has no std::chrono::parse).
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace physiotwin::dates {

/// Days since 1970-01-01 of a proleptic Gregorian date: std::chrono::sys_days. For a year in
/// std::chrono::year's range (-32767 to 32767), a month 1-12 and a day 0-255; a day past the
/// month's end counts on into the next months.
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m,
                                                     unsigned d) noexcept {
  const std::chrono::year_month_day date{std::chrono::year{static_cast<int>(y)},
                                         std::chrono::month{m}, std::chrono::day{d}};
  return std::chrono::sys_days{date}.time_since_epoch().count();
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

/// The calendar date of an Instant as written.
[[nodiscard]] constexpr std::chrono::year_month_day calendar_date(const Instant& t) noexcept {
  return std::chrono::year{t.year} / std::chrono::month{static_cast<unsigned>(t.month)} /
         std::chrono::day{static_cast<unsigned>(t.day)};
}
}  // namespace detail

/// Parses a FHIR date or dateTime; a partial date stands for its first day. nullopt if the
/// text is not one.
[[nodiscard]] inline std::optional<Instant> parse(std::string_view s) {
  Instant r;
  if (!detail::read_int(s, 0, 4, r.year)) return std::nullopt;
  std::size_t at = 4;
  if (at < s.size() && s[at] == '-') {
    if (!detail::read_int(s, at + 1, 2, r.month) ||
        !std::chrono::month{static_cast<unsigned>(r.month)}.ok()) {
      return std::nullopt;
    }
    at += 3;
    if (at < s.size() && s[at] == '-') {
      if (!detail::read_int(s, at + 1, 2, r.day)) return std::nullopt;
      at += 3;
    }
  }
  const std::chrono::year_month_day date = detail::calendar_date(r);
  if (!date.ok()) return std::nullopt;  // e.g. 2016-04-31, 2015-02-29, day 00
  std::chrono::sys_seconds time = std::chrono::sys_days{date};
  if (at < s.size() && s[at] == 'T') {
    int h = 0, mi = 0, se = 0;
    if (!detail::read_int(s, at + 1, 2, h) || s.size() < at + 9 || s[at + 3] != ':' ||
        !detail::read_int(s, at + 4, 2, mi) || s[at + 6] != ':' ||
        !detail::read_int(s, at + 7, 2, se) || h > 23 || mi > 59 || se > 60) {
      return std::nullopt;
    }
    // A leap second (:60) reads as the first second of the next minute.
    time += std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{se};
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
      const std::chrono::seconds offset = std::chrono::hours{oh} + std::chrono::minutes{om};
      time -= s[at] == '+' ? offset : -offset;  // local time = UTC + offset
      at += 6;
    }
  }
  if (at != s.size()) return std::nullopt;
  r.seconds = time.time_since_epoch().count();
  return r;
}

/// Seconds since 1970-01-01T00:00:00Z now, by the system clock.
[[nodiscard]] inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Completed years of age on date `on` for someone born on `birth`: the difference of the
/// calendar years, less one before the birthday (someone born on 29 February has it on
/// 1 March in common years).
[[nodiscard]] constexpr int age_in_years(const Instant& birth, const Instant& on) noexcept {
  const std::chrono::year_month_day b = detail::calendar_date(birth);
  const std::chrono::year_month_day o = detail::calendar_date(on);
  int years = static_cast<int>((o.year() - b.year()).count());
  if (o.month() / o.day() < b.month() / b.day()) --years;
  return years;
}

[[nodiscard]] inline std::string format_date(const Instant& d) {
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

}  // namespace physiotwin::dates
