// Epoll: an owned epoll(7) instance.
//
// Abstract state: an interest list of (fd, events, 64-bit user data).
// Thread-safety: Add/Modify/Remove may run on any thread, concurrently with a
// Wait on another (the kernel serialises them); Wait itself is meant for one
// thread at a time (the caller owns the event buffer).
#ifndef PARK_SYS_EPOLL_H_
#define PARK_SYS_EPOLL_H_

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "park/sys/unique_fd.h"

namespace park {

class Epoll {
 public:
  using Clock = std::chrono::steady_clock;

  // epoll_create1(EPOLL_CLOEXEC).
  static absl::StatusOr<Epoll> Create();

  int fd() const { return fd_.get(); }

  // epoll_ctl wrappers; errors read "epoll_ctl(ADD fd=7): ... [EEXIST]".
  absl::Status Add(int fd, uint32_t events, uint64_t data);
  absl::Status Modify(int fd, uint32_t events, uint64_t data);
  absl::Status Remove(int fd);

  // Blocks until at least one event is ready or `deadline` has passed
  // (nullopt: no deadline). Returns the number of events written to `out`,
  // 0 when the deadline passed. A deadline already past polls without
  // blocking. EINTR resumes with the time that remains. The wait has
  // nanosecond resolution (epoll_pwait2); on kernels without it the timeout is
  // rounded *up* to whole milliseconds, so a sub-millisecond deadline sleeps
  // instead of spinning. Aborts on programming errors (EBADF, EINVAL).
  int Wait(std::span<epoll_event> out, std::optional<Clock::time_point> deadline);

 private:
  explicit Epoll(UniqueFd fd) : fd_(std::move(fd)) {}
  absl::Status Ctl(int op, const char* op_name, int fd, uint32_t events,
                   uint64_t data);
  int WaitOnce(std::span<epoll_event> out,
               std::optional<Clock::duration> timeout);
  UniqueFd fd_;
};

}  // namespace park

#endif  // PARK_SYS_EPOLL_H_
