#include "daemon/listeners.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "park/sys/syscall_status.h"

namespace parkd {
namespace {

absl::StatusOr<Listener> BindTcp(const std::string& address) {
  const size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  const int port = std::stoi(address.substr(colon + 1));
  struct sockaddr_storage ss = {};
  socklen_t len;
  int family;
  if (host.size() > 2 && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
    auto* sa = reinterpret_cast<struct sockaddr_in6*>(&ss);
    sa->sin6_family = family = AF_INET6;
    sa->sin6_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET6, host.c_str(), &sa->sin6_addr);
    len = sizeof *sa;
  } else {
    auto* sa = reinterpret_cast<struct sockaddr_in*>(&ss);
    sa->sin_family = family = AF_INET;
    sa->sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &sa->sin_addr);
    len = sizeof *sa;
  }
  park::UniqueFd fd(
      socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return park::SyscallError(absl::StrCat("socket(", address, ")"), errno);
  }
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd.get(), reinterpret_cast<struct sockaddr*>(&ss), len) != 0) {
    return park::SyscallError(absl::StrCat("bind(", address, ")"), errno);
  }
  if (listen(fd.get(), SOMAXCONN) != 0) {
    return park::SyscallError(absl::StrCat("listen(", address, ")"), errno);
  }
  return Listener{std::move(fd), address};
}

absl::StatusOr<Listener> BindUnix(const std::string& path) {
  struct sockaddr_un sa = {};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.data(), path.size());
  park::UniqueFd fd(
      socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return park::SyscallError(absl::StrCat("socket(unix:", path, ")"), errno);
  }
  // A socket file left by an earlier run; anything else at the path is an
  // error from bind, named below.
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    unlink(path.c_str());
  }
  if (bind(fd.get(), reinterpret_cast<struct sockaddr*>(&sa), sizeof sa) != 0) {
    return park::SyscallError(absl::StrCat("bind(unix:", path, ")"), errno);
  }
  if (listen(fd.get(), SOMAXCONN) != 0) {
    return park::SyscallError(absl::StrCat("listen(unix:", path, ")"), errno);
  }
  return Listener{std::move(fd), absl::StrCat("unix:", path)};
}

}  // namespace

absl::StatusOr<ListenerSet> OpenListeners(const std::vector<std::string>& tcp,
                                          const std::vector<std::string>& unix) {
  ListenerSet set;
  // 0: leave LISTEN_FDS in the environment (never modify it:
  // docs/contributing.md, "Concurrency").
  const int n = sd_listen_fds(0);
  if (n < 0) return park::SyscallError("sd_listen_fds", -n);
  if (n > 0) {
    set.from_socket_activation = true;
    for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; ++fd) {
      if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, /*listening=*/1) <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "socket activation: fd ", fd,
            " is not a listening stream socket (parkd.socket must use "
            "ListenStream=)"));
      }
      // Passed fds come without our flags.
      fcntl(fd, F_SETFD, FD_CLOEXEC);
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      set.listeners.push_back(
          Listener{park::UniqueFd(fd), absl::StrCat("fd ", fd)});
    }
    return set;
  }
  for (const std::string& address : tcp) {
    absl::StatusOr<Listener> l = BindTcp(address);
    if (!l.ok()) return l.status();
    set.listeners.push_back(*std::move(l));
  }
  for (const std::string& path : unix) {
    absl::StatusOr<Listener> l = BindUnix(path);
    if (!l.ok()) return l.status();
    set.listeners.push_back(*std::move(l));
  }
  return set;
}

}  // namespace parkd
