#include "park/parker/shared_driver.h"

#include <algorithm>

#include "park/parker/parker_core.h"

namespace park {

absl::StatusOr<std::shared_ptr<SharedDriver>> SharedDriver::Create() {
  absl::StatusOr<std::unique_ptr<Driver>> driver = Driver::Create();
  if (!driver.ok()) return driver.status();
  return std::make_shared<SharedDriver>(*std::move(driver));
}

SharedDriver::SharedDriver(std::unique_ptr<Driver> driver)
    : driver_(std::move(driver)) {}

void SharedDriver::Shutdown() {
  // seq_cst: a parker publishes PARKED_* and then loads shut_down_; we store
  // shut_down_ and then exchange every parker's state in Unpark. One of the
  // two sees the other's write, so no parker sleeps through shutdown.
  if (shut_down_.exchange(true)) return;
  MutexLock lock(&parkers_mu_);
  for (internal::ParkerCore* core : parkers_) core->Unpark();
  // A thread may be inside a turn without being PARKED_DRIVER (it is
  // finishing one); ringing once more costs one coalesced flag at worst.
  driver_->Unpark();
}

void SharedDriver::ReleaseDriver() {
  driver_locked_.store(false);
  HandOffIfIdle();
}

void SharedDriver::HandOffIfIdle() {
  if (condvar_sleepers_.load() == 0) return;
  MutexLock lock(&parkers_mu_);
  for (internal::ParkerCore* core : parkers_) {
    if (core->state.load() != static_cast<uint32_t>(ParkState::kParkedCondvar)) {
      continue;
    }
    // The driver lock is already stored free (ReleaseDriver) or seen free
    // (a sleeper passing the hand-off on): the bump after it means the
    // sleeper either sees the driver free or does not sleep on.
    core->WakeSleeper();
    return;
  }
}

void SharedDriver::Attach(internal::ParkerCore* core) {
  MutexLock lock(&parkers_mu_);
  parkers_.push_back(core);
}

void SharedDriver::Detach(internal::ParkerCore* core) {
  MutexLock lock(&parkers_mu_);
  parkers_.erase(std::remove(parkers_.begin(), parkers_.end(), core),
                 parkers_.end());
}

}  // namespace park
