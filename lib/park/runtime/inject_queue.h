// InjectQueue: the runtime's global FIFO, for tasks spawned from outside the
// pool and for a worker's overflow.
//
// Abstract state: {tasks: FIFO sequence, closed: bool}. A growable ring of
// task pointers under a mutex (taking a batch is one copy, not a walk
// through cold task objects), with the length mirrored in an atomic so that
// "is it empty?" costs one load and no lock. Once closed, pushes are
// refused (the task stays with the caller) and what is left can be taken.
// Thread-safety: thread-safe.
#ifndef PARK_RUNTIME_INJECT_QUEUE_H_
#define PARK_RUNTIME_INJECT_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "park/runtime/task.h"
#include "park/sys/mutex.h"

namespace park {

class InjectQueue {
 public:
  InjectQueue() = default;
  ~InjectQueue();  // deletes tasks still queued
  InjectQueue(const InjectQueue&) = delete;
  InjectQueue& operator=(const InjectQueue&) = delete;

  // Appends; returns the task back (not queued) if the queue is closed.
  std::unique_ptr<Task> Push(std::unique_ptr<Task> task)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Appends `n` tasks at once; pushed even when closed (overflow from a
  // worker must not be lost: Close's caller drains afterwards).
  void PushBatch(Task* const* tasks, size_t n) ABSL_LOCKS_EXCLUDED(mu_);

  // Removes up to `max` tasks from the front into out[0..k); returns k.
  size_t PopBatch(Task** out, size_t max) ABSL_LOCKS_EXCLUDED(mu_);

  // Refuses later Push calls. Idempotent.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

  // Approximate (exact when no push or pop runs concurrently).
  size_t size() const { return len_.load(); }
  bool empty() const { return size() == 0; }

 private:
  // Makes room for `extra` more tasks (doubling the ring).
  void ReserveLocked(size_t extra) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable AdaptiveMutex mu_;
  // ring_.size() is a power of two; the queue is ring_[head_ .. head_+count_)
  // modulo the size.
  std::vector<Task*> ring_ ABSL_GUARDED_BY(mu_);
  size_t head_ ABSL_GUARDED_BY(mu_) = 0;
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Written under mu_, read without it. seq_cst: producers bump it before
  // they check for idle workers, and the last searcher reads it after it
  // announces it parks (idle.h); one of the two sees the other.
  // Own cache line: workers read it on every tick.
  alignas(64) std::atomic<size_t> len_{0};
};

}  // namespace park

#endif  // PARK_RUNTIME_INJECT_QUEUE_H_
