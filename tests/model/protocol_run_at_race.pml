/*
 * protocol_run_at_race.pml: protocol.pml with RunAt racing Drain and
 * Shutdown as in the code before the intake_ gate, to show that a timer
 * could be added after Shutdown cancelled the timers. The test
 * model_protocol_run_at_race_detected passes only if SPIN reports a
 * violation.
 *
 * The bug (DRAIN_RACE, with RunAt only): RunTaskAt checks shut_down_ and
 * draining_, then adds the timer. Between the two, Drain reads
 * LiveTasks() == 0 and Shutdown runs to its end, CancelAllTimers
 * included; the timer is then added to the driver, where it stays (RunAt
 * returned OK, it never fires, nothing counts it): the Checker finds a
 * timer in the driver after Shutdown.
 *
 * Run: tests/model/check_model.sh tests/model/protocol_run_at_race.pml fail
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DRUN_AT_ONLY
 */
#define DRAIN_RACE
#include "protocol.pml"
