// Futex: wait on and wake a 32-bit atomic word (futex(2), process-private).
//
// The parker's non-driver path sleeps here: an eventcount on one word gives
// it what a mutex + condvar did (no wakeup lost between "nothing to do" and
// "asleep") with one word to touch on each side instead of a mutex, a
// condvar's internal words and a mutex re-acquire on waking.
// Thread-safety: any thread; the word must outlive every call on it.
#ifndef PARK_SYS_FUTEX_H_
#define PARK_SYS_FUTEX_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace park {

enum class FutexWaitResult {
  kWoken,         // a FutexWake reached us, or a signal interrupted (EINTR):
                  // the caller rechecks its condition either way
  kValueChanged,  // *word != expected when we came to sleep (EAGAIN)
  kTimedOut,      // the deadline passed
};

// Sleeps while *word == expected, until a FutexWake on `word` or the
// deadline (absolute, steady_clock = CLOCK_MONOTONIC; nullopt = none).
// May return kWoken spuriously. Aborts on errors that mean a bug (EFAULT,
// EINVAL).
FutexWaitResult FutexWait(
    const std::atomic<uint32_t>& word, uint32_t expected,
    std::optional<std::chrono::steady_clock::time_point> deadline);

// Wakes up to `n` threads sleeping in FutexWait on `word`; returns how many
// it woke. No syscall is skipped: callers decide whether anyone may sleep.
int FutexWake(const std::atomic<uint32_t>& word, int n);

}  // namespace park

#endif  // PARK_SYS_FUTEX_H_
