#include "daemon/http/request_head.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace parkd::http {
namespace {

// A byte class as a table (the classes below are checked for every byte
// of every field name and Host): ASCII letters and digits, and `extra`.
constexpr std::array<bool, 256> AlnumAnd(absl::string_view extra) {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (char c : extra) t[static_cast<unsigned char>(c)] = true;
  return t;
}

// tchar, RFC 9110 §5.6.2.
constexpr std::array<bool, 256> kTchar = AlnumAnd("!#$%&'*+-.^_`|~");

bool IsTchar(unsigned char c) { return kTchar[c]; }

bool IsToken(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
           return IsTchar(static_cast<unsigned char>(c));
         });
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

// unreserved / sub-delims of RFC 3986 §2, the characters of a reg-name
// besides %-escapes.
constexpr std::array<bool, 256> kRegNameChar = AlnumAnd("-._~!$&'()*+,;=");

bool IsRegNameChar(unsigned char c) { return kRegNameChar[c]; }

bool IsRegName(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !absl::ascii_isxdigit(s[i + 1]) ||
          !absl::ascii_isxdigit(s[i + 2])) {
        return false;
      }
      i += 2;
    } else if (!IsRegNameChar(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

// IP-literal without its brackets: IPv6address / IPvFuture (RFC 3986 §3.2.2).
bool IsIpLiteral(absl::string_view s) {
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) {
    const size_t dot = s.find('.');
    if (dot == absl::string_view::npos || dot < 2 || dot + 1 == s.size()) {
      return false;
    }
    for (char c : s.substr(1, dot - 1)) {
      if (!absl::ascii_isxdigit(c)) return false;
    }
    for (char c : s.substr(dot + 1)) {
      if (c != ':' && !IsRegNameChar(static_cast<unsigned char>(c))) {
        return false;
      }
    }
    return true;
  }
  unsigned char addr[16];
  return inet_pton(AF_INET6, std::string(s).c_str(), addr) == 1;
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2). The host part may not be
// empty: an http URI always names one (RFC 9110 §4.2.1), and nginx
// refuses an empty Host the same way.
bool IsValidHost(absl::string_view v) {
  absl::string_view port;
  if (!v.empty() && v[0] == '[') {
    const size_t close = v.find(']');
    if (close == absl::string_view::npos || !IsIpLiteral(v.substr(1, close - 1))) {
      return false;
    }
    absl::string_view rest = v.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    port = rest.substr(std::min<size_t>(1, rest.size()));
  } else {
    const size_t colon = v.find(':');
    const absl::string_view host = v.substr(0, colon);
    if (host.empty() || !IsRegName(host)) return false;
    if (colon != absl::string_view::npos) port = v.substr(colon + 1);
  }
  return std::all_of(port.begin(), port.end(),
                     [](char c) { return absl::ascii_isdigit(c); });
}

ParseError Bad(std::string message) { return ParseError{400, std::move(message)}; }

// The comma-separated elements of every field named `name`, without OWS,
// empty ones skipped (RFC 9110 §5.6.1).
std::vector<absl::string_view> ListOf(const Request& r, absl::string_view name) {
  std::vector<absl::string_view> out;
  for (const auto& [field, value] : r.headers) {
    if (field != name) continue;
    for (absl::string_view e : absl::StrSplit(value, ',')) {
      e = absl::StripAsciiWhitespace(e);
      if (!e.empty()) out.push_back(e);
    }
  }
  return out;
}

// Whether a field named `name` lists `v` (case-insensitive). Without
// allocating: it runs for Connection and Expect on every request.
bool Lists(const Request& r, absl::string_view name, absl::string_view v) {
  for (const auto& [field, value] : r.headers) {
    if (field != name) continue;
    for (absl::string_view e : absl::StrSplit(value, ',')) {
      if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(e), v)) {
        return true;
      }
    }
  }
  return false;
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
// Single SPs only: RFC 9112 §3 lets a recipient re-split on any whitespace
// (nginx does), but warns that this is how requests get smuggled; parkd
// answers 400 instead.
std::optional<ParseError> ReadRequestLine(absl::string_view line, Request* r) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 =
      sp1 == absl::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == absl::string_view::npos || sp2 == sp1 + 1 ||
      line.find(' ', sp2 + 1) != absl::string_view::npos) {
    return Bad(absl::StrCat(
        "the request-line ", Quoted(line),
        " is not: method, one space, request-target, one space, HTTP-version "
        "(RFC 9112 §3)"));
  }
  const absl::string_view parts[3] = {line.substr(0, sp1),
                                      line.substr(sp1 + 1, sp2 - sp1 - 1),
                                      line.substr(sp2 + 1)};
  if (!IsToken(parts[0])) {
    return Bad(absl::StrCat("the method ", Quoted(parts[0]),
                            " is not a token (RFC 9110 §9.1)"));
  }
  for (char c : parts[1]) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f) {
      return Bad(absl::StrCat("the request-target ", Quoted(parts[1]),
                              " has a control character (RFC 9112 §3.2)"));
    }
  }
  if (absl::StrContains(parts[1], '#')) {
    return Bad(absl::StrCat("the request-target ", Quoted(parts[1]),
                            " has a fragment ('#'), which HTTP does not send "
                            "(RFC 9112 §3.2)"));
  }
  const absl::string_view v = parts[2];
  if (v.size() != 8 || !absl::StartsWith(v, "HTTP/") ||
      !absl::ascii_isdigit(v[5]) || v[6] != '.' || !absl::ascii_isdigit(v[7])) {
    return Bad(absl::StrCat("the HTTP-version ", Quoted(v),
                            " is not HTTP/<digit>.<digit> (RFC 9112 §2.3)"));
  }
  // HTTP/0.9 had no version in its request-line: "HTTP/0.x" is nothing
  // (400, as nginx); a later major version is 505 (RFC 9110 §15.6.6).
  if (v[5] != '1') {
    std::string message = absl::StrCat(
        v, " is not supported; use HTTP/1.1 or HTTP/1.0");
    if (v[5] == '0') return Bad(std::move(message));
    return ParseError{505, std::move(message)};
  }
  // assign, not = std::string(...): the parser's reused Request keeps the
  // capacity, and no temporary is made.
  r->method.assign(parts[0].data(), parts[0].size());
  r->target.assign(parts[1].data(), parts[1].size());
  r->version = v[7] == '0' ? HttpVersion::kHttp10 : HttpVersion::kHttp11;
  return std::nullopt;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
std::optional<ParseError> ReadFieldLine(absl::string_view line, bool first,
                                        Request* r) {
  if (IsWhitespace(line[0])) {
    return Bad(first ? "whitespace between the request-line and the first "
                       "field line (RFC 9112 §2.2)"
                     : "obsolete line folding (a field line that starts "
                       "with whitespace) is not accepted; send each field on "
                       "one line (RFC 9112 §5.2)");
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) {
    return Bad(absl::StrCat("the field line ", Quoted(line),
                            " has no colon (RFC 9112 §5)"));
  }
  const absl::string_view name = line.substr(0, colon);
  if (!name.empty() && IsWhitespace(name.back())) {
    return Bad(absl::StrCat("whitespace between the field name ",
                            Quoted(absl::StripTrailingAsciiWhitespace(name)),
                            " and the colon (RFC 9112 §5.1)"));
  }
  if (!IsToken(name)) {
    return Bad(absl::StrCat("the field name ", Quoted(name),
                            " is not a token (RFC 9110 §5.1)"));
  }
  absl::string_view value = line.substr(colon + 1);
  // OWS off both ends (plain loops: absl's find_first_not_of builds a
  // lookup table on every call).
  while (!value.empty() && IsWhitespace(value.front())) value.remove_prefix(1);
  while (!value.empty() && IsWhitespace(value.back())) value.remove_suffix(1);
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return Bad(absl::StrCat("the value of the field ", Quoted(name),
                              " has a control character (RFC 9110 §5.5)"));
    }
  }
  // Assigned in place: short names and values then stay in the strings'
  // own buffers, and no temporary is made.
  auto& [field, field_value] = r->headers.emplace_back();
  field.assign(name.data(), name.size());
  absl::AsciiStrToLower(&field);
  field_value.assign(value.data(), value.size());
  return std::nullopt;
}

std::optional<ParseError> CheckHost(const Request& r) {
  const std::string* host = nullptr;
  for (const auto& [field, value] : r.headers) {
    if (field != "host") continue;
    if (host != nullptr) {
      return Bad("more than one Host field (RFC 9112 §3.2)");
    }
    host = &value;
  }
  if (host == nullptr) {
    if (r.version == HttpVersion::kHttp10) return std::nullopt;
    return Bad("an HTTP/1.1 request must have a Host field (RFC 9112 §3.2)");
  }
  if (!IsValidHost(*host)) {
    return Bad(absl::StrCat("the Host ", Quoted(*host),
                            " is not host[:port] (RFC 9110 §7.2)"));
  }
  return std::nullopt;
}

// Only the framing a request body can have: chunked alone, or
// Content-Length (whose syntax and duplicates http_parser checks).
std::optional<ParseError> CheckTransferEncoding(const Request& r) {
  if (r.FindHeader("transfer-encoding") == nullptr) return std::nullopt;
  if (r.version == HttpVersion::kHttp10) {
    return Bad("Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)");
  }
  if (r.FindHeader("content-length") != nullptr) {
    // RFC 9112 §6.1 lets a server pick Transfer-Encoding; refusing leaves
    // no room for two parsers to disagree (nginx refuses too).
    return Bad("both Content-Length and Transfer-Encoding (RFC 9112 §6.1)");
  }
  const std::vector<absl::string_view> codings =
      ListOf(r, "transfer-encoding");
  const auto chunked = std::count_if(
      codings.begin(), codings.end(),
      [](absl::string_view c) { return absl::EqualsIgnoreCase(c, "chunked"); });
  if (codings.empty() || !absl::EqualsIgnoreCase(codings.back(), "chunked") ||
      chunked > 1) {
    return Bad("Transfer-Encoding must end with chunked, applied once; the "
               "body's length cannot be known (RFC 9112 §6.3)");
  }
  if (codings.size() > 1) {
    return ParseError{
        501, absl::StrCat("the transfer coding ", Quoted(codings.front()),
                          " is not implemented; send the body chunked or "
                          "with Content-Length (RFC 9112 §6.1)")};
  }
  return std::nullopt;
}

std::optional<ParseError> CheckMethodAndTarget(Request* r) {
  if (!IsRecognizedMethod(r->method)) {
    return ParseError{501, absl::StrCat("the method ", Quoted(r->method),
                                        " is not implemented; parkd serves "
                                        "GET, HEAD and OPTIONS")};
  }
  if (r->method == "CONNECT") {
    return ParseError{405, "CONNECT is not served: parkd is not a proxy"};
  }
  if (r->target == "*" && r->method != "OPTIONS") {
    return Bad(absl::StrCat("the request-target \"*\" is for OPTIONS only, "
                            "not ", r->method, " (RFC 9112 §3.2.4)"));
  }
  if (absl::Status s = ParseTarget(r); !s.ok()) {
    return Bad(std::string(s.message()));
  }
  return std::nullopt;
}

// RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with
// "keep-alive" (and "close" wins over it, which http_parser gets wrong).
void ReadConnectionOptions(Request* r) {
  r->keep_alive = !Lists(*r, "connection", "close") &&
                  (r->version == HttpVersion::kHttp11 ||
                   Lists(*r, "connection", "keep-alive"));
  // RFC 9110 §10.1.1: an HTTP/1.0 client cannot take a 100; ignore it.
  r->expect_continue = r->version == HttpVersion::kHttp11 &&
                       Lists(*r, "expect", "100-continue");
}

std::optional<ParseError> Parse(absl::string_view head, Request* r) {
  size_t at = 0;
  for (int line_no = 0;; ++line_no) {
    const size_t lf = head.find('\n', at);
    if (lf == absl::string_view::npos) {
      return Bad("the request head does not end with an empty line");
    }
    absl::string_view line = head.substr(at, lf - at);
    at = lf + 1;
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    // A CR anywhere else would be a line end to some parsers and not to
    // others: RFC 9112 §2.2 lets the recipient reject it.
    if (absl::StrContains(line, '\r')) {
      return Bad("a CR not followed by LF (RFC 9112 §2.2)");
    }
    std::optional<ParseError> e;
    if (line_no == 0) {
      e = ReadRequestLine(line, r);
    } else if (line.empty()) {
      break;
    } else {
      e = ReadFieldLine(line, line_no == 1, r);
    }
    if (e) return e;
  }
  if (auto e = CheckHost(*r)) return e;
  if (auto e = CheckTransferEncoding(*r)) return e;
  if (auto e = CheckMethodAndTarget(r)) return e;
  ReadConnectionOptions(r);
  return std::nullopt;
}

}  // namespace

bool IsRecognizedMethod(absl::string_view method) {
  for (absl::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE",
                              "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
    if (method == m) return true;
  }
  return false;
}

std::optional<ParseError> ParseRequestHead(absl::string_view head,
                                           Request* out) {
  std::optional<ParseError> e = Parse(head, out);
  if (e) e->head_request = absl::StartsWith(head, "HEAD ");
  return e;
}

}  // namespace parkd::http
