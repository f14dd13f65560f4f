// InjectQueue: the runtime's global FIFO, for tasks spawned from outside the
// pool and for a worker's overflow.
//
// Abstract state: {tasks: FIFO sequence, closed: bool}. Once closed, Push
// refuses (the task stays with the caller); PushBatch still accepts, and
// what is queued can still be taken.
//
// Representation: two parts.
//  - incoming_: a lock-free stack (newest first, linked through
//    Task::inject_next_) that Push adds to with one CAS. A spawn from
//    outside therefore never waits for a worker holding a lock (or
//    preempted while holding one), and writes one shared cache line, which
//    no worker writes.
//  - ready_: a growable ring of task pointers under mu_, which the workers
//    pop batches from, and which a worker's overflow (PushBatch) is copied
//    into. When it holds fewer than a batch, the popper takes the whole
//    stack with one exchange and appends it, oldest first.
// Popping and overflowing copy pointers and never touch a task object: a
// list walked under mu_ made a worker's overflow cost one cache miss per
// task while the other worker waited for the lock (ping_pong 2x slower).
// Only the stack's tasks are walked, once, when they move to the ring.
// The abstract sequence is ready_ followed by incoming_ reversed, with one
// exception: PushBatch appends to ready_, ahead of outside tasks still on
// the stack. Outside tasks keep their order among themselves.
//
// Thread-safety: thread-safe. Push is lock-free; PopBatch, PushBatch and
// Close take mu_.
#ifndef PARK_RUNTIME_INJECT_QUEUE_H_
#define PARK_RUNTIME_INJECT_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
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
  // Moves the whole stack, oldest first, to the back of ready_; returns
  // how many tasks it moved. The counters are the caller's to publish.
  size_t TakeIncomingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Publishes count_ and `moved` more tasks taken off the stack to size().
  void PublishTakenLocked(size_t moved) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Makes room in ring_ for `extra` more pointers (doubling it).
  void ReserveLocked(size_t extra) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends to ready_.
  void AppendLocked(Task* task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ring_[(head_ + count_) & (ring_.size() - 1)] = task;
    ++count_;
  }

  // Push's line: the stack top (kClosedTop once closed) and the count of
  // accepted pushes. pushes_ is bumped (seq_cst) before the CAS that makes
  // the task visible, and producers check for idle workers after both; a
  // parking worker reads it after it announces it parks (idle.h). One of
  // the two sees the other.
  alignas(64) std::atomic<Task*> incoming_{nullptr};
  std::atomic<uint64_t> pushes_{0};

  // The consumers' side. ring_.size() is a power of two; ready_ is
  // ring_[head_ .. head_+count_) modulo the size.
  alignas(64) mutable AdaptiveMutex mu_;
  std::vector<Task*> ring_ ABSL_GUARDED_BY(mu_);
  size_t head_ ABSL_GUARDED_BY(mu_) = 0;
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // Scratch for TakeIncomingLocked's reversal (kept to avoid allocating).
  std::vector<Task*> scratch_ ABSL_GUARDED_BY(mu_);
  // Mirrors count_ and the tasks moved off the stack, ever; written under
  // mu_, read without it (size()). seq_cst: a worker's PushBatch is
  // followed by its check for idle workers, as for pushes_.
  std::atomic<size_t> ready_len_{0};
  std::atomic<uint64_t> taken_{0};
};

}  // namespace park

#endif  // PARK_RUNTIME_INJECT_QUEUE_H_
