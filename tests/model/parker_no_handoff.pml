/*
 * parker_no_handoff.pml: parker.pml without the driver hand-off, to show
 * that SCENARIO_HANDOFF (property (d) in parker.pml) can see a missing
 * hand-off. The test model_no_handoff_detected passes only if SPIN reports
 * a violation.
 *
 * The bug: SharedDriver::ReleaseDriver only stores driver_locked_ = false
 * (what UnlockDriver did before commit 0b49051) and wakes nobody (no
 * HandOffIfIdle). A parker that failed the try-lock sleeps in FutexWait on
 * its wake_seq (no deadline); the holder's turn ends with the driver
 * event, it releases the driver and leaves for good. Nothing bumps the
 * sleeper's word or wakes it, so nobody is in the driver while it sleeps:
 * ShutdownThread waits for sleeper_in_driver forever, an invalid end state
 * (the sleeper at ParkOnCondvar_futex_woken, ShutdownThread at
 * Shutdown_await_handoff).
 *
 * Run: tests/model/check_model.sh tests/model/parker_no_handoff.pml fail
 * @check -DSCENARIO_HANDOFF
 */
#define BROKEN_NO_HANDOFF
#include "parker.pml"
