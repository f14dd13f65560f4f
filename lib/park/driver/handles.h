// Handles the driver gives out: IoToken names an fd registration, TimerId a
// pending timer. Plain values: copy them freely; a handle whose registration
// or timer is gone is simply not live any more (operations on it report
// that, they never touch something else).
//
// Public API (installed): stable within a soname (docs/api-stability.md).
#ifndef PARK_DRIVER_HANDLES_H_
#define PARK_DRIVER_HANDLES_H_

#include <chrono>
#include <cstdint>
#include <utility>

namespace park {

// Names one fd registration. Tokens are never 0 or 1 (the driver's own fds).
struct IoToken {
  uint64_t value = 0;
};

// Names one pending timer; valid until the timer fires or is cancelled.
struct TimerId {
  std::chrono::steady_clock::time_point deadline;
  uint64_t seq = 0;
  friend bool operator<(const TimerId& a, const TimerId& b) {
    return std::pair(a.deadline, a.seq) < std::pair(b.deadline, b.seq);
  }
};

}  // namespace park

#endif  // PARK_DRIVER_HANDLES_H_
