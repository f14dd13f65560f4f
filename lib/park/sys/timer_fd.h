// TimerFd: an owned, non-blocking CLOCK_MONOTONIC timerfd(2), armed with
// absolute deadlines on std::chrono::steady_clock (which is CLOCK_MONOTONIC
// on Linux, so both speak the same time).
//
// Abstract state: disarmed, or armed at one absolute deadline; the fd becomes
// readable once the deadline has passed and stays so until drained.
// Thread-safety: every method may be called from any thread (timerfd_settime
// is atomic in the kernel); callers that need "armed at the earliest of a set"
// serialise the decision themselves.
#ifndef PARK_SYS_TIMER_FD_H_
#define PARK_SYS_TIMER_FD_H_

#include <chrono>
#include <cstdint>

#include "absl/status/statusor.h"
#include "park/sys/unique_fd.h"

namespace park {

class TimerFd {
 public:
  using Clock = std::chrono::steady_clock;

  // timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK).
  static absl::StatusOr<TimerFd> Create();

  int fd() const { return fd_.get(); }

  // Arms (or re-arms) the timer at `deadline`, with the kernel's nanosecond
  // precision. A deadline already past makes the fd readable at once.
  // Never blocks; aborts on error (only a bad fd can fail).
  void ArmAt(Clock::time_point deadline);

  // Disarms; a readable state caused by an earlier expiry stays until Drain.
  void Disarm();

  // Returns the expirations since the last read (0 if none). Never blocks.
  uint64_t Drain();

 private:
  explicit TimerFd(UniqueFd fd) : fd_(std::move(fd)) {}
  void SetTime(const struct itimerspec& spec, int flags);
  UniqueFd fd_;
};

}  // namespace park

#endif  // PARK_SYS_TIMER_FD_H_
