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
}

bool Idle::NotifyShouldWakeup() const {
  // A load, not Tokio's fetch_add(0): an RMW (or a fence) here makes
  // every spawn and yield 2-3x slower on yield_many (measured: 3.4 ms ->
  // 7.3 ms with a fence, 5.4-7.6 ms with the RMW). What the load can miss
  // is a worker parking at this very moment while our push still sits in
  // the store buffer. For the inject queue that cannot happen: its
  // publication is a seq_cst store (a full barrier on x86, and ordered
  // before this load by seq_cst everywhere), and every parking worker
  // rescans after its RMW. Tasks a worker moves from the inject queue to
  // its local queue are fenced before this call too (Worker::
  // OfferMovedWork). For a task a worker spawns or yields locally, the
  // worker runs it itself when it gets to it, and its next notify (next
  // spawn or yield) sees the parked worker. The cost: if it then blocks in
  // a task without pushing again, a worker that parked at that instant
  // does not come to steal the queued work until the block ends -- the
  // same exposure as a task in the LIFO slot, which nobody can steal (in
  // Tokio too).
  const uint64_t s = state_.load();
  return Searching(s) == 0 &&
         Unparked(s) < static_cast<uint32_t>(num_workers_);
}

int Idle::WorkerToNotify() {
  // Fast path: a searcher will find the work, or nobody sleeps.
  if (!NotifyShouldWakeup()) return -1;
  MutexLock lock(&mu_);
  // Re-check under the lock: another producer may have woken someone.
  if (!NotifyShouldWakeup() || sleepers_.empty()) return -1;
  // The woken worker is unparked and searching from now on.
  state_.fetch_add(kUnparkedOne | kSearchingOne);
  return TakeSleeperLocked();
}

int Idle::TakeSleeperLocked() {
  // sleepers_ is in parking order; the back is the most recently parked.
  auto pick = sleepers_.end() - 1;
  if (policy_ == WakePolicy::kCondvarFirst) {
    for (auto it = sleepers_.rbegin(); it != sleepers_.rend(); ++it) {
      if (parkers_[*it]->state() != ParkState::kParkedDriver) {
        pick = std::next(it).base();
        break;
      }
    }
  }
  const int worker = *pick;
  sleepers_.erase(pick);
  in_sleepers_[worker].store(false);
  return worker;
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

bool Idle::TransitionWorkerToParked(int worker, bool is_searching) {
  MutexLock lock(&mu_);
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

int Idle::num_searching() const { return static_cast<int>(Searching(state_.load())); }
int Idle::num_unparked() const { return static_cast<int>(Unparked(state_.load())); }

}  // namespace park
