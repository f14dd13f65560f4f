// Journal: parkd's log. Structured entries to journald (sd_journal_send
// with SYSLOG_IDENTIFIER=parkd, a readable MESSAGE and PARKD_* fields) when
// parkd runs under systemd or its stderr is not a terminal on a machine with
// a journal; otherwise the same lines, readable, on stderr:
//   parkd: drained in 12 ms [PARKD_WORKERS=2 PARKD_PARKED=2 ...]
//
// lib/ never logs; this is where the daemon decides what is said.
// Thread-safety: Log may be called from any thread (each entry is one
// sendmsg or one write).
#ifndef PARKD_DAEMON_JOURNAL_H_
#define PARKD_DAEMON_JOURNAL_H_

#include <syslog.h>

#include <string>
#include <utility>
#include <vector>

namespace parkd {

// Journal fields: names without the PARKD_ prefix's duplication, e.g.
// {"PARKD_WORKERS", "2"}.
using Fields = std::vector<std::pair<std::string, std::string>>;

class Journal {
 public:
  enum class Sink { kJournal, kStderr };

  // Journal when stderr is connected to it (JOURNAL_STREAM), or when stderr
  // is not a terminal and journald's socket exists; stderr otherwise.
  static Journal Detect();
  explicit Journal(Sink sink) : sink_(sink) {}

  Sink sink() const { return sink_; }

  // `priority` is a syslog level (LOG_INFO, LOG_WARNING, LOG_ERR, ...).
  // Falls back to stderr if journald refuses the entry.
  void Log(int priority, const std::string& message,
           const Fields& fields = {}) const;

 private:
  Sink sink_;
};

}  // namespace parkd

#endif  // PARKD_DAEMON_JOURNAL_H_
