// StatsSnapshot: the runtime's counters as the HTTP endpoints see them,
// decoupled from libpark's types (the caller copies park::RuntimeCounters
// field by field), and their two renderings: JSON for /stats and the
// Prometheus text exposition format 0.0.4 for /metrics.
//
// Every WorkerStats field is a monotonic total since start except the
// gauges parked_now and searching_now (per worker 0 or 1; in `total`, the
// number of workers).
// Thread-safety: plain values and pure functions.
#ifndef PARKD_DAEMON_HTTP_STATS_FORMAT_H_
#define PARKD_DAEMON_HTTP_STATS_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parkd::http {

struct WorkerStats {
  uint64_t parks_driver = 0;      // parks that slept in the driver
  uint64_t parks_condvar = 0;     // parks that slept on the condvar
  uint64_t unparks_driver = 0;    // unparks that rang the eventfd
  uint64_t unparks_condvar = 0;   // unparks that notified the condvar
  uint64_t unparks_noop = 0;      // unparks that found nobody parked
  uint64_t spurious_wakeups = 0;  // wakeups that were not for this worker
  uint64_t tasks_run = 0;         // task steps run
  uint64_t steals = 0;            // successful steals from other workers
  uint64_t inject_pulls = 0;      // batches taken from the inject queue
  uint64_t spins = 0;             // pre-park spins
  uint64_t spins_found = 0;       // spins that found work instead of parking
  uint64_t parked_now = 0;        // gauge
  uint64_t searching_now = 0;     // gauge
};

// The pool watchdog's view as of its last check (PoolWatchdog): it runs
// only when systemd asked for a watchdog (WatchdogSec=).
struct WatchdogStats {
  bool satisfied = true;         // no worker stuck past the stall limit
  uint64_t longest_task_ms = 0;  // longest time a worker has been in one task
};

struct StatsSnapshot {
  std::vector<WorkerStats> workers;   // index = worker id
  WorkerStats total;                  // sums over `workers`
  uint64_t driver_turns = 0;          // I/O driver turns (epoll waits)
  uint64_t timers_pending = 0;        // gauge: timers armed, not yet fired
  uint64_t tasks_spawned_remote = 0;  // spawns from outside the pool
  std::optional<WatchdogStats> watchdog;  // none without WatchdogSec=
};

// One line of compact JSON and '\n':
// {"workers":[{"worker":0,"parks_driver":N,...,"searching_now":N},...],
//  "total":{"parks_driver":N,...},"driver_turns":N,"timers_pending":N,
//  "tasks_spawned_remote":N}
// with the WorkerStats fields in declaration order.
std::string StatsJson(const StatsSnapshot& s);

// Prometheus text format 0.0.4, every family with # HELP and # TYPE:
// gauges parkd_workers, parkd_parked_workers, parkd_searching_workers,
// parkd_timers_pending; counters parkd_driver_turns_total,
// parkd_tasks_spawned_remote_total; and per-worker counters
// parkd_<field>_total{worker="<id>"} for each WorkerStats counter; with a
// watchdog, gauges parkd_watchdog_ok (1 or 0) and parkd_longest_task_seconds
// (millisecond resolution), last. Totals
// are not exported as series of their own: Prometheus convention is that
// users sum(), and a total next to its parts would double any sum.
std::string StatsPrometheus(const StatsSnapshot& s);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_STATS_FORMAT_H_
