// Driver: the one blocking point for I/O and time.
//
// One epoll instance watching an eventfd (the waker), a timerfd (armed at the
// earliest pending timer) and the fds registered by the layers above. A
// driver turn, Park(deadline), blocks in epoll_wait until the waker rings, a
// timer is due, a registered fd is ready, or the deadline passes; before it
// returns it consumes the waker, runs the due timer callbacks and calls the
// handlers of the ready fds, all on the calling thread.
//
// Abstract state: {wake_pending: bool, timers: set, registrations: set}.
// wake_pending is true from the Unpark() that rang the waker until the turn
// that consumes it; while it is true further Unpark() calls make no syscall.
//
// Thread-safety: Park() is for one thread at a time (the holder of the
// driver; park::Parker's try-lock arbitrates, and a second concurrent caller
// aborts). Everything else is safe from any thread at any time, including
// while another thread is blocked in Park().
#ifndef PARK_DRIVER_DRIVER_H_
#define PARK_DRIVER_DRIVER_H_

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "park/driver/driver_counters.h"
#include "park/driver/io_registry.h"
#include "park/driver/timer_set.h"
#include "park/sys/epoll.h"
#include "park/sys/event_fd.h"

namespace park {

// What one driver turn saw.
struct DriverTurn {
  bool woken = false;        // the waker was rung (an Unpark() reached it)
  size_t timers_fired = 0;   // timer callbacks run in this turn
  size_t io_events = 0;      // ready-fd handlers called in this turn
  bool timed_out = false;    // the deadline passed with nothing ready
  bool eventful() const { return woken || timers_fired > 0 || io_events > 0; }
};

class Driver {
 public:
  // Creates the epoll instance, waker and timerfd. Errors name the failing
  // call and errno.
  static absl::StatusOr<std::unique_ptr<Driver>> Create();

  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // One driver turn (see the file comment). Blocks until something happens
  // or `deadline` (nullopt: none; a past deadline polls without blocking).
  // A deadline has nanosecond resolution and is never rounded down.
  // Never allocates in steady state. Holder only.
  DriverTurn Park(std::optional<Clock::time_point> deadline);

  // Makes the current turn return, or the next one if none is running.
  // Coalesced: only the first Unpark() after a turn consumed the waker
  // writes the eventfd. Never blocks, never allocates. Any thread.
  void Unpark();

  // Timers: `callback` runs once, in the first turn at or after `deadline`
  // (never before). Any thread; see TimerSet for Cancel's contract.
  TimerId AddTimer(Clock::time_point deadline, TimerCallback callback);
  bool CancelTimer(TimerId id);
  // Drops every pending timer without running it; returns how many.
  size_t CancelAllTimers();

  // I/O: watch `fd` for `events` (EPOLLIN, EPOLLOUT, EPOLLET, ...), calling
  // handler->OnReady in the turn that sees them. The driver shares ownership
  // of the handler until Deregister. Deregister stops the fd being watched;
  // a turn already running may still call the handler once more, which is
  // why ownership is shared. The caller keeps owning (and closes) the fd.
  absl::StatusOr<IoToken> Register(int fd, uint32_t events,
                                   std::shared_ptr<IoHandler> handler);
  absl::Status Modify(IoToken token, uint32_t events);
  absl::Status Deregister(IoToken token);

  // False when a turn is sure to find nothing but a waker: no fd is
  // registered and no timer is due. A hint (it may be stale by the time
  // the caller acts on it) for callers that poll: never blocks, any thread.
  bool MayHaveEvents() const;

  DriverCounters counters() const;

 private:
  static constexpr size_t kMaxEvents = 256;
  Driver(Epoll epoll, EventFd waker, TimerFd timerfd);

  void Dispatch(int n, DriverTurn* turn);
  static void Bump(std::atomic<uint64_t>& counter, uint64_t by = 1) {
    // Relaxed: counters order nothing; a snapshot may be slightly stale.
    counter.fetch_add(by, std::memory_order_relaxed);
  }

  Epoll epoll_;
  EventFd waker_;
  TimerSet timers_;
  IoRegistry registry_;
  std::atomic<uint32_t> registrations_{0};

  // True from the Unpark() that writes the eventfd until the turn that
  // consumes it; never true while the eventfd counter is zero and no write
  // is on its way. See Unpark() and Dispatch() for the ordering argument.
  alignas(64) std::atomic<bool> wake_pending_{false};
  // Guards against two concurrent turns (a caller bug, aborts).
  std::atomic<bool> in_turn_{false};

  // Holder-only scratch, reused so that turns do not allocate.
  std::array<epoll_event, kMaxEvents> events_;
  std::vector<IoRegistry::Ready> ready_;
  std::vector<TimerCallback> due_;

  std::atomic<uint64_t> turns_{0}, waker_writes_{0}, waker_coalesced_{0},
      timers_fired_{0}, io_events_{0};
};

}  // namespace park

#endif  // PARK_DRIVER_DRIVER_H_
