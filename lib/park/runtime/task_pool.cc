#include "park/runtime/task_pool.h"

#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "park/sys/mutex.h"

#if defined(__SANITIZE_ADDRESS__)
#define PARK_TASK_POOL_BYPASS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARK_TASK_POOL_BYPASS 1
#endif
#endif

namespace park::internal {
namespace {

constexpr size_t kBatch = 128;  // blocks moved between a thread and the pool at once

struct Block {
  Block* next;
};

// A chain of blocks and its length (kBatch, except for what a thread hands
// back when it exits). The length travels with the chain: no path walks a
// chain, whose blocks may be scattered over many pages by then (a walk of
// 128 cold blocks cost 10-40 us every 128th spawn: wake_latency's p99).
struct Chain {
  Block* head = nullptr;
  size_t count = 0;
};

class GlobalPool {
 public:
  // A chain of free blocks (from the pool, or a fresh slab).
  Chain Take() ABSL_LOCKS_EXCLUDED(mu_) {
    {
      MutexLock lock(&mu_);
      if (!chains_.empty()) {
        Chain c = chains_.back();
        chains_.pop_back();
        return c;
      }
    }
    // A fresh slab, threaded into one chain; kept for the process's life.
    auto* slab = static_cast<char*>(
        ::operator new(kBatch * kTaskBlockSize, std::align_val_t{64}));
    for (size_t i = 0; i < kBatch; ++i) {
      auto* b = reinterpret_cast<Block*>(slab + i * kTaskBlockSize);
      b->next = i + 1 < kBatch
                    ? reinterpret_cast<Block*>(slab + (i + 1) * kTaskBlockSize)
                    : nullptr;
    }
    return Chain{reinterpret_cast<Block*>(slab), kBatch};
  }

  void Give(Chain c) ABSL_LOCKS_EXCLUDED(mu_) {
    if (c.head == nullptr) return;
    MutexLock lock(&mu_);
    chains_.push_back(c);
  }

 private:
  Mutex mu_;
  std::vector<Chain> chains_ ABSL_GUARDED_BY(mu_);
};

GlobalPool& Global() {
  // Leaked on purpose: thread caches flush into it during thread exit, which
  // can come after static destructors have run.
  static GlobalPool* pool = new GlobalPool;
  return *pool;
}

// Per thread: the chain blocks are taken from and freed to, and at most one
// spare full chain. Frees fill `current` up to kBatch; then it becomes the
// spare and a previous spare goes to the pool. At most 2 * kBatch blocks
// stay with a thread.
struct ThreadCache {
  Chain current;
  Chain spare;
  ~ThreadCache() {
    Global().Give(current);
    Global().Give(spare);
  }
};

thread_local ThreadCache cache;

}  // namespace

#if defined(PARK_TASK_POOL_BYPASS)

void* AllocateTaskBlock() { return ::operator new(kTaskBlockSize); }
void FreeTaskBlock(void* block) noexcept { ::operator delete(block); }

#else

void* AllocateTaskBlock() {
  ThreadCache& c = cache;
  if (c.current.head == nullptr) {
    c.current = c.spare.head != nullptr ? std::exchange(c.spare, Chain{})
                                        : Global().Take();
  }
  Block* b = c.current.head;
  c.current.head = b->next;
  --c.current.count;
  return b;
}

void FreeTaskBlock(void* block) noexcept {
  ThreadCache& c = cache;
  if (c.current.count >= kBatch) {
    Global().Give(std::exchange(c.spare, c.current));
    c.current = Chain{};
  }
  auto* b = static_cast<Block*>(block);
  b->next = c.current.head;
  c.current.head = b;
  ++c.current.count;
}

#endif

}  // namespace park::internal
