// internal::Worker: one thread of the Runtime's pool and the run loop it
// executes: LIFO slot, local queue, inject queue, stealing, parking.
//
// Abstract state (of the worker, as the idle layer sees it): running (has a
// task), searching (looking in other queues), or parked (in the sleepers
// set, sleeping in the parker). The tick counts task runs and paces the
// fairness checks (inject queue, driver poll).
//
// Thread-safety: everything is owner-only (the worker's thread) except
// local_.StealInto (other workers), unparker() and counters() (any thread).
#ifndef PARK_RUNTIME_WORKER_H_
#define PARK_RUNTIME_WORKER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "park/parker/parker.h"
#include "park/runtime/counters.h"
#include "park/runtime/local_queue.h"
#include "park/runtime/task.h"

namespace park::internal {

class RuntimeCore;

class Worker {
 public:
  Worker(RuntimeCore& runtime, int index, std::shared_ptr<SharedDriver> shared);
  ~Worker();  // deletes a task left in the LIFO slot

  // The run loop; returns once the runtime shuts down. On the worker's own
  // thread only.
  void Run();

  // Queues a task made on this worker's thread: the LIFO slot for a spawn
  // by a running task, the back of the local queue for a yield, a timer's
  // task, or a spawn made by a driver callback (I/O readiness) during a
  // park. Owner only.
  enum class Origin { kSpawn, kYield, kTimer };
  void Schedule(Task* task, Origin origin);

  // The worker whose thread this is, or null.
  static Worker* Current();

  RuntimeCore& runtime() { return runtime_; }
  const Parker& parker() const { return *parker_; }
  Unparker unparker() const { return parker_->unparker(); }
  LocalQueue& local() { return local_; }

  // Tasks spawned on this worker and tasks it finished; see
  // RuntimeCore::LiveTasks for the order they are read in. Any thread.
  uint64_t spawned() const { return spawned_.load(std::memory_order_acquire); }
  uint64_t completed() const {
    return completed_.load(std::memory_order_acquire);
  }
  WorkerCounters counters(bool parked_now) const;

  // After the thread has exited: moves every task still held into the
  // caller's hands (deleted) and returns how many there were.
  uint64_t DropRemaining();

 private:
  Task* NextLocalTask();
  Task* Search();
  // After a failed search: keeps searching for up to spin_before_park_us
  // while another worker is running tasks, instead of parking at once.
  // Adaptive: each spin in a row that found nothing halves the next one's
  // budget (down to an eighth), and one spin that finds work restores it.
  // When every other worker is parked: for up to idle_spin_us, and only
  // after idle_spin_after_ short idle gaps in a row (short_gaps_).
  // Returns a task found, or null (then park).
  Task* SpinSearch();
  // The idle-pool spin's evidence: at the first task after an idle gap,
  // counts the gap as short (outside work within idle_spin_us) or clears
  // the count.
  void EndIdleGap();
  // Takes a batch from the inject queue: returns its first task, having
  // queued the rest locally; null if the inject queue was empty.
  Task* PullInject();
  // As PullInject, but queues the whole batch locally; false if none.
  bool PullInjectToLocal();
  // After work reached the local queue from the inject queue or a driver
  // turn: wakes a sleeper to share it if the idle rules say so (worker.cc
  // says why a fence comes first).
  void OfferMovedWork();
  // After a push to the local queue: a seq_cst fence, then wakes a sleeper
  // if the idle rules say so (worker.cc says what the fence pairs with).
  void NotifyAfterLocalPush();
  // Pops a fair share of the inject queue into batch[0..n); returns n.
  size_t TakeInjectBatch(Task** batch);
  void RunTask(Task* task);
  // Parks until there may be work; false when the runtime shuts down.
  bool ParkUntilWork();
  void PollDriver();
  bool HasLocalWork() const { return lifo_ != nullptr || !local_.empty(); }
  static void Bump(std::atomic<uint64_t>& c, uint64_t by = 1) {
    // Owner-only counters: a plain load and store, no RMW. Release pairs
    // with the acquire loads in spawned()/completed()/counters().
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_release);
  }

  RuntimeCore& runtime_;
  const int index_;
  LocalQueue local_;
  std::unique_ptr<Parker> parker_;

  Task* lifo_ = nullptr;
  int lifo_polls_ = 0;
  uint32_t tick_ = 0;
  // Ticks left until the next PollDriver: a countdown from event_interval,
  // not tick_ % event_interval (a division on every tick).
  uint32_t ticks_to_poll_;
  uint32_t last_inject_tick_ = 0;  // tick of the last inject pull
  // SpinSearch's back-off: the run of spins that found nothing, up to 3
  // (owner only).
  uint32_t spin_misses_ = 0;
  // Idle gaps in a row shorter than idle_spin_us (counted up to the most
  // ever required); cleared by a longer gap and by an idle spin that found
  // nothing. An idle spin needs idle_spin_after_ of them: 3 at first,
  // doubled by a spin that found nothing, halved by one that found work
  // (worker.cc, kIdleSpinAfterMin). Owner only.
  uint32_t short_gaps_ = 0;
  uint32_t idle_spin_after_ = 3;
  // The open idle gap: since when, and inject_pulls_ then (an outside task
  // ends it if the count has moved). Owner only.
  bool idle_gap_open_ = false;
  std::chrono::steady_clock::time_point idle_from_;
  uint64_t idle_pulls_ = 0;
  // Whether this pool may spin idle at all (idle_spin_us > 0, two workers
  // or more; set as Run starts): when not, the worker reads no clock for
  // it.
  bool idle_spin_ = false;
  bool searching_ = false;
  // True while this worker is inside a park: tasks that driver callbacks
  // schedule then batch their wakeup (deferred_notify_) until it returns.
  bool in_park_ = false;
  bool deferred_notify_ = false;
  uint32_t rng_;

  std::atomic<uint64_t> spawned_{0}, completed_{0}, tasks_run_{0}, steals_{0},
      inject_pulls_{0}, spins_{0}, spins_found_{0};
  std::atomic<bool> searching_gauge_{false};
};

}  // namespace park::internal

#endif  // PARK_RUNTIME_WORKER_H_
