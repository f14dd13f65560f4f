// A Task that does nothing but carry a number, for queue tests that check
// order and ownership.
#ifndef PARK_TESTING_TAGGED_TASK_H_
#define PARK_TESTING_TAGGED_TASK_H_

#include "park/runtime/task.h"

namespace park::testing {

struct Tagged final : Task {
  explicit Tagged(int v) : value(v) {}
  TaskStatus Run() noexcept override { return TaskStatus::kDone; }
  int value;
};

inline int ValueOf(Task* t) { return static_cast<Tagged*>(t)->value; }

}  // namespace park::testing

#endif  // PARK_TESTING_TAGGED_TASK_H_
