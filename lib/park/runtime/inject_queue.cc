#include "park/runtime/inject_queue.h"

namespace park {

InjectQueue::~InjectQueue() {
  MutexLock lock(&mu_);
  while (head_ != nullptr) delete std::exchange(head_, head_->next_);
}

void InjectQueue::AppendLocked(Task* task) {
  task->next_ = nullptr;
  if (tail_ == nullptr) {
    head_ = task;
  } else {
    tail_->next_ = task;
  }
  tail_ = task;
}

std::unique_ptr<Task> InjectQueue::Push(std::unique_ptr<Task> task) {
  MutexLock lock(&mu_);
  if (closed_) return task;
  AppendLocked(task.release());
  len_.store(len_.load(std::memory_order_relaxed) + 1);
  return nullptr;
}

void InjectQueue::PushBatch(Task* const* tasks, size_t n) {
  MutexLock lock(&mu_);
  for (size_t i = 0; i < n; ++i) AppendLocked(tasks[i]);
  len_.store(len_.load(std::memory_order_relaxed) + n);
}

size_t InjectQueue::PopBatch(Task** out, size_t max) {
  // Unlocked peek: an empty queue is the common case for idle searchers.
  if (len_.load() == 0) return 0;
  MutexLock lock(&mu_);
  size_t k = 0;
  while (k < max && head_ != nullptr) {
    out[k++] = head_;
    head_ = head_->next_;
  }
  if (head_ == nullptr) tail_ = nullptr;
  len_.store(len_.load(std::memory_order_relaxed) - k);
  return k;
}

void InjectQueue::Close() {
  MutexLock lock(&mu_);
  closed_ = true;
}

}  // namespace park
