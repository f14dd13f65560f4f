// SchedSlice: the calling thread's time slice under the kernel's EEVDF
// scheduler (sched_setattr(2) with SCHED_OTHER and sched_runtime, Linux 6.12
// and later).
//
// Why a runtime cares: EEVDF gives a waking thread the CPU at once only if
// its virtual deadline (now + slice) is earlier than the running thread's.
// With the default slice (0.7 ms scaled by the CPU count) a worker woken by a
// spawner on the same CPU preempts it in most wakeups but not all (here
// about 4 in 5); the rest wait until the spawner blocks. A shorter slice
// makes the wakeup preempt every time. It is not a priority: the thread's
// weight (nice value) and so its share of the CPU are unchanged; it runs
// sooner and in shorter pieces.
// Thread-safety: acts on the calling thread only; callable from any thread.
#ifndef PARK_SYS_SCHED_SLICE_H_
#define PARK_SYS_SCHED_SLICE_H_

#include <chrono>

#include "absl/status/statusor.h"

namespace park {

// The kernel's bounds for a requested slice (it clamps to them).
inline constexpr std::chrono::microseconds kMinSchedSlice{100};
inline constexpr std::chrono::microseconds kMaxSchedSlice{100'000};

// The calling thread's slice as the kernel reports it. Unimplemented on
// kernels without per-thread slices (they report none for SCHED_OTHER).
absl::StatusOr<std::chrono::microseconds> GetSchedSlice();

// Requests `slice` (kMinSchedSlice..kMaxSchedSlice) for the calling thread,
// keeping its policy and nice value; returns the slice the kernel then
// reports. Errors: InvalidArgument for a slice out of bounds; Unimplemented
// when the kernel has no per-thread slices (before Linux 6.12, or a policy
// other than SCHED_OTHER/SCHED_BATCH), in which case nothing changed; the
// syscall's error otherwise.
absl::StatusOr<std::chrono::microseconds> SetSchedSlice(
    std::chrono::microseconds slice);

}  // namespace park

#endif  // PARK_SYS_SCHED_SLICE_H_
