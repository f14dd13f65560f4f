// Response: what parkd answers to one request, and its HTTP/1.1 wire form.
//
// Serialize frames every response with Content-Length (never chunked), so
// a keep-alive connection can carry the next response right after it, and
// stamps it with a Date (RFC 9110 §6.6.1: an origin server with a clock
// MUST send one; parkd sends it on every status, as nginx does).
// Thread-safety: plain values and pure functions.
#ifndef PARKD_DAEMON_HTTP_RESPONSE_H_
#define PARKD_DAEMON_HTTP_RESPONSE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace parkd::http {

inline constexpr absl::string_view kTextPlain = "text/plain; charset=utf-8";

// The interim answer to "Expect: 100-continue" (RFC 9110 §15.2.1): no
// fields, no content.
inline constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

struct Response {
  int status = 200;  // 200..599
  // Sent unless empty (a response without content names no type). Points
  // to a constant: the types parkd sends are fixed strings, and a
  // std::string here cost an allocation per response (the default is
  // longer than the small-string buffer).
  absl::string_view content_type = kTextPlain;
  std::string body;
  // The connection closes after this response, whatever the request asked.
  bool close = false;
  // The methods the target allows, sent as "Allow" unless empty: a 405
  // must carry it (RFC 9110 §15.5.6), OPTIONS answers with it (§9.3.7).
  std::string allow;
  // The answer to HEAD: every header as for the body, Content-Length
  // included, but no body bytes (RFC 9110 §9.3.2, RFC 9112 §6.3).
  bool omit_body = false;

  friend bool operator==(const Response&, const Response&) = default;
};

// A text/plain response whose body is `text` (callers end it with '\n').
Response TextResponse(int status, std::string text);

// The standard reason phrase ("OK", "Request Header Fields Too Large"),
// from http_parser's table; "Unknown" for a code it does not name.
absl::string_view ReasonPhrase(int status);

// The bytes to write: "HTTP/1.1 <status> <reason>", "Date: <date>",
// Content-Type, Content-Length (except on a 304, which has neither, RFC
// 9110 §15.4.5), "Connection: close" when !keep_alive or response.close
// (else "Connection: keep-alive", which HTTP/1.0 clients need to keep the
// connection), Allow, a blank line and the body (unless omit_body or 304).
// `date` is an IMF-fixdate (see http_date.h). Never empty. Aborts on a
// status outside 200..599 or a 405 without Allow (programming errors).
std::string Serialize(const Response& response, bool keep_alive,
                      absl::string_view date);
// The same bytes, appended to `out` (whose capacity a connection reuses
// from one response to the next).
void AppendSerialized(const Response& response, bool keep_alive,
                      absl::string_view date, std::string* out);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_RESPONSE_H_
