#include "park/runtime/inject_queue.h"

#include <algorithm>
#include <utility>

namespace park {
namespace {

// incoming_'s value once the queue is closed. Compared, never dereferenced.
char closed_tag;
Task* const kClosedTop = reinterpret_cast<Task*>(&closed_tag);

}  // namespace

InjectQueue::~InjectQueue() {
  AdaptiveMutexLock lock(&mu_);
  const size_t mask = ring_.size() - 1;
  for (size_t i = 0; i < count_; ++i) delete ring_[(head_ + i) & mask];
  Task* t = incoming_.load();
  while (t != nullptr && t != kClosedTop) delete std::exchange(t, t->inject_next_);
}

void InjectQueue::ReserveLocked(size_t extra) {
  if (count_ + extra <= ring_.size()) return;
  size_t capacity = ring_.empty() ? 256 : ring_.size();
  while (capacity < count_ + extra) capacity *= 2;
  std::vector<Task*> bigger(capacity);
  const size_t mask = ring_.size() - 1;
  for (size_t i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) & mask];
  ring_.swap(bigger);
  head_ = 0;
}

std::unique_ptr<Task> InjectQueue::Push(std::unique_ptr<Task> task) {
  // Counted before it is visible (see size() and pushes_).
  pushes_.fetch_add(1);
  Task* top = incoming_.load(std::memory_order_relaxed);
  do {
    if (top == kClosedTop) {
      pushes_.fetch_sub(1);
      return task;
    }
    task->inject_next_ = top;
    // seq_cst on success: publishes the task (and its link) to the
    // consumer's exchange, and orders the publication before the caller's
    // look at the idle state.
  } while (!incoming_.compare_exchange_weak(top, task.get(),
                                            std::memory_order_seq_cst,
                                            std::memory_order_relaxed));
  task.release();
  return nullptr;
}

size_t InjectQueue::TakeIncomingLocked() {
  Task* top = incoming_.exchange(closed_ ? kClosedTop : nullptr);
  if (top == nullptr || top == kClosedTop) return 0;
  if (top->inject_next_ == nullptr) {
    // One task (a worker woken for each outside spawn takes one at a
    // time): no reversal.
    ReserveLocked(1);
    AppendLocked(top);
    return 1;
  }
  // The stack is newest first: collect, then append in reverse.
  scratch_.clear();
  for (; top != nullptr; top = top->inject_next_) scratch_.push_back(top);
  const size_t n = scratch_.size();
  ReserveLocked(n);
  for (size_t i = n; i > 0; --i) AppendLocked(scratch_[i - 1]);
  return n;
}

void InjectQueue::PublishTakenLocked(size_t moved) {
  // ready_len_ before taken_: in between, size() counts the moved tasks
  // twice (overstates), never zero times.
  ready_len_.store(count_);
  if (moved > 0) taken_.store(taken_.load(std::memory_order_relaxed) + moved);
}

void InjectQueue::PushBatch(Task* const* tasks, size_t n) {
  if (n == 0) return;
  AdaptiveMutexLock lock(&mu_);
  ReserveLocked(n);
  for (size_t i = 0; i < n; ++i) AppendLocked(tasks[i]);
  ready_len_.store(count_);
}

size_t InjectQueue::PopBatch(Task** out, size_t max) {
  // Unlocked peek: an empty queue is the common case for idle searchers.
  if (max == 0 || empty()) return 0;
  AdaptiveMutexLock lock(&mu_);
  const size_t moved = count_ < max ? TakeIncomingLocked() : 0;
  const size_t k = std::min(max, count_);
  const size_t mask = ring_.size() - 1;
  for (size_t i = 0; i < k; ++i) out[i] = ring_[(head_ + i) & mask];
  head_ = (head_ + k) & mask;
  count_ -= k;
  // One store of each counter for the move and the pop together.
  if (k > 0 || moved > 0) PublishTakenLocked(moved);
  return k;
}

void InjectQueue::Close() {
  AdaptiveMutexLock lock(&mu_);
  if (closed_) return;
  closed_ = true;
  // Takes what was pushed so far and leaves kClosedTop behind, which later
  // pushes see.
  PublishTakenLocked(TakeIncomingLocked());
}

}  // namespace park
