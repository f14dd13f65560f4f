// light_load: parkd's Runtime under the light load of light_load.h (an
// outside thread submits small tasks at a steady pace), one column of
// `./dev.sh compare` beside Tokio's and Asio's programs in bench/peers/.
//
// Environment: light_load.h's (WORKERS, WORK_US, PERIOD_US, BURST,
// DURATION_S, WARMUP_MS, IDLE_S), COUNTERS=1 (the pool's counters after
// the run), and SPIN_US / SLICE_US / WAKE_DELAY_US / IDLE_SPIN_US / POLICY
// as in runtime_workloads (RuntimeOptions.spin_before_park_us,
// worker_slice_us, searcher_wake_delay_us, idle_spin_us, wake_policy;
// unset: the defaults).
#include "light_load.h"

#include <cstdio>
#include <memory>
#include <string>

#include "park/runtime/runtime.h"
#include "wake_policy_env.h"

int main() {
  const park_bench::LightLoadConfig cfg;
  park::RuntimeOptions options;
  options.workers = static_cast<int>(cfg.workers);
  options.spin_before_park_us = static_cast<int>(
      park_bench::EnvSize("SPIN_US", options.spin_before_park_us));
  options.worker_slice_us = static_cast<int>(
      park_bench::EnvSize("SLICE_US", options.worker_slice_us));
  options.searcher_wake_delay_us = static_cast<int>(
      park_bench::EnvSize("WAKE_DELAY_US", options.searcher_wake_delay_us));
  options.idle_spin_us = static_cast<int>(
      park_bench::EnvSize("IDLE_SPIN_US", options.idle_spin_us));
  options.wake_policy = park_bench::WakePolicyFromEnv(options.wake_policy);
  absl::StatusOr<std::unique_ptr<park::Runtime>> rt =
      park::Runtime::Create(options);
  if (!rt.ok()) {
    std::fprintf(stderr, "Runtime::Create: %s\n",
                 rt.status().ToString().c_str());
    return 1;
  }
  if (!(*rt)->worker_slice_status().ok()) {
    std::printf("# worker slice not applied: %s\n",
                std::string((*rt)->worker_slice_status().message()).c_str());
  }
  std::printf(
      "# parkd SPIN_US=%d SLICE_US=%d WAKE_DELAY_US=%d IDLE_SPIN_US=%d "
      "POLICY=%s\n",
      options.spin_before_park_us, options.worker_slice_us,
      options.searcher_wake_delay_us, options.idle_spin_us,
      park_bench::WakePolicyName(options.wake_policy));
  const int rc = park_bench::RunLightLoad(
      "parkd", cfg, [&](const park_bench::LightLoadTask& task) {
        if (absl::Status s = (*rt)->Spawn(task); !s.ok()) {
          std::fprintf(stderr, "spawn: %s\n", s.ToString().c_str());
          std::exit(1);
        }
      });
  if (park_bench::EnvSize("COUNTERS", 0) != 0) {
    // What the pool did over the whole run (warm-up and idle included):
    // which wakeups and parks the load cost.
    const park::WorkerCounters t = (*rt)->counters().total;
    std::printf(
        "# counters: tasks_run %lu parks_driver %lu parks_condvar %lu "
        "unparks_driver %lu unparks_condvar %lu unparks_noop %lu spurious %lu "
        "steals %lu inject_pulls %lu spins %lu spins_found %lu\n",
        t.tasks_run, t.parks_driver, t.parks_condvar, t.unparks_driver,
        t.unparks_condvar, t.unparks_noop, t.spurious_wakeups, t.steals,
        t.inject_pulls, t.spins, t.spins_found);
  }
  return rc;
}
