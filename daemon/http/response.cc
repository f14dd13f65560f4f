#include "daemon/http/response.h"

#include <http_parser.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace parkd::http {

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
  absl::StrAppend(out, "HTTP/1.1 ", response.status, " ", reason,
                  "\r\nDate: ", date);
  if (!not_modified) {
    if (!response.content_type.empty()) {
      absl::StrAppend(out, "\r\nContent-Type: ", response.content_type);
    }
    absl::StrAppend(out, "\r\nContent-Length: ", response.body.size());
  }
  out->append(close ? "\r\nConnection: close" : "\r\nConnection: keep-alive");
  if (!response.allow.empty()) absl::StrAppend(out, "\r\nAllow: ", response.allow);
  out->append("\r\n\r\n");
  if (!response.omit_body && !not_modified) out->append(response.body);
}

}  // namespace parkd::http
