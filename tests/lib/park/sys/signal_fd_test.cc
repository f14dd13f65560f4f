#include "park/sys/signal_fd.h"

#include <fcntl.h>
#include <signal.h>

#include "gtest/gtest.h"

namespace park {
namespace {

TEST(SignalFdTest, BlockedSignalArrivesAsData) {
  ASSERT_TRUE(BlockSignals({SIGUSR1}).ok());
  absl::StatusOr<SignalFd> sfd = SignalFd::Create({SIGUSR1});
  ASSERT_TRUE(sfd.ok()) << sfd.status();
  EXPECT_TRUE(::fcntl(sfd->fd(), F_GETFD) & FD_CLOEXEC);
  EXPECT_FALSE(sfd->Read().has_value());
  ASSERT_EQ(::raise(SIGUSR1), 0);
  std::optional<struct signalfd_siginfo> info = sfd->Read();
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->ssi_signo, static_cast<uint32_t>(SIGUSR1));
  EXPECT_FALSE(sfd->Read().has_value());
}

TEST(SignalFdTest, InvalidSignalIsAnError) {
  absl::Status s = BlockSignals({SIGUSR2, 0});
  EXPECT_EQ(s.message(), "sigaddset(0): Invalid argument [EINVAL]");
  EXPECT_FALSE(SignalFd::Create({99999}).ok());
}

}  // namespace
}  // namespace park
