#include "park/runtime/inject_queue.h"

#include <algorithm>

namespace park {

InjectQueue::~InjectQueue() {
  AdaptiveMutexLock lock(&mu_);
  const size_t mask = ring_.size() - 1;
  for (size_t i = 0; i < count_; ++i) delete ring_[(head_ + i) & mask];
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
  AdaptiveMutexLock lock(&mu_);
  if (closed_) return task;
  ReserveLocked(1);
  ring_[(head_ + count_) & (ring_.size() - 1)] = task.release();
  ++count_;
  len_.store(count_);
  return nullptr;
}

void InjectQueue::PushBatch(Task* const* tasks, size_t n) {
  AdaptiveMutexLock lock(&mu_);
  ReserveLocked(n);
  const size_t mask = ring_.size() - 1;
  for (size_t i = 0; i < n; ++i) ring_[(head_ + count_ + i) & mask] = tasks[i];
  count_ += n;
  len_.store(count_);
}

size_t InjectQueue::PopBatch(Task** out, size_t max) {
  // Unlocked peek: an empty queue is the common case for idle searchers.
  if (len_.load() == 0) return 0;
  AdaptiveMutexLock lock(&mu_);
  const size_t k = std::min(max, count_);
  const size_t mask = ring_.size() - 1;
  for (size_t i = 0; i < k; ++i) out[i] = ring_[(head_ + i) & mask];
  head_ = (head_ + k) & mask;
  count_ -= k;
  len_.store(count_);
  return k;
}

void InjectQueue::Close() {
  AdaptiveMutexLock lock(&mu_);
  closed_ = true;
}

}  // namespace park
