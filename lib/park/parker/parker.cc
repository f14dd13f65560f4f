#include "park/parker/parker.h"

#include "park/parker/parker_core.h"
#include "park/sys/fatal.h"

namespace park {
namespace {

constexpr uint32_t kEmpty = static_cast<uint32_t>(ParkState::kEmpty);
constexpr uint32_t kParkedCondvar =
    static_cast<uint32_t>(ParkState::kParkedCondvar);
constexpr uint32_t kParkedDriver =
    static_cast<uint32_t>(ParkState::kParkedDriver);
constexpr uint32_t kNotified = static_cast<uint32_t>(ParkState::kNotified);

using Clock = Parker::Clock;

bool Passed(std::optional<Clock::time_point> deadline) {
  return deadline && Clock::now() >= *deadline;
}

}  // namespace

// All state-word operations are seq_cst (DESIGN.md): the shutdown argument in
// SharedDriver::Shutdown needs a single total order over the state word and
// shut_down_, and the cost is nil next to the syscalls around them.

void internal::ParkerCore::Unpark() {
  // Unconditional exchange, never a CAS: every unpark is a write that the
  // parker's next read of the state synchronises with (Tokio's lesson).
  switch (state.exchange(kNotified)) {
    case kEmpty:
    case kNotified:
      Bump(unparks_noop);
      return;
    case kParkedCondvar:
      // The owner holds mu from publishing kParkedCondvar until the condvar
      // wait releases it; taking mu here means it is really waiting (or has
      // already seen kNotified), so the notify below cannot fall in between.
      // Notify outside the lock, so the woken thread does not wake into a
      // held mutex.
      mu.Lock();
      mu.Unlock();
      cv.Signal();
      Bump(unparks_condvar);
      return;
    case kParkedDriver:
      shared->driver().Unpark();
      Bump(unparks_driver);
      return;
    default:
      FatalState("ParkerCore::Unpark: state word", state.load());
  }
}

void Unparker::Unpark() const { core_->Unpark(); }

Parker::Parker(std::shared_ptr<SharedDriver> shared)
    : shared_(std::move(shared)),
      core_(std::make_shared<internal::ParkerCore>(shared_)) {
  shared_->Attach(core_.get());
}

Parker::~Parker() { shared_->Detach(core_.get()); }

ParkResult Parker::Park() { return ParkImpl(std::nullopt); }

ParkResult Parker::ParkFor(Clock::duration timeout) {
  if (timeout < Clock::duration::zero()) timeout = Clock::duration::zero();
  const Clock::time_point now = Clock::now();
  // A timeout that would overflow the time point means "no deadline".
  if (timeout > Clock::time_point::max() - now) return ParkImpl(std::nullopt);
  return ParkImpl(now + timeout);
}

ParkResult Parker::ParkUntil(Clock::time_point deadline) {
  return ParkImpl(deadline);
}

// Step 1 of park: a pending kNotified is consumed without blocking.
bool Parker::ConsumeNotification() {
  if (core_->state.load() != kNotified) return false;
  // Only the owner ever leaves kNotified, so the exchange returns kNotified.
  core_->state.exchange(kEmpty);
  return true;
}

ParkResult Parker::ParkImpl(std::optional<Clock::time_point> deadline) {
  if (shared_->is_shut_down()) return ParkResult::kShutdown;
  if (ConsumeNotification()) return ParkResult::kNotified;
  if (shared_->TryLockDriver()) {
    ParkResult result = ParkOnDriver(deadline);
    shared_->UnlockDriver();
    return result;
  }
  // A poll (deadline already past) has nothing to wait for on the condvar.
  if (Passed(deadline)) return ParkResult::kTimedOut;
  return ParkOnCondvar(deadline);
}

ParkResult Parker::ParkOnDriver(std::optional<Clock::time_point> deadline) {
  internal::ParkerCore& core = *core_;
  uint32_t seen = kEmpty;
  if (!core.state.compare_exchange_strong(seen, kParkedDriver)) {
    // Since ConsumeNotification only an unparker can have written, and
    // unparkers write only kNotified.
    if (seen != kNotified) FatalState("Parker::ParkOnDriver: state", seen);
    core.state.exchange(kEmpty);
    return ParkResult::kNotified;
  }
  internal::ParkerCore::Bump(core.parks_driver);

  ParkResult result = ParkResult::kTimedOut;
  for (;;) {
    // kParkedDriver is published before this load of shut_down_, so either
    // we see shutdown here or Shutdown's Unpark sees kParkedDriver and rings
    // the driver, which ends the turn below.
    if (shared_->is_shut_down()) {
      result = ParkResult::kShutdown;
      break;
    }
    const DriverTurn turn = shared_->driver().Park(deadline);
    if (core.state.load() == kNotified) break;  // resolved by the exchange
    if (turn.timers_fired > 0 || turn.io_events > 0) {
      result = ParkResult::kDriverEvent;
      break;
    }
    if (turn.timed_out || Passed(deadline)) break;
    if (shared_->is_shut_down()) continue;  // reported at the loop head
    // The waker rang for an earlier holder, or a stale fd event: not ours.
    internal::ParkerCore::Bump(core.spurious_wakeups);
  }
  const uint32_t old = core.state.exchange(kEmpty);
  if (old == kNotified) return ParkResult::kNotified;
  if (old != kParkedDriver) FatalState("Parker::ParkOnDriver: state", old);
  return result;
}

ParkResult Parker::ParkOnCondvar(std::optional<Clock::time_point> deadline) {
  internal::ParkerCore& core = *core_;
  MutexLock lock(&core.mu);
  uint32_t seen = kEmpty;
  if (!core.state.compare_exchange_strong(seen, kParkedCondvar)) {
    if (seen != kNotified) FatalState("Parker::ParkOnCondvar: state", seen);
    core.state.exchange(kEmpty);
    return ParkResult::kNotified;
  }
  internal::ParkerCore::Bump(core.parks_condvar);
  // Shutdown stores shut_down_ before it unparks us; this load comes after
  // kParkedCondvar was published, so one of the two sees the other. We hold
  // mu until the wait, so Shutdown's notify cannot slip in before it.
  if (shared_->is_shut_down()) {
    return core.state.exchange(kEmpty) == kNotified ? ParkResult::kNotified
                                                    : ParkResult::kShutdown;
  }
  for (;;) {
    bool timed_out = false;
    if (deadline) {
      timed_out = core.cv.WaitUntil(&core.mu, *deadline);
    } else {
      core.cv.Wait(&core.mu);
    }
    uint32_t expected = kNotified;
    if (core.state.compare_exchange_strong(expected, kEmpty)) {
      return ParkResult::kNotified;
    }
    if (timed_out || Passed(deadline)) {
      const uint32_t old = core.state.exchange(kEmpty);
      if (old == kNotified) return ParkResult::kNotified;
      if (old != kParkedCondvar) {
        FatalState("Parker::ParkOnCondvar: state", old);
      }
      return ParkResult::kTimedOut;
    }
    internal::ParkerCore::Bump(core.spurious_wakeups);
  }
}

ParkerCounters Parker::counters() const {
  const internal::ParkerCore& c = *core_;
  ParkerCounters out;
  out.parks_driver = c.parks_driver.load(std::memory_order_relaxed);
  out.parks_condvar = c.parks_condvar.load(std::memory_order_relaxed);
  out.unparks_driver = c.unparks_driver.load(std::memory_order_relaxed);
  out.unparks_condvar = c.unparks_condvar.load(std::memory_order_relaxed);
  out.unparks_noop = c.unparks_noop.load(std::memory_order_relaxed);
  out.spurious_wakeups = c.spurious_wakeups.load(std::memory_order_relaxed);
  return out;
}

ParkState Parker::state() const {
  return static_cast<ParkState>(core_->state.load());
}

}  // namespace park
