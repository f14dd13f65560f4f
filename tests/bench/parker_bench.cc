// Parker wake-up costs beside the kernel's floor, in one binary and one run.
//
// BM_WakeLatency_<path>: two threads pass a turn back and forth; each waits
// for its turn by the path's mechanism and wakes the other by the same
// mechanism. One iteration is one round trip; the reported time is one-way
// (round trip / 2), i.e. from the wake call to the woken thread running.
//   Futex    raw FUTEX_WAIT/FUTEX_WAKE on the turn word: the floor
//   Driver   Parker that holds its driver: Unpark = eventfd write, wait =
//            epoll_wait (each thread has its own SharedDriver)
//   Condvar  Parker whose driver is held elsewhere: Unpark = mutex handoff +
//            condvar notify, wait = condvar
// BM_Unpark_*: the cost of an Unpark that finds nobody parked.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "benchmark/benchmark.h"
#include "park/parker/parker.h"

namespace park {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<SharedDriver> MakeShared() {
  absl::StatusOr<std::shared_ptr<SharedDriver>> s = SharedDriver::Create();
  if (!s.ok()) std::abort();
  return *std::move(s);
}

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE,
            expected, nullptr, nullptr, 0);
}
void FutexWake(std::atomic<uint32_t>* word) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE,
            1, nullptr, nullptr, 0);
}

// turn: 0 = main's turn, 1 = peer's turn, 2 = stop.
void BM_WakeLatency_Futex(benchmark::State& state) {
  std::atomic<uint32_t> turn{0};
  std::thread peer([&] {
    for (;;) {
      uint32_t t;
      while ((t = turn.load()) == 0) FutexWait(&turn, 0);
      if (t == 2) return;
      turn.store(0);
      FutexWake(&turn);
    }
  });
  for (auto _ : state) {
    const auto start = Clock::now();
    turn.store(1);
    FutexWake(&turn);
    while (turn.load() == 1) FutexWait(&turn, 1);
    state.SetIterationTime(
        std::chrono::duration<double>(Clock::now() - start).count() / 2);
  }
  turn.store(2);
  FutexWake(&turn);
  peer.join();
}
BENCHMARK(BM_WakeLatency_Futex)->UseManualTime()->Iterations(20000);

template <bool kCondvar>
void ParkerPingPong(benchmark::State& state) {
  auto shared_main = MakeShared();
  auto shared_peer = MakeShared();
  if (kCondvar) {
    // Hold both drivers so that each Parker falls back to its condvar.
    shared_main->TryLockDriver();
    shared_peer->TryLockDriver();
  }
  Parker main_parker(shared_main);
  Parker peer_parker(shared_peer);
  const Unparker wake_main = main_parker.unparker();
  const Unparker wake_peer = peer_parker.unparker();
  std::atomic<uint32_t> turn{0};
  std::thread peer([&] {
    for (;;) {
      uint32_t t;
      while ((t = turn.load()) == 0) peer_parker.Park();
      if (t == 2) return;
      turn.store(0);
      wake_main.Unpark();
    }
  });
  for (auto _ : state) {
    const auto start = Clock::now();
    turn.store(1);
    wake_peer.Unpark();
    while (turn.load() == 1) main_parker.Park();
    state.SetIterationTime(
        std::chrono::duration<double>(Clock::now() - start).count() / 2);
  }
  turn.store(2);
  wake_peer.Unpark();
  peer.join();
  const ParkerCounters c = peer_parker.counters();
  state.counters["peer_parks_driver"] = c.parks_driver;
  state.counters["peer_parks_condvar"] = c.parks_condvar;
}

void BM_WakeLatency_Driver(benchmark::State& state) {
  ParkerPingPong<false>(state);
}
void BM_WakeLatency_Condvar(benchmark::State& state) {
  ParkerPingPong<true>(state);
}
BENCHMARK(BM_WakeLatency_Driver)->UseManualTime()->Iterations(20000);
BENCHMARK(BM_WakeLatency_Condvar)->UseManualTime()->Iterations(20000);

// Unpark with nobody parked: one exchange on the state word (kEmpty or
// kNotified in, kNotified out) and a relaxed counter.
void BM_Unpark_NobodyParked(benchmark::State& state) {
  auto shared = MakeShared();
  Parker parker(shared);
  const Unparker unparker = parker.unparker();
  for (auto _ : state) unparker.Unpark();
}
BENCHMARK(BM_Unpark_NobodyParked);

// The driver's waker with a wake already pending: coalesced, no syscall.
void BM_DriverUnpark_Coalesced(benchmark::State& state) {
  auto shared = MakeShared();
  for (auto _ : state) shared->driver().Unpark();
}
BENCHMARK(BM_DriverUnpark_Coalesced);

// For scale: the same eventfd write when every call pays the syscall.
void BM_DriverUnpark_EventfdWriteEachTime(benchmark::State& state) {
  auto shared = MakeShared();
  for (auto _ : state) {
    const auto start = Clock::now();
    shared->driver().Unpark();
    state.SetIterationTime(
        std::chrono::duration<double>(Clock::now() - start).count());
    shared->driver().Park(Clock::now());  // consume it, untimed
  }
}
BENCHMARK(BM_DriverUnpark_EventfdWriteEachTime)->UseManualTime();

}  // namespace
}  // namespace park

BENCHMARK_MAIN();
