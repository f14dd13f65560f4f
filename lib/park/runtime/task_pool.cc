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

constexpr size_t kBatch = 128;           // blocks moved at once
constexpr size_t kMaxCached = 4 * kBatch;  // per-thread bound

struct Block {
  Block* next;
};

// A chain of exactly kBatch blocks.
struct Batch {
  Block* head;
};

class GlobalPool {
 public:
  // A batch of free blocks (from the pool, or a fresh slab).
  Block* Take() ABSL_LOCKS_EXCLUDED(mu_) {
    {
      MutexLock lock(&mu_);
      if (!batches_.empty()) {
        Block* head = batches_.back().head;
        batches_.pop_back();
        return head;
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
    return reinterpret_cast<Block*>(slab);
  }

  void Give(Block* head) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    batches_.push_back(Batch{head});
  }

 private:
  Mutex mu_;
  std::vector<Batch> batches_ ABSL_GUARDED_BY(mu_);
};

GlobalPool& Global() {
  // Leaked on purpose: thread caches flush into it during thread exit, which
  // can come after static destructors have run.
  static GlobalPool* pool = new GlobalPool;
  return *pool;
}

struct ThreadCache {
  Block* head = nullptr;
  size_t count = 0;

  ~ThreadCache() {
    // Hand everything back in whole batches; a partial remainder too (the
    // pool does not care about the count, only Take's callers see chains).
    while (head != nullptr) {
      Block* chain = head;
      Block* last = head;
      size_t n = 1;
      while (n < kBatch && last->next != nullptr) {
        last = last->next;
        ++n;
      }
      head = last->next;
      last->next = nullptr;
      Global().Give(chain);
    }
  }

  // Splits off the first kBatch blocks as a chain.
  Block* SplitBatch() {
    Block* chain = head;
    Block* last = head;
    for (size_t i = 1; i < kBatch; ++i) last = last->next;
    head = last->next;
    last->next = nullptr;
    count -= kBatch;
    return chain;
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
  if (c.head == nullptr) {
    c.head = Global().Take();
    // Chains from Give after a thread exit may be shorter than kBatch; the
    // count is only a bound for flushing, so count what we really got.
    c.count = 0;
    for (Block* b = c.head; b != nullptr; b = b->next) ++c.count;
  }
  Block* b = c.head;
  c.head = b->next;
  --c.count;
  return b;
}

void FreeTaskBlock(void* block) noexcept {
  ThreadCache& c = cache;
  auto* b = static_cast<Block*>(block);
  b->next = c.head;
  c.head = b;
  if (++c.count > kMaxCached) Global().Give(c.SplitBatch());
}

#endif

}  // namespace park::internal
