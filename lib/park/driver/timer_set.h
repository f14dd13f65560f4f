// TimerSet: the driver's pending timers, with one timerfd kept armed at the
// earliest deadline.
//
// Abstract state: a set of (deadline, id) -> callback, ordered by deadline
// then by insertion; and a timerfd armed at the earliest deadline of the set
// (disarmed when the set is empty). Because every mutation re-arms under the
// lock, a timer added from any thread while another thread blocks in
// epoll_wait on the timerfd is seen on time: the kernel moves the expiry of
// the fd that thread already waits on (the bug this prevents: Tokio #3190).
//
// Thread-safety: thread-safe. Callbacks never run under the lock.
#ifndef PARK_DRIVER_TIMER_SET_H_
#define PARK_DRIVER_TIMER_SET_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "park/driver/handles.h"
#include "park/sys/mutex.h"
#include "park/sys/timer_fd.h"

namespace park {

using Clock = std::chrono::steady_clock;

// What a timer runs, once, on the thread that runs the driver turn in which
// it is due. Must not throw.
using TimerCallback = absl::AnyInvocable<void() &&>;

class TimerSet {
 public:
  explicit TimerSet(TimerFd fd) : fd_(std::move(fd)) {}

  // The timerfd, readable once the earliest deadline has passed.
  int fd() const { return fd_.fd(); }

  // Adds a timer; any thread, never blocks beyond the lock. A deadline
  // already past is due at the next turn. Allocates (one map node).
  TimerId Add(Clock::time_point deadline, TimerCallback callback)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Removes a pending timer. Returns true if it was pending, which means its
  // callback will never run; false if it already fired, is firing in a turn
  // right now, or was cancelled before. Any thread.
  bool Cancel(TimerId id) ABSL_LOCKS_EXCLUDED(mu_);

  // Moves the callbacks of every timer with deadline <= now into *out, in
  // deadline order, consumes the fd's expirations, and re-arms the fd at the
  // next deadline. Called by the driver turn (one thread at a time); *out is
  // the caller's reusable buffer, so steady state does not allocate.
  void TakeDue(std::vector<TimerCallback>* out) ABSL_LOCKS_EXCLUDED(mu_);

  // Drops every pending timer (callbacks destroyed, never run) and disarms;
  // returns how many there were. Any thread.
  size_t Clear() ABSL_LOCKS_EXCLUDED(mu_);

  // Whether the earliest timer is due at `now`; lock-free (reads a mirror
  // of the armed deadline), so a hint that may be stale.
  bool DueBy(Clock::time_point now) const;

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<Clock::time_point> next_deadline() const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Arms the fd at the earliest pending deadline, or disarms if none.
  void RearmLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetArmedLocked(std::optional<Clock::time_point> deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  TimerFd fd_;
  std::map<TimerId, TimerCallback> timers_ ABSL_GUARDED_BY(mu_);
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  // The deadline the fd is armed at; nullopt when disarmed.
  std::optional<Clock::time_point> armed_ ABSL_GUARDED_BY(mu_);
  // armed_ in nanoseconds since the clock's epoch (INT64_MAX: disarmed),
  // written under mu_, read lock-free by DueBy. Relaxed: a hint.
  std::atomic<int64_t> armed_ns_{INT64_MAX};
};

}  // namespace park

#endif  // PARK_DRIVER_TIMER_SET_H_
