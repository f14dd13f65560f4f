/*
 * parker_handoff3_no_pass_on.pml: parker_handoff3.pml with the code as it
 * was before the fix (NO_HANDOFF_PASS_ON): a parker that leaves
 * ParkOnCondvar's loop without the driver does not pass the hand-off on.
 * The checker must report the stranded sleeper (a negative test): P2's
 * HandOffIfIdle bumps and wakes P0, which an unpark also reached; P0 sees
 * kNotified at its loop head and leaves; P1 sleeps in FutexWait with the
 * driver free, an invalid end state.
 *
 * @check -DSCENARIO_HANDOFF -DHANDOFF_3 -DTIMEOUTS=0 -DSPURIOUS=0
 */
#define NO_HANDOFF_PASS_ON
#include "parker.pml"
