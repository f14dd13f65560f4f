// Idle: which worker to wake when work appears, and the searching/unparked
// accounting that keeps wakeups rare (Tokio's idle.rs, rebuilt).
//
// Abstract state: {num_searching, num_unparked} packed in one atomic word,
// and the set of sleepers (parked worker ids) under a mutex.
//   unparked   a worker that is not in the sleepers set (running, searching
//              or about to park)
//   searching  an unparked worker that is looking for work in other queues;
//              at most half the workers search at once
// Rules:
//   - Work pushed: wake a sleeper only if nobody is searching (a searcher
//     will find the work) and somebody sleeps. The woken worker starts as a
//     searcher, so the next push does not wake another (no thundering herd).
//   - A searcher that finds work and was the last searcher wakes one more
//     (there may be more work than one worker can take).
//   - A worker that parks must rescan every queue first (a push that saw
//     it searching, or saw it unparked, did not wake anyone). Tokio
//     rescans only for the last searcher; a worker that parks without
//     having searched can then strand a task while the other workers are
//     inside long tasks.
//
// Which sleeper to wake is a policy (wake_policy.h): kCondvarFirst prefers
// a worker parked on its condvar over the driver holder, so the thread that
// waits on I/O and timers stays there; kMostRecent wakes the most recently
// parked (warm caches), whatever it sleeps on; kSameCpuFirst first looks
// for a condvar sleeper that parked on the waking thread's CPU. The CPUs
// are the callers' to give (a parking worker its own, a producer its own,
// or -1: unknown, which matches nothing); the runtime gives a producer's
// only for a push from outside the pool.
//
// Thread-safety: thread-safe.
#ifndef PARK_IDLE_IDLE_H_
#define PARK_IDLE_IDLE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "park/idle/wake_policy.h"
#include "park/parker/parker.h"
#include "park/sys/mutex.h"

namespace park {

class Idle {
 public:
  // `parkers[i]` is worker i's Parker, consulted (state() only) by the
  // kCondvarFirst policy; it must outlive this Idle.
  Idle(std::vector<const Parker*> parkers, WakePolicy policy);

  // Producer side. Returns the worker to unpark, or -1 when none should be
  // woken. The returned worker has been removed from the sleepers and counts
  // as unparked and searching. Lock-free when the answer is -1 because a
  // worker searches or nobody sleeps (one atomic load). `caller_cpu` is the
  // CPU the caller runs on (kSameCpuFirst; -1: unknown).
  int WorkerToNotify(int caller_cpu = -1) ABSL_LOCKS_EXCLUDED(mu_);

  // An unparked worker wants to search. False (and no change) if half the
  // workers already search.
  bool TransitionWorkerToSearching();

  // A searcher found work. Returns true if it was the last searcher: the
  // caller must then wake one more worker.
  bool TransitionWorkerFromSearching();

  // `worker` is about to park. Returns true if it was the last searcher.
  // Either way the caller must then rescan every queue before it really
  // sleeps: a producer that saw it unparked (or saw a searcher) woke
  // nobody. The runtime rescans on every park, not only for the last
  // searcher as Tokio does (worker.cc, ParkUntilWork). `cpu` is the CPU
  // the worker parks on (kSameCpuFirst; -1: unknown).
  bool TransitionWorkerToParked(int worker, bool is_searching, int cpu = -1)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Removes `worker` from the sleepers if it is there (it woke with work of
  // its own, or shutdown). Returns true if it was; false means a producer
  // already removed it and counted it as searching.
  bool UnparkWorkerById(int worker) ABSL_LOCKS_EXCLUDED(mu_);

  // Whether `worker` is in the sleepers set. Lock-free.
  bool IsParked(int worker) const;

  int num_searching() const;
  int num_unparked() const;
  int num_workers() const { return num_workers_; }

 private:
  static constexpr uint64_t kSearchingOne = 1;
  static constexpr uint64_t kUnparkedOne = uint64_t{1} << 32;
  static uint32_t Searching(uint64_t s) { return static_cast<uint32_t>(s); }
  static uint32_t Unparked(uint64_t s) {
    return static_cast<uint32_t>(s >> 32);
  }
  bool NotifyShouldWakeup() const;
  // Picks (and removes) a sleeper by the policy. Requires sleepers_ non-empty.
  int TakeSleeperLocked(int caller_cpu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Points *pick at the most recently parked sleeper that is not in the
  // driver and (cpu >= 0) parked on `cpu`; false, and no change, if none.
  bool FindCondvarSleeperLocked(int cpu, std::vector<int>::iterator* pick)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int num_workers_;
  const WakePolicy policy_;
  const std::vector<const Parker*> parkers_;
  // {unparked: high 32 bits, searching: low 32 bits}. seq_cst throughout:
  // the rules above are Dekker-style handshakes with the queues' lengths.
  alignas(64) std::atomic<uint64_t> state_;
  mutable Mutex mu_;
  std::vector<int> sleepers_ ABSL_GUARDED_BY(mu_);
  // parked_cpu_[i]: the CPU worker i last parked on (-1: unknown).
  std::vector<int> parked_cpu_ ABSL_GUARDED_BY(mu_);
  // in_sleepers_[i]: worker i is in sleepers_. Written under mu_, read
  // without it by IsParked (a woken worker asks on its way out of a park;
  // taking mu_ there put a shared lock on every wakeup's path).
  std::unique_ptr<std::atomic<bool>[]> in_sleepers_;
};

}  // namespace park

#endif  // PARK_IDLE_IDLE_H_
