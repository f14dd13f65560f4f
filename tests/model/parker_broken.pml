/*
 * parker_broken.pml: parker.pml with a deliberate bug, to show that the
 * model and tests/model/check_model.sh catch a lost wakeup on the futex
 * (eventcount) path. The test model_parker_broken_detected passes only if
 * SPIN reports a violation.
 *
 * The bug (BROKEN_SEQ_LOAD_LATE): Parker::ParkOnCondvar loads wake_seq
 * after its checks (shutdown, kNotified, the driver, the deadline), just
 * before FutexWait, instead of at the loop head: the classic eventcount
 * mistake. An Unpark landing after the kNotified check and before that
 * load exchanges kParkedCondvar for kNotified, bumps wake_seq and
 * futex-wakes nobody (the owner is not queued yet); the owner then loads
 * the bumped value, so FutexWait finds it unchanged and the owner sleeps.
 * The state word already says kNotified, so no later Unpark bumps again:
 * the owner sleeps forever. SPIN reports an invalid end state in
 * SCENARIO_UNPARK: a Parker blocked at ParkOnCondvar_futex_woken, state
 * kNotified, with a token it never takes, after the Unparker finished.
 * The rest of the model is the code as written, so the violation found can
 * only be this one.
 *
 * Run: tests/model/check_model.sh tests/model/parker_broken.pml fail
 * @check -DSCENARIO_UNPARK
 * @check -DSCENARIO_SHUTDOWN
 */
#define BROKEN_SEQ_LOAD_LATE
#include "parker.pml"
