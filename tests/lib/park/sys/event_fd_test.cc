#include "park/sys/event_fd.h"

#include <fcntl.h>

#include "gtest/gtest.h"

namespace park {
namespace {

TEST(EventFdTest, IsCloexecAndNonBlocking) {
  absl::StatusOr<EventFd> efd = EventFd::Create();
  ASSERT_TRUE(efd.ok()) << efd.status();
  EXPECT_TRUE(::fcntl(efd->fd(), F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(::fcntl(efd->fd(), F_GETFL) & O_NONBLOCK);
}

TEST(EventFdTest, DrainReportsWhetherSignalled) {
  absl::StatusOr<EventFd> efd = EventFd::Create();
  ASSERT_TRUE(efd.ok()) << efd.status();
  EXPECT_FALSE(efd->Drain());
  efd->Signal();
  efd->Signal();
  EXPECT_TRUE(efd->Drain());
  EXPECT_FALSE(efd->Drain());
}

}  // namespace
}  // namespace park
