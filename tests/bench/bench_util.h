// What the benchmark programs of tests/bench/ and their peers in
// bench/peers/asio/ share, so that every runtime is timed, summarised and
// configured the same way: environment parsing, the completion channel to
// the main thread, percentiles, the 10 us stall of Tokio's benches and the
// oneshot of ping_pong.
//
// Header-only and free of libpark: the Asio programs, which are built by
// bench/peers/compare.sh outside meson, include it too. Not thread-safe
// unless a function says so.
#ifndef PARKD_TESTS_BENCH_BENCH_UTIL_H_
#define PARKD_TESTS_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace park_bench {

using Clock = std::chrono::steady_clock;

// The parameters of tokio/benches/rt_multi_threaded.rs.
inline constexpr size_t kNumSpawn = 10000;
inline constexpr size_t kNumSpawnBusy2 = 1000;
inline constexpr size_t kNumYield = 1000;
inline constexpr size_t kYieldTasks = 200;
inline constexpr size_t kNumPings = 1000;
inline constexpr size_t kChainIter = 1000;

// The whole-number value of environment variable `name`, or `fallback`
// when it is unset or empty. Anything else exits with status 2 and says so:
// a typo must not quietly run the default.
inline size_t EnvSize(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long x = std::strtoull(v, &end, 10);
  if (*end != '\0' || *v == '-') {
    std::fprintf(stderr, "%s=%s is not a whole number\n", name, v);
    std::exit(2);
  }
  return static_cast<size_t>(x);
}

// The settings every runtime-workload program honours (WORKERS, REPS,
// WARMUP, WAKE_TRIALS, WAKE_SLEEP_US), with the defaults of the peers.
struct WorkloadConfig {
  size_t workers = std::max<size_t>(1, EnvSize("WORKERS", 2));
  size_t reps = std::max<size_t>(1, EnvSize("REPS", 20));
  size_t warmup = EnvSize("WARMUP", 3);
  size_t wake_trials = std::max<size_t>(1, EnvSize("WAKE_TRIALS", 2000));
  size_t wake_sleep_us = EnvSize("WAKE_SLEEP_US", 1000);
};

// Counting channel: Send() from a task (any thread), Recv() blocks until a
// Send() is there to consume. The role std::sync::mpsc plays in Tokio's
// bench. Send notifies after unlocking (a receiver woken under the lock
// would only block on it), so the receiver of the last message can return
// and destroy the channel while that Send is still inside notify_one: the
// destructor waits for such a Send to leave (found by TSan in the floor
// program's wake-latency run).
class Chan {
 public:
  ~Chan() {
    while (notifying_.load(std::memory_order_acquire) != 0) {
      std::this_thread::yield();
    }
  }
  void Send() {
    {
      std::lock_guard<std::mutex> l(m_);
      ++n_;
      // Under the lock: a Recv that takes this message sees it.
      notifying_.fetch_add(1, std::memory_order_relaxed);
    }
    cv_.notify_one();
    notifying_.fetch_sub(1, std::memory_order_release);
  }
  void Recv() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return n_ > 0; });
    --n_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  size_t n_ = 0;
  std::atomic<int> notifying_{0};  // Sends between their unlock and return
};

inline double Us(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// Both take a sorted, non-empty vector. Percentiles are nearest-rank.
inline double MedianSorted(const std::vector<double>& v) {
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}
inline double PercentileSorted(const std::vector<double>& v, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  rank = std::min(std::max<size_t>(rank, 1), v.size());
  return v[rank - 1];
}

// Prints `name median_us min_us` of `samples` (microseconds), the line
// format of every runtime-workload program.
inline void PrintSummary(const char* name, std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  std::printf("%s %.3f %.3f\n", name, MedianSorted(samples), samples[0]);
  std::fflush(stdout);
}

// The task of the spawn_many rows: counts down, the last one signals.
struct CountDown {
  std::atomic<size_t>* remaining;
  Chan* done;
  void operator()() const {
    if (remaining->fetch_sub(1, std::memory_order_relaxed) == 1) done->Send();
  }
};

// One repetition of spawn_many_local: a task on the pool spawns `n`
// counter tasks; the time until the last one ran. `spawn(f)` is the
// runtime's spawn, a small copyable callable.
template <class SpawnFn>
Clock::duration SpawnLocalOnce(SpawnFn spawn, size_t n,
                               std::atomic<size_t>& remaining, Chan& done) {
  remaining.store(n, std::memory_order_relaxed);
  const auto start = Clock::now();
  spawn([spawn, n, &remaining, &done] {
    for (size_t i = 0; i < n; ++i) spawn(CountDown{&remaining, &done});
  });
  done.Recv();
  return Clock::now() - start;
}

// One repetition of the spawn_many_remote rows: the calling thread, outside
// the pool, spawns `n` counter tasks; the time until the last one ran.
template <class SpawnFn>
Clock::duration SpawnRemoteOnce(SpawnFn spawn, size_t n,
                                std::atomic<size_t>& remaining, Chan& done) {
  remaining.store(n, std::memory_order_relaxed);
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) spawn(CountDown{&remaining, &done});
  done.Recv();
  return Clock::now() - start;
}

// Tokio's STALL_DUR: 10 us of yielding the CPU in a loop.
inline void Stall() {
  const auto start = Clock::now();
  while (Clock::now() - start < std::chrono::microseconds(10)) {
    std::this_thread::yield();
  }
}

// ping_pong's oneshot as an atomic state. The receiver polls: the value is
// there (go on inline, as awaiting a ready oneshot does) or it registers as
// waiting; the sender learns whether the receiver waits, and then schedules
// the receiver's continuation.
class Oneshot {
 public:
  // True: the value is there; false: the sender will schedule the caller's
  // continuation.
  bool Poll() {
    int expected = kEmpty;
    // acq_rel pairs with Send's exchange in both orders.
    return !state_.compare_exchange_strong(expected, kWaiting,
                                           std::memory_order_acq_rel,
                                           std::memory_order_acquire);
  }
  // True: the receiver was waiting, its continuation must be scheduled.
  bool Send() {
    return state_.exchange(kValue, std::memory_order_acq_rel) == kWaiting;
  }

 private:
  enum : int { kEmpty = 0, kValue = 1, kWaiting = 2 };
  std::atomic<int> state_{kEmpty};
};

// Runs `f` WARMUP times untimed, then REPS times; `f` returns the time of
// what it measures. Prints the summary line.
template <class F>
void Measure(const WorkloadConfig& cfg, const char* name, F&& f) {
  for (size_t i = 0; i < cfg.warmup; ++i) f();
  std::vector<double> v;
  for (size_t i = 0; i < cfg.reps; ++i) v.push_back(Us(f()));
  PrintSummary(name, std::move(v));
}

// One ping_pong iteration, task A: makes two oneshots and spawns B, which
// awaits the first and answers on the second; A sends on the first and
// awaits the answer, then counts down `remaining` (the last one signals
// `done`). `spawn(f)` is the runtime's spawn, a small copyable callable.
// The continuations capture one shared_ptr each, as a Tokio task owns its
// oneshot halves.
template <class SpawnFn>
class PingPong {
 public:
  static void A(SpawnFn spawn, std::atomic<size_t>* remaining, Chan* done) {
    auto st = std::make_shared<State>();
    st->spawn = spawn;
    st->remaining = remaining;
    st->done = done;
    st->spawn([st] { B(st); });
    if (st->to_b.Send()) st->spawn([st] { BFinish(st); });
    if (st->to_a.Poll()) AFinish(st);
  }

 private:
  struct State {
    SpawnFn spawn;
    std::atomic<size_t>* remaining;
    Chan* done;
    Oneshot to_b;
    Oneshot to_a;
  };
  static void AFinish(const std::shared_ptr<State>& st) {
    if (st->remaining->fetch_sub(1, std::memory_order_relaxed) == 1) {
      st->done->Send();
    }
  }
  static void BFinish(const std::shared_ptr<State>& st) {
    if (st->to_a.Send()) st->spawn([st] { AFinish(st); });
  }
  static void B(const std::shared_ptr<State>& st) {
    if (st->to_b.Poll()) BFinish(st);
  }
};

// wake_latency: the pool is idle (workers parked); the main thread sleeps
// WAKE_SLEEP_US, takes t0 and spawns a task whose first action is to take
// t1. Prints the median and p99 of t1 - t0 over WAKE_TRIALS trials (after
// 50 untimed). `spawn(f)` runs f once on the pool.
template <class SpawnFn>
void WakeLatency(const WorkloadConfig& cfg, SpawnFn&& spawn) {
  Chan done;
  Clock::time_point t1;  // written by the task before Send, read after Recv
  const size_t warm = std::min<size_t>(50, cfg.wake_trials);
  std::vector<double> v;
  v.reserve(cfg.wake_trials);
  for (size_t i = 0; i < warm + cfg.wake_trials; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(cfg.wake_sleep_us));
    const auto t0 = Clock::now();
    spawn([&] {
      t1 = Clock::now();
      done.Send();
    });
    done.Recv();
    if (i >= warm) v.push_back(Us(t1 > t0 ? t1 - t0 : Clock::duration::zero()));
  }
  std::sort(v.begin(), v.end());
  std::printf("wake_latency %.3f %.3f\n", MedianSorted(v), v[0]);
  std::printf("wake_latency_p99 %.3f %.3f\n", PercentileSorted(v, 99.0), v[0]);
  std::fflush(stdout);
}

// The workload names every program knows, in the order they run.
inline constexpr std::array<const char*, 8> kWorkloadNames = {
    "spawn_many_local",
    "spawn_many_remote_idle",
    "spawn_many_remote_busy",
    "spawn_many_remote_busy2",
    "yield_many",
    "ping_pong",
    "chained_spawn",
    "wake_latency"};

// Exits with status 2, listing the known names, when an argument is not a
// workload name: to be called before anything runs.
inline void CheckWorkloadNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::none_of(
            kWorkloadNames.begin(), kWorkloadNames.end(),
            [&](const char* n) { return std::strcmp(argv[i], n) == 0; })) {
      std::fprintf(stderr, "unknown workload %s; known:", argv[i]);
      for (const char* n : kWorkloadNames) std::fprintf(stderr, " %s", n);
      std::fprintf(stderr, "\n");
      std::exit(2);
    }
  }
}

// Runs fns[i], the workload kWorkloadNames[i], for every workload the
// command line names (none: all of them), in that order.
template <class Cfg>
void RunWorkloads(int argc, char** argv, const Cfg& cfg,
                  const std::array<void (*)(const Cfg&), 8>& fns) {
  for (size_t i = 0; i < fns.size(); ++i) {
    bool wanted = argc <= 1;
    for (int a = 1; a < argc; ++a) {
      wanted |= std::strcmp(argv[a], kWorkloadNames[i]) == 0;
    }
    if (wanted) fns[i](cfg);
  }
}

}  // namespace park_bench

#endif  // PARKD_TESTS_BENCH_BENCH_UTIL_H_
