#include "daemon/http/stats_format.h"

#include "gtest/gtest.h"

namespace parkd::http {
namespace {

// Two workers with distinct values so a field in the wrong place shows.
StatsSnapshot Small() {
  StatsSnapshot s;
  s.workers.resize(2);
  s.workers[0] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 1, 0};
  s.workers[1] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 110, 120, 0, 1};
  s.total = {11, 22, 33, 44, 55, 66, 77, 88, 99, 121, 132, 1, 1};
  s.driver_turns = 100;
  s.timers_pending = 3;
  s.tasks_spawned_remote = 12;
  return s;
}

TEST(StatsJsonTest, ExactOutput) {
  EXPECT_EQ(StatsJson(Small()),
            "{\"workers\":["
            "{\"worker\":0,\"parks_driver\":1,\"parks_condvar\":2,"
            "\"unparks_driver\":3,\"unparks_condvar\":4,\"unparks_noop\":5,"
            "\"spurious_wakeups\":6,\"tasks_run\":7,\"steals\":8,"
            "\"inject_pulls\":9,\"spins\":11,\"spins_found\":12,"
            "\"parked_now\":1,\"searching_now\":0},"
            "{\"worker\":1,\"parks_driver\":10,\"parks_condvar\":20,"
            "\"unparks_driver\":30,\"unparks_condvar\":40,\"unparks_noop\":50,"
            "\"spurious_wakeups\":60,\"tasks_run\":70,\"steals\":80,"
            "\"inject_pulls\":90,\"spins\":110,\"spins_found\":120,"
            "\"parked_now\":0,\"searching_now\":1}],"
            "\"total\":{\"parks_driver\":11,\"parks_condvar\":22,"
            "\"unparks_driver\":33,\"unparks_condvar\":44,\"unparks_noop\":55,"
            "\"spurious_wakeups\":66,\"tasks_run\":77,\"steals\":88,"
            "\"inject_pulls\":99,\"spins\":121,\"spins_found\":132,"
            "\"parked_now\":1,\"searching_now\":1},"
            "\"driver_turns\":100,\"timers_pending\":3,"
            "\"tasks_spawned_remote\":12}\n");
}

TEST(StatsJsonTest, NoWorkers) {
  EXPECT_EQ(StatsJson(StatsSnapshot()).substr(0, 25),
            "{\"workers\":[],\"total\":{\"p");
}

TEST(StatsPrometheusTest, ExactOutput) {
  StatsSnapshot s = Small();
  EXPECT_EQ(StatsPrometheus(s),
            R"(# HELP parkd_workers Worker threads in the pool.
# TYPE parkd_workers gauge
parkd_workers 2
# HELP parkd_parked_workers Workers parked now.
# TYPE parkd_parked_workers gauge
parkd_parked_workers 1
# HELP parkd_searching_workers Workers searching for work now.
# TYPE parkd_searching_workers gauge
parkd_searching_workers 1
# HELP parkd_timers_pending Timers armed and not yet fired.
# TYPE parkd_timers_pending gauge
parkd_timers_pending 3
# HELP parkd_driver_turns_total Turns of the I/O driver (epoll waits).
# TYPE parkd_driver_turns_total counter
parkd_driver_turns_total 100
# HELP parkd_tasks_spawned_remote_total Tasks spawned from outside the worker pool.
# TYPE parkd_tasks_spawned_remote_total counter
parkd_tasks_spawned_remote_total 12
# HELP parkd_parks_driver_total Parks that slept in the I/O driver.
# TYPE parkd_parks_driver_total counter
parkd_parks_driver_total{worker="0"} 1
parkd_parks_driver_total{worker="1"} 10
# HELP parkd_parks_condvar_total Parks that slept on the condition variable.
# TYPE parkd_parks_condvar_total counter
parkd_parks_condvar_total{worker="0"} 2
parkd_parks_condvar_total{worker="1"} 20
# HELP parkd_unparks_driver_total Unparks that woke a worker through the driver's eventfd.
# TYPE parkd_unparks_driver_total counter
parkd_unparks_driver_total{worker="0"} 3
parkd_unparks_driver_total{worker="1"} 30
# HELP parkd_unparks_condvar_total Unparks that woke a worker through the condition variable.
# TYPE parkd_unparks_condvar_total counter
parkd_unparks_condvar_total{worker="0"} 4
parkd_unparks_condvar_total{worker="1"} 40
# HELP parkd_unparks_noop_total Unparks that found no worker parked.
# TYPE parkd_unparks_noop_total counter
parkd_unparks_noop_total{worker="0"} 5
parkd_unparks_noop_total{worker="1"} 50
# HELP parkd_spurious_wakeups_total Wakeups that were not meant for the worker.
# TYPE parkd_spurious_wakeups_total counter
parkd_spurious_wakeups_total{worker="0"} 6
parkd_spurious_wakeups_total{worker="1"} 60
# HELP parkd_tasks_run_total Task steps run.
# TYPE parkd_tasks_run_total counter
parkd_tasks_run_total{worker="0"} 7
parkd_tasks_run_total{worker="1"} 70
# HELP parkd_steals_total Successful steals from other workers' queues.
# TYPE parkd_steals_total counter
parkd_steals_total{worker="0"} 8
parkd_steals_total{worker="1"} 80
# HELP parkd_inject_pulls_total Batches taken from the inject queue.
# TYPE parkd_inject_pulls_total counter
parkd_inject_pulls_total{worker="0"} 9
parkd_inject_pulls_total{worker="1"} 90
# HELP parkd_spins_total Idle moments spent spinning for work before parking.
# TYPE parkd_spins_total counter
parkd_spins_total{worker="0"} 11
parkd_spins_total{worker="1"} 110
# HELP parkd_spins_found_total Spins that found work instead of parking.
# TYPE parkd_spins_found_total counter
parkd_spins_found_total{worker="0"} 12
parkd_spins_found_total{worker="1"} 120
)");
}

TEST(StatsPrometheusTest, WatchdogGaugesOnlyWithAWatchdog) {
  StatsSnapshot s = Small();
  EXPECT_EQ(StatsPrometheus(s).find("parkd_watchdog_ok"), std::string::npos);
  const std::string without = StatsPrometheus(s);
  s.watchdog = WatchdogStats{false, 61005};
  const std::string with = StatsPrometheus(s);
  ASSERT_EQ(with.substr(0, without.size()), without);
  EXPECT_EQ(with.substr(without.size()),
            "# HELP parkd_watchdog_ok 1 while the pool watchdog sends systemd "
            "its pings, 0 while a worker is stuck in one task past "
            "watchdog_stall_ms.\n"
            "# TYPE parkd_watchdog_ok gauge\n"
            "parkd_watchdog_ok 0\n"
            "# HELP parkd_longest_task_seconds The longest time any worker has "
            "been in its current task, as of the watchdog's last check.\n"
            "# TYPE parkd_longest_task_seconds gauge\n"
            "parkd_longest_task_seconds 61.005\n");
  s.watchdog = WatchdogStats{true, 7};
  EXPECT_NE(StatsPrometheus(s).find("\nparkd_watchdog_ok 1\n"
                                    "# HELP parkd_longest_task_seconds"),
            std::string::npos);
  EXPECT_NE(StatsPrometheus(s).find("\nparkd_longest_task_seconds 0.007\n"),
            std::string::npos);
}

}  // namespace
}  // namespace parkd::http
