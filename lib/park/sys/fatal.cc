#include "park/sys/fatal.h"

#include <string.h>

#include <cstdio>
#include <cstdlib>

#include "park/sys/syscall_status.h"

namespace park {

void FatalErrno(const char* call, int fd, int err) {
  const char* desc = ::strerrordesc_np(err);
  std::fprintf(stderr, "parkd: fatal: %s fd=%d: %s [%s]\n", call, fd,
               desc != nullptr ? desc : "unknown error",
               ErrnoName(err).c_str());
  std::abort();
}

void FatalState(const char* what, uint64_t value) {
  std::fprintf(stderr, "parkd: fatal: %s: unexpected value %llu\n", what,
               static_cast<unsigned long long>(value));
  std::abort();
}

}  // namespace park
