#include "park/service/pool_watchdog.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace park::internal {
namespace {

// Everything a worker's parker counts: it moves whenever the worker parks or
// is woken, never while the worker is inside a task (a producer wakes only
// sleepers).
uint64_t Parking(const WorkerCounters& w) {
  return w.parks_driver + w.parks_condvar + w.unparks_driver +
         w.unparks_condvar + w.unparks_noop + w.spurious_wakeups;
}

}  // namespace

PoolWatchdog::PoolWatchdog(Runtime& runtime, const Notifier& notifier,
                           const Journal& journal,
                           const CounterFields& fields,
                           std::chrono::microseconds interval,
                           std::chrono::milliseconds stall)
    : runtime_(runtime),
      notifier_(notifier),
      journal_(journal),
      fields_(fields),
      interval_(interval),
      stall_ms_(stall.count()) {
  const size_t n = static_cast<size_t>(runtime.num_workers());
  last_tasks_.assign(n, 0);
  last_parking_.assign(n, 0);
  last_progress_.assign(n, Clock::now());
  reported_.assign(n, false);
}

absl::Status PoolWatchdog::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  notifier_.Watchdog();  // the first ping: the pool just started
  return ArmLocked();
}

absl::Status PoolWatchdog::ArmLocked() {
  if (stopped_) return absl::OkStatus();
  absl::StatusOr<TimerHandle> h =
      runtime_.RunAfter(interval_, [this] { Check(); });
  if (!h.ok()) return h.status();
  next_ = *h;
  return absl::OkStatus();
}

void PoolWatchdog::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (next_) runtime_.Cancel(*next_);
  next_.reset();
}

void PoolWatchdog::Check() {
  const RuntimeCounters c = runtime_.counters();
  const Clock::time_point now = Clock::now();
  const auto stall = std::chrono::milliseconds(stall_ms_.load());
  bool wedged = false;
  std::chrono::milliseconds longest{0};
  for (size_t i = 0; i < c.workers.size(); ++i) {
    const WorkerCounters& w = c.workers[i];
    if (w.parked_now || w.searching_now || w.tasks_run != last_tasks_[i] ||
        Parking(w) != last_parking_[i]) {
      last_progress_[i] = now;
      last_tasks_[i] = w.tasks_run;
      last_parking_[i] = Parking(w);
      if (reported_[i]) {
        journal_.Log(LOG_NOTICE,
                     absl::StrCat("worker ", i, " made progress again; "
                                  "watchdog pings resume"),
                     {{fields_.Name("WORKER"), absl::StrCat(i)}});
        reported_[i] = false;
      }
      continue;
    }
    const auto stuck = std::chrono::duration_cast<std::chrono::milliseconds>(
        now - last_progress_[i]);
    longest = std::max(longest, stuck);
    if (stuck <= stall) continue;
    wedged = true;
    if (!reported_[i]) {
      journal_.Log(
          LOG_ERR,
          absl::StrCat("worker ", i, " stuck in one task for ", stuck.count(),
                       " ms (longer than ", stall.count(),
                        " ms): watchdog pings stopped"),
          {{fields_.Name("WORKER"), absl::StrCat(i)},
           {fields_.Name("STUCK_MS"), absl::StrCat(stuck.count())}});
      reported_[i] = true;
    }
  }
  satisfied_.store(!wedged, std::memory_order_relaxed);
  longest_ms_.store(longest.count(), std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  if (!wedged) notifier_.Watchdog();
  (void)ArmLocked();
}

}  // namespace park::internal
