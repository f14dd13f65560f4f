#include "park/sys/event_fd.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "park/sys/fatal.h"
#include "park/sys/syscall_status.h"

namespace park {

absl::StatusOr<EventFd> EventFd::Create() {
  int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return SyscallError("eventfd", errno);
  return EventFd(UniqueFd(fd));
}

void EventFd::Signal() {
  const uint64_t one = 1;
  for (;;) {
    if (::write(fd_.get(), &one, sizeof one) == sizeof one) return;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return;
    FatalErrno("write(eventfd)", fd_.get(), errno);
  }
}

bool EventFd::Drain() {
  uint64_t value = 0;
  for (;;) {
    if (::read(fd_.get(), &value, sizeof value) == sizeof value) return true;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return false;
    FatalErrno("read(eventfd)", fd_.get(), errno);
  }
}

}  // namespace park
