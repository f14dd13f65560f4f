// RequestParser: turns the bytes of one HTTP/1.x connection, fed as they
// arrive, into complete Requests in order. All request-line, header and
// body framing is http_parser's (Debian's libhttp-parser); this class adds
// parkd's limits, collects the pieces and decides when the stream is over.
//
// Abstract state: a State (below), the bytes consumed so far, and the
// partial request being received. Pipelining is supported: one Feed may
// complete several requests, and a request may span any number of Feeds
// (down to one byte each).
//
// Limits, checked while streaming so nothing is buffered past them:
//   max_header_bytes  request line + headers, from the method's first byte
//                     to the blank line's LF; more is 431. Clamped to
//                     [1, kMaxHeaderBytesCap].
//   max_body_bytes    a Content-Length above it is 413 before any body byte
//                     arrives; a chunked body is 413 once its chunk sizes
//                     add up past it.
// Chunked trailers are parsed and dropped (http_parser caps them at 80 KiB).
// Blank lines before a request are skipped and count toward nothing: the
// connection's idle timeout bounds them.
// Other errors: malformed bytes (http_parser's error name and description
// in the message), an Upgrade or CONNECT request, a bad request-target or
// query escape are 400; an HTTP major version other than 1 is 505.
//
// State x operation:
//   state      | Feed(data)
//   -----------+--------------------------------------------------------
//   kReading   | parses; completes 0..n requests; -> kClosed right after
//              | a request with keep_alive == false (its trailing bytes are
//              | not consumed); -> kFailed on an error; else stays
//   kClosed    | consumes nothing, returns nothing (terminal)
//   kFailed    | consumes nothing, returns the same error again (terminal)
//
// Thread-safety: not thread-safe; one owner (the connection) at a time.
// Movable; not copyable.
#ifndef PARKD_DAEMON_HTTP_REQUEST_PARSER_H_
#define PARKD_DAEMON_HTTP_REQUEST_PARSER_H_

#include <http_parser.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "daemon/http/request.h"

namespace parkd::http {

// http_parser's own header limit is 80 KiB, and http_parser_url's offsets
// are 16 bits: a request-target longer than this could not be split.
inline constexpr size_t kMaxHeaderBytesCap = 65535;

struct ParseError {
  int status = 400;     // 400, 413, 431 or 505
  std::string message;  // one line for the response body, no trailing '\n'

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

struct FeedResult {
  // The requests completed by this call, in arrival order. When `error` is
  // also set, these came before the error on the wire and deserve their
  // responses before the error's.
  std::vector<Request> requests;
  // Bytes of `data` that were parsed. Equal to data.size() while the
  // parser stays kReading; less when it stopped in this call.
  size_t consumed = 0;
  // Set whenever the parser is kFailed (on this call or an earlier one).
  std::optional<ParseError> error;
};

class RequestParser {
 public:
  enum class State {
    kReading,  // accepting bytes: between requests or inside one
    kClosed,   // a request with keep_alive == false completed; the
               // connection closes after its response
    kFailed,   // an error; answer it and close the connection
  };

  RequestParser(size_t max_header_bytes, size_t max_body_bytes);
  RequestParser(RequestParser&&) = default;
  RequestParser& operator=(RequestParser&&) = default;

  // Parses as much of `data` as the state allows. Non-blocking; never
  // keeps a pointer into `data`.
  FeedResult Feed(absl::string_view data);

  State state() const { return state_; }
  // True when some bytes of a request not yet complete were consumed (EOF
  // now would cut a request; a header timeout is running).
  bool mid_request() const { return phase_ != Phase::kIdle; }

 private:
  struct Callbacks;
  enum class Phase { kIdle, kHeaders, kBody };

  // Runs http_parser on a prefix of `data`; returns the bytes it consumed.
  size_t Step(absl::string_view data);
  void AfterExecute(size_t used, Phase phase_before);
  // Callback helpers; each returns 0 to go on, -1 to stop with error_ set.
  int OnMessageBegin();
  int OnHeadersComplete();
  int OnBodyBytes(size_t n);
  int OnMessageComplete();
  void CommitHeader();
  int Fail(int status, std::string message);

  size_t max_header_bytes_;
  size_t max_body_bytes_;
  http_parser parser_;
  State state_ = State::kReading;
  Phase phase_ = Phase::kIdle;
  size_t header_bytes_ = 0;  // of the current request, while kHeaders
  bool value_pending_ = false;
  std::string field_, value_;
  Request current_;
  std::optional<ParseError> error_;
  std::vector<Request>* out_ = nullptr;  // valid during Feed only
};

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_REQUEST_PARSER_H_
