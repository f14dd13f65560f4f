// What arming and then cancelling a timer costs, by where its deadline
// falls: 100 us ahead (the CPU's next timer event on a busy CPU, so the
// kernel reprograms the timer hardware on the arm and again on the
// cancel), rounded up to the kernel tick's grid (never ahead of the next
// tick: no reprogram; sys/kernel_tick.h), and 5 ms ahead (beyond any tick
// at HZ >= 250). RuntimeCore::DeferWake arms and cancels one such timer
// per burst of outside work; this is why it rounds its deadline up.
// On a VM the reprogram is a trap to the hypervisor: 9-10 us per arm and
// cancel 100 us ahead against 0.9 us on the grid, on a 2-vCPU VM on an
// AMD EPYC host. Bare metal has not been measured.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "park/sys/kernel_tick.h"
#include "park/sys/timer_fd.h"

namespace {

using Clock = park::TimerFd::Clock;
using std::chrono::microseconds;

enum Deadline { kAhead100us, kOnTickGrid, kAhead5ms };

void BM_ArmCancel(benchmark::State& state, Deadline mode) {
  absl::StatusOr<park::TimerFd> fd = park::TimerFd::Create();
  if (!fd.ok()) {
    state.SkipWithError(std::string(fd.status().message()).c_str());
    return;
  }
  const std::chrono::nanoseconds tick = park::KernelTick();
  if (mode == kOnTickGrid && tick.count() == 0) {
    state.SkipWithError("the kernel reports no tick period");
    return;
  }
  for (auto _ : state) {
    Clock::time_point deadline = Clock::now();
    switch (mode) {
      case kAhead100us:
        deadline += microseconds(100);
        break;
      case kOnTickGrid:
        deadline = park::RoundUpToTick(deadline + microseconds(100), tick);
        break;
      case kAhead5ms:
        deadline += microseconds(5000);
        break;
    }
    fd->ArmAt(deadline);
    fd->Disarm();
  }
}
BENCHMARK_CAPTURE(BM_ArmCancel, ahead_100us, kAhead100us);
BENCHMARK_CAPTURE(BM_ArmCancel, on_tick_grid, kOnTickGrid);
BENCHMARK_CAPTURE(BM_ArmCancel, ahead_5ms, kAhead5ms);

}  // namespace

BENCHMARK_MAIN();
