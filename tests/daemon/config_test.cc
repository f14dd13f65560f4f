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

TEST(ConfigTest, ReadsEveryKey) {
  absl::StatusOr<Config> c = ParseConfig(
      "[runtime]\nworkers = 4\nspin_before_park_us = 0\n"
      "worker_slice_us = 0\n"
      "[daemon]\ndrain_timeout_ms = 250\n"
      "stats_interval_s = 0\nwatchdog_stall_ms = 300\n"
      "[listen]\ntcp = [\"[::1]:9000\", \"127.0.0.1:9001\"]\n",
      "x.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 4);
  EXPECT_EQ(c->spin_before_park_us, 0);
  EXPECT_EQ(c->worker_slice_us, 0);
  EXPECT_EQ(c->drain_timeout_ms, 250);
  EXPECT_EQ(c->stats_interval_s, 0);
  EXPECT_EQ(c->watchdog_stall_ms, 300);
  EXPECT_EQ(c->listen_tcp,
            (std::vector<std::string>{"[::1]:9000", "127.0.0.1:9001"}));
  // The effective config round-trips.
  absl::StatusOr<Config> again = ParseConfig(FormatConfig(*c), "again.toml");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *c);
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
                "[runtime]: workers, spin_before_park_us, worker_slice_us"},
        BadCase{"[runtime]\nworker_slice_us = 50\n",
                "p.toml:2:19: runtime.worker_slice_us must be 0 (the kernel's "
                "default) or an integer from 100 to 100000, got 50"},
        BadCase{"[runtime]\nworker_slice_us = \"short\"\n",
                "p.toml:2:19: runtime.worker_slice_us must be 0 (the kernel's "
                "default) or an integer from 100 to 100000, got a string"},
        BadCase{"[runtime]\nspin_before_park_us = 5000\n",
                "p.toml:2:23: runtime.spin_before_park_us must be an integer "
                "from 0 to 1000, got 5000"},
        BadCase{"[server]\nport = 1\n",
                "p.toml:1:1: unknown key 'server'; known tables: [runtime], "
                "[daemon], [listen], [http]"},
        BadCase{"[listen]\nunix = [\"relative.sock\"]\n",
                "p.toml:2:9: listen.unix must be an array of absolute socket "
                "paths (at most 107 bytes each); item 0 is \"relative.sock\""},
        BadCase{"[http]\nmax_header_bytes = 100\n",
                "p.toml:2:20: http.max_header_bytes must be an integer from "
                "256 to 65535, got 100"},
        BadCase{"[daemon]\ndrain_timeout_ms = 700000\n",
                "p.toml:2:20: daemon.drain_timeout_ms must be an integer from "
                "0 to 600000, got 700000"},
        BadCase{"[daemon]\nstats_interval = 5\n",
                "p.toml:2:18: unknown key 'daemon.stats_interval'; known keys "
                "in [daemon]: drain_timeout_ms, stats_interval_s, "
                "watchdog_stall_ms"},
        BadCase{"[daemon]\nwatchdog_stall_ms = 0\n",
                "p.toml:2:21: daemon.watchdog_stall_ms must be an integer "
                "from 1 to 3600000, got 0"},
        BadCase{"[listen]\ntcp = \"127.0.0.1:80\"\n",
                "p.toml:2:7: listen.tcp must be an array of \"HOST:PORT\" "
                "strings (an IPv4 or [IPv6] address and a port from 1 to "
                "65535), got a string"},
        BadCase{"[listen]\ntcp = [\"127.0.0.1:80\", \"localhost:80\"]\n",
                "p.toml:2:24: listen.tcp must be an array of \"HOST:PORT\" "
                "strings (an IPv4 or [IPv6] address and a port from 1 to "
                "65535); item 1 is \"localhost:80\""},
        BadCase{"[listen]\ntcp = [\"127.0.0.1:70000\"]\n",
                "p.toml:2:8: listen.tcp must be an array of \"HOST:PORT\" "
                "strings (an IPv4 or [IPv6] address and a port from 1 to "
                "65535); item 0 is \"127.0.0.1:70000\""},
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
