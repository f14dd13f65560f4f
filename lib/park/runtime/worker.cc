#include "park/runtime/worker.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>

#include "park/runtime/runtime_core.h"
#include "park/sys/sched_slice.h"

namespace park::internal {
namespace {

thread_local Worker* current_worker = nullptr;

// Tasks taken from the inject queue at once: enough to make the lock rare,
// few enough to leave work for the other workers.
constexpr size_t kMaxInjectBatch = LocalQueue::kCapacity;

// Below this many local tasks a worker looks at the inject queue on every
// tick: outside work then waits behind at most this many local tasks, and
// a batch is mostly run before the next is taken.
constexpr uint32_t kInjectLowWater = 4;

// Short idle gaps in a row before a worker spins in an idle pool, at
// least and at most. One is not enough: an outside thread that runs late
// and then catches up (the light load at 10 kHz) leaves single short gaps
// between long ones, and each spin they started burned its whole budget
// (8.3 and 14.2 us of runtime CPU per task against 5.6 and 8.0). Eight
// started too late: a program that waits for each result before it sends
// more work was spinning only from its ninth round on; 2 to 4 measured
// alike. Each spin that finds nothing doubles the run required, and each
// that finds work halves it: a submitter whose gaps come short in runs but
// whose spins mostly miss (10 kHz on a noisy host: 1 spin in 5 found work)
// soon needs a run it does not make (docs/runtime.md, "The idle-pool
// spin").
constexpr uint32_t kIdleSpinAfterMin = 3;
constexpr uint32_t kIdleSpinAfterMax = 96;

// A spin-wait hint: lets the sibling hyperthread run, saves power.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace

Worker::Worker(RuntimeCore& runtime, int index,
               std::shared_ptr<SharedDriver> shared)
    : runtime_(runtime),
      index_(index),
      parker_(std::make_unique<Parker>(std::move(shared))),
      ticks_to_poll_(static_cast<uint32_t>(runtime.options_.event_interval)),
      rng_(static_cast<uint32_t>(index) * 2654435761u + 1) {}

Worker::~Worker() { delete lifo_; }

Worker* Worker::Current() { return current_worker; }

void Worker::Run() {
  current_worker = this;
  // Named for top, perf and gdb: "park-worker-N" (15 characters at most).
  const std::string name = "park-worker-" + std::to_string(index_);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  absl::Status slice = absl::OkStatus();
  if (const int us = runtime_.options_.worker_slice_us; us > 0) {
    slice = SetSchedSlice(std::chrono::microseconds(us)).status();
  }
  runtime_.WorkerStarted(std::move(slice));
  idle_spin_ =
      runtime_.options_.idle_spin_us > 0 && runtime_.workers_.size() > 1;
  for (;;) {
    // Shutdown abandons queued work (Drain is the way to finish it): stop
    // at the next task boundary. Relaxed: the flag's line is read-mostly,
    // and Shutdown also wakes us through the parker, which synchronises.
    if (runtime_.shut_down_.load(std::memory_order_relaxed)) break;
    if (Task* task = NextLocalTask()) {
      RunTask(task);
      continue;
    }
    if (Task* task = Search()) {
      RunTask(task);
      continue;
    }
    // Out of work: an idle gap starts (RunTask ends it).
    if (idle_spin_ && !idle_gap_open_) {
      idle_gap_open_ = true;
      idle_from_ = std::chrono::steady_clock::now();
      idle_pulls_ = inject_pulls_.load(std::memory_order_relaxed);
    }
    if (Task* task = SpinSearch()) {
      RunTask(task);
      continue;
    }
    if (!ParkUntilWork()) break;
  }
  current_worker = nullptr;
}

Task* Worker::NextLocalTask() {
  ++tick_;
  // A deferred wakeup (RunTask) is due after its delay: looked at here, at
  // every task boundary, so that a run of short tasks longer than the delay
  // gets another worker on time without its timer (the backstop for a
  // single long task, which fires later: RuntimeCore::DeferWake).
  if (runtime_.DeferredWakePending()) [[unlikely]] {
    runtime_.CheckDeferredWake();
  }
  if (--ticks_to_poll_ == 0) {
    ticks_to_poll_ = static_cast<uint32_t>(runtime_.options_.event_interval);
    PollDriver();
  }
  // Work from outside waits in the inject queue: take a fair share to the
  // back of the local queue on every tick that finds some (one load when
  // there is none). It then runs behind what is queued locally, and the
  // LIFO slot gives up its priority to it, so a chain of spawns cannot keep
  // outside work waiting (tokio 1.24's spawn_many_remote_busy2 starvation).
  // While the local queue runs low; otherwise every
  // global_queue_interval ticks. (Pulling on every tick splits the inject
  // queue into ever smaller batches, each a lock the spawning thread then
  // waits for.)
  if ((local_.size() < kInjectLowWater ||
       tick_ - last_inject_tick_ >=
           static_cast<uint32_t>(runtime_.options_.global_queue_interval)) &&
      !runtime_.inject_.empty()) {
    if (lifo_ == nullptr && local_.empty()) {
      // Nothing local to keep ahead of it: run the oldest outside task
      // straight away (a worker just woken for one task takes this path).
      if (Task* task = PullInject()) {
        lifo_polls_ = 0;
        return task;
      }
    } else if (PullInjectToLocal()) {
      if (lifo_ != nullptr) {
        local_.PushBackOrOverflow(std::exchange(lifo_, nullptr),
                                  runtime_.inject_);
      }
      lifo_polls_ = 0;
      return local_.Pop();
    }
  }
  if (lifo_ != nullptr) {
    // Behind nothing, the slot's task runs now: nothing local waits for it,
    // and the inject queue and the driver were looked at above on their own
    // schedule (so a chain of spawns starves neither). Tokio caps the
    // slot here too (tokio#5712) and sends the chain through the local
    // queue; that round trip, a CAS on the queue's head for the task we
    // pop next, was 7% of a chain of spawns' time.
    if (local_.empty()) {
      lifo_polls_ = 0;
      return std::exchange(lifo_, nullptr);
    }
    // Ahead of queued work at most max_lifo_polls times in a row (0 by
    // default: a chain of long tasks, each spawning the next, would hold
    // the queued work back by that many task lengths; docs/runtime.md).
    if (lifo_polls_ < runtime_.options_.max_lifo_polls) {
      ++lifo_polls_;
      return std::exchange(lifo_, nullptr);
    }
    // Capped: the chain goes behind the queued work, where others may
    // steal it.
    local_.PushBackOrOverflow(std::exchange(lifo_, nullptr), runtime_.inject_);
    NotifyAfterLocalPush();
  }
  lifo_polls_ = 0;
  if (Task* task = local_.Pop()) return task;
  return PullInject();
}

size_t Worker::TakeInjectBatch(Task** batch) {
  InjectQueue& inject = runtime_.inject_;
  // All of it, bounded by the room in our local queue: idle workers steal
  // half from us, and a busy one runs it in FIFO order before its own
  // re-queued tasks come round again (asio-like fairness for outside work).
  const size_t share = inject.size();
  const size_t room = LocalQueue::kCapacity - local_.size();
  const size_t max = std::min({share, room, kMaxInjectBatch});
  if (max == 0) return 0;  // nothing queued, or no room
  const size_t n = inject.PopBatch(batch, max);
  if (n > 0) Bump(inject_pulls_);
  last_inject_tick_ = tick_;
  return n;
}

Task* Worker::PullInject() {
  std::array<Task*, kMaxInjectBatch> batch;
  const size_t n = TakeInjectBatch(batch.data());
  if (n == 0) return nullptr;
  for (size_t i = 1; i < n; ++i) {
    local_.PushBackOrOverflow(batch[i], runtime_.inject_);
  }
  if (n > 1) OfferMovedWork();
  return batch[0];
}

bool Worker::PullInjectToLocal() {
  std::array<Task*, kMaxInjectBatch> batch;
  const size_t n = TakeInjectBatch(batch.data());
  for (size_t i = 0; i < n; ++i) {
    local_.PushBackOrOverflow(batch[i], runtime_.inject_);
  }
  if (n > 0) OfferMovedWork();
  return n > 0;
}

void Worker::OfferMovedWork() {
  // Work that reached our local queue from elsewhere: a batch from the
  // inject queue, or what a driver turn produced (timers, I/O). A
  // searcher's is covered by the last-searcher rule in RunTask. Otherwise
  // our pushes were plain stores, which a worker parking right now may not
  // see in its rescan, and we may be about to run a task that blocks (or
  // waits for these).
  if (searching_) return;
  NotifyAfterLocalPush();
}

Task* Worker::Search() {
  if (!searching_) {
    if (!runtime_.idle_->TransitionWorkerToSearching()) {
      // Enough workers search already; the inject queue is still ours to
      // look at.
      return PullInject();
    }
    searching_ = true;
    searching_gauge_.store(true, std::memory_order_relaxed);
  }
  const size_t n = runtime_.workers_.size();
  const size_t start = (rng_ = rng_ * 1103515245u + 12345u) % n;
  for (size_t i = 0; i < n; ++i) {
    Worker& victim = *runtime_.workers_[(start + i) % n];
    if (&victim == this) continue;
    if (Task* task = victim.local_.StealInto(local_)) {
      Bump(steals_);
      return task;
    }
  }
  return PullInject();
}

Task* Worker::SpinSearch() {
  // Go's spinning threads, bounded in time. A searcher that found nothing
  // while another worker runs tasks is likely to find work in a moment (that
  // worker's spawns), and a park costs more than the wait: the producer's
  // unpark syscall, the wake-up, and on a VM the halted vCPU that the host
  // must schedule again (tens of us here). While we spin we still count as
  // searching, so producers skip their wakeup syscall (idle.h); when the
  // spin ends we park through ParkUntilWork, whose rescan keeps the
  // searcher rules intact. When every other worker is parked, the work
  // can only come from outside, and a spinning thread would sit on the CPU
  // the spawner may want (the idle pool's wake latency): no spin, unless
  // the last idle gaps say that work comes back within idle_spin_us (an
  // outside thread waiting for each result). Then the spin saves the wakeup
  // of this worker, which on a VM waits for the host to run a halted vCPU
  // again.
  if (!searching_) return nullptr;
  const Idle& idle = *runtime_.idle_;
  int budget_us = runtime_.options_.spin_before_park_us;
  uint32_t halvings = spin_misses_;
  const bool idle_pool = idle.num_unparked() < 2;
  if (idle_pool) {
    if (!idle_spin_ || short_gaps_ < idle_spin_after_) return nullptr;
    // The run of short gaps decides this one, not the busy pool's halving:
    // a miss clears the run (and doubles the one required).
    budget_us = runtime_.options_.idle_spin_us;
    halvings = 0;
  }
  if (budget_us == 0) return nullptr;
  // A spin pays only when the work it waits for comes within its budget
  // (a busy worker's next spawn: ping_pong). Where it does not (the other
  // worker finishing the last tasks of a burst from outside), each spin
  // burned its whole budget for nothing: 1.3 us per task in light_load's
  // bursts of 8, with spins_found at 0. So a run of misses shortens the
  // spin (skipping it instead cost spawn_many_local 25%: the first spin
  // of the next burst of spawns must still be there to catch it).
  const auto budget =
      std::chrono::nanoseconds((int64_t{budget_us} * 1000) >> halvings);
  const auto until = std::chrono::steady_clock::now() + budget;
  Bump(spins_);
  for (uint32_t i = 1;; ++i) {
    CpuRelax();
    if (runtime_.WorkPending()) {
      if (Task* task = Search()) {
        Bump(spins_found_);
        if (idle_pool) {
          idle_spin_after_ = std::max(idle_spin_after_ / 2, kIdleSpinAfterMin);
        } else {
          spin_misses_ = 0;
        }
        return task;
      }
    }
    if (i % 16 != 0) continue;
    // An idle pool's spin waits for a thread outside the pool, which may be
    // waiting for this very CPU (more runnable threads than CPUs): it
    // yields the CPU, about every microsecond (a syscall that returns at
    // once when nothing else is runnable here; chained_spawn kept its
    // gain, 49.6 against 71.3 us without the idle spin).
    if (idle_pool) sched_yield();
    // The clock and the shared words every 16 rounds (about a microsecond).
    // A busy pool's spin ends when the last other worker parks; an idle
    // pool's runs its budget.
    if (((!idle_pool && idle.num_unparked() < 2) ||
         runtime_.shut_down_.load(std::memory_order_relaxed) ||
         std::chrono::steady_clock::now() >= until)) {
      if (idle_pool) {
        short_gaps_ = 0;
        idle_spin_after_ = std::min(idle_spin_after_ * 2, kIdleSpinAfterMax);
      } else {
        spin_misses_ = std::min<uint32_t>(spin_misses_ + 1, 3);
      }
      return nullptr;
    }
  }
}

void Worker::EndIdleGap() {
  idle_gap_open_ = false;
  // Only a gap that outside work ended counts: the idle spin is for a
  // thread outside the pool that answers each result with new work. Work
  // from I/O reaches a worker in the driver, and work spawned inside
  // reaches a busy pool's spin; a worker spinning for them in an idle pool
  // competes for the CPUs with the clients (/healthz under wrk on the same
  // two CPUs: 5% fewer requests per second).
  const bool outside_work =
      inject_pulls_.load(std::memory_order_relaxed) != idle_pulls_;
  if (!outside_work ||
      std::chrono::steady_clock::now() - idle_from_ >=
          std::chrono::microseconds(runtime_.options_.idle_spin_us)) {
    short_gaps_ = 0;
  } else if (short_gaps_ < kIdleSpinAfterMax) {
    ++short_gaps_;
  }
}

void Worker::RunTask(Task* task) {
  if (idle_gap_open_) [[unlikely]] EndIdleGap();
  if (searching_) {
    searching_ = false;
    searching_gauge_.store(false, std::memory_order_relaxed);
    // The last searcher that found work wakes another if there is more
    // work in sight (Tokio wakes one unconditionally: for a single task
    // from outside that is a second, useless wakeup that competes with
    // this one for a CPU). Pushes that saw us searching are covered: the
    // RMW in TransitionWorkerFromSearching orders our look at the queues
    // after their publication (idle.h).
    if (runtime_.idle_->TransitionWorkerFromSearching()) {
      // The RMW above pairs with producers that saw us searching and woke
      // nobody (their fence, NotifyAfterLocalPush): this fence puts our
      // look at the queues after it in the fences' total order, so the
      // look sees their pushes under the C++ model, not only on x86 (where
      // the locked RMW is already a full barrier).
      std::atomic_thread_fence(std::memory_order_seq_cst);
      // Work only in our own queue we run next: another worker is needed
      // for it only if this task blocks, which the deferred wakeup covers
      // (a burst from outside then wakes no second worker).
      const bool own_queued = !local_.empty();
      if (runtime_.WorkPendingBesides(this) ||
          (own_queued && runtime_.options_.searcher_wake_delay_us == 0)) {
        runtime_.NotifyParked();
      } else if (own_queued && runtime_.workers_.size() > 1) {
        // (A pool of one has nobody to wake: no timer either.)
        runtime_.DeferWake();
      }
    }
  }
  const TaskStatus status = task->Run();
  Bump(tasks_run_);
  if (status == TaskStatus::kYield) {
    Schedule(task, Origin::kYield);
  } else {
    delete task;
    Bump(completed_);
  }
}

void Worker::Schedule(Task* task, Origin origin) {
  if (origin == Origin::kSpawn) Bump(spawned_);  // timers count when set
  bool notify = true;
  if (origin == Origin::kSpawn && !in_park_) {
    // The LIFO slot runs next; the first spawn wakes nobody because this
    // worker will run it as soon as the current task returns. A displaced
    // occupant goes to the local queue, where others may steal it.
    Task* prev = std::exchange(lifo_, task);
    notify = prev != nullptr;
    if (prev != nullptr) local_.PushBackOrOverflow(prev, runtime_.inject_);
  } else {
    local_.PushBackOrOverflow(task, runtime_.inject_);
  }
  if (!notify) return;
  if (in_park_) {
    deferred_notify_ = true;  // sent once, after the driver turn
  } else {
    NotifyAfterLocalPush();
  }
}

void Worker::NotifyAfterLocalPush() {
  // The push published the task with a release store of the queue's tail;
  // a worker going to sleep does an RMW on the idle state and then reads
  // the tails (ParkUntilWork). Store then load on our side, RMW then load
  // on theirs: without a full fence here our store can still sit in the
  // store buffer while we read "nobody sleeps" or "someone searches", and
  // the sleeper reads the old tail: nobody wakes for the task (tokio's
  // notify_should_wakeup fences at this point for the same reason). With
  // this fence and the parker's (ParkUntilWork) the C++ model's rule for
  // two seq_cst fences applies: whichever fence is first in their total
  // order, the other side's later load sees the earlier side's write. The
  // cost is one full fence (g++: `lock or` on the stack) per local push
  // that may notify (a yield, a spawn that displaced the LIFO slot, the
  // LIFO cap's push behind queued work); the first spawn of a task goes to
  // the LIFO slot, which nobody else can take, and needs none.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  runtime_.NotifyParked();
}

void Worker::PollDriver() {
  // A non-blocking turn if the driver is free: timers and I/O stay served
  // while every worker is busy. Tasks it produces land in our queue. With
  // no fd registered and no timer due the turn could find nothing, and it
  // costs a syscall: skip it.
  if (!runtime_.shared_->driver().MayHaveEvents()) return;
  in_park_ = true;
  parker_->ParkFor(Parker::Clock::duration::zero());
  in_park_ = false;
  if (std::exchange(deferred_notify_, false)) OfferMovedWork();
}

bool Worker::ParkUntilWork() {
  if (HasLocalWork()) return true;
  runtime_.CancelDeferredWakeIfNothingQueued();
  Idle& idle = *runtime_.idle_;
  idle.TransitionWorkerToParked(
      index_, searching_,
      runtime_.options_.wake_policy == WakePolicy::kSameCpuFirst
          ? sched_getcpu()
          : -1);
  // Pairs with the producers' fence (NotifyAfterLocalPush, OfferMovedWork):
  // either our RMW is seen by their look at the idle state (they wake us),
  // or their push is seen by the rescan below. The queues' loads are only
  // acquire, so the RMW alone would order them on x86 but not under the
  // C++ model.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  searching_ = false;
  searching_gauge_.store(false, std::memory_order_relaxed);
  // Look once more, whether or not we were the last searcher. A producer
  // that saw a searcher, or saw every worker unparked (us included, just
  // before we counted ourselves out), woke nobody: the work is left to
  // the awake workers, and the other one may be inside a long task. Our
  // count went down (seq_cst RMW) before this look, and the producer
  // published before it read the count, so one of us sees the other.
  // (Tokio 1.24 rescans only for the last searcher, and strands such a
  // task until the busy worker comes back; found by the TSan run of
  // AllWorkersWakeForQueuedWork, about 1 run in 10.)
  runtime_.NotifyIfWorkPending();
  for (;;) {
    if (runtime_.shut_down_.load()) return false;
    in_park_ = true;
    const ParkResult result = parker_->Park();
    in_park_ = false;
    if (result == ParkResult::kShutdown) return false;
    if (HasLocalWork()) {
      // Woken with work of our own (a driver event). If a producer had
      // already taken us out of the sleepers, it counted us as searching.
      searching_ = !idle.UnparkWorkerById(index_);
      break;
    }
    if (idle.IsParked(index_)) continue;  // not meant for us: sleep on
    searching_ = true;  // a producer woke us: we start as a searcher
    break;
  }
  searching_gauge_.store(searching_, std::memory_order_relaxed);
  if (std::exchange(deferred_notify_, false)) OfferMovedWork();
  return true;
}

WorkerCounters Worker::counters(bool parked_now) const {
  const ParkerCounters p = parker_->counters();
  WorkerCounters c;
  c.parks_driver = p.parks_driver;
  c.parks_condvar = p.parks_condvar;
  c.unparks_driver = p.unparks_driver;
  c.unparks_condvar = p.unparks_condvar;
  c.unparks_noop = p.unparks_noop;
  c.spurious_wakeups = p.spurious_wakeups;
  c.tasks_run = tasks_run_.load(std::memory_order_acquire);
  c.steals = steals_.load(std::memory_order_acquire);
  c.inject_pulls = inject_pulls_.load(std::memory_order_acquire);
  c.spins = spins_.load(std::memory_order_acquire);
  c.spins_found = spins_found_.load(std::memory_order_acquire);
  c.parked_now = parked_now ? 1 : 0;
  c.searching_now = searching_gauge_.load(std::memory_order_relaxed) ? 1 : 0;
  return c;
}

uint64_t Worker::DropRemaining() {
  uint64_t n = 0;
  if (lifo_ != nullptr) {
    delete std::exchange(lifo_, nullptr);
    ++n;
  }
  while (Task* t = local_.Pop()) {
    delete t;
    ++n;
  }
  return n;
}

}  // namespace park::internal
