#include "daemon/http/response.h"

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

TEST(ResponseTest, KeepAlive200) {
  EXPECT_EQ(Serialize(TextResponse(200, "ok\n"), /*keep_alive=*/true),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 3\r\n"
            "Connection: keep-alive\r\n"
            "\r\n"
            "ok\n");
}

TEST(ResponseTest, CloseWhenTheRequestSaidSo) {
  EXPECT_EQ(Serialize(TextResponse(503, "draining\n"), /*keep_alive=*/false),
            "HTTP/1.1 503 Service Unavailable\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 9\r\n"
            "Connection: close\r\n"
            "\r\n"
            "draining\n");
}

TEST(ResponseTest, CloseWhenTheResponseSaysSo) {
  Response r = TextResponse(400, "bad\n");
  r.close = true;
  EXPECT_NE(Serialize(r, /*keep_alive=*/true).find("\r\nConnection: close\r\n"),
            std::string::npos);
}

TEST(ResponseTest, MethodNotAllowedCarriesAllow) {
  EXPECT_EQ(Serialize(TextResponse(405, ""), /*keep_alive=*/true),
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 0\r\n"
            "Connection: keep-alive\r\n"
            "Allow: GET\r\n"
            "\r\n");
}

TEST(ResponseTest, OtherStatusesHaveNoAllow) {
  EXPECT_EQ(Serialize(TextResponse(404, ""), true).find("Allow"),
            std::string::npos);
}

TEST(ResponseTest, ContentTypeAndBinaryBody) {
  Response r;
  r.content_type = "application/json";
  r.body = std::string("{\0}", 3);
  EXPECT_EQ(Serialize(r, true),
            std::string("HTTP/1.1 200 OK\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: 3\r\n"
                        "Connection: keep-alive\r\n\r\n{\0}",
                        97));
}

TEST(ResponseTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(400), "Bad Request");
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(405), "Method Not Allowed");
  EXPECT_EQ(ReasonPhrase(413), "Payload Too Large");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(500), "Internal Server Error");
  EXPECT_EQ(ReasonPhrase(503), "Service Unavailable");
  EXPECT_EQ(ReasonPhrase(505), "HTTP Version Not Supported");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

TEST(ResponseDeathTest, ImpossibleStatusAborts) {
  EXPECT_DEATH(Serialize(TextResponse(99, ""), true),
               "impossible HTTP status 99");
  EXPECT_DEATH(Serialize(TextResponse(600, ""), true),
               "impossible HTTP status 600");
}

}  // namespace
}  // namespace parkd::http
