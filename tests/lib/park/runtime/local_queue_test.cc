#include "park/runtime/local_queue.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/tagged_task.h"
#include "testing/await.h"

namespace park {
namespace {

using testing::Tagged;
using testing::ValueOf;


// Pops one task, returns its value and deletes it (-1 if empty).
int PopValue(LocalQueue& q) {
  Task* t = q.Pop();
  if (t == nullptr) return -1;
  const int v = ValueOf(t);
  delete t;
  return v;
}

TEST(LocalQueueTest, FifoForTheOwner) {
  LocalQueue q;
  InjectQueue overflow;
  for (int i = 0; i < 10; ++i) q.PushBackOrOverflow(new Tagged(i), overflow);
  EXPECT_EQ(q.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    Task* t = q.Pop();
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(ValueOf(t), i);
    delete t;
  }
  EXPECT_EQ(q.Pop(), nullptr);
}

TEST(LocalQueueTest, FullQueueMovesHalfToOverflowInOrder) {
  LocalQueue q;
  InjectQueue overflow;
  const int cap = static_cast<int>(LocalQueue::kCapacity);
  for (int i = 0; i <= cap; ++i) q.PushBackOrOverflow(new Tagged(i), overflow);
  EXPECT_EQ(overflow.size(), static_cast<size_t>(cap / 2 + 1));
  EXPECT_EQ(q.size(), static_cast<uint32_t>(cap / 2));
  std::vector<Task*> out(cap);
  size_t n = overflow.PopBatch(out.data(), out.size());
  // The oldest half first, then the task that did not fit.
  for (int i = 0; i < cap / 2; ++i) EXPECT_EQ(ValueOf(out[i]), i);
  EXPECT_EQ(ValueOf(out[n - 1]), cap);
  for (size_t i = 0; i < n; ++i) delete out[i];
  EXPECT_EQ(PopValue(q), cap / 2);
}

TEST(LocalQueueTest, StealTakesHalfRoundedUp) {
  LocalQueue victim, thief;
  InjectQueue overflow;
  for (int i = 0; i < 7; ++i) victim.PushBackOrOverflow(new Tagged(i), overflow);
  Task* t = victim.StealInto(thief);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(ValueOf(t), 3);  // the last of the 4 stolen runs at once
  delete t;
  EXPECT_EQ(thief.size(), 3u);
  EXPECT_EQ(victim.size(), 3u);
  EXPECT_EQ(PopValue(thief), 0);
}

// Every task pushed is taken exactly once, by the owner or by one of the
// thieves, while they race (run under TSan in CI).
TEST(LocalQueueTest, ConcurrentStealsLoseAndDuplicateNothing) {
  constexpr int kTasks = 200000;
  constexpr int kThieves = 2;
  LocalQueue victim;
  InjectQueue overflow;
  std::vector<std::atomic<int>> seen(kTasks);
  std::atomic<bool> done{false};
  std::atomic<int> taken{0};
  auto take = [&](Task* t) {
    seen[ValueOf(t)].fetch_add(1);
    taken.fetch_add(1);
    delete t;
  };
  std::vector<std::thread> thieves;
  for (int k = 0; k < kThieves; ++k) {
    thieves.emplace_back([&] {
      LocalQueue mine;
      while (!done.load() || !victim.empty()) {
        if (Task* t = victim.StealInto(mine)) {
          take(t);
          while (Task* u = mine.Pop()) take(u);
        }
      }
    });
  }
  for (int i = 0; i < kTasks; ++i) {
    victim.PushBackOrOverflow(new Tagged(i), overflow);
    if (i % 3 == 0) {
      if (Task* t = victim.Pop()) take(t);
    }
  }
  done = true;
  for (auto& t : thieves) t.join();
  while (Task* t = victim.Pop()) take(t);
  std::vector<Task*> rest(1024);
  while (size_t n = overflow.PopBatch(rest.data(), rest.size())) {
    for (size_t i = 0; i < n; ++i) take(rest[i]);
  }
  EXPECT_EQ(taken.load(), kTasks);
  for (int i = 0; i < kTasks; ++i) ASSERT_EQ(seen[i].load(), 1) << i;
}

}  // namespace
}  // namespace park
