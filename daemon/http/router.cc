#include "daemon/http/router.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace parkd::http {
namespace {

constexpr absl::string_view kPrometheusType = "text/plain; version=0.0.4";

// Reads `name` from the query into *out (left as is when absent). Returns
// the 400 response when the value is not a whole number in [0, max].
std::optional<Response> ReadBounded(const QueryMap& query,
                                    absl::string_view name, uint64_t max,
                                    uint64_t* out) {
  const auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  const std::string& v = it->second;
  uint64_t n = 0;
  // SimpleAtoi alone would accept "+5" and " 5": require digits first.
  const bool digits = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (digits && absl::SimpleAtoi(v, &n) && n <= max) {
    *out = n;
    return std::nullopt;
  }
  return TextResponse(
      400, absl::StrCat(name, " must be a whole number from 0 to ", max,
                        ", got ", Quoted(v), "\n"));
}

RouteResult RouteWork(const Request& request, const WorkLimits& limits) {
  for (const auto& [key, value] : request.query) {
    if (key != "cpu_us" && key != "sleep_ms") {
      return TextResponse(
          400,
          absl::StrCat("unknown parameter ", Quoted(key),
                       "; /work takes cpu_us (0 to ", limits.max_cpu_us,
                       ") and sleep_ms (0 to ", limits.max_sleep_ms, ")\n"));
    }
  }
  WorkOrder order;
  if (auto bad = ReadBounded(request.query, "cpu_us", limits.max_cpu_us,
                             &order.cpu_us)) {
    return *bad;
  }
  if (auto bad = ReadBounded(request.query, "sleep_ms", limits.max_sleep_ms,
                             &order.sleep_ms)) {
    return *bad;
  }
  return order;
}

// `content_type` is a constant (Response::content_type does not own it).
Response Typed(absl::string_view content_type, std::string body) {
  Response r = TextResponse(200, std::move(body));
  r.content_type = content_type;
  return r;
}

// The answer at a known path to a method that is not GET or HEAD.
Response RouteOtherMethod(const Request& request) {
  Response r;
  if (request.method == "OPTIONS") {
    r.content_type = {};  // no content (Content-Length: 0)
  } else if (IsRecognizedMethod(request.method)) {
    r = TextResponse(405, absl::StrCat(request.path, " allows ",
                                       kAllowedMethods, ", not ",
                                       Quoted(request.method), "\n"));
  } else {
    r = TextResponse(501, absl::StrCat("the method ", Quoted(request.method),
                                       " is not implemented\n"));
    r.close = true;
    return r;
  }
  r.allow = std::string(kAllowedMethods);
  return r;
}

// RFC 9110 §13.2.2 for an answer without validators (see router.h); the
// failed answer, or nullopt when the request goes on.
std::optional<Response> FailedPrecondition(const Request& request) {
  const std::string* match = request.FindHeader("if-match");
  if (match != nullptr && *match != "*") {
    return TextResponse(412, "If-Match names an entity tag; parkd's "
                             "answers have none\n");
  }
  const std::string* none_match = request.FindHeader("if-none-match");
  if (match == nullptr && none_match != nullptr && *none_match == "*") {
    Response r;
    r.status = 304;
    r.content_type = {};
    return r;
  }
  return std::nullopt;
}

RouteResult RouteGet(const Request& request, const RouterContext& context) {
  const std::string& path = request.path;
  if (path == "/healthz") {
    return context.draining() ? TextResponse(503, "draining\n")
                              : TextResponse(200, "ok\n");
  }
  if (path == "/stats") {
    return Typed("application/json", StatsJson(context.Stats()));
  }
  if (path == "/metrics") {
    return Typed(kPrometheusType, StatsPrometheus(context.Stats()));
  }
  return RouteWork(request, context.work_limits());
}

RouteResult RouteKnownPath(const Request& request,
                           const RouterContext& context) {
  if (request.method != "GET" && request.method != "HEAD") {
    return RouteOtherMethod(request);
  }
  // Preconditions come after the request's own checks (a 400 for /work's
  // parameters wins) and only where the answer would be 2xx.
  RouteResult result = RouteGet(request, context);
  const auto* response = std::get_if<Response>(&result);
  if (response == nullptr || response->status / 100 == 2) {
    if (std::optional<Response> failed = FailedPrecondition(request)) {
      return *failed;
    }
  }
  return result;
}

}  // namespace

RouteResult Route(const Request& request, const RouterContext& context) {
  const std::string& path = request.path;
  RouteResult result;
  if (path == "*") {
    // Only OPTIONS gets here with "*" (request_head.h).
    result = request.method == "OPTIONS"
                 ? RouteOtherMethod(request)
                 : TextResponse(400, "\"*\" is for OPTIONS only\n");
  } else if (path != "/healthz" && path != "/stats" && path != "/metrics" &&
             path != "/work") {
    result = TextResponse(404, absl::StrCat("no such endpoint ", Quoted(path),
                                            "; parkd serves /healthz, /stats, "
                                            "/metrics and /work\n"));
  } else {
    result = RouteKnownPath(request, context);
  }
  if (request.method == "HEAD") {
    if (auto* order = std::get_if<WorkOrder>(&result)) order->head = true;
    if (auto* response = std::get_if<Response>(&result)) {
      response->omit_body = true;
    }
  }
  return result;
}

Response WorkDoneResponse(const WorkOrder& order) {
  Response r = TextResponse(200, absl::StrCat("cpu_us=", order.cpu_us,
                                              " sleep_ms=", order.sleep_ms,
                                              "\n"));
  r.omit_body = order.head;
  return r;
}

Response ErrorResponse(const ParseError& error) {
  Response r = TextResponse(error.status, absl::StrCat(error.message, "\n"));
  r.close = true;
  if (error.status == 405) r.allow = std::string(kAllowedMethods);
  r.omit_body = error.head_request;
  return r;
}

}  // namespace parkd::http
