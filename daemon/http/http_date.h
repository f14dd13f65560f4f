// The Date header's value: the current time as an IMF-fixdate, e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
//
// Every response carries one, so it must cost next to nothing: each thread
// keeps the string of the current second and formats a new one only when
// the second changes (a coarse clock read otherwise, no locks).
// Thread-safety: CurrentHttpDate is safe from any thread (its cache is
// per thread); FormatHttpDate is a pure function.
#ifndef PARKD_DAEMON_HTTP_HTTP_DATE_H_
#define PARKD_DAEMON_HTTP_HTTP_DATE_H_

#include <ctime>
#include <string>

#include "absl/strings/string_view.h"

namespace parkd::http {

// The IMF-fixdate of `t` (seconds since the epoch, UTC). Locale-free.
std::string FormatHttpDate(time_t t);

// The IMF-fixdate of now. Non-blocking; the view stays valid until the
// calling thread calls this again.
absl::string_view CurrentHttpDate();

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_HTTP_DATE_H_
