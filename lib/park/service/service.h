// Service: a Runtime run as a systemd service. What every daemon built on
// libpark needs from systemd, in one object:
//
//   READY=1      once the pool runs and the caller has set up its own work
//                (Run() sends it first thing), with STATUS= kept current
//                ("2 workers: 2 parked, 0 running; 7 notified")
//   WATCHDOG=1   every WATCHDOG_USEC/2, sent by a task on the pool, and only
//                while every worker is parked, searching, or has made
//                progress since the last check: a worker stuck in one task
//                longer than watchdog_stall stops the pings, is named in the
//                journal, and systemd restarts the service
//   SIGTERM/     STOPPING=1, the caller's drain hook (close listeners,
//   SIGINT       finish what is in flight), then the Runtime's drain, with
//                EXTEND_TIMEOUT_USEC while it makes progress; the final
//                counters to the journal; Run() returns 0, or 1 if anything
//                had to be abandoned at drain_timeout. A second SIGTERM
//                during the drain exits at once with status 1.
//   SIGHUP       RELOADING=1, the caller's reload hook, READY=1
//   SIGUSR1      the counters to the journal now (total and per worker)
//   journal      the counters as <PREFIX>_* fields at start, every
//                stats_interval (skipped when nothing changed), on SIGUSR1
//                and at the end of the drain (counter_fields.h)
//
// Signals are read from a signalfd registered on the Runtime's driver: no
// asynchronous handler runs, and a worker reads them like any other I/O.
// Outside systemd (no NOTIFY_SOCKET) the notifications are no-ops and the
// journal entries go to stderr (journal.h): the daemon runs the same.
//
// Use (docs/embedding.md has a complete program):
//   park::ServiceOptions o;
//   o.identifier = "echod"; o.field_prefix = "ECHOD";
//   auto service = park::Service::Create(o);   // first, before any thread
//   park::Runtime& rt = (*service)->runtime();
//   ... RegisterIo / RunAfter / Spawn the daemon's own work ...
//   park::ServiceHooks hooks;
//   hooks.drain = [&](park::Runtime::Clock::time_point deadline) {
//     ... close listeners, finish in-flight work by deadline ...
//     return park::DrainOutcome{};
//   };
//   return (*service)->Run(std::move(hooks));
//
// Thread-safety: Create and Run on the main thread; Create before any other
// thread exists (it blocks the signals it handles, and every thread
// inherits that mask). runtime(), journal(), notifier() from any thread.
// The setters from the reload hook (main thread).
//
// Public API (installed as libpark-service): stable within a soname.
#ifndef PARK_SERVICE_SERVICE_H_
#define PARK_SERVICE_SERVICE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "park/export.h"
#include "park/runtime/runtime.h"
#include "park/service/counter_fields.h"
#include "park/service/journal.h"
#include "park/service/notifier.h"

namespace park {

struct ServiceOptions {
  // SYSLOG_IDENTIFIER of every entry, and the prefix of stderr lines.
  // Required; 1 to 64 characters, no whitespace, no '='.
  std::string identifier;
  // Prefix of the journal fields: "<field_prefix>_PARKED". Required; 1 to
  // 32 of A-Z, 0-9 and _, starting with a letter.
  std::string field_prefix;
  RuntimeOptions runtime;
  // How long a stop may take before what is left is abandoned. 1 ms..1 h.
  std::chrono::milliseconds drain_timeout{10000};
  // Counters to the journal this often (0: only at start, on SIGUSR1 and at
  // the end). 0..1 day.
  std::chrono::seconds stats_interval{60};
  // A worker in one task longer than this stops the watchdog pings.
  // 1 ms..1 h; used only when systemd set WatchdogSec=.
  std::chrono::milliseconds watchdog_stall{5000};
};

// What the caller's drain hook reports back.
struct DrainOutcome {
  // The caller's own work abandoned at the deadline, each item for the
  // final message, e.g. "3 connections". Empty: nothing of its own was
  // abandoned. Listed even when 0 if the caller wants it in the message.
  std::vector<std::string> abandoned;
  // Whether the caller finished everything it had in flight. False makes
  // the stop a failure (Run returns 1), whatever the runtime reports.
  bool complete = true;
  // Extra fields for the final journal entry.
  Fields fields;
};

// The pool watchdog as of its last check (every WATCHDOG_USEC/2).
struct WatchdogStatus {
  bool enabled = false;    // systemd set WatchdogSec= for this service
  bool satisfied = true;   // no worker stuck past watchdog_stall: pinging
  // How long the worker that has gone longest without finishing a task,
  // parking or being woken has been so (check granularity; 0: all moved).
  std::chrono::milliseconds longest_in_task{0};
};

struct ServiceHooks {
  // The first entry's message (default: "<identifier> started: N workers").
  std::string started_message;
  // SIGHUP, on the main thread, between RELOADING=1 and READY=1. An error
  // is logged ("reload failed ...") and the service keeps running on what
  // it had. Unset: reloads only re-send READY=1.
  std::function<absl::Status()> reload;
  // The first step of a stop, on the main thread, before the runtime
  // drains: stop taking new work (close listeners), finish or abandon what
  // is in flight by `deadline`. Unset: the runtime's drain alone.
  std::function<DrainOutcome(Runtime::Clock::time_point deadline)> drain;
};

class PARK_EXPORT Service {
 public:
  // Checks `options`, blocks SIGTERM, SIGINT, SIGHUP and SIGUSR1 for the
  // process, opens the signalfd and the journal connection, and starts the
  // Runtime. Errors: invalid options (which field, what is allowed, the
  // value given), or a system call's (named, with errno). Call before any
  // other thread exists.
  static absl::StatusOr<std::unique_ptr<Service>> Create(
      ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  Runtime& runtime();
  const Journal& journal() const;
  const Notifier& notifier() const;
  const CounterFields& fields() const;
  // Any thread, never blocks (for a metrics endpoint).
  WatchdogStatus watchdog_status() const;

  // READY=1, then serves signals, STATUS=, the watchdog and the counters
  // until a stop; drains and returns the exit status: 0, or 1 if anything
  // was abandoned. Once per Service, on the main thread.
  int Run(ServiceHooks hooks);

  // Settings a reload may change (from the reload hook). Out-of-range
  // values are refused with an error, the old value kept.
  absl::Status set_drain_timeout(std::chrono::milliseconds timeout);
  absl::Status set_stats_interval(std::chrono::seconds interval);
  absl::Status set_watchdog_stall(std::chrono::milliseconds stall);

 private:
  class Impl;
  PARK_HIDDEN explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace park

#endif  // PARK_SERVICE_SERVICE_H_
