// Task memory: fixed-size blocks for small task objects, cached per thread.
//
// Why: a task is allocated on one worker and often freed on another (it was
// stolen, or spawned from outside). glibc's per-thread cache holds only a
// few chunks per size, so that pattern falls through to the locked arena on
// almost every spawn (a third of spawn_many_local's time when measured). A
// thread frees blocks into its own cache; a cache that grows past a bound
// hands a batch to a global pool, and an empty cache takes a batch from it,
// so blocks flow from the threads that free to the threads that allocate
// with one lock per kBatch blocks.
//
// Memory is kept for reuse and never returned to the system: the pool is
// as large as the most tasks alive at once. Under AddressSanitizer free
// blocks are poisoned, so use-after-free of a task is caught as with plain
// new/delete. Blocks freed on a thread after its cache was flushed at
// thread exit (by later thread_local destructors, or static destructors on
// the main thread) go straight to the global pool.
// Public API (installed) because MakeTask's inline code calls it; a
// program may use the blocks for its own small objects too.
// Thread-safety: thread-safe.
#ifndef PARK_RUNTIME_TASK_POOL_H_
#define PARK_RUNTIME_TASK_POOL_H_

#include <cstddef>

#include "park/export.h"

namespace park {

// Size of a block; larger tasks use ::operator new.
inline constexpr size_t kTaskBlockSize = 64;

// A block of kTaskBlockSize bytes, aligned for any task object.
PARK_EXPORT void* AllocateTaskBlock();
// Returns a block from AllocateTaskBlock, from any thread.
PARK_EXPORT void FreeTaskBlock(void* block) noexcept;

}  // namespace park

#endif  // PARK_RUNTIME_TASK_POOL_H_
