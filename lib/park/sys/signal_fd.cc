#include "park/sys/signal_fd.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "park/sys/fatal.h"
#include "park/sys/syscall_status.h"

namespace park {
namespace {

absl::StatusOr<sigset_t> MakeSet(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) {
    if (sigaddset(&set, s) != 0) {
      return SyscallError(absl::StrCat("sigaddset(", s, ")"), errno);
    }
  }
  return set;
}

}  // namespace

absl::Status BlockSignals(std::initializer_list<int> signals) {
  absl::StatusOr<sigset_t> set = MakeSet(signals);
  if (!set.ok()) return set.status();
  // pthread_sigmask returns the error instead of setting errno.
  int err = ::pthread_sigmask(SIG_BLOCK, &*set, nullptr);
  if (err != 0) return SyscallError("pthread_sigmask(SIG_BLOCK)", err);
  return absl::OkStatus();
}

absl::StatusOr<SignalFd> SignalFd::Create(std::initializer_list<int> signals) {
  absl::StatusOr<sigset_t> set = MakeSet(signals);
  if (!set.ok()) return set.status();
  int fd = ::signalfd(-1, &*set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return SyscallError("signalfd", errno);
  return SignalFd(UniqueFd(fd));
}

std::optional<struct signalfd_siginfo> SignalFd::Read() {
  struct signalfd_siginfo info;
  for (;;) {
    if (::read(fd_.get(), &info, sizeof info) == sizeof info) return info;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return std::nullopt;
    FatalErrno("read(signalfd)", fd_.get(), errno);
  }
}

}  // namespace park
