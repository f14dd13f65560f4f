// floor: the `floor` and `floor100` columns of `./dev.sh compare`. No
// runtime: one thread that runs what it is given and otherwise sleeps on a
// futex. It measures what this machine's kernel charges for one sleep and
// one wake, below which no pool that parks its idle threads can go: the
// light-load rows' overhead and switches per task, and the wake latency of
// an idle thread. parkd's and Asio's cells in those rows are this floor
// plus what the runtime adds; on a VM the floor is most of them.
//
// Usage: floor light          light_load.h's measurement (its environment;
//                             WORKERS is ignored: always one thread)
//        floor wake_latency   bench_util.h's wake-latency probe
//                             (WAKE_TRIALS, WAKE_SLEEP_US)
// SLICE_US (0: the kernel's default) gives the thread that time slice, as
// RuntimeOptions.worker_slice_us does parkd's workers: the floor of a wake
// that preempts the waker on its CPU.
//
// No runtime: of libpark only the time-slice call of its system layer
// (park/sys/sched_slice.h). Built by meson as tests/bench/floor
// (tests/bench/meson.build), which also tests it.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "bench_util.h"
#include "light_load.h"
#include "park/sys/sched_slice.h"

namespace {

// Gives the calling thread a time slice of `us` microseconds, as
// park::Worker does with worker_slice_us; on failure says why on stderr and
// exits 1 (a floor without the slice asked for would be a different
// measurement).
void SetSliceOrDie(size_t us) {
  const absl::StatusOr<std::chrono::microseconds> set =
      park::SetSchedSlice(std::chrono::microseconds(us));
  if (!set.ok()) {
    std::fprintf(stderr, "floor: SLICE_US=%zu: %s\n", us,
                 std::string(set.status().message()).c_str());
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
      syscall(SYS_futex, &word_, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
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
  if (slice_us != 0 &&
      (slice_us < static_cast<size_t>(park::kMinSchedSlice.count()) ||
       slice_us > static_cast<size_t>(park::kMaxSchedSlice.count()))) {
    std::fprintf(stderr,
                 "floor: SLICE_US must be 0 (the kernel's default) or from "
                 "%lld to %lld, got %zu\n",
                 static_cast<long long>(park::kMinSchedSlice.count()),
                 static_cast<long long>(park::kMaxSchedSlice.count()),
                 slice_us);
    return 2;
  }
  if (std::strcmp(mode, "light") == 0) {
    const park_bench::LightLoadConfig cfg;
    OneThread pool(slice_us);
    std::printf(
        "# floor: one thread on a futex (WORKERS ignored), SLICE_US=%zu\n",
        slice_us);
    return park_bench::RunLightLoad(
        "floor", cfg,
        [&](const park_bench::LightLoadTask& task) { pool.Submit(task); });
  }
  if (std::strcmp(mode, "wake_latency") == 0) {
    const park_bench::WorkloadConfig cfg;
    OneThread pool(slice_us);
    std::printf(
        "# floor: one thread on a futex (WORKERS ignored), SLICE_US=%zu\n",
        slice_us);
    park_bench::WakeLatency(cfg, [&](auto fn) { pool.Submit(std::move(fn)); });
    return 0;
  }
  std::fprintf(stderr,
               "floor: one argument expected, light or wake_latency%s%s\n",
               argc > 1 ? "; got " : "", argc > 1 ? argv[1] : "");
  return 2;
}
