// The parker contract (parker.h), run once for each way a thread can sleep:
// as the driver holder (epoll + eventfd) and as a condvar waiter.
#include "park/parker/parker.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/await.h"

namespace park {
namespace {

using Clock = Parker::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// How late a timed-out park may return on a shared 2-vCPU VM (sanitizer
// builds included). The contract is "never early"; this only catches a
// deadline that was lost or rounded to something much larger.
constexpr auto kLateTolerance = milliseconds(150);

std::shared_ptr<SharedDriver> MakeShared() {
  absl::StatusOr<std::shared_ptr<SharedDriver>> s = SharedDriver::Create();
  if (!s.ok()) std::abort();
  return *std::move(s);
}

// Path policies: what makes a Parker's thread sleep where the test wants.
struct DriverPath {
  static constexpr ParkState kParked = ParkState::kParkedDriver;
  static void Arrange(SharedDriver&) {}  // the driver is free: Park takes it
  static uint64_t Parks(const ParkerCounters& c) { return c.parks_driver; }
  static uint64_t Unparks(const ParkerCounters& c) { return c.unparks_driver; }
};
struct CondvarPath {
  static constexpr ParkState kParked = ParkState::kParkedCondvar;
  // Someone else holds the driver, so Park falls back to the condvar.
  static void Arrange(SharedDriver& s) { ASSERT_TRUE(s.TryLockDriver()); }
  static uint64_t Parks(const ParkerCounters& c) { return c.parks_condvar; }
  static uint64_t Unparks(const ParkerCounters& c) {
    return c.unparks_condvar;
  }
};

template <typename Path>
class ParkerContractTest : public ::testing::Test {
 protected:
  void SetUp() override { Path::Arrange(*shared_); }
  // Blocks until `p`'s owner has published its parked state.
  void AwaitParked(const Parker& p) {
    ASSERT_TRUE(
        testing::Await([&] { return p.state() == Path::kParked; }))
        << "state " << static_cast<int>(p.state());
  }
  std::shared_ptr<SharedDriver> shared_ = MakeShared();
};

using Paths = ::testing::Types<DriverPath, CondvarPath>;
TYPED_TEST_SUITE(ParkerContractTest, Paths);

// Table row kEmpty x Unpark, then kNotified x Unpark, then kNotified x Park.
TYPED_TEST(ParkerContractTest, UnparkBeforeParkReturnsAtOnceAndIsConsumed) {
  Parker p(this->shared_);
  p.unparker().Unpark();
  EXPECT_EQ(p.state(), ParkState::kNotified);
  p.unparker().Unpark();
  EXPECT_EQ(p.state(), ParkState::kNotified);
  EXPECT_EQ(p.counters().unparks_noop, 2u);
  EXPECT_EQ(p.Park(), ParkResult::kNotified);
  EXPECT_EQ(p.state(), ParkState::kEmpty);
  // The two unparks made one notification; it is gone now.
  EXPECT_EQ(p.ParkFor(milliseconds(5)), ParkResult::kTimedOut);
  EXPECT_EQ(TypeParam::Parks(p.counters()), 1u);
}

// Table rows kEmpty x Park (-> kParked*) and kParked* x Unpark.
TYPED_TEST(ParkerContractTest, UnparkWakesAParkedThread) {
  Parker p(this->shared_);
  std::atomic<ParkResult> result{ParkResult::kTimedOut};
  std::thread owner([&] { result = p.Park(); });
  this->AwaitParked(p);
  p.unparker().Unpark();
  owner.join();
  EXPECT_EQ(result, ParkResult::kNotified);
  EXPECT_EQ(p.state(), ParkState::kEmpty);
  const ParkerCounters c = p.counters();
  EXPECT_EQ(TypeParam::Parks(c), 1u);
  EXPECT_EQ(TypeParam::Unparks(c), 1u);
  EXPECT_EQ(c.unparks_noop, 0u);
}

TYPED_TEST(ParkerContractTest, TimeoutIsNeverEarlyAndBoundedLate) {
  Parker p(this->shared_);
  for (auto timeout : {milliseconds(20), milliseconds(1)}) {
    const auto start = Clock::now();
    EXPECT_EQ(p.ParkFor(timeout), ParkResult::kTimedOut);
    const auto took = Clock::now() - start;
    EXPECT_GE(took, timeout);
    EXPECT_LT(took, timeout + kLateTolerance);
  }
  EXPECT_EQ(p.state(), ParkState::kEmpty);
}

TYPED_TEST(ParkerContractTest, SubMillisecondTimeoutSleepsWithoutSpinning) {
  Parker p(this->shared_);
  const auto start = Clock::now();
  EXPECT_EQ(p.ParkFor(microseconds(200)), ParkResult::kTimedOut);
  EXPECT_GE(Clock::now() - start, microseconds(200));
  // One park, no spurious loop: a busy poll would show as many turns.
  EXPECT_EQ(TypeParam::Parks(p.counters()), 1u);
  EXPECT_LE(this->shared_->driver().counters().turns, 1u);
}

TYPED_TEST(ParkerContractTest, ZeroAndNegativeTimeoutsNeverBlock) {
  Parker p(this->shared_);
  for (auto timeout : {Clock::duration::zero(), -Clock::duration(seconds(5))}) {
    const auto start = Clock::now();
    EXPECT_EQ(p.ParkFor(timeout), ParkResult::kTimedOut);
    // 50 ms: "did not wait", not a latency figure.
    EXPECT_LT(Clock::now() - start, milliseconds(50));
    p.unparker().Unpark();
    EXPECT_EQ(p.ParkFor(timeout), ParkResult::kNotified);
  }
}

TYPED_TEST(ParkerContractTest, UnparkDuringATimedParkWakesIt) {
  Parker p(this->shared_);
  std::atomic<ParkResult> result{ParkResult::kTimedOut};
  std::thread owner([&] { result = p.ParkFor(seconds(30)); });
  this->AwaitParked(p);
  p.unparker().Unpark();
  owner.join();
  EXPECT_EQ(result, ParkResult::kNotified);
}

TYPED_TEST(ParkerContractTest, ParkAfterShutdownReturnsAtOnceForever) {
  Parker p(this->shared_);
  this->shared_->Shutdown();
  this->shared_->Shutdown();  // idempotent
  EXPECT_EQ(p.Park(), ParkResult::kShutdown);
  EXPECT_EQ(p.ParkFor(seconds(30)), ParkResult::kShutdown);
  p.unparker().Unpark();  // a notification changes nothing any more
  EXPECT_EQ(p.Park(), ParkResult::kShutdown);
  EXPECT_EQ(p.ParkFor(Clock::duration::zero()), ParkResult::kShutdown);
}

TYPED_TEST(ParkerContractTest, UnparkerOutlivesParkerAndItsOwner) {
  std::optional<Unparker> survivor;
  std::thread owner([&] {
    Parker p(this->shared_);
    survivor = p.unparker();
    EXPECT_EQ(p.ParkFor(Clock::duration::zero()), ParkResult::kTimedOut);
  });
  owner.join();
  // The Parker and its thread are gone; the unpark is a defined no-op.
  survivor->Unpark();
  survivor->Unpark();
}

// A waker rung for nobody (a stale unpark meant for an earlier driver
// holder) is counted as spurious and the holder goes back to sleep.
TEST(ParkerDriverTest, StaleWakerIsSpuriousAndTheHolderSleepsOn) {
  auto shared = MakeShared();
  Parker p(shared);
  std::atomic<ParkResult> result{ParkResult::kTimedOut};
  std::thread owner([&] { result = p.Park(); });
  ASSERT_TRUE(testing::Await(
      [&] { return p.state() == ParkState::kParkedDriver; }));
  shared->driver().Unpark();
  ASSERT_TRUE(
      testing::Await([&] { return p.counters().spurious_wakeups == 1; }));
  EXPECT_EQ(p.state(), ParkState::kParkedDriver);
  p.unparker().Unpark();
  owner.join();
  EXPECT_EQ(result, ParkResult::kNotified);
}

TEST(ParkerDriverTest, TimerWakesTheHolderAsADriverEvent) {
  auto shared = MakeShared();
  Parker p(shared);
  bool fired = false;
  shared->driver().AddTimer(Clock::now() + milliseconds(5),
                            [&] { fired = true; });
  EXPECT_EQ(p.ParkFor(seconds(30)), ParkResult::kDriverEvent);
  EXPECT_TRUE(fired);
}

TEST(ParkerDriverTest, OnlyOneThreadHoldsTheDriver) {
  auto shared = MakeShared();
  Parker a(shared), b(shared);
  std::thread ta([&] { a.Park(); });
  std::thread tb([&] { b.Park(); });
  ASSERT_TRUE(testing::Await([&] {
    return a.state() != ParkState::kEmpty && b.state() != ParkState::kEmpty;
  }));
  // One of them won the try-lock; the other fell back to its condvar.
  EXPECT_NE(a.state(), b.state());
  a.unparker().Unpark();
  b.unparker().Unpark();
  ta.join();
  tb.join();
  const ParkerCounters ca = a.counters(), cb = b.counters();
  EXPECT_EQ(ca.parks_driver + cb.parks_driver, 1u);
  EXPECT_EQ(ca.parks_condvar + cb.parks_condvar, 1u);
}

// The driver is never left empty while someone sleeps: when its holder
// leaves (here: a timer fired) and does not come back, the condvar sleeper
// takes it over, and the next timer is served by that thread without any
// unpark.
TEST(ParkerDriverTest, LeavingHolderHandsTheDriverToACondvarSleeper) {
  auto shared = MakeShared();
  Parker a(shared), b(shared);
  std::atomic<int> a_result{-1}, b_result{-1};
  std::thread ta([&] { a_result = static_cast<int>(a.ParkFor(seconds(30))); });
  std::thread tb([&] { b_result = static_cast<int>(b.ParkFor(seconds(30))); });
  ASSERT_TRUE(testing::Await([&] {
    return (a.state() == ParkState::kParkedDriver &&
            b.state() == ParkState::kParkedCondvar) ||
           (b.state() == ParkState::kParkedDriver &&
            a.state() == ParkState::kParkedCondvar);
  }));
  const bool a_held = a.state() == ParkState::kParkedDriver;
  Parker& holder = a_held ? a : b;
  Parker& sleeper = a_held ? b : a;
  std::atomic<int>& holder_result = a_held ? a_result : b_result;
  std::atomic<int>& sleeper_result = a_held ? b_result : a_result;
  // The holder wakes for a timer and leaves for good (its thread ends).
  shared->driver().AddTimer(Clock::now() + milliseconds(1), [] {});
  ASSERT_TRUE(testing::Await([&] { return holder_result.load() >= 0; }));
  EXPECT_EQ(holder_result.load(), static_cast<int>(ParkResult::kDriverEvent));
  (void)holder;
  // The sleeper must now be in the driver, with nobody having unparked it.
  ASSERT_TRUE(testing::Await(
      [&] { return sleeper.state() == ParkState::kParkedDriver; }));
  // The sleeper counts the hand-off just after it publishes kParkedDriver
  // (counters are relaxed and may lag the state): wait for the count, then
  // check it is exactly one.
  ASSERT_TRUE(testing::Await([&] { return shared->handoffs() >= 1u; }));
  EXPECT_EQ(shared->handoffs(), 1u);
  bool fired = false;
  shared->driver().AddTimer(Clock::now() + milliseconds(1),
                            [&] { fired = true; });
  ta.join();
  tb.join();
  EXPECT_EQ(sleeper_result.load(), static_cast<int>(ParkResult::kDriverEvent));
  EXPECT_TRUE(fired);
  EXPECT_EQ(a.counters().unparks_condvar + b.counters().unparks_condvar +
                a.counters().unparks_driver + b.counters().unparks_driver,
            0u);
}

// A sleeper that registers while the holder is leaving must not miss the
// free driver (the two orders of ReleaseDriver and ParkOnCondvar).
TEST(ParkerDriverTest, DriverIsAlwaysRetakenUnderChurn) {
  auto shared = MakeShared();
  constexpr int kThreads = 3;
  constexpr int kRounds = 300;
  std::vector<std::unique_ptr<Parker>> parkers;
  for (int i = 0; i < kThreads; ++i) {
    parkers.push_back(std::make_unique<Parker>(shared));
  }
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (parkers[i]->Park() != ParkResult::kShutdown) {
      }
    });
  }
  // Every timer must fire with no unpark at all: only a thread parked in
  // the driver can run it, so each one proves the driver was held.
  for (int r = 0; r < kRounds; ++r) {
    const int want = r + 1;
    shared->driver().AddTimer(Clock::now(), [&] { fired.fetch_add(1); });
    ASSERT_TRUE(testing::Await([&] { return fired.load() >= want; }))
        << "timer " << r << " never fired: nobody held the driver";
  }
  shared->Shutdown();
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace park
