/*
 * parker_broken.pml: parker.pml with a deliberate bug, to show that the
 * model and tests/model/check_model.sh catch a lost wakeup. The test
 * model_parker_broken_detected passes only if SPIN reports a violation.
 *
 * The bug: ParkerCore::Unpark (parker.cc), on finding kParkedCondvar,
 * signals the condvar without first locking and unlocking the parker's
 * mutex. The owner publishes kParkedCondvar while holding mu and only then
 * waits (CondVar::Wait releases mu); a Signal that lands in between finds
 * nobody waiting and is lost, while the state word already says kNotified,
 * so no later unpark signals again: the owner sleeps forever. SPIN reports
 * it as an invalid end state (the Parker blocked at ParkOnCondvar_woken).
 * The rest of the model is the code as written (Dispatch drains first), so
 * the violation found can only be this one.
 *
 * Run: tests/model/check_model.sh tests/model/parker_broken.pml fail
 * @check -DSCENARIO_UNPARK
 * @check -DSCENARIO_SHUTDOWN
 */
#define BROKEN_UNPARK_NO_LOCK
#include "parker.pml"
