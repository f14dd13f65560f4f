// InjectQueue: the runtime's global FIFO, for tasks spawned from outside the
// pool and for a worker's overflow.
//
// Abstract state: {tasks: FIFO sequence, closed: bool}. Once closed, Push
// refuses (the task stays with the caller); PushBatch still accepts, and
// what is queued can still be taken.
//
// Representation: two lists linked through Task::inject_next_.
//  - incoming_: a lock-free stack (newest first) that Push adds to with one
//    CAS. A spawn from outside therefore never waits for a worker holding
//    a lock (or preempted while holding one), and writes one shared cache
//    line, which no worker writes.
//  - ready_: a FIFO list under mu_, which the workers pop batches from.
//    When it holds fewer than a batch, the popper takes the whole stack
//    with one exchange, reverses it and appends it.
// The abstract sequence is ready_ followed by incoming_ reversed, with one
// exception: PushBatch (a worker's overflow) appends to ready_, ahead of
// outside tasks still on the stack. Outside tasks keep their order among
// themselves.
//
// Thread-safety: thread-safe. Push is lock-free; PopBatch, PushBatch and
// Close take mu_.
#ifndef PARK_RUNTIME_INJECT_QUEUE_H_
#define PARK_RUNTIME_INJECT_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

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
  // Lock-free.
  std::unique_ptr<Task> Push(std::unique_ptr<Task> task);

  // Appends `n` tasks at once; accepted even when closed (overflow from a
  // worker must not be lost: Close's caller drains afterwards).
  void PushBatch(Task* const* tasks, size_t n) ABSL_LOCKS_EXCLUDED(mu_);

  // Removes up to `max` tasks from the front into out[0..k); returns k.
  size_t PopBatch(Task** out, size_t max) ABSL_LOCKS_EXCLUDED(mu_);

  // Refuses later Push calls. Idempotent.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

  // Queued tasks. Approximate while pushes or pops run: a task is counted
  // from just before it becomes visible until just after it is taken, so
  // size() may overstate, never miss, a task that a Push has returned from.
  // seq_cst loads: see pushes_.
  size_t size() const {
    // taken_ first: it never exceeds the pushes_ read after it.
    const uint64_t taken = taken_.load();
    const uint64_t pushes = pushes_.load();
    return static_cast<size_t>(pushes - taken) + ready_len_.load();
  }
  bool empty() const { return size() == 0; }

  // Tasks Push has accepted, ever (PushBatch's are not counted: they were
  // counted where they were made). Counted before they are visible.
  uint64_t accepted() const { return pushes_.load(); }

 private:
  // Moves the whole stack, oldest first, to the back of ready_.
  void TakeIncomingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Deletes the tasks of a list linked through inject_next_.
  static void DeleteList(Task* t);

  // Push's line: the stack top (kClosedTop once closed) and the count of
  // accepted pushes. pushes_ is bumped (seq_cst) before the CAS that makes
  // the task visible, and producers check for idle workers after both; the
  // last searcher reads it after it announces it parks (idle.h). One of the
  // two sees the other.
  alignas(64) std::atomic<Task*> incoming_{nullptr};
  std::atomic<uint64_t> pushes_{0};

  // The consumers' side.
  alignas(64) mutable AdaptiveMutex mu_;
  Task* ready_head_ ABSL_GUARDED_BY(mu_) = nullptr;
  Task* ready_tail_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Written under mu_, read without it (size()). seq_cst: a worker's
  // PushBatch is followed by its check for idle workers, as for pushes_.
  std::atomic<size_t> ready_len_{0};
  // Tasks moved from incoming_ to ready_, ever.
  std::atomic<uint64_t> taken_{0};
};

}  // namespace park

#endif  // PARK_RUNTIME_INJECT_QUEUE_H_
