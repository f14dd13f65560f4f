#include "daemon/http/request_parser.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace parkd::http {

// http_parser calls plain functions; these forward to the parser that owns
// the http_parser (its `data`, set at each Feed so that moves are safe).
// The head's fields come from ParseRequestHead: only the framing events
// are taken from http_parser.
struct RequestParser::Callbacks {
  static RequestParser& Self(http_parser* p) {
    return *static_cast<RequestParser*>(p->data);
  }
  static int HeadersComplete(http_parser* p) {
    return Self(p).OnHeadersComplete();
  }
  static int Body(http_parser* p, const char* at, size_t n) {
    RequestParser& self = Self(p);
    if (self.OnBodyBytes(n) != 0) return -1;
    self.current_.body.append(at, n);
    return 0;
  }
  // http_parser puts the chunk's size in content_length for this call.
  static int ChunkHeader(http_parser* p) {
    return Self(p).OnBodyBytes(p->content_length);
  }
  static int MessageComplete(http_parser* p) {
    return Self(p).OnMessageComplete();
  }

  static const http_parser_settings& Settings() {
    static const http_parser_settings settings = [] {
      http_parser_settings s;
      http_parser_settings_init(&s);
      s.on_headers_complete = HeadersComplete;
      s.on_body = Body;
      s.on_chunk_header = ChunkHeader;
      s.on_message_complete = MessageComplete;
      return s;
    }();
    return settings;
  }
};

RequestParser::RequestParser(size_t max_header_bytes, size_t max_body_bytes)
    : max_header_bytes_(
          std::clamp<size_t>(max_header_bytes, 1, kMaxHeaderBytesCap)),
      max_body_bytes_(max_body_bytes) {
  http_parser_init(&parser_, HTTP_REQUEST);
}

FeedResult RequestParser::Feed(absl::string_view data) {
  std::vector<Request> requests;
  FeedResult result =
      Feed(data, [&requests](const Request& r) { requests.push_back(r); });
  result.requests = std::move(requests);
  return result;
}

FeedResult RequestParser::Feed(
    absl::string_view data,
    absl::FunctionRef<void(const Request&)> on_request) {
  FeedResult result;
  parser_.data = this;
  on_request_ = &on_request;
  while (state_ == State::kReading && result.consumed < data.size()) {
    const absl::string_view rest = data.substr(result.consumed);
    switch (phase_) {
      case Phase::kIdle: result.consumed += SkipBlankLines(rest); break;
      case Phase::kHead: result.consumed += TakeHead(rest); break;
      case Phase::kBody: result.consumed += TakeBody(rest); break;
    }
  }
  on_request_ = nullptr;
  if (state_ == State::kReading && phase_ == Phase::kBody && continue_due_) {
    result.send_continue = true;
    continue_due_ = false;
  }
  result.error = error_;
  return result;
}

size_t RequestParser::SkipBlankLines(absl::string_view data) {
  size_t n = 0;
  while (n < data.size() && (data[n] == '\r' || data[n] == '\n')) ++n;
  if (n < data.size()) {
    phase_ = Phase::kHead;
    head_.clear();
    scanned_ = 0;
    request_line_done_ = false;
  }
  return n;
}

size_t RequestParser::TakeHead(absl::string_view data) {
  // Bytes are taken at most up to the limit, so an over-long head fails as
  // soon as its first excess byte is here.
  const size_t take = std::min(data.size(), max_header_bytes_ - head_.size());
  head_.append(data.data(), take);
  // The head ends at the LF of its first empty line ("\n\n" or "\n\r\n";
  // its first line is never empty: SkipBlankLines ate those).
  size_t i = scanned_;
  for (; !request_line_done_ && i < head_.size(); ++i) {
    const auto c = static_cast<unsigned char>(head_[i]);
    // Binary (a TLS hello, say) fails at once, not at the limit.
    if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f) {
      Fail(400, absl::StrCat("the request-line has the control byte 0x",
                             absl::Hex(c, absl::kZeroPad2),
                             "; is this HTTP/1.x?"));
      return i + 1 - (head_.size() - take);
    }
    request_line_done_ = c == '\n';
  }
  while ((i = head_.find('\n', i)) != std::string::npos) {
    // The request-line's LF is before i: head_[i - 2] exists when needed.
    if (head_[i - 1] == '\n' || (head_[i - 1] == '\r' && head_[i - 2] == '\n')) {
      const size_t unused = head_.size() - (i + 1);
      head_.resize(i + 1);
      FinishHead();
      return take - unused;
    }
    ++i;
  }
  scanned_ = head_.size();
  if (head_.size() == max_header_bytes_) {
    if (!request_line_done_) {
      Fail(414, absl::StrCat("request-line longer than the limit of ",
                             max_header_bytes_, " bytes"));
    } else {
      Fail(431, absl::StrCat("request-line and fields exceed the limit of ",
                             max_header_bytes_, " bytes"));
    }
  }
  return take;
}

void RequestParser::FinishHead() {
  current_.Reset();
  continue_due_ = false;
  if (std::optional<ParseError> e = ParseRequestHead(head_, &current_)) {
    error_ = std::move(*e);
    state_ = State::kFailed;
    return;
  }
  // Neither Content-Length nor Transfer-Encoding: no body (RFC 9112 §6.3).
  // ParseRequestHead has checked everything else the head holds (and
  // ParseTarget ran http_parser's own URL reader on the target), so
  // http_parser, which is here to frame bodies, would add nothing: the
  // request is complete.
  if (current_.FindHeader("content-length") == nullptr &&
      current_.FindHeader("transfer-encoding") == nullptr) {
    CompleteRequest();
    return;
  }
  // A fresh http_parser per request: its view of the previous request's
  // keep-alive or upgrade must not decide how this one is read.
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  const size_t used = Execute(head_);
  if (state_ == State::kReading && used != head_.size()) {
    Fail(400, "malformed request: the head did not end where it should");
  }
}

size_t RequestParser::TakeBody(absl::string_view data) {
  const size_t used = Execute(data);
  if (used == 0 && state_ == State::kReading) {
    Fail(400, "malformed request: the parser made no progress");
  }
  return used;
}

size_t RequestParser::Execute(absl::string_view data) {
  const size_t used = http_parser_execute(&parser_, &Callbacks::Settings(),
                                          data.data(), data.size());
  const auto err = static_cast<http_errno>(parser_.http_errno);
  if (err == HPE_PAUSED) {
    // Paused by OnMessageComplete: the next head is read by TakeHead.
    http_parser_pause(&parser_, 0);
  } else if (err != HPE_OK) {
    Fail(400, absl::StrCat("malformed request: ", http_errno_name(err), " (",
                           http_errno_description(err), ")"));
  }
  return used;
}

int RequestParser::OnHeadersComplete() {
  phase_ = Phase::kBody;
  const bool has_length = (parser_.flags & F_CONTENTLENGTH) != 0;
  if (has_length && parser_.content_length > max_body_bytes_) {
    return Fail(413, absl::StrCat("request body of ", parser_.content_length,
                                  " bytes exceeds the limit of ",
                                  max_body_bytes_, " bytes"));
  }
  continue_due_ = current_.expect_continue &&
                  ((parser_.flags & F_CHUNKED) != 0 ||
                   (has_length && parser_.content_length > 0));
  return 0;
}

int RequestParser::OnBodyBytes(size_t n) {
  if (n <= max_body_bytes_ - current_.body.size()) return 0;
  return Fail(413, absl::StrCat("request body exceeds the limit of ",
                                max_body_bytes_, " bytes"));
}

int RequestParser::OnMessageComplete() {
  CompleteRequest();
  // Stop here either way: the next head is TakeHead's to collect.
  http_parser_pause(&parser_, 1);
  return 0;
}

void RequestParser::CompleteRequest() {
  phase_ = Phase::kIdle;
  continue_due_ = false;
  (*on_request_)(current_);
  // Whatever follows a "close" would be answered on a closed connection.
  // (current_ keeps this request's value until the next head resets it.)
  if (!current_.keep_alive) state_ = State::kClosed;
}

int RequestParser::Fail(int status, std::string message) {
  if (!error_.has_value()) {
    const bool head = phase_ == Phase::kHead ? absl::StartsWith(head_, "HEAD ")
                                             : current_.method == "HEAD";
    error_ = ParseError{status, std::move(message), head};
  }
  state_ = State::kFailed;
  return -1;
}

}  // namespace parkd::http
