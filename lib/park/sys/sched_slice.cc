#include "park/sys/sched_slice.h"

#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "park/sys/syscall_status.h"

namespace park {
namespace {

// struct sched_attr of sched_setattr(2) (glibc 2.36 has no wrapper). The
// kernel accepts this size (SCHED_ATTR_SIZE_VER1) from Linux 5.3 on.
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // for SCHED_OTHER/BATCH: the slice, in ns
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

absl::StatusOr<SchedAttr> Read() {
  SchedAttr attr{};
  if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) {
    return SyscallError("sched_getattr", errno);
  }
  return attr;
}

bool HasSlice(const SchedAttr& attr) {
  // Kernels before per-thread slices report sched_runtime 0 for these
  // policies; later ones report the slice in force (never 0).
  return (attr.sched_policy == SCHED_OTHER ||
          attr.sched_policy == SCHED_BATCH) &&
         attr.sched_runtime != 0;
}

absl::Status NoSlice() {
  return absl::UnimplementedError(
      "this kernel reports no per-thread time slice (EEVDF custom slices "
      "need Linux 6.12 or later and SCHED_OTHER or SCHED_BATCH)");
}

std::chrono::microseconds Micros(uint64_t ns) {
  return std::chrono::microseconds(ns / 1000);
}

}  // namespace

absl::StatusOr<std::chrono::microseconds> GetSchedSlice() {
  absl::StatusOr<SchedAttr> attr = Read();
  if (!attr.ok()) return attr.status();
  if (!HasSlice(*attr)) return NoSlice();
  return Micros(attr->sched_runtime);
}

absl::StatusOr<std::chrono::microseconds> SetSchedSlice(
    std::chrono::microseconds slice) {
  if (slice < kMinSchedSlice || slice > kMaxSchedSlice) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a scheduler time slice must be from ", kMinSchedSlice.count(), " to ",
        kMaxSchedSlice.count(), " us, got ", slice.count()));
  }
  absl::StatusOr<SchedAttr> attr = Read();
  if (!attr.ok()) return attr.status();
  if (!HasSlice(*attr)) return NoSlice();
  attr->size = sizeof(SchedAttr);
  attr->sched_flags = 0;
  attr->sched_runtime = static_cast<uint64_t>(slice.count()) * 1000;
  if (syscall(SYS_sched_setattr, 0, &*attr, 0) != 0) {
    return SyscallError("sched_setattr(SCHED_OTHER, runtime)", errno);
  }
  return GetSchedSlice();
}

}  // namespace park
