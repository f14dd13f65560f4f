// Daemon: parkd's life as a service. Starts the Runtime and the listeners,
// tells systemd READY=1 once both are up, keeps STATUS= current, pings the
// watchdog from the pool, logs the counters, and handles signals read from
// a signalfd on the driver (no async handlers):
//   SIGTERM/SIGINT  STOPPING=1, graceful drain within drain_timeout_ms
//                   (EXTEND_TIMEOUT_USEC while it makes progress), final
//                   counters to the journal, exit 0 (1 if work had to be
//                   abandoned); a second SIGTERM during the drain exits at
//                   once with status 1
//   SIGHUP          RELOADING=1, re-read the config (what cannot change live
//                   is logged and kept), READY=1
//   SIGUSR1         counters to the journal now
//
// Thread-safety: Run() on the main thread, once. Signal tasks talk to it
// through a small event queue.
#ifndef PARKD_DAEMON_DAEMON_H_
#define PARKD_DAEMON_DAEMON_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>

#include "daemon/config.h"
#include "daemon/journal.h"
#include "daemon/notifier.h"

namespace parkd {

class Daemon {
 public:
  // `config` is already validated; `config_path` is re-read on SIGHUP;
  // `workers_override` (-1: none) is the --workers flag, which wins over
  // the file at start and on reload.
  Daemon(std::string config_path, Config config, int workers_override,
         Notifier notifier, Journal journal);

  // Runs until stopped; returns the process exit status.
  int Run();

 private:
  enum class Event { kStop, kReload, kStats };
  void Post(Event e);
  // Waits for the next event or until `deadline`; nullopt on timeout.
  std::optional<Event> WaitEvent(std::chrono::steady_clock::time_point deadline);
  void Reload();

  const std::string config_path_;
  Config config_;
  const int workers_override_;
  const Notifier notifier_;
  const Journal journal_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  bool stop_requested_ = false;
};

}  // namespace parkd

#endif  // PARKD_DAEMON_DAEMON_H_
