#include "park/sys/syscall_status.h"

#include <string.h>

#include "absl/strings/str_cat.h"

namespace park {

std::string ErrnoName(int err) {
  // glibc 2.32+ knows the symbolic names; anything else is shown as a number.
  const char* name = ::strerrorname_np(err);
  return name != nullptr ? std::string(name) : absl::StrCat("errno ", err);
}

absl::Status SyscallError(absl::string_view call, int err) {
  const char* desc = ::strerrordesc_np(err);
  return absl::Status(
      absl::ErrnoToStatusCode(err),
      absl::StrCat(call, ": ", desc != nullptr ? desc : "unknown error", " [",
                   ErrnoName(err), "]"));
}

}  // namespace park
