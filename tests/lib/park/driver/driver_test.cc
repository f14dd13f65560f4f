#include "park/driver/driver.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "testing/await.h"

namespace park {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Lateness allowed for a wakeup on a shared 2-vCPU VM, sanitizer builds
// included: the property is "fires, and not early"; this bound only catches
// a missed timer (which would be late by the full fallback time).
constexpr auto kLateTolerance = milliseconds(150);

std::unique_ptr<Driver> MakeDriver() {
  absl::StatusOr<std::unique_ptr<Driver>> d = Driver::Create();
  if (!d.ok()) std::abort();
  return *std::move(d);
}

TEST(DriverTest, UnparkIsCoalescedAndConsumedByOneTurn) {
  auto d = MakeDriver();
  d->Unpark();
  d->Unpark();
  d->Unpark();
  EXPECT_EQ(d->counters().waker_writes, 1u);
  EXPECT_EQ(d->counters().waker_coalesced, 2u);
  DriverTurn turn = d->Park(std::nullopt);
  EXPECT_TRUE(turn.woken);
  EXPECT_FALSE(turn.timed_out);
  turn = d->Park(Clock::now() + milliseconds(1));
  EXPECT_FALSE(turn.woken);
  EXPECT_TRUE(turn.timed_out);
  d->Unpark();  // after a consumed wake, the next Unpark writes again
  EXPECT_EQ(d->counters().waker_writes, 2u);
  EXPECT_TRUE(d->Park(std::nullopt).woken);
  EXPECT_EQ(d->counters().turns, 3u);
}

TEST(DriverTest, UnparkFromAnotherThreadEndsABlockedTurn) {
  auto d = MakeDriver();
  std::atomic<bool> returned{false};
  std::thread parked([&] {
    EXPECT_TRUE(d->Park(std::nullopt).woken);
    returned = true;
  });
  ASSERT_TRUE(testing::Await([&] { return d->counters().turns == 1; }));
  d->Unpark();
  parked.join();
  EXPECT_TRUE(returned);
}

TEST(DriverTest, SubMillisecondDeadlineSleepsOnceInsteadOfSpinning) {
  auto d = MakeDriver();
  const auto deadline = Clock::now() + microseconds(300);
  DriverTurn turn = d->Park(deadline);
  EXPECT_TRUE(turn.timed_out);
  EXPECT_GE(Clock::now(), deadline);
  EXPECT_EQ(d->counters().turns, 1u);
}

TEST(DriverTest, TimersFireInDeadlineOrderAndNeverEarly) {
  auto d = MakeDriver();
  const auto start = Clock::now();
  std::vector<std::pair<int, Clock::time_point>> fired;
  const milliseconds offsets[] = {milliseconds(30), milliseconds(10),
                                  milliseconds(20)};
  for (int i = 0; i < 3; ++i) {
    d->AddTimer(start + offsets[i],
                [&fired, i] { fired.emplace_back(i, Clock::now()); });
  }
  while (fired.size() < 3) {
    ASSERT_LT(Clock::now() - start, seconds(10));
    d->Park(std::nullopt);
  }
  EXPECT_EQ(fired[0].first, 1);
  EXPECT_EQ(fired[1].first, 2);
  EXPECT_EQ(fired[2].first, 0);
  for (auto& [i, at] : fired) {
    EXPECT_GE(at, start + offsets[i]);
    EXPECT_LT(at, start + offsets[i] + kLateTolerance);
  }
  EXPECT_EQ(d->counters().timers_fired, 3u);
}

TEST(DriverTest, CancelledTimerNeverFires) {
  auto d = MakeDriver();
  bool ran = false;
  TimerId id = d->AddTimer(Clock::now() + milliseconds(5), [&] { ran = true; });
  EXPECT_TRUE(d->CancelTimer(id));
  DriverTurn turn = d->Park(Clock::now() + milliseconds(30));
  EXPECT_FALSE(ran);
  EXPECT_EQ(turn.timers_fired, 0u);
}

// Tokio #3190: a timer earlier than the armed one, inserted while another
// thread already blocks in the turn, must fire at its own deadline.
TEST(DriverTest, EarlierTimerInsertedDuringATurnFiresOnTime) {
  auto d = MakeDriver();
  d->AddTimer(Clock::now() + seconds(60), [] {});
  std::atomic<bool> fired{false};
  Clock::time_point fired_at;
  std::thread parked([&] {
    while (!fired) d->Park(Clock::now() + seconds(20));
  });
  ASSERT_TRUE(testing::Await([&] { return d->counters().turns >= 1; }));
  const auto deadline = Clock::now() + milliseconds(20);
  d->AddTimer(deadline, [&] {
    fired_at = Clock::now();
    fired = true;
  });
  parked.join();
  EXPECT_GE(fired_at, deadline);
  EXPECT_LT(fired_at, deadline + kLateTolerance);
}

void NoopHandler(int) {}

TEST(DriverTest, SignalsDoNotShortenTheDeadline) {
  struct sigaction sa = {};
  sa.sa_handler = NoopHandler;  // no SA_RESTART: epoll_wait sees EINTR
  ASSERT_EQ(::sigaction(SIGUSR2, &sa, nullptr), 0);
  auto d = MakeDriver();
  std::atomic<bool> done{false};
  DriverTurn turn;
  Clock::time_point deadline;
  std::thread parked([&] {
    deadline = Clock::now() + milliseconds(50);
    turn = d->Park(deadline);
    done = true;
  });
  pthread_t target = parked.native_handle();
  // Keep interrupting the wait until it returns: every EINTR must resume
  // with the remaining time, not return early.
  int sent = 0;
  while (!done) {
    ::pthread_kill(target, SIGUSR2);
    ++sent;
    std::this_thread::sleep_for(microseconds(500));
  }
  parked.join();
  EXPECT_GT(sent, 1);
  EXPECT_TRUE(turn.timed_out);
  EXPECT_GE(Clock::now(), deadline);
}

class RecordingHandler : public IoHandler {
 public:
  void OnReady(uint32_t events) override {
    ++calls;
    last = events;
  }
  int calls = 0;
  uint32_t last = 0;
};

TEST(DriverTest, ReadyFdReachesItsHandlerUntilDeregistered) {
  auto d = MakeDriver();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  auto handler = std::make_shared<RecordingHandler>();
  absl::StatusOr<IoToken> token = d->Register(fds[0], EPOLLIN, handler);
  ASSERT_TRUE(token.ok()) << token.status();
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  DriverTurn turn = d->Park(Clock::now() + seconds(5));
  EXPECT_EQ(turn.io_events, 1u);
  EXPECT_EQ(handler->calls, 1);
  EXPECT_TRUE(handler->last & EPOLLIN);

  // Interest in nothing: the still-readable pipe is no longer reported.
  ASSERT_TRUE(d->Modify(*token, 0).ok());
  EXPECT_EQ(d->Park(Clock::now() + milliseconds(10)).io_events, 0u);
  ASSERT_TRUE(d->Modify(*token, EPOLLIN).ok());
  EXPECT_EQ(d->Park(Clock::now() + seconds(5)).io_events, 1u);

  ASSERT_TRUE(d->Deregister(*token).ok());
  EXPECT_EQ(d->Park(Clock::now() + milliseconds(10)).io_events, 0u);
  EXPECT_EQ(handler->calls, 2);
  absl::Status again = d->Deregister(*token);
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(d->Modify(*token, EPOLLIN).code(), absl::StatusCode::kNotFound);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(DriverTest, RegisteringABadFdNamesCallAndErrno) {
  auto d = MakeDriver();
  absl::StatusOr<IoToken> token =
      d->Register(9999, EPOLLIN, std::make_shared<RecordingHandler>());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().message(),
            "epoll_ctl(ADD fd=9999): Bad file descriptor [EBADF]");
}

}  // namespace
}  // namespace park
