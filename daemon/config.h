// Config: parkd's settings, read from a TOML file (config/parkd.toml is the
// embedded default and documents every key with its unit and range).
//
// Loading is all-or-nothing: any unknown key, wrong type, out-of-range value
// or unreadable file is an error naming file:line:column, the key and what is
// allowed, and no Config is produced. The path must name a readable regular
// file of at most kMaxConfigBytes, or /dev/null (no keys: the defaults); a
// directory, FIFO, socket or other device is an error saying which it is,
// never an empty config.
// Thread-safety: pure functions; a Config is a plain value.
#ifndef PARKD_DAEMON_CONFIG_H_
#define PARKD_DAEMON_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace parkd {

inline constexpr int kMaxWorkers = 1024;
// A config is a page of TOML; a bigger file is a wrong path, not a config.
inline constexpr size_t kMaxConfigBytes = 1 << 20;

struct Config {
  // [runtime] workers: 0 = one per CPU; 0..1024.
  int workers = 0;
  // [runtime] spin_before_park_us: how long an idle worker keeps looking
  // for work before it parks, while another worker runs; 0..1000.
  int spin_before_park_us = 20;
  // [runtime] worker_slice_us: the scheduler time slice workers ask for;
  // 0 = the kernel's default; otherwise 100..100000.
  int worker_slice_us = 100;
  // [runtime] searcher_wake_delay_us: how long work queued behind a task on
  // the worker that will run it may wait before another worker is woken
  // for it (plus up to a kernel tick while one task blocks); 0 = at once;
  // 0..100000.
  int searcher_wake_delay_us = 100;
  // [runtime] idle_spin_us: how long a worker keeps looking for work before
  // it parks when every other worker is parked, once its last idle gaps
  // ended within this time with work from outside the pool (never for
  // I/O); 0 = never; 0..1000.
  int idle_spin_us = 60;
  // [daemon] drain_timeout_ms: how long a drain may take; 1..600000 (the
  // service takes no drain shorter than 1 ms).
  int64_t drain_timeout_ms = 10000;
  // [daemon] stats_interval_s: counters to the journal this often, skipped
  // when nothing changed; 0 = never; 0..86400.
  int64_t stats_interval_s = 60;
  // [daemon] watchdog_stall_ms: a worker stuck in one task longer than this
  // stops the systemd watchdog pings; 1..3600000.
  int64_t watchdog_stall_ms = 5000;
  // [listen] tcp: "HOST:PORT" listeners (IPv4 or [IPv6] literal), used
  // when systemd passes no sockets.
  std::vector<std::string> listen_tcp = {"127.0.0.1:8080"};
  // [listen] unix: absolute paths of Unix stream sockets, ditto.
  std::vector<std::string> listen_unix = {};
  // [http] limits.
  int64_t max_connections = 1024;      // 1..1000000
  int64_t max_header_bytes = 8192;     // 256..65535
  int64_t request_timeout_ms = 10000;  // 1..600000
  int64_t idle_timeout_ms = 60000;     // 1..3600000
  int64_t work_max_cpu_us = 100000;    // 0..10000000
  int64_t work_max_sleep_ms = 10000;   // 0..600000

  friend bool operator==(const Config&, const Config&) = default;
};

// Reads (see above), parses and validates the file at `path`. Blocking
// (file I/O); never blocks on a FIFO.
absl::StatusOr<Config> LoadConfig(const std::string& path);

// Parses and validates TOML text; `source_name` is used in error messages.
absl::StatusOr<Config> ParseConfig(std::string_view text,
                                   const std::string& source_name);

// The effective config as TOML, for --check-config.
std::string FormatConfig(const Config& config);

}  // namespace parkd

#endif  // PARKD_DAEMON_CONFIG_H_
