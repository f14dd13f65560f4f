/*
 * protocol_draining_release.pml: protocol.pml with the intake_ gate but
 * draining_ stored with memory_order_release, to show that the gate needs
 * Drain's store to be seq_cst. The test
 * model_protocol_draining_release_detected passes only if SPIN reports a
 * violation.
 *
 * The bug (DRAINING_RELEASE): a release store is a plain mov on x86, so
 * draining_ = true can sit in the Drainer's store buffer while it reads
 * intake_ == 0 and LiveTasks() == 0. A Spawn that does its fetch_add after
 * that read then loads draining_ from memory (still false) and pushes
 * before inject_.Close(): the drain reports completed and Shutdown drops
 * the task. (Store-buffering: the gate is a Dekker handshake, and each
 * side needs a full barrier between its store and its load.)
 *
 * Run: tests/model/check_model.sh tests/model/protocol_draining_release.pml fail
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DDRAIN_CHILD
 */
#define DRAINING_RELEASE
#include "protocol.pml"
