// floor: the `floor` column of `./dev.sh compare`. No runtime: one thread
// that runs what it is given and otherwise sleeps on a futex. It measures
// what this machine's kernel charges for one sleep and one wake, below
// which no pool that parks its idle threads can go: the light-load rows'
// overhead and switches per task, and the wake latency of an idle thread.
// parkd's and Asio's cells in those rows are this floor plus what the
// runtime adds; on a VM the floor is most of them.
//
// Usage: floor light          light_load.h's measurement (its environment;
//                             WORKERS is ignored: always one thread)
//        floor wake_latency   bench_util.h's wake-latency probe
//                             (WAKE_TRIALS, WAKE_SLEEP_US)
// SLICE_US (0: the kernel's default) gives the thread that time slice, as
// RuntimeOptions.worker_slice_us does parkd's workers: the floor of a wake
// that preempts the waker on its CPU.
//
// No libpark: only tests/bench's headers. Built by meson as
// tests/bench/floor (tests/bench/meson.build), which also tests it.
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "bench_util.h"
#include "light_load.h"

namespace {

// sched_setattr's argument (the kernel's struct sched_attr).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // SCHED_OTHER: the time slice, in ns (Linux 6.12+)
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

// Gives the calling thread a time slice of `us` microseconds; on failure
// says why on stderr and exits 1 (a floor without the slice asked for
// would be a different measurement).
void SetSliceOrDie(size_t us) {
  SchedAttr attr{};
  if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0 ||
      attr.sched_policy != SCHED_OTHER || attr.sched_runtime == 0) {
    std::fprintf(stderr,
                 "floor: SLICE_US=%zu: this kernel has no per-thread time "
                 "slice (EEVDF custom slices, Linux 6.12+)\n",
                 us);
    std::exit(1);
  }
  attr.size = sizeof attr;
  attr.sched_flags = 0;
  attr.sched_runtime = uint64_t{us} * 1000;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0) {
    std::fprintf(stderr, "floor: SLICE_US=%zu: sched_setattr: %s\n", us,
                 std::strerror(errno));
    std::exit(1);
  }
}

// One thread, a mutex-guarded queue and a futex word: the least a pool can
// do for a task from outside (a push, and a wake only if the thread
// sleeps). No spinning, no searching, no second thread.
class OneThread {
 public:
  // slice_us: the thread's time slice (0: the kernel's default).
  explicit OneThread(size_t slice_us)
      : thread_([this, slice_us] {
          if (slice_us > 0) SetSliceOrDie(slice_us);
          Run();
        }) {}
  ~OneThread() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    Wake();
    thread_.join();
  }
  OneThread(const OneThread&) = delete;
  OneThread& operator=(const OneThread&) = delete;

  // Any thread. The wake syscall only when the thread sleeps.
  void Submit(std::function<void()> fn) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      queue_.push_back(std::move(fn));
      wake = std::exchange(sleeping_, false);
    }
    if (wake) Wake();
  }

 private:
  void Wake() {
    word_.fetch_add(1);
    syscall(SYS_futex, &word_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

  void Run() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      if (!queue_.empty()) {
        std::function<void()> fn = std::move(queue_.front());
        queue_.pop_front();
        l.unlock();
        fn();
        l.lock();
        continue;
      }
      if (stop_) return;
      // Read under the lock: a Submit after the unlock bumps the word, and
      // the wait then returns at once instead of sleeping past it.
      sleeping_ = true;
      const uint32_t seen = word_.load();
      l.unlock();
      syscall(SYS_futex, &word_, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr,
              0);
      l.lock();
    }
  }

  std::mutex mu_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool sleeping_ = false;                    // guarded by mu_
  bool stop_ = false;                        // guarded by mu_
  std::atomic<uint32_t> word_{0};
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc == 2 ? argv[1] : "";
  // The range parkd's worker_slice_us allows.
  const size_t slice_us = park_bench::EnvSize("SLICE_US", 0);
  if (slice_us != 0 && (slice_us < 100 || slice_us > 100000)) {
    std::fprintf(stderr,
                 "floor: SLICE_US must be 0 (the kernel's default) or from "
                 "100 to 100000, got %zu\n",
                 slice_us);
    return 2;
  }
  if (std::strcmp(mode, "light") == 0) {
    const park_bench::LightLoadConfig cfg;
    OneThread pool(slice_us);
    std::printf("# floor: one thread on a futex (WORKERS ignored), SLICE_US=%zu\n",
                slice_us);
    return park_bench::RunLightLoad(
        "floor", cfg,
        [&](const park_bench::LightLoadTask& task) { pool.Submit(task); });
  }
  if (std::strcmp(mode, "wake_latency") == 0) {
    const park_bench::WorkloadConfig cfg;
    OneThread pool(slice_us);
    std::printf("# floor: one thread on a futex (WORKERS ignored), SLICE_US=%zu\n",
                slice_us);
    park_bench::WakeLatency(cfg, [&](auto fn) { pool.Submit(std::move(fn)); });
    return 0;
  }
  std::fprintf(stderr,
               "floor: one argument expected, light or wake_latency%s%s\n",
               argc > 1 ? "; got " : "", argc > 1 ? argv[1] : "");
  return 2;
}
