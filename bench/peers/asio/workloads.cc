// asio_workloads: the runtime workloads of bench/peers/README.md on
// standalone Asio 1.22 (asio_runtime.h), printing `name median_us min_us`
// lines as tests/bench/runtime_workloads does for parkd.
//
// Mapping: spawn = asio::post; yield_now = the handler re-posts itself;
// the oneshot, the completion channel and the wake probe are bench_util.h's,
// shared with parkd's program.
// Environment: WORKERS (2), REPS (20), WARMUP (3), WAKE_TRIALS (2000),
// WAKE_SLEEP_US (1000), REACTOR (0). Arguments: workload names to run only
// those.
#include <atomic>
#include <cstdio>

#include "asio_runtime.h"
#include "bench_util.h"

namespace {

using park_bench::AsioRuntime;
using park_bench::AsioSpawn;
using park_bench::Chan;
using park_bench::Clock;
using park_bench::Measure;
using Cfg = park_bench::WorkloadConfig;

using park_bench::kChainIter;
using park_bench::kNumPings;
using park_bench::kNumSpawn;
using park_bench::kNumSpawnBusy2;
using park_bench::kNumYield;
using park_bench::kYieldTasks;

// In every workload the state its handlers use is declared before the
// runtime, so the runtime's threads are joined before that state goes.

void SpawnManyLocal(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  AsioRuntime rt(cfg.workers);
  Measure(cfg, "spawn_many_local", [&] {
    return park_bench::SpawnLocalOnce(AsioSpawn{&rt.io()}, kNumSpawn, remaining,
                                      done);
  });
}

Clock::duration SpawnRemote(AsioRuntime& rt, size_t n,
                            std::atomic<size_t>& remaining, Chan& done) {
  return park_bench::SpawnRemoteOnce(AsioSpawn{&rt.io()}, n, remaining, done);
}

void SpawnManyRemoteIdle(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  AsioRuntime rt(cfg.workers);
  Measure(cfg, "spawn_many_remote_idle",
          [&] { return SpawnRemote(rt, kNumSpawn, remaining, done); });
}

// Stall 10 us, then re-post itself while the flag is up: busy1's
// `loop { yield; stall }` and busy2's "stall, spawn a successor" are the
// same thing in Asio, where a re-post is a new post.
struct Busy {
  asio::io_context* io;
  std::atomic<bool>* running;
  void operator()() const {
    if (!running->load(std::memory_order_relaxed)) return;
    park_bench::Stall();
    asio::post(*io, *this);
  }
};

// busy1 (2 x WORKERS busy handlers) and busy2 (WORKERS of them, 1_000
// spawns) differ only in these two numbers.
void SpawnWhileBusy(const Cfg& cfg, const char* name, size_t busy, size_t n) {
  Chan done;
  std::atomic<size_t> remaining{0};
  std::atomic<bool> running{true};
  AsioRuntime rt(cfg.workers);
  for (size_t i = 0; i < busy; ++i)
    asio::post(rt.io(), Busy{&rt.io(), &running});
  Measure(cfg, name, [&] { return SpawnRemote(rt, n, remaining, done); });
  running.store(false);
}

void SpawnManyRemoteBusy(const Cfg& cfg) {
  SpawnWhileBusy(cfg, "spawn_many_remote_busy", 2 * cfg.workers, kNumSpawn);
}

void SpawnManyRemoteBusy2(const Cfg& cfg) {
  SpawnWhileBusy(cfg, "spawn_many_remote_busy2", cfg.workers, kNumSpawnBusy2);
}

struct Yielder {
  asio::io_context* io;
  Chan* done;
  size_t left;
  void operator()() {
    if (left == 0) {
      done->Send();
      return;
    }
    --left;
    asio::post(*io, *this);
  }
};

void YieldMany(const Cfg& cfg) {
  Chan done;
  AsioRuntime rt(cfg.workers);
  Measure(cfg, "yield_many", [&] {
    const auto start = Clock::now();
    for (size_t i = 0; i < kYieldTasks; ++i) {
      asio::post(rt.io(), Yielder{&rt.io(), &done, kNumYield});
    }
    for (size_t i = 0; i < kYieldTasks; ++i) done.Recv();
    return Clock::now() - start;
  });
}

void PingPong(const Cfg& cfg) {
  Chan done;
  std::atomic<size_t> remaining{0};
  AsioRuntime rt(cfg.workers);
  Measure(cfg, "ping_pong", [&] {
    remaining.store(kNumPings, std::memory_order_relaxed);
    const auto start = Clock::now();
    asio::post(rt.io(), [&] {
      for (size_t i = 0; i < kNumPings; ++i) {
        asio::post(rt.io(), [&] {
          park_bench::PingPong<AsioSpawn>::A(AsioSpawn{&rt.io()}, &remaining,
                                             &done);
        });
      }
    });
    done.Recv();
    return Clock::now() - start;
  });
}

// A handler posts a handler ... kChainIter deep (1 + kChainIter handlers,
// as upstream's spawn(async { iter(ITER) })).
struct Chain {
  asio::io_context* io;
  Chan* done;
  size_t n;
  void operator()() const {
    if (n == 0) {
      done->Send();
      return;
    }
    asio::post(*io, Chain{io, done, n - 1});
  }
};

void ChainedSpawn(const Cfg& cfg) {
  Chan done;
  AsioRuntime rt(cfg.workers);
  Measure(cfg, "chained_spawn", [&] {
    const auto start = Clock::now();
    asio::post(rt.io(), Chain{&rt.io(), &done, kChainIter});
    done.Recv();
    return Clock::now() - start;
  });
}

void WakeLatency(const Cfg& cfg) {
  AsioRuntime rt(cfg.workers);
  park_bench::WakeLatency(cfg, AsioSpawn{&rt.io()});
}

}  // namespace

int main(int argc, char** argv) {
  const Cfg cfg;
  park_bench::CheckWorkloadNames(argc, argv);
  std::printf("# asio_workloads WORKERS=%zu REPS=%zu WARMUP=%zu\n", cfg.workers,
              cfg.reps, cfg.warmup);
  AsioRuntime::PrintVersion();
  park_bench::RunWorkloads<Cfg>(
      argc, argv, cfg,
      {SpawnManyLocal, SpawnManyRemoteIdle, SpawnManyRemoteBusy,
       SpawnManyRemoteBusy2, YieldMany, PingPong, ChainedSpawn, WakeLatency});
  return 0;
}
