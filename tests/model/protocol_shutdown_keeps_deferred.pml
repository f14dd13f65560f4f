/*
 * protocol_shutdown_keeps_deferred.pml: protocol.pml with Shutdown not
 * taking the deferred wakeup's timer out of the driver before it counts
 * the timers it cancels (the code before DropDeferredWake). When the timer
 * is still pending at the shutdown (a parking worker's hint read false, or
 * the drain's deadline passed first), CancelAllTimers counts it as a
 * caller's abandoned timer: the report is wrong (and timers_pending went
 * below zero; RuntimeRacesTest.DeferredWakeupIsNotCountedAsACallersTimer
 * found it). The test model_protocol_shutdown_keeps_deferred_detected
 * passes only if SPIN reports a violation.
 *
 * Run: tests/model/check_model.sh tests/model/protocol_shutdown_keeps_deferred.pml fail
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DEXTRA_LEAF
 */
#define NO_DROP_DEFERRED
#include "protocol.pml"
