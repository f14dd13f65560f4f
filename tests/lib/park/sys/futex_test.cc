#include "park/sys/futex.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace park {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(FutexTest, WaitReturnsAtOnceWhenTheWordDiffers) {
  std::atomic<uint32_t> word{1};
  EXPECT_EQ(FutexWait(word, 0, std::nullopt), FutexWaitResult::kValueChanged);
}

TEST(FutexTest, WaitTimesOutNeverEarly) {
  std::atomic<uint32_t> word{0};
  const auto start = Clock::now();
  const auto deadline = start + milliseconds(20);
  EXPECT_EQ(FutexWait(word, 0, deadline), FutexWaitResult::kTimedOut);
  EXPECT_GE(Clock::now(), deadline);
}

TEST(FutexTest, PastDeadlineReturnsWithoutSleeping) {
  std::atomic<uint32_t> word{0};
  EXPECT_EQ(FutexWait(word, 0, Clock::now() - milliseconds(1)),
            FutexWaitResult::kTimedOut);
}

TEST(FutexTest, WakeReachesASleeper) {
  std::atomic<uint32_t> word{0};
  std::atomic<bool> awake{false};
  std::thread sleeper([&] {
    // The eventcount pattern the parker uses: recheck after every return.
    while (word.load() == 0) FutexWait(word, 0, std::nullopt);
    awake.store(true);
  });
  std::this_thread::sleep_for(milliseconds(10));
  EXPECT_FALSE(awake.load());
  word.store(1);
  FutexWake(word, 1);
  sleeper.join();
  EXPECT_TRUE(awake.load());
}

TEST(FutexTest, WakeWithNobodyWaitingWakesNobody) {
  std::atomic<uint32_t> word{0};
  EXPECT_EQ(FutexWake(word, 1), 0);
}

}  // namespace
}  // namespace park
