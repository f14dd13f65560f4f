/*
 * protocol_cancel_on_wakeup.pml: protocol.pml with the first version of
 * the deferred wakeup (never committed), which cancelled the pending
 * timer after every wakeup that NotifyParked sent. A wakeup that began
 * before the deferral can end after it, and the worker it woke may have
 * looked at the queues too early: the Spawner pushes L and wakes a worker,
 * the woken one finds nothing yet, the searcher takes P and L and defers,
 * and then the Spawner's NotifyParked, returning, cancels the timer. P
 * waits for L forever. The code cancels only from a worker about to park
 * that sees nothing queued, under deferred_mu_. The test
 * model_protocol_cancel_on_wakeup_detected passes only if SPIN reports a
 * violation.
 *
 * Run: tests/model/check_model.sh tests/model/protocol_cancel_on_wakeup.pml fail
 * @check -DSCENARIO_SPAWN -DEXTRA_LEAF -DWAIT_FOR_LEAF
 */
#define CANCEL_ON_WAKEUP
#include "protocol.pml"
