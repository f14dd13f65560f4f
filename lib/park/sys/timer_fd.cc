#include "park/sys/timer_fd.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>

#include "park/sys/fatal.h"
#include "park/sys/syscall_status.h"

namespace park {

absl::StatusOr<TimerFd> TimerFd::Create() {
  int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (fd < 0) return SyscallError("timerfd_create(CLOCK_MONOTONIC)", errno);
  return TimerFd(UniqueFd(fd));
}

void TimerFd::ArmAt(Clock::time_point deadline) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                deadline.time_since_epoch())
                .count();
  // An all-zero it_value would disarm: a deadline at (or before) the clock's
  // epoch means "already due", so it becomes the earliest non-zero instant.
  if (ns <= 0) ns = 1;
  struct itimerspec spec = {};
  spec.it_value.tv_sec = ns / 1'000'000'000;
  spec.it_value.tv_nsec = ns % 1'000'000'000;
  SetTime(spec, TFD_TIMER_ABSTIME);
}

void TimerFd::Disarm() {
  struct itimerspec spec = {};
  SetTime(spec, 0);
}

void TimerFd::SetTime(const struct itimerspec& spec, int flags) {
  if (::timerfd_settime(fd_.get(), flags, &spec, nullptr) != 0) {
    FatalErrno("timerfd_settime", fd_.get(), errno);
  }
}

uint64_t TimerFd::Drain() {
  uint64_t expirations = 0;
  for (;;) {
    if (::read(fd_.get(), &expirations, sizeof expirations) ==
        sizeof expirations) {
      return expirations;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return 0;
    FatalErrno("read(timerfd)", fd_.get(), errno);
  }
}

}  // namespace park
