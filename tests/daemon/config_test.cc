#include "daemon/config.h"

#include <fstream>

#include "gtest/gtest.h"

namespace parkd {
namespace {

TEST(ConfigTest, ShippedDefaultIsValid) {
  absl::StatusOr<Config> c = LoadConfig(PARKD_SOURCE_ROOT "/config/parkd.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 0);
}

TEST(ConfigTest, EmptyFileTakesDefaults) {
  absl::StatusOr<Config> c = ParseConfig("", "empty.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 0);
}

TEST(ConfigTest, ReadsWorkers) {
  absl::StatusOr<Config> c = ParseConfig("[runtime]\nworkers = 4\n", "x.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 4);
}

struct BadCase {
  const char* text;
  const char* message;
};

class BadConfigTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfigTest, NamesPlaceKeyAndWhatIsAllowed) {
  absl::StatusOr<Config> c = ParseConfig(GetParam().text, "p.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, BadConfigTest,
    ::testing::Values(
        BadCase{"[runtime]\nworkers = \"four\"\n",
                "p.toml:2:11: runtime.workers must be an integer from 0 to "
                "1024, got a string"},
        BadCase{"[runtime]\nworkers = -1\n",
                "p.toml:2:11: runtime.workers must be an integer from 0 to "
                "1024, got -1"},
        BadCase{"[runtime]\nworkers = 1025\n",
                "p.toml:2:11: runtime.workers must be an integer from 0 to "
                "1024, got 1025"},
        BadCase{"[runtime]\nworker = 4\n",
                "p.toml:2:10: unknown key 'runtime.worker'; known keys in "
                "[runtime]: workers"},
        BadCase{"[server]\nport = 1\n",
                "p.toml:1:1: unknown key 'server'; known tables: [runtime]"},
        BadCase{"runtime = 3\n", "p.toml:1:11: [runtime] must be a table"},
        BadCase{"[runtime\n",
                "p.toml:1:9: Error while parsing table header: expected ']', "
                "saw '\\n'"}));

TEST(ConfigTest, MissingFileIsAnError) {
  absl::StatusOr<Config> c = LoadConfig("/nonexistent/parkd.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "cannot read config file /nonexistent/parkd.toml: No such file or "
            "directory");
}

}  // namespace
}  // namespace parkd
