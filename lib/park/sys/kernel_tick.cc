#include "park/sys/kernel_tick.h"

#include <time.h>

namespace park {

std::chrono::nanoseconds KernelTick() {
  timespec res{};
  if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) != 0) {
    return std::chrono::nanoseconds::zero();
  }
  const std::chrono::nanoseconds tick =
      std::chrono::seconds(res.tv_sec) + std::chrono::nanoseconds(res.tv_nsec);
  if (tick < std::chrono::milliseconds(1) ||
      tick > std::chrono::milliseconds(100)) {
    return std::chrono::nanoseconds::zero();
  }
  return tick;
}

std::chrono::steady_clock::time_point RoundUpToTick(
    std::chrono::steady_clock::time_point t, std::chrono::nanoseconds tick) {
  if (tick <= std::chrono::nanoseconds::zero()) return t;
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  auto rem = since_epoch % tick;
  if (rem == std::chrono::nanoseconds::zero()) return t;
  // % truncates toward zero: before the epoch the remainder is negative,
  // and the multiple at or after t is then -rem away, not tick - rem.
  if (rem < std::chrono::nanoseconds::zero()) rem += tick;
  return t + (tick - rem);
}

}  // namespace park
