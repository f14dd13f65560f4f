// ParseRequestHead: the strict reading of one request's head (request-line
// and field lines) by RFC 9112 and RFC 9110, before http_parser (built
// lenient by Debian) frames the body. Everything the RFCs say a server MUST
// reject is rejected here, with a status and a one-line reason; nothing is
// guessed or repaired. Where the RFCs leave a choice, parkd does what nginx
// does (noted at each rule in request_head.cc).
//
// What it checks, in this order (the first failure is the answer):
//   400  a CR not followed by LF (RFC 9112 §2.2); a request-line that is
//        not exactly `token SP target SP HTTP/D.D` (§3; whitespace is not
//        re-split), a target with CTL, SP, DEL or '#' (§3.2); whitespace
//        before the first field line (§2.2), obs-fold (§5.2), a field name
//        that is not a token or has whitespace before the colon (§5.1,
//        RFC 9110 §5.1), a field value with NUL or another CTL (RFC 9110
//        §5.5); an HTTP/0.x version
//   505  an HTTP major version above 1 (RFC 9110 §15.6.6)
//   400  Host missing from HTTP/1.1, more than one Host field, or a Host
//        value that is not uri-host [":" port] (RFC 9112 §3.2, RFC 9110
//        §7.2, §4.2.1: an http URI's host is never empty)
//   400  Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1), with Content-Length
//        (§6.1, §6.3), without chunked last or with chunked twice (§6.3)
//   501  Transfer-Encoding with a coding other than chunked (§6.1)
//   501  a method that is not one of RFC 9110's (or PATCH) (RFC 9110 §9.1)
//   405  CONNECT (parkd is no proxy; nginx answers so too)
//   400  a target form the method does not allow: "*" is for OPTIONS only,
//        authority-form for CONNECT only (RFC 9112 §3.2); an absolute-form
//        with a scheme other than http/https, or with userinfo (RFC 9110
//        §4.2.4); a query with a bad %-escape
// Content-Length syntax and duplicates are http_parser's (it rejects both).
//
// Thread-safety: pure functions.
#ifndef PARKD_DAEMON_HTTP_REQUEST_HEAD_H_
#define PARKD_DAEMON_HTTP_REQUEST_HEAD_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "daemon/http/request.h"

namespace parkd::http {

// Why a request cannot be served; the connection closes after its answer.
struct ParseError {
  int status = 400;     // 400, 405, 413, 414, 431, 501 or 505
  std::string message;  // one line for the response body, no trailing '\n'
  // The request-line said HEAD: the answer carries no body (RFC 9112 §6.3).
  bool head_request = false;

  friend bool operator==(const ParseError&, const ParseError&) = default;
};

// The methods RFC 9110 §9 defines, and PATCH (RFC 5789): a request with
// one of these that a resource does not allow is 405; any other is 501.
bool IsRecognizedMethod(absl::string_view method);

// Reads `head`, the bytes from the request-line's first byte through the
// LF of the empty line that ends the field section (a bare LF may stand
// for CRLF everywhere, RFC 9112 §2.2, as nginx accepts). `out` must be a
// fresh Request; on success its method, target, path, query, version,
// headers, keep_alive and expect_continue are filled and nullopt returned
// (on an error, some of them may be).
std::optional<ParseError> ParseRequestHead(absl::string_view head,
                                           Request* out);

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_REQUEST_HEAD_H_
