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
  const auto rem = since_epoch % tick;
  if (rem == std::chrono::nanoseconds::zero()) return t;
  // A time point before the epoch (negative) never occurs for the
  // monotonic clock; rounding toward zero would round it down.
  return t + (tick - rem);
}

}  // namespace park
