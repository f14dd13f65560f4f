#include "park/sys/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace park {
namespace {

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFdTest, ClosesOnDestruction) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  { UniqueFd owner(fds[0]); }
  EXPECT_FALSE(IsOpen(fds[0]));
  ::close(fds[1]);
}

TEST(UniqueFdTest, MoveTransfersOwnership) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd a(fds[0]);
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(b.get(), fds[0]);
  UniqueFd c;
  c = std::move(b);
  EXPECT_TRUE(IsOpen(fds[0]));
  c.reset();
  EXPECT_FALSE(IsOpen(fds[0]));
  ::close(fds[1]);
}

TEST(UniqueFdTest, ReleaseDoesNotClose) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  int raw;
  {
    UniqueFd owner(fds[0]);
    raw = owner.release();
  }
  EXPECT_TRUE(IsOpen(raw));
  ::close(raw);
  ::close(fds[1]);
}

}  // namespace
}  // namespace park
