#include "park/service/notifier.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace park {

Notifier Notifier::FromEnvironment() {
  Notifier n;
  const char* socket = std::getenv("NOTIFY_SOCKET");
  n.enabled_ = socket != nullptr && *socket != '\0';
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0 && usec > 0) {
    n.watchdog_timeout_ = std::chrono::microseconds(usec);
  }
  return n;
}

void Notifier::Send(const std::string& state) const {
  if (!enabled_) return;
  // Errors are not actionable here (systemd gone, or not asked for): a
  // missed notification shows in systemctl, not in the service.
  (void)sd_notify(/*unset_environment=*/0, state.c_str());
}

void Notifier::Ready(std::string_view status) const {
  Send(absl::StrCat("READY=1\nSTATUS=", std::string(status)));
}

void Notifier::Status(std::string_view status) const {
  Send(absl::StrCat("STATUS=", std::string(status)));
}

void Notifier::Watchdog() const { Send("WATCHDOG=1"); }

void Notifier::Stopping(std::string_view status) const {
  Send(absl::StrCat("STOPPING=1\nSTATUS=", std::string(status)));
}

void Notifier::Reloading() const { Send("RELOADING=1\nSTATUS=reloading"); }

void Notifier::ExtendTimeout(std::chrono::microseconds from_now) const {
  Send(absl::StrCat("EXTEND_TIMEOUT_USEC=", from_now.count()));
}

}  // namespace park
