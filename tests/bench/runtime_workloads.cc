// runtime_workloads: the workloads of Tokio's scheduler benchmark
// (benches/rt_multi_threaded.rs) on the parkd Runtime, defined exactly as in
// ../shared/peers/README.md ("The workloads") so that this program is one
// more column of ../shared/peers/run.sh:
//
//   ./run.sh parkd=/path/to/build/tests/bench/runtime_workloads
//
// Output: `name median_us min_us` per workload (`#` lines are comments);
// wake_latency adds `wake_latency_p99 p99_us min_us`.
// Environment: WORKERS (2), REPS (20), WARMUP (3), WAKE_TRIALS (2000),
// WAKE_SLEEP_US (1000), POLICY (condvar_first | most_recent), COUNTERS
// (print counter totals per workload), REPDUMP (a line per repetition),
// SPIN_US (RuntimeOptions.spin_before_park_us; 0 parks at once), SLICE_US
// (RuntimeOptions.worker_slice_us; 0 keeps the kernel's default slice).
// Arguments: workload names to run only those.
//
// Mapping: spawn = Runtime::Spawn; yield_now = a task returning
// TaskStatus::kYield (re-queued behind the worker's queued work, no new
// allocation); completion signal to the main thread = a mutex+condvar
// counting channel, as in asio-bench.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "park/runtime/runtime.h"

namespace {

using Clock = std::chrono::steady_clock;
using park::Runtime;
using park::TaskStatus;

// Parameters of tokio/benches/rt_multi_threaded.rs.
constexpr size_t kNumSpawn = 10000;
constexpr size_t kNumSpawnBusy2 = 1000;
constexpr auto kStall = std::chrono::microseconds(10);
constexpr size_t kNumYield = 1000;
constexpr size_t kYieldTasks = 200;
constexpr size_t kNumPings = 1000;
constexpr size_t kChainIter = 1000;

size_t EnvSize(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  unsigned long long x = std::strtoull(v, &end, 10);
  if (*end != '\0') {
    std::fprintf(stderr, "%s=%s is not a whole number\n", name, v);
    std::exit(2);
  }
  return static_cast<size_t>(x);
}

struct Cfg {
  size_t workers = std::max<size_t>(1, EnvSize("WORKERS", 2));
  size_t reps = std::max<size_t>(1, EnvSize("REPS", 20));
  size_t warmup = EnvSize("WARMUP", 3);
  size_t wake_trials = std::max<size_t>(1, EnvSize("WAKE_TRIALS", 2000));
  size_t wake_sleep_us = EnvSize("WAKE_SLEEP_US", 1000);
  park::WakePolicy policy = park::WakePolicy::kCondvarFirst;
  int spin_us = static_cast<int>(
      EnvSize("SPIN_US", park::RuntimeOptions{}.spin_before_park_us));
  int slice_us = static_cast<int>(
      EnvSize("SLICE_US", park::RuntimeOptions{}.worker_slice_us));
};

void PrintCounters(const char* name, const Runtime& rt) {
  if (std::getenv("COUNTERS") == nullptr) return;
  const park::RuntimeCounters c = rt.counters();
  const park::WorkerCounters& t = c.total;
  std::printf(
      "# %s: tasks_run=%llu steals=%llu inject_pulls=%llu parks_driver=%llu "
      "parks_condvar=%llu unparks_driver=%llu unparks_condvar=%llu "
      "unparks_noop=%llu spurious=%llu spins=%llu spins_found=%llu "
      "waker_writes=%llu turns=%llu\n",
      name, (unsigned long long)t.tasks_run, (unsigned long long)t.steals,
      (unsigned long long)t.inject_pulls, (unsigned long long)t.parks_driver,
      (unsigned long long)t.parks_condvar, (unsigned long long)t.unparks_driver,
      (unsigned long long)t.unparks_condvar, (unsigned long long)t.unparks_noop,
      (unsigned long long)t.spurious_wakeups, (unsigned long long)t.spins,
      (unsigned long long)t.spins_found,
      (unsigned long long)c.driver.waker_writes,
      (unsigned long long)c.driver.turns);
}

std::unique_ptr<Runtime> MakeRuntime(const Cfg& cfg) {
  park::RuntimeOptions options;
  options.workers = static_cast<int>(cfg.workers);
  options.wake_policy = cfg.policy;
  options.spin_before_park_us = cfg.spin_us;
  options.worker_slice_us = cfg.slice_us;
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Create(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "Runtime::Create: %s\n",
                 rt.status().ToString().c_str());
    std::exit(1);
  }
  // Said once per workload on stdout as a comment: a kernel without
  // per-thread slices runs every workload with the default one.
  if (!(*rt)->worker_slice_status().ok()) {
    std::printf("# worker slice not applied: %s\n",
                std::string((*rt)->worker_slice_status().message()).c_str());
  }
  return *std::move(rt);
}

void Spawn(Runtime& rt, auto&& f) {
  if (absl::Status s = rt.Spawn(std::forward<decltype(f)>(f)); !s.ok()) {
    std::fprintf(stderr, "spawn: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

// Counting channel: Send() from a task, Recv() blocks the main thread.
class Chan {
 public:
  void Send() {
    {
      std::lock_guard<std::mutex> l(m_);
      ++n_;
    }
    cv_.notify_one();
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
};

double Us(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}
double MedianSorted(const std::vector<double>& v) {
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}
double PercentileSorted(const std::vector<double>& v, double p) {
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  rank = std::min(std::max<size_t>(rank, 1), v.size());
  return v[rank - 1];
}

// REPDUMP=1: one `#` line per timed repetition with its time and what the
// workers did during it (counter deltas), to tell apart the modes a
// workload's repetitions fall into.
void DumpRep(const char* name, size_t rep, double us,
             const park::WorkerCounters& a, const park::WorkerCounters& b) {
  std::printf(
      "# %s rep %zu: %.1f us tasks_run=%llu steals=%llu inject_pulls=%llu "
      "parks_driver=%llu parks_condvar=%llu unparks_driver=%llu "
      "unparks_condvar=%llu unparks_noop=%llu spurious=%llu spins=%llu "
      "spins_found=%llu\n",
      name, rep, us, (unsigned long long)(b.tasks_run - a.tasks_run),
      (unsigned long long)(b.steals - a.steals),
      (unsigned long long)(b.inject_pulls - a.inject_pulls),
      (unsigned long long)(b.parks_driver - a.parks_driver),
      (unsigned long long)(b.parks_condvar - a.parks_condvar),
      (unsigned long long)(b.unparks_driver - a.unparks_driver),
      (unsigned long long)(b.unparks_condvar - a.unparks_condvar),
      (unsigned long long)(b.unparks_noop - a.unparks_noop),
      (unsigned long long)(b.spurious_wakeups - a.spurious_wakeups),
      (unsigned long long)(b.spins - a.spins),
      (unsigned long long)(b.spins_found - a.spins_found));
}

template <class F>
void Measure(const Cfg& cfg, const Runtime& rt, const char* name, F&& f) {
  const bool dump = std::getenv("REPDUMP") != nullptr;
  for (size_t i = 0; i < cfg.warmup; ++i) f();
  std::vector<double> v;
  for (size_t i = 0; i < cfg.reps; ++i) {
    if (!dump) {
      v.push_back(Us(f()));
      continue;
    }
    const park::WorkerCounters before = rt.counters().total;
    v.push_back(Us(f()));
    DumpRep(name, i, v.back(), before, rt.counters().total);
  }
  std::sort(v.begin(), v.end());
  std::printf("%s %.3f %.3f\n", name, MedianSorted(v), v[0]);
  PrintCounters(name, rt);
  std::fflush(stdout);
}

void Stall() {
  const auto start = Clock::now();
  while (Clock::now() - start < kStall) std::this_thread::yield();
}

struct CountDown {
  std::atomic<size_t>* remaining;
  Chan* done;
  void operator()() const {
    if (remaining->fetch_sub(1, std::memory_order_relaxed) == 1) done->Send();
  }
};

void SpawnManyLocal(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "spawn_many_local", [&] {
    remaining.store(kNumSpawn, std::memory_order_relaxed);
    const auto start = Clock::now();
    Spawn(*rt, [&] {
      for (size_t i = 0; i < kNumSpawn; ++i) {
        Spawn(*rt, CountDown{&remaining, &done});
      }
    });
    done.Recv();
    return Clock::now() - start;
  });
}

Clock::duration SpawnRemote(Runtime& rt, size_t n,
                            std::atomic<size_t>& remaining, Chan& done) {
  remaining.store(n, std::memory_order_relaxed);
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) Spawn(rt, CountDown{&remaining, &done});
  done.Recv();
  return Clock::now() - start;
}

void SpawnManyRemoteIdle(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "spawn_many_remote_idle",
          [&] { return SpawnRemote(*rt, kNumSpawn, remaining, done); });
}

// busy1: loop { yield_now; stall 10 us } while the flag is up.
struct BusyYield {
  std::atomic<bool>* running;
  TaskStatus operator()() const {
    if (!running->load(std::memory_order_relaxed)) return TaskStatus::kDone;
    Stall();
    return TaskStatus::kYield;
  }
};

void SpawnManyRemoteBusy(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  std::atomic<bool> running{true};
  auto rt = MakeRuntime(cfg);
  for (size_t i = 0; i < 2 * cfg.workers; ++i) Spawn(*rt, BusyYield{&running});
  Measure(cfg, *rt, "spawn_many_remote_busy",
          [&] { return SpawnRemote(*rt, kNumSpawn, remaining, done); });
  running.store(false);
}

// busy2: stall 10 us, then spawn a successor, while the flag is up.
struct BusyChain {
  Runtime* rt;
  std::atomic<bool>* running;
  void operator()() const {
    if (!running->load(std::memory_order_relaxed)) return;
    Stall();
    // Spawning fails only once the runtime is shutting down at the end.
    rt->Spawn(*this).IgnoreError();
  }
};

void SpawnManyRemoteBusy2(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  std::atomic<bool> running{true};
  auto rt = MakeRuntime(cfg);
  for (size_t i = 0; i < cfg.workers; ++i) {
    Spawn(*rt, BusyChain{rt.get(), &running});
  }
  Measure(cfg, *rt, "spawn_many_remote_busy2",
          [&] { return SpawnRemote(*rt, kNumSpawnBusy2, remaining, done); });
  running.store(false);
}

struct Yielder {
  Chan* done;
  size_t left;
  TaskStatus operator()() {
    if (left == 0) {
      done->Send();
      return TaskStatus::kDone;
    }
    --left;
    return TaskStatus::kYield;
  }
};

void YieldMany(const Cfg& cfg) {
  Chan done;
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "yield_many", [&] {
    const auto start = Clock::now();
    for (size_t i = 0; i < kYieldTasks; ++i) Spawn(*rt, Yielder{&done, kNumYield});
    for (size_t i = 0; i < kYieldTasks; ++i) done.Recv();
    return Clock::now() - start;
  });
}

// ping_pong: per iteration task A makes two oneshots and spawns B, which
// awaits the first and answers on the second; A sends on the first and
// awaits the answer. A oneshot is an atomic state; a continuation is spawned
// if the receiver already waits, or runs inline if the value is there (as
// awaiting a ready oneshot does) -- the same structure as asio-bench.
struct PingState {
  enum : int { kEmpty = 0, kValue = 1, kWaiting = 2 };
  Runtime* rt;
  std::atomic<size_t>* remaining;
  Chan* done;
  std::atomic<int> s1{kEmpty};  // A -> B
  std::atomic<int> s2{kEmpty};  // B -> A
};

// True: the value is there (continue inline); false: continuation registered.
bool OneshotPoll(std::atomic<int>& s) {
  int expected = PingState::kEmpty;
  return !s.compare_exchange_strong(expected, PingState::kWaiting,
                                    std::memory_order_acq_rel,
                                    std::memory_order_acquire);
}
// True: the receiver was waiting, its continuation must be scheduled.
bool OneshotSend(std::atomic<int>& s) {
  return s.exchange(PingState::kValue, std::memory_order_acq_rel) ==
         PingState::kWaiting;
}

void PingAFinish(const std::shared_ptr<PingState>& st) {
  if (st->remaining->fetch_sub(1, std::memory_order_relaxed) == 1) {
    st->done->Send();
  }
}
void PingBFinish(const std::shared_ptr<PingState>& st) {
  if (OneshotSend(st->s2)) Spawn(*st->rt, [st] { PingAFinish(st); });
}
void PingB(const std::shared_ptr<PingState>& st) {
  if (OneshotPoll(st->s1)) PingBFinish(st);
}
void PingA(Runtime* rt, std::atomic<size_t>* remaining, Chan* done) {
  auto st = std::make_shared<PingState>();
  st->rt = rt;
  st->remaining = remaining;
  st->done = done;
  Spawn(*rt, [st] { PingB(st); });
  if (OneshotSend(st->s1)) Spawn(*rt, [st] { PingBFinish(st); });
  if (OneshotPoll(st->s2)) PingAFinish(st);
}

void PingPong(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "ping_pong", [&] {
    remaining.store(kNumPings, std::memory_order_relaxed);
    const auto start = Clock::now();
    Spawn(*rt, [&] {
      for (size_t i = 0; i < kNumPings; ++i) {
        Spawn(*rt, [&] { PingA(rt.get(), &remaining, &done); });
      }
    });
    done.Recv();
    return Clock::now() - start;
  });
}

struct Chain {
  Runtime* rt;
  Chan* done;
  size_t n;
  void operator()() {
    if (n == 0) {
      done->Send();
      return;
    }
    Spawn(*rt, Chain{rt, done, n - 1});
  }
};

void ChainedSpawn(const Cfg& cfg) {
  Chan done;
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "chained_spawn", [&] {
    const auto start = Clock::now();
    Spawn(*rt, Chain{rt.get(), &done, kChainIter});
    done.Recv();
    return Clock::now() - start;
  });
}

void WakeLatency(const Cfg& cfg) {
  Chan done;
  Clock::time_point t1;  // written by the task before Send, read after Recv
  auto rt = MakeRuntime(cfg);
  const size_t warm = std::min<size_t>(50, cfg.wake_trials);
  std::vector<double> v;
  v.reserve(cfg.wake_trials);
  for (size_t i = 0; i < warm + cfg.wake_trials; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(cfg.wake_sleep_us));
    const auto t0 = Clock::now();
    Spawn(*rt, [&] {
      t1 = Clock::now();
      done.Send();
    });
    done.Recv();
    if (i >= warm) v.push_back(Us(t1 > t0 ? t1 - t0 : Clock::duration::zero()));
  }
  std::sort(v.begin(), v.end());
  std::printf("wake_latency %.3f %.3f\n", MedianSorted(v), v[0]);
  std::printf("wake_latency_p99 %.3f %.3f\n", PercentileSorted(v, 99.0), v[0]);
  PrintCounters("wake_latency", *rt);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Cfg cfg;
  if (const char* p = std::getenv("POLICY"); p != nullptr && *p != '\0') {
    if (std::strcmp(p, "most_recent") == 0) {
      cfg.policy = park::WakePolicy::kMostRecent;
    } else if (std::strcmp(p, "condvar_first") != 0) {
      std::fprintf(stderr,
                   "POLICY=%s is unknown; allowed: condvar_first, most_recent\n",
                   p);
      return 2;
    }
  }
  struct Workload {
    const char* name;
    void (*fn)(const Cfg&);
  };
  const std::vector<Workload> all = {
      {"spawn_many_local", SpawnManyLocal},
      {"spawn_many_remote_idle", SpawnManyRemoteIdle},
      {"spawn_many_remote_busy", SpawnManyRemoteBusy},
      {"spawn_many_remote_busy2", SpawnManyRemoteBusy2},
      {"yield_many", YieldMany},
      {"ping_pong", PingPong},
      {"chained_spawn", ChainedSpawn},
      {"wake_latency", WakeLatency},
  };
  std::vector<std::string> wanted(argv + 1, argv + argc);
  for (const std::string& w : wanted) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const Workload& x) { return w == x.name; })) {
      std::fprintf(stderr, "unknown workload %s; known:", w.c_str());
      for (const Workload& x : all) std::fprintf(stderr, " %s", x.name);
      std::fprintf(stderr, "\n");
      return 2;
    }
  }
  std::printf("# parkd runtime_workloads WORKERS=%zu REPS=%zu WARMUP=%zu "
              "SPIN_US=%d SLICE_US=%d POLICY=%s\n",
              cfg.workers, cfg.reps, cfg.warmup, cfg.spin_us, cfg.slice_us,
              cfg.policy == park::WakePolicy::kCondvarFirst ? "condvar_first"
                                                            : "most_recent");
  for (const Workload& w : all) {
    if (wanted.empty() ||
        std::find(wanted.begin(), wanted.end(), w.name) != wanted.end()) {
      w.fn(cfg);
    }
  }
  return 0;
}
