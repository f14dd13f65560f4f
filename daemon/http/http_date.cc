#include "daemon/http/http_date.h"

#include <cstdio>

namespace parkd::http {

std::string FormatHttpDate(time_t t) {
  // strftime's %a and %b follow the locale: IMF-fixdate's names do not.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  const int n = snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                         kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf, static_cast<size_t>(n));
}

absl::string_view CurrentHttpDate() {
  struct Cache {
    time_t second = -1;
    std::string text;
  };
  thread_local Cache cache;
  // The coarse clock is a vDSO read of the last tick (a few ms stale at
  // most), which is all a one-second resolution needs.
  struct timespec now;
  clock_gettime(CLOCK_REALTIME_COARSE, &now);
  if (now.tv_sec != cache.second) {
    cache.second = now.tv_sec;
    cache.text = FormatHttpDate(now.tv_sec);
  }
  return cache.text;
}

}  // namespace parkd::http
