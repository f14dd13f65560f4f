#include "daemon/http/router.h"

#include <string>

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

class FakeContext : public RouterContext {
 public:
  bool draining() const override { return draining_; }
  StatsSnapshot Stats() const override {
    ++stats_calls_;
    return stats_;
  }
  WorkLimits work_limits() const override { return {100000, 5000}; }

  bool draining_ = false;
  StatsSnapshot stats_;
  mutable int stats_calls_ = 0;
};

Request Get(absl::string_view target, absl::string_view method = "GET") {
  Request r;
  r.method = std::string(method);
  r.target = std::string(target);
  EXPECT_TRUE(ParseTarget(&r).ok()) << target;
  return r;
}

Response RespondTo(const Request& r, const FakeContext& context) {
  RouteResult result = Route(r, context);
  EXPECT_TRUE(std::holds_alternative<Response>(result)) << r.target;
  if (!std::holds_alternative<Response>(result)) return {};
  return std::get<Response>(result);
}

WorkOrder OrderFor(absl::string_view target) {
  FakeContext context;
  RouteResult result = Route(Get(target), context);
  EXPECT_TRUE(std::holds_alternative<WorkOrder>(result)) << target;
  if (!std::holds_alternative<WorkOrder>(result)) return {};
  return std::get<WorkOrder>(result);
}

TEST(RouterTest, HealthzWhileServingAndDraining) {
  FakeContext context;
  EXPECT_EQ(RespondTo(Get("/healthz"), context), TextResponse(200, "ok\n"));
  context.draining_ = true;
  EXPECT_EQ(RespondTo(Get("/healthz?x=1"), context),
            TextResponse(503, "draining\n"));
}

TEST(RouterTest, StatsIsJsonOfTheSnapshot) {
  FakeContext context;
  context.stats_.workers.resize(1);
  context.stats_.workers[0].tasks_run = 42;
  Response r = RespondTo(Get("/stats"), context);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, StatsJson(context.stats_));
  EXPECT_EQ(context.stats_calls_, 1);
}

TEST(RouterTest, MetricsIsPrometheusText) {
  FakeContext context;
  context.stats_.workers.resize(3);
  Response r = RespondTo(Get("/metrics"), context);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(r.body, StatsPrometheus(context.stats_));
}

TEST(RouterTest, WorkDefaultsAndValues) {
  EXPECT_EQ(OrderFor("/work"), (WorkOrder{0, 0}));
  EXPECT_EQ(OrderFor("/work?cpu_us=250"), (WorkOrder{250, 0}));
  EXPECT_EQ(OrderFor("/work?sleep_ms=7&cpu_us=0"), (WorkOrder{0, 7}));
  EXPECT_EQ(OrderFor("/work?cpu_us=100000&sleep_ms=5000"),
            (WorkOrder{100000, 5000}));
  EXPECT_EQ(OrderFor("/work?cpu_us=007"), (WorkOrder{7, 0}));
  // First duplicate wins (see QueryMap).
  EXPECT_EQ(OrderFor("/work?cpu_us=1&cpu_us=2"), (WorkOrder{1, 0}));
}

struct BadWork {
  const char* target;
  const char* body;
};

class BadWorkTest : public ::testing::TestWithParam<BadWork> {};

TEST_P(BadWorkTest, Is400SayingWhatIsAllowed) {
  FakeContext context;
  EXPECT_EQ(RespondTo(Get(GetParam().target), context),
            TextResponse(400, GetParam().body));
}

INSTANTIATE_TEST_SUITE_P(
    All, BadWorkTest,
    ::testing::Values(
        BadWork{
            "/work?cpu_us=abc",
            "cpu_us must be a whole number from 0 to 100000, got \"abc\"\n"},
        BadWork{"/work?cpu_us=-1",
                "cpu_us must be a whole number from 0 to 100000, got \"-1\"\n"},
        BadWork{"/work?cpu_us=%2B5",
                "cpu_us must be a whole number from 0 to 100000, got \"+5\"\n"},
        BadWork{"/work?cpu_us=+5",
                "cpu_us must be a whole number from 0 to 100000, got \" 5\"\n"},
        BadWork{"/work?cpu_us=5x",
                "cpu_us must be a whole number from 0 to 100000, got \"5x\"\n"},
        BadWork{
            "/work?cpu_us=1.5",
            "cpu_us must be a whole number from 0 to 100000, got \"1.5\"\n"},
        BadWork{"/work?cpu_us=",
                "cpu_us must be a whole number from 0 to 100000, got \"\"\n"},
        BadWork{"/work?cpu_us",
                "cpu_us must be a whole number from 0 to 100000, got \"\"\n"},
        BadWork{"/work?cpu_us=100001",
                "cpu_us must be a whole number from 0 to 100000, got "
                "\"100001\"\n"},
        BadWork{"/work?cpu_us=99999999999999999999999",
                "cpu_us must be a whole number from 0 to 100000, got "
                "\"99999999999999999999999\"\n"},
        BadWork{"/work?sleep_ms=5001",
                "sleep_ms must be a whole number from 0 to 5000, got "
                "\"5001\"\n"},
        BadWork{"/work?sleep_ms=%0A%22",
                "sleep_ms must be a whole number from 0 to 5000, got "
                "\"\\n\\\"\"\n"},
        BadWork{"/work?cpu_us=1&bogus=2",
                "unknown parameter \"bogus\"; /work takes cpu_us (0 to "
                "100000) and sleep_ms (0 to 5000)\n"},
        BadWork{"/work?=1",
                "unknown parameter \"\"; /work takes cpu_us (0 to 100000) "
                "and sleep_ms (0 to 5000)\n"}));

TEST(RouterTest, LongBadValuesAreCut) {
  FakeContext context;
  Response r = RespondTo(Get("/work?cpu_us=" + std::string(100, '9')), context);
  EXPECT_EQ(r.body, "cpu_us must be a whole number from 0 to 100000, got \"" +
                        std::string(32, '9') + "...\"\n");
}

TEST(RouterTest, UnknownPathIs404) {
  FakeContext context;
  for (const char* target :
       {"/", "/healthz/", "/HEALTHZ", "/health%7A", "/work/1", "/statsx"}) {
    Response r = RespondTo(Get(target), context);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_FALSE(r.close);
  }
  EXPECT_EQ(RespondTo(Get("/nope", "POST"), context).status, 404);
  EXPECT_EQ(RespondTo(Get("/x"), context).body,
            "no such endpoint \"/x\"; parkd serves /healthz, /stats, /metrics "
            "and /work\n");
}

constexpr absl::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

TEST(RouterTest, OtherKnownMethodsAre405WithAllow) {
  FakeContext context;
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "TRACE"}) {
    Response r = RespondTo(Get("/work?cpu_us=1", method), context);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_FALSE(r.close) << method;
    EXPECT_NE(Serialize(r, true, kDate)
                  .find("\r\nAllow: GET, HEAD, OPTIONS\r\n"),
              std::string::npos);
  }
  EXPECT_EQ(RespondTo(Get("/stats", "POST"), context).body,
            "/stats allows GET, HEAD, OPTIONS, not \"POST\"\n");
  EXPECT_EQ(context.stats_calls_, 0);
}

TEST(RouterTest, UnknownMethodsAre501AndClose) {
  FakeContext context;
  for (const char* method : {"PROPFIND", "get", "BREW"}) {
    Response r = RespondTo(Get("/healthz", method), context);
    EXPECT_EQ(r.status, 501) << method;
    EXPECT_TRUE(r.close) << method;
  }
}

TEST(RouterTest, OptionsAnswersAllow) {
  FakeContext context;
  for (const char* target : {"*", "/healthz", "/work?cpu_us=bad"}) {
    Response r = RespondTo(Get(target, "OPTIONS"), context);
    EXPECT_EQ(Serialize(r, true, kDate),
              "HTTP/1.1 200 OK\r\n"
              "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
              "Content-Length: 0\r\n"
              "Connection: keep-alive\r\n"
              "Allow: GET, HEAD, OPTIONS\r\n\r\n")
        << target;
  }
  EXPECT_EQ(RespondTo(Get("/nope", "OPTIONS"), context).status, 404);
}

// RFC 9110 §9.3.2: the GET answer's status and headers, no body.
TEST(RouterTest, HeadIsGetWithoutTheBody) {
  FakeContext context;
  context.stats_.workers.resize(2);
  for (const char* target :
       {"/healthz", "/stats", "/metrics", "/nope", "/work?cpu_us=x"}) {
    Response get = RespondTo(Get(target), context);
    Response head = RespondTo(Get(target, "HEAD"), context);
    EXPECT_TRUE(head.omit_body) << target;
    const std::string get_wire = Serialize(get, true, kDate);
    EXPECT_EQ(Serialize(head, true, kDate),
              get_wire.substr(0, get_wire.size() - get.body.size()))
        << target;
  }
  RouteResult work = Route(Get("/work?cpu_us=5", "HEAD"), context);
  ASSERT_TRUE(std::holds_alternative<WorkOrder>(work));
  const WorkOrder order = std::get<WorkOrder>(work);
  EXPECT_EQ(order, (WorkOrder{5, 0, /*head=*/true}));
  EXPECT_TRUE(WorkDoneResponse(order).omit_body);
  EXPECT_EQ(WorkDoneResponse(order).body, "cpu_us=5 sleep_ms=0\n");
}

TEST(RouterTest, Preconditions) {
  FakeContext context;
  auto with = [](const char* target, const char* field, const char* value) {
    Request r = Get(target);
    r.headers.emplace_back(field, value);
    return r;
  };
  // If-None-Match: * fails for a resource that exists: 304, no work.
  Response r = RespondTo(with("/work?cpu_us=9", "if-none-match", "*"), context);
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(Serialize(r, true, kDate),
            "HTTP/1.1 304 Not Modified\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Connection: keep-alive\r\n\r\n");
  // An entity tag never matches (no ETag): If-None-Match holds,
  // If-Match fails.
  EXPECT_EQ(RespondTo(with("/healthz", "if-none-match", "\"x\""), context)
                .status,
            200);
  EXPECT_EQ(RespondTo(with("/healthz", "if-match", "\"x\""), context).status,
            412);
  EXPECT_EQ(RespondTo(with("/healthz", "if-match", "*"), context).status, 200);
  // Not evaluated where the answer is not 2xx.
  EXPECT_EQ(RespondTo(with("/nope", "if-match", "\"x\""), context).status, 404);
  EXPECT_EQ(
      RespondTo(with("/work?cpu_us=x", "if-none-match", "*"), context).status,
      400);
  context.draining_ = true;
  EXPECT_EQ(RespondTo(with("/healthz", "if-none-match", "*"), context).status,
            503);
  // No modification date: the date preconditions are ignored.
  EXPECT_EQ(RespondTo(with("/metrics", "if-modified-since",
                           "Sun, 06 Nov 1994 08:49:37 GMT"),
                      context)
                .status,
            200);
}

TEST(RouterTest, WorkDoneResponse) {
  EXPECT_EQ(WorkDoneResponse({250, 3}),
            TextResponse(200, "cpu_us=250 sleep_ms=3\n"));
}

TEST(RouterTest, ErrorResponseCloses) {
  Response r = ErrorResponse({431, "too big"});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, "too big\n");
  EXPECT_TRUE(r.close);
  EXPECT_FALSE(r.omit_body);
  EXPECT_TRUE(r.allow.empty());
  EXPECT_EQ(ErrorResponse({405, "CONNECT"}).allow, "GET, HEAD, OPTIONS");
  EXPECT_TRUE(ErrorResponse({400, "no Host", /*head_request=*/true}).omit_body);
}

}  // namespace
}  // namespace parkd::http
