// IoRegistry: which handler gets the readiness events of which registered fd.
//
// Abstract state: a set of live registrations, each (token, fd, handler). A
// token is what the driver stores as epoll user data; it carries a generation
// so that an event that was already in flight for a removed registration is
// recognised as stale and dropped, even if the slot has been reused.
//
// Thread-safety: thread-safe.
#ifndef PARK_DRIVER_IO_REGISTRY_H_
#define PARK_DRIVER_IO_REGISTRY_H_

#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "park/driver/handles.h"
#include "park/sys/mutex.h"

namespace park {

// Receives the readiness of one registered fd.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // Called on the thread running the driver turn, with the epoll events seen
  // (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, ...). Must not block or throw.
  virtual void OnReady(uint32_t events) = 0;
};

class IoRegistry {
 public:
  static constexpr uint64_t kWakerToken = 0;
  static constexpr uint64_t kTimerToken = 1;

  // Records a registration and returns its token. Allocates.
  IoToken Insert(int fd, std::shared_ptr<IoHandler> handler)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Forgets a registration; returns its fd, or nullopt if the token is not
  // live (never registered, or already erased).
  std::optional<int> Erase(IoToken token) ABSL_LOCKS_EXCLUDED(mu_);

  // The fd of a live registration, or nullopt.
  std::optional<int> FdOf(IoToken token) const ABSL_LOCKS_EXCLUDED(mu_);

  // Appends to *out the handler of every event whose token is live, paired
  // with its events; stale tokens and the driver's own (waker, timer) are
  // skipped. One lock for the whole batch.
  struct Ready {
    std::shared_ptr<IoHandler> handler;
    uint32_t events;
  };
  void Resolve(std::span<const epoll_event> events,
               std::vector<Ready>* out) const ABSL_LOCKS_EXCLUDED(mu_);

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Slot {
    uint32_t generation = 1;  // bumped on erase; a token names one generation
    int fd = -1;              // -1: free
    std::shared_ptr<IoHandler> handler;
  };
  // The slot a token names if it is live, else null.
  const Slot* LiveSlotLocked(uint64_t token) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> free_ ABSL_GUARDED_BY(mu_);
  size_t live_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace park

#endif  // PARK_DRIVER_IO_REGISTRY_H_
