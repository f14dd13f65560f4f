// SharedDriver: the one Driver that all Parkers of a pool share, behind a
// try-lock, together with the pool-wide shutdown.
//
// Abstract state: {holder: none or one Parker, shut_down: bool, parkers: the
// set of live Parkers}. At most one thread at a time holds the driver (and so
// may run a driver turn); the others park on their own condvars. Shutdown is
// one-way: once shut_down is set, every parked thread is woken and every
// later Park returns kShutdown at once.
//
// Thread-safety: thread-safe. Lifetime: shared (std::shared_ptr) by every
// Parker and Unparker made on it, so it outlives all of them.
#ifndef PARK_PARKER_SHARED_DRIVER_H_
#define PARK_PARKER_SHARED_DRIVER_H_

#include <atomic>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "park/driver/driver.h"
#include "park/sys/mutex.h"

namespace park {
namespace internal {
struct ParkerCore;
}  // namespace internal

class SharedDriver {
 public:
  // Creates the Driver (errors as Driver::Create).
  static absl::StatusOr<std::shared_ptr<SharedDriver>> Create();
  explicit SharedDriver(std::unique_ptr<Driver> driver);

  SharedDriver(const SharedDriver&) = delete;
  SharedDriver& operator=(const SharedDriver&) = delete;

  // For timers, I/O registration and counters. Never call driver().Park()
  // directly while Parkers use this SharedDriver: Parkers hold the try-lock.
  Driver& driver() { return *driver_; }

  // Sets shut_down, then unparks every live Parker (condvar waiters and the
  // driver holder alike) and rings the driver. Non-blocking apart from
  // parkers_mu_, idempotent (a second call does nothing), any thread.
  void Shutdown() ABSL_LOCKS_EXCLUDED(parkers_mu_);
  bool is_shut_down() const { return shut_down_.load(); }

  // The try-lock on the driver. Acquire, paired with the release (seq_cst)
  // store in ReleaseDriver: a holder sees everything the
  // previous holder did during its turn. Used by Parker; exposed for tests
  // and benchmarks that need to hold the driver on purpose.
  // seq_cst: see Parker::ParkOnCondvar.
  bool driver_locked() const { return driver_locked_.load(); }

  bool TryLockDriver() {
    // Relaxed pre-check keeps a contended lock from bouncing its cache line;
    // the acquire CAS pairs with ReleaseDriver's store.
    if (driver_locked_.load(std::memory_order_relaxed)) return false;
    bool expected = false;
    return driver_locked_.compare_exchange_strong(
        expected, true, std::memory_order_acquire, std::memory_order_relaxed);
  }

  // Gives the driver up, and if Parkers sleep on their condvars signals one
  // of them to take it over (parker.h, "Driver hand-off"). The store is
  // seq_cst, ordered before the read of the sleeper count (pairs with
  // Parker::ParkOnCondvar).
  void ReleaseDriver() ABSL_LOCKS_EXCLUDED(parkers_mu_);

  // ReleaseDriver's second half: if Parkers sleep on their condvars,
  // signal one to take the (free) driver. Also called by a condvar sleeper
  // that leaves without the driver while it is free: a hand-off may have
  // been spent on it (it was being unparked anyway), and another sleeper
  // must get it (found by the spin model with three parkers).
  void HandOffIfIdle() ABSL_LOCKS_EXCLUDED(parkers_mu_);

  // Hand-offs taken: condvar sleepers that moved into the driver.
  uint64_t handoffs() const { return handoffs_.load(std::memory_order_relaxed); }

 private:
  friend class Parker;
  void CountHandoff() { handoffs_.fetch_add(1, std::memory_order_relaxed); }
  void Attach(internal::ParkerCore* core) ABSL_LOCKS_EXCLUDED(parkers_mu_);
  void Detach(internal::ParkerCore* core) ABSL_LOCKS_EXCLUDED(parkers_mu_);

  std::unique_ptr<Driver> driver_;
  alignas(64) std::atomic<bool> driver_locked_{false};
  alignas(64) std::atomic<bool> shut_down_{false};
  // Parkers between publishing kParkedCondvar and leaving their wait.
  alignas(64) std::atomic<int> condvar_sleepers_{0};
  std::atomic<uint64_t> handoffs_{0};
  Mutex parkers_mu_;
  // Not owned: a Parker attaches its core on construction and detaches it on
  // destruction, so every pointer here is alive.
  std::vector<internal::ParkerCore*> parkers_ ABSL_GUARDED_BY(parkers_mu_);
};

}  // namespace park

#endif  // PARK_PARKER_SHARED_DRIVER_H_
