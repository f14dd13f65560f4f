#include "daemon/http/response.h"

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

constexpr absl::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

TEST(ResponseTest, KeepAlive200) {
  EXPECT_EQ(Serialize(TextResponse(200, "ok\n"), /*keep_alive=*/true, kDate),
            "HTTP/1.1 200 OK\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 3\r\n"
            "Connection: keep-alive\r\n"
            "\r\n"
            "ok\n");
}

TEST(ResponseTest, CloseWhenTheRequestSaidSo) {
  EXPECT_EQ(
      Serialize(TextResponse(503, "draining\n"), /*keep_alive=*/false, kDate),
      "HTTP/1.1 503 Service Unavailable\r\n"
      "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 9\r\n"
      "Connection: close\r\n"
      "\r\n"
      "draining\n");
}

TEST(ResponseTest, CloseWhenTheResponseSaysSo) {
  Response r = TextResponse(400, "bad\n");
  r.close = true;
  EXPECT_NE(Serialize(r, /*keep_alive=*/true, kDate)
                .find("\r\nConnection: close\r\n"),
            std::string::npos);
}

TEST(ResponseTest, AllowWhenSet) {
  Response r = TextResponse(405, "");
  r.allow = "GET, HEAD, OPTIONS";
  EXPECT_EQ(Serialize(r, /*keep_alive=*/true, kDate),
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 0\r\n"
            "Connection: keep-alive\r\n"
            "Allow: GET, HEAD, OPTIONS\r\n"
            "\r\n");
  EXPECT_EQ(Serialize(TextResponse(404, ""), true, kDate).find("Allow"),
            std::string::npos);
}

TEST(ResponseTest, NoContentTypeWhenEmpty) {
  Response r;
  r.content_type = {};
  r.allow = "GET";
  EXPECT_EQ(Serialize(r, true, kDate),
            "HTTP/1.1 200 OK\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 0\r\n"
            "Connection: keep-alive\r\n"
            "Allow: GET\r\n"
            "\r\n");
}

// RFC 9110 §9.3.2: HEAD gets every header GET gets, no body.
TEST(ResponseTest, OmitBodyKeepsEveryHeader) {
  Response get = TextResponse(200, "ok\n");
  Response head = get;
  head.omit_body = true;
  const std::string full = Serialize(get, true, kDate);
  EXPECT_EQ(Serialize(head, true, kDate), full.substr(0, full.size() - 3));
}

// RFC 9110 §15.4.5: no content, so no Content-Length or Content-Type.
TEST(ResponseTest, NotModifiedHasNoContentFields) {
  Response r = TextResponse(304, "ignored");
  EXPECT_EQ(Serialize(r, true, kDate),
            "HTTP/1.1 304 Not Modified\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Connection: keep-alive\r\n"
            "\r\n");
}

TEST(ResponseTest, ContentTypeAndBinaryBody) {
  Response r;
  r.content_type = "application/json";
  r.body = std::string("{\0}", 3);
  EXPECT_EQ(Serialize(r, true, kDate),
            std::string("HTTP/1.1 200 OK\r\n"
                        "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: 3\r\n"
                        "Connection: keep-alive\r\n\r\n{\0}",
                        134));
}

TEST(ResponseTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(304), "Not Modified");
  EXPECT_EQ(ReasonPhrase(400), "Bad Request");
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(405), "Method Not Allowed");
  EXPECT_EQ(ReasonPhrase(412), "Precondition Failed");
  EXPECT_EQ(ReasonPhrase(413), "Payload Too Large");
  EXPECT_EQ(ReasonPhrase(414), "URI Too Long");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(500), "Internal Server Error");
  EXPECT_EQ(ReasonPhrase(501), "Not Implemented");
  EXPECT_EQ(ReasonPhrase(503), "Service Unavailable");
  EXPECT_EQ(ReasonPhrase(505), "HTTP Version Not Supported");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

TEST(ResponseDeathTest, ImpossibleResponsesAbort) {
  EXPECT_DEATH(Serialize(TextResponse(199, ""), true, kDate),
               "impossible HTTP response 199");
  EXPECT_DEATH(Serialize(TextResponse(600, ""), true, kDate),
               "impossible HTTP response 600");
  EXPECT_DEATH(Serialize(TextResponse(405, ""), true, kDate),
               "impossible HTTP response 405 without Allow");
}

}  // namespace
}  // namespace parkd::http
