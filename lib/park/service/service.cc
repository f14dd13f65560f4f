#include "park/service/service.h"

#include <signal.h>
#include <sys/epoll.h>

#include <cstdlib>
#include <deque>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "park/service/pool_watchdog.h"
#include "park/sys/mutex.h"
#include "park/sys/signal_fd.h"

namespace park {
namespace {

using Clock = Runtime::Clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::initializer_list<int> kSignals = {SIGTERM, SIGINT, SIGHUP,
                                                 SIGUSR1};

template <typename D>
absl::Status CheckDuration(const char* name, D value, D min, D max,
                           const char* unit) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "ServiceOptions.", name, " must be from ", min.count(), " to ",
      max.count(), " ", unit, ", got ", value.count()));
}

absl::Status CheckIdentifier(const std::string& id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char ch : id) ok = ok && ch > ' ' && ch != '=' && ch != 0x7f;
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "ServiceOptions.identifier must be 1 to 64 printable characters "
      "without spaces or '=', got \"", id, "\""));
}

// A cheap fingerprint of "did anything happen": the periodic entry is
// skipped when it has not changed.
uint64_t Activity(const RuntimeCounters& c) {
  return c.total.tasks_run + c.total.parks_driver + c.total.parks_condvar +
         c.total.unparks_noop + c.total.spurious_wakeups;
}

// "a, b and c"
std::string JoinAnd(const std::vector<std::string>& items) {
  if (items.size() < 2) return absl::StrJoin(items, "");
  return absl::StrCat(
      absl::StrJoin(items.begin(), items.end() - 1, ", "), " and ",
      items.back());
}

}  // namespace

class PARK_HIDDEN Service::Impl {
 public:
  enum class Event { kStop, kReload, kStats };

  Impl(ServiceOptions options, Journal journal, Notifier notifier,
       CounterFields fields, SignalFd signals)
      : options_(std::move(options)),
        journal_(std::move(journal)),
        notifier_(notifier),
        fields_(std::move(fields)),
        signals_(std::move(signals)) {}

  absl::Status Start();
  int Run(ServiceHooks hooks);

  ServiceOptions options_;
  const Journal journal_;
  const Notifier notifier_;
  const CounterFields fields_;
  SignalFd signals_;
  std::unique_ptr<Runtime> runtime_;
  std::optional<internal::PoolWatchdog> watchdog_;

 private:
  // From the signal task (a worker) to the main thread.
  void Post(Event e) ABSL_LOCKS_EXCLUDED(mu_);
  // The next event, or nullopt when `deadline` passes first.
  std::optional<Event> WaitEvent(Clock::time_point deadline)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Reload(const ServiceHooks& hooks, const std::string& status);
  int Stop(const ServiceHooks& hooks);
  void LogCounters(const char* what, const RuntimeCounters& c,
                   bool per_worker) const;

  Mutex mu_;
  CondVar cv_;
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  bool stop_requested_ ABSL_GUARDED_BY(mu_) = false;
};

absl::StatusOr<std::unique_ptr<Service>> Service::Create(
    ServiceOptions options) {
  if (absl::Status s = CheckIdentifier(options.identifier); !s.ok()) return s;
  absl::StatusOr<CounterFields> fields =
      CounterFields::Create(options.field_prefix);
  if (!fields.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ServiceOptions.field_prefix: ", fields.status().message()));
  }
  for (absl::Status s :
       {CheckDuration("drain_timeout", options.drain_timeout, milliseconds(1),
                      milliseconds(3600 * 1000), "ms"),
        CheckDuration("stats_interval", options.stats_interval, seconds(0),
                      seconds(86400), "s"),
        CheckDuration("watchdog_stall", options.watchdog_stall,
                      milliseconds(1), milliseconds(3600 * 1000), "ms")}) {
    if (!s.ok()) return s;
  }
  // Before any thread exists: every thread inherits the mask, and these
  // signals arrive only through the signalfd.
  if (absl::Status s = BlockSignals(kSignals); !s.ok()) return s;
  absl::StatusOr<SignalFd> signals = SignalFd::Create(kSignals);
  if (!signals.ok()) return signals.status();
  // The environment is read here, never modified (threads come next).
  Journal journal = Journal::Detect(options.identifier);
  // The first entry also opens libsystemd's journal socket, which it does
  // lazily: here, before any thread exists, rather than racing in two
  // threads' first messages.
  journal.Log(LOG_DEBUG, absl::StrCat(options.identifier, " starting"));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(journal),
                                     Notifier::FromEnvironment(),
                                     *std::move(fields), *std::move(signals));
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

absl::Status Service::Impl::Start() {
  absl::StatusOr<std::unique_ptr<Runtime>> rt =
      Runtime::Create(options_.runtime);
  if (!rt.ok()) return rt.status();
  runtime_ = *std::move(rt);
  if (!runtime_->worker_slice_status().ok()) {
    // Not fatal: the pool works with the default slice, only its wake-up
    // latency is not what was asked for.
    journal_.Log(LOG_WARNING,
                 absl::StrCat("RuntimeOptions.worker_slice_us = ",
                              options_.runtime.worker_slice_us,
                              " not applied, workers use the kernel's "
                              "default slice: ",
                              runtime_->worker_slice_status().message()));
  }
  if (const auto timeout = notifier_.watchdog_timeout()) {
    // Made here, started by Run: its gauges are readable from the start.
    watchdog_.emplace(*runtime_, notifier_, journal_, fields_, *timeout / 2,
                      options_.watchdog_stall);
  }
  absl::StatusOr<IoToken> token =
      runtime_->RegisterIo(signals_.fd(), EPOLLIN, [this](uint32_t) {
        while (std::optional<struct signalfd_siginfo> info = signals_.Read()) {
          switch (info->ssi_signo) {
            case SIGTERM:
            case SIGINT: Post(Event::kStop); break;
            case SIGHUP: Post(Event::kReload); break;
            case SIGUSR1: Post(Event::kStats); break;
          }
        }
      });
  return token.status();
}

void Service::Impl::Post(Event e) {
  {
    MutexLock lock(&mu_);
    if (e == Event::kStop) {
      if (stop_requested_) {
        // The second SIGTERM: the operator does not want to wait.
        journal_.Log(LOG_WARNING,
                     "second stop signal during the drain: exiting now");
        std::_Exit(1);
      }
      stop_requested_ = true;
    }
    events_.push_back(e);
  }
  cv_.SignalAll();
}

std::optional<Service::Impl::Event> Service::Impl::WaitEvent(
    Clock::time_point deadline) {
  MutexLock lock(&mu_);
  while (events_.empty()) {
    if (cv_.WaitUntil(&mu_, deadline) && events_.empty()) return std::nullopt;
  }
  Event e = events_.front();
  events_.pop_front();
  return e;
}

void Service::Impl::LogCounters(const char* what, const RuntimeCounters& c,
                                bool per_worker) const {
  journal_.Log(LOG_INFO, absl::StrCat(what, StatusLine(c)), fields_.Total(c));
  if (!per_worker) return;
  for (size_t i = 0; i < c.workers.size(); ++i) {
    journal_.Log(LOG_INFO, absl::StrCat("counters of worker ", i),
                 fields_.Worker(c, i));
  }
}

void Service::Impl::Reload(const ServiceHooks& hooks,
                           const std::string& status) {
  notifier_.Reloading();
  if (hooks.reload) {
    if (absl::Status s = hooks.reload(); !s.ok()) {
      journal_.Log(LOG_ERR, absl::StrCat("reload failed, keeping the running "
                                         "config: ",
                                         s.message()));
    }
  }
  if (watchdog_) watchdog_->set_stall(options_.watchdog_stall);
  notifier_.Ready(status);
}

int Service::Impl::Run(ServiceHooks hooks) {
  Runtime& rt = *runtime_;
  if (watchdog_) {
    if (absl::Status s = watchdog_->Start(); !s.ok()) {
      journal_.Log(LOG_ERR, std::string(s.message()));
      return 1;
    }
  }
  RuntimeCounters counters = rt.counters();
  journal_.Log(LOG_INFO,
               hooks.started_message.empty()
                   ? absl::StrCat(options_.identifier, " started: ",
                                  rt.num_workers(), " workers")
                   : hooks.started_message,
               fields_.Total(counters));
  std::string status = StatusLine(counters);
  notifier_.Ready(status);

  uint64_t logged_activity = Activity(counters);
  auto next_stats = [this] {
    return options_.stats_interval.count() > 0
               ? Clock::now() + options_.stats_interval
               : Clock::time_point::max();
  };
  Clock::time_point stats_due = next_stats();
  for (;;) {
    // STATUS= is refreshed every second (when it changed).
    const std::optional<Event> event =
        WaitEvent(std::min(Clock::now() + seconds(1), stats_due));
    counters = rt.counters();
    if (std::string s = StatusLine(counters); s != status) {
      status = s;
      notifier_.Status(status);
    }
    if (!event) {
      if (Clock::now() >= stats_due) {
        stats_due = next_stats();
        if (Activity(counters) != logged_activity) {
          logged_activity = Activity(counters);
          LogCounters("counters: ", counters, /*per_worker=*/false);
        }
      }
      continue;
    }
    if (*event == Event::kStats) {
      LogCounters("counters: ", counters, /*per_worker=*/true);
      continue;
    }
    if (*event == Event::kReload) {
      Reload(hooks, status);
      stats_due = next_stats();
      continue;
    }
    break;  // kStop
  }
  return Stop(hooks);
}

int Service::Impl::Stop(const ServiceHooks& hooks) {
  Runtime& rt = *runtime_;
  notifier_.Stopping("draining");
  journal_.Log(LOG_INFO, absl::StrCat("stop requested: draining (deadline ",
                                      options_.drain_timeout.count(), " ms)"));
  const Clock::time_point started = Clock::now();
  const Clock::time_point deadline = started + options_.drain_timeout;
  // The caller's intake closes first (listeners), and what it has in
  // flight finishes, while the pool still runs its tasks.
  DrainOutcome own = hooks.drain ? hooks.drain(deadline) : DrainOutcome{};
  if (watchdog_) watchdog_->Stop();
  uint64_t last_live = UINT64_MAX;
  auto last_extend = Clock::time_point{};
  const DrainReport report = rt.Drain(deadline, [&](uint64_t live) {
    // Tell systemd the drain moves, at most once a second, and only while
    // it does (a drain that stopped moving gets no extension).
    if (live < last_live && Clock::now() - last_extend >= seconds(1)) {
      notifier_.ExtendTimeout(seconds(5));
      last_extend = Clock::now();
    }
    last_live = live;
  });
  const RuntimeCounters counters = rt.counters();
  const auto took =
      std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  Fields fields = fields_.Total(counters);
  fields.emplace_back(fields_.Name("DRAIN_MS"), absl::StrCat(took.count()));
  fields.emplace_back(fields_.Name("ABANDONED_TASKS"),
                      absl::StrCat(report.shutdown.tasks_abandoned));
  fields.emplace_back(fields_.Name("ABANDONED_TIMERS"),
                      absl::StrCat(report.shutdown.timers_abandoned));
  fields.insert(fields.end(), own.fields.begin(), own.fields.end());
  if (!report.completed || !own.complete) {
    std::vector<std::string> abandoned = {
        absl::StrCat(report.shutdown.tasks_abandoned, " tasks"),
        absl::StrCat(report.shutdown.timers_abandoned, " timers")};
    abandoned.insert(abandoned.end(), own.abandoned.begin(),
                     own.abandoned.end());
    journal_.Log(LOG_ERR,
                 absl::StrCat("drain deadline passed after ", took.count(),
                              " ms: ", JoinAnd(abandoned), " abandoned; final ",
                              StatusLine(counters)),
                 fields);
    return 1;
  }
  journal_.Log(LOG_INFO,
               absl::StrCat("drained in ", took.count(), " ms; final ",
                            StatusLine(counters)),
               fields);
  return 0;
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

// The watchdog (a timer task on the runtime) goes first, then the runtime
// (its tasks reference the signalfd and this object), then the rest.
Service::~Service() {
  if (impl_->watchdog_) impl_->watchdog_->Stop();
  impl_->runtime_.reset();
}

Runtime& Service::runtime() { return *impl_->runtime_; }
const Journal& Service::journal() const { return impl_->journal_; }
const Notifier& Service::notifier() const { return impl_->notifier_; }
const CounterFields& Service::fields() const { return impl_->fields_; }

WatchdogStatus Service::watchdog_status() const {
  const std::optional<internal::PoolWatchdog>& w = impl_->watchdog_;
  if (!w) return WatchdogStatus{};
  return WatchdogStatus{true, w->satisfied(), w->longest_in_task()};
}
int Service::Run(ServiceHooks hooks) { return impl_->Run(std::move(hooks)); }

absl::Status Service::set_drain_timeout(milliseconds timeout) {
  absl::Status s = CheckDuration("drain_timeout", timeout, milliseconds(1),
                                 milliseconds(3600 * 1000), "ms");
  if (s.ok()) impl_->options_.drain_timeout = timeout;
  return s;
}

absl::Status Service::set_stats_interval(seconds interval) {
  absl::Status s = CheckDuration("stats_interval", interval, seconds(0),
                                 seconds(86400), "s");
  if (s.ok()) impl_->options_.stats_interval = interval;
  return s;
}

absl::Status Service::set_watchdog_stall(milliseconds stall) {
  absl::Status s = CheckDuration("watchdog_stall", stall, milliseconds(1),
                                 milliseconds(3600 * 1000), "ms");
  if (s.ok()) impl_->options_.watchdog_stall = stall;
  return s;
}

}  // namespace park
