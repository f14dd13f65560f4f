#include "park/runtime/local_queue.h"

#include "park/sys/fatal.h"

namespace park {

LocalQueue::~LocalQueue() {
  while (Task* t = Pop()) delete t;
}

uint32_t LocalQueue::size() const {
  const uint64_t head = head_.load(std::memory_order_acquire);
  const uint32_t tail = tail_.load(std::memory_order_acquire);
  return tail - Real(head);
}

bool LocalQueue::TryPushBack(Task* task) {
  // Acquire pairs with the stealer's release CAS that finishes a steal, so
  // the slots it copied out are free to overwrite.
  const uint64_t head = head_.load(std::memory_order_acquire);
  // Only the owner writes tail_.
  const uint32_t tail = tail_.load(std::memory_order_relaxed);
  if (tail - Steal(head) >= kCapacity) return false;
  buffer_[tail & kMask].store(task, std::memory_order_relaxed);
  // Release pairs with the acquire loads of tail_ in Pop/StealInto2: the
  // slot write above is visible to whoever sees the new tail.
  tail_.store(tail + 1, std::memory_order_release);
  return true;
}

void LocalQueue::PushBackOrOverflow(Task* task, InjectQueue& overflow) {
  for (;;) {
    if (TryPushBack(task)) return;
    const uint64_t head = head_.load(std::memory_order_acquire);
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (Steal(head) != Real(head)) {
      // A steal is under way and will free half the queue; do not wait
      // for it: this one task goes to the overflow queue.
      Task* one[] = {task};
      overflow.PushBatch(one, 1);
      return;
    }
    if (tail - Real(head) < kCapacity) continue;  // a pop made room
    if (PushOverflow(task, Real(head), tail, overflow)) return;
    // A stealer or a pop got in first; there is room now.
  }
}

bool LocalQueue::PushOverflow(Task* task, uint32_t head, uint32_t tail,
                              InjectQueue& overflow) {
  constexpr uint32_t kHalf = kCapacity / 2;
  if (tail - head != kCapacity) {
    FatalState("LocalQueue::PushOverflow: queue not full, size", tail - head);
  }
  // Claim the front half by moving both positions past it. Release: if a
  // stealer fails its CAS on our value, it must not read stale slots.
  uint64_t expected = Pack(head, head);
  if (!head_.compare_exchange_strong(expected, Pack(head + kHalf, head + kHalf),
                                     std::memory_order_release,
                                     std::memory_order_relaxed)) {
    return false;
  }
  std::array<Task*, kHalf + 1> batch;
  for (uint32_t i = 0; i < kHalf; ++i) {
    batch[i] = buffer_[(head + i) & kMask].load(std::memory_order_relaxed);
  }
  batch[kHalf] = task;
  overflow.PushBatch(batch.data(), batch.size());
  return true;
}

Task* LocalQueue::Pop() {
  uint64_t head = head_.load(std::memory_order_acquire);
  for (;;) {
    const uint32_t steal = Steal(head);
    const uint32_t real = Real(head);
    const uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (real == tail) return nullptr;
    // With no steal in progress both positions move together.
    const uint64_t next =
        steal == real ? Pack(real + 1, real + 1) : Pack(steal, real + 1);
    // AcqRel: acquire pairs with stealers' release CASes on head_.
    if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return buffer_[real & kMask].load(std::memory_order_relaxed);
    }
  }
}

Task* LocalQueue::StealInto(LocalQueue& dst) {
  // dst is the caller's own queue: its tail is ours to read relaxed.
  const uint32_t dst_tail = dst.tail_.load(std::memory_order_relaxed);
  const uint32_t dst_steal = Steal(dst.head_.load(std::memory_order_acquire));
  if (dst_tail - dst_steal > kCapacity / 2) return nullptr;
  uint32_t n = StealInto2(dst, dst_tail);
  if (n == 0) return nullptr;
  // Keep the last stolen task to run now; publish the others.
  --n;
  Task* ret = dst.buffer_[(dst_tail + n) & kMask].load(std::memory_order_relaxed);
  if (n > 0) dst.tail_.store(dst_tail + n, std::memory_order_release);
  return ret;
}

uint32_t LocalQueue::StealInto2(LocalQueue& dst, uint32_t dst_tail) {
  uint64_t prev = head_.load(std::memory_order_acquire);
  uint64_t next;
  uint32_t n;
  for (;;) {
    const uint32_t steal = Steal(prev);
    const uint32_t real = Real(prev);
    // Acquire pairs with the owner's release store of tail_.
    const uint32_t tail = tail_.load(std::memory_order_acquire);
    if (steal != real) return 0;  // another stealer is at work
    n = tail - real;
    n -= n / 2;  // half, rounded up
    if (n == 0) return 0;
    next = Pack(steal, real + n);
    if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      break;
    }
  }
  const uint32_t first = Steal(next);
  for (uint32_t i = 0; i < n; ++i) {
    Task* t = buffer_[(first + i) & kMask].load(std::memory_order_relaxed);
    dst.buffer_[(dst_tail + i) & kMask].store(t, std::memory_order_relaxed);
  }
  // Finish: move `steal` up to `real` (which the owner may have advanced
  // by popping meanwhile). Release pairs with the owner's acquire load in
  // TryPushBack: the slots read above may now be overwritten.
  prev = next;
  for (;;) {
    const uint32_t real = Real(prev);
    if (head_.compare_exchange_weak(prev, Pack(real, real),
                                    std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return n;
    }
    if (Steal(prev) == Real(prev)) {
      FatalState("LocalQueue::StealInto2: steal finished by someone else",
                 prev);
    }
  }
}

}  // namespace park
