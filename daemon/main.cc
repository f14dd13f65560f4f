// parkd: a libpark Runtime run as a systemd service (see daemon.h).
//
//   parkd [--config PATH] [--workers N] [--check-config] [--version]
//
// Exit status: 0 after a clean drain; 1 if the drain had to abandon work;
// 64 (EX_USAGE) for bad flags; 78 (EX_CONFIG) for a bad config, reported
// with file:line:column and what is allowed; 71 (EX_OSERR) if the system
// refuses a set-up call (named with errno).
#include <sysexits.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "park/service/journal.h"

ABSL_FLAG(std::string, config, "/etc/parkd/parkd.toml",
          "Path of the TOML config file.");
ABSL_FLAG(int, workers, -1,
          "Worker threads, overriding [runtime] workers (0 = one per CPU, "
          "up to 1024; -1 = take it from the config).");
ABSL_FLAG(bool, check_config, false,
          "Validate the config, print the effective config and exit.");
ABSL_FLAG(bool, version, false, "Print the version and exit.");

namespace {

// Abseil flag names use underscores; operators type dashes
// (--check-config). Rewrites the name part of every "--flag[=value]" in a
// copy of argv, before anything parses it.
std::vector<char*> DashesToUnderscores(int argc, char** argv,
                                       std::vector<std::string>* storage) {
  storage->assign(argv, argv + argc);
  std::vector<char*> out;
  for (std::string& arg : *storage) {
    if (arg.rfind("--", 0) == 0 && arg != "--") {
      const size_t end = std::min(arg.find('='), arg.size());
      for (size_t i = 2; i < end; ++i) {
        if (arg[i] == '-') arg[i] = '_';
      }
    }
    out.push_back(arg.data());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "parkd: a worker pool with idle management, run as a systemd service.\n"
      "Usage: parkd [--config PATH] [--workers N] [--check-config] "
      "[--version]");
  std::vector<std::string> storage;
  std::vector<char*> args = DashesToUnderscores(argc, argv, &storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  if (absl::GetFlag(FLAGS_version)) {
    std::printf("parkd %s\n", PARKD_VERSION);
    return 0;
  }
  // Read before any thread exists (the environment is never modified).
  const park::Journal journal = park::Journal::Detect("parkd");

  const std::string path = absl::GetFlag(FLAGS_config);
  // The first entry also opens libsystemd's journal socket, which it does
  // lazily: here, before any thread exists, rather than racing in two
  // threads' first messages (ThreadSanitizer cannot see libsystemd's own
  // synchronisation of it).
  journal.Log(LOG_DEBUG, absl::StrCat("parkd ", PARKD_VERSION,
                                      " starting, config ", path));
  absl::StatusOr<parkd::Config> config = parkd::LoadConfig(path);
  if (!config.ok()) {
    journal.Log(LOG_ERR, std::string(config.status().message()));
    return EX_CONFIG;
  }
  const int workers_flag = absl::GetFlag(FLAGS_workers);
  if (workers_flag < -1 || workers_flag > parkd::kMaxWorkers) {
    journal.Log(LOG_ERR, absl::StrCat("--workers must be from 0 to ",
                                      parkd::kMaxWorkers,
                                      " (0 = one per CPU), got ",
                                      workers_flag));
    return EX_USAGE;
  }
  if (absl::GetFlag(FLAGS_check_config)) {
    if (workers_flag >= 0) config->workers = workers_flag;
    std::printf("%s", parkd::FormatConfig(*config).c_str());
    return 0;
  }
  parkd::Daemon daemon(path, *std::move(config), workers_flag, journal);
  return daemon.Run();
}
