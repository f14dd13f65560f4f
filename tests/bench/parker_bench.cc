// Parker wake-up costs beside the kernel's floor, in one binary and one run.
//
// BM_WakeLatency_<path>/<placement>: two threads pass a turn back and forth;
// each waits for its turn by the path's mechanism and wakes the other by the
// same mechanism. One iteration is one round trip; the reported time and the
// p50_ns / p99_ns counters are one-way (round trip / 2): from the wake call
// to the woken thread running.
//   Futex    raw FUTEX_WAIT/FUTEX_WAKE on the turn word: the floor
//   Driver   a Parker that holds its driver: Unpark = eventfd write, wait =
//            epoll_wait (each thread has its own SharedDriver)
//   Condvar  a Parker whose driver is held elsewhere: Unpark = mutex
//            handoff + condvar notify, wait = condvar
// Placements: 0 unpinned (as a pool runs), 1 cross_cpu (pinned to CPUs 0
// and 1: the woken thread's CPU is idle and must itself be woken), 2
// same_cpu (both on CPU 0: a bare context switch). Compare paths only
// within one placement: the scheduler's choices differ more between
// placements than the mechanisms do.
// BM_Unpark_*: the cost of an Unpark that finds nobody parked.
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

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

void PinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void Unpin() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int n = static_cast<int>(std::thread::hardware_concurrency());
  for (int i = 0; i < n; ++i) CPU_SET(i, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// One side of the ping-pong: how a thread sleeps until `turn` changes and
// how it wakes its peer.
class FutexSide {
 public:
  explicit FutexSide(std::atomic<uint32_t>* turn) : turn_(turn) {}
  void WaitWhile(uint32_t value) {
    while (turn_->load() == value) {
      ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(turn_),
                FUTEX_WAIT_PRIVATE, value, nullptr, nullptr, 0);
    }
  }
  void WakePeer(FutexSide&) {
    ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(turn_),
              FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

 private:
  std::atomic<uint32_t>* turn_;
};

template <bool kUseCondvar>
class ParkerSide {
 public:
  explicit ParkerSide(std::atomic<uint32_t>* turn)
      : turn_(turn), shared_(MakeShared()), parker_(shared_) {
    // Holding the driver forces this Parker onto its condvar.
    if (kUseCondvar) shared_->TryLockDriver();
  }
  void WaitWhile(uint32_t value) {
    while (turn_->load() == value) parker_.Park();
  }
  void WakePeer(ParkerSide& peer) { peer.parker_.unparker().Unpark(); }
  ParkerCounters counters() const { return parker_.counters(); }

 private:
  std::atomic<uint32_t>* turn_;
  std::shared_ptr<SharedDriver> shared_;
  Parker parker_;
};

// turn: 0 = main's turn, 1 = peer's turn, 2 = stop.
template <typename Side>
void PingPong(benchmark::State& state) {
  const int placement = static_cast<int>(state.range(0));
  std::atomic<uint32_t> turn{0};
  Side main_side(&turn), peer_side(&turn);
  std::thread peer([&] {
    if (placement == 1) PinTo(1);
    if (placement == 2) PinTo(0);
    for (;;) {
      peer_side.WaitWhile(0);
      if (turn.load() == 2) return;
      turn.store(0);
      peer_side.WakePeer(main_side);
    }
  });
  if (placement != 0) PinTo(0);
  std::vector<double> one_way_ns;
  one_way_ns.reserve(state.max_iterations);
  for (auto _ : state) {
    const auto start = Clock::now();
    turn.store(1);
    main_side.WakePeer(peer_side);
    main_side.WaitWhile(1);
    const double ns =
        std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
        2;
    one_way_ns.push_back(ns);
    state.SetIterationTime(ns * 1e-9);
  }
  turn.store(2);
  main_side.WakePeer(peer_side);
  peer.join();
  Unpin();
  std::sort(one_way_ns.begin(), one_way_ns.end());
  state.counters["p50_ns"] = one_way_ns[one_way_ns.size() / 2];
  state.counters["p99_ns"] = one_way_ns[one_way_ns.size() * 99 / 100];
  state.SetLabel(placement == 0   ? "unpinned"
                 : placement == 1 ? "cross_cpu"
                                  : "same_cpu");
}

void BM_WakeLatency_Futex(benchmark::State& s) { PingPong<FutexSide>(s); }
void BM_WakeLatency_Driver(benchmark::State& s) {
  PingPong<ParkerSide<false>>(s);
}
void BM_WakeLatency_Condvar(benchmark::State& s) {
  PingPong<ParkerSide<true>>(s);
}
BENCHMARK(BM_WakeLatency_Futex)->DenseRange(0, 2)->UseManualTime()->Iterations(10000);
BENCHMARK(BM_WakeLatency_Driver)->DenseRange(0, 2)->UseManualTime()->Iterations(10000);
BENCHMARK(BM_WakeLatency_Condvar)->DenseRange(0, 2)->UseManualTime()->Iterations(10000);

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

// For scale: the same Unpark when every call pays the eventfd write.
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
