// The service layer (service.h) without systemd: its option checks, its
// journal field names, and a whole life cycle against a real notify socket
// (the datagrams systemd would read) with a real SIGTERM through the
// signalfd. The same life cycle under the real systemd and journald is
// tested with parkd (tests/integration) and with examples/notify_service.
#include "park/service/service.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace park {
namespace {

ServiceOptions Valid() {
  ServiceOptions o;
  o.identifier = "svc-test";
  o.field_prefix = "SVCTEST";
  o.runtime.workers = 2;
  return o;
}

TEST(ServiceTest, InvalidOptionsSayWhatIsAllowed) {
  struct Case {
    void (*spoil)(ServiceOptions&);
    const char* message;
  };
  const Case cases[] = {
      {[](ServiceOptions& o) { o.identifier = ""; },
       "ServiceOptions.identifier must be 1 to 64 printable characters "
       "without spaces or '=', got \"\""},
      {[](ServiceOptions& o) { o.field_prefix = "my-daemon"; },
       "ServiceOptions.field_prefix: journal field prefix must be 1 to 32 of "
       "A-Z, 0-9 and _, starting with a letter, got \"my-daemon\""},
      {[](ServiceOptions& o) { o.drain_timeout = std::chrono::milliseconds(0); },
       "ServiceOptions.drain_timeout must be from 1 to 3600000 ms, got 0"},
      {[](ServiceOptions& o) { o.runtime.workers = -1; },
       "RuntimeOptions.workers must be from 0 to 1024, got -1"},
  };
  for (const Case& c : cases) {
    ServiceOptions o = Valid();
    c.spoil(o);
    absl::StatusOr<std::unique_ptr<Service>> s = Service::Create(o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().message(), c.message);
  }
}

TEST(ServiceTest, CounterFieldsCarryThePrefix) {
  CounterFields f = CounterFields::Create("ECHOD").value();
  RuntimeCounters c;
  c.workers.resize(2);
  c.workers[1].unparks_condvar = 3;
  c.total.unparks_condvar = 3;
  Fields total = f.Total(c);
  EXPECT_EQ(total.front(), (std::pair<std::string, std::string>("ECHOD_WORKERS", "2")));
  bool notified = false;
  for (const auto& [k, v] : total) notified |= k == "ECHOD_NOTIFIED" && v == "3";
  EXPECT_TRUE(notified);
  EXPECT_EQ(f.Worker(c, 1).front().first, "ECHOD_WORKER");
  EXPECT_EQ(StatusLine(c), "2 workers: 0 parked, 2 running; 3 notified");
}

// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  NotifySocket() {
    path_ = "/tmp/park-notify-" + std::to_string(getpid());
    unlink(path_.c_str());
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    path_.copy(a.sun_path, sizeof a.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    timeval tv{10, 0};  // a broken service fails the test, never hangs it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // The next datagram, or "" after 10 s.
  std::string Receive() {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

 private:
  std::string path_;
  int fd_;
};

TEST(ServiceTest, ReadyThenSigtermDrainsAndRunReturnsZero) {
  NotifySocket notify;
  // No thread exists yet in this process (the tests above joined theirs):
  // the one moment the environment may be written.
  setenv("NOTIFY_SOCKET", notify.path().c_str(), 1);
  std::unique_ptr<Service> service = Service::Create(Valid()).value();
  std::atomic<int> ran{0};
  std::vector<std::string> seen;
  std::thread systemd([&] {
    // As systemd would: wait for READY=1, then stop the service.
    for (std::string m; !(m = notify.Receive()).empty();) {
      seen.push_back(m);
      if (absl::StartsWith(m, "READY=1")) {
        ASSERT_TRUE(service->runtime().Spawn([&] { ran.fetch_add(1); }).ok());
        kill(getpid(), SIGTERM);
      }
      if (absl::StartsWith(m, "STOPPING=1")) break;
    }
  });
  bool drain_hook_ran = false;
  ServiceHooks hooks;
  hooks.drain = [&](Runtime::Clock::time_point) {
    drain_hook_ran = true;
    return DrainOutcome{};
  };
  EXPECT_EQ(service->Run(std::move(hooks)), 0);
  systemd.join();
  unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(drain_hook_ran);
  EXPECT_EQ(ran.load(), 1);
  ASSERT_GE(seen.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(seen.front(), "READY=1\nSTATUS=2 workers: "))
      << seen.front();
  EXPECT_TRUE(absl::StartsWith(seen.back(), "STOPPING=1")) << seen.back();
}

TEST(ServiceTest, AnIncompleteOwnDrainMakesTheStopAFailure) {
  std::unique_ptr<Service> service = Service::Create(Valid()).value();
  ServiceHooks hooks;
  hooks.drain = [](Runtime::Clock::time_point) {
    DrainOutcome o;
    o.abandoned = {"1 connection"};
    o.complete = false;
    return o;
  };
  std::thread stopper([] { kill(getpid(), SIGTERM); });
  EXPECT_EQ(service->Run(std::move(hooks)), 1);
  stopper.join();
}

}  // namespace
}  // namespace park
