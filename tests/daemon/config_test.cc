#include "daemon/config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

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
      "worker_slice_us = 0\nsearcher_wake_delay_us = 250\n"
      "idle_spin_us = 0\n"
      "[daemon]\ndrain_timeout_ms = 250\n"
      "stats_interval_s = 0\nwatchdog_stall_ms = 300\n"
      "[listen]\ntcp = [\"[::1]:9000\", \"127.0.0.1:9001\"]\n",
      "x.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 4);
  EXPECT_EQ(c->spin_before_park_us, 0);
  EXPECT_EQ(c->worker_slice_us, 0);
  EXPECT_EQ(c->searcher_wake_delay_us, 250);
  EXPECT_EQ(c->idle_spin_us, 0);
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
                "[runtime]: workers, spin_before_park_us, worker_slice_us, "
                "searcher_wake_delay_us, idle_spin_us"},
        BadCase{"[runtime]\nworker_slice_us = 50\n",
                "p.toml:2:19: runtime.worker_slice_us must be 0 (the kernel's "
                "default) or an integer from 100 to 100000, got 50"},
        BadCase{"[runtime]\nworker_slice_us = \"short\"\n",
                "p.toml:2:19: runtime.worker_slice_us must be 0 (the kernel's "
                "default) or an integer from 100 to 100000, got a string"},
        BadCase{"[runtime]\nspin_before_park_us = 5000\n",
                "p.toml:2:23: runtime.spin_before_park_us must be an integer "
                "from 0 to 1000, got 5000"},
        BadCase{"[runtime]\nsearcher_wake_delay_us = -5\n",
                "p.toml:2:26: runtime.searcher_wake_delay_us must be an "
                "integer from 0 to 100000, got -5"},
        BadCase{"[runtime]\nidle_spin_us = 1001\n",
                "p.toml:2:16: runtime.idle_spin_us must be an integer "
                "from 0 to 1000, got 1001"},
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
                "1 to 600000, got 700000"},
        BadCase{"[daemon]\ndrain_timeout_ms = 0\n",
                "p.toml:2:20: daemon.drain_timeout_ms must be an integer from "
                "1 to 600000, got 0"},
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

// A scratch directory of its own, removed (with what is in it) at the end.
class ConfigPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "parkd_config_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    ASSERT_EQ(system(("rm -rf '" + dir_ + "'").c_str()), 0);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  static std::string Why(const std::string& path, const std::string& why) {
    return "cannot read config file " + path + ": " + why +
           "; a config must be a readable regular file of at most 1048576 "
           "bytes, or /dev/null for the built-in defaults";
  }
  std::string dir_;
};

TEST_F(ConfigPathTest, DirectoryIsAnError) {
  absl::StatusOr<Config> c = LoadConfig(dir_);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), Why(dir_, "it is a directory"));
}

TEST_F(ConfigPathTest, FifoIsAnErrorAndDoesNotBlock) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<Config> c = LoadConfig(fifo);  // no writer: must not block
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), Why(fifo, "it is a FIFO"));
}

TEST_F(ConfigPathTest, SocketIsAnError) {
  const std::string path = dir_ + "/sock";
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  path.copy(addr.sun_path, path.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  absl::StatusOr<Config> c = LoadConfig(path);
  close(fd);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), Why(path, "it is a socket"));
}

TEST_F(ConfigPathTest, DeviceOtherThanDevNullIsAnError) {
  absl::StatusOr<Config> c = LoadConfig("/dev/zero");  // would never end
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            Why("/dev/zero", "it is a character device"));
}

TEST_F(ConfigPathTest, DevNullIsTheDefaults) {
  absl::StatusOr<Config> c = LoadConfig("/dev/null");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, Config());
}

TEST_F(ConfigPathTest, SymlinkToARegularFileIsFollowed) {
  const std::string target = Write("real.toml", "[runtime]\nworkers = 3\n");
  const std::string link = dir_ + "/link.toml";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  absl::StatusOr<Config> c = LoadConfig(link);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 3);
}

TEST_F(ConfigPathTest, OneMebibyteIsTheLimit) {
  // Comment lines: valid TOML of any length.
  std::string text;
  while (text.size() < kMaxConfigBytes) text += "# padding padding padding\n";
  text.resize(kMaxConfigBytes - 1);
  text += "\n";
  const std::string ok = Write("limit.toml", text);
  absl::StatusOr<Config> c = LoadConfig(ok);
  EXPECT_TRUE(c.ok()) << c.status();
  const std::string big = Write("big.toml", text + "\n");
  c = LoadConfig(big);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), Why(big, "it is 1048577 bytes long"));
}

TEST_F(ConfigPathTest, UnreadableFileIsAnError) {
  const std::string path = Write("secret.toml", "[runtime]\nworkers = 2\n");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  // Root reads any file: check as "nobody", in a child process.
  EXPECT_EXIT(
      {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
          _exit(2);
        }
        absl::StatusOr<Config> c = LoadConfig(path);
        fprintf(stderr, "%s\n", std::string(c.status().message()).c_str());
        _exit(c.ok() ? 0 : 78);
      },
      ::testing::ExitedWithCode(78),
      "cannot read config file .*/secret.toml: Permission denied");
}

}  // namespace
}  // namespace parkd
