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
  DeleteList(ready_head_);
  DeleteList(incoming_.load());
}

void InjectQueue::DeleteList(Task* t) {
  while (t != nullptr && t != kClosedTop) {
    delete std::exchange(t, t->inject_next_);
  }
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

void InjectQueue::TakeIncomingLocked() {
  Task* top = incoming_.exchange(closed_ ? kClosedTop : nullptr);
  if (top == nullptr || top == kClosedTop) return;
  // Reverse the stack (newest first) into FIFO order.
  Task* const newest = top;
  Task* oldest = nullptr;
  uint64_t n = 0;
  while (top != nullptr) {
    Task* next = top->inject_next_;
    top->inject_next_ = oldest;
    oldest = top;
    top = next;
    ++n;
  }
  if (ready_tail_ != nullptr) {
    ready_tail_->inject_next_ = oldest;
  } else {
    ready_head_ = oldest;
  }
  ready_tail_ = newest;
  // ready_len_ up before taken_ up: size() never dips below the truth.
  ready_len_.store(ready_len_.load(std::memory_order_relaxed) + n);
  taken_.store(taken_.load(std::memory_order_relaxed) + n);
}

void InjectQueue::PushBatch(Task* const* tasks, size_t n) {
  if (n == 0) return;
  AdaptiveMutexLock lock(&mu_);
  for (size_t i = 0; i < n; ++i) {
    tasks[i]->inject_next_ = nullptr;
    if (ready_tail_ != nullptr) {
      ready_tail_->inject_next_ = tasks[i];
    } else {
      ready_head_ = tasks[i];
    }
    ready_tail_ = tasks[i];
  }
  ready_len_.store(ready_len_.load(std::memory_order_relaxed) + n);
}

size_t InjectQueue::PopBatch(Task** out, size_t max) {
  // Unlocked peek: an empty queue is the common case for idle searchers.
  if (max == 0 || empty()) return 0;
  AdaptiveMutexLock lock(&mu_);
  if (ready_len_.load(std::memory_order_relaxed) < max) TakeIncomingLocked();
  size_t k = 0;
  while (k < max && ready_head_ != nullptr) {
    out[k++] = std::exchange(ready_head_, ready_head_->inject_next_);
  }
  if (ready_head_ == nullptr) ready_tail_ = nullptr;
  if (k > 0) ready_len_.store(ready_len_.load(std::memory_order_relaxed) - k);
  return k;
}

void InjectQueue::Close() {
  AdaptiveMutexLock lock(&mu_);
  if (closed_) return;
  closed_ = true;
  // Takes what was pushed so far and leaves kClosedTop behind, which later
  // pushes see.
  TakeIncomingLocked();
}

}  // namespace park
