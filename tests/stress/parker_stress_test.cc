// K threads x M rounds of park/unpark; any lost wakeup fails the test, which
// is bounded by a deadline: it fails, it never hangs.
//
// The threads pass tickets round a ring: each thread waits until it holds a
// ticket, spends it, and hands one to its successor (ticket first, then
// Unpark). K tickets circulate, so most of the time several threads are
// parked at once, some in the driver and some on condvars, and unparks race
// with parks in every order. A lost wakeup leaves a thread parked with a
// ticket in hand and no further unpark coming: the ring stops, the watchdog
// below notices the missed deadline, records the failure and shuts the
// SharedDriver down to free every thread for the join.
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "park/parker/parker.h"
#include "testing/await.h"

namespace park {
namespace {

using Clock = Parker::Clock;
using std::chrono::microseconds;
using std::chrono::seconds;

struct alignas(64) Slot {
  std::atomic<uint64_t> tickets{0};
  std::atomic<uint64_t> done_rounds{0};
};

// `tokens`: how many tickets circulate (1: a strict relay where all but one
// thread are parked at any time; `threads`: everybody starts with one).
void RunRing(int threads, int tokens, uint64_t rounds, bool timed_parks) {
  absl::StatusOr<std::shared_ptr<SharedDriver>> shared = SharedDriver::Create();
  ASSERT_TRUE(shared.ok()) << shared.status();
  std::vector<std::unique_ptr<Parker>> parkers;
  std::vector<Unparker> unparkers;
  for (int i = 0; i < threads; ++i) {
    parkers.push_back(std::make_unique<Parker>(*shared));
    unparkers.push_back(parkers.back()->unparker());
  }
  std::vector<Slot> slots(threads);
  for (int i = 0; i < tokens; ++i) slots[i].tickets = 1;
  std::atomic<bool> aborted{false};

  auto worker = [&](int i) {
    Parker& parker = *parkers[i];
    std::minstd_rand rng(i + 1);
    uint64_t spent = 0;
    while (spent < rounds) {
      // Wait for a ticket; the ticket count is the state the unparker writes
      // first, re-checked after every park.
      while (slots[i].tickets.load(std::memory_order_acquire) <= spent) {
        ParkResult r = timed_parks && rng() % 4 == 0
                           ? parker.ParkFor(microseconds(rng() % 200))
                           : parker.Park();
        if (r == ParkResult::kShutdown) return;
      }
      ++spent;
      slots[i].done_rounds.store(spent, std::memory_order_relaxed);
      const int next = (i + 1) % threads;
      // Release pairs with the acquire load of the successor's wait loop.
      slots[next].tickets.fetch_add(1, std::memory_order_release);
      unparkers[next].Unpark();
      // Now and then an unpark for nobody: must be harmless.
      if (rng() % 16 == 0) unparkers[rng() % threads].Unpark();
    }
  };

  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker, i);

  // The watchdog: progress must be made at least every kStall, and the
  // whole run must end by kDeadline; otherwise it is a lost wakeup.
  const auto kStall = seconds(10);
  const auto kDeadline = Clock::now() + seconds(240);
  uint64_t last_total = 0;
  auto last_progress = Clock::now();
  for (;;) {
    uint64_t total = 0;
    for (auto& s : slots) total += s.done_rounds.load(std::memory_order_relaxed);
    if (total == rounds * threads) break;
    const auto now = Clock::now();
    if (total != last_total) {
      last_total = total;
      last_progress = now;
    } else if (now - last_progress > kStall || now > kDeadline) {
      aborted = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (aborted) {
    std::string report;
    for (int i = 0; i < threads; ++i) {
      report += "thread " + std::to_string(i) + ": rounds " +
                std::to_string(slots[i].done_rounds.load()) + ", tickets " +
                std::to_string(slots[i].tickets.load()) + ", state " +
                std::to_string(static_cast<int>(parkers[i]->state())) + "\n";
    }
    ADD_FAILURE() << "no progress for " << kStall.count()
                  << " s: lost wakeup\n"
                  << report;
    (*shared)->Shutdown();
  }
  for (auto& t : pool) t.join();

  ParkerCounters sum;
  for (auto& p : parkers) {
    const ParkerCounters c = p->counters();
    sum.parks_driver += c.parks_driver;
    sum.parks_condvar += c.parks_condvar;
  }
  // Both sleeping paths were exercised, or the test proved less than it says.
  EXPECT_GT(sum.parks_driver, 0u);
  EXPECT_GT(sum.parks_condvar, 0u);
  std::printf("threads=%d rounds=%llu parks_driver=%llu parks_condvar=%llu\n",
              threads, static_cast<unsigned long long>(rounds),
              static_cast<unsigned long long>(sum.parks_driver),
              static_cast<unsigned long long>(sum.parks_condvar));
}

TEST(ParkerStressTest, RelayOfOneTokenLosesNoWakeup) {
  RunRing(4, 1, 10000 * testing::StressScale(), /*timed_parks=*/false);
}

TEST(ParkerStressTest, RingOfManyTokensLosesNoWakeup) {
  RunRing(4, 4, 10000 * testing::StressScale(), /*timed_parks=*/false);
}

TEST(ParkerStressTest, RingWithTimedParksLosesNoWakeup) {
  RunRing(3, 2, 3000 * testing::StressScale(), /*timed_parks=*/true);
}

TEST(ParkerStressTest, ManyMoreThreadsThanCores) {
  RunRing(12, 3, 500 * testing::StressScale(), /*timed_parks=*/false);
}

}  // namespace
}  // namespace park
