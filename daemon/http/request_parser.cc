#include "daemon/http/request_parser.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace parkd::http {

// http_parser calls plain functions; these forward to the parser that owns
// the http_parser (its `data`, set at each Feed so that moves are safe).
struct RequestParser::Callbacks {
  static RequestParser& Self(http_parser* p) {
    return *static_cast<RequestParser*>(p->data);
  }
  static int MessageBegin(http_parser* p) { return Self(p).OnMessageBegin(); }
  static int Url(http_parser* p, const char* at, size_t n) {
    Self(p).current_.target.append(at, n);
    return 0;
  }
  static int HeaderField(http_parser* p, const char* at, size_t n) {
    RequestParser& self = Self(p);
    if (self.phase_ != Phase::kHeaders) return 0;  // chunked trailers: unused
    if (self.value_pending_) self.CommitHeader();
    self.field_.append(at, n);
    return 0;
  }
  static int HeaderValue(http_parser* p, const char* at, size_t n) {
    RequestParser& self = Self(p);
    if (self.phase_ != Phase::kHeaders) return 0;
    self.value_.append(at, n);
    self.value_pending_ = true;
    return 0;
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
      s.on_message_begin = MessageBegin;
      s.on_url = Url;
      s.on_header_field = HeaderField;
      s.on_header_value = HeaderValue;
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
  FeedResult result;
  parser_.data = this;
  out_ = &result.requests;
  while (state_ == State::kReading && result.consumed < data.size()) {
    result.consumed += Step(data.substr(result.consumed));
  }
  out_ = nullptr;
  result.error = error_;
  return result;
}

size_t RequestParser::Step(absl::string_view data) {
  const Phase phase_before = phase_;
  size_t n = data.size();
  if (phase_ == Phase::kHeaders) {
    // Header bytes are fed at most up to the limit, so an over-long header
    // section fails as soon as its first excess byte is here.
    const size_t budget = max_header_bytes_ - header_bytes_;
    if (budget == 0) {
      Fail(431, absl::StrCat("request line and headers exceed the limit of ",
                             max_header_bytes_, " bytes"));
      return 0;
    }
    n = std::min(n, budget);
  }
  const size_t used =
      http_parser_execute(&parser_, &Callbacks::Settings(), data.data(), n);
  AfterExecute(used, phase_before);
  return used;
}

void RequestParser::AfterExecute(size_t used, Phase phase_before) {
  const auto err = static_cast<http_errno>(parser_.http_errno);
  if (err == HPE_PAUSED) {
    // Paused by OnMessageBegin (the call ended on the method's first byte,
    // which starts the header count) or by OnMessageComplete (kClosed).
    http_parser_pause(&parser_, 0);
    if (phase_ == Phase::kHeaders) header_bytes_ = 1;
    return;
  }
  if (err != HPE_OK) {
    if (!error_.has_value()) {
      Fail(err == HPE_HEADER_OVERFLOW ? 431 : 400,
           absl::StrCat("malformed request: ", http_errno_name(err), " (",
                        http_errno_description(err), ")"));
    }
    state_ = State::kFailed;
    return;
  }
  if (phase_before == Phase::kHeaders && phase_ == Phase::kHeaders) {
    header_bytes_ += used;
  }
  if (used == 0) Fail(400, "malformed request: the parser made no progress");
}

int RequestParser::OnMessageBegin() {
  phase_ = Phase::kHeaders;
  current_ = Request();
  field_.clear();
  value_.clear();
  value_pending_ = false;
  // Stop here so that Step knows where the header section starts.
  http_parser_pause(&parser_, 1);
  return 0;
}

void RequestParser::CommitHeader() {
  absl::AsciiStrToLower(&field_);
  current_.headers.emplace_back(
      std::move(field_), std::string(absl::StripAsciiWhitespace(value_)));
  field_.clear();
  value_.clear();
  value_pending_ = false;
}

int RequestParser::OnHeadersComplete() {
  if (value_pending_ || !field_.empty()) CommitHeader();
  phase_ = Phase::kBody;
  if (parser_.upgrade) {
    return Fail(400, "protocol upgrades and CONNECT are not supported");
  }
  if (parser_.http_major != 1) {
    return Fail(
        505, absl::StrCat("HTTP/", parser_.http_major, ".", parser_.http_minor,
                          " is not supported; use HTTP/1.1 or 1.0"));
  }
  current_.version =
      parser_.http_minor == 0 ? HttpVersion::kHttp10 : HttpVersion::kHttp11;
  current_.method = http_method_str(static_cast<http_method>(parser_.method));
  if ((parser_.flags & F_CONTENTLENGTH) &&
      parser_.content_length > max_body_bytes_) {
    return Fail(413, absl::StrCat("request body of ", parser_.content_length,
                                  " bytes exceeds the limit of ",
                                  max_body_bytes_, " bytes"));
  }
  if (absl::Status s = ParseTarget(&current_); !s.ok()) {
    return Fail(400, std::string(s.message()));
  }
  return 0;
}

int RequestParser::OnBodyBytes(size_t n) {
  if (n <= max_body_bytes_ - current_.body.size()) return 0;
  return Fail(413, absl::StrCat("request body exceeds the limit of ",
                                max_body_bytes_, " bytes"));
}

int RequestParser::OnMessageComplete() {
  current_.keep_alive = http_should_keep_alive(&parser_) != 0;
  phase_ = Phase::kIdle;
  out_->push_back(std::move(current_));
  current_ = Request();
  if (!out_->back().keep_alive) {
    // Whatever follows would be answered on a closed connection: stop.
    state_ = State::kClosed;
    http_parser_pause(&parser_, 1);
  }
  return 0;
}

int RequestParser::Fail(int status, std::string message) {
  if (!error_.has_value()) error_ = ParseError{status, std::move(message)};
  state_ = State::kFailed;
  return -1;
}

}  // namespace parkd::http
