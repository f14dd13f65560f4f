#include "park/idle/idle.h"

#include <algorithm>

#include "park/sys/fatal.h"

namespace park {

Idle::Idle(std::vector<const Parker*> parkers, WakePolicy policy)
    : num_workers_(static_cast<int>(parkers.size())),
      policy_(policy),
      parkers_(std::move(parkers)),
      state_(static_cast<uint64_t>(parkers_.size()) * kUnparkedOne),
      in_sleepers_(new std::atomic<bool>[parkers_.size()]) {
  for (size_t i = 0; i < parkers_.size(); ++i) in_sleepers_[i] = false;
  sleepers_.reserve(parkers_.size());
  parked_cpu_.assign(parkers_.size(), -1);
}

bool Idle::NotifyShouldWakeup() const {
  // A plain seq_cst load. Callers that published work with a store that
  // is not seq_cst (a local queue's tail) put a seq_cst fence before this
  // call (Worker::NotifyAfterLocalPush); pushes to the inject queue are
  // seq_cst RMWs. Either way, the load pairs with the RMW (and fence) a
  // parking worker does before it rescans the queues (worker.cc,
  // ParkUntilWork): one of the two sees the other.
  const uint64_t s = state_.load();
  return Searching(s) == 0 && Unparked(s) < static_cast<uint32_t>(num_workers_);
}

int Idle::WorkerToNotify(int caller_cpu) {
  // Fast path: a searcher will find the work, or nobody sleeps.
  if (!NotifyShouldWakeup()) return -1;
  MutexLock lock(&mu_);
  // Re-check under the lock: another producer may have woken someone.
  if (!NotifyShouldWakeup() || sleepers_.empty()) return -1;
  // The woken worker is unparked and searching from now on.
  state_.fetch_add(kUnparkedOne | kSearchingOne);
  return TakeSleeperLocked(caller_cpu);
}

int Idle::TakeSleeperLocked(int caller_cpu) {
  // sleepers_ is in parking order; the back is the most recently parked
  // (kMostRecent's pick).
  auto pick = sleepers_.end() - 1;
  if (policy_ != WakePolicy::kMostRecent) {
    // kSameCpuFirst: a condvar sleeper that parked on the caller's CPU
    // (wake_policy.h says why). Then, as kCondvarFirst: the driver holder
    // waits on I/O and timers for everyone, and waking it costs an eventfd
    // write and, when it leaves, a hand-off (a second wakeup).
    const bool here = policy_ == WakePolicy::kSameCpuFirst && caller_cpu >= 0 &&
                      FindCondvarSleeperLocked(caller_cpu, &pick);
    if (!here) FindCondvarSleeperLocked(-1, &pick);
  }
  const int worker = *pick;
  sleepers_.erase(pick);
  in_sleepers_[worker].store(false);
  return worker;
}

bool Idle::FindCondvarSleeperLocked(int cpu, std::vector<int>::iterator* pick) {
  for (auto it = sleepers_.rbegin(); it != sleepers_.rend(); ++it) {
    if (cpu >= 0 && parked_cpu_[*it] != cpu) continue;
    if (parkers_[*it]->state() != ParkState::kParkedDriver) {
      *pick = std::next(it).base();
      return true;
    }
  }
  return false;
}

bool Idle::TransitionWorkerToSearching() {
  const uint64_t s = state_.load();
  if (2 * Searching(s) >= static_cast<uint32_t>(num_workers_)) return false;
  // Racy by design (as Tokio's): two workers may both pass the check; the
  // bound is a heuristic against herds, not an invariant.
  state_.fetch_add(kSearchingOne);
  return true;
}

bool Idle::TransitionWorkerFromSearching() {
  const uint64_t prev = state_.fetch_sub(kSearchingOne);
  if (Searching(prev) == 0) {
    FatalState("Idle::TransitionWorkerFromSearching: searching count", prev);
  }
  return Searching(prev) == 1;
}

bool Idle::TransitionWorkerToParked(int worker, bool is_searching, int cpu) {
  MutexLock lock(&mu_);
  parked_cpu_[worker] = cpu;
  const uint64_t dec = kUnparkedOne | (is_searching ? kSearchingOne : 0);
  const uint64_t prev = state_.fetch_sub(dec);
  if (in_sleepers_[worker].load()) {
    FatalState("Idle::TransitionWorkerToParked: already parked", worker);
  }
  sleepers_.push_back(worker);
  in_sleepers_[worker].store(true);
  return is_searching && Searching(prev) == 1;
}

bool Idle::UnparkWorkerById(int worker) {
  MutexLock lock(&mu_);
  if (!in_sleepers_[worker].load()) return false;
  sleepers_.erase(std::find(sleepers_.begin(), sleepers_.end(), worker));
  in_sleepers_[worker].store(false);
  state_.fetch_add(kUnparkedOne);
  return true;
}

bool Idle::IsParked(int worker) const {
  // seq_cst, no lock: pairs with the stores made under mu_ by the producer
  // that took this worker out of the sleepers before unparking it, so a
  // worker woken by that unpark sees itself removed.
  return in_sleepers_[worker].load();
}

int Idle::num_searching() const {
  return static_cast<int>(Searching(state_.load()));
}
int Idle::num_unparked() const {
  return static_cast<int>(Unparked(state_.load()));
}

}  // namespace park
