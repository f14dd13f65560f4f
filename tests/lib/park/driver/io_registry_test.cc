#include "park/driver/io_registry.h"

#include <vector>

#include "gtest/gtest.h"

namespace park {
namespace {

class CountingHandler : public IoHandler {
 public:
  void OnReady(uint32_t events) override { last_events = events; }
  uint32_t last_events = 0;
};

epoll_event Event(uint64_t token, uint32_t events) {
  epoll_event e = {};
  e.data.u64 = token;
  e.events = events;
  return e;
}

TEST(IoRegistryTest, ResolvesLiveTokensOnly) {
  IoRegistry reg;
  auto h = std::make_shared<CountingHandler>();
  IoToken t = reg.Insert(5, h);
  EXPECT_NE(t.value, IoRegistry::kWakerToken);
  EXPECT_NE(t.value, IoRegistry::kTimerToken);
  EXPECT_EQ(reg.FdOf(t), 5);

  std::vector<epoll_event> events = {Event(t.value, EPOLLIN),
                                     Event(IoRegistry::kWakerToken, EPOLLIN),
                                     Event(IoRegistry::kTimerToken, EPOLLIN)};
  std::vector<IoRegistry::Ready> out;
  reg.Resolve(events, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].handler, h);
  EXPECT_EQ(out[0].events, static_cast<uint32_t>(EPOLLIN));
}

TEST(IoRegistryTest, StaleTokenOfAReusedSlotIsDropped) {
  IoRegistry reg;
  IoToken old = reg.Insert(5, std::make_shared<CountingHandler>());
  EXPECT_EQ(reg.Erase(old), 5);
  EXPECT_EQ(reg.Erase(old), std::nullopt);
  IoToken fresh = reg.Insert(6, std::make_shared<CountingHandler>());
  EXPECT_NE(old.value, fresh.value);  // same slot, new generation
  EXPECT_EQ(reg.FdOf(old), std::nullopt);
  std::vector<epoll_event> events = {Event(old.value, EPOLLIN)};
  std::vector<IoRegistry::Ready> out;
  reg.Resolve(events, &out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reg.size(), 1u);
}

}  // namespace
}  // namespace park
