#include "daemon/http/router.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace parkd::http {
namespace {

constexpr absl::string_view kPrometheusType = "text/plain; version=0.0.4";
constexpr size_t kShownValueBytes = 32;  // of a bad value, in a 400 message

// `value` quoted for an error message: C-escaped, cut after a few bytes.
std::string Shown(absl::string_view value) {
  std::string shown = absl::CHexEscape(value.substr(0, kShownValueBytes));
  if (value.size() > kShownValueBytes) shown.append("...");
  return absl::StrCat("\"", shown, "\"");
}

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
                        ", got ", Shown(v), "\n"));
}

RouteResult RouteWork(const Request& request, const WorkLimits& limits) {
  for (const auto& [key, value] : request.query) {
    if (key != "cpu_us" && key != "sleep_ms") {
      return TextResponse(
          400,
          absl::StrCat("unknown parameter ", Shown(key),
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

Response Typed(absl::string_view content_type, std::string body) {
  Response r = TextResponse(200, std::move(body));
  r.content_type = std::string(content_type);
  return r;
}

}  // namespace

RouteResult Route(const Request& request, const RouterContext& context) {
  const std::string& path = request.path;
  if (path != "/healthz" && path != "/stats" && path != "/metrics" &&
      path != "/work") {
    return TextResponse(404, absl::StrCat("no such endpoint ", Shown(path),
                                          "; parkd serves /healthz, /stats, "
                                          "/metrics and /work\n"));
  }
  if (request.method != "GET") {
    Response r = TextResponse(405, absl::StrCat(path, " accepts GET only, got ",
                                                Shown(request.method), "\n"));
    r.close = request.method == "HEAD";
    return r;
  }
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

Response WorkDoneResponse(const WorkOrder& order) {
  return TextResponse(200, absl::StrCat("cpu_us=", order.cpu_us,
                                        " sleep_ms=", order.sleep_ms, "\n"));
}

Response ErrorResponse(const ParseError& error) {
  Response r = TextResponse(error.status, absl::StrCat(error.message, "\n"));
  r.close = true;
  return r;
}

}  // namespace parkd::http
