// Listeners: the listening sockets parkd serves, from systemd's socket
// activation (sd_listen_fds) when it passes any, else bound from the
// config's [listen] tcp addresses. Until the HTTP service lands, accepted
// connections are closed at once (counted).
//
// Thread-safety: OpenListeners on the main thread before the pool starts
// (sd_listen_fds reads the environment); Acceptor is driven by the runtime.
#ifndef PARKD_DAEMON_LISTENERS_H_
#define PARKD_DAEMON_LISTENERS_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "park/runtime/runtime.h"
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

// Takes the sockets systemd passed, or binds `tcp` ("HOST:PORT" each).
// Errors name the address or fd, the call and errno.
absl::StatusOr<ListenerSet> OpenListeners(const std::vector<std::string>& tcp);

// Accepts on every listener through the runtime (edge-triggered readiness,
// accept until EAGAIN) and closes what it accepts. Deregisters on Stop().
class Acceptor {
 public:
  absl::Status Start(park::Runtime& runtime, ListenerSet& set);
  void Stop(park::Runtime& runtime);
  uint64_t accepted() const { return accepted_->load(); }

 private:
  std::vector<park::IoToken> tokens_;
  std::shared_ptr<std::atomic<uint64_t>> accepted_ =
      std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace parkd

#endif  // PARKD_DAEMON_LISTENERS_H_
