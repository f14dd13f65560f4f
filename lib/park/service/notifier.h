// Notifier: the service's side of the sd_notify protocol (READY, STATUS,
// WATCHDOG, STOPPING, RELOADING, EXTEND_TIMEOUT_USEC).
//
// Outside systemd (no NOTIFY_SOCKET) every call is a no-op. The environment
// is read, never modified (sd_notify(0, ...), sd_watchdog_enabled(0, ...)):
// threads exist by the time most of these are sent.
// Thread-safety: every method may be called from any thread.
//
// Public API (installed with libpark-service): stable within a soname.
#ifndef PARK_SERVICE_NOTIFIER_H_
#define PARK_SERVICE_NOTIFIER_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "park/export.h"

namespace park {

class PARK_EXPORT Notifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC/WATCHDOG_PID. Call before any
  // thread starts.
  static Notifier FromEnvironment();

  bool enabled() const { return enabled_; }
  // The watchdog timeout systemd expects pings within, if it set one for us.
  std::optional<std::chrono::microseconds> watchdog_timeout() const {
    return watchdog_timeout_;
  }

  void Ready(std::string_view status) const;
  void Status(std::string_view status) const;
  void Watchdog() const;
  void Stopping(std::string_view status) const;
  void Reloading() const;
  void ExtendTimeout(std::chrono::microseconds from_now) const;

 private:
  PARK_HIDDEN void Send(const std::string& state) const;

  bool enabled_ = false;
  std::optional<std::chrono::microseconds> watchdog_timeout_;
};

}  // namespace park

#endif  // PARK_SERVICE_NOTIFIER_H_
