// cacheline_rtt: what it costs this machine to move one cache line from one
// CPU to another and back, the price of every write that two workers share
// (a counter both decrement, a queue one pushes and the other steals from,
// a task made on one CPU and run on the other). `./dev.sh compare` runs it
// before every program it measures and summarises the values in its
// header, because on a VM that price is not a constant: on the 2-vCPU AMD
// EPYC guest of the README's table it took either about 110 or about
// 370 ns, switching between the two within seconds. It is context for a
// table, not a correction of it: a program's rows did not follow the
// probe taken just before it (the phase changes during the program).
//
// Usage: cacheline_rtt
// Two threads, pinned to the first two CPUs this process may use, take
// turns writing one cache-line-aligned word (each waits, spinning, for the
// other's write). Prints `cacheline_rtt_ns MEDIAN MIN` over SAMPLES samples
// (5) of TRIPS round trips (100000) each, and a `#` line with every sample.
// With one CPU allowed there is nothing to bounce: it says so, prints
// `cacheline_rtt_ns one_cpu`, and exits 0 (compare.sh shows the word).
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "bench_util.h"

namespace {

// Both threads write it; alone on its line so that nothing else moves with
// it.
struct alignas(64) Line {
  std::atomic<uint64_t> turn{0};
};

// Exits if the kernel refuses: two spinning threads left on one CPU would
// each spin out its time slice per round trip, for minutes.
void Pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (rc != 0) {
    std::fprintf(stderr, "cacheline_rtt: cannot pin a thread to CPU %d: %s\n",
                 cpu, std::strerror(rc));
    std::exit(1);
  }
}

// Round trips of `line` between the calling thread (on cpu_a) and a helper
// on cpu_b; returns nanoseconds per round trip.
double Sample(int cpu_a, int cpu_b, size_t trips) {
  Line line;
  std::thread helper([&] {
    Pin(cpu_b);
    for (uint64_t i = 0; i < trips; ++i) {
      while (line.turn.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      line.turn.store(2 * i + 2, std::memory_order_release);
    }
  });
  Pin(cpu_a);
  const auto start = park_bench::Clock::now();
  for (uint64_t i = 0; i < trips; ++i) {
    line.turn.store(2 * i + 1, std::memory_order_release);
    while (line.turn.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  const auto end = park_bench::Clock::now();
  helper.join();
  return std::chrono::duration<double, std::nano>(end - start).count() /
         static_cast<double>(trips);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 1) {
    std::fprintf(stderr,
                 "cacheline_rtt: no arguments expected (TRIPS and SAMPLES "
                 "come from the environment); got %s\n",
                 argv[1]);
    return 2;
  }
  const size_t trips = park_bench::EnvSize("TRIPS", 100000);
  const size_t samples = park_bench::EnvSize("SAMPLES", 5);
  if (trips < 1 || trips > 100000000 || samples < 1 || samples > 1000) {
    std::fprintf(stderr,
                 "cacheline_rtt: TRIPS must be 1 to 100000000 and SAMPLES 1 "
                 "to 1000, got TRIPS=%zu SAMPLES=%zu\n",
                 trips, samples);
    return 2;
  }
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    std::fprintf(stderr, "cacheline_rtt: sched_getaffinity: %s\n",
                 std::strerror(errno));
    return 1;
  }
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; ++c) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  if (cpus.size() < 2) {
    std::printf("# cacheline_rtt: one CPU allowed, nothing to bounce\n");
    std::printf("cacheline_rtt_ns one_cpu\n");
    return 0;
  }
  std::vector<double> v;
  for (size_t i = 0; i < samples; ++i) v.push_back(Sample(cpus[0], cpus[1], trips));
  std::printf("# cacheline_rtt: CPUs %d and %d, %zu round trips per sample:",
              cpus[0], cpus[1], trips);
  for (double x : v) std::printf(" %.0f", x);
  std::printf(" ns\n");
  std::sort(v.begin(), v.end());
  std::printf("cacheline_rtt_ns %.0f %.0f\n", park_bench::MedianSorted(v),
              v.front());
  return 0;
}
