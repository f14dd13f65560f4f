#include "daemon/http/request_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

constexpr size_t kHeaderLimit = 1024;
constexpr size_t kBodyLimit = 64;

struct Collected {
  std::vector<Request> requests;
  size_t consumed = 0;
  std::optional<ParseError> error;
};

// Feeds `wire` in pieces of `piece` bytes (0: all at once).
Collected FeedAll(RequestParser& parser, absl::string_view wire,
                  size_t piece = 0) {
  Collected c;
  if (piece == 0) piece = wire.size();
  for (size_t at = 0; at < wire.size(); at += piece) {
    FeedResult r = parser.Feed(wire.substr(at, piece));
    EXPECT_LE(r.consumed, std::min(piece, wire.size() - at));
    c.consumed += r.consumed;
    for (Request& req : r.requests) c.requests.push_back(std::move(req));
    c.error = r.error;
  }
  return c;
}

Collected Parse(absl::string_view wire, size_t piece = 0) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  return FeedAll(parser, wire, piece);
}

constexpr absl::string_view kGet =
    "GET /work?cpu_us=5&sleep_ms=%31 HTTP/1.1\r\n"
    "Host: localhost\r\nX-Trace:  a b  \r\nAccept: */*\r\n\r\n";

void ExpectGet(const Request& r) {
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/work?cpu_us=5&sleep_ms=%31");
  EXPECT_EQ(r.path, "/work");
  EXPECT_EQ(r.query, (QueryMap{{"cpu_us", "5"}, {"sleep_ms", "1"}}));
  EXPECT_EQ(r.version, HttpVersion::kHttp11);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"host", "localhost"}, {"x-trace", "a b"}, {"accept", "*/*"}}));
  EXPECT_EQ(r.body, "");
}

TEST(RequestParserTest, ValidGet) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  FeedResult r = parser.Feed(kGet);
  ASSERT_FALSE(r.error.has_value()) << r.error->message;
  ASSERT_EQ(r.requests.size(), 1u);
  ExpectGet(r.requests[0]);
  EXPECT_EQ(r.consumed, kGet.size());
  EXPECT_EQ(parser.state(), RequestParser::State::kReading);
  EXPECT_FALSE(parser.mid_request());
}

TEST(RequestParserTest, OnRequestGetsEachRequestInOrderWithNothingLeftOver) {
  // The parser reuses one Request: what a request did not say must not be
  // left from the one before (headers, body, query, connection options).
  const std::string wire = std::string(kGet) +
                           "POST /work HTTP/1.1\r\nHost: h\r\n"
                           "Content-Length: 4\r\nConnection: close\r\n\r\n"
                           "body";
  const std::string second_conn = "GET /healthz HTTP/1.0\r\n\r\n";
  RequestParser parser(kHeaderLimit, kBodyLimit);
  std::vector<Request> seen;
  FeedResult r = parser.Feed(
      wire, [&seen](const Request& req) { seen.push_back(req); });
  ASSERT_FALSE(r.error.has_value()) << r.error->message;
  EXPECT_TRUE(r.requests.empty());
  EXPECT_EQ(r.consumed, wire.size());
  ASSERT_EQ(seen.size(), 2u);
  ExpectGet(seen[0]);
  EXPECT_EQ(seen[1].method, "POST");
  EXPECT_TRUE(seen[1].query.empty());
  EXPECT_EQ(seen[1].headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"host", "h"}, {"content-length", "4"}, {"connection", "close"}}));
  EXPECT_EQ(seen[1].body, "body");
  EXPECT_FALSE(seen[1].keep_alive);
  EXPECT_EQ(parser.state(), RequestParser::State::kClosed);

  RequestParser other(kHeaderLimit, kBodyLimit);
  seen.clear();
  (void)other.Feed(wire.substr(0, kGet.size()),
                   [&seen](const Request& req) { seen.push_back(req); });
  (void)other.Feed(second_conn,
                   [&seen](const Request& req) { seen.push_back(req); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].path, "/healthz");
  EXPECT_TRUE(seen[1].headers.empty());
  EXPECT_TRUE(seen[1].query.empty());
  EXPECT_EQ(seen[1].version, HttpVersion::kHttp10);
  EXPECT_FALSE(seen[1].keep_alive);
}

TEST(RequestParserTest, ThreePipelinedInOneBuffer) {
  const std::string wire = std::string(kGet) +
                           "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n"
                           "GET /stats HTTP/1.1\nHost: h\n\n";
  Collected c = Parse(wire);
  ASSERT_FALSE(c.error.has_value());
  ASSERT_EQ(c.requests.size(), 3u);
  ExpectGet(c.requests[0]);
  EXPECT_EQ(c.requests[1].path, "/healthz");
  EXPECT_EQ(c.requests[2].path, "/stats");
  EXPECT_EQ(c.consumed, wire.size());
}

TEST(RequestParserTest, ByteAtATime) {
  const std::string wire = std::string(kGet) + std::string(kGet);
  RequestParser parser(kHeaderLimit, kBodyLimit);
  Collected c;
  for (size_t i = 0; i < wire.size(); ++i) {
    FeedResult r = parser.Feed(wire.substr(i, 1));
    ASSERT_EQ(r.consumed, 1u) << "byte " << i;
    // A request completes exactly on its last byte.
    const bool last = i + 1 == kGet.size() || i + 1 == wire.size();
    EXPECT_EQ(r.requests.size(), last ? 1u : 0u) << "byte " << i;
    EXPECT_EQ(parser.mid_request(), !last) << "byte " << i;
    for (Request& req : r.requests) c.requests.push_back(std::move(req));
  }
  ASSERT_EQ(c.requests.size(), 2u);
  ExpectGet(c.requests[0]);
  ExpectGet(c.requests[1]);
}

struct KeepAliveCase {
  const char* version;
  const char* connection;  // nullptr: no Connection header
  bool keep_alive;
};

class KeepAliveTest : public ::testing::TestWithParam<KeepAliveCase> {};

// RFC 9112 §9.3; Connection is a list of case-insensitive options.
TEST_P(KeepAliveTest, FollowsTheConnectionOptions) {
  const KeepAliveCase& k = GetParam();
  std::string wire = std::string("GET / ") + k.version + "\r\nHost: h\r\n";
  if (k.connection != nullptr)
    wire += std::string("Connection: ") + k.connection + "\r\n";
  wire += "\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  RequestParser parser(kHeaderLimit, kBodyLimit);
  FeedResult r = parser.Feed(wire);
  ASSERT_FALSE(r.error.has_value());
  ASSERT_GE(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].keep_alive, k.keep_alive);
  // After a closing request nothing more is parsed.
  EXPECT_EQ(r.requests.size(), k.keep_alive ? 2u : 1u);
  EXPECT_EQ(parser.state(), k.keep_alive ? RequestParser::State::kReading
                                         : RequestParser::State::kClosed);
  if (!k.keep_alive) {
    EXPECT_EQ(r.consumed, wire.find("GET /next"));
    EXPECT_EQ(parser.Feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n").consumed, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, KeepAliveTest,
    ::testing::Values(KeepAliveCase{"HTTP/1.1", nullptr, true},
                      KeepAliveCase{"HTTP/1.1", "close", false},
                      KeepAliveCase{"HTTP/1.1", "Close", false},
                      KeepAliveCase{"HTTP/1.1", "keep-alive", true},
                      KeepAliveCase{"HTTP/1.0", nullptr, false},
                      KeepAliveCase{"HTTP/1.0", "keep-alive", true},
                      KeepAliveCase{"HTTP/1.0", "Keep-Alive", true},
                      KeepAliveCase{"HTTP/1.0", "close", false},
                      KeepAliveCase{"HTTP/1.1", "foo, close", false},
                      KeepAliveCase{"HTTP/1.1", ",close", false},
                      KeepAliveCase{"HTTP/1.1", "closed", true},
                      KeepAliveCase{"HTTP/1.0", "keep-alive, close", false},
                      KeepAliveCase{"HTTP/1.0", "foo,Keep-Alive", true},
                      KeepAliveCase{"HTTP/1.2", nullptr, true}));

TEST(RequestParserTest, CloseOnASecondConnectionLineWins) {
  Collected c = Parse(
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(c.requests.size(), 1u);
  EXPECT_FALSE(c.requests[0].keep_alive);
}

TEST(RequestParserTest, Http10Version) {
  // HTTP/1.0 needs no Host.
  Collected c = Parse("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(c.requests.size(), 1u);
  EXPECT_EQ(c.requests[0].version, HttpVersion::kHttp10);
}

TEST(RequestParserTest, HugeHeaderIs431BeforeTheHeaderEnds) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  // A header that never ends: the error must come once the limit is passed,
  // without waiting for the blank line.
  const absl::string_view head = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ";
  FeedResult r = parser.Feed(head);
  ASSERT_FALSE(r.error.has_value());
  const std::string filler(100, 'a');
  size_t fed = head.size();
  while (!r.error.has_value() && fed < 10 * kHeaderLimit) {
    r = parser.Feed(filler);
    fed += filler.size();
  }
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->status, 431);
  EXPECT_EQ(r.error->message,
            "request-line and fields exceed the limit of 1024 bytes");
  EXPECT_LE(fed, kHeaderLimit + filler.size());
  EXPECT_EQ(parser.state(), RequestParser::State::kFailed);
}

TEST(RequestParserTest, HeaderLimitIsExact) {
  // Request line + headers + blank line of exactly `size` bytes.
  auto wire = [](size_t size) {
    const std::string head = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
    return head + std::string(size - head.size() - 4, 'v') + "\r\n\r\n";
  };
  for (size_t piece : {0, 1, 7}) {
    Collected at = Parse(wire(kHeaderLimit), piece);
    EXPECT_FALSE(at.error.has_value()) << piece;
    EXPECT_EQ(at.requests.size(), 1u) << piece;
    Collected over = Parse(wire(kHeaderLimit + 1), piece);
    ASSERT_TRUE(over.error.has_value()) << piece;
    EXPECT_EQ(over.error->status, 431) << piece;
    // The count restarts with each pipelined request.
    Collected two = Parse(wire(kHeaderLimit) + wire(kHeaderLimit), piece);
    EXPECT_FALSE(two.error.has_value()) << piece;
    EXPECT_EQ(two.requests.size(), 2u) << piece;
  }
}

TEST(RequestParserTest, RequestLineOverTheLimitIs414) {
  for (size_t piece : {0, 1, 100}) {
    Collected c = Parse("GET /" + std::string(2 * kHeaderLimit, 'a'), piece);
    ASSERT_TRUE(c.error.has_value()) << piece;
    EXPECT_EQ(c.error->status, 414);
    EXPECT_EQ(c.error->message,
              "request-line longer than the limit of 1024 bytes");
    EXPECT_EQ(c.consumed, kHeaderLimit);
  }
}

// The rules themselves are request_head_test's; this checks that a head
// reaches them whole, however it is cut.
TEST(RequestParserTest, HeadErrorsComeFromParseRequestHead) {
  for (size_t piece : {0, 1, 5}) {
    Collected c = Parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n", piece);
    ASSERT_TRUE(c.error.has_value()) << piece;
    EXPECT_EQ(*c.error,
              (ParseError{400,
                          "whitespace between the field name \"Host\" and the "
                          "colon (RFC 9112 §5.1)"}));
    EXPECT_TRUE(c.requests.empty());
  }
}

TEST(RequestParserTest, UnknownMethodIs501) {
  Collected c = Parse("FOO / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 501);
}

TEST(RequestParserTest, ErrorOfAHeadRequestSaysSo) {
  Collected c = Parse("HEAD / HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 400);
  EXPECT_TRUE(c.error->head_request);
  c = Parse("GET / HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_FALSE(c.error->head_request);
}

TEST(RequestParserTest, FramingErrorsAreHttpParsers) {
  for (const char* wire :
       {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
        "Content-Length: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1,1\r\n\r\n"}) {
    Collected c = Parse(wire);
    ASSERT_TRUE(c.error.has_value()) << wire;
    EXPECT_EQ(c.error->status, 400) << wire;
    EXPECT_NE(c.error->message.find("malformed request: HPE_"),
              std::string::npos)
        << c.error->message;
  }
}

TEST(RequestParserTest, BinaryFailsAtOnce) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  FeedResult r = parser.Feed(std::string("\x16\x03\x01\x02\x00\x01", 6));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->status, 400);
  EXPECT_EQ(r.error->message,
            "the request-line has the control byte 0x16; is this HTTP/1.x?");
  EXPECT_EQ(r.consumed, 1u);
  FeedResult again = parser.Feed(kGet);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_TRUE(again.requests.empty());
  EXPECT_EQ(again.error, r.error);
}

TEST(RequestParserTest, RequestsBeforeAnErrorAreReturned) {
  Collected c = Parse(std::string(kGet) + "\x01\x02");
  ASSERT_EQ(c.requests.size(), 1u);
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 400);
}

TEST(RequestParserTest, ContentLengthBody) {
  for (size_t piece : {0, 1, 3}) {
    Collected c = Parse(
        "POST /work HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n",
        piece);
    ASSERT_FALSE(c.error.has_value());
    ASSERT_EQ(c.requests.size(), 2u);
    EXPECT_EQ(c.requests[0].method, "POST");
    EXPECT_EQ(c.requests[0].body, "hello");
    EXPECT_EQ(c.requests[1].path, "/healthz");
  }
}

TEST(RequestParserTest, ChunkedBody) {
  for (size_t piece : {0, 1, 4}) {
    Collected c = Parse(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\na;ext=1\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n"
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        piece);
    ASSERT_FALSE(c.error.has_value()) << c.error->message;
    ASSERT_EQ(c.requests.size(), 2u);
    EXPECT_EQ(c.requests[0].body, "abc0123456789");
    // Trailers are not headers.
    EXPECT_EQ(c.requests[0].FindHeader("trailer"), nullptr);
  }
}

TEST(RequestParserTest, ContentLengthOverTheLimitIs413BeforeTheBody) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  FeedResult r = parser.Feed(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 65\r\n\r\n");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->status, 413);
  EXPECT_EQ(r.error->message,
            "request body of 65 bytes exceeds the limit of 64 bytes");
}

TEST(RequestParserTest, BodyAtTheLimitIsAccepted) {
  Collected c = Parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 64\r\n\r\n" +
                      std::string(64, 'b'));
  ASSERT_FALSE(c.error.has_value());
  ASSERT_EQ(c.requests.size(), 1u);
  EXPECT_EQ(c.requests[0].body.size(), 64u);
}

TEST(RequestParserTest, ChunkedOverTheLimitIs413) {
  Collected c = Parse(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "20\r\n" +
      std::string(32, 'x') + "\r\n21\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 413);
  EXPECT_EQ(c.error->message, "request body exceeds the limit of 64 bytes");
}

// RFC 9110 §7.8: a server may ignore Upgrade, and parkd does (as nginx,
// unless it proxies): the request is served, and the next one after it.
TEST(RequestParserTest, UpgradeIsIgnored) {
  for (size_t piece : {0, 1}) {
    Collected c = Parse(
        "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
        "Upgrade: h2c\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n",
        piece);
    ASSERT_FALSE(c.error.has_value()) << c.error->message;
    ASSERT_EQ(c.requests.size(), 2u);
    EXPECT_EQ(c.requests[1].path, "/next");
  }
}

TEST(RequestParserTest, ConnectIs405) {
  Collected c = Parse("CONNECT example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 405);
  EXPECT_TRUE(c.requests.empty());
}

TEST(RequestParserTest, OtherMajorVersionsAre505) {
  Collected c = Parse("GET / HTTP/2.0\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 505);
  EXPECT_EQ(c.error->message,
            "HTTP/2.0 is not supported; use HTTP/1.1 or HTTP/1.0");
  // No version at all (HTTP/0.9's form) is no request-line.
  c = Parse("GET /\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 400);
}

TEST(RequestParserTest, BadQueryEscapeIs400) {
  Collected c = Parse("GET /work?cpu_us=%zz HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(c.error.has_value());
  EXPECT_EQ(c.error->status, 400);
}

TEST(RequestParserTest, EmptyHeaderValues) {
  Collected c =
      Parse("GET / HTTP/1.1\r\nHost: h\r\nX:\r\nY: 1\r\nZ:   \r\n\r\n", 1);
  ASSERT_EQ(c.requests.size(), 1u);
  EXPECT_EQ(c.requests[0].headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"host", "h"}, {"x", ""}, {"y", "1"}, {"z", ""}}));
}

// RFC 9110 §10.1.1: a 100 is owed while the announced body has not come.
TEST(RequestParserTest, ExpectContinue) {
  RequestParser parser(kHeaderLimit, kBodyLimit);
  FeedResult r = parser.Feed(
      "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
      "Content-Length: 3\r\n\r\n");
  EXPECT_TRUE(r.send_continue);
  r = parser.Feed("a");
  EXPECT_FALSE(r.send_continue);  // once per request
  r = parser.Feed("bc");
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].body, "abc");
  // The body came with the head, no body, or HTTP/1.0: nothing owed.
  for (const char* wire :
       {"POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
        "Content-Length: 1\r\n\r\nx",
        "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
        "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"}) {
    RequestParser p(kHeaderLimit, kBodyLimit);
    EXPECT_FALSE(p.Feed(wire).send_continue) << wire;
  }
}

TEST(RequestParserTest, LeadingBlankLinesAreSkipped) {
  Collected c = Parse("\r\n\n\rGET / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_FALSE(c.error.has_value());
  EXPECT_EQ(c.requests.size(), 1u);
}

TEST(RequestParserTest, MovedParserKeepsGoing) {
  RequestParser a(kHeaderLimit, kBodyLimit);
  ASSERT_TRUE(a.Feed("GET /work?cpu").requests.empty());
  RequestParser b = std::move(a);
  FeedResult r = b.Feed(
      "_us=5&sleep_ms=%31 HTTP/1.1\r\nHost: localhost\r\n"
      "X-Trace: a b\r\nAccept: */*\r\n\r\n");
  ASSERT_EQ(r.requests.size(), 1u);
  ExpectGet(r.requests[0]);
}

}  // namespace
}  // namespace parkd::http
