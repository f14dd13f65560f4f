/*
 * protocol_drain_race.pml: protocol.pml with Spawn racing Drain as in the
 * code before the fix, to show that a drain could report completed after
 * Shutdown dropped a task Spawn accepted. The test
 * model_protocol_drain_race_detected passes only if SPIN reports a
 * violation.
 *
 * The bug (DRAIN_RACE): SpawnTask checks draining_ and then pushes, and
 * Drain did not close the inject queue until Shutdown. Between the check
 * and the push, Drain stores draining_, reads LiveTasks() == 0 and decides
 * completed, and Shutdown sets shut_down_; the push lands before
 * inject_.Close(), the workers leave, and Shutdown counts the task as
 * abandoned: Spawn returned OK, the task never ran, and the drain had
 * decided completed (the assertion after Shutdown). The fix closes the
 * inject queue first thing in Drain, before it counts.
 *
 * Run: tests/model/check_model.sh tests/model/protocol_drain_race.pml fail
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DDRAIN_CHILD
 */
#define DRAIN_RACE
#include "protocol.pml"
