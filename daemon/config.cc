#include "daemon/config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "park/sys/unique_fd.h"
#include "toml++/toml.h"

namespace parkd {
namespace {

const char* TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

absl::Status Invalid(const std::string& source, const toml::node& node,
                     absl::string_view message) {
  const toml::source_region& r = node.source();
  return absl::InvalidArgumentError(absl::StrCat(
      source, ":", r.begin.line, ":", r.begin.column, ": ", message));
}

// Reads an integer key into *out, checking type and range.
absl::Status ReadInt(const std::string& source, const toml::node& node,
                     absl::string_view key, int64_t min, int64_t max,
                     int64_t* out) {
  const auto* value = node.as_integer();
  const std::string allowed =
      absl::StrCat(key, " must be an integer from ", min, " to ", max);
  if (value == nullptr) {
    return Invalid(source, node,
                   absl::StrCat(allowed, ", got a ", TypeName(node.type())));
  }
  const int64_t v = value->get();
  if (v < min || v > max) {
    return Invalid(source, node, absl::StrCat(allowed, ", got ", v));
  }
  *out = v;
  return absl::OkStatus();
}

// "HOST:PORT" with an IPv4 literal or a bracketed IPv6 literal.
bool ValidTcpAddress(const std::string& s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon + 1 >= s.size()) return false;
  std::string host = s.substr(0, colon);
  const std::string port = s.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5) {
    return false;
  }
  const int p = std::stoi(port);
  if (p < 1 || p > 65535) return false;
  unsigned char buf[16];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    return inet_pton(AF_INET6, host.c_str(), buf) == 1;
  }
  return inet_pton(AF_INET, host.c_str(), buf) == 1;
}

bool ValidUnixPath(const std::string& s) {
  return !s.empty() && s[0] == '/' && s.size() <= 107;
}

// Reads an array of strings, each accepted by `valid`; `allowed` says what
// the key takes, for the error.
absl::Status ReadStringList(const std::string& source, const toml::node& node,
                            absl::string_view allowed,
                            bool (*valid)(const std::string&),
                            std::vector<std::string>* out) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return Invalid(source, node,
                   absl::StrCat(allowed, ", got a ", TypeName(node.type())));
  }
  out->clear();
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    const auto* s = item.as_string();
    if (s == nullptr || !valid(s->get())) {
      return Invalid(
          source, item,
          absl::StrCat(allowed, "; item ", i, " is ",
                       s == nullptr ? absl::StrCat("a ", TypeName(item.type()))
                                    : absl::StrCat("\"", s->get(), "\"")));
    }
    out->push_back(s->get());
  }
  return absl::OkStatus();
}

// One known key: its full name and how to read it into a Config.
struct Key {
  const char* name;  // "table.key"
  std::function<absl::Status(const std::string&, const toml::node&, Config*)>
      read;
};

Key IntKey(const char* name, int64_t min, int64_t max,
           std::function<void(Config*, int64_t)> set) {
  return Key{name, [=](const std::string& source, const toml::node& node,
                       Config* config) {
               int64_t v = 0;
               if (absl::Status s = ReadInt(source, node, name, min, max, &v);
                   !s.ok()) {
                 return s;
               }
               set(config, v);
               return absl::OkStatus();
             }};
}

// runtime.worker_slice_us: 0, or the kernel's bounds for a slice.
Key SliceKey() {
  constexpr const char* kName = "runtime.worker_slice_us";
  return Key{kName, [](const std::string& source, const toml::node& node,
                       Config* config) {
               const auto* value = node.as_integer();
               const int64_t v = value == nullptr ? -1 : value->get();
               if (v != 0 && (v < 100 || v > 100000)) {
                 return Invalid(
                     source, node,
                     absl::StrCat(kName,
                                  " must be 0 (the kernel's default) or an "
                                  "integer from 100 to 100000, got ",
                                  value == nullptr
                                      ? absl::StrCat("a ", TypeName(node.type()))
                                      : absl::StrCat(v)));
               }
               config->worker_slice_us = static_cast<int>(v);
               return absl::OkStatus();
             }};
}

const std::vector<std::pair<std::string, std::vector<Key>>>& Tables() {
  static const auto* tables =
      new std::vector<std::pair<std::string, std::vector<Key>>>{
          {"runtime",
           {IntKey("runtime.workers", 0, kMaxWorkers,
                   [](Config* c, int64_t v) { c->workers = static_cast<int>(v); }),
            IntKey("runtime.spin_before_park_us", 0, 1000,
                   [](Config* c, int64_t v) {
                     c->spin_before_park_us = static_cast<int>(v);
                   }),
            SliceKey(),
            IntKey("runtime.searcher_wake_delay_us", 0, 100000,
                   [](Config* c, int64_t v) {
                     c->searcher_wake_delay_us = static_cast<int>(v);
                   }),
            IntKey("runtime.idle_spin_us", 0, 1000,
                   [](Config* c, int64_t v) {
                     c->idle_spin_us = static_cast<int>(v);
                   })}},
          {"daemon",
           {IntKey("daemon.drain_timeout_ms", 1, 600000,
                   [](Config* c, int64_t v) { c->drain_timeout_ms = v; }),
            IntKey("daemon.stats_interval_s", 0, 86400,
                   [](Config* c, int64_t v) { c->stats_interval_s = v; }),
            IntKey("daemon.watchdog_stall_ms", 1, 3600000,
                   [](Config* c, int64_t v) { c->watchdog_stall_ms = v; })}},
          {"listen",
           {Key{"listen.tcp",
                [](const std::string& source, const toml::node& node,
                   Config* c) {
                  return ReadStringList(
                      source, node,
                      "listen.tcp must be an array of \"HOST:PORT\" strings "
                      "(an IPv4 or [IPv6] address and a port from 1 to "
                      "65535)",
                      ValidTcpAddress, &c->listen_tcp);
                }},
            Key{"listen.unix",
                [](const std::string& source, const toml::node& node,
                   Config* c) {
                  return ReadStringList(
                      source, node,
                      "listen.unix must be an array of absolute socket paths "
                      "(at most 107 bytes each)",
                      ValidUnixPath, &c->listen_unix);
                }}}},
          {"http",
           {IntKey("http.max_connections", 1, 1000000,
                   [](Config* c, int64_t v) { c->max_connections = v; }),
            IntKey("http.max_header_bytes", 256, 65535,
                   [](Config* c, int64_t v) { c->max_header_bytes = v; }),
            IntKey("http.request_timeout_ms", 1, 600000,
                   [](Config* c, int64_t v) { c->request_timeout_ms = v; }),
            IntKey("http.idle_timeout_ms", 1, 3600000,
                   [](Config* c, int64_t v) { c->idle_timeout_ms = v; }),
            IntKey("http.work_max_cpu_us", 0, 10000000,
                   [](Config* c, int64_t v) { c->work_max_cpu_us = v; }),
            IntKey("http.work_max_sleep_ms", 0, 600000,
                   [](Config* c, int64_t v) { c->work_max_sleep_ms = v; })}},
      };
  return *tables;
}

absl::Status ReadTable(const std::string& source, const std::string& name,
                       const std::vector<Key>& keys, const toml::node& node,
                       Config* config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return Invalid(source, node, absl::StrCat("[", name, "] must be a table"));
  }
  for (const auto& [key, value] : *table) {
    const std::string full = absl::StrCat(name, ".", std::string(key.str()));
    const Key* known = nullptr;
    for (const Key& k : keys) {
      if (full == k.name) known = &k;
    }
    if (known == nullptr) {
      std::vector<std::string> names;
      for (const Key& k : keys) names.push_back(std::string(k.name).substr(name.size() + 1));
      return Invalid(source, value,
                     absl::StrCat("unknown key '", full, "'; known keys in [",
                                  name, "]: ", absl::StrJoin(names, ", ")));
    }
    if (absl::Status s = known->read(source, value, config); !s.ok()) return s;
  }
  return absl::OkStatus();
}


absl::Status Unreadable(const std::string& path, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot read config file ", path, ": ", why,
      "; a config must be a readable regular file of at most ",
      kMaxConfigBytes, " bytes, or /dev/null for the built-in defaults"));
}

absl::Status Errno(const std::string& path, int err) {
  return absl::Status(absl::ErrnoToStatusCode(err),
                      absl::StrCat("cannot read config file ", path, ": ",
                                   std::strerror(err)));
}

// Why `st` is not something a config can be read from; "" when it is.
std::string WrongKind(const struct stat& st) {
  switch (st.st_mode & S_IFMT) {
    case S_IFREG:
      if (st.st_size > static_cast<off_t>(kMaxConfigBytes)) {
        return absl::StrCat("it is ", st.st_size, " bytes long");
      }
      return "";
    case S_IFCHR:
      // /dev/null (1:3) stands for an empty config: "take the defaults".
      if (major(st.st_rdev) == 1 && minor(st.st_rdev) == 3) return "";
      return "it is a character device";
    case S_IFDIR: return "it is a directory";
    case S_IFIFO: return "it is a FIFO";
    case S_IFSOCK: return "it is a socket";
    case S_IFBLK: return "it is a block device";
    default: return "it is not a regular file";
  }
}

// The bytes of the config at `path`, after checking what kind of file it
// is: reading a FIFO, a socket or a device could block or never end, and a
// directory "reads" as nothing, which would silently mean the defaults.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  // O_NONBLOCK: a FIFO must not block the open (it is refused below).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    // A socket cannot be opened (ENXIO): say what it is instead.
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && !WrongKind(st).empty()) {
      return Unreadable(path, WrongKind(st));
    }
    return Errno(path, err);
  }
  park::UniqueFd owner(fd);
  struct stat st;
  if (fstat(fd, &st) != 0) return Errno(path, errno);
  if (std::string why = WrongKind(st); !why.empty()) {
    return Unreadable(path, why);
  }
  // The size from fstat can be wrong (procfs says 0) or change: read at
  // most one byte past the limit to tell.
  std::string text(kMaxConfigBytes + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(path, errno);
    got += static_cast<size_t>(n);
  }
  if (got > kMaxConfigBytes) {
    return Unreadable(path, absl::StrCat("it is longer than ",
                                         kMaxConfigBytes, " bytes"));
  }
  text.resize(got);
  return text;
}
}  // namespace

absl::StatusOr<Config> ParseConfig(std::string_view text,
                                   const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const toml::source_region& r = e.source();
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ":", r.begin.line, ":", r.begin.column,
                     ": ", std::string(e.description())));
  }
  Config config;
  for (const auto& [key, value] : root) {
    const std::string name(key.str());
    bool known = false;
    for (const auto& [table, keys] : Tables()) {
      if (name != table) continue;
      known = true;
      if (absl::Status s = ReadTable(source_name, table, keys, value, &config);
          !s.ok()) {
        return s;
      }
    }
    if (!known) {
      return Invalid(source_name, value,
                     absl::StrCat("unknown key '", name,
                                  "'; known tables: [runtime], [daemon], "
                                  "[listen], [http]"));
    }
  }
  return config;
}

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  return ParseConfig(*text, path);
}

std::string FormatConfig(const Config& c) {
  auto quoted = [](const std::vector<std::string>& list) {
    std::vector<std::string> out;
    for (const std::string& a : list) out.push_back(absl::StrCat("\"", a, "\""));
    return absl::StrCat("[", absl::StrJoin(out, ", "), "]");
  };
  return absl::StrCat(
      "[runtime]\nworkers = ", c.workers,
      "\nspin_before_park_us = ", c.spin_before_park_us,
      "\nworker_slice_us = ", c.worker_slice_us,
      "\nsearcher_wake_delay_us = ", c.searcher_wake_delay_us,
      "\nidle_spin_us = ", c.idle_spin_us,
      "\n\n[daemon]\ndrain_timeout_ms = ", c.drain_timeout_ms,
      "\nstats_interval_s = ", c.stats_interval_s,
      "\nwatchdog_stall_ms = ", c.watchdog_stall_ms,
      "\n\n[listen]\ntcp = ", quoted(c.listen_tcp),
      "\nunix = ", quoted(c.listen_unix),
      "\n\n[http]\nmax_connections = ", c.max_connections,
      "\nmax_header_bytes = ", c.max_header_bytes,
      "\nrequest_timeout_ms = ", c.request_timeout_ms,
      "\nidle_timeout_ms = ", c.idle_timeout_ms,
      "\nwork_max_cpu_us = ", c.work_max_cpu_us,
      "\nwork_max_sleep_ms = ", c.work_max_sleep_ms, "\n");
}

}  // namespace parkd
