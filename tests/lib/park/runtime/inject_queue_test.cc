#include "park/runtime/inject_queue.h"

#include <vector>

#include "gtest/gtest.h"
#include "testing/tagged_task.h"

namespace park {
namespace {

using testing::Tagged;
using testing::ValueOf;

TEST(InjectQueueTest, FifoAcrossGrowthAndWrap) {
  InjectQueue q;
  int next_in = 0, next_out = 0;
  std::vector<Task*> out(100);
  // Interleave pushes and pops so the ring wraps and grows several times.
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
  }
  EXPECT_EQ(q.size(), static_cast<size_t>(next_in - next_out));
  // The destructor deletes what is left (ASan/LSan check it).
}

TEST(InjectQueueTest, ClosedQueueRefusesAndKeepsNothing) {
  InjectQueue q;
  q.Close();
  std::unique_ptr<Task> back = q.Push(std::make_unique<Tagged>(1));
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(q.empty());
  Task* batch[] = {new Tagged(2)};
  q.PushBatch(batch, 1);  // overflow from a worker is still accepted
  EXPECT_EQ(q.size(), 1u);
}

}  // namespace
}  // namespace park
