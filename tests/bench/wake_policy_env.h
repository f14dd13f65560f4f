// WAKE POLICY from the environment, for parkd's benchmark programs
// (runtime_workloads, light_load): POLICY=condvar_first | most_recent |
// same_cpu_first picks RuntimeOptions.wake_policy; unset or empty keeps the
// default. Anything else is refused: the program prints what is allowed and
// exits with status 2, so that a typo never measures the default unnoticed.
#ifndef PARK_TESTS_BENCH_WAKE_POLICY_ENV_H_
#define PARK_TESTS_BENCH_WAKE_POLICY_ENV_H_

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "park/idle/wake_policy.h"

namespace park_bench {

inline const char* WakePolicyName(park::WakePolicy p) {
  switch (p) {
    case park::WakePolicy::kCondvarFirst:
      return "condvar_first";
    case park::WakePolicy::kMostRecent:
      return "most_recent";
    case park::WakePolicy::kSameCpuFirst:
      return "same_cpu_first";
  }
  return "?";
}

inline park::WakePolicy WakePolicyFromEnv(park::WakePolicy fallback) {
  const char* p = std::getenv("POLICY");
  if (p == nullptr || *p == '\0') return fallback;
  for (park::WakePolicy w :
       {park::WakePolicy::kCondvarFirst, park::WakePolicy::kMostRecent,
        park::WakePolicy::kSameCpuFirst}) {
    if (std::strcmp(p, WakePolicyName(w)) == 0) return w;
  }
  std::fprintf(stderr,
               "POLICY=%s is unknown; allowed: condvar_first, most_recent, "
               "same_cpu_first\n",
               p);
  std::exit(2);
}

}  // namespace park_bench

#endif  // PARK_TESTS_BENCH_WAKE_POLICY_ENV_H_
