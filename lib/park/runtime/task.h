// Task: one unit of work the runtime runs on a worker.
//
// A task is a heap object holding a callable. The callable returns void (the
// task is done after one run) or TaskStatus: kYield asks to be run again
// later, behind the work already queued on that worker, without a new
// allocation (the same object is re-queued); kDone ends it.
//
// Ownership: exactly one owner at any time: the code that made it, then the
// queue (or timer, or slot) that holds it, then the worker that runs it,
// which deletes it once it is done. Tasks must not throw: an exception that
// escapes a task terminates the process, as one escaping a std::thread does.
// Thread-safety: a task is run by one thread at a time.
//
// Public API (installed): stable within a soname (docs/api-stability.md).
#ifndef PARK_RUNTIME_TASK_H_
#define PARK_RUNTIME_TASK_H_

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "park/runtime/task_pool.h"

namespace park {

enum class TaskStatus { kDone, kYield };

class InjectQueue;

class Task {
 public:
  virtual ~Task() = default;
  // Runs one step of the task. Called by the runtime only.
  virtual TaskStatus Run() noexcept = 0;

 private:
  friend class InjectQueue;
  // The inject queue's intrusive link, so that pushing from outside the
  // pool allocates nothing and writes no shared memory but the queue's
  // head. Meaningful only while the inject queue owns the task.
  Task* inject_next_ = nullptr;
};

namespace internal {

template <typename F>
class FnTask final : public Task {
 public:
  explicit FnTask(F f) : f_(std::move(f)) {}

  // Small tasks come from the per-thread task pool (task_pool.h).
  static void* operator new(size_t size) {
    if (size <= kTaskBlockSize && alignof(FnTask) <= 64) {
      return AllocateTaskBlock();
    }
    return ::operator new(size);
  }
  static void operator delete(void* p, size_t size) noexcept {
    if (size <= kTaskBlockSize && alignof(FnTask) <= 64) {
      FreeTaskBlock(p);
    } else {
      ::operator delete(p);
    }
  }

  TaskStatus Run() noexcept override {
    if constexpr (std::is_same_v<std::invoke_result_t<F&>, TaskStatus>) {
      return f_();
    } else {
      f_();
      return TaskStatus::kDone;
    }
  }

 private:
  F f_;
};

}  // namespace internal

// The callables a task may hold: invocable with no arguments, returning void
// or TaskStatus, and movable.
template <typename F>
concept TaskFunction =
    std::is_invocable_v<std::decay_t<F>&> &&
    std::is_move_constructible_v<std::decay_t<F>> &&
    (std::is_void_v<std::invoke_result_t<std::decay_t<F>&>> ||
     std::is_same_v<std::invoke_result_t<std::decay_t<F>&>, TaskStatus>);

template <TaskFunction F>
std::unique_ptr<Task> MakeTask(F&& f) {
  return std::make_unique<internal::FnTask<std::decay_t<F>>>(
      std::forward<F>(f));
}

}  // namespace park

#endif  // PARK_RUNTIME_TASK_H_
