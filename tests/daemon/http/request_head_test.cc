#include "daemon/http/request_head.h"

#include <string>

#include "absl/strings/str_cat.h"

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

Request Accepted(absl::string_view head) {
  Request r;
  std::optional<ParseError> e = ParseRequestHead(head, &r);
  EXPECT_FALSE(e.has_value()) << head << ": " << e->message;
  return r;
}

TEST(RequestHeadTest, ReadsTheRequestLineAndFields) {
  Request r = Accepted(
      "GET /work?cpu_us=5 HTTP/1.1\r\nHost: localhost:8080\r\n"
      "X-Trace: \t a b \t\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/work?cpu_us=5");
  EXPECT_EQ(r.path, "/work");
  EXPECT_EQ(r.query, (QueryMap{{"cpu_us", "5"}}));
  EXPECT_EQ(r.version, HttpVersion::kHttp11);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.expect_continue);
  EXPECT_EQ(r.headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"host", "localhost:8080"}, {"x-trace", "a b"},
                {"accept", "*/*"}}));
}

TEST(RequestHeadTest, BareLfEndsLinesToo) {
  // RFC 9112 §2.2 lets a recipient take LF for CRLF; nginx does.
  Request r = Accepted("GET / HTTP/1.1\nHost: h\n\n");
  EXPECT_EQ(r.path, "/");
}

TEST(RequestHeadTest, TargetForms) {
  Request r = Accepted("GET http://h:80/healthz?x=1 HTTP/1.1\r\nHost: other\r\n\r\n");
  EXPECT_EQ(r.path, "/healthz");  // the Host is not used (RFC 9112 §3.2.2)
  EXPECT_EQ(r.query, (QueryMap{{"x", "1"}}));
  EXPECT_EQ(Accepted("GET HTTPS://H HTTP/1.1\r\nHost: h\r\n\r\n").path, "/");
  EXPECT_EQ(Accepted("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").path, "*");
}

TEST(RequestHeadTest, ValidHosts) {
  for (const char* host :
       {"h", "localhost:8080", "127.0.0.1", "[::1]", "[::1]:80",
        "[v1.fe:80]", "a-b.c_d~e", "%41bc", "h:", "sub!$&'()*+,;=x"}) {
    Request r = Accepted(absl::StrCat("GET / HTTP/1.1\r\nHost: ", host,
                                      "\r\n\r\n"));
    EXPECT_EQ(*r.FindHeader("host"), host);
  }
}

TEST(RequestHeadTest, MethodsAreCaseSensitiveTokens) {
  EXPECT_TRUE(IsRecognizedMethod("GET"));
  EXPECT_TRUE(IsRecognizedMethod("PATCH"));
  EXPECT_FALSE(IsRecognizedMethod("get"));
  EXPECT_FALSE(IsRecognizedMethod("PROPFIND"));
}

struct Bad {
  const char* rule;  // what is broken, and where the RFC says so
  std::string head;
  int status;
  const char* message;
};

class BadHeadTest : public ::testing::TestWithParam<Bad> {};

TEST_P(BadHeadTest, AnswersWhatTheRfcRequires) {
  Request r;
  std::optional<ParseError> e = ParseRequestHead(GetParam().head, &r);
  ASSERT_TRUE(e.has_value()) << GetParam().rule;
  EXPECT_EQ(e->status, GetParam().status) << GetParam().rule;
  EXPECT_EQ(e->message, GetParam().message) << GetParam().rule;
}

INSTANTIATE_TEST_SUITE_P(
    All, BadHeadTest,
    ::testing::Values(
        Bad{"bare CR, RFC 9112 §2.2", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
            400, "a CR not followed by LF (RFC 9112 §2.2)"},
        Bad{"two spaces, RFC 9112 §3", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
            400,
            "the request-line \"GET  / HTTP/1.1\" is not: method, one space, "
            "request-target, one space, HTTP-version (RFC 9112 §3)"},
        Bad{"trailing space, RFC 9112 §3", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
            400,
            "the request-line \"GET / HTTP/1.1 \" is not: method, one space, "
            "request-target, one space, HTTP-version (RFC 9112 §3)"},
        Bad{"tab separator, RFC 9112 §3", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
            400,
            "the request-line \"GET\\t/ HTTP/1.1\" is not: method, one space, "
            "request-target, one space, HTTP-version (RFC 9112 §3)"},
        Bad{"method not a token, RFC 9110 §9.1",
            "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "the method \"G(T\" is not a token (RFC 9110 §9.1)"},
        Bad{"fragment, RFC 9112 §3.2", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n",
            400,
            "the request-target \"/a#b\" has a fragment ('#'), which HTTP "
            "does not send (RFC 9112 §3.2)"},
        Bad{"lower-case version, RFC 9112 §2.3",
            "GET / http/1.1\r\nHost: h\r\n\r\n", 400,
            "the HTTP-version \"http/1.1\" is not HTTP/<digit>.<digit> (RFC "
            "9112 §2.3)"},
        Bad{"two-digit minor, RFC 9112 §2.3",
            "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400,
            "the HTTP-version \"HTTP/1.10\" is not HTTP/<digit>.<digit> (RFC "
            "9112 §2.3)"},
        Bad{"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 400,
            "HTTP/0.9 is not supported; use HTTP/1.1 or HTTP/1.0"},
        Bad{"HTTP/3.0, RFC 9110 §15.6.6", "GET / HTTP/3.0\r\n\r\n", 505,
            "HTTP/3.0 is not supported; use HTTP/1.1 or HTTP/1.0"},
        Bad{"whitespace before the first field, RFC 9112 §2.2",
            "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400,
            "whitespace between the request-line and the first field line "
            "(RFC 9112 §2.2)"},
        Bad{"obs-fold, RFC 9112 §5.2",
            "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400,
            "obsolete line folding (a field line that starts with "
            "whitespace) is not accepted; send each field on one line (RFC "
            "9112 §5.2)"},
        Bad{"space before colon, RFC 9112 §5.1",
            "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400,
            "whitespace between the field name \"Host\" and the colon (RFC "
            "9112 §5.1)"},
        Bad{"tab before colon, RFC 9112 §5.1",
            "GET / HTTP/1.1\r\nHost: h\r\nX\t: 1\r\n\r\n", 400,
            "whitespace between the field name \"X\" and the colon (RFC 9112 "
            "§5.1)"},
        Bad{"no colon, RFC 9112 §5", "GET / HTTP/1.1\r\nHost: h\r\nX\r\n\r\n",
            400, "the field line \"X\" has no colon (RFC 9112 §5)"},
        Bad{"empty field name, RFC 9110 §5.1",
            "GET / HTTP/1.1\r\nHost: h\r\n: x\r\n\r\n", 400,
            "the field name \"\" is not a token (RFC 9110 §5.1)"},
        Bad{"field name not a token, RFC 9110 §5.1",
            "GET / HTTP/1.1\r\nHost: h\r\nX{}: 1\r\n\r\n", 400,
            "the field name \"X{}\" is not a token (RFC 9110 §5.1)"},
        Bad{"NUL in a value, RFC 9110 §5.5",
            std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 35),
            400,
            "the value of the field \"X\" has a control character (RFC 9110 "
            "§5.5)"},
        Bad{"CTL in a value, RFC 9110 §5.5",
            "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n", 400,
            "the value of the field \"X\" has a control character (RFC 9110 "
            "§5.5)"},
        Bad{"no Host in HTTP/1.1, RFC 9112 §3.2", "GET / HTTP/1.1\r\n\r\n", 400,
            "an HTTP/1.1 request must have a Host field (RFC 9112 §3.2)"},
        Bad{"two Hosts, RFC 9112 §3.2",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400,
            "more than one Host field (RFC 9112 §3.2)"},
        Bad{"two Hosts in HTTP/1.0, RFC 9112 §3.2",
            "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400,
            "more than one Host field (RFC 9112 §3.2)"},
        Bad{"empty Host, RFC 9110 §4.2.1", "GET / HTTP/1.1\r\nHost:\r\n\r\n",
            400, "the Host \"\" is not host[:port] (RFC 9110 §7.2)"},
        Bad{"Host with a path, RFC 9110 §7.2",
            "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400,
            "the Host \"a/b\" is not host[:port] (RFC 9110 §7.2)"},
        Bad{"Host with userinfo, RFC 9110 §7.2",
            "GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", 400,
            "the Host \"u@h\" is not host[:port] (RFC 9110 §7.2)"},
        Bad{"Host port not digits, RFC 9110 §7.2",
            "GET / HTTP/1.1\r\nHost: h:8o\r\n\r\n", 400,
            "the Host \"h:8o\" is not host[:port] (RFC 9110 §7.2)"},
        Bad{"Host bad IPv6, RFC 9110 §7.2",
            "GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n", 400,
            "the Host \"[::g]\" is not host[:port] (RFC 9110 §7.2)"},
        Bad{"Host with a space, RFC 9110 §7.2",
            "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400,
            "the Host \"a b\" is not host[:port] (RFC 9110 §7.2)"},
        Bad{"TE in HTTP/1.0, RFC 9112 §6.1",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)"},
        Bad{"TE and CL, RFC 9112 §6.1",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
            "Transfer-Encoding: chunked\r\n\r\n",
            400, "both Content-Length and Transfer-Encoding (RFC 9112 §6.1)"},
        Bad{"TE not ending in chunked, RFC 9112 §6.3",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
            400,
            "Transfer-Encoding must end with chunked, applied once; the "
            "body's length cannot be known (RFC 9112 §6.3)"},
        Bad{"chunked twice, RFC 9112 §6.3",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
            "Transfer-Encoding: chunked\r\n\r\n",
            400,
            "Transfer-Encoding must end with chunked, applied once; the "
            "body's length cannot be known (RFC 9112 §6.3)"},
        Bad{"unknown coding, RFC 9112 §6.1",
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, "
            "chunked\r\n\r\n",
            501,
            "the transfer coding \"gzip\" is not implemented; send the body "
            "chunked or with Content-Length (RFC 9112 §6.1)"},
        Bad{"unknown method, RFC 9110 §9.1",
            "PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n", 501,
            "the method \"PROPFIND\" is not implemented; parkd serves GET, "
            "HEAD and OPTIONS"},
        Bad{"lower-case method, RFC 9110 §9.1",
            "get / HTTP/1.1\r\nHost: h\r\n\r\n", 501,
            "the method \"get\" is not implemented; parkd serves GET, HEAD "
            "and OPTIONS"},
        Bad{"CONNECT", "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", 405,
            "CONNECT is not served: parkd is not a proxy"},
        Bad{"asterisk-form for GET, RFC 9112 §3.2.4",
            "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "the request-target \"*\" is for OPTIONS only, not GET (RFC 9112 "
            "§3.2.4)"},
        Bad{"authority-form for GET, RFC 9112 §3.2.3",
            "GET h:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "the request-target \"h:80\" is not a valid URI (RFC 9112 §3.2)"},
        Bad{"ftp scheme, RFC 9112 §3.2.2",
            "GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "the request-target \"ftp://h/\" must be a path (\"/...\"), an "
            "absolute http URI, or \"*\" for OPTIONS (RFC 9112 §3.2)"},
        Bad{"userinfo, RFC 9110 §4.2.4",
            "GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400,
            "the request-target \"http://u@h/\" has userinfo (\"user@\"), "
            "which an http URI must not carry (RFC 9110 §4.2.4)"}));

TEST(RequestHeadTest, ErrorsOfHeadRequestsSaySo) {
  Request r;
  std::optional<ParseError> e =
      ParseRequestHead("HEAD / HTTP/1.1\r\n\r\n", &r);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->head_request);
}

TEST(RequestHeadTest, ExpectContinueOnlyInHttp11) {
  EXPECT_TRUE(Accepted("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\r\n")
                  .expect_continue);
  EXPECT_FALSE(Accepted("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")
                   .expect_continue);
}

}  // namespace
}  // namespace parkd::http
