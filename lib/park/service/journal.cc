#include "park/service/journal.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace park {
namespace {

// JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected to our
// stderr; it only counts if stderr is still that stream.
bool StderrIsJournalStream() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  struct stat st;
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  return dev == st.st_dev && ino == st.st_ino;
}

}  // namespace

Journal Journal::Detect(std::string identifier) {
  Sink sink = Sink::kStderr;
  if (StderrIsJournalStream()) {
    sink = Sink::kJournal;
  } else if (!isatty(STDERR_FILENO) &&
             access("/run/systemd/journal/socket", W_OK) == 0) {
    sink = Sink::kJournal;
  }
  return Journal(sink, std::move(identifier));
}

void Journal::Log(int priority, const std::string& message,
                  const Fields& fields) const {
  if (sink_ == Sink::kJournal) {
    std::vector<std::string> items = {
        absl::StrCat("MESSAGE=", message),
        absl::StrCat("PRIORITY=", priority),
        absl::StrCat("SYSLOG_IDENTIFIER=", identifier_),
    };
    for (const auto& [k, v] : fields) items.push_back(absl::StrCat(k, "=", v));
    std::vector<struct iovec> iov;
    for (std::string& s : items) iov.push_back({s.data(), s.size()});
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0) {
      return;
    }
  }
  std::string line = absl::StrCat(identifier_, ": ", message);
  if (!fields.empty()) {
    line += " [";
    for (size_t i = 0; i < fields.size(); ++i) {
      absl::StrAppend(&line, i ? " " : "", fields[i].first, "=",
                      fields[i].second);
    }
    line += "]";
  }
  line += "\n";
  // One write per entry so that lines from several threads do not mix.
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace park
