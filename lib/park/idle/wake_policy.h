// WakePolicy: which sleeping worker a producer wakes when new work needs
// one (idle.h has the rules that decide whether one is needed at all).
//
// Public API (installed, through RuntimeOptions): stable within a soname.
#ifndef PARK_IDLE_WAKE_POLICY_H_
#define PARK_IDLE_WAKE_POLICY_H_

namespace park {

enum class WakePolicy {
  // A worker parked on its own futex before the one parked in the driver:
  // the driver holder keeps waiting on I/O and timers.
  kCondvarFirst,
  // The most recently parked worker, wherever it sleeps (warmest caches).
  kMostRecent,
  // As kCondvarFirst, except that a thread outside the pool wakes a
  // condvar sleeper that parked on the CPU it runs on, if there is one
  // (the most recently parked of them). A woken thread tends to run on its
  // previous CPU when that CPU is idle; this keeps the wakeup on the CPU
  // of a thread that is about to wait for the result, instead of on an
  // idle one (on a VM, a halted vCPU the host must run again: 20-50 us).
  // Workers waking workers keep kCondvarFirst's pick: they keep running,
  // and the work they share wants the other CPU. (The default.)
  kSameCpuFirst,
};

}  // namespace park

#endif  // PARK_IDLE_WAKE_POLICY_H_
