// EventFd: an owned, non-blocking eventfd(2) used as a doorbell.
//
// Abstract state: a 64-bit counter; the fd is readable while it is non-zero.
// Thread-safety: Signal() may be called from any thread concurrently with
// anything; Drain() by one thread at a time (the one that waits on it).
#ifndef PARK_SYS_EVENT_FD_H_
#define PARK_SYS_EVENT_FD_H_

#include "absl/status/statusor.h"
#include "park/sys/unique_fd.h"

namespace park {

class EventFd {
 public:
  // eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK). Errors name the call and errno.
  static absl::StatusOr<EventFd> Create();

  int fd() const { return fd_.get(); }

  // Adds 1 to the counter; never blocks, never allocates. EAGAIN (counter
  // saturated) is success: the fd is readable either way. EINTR is retried.
  // Aborts on any other error (a closed or wrong fd is a programming error).
  void Signal();

  // Resets the counter to zero; returns true if it was non-zero. Never blocks.
  bool Drain();

 private:
  explicit EventFd(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace park

#endif  // PARK_SYS_EVENT_FD_H_
