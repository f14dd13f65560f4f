#include "park/service/counter_fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace park {
namespace {

uint64_t Notified(const WorkerCounters& w) {
  return w.unparks_driver + w.unparks_condvar;
}

}  // namespace

std::string StatusLine(const RuntimeCounters& c) {
  const uint64_t parked = c.total.parked_now;
  const uint64_t running = c.workers.size() - parked;
  return absl::StrCat(c.workers.size(), " workers: ", parked, " parked, ",
                      running, " running; ", Notified(c.total), " notified");
}

absl::StatusOr<CounterFields> CounterFields::Create(std::string prefix) {
  bool ok = !prefix.empty() && prefix.size() <= 32 &&
            absl::ascii_isupper(static_cast<unsigned char>(prefix[0]));
  for (char ch : prefix) {
    ok = ok && (absl::ascii_isupper(static_cast<unsigned char>(ch)) ||
                absl::ascii_isdigit(static_cast<unsigned char>(ch)) ||
                ch == '_');
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "journal field prefix must be 1 to 32 of A-Z, 0-9 and _, starting "
        "with a letter, got \"", prefix, "\""));
  }
  return CounterFields(std::move(prefix));
}

std::string CounterFields::Name(std::string_view suffix) const {
  std::string name = prefix_;
  name += '_';
  name += suffix;
  return name;
}

void CounterFields::AddWorker(const WorkerCounters& w, Fields* f) const {
  auto add = [&](const char* name, uint64_t v) {
    f->emplace_back(Name(name), absl::StrCat(v));
  };
  add("PARKED", w.parked_now);
  add("SEARCHING", w.searching_now);
  add("NOTIFIED", Notified(w));
  add("PARKS_DRIVER", w.parks_driver);
  add("PARKS_CONDVAR", w.parks_condvar);
  add("UNPARKS_DRIVER", w.unparks_driver);
  add("UNPARKS_CONDVAR", w.unparks_condvar);
  add("UNPARKS_NOOP", w.unparks_noop);
  add("SPURIOUS_WAKEUPS", w.spurious_wakeups);
  add("TASKS_RUN", w.tasks_run);
  add("STEALS", w.steals);
  add("INJECT_PULLS", w.inject_pulls);
  add("SPINS", w.spins);
  add("SPINS_FOUND", w.spins_found);
}

Fields CounterFields::Total(const RuntimeCounters& c) const {
  Fields f = {{Name("WORKERS"), absl::StrCat(c.workers.size())}};
  AddWorker(c.total, &f);
  f.emplace_back(Name("DRIVER_TURNS"), absl::StrCat(c.driver.turns));
  f.emplace_back(Name("TIMERS_PENDING"), absl::StrCat(c.timers_pending));
  return f;
}

Fields CounterFields::Worker(const RuntimeCounters& c, size_t worker) const {
  Fields f = {{Name("WORKER"), absl::StrCat(worker)}};
  AddWorker(c.workers[worker], &f);
  return f;
}

}  // namespace park
