#include "daemon/counter_report.h"

#include "absl/strings/str_cat.h"

namespace parkd {
namespace {

uint64_t Notified(const park::WorkerCounters& w) {
  return w.unparks_driver + w.unparks_condvar;
}

void AddWorkerFields(const park::WorkerCounters& w, Fields* f) {
  auto add = [f](const char* name, uint64_t v) {
    f->emplace_back(name, absl::StrCat(v));
  };
  add("PARKD_PARKED", w.parked_now);
  add("PARKD_SEARCHING", w.searching_now);
  add("PARKD_NOTIFIED", Notified(w));
  add("PARKD_PARKS_DRIVER", w.parks_driver);
  add("PARKD_PARKS_CONDVAR", w.parks_condvar);
  add("PARKD_UNPARKS_DRIVER", w.unparks_driver);
  add("PARKD_UNPARKS_CONDVAR", w.unparks_condvar);
  add("PARKD_UNPARKS_NOOP", w.unparks_noop);
  add("PARKD_SPURIOUS_WAKEUPS", w.spurious_wakeups);
  add("PARKD_TASKS_RUN", w.tasks_run);
  add("PARKD_STEALS", w.steals);
  add("PARKD_INJECT_PULLS", w.inject_pulls);
  add("PARKD_SPINS", w.spins);
  add("PARKD_SPINS_FOUND", w.spins_found);
}

}  // namespace

std::string StatusLine(const park::RuntimeCounters& c) {
  const size_t workers = c.workers.size();
  const uint64_t parked = c.total.parked_now;
  return absl::StrCat(workers, " workers: ", parked, " parked, ",
                      workers - parked, " running; ", Notified(c.total),
                      " notified");
}

Fields TotalFields(const park::RuntimeCounters& c) {
  Fields f = {{"PARKD_WORKERS", absl::StrCat(c.workers.size())}};
  AddWorkerFields(c.total, &f);
  f.emplace_back("PARKD_DRIVER_TURNS", absl::StrCat(c.driver.turns));
  f.emplace_back("PARKD_TIMERS_PENDING", absl::StrCat(c.timers_pending));
  return f;
}

Fields WorkerFields(const park::RuntimeCounters& c, size_t worker) {
  Fields f = {{"PARKD_WORKER", absl::StrCat(worker)}};
  AddWorkerFields(c.workers[worker], &f);
  return f;
}

}  // namespace parkd
