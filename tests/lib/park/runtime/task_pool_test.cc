// The task pool (task_pool.h): a block is never handed out twice, also when
// blocks are freed on a thread after its cache was flushed at thread exit.
// Under ASan the free blocks are poisoned: the death test checks that a
// block used after its free is caught.
#include "park/runtime/task_pool.h"

#include <algorithm>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "park/runtime/runtime.h"
#include "park/runtime/task_pool_reserve.h"

namespace park {
namespace {

// Allocates `n` blocks on a new thread and returns them, still allocated.
std::vector<void*> AllocateOnNewThread(size_t n) {
  std::vector<void*> blocks;
  std::thread([&] {
    for (size_t i = 0; i < n; ++i) blocks.push_back(AllocateTaskBlock());
  }).join();
  return blocks;
}

size_t Duplicates(std::vector<void*> blocks) {
  std::sort(blocks.begin(), blocks.end());
  return static_cast<size_t>(blocks.end() -
                             std::unique(blocks.begin(), blocks.end()));
}

// Holds blocks and frees them when the thread exits. Constructed before
// the thread's first use of the pool, so destroyed after the pool's
// per-thread cache was flushed.
struct FreeAtThreadExit {
  std::vector<void*> blocks;
  ~FreeAtThreadExit() {
    for (void* b : blocks) FreeTaskBlock(b);
  }
};
thread_local FreeAtThreadExit free_at_exit;

TEST(TaskPoolTest, BlocksFreedAfterThreadExitFlushAreNotHandedOutTwice) {
  std::thread([] {
    FreeAtThreadExit& holder = free_at_exit;  // registered first
    for (int i = 0; i < 300; ++i) holder.blocks.push_back(AllocateTaskBlock());
  }).join();
  std::vector<void*> live = AllocateOnNewThread(1024);
  std::vector<void*> more = AllocateOnNewThread(1024);
  live.insert(live.end(), more.begin(), more.end());
  EXPECT_EQ(Duplicates(live), 0u);
  for (void* b : live) FreeTaskBlock(b);
}

TEST(TaskPoolTest, BlocksMoveBetweenThreadsWithoutDuplicates) {
  // Allocated on one thread, freed on another, reallocated on a third:
  // the pattern of stolen and remote-spawned tasks.
  std::vector<void*> first = AllocateOnNewThread(1000);
  std::thread([&] {
    for (void* b : first) FreeTaskBlock(b);
  }).join();
  std::vector<void*> second = AllocateOnNewThread(2000);
  EXPECT_EQ(Duplicates(second), 0u);
  for (void* b : second) FreeTaskBlock(b);
}

TEST(TaskPoolTest, AReserveIsHandedOutWithoutDuplicates) {
  internal::ReserveTaskBlocks(20 * internal::kTaskPoolBatch);
  EXPECT_GE(internal::PooledTaskBlocks(), 20 * internal::kTaskPoolBatch);
  // Taken by threads whose caches start empty: the reserved chains.
  std::vector<void*> a = AllocateOnNewThread(5 * internal::kTaskPoolBatch);
  std::vector<void*> b = AllocateOnNewThread(5 * internal::kTaskPoolBatch);
  a.insert(a.end(), b.begin(), b.end());
  EXPECT_EQ(Duplicates(a), 0u);
  for (void* p : a) FreeTaskBlock(p);
}

TEST(TaskPoolTest, RuntimeCreateFillsTheReserve) {
  RuntimeOptions options;
  options.workers = 2;
  // Empty the pool first (the tests above filled it): its chains go to
  // this thread's cache and stay allocated until the end of the test.
  std::vector<void*> held;
  while (internal::PooledTaskBlocks() > 0) held.push_back(AllocateTaskBlock());
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Create(options);
  ASSERT_TRUE(rt.ok()) << rt.status();
  // Two batches for each worker's cache and one spawner's.
  EXPECT_GE(internal::PooledTaskBlocks(), 6 * internal::kTaskPoolBatch);
  rt->reset();
  for (void* p : held) FreeTaskBlock(p);
}

#if defined(__SANITIZE_ADDRESS__)
#define PARK_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARK_TEST_ASAN 1
#endif
#endif

#if defined(PARK_TEST_ASAN)
TEST(TaskPoolDeathTest, UseAfterFreeIsCaughtByAsan) {
  EXPECT_DEATH(
      {
        auto* p = static_cast<volatile char*>(AllocateTaskBlock());
        FreeTaskBlock(const_cast<char*>(p));
        p[8] = 1;
      },
      "use-after-poison");
}
#endif

}  // namespace
}  // namespace park
