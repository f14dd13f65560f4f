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

// All state-word operations are seq_cst (docs/parker.md, "The
// memory-ordering argument"): the shutdown argument in SharedDriver::Shutdown
// needs a single total order over the state word and shut_down_, and the
// cost is nil next to the syscalls around them.

void internal::ParkerCore::Unpark() {
  // Unconditional exchange, never a CAS: every unpark is a write that the
  // parker's next read of the state synchronises with (Tokio's lesson).
  switch (state.exchange(kNotified)) {
    case kEmpty:
    case kNotified:
      Bump(unparks_noop);
      return;
    case kParkedCondvar:
      // kNotified is published; now the eventcount's bump and the futex
      // wake (see WakeSleeper): no mutex to take, nothing for the woken
      // thread to re-acquire.
      WakeSleeper();
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
    uint32_t seen = kEmpty;
    if (!core_->state.compare_exchange_strong(seen, kParkedDriver)) {
      // Since ConsumeNotification only an unparker can have written, and
      // unparkers write only kNotified.
      if (seen != kNotified) FatalState("Parker::ParkImpl: state", seen);
      core_->state.exchange(kEmpty);
      shared_->ReleaseDriver();
      return ParkResult::kNotified;
    }
    internal::ParkerCore::Bump(core_->parks_driver);
    return TurnDriver(deadline);
  }
  // A poll (deadline already past) has nothing to wait for on the condvar.
  if (Passed(deadline)) return ParkResult::kTimedOut;
  return ParkOnCondvar(deadline);
}

// Holds the driver, state kParkedDriver; returns with both given up.
ParkResult Parker::TurnDriver(std::optional<Clock::time_point> deadline) {
  internal::ParkerCore& core = *core_;
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
  // Leaving the driver: if others sleep on condvars, one of them takes it
  // over, so that I/O and timers stay served while we run (docs/parker.md,
  // "The driver hand-off").
  shared_->ReleaseDriver();
  if (old == kNotified) return ParkResult::kNotified;
  if (old != kParkedDriver) FatalState("Parker::TurnDriver: state", old);
  return result;
}

ParkResult Parker::ParkOnCondvar(std::optional<Clock::time_point> deadline) {
  internal::ParkerCore& core = *core_;
  uint32_t seen = kEmpty;
  if (!core.state.compare_exchange_strong(seen, kParkedCondvar)) {
    if (seen != kNotified) FatalState("Parker::ParkOnCondvar: state", seen);
    core.state.exchange(kEmpty);
    return ParkResult::kNotified;
  }
  internal::ParkerCore::Bump(core.parks_condvar);
  // Counted as a condvar sleeper before we look at the driver lock below:
  // a holder stores "unlocked" and then reads this count, we write the
  // count and then read the lock (both seq_cst), so either it hands the
  // driver to a condvar sleeper or we see the driver free and take it.
  shared_->condvar_sleepers_.fetch_add(1);
  ParkResult result;
  bool woken = false;  // by the futex, with nothing found since
  for (;;) {
    // The eventcount: read wake_seq before looking at anything we wait for.
    // Every waker changes that thing first and bumps wake_seq after, so a
    // change we miss below makes the FutexWait at the bottom return at once.
    const uint32_t seq = core.wake_seq.load();
    // Shutdown stores shut_down_ before it unparks us; this load comes after
    // kParkedCondvar was published, so one of the two sees the other.
    if (shared_->is_shut_down()) {
      result = core.state.exchange(kEmpty) == kNotified ? ParkResult::kNotified
                                                        : ParkResult::kShutdown;
      break;
    }
    uint32_t expected = kNotified;
    if (core.state.compare_exchange_strong(expected, kEmpty)) {
      result = ParkResult::kNotified;
      break;
    }
    if (expected != kParkedCondvar) {
      FatalState("Parker::ParkOnCondvar: state", expected);
    }
    // Nobody holds the driver (its holder left, and handed it to a condvar
    // sleeper, maybe us): take it over instead of sleeping here. The
    // seq_cst load (not TryLockDriver's relaxed pre-check) is what pairs
    // with ReleaseDriver's seq_cst store-then-load of the sleeper count, on
    // weakly ordered CPUs too.
    if (!shared_->driver_locked() && shared_->TryLockDriver()) {
      expected = kParkedCondvar;
      if (core.state.compare_exchange_strong(expected, kParkedDriver)) {
        shared_->condvar_sleepers_.fetch_sub(1);
        shared_->CountHandoff();
        return TurnDriver(deadline);
      }
      // An unpark came first: it is ours, and the driver goes back.
      if (expected != kNotified) {
        FatalState("Parker::ParkOnCondvar: state", expected);
      }
      core.state.exchange(kEmpty);
      shared_->condvar_sleepers_.fetch_sub(1);
      shared_->ReleaseDriver();
      return ParkResult::kNotified;
    }
    if (Passed(deadline)) {
      const uint32_t old = core.state.exchange(kEmpty);
      if (old != kNotified && old != kParkedCondvar) {
        FatalState("Parker::ParkOnCondvar: state", old);
      }
      result = old == kNotified ? ParkResult::kNotified : ParkResult::kTimedOut;
      break;
    }
    // Woken, and nothing for us: spurious, or a driver hand-off that
    // another sleeper won.
    if (woken) internal::ParkerCore::Bump(core.spurious_wakeups);
    woken = FutexWait(core.wake_seq, seq, deadline) == FutexWaitResult::kWoken;
  }
  shared_->condvar_sleepers_.fetch_sub(1);
  // Leaving without the driver while it is free: a hand-off may have been
  // meant for us; pass it on so that a remaining sleeper takes the driver.
  // (After the count went down: seq_cst against a holder's
  // store-then-count in ReleaseDriver.)
  if (!shared_->driver_locked()) shared_->HandOffIfIdle();
  return result;
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
