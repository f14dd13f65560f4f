/*
 * protocol_shutdown_release.pml: protocol.pml with shut_down_ stored with
 * memory_order_release instead of seq_cst, to show that the intake_ gate
 * needs Shutdown's store to be seq_cst. The test
 * model_protocol_shutdown_release_detected passes only if SPIN reports a
 * violation.
 *
 * The bug (SHUTDOWN_RELEASE, with Shutdown called alone and an outside
 * RunAt): a release store is a plain mov on x86, so shut_down_ = true can
 * sit in the store buffer while Shutdown reads intake_ == 0
 * (AwaitIntakeClosed). A RunAt that does its fetch_add after that read
 * loads shut_down_ from memory (still false), passes the gate and adds
 * its timer after CancelAllTimers: the Checker finds a timer in the
 * driver after Shutdown. The gate is a Dekker handshake (store the flag,
 * load intake_; add to intake_, load the flag): each side needs a full
 * barrier between its two accesses, and here nothing else provides one.
 * (draining_ stored with release does not fail under TSO: Drain's
 * inject_.Close() takes a mutex, a locked instruction, between the store
 * and the load. The C++ model does not order them there.)
 *
 * Run: tests/model/check_model.sh tests/model/protocol_shutdown_release.pml fail
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DRUN_AT_ONLY -DSHUTDOWN_ONLY
 */
#define SHUTDOWN_RELEASE
#include "protocol.pml"
