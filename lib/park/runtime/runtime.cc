#include "park/runtime/runtime.h"

#include <sched.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "park/runtime/worker.h"
#include "park/sys/cpu_limit.h"
#include "park/sys/sched_slice.h"

namespace park {
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
        CheckRange("spin_before_park_us", o.spin_before_park_us, 0, 1000)}) {
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
  return absl::OkStatus();
}

// Runs an I/O callback as a task for one readiness event.
class IoDispatch final : public IoHandler {
 public:
  IoDispatch(Runtime& runtime, Runtime::IoCallback callback)
      : runtime_(runtime),
        callback_(std::make_shared<Runtime::IoCallback>(std::move(callback))) {}
  void OnReady(uint32_t events) override {
    // On the worker running the driver turn: the task joins its queue.
    runtime_.Spawn([cb = callback_, events] { (*cb)(events); }).IgnoreError();
  }

 private:
  Runtime& runtime_;
  std::shared_ptr<Runtime::IoCallback> callback_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(
    const RuntimeOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<SharedDriver>> shared = SharedDriver::Create();
  if (!shared.ok()) return shared.status();
  const int n = options.workers == 0 ? CpuCount() : options.workers;
  return std::unique_ptr<Runtime>(new Runtime(options, *std::move(shared), n));
}

Runtime::Runtime(const RuntimeOptions& options,
                 std::shared_ptr<SharedDriver> shared, int num_workers)
    : options_(options), shared_(std::move(shared)) {
  std::vector<const Parker*> parkers;
  for (int i = 0; i < num_workers; ++i) {
    workers_.push_back(std::make_unique<internal::Worker>(*this, i, shared_));
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

void Runtime::WorkerStarted(absl::Status slice) {
  MutexLock lock(&start_mu_);
  if (worker_slice_status_.ok() && !slice.ok()) {
    worker_slice_status_ = std::move(slice);
  }
  if (--workers_starting_ == 0) all_started_.SignalAll();
}

Runtime::~Runtime() { Shutdown(); }

bool Runtime::OnWorkerThread() const {
  internal::Worker* w = internal::Worker::Current();
  return w != nullptr && &w->runtime() == this;
}

void Runtime::AbortIfOnWorker(const char* what) const {
  if (OnWorkerThread()) {
    std::fprintf(stderr,
                 "parkd: fatal: Runtime::%s called from one of its own "
                 "workers (it waits for them: deadlock)\n",
                 what);
    std::abort();
  }
}

absl::Status Runtime::SpawnTask(std::unique_ptr<Task> task) {
  if (shut_down_.load()) {
    return absl::FailedPreconditionError(
        "Runtime::Spawn: the runtime is shut down; the task was not run");
  }
  if (internal::Worker* w = internal::Worker::Current();
      w != nullptr && &w->runtime() == this) {
    // From inside the pool, also while draining: in-flight work finishes.
    w->Schedule(task.release(), internal::Worker::Origin::kSpawn);
    return absl::OkStatus();
  }
  if (draining_.load()) {
    return absl::FailedPreconditionError(
        "Runtime::Spawn: the runtime is draining and takes no new work from "
        "outside; the task was not run");
  }
  // The inject queue counts it before it is visible (accepted()), so
  // LiveTasks never misses it.
  if (std::unique_ptr<Task> refused = inject_.Push(std::move(task))) {
    return absl::FailedPreconditionError(
        "Runtime::Spawn: the runtime is shut down; the task was not run");
  }
  NotifyParked();
  return absl::OkStatus();
}

absl::StatusOr<TimerHandle> Runtime::RunTaskAt(Clock::time_point deadline,
                                               std::unique_ptr<Task> task) {
  if (shut_down_.load() || (draining_.load() && !OnWorkerThread())) {
    return absl::FailedPreconditionError(
        "Runtime::RunAt: the runtime is draining or shut down; the timer was "
        "not set");
  }
  timers_added_.fetch_add(1);
  timers_pending_.fetch_add(1);
  TimerId id = shared_->driver().AddTimer(
      deadline, [this, task = std::move(task)]() mutable {
        // In a driver turn, on the worker that holds the driver.
        timers_pending_.fetch_sub(1);
        internal::Worker* w = internal::Worker::Current();
        if (w == nullptr || &w->runtime() != this) {
          // Only our workers turn this driver; if anyone else did, the task
          // still must not be lost.
          Task* t = task.release();
          inject_.PushBatch(&t, 1);
          NotifyParked();
          return;
        }
        w->Schedule(task.release(), internal::Worker::Origin::kTimer);
      });
  return TimerHandle{id};
}

bool Runtime::Cancel(TimerHandle handle) {
  if (!shared_->driver().CancelTimer(handle.id)) return false;
  timers_pending_.fetch_sub(1);
  timers_cancelled_.fetch_add(1);
  return true;
}

absl::StatusOr<IoToken> Runtime::RegisterIo(int fd, uint32_t events,
                                            IoCallback callback) {
  if (shut_down_.load()) {
    return absl::FailedPreconditionError(
        "Runtime::RegisterIo: the runtime is shut down");
  }
  return shared_->driver().Register(
      fd, events, std::make_shared<IoDispatch>(*this, std::move(callback)));
}

absl::Status Runtime::ModifyIo(IoToken token, uint32_t events) {
  return shared_->driver().Modify(token, events);
}

absl::Status Runtime::DeregisterIo(IoToken token) {
  return shared_->driver().Deregister(token);
}

void Runtime::NotifyParked() {
  const int worker = idle_->WorkerToNotify();
  if (worker >= 0) workers_[worker]->unparker().Unpark();
}

bool Runtime::WorkPending() const {
  if (!inject_.empty()) return true;
  for (auto& w : workers_) {
    if (!w->local().empty()) return true;
  }
  return false;
}

void Runtime::NotifyIfWorkPending() {
  if (WorkPending()) NotifyParked();
}

uint64_t Runtime::LiveTasks() const {
  // Finishes first, then starts: a task counted as finished was started
  // before, so it is counted as started too, and the difference can only
  // overstate what is live, never report 0 while something runs.
  uint64_t finished = timers_cancelled_.load();
  for (auto& w : workers_) finished += w->completed();
  uint64_t started = inject_.accepted() + timers_added_.load();
  for (auto& w : workers_) started += w->spawned();
  return started - finished;
}

DrainReport Runtime::Drain(Clock::time_point deadline,
                           const std::function<void(uint64_t live)>& progress) {
  AbortIfOnWorker("Drain");
  draining_.store(true);
  DrainReport report;
  if (!shut_down_.load()) {
    // Poll the (cheap) live count; the wait is bounded by the deadline.
    auto next_progress = Clock::now();
    uint64_t live;
    while ((live = LiveTasks()) > 0 && Clock::now() < deadline) {
      if (progress && Clock::now() >= next_progress) {
        progress(live);
        next_progress = Clock::now() + std::chrono::milliseconds(100);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    report.completed = LiveTasks() == 0;
  }
  report.shutdown = Shutdown();
  return report;
}

ShutdownReport Runtime::Shutdown() {
  AbortIfOnWorker("Shutdown");
  ShutdownReport report;
  if (shut_down_.exchange(true)) return report;
  inject_.Close();
  shared_->Shutdown();
  for (std::thread& t : threads_) t.join();
  // The workers are gone: what they left is ours.
  for (auto& w : workers_) report.tasks_abandoned += w->DropRemaining();
  std::array<Task*, 64> batch;
  while (size_t n = inject_.PopBatch(batch.data(), batch.size())) {
    for (size_t i = 0; i < n; ++i) delete batch[i];
    report.tasks_abandoned += n;
  }
  // Pending timers hold their tasks: drop them now, counted.
  report.timers_abandoned = shared_->driver().CancelAllTimers();
  timers_pending_.fetch_sub(report.timers_abandoned);
  return report;
}

RuntimeCounters Runtime::counters() const {
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

void WorkerCounters::Add(const WorkerCounters& w) {
  parks_driver += w.parks_driver;
  parks_condvar += w.parks_condvar;
  unparks_driver += w.unparks_driver;
  unparks_condvar += w.unparks_condvar;
  unparks_noop += w.unparks_noop;
  spurious_wakeups += w.spurious_wakeups;
  tasks_run += w.tasks_run;
  steals += w.steals;
  inject_pulls += w.inject_pulls;
  spins += w.spins;
  spins_found += w.spins_found;
  parked_now += w.parked_now;
  searching_now += w.searching_now;
}

}  // namespace park
