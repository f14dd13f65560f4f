// tiny: a program written against libpark's installed headers alone, as a
// daemon author would write a first one; built with nothing but
// `c++ -std=c++20 tiny.cc $(pkg-config --cflags --libs libpark)` (and
// --static) by tests/examples/pkgconfig_oneoff.sh, which checks its output.
//
// It spawns 1000 tasks from outside the pool, each of which spawns one more
// from inside it, arms 10 timers, drains, and prints what ran and the
// counters; exit 0 only if every task and timer ran exactly once.
#include <atomic>
#include <chrono>
#include <cstdio>

#include "park/runtime/runtime.h"

int main() {
  park::RuntimeOptions options;
  options.workers = 3;
  auto rt = park::Runtime::Create(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "tiny: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  park::Runtime& runtime = **rt;
  std::atomic<int> tasks{0}, children{0}, timers{0};
  for (int i = 0; i < 1000; ++i) {
    absl::Status s = runtime.Spawn([&] {
      tasks.fetch_add(1);
      (void)runtime.Spawn([&] { children.fetch_add(1); });
    });
    if (!s.ok()) return 1;
  }
  for (int i = 1; i <= 10; ++i) {
    auto t = runtime.RunAfter(std::chrono::milliseconds(5 * i),
                              [&] { timers.fetch_add(1); });
    if (!t.ok()) return 1;
  }
  park::DrainReport report =
      runtime.Drain(park::Runtime::Clock::now() + std::chrono::seconds(10));
  park::RuntimeCounters c = runtime.counters();
  std::printf("tiny: %d tasks, %d children, %d timers; drain %s; "
              "%zu workers ran %llu tasks\n",
              tasks.load(), children.load(), timers.load(),
              report.completed ? "complete" : "incomplete", c.workers.size(),
              static_cast<unsigned long long>(c.total.tasks_run));
  const bool ok = report.completed && tasks == 1000 && children == 1000 &&
                  timers == 10 && c.total.tasks_run >= 2010;
  return ok ? 0 : 1;
}
