/*
 * parker_handoff3.pml: SCENARIO_HANDOFF with 3 parkers (HANDOFF_3).
 *
 * Harness: Parker(0..2) park until kShutdown; a park that returns
 * kDriverEvent, kNotified or kTimedOut leaves for good (the worker runs a
 * task that blocks for seconds, docs/parker.md "The driver hand-off");
 * one Unparker::Unpark() of any parker at any moment. Property
 * (d) as in parker.pml: after the event's taker left, a parker still in its
 * loop must get into the driver (or nobody is left).
 *
 * This scenario found a gap in the first hand-off (shortest trail, P0..P2
 * = Parker(0..2)): P2 holds the driver and its turn returns an I/O event;
 * P1 and P0 park on the condvar path; P2's HandOffIfIdle picks P0 (the
 * first kParkedCondvar parker) and wakes it; meanwhile P0 is unparked,
 * returns kNotified and leaves; P1 stays asleep with the driver free. The
 * fix (Parker::ParkOnCondvar: a parker leaving without the driver, while
 * the driver is free, calls HandOffIfIdle) is modelled by default, with
 * the eventcount (wake_seq + futex) of commit 2171ba2;
 * parker_handoff3_no_pass_on.pml keeps the old behaviour as a negative
 * test.
 *
 * @check -DSCENARIO_HANDOFF -DHANDOFF_3 -DTIMEOUTS=0 -DSPURIOUS=0
 */
#include "parker.pml"
