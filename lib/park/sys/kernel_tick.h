// KernelTick: the period of the kernel's scheduler tick, and deadlines
// rounded up to it.
//
// Why a runtime cares: arming a timer that becomes the earliest one on its
// CPU makes the kernel reprogram the CPU's timer hardware, and so does
// cancelling it. On a VM each reprogram is a trap to the hypervisor: on a
// 2-vCPU VM on an AMD EPYC host a timerfd armed 100 us ahead and
// cancelled cost 9.9 us of CPU, against 0.9 us for one whose deadline lay
// at or after the CPU's next tick (tests/bench/timer_arm_bench.cc). A
// busy CPU's tick fires at whole multiples of the period on the monotonic
// clock (Linux aligns it so, unless booted with skew_tick=1; the benchmark
// shows it on 6.18), so a deadline rounded up to that grid is never ahead
// of the next tick, and the timer expires in the tick's own interrupt. Off
// the grid (skewed ticks, an unknown period) the rounding saves nothing.
// Thread-safety: pure functions; callable from any thread.
#ifndef PARK_SYS_KERNEL_TICK_H_
#define PARK_SYS_KERNEL_TICK_H_

#include <chrono>

namespace park {

// The tick period: the resolution the kernel reports for
// CLOCK_MONOTONIC_COARSE, which advances once per tick (4 ms at HZ=250,
// Debian's). Zero if the kernel reports none, or a value outside
// 1..100 ms that cannot be a tick.
std::chrono::nanoseconds KernelTick();

// The first whole multiple of `tick` (since the steady clock's epoch, which
// is CLOCK_MONOTONIC's) at or after `t`; `t` itself if `tick` is zero.
// `t` must be at least one tick below time_point::max() (the result would
// overflow); the monotonic clock's readings plus a delay always are.
std::chrono::steady_clock::time_point RoundUpToTick(
    std::chrono::steady_clock::time_point t, std::chrono::nanoseconds tick);

}  // namespace park

#endif  // PARK_SYS_KERNEL_TICK_H_
