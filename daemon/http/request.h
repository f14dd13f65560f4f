// Request: one parsed HTTP/1.x request, as RequestParser produces it, and the
// decoding of its request-target into a path and a query map.
//
// Everything is a plain value; the strings are bytes as received except
// where a field says "decoded". Nothing here validates what parkd's
// endpoints accept: that is the router's job.
// Thread-safety: plain values and pure functions.
#ifndef PARKD_DAEMON_HTTP_REQUEST_H_
#define PARKD_DAEMON_HTTP_REQUEST_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace parkd::http {

enum class HttpVersion {
  kHttp10,  // "HTTP/1.0": the connection closes unless "keep-alive" is asked
  kHttp11,  // "HTTP/1.1" (or a later 1.x, which RFC 9110 says to treat so)
};

// Decoded query parameters. When a key repeats, the FIRST value wins (as in
// Go's url.Values.Get and WHATWG URLSearchParams.get): a later duplicate
// cannot override what an earlier parameter said.
using QueryMap = std::map<std::string, std::string>;

struct Request {
  std::string method;  // a token, case-sensitive: "GET", "OPTIONS"
  std::string target;  // the raw request-target: "/work?cpu_us=5"
  std::string path;    // raw (not percent-decoded) path: "/work"; "*" for
                       // the asterisk-form of OPTIONS
  QueryMap query;      // decoded; see ParseQuery
  HttpVersion version = HttpVersion::kHttp11;
  // In arrival order, duplicates kept; names lower-cased, values without
  // surrounding whitespace.
  std::vector<std::pair<std::string, std::string>> headers;
  // HTTP/1.1 unless a Connection field lists "close"; HTTP/1.0 only when
  // one lists "keep-alive" and none "close" (RFC 9112 §9.3).
  bool keep_alive = true;
  // HTTP/1.1 with "Expect: 100-continue": the client may wait for a 100
  // before it sends the body (RFC 9110 §10.1.1).
  bool expect_continue = false;
  std::string body;  // de-chunked; at most the parser's max_body_bytes

  // The value of the first header named `lower_case_name`, or nullptr.
  // The pointer lives as long as this Request is not modified.
  const std::string* FindHeader(absl::string_view lower_case_name) const;
  // Back to a default-constructed Request's value, keeping the capacity of
  // the strings and of `headers` (the parser reuses one Request for every
  // request on a connection, so a steady stream of them allocates nothing).
  void Reset();

  friend bool operator==(const Request&, const Request&) = default;
};

// Percent-decodes `s`; '+' becomes a space (application/x-www-form-urlencoded,
// which is what browsers and curl --data-urlencode produce). A '%' not
// followed by two hex digits is an InvalidArgument error.
absl::Status PercentDecode(absl::string_view s, std::string* out);

// Splits a raw query ("a=1&b=%2F&c") on '&' and the first '=' of each
// part, then decodes keys and values: {a: "1", b: "/", c: ""}. Empty parts
// ("a=1&&b=2") are skipped; duplicates keep the first value.
absl::Status ParseQuery(absl::string_view raw, QueryMap* out);

// Fills request->path and request->query from request->target, as
// http_parser_parse_url reads it (a plain-ASCII origin-form target is
// split at its first '?' here, with the same result): origin-form "/p?q",
// absolute-form "http://host/p?q" (http or https, any case; an absent path
// is "/"; the host is not used, parkd has one origin) or the asterisk-form
// "*" (path "*"). InvalidArgument, saying why, for anything else: another
// form or scheme, userinfo in the URI (RFC 9110 §4.2.4), a query with a
// bad escape. A fragment is dropped here (ParseRequestHead refuses one on
// the wire).
absl::Status ParseTarget(Request* request);

// `value` quoted for a one-line message: C-escaped, cut after 32 bytes
// ("..." marks the cut).
std::string Quoted(absl::string_view value);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_REQUEST_H_
