// Test helpers: waiting for a condition another thread makes true, bounded by
// a deadline so that a broken implementation fails the test instead of
// hanging it. Not a sleep: the condition itself orders the threads.
#ifndef PARK_TESTING_AWAIT_H_
#define PARK_TESTING_AWAIT_H_

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace park::testing {

// How long any single wait in a test may take before it counts as a hang.
// Generous: sanitizer builds on a shared 2-vCPU machine are slow.
inline constexpr std::chrono::seconds kHangTimeout{20};

// Yields until pred() is true or kHangTimeout passes; returns pred().
template <typename Pred>
bool Await(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + kHangTimeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::yield();
  }
  return true;
}

// PARKD_STRESS_SCALE from the environment (meson's `stress` setup), else 1.
inline int StressScale() {
  const char* s = std::getenv("PARKD_STRESS_SCALE");
  int v = s != nullptr ? std::atoi(s) : 1;
  return v > 0 ? v : 1;
}

}  // namespace park::testing

#endif  // PARK_TESTING_AWAIT_H_
