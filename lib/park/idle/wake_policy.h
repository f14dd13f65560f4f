// WakePolicy: which sleeping worker a producer wakes when new work needs
// one (idle.h has the rules that decide whether one is needed at all).
//
// Public API (installed, through RuntimeOptions): stable within a soname.
#ifndef PARK_IDLE_WAKE_POLICY_H_
#define PARK_IDLE_WAKE_POLICY_H_

namespace park {

enum class WakePolicy {
  // A worker parked on its own futex before the one parked in the driver:
  // the driver holder keeps waiting on I/O and timers (the default).
  kCondvarFirst,
  // The most recently parked worker, wherever it sleeps (warmest caches).
  kMostRecent,
};

}  // namespace park

#endif  // PARK_IDLE_WAKE_POLICY_H_
