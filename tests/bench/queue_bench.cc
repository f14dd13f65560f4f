// Microbenchmarks of the runtime's parts: the local queue (owner push/pop,
// steal half), the inject queue (push, batch pop), the idle gate's fast
// path, and task allocation (the per-thread pool against plain new).
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "park/idle/idle.h"
#include "park/runtime/inject_queue.h"
#include "park/runtime/local_queue.h"
#include "park/runtime/task.h"

namespace park {
namespace {

struct Nop final : Task {
  TaskStatus Run() noexcept override { return TaskStatus::kDone; }
};

// Owner push then pop, one task: the cost of a local round trip.
void BM_LocalQueue_PushPop(benchmark::State& state) {
  LocalQueue q;
  InjectQueue overflow;
  Nop task;
  for (auto _ : state) {
    q.PushBackOrOverflow(&task, overflow);
    benchmark::DoNotOptimize(q.Pop());
  }
}
BENCHMARK(BM_LocalQueue_PushPop);

// Steal half of a queue of range(0) tasks into an empty queue, then give
// them back (untimed).
void BM_LocalQueue_StealHalf(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  LocalQueue victim, thief;
  InjectQueue overflow;
  Nop task;
  for (auto _ : state) {
    state.PauseTiming();
    while (victim.Pop() != nullptr) {
    }
    while (thief.Pop() != nullptr) {
    }
    for (int i = 0; i < n; ++i) victim.PushBackOrOverflow(&task, overflow);
    state.ResumeTiming();
    benchmark::DoNotOptimize(victim.StealInto(thief));
  }
  // The queues delete what they hold; these tasks live on the stack.
  while (victim.Pop() != nullptr) {
  }
  while (thief.Pop() != nullptr) {
  }
}
BENCHMARK(BM_LocalQueue_StealHalf)->Arg(2)->Arg(64)->Arg(256);

void BM_InjectQueue_PushThenPopBatch64(benchmark::State& state) {
  InjectQueue q;
  std::vector<Task*> out(64);
  Nop task;
  Task* one[] = {&task};
  for (auto _ : state) {
    for (int i = 0; i < 64; ++i) q.PushBatch(one, 1);
    benchmark::DoNotOptimize(q.PopBatch(out.data(), out.size()));
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_InjectQueue_PushThenPopBatch64);

// The question every spawn asks: does anyone need waking? With every worker
// running the answer is one atomic load.
void BM_Idle_WorkerToNotify_NobodyParked(benchmark::State& state) {
  absl::StatusOr<std::shared_ptr<SharedDriver>> shared = SharedDriver::Create();
  Parker a(*shared), b(*shared);
  Idle idle({&a, &b}, WakePolicy::kCondvarFirst);
  for (auto _ : state) benchmark::DoNotOptimize(idle.WorkerToNotify());
}
BENCHMARK(BM_Idle_WorkerToNotify_NobodyParked);

void BM_TaskAlloc_Pool(benchmark::State& state) {
  for (auto _ : state) {
    std::unique_ptr<Task> t = MakeTask([] {});
    benchmark::DoNotOptimize(t.get());
  }
}
BENCHMARK(BM_TaskAlloc_Pool);

void BM_TaskAlloc_PlainNew(benchmark::State& state) {
  for (auto _ : state) {
    std::unique_ptr<Task> t = std::make_unique<Nop>();
    benchmark::DoNotOptimize(t.get());
  }
}
BENCHMARK(BM_TaskAlloc_PlainNew);

// Made on one thread, freed on another: the pattern of stolen and remote
// tasks, where the pool earns its place.
template <bool kPool>
void TaskAllocCrossThread(benchmark::State& state) {
  constexpr int kBatch = 1024;
  std::vector<Task*> made(kBatch);
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      made[i] = kPool ? MakeTask([] {}).release() : new Nop;
    }
    std::thread freer([&] {
      for (Task* t : made) delete t;
    });
    freer.join();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
void BM_TaskAlloc_CrossThread_Pool(benchmark::State& s) {
  TaskAllocCrossThread<true>(s);
}
void BM_TaskAlloc_CrossThread_PlainNew(benchmark::State& s) {
  TaskAllocCrossThread<false>(s);
}
BENCHMARK(BM_TaskAlloc_CrossThread_Pool);
BENCHMARK(BM_TaskAlloc_CrossThread_PlainNew);

}  // namespace
}  // namespace park

BENCHMARK_MAIN();
