#include "park/runtime/counters.h"

namespace park {

void WorkerCounters::Add(const WorkerCounters& w) {
  parks_driver += w.parks_driver;
  parks_condvar += w.parks_condvar;
  unparks_driver += w.unparks_driver;
  unparks_condvar += w.unparks_condvar;
  unparks_noop += w.unparks_noop;
  spurious_wakeups += w.spurious_wakeups;
  tasks_run += w.tasks_run;
  steals += w.steals;
  inject_pulls += w.inject_pulls;
  spins += w.spins;
  spins_found += w.spins_found;
  parked_now += w.parked_now;
  searching_now += w.searching_now;
}

}  // namespace park
