#include "park/sys/syscall_status.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace park {
namespace {

TEST(SyscallStatusTest, NamesCallAndErrno) {
  absl::Status s = SyscallError("epoll_ctl(ADD fd=7)", EBADF);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "epoll_ctl(ADD fd=7): Bad file descriptor [EBADF]");
}

TEST(SyscallStatusTest, UnknownErrnoIsNumbered) {
  EXPECT_EQ(ErrnoName(99999), "errno 99999");
  EXPECT_NE(SyscallError("read", 99999).message().find("errno 99999"),
            std::string::npos);
}

}  // namespace
}  // namespace park
