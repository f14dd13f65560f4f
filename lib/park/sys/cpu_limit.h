// CpuLimit: how many CPUs this process can keep busy at once, which is what
// "one worker per CPU" should mean: the CPUs in its affinity mask, lowered
// to the CPU bandwidth its cgroups allow.
//
// A cgroup's limit is quota/period CPU-seconds per second: cgroup v2
// `cpu.max` ("QUOTA PERIOD", or "max PERIOD" for none), cgroup v1
// `cpu.cfs_quota_us` / `cpu.cfs_period_us` (quota -1 for none). Every cgroup
// from the process's own (/proc/self/cgroup) up to the root of the mounted
// hierarchy (/proc/self/mountinfo) constrains it, so the smallest
// quota/period on that path is the limit; the budget is
// min(affinity CPUs, ceil(limit)), at least 1. Where the cpu controller is
// bound to a v1 hierarchy (legacy and hybrid layouts) v1 is read, otherwise
// v2. This is what Go (1.25) does for GOMAXPROCS and Rust's
// available_parallelism for the v2 case.
//
// Every reader takes a `root`: "/" on a real system, a directory holding a
// fake proc/self/{cgroup,mountinfo} and cgroup tree in tests; mount points
// in mountinfo are resolved under it, and the paths in descriptions are the
// system's (without the root prefix).
// Thread-safety: pure functions of the files they read; any thread.
#ifndef PARK_SYS_CPU_LIMIT_H_
#define PARK_SYS_CPU_LIMIT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace park {

// The tightest CPU bandwidth limit on the process's cgroup path.
struct CgroupCpuQuota {
  int version = 2;         // the hierarchy it was read from: 1 or 2
  uint64_t quota_us = 0;   // > 0
  uint64_t period_us = 0;  // > 0
  std::string dir;         // the cgroup directory that sets it

  // ceil(quota / period), at least 1.
  int Cpus() const;
  // "cgroup v2 cpu.max 150000 100000 at /sys/fs/cgroup/x.slice", or for v1
  // "cgroup v1 cpu.cfs_quota_us 150000, cpu.cfs_period_us 100000 at DIR".
  std::string Describe() const;
};

// Reads the limit of the process's cgroups under `root`. nullopt: no level
// sets one ("max" / -1 everywhere, no cpu controller on any hierarchy, or no
// cgroups at all: /proc/self/cgroup missing). Errors, each naming the file:
// a file that exists but is unreadable or not in the kernel's format, or no
// mount of the hierarchy the process's cgroup is on. Blocking (reads files).
absl::StatusOr<std::optional<CgroupCpuQuota>> ReadCgroupCpuQuota(
    const std::string& root);

// What RuntimeOptions.workers = 0 resolves to, and why.
struct CpuBudget {
  int cpus = 1;
  // Where `cpus` came from, for a log line or --check-config, e.g.
  //   "cgroup v2 cpu.max 150000 100000 at /sys/fs/cgroup/x.slice
  //    (affinity mask: 4 CPUs)"
  //   "affinity mask: 4 CPUs (no cgroup CPU limit)"
  //   "affinity mask: 4 CPUs (cgroup CPU limit not read: <error>)"
  std::string source;
};

// Combines an affinity count (>= 1) with what ReadCgroupCpuQuota returned.
// A limit that could not be read leaves the affinity count, and `source`
// says why: a daemon should not refuse to start over an odd cgroup file
// system, but it must not hide that it ignored one either.
CpuBudget CombineCpuBudget(
    int affinity_cpus,
    const absl::StatusOr<std::optional<CgroupCpuQuota>>& quota);

// The calling process's budget: sched_getaffinity and the cgroups under
// `root` ("/" outside tests). Blocking (reads files).
CpuBudget AvailableCpus(const std::string& root = "/");

}  // namespace park

#endif  // PARK_SYS_CPU_LIMIT_H_
