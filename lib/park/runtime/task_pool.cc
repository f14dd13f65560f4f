#include "park/runtime/task_pool.h"

#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "park/runtime/task_pool_reserve.h"
#include "park/sys/mutex.h"

#if defined(__SANITIZE_ADDRESS__)
#define PARK_TASK_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARK_TASK_POOL_ASAN 1
#endif
#endif

#if defined(PARK_TASK_POOL_ASAN)
#include <sanitizer/asan_interface.h>
// A free block is poisoned whole; the pool itself unpoisons the link word
// for the moment it reads or writes it. So a task used after its free (or
// freed twice) fails under ASan as it would with plain new/delete.
#define PARK_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define PARK_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define PARK_POISON(p, n) ((void)(p), (void)(n))
#define PARK_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace park {
namespace {

constexpr size_t kBatch = internal::kTaskPoolBatch;

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

// Pops the first block of `c`. Requires c.count > 0.
Block* PopBlock(Chain& c) {
  Block* b = c.head;
  PARK_UNPOISON(b, sizeof(Block));
  c.head = b->next;
  --c.count;
  PARK_UNPOISON(b, kTaskBlockSize);
  return b;
}

void PushBlock(Chain& c, Block* b) {
  b->next = c.head;
  PARK_POISON(b, kTaskBlockSize);
  c.head = b;
  ++c.count;
}

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
    return NewSlab();
  }

  // Tops the pool up to at least `blocks` free blocks, a slab at a time.
  // Best effort: blocks taken meanwhile are not replaced.
  void Reserve(size_t blocks) ABSL_LOCKS_EXCLUDED(mu_) {
    for (size_t have = FreeBlocks(); have < blocks; have += kBatch) {
      Give(NewSlab());
    }
  }

  size_t FreeBlocks() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    size_t n = 0;
    for (const Chain& c : chains_) n += c.count;
    return n;
  }

  void Give(Chain c) ABSL_LOCKS_EXCLUDED(mu_) {
    if (c.head == nullptr) return;
    MutexLock lock(&mu_);
    chains_.push_back(c);
  }

 private:
  // A fresh slab, threaded into one chain (which writes every block: its
  // pages are faulted in here, not by the allocations that follow). Kept
  // for the process's life, and listed: the links inside free blocks are
  // poisoned under ASan, where LeakSanitizer does not look for pointers,
  // so without the list it would report free slabs as leaked.
  Chain NewSlab() ABSL_LOCKS_EXCLUDED(mu_) {
    auto* slab = static_cast<char*>(
        ::operator new(kBatch * kTaskBlockSize, std::align_val_t{64}));
    {
      MutexLock lock(&mu_);
      slabs_.push_back(slab);
    }
    Chain c;
    for (size_t i = kBatch; i > 0; --i) {
      PushBlock(c, reinterpret_cast<Block*>(slab + (i - 1) * kTaskBlockSize));
    }
    return c;
  }

  mutable Mutex mu_;
  std::vector<Chain> chains_ ABSL_GUARDED_BY(mu_);
  std::vector<char*> slabs_ ABSL_GUARDED_BY(mu_);
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
//
// Life cycle, per thread: kUnused until the first allocation or free, which
// constructs `flusher` (so its destructor is registered at that point);
// kLive; then kFlushed once the flusher has run at thread exit and given
// both chains to the pool. Blocks are still allocated and freed on the
// thread after that: by thread_locals destroyed after the flusher, and on
// the main thread by static destructors (a static Runtime dropping its
// queued tasks). Those go straight to the global pool, one block at a
// time: the chains the thread gave away are the pool's now, and pushing
// onto them again would hand the same block out twice.
enum class CacheState : unsigned char { kUnused, kLive, kFlushed };

// Trivially destructible, so it stays usable during thread exit whatever
// order the thread's other thread_locals are destroyed in.
struct ThreadCache {
  Chain current;
  Chain spare;
  CacheState state;
};
thread_local ThreadCache cache;

struct CacheFlusher {
  ~CacheFlusher() {
    ThreadCache& c = cache;
    Global().Give(std::exchange(c.current, Chain{}));
    Global().Give(std::exchange(c.spare, Chain{}));
    c.state = CacheState::kFlushed;
  }
};
thread_local CacheFlusher flusher;

// LiveCache's first use on a thread, and its use after the flush.
[[gnu::noinline]] ThreadCache* CacheNotLive() {
  ThreadCache& c = cache;
  if (c.state == CacheState::kFlushed) return nullptr;
  // First use on this thread: construct the flusher, registering its
  // destructor, before the cache holds anything.
  [[maybe_unused]] CacheFlusher* f = &flusher;
  c.state = CacheState::kLive;
  return &c;
}

// The calling thread's cache, or nullptr once it has been flushed.
ThreadCache* LiveCache() {
  ThreadCache& c = cache;
  if (c.state == CacheState::kLive) [[likely]] {
    return &c;
  }
  return CacheNotLive();
}

// The slow paths, out of line, so that the fast ones save no registers: a
// chain of spawns allocates and frees a block per task, and the prologue
// and epilogue that saved six registers were a fifth of the allocation's
// samples in perf.
[[gnu::noinline]] void* AllocateSlow(ThreadCache* c) {
  if (c == nullptr) {
    Chain chain = Global().Take();
    Block* b = PopBlock(chain);
    Global().Give(chain);
    return b;
  }
  c->current = c->spare.head != nullptr ? std::exchange(c->spare, Chain{})
                                        : Global().Take();
  return PopBlock(c->current);
}

[[gnu::noinline]] void FreeSlow(ThreadCache* c, Block* b) {
  if (c == nullptr) {
    Chain one;
    PushBlock(one, b);
    Global().Give(one);
    return;
  }
  Global().Give(std::exchange(c->spare, c->current));
  c->current = Chain{};
  PushBlock(c->current, b);
}

}  // namespace

void* AllocateTaskBlock() {
  ThreadCache* c = LiveCache();
  if (c == nullptr || c->current.head == nullptr) [[unlikely]] {
    return AllocateSlow(c);
  }
  return PopBlock(c->current);
}

void FreeTaskBlock(void* block) noexcept {
  auto* b = static_cast<Block*>(block);
  ThreadCache* c = LiveCache();
  if (c == nullptr || c->current.count >= kBatch) [[unlikely]] {
    FreeSlow(c, b);
    return;
  }
  PushBlock(c->current, b);
}

namespace internal {

void ReserveTaskBlocks(size_t blocks) { Global().Reserve(blocks); }

size_t PooledTaskBlocks() { return Global().FreeBlocks(); }

}  // namespace internal
}  // namespace park
