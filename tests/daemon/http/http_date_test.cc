#include "daemon/http/http_date.h"

#include <ctime>
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
  // IMF-fixdate has a fixed width: "Sun, 06 Nov 1994 08:49:37 GMT". (Its
  // fields are checked through FormatHttpDate above; std::regex is avoided:
  // g++ 12 under ASan warns inside <regex>.)
  EXPECT_EQ(now.size(), 29u) << now;
  // The coarse clock may trail by a tick: allow the second before.
  bool matches = false;
  for (time_t t = before - 1; t <= after; ++t) {
    matches = matches || now == FormatHttpDate(t);
  }
  EXPECT_TRUE(matches) << now;
}

}  // namespace
}  // namespace parkd::http
