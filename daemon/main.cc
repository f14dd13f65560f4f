// parkd: a pool of worker threads that park in libpark until there is work,
// and drain on SIGTERM.
//
// Today the workers have no work to run (the runtime and HTTP service
// arrive with later issues): parkd starts them, they park (one in the
// driver, the rest on condvars), and SIGTERM or SIGINT, read from a
// signalfd on the driver, shuts the SharedDriver down, which wakes them all.
// The counters go to stderr at the end.
#include <sched.h>
#include <signal.h>
#include <sysexits.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "daemon/config.h"
#include "park/parker/parker.h"
#include "park/sys/signal_fd.h"

ABSL_FLAG(std::string, config, "/etc/parkd/parkd.toml",
          "Path of the TOML config file.");
ABSL_FLAG(int, workers, -1,
          "Worker threads, overriding [runtime] workers (0 = one per CPU, "
          "up to 1024; -1 = take it from the config).");
ABSL_FLAG(bool, check_config, false,
          "Validate the config, print the effective config and exit.");
ABSL_FLAG(bool, version, false, "Print the version and exit.");

namespace parkd {
namespace {

int CpuCount() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

// Reads SIGTERM/SIGINT off the signalfd during a driver turn and shuts the
// pool down; a second signal is harmless (Shutdown is idempotent).
class SignalHandler : public park::IoHandler {
 public:
  SignalHandler(park::SignalFd fd, park::SharedDriver* shared)
      : fd_(std::move(fd)), shared_(shared) {}
  int fd() const { return fd_.fd(); }
  void OnReady(uint32_t) override {
    while (std::optional<struct signalfd_siginfo> info = fd_.Read()) {
      std::fprintf(stderr, "parkd: received %s, shutting down\n",
                   sigdescr_np(static_cast<int>(info->ssi_signo)));
      shared_->Shutdown();
    }
  }

 private:
  park::SignalFd fd_;
  park::SharedDriver* shared_;
};

int Run(const Config& config) {
  const int workers = config.workers == 0 ? CpuCount() : config.workers;
  // Before any thread exists, so that every thread inherits the mask and
  // the signals arrive only through the signalfd.
  if (absl::Status s = park::BlockSignals({SIGTERM, SIGINT}); !s.ok()) {
    std::fprintf(stderr, "parkd: %s\n", s.ToString().c_str());
    return EX_OSERR;
  }
  absl::StatusOr<std::shared_ptr<park::SharedDriver>> shared =
      park::SharedDriver::Create();
  absl::StatusOr<park::SignalFd> signals =
      park::SignalFd::Create({SIGTERM, SIGINT});
  if (!shared.ok() || !signals.ok()) {
    std::fprintf(stderr, "parkd: %s\n",
                 (!shared.ok() ? shared.status() : signals.status())
                     .ToString()
                     .c_str());
    return EX_OSERR;
  }
  auto handler = std::make_shared<SignalHandler>(*std::move(signals),
                                                 shared->get());
  if (absl::StatusOr<park::IoToken> token = (*shared)->driver().Register(
          handler->fd(), EPOLLIN, handler);
      !token.ok()) {
    std::fprintf(stderr, "parkd: %s\n", token.status().ToString().c_str());
    return EX_OSERR;
  }

  std::vector<std::unique_ptr<park::Parker>> parkers;
  for (int i = 0; i < workers; ++i) {
    parkers.push_back(std::make_unique<park::Parker>(*shared));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&parker = *parkers[i]] {
      while (parker.Park() != park::ParkResult::kShutdown) {
      }
    });
  }
  std::fprintf(stderr, "parkd %s: %d workers parked; SIGTERM or SIGINT stops\n",
               PARKD_VERSION, workers);
  for (std::thread& t : threads) t.join();

  for (int i = 0; i < workers; ++i) {
    const park::ParkerCounters c = parkers[i]->counters();
    std::fprintf(stderr,
                 "parkd: worker %d: parks_driver=%llu parks_condvar=%llu "
                 "unparks_driver=%llu unparks_condvar=%llu unparks_noop=%llu "
                 "spurious_wakeups=%llu\n",
                 i, static_cast<unsigned long long>(c.parks_driver),
                 static_cast<unsigned long long>(c.parks_condvar),
                 static_cast<unsigned long long>(c.unparks_driver),
                 static_cast<unsigned long long>(c.unparks_condvar),
                 static_cast<unsigned long long>(c.unparks_noop),
                 static_cast<unsigned long long>(c.spurious_wakeups));
  }
  std::fprintf(stderr, "parkd: stopped\n");
  return 0;
}

// Abseil flag names use underscores; operators type dashes
// (--check-config). Rewrites the name part of every "--flag[=value]" in place
// of a copy, before anything parses argv.
std::vector<char*> DashesToUnderscores(int argc, char** argv,
                                       std::vector<std::string>* storage) {
  storage->assign(argv, argv + argc);
  std::vector<char*> out;
  for (std::string& arg : *storage) {
    if (arg.rfind("--", 0) == 0 && arg != "--") {
      const size_t end = std::min(arg.find('='), arg.size());
      for (size_t i = 2; i < end; ++i) {
        if (arg[i] == '-') arg[i] = '_';
      }
    }
    out.push_back(arg.data());
  }
  return out;
}

}  // namespace
}  // namespace parkd

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "parkd: a worker pool with idle management, run as a systemd service.\n"
      "Usage: parkd [--config PATH] [--workers N] [--check-config]");
  std::vector<std::string> storage;
  std::vector<char*> args = parkd::DashesToUnderscores(argc, argv, &storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  if (absl::GetFlag(FLAGS_version)) {
    std::printf("parkd %s\n", PARKD_VERSION);
    return 0;
  }
  const std::string path = absl::GetFlag(FLAGS_config);
  absl::StatusOr<parkd::Config> config = parkd::LoadConfig(path);
  if (!config.ok()) {
    std::fprintf(stderr, "parkd: %s\n", std::string(config.status().message()).c_str());
    return EX_CONFIG;
  }
  const int workers_flag = absl::GetFlag(FLAGS_workers);
  if (workers_flag != -1) {
    if (workers_flag < 0 || workers_flag > parkd::kMaxWorkers) {
      std::fprintf(stderr,
                   "parkd: --workers must be from 0 to %d (0 = one per CPU), "
                   "got %d\n",
                   parkd::kMaxWorkers, workers_flag);
      return EX_USAGE;
    }
    config->workers = workers_flag;
  }
  if (absl::GetFlag(FLAGS_check_config)) {
    std::printf("%s", parkd::FormatConfig(*config).c_str());
    return 0;
  }
  return parkd::Run(*config);
}
