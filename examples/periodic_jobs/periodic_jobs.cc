// periodic_jobs: a few jobs on timers, on a libpark Runtime, drained on
// SIGTERM or SIGINT.
//
//   periodic_jobs        runs until SIGTERM or SIGINT (Ctrl-C), then
//                        drains and exits 0 if nothing was abandoned
//
// What it shows:
//  - Runtime::RunAfter as a periodic timer: each run re-arms the job when it
//    is done, so a job never overlaps itself and a slow run delays its next
//    one (a fixed delay between runs, not a fixed rate);
//  - a job that blocks its worker for a while ("slow") while the other
//    worker keeps the other jobs on time;
//  - Runtime::counters(), read from a job;
//  - a drain: the stop signals are blocked before the Runtime starts its
//    workers (threads inherit the mask), so only the main thread takes them,
//    with sigwait. It then sets `stopping` and calls Runtime::Drain: a run in
//    progress finishes, and each job's timer already armed fires once more,
//    sees `stopping` and does not re-arm, so the drain takes at most one
//    period. Without the flag the jobs would re-arm forever and the drain
//    would end at its deadline with their timers abandoned.
//
// Uses only libpark's installed headers; examples/README.md shows how to
// build it.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iterator>
#include <thread>

#include "park/runtime/runtime.h"

namespace {

using Clock = park::Runtime::Clock;
using std::chrono::milliseconds;

struct Job {
  const char* name;
  milliseconds period;
  std::function<void()> work;
  std::atomic<uint64_t> runs{0};
};

long long MsSince(Clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
}

}  // namespace

int main() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // one line at a time to a pipe

  park::RuntimeOptions options;
  options.workers = 2;
  absl::StatusOr<std::unique_ptr<park::Runtime>> created =
      park::Runtime::Create(options);
  if (!created.ok()) {
    std::fprintf(stderr, "periodic_jobs: %s\n",
                 created.status().ToString().c_str());
    return 1;
  }
  park::Runtime& rt = **created;
  const Clock::time_point t0 = Clock::now();
  std::atomic<bool> stopping{false};

  Job jobs[] = {
      {"tick", milliseconds(100), [] {}},
      {"slow", milliseconds(300),
       [] { std::this_thread::sleep_for(milliseconds(120)); }},
      {"report", milliseconds(1000),
       [&rt] {
         park::RuntimeCounters c = rt.counters();
         std::printf("  counters: %llu tasks run, %llu parks, %llu wakeups, "
                     "%llu timers pending\n",
                     (unsigned long long)c.total.tasks_run,
                     (unsigned long long)(c.total.parks_driver +
                                          c.total.parks_condvar),
                     (unsigned long long)(c.total.unparks_driver +
                                          c.total.unparks_condvar),
                     (unsigned long long)c.timers_pending);
       }},
  };

  std::function<void(Job&)> arm = [&](Job& job) {
    absl::StatusOr<park::TimerHandle> armed =
        rt.RunAfter(job.period, [&, j = &job] {
          if (stopping.load()) return;  // armed before the stop: ends here
          j->work();
          const uint64_t n = ++j->runs;
          std::printf("[%6lld ms] %s #%llu\n", MsSince(t0), j->name,
                      (unsigned long long)n);
          arm(*j);
        });
    if (!armed.ok()) {
      std::fprintf(stderr, "periodic_jobs: %s not re-armed: %s\n", job.name,
                   armed.status().ToString().c_str());
    }
  };
  for (Job& job : jobs) arm(job);
  std::printf("periodic_jobs: %d workers, %zu jobs; SIGTERM or SIGINT "
              "drains\n",
              rt.num_workers(), std::size(jobs));

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::printf("periodic_jobs: %s after %lld ms: draining\n", strsignal(sig),
              MsSince(t0));
  stopping.store(true);
  const Clock::time_point drain_start = Clock::now();
  park::DrainReport report = rt.Drain(drain_start + std::chrono::seconds(5));

  for (const Job& job : jobs) {
    std::printf("periodic_jobs: %s ran %llu times\n", job.name,
                (unsigned long long)job.runs.load());
  }
  std::printf("periodic_jobs: drained in %lld ms: %s (%llu tasks and %llu "
              "timers abandoned)\n",
              MsSince(drain_start),
              report.completed ? "complete" : "INCOMPLETE",
              (unsigned long long)report.shutdown.tasks_abandoned,
              (unsigned long long)report.shutdown.timers_abandoned);
  return report.completed ? 0 : 1;
}
