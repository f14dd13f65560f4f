// Router: maps a parsed Request to parkd's endpoints and validates their
// parameters. It never touches the runtime: what it needs comes through
// RouterContext, and the one endpoint that does work (/work) comes back as
// a WorkOrder for the caller to run on the pool.
//
//   GET /healthz   200 "ok\n"; 503 "draining\n" once draining
//   GET /stats     200 application/json (StatsJson)
//   GET /metrics   200 text/plain; version=0.0.4 (StatsPrometheus)
//   GET /work?cpu_us=N&sleep_ms=M
//                  a WorkOrder; both parameters optional (default 0),
//                  decimal digits only, at most the context's limits; any
//                  other parameter, or a bad value, is 400 saying what is
//                  allowed
// Paths are matched exactly, on the raw path (no decoding, no trailing
// slash): anything else is 404. Every endpoint allows GET, HEAD and
// OPTIONS (kAllowedMethods):
//   HEAD     the GET answer (the /work included, which runs) without its
//            body; same status and headers, Content-Length included
//            (RFC 9110 §9.3.2). Every answer to HEAD, errors too, has
//            omit_body set.
//   OPTIONS  200, "Allow: GET, HEAD, OPTIONS", Content-Length 0 (RFC 9110
//            §9.3.7); "OPTIONS *" answers the same for the whole server.
//   another method of RFC 9110 (or PATCH): 405 with Allow (§15.5.6), the
//            connection kept; any other method: 501, closed (the parser
//            already answers those; the router agrees).
// Preconditions (RFC 9110 §13.2.2), evaluated only where the answer would
// be 2xx; parkd's answers have no validators (no ETag, no Last-Modified):
//   If-Match other than "*": 412. If-None-Match "*": 304 (GET and HEAD).
//   Other If-Match / If-None-Match values hold; If-Modified-Since,
//   If-Unmodified-Since and If-Range are ignored, as §13.1.3-§13.1.5 say
//   for a resource without a modification date (and Range is ignored).
// Query parameters on the endpoints other than /work are ignored.
// Thread-safety: Route is a pure function of its arguments; the context's
// methods are called on the calling thread.
#ifndef PARKD_DAEMON_HTTP_ROUTER_H_
#define PARKD_DAEMON_HTTP_ROUTER_H_

#include <cstdint>
#include <variant>

#include "absl/strings/string_view.h"
#include "daemon/http/request.h"
#include "daemon/http/request_head.h"
#include "daemon/http/response.h"
#include "daemon/http/stats_format.h"

namespace parkd::http {

// Upper bounds for /work, from the config.
struct WorkLimits {
  uint64_t max_cpu_us = 0;
  uint64_t max_sleep_ms = 0;
};

// What the router needs from the running daemon. Implemented by the
// connection layer; fakes in tests.
class RouterContext {
 public:
  virtual ~RouterContext() = default;
  // True once a graceful drain started. Non-blocking.
  virtual bool draining() const = 0;
  // The counters now. Called only for /stats and /metrics.
  virtual StatsSnapshot Stats() const = 0;
  // The current /work bounds (may change on reload).
  virtual WorkLimits work_limits() const = 0;
};

// /work, validated: spin cpu_us microseconds of CPU, then sleep sleep_ms
// milliseconds (without holding a worker), then answer WorkDoneResponse.
struct WorkOrder {
  uint64_t cpu_us = 0;
  uint64_t sleep_ms = 0;
  bool head = false;  // asked by HEAD: the answer has no body

  friend bool operator==(const WorkOrder&, const WorkOrder&) = default;
};

// What every parkd endpoint allows, for Allow.
inline constexpr absl::string_view kAllowedMethods = "GET, HEAD, OPTIONS";

using RouteResult = std::variant<Response, WorkOrder>;

RouteResult Route(const Request& request, const RouterContext& context);

// The 200 answer to a WorkOrder that ran: "cpu_us=N sleep_ms=M\n" (no
// body for HEAD).
Response WorkDoneResponse(const WorkOrder& order);

// The answer to a parser error; always closes the connection. A 405 says
// Allow; an error in a HEAD request has no body.
Response ErrorResponse(const ParseError& error);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_ROUTER_H_
