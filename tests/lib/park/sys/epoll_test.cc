#include "park/sys/epoll.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>

#include "gtest/gtest.h"
#include "park/sys/event_fd.h"

namespace park {
namespace {

using Clock = Epoll::Clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(EpollTest, IsCloexec) {
  absl::StatusOr<Epoll> ep = Epoll::Create();
  ASSERT_TRUE(ep.ok()) << ep.status();
  EXPECT_TRUE(::fcntl(ep->fd(), F_GETFD) & FD_CLOEXEC);
}

TEST(EpollTest, ErrorsNameCallFdAndErrno) {
  absl::StatusOr<Epoll> ep = Epoll::Create();
  ASSERT_TRUE(ep.ok()) << ep.status();
  absl::Status s = ep->Add(9999, EPOLLIN, 0);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "epoll_ctl(ADD fd=9999): Bad file descriptor [EBADF]");
  EXPECT_NE(ep->Remove(9999).message().find("epoll_ctl(DEL fd=9999)"),
            std::string::npos);
}

TEST(EpollTest, ReturnsReadyEventsWithData) {
  absl::StatusOr<Epoll> ep = Epoll::Create();
  absl::StatusOr<EventFd> efd = EventFd::Create();
  ASSERT_TRUE(ep.ok() && efd.ok());
  ASSERT_TRUE(ep->Add(efd->fd(), EPOLLIN, 42).ok());
  efd->Signal();
  std::array<epoll_event, 4> out;
  ASSERT_EQ(ep->Wait(out, std::nullopt), 1);
  EXPECT_EQ(out[0].data.u64, 42u);
  EXPECT_TRUE(out[0].events & EPOLLIN);
  ASSERT_TRUE(ep->Modify(efd->fd(), EPOLLIN, 43).ok());
  ASSERT_EQ(ep->Wait(out, std::nullopt), 1);
  EXPECT_EQ(out[0].data.u64, 43u);
  ASSERT_TRUE(ep->Remove(efd->fd()).ok());
  EXPECT_EQ(ep->Wait(out, Clock::now()), 0);
}

TEST(EpollTest, PastDeadlinePollsWithoutBlocking) {
  absl::StatusOr<Epoll> ep = Epoll::Create();
  ASSERT_TRUE(ep.ok());
  std::array<epoll_event, 4> out;
  const auto start = Clock::now();
  EXPECT_EQ(ep->Wait(out, start - milliseconds(1)), 0);
  // Tolerance 50 ms: "did not block for a real wait", on a loaded VM.
  EXPECT_LT(Clock::now() - start, milliseconds(50));
}

TEST(EpollTest, SubMillisecondDeadlineIsKeptNotRoundedDown) {
  absl::StatusOr<Epoll> ep = Epoll::Create();
  ASSERT_TRUE(ep.ok());
  std::array<epoll_event, 4> out;
  const auto deadline = Clock::now() + microseconds(300);
  EXPECT_EQ(ep->Wait(out, deadline), 0);
  EXPECT_GE(Clock::now(), deadline);
}

}  // namespace
}  // namespace park
