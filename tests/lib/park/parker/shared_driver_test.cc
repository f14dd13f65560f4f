#include "park/parker/shared_driver.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "park/parker/parker.h"
#include "testing/await.h"

namespace park {
namespace {

// Shutdown must wake every parked thread, whichever way it sleeps: one
// driver holder and N-1 condvar waiters.
TEST(SharedDriverTest, ShutdownWakesEveryParkedThreadOfBothKinds) {
  constexpr int kThreads = 6;
  absl::StatusOr<std::shared_ptr<SharedDriver>> shared = SharedDriver::Create();
  ASSERT_TRUE(shared.ok()) << shared.status();
  std::vector<std::unique_ptr<Parker>> parkers;
  for (int i = 0; i < kThreads; ++i) {
    parkers.push_back(std::make_unique<Parker>(*shared));
  }
  std::atomic<int> returned{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // Loop like a worker would: only shutdown ends it.
      while (parkers[i]->Park() != ParkResult::kShutdown) {
      }
      ++returned;
    });
  }
  ASSERT_TRUE(testing::Await([&] {
    int driver = 0, condvar = 0;
    for (auto& p : parkers) {
      driver += p->state() == ParkState::kParkedDriver;
      condvar += p->state() == ParkState::kParkedCondvar;
    }
    return driver == 1 && condvar == kThreads - 1;
  }));
  (*shared)->Shutdown();
  for (auto& t : threads) t.join();
  EXPECT_EQ(returned, kThreads);
  EXPECT_TRUE((*shared)->is_shut_down());
}

TEST(SharedDriverTest, TryLockIsExclusive) {
  absl::StatusOr<std::shared_ptr<SharedDriver>> shared = SharedDriver::Create();
  ASSERT_TRUE(shared.ok());
  EXPECT_TRUE((*shared)->TryLockDriver());
  EXPECT_FALSE((*shared)->TryLockDriver());
  (*shared)->ReleaseDriver();
  EXPECT_TRUE((*shared)->TryLockDriver());
}

}  // namespace
}  // namespace park
