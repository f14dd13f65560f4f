#include "park/runtime/runtime_core.h"

#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "absl/strings/str_cat.h"
#include "park/runtime/task_pool_reserve.h"
#include "park/runtime/worker.h"
#include "park/sys/cpu_limit.h"
#include "park/sys/fatal.h"
#include "park/sys/kernel_tick.h"
#include "park/sys/sched_slice.h"

namespace park::internal {
namespace {

constexpr int kMaxWorkers = 1024;

// min(affinity CPUs, the cgroup CPU limit): see sys/cpu_limit.h.
int CpuCount() { return AvailableCpus().cpus; }

absl::Status CheckRange(const char* name, int value, int min, int max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "RuntimeOptions.", name, " must be from ", min, " to ", max, ", got ",
      value));
}

absl::Status Validate(const RuntimeOptions& o) {
  for (absl::Status s :
       {CheckRange("workers", o.workers, 0, kMaxWorkers),
        CheckRange("global_queue_interval", o.global_queue_interval, 1, 1 << 20),
        CheckRange("max_lifo_polls", o.max_lifo_polls, 0, 1 << 20),
        CheckRange("event_interval", o.event_interval, 1, 1 << 20),
        CheckRange("spin_before_park_us", o.spin_before_park_us, 0, 1000),
        CheckRange("searcher_wake_delay_us", o.searcher_wake_delay_us, 0,
                   100000),
        CheckRange("idle_spin_us", o.idle_spin_us, 0, 1000)}) {
    if (!s.ok()) return s;
  }
  if (o.worker_slice_us != 0 &&
      (o.worker_slice_us < kMinSchedSlice.count() ||
       o.worker_slice_us > kMaxSchedSlice.count())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "RuntimeOptions.worker_slice_us must be 0 (the kernel's default) or "
        "from ", kMinSchedSlice.count(), " to ", kMaxSchedSlice.count(),
        ", got ", o.worker_slice_us));
  }
  switch (o.wake_policy) {
    case WakePolicy::kCondvarFirst:
    case WakePolicy::kMostRecent:
    case WakePolicy::kSameCpuFirst:
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "RuntimeOptions.wake_policy must be kCondvarFirst, kMostRecent or "
      "kSameCpuFirst, got ",
      static_cast<int>(o.wake_policy)));
}

// Runs an I/O callback as a task for one readiness event.
class IoDispatch final : public IoHandler {
 public:
  IoDispatch(RuntimeCore& runtime, RuntimeCore::IoCallback callback)
      : runtime_(runtime),
        callback_(std::make_shared<RuntimeCore::IoCallback>(std::move(callback))) {}
  void OnReady(uint32_t events) override {
    // On the worker running the driver turn: the task joins its queue.
    runtime_.SpawnTask(MakeTask([cb = callback_, events] { (*cb)(events); }))
        .IgnoreError();
  }

 private:
  RuntimeCore& runtime_;
  std::shared_ptr<RuntimeCore::IoCallback> callback_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RuntimeCore>> RuntimeCore::Create(
    const RuntimeOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<SharedDriver>> shared = SharedDriver::Create();
  if (!shared.ok()) return shared.status();
  const int n = options.workers == 0 ? CpuCount() : options.workers;
  // Slabs for the first tasks, so that their page faults come now and not
  // in the middle of the first spawns (task_pool_reserve.h): two batches
  // for each worker's cache and the spawner's before blocks flow back,
  // at most 64 (512 KiB).
  ReserveTaskBlocks(kTaskPoolBatch *
                    static_cast<size_t>(std::min(2 * n + 2, 64)));
  return std::unique_ptr<RuntimeCore>(
      new RuntimeCore(options, *std::move(shared), n));
}

RuntimeCore::RuntimeCore(const RuntimeOptions& options,
                 std::shared_ptr<SharedDriver> shared, int num_workers)
    : options_(options), shared_(std::move(shared)), backstop_tick_(KernelTick()) {
  std::vector<const Parker*> parkers;
  for (int i = 0; i < num_workers; ++i) {
    workers_.push_back(std::make_unique<Worker>(*this, i, shared_));
    parkers.push_back(&workers_.back()->parker());
  }
  idle_ = std::make_unique<Idle>(std::move(parkers), options.wake_policy);
  MutexLock lock(&start_mu_);
  workers_starting_ = num_workers;
  for (auto& worker : workers_) {
    threads_.emplace_back([w = worker.get()] { w->Run(); });
  }
  // So that worker_slice_status() is settled when Create returns.
  while (workers_starting_ > 0) all_started_.Wait(&start_mu_);
}

void RuntimeCore::WorkerStarted(absl::Status slice) {
  MutexLock lock(&start_mu_);
  if (worker_slice_status_.ok() && !slice.ok()) {
    worker_slice_status_ = std::move(slice);
  }
  if (--workers_starting_ == 0) all_started_.SignalAll();
}

RuntimeCore::~RuntimeCore() {
  Shutdown();
  // A Drain or Shutdown on another thread may still be on its way out:
  // the members it touches live until it has left.
  MutexLock lock(&shutdown_mu_);
  while (calls_ > 0) calls_done_.Wait(&shutdown_mu_);
}

bool RuntimeCore::OnWorkerThread() const {
  Worker* w = Worker::Current();
  return w != nullptr && &w->runtime() == this;
}

void RuntimeCore::AbortIfOnWorker(const char* what) const {
  if (OnWorkerThread()) {
    std::fprintf(stderr,
                 "libpark: fatal: Runtime::%s called from one of its own "
                 "workers (it waits for them: deadlock)\n",
                 what);
    std::abort();
  }
}

// The intake gate, for outside RunAt (outside Spawn relies on the inject
// queue's close instead: SpawnTask). An outside RunAt raises intake_ (seq_cst RMW),
// then reads the phase flags (seq_cst); Drain and Shutdown store their flag
// (seq_cst), then read intake_. All four are seq_cst, so in their single
// total order either the caller's read sees the flag (and refuses), or the
// drainer's read sees the caller counted and waits for intake_ to fall to
// 0. That fall is a release RMW, and the drainer's read of 0 acquires it
// (every write to intake_ is an RMW, so the release sequence reaches any
// later value): the timer add it followed, counted by timers_added_, is
// visible to the LiveTasks() that comes after. So a
// RunAt that returned OK is either seen by Drain's live count or was
// refused, and no timer is added after Shutdown's CancelAllTimers. (Not on
// the Spawn path: two RMWs per outside spawn cost spawn_many_remote_idle
// 46% in runtime_workloads.)
class RuntimeCore::IntakeGuard {
 public:
  explicit IntakeGuard(std::atomic<uint64_t>& intake) : intake_(intake) {
    intake_.fetch_add(1);
  }
  ~IntakeGuard() { intake_.fetch_sub(1, std::memory_order_release); }
  IntakeGuard(const IntakeGuard&) = delete;
  IntakeGuard& operator=(const IntakeGuard&) = delete;

 private:
  std::atomic<uint64_t>& intake_;
};

class RuntimeCore::CallGuard {
 public:
  explicit CallGuard(RuntimeCore& rt) : rt_(rt) {
    MutexLock lock(&rt_.shutdown_mu_);
    ++rt_.calls_;
  }
  // The last touch of the runtime by this call: the destructor may free it
  // as soon as the mutex is released.
  ~CallGuard() {
    MutexLock lock(&rt_.shutdown_mu_);
    if (--rt_.calls_ == 0) rt_.calls_done_.SignalAll();
  }
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

 private:
  RuntimeCore& rt_;
};

bool RuntimeCore::AdmitsOutsideWork() const {
  return !draining_.load() && !shut_down_.load();
}

void RuntimeCore::AwaitIntakeClosed() const {
  // Callers inside the gate are between two instructions of a push: the
  // wait is as short as their preemption.
  while (intake_.load() != 0) std::this_thread::yield();
}

absl::Status RuntimeCore::SpawnTask(std::unique_ptr<Task> task) {
  if (Worker* w = Worker::Current();
      w != nullptr && &w->runtime() == this) {
    // From inside the pool, also while draining: in-flight work finishes.
    // A worker runs only until Shutdown joins it, so this push comes
    // before Shutdown drops what is queued.
    if (shut_down_.load(std::memory_order_relaxed)) return RefusedSpawn();
    w->Schedule(task.release(), Worker::Origin::kSpawn);
    return absl::OkStatus();
  }
  // The flags are a fast refusal only. What decides is the push itself:
  // Drain and Shutdown close the inject queue to outside pushes first
  // thing, and a push either lands before the close (counted by
  // accepted() before it is visible, which the closer then reads: Drain
  // waits for it, Shutdown counts it as abandoned) or finds the queue
  // closed and is refused. No window between a check and the push.
  if (!AdmitsOutsideWork()) return RefusedSpawn();
  Hook(HookPoint::kOutsideSpawnAdmitted);
  if (std::unique_ptr<Task> refused = inject_.Push(std::move(task))) {
    return RefusedSpawn();
  }
  NotifyParked();
  return absl::OkStatus();
}

absl::Status RuntimeCore::RefusedSpawn() const {
  return absl::FailedPreconditionError(
      shut_down_.load()
          ? "Runtime::Spawn: the runtime is shut down; the task was not run"
          : "Runtime::Spawn: the runtime is draining and takes no new work "
            "from outside; the task was not run");
}

absl::StatusOr<TimerHandle> RuntimeCore::RunTaskAt(Clock::time_point deadline,
                                               std::unique_ptr<Task> task) {
  std::optional<IntakeGuard> gate;
  if (OnWorkerThread()) {
    // Workers are joined before Shutdown cancels the timers.
    if (shut_down_.load(std::memory_order_relaxed)) {
      return absl::FailedPreconditionError(
          "Runtime::RunAt: the runtime is shut down; the timer was not set");
    }
  } else {
    gate.emplace(intake_);
    if (!AdmitsOutsideWork()) {
      return absl::FailedPreconditionError(
          "Runtime::RunAt: the runtime is draining or shut down; the timer "
          "was not set");
    }
    Hook(HookPoint::kOutsideTimerAdmitted);
  }
  timers_added_.fetch_add(1);
  timers_pending_.fetch_add(1);
  TimerId id = shared_->driver().AddTimer(
      deadline, [this, task = std::move(task)]() mutable {
        // In a driver turn, on the worker that holds the driver.
        timers_pending_.fetch_sub(1);
        Worker* w = Worker::Current();
        if (w == nullptr || &w->runtime() != this) {
          // Only our workers turn this driver; if anyone else did, the task
          // still must not be lost.
          Task* t = task.release();
          inject_.PushBatch(&t, 1);
          NotifyParked();
          return;
        }
        w->Schedule(task.release(), Worker::Origin::kTimer);
      });
  return TimerHandle{id};
}

bool RuntimeCore::Cancel(TimerHandle handle) {
  if (!shared_->driver().CancelTimer(handle.id)) return false;
  timers_pending_.fetch_sub(1);
  timers_cancelled_.fetch_add(1);
  return true;
}

absl::StatusOr<IoToken> RuntimeCore::RegisterIo(int fd, uint32_t events,
                                            IoCallback callback) {
  if (shut_down_.load()) {
    return absl::FailedPreconditionError(
        "Runtime::RegisterIo: the runtime is shut down");
  }
  return shared_->driver().Register(
      fd, events, std::make_shared<IoDispatch>(*this, std::move(callback)));
}

absl::Status RuntimeCore::ModifyIo(IoToken token, uint32_t events) {
  return shared_->driver().Modify(token, events);
}

absl::Status RuntimeCore::DeregisterIo(IoToken token) {
  return shared_->driver().Deregister(token);
}

void RuntimeCore::NotifyParked() {
  // kSameCpuFirst looks at the waker's CPU only for a wakeup from outside
  // the pool: that thread typically blocks soon after (it waits for the
  // result, or sleeps until its next submission), and the woken worker is
  // best placed where it runs. A worker that wakes another keeps running,
  // and the work it shares wants the other CPU.
  const int caller_cpu =
      options_.wake_policy == WakePolicy::kSameCpuFirst && !OnWorkerThread()
          ? sched_getcpu()
          : -1;
  const int worker = idle_->WorkerToNotify(caller_cpu);
  if (worker >= 0) workers_[worker]->unparker().Unpark();
}

bool RuntimeCore::WorkPending() const { return WorkPendingBesides(nullptr); }

bool RuntimeCore::WorkPendingBesides(const Worker* self) const {
  if (!inject_.empty()) return true;
  for (auto& w : workers_) {
    if (w.get() != self && !w->local().empty()) return true;
  }
  return false;
}

namespace {
int64_t SinceEpochNs(RuntimeCore::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             t.time_since_epoch())
      .count();
}
}  // namespace

void RuntimeCore::DeferWake() {
  MutexLock lock(&deferred_mu_);
  if (deferred_wake_) return;  // one pending back-stop covers every queue
  const Clock::time_point due =
      Clock::now() + std::chrono::microseconds(options_.searcher_wake_delay_us);
  deferred_due_ns_.store(SinceEpochNs(due), std::memory_order_relaxed);
  // Workers see `due` at their task boundaries (CheckDeferredWake). The
  // timer is for a task that runs or blocks past it, when no boundary
  // comes: due at the first tick after `due`, so that arming and
  // cancelling it (once per burst of outside work) never reprograms the
  // CPU's timer, which a deadline ahead of the next tick does: about 5 us
  // of CPU per arm and per cancel on a VM (sys/kernel_tick.h).
  const Clock::time_point deadline = RoundUpToTick(due, backstop_tick_);
  const uint64_t generation = ++deferred_generation_;
  deferred_wake_ = shared_->driver().AddTimer(deadline, [this, generation] {
    // In a driver turn: on a parked worker's, or a busy one's poll.
    {
      MutexLock lock(&deferred_mu_);
      // A cancel that lost the race with this firing has already reset
      // deferred_wake_, and a later DeferWake may have armed a newer timer:
      // that one stays tracked (so a cancel or Shutdown can still take it
      // out of the driver).
      if (deferred_generation_ == generation) {
        deferred_wake_.reset();
        deferred_armed_.store(false, std::memory_order_relaxed);
      }
    }
    NotifyIfWorkPending();
  });
  // Release: a worker that sees it set also sees `due`.
  deferred_armed_.store(true, std::memory_order_release);
}

void RuntimeCore::CheckDeferredWake() {
  const int64_t now = SinceEpochNs(Clock::now());
  if (now < deferred_due_ns_.load(std::memory_order_relaxed)) return;
  {
    MutexLock lock(&deferred_mu_);
    // Gone already: cancelled by a parking worker, fired, or dropped by
    // another boundary.
    if (!deferred_wake_) return;
    // Read again under the lock: a newer deferral may have replaced the
    // one seen above, and it is due later than `now` if it began after.
    if (now < deferred_due_ns_.load(std::memory_order_relaxed)) return;
    DropDeferredWakeLocked();
  }
  // The delay is over with work maybe still queued: the callback's job,
  // done here because no timer may come for a while (up to a tick late).
  NotifyIfWorkPending();
}

void RuntimeCore::CancelDeferredWakeIfNothingQueued() {
  // Relaxed: a hint that keeps the lock off the parking path when no
  // deferred wakeup is pending. A stale false leaves one pending: it fires,
  // finds nothing queued and wakes nobody.
  if (!deferred_armed_.load(std::memory_order_relaxed)) return;
  MutexLock lock(&deferred_mu_);
  // Looked at under the lock: a worker that queued work and then deferred
  // its wakeup did both before it took the lock, so this look sees that
  // work, and a wakeup deferred for it is never cancelled here.
  if (deferred_wake_ && !WorkPending()) DropDeferredWakeLocked();
}

void RuntimeCore::DropDeferredWake() {
  MutexLock lock(&deferred_mu_);
  if (deferred_wake_) DropDeferredWakeLocked();
}

void RuntimeCore::DropDeferredWakeLocked() {
  shared_->driver().CancelTimer(*deferred_wake_);
  deferred_wake_.reset();
  deferred_armed_.store(false, std::memory_order_relaxed);
}

void RuntimeCore::NotifyIfWorkPending() {
  if (WorkPending()) NotifyParked();
}

uint64_t RuntimeCore::LiveTasks() const {
  // Finishes first, then starts: a task counted as finished was started
  // before, so it is counted as started too, and the difference can only
  // overstate what is live, never report 0 while something runs.
  uint64_t finished = timers_cancelled_.load();
  for (auto& w : workers_) finished += w->completed();
  uint64_t started = inject_.accepted() + timers_added_.load();
  for (auto& w : workers_) started += w->spawned();
  return started - finished;
}

DrainReport RuntimeCore::Drain(Clock::time_point deadline,
                           const std::function<void(uint64_t live)>& progress) {
  AbortIfOnWorker("Drain");
  CallGuard call(*this);
  draining_.store(true);
  // Outside spawns end here (runtime_core.cc, SpawnTask); workers still
  // pop what is queued, and tasks still spawn into their own queues.
  inject_.Close();
  Hook(HookPoint::kDrainWaiting);
  DrainReport report;
  // intake_ first: once it reads 0, every admitted outside push is in the
  // live count, and no later one is admitted (the intake gate, above).
  auto drained = [this] { return intake_.load() == 0 && LiveTasks() == 0; };
  if (!shut_down_.load()) {
    // Poll the (cheap) live count; the wait is bounded by the deadline.
    auto next_progress = Clock::now();
    while (!drained() && Clock::now() < deadline && !shut_down_.load()) {
      if (progress && Clock::now() >= next_progress) {
        progress(LiveTasks());
        next_progress = Clock::now() + std::chrono::milliseconds(100);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    // A Shutdown on another thread drops what is queued: not a completed
    // drain, even if the count reads 0 afterwards.
    report.completed = !shut_down_.load() && drained();
  }
  Hook(HookPoint::kDrainDecided);
  report.shutdown = Shutdown();
  // Work that appeared after the count read 0 (an I/O event's task) and
  // was dropped makes it incomplete too: completed means nothing dropped.
  if (report.shutdown.tasks_abandoned > 0 ||
      report.shutdown.timers_abandoned > 0) {
    report.completed = false;
  }
  return report;
}

ShutdownReport RuntimeCore::Shutdown() {
  AbortIfOnWorker("Shutdown");
  CallGuard call(*this);
  // Held to the end: a concurrent caller returns only after the workers
  // are joined (then finds shut_down_ set and reports nothing).
  MutexLock lock(&shutdown_mu_);
  ShutdownReport report;
  if (shut_down_.load()) return report;
  shut_down_.store(true);
  // No outside push is admitted from here on; wait for those already past
  // the gate, so the queue is closed and the timers cancelled after them.
  AwaitIntakeClosed();
  inject_.Close();
  shared_->Shutdown();
  Hook(HookPoint::kShutdownJoining);
  for (std::thread& t : threads_) t.join();
  // The workers are gone: what they left is ours.
  for (auto& w : workers_) report.tasks_abandoned += w->DropRemaining();
  std::array<Task*, 64> batch;
  while (size_t n = inject_.PopBatch(batch.data(), batch.size())) {
    for (size_t i = 0; i < n; ++i) delete batch[i];
    report.tasks_abandoned += n;
  }
  // The deferred wakeup's timer is the runtime's own, not a caller's: out
  // of the driver before the count. (With the workers joined no callback
  // is in flight, so a set deferred_wake_ is still in the driver.)
  DropDeferredWake();
  // Pending timers hold their tasks: drop them now, counted.
  report.timers_abandoned = shared_->driver().CancelAllTimers();
  timers_pending_.fetch_sub(report.timers_abandoned);
  Hook(HookPoint::kShutdownDone);
  return report;
}


RuntimeCounters RuntimeCore::counters() const {
  RuntimeCounters c;
  for (size_t i = 0; i < workers_.size(); ++i) {
    c.workers.push_back(workers_[i]->counters(idle_->IsParked(static_cast<int>(i))));
    c.total.Add(c.workers.back());
  }
  c.driver = shared_->driver().counters();
  c.tasks_spawned_remote = inject_.accepted();
  c.timers_pending = timers_pending_.load();
  return c;
}

}  // namespace park::internal
