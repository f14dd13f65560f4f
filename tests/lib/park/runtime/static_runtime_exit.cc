// A process whose Runtime is a static, destroyed at exit with tasks still
// queued. Its Shutdown frees those tasks on the main thread after the
// thread's task-pool cache was flushed (thread_locals die before statics).
// Then two fresh threads take 1024 blocks each from the pool: no block may
// be handed out twice. Exit status 0 and "ok" on stdout, or 1 with what
// went wrong; under ASan also no memory error.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>
#include <unistd.h>
#include <vector>

#include "park/runtime/runtime.h"
#include "park/runtime/task_pool.h"

namespace {

std::atomic<bool> release{false};

// Destroyed last (constructed first): checks the pool after the runtime's
// shutdown dropped its tasks.
struct CheckPoolAtExit {
  ~CheckPoolAtExit() {
    std::vector<void*> blocks;
    for (int t = 0; t < 2; ++t) {
      std::thread([&] {
        for (int i = 0; i < 1024; ++i) {
          blocks.push_back(park::AllocateTaskBlock());
        }
      }).join();
    }
    std::sort(blocks.begin(), blocks.end());
    const auto dups = blocks.end() - std::unique(blocks.begin(), blocks.end());
    if (dups != 0) {
      std::printf("%td blocks handed out twice\n", dups);
      std::fflush(stdout);
      _exit(1);
    }
    std::printf("ok\n");
  }
} check_pool_at_exit;

// Lets the blocking task go when the main thread's thread_locals die, which
// is before the static runtime below is destroyed.
struct ReleaseAtThreadExit {
  ~ReleaseAtThreadExit() { release.store(true); }
};
thread_local ReleaseAtThreadExit release_at_exit;

std::unique_ptr<park::Runtime> runtime;

}  // namespace

int main() {
  (void)&release_at_exit;
  park::RuntimeOptions options;
  options.workers = 1;
  runtime = park::Runtime::Create(options).value();
  // The one worker is held by this task; what follows stays queued.
  if (!runtime->Spawn([] {
        while (!release.load()) std::this_thread::yield();
      }).ok()) {
    return 1;
  }
  for (int i = 0; i < 500; ++i) {
    if (!runtime->Spawn([] {}).ok()) return 1;
  }
  return 0;  // the static runtime's destructor drops the 500 tasks
}
