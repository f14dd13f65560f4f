// parkd: for now only `parkd --version`; the service itself arrives with the
// daemon issue.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"

ABSL_FLAG(bool, version, false, "Print the version and exit.");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_version)) {
    std::printf("parkd %s\n", PARKD_VERSION);
    return 0;
  }
  return 0;
}
