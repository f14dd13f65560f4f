#include "daemon/http/json_writer.h"

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x00\x01\x1f", 3)),
            "\"\\u0000\\u0001\\u001f\"");
  EXPECT_EQ(JsonQuote("/ \x7f \xc3\xa9"), "\"/ \x7f \xc3\xa9\"");
}

TEST(JsonWriterTest, NestedContainersAndCommas) {
  JsonWriter w;
  w.BeginObject()
      .Key("a")
      .Uint(1)
      .Key("list")
      .BeginArray()
      .Uint(0)
      .Uint(18446744073709551615u)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .String("s")
      .EndArray()
      .Key("o")
      .BeginObject()
      .Key("k\"")
      .String("v\n")
      .EndObject()
      .EndObject();
  EXPECT_EQ(w.Take(),
            "{\"a\":1,\"list\":[0,18446744073709551615,{},[],\"s\"],"
            "\"o\":{\"k\\\"\":\"v\\n\"}}");
}

TEST(JsonWriterTest, TopLevelScalarAndReuse) {
  JsonWriter w;
  w.Uint(7);
  EXPECT_EQ(w.Take(), "7");
  w.BeginArray().EndArray();
  EXPECT_EQ(w.Take(), "[]");
}

TEST(JsonWriterDeathTest, MisuseAborts) {
  EXPECT_DEATH(JsonWriter().BeginObject().Uint(1), "without a Key");
  EXPECT_DEATH(JsonWriter().BeginArray().Key("k"), "Key outside");
  EXPECT_DEATH(JsonWriter().BeginArray().EndObject(), "does not match");
  EXPECT_DEATH(JsonWriter().BeginObject().Key("k").EndObject(),
               "does not match");
  EXPECT_DEATH(JsonWriter().BeginObject().Take(), "before the value");
  EXPECT_DEATH(JsonWriter().Uint(1).Uint(2), "second top-level");
}

}  // namespace
}  // namespace parkd::http
