// HttpServer: parkd's HTTP/1.1 service on the runtime: accepts on the
// listeners (edge-triggered readiness through the driver), keeps the open
// connections, and answers /healthz, /stats, /metrics and /work (see
// daemon/http/router.h).
//
// Limits: beyond max_connections a new connection gets a 503 and is closed
// at once; EMFILE/ENFILE on accept pause accepting for 100 ms (no busy
// loop), are counted and logged at most once per 10 s.
// Drain: BeginDrain closes the listeners, turns /healthz to 503, closes the
// idle connections and makes every in-flight response carry "Connection:
// close"; open_connections() then falls to 0 as they finish.
//
// Thread-safety: thread-safe. Start/BeginDrain from the main thread.
#ifndef PARKD_DAEMON_HTTP_SERVER_H_
#define PARKD_DAEMON_HTTP_SERVER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "daemon/http/router.h"
#include "daemon/http_connection.h"
#include "park/service/journal.h"
#include "daemon/listeners.h"
#include "park/runtime/runtime.h"
#include "park/service/service.h"

namespace parkd {

struct HttpServerOptions {
  HttpLimits limits;
  size_t max_connections = 1024;
  http::WorkLimits work;
};

class HttpServer final : public http::RouterContext {
 public:
  HttpServer(park::Runtime& runtime, const park::Journal& journal,
             HttpServerOptions options);
  ~HttpServer() override;

  // Takes the listeners over and starts accepting.
  absl::Status Start(ListenerSet listeners);
  void BeginDrain();
  size_t open_connections() const;
  void set_work_limits(http::WorkLimits work);
  // /metrics then carries the pool watchdog's gauges when systemd set a
  // watchdog. `service` must outlive every request (the runtime's shutdown
  // ends them); set once, any thread.
  void set_service(const park::Service* service) { service_.store(service); }

  uint64_t accepted() const { return accepted_.load(); }
  uint64_t rejected_over_limit() const { return rejected_.load(); }
  uint64_t accept_fd_exhausted() const { return fd_exhausted_.load(); }

  // http::RouterContext
  bool draining() const override { return draining_.load(); }
  http::StatsSnapshot Stats() const override;
  http::WorkLimits work_limits() const override;

 private:
  struct ListenerState {
    Listener listener;
    std::optional<park::IoToken> token;
  };
  void Accept(ListenerState* l);
  void PauseAccepting(ListenerState* l);
  void Remove(HttpConnection* c);

  park::Runtime& runtime_;
  const park::Journal& journal_;
  const HttpServerOptions options_;

  // Held for a whole accept loop and while the listeners close, so that a
  // listener's fd is never closed (and its number reused) under accept4.
  std::mutex accept_mu_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<ListenerState>> listeners_;
  std::unordered_map<HttpConnection*, std::shared_ptr<HttpConnection>> conns_;
  http::WorkLimits work_;
  std::chrono::steady_clock::time_point last_fd_log_{};

  std::atomic<const park::Service*> service_{nullptr};
  std::atomic<bool> draining_{false};
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> accepted_{0}, rejected_{0}, fd_exhausted_{0};
};

}  // namespace parkd

#endif  // PARKD_DAEMON_HTTP_SERVER_H_
