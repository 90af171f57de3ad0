// FHIR dates and instants (patient/dates.hpp): the calendar is std::chrono's; these pin what
// the reader accepts and the seconds it gives against values computed independently (Python's
// calendar.timegm), so a change of calendar code cannot shift a date unnoticed.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "physiotwin/patient/dates.hpp"

using namespace physiotwin;

namespace {

namespace pd = physiotwin::dates;

/// Seconds since the epoch of a text that must parse.
std::int64_t epoch_seconds_of(const std::string& text) {
  const std::optional<pd::Instant> t = pd::parse(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t ? t->seconds : INT64_MIN;
}

bool is_date(const std::string& text) {
  return pd::parse(text).has_value();
}

}  // namespace

static_assert(pd::days_from_civil(1970, 1, 1) == 0);
static_assert(pd::days_from_civil(1969, 12, 31) == -1);
static_assert(pd::days_from_civil(2000, 3, 1) == 11017);
static_assert(pd::days_from_civil(1, 1, 1) == -719162);

TEST(Dates, LeapYearsFollowTheGregorianRules) {
  EXPECT_TRUE(is_date("2016-02-29"));   // divisible by 4
  EXPECT_FALSE(is_date("2015-02-29"));  // not divisible by 4
  EXPECT_TRUE(is_date("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(is_date("1900-02-29"));  // divisible by 100, not by 400
  EXPECT_FALSE(is_date("2100-02-29"));
  EXPECT_TRUE(is_date("2400-02-29"));
  EXPECT_TRUE(is_date("1600-02-29"));
  EXPECT_FALSE(is_date("2016-02-30"));
  EXPECT_EQ(epoch_seconds_of("2000-02-29"), 951782400);
  EXPECT_EQ(epoch_seconds_of("1600-02-29"), -11670998400);
  // The day after the last of February is 1 March, in leap and common years alike.
  EXPECT_EQ(epoch_seconds_of("2016-03-01") - epoch_seconds_of("2016-02-29"), 86400);
  EXPECT_EQ(epoch_seconds_of("2015-03-01") - epoch_seconds_of("2015-02-28"), 86400);
  EXPECT_EQ(epoch_seconds_of("2016-01-01") - epoch_seconds_of("2015-01-01"), 365 * 86400);
  EXPECT_EQ(epoch_seconds_of("2017-01-01") - epoch_seconds_of("2016-01-01"), 366 * 86400);
}

TEST(Dates, MonthsEndOnTheirLastDay) {
  const int last_day[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};  // 2015
  for (int m = 1; m <= 12; ++m) {
    const std::string month = (m < 10 ? "2015-0" : "2015-") + std::to_string(m);
    const std::string last = month + "-" + std::to_string(last_day[m - 1]);
    const std::string past = month + "-" + std::to_string(last_day[m - 1] + 1);
    EXPECT_TRUE(is_date(last)) << last;
    EXPECT_FALSE(is_date(past)) << past;
    EXPECT_FALSE(is_date(month + "-00")) << month;
    const std::string next_month = m == 12 ? "2016-01-01"
                                   : m < 9 ? "2015-0" + std::to_string(m + 1) + "-01"
                                           : "2015-" + std::to_string(m + 1) + "-01";
    EXPECT_EQ(epoch_seconds_of(next_month) - epoch_seconds_of(last), 86400) << last;
  }
  EXPECT_FALSE(is_date("2016-00-10"));
  EXPECT_FALSE(is_date("2016-13-01"));
  EXPECT_FALSE(is_date("2016-00"));
  EXPECT_FALSE(is_date("2016-13"));
  EXPECT_FALSE(is_date("2016-04-31"));
  EXPECT_FALSE(is_date("2016-12-32"));
}

TEST(Dates, SecondsAroundTheEpoch) {
  EXPECT_EQ(epoch_seconds_of("1970"), 0);
  EXPECT_EQ(epoch_seconds_of("1970-01"), 0);
  EXPECT_EQ(epoch_seconds_of("1970-01-01"), 0);
  EXPECT_EQ(epoch_seconds_of("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(epoch_seconds_of("1970-01-01T00:00:00.000+00:00"), 0);
  EXPECT_EQ(epoch_seconds_of("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(epoch_seconds_of("1969-12-31"), -86400);
  EXPECT_EQ(epoch_seconds_of("1970-01-01T00:00:00+01:00"), -3600);  // 23:00 the day before, UTC
  EXPECT_EQ(epoch_seconds_of("1969-12-31T19:00:00-05:00"), 0);
  // Either side of a signed 32-bit count of seconds.
  EXPECT_EQ(epoch_seconds_of("1901-12-13T20:45:52Z"), -2147483648LL);
  EXPECT_EQ(epoch_seconds_of("2038-01-19T03:14:07Z"), 2147483647LL);
  EXPECT_EQ(epoch_seconds_of("2038-01-19T03:14:08Z"), 2147483648LL);
}

TEST(Dates, YearsBefore1970AndTheWholeFourDigitRange) {
  EXPECT_EQ(epoch_seconds_of("1900-01-01"), -2208988800LL);
  EXPECT_EQ(epoch_seconds_of("1900-03-01"), -2203891200LL);  // 1900 had no 29 February
  EXPECT_EQ(epoch_seconds_of("0001-01-01"), -62135596800LL);
  EXPECT_EQ(epoch_seconds_of("0000-01-01"), -62167219200LL);  // proleptic year 0 is a leap year
  EXPECT_EQ(epoch_seconds_of("9999-12-31"), 253402214400LL);
  const auto t = pd::parse("1946-08-19");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->year, 1946);
  EXPECT_EQ(t->month, 8);
  EXPECT_EQ(t->day, 19);
  EXPECT_EQ(pd::format_date(*t), "1946-08-19");
}

TEST(Dates, PartialDatesAndInstantsInEveryForm) {
  EXPECT_EQ(epoch_seconds_of("2016"), 1451606400);
  EXPECT_EQ(epoch_seconds_of("2016-03"), 1456790400);
  EXPECT_EQ(pd::format_date(*pd::parse("2016-03")), "2016-03-01");
  EXPECT_EQ(epoch_seconds_of("2016-03-07T05:28:45+00:00"), 1457328525);
  EXPECT_EQ(epoch_seconds_of("2016-03-07T05:28:45.267Z"), 1457328525);  // fraction ignored
  EXPECT_EQ(epoch_seconds_of("2016-03-07T05:28:45Z"), 1457328525);
  EXPECT_EQ(epoch_seconds_of("2016-03-07T05:28:45"), 1457328525);  // no zone: as UTC
  EXPECT_EQ(epoch_seconds_of("2016-03-07T07:58:45+02:30"), 1457328525);
  EXPECT_EQ(epoch_seconds_of("2016-12-31T23:59:60Z"), 1483228800);  // leap second
  // The date as written stays the local one, even where UTC is already the next day.
  const auto late = pd::parse("2016-03-07T23:30:00-05:00");
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->day, 7);
  EXPECT_EQ(late->seconds, epoch_seconds_of("2016-03-08T04:30:00Z"));
  for (const char* bad :
       {"", "201", "16-03-07", "2016-3-07", "2016-03-7", "2016/03/07", "07/03/2016", "2016-03-07 ",
        "2016-03-07T05:28", "2016-03-07T24:00:00Z", "2016-03-07T05:60:00Z", "2016-03-07T05:28:61Z",
        "2016-03-07T05:28:45+0000", "2016-03-07T05:28:45Zx", "2016-03-07t05:28:45Z",
        "2015-02-29T00:00:00Z"}) {
    EXPECT_FALSE(is_date(bad)) << bad;
  }
}

TEST(Dates, AgesCountCompletedYears) {
  auto age = [](const char* birth, const char* on) {
    return pd::age_in_years(*pd::parse(birth), *pd::parse(on));
  };
  EXPECT_EQ(age("1993-06-07", "2019-06-06"), 25);
  EXPECT_EQ(age("1993-06-07", "2019-06-07"), 26);
  EXPECT_EQ(age("1930-12-31", "2020-12-30"), 89);  // born before 1970
  EXPECT_EQ(age("1930-12-31", "2020-12-31"), 90);
  EXPECT_EQ(age("1969-12-31", "1970-01-01"), 0);
  EXPECT_EQ(age("1900-01-01", "2000-01-01"), 100);
  // Born on 29 February: a year older on 1 March of a common year, on 29 February of a leap one.
  EXPECT_EQ(age("2000-02-29", "2001-02-28"), 0);
  EXPECT_EQ(age("2000-02-29", "2001-03-01"), 1);
  EXPECT_EQ(age("2000-02-29", "2004-02-28"), 3);
  EXPECT_EQ(age("2000-02-29", "2004-02-29"), 4);
  // The date as written counts, not the UTC one.
  EXPECT_EQ(age("1990-05-10", "2020-05-10T01:00:00+05:00"), 30);
}

TEST(Dates, ParsesFhirDatesAndInstants) {
  const auto a = dates::parse("2016-03-07T05:28:45.267+00:00");
  const auto b = dates::parse("2016-03-07T01:28:45-04:00");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seconds, b->seconds);  // the same instant in two time zones
  EXPECT_EQ(dates::parse("1970-01-02")->seconds, 86400);
  EXPECT_EQ(dates::parse("2016")->month, 1);
  EXPECT_FALSE(dates::parse("07/03/2016").has_value());
  EXPECT_FALSE(dates::parse("2016-13-01").has_value());
  const auto birth = *dates::parse("1993-06-07");
  EXPECT_EQ(dates::age_in_years(birth, *dates::parse("2019-06-06")), 25);
  EXPECT_EQ(dates::age_in_years(birth, *dates::parse("2019-06-07")), 26);
}
