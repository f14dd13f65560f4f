#include "daemon/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "toml++/toml.h"

namespace parkd {
namespace {

std::string Where(const std::string& source, const toml::source_region& r) {
  return absl::StrCat(source, ":", r.begin.line, ":", r.begin.column);
}

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
  return absl::InvalidArgumentError(
      absl::StrCat(Where(source, node.source()), ": ", message));
}

// Reads an integer key into *out, checking type and range.
absl::Status ReadInt(const std::string& source, const toml::node& node,
                     absl::string_view key, int64_t min, int64_t max,
                     int* out) {
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
  *out = static_cast<int>(v);
  return absl::OkStatus();
}

absl::Status ReadRuntime(const std::string& source, const toml::node& node,
                         Config* config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return Invalid(source, node, "[runtime] must be a table");
  }
  for (const auto& [key, value] : *table) {
    if (key == "workers") {
      if (absl::Status s = ReadInt(source, value, "runtime.workers", 0,
                                   kMaxWorkers, &config->workers);
          !s.ok()) {
        return s;
      }
    } else {
      return Invalid(source, value,
                     absl::StrCat("unknown key 'runtime.", std::string(key.str()),
                                  "'; known keys in [runtime]: workers"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(std::string_view text,
                                   const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(source_name, e.source()), ": ", std::string(e.description())));
  }
  Config config;
  for (const auto& [key, value] : root) {
    if (key == "runtime") {
      if (absl::Status s = ReadRuntime(source_name, value, &config); !s.ok()) {
        return s;
      }
    } else {
      return Invalid(source_name, value,
                     absl::StrCat("unknown key '", std::string(key.str()),
                                  "'; known tables: [runtime]"));
    }
  }
  return config;
}

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read config file ", path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("error reading config file ",
                                            path, ": ", std::strerror(errno)));
  }
  return ParseConfig(text.str(), path);
}

std::string FormatConfig(const Config& config) {
  return absl::StrCat("[runtime]\nworkers = ", config.workers, "\n");
}

}  // namespace parkd
