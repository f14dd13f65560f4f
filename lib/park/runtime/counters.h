// Counter snapshots of a running Runtime (docs/runtime.md, "Counters").
//
// Every field is a monotonic total since start except the gauges
// (parked_now, searching_now). A snapshot is read without stopping the pool:
// each field is exact, the set of fields is not one instant.
//
// Public API (installed): stable within a soname (docs/api-stability.md).
#ifndef PARK_RUNTIME_COUNTERS_H_
#define PARK_RUNTIME_COUNTERS_H_

#include <cstdint>
#include <vector>

#include "park/driver/driver_counters.h"
#include "park/export.h"

namespace park {

struct PARK_EXPORT WorkerCounters {
  uint64_t parks_driver = 0;      // parks that slept in the driver
  uint64_t parks_condvar = 0;     // parks that slept on the condvar
  uint64_t unparks_driver = 0;    // unparks that rang the eventfd
  uint64_t unparks_condvar = 0;   // unparks that notified the condvar
  uint64_t unparks_noop = 0;      // unparks that found nobody parked
  uint64_t spurious_wakeups = 0;  // wakeups that were not for this worker
  uint64_t tasks_run = 0;         // task steps run (a yield counts again)
  uint64_t steals = 0;            // successful steals from other workers
  uint64_t inject_pulls = 0;      // batches taken from the inject queue
  uint64_t spins = 0;             // pre-park spins (RuntimeOptions, worker.cc)
  uint64_t spins_found = 0;       // spins that found work instead of parking
  uint32_t parked_now = 0;        // gauge: 1 if parked (in the sleepers set)
  uint32_t searching_now = 0;     // gauge: 1 if searching for work

  // Adds `w` into this one (for totals).
  void Add(const WorkerCounters& w);
};

struct RuntimeCounters {
  std::vector<WorkerCounters> workers;
  WorkerCounters total;  // sums; parked_now/searching_now count workers
  DriverCounters driver;
  uint64_t tasks_spawned_remote = 0;  // spawns from outside the pool
  uint64_t timers_pending = 0;        // gauge
};

}  // namespace park

#endif  // PARK_RUNTIME_COUNTERS_H_
