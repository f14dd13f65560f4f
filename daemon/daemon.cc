#include "daemon/daemon.h"

#include <signal.h>
#include <sysexits.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/counter_report.h"
#include "daemon/http_server.h"
#include "daemon/listeners.h"
#include "daemon/pool_watchdog.h"
#include "park/runtime/runtime.h"
#include "park/sys/signal_fd.h"

namespace parkd {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Test-only faults, from PARKD_TEST_FAULT (for the process and systemd
// integration tests; never set in production):
//   wedge-worker:<ms>  after <ms>, one worker gets stuck in a task forever
//   slow-task:<ms>     a task that works for <ms> starts right away
std::optional<milliseconds> TestFault(const char* kind) {
  const char* v = std::getenv("PARKD_TEST_FAULT");
  if (v == nullptr) return std::nullopt;
  int ms = 0;
  if (std::sscanf(v, (std::string(kind) + ":%d").c_str(), &ms) != 1 ||
      ms < 0) {
    return std::nullopt;
  }
  return milliseconds(ms);
}

// A cheap fingerprint of "did anything happen": the stats line is skipped
// when it has not changed.
uint64_t Activity(const park::RuntimeCounters& c) {
  return c.total.tasks_run + c.total.parks_driver + c.total.parks_condvar +
         c.total.unparks_noop + c.total.spurious_wakeups;
}

HttpServerOptions HttpOptionsFrom(const Config& c) {
  HttpServerOptions o;
  o.max_connections = static_cast<size_t>(c.max_connections);
  o.limits.max_header_bytes = static_cast<size_t>(c.max_header_bytes);
  o.limits.request_timeout = milliseconds(c.request_timeout_ms);
  o.limits.idle_timeout = milliseconds(c.idle_timeout_ms);
  o.work.max_cpu_us = static_cast<uint64_t>(c.work_max_cpu_us);
  o.work.max_sleep_ms = static_cast<uint64_t>(c.work_max_sleep_ms);
  return o;
}

}  // namespace

Daemon::Daemon(std::string config_path, Config config, int workers_override,
               Notifier notifier, Journal journal)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      workers_override_(workers_override),
      notifier_(notifier),
      journal_(journal) {
  if (workers_override_ >= 0) config_.workers = workers_override_;
}

void Daemon::Post(Event e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (e == Event::kStop) {
      if (stop_requested_) {
        // The second SIGTERM: the operator does not want to wait.
        journal_.Log(LOG_WARNING,
                     "second stop signal during the drain: exiting now");
        std::_Exit(1);
      }
      stop_requested_ = true;
    }
    events_.push_back(e);
  }
  cv_.notify_all();
}

std::optional<Daemon::Event> Daemon::WaitEvent(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_until(lock, deadline, [&] { return !events_.empty(); })) {
    return std::nullopt;
  }
  Event e = events_.front();
  events_.pop_front();
  return e;
}

void Daemon::Reload() {
  notifier_.Reloading();
  absl::StatusOr<Config> fresh = LoadConfig(config_path_);
  if (!fresh.ok()) {
    journal_.Log(LOG_ERR, absl::StrCat("reload failed, keeping the running "
                                       "config: ",
                                       fresh.status().message()));
    return;
  }
  if (workers_override_ >= 0) fresh->workers = workers_override_;
  std::vector<std::string> kept;
  // [runtime] keys are read once, when the pool starts.
  auto keep_runtime_key = [&](const char* key, int Config::*field) {
    if ((*fresh).*field == config_.*field) return;
    kept.push_back(absl::StrCat("runtime.", key, " (", config_.*field, " -> ",
                                (*fresh).*field, ")"));
    (*fresh).*field = config_.*field;
  };
  keep_runtime_key("workers", &Config::workers);
  keep_runtime_key("spin_before_park_us", &Config::spin_before_park_us);
  keep_runtime_key("worker_slice_us", &Config::worker_slice_us);
  if (fresh->listen_tcp != config_.listen_tcp ||
      fresh->listen_unix != config_.listen_unix) {
    kept.push_back("[listen]");
    fresh->listen_tcp = config_.listen_tcp;
    fresh->listen_unix = config_.listen_unix;
  }
  if (fresh->max_connections != config_.max_connections ||
      fresh->max_header_bytes != config_.max_header_bytes ||
      fresh->request_timeout_ms != config_.request_timeout_ms ||
      fresh->idle_timeout_ms != config_.idle_timeout_ms) {
    kept.push_back("[http] limits other than work_max_*");
    fresh->max_connections = config_.max_connections;
    fresh->max_header_bytes = config_.max_header_bytes;
    fresh->request_timeout_ms = config_.request_timeout_ms;
    fresh->idle_timeout_ms = config_.idle_timeout_ms;
  }
  if (!kept.empty()) {
    journal_.Log(LOG_WARNING,
                 absl::StrCat("reload: ", absl::StrJoin(kept, ", "),
                              " cannot change while running; kept until a "
                              "restart"));
  }
  config_ = *fresh;
  journal_.Log(LOG_INFO,
               absl::StrCat("reloaded config from ", config_path_,
                            ": drain_timeout_ms=", config_.drain_timeout_ms,
                            " stats_interval_s=", config_.stats_interval_s,
                            " watchdog_stall_ms=", config_.watchdog_stall_ms));
}

int Daemon::Run() {
  // Before any thread exists: every thread inherits the mask, and these
  // signals arrive only through the signalfd.
  const std::initializer_list<int> kSignals = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
  if (absl::Status s = park::BlockSignals(kSignals); !s.ok()) {
    journal_.Log(LOG_ERR, std::string(s.message()));
    return EX_OSERR;
  }
  absl::StatusOr<park::SignalFd> signals = park::SignalFd::Create(kSignals);
  absl::StatusOr<ListenerSet> listeners =
      OpenListeners(config_.listen_tcp, config_.listen_unix);
  if (!signals.ok() || !listeners.ok()) {
    journal_.Log(LOG_ERR, std::string((!signals.ok() ? signals.status()
                                                     : listeners.status())
                                          .message()));
    return EX_OSERR;
  }
  park::RuntimeOptions options;
  options.workers = config_.workers;
  options.spin_before_park_us = config_.spin_before_park_us;
  options.worker_slice_us = config_.worker_slice_us;
  absl::StatusOr<std::unique_ptr<park::Runtime>> created =
      park::Runtime::Create(options);
  if (!created.ok()) {
    journal_.Log(LOG_ERR, std::string(created.status().message()));
    return EX_OSERR;
  }
  park::Runtime& rt = **created;
  if (!rt.worker_slice_status().ok()) {
    // Not fatal: the pool works with the default slice, only its wake-up
    // latency is not what runtime.worker_slice_us asked for.
    journal_.Log(LOG_WARNING,
                 absl::StrCat("runtime.worker_slice_us = ",
                              config_.worker_slice_us,
                              " not applied, workers use the kernel's default "
                              "slice: ",
                              rt.worker_slice_status().message()));
  }

  park::SignalFd& sigfd = *signals;
  absl::StatusOr<park::IoToken> signal_token =
      rt.RegisterIo(sigfd.fd(), EPOLLIN, [&](uint32_t) {
        while (std::optional<struct signalfd_siginfo> info = sigfd.Read()) {
          switch (info->ssi_signo) {
            case SIGTERM:
            case SIGINT: Post(Event::kStop); break;
            case SIGHUP: Post(Event::kReload); break;
            case SIGUSR1: Post(Event::kStats); break;
          }
        }
      });
  if (!signal_token.ok()) {
    journal_.Log(LOG_ERR, std::string(signal_token.status().message()));
    return EX_OSERR;
  }
  std::vector<std::string> names;
  for (const Listener& l : listeners->listeners) names.push_back(l.name);
  const bool activated = listeners->from_socket_activation;
  // Declared after the runtime, so destroyed before it: its tasks and
  // callbacks are gone once the runtime has shut down (Drain below).
  HttpServer server(rt, journal_, HttpOptionsFrom(config_));
  if (absl::Status s = server.Start(*std::move(listeners)); !s.ok()) {
    journal_.Log(LOG_ERR, std::string(s.message()));
    return EX_OSERR;
  }
  std::optional<PoolWatchdog> watchdog;
  if (notifier_.watchdog_timeout()) {
    watchdog.emplace(rt, notifier_, journal_, *notifier_.watchdog_timeout() / 2,
                     milliseconds(config_.watchdog_stall_ms));
    if (absl::Status s = watchdog->Start(); !s.ok()) {
      journal_.Log(LOG_ERR, std::string(s.message()));
      return EX_OSERR;
    }
    server.set_watchdog(&*watchdog);  // its gauges in /metrics
  }
  if (std::optional<milliseconds> wedge = TestFault("wedge-worker")) {
    (void)rt.RunAfter(*wedge, [] {
      for (;;) pause();  // this worker never comes back
    });
  }
  if (std::optional<milliseconds> slow = TestFault("slow-task")) {
    (void)rt.Spawn([this, slow = *slow] {
      std::this_thread::sleep_for(slow);
      journal_.Log(LOG_INFO, absl::StrCat("slow task finished after ",
                                          slow.count(), " ms"));
    });
  }

  park::RuntimeCounters counters = rt.counters();
  journal_.Log(
      LOG_INFO,
      absl::StrCat("parkd ", PARKD_VERSION, " started: ", rt.num_workers(),
                   " workers, ", names.size(), " listener",
                   names.size() == 1 ? "" : "s",
                   activated ? " from socket activation" : " from the config",
                   names.empty() ? "" : " (", absl::StrJoin(names, ", "),
                   names.empty() ? "" : ")"),
      TotalFields(counters));
  std::string status = StatusLine(counters);
  notifier_.Ready(status);

  uint64_t logged_activity = Activity(counters);
  Clock::time_point next_stats =
      Clock::now() + std::chrono::seconds(config_.stats_interval_s);
  for (;;) {
    // STATUS= is refreshed every second (when it changed).
    const Clock::time_point wake =
        std::min(Clock::now() + std::chrono::seconds(1),
                 config_.stats_interval_s > 0 ? next_stats
                                              : Clock::time_point::max());
    const std::optional<Event> event = WaitEvent(wake);
    counters = rt.counters();
    if (std::string s = StatusLine(counters); s != status) {
      status = s;
      notifier_.Status(status);
    }
    if (!event) {
      if (config_.stats_interval_s > 0 && Clock::now() >= next_stats) {
        next_stats = Clock::now() + std::chrono::seconds(config_.stats_interval_s);
        if (Activity(counters) != logged_activity) {
          logged_activity = Activity(counters);
          journal_.Log(LOG_INFO, "counters: " + status, TotalFields(counters));
        }
      }
      continue;
    }
    if (*event == Event::kStats) {
      journal_.Log(LOG_INFO, "counters: " + status, TotalFields(counters));
      for (size_t i = 0; i < counters.workers.size(); ++i) {
        journal_.Log(LOG_INFO, absl::StrCat("counters of worker ", i),
                     WorkerFields(counters, i));
      }
      continue;
    }
    if (*event == Event::kReload) {
      Reload();
      server.set_work_limits(HttpOptionsFrom(config_).work);
      if (watchdog) watchdog->set_stall(milliseconds(config_.watchdog_stall_ms));
      next_stats = Clock::now() + std::chrono::seconds(config_.stats_interval_s);
      notifier_.Ready(status);
      continue;
    }
    break;  // kStop
  }

  // Drain: stop intake (listeners first), finish what is in flight.
  notifier_.Stopping("draining");
  journal_.Log(LOG_INFO, absl::StrCat("stop requested: draining (deadline ",
                                      config_.drain_timeout_ms, " ms)"));
  const Clock::time_point started = Clock::now();
  const Clock::time_point deadline =
      started + milliseconds(config_.drain_timeout_ms);
  // Listeners close, /healthz turns 503, idle connections close; requests
  // in flight are answered with "Connection: close".
  server.BeginDrain();
  while (server.open_connections() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  const size_t unfinished_connections = server.open_connections();
  if (watchdog) watchdog->Stop();
  uint64_t last_live = UINT64_MAX;
  auto last_extend = Clock::time_point{};
  const park::DrainReport report = rt.Drain(deadline, [&](uint64_t live) {
        // Tell systemd the drain moves, at most once a second, and only
        // while it does (a drain that stopped moving gets no extension).
        if (live < last_live && Clock::now() - last_extend >= std::chrono::seconds(1)) {
          notifier_.ExtendTimeout(std::chrono::seconds(5));
          last_extend = Clock::now();
        }
        last_live = live;
      });
  counters = rt.counters();
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  Fields fields = TotalFields(counters);
  fields.emplace_back("PARKD_DRAIN_MS", absl::StrCat(took.count()));
  fields.emplace_back("PARKD_ABANDONED_TASKS",
                      absl::StrCat(report.shutdown.tasks_abandoned));
  fields.emplace_back("PARKD_ABANDONED_TIMERS",
                      absl::StrCat(report.shutdown.timers_abandoned));
  fields.emplace_back("PARKD_ABANDONED_CONNECTIONS",
                      absl::StrCat(unfinished_connections));
  fields.emplace_back("PARKD_HTTP_ACCEPTED", absl::StrCat(server.accepted()));
  if (!report.completed || unfinished_connections > 0) {
    journal_.Log(LOG_ERR,
                 absl::StrCat("drain deadline passed after ", took.count(),
                              " ms: ", report.shutdown.tasks_abandoned,
                              " tasks, ", report.shutdown.timers_abandoned,
                              " timers and ", unfinished_connections,
                              " connections abandoned; final ",
                              StatusLine(counters)),
                 fields);
    return 1;
  }
  journal_.Log(LOG_INFO,
               absl::StrCat("drained in ", took.count(), " ms; final ",
                            StatusLine(counters)),
               fields);
  return 0;
}

}  // namespace parkd
