/*
 * protocol_no_producer_fence.pml: protocol.pml without the fence in
 * Worker::NotifyAfterLocalPush (the code before the fix, where Schedule
 * called NotifyParked right after its push), to show that on x86 a local
 * push can be stranded. The test model_protocol_no_producer_fence_detected
 * passes only if SPIN reports a violation.
 *
 * The bug (NO_PRODUCER_FENCE): a worker's local push (LocalQueue::
 * TryPushBack's tail_ store, release: a plain mov) is followed by the load
 * of the idle state with nothing between them, so the store can still sit
 * in the store buffer when the load reads "every worker unparked" or
 * "someone searches" and wakes nobody. The other worker then counts
 * itself parked (a locked RMW) and rescans, reading the old tail_ from
 * memory, and sleeps. When the pushing task waits for the task it pushed,
 * it waits forever: the Checker finds an accepted task that never ran (P
 * blocked in its wait for CHILD). Counterexample: protocol.pml, VARIANTS.
 *
 * Run: tests/model/check_model.sh tests/model/protocol_no_producer_fence.pml fail
 * @check -DSCENARIO_SPAWN -DEXTRA_LEAF
 */
#define NO_PRODUCER_FENCE
#include "protocol.pml"
