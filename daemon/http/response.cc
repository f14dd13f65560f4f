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

std::string Serialize(const Response& response, bool keep_alive) {
  if (response.status < 100 || response.status > 599) {
    fprintf(stderr, "parkd: Serialize: impossible HTTP status %d\n",
            response.status);
    abort();
  }
  const bool close = !keep_alive || response.close;
  std::string out = absl::StrCat(
      "HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status),
      "\r\nContent-Type: ", response.content_type,
      "\r\nContent-Length: ", response.body.size(),
      close ? "\r\nConnection: close" : "\r\nConnection: keep-alive");
  if (response.status == 405) out.append("\r\nAllow: GET");
  absl::StrAppend(&out, "\r\n\r\n", response.body);
  return out;
}

}  // namespace parkd::http
