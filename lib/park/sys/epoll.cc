#include "park/sys/epoll.h"

#include <time.h>

#include <atomic>
#include <cerrno>
#include <climits>

#include "absl/strings/str_cat.h"
#include "park/sys/fatal.h"
#include "park/sys/syscall_status.h"

namespace park {
namespace {

// Set once if the kernel answers ENOSYS to epoll_pwait2 (before Linux 5.11);
// every later wait then takes the millisecond path. Relaxed: a cached fact
// that never changes; a thread that misses the store just asks again.
std::atomic<bool> no_pwait2{false};

// epoll_wait's millisecond timeout, rounded up so that a 0.3 ms wait sleeps
// 1 ms instead of returning at once and spinning (mio #1614).
int TimeoutMsRoundedUp(Epoll::Clock::duration timeout) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace

absl::StatusOr<Epoll> Epoll::Create() {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return SyscallError("epoll_create1", errno);
  return Epoll(UniqueFd(fd));
}

absl::Status Epoll::Ctl(int op, const char* op_name, int fd, uint32_t events,
                        uint64_t data) {
  struct epoll_event ev = {};
  ev.events = events;
  ev.data.u64 = data;
  if (::epoll_ctl(fd_.get(), op, fd, &ev) != 0) {
    return SyscallError(absl::StrCat("epoll_ctl(", op_name, " fd=", fd, ")"),
                        errno);
  }
  return absl::OkStatus();
}

absl::Status Epoll::Add(int fd, uint32_t events, uint64_t data) {
  return Ctl(EPOLL_CTL_ADD, "ADD", fd, events, data);
}

absl::Status Epoll::Modify(int fd, uint32_t events, uint64_t data) {
  return Ctl(EPOLL_CTL_MOD, "MOD", fd, events, data);
}

absl::Status Epoll::Remove(int fd) {
  return Ctl(EPOLL_CTL_DEL, "DEL", fd, 0, 0);
}

int Epoll::Wait(std::span<epoll_event> out,
                std::optional<Clock::time_point> deadline) {
  for (;;) {
    std::optional<Clock::duration> timeout;
    if (deadline) {
      timeout = *deadline - Clock::now();
      if (*timeout < Clock::duration::zero()) timeout = Clock::duration::zero();
    }
    int n = WaitOnce(out, timeout);
    if (n >= 0) return n;
    // EINTR: go round again; the timeout is recomputed from the deadline.
  }
}

// One epoll_pwait2 (or epoll_wait) call; returns -1 only for EINTR.
int Epoll::WaitOnce(std::span<epoll_event> out,
                    std::optional<Clock::duration> timeout) {
  const int max = static_cast<int>(out.size());
  int n;
  if (!no_pwait2.load(std::memory_order_relaxed)) {
    struct timespec ts;
    if (timeout) {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(*timeout)
                    .count();
      ts.tv_sec = ns / 1'000'000'000;
      ts.tv_nsec = ns % 1'000'000'000;
    }
    n = ::epoll_pwait2(fd_.get(), out.data(), max, timeout ? &ts : nullptr,
                       nullptr);
    if (n < 0 && errno == ENOSYS) {
      no_pwait2.store(true, std::memory_order_relaxed);
      return WaitOnce(out, timeout);
    }
  } else {
    n = ::epoll_wait(fd_.get(), out.data(), max,
                     timeout ? TimeoutMsRoundedUp(*timeout) : -1);
  }
  if (n >= 0) return n;
  if (errno == EINTR) return -1;
  FatalErrno("epoll_wait", fd_.get(), errno);
}

}  // namespace park
