// LocalQueue: a worker's bounded run queue; lock-free, single producer
// (the owning worker), many consumers (the owner pops, other workers steal
// half at a time). Tokio's queue.rs design, rebuilt.
//
// Abstract state: a FIFO of at most kCapacity tasks in a ring buffer,
// delimited by `head` and `tail` (u32 positions that wrap). `head` packs two
// positions: `real`, the next task to pop, and `steal`, where an ongoing
// steal began. steal == real when nobody steals. A stealer claims [real,
// real+n) by advancing `real` only, copies the tasks out, then moves `steal`
// up to `real`; meanwhile the owner may still pop from the new `real`, but
// never pushes over [steal, real) because it measures free space from
// `steal`. At most one steal runs at a time.
//
// Thread-safety: PushBack/PushBackOrOverflow/Pop are owner-only; StealInto is
// for other workers (the destination queue must be the caller's own);
// size()/empty() from any thread (a snapshot).
#ifndef PARK_RUNTIME_LOCAL_QUEUE_H_
#define PARK_RUNTIME_LOCAL_QUEUE_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "park/runtime/inject_queue.h"
#include "park/runtime/task.h"

namespace park {

class LocalQueue {
 public:
  // Tokio's and Go's queues hold 256. A task that spawns a fan-out of up
  // to 1024 keeps it here, where idle workers steal half at a time; at 256
  // the spawner moved half of every 256 through the inject queue's lock,
  // which the thieves took too (ping_pong, 1000 spawns from one task: 375
  // against 261 us, medians of 60 interleaved runs at 2 workers;
  // docs/runtime.md, "The local queue"). 8 KiB per worker.
  static constexpr uint32_t kCapacity = 1024;

  LocalQueue() = default;
  ~LocalQueue();  // deletes tasks still queued (owner gone: no concurrency)
  LocalQueue(const LocalQueue&) = delete;
  LocalQueue& operator=(const LocalQueue&) = delete;

  // Appends; when full, moves half of the queue plus `task` to `overflow`
  // in one batch (so the next pushes are cheap again). Owner only.
  void PushBackOrOverflow(Task* task, InjectQueue& overflow);

  // Appends if there is room; false when full. Owner only.
  bool TryPushBack(Task* task);

  // Takes the front task, or null. Owner only.
  Task* Pop();

  // Steals about half of this queue's tasks into `dst` (the caller's own
  // queue) and returns one of them to run at once, or null if there was
  // nothing to steal, another steal is running, or `dst` is more than half
  // full. Any worker but this queue's owner.
  Task* StealInto(LocalQueue& dst);

  uint32_t size() const;
  bool empty() const { return size() == 0; }

 private:
  static constexpr uint32_t kMask = kCapacity - 1;
  static uint64_t Pack(uint32_t steal, uint32_t real) {
    return (static_cast<uint64_t>(steal) << 32) | real;
  }
  static uint32_t Steal(uint64_t head) { return static_cast<uint32_t>(head >> 32); }
  static uint32_t Real(uint64_t head) { return static_cast<uint32_t>(head); }

  // Claims and copies up to half of this queue into dst's buffer starting
  // at dst_tail; returns how many were copied.
  uint32_t StealInto2(LocalQueue& dst, uint32_t dst_tail);
  // Moves kCapacity/2 tasks plus `task` to `overflow`. False if a stealer
  // raced us (the caller retries the push: there is room again).
  bool PushOverflow(Task* task, uint32_t head, uint32_t tail,
                    InjectQueue& overflow);

  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint32_t> tail_{0};
  // Slots are atomics only so that the stealer's read of a slot the owner
  // wrote before publishing `tail` is not a data race; all accesses are
  // relaxed and ordered by head_/tail_.
  alignas(64) std::array<std::atomic<Task*>, kCapacity> buffer_{};
};

}  // namespace park

#endif  // PARK_RUNTIME_LOCAL_QUEUE_H_
