// internal::ParkerCore: the state one Parker shares with its Unparkers and
// with SharedDriver. Not for users: see parker.h for the contract.
//
// Thread-safety: `state` is written by the owner and by any unparker (see the
// table in parker.h); `wake_seq` is bumped by anyone who changes something a
// kParkedCondvar sleeper waits for, and the owner sleeps on it; counters are
// relaxed atomics. Lifetime: shared by the Parker and every Unparker.
#ifndef PARK_PARKER_PARKER_CORE_H_
#define PARK_PARKER_PARKER_CORE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "park/parker/parker.h"
#include "park/parker/shared_driver.h"
#include "park/sys/futex.h"

namespace park::internal {

struct ParkerCore {
  explicit ParkerCore(std::shared_ptr<SharedDriver> shared)
      : shared(std::move(shared)) {}

  // The unpark half of the state machine (parker.h's table, Unpark column).
  void Unpark();

  // Wakes the owner if it sleeps on wake_seq, after the caller changed what
  // it waits for (state, the driver lock, shutdown). The eventcount's
  // signal side: the bump comes after that change (seq_cst), so a sleeper
  // that read wake_seq before the change sees a new value and does not
  // sleep, and one that read it after sees the change.
  void WakeSleeper() {
    wake_seq.fetch_add(1);
    FutexWake(wake_seq, 1);
  }

  static void Bump(std::atomic<uint64_t>& counter) {
    // Relaxed: counters order nothing; snapshots may be slightly stale.
    counter.fetch_add(1, std::memory_order_relaxed);
  }

  // One cache line for both: every unpark writes state, and one that finds
  // kParkedCondvar bumps wake_seq too; every park reads state.
  alignas(64) std::atomic<uint32_t> state{
      static_cast<uint32_t>(ParkState::kEmpty)};
  // The futex word a kParkedCondvar owner sleeps on (an eventcount: the
  // owner reads it, checks what it waits for, and sleeps only if it has
  // not moved since).
  std::atomic<uint32_t> wake_seq{0};
  // Keeps the driver alive for unparkers that outlive the Parker.
  const std::shared_ptr<SharedDriver> shared;

  std::atomic<uint64_t> parks_driver{0}, parks_condvar{0}, unparks_driver{0},
      unparks_condvar{0}, unparks_noop{0}, spurious_wakeups{0};
};

}  // namespace park::internal

#endif  // PARK_PARKER_PARKER_CORE_H_
