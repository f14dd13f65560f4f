// internal::RuntimeCore: the Runtime's implementation (runtime.h is the
// public face, and forwards every call here). It owns the workers, the
// queues, the idle state and the shared driver; Worker runs its
// loop against it. Not installed.
//
// Thread-safety and phases: as runtime.h says for Runtime.
#ifndef PARK_RUNTIME_RUNTIME_CORE_H_
#define PARK_RUNTIME_RUNTIME_CORE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "park/driver/driver.h"
#include "park/idle/idle.h"
#include "park/parker/shared_driver.h"
#include "park/runtime/counters.h"
#include "park/runtime/runtime.h"
#include "park/runtime/inject_queue.h"
#include "park/runtime/task.h"
#include "park/sys/mutex.h"

namespace park {

namespace internal {
class Worker;

// Test-only pause points (runtime_races_test.cc forces the interleavings of the
// intake gate and of concurrent shutdowns with them). Never set in
// production; unset they cost one predictable branch.
enum class HookPoint {
  kOutsideSpawnAdmitted,  // an outside Spawn passed the flags, not yet pushed
  kOutsideTimerAdmitted,  // an outside RunAt passed the gate, not yet added
  kDrainWaiting,          // Drain set draining and waits for the live count
  kDrainDecided,          // Drain decided `completed`, not yet shut down
  kShutdownJoining,       // Shutdown won and is about to join the workers
  kShutdownDone,          // Shutdown dropped what was left (timers too)
};
using TestHook = std::function<void(HookPoint)>;
class RuntimeCore {
 public:
  using Clock = Runtime::Clock;
  using IoCallback = Runtime::IoCallback;

  // Validates `options` and starts the workers (Runtime::Create's contract).
  static absl::StatusOr<std::unique_ptr<RuntimeCore>> Create(
      const RuntimeOptions& options);
  ~RuntimeCore();
  RuntimeCore(const RuntimeCore&) = delete;
  RuntimeCore& operator=(const RuntimeCore&) = delete;

  // Runtime's methods of the same names; runtime.h has their contracts.
  absl::Status SpawnTask(std::unique_ptr<Task> task);
  absl::StatusOr<TimerHandle> RunTaskAt(Clock::time_point deadline,
                                        std::unique_ptr<Task> task);
  bool Cancel(TimerHandle handle);
  absl::StatusOr<IoToken> RegisterIo(int fd, uint32_t events,
                                     IoCallback callback);
  absl::Status ModifyIo(IoToken token, uint32_t events);
  absl::Status DeregisterIo(IoToken token);
  DrainReport Drain(Clock::time_point deadline,
                    const std::function<void(uint64_t live)>& progress);
  uint64_t LiveTasks() const;
  ShutdownReport Shutdown();
  RuntimeCounters counters() const;
  int num_workers() const { return static_cast<int>(workers_.size()); }
  const absl::Status& worker_slice_status() const {
    return worker_slice_status_;
  }
  bool OnWorkerThread() const;
  bool draining() const {
    return draining_.load(std::memory_order_relaxed) ||
           shut_down_.load(std::memory_order_relaxed);
  }

  // Sets the test hook; before any other thread uses the runtime.
  void set_test_hook(TestHook hook) { test_hook_ = std::move(hook); }
  // Replaces the deferred wakeup's backstop grain (the kernel tick), so a
  // test can keep the backstop timer out of its way; before any work is
  // submitted.
  void set_backstop_tick_for_test(std::chrono::nanoseconds tick) {
    backstop_tick_ = tick;
  }

 private:
  friend class Worker;
  // Counts the calling thread in intake_ for its lifetime (the gate that
  // outside RunAt passes before it checks the phase; runtime_core.cc).
  class IntakeGuard;
  // Counts a Drain or Shutdown in progress (the destructor waits for 0).
  class CallGuard;

  RuntimeCore(const RuntimeOptions& options,
              std::shared_ptr<SharedDriver> shared, int num_workers);

  // Not draining, not shut down. For an outside RunAt, with an IntakeGuard
  // alive, this decides; for an outside Spawn it is only a fast refusal
  // (the inject queue's close decides).
  bool AdmitsOutsideWork() const;
  void Hook(HookPoint point) const {
    if (test_hook_) [[unlikely]] test_hook_(point);
  }
  // The error of an outside Spawn refused by a drain or a shutdown.
  absl::Status RefusedSpawn() const;
  // Waits until no outside RunAt is between its gate and its timer add.
  void AwaitIntakeClosed() const;

  // Wakes one sleeping worker if the idle rules say so.
  void NotifyParked();
  // Whether any queue (inject or a worker's local queue) holds a task.
  bool WorkPending() const;
  // The same, not counting `self`'s local queue (nullptr: counting all).
  bool WorkPendingBesides(const Worker* self) const;
  // The last searcher's deferred wakeup (RuntimeOptions.
  // searcher_wake_delay_us; docs/runtime.md, "The last searcher"): runs
  // NotifyIfWorkPending once the delay is over, unless cancelled first.
  // Workers look at every task boundary (CheckDeferredWake); a driver
  // timer on the kernel tick's grid is the backstop for a task that runs
  // or blocks past it. At most one is pending; any thread.
  void DeferWake() ABSL_LOCKS_EXCLUDED(deferred_mu_);
  // Whether a deferred wakeup is pending: a hint, read by every worker at
  // every task boundary.
  bool DeferredWakePending() const {
    return deferred_armed_.load(std::memory_order_acquire);
  }
  // At a task boundary while one is pending: if its delay is over, drops
  // its timer and does what the timer would have done.
  void CheckDeferredWake() ABSL_LOCKS_EXCLUDED(deferred_mu_);
  // Drops the pending one if no queue holds a task: the work it was for
  // has been taken by a worker that runs it. Called by a worker about to
  // park. (Not on every wakeup: a wakeup that started before the deferral
  // may end after it, and its worker may have looked too early.)
  void CancelDeferredWakeIfNothingQueued() ABSL_LOCKS_EXCLUDED(deferred_mu_);
  // Drops the pending one whatever is queued (Shutdown, after the join).
  void DropDeferredWake() ABSL_LOCKS_EXCLUDED(deferred_mu_);
  void DropDeferredWakeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(deferred_mu_);
  // The last searcher's rescan before it parks (idle.h).
  void NotifyIfWorkPending();
  void AbortIfOnWorker(const char* what) const;
  // Each worker calls this once, first thing on its thread, with the result
  // of asking for its time slice; the constructor waits for all of them.
  void WorkerStarted(absl::Status slice) ABSL_LOCKS_EXCLUDED(start_mu_);

  const RuntimeOptions options_;
  std::shared_ptr<SharedDriver> shared_;
  InjectQueue inject_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<Idle> idle_;
  std::vector<std::thread> threads_;
  Mutex start_mu_;
  int workers_starting_ ABSL_GUARDED_BY(start_mu_) = 0;
  CondVar all_started_;
  // The first worker's error, if any; constant after the constructor.
  absl::Status worker_slice_status_;

  TestHook test_hook_;

  // Read by every worker loop and every spawn; written once or twice in a
  // runtime's life. Own cache line, away from the counters below. seq_cst:
  // each pairs with intake_ (runtime_core.cc, the intake gate). shut_down_ is
  // set under shutdown_mu_ only.
  alignas(64) std::atomic<bool> draining_{false};
  std::atomic<bool> shut_down_{false};
  // Outside RunAt calls between their phase check and the end of their
  // timer add. Written only by outside callers: its own cache line.
  alignas(64) std::atomic<uint64_t> intake_{0};
  // Serialises Shutdown: a second caller waits until the first has joined
  // the workers. calls_ counts Drain/Shutdown calls in progress.
  Mutex shutdown_mu_;
  CondVar calls_done_;
  int calls_ ABSL_GUARDED_BY(shutdown_mu_) = 0;
  // Timer accounting (see LiveTasks; spawns from outside are counted by
  // the inject queue): timers added, cancelled, pending. Own cache line so
  // that those writes do not evict the flags above.
  alignas(64) std::atomic<uint64_t> timers_added_{0};
  std::atomic<uint64_t> timers_cancelled_{0};
  std::atomic<uint64_t> timers_pending_{0};
  // The deferred wakeup's timer, if one is pending. Lock order: deferred_mu_
  // before the driver's timer lock (the timer's callback runs without it).
  Mutex deferred_mu_;
  std::optional<TimerId> deferred_wake_ ABSL_GUARDED_BY(deferred_mu_);
  // Counts DeferWake's timers: a firing callback resets deferred_wake_ only
  // if it is still its own.
  uint64_t deferred_generation_ ABSL_GUARDED_BY(deferred_mu_) = 0;
  // The kernel's tick period (sys/kernel_tick.h), the backstop timer's
  // grain; zero if unknown (the backstop is then due with the delay). Set
  // by the constructor, or by a test before any work is submitted.
  std::chrono::nanoseconds backstop_tick_;
  // deferred_wake_ is set; written under deferred_mu_, read without it as
  // a hint by every worker's every task boundary: a cache line of its own
  // with deferred_due_ns_, written three times per deferral (due, set,
  // reset).
  alignas(64) std::atomic<bool> deferred_armed_{false};
  // When the pending deferral's delay is over (steady clock, ns since its
  // epoch). Written under deferred_mu_ before deferred_armed_'s release
  // store; read after its acquire load.
  std::atomic<int64_t> deferred_due_ns_{0};
};

// The core behind a Runtime, for the layers above that are built with this
// library (the service layer, tests): not part of the installed API.
struct RuntimeAccess {
  static RuntimeCore& Core(Runtime& runtime) { return *runtime.core_; }
};

// Sets `runtime`'s test hook; before any other thread uses the runtime.
inline void SetTestHook(Runtime& runtime, TestHook hook) {
  RuntimeAccess::Core(runtime).set_test_hook(std::move(hook));
}

// Sets `runtime`'s backstop grain for the deferred wakeup (see
// RuntimeCore::DeferWake); before any work is submitted.
inline void SetBackstopTickForTest(Runtime& runtime,
                                   std::chrono::nanoseconds tick) {
  RuntimeAccess::Core(runtime).set_backstop_tick_for_test(tick);
}

}  // namespace internal
}  // namespace park

#endif  // PARK_RUNTIME_RUNTIME_CORE_H_
