#include "daemon/http/request.h"

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

TEST(RequestTest, ResetGivesADefaultRequest) {
  Request r;
  r.method = "POST";
  r.target = "/work?cpu_us=5";
  r.path = "/work";
  r.query = {{"cpu_us", "5"}};
  r.version = HttpVersion::kHttp10;
  r.headers = {{"host", "h"}, {"content-length", "4"}};
  r.keep_alive = false;
  r.expect_continue = true;
  r.body = "body";
  r.Reset();
  EXPECT_EQ(r, Request());
}

TEST(ParseQueryTest, SplitsAndDecodes) {
  QueryMap q;
  ASSERT_TRUE(ParseQuery("a=1&b=%2F&c", &q).ok());
  EXPECT_EQ(q, (QueryMap{{"a", "1"}, {"b", "/"}, {"c", ""}}));
}

TEST(ParseQueryTest, FirstDuplicateWins) {
  QueryMap q;
  ASSERT_TRUE(ParseQuery("x=1&x=2&x", &q).ok());
  EXPECT_EQ(q, (QueryMap{{"x", "1"}}));
}

TEST(ParseQueryTest, SkipsEmptyPartsAndSplitsOnFirstEquals) {
  QueryMap q;
  ASSERT_TRUE(ParseQuery("&a=b=c&&", &q).ok());
  EXPECT_EQ(q, (QueryMap{{"a", "b=c"}}));
  ASSERT_TRUE(ParseQuery("", &q).ok());
  EXPECT_TRUE(q.empty());
}

TEST(ParseQueryTest, DecodesKeysPlusAndMixedCaseHex) {
  QueryMap q;
  ASSERT_TRUE(ParseQuery("k%65y=a+b%2b%2Fc", &q).ok());
  EXPECT_EQ(q, (QueryMap{{"key", "a b+/c"}}));
}

TEST(ParseQueryTest, RejectsBadEscapes) {
  QueryMap q;
  for (const char* raw : {"a=%", "a=%4", "a=%zz", "%g1=1", "a=1%2"}) {
    absl::Status s = ParseQuery(raw, &q);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << raw;
  }
}

TEST(PercentDecodeTest, DecodesNulAndHighBytes) {
  std::string out;
  ASSERT_TRUE(PercentDecode("%00%ff", &out).ok());
  EXPECT_EQ(out, std::string("\0\xff", 2));
}

TEST(ParseTargetTest, OriginForm) {
  Request r;
  r.target = "/work?cpu_us=5";
  ASSERT_TRUE(ParseTarget(&r).ok());
  EXPECT_EQ(r.path, "/work");
  EXPECT_EQ(r.query, (QueryMap{{"cpu_us", "5"}}));
}

TEST(ParseTargetTest, KeepsThePathRawAndDropsTheFragment) {
  Request r;
  r.target = "/a%20b?x=%20#frag";
  ASSERT_TRUE(ParseTarget(&r).ok());
  EXPECT_EQ(r.path, "/a%20b");
  EXPECT_EQ(r.query, (QueryMap{{"x", " "}}));
}

TEST(ParseTargetTest, AbsoluteFormWithoutPathIsSlash) {
  Request r;
  r.target = "http://example.com";
  ASSERT_TRUE(ParseTarget(&r).ok());
  EXPECT_EQ(r.path, "/");
  r.target = "http://example.com/stats?a=1";
  ASSERT_TRUE(ParseTarget(&r).ok());
  EXPECT_EQ(r.path, "/stats");
}

TEST(ParseTargetTest, RejectsNonUrls) {
  Request r;
  r.target = "no-slash";
  EXPECT_FALSE(ParseTarget(&r).ok());
  r.target = "/ok?a=%zz";
  EXPECT_FALSE(ParseTarget(&r).ok());
}

TEST(RequestTest, FindHeaderReturnsTheFirst) {
  Request r;
  r.headers = {{"host", "a"}, {"x", "1"}, {"x", "2"}};
  ASSERT_NE(r.FindHeader("x"), nullptr);
  EXPECT_EQ(*r.FindHeader("x"), "1");
  EXPECT_EQ(r.FindHeader("y"), nullptr);
}

}  // namespace
}  // namespace parkd::http
