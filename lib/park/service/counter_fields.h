// How a Runtime's counters are told to operators: the STATUS= line that
// systemctl shows, and the journal fields, named <PREFIX>_<COUNTER> with the
// prefix the daemon chose (parkd uses PARKD: PARKD_PARKED, PARKD_NOTIFIED).
//
// "notified" is the number of unparks that woke a sleeping worker (through
// the eventfd or the condvar); "parked" and "searching" are gauges.
//
// Public API (installed with libpark-service): stable within a soname; new
// fields may be added to the entries.
// Thread-safety: immutable after construction; const methods from any thread.
#ifndef PARK_SERVICE_COUNTER_FIELDS_H_
#define PARK_SERVICE_COUNTER_FIELDS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "park/export.h"
#include "park/runtime/counters.h"
#include "park/service/journal.h"

namespace park {

// "4 workers: 3 parked, 1 running; 1234 notified"
PARK_EXPORT std::string StatusLine(const RuntimeCounters& c);

class PARK_EXPORT CounterFields {
 public:
  // `prefix`: 1 to 32 of A-Z, 0-9 and _, starting with a letter (journald
  // drops fields whose names break its rules; this says so up front).
  static absl::StatusOr<CounterFields> Create(std::string prefix);

  // "<prefix>_<suffix>", e.g. Name("DRAIN_MS") = "PARKD_DRAIN_MS".
  std::string Name(std::string_view suffix) const;

  // Totals: _WORKERS, _PARKED, _SEARCHING, _NOTIFIED, _PARKS_DRIVER,
  // _PARKS_CONDVAR, _UNPARKS_DRIVER, _UNPARKS_CONDVAR, _UNPARKS_NOOP,
  // _SPURIOUS_WAKEUPS, _TASKS_RUN, _STEALS, _INJECT_PULLS, _SPINS,
  // _SPINS_FOUND, _DRIVER_TURNS, _TIMERS_PENDING.
  Fields Total(const RuntimeCounters& c) const;
  // One worker's: _WORKER=<id> and the same per-worker names.
  Fields Worker(const RuntimeCounters& c, size_t worker) const;

 private:
  explicit CounterFields(std::string prefix) : prefix_(std::move(prefix)) {}
  PARK_HIDDEN void AddWorker(const WorkerCounters& w, Fields* f) const;

  std::string prefix_;
};

}  // namespace park

#endif  // PARK_SERVICE_COUNTER_FIELDS_H_
