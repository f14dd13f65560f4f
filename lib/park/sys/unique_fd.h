// UniqueFd: sole owner of one Linux file descriptor.
//
// Abstract state: either empty (get() == -1) or owning exactly one open fd,
// which is closed when the owner is destroyed or reset. Move-only.
//
// Thread-safety: like an int; a const UniqueFd may be read from any thread,
// but reset/release/move need external synchronisation.
#ifndef PARK_SYS_UNIQUE_FD_H_
#define PARK_SYS_UNIQUE_FD_H_

#include <utility>

namespace park {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of `fd` (which may be -1 for "empty").
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing; the caller now owns the fd.
  int release() { return std::exchange(fd_, -1); }
  // Closes the owned fd (if any) and owns `fd` instead. close(2) errors are
  // ignored: on Linux the fd is released whatever close reports.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace park

#endif  // PARK_SYS_UNIQUE_FD_H_
