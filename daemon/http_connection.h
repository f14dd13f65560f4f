// HttpConnection: one accepted HTTP/1.1 connection served on the runtime.
//
// Readiness comes through the driver (edge-triggered); each readiness event
// runs OnReady as a task, which reads until EAGAIN, feeds the parser, routes
// every complete request, and writes what is ready. Pipelined requests are
// answered in order: an answer ready at once with nothing queued before it
// goes straight into the output buffer; any other request gets a slot in
// the output queue at once; a /work slot is filled later (after its CPU
// burn and its timer), and nothing behind it is written before it. A
// request that expects "100 Continue" gets it as a slot of its own, in the
// same order.
//
// Life: Open (registered, idle) -> serving -> closing (no more reads; the
// queued responses are flushed) -> closed (deregistered, fd closed). The
// connection closes after a response that carries "Connection: close"
// (client asked, HTTP/1.0, an error, or the server drains), when the peer
// closes, on a request-read timeout (408, slowloris), or after the idle
// keep-alive timeout.
//
// Thread-safety: every entry point (OnReady, the timer and work tasks,
// CloseIfIdle) takes mu_; tasks hold a shared_ptr, so the object outlives
// them. The server holds it in its registry until it closes.
#ifndef PARKD_DAEMON_HTTP_CONNECTION_H_
#define PARKD_DAEMON_HTTP_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/http/request_parser.h"
#include "daemon/http/router.h"
#include "park/runtime/runtime.h"
#include "park/sys/unique_fd.h"

namespace parkd {

struct HttpLimits {
  size_t max_header_bytes = 8192;
  size_t max_body_bytes = 65536;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  using Clock = park::Runtime::Clock;

  // `on_closed` runs once, from whichever task closes the connection.
  HttpConnection(park::Runtime& runtime, const http::RouterContext& context,
                 park::UniqueFd fd, const HttpLimits& limits,
                 std::function<void(HttpConnection*)> on_closed);

  // Registers with the runtime and arms the idle timer.
  absl::Status Open();
  // Closes now if no request is in progress or queued (a drain).
  void CloseIfIdle();
  // Answers what is in flight with "Connection: close", then closes.
  void CloseAfterInFlight();

 private:
  struct Slot {
    uint64_t seq;
    bool ready = false;
    bool close_after = false;
    std::string bytes;
  };

  void OnReady(uint32_t events);
  // Reads and handles what the socket holds. A short read means the
  // receive queue is empty (a stream socket): any byte that arrives later
  // raises a new edge, so the read that would only say EAGAIN is skipped,
  // as nginx does.
  // Not so for the end of the stream: a FIN already reported with the data
  // raises no new edge, so `until_eagain` (set when the event carried
  // RDHUP, HUP or ERR, and outside readiness) reads on to EOF or EAGAIN.
  void ReadLocked(bool until_eagain);
  void HandleLocked(const http::Request& request);
  void QueueLocked(const http::Response& response, bool keep_alive);
  void StartWork(uint64_t seq, http::WorkOrder order, bool keep_alive);
  void CompleteWork(uint64_t seq, http::WorkOrder order, bool keep_alive);
  void FlushLocked();
  // Records the deadline the connection's state calls for (request or idle
  // timeout, none while answering) and makes sure a timer fires at or
  // before it. The armed timer is only moved earlier, never later: one that
  // fires early re-arms at the recorded deadline (OnTimer), so a busy
  // keep-alive connection costs no timer operation per request (each was a
  // TimerSet lock, a tree insert and erase, and often a timerfd_settime).
  void RearmTimerLocked();
  void ArmTimerLocked(Clock::time_point at);
  void OnTimer();
  void CloseLocked();
  bool IdleLocked() const { return slots_.empty() && !parser_.mid_request(); }

  park::Runtime& runtime_;
  const http::RouterContext& context_;
  const HttpLimits limits_;
  std::function<void(HttpConnection*)> on_closed_;

  std::mutex mu_;
  park::UniqueFd fd_;
  std::optional<park::IoToken> token_;
  http::RequestParser parser_;
  std::deque<Slot> slots_;       // responses in request order
  std::string out_;              // bytes being written
  size_t out_offset_ = 0;
  uint64_t next_seq_ = 0;
  bool reading_ = true;          // false once closing
  bool closed_ = false;
  bool close_when_flushed_ = false;
  std::optional<park::TimerHandle> timer_;
  Clock::time_point timer_at_{};   // when timer_ fires, if set
  std::optional<Clock::time_point> deadline_;  // what the state calls for
  Clock::time_point request_started_{};
};

}  // namespace parkd

#endif  // PARKD_DAEMON_HTTP_CONNECTION_H_
