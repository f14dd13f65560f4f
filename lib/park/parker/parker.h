// Parker / Unparker: how one worker thread sleeps when it has nothing to do,
// and how any other thread wakes it.
//
// Every worker owns one Parker; all Parkers of a pool share one SharedDriver.
// A parking thread that wins the driver's try-lock sleeps in the driver
// (epoll_wait), so it also serves I/O and timers; the others sleep on their
// own futex word (the "condvar path": the job of a mutex + condvar, built
// as an eventcount on one word; see below). An Unparker is the cheap,
// copyable handle other threads use to wake that worker.
//
// Abstract state: the state word below, one per Parker.
//
//   kEmpty          not parked, nothing pending
//   kParkedCondvar  the owner sleeps (or is about to) on its futex word,
//                   wake_seq; before each sleep it reads wake_seq, then
//                   checks for kNotified, shutdown and a free driver, and
//                   sleeps only while wake_seq still holds what it read
//   kParkedDriver   the owner holds the driver and sleeps (or is about to) in
//                   a driver turn
//   kNotified       an unpark is pending: the next park consumes it and
//                   returns at once (unpark-before-park is never lost)
//
// State x operation (owner = the Parker's thread; "any" = any thread):
//
//   state \ op      | Park (owner)                  | Unpark (any)
//   ----------------+-------------------------------+------------------------
//   kEmpty          | driver free: -> kParkedDriver,| -> kNotified; nothing
//                   |   turn; driver busy:          |   else (counted noop)
//                   |   -> kParkedCondvar, wait     |
//   kNotified       | -> kEmpty, return kNotified   | stays kNotified (noop)
//                   |   without blocking            |
//   kParkedCondvar  | (owner is inside Park)        | -> kNotified; bump
//                   |                               |   wake_seq, then futex-
//                   |                               |   wake the owner
//   kParkedDriver   | (owner is inside Park)        | -> kNotified; ring the
//                   |                               |   driver's eventfd
//
//   kParkedCondvar -> kParkedDriver (owner): the driver is free while it
//   sleeps on the condvar path (its holder left and handed the driver over,
//   see below, or left before this thread counted itself as a condvar
//   sleeper): it takes the driver over instead of sleeping on.
//
//   Driver hand-off: a holder that leaves the driver while other Parkers
//   sleep on the condvar path wakes one of them (bump + futex wake, no
//   kNotified: its park goes on, in the driver), so that while any thread is
//   parked, one is parked in the driver and I/O and timers are served.
//
//   Why an eventcount rather than a mutex + condvar (docs/parker.md): the
//   same guarantee (every waker changes what the sleeper checks, then bumps
//   wake_seq; a sleeper that missed the change finds wake_seq moved and does
//   not sleep) with one cache line on each side instead of a mutex, a
//   condvar's words and a mutex re-acquire on waking. Measured on
//   wake_latency: a median about 0.6 us lower (runtime_workloads). The
//   Promela model (tests/model) checks the eventcount as written here.
//
//   On waking, the owner leaves kParkedCondvar / kParkedDriver for kEmpty:
//   from the condvar only once it finds kNotified (else the wakeup was
//   spurious and it waits again) or its deadline passed; from the driver once
//   it finds kNotified, or the turn ran a timer or I/O handler, or the
//   deadline passed (a waker rung for a previous holder is spurious: it turns
//   again). Shutdown unparks every Parker: a park in progress returns
//   kNotified or kShutdown; every park that starts after Shutdown() returned
//   gives kShutdown at once, without blocking or consuming anything.
//
// Misuse, defined:
//   - ParkFor(d) with d < 0 is ParkFor(0): consume a pending notification or
//     poll the driver if free, never block. ParkFor of a duration too long to
//     add to now() is Park() (no deadline).
//   - Park after shutdown returns kShutdown at once, forever (see above).
//   - SharedDriver::Shutdown() twice: the second call does nothing.
//   - Unpark from a thread that outlives the Parker (or its owner thread):
//     the Unparker keeps the state alive, the unpark sets kNotified and is
//     counted as a noop; nothing is touched that was freed.
//   - Two threads parking on one Parker at once: a state the table does not
//     allow is seen, and the process aborts printing it.
//
// Thread-safety: Park* and the destructor are owner-only; counters() and
// state() any thread; Unparker is safe from any thread, copyable, and may
// outlive the Parker.
#ifndef PARK_PARKER_PARKER_H_
#define PARK_PARKER_PARKER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "park/parker/shared_driver.h"

namespace park {

namespace internal {
struct ParkerCore;
}  // namespace internal

enum class ParkState : uint32_t {
  kEmpty = 0,
  kParkedCondvar = 1,
  kParkedDriver = 2,
  kNotified = 3,
};

// Why a park returned.
enum class ParkResult {
  kNotified,     // an Unpark (before or during the park) was consumed
  kDriverEvent,  // as driver holder, a timer callback or I/O handler ran
  kTimedOut,     // the deadline passed with neither of the above
  kShutdown,     // the SharedDriver is shut down
};

// Monotonic per-Parker totals, read as one (relaxed) snapshot.
struct ParkerCounters {
  uint64_t parks_driver = 0;      // parks that slept in the driver
  uint64_t parks_condvar = 0;     // parks that slept on the condvar
  uint64_t unparks_driver = 0;    // unparks that rang the driver (eventfd)
  uint64_t unparks_condvar = 0;   // unparks that notified the condvar
  uint64_t unparks_noop = 0;      // unparks that found nobody parked
  uint64_t spurious_wakeups = 0;  // wakeups that were not for this park
};

class Unparker {
 public:
  // Wakes the Parker's owner if it is parked, or makes its next park return
  // at once. Never blocks, never allocates: one atomic exchange, and a
  // futex wake or an eventfd write if the owner sleeps. Any thread.
  void Unpark() const;

 private:
  friend class Parker;
  explicit Unparker(std::shared_ptr<internal::ParkerCore> core)
      : core_(std::move(core)) {}
  std::shared_ptr<internal::ParkerCore> core_;
};

class Parker {
 public:
  using Clock = std::chrono::steady_clock;

  // Attaches to `shared` (so that its Shutdown wakes this Parker).
  explicit Parker(std::shared_ptr<SharedDriver> shared);
  ~Parker();
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  // Blocks until notified, a driver event (as holder), or shutdown.
  ParkResult Park();
  // As Park, but also returns kTimedOut once `timeout` has passed; never
  // returns kTimedOut early. Sub-millisecond timeouts keep their precision.
  ParkResult ParkFor(Clock::duration timeout);
  ParkResult ParkUntil(Clock::time_point deadline);

  Unparker unparker() const { return Unparker(core_); }
  ParkerCounters counters() const;
  // The current state (for tests and gauges; stale as soon as it is read).
  ParkState state() const;

 private:
  ParkResult ParkImpl(std::optional<Clock::time_point> deadline);
  ParkResult TurnDriver(std::optional<Clock::time_point> deadline);
  ParkResult ParkOnCondvar(std::optional<Clock::time_point> deadline);
  bool ConsumeNotification();

  std::shared_ptr<SharedDriver> shared_;
  std::shared_ptr<internal::ParkerCore> core_;
};

}  // namespace park

#endif  // PARK_PARKER_PARKER_H_
