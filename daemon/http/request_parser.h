// RequestParser: turns the bytes of one HTTP/1.x connection, fed as they
// arrive, into complete Requests in order. Each request's head (request-line
// and fields) is collected whole and read by ParseRequestHead, which holds
// every syntax and Host rule of RFC 9112/9110 (request_head.h); only a head
// it accepted, with a Content-Length or a Transfer-Encoding, goes on to
// http_parser (Debian's libhttp-parser), which frames the body:
// Content-Length (its syntax and duplicates), chunked, trailers. A head
// with neither is a request without a body, complete at its empty line.
//
// Abstract state: a State (below), the bytes consumed so far, and the
// partial request being received. Pipelining is supported: one Feed may
// complete several requests, and a request may span any number of Feeds
// (down to one byte each).
//
// Limits, checked while streaming so nothing is buffered past them:
//   max_header_bytes  request-line + fields, from the method's first byte
//                     to the empty line's LF. When the request-line alone
//                     does not fit, 414 (RFC 9112 §3: a target longer than
//                     the server parses MUST be 414, as nginx answers);
//                     otherwise 431. Clamped to [1, kMaxHeaderBytesCap].
//   max_body_bytes    a Content-Length above it is 413 before any body byte
//                     arrives; a chunked body is 413 once its chunk sizes
//                     add up past it.
// Chunked trailers are parsed and dropped (http_parser caps them at 80 KiB).
// CR and LF bytes before a request are skipped and count toward nothing
// (RFC 9112 §2.2; nginx skips them too): the idle timeout bounds them.
// Errors (ParseError): what ParseRequestHead answers; 400 for framing
// http_parser refuses (its error name and description in the message);
// 413, 414, 431 above.
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

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "daemon/http/request.h"
#include "daemon/http/request_head.h"

namespace parkd::http {

// http_parser's own header limit is 80 KiB, and http_parser_url's offsets
// are 16 bits: a request-target longer than this could not be split.
inline constexpr size_t kMaxHeaderBytesCap = 65535;

struct FeedResult {
  // The requests completed by this call, in arrival order (empty when they
  // went to Feed's `on_request` instead). When `error` is also set, these
  // came before the error on the wire and deserve their responses before
  // the error's.
  std::vector<Request> requests;
  // Bytes of `data` that were parsed. Equal to data.size() while the
  // parser stays kReading; less when it stopped in this call.
  size_t consumed = 0;
  // Set whenever the parser is kFailed (on this call or an earlier one).
  std::optional<ParseError> error;
  // After answering `requests`, send "100 Continue": the request now being
  // received said "Expect: 100-continue" and its body has not all come
  // (RFC 9110 §10.1.1). Set once per request.
  bool send_continue = false;
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
  // The same, but each request is handed to `on_request` as it completes,
  // in arrival order, instead of being copied into the result (the
  // reference is valid during that call only: the parser reuses the
  // Request). on_request must not call back into this parser. What the
  // result says (send_continue, error) comes after those requests.
  FeedResult Feed(absl::string_view data,
                  absl::FunctionRef<void(const Request&)> on_request);

  State state() const { return state_; }
  // True when some bytes of a request not yet complete were consumed (EOF
  // now would cut a request; a header timeout is running).
  bool mid_request() const { return phase_ != Phase::kIdle; }

 private:
  struct Callbacks;
  enum class Phase { kIdle, kHead, kBody };

  // Each takes a prefix of `data` and returns how many bytes it consumed.
  size_t SkipBlankLines(absl::string_view data);
  size_t TakeHead(absl::string_view data);
  size_t TakeBody(absl::string_view data);
  // The head is complete in head_: check it and start its framing.
  void FinishHead();
  // Runs http_parser; returns the bytes it consumed.
  size_t Execute(absl::string_view data);
  // Callback helpers; each returns 0 to go on, -1 to stop with error_ set.
  int OnHeadersComplete();
  int OnBodyBytes(size_t n);
  int OnMessageComplete();
  // current_ is complete: out to the caller, back to kIdle (kClosed after
  // a request that does not keep the connection).
  void CompleteRequest();
  int Fail(int status, std::string message);

  size_t max_header_bytes_;
  size_t max_body_bytes_;
  http_parser parser_;
  State state_ = State::kReading;
  Phase phase_ = Phase::kIdle;
  std::string head_;           // the head so far, while kHead
  size_t scanned_ = 0;         // bytes of head_ searched for its end
  bool request_line_done_ = false;  // head_ has the request-line's LF
  bool continue_due_ = false;  // a 100 is owed to the request in kBody
  Request current_;
  std::optional<ParseError> error_;
  // Feed's on_request; valid during Feed only.
  const absl::FunctionRef<void(const Request&)>* on_request_ = nullptr;
};

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_REQUEST_PARSER_H_
