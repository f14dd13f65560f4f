// Config: parkd's settings, read from a TOML file (config/parkd.toml is the
// embedded default and documents every key).
//
// Loading is all-or-nothing: any unknown key, wrong type, out-of-range value
// or unreadable file is an error naming file:line:column, the key and what is
// allowed, and no Config is produced.
// Thread-safety: pure functions; a Config is a plain value.
#ifndef PARKD_DAEMON_CONFIG_H_
#define PARKD_DAEMON_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"

namespace parkd {

struct Config {
  // [runtime] workers: 0 = one per CPU; 0..1024.
  int workers = 0;
};

inline constexpr int kMaxWorkers = 1024;

// Parses and validates the file at `path`.
absl::StatusOr<Config> LoadConfig(const std::string& path);

// Parses and validates TOML text; `source_name` is used in error messages.
absl::StatusOr<Config> ParseConfig(std::string_view text,
                                   const std::string& source_name);

// The effective config as TOML, for --check-config.
std::string FormatConfig(const Config& config);

}  // namespace parkd

#endif  // PARKD_DAEMON_CONFIG_H_
