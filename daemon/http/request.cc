#include "daemon/http/request.h"

#include <http_parser.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace parkd::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

absl::string_view Field(absl::string_view url, const http_parser_url& u,
                        http_parser_url_fields f) {
  if ((u.field_set & (1 << f)) == 0) return {};
  return url.substr(u.field_data[f].off, u.field_data[f].len);
}

}  // namespace

const std::string* Request::FindHeader(
    absl::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return &value;
  }
  return nullptr;
}

void Request::Reset() {
  method.clear();
  target.clear();
  path.clear();
  query.clear();
  version = HttpVersion::kHttp11;
  headers.clear();
  keep_alive = true;
  expect_continue = false;
  body.clear();
}

absl::Status PercentDecode(absl::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out->push_back(' ');
    } else if (s[i] != '%') {
      out->push_back(s[i]);
    } else if (i + 2 < s.size() && absl::ascii_isxdigit(s[i + 1]) &&
               absl::ascii_isxdigit(s[i + 2])) {
      out->push_back(
          static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      return absl::InvalidArgumentError(
          "bad percent-escape in the query: '%' must be followed by two hex "
          "digits");
    }
  }
  return absl::OkStatus();
}

absl::Status ParseQuery(absl::string_view raw, QueryMap* out) {
  out->clear();
  for (absl::string_view part : absl::StrSplit(raw, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    std::string key, value;
    if (absl::Status s = PercentDecode(kv.first, &key); !s.ok()) return s;
    if (absl::Status s = PercentDecode(kv.second, &value); !s.ok()) return s;
    out->emplace(std::move(key), std::move(value));  // first one wins
  }
  return absl::OkStatus();
}

absl::Status ParseTarget(Request* request) {
  const std::string& target = request->target;
  if (target == "*") {
    request->path.assign(1, '*');  // not = "*": GCC 12 -Wrestrict false positive
    request->query.clear();
    return absl::OkStatus();
  }
  // The origin-form of printable ASCII without a fragment ("/p" or
  // "/p?q", what nearly every request carries) is split here: on exactly
  // these targets http_parser_parse_url accepts, and its path ends at the
  // first '?' and its query is the rest. Anything else (a tab, a '#', a
  // byte above 0x7e, another form) goes through http_parser, as before.
  if (!target.empty() && target[0] == '/') {
    size_t question = std::string::npos;
    bool plain = true;
    for (size_t i = 0; i < target.size() && plain; ++i) {
      const auto c = static_cast<unsigned char>(target[i]);
      if (c <= 0x20 || c >= 0x7f || c == '#') plain = false;
      if (c == '?' && question == std::string::npos) question = i;
    }
    if (plain) {
      request->path.assign(target, 0, question);
      if (question == std::string::npos) {
        request->query.clear();
        return absl::OkStatus();
      }
      return ParseQuery(absl::string_view(target).substr(question + 1),
                        &request->query);
    }
  }
  http_parser_url u;
  http_parser_url_init(&u);
  // http_parser_url keeps 16-bit offsets: a longer target cannot be
  // described (RequestParser's header limit keeps targets below this).
  if (target.size() > UINT16_MAX ||
      http_parser_parse_url(target.data(), target.size(), /*is_connect=*/0,
                            &u) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request-target ", Quoted(target),
                     " is not a valid URI (RFC 9112 §3.2)"));
  }
  if (target[0] != '/') {
    const absl::string_view scheme = Field(target, u, UF_SCHEMA);
    if (!absl::EqualsIgnoreCase(scheme, "http") &&
        !absl::EqualsIgnoreCase(scheme, "https")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the request-target ", Quoted(target),
          " must be a path (\"/...\"), an absolute http URI, or \"*\" for "
          "OPTIONS (RFC 9112 §3.2)"));
    }
    if ((u.field_set & (1 << UF_USERINFO)) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the request-target ", Quoted(target),
                       " has userinfo (\"user@\"), which an http URI must "
                       "not carry (RFC 9110 §4.2.4)"));
    }
  }
  absl::string_view path = Field(target, u, UF_PATH);
  request->path = path.empty() ? "/" : std::string(path);
  return ParseQuery(Field(target, u, UF_QUERY), &request->query);
}

std::string Quoted(absl::string_view value) {
  constexpr size_t kShownBytes = 32;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kShownBytes)),
                      value.size() > kShownBytes ? "...\"" : "\"");
}

}  // namespace parkd::http
