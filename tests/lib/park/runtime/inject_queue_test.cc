#include "park/runtime/inject_queue.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/tagged_task.h"

namespace park {
namespace {

using testing::Tagged;
using testing::ValueOf;

TEST(InjectQueueTest, FifoAcrossPushesAndPartialPops) {
  InjectQueue q;
  int next_in = 0, next_out = 0;
  std::vector<Task*> out(100);
  // Pops of 100 out of 150 pushed each round: every pop takes part of the
  // ready list and part of a fresh stack.
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 150; ++i) {
      EXPECT_EQ(q.Push(std::make_unique<Tagged>(next_in++)), nullptr);
    }
    size_t n = q.PopBatch(out.data(), 100);
    ASSERT_EQ(n, 100u);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(ValueOf(out[i]), next_out++);
      delete out[i];
    }
    EXPECT_EQ(q.size(), static_cast<size_t>(next_in - next_out));
  }
  EXPECT_EQ(q.accepted(), static_cast<uint64_t>(next_in));
  // The destructor deletes what is left, on both lists (ASan/LSan check).
  EXPECT_EQ(q.Push(std::make_unique<Tagged>(next_in++)), nullptr);
}

TEST(InjectQueueTest, OverflowGoesAheadOfOutsideTasksStillIncoming) {
  InjectQueue q;
  ASSERT_EQ(q.Push(std::make_unique<Tagged>(1)), nullptr);
  Task* overflow[] = {new Tagged(10), new Tagged(11)};
  q.PushBatch(overflow, 2);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.accepted(), 1u);  // overflow was counted where it was made
  std::vector<Task*> out(3);
  ASSERT_EQ(q.PopBatch(out.data(), 3), 3u);
  EXPECT_EQ(ValueOf(out[0]), 10);
  EXPECT_EQ(ValueOf(out[1]), 11);
  EXPECT_EQ(ValueOf(out[2]), 1);
  for (Task* t : out) delete t;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.PopBatch(out.data(), 3), 0u);
}

TEST(InjectQueueTest, ClosedQueueRefusesButKeepsWhatItHeld) {
  InjectQueue q;
  ASSERT_EQ(q.Push(std::make_unique<Tagged>(1)), nullptr);
  q.Close();
  q.Close();  // idempotent
  std::unique_ptr<Task> back = q.Push(std::make_unique<Tagged>(2));
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(ValueOf(back.get()), 2);
  EXPECT_EQ(q.accepted(), 1u);
  Task* batch[] = {new Tagged(3)};
  q.PushBatch(batch, 1);  // overflow from a worker is still accepted
  EXPECT_EQ(q.size(), 2u);
  std::vector<Task*> out(4);
  ASSERT_EQ(q.PopBatch(out.data(), 4), 2u);
  EXPECT_EQ(ValueOf(out[0]), 1);
  EXPECT_EQ(ValueOf(out[1]), 3);
  for (size_t i = 0; i < 2; ++i) delete out[i];
}

// Producers push while consumers pop and a closer closes midway: every
// task is either refused back to its producer or popped exactly once, and
// each producer's accepted tasks come out in its order. Run under TSan too.
TEST(InjectQueueTest, ConcurrentPushPopCloseLoseAndDuplicateNothing) {
  constexpr int kProducers = 3, kConsumers = 2, kPerProducer = 20000;
  InjectQueue q;
  std::vector<std::atomic<int>> seen(kProducers * kPerProducer);
  std::atomic<int> refused{0}, done_producers{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        if (p == 0 && i == kPerProducer / 2) q.Close();
        if (q.Push(std::make_unique<Tagged>(p * kPerProducer + i)) != nullptr) {
          seen[p * kPerProducer + i].fetch_add(1);
          refused.fetch_add(1);
        }
      }
      done_producers.fetch_add(1);
    });
  }
  std::vector<std::vector<int>> popped(kConsumers);
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      std::vector<Task*> out(32);
      for (;;) {
        const bool finished = done_producers.load() == kProducers;
        size_t n = q.PopBatch(out.data(), 1 + c * 31);
        for (size_t i = 0; i < n; ++i) {
          const int v = ValueOf(out[i]);
          seen[v].fetch_add(1);
          popped[c].push_back(v);
          delete out[i];
        }
        if (finished && n == 0 && q.empty()) break;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t v = 0; v < seen.size(); ++v) {
    ASSERT_EQ(seen[v].load(), 1) << "task " << v;
  }
  EXPECT_GT(refused.load(), 0);
  EXPECT_EQ(q.accepted(),
            static_cast<uint64_t>(kProducers * kPerProducer - refused.load()));
  // Per consumer, one producer's tasks appear in increasing order (a
  // consumer's batches are taken in queue order).
  for (const std::vector<int>& got : popped) {
    std::vector<int> last(kProducers, -1);
    for (int v : got) {
      const int p = v / kPerProducer;
      EXPECT_GT(v, last[p]);
      last[p] = v;
    }
  }
}

// size() may overstate while pushes and pops run, never miss a task that a
// Push has returned from: the parking worker's last look relies on it.
// Popping one task at a time takes the single-task path of the move off the
// stack; batches of 3 take the reversal.
TEST(InjectQueueTest, SizeNeverMissesAPushedTask) {
  constexpr int kTasks = 200000;
  InjectQueue q;
  std::atomic<int> pushed{0};   // Push calls returned
  std::atomic<int> claimed{0};  // an upper bound of the tasks popped so far
  std::atomic<bool> done{false};
  std::atomic<int> misses{0};
  std::thread producer([&] {
    for (int i = 0; i < kTasks; ++i) {
      ASSERT_EQ(q.Push(std::make_unique<Tagged>(i)), nullptr);
      pushed.fetch_add(1);
    }
  });
  std::thread consumer([&] {
    std::vector<Task*> out(3);
    int taken = 0;
    for (size_t round = 0; taken < kTasks; ++round) {
      const size_t max = round % 2 == 0 ? 1 : 3;
      // Claimed before the pop can remove anything; the unused part of the
      // claim is given back after.
      claimed.fetch_add(static_cast<int>(max));
      const size_t n = q.PopBatch(out.data(), max);
      claimed.fetch_sub(static_cast<int>(max - n));
      for (size_t i = 0; i < n; ++i) delete out[i];
      taken += static_cast<int>(n);
    }
    done.store(true);
  });
  std::thread observer([&] {
    while (!done.load()) {
      const int p = pushed.load();
      const size_t size = q.size();
      const int c = claimed.load();
      if (static_cast<int>(size) + c < p) misses.fetch_add(1);
    }
  });
  producer.join();
  consumer.join();
  observer.join();
  EXPECT_EQ(misses.load(), 0);
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace park
