// Aborting on programming errors found on hot paths.
//
// Hot paths (park, unpark, a driver turn) never return Status: an error there
// is a bug (EBADF, EINVAL), so they print what they saw and abort.
// Thread-safety: callable from any thread; never returns.
#ifndef PARK_SYS_FATAL_H_
#define PARK_SYS_FATAL_H_

#include <cstdint>

namespace park {

// Prints "parkd: fatal: <call> fd=<fd>: <strerror> [<ENAME>]" and aborts.
[[noreturn]] void FatalErrno(const char* call, int fd, int err);

// Prints "parkd: fatal: <what>: unexpected value <value>" and aborts. For
// impossible states of a state machine.
[[noreturn]] void FatalState(const char* what, uint64_t value);

}  // namespace park

#endif  // PARK_SYS_FATAL_H_
