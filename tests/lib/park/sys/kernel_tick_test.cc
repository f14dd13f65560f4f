#include "park/sys/kernel_tick.h"

#include <time.h>

#include "gtest/gtest.h"

namespace park {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

Clock::time_point At(int64_t ns) { return Clock::time_point(nanoseconds(ns)); }

TEST(KernelTickTest, IsTheCoarseClocksResolutionOrZero) {
  timespec res{};
  ASSERT_EQ(clock_getres(CLOCK_MONOTONIC_COARSE, &res), 0);
  const nanoseconds reported =
      std::chrono::seconds(res.tv_sec) + nanoseconds(res.tv_nsec);
  const nanoseconds tick = KernelTick();
  if (reported >= milliseconds(1) && reported <= milliseconds(100)) {
    EXPECT_EQ(tick, reported);
  } else {
    EXPECT_EQ(tick, nanoseconds::zero()) << "reported " << reported.count();
  }
}

TEST(KernelTickTest, RoundsUpToTheNextMultiple) {
  const nanoseconds tick = milliseconds(4);
  EXPECT_EQ(RoundUpToTick(At(1), tick), At(4'000'000));
  EXPECT_EQ(RoundUpToTick(At(3'999'999), tick), At(4'000'000));
  EXPECT_EQ(RoundUpToTick(At(4'000'001), tick), At(8'000'000));
  EXPECT_EQ(RoundUpToTick(At(123'456'789'012), tick), At(123'460'000'000));
}

TEST(KernelTickTest, BeforeTheEpochRoundsUpTowardIt) {
  EXPECT_EQ(RoundUpToTick(At(-5), nanoseconds(4)), At(-4));
  EXPECT_EQ(RoundUpToTick(At(-4), nanoseconds(4)), At(-4));
  EXPECT_EQ(RoundUpToTick(At(-1), nanoseconds(4)), At(0));
}

TEST(KernelTickTest, AMultipleStaysWhereItIs) {
  EXPECT_EQ(RoundUpToTick(At(0), milliseconds(4)), At(0));
  EXPECT_EQ(RoundUpToTick(At(8'000'000), milliseconds(4)), At(8'000'000));
}

TEST(KernelTickTest, AZeroTickLeavesTheTimeAlone) {
  EXPECT_EQ(RoundUpToTick(At(1'234'567), nanoseconds::zero()), At(1'234'567));
  const Clock::time_point now = Clock::now();
  EXPECT_EQ(RoundUpToTick(now, nanoseconds::zero()), now);
}

TEST(KernelTickTest, NeverEarlierAndLessThanOneTickLater) {
  const nanoseconds tick = KernelTick() > nanoseconds::zero()
                               ? KernelTick()
                               : nanoseconds(milliseconds(4));
  for (int i = 0; i < 1000; ++i) {
    const Clock::time_point t = Clock::now() + nanoseconds(i * 7919);
    const Clock::time_point r = RoundUpToTick(t, tick);
    EXPECT_GE(r, t);
    EXPECT_LT(r - t, tick);
    EXPECT_EQ(r.time_since_epoch() % tick, nanoseconds::zero());
  }
}

}  // namespace
}  // namespace park
