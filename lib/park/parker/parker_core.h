// internal::ParkerCore: the state one Parker shares with its Unparkers and
// with SharedDriver::Shutdown. Not for users: see parker.h for the contract.
//
// Thread-safety: `state` is written by the owner and by any unparker (see the
// table in parker.h); `mu` guards the handoff into the condvar wait; counters
// are relaxed atomics. Lifetime: shared by the Parker and every Unparker.
#ifndef PARK_PARKER_PARKER_CORE_H_
#define PARK_PARKER_PARKER_CORE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "park/parker/parker.h"
#include "park/parker/shared_driver.h"
#include "park/sys/mutex.h"

namespace park::internal {

struct ParkerCore {
  explicit ParkerCore(std::shared_ptr<SharedDriver> shared)
      : shared(std::move(shared)) {}

  // The unpark half of the state machine (parker.h's table, Unpark column).
  void Unpark();

  static void Bump(std::atomic<uint64_t>& counter) {
    // Relaxed: counters order nothing; snapshots may be slightly stale.
    counter.fetch_add(1, std::memory_order_relaxed);
  }

  // Its own cache line: every unpark writes it, every park reads it.
  alignas(64) std::atomic<uint32_t> state{
      static_cast<uint32_t>(ParkState::kEmpty)};
  alignas(64) Mutex mu;
  CondVar cv;
  // Keeps the driver alive for unparkers that outlive the Parker.
  const std::shared_ptr<SharedDriver> shared;

  std::atomic<uint64_t> parks_driver{0}, parks_condvar{0}, unparks_driver{0},
      unparks_condvar{0}, unparks_noop{0}, spurious_wakeups{0};
};

}  // namespace park::internal

#endif  // PARK_PARKER_PARKER_CORE_H_
