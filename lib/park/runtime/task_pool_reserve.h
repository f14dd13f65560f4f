// The task pool's process-wide reserve (task_pool.h), filled ahead of use.
//
// Why: the pool grows a slab of blocks at a time, when a thread's cache and
// the global pool are both empty, and the first writes to a new slab fault
// its pages in: 25-75 us on a VM whose host backs guest memory on first
// touch. Without a reserve the first two refills of an outside spawner's
// cache (its 128th and 256th spawn) paid that in the middle of the
// program's work; Runtime::Create pays it instead.
// Not installed. Thread-safety: thread-safe.
#ifndef PARK_RUNTIME_TASK_POOL_RESERVE_H_
#define PARK_RUNTIME_TASK_POOL_RESERVE_H_

#include <cstddef>

namespace park::internal {

// Blocks moved between a thread's cache and the global pool at once, and
// the size of a slab.
inline constexpr size_t kTaskPoolBatch = 128;

// Grows the global pool until it holds at least `blocks` free blocks (in
// whole slabs). The memory stays with the pool for the process's life, as
// all of the pool's does. Best effort under concurrent use: blocks taken
// meanwhile are not replaced.
void ReserveTaskBlocks(size_t blocks);

// The free blocks in the global pool now (threads' caches not counted).
size_t PooledTaskBlocks();

}  // namespace park::internal

#endif  // PARK_RUNTIME_TASK_POOL_RESERVE_H_
