/*
 * protocol_deferred_never_fires.pml: protocol.pml with the deferred
 * wakeup's timer never firing, in the scenario it exists for: P waits for
 * L, which came from outside after it (WAIT_FOR_LEAF). The worker woken
 * as the searcher takes P and L in one batch, defers its wakeup for L (its
 * own queue) and blocks in P; the other worker went to sleep before and
 * nothing else wakes it. Without the timer L is stranded: the test
 * model_protocol_deferred_never_fires_detected passes only if SPIN finds
 * that, which shows the model reaches the deferral and that the timer is
 * what keeps such work from being stranded.
 *
 * Run: tests/model/check_model.sh tests/model/protocol_deferred_never_fires.pml fail
 * @check -DSCENARIO_SPAWN -DEXTRA_LEAF -DWAIT_FOR_LEAF
 */
#define DEFERRED_TIMER_NEVER_FIRES
#include "protocol.pml"
