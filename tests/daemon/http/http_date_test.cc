#include "daemon/http/http_date.h"

#include <ctime>
#include <regex>
#include <string>

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

TEST(HttpDateTest, ImfFixdate) {
  // RFC 9110 §5.6.7's own example.
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
}

TEST(HttpDateTest, CurrentIsNowAndStableWithinASecond) {
  const time_t before = time(nullptr);
  const std::string now(CurrentHttpDate());
  const time_t after = time(nullptr);
  EXPECT_TRUE(std::regex_match(
      now, std::regex("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
                      "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                      "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT")))
      << now;
  // The coarse clock may trail by a tick: allow the second before.
  bool matches = false;
  for (time_t t = before - 1; t <= after; ++t) {
    matches = matches || now == FormatHttpDate(t);
  }
  EXPECT_TRUE(matches) << now;
}

}  // namespace
}  // namespace parkd::http
