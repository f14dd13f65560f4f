// Daemon: parkd's life as a service, on libpark's service layer
// (park/service/service.h does READY, STATUS, the pool watchdog, the
// journal counters and the signals). What is parkd's own: the config file
// and its reload, the listeners, and the HTTP server with its part of the
// drain:
//   SIGTERM/SIGINT  the listeners close, /healthz turns 503, idle
//                   connections close and requests in flight are answered
//                   with "Connection: close"; then the pool drains; exit 0,
//                   or 1 if work or connections had to be abandoned at
//                   drain_timeout_ms
//   SIGHUP          re-read the config: what cannot change live (workers,
//                   listeners, HTTP limits other than work_max_*) is logged
//                   and kept until a restart
//
// Thread-safety: Run() on the main thread, once, before any other thread
// exists.
#ifndef PARKD_DAEMON_DAEMON_H_
#define PARKD_DAEMON_DAEMON_H_

#include <string>

#include "absl/status/status.h"
#include "daemon/config.h"
#include "park/service/journal.h"
#include "park/service/service.h"

namespace parkd {

class HttpServer;

class Daemon {
 public:
  // `config` is already validated; `config_path` is re-read on SIGHUP;
  // `workers_override` (-1: none) is the --workers flag, which wins over
  // the file at start and on reload. `journal` is for errors before the
  // service exists.
  Daemon(std::string config_path, Config config, int workers_override,
         park::Journal journal);

  // Runs until stopped; returns the process exit status.
  int Run();

 private:
  // The reload hook: the new config, with what cannot change live kept.
  absl::Status Reload(park::Service& service, HttpServer& server);

  const std::string config_path_;
  Config config_;
  const int workers_override_;
  const park::Journal journal_;
};

}  // namespace parkd

#endif  // PARKD_DAEMON_DAEMON_H_
