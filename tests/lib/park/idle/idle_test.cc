#include "park/idle/idle.h"

#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace park {
namespace {

class IdleTest : public ::testing::Test {
 protected:
  explicit IdleTest(int n = 4) {
    absl::StatusOr<std::shared_ptr<SharedDriver>> s = SharedDriver::Create();
    if (!s.ok()) std::abort();
    shared_ = *s;
    for (int i = 0; i < n; ++i) {
      parkers_.push_back(std::make_unique<Parker>(shared_));
      views_.push_back(parkers_.back().get());
    }
  }
  std::unique_ptr<Idle> Make(WakePolicy policy) {
    return std::make_unique<Idle>(views_, policy);
  }
  std::shared_ptr<SharedDriver> shared_;
  std::vector<std::unique_ptr<Parker>> parkers_;
  std::vector<const Parker*> views_;
};

TEST_F(IdleTest, NobodyToWakeWhileAllRun) {
  auto idle = Make(WakePolicy::kMostRecent);
  EXPECT_EQ(idle->num_unparked(), 4);
  EXPECT_EQ(idle->WorkerToNotify(), -1);
}

TEST_F(IdleTest, WakesOneAndTheWokenSearches) {
  auto idle = Make(WakePolicy::kMostRecent);
  EXPECT_FALSE(idle->TransitionWorkerToParked(1, false));
  EXPECT_FALSE(idle->TransitionWorkerToParked(2, false));
  EXPECT_TRUE(idle->IsParked(1));
  EXPECT_EQ(idle->num_unparked(), 2);
  // Most recently parked first.
  EXPECT_EQ(idle->WorkerToNotify(), 2);
  EXPECT_FALSE(idle->IsParked(2));
  EXPECT_EQ(idle->num_searching(), 1);
  EXPECT_EQ(idle->num_unparked(), 3);
  // A searcher exists: the next push wakes nobody (no thundering herd).
  EXPECT_EQ(idle->WorkerToNotify(), -1);
  // The searcher found work and was the last: the caller wakes another.
  EXPECT_TRUE(idle->TransitionWorkerFromSearching());
  EXPECT_EQ(idle->WorkerToNotify(), 1);
}

TEST_F(IdleTest, AtMostHalfSearch) {
  auto idle = Make(WakePolicy::kMostRecent);
  EXPECT_TRUE(idle->TransitionWorkerToSearching());
  EXPECT_TRUE(idle->TransitionWorkerToSearching());
  EXPECT_FALSE(idle->TransitionWorkerToSearching());
  EXPECT_EQ(idle->num_searching(), 2);
}

TEST_F(IdleTest, LastSearcherToParkMustRescan) {
  auto idle = Make(WakePolicy::kMostRecent);
  ASSERT_TRUE(idle->TransitionWorkerToSearching());
  ASSERT_TRUE(idle->TransitionWorkerToSearching());
  EXPECT_FALSE(idle->TransitionWorkerToParked(0, true));
  EXPECT_TRUE(idle->TransitionWorkerToParked(1, true));
  EXPECT_FALSE(idle->TransitionWorkerToParked(2, false));
}

TEST_F(IdleTest, UnparkByIdRemovesOnce) {
  auto idle = Make(WakePolicy::kMostRecent);
  idle->TransitionWorkerToParked(3, false);
  EXPECT_TRUE(idle->UnparkWorkerById(3));
  EXPECT_FALSE(idle->UnparkWorkerById(3));
  EXPECT_EQ(idle->num_unparked(), 4);
  EXPECT_EQ(idle->num_searching(), 0);
}

// kCondvarFirst passes over the driver holder while a condvar sleeper
// exists, and takes the holder only when it is the last sleeper.
TEST_F(IdleTest, CondvarFirstSparesTheDriverHolder) {
  auto idle = Make(WakePolicy::kCondvarFirst);
  // Worker 0 parks in the driver (for real), worker 1 is listed as a sleeper.
  std::thread holder([&] { parkers_[0]->Park(); });
  while (parkers_[0]->state() != ParkState::kParkedDriver) {
    std::this_thread::yield();
  }
  idle->TransitionWorkerToParked(1, false);
  idle->TransitionWorkerToParked(0, false);  // most recent, but in the driver
  EXPECT_EQ(idle->WorkerToNotify(), 1);
  EXPECT_TRUE(idle->TransitionWorkerFromSearching());
  EXPECT_EQ(idle->WorkerToNotify(), 0);
  parkers_[0]->unparker().Unpark();
  holder.join();
}

// kSameCpuFirst takes the most recently parked condvar sleeper that parked
// on the caller's CPU; with none there, or the caller's CPU unknown (-1),
// it picks as kCondvarFirst does.
TEST_F(IdleTest, SameCpuFirstPrefersASleeperThatParkedOnTheCallersCpu) {
  auto idle = Make(WakePolicy::kSameCpuFirst);
  idle->TransitionWorkerToParked(0, false, /*cpu=*/1);
  idle->TransitionWorkerToParked(1, false, /*cpu=*/0);
  idle->TransitionWorkerToParked(2, false, /*cpu=*/1);
  idle->TransitionWorkerToParked(3, false, /*cpu=*/0);
  EXPECT_EQ(idle->WorkerToNotify(/*caller_cpu=*/1), 2);
  EXPECT_TRUE(idle->TransitionWorkerFromSearching());
  EXPECT_EQ(idle->WorkerToNotify(1), 0);
  EXPECT_TRUE(idle->TransitionWorkerFromSearching());
  // Nobody left that parked on CPU 1: the most recently parked.
  EXPECT_EQ(idle->WorkerToNotify(1), 3);
  EXPECT_TRUE(idle->TransitionWorkerFromSearching());
  idle->TransitionWorkerToParked(0, false, /*cpu=*/1);
  // The caller's CPU unknown: the most recently parked, wherever.
  EXPECT_EQ(idle->WorkerToNotify(-1), 0);
}

// The other policies ignore CPUs.
TEST_F(IdleTest, CondvarFirstAndMostRecentIgnoreCpus) {
  for (WakePolicy policy : {WakePolicy::kCondvarFirst, WakePolicy::kMostRecent}) {
    auto idle = Make(policy);
    idle->TransitionWorkerToParked(0, false, /*cpu=*/1);
    idle->TransitionWorkerToParked(1, false, /*cpu=*/0);
    EXPECT_EQ(idle->WorkerToNotify(/*caller_cpu=*/1), 1);
  }
}

// kSameCpuFirst never wakes the driver holder for its CPU while a condvar
// sleeper parked elsewhere: leaving the driver costs a hand-off, which is a
// second wakeup (and likely one onto the other CPU).
TEST_F(IdleTest, SameCpuFirstSparesTheDriverHolderOnTheCallersCpu) {
  auto idle = Make(WakePolicy::kSameCpuFirst);
  std::thread holder([&] { parkers_[0]->Park(); });
  while (parkers_[0]->state() != ParkState::kParkedDriver) {
    std::this_thread::yield();
  }
  idle->TransitionWorkerToParked(1, false, /*cpu=*/0);
  idle->TransitionWorkerToParked(0, false, /*cpu=*/1);
  EXPECT_EQ(idle->WorkerToNotify(/*caller_cpu=*/1), 1);
  EXPECT_TRUE(idle->TransitionWorkerFromSearching());
  EXPECT_EQ(idle->WorkerToNotify(1), 0);
  parkers_[0]->unparker().Unpark();
  holder.join();
}

}  // namespace
}  // namespace park
