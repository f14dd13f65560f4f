#include "daemon/http/response.h"

#include <http_parser.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace parkd::http {
namespace {

// Appends a piece whose length is known (a literal's is a constant, so no
// strlen runs for it).
inline void Append(std::string* out, absl::string_view piece) {
  out->append(piece.data(), piece.size());
}

}  // namespace

Response TextResponse(int status, std::string text) {
  Response r;
  r.status = status;
  r.body = std::move(text);
  return r;
}

absl::string_view ReasonPhrase(int status) {
  const absl::string_view phrase =
      http_status_str(static_cast<http_status>(status));
  return phrase == "<unknown>" ? "Unknown" : phrase;
}

std::string Serialize(const Response& response, bool keep_alive,
                      absl::string_view date) {
  std::string out;
  AppendSerialized(response, keep_alive, date, &out);
  return out;
}

void AppendSerialized(const Response& response, bool keep_alive,
                      absl::string_view date, std::string* out) {
  if (response.status < 200 || response.status > 599 ||
      (response.status == 405 && response.allow.empty())) {
    fprintf(stderr, "parkd: Serialize: impossible HTTP response %d%s\n",
            response.status, response.status == 405 ? " without Allow" : "");
    abort();
  }
  const bool not_modified = response.status == 304;
  const bool close = !keep_alive || response.close;
  const absl::string_view reason = ReasonPhrase(response.status);
  // At most one allocation: the fixed text is under 160 bytes ("HTTP/1.1
  // ", the names of the fields, their CRLFs, the status and the length),
  // and every variable part is counted.
  out->reserve(out->size() + 160 + reason.size() + date.size() +
               response.content_type.size() + response.allow.size() +
               response.body.size());
  // Plain appends into the reserved room (StrAppend's piece list cost
  // about as much as the rest of the response).
  const char status[3] = {static_cast<char>('0' + response.status / 100),
                          static_cast<char>('0' + response.status / 10 % 10),
                          static_cast<char>('0' + response.status % 10)};
  Append(out, "HTTP/1.1 ");
  Append(out, absl::string_view(status, 3));
  out->push_back(' ');
  Append(out, reason);
  Append(out, "\r\nDate: ");
  Append(out, date);
  if (!not_modified) {
    if (!response.content_type.empty()) {
      Append(out, "\r\nContent-Type: ");
      Append(out, response.content_type);
    }
    char length[24];
    const char* end =
        std::to_chars(length, length + sizeof length, response.body.size()).ptr;
    Append(out, "\r\nContent-Length: ");
    Append(out, absl::string_view(length, static_cast<size_t>(end - length)));
  }
  Append(out, close ? absl::string_view("\r\nConnection: close")
                   : absl::string_view("\r\nConnection: keep-alive"));
  if (!response.allow.empty()) {
    Append(out, "\r\nAllow: ");
    out->append(response.allow);
  }
  Append(out, "\r\n\r\n");
  if (!response.omit_body && !not_modified) out->append(response.body);
}

}  // namespace parkd::http
