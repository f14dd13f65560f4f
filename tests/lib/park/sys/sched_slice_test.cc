#include "park/sys/sched_slice.h"

#include <sched.h>

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace park {
namespace {

using std::chrono::microseconds;

// Each case runs on a thread of its own, so the test runner's thread keeps
// its slice.
template <typename F>
void OnFreshThread(F&& f) {
  std::thread t(std::forward<F>(f));
  t.join();
}

TEST(SchedSliceTest, SetsAndReportsTheSliceOrSaysTheKernelHasNone) {
  OnFreshThread([] {
    absl::StatusOr<microseconds> before = GetSchedSlice();
    if (!before.ok()) {
      // A kernel without per-thread slices: setting says so too, and
      // changes nothing.
      EXPECT_EQ(before.status().code(), absl::StatusCode::kUnimplemented);
      absl::StatusOr<microseconds> set = SetSchedSlice(microseconds(200));
      EXPECT_EQ(set.status().code(), absl::StatusCode::kUnimplemented);
      GTEST_SKIP() << before.status();
    }
    absl::StatusOr<microseconds> set = SetSchedSlice(microseconds(200));
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_EQ(*set, microseconds(200));
    absl::StatusOr<microseconds> now = GetSchedSlice();
    ASSERT_TRUE(now.ok()) << now.status();
    EXPECT_EQ(*now, microseconds(200));
  });
}

// A policy without slices (SCHED_IDLE; any thread may move itself there)
// takes the same path as a kernel without them.
TEST(SchedSliceTest, APolicyWithoutSlicesIsUnimplementedAndUnchanged) {
  OnFreshThread([] {
    sched_param param{};
    ASSERT_EQ(sched_setscheduler(0, SCHED_IDLE, &param), 0);
    absl::StatusOr<microseconds> set = SetSchedSlice(microseconds(200));
    ASSERT_FALSE(set.ok());
    EXPECT_EQ(set.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_EQ(sched_getscheduler(0), SCHED_IDLE);
  });
}

TEST(SchedSliceTest, OutOfBoundsIsRefusedWithTheBounds) {
  OnFreshThread([] {
    for (microseconds bad :
         {microseconds(0), microseconds(99), microseconds(100'001)}) {
      absl::StatusOr<microseconds> set = SetSchedSlice(bad);
      ASSERT_FALSE(set.ok());
      EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(set.status().message(),
                "a scheduler time slice must be from 100 to 100000 us, got " +
                    std::to_string(bad.count()));
    }
  });
}

}  // namespace
}  // namespace park
