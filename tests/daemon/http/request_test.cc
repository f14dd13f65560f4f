#include "daemon/http/request.h"

#include <http_parser.h>

#include <string>

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

// What ParseTarget made of an origin-form target before it split the plain
// ones itself: http_parser_parse_url's path and query, or not a URI.
std::optional<std::pair<std::string, QueryMap>> ThroughHttpParser(
    const std::string& target) {
  http_parser_url u;
  http_parser_url_init(&u);
  if (http_parser_parse_url(target.data(), target.size(), 0, &u) != 0) {
    return std::nullopt;
  }
  auto field = [&](http_parser_url_fields f) -> absl::string_view {
    if ((u.field_set & (1 << f)) == 0) return {};
    return absl::string_view(target).substr(u.field_data[f].off,
                                            u.field_data[f].len);
  };
  QueryMap query;
  if (!ParseQuery(field(UF_QUERY), &query).ok()) return std::nullopt;
  const absl::string_view path = field(UF_PATH);
  return std::make_pair(path.empty() ? "/" : std::string(path), query);
}

TEST(ParseTargetTest, OriginFormSplitsAsHttpParserDoes) {
  // Every "/" + up to four bytes of an alphabet with the bytes that matter
  // (the separators, an escape, a tab, a space, DEL, a high byte).
  const std::string alphabet = {'/', 'a', '?', '#', '%', '=', '&',
                                '\t', ' ', '\x7f', '\x80', '2', 'F'};
  std::vector<std::string> targets = {"/"};
  for (size_t len = 0, begin = 0; len < 4; ++len) {
    const size_t end = targets.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) targets.push_back(targets[i] + c);
    }
    begin = end;
  }
  for (const std::string& target : targets) {
    Request r;
    r.target = target;
    r.path = "stale";
    r.query = {{"stale", "1"}};
    const bool ok = ParseTarget(&r).ok();
    const auto want = ThroughHttpParser(target);
    ASSERT_EQ(ok, want.has_value()) << Quoted(target);
    if (!ok) continue;
    EXPECT_EQ(r.path, want->first) << Quoted(target);
    EXPECT_EQ(r.query, want->second) << Quoted(target);
  }
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
