// Runtime: a fixed pool of worker threads that run tasks, park when idle,
// and serve timers and I/O readiness through one shared driver (epoll +
// eventfd + timerfd). libpark's public entry point.
//
// Abstract state: {phase: running | draining | shut down; the tasks queued
// (per-worker local queues and LIFO slots, the inject queue), running, or
// waiting on a timer; the I/O registrations}.
//   running    Spawn/RunAt/RegisterIo accepted from anywhere
//   draining   Drain() in progress: spawns and new timers from outside the
//              pool are refused; work already accepted, and work that tasks
//              spawn, still runs
//   shut down  everything refused; workers joined
//
// Where a spawned task goes: from a worker of this runtime into that
// worker's LIFO slot (it runs next; ahead of tasks already queued there
// only as max_lifo_polls allows); from any other thread into the inject
// queue. Idle workers steal half of a busy worker's queue. docs/runtime.md
// describes the queues and the idle rules; docs/embedding.md shows how a
// daemon uses this class.
//
// Thread-safety: every method may be called from any thread, except that
// Drain() and Shutdown() must not be called from a worker of this runtime
// (they wait for the workers; doing so aborts with a message). Lifetime: the
// destructor calls Shutdown() and waits for a Drain() or Shutdown() still
// running on another thread to return.
//
// Public API (installed): stable within a soname (docs/api-stability.md).
#ifndef PARK_RUNTIME_RUNTIME_H_
#define PARK_RUNTIME_RUNTIME_H_

#include <sys/epoll.h>  // the EPOLL* flags RegisterIo takes

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "park/driver/handles.h"
#include "park/export.h"
#include "park/idle/wake_policy.h"
#include "park/runtime/counters.h"
#include "park/runtime/task.h"

namespace park {

namespace internal {
class RuntimeCore;
struct RuntimeAccess;
}  // namespace internal

struct RuntimeOptions {
  // Worker threads; 0 = one per CPU this process may use (its affinity
  // mask lowered to its cgroups' CPU limit: sys/cpu_limit.h). 0..1024.
  int workers = 0;
  // Which sleeping worker a push wakes (wake_policy.h). kSameCpuFirst
  // differs from kCondvarFirst only for a wakeup from outside the pool,
  // and only with two or more workers asleep on their condvars: on the
  // 2-vCPU VM of docs/runtime.md it halved [w8] chained_spawn.
  WakePolicy wake_policy = WakePolicy::kSameCpuFirst;
  // Local ticks between looks at the inject queue while the local queue
  // holds plenty of work (below 4 tasks a worker looks on every tick, so
  // outside work never waits behind a long run of long tasks). 1..2^20.
  int global_queue_interval = 61;
  // How many times in a row a task in the LIFO slot (spawned by the task
  // before it) may run ahead of tasks already queued on its worker; then
  // it goes behind them. 0 never: a chain of tasks, each spawning the
  // next, cannot hold queued work back (tokio#5712). Tokio's 3 keeps a
  // spawned answer's data in the cache (ping_pong) at that price. Behind
  // nothing the slot's task always runs next. 0..2^20.
  int max_lifo_polls = 0;
  // Ticks between non-blocking driver polls while a worker is busy, so that
  // I/O and timers are served even when no worker is idle. 1..2^20.
  int event_interval = 61;
  // How long a worker that found no work keeps looking before it parks,
  // while another worker is running tasks (each spin in a row that found
  // nothing halves the next, down to an eighth; one that finds work
  // restores it). 0 parks at once, as Tokio does.
  // Costs at most this much CPU per idle moment of a busy pool; this spin
  // never happens in an idle pool (idle_spin_us is the one that may).
  // 0..1000.
  int spin_before_park_us = 20;
  // The scheduler time slice each worker asks the kernel for (EEVDF,
  // Linux 6.12+): shorter than the default, so that a woken worker gets its
  // CPU at once instead of after the running thread blocks. 0 keeps the
  // kernel's default; otherwise 100..100000. On kernels without per-thread
  // slices the workers keep the default and worker_slice_status() says why.
  int worker_slice_us = 100;
  // When the last searching worker takes a task and more work is queued in
  // its own local queue only (nothing in the inject queue or another
  // worker's queue), it runs that work itself next and wakes no other
  // worker at once; one is woken if the work is still queued this long
  // after. The worker looks between tasks; while one task blocks or runs
  // long, a driver timer wakes one at the first kernel tick after the
  // delay (a timer off the tick costs a reprogram of the CPU's timer,
  // 5 us on a VM, per arm and per cancel). So a task that blocks holds
  // back the work queued behind it for at most this long plus one tick
  // (4 ms at HZ=250), and a burst from outside wakes no second worker.
  // 0 wakes one at once, as Tokio does. 0..100000.
  int searcher_wake_delay_us = 100;
  // How long a worker that found no work keeps looking before it parks
  // when every other worker is parked already, in microseconds: only after
  // a run of idle gaps (from running out of work to its next task) that
  // each ended within this time with work spawned from outside the pool,
  // as when an outside thread answers each result with new work. The run
  // is 3 gaps at first; a spin that finds nothing clears the count and
  // doubles the run required (up to 96), one that finds work halves it.
  // So a pool that goes idle spins at most once, work from I/O or from
  // inside the pool never starts a spin, and a pool of one worker never
  // spins idle (nobody else would watch the driver). The spinning worker
  // yields its CPU about every microsecond. The work it catches skips a
  // wakeup: on a VM, of a vCPU that halted when the worker parked
  // (docs/runtime.md, "The idle-pool spin"). 0 never spins in an idle
  // pool. 0..1000.
  int idle_spin_us = 60;
};

// Names a timer made by RunAt/RunAfter.
struct TimerHandle {
  TimerId id;
};

struct ShutdownReport {
  uint64_t tasks_abandoned = 0;   // queued tasks dropped without running
  uint64_t timers_abandoned = 0;  // pending timers dropped without firing
};

struct DrainReport {
  // Everything accepted finished before the deadline, and nothing was
  // dropped by the shutdown that follows.
  bool completed = false;
  ShutdownReport shutdown;
};

class PARK_EXPORT Runtime {
 public:
  using Clock = std::chrono::steady_clock;
  using IoCallback = std::function<void(uint32_t events)>;

  // Starts the workers; returns once each has started. Errors: invalid
  // options (the field, the allowed range and the value given), or the
  // driver's set-up errors (the syscall and errno).
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(
      const RuntimeOptions& options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Queues a task; never blocks (apart from the inject queue's short lock),
  // any thread. When a parked worker has to be woken, the caller makes the
  // syscall (a futex wake or an eventfd write). The kernel may run the
  // woken worker on the caller's CPU at once (the worker slice, see
  // RuntimeOptions), and then the call returns after the worker parks
  // again or its slice runs out: 6-12 us (p50) on a 2-vCPU VM whose kernel
  // keeps woken threads on the waker's vCPU. FailedPrecondition after
  // shutdown (and, from outside the pool, during a drain): the task is
  // destroyed without running. A task accepted (OK) is run, or counted as
  // abandoned by Shutdown/Drain.
  template <TaskFunction F>
  absl::Status Spawn(F&& f) {
    return SpawnTask(MakeTask(std::forward<F>(f)));
  }
  absl::Status SpawnTask(std::unique_ptr<Task> task);

  // Runs `f` as a task at or after `deadline` (never before; with the
  // timerfd's precision). Refused as Spawn is. Cancel returns true if the
  // task will never run.
  template <TaskFunction F>
  absl::StatusOr<TimerHandle> RunAt(Clock::time_point deadline, F&& f) {
    return RunTaskAt(deadline, MakeTask(std::forward<F>(f)));
  }
  template <TaskFunction F>
  absl::StatusOr<TimerHandle> RunAfter(Clock::duration delay, F&& f) {
    return RunTaskAt(Clock::now() + delay, MakeTask(std::forward<F>(f)));
  }
  absl::StatusOr<TimerHandle> RunTaskAt(Clock::time_point deadline,
                                        std::unique_ptr<Task> task);
  bool Cancel(TimerHandle handle);

  // I/O readiness: each time `fd` is ready for `events` (epoll flags; add
  // EPOLLET for edge-triggered), `callback(events_seen)` runs as a task on
  // some worker. The caller keeps owning the fd and must Deregister before
  // closing it; a readiness task already queued may still run once after.
  absl::StatusOr<IoToken> RegisterIo(int fd, uint32_t events,
                                     IoCallback callback);
  absl::Status ModifyIo(IoToken token, uint32_t events);
  absl::Status DeregisterIo(IoToken token);

  // Stops intake, waits until no task is queued, running or waiting on a
  // timer (or `deadline` passes), then shuts down. Blocking; not from a
  // worker. A second call (or one after Shutdown) reports what is left.
  //
  // `progress`, if given, is called on the draining thread about every
  // 100 ms with the number of tasks still live (for a daemon that tells its
  // supervisor the drain is moving: EXTEND_TIMEOUT_USEC).
  DrainReport Drain(Clock::time_point deadline,
                    const std::function<void(uint64_t live)>& progress = {});

  // Tasks spawned and not yet finished (queued, running, or waiting on a
  // timer). A snapshot; never 0 while anything is live. Any thread.
  uint64_t LiveTasks() const;

  // Wakes every worker, joins them, and drops what is still queued or
  // pending, reporting how much. Blocking; not from a worker. Idempotent:
  // a later or concurrent call returns an empty report, and returns only
  // once the workers are joined.
  ShutdownReport Shutdown();

  // True once Drain() or Shutdown() has begun: work that re-arms itself
  // (a periodic timer) checks it to let a drain finish. Any thread.
  bool draining() const;

  // A snapshot per worker and in total; any thread, never blocks.
  RuntimeCounters counters() const;
  int num_workers() const;
  // OK if the workers run with RuntimeOptions.worker_slice_us (or it is 0);
  // otherwise why they run with the kernel's default slice. Fixed once
  // Create returns.
  const absl::Status& worker_slice_status() const;
  // True on a worker thread of this runtime.
  bool OnWorkerThread() const;

 private:
  friend struct internal::RuntimeAccess;
  Runtime();

  std::unique_ptr<internal::RuntimeCore> core_;
};

}  // namespace park

#endif  // PARK_RUNTIME_RUNTIME_H_
