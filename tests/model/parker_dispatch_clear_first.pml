/*
 * parker_dispatch_clear_first.pml: parker.pml with Driver::Dispatch in the
 * order it had before commit 0b49051: wake_pending_.store(false), THEN
 * waker_.Drain(). The test model_dispatch_clear_first_detected passes only
 * if SPIN finds the lost wakeup, i.e. the model can see this real bug.
 *
 * The bug: an Unpark landing between the clear and the drain sees false,
 * sets wake_pending_ and writes the eventfd; the drain swallows that write.
 * wake_pending_ is then true with an empty counter, so every later
 * Driver::Unpark is "coalesced" and writes nothing: the next driver holder
 * that is unparked sleeps in epoll_wait until a timer or I/O event, if
 * any. SPIN reports an invalid end state in SCENARIO_UNPARK: a Parker
 * blocked at Driver_Park_epoll_wait, state kNotified, wake_pending true,
 * efd empty, after the Unparker has finished.
 *
 * Run: tests/model/check_model.sh tests/model/parker_dispatch_clear_first.pml fail
 * @check -DSCENARIO_UNPARK
 */
#define DISPATCH_CLEAR_FIRST
#include "parker.pml"
