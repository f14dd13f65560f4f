#include "park/driver/driver.h"

#include <utility>

#include "park/sys/fatal.h"
#include "park/sys/timer_fd.h"

namespace park {

absl::StatusOr<std::unique_ptr<Driver>> Driver::Create() {
  absl::StatusOr<Epoll> epoll = Epoll::Create();
  if (!epoll.ok()) return epoll.status();
  absl::StatusOr<EventFd> waker = EventFd::Create();
  if (!waker.ok()) return waker.status();
  absl::StatusOr<TimerFd> timerfd = TimerFd::Create();
  if (!timerfd.ok()) return timerfd.status();
  // Level-triggered: an fd stays reported until the turn drains it, so a
  // turn that stops early (kMaxEvents) loses nothing.
  if (absl::Status s =
          epoll->Add(waker->fd(), EPOLLIN, IoRegistry::kWakerToken);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          epoll->Add(timerfd->fd(), EPOLLIN, IoRegistry::kTimerToken);
      !s.ok()) {
    return s;
  }
  return std::unique_ptr<Driver>(
      new Driver(*std::move(epoll), *std::move(waker), *std::move(timerfd)));
}

Driver::Driver(Epoll epoll, EventFd waker, TimerFd timerfd)
    : epoll_(std::move(epoll)),
      waker_(std::move(waker)),
      timers_(std::move(timerfd)) {
  ready_.reserve(kMaxEvents);
  due_.reserve(64);
}

DriverTurn Driver::Park(std::optional<Clock::time_point> deadline) {
  if (in_turn_.exchange(true, std::memory_order_acquire)) {
    FatalState("Driver::Park: a second thread entered a turn", 1);
  }
  Bump(turns_);
  DriverTurn turn;
  const int n = epoll_.Wait(events_, deadline);
  turn.timed_out = n == 0;
  Dispatch(n, &turn);
  // Release pairs with the acquire exchange above in the next holder.
  in_turn_.store(false, std::memory_order_release);
  return turn;
}

void Driver::Dispatch(int n, DriverTurn* turn) {
  bool timer_ready = false;
  for (int i = 0; i < n; ++i) {
    const uint64_t token = events_[i].data.u64;
    if (token == IoRegistry::kWakerToken) turn->woken = true;
    if (token == IoRegistry::kTimerToken) timer_ready = true;
  }
  if (turn->woken) {
    // Drain the counter *before* clearing the flag (Go's netpollBreak
    // order). The flag must never be true while the counter is empty, or
    // every later Unpark is coalesced into a write that never happened and
    // the next turn sleeps through them (found by the spin model,
    // tests/model: clear-then-drain lets an Unpark between the two write,
    // and the drain swallow that write). An Unpark between the drain and the
    // clear sees the old true and skips its write: harmless, this turn is
    // returning, and its holder re-reads the parker state it came for.
    waker_.Drain();
    wake_pending_.store(false);
  }
  if (timer_ready) timers_.TakeDue(&due_);
  if (n > 0) registry_.Resolve(std::span(events_.data(), n), &ready_);

  turn->timers_fired = due_.size();
  turn->io_events = ready_.size();
  for (TimerCallback& callback : due_) std::move(callback)();
  due_.clear();
  for (IoRegistry::Ready& ready : ready_) ready.handler->OnReady(ready.events);
  ready_.clear();
  if (turn->timers_fired) Bump(timers_fired_, turn->timers_fired);
  if (turn->io_events) Bump(io_events_, turn->io_events);
}

void Driver::Unpark() {
  // seq_cst exchange: pairs with the store(false) in Dispatch, which comes
  // after the drain. Only the caller that flips false -> true pays for the
  // syscall.
  if (wake_pending_.exchange(true)) {
    Bump(waker_coalesced_);
    return;
  }
  Bump(waker_writes_);
  waker_.Signal();
}

TimerId Driver::AddTimer(Clock::time_point deadline, TimerCallback callback) {
  return timers_.Add(deadline, std::move(callback));
}

bool Driver::CancelTimer(TimerId id) { return timers_.Cancel(id); }

size_t Driver::CancelAllTimers() { return timers_.Clear(); }

absl::StatusOr<IoToken> Driver::Register(int fd, uint32_t events,
                                         std::shared_ptr<IoHandler> handler) {
  IoToken token = registry_.Insert(fd, std::move(handler));
  if (absl::Status s = epoll_.Add(fd, events, token.value); !s.ok()) {
    registry_.Erase(token);
    return s;
  }
  registrations_.fetch_add(1, std::memory_order_relaxed);
  return token;
}

absl::Status Driver::Modify(IoToken token, uint32_t events) {
  std::optional<int> fd = registry_.FdOf(token);
  if (!fd) {
    return absl::NotFoundError("Driver::Modify: token is not registered");
  }
  return epoll_.Modify(*fd, events, token.value);
}

absl::Status Driver::Deregister(IoToken token) {
  std::optional<int> fd = registry_.Erase(token);
  if (!fd) {
    return absl::NotFoundError("Driver::Deregister: token is not registered");
  }
  registrations_.fetch_sub(1, std::memory_order_relaxed);
  return epoll_.Remove(*fd);
}

bool Driver::MayHaveEvents() const {
  // Relaxed: a hint; a registration or timer made concurrently is served
  // by the next poll or by a parked worker's turn.
  if (registrations_.load(std::memory_order_relaxed) > 0) return true;
  return timers_.DueBy(Clock::now());
}

DriverCounters Driver::counters() const {
  DriverCounters c;
  c.turns = turns_.load(std::memory_order_relaxed);
  c.waker_writes = waker_writes_.load(std::memory_order_relaxed);
  c.waker_coalesced = waker_coalesced_.load(std::memory_order_relaxed);
  c.timers_fired = timers_fired_.load(std::memory_order_relaxed);
  c.io_events = io_events_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace park
