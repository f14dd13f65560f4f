// PoolWatchdog: systemd's WATCHDOG=1, sent from a task that runs on the
// pool, and only while every worker is parked, searching, or has finished a
// task or parked or been woken since the last check (a worker a producer
// has just woken is neither parked nor searching until it runs; that is not
// a stall). A worker stuck in one task for longer than
// the stall bound stops the pings (and is named in the journal), so a
// wedged pool gets restarted instead of being reported alive by a thread
// that does not depend on it.
//
// Part of the service layer (service.h), not installed.
// Thread-safety: Start/Stop/set_stall from the main thread; Check runs as a
// task, one at a time (each check arms the next).
#ifndef PARK_SERVICE_POOL_WATCHDOG_H_
#define PARK_SERVICE_POOL_WATCHDOG_H_

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

#include "park/runtime/runtime.h"
#include "park/service/counter_fields.h"
#include "park/service/journal.h"
#include "park/service/notifier.h"

namespace park::internal {

class PoolWatchdog {
 public:
  using Clock = Runtime::Clock;

  PoolWatchdog(Runtime& runtime, const Notifier& notifier,
               const Journal& journal, const CounterFields& fields,
               std::chrono::microseconds interval,
               std::chrono::milliseconds stall);

  absl::Status Start();
  // Cancels the next check; no ping is sent after Stop returns (a check
  // already running may still finish). Idempotent.
  void Stop();
  void set_stall(std::chrono::milliseconds stall) { stall_ms_ = stall.count(); }

  // As of the last check (every `interval`), for /metrics; any thread.
  // satisfied: no worker was stuck longer than the stall limit, so the
  // ping was sent. longest_in_task: how long the worker that has gone
  // longest without finishing a task, parking or being woken has been so,
  // measured at check granularity (0 when every worker moved).
  bool satisfied() const { return satisfied_.load(std::memory_order_relaxed); }
  std::chrono::milliseconds longest_in_task() const {
    return std::chrono::milliseconds(longest_ms_.load(std::memory_order_relaxed));
  }

 private:
  void Check();
  absl::Status ArmLocked();

  Runtime& runtime_;
  const Notifier& notifier_;
  const Journal& journal_;
  const CounterFields& fields_;
  const std::chrono::microseconds interval_;
  std::atomic<int64_t> stall_ms_;
  // Written by Check, read by the getters; relaxed: independent gauges.
  std::atomic<bool> satisfied_{true};
  std::atomic<int64_t> longest_ms_{0};

  std::mutex mu_;  // guards stopped_ and next_
  bool stopped_ = false;
  std::optional<TimerHandle> next_;

  // Check-only state (one check at a time).
  std::vector<uint64_t> last_tasks_;
  std::vector<uint64_t> last_parking_;  // Parking(), per worker
  std::vector<Clock::time_point> last_progress_;
  std::vector<bool> reported_;
};

}  // namespace park::internal

#endif  // PARK_SERVICE_POOL_WATCHDOG_H_
