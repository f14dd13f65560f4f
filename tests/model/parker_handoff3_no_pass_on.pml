/*
 * parker_handoff3_no_pass_on.pml: parker_handoff3.pml with the code as it
 * was before the fix (NO_HANDOFF_PASS_ON): a parker that leaves its
 * condvar wait without the driver does not pass the hand-off on. The
 * checker must report the stranded sleeper (a negative test).
 *
 * @check -DSCENARIO_HANDOFF -DHANDOFF_3 -DTIMEOUTS=0 -DSPURIOUS=0
 */
#define NO_HANDOFF_PASS_ON
#include "parker.pml"
