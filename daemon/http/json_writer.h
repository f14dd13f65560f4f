// JsonWriter: builds one compact JSON text (no spaces, no trailing newline)
// from nested objects, arrays, string keys, unsigned integers and strings.
// Enough for parkd's /stats; not a general JSON library.
//
// Abstract state: the text so far and a stack of open containers, each
// knowing whether it already has a member (so commas go in the right
// places). Misuse (a value where a key is due, closing the wrong kind of
// container, Take with containers open) aborts: it is a programming error.
// Thread-safety: not thread-safe; one owner.
#ifndef PARKD_DAEMON_HTTP_JSON_WRITER_H_
#define PARKD_DAEMON_HTTP_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace parkd::http {

// `s` as a JSON string literal with its quotes: '"' and '\' escaped,
// control characters as \n, \t, ... or \u00XX. Bytes >= 0x80 are copied
// as they are, so the result is valid JSON when `s` is valid UTF-8.
std::string JsonQuote(absl::string_view s);

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // In an object, each value is preceded by exactly one Key.
  JsonWriter& Key(absl::string_view key);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& String(absl::string_view value);

  // The finished text; every container must be closed. Leaves the writer
  // empty.
  std::string Take();

 private:
  struct Open {
    bool is_object;
    bool has_member = false;
    bool key_pending = false;
  };
  // Writes the separator a new value needs and checks it is allowed here.
  void BeforeValue();
  void Close(bool is_object);

  std::string out_;
  std::vector<Open> open_;
  bool done_ = false;  // a top-level value was written
};

}  // namespace parkd::http

#endif  // PARKD_DAEMON_HTTP_JSON_WRITER_H_
