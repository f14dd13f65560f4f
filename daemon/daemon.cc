#include "daemon/daemon.h"

#include <sysexits.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/http_server.h"
#include "daemon/listeners.h"
#include "park/runtime/runtime.h"

namespace parkd {
namespace {

using Clock = park::Runtime::Clock;
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

park::ServiceOptions ServiceOptionsFrom(const Config& c) {
  park::ServiceOptions o;
  o.identifier = "parkd";
  o.field_prefix = "PARKD";
  o.runtime.workers = c.workers;
  o.runtime.spin_before_park_us = c.spin_before_park_us;
  o.runtime.worker_slice_us = c.worker_slice_us;
  o.runtime.searcher_wake_delay_us = c.searcher_wake_delay_us;
  o.runtime.idle_spin_us = c.idle_spin_us;
  o.drain_timeout = milliseconds(c.drain_timeout_ms);
  o.stats_interval = std::chrono::seconds(c.stats_interval_s);
  o.watchdog_stall = milliseconds(c.watchdog_stall_ms);
  return o;
}

void StartTestFaults(park::Runtime& rt, const park::Journal& journal) {
  if (std::optional<milliseconds> wedge = TestFault("wedge-worker")) {
    (void)rt.RunAfter(*wedge, [] {
      for (;;) pause();  // this worker never comes back
    });
  }
  if (std::optional<milliseconds> slow = TestFault("slow-task")) {
    (void)rt.Spawn([&journal, slow = *slow] {
      std::this_thread::sleep_for(slow);
      journal.Log(LOG_INFO, absl::StrCat("slow task finished after ",
                                         slow.count(), " ms"));
    });
  }
}

}  // namespace

Daemon::Daemon(std::string config_path, Config config, int workers_override,
               park::Journal journal)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      workers_override_(workers_override),
      journal_(std::move(journal)) {
  if (workers_override_ >= 0) config_.workers = workers_override_;
}

absl::Status Daemon::Reload(park::Service& service, HttpServer& server) {
  absl::StatusOr<Config> fresh = LoadConfig(config_path_);
  if (!fresh.ok()) return fresh.status();
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
  keep_runtime_key("searcher_wake_delay_us", &Config::searcher_wake_delay_us);
  keep_runtime_key("idle_spin_us", &Config::idle_spin_us);
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
    service.journal().Log(
        LOG_WARNING, absl::StrCat("reload: ", absl::StrJoin(kept, ", "),
                                  " cannot change while running; kept until "
                                  "a restart"));
  }
  // The config's ranges are within the service's: these cannot fail.
  const park::ServiceOptions o = ServiceOptionsFrom(*fresh);
  for (absl::Status s : {service.set_drain_timeout(o.drain_timeout),
                         service.set_stats_interval(o.stats_interval),
                         service.set_watchdog_stall(o.watchdog_stall)}) {
    if (!s.ok()) return s;
  }
  config_ = *fresh;
  server.set_work_limits(HttpOptionsFrom(config_).work);
  service.journal().Log(
      LOG_INFO, absl::StrCat("reloaded config from ", config_path_,
                             ": drain_timeout_ms=", config_.drain_timeout_ms,
                             " stats_interval_s=", config_.stats_interval_s,
                             " watchdog_stall_ms=", config_.watchdog_stall_ms));
  return absl::OkStatus();
}

int Daemon::Run() {
  absl::StatusOr<ListenerSet> listeners =
      OpenListeners(config_.listen_tcp, config_.listen_unix);
  if (!listeners.ok()) {
    journal_.Log(LOG_ERR, std::string(listeners.status().message()));
    return EX_OSERR;
  }
  absl::StatusOr<std::unique_ptr<park::Service>> service =
      park::Service::Create(ServiceOptionsFrom(config_));
  if (!service.ok()) {
    journal_.Log(LOG_ERR, std::string(service.status().message()));
    return EX_OSERR;
  }
  park::Service& svc = **service;
  park::Runtime& rt = svc.runtime();
  std::vector<std::string> names;
  for (const Listener& l : listeners->listeners) names.push_back(l.name);
  const bool activated = listeners->from_socket_activation;
  // Its tasks and callbacks must be gone before it is: the service's drain
  // shuts the runtime down before Run returns, and `service` (declared
  // first) outlives it anyway.
  HttpServer server(rt, svc.journal(), HttpOptionsFrom(config_));
  if (absl::Status s = server.Start(*std::move(listeners)); !s.ok()) {
    journal_.Log(LOG_ERR, std::string(s.message()));
    return EX_OSERR;
  }
  server.set_service(&svc);  // the pool watchdog's gauges in /metrics
  StartTestFaults(rt, svc.journal());

  park::ServiceHooks hooks;
  hooks.started_message = absl::StrCat(
      "parkd ", PARKD_VERSION, " started: ", rt.num_workers(), " workers, ",
      names.size(), " listener", names.size() == 1 ? "" : "s",
      activated ? " from socket activation" : " from the config",
      names.empty() ? "" : " (", absl::StrJoin(names, ", "),
      names.empty() ? "" : ")");
  hooks.reload = [&] { return Reload(svc, server); };
  hooks.drain = [&](Clock::time_point deadline) {
    // Listeners close, /healthz turns 503, idle connections close; requests
    // in flight are answered with "Connection: close".
    server.BeginDrain();
    while (server.open_connections() > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(2));
    }
    const size_t unfinished = server.open_connections();
    park::DrainOutcome outcome;
    outcome.abandoned = {absl::StrCat(unfinished, " connections")};
    outcome.complete = unfinished == 0;
    outcome.fields = {
        {"PARKD_ABANDONED_CONNECTIONS", absl::StrCat(unfinished)},
        {"PARKD_HTTP_ACCEPTED", absl::StrCat(server.accepted())}};
    return outcome;
  };
  return svc.Run(std::move(hooks));
}

}  // namespace parkd
