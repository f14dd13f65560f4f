#include "daemon/http/json_writer.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"

namespace parkd::http {
namespace {

[[noreturn]] void Misuse(const char* what) {
  fprintf(stderr, "parkd: JsonWriter misuse: %s\n", what);
  abort();
}

}  // namespace

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(c, absl::kZeroPad2));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

void JsonWriter::BeforeValue() {
  if (open_.empty()) {
    if (done_) Misuse("a second top-level value");
    done_ = true;
    return;
  }
  Open& top = open_.back();
  if (top.is_object) {
    if (!top.key_pending) Misuse("an object member without a Key");
    top.key_pending = false;
    return;  // Key wrote the comma
  }
  if (top.has_member) out_.push_back(',');
  top.has_member = true;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  if (open_.empty() || !open_.back().is_object || open_.back().key_pending) {
    Misuse("Key outside an object or twice in a row");
  }
  Open& top = open_.back();
  if (top.has_member) out_.push_back(',');
  top.has_member = true;
  top.key_pending = true;
  absl::StrAppend(&out_, JsonQuote(key), ":");
  return *this;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  open_.push_back({.is_object = true});
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  open_.push_back({.is_object = false});
  return *this;
}

void JsonWriter::Close(bool is_object) {
  if (open_.empty() || open_.back().is_object != is_object ||
      open_.back().key_pending) {
    Misuse(is_object ? "EndObject does not match" : "EndArray does not match");
  }
  open_.pop_back();
  out_.push_back(is_object ? '}' : ']');
}

JsonWriter& JsonWriter::EndObject() {
  Close(/*is_object=*/true);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  Close(/*is_object=*/false);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  BeforeValue();
  out_.append(JsonQuote(value));
  return *this;
}

std::string JsonWriter::Take() {
  if (!open_.empty() || !done_) Misuse("Take before the value is complete");
  done_ = false;
  std::string text = std::move(out_);
  out_.clear();
  return text;
}

}  // namespace parkd::http
