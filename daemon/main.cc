// parkd: a libpark Runtime whose workers park until there is work, and
// drain on SIGTERM.
//
// Today nothing feeds the pool work (the HTTP service arrives with a later
// issue): parkd starts the workers, they park (one in the driver, the rest
// on condvars); SIGTERM or SIGINT, read from a signalfd on the driver by a
// task, makes the main thread drain the runtime, which wakes every worker.
// The counters go to stderr at the end.
#include <sched.h>
#include <signal.h>
#include <sysexits.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "daemon/config.h"
#include "park/runtime/runtime.h"
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

// Reads SIGTERM/SIGINT off the signalfd (as a task on the pool, through
// the driver) and asks the main thread to drain. Thread-safe.
class StopRequest {
 public:
  void Request(int signo) {
    std::lock_guard<std::mutex> lock(mu_);
    if (signo_ == 0) signo_ = signo;
    cv_.notify_all();
  }
  // Blocks until a stop is requested; returns the signal.
  int Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return signo_ != 0; });
    return signo_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int signo_ = 0;
};

void PrintCounters(const park::RuntimeCounters& c) {
  for (size_t i = 0; i < c.workers.size(); ++i) {
    const park::WorkerCounters& w = c.workers[i];
    std::fprintf(stderr,
                 "parkd: worker %zu: parks_driver=%llu parks_condvar=%llu "
                 "unparks_driver=%llu unparks_condvar=%llu unparks_noop=%llu "
                 "spurious_wakeups=%llu tasks_run=%llu steals=%llu\n",
                 i, static_cast<unsigned long long>(w.parks_driver),
                 static_cast<unsigned long long>(w.parks_condvar),
                 static_cast<unsigned long long>(w.unparks_driver),
                 static_cast<unsigned long long>(w.unparks_condvar),
                 static_cast<unsigned long long>(w.unparks_noop),
                 static_cast<unsigned long long>(w.spurious_wakeups),
                 static_cast<unsigned long long>(w.tasks_run),
                 static_cast<unsigned long long>(w.steals));
  }
}

int Run(const Config& config) {
  // Before any thread exists, so that every thread inherits the mask and
  // the signals arrive only through the signalfd.
  if (absl::Status s = park::BlockSignals({SIGTERM, SIGINT}); !s.ok()) {
    std::fprintf(stderr, "parkd: %s\n", s.ToString().c_str());
    return EX_OSERR;
  }
  absl::StatusOr<park::SignalFd> signals =
      park::SignalFd::Create({SIGTERM, SIGINT});
  if (!signals.ok()) {
    std::fprintf(stderr, "parkd: %s\n", signals.status().ToString().c_str());
    return EX_OSERR;
  }
  park::RuntimeOptions options;
  options.workers = config.workers;
  absl::StatusOr<std::unique_ptr<park::Runtime>> rt =
      park::Runtime::Create(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "parkd: %s\n", rt.status().ToString().c_str());
    return EX_OSERR;
  }
  StopRequest stop;
  park::SignalFd& sigfd = *signals;
  absl::StatusOr<park::IoToken> token =
      (*rt)->RegisterIo(sigfd.fd(), EPOLLIN, [&](uint32_t) {
        while (std::optional<struct signalfd_siginfo> info = sigfd.Read()) {
          stop.Request(static_cast<int>(info->ssi_signo));
        }
      });
  if (!token.ok()) {
    std::fprintf(stderr, "parkd: %s\n", token.status().ToString().c_str());
    return EX_OSERR;
  }
  std::fprintf(stderr,
               "parkd %s: %d workers parked; SIGTERM or SIGINT stops\n",
               PARKD_VERSION, (*rt)->num_workers());
  const int signo = stop.Wait();
  std::fprintf(stderr, "parkd: received %s, draining\n", sigdescr_np(signo));
  (void)(*rt)->DeregisterIo(*token);
  const park::DrainReport report =
      (*rt)->Drain(park::Runtime::Clock::now() + std::chrono::seconds(10));
  PrintCounters((*rt)->counters());
  if (!report.completed) {
    std::fprintf(stderr,
                 "parkd: drain deadline passed: %llu tasks and %llu timers "
                 "abandoned\n",
                 static_cast<unsigned long long>(report.shutdown.tasks_abandoned),
                 static_cast<unsigned long long>(
                     report.shutdown.timers_abandoned));
    return 1;
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
