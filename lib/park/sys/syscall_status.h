// Building absl::Status values for failed system calls.
//
// Every set-up error in lib/ names the call, the fd it acted on (where there
// is one) and errno, e.g. "epoll_ctl(ADD fd=7): Bad file descriptor [EBADF]".
// Thread-safety: pure functions, callable from any thread.
#ifndef PARK_SYS_SYSCALL_STATUS_H_
#define PARK_SYS_SYSCALL_STATUS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace park {

// `call` is the description of the call, e.g. "eventfd" or "epoll_ctl(ADD
// fd=7)"; `err` is the errno it left. The status code follows
// absl::ErrnoToStatusCode.
absl::Status SyscallError(absl::string_view call, int err);

// The symbolic name of an errno value ("EBADF"), or "errno N" if unknown.
std::string ErrnoName(int err);

}  // namespace park

#endif  // PARK_SYS_SYSCALL_STATUS_H_
