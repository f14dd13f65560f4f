// DriverCounters: what the shared driver (epoll + eventfd + timerfd) has
// done since it was created, as part of a Runtime's counters.
//
// Public API (installed): fields may be added at the end within a soname,
// never removed or reordered (docs/api-stability.md).
#ifndef PARK_DRIVER_DRIVER_COUNTERS_H_
#define PARK_DRIVER_DRIVER_COUNTERS_H_

#include <cstdint>

namespace park {

// Monotonic totals since the driver was created; read as one snapshot.
struct DriverCounters {
  uint64_t turns = 0;            // Park() calls
  uint64_t waker_writes = 0;     // Unpark() calls that wrote the eventfd
  uint64_t waker_coalesced = 0;  // Unpark() calls that found a wake pending
  uint64_t timers_fired = 0;     // timer callbacks run
  uint64_t io_events = 0;        // handler calls for ready fds
};

}  // namespace park

#endif  // PARK_DRIVER_DRIVER_COUNTERS_H_
