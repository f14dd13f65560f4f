// Response: what parkd answers to one request, and its HTTP/1.1 wire form.
//
// Serialize frames every response with Content-Length (never chunked), so
// a keep-alive connection can carry the next response right after it.
// Thread-safety: plain values and pure functions.
#ifndef PARKD_DAEMON_HTTP_RESPONSE_H_
#define PARKD_DAEMON_HTTP_RESPONSE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace parkd::http {

inline constexpr absl::string_view kTextPlain = "text/plain; charset=utf-8";

struct Response {
  int status = 200;  // 100..599
  std::string content_type = std::string(kTextPlain);
  std::string body;
  // The connection closes after this response, whatever the request asked.
  bool close = false;

  friend bool operator==(const Response&, const Response&) = default;
};

// A text/plain response whose body is `text` (callers end it with '\n').
Response TextResponse(int status, std::string text);

// The standard reason phrase ("OK", "Request Header Fields Too Large"),
// from http_parser's table; "Unknown" for a code it does not name.
absl::string_view ReasonPhrase(int status);

// The bytes to write: "HTTP/1.1 <status> <reason>", Content-Type,
// Content-Length, "Connection: close" when !keep_alive or response.close
// (else "Connection: keep-alive", which HTTP/1.0 clients need to keep the
// connection), "Allow: GET" on a 405, a blank line and the body. Never
// empty. Aborts on a status outside 100..599 (a programming error).
std::string Serialize(const Response& response, bool keep_alive);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_RESPONSE_H_
