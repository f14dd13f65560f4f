#include "park/sys/cpu_limit.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "park/sys/syscall_status.h"
#include "park/sys/unique_fd.h"

namespace park {
namespace {

constexpr size_t kMaxFileBytes = 4 << 20;  // mountinfo of a busy host

// `path` as seen from the test's fake root (or itself, under "/").
std::string UnderRoot(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  return r + path;
}

// The whole file; NotFound when it does not exist.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return SyscallError(absl::StrCat("open(", path, ")"), errno);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SyscallError(absl::StrCat("read(", path, ")"), errno);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxFileBytes) {
      return absl::OutOfRangeError(
          absl::StrCat(path, ": longer than ", kMaxFileBytes, " bytes"));
    }
  }
}

// A whole number of microseconds, digits only (what the kernel writes).
bool ParseMicros(absl::string_view s, uint64_t* out) {
  if (s.empty() || s.find_first_not_of("0123456789") != s.npos) return false;
  return absl::SimpleAtoi(s, out);
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        s.substr(i + 1, 3).find_first_not_of("01234567") == s.npos) {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 +
                                      (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Which hierarchy holds the cpu controller, and the process's cgroup on it.
struct Membership {
  int version = 0;
  std::string path;  // as /proc/self/cgroup says, e.g. "/system.slice/x"
};

// nullopt: the process is on no hierarchy with a cpu controller.
std::optional<Membership> FindMembership(absl::string_view proc_cgroup) {
  std::optional<Membership> v2;
  for (absl::string_view line : absl::StrSplit(proc_cgroup, '\n')) {
    // "ID:CONTROLLERS:PATH"; the path may itself hold ':'.
    std::vector<absl::string_view> f = absl::StrSplit(line, absl::MaxSplits(':', 2));
    if (f.size() != 3) continue;
    if (f[0] == "0" && f[1].empty()) {
      v2 = Membership{2, std::string(f[2])};
      continue;
    }
    for (absl::string_view c : absl::StrSplit(f[1], ',')) {
      // A controller bound to a v1 hierarchy is on no other.
      if (c == "cpu") return Membership{1, std::string(f[2])};
    }
  }
  return v2;
}

struct Mount {
  std::string root;   // the hierarchy's directory mounted there
  std::string point;  // where, e.g. "/sys/fs/cgroup"
};

std::optional<Mount> FindMount(absl::string_view mountinfo, int version) {
  for (absl::string_view line : absl::StrSplit(mountinfo, '\n')) {
    // "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE SRC SUPER"
    const size_t dash = line.find(" - ");
    if (dash == line.npos) continue;
    std::vector<absl::string_view> head =
        absl::StrSplit(line.substr(0, dash), ' ');
    std::vector<absl::string_view> tail =
        absl::StrSplit(line.substr(dash + 3), ' ');
    if (head.size() < 6 || tail.size() < 3) continue;
    bool match = false;
    if (version == 2) {
      match = tail[0] == "cgroup2";
    } else if (tail[0] == "cgroup") {
      for (absl::string_view o : absl::StrSplit(tail[2], ',')) match |= o == "cpu";
    }
    if (match) return Mount{Unescape(head[3]), Unescape(head[4])};
  }
  return std::nullopt;
}

// The process's cgroup directory under `m`, as a system path.
absl::StatusOr<std::string> CgroupDir(const Mount& m, const std::string& path,
                                      int version) {
  std::string rel;
  if (m.root == "/") {
    rel = path;
  } else if (path == m.root || absl::StartsWith(path, m.root + "/")) {
    rel = path.substr(m.root.size());
  }
  if (rel.empty() && path != m.root) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cgroup ", path, " (/proc/self/cgroup) is outside the cgroup v",
        version, " mount at ", m.point, " (its root is ", m.root, ")"));
  }
  if (absl::StrContains(rel + "/", "/../")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cgroup ", path, " (/proc/self/cgroup) is not below the namespace's "
        "root"));
  }
  while (rel.size() > 0 && rel.back() == '/') rel.pop_back();
  return m.point == "/" && !rel.empty() ? rel : m.point + rel;
}

// The limit one cgroup directory sets, if any.
absl::StatusOr<std::optional<CgroupCpuQuota>> ReadLevel(const std::string& root,
                                                        const std::string& dir,
                                                        int version) {
  const char* quota_name = version == 2 ? "cpu.max" : "cpu.cfs_quota_us";
  const std::string quota_path = UnderRoot(root, dir + "/" + quota_name);
  absl::StatusOr<std::string> text = ReadFile(quota_path);
  if (absl::IsNotFound(text.status())) return std::nullopt;  // no controller here
  if (!text.ok()) return text.status();
  const absl::string_view q = absl::StripTrailingAsciiWhitespace(*text);
  CgroupCpuQuota limit{version, 0, 0, dir};
  if (version == 2) {
    std::vector<absl::string_view> f = absl::StrSplit(q, ' ');
    if (f.size() != 2 || !ParseMicros(f[1], &limit.period_us) ||
        limit.period_us == 0 ||
        (f[0] != "max" && (!ParseMicros(f[0], &limit.quota_us) ||
                           limit.quota_us == 0))) {
      return absl::InvalidArgumentError(absl::StrCat(
          quota_path, ": expected \"max PERIOD\" or \"QUOTA PERIOD\" in "
          "whole microseconds above 0, got \"", q, "\""));
    }
    if (f[0] == "max") return std::nullopt;
    return limit;
  }
  if (q == "-1") return std::nullopt;
  if (!ParseMicros(q, &limit.quota_us) || limit.quota_us == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(quota_path, ": expected -1 or microseconds above 0, got \"",
                     q, "\""));
  }
  const std::string period_path = UnderRoot(root, dir + "/cpu.cfs_period_us");
  absl::StatusOr<std::string> period = ReadFile(period_path);
  if (!period.ok()) return period.status();
  const absl::string_view p = absl::StripTrailingAsciiWhitespace(*period);
  if (!ParseMicros(p, &limit.period_us) || limit.period_us == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        period_path, ": expected microseconds above 0, got \"", p, "\""));
  }
  return limit;
}

// a's quota/period < b's, without rounding.
bool Tighter(const CgroupCpuQuota& a, const CgroupCpuQuota& b) {
  __extension__ using Wide = unsigned __int128;
  return Wide{a.quota_us} * b.period_us < Wide{b.quota_us} * a.period_us;
}

std::string CpusText(int n) { return absl::StrCat(n, n == 1 ? " CPU" : " CPUs"); }

int AffinityCpus() {
  // Sized up until the kernel's mask fits (EINVAL: too small).
  for (size_t cpus = 1024; cpus <= (1 << 16); cpus *= 2) {
    const size_t bytes = CPU_ALLOC_SIZE(cpus);
    std::vector<cpu_set_t> set(bytes / sizeof(cpu_set_t) + 1);
    if (sched_getaffinity(0, bytes, set.data()) == 0) {
      const int n = CPU_COUNT_S(bytes, set.data());
      return n > 0 ? n : 1;
    }
    if (errno != EINVAL) break;
  }
  return 1;
}

}  // namespace

int CgroupCpuQuota::Cpus() const {
  const uint64_t n = quota_us / period_us + (quota_us % period_us != 0);
  return n < 1 ? 1 : n > INT_MAX ? INT_MAX : static_cast<int>(n);
}

std::string CgroupCpuQuota::Describe() const {
  if (version == 2) {
    return absl::StrCat("cgroup v2 cpu.max ", quota_us, " ", period_us, " at ",
                        dir);
  }
  return absl::StrCat("cgroup v1 cpu.cfs_quota_us ", quota_us,
                      ", cpu.cfs_period_us ", period_us, " at ", dir);
}

absl::StatusOr<std::optional<CgroupCpuQuota>> ReadCgroupCpuQuota(
    const std::string& root) {
  absl::StatusOr<std::string> proc_cgroup =
      ReadFile(UnderRoot(root, "/proc/self/cgroup"));
  if (absl::IsNotFound(proc_cgroup.status())) return std::nullopt;
  if (!proc_cgroup.ok()) return proc_cgroup.status();
  const std::optional<Membership> member = FindMembership(*proc_cgroup);
  if (!member) return std::nullopt;
  absl::StatusOr<std::string> mountinfo =
      ReadFile(UnderRoot(root, "/proc/self/mountinfo"));
  if (!mountinfo.ok()) return mountinfo.status();
  const std::optional<Mount> mount = FindMount(*mountinfo, member->version);
  if (!mount) {
    return absl::NotFoundError(absl::StrCat(
        "the process is in cgroup ", member->path, " on the cgroup v",
        member->version, member->version == 1 ? " cpu hierarchy" : " hierarchy",
        ", which /proc/self/mountinfo shows mounted nowhere"));
  }
  absl::StatusOr<std::string> dir =
      CgroupDir(*mount, member->path, member->version);
  if (!dir.ok()) return dir.status();
  // Every level up to the mount point limits the ones below it.
  std::optional<CgroupCpuQuota> tightest;
  for (std::string d = *dir;;) {
    absl::StatusOr<std::optional<CgroupCpuQuota>> level =
        ReadLevel(root, d, member->version);
    if (!level.ok()) return level.status();
    if (*level && (!tightest || Tighter(**level, *tightest))) tightest = **level;
    if (d.size() <= mount->point.size()) break;
    d.resize(d.rfind('/') == 0 ? 1 : d.rfind('/'));
  }
  return tightest;
}

CpuBudget CombineCpuBudget(
    int affinity_cpus,
    const absl::StatusOr<std::optional<CgroupCpuQuota>>& quota) {
  const std::string affinity =
      absl::StrCat("affinity mask: ", CpusText(affinity_cpus));
  if (!quota.ok()) {
    return {affinity_cpus, absl::StrCat(affinity, " (cgroup CPU limit not read: ",
                                        quota.status().message(), ")")};
  }
  if (!*quota) return {affinity_cpus, affinity + " (no cgroup CPU limit)"};
  const int limit = (*quota)->Cpus();
  if (limit < affinity_cpus) {
    return {limit, absl::StrCat((*quota)->Describe(), " (", affinity, ")")};
  }
  return {affinity_cpus, absl::StrCat(affinity, " (", (*quota)->Describe(),
                                      " allows ", CpusText(limit), ")")};
}

CpuBudget AvailableCpus(const std::string& root) {
  return CombineCpuBudget(AffinityCpus(), ReadCgroupCpuQuota(root));
}

}  // namespace park
