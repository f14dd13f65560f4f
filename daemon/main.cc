// parkd: a libpark Runtime run as a systemd service (see daemon.h).
//
//   parkd [--config PATH] [--workers N] [--check-config] [--version] [--help]
//
// Exit status: 0 after a clean drain; 1 if the drain had to abandon work;
// 64 (EX_USAGE) for bad flags or stray arguments; 78 (EX_CONFIG) for a bad config, reported
// with file:line:column and what is allowed; 71 (EX_OSERR) if the system
// refuses a set-up call (named with errno).
#include <sysexits.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "park/service/journal.h"
#include "park/sys/cpu_limit.h"

ABSL_FLAG(std::string, config, "/etc/parkd/parkd.toml",
          "Path of the TOML config file.");
ABSL_FLAG(int, workers, -1,
          "Worker threads, overriding [runtime] workers (0 = one per usable CPU, "
          "up to 1024; -1 = take it from the config).");
ABSL_FLAG(bool, check_config, false,
          "Validate the config, print the effective config and exit.");
ABSL_FLAG(bool, version, false, "Print the version and exit.");

namespace {

// The flags defined in this file, by name.
std::vector<absl::CommandLineFlag*> ParkdFlags() {
  std::vector<absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (flag->Filename() == __FILE__) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](auto* a, auto* b) { return a->Name() < b->Name(); });
  return flags;
}

// Abseil spells flag names with underscores; operators type dashes.
std::string Dashed(absl::string_view name) {
  return absl::StrReplaceAll(name, {{"_", "-"}});
}

// Sets the flags from argv: "--name=value", "--name value" (not for
// booleans), "--name" (booleans: true), dashes or underscores in the name.
// Anything else is an error saying what is allowed, for exit status 64
// (EX_USAGE): Abseil's own parser exits 1 on it, which is also the status
// of a drain that abandoned work, and it accepts stray arguments.
absl::Status ParseFlags(int argc, char** argv) {
  std::vector<std::string> known;
  for (const absl::CommandLineFlag* f : ParkdFlags()) {
    known.push_back("--" + Dashed(f->Name()));
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--") || arg.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument \"", argv[i], "\": parkd takes only flags (",
          absl::StrJoin(known, ", "), ", --help)"));
    }
    const size_t eq = arg.find('=');
    const std::string name = Dashed(arg.substr(0, eq));
    absl::CommandLineFlag* flag =
        absl::FindCommandLineFlag(absl::StrReplaceAll(name, {{"-", "_"}}));
    if (flag == nullptr || flag->Filename() != __FILE__) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, "; parkd knows ",
                       absl::StrJoin(known, ", "), " and --help"));
    }
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value"));
    }
    if (std::string error; !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", error));
    }
  }
  return absl::OkStatus();
}

// --help and -h: this file's flags as operators type them (dashes), with
// their defaults, and exit 0. Abseil's own --help lists only the flags of a
// file named after the program (none here) and exits 1.
bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

void PrintHelp() {
  std::printf("%s\n\n", std::string(absl::ProgramUsageMessage()).c_str());
  for (const absl::CommandLineFlag* f : ParkdFlags()) {
    std::printf("  --%s\n      %s [default: %s]\n", Dashed(f->Name()).c_str(),
                f->Help().c_str(), f->DefaultValue().c_str());
  }
  std::printf("  --help, -h\n      Print this help and exit.\n");
}

// "2, one per usable CPU: <where that came from>" for workers = 0 (the
// runtime resolves 0 with the same park::AvailableCpus), else "N, from
// <the flag or key>".
std::string EffectiveWorkers(int workers, bool from_flag) {
  if (workers > 0) {
    return absl::StrCat(workers, ", from ",
                        from_flag ? "--workers" : "runtime.workers");
  }
  const park::CpuBudget budget = park::AvailableCpus();
  return absl::StrCat(budget.cpus, ", one per usable CPU: ", budget.source);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "parkd: a worker pool with idle management, run as a systemd service.\n"
      "Usage: parkd [--config PATH] [--workers N] [--check-config] "
      "[--version] [--help]");
  if (WantsHelp(argc, argv)) {
    PrintHelp();
    return 0;
  }
  if (absl::Status s = ParseFlags(argc, argv); !s.ok()) {
    std::fprintf(stderr, "parkd: %s\n", std::string(s.message()).c_str());
    return EX_USAGE;
  }
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
                                      " (0 = one per usable CPU), got ",
                                      workers_flag));
    return EX_USAGE;
  }
  const std::string workers = EffectiveWorkers(
      workers_flag >= 0 ? workers_flag : config->workers, workers_flag >= 0);
  if (absl::GetFlag(FLAGS_check_config)) {
    if (workers_flag >= 0) config->workers = workers_flag;
    std::printf("%s# effective workers: %s\n",
                parkd::FormatConfig(*config).c_str(), workers.c_str());
    return 0;
  }
  journal.Log(LOG_INFO, "workers: " + workers);
  parkd::Daemon daemon(path, *std::move(config), workers_flag, journal);
  return daemon.Run();
}
