#include "park/runtime/runtime.h"

#include "park/runtime/runtime_core.h"

namespace park {

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(
    const RuntimeOptions& options) {
  absl::StatusOr<std::unique_ptr<internal::RuntimeCore>> core =
      internal::RuntimeCore::Create(options);
  if (!core.ok()) return core.status();
  std::unique_ptr<Runtime> runtime(new Runtime());
  runtime->core_ = *std::move(core);
  return runtime;
}

Runtime::Runtime() = default;

// The core's destructor shuts down and waits for concurrent Drain/Shutdown
// callers, which reach it through core_: so core_ must keep its value until
// that destructor has returned. unique_ptr's destructor deletes first and
// clears after (reset() would clear first: a race with those callers).
Runtime::~Runtime() = default;

absl::Status Runtime::SpawnTask(std::unique_ptr<Task> task) {
  return core_->SpawnTask(std::move(task));
}

absl::StatusOr<TimerHandle> Runtime::RunTaskAt(Clock::time_point deadline,
                                               std::unique_ptr<Task> task) {
  return core_->RunTaskAt(deadline, std::move(task));
}

bool Runtime::Cancel(TimerHandle handle) { return core_->Cancel(handle); }

absl::StatusOr<IoToken> Runtime::RegisterIo(int fd, uint32_t events,
                                            IoCallback callback) {
  return core_->RegisterIo(fd, events, std::move(callback));
}

absl::Status Runtime::ModifyIo(IoToken token, uint32_t events) {
  return core_->ModifyIo(token, events);
}

absl::Status Runtime::DeregisterIo(IoToken token) {
  return core_->DeregisterIo(token);
}

DrainReport Runtime::Drain(Clock::time_point deadline,
                           const std::function<void(uint64_t live)>& progress) {
  return core_->Drain(deadline, progress);
}

uint64_t Runtime::LiveTasks() const { return core_->LiveTasks(); }
ShutdownReport Runtime::Shutdown() { return core_->Shutdown(); }
RuntimeCounters Runtime::counters() const { return core_->counters(); }
int Runtime::num_workers() const { return core_->num_workers(); }
const absl::Status& Runtime::worker_slice_status() const {
  return core_->worker_slice_status();
}
bool Runtime::OnWorkerThread() const { return core_->OnWorkerThread(); }
bool Runtime::draining() const { return core_->draining(); }

}  // namespace park
