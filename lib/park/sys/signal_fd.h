// SignalFd: an owned, non-blocking signalfd(2), so that signals arrive as
// readable data on the driver instead of through async handlers.
//
// Abstract state: a set of signals and the queue of those pending for the
// process. The signals must be blocked in every thread (BlockSignals() before
// any thread starts) or the kernel delivers them the ordinary way instead.
// Thread-safety: Read() by one thread at a time.
#ifndef PARK_SYS_SIGNAL_FD_H_
#define PARK_SYS_SIGNAL_FD_H_

#include <signal.h>
#include <sys/signalfd.h>

#include <initializer_list>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "park/sys/unique_fd.h"

namespace park {

// Blocks `signals` in the calling thread (pthread_sigmask SIG_BLOCK); threads
// created afterwards inherit the mask. Call it on the main thread first.
absl::Status BlockSignals(std::initializer_list<int> signals);

class SignalFd {
 public:
  // signalfd(-1, {signals}, SFD_CLOEXEC | SFD_NONBLOCK).
  static absl::StatusOr<SignalFd> Create(std::initializer_list<int> signals);

  int fd() const { return fd_.get(); }

  // The next pending signal of the set, or nullopt if none. Never blocks.
  std::optional<struct signalfd_siginfo> Read();

 private:
  explicit SignalFd(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace park

#endif  // PARK_SYS_SIGNAL_FD_H_
