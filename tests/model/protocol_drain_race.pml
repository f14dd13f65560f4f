/*
 * protocol_drain_race.pml: protocol.pml with Spawn racing Drain as in the
 * code before the intake_ gate, to show that a drain can report completed
 * after dropping a task Spawn accepted. The test
 * model_protocol_drain_race_detected passes only if SPIN reports a
 * violation.
 *
 * The bug (DRAIN_RACE): Runtime::SpawnTask checks draining_ and then
 * pushes. Between the two, Drain stores draining_, reads LiveTasks() == 0
 * and reports completed, and Shutdown sets shut_down_; the push lands
 * before inject_.Close(), the workers leave, and Shutdown counts the task
 * as abandoned: Spawn returned OK, the task never ran, and the
 * DrainReport says completed (assertion after Shutdown).
 *
 * Run: tests/model/check_model.sh tests/model/protocol_drain_race.pml fail
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DDRAIN_CHILD
 */
#define DRAIN_RACE
#include "protocol.pml"
