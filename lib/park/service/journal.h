// Journal: a daemon's log. Structured entries to journald (sd_journal_send
// with SYSLOG_IDENTIFIER=<identifier>, a readable MESSAGE and the caller's
// fields) when the daemon runs under systemd or its stderr is not a
// terminal on a machine with a journal; otherwise the same lines, readable,
// on stderr:
//   parkd: drained in 12 ms [PARKD_WORKERS=2 PARKD_PARKED=2 ...]
//
// libpark itself never logs, it counts; the service layer and the daemon
// decide what is said, through this class.
// Public API (installed with libpark-service): stable within a soname.
// Thread-safety: Log may be called from any thread (each entry is one
// sendmsg or one write).
#ifndef PARK_SERVICE_JOURNAL_H_
#define PARK_SERVICE_JOURNAL_H_

#include <syslog.h>

#include <string>
#include <utility>
#include <vector>

#include "park/export.h"

namespace park {

// Journal fields, name and value, e.g. {"PARKD_WORKERS", "2"}. Names follow
// journald's rules: uppercase letters, digits and underscores, not starting
// with an underscore or a digit.
using Fields = std::vector<std::pair<std::string, std::string>>;

class PARK_EXPORT Journal {
 public:
  enum class Sink { kJournal, kStderr };

  // Journal when stderr is connected to it (JOURNAL_STREAM), or when stderr
  // is not a terminal and journald's socket exists; stderr otherwise.
  // `identifier` is SYSLOG_IDENTIFIER, and the prefix of stderr lines.
  static Journal Detect(std::string identifier);
  Journal(Sink sink, std::string identifier)
      : sink_(sink), identifier_(std::move(identifier)) {}

  Sink sink() const { return sink_; }
  const std::string& identifier() const { return identifier_; }

  // `priority` is a syslog level (LOG_INFO, LOG_WARNING, LOG_ERR, ...).
  // Falls back to stderr if journald refuses the entry.
  void Log(int priority, const std::string& message,
           const Fields& fields = {}) const;

 private:
  Sink sink_;
  std::string identifier_;
};

}  // namespace park

#endif  // PARK_SERVICE_JOURNAL_H_
