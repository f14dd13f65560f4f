#include "park/driver/timer_set.h"

namespace park {

TimerId TimerSet::Add(Clock::time_point deadline, TimerCallback callback) {
  MutexLock lock(&mu_);
  TimerId id{deadline, next_seq_++};
  timers_.emplace(id, std::move(callback));
  if (!armed_ || deadline < *armed_) {
    fd_.ArmAt(deadline);
    SetArmedLocked(deadline);
  }
  return id;
}

bool TimerSet::Cancel(TimerId id) {
  // Destroyed after the lock is released: a callback's destructor may run
  // user code, which may add timers.
  TimerCallback victim;
  MutexLock lock(&mu_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  const bool was_earliest = it == timers_.begin();
  victim = std::move(it->second);
  timers_.erase(it);
  // Re-arm only when the earliest went away, so the driver is not woken for
  // a timer that no longer exists.
  if (was_earliest) RearmLocked();
  return true;
}

void TimerSet::TakeDue(std::vector<TimerCallback>* out) {
  MutexLock lock(&mu_);
  // Drain first, then read the clock: an expiry after the drain makes the fd
  // readable again, so a timer that becomes due after `now` is never lost.
  fd_.Drain();
  const Clock::time_point now = Clock::now();
  auto it = timers_.begin();
  while (it != timers_.end() && it->first.deadline <= now) {
    out->push_back(std::move(it->second));
    it = timers_.erase(it);
  }
  RearmLocked();
}

void TimerSet::RearmLocked() {
  if (timers_.empty()) {
    if (armed_) fd_.Disarm();
    SetArmedLocked(std::nullopt);
    return;
  }
  const Clock::time_point next = timers_.begin()->first.deadline;
  if (armed_ != next) {
    fd_.ArmAt(next);
    SetArmedLocked(next);
  }
}

void TimerSet::SetArmedLocked(std::optional<Clock::time_point> deadline) {
  armed_ = deadline;
  armed_ns_.store(deadline ? std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 deadline->time_since_epoch())
                                 .count()
                           : INT64_MAX,
                  std::memory_order_relaxed);
}

bool TimerSet::DueBy(Clock::time_point now) const {
  return armed_ns_.load(std::memory_order_relaxed) <=
         std::chrono::duration_cast<std::chrono::nanoseconds>(
             now.time_since_epoch())
             .count();
}

size_t TimerSet::Clear() {
  // Destroyed after the lock is released (see Cancel).
  std::map<TimerId, TimerCallback> victims;
  MutexLock lock(&mu_);
  victims.swap(timers_);
  RearmLocked();
  return victims.size();
}

size_t TimerSet::size() const {
  MutexLock lock(&mu_);
  return timers_.size();
}

std::optional<Clock::time_point> TimerSet::next_deadline() const {
  MutexLock lock(&mu_);
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.deadline;
}

}  // namespace park
