// libFuzzer target for the HTTP request layer: feeds the input to a
// RequestParser in chunks, routes and serializes whatever it yields, and
// checks the contracts of request_parser.h, request_head.h, router.h and
// response.h. Every request goes through the parser, so through
// ParseRequestHead: the same checks the daemon's connections run.
//
// The whole input is the byte stream; chunk sizes come from a generator
// seeded by its first bytes, so a seed that is a plain request stays one.
// The same input is also fed in one piece to a second parser: how bytes
// are split must not change what is parsed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/http/request_head.h"
#include "daemon/http/request_parser.h"
#include "daemon/http/response.h"
#include "daemon/http/router.h"

namespace parkd::http {
namespace {

#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                      \
      abort();                                                             \
    }                                                                      \
  } while (0)

constexpr size_t kHeaderLimit = 512;
constexpr size_t kBodyLimit = 128;

class FakeContext : public RouterContext {
 public:
  explicit FakeContext(bool draining) : draining_(draining) {
    stats_.workers.resize(2);
    stats_.workers[1].tasks_run = 7;
    stats_.total.tasks_run = 7;
  }
  bool draining() const override { return draining_; }
  StatsSnapshot Stats() const override { return stats_; }
  WorkLimits work_limits() const override { return {1000, 50}; }

 private:
  bool draining_;
  StatsSnapshot stats_;
};

// Split points: a xorshift generator seeded by the first 8 input bytes.
class Splitter {
 public:
  Splitter(const uint8_t* data, size_t size) {
    for (size_t i = 0; i < size && i < 8; ++i) state_ = state_ * 131 + data[i];
  }
  size_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    const uint64_t r = state_ % 16;
    // Mostly small pieces, sometimes everything that is left.
    return r == 0 ? SIZE_MAX : 1 + (state_ >> 8) % (r < 8 ? 4 : 64);
  }

 private:
  uint64_t state_ = 0x9e3779b97f4a7c15u;
};

constexpr absl::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

// The serialized head (status line and fields, through the blank line).
std::string CheckSerialized(const Response& response, bool keep_alive) {
  static const std::set<int> kStatuses = {200, 304, 400, 404, 405, 412, 413,
                                          414, 431, 501, 503, 505};
  FUZZ_CHECK(kStatuses.count(response.status) == 1);
  const std::string wire = Serialize(response, keep_alive, kDate);
  FUZZ_CHECK(wire.rfind("HTTP/1.1 ", 0) == 0);
  const size_t end = wire.find("\r\n\r\n");
  FUZZ_CHECK(end != std::string::npos);
  const std::string head = wire.substr(0, end + 4);
  const absl::string_view body = absl::string_view(wire).substr(end + 4);
  // Every response is dated (RFC 9110 §6.6.1), once.
  FUZZ_CHECK(absl::StrContains(head, "\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
  FUZZ_CHECK(head.find("Date:") == head.rfind("Date:"));
  if (response.status == 405) {
    FUZZ_CHECK(absl::StrContains(head, "\r\nAllow: GET, HEAD, OPTIONS\r\n"));
  }
  if (response.omit_body || response.status == 304) {
    FUZZ_CHECK(body.empty());
  } else {
    FUZZ_CHECK(body == response.body);
  }
  if (response.status != 304) {
    FUZZ_CHECK(absl::StrContains(
        head, absl::StrCat("\r\nContent-Length: ", response.body.size(), "\r\n")));
  }
  return head;
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

// What ParseRequestHead promises of every request it lets through.
void CheckAccepted(const Request& request) {
  FUZZ_CHECK(IsRecognizedMethod(request.method) && request.method != "CONNECT");
  FUZZ_CHECK(!request.path.empty());
  FUZZ_CHECK(request.path != "*" || request.method == "OPTIONS");
  FUZZ_CHECK(request.body.size() <= kBodyLimit);
  int hosts = 0;
  for (const auto& [name, value] : request.headers) {
    FUZZ_CHECK(!name.empty());
    for (char c : name) {
      FUZZ_CHECK(IsTokenChar(c) && !absl::ascii_isupper(static_cast<unsigned char>(c)));
    }
    for (char c : value) {
      const auto u = static_cast<unsigned char>(c);
      FUZZ_CHECK((u >= 0x20 || c == '\t') && u != 0x7f);
    }
    FUZZ_CHECK(value.empty() || (value.front() != ' ' && value.back() != ' '));
    hosts += name == "host";
  }
  FUZZ_CHECK(hosts <= 1);
  if (request.version == HttpVersion::kHttp11) FUZZ_CHECK(hosts == 1);
  FUZZ_CHECK(!(request.FindHeader("transfer-encoding") &&
               request.FindHeader("content-length")));
}

void RouteAll(const std::vector<Request>& requests, const FakeContext& ctx) {
  for (const Request& request : requests) {
    CheckAccepted(request);
    RouteResult result = Route(request, ctx);
    std::string head;
    if (const auto* order = std::get_if<WorkOrder>(&result)) {
      FUZZ_CHECK((request.method == "GET" || request.method == "HEAD") &&
                 request.path == "/work");
      FUZZ_CHECK(order->cpu_us <= 1000 && order->sleep_ms <= 50);
      FUZZ_CHECK(order->head == (request.method == "HEAD"));
      head = CheckSerialized(WorkDoneResponse(*order), request.keep_alive);
    } else {
      const Response& response = std::get<Response>(result);
      FUZZ_CHECK(response.omit_body == (request.method == "HEAD"));
      head = CheckSerialized(response, request.keep_alive);
    }
    if (request.method == "HEAD") {
      // The same status and headers as GET, Content-Length included.
      Request get = request;
      get.method = "GET";
      RouteResult as_get = Route(get, ctx);
      const auto* order = std::get_if<WorkOrder>(&as_get);
      FUZZ_CHECK(head == CheckSerialized(order != nullptr
                                             ? WorkDoneResponse(*order)
                                             : std::get<Response>(as_get),
                                         get.keep_alive));
    }
  }
}

struct Outcome {
  std::vector<Request> requests;
  std::optional<ParseError> error;
  size_t consumed = 0;
};

Outcome FeedInPieces(absl::string_view input, Splitter* splitter,
                     const FakeContext& ctx) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  Outcome out;
  for (size_t at = 0; at < input.size();) {
    const size_t n = std::min(splitter->Next(), input.size() - at);
    const RequestParser::State before = parser.state();
    FeedResult r = parser.Feed(input.substr(at, n));
    FUZZ_CHECK(r.consumed <= n);
    if (before != RequestParser::State::kReading) {
      FUZZ_CHECK(r.consumed == 0 && r.requests.empty());
    }
    FUZZ_CHECK(r.error.has_value() ==
               (parser.state() == RequestParser::State::kFailed));
    if (parser.state() == RequestParser::State::kReading) {
      FUZZ_CHECK(r.consumed == n);
    }
    if (out.error.has_value()) FUZZ_CHECK(r.error == out.error);
    RouteAll(r.requests, ctx);
    for (Request& q : r.requests) out.requests.push_back(std::move(q));
    out.error = r.error;
    out.consumed += r.consumed;
    at += n;
  }
  if (out.error.has_value()) {
    const std::set<int> kErrors = {400, 405, 413, 414, 431, 501, 505};
    FUZZ_CHECK(kErrors.count(out.error->status) == 1);
    FUZZ_CHECK(!out.error->message.empty());
    CheckSerialized(ErrorResponse(*out.error), /*keep_alive=*/true);
  }
  return out;
}

}  // namespace
}  // namespace parkd::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace parkd::http;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const FakeContext ctx(/*draining=*/size % 2 == 1);
  Splitter pieces(data, size);
  Outcome split = FeedInPieces(input, &pieces, ctx);
  FUZZ_CHECK(split.consumed <= size);

  RequestParser whole(kHeaderLimit, kBodyLimit);
  FeedResult once = whole.Feed(input);
  FUZZ_CHECK(once.consumed <= size);
  FUZZ_CHECK(once.requests == split.requests);
  FUZZ_CHECK(once.error == split.error);
  FUZZ_CHECK(once.consumed == split.consumed);
  return 0;
}
