#include "park/sys/timer_fd.h"

#include <fcntl.h>
#include <poll.h>

#include "gtest/gtest.h"

namespace park {
namespace {

using Clock = TimerFd::Clock;
using std::chrono::milliseconds;

bool Readable(int fd, int timeout_ms) {
  struct pollfd p = {fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

TEST(TimerFdTest, IsCloexecAndNonBlocking) {
  absl::StatusOr<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(::fcntl(t->fd(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(::fcntl(t->fd(), F_GETFL) & O_NONBLOCK);
  EXPECT_EQ(t->Drain(), 0u);
}

TEST(TimerFdTest, PastDeadlineFiresAtOnce) {
  absl::StatusOr<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok()) << t.status();
  t->ArmAt(Clock::now() - milliseconds(5));
  EXPECT_TRUE(Readable(t->fd(), 1000));
  EXPECT_EQ(t->Drain(), 1u);
}

TEST(TimerFdTest, ClockEpochCountsAsDueNotDisarmed) {
  absl::StatusOr<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok()) << t.status();
  t->ArmAt(Clock::time_point{});
  EXPECT_TRUE(Readable(t->fd(), 1000));
}

TEST(TimerFdTest, FiresNotBeforeDeadline) {
  absl::StatusOr<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok()) << t.status();
  const auto deadline = Clock::now() + milliseconds(20);
  t->ArmAt(deadline);
  ASSERT_TRUE(Readable(t->fd(), 5000));
  EXPECT_GE(Clock::now(), deadline);
}

TEST(TimerFdTest, DisarmStopsIt) {
  absl::StatusOr<TimerFd> t = TimerFd::Create();
  ASSERT_TRUE(t.ok()) << t.status();
  t->ArmAt(Clock::now() + milliseconds(10));
  t->Disarm();
  EXPECT_FALSE(Readable(t->fd(), 50));
}

}  // namespace
}  // namespace park
