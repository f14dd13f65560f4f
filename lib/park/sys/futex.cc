#include "park/sys/futex.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "park/sys/fatal.h"

namespace park {
namespace {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "futex words must be plain 32-bit words");

uint32_t* Addr(const std::atomic<uint32_t>& word) {
  // The kernel only reads the word (WAIT compares, WAKE hashes the address).
  return const_cast<uint32_t*>(reinterpret_cast<const uint32_t*>(&word));
}

}  // namespace

FutexWaitResult FutexWait(
    const std::atomic<uint32_t>& word, uint32_t expected,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  timespec ts{};
  const timespec* timeout = nullptr;
  if (deadline) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        deadline->time_since_epoch())
                        .count();
    if (ns <= 0) return FutexWaitResult::kTimedOut;
    ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    timeout = &ts;
  }
  // WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline (plain WAIT a
  // relative one): an EINTR and retry by the caller keeps the deadline.
  const long r = syscall(SYS_futex, Addr(word), FUTEX_WAIT_BITSET_PRIVATE,
                         expected, timeout, nullptr, FUTEX_BITSET_MATCH_ANY);
  if (r == 0) return FutexWaitResult::kWoken;
  switch (errno) {
    case EAGAIN:
      return FutexWaitResult::kValueChanged;
    case ETIMEDOUT:
      return FutexWaitResult::kTimedOut;
    case EINTR:
      return FutexWaitResult::kWoken;
    default:
      FatalErrno("futex(WAIT_BITSET_PRIVATE)", -1, errno);
  }
}

int FutexWake(const std::atomic<uint32_t>& word, int n) {
  const long r =
      syscall(SYS_futex, Addr(word), FUTEX_WAKE_PRIVATE, n, nullptr, nullptr, 0);
  if (r < 0) FatalErrno("futex(WAKE_PRIVATE)", -1, errno);
  return static_cast<int>(r);
}

}  // namespace park
