#include "park/driver/io_registry.h"

namespace park {
namespace {

// token = generation << 32 | slot index; generations start at 1, so no token
// collides with kWakerToken or kTimerToken.
uint64_t MakeToken(uint32_t generation, uint32_t index) {
  return (static_cast<uint64_t>(generation) << 32) | index;
}

}  // namespace

IoToken IoRegistry::Insert(int fd, std::shared_ptr<IoHandler> handler) {
  MutexLock lock(&mu_);
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  slot.fd = fd;
  slot.handler = std::move(handler);
  ++live_;
  return IoToken{MakeToken(slot.generation, index)};
}

const IoRegistry::Slot* IoRegistry::LiveSlotLocked(uint64_t token) const {
  const uint32_t index = static_cast<uint32_t>(token);
  const uint32_t generation = static_cast<uint32_t>(token >> 32);
  if (index >= slots_.size()) return nullptr;
  const Slot& slot = slots_[index];
  if (slot.fd < 0 || slot.generation != generation) return nullptr;
  return &slot;
}

std::optional<int> IoRegistry::Erase(IoToken token) {
  MutexLock lock(&mu_);
  if (LiveSlotLocked(token.value) == nullptr) return std::nullopt;
  const uint32_t index = static_cast<uint32_t>(token.value);
  Slot& slot = slots_[index];
  const int fd = slot.fd;
  slot.fd = -1;
  slot.handler.reset();
  // Generation 0 is skipped on wrap-around so tokens stay >= 2^32.
  if (++slot.generation == 0) slot.generation = 1;
  free_.push_back(index);
  --live_;
  return fd;
}

std::optional<int> IoRegistry::FdOf(IoToken token) const {
  MutexLock lock(&mu_);
  const Slot* slot = LiveSlotLocked(token.value);
  if (slot == nullptr) return std::nullopt;
  return slot->fd;
}

void IoRegistry::Resolve(std::span<const epoll_event> events,
                         std::vector<Ready>* out) const {
  MutexLock lock(&mu_);
  for (const epoll_event& event : events) {
    // Tokens 0 and 1 have generation 0, which no slot ever has.
    const Slot* slot = LiveSlotLocked(event.data.u64);
    if (slot != nullptr) out->push_back({slot->handler, event.events});
  }
}

size_t IoRegistry::size() const {
  MutexLock lock(&mu_);
  return live_;
}

}  // namespace park
