#include "park/sys/cpu_limit.h"

#include <sched.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace park {
namespace {

using ::testing::HasSubstr;

// The mountinfo lines of the usual layouts (fields as the kernel writes
// them).
constexpr char kV2Mount[] =
    "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - "
    "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
// Hybrid, as on this project's CI machines: cpu on v1, an empty unified
// hierarchy beside it.
constexpr char kHybridMounts[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup "
    "rw,cpuacct\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// A fake root: proc/self/{cgroup,mountinfo} and a cgroup tree, in a fresh
// temporary directory removed at the end.
class FakeRoot {
 public:
  FakeRoot() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cpu_limit_test.XXXXXX")
            .string();
    root_ = mkdtemp(tmpl.data());
  }
  ~FakeRoot() { std::filesystem::remove_all(root_); }

  // Writes `content` at `path` (absolute, as on the real system).
  void Write(const std::string& path, const std::string& content) {
    const std::filesystem::path p = root_ + path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }
  // The process in `cgroup` on a cgroup v2 tree at /sys/fs/cgroup.
  void InV2Cgroup(const std::string& cgroup) {
    Write("/proc/self/cgroup", "0::" + cgroup + "\n");
    Write("/proc/self/mountinfo", kV2Mount);
  }
  const std::string& root() const { return root_; }

  CpuBudget Budget(int affinity_cpus) const {
    return CombineCpuBudget(affinity_cpus, ReadCgroupCpuQuota(root_));
  }

 private:
  std::string root_;
};

// The case: 1.5 CPUs of bandwidth on a 4-CPU affinity mask.
TEST(CpuLimitTest, V2QuotaOfOneAndAHalfCpusGivesTwoOnFour) {
  FakeRoot fs;
  fs.InV2Cgroup("/x.slice");
  fs.Write("/sys/fs/cgroup/x.slice/cpu.max", "150000 100000\n");
  const CpuBudget b = fs.Budget(4);
  EXPECT_EQ(b.cpus, 2);
  EXPECT_EQ(b.source,
            "cgroup v2 cpu.max 150000 100000 at /sys/fs/cgroup/x.slice "
            "(affinity mask: 4 CPUs)");
}

TEST(CpuLimitTest, V2MaxMeansTheAffinityCount) {
  FakeRoot fs;
  fs.InV2Cgroup("/x.slice");
  fs.Write("/sys/fs/cgroup/x.slice/cpu.max", "max 100000\n");
  absl::StatusOr<std::optional<CgroupCpuQuota>> q =
      ReadCgroupCpuQuota(fs.root());
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_FALSE(q->has_value());
  const CpuBudget b = fs.Budget(4);
  EXPECT_EQ(b.cpus, 4);
  EXPECT_EQ(b.source, "affinity mask: 4 CPUs (no cgroup CPU limit)");
}

// Every level up to the root limits the process; the smallest
// quota/period wins, compared as a ratio (periods differ).
TEST(CpuLimitTest, V2NestedLimitsTheTightestLevelWins) {
  FakeRoot fs;
  fs.InV2Cgroup("/a.slice/b.slice/c.service");
  // The root cgroup has no cpu.max; c.service says "max".
  fs.Write("/sys/fs/cgroup/a.slice/cpu.max", "300000 100000\n");   // 3
  fs.Write("/sys/fs/cgroup/a.slice/b.slice/cpu.max", "50000 20000\n");  // 2.5
  fs.Write("/sys/fs/cgroup/a.slice/b.slice/c.service/cpu.max", "max 100000\n");
  absl::StatusOr<std::optional<CgroupCpuQuota>> q =
      ReadCgroupCpuQuota(fs.root());
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_TRUE(q->has_value());
  EXPECT_EQ((*q)->quota_us, 50000u);
  EXPECT_EQ((*q)->period_us, 20000u);
  EXPECT_EQ((*q)->dir, "/sys/fs/cgroup/a.slice/b.slice");
  EXPECT_EQ((*q)->Cpus(), 3);
  EXPECT_EQ(fs.Budget(8).cpus, 3);
  // The affinity mask is tighter still: it wins, and says what it beat.
  const CpuBudget two = fs.Budget(2);
  EXPECT_EQ(two.cpus, 2);
  EXPECT_EQ(two.source,
            "affinity mask: 2 CPUs (cgroup v2 cpu.max 50000 20000 at "
            "/sys/fs/cgroup/a.slice/b.slice allows 3 CPUs)");
}

TEST(CpuLimitTest, V2InnerLevelTighterThanOuter) {
  FakeRoot fs;
  fs.InV2Cgroup("/a.slice/b.service");
  fs.Write("/sys/fs/cgroup/a.slice/cpu.max", "400000 100000\n");
  fs.Write("/sys/fs/cgroup/a.slice/b.service/cpu.max", "50000 100000\n");
  const CpuBudget b = fs.Budget(4);
  EXPECT_EQ(b.cpus, 1);  // half a CPU still needs one worker
  EXPECT_THAT(b.source, HasSubstr("at /sys/fs/cgroup/a.slice/b.service "));
}

// In a container the mount's root is the container's cgroup, which
// /proc/self/cgroup names in full.
TEST(CpuLimitTest, V2MountOfASubtree) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "0::/machine.slice/ct.scope\n");
  fs.Write("/proc/self/mountinfo",
           "30 23 0:26 /machine.slice/ct.scope /sys/fs/cgroup rw - cgroup2 "
           "cgroup2 rw\n");
  fs.Write("/sys/fs/cgroup/cpu.max", "200000 100000\n");
  const CpuBudget b = fs.Budget(16);
  EXPECT_EQ(b.cpus, 2);
  EXPECT_THAT(b.source, HasSubstr("cpu.max 200000 100000 at /sys/fs/cgroup "));
}

TEST(CpuLimitTest, MountPointWithEscapedSpace) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "0::/x\n");
  fs.Write("/proc/self/mountinfo",
           "30 23 0:26 / /cg\\040root rw - cgroup2 cgroup2 rw\n");
  fs.Write("/cg root/x/cpu.max", "100000 100000\n");
  EXPECT_EQ(fs.Budget(4).cpus, 1);
}

// cpu on a v1 hierarchy (hybrid layout): v1 is read, and the unified
// hierarchy's cpu.max (which a stale tree could hold) is not.
TEST(CpuLimitTest, V1CfsQuota) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup",
           "4:memory:/m\n2:cpuacct:/\n1:cpu:/init.scope\n0::/init.scope\n");
  fs.Write("/proc/self/mountinfo", kHybridMounts);
  fs.Write("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
  fs.Write("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
  fs.Write("/sys/fs/cgroup/cpu/init.scope/cpu.cfs_quota_us", "250000\n");
  fs.Write("/sys/fs/cgroup/cpu/init.scope/cpu.cfs_period_us", "100000\n");
  fs.Write("/sys/fs/cgroup/unified/init.scope/cpu.max", "50000 100000\n");
  const CpuBudget b = fs.Budget(4);
  EXPECT_EQ(b.cpus, 3);
  EXPECT_EQ(b.source,
            "cgroup v1 cpu.cfs_quota_us 250000, cpu.cfs_period_us 100000 at "
            "/sys/fs/cgroup/cpu/init.scope (affinity mask: 4 CPUs)");
}

TEST(CpuLimitTest, V1CombinedCpuCpuacctHierarchyWithoutQuota) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "3:cpu,cpuacct:/user.slice\n");
  fs.Write("/proc/self/mountinfo",
           "25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
           "rw,cpu,cpuacct\n");
  fs.Write("/sys/fs/cgroup/cpu,cpuacct/user.slice/cpu.cfs_quota_us", "-1\n");
  fs.Write("/sys/fs/cgroup/cpu,cpuacct/user.slice/cpu.cfs_period_us",
           "100000\n");
  fs.Write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  const CpuBudget b = fs.Budget(6);
  EXPECT_EQ(b.cpus, 6);
  EXPECT_EQ(b.source, "affinity mask: 6 CPUs (no cgroup CPU limit)");
}

TEST(CpuLimitTest, NoCgroupsAtAll) {
  FakeRoot fs;  // no /proc/self/cgroup
  const CpuBudget b = fs.Budget(3);
  EXPECT_EQ(b.cpus, 3);
  EXPECT_EQ(b.source, "affinity mask: 3 CPUs (no cgroup CPU limit)");
}

TEST(CpuLimitTest, NoHierarchyWithTheCpuController) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "4:memory:/x\n1:name=systemd:/x\n");
  fs.Write("/proc/self/mountinfo", kHybridMounts);
  EXPECT_EQ(fs.Budget(2).source, "affinity mask: 2 CPUs (no cgroup CPU limit)");
}

// A file the kernel would never write is an error naming it; the budget
// keeps the affinity count and says why.
TEST(CpuLimitTest, MalformedFilesAreNamedNotGuessed) {
  for (const char* bad : {"abc 100000", "150000", "150000 0", "0 100000",
                          "-5 100000", "150000 100000 7", ""}) {
    FakeRoot fs;
    fs.InV2Cgroup("/x.slice");
    fs.Write("/sys/fs/cgroup/x.slice/cpu.max", bad);
    absl::StatusOr<std::optional<CgroupCpuQuota>> q =
        ReadCgroupCpuQuota(fs.root());
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(q.status().message(),
                HasSubstr("/sys/fs/cgroup/x.slice/cpu.max: expected \"max "
                          "PERIOD\" or \"QUOTA PERIOD\""));
    EXPECT_THAT(q.status().message(),
                HasSubstr(std::string("got \"") + bad + "\""));
    const CpuBudget b = fs.Budget(4);
    EXPECT_EQ(b.cpus, 4) << bad;
    EXPECT_THAT(b.source,
                HasSubstr("affinity mask: 4 CPUs (cgroup CPU limit not read: "));
  }
}

TEST(CpuLimitTest, V1QuotaWithoutPeriodIsAnError) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "1:cpu:/a\n");
  fs.Write("/proc/self/mountinfo", kHybridMounts);
  fs.Write("/sys/fs/cgroup/cpu/a/cpu.cfs_quota_us", "50000\n");
  absl::StatusOr<std::optional<CgroupCpuQuota>> q =
      ReadCgroupCpuQuota(fs.root());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(q.status().message(),
              HasSubstr("/sys/fs/cgroup/cpu/a/cpu.cfs_period_us"));
}

TEST(CpuLimitTest, HierarchyMountedNowhere) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "0::/x.slice\n");
  fs.Write("/proc/self/mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
  const CpuBudget b = fs.Budget(2);
  EXPECT_EQ(b.cpus, 2);
  EXPECT_EQ(b.source,
            "affinity mask: 2 CPUs (cgroup CPU limit not read: the process "
            "is in cgroup /x.slice on the cgroup v2 hierarchy, which "
            "/proc/self/mountinfo shows mounted nowhere)");
}

TEST(CpuLimitTest, CgroupOutsideTheMountedSubtree) {
  FakeRoot fs;
  fs.Write("/proc/self/cgroup", "0::/other.slice\n");
  fs.Write("/proc/self/mountinfo",
           "30 23 0:26 /machine.slice /sys/fs/cgroup rw - cgroup2 cgroup2 "
           "rw\n");
  absl::StatusOr<std::optional<CgroupCpuQuota>> q =
      ReadCgroupCpuQuota(fs.root());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(q.status().message(), HasSubstr("outside the cgroup v2 mount"));
}

TEST(CpuLimitTest, CpusRoundsUpAndIsAtLeastOne) {
  EXPECT_EQ((CgroupCpuQuota{2, 1000, 100000, "/"}).Cpus(), 1);
  EXPECT_EQ((CgroupCpuQuota{2, 100000, 100000, "/"}).Cpus(), 1);
  EXPECT_EQ((CgroupCpuQuota{2, 100001, 100000, "/"}).Cpus(), 2);
  EXPECT_EQ((CgroupCpuQuota{2, 200000, 100000, "/"}).Cpus(), 2);
}

// This machine: whatever its layout, the budget is at least 1, at most the
// affinity mask, and says where it came from.
TEST(CpuLimitTest, ThisProcess) {
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  const CpuBudget b = AvailableCpus();
  EXPECT_GE(b.cpus, 1);
  EXPECT_LE(b.cpus, CPU_COUNT(&set));
  EXPECT_FALSE(b.source.empty());
  // Not an error on a real system.
  EXPECT_THAT(b.source, ::testing::Not(HasSubstr("not read")));
}

}  // namespace
}  // namespace park
