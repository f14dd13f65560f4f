// runtime_workloads: the workloads of Tokio's scheduler benchmark
// (benches/rt_multi_threaded.rs) on the parkd Runtime, defined as in
// bench/peers/README.md ("The workloads"); bench/peers/ has the same
// workloads on Tokio and Asio, and `./dev.sh compare` puts the three side by
// side.
//
// Output: `name median_us min_us` per workload (`#` lines are comments);
// wake_latency adds `wake_latency_p99 p99_us min_us`.
// Environment: WORKERS (2), REPS (20), WARMUP (3), WAKE_TRIALS (2000),
// WAKE_SLEEP_US (1000), POLICY (wake_policy_env.h), COUNTERS
// (print counter totals per workload), REPDUMP (a line per repetition),
// SPIN_US (RuntimeOptions.spin_before_park_us; 0 parks at once), SLICE_US
// (RuntimeOptions.worker_slice_us; 0 keeps the kernel's default slice),
// WAKE_DELAY_US (RuntimeOptions.searcher_wake_delay_us; 0 wakes at once),
// IDLE_SPIN_US (RuntimeOptions.idle_spin_us; 0 never spins in an idle pool).
// Arguments: workload names to run only those.
//
// Mapping: spawn = Runtime::Spawn; yield_now = a task returning
// TaskStatus::kYield (re-queued behind the worker's queued work, no new
// allocation); completion signal to the main thread = a mutex+condvar
// counting channel (bench_util.h), as in the Asio program.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "park/runtime/runtime.h"
#include "wake_policy_env.h"

namespace {

using park::Runtime;
using park::TaskStatus;
using park_bench::Chan;
using park_bench::Clock;
using park_bench::EnvSize;
using park_bench::Stall;
using park_bench::Us;

using park_bench::kChainIter;
using park_bench::kNumPings;
using park_bench::kNumSpawn;
using park_bench::kNumSpawnBusy2;
using park_bench::kNumYield;
using park_bench::kYieldTasks;

struct Cfg : park_bench::WorkloadConfig {
  park::WakePolicy policy =
      park_bench::WakePolicyFromEnv(park::RuntimeOptions{}.wake_policy);
  int spin_us = static_cast<int>(
      EnvSize("SPIN_US", park::RuntimeOptions{}.spin_before_park_us));
  int slice_us = static_cast<int>(
      EnvSize("SLICE_US", park::RuntimeOptions{}.worker_slice_us));
  int wake_delay_us = static_cast<int>(EnvSize(
      "WAKE_DELAY_US", park::RuntimeOptions{}.searcher_wake_delay_us));
  int idle_spin_us = static_cast<int>(
      EnvSize("IDLE_SPIN_US", park::RuntimeOptions{}.idle_spin_us));
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
  options.searcher_wake_delay_us = cfg.wake_delay_us;
  options.idle_spin_us = cfg.idle_spin_us;
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

// The runtime's spawn as the small copyable callable bench_util.h's
// workloads take.
struct RtSpawn {
  Runtime* rt;
  void operator()(auto&& f) const { Spawn(*rt, std::forward<decltype(f)>(f)); }
};

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
  park_bench::PrintSummary(name, std::move(v));
  PrintCounters(name, rt);
  std::fflush(stdout);
}

void SpawnManyLocal(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "spawn_many_local", [&] {
    return park_bench::SpawnLocalOnce(RtSpawn{rt.get()}, kNumSpawn, remaining,
                                      done);
  });
}

Clock::duration SpawnRemote(Runtime& rt, size_t n,
                            std::atomic<size_t>& remaining, Chan& done) {
  return park_bench::SpawnRemoteOnce(RtSpawn{&rt}, n, remaining, done);
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
    for (size_t i = 0; i < kYieldTasks; ++i)
      Spawn(*rt, Yielder{&done, kNumYield});
    for (size_t i = 0; i < kYieldTasks; ++i) done.Recv();
    return Clock::now() - start;
  });
}

// ping_pong: bench_util.h's PingPong, whose continuations are spawned if the
// receiver already waits, or run inline if the value is there.
void PingPong(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  auto rt = MakeRuntime(cfg);
  Measure(cfg, *rt, "ping_pong", [&] {
    remaining.store(kNumPings, std::memory_order_relaxed);
    const auto start = Clock::now();
    Spawn(*rt, [&] {
      for (size_t i = 0; i < kNumPings; ++i) {
        Spawn(*rt, [&] {
          park_bench::PingPong<RtSpawn>::A(RtSpawn{rt.get()}, &remaining,
                                           &done);
        });
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
  auto rt = MakeRuntime(cfg);
  park_bench::WakeLatency(cfg, RtSpawn{rt.get()});
  PrintCounters("wake_latency", *rt);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Cfg cfg;
  park_bench::CheckWorkloadNames(argc, argv);
  std::printf(
      "# parkd runtime_workloads WORKERS=%zu REPS=%zu WARMUP=%zu "
      "SPIN_US=%d SLICE_US=%d WAKE_DELAY_US=%d IDLE_SPIN_US=%d POLICY=%s\n",
      cfg.workers, cfg.reps, cfg.warmup, cfg.spin_us, cfg.slice_us,
      cfg.wake_delay_us, cfg.idle_spin_us,
      park_bench::WakePolicyName(cfg.policy));
  park_bench::RunWorkloads<Cfg>(
      argc, argv, cfg,
      {SpawnManyLocal, SpawnManyRemoteIdle, SpawnManyRemoteBusy,
       SpawnManyRemoteBusy2, YieldMany, PingPong, ChainedSpawn, WakeLatency});
  return 0;
}
