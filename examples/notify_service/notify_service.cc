// notify_service: a minimal Type=notify service on libpark-service.
//
// park::Service does the systemd side: READY=1 once the pool runs, STATUS=
// with the pool's counts, WATCHDOG=1 from the pool only while every worker
// makes progress (WatchdogSec= in the unit turns it on), the counters as
// NOTIFYEX_* journal fields (at start, every 10 s, on SIGUSR1, at the end),
// and on SIGTERM (`systemctl stop`): STOPPING=1, the drain hook, a drain of
// the pool, exit status 0 if nothing was abandoned. Run it with
// notify-example.service (this folder); outside systemd it runs the same,
// logging to stderr.
//
// The service's own work here is one job that re-arms itself every 500 ms
// until the drain hook sets `stopping` (else the drain would wait for it
// to its deadline).
//
// Uses only libpark's installed headers; examples/README.md shows how to
// build it.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "park/service/service.h"

int main() {
  park::ServiceOptions options;
  options.identifier = "notify-example";  // SYSLOG_IDENTIFIER
  options.field_prefix = "NOTIFYEX";      // NOTIFYEX_PARKED, ...
  options.runtime.workers = 2;
  options.stats_interval = std::chrono::seconds(10);
  auto service = park::Service::Create(options);  // before any other thread
  if (!service.ok()) {
    std::fprintf(stderr, "notify-example: %s\n",
                 service.status().ToString().c_str());
    return 1;
  }
  park::Runtime& rt = (*service)->runtime();

  // The service's own work.
  std::atomic<bool> stopping{false};
  std::atomic<int> beats{0};
  std::function<void()> beat = [&] {
    if (stopping.load()) return;
    beats.fetch_add(1);
    (void)rt.RunAfter(std::chrono::milliseconds(500), beat);
  };
  (void)rt.Spawn(beat);

  park::ServiceHooks hooks;
  hooks.drain = [&](park::Runtime::Clock::time_point /*deadline*/) {
    stopping.store(true);
    park::DrainOutcome outcome;
    outcome.fields = {{"NOTIFYEX_BEATS", std::to_string(beats.load())}};
    return outcome;
  };
  return (*service)->Run(std::move(hooks));
}
