#include "park/driver/timer_set.h"

#include <poll.h>

#include <vector>

#include "gtest/gtest.h"

namespace park {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TimerSet MakeSet() {
  absl::StatusOr<TimerFd> fd = TimerFd::Create();
  if (!fd.ok()) std::abort();
  return TimerSet(*std::move(fd));
}

bool Readable(int fd, int timeout_ms) {
  struct pollfd p = {fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

void RunDue(TimerSet& set) {
  std::vector<TimerCallback> due;
  set.TakeDue(&due);
  for (auto& cb : due) std::move(cb)();
}

TEST(TimerSetTest, TakesOnlyDueTimersInDeadlineOrder) {
  TimerSet set = MakeSet();
  std::vector<int> fired;
  const auto now = Clock::now();
  set.Add(now - milliseconds(1), [&] { fired.push_back(2); });
  set.Add(now - milliseconds(3), [&] { fired.push_back(1); });
  set.Add(now + seconds(60), [&] { fired.push_back(9); });
  set.Add(now - milliseconds(1), [&] { fired.push_back(3); });  // tie: FIFO
  RunDue(set);
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.next_deadline(), now + seconds(60));
}

TEST(TimerSetTest, FdIsArmedAtTheEarliestDeadline) {
  TimerSet set = MakeSet();
  set.Add(Clock::now() + seconds(60), [] {});
  EXPECT_FALSE(Readable(set.fd(), 0));
  // An earlier timer re-arms the fd that is already being waited on.
  set.Add(Clock::now() + milliseconds(5), [] {});
  EXPECT_TRUE(Readable(set.fd(), 5000));
}

TEST(TimerSetTest, CancelledTimerNeverRunsAndDisarms) {
  TimerSet set = MakeSet();
  bool ran = false;
  TimerId id = set.Add(Clock::now() + milliseconds(5), [&] { ran = true; });
  EXPECT_TRUE(set.Cancel(id));
  EXPECT_FALSE(set.Cancel(id));
  EXPECT_FALSE(Readable(set.fd(), 50));
  RunDue(set);
  EXPECT_FALSE(ran);
  EXPECT_EQ(set.size(), 0u);
}

TEST(TimerSetTest, CancelAfterFiringReturnsFalse) {
  TimerSet set = MakeSet();
  int runs = 0;
  TimerId id = set.Add(Clock::now() - milliseconds(1), [&] { ++runs; });
  RunDue(set);
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(set.Cancel(id));
}

TEST(TimerSetTest, NeverTakesATimerBeforeItsDeadline) {
  TimerSet set = MakeSet();
  const auto deadline = Clock::now() + milliseconds(20);
  Clock::time_point ran_at;
  set.Add(deadline, [&] { ran_at = Clock::now(); });
  while (ran_at == Clock::time_point{}) {
    ASSERT_TRUE(Readable(set.fd(), 5000));
    RunDue(set);
  }
  EXPECT_GE(ran_at, deadline);
}

}  // namespace
}  // namespace park
