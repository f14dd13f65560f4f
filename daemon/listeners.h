// Listeners: the listening sockets parkd serves, from systemd's socket
// activation (sd_listen_fds) when it passes any, else bound from the
// config's [listen] tcp and unix addresses.
//
// Thread-safety: OpenListeners on the main thread before the pool starts
// (sd_listen_fds reads the environment).
#ifndef PARKD_DAEMON_LISTENERS_H_
#define PARKD_DAEMON_LISTENERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "park/sys/unique_fd.h"

namespace parkd {

struct Listener {
  park::UniqueFd fd;
  std::string name;  // "127.0.0.1:8080" or "fd 3 (socket activation)"
};

struct ListenerSet {
  std::vector<Listener> listeners;
  bool from_socket_activation = false;
};

// Takes the sockets systemd passed, or binds `tcp` ("HOST:PORT" each) and
// `unix` (absolute paths; a stale socket file there is replaced). Errors
// name the address or fd, the call and errno.
absl::StatusOr<ListenerSet> OpenListeners(const std::vector<std::string>& tcp,
                                          const std::vector<std::string>& unix);

}  // namespace parkd

#endif  // PARKD_DAEMON_LISTENERS_H_
