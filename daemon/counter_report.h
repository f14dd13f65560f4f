// How the runtime's counters are told to operators: the STATUS= line that
// systemctl shows, and the PARKD_* journal fields.
//
// "notified" is the number of unparks that woke a sleeping worker (through
// the eventfd or the condvar); "parked" and "searching" are gauges.
// Thread-safety: pure functions.
#ifndef PARKD_DAEMON_COUNTER_REPORT_H_
#define PARKD_DAEMON_COUNTER_REPORT_H_

#include <string>

#include "daemon/journal.h"
#include "park/runtime/counters.h"

namespace parkd {

// "4 workers: 3 parked, 1 running; 1234 notified"
std::string StatusLine(const park::RuntimeCounters& c);

// Totals: PARKD_WORKERS, PARKD_PARKED, PARKD_SEARCHING, PARKD_NOTIFIED,
// PARKD_PARKS_DRIVER, PARKD_PARKS_CONDVAR, PARKD_UNPARKS_DRIVER,
// PARKD_UNPARKS_CONDVAR, PARKD_UNPARKS_NOOP, PARKD_SPURIOUS_WAKEUPS,
// PARKD_TASKS_RUN, PARKD_STEALS, PARKD_INJECT_PULLS, PARKD_DRIVER_TURNS,
// PARKD_TIMERS_PENDING.
Fields TotalFields(const park::RuntimeCounters& c);

// One worker's: PARKD_WORKER=<id> and the same per-worker names.
Fields WorkerFields(const park::RuntimeCounters& c, size_t worker);

}  // namespace parkd

#endif  // PARKD_DAEMON_COUNTER_REPORT_H_
