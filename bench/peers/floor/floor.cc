// floor: the `floor` and `floor100` columns of `./dev.sh compare`. No
// runtime: one thread that runs what it is given and otherwise sleeps on a
// futex. It measures what this machine's kernel charges for one sleep and
// one wake: in the light-load rows the CPU and switches per task and the
// start latency, and the wake latency of an idle thread. No pool that
// parks its idle threads and wakes them the same way spends less CPU per
// task or starts a task sooner in the median (tails are another matter: a
// runtime may keep a thread awake where this one sleeps). Tokio's and
// Asio's cells compare with `floor`, which wakes as their threads do;
// parkd's with `floor100`, which wakes as its workers do (SLICE_US below).
//
// Usage: floor light          light_load.h's measurement (its environment;
//                             WORKERS is ignored: always one thread)
//        floor wake_latency   bench_util.h's wake-latency probe
//                             (WAKE_TRIALS, WAKE_SLEEP_US)
// SLICE_US (0: the kernel's default) gives the thread that time slice, as
// RuntimeOptions.worker_slice_us does parkd's workers: the floor of a wake
// that preempts the waker on its CPU. Where the kernel refuses the slice the
// thread keeps the default, as parkd's workers do, and a `#` line says why.
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
#include <future>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "bench_util.h"
#include "light_load.h"
#include "park/sys/mutex.h"
#include "park/sys/sched_slice.h"

namespace {

// One thread, a mutex-guarded queue and a futex word: the least a pool can
// do for a task from outside (a push, and a wake only if the thread
// sleeps). No spinning, no searching, no second thread.
class OneThread {
 public:
  // slice_us: the thread's time slice (0: the kernel's default). Returns
  // once the thread has asked for it; slice_status() says how that went.
  explicit OneThread(size_t slice_us) {
    std::promise<absl::Status> asked;
    std::future<absl::Status> answer = asked.get_future();
    // The promise moves into the thread: the constructor may return (and
    // would destroy a promise of its own) while set_value is still running.
    thread_ = std::thread([this, slice_us, asked = std::move(asked)]() mutable {
      absl::Status status = absl::OkStatus();
      if (slice_us > 0) {
        status =
            park::SetSchedSlice(std::chrono::microseconds(slice_us)).status();
      }
      asked.set_value(std::move(status));
      Run();
    });
    slice_status_ = answer.get();
  }
  ~OneThread() {
    {
      park::MutexLock l(&mu_);
      stop_ = true;
    }
    Wake();
    thread_.join();
  }
  OneThread(const OneThread&) = delete;
  OneThread& operator=(const OneThread&) = delete;

  const absl::Status& slice_status() const { return slice_status_; }

  // Any thread. The wake syscall only when the thread sleeps.
  void Submit(std::function<void()> fn) {
    bool wake = false;
    {
      park::MutexLock l(&mu_);
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
    mu_.Lock();
    for (;;) {
      if (!queue_.empty()) {
        std::function<void()> fn = std::move(queue_.front());
        queue_.pop_front();
        mu_.Unlock();
        fn();
        mu_.Lock();
        continue;
      }
      if (stop_) break;
      // Read under the lock: a Submit after the unlock bumps the word, and
      // the wait then returns at once instead of sleeping past it.
      sleeping_ = true;
      const uint32_t seen = word_.load();
      mu_.Unlock();
      syscall(SYS_futex, &word_, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
      mu_.Lock();
    }
    mu_.Unlock();
  }

  park::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool sleeping_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<uint32_t> word_{0};
  absl::Status slice_status_;  // written once, before the constructor returns
  std::thread thread_;
};

// The `#` lines every mode starts with.
void PrintHeader(const OneThread& pool, size_t slice_us) {
  std::printf(
      "# floor: one thread on a futex (WORKERS ignored), SLICE_US=%zu\n",
      slice_us);
  if (!pool.slice_status().ok()) {
    std::printf("# time slice not applied, the kernel's default kept: %s\n",
                std::string(pool.slice_status().message()).c_str());
  }
}

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
    PrintHeader(pool, slice_us);
    return park_bench::RunLightLoad(
        "floor", cfg,
        [&](const park_bench::LightLoadTask& task) { pool.Submit(task); });
  }
  if (std::strcmp(mode, "wake_latency") == 0) {
    const park_bench::WorkloadConfig cfg;
    OneThread pool(slice_us);
    PrintHeader(pool, slice_us);
    park_bench::WakeLatency(cfg, [&](auto fn) { pool.Submit(std::move(fn)); });
    return 0;
  }
  std::fprintf(stderr,
               "floor: one argument expected, light or wake_latency%s%s\n",
               argc > 1 ? "; got " : "", argc > 1 ? argv[1] : "");
  return 2;
}
