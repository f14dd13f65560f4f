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

TEST(RouterTest, OtherMethodsAre405) {
  FakeContext context;
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    Response r = RespondTo(Get("/work?cpu_us=1", method), context);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_FALSE(r.close) << method;
    EXPECT_NE(Serialize(r, true).find("\r\nAllow: GET\r\n"), std::string::npos);
  }
  EXPECT_EQ(RespondTo(Get("/stats", "POST"), context).body,
            "/stats accepts GET only, got \"POST\"\n");
  EXPECT_EQ(context.stats_calls_, 0);
}

TEST(RouterTest, Head405ClosesTheConnection) {
  FakeContext context;
  Response r = RespondTo(Get("/healthz", "HEAD"), context);
  EXPECT_EQ(r.status, 405);
  EXPECT_TRUE(r.close);
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
}

}  // namespace
}  // namespace parkd::http
