#include "daemon/http_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "daemon/http/http_date.h"

namespace parkd {
namespace {

// Burns `us` microseconds of CPU on the calling worker (a stand-in for
// real work: it must occupy the thread, not sleep).
void BurnCpu(uint64_t us) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  volatile uint64_t sink = 0;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 64; ++i) sink = sink + static_cast<uint64_t>(i);
  }
}

}  // namespace

HttpConnection::HttpConnection(park::Runtime& runtime,
                               const http::RouterContext& context,
                               park::UniqueFd fd, const HttpLimits& limits,
                               std::function<void(HttpConnection*)> on_closed)
    : runtime_(runtime),
      context_(context),
      limits_(limits),
      on_closed_(std::move(on_closed)),
      fd_(std::move(fd)),
      parser_(limits.max_header_bytes, limits.max_body_bytes) {}

absl::Status HttpConnection::Open() {
  std::lock_guard<std::mutex> lock(mu_);
  std::weak_ptr<HttpConnection> weak = weak_from_this();
  absl::StatusOr<park::IoToken> token = runtime_.RegisterIo(
      fd_.get(), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
      [weak](uint32_t events) {
        if (auto self = weak.lock()) self->OnReady(events);
      });
  if (!token.ok()) return token.status();
  token_ = *token;
  RearmTimerLocked();
  return absl::OkStatus();
}

void HttpConnection::OnReady(uint32_t events) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    ReadLocked(/*until_eagain=*/(events &
                                 (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
  }
  if (!closed_) FlushLocked();
  if (!closed_) RearmTimerLocked();
}

void HttpConnection::ReadLocked(bool until_eagain) {
  char buf[16384];
  while (reading_ && !closed_) {
    const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n > 0) {
      if (!parser_.mid_request()) request_started_ = Clock::now();
      // Each complete request is routed as the parser finishes it.
      http::FeedResult result =
          parser_.Feed(absl::string_view(buf, static_cast<size_t>(n)),
                       [this](const http::Request& r) { HandleLocked(r); });
      if (result.send_continue) {
        // In order: after the answers to the requests before this one.
        slots_.push_back(
            Slot{next_seq_++, true, false, std::string(http::kContinue)});
      }
      if (result.error) {
        QueueLocked(http::ErrorResponse(*result.error), /*keep_alive=*/false);
      }
      if (parser_.state() != http::RequestParser::State::kReading) {
        reading_ = false;  // answered what came; close once flushed
      }
      if (static_cast<size_t>(n) < sizeof buf && !until_eagain) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // The peer closed its side (n == 0) or the socket failed: answer what
    // is queued, then close.
    reading_ = false;
    close_when_flushed_ = true;
    if (n < 0) CloseLocked();
    return;
  }
}

void HttpConnection::HandleLocked(const http::Request& request) {
  http::RouteResult route = http::Route(request, context_);
  if (auto* response = std::get_if<http::Response>(&route)) {
    QueueLocked(*response, request.keep_alive);
    return;
  }
  const uint64_t seq = next_seq_++;
  slots_.push_back(Slot{seq, false, false, std::string()});
  StartWork(seq, std::get<http::WorkOrder>(route), request.keep_alive);
}

void HttpConnection::QueueLocked(const http::Response& response,
                                 bool keep_alive) {
  const bool close = response.close || !keep_alive || context_.draining();
  if (slots_.empty()) {
    // Nothing is queued before it: its bytes go straight after what out_
    // holds, into out_'s reused capacity (no allocation per response).
    if (out_offset_ == out_.size()) {
      out_.clear();
      out_offset_ = 0;
    }
    http::AppendSerialized(response, keep_alive && !close,
                           http::CurrentHttpDate(), &out_);
    if (close) close_when_flushed_ = true;
  } else {
    slots_.push_back(Slot{next_seq_++, true, close,
                          http::Serialize(response, keep_alive && !close,
                                          http::CurrentHttpDate())});
  }
  if (close) reading_ = false;
}

void HttpConnection::StartWork(uint64_t seq, http::WorkOrder order,
                               bool keep_alive) {
  // The CPU burn runs as a task of its own (so this connection's reads do
  // not wait for it), the sleep on a runtime timer (no worker held).
  auto self = shared_from_this();
  absl::Status s = runtime_.Spawn([self, seq, order, keep_alive] {
    BurnCpu(order.cpu_us);
    if (order.sleep_ms == 0) {
      self->CompleteWork(seq, order, keep_alive);
      return;
    }
    absl::StatusOr<park::TimerHandle> t = self->runtime_.RunAfter(
        std::chrono::milliseconds(order.sleep_ms),
        [self, seq, order, keep_alive] {
          self->CompleteWork(seq, order, keep_alive);
        });
    if (!t.ok()) self->CompleteWork(seq, order, keep_alive);
  });
  if (!s.ok()) {
    // Shutting down: answer at once instead of losing the request.
    for (Slot& slot : slots_) {
      if (slot.seq == seq) {
        slot.ready = true;
        slot.close_after = true;
        slot.bytes =
            http::Serialize(http::TextResponse(503, "shutting down\n"),
                            /*keep_alive=*/false, http::CurrentHttpDate());
      }
    }
  }
}

void HttpConnection::CompleteWork(uint64_t seq, http::WorkOrder order,
                                  bool keep_alive) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  for (Slot& slot : slots_) {
    if (slot.seq != seq) continue;
    const bool close = !keep_alive || context_.draining();
    slot.ready = true;
    slot.close_after = close;
    slot.bytes = http::Serialize(http::WorkDoneResponse(order), !close,
                                 http::CurrentHttpDate());
    if (close) reading_ = false;
  }
  FlushLocked();
  if (!closed_) RearmTimerLocked();
}

void HttpConnection::FlushLocked() {
  for (;;) {
    if (out_offset_ == out_.size()) {
      out_.clear();
      out_offset_ = 0;
      if (slots_.empty() || !slots_.front().ready) break;
      out_ = std::move(slots_.front().bytes);
      if (slots_.front().close_after) close_when_flushed_ = true;
      slots_.pop_front();
      continue;
    }
    const ssize_t n = ::send(fd_.get(), out_.data() + out_offset_,
                             out_.size() - out_offset_, MSG_NOSIGNAL);
    if (n > 0) {
      out_offset_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;  // EPOLLOUT edge resumes us
    CloseLocked();  // the peer is gone
    return;
  }
  if (close_when_flushed_ && slots_.empty()) CloseLocked();
}

void HttpConnection::RearmTimerLocked() {
  if (closed_) return;
  if (parser_.mid_request()) {
    deadline_ = request_started_ + limits_.request_timeout;  // slowloris bound
  } else if (slots_.empty() && out_.empty()) {
    deadline_ = Clock::now() + limits_.idle_timeout;
  } else {
    deadline_.reset();  // answering: the work's own completion re-arms
    return;
  }
  if (timer_ && timer_at_ <= *deadline_) return;  // fires early, re-arms
  ArmTimerLocked(*deadline_);
}

void HttpConnection::ArmTimerLocked(Clock::time_point at) {
  if (timer_) runtime_.Cancel(*timer_);
  timer_.reset();
  std::weak_ptr<HttpConnection> weak = weak_from_this();
  absl::StatusOr<park::TimerHandle> t = runtime_.RunAt(at, [weak] {
    if (auto self = weak.lock()) self->OnTimer();
  });
  if (!t.ok()) return;
  timer_ = *t;
  timer_at_ = at;
}

void HttpConnection::OnTimer() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  timer_.reset();
  if (!deadline_) return;  // answering: RearmTimerLocked arms again after
  if (Clock::now() < *deadline_) {
    ArmTimerLocked(*deadline_);  // armed for an earlier deadline than now
    return;
  }
  if (parser_.mid_request() && reading_) {
    reading_ = false;
    slots_.push_back(Slot{
        next_seq_++, true, true,
        http::Serialize(
            http::TextResponse(408, "request not received in time; closing\n"),
            /*keep_alive=*/false, http::CurrentHttpDate())});
    FlushLocked();
    return;
  }
  if (IdleLocked() && out_.empty()) CloseLocked();  // idle keep-alive timeout
}

void HttpConnection::CloseIfIdle() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  // A request the client sent before the drain began may sit unread in the
  // socket (its readiness task not run yet): read it, so it is answered
  // (with "Connection: close") instead of cut off.
  ReadLocked(/*until_eagain=*/true);
  if (closed_) return;
  if (IdleLocked() && out_.empty()) {
    CloseLocked();
    return;
  }
  FlushLocked();
}

void HttpConnection::CloseAfterInFlight() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  reading_ = false;
  close_when_flushed_ = true;
  FlushLocked();
}

void HttpConnection::CloseLocked() {
  if (closed_) return;
  closed_ = true;
  if (timer_) runtime_.Cancel(*timer_);
  timer_.reset();
  if (token_) (void)runtime_.DeregisterIo(*token_);
  token_.reset();
  fd_.reset();
  // The server drops its reference; tasks still holding one see closed_.
  if (on_closed_) std::exchange(on_closed_, nullptr)(this);
}

}  // namespace parkd
