// The light-load measurement: what a runtime costs when it is mostly idle
// and small tasks arrive from outside at a steady pace, the load of a
// daemon that is not saturated.
//
// The calling thread is the submitter: every PERIOD_US (an absolute
// deadline, so the pace does not drift) it submits BURST tasks, each
// burning WORK_US microseconds of its own thread's CPU. After WARMUP_MS of
// that, it measures for DURATION_S seconds and prints, one `name value`
// line each:
//
//   overhead_us_per_task  runtime CPU per task beyond the task's own work:
//                         process CPU minus the submitter's CPU minus each
//                         task's work (measured on its thread's CPU clock),
//                         over the tasks of the window. The runtime's CPU
//                         is read as the sum of the CPU clocks of every
//                         thread but the submitter: the same quantity,
//                         without the skew of reading the process's and the
//                         submitter's clocks one after the other
//   switches_per_task     context switches (voluntary + involuntary, from
//                         /proc/self/task/*/status) of every thread but the
//                         submitter, per task
//   late_periods_pct      measured periods in which the submitter woke
//                         more than a period after its deadline, in %: the
//                         next period's tasks then follow at once, and a
//                         worker still awake takes them without a switch,
//                         so the switches per task fall as this rises
//   start_p50_us          submit -> first instruction of the task, median
//   start_p99_us          and 99th percentile
//   idle_cpu_us_per_s     then, with nothing submitted for IDLE_S seconds:
//                         process CPU per second (an idle pool should use 0)
//
// The same definitions are in bench/peers/tokio/src/light.rs for Tokio;
// parkd's program is light_load.cc, Asio's bench/peers/asio/light_load.cc.
// Environment: WORKERS (2), WORK_US (5), PERIOD_US (1000), BURST (1),
// DURATION_S (5), WARMUP_MS (200), IDLE_S (2).
//
// Header-only and free of libpark (the Asio program includes it). One
// LightLoad runs on one thread; its tasks may run on any thread.
#ifndef PARKD_TESTS_BENCH_LIGHT_LOAD_H_
#define PARKD_TESTS_BENCH_LIGHT_LOAD_H_

#include <dirent.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench_util.h"

namespace park_bench {

struct LightLoadConfig {
  size_t workers = std::max<size_t>(1, EnvSize("WORKERS", 2));
  size_t work_us = EnvSize("WORK_US", 5);
  size_t period_us = std::max<size_t>(1, EnvSize("PERIOD_US", 1000));
  size_t burst = std::max<size_t>(1, EnvSize("BURST", 1));
  size_t duration_s = std::max<size_t>(1, EnvSize("DURATION_S", 5));
  size_t warmup_ms = EnvSize("WARMUP_MS", 200);
  size_t idle_s = std::max<size_t>(1, EnvSize("IDLE_S", 2));
};

inline int64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// The CPU clock of thread `tid` of this process: what glibc's
// pthread_getcpuclockid makes (the kernel's MAKE_THREAD_CPUCLOCK(tid,
// CPUCLOCK_SCHED)), for a thread known only by its tid.
inline clockid_t ThreadCpuClock(pid_t tid) {
  return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 4 | 2);
}

// What the runtime's threads (every thread of this process but the
// submitter) have used so far: CPU time and context switches (voluntary +
// involuntary, from /proc/self/task/*/status).
struct RuntimeUsage {
  int64_t cpu_ns = 0;
  uint64_t switches = 0;
  uint64_t involuntary = 0;  // of `switches`: preemptions

  static RuntimeUsage Take(pid_t submitter) {
    RuntimeUsage u;
    DIR* dir = opendir("/proc/self/task");
    if (dir == nullptr) return u;
    while (dirent* e = readdir(dir)) {
      const pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
      if (tid <= 0 || tid == submitter) continue;
      timespec ts;
      if (clock_gettime(ThreadCpuClock(tid), &ts) == 0) {
        u.cpu_ns += int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
      }
      std::ifstream status(std::string("/proc/self/task/") + e->d_name +
                           "/status");
      std::string line;
      while (std::getline(status, line)) {
        const bool voluntary = line.rfind("voluntary_ctxt_switches:", 0) == 0;
        if (voluntary || line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
          const uint64_t v =
              std::strtoull(line.c_str() + line.find(':') + 1, nullptr, 10);
          u.switches += v;
          if (!voluntary) u.involuntary += v;
        }
      }
    }
    closedir(dir);
    return u;
  }
};

// What the tasks write and the submitter reads once they are all done.
class LightLoadProbe {
 public:
  LightLoadProbe(size_t tasks, int64_t work_ns)
      : work_ns_(work_ns), start_ns_(tasks), own_cpu_ns_(tasks) {}

  // A task's body: notes when it started, burns its work, notes the CPU it
  // took. Any thread; each index once.
  void Run(size_t index, int64_t submitted_ns) {
    start_ns_[index] = ClockNs(CLOCK_MONOTONIC) - submitted_ns;
    const int64_t cpu0 = ClockNs(CLOCK_THREAD_CPUTIME_ID);
    int64_t cpu = cpu0;
    while (cpu - cpu0 < work_ns_) cpu = ClockNs(CLOCK_THREAD_CPUTIME_ID);
    own_cpu_ns_[index] = cpu - cpu0;
    // Release: pairs with Done()'s acquire, so the writes above are seen.
    done_.fetch_add(1, std::memory_order_release);
  }
  size_t Done() const { return done_.load(std::memory_order_acquire); }
  // Only after Done() counted every task.
  int64_t start_ns(size_t i) const { return start_ns_[i]; }
  int64_t own_cpu_ns(size_t i) const { return own_cpu_ns_[i]; }

 private:
  const int64_t work_ns_;
  std::vector<int64_t> start_ns_;
  std::vector<int64_t> own_cpu_ns_;
  std::atomic<size_t> done_{0};
};

// The task handed to the runtime: small and copyable.
struct LightLoadTask {
  LightLoadProbe* probe;
  size_t index;
  int64_t submitted_ns;
  void operator()() const { probe->Run(index, submitted_ns); }
};

// Runs the load on the calling thread, then the idle window, and prints the
// results (see the top of this file). `submit(LightLoadTask)` queues a task
// on the runtime from this outside thread. Returns the exit status: 1 if
// the tasks did not all run within 10 s of the last submission.
template <class SubmitFn>
int RunLightLoad(const char* runtime, const LightLoadConfig& cfg,
                 SubmitFn&& submit) {
  const pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  const size_t warm_periods = cfg.warmup_ms * 1000 / cfg.period_us;
  const size_t periods = cfg.duration_s * 1000000 / cfg.period_us;
  const size_t total = (warm_periods + periods) * cfg.burst;
  LightLoadProbe probe(total, static_cast<int64_t>(cfg.work_us) * 1000);

  RuntimeUsage before;
  size_t late = 0;  // measured periods counted by late_periods_pct (above)
  const int64_t period_ns = static_cast<int64_t>(cfg.period_us) * 1000;
  const int64_t t0 = ClockNs(CLOCK_MONOTONIC) + period_ns;
  size_t index = 0;
  for (size_t p = 0; p < warm_periods + periods; ++p) {
    const int64_t deadline = t0 + static_cast<int64_t>(p) * period_ns;
    const timespec ts{static_cast<time_t>(deadline / 1000000000),
                      static_cast<long>(deadline % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
    if (p >= warm_periods && ClockNs(CLOCK_MONOTONIC) > deadline + period_ns) {
      ++late;
    }
    if (p == warm_periods) before = RuntimeUsage::Take(self);
    for (size_t b = 0; b < cfg.burst; ++b, ++index) {
      submit(LightLoadTask{&probe, index, ClockNs(CLOCK_MONOTONIC)});
    }
  }
  const int64_t wait_until = ClockNs(CLOCK_MONOTONIC) + 10'000'000'000;
  while (probe.Done() < total) {
    if (ClockNs(CLOCK_MONOTONIC) > wait_until) {
      std::fprintf(stderr, "light_load: %zu of %zu tasks ran in 10 s\n",
                   probe.Done(), total);
      return 1;
    }
    usleep(1000);
  }
  const RuntimeUsage after = RuntimeUsage::Take(self);

  const size_t first = warm_periods * cfg.burst;
  const size_t tasks = total - first;
  int64_t own_ns = 0;
  std::vector<double> start_us;
  start_us.reserve(tasks);
  for (size_t i = first; i < total; ++i) {
    own_ns += probe.own_cpu_ns(i);
    start_us.push_back(static_cast<double>(probe.start_ns(i)) / 1000.0);
  }
  std::sort(start_us.begin(), start_us.end());

  usleep(100000);  // the last parks settle before the idle window
  const RuntimeUsage idle0 = RuntimeUsage::Take(self);
  sleep(static_cast<unsigned>(cfg.idle_s));
  const RuntimeUsage idle1 = RuntimeUsage::Take(self);

  const double n = static_cast<double>(tasks);
  std::printf(
      "# light_load runtime=%s WORKERS=%zu WORK_US=%zu PERIOD_US=%zu "
      "BURST=%zu DURATION_S=%zu IDLE_S=%zu: %zu tasks measured, %zu late "
      "periods, task work %.3f us on average\n",
      runtime, cfg.workers, cfg.work_us, cfg.period_us, cfg.burst,
      cfg.duration_s, cfg.idle_s, tasks, late,
      static_cast<double>(own_ns) / n / 1000.0);
  std::printf(
      "overhead_us_per_task %.3f\n",
      static_cast<double>(after.cpu_ns - before.cpu_ns - own_ns) / n / 1000.0);
  std::printf("switches_per_task %.3f\n",
              static_cast<double>(after.switches - before.switches) / n);
  std::printf("# of which involuntary (preempted): %.3f per task\n",
              static_cast<double>(after.involuntary - before.involuntary) / n);
  std::printf("late_periods_pct %.1f\n",
              100.0 * static_cast<double>(late) / static_cast<double>(periods));
  std::printf("start_p50_us %.3f\n", MedianSorted(start_us));
  std::printf("start_p99_us %.3f\n", PercentileSorted(start_us, 99.0));
  std::printf("idle_cpu_us_per_s %.3f\n",
              static_cast<double>(idle1.cpu_ns - idle0.cpu_ns) / 1000.0 /
                  static_cast<double>(cfg.idle_s));
  std::printf("# idle: %.1f context switches per second\n",
              static_cast<double>(idle1.switches - idle0.switches) /
                  static_cast<double>(cfg.idle_s));
  std::fflush(stdout);
  return 0;
}

}  // namespace park_bench

#endif  // PARKD_TESTS_BENCH_LIGHT_LOAD_H_
