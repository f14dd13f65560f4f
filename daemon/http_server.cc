#include "daemon/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/http/http_date.h"
#include "daemon/http/response.h"

namespace parkd {
namespace {


http::WorkerStats ToStats(const park::WorkerCounters& w) {
  http::WorkerStats s;
  s.parks_driver = w.parks_driver;
  s.parks_condvar = w.parks_condvar;
  s.unparks_driver = w.unparks_driver;
  s.unparks_condvar = w.unparks_condvar;
  s.unparks_noop = w.unparks_noop;
  s.spurious_wakeups = w.spurious_wakeups;
  s.tasks_run = w.tasks_run;
  s.steals = w.steals;
  s.inject_pulls = w.inject_pulls;
  s.spins = w.spins;
  s.spins_found = w.spins_found;
  s.parked_now = w.parked_now;
  s.searching_now = w.searching_now;
  return s;
}

}  // namespace

HttpServer::HttpServer(park::Runtime& runtime, const park::Journal& journal,
                       HttpServerOptions options)
    : runtime_(runtime),
      journal_(journal),
      options_(options),
      work_(options.work) {}

HttpServer::~HttpServer() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& l : listeners_) {
    if (l->token) (void)runtime_.DeregisterIo(*l->token);
  }
}

absl::Status HttpServer::Start(ListenerSet set) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Listener& l : set.listeners) {
    auto state = std::make_unique<ListenerState>();
    state->listener = std::move(l);
    ListenerState* raw = state.get();
    absl::StatusOr<park::IoToken> token = runtime_.RegisterIo(
        raw->listener.fd.get(), EPOLLIN | EPOLLET,
        [this, raw](uint32_t) { Accept(raw); });
    if (!token.ok()) return token.status();
    raw->token = *token;
    listeners_.push_back(std::move(state));
  }
  return absl::OkStatus();
}

void HttpServer::Accept(ListenerState* l) {
  std::lock_guard<std::mutex> accept_lock(accept_mu_);
  // Edge-triggered: accept until the backlog is empty.
  for (;;) {
    if (draining_.load() || !l->listener.fd.valid()) return;
    park::UniqueFd fd(accept4(l->listener.fd.get(), nullptr, nullptr,
                              SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        PauseAccepting(l);
      }
      return;  // EAGAIN: backlog empty
    }
    accepted_.fetch_add(1);
    if (open_.load() >= options_.max_connections) {
      rejected_.fetch_add(1);
      // Best effort, before closing: a 503 the client can read.
      const std::string over = http::Serialize(
          http::TextResponse(503, "too many connections; retry\n"),
          /*keep_alive=*/false, http::CurrentHttpDate());
      (void)!send(fd.get(), over.data(), over.size(),
                  MSG_NOSIGNAL | MSG_DONTWAIT);
      continue;  // fd closes here
    }
    auto conn = std::make_shared<HttpConnection>(
        runtime_, *this, std::move(fd), options_.limits,
        [this](HttpConnection* c) { Remove(c); });
    {
      std::lock_guard<std::mutex> lock(mu_);
      conns_.emplace(conn.get(), conn);
      open_.fetch_add(1);
    }
    if (absl::Status s = conn->Open(); !s.ok()) {
      journal_.Log(LOG_WARNING, absl::StrCat("connection not served: ",
                                             s.message()));
      Remove(conn.get());
    }
  }
}

void HttpServer::PauseAccepting(ListenerState* l) {
  const int err = errno;
  fd_exhausted_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_fd_log_ >= std::chrono::seconds(10)) {
      last_fd_log_ = now;
      journal_.Log(LOG_WARNING,
                   absl::StrCat("accept on ", l->listener.name, ": ",
                                strerrordesc_np(err), " (",
                                fd_exhausted_.load(),
                                " times so far): pausing accepts for 100 ms"),
                   {{"PARKD_ACCEPT_FD_EXHAUSTED",
                     absl::StrCat(fd_exhausted_.load())}});
    }
  }
  // Stop reporting this listener, try again later: the pending connections
  // wait in the kernel's backlog instead of spinning us.
  if (l->token) (void)runtime_.ModifyIo(*l->token, 0);
  (void)runtime_.RunAfter(std::chrono::milliseconds(100), [this, l] {
    if (draining_.load() || !l->token) return;
    // Re-arming an edge-triggered fd reports what is already pending.
    (void)runtime_.ModifyIo(*l->token, EPOLLIN | EPOLLET);
  });
}

void HttpServer::Remove(HttpConnection* c) {
  std::shared_ptr<HttpConnection> last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = conns_.find(c);
    if (it == conns_.end()) return;
    last = std::move(it->second);
    conns_.erase(it);
    open_.fetch_sub(1);
  }
  // `last` may be the final owner; it is released outside the lock.
}

void HttpServer::BeginDrain() {
  draining_.store(true);
  std::vector<std::shared_ptr<HttpConnection>> snapshot;
  {
    std::lock_guard<std::mutex> accept_lock(accept_mu_);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& l : listeners_) {
      if (l->token) (void)runtime_.DeregisterIo(*l->token);
      l->token.reset();
      l->listener.fd.reset();  // new connections are refused from now on
    }
    for (auto& [raw, conn] : conns_) snapshot.push_back(conn);
  }
  // Outside mu_: closing re-enters Remove.
  for (auto& conn : snapshot) conn->CloseIfIdle();
}

size_t HttpServer::open_connections() const { return open_.load(); }

void HttpServer::set_work_limits(http::WorkLimits work) {
  std::lock_guard<std::mutex> lock(mu_);
  work_ = work;
}

http::WorkLimits HttpServer::work_limits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return work_;
}

http::StatsSnapshot HttpServer::Stats() const {
  const park::RuntimeCounters c = runtime_.counters();
  http::StatsSnapshot s;
  for (const park::WorkerCounters& w : c.workers) s.workers.push_back(ToStats(w));
  s.total = ToStats(c.total);
  s.driver_turns = c.driver.turns;
  s.timers_pending = c.timers_pending;
  s.tasks_spawned_remote = c.tasks_spawned_remote;
  if (const park::Service* service = service_.load()) {
    if (const park::WatchdogStatus w = service->watchdog_status(); w.enabled) {
      s.watchdog = http::WatchdogStats{
          w.satisfied, static_cast<uint64_t>(w.longest_in_task.count())};
    }
  }
  return s;
}

}  // namespace parkd
