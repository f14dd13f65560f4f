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
  std::string method;  // as http_parser names it: "GET", "POST", "M-SEARCH"
  std::string target;  // the raw request-target: "/work?cpu_us=5"
  std::string path;    // raw (not percent-decoded) path: "/work"
  QueryMap query;      // decoded; see ParseQuery
  HttpVersion version = HttpVersion::kHttp11;
  // In arrival order, duplicates kept; names lower-cased, values without
  // surrounding whitespace.
  std::vector<std::pair<std::string, std::string>> headers;
  // http_should_keep_alive(): HTTP/1.1 unless "Connection: close"; HTTP/1.0
  // only with "Connection: keep-alive".
  bool keep_alive = true;
  std::string body;  // de-chunked; at most the parser's max_body_bytes

  // The value of the first header named `lower_case_name`, or nullptr.
  // The pointer lives as long as this Request is not modified.
  const std::string* FindHeader(absl::string_view lower_case_name) const;

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

// Fills request->path and request->query from request->target, using
// http_parser_parse_url (origin-form "/p?q" or absolute-form
// "http://host/p?q"; an absent path is "/"). InvalidArgument if the target
// is not a URL or its query has a bad escape.
absl::Status ParseTarget(Request* request);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_REQUEST_H_
