// idle_wakeups: how often an idle Runtime's workers wake up.
//
// Starts a pool, lets it settle, then for IDLE_SECONDS (10) does nothing and
// counts each worker thread's voluntary context switches (from
// /proc/self/task/<tid>/status: one per sleep, so one per wakeup) together
// with the runtime's own park counters. Prints per worker and in total:
//   idle_wakeups_per_worker_per_s <value>
// A pool with no timers and no I/O should print 0.
// Environment: WORKERS (2), IDLE_SECONDS (10).
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "park/runtime/runtime.h"

namespace {

// tid -> voluntary_ctxt_switches of every thread named park-worker-*.
std::map<int, long> WorkerSwitches() {
  std::map<int, long> out;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return out;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string base = std::string("/proc/self/task/") + e->d_name;
    std::ifstream comm(base + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("park-worker-", 0) != 0) continue;
    std::ifstream status(base + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) {
        out[std::atoi(e->d_name)] = std::atol(line.c_str() + 24);
      }
    }
  }
  closedir(dir);
  return out;
}

long EnvLong(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atol(v) : fallback;
}

}  // namespace

int main() {
  park::RuntimeOptions options;
  options.workers = static_cast<int>(EnvLong("WORKERS", 2));
  const long seconds = EnvLong("IDLE_SECONDS", 10);
  absl::StatusOr<std::unique_ptr<park::Runtime>> rt =
      park::Runtime::Create(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "%s\n", rt.status().ToString().c_str());
    return 1;
  }
  // Some work first, so the pool has been through wake and park cycles.
  for (int i = 0; i < 1000; ++i) (void)(*rt)->Spawn([] {});
  while ((*rt)->counters().total.parked_now !=
         static_cast<uint32_t>(options.workers)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::map<int, long> before = WorkerSwitches();
  const park::RuntimeCounters c0 = (*rt)->counters();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const std::map<int, long> after = WorkerSwitches();
  const park::RuntimeCounters c1 = (*rt)->counters();

  long total = 0;
  for (const auto& [tid, n] : after) {
    const long woke = n - before.at(tid);
    total += woke;
    std::printf("# worker tid %d: %ld voluntary context switches in %ld s\n",
                tid, woke, seconds);
  }
  std::printf("# parks during the window: driver %llu, condvar %llu; "
              "driver turns %llu\n",
              static_cast<unsigned long long>(c1.total.parks_driver -
                                              c0.total.parks_driver),
              static_cast<unsigned long long>(c1.total.parks_condvar -
                                              c0.total.parks_condvar),
              static_cast<unsigned long long>(c1.driver.turns -
                                              c0.driver.turns));
  std::printf("idle_wakeups_per_worker_per_s %.3f\n",
              static_cast<double>(total) /
                  static_cast<double>(after.size() * seconds));
  return 0;
}
