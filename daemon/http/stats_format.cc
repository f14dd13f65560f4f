#include "daemon/http/stats_format.h"

#include "absl/strings/str_cat.h"
#include "daemon/http/json_writer.h"

namespace parkd::http {
namespace {

struct Field {
  const char* name;
  uint64_t WorkerStats::*member;
  const char* help;  // for # HELP; counters only
};

// The monotonic WorkerStats fields, in declaration order.
constexpr Field kCounters[] = {
    {"parks_driver", &WorkerStats::parks_driver,
     "Parks that slept in the I/O driver."},
    {"parks_condvar", &WorkerStats::parks_condvar,
     "Parks that slept on the condition variable."},
    {"unparks_driver", &WorkerStats::unparks_driver,
     "Unparks that woke a worker through the driver's eventfd."},
    {"unparks_condvar", &WorkerStats::unparks_condvar,
     "Unparks that woke a worker through the condition variable."},
    {"unparks_noop", &WorkerStats::unparks_noop,
     "Unparks that found no worker parked."},
    {"spurious_wakeups", &WorkerStats::spurious_wakeups,
     "Wakeups that were not meant for the worker."},
    {"tasks_run", &WorkerStats::tasks_run, "Task steps run."},
    {"steals", &WorkerStats::steals,
     "Successful steals from other workers' queues."},
    {"inject_pulls", &WorkerStats::inject_pulls,
     "Batches taken from the inject queue."},
    {"spins", &WorkerStats::spins,
     "Idle moments spent spinning for work before parking."},
    {"spins_found", &WorkerStats::spins_found,
     "Spins that found work instead of parking."},
};

void WriteWorker(const WorkerStats& w, JsonWriter& json) {
  for (const Field& f : kCounters) json.Key(f.name).Uint(w.*f.member);
  json.Key("parked_now").Uint(w.parked_now);
  json.Key("searching_now").Uint(w.searching_now);
}

void AppendFamily(std::string& out, absl::string_view name,
                  absl::string_view type, absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                  type, "\n");
}

void AppendSingle(std::string& out, absl::string_view name,
                  absl::string_view type, absl::string_view help,
                  uint64_t value) {
  AppendFamily(out, name, type, help);
  absl::StrAppend(&out, name, " ", value, "\n");
}

// Milliseconds as decimal seconds, exactly: 1234 -> "1.234".
std::string Seconds(uint64_t ms) {
  const std::string frac = absl::StrCat(1000 + ms % 1000);
  return absl::StrCat(ms / 1000, ".", frac.substr(1));
}

}  // namespace

std::string StatsJson(const StatsSnapshot& s) {
  JsonWriter json;
  json.BeginObject().Key("workers").BeginArray();
  for (size_t i = 0; i < s.workers.size(); ++i) {
    json.BeginObject().Key("worker").Uint(i);
    WriteWorker(s.workers[i], json);
    json.EndObject();
  }
  json.EndArray().Key("total").BeginObject();
  WriteWorker(s.total, json);
  json.EndObject();
  json.Key("driver_turns").Uint(s.driver_turns);
  json.Key("timers_pending").Uint(s.timers_pending);
  json.Key("tasks_spawned_remote").Uint(s.tasks_spawned_remote);
  json.EndObject();
  return json.Take() + "\n";
}

std::string StatsPrometheus(const StatsSnapshot& s) {
  std::string out;
  AppendSingle(out, "parkd_workers", "gauge", "Worker threads in the pool.",
               s.workers.size());
  AppendSingle(out, "parkd_parked_workers", "gauge", "Workers parked now.",
               s.total.parked_now);
  AppendSingle(out, "parkd_searching_workers", "gauge",
               "Workers searching for work now.", s.total.searching_now);
  AppendSingle(out, "parkd_timers_pending", "gauge",
               "Timers armed and not yet fired.", s.timers_pending);
  AppendSingle(out, "parkd_driver_turns_total", "counter",
               "Turns of the I/O driver (epoll waits).", s.driver_turns);
  AppendSingle(out, "parkd_tasks_spawned_remote_total", "counter",
               "Tasks spawned from outside the worker pool.",
               s.tasks_spawned_remote);
  for (const Field& f : kCounters) {
    const std::string name = absl::StrCat("parkd_", f.name, "_total");
    AppendFamily(out, name, "counter", f.help);
    for (size_t i = 0; i < s.workers.size(); ++i) {
      absl::StrAppend(&out, name, "{worker=\"", i, "\"} ",
                      s.workers[i].*f.member, "\n");
    }
  }
  if (s.watchdog) {
    AppendSingle(out, "parkd_watchdog_ok", "gauge",
                 "1 while the pool watchdog sends systemd its pings, 0 while "
                 "a worker is stuck in one task past watchdog_stall_ms.",
                 s.watchdog->satisfied ? 1 : 0);
    AppendFamily(out, "parkd_longest_task_seconds", "gauge",
                 "The longest time any worker has been in its current task, "
                 "as of the watchdog's last check.");
    absl::StrAppend(&out, "parkd_longest_task_seconds ",
                    Seconds(s.watchdog->longest_task_ms), "\n");
  }
  return out;
}

}  // namespace parkd::http
