#include "park/sys/unique_fd.h"

#include <unistd.h>

namespace park {

void UniqueFd::reset(int fd) {
  // Never retry close on EINTR: Linux has already released the descriptor,
  // and a retry could close an fd another thread just opened.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace park
